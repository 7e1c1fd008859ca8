//! The JMAP client over recorded exchanges (issue 4 §1, §4, §6): a mixed page
//! from an RFC 9219 server and from a Cyrus-shaped server without it, the
//! verdict cache, limits, paging, Email/changes, session refetch, auth
//! headers, and every error type. Expected verdicts: tests/recordings/page.tsv.

mod common;

use common::jmap_now as now;

use common::replay::{block_on, Exchange, Replay, Reply};
use jmap_smime::jmap::client::{Client, ClientConfig, ClientSource, Progress};
use jmap_smime::jmap::request::PageQuery;
use jmap_smime::jmap::transport::{Auth, HttpResponse, Method};
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::reconcile::{Level, ReconcileConfig};
use jmap_smime::{Code, Verifier};
use serde_json::{json, Value};

const SMIME: &str = "urn:ietf:params:jmap:smimeverify";

fn verifier_with(roots: &[&str]) -> Verifier {
    let mut trust = TrustStore::empty();
    for r in roots {
        trust.add_pem_or_der(&std::fs::read(common::fixtures_dir().join(r)).unwrap()).unwrap();
    }
    Verifier { trust, ..Verifier::default() }
}

fn verifier() -> Verifier {
    verifier_with(&["pki/root.cert.pem"])
}

/// page.tsv rows: (file, level9219, levelCyrus).
fn page_rows() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/recordings/page.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].to_owned(), c[5].to_owned(), c[6].to_owned())
        })
        .collect()
}

fn level(s: &str) -> Level {
    match s {
        "verified" => Level::Verified,
        "verified-by-server" => Level::VerifiedByServer,
        "warning" => Level::Warning,
        "failed" => Level::Failed,
        "unsigned" => Level::Unsigned,
        "pending" => Level::Pending,
        other => panic!("unknown level {other}"),
    }
}

fn connect(recording: &str, config: ClientConfig, v: Verifier) -> Client<Replay> {
    let (replay, url) = Replay::load(recording);
    block_on(Client::connect(replay, &url, config, v)).unwrap()
}

fn page(limit: u64) -> PageQuery {
    PageQuery { limit, calculate_total: true, ..PageQuery::default() }
}

fn load(client: &mut Client<Replay>) -> (jmap_smime::jmap::client::Page, Vec<Progress>) {
    let mut progress = Vec::new();
    let p = block_on(client.load_page(page(50), now(), &mut |p| progress.push(p.clone()))).unwrap();
    (p, progress)
}

