//! A core module built without `rust-crypto` asks JS for each public-key
//! check (`cms::external`): `setSignatureChecker(checkSignature)` connects the
//! crypto part's export (or any function of the same shape). Only a `null`
//! answer verifies; a string is an error code; anything else, a throw, or no
//! checker at all fails closed (`crypto-unavailable`).

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::cms::external::{set_checker, CheckRequest};
use crate::error::Code;

thread_local! {
    static JS_CHECKER: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    static JS_LOADER: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Load the crypto part when a check first needs it: `loader()` returns a
/// promise that settles once it has called `setSignatureChecker` (js/loader.js,
/// `crypto: "on-demand"`). Until then `verifyAsync` and the JMAP client hand
/// every check out (WebCrypto answers most); the synchronous `verify` fails
/// closed (`crypto-unavailable`) for a check that needs the part.
#[wasm_bindgen(js_name = setCryptoLoader)]
pub fn set_crypto_loader(#[wasm_bindgen(unchecked_param_type = "() => Promise<void>")] loader: js_sys::Function) {
    JS_LOADER.with(|l| *l.borrow_mut() = Some(loader));
}

/// True while no checker is registered but a loader is: checks should be
/// handed out, and [`ensure_checker`] will load the part.
pub(crate) fn loader_pending() -> bool {
    !crate::cms::external::checker_ready() && JS_LOADER.with(|l| l.borrow().is_some())
}

/// Run the loader once if no checker is registered yet (a failed load leaves
/// the checks to fail closed, and lets a later check try again).
pub(crate) async fn ensure_checker() {
    if crate::cms::external::checker_ready() {
        return;
    }
    let Some(loader) = JS_LOADER.with(|l| l.borrow().clone()) else { return };
    if let Ok(p) = loader.call0(&JsValue::NULL).and_then(|v| v.dyn_into::<js_sys::Promise>()) {
        let _ = wasm_bindgen_futures::JsFuture::from(p).await;
    }
}

/// Use `checker(spkiDer, schemeJson, digest, message, hashed, signature)`
/// (returning `null` or an error code, synchronously) for every signature
/// check from now on. The crypto part's `checkSignature` is such a function.
#[wasm_bindgen(js_name = setSignatureChecker)]
pub fn set_signature_checker(
    #[wasm_bindgen(
        unchecked_param_type = "(spki: Uint8Array, scheme: string, digest: string, message: Uint8Array, hashed: Uint8Array, signature: Uint8Array) => string | null"
    )]
    checker: js_sys::Function,
) {
    JS_CHECKER.with(|c| *c.borrow_mut() = Some(checker));
    // The Rust side always calls `call_js`, which reads the function set last.
    let _ = set_checker(call_js);
}

fn call_js(req: &CheckRequest<'_>) -> Option<String> {
    let unavailable = || Some(Code::CryptoUnavailable.code().to_owned());
    let Some(f) = JS_CHECKER.with(|c| c.borrow().clone()) else { return unavailable() };
    let bytes = |b: &[u8]| JsValue::from(js_sys::Uint8Array::from(b));
    let args = js_sys::Array::new();
    for v in [
        bytes(req.spki),
        JsValue::from_str(req.scheme),
        JsValue::from_str(req.digest),
        bytes(req.message),
        bytes(req.hashed),
        bytes(req.signature),
    ] {
        args.push(&v);
    }
    match f.apply(&JsValue::NULL, &args) {
        Ok(v) if v.is_null() => None,
        Ok(v) => v.as_string().or_else(unavailable),
        Err(_) => unavailable(),
    }
}
