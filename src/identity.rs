//! Signer identity (R29, R30): the addr-specs of From and Sender (RFC 5322
//! §3.4; display names never count) against the certificate's addresses.
//!
//! Comparison (RFC 8550 §3, RFC 8398 §5): domains case-insensitively after
//! converting A-labels to U-labels; ASCII local parts case-insensitively;
//! non-ASCII local parts exactly.

/// The addr-specs in an address-list header value, in order. Group names,
/// display names and comments are dropped.
pub fn mailboxes(value: &str) -> Vec<String> {
    // Pass 1: remove comments, keep quoted strings intact.
    let mut clean = String::with_capacity(value.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            if depth == 0 {
                clean.push(c);
            }
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                if depth == 0 {
                    clean.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                clean.push(c);
            }
            '(' if !quoted => depth = depth.saturating_add(1),
            ')' if !quoted && depth > 0 => depth = depth.saturating_sub(1),
            _ if depth == 0 => clean.push(c),
            _ => {}
        }
    }
    // Pass 2: split at top-level commas, semicolons and group colons.
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut angle = false;
    let mut escaped = false;
    let flush = |s: &mut String, out: &mut Vec<String>| {
        if let Some(a) = addr_spec(s) {
            out.push(a);
        }
        s.clear();
    };
    for c in clean.chars() {
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                current.push(c);
            }
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            '<' if !quoted => {
                angle = true;
                current.push(c);
            }
            '>' if !quoted => {
                angle = false;
                current.push(c);
            }
            ',' | ';' if !quoted && !angle => flush(&mut current, &mut out),
            // A group's display name ends at the colon: drop it.
            ':' if !quoted && !angle => current.clear(),
            _ => current.push(c),
        }
    }
    flush(&mut current, &mut out);
    out
}

/// The addr-spec of one mailbox: inside angle brackets if present, else the
/// whole (trimmed) text, when it has an `@`.
fn addr_spec(mailbox: &str) -> Option<String> {
    let m = mailbox.trim();
    let spec = match (m.rfind('<'), m.rfind('>')) {
        (Some(a), Some(b)) if a < b => m.get(a.saturating_add(1)..b)?.trim(),
        _ => m,
    };
    // An obsolete route (`@a,@b:user@host`) is not kept: take what follows ':'.
    let spec = spec.rsplit(':').next().unwrap_or(spec).trim();
    let (local, domain) = spec.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() || spec.chars().any(char::is_whitespace) && !local.starts_with('"') {
        return None;
    }
    Some(spec.to_owned())
}

/// Decode one Punycode label body (RFC 3492 §6.2), without the `xn--` prefix.
fn punycode_decode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    let (basic, rest) = match input.rfind('-') {
        Some(i) => (input.get(..i)?, input.get(i.checked_add(1)?..)?),
        None => ("", input),
    };
    let mut out: Vec<char> = basic.chars().collect();
    if !basic.is_ascii() {
        return None;
    }
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = rest.bytes();
    while digits.clone().next().is_some() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let d = match digits.next()? {
                c @ b'a'..=b'z' => u32::from(c.saturating_sub(b'a')),
                c @ b'A'..=b'Z' => u32::from(c.saturating_sub(b'A')),
                c @ b'0'..=b'9' => u32::from(c.saturating_sub(b'0')).checked_add(26)?,
                _ => return None,
            };
            i = i.checked_add(d.checked_mul(w)?)?;
            let t = if k <= bias {
                1
            } else if k >= bias.checked_add(26)? {
                26
            } else {
                k.checked_sub(bias)?
            };
            if d < t {
                break;
            }
            w = w.checked_mul(BASE.checked_sub(t)?)?;
            k = k.checked_add(BASE)?;
        }
        let len = u32::try_from(out.len()).ok()?.checked_add(1)?;
        // Bias adaptation (RFC 3492 §6.1).
        let mut delta = if old_i == 0 { i.checked_sub(old_i)? / 700 } else { i.checked_sub(old_i)? / 2 };
        delta = delta.checked_add(delta.checked_div(len)?)?;
        let mut kk = 0u32;
        while delta > 455 {
            delta /= 35;
            kk = kk.checked_add(BASE)?;
        }
        bias = kk.checked_add(36u32.checked_mul(delta)?.checked_div(delta.checked_add(38)?)?)?;
        n = n.checked_add(i.checked_div(len)?)?;
        i = i.checked_rem(len)?;
        let pos = usize::try_from(i).ok()?;
        if pos > out.len() {
            return None;
        }
        out.insert(pos, char::from_u32(n)?);
        i = i.checked_add(1)?;
    }
    Some(out.into_iter().collect())
}

