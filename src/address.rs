//! The one strict reader of the author fields, From (RFC 5322 §3.6.2: a
//! mailbox-list) and Sender (exactly one mailbox), shared by the verifier,
//! the reference server's Email/get and the JMAP client, so the address that
//! is compared with the signer's certificate is the address that is shown.
//!
//! Accepted: RFC 5322 §3.4 `mailbox` (name-addr or addr-spec), with comments
//! and folding white space where §3.2.2 allows them, extended by RFC 6532
//! (UTF-8 in atoms, quoted strings, comments and domains). Refused, as
//! [`Code::AddressUnparseable`] with a message that says what was wrong:
//! - group syntax (`name: a@b, c@d;`) in From or Sender;
//! - every obsolete form of RFC 5322 §4.4: `.` in a display name
//!   (obs-phrase), CFWS inside a local part or domain (obs-local-part,
//!   obs-domain), routes (`<@relay:a@b>`), empty list elements (`a@b,,c@d`),
//!   quoted-pairs of controls (obs-qp);
//! - a backslash outside a quoted string or comment;
//! - domain literals (`a@[192.0.2.1]`): no certificate name form compares
//!   with them;
//! - stray CR, LF (other than CRLF folding before white space), NUL and every
//!   other C0 or C1 control or DEL, U+FFFD (what the MIME layer puts in place
//!   of bytes that are not UTF-8), and the bidirectional controls (they make
//!   an address display in another order than it compares);
//! - unterminated comments, quoted strings or angle brackets, and anything
//!   left over after the last mailbox.
//!
//! Display names: the words of the phrase joined as written, where CFWS
//! between two words becomes one space; RFC 2047 encoded-words are decoded
//! when a whole atom is one well-formed encoded-word in a charset listed in
//! [`words`] and it is separated from its neighbours by white space (RFC 2047
//! §5(3)); the white space between two adjacent encoded-words is dropped
//! (RFC 2047 §6.2). Any other `=?` in a display name (a malformed word, a
//! word in another charset, a word inside a quoted string, which RFC 2047 §5
//! forbids) refuses the field: other readers decode those differently. The
//! result is trimmed (RFC 8621 §4.1.2.3) and never holds a control.
//!
//! What the parser does not judge: whether the domain is a valid domain name
//! (that is the comparison's business, [`crate::identity`]).

use serde::Serialize;

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::error::{Code, Error, Result};

pub mod words;

pub use words::decode_unstructured;

/// One mailbox of an author field (RFC 5322 §3.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
// In TypeScript `Mailbox` is the JMAP mailbox (src/jmap/client.rs).
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null, rename = "AddressMailbox"))]
#[serde(rename_all = "camelCase")]
pub struct Mailbox {
    /// The display name, decoded (RFC 2047) and trimmed; null when absent or
    /// empty.
    pub name: Option<String>,
    /// The addr-spec in its canonical form: the local part as a dot-atom
    /// when it is one, else as a quoted string (RFC 5322 §3.4.1 SHOULD),
    /// `@`, the domain as written. No comments or white space.
    pub addr_spec: String,
    /// The local part's value: a dot-atom as written, or the quoted string's
    /// content with its quoted-pairs resolved.
    pub local_part: String,
    /// The domain as written (a dot-atom; never a domain literal).
    pub domain: String,
}

impl Mailbox {
    fn new(name: Option<String>, local_part: String, domain: String) -> Mailbox {
        let local = if is_dot_atom_text(&local_part) { local_part.clone() } else { quote(&local_part) };
        Mailbox { name, addr_spec: format!("{local}@{domain}"), local_part, domain }
    }

    /// This mailbox written back as a header value that [`parse_from`] reads
    /// as the same mailbox: `"name" <addr-spec>`, with the name as one UTF-8
    /// encoded-word when it holds `=?` (RFC 2047 §5 forbids those in quoted
    /// strings).
    pub fn to_header(&self) -> String {
        match &self.name {
            None => self.addr_spec.clone(),
            Some(n) if n.contains("=?") => {
                format!("=?utf-8?b?{}?= <{}>", crate::mime::decode::base64_encode(n.as_bytes()), self.addr_spec)
            }
            Some(n) => format!("{} <{}>", quote(n), self.addr_spec),
        }
    }
}

/// RFC 5322 §3.2.3 atext, with RFC 6532 §3.2 UTF8-non-ascii (controls are
/// refused before the grammar runs).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

