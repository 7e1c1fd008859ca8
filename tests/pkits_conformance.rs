//! NIST PKITS through the full verifier, as issue 3 specifies: at
//! 2020-01-01T00:00:00Z, the PKITS trust anchor only, revocation required,
//! legacy algorithms allowed, no address check. Expected verdicts:
//! ../shared/conformance/pkits-expected.tsv.

use std::path::PathBuf;

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Policy, Verifier, VerifyOptions};

fn pkits() -> PathBuf {
    std::env::var_os("PKITS_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/pkits"))
}

/// Every one of the 224 must give the expected verdict.
const PASSING_AT_LEAST: usize = 224;

#[test]
fn pkits_verdicts() {
    let dir = pkits();
    assert!(dir.join("smime").is_dir(), "{} missing: run `bash scripts/fetch-pkits.sh`", dir.display());
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance/pkits-expected.tsv")).unwrap();
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(dir.join("certs/TrustAnchorRootCertificate.crt")).unwrap()).unwrap();
    let verifier = Verifier {
        trust,
        policy: Policy { allow_legacy: true },
        options: VerifyOptions { revocation: RevocationMode::Require, skip_address_check: true, ..VerifyOptions::default() },
        memo: Default::default(),
        memory: None,
    };
    let at = parse_rfc3339("2020-01-01T00:00:00Z").unwrap();
    let (mut pass, mut misses) = (0usize, Vec::new());
    for line in table.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let (file, expected, section) = (c[0], c[1], c[3]);
        let v = verifier.verify(&std::fs::read(dir.join("smime").join(file)).unwrap(), at, None);
        let got = match v.status.as_deref() {
            Some("signed/verified") => "valid",
            _ => "invalid",
        };
        if got == expected {
            pass += 1;
        } else {
            let codes: Vec<&str> = v.errors.iter().map(|e| e.code.as_str()).collect();
            misses.push(format!("{section} {file}: expected {expected}, got {got} {codes:?}"));
        }
    }
    println!("PKITS verdicts: {pass}/224");
    for m in &misses {
        println!("  miss {m}");
    }
    assert!(pass >= PASSING_AT_LEAST, "regression: {pass} < {PASSING_AT_LEAST}");
}
