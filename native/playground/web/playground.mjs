// Starts the ImGui playground (playground.js + .wasm) on the canvas and wires the browser in:
// the toolbar's buttons, the file picker and drag-and-drop (files are read here, in pieces, and
// never leave the page), downloads, the key numbers and warnings as text, the marketer's model
// and mapping kept in this browser's storage across reloads (never the leads), and
// window.ripenPlayground, the hooks the browser tests and benchmarks use.
import createPlayground from './playground-module.mjs';

const canvas = document.getElementById('canvas');
const status = document.getElementById('status');
const drop = document.getElementById('drop');
const picker = document.getElementById('file');
const summary = document.getElementById('summary');
const modelChoice = document.getElementById('model-choice');
const CHUNK = 4 << 20;
const STORE = 'ripen.playground.v1';
let pickerKind = 'data';

// Keys belong to the control that has focus. Emscripten's GLFW listens on the whole window and
// swallows Tab, which would trap keyboard users: keys reach the playground only while the canvas
// has focus, and F6 leaves it for the toolbar. Registered before the module adds its listeners.
for (const type of ['keydown', 'keypress', 'keyup']) {
  window.addEventListener(type, (event) => {
    if (event.target !== canvas) {
      event.stopImmediatePropagation();
    } else if (type === 'keydown' && event.key === 'F6') {
      event.preventDefault();
      event.stopImmediatePropagation();
      document.getElementById('load-leads').focus();
    }
  }, true);
}

const module = await createPlayground({
  canvas,
  // Called by the ImGui side (ui.cpp) too.
  ripenOpenFile(kind) {
    pickerKind = kind;
    picker.accept = kind === 'data' ? '.csv,text/csv' : '.json,application/json';
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
module.setToday(new Date().toISOString().slice(0, 10));

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
const say = (text) => (status.textContent = text);

// Spreadsheets on Windows still save "CSV" in Windows-1252: a file whose first MiB is not UTF-8
// is read as that, so "Geschäftsleitung" stays itself instead of becoming "Gesch\uFFFDftsleitung".
async function encodingOf(blob) {
  const head = new Uint8Array(await blob.slice(0, Math.min(blob.size, 1 << 20)).arrayBuffer());
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

// Reads a CSV in pieces; between pieces the playground draws a frame (the progress bar moves).
async function importCsv(name, blob, mapping = '') {
  const encoding = await encodingOf(blob);
  const decoder = new TextDecoder(encoding);
  module.beginImport(name, blob.size, mapping);
  for (let at = 0; at < blob.size; at += CHUNK) {
    // Pieces end at a byte boundary; the decoder carries partial characters over.
    const bytes = new Uint8Array(await blob.slice(at, at + CHUNK).arrayBuffer());
    if (!module.feed(decoder.decode(bytes, { stream: at + CHUNK < blob.size }))) break;
    say(`Reading ${name}: ${Math.round((100 * Math.min(at + CHUNK, blob.size)) / blob.size)} %`);
    await nextFrame();
  }
  const ok = module.finishImport();
  const note = encoding === 'utf-8' ? '' : `${name} is not UTF-8: read as Windows-1252.`;
  say(ok ? note : module.lastError());
  updateSummary();
  return ok;
}

// The model as a file would load it; the site's own are named by the menu.
function loadModel(text, name) {
  const errors = module.loadModel(text, name);
  say(errors ? `${name}: ${errors}` : '');
  if (!errors) save();
  updateSummary();
  return errors;
}

function loadMapping(text, name) {
  const errors = module.setMapping(text);
  say(errors ? `${name}: ${errors}` : `Mapping ${name} loaded${module.leads() ? '' : ': the next CSV with its columns uses it'}`);
  if (!errors) save();
  updateSummary();
  return errors;
}

async function openFile(file, kind) {
  if (/\.csv$/i.test(file.name) || kind === 'data') return importCsv(file.name, file);
  const text = await file.text();
  // A dropped .json is a mapping when it has columns and no questions.
  let mapping = kind === 'mapping';
  if (kind !== 'model' && kind !== 'mapping') {
    try {
      const doc = JSON.parse(text);
      mapping = !!doc && typeof doc === 'object' && 'columns' in doc && !('questions' in doc);
    } catch { /* the model loader reports the syntax error with its line and column */ }
  }
  return mapping ? loadMapping(text, file.name) : loadModel(text, file.name);
}

picker.addEventListener('change', async () => {
  if (picker.files[0]) await openFile(picker.files[0], pickerKind);
  picker.value = '';
});
window.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.hidden = false;
});
window.addEventListener('dragleave', (e) => {
  if (!e.relatedTarget) drop.hidden = true;
});
window.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.hidden = true;
  for (const file of e.dataTransfer.files) await openFile(file);
});

