// Re-scoring in the browser playground: 1,000,000 generated leads (default model) are loaded
// through the page's hooks; then a criterion weight is moved back and forth (every lead is
// re-scored and the metrics recomputed) and the hand-off threshold is moved (metrics from the
// histogram only). Times are the playground's own (performance of the C++ call, in the page).
//   node bench/playground_rescore.mjs [LEADS]      (after the wasm-release build)
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';
import { startServer } from '../tests/browser/support.mjs';

const leads = Number(process.argv[2] || 1000000);
const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(`${server.url}/playground/`);
await page.waitForFunction(() => window.ripenPlayground?.ready === true, null, { timeout: 60000 });
const loaded = await page.evaluate((n) => {
  const start = performance.now();
  window.ripenPlayground.generate(n, 1);
  return { leads: window.ripenPlayground.leads(), ms: performance.now() - start };
}, leads);
console.log(`generated and loaded ${loaded.leads} leads in ${(loaded.ms / 1000).toFixed(1)} s`);
const result = await page.evaluate(() => {
  const p = window.ripenPlayground;
  const weight = [], threshold = [];
  const before = p.rescoreCount();
  for (let i = 0; i < 11; ++i) {
    p.setWeight('need', i % 2 ? 1 : 2);
    weight.push(p.lastUpdateMs());
  }
  const afterWeights = p.rescoreCount();
  for (let i = 0; i < 11; ++i) {
    p.setThreshold(i % 2 ? 8 : 9);
    threshold.push(p.lastUpdateMs());
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { weight: median(weight), weightMin: Math.min(...weight), threshold: median(threshold),
           rescoredByWeights: afterWeights - before, rescoredByThresholds: p.rescoreCount() - afterWeights };
});
console.log(`weight move (re-score ${leads} leads + metrics): median ${result.weight.toFixed(1)} ms, best ${result.weightMin.toFixed(1)} ms (${result.rescoredByWeights} re-scores)`);
console.log(`threshold move (metrics from the histogram): median ${result.threshold.toFixed(3)} ms (${result.rescoredByThresholds} re-scores)`);
await browser.close();
server.close();
