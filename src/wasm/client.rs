//! `JmapSmimeClient` for JS (issue 4 §5): decodes options, reads the clock,
//! and runs the core [`Client`] over [`FetchTransport`]. Operations on one
//! client run one at a time (an async lock), so a page may call them freely.

use std::rc::Rc;

use futures_util::future::LocalBoxFuture;
use futures_util::lock::Mutex;
use js_sys::{Function, Promise};
use serde::Deserialize;
use serde_json::Value;
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::fetch::FetchTransport;
use super::verifier::{decode, millis_to_unix, time_arg, Verifier};
use super::{invalid, js_error, to_js};
use crate::asn1::time::UnixTime;
use crate::jmap::client::{Client, ClientConfig, Page, Progress};
use crate::jmap::request::PageQuery;
use crate::jmap::transport::Auth;
use crate::reconcile::{ReconcileConfig, UnknownTokens};

/// How to authenticate to the JMAP server.
#[derive(Deserialize, Tsify)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum AuthOptions {
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// The token.
        token: String,
    },
    /// `Authorization: Basic`.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// The browser's cookies (`credentials: 'include'`).
    Cookies,
    /// No authentication header.
    None,
}

/// Options of `JmapSmimeClient.connect`.
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ConnectOptions {
    /// The Session URL, or the server's origin (then `/.well-known/jmap`).
    pub session_url: String,
    /// Authentication (default none).
    #[serde(default)]
    #[tsify(optional)]
    pub auth: Option<AuthOptions>,
    /// The Verifier to judge messages with (it is copied; call
    /// `setVerifier` after changing trust).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "Verifier")]
    pub verifier: JsValue,
    /// A `fetch` to use instead of the global one.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "typeof fetch")]
    pub fetch: JsValue,
    /// Sent as Accept-Language (server error texts in the reader's language).
    #[serde(default)]
    #[tsify(optional)]
    pub accept_language: Option<String>,
    /// Per-request timeout in milliseconds (default 30 000).
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<u32>,
    /// The account (default: the primary mail account).
    #[serde(default)]
    #[tsify(optional)]
    pub account_id: Option<String>,
    /// Verify in this browser (default true). Off: the server status alone.
    #[serde(default)]
    #[tsify(optional)]
    pub local_check: Option<bool>,
    /// How unrecognised server tokens count (default "failed").
    #[serde(default)]
    #[tsify(optional)]
    pub unknown_tokens: Option<UnknownTokens>,
}

/// Which page to load.
#[derive(Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct PageOptions {
    /// Only this mailbox (`inMailbox`).
    #[tsify(optional)]
    pub mailbox_id: Option<String>,
    /// An RFC 8621 FilterCondition or FilterOperator; the S/MIME conditions
    /// (`hasSmime`, `hasVerifiedSmime`, `hasVerifiedSmimeAtDelivery`) only when
    /// `supportsSmime`.
    #[tsify(optional, type = "Record<string, unknown>")]
    pub filter: Option<Value>,
    /// Comparators (default: receivedAt, newest first).
    #[tsify(optional, type = "{ property: string; isAscending?: boolean; collation?: string }[]")]
    pub sort: Vec<Value>,
    /// Position of the first message (default 0).
    #[tsify(optional)]
    pub position: i64,
    /// Anchor Email id (instead of position).
    #[tsify(optional)]
    pub anchor: Option<String>,
    /// Offset from the anchor.
    #[tsify(optional)]
    pub anchor_offset: i64,
    /// Page size (default 50; at most the server's maxObjectsInGet and 500).
    #[tsify(optional)]
    pub limit: Option<u64>,
}

/// Per-call options.
#[derive(Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct CallOptions {
    /// Called as each message gets its verdict.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(progress: Progress) => void")]
    pub on_progress: JsValue,
    /// `loadPage` only: called once, before any download, with the page as
    /// the server describes it (each item with the server's status; those
    /// still being verified have `clientSource: "pending"`, `client: null`).
    /// `onProgress` then delivers each message's verdict.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(page: Page) => void")]
    pub on_server_page: JsValue,
    /// Aborts the operation (`error.code === "aborted"`).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: JsValue,
    /// The time to judge at (default `Date.now()`).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "Date | number | string")]
    pub now: JsValue,
}

/// Default page size.
const DEFAULT_PAGE: u64 = 50;

type Shared = Rc<Mutex<Client<FetchTransport>>>;

/// A connected JMAP client that verifies what it lists.
#[wasm_bindgen]
pub struct JmapSmimeClient {
    inner: Shared,
    supports_smime: bool,
    account_id: String,
}

