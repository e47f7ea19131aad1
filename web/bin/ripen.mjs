#!/usr/bin/env node
// The ripen command line on WebAssembly: `validate` and `score` as the native ripen runs them,
// byte for byte (tests/js/cli.test.mjs runs the native CLI's cases against it). Set
// RIPEN_WASM_DIR to use modules from a build folder.
import { closeSync, openSync, readSync, readFileSync, writeSync } from 'node:fs';
import { Ripen } from '../ripen.mjs';

const EXIT_OK = 0;
const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

const out = (text) => writeAll(1, Buffer.from(text, 'utf8'));
const err = (text) => writeAll(2, Buffer.from(text, 'utf8'));

function writeAll(fd, bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

// The C library's words for the errors a file open or read can give.
function reason(error) {
  const words = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', ENOTDIR: 'Not a directory', ELOOP: 'Too many levels of symbolic links' };
  if (error.code === 'EISDIR') return 'read error';
  return words[error.code] || error.message;
}

function readWhole(path) {
  return path === '-' ? readStdin() : readFileSync(path);
}

function readStdin() {
  const chunks = [];
  const buffer = Buffer.alloc(1 << 16);
  for (;;) {
    let n;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

// The same rules as the native parser: --name value, --name=value, flags, --help anywhere.
function parseArgs(argv, withValue, flags) {
  const args = { positional: [], values: new Map(), flags: new Set(), help: false };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      args.help = true;
      continue;
    }
    if (a.length > 2 && a.startsWith('--')) {
      let name = a.slice(2);
      let value = null;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      if (flags.includes(name) && value === null) {
        args.flags.add(name);
        continue;
      }
      if (!withValue.includes(name)) return { error: `unknown option --${name}` };
      if (value === null) {
        if (i + 1 >= argv.length) return { error: `option --${name} needs a value` };
        value = argv[++i];
      }
      args.values.set(name, value);
      continue;
    }
    args.positional.push(a);
  }
  return args;
}

// Copies bytes into the module's memory and hands them to fn(address, length).
function withBytes(wasm, bytes, fn) {
  const address = wasm._malloc(Math.max(1, bytes.length));
  try {
    wasm.HEAPU8.set(bytes, address);
    return fn(address, bytes.length);
  } finally {
    wasm._free(address);
  }
}

function usageError(wasm, command, message) {
  err(wasm.cliUsageError(command, message));
  return EXIT_USAGE;
}

function validate(wasm, argv) {
  const args = parseArgs(argv, [], []);
  if (args.error) return usageError(wasm, 'validate', args.error);
  if (args.help) {
    out(wasm.cliHelp('validate'));
    return EXIT_OK;
  }
  if (args.positional.length !== 1) return usageError(wasm, 'validate', 'expected one MODEL file');
  const path = args.positional[0];
  let text;
  try {
    text = readWhole(path);
  } catch (e) {
    err(`ripen validate: cannot read "${path}": ${reason(e)}\n`);
    return EXIT_USAGE;
  }
  const report = withBytes(wasm, text, (address, length) => wasm.cliValidate(path, address, length));
  out(report.out);
  return report.code;
}

function score(wasm, argv) {
  const args = parseArgs(argv, ['model', 'format', 'max-errors', 'threads'], ['complete', 'keep-going']);
  if (args.error) return usageError(wasm, 'score', args.error);
  if (args.help) {
    out(wasm.cliHelp('score'));
    return EXIT_OK;
  }
  if (!args.values.has('model')) return usageError(wasm, 'score', 'missing --model MODEL');
  const modelPath = args.values.get('model');
  let modelText;
  try {
    modelText = readWhole(modelPath);
  } catch (e) {
    err(`ripen score: cannot read "${modelPath}": ${reason(e)}\n`);
    return EXIT_USAGE;
  }
  const loaded = withBytes(wasm, modelText, (address, length) => wasm.cliLoadModel('score', modelPath, address, length));
  if (loaded.error !== undefined) {
    err(loaded.error);
    return EXIT_INVALID;
  }
  try {
    return scoreWith(wasm, loaded.handle, args);
  } finally {
    wasm.release(loaded.handle);
  }
}

function scoreWith(wasm, handle, args) {
  const format = args.values.has('format') ? args.values.get('format') : 'csv';
  if (format !== 'csv' && format !== 'ndjson') return usageError(wasm, 'score', `--format must be csv or ndjson, got "${format}"`);
  let maxErrors = 100;
  if (args.values.has('max-errors')) {
    const text = args.values.get('max-errors');
    maxErrors = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
    if (!(maxErrors >= 0)) return usageError(wasm, 'score', '--max-errors must be a number >= 0');
  }
  if (args.values.has('threads')) {
    // Accepted for compatibility; WebAssembly scores on one thread.
    const text = args.values.get('threads');
    const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
    if (!(n >= 1 && n <= 64)) return usageError(wasm, 'score', '--threads must be a number from 1 to 64');
  }
  if (args.positional.length > 1) return usageError(wasm, 'score', 'expected at most one input FILE');
  const path = args.positional.length ? args.positional[0] : '-';
  const shown = path === '-' ? '<stdin>' : path;
  let fd = 0;
  if (path !== '-') {
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      err(`ripen score: cannot read "${path}": ${reason(e)}\n`);
      return EXIT_USAGE;
    }
  }
  const batch = wasm.batchOpen(handle, format, args.flags.has('complete'), shown);
  let reported = 0;
  let printed = 0;
  const take = (result) => {
    if (result.out.length) writeAll(1, Buffer.from(result.out));  // copy: the view is into wasm memory
    for (const line of result.errors) {
      ++reported;
      if (maxErrors === 0 || printed < maxErrors) {
        ++printed;
        err(line);
      }
    }
    return result;
  };
  const buffer = Buffer.alloc(1 << 20);
  const address = wasm._malloc(buffer.length);
  let ok = true;
  let readFailed = false;
  let last;
  try {
    for (;;) {
      let n;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (e) {
        if (e.code === 'EAGAIN') continue;
        if (e.code === 'EOF') break;
        readFailed = true;
        break;
      }
      if (n === 0) break;
      wasm.HEAPU8.set(buffer.subarray(0, n), address);
      last = take(wasm.batchFeed(batch, address, n));
      if (!last.ok) {
        ok = false;
        break;
      }
    }
    if (ok && !readFailed) {
      last = take(wasm.batchFinish(batch));
      ok = last.ok;
    }
  } finally {
    wasm._free(address);
    wasm.batchClose(batch);
    if (fd !== 0) closeSync(fd);
  }
  if (readFailed) {
    err(`ripen score: read error on "${path}"\n`);
    return EXIT_USAGE;
  }
  if (!ok) {
    err(`ripen score: cannot score "${shown}"\n`);
    return EXIT_USAGE;
  }
  err(wasm.cliScoreFooter('score', reported, printed, last.failed, last.rows));
  if (last.failed > 0 && !args.flags.has('keep-going')) return EXIT_INVALID;
  return EXIT_OK;
}

async function main(argv) {
  const ripen = await Ripen.load({ variant: 'tools' });
  const wasm = ripen.wasm;
  if (argv.length < 1) {
    err(wasm.cliHelp(''));
    return EXIT_USAGE;
  }
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    out(wasm.cliHelp(''));
    return EXIT_OK;
  }
  if (command === '--version') {
    out(`ripen ${ripen.version}\n`);
    return EXIT_OK;
  }
  if (command === 'validate') return validate(wasm, rest);
  if (command === 'score') return score(wasm, rest);
  if (['explain', 'decide', 'sample', 'summary'].includes(command)) {
    err(`ripen: command "${command}" is in the native build only; this one runs validate and score\n`);
    return EXIT_USAGE;
  }
  err(`ripen: unknown command "${command}"\n${wasm.cliHelp('')}`);
  return EXIT_USAGE;
}

process.exitCode = await main(process.argv.slice(2));
