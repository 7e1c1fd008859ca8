//! Name constraints along a certification path (RFC 5280 §4.2.1.10, §6.1.2(b),(c),
//! §6.1.3(b),(c), §6.1.4(g); RFC 8398 §6 for SmtpUTF8Mailbox).
//!
//! The permitted state is kept as a list of layers, one per certificate (or
//! anchor) that carried permittedSubtrees: a name is permitted when, in every
//! layer that constrains its name form, it lies within one of that layer's
//! subtrees. That is exactly the intersection of §6.1.4(g)(1) without having
//! to compute intersections of subtrees pairwise. The excluded state is the
//! union of every excludedSubtrees seen (§6.1.4(g)(2)).

use super::cert::Certificate;
use super::name::{Attribute, Name};
use crate::asn1::{self, oid, Class, Tag, Tlv};
use crate::error::{Code, Error, Result};
use crate::limits::MAX_NAME_CONSTRAINT_SUBTREES;

/// The permitted/excluded state of RFC 5280 §6.1.2(b),(c), updated per §6.1.4(g).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameConstraintsState {
    /// One entry per permittedSubtrees seen; all must be satisfied.
    permitted: Vec<Vec<Subtree>>,
    /// Union of every excludedSubtrees seen.
    excluded: Vec<Subtree>,
}

/// A name form this module does not process; a constraint on it rejects any
/// name of that form (RFC 5280 §4.2.1.10).
#[derive(Clone, Debug, PartialEq, Eq)]
enum OtherForm {
    /// otherName with this type-id.
    OtherName(Vec<u8>),
    X400Address,
    EdiPartyName,
    RegisteredId,
}

/// One GeneralSubtree base, prepared for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Subtree {
    /// directoryName: an RDN sequence that names must start with.
    Dn(Vec<Vec<Attribute>>),
    /// rfc822Name: mailbox, host, or `.domain` (ASCII as given).
    Email(String),
    /// dNSName, lowercase.
    Dns(String),
    /// uniformResourceIdentifier: host or `.domain`, lowercase.
    Uri(String),
    /// iPAddress: address and mask of the same length (4 or 16 octets each).
    Ip { addr: Vec<u8>, mask: Vec<u8> },
    /// A form not processed here.
    Unsupported(OtherForm),
}

/// A name from a certificate (subject DN, a DN emailAddress, or a SAN entry).
/// `None` inside a variant: the value could not be interpreted (not ASCII /
/// UTF-8, no `@`, no URI host, bad address length).
#[derive(Clone, Debug, PartialEq, Eq)]
enum CertName {
    Dn(Vec<Vec<Attribute>>),
    /// rfc822Name or DN emailAddress: (local part, host).
    Email(Option<(String, String)>),
    /// SmtpUTF8Mailbox: its domain, converted to lowercase A-labels.
    SmtpUtf8(Option<String>),
    Dns(Option<String>),
    /// The URI's host, lowercase.
    Uri(Option<String>),
    Ip(Option<Vec<u8>>),
    Other(OtherForm),
}

/// How a subtree relates to a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rel {
    /// Different name forms: the subtree says nothing about the name.
    NotApplicable,
    Within,
    Outside,
    /// Same form, but the name (or the form) cannot be compared: treated as
    /// outside every permitted subtree and inside every excluded one.
    Unknown,
}

/// A decoded GeneralName (RFC 5280 §4.2.1.6), before it becomes a constraint
/// or a certificate name.
enum General {
    OtherName { type_id: Vec<u8>, value: Option<Vec<u8>> },
    Rfc822(Vec<u8>),
    Dns(Vec<u8>),
    X400,
    Dn(Name),
    Edi,
    Uri(Vec<u8>),
    Ip(Vec<u8>),
    Rid,
}

fn parse_general_name(t: &Tlv<'_>) -> Result<General> {
    if t.tag.class != Class::Context {
        return Err(Error::malformed("GeneralName: unexpected tag"));
    }
    Ok(match t.tag.number {
        0 => {
            let mut r = t.children()?;
            let type_id = r.expect(Tag::OID, "otherName type-id")?.oid()?.to_vec();
            let value = match r.read_if(|x| *x == Tag::context(0, true))? {
                Some(v) => {
                    let mut vr = v.children()?;
                    let inner = vr.read("otherName value")?;
                    vr.finish("otherName value")?;
                    // SmtpUTF8Mailbox is a UTF8String (RFC 8398 §3); other
                    // forms are never looked into.
                    if inner.tag.is_universal(12) {
                        Some(inner.string_value(12)?.into_owned())
                    } else {
                        None
                    }
                }
                None => None,
            };
            r.finish("otherName")?;
            General::OtherName { type_id, value }
        }
        1 => General::Rfc822(t.string_value(22)?.into_owned()),
        2 => General::Dns(t.string_value(22)?.into_owned()),
        3 => General::X400,
        4 => {
            // Name is a CHOICE, so the [4] tag is explicit.
            let mut r = t.children()?;
            let n = Name::parse(&r.read("directoryName")?)?;
            r.finish("directoryName")?;
            General::Dn(n)
        }
        5 => General::Edi,
        6 => General::Uri(t.string_value(22)?.into_owned()),
        7 => General::Ip(t.string_value(4)?.into_owned()),
        8 => General::Rid,
        _ => return Err(Error::malformed("GeneralName: unknown choice")),
    })
}

/// IA5String content as a String, or None when it is not ASCII.
fn ascii(v: Vec<u8>) -> Option<String> {
    if v.is_ascii() {
        String::from_utf8(v).ok()
    } else {
        None
    }
}

