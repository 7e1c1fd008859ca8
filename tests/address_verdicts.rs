//! The verifier-level consequence of tests/fixtures/address-cases.tsv: each
//! row's value is put into a message that bob really signed
//! (tests/fixtures/messages/rsa4096-sha256-detached.eml; multipart/signed
//! covers none of the outer header fields, so an attacker may rewrite them)
//! and the whole message is verified against the test root:
//! - From rows: the From field is replaced. A value the table refuses is
//!   `signed/failed` with `address-unparseable`; one it reads as the single
//!   mailbox bob@example.com is `signed/verified`; any other reading is
//!   `signed/failed` with `address-mismatch`.
//! - Sender rows: a Sender field is added beside bob's From. Refused:
//!   `signed/failed` with `address-unparseable`; otherwise verified, with
//!   senderMatches true exactly when it reads bob.
//! - To rows: the To field is replaced; the verdict never depends on it.
//!
//! The expectations come from the table, not from the parser, so this test
//! judges the verifier alone (and runs against any version of it).

#[path = "common/address_cases.rs"]
mod address_cases;

use address_cases::{cases, Case, Expect};
use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Verifier, VerifyOptions};

const SIGNED: &str = "tests/fixtures/messages/rsa4096-sha256-detached.eml";

fn fixture(p: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Replace (or, for Sender, add after From) one header line of bob's message.
fn rewrite(raw: &[u8], c: &Case) -> Vec<u8> {
    let header_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let (head, body) = raw.split_at(header_end);
    let mut out = Vec::new();
    let mut line = format!("{}:", c.field).into_bytes();
    if !c.value.is_empty() {
        line.push(b' ');
    }
    line.extend_from_slice(&c.value);
    for l in head.split(|b| *b == b'\n') {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        if !out.is_empty() {
            out.extend_from_slice(b"\r\n");
        }
        let name = |n: &str| l.len() > n.len() && l[..n.len()].eq_ignore_ascii_case(n.as_bytes()) && l[n.len()] == b':';
        match c.field.as_str() {
            "Sender" if name("From") => {
                out.extend_from_slice(l);
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(&line);
            }
            f if f != "Sender" && name(f) => out.extend_from_slice(&line),
            _ => out.extend_from_slice(l),
        }
    }
    out.extend_from_slice(body);
    out
}

fn is_bob(want: &[(Option<String>, String, String)]) -> bool {
    matches!(want, [(_, l, d)] if l.eq_ignore_ascii_case("bob") && d.eq_ignore_ascii_case("example.com"))
}

#[test]
fn author_fields_decide_the_verdict() {
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&fixture("tests/fixtures/pki/root.cert.pem")).unwrap();
    let verifier =
        Verifier { trust, options: VerifyOptions { revocation: RevocationMode::Off, ..Default::default() }, ..Default::default() };
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let signed = fixture(SIGNED);

    // The unmodified message verifies: every failure below is the field's.
    let base = verifier.verify(&signed, now, None);
    assert_eq!(base.status.as_deref(), Some("signed/verified"), "{:?}", base.errors);

    let mut failures = Vec::new();
    let mut counts = [0usize; 3];
    for c in cases() {
        let v = verifier.verify(&rewrite(&signed, &c), now, None);
        let codes: Vec<&str> = v.errors.iter().filter(|e| !e.warning).map(|e| e.code.as_str()).collect();
        let (status, code, from, sender) = match (c.field.as_str(), &c.expect) {
            ("From", Expect::Refuse(_)) => ("signed/failed", Some("address-unparseable"), false, None),
            ("From", Expect::Accept(w)) if is_bob(w) => ("signed/verified", None, true, None),
            ("From", Expect::Accept(_)) => ("signed/failed", Some("address-mismatch"), false, None),
            ("Sender", Expect::Refuse(_)) => ("signed/failed", Some("address-unparseable"), true, Some(false)),
            ("Sender", Expect::Accept(w)) => ("signed/verified", None, true, Some(is_bob(w))),
            _ => ("signed/verified", None, true, None),
        };
        counts[usize::from(status == "signed/failed") + usize::from(code == Some("address-unparseable"))] += 1;
        let mut bad = v.status.as_deref() != Some(status) || v.from_matches != from;
        bad |= code.is_some_and(|k| !codes.contains(&k)) || (code.is_none() && !codes.is_empty());
        bad |= c.field == "From" && code == Some("address-mismatch") && codes.contains(&"address-unparseable");
        bad |= c.field == "Sender" && v.sender_matches != sender;
        if bad {
            failures.push(format!(
                "{}: {:?} fromMatches {} senderMatches {:?} errors {codes:?}; want {status} {code:?} fromMatches {from} senderMatches {sender:?} ({})",
                c.id, v.status, v.from_matches, v.sender_matches, c.note
            ));
        }
    }
    println!(
        "address verdicts as expected by the table: {} verified, {} address-mismatch, {} address-unparseable",
        counts[0], counts[1], counts[2]
    );
    assert!(failures.is_empty(), "{} rows:\n{}", failures.len(), failures.join("\n"));
}
