//! The comparable forms of the names RFC 5280 §4.2.1.10 constrains by
//! domain: rfc822Name (also DN emailAddress and, by domain, SmtpUTF8Mailbox,
//! RFC 8398 §6), dNSName and the host of a URI. Both the constraint and the
//! certificate's name go through the one normalisation of
//! [`crate::identity`] (lowercase A-labels, invalid names refused), the same
//! the From comparison uses, so a name the constraint check reads one way
//! cannot match a From address read another way. A certificate name that
//! does not normalise is "unknown" to the caller (outside every permitted
//! subtree, inside every excluded one); a constraint that does not normalise
//! is malformed.

use crate::identity::{address_key, domain_key};

/// `name` is a proper subdomain of `domain` (both comparison forms).
fn is_subdomain(name: &str, domain: &str) -> bool {
    name.strip_suffix(domain).is_some_and(|head| head.len() > 1 && head.ends_with('.'))
}

/// A host constraint (rfc822Name without `@`, URI): `host` is that host
/// only, `.domain` its subdomains only (RFC 5280 §4.2.1.10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HostConstraint {
    Host(String),
    Subdomains(String),
}

impl HostConstraint {
    pub(super) fn parse(c: &str) -> Option<HostConstraint> {
        Some(match c.strip_prefix('.') {
            Some(rest) => HostConstraint::Subdomains(domain_key(rest)?),
            None => HostConstraint::Host(domain_key(c)?),
        })
    }

    pub(super) fn contains(&self, host: &str) -> bool {
        match self {
            HostConstraint::Host(h) => host == h,
            HostConstraint::Subdomains(d) => is_subdomain(host, d),
        }
    }
}

/// An rfc822Name constraint: a mailbox, or a host or domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum EmailConstraint {
    Mailbox { local: String, domain: String },
    Host(HostConstraint),
}

impl EmailConstraint {
    pub(super) fn parse(c: &str) -> Option<EmailConstraint> {
        if c.contains('@') {
            let (local, domain) = address_key(c)?;
            Some(EmailConstraint::Mailbox { local, domain })
        } else {
            HostConstraint::parse(c).map(EmailConstraint::Host)
        }
    }

    /// RFC 5280 §4.2.1.10: a mailbox constraint names one mailbox (local
    /// part exact, §7.5), a host one all mailboxes there.
    pub(super) fn contains_mailbox(&self, local: &str, domain: &str) -> bool {
        match self {
            EmailConstraint::Mailbox { local: l, domain: d } => l == local && d == domain,
            EmailConstraint::Host(h) => h.contains(domain),
        }
    }

    /// RFC 8398 §6: for SmtpUTF8Mailbox only the domain is compared, with
    /// the local part and `@` of a mailbox constraint left out.
    pub(super) fn contains_domain(&self, domain: &str) -> bool {
        match self {
            EmailConstraint::Mailbox { domain: d, .. } => d == domain,
            EmailConstraint::Host(h) => h.contains(domain),
        }
    }
}

/// A dNSName constraint: every name that adds zero or more labels on the
/// left (RFC 5280 §4.2.1.10); with a leading dot, subdomains only; empty,
/// every name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct DnsConstraint {
    subdomains_only: bool,
    key: String,
}

impl DnsConstraint {
    pub(super) fn parse(c: &str) -> Option<DnsConstraint> {
        if c.is_empty() {
            return Some(DnsConstraint { subdomains_only: false, key: String::new() });
        }
        let (subdomains_only, rest) = match c.strip_prefix('.') {
            Some(r) => (true, r),
            None => (false, c),
        };
        Some(DnsConstraint { subdomains_only, key: domain_key(rest)? })
    }

    pub(super) fn contains(&self, name: &str) -> bool {
        if self.key.is_empty() {
            return true;
        }
        is_subdomain(name, &self.key) || (!self.subdomains_only && name == self.key)
    }
}

/// A certificate's rfc822Name or DN emailAddress: (local part, domain key),
/// `None` when it is not a strict addr-spec with a valid domain (two `@`
/// outside quotes, a trailing dot, an invalid A-label...).
pub(super) fn email_name(s: &str) -> Option<(String, String)> {
    address_key(s)
}

/// A certificate's SmtpUTF8Mailbox: its domain key.
pub(super) fn smtputf8_domain(s: &str) -> Option<String> {
    address_key(s).map(|(_, d)| d)
}

/// A certificate's dNSName: its key, keeping a leading `*.` wildcard label;
/// `None` when it is not a valid domain name (`.example.com`, a trailing
/// dot, ...).
pub(super) fn dns_name(s: &str) -> Option<String> {
    match s.strip_prefix("*.") {
        Some(rest) => Some(format!("*.{}", domain_key(rest)?)),
        None => domain_key(s),
    }
}

