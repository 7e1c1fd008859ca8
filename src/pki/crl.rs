//! Certificate revocation lists (RFC 5280 §5): parsing, and the facts §6.3.3
//! needs. Which CRL applies to which certificate is decided in `path.rs`.

use super::name::Name;
use crate::asn1::{self, oid, time, AlgorithmIdentifier, Tag, Tlv};
use crate::error::{Error, Result};

/// One revoked entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revoked {
    /// userCertificate serial number (content bytes).
    pub serial: Vec<u8>,
    /// revocationDate.
    pub date: time::UnixTime,
    /// reasonCode, if present (RFC 5280 §5.3.1).
    pub reason: Option<u32>,
    /// certificateIssuer (indirect CRLs, §5.3.3): the directoryName, if present.
    pub certificate_issuer: Option<Name>,
    /// An entry extension is critical and not understood (§5.3: the CRL must
    /// then not be used).
    pub unknown_critical: bool,
}

/// A distribution point name (RFC 5280 §4.2.1.13), with relative names
/// already resolved against their base name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DpName {
    /// A directoryName.
    Dir(Name),
    /// A URI (or other GeneralName kept as its raw encoding).
    Other(Vec<u8>),
}

impl DpName {
    /// Equality as §6.3.3(b)(2)(i) needs it.
    pub fn same(&self, other: &DpName) -> bool {
        match (self, other) {
            (DpName::Dir(a), DpName::Dir(b)) => a.matches(b),
            (DpName::Other(a), DpName::Other(b)) => a == b,
            _ => false,
        }
    }
}

/// All eight CRL reasons of ReasonFlags (RFC 5280 §5.2.5 / §6.3.3).
pub const ALL_REASONS: u16 = 0x01fe;

/// ReasonFlags as a mask of bits 0..=8 (bit n = reason n).
fn reason_flags(t: &Tlv<'_>) -> Result<u16> {
    let (_, bits) = t.bit_string()?;
    let mut mask = 0u16;
    for (i, byte) in bits.iter().take(2).enumerate() {
        for bit in 0..8u16 {
            if byte & (0x80u8 >> bit) != 0 {
                let n = u16::try_from(i).unwrap_or(0).saturating_mul(8).saturating_add(bit);
                mask |= 1u16.checked_shl(u32::from(n)).unwrap_or(0);
            }
        }
    }
    Ok(mask)
}

/// GeneralNames to distribution point names.
fn general_names(t: &Tlv<'_>) -> Result<Vec<DpName>> {
    let mut out = Vec::new();
    let mut r = t.children()?;
    while let Some(gn) = r.next_tlv()? {
        if gn.tag == Tag::context(4, true) {
            if let Some(n) = gn.children()?.next_tlv()? {
                out.push(DpName::Dir(Name::parse(&n)?));
            }
        } else {
            out.push(DpName::Other(gn.raw.to_vec()));
        }
    }
    Ok(out)
}

/// DistributionPointName: `[0]` fullName, or `[1]` nameRelativeToCRLIssuer
/// appended to `base` (§4.2.1.13, §5.2.5).
fn dp_name(t: &Tlv<'_>, base: &Name) -> Result<Vec<DpName>> {
    let mut r = t.children()?;
    let Some(n) = r.next_tlv()? else { return Ok(Vec::new()) };
    if n.tag.is_context(0) {
        general_names(&n)
    } else if n.tag.is_context(1) {
        // The relative RDN: a SET OF AttributeTypeAndValue with an implicit tag.
        let mut set = Vec::new();
        set.push(0x31u8);
        let len = n.content.len();
        if len < 0x80 {
            set.push(u8::try_from(len).unwrap_or(0));
        } else {
            return Err(Error::malformed("nameRelativeToCRLIssuer too long"));
        }
        set.extend_from_slice(n.content);
        let mut seq = vec![0x30u8];
        let inner_len = set.len();
        if inner_len < 0x80 {
            seq.push(u8::try_from(inner_len).unwrap_or(0));
        } else {
            return Err(Error::malformed("nameRelativeToCRLIssuer too long"));
        }
        seq.extend_from_slice(&set);
        let rdn = Name::parse(&asn1::parse_single(&seq)?)?;
        let mut full = base.clone();
        full.raw = Vec::new();
        full.rdns.extend(rdn.rdns);
        Ok(vec![DpName::Dir(full)])
    } else {
        Err(Error::malformed("unknown DistributionPointName"))
    }
}

