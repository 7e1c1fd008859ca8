//! OCSP responses (RFC 6960 §4.2): parsing, and the forms they arrive in
//! (DER or PEM files the caller supplies; RFC 5940 §2.2 `id-ri-ocsp-response`
//! inside a SignedData). Whether a response speaks for a certificate, and
//! whether its signer may speak for the issuer, is decided during path
//! validation (`pki::path::ocsp`).

use super::cert::Certificate;
use super::name::Name;
use crate::asn1::{self, oid, time, AlgorithmIdentifier, Tag, Tlv};
use crate::error::{Error, Result};
use crate::limits;

/// CertStatus (RFC 6960 §4.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertStatus {
    /// `good`: not revoked as far as the responder knows.
    Good,
    /// `revoked`, with revocationTime and the CRLReason when given.
    Revoked {
        /// revocationTime.
        time: time::UnixTime,
        /// revocationReason (RFC 5280 §5.3.1 CRLReason), if present.
        reason: Option<u32>,
    },
    /// `unknown`: the responder does not know the certificate.
    Unknown,
}

/// CertID (RFC 6960 §4.1.1): which certificate a SingleResponse is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertId {
    /// hashAlgorithm OID.
    pub hash_algorithm: Vec<u8>,
    /// Hash of the DER of the issuer's name (as in the certificate's issuer field).
    pub issuer_name_hash: Vec<u8>,
    /// Hash of the issuer's subjectPublicKey BIT STRING value.
    pub issuer_key_hash: Vec<u8>,
    /// serialNumber (INTEGER content octets).
    pub serial: Vec<u8>,
}

/// One SingleResponse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SingleResponse {
    /// certID.
    pub cert_id: CertId,
    /// certStatus.
    pub status: CertStatus,
    /// thisUpdate.
    pub this_update: time::UnixTime,
    /// nextUpdate, if present.
    pub next_update: Option<time::UnixTime>,
    /// A singleExtension is critical and not understood: do not use it.
    pub unknown_critical: bool,
}

/// ResponderID (RFC 6960 §4.2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponderId {
    /// byName.
    ByName(Name),
    /// byKey: SHA-1 of the responder's subjectPublicKey BIT STRING value.
    ByKey(Vec<u8>),
}

/// A successful OCSPResponse carrying a BasicOCSPResponse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcspResponse {
    /// The DER of the whole OCSPResponse.
    pub raw: Vec<u8>,
    /// tbsResponseData as encoded (what the responder signed).
    pub tbs: Vec<u8>,
    /// signatureAlgorithm (OID, raw parameters).
    pub signature_algorithm: (Vec<u8>, Option<Vec<u8>>),
    /// Signature bits.
    pub signature: Vec<u8>,
    /// Unused bits of the signature BIT STRING.
    pub signature_unused_bits: u8,
    /// responderID.
    pub responder: ResponderId,
    /// producedAt.
    pub produced_at: time::UnixTime,
    /// responses.
    pub responses: Vec<SingleResponse>,
    /// certs: certificates that help to verify the signature (a delegated
    /// responder's certificate); hints only, never anchors.
    pub certs: Vec<Certificate>,
    /// A responseExtension is critical and not understood: do not use it.
    pub unknown_critical: bool,
}

/// OCSPResponseStatus names (RFC 6960 §4.2.1), for the error text.
fn status_name(s: u32) -> &'static str {
    match s {
        1 => "malformedRequest",
        2 => "internalError",
        3 => "tryLater",
        5 => "sigRequired",
        6 => "unauthorized",
        _ => "an unknown status",
    }
}

/// An OCTET STRING's value (BER segments joined).
fn octets(t: &Tlv<'_>, what: &str) -> Result<Vec<u8>> {
    if !t.tag.is_universal(4) {
        return Err(Error::malformed(format!("{what} is not an OCTET STRING")));
    }
    Ok(t.octets()?.into_owned())
}

fn enumerated(t: &Tlv<'_>, what: &str) -> Result<u32> {
    if !t.tag.is_universal(10) || t.content.is_empty() || t.content.len() > 4 {
        return Err(Error::malformed(format!("{what} is not a small ENUMERATED")));
    }
    Ok(t.content.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)))
}

