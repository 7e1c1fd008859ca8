#![cfg(feature = "server")]
//! RFC 9404 `Blob/get` in the reference server (issue 10), driven by the
//! table tests/fixtures/server/blob-get.json: the RFC's own examples with
//! this server's blob ids, every argument error, and the abuse rows at and
//! past `maxObjectsInGet` and `SERVER_MAX_BLOB_GET_OCTETS`. Then, over
//! HTTP: the session advertises the capability (and not with `blob` off),
//! `Blob/get` returns exactly the octets `downloadUrl` serves, and the
//! crate's client shows the same verdicts for every fixture message with
//! and without it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jmap_smime::asn1::time::{parse_rfc3339, UnixTime};
use jmap_smime::jmap::client::{Client, ClientConfig, ClientSource};
use jmap_smime::jmap::request::PageQuery;
use jmap_smime::limits;
use jmap_smime::mime::decode::base64;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::server::{self, api::Context, store::Store, Config, Server};
use jmap_smime::verifier::VerifyOptions;

mod common;
use common::loopback::{self, block_on, Loopback};
use jmap_smime::Verifier;
use serde_json::{json, Value};

const CORE: &str = "urn:ietf:params:jmap:core";
const MAIL: &str = "urn:ietf:params:jmap:mail";
const BLOB: &str = "urn:ietf:params:jmap:blob";
/// Octets of text in the big message.
const BIG_TEXT: usize = 3_000_000;

fn now() -> UnixTime {
    parse_rfc3339("2026-01-01T00:00:00Z").unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The RFC 9404 §4.2 example blobs as the parts of one message: 1 the
/// non-UTF-8 text, 2 "hello world", 3 the fox.
fn rfc_message() -> Vec<u8> {
    let part = |b64: &str| format!("--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n");
    let mut m = String::from("From: a@example.com\r\nTo: b@example.com\r\nSubject: rfc 9404\r\nMIME-Version: 1.0\r\n");
    m.push_str("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
    m.push_str(&part("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wZWQgb3ZlciB0aGUggYEgZG9nLg=="));
    m.push_str(&part("aGVsbG8gd29ybGQ="));
    m.push_str(&part("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wZWQgb3ZlciB0aGUgbGF6eSBkb2cu"));
    m.push_str("--b--\r\n");
    m.into_bytes()
}

fn big_message() -> Vec<u8> {
    let line = format!("{}\r\n", "a".repeat(998));
    let mut m = String::from("From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\nContent-Type: text/plain\r\n\r\n");
    m.push_str(&line.repeat(BIG_TEXT / line.len()));
    m.into_bytes()
}

/// M00001 a fixture message, M00002 the RFC blobs, M00003 the big one.
fn store() -> Store {
    let mut s = Store::default();
    let at = |d: &str| parse_rfc3339(d).unwrap();
    let raw = std::fs::read(fixtures().join("messages/plain-unsigned.eml")).unwrap();
    s.add("Inbox", at("2024-06-01T12:00:00Z"), raw, "plain.eml").unwrap();
    s.add("Inbox", at("2024-06-02T12:00:00Z"), rfc_message(), "rfc.eml").unwrap();
    s.add("Inbox", at("2024-06-03T12:00:00Z"), big_message(), "big.eml").unwrap();
    s
}

fn blob_id(s: &Store, email: &str) -> String {
    s.emails.get(email).unwrap_or_else(|| panic!("no {email}")).blob_id.clone()
}

/// The table's placeholders, longest first so `$BIGTEXT` is not read as `$BIG`.
fn placeholders(s: &Store) -> Vec<(&'static str, String)> {
    let rfc = blob_id(s, "M00002");
    let big = blob_id(s, "M00003");
    vec![
        ("$RAWSIZE", s.emails["M00001"].raw.len().to_string()),
        ("$BIGTEXT", format!("{big}.1")),
        ("$BIG", big),
        ("$RAW", blob_id(s, "M00001")),
        ("$FOX", format!("{rfc}.3")),
        ("$B1", format!("{rfc}.1")),
        ("$B2", format!("{rfc}.2")),
    ]
}

fn substitute(v: &Value, subs: &[(&str, String)]) -> Value {
    match v {
        Value::String(t) => {
            let mut out = t.clone();
            for (k, r) in subs {
                out = out.replace(k, r);
            }
            // A number placeholder stands for the number.
            if t.starts_with('$') && t.ends_with("SIZE") {
                return out.parse::<u64>().map(|n| json!(n)).unwrap_or(Value::String(out));
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| substitute(x, subs)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), substitute(x, subs))).collect()),
        other => other.clone(),
    }
}