/// Copy the core verifier out of a JS `Verifier` (which stays usable).
fn core_verifier(v: &JsValue) -> Result<crate::verifier::Verifier, JsValue> {
    let clone = js_sys::Reflect::get(v, &JsValue::from_str("__copy"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(v).ok())
        .ok_or_else(|| invalid("options.verifier: expected a Verifier"))?;
    let v = <Verifier as wasm_bindgen::convert::TryFromJsValue>::try_from_js_value(clone)
        .map_err(|_| invalid("options.verifier: expected a Verifier"))?;
    Ok(v.into_inner())
}

fn now_of(o: &CallOptions) -> Result<UnixTime, JsValue> {
    match time_arg(&o.now, "options.now")? {
        Some(t) => Ok(t),
        None => millis_to_unix(js_sys::Date::now(), "Date.now()"),
    }
}

fn page_query(p: PageOptions) -> PageQuery {
    let filter = match (p.mailbox_id, p.filter) {
        (Some(m), Some(f)) => Some(serde_json::json!({"operator": "AND", "conditions": [{"inMailbox": m}, f]})),
        (Some(m), None) => Some(serde_json::json!({"inMailbox": m})),
        (None, f) => f,
    };
    PageQuery {
        account_id: String::new(),
        filter,
        sort: p.sort,
        position: p.position,
        limit: p.limit.unwrap_or(DEFAULT_PAGE),
        calculate_total: true,
        anchor: p.anchor,
        anchor_offset: p.anchor_offset,
    }
}

/// Run `op` on the client under its lock, with the caller's signal set for
/// exactly that operation.
fn run<F>(inner: &Shared, options: Option<JsValue>, op: F) -> Promise
where
    F: for<'a> FnOnce(&'a mut Client<FetchTransport>, CallOptions) -> LocalBoxFuture<'a, Result<JsValue, JsValue>> + 'static,
{
    let inner = Rc::clone(inner);
    future_to_promise(async move {
        let o: CallOptions = decode(options, "options")?;
        let signal = o.signal.clone().dyn_into::<web_sys::AbortSignal>().ok();
        if !o.signal.is_undefined() && !o.signal.is_null() && signal.is_none() {
            return Err(invalid("options.signal: expected an AbortSignal"));
        }
        let mut client = inner.lock().await;
        client.transport().set_signal(signal);
        let out = op(&mut client, o).await;
        client.transport().set_signal(None);
        out
    })
}

fn progress_callback(f: &JsValue) -> impl FnMut(&Progress) + '_ {
    let f = f.dyn_ref::<Function>();
    move |p: &Progress| {
        // Encoded only when someone listens.
        if let Some(f) = f {
            if let Ok(v) = to_js(p) {
                // A throwing progress callback must not stop verification.
                let _ = f.call1(&JsValue::NULL, &v);
            }
        }
    }
}

fn server_page_callback(f: &JsValue) -> Option<impl FnMut(&Page) + '_> {
    let f = f.dyn_ref::<Function>()?;
    Some(move |p: &Page| {
        if let Ok(v) = to_js(p) {
            // A throwing callback must not stop verification.
            let _ = f.call1(&JsValue::NULL, &v);
        }
    })
}

#[wasm_bindgen]
impl JmapSmimeClient {
    /// Fetch the session and pick the account. Throws (`.code`) on a bad
    /// URL, refused credentials, an unreachable server or a non-JMAP answer.
    #[wasm_bindgen(unchecked_return_type = "JmapSmimeClient")]
    pub async fn connect(#[wasm_bindgen(unchecked_param_type = "ConnectOptions")] options: JsValue) -> Result<JmapSmimeClient, JsValue> {
        let o: ConnectOptions = serde_wasm_bindgen::from_value(options).map_err(|e| invalid(&format!("options: {e}")))?;
        let verifier = core_verifier(&o.verifier)?;
        let fetch = if o.fetch.is_undefined() || o.fetch.is_null() {
            None
        } else {
            Some(o.fetch.dyn_into::<Function>().map_err(|_| invalid("options.fetch: expected a function"))?)
        };
        let transport = FetchTransport::new(fetch).map_err(|e| js_error(&e))?;
        let auth = match o.auth {
            None | Some(AuthOptions::None) => Auth::None,
            Some(AuthOptions::Bearer { token }) => Auth::Bearer(token),
            Some(AuthOptions::Basic { username, password }) => Auth::Basic { username, password },
            Some(AuthOptions::Cookies) => Auth::Cookies,
        };
        let config = ClientConfig {
            auth,
            accept_language: o.accept_language,
            timeout_ms: o.timeout_ms.unwrap_or(crate::jmap::client::DEFAULT_TIMEOUT_MS),
            reconcile: ReconcileConfig {
                unknown_tokens: o.unknown_tokens.unwrap_or_default(),
                local_check: o.local_check.unwrap_or(true),
                server_online_revocation: false,
            },
            account_id: o.account_id,
        };
        let client = Client::connect(transport, &o.session_url, config, verifier).await.map_err(|e| js_error(&e))?;
        Ok(JmapSmimeClient {
            supports_smime: client.supports_smime(),
            account_id: client.account_id().to_owned(),
            inner: Rc::new(Mutex::new(client)),
        })
    }

    /// Whether the account supports RFC 9219 (server status and S/MIME filters).
    #[wasm_bindgen(getter, js_name = supportsSmime)]
    pub fn supports_smime(&self) -> bool {
        self.supports_smime
    }

