//! The JMAP client (issue 4 §1, §4): session, one request per page, raw
//! downloads by `Email.blobId`, verification, the verdict cache and the
//! reconciliation, over any [`Transport`]. Clock-free: every operation takes
//! `now`. The wasm boundary (`src/wasm/client.rs`) wraps it for JS.

mod judge;

use std::collections::HashMap;

use serde_json::{json, Value};

use super::cache::VerdictCache;
use super::email::EmailSummary;
pub use super::page::{ChangeEvent, Changes, ClientSource, Mailbox, Page, PageItem, Progress, QueryResult, Stats};
use super::request::{self, email_properties, PageQuery};
use super::response::{check_status, parse_api_response, ApiResponse};
use super::route::VerifyRoute;
use super::session::Session;
use super::transport::{Auth, HttpRequest, Method, Transport};
use crate::asn1::time::UnixTime;
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::reconcile::{at_delivery_changed, ReconcileConfig, ServerReport};
use crate::verifier::Verifier;

/// Default time allowed for one HTTP exchange.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// How the client connects and judges.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    /// Authentication.
    pub auth: Auth,
    /// Sent as `Accept-Language` so server texts (smimeErrors) come in the
    /// reader's language (R8).
    pub accept_language: Option<String>,
    /// Per-request timeout (milliseconds).
    pub timeout_ms: u32,
    /// Reconciliation settings (unknown tokens, local check on/off).
    pub reconcile: ReconcileConfig,
    /// The account to use; default the primary mail account.
    pub account_id: Option<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            auth: Auth::None,
            accept_language: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            reconcile: ReconcileConfig::default(),
            account_id: None,
        }
    }
}

