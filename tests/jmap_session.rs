//! JMAP Session parsing on recorded sessions: one shaped like Debian's Cyrus
//! 3.6 (relative URLs, accountCapabilities null, no smimeverify) and one like
//! an RFC 9219 server (absolute URLs, smimeverify on one account only).

use jmap_smime::jmap::session::Session;
use jmap_smime::Code;

fn load(name: &str, url: &str) -> Session {
    let json = std::fs::read(format!("{}/tests/recordings/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Session::parse(&json, url).unwrap()
}

#[test]
fn cyrus_like_session() {
    let s = load("cyrus-3.6-session.json", "http://127.0.0.1:8080/jmap");
    assert_eq!(s.api_url, "http://127.0.0.1:8080/jmap/");
    assert_eq!(s.mail_account(), Some("test"));
    // R2: no smimeverify in the session, so never for the account.
    assert!(!s.supports_smime("test"));
    assert_eq!(s.limits.max_objects_in_get, 4096);
    assert_eq!(s.limits.max_calls_in_request, 50);
    assert_eq!(
        s.blob_url("test", "Gd2f7e1a1", "message/rfc822", "message.eml"),
        "http://127.0.0.1:8080/jmap/download/test/Gd2f7e1a1/message.eml?accept=message%2Frfc822"
    );
    assert!(!s.is_stale("0"));
    assert!(s.is_stale("1"));
}

#[test]
fn rfc9219_session() {
    let s = load("rfc9219-session.json", "https://jmap.example.com/.well-known/jmap");
    assert_eq!(s.mail_account(), Some("A13824"));
    // R2: the session advertises it, but only one account does.
    assert!(s.supports_smime("A13824"));
    assert!(!s.supports_smime("A97813"));
    assert!(!s.supports_smime("nope"));
    assert_eq!(s.limits.max_objects_in_get, 100);
    assert_eq!(
        s.blob_url("A13824", "B 1/+", "message/rfc822", "a b.eml"),
        "https://jmap.example.com/download/A13824/B%201%2F%2B/a%20b.eml?type=message%2Frfc822"
    );
}

#[test]
fn bad_sessions_table() {
    let cases: &[(&[u8], Code)] = &[
        (b"not json", Code::Malformed),
        (b"[]", Code::Malformed),
        (br#"{"capabilities":{},"accounts":{},"apiUrl":"/a","downloadUrl":"/d/{accountId}/{blobId}/{name}?{type}","uploadUrl":"/u","state":"s"}"#, Code::Malformed),
        (br#"{"capabilities":{"urn:ietf:params:jmap:core":{}},"accounts":{},"apiUrl":"/a","downloadUrl":"/d/{accountId}/{blobId}","uploadUrl":"/u","state":"s"}"#, Code::Malformed),
        (br#"{"capabilities":{"urn:ietf:params:jmap:core":{}},"accounts":{},"downloadUrl":"/d/{accountId}/{blobId}/{name}?{type}","uploadUrl":"/u","state":"s"}"#, Code::Malformed),
    ];
    for (json, code) in cases {
        assert_eq!(Session::parse(json, "https://x.example/jmap").unwrap_err().code, *code, "{}", String::from_utf8_lossy(json));
    }
    // Defaults: a core capability without limits gets RFC 8620's suggested minimums.
    let ok = br#"{"capabilities":{"urn:ietf:params:jmap:core":{}},"accounts":{"a":{"name":"a"}},"apiUrl":"/a","downloadUrl":"/d/{accountId}/{blobId}/{name}?{type}","uploadUrl":"/u","state":"s"}"#;
    let s = Session::parse(ok, "https://x.example/jmap").unwrap();
    assert_eq!(s.limits.max_calls_in_request, 16);
    assert_eq!(s.mail_account(), Some("a"));
}

#[test]
fn session_size_limit() {
    let mut big = br#"{"capabilities":{"urn:ietf:params:jmap:core":{}},"x":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', jmap_smime::limits::MAX_SESSION_BYTES));
    big.extend_from_slice(b"\"}");
    assert_eq!(Session::parse(&big, "https://x.example/").unwrap_err().code, Code::LimitExceeded);
}

#[test]
fn session_accounts_limit() {
    let make = |n: usize| {
        let accounts: Vec<String> = (0..n).map(|i| format!(r#""a{i}":{{"name":"a{i}"}}"#)).collect();
        format!(
            r#"{{"capabilities":{{"urn:ietf:params:jmap:core":{{}}}},"accounts":{{{}}},"apiUrl":"/a","downloadUrl":"/d/{{accountId}}/{{blobId}}/{{name}}?{{type}}","uploadUrl":"/u","state":"s"}}"#,
            accounts.join(",")
        )
    };
    let max = jmap_smime::limits::MAX_SESSION_ACCOUNTS;
    assert_eq!(Session::parse(make(max + 1).as_bytes(), "https://x.example/").unwrap_err().code, Code::LimitExceeded);
    assert_eq!(Session::parse(make(max).as_bytes(), "https://x.example/").unwrap().accounts.len(), max);
}
