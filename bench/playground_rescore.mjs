// Re-scoring in the browser playground, and arquero doing the same sums in the same page.
// 1,000,000 generated leads (default model) are loaded through the page's hooks; then a
// criterion weight is moved back and forth and one option's points are moved back and forth
// (every lead is re-scored and the metrics recomputed), and the hand-off threshold is moved
// (metrics from the histogram only). Times are the playground's own (performance.now() around
// the C++ call, in the page).
// Then arquero (npm, tools/) gets the same leads as columns (each criterion's points before
// clamping, segment, outcome, knock-out and gate flags) and does what a weight move needs:
// clamp, weigh and sum per lead, and the histogram by segment, score and outcome. Its histogram
// is checked against the playground's metrics at every threshold before any time is reported.
// The page is served without a CSP here: arquero compiles its expressions with new Function.
//   node bench/playground_rescore.mjs [LEADS]      (after the wasm-release build)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = await import(join(root, 'tools/node_modules/playwright-core/index.mjs'));
const { createSiteServer } = await import(join(root, 'site/serve.mjs'));

const leads = Number(process.argv[2] || 1000000);
const arqueroVersion = JSON.parse(readFileSync(join(root, 'tools/node_modules/arquero/package.json'), 'utf8')).version;
const server = createSiteServer({ root: join(root, 'build/wasm-release/site'), csp: '' });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(`http://127.0.0.1:${server.address().port}/playground/`);
await page.waitForFunction(() => window.ripenPlayground?.ready === true, null, { timeout: 60000 });
const loaded = await page.evaluate((n) => {
  const start = performance.now();
  window.ripenPlayground.generate(n, 1);
  return { leads: window.ripenPlayground.leads(), ms: performance.now() - start };
}, leads);
console.log(`generated and loaded ${loaded.leads} leads in ${(loaded.ms / 1000).toFixed(1)} s`);

const result = await page.evaluate(() => {
  const p = window.ripenPlayground;
  const weight = [], points = [], threshold = [];
  const before = p.rescoreCount();
  for (let i = 0; i < 11; ++i) {
    p.setWeight('need', i % 2 ? 1 : 2);
    weight.push(p.lastUpdateMs());
  }
  for (let i = 0; i < 11; ++i) {
    p.setPoints('role', 'manager', 'authority', i % 2 ? 1 : 3);
    points.push(p.lastUpdateMs());
  }
  const afterMoves = p.rescoreCount();
  for (let i = 0; i < 11; ++i) {
    p.setThreshold(i % 2 ? 8 : 9);
    threshold.push(p.lastUpdateMs());
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { weight: median(weight), weightMin: Math.min(...weight), points: median(points), pointsMin: Math.min(...points),
           threshold: median(threshold), rescoredByMoves: afterMoves - before, rescoredByThresholds: p.rescoreCount() - afterMoves };
});
console.log(`weight move (re-score ${leads} leads + metrics): median ${result.weight.toFixed(1)} ms, best ${result.weightMin.toFixed(1)} ms`);
console.log(`points move (one option's points): median ${result.points.toFixed(1)} ms, best ${result.pointsMin.toFixed(1)} ms`);
console.log(`(${result.rescoredByMoves} re-scores for 22 weight and points moves)`);
console.log(`threshold move (metrics from the histogram): median ${result.threshold.toFixed(3)} ms (${result.rescoredByThresholds} re-scores)`);

await page.addScriptTag({ path: join(root, 'tools/node_modules/arquero/dist/arquero.min.js') });
const arquero = await page.evaluate(() => {
  const p = window.ripenPlayground;
  const model = JSON.parse(p.exportModel());
  const criteria = model.criteria.map((c) => ({ id: c.id, max: c.max, weight: c.weight ?? 1 }));
  const columns = { segment: p.leadColumn('segment'), outcome: p.leadColumn('outcome'), flags: p.leadColumn('flags') };
  criteria.forEach((c, k) => { columns[`c${k}`] = p.leadColumn(c.id); });
  const table = aq.table(columns);
  // routing_score: -2 knocked out, -1 gate failed, else the weighted sum of clamped points.
  const terms = criteria.map((c, k) => `$.w${k} * op.greatest(0, op.least(d.c${k}, ${c.max}))`).join(' + ');
  const score = `(d, $) => (d.flags & 1) ? -2 : ((d.flags & 2) ? -1 : ${terms})`;
  const histogram = (weights) => {
    const params = {};
    weights.forEach((w, k) => { params[`w${k}`] = w; });
    return table.params(params).derive({ score }).filter((d) => d.outcome >= 0).groupby('segment', 'score', 'outcome').count();
  };
  const need = criteria.findIndex((c) => c.id === 'need');
  const times = [];
  let last;
  for (let i = 0; i < 11; ++i) {
    const weights = criteria.map((c) => c.weight);
    weights[need] = i % 2 ? 1 : 2;
    const start = performance.now();
    last = histogram(weights);
    times.push(performance.now() - start);
  }
  // The same weights as the playground now has (its last weight move set need to 2): the
  // hand-offs and converted hand-offs at every threshold must agree.
  p.setWeight('need', 2);
  // The sweep moves the model's threshold; segments with their own handoff_at keep theirs.
  const sweep = p.metrics().thresholds;
  const own = (model.segments || []).map((s) => s.handoff_at ?? null);
  const rows = last.objects();
  let mismatches = 0;
  for (const at of sweep) {
    let handoff = 0, converted = 0;
    for (const r of rows) {
      const threshold = own[r.segment] ?? at.threshold;
      if (r.score >= 0 && r.score >= threshold) { handoff += r.count; converted += r.outcome ? r.count : 0; }
    }
    if (handoff !== at.handoff || converted !== at.handoff_converted) ++mismatches;
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { median: median(times), best: Math.min(...times), thresholds: sweep.length, mismatches, groups: rows.length,
           playgroundWeight: p.lastUpdateMs() };
});
if (arquero.mismatches !== 0) {
  console.error(`arquero and the playground disagree at ${arquero.mismatches} of ${arquero.thresholds} thresholds`);
  process.exitCode = 1;
} else {
  console.log(`arquero ${arqueroVersion}: weigh, sum and histogram of ${leads} leads: median ${arquero.median.toFixed(1)} ms, best ${arquero.best.toFixed(1)} ms ` +
              `(${arquero.groups} groups; agrees with the playground at all ${arquero.thresholds} thresholds)`);
  console.log(`same page, same leads: the playground's weight move is ${(arquero.median / result.weight).toFixed(1)}x faster than arquero's`);
}
await browser.close();
server.close();
