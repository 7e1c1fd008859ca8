//! The JS client in headless Chromium (issue 4 §6): `JmapSmimeClient` over a
//! JS fetch stub that serves the recorded session and page
//! (tests/recordings/page-*.json) and the real fixture messages; each message
//! must get the display level of tests/recordings/page.tsv. Also: the cache on
//! a second load, `.code` on errors, progress, and abort.
#![cfg(target_arch = "wasm32")]

use jmap_smime::wasm::{JmapSmimeClient, TrustStore, Verifier};
use js_sys::{Array, Map, Object, Reflect, Uint8Array};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
include!(concat!(env!("OUT_DIR"), "/trust_files.rs"));

const PAGE_TSV: &str = include_str!("recordings/page.tsv");
const RFC9219: &str = include_str!("recordings/page-rfc9219.json");
const CYRUS: &str = include_str!("recordings/page-cyrus.json");
const FORGED: &str = include_str!("recordings/page-forged.json");
const FORGED_TSV: &str = include_str!("recordings/forged.tsv");

#[wasm_bindgen(inline_js = r#"
export function makeFetch(routes, log) {
  return async (url, init) => {
    log.push({ url, method: init.method, headers: init.headers, body: init.body ? new TextDecoder().decode(init.body) : null });
    if (init.signal && init.signal.aborted) throw new DOMException('aborted', 'AbortError');
    const r = routes.get(init.method + ' ' + url);
    if (!r) return new Response('not recorded: ' + url, { status: 404 });
    if (r.fail) throw new TypeError('Failed to fetch');
    if (r.oversize !== undefined) {
      // N bytes as a stream with no Content-Length, one reused 1 MiB chunk at a time.
      const chunk = new Uint8Array(1 << 20).fill(120);
      let left = r.oversize;
      const body = new ReadableStream({
        pull(c) {
          if (left <= 0) { c.close(); return; }
          const n = Math.min(left, chunk.length);
          left -= n;
          c.enqueue(n === chunk.length ? chunk : chunk.subarray(0, n));
        },
      });
      return new Response(body, { status: r.status, headers: { 'content-type': r.contentType } });
    }
    const headers = { 'content-type': r.contentType };
    // A Content-Length the body does not have: a claim the transport must not act on.
    if (r.claimedLength !== undefined) headers['content-length'] = String(r.claimedLength);
    return new Response(r.body, { status: r.status, headers });
  };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeFetch)]
    fn make_fetch(routes: &Map, log: &Array) -> JsValue;
}

fn file(path: &str) -> &'static [u8] {
    if let Some(name) = path.strip_prefix("tests/fixtures/messages/") {
        if let Some((_, b)) = FIXTURES.iter().find(|(n, _)| *n == name) {
            return b;
        }
    }
    TRUST_FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b).unwrap_or_else(|| panic!("{path} not embedded"))
}

fn set(o: &Object, key: &str, v: impl Into<JsValue>) {
    Reflect::set(o, &JsValue::from_str(key), &v.into()).unwrap();
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

/// Routes "METHOD url" → {status, contentType, body} from a recording.
fn routes(recording: &str) -> (Map, String) {
    let rec: Value = serde_json::from_str(recording).unwrap();
    let map = Map::new();
    for x in rec["exchanges"].as_array().unwrap() {
        let (req, resp) = (&x["request"], &x["response"]);
        let r = Object::new();
        set(&r, "status", resp["status"].as_u64().unwrap() as u32);
        set(&r, "contentType", resp["contentType"].as_str().unwrap_or(""));
        if let Some(n) = resp.get("oversize").and_then(Value::as_u64) {
            set(&r, "oversize", n as f64);
        }
        let body: JsValue = match (resp.get("json"), resp.get("file")) {
            (Some(j), _) => JsValue::from_str(&j.to_string()),
            (None, Some(f)) => Uint8Array::from(file(f.as_str().unwrap())).into(),
            _ => JsValue::from_str(""),
        };
        set(&r, "body", body);
        map.set(&JsValue::from_str(&format!("{} {}", req["method"].as_str().unwrap(), req["url"].as_str().unwrap())), &r);
    }
    (map, rec["sessionUrl"].as_str().unwrap().to_owned())
}

fn verifier(extra_root: bool) -> Verifier {
    let mut trust = TrustStore::empty();
    trust.add_pem(Uint8Array::from(file("tests/fixtures/pki/root.cert.pem")).into()).unwrap();
    if extra_root {
        trust.add_pem(Uint8Array::from(file("tests/fixtures/trust/pki/other-root.cert.pem")).into()).unwrap();
    }
    Verifier::new(&trust, None).unwrap()
}

async fn connect(map: &Map, url: &str, log: &Array, v: &Verifier) -> Result<JmapSmimeClient, JsValue> {
    let o = Object::new();
    set(&o, "sessionUrl", url);
    set(&o, "verifier", JsValue::from(v.clone_for_test()));
    set(&o, "fetch", make_fetch(map, log));
    let auth = Object::new();
    set(&auth, "type", "bearer");
    set(&auth, "token", "t0k");
    set(&o, "auth", auth);
    JmapSmimeClient::connect(o.into()).await
}

fn call_options(progress: &Array) -> JsValue {
    let o = Object::new();
    set(&o, "now", "2026-01-01T00:00:00Z");
    let p = progress.clone();
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        p.push(&v);
    });
    set(&o, "onProgress", cb.into_js_value());
    o.into()
}

