//! Two readers of every author field in tests/fixtures/address-cases.tsv:
//! ours (the MIME layer, then src/address.rs, as the verifier and the server
//! read a message) and Python's email package (policy.default, through
//! tests/fixtures/address-python.py). Per row: both read the same mailboxes
//! (display names, local parts, domains; one field; no Python defect beyond
//! a non-ASCII local part), or we refuse. Each row also states our reading,
//! so the table is a golden test of the parser too.

#[path = "common/address_cases.rs"]
mod address_cases;

use std::io::Write;
use std::process::{Command, Stdio};

use address_cases::{cases, Case, Expect};
use jmap_smime::address::{self, Mailbox};
use jmap_smime::mime;
use serde_json::Value;

/// The message both readers parse: the field, then fixed headers.
fn message(c: &Case) -> Vec<u8> {
    let mut raw = format!("{}:", c.field).into_bytes();
    if !c.value.is_empty() {
        raw.push(b' ');
    }
    raw.extend_from_slice(&c.value);
    raw.extend_from_slice(b"\r\nSubject: differential\r\nMessage-ID: <differential@example.org>\r\n\r\nbody\r\n");
    raw
}

/// Our reading, as src/verifier.rs and src/server/mail.rs do it.
fn ours(c: &Case) -> jmap_smime::Result<Vec<Mailbox>> {
    let raw = message(c);
    let root = mime::parse(&raw)?;
    let values: Vec<&str> = root.headers_named(&c.field).map(|h| h.value).collect();
    match c.field.as_str() {
        "From" => address::from_field(&values),
        "Sender" => address::sender_field(&values).map(|m| m.into_iter().collect()),
        _ => match values.as_slice() {
            [one] => address::parse_address_list(&c.field, one),
            _ => panic!("{}: {} {} fields", c.id, values.len(), c.field),
        },
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Python's reading of every row, by id.
fn python(cases: &[Case]) -> std::collections::HashMap<String, Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/address-python.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed (scripts/setup.sh needs it too)");
    let mut input = String::new();
    for c in cases {
        input.push_str(&serde_json::json!({"id": c.id, "field": c.field, "raw": hex(&message(c))}).to_string());
        input.push('\n');
    }
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "address-python.py failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_owned(), v)
        })
        .collect()
}

fn triple(m: &Mailbox) -> (Option<String>, String, String) {
    (m.name.clone(), m.local_part.clone(), m.domain.clone())
}

/// A display name for the comparison with Python: trimmed (RFC 8621
/// §4.1.2.3; Python keeps the spaces inside quotes), empty is none; with
/// `ews`, all white space removed (Python keeps the white space between
/// adjacent encoded-words that RFC 2047 §6.2 drops).
fn name_for_python(n: Option<&str>, ews: bool) -> String {
    let n = n.unwrap_or("").trim();
    if ews {
        n.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        n.to_owned()
    }
}

/// Python read one field without error or defect (a non-ASCII local part
/// aside).
fn python_clean(py: &Value) -> bool {
    py["error"].is_null()
        && py["fields"] == 1
        && py["defects"].as_array().unwrap().iter().all(|d| d.as_str() == Some("NonASCIILocalPartDefect"))
}

