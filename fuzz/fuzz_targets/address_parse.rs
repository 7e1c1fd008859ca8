//! The strict From/Sender parser (src/address.rs) and the name normalisation
//! (src/identity.rs) on arbitrary input. The first byte picks the entry point
//! (From, Sender, an address-list, a bare addr-spec); the rest is the field
//! value. Besides never panicking, every accepted reading must hold:
//! - each addr-spec has exactly one `@` outside quoted strings, and is the
//!   canonical join of its local part and domain;
//! - no name, local part or domain holds CR, LF, NUL or another control;
//! - written back (`Mailbox::to_header`, joined by commas) and parsed again,
//!   the same mailboxes come out; each addr-spec parses alone to itself;
//! - the domain key is idempotent, and an address with a key is the same
//!   address as itself (and the server comparison calls the list `Same`);
//! - through a whole message, the verifier's reading (the MIME layer, then
//!   `from_field`) and the reference server's Email/get `from` agree.
#![no_main]
use jmap_smime::address::{self, Agreement, Mailbox};
use jmap_smime::identity;
use libfuzzer_sys::fuzz_target;

fn one_at_outside_quotes(s: &str) -> bool {
    let (mut quoted, mut escaped, mut ats) = (false, false, 0usize);
    for c in s.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '@' if !quoted => ats += 1,
            _ => {}
        }
    }
    ats == 1 && !quoted
}

fn clean(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() && c != '\t')
}

fn check_mailboxes(boxes: &[Mailbox], reparse: impl Fn(&str) -> jmap_smime::Result<Vec<Mailbox>>) {
    for m in boxes {
        assert!(one_at_outside_quotes(&m.addr_spec), "{:?}", m.addr_spec);
        assert!(m.addr_spec.ends_with(&format!("@{}", m.domain)));
        assert!(clean(m.name.as_deref().unwrap_or("")) && clean(&m.local_part) && clean(&m.domain), "{m:?}");
        assert!(!m.name.as_deref().is_some_and(|n| n.is_empty() || n.trim() != n), "{m:?}");
        let alone = address::parse_addr_spec(&m.addr_spec).expect("an accepted addr-spec parses alone");
        assert_eq!((&alone.local_part, &alone.domain, &alone.addr_spec), (&m.local_part, &m.domain, &m.addr_spec));
        if let Some(key) = identity::domain_key(&m.domain) {
            assert_eq!(identity::domain_key(&key).as_deref(), Some(key.as_str()), "domain key not idempotent");
            assert!(identity::same_address(&m.addr_spec, &m.addr_spec));
        }
    }
    if boxes.is_empty() {
        return;
    }
    let written: Vec<String> = boxes.iter().map(Mailbox::to_header).collect();
    let again = reparse(&written.join(", ")).unwrap_or_else(|e| panic!("{written:?} does not parse again: {e}"));
    assert_eq!(again, boxes, "{written:?}");
    if boxes.iter().all(|m| identity::address_key(&m.addr_spec).is_some()) {
        let pairs: Vec<(Option<&str>, &str)> = boxes.iter().map(|m| (m.name.as_deref(), m.addr_spec.as_str())).collect();
        assert_eq!(address::compare_with_server(boxes, &pairs), Agreement::Same);
    }
}

/// The verifier's and the server's reading of the From field of a message.
fn message_readings(value: &[u8]) {
    let mut raw = b"From: ".to_vec();
    raw.extend_from_slice(value);
    raw.extend_from_slice(b"\r\nSubject: fuzz\r\n\r\nbody\r\n");
    let Ok(root) = jmap_smime::mime::parse(&raw) else { return };
    let values: Vec<&str> = root.headers_named("From").map(|h| h.value).collect();
    let verifier = address::from_field(&values);
    let server = jmap_smime::server::mail::parse(&raw, "b").headers.get("from").cloned().unwrap_or_default();
    let want = match &verifier {
        Ok(b) => serde_json::Value::Array(b.iter().map(|m| serde_json::json!({"name": m.name, "email": m.addr_spec})).collect()),
        Err(_) if values.is_empty() => serde_json::Value::Null,
        Err(_) => serde_json::json!([]),
    };
    assert_eq!(server, want, "server and verifier read From differently");
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    match sel % 5 {
        0 => {
            if let Ok(b) = address::parse_from(&text) {
                assert!(!b.is_empty());
                check_mailboxes(&b, address::parse_from);
            }
        }
        1 => {
            if let Ok(m) = address::parse_sender(&text) {
                check_mailboxes(std::slice::from_ref(&m), |s| address::parse_sender(s).map(|m| vec![m]));
            }
        }
        2 => {
            if let Ok(b) = address::parse_address_list("To", &text) {
                check_mailboxes(&b, |s| address::parse_address_list("To", s));
            }
        }
        3 => {
            if let Ok(m) = address::parse_addr_spec(&text) {
                assert_eq!(m.name, None);
                check_mailboxes(std::slice::from_ref(&m), |s| address::parse_addr_spec(s).map(|m| vec![m]));
            }
            if let Some(k) = identity::domain_key(&text) {
                assert!(k.is_ascii() && !k.ends_with('.') && identity::domain_key(&k).as_deref() == Some(k.as_str()));
            }
            let _ = address::decode_unstructured(&text);
        }
        _ => message_readings(rest),
    }
});
