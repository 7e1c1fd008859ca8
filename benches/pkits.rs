//! NIST PKITS through the full verifier, natively (a benchmark, not a test):
//! prints the total and per-message time of verifying all 224 messages with
//! the issue 3 settings. Needs .cache/pkits (scripts/fetch-pkits.sh).

use std::time::Instant;

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Policy, Verifier, VerifyOptions};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/pkits");
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance/pkits-expected.tsv"))
        .expect("pkits-expected.tsv");
    let messages: Vec<Vec<u8>> = table
        .lines()
        .skip(1)
        .map(|l| std::fs::read(dir.join("smime").join(l.split('\t').next().unwrap_or(""))).expect("run scripts/fetch-pkits.sh"))
        .collect();
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(dir.join("certs/TrustAnchorRootCertificate.crt")).expect("anchor")).expect("anchor");
    let verifier = Verifier {
        trust,
        policy: Policy { allow_legacy: true },
        options: VerifyOptions { revocation: RevocationMode::Require, skip_address_check: true, ..VerifyOptions::default() },
    };
    let at = parse_rfc3339("2020-01-01T00:00:00Z").expect("time");
    let rounds = 5u32;
    let mut verified = 0;
    let start = Instant::now();
    for _ in 0..rounds {
        verified = messages.iter().filter(|m| verifier.verify(m, at, None).status.as_deref() == Some("signed/verified")).count();
    }
    let per_round = start.elapsed() / rounds;
    println!(
        "PKITS native: {} messages in {:.1} ms ({:.0} µs per message), {verified} signed/verified, {rounds} rounds",
        messages.len(),
        per_round.as_secs_f64() * 1e3,
        per_round.as_secs_f64() * 1e6 / messages.len() as f64
    );
}
