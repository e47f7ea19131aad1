// The demo's live panel: follows the form's events and shows the decision as it forms.
const form = document.getElementById('form');
const $ = (id) => document.getElementById(id);
const labels = { handoff: 'Hand off to sales', nurture: 'Nurture', disqualify: 'Disqualified', undecided: 'Undecided: still asking' };

function labelOf(model, text) {
  if (!text || typeof text === 'string') return text || '';
  return text[document.documentElement.lang] ?? text[model.languages[0]];
}

function show(decision) {
  const doc = form.controller?.doc;
  if (!doc || !decision) return;
  $('route').textContent = labels[decision.route];
  $('route').dataset.route = decision.route;
  $('total').textContent = decision.total;
  $('max').textContent = decision.max;
  $('threshold').textContent = decision.threshold;
  const meter = $('score-meter');
  meter.max = decision.max;
  meter.value = decision.total;
  meter.low = decision.threshold - 0.5;
  meter.optimum = decision.max;
  $('interval').textContent = decision.lo === decision.hi
    ? `Settled: the final total is ${decision.lo}.`
    : `The final total can still be anywhere from ${decision.lo} to ${decision.hi}.`;
  const rows = doc.criteria.map((c) => {
    const r = decision.criteria[c.id];
    const tr = document.createElement('tr');
    for (const text of [labelOf(doc, c.label) || c.id, `${r.points} / ${r.max}${r.weight !== 1 ? ` ×${r.weight}` : ''}`, r.lo === r.hi ? '—' : `${r.lo}–${r.hi}`]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $('breakdown').replaceChildren(...rows);
  $('rules').replaceChildren(...decision.rules.map((rule) => {
    const li = document.createElement('li');
    li.textContent = `${rule.kind === 'knockout' ? 'Knock-out' : 'Gate'} ${rule.id}: ${rule.state}`;
    li.dataset.state = rule.state;
    return li;
  }));
  $('next').replaceChildren(...decision.next_questions.map((id) => {
    const li = document.createElement('li');
    li.textContent = labelOf(doc, doc.questions.find((q) => q.id === id).label);
    return li;
  }));
  const segment = doc.segments.find((s) => s.id === decision.segment.id);
  // The page has the published model (ripen publish), which keeps no internal labels or
  // cadences: ids stand in for them.
  let plan = `Segment: ${labelOf(doc, segment.label) || segment.id}${decision.segment.settled ? '' : ' (may change)'}, sales accepts within ${decision.segment.sla_hours} hours.`;
  if (decision.handoff?.cadence.length) plan += ` Cadence: ${decision.handoff.cadence.length} touches over ${decision.handoff.cadence.at(-1)?.day ?? 0} days.`;
  if (decision.nurture) plan += ` Nurture track: ${decision.nurture.track} (${decision.nurture.stage}), every ${decision.nurture.every_days} days.`;
  $('plan').textContent = plan;
  $('flip').textContent = decision.flip
    ? `What would change it: ${decision.flip.changes.map((c) => `${c.question} = ${c.to}`).join(' and ')} would give ${labels[decision.flip.to].toLowerCase()} (total ${decision.flip.total}).`
    : '';
}

for (const type of ['ripen:step', 'ripen:change', 'ripen:decision']) form.addEventListener(type, (event) => show(event.detail.decision));
