//! Revocation (RFC 5280 §6.3.3) of one certificate of a path being validated,
//! from the CRLs at hand, with the CRL signer search of §6.3.3(f). Every
//! signature check, name comparison and CRL scan is charged to the message's
//! work budget; a budget that runs out ends the validation (it never turns
//! into "this CRL is not usable", which could hide a revocation).

use super::search::{Mode, Search};
use super::{basic_constraints, integer_le, key_usage, same_serial, Signed, KU_CRL_SIGN};
use crate::asn1::oid;
use crate::asn1::time::UnixTime;
use crate::budget::Key;
use crate::error::Result;
use crate::pki::cert::{Certificate, PublicKeyInfo};
use crate::pki::crl::{self, Crl};
use crate::pki::name::Name;

/// Revocation status of one certificate.
pub(super) enum Status {
    Good,
    Revoked(Revoked),
    Unknown,
}

/// What a source said of a revoked certificate.
pub(super) struct Revoked {
    /// revocationTime (OCSP) or revocationDate (CRL entry).
    pub time: Option<UnixTime>,
    /// The CRLReason, when given.
    pub reason: Option<u32>,
    /// "OCSP" or "CRL".
    pub by: &'static str,
}

impl Revoked {
    /// "revoked (keyCompromise, since 2026-11-01T00:00:00Z, says a CRL)".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.reason {
            parts.push(crate::pki::ocsp::reason_name(r).to_owned());
        }
        if let Some(t) = self.time {
            parts.push(format!("since {}", crate::asn1::time::to_rfc3339(t)));
        }
        parts.push(if self.by == "OCSP" { "says an OCSP response".to_owned() } else { "says a CRL".to_owned() });
        format!("revoked ({})", parts.join(", "))
    }
}

/// RFC 5280 §6.3 with RFC 6960: the status of `cert` from every source at
/// hand, in one result. Revoked (at or before T) from any usable source
/// wins; otherwise good from a usable OCSP response or from CRLs covering
/// all reasons; otherwise unknown.
pub(super) fn status(s: &mut Search<'_, '_, '_>, cert: &Certificate, issuer: &IssuerRef<'_>, at: &Position<'_>) -> Result<Status> {
    let from_ocsp = super::ocsp::status(s, cert, issuer, at)?;
    if let Some(Status::Revoked(r)) = from_ocsp {
        return Ok(Status::Revoked(r));
    }
    Ok(match (from_ocsp, crl_status(s, cert, issuer, at)?) {
        (_, Status::Revoked(r)) => Status::Revoked(r),
        (Some(Status::Good), _) | (_, Status::Good) => Status::Good,
        _ => Status::Unknown,
    })
}

/// The certificate's issuer as path validation knows it (§6.1.2 working
/// name, key and parameters).
pub(super) struct IssuerRef<'r> {
    pub name: &'r Name,
    pub key: &'r Key,
    pub spki: &'r PublicKeyInfo,
    /// The issuer's certificate (None: an anchor without one).
    pub cert: Option<&'r Certificate>,
}

/// Where in which path the certificate sits.
pub(super) struct Position<'p> {
    /// The anchor the path ends at.
    pub anchor: usize,
    /// The path's nodes, from the one the anchor issued down.
    pub path: &'p [usize],
    /// The certificate's index in `path`.
    pub index: usize,
    /// What the search is for.
    pub mode: Mode,
}

