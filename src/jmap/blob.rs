//! Raw messages by RFC 9404 `Blob/get` (issue 10): where the account offers
//! `urn:ietf:params:jmap:blob`, the messages of a page come back as
//! `data:asBase64` inside a few API requests instead of one `downloadUrl`
//! GET each. Sans-IO: this module plans the batches, builds their requests
//! and reads their answers; the client (client.rs) sends them.
//!
//! Bounds on a batch: `maxObjectsInGet` ids per call and
//! `maxCallsInRequest` calls per request (RFC 8620 §2), `maxSizeRequest`
//! for the request body, and [`limits::MAX_BLOB_GET_BYTES`] of raw octets by
//! the sizes the server claims; the response is read up to
//! [`response_bound`] and no further.
//!
//! Trust is decided on the octets received, exactly as for a download
//! (issue 9 §3): a message is taken from `Blob/get` only when its entry is
//! unambiguous and whole (asked for, listed once, not truncated, no encoding
//! problem, canonical base64, `size` equal to the decoded length). Anything
//! else (`notFound`, a missing or doubled entry, a failed call or request,
//! a response past the bound) sends that message to `downloadUrl`, which
//! keeps its own bounds (R15: both routes fetch the raw message by
//! `Email.blobId`).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::future::Future;

use futures_util::stream::{self, Stream, StreamExt};
use serde_json::{json, Value};

use super::response::{parse_api_response, ApiResponse};
use super::session::{CoreLimits, Session};
use super::transport::{HttpRequest, HttpResponse, Transport};
use super::{CAP_BLOB, CAP_CORE};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::mime::decode::{base64, is_canonical_base64};

/// The properties asked for: the octets and the length to check them by.
pub const PROPERTIES: &[&str] = &["data:asBase64", "size"];

/// Request octets besides the ids: envelope and `using`, then per call its
/// name, arguments and call id (its account id counted apart).
const REQUEST_BASE: usize = 128;
const REQUEST_PER_CALL: usize = 96;

/// RFC 9404 §3: the account offers Blob/get when the capability is in its
/// `accountCapabilities` (and so in the session's `capabilities`). An account
/// whose accountCapabilities is null is taken as not offering it: the
/// downloads still work.
pub fn supported(session: &Session, account_id: &str) -> bool {
    session.capabilities.contains_key(CAP_BLOB)
        && session.accounts.get(account_id).is_some_and(|a| a.capabilities.as_ref().is_some_and(|c| c.contains_key(CAP_BLOB)))
}

/// One raw message to fetch: the caller's index, `Email.blobId` and the
/// size the server claims (it plans the batches and decides nothing else).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    /// The caller's index (several may share a blob id).
    pub index: usize,
    /// `Email.blobId`.
    pub blob_id: String,
    /// `Email.size` as the server claims it.
    pub claimed_size: u64,
}

/// One `Blob/get` request: its calls, each a list of distinct blob ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Blob ids per call (call id `b<i>`).
    pub calls: Vec<Vec<String>>,
}

/// The plan for a page: the requests, and the indexes that go straight to
/// `downloadUrl` (claimed larger than a batch may be, or an id too long
/// for any request).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Blob/get requests, in order.
    pub batches: Vec<Batch>,
    /// Indexes downloaded without trying Blob/get.
    pub direct: Vec<usize>,
}

fn json_len(s: &str) -> usize {
    serde_json::to_string(s).map_or(usize::MAX, |j| j.len())
}

