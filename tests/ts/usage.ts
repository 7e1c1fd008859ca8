// Compile-time check of the generated TypeScript API (pkg/jmap_smime.d.ts):
// `tsc --noEmit -p tests/ts` must accept this file, and every line that follows an
// expect-error directive must really be a type error, or tsc fails.
import init, {
  verifySignatures,
  errorCodes,
  version,
  TrustStore,
  Verifier,
  type SignatureReport,
  type Policy,
  type Structure,
  type AnchorInfo,
  type Verdict,
  type VerifierOptions,
  type VerifyTimes,
  type RevocationMode,
  type SignedHeaders,
  type SignedBody,
  type BodyPart,
  type HeaderCoverage,
  type MessageAddress,
} from "../../pkg/jmap_smime.js";

export async function usage(raw: Uint8Array): Promise<string[]> {
  await init();
  const strict: SignatureReport = verifySignatures(raw);
  const policy: Policy = { allowLegacy: true };
  const legacy = verifySignatures(raw, policy);
  const s: Structure = strict.structure;
  const out: string[] = [s, version(), ...errorCodes()];
  for (const signer of legacy.signers) {
    out.push(signer.signatureAlgorithm, signer.error?.code ?? "valid", ...(signer.certificate?.emails ?? []));
  }
  if (strict.coverage?.canonicalization === "crlf") out.push(strict.coverage.part);
  // @ts-expect-error allowLegacy is a boolean
  verifySignatures(raw, { allowLegacy: "yes" });
  // @ts-expect-error unknown structure token
  const bad: Structure = "verified";
  out.push(bad);
  return out;
}

export async function trustUsage(raw: Uint8Array, myRoot: string, crl: Uint8Array, receivedAt: string): Promise<string[]> {
  await init();
  const trust: TrustStore = await TrustStore.bundled();
  const added: number = trust.addPem(myRoot);
  trust.addPem(new Uint8Array([0x30]));
  const fromBytes: TrustStore = TrustStore.fromBundle(new Uint8Array(0));
  const empty = TrustStore.empty();
  const anchors: AnchorInfo[] = trust.anchors();
  const removed: boolean = trust.remove(anchors[0].id);
  const mode: RevocationMode = "prefer";
  const options: VerifierOptions = { revocation: mode, allowLegacy: false, skipAddressCheck: false, intermediates: [myRoot, crl], crls: [crl] };
  const v = new Verifier(trust, options);
  new Verifier(empty);
  const verdict: Verdict = v.verify(raw, { receivedAt });
  const times: VerifyTimes[] = [{ now: new Date() }, { now: Date.now() }, { now: "2026-01-01T00:00:00Z", receivedAt: new Date() }, {}];
  for (const at of times) v.verify(raw, at);
  const out: string[] = [trust.fingerprint(), fromBytes.fingerprint(), String(trust.size + added), String(removed), v.trustFingerprint()];
  out.push(verdict.status ?? "no signature", verdict.statusAtDelivery ?? "-", String(verdict.fromMatches), String(verdict.senderMatches));
  for (const s of verdict.signers) out.push(s.revocation, s.anchor ?? "", ...s.chain.map((c) => c.subject), s.pathError?.code ?? "");
  for (const a of anchors) out.push(a.label, a.subject, a.fingerprintSha256 ?? "");
  // Issue 9 §3: the headers read from the checked bytes, with their coverage,
  // and the signed entity's displayable parts.
  const headers: SignedHeaders | null = verdict.headers;
  const from: MessageAddress[] = headers?.from?.mailboxes ?? [];
  const fromCoverage: HeaderCoverage | undefined = headers?.from?.coverage;
  out.push(...from.map((m) => `${m.name ?? ""} <${m.email}>`), fromCoverage ?? "none", headers?.from?.raw ?? "", headers?.from?.inner ?? "");
  out.push(headers?.sender?.raw ?? "", headers?.subject?.value ?? "", headers?.subject?.coverage ?? "", headers?.date?.time ?? "", headers?.date?.raw ?? "");
  const body: SignedBody | null = verdict.body;
  const parts: BodyPart[] = body?.parts ?? [];
  for (const p of parts) out.push(p.part, p.contentType, p.charset, p.text, p.alternative ?? "");
  out.push(body?.error?.code ?? "");
  // @ts-expect-error coverage is "signed" | "address-checked" | "not-covered"
  const covered: HeaderCoverage = "covered";
  out.push(covered);
  // @ts-expect-error the parts are an array
  const part: BodyPart = verdict.body?.parts;
  out.push(String(part));
  // @ts-expect-error revocation is "require" | "prefer" | "off"
  new Verifier(trust, { revocation: "sometimes" });
  // @ts-expect-error allowLegacy is a boolean
  new Verifier(trust, { allowLegacy: "yes" });
  // @ts-expect-error intermediates are PEM strings or bytes
  new Verifier(trust, { intermediates: [42] });
  // @ts-expect-error a time is a Date, epoch milliseconds or an RFC 3339 string
  v.verify(raw, { now: true });
  // @ts-expect-error the Verifier takes a TrustStore, not PEM
  new Verifier(myRoot);
  // @ts-expect-error size is read-only
  trust.size = 3;
  return out;
}
