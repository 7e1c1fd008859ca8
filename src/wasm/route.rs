//! The verification route to JS (issue 10 §3): a `JmapSmimeClient` may hand
//! the messages it downloads to a JS function (the worker pool of
//! `js/worker-client.js`), and a pool member verifies them with
//! `verifyRouted`, exactly as the client would here.

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::invalid;
use super::verifier::Verifier;
use crate::error::{Code, Error, Result};
use crate::jmap::route::{RouteRequest, VerifyRoute};
use crate::verifier::Verdict;

/// What a verification route gets with the bytes (times in unix seconds).
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RouteArgs {
    /// The time to judge at (unix seconds).
    pub now: i64,
    /// The Email's receivedAt (unix seconds), or null.
    #[tsify(type = "number | null")]
    pub received_at: Option<i64>,
    /// The client's `routeConfig(verifier)`: answer only with a verifier
    /// whose `routeConfig` is the same.
    pub config: String,
}

/// A JS function `(bytes, args) => Promise<Verdict> | null`.
pub struct JsRoute(pub Function);

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn aborted(e: &JsValue) -> bool {
    Reflect::get(e, &JsValue::from_str("code")).ok().and_then(|c| c.as_string()).is_some_and(|c| c == "aborted")
}

impl VerifyRoute for JsRoute {
    fn verify<'a>(&'a self, r: RouteRequest<'a>) -> futures_util::future::LocalBoxFuture<'a, Result<Option<Verdict>>> {
        Box::pin(async move {
            let args = Object::new();
            // Unix seconds are far inside f64's exact integers.
            #[allow(clippy::cast_precision_loss)]
            let secs = |t: i64| JsValue::from_f64(t as f64);
            set(&args, "now", &secs(r.now));
            set(&args, "receivedAt", &r.received_at.map_or(JsValue::NULL, secs));
            set(&args, "config", &JsValue::from_str(r.config));
            // A route that throws or declines: verified here.
            let Ok(answer) = self.0.call2(&JsValue::NULL, &Uint8Array::from(r.bytes), &args) else { return Ok(None) };
            let Ok(promise) = answer.dyn_into::<Promise>() else { return Ok(None) };
            match JsFuture::from(promise).await {
                Ok(v) if v.is_null() || v.is_undefined() => Ok(None),
                // A verdict that does not read back is not used: verified here.
                Ok(v) => Ok(serde_wasm_bindgen::from_value::<Verdict>(v).ok()),
                Err(e) if aborted(&e) => Err(Error::new(Code::Aborted, "aborted while a pool worker verified")),
                Err(_) => Ok(None),
            }
        })
    }
}

/// The configuration a route compares (trust store, policy, options): two
/// verifiers with the same string give the same verdicts.
#[wasm_bindgen(js_name = routeConfig)]
pub fn route_config(verifier: &Verifier) -> String {
    verifier.core().config_fingerprint()
}

/// Verify what a client routed here (`args` as the route received them),
/// with the same call the client makes itself (`verifyAsync`: WebCrypto where
/// it can). Rejects with `invalid-argument` when `args.config` is not this
/// verifier's `routeConfig`.
#[wasm_bindgen(js_name = verifyRouted, unchecked_return_type = "Promise<Verdict>")]
pub fn verify_routed(
    verifier: &Verifier,
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "RouteArgs")] args: JsValue,
) -> js_sys::Promise {
    let a: RouteArgs = match serde_wasm_bindgen::from_value(args) {
        Ok(a) => a,
        Err(e) => return js_sys::Promise::reject(&invalid(&format!("args: {e}"))),
    };
    if verifier.core().memory.is_some() {
        // Issue 12 §2: a memory belongs to one verifier; a helper does not verify with one.
        return js_sys::Promise::reject(&invalid("a verifier with a certificate memory does not verify for a pool"));
    }
    if a.config != verifier.core().config_fingerprint() {
        return js_sys::Promise::reject(&invalid("args.config: this verifier has another trust store or policy than the client's"));
    }
    verifier.verify_async_at(bytes, a.now, a.received_at)
}
