//! The wasm boundary: decode JS arguments, call the core, encode the result.
//! Nothing else lives here. The one piece of I/O, loading the bundled
//! anchor file, is JS (`bundled.js`), and the clock is read only here.

// Which exports a build carries is chosen by features (Cargo.toml, issue 10):
// the verify API, the JMAP client, and either the pure-Rust crypto's
// `checkSignature` or the hook for an external one.
#[cfg(feature = "client")]
mod client;
// Only in the crypto part's build: the one-module build does not carry it.
#[cfg(all(feature = "rust-crypto", not(feature = "verifier-api")))]
mod crypto_part;
#[cfg(not(feature = "rust-crypto"))]
mod external;
#[cfg(feature = "client")]
mod fetch;
#[cfg(feature = "verifier-api")]
mod memory;
#[cfg(feature = "client")]
mod route;
#[cfg(feature = "verifier-api")]
mod trust;
#[cfg(feature = "verifier-api")]
mod verifier;
#[cfg(feature = "verifier-api")]
mod webcrypto;

#[cfg(feature = "client")]
pub use client::{AuthOptions, CallOptions, ConnectOptions, JmapSmimeClient, PageOptions};
#[cfg(all(feature = "rust-crypto", not(feature = "verifier-api")))]
pub use crypto_part::check_signature;
#[cfg(not(feature = "rust-crypto"))]
pub use external::set_signature_checker;
#[cfg(feature = "client")]
pub use route::{route_config, verify_routed, RouteArgs};
#[cfg(feature = "verifier-api")]
pub use trust::{AnchorInfo, TrustStore};
#[cfg(feature = "verifier-api")]
pub use verifier::{RevocationMode, Verifier, VerifierOptions, VerifyTimes};

use wasm_bindgen::prelude::*;

/// The string unions of the reports' closed vocabularies and the
/// `JmapSmimeError` type (src/vocabulary.rs), in every generated `.d.ts`
/// (each carries the report types that name them).
#[wasm_bindgen(typescript_custom_section)]
const VOCABULARIES: &str = crate::vocabulary::TYPESCRIPT;

#[cfg(feature = "verifier-api")]
#[wasm_bindgen(typescript_custom_section)]
const GUARD: &str = crate::vocabulary::TYPESCRIPT_GUARD;

#[cfg(feature = "verifier-api")]
use crate::error::{Code, Error};
#[cfg(feature = "verifier-api")]
use crate::policy::Policy;

#[cfg(feature = "verifier-api")]
/// Build a JS `Error` whose `.code` is the stable code.
fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.message());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code()));
    err.into()
}

#[cfg(feature = "verifier-api")]
/// An `invalid-argument` error.
fn invalid(message: &str) -> JsValue {
    js_error(&Error::new(Code::InvalidArgument, message))
}

#[cfg(feature = "verifier-api")]
/// A certificate argument: a string (PEM) or a Uint8Array (PEM or DER).
fn pem_or_der_bytes(data: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = data.as_string() {
        return Ok(s.into_bytes());
    }
    match data.dyn_ref::<js_sys::Uint8Array>() {
        Some(a) => Ok(a.to_vec()),
        None => Err(invalid(&format!("{what}: expected a PEM string or a Uint8Array"))),
    }
}

#[cfg(feature = "verifier-api")]
fn policy_from(options: Option<JsValue>) -> Result<Policy, JsValue> {
    let Some(options) = options.filter(|o| !o.is_undefined() && !o.is_null()) else {
        return Ok(Policy::default());
    };
    serde_wasm_bindgen::from_value(options).map_err(|e| js_error(&Error::new(Code::InvalidArgument, format!("options: {e}"))))
}

#[cfg(feature = "verifier-api")]
/// Verify the S/MIME signatures of a raw RFC 5322 message.
///
/// `options`: `{ allowLegacy?: boolean }`. Returns a `SignatureReport`; a
/// malformed or unsigned message is a report, not an exception. Throws only on
/// invalid options (`error.code === "invalid-argument"`).
#[wasm_bindgen(js_name = verifySignatures, unchecked_return_type = "SignatureReport")]
pub fn verify_signatures(
    message: &[u8],
    #[wasm_bindgen(unchecked_optional_param_type = "Policy")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let policy = policy_from(options)?;
    to_js(&crate::verify::verify_signatures(message, &policy))
}

#[cfg(feature = "verifier-api")]
/// Encode a report as a plain JS object (no Maps, numbers as numbers, null
/// for an absent value): as JSON text, which the engine's `JSON.parse` turns
/// into objects. One string crosses the boundary instead of a call per field
/// and per string (issue 10: building a page's verdicts field by field
/// through the JS glue took a quarter of the page's time).
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let encode_error = |what: String| js_error(&Error::new(Code::InvalidArgument, format!("encoding the report: {what}")));
    let text = serde_json::to_string(value).map_err(|e| encode_error(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| encode_error("JSON.parse refused it".to_owned()))
}

/// True while this build's public-key checks wait for a crypto part loaded
/// on demand (never in the one-module build).
#[cfg(feature = "verifier-api")]
fn external_pending() -> bool {
    #[cfg(not(feature = "rust-crypto"))]
    return external::loader_pending();
    #[cfg(feature = "rust-crypto")]
    return false;
}

/// The library version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(feature = "verifier-api")]
/// Every stable error code this build can produce.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    Code::ALL.iter().map(|c| c.code().to_owned()).collect()
}

#[cfg(feature = "verifier-api")]
/// Whether `value` is an error of this package: an `Error` whose `code` is
/// one of `errorCodes()` or the worker glue's "internal". Typed in the
/// vocabularies section as a guard (`value is JmapSmimeError`).
#[wasm_bindgen(js_name = isJmapSmimeError, skip_typescript)]
pub fn is_jmap_smime_error(value: &JsValue) -> bool {
    if !value.is_instance_of::<js_sys::Error>() {
        return false;
    }
    let code = js_sys::Reflect::get(value, &JsValue::from_str("code")).ok().and_then(|c| c.as_string());
    code.is_some_and(|c| c == "internal" || Code::ALL.iter().any(|k| k.code() == c))
}
