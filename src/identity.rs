//! Signer identity (R29, R30) and the one normalisation of addresses and
//! domains that identity matching and name constraints
//! ([`crate::pki::name_constraints`]) share, so a name cannot be one thing to
//! the constraint check and another to the From comparison.
//!
//! A domain's comparison form ([`domain_key`]) is its lowercase A-labels
//! (RFC 5280 §7.5 compares hosts "after conversion to ACE"; RFC 8398 §5
//! compares U-labels, which is the same once both sides are valid). Names
//! that are not valid are refused, never repaired: a trailing dot or an empty
//! label, a label over 63 octets (RFC 1034 §3.1) or a name over 253 (RFC 1035
//! §2.3.4), an ASCII label that is not LDH or has hyphens in positions 3 and
//! 4 without being an A-label (RFC 5890 §2.3.1), an `xn--` label that does not
//! decode to a U-label with non-ASCII characters or does not round-trip
//! (RFC 5890 §2.3.2.1, RFC 5891 §5.3–5.4: `xn--bank-` decodes to "bank" and is
//! not an A-label). U-labels are lowercased (RFC 8550 §3: domains compare
//! case-insensitively) and refused when they hold what IDNA2008 disallows and
//! other readers map to ASCII or to a dot: controls, white space, format and
//! bidi controls, compatibility forms (fullwidth, halfwidth, small and
//! letter-like forms, mathematical alphanumerics, enclosed alphanumerics,
//! super- and subscripts, presentation forms, ideographic full stops), or a
//! character whose lowercase is ASCII (KELVIN SIGN). The full RFC 5892 tables,
//! NFC and the Bidi rule are not checked: that needs Unicode data (idna's
//! UTS 46 mode costs 56 KB of gzipped wasm); both sides of every comparison
//! use this same form, so the gap can make a name compare unequal, never
//! equal to another.
//!
//! Addresses (R30, RFC 8550 §3): the addr-spec is read by
//! [`crate::address::parse_addr_spec`]; domains compare by [`domain_key`];
//! ASCII local parts case-insensitively, non-ASCII local parts exactly (RFC
//! 8398 §5 never folds them).

use crate::address;

/// RFC 1034 §3.1, RFC 5890 §2.3.2.1: a label (A-label form) is at most 63
/// octets. Also bounds the Punycode work (quadratic in the label length).
const MAX_LABEL_OCTETS: usize = 63;

/// RFC 1035 §2.3.4: 255 octets on the wire, 253 in text without the root.
const MAX_DOMAIN_OCTETS: usize = 253;

/// A non-ASCII character no U-label here may hold (see the module docs).
fn disallowed_in_u_label(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(u32::from(c),
            0x00ad | 0x034f | 0x061c | 0x115f | 0x1160 | 0x17b4 | 0x17b5 | 0x180b..=0x180f
            | 0x2000..=0x206f // general punctuation: spaces, ZWNJ/ZWJ, bidi, dashes, dots
            | 0x2070..=0x209f // super- and subscripts
            | 0x2100..=0x214f // letter-like symbols
            | 0x2150..=0x218f // number forms
            | 0x2460..=0x24ff // enclosed alphanumerics
            | 0x3000..=0x3003 // ideographic space and full stops
            | 0x3164 | 0x3300..=0x33ff // CJK compatibility
            | 0xfb00..=0xfb4f // alphabetic presentation forms
            | 0xfe00..=0xfe0f // variation selectors
            | 0xfe10..=0xfe1f | 0xfe30..=0xfe6f // vertical, compatibility and small forms
            | 0xfeff | 0xff00..=0xffef // fullwidth and halfwidth forms
            | 0xfff0..=0xffff
            | 0x1d400..=0x1d7ff // mathematical alphanumerics
            | 0x1f100..=0x1f1ff // enclosed alphanumeric supplement
            | 0xe0000..=0xe0fff // tags and variation selectors supplement
        )
}

/// RFC 5891 §4.2.3.1 hyphen rules on a label: not first or last, not in
/// both positions 3 and 4.
fn hyphens_ok(label: &str) -> bool {
    let mut chars = label.chars();
    let third_fourth = (chars.nth(2), chars.next()) == (Some('-'), Some('-'));
    !label.starts_with('-') && !label.ends_with('-') && !third_fourth
}

/// A valid U-label (already lowercase): non-ASCII, LDH where ASCII, hyphen
/// rules, nothing disallowed.
fn u_label_ok(u: &str) -> bool {
    !u.is_ascii()
        && u.to_lowercase() == u
        && hyphens_ok(u)
        && u.chars().all(|c| if c.is_ascii() { c.is_ascii_alphanumeric() || c == '-' } else { !disallowed_in_u_label(c) })
}

