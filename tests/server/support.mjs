// Starts `ripen serve` on a free loopback port with its own data folder, and talks to it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ripen = process.env.RIPEN || join(root, 'build/native-release/native/ripen');
export const model = join(root, 'models/default.json');

export function dataDir() {
  return mkdtempSync(join(tmpdir(), 'ripen-serve-'));
}

export function token(data, name = 'tester') {
  return execFileSync(ripen, ['serve', 'token', 'add', name, '--data', data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

// Resolves with { url, process, stop() } once the server prints its address.
export function start(data, extra = [], env = {}) {
  return new Promise((resolveStart, reject) => {
    // Tests send hundreds of submissions from one address: no rate limit unless they set one.
    const limit = extra.includes('--rate-limit') ? [] : ['--rate-limit', '0'];
    const child = spawn(ripen, ['serve', '--model', model, '--data', data, '--port', '0', ...limit, ...extra], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/ripen serve: (http:\/\/[^/ ]+)\//);
      if (m) resolveStart({ url: m[1], process: child, stderr: () => err, stdout: () => out, stop: () => stop(child) });
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => reject(new Error(`ripen serve exited with ${code}: ${err}`)));
  });
}

function stop(child) {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    child.once('exit', () => resolveStop());
    child.kill('SIGTERM');
  });
}

let counter = 0;
export function submission(overrides = {}) {
  const key = overrides.key ?? `key-${process.pid}-${Date.now()}-${counter++}`;
  return {
    key, lead_id: overrides.lead_id ?? `lead-${key}`, supersedes: overrides.supersedes ?? null,
    model: { id: 'ripen-demo-b2b', version: '1.0.0' },
    answers: overrides.answers ?? { goal: 'replace', role: 'executive', timeframe: 'under_3_months', employees: 800, budget: 'approved', email: 'jane@acme-corp.com', country: 'DE' },
    context: overrides.context ?? { source: 'web' },
    decision: overrides.decision ?? { route: 'handoff', total: 12 },
    requested_sales: overrides.requested_sales ?? false,
    submitted_at: new Date().toISOString(),
    ...(overrides.extra ?? {}),
  };
}

// Through one keep-alive agent of 32 sockets, as a busy proxy or a crowd of browsers would
// reach it: a thousand concurrent requests queue on the client, not on a thousand sockets.
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export function post(url, body, { key = body?.key, headers = {}, raw } = {}) {
  const payload = raw ?? JSON.stringify(body);
  return new Promise((resolvePost, reject) => {
    const req = httpRequest(`${url}/api/leads`, {
      method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...(key ? { 'Idempotency-Key': key } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolvePost({ status: res.statusCode, json, text, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function call(url, path, tokenValue, { method = 'GET', body, headers = {} } = {}) {
  const response = await fetch(`${url}${path}`, {
    method, headers: { ...(tokenValue ? { Authorization: `Bearer ${tokenValue}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV or HTML
  }
  return { status: response.status, json, text, headers: response.headers };
}
