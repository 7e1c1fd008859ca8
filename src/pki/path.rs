//! Certification path building and validation (RFC 5280 §6.1, §6.3; R31–R36).
//!
//! Paths are built from the signer certificate towards the trust anchors by
//! issuer name (depth first, anchors first, bounded by
//! `limits::MAX_PATH_CANDIDATES` and `limits::MAX_PATH_SIGNATURE_CHECKS`);
//! each complete candidate is validated in full. Certificates that came with
//! the message are hints only: they are never anchors (R33).

use super::anchor::Anchor;
use super::cert::{Certificate, PublicKeyInfo};
use super::crl::{self, Crl};
use super::name::Name;
use crate::asn1::{self, oid, time::UnixTime, AlgorithmIdentifier, Tag};
use crate::cms::alg::{self, PublicKey, SigScheme};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::policy::Policy;

/// How revocation is handled (issue 3 §2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationMode {
    /// Undetermined status fails the path.
    Require,
    /// Undetermined status is a warning (`revocation-unknown`).
    #[default]
    Prefer,
    /// No revocation checking.
    Off,
}

/// Revocation status of a validated path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revocation {
    /// Every certificate was covered by a usable CRL and none is revoked.
    Good,
    /// Some certificate's status could not be determined.
    Unknown,
    /// Revocation checking is off.
    NotChecked,
}

/// Everything path validation takes: all of it is an argument.
#[derive(Clone, Copy, Debug)]
pub struct PathInput<'a> {
    /// Validation time T (RFC 5280 §6.1.1(b)).
    pub time: UnixTime,
    /// Trust anchors.
    pub anchors: &'a [Anchor],
    /// Candidate intermediates (message certificates and user-supplied ones).
    pub intermediates: &'a [&'a Certificate],
    /// CRLs (embedded and supplied).
    pub crls: &'a [&'a Crl],
    /// Revocation handling.
    pub revocation: RevocationMode,
    /// Algorithm policy (legacy algorithms).
    pub policy: &'a Policy,
    /// True when validating the path of a CRL signer (§6.3.3(f)) rather than
    /// an email signer: cRLSign instead of the R31 rules.
    pub crl_signer: bool,
}

/// A validated path.
#[derive(Clone, Debug)]
pub struct ValidPath<'a> {
    /// Index of the anchor in `PathInput::anchors`.
    pub anchor: usize,
    /// Certificates from the end entity up to the one issued by the anchor.
    pub chain: Vec<&'a Certificate>,
    /// Revocation outcome.
    pub revocation: Revocation,
}

/// Extensions this validator processes; any other critical one is rejected
/// (RFC 5280 §6.1.4(o), §6.1.5(e); R32).
const UNDERSTOOD: &[&[u8]] = &[
    oid::BASIC_CONSTRAINTS,
    oid::KEY_USAGE,
    oid::EXT_KEY_USAGE,
    oid::SUBJECT_ALT_NAME,
    oid::ISSUER_ALT_NAME,
    oid::SUBJECT_KEY_ID,
    oid::AUTHORITY_KEY_ID,
    oid::NAME_CONSTRAINTS,
    oid::CERTIFICATE_POLICIES,
    oid::POLICY_MAPPINGS,
    oid::POLICY_CONSTRAINTS,
    oid::INHIBIT_ANY_POLICY,
    oid::CRL_DISTRIBUTION_POINTS,
    oid::FRESHEST_CRL,
    oid::AUTHORITY_INFO_ACCESS,
];

/// keyUsage bits (RFC 5280 §4.2.1.3), numbered from the most significant bit.
fn key_usage(cert: &Certificate) -> Result<Option<u16>> {
    let Some(ext) = cert.extension(oid::KEY_USAGE) else { return Ok(None) };
    let t = asn1::parse_single(&ext.value)?;
    let (_, bits) = t.bit_string()?;
    let hi = u16::from(bits.first().copied().unwrap_or(0));
    let lo = u16::from(bits.get(1).copied().unwrap_or(0));
    Ok(Some((hi << 8) | lo))
}

const KU_DIGITAL_SIGNATURE: u16 = 0x8000;
const KU_NON_REPUDIATION: u16 = 0x4000;
const KU_KEY_CERT_SIGN: u16 = 0x0400;
const KU_CRL_SIGN: u16 = 0x0200;

