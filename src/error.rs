//! Errors as data. Every failure that can reach a user has a stable [`Code`]
//! string (it crosses into JS as `error.code`) and a message that says what
//! failed and what the reader can do about it.

use core::fmt;

/// Stable error codes. The `code()` strings are part of the public API: never
/// rename one, only add.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// The input could not be parsed (MIME, BER/DER, certificate).
    Malformed,
    /// A bound in `limits.rs` was reached; the input is refused, not truncated.
    LimitExceeded,
    /// The signature value does not verify under the signer's key.
    BadSignature,
    /// The message-digest attribute differs from the digest of the content.
    DigestMismatch,
    /// An algorithm refused by default (SHA-1, MD5, DSA, RSA < 2048 bits).
    WeakAlgorithm,
    /// An algorithm this library does not implement.
    UnsupportedAlgorithm,
    /// Digest, signature and key algorithms of one signer disagree.
    AlgorithmMismatch,
    /// No certificate in the message matches the SignerInfo's identifier.
    SignerCertNotFound,
    /// The signer's public key could not be decoded.
    BadKey,
    /// Signed attributes break RFC 5652 §11 (missing, repeated, multi-valued).
    BadSignedAttributes,
    /// The content-type attribute differs from eContentType.
    ContentTypeMismatch,
    /// eContentType is not id-data (RFC 8551 §2.4.2 / R20).
    UnexpectedContentType,
    /// A detached signature whose SignedData also carries eContent, or an
    /// opaque one without it.
    EcontentConfusion,
    /// signingCertificate(V2) does not identify the selected certificate.
    SigningCertificateMismatch,
    /// An unknown SignerInfo or SignedData version.
    UnsupportedVersion,
    /// A SignedData with zero SignerInfos: not a signature.
    NoSigners,
    /// A signed entity sits inside an unsigned container: it does not vouch
    /// for the message.
    PartialSignature,
    /// The message is encrypted; this library cannot decrypt.
    Encrypted,
    /// multipart/signed with a protocol that is not S/MIME (e.g. OpenPGP).
    UnknownProtocol,
    /// Invalid arguments from the caller (not the message).
    InvalidArgument,
    /// No path from the signer's certificate to a trusted root.
    UntrustedRoot,
    /// A certificate in the path had expired at the validation time.
    CertExpired,
    /// A certificate in the path was not yet valid at the validation time.
    CertNotYetValid,
    /// A certificate in the path is revoked.
    CertRevoked,
    /// Revocation status could not be determined.
    RevocationUnknown,
    /// A certificate or CRL signature in the path does not verify.
    BadCertSignature,
    /// An issuing certificate is not a CA (basicConstraints, keyCertSign).
    NotACa,
    /// A CA's pathLenConstraint is exceeded.
    PathLengthExceeded,
    /// The signer certificate's keyUsage or extendedKeyUsage does not allow email signing.
    KeyUsage,
    /// A name in the path is outside an authority's name constraints.
    NameConstraints,
    /// Certificate policy processing failed (RFC 5280 §6.1).
    PolicyViolation,
    /// A certificate carries a critical extension this verifier does not process.
    UnknownCriticalExtension,
    /// Path building gave up: too many candidate paths or signature checks.
    PathBudgetExceeded,
    /// The signer's certificate does not name the From (or Sender) address.
    AddressMismatch,
    /// The signer certificate carries no email address.
    SignerWithoutAddress,
    /// A configured address mapping let the signer's certificate address sign
    /// for the From or Sender address (a warning, issue 12 §6).
    AddressMapped,
    /// The signer's certificate for this From address is not the one seen
    /// before, but the same authority issued it for the same key (a warning,
    /// issue 12 §2).
    SignerRenewed,
    /// The signer's certificate for this From address is not the one seen
    /// before: another authority or another key (a warning, issue 12 §2).
    SignerChanged,
    /// The claimed signing time differs from the Date header by more than an hour.
    SigningTimeSkew,
    /// The server does not support a capability the request named (RFC 8620 §3.6.1 unknownCapability).
    JmapUnknownCapability,
    /// The server could not parse the request as JSON (notJSON).
    JmapNotJson,
    /// The request was JSON but not a valid Request object (notRequest).
    JmapNotRequest,
    /// The request exceeded a server limit (limit).
    JmapLimit,
    /// Another request-level problem, or an HTTP error status.
    JmapRequestFailed,
    /// HTTP 401/403: the credentials were refused.
    Unauthorized,
    /// The HTTP request did not complete (DNS, connection, CORS).
    NetworkError,
    /// The request took longer than the configured timeout.
    Timeout,
    /// The caller aborted the operation (AbortSignal).
    Aborted,
    /// The server's answer was not JSON, or not the JMAP object expected.
    ResponseNotJson,
    /// Method error serverFail, or a method error type this client does not know (R13).
    ServerFail,
    /// Method error serverUnavailable.
    ServerUnavailable,
    /// Method error serverPartialFail.
    ServerPartialFail,
    /// Method error unknownMethod.
    UnknownMethod,
    /// Method error invalidArguments.
    InvalidArguments,
    /// Method error invalidResultReference.
    InvalidResultReference,
    /// Method error forbidden.
    Forbidden,
    /// Method error accountNotFound.
    AccountNotFound,
    /// Method error accountNotSupportedByMethod.
    AccountNotSupported,
    /// Method error accountReadOnly.
    AccountReadOnly,
    /// Email/query anchorNotFound.
    AnchorNotFound,
    /// Email/query unsupportedSort.
    UnsupportedSort,
    /// Email/query unsupportedFilter (R10).
    UnsupportedFilter,
    /// Email/changes cannotCalculateChanges.
    CannotCalculateChanges,
    /// The From or Sender field does not parse strictly (RFC 5322 §3.6.2,
    /// §3.4 without obsolete forms or groups): it is not compared, so the
    /// message cannot be verified.
    AddressUnparseable,
    /// The MIME structure can be read two ways (two Content-Type fields, a
    /// parameter given twice, a line break only some readers see...), so what a
    /// signature covers cannot be decided.
    AmbiguousMime,
    /// The server's Email object shows a From or Sender that differs from the
    /// message that was downloaded and checked (issue 9 §3).
    ServerHeaderMismatch,
    /// The message's public-key and hashing work exceeded the per-message budget.
    WorkBudgetExceeded,
    /// A public-key check was needed but this build computes none itself and
    /// no crypto part was connected (issue 10, a smaller first load).
    CryptoUnavailable,
    /// A Web Worker of `WorkerClient` did not start (its script or module
    /// could not be loaded, or the page's CSP refused it); raised in JS.
    WorkerFailed,
}

