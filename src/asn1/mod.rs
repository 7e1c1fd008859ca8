//! A bounded BER/DER reader (X.690). It accepts what NSS and Thunderbird
//! write (indefinite lengths, constructed strings, unsorted SETs) and never
//! copies the bytes a signature covers: every element keeps its raw encoding.
//!
//! Depth is bounded by [`limits::MAX_DER_DEPTH`]; all offsets are checked.

pub mod oid;
pub mod time;

use std::borrow::Cow;
use std::cell::Cell;

use crate::error::{Error, Result};
use crate::limits;

/// Tag class (X.690 §8.1.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Universal.
    Universal,
    /// Application.
    Application,
    /// Context-specific (`[n]`).
    Context,
    /// Private.
    Private,
}

/// An identifier octet(s), decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The class.
    pub class: Class,
    /// Constructed (bit 6) or primitive.
    pub constructed: bool,
    /// Tag number.
    pub number: u32,
}

impl Tag {
    /// A universal tag.
    pub const fn universal(number: u32, constructed: bool) -> Tag {
        Tag { class: Class::Universal, constructed, number }
    }
    /// A context-specific tag `[n]`.
    pub const fn context(number: u32, constructed: bool) -> Tag {
        Tag { class: Class::Context, constructed, number }
    }
    /// BOOLEAN.
    pub const BOOLEAN: Tag = Tag::universal(1, false);
    /// INTEGER.
    pub const INTEGER: Tag = Tag::universal(2, false);
    /// OBJECT IDENTIFIER.
    pub const OID: Tag = Tag::universal(6, false);
    /// NULL.
    pub const NULL: Tag = Tag::universal(5, false);
    /// SEQUENCE / SEQUENCE OF.
    pub const SEQUENCE: Tag = Tag::universal(16, true);
    /// SET / SET OF.
    pub const SET: Tag = Tag::universal(17, true);

    /// True for the universal tag `number`, primitive or constructed.
    pub fn is_universal(&self, number: u32) -> bool {
        self.class == Class::Universal && self.number == number
    }
    /// True for the context tag `[number]`, primitive or constructed.
    pub fn is_context(&self, number: u32) -> bool {
        self.class == Class::Context && self.number == number
    }
}

/// One decoded element: its tag, its content, and its complete raw encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag.
    pub tag: Tag,
    /// Identifier, length, content and (for indefinite lengths) the
    /// end-of-contents octets: exactly as received.
    pub raw: &'a [u8],
    /// Content octets (without end-of-contents).
    pub content: &'a [u8],
    /// True when the length was indefinite (BER only).
    pub indefinite: bool,
    depth: usize,
}

/// Reads consecutive elements from a byte slice.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
    depth: usize,
}

fn take(input: &[u8], n: usize) -> Result<(&[u8], &[u8])> {
    if n > input.len() {
        return Err(Error::malformed("truncated BER element"));
    }
    Ok(input.split_at(n))
}

fn first(input: &[u8]) -> Result<(u8, &[u8])> {
    match input.split_first() {
        Some((b, rest)) => Ok((*b, rest)),
        None => Err(Error::malformed("truncated BER element")),
    }
}

