//! A memory of signers (issue 12 §2, key continuity).
//!
//! A webmail sees the same correspondents again and again. The memory keeps
//! the signer certificates of verified messages by From address and gives
//! two things back:
//! - **certificates a message lacks** (RFC 5652 §5.1 lets a sender omit its
//!   own): lent to the signer lookup like the caller's known certificates,
//!   never as anchors (`cms::signer::Judging::known`);
//! - **a signal**: the signer's certificate for this address is not one seen
//!   before. That is a warning with both fingerprints and the old
//!   certificate's validity, not a failure: `signer-renewed` when the same
//!   authority issued it for the same key (the common case of a renewal),
//!   `signer-changed` when another authority did or the key is another.
//!
//! Sans-IO and clock-free: times are arguments; `to_bytes`/`from_bytes`
//! let a webmail keep it (IndexedDB, a file). Bounded: at most
//! `MAX_MEMORY_ENTRIES` certificates, `MAX_MEMORY_CERTS_PER_ADDRESS` per
//! address, `MAX_MEMORY_CERT_BYTES` each; the least recently seen go first.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::asn1::time::{self, UnixTime};
use crate::error::{Code, Error, Result};
use crate::identity;
use crate::limits;
use crate::pki::cert::Certificate;

/// One remembered certificate.
#[derive(Clone, Debug)]
struct Entry {
    /// The From address it signed for (as first seen).
    address: String,
    /// Its comparison form ([`key`]).
    key: String,
    certificate: Arc<Certificate>,
    first_seen: UnixTime,
    last_seen: UnixTime,
    /// Compared against: a first certificate or a renewal is accepted on
    /// sight; a changed one (another authority or key) only by
    /// [`CertificateMemory::accept`], so its warning stays until then.
    accepted: bool,
}

/// What changed when a verified signer's certificate is not one the memory
/// holds for the From address (`Verdict::signer_change`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SignerChange {
    /// The From address.
    pub address: String,
    /// `"renewed"`: the same authority issued it for the same key (the
    /// common case); `"changed"`: another authority, or another key.
    pub kind: String,
    /// Whether the same authority (issuer name) issued both.
    pub same_issuer: bool,
    /// Whether the new certificate has the old one's public key.
    pub same_key: bool,
    /// SHA-256 of the certificate seen before (the most recently seen one).
    pub previous_fingerprint: String,
    /// Its issuer.
    pub previous_issuer: String,
    /// Its validity, RFC 3339.
    pub previous_not_before: String,
    /// Its validity, RFC 3339.
    pub previous_not_after: String,
    /// When it was last seen, RFC 3339.
    pub previous_last_seen: String,
    /// SHA-256 of this message's signer certificate.
    pub fingerprint: String,
    /// Its issuer.
    pub issuer: String,
}

/// The memory. Clones share nothing; see [`SharedMemory`].
#[derive(Clone, Debug, Default)]
pub struct CertificateMemory {
    entries: Vec<Entry>,
    /// How many times [`CertificateMemory::accept`] changed what is compared
    /// against: part of a verifier's configuration fingerprint, so verdicts
    /// cached before an acceptance are not served after it.
    accepted_epoch: u64,
    /// How many certificates were added (each one a certificate the memory
    /// may now lend): a verdict cached while the memory lacked one, e.g.
    /// `signer-cert-not-found`, is checked again after it grows.
    lent_epoch: u64,
}

/// An address's comparison form, as [`identity::same_address`] compares:
/// the domain's key, an ASCII local part lower-cased, any other exactly.
fn key(address: &str) -> Option<String> {
    let (local, domain) = identity::address_key(address)?;
    Some(if local.is_ascii() { format!("{}@{domain}", local.to_ascii_lowercase()) } else { format!("{local}@{domain}") })
}

impl CertificateMemory {
    /// An empty memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many certificates it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every certificate, to lend to the signer lookup.
    pub fn certificates(&self) -> Vec<Arc<Certificate>> {
        self.entries.iter().map(|e| e.certificate.clone()).collect()
    }

    /// Remember that `cert` signed a verified message from `address` at `at`
    /// (`accepted`: compared against from now on). A certificate over
    /// `MAX_MEMORY_CERT_BYTES` is not kept.
    pub fn learn(&mut self, address: &str, cert: &Certificate, at: UnixTime, accepted: bool) {
        let Some(k) = key(address) else { return };
        if cert.raw.len() > limits::MAX_MEMORY_CERT_BYTES {
            return;
        }
        if let Some(e) = self.entries.iter_mut().find(|e| e.key == k && e.certificate.raw == cert.raw) {
            e.last_seen = e.last_seen.max(at);
            e.first_seen = e.first_seen.min(at);
            e.accepted |= accepted;
            return;
        }
        let certificate = Arc::new(cert.clone());
        self.lent_epoch = self.lent_epoch.wrapping_add(1);
        self.entries.push(Entry { address: address.to_owned(), key: k.clone(), certificate, first_seen: at, last_seen: at, accepted });
        // The least recently seen go first: of this address, then of all.
        while self.entries.iter().filter(|e| e.key == k).count() > limits::MAX_MEMORY_CERTS_PER_ADDRESS {
            self.forget_oldest(|e| e.key == k);
        }
        while self.entries.len() > limits::MAX_MEMORY_ENTRIES {
            self.forget_oldest(|_| true);
        }
    }

