// Durable submissions per second through `ripen serve` (native release build): each one parsed,
// decided again with the full model, committed to SQLite (WAL, synchronous=FULL, group commit)
// before its 201. A Node client on the same 2-core machine posts N distinct submissions with C
// requests in flight over C keep-alive connections, and records each request's latency.
//   node bench/serve_load.mjs [N=20000] [C=32]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] || 20000);
const concurrency = Number(process.argv[3] || 32);
const ripen = join(root, 'build/native-release/native/ripen');
const data = mkdtempSync(join(tmpdir(), 'ripen-bench-serve-'));

const server = spawn(ripen, ['serve', '--model', join(root, 'models/default.json'), '--data', data, '--port', '0', '--rate-limit', '0', ...(process.env.THREADS ? ['--threads', process.env.THREADS] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolveUrl) => {
  let out = '';
  server.stdout.on('data', (c) => {
    out += c;
    const m = out.match(/ripen serve: (http:\/\/[^/ ]+)\//);
    if (m) resolveUrl(m[1]);
  });
});
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const answers = [
  { goal: 'replace', role: 'executive', timeframe: 'under_3_months', employees: 800, budget: 'approved', email: 'jane@acme-corp.com', country: 'DE' },
  { goal: 'explore', role: 'individual', timeframe: 'no_plan', employees: 12, budget: 'none', email: 'joe@gmail.com', country: 'US' },
  { goal: 'new_initiative', role: 'manager', timeframe: '6_to_12_months', employees: 150, budget: 'planned', email: 'sam@firm.example', country: 'FR' },
];
function post(i) {
  const body = JSON.stringify({ key: `bench-${i}`, lead_id: `lead-${i}`, model: { id: 'ripen-demo-b2b', version: '1.0.0' },
    answers: answers[i % answers.length], context: { source: 'web', utm_medium: i % 5 === 0 ? 'event' : 'cpc' }, decision: { route: 'handoff', total: 10 } });
  return new Promise((resolvePost, reject) => {
    const started = process.hrtime.bigint();
    const req = request(`${url}/api/leads`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Idempotency-Key': `bench-${i}` } }, (res) => {
      res.resume();
      res.on('end', () => resolvePost({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Warm-up, then the measured run.
for (let i = 0; i < 200; ++i) await post(-1 - i);
const latencies = [];
let next = 0, failures = 0;
const began = process.hrtime.bigint();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < n) {
    const r = await post(next++);
    if (r.status !== 201) ++failures;
    latencies.push(r.ms);
  }
}));
const seconds = Number(process.hrtime.bigint() - began) / 1e9;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))];
console.log(`${n} submissions, ${concurrency} in flight: ${(n / seconds).toFixed(0)} durable submissions/s; latency p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${latencies.at(-1).toFixed(1)} ms; ${failures} not 201`);
server.kill('SIGTERM');
agent.destroy();
rmSync(data, { recursive: true, force: true });