fn usize_of(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// A batch being filled.
struct Filling {
    calls: Vec<Vec<String>>,
    bytes: u64,
    request_len: usize,
}

impl Filling {
    fn new() -> Filling {
        Filling { calls: Vec::new(), bytes: 0, request_len: REQUEST_BASE }
    }
}

/// Split the distinct blob ids of `wanted` into requests within the
/// server's limits and [`limits::MAX_BLOB_GET_BYTES`].
pub fn plan(wanted: &[Wanted], core: &CoreLimits, account_id: &str) -> Plan {
    let per_call = usize_of(core.max_objects_in_get.min(limits::MAX_PAGE_EMAILS)).max(1);
    let calls_per_request = usize_of(core.max_calls_in_request).max(1);
    let max_request = usize_of(core.max_size_request);
    let max_bytes = u64::try_from(limits::MAX_BLOB_GET_BYTES).unwrap_or(u64::MAX);
    let call_len = REQUEST_PER_CALL.saturating_add(json_len(account_id));
    let mut out = Plan::default();
    // Distinct ids, first claim kept: one entry answers every Email that shares it.
    let mut ids: Vec<(&str, u64)> = Vec::new();
    for w in wanted {
        if !ids.iter().any(|(id, _)| *id == w.blob_id) {
            ids.push((&w.blob_id, w.claimed_size));
        }
    }
    let mut cur = Filling::new();
    for (id, size) in ids {
        let id_len = json_len(id).saturating_add(1);
        let alone = REQUEST_BASE.saturating_add(call_len).saturating_add(id_len);
        if size > max_bytes || alone > max_request {
            out.direct.extend(wanted.iter().filter(|w| w.blob_id == id).map(|w| w.index));
            continue;
        }
        let call_full = cur.calls.last().is_none_or(|c| c.len() >= per_call);
        let grow = id_len.saturating_add(if call_full { call_len } else { 0 });
        let request_full = call_full && cur.calls.len() >= calls_per_request;
        if request_full || cur.bytes.saturating_add(size) > max_bytes || cur.request_len.saturating_add(grow) > max_request {
            out.batches.push(Batch { calls: std::mem::take(&mut cur.calls) });
            cur = Filling::new();
        }
        if cur.calls.last().is_none_or(|c| c.len() >= per_call) {
            cur.calls.push(Vec::new());
            cur.request_len = cur.request_len.saturating_add(call_len);
        }
        if let Some(call) = cur.calls.last_mut() {
            call.push(id.to_owned());
        }
        cur.bytes = cur.bytes.saturating_add(size);
        cur.request_len = cur.request_len.saturating_add(id_len);
    }
    if !cur.calls.is_empty() {
        out.batches.push(Batch { calls: cur.calls });
    }
    out
}

impl Batch {
    /// The request object (RFC 9404 §4.2: whole blobs, no offset or length).
    pub fn request(&self, account_id: &str) -> Value {
        let calls: Vec<Value> = self
            .calls
            .iter()
            .enumerate()
            .map(|(i, ids)| json!(["Blob/get", {"accountId": account_id, "ids": ids, "properties": PROPERTIES}, format!("b{i}")]))
            .collect();
        json!({"using": [CAP_CORE, CAP_BLOB], "methodCalls": calls})
    }

    /// Every blob id of the batch.
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.calls.iter().flatten()
    }

    /// The most response octets read for this batch: base64 of
    /// [`limits::MAX_BLOB_GET_BYTES`], plus the per-id and fixed allowances.
    /// Past it the transport stops (`limit-exceeded`) and the batch is
    /// downloaded instead.
    pub fn response_bound(&self) -> usize {
        limits::MAX_BLOB_GET_BYTES
            .div_ceil(3)
            .saturating_mul(4)
            .saturating_add(self.ids().count().saturating_mul(limits::BLOB_GET_OVERHEAD_PER_ID))
            .saturating_add(limits::BLOB_GET_OVERHEAD)
    }

    /// The octets received per blob id, or why that id must be downloaded.
    /// Entries for ids not asked for in that call are ignored.
    pub fn read(&self, resp: &ApiResponse) -> BTreeMap<String, Result<Vec<u8>>> {
        let mut out = BTreeMap::new();
        for (i, ids) in self.calls.iter().enumerate() {
            match resp.take(&format!("b{i}"), "Blob/get") {
                Err(e) => {
                    for id in ids {
                        out.insert(id.clone(), Err(e.clone()));
                    }
                }
                Ok(args) => read_call(ids, args, &mut out),
            }
        }
        out
    }
}

fn refused(detail: &str) -> Error {
    Error::new(Code::ResponseNotJson, format!("Blob/get: {detail}; the message is downloaded instead"))
}

/// One call's answer: each asked id gets its octets or the reason it has none.
fn read_call(ids: &[String], args: &Value, out: &mut BTreeMap<String, Result<Vec<u8>>>) {
    let mut entries: BTreeMap<&str, Vec<&Value>> = ids.iter().map(|id| (id.as_str(), Vec::new())).collect();
    for e in args.get("list").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
        if let Some(slot) = e.get("id").and_then(Value::as_str).and_then(|id| entries.get_mut(id)) {
            slot.push(e);
        }
    }
    for (id, found) in entries {
        let got = match found.as_slice() {
            [] => Err(refused("the blob was not returned (notFound or missing)")),
            [e] => entry_octets(e),
            _ => Err(refused("the blob was listed more than once")),
        };
        out.insert(id.to_owned(), got);
    }
}