/// The host of a URI with an authority (`scheme://[userinfo@]host[:port]...`)
/// in comparison form (RFC 5280 §4.2.1.10 applies URI constraints to the
/// host). An IP literal is kept with its bracket: it is within no domain.
pub(super) fn uri_host(u: &str) -> Option<String> {
    let (scheme, rest) = u.split_once(':')?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
        return None;
    }
    let rest = rest.strip_prefix("//")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hostport.starts_with('[') {
        return hostport.split_once(']').map(|(h, _)| h.to_ascii_lowercase());
    }
    domain_key(hostport.split(':').next()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc822_table() {
        let cases: &[(&str, &str, Option<bool>)] = &[
            ("alice@example.com", "alice@example.com", Some(true)),
            ("alice@example.com", "alice@EXAMPLE.com", Some(true)),
            ("alice@example.com", "Alice@example.com", Some(false)), // local part exact (§7.5)
            ("alice@example.com", "bob@example.com", Some(false)),
            ("example.com", "bob@example.com", Some(true)),
            ("example.com", "bob@EXAMPLE.COM", Some(true)),
            ("EXAMPLE.com", "bob@example.com", Some(true)),
            ("example.com", "bob@mail.example.com", Some(false)), // host: that host only
            (".example.com", "bob@mail.example.com", Some(true)),
            (".example.com", "bob@example.com", Some(false)), // domain: subdomains only
            (".example.com", "bob@badexample.com", Some(false)),
            ("example.com", "\"a@b\"@example.com", Some(true)), // `@` in a quoted local part
            ("\"a@b\"@example.com", "\"a@b\"@example.com", Some(true)),
            ("b\u{fc}cher.example", "x@xn--bcher-kva.example", Some(true)),
            ("xn--bcher-kva.example", "x@B\u{dc}CHER.example", Some(true)),
            // Names that do not normalise are unknown, not compared.
            ("bank.example", "ceo@bank.example.", None),
            ("bank.example", "ceo@xn--bank-.example", None),
            ("example.com", "invalid@address@example.com", None),
            ("example.com", "no-at-sign", None),
        ];
        for (c, n, want) in cases {
            let c = EmailConstraint::parse(c).unwrap();
            let got = email_name(n).map(|(l, d)| c.contains_mailbox(&l, &d));
            assert_eq!(got, *want, "{c:?} vs {n}");
        }
        for bad in ["bank.example.", ".", "", "xn--bank-.example", "a@b@c", ".example..com"] {
            assert!(EmailConstraint::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn dns_table() {
        let cases: &[(&str, &str, Option<bool>)] = &[
            ("", "anything.example", Some(true)),
            ("example.com", "example.com", Some(true)),
            ("example.com", "www.example.com", Some(true)),
            ("example.com", "WWW.Example.COM", Some(true)),
            ("example.com", "a.b.example.com", Some(true)),
            ("example.com", "*.example.com", Some(true)),
            ("example.com", "badexample.com", Some(false)), // label boundary
            ("example.com", "example.com.evil", Some(false)),
            (".example.com", "www.example.com", Some(true)),
            (".example.com", "example.com", Some(false)),
            ("www.example.com", "example.com", Some(false)),
            // x509-limbo nc-permits-invalid-dns-san; trailing dots are not stripped.
            ("example.com", ".example.com", None),
            ("example.com", "www.example.com.", None),
            ("example.com", "*", None),
        ];
        for (c, n, want) in cases {
            let c = DnsConstraint::parse(c).unwrap();
            assert_eq!(dns_name(n).map(|k| c.contains(&k)), *want, "{c:?} vs {n}");
        }
        assert!(DnsConstraint::parse("example.com.").is_none());
    }

    #[test]
    fn uri_table() {
        let cases: &[(&str, &str, Option<bool>)] = &[
            ("example.com", "http://example.com/path", Some(true)),
            ("example.com", "https://user@EXAMPLE.com:8443/x?y#z", Some(true)),
            ("example.com", "http://www.example.com/", Some(false)),
            (".example.com", "http://www.example.com/", Some(true)),
            (".example.com", "http://example.com/", Some(false)),
            ("example.com", "ldap://[2001:db8::1]/", Some(false)),
            ("example.com", "mailto:a@example.com", None), // no authority: not comparable
            ("example.com", "urn:isbn:123", None),
            ("example.com", "http://example.com./", None),
        ];
        for (c, n, want) in cases {
            let c = HostConstraint::parse(c).unwrap();
            assert_eq!(uri_host(n).map(|h| c.contains(&h)), *want, "{c:?} vs {n}");
        }
    }

    #[test]
    fn smtputf8_domains() {
        assert_eq!(smtputf8_domain("x@B\u{dc}cher.example").as_deref(), Some("xn--bcher-kva.example"));
        assert_eq!(smtputf8_domain("\u{533b}\u{751f}@\u{5927}\u{5b66}.Example.COM").as_deref(), Some("xn--pss25c.example.com"));
        assert_eq!(smtputf8_domain("x@\u{533b}\u{751f}.example").as_deref(), Some("xn--ekrq20f.example"));
        assert_eq!(smtputf8_domain("x@ascii.example").as_deref(), Some("ascii.example"));
        assert_eq!(smtputf8_domain("x@\u{ff42}\u{ff41}\u{ff4e}\u{ff4b}.example"), None); // fullwidth
        assert!(smtputf8_domain("nodomain").is_none());
    }
}
