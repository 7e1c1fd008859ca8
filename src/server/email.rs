//! The Email methods of the reference server (RFC 8621 §4): Email/get with
//! its body properties, Email/query with its filters and sorts, and
//! Email/changes; the RFC 9219 properties and filters (`smimeStatus`,
//! `hasVerifiedSmime`, ...) only when the request enabled the extension.

use serde_json::{json, Map, Value};

use super::api::{ids_arg, merr, properties_arg, Context, MethodError};
use super::query::{check_cost, comparators, compile_filter, flag, query_response};
use super::store::{ChangeKind, Email, Store};
use crate::asn1::time::{parse_rfc3339, to_rfc3339, UnixTime};
use crate::jmap::CAP_SMIMEVERIFY;
use crate::limits;
use crate::verifier::SIGNED_VERIFIED;

type MResult<T> = Result<T, MethodError>;

/// The properties Email/get returns when `properties` is null (RFC 8621
/// §4.2). The RFC 9219 ones are not among them.
const EMAIL_DEFAULT: &[&str] = &[
    "id",
    "blobId",
    "threadId",
    "mailboxIds",
    "keywords",
    "size",
    "receivedAt",
    "messageId",
    "inReplyTo",
    "references",
    "sender",
    "from",
    "to",
    "cc",
    "bcc",
    "replyTo",
    "subject",
    "sentAt",
    "hasAttachment",
    "preview",
    "bodyValues",
    "textBody",
    "htmlBody",
    "attachments",
];
const EMAIL_EXTRA: &[&str] = &["bodyStructure"];
const SMIME_PROPS: &[&str] = &["smimeStatus", "smimeStatusAtDelivery", "smimeErrors", "smimeVerifiedAt"];
const SMIME_FILTERS: &[&str] = &["hasSmime", "hasVerifiedSmime", "hasVerifiedSmimeAtDelivery"];

fn smime_value(e: &Email, prop: &str) -> Value {
    let Some(s) = &e.smime else { return Value::Null };
    match prop {
        "smimeStatus" => s.status.clone().map_or(Value::Null, Value::String),
        "smimeStatusAtDelivery" => s.at_delivery.clone().map_or(Value::Null, Value::String),
        "smimeErrors" => s.errors.clone().map_or(Value::Null, |v| json!(v)),
        // Only meaningful when there is a status to date.
        _ => {
            if s.status.is_some() {
                json!(to_rfc3339(s.verified_at))
            } else {
                Value::Null
            }
        }
    }
}

/// EmailBodyPart properties (RFC 8621 §4.1.4) and the default
/// `bodyProperties` of Email/get (RFC 8621 §4.2).
const BODY_PROPS: &[&str] =
    &["partId", "blobId", "size", "headers", "name", "type", "charset", "disposition", "cid", "language", "location", "subParts"];
const BODY_DEFAULT: &[&str] = &["partId", "blobId", "size", "name", "type", "charset", "disposition", "cid", "language", "location"];

/// How Email/get renders body parts and values.
struct BodyOptions {
    /// fetchTextBodyValues, fetchHTMLBodyValues, fetchAllBodyValues.
    fetch: (bool, bool, bool),
    /// bodyProperties.
    props: Vec<String>,
    /// maxBodyValueBytes (0: no truncation).
    max_bytes: usize,
}

