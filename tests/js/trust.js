// Shared by the Node test, the browser page and the module Web Worker: the
// TrustStore and Verifier exports on one trust fixture. No Node or DOM APIs
// here: `load(path)` (path relative to tests/fixtures/) supplies the bytes.
// Returns a plain, structured-clone-able summary that the tests assert on.

export const ALICE = {
  message: 'trust/messages/baseline-alice.eml',
  root: 'pki/root.cert.pem',
  crls: ['trust/root.crl', 'trust/intermediate.crl'],
  at: '2026-01-01T00:00:00Z',
};

function summarize(v) {
  return {
    status: v.status,
    statusAtDelivery: v.statusAtDelivery,
    codes: v.errors.map((e) => e.code).sort(),
    fromMatches: v.fromMatches,
    senderMatches: v.senderMatches,
    anchor: v.signers[0]?.anchor,
    revocation: v.signers[0]?.revocation,
    chainLength: v.signers[0]?.chain.length,
  };
}

function thrown(f) {
  try {
    f();
    return null;
  } catch (e) {
    return { isError: e instanceof Error, code: e.code, message: String(e.message) };
  }
}

/**
 * @param {typeof import('../../pkg/jmap_smime.js')} api an initialised module
 * @param {(path: string) => Promise<Uint8Array>} load
 */
export async function runTrust(api, load) {
  const bundled = await api.TrustStore.bundled();
  const anchors = bundled.anchors();

  const trust = api.TrustStore.empty();
  const rootPem = new TextDecoder().decode(await load(ALICE.root));
  const added = trust.addPem(rootPem);
  const addedAgain = trust.addPem(new TextEncoder().encode(rootPem));
  const crls = await Promise.all(ALICE.crls.map(load));
  const message = await load(ALICE.message);

  const withCrls = new api.Verifier(trust, { revocation: 'require', crls });
  const verdict = withCrls.verify(message, { now: ALICE.at, receivedAt: new Date(ALICE.at) });
  const noCrl = new api.Verifier(trust, { revocation: 'require' }).verify(message, { now: Date.parse(ALICE.at) });
  // The bundled roots do not include the test root.
  const bundledOnly = new api.Verifier(bundled, { revocation: 'off' }).verify(message, { now: ALICE.at });

  return {
    bundledSize: bundled.size,
    anchorCount: anchors.length,
    firstAnchor: anchors[0],
    bundledFingerprint: bundled.fingerprint(),
    added,
    addedAgain,
    trustSize: trust.size,
    verifierFingerprintMatches: withCrls.trustFingerprint() === trust.fingerprint(),
    verdict: summarize(verdict),
    verdictIsPlain: JSON.stringify(JSON.parse(JSON.stringify(verdict))) === JSON.stringify(verdict),
    noCrl: summarize(noCrl),
    bundledOnly: summarize(bundledOnly),
    badRevocation: thrown(() => new api.Verifier(trust, { revocation: 'sometimes' })),
    badTime: thrown(() => withCrls.verify(message, { now: 'yesterday' })),
    badPem: thrown(() => trust.addPem('not a certificate')),
  };
}
