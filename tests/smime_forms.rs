//! How MIME forms around a real signature are classified (R17, R18, and the
//! coverage rule): a table of hand-built wrappers around the detached
//! SignedData of a generated fixture.

use jmap_smime::mime::decode::base64_encode;
use jmap_smime::{verify_signatures, Policy};

mod common;

/// The signed part (raw, with headers) and the decoded detached SignedData of
/// the baseline fixture.
fn baseline() -> (Vec<u8>, Vec<u8>) {
    let raw = std::fs::read(common::fixtures_dir().join("messages/rsa2048-sha256-detached.eml")).unwrap();
    let root = jmap_smime::mime::parse(&raw).unwrap();
    let part1 = root.children[0].raw_entity(&raw).to_vec();
    let sig = root.children[1].decoded_body(&raw).unwrap().into_owned();
    (part1, sig)
}

fn wrap_b64(data: &[u8]) -> String {
    base64_encode(data).as_bytes().chunks(76).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect::<Vec<_>>().join("\r\n")
}

#[test]
fn forms_table() {
    let (part1, sig) = baseline();
    let part1 = String::from_utf8(part1).unwrap();
    let sig64 = wrap_b64(&sig);
    let signed = |proto: &str, sig_headers: &str| {
        format!(
            "From: alice@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; {proto}micalg=sha-256; boundary=\"XX\"\r\n\r\n--XX\r\n{part1}\r\n--XX\r\n{sig_headers}Content-Transfer-Encoding: base64\r\n\r\n{sig64}\r\n--XX--\r\n"
        )
    };
    // (name, message, structure, errors)
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("baseline rebuilt", signed("protocol=\"application/pkcs7-signature\"; ", "Content-Type: application/pkcs7-signature\r\n"), "signed", "-"),
        (
            "signature part as octet-stream .p7s",
            signed("protocol=\"application/pkcs7-signature\"; ", "Content-Type: application/octet-stream; name=\"smime.p7s\"\r\n"),
            "signed",
            "-",
        ),
        ("no protocol, pkcs7 second part", signed("", "Content-Type: application/pkcs7-signature\r\n"), "signed", "-"),
        ("second part of another type", signed("protocol=\"application/pkcs7-signature\"; ", "Content-Type: text/plain\r\n"), "malformed", "malformed"),
        (
            "stray .p7s at the root",
            format!("Content-Type: application/octet-stream; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n{sig64}\r\n"),
            "signed",
            "econtent-confusion",
        ),
        (
            "stray .p7s attached to an unsigned message",
            format!("Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n\r\nhello\r\n--m\r\nContent-Type: application/octet-stream; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n{sig64}\r\n--m--\r\n"),
            "unsigned",
            "-",
        ),
        (
            "signed message nested in multipart/mixed",
            format!("Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n\r\nread me first\r\n--m\r\n{}\r\n--m--\r\n", signed("protocol=\"application/pkcs7-signature\"; ", "Content-Type: application/pkcs7-signature\r\n").replace("MIME-Version: 1.0\r\n", "")),
            "partial",
            "partial-signature",
        ),
        ("compressed-data", "Content-Type: application/pkcs7-mime; smime-type=compressed-data\r\n\r\nxx\r\n".into(), "unknown", "unsupported-algorithm"),
        ("authEnveloped", "Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data\r\n\r\nxx\r\n".into(), "encrypted", "encrypted"),
        ("pkcs7-mime with garbage", "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n".into(), "malformed", "malformed"),
    ];
    let mut failures = Vec::new();
    for (name, msg, structure, errors) in &cases {
        let r = verify_signatures(msg.as_bytes(), &Policy::default());
        let got = (common::structure(&r), common::errors(&r));
        if got != (structure.to_string(), errors.to_string()) {
            failures.push(format!("{name}: want {structure}/{errors}, got {}/{}", got.0, got.1));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
