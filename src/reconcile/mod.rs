//! Reconciliation of the client [`Verdict`] with the server's RFC 9219 status
//! (DESIGN.md "Reconciliation"; R5–R9, R12, R37–R39), sans-IO and without a
//! clock: `now` is an argument.
//!
//! The DESIGN matrix is data: [`cell`] maps a [`ClientRow`] and a
//! [`ServerColumn`] to a [`Cell`] (level, label, note, alert), and
//! [`reconcile`] adds the inputs, the reasons, the server's age and hints.
//!
//! Where the client rows come from ([`classify_client`]):
//! - no verdict, or a client status of `unknown` (encrypted, certs-only, a
//!   non-S/MIME protocol): [`ClientRow::NotRun`];
//! - status null: [`ClientRow::NoSignature`];
//! - `signed/verified`: [`ClientRow::Verified`];
//! - `signed/failed` whose only failures are `untrusted-root` while every
//!   signer's signature verifies: [`ClientRow::Untrusted`];
//! - `signed/failed` whose only failures are `address-mismatch` and/or
//!   `signer-without-address` while every signer's signature verifies:
//!   [`ClientRow::AddressMismatch`];
//! - every other `signed/failed` (bad signature, digest, malformed structure,
//!   and also cert-expired, cert-not-yet-valid, cert-revoked, key-usage,
//!   name-constraints, policy, weak algorithms, ...): [`ClientRow::Broken`].
//!   Warnings (`revocation-unknown`, `signing-time-skew`) never move a row.
//!
//! A certificate that was valid at delivery and has expired since stays in
//! the broken row (levels and alert unchanged: conservative) but gets its own
//! label, [`LABEL_EXPIRED_SINCE_DELIVERY`].
//!
//! Server columns ([`server_column`]): capability absent, `signed`, `unknown`
//! and null all fall in [`ServerColumn::AbsentOrSigned`] (none is a verdict;
//! R7: `signed` is never verified); `encrypted+signed/*` count as `signed/*`
//! (R6); unrecognised tokens are `signed/failed` unless configured to be
//! `unknown` (R5).

pub mod headers;
pub mod text;
mod token;

pub use headers::reconcile_email;
pub use text::{Note, Section};
pub use token::{ServerReport, ServerToken, UnknownTokens};

use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::verifier::{Verdict, SIGNED_FAILED, SIGNED_VERIFIED};

/// The R38 security alert: the server vouched for a signature that fails here.
pub const ALERT_SERVER_VOUCHED_BAD: &str = "Security alert: the mail server reports this signature as verified, but it fails \
     when checked in this browser. The message may have been altered, or the server may be wrong or compromised. \
     Do not trust it.";
/// The alert when the server claims a signature that the message does not carry.
pub const ALERT_SIGNATURE_MISSING: &str = "Security alert: the mail server says this message is signed, but the message \
     downloaded by this browser carries no signature. The copy you see may not be the one the server checked.";
/// The label of a verdict valid at delivery whose certificate expired since.
pub const LABEL_EXPIRED_SINCE_DELIVERY: &str = "Valid at delivery, certificate expired since";
/// The label of a message whose only signature covers a part inside an
/// unsigned container.
pub const LABEL_PARTIAL: &str = "Only a part is signed";
/// Suffix of labels shown when local verification is switched off (R39).
pub const SERVER_ONLY_SUFFIX: &str = " (server only, local check off)";
/// RFC 9219 §4.1.1: a server verdict may be this many seconds old (R9).
pub const MAX_SERVER_AGE_SECS: i64 = 24 * 3600;

/// Local configuration of the reconciliation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct ReconcileConfig {
    /// How unrecognised server tokens count (R5).
    pub unknown_tokens: UnknownTokens,
    /// Whether the local check runs (R39, default on). When off, the client
    /// verdict is ignored and the server status alone is shown, labelled so.
    pub local_check: bool,
    /// The server says its status includes revocation checked online
    /// (issue 12 §4: `jmap::CAP_ONLINE_REVOCATION` in its session). Set by
    /// the JMAP client from the session; it adds an explanation only, never
    /// a better level: the server may be the attacker.
    #[serde(skip)]
    pub server_online_revocation: bool,
}

impl Default for ReconcileConfig {
    fn default() -> Self {
        ReconcileConfig { unknown_tokens: UnknownTokens::Failed, local_check: true, server_online_revocation: false }
    }
}

