//! OCSP (RFC 6960) in path validation: the status an OCSP response at hand
//! gives one certificate of the path. A response counts only when its
//! CertID names this certificate under this issuer (§4.1.1), it is current
//! at T (§4.2.2.1), and its signer is authorised (§4.2.2.2): the issuing CA
//! itself, or a responder certificate that CA issued with id-kp-OCSPSigning
//! (its own revocation checked against the CRLs at hand unless it carries
//! id-pkix-ocsp-nocheck, §4.2.2.2.1). Every hash, name comparison and
//! signature check is charged to the message's work budget.

use super::revocation::{self, IssuerRef, Position, Revoked, Status};
use super::search::Search;
use super::{extended_key_usage, key_usage, same_serial, Signed, KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION, UNDERSTOOD};
use crate::asn1::oid;
use crate::budget::is_exhaustion;
use crate::cms::alg::DigestAlg;
use crate::error::Result;
use crate::limits;
use crate::pki::cert::Certificate;
use crate::pki::ocsp::{CertId, CertStatus, OcspResponse, ResponderId, SingleResponse};

/// The OCSP status of `cert`: `Some(Revoked)` as soon as one usable response
/// says revoked at or before T, else `Some(Good)` when one says good (or
/// revoked only after T), `Some(Unknown)` when usable ones say only
/// `unknown`, and `None` when no response at hand applies.
pub(super) fn status(s: &mut Search<'_, '_, '_>, cert: &Certificate, issuer: &IssuerRef<'_>, at: &Position<'_>) -> Result<Option<Status>> {
    let responses = s.input.ocsp;
    let mut found: Option<Status> = None;
    for response in responses.iter().copied() {
        if response.unknown_critical {
            continue;
        }
        let mut signer_checked: Option<bool> = None;
        for single in &response.responses {
            s.work.path_step()?;
            if single.unknown_critical || !current(single, s.input.time) || !cert_id_matches(s, &single.cert_id, cert, issuer)? {
                continue;
            }
            // The signer is judged once per response, and only for a
            // response that is about this certificate.
            let authorised = match signer_checked {
                Some(a) => a,
                None => {
                    let a = signed_by_authorised(s, response, issuer, at)?;
                    signer_checked = Some(a);
                    a
                }
            };
            if !authorised {
                break;
            }
            match single.status {
                CertStatus::Revoked { time, reason } if time <= s.input.time => {
                    return Ok(Some(Status::Revoked(Revoked { time: Some(time), reason, by: "OCSP" })));
                }
                // Revoked only after T: at T the certificate was not revoked.
                CertStatus::Good | CertStatus::Revoked { .. } => found = Some(Status::Good),
                CertStatus::Unknown => {
                    if found.is_none() {
                        found = Some(Status::Unknown);
                    }
                }
            }
        }
    }
    Ok(found)
}

/// §4.2.2.1: thisUpdate at or before T, T at or before nextUpdate, each
/// within `limits::OCSP_CLOCK_SKEW_SECS` (a response fetched just now may
/// carry the responder's clock, a little ahead of T). Without nextUpdate
/// "newer information is always available": the response is taken as
/// current for `limits::OCSP_VALIDITY_WITHOUT_NEXT_UPDATE` only.
fn current(single: &SingleResponse, t: i64) -> bool {
    let until = single.next_update.unwrap_or_else(|| single.this_update.saturating_add(limits::OCSP_VALIDITY_WITHOUT_NEXT_UPDATE));
    single.this_update <= t.saturating_add(limits::OCSP_CLOCK_SKEW_SECS) && t <= until.saturating_add(limits::OCSP_CLOCK_SKEW_SECS)
}

