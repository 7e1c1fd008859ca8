//! The pipeline: raw message → MIME → CMS → [`SignatureReport`].
//!
//! Only a signature at the message root vouches for the message (RFC 8551
//! §3.1 and DESIGN.md "coverage"); a signed entity nested in an unsigned
//! container is reported as `partial`, never as the message's signature.

use std::borrow::Cow;

use crate::asn1::oid;
use crate::budget::WorkBudget;
use crate::cms::signed_data::{self, ContentKind, SignedData};
use crate::cms::signer::{self, Content, Judging};
use crate::error::{Code, Error, Result};
use crate::mime::{self, decode, smime::Smime, Entity};
use crate::policy::Policy;
use crate::report::{Canonicalization, Coverage, Form, Problem, SignatureReport, SignedContent, Structure};

fn empty(structure: Structure) -> SignatureReport {
    SignatureReport {
        structure,
        coverage: None,
        crypto_valid: false,
        signers: Vec::new(),
        errors: Vec::new(),
        certificate_count: 0,
        crl_count: 0,
        content: None,
    }
}

fn with_error(structure: Structure, e: &Error) -> SignatureReport {
    let mut r = empty(structure);
    r.errors.push(Problem::from(e));
    r
}

/// Check every S/MIME signature at the root of `raw` (an RFC 5322 message)
/// with `policy`. Never panics: every failure is a code in the report.
pub fn verify_signatures(raw: &[u8], policy: &Policy) -> SignatureReport {
    analyse(raw, Judging { policy, known: &[] }, &mut WorkBudget::new()).report
}

/// What the trust layer needs beyond the report: the certificates and CRLs
/// the message carries, and the root entity's header fields.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    /// Certificates in the SignedData (hints for path building, never anchors).
    pub certificates: Vec<crate::pki::cert::Certificate>,
    /// CRLs in the SignedData that parsed.
    pub crls: Vec<crate::pki::crl::Crl>,
    /// OCSP responses in the SignedData (RFC 5940) that parsed.
    pub ocsp: Vec<crate::pki::ocsp::OcspResponse>,
    /// Header fields of the message root: (name, unfolded value).
    pub headers: Vec<(String, String)>,
    /// The signed entity of a root signature, for display (issue 9 §3).
    pub signed_view: Option<crate::signed_view::SignedView>,
}

/// The report plus [`Extras`].
pub(crate) struct Analysis {
    pub report: SignatureReport,
    pub extras: Extras,
}

/// Run the signature layer once, within the per-message BER budget, charging
/// signature work to `work` (the message's [`WorkBudget`]).
pub(crate) fn analyse(raw: &[u8], with: Judging<'_>, work: &mut WorkBudget) -> Analysis {
    crate::asn1::with_work_budget(crate::limits::MAX_BER_ELEMENTS_PER_MESSAGE, || {
        let mut extras = Extras::default();
        let report = verify_within_budget(raw, with, &mut extras, work);
        Analysis { report, extras }
    })
}

fn verify_within_budget(raw: &[u8], with: Judging<'_>, extras: &mut Extras, work: &mut WorkBudget) -> SignatureReport {
    let root = match mime::parse(raw) {
        Ok(r) => r,
        Err(e) => return with_error(Structure::Malformed, &e),
    };
    extras.headers = root.headers.iter().map(|h| (h.name.to_owned(), h.value.to_owned())).collect();
    match mime::smime::classify(&root, raw) {
        Smime::None => nested(&root, raw),
        Smime::Detached { signed, signature } => detached(raw, signed, &signature, with, extras, work),
        Smime::Opaque { cms, declared: _ } => opaque(&root.path, &cms, with, extras, work),
        Smime::Encrypted => {
            with_error(Structure::Encrypted, &Error::new(Code::Encrypted, "the message is S/MIME encrypted (enveloped-data)"))
        }
        Smime::CertsOnly => empty(Structure::CertsOnly),
        Smime::Other(kind) => {
            with_error(Structure::Unknown, &Error::new(Code::UnsupportedAlgorithm, format!("S/MIME {kind} is not supported")))
        }
        Smime::UnknownProtocol(p) => {
            with_error(Structure::Unknown, &Error::new(Code::UnknownProtocol, format!("multipart/signed with protocol {p:?}")))
        }
        Smime::Malformed(e) => with_error(Structure::Malformed, &e),
    }
}

/// The root is not S/MIME: look for a signed entity deeper in the tree.
fn nested(root: &Entity, raw: &[u8]) -> SignatureReport {
    for e in root.walk().into_iter().skip(1) {
        let form = match mime::smime::classify(e, raw) {
            Smime::Detached { .. } => Form::Detached,
            // Only a SignedData that carries content signs something; a stray
            // detached .p7s attachment signs nothing here.
            Smime::Opaque { cms, .. } => match parse_signed(&cms) {
                Ok((ContentKind::SignedData, Some(sd))) if sd.econtent.is_some() => Form::Opaque,
                _ => continue,
            },
            _ => continue,
        };
        let mut r = with_error(
            Structure::Partial,
            &Error::new(
                Code::PartialSignature,
                format!("only MIME part {} is signed, inside an unsigned {}", e.path, root.content_type.value),
            ),
        );
        r.coverage = Some(Coverage { part: e.path.clone(), whole_message: false, form, canonicalization: None });
        return r;
    }
    empty(Structure::Unsigned)
}

fn parse_signed(cms: &[u8]) -> Result<(ContentKind, Option<SignedData<'_>>)> {
    let ci = signed_data::parse_content_info(cms)?;
    match (ci.kind, ci.content) {
        (ContentKind::SignedData, Some(c)) => Ok((ContentKind::SignedData, Some(signed_data::parse_signed_data(&c)?))),
        (ContentKind::SignedData, None) => Err(Error::malformed("SignedData without content")),
        (kind, _) => Ok((kind, None)),
    }
}