/// RFC 9404 §4.2: the whole blob, as canonical RFC 4648 §4 base64, and its
/// `size`; a truncated range or an encoding problem is not the message.
fn entry_octets(e: &Value) -> Result<Vec<u8>> {
    let flag = |k: &str| e.get(k).is_some_and(|v| v != &Value::Bool(false));
    if flag("isTruncated") {
        return Err(refused("the blob came back truncated"));
    }
    if flag("isEncodingProblem") {
        return Err(refused("the server reports an encoding problem"));
    }
    let text = e.get("data:asBase64").and_then(Value::as_str).ok_or_else(|| refused("no data:asBase64"))?;
    if text.len() > limits::MAX_BLOB_GET_BYTES.div_ceil(3).saturating_mul(4) {
        return Err(refused("the blob is larger than one Blob/get response may carry"));
    }
    // Strict: whatever a lenient decoder would skip or guess (spaces, missing
    // padding, stray bits) makes the entry ambiguous, so it is refused.
    let octets = Some(text.as_bytes())
        .filter(|t| is_canonical_base64(t))
        .and_then(|t| base64(t).ok())
        .ok_or_else(|| refused("data:asBase64 is not canonical base64"))?;
    let size = e.get("size").and_then(Value::as_u64).ok_or_else(|| refused("no size"))?;
    if u64::try_from(octets.len()).ok() != Some(size) {
        return Err(refused("size differs from the octets returned"));
    }
    Ok(octets)
}

/// What sending the batches needs: the transport, an API request to copy
/// (URL, headers, credentials, timeout), the account and the server's
/// `maxSizeRequest`. Counts the requests it sends.
pub struct Fetcher<'a, T> {
    /// The transport.
    pub transport: &'a T,
    /// A POST to `apiUrl` with the client's headers; body and bound are set per batch.
    pub api: HttpRequest,
    /// The account.
    pub account_id: &'a str,
    /// The server's maxSizeRequest.
    pub max_size_request: u64,
    /// Blob/get requests sent.
    pub requests: Cell<u32>,
}

impl<T: Transport> Fetcher<'_, T> {
    /// Send one batch; every failure becomes a per-id reason, so the ids
    /// are downloaded instead. (Its `sessionState` is not followed here: the
    /// client's next API request sees the same state and refetches, R1.)
    pub async fn fetch(&self, batch: &Batch) -> BTreeMap<String, Result<Vec<u8>>> {
        let all = |e: Error| batch.ids().map(|id| (id.clone(), Err(e.clone()))).collect();
        let body = match serde_json::to_vec(&batch.request(self.account_id)) {
            Ok(b) if u64::try_from(b.len()).unwrap_or(u64::MAX) <= self.max_size_request => b,
            _ => return all(Error::limit("a Blob/get request would exceed the server's maxSizeRequest")),
        };
        let req = HttpRequest { body: Some(body), max_response_bytes: batch.response_bound(), ..self.api.clone() };
        self.requests.set(self.requests.get().saturating_add(1));
        // A response past the bound stops the stream (limit-exceeded); any
        // failure leaves the messages to downloadUrl.
        match self.transport.send(req).await.and_then(|r| parse_api_response(&r)) {
            Ok(resp) => batch.read(&resp),
            Err(e) => all(e),
        }
    }
}

/// Jobs of one batch (None: downloads): index, key, download request, blob id.
type Group<K> = (Option<Batch>, Vec<(usize, K, HttpRequest, String)>);

/// A raw message as a download answer: status 200 and its octets.
fn delivered(body: Vec<u8>) -> HttpResponse {
    HttpResponse { status: 200, url: String::new(), content_type: "message/rfc822".into(), body }
}

