// Node-side helpers for the tests in this folder (not a test file itself).
import { access, readdir, readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';

export const PKG_DIR = new URL('../../pkg/', import.meta.url);
export const FIXTURES = new URL('../fixtures/', import.meta.url);

/** A file under tests/fixtures/, as bytes. */
export const fixtureBytes = async (p) => new Uint8Array(await readFile(new URL(p, FIXTURES)));

/** A file of pkg/, as bytes. */
export const pkgFile = (f) => readFile(new URL(f, PKG_DIR));

/** Every fixture message (messages/, then trust/messages/, names sorted): [name, bytes] pairs. */
export async function fixtureMessages() {
  const out = [];
  for (const dir of ['messages', 'trust/messages']) {
    for (const f of (await readdir(new URL(dir + '/', FIXTURES))).filter((n) => n.endsWith('.eml')).sort()) {
      out.push([`${dir}/${f}`, await fixtureBytes(`${dir}/${f}`)]);
    }
  }
  return out;
}

/** Fail with a useful message when the package has not been built. */
export async function requirePkg() {
  try {
    await access(new URL('jmap_smime_bg.wasm', PKG_DIR));
    await access(new URL('package.json', PKG_DIR));
  } catch {
    throw new Error('pkg/ is missing: run `bash scripts/build-wasm.sh` first');
  }
}

/** Import pkg/ as an ES module and initialise it with the .wasm bytes (Node). */
export async function loadPkgInNode() {
  await requirePkg();
  const manifest = JSON.parse(await readFile(new URL('package.json', PKG_DIR), 'utf8'));
  const api = await import(new URL(manifest.module, PKG_DIR).href);
  const bytes = await readFile(new URL('jmap_smime_bg.wasm', PKG_DIR));
  await api.default({ module_or_path: bytes });
  return { api, manifest };
}

/** The assertions every environment (Node, page, worker) must satisfy. */
export function assertSmoke(summary) {
  const { report } = summary;
  assert.equal(report.structure, 'unsigned');
  assert.equal(report.cryptoValid, false);
  assert.deepEqual(report.signers, []);
  assert.deepEqual(report.errors, []);
  assert.equal(report.certificateCount, 0);
  assert.equal(report.crlCount, 0);
  assert.equal(report.coverage, undefined);
  assert.equal(report.content, undefined);
  assert.equal(summary.legacyStructure, 'unsigned');
  assert.ok(summary.codes.includes('bad-signature'), `errorCodes(): ${summary.codes}`);
  assert.ok(summary.codes.includes('invalid-argument'), `errorCodes(): ${summary.codes}`);
  assert.match(summary.version, /^\d+\.\d+\.\d+/);
  assert.ok(summary.invalid, 'options {allowLegacy: "yes"} must throw');
  assert.equal(summary.invalid.isError, true);
  assert.equal(summary.invalid.code, 'invalid-argument');
  assert.match(summary.invalid.message, /allowLegacy|options/);
}

/** The TrustStore/Verifier assertions every environment must satisfy (trust.js). */
export function assertTrust(t) {
  assert.ok(t.bundledSize > 90, `bundled roots: ${t.bundledSize} anchors`);
  assert.equal(t.anchorCount, t.bundledSize);
  assert.match(t.firstAnchor.id, /^[0-9a-f]{64}$/);
  assert.ok(t.firstAnchor.label.length > 0);
  assert.ok(t.firstAnchor.subject.length > 0);
  assert.match(t.bundledFingerprint, /^[0-9a-f]{64}$/);
  assert.equal(t.added, 1);
  assert.equal(t.addedAgain, 0);
  assert.equal(t.trustSize, 1);
  assert.ok(t.verifierFingerprintMatches);
  assert.deepEqual(t.verdict, {
    status: 'signed/verified',
    statusAtDelivery: 'signed/verified',
    codes: [],
    fromMatches: true,
    senderMatches: null,
    anchor: t.verdict.anchor,
    revocation: 'good',
    chainLength: 2,
  });
  assert.ok(t.verdict.anchor, 'the verdict names its anchor');
  assert.ok(t.verdictIsPlain, 'the verdict survives JSON');
  assert.equal(t.noCrl.status, 'signed/failed');
  assert.deepEqual(t.noCrl.codes, ['revocation-unknown']);
  assert.equal(t.noCrl.statusAtDelivery, undefined);
  assert.equal(t.bundledOnly.status, 'signed/failed');
  assert.deepEqual(t.bundledOnly.codes, ['untrusted-root']);
  for (const [name, e] of Object.entries({ badRevocation: t.badRevocation, badTime: t.badTime, badPem: t.badPem })) {
    assert.ok(e, `${name} must throw`);
    assert.equal(e.isError, true, name);
    assert.equal(e.code, 'invalid-argument', name);
  }
  assert.match(t.badRevocation.message, /revocation|sometimes|variant/);
}
