// `ripen serve` with the site: a visitor's submission through the real form reaches the desk;
// a rep logs in with a token, works the lead (a touch, accept, won) and reads the report, at
// 375 and 1280 px, with an axe audit; and the form's offline queue delivers across a restart of
// the server.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { answerAll, artifacts, launch, openPage, root, siteDir, strong } from './support.mjs';

const ripen = process.env.RIPEN || join(root, 'build/native-release/native/ripen');
const model = join(root, 'models/default.json');
let browser;

function serve(data, port = 0) {
  return new Promise((resolve, reject) => {
    const child = spawn(ripen, ['serve', '--model', model, '--site', siteDir, '--data', data, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/ripen serve: (http:\/\/[^/ ]+)\//);
      if (m) resolve({ url: m[1], child, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
    });
    child.on('exit', (code) => reject(new Error(`ripen serve exited with ${code}`)));
  });
}

before(async () => {
  browser = await launch();
});
after(() => browser?.close());

test('a lead from the form reaches the desk, where a rep works it', async () => {
  const data = mkdtempSync(join(tmpdir(), 'ripen-desk-'));
  const token = execFileSync(ripen, ['serve', 'token', 'add', 'rep', '--data', data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const server = await serve(data);
  const visitor = await openPage(browser, `${server.url}/demo.html`);
  // A person takes more than a second over a form (the server's bot check, --min-fill-ms):
  // the default settings take the form's own submission as it is.
  await visitor.waitForTimeout(1200);
  await answerAll(visitor, strong);
  await visitor.waitForSelector('.ripen-received');
  assert.deepEqual(visitor.problems, []);
  await visitor.context().close();

  for (const width of [375, 1280]) {
    const page = await openPage(browser, `${server.url}/desk/`, { viewport: { width, height: 900 } });
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#token', 'rpn_not-a-token');
    await page.click('#login-form button');
    await page.waitForSelector('#login-error:not([hidden])');
    assert.equal(await page.textContent('#login-error'), 'this token is not valid (revoked or unknown)');
    await page.fill('#token', token);
    await page.click('#login-form button');
    await page.waitForSelector('#view table');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'ripen_session');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await page.locator('#view tbody tr').count(), 1);
    assert.equal(await page.textContent('#view tbody td a'), 'jane@acme.com');
    assert.match(await page.textContent('#view tbody'), /h \d+ min left/);
    await page.screenshot({ path: join(artifacts, `desk-queue-${width}.png`), fullPage: true });
    if (width === 375) {
      await page.context().close();
      continue;
    }
    await page.click('#view tbody td a');
    await page.waitForSelector('#view .checklist');
    assert.match(await page.textContent('#view'), /Day 0/);
    await page.fill('.checklist li:first-child input', 'Called, <b>voicemail</b>');
    await page.click('.checklist li:first-child button');
    await page.waitForFunction(() => document.querySelector('.checklist li:first-child')?.textContent.includes('voicemail'));
    assert.equal(await page.locator('.checklist b').count(), 0, 'a note is text, not markup');
    await page.getByRole('button', { name: 'Accept', exact: true }).click();
    await page.getByRole('button', { name: 'Won', exact: true }).waitFor();
    await page.screenshot({ path: join(artifacts, 'desk-lead-1280.png'), fullPage: true });
    await page.getByRole('button', { name: 'Won', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('#view')?.textContent.includes('Outcome'));
    await page.click('nav >> text=Report');
    await page.waitForSelector('#view table');
    assert.match(await page.textContent('#view'), /100\.0 %/);
    assert.match(await page.textContent('#view'), /Webhook deliveries failing\s*None/);
    await page.screenshot({ path: join(artifacts, 'desk-report-1280.png'), fullPage: true });
    // A state change without the session's CSRF token is refused, cookie or not.
    const forged = await page.evaluate(async () => (await fetch('/api/leads/x/accept', { method: 'POST', body: '{}' })).status);
    assert.equal(forged, 403);
    // The session check before login (401), the wrong token and the forged request (403) are
    // expected; nothing else may fail.
    assert.deepEqual(page.problems.filter((p) => !/status of (401|403)/.test(p)), []);
    await page.context().close();
  }

  const axe = readFileSync(join(root, 'tools/node_modules/axe-core/axe.min.js'), 'utf8');
  const audit = await openPage(browser, null, { context: { bypassCSP: true } });
  await audit.goto(`${server.url}/desk/#/queue?status=accepted`);
  await audit.fill('#token', token);
  await audit.click('#login-form button');
  await audit.waitForSelector('#view table');
  for (const hash of ['#/queue?status=accepted', '#/report']) {
    await audit.evaluate((h) => { location.hash = h; }, hash);
    await audit.waitForSelector('#view table');
    await audit.addScriptTag({ content: axe });
    const results = await audit.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], hash);
  }
  await audit.context().close();
  await server.stop();
});

test('the form\'s offline queue delivers across a restart of the server', async () => {
  const data = mkdtempSync(join(tmpdir(), 'ripen-restart-'));
  const token = execFileSync(ripen, ['serve', 'token', 'add', 'rep', '--data', data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  let server = await serve(data);
  const port = Number(new URL(server.url).port);
  const page = await openPage(browser, `${server.url}/demo.html`);
  await page.waitForSelector('.ripen-step:not([data-ripen-prerendered])');
  await server.stop();  // down while the visitor answers
  await page.waitForTimeout(1200);  // at a person's pace (the bot check)
  await answerAll(page, strong);
  await page.waitForFunction(() => (JSON.parse(localStorage.getItem('ripen:outbox') || '[]')).length === 1);
  assert.equal(await page.textContent('.ripen-delivery'), 'Your details are saved on this device and are being sent.');
  server = await serve(data, port);
  await page.waitForSelector('.ripen-received', { timeout: 30000 });
  const leads = await (await fetch(`${server.url}/api/leads`, { headers: { Authorization: `Bearer ${token}` } })).json();
  assert.equal(leads.length, 1);
  assert.equal(leads[0].route, 'handoff');
  // The form sent its bot-check fields: the trap empty, the time it took.
  const lead = await (await fetch(`${server.url}/api/leads/${leads[0].key}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  assert.equal(lead.submission.client.website, '');
  assert.ok(lead.submission.client.fill_ms >= 1200, `fill_ms ${lead.submission.client.fill_ms}`);
  assert.equal(lead.spam_reason, null);
  await page.context().close();
  await server.stop();
});

test('spam held out of the queue is shown, explained and released from the desk', async () => {
  const data = mkdtempSync(join(tmpdir(), 'ripen-spam-'));
  const token = execFileSync(ripen, ['serve', 'token', 'add', 'manager', '--data', data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const server = await serve(data);
  // What a bot posts: the form's body, its hidden field filled, in 40 ms.
  const body = {
    key: 'bot-1', lead_id: 'bot-lead', model: { id: 'ripen-demo-b2b', version: '1.0.0' },
    answers: { goal: 'replace', role: 'executive', timeframe: 'under_3_months', employees: 800, budget: 'approved', email: 'bot@spam.example', country: 'DE', notes: '<img src=x onerror=alert(1)>' },
    context: { source: 'web' }, client: { website: 'http://pills.example', fill_ms: 40 },
  };
  const posted = await fetch(`${server.url}/api/leads`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'bot-1', 'User-Agent': 'SpamBot/1.0' }, body: JSON.stringify(body) });
  assert.equal(posted.status, 201);
  for (const width of [375, 1280]) {
    const page = await openPage(browser, `${server.url}/desk/`, { viewport: { width, height: 900 } });
    await page.fill('#token', token);
    await page.click('#login-form button');
    await page.waitForSelector('#view .filters');
    await page.waitForSelector('#view >> text=No leads match.');
    await page.click('nav >> text=Report');
    await page.waitForSelector('#view a[href="#/queue?status=spam"]');
    assert.match(await page.textContent('#view'), /1 submissions \(1 honeypot\), kept out of the queue/);
    await page.click('#view a[href="#/queue?status=spam"]');
    await page.waitForSelector('#view tbody tr');
    assert.equal(await page.textContent('#view tbody .pill'), 'Held as spam');
    await page.screenshot({ path: join(artifacts, `desk-spam-${width}.png`), fullPage: true });
    await page.click('#view tbody td a');
    await page.getByRole('button', { name: 'Not spam: release' }).waitFor();
    assert.match(await page.textContent('#view'), /Held as spam becauseit filled in a field people never see/);
    assert.match(await page.textContent('#view'), /Sent from127\.0\.0\.1 · SpamBot\/1\.0/);
    assert.equal(await page.locator('#view img').count(), 0, 'a visitor\'s text is never markup');
    await page.screenshot({ path: join(artifacts, `desk-spam-lead-${width}.png`), fullPage: true });
    if (width === 1280) {
      await page.getByRole('button', { name: 'Not spam: release' }).click();
      await page.getByRole('button', { name: 'Accept', exact: true }).waitFor();
      assert.match(await page.textContent('#view dl'), /StatusTo accept/);
    }
    assert.deepEqual(page.problems.filter((p) => !/status of (401|403)/.test(p)), []);
    await page.context().close();
  }
  await server.stop();
});
