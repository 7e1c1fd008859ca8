//! A second reading of every certificate, CRL and SignedData (issue 9 §5).
//!
//! Each structure is decoded twice: by this crate (`ours.rs`, through its
//! public API) and by RustCrypto's `x509-cert` / `cms` (`theirs.rs`). Both
//! sides fill a [`Record`]: named fields in one canonical text form, so the
//! comparison is a plain map difference that names the field. Embedded
//! certificates and CRLs that either side finds are read again on their own.
#![allow(dead_code)]

pub mod ber;
pub mod collect;
pub mod exceptions;
pub mod ours;
pub mod theirs;

use std::collections::BTreeMap;

/// What a structure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Certificate,
    Crl,
    SignedData,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Certificate => "certificate",
            Kind::Crl => "crl",
            Kind::SignedData => "signed-data",
        }
    }
}

/// One structure to read: where it came from and its bytes (BER or DER).
#[derive(Clone, Debug)]
pub struct Item {
    /// `file` or `file#part`, e.g. `messages/x.eml#sd/cert:1a2b3c4d`.
    pub id: String,
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

/// The fields one decoder read, in canonical text. A value of
/// [`UNDECODABLE`] means that decoder refused that part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub fields: BTreeMap<String, String>,
    /// Embedded structures this decoder found (certificates and CRLs of a
    /// SignedData), as (kind, DER/BER bytes).
    pub embedded: Vec<(Kind, Vec<u8>)>,
}

/// The value of a field (or of a whole structure, field `decode`) that a
/// decoder refused.
pub const UNDECODABLE: &str = "undecodable";

impl Record {
    pub fn set(&mut self, field: impl Into<String>, value: impl Into<String>) {
        self.fields.insert(field.into(), value.into());
    }
}

/// One disagreement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub id: String,
    pub kind: Kind,
    pub field: String,
    pub ours: String,
    pub theirs: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}) field `{}`: ours {} / oracle {}", self.id, self.kind.label(), self.field, short(&self.ours), short(&self.theirs))
    }
}

/// A long value cut for messages.
pub fn short(s: &str) -> String {
    if s.chars().count() <= 160 {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(150).collect();
    format!("{head:?}... ({} chars)", s.chars().count())
}

/// The outcome of reading one structure with both decoders.
pub type Decoded = Result<Record, String>;

/// Field-by-field difference. A structure one side refuses is one mismatch
/// on field `decode`; when both refuse, they agree.
pub fn compare(item: &Item, ours: &Decoded, theirs: &Decoded) -> Vec<Mismatch> {
    let mm = |field: &str, o: &str, t: &str| Mismatch {
        id: item.id.clone(),
        kind: item.kind,
        field: field.to_owned(),
        ours: o.to_owned(),
        theirs: t.to_owned(),
    };
    match (ours, theirs) {
        (Err(_), Err(_)) => Vec::new(),
        (Ok(_), Err(e)) => vec![mm("decode", "ok", &format!("{UNDECODABLE}: {e}"))],
        (Err(e), Ok(_)) => vec![mm("decode", &format!("{UNDECODABLE}: {e}"), "ok")],
        (Ok(o), Ok(t)) => {
            let mut out = Vec::new();
            let keys: std::collections::BTreeSet<&String> = o.fields.keys().chain(t.fields.keys()).collect();
            for k in keys {
                let (a, b) = (o.fields.get(k), t.fields.get(k));
                if a != b {
                    out.push(mm(k, a.map_or("(absent)", String::as_str), b.map_or("(absent)", String::as_str)));
                }
            }
            out
        }
    }
}

// ---------------------------------------------------------------- canonical forms

/// SignerInfos is a SET (`der` sorts it on decode, we keep the received
/// order): both sides list their signers sorted by signature value.
pub fn sort_signers(signers: &mut [Record]) {
    signers.sort_by(|a, b| a.fields.get("signature").cmp(&b.fields.get("signature")));
}

/// Lowercase hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A non-negative INTEGER's magnitude in hex, without leading zero octets
/// (`der`'s Uint strips them, our reader keeps the encoding).
pub fn uint_hex(b: &[u8]) -> String {
    let skip = b.iter().take_while(|x| **x == 0).count().min(b.len().saturating_sub(1));
    hex(&b[skip..])
}

/// An attribute value of a Name: tag number and content, as text when
/// printable ASCII, else hex.
pub fn atv(oid: &str, tag: u32, value: &[u8]) -> String {
    let printable = !value.is_empty() && value.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'"');
    if printable {
        format!("{oid}=[{tag}]\"{}\"", String::from_utf8_lossy(value))
    } else {
        format!("{oid}=[{tag}]{}", hex(value))
    }
}

