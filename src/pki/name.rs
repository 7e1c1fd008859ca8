//! X.501 Names (RFC 5280 §4.1.2.4): parsing, display, and comparison.

use crate::asn1::{self, oid, Class, Tag, Tlv};
use crate::error::{Error, Result};

/// One AttributeTypeAndValue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Attribute type OID (content bytes).
    pub oid: Vec<u8>,
    /// Universal tag number of the value (12 UTF8String, 19 PrintableString, ...).
    pub value_tag: u32,
    /// Value content bytes as encoded.
    pub value: Vec<u8>,
}

impl Attribute {
    /// The value as text, decoding BMPString and UniversalString; other string
    /// types are taken as UTF-8 (lossy).
    pub fn text(&self) -> String {
        match self.value_tag {
            30 => {
                let units: Vec<u16> = self
                    .value
                    .chunks(2)
                    .map(|c| match c {
                        [a, b] => u16::from_be_bytes([*a, *b]),
                        _ => 0xfffd,
                    })
                    .collect();
                String::from_utf16_lossy(&units)
            }
            28 => self
                .value
                .chunks(4)
                .map(|c| match c {
                    [a, b, cc, d] => char::from_u32(u32::from_be_bytes([*a, *b, *cc, *d])).unwrap_or('\u{fffd}'),
                    _ => '\u{fffd}',
                })
                .collect(),
            _ => String::from_utf8_lossy(&self.value).into_owned(),
        }
    }
}

/// A parsed Name: RDNs in encoded order, each a set of attributes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Name {
    /// The raw DER/BER of the whole Name.
    pub raw: Vec<u8>,
    /// RDNSequence.
    pub rdns: Vec<Vec<Attribute>>,
}

const SHORT_NAMES: &[(&[u8], &str)] = &[
    (oid::AT_CN, "CN"),
    (oid::AT_SURNAME, "SN"),
    (oid::AT_SERIAL_NUMBER, "serialNumber"),
    (oid::AT_C, "C"),
    (oid::AT_L, "L"),
    (oid::AT_ST, "ST"),
    (oid::AT_STREET, "street"),
    (oid::AT_O, "O"),
    (oid::AT_OU, "OU"),
    (oid::AT_TITLE, "title"),
    (oid::AT_GIVEN_NAME, "GN"),
    (oid::AT_DN_QUALIFIER, "dnQualifier"),
    (oid::AT_DC, "DC"),
    (oid::AT_UID, "UID"),
    (oid::EMAIL_ADDRESS, "emailAddress"),
];

impl Name {
    /// Parse a Name (SEQUENCE OF SET OF AttributeTypeAndValue).
    pub fn parse(t: &Tlv<'_>) -> Result<Name> {
        t.check(Tag::SEQUENCE, "Name")?;
        let mut rdns = Vec::new();
        let mut r = t.children()?;
        while let Some(set) = r.next_tlv()? {
            set.check(Tag::SET, "RelativeDistinguishedName")?;
            let mut attrs = Vec::new();
            let mut sr = set.children()?;
            while let Some(atv) = sr.next_tlv()? {
                atv.check(Tag::SEQUENCE, "AttributeTypeAndValue")?;
                let mut ar = atv.children()?;
                let oid = ar.expect(Tag::OID, "attribute type")?.oid()?.to_vec();
                let v = ar.read("attribute value")?;
                ar.finish("AttributeTypeAndValue")?;
                let value = v.string_value(v.tag.number)?.into_owned();
                attrs.push(Attribute { oid, value_tag: v.tag.number, value });
            }
            if attrs.is_empty() {
                return Err(Error::malformed("empty RelativeDistinguishedName"));
            }
            rdns.push(attrs);
        }
        Ok(Name { raw: t.raw.to_vec(), rdns })
    }

