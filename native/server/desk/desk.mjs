// The sales desk: the queue of hand-offs by SLA deadline, a lead with its answers, explanation
// and cadence checklist, Accept / Reject / Won / Lost, and the report. Everything a visitor
// typed is shown as text (textContent), never as markup.
const $ = (id) => document.getElementById(id);
let csrf = '';

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const headers = { ...(options.body ? { 'Content-Type': 'application/json' } : {}), ...(options.method === 'POST' ? { 'X-CSRF-Token': csrf } : {}) };
  const response = await fetch(path, { credentials: 'same-origin', ...options, headers });
  if (response.status === 401) {
    showLogin();
    throw new Error('not logged in');
  }
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function announce(text) {
  $('status').textContent = text;
}

function showLogin() {
  $('nav').hidden = true;
  $('view').hidden = true;
  $('login').hidden = false;
  $('token').focus();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('login-error');
  error.hidden = true;
  const response = await fetch('/desk/login', {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: $('token').value }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    error.textContent = body.error || `HTTP ${response.status}`;
    error.hidden = false;
    $('token').focus();
    return;
  }
  csrf = body.csrf;
  $('token').value = '';
  start();
});

$('logout').addEventListener('click', async () => {
  await fetch('/desk/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } });
  csrf = '';
  showLogin();
});

const STATUS = { pending: 'To accept', accepted: 'Accepted', rejected: 'Rejected (recycled)', nurture: 'Nurture', disqualified: 'Disqualified', review: 'For review', spam: 'Held as spam', superseded: 'Replaced' };
const SPAM = { honeypot: 'it filled in a field people never see', too_fast: 'the form was filled faster than a person can' };

function timeLeft(lead) {
  if (lead.status !== 'pending' || lead.sla_left_minutes === undefined) return el('span', { class: 'muted', text: '—' });
  const m = lead.sla_left_minutes;
  const text = m < 0 ? `${formatDuration(-m)} overdue` : `${formatDuration(m)} left`;
  return el('span', { class: m < 0 ? 'late-text' : '', text });
}

function formatDuration(minutes) {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${Math.floor(minutes / 1440)} days`;
}

function field(label, control) {
  const id = `f-${Math.random().toString(36).slice(2, 8)}`;
  control.id = id;
  return el('div', {}, el('label', { for: id, text: label }), control);
}

async function queue(params) {
  const view = $('view');
  const filters = el('form', { class: 'filters', 'aria-label': 'Filters' });
  const status = el('select', { name: 'status' }, el('option', { value: '', text: 'All' }),
    ...Object.entries(STATUS).filter(([k]) => k !== 'superseded').map(([k, v]) => el('option', { value: k, text: v })));
  status.value = params.get('status') ?? 'pending';
  const segment = el('input', { name: 'segment', value: params.get('segment') ?? '', placeholder: 'any' });
  const source = el('input', { name: 'source', value: params.get('source') ?? '', placeholder: 'any' });
  filters.append(field('Status', status), field('Segment', segment), field('Source', source), el('button', { type: 'submit', text: 'Show' }));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(filters)) if (v) p.set(k, v);
    if (!p.has('status')) p.set('status', '');
    location.hash = `#/queue?${p}`;
  });
  const query = new URLSearchParams();
  if (status.value) query.set('status', status.value);
  if (segment.value) query.set('segment', segment.value);
  if (source.value) query.set('source', source.value);
  const leads = await api(`/api/leads?${query}`);
  const table = el('table');
  table.append(el('caption', { class: 'visually-hidden', text: 'Leads' }),
    el('thead', {}, el('tr', {}, ...['Lead', 'Status', 'Segment', 'Source', 'Time left', 'Received'].map((h, i) => el('th', { scope: 'col', class: i >= 3 && i !== 4 ? 'hide-narrow' : '', text: h })))));
  const body = el('tbody');
  for (const lead of leads) {
    const late = lead.status === 'pending' && lead.sla_left_minutes < 0;
    const flags = [lead.mismatch ? el('span', { class: 'pill flag', text: 'check: browser decided otherwise' }) : null,
      lead.requested_sales ? el('span', { class: 'pill', text: 'asked for sales' }) : null];
    body.append(el('tr', { class: late ? 'late' : '' },
      el('td', {}, el('a', { href: `#/lead/${encodeURIComponent(lead.key)}`, text: lead.email || lead.key }), ' ', ...flags),
      el('td', {}, el('span', { class: `pill ${lead.status}`, text: STATUS[lead.status] ?? lead.status })),
      el('td', { text: lead.segment || '—' }),
      el('td', { class: 'hide-narrow', text: lead.source || '—' }),
      el('td', { class: 'nowrap' }, timeLeft(lead)),
      el('td', { class: 'hide-narrow', text: new Date(lead.received_at).toLocaleString() })));
  }
  table.append(body);
  view.replaceChildren(el('h1', { text: 'Queue' }), filters,
    leads.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'muted', text: 'No leads match.' }));
  announce(`${leads.length} leads`);
}

