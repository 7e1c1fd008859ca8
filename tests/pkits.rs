//! NIST PKITS S/MIME messages (from the PyPI package cryptography-vectors,
//! fetched by scripts/fetch-pkits.sh into .cache/pkits): every one of the 224
//! parses as a signed message, and every RSA-signed one verifies at the CMS
//! level (certificate paths are judged separately).

use std::path::PathBuf;

use jmap_smime::report::Structure;
use jmap_smime::{verify_signatures, Policy};

fn pkits_dir() -> PathBuf {
    std::env::var_os("PKITS_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/pkits"))
}

#[test]
fn pkits_messages_parse_and_rsa_signatures_verify() {
    let smime = pkits_dir().join("smime");
    assert!(smime.is_dir(), "{} is missing: run `bash scripts/fetch-pkits.sh` (scripts/setup.sh does)", smime.display());
    // The list of the 224 messages, from the project's shared conformance folder.
    let expected = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance/pkits-expected.tsv"))
        .expect("../shared/conformance/pkits-expected.tsv");
    let names: Vec<&str> = expected.lines().skip(1).filter_map(|l| l.split('\t').next()).filter(|n| !n.is_empty()).collect();
    assert_eq!(names.len(), 224);
    // PKITS uses SHA-1 and 1024-bit RSA throughout: the legacy policy.
    let policy = Policy { allow_legacy: true };
    let (mut rsa_valid, mut other) = (0, 0);
    let mut failures = Vec::new();
    for name in &names {
        let raw = std::fs::read(smime.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let r = verify_signatures(&raw, &policy);
        if r.structure != Structure::Signed || r.signers.len() != 1 {
            failures.push(format!("{name}: {:?} with {} signers", r.structure, r.signers.len()));
            continue;
        }
        let s = &r.signers[0];
        if s.signature_algorithm.starts_with("rsa") {
            if s.valid {
                rsa_valid += 1;
            } else {
                failures.push(format!("{name}: {:?}", s.error));
            }
        } else {
            other += 1;
        }
    }
    println!("PKITS: {} messages parsed, {rsa_valid} RSA signatures valid, {other} non-RSA", names.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(rsa_valid + other, 224);
    assert!(rsa_valid >= 221, "{rsa_valid}");
}
