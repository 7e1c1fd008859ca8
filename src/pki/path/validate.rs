//! RFC 5280 §6.1 over one complete candidate path, from the anchor down.
//!
//! Top-down order matters for the work budget too: a key from the message is
//! used only after a certificate above it (ultimately the anchor's key) has
//! vouched for it, so made-up certificates cost one check under a real key.

use super::revocation::{self, IssuerRef, Position, Status};
use super::search::{Mode, Search, Up};
use super::{
    basic_constraints, check_signer_usage, dsa_params, key_usage, self_issued, Revocation, RevocationMode, Signed, ValidPath, KU_CRL_SIGN,
    KU_KEY_CERT_SIGN, UNDERSTOOD,
};
use crate::asn1::oid;
use crate::budget::is_exhaustion;
use crate::error::{Code, Error, Result};
use crate::pki::cert::Certificate;
use crate::pki::name::Name;

/// Validate `chain` (node indices from the end entity up to the certificate
/// issued by anchor `anchor_index`). A signature that fails marks its edge
/// bad in `s`, so the search does not try it again.
pub(super) fn validate_path<'a>(s: &mut Search<'_, 'a, '_>, chain: &[usize], anchor_index: usize, mode: Mode) -> Result<ValidPath<'a>> {
    let input = s.input;
    let anchor = input.anchors.get(anchor_index).ok_or_else(|| Error::malformed("no such anchor"))?;
    // Path order: path[0] issued by the anchor, path[n-1] the end entity.
    let nodes: Vec<usize> = chain.iter().rev().copied().collect();
    let mut path: Vec<&'a Certificate> = Vec::with_capacity(nodes.len());
    for n in &nodes {
        path.push(s.cert(*n)?);
    }
    let n = path.len();
    // §6.1.2(d)-(f): working public key and parameters start at the anchor.
    let mut working_spki = anchor.spki.clone();
    let mut working_params = dsa_params(&anchor.spki);
    let mut working_name: &Name = &anchor.subject;
    // §6.1.2(k): max_path_length starts at n.
    let mut max_path_length = n;
    let mut revocation = if input.revocation == RevocationMode::Off { Revocation::NotChecked } else { Revocation::Good };
    // The certificate that issued the current one (None: the anchor).
    let mut issuer_cert: Option<&Certificate> = anchor.certificate.as_ref();
    let mut up = Up::Anchor(anchor_index);
    for (i, (cert, node)) in path.iter().copied().zip(nodes.iter().copied()).enumerate() {
        let last = i.saturating_add(1) == n;
        // §6.1.3(a)(1): the signature, with the working key.
        let checked = s.work.key(&working_spki, working_params.as_deref()).and_then(|key| {
            s.check(&key, &working_spki, &Signed::cert(cert))?;
            Ok(key)
        });
        let key = match checked {
            Ok(k) => k,
            Err(e) => {
                if !is_exhaustion(e.code) {
                    s.mark_bad(up, node);
                }
                return Err(e);
            }
        };
        // §6.1.3(a)(2): validity at T, bounds inclusive.
        if input.time < cert.not_before {
            return Err(Error::new(
                Code::CertNotYetValid,
                format!("{} is not valid before {}", cert.subject.to_display(), crate::asn1::time::to_rfc3339(cert.not_before)),
            ));
        }
        if input.time > cert.not_after {
            return Err(Error::new(
                Code::CertExpired,
                format!("{} expired on {}", cert.subject.to_display(), crate::asn1::time::to_rfc3339(cert.not_after)),
            ));
        }
        // §6.1.3(a)(4): name chaining.
        if !s.work.names_match(&cert.issuer, working_name)? {
            return Err(Error::new(Code::UntrustedRoot, "issuer name does not chain"));
        }
        // §6.1.3(a)(3): revocation (§6.3), against the issuer's key.
        if input.revocation != RevocationMode::Off {
            let issuer = IssuerRef { name: working_name, key: &key, spki: &working_spki, cert: issuer_cert };
            let at = Position { anchor: anchor_index, path: &nodes, index: i, mode };
            match revocation::status(s, cert, &issuer, &at)? {
                Status::Good => {}
                Status::Revoked(r) => {
                    return Err(Error::new(Code::CertRevoked, format!("{} is {}", cert.subject.to_display(), r.describe())))
                }
                Status::Unknown if input.revocation == RevocationMode::Require => {
                    return Err(Error::new(
                        Code::RevocationUnknown,
                        format!("no usable CRL or OCSP response covers {}", cert.subject.to_display()),
                    ))
                }
                Status::Unknown => revocation = Revocation::Unknown,
            }
        }
        // §6.1.4(o) / §6.1.5(e): unknown critical extensions.
        if let Some(x) = cert.extensions.iter().find(|x| x.critical && !UNDERSTOOD.contains(&x.oid.as_slice())) {
            return Err(Error::new(
                Code::UnknownCriticalExtension,
                format!("critical extension {} in {}", oid::to_dotted(&x.oid), cert.subject.to_display()),
            ));
        }
        if last {
            break;
        }
        // §6.1.4(c)-(f): the next working name, key and parameters.
        working_name = &cert.subject;
        issuer_cert = Some(cert);
        up = Up::Node(node);
        if let Some(p) = dsa_params(&cert.spki) {
            working_params = Some(p);
        } else if cert.spki.algorithm != oid::DSA || working_spki.algorithm != oid::DSA {
            working_params = None;
        }
        working_spki = cert.spki.clone();
        ca_rules(cert, &mut max_path_length)?;
    }
    // §6.1.3(d)-(f), §6.1.4(a),(b),(h)-(j), §6.1.5: certificate policies,
    // with the default inputs (initial set {anyPolicy}, nothing required).
    let mut policies = Vec::with_capacity(n);
    for (i, cert) in path.iter().enumerate() {
        let self_iss = i.saturating_add(1) < n && self_issued(cert);
        policies.push(crate::pki::policy::CertPolicies::from_certificate(cert, self_iss)?);
    }
    crate::pki::policy::process(&policies, &crate::pki::policy::PolicyInputs::default())?;
    // §6.1.3(b),(c) and §6.1.4(g): name constraints, from the anchor's own.
    crate::pki::name_constraints::check_path(&path, anchor.name_constraints.as_deref())?;
    if let Some(ee) = path.last() {
        if mode.crl_signer {
            // §6.3.3(f): the CRL issuer's key may sign CRLs.
            if key_usage(ee)?.is_some_and(|ku| ku & KU_CRL_SIGN == 0) {
                return Err(Error::new(Code::NotACa, "the CRL signer may not sign CRLs (keyUsage)"));
            }
        } else {
            // R31: the signer certificate may sign email.
            check_signer_usage(ee)?;
        }
    }
    let mut chain_out = path;
    chain_out.reverse();
    Ok(ValidPath { anchor: anchor_index, chain: chain_out, revocation })
}

