#![cfg(feature = "server")]
//! HTTP-level conformance tests of the reference JMAP server with RFC 9219
//! (src/server, issue 5 §1): one test per server-side rule. Each test starts
//! its own server in-process on 127.0.0.1 port 0 (a tokio runtime on a
//! background thread) over a store built from the fixtures, with a fixed
//! clock, and talks to it with a tiny HTTP/1.1 client over
//! `std::net::TcpStream` (`Connection: close`). Rules about time passing or
//! trust anchors being added, which HTTP cannot drive, go through the library
//! API (`server::smime::refresh`, `server::smime::anchors_added`,
//! `server::api::process`) and say so.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jmap_smime::asn1::time::{parse_rfc3339, UnixTime};
use jmap_smime::limits;
use jmap_smime::pki::crl::crls_from_pem_or_der;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::server::{self, store::Store, Config, Server};
use jmap_smime::verifier::VerifyOptions;
use serde_json::{json, Value};

const CORE: &str = "urn:ietf:params:jmap:core";
const MAIL: &str = "urn:ietf:params:jmap:mail";
const SMIME: &str = "urn:ietf:params:jmap:smimeverify";
const USER: &str = "alice";
const PASS: &str = "s3cret";
const TOKEN: &str = "tok-123";
const ORIGIN: &str = "http://app.example";
const S: &[&str] = &["smimeStatus", "smimeStatusAtDelivery", "smimeErrors", "smimeVerifiedAt"];

/// The fixed "now" of every server: 2026-01-01T00:00:00Z.
fn now() -> UnixTime {
    t("2026-01-01T00:00:00Z")
}

fn t(s: &str) -> UnixTime {
    parse_rfc3339(s).unwrap()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The mailbox: (file under tests/fixtures, mailbox, receivedAt). Ids are
/// M00001.. in this order.
const MAILBOX: &[(&str, &str, &str)] = &[
    ("messages/plain-unsigned.eml", "Inbox", "2024-06-01T12:00:00Z"), // M00001 unsigned
    ("messages/rsa2048-sha256-detached.eml", "Inbox", "2024-06-02T12:00:00Z"), // M00002 verified
    ("messages/tampered-body-detached.eml", "Inbox", "2024-06-03T12:00:00Z"), // M00003 tampered
    ("messages/body-attachment-detached.eml", "Archive", "2024-06-04T12:00:00Z"), // M00004 verified, attachment
    ("messages/body-multipart-alternative-detached.eml", "Inbox", "2024-06-05T12:00:00Z"), // M00005 verified, html
    ("trust/messages/untrusted-root.eml", "Inbox", "2024-06-06T12:00:00Z"), // M00006 untrusted root
    ("trust/messages/revoked-embedded-crl.eml", "Inbox", "2024-06-07T12:00:00Z"), // M00007 revoked
    ("trust/messages/expired-valid-at-delivery.eml", "Archive", "2021-06-01T00:00:00Z"), // M00008 expired since delivery
    ("messages/openpgp-signed.eml", "Inbox", "2024-06-08T12:00:00Z"), // M00009 multipart/signed, OpenPGP: "unknown"
];
const UNSIGNED: &str = "M00001";
const VERIFIED: &str = "M00002";
const TAMPERED: &str = "M00003";
const ATTACHMENT: &str = "M00004";
const ALTERNATIVE: &str = "M00005";
const UNTRUSTED: &str = "M00006";
const REVOKED: &str = "M00007";
const EXPIRED: &str = "M00008";
const OPENPGP: &str = "M00009";

fn all_ids() -> Vec<String> {
    (1..=MAILBOX.len()).map(|n| format!("M{n:05}")).collect()
}

/// A fresh temporary directory.
fn temp_dir(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("jmap-smime-server-http-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The store, through `Store::load_dir` on a directory with the fixtures
/// and an index.tsv.
fn store() -> Store {
    let dir = temp_dir("mail");
    let mut index = String::from("# file\tmailbox\treceivedAt\n");
    for (file, mailbox, received) in MAILBOX {
        let name = Path::new(file).file_name().unwrap().to_str().unwrap();
        std::fs::copy(root().join(file), dir.join(name)).unwrap();
        index.push_str(&format!("{name}\t{mailbox}\t{received}\n"));
    }
    std::fs::write(dir.join("index.tsv"), index).unwrap();
    Store::load_dir(&dir).unwrap()
}

/// The server's trust: the main test root, plus the root CRL.
fn trust(other_root: bool) -> (TrustStore, VerifyOptions) {
    let mut trust = TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(root().join("pki/root.cert.pem")).unwrap()).unwrap();
    if other_root {
        trust.add_pem_or_der(&std::fs::read(root().join("trust/pki/other-root.cert.pem")).unwrap()).unwrap();
    }
    let options =
        VerifyOptions { crls: crls_from_pem_or_der(&std::fs::read(root().join("trust/root.crl")).unwrap()).unwrap(), ..Default::default() };
    (trust, options)
}

fn config() -> Config {
    Config {
        users: vec![(USER.into(), PASS.into())],
        tokens: vec![TOKEN.into()],
        cors_origins: vec![ORIGIN.into()],
        now: Some(now()),
        ..Config::default()
    }
}

/// A running server.
struct Srv {
    addr: SocketAddr,
    server: Arc<Server>,
}

fn start_with(config: Config, store: Store, other_root: bool) -> Srv {
    let (trust, options) = trust(other_root);
    let server = Arc::new(Server::new(config, store, server::smime::verifier(trust, options)));
    let (tx, rx) = std::sync::mpsc::channel();
    let s = server.clone();
    std::thread::spawn(move || {
        // Two workers, as src/bin/jmap-smime-server.rs runs.
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            server::http::serve(s, listener).await.unwrap();
        });
    });
    Srv { addr: rx.recv().unwrap(), server }
}

fn start() -> Srv {
    start_with(config(), store(), false)
}

/// One HTTP response.
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn has_cors(&self) -> bool {
        self.headers.iter().any(|(k, _)| k.to_ascii_lowercase().starts_with("access-control-"))
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let line = std::str::from_utf8(&b[..eol]).unwrap();
        let n = usize::from_str_radix(line.split(';').next().unwrap().trim(), 16).unwrap();
        b = &b[eol + 2..];
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[..n]);
        b = &b[n + 2..];
    }
}

/// Send raw bytes, read the whole response (the server closes).
fn raw(addr: SocketAddr, request: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    // Writing may fail when the server answers early and closes; the answer is still read.
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let head_end =
        buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| panic!("no response: {:?}", String::from_utf8_lossy(&buf)));
    let head = std::str::from_utf8(&buf[..head_end]).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.map(|l| l.split_once(':').unwrap()).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect();
    let mut body = buf[head_end + 4..].to_vec();
    if headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    Resp { status, headers, body }
}

fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    raw(addr, &bytes)
}

fn basic(user: &str, pass: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{pass}").into_bytes();
    let mut out = String::new();
    for c in input.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

fn auth() -> String {
    basic(USER, PASS)
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    request(addr, "GET", path, &[("Authorization", &auth())], b"")
}

/// POST a body to the API with good credentials.
fn post_raw(addr: SocketAddr, body: &[u8]) -> Resp {
    request(addr, "POST", "/jmap/api/", &[("Authorization", &auth()), ("Content-Type", "application/json")], body)
}

/// A JMAP request; the whole response object (status 200 asserted).
fn api(addr: SocketAddr, using: &[&str], calls: Value) -> Value {
    let body = json!({"using": using, "methodCalls": calls});
    let r = post_raw(addr, body.to_string().as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-type").unwrap().starts_with("application/json"));
    r.json()
}

/// One method call; its response [name, args, id].
fn call(addr: SocketAddr, using: &[&str], name: &str, args: Value) -> Value {
    let v = api(addr, using, json!([[name, args, "c0"]]));
    let responses = v["methodResponses"].as_array().unwrap();
    assert_eq!(responses.len(), 1, "{v}");
    assert_eq!(responses[0][2], "c0");
    responses[0].clone()
}

/// One method call expected to succeed: its arguments.
fn ok(addr: SocketAddr, using: &[&str], name: &str, args: Value) -> Value {
    let r = call(addr, using, name, args.clone());
    assert_eq!(r[0], name, "{name} {args} -> {r}");
    r[1].clone()
}

/// One method call expected to fail: the error type.
fn err(addr: SocketAddr, using: &[&str], name: &str, args: Value) -> String {
    let r = call(addr, using, name, args.clone());
    assert_eq!(r[0], "error", "{name} {args} should fail: {r}");
    r[1]["type"].as_str().unwrap().to_owned()
}

const M: &[&str] = &[CORE, MAIL];
const MS: &[&str] = &[CORE, MAIL, SMIME];

fn query_ids(addr: SocketAddr, using: &[&str], args: Value) -> Vec<String> {
    let mut a = json!({"accountId": "A1"});
    a.as_object_mut().unwrap().extend(args.as_object().unwrap().clone());
    ok(addr, using, "Email/query", a)["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn ids(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

/// The path and query of an absolute URL on this server.
fn local_path(addr: SocketAddr, url: &str) -> String {
    let prefix = format!("http://{addr}");
    assert!(url.starts_with(&prefix), "{url} is not an absolute URL on {prefix}");
    url[prefix.len()..].to_owned()
}

/// RFC 6570 level 1 expansion (simple string expansion percent-encodes '/').
fn expand(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), &v.replace('/', "%2F"));
    }
    out
}

fn session(addr: SocketAddr) -> Value {
    let r = get(addr, "/jmap/session");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-type").unwrap().starts_with("application/json"));
    r.json()
}

fn blob_id(addr: SocketAddr, id: &str) -> String {
    let v = ok(addr, M, "Email/get", json!({"accountId": "A1", "ids": [id], "properties": ["blobId"]}));
    v["list"][0]["blobId"].as_str().unwrap().to_owned()
}

fn download_path(addr: SocketAddr, id: &str) -> String {
    let s = session(addr);
    let url = expand(
        s["downloadUrl"].as_str().unwrap(),
        &[("accountId", "A1"), ("blobId", &blob_id(addr, id)), ("name", "message.eml"), ("type", "message/rfc822")],
    );
    local_path(addr, &url)
}

/// Rule 1: `/.well-known/jmap` redirects to the session; the session has the
/// RFC 9219 capability (RFC 9219 §3) in `capabilities` and in the account's
/// `accountCapabilities`; with `--no-smime` (Config.smime = false) it has
/// neither; its URLs are absolute and work (RFC 8620 §2, §2.2).
#[test]
fn rule01_well_known_session_capabilities_urls() {
    let s = start();
    let r = request(s.addr, "GET", "/.well-known/jmap", &[], b"");
    assert!(matches!(r.status, 301 | 302 | 303 | 307 | 308), "{r:?}");
    let location = r.header("location").unwrap().to_owned();
    let path = if location.starts_with("http") { local_path(s.addr, &location) } else { location };
    assert_eq!(path, "/jmap/session");
    let session_resp = get(s.addr, &path);
    assert_eq!(session_resp.status, 200);
    let session = session_resp.json();

    assert_eq!(session["capabilities"][SMIME], json!({}));
    assert!(session["capabilities"][CORE].is_object());
    assert!(session["capabilities"][MAIL].is_object());
    assert_eq!(session["primaryAccounts"][MAIL], "A1");
    let account = &session["accounts"]["A1"];
    assert_eq!(account["accountCapabilities"][SMIME], json!({}));
    assert!(account["accountCapabilities"][MAIL].is_object());
    assert_eq!(session["username"], USER);

    // Absolute URLs, with the RFC 8620 §2 template variables, that work.
    let api_path = local_path(s.addr, session["apiUrl"].as_str().unwrap());
    for (k, vars) in [
        ("downloadUrl", &["{accountId}", "{blobId}", "{type}", "{name}"][..]),
        ("uploadUrl", &["{accountId}"][..]),
        ("eventSourceUrl", &["{types}", "{closeafter}", "{ping}"][..]),
    ] {
        let url = session[k].as_str().unwrap();
        local_path(s.addr, url);
        for v in vars {
            assert!(url.contains(v), "{k} {url} lacks {v}");
        }
    }
    let body = json!({"using": [CORE], "methodCalls": [["Core/echo", {"hello": true}, "c"]]}).to_string();
    let r = request(s.addr, "POST", &api_path, &[("Authorization", &auth()), ("Content-Type", "application/json")], body.as_bytes());
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["methodResponses"][0], json!(["Core/echo", {"hello": true}, "c"]));
    assert_eq!(v["sessionState"], session["state"]);
    let r = get(s.addr, &download_path(s.addr, VERIFIED));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, std::fs::read(root().join(MAILBOX[1].0)).unwrap());
    assert_eq!(r.header("content-type"), Some("message/rfc822"));

    // --no-smime: neither in the session nor in the account.
    let plain = start_with(Config { smime: false, ..config() }, store(), false);
    let session = self::session(plain.addr);
    let text = session.to_string();
    assert!(!text.contains(SMIME), "{text}");
    assert!(session["capabilities"][MAIL].is_object());
    assert!(session["accounts"]["A1"]["accountCapabilities"][MAIL].is_object());
    assert_ne!(session["state"], json!(null));
}

