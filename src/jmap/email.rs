//! Email objects from Email/get (RFC 8621 §4.1) as a mailbox page needs them,
//! the server's RFC 9219 properties (R5–R9), and which messages to download
//! (issue 4 §1: the server's word, or the bodyStructure root).

use serde::Serialize;
use serde_json::Value;
#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::asn1::time::{parse_rfc3339, UnixTime};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::reconcile::ServerReport;

/// An address (RFC 8621 §4.1.2.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct EmailAddress {
    /// Display name, if any.
    pub name: Option<String>,
    /// The address.
    pub email: String,
}

/// Where the bodyStructure shows an S/MIME signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum SignatureForm {
    /// The root is multipart/signed, application/(x-)pkcs7-mime, or an
    /// octet-stream named .p7m/.p7s.
    Root,
    /// Only a part below the root is (a signed part in an unsigned container).
    Nested,
    /// No S/MIME anywhere.
    None,
}

/// The Email properties a mailbox page shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct EmailSummary {
    /// Email id.
    pub id: String,
    /// The raw message's blob id (R15).
    pub blob_id: String,
    /// Thread id.
    pub thread_id: Option<String>,
    /// receivedAt (UTCDate), as sent.
    pub received_at: String,
    /// sentAt (the Date header, R16).
    pub sent_at: Option<String>,
    /// From.
    pub from: Option<Vec<EmailAddress>>,
    /// Sender.
    pub sender: Option<Vec<EmailAddress>>,
    /// Subject.
    pub subject: Option<String>,
    /// Size in octets.
    pub size: u64,
    /// Preview text.
    pub preview: Option<String>,
    /// Where the bodyStructure shows a signature.
    pub signature_form: SignatureForm,
    /// The bodyStructure, as the server sent it.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, unknown> | null"))]
    pub body_structure: Value,
    /// receivedAt in unix seconds.
    #[serde(skip)]
    pub received_at_unix: Option<UnixTime>,
}

fn bad(detail: impl Into<String>) -> Error {
    Error::new(Code::ResponseNotJson, format!("Email/get: {}", detail.into()))
}

fn opt_string(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Option<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("{key} is not a string"))),
    }
}

fn addresses(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Option<Vec<EmailAddress>>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(list)) => list
            .iter()
            .map(|a| {
                let email = a.get("email").and_then(Value::as_str).ok_or_else(|| bad(format!("{key}: an address without email")))?;
                Ok(EmailAddress { name: a.get("name").and_then(Value::as_str).map(str::to_owned), email: email.to_owned() })
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(bad(format!("{key} is not a list"))),
    }
}

/// Is this body part S/MIME (signed or enveloped)?
fn is_smime_part(part: &Value) -> bool {
    let ty = part.get("type").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
    match ty.as_str() {
        "multipart/signed" | "application/pkcs7-mime" | "application/x-pkcs7-mime" => true,
        "application/octet-stream" => {
            let name = part.get("name").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
            name.ends_with(".p7m") || name.ends_with(".p7s")
        }
        _ => false,
    }
}

/// Where the bodyStructure shows S/MIME. The walk is bounded by
/// `MAX_MIME_DEPTH` and `MAX_MIME_PARTS`; a structure past them counts as
/// `Nested` so the message is downloaded and the verifier decides.
pub fn signature_form(body: &Value) -> SignatureForm {
    if is_smime_part(body) {
        return SignatureForm::Root;
    }
    let mut stack: Vec<(&Value, usize)> = vec![(body, 0)];
    let mut seen = 0usize;
    while let Some((part, depth)) = stack.pop() {
        seen = seen.saturating_add(1);
        if depth > limits::MAX_MIME_DEPTH || seen > limits::MAX_MIME_PARTS {
            return SignatureForm::Nested;
        }
        let ty = part.get("type").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
        if depth > 0 && (is_smime_part(part) || ty == "application/pkcs7-signature" || ty == "application/x-pkcs7-signature") {
            return SignatureForm::Nested;
        }
        if let Some(subs) = part.get("subParts").and_then(Value::as_array) {
            stack.extend(subs.iter().map(|s| (s, depth.saturating_add(1))));
        }
    }
    SignatureForm::None
}

