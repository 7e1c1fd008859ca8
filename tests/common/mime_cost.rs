//! What MIME parsing costs: generated messages of the shapes that used to
//! cost more than linear time or memory (issue 9), and a counting allocator
//! for the peak heap a computation holds. Shared by tests/mime_bounds.rs and
//! benches/mime.rs (each includes it with `#[path]`; it installs the global
//! allocator of that binary).
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use jmap_smime::limits::{MAX_HEADER_FIELDS, MAX_HEADER_FIELDS_PER_MESSAGE, MAX_MIME_PARTS};

/// Parts of 9 000 header fields each, about `size` bytes in all: as many
/// fields as the message may have (a few below
/// [`MAX_HEADER_FIELDS_PER_MESSAGE`]), each as short as the size allows
/// ("a:" and LF, 3 bytes, is the shortest there is).
pub fn header_heavy(size: usize) -> Vec<u8> {
    let per_part = MAX_HEADER_FIELDS - 1000;
    let parts = (MAX_HEADER_FIELDS_PER_MESSAGE - 10) / per_part;
    let field_len = (size / (parts * per_part)).max(3);
    let field = format!("a:{}\n", "v".repeat(field_len - 3));
    let part = format!("--b\n{}\nx\n", field.repeat(per_part));
    let mut m = String::from("Content-Type: multipart/mixed; boundary=b\n\n");
    for _ in 0..parts {
        m.push_str(&part);
    }
    m.push_str("--b--\n");
    m.into_bytes()
}

/// The most parts allowed, bodies sharing `size` bytes.
pub fn flat(size: usize) -> Vec<u8> {
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
pub fn nested(levels: usize, size: usize, lookalikes: bool) -> Vec<u8> {
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

/// Run `f`; return its result and the peak bytes the current thread held
/// meanwhile beyond what it held before (freed results excluded).
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = HELD.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, PEAK.with(Cell::get).saturating_sub(base))
}
