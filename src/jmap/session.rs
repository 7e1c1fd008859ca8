//! The JMAP Session resource (RFC 8620 §2): capabilities, accounts, core
//! limits and URL templates. R1 (fetch and refetch on state change), R2 (S/MIME
//! only when advertised), R14 (limits), R15 (download the raw message by
//! `Email.blobId` through `downloadUrl`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{CAP_CORE, CAP_ONLINE_REVOCATION, CAP_SMIMEVERIFY};
use crate::error::{Code, Error, Result};
use crate::limits;

/// `urn:ietf:params:jmap:core` limits (RFC 8620 §2). Missing or invalid
/// values fall back to the RFC's suggested minimums.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreLimits {
    /// maxSizeUpload (octets).
    pub max_size_upload: u64,
    /// maxConcurrentUpload.
    pub max_concurrent_upload: u64,
    /// maxSizeRequest (octets).
    pub max_size_request: u64,
    /// maxConcurrentRequests.
    pub max_concurrent_requests: u64,
    /// maxCallsInRequest.
    pub max_calls_in_request: u64,
    /// maxObjectsInGet.
    pub max_objects_in_get: u64,
    /// maxObjectsInSet.
    pub max_objects_in_set: u64,
}

impl Default for CoreLimits {
    /// RFC 8620 §2's suggested minimum values.
    fn default() -> Self {
        CoreLimits {
            max_size_upload: 50_000_000,
            max_concurrent_upload: 4,
            max_size_request: 10_000_000,
            max_concurrent_requests: 4,
            max_calls_in_request: 16,
            max_objects_in_get: 500,
            max_objects_in_set: 500,
        }
    }
}

/// One account.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    /// Display name.
    pub name: String,
    /// isPersonal.
    pub is_personal: bool,
    /// isReadOnly.
    pub is_read_only: bool,
    /// accountCapabilities; `None` when the server sends null or omits it
    /// (Cyrus 3.6 does).
    pub capabilities: Option<BTreeMap<String, Value>>,
}

/// A parsed Session with its URLs resolved against the session URL.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// Where the session was fetched from (after redirects).
    pub url: String,
    /// Capability URI → value.
    pub capabilities: BTreeMap<String, Value>,
    /// Account id → account.
    pub accounts: BTreeMap<String, Account>,
    /// Capability URI → primary account id.
    pub primary_accounts: BTreeMap<String, String>,
    /// username.
    pub username: String,
    /// apiUrl, absolute.
    pub api_url: String,
    /// downloadUrl template, absolute.
    pub download_url: String,
    /// uploadUrl template, absolute.
    pub upload_url: String,
    /// eventSourceUrl template, absolute (may be empty).
    pub event_source_url: String,
    /// state: compare with a response's `sessionState` (R1).
    pub state: String,
    /// Core limits.
    pub limits: CoreLimits,
}

fn bad(detail: impl Into<String>) -> Error {
    Error::new(Code::Malformed, format!("JMAP session: {}", detail.into()))
}

fn string(obj: &serde_json::Map<String, Value>, key: &str) -> Result<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| bad(format!("missing string {key:?}")))
}

impl Session {
    /// Parse a Session object fetched from `session_url` (RFC 8620 §2).
    /// Unknown fields are ignored; URLs are resolved against `session_url`.
    pub fn parse(json: &[u8], session_url: &str) -> Result<Session> {
        if json.len() > limits::MAX_SESSION_BYTES {
            return Err(Error::limit(format!("JMAP session larger than {} bytes", limits::MAX_SESSION_BYTES)));
        }
        let v: Value = serde_json::from_slice(json).map_err(|e| bad(format!("not JSON: {e}")))?;
        let obj = v.as_object().ok_or_else(|| bad("not an object"))?;
        let capabilities: BTreeMap<String, Value> =
            obj.get("capabilities").and_then(Value::as_object).ok_or_else(|| bad("missing capabilities"))?.clone().into_iter().collect();
        if !capabilities.contains_key(CAP_CORE) {
            return Err(bad("the core capability is missing"));
        }
        let accounts_obj = obj.get("accounts").and_then(Value::as_object).ok_or_else(|| bad("missing accounts"))?;
        if accounts_obj.len() > limits::MAX_SESSION_ACCOUNTS {
            return Err(Error::limit(format!("more than {} accounts", limits::MAX_SESSION_ACCOUNTS)));
        }
        let mut accounts = BTreeMap::new();
        for (id, a) in accounts_obj {
            let a = a.as_object().ok_or_else(|| bad(format!("account {id} is not an object")))?;
            let caps = a.get("accountCapabilities").and_then(Value::as_object).map(|m| m.clone().into_iter().collect());
            accounts.insert(
                id.clone(),
                Account {
                    name: a.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(),
                    is_personal: a.get("isPersonal").and_then(Value::as_bool).unwrap_or(false),
                    is_read_only: a.get("isReadOnly").and_then(Value::as_bool).unwrap_or(false),
                    capabilities: caps,
                },
            );
        }
        let primary_accounts = obj
            .get("primaryAccounts")
            .and_then(Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect())
            .unwrap_or_default();
        let core = capabilities.get(CAP_CORE).and_then(Value::as_object);
        let num = |key: &str, default: u64| core.and_then(|c| c.get(key)).and_then(Value::as_u64).filter(|n| *n > 0).unwrap_or(default);
        let d = CoreLimits::default();
        let limits = CoreLimits {
            max_size_upload: num("maxSizeUpload", d.max_size_upload),
            max_concurrent_upload: num("maxConcurrentUpload", d.max_concurrent_upload),
            max_size_request: num("maxSizeRequest", d.max_size_request),
            max_concurrent_requests: num("maxConcurrentRequests", d.max_concurrent_requests),
            max_calls_in_request: num("maxCallsInRequest", d.max_calls_in_request),
            max_objects_in_get: num("maxObjectsInGet", d.max_objects_in_get),
            max_objects_in_set: num("maxObjectsInSet", d.max_objects_in_set),
        };
        let download_url = resolve(session_url, &string(obj, "downloadUrl")?)?;
        // RFC 8620 §2: downloadUrl MUST contain these variables.
        for var in ["{accountId}", "{blobId}", "{type}", "{name}"] {
            if !download_url.contains(var) {
                return Err(bad(format!("downloadUrl lacks {var}")));
            }
        }
        Ok(Session {
            url: session_url.to_owned(),
            capabilities,
            accounts,
            primary_accounts,
            username: obj.get("username").and_then(Value::as_str).unwrap_or_default().to_owned(),
            api_url: resolve(session_url, &string(obj, "apiUrl")?)?,
            download_url,
            upload_url: resolve(session_url, &string(obj, "uploadUrl")?)?,
            event_source_url: match obj.get("eventSourceUrl").and_then(Value::as_str) {
                Some(u) => resolve(session_url, u)?,
                None => String::new(),
            },
            state: string(obj, "state")?,
            limits,
        })
    }

