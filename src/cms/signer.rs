//! Judging one SignerInfo (R21–R24): signed attributes, certificate
//! selection, digest, and signature.

use std::borrow::Cow;
use std::cell::RefCell;

use super::alg::{self, DigestAlg, SigScheme};
use super::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use crate::asn1::{hex, oid, time, AlgorithmIdentifier, Tag, Tlv};
use crate::budget::{self, Key, SignatureCheck, WorkBudget};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::pki::cert::{serial_hex, Certificate};
use crate::pki::name::Name;
use crate::policy::Policy;
use crate::report::{Canonicalization, Problem, SignerId, SignerReport};

/// The content a signature covers, and (for detached signatures of messages
/// stored with bare LF) its CRLF-canonical alternative.
#[derive(Clone, Debug)]
pub struct Content<'c> {
    /// The exact bytes (R19).
    pub exact: &'c [u8],
    /// The CRLF form, tried only when the exact bytes do not match.
    pub crlf: Option<Cow<'c, [u8]>>,
    /// Digests computed so far: (CRLF form, algorithm, digest). The content
    /// can be most of the message, so each form is hashed at most once per
    /// algorithm, whatever the number of SignerInfos and candidates.
    digests: RefCell<Vec<(bool, DigestAlg, Vec<u8>)>>,
}

impl<'c> Content<'c> {
    /// The content in its exact form and, optionally, its CRLF form.
    pub fn new(exact: &'c [u8], crlf: Option<Cow<'c, [u8]>>) -> Self {
        Content { exact, crlf, digests: RefCell::new(Vec::new()) }
    }

    /// The `alg` digest of the exact (or CRLF) form, charged to `work` the
    /// first time; `None` when there is no CRLF form.
    fn digest(&self, crlf: bool, alg: DigestAlg, work: &mut WorkBudget) -> Result<Option<Vec<u8>>> {
        let known = self.digests.borrow().iter().find(|(c, a, _)| *c == crlf && *a == alg).map(|(_, _, d)| d.clone());
        if let Some(d) = known {
            return Ok(Some(d));
        }
        let bytes = if crlf { self.crlf.as_deref() } else { Some(self.exact) };
        let Some(bytes) = bytes else { return Ok(None) };
        if !self.digests.borrow().iter().any(|(c, _, _)| *c == crlf) {
            // One pass over each form is the message's own cost, granted.
            work.grant_hashing(alg, bytes.len());
        }
        let d = work.hash(alg, bytes)?;
        self.digests.borrow_mut().push((crlf, alg, d.clone()));
        Ok(Some(d))
    }
}

/// Parsed signed attributes (RFC 5652 §5.3, §11).
#[derive(Debug, Default)]
struct SignedAttributes {
    content_type: Option<Vec<u8>>,
    message_digest: Option<Vec<u8>>,
    signing_time: Option<time::UnixTime>,
    /// The first ESSCertID of signingCertificate(V2).
    ess: Option<EssCertId>,
}

/// The part of an ESSCertID (RFC 5035 §4) that binds the signer certificate.
#[derive(Debug)]
struct EssCertId {
    hash_alg: DigestAlg,
    hash: Vec<u8>,
    /// issuerSerial: the issuer's directoryName and the serial number.
    issuer_serial: Option<(Name, Vec<u8>)>,
}

fn bad_attrs(detail: impl Into<String>) -> Error {
    Error::new(Code::BadSignedAttributes, detail)
}

/// The single value of an attribute: RFC 5652 §11.1–11.3 require exactly one.
fn single_value<'a>(values: &Tlv<'a>, what: &str) -> Result<Tlv<'a>> {
    let mut r = values.children()?;
    let v = r.next_tlv()?.ok_or_else(|| bad_attrs(format!("{what} attribute without a value")))?;
    if !r.is_empty() {
        return Err(bad_attrs(format!("{what} attribute with more than one value")));
    }
    Ok(v)
}

