//! The JMAP client's bounds in src/limits.rs, each tripped over recorded
//! exchanges (the parsing and verification bounds are in tests/limits.rs).

mod common;

use common::replay::{block_on, Exchange, Replay, Reply};
use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::jmap::cache::{CacheKey, VerdictCache};
use jmap_smime::jmap::client::{Client, ClientConfig, ClientSource};
use jmap_smime::jmap::request::PageQuery;
use jmap_smime::jmap::transport::HttpResponse;
use jmap_smime::limits::*;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Code, Verdict, Verifier};
use serde_json::{json, Value};

const API: &str = "https://jmap.example.com/api/";

fn now() -> i64 {
    parse_rfc3339("2026-01-01T00:00:00Z").unwrap()
}

fn verifier() -> Verifier {
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(common::fixtures_dir().join("pki/root.cert.pem")).unwrap()).unwrap();
    Verifier { trust, ..Verifier::default() }
}

/// The RFC 9219 page recording with the session's core limits edited.
fn client_with(core: &[(&str, u64)]) -> Client<Replay> {
    let (replay, url) = Replay::load("page-rfc9219.json");
    let mut s = replay.session_json();
    for (k, v) in core {
        s["capabilities"]["urn:ietf:params:jmap:core"][*k] = json!(v);
    }
    replay.set_session_json(&s);
    block_on(Client::connect(replay, &url, ClientConfig::default(), verifier())).unwrap()
}

fn json_reply(body: &Value) -> Reply {
    Reply::Http(HttpResponse {
        status: 200,
        url: String::new(),
        content_type: "application/json".into(),
        body: body.to_string().into_bytes(),
    })
}

fn api(calls: &str, reply: Reply, reusable: bool) -> Exchange {
    Exchange { method: "POST".into(), url: API.into(), calls: Some(vec![calls.into()]), using: None, reusable, response: reply }
}

fn page(limit: u64) -> PageQuery {
    PageQuery { limit, ..PageQuery::default() }
}

#[test]
fn api_response_bytes() {
    let mut client = client_with(&[]);
    let big = "x".repeat(MAX_API_RESPONSE_BYTES + 1);
    let mut x = api("Email/query", json_reply(&json!({"pad": big})), false);
    x.calls = None;
    client.transport().prepend(x);
    assert_eq!(block_on(client.load_page(page(50), now(), &mut |_| {})).unwrap_err().code, Code::LimitExceeded);
}

#[test]
fn download_concurrency() {
    // The server would allow 50 at once; the client keeps to its own bound.
    let mut client = client_with(&[("maxConcurrentRequests", 50)]);
    block_on(client.load_page(page(50), now(), &mut |_| {})).unwrap();
    assert_eq!(client.transport().max_in_flight.get(), MAX_DOWNLOAD_CONCURRENCY);
    // And to the server's, when lower.
    let mut client = client_with(&[("maxConcurrentRequests", 2)]);
    block_on(client.load_page(page(50), now(), &mut |_| {})).unwrap();
    assert_eq!(client.transport().max_in_flight.get(), 2);
}

#[test]
fn page_emails() {
    let mut client = client_with(&[("maxObjectsInGet", 100_000)]);
    block_on(client.load_page(page(100_000), now(), &mut |_| {})).unwrap();
    assert_eq!(client.transport().api_requests()[0]["methodCalls"][0][1]["limit"], json!(MAX_PAGE_EMAILS));
}

#[test]
fn cached_verdicts() {
    let mut cache = VerdictCache::new();
    for i in 0..=MAX_CACHED_VERDICTS {
        cache.put(CacheKey::new(&format!("B{i}"), None, "cfg", 0), Verdict::unsigned());
    }
    assert_eq!(cache.len(), MAX_CACHED_VERDICTS);
    assert!(cache.get(&CacheKey::new("B0", None, "cfg", 0)).is_none(), "the oldest went first");
    assert!(cache.get(&CacheKey::new(&format!("B{MAX_CACHED_VERDICTS}"), None, "cfg", 0)).is_some());
    // Another configuration (trust or policy changed) empties it.
    cache.set_config("other");
    assert!(cache.is_empty());
}

#[test]
fn changes_rounds() {
    let mut client = client_with(&[]);
    let endless = json!({"sessionState": "75128aab4b1b", "methodResponses": [["Email/changes", {
        "accountId": "A13824", "oldState": "s", "newState": "s", "hasMoreChanges": true,
        "created": [], "updated": ["M000"], "destroyed": []}, "c"]]});
    let get = json!({"sessionState": "75128aab4b1b", "methodResponses": [["Email/get", {"accountId": "A13824", "state": "s", "list": [], "notFound": []}, "g0"]]});
    client.transport().prepend(api("Email/get", json_reply(&get), true));
    client.transport().prepend(api("Email/changes", json_reply(&endless), true));
    let c = block_on(client.changes("s0", now(), &mut |_| {})).unwrap();
    assert!(c.has_more_changes, "stopped with changes left: the caller reloads");
    let rounds = client.transport().api_requests().iter().filter(|r| r["methodCalls"][0][0] == "Email/changes").count();
    assert_eq!(rounds, MAX_CHANGES_ROUNDS);
    assert!(client
        .transport()
        .api_requests()
        .iter()
        .all(|r| r["methodCalls"][0][1].get("maxChanges").is_none_or(|m| *m == json!(MAX_CHANGES_PER_CALL))));
}

#[test]
fn changed_emails() {
    let mut client = client_with(&[]);
    let ids: Vec<String> = (0..=MAX_CHANGED_EMAILS).map(|i| format!("M{i}")).collect();
    let many = json!({"sessionState": "75128aab4b1b", "methodResponses": [["Email/changes", {
        "accountId": "A13824", "oldState": "s", "newState": "t", "hasMoreChanges": false,
        "created": [], "updated": ids, "destroyed": []}, "c"]]});
    client.transport().prepend(api("Email/changes", json_reply(&many), false));
    assert_eq!(block_on(client.changes("s", now(), &mut |_| {})).unwrap_err().code, Code::LimitExceeded);
}

#[test]
fn message_bytes_before_download() {
    let (replay, url) = Replay::load("page-rfc9219.json");
    // Email 0 claims a size past MAX_MESSAGE_BYTES: not downloaded.
    {
        let mut xs = replay.exchanges.borrow_mut();
        if let Reply::Http(r) = &mut xs[1].response {
            let mut v: Value = serde_json::from_slice(&r.body).unwrap();
            v["methodResponses"][1][1]["list"][0]["size"] = json!(MAX_MESSAGE_BYTES + 1);
            r.body = v.to_string().into_bytes();
        }
    }
    let mut client = block_on(Client::connect(replay, &url, ClientConfig::default(), verifier())).unwrap();
    let p = block_on(client.load_page(page(50), now(), &mut |_| {})).unwrap();
    assert_eq!(p.items[0].client_source, ClientSource::Skipped);
    assert_eq!(p.items[0].client_error.as_ref().unwrap().code, "limit-exceeded");
    let blob = &p.items[0].email.blob_id;
    assert!(!client.transport().log.borrow().iter().any(|r| r.url.contains(blob.as_str())));
}
