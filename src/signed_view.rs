//! What a UI may show of a signed message, read from the bytes that were
//! checked (issue 9 §3, DESIGN.md "Threat model"): the header fields shown
//! next to a badge, each with how far the signature covers it
//! ([`SignedHeaders`]), and the signed entity's displayable parts
//! ([`SignedBody`]), so that a UI renders exactly what was verified rather
//! than the server's own parse.
//!
//! Coverage (RFC 8551 §3.1, §3.5): in multipart/signed the signature covers
//! part 1 only, so no field of the message root is signed; in opaque
//! signed-data it covers the encapsulated entity only. A root field is
//! `signed` when the signed entity repeats it with the same value (header
//! protection), `address-checked` when it is From or Sender and its address
//! is one the signer's certificate names (R30), else `not-covered`.

use crate::address;
use crate::asn1::time;
use crate::error::Error;
use crate::limits;
use crate::mime::{self, header, Entity};
use crate::report::{AddressHeader, BodyPart, DateHeader, HeaderCoverage, MessageAddress, Problem, SignedBody, SignedHeaders, TextHeader};

/// The signed entity, as far as display goes.
#[derive(Clone, Debug, Default)]
pub(crate) struct SignedView {
    /// Header fields of the signed entity (of the embedded message when the
    /// signed entity is message/rfc822): (name, unfolded value).
    pub inner_headers: Vec<(String, String)>,
    /// Its displayable parts.
    pub body: SignedBody,
    /// RFC 9788 header protection of the signed entity (the Cryptographic
    /// Payload): `"clear"` or `"cipher"` from its Content-Type `hp`
    /// parameter (§2.1), `"legacy"` for a message/rfc822 wrapper with
    /// `forwarded=no` (RFC 8551 §3.1, RFC 9788 §2.2); `None`: unprotected.
    pub protection: Option<&'static str>,
}

/// The view of a signed entity that is a slice of `raw` (detached form).
pub(crate) fn of_entity(signed: &Entity, raw: &[u8]) -> SignedView {
    // RFC 8551 §3.1: a signed message/rfc822 carries the protected headers.
    let headed = match (signed.content_type.value.as_str(), signed.children.first()) {
        ("message/rfc822" | "message/global", Some(inner)) => inner,
        _ => signed,
    };
    SignedView {
        inner_headers: headed.headers.iter().map(|h| (h.name.to_owned(), h.value.to_owned())).collect(),
        body: body(signed, raw),
        protection: protection(signed),
    }
}

/// RFC 9788 §2.1 (`hp`), §2.2 (a wrapped message): how `payload`, the
/// signed entity, protects header fields. A message/rfc822 without
/// `forwarded=no` may be a forwarded message, not protection.
fn protection(payload: &Entity) -> Option<&'static str> {
    let ct = &payload.content_type;
    match ct.param("hp").map(str::to_ascii_lowercase).as_deref() {
        Some("clear") => return Some("clear"),
        Some("cipher") => return Some("cipher"),
        _ => {}
    }
    let wrapped = matches!(ct.value.as_str(), "message/rfc822" | "message/global");
    (wrapped && ct.param("forwarded").is_some_and(|f| f.eq_ignore_ascii_case("no"))).then_some("legacy")
}

/// The view of an encapsulated entity (opaque form): its own bytes.
pub(crate) fn of_content(content: &[u8]) -> SignedView {
    match mime::parse(content) {
        Ok(entity) => of_entity(&entity, content),
        Err(e) => SignedView { inner_headers: Vec::new(), body: refused(&e), protection: None },
    }
}

fn refused(e: &Error) -> SignedBody {
    SignedBody { parts: Vec::new(), error: Some(Problem::from(e)) }
}

/// Values of a header field by name (case-insensitive), unfolded and trimmed.
pub(crate) fn values<'h>(headers: &'h [(String, String)], name: &str) -> Vec<&'h str> {
    untrimmed(headers, name).into_iter().map(str::trim).collect()
}

/// The same, as the verifier's address check reads them.
fn untrimmed<'h>(headers: &'h [(String, String)], name: &str) -> Vec<&'h str> {
    headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
}

/// Runs of white space as one space: unfolding and re-folding must not make
/// two copies of a field differ.
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the signed entity repeats the root's single field `name` with the
/// same value; otherwise the signed copy, if any.
fn inner_copy(outer: &[&str], view: &SignedView, name: &str) -> (bool, Option<String>) {
    let inner = values(&view.inner_headers, name);
    match (outer, inner.as_slice()) {
        ([o], [i]) if squash(o) == squash(i) => (true, None),
        (_, []) => (false, None),
        (_, i) => (false, Some(i.join("\n"))),
    }
}

/// The mailboxes of the root's From or Sender, through the crate's one
/// strict address parser (src/address.rs); `None` when it refuses them or the
/// field occurs more than once (RFC 5322 §3.6).
fn mailboxes(name: &str, values: &[&str]) -> Option<Vec<MessageAddress>> {
    let list = if name.eq_ignore_ascii_case("Sender") {
        address::sender_field(values).ok()?.into_iter().collect()
    } else {
        address::from_field(values).ok()?
    };
    Some(list.into_iter().map(|m| MessageAddress { name: m.name, email: m.addr_spec }).collect())
}

/// Decoded unstructured text (RFC 2047 encoded words), e.g. a Subject.
pub(crate) fn decode_text(value: &str) -> String {
    address::decode_unstructured(value)
}

