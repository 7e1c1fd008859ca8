//! JMAP methods of the reference server, sans-IO (RFC 8620 §3; the request
//! envelope and result references are in `request.rs`). Methods:
//! Core/echo, Mailbox/get, Mailbox/query, Thread/get here; Email/get,
//! Email/query, Email/changes in email.rs; Blob/get (RFC 9404) in
//! blob_get.rs. RFC 9219 properties and filters only when the extension is on
//! and the request names it in `using`.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::blob_get;
use super::email::{email_changes, email_get, email_query};
use super::query::{check_cost, comparators, compile_filter, query_response};
use super::store::{Mailbox, Store};
use crate::asn1::time::UnixTime;
use crate::jmap::{CAP_BLOB, CAP_CORE, CAP_MAIL, CAP_SMIMEVERIFY};
use crate::limits;

pub use super::request::{process, respond};

/// A request-level problem (RFC 8620 §3.6.1), sent as problem details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// HTTP status.
    pub status: u16,
    /// The JMAP problem type (without the URN prefix).
    pub kind: &'static str,
    /// Detail text.
    pub detail: String,
    /// For `limit`: which limit.
    pub limit: Option<&'static str>,
}

impl Problem {
    pub(crate) fn new(kind: &'static str, detail: impl Into<String>) -> Problem {
        Problem { status: 400, kind, detail: detail.into(), limit: None }
    }

    /// A `notJSON` problem.
    pub fn not_json(detail: impl Into<String>) -> Problem {
        Problem::new("notJSON", detail)
    }

    /// A `limit` problem naming the limit.
    pub fn limit(which: &'static str, detail: impl Into<String>) -> Problem {
        Problem { status: 400, kind: "limit", detail: detail.into(), limit: Some(which) }
    }

    /// RFC 7807 problem details.
    pub fn json(&self) -> Value {
        let mut v = json!({"type": format!("urn:ietf:params:jmap:error:{}", self.kind), "status": self.status, "detail": self.detail});
        if let (Some(l), Some(o)) = (self.limit, v.as_object_mut()) {
            o.insert("limit".into(), json!(l));
        }
        v
    }
}

/// A method-level error (RFC 8620 §3.6.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodError {
    /// The error type.
    pub kind: &'static str,
    /// Description.
    pub description: String,
}

pub(crate) fn merr(kind: &'static str, description: impl Into<String>) -> MethodError {
    MethodError { kind, description: description.into() }
}

type MResult<T> = Result<T, MethodError>;

/// What one request may see and do.
pub struct Context<'a> {
    /// The store.
    pub store: &'a Store,
    /// The server runs with RFC 9219.
    pub smime_enabled: bool,
    /// The server offers RFC 9404 `Blob/get`.
    pub blob_enabled: bool,
    /// The one account.
    pub account_id: &'a str,
    /// The time (for nothing but echoing; verification happened before).
    pub now: UnixTime,
}

/// The Session's `state`: it changes only with the capabilities.
pub fn session_state(smime: bool) -> String {
    if smime { "session-smime-1" } else { "session-plain-1" }.to_owned()
}

/// Run one method call on resolved arguments.
pub(crate) fn dispatch(ctx: &Context<'_>, using: &BTreeSet<&str>, name: &str, args: Map<String, Value>) -> MResult<Value> {
    let need = |cap: &str| if using.contains(cap) { Ok(()) } else { Err(merr("unknownMethod", format!("{name} needs {cap} in using"))) };
    let smime = ctx.smime_enabled && using.contains(CAP_SMIMEVERIFY);
    match name {
        "Core/echo" => {
            need(CAP_CORE)?;
            Ok(Value::Object(args))
        }
        "Mailbox/get" | "Mailbox/query" | "Email/get" | "Email/query" | "Email/changes" | "Thread/get" => {
            need(CAP_MAIL)?;
            account(ctx, &args)?;
            match name {
                "Mailbox/get" => mailbox_get(ctx, &args),
                "Mailbox/query" => mailbox_query(ctx, &args),
                "Email/get" => email_get(ctx, &args, smime),
                "Email/query" => email_query(ctx, &args, smime),
                "Email/changes" => email_changes(ctx, &args),
                _ => thread_get(ctx, &args),
            }
        }
        // RFC 9404 §4: selected by the blob capability; envelope() already
        // refused it in `using` when the server runs without.
        "Blob/get" | "Blob/upload" | "Blob/lookup" => {
            need(CAP_BLOB)?;
            account(ctx, &args)?;
            match name {
                "Blob/get" => blob_get::blob_get(ctx, &args),
                "Blob/upload" => blob_get::blob_upload(),
                _ => blob_get::blob_lookup(ctx, &args),
            }
        }
        _ => Err(merr("unknownMethod", format!("{name} is not supported"))),
    }
}

