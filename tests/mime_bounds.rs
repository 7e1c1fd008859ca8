//! MIME parsing costs a small multiple of the input, in memory and in work,
//! whatever its shape (issue 9). No clock: a counting allocator measures the
//! peak heap the parse holds, and `mime::parse_with_stats` counts the bytes
//! it scans, hashes and copies.
//!
//! Shapes, each generated at several sizes: header-heavy (thousands of tiny
//! fields per part), flat (the most parts allowed), and nested (31 levels,
//! and the depth limit), plus delimiter-heavy nesting where every line
//! starts with "--".

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use jmap_smime::limits::{MAX_HEADER_FIELDS, MAX_MIME_DEPTH, MAX_MIME_PARTS};
use jmap_smime::mime;

/// Counts the bytes the current thread holds (tests run on several threads).
struct Counting;

thread_local! {
    static HELD: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn note(grow: usize, shrink: usize) {
    let _ = HELD.try_with(|h| {
        let now = h.get().saturating_add(grow).saturating_sub(shrink);
        h.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(l.size(), 0);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        note(0, l.size());
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        note(new, l.size());
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Peak bytes held while parsing `raw` (the input itself excluded), and the
/// parse's work counter.
fn measure(raw: &[u8]) -> (usize, u64) {
    let base = HELD.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let (result, stats) = mime::parse_with_stats(raw);
    let peak = PEAK.with(Cell::get).saturating_sub(base);
    assert!(result.is_ok(), "{:?}", result.err());
    drop(result);
    (peak, stats.work())
}

const MIB: usize = 1 << 20;

/// Parts of 9 000 tiny fields ("a:\n" is the shortest field there is), until
/// `size` bytes.
fn header_heavy(size: usize) -> Vec<u8> {
    let mut m = b"Content-Type: multipart/mixed; boundary=b\n\n".to_vec();
    let part: Vec<u8> = [&b"--b\n"[..], &b"a:\n".repeat(MAX_HEADER_FIELDS - 1000), b"\nx\n"].concat();
    while m.len() + part.len() < size {
        m.extend_from_slice(&part);
    }
    m.extend_from_slice(b"--b--\n");
    m
}

/// The most parts allowed, bodies sharing `size` bytes.
fn flat(size: usize) -> Vec<u8> {
    let parts = MAX_MIME_PARTS - 1;
    let body = "y".repeat(size / parts);
    let mut m = String::from("Content-Type: multipart/mixed; boundary=flat\r\n\r\n");
    for i in 0..parts {
        m.push_str(&format!("--flat\r\nContent-Type: text/plain; name=\"p{i}.txt\"\r\n\r\n{body}\r\n"));
    }
    m.push_str("--flat--\r\n");
    m.into_bytes()
}

/// `levels` nested multiparts; the innermost body holds the bulk, in lines
/// of text (or of "--" lookalikes, which the delimiter lookup must hash).
fn nested(levels: usize, size: usize, lookalikes: bool) -> Vec<u8> {
    let mut m = String::new();
    for i in 0..levels {
        m.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=level-{i}-of-the-nesting-test\r\n\r\n--level-{i}-of-the-nesting-test\r\n"
        ));
    }
    let line = if lookalikes { "--level-0-of-the-nesting-tesT\r\n" } else { "some text in the innermost part, repeated\r\n" };
    m.push_str("\r\n");
    m.push_str(&line.repeat(size / line.len()));
    for i in (0..levels).rev() {
        m.push_str(&format!("--level-{i}-of-the-nesting-test--\r\n"));
    }
    m.into_bytes()
}

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
    for size in [MIB, 8 * MIB] {
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