/// The rows of the DESIGN matrix: what the client found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum ClientRow {
    /// The client did not verify (encrypted, too big, download failed, local
    /// check off, or a structure it cannot check).
    NotRun,
    /// The signature or structure is broken, or the chain fails for a reason
    /// other than a missing anchor (expired, revoked, key usage, ...).
    Broken,
    /// The signature is good, but the chain ends at no anchor of this browser.
    Untrusted,
    /// Good and trusted, but the certificate does not name the From address.
    AddressMismatch,
    /// Fully verified.
    Verified,
    /// No signature at the message root (status null).
    NoSignature,
}

/// The columns of the DESIGN matrix: what the server says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum ServerColumn {
    /// Capability absent, null, `signed` or `unknown`: no server verdict.
    AbsentOrSigned,
    /// `signed/verified` (or `encrypted+signed/verified`).
    Verified,
    /// `signed/failed` (or `encrypted+signed/failed`).
    Failed,
    /// A token this client does not recognise, counted as failed (R5).
    Unrecognized,
}

/// The display level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Verified in this browser.
    Verified,
    /// Verified by the server only.
    VerifiedByServer,
    /// Signed, but something needs the reader's attention.
    Warning,
    /// The signature fails.
    Failed,
    /// Not signed.
    Unsigned,
    /// No verdict yet (not checked here, no server verdict).
    Pending,
}

/// One cell of the DESIGN matrix, as catalog codes ([`text`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The display level.
    pub level: Level,
    /// The code of the short label ([`text::LABELS`]).
    pub label: &'static str,
    /// The code of the first reason ([`text::REASONS`]).
    pub note: &'static str,
    /// The code of the security alert, if any ([`text::ALERTS`]).
    pub alert: Option<&'static str>,
}

const fn c(level: Level, label: &'static str, note: &'static str) -> Cell {
    Cell { level, label, note, alert: None }
}

const fn alert(level: Level, label: &'static str, note: &'static str, code: &'static str) -> Cell {
    Cell { level, label, note, alert: Some(code) }
}

/// The DESIGN.md matrix, cell by cell. For [`ClientRow::NotRun`] ×
/// [`ServerColumn::AbsentOrSigned`] this is the pending cell; [`reconcile`]
/// shows "unsigned" instead when the server says null ("as server says").
pub fn cell(row: ClientRow, col: ServerColumn) -> Cell {
    use ClientRow as R;
    use Level as L;
    use ServerColumn as S;
    match (row, col) {
        (R::NotRun, S::AbsentOrSigned) => c(L::Pending, "not-verified", "not-checked-no-server-verdict"),
        (R::NotRun, S::Verified) => c(L::VerifiedByServer, "verified-by-server", "server-verified-not-checked"),
        (R::NotRun, S::Failed) => c(L::Failed, "server-failed", "server-reports-fails"),
        (R::NotRun, S::Unrecognized) => c(L::Failed, "server-failed", "server-status-unrecognised-failure"),

        (R::Broken, S::AbsentOrSigned) => c(L::Failed, "invalid", "fails-here"),
        (R::Broken, S::Verified) => alert(L::Failed, "invalid", "fails-here-server-verified", "server-vouched-bad"),
        (R::Broken, S::Failed) => c(L::Failed, "invalid", "fails-both"),
        (R::Broken, S::Unrecognized) => c(L::Failed, "invalid", "fails-here-server-unrecognised"),

        (R::Untrusted, S::AbsentOrSigned) => c(L::Warning, "untrusted", "untrusted-root"),
        (R::Untrusted, S::Verified) => c(L::VerifiedByServer, "verified-by-server", "server-verified-root-untrusted"),
        (R::Untrusted, S::Failed) => c(L::Failed, "failed", "server-fails-untrusted"),
        (R::Untrusted, S::Unrecognized) => c(L::Failed, "failed", "untrusted-server-unrecognised"),

        (R::AddressMismatch, S::AbsentOrSigned) => c(L::Warning, "address-mismatch", "address-mismatch"),
        (R::AddressMismatch, S::Verified) => c(L::Warning, "address-mismatch", "address-mismatch-server-verified"),
        (R::AddressMismatch, S::Failed) => c(L::Failed, "failed", "server-fails-address-mismatch"),
        (R::AddressMismatch, S::Unrecognized) => c(L::Failed, "failed", "address-mismatch-server-unrecognised"),

        (R::Verified, S::AbsentOrSigned) => c(L::Verified, "verified", "verified"),
        (R::Verified, S::Verified) => c(L::Verified, "verified", "verified-both"),
        (R::Verified, S::Failed) => c(L::Warning, "server-reports-failure", "verified-server-fails"),
        (R::Verified, S::Unrecognized) => c(L::Warning, "server-status-unrecognised", "verified-server-unrecognised"),

        (R::NoSignature, S::AbsentOrSigned) => c(L::Unsigned, "not-signed", "no-signature"),
        (R::NoSignature, S::Verified) => alert(L::Failed, "signature-missing", "signature-missing-server-verified", "signature-missing"),
        (R::NoSignature, S::Failed) => alert(L::Failed, "signature-missing", "signature-missing-server-signed", "signature-missing"),
        (R::NoSignature, S::Unrecognized) => c(L::Unsigned, "not-signed", "no-signature-server-unrecognised"),
    }
}

