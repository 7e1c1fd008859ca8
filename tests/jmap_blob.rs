//! RFC 9404 Blob/get in the client (issue 10), over the RFC 9219 page
//! recording: table tests/recordings/blob-get.tsv. A transport wraps the
//! replay and answers Blob/get from the recording's own downloads, with one
//! fault per row; every row must give the verdicts page.tsv expects (the
//! octets are the same by either route), with the number of Blob/get
//! requests, downloads and Blob/get deliveries the row names.

mod common;

use common::{jmap_now as now, root_verifier as verifier};

use std::cell::RefCell;
use std::collections::BTreeMap;

use common::replay::{block_on, Replay, Reply};
use jmap_smime::jmap::client::{Client, ClientConfig, ClientSource};
use jmap_smime::jmap::request::PageQuery;
use jmap_smime::jmap::transport::{HttpRequest, HttpResponse, Method, Transport};
use jmap_smime::limits;
use jmap_smime::mime::decode::base64_encode;
use jmap_smime::reconcile::Level;
use jmap_smime::{Code, Error, Result};
use serde_json::{json, Value};

const BLOB: &str = "urn:ietf:params:jmap:blob";

fn tsv(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(format!("{}/tests/recordings/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(|l| l.split('\t').map(str::to_owned).collect()).collect()
}

/// page.tsv: fixture file -> expected level against the RFC 9219 recording.
fn expected_levels() -> BTreeMap<String, String> {
    tsv("page.tsv").into_iter().skip(1).map(|c| (c[0].clone(), c[5].clone())).collect()
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

/// An RFC 9404 server made of a recording: Blob/get answers from its
/// downloads, everything else replayed.
struct BlobServer {
    inner: Replay,
    /// blob id -> (fixture file, octets), from the recorded downloads.
    blobs: BTreeMap<String, (String, Vec<u8>)>,
    fault: String,
    target: String,
    session_state: String,
    blob_requests: RefCell<Vec<Value>>,
}

impl BlobServer {
    fn new(inner: Replay, fault: &str, target: &str) -> BlobServer {
        let mut blobs = BTreeMap::new();
        for x in inner.exchanges.borrow().iter() {
            if let (Some(rest), Reply::Http(r)) = (x.url.split("/download/").nth(1), &x.response) {
                let id = rest.split('/').nth(1).unwrap().to_owned();
                blobs.insert(id, (String::new(), r.body.clone()));
            }
        }
        let text = std::fs::read_to_string(format!("{}/tests/recordings/page-rfc9219.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let rec: Value = serde_json::from_str(&text).unwrap();
        for x in rec["exchanges"].as_array().unwrap() {
            if let (Some(rest), Some(f)) =
                (x["request"]["url"].as_str().unwrap().split("/download/").nth(1), x["response"]["file"].as_str())
            {
                let id = rest.split('/').nth(1).unwrap();
                if let Some(b) = blobs.get_mut(id) {
                    b.0 = f.rsplit('/').next().unwrap().to_owned();
                }
            }
        }
        let session_state = inner.session_json()["state"].as_str().unwrap().to_owned();
        BlobServer { inner, blobs, fault: fault.into(), target: target.into(), session_state, blob_requests: RefCell::new(Vec::new()) }
    }

    fn is_target(&self, id: &str) -> bool {
        self.target == "*" || self.blobs.get(id).is_some_and(|(f, _)| *f == self.target)
    }

    fn entry(&self, id: &str, octets: &[u8]) -> Vec<Value> {
        let mut b64 = base64_encode(octets);
        let mut e = json!({"id": id, "data:asBase64": b64, "size": octets.len()});
        if !self.is_target(id) {
            return vec![e];
        }
        match self.fault.as_str() {
            "truncated" => e["isTruncated"] = json!(true),
            "encoding" => e["isEncodingProblem"] = json!(true),
            "not-found" | "missing" => return vec![],
            "twice" => return vec![e.clone(), e],
            "size" => e["size"] = json!(octets.len() + 1),
            "no-size" => {
                e.as_object_mut().unwrap().remove("size");
            }
            "wrapped" => {
                b64.insert_str(76, "\r\n");
                e["data:asBase64"] = json!(b64);
            }
            "noncanonical" => {
                let t = if b64.ends_with('=') { b64.trim_end_matches('=').to_owned() } else { format!("{b64}==") };
                e["data:asBase64"] = json!(t);
            }
            "as-text" => {
                e.as_object_mut().unwrap().remove("data:asBase64");
                e["data:asText"] = json!(String::from_utf8_lossy(octets));
            }
            "unasked" => return vec![e, json!({"id": "not-asked", "data:asBase64": "eA==", "size": 1})],
            _ => {}
        }
        vec![e]
    }

    fn blob_get(&self, req: &HttpRequest, body: &Value) -> Result<HttpResponse> {
        self.blob_requests.borrow_mut().push(body.clone());
        let calls = body["methodCalls"].as_array().unwrap();
        let hits = calls.iter().flat_map(|c| c[1]["ids"].as_array().unwrap()).any(|id| self.is_target(id.as_str().unwrap()));
        if hits {
            match self.fault.as_str() {
                "http-500" => return Ok(HttpResponse { status: 500, body: b"oops".to_vec(), ..HttpResponse::default() }),
                "not-json" => return Ok(HttpResponse { status: 200, body: b"<html>".to_vec(), ..HttpResponse::default() }),
                "network" => return Err(Error::new(Code::NetworkError, "recorded failure")),
                _ => {}
            }
        }
        let mut responses = Vec::new();
        let mut pad = 0;
        for c in calls {
            let (args, call_id) = (&c[1], c[2].as_str().unwrap());
            let ids: Vec<&str> = args["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            if self.fault == "method-error" && ids.iter().any(|id| self.is_target(id)) {
                responses.push(json!(["error", {"type": "serverFail"}, call_id]));
                continue;
            }
            let mut list = Vec::new();
            let mut not_found = Vec::new();
            for id in ids {
                match self.blobs.get(id) {
                    Some((_, octets)) if !(self.fault == "not-found" && self.is_target(id)) => list.extend(self.entry(id, octets)),
                    _ => not_found.push(id),
                }
                if self.fault == "oversize" && self.is_target(id) {
                    pad = req.max_response_bytes;
                }
            }
            responses.push(json!(["Blob/get", {"accountId": args["accountId"], "list": list, "notFound": not_found}, call_id]));
        }
        let mut v = json!({"methodResponses": responses, "sessionState": self.session_state});
        if pad > 0 {
            v["padding"] = json!("x".repeat(pad));
        }
        let body = serde_json::to_vec(&v).unwrap();
        // As the fetch transport: past the bound the stream stops.
        if body.len() > req.max_response_bytes {
            return Err(Error::limit(format!("the response is larger than {} bytes", req.max_response_bytes)));
        }
        Ok(HttpResponse { status: 200, url: req.url.clone(), content_type: "application/json".into(), body })
    }
}

impl Transport for BlobServer {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        let body: Option<Value> = request.body.as_ref().and_then(|b| serde_json::from_slice(b).ok());
        if let Some(b) = body.filter(|b| b["methodCalls"][0][0] == "Blob/get") {
            return self.blob_get(&request, &b);
        }
        self.inner.send(request).await
    }
}

fn session_with(replay: &Replay, where_: &str, per_call: u64, calls: u64) {
    let mut s = replay.session_json();
    let acc = "A13824";
    s["capabilities"]["urn:ietf:params:jmap:core"]["maxObjectsInGet"] = json!(per_call);
    s["capabilities"]["urn:ietf:params:jmap:core"]["maxCallsInRequest"] = json!(calls);
    if where_ == "both" || where_ == "session" {
        s["capabilities"][BLOB] = json!({});
    }
    if where_ == "both" || where_ == "account" {
        s["accounts"][acc]["accountCapabilities"][BLOB] =
            json!({"maxSizeBlobSet": null, "maxDataSources": 64, "supportedTypeNames": [], "supportedDigestAlgorithms": []});
    }
    replay.set_session_json(&s);
}

#[test]
fn blob_get_table() {
    let levels = expected_levels();
    let rows = tsv("blob-get.tsv");
    assert!(rows.len() >= 20);
    for r in rows {
        let (name, where_, per_call, calls, fault, target) = (&r[0], &r[1], r[2].parse().unwrap(), r[3].parse().unwrap(), &r[4], &r[5]);
        let want: Vec<u32> = r[6..9].iter().map(|n| n.parse().unwrap()).collect();
        let (replay, url) = Replay::load("page-rfc9219.json");
        session_with(&replay, where_, per_call, calls);
        let server = BlobServer::new(replay, fault, target);
        let mut client = block_on(Client::connect(server, &url, ClientConfig::default(), verifier())).unwrap();
        let q = PageQuery { limit: 50, calculate_total: true, ..PageQuery::default() };
        let page = block_on(client.load_page(q, now(), &mut |_| {})).unwrap();
        let t = client.transport();
        let downloads = t.inner.sent(Method::Get).iter().filter(|x| x.url.contains("/download/")).count() as u32;
        let stats = client.stats();
        let got = vec![t.blob_requests.borrow().len() as u32, downloads, stats.blob_fetched];
        assert_eq!(got, want, "{name}: Blob/get requests, downloads, delivered by Blob/get");
        assert_eq!(stats.downloads, downloads, "{name}");
        // Each request within the server's limits, asking for the whole raw octets.
        for b in t.blob_requests.borrow().iter() {
            let cs = b["methodCalls"].as_array().unwrap();
            assert!(cs.len() as u64 <= calls, "{name}");
            assert!(b["using"].as_array().unwrap().contains(&json!(BLOB)));
            for c in cs {
                assert!(c[1]["ids"].as_array().unwrap().len() as u64 <= per_call, "{name}");
                assert_eq!(c[1]["properties"], json!(["data:asBase64", "size"]));
                assert!(c[1].get("offset").is_none() && c[1].get("length").is_none());
            }
        }
        // The same verdicts as by download.
        for item in &page.items {
            let file = t.blobs.get(&item.email.blob_id).map(|(f, _)| f.clone()).unwrap_or_default();
            if let Some(l) = levels.get(&file) {
                assert_eq!(item.display.level, level(l), "{name}: {file}");
            }
            assert_ne!(item.client_source, ClientSource::Skipped, "{name}: {file} was not checked");
        }
        assert_eq!(page.items.len(), levels.len(), "{name}");
    }
}

/// The bound a Blob/get response is read to: the base64 of the raw-octet
/// budget plus the allowances, well under the API response limit.
#[test]
fn the_response_bound_is_below_the_api_limit() {
    let ids = limits::MAX_PAGE_EMAILS as usize;
    let bound = limits::MAX_BLOB_GET_BYTES.div_ceil(3) * 4 + ids * limits::BLOB_GET_OVERHEAD_PER_ID + limits::BLOB_GET_OVERHEAD;
    assert!(bound < limits::MAX_API_RESPONSE_BYTES);
    const { assert!(limits::MAX_BLOB_GET_BYTES < limits::MAX_MESSAGE_BYTES) };
}

/// MAX_BLOB_GET_BYTES by the sizes the server claims: a message claimed
/// larger goes straight to downloadUrl, two claimed at just over half of it
/// cannot share a request. The verdicts stay those of page.tsv (the claim
/// routes, the octets decide).
#[test]
fn claimed_sizes_split_batches_and_send_large_messages_to_download() {
    let (replay, url) = Replay::load("page-rfc9219.json");
    session_with(&replay, "both", 100, 16);
    let half = (limits::MAX_BLOB_GET_BYTES / 2 + 1) as u64;
    let claims = [
        ("rsa2048-sha256-detached.eml", limits::MAX_BLOB_GET_BYTES as u64 + 1),
        ("ecdsa-p256-sha256-detached.eml", half),
        ("ed25519-sha512-detached.eml", half),
    ];
    let server = BlobServer::new(replay, "none", "-");
    let file_of: BTreeMap<String, String> = server.blobs.iter().map(|(id, (f, _))| (id.clone(), f.clone())).collect();
    for x in server.inner.exchanges.borrow_mut().iter_mut() {
        if x.calls.as_deref() != Some(&["Email/query".to_owned(), "Email/get".to_owned()][..]) {
            continue;
        }
        if let Reply::Http(r) = &mut x.response {
            let mut v: Value = serde_json::from_slice(&r.body).unwrap();
            for e in v["methodResponses"][1][1]["list"].as_array_mut().unwrap() {
                let file = file_of.get(e["blobId"].as_str().unwrap()).cloned().unwrap_or_default();
                if let Some((_, n)) = claims.iter().find(|(f, _)| *f == file) {
                    e["size"] = json!(n);
                }
            }
            r.body = serde_json::to_vec(&v).unwrap();
        }
    }
    let mut client = block_on(Client::connect(server, &url, ClientConfig::default(), verifier())).unwrap();
    let page = block_on(client.load_page(PageQuery { limit: 50, ..PageQuery::default() }, now(), &mut |_| {})).unwrap();
    let t = client.transport();
    let downloads: Vec<String> = t.inner.sent(Method::Get).iter().filter(|x| x.url.contains("/download/")).map(|x| x.url.clone()).collect();
    assert_eq!(t.blob_requests.borrow().len(), 2, "the two half-budget claims are in different requests");
    assert_eq!(downloads.len(), 1);
    let big = file_of.iter().find(|(_, f)| *f == claims[0].0).unwrap().0;
    assert!(downloads[0].contains(big.as_str()), "{downloads:?}");
    assert_eq!(client.stats().blob_fetched, 12);
    let levels = expected_levels();
    for item in &page.items {
        if let Some(l) = file_of.get(&item.email.blob_id).and_then(|f| levels.get(f)) {
            assert_eq!(item.display.level, level(l), "{}", item.email.id);
        }
    }
    assert_eq!(page.items.len(), levels.len());
}
