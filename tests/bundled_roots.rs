//! The committed anchor file (assets/roots/email-roots.der, made by
//! scripts/gen-bundled-roots.sh) parses, agrees with its manifest, and every
//! key is one the verifier can use; malformed and oversized files fail.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use jmap_smime::asn1::{self, Tag};
use jmap_smime::cms::alg::{decode_key, describe_key};
use jmap_smime::limits::MAX_TRUST_ANCHORS;
use jmap_smime::pki::bundled;

use common::der;

fn roots_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/roots")
}

fn anchor_file() -> Vec<u8> {
    std::fs::read(roots_dir().join("email-roots.der")).expect("assets/roots/email-roots.der")
}

/// (label, sha256) of each manifest row, in order; comment lines skipped.
fn manifest_rows() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(roots_dir().join("manifest.tsv")).expect("assets/roots/manifest.tsv");
    assert!(text.starts_with("# NSS "), "manifest must start with the NSS version line");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(lines.next(), Some("label\tsha256\tsubject\tnot_after"), "manifest columns changed");
    lines
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "manifest row: {l}");
            (cols[0].to_owned(), cols[1].to_owned())
        })
        .collect()
}

/// The raw entries of an anchor file.
fn entries(file: &[u8]) -> Vec<Vec<u8>> {
    let top = asn1::parse_single(file).unwrap();
    let mut r = top.children().unwrap();
    let mut out = Vec::new();
    while let Some(e) = r.next_tlv().unwrap() {
        out.push(e.raw.to_vec());
    }
    out
}

fn file_of(entries: &[Vec<u8>]) -> Vec<u8> {
    der(0x30, &entries.concat())
}

#[test]
fn committed_file_matches_manifest() {
    let anchors = bundled::parse(&anchor_file()).expect("committed anchor file parses");
    let rows = manifest_rows();
    assert!(anchors.len() >= 50, "suspiciously few roots: {}", anchors.len());
    assert_eq!(anchors.len(), rows.len(), "anchors vs manifest rows");
    for (a, (label, _)) in anchors.iter().zip(&rows) {
        assert_eq!(&a.label, label, "file and manifest in the same order");
    }
    let fps: Vec<&String> = rows.iter().map(|(_, fp)| fp).collect();
    assert!(fps.windows(2).all(|w| w[0] < w[1]), "entries sorted by fingerprint, no duplicates");
    assert!(fps.iter().all(|fp| fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit())));
}

#[test]
fn committed_anchors_are_usable() {
    let anchors = bundled::parse(&anchor_file()).unwrap();
    let mut labels = HashSet::new();
    let mut algorithms = BTreeMap::<String, usize>::new();
    for a in &anchors {
        assert!(labels.insert(a.label.clone()), "duplicate label {}", a.label);
        assert!(!a.label.is_empty());
        assert!(!a.subject.rdns.is_empty() && !a.subject.to_display().is_empty(), "{}: empty subject", a.label);
        assert!(a.certificate.is_none());
        if let Err(e) = decode_key(&a.spki, None) {
            panic!("{}: key does not decode: {} ({})", a.label, e.code(), e.detail);
        }
        *algorithms.entry(describe_key(&a.spki)).or_default() += 1;
        if let Some(nc) = &a.name_constraints {
            asn1::parse_single(nc).unwrap().check(Tag::SEQUENCE, "NameConstraints").unwrap();
        }
    }
    let with_nc = anchors.iter().filter(|a| a.name_constraints.is_some()).count();
    println!("{} bundled roots ({with_nc} with name constraints); keys: {algorithms:?}", anchors.len());
}

#[test]
fn truncated_file_is_an_error() {
    let file = anchor_file();
    let mut cuts: Vec<usize> = (0..8).collect();
    cuts.extend((1..file.len()).step_by(997));
    cuts.extend([file.len() / 2, file.len() - 2, file.len() - 1]);
    for n in cuts {
        let e = bundled::parse(&file[..n]).expect_err(&format!("cut at {n} must fail"));
        assert_eq!(e.code(), "malformed", "cut at {n}: {}", e.detail);
    }
    let mut longer = file.clone();
    longer.push(0);
    assert!(bundled::parse(&longer).is_err(), "trailing bytes");
}

#[test]
fn malformed_entries_are_errors() {
    let first = entries(&anchor_file()).remove(0);
    let inner = asn1::parse_single(&first).unwrap();
    let mut r = inner.children().unwrap();
    let label = r.read("label").unwrap().raw.to_vec();
    let subject = r.read("subject").unwrap().raw.to_vec();
    let spki = r.read("spki").unwrap().raw.to_vec();
    let bad = [
        // label not a UTF8String
        der(0x30, &[der(0x13, b"x"), subject.clone(), spki.clone()].concat()),
        // label not UTF-8
        der(0x30, &[der(0x0c, &[0xff]), subject.clone(), spki.clone()].concat()),
        // key missing
        der(0x30, &[label.clone(), subject.clone()].concat()),
        // unknown trailing field
        der(0x30, &[label.clone(), subject.clone(), spki.clone(), der(0x02, &[1])].concat()),
        // name constraints that are not a SEQUENCE
        der(0x30, &[label.clone(), subject.clone(), spki.clone(), der(0xa0, &der(0x04, &der(0x05, &[])))].concat()),
        // entry not a SEQUENCE
        der(0x31, &[label.clone(), subject.clone(), spki.clone()].concat()),
    ];
    for (i, entry) in bad.into_iter().enumerate() {
        assert!(bundled::parse(&file_of(&[entry])).is_err(), "bad entry {i} accepted");
    }
    assert!(bundled::parse(&der(0x31, &first)).is_err(), "outer SET");
    assert_eq!(bundled::parse(&der(0x30, &[])).unwrap().len(), 0, "an empty file is an empty store");
}

#[test]
fn name_constraints_are_carried() {
    let first = entries(&anchor_file()).remove(0);
    let content = asn1::parse_single(&first).unwrap().content.to_vec();
    // NameConstraints { permittedSubtrees [0] { GeneralSubtree { rfc822Name "example.org" } } }
    let nc = der(0x30, &der(0xa0, &der(0x30, &der(0x81, b"example.org"))));
    let entry = der(0x30, &[content, der(0xa0, &der(0x04, &nc))].concat());
    let anchors = bundled::parse(&file_of(&[entry])).unwrap();
    assert_eq!(anchors.len(), 1);
    assert_eq!(anchors[0].name_constraints.as_deref(), Some(nc.as_slice()));
}

#[test]
fn max_trust_anchors_trips() {
    let first = entries(&anchor_file()).remove(0);
    let at_limit = vec![first.clone(); MAX_TRUST_ANCHORS];
    assert_eq!(bundled::parse(&file_of(&at_limit)).unwrap().len(), MAX_TRUST_ANCHORS);
    let over = vec![first; MAX_TRUST_ANCHORS + 1];
    let e = bundled::parse(&file_of(&over)).expect_err("one entry too many");
    assert_eq!(e.code(), "limit-exceeded", "{}", e.detail);
}
