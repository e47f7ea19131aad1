// Shared by the Node tests: where the package and the native build are, and a runner for
// the command-line tools.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const packageDir = resolve(process.env.RIPEN_PACKAGE_DIR || join(root, 'build/wasm-release/package'));
export const nativeRipen = resolve(process.env.RIPEN_NATIVE || join(root, 'build/native-release/native/ripen'));
export const nodeRipen = join(packageDir, 'bin/ripen.mjs');

if (!existsSync(join(packageDir, 'ripen.mjs'))) {
  throw new Error(`no package in ${packageDir}: build the wasm-release preset first`);
}

export async function loadRipen(variant = 'form') {
  const { Ripen } = await import(join(packageDir, 'ripen.mjs'));
  return Ripen.load({ variant });
}

export async function api() {
  return import(join(packageDir, 'ripen.mjs'));
}

export function read(relative) {
  return readFileSync(join(root, relative), 'utf8');
}

// Runs a command and returns { code, stdout, stderr } as bytes-exact strings.
export function run(command, args, { cwd = root, input } = {}) {
  const result = spawnSync(command, args, { cwd, input, maxBuffer: 1 << 30, encoding: 'buffer' });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout.toString('latin1'), stderr: result.stderr.toString('latin1') };
}