/// basicConstraints: (cA, pathLenConstraint).
fn basic_constraints(cert: &Certificate) -> Result<Option<(bool, Option<u32>)>> {
    let Some(ext) = cert.extension(oid::BASIC_CONSTRAINTS) else { return Ok(None) };
    let t = asn1::parse_single(&ext.value)?;
    t.check(Tag::SEQUENCE, "BasicConstraints")?;
    let mut r = t.children()?;
    let ca = match r.read_if(|t| *t == Tag::BOOLEAN)? {
        Some(b) => b.boolean()?,
        None => false,
    };
    let len = match r.read_if(|t| *t == Tag::INTEGER)? {
        Some(i) => Some(i.small_uint()?),
        None => None,
    };
    Ok(Some((ca, len)))
}

/// True when subject and issuer are the same name (RFC 5280 §3.2 self-issued).
pub fn self_issued(cert: &Certificate) -> bool {
    cert.subject.matches(&cert.issuer)
}

/// Signer certificate rules of RFC 8550 §4.4 (R31): keyUsage, when present,
/// has digitalSignature or nonRepudiation; extendedKeyUsage, when present,
/// has emailProtection or anyExtendedKeyUsage.
pub fn check_signer_usage(cert: &Certificate) -> Result<()> {
    if let Some(ku) = key_usage(cert)? {
        if ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION) == 0 {
            return Err(Error::new(Code::KeyUsage, "the signer certificate's keyUsage allows neither digitalSignature nor nonRepudiation"));
        }
    }
    if let Some(ext) = cert.extension(oid::EXT_KEY_USAGE) {
        let t = asn1::parse_single(&ext.value)?;
        let mut r = t.children()?;
        let mut ok = false;
        while let Some(p) = r.next_tlv()? {
            let o = p.oid()?;
            ok |= o == oid::KP_EMAIL_PROTECTION || o == oid::ANY_EXTENDED_KEY_USAGE;
        }
        if !ok {
            return Err(Error::new(Code::KeyUsage, "the signer certificate's extendedKeyUsage does not include emailProtection"));
        }
    }
    Ok(())
}

/// The signed parts of a certificate or CRL.
struct Signed<'s> {
    sig_alg: &'s (Vec<u8>, Option<Vec<u8>>),
    tbs_alg: &'s [u8],
    tbs: &'s [u8],
    sig: &'s [u8],
    unused_bits: u8,
}

impl<'s> Signed<'s> {
    fn cert(c: &'s Certificate) -> Self {
        Signed {
            sig_alg: &c.signature_algorithm,
            tbs_alg: &c.tbs_signature_algorithm,
            tbs: &c.tbs,
            sig: &c.signature,
            unused_bits: c.signature_unused_bits,
        }
    }
    fn crl(c: &'s Crl) -> Self {
        Signed {
            sig_alg: &c.signature_algorithm,
            tbs_alg: &c.tbs_signature_algorithm,
            tbs: &c.tbs,
            sig: &c.signature,
            unused_bits: c.signature_unused_bits,
        }
    }
}

/// Verify a certificate or CRL signature with the issuer's key.
fn check_signature(key: &PublicKey, issuer_spki: &PublicKeyInfo, signed: &Signed<'_>, policy: &Policy) -> Result<()> {
    let Signed { sig_alg, tbs_alg, tbs, sig, unused_bits } = *signed;
    let bad = |d: &str| Error::new(Code::BadCertSignature, d.to_owned());
    // RFC 5280 §4.1.1.2: the outer and inner algorithm identifiers match.
    if sig_alg.0 != tbs_alg {
        return Err(bad("signature algorithm differs from the one inside the signed data"));
    }
    if unused_bits != 0 {
        return Err(bad("signature with unused bits"));
    }
    let params = match &sig_alg.1 {
        Some(p) => Some(asn1::parse_single(p)?),
        None => None,
    };
    let scheme = SigScheme::parse(&AlgorithmIdentifier { oid: &sig_alg.0, params })?;
    let digest =
        scheme.named_hash().ok_or_else(|| Error::new(Code::UnsupportedAlgorithm, "certificate signature algorithm without a hash"))?;
    alg::check_key_restrictions(issuer_spki, scheme)?;
    alg::verify(key, scheme, digest, tbs, sig, policy).map_err(|e| match e.code {
        Code::BadSignature => bad("a certificate or CRL signature does not verify under its issuer's key"),
        _ => e,
    })
}

/// Mutable budget shared by the search for one signer.
struct Budget {
    candidates: usize,
    signatures: usize,
}

