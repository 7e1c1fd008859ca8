//! Differential reading (issue 9 §5): every certificate, CRL and SignedData
//! in tests/fixtures, NIST PKITS (.cache/pkits), the JMAP recordings and the
//! demo mailbox is decoded by this crate and by RustCrypto's `x509-cert` /
//! `cms`; the fields a verdict depends on must agree, or the disagreement
//! must be listed with its reason in tests/fixtures/oracle-exceptions.tsv.
//! An exception that no longer occurs fails the test too.

#[path = "common/oracle/mod.rs"]
mod oracle;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use oracle::{collect, exceptions, ours, theirs, Decoded, Item, Kind, Mismatch};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pkits_dir() -> PathBuf {
    std::env::var_os("PKITS_DIR").map(PathBuf::from).unwrap_or_else(|| repo().join(".cache/pkits"))
}

/// Both readings of one item.
fn read_both(item: &Item) -> (Decoded, Decoded, bool) {
    match item.kind {
        Kind::Certificate => (ours::certificate(&item.bytes), theirs::certificate(&item.bytes), false),
        Kind::Crl => (ours::crl(&item.bytes), theirs::crl(&item.bytes), false),
        Kind::SignedData => {
            let (t, reencoded) = theirs::signed_data(&item.bytes);
            (ours::signed_data(&item.bytes), t, reencoded)
        }
    }
}

#[derive(Default)]
struct Tally {
    compared: BTreeMap<Kind, usize>,
    /// By where the structure was found (first path part; embedded ones count
    /// with their message).
    by_source: BTreeMap<(String, Kind), usize>,
    distinct: BTreeMap<Kind, BTreeSet<Vec<u8>>>,
    both_refused: usize,
    ber_reencoded: usize,
}

/// Reads every item and every structure embedded in one; returns the
/// mismatches.
fn run(items: Vec<Item>, tally: &mut Tally) -> Vec<Mismatch> {
    let mut queue: VecDeque<Item> = items.into();
    let mut mismatches = Vec::new();
    while let Some(item) = queue.pop_front() {
        let (o, t, reencoded) = read_both(&item);
        *tally.compared.entry(item.kind).or_default() += 1;
        *tally.by_source.entry((source(&item.id), item.kind)).or_default() += 1;
        tally.distinct.entry(item.kind).or_default().insert(item.bytes.clone());
        tally.ber_reencoded += usize::from(reencoded);
        tally.both_refused += usize::from(o.is_err() && t.is_err());
        mismatches.extend(oracle::compare(&item, &o, &t));
        // ORACLE_DUMP=part-of-an-id prints both readings, field by field.
        if std::env::var("ORACLE_DUMP").is_ok_and(|d| item.id.contains(&d)) {
            println!("== {} ({})", item.id, item.kind.label());
            for (side, d) in [("ours", &o), ("oracle", &t)] {
                match d {
                    Ok(r) => r.fields.iter().for_each(|(k, v)| println!("{side:>6} {k}: {v}")),
                    Err(e) => println!("{side:>6} refused: {e}"),
                }
            }
        }
        // Certificates and CRLs either reader found inside, each once.
        let mut seen = BTreeSet::new();
        for (kind, bytes) in o.iter().chain(t.iter()).flat_map(|r| r.embedded.iter()) {
            if seen.insert((*kind, bytes.clone())) {
                let tag = if *kind == Kind::Certificate { "cert" } else { "crl" };
                let id = format!("{}/{tag}:{}", item.id, oracle::short_digest(bytes));
                queue.push_back(Item { id, kind: *kind, bytes: bytes.clone() });
            }
        }
    }
    mismatches
}

/// `messages`, `trust`, `pki`, `pkits/smime`, ...
fn source(id: &str) -> String {
    let parts: Vec<&str> = id.split('/').collect();
    match parts.as_slice() {
        ["pkits", sub, ..] => format!("pkits/{sub}"),
        [first, _, ..] => (*first).to_owned(),
        _ => "(top)".to_owned(),
    }
}

fn all_items(repo: &Path, pkits: &Path) -> (Vec<Item>, collect::Sources) {
    let sources = collect::sources(repo, pkits);
    let mut items = Vec::new();
    for f in &sources.files {
        items.extend(collect::items(f, &collect::label(f, repo, pkits)));
    }
    (items, sources)
}

#[test]
fn every_structure_reads_the_same_with_x509_cert_and_cms() {
    let (repo, pkits) = (repo(), pkits_dir());
    let (items, sources) = all_items(&repo, &pkits);
    let mut tally = Tally::default();
    let mismatches = run(items, &mut tally);

    let list_path = repo.join("tests/fixtures/oracle-exceptions.tsv");
    let list = exceptions::parse(&std::fs::read_to_string(&list_path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", list_path.display()));
    let applied = exceptions::apply(&list, &mismatches);

    for k in [Kind::Certificate, Kind::Crl, Kind::SignedData] {
        println!(
            "oracle: {} {} structures compared ({} distinct)",
            tally.compared.get(&k).copied().unwrap_or(0),
            k.label(),
            tally.distinct.get(&k).map_or(0, BTreeSet::len)
        );
    }
    println!(
        "oracle: {} files read ({} named by recordings / demo mailbox), {} SignedData read by the oracle from a DER re-encoding of BER, {} refused by both",
        sources.files.len(),
        sources.referenced.len(),
        tally.ber_reencoded,
        tally.both_refused
    );
    for ((src, k), n) in &tally.by_source {
        println!("oracle:   from {src}: {n} {}", k.label());
    }
    println!("oracle: {} mismatches, {} listed exceptions", mismatches.len(), list.len());
    for (line, n) in &applied.used {
        println!("oracle:   exception line {line}: {n} mismatches");
    }

    let mut failures = Vec::new();
    for m in &applied.unexplained {
        failures.push(format!("unexplained: {m}"));
    }
    for (m, line) in &applied.wrong_side {
        failures.push(format!("exception line {line} names the wrong stricter side for: {m}"));
    }
    for e in &applied.stale {
        failures.push(format!("stale exception (line {}): {} / {} no longer differs; remove it", e.line, e.structure, e.field));
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    // The sweep must actually have read the corpus.
    assert!(tally.compared.get(&Kind::SignedData).copied().unwrap_or(0) >= 224 + 50, "too few SignedData");
    assert!(tally.compared.get(&Kind::Crl).copied().unwrap_or(0) >= 173, "too few CRLs");
}

/// The comparison names the field: our reading of one certificate against
/// the oracle's reading of another differs in exactly the fields that
/// differ between the two.
#[test]
fn a_difference_is_reported_by_field() {
    let pki = repo().join("tests/fixtures/pki");
    let alice = std::fs::read(pki.join("alice.cert.der")).unwrap();
    let bob = std::fs::read(pki.join("bob.cert.der")).unwrap();
    let item = Item { id: "alice-vs-bob".into(), kind: Kind::Certificate, bytes: alice.clone() };
    let ms = oracle::compare(&item, &ours::certificate(&alice), &theirs::certificate(&bob));
    let fields: BTreeSet<&str> = ms.iter().map(|m| m.field.as_str()).collect();
    for f in ["serial", "subject", "spki-key", "signature", "emails", "san"] {
        assert!(fields.contains(f), "{f} not reported: {fields:?}");
    }
    for f in ["issuer", "not-before", "not-after", "version"] {
        assert!(!fields.contains(f), "{f} reported although equal");
    }
    // Refusal on one side is one `decode` mismatch.
    let ms = oracle::compare(&item, &ours::certificate(&alice), &theirs::certificate(&alice[..alice.len() - 1]));
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].field, "decode");
}
