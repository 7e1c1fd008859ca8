//! Verdicts for a list of Emails, the common part of `load_page`,
//! `verify_email` and `changes`: each one from the verdict cache, from its
//! structure (unsigned), or fetched (RFC 9404 Blob/get where the account
//! offers it, else by `downloadUrl`; bounded concurrency) and verified here
//! or through the route; then reconciled with the server's report.

use futures_util::stream::StreamExt;

use super::{base_headers, u32_of, Client, ClientConfig};
use crate::asn1::time::UnixTime;
use crate::error::{Code, Result};
use crate::jmap::blob;
use crate::jmap::cache::{CacheKey, VerdictCache};
use crate::jmap::email::{EmailSummary, SignatureForm};
use crate::jmap::page::{ClientSource, PageItem, Progress, Stats};
use crate::jmap::response::check_status;
use crate::jmap::route::{verify_routed, RouteRequest};
use crate::jmap::session::Session;
use crate::jmap::transport::{Auth, HttpRequest, HttpResponse, Method, Transport};
use crate::limits;
use crate::reconcile::{reconcile_email, ReconcileConfig, ServerReport};
use crate::report::Problem;
use crate::verifier::Verdict;

/// What is known of one Email's client verdict: the verdict, where it came
/// from, and why there is none.
type Slot = (Option<Verdict>, ClientSource, Option<Problem>);

/// A message to fetch and verify: its index in the list, its cache key and
/// its download request.
type Job = (usize, CacheKey, HttpRequest);

/// The Emails of a page with the server's reports.
type Emails = [(EmailSummary, Option<ServerReport>)];

/// Counts the verdicts delivered, for `Progress`.
struct Tally {
    done: u32,
    total: u32,
}

impl Tally {
    fn report(&mut self, progress: &mut dyn FnMut(&Progress), item: &PageItem) {
        self.done = self.done.saturating_add(1);
        progress(&Progress { done: self.done, total: self.total, id: item.email.id.clone(), item: item.clone() });
    }
}

