//! The crypto seam (issue 10): the verifier-level memo and the deferred
//! (WebCrypto-shaped) route. Every fixture, every PKITS message and generated
//! hostile messages go through both routes natively, with the deferred
//! checks answered by the Rust route between rounds, and must give the same
//! verdict and spend the same work on the final run, cold and with a warm
//! memo. The browser test (tests/js/browser/webcrypto-differential.js) does
//! the same with WebCrypto answering.

use std::path::{Path, PathBuf};

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::budget::{WorkBudget, WorkStats};
use jmap_smime::crypto::{MessageChecks, Route, SharedMemo};
use jmap_smime::limits;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::verifier::Step;
use jmap_smime::{Policy, Verdict, Verifier, VerifyOptions};

#[path = "common/hostile.rs"]
mod hostile;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pkits() -> PathBuf {
    std::env::var_os("PKITS_DIR").map(PathBuf::from).unwrap_or_else(|| root().join(".cache/pkits"))
}

/// Every .eml under tests/fixtures (the messages the fixture, name and trust
/// tests use), sorted.
fn fixture_messages() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures/messages", "tests/fixtures/names/messages", "tests/fixtures/trust/messages"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "eml") {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 80, "only {} fixtures", out.len());
    out
}

fn fixture_verifier() -> Verifier {
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(root().join("tests/fixtures/pki/root.cert.der")).unwrap()).unwrap();
    Verifier { trust, policy: Policy::default(), options: VerifyOptions::default(), memo: SharedMemo::default(), memory: None }
}

fn pkits_verifier() -> Verifier {
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(pkits().join("certs/TrustAnchorRootCertificate.crt")).unwrap()).unwrap();
    Verifier {
        trust,
        policy: Policy { allow_legacy: true },
        options: VerifyOptions { revocation: RevocationMode::Require, skip_address_check: true, ..VerifyOptions::default() },
        memo: SharedMemo::default(),
        memory: None,
    }
}

fn pkits_messages() -> Vec<(String, Vec<u8>)> {
    let dir = pkits().join("smime");
    assert!(dir.is_dir(), "{} missing: run `bash scripts/fetch-pkits.sh`", dir.display());
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    assert_eq!(out.len(), 224);
    out
}

/// What must agree between the routes.
fn facts(v: &Verdict, s: &WorkStats) -> String {
    format!(
        "{}\nunits {} ops {} hits {} exhausted {}",
        serde_json::to_string(v).unwrap(),
        s.units,
        s.public_key_ops,
        s.memo_hits,
        s.exhausted
    )
}

/// Run the deferred route by hand: the verdict, the final work, the rounds
/// run and how many times checks were handed out.
fn deferred(v: &Verifier, raw: &[u8], now: i64, received: Option<i64>) -> (Verdict, WorkStats, usize, usize) {
    let mut checks = MessageChecks::new(Route::Deferred);
    let mut handed_out = 0;
    loop {
        match v.verify_step(raw, now, received, &mut checks) {
            Step::Done(verdict, stats) => return (*verdict, stats, checks.rounds(), handed_out),
            Step::Pending(list) => {
                assert!(!list.is_empty());
                handed_out += 1;
                for p in list {
                    checks.resolve(p.id, p.check_rust());
                }
            }
        }
    }
}

/// Both routes, each on its own verifier (so each memo warms alike), twice
/// over the corpus: cold, then with the memo warm. Returns how many
/// messages had checks handed out, and how many needed a second run (an
/// assumption that turned out wrong).
fn compare_routes(make: fn() -> Verifier, corpus: &[(String, Vec<u8>)], now: i64, received: Option<i64>) -> (usize, usize) {
    let (rust, web) = (make(), make());
    let (mut multi, mut rerun) = (0, 0);
    for pass in ["cold", "warm"] {
        for (name, raw) in corpus {
            let (vr, sr) = rust.verify_routed(raw, now, received, Route::Rust);
            let (vd, sd, rounds, handed_out) = deferred(&web, raw, now, received);
            let (fr, fd) = (facts(&vr, &sr), facts(&vd, &sd));
            if fr != fd {
                let at = fr.bytes().zip(fd.bytes()).take_while(|(a, b)| a == b).count();
                let around = |t: &str| t.get(at.saturating_sub(60)..(at + 60).min(t.len())).unwrap_or("").to_owned();
                panic!(
                    "{pass} {name}: routes differ at {at}:\n rust     {:?} ...{}...\n deferred {:?} ...{}...",
                    sr,
                    around(&fr),
                    sd,
                    around(&fd)
                );
            }
            assert!(rounds <= limits::MAX_CRYPTO_ROUNDS + 1, "{name}: {rounds} rounds");
            multi += usize::from(handed_out > 0);
            rerun += usize::from(rounds > 1);
        }
    }
    assert_eq!(rust.memo.len(), web.memo.len());
    (multi, rerun)
}

#[test]
fn fixtures_agree_on_both_routes() {
    let now = parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let received = Some(parse_rfc3339("2025-06-01T00:00:00Z").unwrap());
    let (multi, rerun) = compare_routes(fixture_verifier, &fixture_messages(), now, received);
    // The deferred route really deferred (RSA and ECDSA fixtures), and bad
    // signatures sent some messages through a second run.
    assert!(multi >= 20, "only {multi} messages had checks handed out");
    assert!(rerun >= 2, "only {rerun} messages needed a second run");
}

