//! `TrustStore` for JS: a handle on the core store. Loading the bundled anchor
//! file is JS (`bundled.js`); parsing it is the core's (`pki::bundled`).

use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use super::{invalid, js_error, pem_or_der_bytes, to_js};
use crate::asn1::hex;
use crate::pki::trust::{anchor_id, TrustStore as CoreStore};

#[wasm_bindgen(module = "/src/wasm/bundled.js")]
extern "C" {
    /// Loads the bytes of email-roots.bin (see bundled.js) and resolves to
    /// `parse(bytes)`.
    #[wasm_bindgen(js_name = loadBundledRoots)]
    fn load_bundled_roots(source: &JsValue, parse: &JsValue) -> js_sys::Promise;
}

/// One anchor of a store, for display and for `remove(id)`.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AnchorInfo {
    /// A display label (the subject's common name, or the bundle's label).
    pub label: String,
    /// Hex SHA-256 over subject and public key: the id `remove()` takes.
    pub id: String,
    /// The anchor's subject distinguished name.
    pub subject: String,
    /// SHA-256 of the certificate, when the anchor came from one (`remove()`
    /// takes it too).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub fingerprint_sha256: Option<String>,
}

/// Trust anchors. Certificates inside messages never become anchors.
#[wasm_bindgen]
#[derive(Clone, Default)]
pub struct TrustStore {
    pub(crate) inner: CoreStore,
}

#[wasm_bindgen]
impl TrustStore {
    /// A store with no anchors.
    pub fn empty() -> TrustStore {
        TrustStore::default()
    }

    /// A store holding the anchors of an anchor file (the package's
    /// `email-roots.bin`). Throws (`code` "malformed", "limit-exceeded") on a
    /// bad file.
    #[wasm_bindgen(js_name = fromBundle)]
    pub fn from_bundle(der: &[u8]) -> Result<TrustStore, JsValue> {
        let mut inner = CoreStore::empty();
        for anchor in crate::pki::bundled::parse(der).map_err(|e| js_error(&e))? {
            inner.add(anchor).map_err(|e| js_error(&e))?;
        }
        Ok(TrustStore { inner })
    }

    /// The Mozilla roots with the e-mail trust bit that ship with the package
    /// (`email-roots.bin`), loaded on demand: fetched next to the module in
    /// pages and workers, read from disk in Node. `source` overrides where
    /// from: the bytes, or a URL (for bundlers that move the asset).
    #[wasm_bindgen(unchecked_return_type = "Promise<TrustStore>")]
    pub fn bundled(
        #[wasm_bindgen(unchecked_optional_param_type = "string | URL | Uint8Array | ArrayBuffer")] source: Option<JsValue>,
    ) -> js_sys::Promise {
        let parse = Closure::once_into_js(|bytes: JsValue| -> Result<JsValue, JsValue> {
            let bytes =
                bytes.dyn_into::<js_sys::Uint8Array>().map_err(|_| invalid("TrustStore.bundled(): the loader did not return bytes"))?;
            TrustStore::from_bundle(&bytes.to_vec()).map(JsValue::from)
        });
        load_bundled_roots(&source.unwrap_or(JsValue::UNDEFINED), &parse)
    }

    /// Add every certificate of a PEM text or DER file as an anchor. Returns
    /// how many were new (an anchor already present is not added twice).
    #[wasm_bindgen(js_name = addPem)]
    pub fn add_pem(&mut self, #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] data: JsValue) -> Result<u32, JsValue> {
        let bytes = pem_or_der_bytes(&data, "addPem")?;
        let added = self.inner.add_pem_or_der(&bytes).map_err(|e| js_error(&e))?;
        Ok(u32::try_from(added).unwrap_or(u32::MAX))
    }

    /// Remove the anchor with this id (`AnchorInfo.id`) or certificate SHA-256
    /// fingerprint (hex, colons allowed). True when one was removed.
    pub fn remove(&mut self, id: &str) -> bool {
        self.inner.remove(id)
    }

    /// SHA-256 over the sorted anchor ids: the same anchors give the same
    /// fingerprint in any order, so cached verdicts can key on it.
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// The anchors, in insertion order.
    #[wasm_bindgen(unchecked_return_type = "AnchorInfo[]")]
    pub fn anchors(&self) -> Result<JsValue, JsValue> {
        let list: Vec<AnchorInfo> = self
            .inner
            .anchors()
            .iter()
            .map(|a| AnchorInfo {
                label: a.label.clone(),
                id: hex(&anchor_id(a)),
                subject: a.subject.to_display(),
                fingerprint_sha256: a.certificate.as_ref().map(|c| hex(&c.fingerprint_sha256())),
            })
            .collect();
        to_js(&list)
    }

    /// How many anchors the store holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.anchors().len()).unwrap_or(u32::MAX)
    }
}
