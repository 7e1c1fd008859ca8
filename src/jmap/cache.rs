//! The verdict cache (issue 4 §4). Blobs are immutable (RFC 8620 §6), so a
//! verdict depends only on the blob, the receivedAt it is judged at, the
//! verifier's configuration (trust store, policy, options) and the time.
//! Time is bucketed: a verdict is reused for at most [`TIME_BUCKET_SECS`].
//! Bounded by `limits::MAX_CACHED_VERDICTS` verdicts and
//! `limits::MAX_CACHED_DISPLAY_BYTES` of displayable text (`Verdict.body`),
//! oldest entry first out. A verdict that found no signer certificate also
//! records the verifier memory's lending epoch (issue 12 §2): once the
//! memory holds more certificates, it is checked again, as the memory may
//! now lend the one it lacked.

use std::collections::{HashMap, VecDeque};

use crate::asn1::time::UnixTime;
use crate::limits;
use crate::verifier::Verdict;

/// How long a verdict is reused. Certificates expire and CRLs age on the scale
/// of hours to years; five minutes of reuse is invisible to a reader and
/// makes paging back and forth free.
pub const TIME_BUCKET_SECS: i64 = 300;

/// What a verdict depends on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// `Email.blobId`.
    pub blob_id: String,
    /// receivedAt in unix seconds (the at-delivery verdict depends on it).
    pub received_at: Option<UnixTime>,
    /// `Verifier::config_fingerprint()`.
    pub config: String,
    /// `now / TIME_BUCKET_SECS`.
    pub bucket: i64,
}

impl CacheKey {
    /// The key for judging `blob_id` at `now`.
    pub fn new(blob_id: &str, received_at: Option<UnixTime>, config: &str, now: UnixTime) -> CacheKey {
        CacheKey { blob_id: blob_id.to_owned(), received_at, config: config.to_owned(), bucket: now.div_euclid(TIME_BUCKET_SECS) }
    }
}

/// Bounded verdict cache.
#[derive(Debug, Default)]
pub struct VerdictCache {
    /// Each verdict with the bytes of displayable text it holds and, for a
    /// `signer-cert-not-found` verdict, the lending epoch it was made at.
    map: HashMap<CacheKey, (Verdict, usize, Option<u64>)>,
    order: VecDeque<CacheKey>,
    /// Sum of the text bytes held.
    text_bytes: usize,
    config: String,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that were not.
    pub misses: u64,
}

impl VerdictCache {
    /// An empty cache.
    pub fn new() -> VerdictCache {
        VerdictCache::default()
    }

    /// Number of verdicts held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Nothing held.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Drop everything.
    pub fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
        self.text_bytes = 0;
    }

    /// Bytes of displayable text held over all verdicts.
    pub fn text_bytes(&self) -> usize {
        self.text_bytes
    }

    /// Declare the verifier configuration in use: a different one (the trust
    /// store or policy changed) empties the cache.
    pub fn set_config(&mut self, config: &str) {
        if self.config != config {
            self.clear();
            config.clone_into(&mut self.config);
        }
    }

    /// A cached verdict, unless it lacked a signer certificate and the
    /// memory's lending epoch (`lent`) moved since.
    pub fn get(&mut self, key: &CacheKey, lent: u64) -> Option<Verdict> {
        let hit = self.map.get(key).filter(|(_, _, at)| at.is_none_or(|e| e == lent)).map(|(v, _, _)| v.clone());
        if hit.is_some() {
            self.hits = self.hits.saturating_add(1);
        } else {
            self.misses = self.misses.saturating_add(1);
        }
        hit
    }

    /// Store a verdict made at lending epoch `lent`, evicting the oldest
    /// beyond the bounds.
    pub fn put(&mut self, key: CacheKey, verdict: Verdict, lent: u64) {
        let size = text_size(&verdict);
        let lacked_signer = verdict.errors.iter().any(|p| p.code == crate::error::Code::SignerCertNotFound.code());
        match self.map.insert(key.clone(), (verdict, size, lacked_signer.then_some(lent))) {
            Some((_, old, _)) => self.text_bytes = self.text_bytes.saturating_sub(old),
            None => self.order.push_back(key),
        }
        self.text_bytes = self.text_bytes.saturating_add(size);
        while self.map.len() > limits::MAX_CACHED_VERDICTS || self.text_bytes > limits::MAX_CACHED_DISPLAY_BYTES {
            match self.order.pop_front() {
                Some(old) => {
                    if let Some((_, n, _)) = self.map.remove(&old) {
                        self.text_bytes = self.text_bytes.saturating_sub(n);
                    }
                }
                None => break,
            }
        }
    }
}

/// The displayable text a verdict holds (what dominates its size).
fn text_size(v: &Verdict) -> usize {
    v.body.as_ref().map_or(0, |b| b.parts.iter().fold(0usize, |n, p| n.saturating_add(p.text.len())))
}
