//! Work is bounded by a budget, not by luck (issue 9 §1): generated hostile
//! inputs, one table per class under tests/fixtures/hostile/, each row with the
//! expected answer and a ceiling on the work (public-key operations, search
//! steps, work units) read from the budget's counters. No row asserts time;
//! `cargo bench --bench hostile` prints what the same inputs cost.
//!
//! Set `HOSTILE_PRINT=1` to print the measured row next to each expected one.

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::budget::{WorkBudget, WorkStats};
use jmap_smime::limits;
use jmap_smime::pki::anchor::Anchor;
use jmap_smime::pki::cert::Certificate;
use jmap_smime::pki::crl::Crl;
use jmap_smime::pki::path::{self, PathInput, RevocationMode};
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Policy, Verdict, Verifier, VerifyOptions};

#[path = "common/hostile.rs"]
mod hostile;
use hostile::*;

/// Rows of a TSV table (header checked, `#` comments skipped).
fn table(file: &str, header: &str) -> Vec<Vec<String>> {
    let text = String::from_utf8(fixture(&format!("hostile/{file}"))).unwrap();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    assert_eq!(lines.next(), Some(header), "{file}: columns changed");
    let width = header.split('\t').count();
    lines
        .map(|l| {
            let row: Vec<String> = l.split('\t').map(str::to_owned).collect();
            assert_eq!(row.len(), width, "{file}: {l}");
            row
        })
        .collect()
}

fn printing() -> bool {
    std::env::var_os("HOSTILE_PRINT").is_some()
}

/// Check the work counters against a row's ceilings.
fn check_work(label: &str, stats: &WorkStats, max_ops: &str, max_units: &str) {
    assert!(stats.units <= stats.limit, "{label}: spent {} of {}", stats.units, stats.limit);
    assert!(
        stats.public_key_ops <= max_ops.parse().unwrap(),
        "{label}: {} public-key operations, table allows {max_ops}",
        stats.public_key_ops
    );
    assert!(stats.units <= max_units.parse().unwrap(), "{label}: {} work units, table allows {max_units}", stats.units);
}

fn time() -> i64 {
    parse_rfc3339("2026-01-01T00:00:00Z").unwrap()
}

// ---- path search over same-name CA meshes ----

#[test]
fn path_search_meshes() {
    let rows = table("path-mesh.tsv", "n\tkeys\tanchor\tresult\tmax_pk_ops\tmax_steps\tmax_units");
    assert!(!rows.is_empty());
    let policy = Policy::default();
    for row in rows {
        let [n, keys, anchor, result, max_ops, max_steps, max_units] = row.as_slice() else { unreachable!() };
        let n: usize = n.parse().unwrap();
        let keys = match keys.as_str() {
            "distinct" => MeshKeys::Distinct,
            "shared" => MeshKeys::Shared,
            k => panic!("keys {k}"),
        };
        let anchor_kind = match anchor.as_str() {
            "elsewhere" => MeshAnchor::Elsewhere,
            "same-name" => MeshAnchor::SameName,
            "same-name-valid" => MeshAnchor::SameNameValid,
            a => panic!("anchor {a}"),
        };
        let mesh = same_name_mesh(n, keys, anchor_kind);
        let anchors = [Anchor::from_certificate(Certificate::from_der(&mesh.anchor).unwrap())];
        let cas: Vec<Certificate> = mesh.cas.iter().map(|c| Certificate::from_der(c).unwrap()).collect();
        let ee = Certificate::from_der(&mesh.ee).unwrap();
        let inter: Vec<&Certificate> = cas.iter().chain(std::iter::once(&ee)).collect();
        let input = PathInput {
            time: time(),
            anchors: &anchors,
            intermediates: &inter,
            crls: &[],
            ocsp: &[],
            revocation: RevocationMode::Off,
            policy: &policy,
            crl_signer: false,
        };
        let mut work = WorkBudget::new();
        let got = match path::validate_with(&ee, &input, &mut work) {
            Ok(_) => "valid".to_owned(),
            Err(e) => e.code().to_owned(),
        };
        let stats = work.stats();
        let label = format!("{n} {keys:?} {anchor}");
        if printing() {
            println!("{label}: {got} ops={} steps={} units={}", stats.public_key_ops, stats.path_steps, stats.units);
            continue;
        }
        assert_eq!(&got, result, "{label}");
        check_work(&label, &stats, max_ops, max_units);
        assert!(stats.path_steps <= max_steps.parse().unwrap(), "{label}: {} steps, table allows {max_steps}", stats.path_steps);
    }
}

// ---- signature work: many SignerInfos, many candidates, big keys ----

fn root() -> Certificate {
    Certificate::from_der(&fixture("pki/root.cert.der")).unwrap()
}

