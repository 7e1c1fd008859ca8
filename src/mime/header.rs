//! Header fields (RFC 5322 §2.2, §3.2.2), stored compactly: one text buffer
//! per entity holds every name and unfolded value back to back, and each field
//! is four 32-bit offsets. A message of tiny fields therefore costs a small
//! multiple of its size (about 16 bytes per field plus its text), not one heap
//! allocation per name and value.
//!
//! MIME parameters (RFC 2045 §5.1, RFC 2231) are in [`super::params`]; they
//! are re-exported here, where callers have always found them.

use crate::error::{Error, Result};
use crate::limits;

pub use super::params::{charset_decode, parse_content_type, ContentType};

/// One header field, borrowed from its entity. Duplicates are kept, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'e> {
    /// Field name as written.
    pub name: &'e str,
    /// Unfolded value (CRLF/LF before continuation whitespace removed),
    /// decoded as UTF-8 with replacement characters for invalid bytes.
    pub value: &'e str,
    /// Byte range of the whole field (name to end of last line) in the raw
    /// message.
    pub range: (usize, usize),
}

/// Offsets of one field: the name is `text[prev.value_end..name_end]`, the
/// value `text[name_end..value_end]`; `start..end` is its range in the raw
/// message. u32 suffices: a message is at most 64 MiB and a value's text at
/// most three times its bytes (replacement characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Field {
    name_end: u32,
    value_end: u32,
    start: u32,
    end: u32,
}

/// The header fields of one entity, in order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Headers {
    text: String,
    fields: Vec<Field>,
}

fn offset(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| Error::limit(format!("header text beyond {} bytes", u32::MAX)))
}

impl Headers {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when the entity has no header field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The field at `index`.
    pub fn get(&self, index: usize) -> Option<Header<'_>> {
        (index < self.fields.len()).then(|| self.at(index))
    }

    fn at(&self, index: usize) -> Header<'_> {
        let f = self.fields.get(index).copied().unwrap_or(Field { name_end: 0, value_end: 0, start: 0, end: 0 });
        let name_start = match index.checked_sub(1) {
            Some(prev) => self.fields.get(prev).map_or(0, |p| p.value_end),
            None => 0,
        };
        let text = |a: u32, b: u32| self.text.get(a as usize..b as usize).unwrap_or("");
        Header { name: text(name_start, f.name_end), value: text(f.name_end, f.value_end), range: (f.start as usize, f.end as usize) }
    }

    /// Every field, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Header<'_>> + ExactSizeIterator + '_ {
        (0..self.fields.len()).map(move |i| self.at(i))
    }

    /// The first field with this name (case-insensitive).
    pub fn first(&self, name: &str) -> Option<Header<'_>> {
        self.iter().find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// How many fields have this name (case-insensitive).
    pub fn count(&self, name: &str) -> usize {
        self.iter().filter(|h| h.name.eq_ignore_ascii_case(name)).count()
    }

    /// Append a field (the first line of it). Enforces
    /// [`limits::MAX_HEADER_FIELDS`] and [`limits::MAX_HEADER_VALUE_BYTES`].
    pub(crate) fn push(&mut self, name: &[u8], value: &[u8], range: (usize, usize)) -> Result<()> {
        if self.fields.len() >= limits::MAX_HEADER_FIELDS {
            return Err(Error::limit(format!("more than {} header fields", limits::MAX_HEADER_FIELDS)));
        }
        let value = String::from_utf8_lossy(value);
        if value.len() > limits::MAX_HEADER_VALUE_BYTES {
            return Err(Error::limit(format!("header value longer than {} bytes", limits::MAX_HEADER_VALUE_BYTES)));
        }
        self.text.push_str(&String::from_utf8_lossy(name));
        let name_end = offset(self.text.len())?;
        self.text.push_str(&value);
        let field = Field { name_end, value_end: offset(self.text.len())?, start: offset(range.0)?, end: offset(range.1)? };
        self.fields.push(field);
        Ok(())
    }

    /// Append a continuation line (RFC 5322 §2.2.3 unfolding: the line break
    /// goes, the leading whitespace stays) to the last field; without a field
    /// the line is ignored. `end` is where the line ends in the raw message.
    pub(crate) fn continue_last(&mut self, line: &[u8], end: usize) -> Result<()> {
        let Some(last) = self.fields.last_mut() else { return Ok(()) };
        let line = String::from_utf8_lossy(line);
        let value_len = (last.value_end as usize).saturating_sub(last.name_end as usize);
        if value_len.saturating_add(line.len()) > limits::MAX_HEADER_VALUE_BYTES {
            return Err(Error::limit(format!("header value longer than {} bytes", limits::MAX_HEADER_VALUE_BYTES)));
        }
        self.text.push_str(&line);
        last.value_end = offset(self.text.len())?;
        last.end = offset(end)?;
        Ok(())
    }

    /// Drop spare capacity once the block is complete, so that only the entity
    /// being read holds any.
    pub(crate) fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.fields.shrink_to_fit();
    }
}

impl<'e> IntoIterator for &'e Headers {
    type Item = Header<'e>;
    type IntoIter = Box<dyn Iterator<Item = Header<'e>> + 'e>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_in_order() {
        let mut h = Headers::default();
        h.push(b"Subject", b" one", (0, 14)).unwrap();
        h.continue_last(b" two", 20).unwrap();
        h.push(b"X", b"", (20, 23)).unwrap();
        h.push(b"subject", b"\xff", (23, 35)).unwrap();
        let all: Vec<_> = h.iter().collect();
        assert_eq!(all.len(), 3);
        assert_eq!((all[0].name, all[0].value, all[0].range), ("Subject", " one two", (0, 20)));
        assert_eq!((all[1].name, all[1].value), ("X", ""));
        assert_eq!(all[2].value, "\u{fffd}");
        assert_eq!(h.count("SUBJECT"), 2);
        assert_eq!(h.first("x").map(|f| f.range), Some((20, 23)));
        assert_eq!(h.iter().next_back().map(|f| f.name), Some("subject"));
    }
}