/// The session URL to fetch: the configured one, or `/.well-known/jmap` on an
/// origin given alone (RFC 8620 §2.2).
pub fn session_url(configured: &str) -> Result<String> {
    let (scheme, rest) = configured
        .split_once("://")
        .filter(|(s, _)| *s == "https" || *s == "http")
        .ok_or_else(|| Error::new(Code::InvalidArgument, format!("sessionUrl {configured:?} is not an http(s) URL")))?;
    match rest.find('/') {
        None => Ok(format!("{scheme}://{rest}/.well-known/jmap")),
        Some(i) if rest.get(i..) == Some("/") => Ok(format!("{scheme}://{}/.well-known/jmap", rest.get(..i).unwrap_or(rest))),
        Some(_) => Ok(configured.to_owned()),
    }
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The JMAP + S/MIME client.
pub struct Client<T: Transport> {
    transport: T,
    config: ClientConfig,
    session: Session,
    account_id: String,
    verifier: Verifier,
    verifier_config: String,
    cache: VerdictCache,
    /// Last server report seen per Email id (for R12), bounded.
    known: HashMap<String, Option<ServerReport>>,
    stats: Stats,
    /// Where downloaded messages are verified (None: here).
    route: Option<Box<dyn VerifyRoute>>,
}

/// Called once per page with the server's view: every item with the server's
/// status, those still to be verified with `client_source` pending.
pub type ServerPageFn<'a> = &'a mut dyn FnMut(&Page);

impl<T: Transport> Client<T> {
    /// Fetch the session (R1) and pick the account.
    pub async fn connect(transport: T, session_url_configured: &str, config: ClientConfig, verifier: Verifier) -> Result<Client<T>> {
        let url = session_url(session_url_configured)?;
        let mut stats = Stats::default();
        let session = fetch_session(&transport, &config, &url, &mut stats).await?;
        let account_id = match &config.account_id {
            Some(a) if session.accounts.contains_key(a) => a.clone(),
            Some(a) => return Err(Error::new(Code::AccountNotFound, format!("the session has no account {a:?}"))),
            None => session
                .mail_account()
                .map(str::to_owned)
                .ok_or_else(|| Error::new(Code::AccountNotFound, "the session names no primary mail account"))?,
        };
        let verifier_config = verifier.config_fingerprint();
        let mut cache = VerdictCache::new();
        cache.set_config(&verifier_config);
        let mut config = config;
        config.reconcile.server_online_revocation = session.checks_revocation_online(&account_id);
        Ok(Client { transport, config, session, account_id, verifier, verifier_config, cache, known: HashMap::new(), stats, route: None })
    }

    /// The session in use.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The account in use.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// Whether the account supports RFC 9219 (R2).
    pub fn supports_smime(&self) -> bool {
        self.session.supports_smime(&self.account_id)
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        Stats { cache_hits: u32::try_from(self.cache.hits).unwrap_or(u32::MAX), ..self.stats }
    }

    /// The transport (tests inspect recorded exchanges through it).
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Replace the verifier (new trust store or policy). A different
    /// configuration empties the verdict cache.
    pub fn set_verifier(&mut self, verifier: Verifier) {
        self.verifier_config = verifier.config_fingerprint();
        self.verifier = verifier;
        self.cache.set_config(&self.verifier_config);
    }

    /// Verify downloaded messages through `route` (a pool of verifiers of the
    /// same configuration); None: here. Verdicts and the cache are unchanged.
    pub fn set_verify_route(&mut self, route: Option<Box<dyn VerifyRoute>>) {
        self.route = route;
    }

    /// Change the reconciliation settings (e.g. switch the local check off, R39).
    pub fn set_reconcile_config(&mut self, config: ReconcileConfig) {
        self.config.reconcile = config;
        // What the server does is the session's word, not a setting.
        self.config.reconcile.server_online_revocation = self.session.checks_revocation_online(&self.account_id);
    }

    fn headers(&self) -> Vec<(String, String)> {
        base_headers(&self.config)
    }

    /// Send one API request (R14 size and call-count limits), parse it, and
    /// refetch the session when its state moved (R1).
    async fn api(&mut self, request: &Value) -> Result<ApiResponse> {
        let calls = request.get("methodCalls").and_then(Value::as_array).map_or(0, Vec::len);
        if u64::try_from(calls).unwrap_or(u64::MAX) > self.session.limits.max_calls_in_request {
            return Err(Error::limit(format!("{calls} method calls exceed the server's maxCallsInRequest")));
        }
        let body = serde_json::to_vec(request).map_err(|e| Error::new(Code::InvalidArgument, format!("encoding the request: {e}")))?;
        if u64::try_from(body.len()).unwrap_or(u64::MAX) > self.session.limits.max_size_request {
            return Err(Error::limit(format!("a {}-byte request exceeds the server's maxSizeRequest", body.len())));
        }
        let mut headers = self.headers();
        headers.push(("content-type".into(), "application/json".into()));
        let req = HttpRequest {
            method: Method::Post,
            url: self.session.api_url.clone(),
            headers,
            body: Some(body),
            include_credentials: self.config.auth == Auth::Cookies,
            timeout_ms: self.config.timeout_ms,
            max_response_bytes: limits::MAX_API_RESPONSE_BYTES,
        };
        self.stats.api_requests = self.stats.api_requests.saturating_add(1);
        let resp = self.transport.send(req).await?;
        let parsed = parse_api_response(&resp)?;
        if !parsed.session_state.is_empty() && self.session.is_stale(&parsed.session_state) {
            // R1: the session changed (capabilities, accounts, limits): refetch.
            let url = self.session.url.clone();
            self.session = fetch_session(&self.transport, &self.config, &url, &mut self.stats).await?;
            self.config.reconcile.server_online_revocation = self.session.checks_revocation_online(&self.account_id);
        }
        Ok(parsed)
    }

    /// All mailboxes of the account (Mailbox/get).
    pub async fn mailboxes(&mut self) -> Result<Vec<Mailbox>> {
        let req = json!({
            "using": request::using(false),
            "methodCalls": [["Mailbox/get", {"accountId": self.account_id, "ids": null}, "m"]],
        });
        let resp = self.api(&req).await?;
        let args = resp.take("m", "Mailbox/get")?;
        let list = args.get("list").and_then(Value::as_array).ok_or_else(|| bad("Mailbox/get without a list"))?;
        list.iter()
            .map(|m| {
                let s = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_owned);
                let n = |k: &str| m.get(k).and_then(Value::as_u64).unwrap_or(0);
                Ok(Mailbox {
                    id: s("id").ok_or_else(|| bad("a Mailbox without id"))?,
                    name: s("name").unwrap_or_default(),
                    parent_id: s("parentId"),
                    role: s("role"),
                    sort_order: n("sortOrder"),
                    total_emails: n("totalEmails"),
                    unread_emails: n("unreadEmails"),
                })
            })
            .collect()
    }

    /// Email/query alone.
    pub async fn query(&mut self, mut q: PageQuery) -> Result<QueryResult> {
        q.account_id.clone_from(&self.account_id);
        let args = request::query_args(&self.session, &q)?;
        let smime = uses_smime(&self.session, &q);
        let req = json!({"using": request::using(smime), "methodCalls": [["Email/query", args, "q"]]});
        let resp = self.api(&req).await?;
        query_result(resp.take("q", "Email/query")?)
    }

    /// Load one page: one request (Email/query + Email/get), then downloads
    /// of the signed messages, verification, reconciliation.
    pub async fn load_page(&mut self, q: PageQuery, now: UnixTime, progress: &mut dyn FnMut(&Progress)) -> Result<Page> {
        self.load_page_progressive(q, now, None, progress).await
    }

    /// [`Client::load_page`], telling `server_page` the server's view first
    /// (as soon as Email/get answers, before any download), then `progress`
    /// once per message as its verdict is known. The page returned is the same.
    pub async fn load_page_progressive(
        &mut self,
        mut q: PageQuery,
        now: UnixTime,
        server_page: Option<ServerPageFn<'_>>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Page> {
        q.account_id.clone_from(&self.account_id);
        let req = request::page_request(&self.session, &q)?;
        let smime = self.supports_smime();
        let resp = self.api(&req).await?;
        let query = query_result(resp.take("q", "Email/query")?)?;
        let get = resp.take("g", "Email/get")?;
        let state = get.get("state").and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut emails = read_list(get, smime)?;
        // Query order; anything the server returned beyond the ids is ignored.
        let mut by_id: HashMap<String, (EmailSummary, Option<ServerReport>)> = emails.drain(..).map(|e| (e.0.id.clone(), e)).collect();
        let ordered: Vec<_> = query.ids.iter().filter_map(|id| by_id.remove(id)).collect();
        let account_id = self.account_id.clone();
        let page = |items: Vec<PageItem>| Page {
            account_id: account_id.clone(),
            query_state: query.query_state.clone(),
            state: state.clone(),
            total: query.total,
            position: query.position,
            ids: query.ids.clone(),
            can_calculate_changes: query.can_calculate_changes,
            items,
        };
        let mut first = server_page.map(|f| {
            let page = &page;
            move |items: Vec<PageItem>| f(&page(items))
        });
        let first = first.as_mut().map(|f| f as &mut dyn FnMut(Vec<PageItem>));
        let items = self.judge(ordered, now, first, progress).await?;
        Ok(Page { items, ..page(Vec::new()) })
    }

    /// Verify one Email by id.
    pub async fn verify_email(&mut self, id: &str, now: UnixTime) -> Result<PageItem> {
        let (emails, _) = self.get_emails(&[id.to_owned()]).await?;
        let items = self.judge(emails, now, None, &mut |_| {}).await?;
        items.into_iter().next().ok_or_else(|| Error::new(Code::InvalidArgument, format!("no Email {id:?} in the account")))
    }

    /// Email/changes since `since_state` (R11, R12): created and updated
    /// Emails are re-read (S/MIME properties included) and judged; an
    /// at-delivery status that moved is an event. `smimeVerifiedAt` alone is
    /// never one.
    pub async fn changes(&mut self, since_state: &str, now: UnixTime, progress: &mut dyn FnMut(&Progress)) -> Result<Changes> {
        let mut state = since_state.to_owned();
        let (mut created, mut updated, mut destroyed) = (Vec::new(), Vec::new(), Vec::new());
        let mut has_more = true;
        for _ in 0..limits::MAX_CHANGES_ROUNDS {
            let req = json!({
                "using": request::using(false),
                "methodCalls": [["Email/changes", {"accountId": self.account_id, "sinceState": state, "maxChanges": limits::MAX_CHANGES_PER_CALL}, "c"]],
            });
            let resp = self.api(&req).await?;
            let args = resp.take("c", "Email/changes")?;
            let ids = |k: &str| -> Result<Vec<String>> {
                args.get(k)
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad(format!("Email/changes without {k}")))?
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| bad(format!("Email/changes {k}: not an id"))))
                    .collect()
            };
            created.extend(ids("created")?);
            updated.extend(ids("updated")?);
            destroyed.extend(ids("destroyed")?);
            if created.len().saturating_add(updated.len()).saturating_add(destroyed.len()) > limits::MAX_CHANGED_EMAILS {
                return Err(Error::limit(format!("more than {} changed Emails; reload the page", limits::MAX_CHANGED_EMAILS)));
            }
            state = args.get("newState").and_then(Value::as_str).ok_or_else(|| bad("Email/changes without newState"))?.to_owned();
            has_more = args.get("hasMoreChanges").and_then(Value::as_bool).unwrap_or(false);
            if !has_more {
                break;
            }
        }
        // An id both created and updated is reported once, as created.
        let created_set: std::collections::HashSet<String> = created.iter().cloned().collect();
        updated.retain(|id| !created_set.contains(id));
        let mut all = created.clone();
        all.extend(updated.iter().cloned());
        let (emails, _) = self.get_emails(&all).await?;
        let previous: Vec<Option<Option<ServerReport>>> = emails.iter().map(|(e, _)| self.known.get(&e.id).cloned()).collect();
        let items = self.judge(emails, now, None, progress).await?;
        let mut events = Vec::new();
        for (item, prev) in items.iter().zip(previous) {
            if let (Some(Some(old)), Some(new)) = (prev, &item.server) {
                if let Some(message) = at_delivery_changed(old.status_at_delivery.as_ref(), new.status_at_delivery.as_ref()) {
                    events.push(ChangeEvent { id: item.email.id.clone(), kind: crate::vocabulary::CHANGE_AT_DELIVERY.into(), message });
                }
                if old.status != new.status {
                    let show = |t: &Option<crate::reconcile::ServerToken>| t.as_ref().map_or("null".to_owned(), |t| t.as_str().to_owned());
                    events.push(ChangeEvent {
                        id: item.email.id.clone(),
                        kind: crate::vocabulary::CHANGE_STATUS.into(),
                        message: format!("The server's S/MIME status changed from {} to {}.", show(&old.status), show(&new.status)),
                    });
                }
            }
        }
        let (c, u): (Vec<PageItem>, Vec<PageItem>) = items.into_iter().partition(|i| created_set.contains(&i.email.id));
        for id in &destroyed {
            self.known.remove(id);
        }
        Ok(Changes {
            old_state: since_state.to_owned(),
            new_state: state,
            has_more_changes: has_more,
            created: c,
            updated: u,
            destroyed,
            events,
        })
    }

    /// Email/get of `ids`, split by `maxObjectsInGet` per call and
    /// `maxCallsInRequest` per request (R14). Ids the server does not know are
    /// left out. Returns the Emails and the state.
    async fn get_emails(&mut self, ids: &[String]) -> Result<(Vec<(EmailSummary, Option<ServerReport>)>, String)> {
        let smime = self.supports_smime();
        let per_call = usize::try_from(self.session.limits.max_objects_in_get.min(limits::MAX_PAGE_EMAILS)).unwrap_or(1).max(1);
        let per_request = usize::try_from(self.session.limits.max_calls_in_request).unwrap_or(1).max(1);
        let mut out = Vec::new();
        let mut state = String::new();
        for request_ids in ids.chunks(per_call.saturating_mul(per_request)) {
            let calls: Vec<Value> = request_ids
                .chunks(per_call)
                .enumerate()
                .map(|(i, chunk)| {
                    json!(["Email/get", {"accountId": self.account_id, "ids": chunk, "properties": email_properties(smime)}, format!("g{i}")])
                })
                .collect();
            let n = calls.len();
            let resp = self.api(&json!({"using": request::using(smime), "methodCalls": calls})).await?;
            for i in 0..n {
                let args = resp.take(&format!("g{i}"), "Email/get")?;
                args.get("state").and_then(Value::as_str).unwrap_or_default().clone_into(&mut state);
                out.extend(read_list(args, smime)?);
            }
        }
        Ok((out, state))
    }
}