/// Rule 2: Basic and Bearer credentials are accepted; missing or wrong ones
/// give 401 with WWW-Authenticate for the session, the API and downloads.
#[test]
fn rule02_auth_basic_bearer_401() {
    let s = start();
    let download = download_path(s.addr, VERIFIED);
    let api_body = json!({"using": [CORE], "methodCalls": [["Core/echo", {}, "c"]]}).to_string();
    let targets: [(&str, &str, &[u8]); 3] =
        [("GET", "/jmap/session", b""), ("POST", "/jmap/api/", api_body.as_bytes()), ("GET", &download, b"")];
    let bearer = format!("Bearer {TOKEN}");
    let bearer_lower = format!("bearer {TOKEN}");
    let good: [&str; 3] = [&auth(), &bearer, &bearer_lower];
    let wrong_password = basic(USER, "wrong");
    let wrong_user = basic("mallory", PASS);
    let no_colon = format!("Basic {}", "YWxpY2U="); // "alice"
    let bad: [Option<&str>; 8] = [
        None,
        Some(&wrong_password),
        Some(&wrong_user),
        Some("Bearer nope"),
        Some("Bearer "),
        Some("Basic !!!not-base64!!!"),
        Some(&no_colon),
        Some("Digest username=\"alice\""),
    ];
    for (method, path, body) in targets {
        for a in good {
            let r = request(s.addr, method, path, &[("Authorization", a), ("Content-Type", "application/json")], body);
            assert_eq!(r.status, 200, "{method} {path} with {a}: {}", r.text());
        }
        for a in bad {
            let mut h = vec![("Content-Type", "application/json")];
            if let Some(a) = a {
                h.push(("Authorization", a));
            }
            let r = request(s.addr, method, path, &h, body);
            assert_eq!(r.status, 401, "{method} {path} with {a:?}: {}", r.text());
            let challenge = r.header("www-authenticate").unwrap_or_else(|| panic!("{method} {path}: no WWW-Authenticate"));
            assert!(challenge.contains("Basic") && challenge.contains("Bearer"), "{challenge}");
            assert!(!r.text().contains("Core/echo") && !r.text().contains("apiUrl"));
        }
    }
}

/// Rule 3: CORS. An allowed origin gets Access-Control-Allow-Origin on
/// responses, 401s included; the preflight OPTIONS is answered 204 without
/// credentials (what Cyrus 3.6 gets wrong); a disallowed origin, or none,
/// gets no CORS headers.
#[test]
fn rule03_cors() {
    let s = start();
    let download = download_path(s.addr, VERIFIED);
    let api_body = json!({"using": [CORE], "methodCalls": [["Core/echo", {}, "c"]]}).to_string();
    let targets: [(&str, &str, &[u8]); 3] =
        [("GET", "/jmap/session", b""), ("POST", "/jmap/api/", api_body.as_bytes()), ("GET", &download, b"")];
    let a = auth();
    for (method, path, body) in targets {
        for (creds, want) in [(Some(a.as_str()), 200), (None, 401)] {
            let mut h = vec![("Origin", ORIGIN), ("Content-Type", "application/json")];
            if let Some(c) = creds {
                h.push(("Authorization", c));
            }
            let r = request(s.addr, method, path, &h, body);
            assert_eq!(r.status, want, "{method} {path}");
            assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN), "{method} {path} {want}: {:?}", r.headers);
            assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
            assert!(r.header("vary").is_some_and(|v| v.contains("Origin")));
            if want == 401 {
                // The page must be able to read why.
                let exposed = r.header("access-control-expose-headers").unwrap_or("").to_ascii_lowercase();
                assert!(exposed.contains("www-authenticate"), "{exposed}");
            }
            // No Origin: no CORS headers at all.
            h.retain(|(k, _)| *k != "Origin");
            let r = request(s.addr, method, path, &h, body);
            assert_eq!(r.status, want);
            assert!(!r.has_cors(), "{:?}", r.headers);
            // A disallowed origin: none either.
            h.push(("Origin", "http://evil.example"));
            let r = request(s.addr, method, path, &h, body);
            assert_eq!(r.status, want);
            assert!(!r.has_cors(), "{:?}", r.headers);
        }
        // The preflight: no Authorization, 204, the methods and headers allowed.
        let preflight = |origin: &str| {
            request(
                s.addr,
                "OPTIONS",
                path,
                &[
                    ("Origin", origin),
                    ("Access-Control-Request-Method", method),
                    ("Access-Control-Request-Headers", "authorization, content-type"),
                ],
                b"",
            )
        };
        let r = preflight(ORIGIN);
        assert_eq!(r.status, 204, "preflight {path}: {r:?}");
        assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));
        assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
        let methods = r.header("access-control-allow-methods").unwrap();
        assert!(methods.contains(method), "{methods}");
        let headers = r.header("access-control-allow-headers").unwrap().to_ascii_lowercase();
        assert!(headers.contains("authorization") && headers.contains("content-type"), "{headers}");
        assert!(r.body.is_empty());
        let r = preflight("http://evil.example");
        assert!(!r.has_cors(), "disallowed preflight {path}: {:?}", r.headers);
    }
    // "*" is refused with credentials (tests/server_abuse.rs); a server
    // configured with it without validation allows no origin at all.
    let any = start_with(Config { cors_origins: vec!["*".into()], ..config() }, store(), false);
    assert!(any.server.config.validate().is_err());
    let r = request(any.addr, "GET", "/jmap/session", &[("Origin", "http://elsewhere.example")], b"");
    assert_eq!(r.status, 401);
    assert!(!r.has_cors(), "{:?}", r.headers);
}

