// What a lead endpoint must survive: kill -9 in the middle of a burst (every 2xx is kept),
// 1,000 concurrent posts of one key (exactly one stored), webhooks that fail and recover, and
// the command line around the server (tokens, config files).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { call, dataDir, model, post, ripen, start, submission, token } from './support.mjs';

test('kill -9 during a burst of submissions: every one that got a 2xx is there after a restart', async () => {
  const data = dataDir();
  const secret = token(data);
  const server = await start(data);
  const acknowledged = [];
  let failed = 0;
  const burst = Array.from({ length: 600 }, (_, i) => submission({ key: `burst-${i}` }));
  const sending = burst.map(async (s, i) => {
    await new Promise((r) => setTimeout(r, i));  // spread over ~0.6 s
    try {
      const r = await post(server.url, s);
      if (r.status === 201 || r.status === 200) acknowledged.push(s.key);
    } catch {
      failed += 1;  // the server was killed under this one: not acknowledged, so not promised
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  server.process.kill('SIGKILL');
  await Promise.all(sending);
  assert.ok(acknowledged.length > 20, `only ${acknowledged.length} acknowledged before the kill`);
  assert.ok(failed > 0, 'the kill came in the middle of the burst');
  const again = await start(data);
  const stored = new Set((await call(again.url, '/api/leads?limit=10000', secret)).json.map((l) => l.key));
  const lost = acknowledged.filter((k) => !stored.has(k));
  assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged submissions lost`);
  await again.stop();
  console.log(`# kill -9: ${acknowledged.length} acknowledged, ${failed} cut off, 0 lost`);
});

test('1,000 concurrent posts with one key store it once; another body under the key is 409', async () => {
  const data = dataDir();
  const secret = token(data);
  const server = await start(data);
  const s = submission({ key: 'the-one-key' });
  const answers = await Promise.all(Array.from({ length: 1000 }, () => post(server.url, s)));
  // Every one gets the first answer (201 and the same body); the listing shows one lead.
  assert.deepEqual([...new Set(answers.map((r) => r.status))], [201]);
  assert.equal(new Set(answers.map((r) => r.text)).size, 1);
  const conflicts = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    post(server.url, { ...s, answers: { ...s.answers, employees: 900 + i } }).then((r) => r.status)));
  assert.deepEqual([...new Set(conflicts)], [409]);
  const stored = (await call(server.url, '/api/leads?superseded=1&limit=10000', secret)).json;
  assert.equal(stored.filter((l) => l.key === 'the-one-key').length, 1);
  assert.equal(stored.length, 1);
  await server.stop();
});

test('webhooks: signed hand-off events, retried until the receiver takes them, failures shown', async () => {
  const received = [];
  let refuse = 1;  // the first delivery fails
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      if (refuse-- > 0) {
        res.writeHead(500).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const secretKey = 'a-webhook-secret-of-some-length';
  const data = dataDir();
  const apiToken = token(data);
  const server = await start(data, ['--webhook-url', `http://127.0.0.1:${receiver.address().port}/hook`], { RIPEN_WEBHOOK_SECRET: secretKey });
  const s = submission();
  await post(server.url, s);
  for (let i = 0; i < 60 && received.length === 0; ++i) {
    if (i === 10) {
      const failing = await call(server.url, '/api/webhooks', apiToken);
      assert.equal(failing.json.length, 1, 'the failed delivery is listed');
      assert.equal(failing.json[0].last_error, 'the receiver answered HTTP 500');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(received.length, 1);
  const event = JSON.parse(received[0].body);
  assert.equal(event.type, 'lead.handoff');
  assert.equal(event.lead.key, s.key);
  assert.equal(received[0].headers['ripen-event-id'], event.id);
  const [, t, v1] = received[0].headers['ripen-signature'].match(/^t=(\d+),v1=([0-9a-f]{64})$/);
  assert.equal(v1, createHmac('sha256', secretKey).update(`${t}.${received[0].body}`).digest('hex'));
  assert.deepEqual((await call(server.url, '/api/webhooks', apiToken)).json, []);
  await server.stop();
  receiver.close();
});

test('tokens: shown once, listed without the secret, revoked ones refused', async () => {
  const data = dataDir();
  const secret = token(data, 'reporting');
  assert.match(secret, /^rpn_[A-Za-z0-9_-]{43}$/);
  const list = execFileSync(ripen, ['serve', 'token', 'list', '--data', data], { encoding: 'utf8' });
  assert.match(list, /^reporting +created \d{4}-/);
  assert.ok(!list.includes(secret));
  const duplicate = spawnSync(ripen, ['serve', 'token', 'add', 'reporting', '--data', data], { encoding: 'utf8' });
  assert.equal(duplicate.status, 1);
  assert.equal(duplicate.stderr, 'ripen serve: a token named "reporting" exists already\n');
  const server = await start(data);
  assert.equal((await call(server.url, '/api/report', secret)).status, 200);
  execFileSync(ripen, ['serve', 'token', 'revoke', 'reporting', '--data', data]);
  assert.equal((await call(server.url, '/api/report', secret)).status, 403);
  await server.stop();
  const unknown = spawnSync(ripen, ['serve', 'token', 'revoke', 'nobody', '--data', data], { encoding: 'utf8' });
  assert.equal(unknown.stderr, 'ripen serve: no active token named "nobody"\n');
});

test('the config file is checked with the place of each problem; the published model is refused', () => {
  const dir = dataDir();
  const config = join(dir, 'serve.json');
  writeFileSync(config, '{\n  "model": "models/default.json",\n  "port": "8080",\n  "colour": 1\n}\n');
  const r = spawnSync(ripen, ['serve', '--config', config], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `ripen serve: ${config}:3:11: $.port: expected a whole number from 0 to 65535\n`);
  writeFileSync(config, '{"model": "x.json", "colour": 1}');
  assert.match(spawnSync(ripen, ['serve', '--config', config], { encoding: 'utf8' }).stderr, /:1:31: \$\.colour: unknown member "colour"/);
  const published = join(dir, 'visitor.json');
  execFileSync(ripen, ['publish', model, '--out', published]);
  const refused = spawnSync(ripen, ['serve', '--model', published, '--data', dir], { encoding: 'utf8' });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /is a published model \("audience": "visitor"\); the server re-decides with the full model/);
  const noModel = spawnSync(ripen, ['serve', '--data', dir], { encoding: 'utf8' });
  assert.equal(noModel.status, 2);
  assert.match(noModel.stderr, /^ripen serve: missing --model MODEL/);
  const weakSecret = spawnSync(ripen, ['serve', '--model', model, '--webhook-url', 'http://127.0.0.1:1/', '--webhook-secret', 'short'], { encoding: 'utf8' });
  assert.equal(weakSecret.status, 2);
  assert.match(weakSecret.stderr, /a webhook needs a secret of 16 characters or more/);
});
