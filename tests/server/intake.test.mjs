// POST /api/leads as the table has it, the re-decision with the full model, superseding
// submissions, and who may read what (every route without a token is 401).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { call, dataDir, post, start, submission, token } from './support.mjs';

function withHost(url, host, method) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let server;
let data;
let secret;

before(async () => {
  data = dataDir();
  secret = token(data);
  server = await start(data, ['--origin', 'https://www.customer.example', '--host', 'leads.customer.example']);
});
after(() => server?.stop());

test('intake: new key 201, same key and body replays the first answer, same key and another body 409', async () => {
  const s = submission();
  const first = await post(server.url, s);
  assert.equal(first.status, 201);
  assert.equal(first.json.route, 'handoff');
  assert.equal(first.json.status, 'pending');
  // A retry (the form's outbox after a lost answer) gets the answer the first attempt got,
  // even after the lead has moved on.
  await call(server.url, `/api/leads/${s.key}/accept`, secret, { method: 'POST', body: {} });
  const again = await post(server.url, s);
  assert.equal(again.status, 201);
  assert.equal(again.text, first.text);
  const other = await post(server.url, { ...s, answers: { ...s.answers, email: 'joe@acme-corp.com' } });
  assert.equal(other.status, 409);
  assert.equal(other.json.error, 'a different submission was already stored under this Idempotency-Key');
});

test('intake: bad bodies get 400 with the place, a wrong type 415, too much 413', async () => {
  const broken = await post(server.url, null, { key: 'broken-1', raw: '{"answers": {"goal": ' });
  assert.equal(broken.status, 400);
  assert.equal(broken.json.code, 'json.syntax');
  assert.equal(broken.json.line, 1);
  assert.equal(broken.json.column, 22);
  const list = await post(server.url, null, { key: 'list-1', raw: '[1, 2]' });
  assert.equal(list.status, 400);
  assert.equal(list.json.error, 'a submission must be a JSON object, got an array');
  const deep = await post(server.url, null, { key: 'deep-1', raw: `${'['.repeat(300)}${']'.repeat(300)}` });
  assert.equal(deep.status, 400);
  assert.match(deep.json.error, /^1:201: nesting deeper than 200 levels/);
  const text = await post(server.url, submission(), { headers: { 'Content-Type': 'text/plain' } });
  assert.equal(text.status, 415);
  assert.equal(text.json.error, 'a submission is JSON: send Content-Type: application/json');
  const big = await post(server.url, submission({ extra: { notes: 'x'.repeat(70000) } }));
  assert.equal(big.status, 413);
  assert.equal(big.json.error, 'the body is larger than the 65536 bytes this server takes');
  const keyless = await post(server.url, submission(), { key: '' });
  assert.equal(keyless.status, 400);
  assert.equal(keyless.json.error, 'missing the Idempotency-Key header: the form sends one per submission');
  const badKey = await post(server.url, submission(), { key: 'a b' });
  assert.equal(badKey.status, 400);
  assert.equal(badKey.json.error, "Idempotency-Key must be 1 to 128 letters, digits, '-', '_', '.' or ':'");
});

test('intake: origins and hosts', async () => {
  const stranger = await post(server.url, submission(), { headers: { Origin: 'https://evil.example' } });
  assert.equal(stranger.status, 403);
  assert.equal(stranger.json.error, 'origin "https://evil.example" may not post leads here (allow it with --origin)');
  const allowed = await post(server.url, submission(), { headers: { Origin: 'https://www.customer.example' } });
  assert.equal(allowed.status, 201);
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://www.customer.example');
  const preflight = await fetch(`${server.url}/api/leads`, { method: 'OPTIONS', headers: { Origin: 'https://www.customer.example', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'Content-Type, Idempotency-Key');
  assert.equal((await fetch(`${server.url}/api/leads`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } })).status, 403);
  // A name this server was not told about (DNS rebinding) is refused before any route.
  // (fetch cannot set Host: node:http can.)
  const rebound = await withHost(`${server.url}/api/leads`, 'attacker.example', 'POST');
  assert.equal(rebound.status, 403);
  assert.equal(JSON.parse(rebound.body).error, 'this server does not answer for host "attacker.example" (allow it with --host)');
  assert.equal((await withHost(`${server.url}/api/report`, 'attacker.example:8080', 'GET')).status, 403);
  const named = await withHost(`${server.url}/api/leads`, 'leads.customer.example', 'GET');
  assert.equal(named.status, 401, 'an allowed host gets as far as the token check');
});

test('the server decides again and acts on its own route: a tampered hand-off is nurtured and flagged', async () => {
  const weak = submission({ answers: { goal: 'explore', role: 'individual', timeframe: 'no_plan', employees: 12, budget: 'none', email: 'joe@gmail.com', country: 'US' },
    decision: { route: 'handoff', total: 12 } });
  const r = await post(server.url, weak);
  assert.equal(r.status, 201);
  assert.equal(r.json.route, 'nurture');
  assert.equal(r.json.mismatch, true);
  const lead = await call(server.url, `/api/leads/${weak.key}`, secret);
  assert.equal(lead.json.status, 'nurture');
  assert.equal(lead.json.decision.route, 'nurture');
  assert.match(lead.json.explanation, /Nurture|nurture/);
  // Answers the model does not know are kept for review, not lost.
  const odd = await post(server.url, submission({ answers: { goal: 'conquer' } }));
  assert.equal(odd.status, 201);
  assert.equal(odd.json.route, 'invalid');
  assert.equal(odd.json.status, 'review');
});

