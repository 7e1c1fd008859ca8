//! `Verifier` for JS: decodes the options and times, calls
//! `crate::Verifier::verify`, encodes the `Verdict`. The clock is read here
//! (`Date.now()`) and nowhere in the core.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use super::trust::TrustStore;
use super::webcrypto::{self, KeyCache};
use super::{invalid, js_error, to_js};
use crate::asn1::time::{parse_rfc3339, UnixTime};
use crate::crypto::Route;
use crate::pki::crl::Crl;
use crate::pki::path::RevocationMode as CoreRevocation;
use crate::pki::trust::certificates_from_pem_or_der;
use crate::policy::Policy;
use crate::verifier::{Verifier as CoreVerifier, VerifyOptions};

/// Revocation checking: "require" (no CRL covering the chain fails it),
/// "prefer" (a warning, the default) or "off".
#[derive(Clone, Copy, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum RevocationMode {
    /// Undetermined revocation status fails the path.
    Require,
    /// Undetermined revocation status is a `revocation-unknown` warning.
    #[default]
    Prefer,
    /// No revocation checking.
    Off,
}

impl From<RevocationMode> for CoreRevocation {
    fn from(m: RevocationMode) -> CoreRevocation {
        match m {
            RevocationMode::Require => CoreRevocation::Require,
            RevocationMode::Prefer => CoreRevocation::Prefer,
            RevocationMode::Off => CoreRevocation::Off,
        }
    }
}

/// PEM text or DER bytes, as JS passes them.
pub struct PemOrDer(Vec<u8>);

