//! Header fields (RFC 5322 §2.2, §3.2.2) and MIME parameters (RFC 2045 §5.1,
//! RFC 2231).

use crate::error::{Error, Result};
use crate::limits;

/// One header field. Duplicates are kept, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Field name as written.
    pub name: String,
    /// Unfolded value (CRLF/LF before continuation whitespace removed),
    /// decoded as UTF-8 with replacement characters for invalid bytes.
    pub value: String,
    /// Byte range of the whole field (name to end of last line) in the raw
    /// message.
    pub range: (usize, usize),
}

/// A parsed Content-Type (or Content-Disposition) value.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ContentType {
    /// Lowercase `type/subtype` (or disposition type).
    pub value: String,
    /// Parameters with lowercase names, RFC 2231 continuations joined and
    /// decoded.
    pub params: Vec<(String, String)>,
}

impl ContentType {
    /// The default for a MIME entity without Content-Type (RFC 2045 §5.2).
    pub fn text_plain() -> ContentType {
        ContentType { value: "text/plain".to_owned(), params: vec![("charset".to_owned(), "us-ascii".to_owned())] }
    }

    /// A parameter by (lowercase) name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// True when the main type is `multipart`.
    pub fn is_multipart(&self) -> bool {
        self.value.starts_with("multipart/")
    }
}

/// Characters that end a token (RFC 2045 §5.1 tspecials, plus whitespace and
/// controls).
fn is_token_char(c: char) -> bool {
    !(c.is_ascii_control() || c == ' ' || "()<>@,;:\\\"/[]?=".contains(c))
}

struct Lexer<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("")
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos = self.pos.saturating_add(c.len_utf8());
        Some(c)
    }
    /// Skip whitespace and (nested) comments (RFC 5322 §3.2.2 CFWS).
    fn skip_cfws(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            if depth > 0 {
                self.bump();
                match c {
                    '\\' => {
                        self.bump();
                    }
                    '(' => depth = depth.saturating_add(1),
                    ')' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            } else if c == '(' {
                self.bump();
                depth = 1;
            } else if c.is_whitespace() {
                self.bump();
            } else {
                break;
            }
        }
    }
    fn token(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_token_char) {
            self.bump();
        }
        self.s.get(start..self.pos).unwrap_or("")
    }
    fn quoted(&mut self) -> String {
        // Called at the opening quote.
        self.bump();
        let mut out = String::new();
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => {
                    if let Some(n) = self.bump() {
                        out.push(n);
                    }
                }
                '\r' | '\n' => {}
                _ => out.push(c),
            }
        }
        out
    }
}

/// Parse `type/subtype; a=b; c="d"` (also used for Content-Disposition, whose
/// value has no slash). Syntax errors yield `None` so the caller can apply the
/// RFC 2045 §5.2 default.
pub fn parse_content_type(v: &str, want_slash: bool) -> Result<Option<ContentType>> {
    let mut lx = Lexer { s: v, pos: 0 };
    lx.skip_cfws();
    let mut value = lx.token().to_ascii_lowercase();
    if want_slash {
        lx.skip_cfws();
        if lx.bump() != Some('/') {
            return Ok(None);
        }
        lx.skip_cfws();
        let sub = lx.token().to_ascii_lowercase();
        if value.is_empty() || sub.is_empty() {
            return Ok(None);
        }
        value = format!("{value}/{sub}");
    } else if value.is_empty() {
        return Ok(None);
    }
    let mut raw: Vec<(String, String)> = Vec::new();
    loop {
        lx.skip_cfws();
        match lx.peek() {
            None => break,
            Some(';') => {
                lx.bump();
            }
            Some(_) => {
                // Junk between parameters: skip one character and resync.
                lx.bump();
                continue;
            }
        }
        lx.skip_cfws();
        let name = lx.token().to_ascii_lowercase();
        lx.skip_cfws();
        if name.is_empty() || lx.peek() != Some('=') {
            continue;
        }
        lx.bump();
        lx.skip_cfws();
        let val = if lx.peek() == Some('"') { lx.quoted() } else { lx.token().to_owned() };
        if raw.len() >= limits::MAX_MIME_PARAMETERS {
            return Err(Error::limit(format!("more than {} MIME parameters", limits::MAX_MIME_PARAMETERS)));
        }
        raw.push((name, val));
    }
    Ok(Some(ContentType { value, params: join_rfc2231(raw) }))
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0usize;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            if let (Some(h), Some(l)) = (
                b.get(i.saturating_add(1)).and_then(|x| super::decode::hex_value(*x)),
                b.get(i.saturating_add(2)).and_then(|x| super::decode::hex_value(*x)),
            ) {
                out.push((h << 4) | l);
                i = i.saturating_add(3);
                continue;
            }
        }
        out.push(c);
        i = i.saturating_add(1);
    }
    out
}

