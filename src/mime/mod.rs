//! RFC 5322 / RFC 2045–2046 parsing that keeps byte ranges into the raw
//! message. Nothing a signature covers is ever re-serialised: the signed
//! bytes of a multipart/signed are a slice of the input (R19).
//!
//! Line ends may be CRLF or bare LF (mail stores often normalise to LF).

pub mod decode;
pub mod header;
pub mod smime;

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::limits;
pub use header::{ContentType, Header};

/// Content-Transfer-Encoding (RFC 2045 §6.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferEncoding {
    /// 7bit (also the default).
    SevenBit,
    /// 8bit.
    EightBit,
    /// binary: never canonicalised.
    Binary,
    /// base64.
    Base64,
    /// quoted-printable.
    QuotedPrintable,
    /// Anything else (kept lowercase).
    Other(String),
}

/// One MIME entity: headers, body, and children, with ranges into the raw
/// message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// IMAP-style part path: "" for the root, "1", "2.1", ...
    pub path: String,
    /// Start of the entity (first header byte) in the raw message.
    pub start: usize,
    /// Start of the body (after the blank line).
    pub body_start: usize,
    /// End of the entity (exclusive).
    pub end: usize,
    /// Header fields in order, duplicates kept.
    pub headers: Vec<Header>,
    /// Content-Type, or the RFC 2045 §5.2 default.
    pub content_type: ContentType,
    /// Content-Transfer-Encoding.
    pub encoding: TransferEncoding,
    /// Parts of a multipart, or the embedded message of a message/rfc822.
    pub children: Vec<Entity>,
    /// For a multipart: true when the close delimiter was found.
    pub closed: bool,
}

impl Entity {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// Every header with this name, in order.
    pub fn headers_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Header> + 's {
        self.headers.iter().filter(move |h| h.name.eq_ignore_ascii_case(name))
    }

    /// The raw body bytes (still transfer-encoded).
    pub fn raw_body<'r>(&self, raw: &'r [u8]) -> &'r [u8] {
        raw.get(self.body_start..self.end).unwrap_or(&[])
    }

    /// The whole entity's raw bytes, headers included.
    pub fn raw_entity<'r>(&self, raw: &'r [u8]) -> &'r [u8] {
        raw.get(self.start..self.end).unwrap_or(&[])
    }

    /// The body with the transfer encoding removed.
    pub fn decoded_body<'r>(&self, raw: &'r [u8]) -> Result<Cow<'r, [u8]>> {
        let body = self.raw_body(raw);
        Ok(match self.encoding {
            TransferEncoding::Base64 => Cow::Owned(decode::base64(body)?),
            TransferEncoding::QuotedPrintable => Cow::Owned(decode::quoted_printable(body)),
            TransferEncoding::Other(ref e) => return Err(Error::malformed(format!("unknown Content-Transfer-Encoding {e:?}"))),
            _ => Cow::Borrowed(body),
        })
    }

    /// The file name from Content-Disposition `filename` or Content-Type
    /// `name`.
    pub fn file_name(&self) -> Option<String> {
        let disp = self.header("Content-Disposition").and_then(|h| header::parse_content_type(&h.value, false).ok().flatten());
        disp.and_then(|d| d.param("filename").map(str::to_owned)).or_else(|| self.content_type.param("name").map(str::to_owned))
    }

    /// Depth-first walk over this entity and all descendants.
    pub fn walk(&self) -> Vec<&Entity> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            out.push(e);
            for c in e.children.iter().rev() {
                stack.push(c);
            }
        }
        out
    }

    /// True if this entity or a descendant is sent with
    /// Content-Transfer-Encoding: binary.
    pub fn contains_binary(&self) -> bool {
        self.walk().iter().any(|e| e.encoding == TransferEncoding::Binary)
    }
}

/// A line: `[start, content_end)` is the text, `next` is where the following
/// line begins (after LF, or `end`).
struct Line {
    start: usize,
    content_end: usize,
    next: usize,
}

fn line_at(raw: &[u8], pos: usize, end: usize) -> Line {
    let slice = raw.get(pos..end).unwrap_or(&[]);
    match slice.iter().position(|b| *b == b'\n') {
        Some(i) => {
            let nl = pos.saturating_add(i);
            let content_end = if nl > pos && raw.get(nl.saturating_sub(1)) == Some(&b'\r') { nl.saturating_sub(1) } else { nl };
            Line { start: pos, content_end, next: nl.saturating_add(1) }
        }
        None => Line { start: pos, content_end: end, next: end },
    }
}

/// Parse state shared across the recursion.
struct Parser<'r> {
    raw: &'r [u8],
    entities: usize,
}

/// Parse a raw RFC 5322 message.
pub fn parse(raw: &[u8]) -> Result<Entity> {
    if raw.len() > limits::MAX_MESSAGE_BYTES {
        return Err(Error::limit(format!("message larger than {} bytes", limits::MAX_MESSAGE_BYTES)));
    }
    let mut p = Parser { raw, entities: 0 };
    p.entity(0, raw.len(), String::new(), 0, ContentType::text_plain())
}