    /// The account in use.
    #[wasm_bindgen(getter, js_name = accountId)]
    pub fn account_id(&self) -> String {
        self.account_id.clone()
    }

    /// The account's mailboxes.
    #[wasm_bindgen(unchecked_return_type = "Promise<Mailbox[]>")]
    pub fn mailboxes(&self) -> Promise {
        run(&self.inner, None, |c, _| {
            Box::pin(async move {
                let list = c.mailboxes().await.map_err(|e| js_error(&e))?;
                to_js(&list)
            })
        })
    }

    /// Load a page: query, fetch, verify the signed messages, reconcile.
    #[wasm_bindgen(js_name = loadPage, unchecked_return_type = "Promise<Page>")]
    pub fn load_page(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "PageOptions")] query: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        run(&self.inner, options, move |c, o| {
            Box::pin(async move {
                let q = page_query(decode(query, "query")?);
                let now = now_of(&o)?;
                let mut progress = progress_callback(&o.on_progress);
                let mut server_page = server_page_callback(&o.on_server_page);
                let server_page = server_page.as_mut().map(|f| f as &mut dyn FnMut(&Page));
                let page = c.load_page_progressive(q, now, server_page, &mut progress).await.map_err(|e| js_error(&e))?;
                to_js(&page)
            })
        })
    }

    /// Verify one message by Email id.
    #[wasm_bindgen(js_name = verifyEmail, unchecked_return_type = "Promise<PageItem>")]
    pub fn verify_email(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        run(&self.inner, options, move |c, o| {
            Box::pin(async move {
                let now = now_of(&o)?;
                let item = c.verify_email(&id, now).await.map_err(|e| js_error(&e))?;
                to_js(&item)
            })
        })
    }

    /// Email/query alone: ids, total, queryState.
    #[wasm_bindgen(unchecked_return_type = "Promise<QueryResult>")]
    pub fn query(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, unknown> | null")] filter: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "PageOptions")] page: Option<JsValue>,
    ) -> Promise {
        run(&self.inner, None, move |c, _| {
            Box::pin(async move {
                let mut p: PageOptions = decode(page, "page")?;
                if let Some(f) = filter.filter(|f| !f.is_undefined() && !f.is_null()) {
                    p.filter = Some(serde_wasm_bindgen::from_value(f).map_err(|e| invalid(&format!("filter: {e}")))?);
                }
                let r = c.query(page_query(p)).await.map_err(|e| js_error(&e))?;
                to_js(&r)
            })
        })
    }

    /// What changed since `sinceState` (a `Page.state`): created and updated
    /// messages judged again, destroyed ids, and events.
    #[wasm_bindgen(unchecked_return_type = "Promise<Changes>")]
    pub fn changes(
        &self,
        #[wasm_bindgen(js_name = sinceState)] since_state: String,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        run(&self.inner, options, move |c, o| {
            Box::pin(async move {
                let now = now_of(&o)?;
                let mut progress = progress_callback(&o.on_progress);
                let r = c.changes(&since_state, now, &mut progress).await.map_err(|e| js_error(&e))?;
                to_js(&r)
            })
        })
    }

    /// Judge with another Verifier from now on (after a trust change); the
    /// verdict cache empties when its trust store or policy differ.
    #[wasm_bindgen(js_name = setVerifier, unchecked_return_type = "Promise<void>")]
    pub fn set_verifier(&self, verifier: &Verifier) -> Promise {
        let v = verifier.core().clone();
        run(&self.inner, None, move |c, _| {
            Box::pin(async move {
                c.set_verifier(v);
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// Verify downloaded messages through `route(bytes, args)` from now on
    /// (null: here, the default): it returns a Promise of the Verdict that
    /// `verifyRouted(v, bytes, args)` gives for a Verifier `v` with
    /// `routeConfig(v) === args.config`, or null to have the message
    /// verified here. A rejection verifies here, except one with
    /// `code: "aborted"`, which aborts the operation.
    #[wasm_bindgen(js_name = setVerifyRoute, unchecked_return_type = "Promise<void>")]
    pub fn set_verify_route(
        &self,
        #[wasm_bindgen(unchecked_param_type = "((bytes: Uint8Array, args: RouteArgs) => Promise<Verdict | null> | null) | null")]
        route: JsValue,
    ) -> Result<Promise, JsValue> {
        let route = if route.is_null() || route.is_undefined() {
            None
        } else {
            Some(route.dyn_into::<Function>().map_err(|_| invalid("route: expected a function or null"))?)
        };
        Ok(run(&self.inner, None, move |c, _| {
            Box::pin(async move {
                c.set_verify_route(route.map(|f| Box::new(super::route::JsRoute(f)) as Box<dyn crate::jmap::route::VerifyRoute>));
                Ok(JsValue::UNDEFINED)
            })
        }))
    }

    /// Counters: session fetches, API requests, downloads, verifications,
    /// cache hits.
    #[wasm_bindgen(unchecked_return_type = "Promise<Stats>")]
    pub fn stats(&self) -> Promise {
        run(&self.inner, None, |c, _| Box::pin(async move { to_js(&c.stats()) }))
    }
}