/// RFC 5280 §6.3.3: the revocation status of `cert` from the CRLs at hand.
/// Complete CRLs (and their delta CRLs) apply when issuer and scope match a
/// distribution point of the certificate (its cRLDistributionPoints, or the
/// implicit one named by its issuer), are current at T, have no unknown
/// critical extension, and are signed by a key that chains to the same
/// anchor; the status is determined once their reasons cover all reasons.
pub(super) fn crl_status(s: &mut Search<'_, '_, '_>, cert: &Certificate, issuer: &IssuerRef<'_>, at: &Position<'_>) -> Result<Status> {
    let input = s.input;
    let is_ca = matches!(basic_constraints(cert)?, Some((true, _)));
    let dps = match cert.extension(oid::CRL_DISTRIBUTION_POINTS) {
        Some(ext) => crl::distribution_points(&ext.value, &cert.issuer)?,
        None => Vec::new(),
    };
    // §6.3.3: without the extension, one implicit point named by the issuer.
    let implicit = [crl::DistributionPoint { names: Vec::new(), reasons: crl::ALL_REASONS, crl_issuer: Vec::new() }];
    let points: &[crl::DistributionPoint] = if dps.is_empty() { &implicit } else { &dps };
    // §6.3.3(f): the issuer's own key may sign CRLs only with cRLSign.
    let issuer_may_sign = issuer.cert.is_none_or(|ic| key_usage(ic).ok().flatten().is_none_or(|ku| ku & KU_CRL_SIGN != 0));
    let mut reasons_mask = 0u16;
    for dp in points {
        for (index, crl) in input.crls.iter().copied().enumerate().filter(|(_, c)| c.delta_base.is_none()) {
            if reasons_mask & crl::ALL_REASONS == crl::ALL_REASONS {
                break;
            }
            let idp = crl.idp.clone().unwrap_or(crl::IssuingDistributionPoint { reasons: crl::ALL_REASONS, ..Default::default() });
            // (b)(1): the CRL issuer — the cRLIssuer of the point (indirect
            // CRLs only) or the certificate issuer.
            let issuer_ok = if dp.crl_issuer.is_empty() {
                s.work.names_match(&crl.issuer, issuer.name)?
            } else {
                idp.indirect && any_name_matches(s, &dp.crl_issuer, &crl.issuer)?
            };
            if !issuer_ok || !scope_ok(crl, &idp, dp, cert, is_ca) {
                continue;
            }
            // (c),(d): reasons this CRL adds.
            // Bit 0 of ReasonFlags is `unused`, not a reason.
            let interim = idp.reasons & dp.reasons & crl::ALL_REASONS;
            if interim & !reasons_mask == 0 {
                continue;
            }
            if !usable(s, index, crl)? || !crl_signature_ok(s, crl, issuer, issuer_may_sign, at)? {
                continue;
            }
            // (h): a current delta CRL for this complete CRL, checked first.
            let mut delta = None;
            for (d_index, d) in input.crls.iter().copied().enumerate() {
                let candidate = d.delta_base.as_deref().is_some_and(|base| crl.number.as_deref().is_some_and(|n| integer_le(base, n)))
                    && d.idp == crl.idp;
                if candidate && s.work.names_match(&d.issuer, &crl.issuer)? && usable(s, d_index, d)? {
                    delta = Some(d);
                    break;
                }
            }
            if let Some(d) = delta {
                if crl_signature_ok(s, d, issuer, issuer_may_sign, at)? {
                    if let Some(entry) = entry_for(s, d, cert)? {
                        // removeFromCRL (8) in a delta unrevokes.
                        if entry.reason == Some(8) {
                            reasons_mask |= interim;
                            continue;
                        }
                        return Ok(Status::Revoked(Revoked { time: Some(entry.date), reason: entry.reason, by: "CRL" }));
                    }
                }
            }
            // (i),(j)
            reasons_mask |= interim;
            if let Some(e) = entry_for(s, crl, cert)?.filter(|e| e.reason != Some(8)) {
                return Ok(Status::Revoked(Revoked { time: Some(e.date), reason: e.reason, by: "CRL" }));
            }
        }
    }
    Ok(if reasons_mask & crl::ALL_REASONS == crl::ALL_REASONS { Status::Good } else { Status::Unknown })
}

