//! Our reading: the crate's public parsers (src/pki/cert.rs, src/pki/crl.rs,
//! src/cms/signed_data.rs) and, for the parts they keep raw (SAN entries,
//! attributes), the same BER reader (src/asn1) they are built on.

use jmap_smime::asn1::{self, oid::to_dotted, time, Class, Tag, Tlv};
use jmap_smime::cms::signed_data::{parse_content_info, parse_signed_data, ContentKind, SignerIdentifier, SignerInfo};
use jmap_smime::pki::cert::Certificate;
use jmap_smime::pki::crl::{Crl, IssuingDistributionPoint, Revoked};
use jmap_smime::pki::name::Name;

use super::{alg, atv, econtent, gn, hex, name, oids, set, uint_hex, Decoded, Kind, Record, UNDECODABLE};

type R<T> = Result<T, String>;

fn err(e: jmap_smime::Error) -> String {
    e.to_string()
}

fn name_of(n: &Name) -> String {
    name(n.rdns.iter().map(|rdn| rdn.iter().map(|a| atv(&to_dotted(&a.oid), a.value_tag, &a.value)).collect()).collect())
}

fn alg_of(a: &asn1::AlgorithmIdentifier<'_>) -> String {
    alg(&to_dotted(a.oid), a.params.as_ref().map(|p| p.raw))
}

/// One certificate.
pub fn certificate(der: &[u8]) -> Decoded {
    let c = Certificate::from_der(der).map_err(err)?;
    let mut r = Record::default();
    r.set("version", c.version.to_string());
    r.set("serial", hex(&c.serial));
    r.set("signature-algorithm", alg(&to_dotted(&c.signature_algorithm.0), c.signature_algorithm.1.as_deref()));
    r.set("tbs-signature-algorithm", to_dotted(&c.tbs_signature_algorithm));
    r.set("signature", format!("unused {} {}", c.signature_unused_bits, hex(&c.signature)));
    r.set("issuer", name_of(&c.issuer));
    r.set("subject", name_of(&c.subject));
    r.set("not-before", c.not_before.to_string());
    r.set("not-after", c.not_after.to_string());
    r.set("spki-algorithm", alg(&to_dotted(&c.spki.algorithm), c.spki.params.as_deref()));
    r.set("spki-key", hex(&c.spki.key));
    r.set("extension-order", c.extensions.iter().map(|e| to_dotted(&e.oid)).collect::<Vec<_>>().join(", "));
    for e in &c.extensions {
        r.set(format!("extension {}", to_dotted(&e.oid)), format!("critical={} {}", e.critical, hex(&e.value)));
    }
    if let Some(san) = c.extension(jmap_smime::asn1::oid::SUBJECT_ALT_NAME) {
        r.set("san", san_entries(&san.value).unwrap_or_else(|_| UNDECODABLE.into()));
    }
    r.set("emails", c.email_addresses().join(", "));
    Ok(r)
}

/// SAN entries in order, read with our BER reader and Name parser.
fn san_entries(value: &[u8]) -> R<String> {
    let t = asn1::parse_single(value).map_err(err)?;
    t.check(Tag::SEQUENCE, "GeneralNames").map_err(err)?;
    let mut out = Vec::new();
    let mut rd = t.children().map_err(err)?;
    while let Some(g) = rd.next_tlv().map_err(err)? {
        out.push(general_name(&g)?);
    }
    Ok(out.join("; "))
}

