//! Differential RSA test: our RFC 8017 verification (src/cms/rsa.rs, on
//! crypto-bigint) against rsa 0.9 (a dev-dependency) over the table of
//! tests/data/rsa/ (written by tests/fixtures/gen/rsa-vectors.py from openssl
//! signatures and crafted encodings). Every row states the verdict RFC 8017
//! requires (`expected`) and the one rsa 0.9 gives (`reference`); where the two
//! differ the row says why in its note. Both sides must match their column.

use std::collections::HashMap;

mod common;
use common::tables::{hex, rows, verdict};

use jmap_smime::cms::alg::DigestAlg;
use jmap_smime::cms::rsa::{public_key, verify_pkcs1, verify_pss, RsaKey};
use rsa::traits::SignatureScheme;
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};

const KEYS: &str = include_str!("data/rsa/keys.tsv");
const VECTORS: &str = include_str!("data/rsa/vectors.tsv");

fn digest(name: &str) -> DigestAlg {
    match name {
        "sha1" => DigestAlg::Sha1,
        "sha224" => DigestAlg::Sha224,
        "sha256" => DigestAlg::Sha256,
        "sha384" => DigestAlg::Sha384,
        "sha512" => DigestAlg::Sha512,
        other => panic!("hash {other}"),
    }
}

/// rsa 0.9's PKCS#1 v1.5 scheme for `hash`, its DigestInfo prefix with the
/// NULL parameters or, derived from it, without them.
fn reference_pkcs1(hash: &str, with_null: bool) -> Pkcs1v15Sign {
    let mut scheme = match hash {
        "sha1" => Pkcs1v15Sign::new::<sha1::Sha1>(),
        "sha224" => Pkcs1v15Sign::new::<sha2::Sha224>(),
        "sha256" => Pkcs1v15Sign::new::<sha2::Sha256>(),
        "sha384" => Pkcs1v15Sign::new::<sha2::Sha384>(),
        "sha512" => Pkcs1v15Sign::new::<sha2::Sha512>(),
        other => panic!("hash {other}"),
    };
    if !with_null {
        // 30 L 30 L' 06 len oid 05 00 04 hLen: drop the NULL, shorten both SEQUENCEs.
        let mut p = scheme.prefix.to_vec();
        let null_at = 6 + usize::from(p[5]);
        assert_eq!(&p[null_at..null_at + 2], &[0x05, 0x00]);
        p.drain(null_at..null_at + 2);
        p[1] -= 2;
        p[3] -= 2;
        scheme.prefix = p.into_boxed_slice();
    }
    scheme
}

fn reference_pss(hash: &str, salt: usize) -> Pss {
    match hash {
        "sha1" => Pss::new_with_salt::<sha1::Sha1>(salt),
        "sha224" => Pss::new_with_salt::<sha2::Sha224>(salt),
        "sha256" => Pss::new_with_salt::<sha2::Sha256>(salt),
        "sha384" => Pss::new_with_salt::<sha2::Sha384>(salt),
        "sha512" => Pss::new_with_salt::<sha2::Sha512>(salt),
        other => panic!("hash {other}"),
    }
}

#[test]
fn public_keys_match_the_table_and_rsa_0_9() {
    let mut failures = Vec::new();
    for row in rows(KEYS) {
        let (n, e) = (hex(row["n"]), hex(row["e"]));
        let ours = match public_key(&n, &e) {
            Ok(k) => {
                assert_eq!(k.modulus(), n[n.iter().take_while(|b| **b == 0).count()..], "{}", row["key"]);
                "ok".to_owned()
            }
            Err(err) => err.code().to_owned(),
        };
        let reference = RsaPublicKey::new_with_max_size(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e), 8192);
        let reference = if reference.is_ok() { "ok" } else { "err" };
        if ours != row["expected"] || reference != row["reference"] {
            failures
                .push(format!("{}: ours {ours} (want {}), rsa 0.9 {reference} (want {})", row["key"], row["expected"], row["reference"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn signatures_match_the_table_and_rsa_0_9() {
    let mut keys: HashMap<&str, (RsaKey, RsaPublicKey)> = HashMap::new();
    for row in rows(KEYS).into_iter().filter(|r| r["expected"] == "ok") {
        let (n, e) = (hex(row["n"]), hex(row["e"]));
        let reference = RsaPublicKey::new_with_max_size(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e), 8192).expect("rsa 0.9 key");
        keys.insert(row["key"], (public_key(&n, &e).expect("key"), reference));
    }
    let (mut failures, mut seen) = (Vec::new(), HashMap::new());
    for row in rows(VECTORS) {
        let (ours_key, reference_key) = &keys[row["key"]];
        let (hashed, sig, salt) = (hex(row["hashed"]), hex(row["signature"]), row["salt"].parse::<usize>().expect("salt"));
        let (ours, reference) = match row["scheme"] {
            "pkcs1" => (
                verify_pkcs1(ours_key, digest(row["hash"]), &hashed, &sig),
                [true, false].iter().any(|null| reference_pkcs1(row["hash"], *null).verify(reference_key, &hashed, &sig).is_ok()),
            ),
            "pss" => (
                verify_pss(ours_key, digest(row["hash"]), salt, &hashed, &sig),
                reference_pss(row["hash"], salt).verify(reference_key, &hashed, &sig).is_ok(),
            ),
            other => panic!("scheme {other}"),
        };
        if verdict(ours) != row["expected"] || verdict(reference) != row["reference"] {
            failures.push(format!(
                "{} ({}): ours {} (want {}), rsa 0.9 {} (want {})",
                row["case"],
                row["key"],
                verdict(ours),
                row["expected"],
                verdict(reference),
                row["reference"]
            ));
        }
        if row["expected"] != row["reference"] {
            assert!(row["note"].contains("rsa 0.9"), "{}: a disagreement with rsa 0.9 needs its reason", row["case"]);
        }
        *seen.entry((ours_key.bits(), row["scheme"], row["expected"])).or_insert(0) += 1;
    }
    assert!(failures.is_empty(), "{} of the vectors disagree:\n{}", failures.len(), failures.join("\n"));
    // The table covers every key size with both schemes and both verdicts.
    for bits in [1024, 2048, 2049, 3072, 4096, 8192] {
        for scheme in ["pkcs1", "pss"] {
            for want in ["valid", "invalid"] {
                assert!(seen.contains_key(&(bits, scheme, want)), "no {want} {scheme} vector for {bits} bits");
            }
        }
    }
}
