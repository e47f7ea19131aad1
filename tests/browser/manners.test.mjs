// The form on a host page as a real site has it: no scroll or focus change on load (new and
// returning visitors), the documented theming snippet, a fallback contact form when the model or
// the core cannot load, delivery problems reported and the submission kept, superseding
// submissions, "talk to sales anyway", and step labels for screen readers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { answerAll, answerStep, artifacts, browsing, launch, openPage, startServer, strong } from './support.mjs';

let server;
let strictServer;  // a CSP without 'wasm-unsafe-eval': the core cannot start
let otherOrigin;   // an endpoint on another origin that sends no CORS headers
let browser;

before(async () => {
  server = await startServer();
  strictServer = await startServer({ csp: "default-src 'self'; script-src 'self'; style-src 'self'" });
  otherOrigin = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const s of [server, strictServer, otherOrigin]) s?.close();
});

const leads = async (s = server) => (await fetch(`${s.url}/api/leads`)).json();
const focusState = (page) => page.evaluate(() => ({ scroll: Math.round(window.scrollY), focus: document.activeElement.tagName }));

test('on a long host page the form neither scrolls nor takes focus on load, for a new and a returning visitor', async () => {
  const page = await openPage(browser, `${server.url}/host-long-all.html`);
  await page.waitForSelector('.ripen-step');
  await page.waitForTimeout(300);
  assert.deepEqual(await focusState(page), { scroll: 0, focus: 'BODY' });
  // The step is labelled for screen readers with where it stands.
  assert.match(await page.getAttribute('.ripen-step', 'aria-label'), /^Step 1 of at most \d+$/);

  // Answer to the end (the visitor scrolls to the form and uses it), then come back.
  await page.locator('ripen-form').scrollIntoViewIfNeeded();
  await answerAll(page, strong);
  await page.waitForFunction(async () => JSON.parse(localStorage.getItem('ripen:outbox') || 'null') === null);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.reload();
  await page.waitForSelector('.ripen-outcome');
  await page.waitForTimeout(300);
  // The outcome shows at once, announced, without moving the page or the focus.
  assert.deepEqual(await focusState(page), { scroll: 0, focus: 'BODY' });
  assert.match(await page.textContent('.ripen-status'), /great fit/);
  assert.equal(await page.textContent('.ripen-delivery'), 'Your details have been received.');
  assert.equal((await leads()).length, 1, 'a reload sends nothing again');
  await page.locator('ripen-form').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'manners-returning-1280.png') });

  // "Change my answers" asks again with the remembered answers filled in.
  await page.click('.ripen-change');
  await page.waitForSelector('.ripen-step');
  const role = page.locator('.ripen-question[data-question="role"] input:checked');
  if (await page.$('.ripen-question[data-question="role"]')) assert.equal(await role.getAttribute('value'), 'manager');
  assert.equal(await page.evaluate(() => document.activeElement.closest('ripen-form') !== null), true);
  await page.context().close();
});

test('"Not you? Start again" forgets a returning visitor after asking', async () => {
  const page = await openPage(browser, `${server.url}/host-long-all.html`, { viewport: { width: 375, height: 800 } });
  await answerAll(page, browsing);
  await page.reload();
  await page.waitForSelector('.ripen-restart');
  await page.locator('ripen-form').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'manners-returning-375.png') });
  await page.click('.ripen-restart');
  await page.click('.ripen-confirm .ripen-next');
  await page.waitForSelector('.ripen-step');
  assert.equal(await page.evaluate(() => localStorage.getItem('ripen:answers:ripen-demo-b2b')), null);
  await page.context().close();
});

