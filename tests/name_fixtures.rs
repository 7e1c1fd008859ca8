//! Name normalisation shared by identity matching and name constraints
//! (issue 9 §2): the generated certificates and messages of
//! tests/fixtures/names/ (tests/fixtures/gen/names.sh) against
//! tests/fixtures/names-expectations.tsv. Each message is signed by an end
//! entity with one odd name (a trailing dot, an invalid A-label, two `@`, a
//! malformed or broken SAN, a fullwidth U-label) under a CA that excludes
//! bank.example, one that permits only example.com, or one without
//! constraints; verified against the names root at a fixed time. The
//! `openssl` column is OpenSSL's own verdict on the chain (checked too, so
//! the rows where we are stricter stay visible).

use std::process::Command;

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Verifier, VerifyOptions};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

struct Row {
    file: String,
    status: String,
    errors: String,
    from_matches: String,
    openssl: String,
    note: String,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(format!("{DIR}/names-expectations.tsv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("file\tstatus\terrors\tfromMatches\topenssl\tnote"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Row {
                file: c[0].into(),
                status: c[1].into(),
                errors: c[2].into(),
                from_matches: c[3].into(),
                openssl: c[4].into(),
                note: c.get(5).unwrap_or(&"").to_string(),
            }
        })
        .collect()
}

#[test]
fn name_fixtures_table() {
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(format!("{DIR}/names/pki/root.cert.pem")).unwrap()).unwrap();
    let verifier =
        Verifier { trust, options: VerifyOptions { revocation: RevocationMode::Off, ..Default::default() }, ..Default::default() };
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let rows = rows();
    let mut failures = Vec::new();
    for r in &rows {
        let raw = std::fs::read(format!("{DIR}/names/messages/{}", r.file)).unwrap();
        let v = verifier.verify(&raw, now, None);
        let mut codes: Vec<&str> = v.errors.iter().filter(|e| !e.warning).map(|e| e.code.as_str()).collect();
        codes.sort();
        let errors = if codes.is_empty() { "-".to_owned() } else { codes.join(",") };
        let got = (v.status.clone().unwrap_or_default(), errors, v.from_matches.to_string());
        let want = (r.status.clone(), r.errors.clone(), r.from_matches.clone());
        if got != want {
            let detail: Vec<String> = v.errors.iter().map(|e| e.message.clone()).collect();
            failures.push(format!("{}: got {got:?}, want {want:?} ({}) {detail:?}", r.file, r.note));
        }
    }
    println!("name fixtures: {} of {} rows as expected", rows.len() - failures.len(), rows.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn openssl_column() {
    let mut failures = Vec::new();
    for r in rows() {
        let ok = Command::new("openssl")
            .args(["cms", "-verify", "-purpose", "smimesign", "-no-CApath", "-no-CAstore", "-attime", "1767225600", "-out", "/dev/null"])
            .arg("-CAfile")
            .arg(format!("{DIR}/names/pki/root.cert.pem"))
            .arg("-in")
            .arg(format!("{DIR}/names/messages/{}", r.file))
            .output()
            .expect("openssl must be installed (scripts/setup.sh installs it)")
            .status
            .success();
        let got = if ok { "valid" } else { "invalid" };
        if got != r.openssl {
            failures.push(format!("{}: openssl says {got}, table says {}", r.file, r.openssl));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
