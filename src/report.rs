//! The report returned by verification: plain data, serialisable to JSON
//! (CLI) and to JS objects (wasm) with generated TypeScript types.

use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

/// What the message is, as far as signatures go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Structure {
    /// No S/MIME anywhere in the message.
    Unsigned,
    /// An S/MIME signature at the message root: it covers the whole message.
    Signed,
    /// A signed entity exists only inside an unsigned container.
    Partial,
    /// enveloped-data / authEnveloped-data: cannot be checked here.
    Encrypted,
    /// certs-only: a certificate bundle, not a signature.
    CertsOnly,
    /// S/MIME (or multipart/signed) that is neither signed nor encrypted as far
    /// as this library can tell: unknown protocol, compressed-data.
    Unknown,
    /// Something claims to be signed but cannot be parsed.
    Malformed,
}

/// The MIME form of the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// multipart/signed with a detached application/pkcs7-signature.
    Detached,
    /// application/pkcs7-mime; smime-type=signed-data with encapsulated content.
    Opaque,
}

/// Which bytes matched the signature in a detached signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Canonicalization {
    /// The exact received bytes of the signed part (RFC 8551 §3.1.1).
    Exact,
    /// The signed part with bare LF turned into CRLF: the message was stored
    /// with normalised line ends. A heuristic, not RFC text.
    Crlf,
}

/// Which MIME entity the signature covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    /// MIME part path of the signed entity ("" = message root, "2.1" = second
    /// part's first part), as in IMAP section numbers.
    pub part: String,
    /// True only when the signature is at the root and vouches for the message.
    pub whole_message: bool,
    /// Detached or opaque.
    pub form: Form,
    /// For detached signatures: which form of the bytes matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub canonicalization: Option<Canonicalization>,
}

/// A code and its user-facing message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct Problem {
    /// Stable identifier (see `Code`).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ErrorCode"))]
    pub code: String,
    /// What failed and what to do.
    pub message: String,
    /// What failed, without the advice (English, technical: it names the
    /// offending item). A UI in another language shows its own advice for
    /// `code` and this detail.
    #[serde(default)]
    pub detail: String,
    /// True for a warning that does not fail the verdict
    /// (e.g. `revocation-unknown` under the default policy).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub warning: bool,
}

impl From<&crate::Error> for Problem {
    fn from(e: &crate::Error) -> Self {
        Problem { code: e.code().to_owned(), message: e.message(), detail: e.detail.clone(), warning: false }
    }
}

/// The signer identifier as written in the SignerInfo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SignerId {
    /// issuerAndSerialNumber (SignerInfo v1).
    #[serde(rename_all = "camelCase")]
    IssuerAndSerial {
        /// Issuer DN, RFC 4514 style.
        issuer: String,
        /// Serial number, lowercase hex.
        serial: String,
    },
    /// subjectKeyIdentifier (SignerInfo v3).
    #[serde(rename_all = "camelCase")]
    SubjectKeyIdentifier {
        /// Key identifier, lowercase hex.
        key_id: String,
    },
}

/// Facts about a certificate, for display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    /// Subject DN, RFC 4514 style.
    pub subject: String,
    /// Issuer DN, RFC 4514 style.
    pub issuer: String,
    /// Serial number, lowercase hex.
    pub serial: String,
    /// Addresses from SAN rfc822Name, SAN SmtpUTF8Mailbox and DN emailAddress
    /// (R29), in that order, without duplicates.
    pub emails: Vec<String>,
    /// SHA-256 of the DER certificate, lowercase hex.
    pub fingerprint_sha256: String,
    /// notBefore, RFC 3339.
    pub not_before: String,
    /// notAfter, RFC 3339.
    pub not_after: String,
    /// Public key, e.g. "rsa-2048", "ec-p256", "ed25519".
    pub public_key: String,
}

/// The cryptographic verdict on one SignerInfo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct SignerReport {
    /// Position of the SignerInfo in the SignedData, from 0.
    pub index: usize,
    /// How the SignerInfo names its certificate.
    pub sid: SignerId,
    /// Digest algorithm name, e.g. "sha-256" (or the OID when unknown).
    pub digest_algorithm: String,
    /// Signature algorithm name, e.g. "rsa-pkcs1-sha256", "ecdsa-p256-sha256",
    /// "ed25519", "rsa-pss-sha256" (or the OID when unknown).
    pub signature_algorithm: String,
    /// Whether signed attributes are present.
    pub signed_attributes: bool,
    /// The signingTime attribute, RFC 3339. A claim by the signer, never
    /// used as the validation time (R34).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub claimed_signing_time: Option<String>,
    /// The certificate whose key verified the signature (or, on failure, the
    /// first candidate).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub certificate: Option<CertificateInfo>,
    /// True when the signature verifies cryptographically.
    pub valid: bool,
    /// Why not, when `valid` is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub error: Option<Problem>,
}

/// The encapsulated content of an opaque signature: the MIME entity that was
/// verified, which a UI should display instead of the wrapper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct SignedContent {
    /// Content-Type of the inner entity ("text/plain" when absent).
    pub content_type: String,
    /// Size in bytes.
    pub size: usize,
    /// The inner entity's bytes, base64.
    pub base64: String,
}