/// Failure codes (warnings excluded) of a verdict.
fn failure_codes(v: &Verdict) -> Vec<&str> {
    v.errors.iter().filter(|p| !p.warning).map(|p| p.code.as_str()).collect()
}

/// The DESIGN row of a client verdict (`None`: the client did not run).
pub fn classify_client(v: Option<&Verdict>) -> ClientRow {
    let Some(v) = v else { return ClientRow::NotRun };
    match v.status.as_deref() {
        None => ClientRow::NoSignature,
        Some(SIGNED_VERIFIED) => ClientRow::Verified,
        Some(SIGNED_FAILED) => {
            let codes = failure_codes(v);
            let sigs_ok = !v.signers.is_empty() && v.signers.iter().all(|s| s.signature.valid);
            if !sigs_ok || codes.is_empty() {
                ClientRow::Broken
            } else if codes.iter().all(|c| *c == "untrusted-root") {
                ClientRow::Untrusted
            } else if codes.iter().all(|c| matches!(*c, "address-mismatch" | "signer-without-address")) {
                ClientRow::AddressMismatch
            } else {
                ClientRow::Broken
            }
        }
        // "unknown" (encrypted, certs-only, another protocol) or anything else:
        // the client could not check.
        Some(_) => ClientRow::NotRun,
    }
}

/// The DESIGN column of a server report (`None`: capability absent).
pub fn server_column(s: Option<&ServerReport>, config: &ReconcileConfig) -> ServerColumn {
    match s.and_then(|s| s.status.as_ref()) {
        None => ServerColumn::AbsentOrSigned,
        Some(t) => match (t, t.effective(config.unknown_tokens)) {
            (ServerToken::Other(_), SIGNED_FAILED) => ServerColumn::Unrecognized,
            (_, SIGNED_VERIFIED) => ServerColumn::Verified,
            (_, SIGNED_FAILED) => ServerColumn::Failed,
            _ => ServerColumn::AbsentOrSigned,
        },
    }
}

/// The client input, summarised for display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct ClientSummary {
    /// The matrix row.
    pub row: ClientRow,
    /// RFC 9219 status at now.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "SmimeStatus | null"))]
    pub status: Option<String>,
    /// RFC 9219 status at delivery; absent when not computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "SmimeStatus | null"))]
    pub status_at_delivery: Option<Option<String>>,
    /// Error codes at now (failures then warnings).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ErrorCode[]"))]
    pub errors: Vec<String>,
    /// The first signer's certificate subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub signer: Option<String>,
    /// The first signer's certificate issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub issuer: Option<String>,
    /// Some signer's certificate names the From address.
    pub from_matches: bool,
    /// Some signer's certificate names the Sender address (null: no Sender).
    pub sender_matches: Option<bool>,
}

/// The server input, summarised for display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct ServerSummary {
    /// The matrix column.
    pub column: ServerColumn,
    /// `smimeStatus` as the server wrote it.
    pub status: Option<String>,
    /// The status in the client's vocabulary (R5, R6).
    pub effective_status: Option<String>,
    /// `smimeStatusAtDelivery` as the server wrote it.
    pub status_at_delivery: Option<String>,
    /// `smimeErrors`, opaque (R8).
    pub errors: Option<Vec<String>>,
    /// `smimeVerifiedAt`, unix seconds.
    pub verified_at: Option<i64>,
}

