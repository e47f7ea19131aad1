// Payload bytes and time to the first painted question: the Ripen form against the same first
// step written as static HTML (the floor) and against SurveyJS (survey-core + survey-js-ui)
// rendering the same questions, on the same kind of page, in the same run of Debian's headless
// Chromium; for Ripen also the time to interactive (the core ready, a ripen:step fired). All
// served from localhost by site/serve.mjs (compressed, as the site is) without a CSP; then once
// more on a slow profile (4x CPU slowdown, 1.6 Mbps, 150 ms latency).
//   node bench/browser_first_question.mjs [RUNS=15]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] || 15);
const { chromium } = await import(join(root, 'tools/node_modules/playwright-core/index.mjs'));
const { createSiteServer } = await import(join(root, 'site/serve.mjs'));

const extra = mkdtempSync(join(tmpdir(), 'ripen-bench-'));
mkdirSync(join(extra, 'bench'));
mkdirSync(join(extra, 'vendor'));
cpSync(join(root, 'bench/pages'), join(extra, 'bench'), { recursive: true });
for (const [from, to] of [['survey-core/survey.core.min.js', 'survey.core.min.js'], ['survey-js-ui/survey-js-ui.min.js', 'survey-js-ui.min.js'],
  ['survey-core/survey-core.min.css', 'survey-core.min.css']])
  cpSync(join(root, 'tools/node_modules', from), join(extra, 'vendor', to));

// The same page with its first step written in by the site's pre-renderer (site/prerender.mjs),
// in its own process: it sets up a DOM's globals.
const siteDir = join(root, 'build/wasm-release/site');
execFileSync(process.execPath, [join(root, 'site/prerender.mjs'), join(root, 'bench/pages/ripen.html'), join(extra, 'bench/ripen-prerendered.html'),
  '--package', join(root, 'build/wasm-release/package'), '--root', siteDir], { stdio: 'inherit' });

const server = createSiteServer({ root: siteDir, extraRoot: extra, csp: '' });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
// The same site without compression, for the page as it was before this issue.
const plainServer = createSiteServer({ root: join(root, 'build/wasm-release/site'), extraRoot: extra, csp: '', compress: false });
await new Promise((r) => plainServer.listen(0, '127.0.0.1', r));
let base = `http://127.0.0.1:${server.address().port}`;
const plainBase = `http://127.0.0.1:${plainServer.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

async function measure(path, slow = false, from = base) {
  const times = [];
  const ready = [];
  let raw = 0, wire = 0;
  for (let i = 0; i < runs; ++i) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    if (slow) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8,
      });
    }
    let bytesRaw = 0, bytesWire = 0;
    cdp.on('Network.dataReceived', (e) => { bytesRaw += e.dataLength; });
    cdp.on('Network.loadingFinished', (e) => { bytesWire += e.encodedDataLength; });
    await page.addInitScript(() => {
      document.addEventListener('ripen:step', () => { window.__interactive ??= performance.now(); }, { once: true });
    });
    await page.goto(`${from}${path}`);
    await page.waitForFunction(() => window.__firstQuestion !== undefined, null, { timeout: 60000 });
    times.push(await page.evaluate(() => window.__firstQuestion));
    if (path.includes('ripen')) {
      await page.waitForFunction(() => window.__interactive !== undefined, null, { timeout: 60000 });
      ready.push(await page.evaluate(() => window.__interactive));
    }
    await page.waitForLoadState('networkidle');
    raw = bytesRaw;
    wire = bytesWire;
    await context.close();
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const p90 = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length * 0.9)];
  return { raw, wire, median: median(times), p90: p90(times), ready: ready.length ? median(ready) : null };
}

const kb = (n) => (n / 1024).toFixed(1);
for (const slow of [false, true]) {
  const floor = await measure('/bench/static.html', slow);
  const before = await measure('/bench/ripen-before.html', slow, plainBase);
  const ripen = await measure('/bench/ripen.html', slow);
  const pre = await measure('/bench/ripen-prerendered.html', slow);
  const survey = await measure('/bench/surveyjs.html', slow);
  console.log(slow ? '\nSlow profile: 4x CPU slowdown, 1.6 Mbps down, 150 ms latency' : 'Localhost');
  console.log(`| page | payload raw | over the wire | first question painted (median) | p90 | × static | interactive (median) |`);
  console.log(`|---|---|---|---|---|---|---|`);
  const row = (name, m) => console.log(`| ${name} | ${kb(m.raw)} KB | ${kb(m.wire)} KB | ${m.median.toFixed(0)} ms | ${m.p90.toFixed(0)} ms | ` +
    `${(m.median / floor.median).toFixed(2)} | ${m.ready === null ? '–' : `${m.ready.toFixed(0)} ms`} |`);
  row('static HTML, same first step (floor)', floor);
  row('Ripen form as before (no preloads, no compression)', before);
  row('Ripen form (preloads, brotli)', ripen);
  row('Ripen form, first step pre-rendered (preloads, brotli)', pre);
  row('SurveyJS (survey-core + survey-js-ui)', survey);
}
console.log(`(${runs} loads each, fresh browser context every time, Chromium ${browser.version()})`);
await browser.close();
server.close();
plainServer.close();
rmSync(extra, { recursive: true, force: true });
