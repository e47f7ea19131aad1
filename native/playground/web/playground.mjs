// Starts the ImGui playground (playground.js + .wasm) on the canvas and wires the browser in:
// file picker and drag-and-drop (files are read here, in pieces, and never leave the page), the
// model download, and window.ripenPlayground, the hooks the browser tests and benchmarks use.
import createPlayground from './playground-module.mjs';

const canvas = document.getElementById('canvas');
const status = document.getElementById('status');
const drop = document.getElementById('drop');
const picker = document.getElementById('file');
const CHUNK = 4 << 20;
let pickerKind = 'data';

const module = await createPlayground({
  canvas,
  // Module.ripenOpenFile and ripenDownload are called by the ImGui side (app.cpp) too.
  ripenOpenFile(kind) {
    pickerKind = kind;
    picker.accept = kind === 'model' ? '.json,application/json' : '.csv,text/csv';
    picker.click();
  },
  ripenDownload(name, text) {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
});

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

// Reads a CSV in pieces; between pieces the playground draws a frame (the progress bar moves).
async function importCsv(name, blob, mapping = '') {
  module.beginImport(name, blob.size, mapping);
  for (let at = 0; at < blob.size; at += CHUNK) {
    // Pieces end at a byte boundary; the CSV reader carries partial records over.
    const bytes = new Uint8Array(await blob.slice(at, at + CHUNK).arrayBuffer());
    if (!module.feed(decoder.decode(bytes, { stream: at + CHUNK < blob.size }))) break;
    status.textContent = `importing ${name}: ${Math.round((100 * Math.min(at + CHUNK, blob.size)) / blob.size)} %`;
    await nextFrame();
  }
  const ok = module.finishImport();
  status.textContent = ok ? '' : module.lastError();
  return ok;
}
const decoder = new TextDecoder();

async function openFile(file, kind) {
  if (kind === 'model' || /\.json$/i.test(file.name)) {
    const errors = module.loadModel(await file.text(), file.name);
    status.textContent = errors ? `${file.name}: ${errors}` : '';
  } else {
    await importCsv(file.name, file);
  }
}

picker.addEventListener('change', async () => {
  if (picker.files[0]) await openFile(picker.files[0], pickerKind);
  picker.value = '';
});
window.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.hidden = false;
});
window.addEventListener('dragleave', () => (drop.hidden = true));
window.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.hidden = true;
  for (const file of e.dataTransfer.files) await openFile(file);
});

// The toolbar: the main actions as DOM buttons (keyboard and screen readers reach them), and the
// key numbers in words, updated when they change.
const download = (name, text) => module.ripenDownload(name, text);
const on = (id, action) => document.getElementById(id).addEventListener('click', action);
on('load-leads', () => module.ripenOpenFile('data'));
on('load-model', () => module.ripenOpenFile('model'));
on('sample-leads', () => module.generate(20000, 1));
on('export-model', () => download('model.json', module.exportModel()));
on('export-mapping', () => download('mapping.json', module.mapping()));
// The site's models: the default B2B one and the bank example (whose columns the shared bank
// export matches); picking one loads it as a file would be.
document.getElementById('model-choice').addEventListener('change', async (event) => {
  const url = event.target.value;
  const response = await fetch(url);
  if (!response.ok) {
    status.textContent = `${url}: HTTP ${response.status}`;
    return;
  }
  const name = url.split('/').pop();
  const errors = module.loadModel(await response.text(), name);
  status.textContent = errors ? `${name}: ${errors}` : '';
});
on('undo', () => module.undo());
on('redo', () => module.redo());

const summary = document.getElementById('summary');
const number = new Intl.NumberFormat('en');
const percent = (x) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
let shown = '';
function describe() {
  const m = JSON.parse(module.metrics());
  const o = m.overall;
  const parts = [`${number.format(o.leads)} leads, ${number.format(o.converted)} converted`,
    `hand-offs ${number.format(o.handoff)} (${percent(o.handoff_share)})`, `precision ${percent(o.precision)}`,
    `recall ${percent(o.recall)}`, `AUC ${Number(m.auc).toFixed(3)}`];
  const warnings = [];
  if (o.leads > 0 && o.converted === 0) warnings.push('no lead has an outcome: the data needs a column saying which leads converted');
  else if (o.leads > 0 && Number(m.auc) === 0.5) warnings.push('the scores do not tell converting leads apart: check that the columns map to the questions (Export mapping shows how they map)');
  if (o.leads > 0 && o.handoff === 0) warnings.push('no lead is handed off at this threshold');
  return { text: parts.join(' · '), warnings };
}
function updateSummary() {
  if (!module.leads()) return;
  const { text, warnings } = describe();
  const key = text + warnings.join();
  if (key === shown) return;
  shown = key;
  summary.replaceChildren(text, ...warnings.map((w) => Object.assign(document.createElement('span'), { className: 'warning', textContent: ` · Warning: ${w}` })));
}
setInterval(updateSummary, 400);

status.textContent = '';
updateSummary();
canvas.focus();

// Test and benchmark hooks: the same numbers the UI shows, as plain values.
window.ripenPlayground = {
  loadModel: (text, name = 'model.json') => module.loadModel(text, name),
  generate: (count, seed = 1) => module.generate(count, seed),
  importCsv: (text, mapping = '', name = 'leads.csv') => importCsv(name, new Blob([text]), mapping),
  setWeight: (criterion, weight) => module.setWeight(criterion, weight),
  setPoints: (question, option, criterion, points) => module.setPoints(question, option, criterion, points),
  setThreshold: (t) => module.setThreshold(t),
  setRuleLevel: (rule, level) => module.setRuleLevel(rule, level),
  undo: () => module.undo(),
  redo: () => module.redo(),
  metrics: () => JSON.parse(module.metrics()),
  rescoreCount: () => module.rescoreCount(),
  lastUpdateMs: () => module.lastUpdateMs(),
  leads: () => module.leads(),
  exportModel: () => module.exportModel(),
  diff: () => module.diff(),
  lastError: () => module.lastError(),
  mapping: () => module.mapping(),
  // A copy: the view is into WebAssembly memory, which may move when it grows.
  leadColumn: (name) => Int32Array.from(module.leadColumn(name)),
  summary: () => summary.textContent,
  ready: true,
};
