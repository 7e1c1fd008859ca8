//! The RFC 8621 view of a stored message: header properties, bodyStructure,
//! text bodies and preview, computed once when the message is loaded, with
//! the crate's own MIME parser (the same byte ranges the verifier uses).

use serde_json::{json, Map, Value};

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

/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in an unstructured value.
pub fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, tail) = rest.split_at(start);
        let parsed = tail.get(2..).and_then(|t| {
            let mut it = t.splitn(3, '?');
            let charset = it.next()?;
            let enc = it.next()?;
            let after = it.next()?;
            let end = after.find("?=")?;
            let text = after.get(..end)?;
            let bytes = match enc {
                "B" | "b" => mime::decode::base64(text.as_bytes()).ok()?,
                "Q" | "q" => mime::decode::quoted_printable(text.replace('_', " ").as_bytes()),
                _ => return None,
            };
            let consumed = 2usize.checked_add(charset.len())?.checked_add(enc.len())?.checked_add(2)?.checked_add(end)?.checked_add(2)?;
            Some((charset_decode(charset, &bytes), consumed))
        });
        match parsed {
            Some((text, consumed)) => {
                // Whitespace between two encoded words is dropped (RFC 2047 §6.2).
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = tail.get(consumed..).unwrap_or("");
                last_was_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = tail.get(2..).unwrap_or("");
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An address-list header as JMAP EmailAddress objects (RFC 8621 §4.1.2.3).
pub fn addresses(v: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut in_quote, mut in_angle, mut depth) = (false, false, 0u32);
    let mut push = |item: &str| {
        let item = item.trim();
        if item.is_empty() {
            return;
        }
        let (name, email) = match (item.find('<'), item.rfind('>')) {
            (Some(a), Some(b)) if a < b => (item.get(..a).unwrap_or("").trim(), item.get(a.saturating_add(1)..b).unwrap_or("").trim()),
            _ => ("", item),
        };
        let name = decode_words(name.trim_matches('"').trim());
        out.push(json!({"name": if name.is_empty() { Value::Null } else { Value::String(name) }, "email": email}));
    };
    for c in v.chars() {
        match c {
            '"' if depth == 0 => in_quote = !in_quote,
            '<' if !in_quote => in_angle = true,
            '>' if !in_quote => in_angle = false,
            '(' if !in_quote => depth = depth.saturating_add(1),
            ')' if !in_quote => depth = depth.saturating_sub(1),
            ',' if !in_quote && !in_angle && depth == 0 => {
                push(&current);
                current.clear();
                continue;
            }
            _ => {}
        }
        if depth == 0 && c != ')' {
            current.push(c);
        }
    }
    push(&current);
    out
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
        headers: Default::default(),
        content_type: mime::ContentType::text_plain(),
        encoding: mime::TransferEncoding::SevenBit,
        children: Vec::new(),
        closed: true,
    });
    let mut headers = Map::new();
    let subject = header(&root, "Subject").map(decode_words);
    headers.insert("subject".into(), subject.clone().map_or(Value::Null, Value::String));
    for (prop, name) in [("from", "From"), ("sender", "Sender"), ("to", "To"), ("cc", "Cc"), ("bcc", "Bcc"), ("replyTo", "Reply-To")] {
        headers.insert(prop.into(), header(&root, name).map_or(Value::Null, |v| Value::Array(addresses(v))));
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
    fn encoded_words() {
        assert_eq!(decode_words("=?UTF-8?B?w6l0w6k=?= report"), "été report");
        assert_eq!(decode_words("=?iso-8859-1?Q?caf=E9_au_lait?="), "café au lait");
        assert_eq!(decode_words("=?UTF-8?Q?a?= =?UTF-8?Q?b?="), "ab");
        assert_eq!(decode_words("plain =? not a word"), "plain =? not a word");
    }

    #[test]
    fn address_lists() {
        let v = addresses("\"Doe, Jane\" <jane@example.com>, bob@example.org (Bob), =?UTF-8?Q?Ren=C3=A9?= <rene@example.fr>");
        assert_eq!(v.len(), 3);
        assert_eq!(v[0], json!({"name": "Doe, Jane", "email": "jane@example.com"}));
        assert_eq!(v[1], json!({"name": null, "email": "bob@example.org"}));
        assert_eq!(v[2], json!({"name": "René", "email": "rene@example.fr"}));
    }
}
