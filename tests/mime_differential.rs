//! Differential MIME test: our part tree against Python's `email` package
//! (policy=default), printed by tests/fixtures/mime_tree.py.
//!
//! - tests/fixtures/mime-ambiguity.tsv: tricky inputs, each with its expected
//!   outcome. `agree`: we accept the message and our tree equals Python's;
//!   `refuse`: the message is refused with `ambiguous-mime`, by the parser or
//!   where its signature scope is decided (`verify_signatures`). Every row
//!   runs with LF and with CRLF line ends.
//! - Every fixture message (honest mail, signed every way we support) must
//!   agree with Python and not be refused.
//!
//! A tree is the depth-first list of entities: IMAP path, content type,
//! boundary (multiparts), header field names, and the raw body of entities
//! without parts. One difference is not a reading of the structure and is
//! projected away: Python drops the final line break of a part that runs to
//! the end of an unclosed multipart; we keep it (the ranges stay those of
//! RFC 2046 §5.1.1, and multipart/signed must be closed anyway, R18). The
//! bodies of multiparts are not compared (Python keeps only the preamble of
//! one without parts), their parts are.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use jmap_smime::mime::{self, decode::base64_encode, Entity};
use jmap_smime::{verify_signatures, Code, Policy};
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `\n`, `\r`, `\t`, `\\` and `\xHH` escapes.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            let (byte, len) = match b[i + 1] {
                b'n' => (b'\n', 2),
                b'r' => (b'\r', 2),
                b't' => (b'\t', 2),
                b'\\' => (b'\\', 2),
                b'x' => (u8::from_str_radix(&s[i + 2..i + 4], 16).unwrap(), 4),
                c => panic!("unknown escape \\{} in {s}", c as char),
            };
            out.push(byte);
            i += len;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Every LF not already preceded by CR becomes CRLF.
fn crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 16);
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\n' && (i == 0 || raw[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Python's reading of each (name, raw) message.
fn python_trees(items: &[(String, Vec<u8>)]) -> Vec<Value> {
    let batch: Vec<Value> = items.iter().map(|(n, raw)| json!({"name": n, "raw": base64_encode(raw)})).collect();
    let mut child = Command::new("python3")
        .arg(root().join("tests/fixtures/mime_tree.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed (it is on every supported machine)");
    child.stdin.take().unwrap().write_all(serde_json::to_string(&batch).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "mime_tree.py failed");
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), items.len());
    results
}

fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

fn strip_eol(b: &[u8]) -> &[u8] {
    b.strip_suffix(b"\r\n").or_else(|| b.strip_suffix(b"\n")).or_else(|| b.strip_suffix(b"\r")).unwrap_or(b)
}

/// `in_multipart`: some ancestor is a multipart. Python drops the final line
/// break of the last entity read in a part that runs to the end of the input.
fn our_nodes(e: &Entity, raw: &[u8], in_multipart: bool, out: &mut Vec<Value>) {
    let multipart = e.content_type.is_multipart();
    let boundary = multipart.then(|| e.content_type.param("boundary")).flatten();
    let body = (e.children.is_empty() && !multipart).then(|| {
        let body = e.raw_body(raw);
        latin1(if in_multipart && e.end == raw.len() { strip_eol(body) } else { body })
    });
    let headers: Vec<&str> = e.headers.iter().map(|h| h.name).collect();
    out.push(json!({"path": e.path, "type": e.content_type.value, "boundary": boundary, "headers": headers, "body": body}));
    for c in &e.children {
        our_nodes(c, raw, in_multipart || multipart, out);
    }
}

/// Ours beside Python's, with the bodies that are not compared set to null
/// on both sides: multiparts' (Python keeps the preamble there, we the whole
/// body; their parts are compared instead) and message/* parts Python does
/// not descend into.
fn trees(root: &Entity, raw: &[u8], python: &[Value]) -> (Vec<Value>, Vec<Value>) {
    let mut ours = Vec::new();
    our_nodes(root, raw, false, &mut ours);
    let mut theirs = python.to_vec();
    for (a, b) in ours.iter_mut().zip(theirs.iter_mut()) {
        if a["body"].is_null() || b["body"].is_null() {
            a["body"] = Value::Null;
            b["body"] = Value::Null;
        }
    }
    (ours, theirs)
}

/// `Some(detail)` when the message is refused as ambiguous.
fn refusal(raw: &[u8]) -> Option<String> {
    match mime::parse(raw) {
        Err(e) if e.code == Code::AmbiguousMime => return Some(e.detail),
        Err(e) => panic!("parse failed with {e} (not ambiguous-mime)"),
        Ok(_) => {}
    }
    let report = verify_signatures(raw, &Policy::default());
    report.errors.iter().find(|p| p.code == Code::AmbiguousMime.code()).map(|p| p.message.clone())
}

/// Agreement with Python: `Err(why)` when the trees differ.
fn agreement(raw: &[u8], python: &Value) -> Result<(), String> {
    let Some(theirs) = python["tree"].as_array() else { return Err(format!("Python failed: {}", python["error"])) };
    let (ours, theirs) = trees(&mime::parse(raw).map_err(|e| e.to_string())?, raw, theirs);
    if ours == theirs {
        return Ok(());
    }
    Err(format!("\n  ours:   {}\n  python: {}", Value::Array(ours), Value::Array(theirs)))
}

struct Row {
    name: String,
    expect: String,
    raw: Vec<u8>,
}

fn table() -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/mime-ambiguity.tsv")).unwrap();
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "row {line:?}");
        assert!(matches!(cols[1], "agree" | "refuse"), "{}: expect is agree or refuse", cols[0]);
        let raw = unescape(cols[2]);
        for (variant, raw) in [("lf", raw.clone()), ("crlf", crlf(&raw))] {
            rows.push(Row { name: format!("{}/{variant}", cols[0]), expect: cols[1].to_owned(), raw });
        }
    }
    rows
}

#[test]
fn table_rows_agree_with_python_or_are_refused() {
    let rows = table();
    assert!(rows.len() >= 100, "the table lost rows");
    let python = python_trees(&rows.iter().map(|r| (r.name.clone(), r.raw.clone())).collect::<Vec<_>>());
    let mut failures = Vec::new();
    for (row, theirs) in rows.iter().zip(&python) {
        let refused = refusal(&row.raw);
        let outcome = match (row.expect.as_str(), &refused) {
            ("refuse", Some(_)) => Ok(()),
            ("refuse", None) => Err(format!("accepted; python agrees: {:?}", agreement(&row.raw, theirs).is_ok())),
            (_, Some(why)) => Err(format!("refused: {why}")),
            (_, None) => agreement(&row.raw, theirs),
        };
        if let Err(why) = outcome {
            failures.push(format!("{} (expect {}): {why}", row.name, row.expect));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

#[test]
fn fixture_messages_agree_with_python() {
    let mut items = Vec::new();
    for dir in ["tests/fixtures/messages", "tests/fixtures/trust/messages"] {
        let mut files: Vec<_> = std::fs::read_dir(root().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.into_iter().filter(|f| f.extension().is_some_and(|x| x == "eml")) {
            items.push((f.display().to_string(), std::fs::read(&f).unwrap()));
        }
    }
    assert!(items.len() >= 50, "fixtures missing");
    let python = python_trees(&items);
    let mut failures = Vec::new();
    for ((name, raw), theirs) in items.iter().zip(&python) {
        if let Some(why) = refusal(raw) {
            failures.push(format!("{name}: refused: {why}"));
        } else if let Err(why) = agreement(raw, theirs) {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures differ:\n{}", failures.len(), items.len(), failures.join("\n"));
}
