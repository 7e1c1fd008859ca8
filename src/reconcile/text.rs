//! What a display verdict says, as data (issue 11, "the reader's language").
//!
//! Every label, reason, alert and hint of a [`super::DisplayVerdict`] is a
//! [`Note`]: a stable code and its parameters. This file holds the English
//! catalog, keyed by those codes, and renders notes with it; the English
//! `label`, `reasons`, `alert` and `hint` fields are that rendering. A UI in
//! another language renders the same notes with its own catalog: the npm
//! package ships `js/i18n/verdict-en.js`, generated from the tables below
//! (`tests/catalog.rs` fails when it drifts), and a German catalog.
//!
//! Templates name parameters as `{name}` or `{name|modifier}`:
//! - `q`: the value between the catalog's quotation marks, or the catalog's
//!   word for "nothing" when the parameter is absent;
//! - `lower`: the value in lower case;
//! - `age`: a number of seconds as "5 minutes", with the catalog's units;
//! - `advice`: the catalog's advice for the error code in the value;
//! - `label`: the catalog's label for the label code in the value.
//!
//! Substitution is one pass: text inside a parameter is never read as a
//! template, so a server or a message cannot inject placeholders.

use std::collections::BTreeMap;

use serde::Serialize;

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::error::Code;

/// One thing a display verdict says: a catalog code and its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct Note {
    /// The catalog key (stable; never renamed, only added).
    pub code: String,
    /// Values for the template's placeholders.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, string>"))]
    pub params: BTreeMap<String, String>,
}

impl Note {
    /// A note without parameters.
    pub fn new(code: &str) -> Note {
        Note { code: code.to_owned(), params: BTreeMap::new() }
    }

    /// This note with one more parameter.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Note {
        self.params.insert(name.to_owned(), value.into());
        self
    }
}

/// The sections of a catalog a note can come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Short labels (`DisplayVerdict.label`).
    Labels,
    /// Reasons (`DisplayVerdict.reasons`).
    Reasons,
    /// Security alerts (`DisplayVerdict.alert`).
    Alerts,
    /// What the reader can do (`DisplayVerdict.hint`).
    Hints,
}

impl Section {
    /// The section's name in a catalog object.
    pub const fn name(self) -> &'static str {
        match self {
            Section::Labels => "labels",
            Section::Reasons => "reasons",
            Section::Alerts => "alerts",
            Section::Hints => "hints",
        }
    }

    /// The English templates of the section.
    pub const fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Section::Labels => LABELS,
            Section::Reasons => REASONS,
            Section::Alerts => ALERTS,
            Section::Hints => HINTS,
        }
    }

    /// Every section, in catalog order.
    pub const ALL: [Section; 4] = [Section::Labels, Section::Reasons, Section::Alerts, Section::Hints];
}

/// Labels, by code.
pub const LABELS: &[(&str, &str)] = &[
    ("not-verified", "Not verified"),
    ("verified-by-server", "Verified by server"),
    ("server-failed", "Signature failed (server)"),
    ("invalid", "Signature invalid"),
    ("untrusted", "Untrusted signer"),
    ("failed", "Signature failed"),
    ("address-mismatch", "Signer differs from sender"),
    ("verified", "Verified"),
    ("verified-mapped", "Verified (address mapped)"),
    ("signer-changed", "Verified, but a new signer certificate"),
    ("protected-headers-differ", "Verified, but the shown headers differ from the signed ones"),
    ("server-reports-failure", "Server reports failure"),
    ("server-status-unrecognised", "Server status unrecognised"),
    ("not-signed", "Not signed"),
    ("signature-missing", "Signature missing"),
    ("signed-not-verified", "Signed, not verified"),
    ("partial", super::LABEL_PARTIAL),
    ("expired-since-delivery", super::LABEL_EXPIRED_SINCE_DELIVERY),
    ("header-mismatch", super::headers::LABEL_HEADER_MISMATCH),
    ("server-only", "{label|label} (server only, local check off)"),
];

