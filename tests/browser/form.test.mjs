// The <ripen-form> in Debian's Chromium: personas to every outcome, back and forward, memory and
// "forget", known answers from the URL, the endpoint's retries, the strict CSP, keyboard and
// screen-reader behaviour, layout stability and width, text-only rendering, languages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { answerAll, answerStep, artifacts, browsing, launch, openPage, root, startServer, strong, student } from './support.mjs';

let server;
let browser;
let failuresLeft = 0;  // the endpoint fails this many attempts, then accepts

before(async () => {
  server = await startServer({
    endpoint: async () => {
      if (failuresLeft > 0) {
        --failuresLeft;
        return { status: 503, body: '{"error":"busy"}' };
      }
      return null;  // the default endpoint stores the submission
    },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

const demo = () => `${server.url}/demo.html`;

test('a strong lead is handed off with the SLA and a booking link, in fewer questions than the full form', async () => {
  const page = await openPage(browser, demo());
  const decided = page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('ripen:decision', (e) => resolve(e.detail), { once: true });
  }));
  const asked = await answerAll(page, strong);
  const detail = await decided;
  assert.equal(detail.decision.route, 'handoff');
  assert.equal(detail.submission.model.id, 'ripen-demo-b2b');
  assert.ok(asked.length < 11, `asked ${asked.length}: ${asked}`);
  assert.equal(await page.textContent('.ripen-outcome h2'), "You are a great fit. Let's talk.");
  assert.match(await page.textContent('.ripen-outcome'), /within 8 hours/);
  // The booking link carries what the visitor told, as schedulers take it (?email=...).
  const booking = new URL(await page.getAttribute('.ripen-booking', 'href'));
  assert.equal(booking.pathname, '/book');
  assert.equal(booking.searchParams.get('email'), 'jane@acme.com');
  // The demo's own `a { color }` must not turn the button's text the colour of its background.
  const colours = await page.$eval('.ripen-booking', (a) => [getComputedStyle(a).color, getComputedStyle(a).backgroundColor]);
  assert.equal(colours[0], 'rgb(255, 255, 255)');
  assert.notEqual(colours[1], colours[0]);
  assert.equal(await page.textContent('.ripen-status'), "You are a great fit. Let's talk. Our team will contact you within 8 hours.");
  assert.deepEqual(page.problems, []);
  await page.screenshot({ path: join(artifacts, 'form-handoff-1280.png'), fullPage: true });
  await page.context().close();
});

test('a browsing lead is nurtured with content for its buying stage', async () => {
  const page = await openPage(browser, demo());
  await answerAll(page, browsing);
  assert.equal(await page.textContent('.ripen-outcome h2'), 'Thank you! Here is something useful for you.');
  const links = await page.$$eval('.ripen-content a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  assert.ok(links.length >= 1);
  assert.ok(links.some(([, href]) => href.startsWith('/')));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a student is disqualified politely, with the alternative from the model', async () => {
  const page = await openPage(browser, demo());
  const asked = await answerAll(page, student);
  assert.equal(asked[0], 'role');  // the knock-out question comes first
  assert.equal(await page.textContent('.ripen-outcome h2'), 'Thank you for your interest');
  assert.match(await page.textContent('.ripen-alternative'), /academic program/);
  // One message (the knock-out's), and a link named by the model, not by its path.
  const outcome = await page.textContent('.ripen-outcome');
  assert.equal(outcome.match(/thank/gi).length, 1, outcome);
  assert.equal(await page.getAttribute('.ripen-alternative-link', 'href'), '/academic');
  assert.equal(await page.textContent('.ripen-alternative-link'), 'See the academic program');
  await page.screenshot({ path: join(artifacts, 'form-disqualify-1280.png') });
  assert.ok(asked.length <= 2, `asked ${asked}`);
  await page.context().close();
});

test('back and forward keep the answers', async () => {
  const page = await openPage(browser, demo());
  const first = await answerStep(page, strong);
  await page.click('.ripen-next');
  await page.waitForFunction((ids) => !ids.includes(document.querySelector('.ripen-step .ripen-question').dataset.question), first);
  const second = await answerStep(page, strong);
  await page.click('.ripen-back');
  await page.waitForSelector(`.ripen-question[data-question="${first[0]}"]`);
  // Step one shows what was chosen, and focus is on its first field.
  assert.equal(await page.isChecked('.ripen-question[data-question="role"] input[value="manager"]'), true);
  assert.equal(await page.evaluate(() => document.activeElement.closest('.ripen-question')?.dataset.question), first[0]);
  await page.click('.ripen-next');
  await page.waitForSelector(`.ripen-question[data-question="${second[0]}"]`);
  // Step two again, with what was entered before going back.
  for (const id of second) {
    const value = strong[id];
    const wrapper = page.locator(`.ripen-question[data-question="${id}"]`);
    if (await wrapper.locator('input[type=radio]').count()) assert.equal(await wrapper.getByLabel(value, { exact: true }).isChecked(), true);
    else if (await wrapper.locator('select').count()) assert.notEqual(await wrapper.locator('select').inputValue(), '');
    else assert.equal(await wrapper.locator('input, textarea').inputValue(), value);
  }
  await page.context().close();
});

test('a reload keeps the answers; "forget my answers" clears them', async () => {
  const page = await openPage(browser, demo());
  const first = await answerStep(page, strong);
  await page.click('.ripen-next');
  await page.waitForFunction((ids) => !ids.includes(document.querySelector('.ripen-step .ripen-question')?.dataset.question), first);
  await page.reload();
  await page.waitForSelector('.ripen-step');
  const afterReload = await page.$$eval('.ripen-step .ripen-question', (els) => els.map((e) => e.dataset.question));
  for (const id of first) assert.ok(!afterReload.includes(id), `${id} asked again after a reload`);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('ripen:answers:ripen-demo-b2b')));
  assert.equal(stored.answers.role, 'manager');
  // Back still works after the reload: it leads to the remembered answers.
  assert.match(await page.getAttribute('.ripen-step', 'aria-label'), /^Step 2 of/);
  await page.click('.ripen-step .ripen-back');
  await page.waitForSelector('.ripen-question[data-question="role"]');
  assert.equal(await page.locator('.ripen-question[data-question="role"] input:checked').getAttribute('value'), 'manager');
  await page.click('.ripen-next');
  await page.waitForFunction((ids) => !ids.includes(document.querySelector('.ripen-step .ripen-question')?.dataset.question), first);
  // Forgetting asks first, inside the form, with the focus kept there; keeping changes nothing.
  await page.click('.ripen-forget');
  await page.waitForSelector('.ripen-confirm');
  assert.equal(await page.evaluate(() => document.activeElement.closest('ripen-form') !== null), true);
  await page.click('.ripen-confirm .ripen-back');
  assert.equal(await page.$('.ripen-confirm'), null);
  assert.notEqual(await page.evaluate(() => localStorage.getItem('ripen:answers:ripen-demo-b2b')), null);
  await page.click('.ripen-forget');
  await page.click('.ripen-confirm .ripen-next');
  await page.waitForSelector(`.ripen-question[data-question="${first[0]}"]`);
  assert.equal(await page.evaluate(() => localStorage.getItem('ripen:answers:ripen-demo-b2b')), null);
  await page.context().close();
});

