//! The `jmap-smime verify` command: exit status, JSON Lines, usage errors.

use std::process::Command;

mod common;

fn run(args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_jmap-smime")).args(args).current_dir(common::fixtures_dir().join("messages")).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// The test PKI's root as the only anchor, at a fixed time, revocation off.
const T: &[&str] = &["--trust", "../pki/root.cert.pem", "--no-bundled-roots", "--at", "2026-01-01T00:00:00Z", "--revocation", "off"];

fn with_trust(extra: &[&'static str]) -> Vec<&'static str> {
    let mut v = vec!["verify"];
    v.extend_from_slice(T);
    v.extend_from_slice(extra);
    v
}

#[test]
fn exit_status_and_json_lines() {
    let owned: Vec<(Vec<&str>, i32, Option<usize>)> = vec![
        (with_trust(&["rsa2048-sha256-detached.eml"]), 0, None),
        (with_trust(&["--json", "rsa2048-sha256-detached.eml", "ed25519-sha512-detached.eml"]), 0, Some(2)),
        (with_trust(&["--json", "rsa2048-sha256-detached.eml", "tampered-body-detached.eml"]), 1, Some(2)),
        (with_trust(&["rsa2048-sha1-detached.eml"]), 1, None),
        (with_trust(&["--allow-legacy", "rsa2048-sha1-detached.eml"]), 0, None),
        // Without an anchor nothing is verified.
        (vec!["verify", "--no-bundled-roots", "rsa2048-sha256-detached.eml"], 1, None),
        (with_trust(&["--at", "not-a-time", "x.eml"]), 2, None),
        (with_trust(&["--revocation", "sometimes", "x.eml"]), 2, None),
        (vec!["verify", "--trust", "no-such-anchor.pem", "x.eml"], 2, None),
    ];
    // (args, exit status, JSON lines expected on stdout or None for text)
    let mut cases: Vec<(&[&str], i32, Option<usize>)> = owned.iter().map(|(a, s, l)| (a.as_slice(), *s, *l)).collect();
    cases.extend_from_slice(&[
        (&["verify", "--json", "no-such-file.eml"], 2, Some(0)),
        (&["verify"], 2, None),
        (&["verify", "--bogus", "x.eml"], 2, None),
        (&["frobnicate"], 2, None),
        (&["--help"], 0, None),
    ]);
    for (args, status, lines) in &cases {
        let (code, out, err) = run(args);
        assert_eq!(code, *status, "{args:?}: stdout {out} stderr {err}");
        if let Some(n) = lines {
            let parsed: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            assert_eq!(parsed.len(), *n, "{args:?}");
            for (v, file) in parsed.iter().zip(args.iter().filter(|a| a.ends_with(".eml"))) {
                assert_eq!(v["file"], *file);
                assert!(v["structure"].is_string() && v["errors"].is_array() && v["signers"].is_array());
            }
        }
    }
    let (_, out, _) = run(&with_trust(&["tampered-body-detached.eml"]));
    assert!(out.contains("digest-mismatch"), "{out}");
    let (_, _, err) = run(&["verify", "--bogus", "x.eml"]);
    assert!(err.contains("unknown option") && err.contains("usage:"), "{err}");
}

/// Issue 12 §1: `--intermediate` certificates identify a signer the message
/// omits, as `openssl cms -verify -certfile` does.
#[test]
fn intermediate_certificates_identify_an_omitted_signer() {
    let file = "../outside/alice-opaque-nocerts.eml";
    let (code, out, _) = run(&with_trust(&["--json", file]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("signer-cert-not-found"), "{out}");
    let (code, out, _) =
        run(&with_trust(&["--json", "--intermediate", "../pki/alice.cert.pem", "--intermediate", "../pki/intermediate.cert.pem", file]));
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["status"], "signed/verified", "{out}");
}

/// Issue 12 §2: `--memory FILE` keeps signers between runs: a first run learns
/// Alice's certificate, a second lends it to a message that omits it and
/// warns when her certificate changes.
#[test]
fn memory_file_keeps_signers_between_runs() {
    let dir = std::env::temp_dir().join(format!("jmap-smime-cli-memory-{}", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    let file: &'static str = Box::leak(dir.to_str().unwrap().to_owned().into_boxed_str());
    let (code, out, _) = run(&with_trust(&["--memory", file, "signer-cert-missing-detached.eml"]));
    assert_eq!(code, 1, "nothing learnt yet: {out}");
    let (code, _, _) = run(&with_trust(&["--memory", file, "rsa2048-sha256-detached.eml"]));
    assert_eq!(code, 0);
    assert!(std::fs::metadata(&dir).unwrap().len() > 500, "the memory was written");
    let (code, out, _) = run(&with_trust(&["--memory", file, "signer-cert-missing-detached.eml"]));
    assert_eq!(code, 0, "lent from the memory: {out}");
    let (code, out, _) = run(&with_trust(&["--json", "--memory", file, "../memory/alice-newkey.eml"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"signer-changed\""), "{out}");
    let _ = std::fs::remove_file(&dir);
}

/// Issue 12 §3: `--ocsp FILE` supplies OCSP responses, judged as a message's
/// own (tests/fixtures/ocsp-expectations.tsv has the full table).
#[test]
fn ocsp_responses_from_files() {
    let t = std::fs::read_to_string(common::fixtures_dir().join("ocsp/validation-time")).unwrap();
    let at = jmap_smime::asn1::time::to_rfc3339(t.trim().parse().unwrap());
    let base = |extra: &[&str]| -> (i32, String, String) {
        let mut v =
            vec!["verify", "--json", "--trust", "../pki/root.cert.pem", "--no-bundled-roots", "--at", &at, "--revocation", "require"];
        v.extend_from_slice(extra);
        v.push("../ocsp/embedded-none.eml");
        run(&v)
    };
    let (code, out, _) = base(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("revocation-unknown"), "{out}");
    let (code, out, _) = base(&["--ocsp", "../ocsp/alice-good-ca.der", "--ocsp", "../ocsp/intermediate-good.der"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = base(&["--ocsp", "../ocsp/alice-revoked.der", "--ocsp", "../ocsp/intermediate-good.der"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cert-revoked") && out.contains("keyCompromise"), "{out}");
    // A response without a status is a usage error, with its reason.
    let (code, _, err) = base(&["--ocsp", "../ocsp/not-successful.der"]);
    assert_eq!(code, 2);
    assert!(err.contains("tryLater"), "{err}");
}
