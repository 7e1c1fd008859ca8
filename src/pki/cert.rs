//! X.509 certificates (RFC 5280 §4.1): the parts a verifier needs, parsed
//! once from DER, with the raw bytes kept for signatures and fingerprints.

use sha2::{Digest, Sha256};

use super::name::{GeneralName, Name};
use crate::asn1::{self, hex, oid, time, Reader, Tag, Tlv};
use crate::error::{Error, Result};
use crate::report::CertificateInfo;

/// One extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// extnID content bytes.
    pub oid: Vec<u8>,
    /// The critical flag.
    pub critical: bool,
    /// extnValue content (the DER inside the OCTET STRING).
    pub value: Vec<u8>,
}

/// SubjectPublicKeyInfo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKeyInfo {
    /// Algorithm OID.
    pub algorithm: Vec<u8>,
    /// Raw parameters element, if any.
    pub params: Option<Vec<u8>>,
    /// The subjectPublicKey bits (whole octets; unused bits must be 0).
    pub key: Vec<u8>,
}

impl PublicKeyInfo {
    /// The algorithm parameters when present and not NULL (DSA keys may omit
    /// them to inherit the issuer's, RFC 3279 §2.3.2).
    pub fn explicit_params(&self) -> Option<&[u8]> {
        self.params.as_deref().filter(|p| *p != [0x05, 0x00])
    }
}

/// A parsed certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// The full DER encoding.
    pub raw: Vec<u8>,
    /// The tbsCertificate encoding (what the issuer signed).
    pub tbs: Vec<u8>,
    /// Version: 1, 2 or 3.
    pub version: u32,
    /// serialNumber content bytes as encoded (two's complement).
    pub serial: Vec<u8>,
    /// The tbsCertificate signature algorithm OID.
    pub tbs_signature_algorithm: Vec<u8>,
    /// The outer signatureAlgorithm (OID, raw params).
    pub signature_algorithm: (Vec<u8>, Option<Vec<u8>>),
    /// The signature bits.
    pub signature: Vec<u8>,
    /// Unused bits in the signature BIT STRING (0 in any valid certificate).
    pub signature_unused_bits: u8,
    /// Issuer name.
    pub issuer: Name,
    /// Subject name.
    pub subject: Name,
    /// notBefore, Unix seconds.
    pub not_before: time::UnixTime,
    /// notAfter, Unix seconds.
    pub not_after: time::UnixTime,
    /// Public key.
    pub spki: PublicKeyInfo,
    /// The raw SubjectPublicKeyInfo.
    pub spki_raw: Vec<u8>,
    /// Extensions in order.
    pub extensions: Vec<Extension>,
    /// SHA-256 of `raw`, computed on first use.
    pub(crate) fingerprint: FingerprintCell,
}

/// A certificate's SHA-256 fingerprint once computed (a report and the
/// signer lookup ask for it several times per message). Equality ignores it:
/// it follows from `raw`, which is never changed after parsing.
#[derive(Clone, Debug, Default)]
pub(crate) struct FingerprintCell(std::sync::OnceLock<[u8; 32]>);

impl PartialEq for FingerprintCell {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for FingerprintCell {}

impl Certificate {
    /// Parse a DER certificate. Trailing bytes are rejected.
    pub fn from_der(der: &[u8]) -> Result<Certificate> {
        let t = asn1::parse_single(der)?;
        Certificate::parse(&t)
    }

