#![cfg(feature = "server")]
//! Issue 12 §4: the reference server checks revocation online for anchored
//! paths (R36), against an OCSP responder and a CRL file server on 127.0.0.1
//! (tests/fixtures/online/serve.sh, `openssl ocsp` behind a loopback-only
//! front). The rows are tests/fixtures/online-expectations.tsv. The bounds of
//! each fetch (tests at the bottom) run against local listeners.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use common::fixtures_dir;
use jmap_smime::jmap::session::Session;
use jmap_smime::limits;
use jmap_smime::server::fetch::{self, Timeouts};
use jmap_smime::server::online::Online;
use jmap_smime::server::store::Store;
use jmap_smime::server::{self, Config, Server};
use jmap_smime::verifier::VerifyOptions;

/// serve.sh for the length of a test; stopped on drop.
struct Servers;

impl Servers {
    fn start() -> Servers {
        let out = Command::new("bash").arg(fixtures_dir().join("online/serve.sh")).args(["start", "120"]).output().unwrap();
        assert!(out.status.success(), "serve.sh: {}", String::from_utf8_lossy(&out.stderr));
        Servers
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(fixtures_dir().join("online/serve.sh")).arg("stop").output();
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn summary(v: &jmap_smime::verifier::Verdict) -> [String; 3] {
    let mut codes: Vec<&str> = v.errors.iter().filter(|p| !p.warning).map(|p| p.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    [
        v.status.clone().unwrap_or_default(),
        if codes.is_empty() { "-".into() } else { codes.join(",") },
        v.signers.first().map(|s| s.revocation.clone()).unwrap_or_default(),
    ]
}

/// One test, so serve.sh's fixed ports are used by one test at a time.
#[test]
fn the_server_checks_revocation_online() {
    let _servers = Servers::start();
    let verifier = common::root_verifier();
    let online = Online::default();
    let rows = common::tsv_rows("online-expectations.tsv");
    assert_eq!(rows.len(), 3);
    let t = now();
    for r in &rows {
        let raw = std::fs::read(fixtures_dir().join("online").join(&r[0])).unwrap();
        assert_eq!(summary(&verifier.verify(&raw, t, None)).to_vec(), r[1..4].to_vec(), "{} offline", r[0]);
        assert_eq!(summary(&online.verify(&verifier, &raw, t, None)).to_vec(), r[4..7].to_vec(), "{} online", r[0]);
    }
    // Olivia: the OCSP responder (online-ca's certificate has no AIA: the CRL
    // of root). Oscar: the same. Pat: its responder and CRL fail; online-ca's
    // CRL is cached. Each fetch is counted once.
    let fetched = online.fetch_count();
    assert!((4..=6).contains(&fetched), "{fetched} fetches");
    // The cache honours nextUpdate: the same messages again fetch nothing ...
    for r in &rows {
        let raw = std::fs::read(fixtures_dir().join("online").join(&r[0])).unwrap();
        online.verify(&verifier, &raw, t + 60, None);
    }
    assert_eq!(online.fetch_count(), fetched, "served from the cache");
    // ... until the responder's nextUpdate (one day, -ndays 1) has passed.
    let raw = std::fs::read(fixtures_dir().join("online/olivia-signed.eml")).unwrap();
    online.verify(&verifier, &raw, t + 2 * 86_400, None);
    assert!(online.fetch_count() > fetched, "asked again after nextUpdate");

    // Through the server: its RFC 9219 status says what the browser cannot
    // see, and its session says that it checks online.
    let mut store = Store::default();
    for r in &rows {
        store.add("Inbox", t - 3600, std::fs::read(fixtures_dir().join("online").join(&r[0])).unwrap(), &r[0]).unwrap();
    }
    let config = Config { now: Some(t), online_revocation: Some(Timeouts::default()), ..Config::default() };
    let s = Server::new(config, store, server::smime::verifier(common::root_verifier().trust, VerifyOptions::default()));
    let snap = s.snapshot(t);
    let oscar = snap.emails.values().find(|e| e.parsed.headers["from"].to_string().contains("oscar")).unwrap();
    let rec = oscar.smime.as_ref().unwrap();
    assert_eq!(rec.status.as_deref(), Some("signed/failed"));
    let errors = rec.errors.clone().unwrap_or_default().join(" ");
    assert!(errors.contains("revoked") && errors.contains("keyCompromise"), "{errors}");
    let session = s.session("http://127.0.0.1:1", "demo");
    assert!(session["capabilities"].get(jmap_smime::jmap::CAP_ONLINE_REVOCATION).is_some(), "{session}");
    // The client reads it from the session (and the reconciliation says so).
    let parsed = Session::parse(session.to_string().as_bytes(), "http://127.0.0.1:1/jmap/session").unwrap();
    let account = parsed.mail_account().unwrap().to_owned();
    assert!(parsed.checks_revocation_online(&account));
    let plain =
        Server::new(Config::default(), Store::default(), server::smime::verifier(common::root_verifier().trust, VerifyOptions::default()));
    let parsed =
        Session::parse(plain.session("http://127.0.0.1:1", "demo").to_string().as_bytes(), "http://127.0.0.1:1/jmap/session").unwrap();
    assert!(!parsed.checks_revocation_online(&account));
}

/// A listener on 127.0.0.1 that sends `reply` in pieces of `chunk` bytes,
/// `pause` apart, to one connection.
fn trickle(reply: Vec<u8>, chunk: usize, pause: Duration) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/x", l.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Some(Ok(mut s)) = l.incoming().next() {
            let mut buf = [0u8; 4096];
            let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
            let _ = s.read(&mut buf);
            for piece in reply.chunks(chunk.max(1)) {
                if s.write_all(piece).is_err() {
                    break;
                }
                std::thread::sleep(pause);
            }
        }
    });
    url
}