/// A body part with only the requested properties; a multipart keeps its
/// subParts so that bodyStructure stays a tree.
fn body_part(part: &Value, props: &[String]) -> Value {
    let Some(o) = part.as_object() else { return part.clone() };
    let mut out = Map::new();
    for (k, v) in o {
        if k == "subParts" {
            let subs = v.as_array().map(|a| a.iter().map(|p| body_part(p, props)).collect()).unwrap_or_default();
            out.insert(k.clone(), Value::Array(subs));
        } else if props.iter().any(|p| p == k) {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// RFC 8621 §4.2: a value longer than maxBodyValueBytes is cut to at most
/// that many octets, never inside a UTF-8 sequence, and marked truncated.
fn truncate_value(v: &Value, max: usize) -> Value {
    let Some(text) = v.get("value").and_then(Value::as_str) else { return v.clone() };
    if max == 0 || text.len() <= max {
        return v.clone();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut = cut.saturating_sub(1);
    }
    let mut out = v.clone();
    if let Some(o) = out.as_object_mut() {
        o.insert("value".into(), json!(text.get(..cut).unwrap_or("")));
        o.insert("isTruncated".into(), json!(true));
    }
    out
}

fn email_json(e: &Email, props: &[String], body: &BodyOptions) -> Value {
    let parts = |list: &[Value]| Value::Array(list.iter().map(|p| body_part(p, &body.props)).collect());
    let mut m = Map::new();
    for p in props {
        let v = match p.as_str() {
            "id" => json!(e.id),
            "blobId" => json!(e.blob_id),
            "threadId" => json!(e.thread_id),
            "mailboxIds" => json!({ e.mailbox_id.clone(): true }),
            "keywords" => json!({}),
            "size" => json!(e.raw.len()),
            "receivedAt" => json!(to_rfc3339(e.received_at)),
            "inReplyTo" | "references" => Value::Null,
            "hasAttachment" => json!(!e.parsed.attachments.is_empty()),
            "preview" => json!(e.parsed.preview),
            "bodyStructure" => body_part(&e.parsed.body_structure, &body.props),
            // RFC 8621 §4.1.4: each list falls back to the other type when the message has none of its own.
            "textBody" => parts(if e.parsed.text_body.is_empty() { &e.parsed.html_body } else { &e.parsed.text_body }),
            "htmlBody" => parts(if e.parsed.html_body.is_empty() { &e.parsed.text_body } else { &e.parsed.html_body }),
            "attachments" => parts(&e.parsed.attachments),
            "bodyValues" => {
                let (text, html, all) = body.fetch;
                let wanted = |part: &Value| {
                    let id = part.get("partId");
                    (text || all) && e.parsed.text_body.iter().any(|p| p.get("partId") == id)
                        || (html || all) && e.parsed.html_body.iter().any(|p| p.get("partId") == id)
                };
                let mut vals = Map::new();
                for part in e.parsed.text_body.iter().chain(e.parsed.html_body.iter()) {
                    if wanted(part) {
                        if let Some(id) = part.get("partId").and_then(Value::as_str) {
                            if let Some(v) = e.parsed.body_values.get(id) {
                                vals.insert(id.to_owned(), truncate_value(v, body.max_bytes));
                            }
                        }
                    }
                }
                Value::Object(vals)
            }
            p if SMIME_PROPS.contains(&p) => smime_value(e, p),
            p => e.parsed.headers.get(p).cloned().unwrap_or(Value::Null),
        };
        m.insert(p.clone(), v);
    }
    Value::Object(m)
}

pub(crate) fn email_get(ctx: &Context<'_>, args: &Map<String, Value>, smime: bool) -> MResult<Value> {
    // RFC 9219 §3: without the capability in `using` the S/MIME properties do not exist.
    let props = properties_arg(args, |p| EMAIL_DEFAULT.contains(&p) || EMAIL_EXTRA.contains(&p) || (smime && SMIME_PROPS.contains(&p)))?
        .unwrap_or_else(|| EMAIL_DEFAULT.iter().map(|s| (*s).to_owned()).collect());
    let ids = match ids_arg(args)? {
        Some(ids) => ids,
        None => {
            if u64::try_from(ctx.store.emails.len()).unwrap_or(u64::MAX) > limits::SERVER_MAX_OBJECTS_IN_GET {
                return Err(merr("requestTooLarge", "too many Emails to return them all; give ids"));
            }
            ctx.store.emails.keys().cloned().collect()
        }
    };
    let body_props = match args.get("bodyProperties") {
        None | Some(Value::Null) => BODY_DEFAULT.iter().map(|s| (*s).to_owned()).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|p| match p.as_str() {
                Some(p) if BODY_PROPS.contains(&p) => Ok(p.to_owned()),
                _ => Err(merr("invalidArguments", format!("unknown body property {p}"))),
            })
            .collect::<MResult<Vec<_>>>()?,
        Some(_) => return Err(merr("invalidArguments", "bodyProperties must be a list or null")),
    };
    let max_bytes = match args.get("maxBodyValueBytes") {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_u64().ok_or_else(|| merr("invalidArguments", "maxBodyValueBytes must be a non-negative integer"))?,
    };
    let body = BodyOptions {
        fetch: (flag(args, "fetchTextBodyValues"), flag(args, "fetchHTMLBodyValues"), flag(args, "fetchAllBodyValues")),
        props: body_props,
        max_bytes: usize::try_from(max_bytes).unwrap_or(usize::MAX),
    };
    let mut list = Vec::new();
    let mut not_found = Vec::new();
    for id in ids {
        match ctx.store.emails.get(&id) {
            Some(e) => list.push(email_json(e, &props, &body)),
            None => not_found.push(id),
        }
    }
    Ok(json!({"accountId": ctx.account_id, "state": ctx.store.state_string(), "list": list, "notFound": not_found}))
}

fn is_verified(token: Option<&str>) -> bool {
    matches!(token, Some(t) if t == SIGNED_VERIFIED || t == "encrypted+signed/verified")
}

/// An Email/query FilterCondition (RFC 8621 §4.4.1, RFC 9219 §4.2).
enum EmailCond {
    InMailbox(String),
    InMailboxOtherThan(Vec<String>),
    Before(UnixTime),
    After(UnixTime),
    MinSize(u64),
    MaxSize(u64),
    HasAttachment(bool),
    /// Keyword conditions: no Email here has keywords.
    Constant(bool),
    Text(String),
    Subject(String),
    Address(&'static str, String),
    HasSmime(bool),
    HasVerifiedSmime(bool),
    HasVerifiedSmimeAtDelivery(bool),
}

fn email_cond(k: &str, v: &Value, smime: bool) -> MResult<EmailCond> {
    let str_arg = || v.as_str().ok_or_else(|| merr("invalidArguments", format!("{k} must be a string")));
    let time_arg = || str_arg().and_then(|s| parse_rfc3339(s).map_err(|_| merr("invalidArguments", format!("{k} must be a UTCDate"))));
    let num_arg = || v.as_u64().ok_or_else(|| merr("invalidArguments", format!("{k} must be a number")));
    let bool_arg = || v.as_bool().ok_or_else(|| merr("invalidArguments", format!("{k} must be a boolean")));
    Ok(match k {
        "inMailbox" => EmailCond::InMailbox(str_arg()?.to_owned()),
        "inMailboxOtherThan" => EmailCond::InMailboxOtherThan(
            v.as_array()
                .and_then(|l| l.iter().map(|m| m.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
                .ok_or_else(|| merr("invalidArguments", "inMailboxOtherThan must be a list of ids"))?,
        ),
        "before" => EmailCond::Before(time_arg()?),
        "after" => EmailCond::After(time_arg()?),
        "minSize" => EmailCond::MinSize(num_arg()?),
        "maxSize" => EmailCond::MaxSize(num_arg()?),
        "hasAttachment" => EmailCond::HasAttachment(bool_arg()?),
        "hasKeyword" | "allInThreadHaveKeyword" | "someInThreadHaveKeyword" => {
            str_arg()?;
            EmailCond::Constant(false)
        }
        "notKeyword" | "noneInThreadHaveKeyword" => {
            str_arg()?;
            EmailCond::Constant(true)
        }
        "text" => EmailCond::Text(str_arg()?.to_lowercase()),
        "subject" => EmailCond::Subject(str_arg()?.to_lowercase()),
        "from" => EmailCond::Address("from", str_arg()?.to_lowercase()),
        "to" => EmailCond::Address("to", str_arg()?.to_lowercase()),
        "cc" => EmailCond::Address("cc", str_arg()?.to_lowercase()),
        "bcc" => EmailCond::Address("bcc", str_arg()?.to_lowercase()),
        // RFC 9219 §4.2, only with the capability.
        "hasSmime" if smime => EmailCond::HasSmime(bool_arg()?),
        "hasVerifiedSmime" if smime => EmailCond::HasVerifiedSmime(bool_arg()?),
        "hasVerifiedSmimeAtDelivery" if smime => EmailCond::HasVerifiedSmimeAtDelivery(bool_arg()?),
        other if SMIME_FILTERS.contains(&other) => {
            return Err(merr("unsupportedFilter", format!("{other} needs {CAP_SMIMEVERIFY} in using")))
        }
        other => return Err(merr("unsupportedFilter", format!("unsupported filter condition {other:?}"))),
    })
}

fn address_matches(e: &Email, prop: &str, needle: &str) -> bool {
    e.parsed.headers.get(prop).and_then(Value::as_array).is_some_and(|list| {
        list.iter()
            .any(|a| ["email", "name"].iter().any(|k| a.get(*k).and_then(Value::as_str).is_some_and(|s| s.to_lowercase().contains(needle))))
    })
}

fn email_matches(e: &Email, c: &EmailCond) -> bool {
    let size = u64::try_from(e.raw.len()).unwrap_or(u64::MAX);
    let status = e.smime.as_ref().and_then(|s| s.status.as_deref());
    match c {
        EmailCond::InMailbox(m) => e.mailbox_id == *m,
        EmailCond::InMailboxOtherThan(list) => !list.contains(&e.mailbox_id),
        EmailCond::Before(t) => e.received_at < *t,
        EmailCond::After(t) => e.received_at >= *t,
        EmailCond::MinSize(n) => size >= *n,
        EmailCond::MaxSize(n) => size < *n,
        EmailCond::HasAttachment(b) => *b != e.parsed.attachments.is_empty(),
        EmailCond::Constant(b) => *b,
        EmailCond::Text(t) => e.parsed.search_text.contains(t.as_str()),
        EmailCond::Subject(t) => e.parsed.headers.get("subject").and_then(Value::as_str).unwrap_or("").to_lowercase().contains(t.as_str()),
        EmailCond::Address(prop, t) => address_matches(e, prop, t),
        EmailCond::HasSmime(b) => *b == status.is_some(),
        EmailCond::HasVerifiedSmime(b) => *b == is_verified(status),
        EmailCond::HasVerifiedSmimeAtDelivery(b) => *b == is_verified(e.smime.as_ref().and_then(|s| s.at_delivery.as_deref())),
    }
}

fn sort_emails(list: &mut [&Email], sort: Option<&Value>) -> MResult<()> {
    let comparators = comparators(sort, &["receivedAt", "sentAt", "size", "subject", "from", "id"], ("receivedAt", false))?;
    let key = |e: &Email, p: &str| -> (i64, String) {
        match p {
            "receivedAt" => (e.received_at, String::new()),
            "sentAt" => (e.parsed.sent_at.unwrap_or(0), String::new()),
            "size" => (i64::try_from(e.raw.len()).unwrap_or(i64::MAX), String::new()),
            "subject" => (0, e.parsed.headers.get("subject").and_then(Value::as_str).unwrap_or("").to_lowercase()),
            "from" => {
                (0, e.parsed.headers.get("from").and_then(|f| f.pointer("/0/email")).and_then(Value::as_str).unwrap_or("").to_lowercase())
            }
            _ => (0, e.id.clone()),
        }
    };
    list.sort_by(|a, b| {
        for (p, asc) in &comparators {
            let o = key(a, p).cmp(&key(b, p));
            let o = if *asc { o } else { o.reverse() };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        a.id.cmp(&b.id)
    });
    Ok(())
}

pub(crate) fn email_query(ctx: &Context<'_>, args: &Map<String, Value>, smime: bool) -> MResult<Value> {
    // RFC 8620 §5.5: the whole filter is checked first, so unsupportedFilter
    // and invalidArguments never depend on which Emails exist or match.
    let filter = match args.get("filter") {
        None | Some(Value::Null) => None,
        Some(f) => Some(compile_filter(f, 0, &|k, v| email_cond(k, v, smime))?),
    };
    if let Some(f) = &filter {
        check_cost(f, ctx.store.emails.len())?;
    }
    let mut list: Vec<&Email> =
        ctx.store.emails.values().filter(|e| filter.as_ref().is_none_or(|f| f.eval(&|c| email_matches(e, c)))).collect();
    sort_emails(&mut list, args.get("sort"))?;
    let ids: Vec<&str> = list.iter().map(|e| e.id.as_str()).collect();
    query_response(ctx, args, &ids)
}

pub(crate) fn email_changes(ctx: &Context<'_>, args: &Map<String, Value>) -> MResult<Value> {
    let since = args.get("sinceState").and_then(Value::as_str).ok_or_else(|| merr("invalidArguments", "sinceState is required"))?;
    let since_n = Store::parse_state(since)
        .filter(|n| *n <= ctx.store.state)
        .ok_or_else(|| merr("cannotCalculateChanges", format!("unknown state {since:?}")))?;
    let max = match args.get("maxChanges") {
        None | Some(Value::Null) => limits::SERVER_MAX_CHANGES,
        Some(v) => match v.as_u64() {
            Some(n) if n > 0 => usize::try_from(n).unwrap_or(usize::MAX).min(limits::SERVER_MAX_CHANGES),
            _ => return Err(merr("invalidArguments", "maxChanges must be a positive integer")),
        },
    };
    let mut created: Vec<String> = Vec::new();
    let mut updated: Vec<String> = Vec::new();
    let mut new_state = since_n;
    let mut more = false;
    for (state, id, kind) in ctx.store.changes.iter().filter(|(s, _, _)| *s > since_n) {
        let seen = created.contains(id) || updated.contains(id);
        if !seen && created.len().saturating_add(updated.len()) >= max {
            more = true;
            break;
        }
        match kind {
            ChangeKind::Created if !seen => created.push(id.clone()),
            ChangeKind::Updated if !seen => updated.push(id.clone()),
            _ => {}
        }
        new_state = *state;
    }
    if !more {
        new_state = ctx.store.state;
    }
    Ok(json!({"accountId": ctx.account_id, "oldState": since, "newState": format!("s{new_state}"), "hasMoreChanges": more,
              "created": created, "updated": updated, "destroyed": []}))
}
