//! MIME parsing cost (a benchmark, not a test): milliseconds per MB and peak
//! heap for flat (the most parts allowed), deeply nested (31 levels and the
//! depth limit) and header-heavy (as many fields as allowed, as short as the
//! size allows) messages, at sizes up to the 64 MiB message limit.
//!
//!     cargo bench --bench mime               # 1, 8 and 63 MiB, >= 1 s each
//!     BENCH_SMOKE=1 cargo bench --bench mime # 1 MiB, one run each (seconds)

use std::hint::black_box;
use std::time::{Duration, Instant};

use jmap_smime::limits::MAX_MIME_DEPTH;
use jmap_smime::mime;

#[path = "../tests/common/mime_cost.rs"]
mod cost;

const MIB: usize = 1 << 20;

/// A shape: its label and a generator of about that many bytes.
type Shape = (&'static str, fn(usize) -> Vec<u8>);

fn main() {
    let smoke = std::env::var_os("BENCH_SMOKE").is_some_and(|v| v != "0");
    // 63 MiB: the largest size whose generated message stays under the
    // 64 MiB limit with its headers and delimiters.
    let sizes: &[usize] = if smoke { &[MIB] } else { &[MIB, 8 * MIB, 63 * MIB] };
    let shapes: [Shape; 5] = [
        ("flat, 4095 parts", cost::flat),
        ("nested, 31 levels", |n| cost::nested(31, n, false)),
        ("nested, depth limit", |n| cost::nested(MAX_MIME_DEPTH, n, false)),
        ("nested, '--' lines", |n| cost::nested(MAX_MIME_DEPTH, n, true)),
        ("header-heavy, 189 000 fields", cost::header_heavy),
    ];
    println!(
        "{:<30} {:>10} {:>10} {:>9} {:>9} {:>10} {:>7} {:>5}",
        "shape", "bytes", "ms/parse", "ms/MB", "MB/s", "peak MiB", "peak/x", "runs"
    );
    for (label, make) in shapes {
        for &size in sizes {
            let raw = make(size);
            let (parsed, peak) = cost::peak_during(|| mime::parse(&raw));
            assert!(parsed.is_ok(), "{label}: {:?}", parsed.err());
            drop(parsed);
            let mut runs = 0u32;
            let start = Instant::now();
            while runs < 1 || (!smoke && (start.elapsed() < Duration::from_secs(1) || runs < 3)) {
                drop(black_box(mime::parse(black_box(&raw))));
                runs += 1;
            }
            let ms = start.elapsed().as_secs_f64() * 1e3 / f64::from(runs);
            let mb = raw.len() as f64 / 1e6;
            println!(
                "{label:<30} {:>10} {ms:>10.2} {:>9.2} {:>9.0} {:>10.1} {:>7.2} {runs:>5}",
                raw.len(),
                ms / mb,
                mb * 1e3 / ms,
                peak as f64 / MIB as f64,
                peak as f64 / raw.len() as f64
            );
        }
    }
}
