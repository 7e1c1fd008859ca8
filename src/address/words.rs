//! RFC 2047 encoded-words: one decoder for display names (the strict rules
//! of RFC 2047 §5(3), used by the From/Sender parser) and for unstructured
//! text such as Subject (RFC 2047 §5(1), used by the reference server).
//!
//! Charsets: UTF-8, US-ASCII, ISO-8859-1 and windows-1252 (RFC 2047 §3; the
//! names are matched case-insensitively, with their common aliases). A word in
//! another charset, or whose bytes are not valid in its charset, is not
//! decoded: in a display name that refuses the field (another reader would
//! show text we cannot), in unstructured text the word stays as written
//! (RFC 8621 §4.1.2.2 decodes "known" encodings only).

use crate::mime::decode;

/// The text of one encoded-word `=?charset[*language]?B|Q?encoded-text?=`
/// (RFC 2047 §2, §4; RFC 2231 §5 for the language suffix), or `None` when
/// `word` is not exactly one well-formed encoded-word in a charset decoded
/// here. The decoded text may hold any character; callers check it.
pub fn decode_word(word: &str) -> Option<String> {
    let inner = word.strip_prefix("=?")?.strip_suffix("?=")?;
    let mut parts = inner.split('?');
    let (charset, encoding, text) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    // RFC 2231 §5: `charset*language`.
    let charset = charset.split_once('*').map_or(charset, |(c, _)| c);
    // RFC 2047 §2: charset is a token; encoded-text is 1*<printable ASCII
    // other than "?" and SPACE>.
    if charset.is_empty() || !charset.bytes().all(is_token_byte) {
        return None;
    }
    if text.is_empty() || !text.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => base64_strict(text)?,
        "Q" | "q" => q_decode(text)?,
        _ => return None,
    };
    charset_text(charset, &bytes)
}

/// RFC 2047 §2 token: no SPACE, controls or especials.
fn is_token_byte(b: u8) -> bool {
    (0x21..=0x7e).contains(&b) && !b"()<>@,;:\"/[]?.=".contains(&b)
}

/// RFC 2047 §4.1 "B": base64 in groups of four, `=` padding only at the end.
fn base64_strict(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let data = text.trim_end_matches('=');
    let padding = b.len().saturating_sub(data.len());
    let alphabet = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    if padding > 2 || !data.bytes().all(alphabet) {
        return None;
    }
    decode::base64(b).ok()
}

