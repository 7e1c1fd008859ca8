// The generated TypeScript types: tests/ts/*.ts must type-check against
// pkg/jmap_smime.d.ts (built by scripts/build-wasm.sh). Every line after an
// `@ts-expect-error` must be a type error (tsc fails on an unused one);
// tests/ts/mistakes.ts holds issue 11's deliberate mistakes that way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the package types accept correct use and reject wrong options', () => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tests/ts'], { cwd: root, encoding: 'utf8' });
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
});

test('tests/ts/mistakes.ts still holds its seventeen deliberate mistakes', async () => {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(new URL('../ts/mistakes.ts', import.meta.url), 'utf8');
  assert.equal(text.match(/^\s*\/\/ @ts-expect-error$/gm)?.length, 17);
});
