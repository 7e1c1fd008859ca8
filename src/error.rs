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
