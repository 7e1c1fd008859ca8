// Issue 11: the package as a licence review and a type checker see it.
// publint (package.json against what the tarball holds) and
// @arethetypeswrong/cli (every export resolves, with types, for Node's ESM
// resolution and for bundlers) must pass on pkg/; `npm pack` must ship the
// README and both licence texts.
//
// attw runs with --profile esm-only: the package is ES modules only, so a
// CommonJS `require()` of it is not supported (README, "Node"). The .wasm
// modules and email-roots.bin are exported as assets for bundlers and
// `new URL(..., import.meta.url)`, not as modules, so attw is not asked to
// resolve them as JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PKG_DIR, requirePkg } from './support.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PKG = fileURLToPath(PKG_DIR);
const BIN = path.join(ROOT, 'node_modules', '.bin');
const ASSETS = ['jmap_smime_bg.wasm', 'jmap_smime_core_bg.wasm', 'jmap_smime_client_bg.wasm', 'jmap_smime_crypto_bg.wasm', 'email-roots.bin', 'package.json'];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('publint --strict finds nothing in pkg/', async () => {
  await requirePkg();
  const r = run(path.join(BIN, 'publint'), ['--strict', PKG]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /All good/);
});

test('arethetypeswrong: every module export resolves with its types (ESM, bundlers)', async () => {
  await requirePkg();
  // A one-module build (WASM_VARIANTS=full) has no split modules to exclude.
  const present = ASSETS.filter((a) => existsSync(path.join(PKG, a)));
  const r = run(path.join(BIN, 'attw'), ['--pack', PKG, '--profile', 'esm-only', '--format', 'ascii', '--exclude-entrypoints', ...present]);
  assert.equal(r.status, 0, r.out);
  assert.doesNotMatch(r.out, /No types|Resolution failed|Masquerading/);
});

test('npm pack ships the README, both licences, the roots and the worker', async () => {
  await requirePkg();
  const r = run('npm', ['pack', '--dry-run', '--json', PKG]);
  assert.equal(r.status, 0, r.out);
  const files = JSON.parse(r.out.slice(r.out.indexOf('['))).flatMap((p) => p.files.map((f) => f.path));
  for (const f of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'email-roots.bin', 'worker.js', 'worker.d.ts', 'package.json']) {
    assert.ok(files.includes(f), `the tarball holds ${f}`);
  }
});