async function lead(key) {
  const view = $('view');
  const l = await api(`/api/leads/${encodeURIComponent(key)}`);
  const answers = el('dl', { class: 'answers' });
  for (const a of l.answers ?? []) answers.append(el('dt', { text: a.label || a.question }), el('dd', { text: a.answer }));
  for (const [id, value] of Object.entries(l.submission?.contact ?? {})) answers.append(el('dt', { text: id }), el('dd', { text: String(value) }));
  const actions = el('div', { class: 'actions' });
  const act = async (action, body) => {
    try {
      await api(`/api/leads/${encodeURIComponent(key)}/${action}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
      announce(`Done: ${action}`);
      await lead(key);
    } catch (error) {
      announce(error.message);
      view.querySelector('.action-error')?.remove();
      actions.after(el('p', { class: 'error action-error', role: 'alert', text: error.message }));
    }
  };
  if (l.status === 'pending') {
    const accept = el('button', { type: 'button', class: 'primary', text: 'Accept' });
    accept.addEventListener('click', () => act('accept'));
    const reason = el('select', {}, ...l.rejection_reasons.map((r) => el('option', { value: r.id, text: r.label || r.id })));
    const reject = el('button', { type: 'button', class: 'danger', text: 'Reject' });
    reject.addEventListener('click', () => act('reject', { reason: reason.value }));
    actions.append(accept, field('Reason', reason), reject);
  }
  if (l.status === 'spam') {
    // A person decides: a real lead held by mistake goes where its decision sends it.
    const release = el('button', { type: 'button', class: 'primary', text: 'Not spam: release' });
    release.addEventListener('click', () => act('release'));
    actions.append(release);
  }
  if (l.status === 'accepted' && !l.outcome) {
    for (const outcome of ['won', 'lost']) {
      const b = el('button', { type: 'button', class: outcome === 'won' ? 'primary' : '', text: outcome === 'won' ? 'Won' : 'Lost' });
      b.addEventListener('click', () => act('outcome', { outcome }));
      actions.append(b);
    }
  }
  const checklist = el('ol', { class: 'checklist' });
  for (const t of l.cadence) {
    const item = el('li', {}, el('span', { class: 'pill', text: `Day ${t.day}` }),
      el('span', { text: `${t.channel} · ${t.role.replaceAll('_', ' ')}: ${t.purpose}` }));
    if (t.done) {
      item.append(el('span', { class: 'muted done', text: `Done ${new Date(t.done).toLocaleString()}${t.note ? ` — ${t.note}` : ''}` }));
    } else if (l.status === 'pending' || l.status === 'accepted') {
      const form = el('form', { class: 'touch-form' });
      const note = el('input', { 'aria-label': `Note for touch ${t.touch}`, placeholder: 'Note', maxlength: 2000 });
      form.append(note, el('button', { type: 'submit', text: 'Done' }));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        act('touch', { touch: t.touch, note: note.value });
      });
      item.append(form);
    }
    checklist.append(item);
  }
  const facts = el('dl', { class: 'answers' },
    el('dt', { text: 'Status' }), el('dd', { text: STATUS[l.status] ?? l.status }),
    el('dt', { text: 'Route (server)' }), el('dd', { text: l.route }),
    el('dt', { text: 'Segment' }), el('dd', { text: l.segment || '—' }),
    el('dt', { text: 'Source' }), el('dd', { text: l.source || '—' }),
    el('dt', { text: 'SLA' }), el('dd', {}, timeLeft(l)),
    ...(l.reason ? [el('dt', { text: 'Rejected because' }), el('dd', { text: l.reason }), el('dt', { text: 'Recycled' }), el('dd', { text: `${l.track || '—'} track, re-scored ${l.recycle_at ? new Date(l.recycle_at).toLocaleDateString() : ''}` })] : []),
    ...(l.outcome ? [el('dt', { text: 'Outcome' }), el('dd', { text: l.outcome })] : []),
    ...(l.spam_reason ? [el('dt', { text: 'Held as spam because' }), el('dd', { text: SPAM[l.spam_reason] ?? l.spam_reason })] : []),
    el('dt', { text: 'Sent from' }), el('dd', { text: [l.client_address, l.user_agent].filter(Boolean).join(' · ') || '—' }));
  view.replaceChildren(
    el('p', {}, el('a', { href: '#/queue', text: '← Queue' })),
    el('h1', { text: l.email || l.key }),
    l.mismatch ? el('p', { class: 'pill flag', text: 'The visitor\'s browser decided otherwise than the server: the answers may have been tampered with.' }) : '',
    el('section', { class: 'card' }, facts, actions),
    el('section', { class: 'card', 'aria-labelledby': 'answers-title' }, el('h2', { id: 'answers-title', text: 'Answers' }), answers),
    l.cadence.length ? el('section', { class: 'card', 'aria-labelledby': 'cadence-title' }, el('h2', { id: 'cadence-title', text: 'Cadence' }), checklist) : '',
    l.explanation ? el('section', { class: 'card', 'aria-labelledby': 'why-title' }, el('h2', { id: 'why-title', text: 'Why' }), el('pre', { text: l.explanation })) : '');
  view.querySelector('h1').focus?.();
}

async function report() {
  const [r, failing] = await Promise.all([api('/api/report'), api('/api/webhooks')]);
  const pct = (x) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
  const table = (title, rows) => {
    const t = el('table');
    t.append(el('caption', { class: 'visually-hidden', text: title }), el('thead', {}, el('tr', {}, ...['', 'Hand-offs', 'Accepted', 'Rejected', 'Pending', 'Acceptance (aim 90 %)', 'Median to accept', 'SLA late', 'Touches done', 'Won', 'Lost']
      .map((h) => el('th', { scope: 'col', class: 'num', text: h })))));
    const body = el('tbody');
    for (const [name, x] of rows) {
      body.append(el('tr', {}, el('th', { scope: 'row', text: name }), ...[x.handoffs, x.accepted, x.rejected, x.pending, pct(x.acceptance_rate),
        x.median_hours_to_accept === null ? '—' : `${x.median_hours_to_accept.toFixed(1)} h`, x.sla_breaches, `${x.touches_done} of ${x.touches_planned}`, x.won, x.lost]
        .map((v) => el('td', { class: `num${typeof v === 'string' && v.includes('%') && parseFloat(v) < 90 ? ' late-text' : ''}`, text: String(v) }))));
    }
    t.append(body);
    return el('div', { class: 'table-wrap' }, t);
  };
  const reasons = el('ul', {}, ...Object.entries(r.total.rejection_reasons).map(([k, n]) => el('li', { text: `${k}: ${n}` })));
  $('view').replaceChildren(el('h1', { text: 'Report' }),
    el('h2', { text: 'By segment' }), table('By segment', [...Object.entries(r.segments), ['All', r.total]]),
    el('h2', { text: 'By source' }), table('By source', Object.entries(r.sources)),
    el('h2', { text: 'Rejection reasons' }), reasons.children.length ? reasons : el('p', { class: 'muted', text: 'None yet.' }),
    el('h2', { text: 'Held as spam' }),
    r.total.spam
      ? el('p', {}, `${r.total.spam} submissions (${Object.entries(r.total.spam_reasons).map(([k, n]) => `${n} ${k.replace('_', ' ')}`).join(', ')}), kept out of the queue: `,
        el('a', { href: '#/queue?status=spam', text: 'review them' }), '.')
      : el('p', { class: 'muted', text: 'None.' }),
    el('h2', { text: 'Webhook deliveries failing' }),
    failing.length
      ? el('ul', { class: 'failing' }, ...failing.map((e) => el('li', { class: 'late-text', text: `${e.type} ${e.event_id}: ${e.last_error} (${e.attempts} attempts, next ${new Date(e.next_attempt).toLocaleString()})` })))
      : el('p', { class: 'muted', text: 'None: every event was delivered (or no webhook is set).' }),
    el('p', {}, el('a', { href: '/api/export.csv', text: 'Export all leads (CSV, for ripen report, fit and the playground)' })));
}

async function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  try {
    if (path.startsWith('/lead/')) await lead(decodeURIComponent(path.slice(6)));
    else if (path === '/report') await report();
    else await queue(new URLSearchParams(query));
  } catch (error) {
    if (error.message !== 'not logged in') $('view').replaceChildren(el('p', { class: 'error', role: 'alert', text: error.message }));
  }
}

async function start() {
  try {
    const session = await api('/api/session');
    csrf = session.csrf || csrf;
  } catch {
    return;
  }
  $('login').hidden = true;
  $('nav').hidden = false;
  $('view').hidden = false;
  await route();
}

window.addEventListener('hashchange', route);
start();
