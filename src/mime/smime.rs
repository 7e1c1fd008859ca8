//! Recognising S/MIME entities (RFC 8551 §3.2, §3.5; RFC 1847; RFC 2311
//! App. C for the x- types; R17, R18).

use super::{Entity, TransferEncoding};
use crate::error::{Error, Result};

/// What one MIME entity is, as far as S/MIME goes.
#[derive(Debug)]
pub enum Smime<'e> {
    /// Not S/MIME.
    None,
    /// multipart/signed with an S/MIME protocol: the signed entity and the
    /// decoded signature (BER/DER).
    Detached {
        /// Part 1, the signed entity.
        signed: &'e Entity,
        /// Part 2's body, transfer-decoded.
        signature: Vec<u8>,
    },
    /// application/pkcs7-mime (or a .p7m octet-stream) that may be
    /// signed-data: the decoded CMS bytes. `declared` is the smime-type
    /// parameter when given.
    Opaque {
        /// The CMS object.
        cms: Vec<u8>,
        /// smime-type, lowercase, if present.
        declared: Option<String>,
    },
    /// enveloped-data / authEnveloped-data by its smime-type.
    Encrypted,
    /// certs-only by its smime-type.
    CertsOnly,
    /// compressed-data or another S/MIME type that carries no signature here.
    Other(String),
    /// multipart/signed whose protocol is not S/MIME (e.g. OpenPGP).
    UnknownProtocol(String),
    /// It claims to be S/MIME but is broken (R18: not exactly two parts, ...).
    Malformed(Error),
}

fn is_pkcs7_signature(t: &str) -> bool {
    matches!(t, "application/pkcs7-signature" | "application/x-pkcs7-signature")
}

fn is_pkcs7_mime(t: &str) -> bool {
    matches!(t, "application/pkcs7-mime" | "application/x-pkcs7-mime")
}

/// The file name's extension, lowercase. It decides whether an
/// octet-stream is S/MIME, so a name readers could read differently is
/// refused (`ambiguous-mime`).
fn extension(e: &Entity) -> Result<Option<String>> {
    let Some(name) = e.file_name_strict()? else { return Ok(None) };
    let Some(dot) = name.rfind('.') else { return Ok(None) };
    Ok(name.get(dot.saturating_add(1)..).map(|x| x.trim().to_ascii_lowercase()))
}

fn decode(e: &Entity, raw: &[u8]) -> Result<Vec<u8>> {
    Ok(e.decoded_body(raw)?.into_owned())
}

/// Classify one entity.
pub fn classify<'e>(e: &'e Entity, raw: &[u8]) -> Smime<'e> {
    let ct = e.content_type.value.as_str();
    if ct == "multipart/signed" {
        return classify_multipart_signed(e, raw);
    }
    let octet_ext = if ct == "application/octet-stream" {
        match extension(e) {
            Ok(x) => x,
            Err(err) => return Smime::Malformed(err),
        }
    } else {
        None
    };
    // RFC 8551 §3.2.1: .p7m (and a stray .p7s) octet-streams are S/MIME too;
    // the CMS content decides what they hold.
    if is_pkcs7_mime(ct) || matches!(octet_ext.as_deref(), Some("p7m" | "p7s")) {
        let declared = match e.content_type.param_strict("smime-type") {
            Ok(d) => d.map(|s| s.trim().to_ascii_lowercase()),
            Err(err) => return Smime::Malformed(err),
        };
        return match declared.as_deref() {
            Some("enveloped-data" | "authenveloped-data") => Smime::Encrypted,
            Some("certs-only") => Smime::CertsOnly,
            Some("compressed-data") => Smime::Other("compressed-data".to_owned()),
            _ => match decode(e, raw) {
                Ok(cms) => Smime::Opaque { cms, declared },
                Err(err) => Smime::Malformed(err),
            },
        };
    }
    match octet_ext.as_deref() {
        Some("p7c") => Smime::CertsOnly,
        Some("p7z") => Smime::Other("compressed-data".to_owned()),
        _ => Smime::None,
    }
}

fn classify_multipart_signed<'e>(e: &'e Entity, raw: &[u8]) -> Smime<'e> {
    // The protocol decides whether this is an S/MIME signature at all.
    let protocol = match e.content_type.param_strict("protocol") {
        Ok(p) => p.map(|p| p.trim().to_ascii_lowercase()),
        Err(err) => return Smime::Malformed(err),
    };
    let second_is_pkcs7 = e.children.get(1).is_some_and(|p| is_pkcs7_signature(&p.content_type.value));
    match protocol.as_deref() {
        Some(p) if is_pkcs7_signature(p) => {}
        // RFC 1847 §2.1 requires the parameter; without it, accept only when
        // the second part is an S/MIME signature.
        None if second_is_pkcs7 => {}
        Some(p) => return Smime::UnknownProtocol(p.to_owned()),
        None => return Smime::UnknownProtocol(String::new()),
    }
    // R18 / RFC 1847 §2.1: exactly two body parts.
    let [signed, sig] = e.children.as_slice() else {
        return Smime::Malformed(Error::malformed(format!("multipart/signed with {} parts instead of 2", e.children.len())));
    };
    if !e.closed {
        return Smime::Malformed(Error::malformed("multipart/signed without its closing boundary"));
    }
    let sig_ok = match sig.content_type.value.as_str() {
        t if is_pkcs7_signature(t) => true,
        "application/octet-stream" => match extension(sig) {
            Ok(x) => x.as_deref() == Some("p7s"),
            Err(err) => return Smime::Malformed(err),
        },
        _ => false,
    };
    if !sig_ok {
        return Smime::Malformed(Error::malformed(format!("second part of multipart/signed is {}", sig.content_type.value)));
    }
    if let TransferEncoding::Other(enc) = &sig.encoding {
        return Smime::Malformed(Error::malformed(format!("signature part with unknown encoding {enc:?}")));
    }
    match decode(sig, raw) {
        Ok(signature) => Smime::Detached { signed, signature },
        Err(err) => Smime::Malformed(err),
    }
}