fn parse_signed_attributes(t: &Tlv<'_>) -> Result<SignedAttributes> {
    let mut out = SignedAttributes::default();
    let mut seen: Vec<&[u8]> = Vec::new();
    let mut r = t.children()?;
    let mut count = 0usize;
    while let Some(attr) = r.next_tlv()? {
        count = count.saturating_add(1);
        if count > limits::MAX_SIGNED_ATTRIBUTES {
            return Err(Error::limit(format!("more than {} signed attributes", limits::MAX_SIGNED_ATTRIBUTES)));
        }
        attr.check(Tag::SEQUENCE, "Attribute")?;
        let mut ar = attr.children()?;
        let ty = ar.expect(Tag::OID, "attrType")?.oid()?;
        let values = ar.expect(Tag::SET, "attrValues")?;
        ar.finish("Attribute")?;
        let known = [
            oid::ATTR_CONTENT_TYPE,
            oid::ATTR_MESSAGE_DIGEST,
            oid::ATTR_SIGNING_TIME,
            oid::ATTR_SIGNING_CERTIFICATE,
            oid::ATTR_SIGNING_CERTIFICATE_V2,
        ];
        if known.contains(&ty) {
            // RFC 5652 §11: content-type, message-digest and signing-time
            // appear at most once; RFC 5035 §5.4 likewise for the ESS ones.
            if seen.contains(&ty) {
                return Err(bad_attrs(format!("signed attribute {} appears more than once", oid::to_dotted(ty))));
            }
            seen.push(ty);
        }
        match ty {
            oid::ATTR_CONTENT_TYPE => {
                out.content_type = Some(single_value(&values, "content-type")?.oid()?.to_vec());
            }
            oid::ATTR_MESSAGE_DIGEST => {
                let v = single_value(&values, "message-digest")?;
                if !v.tag.is_universal(4) {
                    return Err(bad_attrs("message-digest is not an OCTET STRING"));
                }
                out.message_digest = Some(v.octets()?.into_owned());
            }
            oid::ATTR_SIGNING_TIME => {
                out.signing_time = Some(time::parse_time(&single_value(&values, "signing-time")?)?);
            }
            oid::ATTR_SIGNING_CERTIFICATE => {
                out.ess = Some(parse_ess(&single_value(&values, "signingCertificate")?, false)?);
            }
            oid::ATTR_SIGNING_CERTIFICATE_V2 => {
                let v2 = parse_ess(&single_value(&values, "signingCertificateV2")?, true)?;
                // V2 wins when both are present (RFC 5035 §3).
                out.ess = Some(v2);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// SigningCertificate(V2) (RFC 2634 §5.4, RFC 5035 §4): the first ESSCertID
/// identifies the signer certificate.
fn parse_ess(t: &Tlv<'_>, v2: bool) -> Result<EssCertId> {
    t.check(Tag::SEQUENCE, "SigningCertificate")?;
    let mut r = t.children()?;
    let certs = r.expect(Tag::SEQUENCE, "certs")?;
    let mut cr = certs.children()?;
    let first = cr.read("ESSCertID")?;
    first.check(Tag::SEQUENCE, "ESSCertID")?;
    let mut er = first.children()?;
    let mut hash_alg = if v2 { DigestAlg::Sha256 } else { DigestAlg::Sha1 };
    if v2 {
        if let Some(a) = er.read_if(|t| *t == Tag::SEQUENCE)? {
            hash_alg = DigestAlg::parse(&AlgorithmIdentifier::parse(&a)?)?;
        }
    }
    let hash_t = er.read("certHash")?;
    if !hash_t.tag.is_universal(4) {
        return Err(bad_attrs("ESSCertID certHash is not an OCTET STRING"));
    }
    let hash = hash_t.octets()?.into_owned();
    let mut issuer_serial = None;
    if let Some(is) = er.read_if(|t| *t == Tag::SEQUENCE)? {
        // IssuerSerial { issuer GeneralNames, serialNumber }: use the first directoryName.
        let mut ir = is.children()?;
        let gns = ir.expect(Tag::SEQUENCE, "GeneralNames")?;
        let serial = ir.expect(Tag::INTEGER, "serialNumber")?.integer_bytes()?.to_vec();
        let mut gr = gns.children()?;
        while let Some(gn) = gr.next_tlv()? {
            if gn.tag == Tag::context(4, true) {
                let mut nr = gn.children()?;
                issuer_serial = Some((Name::parse(&nr.read("directoryName")?)?, serial));
                break;
            }
        }
    }
    Ok(EssCertId { hash_alg, hash, issuer_serial })
}

use crate::pki::path::same_serial;

fn sid_report(sid: &SignerIdentifier) -> SignerId {
    match sid {
        SignerIdentifier::IssuerSerial { issuer, serial } => {
            SignerId::IssuerAndSerial { issuer: issuer.to_display(), serial: serial_hex(serial) }
        }
        SignerIdentifier::KeyId(k) => SignerId::SubjectKeyIdentifier { key_id: hex(k) },
    }
}

/// Certificates that match the SignerInfo's identifier (R21: every SKI
/// match, since SKIs can collide).
/// Name comparisons are charged to `work`.
/// The certificates that match `sid`: the message's, then the known ones
/// (a known certificate the message also carries counts once).
fn candidates<'s>(
    sd: &'s SignedData<'_>,
    known: &'s [&'s Certificate],
    sid: &SignerIdentifier,
    work: &mut WorkBudget,
) -> Result<Vec<&'s Certificate>> {
    let mut found: Vec<&Certificate> = Vec::new();
    let outside = known.iter().copied().filter(|k| !sd.certificates.iter().any(|c| c.raw == k.raw));
    for c in sd.certificates.iter().chain(outside) {
        let hit = match sid {
            SignerIdentifier::IssuerSerial { issuer, serial } => same_serial(&c.serial, serial) && work.names_match(&c.issuer, issuer)?,
            SignerIdentifier::KeyId(k) => c.subject_key_id().as_deref() == Some(k.as_slice()),
        };
        if hit {
            found.push(c);
        }
    }
    if found.len() > limits::MAX_CANDIDATES_PER_SIGNER {
        return Err(Error::limit(format!("more than {} certificates match one signer identifier", limits::MAX_CANDIDATES_PER_SIGNER)));
    }
    Ok(found)
}

/// The outcome of one signer, with which content form matched.
#[derive(Debug)]
pub struct Outcome {
    /// The report.
    pub report: SignerReport,
    /// Which content form matched the digest/signature, if any.
    pub matched: Option<Canonicalization>,
}

/// What signers are judged with: the algorithm policy, and certificates
/// from outside the message (the caller's, a memory of signers) that may
/// identify a signer the message carries no certificate for. Those are
/// candidates like the message's own (after them), never anchors
/// (issue 12 §1; RFC 5652 §5.1 lets a sender omit its certificate).
#[derive(Clone, Copy, Debug)]
pub struct Judging<'a> {
    /// The algorithm policy.
    pub policy: &'a Policy,
    /// Certificates known from outside the message.
    pub known: &'a [&'a Certificate],
}

