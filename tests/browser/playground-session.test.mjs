// A marketer's whole session in the playground, as a new user would go through it on a real
// export (the UCI bank marketing data, ../shared/data/bank-marketing.csv, skipped where it is
// absent): load it on the default model through the toolbar, read the warning that nothing maps,
// switch to the bank model, fix a column in the mapping step, tune, fit, export; `ripen report`
// on the exported model and mapping gives the playground's numbers. Then the work survives a
// reload, a slider drag is one undo step, the keyboard reaches everything, and the canvas fills
// every window crisply (screenshots at 1280x720, 1920x1080, 390x844 and at device pixel ratio 2).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, launchWithWebGL, openPage, root, startServer } from './support.mjs';

const ripen = process.env.RIPEN_NATIVE || join(root, 'build/native-release/native/ripen');
const bankCsv = [process.env.RIPEN_BANK_CSV, join(root, '../shared/data/bank-marketing.csv'), '/work/shared/data/bank-marketing.csv']
  .find((p) => p && existsSync(p));
const skip = bankCsv ? false : 'bank-marketing.csv not found (set RIPEN_BANK_CSV)';
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

async function open(viewport, context = {}) {
  const page = await openPage(browser, null, { viewport, context: { acceptDownloads: true, ...context } });
  await page.goto(`${server.url}/playground/`);
  await page.waitForFunction(() => window.ripenPlayground?.ready === true, null, { timeout: 60000 });
  return page;
}

const hook = (page, fn, ...args) => page.evaluate(([body, values]) => window.ripenPlayground[body](...values), [fn, args]);

// Loads a CSV the way a marketer does: the toolbar button, then the file chooser.
async function loadLeads(page, path) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#load-leads')]);
  await chooser.setFiles(path);
  await page.waitForFunction(() => window.ripenPlayground.leads() > 0 && !document.getElementById('status').textContent.startsWith('Reading'), null,
    { timeout: 60000 });
}

