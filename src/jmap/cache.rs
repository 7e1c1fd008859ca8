//! The verdict cache (issue 4 §4). Blobs are immutable (RFC 8620 §6), so a
//! verdict depends only on the blob, the receivedAt it is judged at, the
//! verifier's configuration (trust store, policy, options) and the time.
//! Time is bucketed: a verdict is reused for at most [`TIME_BUCKET_SECS`].
//! Bounded by `limits::MAX_CACHED_VERDICTS` verdicts and
//! `limits::MAX_CACHED_DISPLAY_BYTES` of displayable text (`Verdict.body`),
//! oldest entry first out.

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
    /// Each verdict with the bytes of displayable text it holds.
    map: HashMap<CacheKey, (Verdict, usize)>,
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

    /// A cached verdict.
    pub fn get(&mut self, key: &CacheKey) -> Option<Verdict> {
        let hit = self.map.get(key).map(|(v, _)| v.clone());
        if hit.is_some() {
            self.hits = self.hits.saturating_add(1);
        } else {
            self.misses = self.misses.saturating_add(1);
        }
        hit
    }

    /// Store a verdict, evicting the oldest beyond the bounds.
    pub fn put(&mut self, key: CacheKey, verdict: Verdict) {
        let size = text_size(&verdict);
        match self.map.insert(key.clone(), (verdict, size)) {
            Some((_, old)) => self.text_bytes = self.text_bytes.saturating_sub(old),
            None => self.order.push_back(key),
        }
        self.text_bytes = self.text_bytes.saturating_add(size);
        while self.map.len() > limits::MAX_CACHED_VERDICTS || self.text_bytes > limits::MAX_CACHED_DISPLAY_BYTES {
            match self.order.pop_front() {
                Some(old) => {
                    if let Some((_, n)) = self.map.remove(&old) {
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
