//! The oracle's reading: RustCrypto `x509-cert` and `cms` (DER only, via
//! `der`). A BER SignedData is read from its DER re-encoding (`ber.rs`).

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::revocation::RevocationInfoChoice;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{AnyRef, ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode, Tag, Tagged};
use x509_cert::attr::Attributes;
use x509_cert::crl::{CertificateList, RevokedCert};
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::crl::{BaseCrlNumber, CrlNumber, CrlReason};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName, GeneralNames};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectAltName};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::time::Time;
use x509_cert::Certificate;

use super::{alg, atv, econtent, gn, hex, name, oids, set, uint_hex, Decoded, Kind, Record, UNDECODABLE};

type R<T> = Result<T, String>;

fn err(e: der::Error) -> String {
    e.to_string()
}

fn name_of(n: &Name) -> String {
    name(
        n.0.iter()
            .map(|rdn| rdn.0.iter().map(|a| atv(&a.oid.to_string(), u32::from(a.value.tag().number().value()), a.value.value())).collect())
            .collect(),
    )
}

fn alg_of(a: &AlgorithmIdentifierOwned) -> String {
    let params = a.parameters.as_ref().map(|p| p.to_der().unwrap_or_default());
    alg(&a.oid.to_string(), params.as_deref())
}

fn secs(t: Time) -> String {
    t.to_unix_duration().as_secs().to_string()
}

/// One certificate.
pub fn certificate(bytes: &[u8]) -> Decoded {
    let c = Certificate::from_der(bytes).map_err(err)?;
    let tbs = &c.tbs_certificate;
    let mut r = Record::default();
    r.set("version", (tbs.version as u8 + 1).to_string());
    r.set("serial", hex(tbs.serial_number.as_bytes()));
    r.set("signature-algorithm", alg_of(&c.signature_algorithm));
    r.set("tbs-signature-algorithm", tbs.signature.oid.to_string());
    r.set("signature", format!("unused {} {}", c.signature.unused_bits(), hex(c.signature.raw_bytes())));
    r.set("issuer", name_of(&tbs.issuer));
    r.set("subject", name_of(&tbs.subject));
    r.set("not-before", secs(tbs.validity.not_before));
    r.set("not-after", secs(tbs.validity.not_after));
    let spki = &tbs.subject_public_key_info;
    r.set("spki-algorithm", alg_of(&spki.algorithm));
    r.set("spki-key", hex(spki.subject_public_key.raw_bytes()));
    let exts: &[Extension] = tbs.extensions.as_deref().unwrap_or(&[]);
    r.set("extension-order", exts.iter().map(|e| e.extn_id.to_string()).collect::<Vec<_>>().join(", "));
    for e in exts {
        r.set(format!("extension {}", e.extn_id), format!("critical={} {}", e.critical, hex(e.extn_value.as_bytes())));
    }
    let san = exts.iter().find(|e| e.extn_id.to_string() == oids::SAN).map(|e| SubjectAltName::from_der(e.extn_value.as_bytes()));
    if let Some(s) = &san {
        r.set("san", s.as_ref().map_err(|e| e.to_string()).and_then(|s| san_entries(&s.0)).unwrap_or_else(|_| UNDECODABLE.into()));
    }
    r.set("emails", emails(san.and_then(Result::ok).as_ref(), &tbs.subject));
    Ok(r)
}

fn san_entries(names: &GeneralNames) -> R<String> {
    names.iter().map(general_name).collect::<R<Vec<_>>>().map(|v| v.join("; "))
}

/// The content octets of an element, for the forms printed raw.
fn content_of(g: &GeneralName) -> R<Vec<u8>> {
    let der = g.to_der().map_err(err)?;
    Ok(AnyRef::from_der(&der).map_err(err)?.value().to_vec())
}

