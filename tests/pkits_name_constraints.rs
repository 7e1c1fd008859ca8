//! NIST PKITS §4.13 (name constraints): every message's signer path is built
//! from the certificates in its SignedData up to the PKITS trust anchor, and
//! `check_path` must reach the verdict of ../shared/conformance/pkits-expected.tsv.

use std::path::PathBuf;

use jmap_smime::cms::signed_data::SignerIdentifier;
use jmap_smime::cms::{parse_content_info, parse_signed_data};
use jmap_smime::mime::smime::{classify, Smime};
use jmap_smime::pki::cert::Certificate;
use jmap_smime::pki::name_constraints::check_path;
use jmap_smime::Code;

fn pkits_dir() -> PathBuf {
    std::env::var_os("PKITS_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/pkits"))
}

/// The SignedData certificates and the signer's identifier of one message.
fn message_certs(raw: &[u8]) -> (Vec<Certificate>, SignerIdentifier) {
    let entity = jmap_smime::mime::parse(raw).expect("MIME");
    let cms = match classify(&entity, raw) {
        Smime::Detached { signature, .. } => signature,
        Smime::Opaque { cms, .. } => cms,
        other => panic!("not a signed message: {other:?}"),
    };
    let ci = parse_content_info(&cms).expect("ContentInfo");
    let sd = parse_signed_data(&ci.content.expect("content")).expect("SignedData");
    let sid = sd.signer_infos.first().expect("a SignerInfo").as_ref().expect("SignerInfo parses").sid.clone();
    (sd.certificates, sid)
}

/// Signer certificate first, then issuers by name, until the trust anchor's
/// name; returned anchor-side first (path[0] issued by the anchor).
fn build_path<'c>(certs: &'c [Certificate], sid: &SignerIdentifier, anchor: &Certificate) -> Vec<&'c Certificate> {
    let signer = certs
        .iter()
        .find(|c| match sid {
            SignerIdentifier::IssuerSerial { issuer, serial } => c.issuer.matches(issuer) && &c.serial == serial,
            SignerIdentifier::KeyId(k) => c.subject_key_id().as_ref() == Some(k),
        })
        .expect("signer certificate in the message");
    let mut path = vec![signer];
    let mut cur = signer;
    while !cur.issuer.matches(&anchor.subject) {
        assert!(path.len() <= 10, "no path to the trust anchor");
        // Prefer a different certificate (self-issued CAs name themselves).
        let issuer = certs
            .iter()
            .find(|c| c.subject.matches(&cur.issuer) && !std::ptr::eq(*c, cur) && !path.iter().any(|p| std::ptr::eq(*p, *c)))
            .expect("issuer certificate in the message");
        path.push(issuer);
        cur = issuer;
    }
    path.reverse();
    path
}

#[test]
fn pkits_4_13_name_constraints() {
    let dir = pkits_dir();
    let smime = dir.join("smime");
    assert!(smime.is_dir(), "{} is missing: run `bash scripts/fetch-pkits.sh` (scripts/setup.sh does)", smime.display());
    let anchor = Certificate::from_der(&std::fs::read(dir.join("certs/TrustAnchorRootCertificate.crt")).expect("trust anchor"))
        .expect("anchor parses");
    let expected = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance/pkits-expected.tsv"))
        .expect("../shared/conformance/pkits-expected.tsv");
    let cases: Vec<(&str, bool)> = expected
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            match cols.as_slice() {
                [file, verdict, _, section, ..] if section.starts_with("4.13.") => Some((*file, *verdict == "valid")),
                _ => None,
            }
        })
        .collect();
    assert_eq!(cases.len(), 38, "PKITS §4.13 has 38 tests");
    let mut failures = Vec::new();
    for (file, valid) in &cases {
        let raw = std::fs::read(smime.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (certs, sid) = message_certs(&raw);
        let path = build_path(&certs, &sid, &anchor);
        let got = check_path(&path, None);
        match (valid, &got) {
            (true, Ok(())) => {}
            (false, Err(e)) if e.code == Code::NameConstraints => {}
            _ => failures.push(format!("{file}: expected {}, got {got:?}", if *valid { "valid" } else { "invalid" })),
        }
    }
    println!("PKITS 4.13: {} of {} as expected", cases.len() - failures.len(), cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
