// The page of bench/pkits-vs-pkijs.mjs: the same PKITS messages through our
// wasm Verifier and through PKI.js, in one page, one side per call, so the
// driver can alternate them. Both start from the raw message bytes in memory
// and end at a valid/invalid verdict, with the same settings: the PKITS trust
// anchor only, validation time 2020-01-01T00:00:00Z, revocation required
// (our "require"; PKI.js fails a path without revocation values), legacy
// algorithms allowed (ours allowLegacy; PKI.js has no such limit), no
// address check (PKI.js has none).
//
// window.bench.load(names) fetches everything and sets both sides up (not
// timed against either); runOurs() and runPkijs() each verify every message
// once and return { ms, verdicts, reasons }.
import init, { TrustStore, Verifier } from '/pkg/jmap_smime.js';
import * as pkijs from 'pkijs';
import { extractSmime } from './smime-extract.js';

const NOW = '2020-01-01T00:00:00Z';
const state = { messages: [], trust: null, anchor: null };
const OPTIONS = { revocation: 'require', allowLegacy: true, skipAddressCheck: true };

async function get(p) {
  const res = await fetch(p);
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function load(names) {
  const t0 = performance.now();
  await init();
  const initMs = performance.now() - t0;
  const anchorDer = await get('/pkits/certs/TrustAnchorRootCertificate.crt');
  const trust = TrustStore.empty();
  trust.addPem(anchorDer);
  state.trust = trust;
  state.anchor = pkijs.Certificate.fromBER(anchorDer);
  state.messages = await Promise.all(names.map((n) => get('/pkits/smime/' + n)));
  return { initMs, count: state.messages.length, secure: window.isSecureContext && !!crypto.subtle };
}

// Each run starts from a new Verifier (its memo of signature checks empty,
// so a run never reuses the previous run's work), made inside the timing.
// route "auto": verifyAsync with WebCrypto; "rust": the synchronous verify,
// pure Rust (issue 10's crypto seam).
async function runOurs(route = 'auto') {
  const verdicts = [];
  const reasons = [];
  const start = performance.now();
  const ours = new Verifier(state.trust, { ...OPTIONS, crypto: route });
  for (const m of state.messages) {
    const v = route === 'rust' ? ours.verify(m, { now: NOW }) : await ours.verifyAsync(m, { now: NOW });
    verdicts.push(v.status === 'signed/verified');
    reasons.push(v.errors.filter((e) => !e.warning).map((e) => e.code).join(' '));
  }
  return { ms: performance.now() - start, verdicts, reasons };
}

// PKI.js: extract the CMS (and the detached content), parse ContentInfo and
// SignedData, and SignedData.verify with checkChain. The CRLs the message
// carries sit in SignedData.crls, and verify hands them to its
// CertificateChainValidationEngine; passedWhenNotRevValues stays false, so a
// certificate without revocation values fails the path.
async function pkijsVerify(bytes, checkDate) {
  const { cms, content } = extractSmime(bytes);
  const info = pkijs.ContentInfo.fromBER(cms);
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error(`contentType ${info.contentType} is not signed-data`);
  const signed = new pkijs.SignedData({ schema: info.content });
  if (signed.signerInfos.length !== 1) throw new Error(`${signed.signerInfos.length} signers`);
  const params = { signer: 0, checkChain: true, trustedCerts: [state.anchor], checkDate, passedWhenNotRevValues: false };
  if (content) params.data = content.slice().buffer;
  return (await signed.verify(params)) === true;
}

async function runPkijs() {
  const checkDate = new Date(NOW);
  const verdicts = [];
  const reasons = [];
  const start = performance.now();
  for (const m of state.messages) {
    try {
      const ok = await pkijsVerify(m, checkDate);
      verdicts.push(ok);
      reasons.push(ok ? '' : 'signature does not verify');
    } catch (e) {
      verdicts.push(false);
      reasons.push(String((e && e.message) || e));
    }
  }
  return { ms: performance.now() - start, verdicts, reasons };
}

window.bench = { load, runOurs, runPkijs };