/// What to show for one message.
///
/// `label`, `reasons`, `alert` and `hint` are English; `labelNote`, `notes`,
/// `alertNotes` and `hintNote` say the same as catalog codes with their
/// parameters ([`text`]), one note per reason in the same order, for a UI
/// that renders them in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct DisplayVerdict {
    /// The display level.
    pub level: Level,
    /// A short label.
    pub label: String,
    /// Why, in plain language (server errors verbatim, prefixed "Server: ").
    pub reasons: Vec<String>,
    /// A security alert (R38).
    pub alert: Option<String>,
    /// The client input (absent when it did not run or was switched off).
    pub client: Option<ClientSummary>,
    /// The server input (absent when the server lacks the capability).
    pub server: Option<ServerSummary>,
    /// Seconds since the server verified (`now - smimeVerifiedAt`, R9).
    pub server_age_secs: Option<i64>,
    /// What the reader can do, e.g. the root to import.
    pub hint: Option<String>,
    /// The server's Email object (from, sender, subject, sentAt) against
    /// the checked message's headers (issue 9 §3); null when no comparison
    /// ran (no Email object given, or no signature at the root was read).
    pub header_check: Option<headers::HeaderCheck>,
    /// `label` as a catalog note (section `labels`).
    pub label_note: Note,
    /// `reasons` as catalog notes (section `reasons`), in the same order.
    pub notes: Vec<Note>,
    /// `alert` as catalog notes (section `alerts`), joined by a space.
    pub alert_notes: Vec<Note>,
    /// `hint` as a catalog note (section `hints`).
    pub hint_note: Option<Note>,
}

impl DisplayVerdict {
    /// Set the label.
    pub fn set_label(&mut self, note: Note) {
        self.label = text::render(Section::Labels, &note);
        self.label_note = note;
    }

    /// Add a reason at the end.
    pub fn add_reason(&mut self, note: Note) {
        self.reasons.push(text::render(Section::Reasons, &note));
        self.notes.push(note);
    }

    /// Replace the reasons.
    pub fn set_reasons(&mut self, notes: Vec<Note>) {
        self.reasons = notes.iter().map(|n| text::render(Section::Reasons, n)).collect();
        self.notes = notes;
    }

    /// Put an alert before any alert already there.
    pub fn prepend_alert(&mut self, note: Note) {
        self.alert_notes.insert(0, note);
        self.render_alert();
    }

    fn render_alert(&mut self) {
        let texts: Vec<String> = self.alert_notes.iter().map(|n| text::render(Section::Alerts, n)).collect();
        self.alert = (!texts.is_empty()).then(|| texts.join(" "));
    }

    /// Set or clear the hint.
    pub fn set_hint(&mut self, note: Option<Note>) {
        self.hint = note.as_ref().map(|n| text::render(Section::Hints, n));
        self.hint_note = note;
    }

    fn new(cell: &Cell) -> DisplayVerdict {
        let label_note = Note::new(cell.label);
        let mut d = DisplayVerdict {
            level: cell.level,
            label: text::render(Section::Labels, &label_note),
            reasons: Vec::new(),
            alert: None,
            client: None,
            server: None,
            server_age_secs: None,
            hint: None,
            header_check: None,
            label_note,
            notes: Vec::new(),
            alert_notes: cell.alert.map(Note::new).into_iter().collect(),
            hint_note: None,
        };
        d.add_reason(Note::new(cell.note));
        d.render_alert();
        d
    }
}

fn summarise_client(v: &Verdict, row: ClientRow) -> ClientSummary {
    let cert = v.signers.iter().find_map(|s| s.signature.certificate.as_ref());
    ClientSummary {
        row,
        status: v.status.clone(),
        status_at_delivery: v.status_at_delivery.clone(),
        errors: v.errors.iter().map(|p| p.code.clone()).collect(),
        signer: cert.map(|c| c.subject.clone()),
        issuer: cert.map(|c| c.issuer.clone()),
        from_matches: v.from_matches,
        sender_matches: v.sender_matches,
    }
}

