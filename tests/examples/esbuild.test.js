// Issue 11: examples/esbuild from the packed tarball. esbuild does not follow
// new URL(…, import.meta.url), so the example's build.mjs names the worker
// as a second entry point and copies the .wasm and the roots (the documented
// copy step); the built app, served by the reference server under its CSP,
// must give both verdicts and the page (examples/app.js).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertBuiltAppWorks, prepareExample, run, stopAll } from './harness.js';

after(stopAll);

test('esbuild bundle with its copy step: the built app under the reference server and its CSP', { timeout: 600_000 }, async () => {
  const d = prepareExample('esbuild');
  run('npm', ['run', 'build'], d);
  await assertBuiltAppWorks(path.join(d, 'dist'));
});

// A worker of the webmail's own that only imports the package's worker: with
// "sideEffects": false a bundler dropped the import (a 0-byte bundle); the
// manifest now names worker.js as having side effects.
test('a worker of your own that imports jmap-smime/worker.js keeps it', { timeout: 600_000 }, async () => {
  const d = prepareExample('esbuild');
  writeFileSync(path.join(d, 'own-worker.js'), "import 'jmap-smime/worker.js';\n");
  run('npx', ['esbuild', 'own-worker.js', '--bundle', '--format=esm', '--outfile=dist/own-worker.js'], d);
  const out = readFileSync(path.join(d, 'dist/own-worker.js'), 'utf8');
  assert.ok(out.length > 10_000, `the bundle holds the worker (${out.length} bytes)`);
  assert.match(out, /self\.onmessage/);
});