test("the documented theming snippet changes the accent, and the stylesheet is linked once", async () => {
  for (const path of ['/host-long.html', '/host-nolink.html']) {
    const page = await openPage(browser, `${server.url}${path}`);
    await page.waitForSelector('.ripen-next');
    const accent = await page.$eval('.ripen-next', (b) => getComputedStyle(b).backgroundColor);
    assert.equal(accent, 'rgb(123, 44, 191)', `${path}: the host's --ripen-accent`);
    const radius = await page.$eval('.ripen-next', (b) => getComputedStyle(b).borderTopLeftRadius);
    assert.equal(radius, '0px', `${path}: the host's --ripen-radius`);
    const links = await page.$$eval('link[rel=stylesheet]', (ls) => ls.filter((l) => l.href.includes('ripen-form.css')).length);
    assert.equal(links, 1, `${path}: ripen-form.css linked ${links} times`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

// Fills and sends the fallback form; returns the ripen:error details seen.
async function sendFallback(page) {
  await page.waitForSelector('.ripen-fallback');
  const errors = await page.evaluate(() => window.__ripenErrors);
  await page.fill('.ripen-fallback [name=name]', 'Jane Doe');
  await page.fill('.ripen-fallback [name=email]', 'jane@acme.com');
  await page.fill('.ripen-fallback [name=message]', 'Please call me');
  await page.click('.ripen-fallback .ripen-next');
  await page.waitForSelector('.ripen-fallback-thanks');
  return errors;
}

const recordErrors = (page) => page.addInitScript(() => {
  window.__ripenErrors = [];
  document.addEventListener('ripen:error', (e) => window.__ripenErrors.push({ code: e.detail.code, message: e.detail.message }));
});

test('a missing model (404) gives a polite contact form in the page language, and the lead is delivered', async () => {
  const page = await openPage(browser, null);
  await recordErrors(page);
  await page.goto(`${server.url}/model-missing.html`);
  await page.waitForSelector('.ripen-fallback');
  // German page: German built-in texts; no developer text anywhere.
  assert.equal(await page.textContent('.ripen-fallback h2'), 'Kontakt');
  const text = await page.textContent('ripen-form');
  assert.doesNotMatch(text, /404|invalid|literal|Aborted|error/i);
  // The empty form is refused at its fields, with the focus on the first.
  await page.click('.ripen-fallback .ripen-next');
  assert.equal(await page.textContent('.ripen-question[data-question="name"] .ripen-error'), 'Bitte ausfüllen.');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'name');
  await page.screenshot({ path: join(artifacts, 'fallback-1280.png') });
  const errors = await sendFallback(page);
  assert.equal(errors[0].code, 'model_unavailable');
  assert.match(errors[0].message, /HTTP 404/);
  await page.waitForSelector('.ripen-received');
  const stored = (await leads()).find((l) => l.fallback && l.contact.email === 'jane@acme.com');
  assert.ok(stored, 'the fallback submission reached the endpoint');
  assert.equal(stored.reason, 'model_unavailable');
  assert.equal(stored.contact.message, 'Please call me');
  await page.context().close();
});

test('a model that is not JSON, and a CSP that blocks WebAssembly, give the fallback form too', async () => {
  for (const [s, path, code] of [[server, '/model-broken.html', 'model_invalid'], [strictServer, '/host-nolink.html', 'core_unavailable']]) {
    const page = await openPage(browser, null);
    await recordErrors(page);
    await page.goto(`${s.url}${path}`);
    const errors = await page.waitForFunction(() => window.__ripenErrors.length && window.__ripenErrors).then((h) => h.jsonValue());
    assert.equal(errors[0].code, code, path);
    await page.waitForSelector('.ripen-fallback');
    assert.doesNotMatch(await page.textContent('ripen-form'), /Aborted|CompileError|ASSERTIONS|invalid literal/);
    await page.context().close();
  }
});

test('an endpoint on another origin without CORS: ripen:error, the submission kept, the outcome honest', async () => {
  const page = await openPage(browser, null);
  await recordErrors(page);
  await page.goto(`${server.url}/cross-origin.html?endpoint=${encodeURIComponent(`${otherOrigin.url.replace('127.0.0.1', 'localhost')}/api/leads`)}`);
  await answerAll(page, strong);
  const errors = await page.waitForFunction(() => window.__ripenErrors.length && window.__ripenErrors).then((h) => h.jsonValue());
  assert.equal(errors[0].code, 'delivery_failed');
  assert.equal(await page.textContent('.ripen-delivery'), 'Your details are saved on this device and are being sent.');
  const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('ripen:outbox')));
  assert.equal(queued.length, 1);
  assert.equal(queued[0].submission.answers.email, 'jane@acme.com');
  page.problems.length = 0;  // the browser's own CORS/CSP messages are the point here
  await page.context().close();
});

test('going back after a submission and changing an answer sends a submission that supersedes it', async () => {
  const page = await openPage(browser, `${server.url}/host-long.html`);
  const submissions = [];
  await page.exposeFunction('recordSubmission', (s) => submissions.push(s));
  await page.evaluate(() => document.addEventListener('ripen:decision', (e) => e.detail.submission && window.recordSubmission(e.detail.submission)));
  await answerAll(page, strong);
  await page.click('.ripen-outcome .ripen-back');
  await page.waitForSelector('.ripen-step');
  const ids = await page.$$eval('.ripen-step .ripen-question', (els) => els.map((e) => e.dataset.question));
  // Change one answer of the last step (one that keeps the route) and finish again.
  const other = { email: 'jane.doe@acme.com', notes: 'Changed my mind', employees: '300', heard_from: 'Social media', industry: 'Financial services' };
  const changed = ids.find((id) => id in other);
  assert.ok(changed, `nothing to change on the last step: ${ids}`);
  await answerStep(page, { ...strong, [changed]: other[changed] });
  await page.click('.ripen-next');
  await page.waitForSelector('.ripen-outcome');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('ripen:outbox') || 'null') === null);
  assert.equal(submissions.length, 2, `submissions after changing ${ids}`);
  assert.equal(submissions[1].supersedes, submissions[0].key);
  assert.equal(submissions[1].lead_id, submissions[0].lead_id);
  assert.equal(submissions[0].supersedes, null);
  const stored = await leads();
  assert.ok(stored.some((l) => l.key === submissions[1].key && l.supersedes === submissions[0].key));
  await page.context().close();
});

