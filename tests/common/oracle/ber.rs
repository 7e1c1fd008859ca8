//! BER to DER re-encoding for the oracle's input (X.690 §10): definite,
//! minimal lengths, and constructed universal strings joined into their
//! primitive form. It does not sort SETs (`der` sorts SET OF on decode) and
//! does not look into implicitly tagged strings (it cannot know them).
//!
//! Written on its own, without the crate's BER reader, so that a bug there
//! cannot hide in both readings. Bounded: depth 64, input length.

const MAX_DEPTH: usize = 64;

/// Universal string types whose constructed BER form DER forbids
/// (X.690 §10.2): OCTET STRING and the character strings. BIT STRING is left
/// alone: its segments each carry an unused-bits octet.
fn is_string(number: u32) -> bool {
    matches!(number, 4 | 12 | 18 | 19 | 20 | 21 | 22 | 25 | 26 | 27 | 28 | 30)
}

struct Header {
    /// Identifier octets as received.
    id: Vec<u8>,
    class_universal: bool,
    constructed: bool,
    number: u32,
    /// None for an indefinite length.
    len: Option<usize>,
    header_len: usize,
}

fn header(input: &[u8]) -> Result<Header, String> {
    let first = *input.first().ok_or("truncated identifier")?;
    let mut pos = 1;
    let mut number = u32::from(first & 0x1f);
    if number == 0x1f {
        number = 0;
        loop {
            let b = *input.get(pos).ok_or("truncated tag number")?;
            pos += 1;
            if pos > 5 {
                return Err("tag number too long".into());
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let id = input[..pos].to_vec();
    let l = *input.get(pos).ok_or("truncated length")?;
    pos += 1;
    let len = if l == 0x80 {
        None
    } else if l < 0x80 {
        Some(usize::from(l))
    } else {
        let n = usize::from(l & 0x7f);
        if n > 4 {
            return Err("length of more than 4 octets".into());
        }
        let bytes = input.get(pos..pos + n).ok_or("truncated length")?;
        pos += n;
        Some(bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b)))
    };
    Ok(Header { id, class_universal: first >> 6 == 0, constructed: first & 0x20 != 0, number, len, header_len: pos })
}

fn push_len(out: &mut Vec<u8>, n: usize) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let be = (n as u64).to_be_bytes();
        let skip = be.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&be[skip..]);
    }
}

/// One re-encoded element and how many input bytes it used.
fn element(input: &[u8], depth: usize) -> Result<(Vec<u8>, usize), String> {
    if depth > MAX_DEPTH {
        return Err("nested too deep".into());
    }
    let h = header(input)?;
    let body = &input[h.header_len..];
    if !h.constructed {
        let len = h.len.ok_or("indefinite length on a primitive element")?;
        let content = body.get(..len).ok_or("truncated content")?;
        let mut out = h.id.clone();
        push_len(&mut out, len);
        out.extend_from_slice(content);
        return Ok((out, h.header_len + len));
    }
    // Constructed: children up to the length, or up to end-of-contents.
    let (region, used) = match h.len {
        Some(len) => (body.get(..len).ok_or("truncated content")?, len),
        None => (body, 0),
    };
    let mut children = Vec::new();
    let mut pos = 0;
    loop {
        if h.len.is_some() && pos == region.len() {
            break;
        }
        if h.len.is_none() && region.get(pos..pos + 2) == Some(&[0, 0]) {
            pos += 2;
            break;
        }
        if pos >= region.len() {
            return Err("missing end-of-contents".into());
        }
        let (child, n) = element(&region[pos..], depth + 1)?;
        children.push(child);
        pos += n;
    }
    let consumed = h.header_len + if h.len.is_some() { used } else { pos };
    let mut out = Vec::new();
    if h.class_universal && is_string(h.number) {
        // X.690 §10.2: the primitive form, segments joined.
        let mut joined = Vec::new();
        for c in &children {
            let ch = header(c)?;
            if ch.number != h.number || ch.constructed {
                return Err("string segment of another type".into());
            }
            joined.extend_from_slice(&c[ch.header_len..]);
        }
        out.push(h.id[0] & !0x20);
        out.extend_from_slice(&h.id[1..]);
        push_len(&mut out, joined.len());
        out.extend(joined);
    } else {
        let content: Vec<u8> = children.concat();
        out.extend_from_slice(&h.id);
        push_len(&mut out, content.len());
        out.extend(content);
    }
    Ok((out, consumed))
}

