//! Digests of exact byte strings, remembered across the messages of one
//! verifier (issue 10). Every message of a page brings the same intermediate
//! certificates and CRLs, and the memo of signature checks identifies a check
//! by the digest of what was signed, so without this each message hashes the
//! same to-be-signed bytes again before the memo can answer. In the browser
//! SHA-256 runs in software and was the largest single cost of a message
//! whose checks the memo already knew.
//!
//! An entry is keyed by the algorithm and the whole input (compared octet by
//! octet), so a hit is the digest of exactly those bytes. Inputs over
//! [`limits::MAX_DIGEST_CACHE_INPUT`] are hashed and not kept; the inputs
//! kept total at most [`limits::MAX_DIGEST_CACHE_BYTES`], oldest forgotten
//! first. The work budget charges hashing whether or not the cache answers.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::cms::alg::DigestAlg;
use crate::limits;

/// Octets an entry is charged beyond its input (its digest and bookkeeping).
const ENTRY_OVERHEAD: usize = 96;

/// Each algorithm's own map (a match, so a new algorithm cannot share one).
fn slot(alg: DigestAlg) -> usize {
    match alg {
        DigestAlg::Md5 => 0,
        DigestAlg::Sha1 => 1,
        DigestAlg::Sha224 => 2,
        DigestAlg::Sha256 => 3,
        DigestAlg::Sha384 => 4,
        DigestAlg::Sha512 => 5,
    }
}

/// One algorithm's digests, by input.
type ByInput = BTreeMap<Arc<[u8]>, Arc<[u8]>>;

/// Remembered digests, bounded by the octets they hold.
#[derive(Debug)]
pub struct DigestCache {
    maps: [ByInput; 6],
    order: VecDeque<(usize, Arc<[u8]>)>,
    held: usize,
    bound: usize,
    hits: u64,
}

impl Default for DigestCache {
    fn default() -> Self {
        DigestCache::with_bound(limits::MAX_DIGEST_CACHE_BYTES)
    }
}

impl DigestCache {
    /// A cache holding at most `bound` octets (0: remembers nothing).
    pub fn with_bound(bound: usize) -> Self {
        DigestCache { maps: Default::default(), order: VecDeque::new(), held: 0, bound, hits: 0 }
    }

    /// The remembered digest of `data` under `alg`.
    pub fn get(&mut self, alg: DigestAlg, data: &[u8]) -> Option<Vec<u8>> {
        let d = self.maps.get(slot(alg))?.get(data)?.to_vec();
        self.hits = self.hits.saturating_add(1);
        Some(d)
    }

    /// Remember `digest` as the digest of `data` under `alg` (an input over
    /// the size limit is not kept), forgetting the oldest entries while the
    /// octets held would pass the bound.
    pub fn insert(&mut self, alg: DigestAlg, data: &[u8], digest: &[u8]) {
        let cost = data.len().saturating_add(ENTRY_OVERHEAD);
        let i = slot(alg);
        if data.len() > limits::MAX_DIGEST_CACHE_INPUT || cost > self.bound || self.maps.get(i).is_none_or(|m| m.contains_key(data)) {
            return;
        }
        while self.held.saturating_add(cost) > self.bound {
            let Some((j, old)) = self.order.pop_front() else { break };
            if let Some(m) = self.maps.get_mut(j) {
                m.remove(&old);
            }
            self.held = self.held.saturating_sub(old.len().saturating_add(ENTRY_OVERHEAD));
        }
        let key: Arc<[u8]> = Arc::from(data);
        if let Some(m) = self.maps.get_mut(i) {
            m.insert(Arc::clone(&key), Arc::from(digest));
            self.order.push_back((i, key));
            self.held = self.held.saturating_add(cost);
        }
    }

    /// Octets held (inputs and per-entry overhead).
    pub fn held(&self) -> usize {
        self.held
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Lookups answered so far.
    pub fn hits(&self) -> u64 {
        self.hits
    }
}