fn summarise_server(s: &ServerReport, column: ServerColumn, config: &ReconcileConfig) -> ServerSummary {
    ServerSummary {
        column,
        status: s.status.as_ref().map(|t| t.as_str().to_owned()),
        effective_status: s.status.as_ref().map(|t| t.effective(config.unknown_tokens).to_owned()),
        status_at_delivery: s.status_at_delivery.as_ref().map(|t| t.as_str().to_owned()),
        errors: s.errors.clone(),
        verified_at: s.verified_at,
    }
}

/// A problem message as a sentence: capital first letter.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A problem as a reason: its English message, and its code and detail for
/// a catalog in another language.
pub fn problem_note(code: &str, p: &crate::report::Problem) -> Note {
    Note::new(code).with("message", sentence(&p.message)).with("error", p.code.clone()).with("detail", sentence(&p.detail))
}

/// A verdict valid at delivery whose only failure now is an expired certificate.
pub fn expired_since_delivery(v: &Verdict) -> bool {
    v.status.as_deref() == Some(SIGNED_FAILED)
        && matches!(&v.status_at_delivery, Some(Some(s)) if s == SIGNED_VERIFIED)
        && failure_codes(v).iter().all(|c| *c == "cert-expired")
        && v.errors.iter().any(|p| p.code == "cert-expired")
}

/// Reconcile the client verdict (`None`: not run) with the server report
/// (`None`: the server lacks the capability) at `now` (unix seconds).
pub fn reconcile(client: Option<&Verdict>, server: Option<&ServerReport>, now: i64, config: &ReconcileConfig) -> DisplayVerdict {
    let client = if config.local_check { client } else { None };
    let row = classify_client(client);
    let column = server_column(server, config);
    let mut d = DisplayVerdict::new(&cell(row, column));
    let server_token = server.and_then(|s| s.status.as_ref());

    if row == ClientRow::NotRun && column == ServerColumn::AbsentOrSigned {
        as_server_says(&mut d, server);
    }
    if let Some(ServerToken::Other(t)) = server_token {
        let effective = ServerToken::Other(t.clone()).effective(config.unknown_tokens);
        d.add_reason(Note::new("server-token-unrecognised").with("token", t.clone()).with("effective", effective));
    }
    if let (Some(ServerToken::Signed), true) = (server_token, row != ClientRow::NotRun) {
        d.add_reason(Note::new("server-only-signed"));
    }
    if let Some(v) = client {
        client_notes(&mut d, v, row, column);
    }
    at_delivery_notes(&mut d, client, server, config);
    if !config.local_check {
        let inner = d.label_note.code.clone();
        d.set_label(Note::new("server-only").with("label", inner));
        d.add_reason(Note::new("local-check-off"));
    }
    for e in server.and_then(|s| s.errors.as_ref()).into_iter().flatten() {
        d.add_reason(Note::new("server-error").with("text", e.clone()));
    }
    // Issue 12 §4: what the server saw that a browser mostly cannot.
    if config.server_online_revocation && matches!(column, ServerColumn::Verified | ServerColumn::Failed) {
        d.add_reason(Note::new("server-online-revocation"));
    }
    let server_age_secs = server.and_then(|s| s.verified_at).map(|t| now.saturating_sub(t));
    if let (Some(age), true) =
        (server_age_secs, matches!(column, ServerColumn::Verified | ServerColumn::Failed | ServerColumn::Unrecognized))
    {
        // R9: a server may serve a verdict up to 24 hours old.
        let code = if age > MAX_SERVER_AGE_SECS { "server-age-stale" } else { "server-age" };
        d.add_reason(Note::new(code).with("secs", age.to_string()));
    }
    d.client = client.map(|v| summarise_client(v, row));
    d.server = server.map(|s| summarise_server(s, column, config));
    d.server_age_secs = server_age_secs;
    d
}

/// "pending/unsigned as server says": the client did not run and the server
/// gives no verdict.
fn as_server_says(d: &mut DisplayVerdict, server: Option<&ServerReport>) {
    match server.map(|s| s.status.as_ref()) {
        Some(None) => {
            d.level = Level::Unsigned;
            d.set_label(Note::new("not-signed"));
            d.set_reasons(vec![Note::new("server-found-none")]);
        }
        Some(Some(ServerToken::Signed)) => {
            d.set_label(Note::new("signed-not-verified"));
            d.add_reason(Note::new("server-signed-not-verified"));
        }
        Some(Some(t)) => d.add_reason(Note::new("server-could-not-tell").with("token", t.as_str())),
        None => {}
    }
}