/// The one account, or the RFC 8620 §3.6.2 error.
fn account(ctx: &Context<'_>, args: &Map<String, Value>) -> MResult<()> {
    match args.get("accountId").and_then(Value::as_str) {
        Some(a) if a == ctx.account_id => Ok(()),
        Some(a) => Err(merr("accountNotFound", format!("no account {a:?}"))),
        None => Err(merr("invalidArguments", "accountId is required")),
    }
}

pub(crate) fn ids_arg(args: &Map<String, Value>) -> MResult<Option<Vec<String>>> {
    match args.get("ids") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => {
            if u64::try_from(a.len()).unwrap_or(u64::MAX) > limits::SERVER_MAX_OBJECTS_IN_GET {
                return Err(merr("requestTooLarge", format!("more than {} ids", limits::SERVER_MAX_OBJECTS_IN_GET)));
            }
            let mut ids: Vec<String> = Vec::with_capacity(a.len());
            for v in a {
                let id = v.as_str().ok_or_else(|| merr("invalidArguments", "ids must be strings"))?;
                // RFC 8620 §5.1: an id asked for twice is answered once.
                if !ids.iter().any(|i| i == id) {
                    ids.push(id.to_owned());
                }
            }
            Ok(Some(ids))
        }
        Some(_) => Err(merr("invalidArguments", "ids must be a list or null")),
    }
}

const MAILBOX_PROPS: &[&str] = &[
    "id",
    "name",
    "parentId",
    "role",
    "sortOrder",
    "totalEmails",
    "unreadEmails",
    "totalThreads",
    "unreadThreads",
    "myRights",
    "isSubscribed",
];

/// The `properties` argument of a /get: None for all (RFC 8620 §5.1).
pub(crate) fn properties_arg(args: &Map<String, Value>, known: impl Fn(&str) -> bool) -> MResult<Option<Vec<String>>> {
    match args.get("properties") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => {
            let mut out = Vec::with_capacity(a.len().saturating_add(1));
            for p in a {
                let p = p.as_str().ok_or_else(|| merr("invalidArguments", "properties must be strings"))?;
                if !known(p) {
                    return Err(merr("invalidArguments", format!("unknown property {p:?}")));
                }
                out.push(p.to_owned());
            }
            // RFC 8620 §5.1: the id is always returned.
            if !out.iter().any(|p| p == "id") {
                out.insert(0, "id".to_owned());
            }
            Ok(Some(out))
        }
        Some(_) => Err(merr("invalidArguments", "properties must be a list or null")),
    }
}

fn mailbox_json(ctx: &Context<'_>, m: &Mailbox) -> Value {
    let total = ctx.store.emails.values().filter(|e| e.mailbox_id == m.id).count();
    json!({
        "id": m.id, "name": m.name, "parentId": null, "role": m.role, "sortOrder": m.sort_order,
        "totalEmails": total, "unreadEmails": total, "totalThreads": total, "unreadThreads": total,
        "myRights": {"mayReadItems": true, "mayAddItems": false, "mayRemoveItems": false, "maySetSeen": false, "maySetKeywords": false,
                      "mayCreateChild": false, "mayRename": false, "mayDelete": false, "maySubmit": false},
        "isSubscribed": true,
    })
}

fn mailbox_get(ctx: &Context<'_>, args: &Map<String, Value>) -> MResult<Value> {
    let ids = ids_arg(args)?;
    // RFC 8620 §5.1: only the requested properties; an unknown one is invalidArguments.
    let props = properties_arg(args, |p| MAILBOX_PROPS.contains(&p))?;
    let mut list = Vec::new();
    let mut not_found = Vec::new();
    let wanted: Vec<String> = ids.unwrap_or_else(|| ctx.store.mailboxes.iter().map(|m| m.id.clone()).collect());
    for id in wanted {
        let Some(m) = ctx.store.mailboxes.iter().find(|m| m.id == id) else {
            not_found.push(id);
            continue;
        };
        let mut v = mailbox_json(ctx, m);
        if let (Some(props), Some(o)) = (&props, v.as_object_mut()) {
            o.retain(|k, _| props.contains(k));
        }
        list.push(v);
    }
    Ok(json!({"accountId": ctx.account_id, "state": ctx.store.state_string(), "list": list, "notFound": not_found}))
}

