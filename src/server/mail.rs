//! The RFC 8621 view of a stored message: header properties, bodyStructure,
//! text bodies and preview, computed once when the message is loaded, with
//! the crate's own MIME parser (the same byte ranges the verifier uses).

use serde_json::{json, Map, Value};

use crate::address::{self, decode_unstructured};
use crate::asn1::time::{to_rfc3339, UnixTime};
use crate::mime::{self, header::charset_decode, Entity};

/// Longest preview (RFC 8621 §4.1.4: up to 256 characters).
const PREVIEW_CHARS: usize = 256;

/// One leaf part, for part-blob downloads.
#[derive(Clone, Debug)]
pub struct Part {
    /// partId.
    pub part_id: String,
    /// Media type.
    pub media_type: String,
    /// The decoded content.
    pub content: Vec<u8>,
}

/// What Email/get serves besides ids and S/MIME.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// Header-derived properties (subject, from, sender, to, cc, replyTo,
    /// sentAt, messageId), as JMAP values.
    pub headers: Map<String, Value>,
    /// bodyStructure.
    pub body_structure: Value,
    /// textBody and htmlBody (lists of EmailBodyPart) and attachments.
    pub text_body: Vec<Value>,
    /// htmlBody.
    pub html_body: Vec<Value>,
    /// attachments.
    pub attachments: Vec<Value>,
    /// bodyValues for the text parts (partId → value).
    pub body_values: Map<String, Value>,
    /// preview.
    pub preview: String,
    /// sentAt in unix seconds (for sorting).
    pub sent_at: Option<UnixTime>,
    /// Leaf parts by partId.
    pub parts: Vec<Part>,
    /// Lower-cased text for the `text` filter (subject, addresses, text bodies).
    pub search_text: String,
}

/// An author or recipient field as JMAP EmailAddress objects (RFC 8621
/// §4.1.2.3), read by the one strict parser the verifier uses
/// (src/address.rs): From as a mailbox-list, Sender as one mailbox, the
/// others as address-lists with groups flattened. `null` when the message
/// has no such field. `[]` when the field does not parse strictly or appears
/// more than once (RFC 5322 §3.6 allows one): the Addresses form then holds no
/// address rather than one the verifier did not compare (the raw value is
/// still in the part's `headers`, and the verdict says `address-unparseable`).
pub fn addresses(field: &str, values: &[&str]) -> Value {
    let parsed = match (field, values) {
        (_, []) => return Value::Null,
        ("From", _) => address::from_field(values),
        ("Sender", _) => address::sender_field(values).map(|m| m.into_iter().collect()),
        (_, [one]) => address::parse_address_list(field, one),
        _ => return json!([]),
    };
    let list = parsed.unwrap_or_default();
    Value::Array(list.iter().map(|m| json!({"name": m.name, "email": m.addr_spec})).collect())
}

fn header<'e>(e: &'e Entity, name: &str) -> Option<&'e str> {
    e.header(name).map(|h| h.value.trim())
}

fn part_json(e: &Entity, raw: &[u8], blob_prefix: &str) -> Value {
    let mut m = Map::new();
    let leaf = e.children.is_empty() || e.content_type.value == "message/rfc822";
    m.insert("partId".into(), if leaf { json!(if e.path.is_empty() { "1".to_owned() } else { e.path.clone() }) } else { Value::Null });
    // RFC 8621 §4.1.4: blobId is null if, and only if, the part is a multipart.
    let blob_id = if leaf { json!(format!("{blob_prefix}.{}", if e.path.is_empty() { "1" } else { &e.path })) } else { Value::Null };
    m.insert("blobId".into(), blob_id);
    let size = e.decoded_body(raw).map_or(0, |b| b.len());
    m.insert("size".into(), json!(if leaf { size } else { 0 }));
    m.insert("headers".into(), Value::Array(e.headers.iter().map(|h| json!({"name": h.name, "value": h.value})).collect()));
    m.insert("name".into(), e.file_name().map_or(Value::Null, Value::String));
    m.insert("type".into(), json!(e.content_type.value));
    m.insert(
        "charset".into(),
        match e.content_type.param("charset") {
            Some(c) => json!(c.to_ascii_lowercase()),
            None if e.content_type.value.starts_with("text/") => json!("us-ascii"),
            None => Value::Null,
        },
    );
    let disposition = header(e, "Content-Disposition").and_then(|d| d.split(';').next()).map(|d| d.trim().to_ascii_lowercase());
    m.insert("disposition".into(), disposition.map_or(Value::Null, Value::String));
    m.insert("cid".into(), header(e, "Content-ID").map_or(Value::Null, |c| json!(c.trim_matches(['<', '>']))));
    // RFC 8621 §4.1.4: language (Content-Language tags) and location (Content-Location).
    m.insert(
        "language".into(),
        header(e, "Content-Language")
            .map_or(Value::Null, |l| Value::Array(l.split(',').map(str::trim).filter(|t| !t.is_empty()).map(|t| json!(t)).collect())),
    );
    m.insert("location".into(), header(e, "Content-Location").map_or(Value::Null, |l| json!(l)));
    if !leaf {
        m.insert("subParts".into(), Value::Array(e.children.iter().map(|c| part_json(c, raw, blob_prefix)).collect()));
    }
    Value::Object(m)
}