fn general_name(g: &Tlv<'_>) -> R<String> {
    if g.tag.class != Class::Context {
        return Err("GeneralName with a non-context tag".into());
    }
    let string = |n: u32| g.string_value(n).map(|v| v.into_owned()).map_err(err);
    Ok(match g.tag.number {
        0 => {
            let mut r = g.children().map_err(err)?;
            let ty = r.expect(Tag::OID, "type-id").map_err(err)?.oid().map_err(err)?;
            // value [0] EXPLICIT ANY: the inner element.
            let v = r.expect(Tag::context(0, true), "value").map_err(err)?;
            r.finish("otherName").map_err(err)?;
            let mut vr = v.children().map_err(err)?;
            let inner = vr.read("otherName value").map_err(err)?;
            vr.finish("otherName value").map_err(err)?;
            gn::other(&to_dotted(ty), inner.raw)
        }
        1 => gn::rfc822(&string(22)?),
        2 => gn::dns(&string(22)?),
        3 => gn::raw("x400Address", g.content),
        4 => {
            let mut r = g.children().map_err(err)?;
            let n = Name::parse(&r.read("directoryName").map_err(err)?).map_err(err)?;
            r.finish("directoryName").map_err(err)?;
            gn::dir(name_of(&n))
        }
        5 => gn::raw("ediPartyName", g.content),
        6 => gn::uri(&string(22)?),
        7 => gn::ip(&string(4)?),
        8 => {
            asn1::oid::validate(g.content).map_err(err)?;
            gn::rid(&to_dotted(g.content))
        }
        n => return Err(format!("GeneralName [{n}]")),
    })
}

/// One CRL.
pub fn crl(der: &[u8]) -> Decoded {
    let c = Crl::from_der(der).map_err(err)?;
    let mut r = Record::default();
    r.set("signature-algorithm", alg(&to_dotted(&c.signature_algorithm.0), c.signature_algorithm.1.as_deref()));
    r.set("tbs-signature-algorithm", to_dotted(&c.tbs_signature_algorithm));
    r.set("signature", format!("unused {} {}", c.signature_unused_bits, hex(&c.signature)));
    r.set("issuer", name_of(&c.issuer));
    r.set("this-update", c.this_update.to_string());
    r.set("next-update", c.next_update.map_or("absent".into(), |t| t.to_string()));
    r.set("entries", c.revoked.len().to_string());
    for (i, e) in c.revoked.iter().enumerate() {
        r.set(format!("entry {i}"), entry(e));
    }
    r.set("crl-number", c.number.as_deref().map_or("absent".into(), uint_hex));
    r.set("delta-crl-base", c.delta_base.as_deref().map_or("absent".into(), uint_hex));
    r.set("authority-key-id", c.authority_key_id.as_deref().map_or("absent".into(), hex));
    r.set("issuing-distribution-point", c.idp.as_ref().map_or("absent".into(), idp));
    Ok(r)
}

fn entry(e: &Revoked) -> String {
    let reason = e.reason.map_or("-".into(), |n| n.to_string());
    let issuer = e.certificate_issuer.as_ref().map_or("-".into(), name_of);
    format!("serial {} date {} reason {reason} certificate-issuer {issuer}", hex(&e.serial), e.date)
}

fn idp(i: &IssuingDistributionPoint) -> String {
    format!(
        "user {} ca {} attribute {} indirect {} reasons {:04x} names {}",
        i.only_user,
        i.only_ca,
        i.only_attribute,
        i.indirect,
        i.reasons,
        i.names.len()
    )
}

/// One ContentInfo that should hold a SignedData.
pub fn signed_data(ber: &[u8]) -> Decoded {
    let ci = parse_content_info(ber).map_err(err)?;
    if ci.kind != ContentKind::SignedData {
        return Err(format!("ContentInfo of type {:?}", ci.kind));
    }
    let content = ci.content.ok_or("ContentInfo without content")?;
    let sd = parse_signed_data(&content).map_err(err)?;
    let mut r = Record::default();
    r.set("version", sd.version.to_string());
    r.set("digest-algorithms", set(sd.digest_algorithms.iter().map(alg_of).collect()));
    r.set("econtent-type", to_dotted(sd.econtent_type));
    r.set("econtent", econtent(sd.econtent.as_deref()));
    r.set("certificates", sd.certificates.len().saturating_add(sd.skipped_certificates).to_string());
    // Every RevocationInfoChoice, as the oracle counts them (OCSP ones too).
    r.set("crls", sd.revocation_choices.to_string());
    r.set("signer-infos", sd.signer_infos.len().to_string());
    // SignerInfos is a SET: compare them sorted by signature value.
    let mut signers: Vec<Record> = sd.signer_infos.iter().map(|s| s.as_ref().map_or_else(|_| undecodable_signer(), signer)).collect();
    super::sort_signers(&mut signers);
    for (i, s) in signers.into_iter().enumerate() {
        for (k, v) in s.fields {
            r.set(format!("signer {i} {k}"), v);
        }
    }
    for c in &sd.certificates {
        r.embedded.push((Kind::Certificate, c.raw.clone()));
    }
    for c in &sd.crls {
        r.embedded.push((Kind::Crl, c.to_vec()));
    }
    Ok(r)
}

