//! What the JMAP client returns (issue 4 §5): mailboxes, pages and their
//! items, progress, changes and counters. Plain data, serialised to JS with
//! generated TypeScript types; the client that fills them is `client.rs`.

use serde::Serialize;
#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use super::email::EmailSummary;
use crate::reconcile::{DisplayVerdict, ServerReport};
use crate::report::Problem;
use crate::verifier::Verdict;

/// A mailbox (RFC 8621 §2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Mailbox {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Parent mailbox id.
    pub parent_id: Option<String>,
    /// Role ("inbox", "sent", ...).
    pub role: Option<String>,
    /// Sort order.
    pub sort_order: u64,
    /// Emails in the mailbox.
    pub total_emails: u64,
    /// Unread Emails.
    pub unread_emails: u64,
}

/// Where an item's client verdict came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum ClientSource {
    /// Downloaded and verified now.
    Verified,
    /// From the verdict cache.
    Cache,
    /// Not downloaded: the bodyStructure shows no S/MIME and the server does
    /// not say signed, so the verdict is "no signature".
    Structure,
    /// Not verified: the download failed, or the bytes streamed passed
    /// `MAX_MESSAGE_BYTES` (`clientError` says which; the Email's `size`
    /// property never decides it).
    Skipped,
    /// Not verified: the local check is switched off (R39).
    Off,
    /// Not known yet: the download and verification are under way (only in
    /// the server page `loadPage` delivers first; never in the final page).
    Pending,
}

/// One message of a page.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct PageItem {
    /// The Email's properties.
    pub email: EmailSummary,
    /// The server's RFC 9219 report (null: the server lacks the extension).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ServerReport | null"))]
    pub server: Option<ServerReport>,
    /// The client verdict (null: not verified here).
    pub client: Option<Verdict>,
    /// What to show.
    pub display: DisplayVerdict,
    /// Where `client` came from.
    pub client_source: ClientSource,
    /// Why the client did not verify, if it did not.
    pub client_error: Option<Problem>,
}

/// A loaded page.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// The account.
    pub account_id: String,
    /// Email/query queryState.
    pub query_state: String,
    /// Email state from Email/get (pass to `changes`).
    pub state: String,
    /// Total matching Emails, when the server computed it.
    pub total: Option<u64>,
    /// Position of the first item.
    pub position: u64,
    /// The page's Email ids, in order.
    pub ids: Vec<String>,
    /// Whether Email/queryChanges can follow this query.
    pub can_calculate_changes: bool,
    /// One item per Email the server returned, in query order.
    pub items: Vec<PageItem>,
}

/// Email/query alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    /// queryState.
    pub query_state: String,
    /// Total, when computed.
    pub total: Option<u64>,
    /// Position of the first id.
    pub position: u64,
    /// The ids.
    pub ids: Vec<String>,
    /// canCalculateChanges.
    pub can_calculate_changes: bool,
}

/// Progress of a page: `done` of `total` messages have a verdict; `item` is
/// the one that just got it (so a list can fill in row by row).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Messages with a verdict.
    pub done: u32,
    /// Messages on the page.
    pub total: u32,
    /// The Email that just got one.
    pub id: String,
    /// Its item, as `loadPage` will return it.
    pub item: PageItem,
}

/// Something the reader should know after Email/changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct ChangeEvent {
    /// The Email.
    pub id: String,
    /// "at-delivery-changed" (R12: only anchor additions should cause it) or
    /// "status-changed".
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ChangeKind"))]
    pub kind: String,
    /// Plain-language explanation.
    pub message: String,
}

/// The result of `changes`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    /// The state asked from.
    pub old_state: String,
    /// The state reached.
    pub new_state: String,
    /// More changes remain past the client's bound; call again from `newState`.
    pub has_more_changes: bool,
    /// Created Emails, judged.
    pub created: Vec<PageItem>,
    /// Updated Emails, re-read and judged (R11).
    pub updated: Vec<PageItem>,
    /// Destroyed ids.
    pub destroyed: Vec<String>,
    /// Status changes worth telling the reader (R12).
    pub events: Vec<ChangeEvent>,
}

/// Counters, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Session fetches.
    pub session_fetches: u32,
    /// API requests.
    pub api_requests: u32,
    /// Raw message downloads.
    pub downloads: u32,
    /// Messages verified.
    pub verifications: u32,
    /// Verdicts served from the cache.
    pub cache_hits: u32,
    /// Raw messages received by RFC 9404 Blob/get instead of a download.
    pub blob_fetched: u32,
}
