//! Issue 12 §3: OCSP responses (RFC 6960), embedded in the SignedData
//! (RFC 5940 §2.2) or supplied by the caller, judged in path validation and
//! combined with CRLs into one revocation result. The rows are
//! tests/fixtures/ocsp-expectations.tsv; the fixtures come from
//! tests/fixtures/gen/ocsp.sh (openssl ocsp), which also records what
//! OpenSSL and Python's `cryptography` read in each response.

mod common;

use common::fixtures_dir;
use jmap_smime::pki::crl::crls_from_pem_or_der;
use jmap_smime::pki::ocsp::{responses_from_pem_or_der, CertStatus, OcspResponse, ResponderId};
use jmap_smime::pki::path::RevocationMode;
use std::collections::HashMap;

fn ocsp_dir() -> std::path::PathBuf {
    fixtures_dir().join("ocsp")
}

/// T: the validation time the generator chose (30 days after its run).
fn t() -> i64 {
    std::fs::read_to_string(ocsp_dir().join("validation-time")).unwrap().trim().parse().unwrap()
}

fn response(name: &str) -> OcspResponse {
    let der = std::fs::read(ocsp_dir().join(format!("{name}.der"))).unwrap();
    OcspResponse::from_der(&der).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn list(s: &str) -> Vec<&str> {
    s.split(',').filter(|n| *n != "-").collect()
}

#[test]
fn ocsp_and_crls_give_one_revocation_result() {
    let rows = common::tsv_rows("ocsp-expectations.tsv");
    assert!(rows.len() >= 28, "{} rows", rows.len());
    let mut wrong = Vec::new();
    for r in &rows {
        let [file, ocsp, crls, mode, at, status, errors, revocation] =
            [&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7]].map(String::as_str);
        let mut v = common::root_verifier();
        v.options.ocsp = list(ocsp).into_iter().map(response).collect();
        for c in list(crls) {
            v.options.crls.extend(crls_from_pem_or_der(&std::fs::read(ocsp_dir().join(c)).unwrap()).unwrap());
        }
        v.options.revocation = if mode == "require" { RevocationMode::Require } else { RevocationMode::Prefer };
        let when = match at {
            "T" => t(),
            "fresh" => v.options.ocsp[0].responses[0].this_update + 3600,
            "skewed" => v.options.ocsp[0].responses[0].this_update - 240,
            "early" => v.options.ocsp[0].responses[0].this_update - 360,
            other => panic!("at {other}"),
        };
        let raw = std::fs::read(ocsp_dir().join(file)).unwrap();
        let verdict = v.verify(&raw, when, None);
        let mut codes: Vec<&str> = verdict.errors.iter().filter(|p| !p.warning).map(|p| p.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        let got = (
            verdict.status.clone().unwrap_or_default(),
            if codes.is_empty() { "-".to_owned() } else { codes.join(",") },
            verdict.signers.first().map(|s| s.revocation.clone()).unwrap_or_default(),
        );
        if got != (status.to_owned(), errors.to_owned(), revocation.to_owned()) {
            wrong.push(format!("{file} ocsp={ocsp} crls={crls} {mode} at {at}: got {got:?}, want ({status}, {errors}, {revocation})"));
        }
        // A revocation says why and since when (RFC 6960 §4.2.1 RevokedInfo).
        if errors == "cert-revoked" {
            let e = verdict.errors.iter().find(|p| p.code == "cert-revoked").unwrap();
            assert!(e.detail.contains("keyCompromise") && e.detail.contains("since "), "{file}: {}", e.detail);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Our reading of each response against Python's `cryptography` (the facts
/// tests/fixtures/gen/ocsp_check.py wrote): a second parser.
#[test]
fn the_parser_reads_what_python_reads() {
    let rows = common::tsv_rows("ocsp/python-facts.tsv");
    assert!(rows.len() >= 17, "{} rows", rows.len());
    for r in &rows {
        let name = r[0].as_str();
        let der = std::fs::read(ocsp_dir().join(format!("{name}.der"))).unwrap();
        let parsed = OcspResponse::from_der(&der);
        if r[1] != "successful" {
            let e = parsed.expect_err(name);
            assert!(e.detail.contains("tryLater"), "{name}: {e}");
            continue;
        }
        let p = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(p.responses.len(), 1, "{name}");
        let s = &p.responses[0];
        let (status, rev_time, reason) = match s.status {
            CertStatus::Good => ("good", "-".to_owned(), "-".to_owned()),
            CertStatus::Unknown => ("unknown", "-".to_owned(), "-".to_owned()),
            CertStatus::Revoked { time, reason } => {
                ("revoked", time.to_string(), reason.map_or("-".to_owned(), |r| jmap_smime::pki::ocsp::reason_name(r).to_owned()))
            }
        };
        let hash = match s.cert_id.hash_algorithm.as_slice() {
            jmap_smime::asn1::oid::SHA1 => "sha1",
            jmap_smime::asn1::oid::SHA256 => "sha256",
            _ => "other",
        };
        let responder = match p.responder {
            ResponderId::ByName(_) => "name",
            ResponderId::ByKey(_) => "key",
        };
        let got = [
            status.to_owned(),
            jmap_smime::asn1::hex(&s.cert_id.serial),
            hash.to_owned(),
            responder.to_owned(),
            s.this_update.to_string(),
            s.next_update.map_or("-".to_owned(), |n| n.to_string()),
            rev_time,
            reason,
            p.certs.len().to_string(),
        ];
        let want: Vec<String> = r[2..11].to_vec();
        assert_eq!(got.to_vec(), want, "{name}");
    }
}

/// OpenSSL's `openssl ocsp -verify` verdicts (openssl-verdicts.tsv) agree
/// with ours on who may sign: every response OpenSSL refuses, we refuse.
#[test]
fn responders_openssl_refuses_are_refused() {
    let verdicts: HashMap<String, String> =
        common::tsv_rows("ocsp/openssl-verdicts.tsv").into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    let rows = common::tsv_rows("ocsp-expectations.tsv");
    for (name, verdict) in &verdicts {
        if verdict != "FAIL" {
            continue;
        }
        let row = rows.iter().find(|r| list(&r[1]).first() == Some(&name.as_str())).unwrap_or_else(|| panic!("no table row for {name}"));
        assert_eq!(row[6], "revocation-unknown", "{name}: openssl refuses it, the table has {}", row[6]);
    }
}

#[test]
fn files_of_responses_and_refusals() {
    // PEM blocks, as `openssl ocsp -respout` DER wrapped by hand.
    let der = std::fs::read(ocsp_dir().join("alice-good-ca.der")).unwrap();
    let b64 = jmap_smime::mime::decode::base64_encode(&der);
    let pem = format!("-----BEGIN OCSP RESPONSE-----\n{b64}\n-----END OCSP RESPONSE-----\n").repeat(2);
    assert_eq!(responses_from_pem_or_der(pem.as_bytes()).unwrap().len(), 2);
    // A response without status (tryLater) is refused with its reason.
    let e = responses_from_pem_or_der(&std::fs::read(ocsp_dir().join("not-successful.der")).unwrap()).unwrap_err();
    assert_eq!(e.code.code(), "malformed");
    assert!(e.detail.contains("tryLater (3)"), "{e}");
}

/// A hostile flood: the most responses a message may carry, each with the
/// most statuses, every one naming Alice (the CertID matches) under a
/// signature that does not verify, or signed by a delegated responder whose
/// certificates (four per response) must each be checked. The verdict
/// comes, and the work stays under the budget: each response's signer is
/// judged once, whatever its status count.
#[test]
fn a_flood_of_matching_responses_is_bounded() {
    use jmap_smime::budget::WorkBudget;
    use jmap_smime::limits::{MAX_OCSP_RESPONSES, MAX_OCSP_RESPONSE_CERTS, MAX_OCSP_SINGLE_RESPONSES, MAX_WORK_UNITS_PER_MESSAGE};
    let raw = std::fs::read(ocsp_dir().join("embedded-none.eml")).unwrap();
    for (name, forged_signature) in [("alice-good-ca", true), ("alice-good-check", false)] {
        let template = response(name);
        let single = template.responses[0].clone();
        // Each copy differs, so no check is answered by the memo.
        let flood: Vec<OcspResponse> = (0..MAX_OCSP_RESPONSES)
            .map(|i| {
                let mut r = template.clone();
                r.responses = vec![single.clone(); MAX_OCSP_SINGLE_RESPONSES];
                if forged_signature {
                    r.signature[10 + i] ^= 1;
                } else {
                    r.certs = (0..MAX_OCSP_RESPONSE_CERTS)
                        .map(|j| {
                            let mut c = template.certs[0].clone();
                            c.signature[10 + i * MAX_OCSP_RESPONSE_CERTS + j] ^= 1;
                            c
                        })
                        .collect();
                }
                r
            })
            .collect();
        let mut v = common::root_verifier();
        v.options.revocation = RevocationMode::Require;
        // The intermediate's own good response first: validation goes from
        // the anchor down, so Alice's flood is reached only past it.
        v.options.ocsp = std::iter::once(response("intermediate-good")).chain(flood).collect();
        let mut work = WorkBudget::new();
        let verdict = v.verify_with_budget(&raw, t(), None, &mut work);
        let stats = work.stats();
        assert_eq!(verdict.status.as_deref(), Some("signed/failed"), "{name}");
        assert!(
            verdict.errors.iter().any(|p| p.code == "revocation-unknown" || p.code == "path-budget-exceeded"),
            "{name}: {:?}",
            verdict.errors
        );
        assert!(stats.units <= MAX_WORK_UNITS_PER_MESSAGE, "{name}: {stats:?}");
        // One check per response signer candidate, each response judged once
        // (not once per status), plus the path's own.
        let per_response = if forged_signature { 1 } else { MAX_OCSP_RESPONSE_CERTS as u64 };
        assert!(stats.public_key_ops <= MAX_OCSP_RESPONSES as u64 * per_response + 4, "{name}: {stats:?}");
        assert!(stats.public_key_ops >= MAX_OCSP_RESPONSES as u64, "{name}: the flood was judged: {stats:?}");
    }
}