/// Reasons, by code.
pub const REASONS: &[(&str, &str)] = &[
    // The matrix cells (DESIGN.md), row by row.
    ("not-checked-no-server-verdict", "The signature was not checked in this browser, and the server gives no verdict."),
    ("server-verified-not-checked", "The mail server verified the signature; it was not checked in this browser."),
    ("server-reports-fails", "The mail server reports that the signature fails."),
    ("server-status-unrecognised-failure", "The mail server's status is not recognised, so it is treated as a failure."),
    ("fails-here", "The signature fails when checked in this browser."),
    ("fails-here-server-verified", "The signature fails when checked in this browser, although the server says it verified."),
    ("fails-both", "The signature fails, in this browser and on the server."),
    ("fails-here-server-unrecognised", "The signature fails when checked in this browser; the server's status is not recognised."),
    ("untrusted-root", "The signature is intact, but the signer's certificate does not lead to a root this browser trusts."),
    ("server-verified-root-untrusted", "The mail server verified the signature; the signer's root is not trusted by this browser."),
    ("server-fails-untrusted", "The mail server reports that the signature fails, and the signer is not trusted by this browser."),
    ("untrusted-server-unrecognised", "The signer is not trusted by this browser, and the server's status is not recognised."),
    ("address-mismatch", "The signature is valid, but the signer's certificate does not name the From address."),
    ("address-mismatch-server-verified", "The server says verified, but in this browser the signer's certificate does not name the From address."),
    ("server-fails-address-mismatch", "The mail server reports that the signature fails, and the signer's certificate does not name the From address."),
    ("address-mismatch-server-unrecognised", "The signer's certificate does not name the From address, and the server's status is not recognised."),
    ("verified", "The signature is valid, the signer is trusted and matches the sender."),
    ("verified-both", "The signature is valid in this browser and on the server."),
    ("verified-server-fails", "The signature verifies in this browser, but the server reports a failure (for example a revocation, a trust anchor or a Sender difference this browser does not see)."),
    ("verified-server-unrecognised", "The signature verifies in this browser, but the server's status is not recognised."),
    ("no-signature", "The message carries no signature."),
    ("signature-missing-server-verified", "The server claims a verified signature that this message does not carry."),
    ("signature-missing-server-signed", "The server claims a signature that this message does not carry."),
    ("no-signature-server-unrecognised", "The message carries no signature; the server's status is not recognised."),
    // Added to a cell.
    ("server-found-none", "The mail server found no signature, and the message was not checked in this browser."),
    ("server-signed-not-verified", "The server says the message is signed but did not verify it."),
    ("server-could-not-tell", "The server's status is \"{token}\": it could not tell."),
    ("server-token-unrecognised", "The server's status \"{token}\" is not recognised; it is treated as {effective}."),
    ("server-only-signed", "The server says only \"signed\": it did not verify the signature."),
    ("partial", "The message as a whole carries no signature; a part inside it is signed, which vouches for that part only."),
    ("valid-at-delivery", "The signature was valid when the message was delivered; a certificate of the signer has expired since."),
    ("not-trusted-here", "Not trusted by this browser."),
    ("signer", "Signer: {subject} (certificate addresses: {emails})."),
    ("sender-named", "The certificate names the Sender address, not From."),
    ("problem", "{message}"),
    ("at-delivery-differs", "At delivery, this browser finds \"{mine}\" but the server reports \"{theirs}\"."),
    ("local-check-off", "Local verification is switched off; this is the server's verdict alone."),
    ("server-error", "Server: {text}"),
    (
        "server-online-revocation",
        "The server checked revocation online (its authorities' CRLs and OCSP responders), which this browser cannot reach.",
    ),
    ("server-age-stale", "The server checked this {secs|age} ago, longer than the 24 hours RFC 9219 allows a server to reuse a verdict; it may be out of date."),
    ("server-age", "The server checked this {secs|age} ago (a server may reuse a verdict for up to 24 hours)."),
    ("header-identity-differs", "The server shows {field}: {server|q}, but the message checked here has {field}: {message|q}."),
    ("header-differs-signed", "The server shows {field} {server|q}, but the message says {message|q}; the message's value is the signed one."),
    ("header-differs-unsigned", "The server shows {field} {server|q}, but the message says {message|q}; the {field|lower} is not covered by the signature."),
    ("header-not-comparable", "The message's {field} field could not be read strictly, so what the server shows for it is not vouched for."),
    ("not-checked", "Not checked in this browser: {message}"),
    (
        "protected-header-differs",
        "The message's outer {field} is {outer|q}, but the {field} the signer protected is {protected|q}; a mail program that shows the outer one shows what the signer did not write.",
    ),
];

/// Security alerts, by code.
pub const ALERTS: &[(&str, &str)] = &[
    ("server-vouched-bad", super::ALERT_SERVER_VOUCHED_BAD),
    ("signature-missing", super::ALERT_SIGNATURE_MISSING),
    ("header-mismatch", super::headers::ALERT_HEADER_MISMATCH),
];

/// Hints, by code.
pub const HINTS: &[(&str, &str)] = &[
    (
        "import-root-of",
        "This browser does not trust the root certificate at the top of the signer's chain (the signer's certificate was issued by {issuer}). Import that root if you trust it.",
    ),
    ("import-root", "This browser does not trust the signer's root. Import that root certificate if you trust it."),
];

