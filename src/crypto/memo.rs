//! The verifier-level memo of signature checks (issue 10: "no signature is
//! checked twice"). Shared by every message one [`crate::Verifier`] (and its
//! clones) judges, at both validation times and for CRL signatures.
//!
//! An entry is keyed by the check's identity ([`CheckId`]: the key, the
//! scheme with its parameters, the digest algorithm, the digest of the signed
//! bytes and the signature value) and holds the check's result, which depends
//! on nothing else: policy and algorithm agreement are decided before the
//! memo is consulted, and trust anchors or validation times never enter a
//! signature check. So a verifier with another trust store or policy may read
//! the same memo without inheriting any decision that depends on them.
//!
//! The memo is bounded ([`limits::MAX_MEMO_ENTRIES`]); when full, the entry
//! inserted first is forgotten first (FIFO). A forgotten check is done again,
//! and charged to its message's budget as a new one.
//!
//! Beside the checks it keeps the decoded public keys
//! ([`limits::MAX_KEY_MEMO_ENTRIES`]), keyed by the SHA-256 of their encoding:
//! decoding is the same for every verifier, and some decodings cost an
//! exponentiation (a DSA key's subgroup check) or a point decompression;
//! and the certificates' descriptions for reports
//! ([`limits::MAX_CERT_INFO_ENTRIES`]), by fingerprint: names, times and key
//! formatted once, not for every message that brings the certificate.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use super::digests::DigestCache;
use crate::budget::Key;
use crate::cms::alg::DigestAlg;
use crate::error::Result;
use crate::limits;
use crate::report::CertificateInfo;

/// The identity of one signature check: SHA-256 over its length-prefixed
/// parts (see `budget::WorkBudget::verify`).
pub type CheckId = [u8; 32];

/// A bounded map keyed by 32-octet identities, oldest forgotten first.
#[derive(Debug)]
pub struct BoundedMemo<V> {
    map: BTreeMap<CheckId, V>,
    order: VecDeque<CheckId>,
    bound: usize,
    evictions: u64,
}

/// The check results.
pub type CheckMemo = BoundedMemo<Result<()>>;

/// The decoded keys (shared, so a hit copies a pointer).
pub type KeyMemo = BoundedMemo<Arc<Result<Key>>>;

/// Certificate descriptions for reports, by certificate fingerprint.
pub type InfoMemo = BoundedMemo<Arc<CertificateInfo>>;

impl Default for CheckMemo {
    fn default() -> Self {
        CheckMemo::with_bound(limits::MAX_MEMO_ENTRIES)
    }
}

impl Default for KeyMemo {
    fn default() -> Self {
        KeyMemo::with_bound(limits::MAX_KEY_MEMO_ENTRIES)
    }
}

impl Default for InfoMemo {
    fn default() -> Self {
        InfoMemo::with_bound(limits::MAX_CERT_INFO_ENTRIES)
    }
}

impl<V: Clone> BoundedMemo<V> {
    /// A memo of at most `bound` entries (0: remembers nothing).
    pub fn with_bound(bound: usize) -> Self {
        BoundedMemo { map: BTreeMap::new(), order: VecDeque::new(), bound, evictions: 0 }
    }

    /// The remembered value of `id`.
    pub fn get(&self, id: &CheckId) -> Option<V> {
        self.map.get(id).cloned()
    }

    /// Remember `result` for `id`, forgetting the oldest entries while the
    /// memo is full. Never holds more than its bound.
    pub fn insert(&mut self, id: CheckId, result: V) {
        if self.bound == 0 {
            return;
        }
        if let Some(slot) = self.map.get_mut(&id) {
            *slot = result;
            return;
        }
        while self.map.len() >= self.bound {
            let Some(old) = self.order.pop_front() else { break };
            self.map.remove(&old);
            self.evictions = self.evictions.saturating_add(1);
        }
        self.order.push_back(id);
        self.map.insert(id, result);
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The bound.
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// Entries forgotten to make room so far.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }
}

#[derive(Debug, Default)]
struct Memos {
    checks: CheckMemo,
    keys: KeyMemo,
    digests: DigestCache,
    infos: InfoMemo,
}

/// A [`CheckMemo`] and a [`KeyMemo`] shared by a verifier and its clones. A
/// `Mutex` (a plain cell in single-threaded wasm), held only for one lookup
/// or insertion.
#[derive(Clone, Debug, Default)]
pub struct SharedMemo(Arc<Mutex<Memos>>);

impl SharedMemo {
    /// A shared memo of at most `bound` check results (and the default
    /// number of keys).
    pub fn with_bound(bound: usize) -> Self {
        SharedMemo(Arc::new(Mutex::new(Memos { checks: CheckMemo::with_bound(bound), ..Memos::default() })))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Memos) -> T) -> T {
        // A panic elsewhere cannot leave a half-made entry: every change is
        // one map operation; carry on with the memo as it is.
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }

    /// The remembered result of `id`.
    pub fn get(&self, id: &CheckId) -> Option<Result<()>> {
        self.with(|m| m.checks.get(id))
    }

    /// Remember `result` for `id` (see [`BoundedMemo::insert`]).
    pub fn insert(&self, id: CheckId, result: Result<()>) {
        self.with(|m| m.checks.insert(id, result));
    }

    /// The key decoded earlier from the encoding whose identity is `id`.
    pub fn key(&self, id: &CheckId) -> Option<Arc<Result<Key>>> {
        self.with(|m| m.keys.get(id))
    }

    /// Remember a decoded key (or why it does not decode).
    pub fn insert_key(&self, id: CheckId, key: Arc<Result<Key>>) {
        self.with(|m| m.keys.insert(id, key));
    }

    /// The description of the certificate with this fingerprint.
    pub fn info(&self, fingerprint: &[u8; 32]) -> Option<Arc<CertificateInfo>> {
        self.with(|m| m.infos.get(fingerprint))
    }

    /// Remember a certificate's description.
    pub fn insert_info(&self, fingerprint: [u8; 32], info: Arc<CertificateInfo>) {
        self.with(|m| m.infos.insert(fingerprint, info));
    }

    /// Certificate descriptions held.
    pub fn infos(&self) -> usize {
        self.with(|m| m.infos.len())
    }

    /// Keys held.
    pub fn keys(&self) -> usize {
        self.with(|m| m.keys.len())
    }

    /// The digest of `data` under `alg`: remembered, or computed (outside
    /// the lock) and remembered (src/crypto/digests.rs).
    pub fn digest(&self, alg: DigestAlg, data: &[u8]) -> Vec<u8> {
        if let Some(d) = self.with(|m| m.digests.get(alg, data)) {
            return d;
        }
        let d = alg.digest(&[data]);
        self.with(|m| m.digests.insert(alg, data, &d));
        d
    }

    /// Digests answered from the cache so far, and the octets it holds.
    pub fn digest_stats(&self) -> (u64, usize) {
        self.with(|m| (m.digests.hits(), m.digests.held()))
    }

    /// Check results held.
    pub fn len(&self) -> usize {
        self.with(|m| m.checks.len())
    }

    /// True when no check result is remembered.
    pub fn is_empty(&self) -> bool {
        self.with(|m| m.checks.is_empty())
    }

    /// Check results forgotten to make room so far.
    pub fn evictions(&self) -> u64 {
        self.with(|m| m.checks.evictions())
    }
}
