//! Content-Type and Content-Disposition values: `type/subtype` and MIME
//! parameters (RFC 2045 §5.1), RFC 2231 continuations and charsets.
//!
//! Besides one reading of every parameter, the parser records where a second
//! reader could read another (a "doubt"): the same name twice, an RFC 2231
//! form beside a plain one, gaps or repeats in continuation numbers, text it
//! had to skip. Where a parameter decides a signature's scope (a multipart's
//! boundary, multipart/signed's protocol, smime-type, an octet-stream's file
//! name) callers ask [`ContentType::param_strict`], which refuses a doubtful
//! value with `ambiguous-mime`; elsewhere (an attachment's charset or name
//! shown to the user) [`ContentType::param`] gives the one reading.

use crate::error::{Code, Error, Result};
use crate::limits;

/// An `ambiguous-mime` error.
pub(crate) fn ambiguous(detail: impl Into<String>) -> Error {
    Error::new(Code::AmbiguousMime, detail)
}

/// A parsed Content-Type (or Content-Disposition) value.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ContentType {
    /// Lowercase `type/subtype` (or disposition type).
    pub value: String,
    /// Parameters with lowercase names, RFC 2231 continuations joined and
    /// decoded. An RFC 2231 value is listed instead of a plain one of the
    /// same name; of two plain ones, [`ContentType::param`] finds the first.
    pub params: Vec<(String, String)>,
    /// Why a parameter could be read another way: (lowercase name, or "" for
    /// the whole parameter list; reason).
    doubts: Vec<(String, String)>,
}

impl ContentType {
    /// The default for a MIME entity without Content-Type (RFC 2045 §5.2).
    pub fn text_plain() -> ContentType {
        ContentType { value: "text/plain".to_owned(), params: vec![("charset".to_owned(), "us-ascii".to_owned())], doubts: Vec::new() }
    }

    /// The default for a part of multipart/digest (RFC 2046 §5.1.5).
    pub fn message_rfc822() -> ContentType {
        ContentType { value: "message/rfc822".to_owned(), ..ContentType::default() }
    }

    /// A parameter by (lowercase) name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Why the parameter `name` could be read differently by another reader,
    /// if it could.
    pub fn doubt(&self, name: &str) -> Option<&str> {
        self.doubts.iter().find(|(n, _)| n.is_empty() || n == name).map(|(_, r)| r.as_str())
    }