/// Judge SignerInfo `index` of `sd` against `content` (`None`: an opaque
/// SignedData without content — nothing can match), charging the work to
/// the message's budget.
pub fn judge(sd: &SignedData<'_>, index: usize, content: Option<&Content<'_>>, with: Judging<'_>, work: &mut WorkBudget) -> Outcome {
    let unknown_report = |error: Error| SignerReport {
        index,
        sid: SignerId::SubjectKeyIdentifier { key_id: String::new() },
        digest_algorithm: String::new(),
        signature_algorithm: String::new(),
        signed_attributes: false,
        claimed_signing_time: None,
        certificate: None,
        valid: false,
        error: Some(Problem::from(&error)),
    };
    let si = match sd.signer_infos.get(index) {
        Some(Ok(si)) => si,
        Some(Err(e)) => return Outcome { report: unknown_report(e.clone()), matched: None },
        None => return Outcome { report: unknown_report(Error::malformed("no such signer")), matched: None },
    };
    let mut report = SignerReport {
        index,
        sid: sid_report(&si.sid),
        digest_algorithm: DigestAlg::from_oid(si.digest_algorithm.oid)
            .map_or_else(|| oid::to_dotted(si.digest_algorithm.oid), |d| d.name().to_owned()),
        signature_algorithm: oid::to_dotted(si.signature_algorithm.oid),
        signed_attributes: si.signed_attrs.is_some(),
        claimed_signing_time: None,
        certificate: None,
        valid: false,
        error: None,
    };
    let mut matched = None;
    match judge_inner(sd, si, content, with, work, &mut report, &mut matched) {
        Ok(()) => report.valid = true,
        Err(e) => {
            report.error = Some(Problem::from(&e));
            matched = None;
        }
    }
    Outcome { report, matched }
}

