//! Where the structures come from: the fixture tree, NIST PKITS, the JMAP
//! recordings and the demo mailbox. Messages are taken apart with our MIME
//! parser (the oracle is for DER/BER, not MIME).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jmap_smime::cms::signed_data::{parse_content_info, parse_signed_data, ContentKind};
use jmap_smime::mime;
use serde_json::Value;

use super::{Item, Kind};

/// Every file to read, by repository-relative path, and what else pointed
/// at it.
#[derive(Default)]
pub struct Sources {
    pub files: BTreeSet<PathBuf>,
    /// Files named by the recordings and the demo mailbox (all must exist).
    pub referenced: BTreeSet<PathBuf>,
}

/// Recursively, every regular file under `dir` (sorted), skipping `skip`.
fn walk(dir: &Path, skip: &[&str], out: &mut BTreeSet<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if skip.iter().any(|s| p.ends_with(s)) {
            continue;
        }
        if p.is_dir() {
            walk(&p, skip, out);
        } else {
            out.insert(p);
        }
    }
}

/// The files: tests/fixtures (without the generator), PKITS certs/, crls/,
/// smime/, and everything the recordings and the demo mailbox name.
pub fn sources(repo: &Path, pkits: &Path) -> Sources {
    let mut s = Sources::default();
    walk(&repo.join("tests/fixtures"), &["gen"], &mut s.files);
    for sub in ["certs", "crls", "smime"] {
        let d = pkits.join(sub);
        assert!(d.is_dir(), "{} is missing: run `bash scripts/fetch-pkits.sh` (scripts/setup.sh does)", d.display());
        walk(&d, &[], &mut s.files);
    }
    // JMAP recordings: every `"file"` a response serves.
    let mut recs = BTreeSet::new();
    walk(&repo.join("tests/recordings"), &[], &mut recs);
    for r in recs.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(r).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", r.display()));
        json_files(&v, &mut |f| {
            s.referenced.insert(repo.join(f));
        });
    }
    // The demo mailbox: first column, relative to tests/fixtures.
    let demo = std::fs::read_to_string(repo.join("scripts/demo-mailbox.tsv")).unwrap();
    for line in demo.lines().filter(|l| !l.starts_with('#')).skip(1) {
        if let Some(f) = line.split('\t').next().filter(|f| !f.is_empty()) {
            s.referenced.insert(repo.join("tests/fixtures").join(f));
        }
    }
    for f in &s.referenced {
        assert!(f.is_file(), "{} is named by a recording or the demo mailbox but does not exist", f.display());
    }
    s.files.extend(s.referenced.iter().cloned());
    s
}

fn json_files(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("file", Value::String(p)) => f(p),
                    _ => json_files(x, f),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| json_files(x, f)),
        _ => {}
    }
}

/// A short, stable name for a file: relative to tests/fixtures, or
/// `pkits/...`.
pub fn label(path: &Path, repo: &Path, pkits: &Path) -> String {
    if let Ok(p) = path.strip_prefix(repo.join("tests/fixtures")) {
        return p.display().to_string();
    }
    if let Ok(p) = path.strip_prefix(pkits) {
        return format!("pkits/{}", p.display());
    }
    path.strip_prefix(repo).unwrap_or(path).display().to_string()
}

/// The structures in one file.
pub fn items(path: &Path, label: &str) -> Vec<Item> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let data = std::fs::read(path).unwrap();
    let item = |kind, id: String, bytes| Item { id, kind, bytes };
    if name.ends_with(".eml") {
        let mut out = Vec::new();
        message(&data, label, 0, &mut out);
        return out;
    }
    if name.ends_with(".crt") || name.ends_with(".cert.der") {
        return vec![item(Kind::Certificate, label.to_owned(), data)];
    }
    if name.ends_with(".crl") && !data.starts_with(b"-----") {
        return vec![item(Kind::Crl, label.to_owned(), data)];
    }
    if name.ends_with(".pem") || name.ends_with(".crl") {
        return pem(&data)
            .into_iter()
            .enumerate()
            .filter_map(|(i, (tag, der))| {
                let kind = match tag.as_str() {
                    "CERTIFICATE" => Kind::Certificate,
                    "X509 CRL" => Kind::Crl,
                    _ => return None,
                };
                Some(item(kind, format!("{label}#{i}"), der))
            })
            .collect();
    }
    Vec::new()
}

/// PEM blocks: (label, DER).
fn pem(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start..];
        let end_marker = after.find("-----END ").expect("PEM block without END");
        let close = after[end_marker..]
            .find("-----\n")
            .or_else(|| after[end_marker..].find("-----\r"))
            .map(|i| end_marker + i + 5)
            .unwrap_or(after.len());
        let block = &after[..close];
        let (label, der) = der::pem::decode_vec(block.as_bytes()).unwrap_or_else(|e| panic!("PEM block: {e}"));
        out.push((label.to_owned(), der));
        rest = &after[close..];
    }
    out
}

/// Content types that carry CMS bytes.
fn cms_part(e: &mime::Entity) -> bool {
    let ct = e.content_type.value.as_str();
    let ext = e.file_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
    matches!(ct, "application/pkcs7-signature" | "application/x-pkcs7-signature" | "application/pkcs7-mime" | "application/x-pkcs7-mime")
        || (ct == "application/octet-stream" && [".p7m", ".p7s", ".p7c"].iter().any(|x| ext.ends_with(x)))
}

/// Every SignedData in a message, and (for id-data eContent) in the MIME
/// entity it carries, to a small depth.
fn message(raw: &[u8], prefix: &str, depth: usize, out: &mut Vec<Item>) {
    let Ok(root) = mime::parse(raw) else { return };
    for e in root.walk() {
        if !cms_part(e) {
            continue;
        }
        let Ok(body) = e.decoded_body(raw) else { continue };
        let body = body.into_owned();
        // Skip what a reader names as another CMS type (enveloped-data) and
        // neither calls SignedData; keep what neither can read (both refuse).
        let ours_kind = parse_content_info(&body).ok().map(|ci| ci.kind);
        let theirs_kind = super::theirs::content_type(&body);
        let ours_sd = ours_kind == Some(ContentKind::SignedData);
        let theirs_sd = theirs_kind.as_deref() == Some(super::oids::SIGNED_DATA);
        if !ours_sd && !theirs_sd && (ours_kind.is_some() || theirs_kind.is_some()) {
            continue;
        }
        let part = if e.path.is_empty() { "root" } else { e.path.as_str() };
        let id = format!("{prefix}#sd@{part}");
        if depth < 3 {
            if let Some(inner) = econtent_mime(&body) {
                message(&inner, &format!("{id}>"), depth + 1, out);
            }
        }
        out.push(Item { id, kind: Kind::SignedData, bytes: body });
    }
}

/// The eContent of a SignedData when it is id-data (a MIME entity).
fn econtent_mime(body: &[u8]) -> Option<Vec<u8>> {
    let ci = parse_content_info(body).ok()?;
    let sd = parse_signed_data(&ci.content?).ok()?;
    (sd.econtent_type == jmap_smime::asn1::oid::DATA).then_some(())?;
    sd.econtent.map(|c| c.into_owned())
}