test('remember="off" keeps nothing', async () => {
  const page = await openPage(browser, `${server.url}/form-plain.html`);
  await answerStep(page, strong);
  await page.click('.ripen-next');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ripen:answers')).length), 0);
  assert.equal(await page.$('.ripen-forget'), null);
  await page.context().close();
});

test('answers from the URL are never asked; utm parameters reach the decision', async () => {
  const page = await openPage(browser, `${demo()}?role=manager&country=DE&utm_medium=event`);
  const decided = page.evaluate(() => new Promise((resolve) => document.addEventListener('ripen:decision', (e) => resolve(e.detail), { once: true })));
  const asked = await answerAll(page, strong);
  assert.ok(!asked.includes('role') && !asked.includes('country'), `asked ${asked}`);
  const detail = await decided;
  assert.equal(detail.context.utm_medium, 'event');
  assert.equal(detail.decision.segment.id, 'event');
  await page.context().close();
});

test('an endpoint that fails and recovers receives the submission exactly once', async () => {
  server.leads.clear();
  server.attempts.length = 0;
  failuresLeft = 2;
  const page = await openPage(browser, demo());
  await answerAll(page, strong);
  await page.waitForFunction(() => localStorage.getItem('ripen:outbox') === null, null, { timeout: 20000 });
  assert.equal(server.leads.size, 1);
  assert.equal(server.attempts.length, 3);
  assert.equal(new Set(server.attempts.map((a) => a.key)).size, 1);
  const [submission] = server.leads.values();
  assert.equal(submission.decision.route, 'handoff');
  assert.equal(submission.answers.role, 'manager');
  await page.context().close();
});

