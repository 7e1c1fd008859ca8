// The crypto part on demand (issue 10, docs/wasm-size.md): the verify-only
// core loaded with { crypto: 'on-demand' } verifies through WebCrypto (Node
// has crypto.subtle) and loads the crypto part only for a check WebCrypto
// cannot do or confirm; every fixture's verdict is the one-module build's.
// Its own file: the loader's crypto part is loaded once per process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureBytes as bytes, fixtureMessages, loadPkgInNode, pkgFile, PKG_DIR } from './support.js';

const { api: whole } = await loadPkgInNode();
const { loadVerifier, cryptoPartRequested } = await import(new URL('loader.js', PKG_DIR));
const cryptoWasm = await pkgFile('jmap_smime_crypto_bg.wasm');
const TIMES = { now: '2026-01-01T00:00:00Z', receivedAt: '2025-06-01T00:00:00Z' };

async function verifier(api) {
  const trust = api.TrustStore.empty();
  trust.addPem(await bytes('pki/root.cert.pem'));
  return new api.Verifier(trust);
}

test('an unknown crypto option is refused', async () => {
  await assert.rejects(loadVerifier({ crypto: 'sometimes' }), (e) => e.code === 'invalid-argument');
  assert.equal(cryptoPartRequested(), false);
});

test('on demand: RSA and ECDSA by WebCrypto without the crypto part, Ed25519 loads it, every verdict as the one-module build', async () => {
  assert.ok(globalThis.crypto?.subtle, 'Node has WebCrypto');
  const core = await loadVerifier({ wasm: await pkgFile('jmap_smime_core_bg.wasm'), cryptoWasm, crypto: 'on-demand' });
  const [ours, want] = [await verifier(core), await verifier(whole)];
  assert.equal(cryptoPartRequested(), false, 'nothing loaded at start');
  // Only WebCrypto's algorithms: the part stays unloaded.
  for (const f of ['rsa2048-sha256-detached.eml', 'rsa4096-sha256-detached.eml', 'ecdsa-p256-sha256-detached.eml', 'ecdsa-p384-sha384-detached.eml']) {
    const raw = await bytes(`messages/${f}`);
    const v = await ours.verifyAsync(raw, TIMES);
    assert.equal(v.status, 'signed/verified', f);
    assert.deepEqual(v, want.verify(raw, TIMES), f);
  }
  assert.equal(cryptoPartRequested(), false, 'WebCrypto answered every check so far');
  // A synchronous verify of a check WebCrypto cannot do fails closed until the part is there.
  const ed = await bytes('messages/ed25519-sha512-detached.eml');
  const early = ours.verify(ed, TIMES);
  assert.notEqual(early.status, 'signed/verified');
  assert.ok(JSON.stringify(early.errors).includes('crypto-unavailable'), JSON.stringify(early.errors));
  assert.equal(cryptoPartRequested(), false, 'the synchronous call does not load it');
  // verifyAsync loads it for the Ed25519 check, and then verifies.
  const v = await ours.verifyAsync(ed, TIMES);
  assert.equal(cryptoPartRequested(), true);
  assert.deepEqual(v, want.verify(ed, TIMES));
  assert.equal(v.status, 'signed/verified');
  // From now on every fixture (all key families, broken ones too) agrees, both calls.
  const messages = await fixtureMessages();
  for (const [name, raw] of messages) {
    const expected = want.verify(raw, TIMES);
    assert.deepEqual(await ours.verifyAsync(raw, TIMES), expected, `${name} verifyAsync`);
    assert.deepEqual(ours.verify(raw, TIMES), expected, `${name} verify`);
  }
  assert.ok(messages.length > 40, `${messages.length} fixtures`);
});
