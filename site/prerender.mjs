#!/usr/bin/env node
// Writes the first step of every <ripen-form> on a page into the page's HTML, for the empty
// context a first-time visitor brings, so the first question paints with the page instead of
// after the core and the model have loaded. The element takes the step over when the core is
// ready (web/form.mjs): no flash, no layout shift, and what the visitor chose or typed before
// is kept. The step is rendered by the form's own code, under linkedom's DOM in Node, with the
// core of the package being deployed, so it is the same markup the element renders.
//   node site/prerender.mjs PAGE.html [OUT.html] [--package DIR] [--root SITE_DIR]
// (OUT.html defaults to PAGE.html; model URLs starting with / are looked up under SITE_DIR,
// default the page's folder.)
// A form whose model is not a local file (an absolute URL) is left as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Element attributes as the element reads them (RipenFormElement.connectedCallback).
function optionsOf(form) {
  const attribute = (name) => form.getAttribute(name);
  const hidden = {};
  for (const input of form.querySelectorAll('input[type="hidden"][name]')) hidden[input.name] = input.value;
  return {
    remember: attribute('remember') === 'off' ? false : attribute('remember') === 'all' ? 'all' : true,
    language: attribute('lang') || undefined,
    hidden,
  };
}

/**
 * The page's HTML with each <ripen-form>'s first step written in. `modelFile(url)` gives the
 * file of a model attribute (relative to the page) or null to skip that form; `packageDir` holds
 * form.mjs and the core. Returns { html, forms } (forms: how many were pre-rendered).
 */
export async function prerenderPage(html, { modelFile, packageDir }) {
  // linkedom as the project installs it (tools/), else wherever Node finds it.
  const local = join(root, 'tools/node_modules/linkedom/esm/index.js');
  const { parseHTML } = await import(existsSync(local) ? pathToFileURL(local).href : 'linkedom');
  const { window, document } = parseHTML(html);
  // The form's code reads these globals, as in a browser.
  Object.assign(globalThis, { window, document, HTMLElement: window.HTMLElement, customElements: window.customElements,
    CustomEvent: window.CustomEvent, requestAnimationFrame: (f) => setTimeout(f, 0), cancelAnimationFrame: clearTimeout });
  const { prerenderRipenForm } = await import(pathToFileURL(join(packageDir, 'form.mjs')).href);
  const language = document.documentElement.getAttribute('lang') || 'en';
  let out = html;
  let forms = 0;
  const elements = [...document.querySelectorAll('ripen-form')];
  // The same elements, found in the original text: only their contents are replaced, the rest
  // of the page stays byte for byte as written.
  const pattern = /<ripen-form\b[^>]*>[\s\S]*?<\/ripen-form>/g;
  const found = [...html.matchAll(pattern)];
  if (found.length !== elements.length) throw new Error(`found ${found.length} <ripen-form> tags in the text but ${elements.length} in the document`);
  const pieces = [];
  let last = 0;
  for (const [i, form] of elements.entries()) {
    const file = modelFile(form.getAttribute('model') || '');
    if (!file) continue;
    const options = optionsOf(form);
    const host = document.createElement('div');
    for (const input of form.querySelectorAll('input[type="hidden"]')) host.append(input.cloneNode(true));
    await prerenderRipenForm(host, { ...options, language: options.language || language, model: readFileSync(file, 'utf8'),
      wasmDir: packageDir, uid: `pre${i}` });
    const match = found[i];
    const openTag = match[0].slice(0, match[0].indexOf('>') + 1);
    // The element's class is the one the form gives its host, so the stylesheet applies at once.
    const tag = /\sclass="/.test(openTag) ? openTag.replace(/\sclass="/, ' class="ripen-form ') : openTag.replace(/>$/, ' class="ripen-form">');
    pieces.push(out.slice(last, match.index), tag, host.innerHTML, '</ripen-form>');
    last = match.index + match[0].length;
    ++forms;
  }
  pieces.push(out.slice(last));
  out = pieces.join('');
  return { html: out, forms };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--package');
  const packageDir = resolve(at >= 0 ? args.splice(at, 2)[1] : join(root, 'build/wasm-release/package'));
  const rootAt = args.indexOf('--root');
  const siteRoot = rootAt >= 0 ? resolve(args.splice(rootAt, 2)[1]) : null;
  const [page, output = page] = args;
  if (!page) {
    console.error('usage: node site/prerender.mjs PAGE.html [OUT.html] [--package DIR] [--root SITE_DIR]');
    process.exit(2);
  }
  const pageDir = dirname(resolve(page));
  const modelFile = (url) => {
    if (!url || /^[a-z]+:/i.test(url) || url.startsWith('//')) return null;
    const file = url.startsWith('/') ? join(siteRoot ?? pageDir, url) : join(pageDir, url);
    if (!existsSync(file)) throw new Error(`model ${url} not found at ${file}`);
    return file;
  };
  const { html, forms } = await prerenderPage(readFileSync(page, 'utf8'), { modelFile, packageDir });
  writeFileSync(output, html);
  console.log(`${page}: pre-rendered ${forms} form${forms === 1 ? '' : 's'}`);
}
