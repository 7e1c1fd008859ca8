//! Differential check against OpenSSL: for every fixture OpenSSL can judge,
//! `openssl cms -verify -noverify` and our cryptographic verdict (legacy
//! policy, since OpenSSL accepts SHA-1 and small keys) agree. Where we are
//! deliberately stricter, the row's note starts with `stricter:` and names the
//! rule; the table's `openssl` column records what OpenSSL really says, and
//! this test checks that too, so the table cannot drift.

mod common;

use std::process::Command;

use common::*;
use jmap_smime::{verify_signatures, Policy};

fn openssl_verdict(path: &std::path::Path) -> &'static str {
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-noverify", "-out", "/dev/null", "-in"])
        .arg(path)
        .output()
        .expect("openssl must be installed (scripts/setup.sh installs it)");
    if out.status.success() {
        "valid"
    } else {
        "invalid"
    }
}

#[test]
fn agrees_with_openssl() {
    let legacy = Policy { allow_legacy: true };
    let (mut compared, mut stricter, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    for row in expectations() {
        if row.openssl == "skip" {
            skipped += 1;
            continue;
        }
        let path = fixtures_dir().join("messages").join(&row.file);
        let theirs = openssl_verdict(&path);
        if theirs != row.openssl {
            failures.push(format!("{}: openssl says {theirs}, table says {}", row.file, row.openssl));
            continue;
        }
        let ours = if verify_signatures(&std::fs::read(&path).unwrap(), &legacy).crypto_valid { "valid" } else { "invalid" };
        if row.note.starts_with("stricter:") {
            // A documented divergence: we reject what OpenSSL accepts.
            assert_eq!((theirs, ours), ("valid", "invalid"), "{}: a 'stricter:' row must be openssl-valid and ours-invalid", row.file);
            stricter += 1;
        } else if ours != theirs {
            failures.push(format!("{}: openssl says {theirs}, we say {ours}", row.file));
        } else {
            compared += 1;
        }
    }
    println!("openssl differential: {compared} agree, {stricter} stricter by rule, {skipped} skipped");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared >= 30, "only {compared} fixtures compared");
}
