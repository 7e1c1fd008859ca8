//! Certification path building and validation (RFC 5280 §6.1, §6.3; R31–R36).
//!
//! Paths are built from the signer certificate towards the trust anchors by
//! issuer name ([`search`]: depth first, anchors first, every step charged);
//! each complete candidate is validated in full from the anchor down
//! ([`validate`](mod@validate): RFC 5280 §6.1) with revocation
//! ([`revocation`]: §6.3). Certificates that came with the message are hints
//! only: they are never anchors (R33). All signature work is charged to the
//! message's [`WorkBudget`].

mod ocsp;
mod revocation;
mod search;
mod validate;

use super::anchor::Anchor;
use super::cert::{Certificate, PublicKeyInfo};
use super::crl::Crl;
use super::ocsp::OcspResponse;
use crate::asn1::{self, oid, time::UnixTime, AlgorithmIdentifier, Tag};
use crate::budget::{Key, SignatureCheck, WorkBudget};
use crate::cms::alg::{self, SigScheme};
use crate::error::{Code, Error, Result};
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
    /// Every certificate was covered by a usable CRL or OCSP response and
    /// none is revoked.
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
    /// OCSP responses (embedded, RFC 5940, and supplied).
    pub ocsp: &'a [&'a OcspResponse],
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
    if let Some(purposes) = extended_key_usage(cert)? {
        if !purposes.iter().any(|o| *o == oid::KP_EMAIL_PROTECTION || *o == oid::ANY_EXTENDED_KEY_USAGE) {
            return Err(Error::new(Code::KeyUsage, "the signer certificate's extendedKeyUsage does not include emailProtection"));
        }
    }
    Ok(())
}

/// The extendedKeyUsage purposes (RFC 5280 §4.2.1.12), None without the
/// extension.
fn extended_key_usage(cert: &Certificate) -> Result<Option<Vec<&[u8]>>> {
    let Some(ext) = cert.extension(oid::EXT_KEY_USAGE) else { return Ok(None) };
    let t = asn1::parse_single(&ext.value)?;
    let mut r = t.children()?;
    let mut out = Vec::new();
    while let Some(p) = r.next_tlv()? {
        out.push(p.oid()?);
    }
    Ok(Some(out))
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
    /// A BasicOCSPResponse has no inner algorithm to compare (RFC 6960 §4.2.1).
    fn ocsp(r: &'s OcspResponse) -> Self {
        Signed {
            sig_alg: &r.signature_algorithm,
            tbs_alg: &r.signature_algorithm.0,
            tbs: &r.tbs,
            sig: &r.signature,
            unused_bits: r.signature_unused_bits,
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

/// Verify a certificate or CRL signature with the issuer's key, charged to
/// the message's work budget (and remembered there).
fn check_signature(work: &mut WorkBudget, key: &Key, issuer_spki: &PublicKeyInfo, signed: &Signed<'_>, policy: &Policy) -> Result<()> {
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
    let check = SignatureCheck { scheme, digest, message: tbs, hashed: None, signature: sig };
    work.verify(key, &check, policy).map_err(|e| match e.code {
        Code::BadSignature => bad("a certificate or CRL signature does not verify under its issuer's key"),
        _ => e,
    })
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

fn remember(best: &mut Option<Error>, e: Error) {
    let replace = match best {
        None => true,
        Some(b) => rank(e.code) > rank(b.code),
    };
    if replace {
        *best = Some(e);
    }
}

/// Build and validate a path for `ee` with a budget of its own. On failure
/// the most specific reason found is returned.
pub fn validate<'a>(ee: &'a Certificate, input: &PathInput<'a>) -> Result<ValidPath<'a>> {
    validate_with(ee, input, &mut WorkBudget::new())
}

/// Build and validate a path for `ee`, charging the work to `work` (the
/// message's budget, shared with its other signers and validation times).
/// The search itself is bounded per call by `limits::MAX_PATH_SEARCH_STEPS`,
/// `limits::MAX_PATH_CANDIDATES` and `limits::MAX_PATH_SIGNATURE_CHECKS`
/// (`path-budget-exceeded`); running out of either budget wins over any
/// specific failure seen so far, since the search did not finish.
pub fn validate_with<'a>(ee: &'a Certificate, input: &PathInput<'a>, work: &mut WorkBudget) -> Result<ValidPath<'a>> {
    search::Search::new(input, work, ee)?.run()
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
