//! MIME that two readers resolve differently is refused (DESIGN.md "threat
//! model": what two readers could read differently is refused). The second
//! reader we check against is Python's `email` package with
//! `policy=email.policy.default` (tests/mime_differential.rs runs it); the
//! rules below are the cases where it, or common practice, reads a structure
//! otherwise than this parser does:
//!
//! - two Content-Type or two Content-Transfer-Encoding fields in one entity
//!   (readers take the first, the last, or merge);
//! - a Content-Type that is not one plain `type/subtype` (a comment, inner
//!   whitespace, a missing subtype: Python keeps the raw text as the type);
//! - a doubtful `boundary` parameter (twice, plain beside RFC 2231 form,
//!   continuation gaps, skipped text: see [`super::params`]), or one ending in
//!   white space (Python strips it), holding an RFC 2047 encoded word (Python
//!   decodes it), a control or non-ASCII character;
//! - a lone CR in a header line, or one that makes a delimiter line for a
//!   reader that breaks lines at CR (Python does);
//! - a header line whose field name is empty or not printable ASCII
//!   (RFC 5322 §3.6.8; Python ends the header block there, we used to trim),
//!   or a `From ` envelope line inside the header block (Python skips it and
//!   reads on, we would end the block);
//! - two delimiter lines in a row (Python skips the empty part between them,
//!   even when the second is the close delimiter).
//!
//! Every refusal is `ambiguous-mime` and names the part and the rule.

use super::params::ambiguous;
use super::{Header, Headers};
use crate::error::{Error, Result};
use crate::limits;

fn part(path: &str) -> String {
    if path.is_empty() {
        "the message header".to_owned()
    } else {
        format!("MIME part {path}")
    }
}

/// Prefix an error's detail with the part it is about.
pub(crate) fn in_part(path: &str, mut err: Error) -> Error {
    err.detail = format!("{}: {}", part(path), err.detail);
    err
}

pub(super) fn bare_cr_delimiter(path: &str) -> Error {
    ambiguous(format!("{}: a lone CR makes a boundary delimiter line for readers that break lines at CR", part(path)))
}

pub(super) fn bare_cr_header(path: &str) -> Error {
    ambiguous(format!("{}: a lone CR in a header line, which some readers take as a line break", part(path)))
}

pub(super) fn empty_part(path: &str) -> Error {
    ambiguous(format!("{}: two boundary delimiter lines in a row; some readers skip the empty part between them", part(path)))
}

pub(super) fn envelope_line(path: &str) -> Error {
    ambiguous(format!("{}: a \"From \" envelope line inside the header block; some readers skip it, others end the block", part(path)))
}

/// RFC 5322 §3.6.8: field-name = 1*ftext, printable US-ASCII except ':'.
pub(super) fn check_field_name(path: &str, name: &[u8]) -> Result<()> {
    if !name.is_empty() && name.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Ok(());
    }
    let shown = String::from_utf8_lossy(name);
    Err(ambiguous(format!("{}: header field name {shown:?} is not printable ASCII; some readers end the header block there", part(path))))
}

/// The one field of each name (RFC 2045 §3: Content-Type and
/// Content-Transfer-Encoding appear once), in one pass over the block; two
/// of one name are refused.
pub(super) fn unique_fields<'e, const N: usize>(headers: &'e Headers, path: &str, names: [&str; N]) -> Result<[Option<Header<'e>>; N]> {
    let mut found: [Option<Header<'e>>; N] = [None; N];
    for h in headers.iter() {
        for (name, slot) in names.iter().zip(found.iter_mut()) {
            if h.name.eq_ignore_ascii_case(name) {
                if slot.is_some() {
                    return Err(ambiguous(format!("{}: two {name} fields; readers disagree on which applies", part(path))));
                }
                *slot = Some(h);
            }
        }
    }
    Ok(found)
}

/// RFC 2046 §5.1.1: 1 to 70 characters from bchars, not ending in space.
/// Length is a syntax error (`malformed`); the rest makes readers differ.
pub(super) fn check_boundary(path: &str, b: &str) -> Result<()> {
    if b.is_empty() || b.len() > limits::MAX_BOUNDARY_LEN {
        return Err(Error::malformed(format!("multipart boundary of {} characters", b.len())));
    }
    let reason = if b.ends_with([' ', '\t']) {
        "ends in white space, which some readers strip"
    } else if b.bytes().any(|c| !(0x20..0x7f).contains(&c)) {
        "holds a control or non-ASCII character"
    } else if b.contains("=?") && b.contains("?=") {
        "looks like an RFC 2047 encoded word, which some readers decode"
    } else {
        return Ok(());
    };
    Err(ambiguous(format!("{}: boundary {b:?} {reason}", part(path))))
}