/// page.tsv: (file, level9219, levelCyrus).
fn expected() -> Vec<(String, String, String)> {
    PAGE_TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].to_owned(), c[5].to_owned(), c[6].to_owned())
        })
        .collect()
}

async fn check_page(recording: &str, column: usize) {
    let (map, url) = routes(recording);
    let log = Array::new();
    let v = verifier(false);
    let client = connect(&map, &url, &log, &v).await.unwrap();
    let progress = Array::new();
    let page = JsFuture::from(client.load_page(None, Some(call_options(&progress)))).await.unwrap();
    let items: Array = get(&page, "items").dyn_into().unwrap();
    let want = expected();
    assert_eq!(items.length() as usize, want.len());
    let mut wrong = Vec::new();
    for (i, row) in want.iter().enumerate() {
        let level = get(&get(&items.get(i as u32), "display"), "level").as_string().unwrap();
        let w = if column == 1 { &row.1 } else { &row.2 };
        if &level != w {
            wrong.push(format!("{}: {level}, want {w}", row.0));
        }
    }
    assert!(wrong.is_empty(), "{wrong:?}");
    assert_eq!(progress.length() as usize, want.len(), "one progress call per message");
    // Every request carried the bearer token; smimeverify named only for RFC 9219.
    for r in log.iter() {
        let auth = get(&get(&r, "headers"), "authorization").as_string();
        assert_eq!(auth.as_deref(), Some("Bearer t0k"));
        if let Some(body) = get(&r, "body").as_string() {
            assert_eq!(body.contains("urn:ietf:params:jmap:smimeverify"), column == 1, "{body}");
        }
    }
    // Second load: one API request more, no downloads, no verification.
    let before = log.length();
    let stats1 = JsFuture::from(client.stats()).await.unwrap();
    JsFuture::from(client.load_page(None, Some(call_options(&Array::new())))).await.unwrap();
    let stats2 = JsFuture::from(client.stats()).await.unwrap();
    assert_eq!(log.length(), before + 1);
    assert_eq!(get(&stats2, "verifications"), get(&stats1, "verifications"));
    assert_eq!(get(&stats2, "cacheHits"), get(&stats1, "verifications"));
}

#[wasm_bindgen_test]
async fn rfc9219_page_in_the_browser() {
    check_page(RFC9219, 1).await;
}

#[wasm_bindgen_test]
async fn cyrus_page_in_the_browser() {
    check_page(CYRUS, 2).await;
}

#[wasm_bindgen_test]
async fn importing_the_missing_root_flips_the_verdict() {
    let (map, url) = routes(RFC9219);
    let log = Array::new();
    let client = connect(&map, &url, &log, &verifier(false)).await.unwrap();
    let level_of_m008 = |page: &JsValue| {
        let items: Array = get(page, "items").dyn_into().unwrap();
        items
            .iter()
            .find(|i| get(&get(i, "email"), "id").as_string().as_deref() == Some("M008"))
            .map(|i| get(&get(&i, "display"), "level").as_string().unwrap())
    };
    let page = JsFuture::from(client.load_page(None, Some(call_options(&Array::new())))).await.unwrap();
    assert_eq!(level_of_m008(&page).as_deref(), Some("verified-by-server"));
    JsFuture::from(client.set_verifier(&verifier(true))).await.unwrap();
    let page = JsFuture::from(client.load_page(None, Some(call_options(&Array::new())))).await.unwrap();
    assert_eq!(level_of_m008(&page).as_deref(), Some("verified"));
}

