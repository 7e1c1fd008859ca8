//! NIST PKITS through the full verifier, natively (a benchmark, not a test):
//! prints the total and per-message time of verifying all 224 messages with
//! the issue 3 settings. Needs .cache/pkits (scripts/fetch-pkits.sh) or
//! PKITS_DIR.
//!
//! `BENCH_SMOKE=1`: every 28th message of the table (8, valid and invalid
//! from several sections), one round, seconds even in the test profile
//! (`cargo test --benches`). In both modes the verdicts are compared with
//! ../shared/conformance/pkits-expected.tsv and a disagreement exits non-zero:
//! a figure for work that went wrong is no figure.

use std::process::ExitCode;
use std::time::Instant;

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Policy, Verifier, VerifyOptions};

/// In smoke mode, one message of every this many rows of the table.
const SMOKE_STRIDE: usize = 28;

fn main() -> ExitCode {
    let smoke = std::env::var_os("BENCH_SMOKE").is_some_and(|v| v == "1");
    // PKITS_DIR as in tests/pkits_conformance.rs.
    let dir = std::env::var_os("PKITS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/pkits"));
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance/pkits-expected.tsv"))
        .expect("pkits-expected.tsv");
    let rows: Vec<(&str, &str)> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(file, rest)| (file, rest.split('\t').next().unwrap_or("")))
        .enumerate()
        .filter(|(i, _)| !smoke || i % SMOKE_STRIDE == 0)
        .map(|(_, row)| row)
        .collect();
    let messages: Vec<Vec<u8>> =
        rows.iter().map(|(file, _)| std::fs::read(dir.join("smime").join(file)).expect("run scripts/fetch-pkits.sh")).collect();
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(dir.join("certs/TrustAnchorRootCertificate.crt")).expect("anchor")).expect("anchor");
    let verifier = Verifier {
        trust,
        policy: Policy { allow_legacy: true },
        options: VerifyOptions { revocation: RevocationMode::Require, skip_address_check: true, ..VerifyOptions::default() },
        memo: Default::default(),
        memory: None,
    };
    let at = parse_rfc3339("2020-01-01T00:00:00Z").expect("time");
    let rounds: u32 = if smoke { 1 } else { 5 };
    let mut verdicts = Vec::new();
    // Per round, as bench/pkits-browser.mjs reports the wasm side: round 1
    // does the public-key operations, later rounds find them in the memo.
    let mut times = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        verdicts = messages.iter().map(|m| verifier.verify(m, at, None).status.as_deref() == Some("signed/verified")).collect();
        times.push(start.elapsed().as_secs_f64());
    }
    let per_msg = |secs: f64| secs * 1e6 / messages.len().max(1) as f64;
    for (i, t) in times.iter().enumerate() {
        println!("round {}: {:.1} ms, {:.0} µs per message", i + 1, t * 1e3, per_msg(*t));
    }
    let mean = times.iter().sum::<f64>() / f64::from(rounds.max(1));
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let verified = verdicts.iter().filter(|v| **v).count();
    println!(
        "PKITS native{}: {} messages, {verified} signed/verified, {rounds} rounds: mean {:.1} ms ({:.0} µs per message), median {:.1} ms ({:.0} µs per message)",
        if smoke { " (smoke)" } else { "" },
        messages.len(),
        mean * 1e3,
        per_msg(mean),
        median * 1e3,
        per_msg(median)
    );
    let wrong: Vec<&str> =
        rows.iter().zip(&verdicts).filter(|((_, expected), got)| (*expected == "valid") != **got).map(|((file, _), _)| *file).collect();
    println!("verdicts as in pkits-expected.tsv: {}/{}", rows.len() - wrong.len(), rows.len());
    if messages.is_empty() || !wrong.is_empty() {
        eprintln!("pkits bench: FAILED: no messages or verdicts differ from pkits-expected.tsv: {wrong:?}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
