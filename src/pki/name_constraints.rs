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
use super::name::{Attribute, GeneralName, Name};
use super::name_forms::{dns_name, email_name, smtputf8_domain, uri_host, DnsConstraint, EmailConstraint, HostConstraint};
use crate::asn1::{self, oid, Tag, Tlv};
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
    /// rfc822Name: mailbox, host, or `.domain`, normalised (name_forms).
    Email(EmailConstraint),
    /// dNSName, normalised.
    Dns(DnsConstraint),
    /// uniformResourceIdentifier: host or `.domain`, normalised.
    Uri(HostConstraint),
    /// iPAddress: address and mask of the same length (4 or 16 octets each).
    Ip { addr: Vec<u8>, mask: Vec<u8> },
    /// A form not processed here.
    Unsupported(OtherForm),
}

/// A name from a certificate (subject DN, a DN emailAddress, or a SAN entry),
/// in the comparison forms of name_forms. `None` inside a variant: the value
/// is not a valid name of its form (not UTF-8, not a strict addr-spec, a
/// domain that does not normalise, no URI host, bad address length).
#[derive(Clone, Debug, PartialEq, Eq)]
enum CertName {
    Dn(Vec<Vec<Attribute>>),
    /// rfc822Name or DN emailAddress: (local part, domain key).
    Email(Option<(String, String)>),
    /// SmtpUTF8Mailbox: its domain key.
    SmtpUtf8(Option<String>),
    /// dNSName key.
    Dns(Option<String>),
    /// The URI's host key.
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

fn bad_constraint(what: &str, c: &str) -> Error {
    Error::malformed(format!("{what} name constraint {c:?} is not a valid name (a trailing dot, an empty label or an invalid A-label)"))
}

fn subtree_from(g: GeneralName) -> Result<Subtree> {
    Ok(match g {
        GeneralName::OtherName { type_id, .. } => Subtree::Unsupported(OtherForm::OtherName(type_id)),
        GeneralName::Rfc822(v) => {
            let c = constraint_text(v, "rfc822Name")?;
            Subtree::Email(EmailConstraint::parse(&c).ok_or_else(|| bad_constraint("rfc822Name", &c))?)
        }
        GeneralName::Dns(v) => {
            let c = constraint_text(v, "dNSName")?;
            Subtree::Dns(DnsConstraint::parse(&c).ok_or_else(|| bad_constraint("dNSName", &c))?)
        }
        GeneralName::X400 => Subtree::Unsupported(OtherForm::X400Address),
        GeneralName::Directory(n) => Subtree::Dn(n.rdns),
        GeneralName::Edi => Subtree::Unsupported(OtherForm::EdiPartyName),
        GeneralName::Uri(v) => {
            let c = constraint_text(v, "uniformResourceIdentifier")?;
            Subtree::Uri(HostConstraint::parse(&c).ok_or_else(|| bad_constraint("uniformResourceIdentifier", &c))?)
        }
        GeneralName::Ip(v) => {
            // RFC 5280 §4.2.1.10: 8 octets for IPv4, 32 for IPv6 (address, then mask).
            if v.len() != 8 && v.len() != 32 {
                return Err(Error::malformed("iPAddress name constraint is not 8 or 32 octets"));
            }
            let half = v.len() / 2;
            let (addr, mask) = v.split_at(half);
            Subtree::Ip { addr: addr.to_vec(), mask: mask.to_vec() }
        }
        GeneralName::Rid => Subtree::Unsupported(OtherForm::RegisteredId),
    })
}

fn cert_name_from(g: GeneralName) -> CertName {
    match g {
        GeneralName::OtherName { type_id, value } => {
            if type_id == oid::SMTP_UTF8_MAILBOX {
                CertName::SmtpUtf8(value.and_then(|v| String::from_utf8(v).ok()).and_then(|s| smtputf8_domain(&s)))
            } else {
                CertName::Other(OtherForm::OtherName(type_id))
            }
        }
        GeneralName::Rfc822(v) => CertName::Email(ascii(v).and_then(|s| email_name(&s))),
        GeneralName::Dns(v) => CertName::Dns(ascii(v).and_then(|s| dns_name(&s))),
        GeneralName::X400 => CertName::Other(OtherForm::X400Address),
        GeneralName::Directory(n) => CertName::Dn(n.rdns),
        GeneralName::Edi => CertName::Other(OtherForm::EdiPartyName),
        GeneralName::Uri(v) => CertName::Uri(ascii(v).and_then(|s| uri_host(&s))),
        GeneralName::Ip(v) => CertName::Ip(if v.len() == 4 || v.len() == 16 { Some(v) } else { None }),
        GeneralName::Rid => CertName::Other(OtherForm::RegisteredId),
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
        out.push(subtree_from(GeneralName::parse(&base)?)?);
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

/// RFC 5280 §7.1: attribute values compare after case folding and whitespace
/// compression when both are strings; other values compare as encoded.
fn attribute_eq(a: &Attribute, b: &Attribute) -> bool {
    fn is_string(tag: u32) -> bool {
        matches!(tag, 12 | 19 | 20 | 22 | 26 | 27 | 28 | 30)
    }
    if a.oid != b.oid {
        return false;
    }
    if is_string(a.value_tag) && is_string(b.value_tag) {
        super::name::folded_eq(a, b)
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
        (Subtree::Email(c), CertName::Email(Some((l, d)))) => within(c.contains_mailbox(l, d)),
        (Subtree::Email(c), CertName::SmtpUtf8(Some(d))) => within(c.contains_domain(d)),
        (Subtree::Email(_), CertName::Email(None) | CertName::SmtpUtf8(None)) => Rel::Unknown,
        (Subtree::Dns(c), CertName::Dns(Some(d))) => within(c.contains(d)),
        (Subtree::Dns(_), CertName::Dns(None)) => Rel::Unknown,
        (Subtree::Uri(c), CertName::Uri(Some(h))) => within(c.contains(h)),
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
        CertName::Email(None) => "an email address that is not a valid addr-spec with a valid domain".to_owned(),
        CertName::SmtpUtf8(Some(d)) => format!("SmtpUTF8Mailbox at {d}"),
        CertName::SmtpUtf8(None) => "an SmtpUTF8Mailbox that is not a valid address".to_owned(),
        CertName::Dns(Some(d)) => format!("dNSName {d}"),
        CertName::Dns(None) => "a dNSName that is not a valid domain name".to_owned(),
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
        let san = cert.subject_alt_names()?;
        self.check_names(&cert.subject, san.unwrap_or_default())
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
    fn check_names(&self, subject: &Name, san: Vec<GeneralName>) -> Result<()> {
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
            names.push(CertName::Email(ascii(a.value.clone()).and_then(|s| email_name(&s))));
        }
        names.extend(san.into_iter().map(cert_name_from));
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
        // RFC 5280 §4.2.1.6 (x509-limbo san::malformed): a subjectAltName
        // that does not parse fails the certificate, even where no
        // constraint would look at it.
        cert.subject_alt_names()?;
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

    impl NameConstraintsState {
        /// check_names with a DER subjectAltName value, as `check` reads it.
        fn check_der(&self, subject: &Name, san: Option<&[u8]>) -> Result<()> {
            let names = match san {
                Some(der) => GeneralName::parse_all(der)?,
                None => Vec::new(),
            };
            self.check_names(subject, names)
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
        // label of the RFC 9598 example (name_forms tests the conversion).
        let s = NameConstraintsState::new(Some(&nc(&[rfc822(".example.com")], &[]))).unwrap();
        let subj = name(EMPTY);
        assert!(s.check_der(&subj, Some(&san(&[smtputf8("\u{533b}@xn--pss25c.example.com")]))).is_ok());
        assert!(s.check_der(&subj, Some(&san(&[smtputf8("\u{533b}@\u{5927}\u{5b66}.example.com")]))).is_ok());
        let e = s.check_der(&subj, Some(&san(&[smtputf8("\u{533b}@evil.com")]))).unwrap_err();
        assert_eq!(e.code, Code::NameConstraints);
        // Mailbox constraints are compared by domain only (RFC 8398 §6).
        let s = NameConstraintsState::new(Some(&nc(&[], &[rfc822("ceo@example.com")]))).unwrap();
        assert!(s.check_der(&subj, Some(&san(&[smtputf8("\u{533b}@example.com")]))).is_err());
        assert!(s.check_der(&subj, Some(&san(&[smtputf8("\u{533b}@example.org")]))).is_ok());
    }

    #[test]
    fn forms_are_independent_and_dn_email_is_checked() {
        use oid::{AT_CN, AT_O, EMAIL_ADDRESS};
        let s = NameConstraintsState::new(Some(&nc(&[dns("example.com")], &[]))).unwrap();
        // A DNS-only permitted set says nothing about DNs or email addresses.
        let subj = name(&[(AT_O, 0x13, "Anything"), (EMAIL_ADDRESS, 0x16, "x@evil.com")]);
        assert!(s.check_der(&subj, Some(&san(&[rfc822("a@evil.com"), dns("www.example.com")]))).is_ok());
        assert!(s.check_der(&subj, Some(&san(&[dns("www.example.org")]))).is_err());
        assert!(s.check_der(&subj, Some(&san(&[uri("http://evil.test/")]))).is_ok());

        let s = NameConstraintsState::new(Some(&nc(&[uri(".example.com")], &[]))).unwrap();
        assert!(s.check_der(&subj, Some(&san(&[uri("https://www.example.com/x")]))).is_ok());
        assert!(s.check_der(&subj, Some(&san(&[uri("https://example.com/x")]))).is_err());
        assert!(s.check_der(&subj, Some(&san(&[uri("urn:x:y")]))).is_err());

        let s = NameConstraintsState::new(Some(&nc(&[rfc822("example.com")], &[]))).unwrap();
        let good = name(&[(AT_CN, 0x13, "A"), (EMAIL_ADDRESS, 0x16, "a@example.com")]);
        let bad = name(&[(AT_CN, 0x13, "A"), (EMAIL_ADDRESS, 0x16, "a@evil.com")]);
        assert!(s.check_der(&good, None).is_ok());
        assert_eq!(s.check_der(&bad, None).unwrap_err().code, Code::NameConstraints);
        // Stricter than §4.2.1.10: also with a SAN present.
        assert!(s.check_der(&bad, Some(&san(&[rfc822("a@example.com")]))).is_err());
        assert!(s.check_der(&good, Some(&san(&[rfc822("a@example.com")]))).is_ok());
        // An rfc822Name without `@` cannot be compared: outside.
        assert!(s.check_der(&good, Some(&san(&[rfc822("example.com")]))).is_err());
    }

    #[test]
    fn directory_name_constraints() {
        use oid::{AT_C, AT_CN, AT_O};
        let s = NameConstraintsState::new(Some(&nc(&[dir(&[(AT_C, 0x13, "US"), (AT_O, 0x13, "Test")])], &[]))).unwrap();
        assert!(s.check_der(&name(&[(AT_C, 0x13, "US"), (AT_O, 0x0c, "TEST"), (AT_CN, 0x13, "a")]), None).is_ok());
        assert!(s.check_der(&name(&[(AT_C, 0x13, "US"), (AT_O, 0x13, "Other"), (AT_CN, 0x13, "a")]), None).is_err());
        // An empty subject is not checked (the SAN carries the identity).
        assert!(s.check_der(&name(EMPTY), Some(&san(&[rfc822("a@b.com")]))).is_ok());
        // SAN directoryName entries are checked too.
        assert!(s.check_der(&name(EMPTY), Some(&san(&[dir(&[(AT_C, 0x13, "GB")])]))).is_err());
        let s =
            NameConstraintsState::new(Some(&nc(&[], &[dir(&[(AT_C, 0x13, "US"), (AT_O, 0x13, "Test"), (AT_CN, 0x13, "bad")])]))).unwrap();
        assert!(s.check_der(&name(&[(AT_C, 0x13, "US"), (AT_O, 0x13, "Test"), (AT_CN, 0x13, "good")]), None).is_ok());
        assert!(s.check_der(&name(&[(AT_C, 0x13, "us"), (AT_O, 0x13, "test"), (AT_CN, 0x13, "BAD")]), None).is_err());
    }

    #[test]
    fn unsupported_forms_reject_names_of_that_form() {
        let x400 = der(0xa3, &der(0x30, &[]));
        let other = |o: &[u8]| der(0xa0, &[der(0x06, o), der(0xa0, &der(0x0c, b"v"))].concat());
        let s = NameConstraintsState::new(Some(&nc(&[x400.clone(), other(&[0x2a, 0x03])], &[]))).unwrap();
        let subj = name(EMPTY);
        assert!(s.check_der(&subj, Some(&san(&[dns("a.example")]))).is_ok());
        assert!(s.check_der(&subj, Some(&san(&[x400]))).is_err());
        assert!(s.check_der(&subj, Some(&san(&[other(&[0x2a, 0x03])]))).is_err());
        assert!(s.check_der(&subj, Some(&san(&[other(&[0x2a, 0x04])]))).is_ok());
        let rid = der(0x88, &[0x2a, 0x03]);
        let s = NameConstraintsState::new(Some(&nc(&[], std::slice::from_ref(&rid)))).unwrap();
        assert!(s.check_der(&subj, Some(&san(&[rid]))).is_err());
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
        assert!(s.check_der(&subj, Some(&at("anything.org"))).is_ok());
        s.apply(&nc(&[dns("example.com"), dns("example.org")], &[dns("bad.example.com")])).unwrap();
        s.apply(&nc(&[dns("a.example.com"), dns("example.net")], &[dns("worse.a.example.com")])).unwrap();
        assert!(s.check_der(&subj, Some(&at("x.a.example.com"))).is_ok());
        assert!(s.check_der(&subj, Some(&at("b.example.com"))).is_err()); // not in the second CA's set
        assert!(s.check_der(&subj, Some(&at("example.net"))).is_err()); // not in the first CA's set
        assert!(s.check_der(&subj, Some(&at("example.org"))).is_err());
        assert!(s.check_der(&subj, Some(&at("worse.a.example.com"))).is_err()); // second CA's exclusion
        s.apply(&nc(&[], &[dns("x.a.example.com")])).unwrap();
        assert!(s.check_der(&subj, Some(&at("x.a.example.com"))).is_err());
        assert!(s.check_der(&subj, Some(&at("y.a.example.com"))).is_ok());
        // Disjoint permitted sets: nothing of that form is left.
        s.apply(&nc(&[dns("example.org")], &[])).unwrap();
        assert!(s.check_der(&subj, Some(&at("y.a.example.com"))).is_err());
        // ...but other forms are still free.
        assert!(s.check_der(&subj, Some(&san(&[rfc822("a@anywhere.test")]))).is_ok());
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
