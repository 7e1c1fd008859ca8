//! The closed vocabularies of the reports, and their TypeScript names
//! (issue 11). The generated `.d.ts` declares each as a string union
//! (`TYPESCRIPT`, a custom section of the wasm build), and the fields that
//! carry one name it (`tsify(type = ...)`), so a consumer comparing
//! `verdict.status` with a misspelt status, or switching on an error code
//! that does not exist, fails `tsc --strict`. The tests hold every union to
//! the values the code produces.

/// `SignerVerdict.revocation`: what revocation checking found for a path
/// that validated (a revoked path does not validate).
pub const REVOCATION_GOOD: &str = "good";
/// See [`REVOCATION_GOOD`].
pub const REVOCATION_UNKNOWN: &str = "unknown";
/// See [`REVOCATION_GOOD`].
pub const REVOCATION_NOT_CHECKED: &str = "not-checked";

/// `ChangeEvent.kind`: the delivery-time verdict moved (R12).
pub const CHANGE_AT_DELIVERY: &str = "at-delivery-changed";
/// `ChangeEvent.kind`: the status now moved.
pub const CHANGE_STATUS: &str = "status-changed";

/// The TypeScript declarations of the vocabularies.
pub const TYPESCRIPT: &str = r#"
/** An RFC 9219 status of a client verdict (`null` where there is no signature). */
export type SmimeStatus = "unknown" | "signed/verified" | "signed/failed";

/** `SignerVerdict.revocation`: what revocation checking found for a path that validated. */
export type RevocationResult = "good" | "unknown" | "not-checked";

/** `ChangeEvent.kind`. */
export type ChangeKind = "at-delivery-changed" | "status-changed";

/** A stable error code: `Problem.code`, and the `code` of every error the package throws (`errorCodes()` lists them; `internal` is the worker glue's, for an unexpected failure). */
export type ErrorCode =
    "malformed" |
    "limit-exceeded" |
    "bad-signature" |
    "digest-mismatch" |
    "weak-algorithm" |
    "unsupported-algorithm" |
    "algorithm-mismatch" |
    "signer-cert-not-found" |
    "bad-key" |
    "bad-signed-attributes" |
    "content-type-mismatch" |
    "unexpected-content-type" |
    "econtent-confusion" |
    "signing-certificate-mismatch" |
    "unsupported-version" |
    "no-signers" |
    "partial-signature" |
    "encrypted" |
    "unknown-protocol" |
    "invalid-argument" |
    "untrusted-root" |
    "cert-expired" |
    "cert-not-yet-valid" |
    "cert-revoked" |
    "revocation-unknown" |
    "bad-cert-signature" |
    "not-a-ca" |
    "path-length-exceeded" |
    "key-usage" |
    "name-constraints" |
    "policy-violation" |
    "unknown-critical-extension" |
    "path-budget-exceeded" |
    "address-mismatch" |
    "signer-without-address" |
    "signing-time-skew" |
    "jmap-unknown-capability" |
    "jmap-not-json" |
    "jmap-not-request" |
    "jmap-limit" |
    "jmap-request-failed" |
    "unauthorized" |
    "network-error" |
    "timeout" |
    "aborted" |
    "response-not-json" |
    "server-fail" |
    "server-unavailable" |
    "server-partial-fail" |
    "unknown-method" |
    "invalid-arguments" |
    "invalid-result-reference" |
    "forbidden" |
    "account-not-found" |
    "account-not-supported-by-method" |
    "account-read-only" |
    "anchor-not-found" |
    "unsupported-sort" |
    "unsupported-filter" |
    "cannot-calculate-changes" |
    "address-unparseable" |
    "ambiguous-mime" |
    "server-header-mismatch" |
    "work-budget-exceeded" |
    "crypto-unavailable" |
    "worker-failed" |
    "address-mapped" |
    "signer-renewed" |
    "signer-changed" |
    "internal";

/** What the package throws (and a rejected promise carries): an `Error` with a stable `code`. */
export interface JmapSmimeError extends Error {
    readonly code: ErrorCode;
}
"#;

/// The declaration of `isJmapSmimeError` (src/wasm/mod.rs), in the builds
/// that export it.
pub const TYPESCRIPT_GUARD: &str = r#"
/** Narrow a caught value: `catch (e) { if (isJmapSmimeError(e)) switch (e.code) { ... } }`. */
export function isJmapSmimeError(value: unknown): value is JmapSmimeError;
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;
    use crate::verifier::{SIGNED_FAILED, SIGNED_VERIFIED, UNKNOWN};

    /// The members of `export type NAME = "a" | "b" ...;` in TYPESCRIPT.
    fn union(name: &str) -> Vec<String> {
        let start = TYPESCRIPT.find(&format!("export type {name} =")).expect("declared");
        let body = &TYPESCRIPT[start..];
        let body = &body[body.find('=').unwrap() + 1..body.find(';').unwrap()];
        body.split('|').map(|m| m.trim().trim_matches('"').to_owned()).collect()
    }

    #[test]
    fn error_code_union_is_every_code() {
        let mut want: Vec<String> = Code::ALL.iter().map(|c| c.code().to_owned()).collect();
        // Raised by the worker glue in JS for an unexpected failure.
        want.push("internal".to_owned());
        assert_eq!(union("ErrorCode"), want);
    }

    #[test]
    fn status_revocation_and_change_unions_are_what_the_code_writes() {
        assert_eq!(union("SmimeStatus"), [UNKNOWN, SIGNED_VERIFIED, SIGNED_FAILED]);
        assert_eq!(union("RevocationResult"), [REVOCATION_GOOD, REVOCATION_UNKNOWN, REVOCATION_NOT_CHECKED]);
        assert_eq!(union("ChangeKind"), [CHANGE_AT_DELIVERY, CHANGE_STATUS]);
    }
}