/// The DER form of one BER element spanning all of `input`.
pub fn to_der(input: &[u8]) -> Result<Vec<u8>, String> {
    let (out, used) = element(input, 0)?;
    if used != input.len() {
        return Err("trailing bytes".into());
    }
    Ok(out)
}

/// The complete encodings of the elements inside a DER element.
fn children(der: &[u8]) -> Result<Vec<&[u8]>, String> {
    let h = header(der)?;
    let len = h.len.ok_or("indefinite length in DER")?;
    let mut body = der.get(h.header_len..h.header_len + len).ok_or("truncated content")?;
    let mut out = Vec::new();
    while !body.is_empty() {
        let c = header(body)?;
        let n = c.header_len + c.len.ok_or("indefinite length in DER")?;
        out.push(body.get(..n).ok_or("truncated child")?);
        body = &body[n..];
    }
    Ok(out)
}

fn wrap(id: &[u8], content: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// A ContentInfo whose SignedData has no `certificates [0]` and no
/// `crls [1]`, with how many elements each held: lets the oracle read the
/// rest of a SignedData whose certificate or CRL set it refuses (the
/// certificates and CRLs are then compared one by one anyway).
pub fn without_sets(input: &[u8]) -> Result<(Vec<u8>, usize, usize), String> {
    let der = to_der(input)?;
    let [ct, wrapper] = children(&der)?[..] else { return Err("not a ContentInfo".into()) };
    let [sd] = children(wrapper)?[..] else { return Err("ContentInfo [0] must hold one element".into()) };
    let (mut certs, mut crls, mut kept) = (0, 0, Vec::new());
    for c in children(sd)? {
        match c.first() {
            Some(0xa0) => certs += children(c)?.len(),
            Some(0xa1) => crls += children(c)?.len(),
            _ => kept.extend_from_slice(c),
        }
    }
    let sd = wrap(&[0x30], &kept);
    let ci = wrap(&[0x30], &[ct, &wrap(&[0xa0], &sd)].concat());
    Ok((ci, certs, crls))
}

#[cfg(test)]
mod tests {
    use super::{to_der, without_sets};

    #[test]
    fn sets_removed() {
        // ContentInfo { OID 1.2, [0] { SEQUENCE { INTEGER 1, [0] { NULL, NULL }, [1] { NULL }, SET {} } } }
        let ci = [
            0x30, 0x16, 0x06, 0x01, 0x2a, 0xa0, 0x11, 0x30, 0x0f, 0x02, 0x01, 0x01, 0xa0, 0x04, 0x05, 0x00, 0x05, 0x00, 0xa1, 0x02, 0x05,
            0x00, 0x31, 0x00,
        ];
        let (out, certs, crls) = without_sets(&ci).unwrap();
        assert_eq!((certs, crls), (2, 1));
        assert_eq!(out, [0x30, 0x0c, 0x06, 0x01, 0x2a, 0xa0, 0x07, 0x30, 0x05, 0x02, 0x01, 0x01, 0x31, 0x00]);
    }

    #[test]
    fn table() {
        let cases: &[(&[u8], &[u8])] = &[
            // SEQUENCE (indefinite) { INTEGER 5 } -> definite
            (&[0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00], &[0x30, 0x03, 0x02, 0x01, 0x05]),
            // constructed OCTET STRING "ab" + "c" -> primitive "abc"
            (&[0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00], &[0x04, 0x03, b'a', b'b', b'c']),
            // non-minimal length 81 03 -> 03
            (&[0x30, 0x81, 0x03, 0x02, 0x01, 0x05], &[0x30, 0x03, 0x02, 0x01, 0x05]),
            // [0] indefinite around an indefinite SEQUENCE
            (&[0xa0, 0x80, 0x30, 0x80, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00], &[0xa0, 0x04, 0x30, 0x02, 0x05, 0x00]),
            // DER stays as it is
            (&[0x31, 0x03, 0x02, 0x01, 0x01], &[0x31, 0x03, 0x02, 0x01, 0x01]),
        ];
        for (ber, der) in cases {
            assert_eq!(to_der(ber).unwrap(), *der, "{ber:02x?}");
        }
        for bad in [&[0x30u8, 0x80, 0x02, 0x01, 0x05][..], &[0x04, 0x80, 0x00, 0x00], &[0x30, 0x02, 0x05], &[0x05, 0x00, 0x00]] {
            assert!(to_der(bad).is_err(), "{bad:02x?}");
        }
    }
}