fn bad(detail: impl Into<String>) -> Error {
    Error::new(Code::ResponseNotJson, detail.into())
}

fn uses_smime(session: &Session, q: &PageQuery) -> bool {
    // The filter was checked by query_args: S/MIME conditions imply support.
    session.supports_smime(&q.account_id) && q.filter.as_ref().is_some_and(|f| request::uses_smime_filter(f, 0).unwrap_or(false))
}

fn base_headers(config: &ClientConfig) -> Vec<(String, String)> {
    let mut h = vec![("accept".to_owned(), "application/json".to_owned())];
    if let Some(a) = config.auth.header() {
        h.push(("authorization".into(), a));
    }
    if let Some(l) = &config.accept_language {
        h.push(("accept-language".into(), l.clone()));
    }
    h
}

async fn fetch_session<T: Transport>(transport: &T, config: &ClientConfig, url: &str, stats: &mut Stats) -> Result<Session> {
    let req = HttpRequest {
        method: Method::Get,
        url: url.to_owned(),
        headers: base_headers(config),
        body: None,
        include_credentials: config.auth == Auth::Cookies,
        timeout_ms: config.timeout_ms,
        max_response_bytes: limits::MAX_SESSION_BYTES,
    };
    stats.session_fetches = stats.session_fetches.saturating_add(1);
    let resp = transport.send(req).await?;
    check_status(&resp, "JMAP session")?;
    // Redirects (.well-known) were followed: URLs resolve against the final one.
    let base = if resp.url.is_empty() { url } else { resp.url.as_str() };
    Session::parse(&resp.body, base).map_err(|e| if e.code == Code::Malformed { Error::new(Code::ResponseNotJson, e.detail) } else { e })
}

