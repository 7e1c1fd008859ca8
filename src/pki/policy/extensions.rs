//! Reading the four policy extensions of a certificate (RFC 5280
//! §4.2.1.4 certificatePolicies, §4.2.1.5 policyMappings, §4.2.1.11
//! policyConstraints, §4.2.1.14 inhibitAnyPolicy) into a [`CertPolicies`],
//! the input of the policy steps in the parent module.

use std::collections::BTreeSet;

use super::{CertPolicies, PolicyInfo};
use crate::asn1::{self, oid, Tag, Tlv};
use crate::error::{Error, Result};
use crate::limits;
use crate::pki::cert::Certificate;

impl CertPolicies {
    /// Extract the policy extensions of `cert`. `self_issued` is the caller's
    /// judgement (subject and issuer match, RFC 5280 §6.1).
    ///
    /// Fails with `malformed` when one of the four extensions does not parse,
    /// when certificatePolicies lists a policy twice (§4.2.1.4: "A
    /// certificate policy OID MUST NOT appear more than once"), or when a
    /// SEQUENCE SIZE (1..MAX) is empty; with `limit-exceeded` when a
    /// certificate lists more policies or mappings than
    /// [`limits::MAX_POLICY_NODES`] (they could never all fit in the tree,
    /// and bounding them bounds the work per tree level).
    pub fn from_certificate(cert: &Certificate, self_issued: bool) -> Result<CertPolicies> {
        let policies = match cert.extension(oid::CERTIFICATE_POLICIES) {
            Some(ext) => Some(parse_certificate_policies(&ext.value)?),
            None => None,
        };
        let mappings = match cert.extension(oid::POLICY_MAPPINGS) {
            Some(ext) => parse_policy_mappings(&ext.value)?,
            None => Vec::new(),
        };
        let (require_explicit_policy, inhibit_policy_mapping) = match cert.extension(oid::POLICY_CONSTRAINTS) {
            Some(ext) => parse_policy_constraints(&ext.value)?,
            None => (None, None),
        };
        let inhibit_any_policy = match cert.extension(oid::INHIBIT_ANY_POLICY) {
            Some(ext) => Some(parse_inhibit_any_policy(&ext.value)?),
            None => None,
        };
        Ok(CertPolicies { self_issued, policies, mappings, require_explicit_policy, inhibit_policy_mapping, inhibit_any_policy })
    }
}

/// A SkipCerts value (RFC 5280 §4.2.1.11, §4.2.1.14): a non-negative INTEGER
/// under whatever tag `t` carries. Values beyond `u32` saturate: any count
/// larger than a path is equivalent.
fn skip_certs(t: &Tlv<'_>) -> Result<u32> {
    let magnitude = t.unsigned_integer()?;
    if magnitude.len() > 4 {
        return Ok(u32::MAX);
    }
    Ok(magnitude.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

/// certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation
/// (RFC 5280 §4.2.1.4).
pub(super) fn parse_certificate_policies(der: &[u8]) -> Result<Vec<PolicyInfo>> {
    let t = asn1::parse_single(der)?;
    t.check(Tag::SEQUENCE, "certificatePolicies")?;
    let mut r = t.children()?;
    let mut out: Vec<PolicyInfo> = Vec::new();
    while let Some(info) = r.next_tlv()? {
        info.check(Tag::SEQUENCE, "PolicyInformation")?;
        let mut ir = info.children()?;
        let id = ir.expect(Tag::OID, "policyIdentifier")?.oid()?;
        let qualifiers_raw = match ir.read_if(|t| *t == Tag::SEQUENCE)? {
            Some(q) => q.raw.to_vec(),
            None => Vec::new(),
        };
        ir.finish("PolicyInformation")?;
        if out.len() >= limits::MAX_POLICY_NODES {
            return Err(Error::limit(format!("certificatePolicies lists more than {} policies", limits::MAX_POLICY_NODES)));
        }
        out.push(PolicyInfo { oid: id.to_vec(), qualifiers_raw });
    }
    if out.is_empty() {
        return Err(Error::malformed("certificatePolicies is empty"));
    }
    check_unique(&out)?;
    Ok(out)
}

/// RFC 5280 §4.2.1.4: a policy OID MUST NOT appear more than once.
pub(super) fn check_unique(policies: &[PolicyInfo]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for p in policies {
        if !seen.insert(p.oid.as_slice()) {
            return Err(Error::malformed(format!("certificatePolicies lists policy {} twice", oid::to_dotted(&p.oid))));
        }
    }
    Ok(())
}

/// PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { issuerDomainPolicy,
/// subjectDomainPolicy } (RFC 5280 §4.2.1.5).
pub(super) fn parse_policy_mappings(der: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let t = asn1::parse_single(der)?;
    t.check(Tag::SEQUENCE, "policyMappings")?;
    let mut r = t.children()?;
    let mut out = Vec::new();
    while let Some(m) = r.next_tlv()? {
        m.check(Tag::SEQUENCE, "PolicyMapping")?;
        let mut mr = m.children()?;
        let issuer = mr.expect(Tag::OID, "issuerDomainPolicy")?.oid()?;
        let subject = mr.expect(Tag::OID, "subjectDomainPolicy")?.oid()?;
        mr.finish("PolicyMapping")?;
        if out.len() >= limits::MAX_POLICY_NODES {
            return Err(Error::limit(format!("policyMappings lists more than {} mappings", limits::MAX_POLICY_NODES)));
        }
        out.push((issuer.to_vec(), subject.to_vec()));
    }
    if out.is_empty() {
        return Err(Error::malformed("policyMappings is empty"));
    }
    Ok(out)
}

/// PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] SkipCerts
/// OPTIONAL, inhibitPolicyMapping [1] SkipCerts OPTIONAL } (RFC 5280
/// §4.2.1.11; "conforming CAs MUST NOT issue certificates where policy
/// constraints is an empty sequence").
pub(super) fn parse_policy_constraints(der: &[u8]) -> Result<(Option<u32>, Option<u32>)> {
    let t = asn1::parse_single(der)?;
    t.check(Tag::SEQUENCE, "policyConstraints")?;
    let mut r = t.children()?;
    let require = match r.read_if(|t| *t == Tag::context(0, false))? {
        Some(v) => Some(skip_certs(&v)?),
        None => None,
    };
    let inhibit = match r.read_if(|t| *t == Tag::context(1, false))? {
        Some(v) => Some(skip_certs(&v)?),
        None => None,
    };
    r.finish("policyConstraints")?;
    if require.is_none() && inhibit.is_none() {
        return Err(Error::malformed("policyConstraints is empty"));
    }
    Ok((require, inhibit))
}

/// InhibitAnyPolicy ::= SkipCerts (RFC 5280 §4.2.1.14).
pub(super) fn parse_inhibit_any_policy(der: &[u8]) -> Result<u32> {
    let t = asn1::parse_single(der)?;
    t.check(Tag::INTEGER, "inhibitAnyPolicy")?;
    skip_certs(&t)
}