/// Bytes in a named charset to text. UTF-8 and ASCII decode directly,
/// ISO-8859-1 maps bytes to code points; others decode as UTF-8 (lossy).
pub fn charset_decode(charset: &str, bytes: &[u8]) -> String {
    match charset.to_ascii_lowercase().as_str() {
        "iso-8859-1" | "latin1" | "latin-1" => bytes.iter().map(|b| char::from(*b)).collect(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// RFC 2231 §3–4: join `name*0`, `name*1*`, ... and decode `name*` values
/// (`charset'language'percent-encoded`).
fn join_rfc2231(raw: Vec<(String, String)>) -> Vec<(String, String)> {
    struct Piece {
        index: u32,
        encoded: bool,
        value: String,
    }
    let mut plain: Vec<(String, String)> = Vec::new();
    let mut groups: Vec<(String, Vec<Piece>)> = Vec::new();
    for (name, value) in raw {
        let Some(star) = name.find('*') else {
            plain.push((name, value));
            continue;
        };
        let base = name.get(..star).unwrap_or("").to_owned();
        let suffix = name.get(star.saturating_add(1)..).unwrap_or("");
        let (index, encoded) = if suffix.is_empty() {
            (0, true)
        } else {
            let (num, enc) = match suffix.strip_suffix('*') {
                Some(n) => (n, true),
                None => (suffix, false),
            };
            match num.parse::<u32>() {
                Ok(n) => (n, enc),
                Err(_) => continue,
            }
        };
        match groups.iter_mut().find(|(b, _)| *b == base) {
            Some((_, v)) => v.push(Piece { index, encoded, value }),
            None => groups.push((base, vec![Piece { index, encoded, value }])),
        }
    }
    for (base, mut pieces) in groups {
        pieces.sort_by_key(|p| p.index);
        let mut charset = String::new();
        let mut bytes = Vec::new();
        for (i, p) in pieces.iter().enumerate() {
            if p.encoded {
                let mut v = p.value.as_str();
                if i == 0 {
                    // charset'language'value
                    let mut it = v.splitn(3, '\'');
                    if let (Some(cs), Some(_lang), Some(rest)) = (it.next(), it.next(), it.next()) {
                        charset = cs.to_owned();
                        v = rest;
                    }
                }
                bytes.extend(percent_decode(v));
            } else {
                bytes.extend_from_slice(p.value.as_bytes());
            }
        }
        let value = charset_decode(&charset, &bytes);
        // An RFC 2231 value wins over a plain one of the same name.
        plain.retain(|(n, _)| *n != base);
        plain.push((base, value));
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(s: &str) -> ContentType {
        parse_content_type(s, true).unwrap().unwrap()
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn parameters_table() {
        let cases: &[(&str, &str, &[(&str, &str)])] = &[
            ("text/plain", "text/plain", &[]),
            ("Multipart/Signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"----=_X\"", "multipart/signed", &[("protocol", "application/pkcs7-signature"), ("micalg", "sha-256"), ("boundary", "----=_X")]),
            ("application/pkcs7-mime (comment) ; smime-type = signed-data ; name=\"smime.p7m\"", "application/pkcs7-mime", &[("smime-type", "signed-data"), ("name", "smime.p7m")]),
            ("text/plain; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A", "text/plain", &[("title", "This is ***fun***")]),
            ("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"", "application/x-stuff", &[("title", "This is even more ***fun*** isn't it!")]),
            ("text/plain; name*=utf-8''%C3%A9t%C3%A9.txt; name=\"x.txt\"", "text/plain", &[("name", "été.txt")]),
            ("text/plain; a=\"q\\\"uote\"", "text/plain", &[("a", "q\"uote")]),
        ];
        for (input, value, params) in cases {
            let c = ct(input);
            assert_eq!(c.value, *value, "{input}");
            for (n, v) in *params {
                assert_eq!(c.param(n), Some(*v), "{input} param {n}");
            }
        }
        assert_eq!(parse_content_type("garbage", true).unwrap(), None);
        assert_eq!(parse_content_type("/x", true).unwrap(), None);
    }

    #[test]
    fn parameter_limit_trips() {
        let mut s = "text/plain".to_owned();
        for i in 0..=limits::MAX_MIME_PARAMETERS {
            s.push_str(&format!("; p{i}=v"));
        }
        assert_eq!(parse_content_type(&s, true).unwrap_err().code, crate::Code::LimitExceeded);
    }
}