fn constraint_text(v: Vec<u8>, what: &str) -> Result<String> {
    ascii(v).ok_or_else(|| Error::malformed(format!("{what} name constraint is not ASCII")))
}

fn subtree_from(g: General) -> Result<Subtree> {
    Ok(match g {
        General::OtherName { type_id, .. } => Subtree::Unsupported(OtherForm::OtherName(type_id)),
        General::Rfc822(v) => Subtree::Email(constraint_text(v, "rfc822Name")?),
        General::Dns(v) => Subtree::Dns(constraint_text(v, "dNSName")?.to_ascii_lowercase()),
        General::X400 => Subtree::Unsupported(OtherForm::X400Address),
        General::Dn(n) => Subtree::Dn(n.rdns),
        General::Edi => Subtree::Unsupported(OtherForm::EdiPartyName),
        General::Uri(v) => Subtree::Uri(constraint_text(v, "uniformResourceIdentifier")?.to_ascii_lowercase()),
        General::Ip(v) => {
            // RFC 5280 §4.2.1.10: 8 octets for IPv4, 32 for IPv6 (address, then mask).
            if v.len() != 8 && v.len() != 32 {
                return Err(Error::malformed("iPAddress name constraint is not 8 or 32 octets"));
            }
            let half = v.len() / 2;
            let (addr, mask) = v.split_at(half);
            Subtree::Ip { addr: addr.to_vec(), mask: mask.to_vec() }
        }
        General::Rid => Subtree::Unsupported(OtherForm::RegisteredId),
    })
}

fn cert_name_from(g: General) -> CertName {
    match g {
        General::OtherName { type_id, value } => {
            if type_id == oid::SMTP_UTF8_MAILBOX {
                CertName::SmtpUtf8(value.and_then(|v| String::from_utf8(v).ok()).and_then(|s| smtputf8_domain(&s)))
            } else {
                CertName::Other(OtherForm::OtherName(type_id))
            }
        }
        General::Rfc822(v) => CertName::Email(ascii(v).and_then(|s| split_mailbox(&s))),
        General::Dns(v) => CertName::Dns(ascii(v).map(|s| s.to_ascii_lowercase())),
        General::X400 => CertName::Other(OtherForm::X400Address),
        General::Dn(n) => CertName::Dn(n.rdns),
        General::Edi => CertName::Other(OtherForm::EdiPartyName),
        General::Uri(v) => CertName::Uri(ascii(v).and_then(|s| uri_host(&s))),
        General::Ip(v) => CertName::Ip(if v.len() == 4 || v.len() == 16 { Some(v) } else { None }),
        General::Rid => CertName::Other(OtherForm::RegisteredId),
    }
}

/// Parse a DER NameConstraints value: (permittedSubtrees, excludedSubtrees).
fn parse_name_constraints(der: &[u8]) -> Result<(Option<Vec<Subtree>>, Vec<Subtree>)> {
    let t = asn1::parse_single(der)?;
    t.check(Tag::SEQUENCE, "NameConstraints")?;
    let mut r = t.children()?;
    let permitted = match r.read_if(|x| *x == Tag::context(0, true))? {
        Some(p) => Some(parse_subtrees(&p, "permittedSubtrees")?),
        None => None,
    };
    let excluded = match r.read_if(|x| *x == Tag::context(1, true))? {
        Some(e) => parse_subtrees(&e, "excludedSubtrees")?,
        None => Vec::new(),
    };
    r.finish("NameConstraints")?;
    // RFC 5280 §4.2.1.10: "Conforming CAs MUST NOT issue certificates where
    // name constraints is an empty sequence."
    if permitted.is_none() && excluded.is_empty() {
        return Err(Error::malformed("NameConstraints with neither permitted nor excluded subtrees"));
    }
    Ok((permitted, excluded))
}

fn parse_subtrees(t: &Tlv<'_>, what: &str) -> Result<Vec<Subtree>> {
    let mut r = t.children()?;
    let mut out = Vec::new();
    while let Some(gs) = r.next_tlv()? {
        gs.check(Tag::SEQUENCE, "GeneralSubtree")?;
        let mut gr = gs.children()?;
        let base = gr.read("GeneralSubtree base")?;
        // RFC 5280 §4.2.1.10: "minimum MUST be zero, and maximum MUST be absent"
        // (an explicit zero maximum is tolerated: it changes nothing).
        for n in [0u32, 1] {
            if let Some(d) = gr.read_if(|x| *x == Tag::context(n, false))? {
                if d.small_uint()? != 0 {
                    return Err(Error::malformed(format!("{what}: GeneralSubtree minimum/maximum other than 0")));
                }
            }
        }
        gr.finish("GeneralSubtree")?;
        out.push(subtree_from(parse_general_name(&base)?)?);
        if out.len() > MAX_NAME_CONSTRAINT_SUBTREES {
            return Err(subtree_limit());
        }
    }
    // GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
    if out.is_empty() {
        return Err(Error::malformed(format!("{what} is empty")));
    }
    Ok(out)
}

fn subtree_limit() -> Error {
    Error::limit(format!("more than {MAX_NAME_CONSTRAINT_SUBTREES} name-constraint subtrees"))
}

/// Split a mailbox at its last `@` (a quoted local part may contain `@`).
fn split_mailbox(s: &str) -> Option<(String, String)> {
    let (local, host) = s.rsplit_once('@')?;
    if host.is_empty() {
        return None;
    }
    Some((local.to_owned(), host.to_owned()))
}

