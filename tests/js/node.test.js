// The package in pkg/ as an ES module in Node >= 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPkgInNode, assertSmoke } from './support.js';
import { runSmoke } from './smoke.js';

const { api, manifest } = await loadPkgInNode();

test('pkg/package.json describes an ES module package', () => {
  assert.equal(manifest.name, 'jmap-smime');
  assert.equal(manifest.type, 'module');
  assert.ok(manifest.types.endsWith('.d.ts'));
  for (const f of ['jmap_smime.js', 'jmap_smime.d.ts', 'jmap_smime_bg.wasm']) {
    assert.ok(manifest.files.includes(f), `files lists ${f}`);
  }
});

test('verifySignatures, errorCodes, version and argument errors in Node', () => {
  assertSmoke(runSmoke(api));
});

test('the report is a plain object that survives JSON', () => {
  const report = api.verifySignatures(new TextEncoder().encode('Subject: x\r\n\r\nbody\r\n'));
  assert.equal(Object.getPrototypeOf(report), Object.prototype);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

test('non-object options are refused with invalid-argument', () => {
  const bytes = new Uint8Array([0x41]);
  assert.throws(() => api.verifySignatures(bytes, 42), (e) => e instanceof Error && e.code === 'invalid-argument');
});
