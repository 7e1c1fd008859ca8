//! What the verdict says a UI may show (issue 9 §3): `Verdict.headers` (From,
//! Sender, Date, Subject read from the checked bytes, each with how far the
//! signature covers it) and `Verdict.body` (the signed entity's text/plain and
//! text/html parts). One generated message per row of
//! tests/data/signed-view.tsv: the row's entity is signed with `openssl cms`
//! as the fixture signer alice, detached or opaque, under the row's outer
//! header fields, then verified; every expected column must match.

mod common;

use common::root_verifier as verifier;

use std::path::PathBuf;
use std::process::Command;

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::report::{AddressHeader, HeaderCoverage, SignedBody};
use jmap_smime::Verdict;
use serde_json::Value;

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push_str("\r\n"),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            other => panic!("bad escape \\{other:?} in {s}"),
        }
    }
    out
}

/// Sign `entity` with openssl as alice: DER SignedData, detached or not.
fn sign(entity: &[u8], opaque: bool, tag: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("jmap-smime-signed-view-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join(format!("{tag}.in"));
    let output = dir.join(format!("{tag}.der"));
    std::fs::write(&input, entity).unwrap();
    let pki = common::fixtures_dir().join("pki");
    let p = |f: &str| -> PathBuf { pki.join(f) };
    let mut cmd = Command::new("openssl");
    cmd.args(["cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER", "-in"]).arg(&input);
    cmd.arg("-signer").arg(p("alice.cert.pem")).arg("-inkey").arg(p("alice.key.pem")).arg("-certfile").arg(p("ca-chain.pem"));
    cmd.arg("-out").arg(&output);
    if opaque {
        cmd.arg("-nodetach");
    }
    let st = cmd.output().expect("openssl");
    assert!(st.status.success(), "openssl: {}", String::from_utf8_lossy(&st.stderr));
    let der = std::fs::read(&output).unwrap();
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    der
}

fn base64_lines(der: &[u8]) -> String {
    let b64 = jmap_smime::mime::decode::base64_encode(der);
    b64.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\r\n")
}

/// The whole message for a row.
fn message(form: &str, outer: &str, entity: &str, tag: &str) -> Vec<u8> {
    let mut m = format!("{outer}\r\nTo: Trent <trent@example.net>\r\nMIME-Version: 1.0\r\n");
    match form {
        "detached" => {
            let sig = base64_lines(&sign(entity.as_bytes(), false, tag));
            m.push_str(
                "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"sv-b\"\r\n\r\n",
            );
            m.push_str(&format!("--sv-b\r\n{entity}\r\n--sv-b\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"));
            m.push_str(&format!("Content-Transfer-Encoding: base64\r\n\r\n{sig}\r\n--sv-b--\r\n"));
        }
        "opaque" => {
            let sig = base64_lines(&sign(entity.as_bytes(), true, tag));
            m.push_str("Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\n");
            m.push_str(&format!("Content-Transfer-Encoding: base64\r\n\r\n{sig}\r\n"));
        }
        other => panic!("unknown form {other}"),
    }
    m.into_bytes()
}

fn coverage(c: HeaderCoverage) -> &'static str {
    match c {
        HeaderCoverage::Signed => "signed",
        HeaderCoverage::AddressChecked => "address-checked",
        HeaderCoverage::NotCovered => "not-covered",
    }
}

fn shown(h: &AddressHeader) -> String {
    match &h.mailboxes {
        None => "!".to_owned(),
        Some(list) => list
            .iter()
            .map(|m| match &m.name {
                Some(n) => format!("{n} <{}>", m.email),
                None => format!("<{}>", m.email),
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn body_summary(b: Option<&SignedBody>) -> String {
    let Some(b) = b else { return "null".to_owned() };
    if let Some(e) = &b.error {
        assert!(b.parts.is_empty(), "a refused body has no parts");
        return format!("error:{}", e.code);
    }
    let parts: Vec<Value> = b
        .parts
        .iter()
        .map(|p| serde_json::json!([p.part, p.content_type, p.charset, p.alternative, p.text.replace("\r\n", "\n")]))
        .collect();
    Value::Array(parts).to_string()
}

/// The row's columns from the verdict, in table order (status onwards).
fn observed(v: &Verdict) -> Vec<String> {
    let h = v.headers.as_ref().expect("a root signature: the verdict reads the headers");
    let opt = |s: Option<String>| s.unwrap_or_else(|| "-".to_owned());
    let from = h.from.as_ref();
    vec![
        opt(v.status.clone()),
        opt(from.map(|f| coverage(f.coverage).to_owned())),
        opt(from.map(shown)),
        opt(h.sender.as_ref().map(|s| coverage(s.coverage).to_owned())),
        opt(h.subject.as_ref().map(|s| coverage(s.coverage).to_owned())),
        opt(h.subject.as_ref().map(|s| s.value.clone())),
        opt(h.subject.as_ref().and_then(|s| s.inner.clone())),
        opt(h.date.as_ref().map(|d| coverage(d.coverage).to_owned())),
        opt(h.date.as_ref().and_then(|d| d.time.clone())),
        body_summary(v.body.as_ref()),
    ]
}

fn normalise_body(expected: &str) -> String {
    if expected.starts_with("error:") {
        return expected.to_owned();
    }
    serde_json::from_str::<Value>(expected).unwrap().to_string()
}

#[test]
fn every_row_of_the_signed_view_table() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/signed-view.tsv")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let v = verifier();
    let mut wrong = Vec::new();
    let mut n = 0;
    for (i, line) in lines.enumerate() {
        let c: Vec<&str> = line.split('\t').collect();
        assert_eq!(c.len(), header.len(), "{line}");
        let raw = message(c[1], &unescape(c[2]), &unescape(c[3]), &format!("row{i}"));
        let verdict = v.verify(&raw, now, None);
        let got = observed(&verdict);
        let mut want: Vec<String> = c[4..].iter().map(|s| (*s).to_owned()).collect();
        if let Some(b) = want.last_mut() {
            *b = normalise_body(b);
        }
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            if g != w {
                wrong.push(format!("{}: {} = {g}, want {w}", c[0], header[4 + k]));
            }
        }
        n += 1;
    }
    assert!(n >= 20, "{n} rows");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Messages without a signature at the root carry neither: nothing is vouched
/// for, and a UI shows the server's fields as unchecked.
#[test]
fn no_root_signature_no_view() {
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    for f in ["messages/plain-unsigned.eml", "messages/partial-mixed-prepended-text.eml", "messages/encrypted-enveloped-data.eml"] {
        let raw = std::fs::read(common::fixtures_dir().join(f)).unwrap();
        let v = verifier().verify(&raw, now, None);
        assert!(v.headers.is_none() && v.body.is_none(), "{f}");
    }
    assert!(Verdict::unsigned().headers.is_none());
}
