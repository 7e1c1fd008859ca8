//! Issue 12 §4: the reference server checks revocation online, which a
//! browser mostly cannot (CORS, mixed content). For each certificate on a
//! signer's path that already reaches one of the server's anchors (R36:
//! `Verifier::revocation_targets`), it asks the OCSP responder of the
//! certificate's authorityInfoAccess and, when that gives no response, the
//! CRLs of its cRLDistributionPoints; what comes back is judged as any
//! supplied OCSP response or CRL is (signature, responder authority,
//! freshness). Fetches are bounded (`fetch`, `limits::SERVER_ONLINE_*`) and
//! cached until the document's nextUpdate (failures for a few minutes).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::fetch::{self, FetchError, Timeouts};
use crate::asn1::time::UnixTime;
use crate::limits;
use crate::pki::crl::{crls_from_pem_or_der, Crl};
use crate::pki::ocsp::{self, OcspResponse};
use crate::verifier::{RevocationTarget, Verdict, Verifier};

/// The online checker and its cache (shared by the server's threads).
#[derive(Debug, Default)]
pub struct Online {
    timeouts: Timeouts,
    cache: Mutex<Cache>,
    fetches: AtomicU64,
}

#[derive(Debug, Default)]
struct Cache {
    entries: HashMap<String, Entry>,
    bytes: usize,
    sequence: u64,
}

/// A fetched document, parsed once: cache hits reuse the parse.
#[derive(Debug)]
enum Document {
    Ocsp(Box<OcspResponse>),
    Crls(Vec<Crl>),
}

/// A document and the bytes it came in (what the cache bound counts), or
/// why there is none.
type Fetched = Result<(Arc<Document>, usize), FetchError>;

#[derive(Debug)]
struct Entry {
    fetched: Fetched,
    expires: UnixTime,
    sequence: u64,
}

impl Entry {
    fn size(&self) -> usize {
        self.fetched.as_ref().map_or(0, |(_, n)| *n)
    }
}

impl Document {
    /// A body that is no OCSP response is a failure (retried soon).
    fn ocsp(body: &[u8]) -> Result<Document, FetchError> {
        OcspResponse::from_der(body).map(|r| Document::Ocsp(Box::new(r))).map_err(|e| FetchError(format!("not an OCSP response: {e}")))
    }

    /// A body that holds no CRL is a failure (retried soon).
    fn crls(body: &[u8]) -> Result<Document, FetchError> {
        crls_from_pem_or_der(body).map(Document::Crls).map_err(|e| FetchError(format!("not a CRL: {e}")))
    }

    /// Reused until the earliest nextUpdate it gives (for an OCSP status
    /// without one, thisUpdate plus `limits::OCSP_VALIDITY_WITHOUT_NEXT_UPDATE`),
    /// within the ceiling.
    fn expiry(&self, now: UnixTime) -> UnixTime {
        let until = match self {
            Document::Ocsp(r) => r
                .responses
                .iter()
                .map(|s| s.next_update.unwrap_or(s.this_update.saturating_add(limits::OCSP_VALIDITY_WITHOUT_NEXT_UPDATE)))
                .min(),
            Document::Crls(crls) => crls.iter().filter_map(|c| c.next_update).min(),
        };
        ceiling(until, now)
    }
}

/// What the fetches of one message gave.
#[derive(Debug, Default)]
struct Gathered {
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponse>,
}

impl Online {
    /// A checker with these time limits (tests shorten them).
    pub fn new(timeouts: Timeouts) -> Online {
        Online { timeouts, ..Online::default() }
    }

    /// How many network fetches were made (cache hits are not fetches).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// `verifier`'s verdict on `raw` with what the online sources say of
    /// its anchored paths added to the CRLs and OCSP responses it knows.
    pub fn verify(&self, verifier: &Verifier, raw: &[u8], now: UnixTime, received_at: Option<UnixTime>) -> Verdict {
        let targets = verifier.revocation_targets(raw, now);
        let got = self.gather(&targets, now);
        if got.crls.is_empty() && got.ocsp.is_empty() {
            return verifier.verify(raw, now, received_at);
        }
        let mut with = verifier.clone();
        with.options.crls.extend(got.crls);
        with.options.ocsp.extend(got.ocsp);
        with.verify(raw, now, received_at)
    }

