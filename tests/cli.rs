//! The `jmap-smime verify` command: exit status, JSON Lines, usage errors.

use std::process::Command;

mod common;

fn run(args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_jmap-smime")).args(args).current_dir(common::fixtures_dir().join("messages")).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn exit_status_and_json_lines() {
    // (args, exit status, JSON lines expected on stdout or None for text)
    let cases: &[(&[&str], i32, Option<usize>)] = &[
        (&["verify", "rsa2048-sha256-detached.eml"], 0, None),
        (&["verify", "--json", "rsa2048-sha256-detached.eml", "ed25519-sha512-detached.eml"], 0, Some(2)),
        (&["verify", "--json", "rsa2048-sha256-detached.eml", "tampered-body-detached.eml"], 1, Some(2)),
        (&["verify", "rsa2048-sha1-detached.eml"], 1, None),
        (&["verify", "--allow-legacy", "rsa2048-sha1-detached.eml"], 0, None),
        (&["verify", "--json", "no-such-file.eml"], 2, Some(0)),
        (&["verify"], 2, None),
        (&["verify", "--bogus", "x.eml"], 2, None),
        (&["frobnicate"], 2, None),
        (&["--help"], 0, None),
    ];
    for (args, status, lines) in cases {
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
    let (_, out, _) = run(&["verify", "tampered-body-detached.eml"]);
    assert!(out.contains("digest-mismatch"), "{out}");
    let (_, _, err) = run(&["verify", "--bogus", "x.eml"]);
    assert!(err.contains("unknown option") && err.contains("usage:"), "{err}");
}
