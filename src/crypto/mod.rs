//! The crypto seam (issue 10): every public-key operation of a message passes
//! through [`crate::budget::WorkBudget::verify`], which asks, in order, the
//! message's own checks, the results resolved for this message in earlier
//! rounds, the verifier-level [`SharedMemo`], and only then a route:
//!
//! - [`Route::Rust`] (natively, in tests, and `Verifier::verify`): the
//!   pure-Rust implementation (`cms::alg::verify_prehashed`), synchronously.
//! - [`Route::Deferred`] (the browser's WebCrypto route, sans-IO): a check
//!   WebCrypto can do is recorded as a [`PendingCheck`] and provisionally
//!   taken as valid, so one run discovers the whole likely path; a check it
//!   cannot do (DSA, MD5, SHA-224, Ed25519, a huge signed content) is done in
//!   Rust at once. A run that recorded pending checks yields them instead of
//!   a verdict; the caller computes them, hands the results back
//!   ([`MessageChecks::resolve`]) and runs again. Only a run with no pending
//!   check yields the verdict, so every check it relied on was really done;
//!   except that when every check a run assumed valid is resolved as valid,
//!   that run saw exactly the answers (and paid exactly the charges) a new
//!   run would, so its verdict is taken without running again (the common
//!   case: one run per message).
//!
//! Budget parity: a check first answered for this message (in Rust, or by
//! the caller between rounds) is charged as a public-key operation in every
//! round that meets it, exactly as the Rust route charges it; only checks
//! known to the shared memo before the message started are charged as
//! lookups. Both routes therefore spend the same work units on the final run
//! and reach the same verdicts, `work-budget-exceeded` included. Rounds are
//! bounded ([`limits::MAX_CRYPTO_ROUNDS`]); after the last, the route turns
//! to Rust.

pub mod digests;
pub mod memo;
pub(crate) mod web;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use digests::DigestCache;
pub use memo::{BoundedMemo, CheckId, CheckMemo, InfoMemo, KeyMemo, SharedMemo};
pub use web::{PendingCheck, WebAlgorithm};

use crate::budget::{Key, SignatureCheck, WorkStats};
use crate::cms::alg;
use crate::error::Result;
use crate::limits;
use crate::verifier::Verdict;

/// Where a message's unknown public-key operations are done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Route {
    /// Pure Rust, synchronously.
    #[default]
    Rust,
    /// Handed out as [`PendingCheck`]s where WebCrypto can do them.
    Deferred,
}

/// The public-key operations of one message across its rounds.
#[derive(Debug, Default)]
pub struct MessageChecks {
    route: Route,
    rounds: usize,
    /// Checks first answered for this message (in Rust, or by the caller).
    resolved: BTreeMap<CheckId, Result<()>>,
    /// Checks handed out in this round.
    pending: Vec<PendingCheck>,
    /// Resolved checks the current run relied on: only these go to the
    /// shared memo, so it learns from a message what the Rust route would
    /// (a provisional round may explore checks the final run never meets).
    used: BTreeSet<CheckId>,
    /// The last run's outcome and the checks it assumed valid: when every
    /// one of them turns out valid, that run was exact and is the answer.
    provisional: Option<(Box<Verdict>, WorkStats, BTreeSet<CheckId>)>,
    /// Keys this message decoded (in any round), for the shared memo at the
    /// end: a later round reuses them but is charged as the first was.
    keys: BTreeMap<CheckId, Arc<Result<Key>>>,
    /// What the last run would teach a certificate memory (issue 12 §2):
    /// learnt only once the run's verdict is final.
    pub(crate) learned: crate::memory::Learned,
}

/// What is known about a public key before decoding it.
#[derive(Debug)]
pub(crate) enum KnownKey {
    /// Decoded by an earlier round of this message: charged as a decoding.
    Fresh(Arc<Result<Key>>),
    /// Decoded for an earlier message: charged as a lookup.
    Remembered(Arc<Result<Key>>),
    /// Not known.
    Unknown,
}

/// What is known about a check before its operation.
#[derive(Debug)]
pub(crate) enum Known {
    /// Answered for this message: charged as an operation.
    Fresh(Result<()>),
    /// Remembered from earlier messages: charged as a lookup.
    Remembered(Result<()>),
    /// Not known.
    Unknown,
}

impl MessageChecks {
    /// The checks of a message verified by `route`.
    pub fn new(route: Route) -> Self {
        MessageChecks { route, ..MessageChecks::default() }
    }

    /// The route in use (Rust after the last allowed round).
    pub fn route(&self) -> Route {
        self.route
    }

    /// Rounds started.
    pub fn rounds(&self) -> usize {
        self.rounds
    }