    /// Every attribute value of a type, in order.
    pub fn values<'s>(&'s self, ty: &'s [u8]) -> impl Iterator<Item = &'s Attribute> + 's {
        self.rdns.iter().flatten().filter(move |a| a.oid == ty)
    }

    /// RFC 4514-style string, most significant RDN last, as people read it
    /// (e.g. `CN=Alice,O=Example,C=US`).
    pub fn to_display(&self) -> String {
        let mut parts = Vec::with_capacity(self.rdns.len());
        for rdn in self.rdns.iter().rev() {
            let mut items = Vec::with_capacity(rdn.len());
            for a in rdn {
                let key = SHORT_NAMES
                    .iter()
                    .find(|(o, _)| *o == a.oid.as_slice())
                    .map(|(_, n)| (*n).to_owned())
                    .unwrap_or_else(|| oid::to_dotted(&a.oid));
                items.push(format!("{key}={}", escape(&a.text())));
            }
            parts.push(items.join("+"));
        }
        parts.join(",")
    }

    /// Name equality for matching issuers (RFC 5280 §7.1, simplified for
    /// signer lookup): byte-identical, or every attribute equal after
    /// case-folding and whitespace compression of string values.
    pub fn matches(&self, other: &Name) -> bool {
        if self.raw == other.raw {
            return true;
        }
        if self.rdns.len() != other.rdns.len() {
            return false;
        }
        self.rdns
            .iter()
            .zip(other.rdns.iter())
            .all(|(a, b)| a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| x.oid == y.oid && folded_eq(x, y))))
    }
}

/// Case-fold and compress internal whitespace, trim the ends.
fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// `normalise(a.text()) == normalise(b.text())`, without building either
/// string when both values are ASCII (nearly every name a path search
/// compares): then `text()` is the octets, `split_whitespace` splits at
/// the six ASCII white-space characters, and `to_lowercase` is ASCII folding.
pub(crate) fn folded_eq(a: &Attribute, b: &Attribute) -> bool {
    fn plain(x: &Attribute) -> bool {
        x.value_tag != 28 && x.value_tag != 30 && x.value.is_ascii()
    }
    fn words(v: &[u8]) -> impl Iterator<Item = &[u8]> {
        v.split(|c| matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')).filter(|w| !w.is_empty())
    }
    if !(plain(a) && plain(b)) {
        return normalise(&a.text()) == normalise(&b.text());
    }
    let (mut x, mut y) = (words(&a.value), words(&b.value));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p.eq_ignore_ascii_case(q) => {}
            _ => return false,
        }
    }
}

/// RFC 4514 §2.4 escaping of special characters for display.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let last = s.chars().count().saturating_sub(1);
    for (i, c) in s.chars().enumerate() {
        let special =
            matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';') || (i == 0 && (c == '#' || c == ' ')) || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        if c.is_control() {
            out.push_str(&format!("\\{:02x}", u32::from(c) & 0xff));
        } else {
            out.push(c);
        }
    }
    out
}

/// A GeneralName (RFC 5280 §4.2.1.6), as subjectAltName and name
/// constraints carry it. The IA5String forms are checked to be ASCII.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GeneralName {
    /// otherName: its type-id, and the value's content when it is a
    /// UTF8String (SmtpUTF8Mailbox, RFC 8398 §3); other values are not
    /// looked into.
    OtherName {
        /// type-id content bytes.
        type_id: Vec<u8>,
        /// The UTF8String value, if that is what it holds.
        value: Option<Vec<u8>>,
    },
    /// rfc822Name (IA5String).
    Rfc822(Vec<u8>),
    /// dNSName (IA5String).
    Dns(Vec<u8>),
    /// x400Address (not looked into).
    X400,
    /// directoryName.
    Directory(Name),
    /// ediPartyName (not looked into).
    Edi,
    /// uniformResourceIdentifier (IA5String).
    Uri(Vec<u8>),
    /// iPAddress octets.
    Ip(Vec<u8>),
    /// registeredID (not looked into).
    Rid,
}