fn general_name(g: &GeneralName) -> R<String> {
    Ok(match g {
        GeneralName::OtherName(o) => gn::other(&o.type_id.to_string(), &o.value.to_der().map_err(err)?),
        GeneralName::Rfc822Name(s) => gn::rfc822(s.as_bytes()),
        GeneralName::DnsName(s) => gn::dns(s.as_bytes()),
        GeneralName::DirectoryName(n) => gn::dir(name_of(n)),
        GeneralName::EdiPartyName(_) => gn::raw("ediPartyName", &content_of(g)?),
        GeneralName::UniformResourceIdentifier(s) => gn::uri(s.as_bytes()),
        GeneralName::IpAddress(o) => gn::ip(o.as_bytes()),
        GeneralName::RegisteredId(o) => gn::rid(&o.to_string()),
    })
}

/// R29's address list computed from the oracle's decoding: SAN rfc822Name
/// and SmtpUTF8Mailbox (RFC 8398) in order, then DN emailAddress.
fn emails(san: Option<&SubjectAltName>, subject: &Name) -> String {
    let mut found = Vec::new();
    for g in san.map(|s| s.0.as_slice()).unwrap_or(&[]) {
        match g {
            GeneralName::Rfc822Name(s) => found.push(s.to_string()),
            GeneralName::OtherName(o) if o.type_id.to_string() == oids::SMTP_UTF8_MAILBOX && o.value.tag() == Tag::Utf8String => {
                if let Ok(s) = std::str::from_utf8(o.value.value()) {
                    found.push(s.to_owned());
                }
            }
            _ => {}
        }
    }
    for a in subject.0.iter().flat_map(|rdn| rdn.0.iter()) {
        if a.oid.to_string() == oids::EMAIL_ADDRESS {
            if let Ok(s) = std::str::from_utf8(a.value.value()) {
                found.push(s.to_owned());
            }
        }
    }
    super::emails(found)
}

/// One CRL.
pub fn crl(bytes: &[u8]) -> Decoded {
    let c = CertificateList::from_der(bytes).map_err(err)?;
    let tbs = &c.tbs_cert_list;
    let mut r = Record::default();
    r.set("signature-algorithm", alg_of(&c.signature_algorithm));
    r.set("tbs-signature-algorithm", tbs.signature.oid.to_string());
    r.set("signature", format!("unused {} {}", c.signature.unused_bits(), hex(c.signature.raw_bytes())));
    r.set("issuer", name_of(&tbs.issuer));
    r.set("this-update", secs(tbs.this_update));
    r.set("next-update", tbs.next_update.map_or("absent".into(), secs));
    let entries: &[RevokedCert] = tbs.revoked_certificates.as_deref().unwrap_or(&[]);
    r.set("entries", entries.len().to_string());
    for (i, e) in entries.iter().enumerate() {
        r.set(format!("entry {i}"), entry(e));
    }
    let exts: &[Extension] = tbs.crl_extensions.as_deref().unwrap_or(&[]);
    let ext = |oid: &str| exts.iter().find(|e| e.extn_id.to_string() == oid).map(|e| e.extn_value.as_bytes());
    let or_undecodable = |v: R<String>| v.unwrap_or_else(|_| UNDECODABLE.into());
    r.set(
        "crl-number",
        ext(oids::CRL_NUMBER)
            .map_or("absent".into(), |v| or_undecodable(CrlNumber::from_der(v).map(|n| uint_hex(n.0.as_bytes())).map_err(err))),
    );
    r.set(
        "delta-crl-base",
        ext(oids::DELTA_CRL)
            .map_or("absent".into(), |v| or_undecodable(BaseCrlNumber::from_der(v).map(|n| uint_hex(n.0.as_bytes())).map_err(err))),
    );
    r.set(
        "authority-key-id",
        ext(oids::AKI).map_or("absent".into(), |v| {
            or_undecodable(
                AuthorityKeyIdentifier::from_der(v).map(|a| a.key_identifier.map_or("absent".into(), |k| hex(k.as_bytes()))).map_err(err),
            )
        }),
    );
    r.set(
        "issuing-distribution-point",
        ext(oids::IDP).map_or("absent".into(), |v| or_undecodable(IssuingDistributionPoint::from_der(v).map(|i| idp(&i)).map_err(err))),
    );
    Ok(r)
}