/// A domain in comparable form: U-labels, lowercase, no trailing dot.
fn domain_key(domain: &str) -> String {
    domain
        .trim_end_matches('.')
        .split('.')
        .map(|label| {
            let lower = label.to_lowercase();
            match lower.strip_prefix("xn--").and_then(punycode_decode) {
                Some(u) => u.to_lowercase(),
                None => lower,
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Do two addresses name the same mailbox (R30)?
pub fn same_address(a: &str, b: &str) -> bool {
    let (Some((la, da)), Some((lb, db))) = (a.rsplit_once('@'), b.rsplit_once('@')) else { return false };
    if domain_key(da) != domain_key(db) {
        return false;
    }
    let strip = |l: &str| l.trim_matches('"').to_owned();
    let (la, lb) = (strip(la), strip(lb));
    if la.is_ascii() && lb.is_ascii() {
        la.eq_ignore_ascii_case(&lb)
    } else {
        la == lb
    }
}

/// True when `address` equals one of the certificate's addresses.
pub fn matches_any(address: &str, cert_addresses: &[String]) -> bool {
    cert_addresses.iter().any(|c| same_address(address, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_table() {
        let cases: &[(&str, &[&str])] = &[
            ("alice@example.com", &["alice@example.com"]),
            (" Alice Example <alice@example.com>", &["alice@example.com"]),
            ("\"Example, Alice\" <alice@example.com>, bob@example.org", &["alice@example.com", "bob@example.org"]),
            ("alice@example.com (Alice <not@this.one>)", &["alice@example.com"]),
            ("\"mallory@evil.example\" <alice@example.com>", &["alice@example.com"]),
            ("Team: alice@example.com, bob@example.com;", &["alice@example.com", "bob@example.com"]),
            ("undisclosed-recipients:;", &[]),
            ("no address here", &[]),
            ("<@route.example:alice@example.com>", &["alice@example.com"]),
        ];
        for (value, want) in cases {
            assert_eq!(mailboxes(value), *want, "{value}");
        }
    }

    #[test]
    fn comparison_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("alice@example.com", "alice@example.com", true),
            ("Alice@Example.COM", "alice@example.com", true),
            ("alice@example.com", "alice@example.org", false),
            ("alice@example.com", "alice@mail.example.com", false),
            ("jos\u{e9}@example.com", "jos\u{e9}@example.com", true),
            ("JOS\u{c9}@example.com", "jos\u{e9}@example.com", false),
            ("alice@b\u{fc}cher.example", "alice@xn--bcher-kva.example", true),
            ("alice@XN--BCHER-KVA.example", "alice@B\u{dc}CHER.example", true),
            ("alice", "alice", false),
        ];
        for (a, b, want) in cases {
            assert_eq!(same_address(a, b), *want, "{a} vs {b}");
        }
        assert_eq!(punycode_decode("bcher-kva").as_deref(), Some("b\u{fc}cher"));
        assert_eq!(punycode_decode("mnchen-3ya").as_deref(), Some("m\u{fc}nchen"));
        assert_eq!(punycode_decode("!!"), None);
    }
}
