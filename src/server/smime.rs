//! RFC 9219 on the server side: the four properties of each Email, computed
//! with the crate's Verifier and the server's own trust store.
//!
//! - At delivery (here: when the store is loaded or a message added) the
//!   message is verified at its receivedAt and now: `smimeStatusAtDelivery`
//!   is fixed then, and only recomputed when trust anchors are added
//!   (RFC 9219 §4.1: it can change only in that case).
//! - `smimeStatus` and `smimeErrors` are cached for at most 24 hours
//!   (RFC 9219 §4.1, §6: a server may cache the verification result up to a
//!   day); `smimeVerifiedAt` says when they were computed.
//! - A change of status or errors is an Email update (Email/changes reports
//!   it); a new `smimeVerifiedAt` alone is not.

use crate::asn1::time::UnixTime;
use crate::pki::trust::TrustStore;
use crate::verifier::{Verdict, Verifier, SIGNED_FAILED};

use super::online::Online;
use super::store::{ChangeKind, Store};

/// RFC 9219 §4.1: the longest a verification result is served from cache.
pub const CACHE_CEILING_SECS: i64 = 24 * 3600;

/// The RFC 9219 data of one Email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmimeRecord {
    /// smimeStatus.
    pub status: Option<String>,
    /// smimeStatusAtDelivery.
    pub at_delivery: Option<String>,
    /// smimeErrors (only when the status is signed/failed).
    pub errors: Option<Vec<String>>,
    /// smimeVerifiedAt (unix seconds).
    pub verified_at: UnixTime,
}

fn errors_of(v: &Verdict) -> Option<Vec<String>> {
    if v.status.as_deref() != Some(SIGNED_FAILED) {
        return None;
    }
    Some(v.errors.iter().filter(|p| !p.warning).map(|p| p.message.clone()).collect())
}

/// How the server verifies: its verifier, and the online revocation
/// checker when it has one (issue 12 §4).
#[derive(Clone, Copy)]
pub struct Judge<'a> {
    /// The server's verifier.
    pub verifier: &'a Verifier,
    /// Online revocation, when configured.
    pub online: Option<&'a Online>,
}

impl<'a> From<&'a Verifier> for Judge<'a> {
    fn from(verifier: &'a Verifier) -> Self {
        Judge { verifier, online: None }
    }
}

impl Judge<'_> {
    fn verdict(&self, raw: &[u8], now: UnixTime, received_at: Option<UnixTime>) -> Verdict {
        match self.online {
            Some(o) => o.verify(self.verifier, raw, now, received_at),
            None => self.verifier.verify(raw, now, received_at),
        }
    }
}

/// Verify one message at `now` and at its receivedAt.
pub fn verify<'a>(judge: impl Into<Judge<'a>>, raw: &[u8], received_at: UnixTime, now: UnixTime) -> SmimeRecord {
    let v = judge.into().verdict(raw, now, Some(received_at));
    SmimeRecord { at_delivery: v.status_at_delivery.clone().flatten(), errors: errors_of(&v), status: v.status, verified_at: now }
}

/// What re-verification found for one Email.
#[derive(Clone, Debug)]
pub enum Update {
    /// Its first verification ("delivery").
    First(SmimeRecord),
    /// A result older than the ceiling, computed again: smimeStatus, smimeErrors.
    Again(Option<String>, Option<Vec<String>>),
}

fn needs_verification(rec: Option<&SmimeRecord>, now: UnixTime) -> bool {
    rec.is_none_or(|r| now.saturating_sub(r.verified_at) >= CACHE_CEILING_SECS)
}

/// Some Email has no verification yet, or one older than the ceiling at `now`.
pub fn stale(store: &Store, now: UnixTime) -> bool {
    store.emails.values().any(|e| needs_verification(e.smime.as_ref(), now))
}

/// Verify what [`stale`] finds, reading the store only: the slow part of a
/// refresh, done without holding the store lock.
pub fn reverify<'a>(store: &Store, judge: impl Into<Judge<'a>>, now: UnixTime) -> Vec<(String, Update)> {
    let judge = judge.into();
    let mut out = Vec::new();
    for e in store.emails.values().filter(|e| needs_verification(e.smime.as_ref(), now)) {
        let update = if e.smime.is_none() {
            Update::First(verify(judge, &e.raw, e.received_at, now))
        } else {
            let v = judge.verdict(&e.raw, now, None);
            Update::Again(v.status.clone(), errors_of(&v))
        };
        out.push((e.id.clone(), update));
    }
    out
}

/// Write what [`reverify`] found into the store: a change of status or
/// errors is an Email update (a new state); a new `smimeVerifiedAt` alone
/// is not. Returns how many Emails changed.
pub fn apply(store: &mut Store, updates: Vec<(String, Update)>, now: UnixTime) -> usize {
    let mut changed = Vec::new();
    for (id, update) in updates {
        let Some(e) = store.emails.get_mut(&id) else { continue };
        match (update, &mut e.smime) {
            (Update::First(rec), slot @ None) => *slot = Some(rec),
            (Update::Again(status, errors), Some(rec)) => {
                if status != rec.status || errors != rec.errors {
                    changed.push(id);
                }
                rec.status = status;
                rec.errors = errors;
                rec.verified_at = now;
            }
            // The Email changed since the verification began: leave it to the next refresh.
            _ => {}
        }
    }
    for id in &changed {
        store.touch(id, ChangeKind::Updated);
    }
    changed.len()
}

/// Bring every Email's RFC 9219 data up to date at `now`: first verification
/// for new messages, re-verification of results older than the ceiling.
/// Returns how many Emails changed (status or errors).
pub fn refresh<'a>(store: &mut Store, judge: impl Into<Judge<'a>>, now: UnixTime) -> usize {
    let updates = reverify(store, judge, now);
    apply(store, updates, now)
}

/// Anchors were added to the server's trust store: the at-delivery status is
/// recomputed (the one legitimate reason for it to change, R12) and so is the
/// current one. Returns how many Emails changed.
pub fn anchors_added<'a>(store: &mut Store, judge: impl Into<Judge<'a>>, now: UnixTime) -> usize {
    let judge = judge.into();
    let mut changed = Vec::new();
    for e in store.emails.values_mut() {
        let fresh = verify(judge, &e.raw, e.received_at, now);
        if let Some(old) = &e.smime {
            if old.status != fresh.status || old.at_delivery != fresh.at_delivery || old.errors != fresh.errors {
                changed.push(e.id.clone());
            }
        }
        e.smime = Some(fresh);
    }
    for id in &changed {
        store.touch(id, ChangeKind::Updated);
    }
    changed.len()
}

/// A verifier over `trust` with the server's options.
pub fn verifier(trust: TrustStore, options: crate::verifier::VerifyOptions) -> Verifier {
    Verifier { trust, policy: crate::policy::Policy::default(), options, memo: Default::default(), memory: None }
}
