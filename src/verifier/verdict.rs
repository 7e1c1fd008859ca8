//! The verdict types of [`super::Verifier`]: the options it is made with,
//! and what it says of one message ([`Verdict`]) and of each signer
//! ([`SignerVerdict`]).

use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::address_map::AddressMapping;
use crate::memory::SignerChange;
use crate::pki::cert::Certificate;
use crate::pki::crl::Crl;
use crate::pki::ocsp::OcspResponse;
use crate::pki::path::RevocationMode;
use crate::protected::ProtectedHeaders;
use crate::report::{CertificateInfo, Coverage, Problem, SignedBody, SignedContent, SignedHeaders, SignerReport, Structure};

/// Options beyond the policy: what the caller supplies for path validation.
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    /// Revocation handling (default: prefer).
    pub revocation: RevocationMode,
    /// Leave the From/Sender binding out of `status` (path-only suites such
    /// as PKITS).
    pub skip_address_check: bool,
    /// Extra intermediate certificates (never anchors).
    pub intermediates: Vec<Certificate>,
    /// Extra CRLs.
    pub crls: Vec<Crl>,
    /// Extra OCSP responses (RFC 6960), e.g. fetched by the caller; at most
    /// `limits::MAX_OCSP_RESPONSES`.
    pub ocsp: Vec<OcspResponse>,
    /// Certificate addresses allowed to sign for other From/Sender
    /// addresses (issue 12 §6; empty: none). Check with
    /// [`crate::address_map::check`] before use.
    pub address_map: Vec<AddressMapping>,
}

/// Per signer: the signature facts plus the trust outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct SignerVerdict {
    /// The cryptographic facts (as in `SignatureReport`).
    #[serde(flatten)]
    pub signature: SignerReport,
    /// The validated chain from the signer upward (empty when none validated).
    pub chain: Vec<CertificateInfo>,
    /// The trust anchor the chain ends at.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub anchor: Option<String>,
    /// "good", "unknown" or "not-checked" (revoked paths do not validate).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "RevocationResult"))]
    pub revocation: String,
    /// Why the path did not validate at `now`, if it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub path_error: Option<Problem>,
    /// The From address matches this signer's certificate.
    pub from_matches: bool,
    /// The Sender address matches this signer's certificate; null when the
    /// message has no Sender field (as `Verdict.senderMatches`).
    pub sender_matches: Option<bool>,
}

/// The client verdict on one message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// RFC 9219 status at `now`: null (no signature at the root), "unknown",
    /// "signed/verified" or "signed/failed".
    #[cfg_attr(target_arch = "wasm32", tsify(type = "SmimeStatus | null"))]
    pub status: Option<String>,
    /// The same at `receivedAt`; absent when no receivedAt was given.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "SmimeStatus | null"))]
    pub status_at_delivery: Option<Option<String>>,
    /// Problems at `now`, failures first, then warnings (`warning: true`).
    pub errors: Vec<Problem>,
    /// What kind of message this is.
    pub structure: Structure,
    /// Which entity the signature covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub coverage: Option<Coverage>,
    /// One entry per SignerInfo.
    pub signers: Vec<SignerVerdict>,
    /// Some valid signer's certificate names the From address (RFC 9219).
    pub from_matches: bool,
    /// Some valid signer's certificate names the Sender address (RFC 8550);
    /// null when the message has no Sender field.
    pub sender_matches: Option<bool>,
    /// For opaque signatures: the inner entity that was verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub content: Option<SignedContent>,
    /// From, Sender, Date and Subject as read from the checked bytes, each
    /// with how far the signature covers it (issue 9 §3); null unless the
    /// message has a signature at its root. What they vouch for depends on
    /// `status`: nothing unless it is `signed/verified`.
    pub headers: Option<SignedHeaders>,
    /// The signed entity's displayable text/plain and text/html parts, for a
    /// UI to render instead of the server's parse; null unless the message
    /// has a signature at its root (vouched for only when `signed/verified`).
    pub body: Option<SignedBody>,
    /// The address mappings the signer binding used at `now` (issue 12 §6):
    /// the certificate's address and the From or Sender address it signed
    /// for. Each also has an `address-mapped` warning in `errors`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub address_mapped: Vec<AddressMapping>,
    /// The From address's signer certificate is not one the certificate
    /// memory saw before (issue 12 §2); also an `signer-renewed` or
    /// `signer-changed` warning in `errors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub signer_change: Option<SignerChange>,
    /// The protected header fields when the signed entity carries RFC 9788
    /// header protection (issue 12 §5): the signer is bound to their From,
    /// `headers` shows them, and `differs` lists each outer field that is
    /// not its protected value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub protected_headers: Option<ProtectedHeaders>,
}

/// `statusAtDelivery` read back: a field that is present (even `null`, no
/// signature at delivery) is `Some`; an absent one is `None` (by `default`).
/// Serialising and reading back give the same `Verdict` (a verdict may come
/// back from another worker, tests/js/client.test.js).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl Verdict {
    /// The verdict for a message whose structure shows no S/MIME at all (from
    /// the JMAP bodyStructure, without downloading it): status null.
    pub fn unsigned() -> Verdict {
        Verdict {
            status: None,
            status_at_delivery: None,
            errors: Vec::new(),
            structure: Structure::Unsigned,
            coverage: None,
            signers: Vec::new(),
            from_matches: false,
            sender_matches: None,
            content: None,
            headers: None,
            body: None,
            address_mapped: Vec::new(),
            signer_change: None,
            protected_headers: None,
        }
    }
}
