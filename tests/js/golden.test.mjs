// The shared golden files through the WebAssembly build: every decision and every batch
// scoring output must equal the expected files the native build is checked against.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRipen, root } from './support.mjs';

const golden = join(root, 'tests/golden');
const cases = JSON.parse(readFileSync(join(golden, 'cases.json'), 'utf8'));
const ripen = await loadRipen('tools');
const wasm = ripen.wasm;

for (const c of cases.decide) {
  test(`golden decisions ${c.name}`, () => {
    const model = ripen.model(readFileSync(join(golden, c.model), 'utf8'));
    const requests = readFileSync(join(golden, c.input), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const expected = readFileSync(join(golden, c.expected), 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(requests.length, expected.length);
    requests.forEach((line, i) => {
      const request = JSON.parse(line);
      const decision = model.decide(request.answers, request.context ?? {});
      assert.equal(JSON.stringify(decision), expected[i], `line ${i + 1}`);
    });
  });
}

for (const c of cases.score) {
  test(`golden scoring ${c.name}`, () => {
    const model = ripen.model(readFileSync(join(golden, c.model), 'utf8'));
    const format = c.args.includes('ndjson') ? 'ndjson' : 'csv';
    const batch = wasm.batchOpen(model.handle, format, c.args.includes('--complete'), c.input);
    const input = readFileSync(join(golden, c.input));
    const parts = [];
    // Feed in uneven chunks to exercise records split across calls.
    const address = wasm._malloc(input.length);
    wasm.HEAPU8.set(input, address);
    for (let at = 0, step = 7919; at < input.length; at += step) {
      const n = Math.min(step, input.length - at);
      const r = wasm.batchFeed(batch, address + at, n);
      assert.ok(r.ok);
      assert.deepEqual(r.errors, []);
      parts.push(Buffer.from(r.out));
    }
    wasm._free(address);
    const end = wasm.batchFinish(batch);
    parts.push(Buffer.from(end.out));
    wasm.batchClose(batch);
    assert.equal(end.failed, 0);
    assert.equal(Buffer.concat(parts).toString('utf8'), readFileSync(join(golden, c.expected), 'utf8'));
  });
}