    fn gather(&self, targets: &[RevocationTarget], now: UnixTime) -> Gathered {
        let start = Instant::now();
        let deadline = start.checked_add(self.timeouts.message).unwrap_or(start);
        let mut budget = limits::SERVER_ONLINE_MAX_FETCHES_PER_MESSAGE;
        let mut got = Gathered::default();
        for t in targets {
            let mut answered = false;
            let request = ocsp::request(&t.certificate, &t.issuer_key);
            let id = crate::asn1::hex(&request);
            for url in &t.ocsp_urls {
                let doc = self.fetch(&format!("ocsp {url} {id}"), now, &mut budget, deadline, Document::ocsp, |to| {
                    fetch::post(url, "application/ocsp-request", &request, limits::SERVER_ONLINE_MAX_OCSP_BYTES, to)
                });
                if let Some(Document::Ocsp(r)) = doc.as_deref() {
                    // A responder that does not know the certificate leaves the
                    // question to the CRLs (whether it may answer at all is
                    // judged with the rest, in path validation).
                    answered = r.responses.iter().any(|s| s.status != ocsp::CertStatus::Unknown);
                    got.ocsp.push(OcspResponse::clone(r));
                    break;
                }
            }
            if answered {
                continue;
            }
            for url in &t.crl_urls {
                let doc = self.fetch(&format!("crl {url}"), now, &mut budget, deadline, Document::crls, |to| {
                    fetch::get(url, limits::SERVER_ONLINE_MAX_CRL_BYTES, to)
                });
                if let Some(Document::Crls(crls)) = doc.as_deref() {
                    got.crls.extend(crls.iter().cloned());
                }
            }
        }
        got
    }

    /// The cached document for `key` when it has not expired at `now`, else
    /// a fetch, parsed by `parse` (while the message's fetch count and
    /// deadline allow).
    fn fetch(
        &self,
        key: &str,
        now: UnixTime,
        budget: &mut usize,
        deadline: Instant,
        parse: fn(&[u8]) -> Result<Document, FetchError>,
        get: impl FnOnce(Timeouts) -> Result<Vec<u8>, FetchError>,
    ) -> Option<Arc<Document>> {
        if let Some(e) = lock(&self.cache).entries.get(key).filter(|e| e.expires > now) {
            return e.fetched.as_ref().ok().map(|(d, _)| Arc::clone(d));
        }
        let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())?;
        if *budget == 0 {
            return None;
        }
        *budget = budget.saturating_sub(1);
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let timeouts = Timeouts { total: self.timeouts.total.min(left), ..self.timeouts };
        let fetched: Fetched = get(timeouts).and_then(|body| Ok((Arc::new(parse(&body)?), body.len())));
        let expires = match &fetched {
            Ok((doc, _)) => doc.expiry(now),
            Err(_) => now.saturating_add(limits::SERVER_ONLINE_RETRY_SECS),
        };
        let out = fetched.as_ref().ok().map(|(d, _)| Arc::clone(d));
        lock(&self.cache).put(key, fetched, expires);
        out
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Cache {
    /// Store an entry, evicting the oldest ones beyond the entry and byte bounds.
    fn put(&mut self, key: &str, fetched: Fetched, expires: UnixTime) {
        self.sequence = self.sequence.saturating_add(1);
        let entry = Entry { fetched, expires, sequence: self.sequence };
        let size = entry.size();
        if let Some(old) = self.entries.insert(key.to_owned(), entry) {
            self.bytes = self.bytes.saturating_sub(old.size());
        }
        self.bytes = self.bytes.saturating_add(size);
        while self.entries.len() > limits::SERVER_ONLINE_CACHE_ENTRIES || self.bytes > limits::SERVER_ONLINE_CACHE_BYTES {
            let Some(oldest) = self.entries.iter().min_by_key(|(_, e)| e.sequence).map(|(k, _)| k.clone()) else { break };
            if let Some(e) = self.entries.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(e.size());
            }
        }
    }
}

