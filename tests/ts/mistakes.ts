// Issue 11: mistakes a webmail developer makes with the package's types,
// one per `@ts-expect-error`. `tsc --strict -p tests/ts` fails when any of
// them is NOT a type error (an unused directive is an error), so each line
// below is held to being caught. The correct forms around them must compile.
import {
  TrustStore,
  Verifier,
  isJmapSmimeError,
  type ChangeKind,
  type ErrorCode,
  type JmapSmimeError,
  type Page,
  type SmimeStatus,
  type Verdict,
} from "../../pkg/jmap_smime.js";
import { WorkerClient } from "../../pkg/worker-client.js";
import "../../pkg/ui.js";
import { localize, format, registerCatalog } from "../../pkg/i18n.js";

export function mistakes(verdict: Verdict, page: Page, raw: Uint8Array, trust: TrustStore): string[] {
  const out: string[] = [];

  // 1. A status RFC 9219 does not have ("verified" is a display level).
  // @ts-expect-error
  if (verdict.status === "verified") out.push("1");
  if (verdict.status === "signed/verified") out.push("ok");

  // 2. A status variable given a token of the server's vocabulary only.
  // @ts-expect-error
  const s: SmimeStatus = "signed";
  out.push(String(s));

  // 3. Revocation has no "revoked" (a revoked path does not validate).
  const signer = verdict.signers[0];
  // @ts-expect-error
  if (signer?.revocation === "revoked") out.push("3");

  // 4. An error code that does not exist.
  const first = verdict.errors[0];
  // @ts-expect-error
  if (first?.code === "bad-sig") out.push("4");
  if (first?.code === "bad-signature") out.push("ok");

  // 5. The same in a switch.
  const code: ErrorCode = first?.code ?? "malformed";
  switch (code) {
    case "cert-expired":
      break;
    // @ts-expect-error
    case "certificate-expired":
      break;
  }

  // 6. A display level that does not exist.
  const item = page.items[0];
  // @ts-expect-error
  if (item?.display.level === "green") out.push("6");

  // 7. A client source that does not exist ("off" is the server-only one).
  // @ts-expect-error
  if (item?.clientSource === "server") out.push("7");

  // 8. A change kind that does not exist.
  // @ts-expect-error
  const kind: ChangeKind = "added";
  out.push(kind);

  // 9. A revocation mode that does not exist.
  // @ts-expect-error
  new Verifier(trust, { revocation: "strict" });

  // 10. The internal copy is not part of the API.
  const v = new Verifier(trust);
  // @ts-expect-error
  v.__copy();

  // 11. A plain Error is not a JmapSmimeError: it has no code.
  // @ts-expect-error
  const e: JmapSmimeError = new Error("x");
  out.push(e.message);

  // 12. A caught value has no code until it is narrowed.
  try {
    v.verify(raw);
  } catch (caught) {
    // @ts-expect-error
    out.push(caught.code);
    if (isJmapSmimeError(caught)) out.push(caught.code);
  }

  // 13. The pool size is a number.
  // @ts-expect-error
  WorkerClient.start({ workers: "2" });

  // 14. A badge level that does not exist (<smime-badge>, jmap-smime/ui).
  const badge = document.createElement("smime-badge");
  badge.level = "verified";
  // @ts-expect-error
  badge.level = "green";

  // 15. A catalog section that does not exist (jmap-smime/i18n).
  const note = page.items[0]?.display.labelNote;
  if (note) out.push(format("labels", note, { locale: "de" }));
  // @ts-expect-error
  if (note) out.push(format("label", note));

  // 16. <smime-details> shows a verdict, not its label.
  const details = document.createElement("smime-details");
  details.verdict = page.items[0] ?? null;
  // @ts-expect-error
  details.verdict = "Verified";

  // 17. A unit of a catalog is a pair of forms, not one string.
  registerCatalog("fr", { labels: { verified: "Vérifié" }, units: { second: ["{n} seconde", "{n} secondes"] } });
  // @ts-expect-error
  registerCatalog("fr", { units: { second: "{n} seconde(s)" } });
  out.push(localize(page.items[0]!.display, { locale: "fr" }).label);

  return out;
}