/// What the client verdict adds: partial signatures, expiry since delivery,
/// the root to import, the signer of an address mismatch, its problems.
fn client_notes(d: &mut DisplayVerdict, v: &Verdict, row: ClientRow, column: ServerColumn) {
    let cert = v.signers.iter().find_map(|s| s.signature.certificate.as_ref());
    if row == ClientRow::NoSignature && v.structure == crate::report::Structure::Partial && d.level == Level::Unsigned {
        // DESIGN: a signed sub-part is reported as such, never as verified.
        d.set_label(Note::new("partial"));
        d.set_reasons(vec![Note::new("partial")]);
    }
    // Issue 12 §2: a signer certificate not seen before from this address;
    // the same authority and key (a renewal) is said plainly in the reasons,
    // another authority or key also in the level and label.
    if let (ClientRow::Verified, Some(ch)) = (row, &v.signer_change) {
        if ch.kind != "renewed" && d.level == Level::Verified {
            d.level = Level::Warning;
            d.set_label(Note::new("signer-changed"));
        }
    }
    // Issue 12 §6: a configured address mapping is never silent.
    if row == ClientRow::Verified && !v.address_mapped.is_empty() && d.label_note.code == "verified" {
        d.set_label(Note::new("verified-mapped"));
    }
    if row == ClientRow::Broken && expired_since_delivery(v) {
        d.set_label(Note::new("expired-since-delivery"));
        d.add_reason(Note::new("valid-at-delivery"));
    }
    if row == ClientRow::Untrusted {
        d.set_hint(Some(match cert {
            Some(c) => Note::new("import-root-of").with("issuer", c.issuer.clone()),
            None => Note::new("import-root"),
        }));
        if column == ServerColumn::Verified {
            d.add_reason(Note::new("not-trusted-here"));
        }
    }
    if row == ClientRow::AddressMismatch {
        if let Some(c) = cert {
            d.add_reason(Note::new("signer").with("subject", c.subject.clone()).with("emails", c.emails.join(", ")));
        }
        if v.sender_matches == Some(true) {
            d.add_reason(Note::new("sender-named"));
        }
    }
    for p in v.errors.iter().filter(|p| !p.warning || row == ClientRow::Verified) {
        d.add_reason(problem_note("problem", p));
    }
    headers::protected_notes(d, v);
}

/// R37: compare the "at delivery" verdicts when both sides have one.
fn at_delivery_notes(d: &mut DisplayVerdict, client: Option<&Verdict>, server: Option<&ServerReport>, config: &ReconcileConfig) {
    if let (Some(Some(mine)), Some(s)) = (client.and_then(|v| v.status_at_delivery.as_ref()), server) {
        let theirs = s.status_at_delivery.as_ref().map(|t| t.effective(config.unknown_tokens));
        if theirs != Some(mine.as_str()) && s.status.is_some() {
            let shown = s.status_at_delivery.as_ref().map_or("null", |t| t.as_str());
            d.add_reason(Note::new("at-delivery-differs").with("mine", mine.clone()).with("theirs", shown));
        }
    }
}

/// R12: a change of the server's `smimeStatusAtDelivery` is a reconciliation
/// event. Returns an explanation when `old` and `new` differ (`None` = null),
/// `None` when they are the same token.
pub fn at_delivery_changed(old: Option<&ServerToken>, new: Option<&ServerToken>) -> Option<String> {
    if old == new {
        return None;
    }
    let show = |t: Option<&ServerToken>| t.map_or_else(|| "null".to_owned(), |t| format!("\"{}\"", t.as_str()));
    let legit = matches!(
        (old.map(|t| t.effective(UnknownTokens::Failed)), new.map(|t| t.effective(UnknownTokens::Failed))),
        (Some(SIGNED_FAILED), Some(SIGNED_VERIFIED))
    );
    let tail = if legit {
        "This is legitimate only if the server added a trust anchor; the message must be reconciled again."
    } else {
        "Only the addition of a trust anchor may legitimately change it, and that can only turn a failure into a \
         verification: treat this change as suspicious and reconcile the message again."
    };
    Some(format!("The server's status at delivery changed from {} to {}. {tail}", show(old), show(new)))
}
