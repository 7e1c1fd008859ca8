//! RFC 5322 / RFC 2045–2046 parsing that keeps byte ranges into the raw
//! message. Nothing a signature covers is ever re-serialised: the signed
//! bytes of a multipart/signed are a slice of the input (R19).
//!
//! Line ends may be CRLF or bare LF (mail stores often normalise to LF).
//!
//! One pass over the lines ([`scan`]): time linear in the message, memory a
//! small multiple of it (headers are stored compactly, [`header::Headers`]).
//! MIME that two readers resolve differently is refused with
//! `ambiguous-mime` ([`ambiguity`]); the server and the verifier share this
//! parser, so both refuse the same messages.

mod ambiguity;
pub mod decode;
pub mod header;
pub mod params;
mod scan;
pub mod smime;

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::limits;
pub use header::{ContentType, Header, Headers};
pub use scan::ParseStats;

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
    pub headers: Headers,
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
    pub fn header(&self, name: &str) -> Option<Header<'_>> {
        self.headers.first(name)
    }

    /// Every header with this name, in order.
    pub fn headers_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Header<'s>> + 's {
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
        let disp = self.header("Content-Disposition").and_then(|h| header::parse_content_type(h.value, false).ok().flatten());
        disp.and_then(|d| d.param("filename").map(str::to_owned)).or_else(|| self.content_type.param("name").map(str::to_owned))
    }

    /// The file name where it decides what the entity is (an
    /// application/octet-stream named `.p7m` is S/MIME, RFC 8551 §3.2.1):
    /// `ambiguous-mime` when readers could see different names (two
    /// Content-Disposition fields, a doubtful `filename` or `name`, or a
    /// `filename` and a `name` that differ).
    pub fn file_name_strict(&self) -> Result<Option<String>> {
        let fail = |what: &str| Err(ambiguity::in_part(&self.path, params::ambiguous(what)));
        if self.headers.count("Content-Disposition") > 1 {
            return fail("two Content-Disposition fields");
        }
        let disp = self.header("Content-Disposition").and_then(|h| header::parse_content_type(h.value, false).ok().flatten());
        let filename = disp.as_ref().map(|d| d.param_strict("filename")).transpose()?.flatten();
        let name = self.content_type.param_strict("name")?;
        match (filename, name) {
            (Some(f), Some(n)) if f != n => fail(&format!("file name {f:?} and name {n:?} differ")),
            (f, n) => Ok(f.or(n).map(str::to_owned)),
        }
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

/// Parse a raw RFC 5322 message.
pub fn parse(raw: &[u8]) -> Result<Entity> {
    parse_with_stats(raw).0
}

/// [`parse`], and the work it did (bytes scanned, hashed and copied): tests
/// check that it stays a small multiple of the input.
pub fn parse_with_stats(raw: &[u8]) -> (Result<Entity>, ParseStats) {
    if raw.len() > limits::MAX_MESSAGE_BYTES {
        return (Err(Error::limit(format!("message larger than {} bytes", limits::MAX_MESSAGE_BYTES))), ParseStats::default());
    }
    scan::run(raw)
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