/// Why Python's reading differs from ours, if it does.
fn python_disagrees(c: &Case, mine: &[Mailbox], py: &Value) -> Option<String> {
    if let Some(e) = py["error"].as_str() {
        return Some(format!("Python raised {e}"));
    }
    if py["fields"] != 1 {
        return Some(format!("Python sees {} {} fields", py["fields"], c.field));
    }
    let defects: Vec<&str> = py["defects"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    if defects.iter().any(|d| *d != "NonASCIILocalPartDefect") {
        return Some(format!("Python flags {defects:?}"));
    }
    let theirs = py["mailboxes"].as_array().unwrap();
    if theirs.len() != mine.len() {
        return Some(format!("Python reads {} mailboxes: {theirs:?}", theirs.len()));
    }
    let ews = c.python == "ews";
    for (m, t) in mine.iter().zip(theirs) {
        let (tn, tl, td) = (t[0].as_str().unwrap(), t[1].as_str().unwrap(), t[2].as_str().unwrap());
        if tl != m.local_part || td != m.domain {
            return Some(format!("Python reads {tl}@{td}, we read {}", m.addr_spec));
        }
        if name_for_python(Some(tn), ews) != name_for_python(m.name.as_deref(), ews) {
            return Some(format!("Python reads the name {tn:?}, we read {:?}", m.name));
        }
    }
    None
}

#[test]
fn author_fields_agree_with_python_or_are_refused() {
    let cases = cases();
    let py = python(&cases);
    let mut failures = Vec::new();
    let (mut accepted, mut refused, mut python_other) = (0, 0, 0);
    let mut stricter = Vec::new();
    for c in &cases {
        let got = ours(c);
        // Golden: our own reading.
        match (&c.expect, &got) {
            (Expect::Refuse(code, why), Err(e)) => {
                if e.code != *code || !e.detail.contains(why.as_str()) {
                    failures.push(format!("{}: refused as {}: {:?}, want {code} with {why:?}", c.id, e.code, e.detail));
                }
            }
            (Expect::Accept(want), Ok(boxes)) => {
                let have: Vec<_> = boxes.iter().map(triple).collect();
                if &have != want {
                    failures.push(format!("{}: we read {have:?}, table says {want:?}", c.id));
                }
            }
            (Expect::Refuse(..), Ok(b)) => {
                failures.push(format!("{}: accepted {:?}, table says refuse", c.id, b.iter().map(triple).collect::<Vec<_>>()))
            }
            (Expect::Accept(_), Err(e)) => failures.push(format!("{}: refused ({e}), table says accept", c.id)),
        }
        // Differential: what we accept, Python reads the same way.
        let p = py.get(&c.id).unwrap_or_else(|| panic!("{}: no Python reading", c.id));
        match &got {
            Ok(boxes) => {
                accepted += 1;
                if let Some(why) = python_disagrees(c, boxes, p) {
                    failures.push(format!("{}: accepted, but {why}", c.id));
                }
            }
            Err(_) => {
                refused += 1;
                if python_clean(p) {
                    stricter.push(c.id.as_str());
                } else {
                    python_other += 1;
                }
            }
        }
    }
    println!(
        "address differential: {} rows, {accepted} accepted and read alike by Python, {refused} refused ({python_other} read otherwise or flagged by Python; Python reads cleanly, without a defect, what we refuse in: {})",
        cases.len(),
        stricter.join(", ")
    );
    assert!(failures.is_empty(), "{} of {} rows fail:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(accepted >= 40 && refused >= 40, "the table lost its breadth");
}

/// The reference server's Email/get shows what the verifier compared: the
/// same mailboxes for an accepted field, no address (`[]`) for a refused one
/// (src/server/mail.rs `addresses`).
#[cfg(feature = "server")]
#[test]
fn server_shows_what_the_verifier_read() {
    let mut failures = Vec::new();
    for c in cases() {
        let parsed = jmap_smime::server::mail::parse(&message(&c), "blob");
        let prop = c.field.to_ascii_lowercase();
        let shown = &parsed.headers[&prop];
        let want = match ours(&c) {
            Ok(boxes) => Value::Array(boxes.iter().map(|m| serde_json::json!({"name": m.name, "email": m.addr_spec})).collect()),
            // A header block the MIME layer refuses is shown as one opaque
            // part with no author fields at all.
            Err(e) if e.code == jmap_smime::Code::AmbiguousMime => Value::Null,
            Err(_) => serde_json::json!([]),
        };
        if *shown != want {
            failures.push(format!("{}: the server shows {shown}, the verifier read {want}", c.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
