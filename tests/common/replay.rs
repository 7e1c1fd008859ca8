//! Recorded JMAP exchanges as a `Transport` (tests/recordings/*.json): each
//! request must match an unused recorded one (method, URL, and for API calls
//! the method names and `using`); the response is replayed. Every request is
//! logged, and the number in flight is tracked so tests can check the
//! download concurrency bound. A response recorded as `{"oversize": N}` is a
//! body of N bytes that is never materialised: past the request's
//! `max_response_bytes` it fails with `limit-exceeded`, as the fetch
//! transport does when the bytes streamed pass the bound.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use jmap_smime::jmap::transport::{HttpRequest, HttpResponse, Method, Transport};
use jmap_smime::{Code, Error, Result};
use serde_json::Value;

/// One recorded exchange.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    pub calls: Option<Vec<String>>,
    pub using: Option<Vec<String>>,
    pub reusable: bool,
    pub response: Reply,
}

/// What comes back.
#[derive(Clone, Debug)]
pub enum Reply {
    Http(HttpResponse),
    Fail(Code),
    /// A 200 body of this many bytes, streamed rather than stored.
    Oversize(usize),
}

pub struct Replay {
    pub exchanges: RefCell<Vec<Exchange>>,
    used: RefCell<Vec<bool>>,
    pub log: RefCell<Vec<HttpRequest>>,
    in_flight: Cell<usize>,
    pub max_in_flight: Cell<usize>,
}

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
}

impl Replay {
    /// Load tests/recordings/<name>.
    pub fn load(name: &str) -> (Replay, String) {
        let text = std::fs::read_to_string(repo(&format!("tests/recordings/{name}"))).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let mut exchanges = Vec::new();
        for x in v["exchanges"].as_array().unwrap() {
            let req = &x["request"];
            let resp = &x["response"];
            let body = if let Some(j) = resp.get("json") {
                serde_json::to_vec(j).unwrap()
            } else if let Some(t) = resp.get("text").and_then(Value::as_str) {
                t.as_bytes().to_vec()
            } else if let Some(f) = resp.get("file").and_then(Value::as_str) {
                std::fs::read(repo(f)).unwrap()
            } else {
                Vec::new()
            };
            if let Some(n) = resp.get("oversize").and_then(Value::as_u64) {
                exchanges.push(Exchange {
                    method: req["method"].as_str().unwrap().to_owned(),
                    url: req["url"].as_str().unwrap().to_owned(),
                    calls: None,
                    using: None,
                    reusable: req.get("reusable").and_then(Value::as_bool).unwrap_or(false),
                    response: Reply::Oversize(usize::try_from(n).unwrap()),
                });
                continue;
            }
            exchanges.push(Exchange {
                method: req["method"].as_str().unwrap().to_owned(),
                url: req["url"].as_str().unwrap().to_owned(),
                calls: strings(req.get("calls")),
                using: strings(req.get("using")),
                reusable: req.get("reusable").and_then(Value::as_bool).unwrap_or(false),
                response: Reply::Http(HttpResponse {
                    status: resp["status"].as_u64().unwrap() as u16,
                    url: resp.get("url").and_then(Value::as_str).unwrap_or(req["url"].as_str().unwrap()).to_owned(),
                    content_type: resp.get("contentType").and_then(Value::as_str).unwrap_or("").to_owned(),
                    body,
                }),
            });
        }
        let n = exchanges.len();
        let replay = Replay {
            exchanges: RefCell::new(exchanges),
            used: RefCell::new(vec![false; n]),
            log: RefCell::new(Vec::new()),
            in_flight: Cell::new(0),
            max_in_flight: Cell::new(0),
        };
        (replay, v["sessionUrl"].as_str().unwrap().to_owned())
    }

    /// Put `x` before every recorded exchange (it matches first).
    pub fn prepend(&self, x: Exchange) {
        self.exchanges.borrow_mut().insert(0, x);
        self.used.borrow_mut().insert(0, false);
    }

    /// The recorded session object (first exchange), for editing.
    pub fn session_json(&self) -> Value {
        match &self.exchanges.borrow()[0].response {
            Reply::Http(r) => serde_json::from_slice(&r.body).unwrap(),
            _ => panic!("no session"),
        }
    }

    /// Replace the session object served.
    pub fn set_session_json(&self, v: &Value) {
        if let Reply::Http(r) = &mut self.exchanges.borrow_mut()[0].response {
            r.body = serde_json::to_vec(v).unwrap();
        }
    }

    /// Requests sent so far with this method.
    pub fn sent(&self, method: Method) -> Vec<HttpRequest> {
        self.log.borrow().iter().filter(|r| r.method == method).cloned().collect()
    }

    /// API requests sent so far, as JSON.
    pub fn api_requests(&self) -> Vec<Value> {
        self.sent(Method::Post).iter().map(|r| serde_json::from_slice(r.body.as_ref().unwrap()).unwrap()).collect()
    }

    fn reply(&self, req: &HttpRequest) -> Result<HttpResponse> {
        let body: Option<Value> = req.body.as_ref().and_then(|b| serde_json::from_slice(b).ok());
        let calls: Option<Vec<String>> =
            body.as_ref().map(|b| b["methodCalls"].as_array().unwrap().iter().map(|c| c[0].as_str().unwrap().to_owned()).collect());
        let using = body.as_ref().and_then(|b| strings(b.get("using")));
        let xs = self.exchanges.borrow();
        let mut used = self.used.borrow_mut();
        for (i, x) in xs.iter().enumerate() {
            if used[i] && !x.reusable {
                continue;
            }
            if x.method != req.method.as_str() || x.url != req.url {
                continue;
            }
            if x.calls.is_some() && x.calls != calls {
                continue;
            }
            if x.using.is_some() && x.using != using {
                continue;
            }
            used[i] = true;
            return match &x.response {
                Reply::Http(r) if r.body.len() > req.max_response_bytes => Err(Error::limit("response too large")),
                Reply::Http(r) => Ok(r.clone()),
                Reply::Fail(code) => Err(Error::new(*code, "recorded failure")),
                // The transport stops reading once the bytes pass the bound.
                Reply::Oversize(n) if *n > req.max_response_bytes => {
                    Err(Error::limit(format!("the response is larger than {} bytes", req.max_response_bytes)))
                }
                Reply::Oversize(n) => {
                    Ok(HttpResponse { status: 200, url: req.url.clone(), content_type: "message/rfc822".into(), body: vec![b'x'; *n] })
                }
            };
        }
        panic!("no recorded exchange for {} {} calls={calls:?} using={using:?}", req.method.as_str(), req.url);
    }
}

/// Pending once, then ready: lets several downloads be in flight together.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Transport for Replay {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        self.log.borrow_mut().push(request.clone());
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight.set(self.max_in_flight.get().max(self.in_flight.get()));
        YieldOnce(false).await;
        let r = self.reply(&request);
        self.in_flight.set(self.in_flight.get() - 1);
        r
    }
}

/// Run a future to completion (the replay never waits on anything real).
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(std::task::Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}