    /// Start a round; past [`limits::MAX_CRYPTO_ROUNDS`] the route turns to Rust.
    pub(crate) fn begin_round(&mut self) {
        self.rounds = self.rounds.saturating_add(1);
        self.pending.clear();
        self.used.clear();
        self.provisional = None;
        if self.rounds > limits::MAX_CRYPTO_ROUNDS {
            self.route = Route::Rust;
        }
    }

    /// The caller's answer for a pending check (WebCrypto's, or Rust's).
    pub fn resolve(&mut self, id: CheckId, result: Result<()>) {
        self.resolved.insert(id, result);
    }

    /// The caller's answers to the checks a run handed out, in their order:
    /// only a "valid" is taken as it is; "invalid", no answer, or a missing
    /// one is settled by the Rust route (`PendingCheck::settle`).
    pub fn answer(&mut self, pending: &[PendingCheck], answers: &[Option<bool>]) {
        for (i, p) in pending.iter().enumerate() {
            self.resolve(p.id, p.settle(answers.get(i).copied().flatten()));
        }
    }

    /// The checks handed out by the last run.
    pub(crate) fn take_pending(&mut self) -> Vec<PendingCheck> {
        std::mem::take(&mut self.pending)
    }

    /// Keep a run's outcome that assumed `pending` valid.
    pub(crate) fn keep_provisional(&mut self, verdict: Box<Verdict>, stats: WorkStats, pending: &[PendingCheck]) {
        let ids = pending.iter().map(|p| p.id).collect();
        self.provisional = Some((verdict, stats, ids));
    }

    /// The kept outcome, when every check it assumed valid was resolved as
    /// valid: then the run saw exactly the answers a new run would, and was
    /// charged for them as a new run would be (each as an operation). Those
    /// checks count as used.
    pub(crate) fn confirmed(&mut self) -> Option<(Box<Verdict>, WorkStats)> {
        let (verdict, stats, ids) = self.provisional.take()?;
        if !ids.iter().all(|id| matches!(self.resolved.get(id), Some(Ok(())))) {
            return None;
        }
        self.used.extend(ids);
        Some((verdict, stats))
    }

    /// What is known about the key whose encoding has identity `id`.
    pub(crate) fn known_key(&self, id: &CheckId, memo: &SharedMemo) -> KnownKey {
        if let Some(k) = self.keys.get(id) {
            return KnownKey::Fresh(Arc::clone(k));
        }
        memo.key(id).map_or(KnownKey::Unknown, KnownKey::Remembered)
    }

    /// A key this message decoded.
    pub(crate) fn decoded_key(&mut self, id: CheckId, key: Arc<Result<Key>>) {
        self.keys.insert(id, key);
    }

    /// After the final run: what this message learned goes to the shared memo.
    pub(crate) fn flush(&mut self, memo: &SharedMemo) {
        for (id, key) in std::mem::take(&mut self.keys) {
            memo.insert_key(id, key);
        }
        let mut resolved = std::mem::take(&mut self.resolved);
        for id in std::mem::take(&mut self.used) {
            // "No checker yet" is not a property of the check: a crypto part
            // loaded later must get to answer it.
            let unavailable = |r: &Result<()>| r.as_ref().is_err_and(|e| e.code == crate::error::Code::CryptoUnavailable);
            if let Some(r) = resolved.remove(&id).filter(|r| !unavailable(r)) {
                memo.insert(id, r);
            }
        }
    }

    /// What is known about `id`.
    pub(crate) fn known(&mut self, id: &CheckId, memo: &SharedMemo) -> Known {
        if let Some(r) = self.resolved.get(id) {
            self.used.insert(*id);
            return Known::Fresh(r.clone());
        }
        match memo.get(id) {
            Some(r) => Known::Remembered(r),
            None => Known::Unknown,
        }
    }

    /// Do, or defer, an unknown check (already charged). A deferred one is
    /// provisionally valid: the run that assumed it yields no verdict.
    pub(crate) fn run(&mut self, id: CheckId, key: &Key, check: &SignatureCheck<'_>, hashed: &[u8]) -> Result<()> {
        if self.route == Route::Deferred {
            // One WebCrypto can do, or, while this build's checker is still
            // to be loaded, one for it (answered once it is there).
            let pending = PendingCheck::new(id, key, check, hashed)
                .or_else(|| (!crate::cms::external::checker_ready()).then(|| PendingCheck::for_rust(id, key, check, hashed)));
            if let Some(p) = pending {
                self.pending.push(p);
                return Ok(());
            }
        }
        let r = rust_check(key, check, hashed);
        self.resolved.insert(id, r.clone());
        self.used.insert(id);
        r
    }
}

/// The pure-Rust route: one public-key operation.
pub fn rust_check(key: &Key, check: &SignatureCheck<'_>, hashed: &[u8]) -> Result<()> {
    alg::verify_prehashed(&key.public, check.scheme, check.digest, check.message, hashed, check.signature)
}