/// §6.1.4(k)-(n) for an intermediate: cA, path length, keyCertSign.
fn ca_rules(cert: &Certificate, max_path_length: &mut usize) -> Result<()> {
    // §6.1.4(k): a v3 CA certificate must assert cA.
    let bc = basic_constraints(cert)?;
    if cert.version == 3 && !matches!(bc, Some((true, _))) {
        return Err(Error::new(Code::NotACa, format!("{} is not a CA (basicConstraints)", cert.subject.to_display())));
    }
    // §6.1.4(l),(m): path length.
    if !self_issued(cert) {
        if *max_path_length == 0 {
            return Err(Error::new(Code::PathLengthExceeded, "the path is longer than a pathLenConstraint allows"));
        }
        *max_path_length = max_path_length.saturating_sub(1);
    }
    if let Some((_, Some(len))) = bc {
        *max_path_length = (*max_path_length).min(usize::try_from(len).unwrap_or(usize::MAX));
    }
    // §6.1.4(n): keyCertSign.
    if let Some(ku) = key_usage(cert)? {
        if ku & KU_KEY_CERT_SIGN == 0 {
            return Err(Error::new(Code::NotACa, format!("{} may not sign certificates (keyUsage)", cert.subject.to_display())));
        }
    }
    Ok(())
}
