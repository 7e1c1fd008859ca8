//! Issue 12 §1: certificates the caller supplies (CLI `--intermediate`,
//! `VerifyOptions::intermediates`, the wasm Verifier's `intermediates`)
//! identify a signer whose certificate the message omits (RFC 5652 §5.1),
//! as OpenSSL's `-certfile` does, and never become anchors. The rows are
//! tests/fixtures/outside-expectations.tsv; the messages come from
//! tests/fixtures/gen/outside.sh, which also checks OpenSSL's verdicts.

mod common;

use common::fixtures_dir;
use jmap_smime::pki::trust::{certificates_from_pem_or_der, TrustStore};
use jmap_smime::verifier::{Verifier, VerifyOptions};

const AT: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn certs(names: &str) -> Vec<jmap_smime::pki::cert::Certificate> {
    let names = names.split(',').filter(|n| *n != "-");
    names
        .flat_map(|n| {
            let pem = std::fs::read(fixtures_dir().join("pki").join(format!("{n}.cert.pem"))).unwrap();
            certificates_from_pem_or_der(&pem).unwrap()
        })
        .collect()
}

fn verifier(known: &str, trust: &str) -> Verifier {
    let mut store = TrustStore::empty();
    if trust == "root" {
        store.add_pem_or_der(&std::fs::read(fixtures_dir().join("pki/root.cert.pem")).unwrap()).unwrap();
    }
    Verifier { trust: store, options: VerifyOptions { intermediates: certs(known), ..Default::default() }, ..Default::default() }
}

#[test]
fn supplied_certificates_find_the_signer_and_are_never_anchors() {
    let rows = common::tsv_rows("outside-expectations.tsv");
    assert!(rows.len() >= 9, "{} rows", rows.len());
    let mut wrong = Vec::new();
    for r in &rows {
        let [file, known, trust, status, errors] = [&r[0], &r[1], &r[2], &r[3], &r[4]].map(String::as_str);
        let raw = std::fs::read(fixtures_dir().join(file)).unwrap();
        let v = verifier(known, trust).verify(&raw, AT, None);
        let mut codes: Vec<&str> = v.errors.iter().filter(|p| !p.warning).map(|p| p.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        let got = (v.status.as_deref().unwrap_or("null").to_owned(), if codes.is_empty() { "-".to_owned() } else { codes.join(",") });
        if got != (status.to_owned(), errors.to_owned()) {
            wrong.push(format!("{file} known={known} trust={trust}: got {got:?}, want ({status}, {errors})"));
        }
        if status == "signed/verified" {
            // The report names the supplied certificate that signed.
            let cert = v.signers[0].signature.certificate.as_ref().unwrap();
            assert!(cert.emails.iter().any(|e| e == "alice@example.com"), "{file}: {cert:?}");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
