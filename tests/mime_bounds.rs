//! MIME parsing costs a small multiple of the input, in memory and in work,
//! whatever its shape (issue 9). No clock: a counting allocator measures the
//! peak heap the parse holds, and `mime::parse_with_stats` counts the bytes
//! it scans, hashes and copies.
//!
//! Shapes, each generated at several sizes: header-heavy (thousands of tiny
//! fields per part), flat (the most parts allowed), and nested (31 levels,
//! and the depth limit), plus delimiter-heavy nesting where every line
//! starts with "--".

use jmap_smime::limits::{MAX_HEADER_FIELDS, MAX_MIME_DEPTH, MAX_MIME_PARTS};
use jmap_smime::mime;

#[path = "common/mime_cost.rs"]
mod cost;
use cost::{flat, header_heavy, nested, peak_during};

/// Peak bytes held while parsing `raw` (the input itself excluded), and the
/// parse's work counter.
fn measure(raw: &[u8]) -> (usize, u64) {
    let ((result, stats), peak) = peak_during(|| mime::parse_with_stats(raw));
    assert!(result.is_ok(), "{:?}", result.err());
    (peak, stats.work())
}

const MIB: usize = 1 << 20;
/// Memory: at most `K` times the input plus `C` for the bounded entity table
/// (at most MAX_MIME_PARTS entities of a few hundred bytes each).
const K: usize = 8;
const C: usize = 2 * MIB;
/// Work: at most `W` bytes touched per input byte.
const W: u64 = 3;

fn check(label: &str, raw: &[u8]) {
    let (peak, work) = measure(raw);
    let n = raw.len();
    eprintln!("{label}: {n} bytes, peak {peak} bytes ({:.2}x), work {work} ({:.2}x)", peak as f64 / n as f64, work as f64 / n as f64);
    assert!(peak <= K * n + C, "{label}: peak {peak} bytes for {n} bytes of input (limit {K}x + {C})");
    assert!(work <= W * n as u64, "{label}: work {work} for {n} bytes of input (limit {W}x)");
}

#[test]
fn header_heavy_messages() {
    // 512 KiB: the fields are 3 bytes, the shortest there are.
    for size in [MIB / 2, MIB, 8 * MIB] {
        check(&format!("header-heavy {size}"), &header_heavy(size));
    }
}

#[test]
fn flat_messages() {
    for size in [64 * 1024, MIB, 8 * MIB] {
        check(&format!("flat {size}"), &flat(size));
    }
}

#[test]
fn nested_messages() {
    // 31 levels (issue 9), and the deepest allowed: the root is depth 0, the
    // leaf inside MAX_MIME_DEPTH multiparts is at depth MAX_MIME_DEPTH.
    for levels in [31, MAX_MIME_DEPTH] {
        for size in [MIB, 8 * MIB] {
            check(&format!("nested {levels} {size}"), &nested(levels, size, false));
            check(&format!("nested {levels} {size} lookalikes"), &nested(levels, size, true));
        }
    }
}

#[test]
fn shapes_are_what_they_claim() {
    let e = mime::parse(&header_heavy(MIB)).unwrap();
    assert!(e.children.len() > 10 && e.children.iter().all(|c| c.headers.len() == MAX_HEADER_FIELDS - 1000));
    assert_eq!(mime::parse(&flat(MIB)).unwrap().children.len(), MAX_MIME_PARTS - 1);
    for (levels, lookalikes) in [(31, false), (MAX_MIME_DEPTH, true)] {
        let raw = nested(levels, MIB, lookalikes);
        let mut e = &mime::parse(&raw).unwrap();
        let mut depth = 1;
        while let [only] = e.children.as_slice() {
            e = only;
            depth += 1;
        }
        assert_eq!(depth, levels + 1, "levels of multipart plus the leaf");
        assert!(e.raw_body(&raw).len() > MIB - 100);
    }
    // One more level is refused.
    assert!(mime::parse(&nested(MAX_MIME_DEPTH + 1, 1000, false)).is_err());
}