fn collect(sd: &SignedData<'_>, extras: &mut Extras) {
    extras.certificates = sd.certificates.clone();
    extras.crls = sd.crls.iter().filter_map(|c| crate::pki::crl::Crl::from_der(c).ok()).collect();
    extras.ocsp = sd.ocsp.clone();
}

fn detached(
    raw: &[u8],
    signed: &Entity,
    signature: &[u8],
    with: Judging<'_>,
    extras: &mut Extras,
    work: &mut WorkBudget,
) -> SignatureReport {
    let sd = match parse_signed(signature) {
        Ok((ContentKind::SignedData, Some(sd))) => sd,
        Ok((kind, _)) => {
            return with_error(Structure::Malformed, &Error::malformed(format!("the signature part holds {kind:?}, not SignedData")))
        }
        Err(e) => return with_error(Structure::Malformed, &e),
    };
    let exact = signed.raw_entity(raw);
    // R19: the exact bytes first; the CRLF form only for bare-LF storage and
    // never when binary content is inside (RFC 8551 §3.1.2).
    let crlf = (signer::has_bare_lf(exact) && !signed.contains_binary()).then(|| Cow::Owned(signer::crlf_canonical(exact)));
    let content = Content::new(exact, crlf);
    collect(&sd, extras);
    extras.signed_view = Some(crate::signed_view::of_entity(signed, raw));
    let mut report = judge_all(&sd, Some(&content), with, Form::Detached, "", work);
    // RFC 8551 §3.5 / RFC 5652 §5.2: a detached signature has no eContent.
    if sd.econtent.is_some() {
        report.errors.insert(0, Problem::from(&Error::new(Code::EcontentConfusion, "the detached signature also carries its own content")));
        report.crypto_valid = false;
    }
    report
}

fn opaque(path: &str, cms: &[u8], with: Judging<'_>, extras: &mut Extras, work: &mut WorkBudget) -> SignatureReport {
    let sd = match parse_signed(cms) {
        Ok((ContentKind::SignedData, Some(sd))) => sd,
        Ok((ContentKind::Encrypted, _)) => {
            return with_error(Structure::Encrypted, &Error::new(Code::Encrypted, "the message is S/MIME encrypted"))
        }
        Ok((kind, _)) => {
            return with_error(
                Structure::Unknown,
                &Error::new(Code::UnsupportedAlgorithm, format!("S/MIME content {kind:?} is not supported")),
            )
        }
        Err(e) => return with_error(Structure::Malformed, &e),
    };
    if sd.signer_infos.is_empty() && sd.econtent.is_none() {
        // RFC 8551 §3.8: a certs-only message.
        let mut r = empty(Structure::CertsOnly);
        r.certificate_count = sd.certificates.len();
        r.crl_count = sd.crls.len();
        return r;
    }
    collect(&sd, extras);
    let content = sd.econtent.as_deref().map(|exact| Content::new(exact, None));
    let mut report = judge_all(&sd, content.as_ref(), with, Form::Opaque, path, work);
    if let Some(c) = sd.econtent.as_deref() {
        report.content = Some(inner_content(c));
        extras.signed_view = Some(crate::signed_view::of_content(c));
    }
    report
}

/// Describe the encapsulated entity for display.
fn inner_content(c: &[u8]) -> SignedContent {
    let content_type = mime::parse(c).map(|e| e.content_type.value).unwrap_or_else(|_| "application/octet-stream".to_owned());
    SignedContent { content_type, size: c.len(), base64: decode::base64_encode(c) }
}

fn judge_all(
    sd: &SignedData<'_>,
    content: Option<&Content<'_>>,
    with: Judging<'_>,
    form: Form,
    path: &str,
    work: &mut WorkBudget,
) -> SignatureReport {
    let mut r = empty(Structure::Signed);
    r.certificate_count = sd.certificates.len();
    r.crl_count = sd.crls.len();
    r.coverage = Some(Coverage {
        part: path.to_owned(),
        whole_message: true,
        form,
        canonicalization: (form == Form::Detached).then_some(Canonicalization::Exact),
    });
    if sd.signer_infos.is_empty() {
        // Zero SignerInfos: not a signature at all.
        r.structure = Structure::Unsigned;
        r.coverage = None;
        r.errors.push(Problem::from(&Error::new(Code::NoSigners, "the signature container has no SignerInfo")));
        return r;
    }
    let mut message_errors = Vec::new();
    // R20: S/MIME signs id-data only.
    if sd.econtent_type != oid::DATA {
        message_errors.push(Problem::from(&Error::new(
            Code::UnexpectedContentType,
            format!("eContentType is {}, not id-data", oid::to_dotted(sd.econtent_type)),
        )));
    }
    if content.is_none() {
        message_errors.push(Problem::from(&Error::new(Code::EcontentConfusion, "the opaque signature carries no content")));
    }
    let mut crlf_used = false;
    // R24: each SignerInfo is judged on its own.
    for index in 0..sd.signer_infos.len() {
        let outcome = signer::judge(sd, index, content, with, work);
        crlf_used |= outcome.matched == Some(Canonicalization::Crlf);
        r.signers.push(outcome.report);
    }
    if crlf_used {
        if let Some(c) = r.coverage.as_mut() {
            c.canonicalization = Some(Canonicalization::Crlf);
        }
    }
    r.crypto_valid = message_errors.is_empty() && r.signers.iter().all(|s| s.valid);
    r.errors = message_errors;
    for s in &r.signers {
        if let Some(e) = &s.error {
            if !r.errors.iter().any(|x| x.code == e.code) {
                r.errors.push(e.clone());
            }
        }
    }
    r
}
