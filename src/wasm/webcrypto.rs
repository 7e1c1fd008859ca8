//! The WebCrypto route of the crypto seam (issue 10; src/crypto/mod.rs):
//! runs a message through `Verifier::verify_step`, computes the checks it
//! hands out with `crypto.subtle` (importKey "spki" + verify), gives the
//! results back and runs again until the verdict. Where `crypto.subtle` is
//! undefined (a page on plain http other than localhost), or the route is
//! forced to "rust", every check is done by the pure-Rust route. An import or
//! call that fails, and every "invalid" answer, are settled in Rust
//! (`PendingCheck::settle`), so only WebCrypto's "valid" is taken as is.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use futures_util::future::join_all;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use crate::asn1::time::UnixTime;
use crate::crypto::{MessageChecks, PendingCheck, Route, WebAlgorithm};
use crate::limits;
use crate::verifier::{Step, Verdict, Verifier as CoreVerifier};

/// Imported keys by key identity and what the import binds them to
/// (bounded: `limits::MAX_WEBCRYPTO_KEYS`, emptied when full).
#[derive(Default)]
pub(crate) struct KeyCache {
    keys: BTreeMap<([u8; 32], String), CryptoKey>,
    /// Parameter objects by algorithm and use (import: true), made once:
    /// WebCrypto reads a dictionary when called, so one serves every call.
    params: BTreeMap<(WebAlgorithm, bool), Object>,
    /// Checks WebCrypto answered "valid", and checks handed out but settled
    /// in Rust (no `crypto.subtle`, an import refused, or "invalid").
    pub(crate) web_valid: u64,
    pub(crate) settled_in_rust: u64,
}

/// `globalThis.crypto.subtle`, when the context has it.
/// Whether checks are handed out: to WebCrypto, or, without it, while the
/// crypto part is to be loaded on demand (they all go to it then).
pub(crate) fn defers(subtle: Option<&SubtleCrypto>) -> bool {
    subtle.is_some() || super::external_pending()
}

pub(crate) fn subtle() -> Option<SubtleCrypto> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    if !crypto.is_object() {
        return None;
    }
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
    subtle.is_object().then(|| subtle.unchecked_into())
}

fn object(entries: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in entries {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// RsaHashedImportParams / EcKeyImportParams (Web Cryptography API §20.5, §23.5).
fn import_params(a: &WebAlgorithm) -> Object {
    let name = ("name", JsValue::from_str(a.name()));
    match a {
        WebAlgorithm::RsaPkcs1 { hash } | WebAlgorithm::RsaPss { hash, .. } => object(&[name, ("hash", JsValue::from_str(hash))]),
        WebAlgorithm::Ecdsa { curve, .. } => object(&[name, ("namedCurve", JsValue::from_str(curve))]),
    }
}

/// The verify parameters: RsaPssParams (§21.3), EcdsaParams (§23.3).
fn verify_params(a: &WebAlgorithm) -> Object {
    let name = ("name", JsValue::from_str(a.name()));
    match a {
        WebAlgorithm::RsaPkcs1 { .. } => object(&[name]),
        WebAlgorithm::RsaPss { salt_len, .. } => object(&[name, ("saltLength", JsValue::from(*salt_len))]),
        WebAlgorithm::Ecdsa { hash, .. } => object(&[name, ("hash", JsValue::from_str(hash))]),
    }
}

/// The import (`for_import`) or verify parameters of `a`, from `cache`.
fn params(cache: &RefCell<KeyCache>, a: &WebAlgorithm, for_import: bool) -> Object {
    if let Some(o) = cache.borrow().params.get(&(*a, for_import)) {
        return o.clone();
    }
    let o = if for_import { import_params(a) } else { verify_params(a) };
    crate::crypto::web::insert_bounded(&mut cache.borrow_mut().params, limits::MAX_WEBCRYPTO_KEYS, (*a, for_import), o.clone());
    o
}

async fn import(subtle: &SubtleCrypto, cache: &RefCell<KeyCache>, p: &PendingCheck, alg: &WebAlgorithm) -> Option<CryptoKey> {
    let tag = (p.key_id, alg.import_tag());
    if let Some(k) = cache.borrow().keys.get(&tag) {
        return Some(k.clone());
    }
    let data = Uint8Array::from(p.spki.as_slice());
    let usages = Array::of1(&JsValue::from_str("verify"));
    let promise = subtle.import_key_with_object("spki", &data, &params(cache, alg, true), false, &usages).ok()?;
    let key: CryptoKey = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    crate::crypto::web::insert_bounded(&mut cache.borrow_mut().keys, limits::MAX_WEBCRYPTO_KEYS, tag, key.clone());
    Some(key)
}

/// WebCrypto's answer: Some(valid) or None when it could not answer.
async fn web_verify(subtle: &SubtleCrypto, cache: &RefCell<KeyCache>, p: &PendingCheck) -> Option<bool> {
    let alg = p.algorithm.as_ref()?;
    let key = import(subtle, cache, p, alg).await?;
    let sig = Uint8Array::from(p.signature.as_slice());
    let data = Uint8Array::from(p.message.as_slice());
    let promise = subtle.verify_with_object_and_buffer_source_and_buffer_source(&params(cache, alg, false), &key, &sig, &data).ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}

/// WebCrypto's answers to `list` (None where it has none), counted.
pub(crate) async fn answer(subtle: Option<&SubtleCrypto>, cache: &RefCell<KeyCache>, list: &[PendingCheck]) -> Vec<Option<bool>> {
    let answers = join_all(list.iter().map(|p| async move {
        match subtle {
            Some(s) => web_verify(s, cache, p).await,
            None => None,
        }
    }))
    .await;
    // What WebCrypto did not confirm is settled in Rust: in a build without
    // the pure-Rust crates, load the crypto part for it first (on demand).
    #[cfg(not(feature = "rust-crypto"))]
    if answers.iter().any(|a| *a != Some(true)) {
        super::external::ensure_checker().await;
    }
    let mut c = cache.borrow_mut();
    for a in &answers {
        if *a == Some(true) {
            c.web_valid = c.web_valid.saturating_add(1);
        } else {
            c.settled_in_rust = c.settled_in_rust.saturating_add(1);
        }
    }
    answers
}

/// Verify `raw` by `route` ("rust" forces the pure-Rust route; a context
/// without `crypto.subtle` gets it too). Same verdict as `Verifier::verify`.
pub(crate) async fn verify(
    core: &CoreVerifier,
    cache: &RefCell<KeyCache>,
    raw: &[u8],
    now: UnixTime,
    received_at: Option<UnixTime>,
    route: Route,
) -> Verdict {
    let subtle = if route == Route::Deferred { subtle() } else { None };
    let defer = route == Route::Deferred && defers(subtle.as_ref());
    let mut checks = MessageChecks::new(if defer { Route::Deferred } else { Route::Rust });
    loop {
        match core.verify_step(raw, now, received_at, &mut checks) {
            Step::Done(v, _) => return *v,
            Step::Pending(list) => {
                let answers = answer(subtle.as_ref(), cache, &list).await;
                checks.answer(&list, &answers);
            }
        }
    }
}

/// A shared key cache.
pub(crate) fn new_cache() -> Rc<RefCell<KeyCache>> {
    Rc::new(RefCell::new(KeyCache::default()))
}
