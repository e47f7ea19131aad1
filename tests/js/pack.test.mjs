// The packed package (npm pack) installed into an empty folder works: the API by its package
// name, and the ripen command.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { packageDir, root, run } from './support.mjs';

const work = mkdtempSync(join(tmpdir(), 'ripen-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('npm pack, install into an empty project, import and run', () => {
  const pack = run('npm', ['pack', packageDir, '--pack-destination', work, '--silent']);
  assert.equal(pack.code, 0, pack.stderr);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'no tarball');

  const project = join(work, 'app');
  run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--offline', join(work, tarball)], { cwd: project });
  assert.equal(install.code, 0, install.stderr);

  const listed = readdirSync(join(project, 'node_modules/@ripen/core')).sort();
  assert.deepEqual(listed, ['README.md', 'bin', 'form-texts.mjs', 'form-util.mjs', 'form.d.ts', 'form.mjs', 'index.d.ts', 'outbox.mjs', 'package.json', 'ripen-form.css', 'ripen-form.mjs', 'ripen-form.wasm',
    'ripen-tools.mjs', 'ripen-tools.wasm', 'ripen.mjs']);

  writeFileSync(join(project, 'smoke.mjs'), `
    import { readFileSync } from 'node:fs';
    import { Ripen, RipenError } from '@ripen/core';
    const ripen = await Ripen.load();
    const model = ripen.model(readFileSync(process.argv[2], 'utf8'));
    const d = model.decide({ goal: 'replace', timeframe: 'under_3_months', role: 'manager', budget: 'approved',
                             employees: 250, email: 'jane@acme.com', country: 'DE' }, { complete: true });
    let code = '';
    try { model.decide({ goal: 'sell' }); } catch (e) { code = e instanceof RipenError ? e.code : 'not a RipenError'; }
    console.log(JSON.stringify({ route: d.route, total: d.total, code }));
  `);
  const smoke = run(process.execPath, ['smoke.mjs', join(root, 'models/default.json')], { cwd: project });
  assert.equal(smoke.code, 0, smoke.stderr);
  assert.deepEqual(JSON.parse(smoke.stdout), { route: 'handoff', total: 11, code: 'answer.unknown_option' });

  const validate = run(join(project, 'node_modules/.bin/ripen'), ['validate', join(root, 'models/default.json')], { cwd: project });
  assert.equal(validate.stdout, 'OK\n');
  assert.equal(validate.code, 0);
});