/// One DistributionPoint of a certificate's cRLDistributionPoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistributionPoint {
    /// The point's names (empty when absent).
    pub names: Vec<DpName>,
    /// The reasons this point covers (`ALL_REASONS` when absent).
    pub reasons: u16,
    /// cRLIssuer names (indirect CRLs), as directory names.
    pub crl_issuer: Vec<Name>,
}

/// Parse a cRLDistributionPoints extension value; relative names resolve
/// against the cRLIssuer when present, else the certificate issuer.
pub fn distribution_points(value: &[u8], cert_issuer: &Name) -> Result<Vec<DistributionPoint>> {
    let t = asn1::parse_single(value)?;
    t.check(Tag::SEQUENCE, "CRLDistributionPoints")?;
    let mut out = Vec::new();
    let mut r = t.children()?;
    while let Some(dp) = r.next_tlv()? {
        let mut dr = dp.children()?;
        let name_t = dr.read_if(|t| t.is_context(0))?;
        let reasons = match dr.read_if(|t| t.is_context(1))? {
            Some(t) => {
                // [1] IMPLICIT BIT STRING: re-tag to read it.
                let mut bs = vec![0x03u8, u8::try_from(t.content.len()).unwrap_or(0)];
                bs.extend_from_slice(t.content);
                reason_flags(&asn1::parse_single(&bs)?)?
            }
            None => ALL_REASONS,
        };
        let mut crl_issuer = Vec::new();
        if let Some(ci) = dr.read_if(|t| t.is_context(2))? {
            for n in general_names(&ci)? {
                if let DpName::Dir(d) = n {
                    crl_issuer.push(d);
                }
            }
        }
        let base = crl_issuer.first().unwrap_or(cert_issuer).clone();
        let names = match name_t {
            Some(n) => dp_name(&n, &base)?,
            None => Vec::new(),
        };
        out.push(DistributionPoint { names, reasons, crl_issuer });
    }
    Ok(out)
}

/// IssuingDistributionPoint (RFC 5280 §5.2.5), as far as scope checks go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssuingDistributionPoint {
    /// The distribution point names (relative ones resolved against the CRL
    /// issuer); empty when absent.
    pub names: Vec<DpName>,
    /// onlyContainsUserCerts.
    pub only_user: bool,
    /// onlyContainsCACerts.
    pub only_ca: bool,
    /// onlySomeReasons mask, `ALL_REASONS` when absent.
    pub reasons: u16,
    /// indirectCRL.
    pub indirect: bool,
    /// onlyContainsAttributeCerts.
    pub only_attribute: bool,
}

/// A parsed CRL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crl {
    /// The DER of the whole CRL.
    pub raw: Vec<u8>,
    /// The tbsCertList encoding (what the issuer signed).
    pub tbs: Vec<u8>,
    /// signatureAlgorithm (OID, raw parameters).
    pub signature_algorithm: (Vec<u8>, Option<Vec<u8>>),
    /// The tbsCertList signature algorithm OID (must equal the outer one).
    pub tbs_signature_algorithm: Vec<u8>,
    /// Signature bits.
    pub signature: Vec<u8>,
    /// Unused bits of the signature BIT STRING.
    pub signature_unused_bits: u8,
    /// Issuer.
    pub issuer: Name,
    /// thisUpdate.
    pub this_update: time::UnixTime,
    /// nextUpdate, if present.
    pub next_update: Option<time::UnixTime>,
    /// Revoked entries.
    pub revoked: Vec<Revoked>,
    /// This is a delta CRL (deltaCRLIndicator present): its base CRL number.
    pub delta_base: Option<Vec<u8>>,
    /// cRLNumber.
    pub number: Option<Vec<u8>>,
    /// authorityKeyIdentifier keyIdentifier.
    pub authority_key_id: Option<Vec<u8>>,
    /// issuingDistributionPoint.
    pub idp: Option<IssuingDistributionPoint>,
    /// A CRL extension is critical and not understood (§5.2: do not use).
    pub unknown_critical: bool,
}

