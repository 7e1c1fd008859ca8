//! Trust anchors (RFC 5280 §6.1.1(d)): a name, a public key, and optional
//! name constraints. Certificates inside a message are never anchors (R33).

use super::cert::{Certificate, PublicKeyInfo};
use super::name::Name;

/// A trust anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The anchor's distinguished name (issuer of the first path certificate).
    pub subject: Name,
    /// The anchor's public key.
    pub spki: PublicKeyInfo,
    /// A nameConstraints extension value (DER) to apply to paths from this
    /// anchor, when the anchor carries one (RFC 5280 §6.1.1(h),(i) inputs).
    pub name_constraints: Option<Vec<u8>>,
    /// The self-signed certificate the anchor came from, when there is one.
    pub certificate: Option<Certificate>,
    /// A label for display (the subject's common name, or the manifest name).
    pub label: String,
}

impl Anchor {
    /// An anchor from a (usually self-signed) certificate: its subject, key and
    /// name constraints.
    pub fn from_certificate(cert: Certificate) -> Anchor {
        let name_constraints = cert.extension(crate::asn1::oid::NAME_CONSTRAINTS).map(|e| e.value.clone());
        // The last common name (the most specific), else the whole DN.
        let label = cert
            .subject
            .values(crate::asn1::oid::AT_CN)
            .last()
            .map(super::name::Attribute::text)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| cert.subject.to_display());
        Anchor { subject: cert.subject.clone(), spki: cert.spki.clone(), name_constraints, certificate: Some(cert), label }
    }
}
