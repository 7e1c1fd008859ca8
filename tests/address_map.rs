//! Issue 12 §6: a configured address mapping lets a certificate address
//! sign for another From or Sender address, only when configured and always
//! visible (`address-mapped` warning, `Verdict::address_mapped`, the display
//! label). Rows: tests/fixtures/address-map-expectations.tsv.

mod common;

use common::fixtures_dir;
use jmap_smime::address_map::AddressMapping;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::reconcile::{reconcile, ReconcileConfig};
use jmap_smime::verifier::{Verifier, VerifyOptions};

const AT: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

/// The fixture with its From replaced and a Sender added (headers are not signed).
fn message(from: &str, sender: &str) -> Vec<u8> {
    let raw = String::from_utf8(std::fs::read(fixtures_dir().join("messages/rsa2048-sha256-detached.eml")).unwrap()).unwrap();
    let mut out = raw.replacen("From: Alice Example <alice@example.com>\r\n", &format!("From: {from}\r\n"), 1);
    if sender != "-" {
        out = format!("Sender: {sender}\r\n{out}");
    }
    out.into_bytes()
}

fn verifier(map: &str) -> Verifier {
    let address_map = map.split(';').filter(|m| *m != "-").map(|m| AddressMapping::parse(m).unwrap()).collect();
    Verifier { options: VerifyOptions { revocation: RevocationMode::Off, address_map, ..Default::default() }, ..common::root_verifier() }
}

/// The codes of failures or warnings; the fixture's own `signing-time-skew`
/// (its Date is older than the signing time openssl wrote) is left out.
fn codes(v: &jmap_smime::verifier::Verdict, warning: bool) -> String {
    let c: Vec<&str> = v.errors.iter().filter(|p| p.warning == warning && p.code != "signing-time-skew").map(|p| p.code.as_str()).collect();
    if c.is_empty() {
        "-".to_owned()
    } else {
        c.join(",")
    }
}

#[test]
fn mappings_apply_only_when_configured_and_always_show() {
    let rows = common::tsv_rows("address-map-expectations.tsv");
    assert!(rows.len() >= 9, "{} rows", rows.len());
    let mut wrong = Vec::new();
    for r in &rows {
        let v = verifier(&r[2]).verify(&message(&r[0], &r[1]), AT, None);
        let mapped: Vec<String> = v.address_mapped.iter().map(|m| format!("{}>{}", m.certificate, m.address)).collect();
        let mapped = if mapped.is_empty() { "-".to_owned() } else { mapped.join(";") };
        let got = [v.status.clone().unwrap_or_default(), codes(&v, false), codes(&v, true), mapped];
        if got[..] != r[3..7] {
            wrong.push(format!("{} | {} | {}: got {got:?}, want {:?}", r[0], r[1], r[2], &r[3..7]));
        }
        // Never silent: a verdict that used a mapping says so in its display.
        let d = reconcile(Some(&v), None, AT, &ReconcileConfig::default());
        if !v.address_mapped.is_empty() {
            assert_eq!(d.label_note.code, "verified-mapped", "{r:?}");
            assert!(d.reasons.iter().any(|x| x.contains("by the configured address mapping")), "{:?}", d.reasons);
        } else {
            assert_ne!(d.label_note.code, "verified-mapped", "{r:?}");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_mapping_is_part_of_the_configuration() {
    // Two verifiers that differ only in their mappings must not share cached verdicts.
    assert_ne!(verifier("-").config_fingerprint(), verifier("alice@example.com=team@example.com").config_fingerprint());
}