fn ceiling(until: Option<UnixTime>, now: UnixTime) -> UnixTime {
    let max = now.saturating_add(limits::SERVER_ONLINE_MAX_CACHE_SECS);
    until.map_or(now.saturating_add(limits::SERVER_ONLINE_RETRY_SECS), |u| u.min(max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_its_bounds_and_drops_the_oldest() {
        let mut c = Cache::default();
        for i in 0..limits::SERVER_ONLINE_CACHE_ENTRIES.saturating_add(3) {
            c.put(&format!("k{i}"), Ok((Arc::new(Document::Crls(Vec::new())), 10)), 100);
        }
        assert_eq!(c.entries.len(), limits::SERVER_ONLINE_CACHE_ENTRIES);
        assert!(!c.entries.contains_key("k0") && c.entries.contains_key("k3"));
        assert_eq!(c.bytes, limits::SERVER_ONLINE_CACHE_ENTRIES * 10);
        c.put("big", Ok((Arc::new(Document::Crls(Vec::new())), limits::SERVER_ONLINE_CACHE_BYTES)), 100);
        assert!(c.bytes <= limits::SERVER_ONLINE_CACHE_BYTES, "{}", c.bytes);
    }

    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::time::Duration;

    /// A listener on 127.0.0.1 that answers every connection with `reply`
    /// after `delay`, counting connections; it stops after `max` of them.
    fn listener(reply: &'static [u8], delay: Duration, max: usize) -> (String, Arc<AtomicU64>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", l.local_addr().unwrap());
        let count = Arc::new(AtomicU64::new(0));
        let c = Arc::clone(&count);
        std::thread::spawn(move || {
            for s in l.incoming().take(max) {
                let Ok(mut s) = s else { continue };
                c.fetch_add(1, Ordering::Relaxed);
                let mut buf = [0u8; 4096];
                let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                let _ = s.read(&mut buf);
                std::thread::sleep(delay);
                let _ = s.write_all(reply);
            }
        });
        (base, count)
    }

    fn target(urls: Vec<String>) -> RevocationTarget {
        let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pki/alice.cert.der")).unwrap();
        RevocationTarget {
            certificate: crate::pki::cert::Certificate::from_der(&pem).unwrap(),
            issuer_key: vec![1, 2, 3],
            ocsp_urls: Vec::new(),
            crl_urls: urls,
        }
    }

    #[test]
    fn fetches_per_message_are_bounded_and_failures_remembered() {
        let (base, count) = listener(b"HTTP/1.0 404 Not Found\r\n\r\n", Duration::ZERO, 64);
        let targets: Vec<RevocationTarget> = (0..12).map(|i| target(vec![format!("{base}/{i}.crl")])).collect();
        let online = Online::default();
        online.gather(&targets, 1_000);
        // limits::SERVER_ONLINE_MAX_FETCHES_PER_MESSAGE trips: 8 of 12 asked.
        assert_eq!(online.fetch_count(), limits::SERVER_ONLINE_MAX_FETCHES_PER_MESSAGE as u64);
        assert_eq!(count.load(Ordering::Relaxed), limits::SERVER_ONLINE_MAX_FETCHES_PER_MESSAGE as u64);
        // A failure is not asked again within SERVER_ONLINE_RETRY_SECS ...
        online.gather(&targets[..8], 1_000 + limits::SERVER_ONLINE_RETRY_SECS - 1);
        assert_eq!(online.fetch_count(), 8);
        // ... and is after it.
        online.gather(&targets[..1], 1_000 + limits::SERVER_ONLINE_RETRY_SECS);
        assert_eq!(online.fetch_count(), 9);
    }

    #[test]
    fn the_message_deadline_skips_later_fetches() {
        // Each fetch takes about 400 ms; the message may take 1 s.
        let (base, _) = listener(b"HTTP/1.0 404 Not Found\r\n\r\n", Duration::from_millis(400), 16);
        let targets: Vec<RevocationTarget> = (0..6).map(|i| target(vec![format!("{base}/{i}.crl")])).collect();
        let t = Timeouts { connect: Duration::from_secs(1), total: Duration::from_secs(1), message: Duration::from_secs(1) };
        let online = Online::new(t);
        let started = Instant::now();
        online.gather(&targets, 1_000);
        assert!(online.fetch_count() <= 3, "{} fetches", online.fetch_count());
        assert!(started.elapsed() < Duration::from_millis(2_500), "{:?}", started.elapsed());
    }

    #[test]
    fn expiry_is_capped_and_failures_retry_soon() {
        assert_eq!(ceiling(Some(50), 10), 50);
        assert_eq!(ceiling(Some(i64::MAX), 10), 10 + limits::SERVER_ONLINE_MAX_CACHE_SECS);
        // A body that is not what was asked for is a failure (retried after
        // SERVER_ONLINE_RETRY_SECS, as fetches_per_message_… shows).
        assert!(Document::ocsp(b"not der").is_err());
        assert!(Document::crls(b"not der").is_err());
    }
}