/// The domain of an SmtpUTF8Mailbox in comparison form (RFC 8398 §5): U-labels
/// become A-labels, LDH labels are lowercased. The local part is not used in
/// name constraints (RFC 8398 §6).
fn smtputf8_domain(s: &str) -> Option<String> {
    let (_, domain) = s.rsplit_once('@')?;
    if domain.is_empty() {
        return None;
    }
    let mut labels = Vec::new();
    for label in domain.split('.') {
        if label.is_ascii() {
            labels.push(label.to_ascii_lowercase());
        } else {
            // No IDNA2008 mapping beyond lowercasing: a label that needed
            // more would not be a valid U-label.
            let lower: Vec<u32> = label.chars().flat_map(char::to_lowercase).map(u32::from).collect();
            labels.push(format!("xn--{}", punycode_encode(&lower)?));
        }
    }
    Some(labels.join("."))
}

/// RFC 3492 §6.3 Punycode encoding of one label; None on overflow.
fn punycode_encode(input: &[u32]) -> Option<String> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let digit = |d: u32| -> Option<char> {
        match d {
            0..=25 => char::from_u32(d.checked_add(u32::from(b'a'))?),
            26..=35 => char::from_u32(d.checked_sub(26)?.checked_add(u32::from(b'0'))?),
            _ => None,
        }
    };
    let mut out: String = input.iter().filter(|c| **c < 0x80).filter_map(|c| char::from_u32(*c)).collect();
    let basic = u32::try_from(out.len()).ok()?;
    if basic > 0 {
        out.push('-');
    }
    let total = u32::try_from(input.len()).ok()?;
    let mut n: u32 = 0x80;
    let mut delta: u32 = 0;
    let mut bias: u32 = 72;
    let mut handled = basic;
    while handled < total {
        let m = input.iter().copied().filter(|c| *c >= n).min()?;
        delta = delta.checked_add(m.checked_sub(n)?.checked_mul(handled.checked_add(1)?)?)?;
        n = m;
        for &c in input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias.checked_add(TMAX)? {
                        TMAX
                    } else {
                        k.checked_sub(bias)?
                    };
                    if q < t {
                        break;
                    }
                    let span = BASE.checked_sub(t)?;
                    out.push(digit(t.checked_add(q.checked_sub(t)?.checked_rem(span)?)?)?);
                    q = q.checked_sub(t)?.checked_div(span)?;
                    k = k.checked_add(BASE)?;
                }
                out.push(digit(q)?);
                bias = adapt(delta, handled.checked_add(1)?, handled == basic)?;
                delta = 0;
                handled = handled.checked_add(1)?;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// RFC 3492 §6.1 bias adaptation.
fn adapt(delta: u32, numpoints: u32, first: bool) -> Option<u32> {
    let mut delta = if first { delta.checked_div(700)? } else { delta.checked_div(2)? };
    delta = delta.checked_add(delta.checked_div(numpoints)?)?;
    let mut k = 0u32;
    // ((BASE - TMIN) * TMAX) / 2 = 455
    while delta > 455 {
        delta = delta.checked_div(35)?;
        k = k.checked_add(36)?;
    }
    k.checked_add(36u32.checked_mul(delta)?.checked_div(delta.checked_add(38)?)?)
}