/// §4.1.1: hashAlgorithm over the issuer's name (the DER of the
/// certificate's issuer field) and the issuer's subjectPublicKey value, and
/// the serial number. SHA-1 is accepted here whatever the algorithm policy:
/// CertID hashes identify, they do not vouch (RFC 5019 §2.1.1 mandates SHA-1).
fn cert_id_matches(s: &mut Search<'_, '_, '_>, id: &CertId, cert: &Certificate, issuer: &IssuerRef<'_>) -> Result<bool> {
    if !same_serial(&id.serial, &cert.serial) {
        return Ok(false);
    }
    let alg = match DigestAlg::from_oid(&id.hash_algorithm) {
        Some(a @ (DigestAlg::Sha1 | DigestAlg::Sha224 | DigestAlg::Sha256 | DigestAlg::Sha384 | DigestAlg::Sha512)) => a,
        _ => return Ok(false),
    };
    let name_hash = s.work.hash(alg, &cert.issuer.raw)?;
    if name_hash != id.issuer_name_hash {
        return Ok(false);
    }
    Ok(s.work.hash(alg, &issuer.spki.key)? == id.issuer_key_hash)
}

/// Does the responderID name this key's holder (byName: `subject`; byKey:
/// the SHA-1 of the subjectPublicKey value, §4.2.1)?
fn responder_is(s: &mut Search<'_, '_, '_>, id: &ResponderId, subject: &crate::pki::name::Name, key_bits: &[u8]) -> Result<bool> {
    match id {
        ResponderId::ByName(n) => s.work.names_match(n, subject),
        ResponderId::ByKey(h) => Ok(s.work.hash(DigestAlg::Sha1, key_bits)? == *h),
    }
}

/// §4.2.2.2: signed by the CA that issued the certificate, or by a
/// responder certificate that CA issued for OCSP signing. Signatures go
/// through the public-key seam; a failed one is "not authorised", a budget
/// that runs out ends the validation.
fn signed_by_authorised(s: &mut Search<'_, '_, '_>, response: &OcspResponse, issuer: &IssuerRef<'_>, at: &Position<'_>) -> Result<bool> {
    let signed = Signed::ocsp(response);
    if responder_is(s, &response.responder, issuer.name, &issuer.spki.key)? {
        return s.verifies(issuer.key, issuer.spki, &signed);
    }
    // A delegated responder: its certificate comes with the response.
    for c in &response.certs {
        if !responder_is(s, &response.responder, &c.subject, &c.spki.key)? || !delegated_ok(s, c, issuer, at)? {
            continue;
        }
        let key = match s.work.key(&c.spki, None) {
            Ok(k) => k,
            Err(e) if is_exhaustion(e.code) => return Err(e),
            Err(_) => continue,
        };
        return s.verifies(&key, &c.spki, &signed);
    }
    Ok(false)
}

/// §4.2.2.2 (3) and §4.2.2.2.1: a delegated responder certificate issued
/// directly by the certificate's issuer (name and signature), valid at T,
/// with id-kp-OCSPSigning in extendedKeyUsage, a keyUsage (when present)
/// that allows signing, no critical extension we do not process, and either
/// id-pkix-ocsp-nocheck or a good status from the CRLs at hand.
fn delegated_ok(s: &mut Search<'_, '_, '_>, c: &Certificate, issuer: &IssuerRef<'_>, at: &Position<'_>) -> Result<bool> {
    let t = s.input.time;
    if t < c.not_before || t > c.not_after || !has_ocsp_signing(c) {
        return Ok(false);
    }
    if key_usage(c).ok().flatten().is_some_and(|ku| ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION) == 0) {
        return Ok(false);
    }
    if c.extensions.iter().any(|x| x.critical && x.oid != oid::OCSP_NOCHECK && !UNDERSTOOD.contains(&x.oid.as_slice())) {
        return Ok(false);
    }
    if !s.work.names_match(&c.issuer, issuer.name)? || !s.verifies(issuer.key, issuer.spki, &Signed::cert(c))? {
        return Ok(false);
    }
    if c.extension(oid::OCSP_NOCHECK).is_some() {
        return Ok(true);
    }
    // Without nocheck the responder's own status must be known; it is
    // looked up in CRLs only (never in OCSP: no responder vouches for itself).
    Ok(matches!(revocation::crl_status(s, c, issuer, at)?, Status::Good))
}

/// extendedKeyUsage lists id-kp-OCSPSigning (anyExtendedKeyUsage does not
/// do: §4.2.2.2 asks for the OCSP signing purpose itself). One that does
/// not parse lists nothing.
fn has_ocsp_signing(c: &Certificate) -> bool {
    extended_key_usage(c).ok().flatten().is_some_and(|purposes| purposes.contains(&oid::KP_OCSP_SIGNING))
}
