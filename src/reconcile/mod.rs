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
mod token;

pub use headers::reconcile_email;
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
}

impl Default for ReconcileConfig {
    fn default() -> Self {
        ReconcileConfig { unknown_tokens: UnknownTokens::Failed, local_check: true }
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

/// One cell of the DESIGN matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The display level.
    pub level: Level,
    /// The short label.
    pub label: &'static str,
    /// The first reason, in plain language.
    pub note: &'static str,
    /// The security alert, if any.
    pub alert: Option<&'static str>,
}

const fn c(level: Level, label: &'static str, note: &'static str) -> Cell {
    Cell { level, label, note, alert: None }
}

const fn alert(level: Level, label: &'static str, note: &'static str, text: &'static str) -> Cell {
    Cell { level, label, note, alert: Some(text) }
}

/// The DESIGN.md matrix, cell by cell. For [`ClientRow::NotRun`] ×
/// [`ServerColumn::AbsentOrSigned`] this is the pending cell; [`reconcile`]
/// shows "unsigned" instead when the server says null ("as server says").
pub fn cell(row: ClientRow, col: ServerColumn) -> Cell {
    use ClientRow as R;
    use Level as L;
    use ServerColumn as S;
    match (row, col) {
        (R::NotRun, S::AbsentOrSigned) => c(L::Pending, "Not verified", "The signature was not checked in this browser, and the server gives no verdict."),
        (R::NotRun, S::Verified) => c(L::VerifiedByServer, "Verified by server", "The mail server verified the signature; it was not checked in this browser."),
        (R::NotRun, S::Failed) => c(L::Failed, "Signature failed (server)", "The mail server reports that the signature fails."),
        (R::NotRun, S::Unrecognized) => c(L::Failed, "Signature failed (server)", "The mail server's status is not recognised, so it is treated as a failure."),

        (R::Broken, S::AbsentOrSigned) => c(L::Failed, "Signature invalid", "The signature fails when checked in this browser."),
        (R::Broken, S::Verified) => alert(L::Failed, "Signature invalid", "The signature fails when checked in this browser, although the server says it verified.", ALERT_SERVER_VOUCHED_BAD),
        (R::Broken, S::Failed) => c(L::Failed, "Signature invalid", "The signature fails, in this browser and on the server."),
        (R::Broken, S::Unrecognized) => c(L::Failed, "Signature invalid", "The signature fails when checked in this browser; the server's status is not recognised."),

        (R::Untrusted, S::AbsentOrSigned) => c(L::Warning, "Untrusted signer", "The signature is intact, but the signer's certificate does not lead to a root this browser trusts."),
        (R::Untrusted, S::Verified) => c(L::VerifiedByServer, "Verified by server", "The mail server verified the signature; the signer's root is not trusted by this browser."),
        (R::Untrusted, S::Failed) => c(L::Failed, "Signature failed", "The mail server reports that the signature fails, and the signer is not trusted by this browser."),
        (R::Untrusted, S::Unrecognized) => c(L::Failed, "Signature failed", "The signer is not trusted by this browser, and the server's status is not recognised."),

        (R::AddressMismatch, S::AbsentOrSigned) => c(L::Warning, "Signer differs from sender", "The signature is valid, but the signer's certificate does not name the From address."),
        (R::AddressMismatch, S::Verified) => c(L::Warning, "Signer differs from sender", "The server says verified, but in this browser the signer's certificate does not name the From address."),
        (R::AddressMismatch, S::Failed) => c(L::Failed, "Signature failed", "The mail server reports that the signature fails, and the signer's certificate does not name the From address."),
        (R::AddressMismatch, S::Unrecognized) => c(L::Failed, "Signature failed", "The signer's certificate does not name the From address, and the server's status is not recognised."),

        (R::Verified, S::AbsentOrSigned) => c(L::Verified, "Verified", "The signature is valid, the signer is trusted and matches the sender."),
        (R::Verified, S::Verified) => c(L::Verified, "Verified", "The signature is valid in this browser and on the server."),
        (R::Verified, S::Failed) => c(L::Warning, "Server reports failure", "The signature verifies in this browser, but the server reports a failure (for example a revocation, a trust anchor or a Sender difference this browser does not see)."),
        (R::Verified, S::Unrecognized) => c(L::Warning, "Server status unrecognised", "The signature verifies in this browser, but the server's status is not recognised."),

        (R::NoSignature, S::AbsentOrSigned) => c(L::Unsigned, "Not signed", "The message carries no signature."),
        (R::NoSignature, S::Verified) => alert(L::Failed, "Signature missing", "The server claims a verified signature that this message does not carry.", ALERT_SIGNATURE_MISSING),
        (R::NoSignature, S::Failed) => alert(L::Failed, "Signature missing", "The server claims a signature that this message does not carry.", ALERT_SIGNATURE_MISSING),
        (R::NoSignature, S::Unrecognized) => c(L::Unsigned, "Not signed", "The message carries no signature; the server's status is not recognised."),
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

/// "5 minutes", "3 hours", "2 days".
fn human_age(secs: i64) -> String {
    let (n, unit) = if secs < 120 {
        (secs.max(0), "second")
    } else if secs < 7200 {
        (secs / 60, "minute")
    } else if secs < 2 * 86400 {
        (secs / 3600, "hour")
    } else {
        (secs / 86400, "day")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
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
    let cell = cell(row, column);
    let server_null = server.is_some_and(|s| s.status.is_none());
    let server_token = server.and_then(|s| s.status.as_ref());

    let mut level = cell.level;
    let mut label = cell.label.to_owned();
    let mut reasons = vec![cell.note.to_owned()];
    let mut hint = None;

    if row == ClientRow::NotRun && column == ServerColumn::AbsentOrSigned {
        // "pending/unsigned as server says".
        match server_token {
            _ if server_null => {
                level = Level::Unsigned;
                label = "Not signed".to_owned();
                reasons = vec!["The mail server found no signature, and the message was not checked in this browser.".to_owned()];
            }
            Some(ServerToken::Signed) => {
                label = "Signed, not verified".to_owned();
                reasons.push("The server says the message is signed but did not verify it.".to_owned());
            }
            Some(t) => {
                reasons.push(format!("The server's status is \"{}\": it could not tell.", t.as_str()));
            }
            None => {}
        }
    }
    if let Some(ServerToken::Other(t)) = server_token {
        reasons.push(format!(
            "The server's status \"{t}\" is not recognised; it is treated as {}.",
            ServerToken::Other(t.clone()).effective(config.unknown_tokens)
        ));
    }
    if let Some(ServerToken::Signed) = server_token {
        if row != ClientRow::NotRun {
            reasons.push("The server says only \"signed\": it did not verify the signature.".to_owned());
        }
    }

    if let Some(v) = client {
        if row == ClientRow::NoSignature && v.structure == crate::report::Structure::Partial && level == Level::Unsigned {
            // DESIGN: a signed sub-part is reported as such, never as verified.
            label = LABEL_PARTIAL.to_owned();
            reasons = vec![
                "The message as a whole carries no signature; a part inside it is signed, which vouches for that part only.".to_owned()
            ];
        }
        if row == ClientRow::Broken && expired_since_delivery(v) {
            label = LABEL_EXPIRED_SINCE_DELIVERY.to_owned();
            reasons
                .push("The signature was valid when the message was delivered; a certificate of the signer has expired since.".to_owned());
        }
        if row == ClientRow::Untrusted {
            let issuer = v.signers.iter().find_map(|s| s.signature.certificate.as_ref()).map(|c| c.issuer.clone());
            hint = Some(match issuer {
                Some(i) => format!(
                    "This browser does not trust the root certificate at the top of the signer's chain (the signer's certificate was issued by {i}). Import that root if you trust it."
                ),
                None => "This browser does not trust the signer's root. Import that root certificate if you trust it.".to_owned(),
            });
            if column == ServerColumn::Verified {
                reasons.push("Not trusted by this browser.".to_owned());
            }
        }
        if row == ClientRow::AddressMismatch {
            let cert = v.signers.iter().find_map(|s| s.signature.certificate.as_ref());
            if let Some(c) = cert {
                reasons.push(format!("Signer: {} (certificate addresses: {}).", c.subject, c.emails.join(", ")));
            }
            if v.sender_matches == Some(true) {
                reasons.push("The certificate names the Sender address, not From.".to_owned());
            }
        }
        for p in v.errors.iter().filter(|p| !p.warning || row == ClientRow::Verified) {
            reasons.push(sentence(&p.message));
        }
    }

    // R37: compare the "at delivery" verdicts when both sides have one.
    if let (Some(Some(mine)), Some(s)) = (client.and_then(|v| v.status_at_delivery.as_ref()), server) {
        let theirs = s.status_at_delivery.as_ref().map(|t| t.effective(config.unknown_tokens));
        if theirs != Some(mine.as_str()) && s.status.is_some() {
            reasons.push(format!(
                "At delivery, this browser finds \"{mine}\" but the server reports \"{}\".",
                s.status_at_delivery.as_ref().map_or("null", |t| t.as_str())
            ));
        }
    }

    if !config.local_check {
        label.push_str(SERVER_ONLY_SUFFIX);
        reasons.push("Local verification is switched off; this is the server's verdict alone.".to_owned());
    }

    if let Some(errs) = server.and_then(|s| s.errors.as_ref()) {
        reasons.extend(errs.iter().map(|e| format!("Server: {e}")));
    }
    let server_age_secs = server.and_then(|s| s.verified_at).map(|t| now.saturating_sub(t));
    if let (Some(age), true) =
        (server_age_secs, matches!(column, ServerColumn::Verified | ServerColumn::Failed | ServerColumn::Unrecognized))
    {
        // R9: a server may serve a verdict up to 24 hours old.
        reasons.push(if age > MAX_SERVER_AGE_SECS {
            format!(
                "The server checked this {} ago, longer than the 24 hours RFC 9219 allows a server to reuse a verdict; it may be out of date.",
                human_age(age)
            )
        } else {
            format!("The server checked this {} ago (a server may reuse a verdict for up to 24 hours).", human_age(age))
        });
    }

    DisplayVerdict {
        level,
        label,
        reasons,
        alert: cell.alert.map(str::to_owned),
        client: client.map(|v| summarise_client(v, row)),
        server: server.map(|s| summarise_server(s, column, config)),
        server_age_secs,
        hint,
        header_check: None,
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
