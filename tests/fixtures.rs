//! Every generated fixture gives the verdict written in
//! tests/fixtures/expectations.tsv, under the default and the legacy policy.

mod common;

use common::*;
use jmap_smime::{verify_signatures, Policy};

#[test]
fn fixtures_match_expectations() {
    let rows = expectations();
    assert!(rows.len() >= 40, "only {} fixtures", rows.len());
    let strict = Policy::default();
    let legacy = Policy { allow_legacy: true };
    let mut failures = Vec::new();
    for row in &rows {
        let raw = std::fs::read(fixtures_dir().join("messages").join(&row.file)).unwrap_or_else(|e| panic!("{}: {e}", row.file));
        let d = verify_signatures(&raw, &strict);
        let l = verify_signatures(&raw, &legacy);
        let got = [structure(&d), part(&d), canon(&d), signers(&d), signers(&l), errors(&d)];
        let want = [&row.structure, &row.part, &row.canon, &row.default, &row.legacy, &row.errors];
        if got.iter().zip(want.iter()).any(|(g, w)| g != *w) {
            failures.push(format!("{}\n   want {:?}\n   got  {:?}", row.file, want, got));
        }
        // crypto_valid is exactly "root signature, every signer valid, no message-level error".
        assert_eq!(
            d.crypto_valid,
            row.structure == "signed" && row.errors == "-" && row.default.split(',').all(|s| s == "valid"),
            "{}",
            row.file
        );
    }
    // Every message in the folder has a row.
    let files: Vec<String> =
        std::fs::read_dir(fixtures_dir().join("messages")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    for f in files.iter().filter(|f| f.ends_with(".eml")) {
        assert!(rows.iter().any(|r| &r.file == f), "{f} has no row in expectations.tsv");
    }
    assert!(failures.is_empty(), "{} of {} fixtures differ:\n{}", failures.len(), rows.len(), failures.join("\n"));
    println!("fixtures: {} rows checked", rows.len());
}
