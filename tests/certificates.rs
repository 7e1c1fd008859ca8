//! Certificate facts against OpenSSL's reading of the same files: SHA-256
//! fingerprint, serial, validity, email addresses (SAN rfc822Name and DN
//! emailAddress, R29) and key type, for every certificate of the test PKI.

use std::process::Command;

use jmap_smime::pki::cert::Certificate;

mod common;

fn openssl_x509(pem: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("openssl").arg("x509").arg("-in").arg(pem).arg("-noout").args(args).output().expect("openssl");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn test_pki_matches_openssl() {
    let dir = common::fixtures_dir().join("pki");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".cert.der") else { continue };
        let pem = dir.join(format!("{stem}.cert.pem"));
        let c = Certificate::from_der(&std::fs::read(&path).unwrap()).unwrap();
        let info = c.info();

        let fp = openssl_x509(&pem, &["-fingerprint", "-sha256"]);
        let fp = fp.trim().rsplit('=').next().unwrap().replace(':', "").to_lowercase();
        assert_eq!(info.fingerprint_sha256, fp, "{stem} fingerprint");

        let serial = openssl_x509(&pem, &["-serial"]);
        assert_eq!(info.serial, serial.trim().trim_start_matches("serial=").to_lowercase().trim_start_matches('0'), "{stem} serial");

        // OpenSSL's view of the addresses: SAN email entries, then the DN emailAddress.
        let emails = openssl_x509(&pem, &["-ext", "subjectAltName", "-nameopt", "RFC2253", "-subject"]);
        let mut want: Vec<String> = emails.split([',', '\n']).filter_map(|t| t.trim().strip_prefix("email:").map(str::to_owned)).collect();
        for rdn in emails.lines().filter(|l| l.starts_with("subject=")).flat_map(|l| l.trim_start_matches("subject=").split(',')) {
            if let Some(e) = rdn.strip_prefix("emailAddress=") {
                if !want.iter().any(|w| w.eq_ignore_ascii_case(e)) {
                    want.push(e.to_owned());
                }
            }
        }
        assert_eq!(info.emails, want, "{stem} emails");

        let text = openssl_x509(&pem, &["-text"]);
        let key_ok = match info.public_key.as_str() {
            k if k.starts_with("rsa-") || k.starts_with("dsa-") => text.contains(&format!("Public-Key: ({} bit)", &k[4..])),
            "ec-p256" => text.contains("NIST CURVE: P-256"),
            "ec-p384" => text.contains("NIST CURVE: P-384"),
            "ec-p521" => text.contains("NIST CURVE: P-521"),
            "ed25519" => text.contains("ED25519"),
            _ => false,
        };
        assert!(key_ok, "{stem}: key {} vs openssl text", info.public_key);
        n += 1;
    }
    assert!(n >= 10, "only {n} certificates");
}