/// An IA5String GeneralName's content: ASCII (X.680 IA5 is 0..=127).
fn ia5(t: &Tlv<'_>, what: &str) -> Result<Vec<u8>> {
    // X.690 §10.2: DER writes strings primitive.
    if t.tag.constructed {
        return Err(Error::malformed(format!("{what} is a constructed string (not DER)")));
    }
    let v = t.content.to_vec();
    if !v.is_ascii() {
        return Err(Error::malformed(format!("{what} is not an IA5String (non-ASCII octets)")));
    }
    Ok(v)
}

impl GeneralName {
    /// Parse one GeneralName element.
    pub fn parse(t: &Tlv<'_>) -> Result<GeneralName> {
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
                        if inner.tag.is_universal(12) {
                            Some(inner.string_value(12)?.into_owned())
                        } else {
                            None
                        }
                    }
                    None => None,
                };
                r.finish("otherName")?;
                GeneralName::OtherName { type_id, value }
            }
            1 => GeneralName::Rfc822(ia5(t, "rfc822Name")?),
            2 => GeneralName::Dns(ia5(t, "dNSName")?),
            3 => GeneralName::X400,
            4 => {
                // Name is a CHOICE, so the [4] tag is explicit.
                let mut r = t.children()?;
                let n = Name::parse(&r.read("directoryName")?)?;
                r.finish("directoryName")?;
                GeneralName::Directory(n)
            }
            5 => GeneralName::Edi,
            6 => GeneralName::Uri(ia5(t, "uniformResourceIdentifier")?),
            7 => GeneralName::Ip(t.string_value(4)?.into_owned()),
            8 => GeneralName::Rid,
            _ => return Err(Error::malformed("GeneralName: unknown choice")),
        })
    }

    /// `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName` from a DER
    /// value (a subjectAltName extnValue): every entry must parse, and
    /// nothing may follow the sequence.
    pub fn parse_all(der: &[u8]) -> Result<Vec<GeneralName>> {
        let t = asn1::parse_single(der)?;
        t.check(Tag::SEQUENCE, "GeneralNames")?;
        let mut r = t.children()?;
        let mut out = Vec::new();
        while let Some(gn) = r.next_tlv()? {
            out.push(GeneralName::parse(&gn)?);
        }
        if out.is_empty() {
            return Err(Error::malformed("GeneralNames is empty (RFC 5280: SIZE (1..MAX))"));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(tag: u32, value: &[u8]) -> Attribute {
        Attribute { oid: vec![0x55, 4, 3], value_tag: tag, value: value.to_vec() }
    }

    #[test]
    fn folded_eq_is_normalised_text_equality() {
        // Values in several string types, with every kind of white space, case,
        // non-ASCII text and malformed octets; each pair is compared both ways
        // against the allocating definition.
        let bmp = |s: &str| s.encode_utf16().flat_map(u16::to_be_bytes).collect::<Vec<u8>>();
        let values: Vec<Attribute> = vec![
            attr(19, b"Good CA"),
            attr(12, b"good ca"),
            attr(12, b"  GOOD \t\r\n CA "),
            attr(12, b"good\x0bca"),
            attr(12, b"good\x0cca"),
            attr(12, b"good\x1cca"),
            attr(12, b"goodca"),
            attr(12, b"good  c a"),
            attr(12, b""),
            attr(12, b"   "),
            attr(12, "G\u{d6}OD CA".as_bytes()),
            attr(12, "g\u{f6}od ca".as_bytes()),
            attr(12, "good\u{a0}ca".as_bytes()),
            attr(12, b"good \xff ca"),
            attr(30, &bmp("Good CA")),
            attr(30, &bmp("good  ca")),
            attr(28, &[0, 0, 0, b'G', 0, 0, 0, b'o']),
            attr(19, b"Go"),
        ];
        for a in &values {
            for b in &values {
                let want = normalise(&a.text()) == normalise(&b.text());
                assert_eq!(folded_eq(a, b), want, "{:?} vs {:?}", a.text(), b.text());
            }
        }
    }
}