    /// Parse from an element.
    pub fn parse(t: &Tlv<'_>) -> Result<Certificate> {
        t.check(Tag::SEQUENCE, "Certificate")?;
        let mut r = t.children()?;
        let tbs = r.expect(Tag::SEQUENCE, "tbsCertificate")?;
        let sig_alg = asn1::AlgorithmIdentifier::parse(&r.read("signatureAlgorithm")?)?;
        // A signature with unused bits cannot verify; that is judged when the
        // path is validated (PKITS 4.1.6 has one), not at parse time.
        let (signature_unused_bits, sig) = r.read("signatureValue")?.bit_string()?;
        r.finish("Certificate")?;

        let mut tr = tbs.children()?;
        let version = match tr.read_if(|t| *t == Tag::context(0, true))? {
            Some(v) => {
                let mut vr = v.children()?;
                let n = vr.expect(Tag::INTEGER, "version")?.small_uint()?;
                vr.finish("version")?;
                match n {
                    0..=2 => n.saturating_add(1),
                    _ => return Err(Error::malformed("unknown certificate version")),
                }
            }
            None => 1,
        };
        let serial = tr.expect(Tag::INTEGER, "serialNumber")?.integer_bytes()?.to_vec();
        let tbs_sig = asn1::AlgorithmIdentifier::parse(&tr.read("signature")?)?;
        let issuer = Name::parse(&tr.read("issuer")?)?;
        let validity = tr.expect(Tag::SEQUENCE, "validity")?;
        let mut vr = validity.children()?;
        let not_before = time::parse_time(&vr.read("notBefore")?)?;
        let not_after = time::parse_time(&vr.read("notAfter")?)?;
        vr.finish("validity")?;
        let subject = Name::parse(&tr.read("subject")?)?;
        let spki_t = tr.expect(Tag::SEQUENCE, "subjectPublicKeyInfo")?;
        let mut sr = spki_t.children()?;
        let alg = asn1::AlgorithmIdentifier::parse(&sr.read("algorithm")?)?;
        let (unused, key) = sr.read("subjectPublicKey")?.bit_string()?;
        if unused != 0 {
            return Err(Error::malformed("public key with unused bits"));
        }
        sr.finish("subjectPublicKeyInfo")?;
        let _issuer_uid = tr.read_if(|t| t.is_context(1))?;
        let _subject_uid = tr.read_if(|t| t.is_context(2))?;
        let mut extensions = Vec::new();
        if let Some(ext) = tr.read_if(|t| *t == Tag::context(3, true))? {
            if version != 3 {
                return Err(Error::malformed("extensions in a certificate that is not v3"));
            }
            let mut er = ext.children()?;
            let seq = er.expect(Tag::SEQUENCE, "Extensions")?;
            er.finish("extensions")?;
            extensions = parse_extensions(&mut seq.children()?)?;
        }
        tr.finish("tbsCertificate")?;

        Ok(Certificate {
            raw: t.raw.to_vec(),
            tbs: tbs.raw.to_vec(),
            version,
            serial,
            tbs_signature_algorithm: tbs_sig.oid.to_vec(),
            signature_algorithm: (sig_alg.oid.to_vec(), sig_alg.params.map(|p| p.raw.to_vec())),
            signature: sig.into_owned(),
            signature_unused_bits,
            issuer,
            subject,
            not_before,
            not_after,
            spki: PublicKeyInfo { algorithm: alg.oid.to_vec(), params: alg.params.map(|p| p.raw.to_vec()), key: key.into_owned() },
            spki_raw: spki_t.raw.to_vec(),
            extensions,
            fingerprint: FingerprintCell::default(),
        })
    }

    /// The extension with this OID, if present.
    pub fn extension(&self, id: &[u8]) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.oid == id)
    }

    /// subjectKeyIdentifier value.
    pub fn subject_key_id(&self) -> Option<Vec<u8>> {
        let ext = self.extension(oid::SUBJECT_KEY_ID)?;
        let t = asn1::parse_single(&ext.value).ok()?;
        t.octets().ok().map(|c| c.into_owned())
    }

    /// SHA-256 of the DER.
    pub fn fingerprint_sha256(&self) -> [u8; 32] {
        self.fingerprint_with(|raw| Sha256::digest(raw).into())
    }

    /// The fingerprint, computed by `sha256` if not yet known.
    pub(crate) fn fingerprint_with(&self, sha256: impl FnOnce(&[u8]) -> [u8; 32]) -> [u8; 32] {
        *self.fingerprint.0.get_or_init(|| sha256(&self.raw))
    }

    /// The subjectAltName entries (RFC 5280 §4.2.1.6), `None` without the
    /// extension. A value that is not a valid GeneralNames (not DER, empty,
    /// an unknown choice, a non-ASCII IA5String) is an error: path
    /// validation fails the certificate on it rather than ignore it.
    pub fn subject_alt_names(&self) -> Result<Option<Vec<GeneralName>>> {
        match self.extension(oid::SUBJECT_ALT_NAME) {
            Some(ext) => GeneralName::parse_all(&ext.value)
                .map(Some)
                .map_err(|e| Error::malformed(format!("the subjectAltName of {} is not valid: {}", self.subject.to_display(), e.detail))),
            None => Ok(None),
        }
    }

    /// Email addresses (R29): SAN rfc822Name, SAN otherName SmtpUTF8Mailbox
    /// (RFC 8398), then DN emailAddress (RFC 8550 §3), without duplicates,
    /// as written (for display; [`crate::identity`] decides which are valid
    /// and compares them). Values that are not UTF-8 are skipped; a SAN that
    /// does not parse contributes nothing (the path fails on it).
    pub fn email_addresses(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |s: String| {
            if !s.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&s)) {
                out.push(s);
            }
        };
        for n in self.subject_alt_names().ok().flatten().unwrap_or_default() {
            match n {
                GeneralName::Rfc822(v) => push(String::from_utf8_lossy(&v).into_owned()),
                GeneralName::OtherName { type_id, value: Some(v) } if type_id == oid::SMTP_UTF8_MAILBOX => {
                    if let Ok(s) = String::from_utf8(v) {
                        push(s);
                    }
                }
                _ => {}
            }
        }
        for a in self.subject.values(oid::EMAIL_ADDRESS) {
            if let Ok(s) = std::str::from_utf8(&a.value) {
                push(s.to_owned());
            }
        }
        out
    }

    /// Display facts.
    pub fn info(&self) -> CertificateInfo {
        CertificateInfo {
            subject: self.subject.to_display(),
            issuer: self.issuer.to_display(),
            serial: serial_hex(&self.serial),
            emails: self.email_addresses(),
            fingerprint_sha256: hex(&self.fingerprint_sha256()),
            not_before: time::to_rfc3339(self.not_before),
            not_after: time::to_rfc3339(self.not_after),
            public_key: crate::cms::alg::describe_key(&self.spki),
        }
    }
}

