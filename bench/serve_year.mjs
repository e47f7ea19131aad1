// A year of leads in `ripen serve`: the report, the export and the queue at N leads (default
// 1,000,000). The database is built the way a year builds it, compressed in time: 2,000
// submissions with varied answers and sources through the real intake, sales actions on them
// through the API (accept, reject with reasons, touches, outcomes), then copied in SQLite
// (Debian's sqlite3 shell) with new keys and earlier dates up to N. Then a fresh server answers,
// three times each: GET /api/report, GET /api/leads (the desk's default queue) and
// GET /api/export.csv, timed by the client; the server's peak memory (VmHWM) is read from /proc
// before and after the exports.
//   node bench/serve_year.mjs [N=1000000]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const total = Number(process.argv[2] || 1_000_000);
const seed = 2000;
const ripen = join(root, 'build/native-release/native/ripen');
const model = join(root, 'models/default.json');
const data = mkdtempSync(join(tmpdir(), 'ripen-bench-year-'));

function serve() {
  const child = spawn(ripen, ['serve', '--model', model, '--data', data, '--port', '0', '--rate-limit', '0', '--no-access-log'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolveStart) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/ripen serve: (http:\/\/[^/ ]+)\//);
      if (m) resolveStart({ url: m[1], child });
    });
  });
}
const stop = (child) => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); });
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
function http(url, path, { method = 'GET', body, headers = {} } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolveRequest, reject) => {
    const started = process.hrtime.bigint();
    const req = request(`${url}${path}`, { method, agent, headers: { ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}), ...headers } }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on('data', (c) => { bytes += c.length; if (chunks.length < 4) chunks.push(c); });
      res.on('end', () => resolveRequest({ status: res.statusCode, bytes, head: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// A deterministic spread of leads.
let state = 12345;
const pick = (list) => list[Math.floor((state = (state * 1103515245 + 12345) % 2147483648) / 65536) % list.length];
const options = {
  goal: ['replace', 'new_initiative', 'explore'], timeframe: ['under_3_months', '3_to_6_months', '6_to_12_months', 'no_plan'],
  role: ['executive', 'manager', 'individual', 'consultant'], budget: ['approved', 'planned', 'none'],
  industry: ['software', 'financial_services', 'manufacturing', 'retail', 'public_sector', 'other'],
  heard_from: ['search', 'social', 'event', 'referral', 'partner', 'other'], country: ['DE', 'US', 'FR', 'GB', 'NL', 'ES'],
};

const t0 = Date.now();
const token = execFileSync(ripen, ['serve', 'token', 'add', 'bench', '--data', data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const auth = { Authorization: `Bearer ${token}` };
let server = await serve();
const keys = [];
for (let i = 0; i < seed; i += 100) {
  await Promise.all(Array.from({ length: 100 }, (_, j) => {
    const n = i + j;
    const answers = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, pick(v)]));
    answers.employees = 5 + ((n * 7919) % 5000);
    answers.email = `person${n}@company${n % 300}.example`;
    const key = `seed-${n}`;
    keys.push(key);
    return http(server.url, '/api/leads', { method: 'POST', body: { key, lead_id: `lead-${n}`, model: { id: 'ripen-demo-b2b', version: '1.0.0' }, answers,
      context: { source: pick(['web', 'web', 'event', 'referral', 'partner']), utm_medium: pick(['cpc', 'email', 'social']), utm_campaign: `c${n % 12}` } },
    headers: { 'Idempotency-Key': key } });
  }));
}
const reasons = ['no_budget', 'bad_timing', 'wrong_contact', 'no_fit'];
for (const key of keys) {
  const roll = pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (roll < 5) {
    const r = await http(server.url, `/api/leads/${key}/accept`, { method: 'POST', body: {}, headers: auth });
    if (r.status !== 200) continue;  // not a hand-off
    for (let t = 1; t <= roll; t++) await http(server.url, `/api/leads/${key}/touch`, { method: 'POST', body: { touch: t }, headers: auth });
    if (roll >= 3) await http(server.url, `/api/leads/${key}/outcome`, { method: 'POST', body: { outcome: roll === 4 ? 'won' : 'lost' }, headers: auth });
  } else if (roll < 7) {
    await http(server.url, `/api/leads/${key}/reject`, { method: 'POST', body: { reason: pick(reasons) }, headers: auth });
  }
}
await stop(server.child);

// Copies of the seed with new keys, spread over the year before it.
const copies = Math.ceil(total / seed) - 1;
execFileSync('sqlite3', [join(data, 'ripen.db')], {
  input: `
PRAGMA journal_mode=WAL;
BEGIN;
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${copies}) INSERT INTO n SELECT i FROM c;
INSERT INTO leads SELECT key || '-' || n.i, body, body_hash, received_at - n.i * 15000, lead_id || '-' || n.i, supersedes, superseded_by, fallback,
  model_id, model_version, client_route, client_total, route, total, segment, source, track, sla_hours, sla_deadline - n.i * 15000, decision, mismatch,
  requested_sales, email, status, reason, accepted_at - n.i * 15000, rejected_at - n.i * 15000, recycle_at, outcome, outcome_at, reply, client_address,
  user_agent, spam_reason, touch_count FROM leads, n WHERE leads.key LIKE 'seed-%' AND leads.key NOT LIKE 'seed-%-%';
INSERT INTO history (key, at, action, detail) SELECT h.key || '-' || n.i, h.at - n.i * 15000, h.action, h.detail FROM history h, n;
INSERT INTO touches SELECT t.key || '-' || n.i, t.touch, t.at - n.i * 15000, t.note FROM touches t, n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
`,
});
const leads = Number(execFileSync('sqlite3', [join(data, 'ripen.db'), 'SELECT count(*) FROM leads'], { encoding: 'utf8' }).trim());
const size = Number(execFileSync('du', ['-sb', data], { encoding: 'utf8' }).split('\t')[0]);
console.log(`# built ${leads.toLocaleString('en')} leads (${(size / 1e9).toFixed(2)} GB) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

server = await serve();
const hwm = () => Number(readFileSync(`/proc/${server.child.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)[1]) / 1024;
const rows = [];
const measure = async (name, path, check) => {
  const times = [];
  let last;
  for (let run = 0; run < 3; run++) {
    last = await http(server.url, path, { headers: auth });
    if (last.status !== 200) throw new Error(`${path}: HTTP ${last.status} ${last.head.slice(0, 200)}`);
    check?.(last);
    times.push(last.ms);
  }
  rows.push({ name, times, bytes: last.bytes });
};
await measure('GET /api/leads (the queue, 500 rows)', '/api/leads');
await measure('GET /api/leads?status=accepted', '/api/leads?status=accepted');
await measure('GET /api/report', '/api/report');
const before = hwm();
await measure('GET /api/export.csv', '/api/export.csv');
const after = hwm();
await stop(server.child);
for (const { name, times, bytes } of rows)
  console.log(`${name.padEnd(40)} ${times.map((t) => `${t.toFixed(t < 100 ? 1 : 0)} ms`).join(', ').padEnd(30)} ${(bytes / 1e6).toFixed(1)} MB`);
console.log(`server peak memory (VmHWM): ${before.toFixed(0)} MiB before the exports, ${after.toFixed(0)} MiB after three`);
agent.destroy();
if (process.env.KEEP) console.log(`# kept ${data}`);
else rmSync(data, { recursive: true, force: true });