impl Code {
    /// Every code, for documentation and tests.
    pub const ALL: &'static [Code] = &[
        Code::Malformed,
        Code::LimitExceeded,
        Code::BadSignature,
        Code::DigestMismatch,
        Code::WeakAlgorithm,
        Code::UnsupportedAlgorithm,
        Code::AlgorithmMismatch,
        Code::SignerCertNotFound,
        Code::BadKey,
        Code::BadSignedAttributes,
        Code::ContentTypeMismatch,
        Code::UnexpectedContentType,
        Code::EcontentConfusion,
        Code::SigningCertificateMismatch,
        Code::UnsupportedVersion,
        Code::NoSigners,
        Code::PartialSignature,
        Code::Encrypted,
        Code::UnknownProtocol,
        Code::InvalidArgument,
        Code::UntrustedRoot,
        Code::CertExpired,
        Code::CertNotYetValid,
        Code::CertRevoked,
        Code::RevocationUnknown,
        Code::BadCertSignature,
        Code::NotACa,
        Code::PathLengthExceeded,
        Code::KeyUsage,
        Code::NameConstraints,
        Code::PolicyViolation,
        Code::UnknownCriticalExtension,
        Code::PathBudgetExceeded,
        Code::AddressMismatch,
        Code::SignerWithoutAddress,
        Code::SigningTimeSkew,
        Code::JmapUnknownCapability,
        Code::JmapNotJson,
        Code::JmapNotRequest,
        Code::JmapLimit,
        Code::JmapRequestFailed,
        Code::Unauthorized,
        Code::NetworkError,
        Code::Timeout,
        Code::Aborted,
        Code::ResponseNotJson,
        Code::ServerFail,
        Code::ServerUnavailable,
        Code::ServerPartialFail,
        Code::UnknownMethod,
        Code::InvalidArguments,
        Code::InvalidResultReference,
        Code::Forbidden,
        Code::AccountNotFound,
        Code::AccountNotSupported,
        Code::AccountReadOnly,
        Code::AnchorNotFound,
        Code::UnsupportedSort,
        Code::UnsupportedFilter,
        Code::CannotCalculateChanges,
        Code::AddressUnparseable,
        Code::AmbiguousMime,
        Code::ServerHeaderMismatch,
        Code::WorkBudgetExceeded,
        Code::CryptoUnavailable,
        Code::WorkerFailed,
        Code::AddressMapped,
        Code::SignerRenewed,
        Code::SignerChanged,
    ];

    /// The stable identifier.
    pub const fn code(self) -> &'static str {
        match self {
            Code::Malformed => "malformed",
            Code::LimitExceeded => "limit-exceeded",
            Code::BadSignature => "bad-signature",
            Code::DigestMismatch => "digest-mismatch",
            Code::WeakAlgorithm => "weak-algorithm",
            Code::UnsupportedAlgorithm => "unsupported-algorithm",
            Code::AlgorithmMismatch => "algorithm-mismatch",
            Code::SignerCertNotFound => "signer-cert-not-found",
            Code::BadKey => "bad-key",
            Code::BadSignedAttributes => "bad-signed-attributes",
            Code::ContentTypeMismatch => "content-type-mismatch",
            Code::UnexpectedContentType => "unexpected-content-type",
            Code::EcontentConfusion => "econtent-confusion",
            Code::SigningCertificateMismatch => "signing-certificate-mismatch",
            Code::UnsupportedVersion => "unsupported-version",
            Code::NoSigners => "no-signers",
            Code::PartialSignature => "partial-signature",
            Code::Encrypted => "encrypted",
            Code::UnknownProtocol => "unknown-protocol",
            Code::InvalidArgument => "invalid-argument",
            Code::UntrustedRoot => "untrusted-root",
            Code::CertExpired => "cert-expired",
            Code::CertNotYetValid => "cert-not-yet-valid",
            Code::CertRevoked => "cert-revoked",
            Code::RevocationUnknown => "revocation-unknown",
            Code::BadCertSignature => "bad-cert-signature",
            Code::NotACa => "not-a-ca",
            Code::PathLengthExceeded => "path-length-exceeded",
            Code::KeyUsage => "key-usage",
            Code::NameConstraints => "name-constraints",
            Code::PolicyViolation => "policy-violation",
            Code::UnknownCriticalExtension => "unknown-critical-extension",
            Code::PathBudgetExceeded => "path-budget-exceeded",
            Code::AddressMismatch => "address-mismatch",
            Code::SignerWithoutAddress => "signer-without-address",
            Code::SigningTimeSkew => "signing-time-skew",
            Code::JmapUnknownCapability => "jmap-unknown-capability",
            Code::JmapNotJson => "jmap-not-json",
            Code::JmapNotRequest => "jmap-not-request",
            Code::JmapLimit => "jmap-limit",
            Code::JmapRequestFailed => "jmap-request-failed",
            Code::Unauthorized => "unauthorized",
            Code::NetworkError => "network-error",
            Code::Timeout => "timeout",
            Code::Aborted => "aborted",
            Code::ResponseNotJson => "response-not-json",
            Code::ServerFail => "server-fail",
            Code::ServerUnavailable => "server-unavailable",
            Code::ServerPartialFail => "server-partial-fail",
            Code::UnknownMethod => "unknown-method",
            Code::InvalidArguments => "invalid-arguments",
            Code::InvalidResultReference => "invalid-result-reference",
            Code::Forbidden => "forbidden",
            Code::AccountNotFound => "account-not-found",
            Code::AccountNotSupported => "account-not-supported-by-method",
            Code::AccountReadOnly => "account-read-only",
            Code::AnchorNotFound => "anchor-not-found",
            Code::UnsupportedSort => "unsupported-sort",
            Code::UnsupportedFilter => "unsupported-filter",
            Code::CannotCalculateChanges => "cannot-calculate-changes",
            Code::AddressUnparseable => "address-unparseable",
            Code::AmbiguousMime => "ambiguous-mime",
            Code::ServerHeaderMismatch => "server-header-mismatch",
            Code::WorkBudgetExceeded => "work-budget-exceeded",
            Code::CryptoUnavailable => "crypto-unavailable",
            Code::WorkerFailed => "worker-failed",
            Code::AddressMapped => "address-mapped",
            Code::SignerRenewed => "signer-renewed",
            Code::SignerChanged => "signer-changed",
        }
    }

    /// What the failure means for the reader, and what to do.
    pub const fn advice(self) -> &'static str {
        match self {
            Code::Malformed => "The message or its signature is not well-formed; it cannot be treated as signed. Ask the sender to resend it.",
            Code::LimitExceeded => "The message exceeds a safety limit of this verifier and was not checked.",
            Code::BadSignature => "The signature does not match: the message or its signed attributes were changed after signing, or the signature is forged.",
            Code::DigestMismatch => "The message content differs from what was signed: it was modified in transit or by a mail system.",
            Code::WeakAlgorithm => "The signature uses an algorithm that is no longer considered secure; it is refused unless legacy algorithms are explicitly allowed.",
            Code::UnsupportedAlgorithm => "The signature uses an algorithm this verifier does not implement.",
            Code::AlgorithmMismatch => "The signer's digest, signature and key algorithms do not agree with each other.",
            Code::SignerCertNotFound => "The signer's certificate is not included in the message, so the signature cannot be checked.",
            Code::BadKey => "The signer certificate's public key could not be read.",
            Code::BadSignedAttributes => "The signed attributes break the CMS rules (missing, repeated or multi-valued content-type or message-digest).",
            Code::ContentTypeMismatch => "The signed content-type attribute does not match the content that is carried.",
            Code::UnexpectedContentType => "The signed content is not plain MIME data (id-data), which S/MIME requires.",
            Code::EcontentConfusion => "The signature's structure does not match its MIME form (a detached signature that also carries content, or an opaque one without content).",
            Code::SigningCertificateMismatch => "The signing-certificate attribute names a different certificate than the one that signed.",
            Code::UnsupportedVersion => "The signature uses a CMS version this verifier does not know.",
            Code::NoSigners => "The signature container has no signers; the message is not signed.",
            Code::PartialSignature => "Only part of this message is signed; the rest (possibly the part you see) is not covered by any signature.",
            Code::Encrypted => "The message is encrypted; decrypt it in a client that holds the key to check any signature inside.",
            Code::UnknownProtocol => "The message is signed with a protocol other than S/MIME (for example OpenPGP); it was not checked.",
            Code::InvalidArgument => "The verifier was called with an invalid argument.",
            Code::UntrustedRoot => "The signer's certificate does not lead to a trusted root: it may be self-signed, from an unknown authority, or missing an intermediate. Verify the sender another way, or import their root if you trust it.",
            Code::CertExpired => "A certificate in the signer's chain had expired at the time checked.",
            Code::CertNotYetValid => "A certificate in the signer's chain was not yet valid at the time checked; check this device's clock.",
            Code::CertRevoked => "A certificate in the signer's chain has been revoked by its authority: do not trust this signature.",
            Code::RevocationUnknown => "Whether the signer's certificate was revoked could not be determined (no usable revocation list).",
            Code::BadCertSignature => "A certificate in the signer's chain carries a signature that does not verify: the chain is forged or corrupted.",
            Code::NotACa => "A certificate in the chain was used to issue others but is not allowed to (not a CA).",
            Code::PathLengthExceeded => "The chain is longer than one of its authorities allows.",
            Code::KeyUsage => "The signer's certificate is not meant for signing email (key usage).",
            Code::NameConstraints => "A name in the signer's certificate is outside what its authority may certify.",
            Code::PolicyViolation => "The chain does not meet the required certificate policies.",
            Code::UnknownCriticalExtension => "A certificate in the chain has a critical extension this verifier does not understand, so it must be rejected.",
            Code::PathBudgetExceeded => "The certificate chain is too tangled to check within this verifier's limits.",
            Code::AddressMismatch => "The signature was made by someone whose certificate does not name the sender's address: the message may impersonate the sender.",
            Code::SignerWithoutAddress => "The signer's certificate names no email address, so it cannot vouch for the sender.",
            Code::SigningTimeSkew => "The signer's claimed signing time is far from the message's Date; it is only a claim.",
            Code::JmapUnknownCapability => "The mail server does not support a capability this client asked for; the request was refused. Reconnect so the client can re-read what the server supports.",
            Code::JmapNotJson => "The mail server could not read the request as JSON. This is a client bug: report it.",
            Code::JmapNotRequest => "The mail server did not accept the request's structure. This is a client bug: report it.",
            Code::JmapLimit => "The request exceeded a limit of the mail server; try a smaller page.",
            Code::JmapRequestFailed => "The mail server refused the request. Try again later; if it persists, contact the server's administrator.",
            Code::Unauthorized => "The mail server refused the credentials: sign in again.",
            Code::NetworkError => "The mail server could not be reached (network, or a cross-origin policy of the server). Check the connection and try again.",
            Code::Timeout => "The mail server did not answer in time. Try again later.",
            Code::Aborted => "The operation was cancelled.",
            Code::ResponseNotJson => "The mail server sent an answer this client cannot read (not JMAP JSON): the URL may point elsewhere, or a proxy interfered.",
            Code::ServerFail => "The mail server failed to process the request. Try again later.",
            Code::ServerUnavailable => "The mail server is temporarily unavailable. Try again later.",
            Code::ServerPartialFail => "The mail server only partly processed the request; reload to see the current state.",
            Code::UnknownMethod => "The mail server does not know a method this client called.",
            Code::InvalidArguments => "The mail server rejected the request's arguments.",
            Code::InvalidResultReference => "The mail server could not resolve a reference between the request's calls.",
            Code::Forbidden => "This account may not perform the operation.",
            Code::AccountNotFound => "The account does not exist on the mail server (any more). Reconnect.",
            Code::AccountNotSupported => "The account does not support this operation.",
            Code::AccountReadOnly => "The account is read-only.",
            Code::AnchorNotFound => "The message the page was anchored to is no longer in the list; reload from the top.",
            Code::UnsupportedSort => "The mail server cannot sort this way; choose another sort order.",
            Code::UnsupportedFilter => "The mail server cannot filter this way (for example by S/MIME status); remove the filter.",
            Code::CannotCalculateChanges => "The mail server cannot say what changed since the state given; reload the page.",
            Code::AddressUnparseable => "The sender's address field is not written in the strict standard form, so mail programs may show different addresses for it; it was not compared with the signature and the message is not verified. Ask the sender to fix their mail program's From header.",
            Code::AmbiguousMime => "Mail programs would read this message's MIME structure in different ways, so what a signature covers cannot be decided; it is not treated as signed. Ask the sender to resend it.",
            Code::ServerHeaderMismatch => "The mail server describes this message with a sender that is not the one in the message itself: the server may be compromised. Trust only the sender shown from the checked message, and report this to your administrator.",
            Code::WorkBudgetExceeded => "Checking this message's signatures and certificates would take more work than this verifier allows for one message (too many or too large keys, certificates, revocation lists or signers), so it was not verified. Ask the sender for a message with only their own certificate chain; do not trust it until then.",
            Code::CryptoUnavailable => "This page loaded the verifier without its public-key part, and that part could not be loaded, so no signature was checked. Reload the page; if it persists, the site's deployment is missing jmap_smime_crypto.wasm.",
            Code::AddressMapped => "The signer's certificate names a different address; a mapping configured for this mail system lets that address sign for the sender. Check that the mapping is one your organisation set up.",
            Code::SignerRenewed => "This sender signed with a new certificate from the same authority and for the same key as before, as when a certificate is renewed. This is the usual case and needs nothing from you.",
            Code::SignerChanged => "This sender signed with a different certificate than before, from another authority or for another key. It may be a new certificate of theirs, or someone else's: confirm with the sender another way (phone, in person) before you trust it.",
            Code::WorkerFailed => "The verifier's Web Worker did not start, so nothing was checked off the page. The site must serve worker.js and the .wasm next to worker-client.js, and its Content-Security-Policy must allow them (worker-src 'self'; script-src 'self' 'wasm-unsafe-eval').",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An error with its code and a detail naming the offending item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The stable code.
    pub code: Code,
    /// What exactly failed (e.g. "message-digest attribute appears twice").
    pub detail: String,
}

impl Error {
    /// A new error.
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Error { code, detail: detail.into() }
    }
    /// Shorthand for a parse failure.
    pub fn malformed(detail: impl Into<String>) -> Self {
        Error::new(Code::Malformed, detail)
    }
    /// Shorthand for a tripped limit.
    pub fn limit(detail: impl Into<String>) -> Self {
        Error::new(Code::LimitExceeded, detail)
    }
    /// The stable code string.
    pub fn code(&self) -> &'static str {
        self.code.code()
    }
    /// The user-facing message: the detail followed by the advice.
    pub fn message(&self) -> String {
        format!("{}. {}", self.detail, self.code.advice())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.code(), self.detail)
    }
}

impl std::error::Error for Error {}

/// Result alias.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            let s = c.code();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{s}");
            assert!(!c.advice().is_empty());
        }
    }
}