fn entry(e: &RevokedCert) -> String {
    let exts: &[Extension] = e.crl_entry_extensions.as_deref().unwrap_or(&[]);
    let ext = |oid: &str| exts.iter().find(|x| x.extn_id.to_string() == oid).map(|x| x.extn_value.as_bytes());
    let reason =
        ext(oids::CRL_REASON).map_or("-".into(), |v| CrlReason::from_der(v).map_or(UNDECODABLE.into(), |r| (r as u32).to_string()));
    let issuer = ext(oids::CERT_ISSUER).map_or("-".into(), |v| match GeneralNames::from_der(v) {
        Ok(names) => names
            .iter()
            .find_map(|g| match g {
                GeneralName::DirectoryName(n) => Some(name_of(n)),
                _ => None,
            })
            .unwrap_or_else(|| "-".into()),
        Err(_) => UNDECODABLE.into(),
    });
    format!("serial {} date {} reason {reason} certificate-issuer {issuer}", hex(e.serial_number.as_bytes()), secs(e.revocation_date))
}

fn idp(i: &IssuingDistributionPoint) -> String {
    let names = match &i.distribution_point {
        None => 0,
        Some(DistributionPointName::FullName(g)) => g.len(),
        Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => 1,
    };
    // ReasonFlags bit n is reason n, as in our mask; absent = all eight reasons.
    let reasons = i.only_some_reasons.map_or(0x01fe, |f| f.bits());
    format!(
        "user {} ca {} attribute {} indirect {} reasons {reasons:04x} names {names}",
        i.only_contains_user_certs, i.only_contains_ca_certs, i.only_contains_attribute_certs, i.indirect_crl
    )
}

/// One ContentInfo that should hold a SignedData. BER input is read from its
/// DER re-encoding; `Record::fields` then gets no marker (the values are the
/// same), the caller counts it.
///
/// When `cms` refuses the SignedData as a whole, it is read again without
/// its certificate and CRL sets (each of those is compared on its own
/// anyway), and the field `oracle-reading` says so: ours has no such field,
/// so this is a mismatch that the exceptions list must explain.
pub fn signed_data(bytes: &[u8]) -> (Decoded, bool) {
    let der = super::ber::to_der(bytes).ok().filter(|d| d != bytes);
    let first = signed_data_der(der.as_deref().unwrap_or(bytes));
    let reencoded = der.is_some();
    let Err(whole) = first else { return (first, reencoded) };
    match super::ber::without_sets(bytes) {
        Ok((stripped, certs, crls)) => match signed_data_der(&stripped) {
            Ok(mut r) => {
                r.set("certificates", certs.to_string());
                r.set("crls", crls.to_string());
                r.set("oracle-reading", format!("{UNDECODABLE} as a whole ({whole}); read without its certificate and CRL sets"));
                (Ok(r), reencoded)
            }
            Err(_) => (Err(whole), reencoded),
        },
        Err(_) => (Err(whole), reencoded),
    }
}

/// The OID of a ContentInfo as the oracle reads it, if it reads one.
pub fn content_type(bytes: &[u8]) -> Option<String> {
    let der = super::ber::to_der(bytes).ok()?;
    ContentInfo::from_der(&der).ok().map(|ci| ci.content_type.to_string())
}

