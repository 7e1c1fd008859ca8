//! Does the server's Email object describe the bytes that were checked?
//! (issue 9 §3, DESIGN.md "Reconciliation": "Before any cell applies ...")
//!
//! A UI draws the badge next to the server's `from`, `sender`, `subject` and
//! `sentAt`. A compromised server can give a forged Email object the blobId of
//! any validly signed message; the verdict then belongs to bytes whose From
//! is not the one shown. So before the matrix cell is shown, the Email's
//! `from` and `sender` (RFC 8621 §4.1.2.3 EmailAddress lists) are compared
//! with the From and Sender the verifier read from the downloaded message
//! (`Verdict.headers`). When they disagree the display is failed with an
//! ALERT and the code `server-header-mismatch`, whatever the cell says.
//! Subject and Date are compared too, and a difference is reported, but it
//! does not fail the display: the signature never covers them in
//! multipart/signed, so a UI must mark them as not covered anyway.
//!
//! "Disagree" (`address::compare_with_server`, the address module's
//! comparison, per mailbox, in order, same count):
//! - addresses: not the same mailbox under the identity rules of R30
//!   (`identity::same_address`: domain case-insensitive after IDNA, ASCII
//!   local part case-insensitive, non-ASCII local part exact);
//! - display names: different after runs of white space become one space
//!   and the ends are trimmed; an empty name is no name. Before that, RFC
//!   2047 encoded words the server left encoded are decoded and quotes it
//!   kept are dropped. Servers fold white space and decode encoded words
//!   differently (the Cyrus interop test), so those never raise an alarm;
//!   any other change of a character ("Bob" to "Bank CEO", a lookalike
//!   letter, a case change) does, and so does a server that drops the name
//!   (its Email object then does not describe the message; honest servers,
//!   Cyrus and the reference server, report names);
//! - presence: the server shows a field the message lacks, or omits one it
//!   has.
//!
//! A field the verifier could not read (it occurs twice, or does not parse
//! strictly) cannot be compared; the verdict is then already not verified.

use serde::Serialize;

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use super::{DisplayVerdict, Level, Note, ReconcileConfig, ServerReport};
use crate::address;
use crate::error::{Code, Error};
use crate::jmap::email::EmailAddress;
use crate::report::{AddressHeader, HeaderCoverage, MessageAddress, Problem, SignedHeaders};
use crate::verifier::Verdict;

/// The label of a display failed because the server's From/Sender differ.
pub const LABEL_HEADER_MISMATCH: &str = "Sender shown does not match the message";

/// The alert when the server's From or Sender differs from the message.
pub const ALERT_HEADER_MISMATCH: &str = "Security alert: the mail server shows this message with a From or Sender \
     that is not the one in the message this browser checked. Whatever the signature says, it is about the \
     downloaded message, not about what the server shows: do not trust the sender shown.";

/// What the server's Email object shows (RFC 8621 §4.1.2, §4.1.3).
#[derive(Clone, Copy, Debug, Default)]
pub struct ServerHeaders<'a> {
    /// `from`; `None` = null.
    pub from: Option<&'a [EmailAddress]>,
    /// `sender`; `None` = null.
    pub sender: Option<&'a [EmailAddress]>,
    /// `subject`.
    pub subject: Option<&'a str>,
    /// `sentAt` (RFC 3339 with offset).
    pub sent_at: Option<&'a str>,
}

/// A header field compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum HeaderField {
    /// From.
    From,
    /// Sender.
    Sender,
    /// Subject.
    Subject,
    /// Date (the Email's `sentAt`).
    Date,
}

/// The outcome for one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum FieldOutcome {
    /// The server shows what the message says.
    Agrees,
    /// The server shows something else (for From and Sender: the display is
    /// failed; for Subject and Date: reported only).
    Differs,
    /// The message's field could not be read strictly, so nothing the
    /// server shows for it is vouched for.
    NotComparable,
}

/// One field: the server's value, the message's, and whether they agree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct FieldCheck {
    /// Which field.
    pub field: HeaderField,
    /// Agrees, differs, or cannot be compared.
    pub outcome: FieldOutcome,
    /// What the server's Email object shows, formatted (`Name <addr>, ...`);
    /// null when it shows nothing.
    pub server: Option<String>,
    /// What the checked message says, formatted the same way; null when the
    /// message has no such field.
    pub message: Option<String>,
    /// How far the signature covers the message's value.
    pub coverage: HeaderCoverage,
}