impl<T: Transport> Client<T> {
    /// Verdicts for `emails`, reconciled. `first` gets the items as known
    /// before any download (the rest pending); `progress` then fires once
    /// per Email as its verdict is known.
    pub(super) async fn judge(
        &mut self,
        emails: Vec<(EmailSummary, Option<ServerReport>)>,
        now: UnixTime,
        first: Option<&mut dyn FnMut(Vec<PageItem>)>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Vec<PageItem>> {
        let (mut items, jobs) = self.triage(&emails, now);
        if let Some(first) = first {
            first(snapshot(&emails, &items, now, &self.config.reconcile));
        }
        let mut tally = Tally { done: 0, total: u32_of(emails.len()) };
        for item in items.iter().flatten() {
            tally.report(progress, item);
        }
        self.fetch_and_verify(&emails, jobs, now, &mut items, &mut tally, progress).await?;
        Ok(self.remember(items))
    }

    /// The lending epoch of the verifier's memory (0 without one).
    fn lent_epoch(&self) -> u64 {
        self.verifier.memory.as_ref().map_or(0, |m| m.with(|m| m.lent_epoch()))
    }

    /// Each Email's item where no download is needed (local check off,
    /// unsigned by its structure, in the cache); the others become jobs.
    fn triage(&mut self, emails: &Emails, now: UnixTime) -> (Vec<Option<PageItem>>, Vec<Job>) {
        let mut items: Vec<Option<PageItem>> = vec![None; emails.len()];
        let mut jobs = Vec::new();
        let smime = self.supports_smime();
        let lent = self.lent_epoch();
        for (i, (email, server)) in emails.iter().enumerate() {
            let server_says_signed = server.as_ref().is_some_and(|s| s.status.is_some());
            let key = CacheKey::new(&email.blob_id, email.received_at_unix, &self.verifier_config, now);
            let slot = if !self.config.reconcile.local_check {
                (None, ClientSource::Off, None)
            } else if email.signature_form == SignatureForm::None && (!smime || !server_says_signed) {
                (Some(Verdict::unsigned()), ClientSource::Structure, None)
            } else if let Some(v) = self.cache.get(&key, lent) {
                (Some(v), ClientSource::Cache, None)
            } else {
                jobs.push((i, key, self.download_request(&email.blob_id)));
                continue;
            };
            if let Some(s) = items.get_mut(i) {
                *s = Some(make_item(email, server, slot, now, &self.config.reconcile));
            }
        }
        (items, jobs)
    }

    /// Fetch and verify the jobs, each message verified as soon as it
    /// arrives (so verification overlaps the fetches in flight); its item
    /// goes to `items` and to `progress`. An abort ends it with the error.
    async fn fetch_and_verify(
        &mut self,
        emails: &Emails,
        jobs: Vec<Job>,
        now: UnixTime,
        items: &mut [Option<PageItem>],
        tally: &mut Tally,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<()> {
        let concurrency =
            usize::try_from(self.session.limits.max_concurrent_requests).unwrap_or(1).clamp(1, limits::MAX_DOWNLOAD_CONCURRENCY);
        let wanted = wanted(emails, &jobs);
        // RFC 9404 (blob.rs): by Blob/get where the account offers it; what
        // it does not deliver is downloaded, as everything is without it.
        let plan = if blob::supported(&self.session, &self.account_id) {
            blob::plan(&wanted, &self.session.limits, &self.account_id)
        } else {
            blob::Plan::default()
        };
        let reconcile_config = self.config.reconcile;
        // The memory's epoch before these verifications: what they may learn
        // counts for the verdicts after them (issue 12 §2, jmap/cache.rs).
        let lent = self.lent_epoch();
        let Client { transport, verifier, cache, stats, session, config, account_id, route, verifier_config, .. } = self;
        let fetcher = blob_fetcher(&*transport, session, config, account_id);
        let (transport, verifier, route, vconfig) = (&*transport, &*verifier, route.as_deref(), verifier_config.as_str());
        let mut results = Box::pin(
            blob::raw_messages(&fetcher, plan, jobs, &wanted)
                .map(|job| async move {
                    let (i, key, result, by_blob) = job.await;
                    let received_at = emails.get(i).and_then(|(e, _)| e.received_at_unix);
                    let outcome = match result.and_then(|r: HttpResponse| check_status(&r, "download").map(|()| r)) {
                        Ok(r) => {
                            verify_routed(route, verifier, transport, RouteRequest { bytes: &r.body, now, received_at, config: vconfig })
                                .await
                                .map(Ok)
                        }
                        Err(e) => Ok(Err(e)),
                    };
                    (i, key, outcome, by_blob)
                })
                .buffer_unordered(concurrency),
        );
        while let Some((i, key, outcome, by_blob)) = results.next().await {
            let counter = if by_blob { &mut stats.blob_fetched } else { &mut stats.downloads };
            *counter = counter.saturating_add(1);
            let Some((email, server)) = emails.get(i) else { continue };
            let item = make_item(email, server, settle(outcome, stats, cache, key, lent)?, now, &reconcile_config);
            tally.report(progress, &item);
            if let Some(s) = items.get_mut(i) {
                *s = Some(item);
            }
        }
        drop(results);
        stats.api_requests = stats.api_requests.saturating_add(fetcher.requests.get());
        Ok(())
    }

    /// The items, with the server's report of each kept for R12 (bounded).
    fn remember(&mut self, items: Vec<Option<PageItem>>) -> Vec<PageItem> {
        if self.known.len() > limits::MAX_CACHED_VERDICTS {
            self.known.clear();
        }
        let items: Vec<PageItem> = items.into_iter().flatten().collect();
        for item in &items {
            self.known.insert(item.email.id.clone(), item.server.clone());
        }
        items
    }

    pub(super) fn download_request(&self, blob_id: &str) -> HttpRequest {
        // R15: the whole message by Email.blobId, never part blobs.
        let url = self.session.blob_url(&self.account_id, blob_id, "message/rfc822", "message.eml");
        HttpRequest {
            method: Method::Get,
            url,
            headers: self.headers(),
            body: None,
            include_credentials: self.config.auth == Auth::Cookies,
            timeout_ms: self.config.timeout_ms,
            max_response_bytes: limits::MAX_MESSAGE_BYTES,
        }
    }
}

/// The server's view: what is known now, the rest pending (its display is
/// the server's status, "not checked here yet").
fn snapshot(emails: &Emails, items: &[Option<PageItem>], now: UnixTime, config: &ReconcileConfig) -> Vec<PageItem> {
    emails
        .iter()
        .zip(items)
        .map(|((email, server), item)| {
            item.clone().unwrap_or_else(|| make_item(email, server, (None, ClientSource::Pending, None), now, config))
        })
        .collect()
}

/// What Blob/get is asked for: each job's blob id and claimed size.
fn wanted(emails: &Emails, jobs: &[Job]) -> Vec<blob::Wanted> {
    jobs.iter()
        .map(|(i, _, _)| {
            let e = emails.get(*i).map(|(e, _)| e);
            blob::Wanted { index: *i, blob_id: e.map(|e| e.blob_id.clone()).unwrap_or_default(), claimed_size: e.map_or(0, |e| e.size) }
        })
        .collect()
}

/// The slot of a fetched message: its verdict (counted and cached), or why
/// there is none. An abort (during the download or a routed verification)
/// is the error: the whole operation stops.
fn settle(outcome: Result<Result<Verdict>>, stats: &mut Stats, cache: &mut VerdictCache, key: CacheKey, lent: u64) -> Result<Slot> {
    match outcome {
        Err(e) => Err(e),
        Ok(Err(e)) if e.code == Code::Aborted => Err(e),
        // Issue 9 §3: "too large" is what the transport streamed, stopped at
        // the bound; the Email's `size` is the server's claim and decides
        // nothing.
        Ok(Err(e)) if e.code == Code::LimitExceeded => Ok((None, ClientSource::Skipped, Some(too_large()))),
        Ok(Err(e)) => Ok((None, ClientSource::Skipped, Some(Problem::from(&e)))),
        Ok(Ok(v)) => {
            stats.verifications = stats.verifications.saturating_add(1);
            cache.put(key, v.clone(), lent);
            Ok((Some(v), ClientSource::Verified, None))
        }
    }
}

/// One item: the verdict (or why there is none) reconciled with the server's.
pub(super) fn make_item(
    email: &EmailSummary,
    server: &Option<ServerReport>,
    slot: Slot,
    now: UnixTime,
    config: &ReconcileConfig,
) -> PageItem {
    let (client, client_source, client_error) = slot;
    // Issue 9 §3: the Email object must describe the bytes that were checked.
    let mut display = reconcile_email(client.as_ref(), server.as_ref(), &email.server_headers(), now, config);
    if let Some(e) = &client_error {
        display.add_reason(crate::reconcile::problem_note("not-checked", e));
    }
    PageItem { email: email.clone(), server: server.clone(), client, display, client_source, client_error }
}

pub(super) fn problem(code: Code, detail: &str) -> Problem {
    Problem {
        code: code.code().to_owned(),
        message: format!("{detail} {}", code.advice()),
        detail: detail.trim_end_matches('.').to_owned(),
        warning: false,
    }
}

/// Why a message whose download passed `MAX_MESSAGE_BYTES` is not checked.
fn too_large() -> Problem {
    problem(
        Code::LimitExceeded,
        &format!(
            "The message is larger than {} bytes, the most this browser checks: the download was stopped at that size.",
            limits::MAX_MESSAGE_BYTES
        ),
    )
}

/// Sends RFC 9404 Blob/get batches (blob.rs) as API requests.
pub(super) fn blob_fetcher<'a, T: Transport>(
    transport: &'a T,
    session: &Session,
    config: &ClientConfig,
    account_id: &'a str,
) -> blob::Fetcher<'a, T> {
    let mut headers = base_headers(config);
    headers.push(("content-type".into(), "application/json".into()));
    let api = HttpRequest {
        method: Method::Post,
        url: session.api_url.clone(),
        headers,
        body: None,
        include_credentials: config.auth == Auth::Cookies,
        timeout_ms: config.timeout_ms,
        max_response_bytes: limits::MAX_API_RESPONSE_BYTES,
    };
    blob::Fetcher { transport, api, account_id, max_size_request: session.limits.max_size_request, requests: Default::default() }
}
