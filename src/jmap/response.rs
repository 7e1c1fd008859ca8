//! Reading JMAP answers (RFC 8620 §3.4, §3.6): HTTP status, request-level
//! problem details, the Response object, and method-level errors, each a
//! typed error with a stable code (R13).

use serde_json::Value;

use super::transport::HttpResponse;
use crate::error::{Code, Error, Result};

/// RFC 8620 §3.6.1 problem type prefix.
const PROBLEM_PREFIX: &str = "urn:ietf:params:jmap:error:";

/// One method response: `[name, arguments, callId]`.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodResponse {
    /// Method name, or "error".
    pub name: String,
    /// Arguments.
    pub args: Value,
    /// The call id it answers.
    pub call_id: String,
}

/// A parsed Response object.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiResponse {
    /// The method responses, in order.
    pub responses: Vec<MethodResponse>,
    /// `sessionState` (R1).
    pub session_state: String,
}

/// A request-level problem type (RFC 8620 §3.6.1) as an error.
pub fn problem_error(problem_type: &str, status: u16, detail: &str) -> Error {
    let code = match problem_type.strip_prefix(PROBLEM_PREFIX) {
        Some("unknownCapability") => Code::JmapUnknownCapability,
        Some("notJSON") => Code::JmapNotJson,
        Some("notRequest") => Code::JmapNotRequest,
        Some("limit") => Code::JmapLimit,
        _ => Code::JmapRequestFailed,
    };
    let detail = if detail.is_empty() { String::new() } else { format!(": {detail}") };
    Error::new(code, format!("the JMAP server answered HTTP {status} {problem_type}{detail}"))
}

/// A method-level error (RFC 8620 §3.6.2, RFC 8621 §4.4–4.5). Types this
/// client does not know count as `serverFail` (R13).
pub fn method_error(method: &str, args: &Value) -> Error {
    let kind = args.get("type").and_then(Value::as_str).unwrap_or("");
    let code = match kind {
        "serverUnavailable" => Code::ServerUnavailable,
        "serverFail" => Code::ServerFail,
        "serverPartialFail" => Code::ServerPartialFail,
        "unknownMethod" => Code::UnknownMethod,
        "invalidArguments" => Code::InvalidArguments,
        "invalidResultReference" => Code::InvalidResultReference,
        "forbidden" => Code::Forbidden,
        "accountNotFound" => Code::AccountNotFound,
        "accountNotSupportedByMethod" => Code::AccountNotSupported,
        "accountReadOnly" => Code::AccountReadOnly,
        "anchorNotFound" => Code::AnchorNotFound,
        "unsupportedSort" => Code::UnsupportedSort,
        "unsupportedFilter" => Code::UnsupportedFilter,
        "cannotCalculateChanges" => Code::CannotCalculateChanges,
        // RFC 8620 §3.6.2: limit (with a `limit` property) also occurs per method.
        "requestTooLarge" | "tooManyChanges" => Code::JmapLimit,
        _ => Code::ServerFail,
    };
    let mut detail = format!("{method} failed: {}", if kind.is_empty() { "(no type)" } else { kind });
    if let Some(d) = args.get("description").and_then(Value::as_str) {
        detail.push_str(&format!(" ({})", d.chars().take(500).collect::<String>()));
    }
    Error::new(code, detail)
}

/// Turn an HTTP error status into an error; 2xx passes. Problem details
/// (RFC 7807) name the JMAP problem type.
pub fn check_status(resp: &HttpResponse, what: &str) -> Result<()> {
    if (200..300).contains(&resp.status) {
        return Ok(());
    }
    if resp.status == 401 || resp.status == 403 {
        return Err(Error::new(Code::Unauthorized, format!("{what}: HTTP {}", resp.status)));
    }
    if let Ok(v) = serde_json::from_slice::<Value>(&resp.body) {
        if let Some(t) = v.get("type").and_then(Value::as_str) {
            let detail = v.get("detail").and_then(Value::as_str).unwrap_or("");
            return Err(problem_error(t, resp.status, &detail.chars().take(500).collect::<String>()));
        }
    }
    Err(Error::new(Code::JmapRequestFailed, format!("{what}: HTTP {}", resp.status)))
}

/// Parse an API response (after [`check_status`]).
pub fn parse_api_response(resp: &HttpResponse) -> Result<ApiResponse> {
    check_status(resp, "JMAP API request")?;
    let not_jmap = |d: &str| Error::new(Code::ResponseNotJson, format!("JMAP API response: {d}"));
    let v: Value = serde_json::from_slice(&resp.body).map_err(|e| not_jmap(&format!("not JSON ({e})")))?;
    let obj = v.as_object().ok_or_else(|| not_jmap("not an object"))?;
    let list = obj.get("methodResponses").and_then(Value::as_array).ok_or_else(|| not_jmap("no methodResponses"))?;
    let mut responses = Vec::with_capacity(list.len());
    for r in list {
        let (name, args, call_id) = match r.as_array().map(Vec::as_slice) {
            Some([Value::String(n), a @ Value::Object(_), Value::String(c)]) => (n.clone(), a.clone(), c.clone()),
            _ => return Err(not_jmap("a method response is not [name, arguments, callId]")),
        };
        responses.push(MethodResponse { name, args, call_id });
    }
    let session_state = obj.get("sessionState").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(ApiResponse { responses, session_state })
}

impl ApiResponse {
    /// The arguments answering `call_id`, which must be `method`; an `error`
    /// answer becomes its typed error. With several answers to one call id
    /// (RFC 8620 §3.4 allows it), the one named `method` wins.
    pub fn take(&self, call_id: &str, method: &str) -> Result<&Value> {
        let mut found = None;
        for r in self.responses.iter().filter(|r| r.call_id == call_id) {
            if r.name == method {
                return Ok(&r.args);
            }
            found = Some(r);
        }
        match found {
            Some(r) if r.name == "error" => Err(method_error(method, &r.args)),
            Some(r) => Err(Error::new(Code::ResponseNotJson, format!("{method}: the server answered with {:?}", r.name))),
            None => Err(Error::new(Code::ResponseNotJson, format!("{method}: no response for call {call_id:?}"))),
        }
    }
}
