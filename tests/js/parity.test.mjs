// Native and WebAssembly builds give identical results: 12,000 generated leads scored by the
// native ripen and by the Node entry on WebAssembly, byte for byte, with and without --complete;
// and the seeded lead generator itself produces the same leads in both builds.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadRipen, nativeRipen, nodeRipen, root, run } from './support.mjs';

const work = mkdtempSync(join(tmpdir(), 'ripen-parity-'));
after(() => rmSync(work, { recursive: true, force: true }));
const model = join(root, 'models/default.json');
const count = 12000;

const sample = run(nativeRipen, ['sample', '--model', model, '--count', String(count), '--seed', '77']);
assert.equal(sample.code, 0, sample.stderr);
const leads = join(work, 'leads.csv');
writeFileSync(leads, sample.stdout, 'latin1');

test('the lead generator gives the same leads in both builds', async () => {
  const ripen = await loadRipen('tools');
  const m = ripen.model(readFileSync(model, 'utf8'));
  assert.equal(ripen.wasm.sampleCsv(m.handle, count, 77), sample.stdout);
});

for (const extra of [[], ['--complete']]) {
  test(`ripen score ${extra.join(' ')} on ${count} leads: native and WebAssembly agree`, () => {
    const native = run(nativeRipen, ['score', '--model', model, ...extra, leads]);
    const wasm = run(process.execPath, [nodeRipen, 'score', '--model', model, ...extra, leads]);
    assert.equal(native.code, 0, native.stderr);
    assert.equal(wasm.code, native.code);
    assert.equal(wasm.stderr, native.stderr);
    const nativeRows = native.stdout.split('\n');
    const wasmRows = wasm.stdout.split('\n');
    assert.equal(nativeRows.length, count + 2);  // header, leads, final newline
    let differences = 0;
    for (let i = 0; i < nativeRows.length; ++i) if (nativeRows[i] !== wasmRows[i]) ++differences;
    assert.equal(differences, 0, `${differences} rows differ`);
    assert.equal(wasm.stdout, native.stdout);
  });
}

// The form module reads numbers through its own strtod (wasm/form_strtod.cpp), which only tells
// whether a number overflows a double: it must refuse and accept exactly what the native build
// does, with the same message at the same place.
test('the form module and the native build agree on numbers at the edge of a double', async () => {
  const ripen = await loadRipen('form');
  const m = ripen.model(readFileSync(model, 'utf8'));
  const lexemes = ['1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308', '1e308', '1e309', '-1e309',
    '0.1e310', '1e-400', '250', '12.5', '2.5e2', `${'9'.repeat(309)}`, `${'9'.repeat(308)}.5`];
  for (const lexeme of lexemes) {
    const answers = `{"employees": ${lexeme}}`;
    const native = run(nativeRipen, ['explain', '--model', model, '--answers', answers, '--format', 'json']);
    let wasm;
    try {
      wasm = { ok: m.decide(answers) };
    } catch (e) {
      // The form reports paths under $.answers (a syntax error at $.answers itself); the CLI's
      // --answers text is the answers object.
      const path = e.path === '$.answers' ? '' : e.path.replace(/^\$\.answers/, '$');
      wasm = { error: `--answers:${e.line}:${e.column}: ${path ? `${path}: ` : ''}${e.issues[0].message} [${e.code}]` };
    }
    if (native.code === 0) {
      assert.ok(wasm.ok, `${lexeme}: native accepts, the form module says ${wasm.error}`);
      assert.equal(wasm.ok.total, JSON.parse(native.stdout).total, lexeme);
    } else {
      assert.equal(wasm.error, native.stderr.trim().replace(/^--answers: /, '--answers:0:0: '), lexeme);
    }
  }
});
