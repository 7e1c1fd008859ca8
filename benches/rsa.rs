//! RSA signature verification, µs per operation (a benchmark, not a test):
//! the crate's route (src/cms/rsa.rs: crypto-bigint 0.7 Montgomery
//! arithmetic, square-and-multiply over e) against rsa 0.9 (the route before
//! issue 10, now a dev-dependency) and crypto-bigint's own windowed
//! `pow_bounded_exp` (why src/cms/rsa.rs does not call it), natively, on the
//! openssl-made signatures of tests/data/rsa/ (e = 65537, SHA-256).
//!
//! Rows: `pkcs1 key+verify` decodes the key and checks one PKCS#1 v1.5
//! signature (what a certificate costs the first time: the Montgomery
//! parameters are computed then); `pkcs1 verify` and `pss verify` reuse the
//! decoded key. Figures are medians of 5 batches.
//!
//! `cargo bench --bench rsa` (2048, 3072, 4096 and 8192 bits);
//! `BENCH_SMOKE=1`: 2048 bits, one run of each. In both modes every
//! signature must verify on every route, or the benchmark exits non-zero.

use std::collections::HashMap;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};
use jmap_smime::cms::alg::DigestAlg;
use jmap_smime::cms::rsa::{public_key, verify_pkcs1, verify_pss};
use rsa::traits::SignatureScheme;
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};

const KEYS: &str = include_str!("../tests/data/rsa/keys.tsv");
const VECTORS: &str = include_str!("../tests/data/rsa/vectors.tsv");

fn smoke() -> bool {
    std::env::var_os("BENCH_SMOKE").is_some_and(|v| v == "1")
}

fn hex(s: &str) -> Vec<u8> {
    let s = if s.len() % 2 == 1 { format!("0{s}") } else { s.to_owned() };
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0)).collect()
}

/// Rows of a TSV table keyed by the header's names.
fn rows(table: &str) -> Vec<HashMap<&str, &str>> {
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    lines.map(|l| header.iter().copied().zip(l.split('\t')).collect()).collect()
}

/// µs per call of `f`: the median of 5 batches of about 200 ms (one call in
/// smoke mode). `f` returns whether the signature verified.
fn micros(mut f: impl FnMut() -> bool) -> Option<f64> {
    if !f() {
        return None;
    }
    if smoke() {
        return Some(0.0);
    }
    let mut batches: Vec<f64> = (0..5)
        .map(|_| {
            let (start, mut runs) = (Instant::now(), 0u32);
            while start.elapsed() < Duration::from_millis(200) || runs < 3 {
                black_box(f());
                runs += 1;
            }
            start.elapsed().as_secs_f64() * 1e6 / f64::from(runs)
        })
        .collect();
    batches.sort_by(f64::total_cmp);
    batches.get(2).copied()
}

/// s^e mod n with crypto-bigint's windowed exponentiation, compared with the
/// encoded message our route recovers.
fn windowed(n: &[u8], e: u64, sig: &[u8], want: &[u8]) -> bool {
    let precision = u32::try_from(n.len() * 8).unwrap_or(0);
    let Some(n) = BoxedUint::from_be_slice(n, precision).ok().and_then(|n| Option::from(Odd::new(n))) else { return false };
    let params = BoxedMontyParams::new_vartime(n);
    let Ok(s) = BoxedUint::from_be_slice(sig, precision) else { return false };
    let m = BoxedMontyForm::new(s, &params).pow_bounded_exp(&BoxedUint::from(e), 64 - e.leading_zeros()).retrieve();
    m.to_be_bytes().ends_with(want)
}

/// An operation and its µs on our route, rsa 0.9 and the windowed pow (NaN:
/// not measured); `None` when the signature did not verify.
type Row = (&'static str, Option<f64>, Option<f64>, Option<f64>);

fn main() -> ExitCode {
    let keys: HashMap<&str, (Vec<u8>, Vec<u8>)> = rows(KEYS).into_iter().map(|r| (r["key"], (hex(r["n"]), hex(r["e"])))).collect();
    let vectors = rows(VECTORS);
    let find = |case: &str, key: &str| vectors.iter().find(|r| r["case"] == case && r["key"] == key);
    let sizes: &[&str] = if smoke() { &["r2048"] } else { &["r2048", "r3072", "r4096", "r8192"] };
    let mut failed = false;
    println!("{:>5}  {:<28} {:>10} {:>10} {:>10}  speed-up", "bits", "operation", "ours µs", "rsa 0.9 µs", "windowed");
    for name in sizes {
        let (Some((n, e)), Some(p1), Some(pss)) =
            (keys.get(name), find("pkcs1-sha256-openssl", name), find("pss-sha256-salt-32", name).or(find("pss-sha256-salt-20", name)))
        else {
            eprintln!("rsa bench: no {name} vectors in tests/data/rsa");
            return ExitCode::FAILURE;
        };
        let (h1, s1, h2, s2) = (hex(p1["hashed"]), hex(p1["signature"]), hex(pss["hashed"]), hex(pss["signature"]));
        let salt: usize = pss["salt"].parse().unwrap_or(0);
        let Ok(ours) = public_key(n, e) else { return ExitCode::FAILURE };
        let Ok(old) = RsaPublicKey::new_with_max_size(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e), 8192) else {
            return ExitCode::FAILURE;
        };
        let e64 = e.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
        let em = {
            let k = ours.size();
            let mut em = vec![0u8; k.saturating_sub(3 + 51)];
            em.fill(0xff);
            [vec![0, 1], em, vec![0], hex("3031300d060960864801650304020105000420"), h1.clone()].concat()
        };
        let rows: [Row; 3] = [
            (
                "pkcs1 key+verify",
                micros(|| public_key(n, e).is_ok_and(|k| verify_pkcs1(&k, DigestAlg::Sha256, &h1, &s1))),
                micros(|| {
                    RsaPublicKey::new_with_max_size(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e), 8192)
                        .is_ok_and(|k| Pkcs1v15Sign::new::<sha2::Sha256>().verify(&k, &h1, &s1).is_ok())
                }),
                micros(|| windowed(n, e64, &s1, &em)),
            ),
            (
                "pkcs1 verify",
                micros(|| verify_pkcs1(&ours, DigestAlg::Sha256, &h1, &s1)),
                micros(|| Pkcs1v15Sign::new::<sha2::Sha256>().verify(&old, &h1, &s1).is_ok()),
                Some(f64::NAN),
            ),
            (
                "pss verify",
                micros(|| verify_pss(&ours, DigestAlg::Sha256, salt, &h2, &s2)),
                micros(|| Pss::new_with_salt::<sha2::Sha256>(salt).verify(&old, &h2, &s2).is_ok()),
                Some(f64::NAN),
            ),
        ];
        for (op, new, old, win) in rows {
            let (Some(new), Some(old), Some(win)) = (new, old, win) else {
                eprintln!("rsa bench: {name} {op}: a signature did not verify");
                failed = true;
                continue;
            };
            let speedup = if new > 0.0 { format!("{:.1}x", old / new) } else { "-".to_owned() };
            println!("{:>5}  {op:<28} {new:>10.1} {old:>10.1} {win:>10.1}  {speedup}", ours.bits());
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