/// The raw messages of `jobs` (index, key, download request), each paired
/// with its `Wanted` (same order): one future per job yielding
/// (index, key, answer, came by Blob/get). Jobs outside every batch come
/// first as plain downloads; then each batch is sent when the stream reaches
/// it, and what it did not deliver is downloaded. With an empty plan this is
/// exactly the downloads. The caller bounds concurrency (buffer_unordered);
/// a batch's octets live only until its messages are consumed.
pub fn raw_messages<'a, T: Transport, K: 'a>(
    fetcher: &'a Fetcher<'a, T>,
    plan: Plan,
    jobs: Vec<(usize, K, HttpRequest)>,
    wanted: &[Wanted],
) -> impl Stream<Item = impl Future<Output = (usize, K, Result<HttpResponse>, bool)> + 'a> + 'a {
    let batch_of = |id: &str| plan.batches.iter().position(|b| b.ids().any(|x| x == id));
    let mut groups: Vec<Group<K>> = vec![(None, Vec::new())];
    groups.extend(plan.batches.iter().map(|b| (Some(b.clone()), Vec::new())));
    for ((i, key, req), w) in jobs.into_iter().zip(wanted) {
        let g = batch_of(&w.blob_id).map_or(0, |b| b.saturating_add(1));
        if let Some((_, list)) = groups.get_mut(g) {
            list.push((i, key, req, w.blob_id.clone()));
        }
    }
    stream::iter(groups)
        .then(move |(batch, list)| async move {
            let got = match &batch {
                Some(b) => fetcher.fetch(b).await,
                None => BTreeMap::new(),
            };
            let transport = fetcher.transport;
            list.into_iter()
                .map(|(i, key, req, id)| {
                    let octets = got.get(&id).and_then(|r| r.as_ref().ok()).cloned();
                    async move {
                        match octets {
                            Some(body) => (i, key, Ok(delivered(body)), true),
                            None => (i, key, transport.send(req).await, false),
                        }
                    }
                })
                .collect::<Vec<_>>()
        })
        .flat_map(stream::iter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(sizes: &[u64]) -> Vec<Wanted> {
        sizes.iter().enumerate().map(|(i, s)| Wanted { index: i, blob_id: format!("B{i}"), claimed_size: *s }).collect()
    }

    #[test]
    fn batches_follow_counts_and_bytes() {
        let core = CoreLimits { max_objects_in_get: 3, max_calls_in_request: 2, ..CoreLimits::default() };
        let p = plan(&wanted(&[10; 13]), &core, "A1");
        // ceil(13 / (3 × 2)) requests, calls of at most 3 ids.
        assert_eq!(p.batches.len(), 3);
        assert!(p.batches.iter().all(|b| b.calls.len() <= 2 && b.calls.iter().all(|c| c.len() <= 3)));
        assert_eq!(p.batches.iter().map(|b| b.ids().count()).sum::<usize>(), 13);
        let big = u64::try_from(limits::MAX_BLOB_GET_BYTES).unwrap();
        let p = plan(&wanted(&[big / 2, big / 2, 1, big + 1]), &CoreLimits::default(), "A1");
        assert_eq!(p.direct, vec![3]);
        assert_eq!(p.batches.iter().map(|b| b.ids().count()).collect::<Vec<_>>(), vec![2, 1]);
    }

    #[test]
    fn shared_blob_ids_are_asked_once() {
        let mut w = wanted(&[5, 5]);
        w[1].blob_id = "B0".into();
        let p = plan(&w, &CoreLimits::default(), "A1");
        assert_eq!(p.batches, vec![Batch { calls: vec![vec!["B0".to_owned()]] }]);
    }

    #[test]
    fn requests_fit_max_size_request() {
        let core = CoreLimits { max_size_request: 600, ..CoreLimits::default() };
        let p = plan(&wanted(&[1; 100]), &core, "A1");
        assert!(p.batches.len() > 1);
        for b in &p.batches {
            assert!(serde_json::to_vec(&b.request("A1")).unwrap().len() <= 600);
        }
    }

    #[test]
    fn entries_must_be_whole_and_canonical() {
        let ok = json!({"id": "x", "data:asBase64": "aGVsbG8=", "size": 5});
        assert_eq!(entry_octets(&ok).unwrap(), b"hello");
        for bad in [
            json!({"id": "x", "data:asBase64": "aGVsbG8=", "size": 5, "isTruncated": true}),
            json!({"id": "x", "data:asBase64": "aGVsbG8=", "size": 5, "isEncodingProblem": true}),
            json!({"id": "x", "data:asBase64": "aGVsbG8", "size": 5}),
            json!({"id": "x", "data:asBase64": "aGVs bG8=", "size": 5}),
            json!({"id": "x", "data:asBase64": "aGVsbG9=", "size": 5}),
            json!({"id": "x", "data:asBase64": "aGVsbG8=", "size": 6}),
            json!({"id": "x", "data:asBase64": "aGVsbG8="}),
            json!({"id": "x", "size": 5}),
        ] {
            assert!(entry_octets(&bad).is_err(), "{bad}");
        }
    }
}
