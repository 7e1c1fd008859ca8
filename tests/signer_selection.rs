//! Signer certificate selection (R21) and RSA PKCS#1 v1.5 encodings, on real
//! signatures from the generated fixtures.
//!
//! - A decoy certificate that carries the signer's subjectKeyIdentifier (SKIs
//!   can collide, RFC 5652 §5.3) is placed before the real one: every match
//!   must be tried, so the signature still verifies; with only the decoy it
//!   fails.
//! - A PKCS#1 v1.5 signature whose DigestInfo omits the NULL parameters (made
//!   with `openssl pkeyutl`) verifies like the usual form.

use std::process::Command;

use jmap_smime::asn1::{self, Tag};
use jmap_smime::cms::alg::{self, DigestAlg, SigScheme};
use jmap_smime::mime::decode::base64_encode;
use jmap_smime::pki::cert::Certificate;
use jmap_smime::{verify_signatures, Policy};

mod common;
use common::der;

fn pki(name: &str) -> Vec<u8> {
    std::fs::read(common::fixtures_dir().join("pki").join(name)).unwrap()
}

/// Rebuild a DER ContentInfo(SignedData) with a new certificate list.
fn with_certificates(ci: &[u8], certs: &[Vec<u8>]) -> Vec<u8> {
    let top = asn1::parse_single(ci).unwrap();
    let mut r = top.children().unwrap();
    let oid = r.read("oid").unwrap();
    let wrapper = r.read("[0]").unwrap();
    let sd = wrapper.children().unwrap().read("sd").unwrap();
    let mut parts = Vec::new();
    let mut sr = sd.children().unwrap();
    while let Some(t) = sr.next_tlv().unwrap() {
        if t.tag == Tag::context(0, true) {
            parts.push(der(0xa0, &certs.concat()));
        } else {
            parts.push(t.raw.to_vec());
        }
    }
    der(0x30, &[oid.raw.to_vec(), der(0xa0, &der(0x30, &parts.concat()))].concat())
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let pos = haystack.windows(needle.len()).position(|w| w == needle).expect("needle");
    [&haystack[..pos], with, &haystack[pos + needle.len()..]].concat()
}

#[test]
#[allow(clippy::type_complexity)]
fn every_ski_match_is_tried() {
    let raw = std::fs::read(common::fixtures_dir().join("messages/rsa2048-sha256-skid-detached.eml")).unwrap();
    let root = jmap_smime::mime::parse(&raw).unwrap();
    let sig = root.children[1].decoded_body(&raw).unwrap().into_owned();
    let alice = pki("alice.cert.der");
    let carol = pki("carol.cert.der");
    let alice_ski = Certificate::from_der(&alice).unwrap().subject_key_id().unwrap();
    let carol_ski = Certificate::from_der(&carol).unwrap().subject_key_id().unwrap();
    // Carol's certificate (a P-256 key) claiming Alice's key identifier.
    let decoy = replace(&carol, &carol_ski, &alice_ski);
    assert_eq!(Certificate::from_der(&decoy).unwrap().subject_key_id().unwrap(), alice_ski);
    let intermediate = pki("intermediate.cert.der");
    // Grace's certificate (RSA-1024, refused by default) claiming Alice's key identifier.
    let grace = pki("grace.cert.der");
    let grace_ski = Certificate::from_der(&grace).unwrap().subject_key_id().unwrap();
    let weak_decoy = replace(&grace, &grace_ski, &alice_ski);

    let message = |ci: &[u8]| -> Vec<u8> {
        let sig_start = root.children[1].body_start;
        let sig_end = root.children[1].end;
        let b64 = base64_encode(ci).as_bytes().chunks(76).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect::<Vec<_>>().join("\r\n");
        [&raw[..sig_start], b64.as_bytes(), &raw[sig_end..]].concat()
    };
    let cases: &[(&str, Vec<Vec<u8>>, Option<&str>)] = &[
        ("real certificate only", vec![alice.clone(), intermediate.clone()], None),
        ("decoy first, real second", vec![decoy.clone(), alice.clone(), intermediate.clone()], None),
        ("real first, decoy second", vec![alice.clone(), decoy.clone()], None),
        // A refused key placed first must not make a good signature fail.
        ("weak decoy first", vec![weak_decoy.clone(), alice.clone()], None),
        ("weak decoy only", vec![weak_decoy.clone()], Some("weak-algorithm")),
        // With only the decoy, its P-256 key cannot check an RSA signature.
        ("decoy only", vec![decoy.clone(), intermediate.clone()], Some("algorithm-mismatch")),
        ("no matching certificate", vec![carol.clone(), intermediate.clone()], Some("signer-cert-not-found")),
    ];
    for (name, certs, want_error) in cases {
        let r = verify_signatures(&message(&with_certificates(&sig, certs)), &Policy::default());
        let got = r.signers[0].error.as_ref().map(|e| e.code.as_str());
        assert_eq!(got, *want_error, "{name}");
        assert_eq!(r.crypto_valid, want_error.is_none(), "{name}");
        if want_error.is_none() {
            assert_eq!(
                r.signers[0].certificate.as_ref().unwrap().emails,
                vec!["alice@example.com"],
                "{name}: reports the certificate that verified"
            );
        }
    }
}

/// DER DigestInfo for SHA-256 with or without the NULL parameters.
fn digest_info(hash: &[u8], with_null: bool) -> Vec<u8> {
    let mut alg = der(0x06, jmap_smime::asn1::oid::SHA256);
    if with_null {
        alg.extend_from_slice(&[0x05, 0x00]);
    }
    der(0x30, &[der(0x30, &alg), der(0x04, hash)].concat())
}

#[test]
fn pkcs1_digest_info_with_and_without_null() {
    let dir = std::env::temp_dir().join(format!("jmap-smime-pkcs1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let message = b"the signed attributes, or any bytes";
    let hash = DigestAlg::Sha256.digest(&[message]);
    let cert = Certificate::from_der(&pki("alice.cert.der")).unwrap();
    let key = alg::decode_key(&cert.spki, None).unwrap();
    for with_null in [true, false] {
        let input = dir.join("di.bin");
        let output = dir.join("sig.bin");
        std::fs::write(&input, digest_info(&hash, with_null)).unwrap();
        let status = Command::new("openssl")
            .args(["pkeyutl", "-sign", "-pkeyopt", "rsa_padding_mode:pkcs1", "-inkey"])
            .arg(common::fixtures_dir().join("pki/alice.key.pem"))
            .arg("-in")
            .arg(&input)
            .arg("-out")
            .arg(&output)
            .status()
            .expect("openssl");
        assert!(status.success());
        let sig = std::fs::read(&output).unwrap();
        for scheme in [SigScheme::RsaPkcs1 { hash: None }, SigScheme::RsaPkcs1 { hash: Some(DigestAlg::Sha256) }] {
            alg::verify(&key, scheme, DigestAlg::Sha256, message, &sig, &Policy::default())
                .unwrap_or_else(|e| panic!("with_null={with_null} {scheme:?}: {e}"));
            let err = alg::verify(&key, scheme, DigestAlg::Sha256, b"other bytes", &sig, &Policy::default()).unwrap_err();
            assert_eq!(err.code(), "bad-signature");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