test('a nurtured visitor can still ask for sales, and is told what the e-mail is for', async () => {
  const page = await openPage(browser, `${server.url}/host-long.html`, { viewport: { width: 375, height: 800 } });
  await answerAll(page, browsing);
  await page.waitForSelector('.ripen-talk');
  assert.match(await page.textContent('.ripen-note'), /e-mail/);
  await page.locator('.ripen-outcome').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'manners-nurture-375.png') });
  await page.click('.ripen-talk');
  await page.waitForSelector('.ripen-talk-sent');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('ripen:outbox') || 'null') === null);
  const stored = await leads();
  const asked = stored.find((l) => l.requested_sales === true && l.answers.email === 'joe@gmail.com');
  assert.ok(asked, 'a submission with requested_sales');
  assert.ok(stored.some((l) => l.key === asked.supersedes), 'it supersedes the nurture submission');
  await page.context().close();
});

test('numbers: whole steps as the model says, and bounds written as the language writes them', async () => {
  const page = await openPage(browser, `${server.url}/host-long.html`);
  // Answer until the employees question shows.
  for (let step = 0; step < 6 && !(await page.$('.ripen-question[data-question="employees"]')); ++step) {
    await answerStep(page, strong);
    await page.click('.ripen-next');
    await page.waitForTimeout(100);
  }
  const input = page.locator('.ripen-question[data-question="employees"] input');
  assert.equal(await input.getAttribute('step'), '1');
  await answerStep(page, { ...strong, employees: '12.5' });
  await page.click('.ripen-next');
  assert.equal(await page.textContent('.ripen-question[data-question="employees"] .ripen-error'), 'Please enter a whole number.');
  await answerStep(page, { ...strong, employees: '2000000' });
  await page.click('.ripen-next');
  assert.match(await page.textContent('.ripen-question[data-question="employees"] .ripen-error'), /1,000,000/);
  await page.context().close();
});

test('by default the device keeps no e-mail or free text, and remembered answers expire', async () => {
  const page = await openPage(browser, `${server.url}/host-long.html`);
  await answerAll(page, strong);
  const stored = await page.evaluate(() => localStorage.getItem('ripen:answers:ripen-demo-b2b'));
  assert.doesNotMatch(stored, /jane@acme\.com|Call me/);
  assert.match(stored, /"role":"manager"/);
  // A month and a day later the answers are gone.
  await page.evaluate(() => {
    const saved = JSON.parse(localStorage.getItem('ripen:answers:ripen-demo-b2b'));
    saved.saved = new Date(Date.now() - 31 * 86400000).toISOString();
    localStorage.setItem('ripen:answers:ripen-demo-b2b', JSON.stringify(saved));
  });
  await page.reload();
  await page.waitForSelector('.ripen-step');
  assert.match(await page.getAttribute('.ripen-step', 'aria-label'), /^Step 1 of/);
  await page.context().close();
});

test('settle_track: a nurtured visitor is asked on until the content fits their stage', async () => {
  // Within three months, but no budget and an individual contributor: nurtured, on the
  // "decision" track that the full form gives.
  const soon = { ...browsing, timeframe: 'Within 3 months' };
  const decisions = [];
  for (const path of ['/host-long.html', '/settle-track.html']) {
    const page = await openPage(browser, `${server.url}${path}`);
    const decided = page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('ripen:decision', (e) => resolve(e.detail.decision), { once: true });
    }));
    const asked = await answerAll(page, soon);
    const decision = await decided;
    decisions.push({ path, asked, route: decision.route, track: decision.nurture?.track, settled: decision.nurture?.track_settled });
    await page.context().close();
  }
  const [plain, settling] = decisions;
  assert.equal(settling.route, 'nurture');
  assert.equal(settling.track, 'decision', JSON.stringify(decisions));
  assert.equal(settling.settled, true);
  assert.ok(settling.asked.includes('timeframe'));
  assert.ok(settling.asked.length >= plain.asked.length, JSON.stringify(decisions));
});