impl<'de> Deserialize<'de> for PemOrDer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PemOrDer, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = PemOrDer;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a PEM string or a Uint8Array")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PemOrDer, E> {
                Ok(PemOrDer(v.as_bytes().to_vec()))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<PemOrDer, E> {
                Ok(PemOrDer(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<PemOrDer, E> {
                Ok(PemOrDer(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Where public-key operations run: "auto" (WebCrypto in `verifyAsync`
/// where the context has `crypto.subtle`, else Rust) or "rust" (always the
/// pure-Rust implementation; for comparisons and benchmarks).
#[derive(Clone, Copy, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum CryptoRoute {
    /// WebCrypto where it can, Rust for the rest.
    #[default]
    Auto,
    /// Pure Rust only.
    Rust,
}

/// What a `Verifier` checks besides the anchors. Every field is optional.
#[derive(Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct VerifierOptions {
    /// Accept SHA-1, MD5, DSA and RSA keys of 1024–2047 bits.
    #[tsify(optional)]
    pub allow_legacy: bool,
    /// Revocation checking (default "prefer").
    #[tsify(optional)]
    pub revocation: RevocationMode,
    /// Leave the From/Sender binding out of `status` (path-only suites).
    #[tsify(optional)]
    pub skip_address_check: bool,
    /// Extra intermediate certificates (never anchors): PEM text or DER.
    #[tsify(optional, type = "(string | Uint8Array)[]")]
    pub intermediates: Vec<PemOrDer>,
    /// Extra CRLs: PEM text (`X509 CRL` blocks) or DER.
    #[tsify(optional, type = "(string | Uint8Array)[]")]
    pub crls: Vec<PemOrDer>,
    /// Extra OCSP responses (RFC 6960): DER, or PEM `OCSP RESPONSE` blocks;
    /// checked as responses inside a message are (RFC 5940), at most 32.
    #[tsify(optional, type = "(string | Uint8Array)[]")]
    pub ocsp: Vec<PemOrDer>,
    /// Where `verifyAsync` runs public-key operations (default "auto").
    #[tsify(optional)]
    pub crypto: CryptoRoute,
    /// Certificate addresses allowed to sign for other From or Sender
    /// addresses (RFC 9219's private configuration, issue 12 §6); each use
    /// shows in the verdict (`addressMapped`, an `address-mapped` warning).
    #[tsify(optional)]
    pub address_map: Vec<crate::address_map::AddressMapping>,
}

/// When to validate. Each time is a `Date`, epoch milliseconds or an RFC 3339
/// string.
#[derive(Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct VerifyTimes {
    /// The validation time for `status` (default: `Date.now()`).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "Date | number | string")]
    pub now: JsValue,
    /// When the server received the message: adds `statusAtDelivery`.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "Date | number | string")]
    pub received_at: JsValue,
}

/// Decode `options`-like arguments: undefined and null mean the defaults.
pub(super) fn decode<T: Default + serde::de::DeserializeOwned>(value: Option<JsValue>, what: &str) -> Result<T, JsValue> {
    match value.filter(|v| !v.is_undefined() && !v.is_null()) {
        None => Ok(T::default()),
        Some(v) => serde_wasm_bindgen::from_value(v).map_err(|e| invalid(&format!("{what}: {e}"))),
    }
}

/// Epoch milliseconds to whole seconds (rounded down), refusing NaN, ±∞ and
/// times outside ±10^15 ms.
pub(super) fn millis_to_unix(ms: f64, what: &str) -> Result<UnixTime, JsValue> {
    if !ms.is_finite() || ms.abs() > 1e15 {
        return Err(invalid(&format!("{what}: not a valid time ({ms})")));
    }
    // In range, so the conversion is exact and cannot saturate.
    Ok((ms / 1000.0).floor() as i64)
}

/// A time argument: Date, epoch milliseconds, RFC 3339 text; None when absent.
pub(super) fn time_arg(v: &JsValue, what: &str) -> Result<Option<UnixTime>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        return millis_to_unix(d.get_time(), what).map(Some);
    }
    if let Some(ms) = v.as_f64() {
        return millis_to_unix(ms, what).map(Some);
    }
    if let Some(s) = v.as_string() {
        return parse_rfc3339(&s).map(Some).map_err(|e| invalid(&format!("{what}: {}", e.detail)));
    }
    Err(invalid(&format!("{what}: expected a Date, epoch milliseconds or an RFC 3339 string")))
}

/// CRLs from PEM (`X509 CRL` blocks) or DER.
fn crls_from(data: &[u8]) -> Result<Vec<Crl>, JsValue> {
    crate::pki::crl::crls_from_pem_or_der(data).map_err(|e| invalid(&format!("crls: {}", e.detail)))
}

/// A trust store, a policy and options: verifies messages. The store is
/// copied when the Verifier is made; later changes to it do not apply.
#[wasm_bindgen]
pub struct Verifier {
    /// Shared with pending `verifyAsync` calls (and its memo with copies).
    inner: Rc<CoreVerifier>,
    route: Route,
    keys: Rc<RefCell<KeyCache>>,
}

// Used by the JMAP client's export (feature `client`).
#[cfg_attr(not(feature = "client"), allow(dead_code))]
impl Verifier {
    /// The core verifier.
    pub(crate) fn core(&self) -> &CoreVerifier {
        &self.inner
    }

    /// A copy (tests pass it where JS would pass the object).
    #[doc(hidden)]
    pub fn clone_for_test(&self) -> Verifier {
        self.copy()
    }

    /// The core verifier, by value.
    pub(crate) fn into_inner(self) -> CoreVerifier {
        Rc::try_unwrap(self.inner).unwrap_or_else(|rc| (*rc).clone())
    }
}

/// The validation times of `at`: `now` (default `Date.now()`) and `receivedAt`.
fn times_of(at: Option<JsValue>) -> Result<(UnixTime, Option<UnixTime>), JsValue> {
    let times: VerifyTimes = decode(at, "at")?;
    let now = match time_arg(&times.now, "at.now")? {
        Some(t) => t,
        None => millis_to_unix(js_sys::Date::now(), "Date.now()")?,
    };
    Ok((now, time_arg(&times.received_at, "at.receivedAt")?))
}

#[wasm_bindgen]
impl Verifier {
    /// A verifier over a copy of `trust`. Throws `invalid-argument` on bad
    /// options, or on intermediates, CRLs or OCSP responses that do not parse.
    #[wasm_bindgen(constructor)]
    pub fn new(
        trust: &TrustStore,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifierOptions")] options: Option<JsValue>,
    ) -> Result<Verifier, JsValue> {
        let o: VerifierOptions = decode(options, "options")?;
        let mut intermediates = Vec::new();
        for PemOrDer(bytes) in &o.intermediates {
            intermediates.extend(certificates_from_pem_or_der(bytes).map_err(|e| js_error(&e))?);
        }
        let mut crls = Vec::new();
        for PemOrDer(bytes) in &o.crls {
            crls.extend(crls_from(bytes)?);
        }
        let mut ocsp = Vec::new();
        for PemOrDer(bytes) in &o.ocsp {
            ocsp.extend(crate::pki::ocsp::responses_from_pem_or_der(bytes).map_err(|e| invalid(&format!("ocsp: {}", e.detail)))?);
        }
        crate::pki::ocsp::check_supplied(&ocsp).map_err(|e| js_error(&e))?;
        crate::address_map::check(&o.address_map).map_err(|e| js_error(&e))?;
        Ok(Verifier {
            inner: Rc::new(CoreVerifier {
                trust: trust.inner.clone(),
                policy: Policy { allow_legacy: o.allow_legacy },
                options: VerifyOptions {
                    revocation: o.revocation.into(),
                    skip_address_check: o.skip_address_check,
                    intermediates,
                    crls,
                    ocsp,
                    address_map: o.address_map,
                },
                memo: Default::default(),
                memory: None,
            }),
            route: match o.crypto {
                CryptoRoute::Auto => Route::Deferred,
                CryptoRoute::Rust => Route::Rust,
            },
            keys: webcrypto::new_cache(),
        })
    }

    /// Verify a raw RFC 5322 message at `at.now` (default: `Date.now()`), and
    /// also at `at.receivedAt` when given. A malformed or unsigned message is a
    /// verdict, not an exception; only bad arguments throw.
    #[wasm_bindgen(unchecked_return_type = "Verdict")]
    pub fn verify(
        &self,
        message: &[u8],
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyTimes")] at: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let (now, received_at) = times_of(at)?;
        to_js(&self.inner.verify(message, now, received_at))
    }

    /// `verify`, with the public-key operations done by WebCrypto where it
    /// can (RSA PKCS #1 v1.5 and PSS, ECDSA P-256/384/521) and the context
    /// has `crypto.subtle`, unless the Verifier was made with
    /// `crypto: "rust"`. The same verdict as `verify`, as a Promise; bad
    /// arguments reject it.
    #[wasm_bindgen(js_name = verifyAsync, unchecked_return_type = "Promise<Verdict>")]
    pub fn verify_async(
        &self,
        message: &[u8],
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyTimes")] at: Option<JsValue>,
    ) -> js_sys::Promise {
        match times_of(at) {
            Ok((now, received_at)) => self.verify_async_at(message, now, received_at),
            Err(e) => js_sys::Promise::reject(&e),
        }
    }

    /// [`Verifier::verify_async`] at times already read.
    pub(crate) fn verify_async_at(&self, message: &[u8], now: UnixTime, received_at: Option<UnixTime>) -> js_sys::Promise {
        let (core, keys, route, raw) = (self.inner.clone(), self.keys.clone(), self.route, message.to_vec());
        wasm_bindgen_futures::future_to_promise(async move {
            let v = webcrypto::verify(&core, &keys, &raw, now, received_at, route).await;
            to_js(&v)
        })
    }

    /// This verifier with a memory of signers (issue 12 §2): the same trust,
    /// policy and options, and `memory` lent, checked and taught on every
    /// message. The memory is shared, not copied.
    #[wasm_bindgen(js_name = withMemory)]
    pub fn with_memory(&self, memory: &super::memory::CertificateMemory) -> Verifier {
        Verifier {
            inner: Rc::new(CoreVerifier { memory: Some(memory.inner.clone()), ..(*self.inner).clone() }),
            route: self.route,
            keys: self.keys.clone(),
        }
    }

    /// A copy, for `JmapSmimeClient.connect` (which takes ownership of it);
    /// it shares the memo of checks and the imported keys.
    #[wasm_bindgen(js_name = "__copy", skip_typescript)]
    pub fn copy(&self) -> Verifier {
        Verifier { inner: self.inner.clone(), route: self.route, keys: self.keys.clone() }
    }

    /// How `verifyAsync` did its public-key operations so far:
    /// `{ webcrypto, settledInRust, memo }`: checks WebCrypto answered
    /// "valid", checks handed out but settled in Rust, and checks
    /// remembered now (for tests and benchmarks).
    #[wasm_bindgen(js_name = cryptoStats)]
    pub fn crypto_stats(&self) -> JsValue {
        let c = self.keys.borrow();
        let o = js_sys::Object::new();
        for (k, v) in [("webcrypto", c.web_valid), ("settledInRust", c.settled_in_rust), ("memo", self.inner.memo.len() as u64)] {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_f64(v as f64));
        }
        o.into()
    }

    /// The fingerprint of the verifier's trust store (see
    /// `TrustStore.fingerprint()`).
    #[wasm_bindgen(js_name = trustFingerprint)]
    pub fn trust_fingerprint(&self) -> String {
        self.inner.trust.fingerprint()
    }
}