/// RFC 2047 §4.2 "Q": `_` is a space, `=XX` an octet (either case of hex, as
/// other readers accept), anything else itself.
fn q_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut it = text.bytes();
    while let Some(c) = it.next() {
        match c {
            b'_' => out.push(b' '),
            b'=' => {
                let h = decode::hex_value(it.next()?)?;
                let l = decode::hex_value(it.next()?)?;
                out.push((h << 4) | l);
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// windows-1252 0x80..=0x9F (the rest is ISO-8859-1); 0 marks the five
/// undefined positions, which decode to nothing (as Python's cp1252 refuses
/// them).
const CP1252_HIGH: [u16; 32] = [
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019,
    0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/// Bytes in a named charset to text; `None` for a charset not decoded here or
/// bytes that are not valid in it.
pub fn charset_text(charset: &str, bytes: &[u8]) -> Option<String> {
    match charset.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => String::from_utf8(bytes.to_vec()).ok(),
        "us-ascii" | "ascii" => bytes.is_ascii().then(|| bytes.iter().map(|b| char::from(*b)).collect()),
        "iso-8859-1" | "iso_8859-1" | "latin1" | "latin-1" => Some(bytes.iter().map(|b| char::from(*b)).collect()),
        "windows-1252" | "cp1252" => bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9f => {
                    let u = CP1252_HIGH.get(usize::from(b.saturating_sub(0x80))).copied().unwrap_or(0);
                    if u == 0 {
                        None
                    } else {
                        char::from_u32(u32::from(u))
                    }
                }
                _ => Some(char::from(b)),
            })
            .collect(),
        _ => None,
    }
}

/// RFC 2047 §2: "An 'encoded-word' may not be more than 75 characters
/// long". Also keeps the search for a word's end from rescanning the rest
/// of a long value at every `=?` (quadratic otherwise).
const MAX_ENCODED_WORD: usize = 75;

/// The end (exclusive byte offset) of an encoded-word candidate starting at
/// `start` (which holds `=?`): after the charset, the encoding and the text,
/// at the closing `?=`, within [`MAX_ENCODED_WORD`] bytes.
fn candidate_end(s: &str, start: usize) -> Option<usize> {
    let window = s.get(start..)?;
    let window = window.get(..window.len().min(MAX_ENCODED_WORD)).or_else(|| {
        // Cut at a character boundary below the bound.
        let mut end = MAX_ENCODED_WORD;
        while !window.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        window.get(..end)
    })?;
    let rest = window.get(2..)?;
    let q1 = rest.find('?')?;
    let after1 = rest.get(q1.checked_add(1)?..)?;
    let q2 = after1.find('?')?;
    let after2 = after1.get(q2.checked_add(1)?..)?;
    let close = after2.find("?=")?;
    start.checked_add(2)?.checked_add(q1)?.checked_add(1)?.checked_add(q2)?.checked_add(1)?.checked_add(close)?.checked_add(2)
}

/// RFC 2047 encoded-words in an unstructured value (RFC 2047 §5(1); RFC 8621
/// §4.1.2.2 Text form): each well-formed word in a known charset is decoded,
/// whitespace between two adjacent encoded-words is dropped (§6.2), anything
/// else stays as written. Controls decoded from a word are replaced by
/// U+FFFD so a word cannot smuggle a line break into the text.
pub fn decode_unstructured(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut pos = 0usize;
    let mut last_was_word = false;
    while let Some(found) = v.get(pos..).and_then(|r| r.find("=?")) {
        let start = pos.saturating_add(found);
        let before = v.get(pos..start).unwrap_or("");
        let decoded = candidate_end(v, start).and_then(|end| Some((decode_word(v.get(start..end)?)?, end)));
        match decoded {
            Some((text, end)) => {
                if !(last_was_word && before.chars().all(|c| c == ' ' || c == '\t')) {
                    out.push_str(before);
                }
                out.extend(text.chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }));
                pos = end;
                last_was_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                pos = start.saturating_add(2);
                last_was_word = false;
            }
        }
    }
    out.push_str(v.get(pos..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("=?UTF-8?B?w6l0w6k=?=", Some("\u{e9}t\u{e9}")),
            ("=?utf-8?q?caf=C3=A9_au_lait?=", Some("caf\u{e9} au lait")),
            ("=?iso-8859-1?Q?caf=E9?=", Some("caf\u{e9}")),
            ("=?windows-1252?q?=80?=", Some("\u{20ac}")),
            ("=?windows-1252?q?=81?=", None),  // undefined in cp1252
            ("=?utf-8*en?q?Al?=", Some("Al")), // RFC 2231 language
            ("=?us-ascii?q?=E9?=", None),      // not ASCII
            ("=?utf-8?q?=FF?=", None),         // not UTF-8
            ("=?koi8-r?b?9MXT1A==?=", None),   // charset not decoded here
            ("=?utf-8?x?abc?=", None),
            ("=?utf-8?q??=", None),    // empty encoded-text
            ("=?utf-8?b?QQ=?=", None), // bad padding
            ("=?utf-8?b?QQ==?=", Some("A")),
            ("=?utf-8?b?Q===?=", None),
            ("=?utf-8?q?a=4?=", None), // truncated =XX
            ("=?utf-8?q?a?b?=", None), // `?` inside the text
            ("=?ut f-8?q?a?=", None),
            ("=?utf-8?q?a b?=", None),
            ("plain", None),
        ];
        for (w, want) in cases {
            assert_eq!(decode_word(w).as_deref(), *want, "{w}");
        }
    }

    #[test]
    fn unstructured() {
        assert_eq!(decode_unstructured("=?UTF-8?B?w6l0w6k=?= report"), "\u{e9}t\u{e9} report");
        assert_eq!(decode_unstructured("=?iso-8859-1?Q?caf=E9_au_lait?="), "caf\u{e9} au lait");
        assert_eq!(decode_unstructured("=?UTF-8?Q?a?= =?UTF-8?Q?b?="), "ab");
        assert_eq!(decode_unstructured("=?UTF-8?Q?a?= x =?UTF-8?Q?b?="), "a x b");
        assert_eq!(decode_unstructured("plain =? not a word"), "plain =? not a word");
        assert_eq!(decode_unstructured("=?koi8-r?b?9MXT1A==?= kept"), "=?koi8-r?b?9MXT1A==?= kept");
        assert_eq!(decode_unstructured("=?utf-8?q?a=0D=0Ab?="), "a\u{fffd}\u{fffd}b");
        // RFC 2047 §2: at most 75 characters per word (12 of them framing).
        let word = |n: usize| format!("=?utf-8?q?{}?=", "a".repeat(n));
        assert_eq!(decode_unstructured(&word(63)), "a".repeat(63));
        assert_eq!(decode_unstructured(&word(64)), word(64));
        let many = "=?x?y? \u{e9}".repeat(5000);
        assert_eq!(decode_unstructured(&many), many);
    }
}