fn address_header(outer: &[(String, String)], view: &SignedView, name: &str, checked: bool) -> Option<AddressHeader> {
    let vals = values(outer, name);
    vals.first()?;
    let mailboxes = mailboxes(name, &untrimmed(outer, name));
    let (same, inner) = inner_copy(&vals, view, name);
    // A field the parser refuses is vouched for by nothing, signed copy or not.
    let coverage = match (&mailboxes, same, checked) {
        (None, _, _) => HeaderCoverage::NotCovered,
        (Some(_), true, _) => HeaderCoverage::Signed,
        (Some(_), false, true) => HeaderCoverage::AddressChecked,
        (Some(_), false, false) => HeaderCoverage::NotCovered,
    };
    Some(AddressHeader { raw: vals.join("\n"), mailboxes, coverage, inner })
}

fn coverage_of(same: bool) -> HeaderCoverage {
    if same {
        HeaderCoverage::Signed
    } else {
        HeaderCoverage::NotCovered
    }
}

/// The header fields of the message root (`outer`) that a UI shows, with
/// their coverage. `from_checked` / `sender_checked`: a valid signer's
/// certificate names the From / Sender address (the verdict's
/// `fromMatches` / `senderMatches`).
pub(crate) fn headers(outer: &[(String, String)], view: &SignedView, from_checked: bool, sender_checked: bool) -> SignedHeaders {
    let date = values(outer, "Date");
    let subject = values(outer, "Subject");
    SignedHeaders {
        from: address_header(outer, view, "From", from_checked),
        sender: address_header(outer, view, "Sender", sender_checked),
        date: date.first().map(|raw| {
            let (same, inner) = inner_copy(&date, view, "Date");
            DateHeader {
                raw: date.join("\n"),
                time: crate::verifier::parse_rfc5322_date(raw).map(time::to_rfc3339),
                coverage: coverage_of(same),
                inner,
            }
        }),
        subject: subject.first().map(|raw| {
            let (same, inner) = inner_copy(&subject, view, "Subject");
            TextHeader {
                raw: subject.join("\n"),
                value: decode_text(raw),
                coverage: coverage_of(same),
                inner: inner.as_deref().map(decode_text),
            }
        }),
    }
}

/// Where a part sits, as the RFC 8621 §4.1.4 attachment rules need it.
#[derive(Clone, Copy)]
struct Place<'e> {
    /// Path of the nearest multipart/alternative.
    alternative: Option<&'e str>,
    /// First child of its multipart (or the signed entity itself).
    first: bool,
    /// Inside a multipart/related.
    related: bool,
}

/// RFC 8621 §4.1.4: is this leaf an inline text/plain or text/html part?
fn is_inline_text(e: &Entity, place: Place<'_>) -> bool {
    if !matches!(e.content_type.value.as_str(), "text/plain" | "text/html") {
        return false;
    }
    let disposition = e.header("Content-Disposition").and_then(|h| header::parse_content_type(h.value, false).ok().flatten());
    if disposition.is_some_and(|d| d.value == "attachment") {
        return false;
    }
    // A named text part after the first is an attachment; so is anything
    // after the root of a multipart/related.
    place.first || (!place.related && e.file_name().is_none())
}

fn too_long() -> Error {
    Error::limit(format!("the signed entity's text is longer than {} bytes", limits::MAX_DISPLAY_BYTES))
}

/// The displayable parts of `signed` in document order, within
/// `MAX_DISPLAY_PARTS` and `MAX_DISPLAY_BYTES`; a body past either bound, or
/// a part that does not decode, is refused as a whole.
fn body(signed: &Entity, raw: &[u8]) -> SignedBody {
    let mut parts: Vec<BodyPart> = Vec::new();
    let mut total = 0usize;
    let mut stack: Vec<(&Entity, Place<'_>, bool)> = vec![(signed, Place { alternative: None, first: true, related: false }, true)];
    while let Some((e, place, top)) = stack.pop() {
        let ct = e.content_type.value.as_str();
        if e.content_type.is_multipart() {
            let alternative = if ct == "multipart/alternative" { Some(e.path.as_str()) } else { place.alternative };
            let related = ct == "multipart/related";
            for (i, c) in e.children.iter().enumerate().rev() {
                stack.push((c, Place { alternative, first: i == 0, related }, false));
            }
            continue;
        }
        if matches!(ct, "message/rfc822" | "message/global") {
            // An embedded message is an attachment, unless it is what was
            // signed (RFC 8551 §3.1 wrapping).
            if let (true, Some(inner)) = (top, e.children.first()) {
                stack.push((inner, place, true));
            }
            continue;
        }
        if !is_inline_text(e, place) {
            continue;
        }
        if parts.len() >= limits::MAX_DISPLAY_PARTS {
            return refused(&Error::limit(format!("the signed entity has more than {} text parts", limits::MAX_DISPLAY_PARTS)));
        }
        let decoded = match e.decoded_body(raw) {
            Ok(d) => d,
            Err(err) => return refused(&err),
        };
        // Charset decoding never shortens the text: refuse before it.
        if total.saturating_add(decoded.len()) > limits::MAX_DISPLAY_BYTES {
            return refused(&too_long());
        }
        let charset = e.content_type.param("charset").unwrap_or("us-ascii").trim().to_ascii_lowercase();
        let text = header::charset_decode(&charset, &decoded);
        total = total.saturating_add(text.len());
        if total > limits::MAX_DISPLAY_BYTES {
            return refused(&too_long());
        }
        parts.push(BodyPart {
            part: e.path.clone(),
            content_type: ct.to_owned(),
            charset,
            text,
            alternative: place.alternative.map(str::to_owned),
        });
    }
    SignedBody { parts, error: None }
}