/// The comparison of the server's Email object with the checked message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct HeaderCheck {
    /// From, Sender, Subject, Date.
    pub fields: Vec<FieldCheck>,
    /// `server-header-mismatch` when From or Sender differs.
    pub problem: Option<Problem>,
}

/// A server's display name as the comparison reads it: encoded words a
/// server left encoded are decoded, and quotes it kept around the name are
/// dropped (both are ways of writing the same name; the address module's
/// comparison then folds white space).
fn server_name(name: Option<&str>) -> Option<String> {
    let decoded = crate::signed_view::decode_text(name?.trim());
    let unquoted = decoded.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(&decoded);
    Some(unquoted.trim().to_owned())
}

/// Does the server's list show the message's mailboxes? Same count, same
/// order, the same mailbox under R30's rules and the same display name
/// (`address::compare_with_server`).
fn same_mailboxes(server: &[EmailAddress], message: &[MessageAddress]) -> bool {
    let parsed: Option<Vec<address::Mailbox>> = message
        .iter()
        .map(|m| {
            let mut mb = address::parse_addr_spec(&m.email).ok()?;
            mb.name.clone_from(&m.name);
            Some(mb)
        })
        .collect();
    let Some(parsed) = parsed else { return false };
    let names: Vec<Option<String>> = server.iter().map(|a| server_name(a.name.as_deref())).collect();
    let pairs: Vec<(Option<&str>, &str)> = server.iter().zip(&names).map(|(a, n)| (n.as_deref(), a.email.trim())).collect();
    address::compare_with_server(&parsed, &pairs) == address::Agreement::Same
}