fn judge_inner(
    sd: &SignedData<'_>,
    si: &SignerInfo<'_>,
    content: Option<&Content<'_>>,
    with: Judging<'_>,
    work: &mut WorkBudget,
    report: &mut SignerReport,
    matched: &mut Option<Canonicalization>,
) -> Result<()> {
    let digest = DigestAlg::parse(&si.digest_algorithm)?;
    let scheme = SigScheme::parse(&si.signature_algorithm)?;
    let attrs = match &si.signed_attrs {
        Some(t) => Some(parse_signed_attributes(t)?),
        None => None,
    };
    if let Some(a) = &attrs {
        report.claimed_signing_time = a.signing_time.map(time::to_rfc3339);
    }

    // Certificate selection (R21), bound by signingCertificate(V2) (R23).
    let policy = with.policy;
    let by_sid = candidates(sd, with.known, &si.sid, work)?;
    let Some(first) = by_sid.first() else {
        return Err(Error::new(Code::SignerCertNotFound, "no certificate in the message matches the signer identifier"));
    };
    report.certificate = Some(work.info(first));
    let mut certs = Vec::with_capacity(by_sid.len());
    if let Some(EssCertId { hash_alg, hash, issuer_serial }) = attrs.as_ref().and_then(|a| a.ess.as_ref()) {
        for c in &by_sid {
            let bound = match issuer_serial {
                Some((n, s)) => same_serial(&c.serial, s) && work.names_match(&c.issuer, n)?,
                None => true,
            };
            if bound && work.hash(*hash_alg, &c.raw)? == *hash {
                certs.push(*c);
            }
        }
        if certs.is_empty() {
            return Err(Error::new(Code::SigningCertificateMismatch, "the signing-certificate attribute names a different certificate"));
        }
    } else {
        certs = by_sid.clone();
    }
    // Display the first certificate that passes the binding.
    if let Some(c) = certs.first() {
        report.certificate = Some(work.info(c));
    }
    // R21: each candidate is judged on its own. Its key must decode, fit the
    // scheme (RFC 4055 §1.2) and pass the policy; a refused algorithm is
    // reported before any hashing or signature math (R27, R28).
    let mut usable: Vec<(&Certificate, Key)> = Vec::new();
    let mut refused: Option<Error> = None;
    for c in &certs {
        let inherited = inherited_dsa_params(sd, c, work)?;
        let checked = work.key(&c.spki, inherited.as_deref()).and_then(|key| {
            alg::check_key_restrictions(&c.spki, scheme)?;
            alg::check_policy(&key.public, scheme, digest, policy)?;
            Ok(key)
        });
        match checked {
            Ok(key) => usable.push((c, key)),
            Err(e) if budget::is_exhaustion(e.code) => return Err(e),
            Err(e) => {
                refused.get_or_insert(e);
            }
        }
    }
    let Some((c0, k0)) = usable.first() else {
        return Err(refused.unwrap_or_else(|| Error::new(Code::SignerCertNotFound, "no usable signer certificate")));
    };
    report.certificate = Some(work.info(c0));
    report.signature_algorithm = scheme.display(digest, Some(&k0.public));
    // Cheapest keys first (stable): certificates that merely claim the
    // signer's identifier cannot make the real one wait behind costly keys.
    usable.sort_by_key(|(_, k)| k.cost);

    let Some(content) = content else {
        return Err(Error::new(Code::EcontentConfusion, "the opaque signature carries no content to verify"));
    };

    // The first usable candidate whose key verifies `message`; the report then
    // names that certificate. A budget that runs out ends the search.
    let mut verify_over = |message: &[u8], hashed: Option<&[u8]>, work: &mut WorkBudget| -> Result<()> {
        let mut first_err = None;
        let check = SignatureCheck { scheme, digest, message, hashed, signature: &si.signature };
        for (c, key) in &usable {
            match work.verify(key, &check, policy) {
                Ok(()) => {
                    report.certificate = Some(work.info(c));
                    report.signature_algorithm = scheme.display(digest, Some(&key.public));
                    return Ok(());
                }
                Err(e) if budget::is_exhaustion(e.code) => return Err(e),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or_else(|| Error::new(Code::SignerCertNotFound, "no usable signer certificate")))
    };

    match (&si.signed_attrs, attrs) {
        (Some(raw_attrs), Some(a)) => {
            // R22 / RFC 5652 §11.1: exactly one content-type equal to eContentType.
            let ct = a.content_type.ok_or_else(|| bad_attrs("signed attributes without content-type"))?;
            if ct != sd.econtent_type {
                return Err(Error::new(
                    Code::ContentTypeMismatch,
                    format!("content-type attribute is {}, eContentType is {}", oid::to_dotted(&ct), oid::to_dotted(sd.econtent_type)),
                ));
            }
            // R22 / RFC 5652 §11.2: exactly one message-digest equal to ours.
            let md = a.message_digest.ok_or_else(|| bad_attrs("signed attributes without message-digest"))?;
            *matched = if content.digest(false, digest, work)?.is_some_and(|d| d == md) {
                Some(Canonicalization::Exact)
            } else if content.digest(true, digest, work)?.is_some_and(|d| d == md) {
                Some(Canonicalization::Crlf)
            } else {
                return Err(Error::new(
                    Code::DigestMismatch,
                    format!("the {} digest of the content differs from the signed message-digest", digest.name()),
                ));
            };
            // RFC 5652 §5.4: the signature covers the DER of the attributes
            // with the SET OF tag (0x31), taken from the received bytes.
            let mut signed = raw_attrs.raw.to_vec();
            if let Some(tag) = signed.first_mut() {
                *tag = 0x31;
            }
            verify_over(&signed, None, work)
        }
        _ => {
            // Without signed attributes the content itself is signed; its
            // digests come from the content's cache.
            let hashed = content.digest(false, digest, work)?;
            let exact = verify_over(content.exact, hashed.as_deref(), work);
            match &exact {
                Ok(()) => {
                    *matched = Some(Canonicalization::Exact);
                    return exact;
                }
                Err(e) if budget::is_exhaustion(e.code) => return exact,
                Err(_) => {}
            }
            if let Some(crlf) = content.crlf.as_deref() {
                let hashed = content.digest(true, digest, work)?;
                match verify_over(crlf, hashed.as_deref(), work) {
                    Ok(()) => {
                        *matched = Some(Canonicalization::Crlf);
                        return Ok(());
                    }
                    Err(e) if budget::is_exhaustion(e.code) => return Err(e),
                    Err(_) => {}
                }
            }
            exact
        }
    }
}

/// DSA parameters inherited from the issuing CA (RFC 3279 §2.3.2) when the
/// signer's DSA key has none: the nearest certificate up the issuer names in
/// the message that carries them. The path check verifies the chain itself.
fn inherited_dsa_params(sd: &SignedData<'_>, cert: &Certificate, work: &mut WorkBudget) -> Result<Option<Vec<u8>>> {
    if cert.spki.algorithm != oid::DSA || cert.spki.explicit_params().is_some() {
        return Ok(None);
    }
    let mut current = cert;
    for _ in 0..limits::MAX_PATH_LENGTH {
        let mut issuer = None;
        for c in &sd.certificates {
            if c.raw != current.raw && work.names_match(&c.subject, &current.issuer)? {
                issuer = Some(c);
                break;
            }
        }
        let Some(issuer) = issuer else { return Ok(None) };
        if issuer.spki.algorithm != oid::DSA {
            return Ok(None);
        }
        if let Some(p) = issuer.spki.explicit_params() {
            return Ok(Some(p.to_vec()));
        }
        current = issuer;
    }
    Ok(None)
}

/// Convert bare LF line ends to CRLF (RFC 8551 §3.1.1 canonical form); CR
/// already before LF is kept.
pub fn crlf_canonical(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().saturating_add(data.len() / 32));
    let mut prev = 0u8;
    for &b in data {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// True when the data has at least one LF not preceded by CR.
pub fn has_bare_lf(data: &[u8]) -> bool {
    let mut prev = 0u8;
    data.iter().any(|&b| {
        let bare = b == b'\n' && prev != b'\r';
        prev = b;
        bare
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form() {
        assert_eq!(crlf_canonical(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
        assert!(has_bare_lf(b"a\r\nb\n"));
        assert!(!has_bare_lf(b"a\r\nb\r\n"));
        assert!(same_serial(&[0, 0x80], &[0, 0x80]));
        assert!(!same_serial(&[0xff], &[0, 0xff]));
        assert!(!same_serial(&[1], &[2]));
    }
}