/// Parse a stored message. Never fails: a message the MIME parser refuses
/// is served as one opaque text/plain part.
pub fn parse(raw: &[u8], blob_id: &str) -> Parsed {
    let root = mime::parse(raw).unwrap_or_else(|_| Entity {
        path: String::new(),
        start: 0,
        body_start: 0,
        end: raw.len(),
        headers: Vec::new(),
        content_type: mime::ContentType::text_plain(),
        encoding: mime::TransferEncoding::SevenBit,
        children: Vec::new(),
        closed: true,
    });
    let mut headers = Map::new();
    let subject = header(&root, "Subject").map(decode_unstructured);
    headers.insert("subject".into(), subject.clone().map_or(Value::Null, Value::String));
    for (prop, name) in [("from", "From"), ("sender", "Sender"), ("to", "To"), ("cc", "Cc"), ("bcc", "Bcc"), ("replyTo", "Reply-To")] {
        let values: Vec<&str> = root.headers_named(name).map(|h| h.value.as_str()).collect();
        headers.insert(prop.into(), addresses(name, &values));
    }
    let sent_at = header(&root, "Date").and_then(crate::verifier::parse_rfc5322_date);
    headers.insert("sentAt".into(), sent_at.map_or(Value::Null, |t| json!(to_rfc3339(t))));
    headers.insert("messageId".into(), header(&root, "Message-ID").map_or(Value::Null, |v| json!([v.trim().trim_matches(['<', '>'])])));
    let body_structure = part_json(&root, raw, blob_id);
    let mut parsed = Parsed {
        headers,
        body_structure,
        text_body: Vec::new(),
        html_body: Vec::new(),
        attachments: Vec::new(),
        body_values: Map::new(),
        preview: String::new(),
        sent_at,
        parts: Vec::new(),
        search_text: String::new(),
    };
    let mut search = subject.unwrap_or_default();
    for e in root.walk() {
        if !e.children.is_empty() && e.content_type.value != "message/rfc822" {
            continue;
        }
        let part_id = if e.path.is_empty() { "1".to_owned() } else { e.path.clone() };
        let content = e.decoded_body(raw).map(|c| c.into_owned()).unwrap_or_default();
        let ty = e.content_type.value.clone();
        let is_attachment = header(e, "Content-Disposition").is_some_and(|d| d.to_ascii_lowercase().starts_with("attachment"));
        let pj = part_json(e, raw, blob_id);
        if (ty == "text/plain" || ty == "text/html") && !is_attachment {
            let text = charset_decode(e.content_type.param("charset").unwrap_or("us-ascii"), &content);
            if ty == "text/plain" {
                if parsed.preview.is_empty() {
                    parsed.preview = text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(PREVIEW_CHARS).collect();
                }
                parsed.text_body.push(pj.clone());
                search.push(' ');
                search.push_str(&text);
            } else {
                parsed.html_body.push(pj.clone());
            }
            parsed.body_values.insert(part_id.clone(), json!({"value": text, "isEncodingProblem": false, "isTruncated": false}));
        } else {
            parsed.attachments.push(pj);
        }
        parsed.parts.push(Part { part_id, media_type: ty, content });
    }
    for prop in ["from", "to", "cc", "sender"] {
        if let Some(list) = parsed.headers.get(prop).and_then(Value::as_array) {
            for a in list {
                search.push(' ');
                search.push_str(a.get("email").and_then(Value::as_str).unwrap_or(""));
                search.push(' ');
                search.push_str(a.get("name").and_then(Value::as_str).unwrap_or(""));
            }
        }
    }
    parsed.search_text = search.to_lowercase();
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_lists() {
        let to = addresses("To", &["\"Doe, Jane\" <jane@example.com>, bob@example.org (Bob), =?UTF-8?Q?Ren=C3=A9?= <rene@example.fr>"]);
        assert_eq!(
            to,
            json!([
                {"name": "Doe, Jane", "email": "jane@example.com"},
                {"name": null, "email": "bob@example.org"},
                {"name": "Ren\u{e9}", "email": "rene@example.fr"},
            ])
        );
        let cases: &[(&str, &[&str], Value)] = &[
            ("From", &[], Value::Null),
            ("From", &["Alice <alice@example.com>"], json!([{"name": "Alice", "email": "alice@example.com"}])),
            // What the verifier refuses, the server shows no address for.
            ("From", &["Alice <alice@example.com>: bob@example.com;"], json!([])),
            ("From", &["alice@example.com", "mallory@example.com"], json!([])),
            ("From", &["Mallory <mallory@evil.example>\r <alice@example.com>"], json!([])),
            ("Sender", &["bob@example.com"], json!([{"name": null, "email": "bob@example.com"}])),
            ("Sender", &["a@example.com, b@example.com"], json!([])),
            ("To", &["undisclosed-recipients:;"], json!([])),
            (
                "To",
                &["G: a@example.com;, b@example.com"],
                json!([{"name": null, "email": "a@example.com"}, {"name": null, "email": "b@example.com"}]),
            ),
            ("Cc", &["a@example.com", "b@example.com"], json!([])),
        ];
        for (field, values, want) in cases {
            assert_eq!(addresses(field, values), *want, "{field}: {values:?}");
        }
    }
}
