//! Building the one request a mailbox page needs (issue 4 §1): Email/query
//! plus Email/get through a result reference (RFC 8620 §3.7). S/MIME
//! capability, properties and filters appear only when the session and the
//! account advertise RFC 9219 (R2, R3, R4, R10); `sentAt`, never `date` (R16);
//! the page fits in one Email/get (R14).

use serde_json::{json, Map, Value};

use super::session::Session;
use super::{CAP_CORE, CAP_MAIL, CAP_SMIMEVERIFY};
use crate::error::{Code, Error, Result};
use crate::limits;

/// Email properties a mailbox page asks for (RFC 8621 §4.1). `sentAt` is the
/// Date header (R16: RFC 9219's examples say `date`, which strict servers
/// reject).
pub const EMAIL_PROPERTIES: &[&str] =
    &["id", "blobId", "threadId", "receivedAt", "sentAt", "from", "sender", "subject", "size", "preview", "bodyStructure"];

/// The RFC 9219 §4.1 properties, requested explicitly (R4): they are not in
/// the default property list.
pub const SMIME_PROPERTIES: &[&str] = &["smimeStatus", "smimeStatusAtDelivery", "smimeErrors", "smimeVerifiedAt"];

/// The RFC 9219 §4.2 filter conditions (R10).
pub const SMIME_FILTERS: &[&str] = &["hasSmime", "hasVerifiedSmime", "hasVerifiedSmimeAtDelivery"];

/// Deepest FilterOperator nesting accepted from the caller.
const MAX_FILTER_DEPTH: usize = 16;

/// What page to load.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageQuery {
    /// The account.
    pub account_id: String,
    /// A FilterCondition or FilterOperator (RFC 8620 §5.5), if any.
    pub filter: Option<Value>,
    /// Comparators; empty means newest first by receivedAt.
    pub sort: Vec<Value>,
    /// Position (negative counts from the end).
    pub position: i64,
    /// Page size; clamped to the server's maxObjectsInGet.
    pub limit: u64,
    /// Ask for the total.
    pub calculate_total: bool,
    /// Anchor Email id (replaces position, RFC 8620 §5.5).
    pub anchor: Option<String>,
    /// Offset from the anchor.
    pub anchor_offset: i64,
}

/// Whether a filter uses an RFC 9219 condition anywhere in its operators.
pub fn uses_smime_filter(filter: &Value, depth: usize) -> Result<bool> {
    if depth > MAX_FILTER_DEPTH {
        return Err(Error::new(Code::InvalidArgument, format!("filter nested deeper than {MAX_FILTER_DEPTH} levels")));
    }
    let Some(obj) = filter.as_object() else { return Err(Error::new(Code::InvalidArgument, "a filter must be an object")) };
    if let Some(conditions) = obj.get("conditions") {
        let list = conditions.as_array().ok_or_else(|| Error::new(Code::InvalidArgument, "filter conditions must be a list"))?;
        for c in list {
            if uses_smime_filter(c, depth.saturating_add(1))? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    Ok(SMIME_FILTERS.iter().any(|k| obj.contains_key(*k)))
}

/// `using` for a request: core and mail, plus smimeverify exactly when S/MIME
/// properties or filters are used (R3).
pub fn using(smime: bool) -> Vec<&'static str> {
    let mut using = vec![CAP_CORE, CAP_MAIL];
    if smime {
        using.push(CAP_SMIMEVERIFY);
    }
    using
}

/// Email/get properties: the page's, plus the RFC 9219 ones when the account
/// supports them (R4).
pub fn email_properties(smime: bool) -> Vec<&'static str> {
    let mut properties: Vec<&str> = EMAIL_PROPERTIES.to_vec();
    if smime {
        properties.extend_from_slice(SMIME_PROPERTIES);
    }
    properties
}

/// Check a caller's filter: S/MIME conditions only where supported (R10).
pub fn check_filter(session: &Session, account_id: &str, filter: Option<&Value>) -> Result<()> {
    if let Some(f) = filter {
        if uses_smime_filter(f, 0)? && !session.supports_smime(account_id) {
            return Err(Error::new(Code::UnsupportedFilter, "this server does not support the S/MIME filters (RFC 9219)"));
        }
    }
    Ok(())
}

/// The Email/query arguments of a page.
pub fn query_args(session: &Session, q: &PageQuery) -> Result<Value> {
    if !session.accounts.contains_key(&q.account_id) {
        return Err(Error::new(Code::InvalidArgument, format!("no account {:?} in the session", q.account_id)));
    }
    check_filter(session, &q.account_id, q.filter.as_ref())?;
    let limit = q.limit.clamp(1, session.limits.max_objects_in_get.min(limits::MAX_PAGE_EMAILS));
    let sort = if q.sort.is_empty() { vec![json!({"property": "receivedAt", "isAscending": false})] } else { q.sort.clone() };
    let mut query = Map::new();
    query.insert("accountId".into(), json!(q.account_id));
    if let Some(f) = &q.filter {
        query.insert("filter".into(), f.clone());
    }
    query.insert("sort".into(), Value::Array(sort));
    if let Some(anchor) = &q.anchor {
        query.insert("anchor".into(), json!(anchor));
        query.insert("anchorOffset".into(), json!(q.anchor_offset));
    } else {
        query.insert("position".into(), json!(q.position));
    }
    query.insert("limit".into(), json!(limit));
    query.insert("calculateTotal".into(), json!(q.calculate_total));
    Ok(Value::Object(query))
}

/// The request object for one page: Email/query, then Email/get of its ids
/// by result reference (RFC 8620 §3.7), in one request.
pub fn page_request(session: &Session, q: &PageQuery) -> Result<Value> {
    let query = query_args(session, q)?;
    let smime = session.supports_smime(&q.account_id);
    let using = using(smime);
    let properties = email_properties(smime);
    Ok(json!({
        "using": using,
        "methodCalls": [
            ["Email/query", query, "q"],
            ["Email/get", {
                "accountId": q.account_id,
                "#ids": {"resultOf": "q", "name": "Email/query", "path": "/ids"},
                "properties": properties,
            }, "g"],
        ],
    }))
}
