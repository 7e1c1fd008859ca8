//! The crypto part's export (builds with `rust-crypto`): one public-key check
//! for a core module built without the pure-Rust crates (`cms::external`).
//! The shipped `jmap_smime_crypto.wasm` is the build with this export alone
//! (`--no-default-features --features rust-crypto`).

use wasm_bindgen::prelude::*;

use crate::cms::external::{answer, CheckRequest};

/// Check `signature` over `message` (whose `digest` hash is `hashed`) with
/// the key `spki` (SubjectPublicKeyInfo DER) under `scheme` (JSON, as the core
/// writes it). Returns `null` when it verifies, else a stable error code
/// (`"bad-signature"`, `"bad-key"`, `"invalid-argument"`, ...).
#[wasm_bindgen(js_name = checkSignature, unchecked_return_type = "string | null")]
pub fn check_signature(spki: &[u8], scheme: &str, digest: &str, message: &[u8], hashed: &[u8], signature: &[u8]) -> JsValue {
    match answer(&CheckRequest { spki, scheme, digest, message, hashed, signature }) {
        None => JsValue::NULL,
        Some(code) => JsValue::from_str(code),
    }
}
