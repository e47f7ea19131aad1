// The demo page as the site build writes it: the form's first step is in the HTML (site/
// prerender.mjs) and the element takes it over when the core is ready, without a flash or a
// layout shift, keeping a choice, the focus and an early Next; and the model the page loads is
// the published one, so a submission carries no cadence or internal names.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { answerAll, answerStep, artifacts, launch, openPage, startServer, strong } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

// Opens the demo with the core's .wasm held back until release() is called; the layout shifts
// of the whole load are summed in window.__shift, but for the demo's own live panel, which
// fills in with the first decision by design.
async function openHeld(viewport = { width: 1280, height: 900 }, remembered = null) {
  const page = await openPage(browser, null, { viewport });
  if (remembered) {
    await page.addInitScript((answers) => {
      localStorage.setItem('ripen:answers:ripen-demo-b2b', JSON.stringify({ answers, saved: new Date().toISOString() }));
    }, remembered);
  }
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.hadRecentInput || entry.sources.every((source) => source.node?.closest?.('#panel'))) continue;
        window.__shift += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
    document.addEventListener('ripen:step', () => { window.__live = true; });
  });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/ripen-form.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${server.url}/demo.html`);
  await page.waitForSelector('ripen-form .ripen-step[data-ripen-prerendered] .ripen-question', { state: 'attached' });
  page.unblock = release;
  page.release = async () => {
    release();
    await page.waitForFunction(() => window.__live === true && !document.querySelector('ripen-form .ripen-step[data-ripen-prerendered]'));
  };
  return page;
}

test('the first step is in the page before the core loads, and the takeover neither flashes nor shifts', async () => {
  const page = await openHeld();
  const form = page.locator('ripen-form');
  assert.deepEqual(await page.$$eval('ripen-form .ripen-question', (els) => els.map((e) => e.dataset.question)), ['role', 'country']);
  assert.match(await page.getAttribute('ripen-form .ripen-step', 'aria-label'), /^Step 1 of at most \d+$/);
  await page.waitForTimeout(200);
  const before = await form.screenshot();
  await form.screenshot({ path: join(artifacts, 'prerender-before-takeover-1280.png') });
  await page.release();
  await page.waitForTimeout(200);
  const after = await form.screenshot();
  assert.ok(before.equals(after), 'the live step looks exactly like the pre-rendered one');
  assert.equal(await page.evaluate(() => window.__shift), 0);
  assert.deepEqual(await page.evaluate(() => ({ scroll: Math.round(window.scrollY), focus: document.activeElement.tagName })), { scroll: 0, focus: 'BODY' });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a choice made before the takeover stays chosen and focused, and a Next pressed early goes through', async () => {
  const page = await openHeld();
  await page.getByLabel('Head of team or department', { exact: true }).check();
  await page.release();
  assert.equal(await page.locator('.ripen-question[data-question="role"] input:checked').getAttribute('value'), 'manager');
  assert.deepEqual(await page.evaluate(() => [document.activeElement.name, document.activeElement.value]), ['role', 'manager']);
  await page.context().close();

  const early = await openHeld({ width: 375, height: 800 });
  await early.getByLabel('Head of team or department', { exact: true }).check();
  await early.locator('.ripen-question[data-question="country"] select').selectOption({ label: 'Germany' });
  await early.click('.ripen-next');
  assert.equal(early.url(), `${server.url}/demo.html`, 'the early Next does not leave the page');
  await early.screenshot({ path: join(artifacts, 'prerender-early-next-375.png') });
  early.release();
  await early.waitForFunction(() => !document.querySelector('.ripen-question[data-question="role"]') && document.querySelector('.ripen-step .ripen-question'));
  assert.equal(await early.evaluate(() => document.querySelector('ripen-form').decision.answered), 2);
  assert.deepEqual(early.problems, []);
  await early.context().close();
});

test('a returning visitor does not see the first step flash before their own next step', async () => {
  // Remembered from an earlier visit: the non-personal answers (the e-mail is not kept).
  const page = await openHeld({ width: 1280, height: 900 }, {
    role: 'manager', country: 'DE', goal: 'replace', timeframe: 'under_3_months', budget: 'approved', employees: 250,
  });
  assert.equal(await page.locator('ripen-form .ripen-step').evaluate((step) => getComputedStyle(step).visibility), 'hidden');
  page.unblock();
  await page.waitForSelector('ripen-form .ripen-step:not([data-ripen-prerendered])');
  const asked = await page.$$eval('ripen-form .ripen-question', (els) => els.map((e) => e.dataset.question));
  assert.ok(!asked.includes('role') && asked.includes('email'), asked.join());
  assert.equal(await page.locator('ripen-form .ripen-step').evaluate((step) => getComputedStyle(step).visibility), 'visible');
  assert.equal(await page.locator('ripen-form .ripen-back').count(), 1, 'Back leads to the remembered answers');
  assert.equal(await page.evaluate(() => window.__shift), 0);
  assert.deepEqual(await page.evaluate(() => ({ scroll: Math.round(window.scrollY), focus: document.activeElement.tagName })), { scroll: 0, focus: 'BODY' });
  await page.context().close();
});

test('the page loads the published model: no cadence, internal label or competitor list reaches the visitor', async () => {
  const model = await (await fetch(`${server.url}/models/default.json`)).text();
  assert.equal(JSON.parse(model).audience, 'visitor');
  for (const secret of ['globex.example', 'cadence', 'Competitors do not go to sales', 'VP of sales']) assert.ok(!model.includes(secret), secret);
  const page = await openPage(browser, `${server.url}/demo.html`, { viewport: { width: 1280, height: 900 } });
  const before = (await (await fetch(`${server.url}/api/leads`)).json()).length;
  await answerAll(page, strong);
  await page.waitForFunction(async () => JSON.parse(localStorage.getItem('ripen:outbox') || 'null') === null);
  const leads = await (await fetch(`${server.url}/api/leads`)).json();
  assert.equal(leads.length, before + 1);
  const { decision } = leads.at(-1);
  assert.equal(decision.route, 'handoff');
  assert.deepEqual(decision.handoff.cadence, []);
  assert.ok(decision.rules.every((rule) => /^(knockout|gate)_\d+$/.test(rule.id)), JSON.stringify(decision.rules));
  await page.locator('ripen-form').screenshot({ path: join(artifacts, 'prerender-demo-outcome-1280.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the hand-off outcome at 375 px: the booking button and Back keep their distance, the progress shows on steps', async () => {
  const page = await openPage(browser, `${server.url}/demo.html`, { viewport: { width: 375, height: 800 } });
  await page.waitForSelector('.ripen-step:not([data-ripen-prerendered])');
  // The visible progress agrees with the label screen readers get.
  assert.equal(await page.textContent('.ripen-progress span'), await page.getAttribute('.ripen-step', 'aria-label'));
  await page.locator('ripen-form').screenshot({ path: join(artifacts, 'prerender-step-375.png') });
  // "at most" holds: the bound never grows, and the form ends within the first one.
  const bounds = [];
  for (let step = 1; step < 20 && !(await page.$('.ripen-outcome')); ++step) {
    const [, at, max] = (await page.getAttribute('.ripen-step', 'aria-label')).match(/^Step (\d+) of (?:at most )?(\d+)$/).map(Number);
    assert.equal(at, step);
    assert.equal(await page.$eval('.ripen-progress progress', (p) => [p.value, p.max].join()), `${at},${max}`);
    bounds.push(max);
    const ids = await answerStep(page, strong);
    await page.click('.ripen-next');
    await page.waitForFunction((before) => document.querySelector('.ripen-outcome') ||
      [...document.querySelectorAll('.ripen-step .ripen-question')].map((e) => e.dataset.question).join() !== before, ids.join());
  }
  assert.ok(bounds.length >= 2 && bounds.length <= bounds[0], `steps ${bounds.length}, bounds ${bounds}`);
  for (let i = 1; i < bounds.length; ++i) assert.ok(bounds[i] <= bounds[i - 1], `bounds ${bounds}`);
  const booking = await page.locator('.ripen-booking').boundingBox();
  const back = await page.locator('.ripen-outcome .ripen-back').boundingBox();
  assert.ok(back.y - (booking.y + booking.height) >= 12, `Back is ${back.y - (booking.y + booking.height)} px under the booking button`);
  await page.locator('ripen-form').screenshot({ path: join(artifacts, 'prerender-handoff-375.png') });
  await page.context().close();
});
