//! NIST PKITS §4.8–§4.12 (certificate policies, requireExplicitPolicy, policy
//! mappings, inhibitPolicyMapping, inhibitAnyPolicy) through
//! `pki::policy::process` alone, under the default settings (any policy,
//! nothing inhibited, no explicit policy required), against the verdicts of
//! ../shared/conformance/pkits-expected.tsv.
//!
//! Each message's path is built from its own certificates: from the signer's
//! certificate (SignerInfo issuer + serial) upward by issuer name, preferring
//! the candidate whose subjectKeyIdentifier equals the child's
//! authorityKeyIdentifier (PKITS self-issued CAs share their subject with the
//! CA that certified them), until a certificate issued by "Trust Anchor".
//!
//! Every failing PKITS test in these sections fails for a policy reason, so
//! no test is excused: signatures, validity and revocation are judged by the
//! path validator, not here.

use std::path::{Path, PathBuf};

use jmap_smime::asn1::{self, oid, Tag};
use jmap_smime::cms::signed_data::SignerIdentifier;
use jmap_smime::mime::smime::{classify, Smime};
use jmap_smime::pki::cert::Certificate;
use jmap_smime::pki::policy::{process, CertPolicies, PolicyInputs, PolicyOutcome};
use jmap_smime::Code;

const SECTIONS: &[&str] = &["4.8.", "4.9.", "4.10.", "4.11.", "4.12."];

fn pkits_dir() -> PathBuf {
    std::env::var_os("PKITS_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/pkits"))
}

/// authorityKeyIdentifier keyIdentifier `[0]`, if present.
fn authority_key_id(cert: &Certificate) -> Option<Vec<u8>> {
    let ext = cert.extension(oid::AUTHORITY_KEY_ID)?;
    let t = asn1::parse_single(&ext.value).ok()?;
    let mut r = t.children().ok()?;
    let k = r.read_if(|t| *t == Tag::context(0, false)).ok()??;
    Some(k.content.to_vec())
}

/// The certificates of the message's SignedData and its signer's certificate.
fn message_certificates(raw: &[u8]) -> Result<(Vec<Certificate>, Certificate), String> {
    let entity = jmap_smime::mime::parse(raw).map_err(|e| format!("MIME: {e}"))?;
    let signature = match classify(&entity, raw) {
        Smime::Detached { signature, .. } => signature,
        Smime::Opaque { cms, .. } => cms,
        other => return Err(format!("not a signed message: {other:?}")),
    };
    let ci = jmap_smime::cms::parse_content_info(&signature).map_err(|e| format!("ContentInfo: {e}"))?;
    let content = ci.content.ok_or("ContentInfo without content")?;
    let sd = jmap_smime::cms::parse_signed_data(&content).map_err(|e| format!("SignedData: {e}"))?;
    let signer = match sd.signer_infos.first() {
        Some(Ok(s)) => s,
        Some(Err(e)) => return Err(format!("SignerInfo: {e}")),
        None => return Err("no SignerInfo".to_owned()),
    };
    let leaf = match &signer.sid {
        SignerIdentifier::IssuerSerial { issuer, serial } => {
            sd.certificates.iter().find(|c| c.issuer.matches(issuer) && c.serial == *serial)
        }
        SignerIdentifier::KeyId(id) => sd.certificates.iter().find(|c| c.subject_key_id().as_ref() == Some(id)),
    }
    .ok_or("signer certificate not in the message")?
    .clone();
    Ok((sd.certificates, leaf))
}

/// The path in validation order: `path[0]` issued by the anchor, the signer last.
fn build_path(certs: &[Certificate], leaf: Certificate, anchor: &Certificate) -> Result<Vec<Certificate>, String> {
    let mut chain = vec![leaf];
    loop {
        let Some(current) = chain.last() else { return Err("empty chain".to_owned()) };
        if current.issuer.matches(&anchor.subject) {
            break;
        }
        if chain.len() > 16 {
            return Err("path longer than 16".to_owned());
        }
        let aki = authority_key_id(current);
        let mut candidates: Vec<&Certificate> =
            certs.iter().filter(|c| c.subject.matches(&current.issuer) && !chain.iter().any(|x| x.raw == c.raw)).collect();
        if let Some(aki) = &aki {
            if candidates.iter().any(|c| c.subject_key_id().as_ref() == Some(aki)) {
                candidates.retain(|c| c.subject_key_id().as_ref() == Some(aki));
            }
        }
        match candidates.as_slice() {
            [one] => chain.push((*one).clone()),
            [] => return Err(format!("no issuer for {}", current.subject.to_display())),
            _ => return Err(format!("{} candidate issuers for {}", candidates.len(), current.subject.to_display())),
        }
    }
    chain.reverse();
    Ok(chain)
}

