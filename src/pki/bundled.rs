//! The bundled anchor file (`assets/roots/email-roots.der`, made by
//! `scripts/gen-bundled-roots.sh` from Mozilla's roots with the e-mail trust
//! bit). The file is a separate asset, loaded on demand; the core only knows
//! how to read it:
//!
//! ```text
//! TrustAnchors ::= SEQUENCE OF TrustAnchorEntry
//! TrustAnchorEntry ::= SEQUENCE {
//!   label                UTF8String,
//!   subject              Name,
//!   subjectPublicKeyInfo SubjectPublicKeyInfo,
//!   nameConstraints      [0] EXPLICIT OCTET STRING OPTIONAL }  -- extnValue
//! ```
//!
//! Each entry carries what RFC 5280 §6.1.1(d) needs of an anchor: its name,
//! its key and its name constraints.

use super::anchor::Anchor;
use super::cert::PublicKeyInfo;
use super::name::Name;
use crate::asn1::{self, AlgorithmIdentifier, Tag, Tlv};
use crate::error::{Error, Result};
use crate::limits;

const UTF8_STRING: Tag = Tag::universal(12, false);

/// Parse an anchor file: every entry, in file order. Fails on any malformed
/// entry, on trailing bytes, and on more than [`limits::MAX_TRUST_ANCHORS`]
/// entries.
pub fn parse(der: &[u8]) -> Result<Vec<Anchor>> {
    let top = asn1::parse_single(der)?;
    top.check(Tag::SEQUENCE, "TrustAnchors")?;
    let mut r = top.children()?;
    let mut anchors = Vec::new();
    while let Some(entry) = r.next_tlv()? {
        if anchors.len() >= limits::MAX_TRUST_ANCHORS {
            return Err(Error::limit(format!("anchor file with more than {} entries", limits::MAX_TRUST_ANCHORS)));
        }
        anchors.push(parse_entry(&entry)?);
    }
    Ok(anchors)
}

fn parse_entry(t: &Tlv<'_>) -> Result<Anchor> {
    t.check(Tag::SEQUENCE, "TrustAnchorEntry")?;
    let mut r = t.children()?;
    let label_bytes = r.expect(UTF8_STRING, "anchor label")?.string_value(12)?;
    let label = String::from_utf8(label_bytes.into_owned()).map_err(|_| Error::malformed("anchor label is not UTF-8"))?;
    let subject = Name::parse(&r.read("anchor subject")?)?;
    let spki = parse_spki(&r.expect(Tag::SEQUENCE, "anchor subjectPublicKeyInfo")?)?;
    let name_constraints = match r.read_if(|tag| *tag == Tag::context(0, true))? {
        Some(wrapper) => {
            let mut wr = wrapper.children()?;
            let value = wr.read("anchor nameConstraints")?;
            wr.finish("anchor nameConstraints")?;
            if !value.tag.is_universal(4) {
                return Err(Error::malformed("anchor nameConstraints: expected OCTET STRING"));
            }
            let bytes = value.octets()?.into_owned();
            // The extnValue must itself be one NameConstraints SEQUENCE.
            asn1::parse_single(&bytes)?.check(Tag::SEQUENCE, "NameConstraints")?;
            Some(bytes)
        }
        None => None,
    };
    r.finish("TrustAnchorEntry")?;
    Ok(Anchor { subject, spki, name_constraints, certificate: None, label })
}

/// SubjectPublicKeyInfo, read the way certificates read it.
pub(crate) fn parse_spki(t: &Tlv<'_>) -> Result<PublicKeyInfo> {
    let mut r = t.children()?;
    let alg = AlgorithmIdentifier::parse(&r.read("algorithm")?)?;
    let (unused, key) = r.read("subjectPublicKey")?.bit_string()?;
    if unused != 0 {
        return Err(Error::malformed("public key with unused bits"));
    }
    r.finish("subjectPublicKeyInfo")?;
    Ok(PublicKeyInfo { algorithm: alg.oid.to_vec(), params: alg.params.map(|p| p.raw.to_vec()), key: key.into_owned() })
}