    /// A parameter that decides structure or a signature's scope: refused with
    /// `ambiguous-mime` when another reader could read it differently.
    pub fn param_strict(&self, name: &str) -> Result<Option<&str>> {
        match self.doubt(name) {
            Some(reason) => Err(ambiguous(format!("the {name} parameter of {} is ambiguous: {reason}", self.value))),
            None => Ok(self.param(name)),
        }
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
    let mut doubts = Vec::new();
    loop {
        lx.skip_cfws();
        match lx.peek() {
            None => break,
            Some(';') => {
                lx.bump();
            }
            Some(c) => {
                // Junk between parameters: skip one character and resync. A
                // reader that splits at ';' reads it as part of a value.
                if doubts.is_empty() {
                    doubts.push((String::new(), format!("unexpected {c:?} in the parameters")));
                }
                lx.bump();
                continue;
            }
        }
        lx.skip_cfws();
        let name = lx.token().to_ascii_lowercase();
        lx.skip_cfws();
        if name.is_empty() || lx.peek() != Some('=') {
            // A bare name is a parameter with an empty value to some readers.
            if !name.is_empty() {
                doubts.push((name.split('*').next().unwrap_or("").to_owned(), format!("{name} has no value")));
            }
            continue;
        }
        lx.bump();
        lx.skip_cfws();
        let quoted = lx.peek() == Some('"');
        let val = if quoted { lx.quoted() } else { lx.token().to_owned() };
        // An unquoted plain value with an apostrophe reads as RFC 2231
        // charset'language'value to some readers (Python's email).
        if !quoted && !name.contains('*') && val.contains('\'') {
            doubts.push((name.clone(), format!("unquoted {name} value {val:?} has an apostrophe")));
        }
        if raw.len() >= limits::MAX_MIME_PARAMETERS {
            return Err(Error::limit(format!("more than {} MIME parameters", limits::MAX_MIME_PARAMETERS)));
        }
        raw.push((name, val));
    }
    let params = join_rfc2231(raw, &mut doubts);
    Ok(Some(ContentType { value, params, doubts }))
}

/// RFC 2045 §5.1 and what Python's `email` reads (the text before the first
/// `;`, stripped, lowercased): both must see one `type/subtype` of tokens,
/// the same one. A comment, inner whitespace or a missing subtype make them
/// differ, and readers then fall back to different defaults.
pub(crate) fn check_type_syntax(v: &str, parsed: Option<&ContentType>) -> Result<()> {
    let head = v.split(';').next().unwrap_or("").trim_matches([' ', '\t']);
    let tokens = head.split_once('/').is_some_and(|(t, s)| {
        let token = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii() && is_token_char(c));
        token(t) && token(s)
    });
    match parsed {
        Some(ct) if tokens && head.eq_ignore_ascii_case(&ct.value) => Ok(()),
        _ => Err(ambiguous(format!("Content-Type {:?} is not one plain type/subtype", v.trim()))),
    }
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

/// One `name*`, `name*N` or `name*N*` parameter.
struct Piece {
    index: Option<u32>,
    encoded: bool,
    value: String,
}

/// Split `base*suffix`; `None` when the suffix is not RFC 2231 (`*`, `*N`,
/// `*N*` with N decimal digits).
fn rfc2231_piece(suffix: &str, value: String) -> Option<Piece> {
    if suffix.is_empty() {
        return Some(Piece { index: None, encoded: true, value });
    }
    let (num, encoded) = match suffix.strip_suffix('*') {
        Some(n) => (n, true),
        None => (suffix, false),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Piece { index: Some(num.parse().ok()?), encoded, value })
}

/// Why a group of RFC 2231 pieces could be joined differently, if it could.
fn group_doubt(base: &str, pieces: &[Piece], plain: &[(String, String)]) -> Option<String> {
    if plain.iter().any(|(n, _)| n == base) {
        return Some(format!("{base} is given both plainly and in RFC 2231 form"));
    }
    // Python's email joins only names of letters, digits and '_'.
    if !base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Some(format!("RFC 2231 form of {base}, a name not every reader joins"));
    }
    let mut indices: Vec<Option<u32>> = pieces.iter().map(|p| p.index).collect();
    if indices.contains(&None) && indices.len() > 1 {
        return Some(format!("{base}* beside {base}*0 or another {base}*"));
    }
    indices.sort_unstable();
    if indices.iter().enumerate().any(|(i, n)| *n != u32::try_from(i).ok()) && indices != [None] {
        return Some(format!("{base} continuations are not numbered 0, 1, 2... without gaps or repeats"));
    }
    let first = pieces.iter().find(|p| p.index.is_none_or(|i| i == 0));
    if pieces.iter().any(|p| p.encoded) && first.is_some_and(|p| !p.encoded) {
        return Some(format!("{base} has encoded continuations after a plain first one"));
    }
    // RFC 2231 §4: an encoded first piece starts with charset'language'.
    if first.is_some_and(|p| p.encoded && p.value.matches('\'').count() < 2) {
        return Some(format!("{base}* lacks its charset'language' prefix"));
    }
    None
}