fn signed_data_der(bytes: &[u8]) -> Decoded {
    let ci = ContentInfo::from_der(bytes).map_err(err)?;
    if ci.content_type.to_string() != oids::SIGNED_DATA {
        return Err(format!("ContentInfo of type {}", ci.content_type));
    }
    let sd: SignedData = ci.content.decode_as().map_err(err)?;
    let mut r = Record::default();
    r.set("version", (sd.version as u8).to_string());
    r.set("digest-algorithms", set(sd.digest_algorithms.iter().map(alg_of).collect()));
    let eci = &sd.encap_content_info;
    r.set("econtent-type", eci.econtent_type.to_string());
    let octets = match &eci.econtent {
        Some(a) if a.tag() != Tag::OctetString => return Err("eContent is not an OCTET STRING".into()),
        Some(a) => Some(a.value()),
        None => None,
    };
    r.set("econtent", econtent(octets));
    let certs = sd.certificates.as_ref().map(|c| c.0.as_slice()).unwrap_or(&[]);
    let crls = sd.crls.as_ref().map(|c| c.0.as_slice()).unwrap_or(&[]);
    r.set("certificates", certs.len().to_string());
    r.set("crls", crls.len().to_string());
    r.set("signer-infos", sd.signer_infos.0.len().to_string());
    let mut signers: Vec<Record> = sd.signer_infos.0.iter().map(signer).collect();
    super::sort_signers(&mut signers);
    for (i, s) in signers.into_iter().enumerate() {
        for (k, v) in s.fields {
            r.set(format!("signer {i} {k}"), v);
        }
    }
    for c in certs {
        if let CertificateChoices::Certificate(c) = c {
            r.embedded.push((Kind::Certificate, c.to_der().map_err(err)?));
        }
    }
    for c in crls {
        if let RevocationInfoChoice::Crl(c) = c {
            r.embedded.push((Kind::Crl, c.to_der().map_err(err)?));
        }
    }
    Ok(r)
}

fn signer(si: &SignerInfo) -> Record {
    let mut r = Record::default();
    r.set("version", (si.version as u8).to_string());
    r.set(
        "sid",
        match &si.sid {
            SignerIdentifier::IssuerAndSerialNumber(i) => {
                format!("issuer {} serial {}", name_of(&i.issuer), hex(i.serial_number.as_bytes()))
            }
            SignerIdentifier::SubjectKeyIdentifier(k) => format!("subjectKeyIdentifier {}", hex(k.0.as_bytes())),
        },
    );
    r.set("digest-algorithm", alg_of(&si.digest_alg));
    r.set("signature-algorithm", alg_of(&si.signature_algorithm));
    r.set("signature", hex(si.signature.as_bytes()));
    attributes(&mut r, "signed-attrs", si.signed_attrs.as_ref());
    attributes(&mut r, "unsigned-attrs", si.unsigned_attrs.as_ref());
    r
}

fn attributes(r: &mut Record, field: &str, attrs: Option<&Attributes>) {
    let Some(attrs) = attrs else {
        r.set(field, "absent");
        return;
    };
    let mut list = Vec::new();
    for a in attrs.iter() {
        let oid = a.oid.to_string();
        let values: Vec<&Any> = a.values.iter().collect();
        if let Some(v) = interpret(&oid, &values) {
            r.set(format!("{field} {oid}"), v);
        }
        let encoded = values.iter().map(|v| v.to_der().map(|d| hex(&d)).unwrap_or_else(|_| UNDECODABLE.into())).collect();
        list.push(format!("{oid} {{{}}}", set(encoded)));
    }
    r.set(field, set(list));
}

fn interpret(oid: &str, values: &[&Any]) -> Option<String> {
    let [v] = values else { return None };
    let out = match oid {
        oids::CONTENT_TYPE => v.decode_as::<ObjectIdentifier>().map(|o| o.to_string()),
        oids::MESSAGE_DIGEST => v.decode_as::<OctetString>().map(|o| hex(o.as_bytes())),
        oids::SIGNING_TIME => v.to_der().and_then(|d| Time::from_der(&d)).map(secs),
        _ => return None,
    };
    Some(out.unwrap_or_else(|_| UNDECODABLE.into()))
}
