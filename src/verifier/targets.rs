//! Issue 12 §4, sans-IO: what an online revocation check may ask about. For
//! every signer whose certificate already has a path to an anchor at `now`
//! (revocation aside: R36, a path that does not reach an anchor names no URL
//! anyone should fetch), each certificate of that path with its issuer's key
//! and the `http:` locations its authority publishes. The caller fetches; the
//! responses come back as `VerifyOptions::crls` and `ocsp` and are judged as
//! any other.

use super::Verifier;
use crate::asn1::time::UnixTime;
use crate::budget::WorkBudget;
use crate::pki::access;
use crate::pki::cert::Certificate;
use crate::pki::path::{self, PathInput, RevocationMode};
use crate::verify;

/// One certificate of an anchored path.
#[derive(Clone, Debug)]
pub struct RevocationTarget {
    /// The certificate.
    pub certificate: Certificate,
    /// Its issuer's subjectPublicKey value (for the OCSP CertID).
    pub issuer_key: Vec<u8>,
    /// id-ad-ocsp responders (`http:` only).
    pub ocsp_urls: Vec<String>,
    /// cRLDistributionPoints full names (`http:` only).
    pub crl_urls: Vec<String>,
}

impl Verifier {
    /// The certificates an online check may ask about for `raw` at `now`,
    /// signer first, each once. Empty when no signer chains to an anchor.
    pub fn revocation_targets(&self, raw: &[u8], now: UnixTime) -> Vec<RevocationTarget> {
        let known: Vec<&Certificate> = self.options.intermediates.iter().collect();
        let mut work = WorkBudget::new();
        let with = crate::cms::signer::Judging { policy: &self.policy, known: &known };
        let analysis = verify::analyse(raw, with, &mut work);
        let mut intermediates: Vec<&Certificate> = analysis.extras.certificates.iter().collect();
        intermediates.extend(known.iter().copied());
        let input = PathInput {
            time: now,
            anchors: self.trust.anchors(),
            intermediates: &intermediates,
            crls: &[],
            ocsp: &[],
            revocation: RevocationMode::Off,
            policy: &self.policy,
            crl_signer: false,
        };
        let mut out: Vec<RevocationTarget> = Vec::new();
        for s in analysis.report.signers.iter().filter(|s| s.valid) {
            let Some(info) = &s.certificate else { continue };
            let Some(cert) = intermediates.iter().copied().find(|c| crate::asn1::hex(&work.fingerprint(c)) == info.fingerprint_sha256)
            else {
                continue;
            };
            let Ok(valid) = path::validate_with(cert, &input, &mut work) else { continue };
            let Some(anchor) = self.trust.anchors().get(valid.anchor) else { continue };
            for (i, c) in valid.chain.iter().enumerate() {
                let issuer_key = valid.chain.get(i.saturating_add(1)).map_or(&anchor.spki.key, |up| &up.spki.key);
                if out.iter().any(|t| t.certificate.raw == c.raw) {
                    continue;
                }
                out.push(RevocationTarget {
                    certificate: (*c).clone(),
                    issuer_key: issuer_key.clone(),
                    ocsp_urls: access::ocsp_urls(c),
                    crl_urls: access::crl_urls(c),
                });
            }
        }
        out
    }
}
