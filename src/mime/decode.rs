//! Content-Transfer-Encoding decoders (RFC 2045 §6).

use crate::error::{Error, Result};

const BASE64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Not in the alphabet (every value of the table below 64 is a sextet).
const NOT_BASE64: u8 = 0xff;

/// Each octet's sextet, or [`NOT_BASE64`].
static BASE64_VALUES: [u8; 256] = {
    let mut t = [NOT_BASE64; 256];
    let mut i = 0;
    while i < 64 {
        // Evaluated at compile time: the indices are in range or the build fails.
        #[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
        {
            t[BASE64_ALPHABET[i] as usize] = i as u8;
        }
        i += 1;
    }
    t
};

fn b64_value(c: u8) -> u32 {
    u32::from(BASE64_VALUES.get(usize::from(c)).copied().unwrap_or(NOT_BASE64))
}

/// Base64 (RFC 2045 §6.8): characters outside the alphabet are ignored, `=`
/// ends the data. A dangling single sextet is an error.
pub fn base64(input: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity((input.len() / 4).saturating_mul(3));
    let mut acc: u32 = 0;
    let mut n = 0u8;
    let mut rest = input;
    loop {
        // Four alphabet characters on a quantum boundary (most of a body):
        // one table lookup each, no per-character bookkeeping.
        if let Some((q, tail)) = rest.split_first_chunk::<4>() {
            let v = [b64_value(q[0]), b64_value(q[1]), b64_value(q[2]), b64_value(q[3])];
            if n == 0 && (v[0] | v[1] | v[2] | v[3]) < 64 {
                let w = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
                out.extend_from_slice(&[(w >> 16) as u8, (w >> 8) as u8, w as u8]);
                rest = tail;
                continue;
            }
        }
        let Some((&c, tail)) = rest.split_first() else { break };
        rest = tail;
        if c == b'=' {
            break;
        }
        let v = b64_value(c);
        if v >= 64 {
            continue;
        }
        acc = (acc << 6) | v;
        n = n.saturating_add(1);
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    match n {
        0 => {}
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => return Err(Error::malformed("truncated base64 data")),
    }
    Ok(out)
}

/// True when `text` is canonical base64 (RFC 4648 §4, §3.5): only the
/// alphabet, a length that is a multiple of four, padding only as the last
/// one or two characters, and zero in the bits the padding leaves over; that
/// is, exactly what [`base64_encode`] writes for what [`base64`] reads from it.
pub fn is_canonical_base64(text: &[u8]) -> bool {
    if !text.len().is_multiple_of(4) {
        return false;
    }
    let body = text.strip_suffix(b"==").or_else(|| text.strip_suffix(b"=")).unwrap_or(text);
    if !body.iter().all(|c| b64_value(*c) < 64) {
        return false;
    }
    // The last sextet before padding carries 2 (one `=`) or 4 (two) unused bits.
    let unused = match text.len().saturating_sub(body.len()) {
        1 => 0b11,
        2 => 0b1111,
        _ => 0,
    };
    body.last().is_none_or(|c| b64_value(*c) & unused == 0)
}

/// Base64 encoding (standard alphabet, padded, no line breaks).
pub fn base64_encode(input: &[u8]) -> String {
    let sym = |v: u32| char::from(BASE64_ALPHABET.get((v & 63) as usize).copied().unwrap_or(b'A'));
    let mut out = String::with_capacity(input.len().div_ceil(3).saturating_mul(4));
    for chunk in input.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(v >> 18));
        out.push(sym(v >> 12));
        out.push(if chunk.len() > 1 { sym(v >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(v) } else { '=' });
    }
    out
}

/// The value of one hex digit (either case).
pub(crate) fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.saturating_sub(b'0')),
        b'A'..=b'F' => Some(c.saturating_sub(b'A').saturating_add(10)),
        b'a'..=b'f' => Some(c.saturating_sub(b'a').saturating_add(10)),
        _ => None,
    }
}