async function downloadText(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  const dir = mkdtempSync(join(tmpdir(), 'ripen-session-'));
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  return { path, name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

function report(model, mapping) {
  const out = execFileSync(ripen, ['report', '--model', model, '--data', bankCsv, '--map', mapping, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const json = JSON.parse(out);
  for (const key of ['model', 'import', 'brier', 'answers', 'rules']) delete json[key];
  return json;
}

// The canvas's pixels as the screenshot has them: how many distinct colours (a blank canvas has
// a handful) and whether its backing store matches its CSS box times the pixel ratio.
async function canvasState(page) {
  return page.evaluate(() => {
    const c = document.getElementById('canvas');
    const box = c.getBoundingClientRect();
    return { width: c.width, height: c.height, cssWidth: box.width, cssHeight: box.height, dpr: window.devicePixelRatio };
  });
}

async function distinctColours(page, path) {
  const shot = await page.screenshot({ path });
  return page.evaluate(async (b64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${b64}`;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    // The bottom-right corner: a blank strip would be the page's background there.
    const corner = context.getImageData(image.width - 3, image.height - 3, 1, 1).data;
    return { distinct: seen.size, corner: [corner[0], corner[1], corner[2]] };
  }, shot.toString('base64'));
}

test('a marketer tunes the bank export alone, and ripen report agrees with what the playground shows', { skip, timeout: 240000 }, async () => {
  const page = await open({ width: 1280, height: 720 });
  // The first screen: "Load your leads" is the first thing on it, without opening anything.
  const first = await page.locator('#toolbar button').first();
  assert.equal(await first.textContent(), 'Load your leads (CSV)');
  assert.ok(await first.isVisible());
  assert.match(await hook(page, 'summary'), /^No leads yet: load your leads \(CSV\) or try sample leads/);
  await page.screenshot({ path: join(artifacts, 'playground-start-1280.png') });

  // The default model knows nothing of a bank's columns: said in words, with the fix; the
  // warning's arrival does not move the canvas under the marketer's cursor.
  const canvasTop = (await page.locator('#canvas').boundingBox()).y;
  await loadLeads(page, bankCsv);
  assert.equal(await hook(page, 'leads'), 45211);
  const warnings = await hook(page, 'warnings');
  assert.equal(warnings[0].code, 'nothing_maps');
  assert.equal(warnings[0].text, 'No column of bank-marketing.csv matches a question of this model, so every lead gets the same score.');
  assert.ok(warnings.some((w) => w.code === 'one_bucket'));
  await page.waitForFunction(() => window.ripenPlayground.summary().includes('Warning: No column of bank-marketing.csv matches a question'));
  assert.match(await hook(page, 'summary'), /pick a model made for this data/);
  assert.equal((await page.locator('#canvas').boundingBox()).y, canvasTop);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'playground-nothing-maps-1280.png') });

  // The fix: the bank example from the model menu. The file is read again through it.
  await page.selectOption('#model-choice', 'models/bank.json');
  await page.waitForFunction(() => window.ripenPlayground.exportModel().includes('"bank'));
  assert.equal(await hook(page, 'leads'), 45211);
  assert.deepEqual(await hook(page, 'warnings'), []);
  await page.waitForFunction(() => !window.ripenPlayground.summary().includes('Warning'));
  const mapped = JSON.parse(await hook(page, 'mapping'));
  assert.deepEqual(mapped.columns.y, { outcome: ['yes'] });
  assert.equal(mapped.columns.job.question, 'job');

  // The mapping step, through the calls its dropdowns make: duration is known only after the
  // call (it would leak the outcome), so it stays ignored; an "unknown" education is left
  // unanswered instead of counting as an answer (null in the mapping file).
  assert.equal(await hook(page, 'setColumn', 'duration', 'ignore', ''), '');
  assert.equal(await hook(page, 'setValue', 'education', 'unknown', ''), '');
  assert.equal(JSON.parse(await hook(page, 'mapping')).columns.education.values.unknown, null);
  assert.match(await hook(page, 'setColumn', 'salary', 'ignore', ''), /the data has no column "salary"/);

  // Tune: a weight and the threshold; then fit the points and apply them as one step.
  const criteria = JSON.parse(await hook(page, 'exportModel')).criteria.map((c) => c.id);
  assert.equal(await hook(page, 'setWeight', criteria[1], 2), true);
  const before = await hook(page, 'metrics');
  const fit = await hook(page, 'fit');
  assert.ok(fit.auc_holdout > 0.7, `holdout AUC ${fit.auc_holdout}`);
  assert.equal(await hook(page, 'applyFit'), true);
  assert.notDeepEqual(await hook(page, 'metrics'), before);
  await hook(page, 'setThreshold', JSON.parse(await hook(page, 'exportModel')).thresholds.handoff + 1);
  assert.match(await hook(page, 'changes'), /now counts 2 times instead of 1 \(its weight\)\./);
  assert.match(await hook(page, 'changes'), /Leads go to sales from a total of \d+ instead of \d+\./);

  // Export through the toolbar; the CLI reads both files as they are.
  const model = await downloadText(page, '#export-model');
  const mapping = await downloadText(page, '#export-mapping');
  const exported = JSON.parse(model.text);
  assert.equal(model.name, `${exported.id}-1.1.0.json`);
  assert.equal(exported.version, '1.1.0');
  assert.equal(exported.provenance.data, 'bank-marketing.csv');
  assert.equal(exported.provenance.rows, 45211);
  assert.match(exported.provenance.date, /^\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual(JSON.parse(mapping.text).columns.duration, { ignore: true });
  const shown = await hook(page, 'metrics');
  assert.deepEqual(shown, report(model.path, mapping.path));
  // The loaded model's numbers stay beside the tuned ones.
  assert.deepEqual(await hook(page, 'loadedMetrics'), report(join(root, 'examples/bank/model.json'), mapping.path));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'playground-tuned-1280.png') });

  // A reload keeps the tuned model and the mapping (never the leads); the same file comes back
  // through the marketer's mapping, to the same numbers.
  await hook(page, 'save');
  await page.reload();
  await page.waitForFunction(() => window.ripenPlayground?.ready === true, null, { timeout: 60000 });
  assert.match(await page.textContent('#status'), /^Restored your model and mapping from /);
  assert.equal(await hook(page, 'leads'), 0);
  assert.equal(JSON.parse(await hook(page, 'exportModel')).version, '1.1.0');
  await loadLeads(page, bankCsv);
  assert.deepEqual(JSON.parse(await hook(page, 'mapping')).columns.duration, { ignore: true });
  assert.deepEqual(await hook(page, 'metrics'), shown);
  // Start over forgets it.
  await page.click('#start-over');
  await page.waitForFunction(() => window.ripenPlayground?.ready === true && !window.ripenPlayground.exportModel().includes('"provenance"'), null,
    { timeout: 60000 });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a slider drag is one undo step, and Undo is a DOM button that says when there is nothing to undo', async () => {
  const page = await open({ width: 1280, height: 720 });
  await page.click('#sample-leads');
  await page.waitForFunction(() => window.ripenPlayground.leads() === 20000);
  assert.equal(await page.isDisabled('#undo'), true);
  await page.waitForFunction(() => window.ripenPlayground.itemRect('handoff') !== null);
  const [x0, y0, x1, y1] = await hook(page, 'itemRect', 'handoff');
  const box = await page.locator('#canvas').boundingBox();
  const start = await hook(page, 'threshold');
  // Press on the slider's left part and drag to its right end in several moves.
  const y = box.y + (y0 + y1) / 2;
  await page.mouse.move(box.x + x0 + 4, y);
  await page.mouse.down();
  for (let k = 1; k <= 8; ++k) {
    await page.mouse.move(box.x + x0 + 4 + ((x1 - x0 - 8) * k) / 8, y);
    await page.waitForTimeout(40);
  }
  await page.mouse.up();
  await page.waitForTimeout(100);
  const end = await hook(page, 'threshold');
  assert.notEqual(end, start);
  await page.waitForFunction(() => !document.getElementById('undo').disabled);
  await page.click('#undo');
  assert.equal(await hook(page, 'threshold'), start, 'one Undo takes back the whole drag');
  assert.equal(await hook(page, 'canUndo'), false);
  await page.click('#redo');
  assert.equal(await hook(page, 'threshold'), end);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the keyboard: Tab walks the toolbar, the arrow keys and Space drive the canvas, F6 leaves it', async () => {
  const page = await open({ width: 1280, height: 720 });
  await page.focus('#load-leads');
  const order = [];
  for (let i = 0; i < 4; ++i) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id));
  }
  assert.deepEqual(order, ['sample-leads', 'model-choice', 'load-model', 'export-model']);
  // In the canvas, keys go to ImGui's keyboard navigation: on the start view, the arrow keys
  // move from "Load your leads" to "Try with sample leads" and Space uses it. Keys are held as a
  // person holds them (ImGui reads key state once per frame).
  await page.focus('#canvas');
  const key = async (name) => {
    await page.keyboard.press(name, { delay: 60 });
    await page.waitForTimeout(60);
  };
  await key('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'canvas', 'Tab stays with the canvas');
  await key('ArrowDown');
  await key('ArrowRight');
  await key('Space');
  await page.waitForFunction(() => window.ripenPlayground.leads() === 20000);
  // The main view starts the keyboard at its first control, the hand-off threshold: Enter on
  // it, type the number, Enter; one undo step.
  await key('Enter');
  await page.keyboard.type('5', { delay: 60 });
  await key('Enter');
  assert.equal(await hook(page, 'threshold'), 5);
  assert.equal(await hook(page, 'undo'), true);
  assert.equal(await hook(page, 'changes'), '');
  assert.equal(await hook(page, 'canUndo'), false, 'typing a number is one step');
  // F6 comes back to the toolbar.
  await key('F6');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'load-leads');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the canvas fills every window, follows resizes, and renders at the device pixel ratio', { timeout: 180000 }, async () => {
  const sizes = [[1280, 720, 1], [1920, 1080, 1], [390, 844, 1], [1280, 720, 2], [390, 844, 2]];
  for (const [width, height, dpr] of sizes) {
    const page = await open({ width, height }, { deviceScaleFactor: dpr });
    await page.click('#sample-leads');
    await page.waitForFunction(() => window.ripenPlayground.leads() === 20000);
    await page.waitForTimeout(600);
    const state = await canvasState(page);
    assert.equal(state.dpr, dpr);
    assert.equal(state.width, Math.round(state.cssWidth * dpr), `backing store ${state.width} for ${state.cssWidth} CSS px at ${dpr}x`);
    assert.ok(Math.abs(state.height - state.cssHeight * dpr) <= 1, `backing store height ${state.height} for ${state.cssHeight} CSS px at ${dpr}x`);
    assert.equal(state.cssWidth, width, 'the canvas spans the window');
    const look = await distinctColours(page, join(artifacts, `playground-${width}x${height}${dpr > 1 ? `@${dpr}x` : ''}.png`));
    assert.ok(look.distinct > 100, `only ${look.distinct} colours at ${width}x${height}`);
    // The window's background (#eff1f4) is fine; the canvas clear colour too; black would be an unpainted strip.
    assert.notDeepEqual(look.corner, [0, 0, 0]);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
  // A resize: the backing store follows the new size (2560x1440 down to 1024x640).
  const page = await open({ width: 2560, height: 1440 });
  await page.click('#sample-leads');
  for (const [width, height] of [[2560, 1440], [1024, 640], [1440, 900]]) {
    await page.setViewportSize({ width, height });
    await page.waitForFunction(([w]) => document.getElementById('canvas').width === w, [width]);
    const state = await canvasState(page);
    assert.equal(state.width, width);
    assert.ok(Math.abs(state.height - state.cssHeight) <= 1);
  }
  await page.screenshot({ path: join(artifacts, 'playground-1440x900.png') });
  await page.context().close();
});