impl Budget {
    fn spend_candidate(&mut self) -> Result<()> {
        self.candidates = self.candidates.saturating_add(1);
        if self.candidates > limits::MAX_PATH_CANDIDATES {
            return Err(Error::new(Code::PathBudgetExceeded, format!("more than {} candidate paths", limits::MAX_PATH_CANDIDATES)));
        }
        Ok(())
    }
    fn spend_signature(&mut self) -> Result<()> {
        self.signatures = self.signatures.saturating_add(1);
        if self.signatures > limits::MAX_PATH_SIGNATURE_CHECKS {
            return Err(Error::new(Code::PathBudgetExceeded, format!("more than {} signature checks", limits::MAX_PATH_SIGNATURE_CHECKS)));
        }
        Ok(())
    }
}

/// Rank failures: the most specific reason wins when no path validates.
fn rank(code: Code) -> u8 {
    match code {
        Code::UntrustedRoot => 0,
        Code::PathBudgetExceeded => 1,
        Code::Malformed | Code::UnsupportedAlgorithm => 2,
        _ => 3,
    }
}

/// Build and validate a path for `ee`. On failure the most specific reason
/// found is returned.
pub fn validate<'a>(ee: &'a Certificate, input: &PathInput<'a>) -> Result<ValidPath<'a>> {
    let mut budget = Budget { candidates: 0, signatures: 0 };
    let mut best: Option<Error> = None;
    let mut chain = vec![ee];
    // An error from the search itself (the budget) wins over any specific
    // failure seen so far: the search did not finish.
    match search(&mut chain, input, &mut budget, &mut best)? {
        Some(v) => Ok(v),
        None => Err(best.unwrap_or_else(|| Error::new(Code::UntrustedRoot, "no path from the signer's certificate to a trusted root"))),
    }
}

fn remember(best: &mut Option<Error>, e: Error) {
    let replace = match best {
        None => true,
        Some(b) => rank(e.code) > rank(b.code),
    };
    if replace {
        *best = Some(e);
    }
}

/// Depth-first search. `chain` runs from the end entity upward.
fn search<'a>(
    chain: &mut Vec<&'a Certificate>,
    input: &PathInput<'a>,
    budget: &mut Budget,
    best: &mut Option<Error>,
) -> Result<Option<ValidPath<'a>>> {
    let Some(top) = chain.last().copied() else { return Ok(None) };
    // Anchors first: a path that ends here is complete.
    for (i, anchor) in input.anchors.iter().enumerate() {
        if anchor.subject.matches(&top.issuer) {
            budget.spend_candidate()?;
            match validate_path(chain, i, input, budget) {
                Ok(v) => return Ok(Some(v)),
                Err(e) if e.code == Code::PathBudgetExceeded => return Err(e),
                Err(e) => remember(best, e),
            }
        }
    }
    if chain.len() >= limits::MAX_PATH_LENGTH {
        return Ok(None);
    }
    // Then intermediates that name the issuer, not already on the path (no
    // loops), preferring a matching key identifier.
    let aki = authority_key_id(top);
    let mut next: Vec<&'a Certificate> =
        input.intermediates.iter().copied().filter(|c| c.subject.matches(&top.issuer) && !chain.iter().any(|p| p.raw == c.raw)).collect();
    next.sort_by_key(|c| match (&aki, c.subject_key_id()) {
        (Some(a), Some(s)) if *a == s => 0,
        (Some(_), Some(_)) => 2,
        _ => 1,
    });
    let mut any = false;
    for c in next {
        any = true;
        chain.push(c);
        let r = search(chain, input, budget, best);
        chain.pop();
        if let Some(v) = r? {
            return Ok(Some(v));
        }
    }
    if !any && chain.len() > 1 {
        // A dead end counts against the budget too (a mesh with no anchor).
        budget.spend_candidate()?;
    }
    Ok(None)
}

fn authority_key_id(cert: &Certificate) -> Option<Vec<u8>> {
    let ext = cert.extension(oid::AUTHORITY_KEY_ID)?;
    let t = asn1::parse_single(&ext.value).ok()?;
    let mut r = t.children().ok()?;
    let k = r.read_if(|t| *t == Tag::context(0, false)).ok()??;
    Some(k.content.to_vec())
}

/// DSA parameters carried by an SPKI, if any (for inheritance, RFC 3279 §2.3.2).
fn dsa_params(spki: &PublicKeyInfo) -> Option<Vec<u8>> {
    if spki.algorithm != oid::DSA {
        return None;
    }
    spki.explicit_params().map(<[u8]>::to_vec)
}

