// Payload bytes and time to the first painted question: the Ripen form against SurveyJS
// (survey-core + survey-js-ui) rendering the same questions, on the same kind of page, in the
// same run of Debian's headless Chromium. Both pages are served from localhost without a CSP.
//   node bench/browser_first_question.mjs [RUNS=15]
import { cpSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

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

const server = createSiteServer({ root: join(root, 'build/wasm-release/site'), extraRoot: extra, csp: '' });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

async function measure(path) {
  const times = [];
  let raw = 0, gzip = 0;
  for (let i = 0; i < runs; ++i) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    let bytesRaw = 0, bytesGzip = 0;
    page.on('response', async (response) => {
      try {
        const body = await response.body();
        bytesRaw += body.length;
        bytesGzip += gzipSync(body).length;
      } catch {
        // a response without a body
      }
    });
    await page.goto(`${base}${path}`);
    await page.waitForFunction(() => window.__firstQuestion !== undefined, null, { timeout: 30000 });
    times.push(await page.evaluate(() => window.__firstQuestion));
    await page.waitForLoadState('networkidle');
    raw = bytesRaw;
    gzip = bytesGzip;
    await context.close();
  }
  times.sort((a, b) => a - b);
  return { raw, gzip, median: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)] };
}

const ripen = await measure('/bench/ripen.html');
const survey = await measure('/bench/surveyjs.html');
const kb = (n) => (n / 1024).toFixed(1);
console.log(`| page | payload raw | payload gzip | first question painted (median) | p90 |`);
console.log(`|---|---|---|---|---|`);
console.log(`| Ripen form | ${kb(ripen.raw)} KB | ${kb(ripen.gzip)} KB | ${ripen.median.toFixed(0)} ms | ${ripen.p90.toFixed(0)} ms |`);
console.log(`| SurveyJS (survey-core + survey-js-ui 2.5.38) | ${kb(survey.raw)} KB | ${kb(survey.gzip)} KB | ${survey.median.toFixed(0)} ms | ${survey.p90.toFixed(0)} ms |`);
console.log(`(${runs} loads each, fresh browser context every time, Chromium ${browser.version()}, localhost)`);
await browser.close();
server.close();
rmSync(extra, { recursive: true, force: true });
