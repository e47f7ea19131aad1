// The Node entry (bin/ripen.mjs on WebAssembly) against every one of the native CLI's own test
// cases: same arguments, same standard output and error, same exit status.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeRipen, root, run } from './support.mjs';

const cases = join(root, 'tests/cli/cases');
const version = JSON.parse(readFileSync(join(root, 'web/package.json'), 'utf8')).version;
const names = readdirSync(cases).filter((f) => f.endsWith('.args')).map((f) => f.slice(0, -5));

test('the cases cover every command', () => {
  for (const command of ['validate', 'score', 'explain', 'decide', 'sample', 'summary', 'report', 'tune', 'fit', 'map']) {
    assert.ok(names.some((n) => n === command || n.startsWith(`${command}-`)), `no case for ${command}`);
  }
});

for (const name of names) {
  test(`cli case ${name}`, () => {
    const args = readFileSync(join(cases, `${name}.args`), 'latin1').split('\n').filter((line, i, all) => i < all.length - 1 || line !== '');
    const stdin = existsSync(join(cases, `${name}.stdin`)) ? readFileSync(join(cases, `${name}.stdin`)) : Buffer.alloc(0);
    const result = run(process.execPath, [nodeRipen, ...args], { cwd: join(root, 'tests/cli'), input: stdin });
    const expect = (part) => readFileSync(join(cases, `${name}.${part}`), 'latin1').replaceAll('@VERSION@', version);
    assert.equal(result.stdout, expect('out'), 'standard output');
    assert.equal(result.stderr, expect('err'), 'standard error');
    assert.equal(String(result.code), expect('code').trim(), 'exit status');
  });
}