fn read_list(args: &Value, smime: bool) -> Result<Vec<(EmailSummary, Option<ServerReport>)>> {
    let list = args.get("list").and_then(Value::as_array).ok_or_else(|| bad("Email/get without a list"))?;
    list.iter().map(|e| EmailSummary::from_jmap(e, smime)).collect()
}

fn query_result(args: &Value) -> Result<QueryResult> {
    let ids = args
        .get("ids")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("Email/query without ids"))?
        .iter()
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| bad("Email/query: an id is not a string")))
        .collect::<Result<Vec<_>>>()?;
    Ok(QueryResult {
        query_state: args.get("queryState").and_then(Value::as_str).unwrap_or_default().to_owned(),
        total: args.get("total").and_then(Value::as_u64),
        position: args.get("position").and_then(Value::as_u64).unwrap_or(0),
        ids,
        can_calculate_changes: args.get("canCalculateChanges").and_then(Value::as_bool).unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_url_table() {
        let cases = [
            ("https://mail.example.com", "https://mail.example.com/.well-known/jmap"),
            ("https://mail.example.com/", "https://mail.example.com/.well-known/jmap"),
            ("http://127.0.0.1:8080/jmap/session", "http://127.0.0.1:8080/jmap/session"),
        ];
        for (i, o) in cases {
            assert_eq!(session_url(i).unwrap(), o);
        }
        assert_eq!(session_url("ftp://x").unwrap_err().code, Code::InvalidArgument);
        assert_eq!(session_url("mail.example.com").unwrap_err().code, Code::InvalidArgument);
    }
}