thread_local! {
    /// Element decodes left in the current [`with_work_budget`] scope; `None`
    /// outside any scope.
    static WORK_LEFT: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Restores the enclosing budget when a scope ends.
struct BudgetScope(Option<u64>);

impl Drop for BudgetScope {
    fn drop(&mut self) {
        WORK_LEFT.with(|w| w.set(self.0));
    }
}

/// Run `f` with a budget of `elements` BER element decodes (see
/// [`limits::MAX_BER_ELEMENTS_PER_MESSAGE`]); a parse that would exceed it
/// fails with `limit-exceeded`. Scopes nest; the inner budget applies inside.
pub fn with_work_budget<R>(elements: u64, f: impl FnOnce() -> R) -> R {
    let _restore = BudgetScope(WORK_LEFT.with(|w| w.replace(Some(elements))));
    f()
}

/// Charge one element decode to the current budget, if any.
fn spend() -> Result<()> {
    WORK_LEFT.with(|w| match w.get() {
        None => Ok(()),
        Some(0) => Err(Error::limit(format!("more than {} BER elements decoded for one message", limits::MAX_BER_ELEMENTS_PER_MESSAGE))),
        Some(n) => {
            w.set(Some(n.saturating_sub(1)));
            Ok(())
        }
    })
}

/// Parse one element from the front of `input`; return it and the rest.
fn parse_one(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8])> {
    spend()?;
    if depth > limits::MAX_DER_DEPTH {
        return Err(Error::limit(format!("BER nesting deeper than {} levels", limits::MAX_DER_DEPTH)));
    }
    let (id, mut rest) = first(input)?;
    let class = match id >> 6 {
        0 => Class::Universal,
        1 => Class::Application,
        2 => Class::Context,
        _ => Class::Private,
    };
    let constructed = id & 0x20 != 0;
    let mut number = u32::from(id & 0x1f);
    if number == 0x1f {
        // High tag number form (X.690 §8.1.2.4): base-128, at most 4 octets here.
        number = 0;
        let mut count = 0usize;
        loop {
            let (b, r) = first(rest)?;
            rest = r;
            count = count.saturating_add(1);
            if count > 4 {
                return Err(Error::malformed("BER tag number too large"));
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let (len_byte, r) = first(rest)?;
    rest = r;
    let header_len_before = input.len().saturating_sub(rest.len());
    let tag = Tag { class, constructed, number };
    if len_byte == 0x80 {
        // Indefinite length (X.690 §8.1.3.6): constructed only; contents end at 00 00.
        if !constructed {
            return Err(Error::malformed("indefinite length on a primitive BER element"));
        }
        let mut scan = rest;
        loop {
            if scan.len() >= 2 && scan.starts_with(&[0, 0]) {
                let content_len = rest.len().saturating_sub(scan.len());
                let (content, _) = take(rest, content_len)?;
                let total = header_len_before.saturating_add(content_len).saturating_add(2);
                let (raw, after) = take(input, total)?;
                return Ok((Tlv { tag, raw, content, indefinite: true, depth }, after));
            }
            if scan.is_empty() {
                return Err(Error::malformed("indefinite-length BER element without end-of-contents"));
            }
            let (_, after) = parse_one(scan, depth.saturating_add(1))?;
            scan = after;
        }
    }
    let len = if len_byte < 0x80 {
        usize::from(len_byte)
    } else {
        let n = usize::from(len_byte & 0x7f);
        if n == 0x7f {
            return Err(Error::malformed("reserved BER length octet"));
        }
        if n > 4 {
            return Err(Error::limit("BER length field longer than 4 octets"));
        }
        let (bytes, r) = take(rest, n)?;
        rest = r;
        bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    let header_len = input.len().saturating_sub(rest.len());
    let (content, after_content) = take(rest, len)?;
    let total = header_len.saturating_add(len);
    let (raw, _) = take(input, total)?;
    Ok((Tlv { tag, raw, content, indefinite: false, depth }, after_content))
}

impl<'a> Reader<'a> {
    /// A reader over `data` at depth 0.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { rest: data, depth: 0 }
    }

    /// True when no bytes remain.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element, or `None` at the end.
    pub fn next_tlv(&mut self) -> Result<Option<Tlv<'a>>> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (tlv, rest) = parse_one(self.rest, self.depth)?;
        self.rest = rest;
        Ok(Some(tlv))
    }

    /// The next element, which must exist.
    pub fn read(&mut self, what: &str) -> Result<Tlv<'a>> {
        self.next_tlv()?.ok_or_else(|| Error::malformed(format!("missing {what}")))
    }

    /// The next element, which must carry `tag`.
    pub fn expect(&mut self, tag: Tag, what: &str) -> Result<Tlv<'a>> {
        let t = self.read(what)?;
        if t.tag != tag {
            return Err(Error::malformed(format!("{what}: unexpected tag {:?}", t.tag)));
        }
        Ok(t)
    }

    /// The next element if its tag satisfies `pred`; otherwise nothing is consumed.
    pub fn read_if(&mut self, pred: impl Fn(&Tag) -> bool) -> Result<Option<Tlv<'a>>> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (tlv, rest) = parse_one(self.rest, self.depth)?;
        if pred(&tlv.tag) {
            self.rest = rest;
            Ok(Some(tlv))
        } else {
            Ok(None)
        }
    }

    /// Fail unless every byte was consumed.
    pub fn finish(&self, what: &str) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Error::malformed(format!("{what}: unexpected trailing data")))
        }
    }
}

