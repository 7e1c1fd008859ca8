//! Shared helpers for the table-driven tests: the expectations table and a
//! one-line summary of a report in the table's vocabulary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use jmap_smime::report::{Canonicalization, SignatureReport};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The JMAP tests' clock: 2026-01-01T00:00:00Z.
pub fn jmap_now() -> i64 {
    jmap_smime::asn1::time::parse_rfc3339("2026-01-01T00:00:00Z").unwrap()
}

/// The rows of a tab-separated table in tests/fixtures: `#` comment lines
/// and the header line left out.
pub fn tsv_rows(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(fixtures_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    text.lines().filter(|l| !l.starts_with('#')).skip(1).map(|l| l.split('\t').map(str::to_owned).collect()).collect()
}

/// A verifier trusting the test root only, with the strict defaults.
pub fn root_verifier() -> jmap_smime::Verifier {
    let mut trust = jmap_smime::pki::trust::TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(fixtures_dir().join("pki/root.cert.pem")).unwrap()).unwrap();
    jmap_smime::Verifier { trust, ..jmap_smime::Verifier::default() }
}

/// One row of tests/fixtures/expectations.tsv.
#[derive(Debug, Clone)]
pub struct Row {
    pub file: String,
    pub structure: String,
    pub part: String,
    pub canon: String,
    pub default: String,
    pub legacy: String,
    pub errors: String,
    pub openssl: String,
    pub note: String,
}

pub fn expectations() -> Vec<Row> {
    let text = std::fs::read_to_string(fixtures_dir().join("expectations.tsv")).expect("expectations.tsv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert_eq!(header, "file\tstructure\tpart\tcanon\tdefault\tlegacy\terrors\topenssl\tnote", "expectations.tsv columns changed");
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert!(c.len() >= 8, "short row: {l}");
            Row {
                file: c[0].into(),
                structure: c[1].into(),
                part: c[2].into(),
                canon: c[3].into(),
                default: c[4].into(),
                legacy: c[5].into(),
                errors: c[6].into(),
                openssl: c[7].into(),
                note: c.get(8).unwrap_or(&"").to_string(),
            }
        })
        .collect()
}

pub fn structure(r: &SignatureReport) -> String {
    serde_json::to_value(r.structure).unwrap().as_str().unwrap().to_owned()
}

pub fn part(r: &SignatureReport) -> String {
    match &r.coverage {
        None => "-".into(),
        Some(c) if c.part.is_empty() => "root".into(),
        Some(c) => c.part.clone(),
    }
}

pub fn canon(r: &SignatureReport) -> String {
    match r.coverage.as_ref().and_then(|c| c.canonicalization) {
        Some(Canonicalization::Exact) => "exact".into(),
        Some(Canonicalization::Crlf) => "crlf".into(),
        None => "-".into(),
    }
}

pub fn signers(r: &SignatureReport) -> String {
    if r.signers.is_empty() {
        return "-".into();
    }
    r.signers
        .iter()
        .map(|s| if s.valid { "valid".to_owned() } else { s.error.as_ref().unwrap().code.clone() })
        .collect::<Vec<_>>()
        .join(",")
}

pub fn errors(r: &SignatureReport) -> String {
    let mut codes: Vec<&str> = r.errors.iter().map(|e| e.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    if codes.is_empty() {
        "-".into()
    } else {
        codes.join(",")
    }
}

/// DER TLV with a definite length (short or long form), for hand-built inputs.
pub fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let n = content.len();
    if n < 0x80 {
        v.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        v.push(0x80 | (bytes.len() - skip) as u8);
        v.extend_from_slice(&bytes[skip..]);
    }
    v.extend_from_slice(content);
    v
}
#[cfg(feature = "server")]
pub mod loopback;
pub mod replay;
pub mod tables;