fn undecodable_signer() -> Record {
    let mut r = Record::default();
    r.set("decode", UNDECODABLE);
    r
}

fn signer(si: &SignerInfo<'_>) -> Record {
    let mut r = Record::default();
    r.set("version", si.version.to_string());
    r.set(
        "sid",
        match &si.sid {
            SignerIdentifier::IssuerSerial { issuer, serial } => format!("issuer {} serial {}", name_of(issuer), hex(serial)),
            SignerIdentifier::KeyId(k) => format!("subjectKeyIdentifier {}", hex(k)),
        },
    );
    r.set("digest-algorithm", alg_of(&si.digest_algorithm));
    r.set("signature-algorithm", alg_of(&si.signature_algorithm));
    r.set("signature", hex(&si.signature));
    match &si.signed_attrs {
        Some(t) => attributes(&mut r, "signed-attrs", t),
        None => r.set("signed-attrs", "absent"),
    }
    match &si.unsigned_attrs {
        Some(t) => attributes(&mut r, "unsigned-attrs", t),
        None => r.set("unsigned-attrs", "absent"),
    }
    r
}

/// Attributes as `oid {values}` (values and attributes both sorted: SETs),
/// plus the interpretation of the three RFC 5652 §11 attributes.
fn attributes(r: &mut Record, field: &str, t: &Tlv<'_>) {
    match read_attributes(t) {
        Ok(list) => {
            for (oid, values) in &list {
                if let Some(v) = interpret(oid, values) {
                    r.set(format!("{field} {oid}"), v);
                }
            }
            r.set(field, set(list.into_iter().map(|(o, v)| format!("{o} {{{}}}", set(v.iter().map(|x| hex(x)).collect()))).collect()));
        }
        Err(_) => r.set(field, UNDECODABLE),
    }
}

type AttrList = Vec<(String, Vec<Vec<u8>>)>;

fn read_attributes(t: &Tlv<'_>) -> R<AttrList> {
    let mut out = Vec::new();
    let mut rd = t.children().map_err(err)?;
    while let Some(a) = rd.next_tlv().map_err(err)? {
        a.check(Tag::SEQUENCE, "Attribute").map_err(err)?;
        let mut ar = a.children().map_err(err)?;
        let ty = ar.expect(Tag::OID, "attrType").map_err(err)?.oid().map_err(err)?;
        let vals = ar.expect(Tag::SET, "attrValues").map_err(err)?;
        ar.finish("Attribute").map_err(err)?;
        let mut vr = vals.children().map_err(err)?;
        let mut values = Vec::new();
        while let Some(v) = vr.next_tlv().map_err(err)? {
            values.push(v.raw.to_vec());
        }
        out.push((to_dotted(ty), values));
    }
    Ok(out)
}

/// content-type as an OID, message-digest as octets, signing-time as Unix
/// seconds: read with the same primitives the signer judge uses.
fn interpret(oid: &str, values: &[Vec<u8>]) -> Option<String> {
    let [v] = values else { return None };
    let one = |f: &dyn Fn(&Tlv<'_>) -> Result<String, jmap_smime::Error>| {
        Some(asn1::parse_single(v).and_then(|t| f(&t)).unwrap_or_else(|_| UNDECODABLE.into()))
    };
    match oid {
        oids::CONTENT_TYPE => one(&|t| t.oid().map(to_dotted)),
        oids::MESSAGE_DIGEST => one(&|t| {
            if !t.tag.is_universal(4) {
                return Err(jmap_smime::Error::malformed("message-digest is not an OCTET STRING"));
            }
            t.octets().map(|o| hex(&o))
        }),
        oids::SIGNING_TIME => one(&|t| time::parse_time(t).map(|s| s.to_string())),
        _ => None,
    }
}