    fn forget_oldest(&mut self, which: impl Fn(&Entry) -> bool) {
        let oldest = self.entries.iter().enumerate().filter(|(_, e)| which(e)).min_by_key(|(_, e)| e.last_seen).map(|(i, _)| i);
        if let Some(i) = oldest {
            self.entries.remove(i);
        }
    }

    /// The change, if `cert` is not one remembered for `address` while
    /// another is. `None` for a new correspondent or a known certificate.
    pub fn change(&self, address: &str, cert: &Certificate) -> Option<SignerChange> {
        let k = key(address)?;
        let known: Vec<&Entry> = self.entries.iter().filter(|e| e.key == k && e.accepted).collect();
        if known.is_empty() || known.iter().any(|e| e.certificate.raw == cert.raw) {
            return None;
        }
        let prev = known.iter().max_by_key(|e| e.last_seen)?;
        let p = &prev.certificate;
        Some(SignerChange {
            address: address.to_owned(),
            kind: if p.issuer == cert.issuer && p.spki_raw == cert.spki_raw { "renewed" } else { "changed" }.to_owned(),
            same_issuer: p.issuer == cert.issuer,
            same_key: p.spki_raw == cert.spki_raw,
            previous_fingerprint: crate::asn1::hex(&p.fingerprint_sha256()),
            previous_issuer: p.issuer.to_display(),
            previous_not_before: time::to_rfc3339(p.not_before),
            previous_not_after: time::to_rfc3339(p.not_after),
            previous_last_seen: time::to_rfc3339(prev.last_seen),
            fingerprint: crate::asn1::hex(&cert.fingerprint_sha256()),
            issuer: cert.issuer.to_display(),
        })
    }

    /// Accept the certificate with SHA-256 `fingerprint` (hex) for `address`
    /// after the reader checked it: its `signer-changed` warning ends.
    /// False when the memory does not hold it.
    pub fn accept(&mut self, address: &str, fingerprint: &str) -> bool {
        let Some(k) = key(address) else { return false };
        let want = fingerprint.to_ascii_lowercase();
        let hit = self.entries.iter_mut().find(|e| e.key == k && crate::asn1::hex(&e.certificate.fingerprint_sha256()) == want);
        let Some(e) = hit else { return false };
        if !e.accepted {
            e.accepted = true;
            self.accepted_epoch = self.accepted_epoch.wrapping_add(1);
        }
        true
    }

    /// See the field: bumped by each acceptance.
    pub fn accepted_epoch(&self) -> u64 {
        self.accepted_epoch
    }

    /// See the field: bumped by each certificate added.
    pub fn lent_epoch(&self) -> u64 {
        self.lent_epoch
    }

    /// The memory as bytes (JSON: a format name, a version and the entries
    /// with their DER in base64), for a webmail to keep.
    pub fn to_bytes(&self) -> Vec<u8> {
        let entries = self
            .entries
            .iter()
            .map(|e| Stored {
                address: e.address.clone(),
                certificate: crate::mime::decode::base64_encode(&e.certificate.raw),
                first_seen: e.first_seen,
                last_seen: e.last_seen,
                accepted: e.accepted,
            })
            .collect();
        serde_json::to_vec(&Exported { format: FORMAT.to_owned(), version: 1, entries }).unwrap_or_default()
    }

    /// A memory from [`CertificateMemory::to_bytes`]. Refused (`malformed`,
    /// `limit-exceeded`) when the bytes are not such a memory, too large, or
    /// hold a certificate that does not parse.
    pub fn from_bytes(bytes: &[u8]) -> Result<CertificateMemory> {
        if bytes.len() > limits::MAX_MEMORY_EXPORT_BYTES {
            return Err(Error::limit(format!("a certificate memory of more than {} bytes", limits::MAX_MEMORY_EXPORT_BYTES)));
        }
        let e: Exported = serde_json::from_slice(bytes).map_err(|e| Error::malformed(format!("not a certificate memory: {e}")))?;
        if e.format != FORMAT || e.version != 1 {
            return Err(Error::malformed(format!("not a certificate memory of version 1 ({} {})", e.format, e.version)));
        }
        if e.entries.len() > limits::MAX_MEMORY_ENTRIES {
            return Err(Error::limit(format!("a certificate memory of more than {} entries", limits::MAX_MEMORY_ENTRIES)));
        }
        let mut m = CertificateMemory::new();
        for s in e.entries {
            let der = crate::mime::decode::base64(s.certificate.as_bytes())?;
            let cert =
                Certificate::from_der(&der).map_err(|x| Error::new(Code::Malformed, format!("a remembered certificate: {}", x.detail)))?;
            m.learn(&s.address, &cert, s.first_seen, s.accepted);
            m.learn(&s.address, &cert, s.last_seen, s.accepted);
        }
        Ok(m)
    }
}