/// A Mailbox/query FilterCondition (RFC 8621 §2.3).
enum MailboxCond {
    ParentId(Option<String>),
    Name(String),
    Role(Option<String>),
    HasAnyRole(bool),
    IsSubscribed(bool),
}

fn mailbox_cond(k: &str, v: &Value) -> MResult<MailboxCond> {
    let opt_str = || match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(merr("invalidArguments", format!("{k} must be a string or null"))),
    };
    let bool_arg = || v.as_bool().ok_or_else(|| merr("invalidArguments", format!("{k} must be a boolean")));
    Ok(match k {
        "parentId" => MailboxCond::ParentId(opt_str()?),
        "name" => MailboxCond::Name(v.as_str().ok_or_else(|| merr("invalidArguments", "name must be a string"))?.to_lowercase()),
        "role" => MailboxCond::Role(opt_str()?),
        "hasAnyRole" => MailboxCond::HasAnyRole(bool_arg()?),
        "isSubscribed" => MailboxCond::IsSubscribed(bool_arg()?),
        other => return Err(merr("unsupportedFilter", format!("unsupported Mailbox filter condition {other:?}"))),
    })
}

fn mailbox_matches(m: &Mailbox, c: &MailboxCond) -> bool {
    match c {
        // No mailbox has a parent.
        MailboxCond::ParentId(p) => p.is_none(),
        MailboxCond::Name(n) => m.name.to_lowercase().contains(n.as_str()),
        MailboxCond::Role(r) => m.role == *r,
        MailboxCond::HasAnyRole(b) => m.role.is_some() == *b,
        MailboxCond::IsSubscribed(b) => *b,
    }
}

fn mailbox_query(ctx: &Context<'_>, args: &Map<String, Value>) -> MResult<Value> {
    // RFC 8620 §5.5: the filter and sort are applied, never ignored.
    let filter = match args.get("filter") {
        None | Some(Value::Null) => None,
        Some(f) => Some(compile_filter(f, 0, &mailbox_cond)?),
    };
    if let Some(f) = &filter {
        check_cost(f, ctx.store.mailboxes.len())?;
    }
    let comparators = comparators(args.get("sort"), &["sortOrder", "name"], ("sortOrder", true))?;
    let mut boxes: Vec<&Mailbox> =
        ctx.store.mailboxes.iter().filter(|m| filter.as_ref().is_none_or(|f| f.eval(&|c| mailbox_matches(m, c)))).collect();
    boxes.sort_by(|a, b| {
        for (p, asc) in &comparators {
            let o = if p == "name" { a.name.cmp(&b.name) } else { a.sort_order.cmp(&b.sort_order).then(a.name.cmp(&b.name)) };
            let o = if *asc { o } else { o.reverse() };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        a.id.cmp(&b.id)
    });
    let ids: Vec<&str> = boxes.iter().map(|m| m.id.as_str()).collect();
    query_response(ctx, args, &ids)
}

fn thread_get(ctx: &Context<'_>, args: &Map<String, Value>) -> MResult<Value> {
    // RFC 8620 §5.1: null ids means every Thread (within maxObjectsInGet).
    let ids = match ids_arg(args)? {
        Some(ids) => ids,
        None => {
            if u64::try_from(ctx.store.emails.len()).unwrap_or(u64::MAX) > limits::SERVER_MAX_OBJECTS_IN_GET {
                return Err(merr("requestTooLarge", "too many Threads to return them all; give ids"));
            }
            ctx.store.emails.values().map(|e| e.thread_id.clone()).collect()
        }
    };
    let mut list = Vec::new();
    let mut not_found = Vec::new();
    for id in ids {
        match ctx.store.emails.values().find(|e| e.thread_id == id) {
            Some(e) => list.push(json!({"id": id, "emailIds": [e.id]})),
            None => not_found.push(id),
        }
    }
    Ok(json!({"accountId": ctx.account_id, "state": ctx.store.state_string(), "list": list, "notFound": not_found}))
}