#[test]
fn rfc9219_page_verdicts() {
    let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    assert!(client.supports_smime());
    let (p, progress) = load(&mut client);
    let rows = page_rows();
    assert_eq!(p.items.len(), rows.len());
    assert_eq!(p.total, Some(rows.len() as u64));
    let mut wrong = Vec::new();
    for (item, (file, want, _)) in p.items.iter().zip(&rows) {
        if item.display.level != level(want) {
            wrong.push(format!("{file}: got {:?} ({}), want {want}", item.display.level, item.display.label));
        }
        assert!(item.server.is_some(), "{file}: the RFC 9219 properties were asked for (R4)");
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // R3/R4: smimeverify named, properties requested.
    let api = client.transport().api_requests();
    assert_eq!(api.len(), 1, "one request per page");
    assert!(api[0]["using"].as_array().unwrap().contains(&json!(SMIME)));
    let props = &api[0]["methodCalls"][1][1]["properties"];
    // Issue 9 §3: from, sender, subject and sentAt are what the checked message is compared with.
    for p in ["smimeStatus", "smimeStatusAtDelivery", "smimeErrors", "smimeVerifiedAt", "sentAt", "blobId", "from", "sender", "subject"] {
        assert!(props.as_array().unwrap().contains(&json!(p)), "{p}");
    }
    assert!(!props.as_array().unwrap().contains(&json!("date")), "R16");
    // Downloads: every message but the plain unsigned one, by Email.blobId (R15).
    let gets = client.transport().sent(Method::Get);
    let downloads: Vec<_> = gets.iter().filter(|r| r.url.contains("/download/")).collect();
    assert_eq!(downloads.len(), rows.len() - 1);
    for d in &downloads {
        assert!(d.url.ends_with("/message.eml?type=message%2Frfc822"), "{}", d.url);
    }
    for item in &p.items {
        let want =
            if item.email.subject.as_deref().unwrap_or("").contains("plain") { ClientSource::Structure } else { ClientSource::Verified };
        assert_eq!(item.client_source, want, "{}", item.email.id);
        if want == ClientSource::Verified {
            assert!(downloads.iter().any(|d| d.url.contains(&format!("/{}/", item.email.blob_id))));
        }
    }
    // Bounded concurrency, and more than one at a time.
    let max = client.transport().max_in_flight.get();
    assert!((2..=4).contains(&max), "max in flight {max}");
    // Progress: one call per message, counting up.
    assert_eq!(progress.len(), rows.len());
    assert_eq!(progress.iter().map(|p| p.done).collect::<Vec<_>>(), (1..=rows.len() as u32).collect::<Vec<_>>());
    assert!(progress.iter().all(|p| p.total == rows.len() as u32));
    // Each progress call carries the finished item, as loadPage returns it.
    for pr in &progress {
        assert_eq!(pr.item.email.id, pr.id);
        assert_eq!(Some(&pr.item), p.items.iter().find(|i| i.email.id == pr.id));
    }
}

#[test]
fn rfc9219_page_details() {
    let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    let (p, _) = load(&mut client);
    let by_subject = |needle: &str| p.items.iter().find(|i| i.email.id == needle).unwrap();
    // R38: the server vouches for tampered signed attributes.
    let alert = by_subject("M006");
    assert!(alert.display.alert.as_deref().unwrap_or("").starts_with("Security alert"), "{:?}", alert.display);
    // Verified by server, with a hint naming the missing root.
    let untrusted = by_subject("M008");
    assert_eq!(untrusted.display.level, Level::VerifiedByServer);
    assert!(untrusted.display.hint.as_deref().unwrap_or("").contains("Other"), "{:?}", untrusted.display.hint);
    // Valid at delivery, expired since.
    let expired = by_subject("M009");
    assert_eq!(expired.display.label, jmap_smime::reconcile::LABEL_EXPIRED_SINCE_DELIVERY);
    // R7: "signed" is never verified by the server; here the client verified.
    let signed = by_subject("M004");
    assert_eq!(signed.server.as_ref().unwrap().status.as_ref().unwrap().as_str(), "signed");
    assert_eq!(signed.display.level, Level::Verified);
    // R5: the unknown token is kept verbatim and counted as failed.
    let unknown = by_subject("M013");
    assert_eq!(unknown.display.server.as_ref().unwrap().status.as_deref(), Some("signed/quantum"));
    assert_eq!(unknown.display.server.as_ref().unwrap().effective_status.as_deref(), Some("signed/failed"));
    // R8: smimeErrors passed through verbatim.
    let tampered = by_subject("M005");
    assert_eq!(tampered.server.as_ref().unwrap().errors.as_deref(), Some(&["Message digest mismatch".to_owned()][..]));
    assert!(tampered.display.reasons.iter().any(|r| r.contains("Message digest mismatch")));
    // R9: age from smimeVerifiedAt (2025-12-31T23:00:00Z, one hour before now).
    assert_eq!(tampered.display.server_age_secs, Some(3600));
    // A signed part inside an unsigned container: unsigned, and said so.
    let partial = by_subject("M012");
    assert_eq!(partial.display.level, Level::Unsigned);
    assert_eq!(partial.display.label, jmap_smime::reconcile::LABEL_PARTIAL);
    assert!(partial.display.reasons.iter().any(|r| r.contains("Only part of this message is signed")), "{:?}", partial.display.reasons);
    // R16: sentAt is read.
    assert!(tampered.email.sent_at.is_some());
}

#[test]
fn cyrus_page_without_the_extension() {
    let mut client = connect("page-cyrus.json", ClientConfig::default(), verifier());
    assert!(!client.supports_smime());
    // Relative apiUrl/downloadUrl resolved against the redirected session URL.
    assert_eq!(client.session().api_url, "https://cyrus.example.org/jmap/");
    let (p, _) = load(&mut client);
    let mut wrong = Vec::new();
    for (item, (file, _, want)) in p.items.iter().zip(page_rows()) {
        assert!(item.server.is_none(), "{file}");
        if item.display.level != level(&want) {
            wrong.push(format!("{file}: got {:?} ({}), want {want}", item.display.level, item.display.label));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    for r in client.transport().api_requests() {
        assert!(!r["using"].as_array().unwrap().contains(&json!(SMIME)), "R3: {r}");
        assert!(!r.to_string().contains("smimeStatus"), "R4: {r}");
    }
    // The session came from /.well-known/jmap.
    assert_eq!(client.transport().sent(Method::Get)[0].url, "https://cyrus.example.org/.well-known/jmap");
}

#[test]
fn second_load_uses_the_cache_until_trust_changes() {
    let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    let (first, _) = load(&mut client);
    let s1 = client.stats();
    let (second, _) = load(&mut client);
    let s2 = client.stats();
    assert_eq!(s2.downloads, s1.downloads, "no downloads on the second load");
    assert_eq!(s2.verifications, s1.verifications, "no re-verification");
    assert_eq!(s2.cache_hits, s1.verifications);
    assert_eq!(s2.api_requests, s1.api_requests + 1);
    for (a, b) in first.items.iter().zip(&second.items) {
        assert_eq!(a.display, b.display);
    }
    // Importing the other root: the cache is invalidated and the untrusted message now verifies.
    client.set_verifier(verifier_with(&["pki/root.cert.pem", "trust/pki/other-root.cert.pem"]));
    let (third, _) = load(&mut client);
    assert_eq!(client.stats().verifications, s1.verifications * 2);
    assert_eq!(third.items.iter().find(|i| i.email.id == "M008").unwrap().display.level, Level::Verified);
}

#[test]
fn local_check_off_shows_the_server_alone() {
    let config =
        ClientConfig { reconcile: ReconcileConfig { local_check: false, ..ReconcileConfig::default() }, ..ClientConfig::default() };
    let mut client = connect("page-rfc9219.json", config, verifier());
    let (p, _) = load(&mut client);
    assert_eq!(client.stats().downloads, 0, "R39: nothing downloaded");
    for item in &p.items {
        assert!(item.client.is_none());
        assert_eq!(item.client_source, ClientSource::Off);
        assert!(item.client_error.is_none());
    }
    let first = &p.items[0];
    assert_eq!(first.display.level, Level::VerifiedByServer);
    assert!(first.display.label.ends_with(jmap_smime::reconcile::SERVER_ONLY_SUFFIX), "{}", first.display.label);
}

#[test]
fn auth_and_language_headers_on_every_request() {
    let cases = [
        (Auth::Bearer("tok".into()), Some("Bearer tok"), false),
        (Auth::Basic { username: "u".into(), password: "p".into() }, Some("Basic dTpw"), false),
        (Auth::Cookies, None, true),
    ];
    for (auth, header, cookies) in cases {
        let config = ClientConfig { auth, accept_language: Some("de-CH, en;q=0.5".into()), ..ClientConfig::default() };
        let mut client = connect("page-rfc9219.json", config, verifier());
        load(&mut client);
        for r in client.transport().log.borrow().iter() {
            assert_eq!(r.header("authorization"), header, "{}", r.url);
            assert_eq!(r.header("accept-language"), Some("de-CH, en;q=0.5"), "R8");
            assert_eq!(r.include_credentials, cookies);
        }
    }
}

fn api_exchange(url: &str, response: Reply) -> Exchange {
    Exchange { method: "POST".into(), url: url.into(), calls: None, using: None, reusable: false, response }
}

fn http(status: u16, content_type: &str, body: &str) -> Reply {
    Reply::Http(HttpResponse { status, url: String::new(), content_type: content_type.into(), body: body.as_bytes().to_vec() })
}

fn method_error(kind: &str) -> Reply {
    let body = json!({"sessionState": "75128aab4b1b", "methodResponses": [["error", {"type": kind, "description": "recorded"}, "q"]]});
    http(200, "application/json", &body.to_string())
}

#[test]
fn every_error_type_has_its_code() {
    let problem = |t: &str, status: u16| {
        http(
            status,
            "application/problem+json",
            &json!({"type": format!("urn:ietf:params:jmap:error:{t}"), "status": status, "detail": "recorded"}).to_string(),
        )
    };
    let cases: Vec<(Reply, Code)> = vec![
        (problem("unknownCapability", 400), Code::JmapUnknownCapability),
        (problem("notJSON", 400), Code::JmapNotJson),
        (problem("notRequest", 400), Code::JmapNotRequest),
        (problem("limit", 400), Code::JmapLimit),
        (problem("somethingNew", 400), Code::JmapRequestFailed),
        (http(500, "text/html", "<html>Internal error</html>"), Code::JmapRequestFailed),
        (http(401, "text/plain", "no"), Code::Unauthorized),
        (http(403, "text/plain", "no"), Code::Unauthorized),
        (http(200, "text/html", "<html>login page</html>"), Code::ResponseNotJson),
        (http(200, "application/json", "{\"foo\": 1}"), Code::ResponseNotJson),
        (http(200, "application/json", "{\"methodResponses\": [[\"Email/query\"]]}"), Code::ResponseNotJson),
        (method_error("serverUnavailable"), Code::ServerUnavailable),
        (method_error("serverFail"), Code::ServerFail),
        (method_error("serverPartialFail"), Code::ServerPartialFail),
        (method_error("unknownMethod"), Code::UnknownMethod),
        (method_error("invalidArguments"), Code::InvalidArguments),
        (method_error("invalidResultReference"), Code::InvalidResultReference),
        (method_error("forbidden"), Code::Forbidden),
        (method_error("accountNotFound"), Code::AccountNotFound),
        (method_error("accountNotSupportedByMethod"), Code::AccountNotSupported),
        (method_error("accountReadOnly"), Code::AccountReadOnly),
        (method_error("anchorNotFound"), Code::AnchorNotFound),
        (method_error("unsupportedSort"), Code::UnsupportedSort),
        (method_error("unsupportedFilter"), Code::UnsupportedFilter),
        (method_error("cannotCalculateChanges"), Code::CannotCalculateChanges),
        (method_error("aBrandNewError"), Code::ServerFail), // R13: unknown → serverFail
        (Reply::Fail(Code::NetworkError), Code::NetworkError),
        (Reply::Fail(Code::Timeout), Code::Timeout),
        (Reply::Fail(Code::Aborted), Code::Aborted),
    ];
    for (reply, want) in cases {
        let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
        client.transport().prepend(api_exchange("https://jmap.example.com/api/", reply.clone()));
        let err = block_on(client.load_page(page(50), now(), &mut |_| {})).unwrap_err();
        assert_eq!(err.code, want, "{reply:?}: {err}");
        assert!(!err.message().is_empty());
    }
}

#[test]
fn session_errors() {
    let cases: Vec<(Reply, Code)> = vec![
        (http(401, "text/plain", "no"), Code::Unauthorized),
        (http(200, "text/html", "<html></html>"), Code::ResponseNotJson),
        (http(200, "application/json", "{\"capabilities\": {}}"), Code::ResponseNotJson),
        (Reply::Fail(Code::NetworkError), Code::NetworkError),
    ];
    for (reply, want) in cases {
        let (replay, url) = Replay::load("page-rfc9219.json");
        replay.prepend(Exchange {
            method: "GET".into(),
            url: "https://jmap.example.com/.well-known/jmap".into(),
            calls: None,
            using: None,
            reusable: false,
            response: reply,
        });
        let err = block_on(Client::connect(replay, &url, ClientConfig::default(), verifier())).err().unwrap();
        assert_eq!(err.code, want);
    }
    let (replay, url) = Replay::load("page-rfc9219.json");
    let config = ClientConfig { account_id: Some("nobody".into()), ..ClientConfig::default() };
    assert_eq!(block_on(Client::connect(replay, &url, config, verifier())).err().unwrap().code, Code::AccountNotFound);
}

#[test]
fn a_failed_download_leaves_the_server_verdict() {
    let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    let (p0, _) = load(&mut client);
    let first = &p0.items[0];
    // A fresh client whose first download fails with 500, another times out.
    let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    let url0 = client.session().blob_url("A13824", &first.email.blob_id, "message/rfc822", "message.eml");
    let url1 = client.session().blob_url("A13824", &p0.items[1].email.blob_id, "message/rfc822", "message.eml");
    client.transport().prepend(Exchange {
        method: "GET".into(),
        url: url0,
        calls: None,
        using: None,
        reusable: false,
        response: http(500, "text/plain", ""),
    });
    client.transport().prepend(Exchange {
        method: "GET".into(),
        url: url1,
        calls: None,
        using: None,
        reusable: false,
        response: Reply::Fail(Code::Timeout),
    });
    let (p, _) = load(&mut client);
    assert_eq!(p.items[0].client_source, ClientSource::Skipped);
    assert_eq!(p.items[0].client_error.as_ref().unwrap().code, "jmap-request-failed");
    assert_eq!(p.items[0].display.level, Level::VerifiedByServer);
    assert!(p.items[0].display.reasons.iter().any(|r| r.starts_with("Not checked in this browser")), "{:?}", p.items[0].display.reasons);
    assert_eq!(p.items[1].client_error.as_ref().unwrap().code, "timeout");
    // An abort stops the whole load.
    let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    let url = client.session().blob_url("A13824", &first.email.blob_id, "message/rfc822", "message.eml");
    client.transport().prepend(Exchange {
        method: "GET".into(),
        url,
        calls: None,
        using: None,
        reusable: false,
        response: Reply::Fail(Code::Aborted),
    });
    assert_eq!(block_on(client.load_page(page(50), now(), &mut |_| {})).unwrap_err().code, Code::Aborted);
}

#[test]
fn request_limits_are_respected() {
    // maxSizeRequest below the page request: refused before sending (R14).
    let (replay, url) = Replay::load("page-rfc9219.json");
    let mut s = replay.session_json();
    s["capabilities"]["urn:ietf:params:jmap:core"]["maxSizeRequest"] = json!(200);
    replay.set_session_json(&s);
    let mut client = block_on(Client::connect(replay, &url, ClientConfig::default(), verifier())).unwrap();
    assert_eq!(block_on(client.load_page(page(50), now(), &mut |_| {})).unwrap_err().code, Code::LimitExceeded);
    assert!(client.transport().api_requests().is_empty());
    // maxObjectsInGet 5: the page limit is clamped to 5.
    let (replay, url) = Replay::load("page-rfc9219.json");
    let mut s = replay.session_json();
    s["capabilities"]["urn:ietf:params:jmap:core"]["maxObjectsInGet"] = json!(5);
    replay.set_session_json(&s);
    let mut client = block_on(Client::connect(replay, &url, ClientConfig::default(), verifier())).unwrap();
    let _ = block_on(client.load_page(page(50), now(), &mut |_| {}));
    assert_eq!(client.transport().api_requests()[0]["methodCalls"][0][1]["limit"], json!(5));
}

/// An Email/changes answer followed by the Email/get of the changed ids.
fn changes_exchanges(client: &Client<Replay>, updated: &[&str], destroyed: &[&str], edit: impl Fn(&mut Value)) {
    let page = match &client.transport().exchanges.borrow()[1].response {
        Reply::Http(r) => serde_json::from_slice::<Value>(&r.body).unwrap(),
        _ => unreachable!(),
    };
    let list: Vec<Value> = page["methodResponses"][1][1]["list"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| updated.contains(&e["id"].as_str().unwrap()))
        .cloned()
        .map(|mut e| {
            edit(&mut e);
            e
        })
        .collect();
    let changes = json!({"sessionState": "75128aab4b1b", "methodResponses": [["Email/changes", {
        "accountId": "A13824", "oldState": "s1", "newState": "s2", "hasMoreChanges": false,
        "created": [], "updated": updated, "destroyed": destroyed}, "c"]]});
    let get = json!({"sessionState": "75128aab4b1b", "methodResponses": [["Email/get", {"accountId": "A13824", "state": "s2", "list": list, "notFound": []}, "g0"]]});
    let api = "https://jmap.example.com/api/";
    let x = |calls: &str, body: &Value| Exchange {
        method: "POST".into(),
        url: api.into(),
        calls: Some(vec![calls.into()]),
        using: None,
        reusable: false,
        response: http(200, "application/json", &body.to_string()),
    };
    client.transport().prepend(x("Email/get", &get));
    client.transport().prepend(x("Email/changes", &changes));
}

#[test]
fn changes_recheck_updated_and_flag_at_delivery_moves() {
    let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    load(&mut client);
    // M000: only smimeVerifiedAt moved (no event, R11/R12); M009: at-delivery flipped (an event).
    changes_exchanges(&client, &["M000", "M009"], &["M011"], |e| {
        e["smimeVerifiedAt"] = json!("2026-01-01T00:00:00Z");
        if e["id"] == "M009" {
            e["smimeStatusAtDelivery"] = json!("signed/failed");
        }
    });
    let c = block_on(client.changes("s1", now(), &mut |_| {})).unwrap();
    assert_eq!(c.new_state, "s2");
    assert_eq!(c.updated.iter().map(|i| i.email.id.as_str()).collect::<Vec<_>>(), ["M000", "M009"]);
    assert_eq!(c.destroyed, ["M011"]);
    assert_eq!(c.events.len(), 1, "{:?}", c.events);
    assert_eq!(c.events[0].id, "M009");
    assert_eq!(c.events[0].kind, "at-delivery-changed");
    // The re-check asked for the S/MIME properties again (R11) and re-used cached verdicts.
    let last_get = client.transport().api_requests().into_iter().rev().find(|r| r["methodCalls"][0][0] == "Email/get").unwrap();
    assert!(last_get["methodCalls"][0][1]["properties"].as_array().unwrap().contains(&json!("smimeStatusAtDelivery")));
    assert!(c.updated.iter().all(|i| i.client_source == ClientSource::Cache));
}

#[test]
fn email_get_is_split_by_server_limits() {
    let (replay, url) = Replay::load("page-rfc9219.json");
    let mut s = replay.session_json();
    s["capabilities"]["urn:ietf:params:jmap:core"]["maxObjectsInGet"] = json!(5);
    s["capabilities"]["urn:ietf:params:jmap:core"]["maxCallsInRequest"] = json!(2);
    replay.set_session_json(&s);
    let mut client = block_on(Client::connect(replay, &url, ClientConfig::default(), verifier())).unwrap();
    let ids: Vec<String> = (0..12).map(|i| format!("M{i:03}")).collect();
    let changes = json!({"sessionState": "75128aab4b1b", "methodResponses": [["Email/changes", {
        "accountId": "A13824", "oldState": "s1", "newState": "s2", "hasMoreChanges": false,
        "created": [], "updated": ids, "destroyed": []}, "c"]]});
    let empty_get = |n: usize| {
        let calls: Vec<Value> = (0..n)
            .map(|i| json!(["Email/get", {"accountId": "A13824", "state": "s2", "list": [], "notFound": []}, format!("g{i}")]))
            .collect();
        json!({"sessionState": "75128aab4b1b", "methodResponses": calls})
    };
    let api = "https://jmap.example.com/api/";
    let x = |calls: Vec<&str>, body: Value| Exchange {
        method: "POST".into(),
        url: api.into(),
        calls: Some(calls.into_iter().map(str::to_owned).collect()),
        using: None,
        reusable: false,
        response: http(200, "application/json", &body.to_string()),
    };
    client.transport().prepend(x(vec!["Email/get"], empty_get(1)));
    client.transport().prepend(x(vec!["Email/get", "Email/get"], empty_get(2)));
    client.transport().prepend(x(vec!["Email/changes"], changes));
    block_on(client.changes("s1", now(), &mut |_| {})).unwrap();
    let gets: Vec<Value> = client.transport().api_requests().into_iter().filter(|r| r["methodCalls"][0][0] == "Email/get").collect();
    let sizes: Vec<Vec<usize>> =
        gets.iter().map(|r| r["methodCalls"].as_array().unwrap().iter().map(|c| c[1]["ids"].as_array().unwrap().len()).collect()).collect();
    assert_eq!(sizes, vec![vec![5, 5], vec![2]]);
}

#[test]
fn a_moved_session_state_refetches_the_session() {
    let mut client = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    // The recorded session, served again for the refetch.
    let session = client.transport().session_json();
    let body = json!({"sessionState": "NEW", "methodResponses": [["Mailbox/get", {"accountId": "A13824", "state": "m1", "list": [
        {"id": "mb1", "name": "Inbox", "role": "inbox", "parentId": null, "sortOrder": 1, "totalEmails": 14, "unreadEmails": 2}], "notFound": []}, "m"]]});
    client.transport().prepend(api_exchange("https://jmap.example.com/api/", http(200, "application/json", &body.to_string())));
    client.transport().prepend(Exchange {
        method: "GET".into(),
        url: "https://jmap.example.com/jmap/session".into(),
        calls: None,
        using: None,
        reusable: false,
        response: Reply::Http(HttpResponse {
            status: 200,
            url: String::new(),
            content_type: "application/json".into(),
            body: serde_json::to_vec(&session).unwrap(),
        }),
    });
    let boxes = block_on(client.mailboxes()).unwrap();
    assert_eq!(boxes[0].name, "Inbox");
    assert_eq!(boxes[0].role.as_deref(), Some("inbox"));
    assert_eq!(client.stats().session_fetches, 2, "R1");
}

#[test]
fn smime_filters_only_where_supported() {
    let mut cyrus = connect("page-cyrus.json", ClientConfig::default(), verifier());
    let q =
        PageQuery { filter: Some(json!({"operator": "AND", "conditions": [{"inMailbox": "x"}, {"hasVerifiedSmime": true}]})), ..page(10) };
    assert_eq!(block_on(cyrus.load_page(q.clone(), now(), &mut |_| {})).unwrap_err().code, Code::UnsupportedFilter);
    assert!(cyrus.transport().api_requests().is_empty(), "refused before sending (R10)");
    let mut rfc = connect("page-rfc9219.json", ClientConfig::default(), verifier());
    rfc.transport().prepend(api_exchange("https://jmap.example.com/api/", method_error("unsupportedFilter")));
    assert_eq!(block_on(rfc.query(q)).unwrap_err().code, Code::UnsupportedFilter);
    let sent = rfc.transport().api_requests();
    assert!(sent[0]["using"].as_array().unwrap().contains(&json!(SMIME)), "R3: a filter on S/MIME names the capability");
}

/// forged.tsv rows: (file, edit, level, headerCode, clientError, alert).
fn forged_rows() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/recordings/forged.tsv")).unwrap();
    text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).skip(1).map(|l| l.split('\t').map(str::to_owned).collect()).collect()
}

/// Issue 9 §3: a server that gives forged Email objects the blobIds of valid
/// messages (tests/recordings/forged.tsv, page-forged.json). Each row's
/// level, header problem code, client error and alert are in the table.
#[test]
fn forged_page() {
    let mut client = connect("page-forged.json", ClientConfig::default(), verifier());
    let (p, _) = load(&mut client);
    let rows = forged_rows();
    assert_eq!(p.items.len(), rows.len());
    let mut wrong = Vec::new();
    for (item, row) in p.items.iter().zip(&rows) {
        let ctx = format!("{} {} ({})", item.email.id, row[0], row[9]);
        let d = &item.display;
        if d.level != level(&row[5]) {
            wrong.push(format!("{ctx}: level {:?} ({}), want {}", d.level, d.label, row[5]));
        }
        let code = d.header_check.as_ref().and_then(|h| h.problem.as_ref()).map_or("-", |p| p.code.as_str());
        if code != row[6] {
            wrong.push(format!("{ctx}: header code {code}, want {}", row[6]));
        }
        let err = item.client_error.as_ref().map_or("-", |e| e.code.as_str());
        if err != row[7] {
            wrong.push(format!("{ctx}: client error {err}, want {}", row[7]));
        }
        let alert = d.alert.as_deref().is_some_and(|a| a.starts_with(jmap_smime::reconcile::headers::ALERT_HEADER_MISMATCH));
        if alert != (row[8] == "yes") {
            wrong.push(format!("{ctx}: alert {:?}, want {}", d.alert, row[8]));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let by_id = |id: &str| p.items.iter().find(|i| i.email.id == id).unwrap();
    // The verified values are in the item, for the UI to show instead.
    let forged = by_id("F001");
    let from = forged.client.as_ref().unwrap().headers.as_ref().unwrap().from.as_ref().unwrap();
    let boxes = from.mailboxes.as_ref().unwrap();
    assert_eq!((boxes[0].name.as_deref(), boxes[0].email.as_str()), (Some("Alice Example"), "alice@example.com"));
    assert!(forged.display.reasons[0].contains("Bank CEO <alice@example.com>"), "{:?}", forged.display.reasons);
    // Subject and date: reported, not failed; the table says which is not covered.
    let subject = by_id("F004");
    assert!(subject.display.reasons.iter().any(|r| r.contains("Urgent: wire transfer today") && r.contains("not covered")));
    let check = subject.display.header_check.as_ref().unwrap();
    assert!(check.fields.iter().all(|f| f.outcome != jmap_smime::reconcile::headers::FieldOutcome::Differs
        || matches!(f.field, jmap_smime::reconcile::headers::HeaderField::Subject | jmap_smime::reconcile::headers::HeaderField::Date)));
    // The 10^8-byte claim was downloaded; the one really too large was stopped.
    let gets = client.transport().sent(Method::Get);
    assert!(gets.iter().any(|r| r.url.contains(&format!("/{}/", by_id("F007").email.blob_id))));
    assert_eq!(by_id("F007").client_source, ClientSource::Verified);
    let big = by_id("F008");
    assert_eq!(big.client_source, ClientSource::Skipped);
    assert!(
        big.display.reasons.iter().any(|r| r.starts_with("Not checked in this browser: The message is larger than")),
        "{:?}",
        big.display.reasons
    );
    // The R38 alert stays next to the mismatch alert.
    assert!(by_id("F011").display.alert.as_deref().unwrap().ends_with(jmap_smime::reconcile::ALERT_SERVER_VOUCHED_BAD));
    // One blob behind seven Email objects: verified once per judge, compared per object.
    assert!(p.items.iter().filter(|i| i.email.blob_id == forged.email.blob_id).all(|i| i.client.is_some()));
}