/// The host of a URI with an authority (`scheme://[userinfo@]host[:port]...`),
/// lowercase. RFC 5280 §4.2.1.10 applies URI constraints to the host part.
fn uri_host(u: &str) -> Option<String> {
    let (scheme, rest) = u.split_once(':')?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
        return None;
    }
    let rest = rest.strip_prefix("//")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if hostport.starts_with('[') {
        // An IP literal: kept with its brackets, it never equals a domain.
        hostport.split_once(']').map(|(h, _)| h)?
    } else {
        hostport.split(':').next()?
    };
    if host.is_empty() {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

/// RFC 5280 §7.1: attribute values compare after case folding and whitespace
/// compression when both are strings; other values compare as encoded.
fn attribute_eq(a: &Attribute, b: &Attribute) -> bool {
    fn is_string(tag: u32) -> bool {
        matches!(tag, 12 | 19 | 20 | 22 | 26 | 27 | 28 | 30)
    }
    fn prep(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
    }
    if a.oid != b.oid {
        return false;
    }
    if is_string(a.value_tag) && is_string(b.value_tag) {
        prep(&a.text()) == prep(&b.text())
    } else {
        a.value_tag == b.value_tag && a.value == b.value
    }
}

fn rdn_eq(x: &[Attribute], y: &[Attribute]) -> bool {
    x.len() == y.len() && x.iter().all(|a| y.iter().any(|b| attribute_eq(a, b))) && y.iter().all(|b| x.iter().any(|a| attribute_eq(a, b)))
}

/// RFC 5280 §4.2.1.10: a DN is within a directoryName subtree when the
/// subtree's RDN sequence is a prefix of it.
fn dn_within(base: &[Vec<Attribute>], name: &[Vec<Attribute>]) -> bool {
    base.len() <= name.len() && base.iter().zip(name).all(|(b, n)| rdn_eq(b, n))
}

/// RFC 5280 §4.2.1.10 dNSName: "any DNS name that can be constructed by simply
/// adding zero or more labels to the left-hand side of the name satisfies the
/// name constraint"; the empty constraint matches every name.
fn dns_within(c: &str, name: &str) -> bool {
    let c = c.strip_suffix('.').unwrap_or(c);
    let name = name.strip_suffix('.').unwrap_or(name);
    if c.is_empty() {
        return true;
    }
    if c.starts_with('.') {
        return name.ends_with(c);
    }
    name == c || name.strip_suffix(c).is_some_and(|head| head.ends_with('.'))
}

/// RFC 5280 §4.2.1.10 rfc822Name: a mailbox, a host (all mailboxes there), or
/// a `.domain` (mailboxes at any subdomain, not at the domain itself). Hosts
/// compare case-insensitively, local parts exactly (§7.5).
fn email_within(c: &str, local: &str, host: &str) -> bool {
    if let Some((cl, ch)) = c.rsplit_once('@') {
        return cl == local && ch.eq_ignore_ascii_case(host);
    }
    host_within(c, host)
}

/// Host or `.domain` form, case-insensitive.
fn host_within(c: &str, host: &str) -> bool {
    let (c, host) = (c.to_ascii_lowercase(), host.to_ascii_lowercase());
    if c.starts_with('.') {
        host.ends_with(&c)
    } else {
        host == c
    }
}

/// RFC 8398 §6: rfc822Name constraints apply to SmtpUTF8Mailbox by domain
/// only: the local part and `@` are stripped from the constraint too.
fn smtputf8_within(c: &str, domain: &str) -> bool {
    let c = c.rsplit_once('@').map_or(c, |(_, d)| d);
    host_within(c, domain)
}

fn ip_within(addr: &[u8], mask: &[u8], ip: &[u8]) -> bool {
    ip.len() == addr.len() && ip.iter().zip(addr).zip(mask).all(|((i, a), m)| i & m == a & m)
}

fn within(rel: bool) -> Rel {
    if rel {
        Rel::Within
    } else {
        Rel::Outside
    }
}

fn relate(s: &Subtree, n: &CertName) -> Rel {
    match (s, n) {
        (Subtree::Dn(b), CertName::Dn(d)) => within(dn_within(b, d)),
        (Subtree::Email(c), CertName::Email(Some((l, h)))) => within(email_within(c, l, h)),
        (Subtree::Email(c), CertName::SmtpUtf8(Some(d))) => within(smtputf8_within(c, d)),
        (Subtree::Email(_), CertName::Email(None) | CertName::SmtpUtf8(None)) => Rel::Unknown,
        (Subtree::Dns(c), CertName::Dns(Some(d))) => within(dns_within(c, d)),
        (Subtree::Dns(_), CertName::Dns(None)) => Rel::Unknown,
        (Subtree::Uri(c), CertName::Uri(Some(h))) => within(host_within(c, h)),
        (Subtree::Uri(_), CertName::Uri(None)) => Rel::Unknown,
        (Subtree::Ip { addr, mask }, CertName::Ip(Some(ip))) => within(ip_within(addr, mask, ip)),
        (Subtree::Ip { .. }, CertName::Ip(None)) => Rel::Unknown,
        // RFC 5280 §4.2.1.10: a constraint on a form that is not processed,
        // with a name of that form present: reject rather than ignore.
        (Subtree::Unsupported(f), CertName::Other(g)) if f == g => Rel::Unknown,
        (Subtree::Unsupported(OtherForm::OtherName(t)), CertName::SmtpUtf8(_)) if t.as_slice() == oid::SMTP_UTF8_MAILBOX => Rel::Unknown,
        _ => Rel::NotApplicable,
    }
}

fn describe(n: &CertName) -> String {
    match n {
        CertName::Dn(rdns) => format!("directoryName {}", Name { raw: Vec::new(), rdns: rdns.clone() }.to_display()),
        CertName::Email(Some((l, h))) => format!("email address {l}@{h}"),
        CertName::Email(None) => "an unreadable email address".to_owned(),
        CertName::SmtpUtf8(Some(d)) => format!("SmtpUTF8Mailbox at {d}"),
        CertName::SmtpUtf8(None) => "an unreadable SmtpUTF8Mailbox".to_owned(),
        CertName::Dns(Some(d)) => format!("dNSName {d}"),
        CertName::Dns(None) => "an unreadable dNSName".to_owned(),
        CertName::Uri(Some(h)) => format!("URI with host {h}"),
        CertName::Uri(None) => "a URI without a readable host".to_owned(),
        CertName::Ip(Some(ip)) => format!("iPAddress {}", asn1::hex(ip)),
        CertName::Ip(None) => "an iPAddress of bad length".to_owned(),
        CertName::Other(f) => format!("a name of unprocessed form {f:?}"),
    }
}

impl NameConstraintsState {
    /// Initial state: everything permitted, nothing excluded; then apply the
    /// anchor's own constraints if any (DER nameConstraints extnValue).
    pub fn new(anchor_constraints: Option<&[u8]>) -> Result<Self> {
        let mut s = NameConstraintsState::default();
        if let Some(der) = anchor_constraints {
            s.apply(der)?;
        }
        Ok(s)
    }

    /// §6.1.3(b),(c): check a certificate's subject DN, DN emailAddress (always,
    /// stricter than §4.2.1.10, which asks it only without a SAN), and every SAN
    /// name against the state.
    pub fn check(&self, cert: &Certificate) -> Result<()> {
        let san = cert.extension(oid::SUBJECT_ALT_NAME).map(|e| e.value.as_slice());
        self.check_names(&cert.subject, san)
    }

    /// §6.1.4(g): intersect permitted / union excluded with the cert's nameConstraints.
    pub fn update(&mut self, cert: &Certificate) -> Result<()> {
        match cert.extension(oid::NAME_CONSTRAINTS) {
            Some(ext) => self.apply(&ext.value),
            None => Ok(()),
        }
    }

    /// §6.1.4(g)(1),(2) with a DER NameConstraints value.
    fn apply(&mut self, der: &[u8]) -> Result<()> {
        let (permitted, excluded) = parse_name_constraints(der)?;
        if let Some(p) = permitted {
            let total = self.permitted.iter().map(Vec::len).fold(p.len(), usize::saturating_add);
            if total > MAX_NAME_CONSTRAINT_SUBTREES {
                return Err(subtree_limit());
            }
            // RFC 5280 §6.1.4(g)(1): permitted_subtrees becomes its
            // intersection with permittedSubtrees (kept as another layer).
            self.permitted.push(p);
        }
        if self.excluded.len().saturating_add(excluded.len()) > MAX_NAME_CONSTRAINT_SUBTREES {
            return Err(subtree_limit());
        }
        // RFC 5280 §6.1.4(g)(2): excluded_subtrees becomes the union.
        self.excluded.extend(excluded);
        Ok(())
    }

    /// The names RFC 5280 §6.1.3(b),(c) checks: the subject DN, the DN
    /// emailAddress attributes, and every subjectAltName entry.
    fn check_names(&self, subject: &Name, san: Option<&[u8]>) -> Result<()> {
        if self.permitted.is_empty() && self.excluded.is_empty() {
            return Ok(());
        }
        let mut names = Vec::new();
        // An empty subject DN names nobody (the identity is in the SAN,
        // RFC 5280 §4.1.2.6); it is within no subtree and is not checked.
        if !subject.rdns.is_empty() {
            names.push(CertName::Dn(subject.rdns.clone()));
        }
        // RFC 5280 §4.2.1.10: with no subjectAltName, rfc822Name constraints
        // apply to DN emailAddress. This crate applies them to DN
        // emailAddress always: it treats those as signer addresses (RFC 8550
        // §3), so one outside the constraints must not vouch for a sender.
        for a in subject.values(oid::EMAIL_ADDRESS) {
            names.push(CertName::Email(ascii(a.value.clone()).and_then(|s| split_mailbox(&s))));
        }
        if let Some(der) = san {
            let t = asn1::parse_single(der)?;
            t.check(Tag::SEQUENCE, "GeneralNames")?;
            let mut r = t.children()?;
            while let Some(gn) = r.next_tlv()? {
                names.push(cert_name_from(parse_general_name(&gn)?));
            }
        }
        for n in &names {
            self.check_one(n)?;
        }
        Ok(())
    }

    fn check_one(&self, n: &CertName) -> Result<()> {
        // RFC 5280 §6.1.3(b): within one of the permitted subtrees (of every
        // layer that constrains this name form).
        for layer in &self.permitted {
            let mut applicable = false;
            let mut ok = false;
            for s in layer {
                match relate(s, n) {
                    Rel::NotApplicable => {}
                    Rel::Within => {
                        applicable = true;
                        ok = true;
                        break;
                    }
                    Rel::Outside | Rel::Unknown => applicable = true,
                }
            }
            if applicable && !ok {
                return Err(Error::new(Code::NameConstraints, format!("{} is outside the permitted name constraints", describe(n))));
            }
        }
        // RFC 5280 §6.1.3(c): not within any excluded subtree.
        for s in &self.excluded {
            if matches!(relate(s, n), Rel::Within | Rel::Unknown) {
                return Err(Error::new(Code::NameConstraints, format!("{} is within an excluded name constraint", describe(n))));
            }
        }
        Ok(())
    }
}

/// Convenience: process a whole path (path[0] issued by the anchor, path[n-1] the end entity); self-issued certificates other than the last are not checked (§6.1.3(b)), but their constraints still apply.
pub fn check_path(path: &[&Certificate], anchor_constraints: Option<&[u8]>) -> Result<()> {
    let mut state = NameConstraintsState::new(anchor_constraints)?;
    let last = path.len().saturating_sub(1);
    for (i, cert) in path.iter().enumerate() {
        let self_issued = cert.subject.matches(&cert.issuer);
        // RFC 5280 §6.1.3(b),(c): skipped for self-issued certificates that
        // are not the last in the path.
        if i == last || !self_issued {
            state.check(cert)?;
        }
        // RFC 5280 §6.1.4(g): preparation for the next certificate (not done
        // for the end entity, §6.1.5).
        if i < last {
            state.update(cert)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DER TLV with a definite length (short or long form).
    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        let n = content.len();
        if n < 0x80 {
            v.push(n as u8);
        } else if n < 0x100 {
            v.extend_from_slice(&[0x81, n as u8]);
        } else {
            v.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
        }
        v.extend_from_slice(content);
        v
    }

    fn attr(oid: &[u8], tag: u32, value: &str) -> Attribute {
        Attribute { oid: oid.to_vec(), value_tag: tag, value: value.as_bytes().to_vec() }
    }

    fn attr_der(oid: &[u8], tag: u8, value: &str) -> Vec<u8> {
        der(0x31, &der(0x30, &[der(0x06, oid), der(tag, value.as_bytes())].concat()))
    }

    /// Name DER from (oid, string tag, value) RDNs.
    fn name_der(rdns: &[(&[u8], u8, &str)]) -> Vec<u8> {
        der(0x30, &rdns.iter().map(|(o, t, v)| attr_der(o, *t, v)).collect::<Vec<_>>().concat())
    }

    fn name(rdns: &[(&[u8], u8, &str)]) -> Name {
        let d = name_der(rdns);
        Name::parse(&asn1::parse_single(&d).unwrap()).unwrap()
    }

    fn subtree(base: Vec<u8>) -> Vec<u8> {
        der(0x30, &base)
    }

    /// NameConstraints DER from permitted and excluded GeneralName bases.
    fn nc(permitted: &[Vec<u8>], excluded: &[Vec<u8>]) -> Vec<u8> {
        let mut body = Vec::new();
        if !permitted.is_empty() {
            body.extend(der(0xa0, &permitted.iter().map(|b| subtree(b.clone())).collect::<Vec<_>>().concat()));
        }
        if !excluded.is_empty() {
            body.extend(der(0xa1, &excluded.iter().map(|b| subtree(b.clone())).collect::<Vec<_>>().concat()));
        }
        der(0x30, &body)
    }

    fn rfc822(s: &str) -> Vec<u8> {
        der(0x81, s.as_bytes())
    }
    fn dns(s: &str) -> Vec<u8> {
        der(0x82, s.as_bytes())
    }
    fn uri(s: &str) -> Vec<u8> {
        der(0x86, s.as_bytes())
    }
    fn ip(b: &[u8]) -> Vec<u8> {
        der(0x87, b)
    }
    fn dir(rdns: &[(&[u8], u8, &str)]) -> Vec<u8> {
        der(0xa4, &name_der(rdns))
    }
    fn smtputf8(s: &str) -> Vec<u8> {
        der(0xa0, &[der(0x06, oid::SMTP_UTF8_MAILBOX), der(0xa0, &der(0x0c, s.as_bytes()))].concat())
    }
    fn san(names: &[Vec<u8>]) -> Vec<u8> {
        der(0x30, &names.concat())
    }

    const EMPTY: &[(&[u8], u8, &str)] = &[];

    #[test]
    fn rfc822_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("alice@example.com", "alice@example.com", true),
            ("alice@example.com", "alice@EXAMPLE.com", true),
            ("alice@example.com", "Alice@example.com", false), // local part exact (§7.5)
            ("alice@example.com", "bob@example.com", false),
            ("example.com", "bob@example.com", true),
            ("example.com", "bob@EXAMPLE.COM", true),
            ("EXAMPLE.com", "bob@example.com", true),
            ("example.com", "bob@mail.example.com", false), // host: that host only
            (".example.com", "bob@mail.example.com", true),
            (".example.com", "bob@example.com", false), // domain: subdomains only
            (".example.com", "bob@badexample.com", false),
            ("example.com", "\"a@b\"@example.com", true), // `@` in a quoted local part
            ("b", "\"a@b\"@example.com", false),
            ("\"a@b\"@example.com", "\"a@b\"@example.com", true),
        ];
        for (c, n, want) in cases {
            let (l, h) = split_mailbox(n).unwrap();
            assert_eq!(email_within(c, &l, &h), *want, "{c} vs {n}");
        }
        assert!(split_mailbox("no-at-sign").is_none());
    }

    #[test]
    fn dns_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("", "anything.example", true),
            ("example.com", "example.com", true),
            ("example.com", "www.example.com", true),
            ("example.com", "a.b.example.com", true),
            ("example.com", "badexample.com", false), // label boundary
            ("example.com", "example.com.evil", false),
            (".example.com", "www.example.com", true),
            (".example.com", "example.com", false),
            ("example.com.", "www.example.com", true),
            ("www.example.com", "example.com", false),
        ];
        for (c, n, want) in cases {
            assert_eq!(dns_within(c, n), *want, "{c} vs {n}");
        }
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
        ];
        for (c, n, want) in cases {
            let got = uri_host(n).map(|h| host_within(c, &h));
            assert_eq!(got, *want, "{c} vs {n}");
        }
    }

    #[test]
    fn ip_table() {
        let v4 = |a: [u8; 4], m: [u8; 4]| (a.to_vec(), m.to_vec());
        let mut v6net = [0u8; 16];
        v6net[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        let mut v6mask = [0u8; 16];
        v6mask[..6].copy_from_slice(&[0xff; 6]); // /48
        let mut inside = v6net;
        inside[5] = 0x00;
        inside[15] = 1;
        let mut outside = v6net;
        outside[5] = 0x01; // differs within the /48
        let (a, m) = v4([10, 0, 0, 0], [255, 0, 0, 0]);
        assert!(ip_within(&a, &m, &[10, 1, 2, 3]));
        assert!(!ip_within(&a, &m, &[11, 1, 2, 3]));
        assert!(!ip_within(&a, &m, &inside)); // family mismatch
        let (a, m) = v4([192, 168, 1, 7], [255, 255, 255, 255]);
        assert!(ip_within(&a, &m, &[192, 168, 1, 7]));
        assert!(!ip_within(&a, &m, &[192, 168, 1, 8]));
        assert!(ip_within(&v6net, &v6mask, &inside));
        assert!(!ip_within(&v6net, &v6mask, &outside));
        assert!(ip_within(&v6net, &[0u8; 16], &outside)); // ::/0
                                                          // Constraint lengths other than 8 or 32 octets are malformed.
        assert_eq!(NameConstraintsState::new(Some(&nc(&[ip(&[10, 0, 0, 0])], &[]))).unwrap_err().code, Code::Malformed);
        assert!(NameConstraintsState::new(Some(&nc(&[ip(&[0; 32])], &[]))).is_ok());
    }

    #[test]
    fn dn_table() {
        use oid::{AT_C, AT_CN, AT_O, AT_OU};
        let base = vec![vec![attr(AT_C, 19, "US")], vec![attr(AT_O, 19, "Test Certificates 2011")]];
        let cases: &[(Vec<Vec<Attribute>>, bool)] = &[
            (base.clone(), true),
            (vec![vec![attr(AT_C, 19, "US")], vec![attr(AT_O, 19, "Test Certificates 2011")], vec![attr(AT_CN, 19, "x")]], true),
            // Different string type, case and whitespace (§7.1).
            (vec![vec![attr(AT_C, 12, "us")], vec![attr(AT_O, 12, "  test   CERTIFICATES 2011 ")], vec![attr(AT_OU, 12, "y")]], true),
            (vec![vec![attr(AT_C, 19, "US")]], false), // shorter than the base
            (vec![vec![attr(AT_C, 19, "US")], vec![attr(AT_O, 19, "Test Certificates 2012")]], false),
            (vec![vec![attr(AT_O, 19, "Test Certificates 2011")], vec![attr(AT_C, 19, "US")]], false), // order matters
            // A multi-valued RDN is not equal to a single-valued one.
            (vec![vec![attr(AT_C, 19, "US")], vec![attr(AT_O, 19, "Test Certificates 2011"), attr(AT_OU, 19, "z")]], false),
            // Non-string values compare as encoded.
            (vec![vec![attr(AT_C, 4, "US")], vec![attr(AT_O, 19, "Test Certificates 2011")]], false),
        ];
        for (n, want) in cases {
            assert_eq!(dn_within(&base, n), *want, "{n:?}");
        }
        assert!(dn_within(&[], &base)); // the empty DN is the root of every subtree
    }

    #[test]
    fn smtputf8_domains() {
        // U-labels become lowercase A-labels (RFC 8398 §5); xn--pss25c is the
        // label of the RFC 9598 example.
        assert_eq!(smtputf8_domain("x@B\u{dc}cher.example").as_deref(), Some("xn--bcher-kva.example"));
        assert_eq!(smtputf8_domain("\u{533b}\u{751f}@\u{5927}\u{5b66}.Example.COM").as_deref(), Some("xn--pss25c.example.com"));
        assert_eq!(smtputf8_domain("x@\u{533b}\u{751f}.example").as_deref(), Some("xn--ekrq20f.example"));
        assert_eq!(smtputf8_domain("x@ascii.example").as_deref(), Some("ascii.example"));
        assert!(smtputf8_domain("nodomain").is_none());
        let s = NameConstraintsState::new(Some(&nc(&[rfc822(".example.com")], &[]))).unwrap();
        let subj = name(EMPTY);
        assert!(s.check_names(&subj, Some(&san(&[smtputf8("\u{533b}@xn--pss25c.example.com")]))).is_ok());
        assert!(s.check_names(&subj, Some(&san(&[smtputf8("\u{533b}@\u{5927}\u{5b66}.example.com")]))).is_ok());
        let e = s.check_names(&subj, Some(&san(&[smtputf8("\u{533b}@evil.com")]))).unwrap_err();
        assert_eq!(e.code, Code::NameConstraints);
        // Mailbox constraints are compared by domain only (RFC 8398 §6).
        let s = NameConstraintsState::new(Some(&nc(&[], &[rfc822("ceo@example.com")]))).unwrap();
        assert!(s.check_names(&subj, Some(&san(&[smtputf8("\u{533b}@example.com")]))).is_err());
        assert!(s.check_names(&subj, Some(&san(&[smtputf8("\u{533b}@example.org")]))).is_ok());
    }

    #[test]
    fn forms_are_independent_and_dn_email_is_checked() {
        use oid::{AT_CN, AT_O, EMAIL_ADDRESS};
        let s = NameConstraintsState::new(Some(&nc(&[dns("example.com")], &[]))).unwrap();
        // A DNS-only permitted set says nothing about DNs or email addresses.
        let subj = name(&[(AT_O, 0x13, "Anything"), (EMAIL_ADDRESS, 0x16, "x@evil.com")]);
        assert!(s.check_names(&subj, Some(&san(&[rfc822("a@evil.com"), dns("www.example.com")]))).is_ok());
        assert!(s.check_names(&subj, Some(&san(&[dns("www.example.org")]))).is_err());
        assert!(s.check_names(&subj, Some(&san(&[uri("http://evil.test/")]))).is_ok());

        let s = NameConstraintsState::new(Some(&nc(&[uri(".example.com")], &[]))).unwrap();
        assert!(s.check_names(&subj, Some(&san(&[uri("https://www.example.com/x")]))).is_ok());
        assert!(s.check_names(&subj, Some(&san(&[uri("https://example.com/x")]))).is_err());
        assert!(s.check_names(&subj, Some(&san(&[uri("urn:x:y")]))).is_err());

        let s = NameConstraintsState::new(Some(&nc(&[rfc822("example.com")], &[]))).unwrap();
        let good = name(&[(AT_CN, 0x13, "A"), (EMAIL_ADDRESS, 0x16, "a@example.com")]);
        let bad = name(&[(AT_CN, 0x13, "A"), (EMAIL_ADDRESS, 0x16, "a@evil.com")]);
        assert!(s.check_names(&good, None).is_ok());
        assert_eq!(s.check_names(&bad, None).unwrap_err().code, Code::NameConstraints);
        // Stricter than §4.2.1.10: also with a SAN present.
        assert!(s.check_names(&bad, Some(&san(&[rfc822("a@example.com")]))).is_err());
        assert!(s.check_names(&good, Some(&san(&[rfc822("a@example.com")]))).is_ok());
        // An rfc822Name without `@` cannot be compared: outside.
        assert!(s.check_names(&good, Some(&san(&[rfc822("example.com")]))).is_err());
    }

    #[test]
    fn directory_name_constraints() {
        use oid::{AT_C, AT_CN, AT_O};
        let s = NameConstraintsState::new(Some(&nc(&[dir(&[(AT_C, 0x13, "US"), (AT_O, 0x13, "Test")])], &[]))).unwrap();
        assert!(s.check_names(&name(&[(AT_C, 0x13, "US"), (AT_O, 0x0c, "TEST"), (AT_CN, 0x13, "a")]), None).is_ok());
        assert!(s.check_names(&name(&[(AT_C, 0x13, "US"), (AT_O, 0x13, "Other"), (AT_CN, 0x13, "a")]), None).is_err());
        // An empty subject is not checked (the SAN carries the identity).
        assert!(s.check_names(&name(EMPTY), Some(&san(&[rfc822("a@b.com")]))).is_ok());
        // SAN directoryName entries are checked too.
        assert!(s.check_names(&name(EMPTY), Some(&san(&[dir(&[(AT_C, 0x13, "GB")])]))).is_err());
        let s =
            NameConstraintsState::new(Some(&nc(&[], &[dir(&[(AT_C, 0x13, "US"), (AT_O, 0x13, "Test"), (AT_CN, 0x13, "bad")])]))).unwrap();
        assert!(s.check_names(&name(&[(AT_C, 0x13, "US"), (AT_O, 0x13, "Test"), (AT_CN, 0x13, "good")]), None).is_ok());
        assert!(s.check_names(&name(&[(AT_C, 0x13, "us"), (AT_O, 0x13, "test"), (AT_CN, 0x13, "BAD")]), None).is_err());
    }

    #[test]
    fn unsupported_forms_reject_names_of_that_form() {
        let x400 = der(0xa3, &der(0x30, &[]));
        let other = |o: &[u8]| der(0xa0, &[der(0x06, o), der(0xa0, &der(0x0c, b"v"))].concat());
        let s = NameConstraintsState::new(Some(&nc(&[x400.clone(), other(&[0x2a, 0x03])], &[]))).unwrap();
        let subj = name(EMPTY);
        assert!(s.check_names(&subj, Some(&san(&[dns("a.example")]))).is_ok());
        assert!(s.check_names(&subj, Some(&san(&[x400]))).is_err());
        assert!(s.check_names(&subj, Some(&san(&[other(&[0x2a, 0x03])]))).is_err());
        assert!(s.check_names(&subj, Some(&san(&[other(&[0x2a, 0x04])]))).is_ok());
        let rid = der(0x88, &[0x2a, 0x03]);
        let s = NameConstraintsState::new(Some(&nc(&[], std::slice::from_ref(&rid)))).unwrap();
        assert!(s.check_names(&subj, Some(&san(&[rid]))).is_err());
    }

    #[test]
    fn malformed_constraints() {
        let with = |extra: Vec<u8>| der(0x30, &der(0xa0, &der(0x30, &[dns("a.com"), extra].concat())));
        assert!(NameConstraintsState::new(Some(&with(der(0x80, &[0])))).is_ok()); // minimum 0
        assert_eq!(NameConstraintsState::new(Some(&with(der(0x80, &[1])))).unwrap_err().code, Code::Malformed);
        assert_eq!(NameConstraintsState::new(Some(&with(der(0x81, &[2])))).unwrap_err().code, Code::Malformed);
        assert_eq!(NameConstraintsState::new(Some(&der(0x30, &[]))).unwrap_err().code, Code::Malformed);
        assert_eq!(NameConstraintsState::new(Some(&der(0x30, &der(0xa0, &[])))).unwrap_err().code, Code::Malformed);
        assert_eq!(NameConstraintsState::new(Some(&nc(&[rfc822("\u{e9}.com")], &[]))).unwrap_err().code, Code::Malformed);
        assert_eq!(NameConstraintsState::new(Some(&[0x30, 0x03, 0xa0])).unwrap_err().code, Code::Malformed);
    }

    #[test]
    fn permitted_layers_intersect_and_excluded_unite() {
        let mut s = NameConstraintsState::new(None).unwrap();
        let subj = name(EMPTY);
        let at = |d: &str| san(&[dns(d)]);
        assert!(s.check_names(&subj, Some(&at("anything.org"))).is_ok());
        s.apply(&nc(&[dns("example.com"), dns("example.org")], &[dns("bad.example.com")])).unwrap();
        s.apply(&nc(&[dns("a.example.com"), dns("example.net")], &[dns("worse.a.example.com")])).unwrap();
        assert!(s.check_names(&subj, Some(&at("x.a.example.com"))).is_ok());
        assert!(s.check_names(&subj, Some(&at("b.example.com"))).is_err()); // not in the second CA's set
        assert!(s.check_names(&subj, Some(&at("example.net"))).is_err()); // not in the first CA's set
        assert!(s.check_names(&subj, Some(&at("example.org"))).is_err());
        assert!(s.check_names(&subj, Some(&at("worse.a.example.com"))).is_err()); // second CA's exclusion
        s.apply(&nc(&[], &[dns("x.a.example.com")])).unwrap();
        assert!(s.check_names(&subj, Some(&at("x.a.example.com"))).is_err());
        assert!(s.check_names(&subj, Some(&at("y.a.example.com"))).is_ok());
        // Disjoint permitted sets: nothing of that form is left.
        s.apply(&nc(&[dns("example.org")], &[])).unwrap();
        assert!(s.check_names(&subj, Some(&at("y.a.example.com"))).is_err());
        // ...but other forms are still free.
        assert!(s.check_names(&subj, Some(&san(&[rfc822("a@anywhere.test")]))).is_ok());
    }

    #[test]
    fn subtree_limit_trips() {
        let many: Vec<Vec<u8>> = (0..600).map(|i| dns(&format!("h{i}.example"))).collect();
        let mut s = NameConstraintsState::new(Some(&nc(&many, &many))).unwrap();
        let e = s.apply(&nc(&many, &[])).unwrap_err();
        assert_eq!(e.code, Code::LimitExceeded);
        let mut s = NameConstraintsState::new(Some(&nc(&[], &many))).unwrap();
        assert_eq!(s.apply(&nc(&[], &many)).unwrap_err().code, Code::LimitExceeded);
        let too_many: Vec<Vec<u8>> = (0..=MAX_NAME_CONSTRAINT_SUBTREES).map(|i| dns(&format!("h{i}.example"))).collect();
        assert_eq!(NameConstraintsState::new(Some(&nc(&too_many, &[]))).unwrap_err().code, Code::LimitExceeded);
    }
}