fn request(row: &Value, subs: &[(&str, String)]) -> Value {
    let mut call = substitute(&row["call"], subs);
    if let Some(n) = row.get("ids_generated").and_then(Value::as_u64) {
        call[1]["ids"] = json!((0..n).map(|i| format!("x{i}")).collect::<Vec<_>>());
    }
    call.as_array_mut().unwrap().push(json!("c"));
    let using = row.get("using").cloned().unwrap_or_else(|| json!([CORE, MAIL, BLOB]));
    json!({"using": using, "methodCalls": [call]})
}

#[test]
fn blob_get_table() {
    let table: Value = serde_json::from_slice(&std::fs::read(fixtures().join("server/blob-get.json")).unwrap()).unwrap();
    let rows = table["rows"].as_array().unwrap();
    assert!(rows.len() >= 20);
    let s = store();
    let subs = placeholders(&s);
    for row in rows {
        let name = row["name"].as_str().unwrap();
        let blob_enabled = row.get("server_blob").and_then(Value::as_bool).unwrap_or(true);
        let ctx = Context { store: &s, smime_enabled: false, blob_enabled, account_id: server::ACCOUNT_ID, now: now() };
        let body = serde_json::to_vec(&request(row, &subs)).unwrap();
        let answer = server::api::process(&ctx, &body);
        if let Some(p) = row.get("problem").and_then(Value::as_str) {
            assert_eq!(answer.as_ref().map_err(|e| e.kind), Err(p), "{name}");
            continue;
        }
        let out = answer.unwrap_or_else(|p| panic!("{name}: {p:?}"));
        let got = &out["methodResponses"][0];
        let want = substitute(&row["expect"], &subs);
        assert_eq!(got[0], want[0], "{name}: {got}");
        assert_eq!(got[2], json!("c"), "{name}");
        if want[0] == "error" {
            assert_eq!(got[1]["type"], want[1]["type"], "{name}: {got}");
        } else if want[1].as_object().is_some_and(|o| !o.is_empty()) {
            assert_eq!(got[1], want[1], "{name}");
        }
    }
}

/// The abuse rows sit on either side of the octet bound.
#[test]
fn the_octet_bound_falls_between_the_abuse_rows() {
    let s = store();
    let big = s.emails["M00003"].raw.len() as u64;
    let text = s.emails["M00003"].parsed.parts.iter().find(|p| p.part_id == "1").unwrap().content.len() as u64;
    assert!(big + text <= limits::SERVER_MAX_BLOB_GET_OCTETS, "one read of both fits");
    assert!(2 * (big + text) > limits::SERVER_MAX_BLOB_GET_OCTETS, "two reads of both do not");
    // A call that fits is always answerable: its base64 is under the response bound.
    const { assert!(limits::SERVER_MAX_BLOB_GET_OCTETS.div_ceil(3) * 4 + 64 * 1024 < limits::SERVER_MAX_SIZE_RESPONSE) };
}

struct Srv {
    addr: SocketAddr,
    _server: Arc<Server>,
}

fn start(config: Config) -> Srv {
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(fixtures().join("pki/root.cert.pem")).unwrap()).unwrap();
    let config = Config { users: vec![("demo".into(), "demo".into())], now: Some(now()), ..config };
    let server = Arc::new(Server::new(config, store(), server::smime::verifier(trust, VerifyOptions::default())));
    Srv { addr: loopback::serve(server.clone()), _server: server }
}

/// One HTTP/1.1 exchange (Connection: close); the body, de-chunked.
fn http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic ZGVtbzpkZW1v\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut rest = &raw[split + 4..];
    if !head.contains("transfer-encoding: chunked") {
        return (status, rest.to_vec());
    }
    let mut out = Vec::new();
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return (status, out);
        }
        out.extend_from_slice(&rest[eol + 2..eol + 2 + n]);
        rest = &rest[eol + 4 + n..];
    }
}

