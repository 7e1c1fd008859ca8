// Issue 11: examples/node from the packed tarball: init() with no argument
// (the .wasm read from disk), TrustStore.bundled(), a verdict, and a
// JmapSmimeClient page from the reference server, in Node.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MAILBOX, NOW, ROOT, prepareExample, run, startJmap, stopAll } from './harness.js';

after(stopAll);

test('Node: init() with no argument, a verdict and a JmapSmimeClient page', { timeout: 600_000 }, async () => {
  const d = prepareExample('node');
  const jmap = await startJmap();
  const args = ['verify.mjs', path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), path.join(ROOT, 'tests/fixtures/trust/messages/baseline-alice.eml'), jmap];
  const out = JSON.parse(run(process.execPath, args, d, 60_000, { NOW }).trim());
  assert.equal(out.mainThread, 'signed/verified');
  assert.ok(out.bundledRoots > 50, `the bundled roots load from disk (${out.bundledRoots})`);
  assert.deepEqual(out.levels, MAILBOX.map(([, level]) => level));
});
