//! `CertificateMemory` for JS (issue 12 §2): a memory of signers a webmail
//! keeps (IndexedDB: `toBytes()` / `CertificateMemory.fromBytes()`) and
//! gives a verifier with `verifier.withMemory(memory)`.

use wasm_bindgen::prelude::*;

use super::js_error;
use crate::memory::{CertificateMemory as Core, SharedMemory};

/// A memory of signers: certificates of verified messages by From address.
/// A verifier made with `withMemory` lends them to messages that omit the
/// signer's certificate, warns (`signer-renewed`, `signer-changed`) when a
/// From address's signer certificate is not one seen before, and learns
/// from every verified message. Bounded (`MAX_MEMORY_ENTRIES`).
#[wasm_bindgen]
pub struct CertificateMemory {
    pub(crate) inner: SharedMemory,
}

#[wasm_bindgen]
impl CertificateMemory {
    /// An empty memory.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> CertificateMemory {
        CertificateMemory { inner: SharedMemory::default() }
    }

    /// A memory from `toBytes()`. Throws `malformed` or `limit-exceeded`
    /// when the bytes are not one.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<CertificateMemory, JsValue> {
        Ok(CertificateMemory { inner: SharedMemory::new(Core::from_bytes(bytes).map_err(|e| js_error(&e))?) })
    }

    /// The memory as bytes, to keep.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.with(|m| m.to_bytes())
    }

    /// Accept the certificate with SHA-256 `fingerprint` (hex, as in
    /// `verdict.signerChange.fingerprint`) for `address` once the reader has
    /// checked it with the sender: its `signer-changed` warning ends. False
    /// when the memory does not hold it.
    pub fn accept(&self, address: &str, fingerprint: &str) -> bool {
        self.inner.with(|m| m.accept(address, fingerprint))
    }

    /// How many certificates it holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.with(|m| m.len())
    }
}
