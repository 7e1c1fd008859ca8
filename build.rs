//! Embeds test fixtures for the browser tests, which cannot read files:
//! - `$OUT_DIR/fixtures.rs`: `FIXTURES`, the generated messages
//!   (tests/fixtures/messages/*.eml, by file name) for tests/wasm_vectors.rs;
//! - `$OUT_DIR/trust_files.rs`: `TRUST_FILES`, every file under
//!   tests/fixtures/trust/ and tests/fixtures/pki/*.pem, by repo-relative
//!   path, for tests/wasm_trust.rs.
//!
//! Only test binaries include these files; the library does not.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=tests/fixtures/messages");
    println!("cargo:rerun-if-changed=tests/fixtures/trust");
    println!("cargo:rerun-if-changed=tests/fixtures/pki");

    let dir = root.join("tests/fixtures/messages");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|n| n.ends_with(".eml")).collect())
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("/// Every fixture message: (file name, bytes).\npub static FIXTURES: &[(&str, &[u8])] = &[\n");
    for n in &names {
        let _ = writeln!(out, "    ({n:?}, include_bytes!({:?})),", dir.join(n).display().to_string());
    }
    out.push_str("];\n");
    write_out("fixtures.rs", &out);

    let mut files = Vec::new();
    walk(&root.join("tests/fixtures/trust"), &mut files);
    if let Ok(rd) = std::fs::read_dir(root.join("tests/fixtures/pki")) {
        files.extend(rd.filter_map(|e| Some(e.ok()?.path())).filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "pem")));
    }
    let mut rel: Vec<(String, PathBuf)> =
        files.into_iter().filter_map(|p| Some((p.strip_prefix(root).ok()?.to_str()?.replace('\\', "/"), p))).collect();
    rel.sort();
    let mut out = String::from(
        "/// The trust fixtures and the test PKI's PEM files: (repo-relative path, bytes).\npub static TRUST_FILES: &[(&str, &[u8])] = &[\n",
    );
    for (r, p) in &rel {
        let _ = writeln!(out, "    ({r:?}, include_bytes!({:?})),", p.display().to_string());
    }
    out.push_str("];\n");
    write_out("trust_files.rs", &out);
}

/// Every file below `dir`, recursively.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn write_out(name: &str, text: &str) {
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join(name);
    if let Err(e) = std::fs::write(&dest, text) {
        println!("cargo:warning=could not write {}: {e}", dest.display());
    }
}
