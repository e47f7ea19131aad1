// The default model's questions as a SurveyJS survey (the conversion a site would do by hand),
// rendered on the page; the model file is fetched like Ripen fetches it.
// Every ISO 3166-1 country with its English name, as the Ripen form offers them.
function countries() {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  return ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV ' +
    'BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
    'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU ' +
    'MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB ' +
    'SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY ' +
    'UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' ').map((code) => ({ value: code, text: names.of(code) }));
}

(async function () {
  const model = await (await fetch('/models/default.json')).json();
  const en = (t) => (typeof t === 'string' ? t : t && t.en);
  const condition = (c) => {
    if (c.answer && c.in) return `{${c.answer}} anyof [${c.in.map((v) => `'${v}'`).join(', ')}]`;
    if (c.answer && c.not_in) return `{${c.answer}} noneof [${c.not_in.map((v) => `'${v}'`).join(', ')}]`;
    return undefined;
  };
  const elements = model.questions.map((q) => {
    const base = { name: q.id, title: en(q.label), isRequired: !!q.required, visibleIf: q.show_if ? condition(q.show_if) : undefined };
    const choices = (q.options || []).map((o) => ({ value: o.value, text: en(o.label) }));
    switch (q.type) {
      case 'single': return { ...base, type: 'radiogroup', choices };
      case 'multiple': return { ...base, type: 'checkbox', choices, maxSelectedChoices: q.max_select || 0 };
      case 'number': return { ...base, type: 'text', inputType: 'number', min: q.min, max: q.max };
      case 'email': return { ...base, type: 'text', inputType: 'email' };
      case 'country': return { ...base, type: 'dropdown', choices: countries() };
      default: return { ...base, type: 'comment' };
    }
  });
  const survey = new Survey.Model({ pages: [{ elements }], showQuestionNumbers: 'off' });
  survey.render(document.getElementById('survey'));
})();
