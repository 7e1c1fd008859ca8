//! Issue 12 §2: a memory of signers over sequences of messages
//! (tests/fixtures/memory-expectations.tsv; messages from
//! tests/fixtures/gen/memory.sh): key continuity, lending certificates to
//! messages that omit them, learning from verified verdicts only, and the
//! export/import round trip.

mod common;

use common::{fixtures_dir, tsv_rows};
use jmap_smime::memory::{CertificateMemory, SharedMemory};
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::reconcile::{reconcile, ReconcileConfig};
use jmap_smime::verifier::{Verdict, Verifier, VerifyOptions};

const AT: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn verifier(memory: SharedMemory) -> Verifier {
    let options = VerifyOptions { revocation: RevocationMode::Off, ..Default::default() };
    Verifier { options, memory: Some(memory), ..common::root_verifier() }
}

fn codes(v: &Verdict, warning: bool) -> String {
    let c: Vec<&str> = v.errors.iter().filter(|p| p.warning == warning && p.code != "signing-time-skew").map(|p| p.code.as_str()).collect();
    if c.is_empty() {
        "-".to_owned()
    } else {
        c.join(",")
    }
}

fn change(v: &Verdict) -> String {
    v.signer_change.as_ref().map_or("-".to_owned(), |c| format!("{},{}", c.kind, if c.same_key { "same-key" } else { "other-key" }))
}

#[test]
fn sequences_of_messages_give_the_table() {
    let rows = tsv_rows("memory-expectations.tsv");
    assert!(rows.len() >= 16, "{} rows", rows.len());
    let mut wrong = Vec::new();
    let mut current: Option<(String, SharedMemory, Verifier)> = None;
    for r in &rows {
        if current.as_ref().is_none_or(|(s, _, _)| *s != r[0]) {
            let m = SharedMemory::default();
            current = Some((r[0].clone(), m.clone(), verifier(m)));
        }
        let Some((_, memory, v)) = &current else { unreachable!() };
        let verdict = v.verify(&std::fs::read(fixtures_dir().join(&r[1])).unwrap(), AT, None);
        let d = reconcile(Some(&verdict), None, AT, &ReconcileConfig::default());
        let got = [
            verdict.status.clone().unwrap_or_default(),
            codes(&verdict, false),
            codes(&verdict, true),
            change(&verdict),
            d.label_note.code.clone(),
            memory.with(|m| m.len()).to_string(),
        ];
        if got[..] != r[2..8] {
            wrong.push(format!("{} {}: got {got:?}, want {:?}", r[0], r[1], &r[2..8]));
        }
        if let Some(c) = &verdict.signer_change {
            // Both fingerprints and the old validity, in the warning too.
            let w = verdict.errors.iter().find(|p| p.code.starts_with("signer-")).unwrap();
            assert!(w.message.contains(&c.fingerprint) && w.message.contains(&c.previous_fingerprint), "{}", w.message);
            assert!(w.message.contains(&c.previous_not_after), "{}", w.message);
            assert_eq!(c.address, "alice@example.com");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_memory_survives_export_and_import() {
    let m = SharedMemory::default();
    let v = verifier(m.clone());
    assert_eq!(
        v.verify(&std::fs::read(fixtures_dir().join("messages/rsa2048-sha256-detached.eml")).unwrap(), AT, None).status.as_deref(),
        Some("signed/verified")
    );
    let bytes = m.with(|m| m.to_bytes());
    let restored = CertificateMemory::from_bytes(&bytes).unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!(restored.to_bytes(), bytes, "the round trip is exact");
    let lent = verifier(SharedMemory::new(restored));
    let missing = lent.verify(&std::fs::read(fixtures_dir().join("messages/signer-cert-missing-detached.eml")).unwrap(), AT, None);
    assert_eq!(missing.status.as_deref(), Some("signed/verified"), "{:?}", missing.errors);
    // What is not a memory is refused with a code, not a panic.
    for bad in [&b"{}"[..], b"not json", br#"{"format":"jmap-smime-certificate-memory","version":2,"entries":[]}"#] {
        assert_eq!(CertificateMemory::from_bytes(bad).unwrap_err().code.code(), "malformed");
    }
    let forged = String::from_utf8(bytes).unwrap().replace("MII", "MIX");
    assert!(CertificateMemory::from_bytes(forged.as_bytes()).is_err(), "a certificate that does not parse");
}