const FORMAT: &str = "jmap-smime-certificate-memory";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    address: String,
    certificate: String,
    first_seen: UnixTime,
    last_seen: UnixTime,
    #[serde(default = "yes")]
    accepted: bool,
}

const fn yes() -> bool {
    true
}

#[derive(Serialize, Deserialize)]
struct Exported {
    format: String,
    version: u32,
    entries: Vec<Stored>,
}

/// (From address, signer certificate) pairs of a verified verdict, to learn
/// once the verdict is final.
/// (address, certificate, accepted).
pub type Learned = Vec<(String, Arc<Certificate>, bool)>;

/// A memory shared by a verifier and its owner (the wasm `CertificateMemory`
/// object, a CLI run): clones share one memory.
#[derive(Clone, Debug, Default)]
pub struct SharedMemory(Arc<Mutex<CertificateMemory>>);

impl SharedMemory {
    /// Share `m`.
    pub fn new(m: CertificateMemory) -> Self {
        SharedMemory(Arc::new(Mutex::new(m)))
    }

    /// Run `f` on the memory (a poisoned lock is taken over: every change
    /// leaves the memory consistent).
    pub fn with<T>(&self, f: impl FnOnce(&mut CertificateMemory) -> T) -> T {
        let mut g = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(name: &str) -> Certificate {
        let path = format!("{}/tests/fixtures/pki/{name}.cert.der", env!("CARGO_MANIFEST_DIR"));
        Certificate::from_der(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn bounds_forget_the_least_recently_seen() {
        let mut m = CertificateMemory::new();
        // Per address: five certificates for one address keep the four seen last.
        for (i, n) in ["alice", "bob", "carol", "dave", "erin"].iter().enumerate() {
            m.learn("x@example.com", &cert(n), 100 + i as i64, true);
        }
        assert_eq!(m.len(), limits::MAX_MEMORY_CERTS_PER_ADDRESS);
        assert!(m.change("x@example.com", &cert("alice")).is_some(), "alice, seen first, was forgotten");
        assert!(m.change("x@example.com", &cert("erin")).is_none());
        // In all: one certificate per address for more addresses than fit.
        let mut all = CertificateMemory::new();
        let alice = cert("alice");
        for i in 0..=limits::MAX_MEMORY_ENTRIES {
            all.learn(&format!("u{i}@example.com"), &alice, i as i64, true);
        }
        assert_eq!(all.len(), limits::MAX_MEMORY_ENTRIES);
        assert!(all.change("u0@example.com", &cert("bob")).is_none(), "u0, the oldest, was forgotten: a new correspondent again");
        // A certificate too large to keep is not kept.
        let mut big = alice.clone();
        big.raw.resize(limits::MAX_MEMORY_CERT_BYTES + 1, 0);
        let mut one = CertificateMemory::new();
        one.learn("a@example.com", &big, 1, true);
        assert!(one.is_empty());
        // An export too large to read is refused before it is parsed.
        let e = CertificateMemory::from_bytes(&vec![b' '; limits::MAX_MEMORY_EXPORT_BYTES + 1]).unwrap_err();
        assert_eq!(e.code, Code::LimitExceeded);
    }

    #[test]
    fn change_names_the_kind() {
        let mut m = CertificateMemory::new();
        m.learn("alice@example.com", &cert("alice"), 1, true);
        assert_eq!(m.change("alice@example.com", &cert("alice")), None, "the same certificate");
        assert_eq!(m.change("carol@example.com", &cert("carol")), None, "a new correspondent");
        let c = m.change("Alice@EXAMPLE.com", &cert("bob")).unwrap();
        assert_eq!((c.kind.as_str(), c.same_issuer, c.same_key), ("changed", true, false));
        // Seen but not accepted: still a change, until the reader accepts it.
        m.learn("alice@example.com", &cert("bob"), 2, false);
        assert!(m.change("alice@example.com", &cert("bob")).is_some());
        assert!(m.accept("alice@example.com", &c.fingerprint.to_uppercase()));
        assert_eq!(m.change("alice@example.com", &cert("bob")), None);
        assert!(!m.accept("alice@example.com", "00"), "not held");
    }
}