/// Rule 4: static serving of www/ and pkg/ (no credentials needed) and path
/// traversal refused: `/../`, `%2e%2e`, backslashes.
#[test]
fn rule04_static_files_and_traversal() {
    let base = temp_dir("static");
    let (www, pkg) = (base.join("www"), base.join("pkg"));
    std::fs::create_dir_all(www.join("sub")).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(www.join("app.js"), "console.log('app');").unwrap();
    std::fs::write(www.join("sub/index.html"), "sub index").unwrap();
    std::fs::write(pkg.join("jmap_smime_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("jmap_smime.js"), "export default 1;").unwrap();
    std::fs::write(base.join("secret.txt"), "TOP-SECRET").unwrap();
    // On Unix a file may be named `..\secret.txt`: a backslash is refused even then.
    std::fs::write(www.join("..\\secret.txt"), "TOP-SECRET").ok();
    let s = start_with(Config { static_dirs: vec![("/pkg/".into(), pkg.clone()), ("/".into(), www.clone())], ..config() }, store(), false);

    for (path, body, ty) in [
        ("/", &b"<!doctype html><title>demo</title>"[..], "text/html"),
        ("/index.html", b"<!doctype html><title>demo</title>", "text/html"),
        ("/app.js", b"console.log('app');", "text/javascript"),
        ("/sub/", b"sub index", "text/html"),
        ("/pkg/jmap_smime_bg.wasm", b"\0asm\x01\0\0\0", "application/wasm"),
        ("/pkg/jmap_smime.js", b"export default 1;", "text/javascript"),
    ] {
        let r = request(s.addr, "GET", path, &[], b"");
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.body, body, "{path}");
        assert!(r.header("content-type").unwrap().starts_with(ty), "{path}: {:?}", r.header("content-type"));
    }
    assert_eq!(request(s.addr, "GET", "/missing.html", &[], b"").status, 404);
    assert_eq!(request(s.addr, "GET", "/pkg/missing.js", &[], b"").status, 404);
    assert_eq!(request(s.addr, "POST", "/index.html", &[], b"").status, 405);

    for path in [
        "/../secret.txt",
        "/pkg/../secret.txt",
        "/pkg/../../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/pkg/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..\\secret.txt",
        "/pkg/..\\secret.txt",
        "/sub\\..\\..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/..%5csecret.txt",
        "/.%2e/secret.txt",
        "//../secret.txt",
        "/./../secret.txt",
    ] {
        let r = request(s.addr, "GET", path, &[], b"");
        assert!((400..500).contains(&r.status), "{path}: {}", r.status);
        assert!(!r.text().contains("TOP-SECRET"), "{path} leaked the file");
    }
    // An absolute file path after the prefix (Path::join would replace the root with it).
    for path in [format!("/{}", base.join("secret.txt").display()), format!("/pkg/{}", base.join("secret.txt").display())] {
        let r = request(s.addr, "GET", &path, &[], b"");
        assert!((400..500).contains(&r.status), "{path}: {}", r.status);
        assert!(!r.text().contains("TOP-SECRET"), "{path} leaked the file");
    }
    // The absolute form of the request target, too.
    let r =
        raw(s.addr, format!("GET http://{}/../secret.txt HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr, s.addr).as_bytes());
    assert!(!r.text().contains("TOP-SECRET"));
}

/// Rule 5: Core/echo answers with its arguments (RFC 8620 §4); createdIds
/// comes back only when sent (RFC 8620 §3.3, §3.4).
#[test]
fn rule05_core_echo() {
    let s = start();
    let args = json!({"a": [1, 2, {"b": null}], "s": "x", "n": 1.5, "t": true});
    let v = api(s.addr, &[CORE], json!([["Core/echo", args, "e1"], ["Core/echo", {}, "e2"]]));
    assert_eq!(v["methodResponses"], json!([["Core/echo", args, "e1"], ["Core/echo", {}, "e2"]]));
    assert!(v.get("createdIds").is_none());
    assert!(v["sessionState"].is_string());
    let body = json!({"using": [CORE], "methodCalls": [["Core/echo", {}, "e"]], "createdIds": {"k1": "M00001"}});
    let v = post_raw(s.addr, body.to_string().as_bytes()).json();
    assert_eq!(v["createdIds"], json!({"k1": "M00001"}));
}

/// Rule 5: Mailbox/get (all, by id, notFound, properties) and Mailbox/query
/// (filter, sort, position, limit, total) (RFC 8620 §5.1, §5.5; RFC 8621 §2).
#[test]
fn rule05_mailbox_get_and_query() {
    let s = start();
    let v = ok(s.addr, M, "Mailbox/get", json!({"accountId": "A1", "ids": null}));
    let list = v["list"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let inbox = list.iter().find(|m| m["name"] == "Inbox").unwrap();
    let archive = list.iter().find(|m| m["name"] == "Archive").unwrap();
    assert_eq!(inbox["role"], "inbox");
    assert_eq!(archive["role"], "archive");
    assert_eq!(inbox["totalEmails"], 7);
    assert_eq!(archive["totalEmails"], 2);
    assert_eq!(inbox["parentId"], json!(null));
    assert_eq!(inbox["myRights"]["mayReadItems"], true);
    assert!(v["state"].is_string());
    let (inbox_id, archive_id) = (inbox["id"].as_str().unwrap(), archive["id"].as_str().unwrap());
    let v = ok(s.addr, M, "Mailbox/get", json!({"accountId": "A1", "ids": [archive_id, "nope"], "properties": ["name"]}));
    assert_eq!(v["list"], json!([{"id": archive_id, "name": "Archive"}]));
    assert_eq!(v["notFound"], json!(["nope"]));
    assert_eq!(err(s.addr, M, "Mailbox/get", json!({"accountId": "A1", "properties": ["bogus"]})), "invalidArguments");

    let q = |args: Value| {
        let mut a = json!({"accountId": "A1"});
        a.as_object_mut().unwrap().extend(args.as_object().unwrap().clone());
        ok(s.addr, M, "Mailbox/query", a)
    };
    let v = q(json!({}));
    assert_eq!(v["ids"], json!([inbox_id, archive_id]), "sortOrder puts the Inbox first");
    assert!(v["queryState"].is_string());
    assert_eq!(v["position"], 0);
    assert_eq!(q(json!({"filter": {"role": "archive"}}))["ids"], json!([archive_id]));
    assert_eq!(q(json!({"filter": {"name": "inbox"}}))["ids"], json!([inbox_id]));
    assert_eq!(q(json!({"filter": {"hasAnyRole": false}}))["ids"], json!([]));
    assert_eq!(q(json!({"filter": {"operator": "NOT", "conditions": [{"role": "inbox"}]}}))["ids"], json!([archive_id]));
    assert_eq!(q(json!({"sort": [{"property": "name"}]}))["ids"], json!([archive_id, inbox_id]));
    assert_eq!(q(json!({"sort": [{"property": "name", "isAscending": false}]}))["ids"], json!([inbox_id, archive_id]));
    let v = q(json!({"position": 1, "limit": 5, "calculateTotal": true}));
    assert_eq!((v["ids"].clone(), v["position"].clone(), v["total"].clone()), (json!([archive_id]), json!(1), json!(2)));
    assert!(q(json!({}))["total"].is_null());
    assert_eq!(err(s.addr, M, "Mailbox/query", json!({"accountId": "A1", "filter": {"bogus": 1}})), "unsupportedFilter");
    assert_eq!(err(s.addr, M, "Mailbox/query", json!({"accountId": "A1", "sort": [{"property": "bogus"}]})), "unsupportedSort");
}

fn email(addr: SocketAddr, id: &str, args: Value) -> Value {
    let mut a = json!({"accountId": "A1", "ids": [id]});
    a.as_object_mut().unwrap().extend(args.as_object().unwrap().clone());
    let v = ok(addr, MS, "Email/get", a);
    assert_eq!(v["notFound"], json!([]));
    v["list"][0].clone()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

/// Rule 5: Email/get: the default properties, header and metadata
/// properties, bodyStructure, preview, textBody/htmlBody/attachments and
/// bodyValues with the fetch*BodyValues switches (RFC 8621 §4.1, §4.2).
#[test]
fn rule05_email_get() {
    let s = start();
    let default = email(s.addr, UNSIGNED, json!({}));
    let want = [
        "id",
        "blobId",
        "threadId",
        "mailboxIds",
        "keywords",
        "size",
        "receivedAt",
        "messageId",
        "inReplyTo",
        "references",
        "sender",
        "from",
        "to",
        "cc",
        "bcc",
        "replyTo",
        "subject",
        "sentAt",
        "hasAttachment",
        "preview",
        "bodyValues",
        "textBody",
        "htmlBody",
        "attachments",
    ];
    assert_eq!(keys(&default), ids(&want), "RFC 8621 §4.2 default properties");
    let raw = std::fs::read(root().join(MAILBOX[0].0)).unwrap();
    assert_eq!(default["id"], UNSIGNED);
    assert_eq!(default["size"], raw.len());
    assert_eq!(default["receivedAt"], "2024-06-01T12:00:00Z");
    assert_eq!(default["sentAt"], "2024-06-01T12:00:00Z");
    assert_eq!(default["subject"], "plain unsigned message");
    assert_eq!(default["from"], json!([{"name": "Alice Example", "email": "alice@example.com"}]));
    assert_eq!(default["to"], json!([{"name": "Trent Recipient", "email": "trent@example.net"}]));
    assert_eq!(default["cc"], json!(null));
    assert_eq!(default["messageId"], json!(["plain-unsigned@fixtures.example.com"]));
    assert_eq!(default["keywords"], json!({}));
    assert_eq!(default["mailboxIds"].as_object().unwrap().len(), 1);
    assert_eq!(default["hasAttachment"], false);
    assert_eq!(default["attachments"], json!([]));
    assert!(default["preview"].as_str().unwrap().len() > 10);
    assert_eq!(default["bodyValues"], json!({}), "no bodyValues unless fetched");
    assert_eq!(default["textBody"].as_array().unwrap().len(), 1);
    assert_eq!(default["htmlBody"], default["textBody"], "no HTML: htmlBody is the text part");
    assert_eq!(default["textBody"][0]["type"], "text/plain");

    // Only what is asked for, plus the id.
    let v = email(s.addr, UNSIGNED, json!({"properties": ["subject"]}));
    assert_eq!(v, json!({"id": UNSIGNED, "subject": "plain unsigned message"}));

    // multipart/signed > multipart/alternative: bodyStructure and the bodies.
    let v = email(
        s.addr,
        ALTERNATIVE,
        json!({"properties": ["bodyStructure", "textBody", "htmlBody", "bodyValues", "preview", "attachments"]}),
    );
    let bs = &v["bodyStructure"];
    assert_eq!(bs["type"], "multipart/signed");
    assert_eq!(bs["partId"], json!(null));
    assert_eq!(bs["subParts"][0]["type"], "multipart/alternative");
    assert_eq!(bs["subParts"][0]["subParts"][0]["type"], "text/plain");
    assert_eq!(bs["subParts"][0]["subParts"][1]["type"], "text/html");
    assert_eq!(bs["subParts"][1]["type"], "application/pkcs7-signature");
    assert_eq!(bs["subParts"][1]["name"], "smime.p7s");
    assert_eq!(bs["subParts"][1]["disposition"], "attachment");
    let text_part = bs["subParts"][0]["subParts"][0]["partId"].as_str().unwrap().to_owned();
    let html_part = bs["subParts"][0]["subParts"][1]["partId"].as_str().unwrap().to_owned();
    assert_eq!(v["textBody"].as_array().unwrap().iter().map(|p| p["partId"].clone()).collect::<Vec<_>>(), vec![json!(text_part)]);
    assert_eq!(v["htmlBody"].as_array().unwrap().iter().map(|p| p["partId"].clone()).collect::<Vec<_>>(), vec![json!(html_part)]);
    assert_eq!(v["bodyValues"], json!({}));
    assert!(v["preview"].as_str().unwrap().contains("multipart/alternative body (plain part)"), "{}", v["preview"]);
    assert_eq!(v["attachments"].as_array().unwrap().len(), 1);

    let bv = |flags: Value| {
        email(
            s.addr,
            ALTERNATIVE,
            flags
                .as_object()
                .map(|f| {
                    let mut a = json!({"properties": ["bodyValues"]});
                    a.as_object_mut().unwrap().extend(f.clone());
                    a
                })
                .unwrap(),
        )["bodyValues"]
            .clone()
    };
    let text = bv(json!({"fetchTextBodyValues": true}));
    assert_eq!(keys(&text), vec![text_part.clone()]);
    assert!(text[&text_part]["value"].as_str().unwrap().contains("(plain part)"));
    assert_eq!(text[&text_part]["isTruncated"], false);
    assert_eq!(text[&text_part]["isEncodingProblem"], false);
    let html = bv(json!({"fetchHTMLBodyValues": true}));
    assert_eq!(keys(&html), vec![html_part.clone()]);
    assert!(html[&html_part]["value"].as_str().unwrap().contains("<b>multipart/alternative</b>"));
    assert_eq!(keys(&bv(json!({"fetchAllBodyValues": true}))), ids(&[&text_part, &html_part]));

    // An attachment inside the signed part.
    let v = email(s.addr, ATTACHMENT, json!({"properties": ["hasAttachment", "attachments", "textBody"]}));
    assert_eq!(v["hasAttachment"], true);
    let names: Vec<&str> = v["attachments"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["data.bin", "smime.p7s"]);
    assert_eq!(v["attachments"][0]["type"], "application/octet-stream");
    assert!(v["attachments"][0]["size"].as_u64().unwrap() > 100);
    assert_eq!(v["textBody"].as_array().unwrap().len(), 1);

    // bodyProperties: the RFC 8621 §4.2 default, or exactly what is asked for
    // (bodyStructure keeps its subParts); an unknown one is invalidArguments.
    let v = email(s.addr, ALTERNATIVE, json!({"properties": ["bodyStructure", "textBody"]}));
    let default_body = ["partId", "blobId", "size", "name", "type", "charset", "disposition", "cid", "language", "location"];
    assert_eq!(keys(&v["textBody"][0]), ids(&default_body));
    assert_eq!(keys(&v["bodyStructure"]), ids(&[&default_body[..], &["subParts"]].concat()));
    let v = email(s.addr, ALTERNATIVE, json!({"properties": ["bodyStructure", "attachments"], "bodyProperties": ["type", "headers"]}));
    assert_eq!(keys(&v["attachments"][0]), ids(&["type", "headers"]));
    assert_eq!(v["bodyStructure"]["subParts"][1]["type"], "application/pkcs7-signature");
    assert!(v["bodyStructure"]["subParts"][1]["headers"].as_array().unwrap().iter().any(|h| h["name"] == "Content-Description"));
    assert_eq!(keys(&v["bodyStructure"]), ids(&["type", "headers", "subParts"]));
    assert_eq!(err(s.addr, M, "Email/get", json!({"accountId": "A1", "ids": [UNSIGNED], "bodyProperties": ["bogus"]})), "invalidArguments");

    // maxBodyValueBytes truncates (RFC 8621 §4.2), marking it.
    let v = email(s.addr, ALTERNATIVE, json!({"properties": ["bodyValues"], "fetchTextBodyValues": true, "maxBodyValueBytes": 12}));
    let value = &v["bodyValues"][&text_part];
    assert_eq!(value["value"], "This message");
    assert_eq!(value["isTruncated"], true);
    let v = email(s.addr, ALTERNATIVE, json!({"properties": ["bodyValues"], "fetchTextBodyValues": true, "maxBodyValueBytes": 100000}));
    assert_eq!(v["bodyValues"][&text_part]["isTruncated"], false);
    assert_eq!(err(s.addr, M, "Email/get", json!({"accountId": "A1", "ids": [UNSIGNED], "maxBodyValueBytes": -1})), "invalidArguments");

    // All, and notFound.
    let v = ok(s.addr, M, "Email/get", json!({"accountId": "A1", "ids": null, "properties": ["id"]}));
    assert_eq!(v["list"].as_array().unwrap().len(), MAILBOX.len());
    let v = ok(s.addr, M, "Email/get", json!({"accountId": "A1", "ids": [VERIFIED, "M99999"], "properties": ["threadId"]}));
    assert_eq!(v["list"].as_array().unwrap().len(), 1);
    assert_eq!(v["notFound"], json!(["M99999"]));
    assert!(v["state"].is_string());
    // An id asked for twice is answered once (RFC 8620 §5.1).
    let v = ok(s.addr, M, "Email/get", json!({"accountId": "A1", "ids": [VERIFIED, "M99999", VERIFIED, "M99999"], "properties": ["id"]}));
    assert_eq!((v["list"].clone(), v["notFound"].clone()), (json!([{"id": VERIFIED}]), json!(["M99999"])));
}

/// Rule 5: Email/query: inMailbox, before/after, text/subject/from,
/// hasAttachment, AND/OR/NOT nesting, sort by receivedAt both ways, position
/// (negative too), anchor + anchorOffset, limit, calculateTotal (RFC 8620
/// §5.5, RFC 8621 §4.4).
#[test]
fn rule05_email_query() {
    let s = start();
    let a = s.addr;
    let mb = |name: &str| {
        let v = ok(a, M, "Mailbox/get", json!({"accountId": "A1"}));
        v["list"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()["id"].as_str().unwrap().to_owned()
    };
    let (inbox, archive) = (mb("Inbox"), mb("Archive"));
    let q = |filter: Value| sorted(query_ids(a, M, json!({"filter": filter})));
    assert_eq!(q(json!({"inMailbox": archive})), ids(&[ATTACHMENT, EXPIRED]));
    assert_eq!(q(json!({"inMailbox": inbox})).len(), 7);
    assert_eq!(q(json!({"inMailboxOtherThan": [inbox]})), ids(&[ATTACHMENT, EXPIRED]));
    assert_eq!(q(json!({"before": "2024-06-03T12:00:00Z"})), ids(&[UNSIGNED, VERIFIED, EXPIRED]), "before is exclusive");
    assert_eq!(q(json!({"after": "2024-06-07T12:00:00Z"})), ids(&[REVOKED, OPENPGP]), "after is inclusive");
    assert_eq!(q(json!({"after": "2024-06-02T00:00:00Z", "before": "2024-06-04T00:00:00Z"})), ids(&[VERIFIED, TAMPERED]));
    assert_eq!(q(json!({"subject": "TAMPERED"})), ids(&[TAMPERED]));
    assert_eq!(q(json!({"from": "olga"})), ids(&[UNTRUSTED]));
    assert_eq!(q(json!({"from": "rex@example.com"})), ids(&[REVOKED]));
    assert_eq!(q(json!({"text": "independent root"})), ids(&[UNTRUSTED]), "text searches the subject");
    assert_eq!(q(json!({"text": "(plain part)"})), ids(&[ALTERNATIVE]), "text searches the body");
    assert_eq!(q(json!({"text": "edgar@example.com"})), ids(&[EXPIRED]), "text searches the addresses");
    assert_eq!(q(json!({"text": "no such words anywhere"})), ids(&[]));
    assert_eq!(q(json!({"hasAttachment": false})), ids(&[UNSIGNED]));
    assert_eq!(q(json!({"hasAttachment": true})).len(), MAILBOX.len() - 1);
    let nested = json!({"operator": "AND", "conditions": [
        {"inMailbox": inbox},
        {"operator": "NOT", "conditions": [
            {"subject": "tampered"},
            {"operator": "OR", "conditions": [{"from": "olga"}, {"from": "rex"}]}
        ]}
    ]});
    assert_eq!(q(nested), ids(&[UNSIGNED, VERIFIED, ALTERNATIVE, OPENPGP]));
    assert_eq!(
        q(json!({"operator": "OR", "conditions": [{"subject": "tampered"}, {"inMailbox": archive}]})),
        ids(&[TAMPERED, ATTACHMENT, EXPIRED])
    );
    assert_eq!(q(json!({"operator": "OR", "conditions": []})), ids(&[]));
    assert_eq!(q(json!({"operator": "AND", "conditions": []})).len(), MAILBOX.len());

    let asc: Vec<String> = [EXPIRED, UNSIGNED, VERIFIED, TAMPERED, ATTACHMENT, ALTERNATIVE, UNTRUSTED, REVOKED, OPENPGP]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let desc: Vec<String> = asc.iter().rev().cloned().collect();
    let sort_asc = json!([{"property": "receivedAt", "isAscending": true}]);
    assert_eq!(query_ids(a, M, json!({"sort": sort_asc})), asc);
    assert_eq!(query_ids(a, M, json!({"sort": [{"property": "receivedAt", "isAscending": false}]})), desc);
    assert_eq!(query_ids(a, M, json!({"sort": [{"property": "receivedAt"}]})), asc, "isAscending defaults to true");

    let page = |args: Value| {
        let mut x = json!({"accountId": "A1", "sort": sort_asc});
        x.as_object_mut().unwrap().extend(args.as_object().unwrap().clone());
        ok(a, M, "Email/query", x)
    };
    let v = page(json!({"position": 2, "limit": 3}));
    assert_eq!(v["ids"], json!(asc[2..5]));
    assert_eq!(v["position"], 2);
    assert!(v.get("total").is_none(), "no total unless calculateTotal");
    let v = page(json!({"position": -2, "calculateTotal": true}));
    assert_eq!(v["ids"], json!(asc[7..]));
    assert_eq!(v["position"], 7);
    assert_eq!(v["total"], 9);
    let v = page(json!({"position": -100}));
    assert_eq!((v["ids"].clone(), v["position"].clone()), (json!(asc), json!(0)), "a negative position clamps to 0");
    assert_eq!(page(json!({"position": 100}))["ids"], json!([]));
    let v = page(json!({"anchor": TAMPERED, "anchorOffset": -1, "limit": 2}));
    assert_eq!(v["ids"], json!([VERIFIED, TAMPERED]));
    assert_eq!(v["position"], 2);
    let v = page(json!({"anchor": ATTACHMENT, "limit": 2, "position": 7}));
    assert_eq!(v["ids"], json!([ATTACHMENT, ALTERNATIVE]), "position is ignored with an anchor");
    assert_eq!(v["position"], 4);
    let v = page(json!({"anchor": UNSIGNED, "anchorOffset": -5}));
    assert_eq!(v["position"], 0, "anchor + offset clamps to 0");
    assert_eq!(v["ids"], json!(asc));
    assert_eq!(page(json!({"limit": 0}))["ids"], json!([]));
    let v = page(json!({"limit": 100000, "calculateTotal": true}));
    assert_eq!(v["ids"], json!(asc));
    assert_eq!(v["limit"], 500, "a limit above the server's is clamped and reported");
    assert!(page(json!({"limit": 4}))["limit"].is_null());
    let v = page(json!({}));
    assert!(v["queryState"].is_string());
    assert!(v["canCalculateChanges"].is_boolean());
}

/// Rule 5: Email/changes (RFC 8620 §5.2): from the state before the first
/// message everything is created; from the current one nothing; maxChanges
/// pages with hasMoreChanges.
#[test]
fn rule05_email_changes() {
    let s = start();
    let a = s.addr;
    let state = ok(a, M, "Email/get", json!({"accountId": "A1", "ids": [], "properties": ["id"]}))["state"].as_str().unwrap().to_owned();
    let ch = |since: &str, max: Option<u64>| {
        let mut args = json!({"accountId": "A1", "sinceState": since});
        if let Some(m) = max {
            args["maxChanges"] = json!(m);
        }
        ok(a, M, "Email/changes", args)
    };
    let v = ch(&state, None);
    assert_eq!(v["oldState"], state.as_str());
    assert_eq!(v["newState"], state.as_str());
    assert_eq!((v["created"].clone(), v["updated"].clone(), v["destroyed"].clone()), (json!([]), json!([]), json!([])));
    assert_eq!(v["hasMoreChanges"], false);
    let v = ch("s0", None);
    assert_eq!(sorted(v["created"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect()), all_ids());
    assert_eq!(v["newState"], state.as_str());
    assert_eq!(v["hasMoreChanges"], false);
    let mut since = "s0".to_owned();
    let mut seen = Vec::new();
    let mut rounds = 0;
    loop {
        let v = ch(&since, Some(4));
        let created = v["created"].as_array().unwrap();
        assert!(created.len() <= 4);
        seen.extend(created.iter().map(|x| x.as_str().unwrap().to_owned()));
        since = v["newState"].as_str().unwrap().to_owned();
        rounds += 1;
        if v["hasMoreChanges"] == false {
            break;
        }
        assert!(rounds < 10);
    }
    assert_eq!(rounds, 3);
    assert_eq!(sorted(seen), all_ids());
    assert_eq!(since, state);
}

/// Rule 5: Thread/get (RFC 8621 §3): each Email's thread lists it.
#[test]
fn rule05_thread_get() {
    let s = start();
    let v = ok(s.addr, M, "Email/get", json!({"accountId": "A1", "ids": [VERIFIED, TAMPERED], "properties": ["threadId"]}));
    let (t1, t2) = (v["list"][0]["threadId"].as_str().unwrap().to_owned(), v["list"][1]["threadId"].as_str().unwrap().to_owned());
    assert_ne!(t1, t2);
    let v = ok(s.addr, M, "Thread/get", json!({"accountId": "A1", "ids": [t1, "T-nope", t2]}));
    assert_eq!(v["list"], json!([{"id": t1, "emailIds": [VERIFIED]}, {"id": t2, "emailIds": [TAMPERED]}]));
    assert_eq!(v["notFound"], json!(["T-nope"]));
    assert!(v["state"].is_string());
    // ids null: every Thread (RFC 8620 §5.1).
    let v = ok(s.addr, M, "Thread/get", json!({"accountId": "A1", "ids": null}));
    assert_eq!(v["list"].as_array().unwrap().len(), MAILBOX.len());
}

/// Rule 5: result references (RFC 8620 §3.7): `#ids` with resultOf, name and
/// path, including `/list/*/id` and `/list/*/threadId`.
#[test]
fn rule05_result_references() {
    let s = start();
    let archive = ok(s.addr, M, "Mailbox/query", json!({"accountId": "A1", "filter": {"role": "archive"}}))["ids"][0].clone();
    let v = api(
        s.addr,
        M,
        json!([
            ["Email/query", {"accountId": "A1", "filter": {"inMailbox": archive}, "sort": [{"property": "receivedAt"}]}, "q"],
            ["Email/get", {"accountId": "A1", "#ids": {"resultOf": "q", "name": "Email/query", "path": "/ids"}, "properties": ["threadId"]}, "g"],
            ["Thread/get", {"accountId": "A1", "#ids": {"resultOf": "g", "name": "Email/get", "path": "/list/*/threadId"}}, "t"],
            ["Email/get", {"accountId": "A1", "#ids": {"resultOf": "g", "name": "Email/get", "path": "/list/*/id"}, "properties": ["subject"]}, "g2"],
            ["Email/get", {"accountId": "A1", "#ids": {"resultOf": "t", "name": "Thread/get", "path": "/list/*/emailIds"}, "properties": ["receivedAt"]}, "g3"],
            ["Core/echo", {"#first": {"resultOf": "q", "name": "Email/query", "path": "/ids/0"}, "#whole": {"resultOf": "q", "name": "Email/query", "path": "/position"}}, "e"]
        ]),
    );
    let r = v["methodResponses"].as_array().unwrap();
    assert_eq!(r.len(), 6);
    for x in r {
        assert_ne!(x[0], "error", "{x}");
    }
    assert_eq!(r[0][1]["ids"], json!([EXPIRED, ATTACHMENT]));
    assert_eq!(r[1][1]["list"].as_array().unwrap().len(), 2);
    let threads: Vec<Value> = r[1][1]["list"].as_array().unwrap().iter().map(|e| e["threadId"].clone()).collect();
    assert_eq!(r[2][1]["list"].as_array().unwrap().iter().map(|t| t["id"].clone()).collect::<Vec<_>>(), threads);
    assert_eq!(
        r[3][1]["list"].as_array().unwrap().iter().map(|e| e["id"].clone()).collect::<Vec<_>>(),
        vec![json!(EXPIRED), json!(ATTACHMENT)]
    );
    assert_eq!(r[3][1]["list"][1]["subject"], "signed body with attachment");
    assert_eq!(r[4][1]["list"][0]["receivedAt"], "2021-06-01T00:00:00Z", "the flattened emailIds of every thread");
    assert_eq!(r[5][1], json!({"first": EXPIRED, "whole": 0}));
}

/// Assert a request-level error (RFC 8620 §3.6.1): 400, RFC 7807 problem
/// details with the JMAP type. Returns the problem object.
fn assert_problem(r: &Resp, kind: &str) -> Value {
    assert_eq!(r.status, 400, "want {kind}: {}", r.text());
    assert!(r.header("content-type").unwrap().starts_with("application/problem+json"), "{:?}", r.header("content-type"));
    let p = r.json();
    assert_eq!(p["type"], format!("urn:ietf:params:jmap:error:{kind}"), "{p}");
    assert_eq!(p["status"], 400);
    p
}

/// A request body of exactly `size` bytes: a valid Core/echo request padded
/// with whitespace inside the JSON.
fn padded_request(size: usize) -> Vec<u8> {
    let head = format!(r#"{{"using":["{CORE}"],"methodCalls":[["Core/echo",{{}},"c"]]"#);
    let mut body = head.into_bytes();
    body.resize(size - 1, b' ');
    body.push(b'}');
    body
}

fn echo_calls(n: usize) -> Value {
    Value::Array((0..n).map(|i| json!(["Core/echo", {"i": i}, format!("c{i}")])).collect())
}

/// Rule 6: request-level errors (RFC 8620 §3.6.1), each 400 with problem
/// JSON: notJSON, notRequest, unknownCapability (an unknown URI, and
/// smimeverify on a server without the extension), limit for
/// maxSizeRequest and maxCallsInRequest with the `limit` property.
#[test]
fn rule06_request_level_errors() {
    let s = start();
    for body in [&b"{not json"[..], b"", b"\xff\xfe", b"{\"using\": [], \"using\": [], \"methodCalls\": []}", b"[1,2"] {
        assert_problem(&post_raw(s.addr, body), "notJSON");
    }
    // notJSON also covers a content type other than application/json.
    let good = json!({"using": [CORE], "methodCalls": [["Core/echo", {}, "c"]]}).to_string();
    for ct in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
        let mut h = vec![("Authorization", auth())];
        if let Some(ct) = ct {
            h.push(("Content-Type", ct.to_owned()));
        }
        let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_problem(&request(s.addr, "POST", "/jmap/api/", &h, good.as_bytes()), "notJSON");
    }
    let r = request(
        s.addr,
        "POST",
        "/jmap/api/",
        &[("Authorization", &auth()), ("Content-Type", "application/json; charset=utf-8")],
        good.as_bytes(),
    );
    assert_eq!(r.status, 200, "a charset parameter is fine");

    for body in [
        json!([]),
        json!(null),
        json!("request"),
        json!({}),
        json!({"using": [CORE]}),
        json!({"methodCalls": []}),
        json!({"using": CORE, "methodCalls": []}),
        json!({"using": [1], "methodCalls": []}),
        json!({"using": [CORE], "methodCalls": {}}),
        json!({"using": [CORE], "methodCalls": [["Core/echo", {}]]}),
        json!({"using": [CORE], "methodCalls": [["Core/echo", [], "c"]]}),
        json!({"using": [CORE], "methodCalls": [[1, {}, "c"]]}),
        json!({"using": [CORE], "methodCalls": [["Core/echo", {}, 7]]}),
        json!({"using": [CORE], "methodCalls": [["Core/echo", {}, "c", "extra"]]}),
        json!({"using": [CORE], "methodCalls": [], "createdIds": []}),
    ] {
        assert_problem(&post_raw(s.addr, body.to_string().as_bytes()), "notRequest");
    }

    let body = json!({"using": [CORE, "urn:example:nope"], "methodCalls": [["Core/echo", {}, "c"]]});
    let p = assert_problem(&post_raw(s.addr, body.to_string().as_bytes()), "unknownCapability");
    assert!(p["detail"].as_str().unwrap().contains("urn:example:nope"));
    let plain = start_with(Config { smime: false, ..config() }, store(), false);
    let body = json!({"using": [CORE, MAIL, SMIME], "methodCalls": [["Email/get", {"accountId": "A1", "ids": [VERIFIED]}, "c"]]});
    assert_problem(&post_raw(plain.addr, body.to_string().as_bytes()), "unknownCapability");

    let p = assert_problem(&post_raw(s.addr, &padded_request(10_000_001)), "limit");
    assert_eq!(p["limit"], "maxSizeRequest");
    let p = assert_problem(&post_raw(s.addr, &padded_request(12_000_000)), "limit");
    assert_eq!(p["limit"], "maxSizeRequest");
    let body = json!({"using": [CORE], "methodCalls": echo_calls(17)});
    let p = assert_problem(&post_raw(s.addr, body.to_string().as_bytes()), "limit");
    assert_eq!(p["limit"], "maxCallsInRequest");
}

/// Rule 6: method-level errors (RFC 8620 §3.6.2, §5.1, §5.2, §5.5):
/// unknownMethod (unknown name; a mail method without the mail capability),
/// invalidArguments, invalidResultReference, accountNotFound,
/// unsupportedFilter, unsupportedSort, anchorNotFound,
/// cannotCalculateChanges, requestTooLarge. An error answers only its own
/// call: the others still run.
#[test]
fn rule06_method_level_errors() {
    let s = start();
    let a = s.addr;
    assert_eq!(err(a, M, "Foo/bar", json!({})), "unknownMethod");
    assert_eq!(err(a, M, "Email/set", json!({"accountId": "A1"})), "unknownMethod");
    assert_eq!(err(a, &[CORE], "Email/get", json!({"accountId": "A1", "ids": [VERIFIED]})), "unknownMethod");
    assert_eq!(err(a, &[CORE], "Mailbox/get", json!({"accountId": "A1"})), "unknownMethod");

    for (name, args) in [
        ("Email/get", json!({"accountId": "A1", "ids": "M00001"})),
        ("Email/get", json!({"accountId": "A1", "ids": [1]})),
        ("Email/get", json!({"accountId": "A1", "properties": ["nonsense"]})),
        ("Email/get", json!({"accountId": "A1", "properties": "subject"})),
        ("Email/get", json!({"ids": [VERIFIED]})),
        ("Email/get", json!({"accountId": "A1", "ids": [], "#ids": {"resultOf": "x", "name": "Email/query", "path": "/ids"}})),
        ("Email/query", json!({"accountId": "A1", "limit": -1})),
        ("Email/query", json!({"accountId": "A1", "position": "2"})),
        ("Email/query", json!({"accountId": "A1", "anchor": VERIFIED, "anchorOffset": 1.5})),
        ("Email/query", json!({"accountId": "A1", "filter": {"before": "yesterday"}})),
        ("Email/query", json!({"accountId": "A1", "filter": {"hasAttachment": "yes"}})),
        ("Email/query", json!({"accountId": "A1", "filter": {"operator": "XOR", "conditions": []}})),
        ("Email/query", json!({"accountId": "A1", "filter": {"operator": "AND"}})),
        ("Email/query", json!({"accountId": "A1", "filter": []})),
        ("Email/query", json!({"accountId": "A1", "sort": {"property": "receivedAt"}})),
        ("Email/changes", json!({"accountId": "A1"})),
        ("Email/changes", json!({"accountId": "A1", "sinceState": "s0", "maxChanges": 0})),
    ] {
        assert_eq!(err(a, M, name, args.clone()), "invalidArguments", "{name} {args}");
    }

    for reference in [
        json!({"resultOf": "nope", "name": "Email/query", "path": "/ids"}),
        json!({"resultOf": "q", "name": "Email/get", "path": "/ids"}),
        json!({"resultOf": "q", "name": "Email/query", "path": "/nope"}),
        json!({"resultOf": "q", "name": "Email/query", "path": "/ids/99"}),
        json!({"resultOf": "q", "name": "Email/query", "path": "ids"}),
        json!({"resultOf": "q", "name": "Email/query"}),
        json!({"resultOf": "later", "name": "Email/query", "path": "/ids"}),
        json!("not a reference"),
    ] {
        let v = api(
            a,
            M,
            json!([
                ["Email/query", {"accountId": "A1"}, "q"],
                ["Email/get", {"accountId": "A1", "#ids": reference, "properties": ["id"]}, "g"],
                ["Email/query", {"accountId": "A1"}, "later"]
            ]),
        );
        let r = &v["methodResponses"];
        assert_eq!(r[0][0], "Email/query");
        assert_eq!(r[1][0], "error", "{reference}");
        assert_eq!(r[1][1]["type"], "invalidResultReference", "{reference}");
        assert_eq!(r[1][2], "g");
        assert_eq!(r[2][0], "Email/query", "later calls still run");
    }

    for name in ["Email/get", "Email/query", "Email/changes", "Mailbox/get", "Mailbox/query", "Thread/get"] {
        assert_eq!(err(a, M, name, json!({"accountId": "A2", "ids": [], "sinceState": "s0"})), "accountNotFound", "{name}");
    }
    assert_eq!(err(a, M, "Email/query", json!({"accountId": "A1", "filter": {"nonsense": 1}})), "unsupportedFilter");
    assert_eq!(
        err(
            a,
            M,
            "Email/query",
            json!({"accountId": "A1", "filter": {"operator": "OR", "conditions": [{"subject": "x"}, {"header": ["X-Foo"]}]}})
        ),
        "unsupportedFilter"
    );
    // Not decided by the data: no Email is received after 2100, the filter is still refused.
    assert_eq!(
        err(a, M, "Email/query", json!({"accountId": "A1", "filter": {"after": "2100-01-01T00:00:00Z", "zzz": 1}})),
        "unsupportedFilter"
    );
    assert_eq!(err(a, M, "Email/query", json!({"accountId": "A1", "sort": [{"property": "nonsense"}]})), "unsupportedSort");
    assert_eq!(
        err(a, M, "Email/query", json!({"accountId": "A1", "sort": [{"property": "subject", "collation": "i;klingon"}]})),
        "unsupportedSort",
        "a collation the server does not have"
    );
    ok(a, M, "Email/query", json!({"accountId": "A1", "sort": [{"property": "subject", "collation": "i;ascii-casemap"}]}));
    assert_eq!(err(a, M, "Email/query", json!({"accountId": "A1", "anchor": "M99999"})), "anchorNotFound");
    assert_eq!(
        err(a, M, "Email/query", json!({"accountId": "A1", "anchor": UNSIGNED, "filter": {"subject": "tampered"}})),
        "anchorNotFound",
        "the anchor must be in the filtered results"
    );
    for since in ["bogus", "s999", "", "s-1"] {
        assert_eq!(err(a, M, "Email/changes", json!({"accountId": "A1", "sinceState": since})), "cannotCalculateChanges", "{since}");
    }
    let many: Vec<String> = (0..501).map(|i| format!("M{i:05}")).collect();
    for name in ["Email/get", "Mailbox/get", "Thread/get"] {
        assert_eq!(err(a, M, name, json!({"accountId": "A1", "ids": many})), "requestTooLarge", "{name}");
    }
}

/// Everything a client can read about the Emails: the Email state and an
/// Email/get of every Email with every property, as the raw response bytes.
fn snapshot(addr: SocketAddr) -> Vec<u8> {
    let mut props: Vec<&str> = vec!["bodyStructure"];
    props.extend(S);
    let default_get = json!({"using": MS, "methodCalls": [
        ["Email/get", {"accountId": "A1", "ids": null, "fetchAllBodyValues": true}, "a"],
        ["Email/get", {"accountId": "A1", "ids": null, "properties": props}, "b"],
        ["Email/changes", {"accountId": "A1", "sinceState": "s0"}, "c"],
        ["Mailbox/get", {"accountId": "A1"}, "d"]
    ]});
    let r = post_raw(addr, default_get.to_string().as_bytes());
    assert_eq!(r.status, 200);
    r.body
}

/// Rule 7: bad input never crashes the server and never changes the store:
/// after malformed JSON, oversized bodies, unknown methods, bad result
/// references, unauthenticated calls and garbage HTTP, the Email state and
/// an Email/get of everything are byte-identical to before, and the server
/// still answers.
#[test]
fn rule07_bad_input_changes_nothing() {
    let s = start();
    let a = s.addr;
    let before = snapshot(a);
    let (state_before, changes_before) = {
        let st = s.server.state.lock().unwrap();
        (st.store.state, st.store.changes.len())
    };
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_filter = (0..40).fold(json!({"subject": "x"}), |f, _| json!({"operator": "NOT", "conditions": [f]}));
    let bodies: Vec<Vec<u8>> = vec![
        b"{not json".to_vec(),
        b"\x00\x01\x02".to_vec(),
        deep_json.into_bytes(),
        b"{\"using\":[\"urn:ietf:params:jmap:core\"],\"methodCalls\":[[\"Core/echo\",{\"n\":1e999999},\"c\"]]}".to_vec(),
        b"{\"using\":[\"urn:ietf:params:jmap:core\"],\"methodCalls\":[[\"Core/echo\",{\"s\":\"\\ud800\"},\"c\"]]}".to_vec(),
        padded_request(12_000_000),
        json!({"using": MS, "methodCalls": echo_calls(100)}).to_string().into_bytes(),
        json!({"using": MS, "methodCalls": [
            ["Email/set", {"accountId": "A1", "destroy": [VERIFIED]}, "a"],
            ["Email/import", {"accountId": "A1"}, "b"],
            ["Mailbox/set", {"accountId": "A1", "create": {"x": {"name": "New"}}}, "c"],
            ["Email/get", {"accountId": "A1", "#ids": {"resultOf": "zz", "name": "Email/query", "path": "/ids"}}, "d"],
            ["Email/get", {"accountId": "A1", "#ids": {"resultOf": "a", "name": "error", "path": "/*"}}, "e"],
            ["Email/query", {"accountId": "A1", "filter": deep_filter}, "f"],
            ["Email/query", {"accountId": "A1", "position": -9_223_372_036_854_775_807i64, "anchorOffset": 9_223_372_036_854_775_807i64}, "g"],
            ["Email/query", {"accountId": "A1", "anchor": VERIFIED, "anchorOffset": 9_223_372_036_854_775_807i64}, "h"],
            ["Email/query", {"accountId": "A1", "anchor": VERIFIED, "anchorOffset": -9_223_372_036_854_775_807i64}, "i"],
            ["Email/changes", {"accountId": "A1", "sinceState": "s18446744073709551615"}, "j"],
            ["Email/changes", {"accountId": "A1", "sinceState": "s0", "maxChanges": 18_446_744_073_709_551_615u64}, "k"],
            ["Email/get", {"accountId": "A1", "ids": [VERIFIED], "properties": ["smimeStatus", "header:From"]}, "l"],
            ["Core/echo", {"#x": {"resultOf": "l", "name": "error", "path": "/list/*/*/*/*"}}, "m"]
        ]})
        .to_string()
        .into_bytes(),
    ];
    for body in &bodies {
        let r = post_raw(a, body);
        assert!(r.status == 200 || r.status == 400, "{}", r.status);
    }
    // Unauthenticated and badly authenticated calls, other methods, garbage HTTP.
    let good = json!({"using": M, "methodCalls": [["Email/get", {"accountId": "A1"}, "c"]]}).to_string();
    assert_eq!(request(a, "POST", "/jmap/api/", &[("Content-Type", "application/json")], good.as_bytes()).status, 401);
    assert_eq!(
        request(a, "POST", "/jmap/api/", &[("Authorization", "Basic Og=="), ("Content-Type", "application/json")], good.as_bytes()).status,
        401
    );
    for (method, path) in [
        ("PUT", "/jmap/api/"),
        ("DELETE", "/jmap/session"),
        ("GET", "/jmap/api/"),
        ("POST", "/jmap/upload/A1/"),
        ("GET", "/jmap/download/A1/nope/x"),
    ] {
        let r = request(a, method, path, &[("Authorization", &auth())], b"xx");
        assert!((400..500).contains(&r.status), "{method} {path}: {}", r.status);
    }
    let r = request(a, "GET", "/jmap/download/A2/x/y", &[("Authorization", &auth())], b"");
    assert_eq!(r.status, 404);
    for garbage in
        [&b"\r\n\r\n"[..], b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"POST /jmap/api/ HTTP/1.1\r\nContent-Length: -1\r\n\r\n"]
    {
        let mut st = TcpStream::connect(a).unwrap();
        st.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = st.write_all(garbage);
        let _ = st.shutdown(std::net::Shutdown::Write);
        let mut buf = Vec::new();
        let _ = st.read_to_end(&mut buf);
        assert!(!String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 2"), "{}", String::from_utf8_lossy(&buf));
    }
    // A client that goes away mid-body.
    {
        let mut st = TcpStream::connect(a).unwrap();
        let _ = st.write_all(format!("POST /jmap/api/ HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"using\"", auth()).as_bytes());
    }

    let after = snapshot(a);
    assert!(before == after, "the store changed:\nbefore {}\nafter  {}", String::from_utf8_lossy(&before), String::from_utf8_lossy(&after));
    let st = s.server.state.lock().unwrap();
    assert_eq!((st.store.state, st.store.changes.len()), (state_before, changes_before));
}

fn smime_props(addr: SocketAddr, id: &str) -> Value {
    let v = email(addr, id, json!({"properties": S}));
    assert_eq!(
        keys(&v),
        ids(&["id", "smimeStatus", "smimeStatusAtDelivery", "smimeErrors", "smimeVerifiedAt"]),
        "RFC 9219 §4.1: each listed property is returned"
    );
    v
}

/// A failed verdict: signed/failed with at least one error text.
fn assert_failed(v: &Value, at_delivery: &str, error_word: &str) {
    assert_eq!(v["smimeStatus"], "signed/failed", "{v}");
    assert_eq!(v["smimeStatusAtDelivery"], at_delivery, "{v}");
    let errors = v["smimeErrors"].as_array().unwrap_or_else(|| panic!("failed without smimeErrors: {v}"));
    assert!(!errors.is_empty() && errors.iter().all(|e| e.as_str().is_some_and(|s| !s.is_empty())), "{v}");
    let joined = errors.iter().map(|e| e.as_str().unwrap().to_lowercase()).collect::<Vec<_>>().join(" | ");
    assert!(joined.contains(error_word), "{joined} should mention {error_word}");
    assert_eq!(v["smimeVerifiedAt"], "2026-01-01T00:00:00Z");
}

/// Rule 8: RFC 9219 §4.1 values of smimeStatus, smimeStatusAtDelivery,
/// smimeErrors and smimeVerifiedAt for a verified, a tampered, an unsigned,
/// an untrusted-root (and the same with other-root trusted by the server), a
/// revoked and an expired-since-delivery message; the S/MIME properties are
/// not in the default property list.
#[test]
fn rule08_smime_property_values() {
    let s = start();
    let a = s.addr;
    let verified = smime_props(a, VERIFIED);
    assert_eq!(
        verified,
        json!({"id": VERIFIED, "smimeStatus": "signed/verified", "smimeStatusAtDelivery": "signed/verified", "smimeErrors": null, "smimeVerifiedAt": "2026-01-01T00:00:00Z"})
    );
    assert_eq!(
        smime_props(a, UNSIGNED),
        json!({"id": UNSIGNED, "smimeStatus": null, "smimeStatusAtDelivery": null, "smimeErrors": null, "smimeVerifiedAt": null})
    );
    assert_failed(&smime_props(a, TAMPERED), "signed/failed", "digest");
    assert_failed(&smime_props(a, UNTRUSTED), "signed/failed", "trusted root");
    assert_failed(&smime_props(a, REVOKED), "signed/failed", "revoked");
    // Valid on 2021-06-01 (receivedAt), expired on 2022-12-31: failed now, verified at delivery.
    assert_failed(&smime_props(a, EXPIRED), "signed/verified", "expired");
    // multipart/signed with the OpenPGP protocol: "unknown" (RFC 9219 §4.1.1), no errors.
    let pgp = smime_props(a, OPENPGP);
    assert_eq!((pgp["smimeStatus"].clone(), pgp["smimeErrors"].clone()), (json!("unknown"), json!(null)));

    // Each property alone, when listed, is returned (RFC 9219 §4.1).
    for p in S {
        let v = email(a, EXPIRED, json!({"properties": [p]}));
        assert_eq!(keys(&v), ids(&["id", p]));
    }
    // Not in the default list, even with the capability in `using`.
    let v = ok(a, MS, "Email/get", json!({"accountId": "A1", "ids": all_ids()}));
    for e in v["list"].as_array().unwrap() {
        for p in S {
            assert!(e.get(*p).is_none(), "{p} in the default properties");
        }
    }
    // The server trusting the other root: the untrusted-root message verifies.
    let other = start_with(config(), store(), true);
    assert_eq!(
        smime_props(other.addr, UNTRUSTED),
        json!({"id": UNTRUSTED, "smimeStatus": "signed/verified", "smimeStatusAtDelivery": "signed/verified", "smimeErrors": null, "smimeVerifiedAt": "2026-01-01T00:00:00Z"})
    );
}

/// Rule 8: the three RFC 9219 §4.2 filters, alone and inside AND/OR/NOT.
#[test]
fn rule08_smime_filters() {
    let s = start();
    let q = |filter: Value| sorted(query_ids(s.addr, MS, json!({"filter": filter})));
    let all = all_ids();
    let not = |keep: &[&str]| -> Vec<String> { all.iter().filter(|i| !keep.contains(&i.as_str())).cloned().collect() };
    let verified_now = [VERIFIED, ATTACHMENT, ALTERNATIVE];
    let verified_at_delivery = [VERIFIED, ATTACHMENT, ALTERNATIVE, EXPIRED];
    assert_eq!(q(json!({"hasSmime": true})), not(&[UNSIGNED]));
    assert_eq!(q(json!({"hasSmime": false})), ids(&[UNSIGNED]));
    assert_eq!(q(json!({"hasVerifiedSmime": true})), ids(&verified_now));
    assert_eq!(q(json!({"hasVerifiedSmime": false})), not(&verified_now), "false includes null");
    assert_eq!(q(json!({"hasVerifiedSmimeAtDelivery": true})), ids(&verified_at_delivery));
    assert_eq!(q(json!({"hasVerifiedSmimeAtDelivery": false})), not(&verified_at_delivery));
    // Verified at delivery but not now.
    assert_eq!(q(json!({"hasVerifiedSmimeAtDelivery": true, "hasVerifiedSmime": false})), ids(&[EXPIRED]));
    assert_eq!(
        q(json!({"operator": "AND", "conditions": [{"hasVerifiedSmimeAtDelivery": true}, {"hasVerifiedSmime": false}]})),
        ids(&[EXPIRED])
    );
    assert_eq!(q(json!({"operator": "NOT", "conditions": [{"hasVerifiedSmime": true}]})), not(&verified_now));
    assert_eq!(
        q(json!({"operator": "AND", "conditions": [{"hasSmime": true}, {"operator": "NOT", "conditions": [{"hasVerifiedSmime": true}]}]})),
        ids(&[TAMPERED, UNTRUSTED, REVOKED, EXPIRED, OPENPGP])
    );
    assert_eq!(
        q(json!({"operator": "OR", "conditions": [{"hasSmime": false}, {"hasVerifiedSmime": true}]})),
        ids(&[UNSIGNED, VERIFIED, ATTACHMENT, ALTERNATIVE])
    );
    assert_eq!(
        q(
            json!({"operator": "OR", "conditions": [{"operator": "NOT", "conditions": [{"hasSmime": true}]}, {"subject": "tampered", "hasSmime": true}]})
        ),
        ids(&[UNSIGNED, TAMPERED])
    );
    assert_eq!(
        query_ids(s.addr, MS, json!({"filter": {"hasVerifiedSmime": true}, "sort": [{"property": "receivedAt", "isAscending": false}]})),
        vec![ALTERNATIVE, ATTACHMENT, VERIFIED]
    );
    assert_eq!(err(s.addr, MS, "Email/query", json!({"accountId": "A1", "filter": {"hasSmime": "yes"}})), "invalidArguments");
    assert_eq!(
        err(s.addr, MS, "Email/query", json!({"accountId": "A1", "filter": {"smimeStatus": "signed/verified"}})),
        "unsupportedFilter",
        "RFC 9219 has no smimeStatus filter"
    );
}

/// Rule 8: a request that does not name urn:ietf:params:jmap:smimeverify in
/// `using` sees no extension on a server that has it (RFC 9219 §3, RFC 8620
/// §1.8): the properties are invalidArguments, the filters
/// unsupportedFilter, wherever they sit and whatever the data; a server
/// without the extension answers the same.
#[test]
fn rule08_smime_needs_using() {
    let s = start();
    let plain = start_with(Config { smime: false, ..config() }, store(), false);
    for a in [s.addr, plain.addr] {
        for p in S {
            assert_eq!(
                err(a, M, "Email/get", json!({"accountId": "A1", "ids": [VERIFIED], "properties": ["subject", p]})),
                "invalidArguments",
                "{p}"
            );
        }
        for f in ["hasSmime", "hasVerifiedSmime", "hasVerifiedSmimeAtDelivery"] {
            for filter in [
                json!({f: true}),
                json!({f: false}),
                json!({"operator": "NOT", "conditions": [{f: true}]}),
                json!({"operator": "OR", "conditions": [{"subject": "x"}, {"operator": "AND", "conditions": [{f: true}]}]}),
                // An earlier condition no Email meets does not hide the unknown one.
                json!({"after": "2100-01-01T00:00:00Z", f: true}),
                json!({"operator": "AND", "conditions": [{"after": "2100-01-01T00:00:00Z"}, {f: true}]}),
            ] {
                assert_eq!(err(a, M, "Email/query", json!({"accountId": "A1", "filter": filter})), "unsupportedFilter", "{filter}");
            }
        }
        // The rest still works, and the default properties are the same.
        let v = ok(a, M, "Email/get", json!({"accountId": "A1", "ids": [VERIFIED]}));
        assert!(S.iter().all(|p| v["list"][0].get(*p).is_none()));
    }
    // With the capability named, the same requests succeed on the server that has it.
    assert_eq!(email(s.addr, VERIFIED, json!({"properties": ["smimeStatus"]}))["smimeStatus"], "signed/verified");
}

/// For the library-level rules: run one JMAP request against a Store with
/// `server::api::process` (what the HTTP API calls) and return the first
/// method response's arguments.
fn lib_call(store: &Store, at: UnixTime, name: &str, args: Value) -> Value {
    let ctx = server::api::Context { store, smime_enabled: true, blob_enabled: true, account_id: server::ACCOUNT_ID, now: at };
    let body = json!({"using": MS, "methodCalls": [[name, args, "c"]]});
    let v = server::api::process(&ctx, body.to_string().as_bytes()).unwrap();
    assert_eq!(v["methodResponses"][0][0], name, "{v}");
    v["methodResponses"][0][1].clone()
}

fn lib_smime(store: &Store, at: UnixTime, id: &str) -> Value {
    lib_call(store, at, "Email/get", json!({"accountId": "A1", "ids": [id], "properties": S}))["list"][0].clone()
}

fn lib_changes(store: &Store, at: UnixTime, since: &str) -> (Vec<String>, Vec<String>, String) {
    let v = lib_call(store, at, "Email/changes", json!({"accountId": "A1", "sinceState": since}));
    let list = |k: &str| v[k].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect::<Vec<_>>();
    (list("created"), list("updated"), v["newState"].as_str().unwrap().to_owned())
}

fn lib_store(files: &[(&str, &str)]) -> Store {
    let mut store = Store::default();
    for (file, received) in files {
        store.add("Inbox", t(received), std::fs::read(root().join(file)).unwrap(), file).unwrap();
    }
    store
}

/// Rule 9 (library API level: HTTP cannot make time pass; the server's
/// clock is fixed by Config.now): the 24 h cache ceiling (RFC 9219 §4.1,
/// §6). A verdict is not recomputed before 24 h and is recomputed at 24 h,
/// smimeVerifiedAt telling its age; a recomputation that changes the status
/// or errors is an Email/changes update (RFC 9219 §4.3), one that only moves
/// smimeVerifiedAt is not. `server::smime::refresh` is what every API
/// request runs first.
#[test]
fn rule09_cache_ceiling_24h() {
    // Edgar's certificate expires at 2022-12-31T23:59:59Z.
    let mut store = lib_store(&[
        ("trust/messages/expired-valid-at-delivery.eml", "2021-06-01T00:00:00Z"),
        ("messages/rsa2048-sha256-detached.eml", "2022-06-01T00:00:00Z"),
    ]);
    let (trust, options) = trust(false);
    let verifier = server::smime::verifier(trust, options);
    let (edgar, alice) = ("M00001", "M00002");
    let t0 = t("2022-12-31T12:00:00Z");
    assert_eq!(server::smime::refresh(&mut store, &verifier, t0), 0, "first verification is not an update");
    let v = lib_smime(&store, t0, edgar);
    assert_eq!(
        v,
        json!({"id": edgar, "smimeStatus": "signed/verified", "smimeStatusAtDelivery": "signed/verified", "smimeErrors": null, "smimeVerifiedAt": "2022-12-31T12:00:00Z"})
    );
    let s0 = store.state_string();

    // 23:59:59 later the certificate has expired, but the cached verdict stands.
    let almost = t0 + 24 * 3600 - 1;
    assert_eq!(server::smime::refresh(&mut store, &verifier, almost), 0);
    assert_eq!(lib_smime(&store, almost, edgar), v, "not recomputed before 24 h");
    assert_eq!(store.state_string(), s0);

    // At 24 h it is recomputed: failed, with its new age, and an Email update.
    let day = t0 + 24 * 3600;
    assert_eq!(server::smime::refresh(&mut store, &verifier, day), 1);
    let v = lib_smime(&store, day, edgar);
    assert_eq!(v["smimeStatus"], "signed/failed");
    assert!(v["smimeErrors"].as_array().is_some_and(|e| !e.is_empty()));
    assert_eq!(v["smimeVerifiedAt"], "2023-01-01T12:00:00Z");
    assert_eq!(v["smimeStatusAtDelivery"], "signed/verified", "the at-delivery status does not move with time");
    assert_eq!(lib_smime(&store, day, alice)["smimeVerifiedAt"], "2023-01-01T12:00:00Z", "alice was recomputed too");
    let (created, updated, s1) = lib_changes(&store, day, &s0);
    assert_eq!((created, updated), (vec![], vec![edgar.to_owned()]), "status change: updated; alice's verifiedAt alone: not");
    assert_eq!(s1, store.state_string());

    // Another day: the same verdict recomputed; only smimeVerifiedAt moves, no update.
    let day2 = day + 24 * 3600;
    assert_eq!(server::smime::refresh(&mut store, &verifier, day2), 0);
    let v2 = lib_smime(&store, day2, edgar);
    assert_eq!(v2["smimeVerifiedAt"], "2023-01-02T12:00:00Z");
    assert_eq!((v2["smimeStatus"].clone(), v2["smimeErrors"].clone()), (v["smimeStatus"].clone(), v["smimeErrors"].clone()));
    assert_eq!(lib_changes(&store, day2, &s1), (vec![], vec![], s1.clone()));
    assert_eq!(store.state_string(), s1);
}

/// Rule 10 (library API level: HTTP cannot add trust anchors): the
/// at-delivery status is stable except when anchors are added (RFC 9219
/// §4.1). Trusting the other root leaves it alone until
/// `server::smime::anchors_added` runs; then the untrusted-root message's
/// smimeStatusAtDelivery goes from signed/failed to signed/verified and
/// Email/changes reports it (and nothing else). Removing the anchor again
/// later moves smimeStatus back, never the at-delivery status.
#[test]
fn rule10_at_delivery_changes_only_when_anchors_are_added() {
    let mut store = lib_store(&[
        ("trust/messages/untrusted-root.eml", "2024-06-06T12:00:00Z"),
        ("messages/rsa2048-sha256-detached.eml", "2024-06-02T12:00:00Z"),
        ("messages/tampered-body-detached.eml", "2024-06-03T12:00:00Z"),
    ]);
    let (olga, alice) = ("M00001", "M00002");
    let (trust_a, options_a) = trust(false);
    let before = server::smime::verifier(trust_a, options_a);
    let (trust_b, options_b) = trust(true);
    let after = server::smime::verifier(trust_b, options_b);
    let t0 = now();
    server::smime::refresh(&mut store, &before, t0);
    let v = lib_smime(&store, t0, olga);
    assert_eq!((v["smimeStatus"].clone(), v["smimeStatusAtDelivery"].clone()), (json!("signed/failed"), json!("signed/failed")));
    let s0 = store.state_string();

    // Time passing with the new trust does not touch the at-delivery status.
    let t1 = t0 + 25 * 3600;
    assert_eq!(server::smime::refresh(&mut store, &after, t1), 1, "smimeStatus follows the new trust after the ceiling");
    let v = lib_smime(&store, t1, olga);
    assert_eq!((v["smimeStatus"].clone(), v["smimeStatusAtDelivery"].clone()), (json!("signed/verified"), json!("signed/failed")));
    let s1 = store.state_string();

    // Anchors added: the at-delivery status is recomputed, and that is an update.
    let t2 = t1 + 60;
    assert_eq!(server::smime::anchors_added(&mut store, &after, t2), 1);
    let v = lib_smime(&store, t2, olga);
    assert_eq!(
        v,
        json!({"id": olga, "smimeStatus": "signed/verified", "smimeStatusAtDelivery": "signed/verified", "smimeErrors": null, "smimeVerifiedAt": "2026-01-02T01:01:00Z"})
    );
    assert_eq!(lib_smime(&store, t2, alice)["smimeStatusAtDelivery"], "signed/verified");
    let (created, updated, _) = lib_changes(&store, t2, &s1);
    assert_eq!((created, updated), (vec![], vec![olga.to_owned()]), "only the message whose verdict changed");
    let (_, updated, _) = lib_changes(&store, t2, &s0);
    assert_eq!(updated, vec![olga.to_owned()]);
    let s2 = store.state_string();

    // The anchor removed again: after the ceiling smimeStatus fails, the at-delivery status stays.
    let t3 = t2 + 24 * 3600;
    assert_eq!(server::smime::refresh(&mut store, &before, t3), 1);
    let v = lib_smime(&store, t3, olga);
    assert_eq!((v["smimeStatus"].clone(), v["smimeStatusAtDelivery"].clone()), (json!("signed/failed"), json!("signed/verified")));
    assert_eq!(lib_changes(&store, t3, &s2).1, vec![olga.to_owned()]);
}

/// A request the server takes a while to answer: 16 Email/query calls, each
/// with an OR of many text conditions no Email matches.
fn slow_request(conditions: usize) -> Vec<u8> {
    let filter = json!({"operator": "OR", "conditions": vec![json!({"text": "zzzz-not-there"}); conditions]});
    let calls: Vec<Value> = (0..16).map(|i| json!(["Email/query", {"accountId": "A1", "filter": filter}, format!("q{i}")])).collect();
    json!({"using": M, "methodCalls": calls}).to_string().into_bytes()
}

/// Rule 11: the limits the session advertises are enforced (RFC 8620
/// §2): maxSizeRequest (a body of exactly that size is processed, one byte
/// more is `limit`), maxCallsInRequest (16 calls run, 17 are `limit`),
/// maxObjectsInGet (500 ids are answered, 501 are requestTooLarge; a query
/// limit above it is clamped), and maxConcurrentRequests (more simultaneous
/// slow requests than allowed: the extra ones get `limit`, the others are
/// answered, and the count goes back to zero).
#[test]
fn rule11_advertised_limits_enforced() {
    let s = start();
    let a = s.addr;
    let core = &session(a)["capabilities"][CORE];
    let max_size = core["maxSizeRequest"].as_u64().unwrap() as usize;
    let max_calls = core["maxCallsInRequest"].as_u64().unwrap() as usize;
    let max_get = core["maxObjectsInGet"].as_u64().unwrap() as usize;
    let max_concurrent = core["maxConcurrentRequests"].as_u64().unwrap() as usize;
    assert!(max_size >= 1_000 && max_calls >= 1 && max_get >= 1 && max_concurrent >= 1);

    let r = post_raw(a, &padded_request(max_size));
    assert_eq!(r.status, 200, "a request of exactly maxSizeRequest bytes");
    assert_eq!(r.json()["methodResponses"][0][0], "Core/echo");
    assert_eq!(assert_problem(&post_raw(a, &padded_request(max_size + 1)), "limit")["limit"], "maxSizeRequest");

    let v = api(a, &[CORE], echo_calls(max_calls));
    assert_eq!(v["methodResponses"].as_array().unwrap().len(), max_calls);
    let body = json!({"using": [CORE], "methodCalls": echo_calls(max_calls + 1)});
    assert_eq!(assert_problem(&post_raw(a, body.to_string().as_bytes()), "limit")["limit"], "maxCallsInRequest");

    let ids_at = |n: usize| -> Vec<String> { (0..n).map(|i| format!("M{:05}", i + 1)).collect() };
    let v = ok(a, M, "Email/get", json!({"accountId": "A1", "ids": ids_at(max_get), "properties": ["id"]}));
    assert_eq!(v["list"].as_array().unwrap().len() + v["notFound"].as_array().unwrap().len(), max_get);
    assert_eq!(err(a, M, "Email/get", json!({"accountId": "A1", "ids": ids_at(max_get + 1)})), "requestTooLarge");
    assert_eq!(ok(a, M, "Thread/get", json!({"accountId": "A1", "ids": ids_at(max_get)}))["notFound"].as_array().unwrap().len(), max_get);
    assert_eq!(err(a, M, "Thread/get", json!({"accountId": "A1", "ids": ids_at(max_get + 1)})), "requestTooLarge");
    let v = ok(a, M, "Email/query", json!({"accountId": "A1", "limit": max_get + 1}));
    assert_eq!(v["limit"], max_get);

    // maxConcurrentRequests: simultaneous requests that each take a while.
    // Calibrate: one request should take at least 300 ms here.
    let clients = max_concurrent + 2;
    let mut n = 1000;
    let body = loop {
        let b = slow_request(n);
        let t0 = std::time::Instant::now();
        assert_eq!(post_raw(a, &b).status, 200);
        // Each condition is two JSON values: stay within maxValuesInRequest.
        let next_values = 2 * 16 * 2 * n as u64 + 1000;
        if t0.elapsed() >= Duration::from_millis(300) || b.len() * 2 > max_size || next_values > limits::SERVER_MAX_VALUES_IN_REQUEST {
            break Arc::new(b);
        }
        n *= 2;
    };
    let mut limited_seen = false;
    for _attempt in 0..3 {
        let barrier = Arc::new(std::sync::Barrier::new(clients + 1));
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let (barrier, body) = (barrier.clone(), body.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    post_raw(a, &body)
                })
            })
            .collect();
        // While they run, the server keeps answering other requests (the
        // processing does not hold up the async workers).
        barrier.wait();
        let burst = std::time::Instant::now();
        std::thread::sleep(Duration::from_millis(50));
        let t0 = std::time::Instant::now();
        assert_eq!(get(a, "/jmap/session").status, 200);
        let session_latency = t0.elapsed();
        let responses: Vec<Resp> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let burst = burst.elapsed();
        assert!(session_latency * 2 < burst, "a session request took {session_latency:?} during a {burst:?} burst");
        let mut answered = 0;
        let mut limited = 0;
        for r in &responses {
            if r.status == 200 {
                let v = r.json();
                assert!(v["methodResponses"].as_array().unwrap().iter().all(|m| m[0] == "Email/query"), "{v}");
                answered += 1;
            } else {
                assert_eq!(assert_problem(r, "limit")["limit"], "maxConcurrentRequests");
                limited += 1;
            }
        }
        assert!(answered >= 1, "some of the concurrent requests are answered");
        assert_eq!(s.server.in_flight.load(std::sync::atomic::Ordering::SeqCst), 0);
        if limited > 0 {
            limited_seen = true;
            break;
        }
    }
    assert!(limited_seen, "{clients} simultaneous slow requests never hit maxConcurrentRequests {max_concurrent}");
    // And the server is not stuck afterwards.
    assert_eq!(call(a, &[CORE], "Core/echo", json!({}))[0], "Core/echo");
}