/// RFC 5322 §3.2.3 dot-atom-text: atext runs separated by single dots.
fn is_dot_atom_text(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(|run| !run.is_empty() && run.chars().all(is_atext))
}

/// A quoted-string holding `s` (`"` and `\` escaped).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().saturating_add(2));
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Characters no author field may hold: controls other than TAB (CR and LF
/// are judged apart), DEL, C1 controls, U+FFFD, and the bidirectional
/// formatting controls of Unicode (UAX #9 §2: LRM, RLM, ALM, LRE..RLO,
/// LRI..PDI).
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\r' && c != '\n')
        || matches!(c, '\u{fffd}' | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn describe(c: char) -> String {
    match c {
        '\r' => "a bare CR".to_owned(),
        '\n' => "a bare LF".to_owned(),
        '\0' => "a NUL".to_owned(),
        '\u{fffd}' => "a byte that is not UTF-8 (U+FFFD)".to_owned(),
        c => format!("the control character U+{:04X}", u32::from(c)),
    }
}

/// The strict reader over one field value.
struct Parser<'a> {
    s: &'a str,
    pos: usize,
    /// The field, for messages ("From", "Sender", ...).
    what: &'a str,
    /// CFWS allowed (header fields) or not (a bare addr-spec).
    cfws: bool,
}

/// What a run of CFWS held.
#[derive(Clone, Copy, Debug, Default)]
struct Gap {
    /// Any white space or comment.
    any: bool,
    /// White space (not only comments).
    ws: bool,
    /// A comment.
    comment: bool,
}

enum Word {
    Atom(String),
    Quoted(String),
    Dot,
}

struct Item {
    word: Word,
    before: Gap,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str, what: &'a str, cfws: bool) -> Result<Parser<'a>> {
        let p = Parser { s, pos: 0, what, cfws };
        p.check_characters()?;
        Ok(p)
    }

    fn err(&self, detail: impl AsRef<str>) -> Error {
        Error::new(Code::AddressUnparseable, format!("{}: {} (at offset {})", self.what, detail.as_ref(), self.pos))
    }

    /// Controls, U+FFFD, bidi controls; CR only as CRLF folding before WSP
    /// (RFC 5322 §3.2.2 FWS) in a header field, LF only after that CR.
    fn check_characters(&self) -> Result<()> {
        let mut it = self.s.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let folded = self.cfws
                && c == '\r'
                && it.next_if(|(_, n)| *n == '\n').is_some()
                && it.peek().is_some_and(|(_, n)| *n == ' ' || *n == '\t');
            if folded {
                continue;
            }
            if forbidden(c) || c == '\r' || c == '\n' {
                let d = if c == '\r' && self.s.get(i..).is_some_and(|r| r.starts_with("\r\n")) {
                    "a line break not followed by white space".to_owned()
                } else {
                    describe(c)
                };
                return Err(Error::new(Code::AddressUnparseable, format!("{}: {d} at offset {i}", self.what)));
            }
        }
        Ok(())
    }

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

    /// CRLF of a fold (the check above guarantees WSP follows).
    fn skip_fold(&mut self) -> bool {
        if self.rest().starts_with("\r\n") {
            self.pos = self.pos.saturating_add(2);
            true
        } else {
            false
        }
    }

    /// RFC 5322 §3.2.2 CFWS: white space, folds and (nested) comments.
    fn gap(&mut self) -> Result<Gap> {
        let mut g = Gap::default();
        if !self.cfws {
            return Ok(g);
        }
        loop {
            match self.peek() {
                Some(' ' | '\t') => {
                    self.bump();
                    g.ws = true;
                }
                Some('\r') if self.skip_fold() => g.ws = true,
                Some('(') => {
                    self.comment()?;
                    g.comment = true;
                }
                _ => break,
            }
            g.any = true;
        }
        Ok(g)
    }

    /// A comment, with nesting and quoted-pairs (RFC 5322 §3.2.2).
    fn comment(&mut self) -> Result<()> {
        self.bump();
        let mut depth = 1usize;
        while depth > 0 {
            match self.bump() {
                None => return Err(self.err("a comment is not closed")),
                Some('\\') => {
                    self.quoted_pair()?;
                }
                Some('(') => depth = depth.saturating_add(1),
                Some(')') => depth = depth.saturating_sub(1),
                Some('\r') => {
                    self.bump();
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// After a backslash: RFC 5322 §3.2.1 quoted-pair = "\" (VCHAR / WSP),
    /// VCHAR extended by RFC 6532; a quoted CR or LF is obs-qp.
    fn quoted_pair(&mut self) -> Result<char> {
        match self.bump() {
            Some('\r' | '\n') | None => Err(self.err("a backslash quotes a line break or ends the field (obsolete quoted-pair)")),
            Some(c) => Ok(c),
        }
    }

    /// A quoted string's content (RFC 5322 §3.2.4), at the opening quote.
    fn quoted_string(&mut self) -> Result<String> {
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.err("a quoted string is not closed")),
                Some('"') => return Ok(out),
                Some('\\') => out.push(self.quoted_pair()?),
                Some('\r') => {
                    // Unfold: drop CRLF, keep the white space after it.
                    self.bump();
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn atom(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_atext) {
            self.bump();
        }
        self.s.get(start..self.pos).unwrap_or("").to_owned()
    }

    /// Atoms, quoted strings and dots, each with the CFWS before it; and the
    /// CFWS after the last one.
    fn words(&mut self) -> Result<(Vec<Item>, Gap)> {
        let mut items = Vec::new();
        loop {
            let before = self.gap()?;
            let word = match self.peek() {
                Some('"') => Word::Quoted(self.quoted_string()?),
                Some('.') => {
                    self.bump();
                    Word::Dot
                }
                Some(c) if is_atext(c) => Word::Atom(self.atom()),
                Some('\\') => return Err(self.err("a backslash outside a quoted string or comment")),
                _ => return Ok((items, before)),
            };
            items.push(Item { word, before });
        }
    }

    /// A local part from words (RFC 5322 §3.4.1): one quoted string, or a
    /// dot-atom with no CFWS inside.
    fn local_part(&self, items: &[Item]) -> Result<String> {
        match items {
            [] => Err(self.err("an address has an empty local part")),
            [Item { word: Word::Quoted(q), .. }] => Ok(q.clone()),
            _ => {
                let mut out = String::new();
                for (i, it) in items.iter().enumerate() {
                    if i > 0 && it.before.any {
                        return Err(self.err("white space or a comment inside a local part (obsolete local-part)"));
                    }
                    match &it.word {
                        Word::Atom(a) => out.push_str(a),
                        Word::Dot => out.push('.'),
                        Word::Quoted(_) => {
                            return Err(self.err("a quoted string joined to other words in a local part (obsolete local-part)"))
                        }
                    }
                }
                if !is_dot_atom_text(&out) {
                    return Err(self.err(format!("the local part {out:?} is not a dot-atom (a dot at its start or end, or two in a row)")));
                }
                Ok(out)
            }
        }
    }

    /// `@` domain, then CFWS (RFC 5322 §3.4.1 dot-atom; no domain literals).
    fn domain(&mut self) -> Result<String> {
        self.bump();
        self.gap()?;
        if self.peek() == Some('[') {
            return Err(self.err("a domain literal ([...]) instead of a domain name"));
        }
        let mut domain = self.atom();
        if domain.is_empty() {
            return Err(self.err("an address has an empty domain"));
        }
        while self.peek() == Some('.') {
            self.bump();
            let label = self.atom();
            if label.is_empty() {
                return Err(self.err(format!("the domain {domain:?} has an empty label or ends with a dot")));
            }
            domain.push('.');
            domain.push_str(&label);
        }
        self.gap()?;
        Ok(domain)
    }

    /// The display name from phrase words (RFC 5322 §3.2.5 without
    /// obs-phrase; RFC 2047 §5(3), §6.2 for encoded-words).
    fn phrase(&self, items: &[Item], after: Gap) -> Result<Option<String>> {
        let mut out = String::new();
        let mut prev_encoded = false;
        for (i, it) in items.iter().enumerate() {
            let next_ws = items.get(i.saturating_add(1)).map_or(after.ws, |n| n.before.ws);
            let (text, encoded) = match &it.word {
                Word::Dot => return Err(self.err("a '.' in a display name (obsolete phrase): quote the name")),
                Word::Quoted(q) if q.contains("=?") => {
                    return Err(self.err("an encoded-word inside a quoted display name (RFC 2047 §5 forbids it; readers differ)"))
                }
                Word::Quoted(q) => (q.clone(), false),
                Word::Atom(a) if a.contains("=?") => {
                    let Some(t) = words::decode_word(a) else {
                        return Err(self.err(format!("{a:?} in a display name is not an encoded-word this reader decodes")));
                    };
                    if (i > 0 && !it.before.ws) || !next_ws {
                        return Err(self.err("an encoded-word not separated from its neighbours by white space (RFC 2047 §5)"));
                    }
                    (t, true)
                }
                Word::Atom(a) => (a.clone(), false),
            };
            // CFWS between words is one space, except white space alone
            // between two encoded-words (RFC 2047 §6.2).
            if i > 0 && it.before.any && !(prev_encoded && encoded && !it.before.comment) {
                out.push(' ');
            }
            if let Some(c) = text.chars().find(|c| forbidden(*c) || *c == '\r' || *c == '\n') {
                return Err(self.err(format!("the display name holds {}", describe(c))));
            }
            out.push_str(&text);
            prev_encoded = encoded;
        }
        let name = out.trim();
        Ok((!name.is_empty()).then(|| name.to_owned()))
    }

    /// `<` addr-spec `>` and the CFWS after it (RFC 5322 §3.4 angle-addr).
    fn angle_addr(&mut self, name: Option<String>) -> Result<Mailbox> {
        self.bump();
        let (items, _) = self.words()?;
        match self.peek() {
            Some('@') if items.is_empty() => return Err(self.err("a source route (<@relay:...>, obsolete angle-addr)")),
            Some('@') => {}
            Some('>') => return Err(self.err("an address in angle brackets has no '@'")),
            None => return Err(self.err("an angle bracket is not closed")),
            Some(c) => return Err(self.err(format!("unexpected {c:?} inside angle brackets"))),
        }
        let local = self.local_part(&items)?;
        let domain = self.domain()?;
        if self.bump() != Some('>') {
            return Err(self.err("an angle bracket is not closed after the address"));
        }
        self.gap()?;
        Ok(Mailbox::new(name, local, domain))
    }

    /// One mailbox, or (when `groups`) a group's mailboxes; RFC 5322 §3.4.
    fn address(&mut self, groups: bool, out: &mut Vec<Mailbox>) -> Result<()> {
        let (items, after) = self.words()?;
        match self.peek() {
            Some('<') if !self.cfws => return Err(self.err("angle brackets around a bare address")),
            Some('<') => {
                let name = self.phrase(&items, after)?;
                out.push(self.angle_addr(name)?);
            }
            Some('@') => {
                let local = self.local_part(&items)?;
                let domain = self.domain()?;
                out.push(Mailbox::new(None, local, domain));
            }
            Some(':') if groups && !items.is_empty() => self.group(&items, after, out)?,
            Some(':') if groups => return Err(self.err("a group without a name")),
            Some(':') => return Err(self.err("group syntax (name: ...;) where only mailboxes are allowed (RFC 5322 §3.6.2)")),
            _ if items.is_empty() => return Err(self.err("an empty mailbox (obsolete list syntax, or an empty field)")),
            None => return Err(self.err("a mailbox without '@'")),
            Some(c) => return Err(self.err(format!("unexpected {c:?} in a mailbox"))),
        }
        Ok(())
    }

    /// RFC 5322 §3.4 group: display-name ":" [mailbox-list / CFWS] ";".
    fn group(&mut self, items: &[Item], after: Gap, out: &mut Vec<Mailbox>) -> Result<()> {
        self.phrase(items, after)?;
        self.bump();
        self.gap()?;
        if self.peek() != Some(';') {
            loop {
                self.address(false, out)?;
                if self.peek() != Some(',') {
                    break;
                }
                self.bump();
            }
        }
        if self.bump() != Some(';') {
            return Err(self.err("a group is not closed with ';'"));
        }
        self.gap()?;
        Ok(())
    }

    /// A list of addresses separated by commas, up to the end.
    fn list(&mut self, groups: bool) -> Result<Vec<Mailbox>> {
        let mut out = Vec::new();
        loop {
            self.address(groups, &mut out)?;
            match self.peek() {
                None => return Ok(out),
                Some(',') => {
                    self.bump();
                }
                Some(c @ (':' | ';')) if !groups => {
                    return Err(self.err(format!("group syntax ({c:?} after a mailbox) where only mailboxes are allowed (RFC 5322 §3.6.2)")))
                }
                Some(c) => return Err(self.err(format!("unexpected {c:?} after a mailbox (mailboxes are separated by ',')"))),
            }
        }
    }
}

/// A From field value: RFC 5322 §3.6.2 mailbox-list (one or more mailboxes).
pub fn parse_from(value: &str) -> Result<Vec<Mailbox>> {
    Parser::new(value, "From", true)?.list(false)
}

/// A Sender field value: RFC 5322 §3.6.2, exactly one mailbox.
pub fn parse_sender(value: &str) -> Result<Mailbox> {
    let mut p = Parser::new(value, "Sender", true)?;
    let mut out = Vec::with_capacity(1);
    p.address(false, &mut out)?;
    if p.peek().is_some() {
        return Err(p.err("Sender holds more than one mailbox, or text after it (RFC 5322 §3.6.2: exactly one)"));
    }
    out.pop().ok_or_else(|| p.err("no mailbox"))
}

/// An address-list (To, Cc, Bcc, Reply-To; RFC 5322 §3.4): mailboxes and
/// groups, flattened in order (the RFC 8621 §4.1.2.3 Addresses form); an
/// empty group (`undisclosed-recipients:;`) contributes nothing.
pub fn parse_address_list(field: &str, value: &str) -> Result<Vec<Mailbox>> {
    Parser::new(value, field, true)?.list(true)
}

/// A bare addr-spec with no comments or white space (RFC 5321 §4.1.2
/// Mailbox as certificates carry it, RFC 5280 §4.2.1.6; a JMAP
/// EmailAddress `email`, RFC 8621 §4.1.2.3), read by the same grammar.
pub fn parse_addr_spec(value: &str) -> Result<Mailbox> {
    let mut p = Parser::new(value, "address", false)?;
    let mut out = Vec::with_capacity(1);
    p.address(false, &mut out)?;
    match (out.pop(), p.peek()) {
        (Some(m), None) => Ok(m),
        _ => Err(p.err("text after the address")),
    }
}

/// The message's From: exactly one field (RFC 5322 §3.6), parsed.
pub fn from_field(values: &[&str]) -> Result<Vec<Mailbox>> {
    match values {
        [one] => parse_from(one),
        _ => Err(Error::new(
            Code::AddressUnparseable,
            format!("the message has {} From fields; RFC 5322 §3.6 requires exactly one", values.len()),
        )),
    }
}

/// The message's Sender: none, or exactly one field (RFC 5322 §3.6) with one
/// mailbox.
pub fn sender_field(values: &[&str]) -> Result<Option<Mailbox>> {
    match values {
        [] => Ok(None),
        [one] => parse_sender(one).map(Some),
        _ => Err(Error::new(
            Code::AddressUnparseable,
            format!("the message has {} Sender fields; RFC 5322 §3.6 allows at most one", values.len()),
        )),
    }
}

/// How a JMAP server's EmailAddress list relates to the parsed field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Agreement {
    /// Same mailboxes in the same order, same display names.
    Same,
    /// Same addresses, but some display name differs.
    NamesDiffer,
    /// Another number of mailboxes, or some address differs (or does not
    /// parse).
    AddressesDiffer,
}

/// A display name for comparison: white space runs are one space, the ends
/// trimmed, empty is none.
fn name_key(n: Option<&str>) -> String {
    n.map(|n| n.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// Compare the mailboxes parsed from a verified message's field with what a
/// JMAP server reports for it (`(name, email)` of each EmailAddress, RFC 8621
/// §4.1.2.3). Addresses compare under the identity rules
/// ([`crate::identity::same_address`]: the domain after IDNA, an ASCII local
/// part case-insensitively); names after collapsing white space, exactly
/// otherwise.
pub fn compare_with_server(parsed: &[Mailbox], server: &[(Option<&str>, &str)]) -> Agreement {
    if parsed.len() != server.len() {
        return Agreement::AddressesDiffer;
    }
    let mut names = true;
    for (m, (name, email)) in parsed.iter().zip(server) {
        if !crate::identity::same_address(&m.addr_spec, email) {
            return Agreement::AddressesDiffer;
        }
        names &= name_key(m.name.as_deref()) == name_key(*name);
    }
    if names {
        Agreement::Same
    } else {
        Agreement::NamesDiffer
    }
}

#[cfg(test)]
mod tests;