fn verifier(crls: Vec<Crl>) -> Verifier {
    let mut trust = TrustStore::empty();
    trust.add(Anchor::from_certificate(root())).unwrap();
    Verifier {
        trust,
        policy: Policy::default(),
        options: VerifyOptions { crls, ..VerifyOptions::default() },
        memo: Default::default(),
        memory: None,
    }
}

/// Error codes of a verdict, sorted and joined.
fn codes(v: &Verdict) -> String {
    let mut c: Vec<&str> = v.errors.iter().map(|p| p.code.as_str()).collect();
    c.sort();
    c.dedup();
    if c.is_empty() {
        "-".into()
    } else {
        c.join(",")
    }
}

#[test]
fn signature_work() {
    let rows = table("signature-work.tsv", "signers\tcandidates\tmodulus_bits\texponent\tstatus\terrors\tmax_pk_ops\tmax_units");
    assert!(!rows.is_empty());
    let v = verifier(Vec::new());
    for row in rows {
        let [signers, candidates, bits, e, status, errors, max_ops, max_units] = row.as_slice() else { unreachable!() };
        let e: u64 = e.parse().unwrap();
        let msg = many_signers(signers.parse().unwrap(), candidates.parse().unwrap(), bits.parse().unwrap(), e);
        let mut work = WorkBudget::new();
        let verdict = v.verify_with_budget(&msg, time(), Some(time() - 86_400), &mut work);
        let stats = work.stats();
        let label = format!("{signers}x{candidates} rsa-{bits} e={e}");
        let got_status = verdict.status.clone().unwrap_or_default();
        if printing() {
            println!("{label}: {got_status} {} ops={} units={}", codes(&verdict), stats.public_key_ops, stats.units);
            continue;
        }
        assert_eq!(&got_status, status, "{label}");
        assert_eq!(&codes(&verdict), errors, "{label}");
        check_work(&label, &stats, max_ops, max_units);
    }
}

// ---- CRL signer search around a real valid message ----

#[test]
fn crl_signer_search() {
    let rows = table(
        "crl-signers.tsv",
        "fixture\tfakes\tfake_bits\tfake_issuer\tjunk_crls\treceived_at\tstatus\tstatus_at_delivery\terrors\tmax_pk_ops\tmax_units",
    );
    assert!(!rows.is_empty());
    let inter = Certificate::from_der(&fixture("pki/intermediate.cert.der")).unwrap();
    let crls = vec![pem_crl("trust/root.crl"), pem_crl("trust/intermediate.crl")];
    let v = verifier(crls);
    for row in rows {
        let [file, fakes, bits, fake_issuer, junk, received, status, at_delivery, errors, max_ops, max_units] = row.as_slice() else {
            unreachable!()
        };
        let bits: usize = bits.parse().unwrap();
        let issuer = match fake_issuer.as_str() {
            "root" => root().subject.raw,
            "self" => inter.subject.raw.clone(),
            i => panic!("fake_issuer {i}"),
        };
        let fake_certs = fake_intermediates(fakes.parse().unwrap(), bits, &issuer, &inter.subject.raw);
        // Signed like the fakes' keys: each one a real exponentiation there.
        let junk_crls = junk_crls(junk.parse().unwrap(), &inter.subject.raw, bits.div_ceil(8));
        let msg = inject(&fixture(&format!("messages/{file}")), &fake_certs, &junk_crls);
        let received_at = (received == "yes").then(|| time() - 86_400);
        let mut work = WorkBudget::new();
        let verdict = v.verify_with_budget(&msg, time(), received_at, &mut work);
        let stats = work.stats();
        let label = format!("{file} +{fakes} fakes rsa-{bits} by {fake_issuer} +{junk} CRLs receivedAt={received}");
        let got_status = verdict.status.clone().unwrap_or_default();
        let got_delivery = verdict.status_at_delivery.clone().map_or("-".to_owned(), |s| s.unwrap_or_default());
        if printing() {
            println!("{label}: {got_status} {got_delivery} {} ops={} units={}", codes(&verdict), stats.public_key_ops, stats.units);
            continue;
        }
        assert_eq!(&got_status, status, "{label}");
        assert_eq!(&got_delivery, at_delivery, "{label}");
        assert_eq!(&codes(&verdict), errors, "{label}");
        check_work(&label, &stats, max_ops, max_units);
    }
}

fn pem_crl(path: &str) -> Crl {
    let text = String::from_utf8(fixture(path)).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    Crl::from_der(&jmap_smime::mime::decode::base64(body.as_bytes()).unwrap()).unwrap()
}

/// The budget's figure for the table ceilings above (a guard against the
/// tables being read against another limit).
#[test]
fn tables_assume_the_default_budget() {
    assert_eq!(WorkBudget::new().stats().limit, limits::MAX_WORK_UNITS_PER_MESSAGE);
}
