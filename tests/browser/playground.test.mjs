// The scoring playground in Debian's Chromium (WebGL2 through SwiftShader): it loads without
// console errors and draws its panels, and its JavaScript hooks give the same numbers as
// `ripen report` on the same CSV, mapping and (tuned, exported) model.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, launchWithWebGL, openPage, root, startServer } from './support.mjs';

const ripen = process.env.RIPEN_NATIVE || join(root, 'build/native-release/native/ripen');
const csvPath = join(root, 'tests/cli/data/history.csv');
const mapPath = join(root, 'tests/cli/data/history-map.json');
let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchWithWebGL();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function openPlayground() {
  const page = await openPage(browser, `${server.url}/playground/`, { viewport: { width: 1400, height: 900 } });
  await page.waitForFunction(() => window.ripenPlayground?.ready === true, null, { timeout: 60000 });
  return page;
}

function report(modelPath) {
  const out = execFileSync(ripen, ['report', '--model', modelPath, '--data', csvPath, '--map', mapPath, '--format', 'json'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const json = JSON.parse(out);
  // What the playground shows: the metrics, not the per-answer and per-rule reports.
  for (const key of ['model', 'import', 'brier', 'answers', 'rules']) delete json[key];
  return json;
}

test('the playground opens on its start view, and sample leads draw its panels, with no console errors', async () => {
  const page = await openPlayground();
  // No made-up numbers before the marketer chooses data.
  assert.equal(await page.evaluate(() => window.ripenPlayground.leads()), 0);
  await page.waitForFunction(() => window.ripenPlayground.itemRect('start.load') !== null);
  // The start view's own "Load your leads" opens the file chooser; "Try with sample leads" loads them.
  const box = await page.locator('#canvas').boundingBox();
  const [lx0, ly0, lx1, ly1] = await page.evaluate(() => window.ripenPlayground.itemRect('start.load'));
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.mouse.click(box.x + (lx0 + lx1) / 2, box.y + (ly0 + ly1) / 2)]);
  assert.equal(chooser.isMultiple(), false);
  await page.screenshot({ path: join(artifacts, 'playground-start-1400.png') });
  const [sx0, sy0, sx1, sy1] = await page.evaluate(() => window.ripenPlayground.itemRect('start.sample'));
  await page.mouse.click(box.x + (sx0 + sx1) / 2, box.y + (sy0 + sy1) / 2);
  await page.waitForFunction(() => window.ripenPlayground.leads() === 20000);
  await page.waitForTimeout(1500);  // a few frames
  const shot = await page.screenshot({ path: join(artifacts, 'playground-1400.png') });
  // Decode the screenshot in the page: the panels leave many colours, and the histogram's green.
  const colours = await page.evaluate(async (b64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${b64}`;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    const seen = new Set();
    let green = 0;
    for (let i = 0; i < data.length; i += 4) {
      seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (data[i] === 46 && data[i + 1] === 160 && data[i + 2] === 67) ++green;
    }
    return { distinct: seen.size, green };
  }, shot.toString('base64'));
  assert.ok(colours.distinct > 50, `only ${colours.distinct} colours: the canvas looks blank`);
  assert.ok(colours.green > 500, `only ${colours.green} green pixels: no histogram`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the hooks give the numbers of ripen report, before and after tuning', async () => {
  const page = await openPlayground();
  const csv = readFileSync(csvPath, 'utf8');
  const mapping = readFileSync(mapPath, 'utf8');
  assert.equal(await page.evaluate(([text, map]) => window.ripenPlayground.importCsv(text, map, 'history.csv'), [csv, mapping]), true);
  assert.equal(await page.evaluate(() => window.ripenPlayground.leads()), 80);
  assert.deepEqual(await page.evaluate(() => window.ripenPlayground.metrics()), report(join(root, 'models/default.json')));

  // Tune: a weight, a point, a gate's level, the threshold. Then the exported model, through the CLI.
  const counted = await page.evaluate(() => window.ripenPlayground.rescoreCount());
  assert.equal(await page.evaluate(() => window.ripenPlayground.setWeight('need', 2)), true);
  assert.equal(await page.evaluate(() => window.ripenPlayground.setPoints('role', 'manager', 'authority', 3)), true);
  assert.equal(await page.evaluate(() => window.ripenPlayground.setRuleLevel('authority_gate', 3)), true);
  assert.equal(await page.evaluate(() => window.ripenPlayground.setRuleLevel('student', 1)), false, 'a knock-out on an answer has no level');
  assert.equal(await page.evaluate(() => window.ripenPlayground.rescoreCount()), counted + 3);
  await page.evaluate(() => window.ripenPlayground.setThreshold(11));
  assert.equal(await page.evaluate(() => window.ripenPlayground.rescoreCount()), counted + 3, 'a threshold move re-scored');
  const dir = mkdtempSync(join(tmpdir(), 'ripen-playground-'));
  const exported = join(dir, 'tuned.json');
  writeFileSync(exported, await page.evaluate(() => window.ripenPlayground.exportModel()));
  execFileSync(ripen, ['validate', exported]);
  assert.deepEqual(await page.evaluate(() => window.ripenPlayground.metrics()), report(exported));
  const diff = await page.evaluate(() => window.ripenPlayground.diff());
  assert.match(diff, /weight of need: 1 -> 2/);
  assert.match(diff, /hand-off threshold: 8 -> 11/);
  assert.match(diff, /level of rule authority_gate: 2 -> 3/);
  assert.deepEqual(JSON.parse(readFileSync(exported, 'utf8')).rules.find((r) => r.id === 'authority_gate').when,
                   { criterion: 'authority', gte: 3 });

  // Undo all four; the numbers are the loaded model's again.
  for (let i = 0; i < 4; ++i) assert.equal(await page.evaluate(() => window.ripenPlayground.undo()), true);
  assert.deepEqual(await page.evaluate(() => window.ripenPlayground.metrics()), report(join(root, 'models/default.json')));
  assert.equal(await page.evaluate(() => window.ripenPlayground.diff()), '');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a German export saved as Windows-1252 keeps its umlauts, and its labels map to the options', async () => {
  const page = await openPlayground();
  const text = 'role,industry,converted\n"Geschäftsleitung (C-Level, VP)",Öffentlicher Sektor,yes\nFachkraft,Produktion,no\n';
  const latin1 = [...text].map((c) => c.charCodeAt(0));  // every character here is below 256
  assert.equal(await page.evaluate(([bytes]) => window.ripenPlayground.importBytes(bytes, 'crm-export.csv'), [latin1]), true);
  assert.equal(await page.evaluate(() => window.ripenPlayground.status()), 'crm-export.csv is not UTF-8: read as Windows-1252.');
  assert.equal(await page.evaluate(() => window.ripenPlayground.leads()), 2);
  // The German values match the options' German labels: nothing left unmapped as U+FFFD.
  const mapping = JSON.parse(await page.evaluate(() => window.ripenPlayground.mapping()));
  assert.equal(mapping.columns.role.question, 'role');
  assert.equal(await page.evaluate(() => window.ripenPlayground.leadColumn('authority').join()), '2,1');
  assert.deepEqual(await page.evaluate(() => window.ripenPlayground.warnings()).then((w) => w.filter((x) => x.code === 'unmapped_values')), []);
  await page.context().close();
});

test('a broken model file is refused with its errors, and the loaded one stays', async () => {
  const page = await openPlayground();
  await page.evaluate(() => window.ripenPlayground.generate(20000, 1));
  const errors = await page.evaluate(() => window.ripenPlayground.loadModel('{"format": 1,', 'broken.json'));
  assert.match(errors, /^1:14: /);
  assert.match(await page.evaluate(() => window.ripenPlayground.lastError()), /the model "broken.json" is invalid/);
  assert.equal(await page.evaluate(() => window.ripenPlayground.leads()), 20000);
  await page.context().close();
});

test('the toolbar: the main actions are DOM buttons, and the key numbers and warnings are text', async () => {
  const page = await openPlayground();
  const buttons = await page.$$eval('#toolbar button', (els) => els.map((b) => b.textContent));
  assert.deepEqual(buttons, ['Load your leads (CSV)', 'Try with sample leads', 'Load model file', 'Export model', 'Export mapping', 'Undo', 'Redo', 'Start over']);
  await page.click('#sample-leads');
  await page.waitForFunction(() => window.ripenPlayground.summary().includes('20,000 leads'));
  const before = await page.evaluate(() => window.ripenPlayground.metrics());
  assert.match(await page.evaluate(() => window.ripenPlayground.summary()), /^20,000 leads, [\d,]+ converted · hand-offs [\d,]+ \([\d.]+ %\) · precision [\d.]+ % · recall [\d.]+ % · AUC 0\.\d{3}$/);
  // An edit shows in the words a screen reader hears; the Undo button takes it back.
  const words = await page.evaluate(() => window.ripenPlayground.summary());
  await page.evaluate(() => window.ripenPlayground.setThreshold(12));
  await page.waitForFunction((w) => window.ripenPlayground.summary() !== w, words);
  assert.notEqual(await page.evaluate(() => window.ripenPlayground.summary()), words);
  await page.click('#undo');
  assert.deepEqual(await page.evaluate(() => window.ripenPlayground.metrics()), before);
  await page.waitForFunction((w) => window.ripenPlayground.summary() === w, words);
  await page.click('#redo');
  await page.click('#undo');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
  assert.equal(download.suggestedFilename(), 'ripen-demo-b2b-1.0.0.json', 'an untouched model keeps its version');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#load-leads')]);
  assert.equal(chooser.isMultiple(), false);
  // The site's bank example loads from the model menu, as a file would.
  await page.selectOption('#model-choice', 'models/bank.json');
  await page.waitForFunction(() => window.ripenPlayground.exportModel().includes('"bank'));
  assert.equal(await page.evaluate(() => window.ripenPlayground.lastError()), '');
  await page.selectOption('#model-choice', 'models/default.json');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(artifacts, 'playground-toolbar-1280.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