/// The RFC 9219 properties of one Email (only read when the account has the
/// capability). Tokens are kept as sent, unknown ones too (R5); errors are
/// opaque text (R8); a bad `smimeVerifiedAt` is dropped, not fatal.
pub fn server_report(obj: &serde_json::Map<String, Value>) -> Result<ServerReport> {
    let errors = match obj.get("smimeErrors") {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => Some(list.iter().map(|e| e.as_str().map(str::to_owned).unwrap_or_else(|| e.to_string())).collect()),
        Some(_) => return Err(bad("smimeErrors is not a list")),
    };
    let verified_at = opt_string(obj, "smimeVerifiedAt")?.and_then(|s| parse_rfc3339(&s).ok());
    Ok(ServerReport::from_jmap(
        opt_string(obj, "smimeStatus")?.as_deref(),
        opt_string(obj, "smimeStatusAtDelivery")?.as_deref(),
        errors,
        verified_at,
    ))
}

impl EmailSummary {
    /// What this Email object shows of the message's header fields, for the
    /// comparison with the checked bytes (issue 9 §3).
    pub fn server_headers(&self) -> crate::reconcile::headers::ServerHeaders<'_> {
        crate::reconcile::headers::ServerHeaders {
            from: self.from.as_deref(),
            sender: self.sender.as_deref(),
            subject: self.subject.as_deref(),
            sent_at: self.sent_at.as_deref(),
        }
    }

    /// Read one Email object. `smime`: the request asked for the RFC 9219
    /// properties, so the report is returned.
    pub fn from_jmap(v: &Value, smime: bool) -> Result<(EmailSummary, Option<ServerReport>)> {
        let obj = v.as_object().ok_or_else(|| bad("an Email is not an object"))?;
        let id = opt_string(obj, "id")?.ok_or_else(|| bad("an Email without id"))?;
        let blob_id = opt_string(obj, "blobId")?.ok_or_else(|| bad(format!("Email {id} has no blobId")))?;
        let received_at = opt_string(obj, "receivedAt")?.unwrap_or_default();
        let body_structure = obj.get("bodyStructure").cloned().unwrap_or(Value::Null);
        let summary = EmailSummary {
            thread_id: opt_string(obj, "threadId")?,
            received_at_unix: parse_rfc3339(&received_at).ok(),
            received_at,
            sent_at: opt_string(obj, "sentAt")?,
            from: addresses(obj, "from")?,
            sender: addresses(obj, "sender")?,
            subject: opt_string(obj, "subject")?,
            size: obj.get("size").and_then(Value::as_u64).unwrap_or(0),
            preview: opt_string(obj, "preview")?,
            signature_form: signature_form(&body_structure),
            body_structure,
            id,
            blob_id,
        };
        let report = if smime { Some(server_report(obj)?) } else { None };
        Ok((summary, report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signature_form_table() {
        let cases = [
            (json!({"type": "multipart/signed", "subParts": []}), SignatureForm::Root),
            (json!({"type": "Application/X-PKCS7-MIME"}), SignatureForm::Root),
            (json!({"type": "application/octet-stream", "name": "smime.P7M"}), SignatureForm::Root),
            (json!({"type": "application/octet-stream", "name": "data.bin"}), SignatureForm::None),
            (json!({"type": "text/plain"}), SignatureForm::None),
            (json!({"type": "multipart/mixed", "subParts": [{"type": "text/plain"}, {"type": "multipart/signed"}]}), SignatureForm::Nested),
            (
                json!({"type": "multipart/mixed", "subParts": [{"type": "application/pkcs7-signature", "name": "smime.p7s"}]}),
                SignatureForm::Nested,
            ),
            (
                json!({"type": "multipart/mixed", "subParts": [{"type": "message/rfc822", "subParts": [{"type": "application/pkcs7-mime"}]}]}),
                SignatureForm::Nested,
            ),
            (json!(null), SignatureForm::None),
        ];
        for (body, want) in cases {
            assert_eq!(signature_form(&body), want, "{body}");
        }
    }
}