#[wasm_bindgen_test]
async fn errors_reach_js_with_a_code() {
    // Session refused.
    let map = Map::new();
    let r = Object::new();
    set(&r, "status", 401u32);
    set(&r, "contentType", "text/plain");
    set(&r, "body", "no");
    map.set(&"GET https://jmap.example.com/.well-known/jmap".into(), &r);
    let err = connect(&map, "https://jmap.example.com", &Array::new(), &verifier(false)).await.err().unwrap();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("unauthorized"));
    assert!(err.is_instance_of::<js_sys::Error>());
    // Network failure.
    let map = Map::new();
    let r = Object::new();
    set(&r, "fail", true);
    map.set(&"GET https://jmap.example.com/.well-known/jmap".into(), &r);
    let err = connect(&map, "https://jmap.example.com", &Array::new(), &verifier(false)).await.err().unwrap();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("network-error"));
    // A session past MAX_SESSION_BYTES, with no Content-Length: cut off while streaming.
    let map = Map::new();
    let r = Object::new();
    set(&r, "status", 200u32);
    set(&r, "contentType", "application/json");
    set(&r, "body", "x".repeat(jmap_smime::limits::MAX_SESSION_BYTES + 1));
    map.set(&"GET https://jmap.example.com/.well-known/jmap".into(), &r);
    let err = connect(&map, "https://jmap.example.com", &Array::new(), &verifier(false)).await.err().unwrap();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("limit-exceeded"));
    // Bad options.
    let o = Object::new();
    set(&o, "sessionUrl", "https://x");
    set(&o, "verifier", 42u32);
    let err = JmapSmimeClient::connect(o.into()).await.err().unwrap();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid-argument"));
    // An aborted signal: the load rejects with "aborted".
    let (map, url) = routes(RFC9219);
    let client = connect(&map, &url, &Array::new(), &verifier(false)).await.unwrap();
    let controller = web_sys_abort();
    let o: Object = call_options(&Array::new()).dyn_into().unwrap();
    set(&o, "signal", get(&controller, "signal"));
    let abort: js_sys::Function = get(&controller, "abort").dyn_into().unwrap();
    abort.call0(&controller).unwrap();
    let err = JsFuture::from(client.load_page(None, Some(o.into()))).await.err().unwrap();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("aborted"));
}

fn web_sys_abort() -> JsValue {
    let ctor: js_sys::Function = get(&js_sys::global(), "AbortController").dyn_into().unwrap();
    Reflect::construct(&ctor, &Array::new()).unwrap()
}

/// Issue 9 §3 in the browser: the forged page (tests/recordings/forged.tsv)
/// through `JmapSmimeClient` over the fetch stub; the oversize download is a
/// stream with no Content-Length that the fetch transport cuts off at
/// MAX_MESSAGE_BYTES.
#[wasm_bindgen_test]
async fn forged_page_in_the_browser() {
    let (map, url) = routes(FORGED);
    // The Email that claims 10^8 bytes also gets a Content-Length of 10^8 here.
    let rec: Value = serde_json::from_str(FORGED).unwrap();
    let list = &rec["exchanges"][1]["response"]["json"]["methodResponses"][1][1]["list"];
    let claim = list.as_array().unwrap().iter().find(|e| e["size"] == 100_000_000).unwrap()["blobId"].as_str().unwrap().to_owned();
    for key in map.keys() {
        let key = key.unwrap();
        if key.as_string().unwrap().contains(&format!("/{claim}/")) {
            set(&map.get(&key).dyn_into::<Object>().unwrap(), "claimedLength", 100_000_000f64);
        }
    }
    let client = connect(&map, &url, &Array::new(), &verifier(false)).await.unwrap();
    let page = JsFuture::from(client.load_page(None, Some(call_options(&Array::new())))).await.unwrap();
    let items: Array = get(&page, "items").dyn_into().unwrap();
    let rows: Vec<Vec<&str>> =
        FORGED_TSV.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).skip(1).map(|l| l.split('\t').collect()).collect();
    assert_eq!(items.length() as usize, rows.len());
    let text = |v: JsValue| v.as_string().unwrap_or_else(|| "-".to_owned());
    let mut wrong = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let item = items.get(i as u32);
        let display = get(&item, "display");
        let level = text(get(&display, "level"));
        let check = get(&display, "headerCheck");
        let problem = if check.is_null() { JsValue::NULL } else { get(&check, "problem") };
        let code = if problem.is_null() { "-".to_owned() } else { text(get(&problem, "code")) };
        let err = get(&item, "clientError");
        let err = if err.is_null() { "-".to_owned() } else { text(get(&err, "code")) };
        if (level.as_str(), code.as_str(), err.as_str()) != (row[5], row[6], row[7]) {
            wrong.push(format!("{}: {level} {code} {err}, want {} {} {}", row[9], row[5], row[6], row[7]));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