/// RFC 5280 §6.1 over one complete candidate: `chain` from the end entity up
/// to the certificate issued by anchor `anchor_index`.
fn validate_path<'a>(chain: &[&'a Certificate], anchor_index: usize, input: &PathInput<'a>, budget: &mut Budget) -> Result<ValidPath<'a>> {
    let anchor = input.anchors.get(anchor_index).ok_or_else(|| Error::malformed("no such anchor"))?;
    // Path order: path[0] issued by the anchor, path[n-1] the end entity.
    let path: Vec<&Certificate> = chain.iter().rev().copied().collect();
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
    for (i, cert) in path.iter().enumerate() {
        let last = i.saturating_add(1) == n;
        // §6.1.3(a)(1): the signature, with the working key.
        let key = alg::decode_key(&working_spki, working_params.as_deref())?;
        budget.spend_signature()?;
        check_signature(&key, &working_spki, &Signed::cert(cert), input.policy)?;
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
        if !cert.issuer.matches(working_name) {
            return Err(Error::new(Code::UntrustedRoot, "issuer name does not chain"));
        }
        // §6.1.3(a)(3): revocation (§6.3), against the issuer's key.
        if input.revocation != RevocationMode::Off {
            match revocation_status(cert, working_name, &key, &working_spki, issuer_cert, anchor_index, &path, input, budget)? {
                Status::Good => {}
                Status::Revoked => return Err(Error::new(Code::CertRevoked, format!("{} is revoked", cert.subject.to_display()))),
                Status::Unknown if input.revocation == RevocationMode::Require => {
                    return Err(Error::new(Code::RevocationUnknown, format!("no usable CRL covers {}", cert.subject.to_display())))
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
        if let Some(p) = dsa_params(&cert.spki) {
            working_params = Some(p);
        } else if cert.spki.algorithm != oid::DSA || working_spki.algorithm != oid::DSA {
            working_params = None;
        }
        working_spki = cert.spki.clone();
        // §6.1.4(k): a v3 CA certificate must assert cA.
        let bc = basic_constraints(cert)?;
        if cert.version == 3 && !matches!(bc, Some((true, _))) {
            return Err(Error::new(Code::NotACa, format!("{} is not a CA (basicConstraints)", cert.subject.to_display())));
        }
        // §6.1.4(l),(m): path length.
        if !self_issued(cert) {
            if max_path_length == 0 {
                return Err(Error::new(Code::PathLengthExceeded, "the path is longer than a pathLenConstraint allows"));
            }
            max_path_length = max_path_length.saturating_sub(1);
        }
        if let Some((_, Some(len))) = bc {
            max_path_length = max_path_length.min(usize::try_from(len).unwrap_or(usize::MAX));
        }
        // §6.1.4(n): keyCertSign.
        if let Some(ku) = key_usage(cert)? {
            if ku & KU_KEY_CERT_SIGN == 0 {
                return Err(Error::new(Code::NotACa, format!("{} may not sign certificates (keyUsage)", cert.subject.to_display())));
            }
        }
    }
    // §6.1.3(d)-(f), §6.1.4(a),(b),(h)-(j), §6.1.5: certificate policies,
    // with the default inputs (initial set {anyPolicy}, nothing required).
    let mut policies = Vec::with_capacity(n);
    for (i, cert) in path.iter().enumerate() {
        let self_iss = i.saturating_add(1) < n && self_issued(cert);
        policies.push(super::policy::CertPolicies::from_certificate(cert, self_iss)?);
    }
    super::policy::process(&policies, &super::policy::PolicyInputs::default())?;
    // §6.1.3(b),(c) and §6.1.4(g): name constraints, from the anchor's own.
    super::name_constraints::check_path(&path, anchor.name_constraints.as_deref())?;
    if let Some(ee) = path.last() {
        if input.crl_signer {
            // §6.3.3(f): the CRL issuer's key may sign CRLs.
            if key_usage(ee)?.is_some_and(|ku| ku & KU_CRL_SIGN == 0) {
                return Err(Error::new(Code::NotACa, "the CRL signer may not sign CRLs (keyUsage)"));
            }
        } else {
            // R31: the signer certificate may sign email.
            check_signer_usage(ee)?;
        }
    }
    let chain_out: Vec<&'a Certificate> = chain.to_vec();
    Ok(ValidPath { anchor: anchor_index, chain: chain_out, revocation })
}

/// §6.3.3(f): a CRL signed by another key of the certificate's issuer (a
/// separate CRL-signing certificate, or a key rollover) is usable when that
/// key's certificate has a valid path to the same anchor. Searched one level
/// deep only (a CRL signer's own CRLs must be signed by its issuer), within the
/// same budget.
fn other_crl_signer(crl: &Crl, anchor_index: usize, path: &[&Certificate], input: &PathInput<'_>, budget: &mut Budget) -> Result<bool> {
    let may_sign = |c: &Certificate| key_usage(c).ok().flatten().is_none_or(|ku| ku & KU_CRL_SIGN != 0);
    let signed_by = |c: &Certificate, budget: &mut Budget| -> Result<bool> {
        let Ok(key) = alg::decode_key(&c.spki, None) else { return Ok(false) };
        budget.spend_signature()?;
        Ok(check_signature(&key, &c.spki, &Signed::crl(crl), input.policy).is_ok())
    };
    // A signer on the path being validated (a CA's other key in a rollover,
    // or a CRL issuer checking its own status) is validated by this very
    // pass: its signature suffices.
    for c in path.iter().copied().filter(|c| c.subject.matches(&crl.issuer) && may_sign(c)) {
        if signed_by(c, budget)? {
            return Ok(true);
        }
    }
    if input.crl_signer {
        // One level of separate CRL signers only.
        return Ok(false);
    }
    let anchors = input.anchors.get(anchor_index..=anchor_index).unwrap_or(&[]);
    for signer in input
        .intermediates
        .iter()
        .copied()
        .filter(|c| c.subject.matches(&crl.issuer) && may_sign(c) && !path.iter().any(|p| p.raw == c.raw))
    {
        if !signed_by(signer, budget)? {
            continue;
        }
        let sub = PathInput { anchors, crl_signer: true, ..*input };
        let mut chain = vec![signer];
        let mut best = None;
        match search(&mut chain, &sub, budget, &mut best) {
            Ok(Some(_)) => return Ok(true),
            Ok(None) => {}
            Err(e) if e.code == Code::PathBudgetExceeded => return Err(e),
            Err(_) => {}
        }
    }
    Ok(false)
}

enum Status {
    Good,
    Revoked,
    Unknown,
}

/// RFC 5280 §6.3.3: the revocation status of `cert` from the CRLs at hand.
/// Complete CRLs (and their delta CRLs) apply when issuer and scope match a
/// distribution point of the certificate (its cRLDistributionPoints, or the
/// implicit one named by its issuer), are current at T, have no unknown
/// critical extension, and are signed by a key that chains to the same
/// anchor; the status is determined once their reasons cover all reasons.
#[allow(clippy::too_many_arguments)]
fn revocation_status(
    cert: &Certificate,
    issuer_name: &Name,
    issuer_key: &PublicKey,
    issuer_spki: &PublicKeyInfo,
    issuer_cert: Option<&Certificate>,
    anchor_index: usize,
    path: &[&Certificate],
    input: &PathInput<'_>,
    budget: &mut Budget,
) -> Result<Status> {
    let is_ca = matches!(basic_constraints(cert)?, Some((true, _)));
    let dps = match cert.extension(oid::CRL_DISTRIBUTION_POINTS) {
        Some(ext) => crl::distribution_points(&ext.value, &cert.issuer)?,
        None => Vec::new(),
    };
    // §6.3.3: without the extension, one implicit point named by the issuer.
    let implicit = [crl::DistributionPoint { names: Vec::new(), reasons: crl::ALL_REASONS, crl_issuer: Vec::new() }];
    let points: &[crl::DistributionPoint] = if dps.is_empty() { &implicit } else { &dps };
    // §6.3.3(f): the issuer's own key may sign CRLs only with cRLSign.
    let issuer_may_sign = issuer_cert.is_none_or(|ic| key_usage(ic).ok().flatten().is_none_or(|ku| ku & KU_CRL_SIGN != 0));
    let mut reasons_mask = 0u16;
    for dp in points {
        for crl in input.crls.iter().copied().filter(|c| c.delta_base.is_none()) {
            if reasons_mask & crl::ALL_REASONS == crl::ALL_REASONS {
                break;
            }
            let idp = crl.idp.clone().unwrap_or(crl::IssuingDistributionPoint { reasons: crl::ALL_REASONS, ..Default::default() });
            // (b)(1): the CRL issuer — the cRLIssuer of the point (indirect
            // CRLs only) or the certificate issuer.
            let issuer_ok = if dp.crl_issuer.is_empty() {
                crl.issuer.matches(issuer_name)
            } else {
                idp.indirect && dp.crl_issuer.iter().any(|n| n.matches(&crl.issuer))
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
            if !usable(crl, input)
                || !crl_signature_ok(crl, issuer_name, issuer_key, issuer_spki, issuer_may_sign, anchor_index, path, input, budget)?
            {
                continue;
            }
            // (h): a current delta CRL for this complete CRL, checked first.
            let delta = input.crls.iter().copied().find(|d| {
                d.delta_base.as_deref().is_some_and(|base| crl.number.as_deref().is_some_and(|n| integer_le(base, n)))
                    && d.issuer.matches(&crl.issuer)
                    && d.idp == crl.idp
                    && usable(d, input)
            });
            if let Some(d) = delta {
                if crl_signature_ok(d, issuer_name, issuer_key, issuer_spki, issuer_may_sign, anchor_index, path, input, budget)? {
                    if let Some(entry) = entry_for(d, cert) {
                        // removeFromCRL (8) in a delta unrevokes.
                        if entry.reason == Some(8) {
                            reasons_mask |= interim;
                            continue;
                        }
                        return Ok(Status::Revoked);
                    }
                }
            }
            // (i),(j)
            reasons_mask |= interim;
            if entry_for(crl, cert).is_some_and(|e| e.reason != Some(8)) {
                return Ok(Status::Revoked);
            }
        }
    }
    Ok(if reasons_mask & crl::ALL_REASONS == crl::ALL_REASONS { Status::Good } else { Status::Unknown })
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

/// Current at T and free of unknown critical extensions (§5.2, §5.3, §6.3.3(a)).
fn usable(crl: &Crl, input: &PathInput<'_>) -> bool {
    !crl.unknown_critical
        && !crl.revoked.iter().any(|e| e.unknown_critical)
        && crl.this_update <= input.time
        && crl.next_update.is_none_or(|nu| nu >= input.time)
}

/// §6.3.3(f),(g): signed by the issuer's key (when it may sign CRLs and the
/// CRL is the issuer's), or by another key of the CRL issuer that chains to
/// the same anchor.
#[allow(clippy::too_many_arguments)]
fn crl_signature_ok(
    crl: &Crl,
    issuer_name: &Name,
    issuer_key: &PublicKey,
    issuer_spki: &PublicKeyInfo,
    issuer_may_sign: bool,
    anchor_index: usize,
    path: &[&Certificate],
    input: &PathInput<'_>,
    budget: &mut Budget,
) -> Result<bool> {
    if issuer_may_sign && crl.issuer.matches(issuer_name) {
        budget.spend_signature()?;
        if check_signature(issuer_key, issuer_spki, &Signed::crl(crl), input.policy).is_ok() {
            return Ok(true);
        }
    }
    other_crl_signer(crl, anchor_index, path, input, budget)
}

/// The entry for `cert` (same serial, and same issuer: the CRL issuer, or the
/// certificateIssuer of indirect CRLs, which carries over to later entries).
fn entry_for<'c>(crl: &'c Crl, cert: &Certificate) -> Option<&'c crl::Revoked> {
    let mut current: &Name = &crl.issuer;
    for e in &crl.revoked {
        if let Some(n) = &e.certificate_issuer {
            current = n;
        }
        if same_serial(&e.serial, &cert.serial) && current.matches(&cert.issuer) {
            return Some(e);
        }
    }
    None
}

/// a <= b for non-negative INTEGER contents.
fn integer_le(a: &[u8], b: &[u8]) -> bool {
    let trim = |x: &[u8]| -> Vec<u8> { x.iter().copied().skip_while(|v| *v == 0).collect() };
    let (a, b) = (trim(a), trim(b));
    (a.len(), &a) <= (b.len(), &b)
}

/// INTEGER equality by value: BER may pad with redundant sign octets
/// (0x00 before a clear high bit, 0xFF before a set one); strip only those,
/// so -1 (`FF`) never equals 255 (`00 FF`).
pub fn same_serial(a: &[u8], b: &[u8]) -> bool {
    fn minimal(mut x: &[u8]) -> &[u8] {
        while let [first, second, ..] = x {
            let redundant = (*first == 0x00 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0);
            if !redundant {
                break;
            }
            x = x.get(1..).unwrap_or(&[]);
        }
        x
    }
    minimal(a) == minimal(b)
}