impl OcspResponse {
    /// Parse a DER (or BER) OCSPResponse. A response whose responseStatus is
    /// not `successful` carries no status and is refused (§4.2.1).
    pub fn from_der(der: &[u8]) -> Result<OcspResponse> {
        OcspResponse::parse(&asn1::parse_single(der)?)
    }

    /// Parse from an element.
    pub fn parse(t: &Tlv<'_>) -> Result<OcspResponse> {
        t.check(Tag::SEQUENCE, "OCSPResponse")?;
        let mut r = t.children()?;
        let status = enumerated(&r.read("responseStatus")?, "responseStatus")?;
        if status != 0 {
            return Err(Error::malformed(format!(
                "the OCSP response says {} ({status}) and carries no certificate status",
                status_name(status)
            )));
        }
        let bytes = r.expect(Tag::context(0, true), "responseBytes")?;
        r.finish("OCSPResponse")?;
        let mut br = bytes.children()?;
        let rb = br.expect(Tag::SEQUENCE, "ResponseBytes")?;
        br.finish("responseBytes")?;
        let mut rr = rb.children()?;
        if rr.expect(Tag::OID, "responseType")?.oid()? != oid::OCSP_BASIC {
            return Err(Error::malformed("an OCSP response type other than id-pkix-ocsp-basic"));
        }
        let inner = octets(&rr.read("response")?, "response")?;
        rr.finish("ResponseBytes")?;
        let mut out = parse_basic(&asn1::parse_single(&inner)?)?;
        out.raw = t.raw.to_vec();
        Ok(out)
    }
}

/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm,
/// signature, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }.
fn parse_basic(t: &Tlv<'_>) -> Result<OcspResponse> {
    t.check(Tag::SEQUENCE, "BasicOCSPResponse")?;
    let mut r = t.children()?;
    let tbs = r.expect(Tag::SEQUENCE, "tbsResponseData")?;
    let alg = AlgorithmIdentifier::parse(&r.read("signatureAlgorithm")?)?;
    let (signature_unused_bits, sig) = r.read("signature")?.bit_string()?;
    let mut certs = Vec::new();
    if let Some(c) = r.read_if(|t| *t == Tag::context(0, true))? {
        let mut cr = c.children()?;
        let seq = cr.expect(Tag::SEQUENCE, "certs")?;
        cr.finish("certs")?;
        let mut sr = seq.children()?;
        while let Some(cert) = sr.next_tlv()? {
            if certs.len() >= limits::MAX_OCSP_RESPONSE_CERTS {
                return Err(Error::limit(format!("more than {} certificates in one OCSP response", limits::MAX_OCSP_RESPONSE_CERTS)));
            }
            certs.push(Certificate::parse(&cert)?);
        }
    }
    r.finish("BasicOCSPResponse")?;
    let (responder, produced_at, responses, unknown_critical) = parse_response_data(&tbs)?;
    Ok(OcspResponse {
        raw: Vec::new(),
        tbs: tbs.raw.to_vec(),
        signature_algorithm: (alg.oid.to_vec(), alg.params.map(|p| p.raw.to_vec())),
        signature: sig.into_owned(),
        signature_unused_bits,
        responder,
        produced_at,
        responses,
        certs,
        unknown_critical,
    })
}

type ResponseData = (ResponderId, time::UnixTime, Vec<SingleResponse>, bool);

/// ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, responderID,
/// producedAt, responses, responseExtensions [1] EXPLICIT OPTIONAL }.
fn parse_response_data(t: &Tlv<'_>) -> Result<ResponseData> {
    let mut r = t.children()?;
    if let Some(v) = r.read_if(|t| *t == Tag::context(0, true))? {
        let version = v.children()?.expect(Tag::INTEGER, "version")?.small_uint()?;
        if version != 0 {
            return Err(Error::malformed("unknown OCSP ResponseData version"));
        }
    }
    let rid = r.read("responderID")?;
    let inner = rid.children()?.read("responderID choice")?;
    let responder = if rid.tag == Tag::context(1, true) {
        ResponderId::ByName(Name::parse(&inner)?)
    } else if rid.tag == Tag::context(2, true) {
        ResponderId::ByKey(octets(&inner, "KeyHash")?)
    } else {
        return Err(Error::malformed("unknown OCSP ResponderID"));
    };
    let produced_at = time::parse_time(&r.read("producedAt")?)?;
    let list = r.expect(Tag::SEQUENCE, "responses")?;
    let mut responses = Vec::new();
    let mut lr = list.children()?;
    while let Some(single) = lr.next_tlv()? {
        if responses.len() >= limits::MAX_OCSP_SINGLE_RESPONSES {
            return Err(Error::limit(format!("more than {} statuses in one OCSP response", limits::MAX_OCSP_SINGLE_RESPONSES)));
        }
        responses.push(parse_single(&single)?);
    }
    let mut unknown_critical = false;
    if let Some(ext) = r.read_if(|t| *t == Tag::context(1, true))? {
        // The nonce (§4.4.1) is the only response extension read; none other
        // may be critical.
        unknown_critical = any_unknown_critical(&ext, &[oid::OCSP_NONCE])?;
    }
    r.finish("ResponseData")?;
    Ok((responder, produced_at, responses, unknown_critical))
}

/// SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate,
/// nextUpdate [0] EXPLICIT OPTIONAL, singleExtensions [1] EXPLICIT OPTIONAL }.
fn parse_single(t: &Tlv<'_>) -> Result<SingleResponse> {
    t.check(Tag::SEQUENCE, "SingleResponse")?;
    let mut r = t.children()?;
    let cert_id = parse_cert_id(&r.expect(Tag::SEQUENCE, "certID")?)?;
    let st = r.read("certStatus")?;
    let status = match (st.tag.class, st.tag.number) {
        (asn1::Class::Context, 0) => CertStatus::Good,
        (asn1::Class::Context, 1) => {
            // RevokedInfo ::= SEQUENCE { revocationTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
            let mut ri = st.children()?;
            let time = time::parse_time(&ri.read("revocationTime")?)?;
            let reason = match ri.read_if(|t| *t == Tag::context(0, true))? {
                Some(x) => Some(enumerated(&x.children()?.read("revocationReason")?, "revocationReason")?),
                None => None,
            };
            ri.finish("RevokedInfo")?;
            CertStatus::Revoked { time, reason }
        }
        (asn1::Class::Context, 2) => CertStatus::Unknown,
        _ => return Err(Error::malformed("unknown OCSP CertStatus")),
    };
    let this_update = time::parse_time(&r.read("thisUpdate")?)?;
    let next_update = match r.read_if(|t| *t == Tag::context(0, true))? {
        Some(n) => Some(time::parse_time(&n.children()?.read("nextUpdate")?)?),
        None => None,
    };
    let unknown_critical = match r.read_if(|t| *t == Tag::context(1, true))? {
        Some(ext) => any_unknown_critical(&ext, &[])?,
        None => false,
    };
    r.finish("SingleResponse")?;
    Ok(SingleResponse { cert_id, status, this_update, next_update, unknown_critical })
}

fn parse_cert_id(t: &Tlv<'_>) -> Result<CertId> {
    let mut r = t.children()?;
    let alg = AlgorithmIdentifier::parse(&r.read("hashAlgorithm")?)?;
    let issuer_name_hash = octets(&r.read("issuerNameHash")?, "issuerNameHash")?;
    let issuer_key_hash = octets(&r.read("issuerKeyHash")?, "issuerKeyHash")?;
    let serial = r.expect(Tag::INTEGER, "serialNumber")?.integer_bytes()?.to_vec();
    r.finish("CertID")?;
    Ok(CertId { hash_algorithm: alg.oid.to_vec(), issuer_name_hash, issuer_key_hash, serial })
}

