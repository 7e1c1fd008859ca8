//! ContentInfo and SignedData (RFC 5652 §3, §5) in BER or DER.

use std::borrow::Cow;

use crate::asn1::{self, oid, AlgorithmIdentifier, Tag, Tlv};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::pki::cert::Certificate;
use crate::pki::name::Name;

/// The outer content type of a CMS object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentKind {
    /// id-signedData.
    SignedData,
    /// id-envelopedData or id-ct-authEnvelopedData.
    Encrypted,
    /// id-ct-compressedData.
    Compressed,
    /// id-data.
    Data,
    /// Anything else (dotted OID).
    Other(String),
}

/// ContentInfo: content type plus the `[0] EXPLICIT` content.
#[derive(Clone, Debug)]
pub struct ContentInfo<'a> {
    /// What the content is.
    pub kind: ContentKind,
    /// The content element (inside `[0]`), if present.
    pub content: Option<Tlv<'a>>,
}

/// Parse a ContentInfo (RFC 5652 §3). Trailing bytes after it are rejected.
pub fn parse_content_info(data: &[u8]) -> Result<ContentInfo<'_>> {
    let t = asn1::parse_single(data)?;
    t.check(Tag::SEQUENCE, "ContentInfo")?;
    let mut r = t.children()?;
    let ct = r.expect(Tag::OID, "contentType")?.oid()?;
    let content = match r.read_if(|t| *t == Tag::context(0, true))? {
        Some(wrapper) => {
            let mut wr = wrapper.children()?;
            let inner = wr.read("content")?;
            wr.finish("content")?;
            Some(inner)
        }
        None => None,
    };
    r.finish("ContentInfo")?;
    let kind = match ct {
        oid::SIGNED_DATA => ContentKind::SignedData,
        oid::ENVELOPED_DATA | oid::AUTH_ENVELOPED_DATA => ContentKind::Encrypted,
        oid::COMPRESSED_DATA => ContentKind::Compressed,
        oid::DATA => ContentKind::Data,
        o => ContentKind::Other(oid::to_dotted(o)),
    };
    Ok(ContentInfo { kind, content })
}

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignerIdentifier {
    /// issuerAndSerialNumber.
    IssuerSerial {
        /// Issuer name.
        issuer: Name,
        /// Serial number content bytes.
        serial: Vec<u8>,
    },
    /// `[0]` subjectKeyIdentifier.
    KeyId(Vec<u8>),
}

/// One SignerInfo (RFC 5652 §5.3).
#[derive(Clone, Debug)]
pub struct SignerInfo<'a> {
    /// 1 (issuerAndSerialNumber) or 3 (subjectKeyIdentifier).
    pub version: u32,
    /// The signer identifier.
    pub sid: SignerIdentifier,
    /// digestAlgorithm.
    pub digest_algorithm: AlgorithmIdentifier<'a>,
    /// The `[0] IMPLICIT` signed attributes element, exactly as received.
    pub signed_attrs: Option<Tlv<'a>>,
    /// signatureAlgorithm.
    pub signature_algorithm: AlgorithmIdentifier<'a>,
    /// The signature value.
    pub signature: Cow<'a, [u8]>,
    /// The `[1] IMPLICIT` unsigned attributes element, exactly as received
    /// (never judged; read by the differential tests).
    pub unsigned_attrs: Option<Tlv<'a>>,
}

/// SignedData (RFC 5652 §5.1).
#[derive(Clone, Debug)]
pub struct SignedData<'a> {
    /// CMSVersion.
    pub version: u32,
    /// digestAlgorithms, in received order (informational: each SignerInfo
    /// names its own digest).
    pub digest_algorithms: Vec<AlgorithmIdentifier<'a>>,
    /// eContentType OID.
    pub econtent_type: &'a [u8],
    /// eContent octets (segments of a constructed OCTET STRING joined), if present.
    pub econtent: Option<Cow<'a, [u8]>>,
    /// Certificates that parsed.
    pub certificates: Vec<Certificate>,
    /// CertificateChoices that were skipped (attribute certificates, other
    /// formats, or certificates that did not parse).
    pub skipped_certificates: usize,
    /// Raw CRLs (RevocationInfoChoice elements).
    pub crls: Vec<&'a [u8]>,
    /// OCSP responses among the RevocationInfoChoices (RFC 5940 §2.2) that parsed.
    pub ocsp: Vec<crate::pki::ocsp::OcspResponse>,
    /// How many RevocationInfoChoices the crls field holds, of every form.
    pub revocation_choices: usize,
    /// SignerInfos; each parses (or fails) on its own (R24).
    pub signer_infos: Vec<Result<SignerInfo<'a>>>,
}

