// decide() latency through the JavaScript API in Node: 10,000 calls on the default model with
// generated leads (answers as plain objects, the decision back as an object), p50 and p95.
//   node bench/decide_latency.mjs [PACKAGE_DIR]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const packageDir = resolve(process.argv[2] || 'build/wasm-release/package');
const { Ripen } = await import(join(packageDir, 'ripen.mjs'));
const tools = await Ripen.load({ variant: 'tools', wasmDir: packageDir });
const ripen = await Ripen.load({ wasmDir: packageDir });
const modelText = readFileSync('models/default.json', 'utf8');
const model = ripen.model(modelText);
const types = Object.fromEntries(model.document.questions.map((q) => [q.id, q.type]));

// Leads from the seeded generator, turned into answer objects as a form would send them.
const sample = tools.model(modelText);
const csv = tools.wasm.sampleCsv(sample.handle, 10000, 5).trim().split('\n');
const header = csv[0].split(',');
const requests = csv.slice(1).map((line) => {
  const cells = line.split(',');
  const answers = {};
  const context = {};
  header.forEach((name, i) => {
    const v = cells[i];
    if (v === '' || name === 'converted') return;
    if (types[name] === undefined) context[name] = v;
    else if (types[name] === 'multiple') answers[name] = v.split(';');
    else if (types[name] === 'number') answers[name] = Number(v);
    else answers[name] = v;
  });
  return { answers, context };
});

for (const r of requests.slice(0, 500)) model.decide(r.answers, r.context);  // warm up
const times = [];
let handoffs = 0;
for (const r of requests) {
  const start = process.hrtime.bigint();
  const d = model.decide(r.answers, r.context);
  times.push(Number(process.hrtime.bigint() - start) / 1000);
  if (d.route === 'handoff') ++handoffs;
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(`decide() over ${times.length} calls: p50 ${at(0.5).toFixed(1)} us, p95 ${at(0.95).toFixed(1)} us, mean ${mean.toFixed(1)} us, max ${times[times.length - 1].toFixed(0)} us (${handoffs} hand-offs)`);