#[test]
fn session_advertises_the_capability() {
    let on = start(Config::default());
    let (_, body) = http(on.addr, "GET", "/jmap/session", b"");
    let session: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(session["capabilities"][BLOB], json!({}));
    assert_eq!(
        session["accounts"]["A1"]["accountCapabilities"][BLOB],
        json!({"maxSizeBlobSet": 0, "maxDataSources": 64, "supportedTypeNames": [], "supportedDigestAlgorithms": ["sha-256", "sha-512"]})
    );
    let off = start(Config { blob: false, ..Config::default() });
    let (_, body) = http(off.addr, "GET", "/jmap/session", b"");
    let text = String::from_utf8(body).unwrap();
    assert!(!text.contains(BLOB), "{text}");
}

#[test]
fn blob_get_returns_the_downloaded_octets() {
    let srv = start(Config::default());
    let s = store();
    for email in ["M00001", "M00002"] {
        let id = blob_id(&s, email);
        let (status, downloaded) = http(srv.addr, "GET", &format!("/jmap/download/A1/{id}/m.eml?type=message%2Frfc822"), b"");
        assert_eq!(status, 200);
        let req = json!({"using": [CORE, BLOB], "methodCalls": [["Blob/get", {"accountId": "A1", "ids": [id], "properties": ["data:asBase64", "size"]}, "b"]]});
        let (status, body) = http(srv.addr, "POST", "/jmap/api/", req.to_string().as_bytes());
        assert_eq!(status, 200);
        let v: Value = serde_json::from_slice(&body).unwrap();
        let item = &v["methodResponses"][0][1]["list"][0];
        assert_eq!(base64(item["data:asBase64"].as_str().unwrap().as_bytes()).unwrap(), downloaded, "{email}");
        assert_eq!(item["size"], json!(downloaded.len()));
    }
}

/// Every fixture message on the reference server.
fn fixture_store() -> Store {
    let mut s = Store::default();
    let dir = fixtures().join("messages");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let at = parse_rfc3339("2024-06-01T00:00:00Z").unwrap() + i as i64 * 60;
        s.add("Inbox", at, std::fs::read(f).unwrap(), &f.display().to_string()).unwrap();
    }
    s
}

fn start_store(config: Config, store: Store) -> Srv {
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(fixtures().join("pki/root.cert.pem")).unwrap()).unwrap();
    let config = Config { users: vec![("demo".into(), "demo".into())], now: Some(now()), ..config };
    let server = Arc::new(Server::new(config, store, server::smime::verifier(trust, VerifyOptions::default())));
    Srv { addr: loopback::serve(server.clone()), _server: server }
}

/// Every fixture message through the crate's client against the reference
/// server, once with Blob/get and once without: the same display for every
/// message, the raw messages by Blob/get in one request in the first case
/// and by download in the second.
#[test]
fn same_verdicts_with_and_without_blob_get() {
    let mut client_trust = TrustStore::empty();
    client_trust.add_pem_or_der(&std::fs::read(fixtures().join("pki/root.cert.pem")).unwrap()).unwrap();
    let mut pages = Vec::new();
    for blob in [true, false] {
        let srv = start_store(Config { blob, ..Config::default() }, fixture_store());
        let verifier = Verifier { trust: client_trust.clone(), ..Verifier::default() };
        let url = format!("http://{}/jmap/session", srv.addr);
        let mut client = block_on(Client::connect(Loopback, &url, ClientConfig::default(), verifier)).unwrap();
        let page = block_on(client.load_page(PageQuery { limit: 100, ..PageQuery::default() }, now(), &mut |_| {})).unwrap();
        let stats = client.stats();
        let fetched = page.items.iter().filter(|i| i.client_source == ClientSource::Verified).count() as u32;
        assert_eq!(page.items.len(), 50);
        assert!(fetched > 40, "{fetched}");
        if blob {
            // One page request, one Blob/get request (50 ids, well under the bounds), no download.
            assert_eq!((stats.api_requests, stats.blob_fetched, stats.downloads), (2, fetched, 0));
        } else {
            assert_eq!((stats.api_requests, stats.blob_fetched, stats.downloads), (1, 0, fetched));
        }
        let shown: Vec<(String, String, Option<String>, ClientSource)> =
            page.items.iter().map(|i| (i.email.id.clone(), i.display.label.clone(), i.display.alert.clone(), i.client_source)).collect();
        pages.push(shown);
    }
    assert_eq!(pages[0], pages[1]);
}
