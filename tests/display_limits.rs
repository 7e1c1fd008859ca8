//! The bounds on what a verdict carries for display (src/limits.rs
//! `MAX_DISPLAY_PARTS`, `MAX_DISPLAY_BYTES`; issue 9 §3), tripped through
//! `Verifier::verify`: at the bound the body is given, one past it the body is
//! refused as a whole (`limit-exceeded`, no parts), and the verdict itself is
//! unchanged. The messages reuse the signature of a fixture, so the signature
//! fails (digest mismatch) but the structure is a root signature, which is
//! all the body extraction needs.

mod common;

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::limits::{MAX_DISPLAY_BYTES, MAX_DISPLAY_PARTS};
use jmap_smime::report::Structure;
use jmap_smime::{Verdict, Verifier};

/// rsa2048-sha256-detached.eml with its part 1 replaced by `entity`.
fn with_part1(entity: &str) -> Vec<u8> {
    let raw = std::fs::read(common::fixtures_dir().join("messages/rsa2048-sha256-detached.eml")).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let b = "--sig-rsa2048-sha256-detached\r\n";
    let start = text.find(b).unwrap() + b.len();
    let end = start + text[start..].find("\r\n--sig-rsa2048-sha256-detached").unwrap();
    format!("{}{entity}{}", &text[..start], &text[end..]).into_bytes()
}

fn verify(raw: &[u8]) -> Verdict {
    let v = Verifier::default().verify(raw, parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), None);
    assert_eq!(v.structure, Structure::Signed);
    v
}

fn parts(n: usize) -> String {
    let mut s = String::from("Content-Type: multipart/mixed; boundary=p\r\n\r\n");
    for i in 0..n {
        s.push_str(&format!("--p\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"));
    }
    s.push_str("--p--\r\n");
    s
}

#[test]
fn display_parts() {
    let at = verify(&with_part1(&parts(MAX_DISPLAY_PARTS)));
    let body = at.body.unwrap();
    assert_eq!((body.parts.len(), body.error), (MAX_DISPLAY_PARTS, None));
    let past = verify(&with_part1(&parts(MAX_DISPLAY_PARTS + 1)));
    let body = past.body.unwrap();
    assert!(body.parts.is_empty());
    assert_eq!(body.error.unwrap().code, "limit-exceeded");
    // The verdict is the same as without the bound: only the body is refused.
    assert_eq!(past.status, at.status);
    assert_eq!(past.errors, at.errors);
    assert!(past.headers.is_some());
}

#[test]
fn display_bytes() {
    // Two parts whose text together is exactly the bound, then one byte more.
    let half = MAX_DISPLAY_BYTES / 2;
    let two = |extra: usize| {
        format!(
            "Content-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\nContent-Type: text/plain\r\n\r\n{}\r\n--p\r\nContent-Type: text/plain\r\n\r\n{}\r\n--p--\r\n",
            "a".repeat(half),
            "b".repeat(MAX_DISPLAY_BYTES - half + extra)
        )
    };
    let at = verify(&with_part1(&two(0))).body.unwrap();
    assert_eq!(at.error, None);
    assert_eq!(at.parts.iter().map(|p| p.text.len()).sum::<usize>(), MAX_DISPLAY_BYTES);
    let past = verify(&with_part1(&two(1))).body.unwrap();
    assert!(past.parts.is_empty());
    assert_eq!(past.error.unwrap().code, "limit-exceeded");
    // The bound is on the decoded text: base64 of exactly the bound passes.
    let b64 = jmap_smime::mime::decode::base64_encode(&vec![b'c'; MAX_DISPLAY_BYTES]);
    let lines: Vec<&str> = b64.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let entity = format!("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n{}", lines.join("\r\n"));
    let body = verify(&with_part1(&entity)).body.unwrap();
    assert_eq!((body.parts.len(), body.error), (1, None));
    assert_eq!(body.parts[0].text.len(), MAX_DISPLAY_BYTES);
}
