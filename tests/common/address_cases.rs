//! tests/fixtures/address-cases.tsv: author-field values with our expected
//! reading, shared by tests/address_differential.rs (against Python) and
//! tests/address_verdicts.rs (through the verifier).
#![allow(dead_code)]

use std::path::Path;

/// What we expect the strict parser to do with a row's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Refused (address-unparseable), the detail containing this text.
    Refuse(String),
    /// Accepted: (display name, local part, domain) per mailbox.
    Accept(Vec<(Option<String>, String, String)>),
}

#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    /// From, Sender or To.
    pub field: String,
    /// The raw field value (escapes resolved).
    pub value: Vec<u8>,
    pub expect: Expect,
    /// How Python's reading compares: "same", "ews" (Python keeps the
    /// white space between adjacent encoded-words, RFC 2047 §6.2 drops it),
    /// or "-" for a refused row.
    pub python: String,
    pub note: String,
}

/// `\r \n \t \0 \\ \xHH \u{H..}`; any other backslash is an error.
pub fn unescape(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            let mut b = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            continue;
        }
        match it.next() {
            Some('r') => out.push(b'\r'),
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('0') => out.push(0),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let h: String = it.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&h, 16).unwrap_or_else(|_| panic!("bad \\x in {s:?}")));
            }
            Some('u') => {
                assert_eq!(it.next(), Some('{'), "bad \\u in {s:?}");
                let h: String = it.by_ref().take_while(|c| *c != '}').collect();
                let c = char::from_u32(u32::from_str_radix(&h, 16).unwrap()).unwrap();
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
            other => panic!("unknown escape \\{other:?} in {s:?}"),
        }
    }
    out
}

pub fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/address-cases.tsv");
    let text = std::fs::read_to_string(path).expect("address-cases.tsv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id\tfield\tvalue\texpect\tpython\tnote"), "address-cases.tsv columns changed");
    let mut out: Vec<Case> = Vec::new();
    for l in lines.filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = l.split('\t').collect();
        assert!(c.len() >= 5, "short row: {l}");
        let expect = match c[3].strip_prefix("refuse:") {
            Some(why) => Expect::Refuse(why.to_owned()),
            None => {
                let v: serde_json::Value = serde_json::from_str(c[3]).unwrap_or_else(|e| panic!("{}: expect: {e}", c[0]));
                Expect::Accept(
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|m| {
                            let m = m.as_array().unwrap();
                            (m[0].as_str().map(str::to_owned), m[1].as_str().unwrap().to_owned(), m[2].as_str().unwrap().to_owned())
                        })
                        .collect(),
                )
            }
        };
        assert!(!out.iter().any(|o| o.id == c[0]), "duplicate id {}", c[0]);
        assert!(matches!(c[1], "From" | "Sender" | "To"), "{}: field {}", c[0], c[1]);
        assert_eq!(matches!(expect, Expect::Refuse(_)), c[4] == "-", "{}: the python column is '-' exactly on refused rows", c[0]);
        out.push(Case {
            id: c[0].into(),
            field: c[1].into(),
            value: unescape(c[2]),
            expect,
            python: c[4].into(),
            note: c.get(5).unwrap_or(&"").to_string(),
        });
    }
    out
}