/// RFC 2231 §3–4: join `name*0`, `name*1*`, ... and decode `name*` values
/// (`charset'language'percent-encoded`); note in `doubts` every name a second
/// reader could resolve differently.
fn join_rfc2231(raw: Vec<(String, String)>, doubts: &mut Vec<(String, String)>) -> Vec<(String, String)> {
    let mut plain: Vec<(String, String)> = Vec::new();
    let mut groups: Vec<(String, Vec<Piece>)> = Vec::new();
    for (name, value) in raw {
        let Some(star) = name.find('*') else {
            if plain.iter().any(|(n, _)| *n == name) && !doubts.iter().any(|(n, _)| *n == name) {
                doubts.push((name.clone(), format!("{name} appears twice")));
            }
            plain.push((name, value));
            continue;
        };
        let base = name.get(..star).unwrap_or("").to_owned();
        let Some(piece) = rfc2231_piece(name.get(star.saturating_add(1)..).unwrap_or(""), value) else {
            doubts.push((base, format!("{name} is neither a plain nor an RFC 2231 name")));
            continue;
        };
        match groups.iter_mut().find(|(b, _)| *b == base) {
            Some((_, v)) => v.push(piece),
            None => groups.push((base, vec![piece])),
        }
    }
    for (base, mut pieces) in groups {
        if let Some(reason) = group_doubt(&base, &pieces, &plain) {
            doubts.push((base.clone(), reason));
        }
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
    fn doubts_table() {
        // (value, parameter, doubtful?)
        let cases: &[(&str, &str, bool)] = &[
            ("multipart/mixed; boundary=a", "boundary", false),
            ("multipart/mixed; boundary=a; BOUNDARY=b", "boundary", true),
            ("multipart/mixed; boundary=\"XXXX\"; boundary*0=\"AA\"; boundary*1=\"BB\"", "boundary", true),
            ("multipart/mixed; boundary*0=AA; boundary*1=BB", "boundary", false),
            ("multipart/mixed; boundary*0=AA; boundary*2=BB", "boundary", true),
            ("multipart/mixed; boundary*0=AA; boundary*0=BB", "boundary", true),
            ("multipart/mixed; boundary*1=AA", "boundary", true),
            ("multipart/mixed; boundary*=x; boundary*0=y", "boundary", true),
            ("multipart/mixed; boundary*=''x", "boundary", false),
            ("multipart/mixed; boundary*x=1; boundary=a", "boundary", true),
            ("multipart/mixed; boundary*+1=1; boundary*0=a", "boundary", true),
            ("multipart/mixed; boundary*0=a'b'; boundary*1*=%41", "boundary", true),
            ("application/pkcs7-mime; smime-type*0=signed-; smime-type*1=data", "smime-type", true),
            ("multipart/mixed; boundary=----=_P", "boundary", true),
            ("multipart/mixed; boundary=a'b'c", "boundary", true),
            ("multipart/mixed; boundary", "boundary", true),
            ("multipart/mixed; boundary*=a", "boundary", true),
            ("multipart/mixed; boundary*0*=a", "boundary", true),
            ("multipart/mixed; boundary=\"a'b'c\"", "boundary", false),
            ("text/plain; title*=us-ascii'en'x", "title", false),
            ("multipart/mixed; charset=a; charset=b; boundary=x", "boundary", false),
            ("multipart/mixed; charset=a; charset=b; boundary=x", "charset", true),
        ];
        for (v, name, doubtful) in cases {
            let c = ct(v);
            assert_eq!(c.doubt(name).is_some(), *doubtful, "{v}: {:?}", c.doubt(name));
            assert_eq!(c.param_strict(name).is_err(), *doubtful, "{v}");
        }
    }

    #[test]
    fn type_syntax() {
        for (v, ok) in [
            ("text/plain", true),
            ("  Multipart/Signed ; boundary=x", true),
            ("multipart/mixed (c); boundary=b", false),
            ("multipart / mixed; boundary=b", false),
            ("multipart/", false),
            ("text", false),
            ("", false),
            ("multipart/mixed boundary=b", false),
            ("t\u{e9}xt/plain", false),
        ] {
            let parsed = parse_content_type(v, true).unwrap();
            assert_eq!(check_type_syntax(v, parsed.as_ref()).is_ok(), ok, "{v:?}");
        }
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
