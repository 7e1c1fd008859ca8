//! Unit tables for the parser's API; the wide table of tricky fields, read
//! by Python too, is tests/address_differential.rs.

use super::*;

fn boxes(r: &[Mailbox]) -> Vec<(Option<&str>, &str)> {
    r.iter().map(|m| (m.name.as_deref(), m.addr_spec.as_str())).collect()
}

#[test]
fn from_table() {
    #[allow(clippy::type_complexity)]
    let ok: &[(&str, &[(Option<&str>, &str)])] = &[
        ("alice@example.com", &[(None, "alice@example.com")]),
        (" Alice Example <alice@example.com> ", &[(Some("Alice Example"), "alice@example.com")]),
        (
            "\"Example, Alice\" <alice@example.com>, bob@example.org",
            &[(Some("Example, Alice"), "alice@example.com"), (None, "bob@example.org")],
        ),
        ("alice@example.com (Alice <not@this.one>)", &[(None, "alice@example.com")]),
        ("\"mallory@evil.example\" <alice@example.com>", &[(Some("mallory@evil.example"), "alice@example.com")]),
        ("=?utf-8?q?Ren=C3=A9?= <rene@example.fr>", &[(Some("Ren\u{e9}"), "rene@example.fr")]),
        ("=?utf-8?q?A?= =?utf-8?q?B?= <a@x.example>", &[(Some("AB"), "a@x.example")]),
        ("=?utf-8?q?A?= (c) =?utf-8?q?B?= <a@x.example>", &[(Some("A B"), "a@x.example")]),
        ("\"a b\"@x.example", &[(None, "\"a b\"@x.example")]),
        ("\"ab\"@x.example", &[(None, "ab@x.example")]),
        ("Alice\r\n <alice@example.com>", &[(Some("Alice"), "alice@example.com")]),
        ("<alice @ example.com>", &[(None, "alice@example.com")]),
        ("Jos\u{e9} <jos\u{e9}@ex\u{e4}mple.com>", &[(Some("Jos\u{e9}"), "jos\u{e9}@ex\u{e4}mple.com")]),
    ];
    for (v, want) in ok {
        let got = parse_from(v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
        assert_eq!(boxes(&got), *want, "{v:?}");
    }
    let refused: &[(&str, &str)] = &[
        ("Alice <alice@example.com>: bob@example.com;", "group"),
        ("Team: alice@example.com, bob@example.com;", "group"),
        ("Al\\ice <a@x.example>", "backslash"),
        ("Alice <a@x.example>\rSender: b@y.example", "bare CR"),
        ("Mallory <m@evil.example>\n <a@x.example>", "bare LF"),
        ("a\0b@x.example", "NUL"),
        ("John Q. Public <j@x.example>", "obsolete phrase"),
        ("<@relay.example:a@x.example>", "source route"),
        ("a@x.example,,b@y.example", "empty mailbox"),
        ("a@x.example.", "ends with a dot"),
        ("a@[192.0.2.1]", "domain literal"),
        ("a . b@x.example", "obsolete local-part"),
        ("a@b@x.example", "unexpected '@'"),
        ("\"=?utf-8?q?Alice?=\" <a@x.example>", "quoted"),
        ("=?koi8-r?b?9MXT1A==?= <a@x.example>", "encoded-word"),
        ("=?utf-8?b?QQ==?=<a@x.example>", "white space"),
        ("=?utf-8?q?a=0Ab?= <a@x.example>", "bare LF"),
        ("Al\u{202e}ice <a@x.example>", "U+202E"),
        ("a\u{fffd}@x.example", "not UTF-8"),
        ("Alice <a@x.example", "not closed"),
        ("Alice <a@x.example> Bob <b@y.example>", "separated by ','"),
        ("", "empty"),
        ("a@x.example (open", "comment is not closed"),
    ];
    for (v, why) in refused {
        let e = parse_from(v).expect_err(v);
        assert_eq!(e.code, Code::AddressUnparseable, "{v:?}");
        assert!(e.detail.contains(why), "{v:?}: {} lacks {why:?}", e.detail);
    }
}

#[test]
fn sender_lists_and_bare_addresses() {
    assert_eq!(parse_sender("Bob <bob@example.com> (c)").unwrap().addr_spec, "bob@example.com");
    assert!(parse_sender("a@x.example, b@y.example").unwrap_err().detail.contains("exactly one"));
    assert!(parse_sender("G: a@x.example;").is_err());
    let l = parse_address_list("To", "undisclosed-recipients:;, a@x.example, G: b@y.example, C <c@z.example>;").unwrap();
    assert_eq!(boxes(&l), [(None, "a@x.example"), (None, "b@y.example"), (Some("C"), "c@z.example")]);
    assert!(parse_address_list("To", "A: B: b@y.example;;").is_err()); // nested group
    assert!(parse_address_list("To", ": b@y.example;").is_err());
    for bad in ["<a@x.example>", "a@x.example (c)", " a@x.example", "a@x.example ", "Alice <a@x.example>", "a@x.example\r\n "] {
        assert!(parse_addr_spec(bad).is_err(), "{bad:?}");
    }
    let m = parse_addr_spec("\"a@b\"@x.example").unwrap();
    assert_eq!((m.local_part.as_str(), m.domain.as_str()), ("a@b", "x.example"));
    assert!(parse_addr_spec("invalid@address@example.com").is_err());
}

#[test]
fn field_counts() {
    assert_eq!(from_field(&["a@x.example"]).unwrap().len(), 1);
    assert!(from_field(&[]).unwrap_err().detail.contains("0 From fields"));
    assert!(from_field(&["a@x.example", "b@y.example"]).unwrap_err().detail.contains("2 From fields"));
    assert_eq!(sender_field(&[]).unwrap(), None);
    assert!(sender_field(&["a@x.example", "a@x.example"]).is_err());
}

#[test]
fn headers_round_trip() {
    for v in ["\"A \\\"B\\\" C\" <a@x.example>", "=?utf-8?q?=3D=3Fx?= <a@x.example>", "\"a b\"@x.example", "Ren\u{e9} <r@x.example>"] {
        let m = parse_from(v).unwrap();
        let again = parse_from(&m[0].to_header()).unwrap();
        assert_eq!(m, again, "{v:?} -> {}", m[0].to_header());
    }
}

#[test]
fn server_comparison() {
    let parsed = parse_from("Bob  Smith <Bob@Example.com>, carol@b\u{fc}cher.example").unwrap();
    let same = [(Some("Bob Smith"), "bob@example.com"), (None, "carol@xn--bcher-kva.example")];
    assert_eq!(compare_with_server(&parsed, &same), Agreement::Same);
    let renamed = [(Some("Bank CEO"), "bob@example.com"), (None, "carol@xn--bcher-kva.example")];
    assert_eq!(compare_with_server(&parsed, &renamed), Agreement::NamesDiffer);
    let other = [(Some("Bob Smith"), "mallory@example.com"), (None, "carol@xn--bcher-kva.example")];
    assert_eq!(compare_with_server(&parsed, &other), Agreement::AddressesDiffer);
    assert_eq!(compare_with_server(&parsed, &same[..1]), Agreement::AddressesDiffer);
    let junk = [(Some("Bob Smith"), "bob@example.com (x)"), (None, "carol@xn--bcher-kva.example")];
    assert_eq!(compare_with_server(&parsed, &junk), Agreement::AddressesDiffer);
}
