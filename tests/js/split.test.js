// The split modules (issue 10, docs/wasm-size.md): the verify-only core
// (no public-key crates) connected by loader.js to the crypto part must give
// the same reports and verdicts as the one-module build, on every fixture
// message, with and without legacy algorithms; and with no working checker
// it must fail closed (crypto-unavailable), never verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureBytes as bytes, fixtureMessages, loadPkgInNode, pkgFile, PKG_DIR } from './support.js';

const { api: whole } = await loadPkgInNode();
const { loadVerifier, loadCryptoPart } = await import(new URL('loader.js', PKG_DIR));
const cryptoWasm = await pkgFile('jmap_smime_crypto_bg.wasm');
const split = await loadVerifier({ wasm: await pkgFile('jmap_smime_core_bg.wasm'), cryptoWasm });
const crypto = await loadCryptoPart();

const messages = await fixtureMessages();
const TIMES = { now: '2026-01-01T00:00:00Z', receivedAt: '2025-06-01T00:00:00Z' };

async function verifiers(api) {
  const trust = api.TrustStore.empty();
  trust.addPem(await bytes('pki/root.cert.pem'));
  const crls = [await bytes('trust/root.crl'), await bytes('trust/intermediate.crl')];
  return [false, true].map((allowLegacy) => new api.Verifier(trust, { allowLegacy, crls }));
}

test('the split modules load: the core has no JmapSmimeClient, the crypto part only checkSignature', () => {
  assert.equal(typeof split.Verifier, 'function');
  assert.equal(split.JmapSmimeClient, undefined);
  assert.equal(typeof split.setSignatureChecker, 'function');
  assert.equal(typeof crypto.checkSignature, 'function');
  assert.equal(crypto.Verifier, undefined);
  assert.ok(split.errorCodes().includes('crypto-unavailable'));
});

test('verifySignatures: the core with the crypto part reports what the one-module build reports', () => {
  const algorithms = new Set();
  let valid = 0;
  for (const [name, raw] of messages) {
    for (const allowLegacy of [false, true]) {
      const want = whole.verifySignatures(raw, { allowLegacy });
      assert.deepEqual(split.verifySignatures(raw, { allowLegacy }), want, `${name} allowLegacy=${allowLegacy}`);
      if (want.cryptoValid) valid += 1;
      for (const s of want.signers ?? []) if (want.cryptoValid) algorithms.add(s.signatureAlgorithm.split('-')[0]);
    }
  }
  // The table has teeth: valid signatures of every key family went through the checker.
  assert.ok(valid > 20, `${valid} valid reports`);
  for (const family of ['rsa', 'ecdsa', 'ed25519', 'dsa']) assert.ok(algorithms.has(family), `a valid ${family} signature among the fixtures`);
});

test('Verifier.verify (paths, CRLs, two times): same verdicts through the crypto part', async () => {
  const [w, s] = [await verifiers(whole), await verifiers(split)];
  let verified = 0;
  for (const [name, raw] of messages) {
    for (const i of [0, 1]) {
      const want = w[i].verify(raw, TIMES);
      assert.deepEqual(s[i].verify(raw, TIMES), want, `${name} allowLegacy=${i === 1}`);
      if (want.status === 'signed/verified') verified += 1;
    }
  }
  assert.ok(verified > 5, `${verified} verified under the test root`);
});

test('checkSignature answers null or a code; bad input is a code, not a throw', () => {
  assert.equal(crypto.checkSignature(new Uint8Array([0x30, 0x00]), '{"kind":"ed25519"}', 'sha-512', new Uint8Array(), new Uint8Array(), new Uint8Array(64)), 'malformed');
  assert.equal(crypto.checkSignature(new Uint8Array(), 'not json', 'sha-256', new Uint8Array(), new Uint8Array(), new Uint8Array()), 'invalid-argument');
});

test('without a working checker the core fails closed: crypto-unavailable, never verified', () => {
  const signed = messages.filter(([, raw]) => whole.verifySignatures(raw).cryptoValid);
  assert.ok(signed.length > 0);
  const broken = [
    ['throws', () => { throw new Error('no'); }],
    ['returns undefined', () => undefined],
    ['returns a number', () => 0],
    ['returns an unknown code', () => 'all-good'],
  ];
  try {
    for (const [what, checker] of broken) {
      split.setSignatureChecker(checker);
      for (const [name, raw] of signed) {
        const r = split.verifySignatures(raw);
        assert.equal(r.cryptoValid, false, `${name}: checker ${what}`);
        assert.ok(JSON.stringify(r).includes('crypto-unavailable'), `${name}: checker ${what} reports crypto-unavailable`);
      }
    }
  } finally {
    split.setSignatureChecker(crypto.checkSignature);
  }
  assert.equal(split.verifySignatures(signed[0][1]).cryptoValid, true);
});
