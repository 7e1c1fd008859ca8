// The package in pkg/ as an ES module in Node >= 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadPkgInNode, assertSmoke, assertTrust, PKG_DIR } from './support.js';
import { runSmoke } from './smoke.js';
import { runTrust } from './trust.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const load = async (p) => new Uint8Array(await readFile(new URL(p, FIXTURES)));

const { api, manifest } = await loadPkgInNode();

test('pkg/package.json describes an ES module package', () => {
  assert.equal(manifest.name, 'jmap-smime');
  assert.equal(manifest.type, 'module');
  assert.ok(manifest.types.endsWith('.d.ts'));
  for (const f of ['jmap_smime.js', 'jmap_smime.d.ts', 'jmap_smime_bg.wasm', 'email-roots.der', 'snippets/']) {
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

test('TrustStore.bundled() reads email-roots.der next to the module, and the Verifier, in Node', async () => {
  assertTrust(await runTrust(api, load));
});

test('TrustStore.bundled(source) takes the bytes or a URL instead', async () => {
  const bytes = await readFile(new URL('email-roots.der', PKG_DIR));
  const fromBytes = await api.TrustStore.bundled(new Uint8Array(bytes));
  const fromUrl = await api.TrustStore.bundled(new URL('email-roots.der', PKG_DIR));
  const direct = api.TrustStore.fromBundle(bytes);
  assert.equal(fromBytes.fingerprint(), direct.fingerprint());
  assert.equal(fromUrl.fingerprint(), direct.fingerprint());
  await assert.rejects(api.TrustStore.bundled(new Uint8Array([0x30, 0x03, 0x02])), (e) => e instanceof Error && e.code === 'malformed');
  await assert.rejects(api.TrustStore.bundled(new URL('missing.der', PKG_DIR)), /ENOENT/);
});

test('a TrustStore change does not reach a Verifier made before it', async () => {
  const trust = api.TrustStore.empty();
  trust.addPem(await load('pki/root.cert.pem'));
  const v = new api.Verifier(trust, { revocation: 'off' });
  const id = trust.anchors()[0].id;
  assert.equal(trust.remove(id), true);
  assert.equal(trust.size, 0);
  const verdict = v.verify(await load('trust/messages/baseline-alice.eml'), { now: '2026-01-01T00:00:00Z' });
  assert.equal(verdict.status, 'signed/verified');
  assert.notEqual(v.trustFingerprint(), trust.fingerprint());
});
