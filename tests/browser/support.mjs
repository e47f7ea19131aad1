// Browser test support: the assembled site served locally (with the strict CSP every page
// gets), Debian's Chromium driven by Playwright, and helpers to answer the form as a visitor.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const siteDir = resolve(process.env.RIPEN_SITE_DIR || join(root, 'build/wasm-release/site'));
export const artifacts = resolve(process.env.RIPEN_ARTIFACTS || join(root, 'build/artifacts'));
mkdirSync(artifacts, { recursive: true });

const { chromium } = await import(join(root, 'tools/node_modules/playwright-core/index.mjs'));
const { createSiteServer } = await import(join(root, 'site/serve.mjs'));

export async function startServer(options = {}) {
  const server = createSiteServer({ root: siteDir, extraRoot: join(root, 'tests/browser/pages'), ...options });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  server.url = `http://127.0.0.1:${server.address().port}`;
  return server;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// Chromium with WebGL (SwiftShader): the playground's canvas.
export async function launchWithWebGL() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}

// A page that records console errors, page errors and CSP violations.
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: options.viewport || { width: 1280, height: 900 }, ...options.context });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  if (url) await page.goto(url);
  return page;
}

// Answers the current step from `answers` (question id -> visible label or typed text).
export async function answerStep(page, answers) {
  await page.waitForSelector('.ripen-step, .ripen-outcome');
  if (await page.$('.ripen-outcome')) return null;
  const ids = await page.$$eval('.ripen-step .ripen-question', (els) => els.map((e) => e.dataset.question));
  for (const id of ids) {
    const value = answers[id];
    const wrapper = page.locator(`.ripen-question[data-question="${id}"]`);
    if (value === undefined) throw new Error(`no answer for ${id}`);
    if (await wrapper.locator('select').count()) await wrapper.locator('select').selectOption({ label: value });
    else if (await wrapper.locator('input[type=radio]').count()) await wrapper.getByLabel(value, { exact: true }).check();
    else if (await wrapper.locator('input[type=checkbox]').count()) {
      for (const v of [].concat(value)) if (v) await wrapper.getByLabel(v, { exact: true }).check();
    } else await wrapper.locator('input, textarea').fill(String(value));
  }
  return ids;
}

// Answers step after step until the outcome shows; returns the questions asked, in order.
export async function answerAll(page, answers) {
  const asked = [];
  for (let step = 0; step < 20; ++step) {
    const ids = await answerStep(page, answers);
    if (!ids) return asked;
    asked.push(...ids);
    await page.click('.ripen-next');
    await page.waitForFunction((before) => {
      const now = [...document.querySelectorAll('.ripen-step .ripen-question')].map((e) => e.dataset.question).join();
      return document.querySelector('.ripen-outcome') || now !== before;
    }, ids.join());
  }
  throw new Error('the form did not finish');
}

export const strong = {
  role: 'Head of team or department', country: 'Germany', goal: 'Replace a tool we use today', timeframe: 'Within 3 months',
  budget: 'Yes, approved', employees: '250', email: 'jane@acme.com', industry: 'Software and internet',
  use_cases: ['Forecasting'], heard_from: 'Search engine', notes: 'Call me',
};
export const browsing = {
  role: 'Individual contributor', country: 'United States', goal: 'Just exploring options', timeframe: 'No fixed plan yet',
  budget: 'No budget yet', employees: '12', email: 'joe@gmail.com', industry: 'Retail and e-commerce',
  use_cases: ['Reporting and dashboards'], heard_from: 'Social media', notes: '',
};
export const student = { ...browsing, role: 'Student or researcher', email: 'sam@uni.example' };