/// Parse SignedData from the content element of a ContentInfo.
pub fn parse_signed_data<'a>(t: &Tlv<'a>) -> Result<SignedData<'a>> {
    t.check(Tag::SEQUENCE, "SignedData")?;
    let mut r = t.children()?;
    let version = r.expect(Tag::INTEGER, "SignedData version")?.small_uint()?;
    // RFC 5652 §5.1: versions 1, 3, 4 and 5 exist.
    if !matches!(version, 1 | 3 | 4 | 5) {
        return Err(Error::new(Code::UnsupportedVersion, format!("SignedData version {version}")));
    }
    let digest_set = r.expect(Tag::SET, "digestAlgorithms")?;
    let mut dr = digest_set.children()?;
    let mut digest_algorithms = Vec::new();
    while let Some(d) = dr.next_tlv()? {
        // Each element is charged to the BER work budget; nothing else grows.
        digest_algorithms.push(AlgorithmIdentifier::parse(&d)?);
    }
    let eci = r.expect(Tag::SEQUENCE, "encapContentInfo")?;
    let mut er = eci.children()?;
    let econtent_type = er.expect(Tag::OID, "eContentType")?.oid()?;
    let econtent = match er.read_if(|t| *t == Tag::context(0, true))? {
        Some(w) => {
            let mut wr = w.children()?;
            let os = wr.read("eContent")?;
            wr.finish("eContent")?;
            if !os.tag.is_universal(4) {
                return Err(Error::malformed("eContent is not an OCTET STRING"));
            }
            // RFC 8551 §3.2 / R20: the value octets, constructed segments joined.
            Some(os.octets()?)
        }
        None => None,
    };
    er.finish("encapContentInfo")?;

    let mut certificates = Vec::new();
    let mut skipped_certificates = 0usize;
    if let Some(set) = r.read_if(|t| *t == Tag::context(0, true))? {
        let mut cr = set.children()?;
        while let Some(c) = cr.next_tlv()? {
            if certificates.len().saturating_add(skipped_certificates) >= limits::MAX_CERTIFICATES {
                return Err(Error::limit(format!("more than {} certificates in one SignedData", limits::MAX_CERTIFICATES)));
            }
            // Only plain X.509 certificates are used; other choices are skipped.
            match (c.tag == Tag::SEQUENCE).then(|| Certificate::parse(&c)) {
                Some(Ok(cert)) => certificates.push(cert),
                _ => skipped_certificates = skipped_certificates.saturating_add(1),
            }
        }
    }
    let mut crls = Vec::new();
    let mut ocsp = Vec::new();
    let mut revocation_choices = 0usize;
    if let Some(set) = r.read_if(|t| *t == Tag::context(1, true))? {
        let mut cr = set.children()?;
        while let Some(c) = cr.next_tlv()? {
            if crls.len() >= limits::MAX_CRLS {
                return Err(Error::limit(format!("more than {} CRLs in one SignedData", limits::MAX_CRLS)));
            }
            revocation_choices = revocation_choices.saturating_add(1);
            // RFC 5940 §2.2: an `other` choice may hold an OCSP response.
            match crate::pki::ocsp::from_revocation_info(&c) {
                Ok(None) => crls.push(c.raw),
                found => {
                    if ocsp.len() >= limits::MAX_OCSP_RESPONSES {
                        return Err(Error::limit(format!("more than {} OCSP responses in one SignedData", limits::MAX_OCSP_RESPONSES)));
                    }
                    // One that does not parse is unusable, as a CRL that does not parse is.
                    if let Ok(Some(r)) = found {
                        ocsp.push(r);
                    }
                }
            }
        }
    }
    let sis = r.expect(Tag::SET, "signerInfos")?;
    r.finish("SignedData")?;
    let mut signer_infos = Vec::new();
    let mut sr = sis.children()?;
    while let Some(si) = sr.next_tlv()? {
        if signer_infos.len() >= limits::MAX_SIGNERS {
            return Err(Error::limit(format!("more than {} signers", limits::MAX_SIGNERS)));
        }
        signer_infos.push(parse_signer_info(&si));
    }
    Ok(SignedData {
        version,
        digest_algorithms,
        econtent_type,
        econtent,
        certificates,
        skipped_certificates,
        crls,
        ocsp,
        revocation_choices,
        signer_infos,
    })
}

fn parse_signer_info<'a>(t: &Tlv<'a>) -> Result<SignerInfo<'a>> {
    t.check(Tag::SEQUENCE, "SignerInfo")?;
    let mut r = t.children()?;
    let version = r.expect(Tag::INTEGER, "SignerInfo version")?.small_uint()?;
    let sid_t = r.read("sid")?;
    let sid = if sid_t.tag == Tag::SEQUENCE {
        let mut ir = sid_t.children()?;
        let issuer = Name::parse(&ir.read("issuer")?)?;
        let serial = ir.expect(Tag::INTEGER, "serialNumber")?.integer_bytes()?.to_vec();
        ir.finish("issuerAndSerialNumber")?;
        SignerIdentifier::IssuerSerial { issuer, serial }
    } else if sid_t.tag.is_context(0) {
        // [0] IMPLICIT SubjectKeyIdentifier (OCTET STRING, maybe constructed in BER).
        let ski = if sid_t.tag.constructed { sid_t.string_value(4)?.into_owned() } else { sid_t.content.to_vec() };
        SignerIdentifier::KeyId(ski)
    } else {
        return Err(Error::malformed("unknown SignerIdentifier choice"));
    };
    // RFC 5652 §5.3: version 1 with issuerAndSerialNumber, 3 with the key id.
    match (version, &sid) {
        (1, SignerIdentifier::IssuerSerial { .. }) | (3, SignerIdentifier::KeyId(_)) => {}
        (1 | 3, _) => return Err(Error::malformed(format!("SignerInfo version {version} does not fit its signer identifier"))),
        _ => return Err(Error::new(Code::UnsupportedVersion, format!("SignerInfo version {version}"))),
    }
    let digest_algorithm = AlgorithmIdentifier::parse(&r.read("digestAlgorithm")?)?;
    let signed_attrs = r.read_if(|t| *t == Tag::context(0, true))?;
    let signature_algorithm = AlgorithmIdentifier::parse(&r.read("signatureAlgorithm")?)?;
    let sig_t = r.read("signature")?;
    if !sig_t.tag.is_universal(4) {
        return Err(Error::malformed("signature is not an OCTET STRING"));
    }
    let signature = sig_t.octets()?;
    let unsigned_attrs = r.read_if(|t| *t == Tag::context(1, true))?;
    r.finish("SignerInfo")?;
    Ok(SignerInfo { version, sid, digest_algorithm, signed_attrs, signature_algorithm, signature, unsigned_attrs })
}