fn child_path(parent: &str, index: usize) -> String {
    let n = index.saturating_add(1);
    if parent.is_empty() {
        n.to_string()
    } else {
        format!("{parent}.{n}")
    }
}

impl Parser<'_> {
    fn entity(&mut self, start: usize, end: usize, path: String, depth: usize, default_ct: ContentType) -> Result<Entity> {
        if depth > limits::MAX_MIME_DEPTH {
            return Err(Error::limit(format!("MIME nesting deeper than {} levels", limits::MAX_MIME_DEPTH)));
        }
        self.entities = self.entities.saturating_add(1);
        if self.entities > limits::MAX_MIME_PARTS {
            return Err(Error::limit(format!("more than {} MIME parts", limits::MAX_MIME_PARTS)));
        }
        let (headers, body_start) = self.headers(start, end)?;
        let mut content_type = None;
        if let Some(h) = headers.iter().find(|h| h.name.eq_ignore_ascii_case("Content-Type")) {
            content_type = header::parse_content_type(&h.value, true)?;
        }
        let content_type = content_type.unwrap_or(default_ct);
        let encoding = match headers.iter().find(|h| h.name.eq_ignore_ascii_case("Content-Transfer-Encoding")) {
            None => TransferEncoding::SevenBit,
            Some(h) => match h.value.trim().to_ascii_lowercase().as_str() {
                "7bit" | "" => TransferEncoding::SevenBit,
                "8bit" => TransferEncoding::EightBit,
                "binary" => TransferEncoding::Binary,
                "base64" => TransferEncoding::Base64,
                "quoted-printable" => TransferEncoding::QuotedPrintable,
                other => TransferEncoding::Other(other.to_owned()),
            },
        };
        let mut e = Entity { path, start, body_start, end, headers, content_type, encoding, children: Vec::new(), closed: false };
        if e.content_type.is_multipart() {
            if let Some(boundary) = e.content_type.param("boundary").map(str::to_owned) {
                if boundary.is_empty() || boundary.len() > limits::MAX_BOUNDARY_LEN {
                    return Err(Error::malformed(format!("multipart boundary of {} characters", boundary.len())));
                }
                let (ranges, closed) = self.split(body_start, end, boundary.as_bytes());
                e.closed = closed;
                let child_default = if e.content_type.value == "multipart/digest" {
                    ContentType { value: "message/rfc822".to_owned(), params: Vec::new() }
                } else {
                    ContentType::text_plain()
                };
                for (i, (s, t)) in ranges.into_iter().enumerate() {
                    let child = self.entity(s, t, child_path(&e.path, i), depth.saturating_add(1), child_default.clone())?;
                    e.children.push(child);
                }
            }
        } else if matches!(e.content_type.value.as_str(), "message/rfc822" | "message/global")
            && matches!(e.encoding, TransferEncoding::SevenBit | TransferEncoding::EightBit | TransferEncoding::Binary)
        {
            // The embedded message keeps the part's path (IMAP numbering).
            let inner = self.entity(body_start, end, e.path.clone(), depth.saturating_add(1), ContentType::text_plain())?;
            e.children.push(inner);
        }
        Ok(e)
    }

    /// Header block from `start`; returns the fields and where the body starts.
    fn headers(&self, start: usize, end: usize) -> Result<(Vec<Header>, usize)> {
        let raw = self.raw;
        let mut headers: Vec<Header> = Vec::new();
        let mut pos = start;
        while pos < end {
            let line = line_at(raw, pos, end);
            if line.content_end == line.start {
                // The blank line ends the header block.
                return Ok((headers, line.next));
            }
            let text = raw.get(line.start..line.content_end).unwrap_or(&[]);
            let continuation = matches!(text.first(), Some(b' ' | b'\t'));
            if continuation {
                if let Some(last) = headers.last_mut() {
                    if last.value.len().saturating_add(text.len()) > limits::MAX_HEADER_VALUE_BYTES {
                        return Err(Error::limit(format!("header value longer than {} bytes", limits::MAX_HEADER_VALUE_BYTES)));
                    }
                    last.value.push_str(&String::from_utf8_lossy(text));
                    last.range.1 = line.next;
                }
            } else if let Some(colon) = text.iter().position(|b| *b == b':') {
                if headers.len() >= limits::MAX_HEADER_FIELDS {
                    return Err(Error::limit(format!("more than {} header fields", limits::MAX_HEADER_FIELDS)));
                }
                let name = String::from_utf8_lossy(text.get(..colon).unwrap_or(&[])).trim().to_owned();
                let value = String::from_utf8_lossy(text.get(colon.saturating_add(1)..).unwrap_or(&[])).into_owned();
                if value.len() > limits::MAX_HEADER_VALUE_BYTES {
                    return Err(Error::limit(format!("header value longer than {} bytes", limits::MAX_HEADER_VALUE_BYTES)));
                }
                headers.push(Header { name, value, range: (line.start, line.next) });
            } else if headers.is_empty() && pos == start && text.starts_with(b"From ") {
                // mbox separator line: not a header.
            } else {
                // Not a header line: RFC 5322 has no place for it. Treat it
                // as the start of the body (what most readers display).
                return Ok((headers, line.start));
            }
            pos = line.next;
        }
        Ok((headers, end))
    }

    /// Split a multipart body into part ranges (RFC 2046 §5.1.1). A part ends
    /// before the line break that precedes the next delimiter: that line
    /// break belongs to the delimiter. Returns the ranges and whether the
    /// close delimiter was seen.
    fn split(&self, start: usize, end: usize, boundary: &[u8]) -> (Vec<(usize, usize)>, bool) {
        let raw = self.raw;
        let mut parts = Vec::new();
        let mut current: Option<usize> = None;
        let mut pos = start;
        while pos < end {
            let line = line_at(raw, pos, end);
            let text = raw.get(line.start..line.content_end).unwrap_or(&[]);
            if let Some(after) = text.strip_prefix(b"--").and_then(|t| t.strip_prefix(boundary)) {
                let (close, rest) = match after.strip_prefix(b"--") {
                    Some(r) => (true, r),
                    None => (false, after),
                };
                // Transport padding: only linear white space may follow.
                if rest.iter().all(|b| *b == b' ' || *b == b'\t') {
                    if let Some(ps) = current {
                        let mut break_start = line.start;
                        if break_start > start && raw.get(break_start.saturating_sub(1)) == Some(&b'\n') {
                            break_start = break_start.saturating_sub(1);
                            if break_start > start && raw.get(break_start.saturating_sub(1)) == Some(&b'\r') {
                                break_start = break_start.saturating_sub(1);
                            }
                        }
                        parts.push((ps, break_start.max(ps)));
                    }
                    if close {
                        return (parts, true);
                    }
                    current = Some(line.next);
                }
            }
            pos = line.next;
        }
        if let Some(ps) = current {
            // No close delimiter: the last part runs to the end.
            parts.push((ps, end.max(ps)));
        }
        (parts, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_ranges_exclude_the_line_break_before_the_delimiter() {
        for nl in ["\r\n", "\n"] {
            let msg = format!(
                "Content-Type: multipart/mixed; boundary=b{nl}X-Dup: 1{nl}X-Dup: 2{nl}{nl}preamble{nl}--b  {nl}Content-Type: text/plain{nl}{nl}one{nl}{nl}--b{nl}{nl}two{nl}--b--{nl}epilogue{nl}"
            );
            let raw = msg.as_bytes();
            let e = parse(raw).unwrap();
            assert_eq!(e.headers_named("x-dup").count(), 2);
            assert!(e.closed);
            assert_eq!(e.children.len(), 2);
            let one = &e.children[0];
            assert_eq!(one.path, "1");
            assert_eq!(one.raw_entity(raw), format!("Content-Type: text/plain{nl}{nl}one{nl}").as_bytes());
            assert_eq!(one.raw_body(raw), format!("one{nl}").as_bytes());
            assert_eq!(e.children[1].raw_body(raw), b"two");
            assert_eq!(e.children[1].content_type.value, "text/plain");
        }
    }

    #[test]
    fn folding_and_boundary_lookalikes() {
        let raw = b"Content-Type: multipart/mixed;\r\n boundary=\"ab\"\r\n\r\n--ab\r\n\r\n--abc\r\nx\r\n--ab--\r\n";
        let e = parse(raw).unwrap();
        assert_eq!(e.content_type.param("boundary"), Some("ab"));
        assert_eq!(e.children.len(), 1);
        assert_eq!(e.children[0].raw_body(raw), b"--abc\r\nx");
    }

    #[test]
    fn nesting_and_rfc822() {
        let raw = b"Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\n\r\na\r\n--i\r\n\r\nb\r\n--i--\r\n--o--\r\n";
        let e = parse(raw).unwrap();
        let m = &e.children[0];
        assert_eq!(m.content_type.value, "message/rfc822");
        let inner = &m.children[0];
        assert_eq!(inner.path, "1");
        assert_eq!(inner.header("subject").unwrap().value.trim(), "inner");
        assert_eq!(inner.children[1].path, "1.2");
        assert_eq!(inner.children[1].raw_body(raw), b"b");
    }

    #[test]
    fn depth_and_part_limits_trip() {
        let mut deep = String::new();
        for i in 0..=limits::MAX_MIME_DEPTH + 1 {
            deep.push_str(&format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"));
        }
        assert_eq!(parse(deep.as_bytes()).unwrap_err().code, crate::Code::LimitExceeded);
        let mut wide = String::from("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for _ in 0..=limits::MAX_MIME_PARTS {
            wide.push_str("--b\r\n\r\nx\r\n");
        }
        assert_eq!(parse(wide.as_bytes()).unwrap_err().code, crate::Code::LimitExceeded);
    }
}
