#!/usr/bin/env node
// Serves the assembled site on 127.0.0.1 with a strict Content-Security-Policy, the right MIME
// types for WebAssembly and modules, and a small lead endpoint (/api/leads) that stores each
// submission once per Idempotency-Key, so the demo's submissions have somewhere to go.
//   node site/serve.mjs [SITE_DIR]      (PORT, default 8080)
import { createServer as createHttpServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.csv': 'text/csv; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
  '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

// Compressible types: everything but images already compressed. Compressed once per file version.
const COMPRESSIBLE = /^(text\/|application\/(json|wasm|javascript)|image\/svg)/;
const compressed = new Map();  // path -> {mtime, br, gzip}

function encodings(request) {
  const accepted = String(request.headers['accept-encoding'] || '');
  return { br: /\bbr\b/.test(accepted), gzip: /\bgzip\b/.test(accepted) };
}

function compressedBody(target, info, body) {
  const known = compressed.get(target);
  if (known && known.mtime === info.mtimeMs) return known;
  const entry = {
    mtime: info.mtimeMs,
    br: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzip: gzipSync(body, { level: 9 }),
  };
  compressed.set(target, entry);
  return entry;
}

/**
 * A server for the site in `root`. `endpoint(request, body)` may answer POST /api/leads itself
 * (tests use it to fail on purpose); by default submissions are kept in `leads`.
 */
export function createSiteServer({ root, extraRoot, endpoint, csp = CSP, compress = true } = {}) {
  const leads = new Map();  // Idempotency-Key -> submission
  const attempts = [];      // every POST, accepted or not
  const server = createHttpServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    try {
      if (url.pathname === '/api/leads') {
        if (request.method === 'GET') return send(response, 200, 'application/json', JSON.stringify([...leads.values()]));
        if (request.method !== 'POST') return send(response, 405, 'text/plain', 'POST only');
        const body = await readBody(request);
        const key = request.headers['idempotency-key'] || '';
        attempts.push({ key, at: Date.now() });
        if (endpoint) {
          const handled = await endpoint(request, body, { leads, attempts, key });
          if (handled) return send(response, handled.status, 'application/json', handled.body ?? '{}');
        }
        if (!key) return send(response, 400, 'application/json', '{"error":"missing Idempotency-Key"}');
        let submission;
        try {
          submission = JSON.parse(body);
        } catch {
          return send(response, 400, 'application/json', '{"error":"not JSON"}');
        }
        const repeated = leads.has(key);
        if (!repeated) leads.set(key, submission);
        return send(response, repeated ? 200 : 201, 'application/json', JSON.stringify({ key, stored: !repeated }));
      }
      let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
      if (path.endsWith('/')) path += 'index.html';
      // Test pages (extraRoot) first, then the site.
      let file = join(root, path);
      if (extraRoot && (await stat(join(extraRoot, path)).catch(() => null))) file = join(extraRoot, path);
      if (!file.startsWith(resolve(root)) && !(extraRoot && file.startsWith(resolve(extraRoot))))
        return send(response, 403, 'text/plain', 'forbidden');
      let info = await stat(file).catch(() => null);
      let target = file;
      if (info && info.isDirectory()) {
        target = join(file, 'index.html');
        info = await stat(target).catch(() => null);
      }
      if (!info) return send(response, 404, 'text/html; charset=utf-8', '<!doctype html><title>Not found</title><p>Not found</p>');
      const type = TYPES[extname(target)] || 'application/octet-stream';
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
      if (csp) headers['Content-Security-Policy'] = csp;
      let body = await readFile(target);
      // Brotli or gzip for text and WebAssembly, as the browser accepts (the form's .wasm
      // crosses the wire at about half its size).
      if (compress && COMPRESSIBLE.test(type) && body.length > 512) {
        headers.Vary = 'Accept-Encoding';
        const { br, gzip } = encodings(request);
        if (br || gzip) {
          const packed = compressedBody(target, info, body);
          headers['Content-Encoding'] = br ? 'br' : 'gzip';
          body = br ? packed.br : packed.gzip;
        }
      }
      headers['Content-Length'] = body.length;
      response.writeHead(200, headers);
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      send(response, 500, 'text/plain', String(error));
    }
  });
  server.leads = leads;
  server.attempts = attempts;
  return server;
}

function readBody(request) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response, status, type, body) {
  response.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': CSP });
  response.end(body);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] || 'build/wasm-release/site');
  const port = Number(process.env.PORT || 8080);
  const server = createSiteServer({ root });
  server.listen(port, '127.0.0.1', () => {
    console.log(`Ripen site: http://127.0.0.1:${port}/  (serving ${root}; Ctrl-C to stop)`);
  });
}