test('a submission made offline survives a reload and is delivered once when online', async () => {
  server.leads.clear();
  server.attempts.length = 0;
  failuresLeft = 0;
  const page = await openPage(browser, demo());
  await page.waitForSelector('.ripen-step');  // loaded, then the network goes away
  await page.context().setOffline(true);
  await answerAll(page, browsing);
  const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('ripen:outbox')));
  assert.equal(queued.length, 1);
  await page.context().setOffline(false);
  await page.reload();  // the next page load sends what is queued
  await page.waitForFunction(() => localStorage.getItem('ripen:outbox') === null, null, { timeout: 20000 });
  // The old page may already have sent the item when it came back online, with the reload
  // cutting off the response; the reloaded page then sends it again. Every attempt carries the
  // same idempotency key, so the endpoint stores the lead once.
  assert.equal(server.leads.size, 1);
  assert.ok(server.leads.has(queued[0].key));
  assert.ok(server.attempts.length >= 1 && server.attempts.length <= 2, `${server.attempts.length} attempts`);
  assert.ok(server.attempts.every((a) => a.key === queued[0].key));
  // The reloaded form asks again for what it does not keep on the device (the e-mail), and may
  // ask one more question on the way: a submission with more answers replaces the first one
  // (same lead, supersedes), one with the same answers is not sent.
  await page.waitForSelector('.ripen-outcome, .ripen-step');
  if (await page.$('.ripen-step')) await answerAll(page, browsing);
  await page.waitForSelector('.ripen-outcome');
  await page.waitForFunction(() => localStorage.getItem('ripen:outbox') === null, null, { timeout: 20000 });
  const all = [...server.leads.values()];
  assert.ok(all.length <= 2, `${all.length} leads`);
  if (all.length === 2) {
    const later = all.find((l) => l.key !== queued[0].key);
    assert.equal(later.supersedes, queued[0].key);
    assert.equal(later.lead_id, queued[0].submission.lead_id);
  }
  await page.context().close();
});

test('every page works under the strict CSP, with no violation or console error', async () => {
  for (const path of ['/', '/demo.html', '/docs/', '/form-plain.html']) {
    const page = await openPage(browser, `${server.url}${path}`);
    const response = await page.goto(`${server.url}${path}`);
    assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
    if (path.includes('form') || path.includes('demo')) await page.waitForSelector('.ripen-step');
    assert.deepEqual(page.problems, [], path);
    await page.context().close();
  }
});

test('keyboard only: focus moves to each new step and the outcome is announced', async () => {
  const page = await openPage(browser, demo());
  await page.waitForSelector('.ripen-step');
  for (let step = 0; step < 10; ++step) {
    if (await page.$('.ripen-outcome')) break;
    const ids = await page.$$eval('.ripen-step .ripen-question', (els) => els.map((e) => e.dataset.question));
    if (step === 0) {
      // The form does not take focus on page load: tab into it.
      for (let t = 0; t < 30; ++t) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((q) => document.activeElement.closest('.ripen-question')?.dataset.question === q, ids[0])) break;
      }
    }
    // Focus is in the step, on its first field (moved there for every step after the first).
    assert.equal(await page.evaluate(() => document.activeElement.closest('.ripen-question')?.dataset.question), ids[0]);
    for (let i = 0; i < ids.length; ++i) {
      const id = ids[i];
      const kind = await page.evaluate((q) => {
        const w = document.querySelector(`.ripen-question[data-question="${q}"]`);
        return w.querySelector('select') ? 'select' : w.querySelector('input[type=radio]') ? 'radio' : 'text';
      }, id);
      if (i > 0) {
        // Tab to the next question's first field.
        for (let t = 0; t < 30; ++t) {
          await page.keyboard.press('Tab');
          if (await page.evaluate((q) => document.activeElement.closest('.ripen-question')?.dataset.question === q, id)) break;
        }
      }
      if (kind === 'radio') await page.keyboard.press('Space');          // the first option
      else if (kind === 'select') await page.keyboard.type('Germany');
      else await page.keyboard.type(id === 'email' ? 'kim@acme.com' : id === 'employees' ? '300' : 'x');
    }
    // Tab to "Next" and press Enter (Enter inside a select does not submit).
    for (let t = 0; t < 30; ++t) {
      if (await page.evaluate(() => document.activeElement.classList.contains('ripen-next'))) break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForFunction((before) => document.querySelector('.ripen-outcome') ||
      [...document.querySelectorAll('.ripen-step .ripen-question')].map((e) => e.dataset.question).join() !== before, ids.join());
  }
  await page.waitForSelector('.ripen-outcome');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ripen-outcome')), true);
  assert.notEqual((await page.textContent('.ripen-status')).trim(), '');
  assert.equal(await page.getAttribute('.ripen-status', 'aria-live'), 'polite');
  await page.context().close();
});