fn show_server(list: &[EmailAddress]) -> String {
    list.iter()
        .map(|a| match a.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => format!("{n} <{}>", a.email),
            None => a.email.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn show_message(list: &[MessageAddress]) -> String {
    list.iter()
        .map(|a| match &a.name {
            Some(n) => format!("{n} <{}>", a.email),
            None => a.email.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn address_field(field: HeaderField, server: Option<&[EmailAddress]>, message: Option<&AddressHeader>) -> FieldCheck {
    let server = server.filter(|l| !l.is_empty());
    let shown = server.map(show_server);
    let (outcome, text, coverage) = match message {
        None => (if server.is_none() { FieldOutcome::Agrees } else { FieldOutcome::Differs }, None, HeaderCoverage::NotCovered),
        Some(h) => match &h.mailboxes {
            None => (FieldOutcome::NotComparable, Some(h.raw.clone()), h.coverage),
            Some(boxes) => {
                let same = server.is_some_and(|s| same_mailboxes(s, boxes));
                (if same { FieldOutcome::Agrees } else { FieldOutcome::Differs }, Some(show_message(boxes)), h.coverage)
            }
        },
    };
    FieldCheck { field, outcome, server: shown, message: text, coverage }
}

fn text_key(s: &str) -> String {
    crate::signed_view::decode_text(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_field(field: HeaderField, server: Option<&str>, message: Option<&str>, coverage: HeaderCoverage, same: bool) -> FieldCheck {
    let outcome = if same { FieldOutcome::Agrees } else { FieldOutcome::Differs };
    FieldCheck { field, outcome, server: server.map(str::to_owned), message: message.map(str::to_owned), coverage }
}

/// Compare the server's Email object with the headers of the checked message.
pub fn check(server: &ServerHeaders<'_>, message: &SignedHeaders) -> HeaderCheck {
    let mut fields = vec![
        address_field(HeaderField::From, server.from, message.from.as_ref()),
        address_field(HeaderField::Sender, server.sender, message.sender.as_ref()),
    ];
    let subject = message.subject.as_ref();
    let server_subject = server.subject.filter(|s| !s.trim().is_empty());
    let same_subject = match (server_subject, subject) {
        (None, None) => true,
        (Some(s), Some(m)) => text_key(s) == text_key(&m.value),
        _ => false,
    };
    fields.push(text_field(
        HeaderField::Subject,
        server_subject,
        subject.map(|s| s.value.as_str()),
        subject.map_or(HeaderCoverage::NotCovered, |s| s.coverage),
        same_subject,
    ));
    let date = message.date.as_ref();
    let server_time = server.sent_at.and_then(|t| crate::asn1::time::parse_rfc3339(t).ok());
    let message_time = date.and_then(|d| d.time.as_deref()).and_then(|t| crate::asn1::time::parse_rfc3339(t).ok());
    let same_date = match (server.sent_at, date) {
        (None, None) => true,
        (Some(_), Some(_)) => server_time.is_some() && server_time == message_time,
        _ => false,
    };
    fields.push(text_field(
        HeaderField::Date,
        server.sent_at,
        date.map(|d| d.time.as_deref().unwrap_or(&d.raw)),
        date.map_or(HeaderCoverage::NotCovered, |d| d.coverage),
        same_date,
    ));
    let differing: Vec<&str> = fields
        .iter()
        .filter(|f| matches!(f.field, HeaderField::From | HeaderField::Sender) && f.outcome == FieldOutcome::Differs)
        .map(|f| if f.field == HeaderField::From { "From" } else { "Sender" })
        .collect();
    let problem = (!differing.is_empty()).then(|| {
        Problem::from(&Error::new(
            Code::ServerHeaderMismatch,
            format!("the server's {} differs from the message that was checked", differing.join(" and ")),
        ))
    });
    HeaderCheck { fields, problem }
}

fn name_of(f: HeaderField) -> &'static str {
    match f {
        HeaderField::From => "From",
        HeaderField::Sender => "Sender",
        HeaderField::Subject => "Subject",
        HeaderField::Date => "Date",
    }
}

/// Apply a comparison to a display verdict: a From/Sender difference fails
/// it with the alert (before any matrix cell counts); Subject and Date
/// differences become reasons.
pub fn apply(display: &mut DisplayVerdict, check: HeaderCheck) {
    let mut notes = Vec::new();
    for f in &check.fields {
        let values = |code: &str| {
            let mut n = Note::new(code).with("field", name_of(f.field));
            if let Some(v) = &f.server {
                n = n.with("server", v.clone());
            }
            if let Some(v) = &f.message {
                n = n.with("message", v.clone());
            }
            n
        };
        match (f.field, f.outcome) {
            (HeaderField::From | HeaderField::Sender, FieldOutcome::Differs) => notes.push(values("header-identity-differs")),
            (_, FieldOutcome::Differs) if f.coverage == HeaderCoverage::Signed => display.add_reason(values("header-differs-signed")),
            (_, FieldOutcome::Differs) => display.add_reason(values("header-differs-unsigned")),
            (_, FieldOutcome::NotComparable) => display.add_reason(Note::new("header-not-comparable").with("field", name_of(f.field))),
            (_, FieldOutcome::Agrees) => {}
        }
    }
    if check.problem.is_some() {
        display.level = Level::Failed;
        display.set_label(Note::new("header-mismatch"));
        notes.append(&mut display.notes);
        display.set_reasons(notes);
        display.prepend_alert(Note::new("header-mismatch"));
        // A hint such as "import the root" does not help here.
        display.set_hint(None);
    }
    display.header_check = Some(check);
}

/// Issue 12 §5, RFC 9788: each outer field that differs from its protected
/// value is a reason; one a UI shows (From, Sender, To, Cc, Subject, Date)
/// also makes a verified display a warning, with its own label.
pub(super) fn protected_notes(display: &mut DisplayVerdict, v: &Verdict) {
    let Some(p) = &v.protected_headers else { return };
    for diff in &p.differs {
        let mut n = Note::new("protected-header-differs").with("field", diff.name.clone());
        if let Some(o) = &diff.outer {
            n = n.with("outer", o.clone());
        }
        if let Some(x) = &diff.protected {
            n = n.with("protected", x.clone());
        }
        display.add_reason(n);
    }
    let shown = p.differs.iter().any(|x| crate::protected::SHOWN.iter().any(|s| s.eq_ignore_ascii_case(&x.name)));
    if shown && display.level == Level::Verified {
        display.level = Level::Warning;
        display.set_label(Note::new("protected-headers-differ"));
    }
}

/// The comparison for a client verdict, when it read the message's headers
/// (a signature at the root); `None` otherwise.
pub fn check_verdict(server: &ServerHeaders<'_>, client: Option<&Verdict>) -> Option<HeaderCheck> {
    client.and_then(|v| v.headers.as_ref()).map(|h| check(server, h))
}

/// [`super::reconcile`], after checking that the server's Email object describes
/// the checked bytes (DESIGN.md: "Before any cell applies, ..."): a From or
/// Sender that differs from the message's fails the display with an alert
/// (`server-header-mismatch`); Subject and Date differences are reasons.
pub fn reconcile_email(
    client: Option<&Verdict>,
    server: Option<&ServerReport>,
    email: &ServerHeaders<'_>,
    now: i64,
    config: &ReconcileConfig,
) -> DisplayVerdict {
    let mut display = super::reconcile(client, server, now, config);
    let client = if config.local_check { client } else { None };
    if let Some(check) = check_verdict(email, client) {
        apply(&mut display, check);
    }
    display
}