/// A Name: RDNs in encoded order separated by ` / `; inside an RDN the
/// attributes sorted (a SET: `der` sorts it on decode, we keep the
/// received order, and neither order means anything).
pub fn name(rdns: Vec<Vec<String>>) -> String {
    if rdns.is_empty() {
        return "(empty)".into();
    }
    rdns.into_iter()
        .map(|mut rdn| {
            rdn.sort();
            rdn.join(" + ")
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// An AlgorithmIdentifier: OID plus the parameters' full encoding.
pub fn alg(oid: &str, params: Option<&[u8]>) -> String {
    match params {
        Some(p) => format!("{oid} {}", hex(p)),
        None => oid.to_owned(),
    }
}

/// A sorted, `;`-joined list (for SETs).
pub fn set(mut items: Vec<String>) -> String {
    items.sort();
    items.join("; ")
}

/// Short id of an embedded structure: the first 8 hex digits of its SHA-256.
pub fn short_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes)[..4])
}

/// eContent as it matters: length and digest of the octets.
pub fn econtent(octets: Option<&[u8]>) -> String {
    use sha2::{Digest, Sha256};
    match octets {
        None => "absent".into(),
        Some(b) => format!("{} octets sha256 {}", b.len(), hex(&Sha256::digest(b))),
    }
}

/// SAN entry forms, shared so both sides print them alike.
pub mod gn {
    use super::hex;
    pub fn other(type_oid: &str, value_der: &[u8]) -> String {
        format!("otherName {type_oid} {}", hex(value_der))
    }
    pub fn rfc822(v: &[u8]) -> String {
        format!("rfc822Name {}", String::from_utf8_lossy(v))
    }
    pub fn dns(v: &[u8]) -> String {
        format!("dNSName {}", String::from_utf8_lossy(v))
    }
    pub fn uri(v: &[u8]) -> String {
        format!("uniformResourceIdentifier {}", String::from_utf8_lossy(v))
    }
    pub fn ip(v: &[u8]) -> String {
        format!("iPAddress {}", hex(v))
    }
    pub fn dir(name: String) -> String {
        format!("directoryName {name}")
    }
    pub fn rid(oid: &str) -> String {
        format!("registeredID {oid}")
    }
    /// x400Address / ediPartyName: the raw content.
    pub fn raw(form: &str, content: &[u8]) -> String {
        format!("{form} {}", hex(content))
    }
}

/// Email addresses as the verdict uses them (R29): SAN rfc822Name and
/// SmtpUTF8Mailbox first, then DN emailAddress, case-insensitively unique.
pub fn emails(candidates: impl IntoIterator<Item = String>) -> String {
    let mut out: Vec<String> = Vec::new();
    for s in candidates {
        if !s.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&s)) {
            out.push(s);
        }
    }
    out.join(", ")
}

/// The dotted OIDs the comparison names.
pub mod oids {
    pub const SAN: &str = "2.5.29.17";
    pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
    pub const DATA: &str = "1.2.840.113549.1.7.1";
    pub const EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";
    pub const SMTP_UTF8_MAILBOX: &str = "1.3.6.1.5.5.7.8.9";
    pub const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
    pub const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
    pub const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
    pub const CRL_NUMBER: &str = "2.5.29.20";
    pub const DELTA_CRL: &str = "2.5.29.27";
    pub const IDP: &str = "2.5.29.28";
    pub const AKI: &str = "2.5.29.35";
    pub const CRL_REASON: &str = "2.5.29.21";
    pub const CERT_ISSUER: &str = "2.5.29.29";
}
