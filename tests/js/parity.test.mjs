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