/// Does any of `names` match `name`?
fn any_name_matches(s: &mut Search<'_, '_, '_>, names: &[Name], name: &Name) -> Result<bool> {
    for n in names {
        if s.work.names_match(n, name)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// §6.3.3(b)(2): the CRL's scope covers this certificate and point.
fn scope_ok(crl: &Crl, idp: &crl::IssuingDistributionPoint, dp: &crl::DistributionPoint, cert: &Certificate, is_ca: bool) -> bool {
    if idp.only_attribute || (idp.only_user && is_ca) || (idp.only_ca && !is_ca) {
        return false;
    }
    // An indirect CRL is only for points that name its issuer as cRLIssuer.
    if idp.indirect && dp.crl_issuer.is_empty() && !crl.issuer.matches(&cert.issuer) {
        return false;
    }
    if idp.names.is_empty() {
        return true;
    }
    // (b)(2)(i): a name of the IDP matches a name of the point, or, when the
    // point has none, one of its cRLIssuer names (or the implicit issuer).
    if !dp.names.is_empty() {
        return idp.names.iter().any(|a| dp.names.iter().any(|b| a.same(b)));
    }
    let issuers: Vec<crl::DpName> = if dp.crl_issuer.is_empty() {
        vec![crl::DpName::Dir(cert.issuer.clone())]
    } else {
        dp.crl_issuer.iter().cloned().map(crl::DpName::Dir).collect()
    };
    idp.names.iter().any(|a| issuers.iter().any(|b| a.same(b)))
}

/// Current at T and free of unknown critical extensions (§5.2, §5.3,
/// §6.3.3(a)); decided once per CRL in this search (the scan of its entries
/// is charged).
fn usable(s: &mut Search<'_, '_, '_>, index: usize, crl: &Crl) -> Result<bool> {
    if let Some(Some(u)) = s.crl_usable.get(index) {
        return Ok(*u);
    }
    s.work.scan(crl.raw.len())?;
    let time = s.input.time;
    let u = !crl.unknown_critical
        && !crl.revoked.iter().any(|e| e.unknown_critical)
        && crl.this_update <= time
        && crl.next_update.is_none_or(|nu| nu >= time);
    if let Some(slot) = s.crl_usable.get_mut(index) {
        *slot = Some(u);
    }
    Ok(u)
}

/// §6.3.3(f),(g): signed by the issuer's key (when it may sign CRLs and the
/// CRL is the issuer's), or by another key of the CRL issuer that chains to
/// the same anchor.
fn crl_signature_ok(
    s: &mut Search<'_, '_, '_>,
    crl: &Crl,
    issuer: &IssuerRef<'_>,
    issuer_may_sign: bool,
    at: &Position<'_>,
) -> Result<bool> {
    if issuer_may_sign && s.work.names_match(&crl.issuer, issuer.name)? && s.verifies(issuer.key, issuer.spki, &Signed::crl(crl))? {
        return Ok(true);
    }
    other_crl_signer(s, crl, at)
}

/// May this certificate's key sign CRLs (keyUsage cRLSign, when present)?
fn may_sign_crls(c: &Certificate) -> bool {
    key_usage(c).ok().flatten().is_none_or(|ku| ku & KU_CRL_SIGN != 0)
}

/// Does node `n`'s key verify `crl`? A key that cannot be used is a no.
fn signed_by(s: &mut Search<'_, '_, '_>, n: usize, crl: &Crl) -> Result<bool> {
    let c = s.cert(n)?;
    s.verifies_under(c, &Signed::crl(crl))
}

/// §6.3.3(f): a CRL signed by another key of the certificate's issuer (a
/// separate CRL-signing certificate, or a key rollover) is usable when that
/// key's certificate has a valid path to the same anchor. Searched one level
/// deep only (a CRL signer's own CRLs must be signed by its issuer), within the
/// same budgets.
fn other_crl_signer(s: &mut Search<'_, '_, '_>, crl: &Crl, at: &Position<'_>) -> Result<bool> {
    // A signer on the part of the path validated so far (a CA's other key in
    // a rollover, or a CRL issuer checking its own status) is vouched for by
    // this very pass: its signature suffices. Certificates further down are
    // not validated yet, so their keys are not used.
    let validated = at.path.get(..=at.index).unwrap_or(&[]);
    for &n in validated {
        let c = s.cert(n)?;
        if s.work.names_match(&c.subject, &crl.issuer)? && may_sign_crls(c) && signed_by(s, n, crl)? {
            return Ok(true);
        }
    }
    if at.mode.crl_signer {
        // One level of separate CRL signers only.
        return Ok(false);
    }
    for n in 0..s.node_count() {
        let c = s.cert(n)?;
        if at.path.contains(&n) || !may_sign_crls(c) || !s.work.names_match(&c.subject, &crl.issuer)? {
            continue;
        }
        // The signer's path first, from the anchor down: a certificate that
        // merely claims the CRL issuer's name costs one check under a key
        // that is vouched for, never one under its own (possibly huge) key.
        if s.crl_signer_valid(n, at.anchor)? && signed_by(s, n, crl)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The entry for `cert` (same serial, and same issuer: the CRL issuer, or the
/// certificateIssuer of indirect CRLs, which carries over to later entries).
/// The scan is charged by the CRL's size.
fn entry_for<'c>(s: &mut Search<'_, '_, '_>, crl: &'c Crl, cert: &Certificate) -> Result<Option<&'c crl::Revoked>> {
    s.work.scan(crl.raw.len())?;
    let mut current: &Name = &crl.issuer;
    for e in &crl.revoked {
        if let Some(n) = &e.certificate_issuer {
            current = n;
        }
        if same_serial(&e.serial, &cert.serial) && current.matches(&cert.issuer) {
            return Ok(Some(e));
        }
    }
    Ok(None)
}
