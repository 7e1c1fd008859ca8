//! The JMAP client's bounds in src/limits.rs, each tripped over recorded
//! exchanges (the parsing and verification bounds are in tests/limits.rs).

mod common;

use common::{jmap_now as now, root_verifier as verifier};

use common::replay::{block_on, Exchange, Replay, Reply};
use jmap_smime::jmap::cache::{CacheKey, VerdictCache};
use jmap_smime::jmap::client::{Client, ClientConfig, ClientSource};
use jmap_smime::jmap::request::PageQuery;
use jmap_smime::jmap::transport::HttpResponse;
use jmap_smime::limits::*;
use jmap_smime::{Code, Verdict};
use serde_json::{json, Value};

const API: &str = "https://jmap.example.com/api/";

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
        cache.put(CacheKey::new(&format!("B{i}"), None, "cfg", 0), Verdict::unsigned(), 0);
    }
    assert_eq!(cache.len(), MAX_CACHED_VERDICTS);
    assert!(cache.get(&CacheKey::new("B0", None, "cfg", 0), 0).is_none(), "the oldest went first");
    assert!(cache.get(&CacheKey::new(&format!("B{MAX_CACHED_VERDICTS}"), None, "cfg", 0), 0).is_some());
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

/// Issue 9 §3: the bound is on the bytes streamed, never on the Email's
/// `size`. A claim past MAX_MESSAGE_BYTES changes nothing (downloaded,
/// verified); a download that really passes it is stopped by the transport
/// and the message is "not checked here", with that reason. The oversize body
/// is never materialised (tests/common/replay.rs `Reply::Oversize`).
#[test]
fn message_bytes_streamed() {
    let (replay, url) = Replay::load("page-rfc9219.json");
    let blob1;
    {
        let mut xs = replay.exchanges.borrow_mut();
        let Reply::Http(r) = &mut xs[1].response else { panic!() };
        let mut v: Value = serde_json::from_slice(&r.body).unwrap();
        // Email 0 lies about its size; Email 1's download really is too large.
        v["methodResponses"][1][1]["list"][0]["size"] = json!(MAX_MESSAGE_BYTES + 1);
        blob1 = v["methodResponses"][1][1]["list"][1]["blobId"].as_str().unwrap().to_owned();
        r.body = v.to_string().into_bytes();
        let x = xs.iter_mut().find(|x| x.url.contains(&format!("/{blob1}/"))).unwrap();
        x.response = Reply::Oversize(MAX_MESSAGE_BYTES + 1);
    }
    let mut client = block_on(Client::connect(replay, &url, ClientConfig::default(), verifier())).unwrap();
    let p = block_on(client.load_page(page(50), now(), &mut |_| {})).unwrap();
    assert_eq!(p.items[0].client_source, ClientSource::Verified, "a size claim is not a reason to skip");
    assert_eq!(p.items[0].client.as_ref().unwrap().status.as_deref(), Some("signed/verified"));
    assert_eq!(p.items[0].display.level, jmap_smime::reconcile::Level::Verified);
    let big = &p.items[1];
    assert_eq!(big.client_source, ClientSource::Skipped);
    let e = big.client_error.as_ref().unwrap();
    assert_eq!(e.code, "limit-exceeded");
    assert!(e.message.starts_with(&format!("The message is larger than {MAX_MESSAGE_BYTES} bytes")), "{}", e.message);
    assert_eq!(big.display.level, jmap_smime::reconcile::Level::VerifiedByServer);
    let requests = client.transport().log.borrow();
    let asked = requests.iter().find(|r| r.url.contains(&format!("/{blob1}/"))).unwrap();
    assert_eq!(asked.max_response_bytes, MAX_MESSAGE_BYTES);
}

/// The cache holds at most MAX_CACHED_DISPLAY_BYTES of displayable text.
#[test]
fn cached_display_bytes() {
    let mut cache = VerdictCache::new();
    let mut v = Verdict::unsigned();
    let part = jmap_smime::report::BodyPart {
        part: "1".into(),
        content_type: "text/plain".into(),
        charset: "utf-8".into(),
        text: "x".repeat(MAX_DISPLAY_BYTES),
        alternative: None,
    };
    v.body = Some(jmap_smime::report::SignedBody { parts: vec![part], error: None });
    let fit = MAX_CACHED_DISPLAY_BYTES / MAX_DISPLAY_BYTES;
    for i in 0..=fit {
        cache.put(CacheKey::new(&format!("B{i}"), None, "cfg", 0), v.clone(), 0);
    }
    assert_eq!(cache.len(), fit, "one evicted");
    assert!(cache.text_bytes() <= MAX_CACHED_DISPLAY_BYTES);
    assert!(cache.get(&CacheKey::new("B0", None, "cfg", 0), 0).is_none(), "the oldest went first");
    // Replacing an entry does not count it twice.
    cache.put(CacheKey::new(&format!("B{fit}"), None, "cfg", 0), v.clone(), 0);
    assert_eq!(cache.text_bytes(), fit * MAX_DISPLAY_BYTES);
}