/// The result of checking the signatures of one message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct SignatureReport {
    /// What kind of message this is.
    pub structure: Structure,
    /// Where the signature sits; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub coverage: Option<Coverage>,
    /// True when the message has a root signature, at least one signer, and
    /// every signer verifies cryptographically. Certificate trust is not part
    /// of this.
    pub crypto_valid: bool,
    /// One entry per SignerInfo, in order.
    pub signers: Vec<SignerReport>,
    /// Message-level problems (each signer's own error is also listed here,
    /// once per distinct code).
    pub errors: Vec<Problem>,
    /// Number of certificates carried in the SignedData.
    pub certificate_count: usize,
    /// Number of CRLs carried in the SignedData.
    pub crl_count: usize,
    /// For opaque signatures: the inner entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub content: Option<SignedContent>,
}

/// How far a signature vouches for one header field of the message root.
/// What a value means for the reader also depends on the verdict's
/// `status`: only a `signed/verified` verdict vouches for anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum HeaderCoverage {
    /// The signed entity carries the same field with the same value (the
    /// signer wrote it: opaque signed-data whose inner entity has the field,
    /// or a signed part 1 that repeats it, as header protection does).
    Signed,
    /// From or Sender only: the field is outside the signed bytes, but the
    /// address (never the display name) is one a signer's certificate
    /// names, as checked by the verifier (R30). The display name, and any
    /// other address in the field, is not covered.
    AddressChecked,
    /// Outside the signed bytes and not checked: whoever handled the message
    /// (a relay, the mail server) may have changed it. In multipart/signed
    /// (RFC 8551 §3.5) no field of the message root is signed, so Subject and
    /// Date are always here unless the signed part repeats them.
    NotCovered,
}

/// A mailbox as the verifier reads it: display name and address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct MessageAddress {
    /// The display name, RFC 2047 encoded words decoded; null when none.
    pub name: Option<String>,
    /// The addr-spec (`local@domain`) as the address parser reads it:
    /// without comments or white space, the local part as a dot-atom when it
    /// is one (`address::Mailbox::addr_spec`).
    pub email: String,
}

/// The From or Sender field of the message root, as the verifier read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct AddressHeader {
    /// The field value as written, unfolded and trimmed (every value joined
    /// by a line break when the field occurs more than once).
    pub raw: String,
    /// The mailboxes, parsed by the verifier's strict address parser; null
    /// when the field does not parse or occurs more than once (then the
    /// verdict is not `signed/verified`, and a UI shows `raw` as unverified).
    pub mailboxes: Option<Vec<MessageAddress>>,
    /// How far the signature covers this value.
    pub coverage: HeaderCoverage,
    /// The same field inside the signed entity, as written, when it differs
    /// from the root's (that copy is signed, the root's is not).
    pub inner: Option<String>,
}

/// The Subject field of the message root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct TextHeader {
    /// The field value as written, unfolded and trimmed.
    pub raw: String,
    /// The value with RFC 2047 encoded words decoded (what a UI shows).
    pub value: String,
    /// How far the signature covers this value.
    pub coverage: HeaderCoverage,
    /// The same field inside the signed entity, decoded, when it differs
    /// from the root's (that copy is signed, the root's is not).
    pub inner: Option<String>,
}

/// The Date field of the message root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct DateHeader {
    /// The field value as written, unfolded and trimmed.
    pub raw: String,
    /// The instant it names, RFC 3339 in UTC; null when it does not parse
    /// as an RFC 5322 §3.3 date-time.
    pub time: Option<String>,
    /// How far the signature covers this value.
    pub coverage: HeaderCoverage,
    /// The same field inside the signed entity, as written, when it differs
    /// from the root's.
    pub inner: Option<String>,
}

/// The header fields a mail UI shows next to a badge, taken from the bytes
/// that were checked (never from the server's Email object), each with how
/// far the signature covers it. A UI shows these values, not the server's,
/// and marks every field whose `coverage` is not `signed` as not vouched for
/// by the signer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct SignedHeaders {
    /// From (RFC 5322 §3.6.2); null when the message has none.
    pub from: Option<AddressHeader>,
    /// Sender; null when the message has none.
    pub sender: Option<AddressHeader>,
    /// Date (RFC 5322 §3.6.1); null when the message has none.
    pub date: Option<DateHeader>,
    /// Subject (RFC 5322 §3.6.5); null when the message has none.
    pub subject: Option<TextHeader>,
}

/// One displayable part of the signed entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct BodyPart {
    /// IMAP-style part path: in the message for a detached signature (the
    /// signed entity is part "1"), in the encapsulated entity for an opaque
    /// one ("" when it is a single part).
    pub part: String,
    /// "text/plain" or "text/html".
    pub content_type: String,
    /// The charset parameter, lowercase ("us-ascii" when absent).
    pub charset: String,
    /// The text, transfer-decoded (base64, quoted-printable) and
    /// charset-decoded. HTML is the markup as the sender wrote it: render it
    /// only where no script can run and nothing is fetched.
    pub text: String,
    /// The part path of the nearest enclosing multipart/alternative: parts
    /// with the same value are renderings of the same content, show one.
    /// Null when the part is not inside an alternative.
    pub alternative: Option<String>,
}

/// The displayable parts of the signed entity: its text/plain and text/html
/// parts in document order, never attachments (RFC 8621 §4.1.4 rules:
/// `Content-Disposition: attachment`, a named text part that is not first in
/// its multipart, parts of multipart/related after the first, and embedded
/// messages are attachments). A UI renders these in place of the server's
/// own parse (`bodyValues`), which need not be the entity that was checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct SignedBody {
    /// The parts; empty when `error` is set (never a partial body).
    pub parts: Vec<BodyPart>,
    /// Why no parts are given: `limit-exceeded` (more text, or more parts,
    /// than `limits::MAX_DISPLAY_BYTES` / `MAX_DISPLAY_PARTS`) or `malformed`
    /// (a transfer encoding that does not decode).
    pub error: Option<Problem>,
}