/// Parse exactly one element spanning all of `data`... except trailing bytes,
/// which are reported by the caller's choice: `parse_single` rejects them.
pub fn parse_single(data: &[u8]) -> Result<Tlv<'_>> {
    let mut r = Reader::new(data);
    let t = r.read("element")?;
    r.finish("top-level element")?;
    Ok(t)
}

impl<'a> Tlv<'a> {
    /// A reader over the children of a constructed element.
    pub fn children(&self) -> Result<Reader<'a>> {
        if !self.tag.constructed {
            return Err(Error::malformed("expected a constructed element"));
        }
        Ok(Reader { rest: self.content, depth: self.depth.saturating_add(1) })
    }

    /// Require a tag.
    pub fn check(&self, tag: Tag, what: &str) -> Result<()> {
        if self.tag == tag {
            Ok(())
        } else {
            Err(Error::malformed(format!("{what}: unexpected tag {:?}", self.tag)))
        }
    }

    /// The value of a string-like element, concatenating the segments of a
    /// constructed (BER) string. Segments must carry the same universal tag
    /// number (X.690 §8.7.3) — or, for an implicitly tagged string, any
    /// primitive segment of `segment_number`.
    pub fn string_value(&self, segment_number: u32) -> Result<Cow<'a, [u8]>> {
        if !self.tag.constructed {
            return Ok(Cow::Borrowed(self.content));
        }
        let mut out = Vec::new();
        let mut segments = 0usize;
        self.collect_segments(segment_number, &mut out, &mut segments)?;
        Ok(Cow::Owned(out))
    }

    fn collect_segments(&self, number: u32, out: &mut Vec<u8>, segments: &mut usize) -> Result<()> {
        let mut r = self.children()?;
        while let Some(seg) = r.next_tlv()? {
            *segments = segments.saturating_add(1);
            if *segments > limits::MAX_BER_SEGMENTS {
                return Err(Error::limit(format!("constructed string with more than {} segments", limits::MAX_BER_SEGMENTS)));
            }
            if !seg.tag.is_universal(number) {
                return Err(Error::malformed("constructed string segment with a different tag"));
            }
            if seg.tag.constructed {
                seg.collect_segments(number, out, segments)?;
            } else {
                out.extend_from_slice(seg.content);
            }
        }
        Ok(())
    }

    /// OCTET STRING value (primitive or constructed).
    pub fn octets(&self) -> Result<Cow<'a, [u8]>> {
        self.string_value(4)
    }

    /// The content of an OBJECT IDENTIFIER, validated.
    pub fn oid(&self) -> Result<&'a [u8]> {
        self.check(Tag::OID, "object identifier")?;
        oid::validate(self.content)?;
        Ok(self.content)
    }

    /// INTEGER content bytes (two's complement, big-endian), validated as
    /// non-empty.
    pub fn integer_bytes(&self) -> Result<&'a [u8]> {
        if self.tag.constructed || self.content.is_empty() {
            return Err(Error::malformed("bad INTEGER"));
        }
        Ok(self.content)
    }

    /// A non-negative INTEGER as big-endian magnitude without leading zeros.
    pub fn unsigned_integer(&self) -> Result<&'a [u8]> {
        let b = self.integer_bytes()?;
        if b.first().is_some_and(|x| x & 0x80 != 0) {
            return Err(Error::malformed("negative INTEGER where a positive one is required"));
        }
        let skip = b.iter().take_while(|x| **x == 0).count();
        Ok(b.get(skip..).unwrap_or(&[]))
    }

    /// A small non-negative INTEGER (versions, lengths).
    pub fn small_uint(&self) -> Result<u32> {
        let mag = self.unsigned_integer()?;
        if mag.len() > 4 {
            return Err(Error::malformed("INTEGER too large"));
        }
        Ok(mag.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
    }

    /// BOOLEAN value (BER: any non-zero octet is TRUE).
    pub fn boolean(&self) -> Result<bool> {
        self.check(Tag::BOOLEAN, "BOOLEAN")?;
        match self.content {
            [b] => Ok(*b != 0),
            _ => Err(Error::malformed("bad BOOLEAN")),
        }
    }

    /// BIT STRING value: (unused bits, bytes). Constructed form is accepted.
    pub fn bit_string(&self) -> Result<(u8, Cow<'a, [u8]>)> {
        if !self.tag.is_universal(3) {
            return Err(Error::malformed("expected BIT STRING"));
        }
        let v = self.string_value(3)?;
        // For the constructed form each segment carries its own unused-bits
        // octet; only the simple primitive form is meaningful for keys and
        // signatures, so we accept constructed only when it has one segment.
        match v {
            Cow::Borrowed(b) => {
                let (unused, bits) = b.split_first().ok_or_else(|| Error::malformed("empty BIT STRING"))?;
                if *unused > 7 {
                    return Err(Error::malformed("bad BIT STRING"));
                }
                Ok((*unused, Cow::Borrowed(bits)))
            }
            Cow::Owned(b) => {
                let (unused, bits) = b.split_first().ok_or_else(|| Error::malformed("empty BIT STRING"))?;
                if *unused > 7 {
                    return Err(Error::malformed("bad BIT STRING"));
                }
                Ok((*unused, Cow::Owned(bits.to_vec())))
            }
        }
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            s.push(char::from(DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'?')));
        }
    }
    s
}

