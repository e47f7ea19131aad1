// Small helpers of the form (web/form.mjs): text-only elements (model strings never become
// markup), model texts in the page language, digests and keys, which questions matter to the
// engine, the booking link's parameters, and the country codes.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function textIn(text, language, fallback) {
  if (text === undefined || text === null) return '';
  if (typeof text === 'string') return text;
  if (text[language] !== undefined) return text[language];
  const primary = language.split('-')[0];
  if (text[primary] !== undefined) return text[primary];
  return text[fallback] ?? Object.values(text)[0] ?? '';
}

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, key) => (values[key] !== undefined ? String(values[key]) : match));
}

// A digest of a submission's answers, so "already sent" can be told on the next visit without
// keeping the answers themselves (an e-mail) on the device: FNV-1a, 2 x 32 bits.
export function digest(text) {
  let a = 0x811c9dc5, b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; ++i) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

export function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// Whether an answer to q can move the decision: points on an option or band, or a condition of
// a signal, rule, segment or track that tests it.
const mattering = new WeakMap();
export function matters(doc, q) {
  if (!mattering.has(doc)) {
    const tested = JSON.stringify([doc.signals, doc.rules, doc.segments, doc.nurture]).match(/"answer":"[^"]*"/g) ?? [];
    mattering.set(doc, new Set(tested.map((m) => m.slice(10, -1))));
  }
  const points = (list) => (list ?? []).some((o) => o.points && Object.values(o.points).some((p) => p !== 0));
  return mattering.get(doc).has(q.id) || points(q.options) || points(q.bands);
}

// The booking link with what the visitor told us, so the scheduler's form comes filled in: the
// model's booking_params (URL parameter -> question), else the common scheduler names (name,
// email, company) for the questions that have them. Parameters already in the link win. Choices
// go in as their labels (`label` gives a model text in the page language).
export function bookingLink(url, doc, answers, label) {
  let link;
  try {
    link = new URL(url, globalThis.location?.href);
  } catch {
    return url;
  }
  const question = (id) => doc.questions.find((q) => q.id === id);
  const params = doc.booking_params ?? Object.fromEntries([
    ['name', question('name')?.id], ['email', doc.questions.find((q) => q.type === 'email')?.id], ['company', question('company')?.id],
  ].filter(([, id]) => id));
  for (const [param, id] of Object.entries(params)) {
    const q = question(id);
    const value = answers[id];
    if (!q || value === undefined || value === null || link.searchParams.has(param)) continue;
    const shown = (v) => label(q.options?.find((o) => o.value === v)?.label) || String(v);
    link.searchParams.set(param, Array.isArray(value) ? value.map(shown).join(', ') : shown(value));
  }
  return link.href;
}

// ISO 3166-1 alpha-2 codes, as the core accepts them; names come from Intl.DisplayNames.
export const COUNTRY_CODES = ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV ' +
  'BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
  'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU ' +
  'MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB ' +
  'SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY ' +
  'UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' ');