fn parse_idp(der: &[u8], crl_issuer: &Name) -> Result<IssuingDistributionPoint> {
    let t = asn1::parse_single(der)?;
    t.check(Tag::SEQUENCE, "IssuingDistributionPoint")?;
    let mut idp = IssuingDistributionPoint { reasons: ALL_REASONS, ..IssuingDistributionPoint::default() };
    let mut r = t.children()?;
    while let Some(f) = r.next_tlv()? {
        let flag = |f: &Tlv<'_>| -> bool { f.content.first().is_some_and(|b| *b != 0) };
        match (f.tag.number, f.tag.class) {
            (0, asn1::Class::Context) => idp.names = dp_name(&f, crl_issuer)?,
            (1, asn1::Class::Context) => idp.only_user = flag(&f),
            (2, asn1::Class::Context) => idp.only_ca = flag(&f),
            (3, asn1::Class::Context) => {
                let mut bs = vec![0x03u8, u8::try_from(f.content.len()).unwrap_or(0)];
                bs.extend_from_slice(f.content);
                idp.reasons = reason_flags(&asn1::parse_single(&bs)?)?;
            }
            (4, asn1::Class::Context) => idp.indirect = flag(&f),
            (5, asn1::Class::Context) => idp.only_attribute = flag(&f),
            _ => return Err(Error::malformed("unknown IssuingDistributionPoint field")),
        }
    }
    Ok(idp)
}

impl Crl {
    /// Parse a DER (or BER) CRL.
    pub fn from_der(der: &[u8]) -> Result<Crl> {
        Crl::parse(&asn1::parse_single(der)?)
    }

    /// Parse from an element.
    pub fn parse(t: &Tlv<'_>) -> Result<Crl> {
        t.check(Tag::SEQUENCE, "CertificateList")?;
        let mut r = t.children()?;
        let tbs = r.expect(Tag::SEQUENCE, "tbsCertList")?;
        let sig_alg = AlgorithmIdentifier::parse(&r.read("signatureAlgorithm")?)?;
        let (signature_unused_bits, sig) = r.read("signatureValue")?.bit_string()?;
        r.finish("CertificateList")?;

        let mut tr = tbs.children()?;
        let version = match tr.read_if(|t| *t == Tag::INTEGER)? {
            Some(v) => v.small_uint()?,
            None => 0,
        };
        if version > 1 {
            return Err(Error::malformed("unknown CRL version"));
        }
        let tbs_sig = AlgorithmIdentifier::parse(&tr.read("signature")?)?;
        let issuer = Name::parse(&tr.read("issuer")?)?;
        let this_update = time::parse_time(&tr.read("thisUpdate")?)?;
        let next_update = match tr.read_if(|t| t.is_universal(23) || t.is_universal(24))? {
            Some(t) => Some(time::parse_time(&t)?),
            None => None,
        };
        let mut revoked = Vec::new();
        if let Some(list) = tr.read_if(|t| *t == Tag::SEQUENCE)? {
            let mut lr = list.children()?;
            while let Some(e) = lr.next_tlv()? {
                revoked.push(parse_entry(&e)?);
            }
        }
        let mut crl = Crl {
            raw: t.raw.to_vec(),
            tbs: tbs.raw.to_vec(),
            signature_algorithm: (sig_alg.oid.to_vec(), sig_alg.params.map(|p| p.raw.to_vec())),
            tbs_signature_algorithm: tbs_sig.oid.to_vec(),
            signature: sig.into_owned(),
            signature_unused_bits,
            issuer,
            this_update,
            next_update,
            revoked,
            delta_base: None,
            number: None,
            authority_key_id: None,
            idp: None,
            unknown_critical: false,
        };
        if let Some(ext) = tr.read_if(|t| *t == Tag::context(0, true))? {
            let mut er = ext.children()?;
            let seq = er.expect(Tag::SEQUENCE, "crlExtensions")?;
            let mut sr = seq.children()?;
            while let Some(x) = sr.next_tlv()? {
                let (id, critical, value) = parse_extension(&x)?;
                match id {
                    oid::CRL_NUMBER => crl.number = Some(asn1::parse_single(&value)?.integer_bytes()?.to_vec()),
                    oid::DELTA_CRL_INDICATOR => crl.delta_base = Some(asn1::parse_single(&value)?.integer_bytes()?.to_vec()),
                    oid::ISSUING_DISTRIBUTION_POINT => crl.idp = Some(parse_idp(&value, &crl.issuer)?),
                    oid::AUTHORITY_KEY_ID => {
                        let a = asn1::parse_single(&value)?;
                        let mut ar = a.children()?;
                        if let Some(k) = ar.read_if(|t| *t == Tag::context(0, false))? {
                            crl.authority_key_id = Some(k.content.to_vec());
                        }
                    }
                    oid::FRESHEST_CRL | oid::ISSUER_ALT_NAME | oid::AUTHORITY_INFO_ACCESS => {}
                    _ if critical => crl.unknown_critical = true,
                    _ => {}
                }
            }
        }
        tr.finish("tbsCertList")?;
        Ok(crl)
    }
}