    /// The primary mail account, else the only account.
    pub fn mail_account(&self) -> Option<&str> {
        self.primary_accounts.get(super::CAP_MAIL).map(String::as_str).or_else(|| {
            match self.accounts.keys().collect::<Vec<_>>().as_slice() {
                [only] => Some(only.as_str()),
                _ => None,
            }
        })
    }

    /// R2: S/MIME properties and filters may be used for `account_id` only
    /// when the session advertises the capability and the account does too
    /// (an account whose accountCapabilities is null is taken at the
    /// session's word).
    pub fn supports_smime(&self, account_id: &str) -> bool {
        self.capabilities.contains_key(CAP_SMIMEVERIFY)
            && self.accounts.get(account_id).is_some_and(|a| a.capabilities.as_ref().is_none_or(|c| c.contains_key(CAP_SMIMEVERIFY)))
    }

    /// Issue 12 §4: the server says its RFC 9219 status includes revocation
    /// checked online (`CAP_ONLINE_REVOCATION`, in the session and the
    /// account, read as [`Session::supports_smime`] reads its capability).
    pub fn checks_revocation_online(&self, account_id: &str) -> bool {
        self.supports_smime(account_id)
            && self.capabilities.contains_key(CAP_ONLINE_REVOCATION)
            && self.accounts.get(account_id).is_some_and(|a| a.capabilities.as_ref().is_none_or(|c| c.contains_key(CAP_ONLINE_REVOCATION)))
    }

    /// The download URL of a blob (RFC 8620 §6.2), with the level-1 URI
    /// template variables percent-encoded (RFC 6570 §3.2.2). For a raw message
    /// pass `Email.blobId` and `message/rfc822` (R15).
    pub fn blob_url(&self, account_id: &str, blob_id: &str, media_type: &str, name: &str) -> String {
        self.download_url
            .replace("{accountId}", &pct(account_id))
            .replace("{blobId}", &pct(blob_id))
            .replace("{type}", &pct(media_type))
            .replace("{name}", &pct(name))
    }

    /// R1: a response's `sessionState` differing from ours means refetch.
    pub fn is_stale(&self, session_state: &str) -> bool {
        session_state != self.state
    }
}

/// RFC 6570 simple string expansion: everything but unreserved characters is
/// percent-encoded (UTF-8).
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Resolve a URL reference against an absolute base (RFC 3986 §5.2, for the
/// forms JMAP servers use: absolute, scheme-relative, absolute-path and
/// relative-path references; dot segments are not normalised).
pub fn resolve(base: &str, reference: &str) -> Result<String> {
    let is_absolute = reference
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        && !reference.starts_with('/');
    if is_absolute && !reference.starts_with('{') {
        return Ok(reference.to_owned());
    }
    let (scheme, rest) =
        base.split_once("://").ok_or_else(|| Error::new(Code::InvalidArgument, format!("session URL {base:?} is not absolute")))?;
    if let Some(r) = reference.strip_prefix("//") {
        return Ok(format!("{scheme}://{r}"));
    }
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or(rest);
    if reference.starts_with('/') {
        return Ok(format!("{scheme}://{authority}{reference}"));
    }
    let path = rest.get(authority_end..).unwrap_or("");
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = match path.rfind('/') {
        Some(i) => path.get(..=i).unwrap_or("/"),
        None => "/",
    };
    Ok(format!("{scheme}://{authority}{dir}{reference}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_table() {
        let base = "https://mail.example.com/jmap/session?x=1";
        let cases = [
            ("https://api.example.com/jmap/", "https://api.example.com/jmap/"),
            (
                "/jmap/download/{accountId}/{blobId}/{name}?accept={type}",
                "https://mail.example.com/jmap/download/{accountId}/{blobId}/{name}?accept={type}",
            ),
            ("//cdn.example.com/x", "https://cdn.example.com/x"),
            ("api/", "https://mail.example.com/jmap/api/"),
        ];
        for (r, want) in cases {
            assert_eq!(resolve(base, r).unwrap(), want, "{r}");
        }
        assert_eq!(resolve("relative", "/x").unwrap_err().code, Code::InvalidArgument);
    }

    #[test]
    fn template_escaping() {
        assert_eq!(pct("message/rfc822"), "message%2Frfc822");
        assert_eq!(pct("a b+ü"), "a%20b%2B%C3%BC");
        assert_eq!(pct("M1a-2_b.c~"), "M1a-2_b.c~");
    }
}