#[test]
fn pkits_agrees_on_both_routes() {
    let at = parse_rfc3339("2020-01-01T00:00:00Z").unwrap();
    let (multi, rerun) = compare_routes(pkits_verifier, &pkits_messages(), at, None);
    assert!(multi >= 200, "only {multi} messages had checks handed out");
    assert!(rerun >= 5, "only {rerun} messages needed a second run");
}

#[test]
fn hostile_messages_agree_on_both_routes() {
    // Junk signers over made-up keys: the budget runs out on both routes alike.
    let corpus: Vec<(String, Vec<u8>)> = [(16, 8, 2048), (16, 8, 4096), (4, 2, 4096)]
        .iter()
        .map(|&(s, c, bits)| (format!("many_signers({s}, {c}, {bits})"), hostile::many_signers(s, c, bits, 65537)))
        .collect();
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    compare_routes(fixture_verifier, &corpus, now, Some(now));
    let (v, s) = fixture_verifier().verify_routed(&corpus[1].1, now, None, Route::Rust);
    assert!(s.exhausted, "16 x 8 RSA-4096 should exhaust its budget: {s:?}");
    assert!(v.errors.iter().any(|e| e.code == "work-budget-exceeded"));
}

#[test]
fn no_signature_is_checked_twice() {
    // A verifier that saw the corpus once does no public-key operation on
    // it again, at either validation time, CRL signatures included.
    let v = pkits_verifier();
    let at = parse_rfc3339("2020-01-01T00:00:00Z").unwrap();
    let corpus = pkits_messages();
    let mut first = 0;
    for (_, raw) in &corpus {
        first += v.verify_routed(raw, at, Some(at), Route::Rust).1.public_key_ops;
    }
    // Shared intermediates, roots and CRLs: far fewer operations than
    // messages times checks (about 9 a message each time without the memo).
    assert!(first < 9 * 224, "{first} operations for 224 messages");
    for (name, raw) in &corpus {
        let (_, s) = v.verify_routed(raw, at, Some(at), Route::Rust);
        assert_eq!(s.public_key_ops, 0, "{name}");
    }
}

#[test]
fn remembered_checks_are_still_charged() {
    // Hostile input cannot use checks remembered from earlier messages to
    // escape its budget: each remembered check costs a lookup, and a budget
    // below what the lookups cost is refused as before.
    let v = fixture_verifier();
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let raw = hostile::many_signers(16, 8, 2048, 65537);
    let (_, cold) = v.verify_routed(&raw, now, None, Route::Rust);
    let (verdict, warm) = v.verify_routed(&raw, now, None, Route::Rust);
    assert_eq!(cold.public_key_ops, 128, "{cold:?}");
    assert_eq!(warm.public_key_ops, 0, "{warm:?}");
    assert!(warm.memo_hits >= 128, "{warm:?}");
    assert!(warm.units >= warm.memo_hits * limits::WORK_UNITS_MEMO_LOOKUP);
    assert!(verdict.errors.iter().any(|e| e.code == "bad-signature"));
    let mut tight = WorkBudget::with_seam(warm.units / 2, v.memo.clone(), MessageChecks::new(Route::Rust));
    let refused = v.verify_with_budget(&raw, now, None, &mut tight);
    assert!(tight.stats().exhausted, "{:?} warm {warm:?}", tight.stats());
    assert!(refused.errors.iter().any(|e| e.code == "work-budget-exceeded"), "{:?}", refused.errors);
    // A valid message whose checks are all remembered, under a budget just
    // below what its lookups and the rest of its work cost: refused.
    let (_, raw) = fixture_messages().into_iter().find(|(n, _)| n.ends_with("messages/rsa2048-sha256-detached.eml")).unwrap();
    let (ok, _) = v.verify_routed(&raw, now, None, Route::Rust);
    let (again, s) = v.verify_routed(&raw, now, None, Route::Rust);
    assert_eq!(ok, again);
    assert_eq!(s.public_key_ops, 0);
    // The budget grows by the one pass of hashing the content it grants.
    let granted = s.limit - limits::MAX_WORK_UNITS_PER_MESSAGE;
    let mut tight = WorkBudget::with_seam(s.units - granted - 1, v.memo.clone(), MessageChecks::new(Route::Rust));
    let refused = v.verify_with_budget(&raw, now, None, &mut tight);
    assert!(tight.stats().exhausted, "{:?} warm {s:?}", tight.stats());
    assert!(refused.errors.iter().any(|e| e.code == "work-budget-exceeded"), "{:?}", refused.errors);
    assert_ne!(refused.status.as_deref(), Some("signed/verified"));
}

#[test]
fn rounds_are_bounded() {
    // A caller that never answers: after MAX_CRYPTO_ROUNDS the Rust route
    // does the checks and the run ends with the verdict.
    let v = fixture_verifier();
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let (_, raw) = fixture_messages().into_iter().find(|(n, _)| n.ends_with("messages/rsa2048-sha256-detached.eml")).unwrap();
    let want = fixture_verifier().verify(&raw, now, None);
    let mut checks = MessageChecks::new(Route::Deferred);
    let mut pending_rounds = 0;
    let verdict = loop {
        match v.verify_step(&raw, now, None, &mut checks) {
            Step::Done(verdict, _) => break *verdict,
            Step::Pending(_) => pending_rounds += 1,
        }
        assert!(pending_rounds <= limits::MAX_CRYPTO_ROUNDS, "more rounds than the limit");
    };
    assert_eq!(pending_rounds, limits::MAX_CRYPTO_ROUNDS);
    assert_eq!(checks.route(), Route::Rust);
    assert_eq!(verdict, want);
}