/// Every CRL in `data`: PEM `X509 CRL` blocks or, when there are none, one
/// DER CRL (what `--crl` files and JS `crls` options hold). Bounded by
/// `limits::MAX_CRLS`.
pub fn crls_from_pem_or_der(data: &[u8]) -> Result<Vec<Crl>> {
    let blocks = super::pem::blocks(data, "X509 CRL", crate::limits::MAX_CRLS)?;
    if blocks.is_empty() {
        return Ok(vec![Crl::from_der(data)?]);
    }
    blocks.iter().map(|der| Crl::from_der(der)).collect()
}

fn parse_extension<'a>(x: &Tlv<'a>) -> Result<(&'a [u8], bool, Vec<u8>)> {
    x.check(Tag::SEQUENCE, "Extension")?;
    let mut r = x.children()?;
    let id = r.expect(Tag::OID, "extnID")?.oid()?;
    let critical = match r.read_if(|t| *t == Tag::BOOLEAN)? {
        Some(b) => b.boolean()?,
        None => false,
    };
    let value = r.read("extnValue")?.octets()?.into_owned();
    r.finish("Extension")?;
    Ok((id, critical, value))
}

fn parse_entry(e: &Tlv<'_>) -> Result<Revoked> {
    e.check(Tag::SEQUENCE, "revokedCertificate")?;
    let mut r = e.children()?;
    let serial = r.expect(Tag::INTEGER, "userCertificate")?.integer_bytes()?.to_vec();
    let date = time::parse_time(&r.read("revocationDate")?)?;
    let mut entry = Revoked { serial, date, reason: None, certificate_issuer: None, unknown_critical: false };
    if let Some(exts) = r.read_if(|t| *t == Tag::SEQUENCE)? {
        let mut xr = exts.children()?;
        while let Some(x) = xr.next_tlv()? {
            let (id, critical, value) = parse_extension(&x)?;
            match id {
                oid::CRL_REASON => {
                    let v = asn1::parse_single(&value)?;
                    if !v.tag.is_universal(10) {
                        return Err(Error::malformed("reasonCode is not ENUMERATED"));
                    }
                    entry.reason = Some(v.content.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)));
                }
                oid::CERTIFICATE_ISSUER => {
                    let gns = asn1::parse_single(&value)?;
                    let mut gr = gns.children()?;
                    while let Some(gn) = gr.next_tlv()? {
                        if gn.tag == Tag::context(4, true) {
                            if let Some(n) = gn.children()?.next_tlv()? {
                                entry.certificate_issuer = Some(Name::parse(&n)?);
                                break;
                            }
                        }
                    }
                }
                oid::INVALIDITY_DATE => {}
                _ if critical => entry.unknown_critical = true,
                _ => {}
            }
        }
    }
    r.finish("revokedCertificate")?;
    Ok(entry)
}