test('inline validation explains what is wrong, next to the field', async () => {
  const page = await openPage(browser, `${server.url}/form-plain.html`);
  await page.waitForSelector('.ripen-step');
  await page.click('.ripen-next');  // nothing answered
  const errors = await page.$$eval('.ripen-error:not([hidden])', (els) => els.map((e) => e.textContent));
  assert.ok(errors.includes('Please answer this question.'), errors.join());
  const invalid = await page.$$eval('[aria-invalid="true"]', (els) => els.length);
  assert.ok(invalid >= 1);
  await page.context().close();
});

test('nothing shifts while the core loads; the page fits 320 pixels', async () => {
  const page = await openPage(browser, null, { viewport: { width: 320, height: 640 } });
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(demo());
  await page.waitForSelector('.ripen-step');
  await page.waitForTimeout(300);
  const shift = await page.evaluate(() => window.__shift);
  assert.ok(shift < 0.01, `cumulative layout shift ${shift}`);
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(width <= 320, `the page is ${width} px wide`);
  await page.context().close();
});

test('model texts are rendered as text, never as HTML; the page language picks the translation', async () => {
  const page = await openPage(browser, `${server.url}/form-hostile.html`);
  await page.waitForSelector('.ripen-step');
  assert.equal(await page.$$eval('.ripen-form img', (imgs) => imgs.length), 0);
  assert.match(await page.textContent('.ripen-question legend'), /<img src=x onerror=/);
  const german = await openPage(browser, `${server.url}/form-de.html`);
  await german.waitForSelector('.ripen-step');
  const labels = await german.$$eval('.ripen-question legend, .ripen-question > label', (els) => els.map((e) => e.textContent));
  assert.ok(labels.some((l) => /Rolle|Land/.test(l)), labels.join(' | '));
  assert.equal(await german.textContent('.ripen-next'), 'Weiter');
  await page.context().close();
  await german.context().close();
});

test('screenshots at 375 and 1280 pixels', async () => {
  for (const width of [375, 1280]) {
    const page = await openPage(browser, demo(), { viewport: { width, height: 900 } });
    await page.waitForSelector('.ripen-step');
    await page.screenshot({ path: join(artifacts, `demo-${width}.png`), fullPage: true });
    await answerAll(page, browsing);
    await page.screenshot({ path: join(artifacts, `demo-outcome-${width}.png`), fullPage: true });
    await page.context().close();
  }
});

test('an axe-core audit finds no serious or critical violations', async () => {
  const axe = readFileSync(join(root, 'tools/node_modules/axe-core/axe.min.js'), 'utf8');
  for (const path of ['/demo.html', '/']) {
    // axe is injected as a script, which the strict CSP would refuse; this page only skips it.
    const page = await openPage(browser, null, { context: { bypassCSP: true } });
    await page.goto(`${server.url}${path}`);
    if (path === '/demo.html') await page.waitForSelector('.ripen-step');
    await page.addScriptTag({ content: axe });
    const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], path);
    await page.context().close();
  }
});

test('every outcome link of the demo resolves, and the booking page shows what the form passed', async () => {
  const model = JSON.parse(readFileSync(join(root, 'models/default.json'), 'utf8'));
  const urls = new Set([model.booking_url, ...model.segments.map((s) => s.booking_url), ...model.rules.map((r) => r.url),
    ...model.nurture.tracks.flatMap((t) => t.content.map((c) => c.url))].filter(Boolean));
  assert.ok(urls.size >= 12, [...urls].join());
  for (const url of urls) {
    const response = await fetch(new URL(url, server.url));
    assert.equal(response.status, 200, url);
  }
  const page = await openPage(browser, `${server.url}/book/?email=jane%40acme.com`);
  assert.equal(await page.textContent('#params dd'), 'jane@acme.com');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