/// `[n] EXPLICIT Extensions`: is any critical extension outside `known`?
fn any_unknown_critical(wrapper: &Tlv<'_>, known: &[&[u8]]) -> Result<bool> {
    let mut wr = wrapper.children()?;
    let seq = wr.expect(Tag::SEQUENCE, "Extensions")?;
    let mut sr = seq.children()?;
    let mut unknown = false;
    while let Some(x) = sr.next_tlv()? {
        let mut xr = x.children()?;
        let id = xr.expect(Tag::OID, "extnID")?.oid()?;
        let critical = match xr.read_if(|t| *t == Tag::BOOLEAN)? {
            Some(b) => b.boolean()?,
            None => false,
        };
        octets(&xr.read("extnValue")?, "extnValue")?;
        xr.finish("Extension")?;
        unknown |= critical && !known.contains(&id);
    }
    Ok(unknown)
}

/// RFC 5940 §2.2: an `other` RevocationInfoChoice (`[1] IMPLICIT
/// OtherRevocationInfoFormat`) holding an OCSP response. `Ok(None)` for any
/// other format; an OCSP one that does not parse is an error.
pub fn from_revocation_info(choice: &Tlv<'_>) -> Result<Option<OcspResponse>> {
    if choice.tag != Tag::context(1, true) {
        return Ok(None);
    }
    let mut r = choice.children()?;
    if r.expect(Tag::OID, "otherRevInfoFormat")?.oid()? != oid::RI_OCSP_RESPONSE {
        return Ok(None);
    }
    let response = OcspResponse::parse(&r.read("otherRevInfo")?)?;
    r.finish("OtherRevocationInfoFormat")?;
    Ok(Some(response))
}

/// Every OCSP response in `data`: PEM `OCSP RESPONSE` blocks or, when there
/// are none, one DER response (what `--ocsp` files and the JS `ocsp` option
/// hold). Bounded by `limits::MAX_OCSP_RESPONSES`.
pub fn responses_from_pem_or_der(data: &[u8]) -> Result<Vec<OcspResponse>> {
    let blocks = super::pem::blocks(data, "OCSP RESPONSE", limits::MAX_OCSP_RESPONSES)?;
    if blocks.is_empty() {
        return Ok(vec![OcspResponse::from_der(data)?]);
    }
    blocks.iter().map(|der| OcspResponse::from_der(der)).collect()
}

/// Responses a caller supplies (CLI `--ocsp`, the JS `ocsp` option) are
/// bounded as a message's are: at most `limits::MAX_OCSP_RESPONSES`.
pub fn check_supplied(responses: &[OcspResponse]) -> Result<()> {
    if responses.len() > limits::MAX_OCSP_RESPONSES {
        return Err(Error::limit(format!("more than {} OCSP responses supplied", limits::MAX_OCSP_RESPONSES)));
    }
    Ok(())
}

/// RFC 5280 §5.3.1 CRLReason names, for verdict texts.
pub fn reason_name(code: u32) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "an unknown reason",
    }
}

/// An OCSPRequest (RFC 6960 §4.1.1) for one certificate: a SHA-1 CertID
/// (what RFC 5019 §2.1.1 responders must accept) over the issuer's name
/// (the DER of `cert`'s issuer field) and the issuer's subjectPublicKey
/// value; no nonce, so responders may answer from a pre-signed cache
/// (RFC 5019 §2.1.1). For servers that ask responders online (issue 12 §4).
pub fn request(cert: &Certificate, issuer_key: &[u8]) -> Vec<u8> {
    use crate::cms::alg::DigestAlg;
    use crate::cms::external::tlv;
    let sha1 = [tlv(0x06, oid::SHA1), vec![0x05, 0x00]].concat();
    let cert_id = [
        tlv(0x30, &sha1),
        tlv(0x04, &DigestAlg::Sha1.digest(&[&cert.issuer.raw])),
        tlv(0x04, &DigestAlg::Sha1.digest(&[issuer_key])),
        tlv(0x02, &cert.serial),
    ]
    .concat();
    let request = tlv(0x30, &tlv(0x30, &cert_id));
    tlv(0x30, &tlv(0x30, &tlv(0x30, &request)))
}
