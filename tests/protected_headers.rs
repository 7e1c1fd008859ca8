//! Issue 12 §5: RFC 9788 header protection. Rows:
//! tests/fixtures/protected-expectations.tsv; messages from
//! tests/fixtures/gen/protected.sh (openssl-signed, RFC 9788 §4 structure).

mod common;

use common::{fixtures_dir, tsv_rows};
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::reconcile::{reconcile, ReconcileConfig};
use jmap_smime::verifier::{Verifier, VerifyOptions};

const AT: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn dash(v: Vec<String>) -> String {
    if v.is_empty() {
        "-".to_owned()
    } else {
        v.join(",")
    }
}

#[test]
fn protected_headers_are_read_bound_and_compared() {
    let v = Verifier { options: VerifyOptions { revocation: RevocationMode::Off, ..Default::default() }, ..common::root_verifier() };
    let rows = tsv_rows("protected-expectations.tsv");
    assert!(rows.len() >= 7);
    let mut wrong = Vec::new();
    for r in &rows {
        let verdict = v.verify(&std::fs::read(fixtures_dir().join("protected").join(&r[0])).unwrap(), AT, None);
        let d = reconcile(Some(&verdict), None, AT, &ReconcileConfig::default());
        let p = verdict.protected_headers.as_ref();
        let h = verdict.headers.as_ref().unwrap();
        let level = serde_json::to_value(d.level).unwrap().as_str().unwrap().to_owned();
        let got = [
            verdict.status.clone().unwrap_or_default(),
            dash(verdict.errors.iter().filter(|e| !e.warning).map(|e| e.code.clone()).collect()),
            p.map_or("-".to_owned(), |p| p.form.clone()),
            dash(p.map(|p| p.differs.iter().map(|x| x.name.clone()).collect()).unwrap_or_default()),
            h.from.as_ref().map(|f| f.raw.clone()).unwrap_or_default(),
            h.subject.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
            d.label_note.code.clone(),
            level,
        ];
        if got[..] != r[1..9] {
            wrong.push(format!("{}: got {got:?}, want {:?}", r[0], &r[1..9]));
        }
        // Each difference is a reason with both values.
        for x in p.map(|p| p.differs.as_slice()).unwrap_or_default() {
            let outer = x.outer.clone().unwrap_or_default();
            assert!(d.reasons.iter().any(|t| t.contains(&x.name) && t.contains(&outer)), "{}: {:?}", r[0], d.reasons);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
