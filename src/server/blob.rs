//! How blobs are served (RFC 8620 §6.2). A blob is whatever a sender put in
//! a message, and the download URL lives on the app's origin, so nothing in
//! a blob may run there, whatever `?type=` asks (it once returned
//! `text/html` as asked):
//! - the Content-Type is one of a short allow-list of passive types (the
//!   asked type when it is on the list, the stored type when none is asked),
//!   otherwise `application/octet-stream`; the header is always one of the
//!   list's constants, never text from the URL. An allow-list rather than a
//!   deny-list: scriptable types keep appearing (`+xml` suffixes, XSLT,
//!   `multipart/x-mixed-replace`, new script types), passive ones do not.
//! - `Content-Disposition: attachment` with the JMAP `name` (RFC 6266,
//!   filename* per RFC 8187), `X-Content-Type-Options: nosniff`, and
//!   `Content-Security-Policy: default-src 'none'; sandbox` (should a browser
//!   render it anyway, it is an opaque origin that loads and runs nothing).
//!
//! `message/rfc822` is on the list and served byte for byte: the client
//! verifies exactly those bytes.

use axum::http::{header, HeaderName, HeaderValue};

use crate::limits;

/// Types a browser shows without running anything from the content. The raw
/// message and the S/MIME and PKIX objects are what this server's clients
/// download; plain text and the common raster images are what a webmail
/// shows; everything else is a download of octets.
pub const PASSIVE_TYPES: &[&str] = &[
    "message/rfc822",
    "text/plain",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pkcs7-mime",
    "application/x-pkcs7-mime",
    "application/pkix-cert",
    "application/pkix-crl",
    "application/octet-stream",
];

/// What anything else is served as.
pub const FALLBACK_TYPE: &str = "application/octet-stream";

/// The Content-Security-Policy of every blob.
pub const BLOB_CSP: &str = "default-src 'none'; sandbox";

/// RFC 3986 percent-decoding; a `%` not followed by two hex digits stays.
pub fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|h| char::from(*h).to_digit(16));
        match (c, hex(i.saturating_add(1)), hex(i.saturating_add(2))) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h.saturating_mul(16).saturating_add(l)).unwrap_or(b'?'));
                i = i.saturating_add(3);
            }
            _ => {
                out.push(c);
                i = i.saturating_add(1);
            }
        }
    }
    out
}

/// The type to serve: `asked` (the decoded `type` query parameter, if any)
/// or else `stored`, reduced to type/subtype, when it is a passive type.
pub fn served_type(asked: Option<&str>, stored: &str) -> &'static str {
    let wanted = asked.unwrap_or(stored);
    let essence = wanted.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    PASSIVE_TYPES.iter().find(|t| **t == essence).copied().unwrap_or(FALLBACK_TYPE)
}

/// The decoded value of the first `type=` query parameter.
pub fn type_param(query: &str) -> Option<String> {
    let v = query.split('&').find_map(|kv| kv.strip_prefix("type="))?;
    Some(String::from_utf8_lossy(&percent_decode(v)).into_owned())
}

/// Characters that would change what a person or a file system reads in a
/// name: controls, path separators, and the Unicode bidirectional controls
/// that can show `exe.txt` for `txt.exe`.
fn unsafe_in_name(c: char) -> bool {
    c.is_control() || matches!(c, '/' | '\\' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The file name from the URL's `{name}` (percent-decoded), made safe; None
/// when it is longer than [`limits::SERVER_MAX_DOWNLOAD_NAME_BYTES`].
pub fn file_name(segment: &str) -> Option<String> {
    let raw = percent_decode(segment);
    if raw.len() > limits::SERVER_MAX_DOWNLOAD_NAME_BYTES {
        return None;
    }
    let name: String = String::from_utf8_lossy(&raw).chars().map(|c| if unsafe_in_name(c) { '_' } else { c }).collect();
    Some(if name.trim().is_empty() { "download".to_owned() } else { name })
}

/// RFC 8187 §3.2.1 attr-char: sent as is in `filename*`; every other octet
/// is percent-encoded.
fn attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b)
}

/// `attachment; filename="..."; filename*=UTF-8''...` (RFC 6266 §4.1, §4.3):
/// an ASCII fallback without quotes, backslashes or percent signs for old
/// recipients, and the exact name in RFC 8187 encoding for the others.
pub fn content_disposition(name: &str) -> String {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%') || c == ' ' { c } else { '_' }).collect();
    let mut out = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''");
    for b in name.bytes() {
        if attr_char(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The headers of a blob served as `content_type` under `name`.
pub fn headers(content_type: &'static str, name: &str) -> Vec<(HeaderName, HeaderValue)> {
    let mut h = vec![
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(BLOB_CSP)),
        (header::CACHE_CONTROL, HeaderValue::from_static("private, immutable, max-age=31536000")),
    ];
    // Only visible ASCII is left in the value, so the fallback is never used.
    let disposition = HeaderValue::from_str(&content_disposition(name)).unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    h.push((header::CONTENT_DISPOSITION, disposition));
    h
}