// ---- the toolbar ----------------------------------------------------------------------------

const download = (name, text) => module.ripenDownload(name, text);
const on = (id, action) => document.getElementById(id).addEventListener('click', action);
function exportName() {
  try {
    const doc = JSON.parse(module.exportModel());
    return `${doc.id || 'model'}-${doc.version || 'tuned'}.json`.replace(/[^\w.-]+/g, '_');
  } catch {
    return 'model.json';
  }
}
on('load-leads', () => module.ripenOpenFile('data'));
on('load-model', () => module.ripenOpenFile('model'));
on('sample-leads', () => {
  module.generate(20000, 1);
  updateSummary();
});
on('export-model', () => download(exportName(), module.exportModel()));
on('export-mapping', () => download('mapping.json', `${module.mapping()}\n`));
on('undo', () => module.undo() && updateSummary());
on('redo', () => module.redo() && updateSummary());
on('start-over', async () => {
  localStorage.removeItem(STORE);
  location.reload();
});
// The site's models: the default B2B one and the bank example (whose columns the shared bank
// export matches); picking one loads it as a file would be.
modelChoice.addEventListener('change', async (event) => {
  const url = event.target.value;
  if (!url) return;
  const response = await fetch(url);
  if (!response.ok) {
    say(`${url}: HTTP ${response.status}`);
    return;
  }
  loadModel(await response.text(), url.split('/').pop());
});

// ---- the key numbers and warnings in words ----------------------------------------------------

const number = new Intl.NumberFormat('en');
const percent = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);
let shown = '';
function describe() {
  if (!module.leads()) {
    return { text: 'No leads yet: load your leads (CSV) or try sample leads. Your leads never leave this browser.', warnings: [] };
  }
  const m = JSON.parse(module.metrics());
  const o = m.overall;
  // Shares from the counts, rounded once, as the canvas shows them.
  const share = (part, whole) => (whole ? part / whole : null);
  const parts = [`${number.format(o.leads)} leads, ${number.format(o.converted)} converted`,
    `hand-offs ${number.format(o.handoff)} (${percent(share(o.handoff, o.leads))})`, `precision ${percent(share(o.handoff_converted, o.handoff))}`,
    `recall ${percent(share(o.handoff_converted, o.converted))}`, `AUC ${Number(m.auc).toFixed(3)}`];
  return { text: parts.join(' · '), warnings: JSON.parse(module.warnings()) };
}
function updateSummary() {
  const { text, warnings } = describe();
  const error = module.lastError();
  const key = text + JSON.stringify(warnings) + error;
  document.getElementById('undo').disabled = !module.canUndo();
  document.getElementById('redo').disabled = !module.canRedo();
  if (key === shown) return;
  shown = key;
  const line = (className, words) => Object.assign(document.createElement('span'), { className, textContent: words });
  // The warnings in full for screen readers; on screen their fixes are in the canvas's box.
  summary.replaceChildren(text, ...(error ? [line('warning', ` · ${error.split('\n').slice(0, 2).join(' ')}`)] : []),
    ...warnings.flatMap((w) => [line('warning', ` · Warning: ${w.text}`), line('sr-only', ` ${w.fix}`)]));
}