/// Policy processing of one PKITS message's path under `inputs`; the outer
/// error means the path could not be built or its extensions did not parse.
fn run(dir: &Path, file: &str, anchor: &Certificate, inputs: &PolicyInputs) -> Result<jmap_smime::Result<PolicyOutcome>, String> {
    let raw = std::fs::read(dir.join("smime").join(file)).map_err(|e| format!("{file}: {e}"))?;
    let (certs, leaf) = message_certificates(&raw)?;
    let path = build_path(&certs, leaf, anchor)?;
    let n = path.len();
    let facts = path
        .iter()
        .enumerate()
        .map(|(i, c)| CertPolicies::from_certificate(c, i + 1 < n && c.subject.matches(&c.issuer)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("extensions: {e}"))?;
    Ok(process(&facts, inputs))
}

/// The PKITS folder and its trust anchor; fails (never skips) without them.
fn setup() -> (PathBuf, Certificate) {
    let dir = pkits_dir();
    assert!(
        dir.join("smime").is_dir() && dir.join("certs").is_dir(),
        "{} is missing: run `bash scripts/fetch-pkits.sh` (scripts/setup.sh does)",
        dir.display()
    );
    let anchor_der = std::fs::read(dir.join("certs/TrustAnchorRootCertificate.crt")).expect("TrustAnchorRootCertificate.crt");
    let anchor = Certificate::from_der(&anchor_der).expect("trust anchor parses");
    (dir, anchor)
}

#[test]
fn pkits_policy_sections_under_default_settings() {
    let (dir, anchor) = setup();
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance/pkits-expected.tsv"))
        .expect("../shared/conformance/pkits-expected.tsv");

    let mut rows = Vec::new();
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, expected, _needs_crl, section] = cols.as_slice() else { panic!("bad row: {line:?}") };
        if SECTIONS.iter().any(|s| section.starts_with(s)) {
            rows.push((*file, *expected == "valid", *section));
        }
    }
    // 20 + 8 + 14 + 11 + 10 tests in §4.8–§4.12.
    assert_eq!(rows.len(), 63, "rows of §4.8–§4.12 in the expected table");

    let mut failures = Vec::new();
    let mut passed = 0;
    for (file, want_valid, section) in &rows {
        let result = run(&dir, file, &anchor, &PolicyInputs::default());
        match result {
            Err(e) => failures.push(format!("{section} {file}: could not run: {e}")),
            Ok(Ok(outcome)) if *want_valid => {
                passed += 1;
                println!(
                    "{section} {file}: valid {:?}",
                    outcome.authority_constrained.iter().map(|o| oid::to_dotted(o)).collect::<Vec<_>>()
                );
            }
            Ok(Err(e)) if !*want_valid && e.code == Code::PolicyViolation => {
                passed += 1;
                println!("{section} {file}: invalid ({e})");
            }
            Ok(got) => failures.push(format!("{section} {file}: expected {}, got {got:?}", if *want_valid { "valid" } else { "invalid" })),
        }
    }
    println!("PKITS §4.8–§4.12 policy: {passed} of {} as expected", rows.len());
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

/// A few of the non-default settings PKITS describes, where the outcome
/// follows from what every certificate of the path asserts: the default
/// verdicts above do not exercise the user-initial-policy-set or
/// initial-explicit-policy.
#[test]
fn pkits_policy_with_user_inputs() {
    let (dir, anchor) = setup();
    let p = |k: u8| vec![0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x02, 0x01, 0x30, k];
    let explicit =
        |set: Vec<Vec<u8>>| PolicyInputs { user_initial_policy_set: set, initial_explicit_policy: true, ..PolicyInputs::default() };
    // (message, inputs, the policies of a valid path or None for invalid)
    type Case = (&'static str, PolicyInputs, Option<Vec<Vec<u8>>>);
    let cases: Vec<Case> = vec![
        // §4.8.1: every certificate asserts NIST-test-policy-1.
        ("SignedAllCertificatesSamePolicyTest1.eml", explicit(vec![]), Some(vec![p(1)])),
        ("SignedAllCertificatesSamePolicyTest1.eml", explicit(vec![p(1)]), Some(vec![p(1)])),
        ("SignedAllCertificatesSamePolicyTest1.eml", explicit(vec![p(2)]), None),
        ("SignedAllCertificatesSamePolicyTest1.eml", explicit(vec![p(1), p(2)]), Some(vec![p(1)])),
        // §4.8.2: no certificate asserts a policy.
        ("SignedAllCertificatesNoPoliciesTest2.eml", explicit(vec![]), None),
        // §4.10.1: NIST-test-policy-1 is mapped to NIST-test-policy-2; the
        // user set speaks of the anchor's domain.
        ("SignedValidPolicyMappingTest1.eml", explicit(vec![p(1)]), Some(vec![p(1)])),
        ("SignedValidPolicyMappingTest1.eml", explicit(vec![p(2)]), None),
        ("SignedValidPolicyMappingTest1.eml", PolicyInputs { initial_policy_mapping_inhibit: true, ..explicit(vec![]) }, None),
    ];
    let mut failures = Vec::new();
    for (file, inputs, want) in &cases {
        let got = match run(&dir, file, &anchor, inputs) {
            Ok(Ok(outcome)) => Some(outcome.authority_constrained),
            Ok(Err(e)) if e.code == Code::PolicyViolation => None,
            other => {
                failures.push(format!("{file} {inputs:?}: {other:?}"));
                continue;
            }
        };
        if got != *want {
            failures.push(format!("{file} {inputs:?}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
