//! The trust store: anchors added and removed at run time, with a stable
//! fingerprint of the whole store so cached verdicts can key on it.
//! Certificates inside a message are never added here (R33).

use sha2::{Digest, Sha256};

use super::anchor::Anchor;
use super::cert::Certificate;
use crate::asn1::hex;
use crate::error::{Code, Error, Result};
use crate::limits;

/// Anchors, in insertion order, without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustStore {
    anchors: Vec<Anchor>,
}

/// The identity of an anchor: SHA-256 over its subject and public key, so the
/// same root from a certificate and from the compact bundled form compare
/// equal.
pub fn anchor_id(a: &Anchor) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(&a.subject.raw);
    h.update(&a.spki.algorithm);
    h.update(a.spki.params.as_deref().unwrap_or(&[]));
    h.update(&a.spki.key);
    h.finalize().into()
}

/// Every certificate in `data`: PEM blocks (`-----BEGIN CERTIFICATE-----`)
/// or, when there are none, one DER certificate.
pub fn certificates_from_pem_or_der(data: &[u8]) -> Result<Vec<Certificate>> {
    let blocks = super::pem::blocks(data, "CERTIFICATE", limits::MAX_TRUST_ANCHORS)?;
    if blocks.is_empty() {
        let cert = Certificate::from_der(data)
            .map_err(|err| Error::new(Code::InvalidArgument, format!("not a PEM or DER certificate: {}", err.detail)))?;
        return Ok(vec![cert]);
    }
    blocks
        .iter()
        .map(|der| Certificate::from_der(der).map_err(|err| Error::new(Code::InvalidArgument, format!("PEM certificate: {}", err.detail))))
        .collect()
}

impl TrustStore {
    /// A store with no anchors.
    pub fn empty() -> TrustStore {
        TrustStore::default()
    }

    /// Add an anchor; an anchor already present is not added twice. Returns
    /// true when it was new.
    pub fn add(&mut self, anchor: Anchor) -> Result<bool> {
        let id = anchor_id(&anchor);
        if self.anchors.iter().any(|a| anchor_id(a) == id) {
            return Ok(false);
        }
        if self.anchors.len() >= limits::MAX_TRUST_ANCHORS {
            return Err(Error::limit(format!("more than {} trust anchors", limits::MAX_TRUST_ANCHORS)));
        }
        self.anchors.push(anchor);
        Ok(true)
    }

    /// Add every certificate of a PEM or DER file as an anchor. Returns how
    /// many were new.
    pub fn add_pem_or_der(&mut self, data: &[u8]) -> Result<usize> {
        let mut added = 0usize;
        for c in certificates_from_pem_or_der(data)? {
            if self.add(Anchor::from_certificate(c))? {
                added = added.saturating_add(1);
            }
        }
        Ok(added)
    }

    /// Remove the anchor with this id (hex of [`anchor_id`]) or certificate
    /// SHA-256 fingerprint. Returns true when one was removed.
    pub fn remove(&mut self, id_hex: &str) -> bool {
        let want = id_hex.to_ascii_lowercase().replace(':', "");
        let before = self.anchors.len();
        self.anchors.retain(|a| hex(&anchor_id(a)) != want && a.certificate.as_ref().is_none_or(|c| hex(&c.fingerprint_sha256()) != want));
        self.anchors.len() != before
    }

    /// The anchors.
    pub fn anchors(&self) -> &[Anchor] {
        &self.anchors
    }

    /// A stable fingerprint of the whole store: SHA-256 over the sorted
    /// anchor ids. Independent of insertion order.
    pub fn fingerprint(&self) -> String {
        let mut ids: Vec<[u8; 32]> = self.anchors.iter().map(anchor_id).collect();
        ids.sort();
        let mut h = Sha256::new();
        for id in &ids {
            h.update(id);
        }
        hex(&h.finalize())
    }
}
