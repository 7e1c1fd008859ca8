//! Trust, revocation and identity verdicts of the generated trust fixtures
//! (tests/fixtures/trust-expectations.tsv), through the `jmap-smime verify
//! --json` command with each row's arguments.

use std::process::Command;

#[test]
fn trust_table() {
    let root = env!("CARGO_MANIFEST_DIR");
    let table = std::fs::read_to_string(format!("{root}/tests/fixtures/trust-expectations.tsv")).unwrap();
    let mut lines = table.lines();
    assert_eq!(lines.next().unwrap(), "file\targs\tstatus\tstatusAtDelivery\terrors\tfromMatches\tsenderMatches\topenssl\tnote");
    let (mut n, mut failures) = (0, Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = line.split('\t').collect();
        let (file, args) = (c[0], c[1]);
        let want = [c[2], c[3], c[4], c[5], c[6]];
        let out = Command::new(env!("CARGO_BIN_EXE_jmap-smime"))
            .current_dir(root)
            .arg("verify")
            .arg("--json")
            .args(args.split_whitespace())
            .arg(format!("tests/fixtures/trust/messages/{file}"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let v: serde_json::Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{file} {args}: {e}: {stdout} {}", String::from_utf8_lossy(&out.stderr)));
        let text = |x: &serde_json::Value| match x {
            serde_json::Value::Null => "null".to_owned(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut codes: Vec<String> = v["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap().to_owned()).collect();
        codes.sort();
        let errors = if codes.is_empty() { "-".to_owned() } else { codes.join(",") };
        let at_delivery = if v.get("statusAtDelivery").is_none() { "-".to_owned() } else { text(&v["statusAtDelivery"]) };
        let got = [text(&v["status"]), at_delivery, errors, text(&v["fromMatches"]), text(&v["senderMatches"])];
        // Per signer, senderMatches is null exactly when the message has no
        // Sender field, like the verdict's; the verdict's is their OR.
        let signers = v["signers"].as_array().unwrap();
        for sg in signers {
            assert_eq!(sg["senderMatches"].is_null(), v["senderMatches"].is_null(), "{file} [{args}]: {sg}");
        }
        if v["senderMatches"] == serde_json::json!(true) {
            assert!(signers.iter().any(|sg| sg["senderMatches"] == serde_json::json!(true)), "{file} [{args}]");
        }
        if got.iter().zip(want.iter()).any(|(g, w)| g != w) {
            failures.push(format!("{file} [{args}]\n   want {want:?}\n   got  {got:?}"));
        }
        n += 1;
    }
    println!("trust fixtures: {} of {n} rows as expected", n - failures.len());
    assert!(failures.is_empty(), "{} of {n} rows differ:\n{}", failures.len(), failures.join("\n"));
}
