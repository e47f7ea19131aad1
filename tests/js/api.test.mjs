// The JavaScript API: loading, models, decisions, explanations, next questions, and errors as
// RipenError with code and path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, loadRipen, read } from './support.mjs';

const ripen = await loadRipen();
const { RipenError } = await api();
const modelText = read('models/default.json');
const strong = { goal: 'replace', timeframe: 'under_3_months', role: 'manager', budget: 'approved', employees: 250, email: 'jane@acme.com', country: 'DE' };

test('loads the form module and reports its version', () => {
  assert.equal(ripen.variant, 'form');
  assert.match(ripen.version, /^\d+\.\d+\.\d+$/);
});

test('a model from text or object; its document and warnings', () => {
  const fromText = ripen.model(modelText);
  const fromObject = ripen.model(JSON.parse(modelText));
  assert.equal(fromText.document.id, 'ripen-demo-b2b');
  assert.deepEqual(fromText.validate(), { valid: true, warnings: [] });
  assert.deepEqual(fromObject.decide(strong, { complete: true }), fromText.decide(strong, { complete: true }));
});

test('decide returns the plain decision object', () => {
  const model = ripen.model(modelText);
  const d = model.decide(strong, { complete: true, now: '2026-11-23T09:00:00Z' });
  assert.equal(d.route, 'handoff');
  assert.equal(d.total, 11);
  assert.equal(d.max, 12);
  assert.equal(d.criteria.authority.points, 3);
  assert.equal(d.segment.id, 'web');
  assert.equal(d.handoff.deadline, '2026-11-23T17:00:00Z');
  assert.equal(d.handoff.cadence.length, 8);
  assert.equal(d.nurture, null);
  const open = model.decide({ goal: 'replace' });
  assert.equal(open.route, 'undecided');
  assert.ok(open.lo <= open.total && open.total <= open.hi);
  assert.ok(open.next_questions.length > 0);
});

test('nextQuestions gives question definitions, best first, and respects max', () => {
  const model = ripen.model(modelText);
  const next = model.nextQuestions({ goal: 'replace' }, {}, { max: 1 });
  assert.equal(next.length, 1);
  assert.equal(typeof next[0].id, 'string');
  assert.ok(next[0].label.en);
  const two = model.nextQuestions({ goal: 'replace' });
  assert.equal(two.length, 2);  // the model's questions_per_step
  assert.deepEqual(model.nextQuestions(strong, { complete: true }), []);
});

test('explain gives the decision in words, in the requested language', () => {
  const model = ripen.model(modelText);
  const en = model.explain(strong, { complete: true });
  assert.match(en, /^Route: HANDOFF - total 11 of 12/);
  const de = model.explain(strong, { complete: true }, { language: 'de' });
  assert.match(de, /Ein bestehendes Tool ablösen/);
});

test('an invalid model throws RipenError with every issue', () => {
  const broken = JSON.parse(modelText);
  broken.criteria[0].weigth = 2;
  broken.thresholds.handoff = 99;
  assert.throws(() => ripen.model(broken), (e) => {
    assert.ok(e instanceof RipenError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'RipenError');
    assert.equal(e.code, 'schema.unknown_member');
    assert.equal(e.path, '$.criteria[0].weigth');
    assert.equal(e.issues.length, 2);
    assert.equal(e.issues[1].code, 'threshold.unreachable');
    assert.match(e.message, /unknown member "weigth", did you mean "weight"\?.*\(and 1 more\)$/);
    return true;
  });
  assert.throws(() => ripen.model('{"format": 1,'), (e) => e.code === 'json.syntax' && e.line === 1 && e.column === 14);
});

test('bad answers and context throw located RipenErrors', () => {
  const model = ripen.model(modelText);
  assert.throws(() => model.decide({ goal: 'sell' }), (e) => {
    assert.equal(e.code, 'answer.unknown_option');
    assert.equal(e.path, '$.answers.goal');
    assert.equal(e.message, '$.answers.goal: "sell" is not an option of "goal" (expected one of: replace, new_initiative, explore)');
    return true;
  });
  assert.throws(() => model.decide({ employees: 'many' }), { code: 'answer.not_a_number', path: '$.answers.employees' });
  assert.throws(() => model.decide({ nope: 1 }), { code: 'answer.unknown_question', path: '$.answers.nope' });
  assert.throws(() => model.decide({}, { utm: [1] }), { code: 'context.type', path: '$.context.utm' });
  assert.throws(() => model.decide(['replace']), { code: 'api.type' });
  assert.throws(() => model.explain({ goal: 7 }), { code: 'answer.type' });
  assert.throws(() => model.nextQuestions({ role: 'ceo' }), { code: 'answer.unknown_option' });
  // JSON.stringify output the core's parser refuses (a lone surrogate, deep nesting) is a
  // located error too, and the module keeps working after it.
  assert.throws(() => model.decide({ goal: '\ud800' }), { code: 'json.syntax', path: '$.answers', message: '$.answers: unpaired surrogate in \\u escape' });
  assert.throws(() => model.decide({}, { utm_source: '\udc00' }), { code: 'json.syntax', path: '$.context' });
  let deep = 'x';
  for (let i = 0; i < 250; ++i) deep = [deep];
  assert.throws(() => model.decide({ goal: deep }), { code: 'json.syntax', path: '$.answers', message: /nesting deeper than 200 levels/ });
  assert.equal(model.decide({ goal: 'replace' }).route, 'undecided');
});

test('memory stops growing: repeated loads and decisions reuse what they freed', () => {
  // The form module's allocator (wasm/form_malloc.cpp) never returns memory; it must reuse it.
  // Each round below allocates about a megabyte in all, so a leak would grow the memory by
  // hundreds of megabytes.
  const memory = () => ripen.wasm.HEAP8.length;
  const round = () => {
    const model = ripen.model(modelText);
    for (const goal of ['replace', 'new_initiative', 'explore']) {
      model.decide({ goal, employees: 250 }, { utm_source: 'newsletter' });
      model.explain({ goal });
      model.nextQuestions({ goal }, {}, { max: 3 });
      assert.throws(() => model.decide({ goal: 'sell' }), { code: 'answer.unknown_option' });
    }
    assert.throws(() => ripen.model('{"format": 1, "criteria": [}'), { code: 'json.syntax' });
    model.release();
  };
  for (let i = 0; i < 20; ++i) round();
  const warmed = memory();
  for (let i = 0; i < 400; ++i) round();
  assert.equal(memory(), warmed);
});

test('a released model refuses further use; garbage collection frees models', () => {
  const model = ripen.model(modelText);
  model.release();
  model.release();  // twice is harmless
  assert.throws(() => model.decide({}), { code: 'api.released' });
  // Many models in a row do not exhaust the core: each is released when collected or here.
  for (let i = 0; i < 200; ++i) ripen.model(modelText).release();
});

test('loading fails clearly for an unknown variant or a missing file', async () => {
  const { Ripen } = await api();
  await assert.rejects(() => Ripen.load({ variant: 'huge' }), { code: 'api.variant' });
  await assert.rejects(() => Ripen.load({ wasmDir: '/nonexistent' }));
});
