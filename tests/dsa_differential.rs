//! Differential DSA test: our FIPS 186-4 §4.7 verification (src/cms/dsa.rs, on
//! crypto-bigint) against dsa 0.6 (a dev-dependency, the implementation it
//! replaced) over the table of tests/data/dsa/ (written by
//! tests/fixtures/gen/dsa-vectors.py from openssl keys and signatures, a key
//! with a 161-bit q made there, and crafted encodings). Every key row states
//! the outcome of `public_key` (`expected`: ok or the error code) and whether
//! dsa 0.6 accepts the key (`reference`); every signature row the verdict
//! FIPS 186-4 §4.7 and the DER of RFC 3279 §2.2.2 require (`expected`) and
//! the one dsa 0.6 gives (`reference`). Where the two differ the row says why
//! in its note. Both sides must match their column.

use std::collections::HashMap;

mod common;
use common::tables::{hex, rows, verdict};

use dsa::{BigUint, Components, VerifyingKey};
use jmap_smime::cms::dsa::{public_key, verify, DsaKey};
use signature::hazmat::PrehashVerifier;

const KEYS: &str = include_str!("data/dsa/keys.tsv");
const VECTORS: &str = include_str!("data/dsa/vectors.tsv");

/// p, q, g, y of a key row.
fn components(row: &HashMap<&str, &str>) -> [Vec<u8>; 4] {
    ["p", "q", "g", "y"].map(|c| hex(row[c]))
}

/// dsa 0.6's key: its domain parameter checks, then its public value checks.
fn reference_key([p, q, g, y]: &[Vec<u8>; 4]) -> signature::Result<VerifyingKey> {
    let b = |v: &[u8]| BigUint::from_bytes_be(v);
    let c = Components::from_components(b(p), b(q), b(g))?;
    VerifyingKey::from_components(c, b(y))
}

#[test]
fn public_keys_match_the_table_and_dsa_0_6() {
    let mut failures = Vec::new();
    let table = rows(KEYS);
    for row in &table {
        let [p, q, g, y] = components(row);
        let ours = match public_key(&p, &q, &g, &y) {
            Ok(k) => {
                let bits = |v: &[u8]| BigUint::from_bytes_be(v).bits();
                assert_eq!((k.p_bits(), k.q_bits()), (bits(&p), bits(&q)), "{}", row["key"]);
                "ok".to_owned()
            }
            Err(err) => err.code().to_owned(),
        };
        let reference = if reference_key(&[p, q, g, y]).is_ok() { "ok" } else { "err" };
        if ours != row["expected"] || reference != row["reference"] {
            failures
                .push(format!("{}: ours {ours} (want {}), dsa 0.6 {reference} (want {})", row["key"], row["expected"], row["reference"]));
        }
        let agree = (row["expected"] == "ok") == (row["reference"] == "ok");
        assert!(agree || row["note"].contains("dsa 0.6"), "{}: a disagreement with dsa 0.6 needs its reason", row["key"]);
    }
    assert!(failures.is_empty(), "{} of the keys disagree:\n{}", failures.len(), failures.join("\n"));
    for want in ["ok", "bad-key", "limit-exceeded"] {
        assert!(table.iter().any(|r| r["expected"] == want), "no key row expecting {want}");
    }
}

#[test]
fn signatures_match_the_table_and_dsa_0_6() {
    let table = rows(VECTORS);
    let mut keys: HashMap<&str, (DsaKey, VerifyingKey)> = HashMap::new();
    for row in rows(KEYS).into_iter().filter(|r| table.iter().any(|v| v["key"] == r["key"])) {
        let c = components(&row);
        let ours = public_key(&c[0], &c[1], &c[2], &c[3]).expect("key");
        keys.insert(row["key"], (ours, reference_key(&c).expect("dsa 0.6 key")));
    }
    let (mut failures, mut valid) = (Vec::new(), HashMap::new());
    for row in &table {
        let (ours_key, reference_key) = &keys[row["key"]];
        let (hashed, sig) = (hex(row["hashed"]), hex(row["signature"]));
        let ours = verify(ours_key, &hashed, &sig);
        let want_ours = row["expected"];
        let reference = dsa::Signature::try_from(sig.as_slice()).is_ok_and(|s| reference_key.verify_prehash(&hashed, &s).is_ok());
        if verdict(ours) != want_ours || verdict(reference) != row["reference"] {
            failures.push(format!(
                "{} ({}): ours {} (want {want_ours}), dsa 0.6 {} (want {})",
                row["case"],
                row["key"],
                verdict(ours),
                verdict(reference),
                row["reference"]
            ));
        }
        if row["expected"] != row["reference"] {
            assert!(row["note"].contains("dsa 0.6"), "{} ({}): a disagreement with dsa 0.6 needs its reason", row["case"], row["key"]);
        }
        if row["expected"] == "valid" {
            *valid.entry(row["key"]).or_insert(0) += 1;
        }
    }
    assert!(failures.is_empty(), "{} of the vectors disagree:\n{}", failures.len(), failures.join("\n"));
    // Not vacuous: every key has valid signatures, and the table is not short.
    for key in keys.keys() {
        assert!(valid.contains_key(key), "no valid vector for {key}");
    }
    assert!(table.len() >= 40, "only {} vectors", table.len());
}
