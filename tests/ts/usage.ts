// Compile-time check of the generated TypeScript API (pkg/jmap_smime.d.ts):
// `tsc --noEmit -p tests/ts` must accept this file, and every line that follows an
// expect-error directive must really be a type error, or tsc fails.
import init, { verifySignatures, errorCodes, version, type SignatureReport, type Policy, type Structure } from "../../pkg/jmap_smime.js";

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
