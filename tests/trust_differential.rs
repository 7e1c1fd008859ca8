//! Differential check of the trust fixtures against OpenSSL with path
//! validation (`openssl cms -verify -purpose smimesign`, via
//! tests/fixtures/trust/openssl-verify.sh with each row's arguments): the
//! table's `openssl` column is what OpenSSL really says, and our status is
//! `signed/verified` exactly when OpenSSL says valid. Rows OpenSSL cannot judge
//! (address binding) are `skip`.

use std::process::Command;

#[test]
fn trust_rows_agree_with_openssl() {
    let root = env!("CARGO_MANIFEST_DIR");
    let table = std::fs::read_to_string(format!("{root}/tests/fixtures/trust-expectations.tsv")).unwrap();
    let (mut agree, mut skipped, mut failures) = (0, 0, Vec::new());
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = line.split('\t').collect();
        let (file, args, status, openssl) = (c[0], c[1], c[2], c[7]);
        if openssl == "skip" {
            skipped += 1;
            continue;
        }
        let path = format!("tests/fixtures/trust/messages/{file}");
        let out = Command::new("bash")
            .current_dir(root)
            .arg("tests/fixtures/trust/openssl-verify.sh")
            .arg(&path)
            .args(args.split_whitespace())
            .output()
            .expect("bash");
        let theirs = if out.status.success() { "valid" } else { "invalid" };
        let ours = if status == "signed/verified" { "valid" } else { "invalid" };
        if theirs != openssl {
            failures.push(format!("{file} [{args}]: openssl says {theirs}, table says {openssl}"));
        } else if theirs != ours {
            failures.push(format!("{file} [{args}]: openssl says {theirs}, our expected status is {status}"));
        } else {
            agree += 1;
        }
    }
    println!("openssl trust differential: {agree} agree, {skipped} skipped");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(agree >= 20, "only {agree} rows compared");
}
