// The JavaScript API of Ripen: load the WebAssembly core once, then work with models, decisions,
// explanations and next questions as plain objects. Nothing here needs a manual delete(); a
// failure is a RipenError carrying the core's error code and the place it refers to.

const isNode = typeof process === 'object' && process !== null && !!(process.versions && process.versions.node);
const nodeUrl = isNode ? await import('node:url') : null;

/** An error reported by the Ripen core: a stable code, a message, and where it happened. */
export class RipenError extends Error {
  constructor(issues) {
    const list = Array.isArray(issues) && issues.length > 0 ? issues : [{ code: 'api.unknown', message: 'unknown error', path: '' }];
    const first = list[0];
    const where = first.path ? `${first.path}: ` : '';
    const more = list.length > 1 ? ` (and ${list.length - 1} more)` : '';
    super(`${where}${first.message}${more}`);
    this.name = 'RipenError';
    /** Stable error code, e.g. "answer.unknown_option". */
    this.code = first.code;
    /** JSON path of the offending value, e.g. "$.answers.goal" or "$.criteria[1].max". */
    this.path = first.path || '';
    /** 1-based line and column in the JSON text, when known (0 otherwise). */
    this.line = first.line || 0;
    this.column = first.column || 0;
    /** Every problem found, not only the first. */
    this.issues = list.map((i) => ({ ...i }));
  }
}

// Every binding answers {"ok": value} or {"issues": [...]}.
function unwrap(reply) {
  const parsed = JSON.parse(reply);
  if (parsed.issues) throw new RipenError(parsed.issues);
  return parsed.ok;
}

function toJson(value, what) {
  if (value === undefined || value === null) return '{}';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new RipenError([{ code: 'api.type', message: `${what} must be an object of question ids to answers`, path: '$' }]);
  }
  return JSON.stringify(value);
}

// The folder the WebAssembly modules are read from: an explicit option, RIPEN_WASM_DIR in
// Node, or the folder of this file.
function moduleBase(options) {
  let dir = options.wasmDir;
  if (!dir && isNode && process.env.RIPEN_WASM_DIR) dir = process.env.RIPEN_WASM_DIR;
  if (!dir) return new URL('./', import.meta.url);
  if (!dir.endsWith('/')) dir += '/';
  if (/^[a-z]+:/i.test(dir)) return new URL(dir);
  if (isNode) return nodeUrl.pathToFileURL(dir.startsWith('/') ? dir : `${process.cwd()}/${dir}`);
  return new URL(dir, globalThis.location ? globalThis.location.href : import.meta.url);
}

// Models are released when their JavaScript object is garbage-collected (or by release()).
const released = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry(({ wasm, handle }) => wasm.release(handle))
  : null;

// What the core's ask() binding computes (wasm/api.cpp).
const ASK_DECIDE = 0;
const ASK_EXPLAIN = 1;
const ASK_NEXT = 2;

/** A loaded WebAssembly core. */
export class Ripen {
  /**
   * Loads the core. Options: wasmUrl (the .wasm file), wasmDir (folder of both files),
   * wasmBinary (bytes, e.g. read from disk), variant ('form', the default, or 'tools').
   */
  static async load(options = {}) {
    const variant = options.variant || 'form';
    if (variant !== 'form' && variant !== 'tools') {
      throw new RipenError([{ code: 'api.variant', message: `unknown variant "${variant}" (expected form or tools)`, path: '' }]);
    }
    const base = moduleBase(options);
    const glue = new URL(`ripen-${variant}.mjs`, base);
    const wasmUrl = options.wasmUrl ? new URL(options.wasmUrl, base) : new URL(`ripen-${variant}.wasm`, base);
    const { default: factory } = await import(glue.href);
    const moduleOptions = { locateFile: () => wasmUrl.href };
    if (options.wasmBinary) {
      moduleOptions.wasmBinary = options.wasmBinary;
    } else if (isNode) {
      // This Emscripten targets the web; in Node the bytes are handed over directly.
      const { readFile } = await import('node:fs/promises');
      moduleOptions.wasmBinary = await readFile(wasmUrl);
    }
    return new Ripen(await factory(moduleOptions), variant);
  }

  constructor(wasm, variant) {
    this.wasm = wasm;
    this.variant = variant;
  }

  /** The core's version, e.g. "0.1.0". */
  get version() {
    return this.wasm.version();
  }

  /** Loads and validates a model (JSON text or object); throws RipenError listing every problem. */
  model(source) {
    return new RipenModel(this, source);
  }
}

/** A validated lead-definition model inside the core. */
export class RipenModel {
  #wasm;
  #handle;
  #document;

  constructor(ripen, source) {
    const text = typeof source === 'string' ? source : JSON.stringify(source);
    if (typeof text !== 'string') {
      throw new RipenError([{ code: 'api.type', message: 'a model must be JSON text or an object', path: '$' }]);
    }
    const loaded = unwrap(ripen.wasm.load(text));
    this.#wasm = ripen.wasm;
    this.#handle = loaded.handle;
    this.#document = JSON.parse(text);
    /** Warnings found while loading (missing translations, ...). */
    this.warnings = loaded.warnings;
    if (released) released.register(this, { wasm: ripen.wasm, handle: loaded.handle }, this);
  }

  /** The model document, as parsed from its JSON. */
  get document() {
    return this.#document;
  }

  /** A loaded model is valid; this reports its warnings. */
  validate() {
    return { valid: true, warnings: this.warnings.map((w) => ({ ...w })) };
  }

  /** The decision for a lead: route, totals, interval, breakdown, rules, plan, flip, next questions. */
  decide(answers = {}, context = {}, { language = '' } = {}) {
    return this.#ask(ASK_DECIDE, answers, context, language, 0);
  }

  /** The decision in words, for people. */
  explain(answers = {}, context = {}, { language = '' } = {}) {
    return this.#ask(ASK_EXPLAIN, answers, context, language, 0);
  }

  /** The questions most likely to settle the route (their definitions from the model), best first. */
  nextQuestions(answers = {}, context = {}, { max = this.#document.progressive?.questions_per_step ?? 3 } = {}) {
    const ids = this.#ask(ASK_NEXT, answers, context, '', max);
    return ids.map((id) => this.#document.questions.find((q) => q.id === id));
  }

  /** Frees the model in the core now rather than when it is garbage-collected. */
  release() {
    if (this.#handle === 0) return;
    if (released) released.unregister(this);
    this.#wasm.release(this.#handle);
    this.#handle = 0;
  }

  /** The core's handle, for the tools in bin/ (batch scoring). */
  get handle() {
    return this.#handle;
  }

  // One binding in the core answers all three requests (wasm/api.cpp).
  #ask(what, answers, context, language, max) {
    if (this.#handle === 0) throw new RipenError([{ code: 'api.released', message: 'the model was released', path: '' }]);
    return unwrap(this.#wasm.ask(this.#handle, what, toJson(answers, 'answers'), toJson(context, 'context'), language, max));
  }
}

export default Ripen;