/// Serial number as lowercase hex without a sign-padding zero octet.
pub fn serial_hex(serial: &[u8]) -> String {
    let trimmed = match serial {
        [0, rest @ ..] if !rest.is_empty() => rest,
        s => s,
    };
    hex(trimmed)
}

fn parse_extensions(r: &mut Reader<'_>) -> Result<Vec<Extension>> {
    let mut out: Vec<Extension> = Vec::new();
    while let Some(e) = r.next_tlv()? {
        e.check(Tag::SEQUENCE, "Extension")?;
        let mut er = e.children()?;
        let id = er.expect(Tag::OID, "extnID")?.oid()?.to_vec();
        let critical = match er.read_if(|t| *t == Tag::BOOLEAN)? {
            Some(b) => b.boolean()?,
            None => false,
        };
        let value = er.read("extnValue")?;
        if !value.tag.is_universal(4) {
            return Err(Error::malformed("extnValue is not an OCTET STRING"));
        }
        let value = value.octets()?.into_owned();
        er.finish("Extension")?;
        // RFC 5280 §4.2: a certificate MUST NOT include more than one instance
        // of a particular extension.
        if out.iter().any(|x| x.oid == id) {
            return Err(Error::malformed(format!("extension {} appears twice", oid::to_dotted(&id))));
        }
        out.push(Extension { oid: id, critical, value });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, u8::try_from(content.len()).unwrap()];
        v.extend_from_slice(content);
        v
    }

    fn cert_with_san(san: Option<Vec<u8>>) -> Certificate {
        let c = Certificate::from_der(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pki/alice.cert.der")).unwrap())
            .unwrap();
        let mut c = c;
        c.extensions.retain(|e| e.oid != oid::SUBJECT_ALT_NAME);
        if let Some(v) = san {
            c.extensions.push(Extension { oid: oid::SUBJECT_ALT_NAME.to_vec(), critical: false, value: v });
        }
        c
    }

    #[test]
    fn san_addresses_table() {
        // GeneralNames entries: rfc822Name [1], otherName [0] SmtpUTF8Mailbox
        // (RFC 8398 §3), dNSName [2] (ignored), and an unknown otherName; the
        // DN emailAddress of alice's certificate comes last.
        let rfc822 = der(0x81, b"alice@example.com");
        let utf8 = der(0xa0, &[der(0x06, oid::SMTP_UTF8_MAILBOX), der(0xa0, &der(0x0c, "jos\u{e9}@example.com".as_bytes()))].concat());
        let dns = der(0x82, b"example.com");
        let other = der(0xa0, &[der(0x06, &[0x2a, 0x03]), der(0xa0, &der(0x0c, b"x"))].concat());
        let cases: &[(Vec<Vec<u8>>, &[&str])] = &[
            (vec![rfc822.clone()], &["alice@example.com"]),
            (
                vec![dns.clone(), utf8.clone(), der(0x81, b"x@example.com")],
                &["jos\u{e9}@example.com", "x@example.com", "alice@example.com"],
            ),
            (vec![other.clone(), dns.clone()], &["alice@example.com"]),
        ];
        for (entries, want) in cases {
            let c = cert_with_san(Some(der(0x30, &entries.concat())));
            assert!(c.subject_alt_names().unwrap().is_some());
            assert_eq!(c.email_addresses(), *want);
        }
        assert_eq!(cert_with_san(None).subject_alt_names().unwrap(), None);
        // Not DER, empty, a non-ASCII IA5String, trailing bytes, a constructed string: errors.
        for bad in [
            b"example.com".to_vec(),
            der(0x30, &[]),
            der(0x30, &der(0x81, "\u{e9}@x".as_bytes())),
            [der(0x30, &rfc822), vec![0]].concat(),
            der(0x30, &der(0xa1, &der(0x16, b"a@b"))),
        ] {
            let c = cert_with_san(Some(bad.clone()));
            assert!(c.subject_alt_names().is_err(), "{bad:02x?}");
            assert_eq!(c.email_addresses(), ["alice@example.com"]);
        }
    }
}