/// Quoted-printable (RFC 2045 §6.7): `=XX` octets, `=` at end of line is a
/// soft break, trailing whitespace on a line is dropped, a stray `=` is kept.
pub fn quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    for line in input.split_inclusive(|b| *b == b'\n') {
        let (body, has_nl) = match line.strip_suffix(b"\n") {
            Some(b) => (b.strip_suffix(b"\r").unwrap_or(b), true),
            None => (line, false),
        };
        let end = body.iter().rposition(|b| *b != b' ' && *b != b'\t').map_or(0, |p| p.saturating_add(1));
        let body = body.get(..end).unwrap_or(&[]);
        let (body, soft) = match body.strip_suffix(b"=") {
            Some(b) => (b, true),
            None => (body, false),
        };
        let mut i = 0usize;
        while let Some(&c) = body.get(i) {
            if c == b'=' {
                let h = body.get(i.saturating_add(1)).and_then(|x| hex_value(*x));
                let l = body.get(i.saturating_add(2)).and_then(|x| hex_value(*x));
                if let (Some(h), Some(l)) = (h, l) {
                    out.push((h << 4) | l);
                    i = i.saturating_add(3);
                    continue;
                }
            }
            out.push(c);
            i = i.saturating_add(1);
        }
        if has_nl && !soft {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_table() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b"Zg==", b"f"),
            (b"Zm8=", b"fo"),
            (b"Zm9v", b"foo"),
            (b"Zm9v\r\nYmFy", b"foobar"),
            (b"Zm9vYg", b"foob"),
            (b" Z m 9 v !", b"foo"),
            (b"Zm9vYmFy", b"foobar"),
            (b"Zm9vYm\r\nFyYg==", b"foobarb"),
            (b"Zm9v=YmFy", b"foo"),
            (b"Z\x80m9vYmFy", b"foobar"),
            (b"Zm9vYmFyYmF6", b"foobarbaz"),
        ];
        for (enc, dec) in cases {
            assert_eq!(base64(enc).unwrap(), *dec);
        }
        assert!(base64(b"Zm9vY").is_err());
        for data in [&b""[..], b"a", b"ab", b"abc", b"\x00\xff\x10"] {
            assert_eq!(base64(base64_encode(data).as_bytes()).unwrap(), data);
        }
    }

    /// A fixed xorshift64 stream from `seed` (test inputs, reproducible).
    fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// The decoder one character at a time, as RFC 2045 §6.8 reads: the
    /// oracle for the quantum fast path.
    fn base64_by_char(input: &[u8]) -> Option<Vec<u8>> {
        let mut bits = Vec::new();
        for &c in input {
            if c == b'=' {
                break;
            }
            if let Some(v) = BASE64_ALPHABET.iter().position(|a| *a == c) {
                bits.push(v as u32);
            }
        }
        if bits.len() % 4 == 1 {
            return None;
        }
        let mut out = Vec::new();
        for q in bits.chunks(4) {
            let w = q.iter().fold(0u32, |w, v| (w << 6) | v) << (6 * (4 - q.len()));
            out.extend_from_slice(&w.to_be_bytes()[1..q.len()]);
        }
        Some(out)
    }

    #[test]
    fn base64_matches_the_character_reading() {
        // A fixed pseudo-random stream: alphabet runs broken by line ends,
        // spaces, stray octets and padding at any offset.
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        let noise = b"\r\n =!\x80\xff-";
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r.is_multiple_of(7) {
                        noise[(r >> 8) as usize % noise.len()]
                    } else {
                        BASE64_ALPHABET[(r >> 8) as usize % 64]
                    }
                })
                .collect();
            assert_eq!(base64(&text).ok(), base64_by_char(&text), "{}", String::from_utf8_lossy(&text));
        }
    }

    #[test]
    fn canonical_base64_is_the_encoder_round_trip() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let symbols = b"AQgw/+=\r\n Zz09";
        let mut texts: Vec<Vec<u8>> =
            vec![b"".to_vec(), b"Zg==".to_vec(), b"Zh==".to_vec(), b"Zm8=".to_vec(), b"Zm9=".to_vec(), b"Zm9v".to_vec()];
        for _ in 0..4000 {
            let len = (next() % 13) as usize;
            texts.push((0..len).map(|_| symbols[(next() >> 9) as usize % symbols.len()]).collect());
        }
        for t in &texts {
            let round_trip = base64(t).ok().is_some_and(|o| base64_encode(&o).as_bytes() == t.as_slice());
            assert_eq!(is_canonical_base64(t), round_trip, "{}", String::from_utf8_lossy(t));
        }
    }

    #[test]
    fn quoted_printable_table() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"caf=C3=A9", b"caf\xc3\xa9"),
            (b"soft=\r\nbreak", b"softbreak"),
            (b"trail  \r\nx", b"trail\r\nx"),
            (b"a=\nb\n", b"ab\r\n"),
            (b"stray = sign", b"stray = sign"),
            (b"=3D", b"="),
        ];
        for (enc, dec) in cases {
            assert_eq!(quoted_printable(enc), *dec, "{}", String::from_utf8_lossy(enc));
        }
    }
}