/// Units of `{…|age}`: (unit, one, other); "{n}" is the number.
pub const UNITS: &[(&str, &str, &str)] = &[
    ("second", "{n} second", "{n} seconds"),
    ("minute", "{n} minute", "{n} minutes"),
    ("hour", "{n} hour", "{n} hours"),
    ("day", "{n} day", "{n} days"),
];

/// The quotation marks of `{…|q}`.
pub const QUOTES: (&str, &str) = ("\u{201c}", "\u{201d}");

/// The word `{…|q}` shows for an absent value.
pub const NOTHING: &str = "nothing";

fn lookup(table: &[(&'static str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// The English advice of an error code ("" for an unknown code).
pub fn advice(code: &str) -> &'static str {
    Code::ALL.iter().find(|c| c.code() == code).map_or("", |c| c.advice())
}

/// (number, unit) of an age in seconds: seconds below 2 minutes, minutes
/// below 2 hours, hours below 2 days, then days. Negative ages count as 0.
pub fn age_parts(secs: i64) -> (i64, &'static str) {
    if secs < 120 {
        (secs.max(0), "second")
    } else if secs < 7200 {
        (secs / 60, "minute")
    } else if secs < 2 * 86400 {
        (secs / 3600, "hour")
    } else {
        (secs / 86400, "day")
    }
}

fn age(secs: &str) -> String {
    let (n, unit) = age_parts(secs.parse().unwrap_or(0));
    let (_, one, other) = UNITS.iter().find(|(u, _, _)| *u == unit).copied().unwrap_or(("", "{n}", "{n}"));
    (if n == 1 { one } else { other }).replace("{n}", &n.to_string())
}

fn placeholder(name: &str, modifier: Option<&str>, params: &BTreeMap<String, String>) -> String {
    let value = params.get(name);
    match (modifier, value) {
        (Some("q"), None) => NOTHING.to_owned(),
        (Some("q"), Some(v)) => format!("{}{v}{}", QUOTES.0, QUOTES.1),
        (Some("lower"), Some(v)) => v.to_lowercase(),
        (Some("age"), Some(v)) => age(v),
        (Some("advice"), Some(v)) => advice(v).to_owned(),
        (Some("label"), Some(v)) => lookup(LABELS, v).unwrap_or(v).to_owned(),
        (_, Some(v)) => v.clone(),
        (_, None) => String::new(),
    }
}

/// `template` with its placeholders filled from `params`, in one pass.
pub fn fill(template: &str, params: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        let Some((inner, tail)) = after.split_once('}') else { break };
        out.push_str(before);
        let (name, modifier) = match inner.split_once('|') {
            Some((n, m)) => (n, Some(m)),
            None => (inner, None),
        };
        out.push_str(&placeholder(name, modifier, params));
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The English text of a note; an unknown code renders as the code itself.
pub fn render(section: Section, note: &Note) -> String {
    match lookup(section.table(), &note.code) {
        Some(t) => fill(t, &note.params),
        None => note.code.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_per_section_and_every_template_fills() {
        for s in Section::ALL {
            let mut seen = std::collections::BTreeSet::new();
            for (code, _) in s.table() {
                assert!(seen.insert(*code), "{}: {code} twice", s.name());
            }
        }
    }

    #[test]
    fn substitution_is_one_pass_and_modifiers_apply() {
        let n = Note::new("header-differs-unsigned").with("field", "Subject").with("server", "{message}").with("message", "Hi");
        assert_eq!(
            render(Section::Reasons, &n),
            "The server shows Subject \u{201c}{message}\u{201d}, but the message says \u{201c}Hi\u{201d}; the subject is not covered by the signature."
        );
        let none = Note::new("header-identity-differs").with("field", "From").with("message", "a@example.com");
        assert!(render(Section::Reasons, &none).starts_with("The server shows From: nothing, but"));
        for (secs, text) in [
            (-5, "0 seconds"),
            (1, "1 second"),
            (119, "119 seconds"),
            (120, "2 minutes"),
            (7199, "119 minutes"),
            (7200, "2 hours"),
            (3 * 86400, "3 days"),
        ] {
            assert_eq!(age(&secs.to_string()), text);
        }
        let off = Note::new("server-only").with("label", "verified-by-server");
        assert_eq!(render(Section::Labels, &off), "Verified by server (server only, local check off)");
        assert_eq!(render(Section::Reasons, &Note::new("no-such-code")), "no-such-code");
        assert_eq!(fill("a {b} {unclosed", &BTreeMap::from([("b".to_owned(), "B".to_owned())])), "a B {unclosed");
    }
}
