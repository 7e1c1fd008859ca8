//! The browser [`Transport`]: `fetch` (the page's, or one the caller passes),
//! with a per-request timeout and the caller's AbortSignal. Maps failures to
//! `network-error`, `timeout`, `aborted`; refuses bodies above the request's
//! bound by the bytes read, stopping as soon as they pass it (issue 9 §3: a
//! size the server claims, Content-Length included, decides nothing).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use super::webcrypto::KeyCache;
use crate::crypto::PendingCheck;
use crate::error::{Code, Error, Result};
use crate::jmap::transport::{HttpRequest, HttpResponse, Transport};

/// `fetch` plus the signal of the operation in progress.
pub struct FetchTransport {
    fetch: Function,
    signal: RefCell<Option<AbortSignal>>,
    /// Imported WebCrypto keys for the checks the verifier hands out.
    keys: Rc<RefCell<KeyCache>>,
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// `AbortSignal.timeout(ms)`, combined with the caller's signal by
/// `AbortSignal.any` where the engine has it.
fn request_signal(timeout_ms: u32, caller: Option<&AbortSignal>) -> Option<JsValue> {
    let ctor = get(&js_sys::global(), "AbortSignal");
    let call = |name: &str, arg: &JsValue| -> Option<JsValue> { get(&ctor, name).dyn_into::<Function>().ok()?.call1(&ctor, arg).ok() };
    let timeout = call("timeout", &JsValue::from(timeout_ms));
    match (timeout, caller) {
        (Some(t), Some(c)) => call("any", &Array::of2(&t, c).into()).or_else(|| Some(c.clone().into())),
        (Some(t), None) => Some(t),
        (None, Some(c)) => Some(c.clone().into()),
        (None, None) => None,
    }
}

impl FetchTransport {
    /// Over `fetch` (a function like `globalThis.fetch`), or the global one.
    pub fn new(fetch: Option<Function>) -> Result<FetchTransport> {
        let fetch = match fetch {
            Some(f) => f,
            None => {
                let g = js_sys::global();
                let f = get(&g, "fetch")
                    .dyn_into::<Function>()
                    .map_err(|_| Error::new(Code::InvalidArgument, "this environment has no fetch(); pass options.fetch"))?;
                // Bind to the global object: some engines refuse an unbound fetch.
                f.bind0(&g)
            }
        };
        Ok(FetchTransport { fetch, signal: RefCell::new(None), keys: super::webcrypto::new_cache() })
    }

    /// The caller's signal for the operation about to run (None clears it).
    pub fn set_signal(&self, signal: Option<AbortSignal>) {
        *self.signal.borrow_mut() = signal;
    }

    fn caller_aborted(&self) -> bool {
        self.signal.borrow().as_ref().is_some_and(AbortSignal::aborted)
    }

    fn failure(&self, e: &JsValue, url: &str) -> Error {
        if self.caller_aborted() {
            return Error::new(Code::Aborted, format!("aborted while fetching {url}"));
        }
        let name = get(e, "name").as_string().unwrap_or_default();
        let message = get(e, "message").as_string().unwrap_or_default();
        match name.as_str() {
            "TimeoutError" => Error::new(Code::Timeout, format!("no answer from {url} in time")),
            "AbortError" => Error::new(Code::Aborted, format!("aborted while fetching {url}")),
            _ => Error::new(Code::NetworkError, format!("fetching {url} failed: {name} {message}")),
        }
    }
}

impl FetchTransport {
    /// The body, read chunk by chunk from `response.body` so that a server
    /// sending more than `max` bytes (with no or a false Content-Length) is
    /// cut off as soon as it passes the bound; `arrayBuffer()` where the
    /// response has no stream.
    async fn read_body(&self, resp: &Response, max: usize, url: &str) -> Result<Vec<u8>> {
        let too_big = || Error::limit(format!("the response from {url} is larger than {max} bytes"));
        let method = |target: &JsValue, name: &str| get(target, name).dyn_into::<Function>().ok();
        let stream = get(resp, "body");
        let reader = match method(&stream, "getReader").and_then(|f| f.call0(&stream).ok()) {
            Some(r) => r,
            None => {
                let buffer = resp.array_buffer().map_err(|e| self.failure(&e, url))?;
                let bytes = Uint8Array::new(&JsFuture::from(buffer).await.map_err(|e| self.failure(&e, url))?);
                if usize::try_from(bytes.length()).unwrap_or(usize::MAX) > max {
                    return Err(too_big());
                }
                return Ok(bytes.to_vec());
            }
        };
        let read = method(&reader, "read").ok_or_else(|| Error::new(Code::NetworkError, "the response body has no reader"))?;
        let mut out = Vec::new();
        loop {
            let next = read.call0(&reader).map_err(|e| self.failure(&e, url))?;
            let chunk = JsFuture::from(Promise::from(next)).await.map_err(|e| self.failure(&e, url))?;
            if get(&chunk, "done").is_truthy() {
                return Ok(out);
            }
            let bytes = Uint8Array::new(&get(&chunk, "value"));
            let len = usize::try_from(bytes.length()).unwrap_or(usize::MAX);
            if out.len().saturating_add(len) > max {
                if let Some(cancel) = method(&reader, "cancel") {
                    let _ = cancel.call0(&reader);
                }
                return Err(too_big());
            }
            out.extend(bytes.to_vec());
        }
    }
}

impl Transport for FetchTransport {
    /// Where the context has `crypto.subtle`, public-key operations go to
    /// WebCrypto (src/wasm/webcrypto.rs).
    fn defers_checks(&self) -> bool {
        super::webcrypto::defers(super::webcrypto::subtle().as_ref())
    }

    async fn answer_checks(&self, pending: &[PendingCheck]) -> Vec<Option<bool>> {
        super::webcrypto::answer(super::webcrypto::subtle().as_ref(), &self.keys, pending).await
    }

    async fn send(&self, req: HttpRequest) -> Result<HttpResponse> {
        if self.caller_aborted() {
            return Err(Error::new(Code::Aborted, "the operation was aborted"));
        }
        let init = Object::new();
        set(&init, "method", &JsValue::from_str(req.method.as_str()));
        let headers = Object::new();
        for (n, v) in &req.headers {
            set(&headers, n, &JsValue::from_str(v));
        }
        set(&init, "headers", &headers);
        if let Some(body) = &req.body {
            set(&init, "body", &Uint8Array::from(body.as_slice()));
        }
        set(&init, "credentials", &JsValue::from_str(if req.include_credentials { "include" } else { "same-origin" }));
        set(&init, "redirect", &JsValue::from_str("follow"));
        let caller = self.signal.borrow().clone();
        if let Some(s) = request_signal(req.timeout_ms, caller.as_ref()) {
            set(&init, "signal", &s);
        }
        let promise = self
            .fetch
            .call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
            .map_err(|e| self.failure(&e, &req.url))?
            .dyn_into::<Promise>()
            .map_err(|_| Error::new(Code::InvalidArgument, "options.fetch did not return a Promise"))?;
        let resp: Response = JsFuture::from(promise)
            .await
            .map_err(|e| self.failure(&e, &req.url))?
            .dyn_into()
            .map_err(|_| Error::new(Code::InvalidArgument, "options.fetch did not resolve to a Response"))?;
        let headers = resp.headers();
        let content_type = headers.get("content-type").ok().flatten().unwrap_or_default();
        let body = self.read_body(&resp, req.max_response_bytes, &req.url).await?;
        Ok(HttpResponse { status: resp.status(), url: resp.url(), content_type, body })
    }
}