// ---- the marketer's work, kept in this browser ----------------------------------------------------

// The tuned model and the marketer's own mapping; the leads are never stored. Saved when they
// change (the edits come from the canvas as well, so this looks twice a second).
let saved = '';
function save() {
  const state = { model: module.exportModel(), mapping: module.ownMapping() ? module.mapping() : null };
  const text = JSON.stringify(state);
  if (text === saved) return;
  saved = text;
  try {
    localStorage.setItem(STORE, JSON.stringify({ ...state, savedAt: new Date().toISOString() }));
  } catch {
    say('This browser does not keep the work between visits (storage is full or blocked): export the model to keep it.');
  }
}
function restore() {
  let state;
  try {
    state = JSON.parse(localStorage.getItem(STORE) || 'null');
  } catch {
    state = null;
  }
  if (!state?.model) return;
  const errors = module.loadModel(state.model, 'your saved model');
  if (errors) {
    localStorage.removeItem(STORE);
    say(`Your saved model could not be restored, so the default one is loaded: ${errors}`);
    return;
  }
  if (state.mapping) module.setMapping(state.mapping);
  const when = new Date(state.savedAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
  modelChoice.prepend(new Option(`Your saved model (${when})`, '', true, true));
  say(`Restored your model${state.mapping ? ' and mapping' : ''} from ${when}. Load your leads to go on: they are never stored.`);
  saved = JSON.stringify({ model: module.exportModel(), mapping: module.ownMapping() ? module.mapping() : null });
}

restore();
if (status.textContent === 'Loading the playground...') say('');
updateSummary();
setInterval(() => {
  updateSummary();
  save();
}, 500);

// Test and benchmark hooks: the same numbers the UI shows, as plain values.
window.ripenPlayground = {
  loadModel: (text, name = 'model.json') => module.loadModel(text, name),
  generate: (count, seed = 1) => module.generate(count, seed),
  importCsv: (text, mapping = '', name = 'leads.csv') => importCsv(name, new Blob([text]), mapping),
  importBytes: (bytes, name = 'leads.csv') => importCsv(name, new Blob([Uint8Array.from(bytes)])),
  status: () => status.textContent,
  setWeight: (criterion, weight) => module.setWeight(criterion, weight),
  setPoints: (question, option, criterion, points) => module.setPoints(question, option, criterion, points),
  setThreshold: (t) => module.setThreshold(t),
  setRuleLevel: (rule, level) => module.setRuleLevel(rule, level),
  setMapping: (text) => module.setMapping(text),
  setColumn: (column, role, target = '') => module.setColumn(column, role, target),
  setValue: (column, value, option) => module.setValue(column, value, option),
  fit: () => JSON.parse(module.fit()),
  applyFit: () => module.applyFit(),
  undo: () => module.undo(),
  redo: () => module.redo(),
  metrics: () => JSON.parse(module.metrics()),
  loadedMetrics: () => JSON.parse(module.loadedMetrics()),
  warnings: () => JSON.parse(module.warnings()),
  rescoreCount: () => module.rescoreCount(),
  lastUpdateMs: () => module.lastUpdateMs(),
  leads: () => module.leads(),
  exportModel: () => module.exportModel(),
  diff: () => module.diff(),
  changes: () => module.changes(),
  lastError: () => module.lastError(),
  mapping: () => module.mapping(),
  // A copy: the view is into WebAssembly memory, which may move when it grows.
  leadColumn: (name) => Int32Array.from(module.leadColumn(name)),
  summary: () => summary.textContent,
  threshold: () => module.threshold(),
  canUndo: () => module.canUndo(),
  // Where a control was drawn (CSS pixels, relative to the canvas), to drag it with the mouse.
  itemRect: (name) => JSON.parse(module.itemRect(name)),
  save,
  ready: true,
};