/// An AlgorithmIdentifier (RFC 5280 §4.1.1.2): OID plus raw parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlgorithmIdentifier<'a> {
    /// OID content bytes.
    pub oid: &'a [u8],
    /// The raw parameters element, if any.
    pub params: Option<Tlv<'a>>,
}

impl<'a> AlgorithmIdentifier<'a> {
    /// Parse from a SEQUENCE element.
    pub fn parse(t: &Tlv<'a>) -> Result<Self> {
        t.check(Tag::SEQUENCE, "AlgorithmIdentifier")?;
        let mut r = t.children()?;
        let oid = r.expect(Tag::OID, "algorithm OID")?.oid()?;
        let params = r.next_tlv()?;
        r.finish("AlgorithmIdentifier")?;
        Ok(AlgorithmIdentifier { oid, params })
    }

    /// True when parameters are absent or NULL.
    pub fn params_absent_or_null(&self) -> bool {
        match &self.params {
            None => true,
            Some(p) => p.tag == Tag::NULL && p.content.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_indefinite() {
        // SEQUENCE { INTEGER 5 } in DER, and the same with indefinite length.
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let ber = [0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00];
        for data in [&der[..], &ber[..]] {
            let t = parse_single(data).unwrap();
            assert_eq!(t.raw, data);
            let mut r = t.children().unwrap();
            assert_eq!(r.read("int").unwrap().small_uint().unwrap(), 5);
            assert!(r.next_tlv().unwrap().is_none());
        }
    }

    #[test]
    fn constructed_octet_string() {
        // [UNIVERSAL 4] constructed, indefinite: "ab" + "c"
        let ber = [0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00];
        let t = parse_single(&ber).unwrap();
        assert_eq!(&*t.octets().unwrap(), b"abc");
    }

    #[test]
    fn rejects_truncation_and_bad_lengths() {
        for bad in [
            &[0x30u8, 0x05, 0x02][..],
            &[0x04, 0x80, 0x00, 0x00],
            &[0x30, 0x80, 0x02, 0x01, 0x05],
            &[0x04, 0xff],
            &[0x04, 0x85, 1, 1, 1, 1, 1],
        ] {
            assert!(parse_single(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn depth_limit_trips() {
        let mut v = Vec::new();
        for _ in 0..(limits::MAX_DER_DEPTH + 2) {
            v.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..(limits::MAX_DER_DEPTH + 2) {
            v.extend_from_slice(&[0x00, 0x00]);
        }
        let e = parse_single(&v).unwrap_err();
        assert_eq!(e.code, crate::Code::LimitExceeded);
    }
}
