//! Native verification cost per message (a benchmark, not a test): prints
//! microseconds per message for representative fixtures. Run with
//! `cargo bench --bench verify`. Wasm size is printed by scripts/build-wasm.sh.
//!
//! `BENCH_SMOKE=1`: every fixture verified once (still checked to verify), no
//! warm-up and no timed second: seconds even in the test profile
//! (`cargo test --benches`).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use jmap_smime::{verify_signatures, Policy};

const CASES: &[(&str, &str)] = &[
    ("RSA-2048 / SHA-256, detached", "rsa2048-sha256-detached.eml"),
    ("RSA-2048 / SHA-256, opaque", "rsa2048-sha256-opaque.eml"),
    ("RSA-4096 / SHA-256, detached", "rsa4096-sha256-detached.eml"),
    ("ECDSA P-256 / SHA-256, detached", "ecdsa-p256-sha256-detached.eml"),
    ("ECDSA P-384 / SHA-384, detached", "ecdsa-p384-sha384-detached.eml"),
    ("Ed25519 / SHA-512, detached", "ed25519-sha512-detached.eml"),
    ("unsigned message", "plain-unsigned.eml"),
];

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/messages");
    let smoke = std::env::var_os("BENCH_SMOKE").is_some_and(|v| v == "1");
    // Warm-up runs, then timed runs for at least `min_time` and `min_runs`.
    let (warm_up, min_time, min_runs) = if smoke { (0, Duration::ZERO, 1) } else { (10, Duration::from_secs(1), 20) };
    let policy = Policy::default();
    if smoke {
        println!("(smoke: one run per fixture)");
    }
    println!("{:<36} {:>8} {:>12} {:>10}", "fixture", "bytes", "µs/message", "runs");
    for (label, file) in CASES {
        let raw = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        // Every signed fixture must verify, and the unsigned one must show no
        // signer (so a parser that stopped finding signatures fails here).
        let signers = verify_signatures(&raw, &policy).signers;
        let signed = !file.starts_with("plain-");
        assert!(signers.len() == usize::from(signed) && signers.iter().all(|s| s.valid), "{file} must verify");
        for _ in 0..warm_up {
            black_box(verify_signatures(black_box(&raw), &policy));
        }
        let mut runs = 0u32;
        let start = Instant::now();
        while start.elapsed() < min_time || runs < min_runs {
            black_box(verify_signatures(black_box(&raw), &policy));
            runs += 1;
        }
        let per = start.elapsed().as_secs_f64() * 1e6 / f64::from(runs);
        println!("{label:<36} {:>8} {per:>12.1} {runs:>10}", raw.len());
    }
}