test('a superseding submission replaces the earlier one in the desk and keeps the history', async () => {
  const first = submission({ lead_id: 'visitor-7' });
  await post(server.url, first);
  const second = submission({ lead_id: 'visitor-7', supersedes: first.key, answers: { ...first.answers, budget: 'planned' } });
  assert.equal((await post(server.url, second)).status, 201);
  const old = await call(server.url, `/api/leads/${first.key}`, secret);
  assert.equal(old.json.status, 'superseded');
  assert.equal(old.json.superseded_by, second.key);
  assert.deepEqual(old.json.history.map((h) => h.action), ['received', 'superseded']);
  const listed = await call(server.url, '/api/leads?status=pending', secret);
  assert.ok(listed.json.some((l) => l.key === second.key));
  assert.ok(!listed.json.some((l) => l.key === first.key));
  // Another visitor's lead cannot be superseded by naming its key.
  const intruder = submission({ lead_id: 'someone-else', supersedes: second.key });
  await post(server.url, intruder);
  assert.equal((await call(server.url, `/api/leads/${second.key}`, secret)).json.status, 'pending');
});

const guardedRoutes = [
  ['GET', '/api/leads'], ['GET', '/api/leads/some-key'], ['POST', '/api/leads/some-key/accept'], ['POST', '/api/leads/some-key/reject'],
  ['POST', '/api/leads/some-key/touch'], ['POST', '/api/leads/some-key/outcome'], ['GET', '/api/report'], ['GET', '/api/export.csv'],
  ['GET', '/api/webhooks'], ['GET', '/api/model'], ['GET', '/api/session'],
];

test('every route but the intake, the site and the desk login answers 401 without a token and 403 with a wrong one', async () => {
  for (const [method, path] of guardedRoutes) {
    const anonymous = await call(server.url, path, null, { method });
    assert.equal(anonymous.status, 401, `${method} ${path}`);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    const wrong = await call(server.url, path, 'rpn_wrong', { method });
    assert.equal(wrong.status, 403, `${method} ${path}`);
    assert.equal(wrong.json.error, 'this token is not valid (revoked or unknown)');
  }
  for (const path of ['/desk/', '/desk/desk.mjs', '/desk/desk.css']) assert.equal((await fetch(`${server.url}${path}`)).status, 200, path);
  const login = await fetch(`${server.url}/desk/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(login.status, 401);
});

test('sales actions, and the illegal ones as 409 with a message', async () => {
  const handoff = submission();
  await post(server.url, handoff);
  const nurtured = submission({ answers: { goal: 'explore', role: 'individual', timeframe: 'no_plan', employees: 12, budget: 'none', email: 'n@gmail.com', country: 'US' } });
  await post(server.url, nurtured);
  const act = (key, action, body) => call(server.url, `/api/leads/${key}/${action}`, secret, { method: 'POST', body: body ?? {} });
  const rejectNurture = await act(nurtured.key, 'reject', { reason: 'no_budget' });
  assert.equal(rejectNurture.status, 409);
  assert.equal(rejectNurture.json.error, 'only a pending hand-off can be rejected; this lead is nurture');
  const unknown = await act(handoff.key, 'reject', { reason: 'bored' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error, '"bored" is not a rejection reason of the model (expected one of: no_budget, bad_timing, wrong_contact, no_fit)');
  const touch = await act(handoff.key, 'touch', { touch: 1, note: 'left a voicemail' });
  assert.equal(touch.status, 200);
  assert.equal((await act(handoff.key, 'touch', { touch: 1 })).json.error, 'touch 1 is already done');
  assert.equal((await act(handoff.key, 'touch', { touch: 99 })).status, 400);
  assert.equal((await act(handoff.key, 'outcome', { outcome: 'won' })).json.error, 'only an accepted lead can be won or lost; this lead is pending');
  assert.equal((await act(handoff.key, 'accept')).status, 200);
  const twice = await act(handoff.key, 'accept');
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error, 'only a pending hand-off can be accepted; this lead is accepted');
  assert.equal((await act(handoff.key, 'outcome', { outcome: 'maybe' })).status, 400);
  assert.equal((await act(handoff.key, 'outcome', { outcome: 'won' })).json.outcome, 'won');
  const lead = await call(server.url, `/api/leads/${handoff.key}`, secret);
  assert.deepEqual(lead.json.history.map((h) => h.action), ['received', 'touch', 'accepted', 'outcome']);
  assert.equal(lead.json.cadence[0].note, 'left a voicemail');
  // A rejected lead is recycled onto the reason's track.
  const other = submission();
  await post(server.url, other);
  const rejected = await act(other.key, 'reject', { reason: 'bad_timing' });
  assert.equal(rejected.json.status, 'rejected');
  assert.ok(rejected.json.track);
  assert.ok(Date.parse(rejected.json.recycle_at) > Date.now());
});

test('the report and the export close the loop: ripen report reads the export as it is', async () => {
  const report = await call(server.url, '/api/report', secret);
  assert.equal(report.status, 200);
  assert.ok(report.json.total.accepted >= 1);
  assert.ok(report.json.total.rejected >= 1);
  assert.equal(report.json.total.acceptance_aim, 0.9);
  assert.ok(report.json.total.rejection_reasons.bad_timing >= 1);
  const csv = await call(server.url, '/api/export.csv', secret);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const [header, ...rows] = csv.text.trim().split('\n');
  assert.ok(header.startsWith('goal,timeframe,role,'));
  assert.ok(header.endsWith(',converted'));
  assert.ok(rows.some((r) => r.endsWith(',won,yes')));
  assert.equal((await call(server.url, '/api/export.csv?converted=maybe', secret)).status, 400);
});