fn short() -> Timeouts {
    Timeouts { connect: Duration::from_secs(1), total: Duration::from_millis(800), message: Duration::from_secs(2) }
}

#[test]
fn a_fetch_that_trickles_stops_at_its_deadline() {
    // SERVER_ONLINE_FETCH_DEADLINE_MS, shortened: one byte every 100 ms.
    let url = trickle(b"HTTP/1.0 200 OK\r\n\r\n".repeat(20), 1, Duration::from_millis(100));
    let started = Instant::now();
    let e = fetch::get(&url, 1024, short()).unwrap_err();
    assert!(e.0.contains("deadline"), "{e}");
    assert!(started.elapsed() < Duration::from_millis(1_500), "{:?}", started.elapsed());
}

#[test]
fn a_body_larger_than_its_cap_is_refused() {
    // SERVER_ONLINE_MAX_OCSP_BYTES: by Content-Length, and without one.
    let over = limits::SERVER_ONLINE_MAX_OCSP_BYTES + 1;
    let said = format!("HTTP/1.0 200 OK\r\nContent-Length: {over}\r\n\r\n").into_bytes();
    let e = fetch::get(&trickle(said, 1 << 16, Duration::ZERO), limits::SERVER_ONLINE_MAX_OCSP_BYTES, short()).unwrap_err();
    assert!(e.0.contains("Content-Length"), "{e}");
    let mut body = b"HTTP/1.0 200 OK\r\n\r\n".to_vec();
    body.resize(body.len() + over, b'x');
    let e = fetch::get(&trickle(body, 1 << 16, Duration::ZERO), limits::SERVER_ONLINE_MAX_OCSP_BYTES, short()).unwrap_err();
    assert!(e.0.contains("more than"), "{e}");
    // SERVER_ONLINE_MAX_CRL_BYTES, by Content-Length.
    let said = format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", limits::SERVER_ONLINE_MAX_CRL_BYTES + 1).into_bytes();
    let e = fetch::get(&trickle(said, 1 << 16, Duration::ZERO), limits::SERVER_ONLINE_MAX_CRL_BYTES, short()).unwrap_err();
    assert!(e.0.contains("Content-Length"), "{e}");
    // At the cap it is accepted.
    let mut body = b"HTTP/1.0 200 OK\r\n\r\n".to_vec();
    body.resize(body.len() + limits::SERVER_ONLINE_MAX_OCSP_BYTES, b'x');
    let got = fetch::get(&trickle(body, 1 << 16, Duration::ZERO), limits::SERVER_ONLINE_MAX_OCSP_BYTES, short()).unwrap();
    assert_eq!(got.len(), limits::SERVER_ONLINE_MAX_OCSP_BYTES);
}

#[test]
fn a_reply_header_larger_than_its_cap_is_refused() {
    // SERVER_ONLINE_MAX_HEADER_BYTES.
    let mut head = b"HTTP/1.0 200 OK\r\nX-Pad: ".to_vec();
    head.resize(head.len() + limits::SERVER_ONLINE_MAX_HEADER_BYTES + 1, b'a');
    let e = fetch::get(&trickle(head, 1 << 16, Duration::ZERO), 16, short()).unwrap_err();
    assert!(e.0.contains("header too long") || e.0.contains("more than"), "{e}");
}

#[test]
fn only_http_urls_and_200_replies() {
    for url in ["https://127.0.0.1/", "ldap://127.0.0.1/", "file:///etc/passwd"] {
        assert!(fetch::get(url, 16, short()).is_err(), "{url}");
    }
    let e =
        fetch::get(&trickle(b"HTTP/1.0 302 Found\r\nLocation: http://x/\r\n\r\n".to_vec(), 64, Duration::ZERO), 16, short()).unwrap_err();
    assert!(e.0.contains("302"), "{e}");
}
