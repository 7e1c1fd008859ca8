// The package in pkg/ as an ES module in Node >= 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
  for (const f of ['jmap_smime.js', 'jmap_smime.d.ts', 'jmap_smime_bg.wasm', 'email-roots.bin', 'snippets/']) {
    assert.ok(manifest.files.includes(f), `files lists ${f}`);
  }
});

// Issue 11: init() with no argument, as in a page, in a fresh Node process
// (this one is initialised already): the module's URL is a file: URL, and
// the .wasm is read from disk; the same for the split modules' loader.
test('init() and loadVerifier() with no argument read the wasm from disk in Node', () => {
  const run = (code) => execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).trim();
  const dir = fileURLToPath(PKG_DIR);
  const full = run(`const m = await import(${JSON.stringify(dir + 'jmap_smime.js')}); await m.default();`
    + ' const t = await m.TrustStore.bundled(); console.log(m.version(), t.size > 0);');
  assert.equal(full, `${manifest.version} true`);
  if (manifest.files.includes('loader.js')) {
    const split = run(`const { loadVerifier } = await import(${JSON.stringify(dir + 'loader.js')});`
      + ' const api = await loadVerifier(); console.log(api.version());');
    assert.equal(split, manifest.version);
  }
});

test('the manifest: metadata, licences, README, and sideEffects naming the worker', async () => {
  for (const key of ['description', 'license', 'repository', 'homepage', 'bugs', 'keywords', 'engines']) {
    assert.ok(manifest[key], `package.json has ${key}`);
  }
  // The files that define custom elements or run as a worker; i18n.js has none.
  assert.deepEqual(manifest.sideEffects, ['./worker.js', './ui.js', './ui-badge.js', './ui-details.js']);
  for (const f of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.ok(manifest.files.includes(f), `files lists ${f}`);
    assert.ok((await readFile(new URL(f, PKG_DIR), 'utf8')).length > 500, `${f} has its text`);
  }
  // Every file the manifest names or exports is in the package.
  const named = [...manifest.files, ...Object.values(manifest.exports).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)))];
  for (const f of new Set(named.map((n) => n.replace(/^\.\//, '')))) {
    const st = await stat(new URL(f, PKG_DIR));
    assert.equal(st.isDirectory(), f.endsWith('/'), `${f} is in the package`);
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

test('isJmapSmimeError tells the package\'s errors from others', () => {
  let thrown;
  try { api.verifySignatures(new Uint8Array([0x41]), 42); } catch (e) { thrown = e; }
  assert.equal(api.isJmapSmimeError(thrown), true);
  assert.equal(api.isJmapSmimeError(new Error('x')), false);
  assert.equal(api.isJmapSmimeError(Object.assign(new Error('x'), { code: 'no-such-code' })), false);
  assert.equal(api.isJmapSmimeError({ code: 'malformed' }), false, 'not an Error');
  assert.equal(api.isJmapSmimeError(Object.assign(new Error('x'), { code: 'worker-failed' })), true);
});

test('non-object options are refused with invalid-argument', () => {
  const bytes = new Uint8Array([0x41]);
  assert.throws(() => api.verifySignatures(bytes, 42), (e) => e instanceof Error && e.code === 'invalid-argument');
});

test('TrustStore.bundled() reads email-roots.bin next to the module, and the Verifier, in Node', async () => {
  assertTrust(await runTrust(api, load));
});

test('TrustStore.bundled(source) takes the bytes or a URL instead', async () => {
  const bytes = await readFile(new URL('email-roots.bin', PKG_DIR));
  const fromBytes = await api.TrustStore.bundled(new Uint8Array(bytes));
  const fromUrl = await api.TrustStore.bundled(new URL('email-roots.bin', PKG_DIR));
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

test('known certificates (options.intermediates) identify a signer the message omits (issue 12 §1)', async () => {
  const pem = async (n) => readFile(new URL(`pki/${n}.cert.pem`, FIXTURES), 'utf8');
  const trust = api.TrustStore.empty();
  trust.addPem(await pem('root'));
  const raw = await load('outside/alice-opaque-nocerts.eml');
  const at = { now: '2026-01-01T00:00:00Z' };
  const alone = new api.Verifier(trust, { revocation: 'off' }).verify(raw, at);
  assert.equal(alone.status, 'signed/failed');
  assert.ok(alone.errors.some((e) => e.code === 'signer-cert-not-found'), JSON.stringify(alone.errors));
  const known = new api.Verifier(trust, { revocation: 'off', intermediates: [await pem('alice'), await pem('intermediate')] }).verify(raw, at);
  assert.equal(known.status, 'signed/verified', JSON.stringify(known.errors));
  // Never an anchor: the root among the known certificates, no trust store root.
  const none = new api.Verifier(api.TrustStore.empty(), { revocation: 'off', intermediates: [await pem('alice'), await pem('intermediate'), await pem('root')] }).verify(raw, at);
  assert.ok(none.errors.some((e) => e.code === 'untrusted-root'), JSON.stringify(none.errors));
});

test('options.ocsp: supplied OCSP responses decide revocation; a tryLater response is refused (issue 12 §3)', async () => {
  const trust = api.TrustStore.empty();
  trust.addPem(await readFile(new URL('pki/root.cert.pem', FIXTURES), 'utf8'));
  const raw = await load('ocsp/embedded-none.eml');
  const seconds = Number((await readFile(new URL('ocsp/validation-time', FIXTURES), 'utf8')).trim());
  const at = { now: new Date(seconds * 1000) };
  const der = async (n) => new Uint8Array(await readFile(new URL(`ocsp/${n}.der`, FIXTURES)));
  const none = new api.Verifier(trust, { revocation: 'require' }).verify(raw, at);
  assert.ok(none.errors.some((e) => e.code === 'revocation-unknown'), JSON.stringify(none.errors));
  const good = new api.Verifier(trust, { revocation: 'require', ocsp: [await der('alice-good-ca'), await der('intermediate-good')] }).verify(raw, at);
  assert.equal(good.status, 'signed/verified', JSON.stringify(good.errors));
  assert.equal(good.signers[0].revocation, 'good');
  const revoked = new api.Verifier(trust, { ocsp: [await der('alice-revoked'), await der('intermediate-good')] }).verify(raw, at);
  assert.ok(revoked.errors.some((e) => e.code === 'cert-revoked' && /keyCompromise/.test(e.message)), JSON.stringify(revoked.errors));
  assert.throws(() => new api.Verifier(trust, { ocsp: [new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x03])] }), (e) => e.code === 'invalid-argument' && /tryLater/.test(e.message));
});

test('addressMap: a configured mapping verifies, shows in the verdict, and a bad one is refused (issue 12 §6)', async () => {
  const trust = api.TrustStore.empty();
  trust.addPem(await readFile(new URL('pki/root.cert.pem', FIXTURES), 'utf8'));
  const text = new TextDecoder().decode(await load('messages/rsa2048-sha256-detached.eml'));
  const raw = new TextEncoder().encode(text.replace('From: Alice Example <alice@example.com>', 'From: Team <team@example.com>'));
  const at = { now: '2026-01-01T00:00:00Z' };
  const plain = new api.Verifier(trust, { revocation: 'off' }).verify(raw, at);
  assert.ok(plain.errors.some((e) => e.code === 'address-mismatch'), JSON.stringify(plain.errors));
  assert.equal(plain.addressMapped, undefined);
  const addressMap = [{ certificate: 'alice@example.com', address: 'team@example.com' }];
  const mapped = new api.Verifier(trust, { revocation: 'off', addressMap }).verify(raw, at);
  assert.equal(mapped.status, 'signed/verified', JSON.stringify(mapped.errors));
  assert.deepEqual(mapped.addressMapped, addressMap);
  const own = mapped.errors.filter((e) => e.code !== 'signing-time-skew'); // the fixture's Date predates its signing time
  assert.deepEqual(own.map((e) => [e.code, e.warning]), [['address-mapped', true]]);
  assert.match(own[0].message, /alice@example\.com signs for team@example\.com/);
  const bad = (() => { try { return new api.Verifier(trust, { addressMap: [{ certificate: 'alice', address: 'team@example.com' }] }); } catch (e) { return e; } })();
  assert.equal(bad.code, 'invalid-argument');
});

test('CertificateMemory: learns, lends, warns on a changed signer, survives toBytes/fromBytes (issue 12 §2)', async () => {
  const trust = api.TrustStore.empty();
  trust.addPem(await readFile(new URL('pki/root.cert.pem', FIXTURES), 'utf8'));
  const at = { now: '2026-01-01T00:00:00Z' };
  const memory = new api.CertificateMemory();
  const v = new api.Verifier(trust, { revocation: 'off' }).withMemory(memory);
  const missing = await load('messages/signer-cert-missing-detached.eml');
  assert.ok(v.verify(missing, at).errors.some((e) => e.code === 'signer-cert-not-found'), 'nothing learnt yet');
  assert.equal(v.verify(await load('messages/rsa2048-sha256-detached.eml'), at).status, 'signed/verified');
  assert.equal(memory.size, 1);
  // Kept as bytes (IndexedDB) and read back in another verifier, on the async (WebCrypto-capable) route.
  const again = api.CertificateMemory.fromBytes(memory.toBytes());
  const v2 = new api.Verifier(trust, { revocation: 'off' }).withMemory(again);
  assert.equal((await v2.verifyAsync(missing, at)).status, 'signed/verified', 'lent from the memory');
  const changed = await v2.verifyAsync(await load('memory/alice-newkey.eml'), at);
  assert.equal(changed.status, 'signed/verified');
  assert.equal(changed.signerChange?.kind, 'changed');
  assert.equal(changed.signerChange?.sameKey, false);
  assert.ok(changed.errors.some((e) => e.code === 'signer-changed' && e.warning), JSON.stringify(changed.errors));
  assert.equal(again.size, 2, 'the new certificate is seen');
  // Not accepted: the warning stays, until the reader accepts the certificate.
  const newkey = await load('memory/alice-newkey.eml');
  assert.ok((await v2.verifyAsync(newkey, at)).errors.some((e) => e.code === 'signer-changed'));
  assert.equal(again.accept('alice@example.com', changed.signerChange.fingerprint), true);
  const accepted = await v2.verifyAsync(newkey, at);
  assert.equal(accepted.signerChange, undefined);
  assert.ok(!accepted.errors.some((e) => e.code.startsWith('signer-')), JSON.stringify(accepted.errors));
  const bad = (() => { try { return api.CertificateMemory.fromBytes(new TextEncoder().encode('{}')); } catch (e) { return e; } })();
  assert.equal(bad.code, 'malformed');
});