/// One label in comparison form (lowercase; U-labels as A-labels).
fn label_key(label: &str) -> Option<String> {
    if label.is_empty() || label.len() > MAX_LABEL_OCTETS.saturating_mul(4) {
        return None;
    }
    if label.is_ascii() {
        let l = label.to_ascii_lowercase();
        if l.len() > MAX_LABEL_OCTETS || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        if hyphens_ok(&l) {
            return Some(l);
        }
        // Hyphens in positions 3 and 4: only an A-label may (RFC 5890 §2.3.1).
        let body = l.strip_prefix("xn--")?;
        let u = idna::punycode::decode_to_string(body)?;
        // RFC 5891 §5.4: decodes to a valid U-label that encodes back to it.
        if !u_label_ok(&u) || idna::punycode::encode_str(&u)? != body {
            return None;
        }
        return Some(l);
    }
    // A non-ASCII character whose lowercase is ASCII (KELVIN SIGN) would
    // turn into an LDH letter here and elsewhere: IDNA2008 disallows it.
    if label.chars().count() > MAX_LABEL_OCTETS || label.chars().any(|c| !c.is_ascii() && c.to_lowercase().any(|l| l.is_ascii())) {
        return None;
    }
    let u = label.to_lowercase();
    if !u_label_ok(&u) {
        return None;
    }
    let a = format!("xn--{}", idna::punycode::encode_str(&u)?);
    (a.len() <= MAX_LABEL_OCTETS).then_some(a)
}

/// A domain name in comparison form: its labels as lowercase A-labels joined
/// by dots; `None` when it is not a valid domain name (see the module docs).
/// A trailing dot is refused, not stripped.
pub fn domain_key(domain: &str) -> Option<String> {
    if domain.is_empty() || domain.len() > MAX_DOMAIN_OCTETS.saturating_mul(4) {
        return None;
    }
    let labels = domain.split('.').map(label_key).collect::<Option<Vec<String>>>()?;
    let key = labels.join(".");
    (key.len() <= MAX_DOMAIN_OCTETS).then_some(key)
}

/// An address in comparison form: (local part value, domain key); `None`
/// when it is not a strict addr-spec or its domain is not valid.
pub fn address_key(addr_spec: &str) -> Option<(String, String)> {
    let m = address::parse_addr_spec(addr_spec).ok()?;
    let domain = domain_key(&m.domain)?;
    Some((m.local_part, domain))
}

/// Do two addr-specs name the same mailbox (R30)? False when either is not
/// valid.
pub fn same_address(a: &str, b: &str) -> bool {
    let (Some((la, da)), Some((lb, db))) = (address_key(a), address_key(b)) else { return false };
    if da != db {
        return false;
    }
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
    fn domain_keys() {
        let cases: &[(&str, Option<&str>)] = &[
            ("example.com", Some("example.com")),
            ("EXAMPLE.Com", Some("example.com")),
            ("b\u{fc}cher.example", Some("xn--bcher-kva.example")),
            ("B\u{dc}CHER.example", Some("xn--bcher-kva.example")),
            ("XN--BCHER-KVA.example", Some("xn--bcher-kva.example")),
            ("\u{5927}\u{5b66}.example", Some("xn--pss25c.example")),
            ("example.com.", None),           // trailing dot
            (".example.com", None),           // empty label
            ("a..b", None),                   //
            ("xn--bank-.example", None),      // decodes to ASCII "bank"
            ("xn--.example", None),           //
            ("xn--zz.example", None),         // not Punycode
            ("ab--cd.example", None),         // reserved hyphens
            ("-a.example", None),             //
            ("a-.example", None),             //
            ("a_b.example", None),            // not LDH
            ("\u{ff42}ank.example", None),    // fullwidth b
            ("\u{212a}ey.example", None),     // KELVIN SIGN lowercases to k
            ("\u{212a}\u{e9}.example", None), // ... also beside non-ASCII
            ("stra\u{df}e.example", Some("xn--strae-oqa.example")),
            ("\u{645}\u{62b}\u{627}\u{644}.example", Some("xn--mgbh0fb.example")),
            ("b\u{fc}cher\u{3002}example", None), // ideographic full stop
            ("a\u{200d}b.example", None),         // ZWJ
            ("a.b.c.d", Some("a.b.c.d")),
        ];
        for (d, want) in cases {
            assert_eq!(domain_key(d).as_deref(), *want, "{d}");
        }
        assert!(domain_key(&"a".repeat(64)).is_none());
        assert!(domain_key(&"a".repeat(63)).is_some());
        assert!(domain_key(&vec!["a".repeat(63); 4].join(".")).is_none()); // 255 octets
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
            ("\"alice\"@example.com", "alice@example.com", true),
            ("ceo@bank.example.", "ceo@bank.example", false),
            ("ceo@bank.example", "ceo@bank.example.", false),
            ("ceo@xn--bank-.example", "ceo@bank.example", false),
            ("invalid@address@example.com", "address@example.com", false),
            ("alice", "alice", false),
            ("alice@example.com (c)", "alice@example.com", false), // not a bare addr-spec
        ];
        for (a, b, want) in cases {
            assert_eq!(same_address(a, b), *want, "{a} vs {b}");
        }
    }
}
