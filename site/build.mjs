#!/usr/bin/env node
// Assembles the static site from build outputs: the pages in site/, the npm package's browser
// files under lib/, the default model under models/ as visitors get it (ripen publish: no cadences,
// internal labels or competitor lists), and the docs rendered from docs/*.md.
//   node site/build.mjs OUT_DIR PACKAGE_DIR
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const [out, packageDir, playgroundDir] = process.argv.slice(2).map((p) => resolve(p));
if (!out || !packageDir) {
  console.error('usage: node site/build.mjs OUT_DIR PACKAGE_DIR');
  process.exit(2);
}
const { marked } = await import(join(root, 'tools/node_modules/marked/lib/marked.esm.js'));

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'lib'), { recursive: true });
mkdirSync(join(out, 'models'), { recursive: true });
mkdirSync(join(out, 'docs'), { recursive: true });

for (const file of readdirSync(here)) {
  if (['build.mjs', 'serve.mjs', 'prerender.mjs'].includes(file)) continue;
  cpSync(join(here, file), join(out, file), { recursive: true });
}
for (const file of ['ripen.mjs', 'form.mjs', 'outbox.mjs', 'form-texts.mjs', 'form-util.mjs', 'ripen-form.css', 'ripen-form.mjs', 'ripen-form.wasm', 'ripen-tools.mjs', 'ripen-tools.wasm'])
  cpSync(join(packageDir, file), join(out, 'lib', file));
// The form loads the published model: whatever the page can fetch, any visitor can read. The
// Node CLI of this build publishes it, as `ripen publish` would.
execFileSync(process.execPath, [join(packageDir, 'bin/ripen.mjs'), 'publish', join(root, 'models/default.json'), '--out', join(out, 'models/default.json')],
  { stdio: ['ignore', 'inherit', 'inherit'] });
// The playground (ImGui in WebAssembly), when this build has it.
if (playgroundDir && existsSync(join(playgroundDir, 'playground-module.wasm'))) {
  mkdirSync(join(out, 'playground'), { recursive: true });
  for (const file of ['index.html', 'playground.css', 'playground.mjs', 'playground-module.mjs', 'playground-module.wasm'])
    cpSync(join(playgroundDir, file), join(out, 'playground', file));
  // The models a marketer can start from: the full ones, since tuning them is the point.
  mkdirSync(join(out, 'playground/models'), { recursive: true });
  cpSync(join(root, 'models/default.json'), join(out, 'playground/models/default.json'));
  cpSync(join(root, 'examples/bank/model.json'), join(out, 'playground/models/bank.json'));
  cpSync(join(root, 'examples/bank/mapping.json'), join(out, 'playground/models/bank-mapping.json'));
}

// Docs: each Markdown file becomes a page; links between them keep working.
const docs = [
  ['model.md', 'The model file', 'Every field of the lead-definition file, with an example each.'],
  ['decision.md', 'The decision', 'What a decision contains, in JSON.'],
  ['integration.md', 'Embedding the form', 'The element, its events, the endpoint, and re-checking submissions on the server.'],
  ['errors.md', 'Error codes', 'Every error and warning, with its message.'],
  ['deploy.md', 'Running ripen serve', 'The lead intake, the desk, tokens, storage, TLS, webhooks, backups.'],
  ['workflow.md', 'From CRM export to the form', 'Export leads, tune in the playground, export the model, deploy it.'],
];
const page = (title, body) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · Ripen docs</title>
  <link rel="icon" href="../favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="../site.css">
</head>
<body>
  <header class="site-header">
    <a class="brand" href="../">Ripen</a>
    <nav aria-label="Site"><a href="../demo.html">Live demo</a><a href="../playground/">Playground</a><a href="./" aria-current="page">Docs</a></nav>
  </header>
  <main class="docs">
${body}
  </main>
</body>
</html>
`;
const listed = [];
for (const [file, title, summary] of docs) {
  let markdown;
  try {
    markdown = readFileSync(join(root, 'docs', file), 'utf8');
  } catch {
    continue;  // not written yet
  }
  const html = marked.parse(markdown.replace(/\]\(([\w-]+)\.md(#[\w-]*)?\)/g, ']($1.html$2)'));
  writeFileSync(join(out, 'docs', basename(file, '.md') + '.html'), page(title, html));
  listed.push(`<li><a href="${basename(file, '.md')}.html">${title}</a>: ${summary}</li>`);
}
writeFileSync(join(out, 'docs/index.html'), page('Documentation', `<h1>Documentation</h1>\n<ul class="docs-index">\n${listed.join('\n')}\n</ul>`));
// The demo's outcome links lead somewhere: a page for every local link of the default model (the
// knock-outs' alternatives, the nurture content, the booking links) that the site lacks. A
// booking page shows what the form passed to the scheduler.
const full = JSON.parse(readFileSync(join(root, 'models/default.json'), 'utf8'));
const english = (text) => (typeof text === 'string' ? text : text?.en ?? '');
const links = new Map();
for (const rule of full.rules ?? []) if (rule.url) links.set(rule.url, english(rule.link) || rule.url);
for (const track of full.nurture?.tracks ?? []) for (const c of track.content ?? []) links.set(c.url, english(c.title));
for (const url of [full.booking_url, ...(full.segments ?? []).map((s) => s.booking_url)]) if (url) links.set(url, 'Book a meeting');
const escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
let outcomePages = 0;
for (const [url, title] of links) {
  if (!url.startsWith('/') || url.startsWith('//')) continue;
  const dir = join(out, url.split('?')[0]);
  if (existsSync(dir)) continue;
  const depth = url.split('/').filter(Boolean).length;
  const booking = url.startsWith('/book');
  const body = booking
    ? `<h1>${escapeHtml(title)}</h1>\n<p>On your site this link opens your scheduler (Calendly, HubSpot meetings, Chili Piper, ...). The form passed it what the visitor already told: <code>booking_params</code> in the model, or <code>name</code>, <code>email</code> and <code>company</code>.</p>\n<dl id="params" class="params"></dl>\n<script type="module" src="${'../'.repeat(depth)}booking.mjs"></script>`
    : `<h1>${escapeHtml(title)}</h1>\n<p>This page stands in, on the demo site, for what the default model links to here (<code>${escapeHtml(url)}</code>).</p>`;
  mkdirSync(dir, { recursive: true });
  const up = '../'.repeat(depth);
  const html = page(title, body).replaceAll('href="../', `href="${up}`).replace('<a href="./" aria-current="page">Docs</a>', `<a href="${up}docs/">Docs</a>`);
  writeFileSync(join(dir, 'index.html'), html);
  ++outcomePages;
}
console.log(`wrote ${outcomePages} pages for the demo's outcome links`);

// The demo's form carries its first step in the page (site/prerender.mjs), in a process of its
// own: the pre-renderer sets up a DOM's globals.
execFileSync(process.execPath, [join(here, 'prerender.mjs'), join(out, 'demo.html'), '--package', packageDir, '--root', out],
  { stdio: ['ignore', 'inherit', 'inherit'] });
console.log(`site assembled in ${out}`);
