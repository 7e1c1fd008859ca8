//! Embeds the generated fixture messages for the browser test
//! (tests/wasm_vectors.rs), which cannot read files: writes
//! `$OUT_DIR/fixtures.rs` with one `include_bytes!` per message.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/messages");
    println!("cargo:rerun-if-changed=tests/fixtures/messages");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|n| n.ends_with(".eml")).collect())
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("/// Every fixture message: (file name, bytes).\npub static FIXTURES: &[(&str, &[u8])] = &[\n");
    for n in &names {
        let path = dir.join(n);
        let _ = writeln!(out, "    ({n:?}, include_bytes!({:?})),", path.display().to_string());
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("fixtures.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=could not write {}: {e}", dest.display());
    }
}
