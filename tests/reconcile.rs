//! The DESIGN.md reconciliation matrix, cell by cell (6 client rows × 4
//! server columns, the first column both as "capability absent" and as
//! `signed`), then the extra cases: unknown tokens configured as `unknown`
//! (R5), `signed` never verified (R7), `encrypted+signed/*` (R6), valid at
//! delivery but expired now, local check off (R39), the missing-root hint,
//! the R38 alert, the server's age (R9) and `smimeStatusAtDelivery` changes
//! (R12). Client verdicts are built directly as plain structs.

use jmap_smime::jmap::email::EmailAddress;
use jmap_smime::reconcile::headers::{ServerHeaders, ALERT_HEADER_MISMATCH, LABEL_HEADER_MISMATCH};
use jmap_smime::reconcile::reconcile_email;
use jmap_smime::reconcile::{
    at_delivery_changed, classify_client, reconcile, server_column, ClientRow, Level, ReconcileConfig, ServerColumn, ServerReport,
    ServerToken, UnknownTokens, ALERT_SERVER_VOUCHED_BAD, ALERT_SIGNATURE_MISSING, LABEL_EXPIRED_SINCE_DELIVERY, SERVER_ONLY_SUFFIX,
};
use jmap_smime::report::{
    AddressHeader, CertificateInfo, DateHeader, HeaderCoverage, MessageAddress, Problem, SignedHeaders, SignerId, SignerReport, Structure,
    TextHeader,
};
use jmap_smime::verifier::{SignerVerdict, Verdict};

const NOW: i64 = 1_790_000_000;
const ISSUER: &str = "CN=Example Mail CA,O=Example";

fn problem(code: &str, warning: bool) -> Problem {
    Problem { code: code.to_owned(), message: format!("message for {code}"), detail: format!("detail for {code}"), warning }
}

fn signer(valid: bool, path_error: Option<&str>) -> SignerVerdict {
    SignerVerdict {
        signature: SignerReport {
            index: 0,
            sid: SignerId::IssuerAndSerial { issuer: ISSUER.to_owned(), serial: "01".to_owned() },
            digest_algorithm: "sha-256".to_owned(),
            signature_algorithm: "ecdsa-p256-sha256".to_owned(),
            signed_attributes: true,
            claimed_signing_time: None,
            certificate: Some(CertificateInfo {
                subject: "CN=Alice,emailAddress=alice@example.org".to_owned(),
                issuer: ISSUER.to_owned(),
                serial: "01".to_owned(),
                emails: vec!["alice@example.org".to_owned()],
                fingerprint_sha256: "00".repeat(32),
                not_before: "2025-01-01T00:00:00Z".to_owned(),
                not_after: "2027-01-01T00:00:00Z".to_owned(),
                public_key: "ec-p256".to_owned(),
            }),
            valid,
            error: (!valid).then(|| problem("bad-signature", false)),
        },
        chain: Vec::new(),
        anchor: None,
        revocation: "not-checked".to_owned(),
        path_error: path_error.map(|c| problem(c, false)),
        from_matches: true,
        sender_matches: None,
    }
}

/// The headers the verifier read from a signed message: From Alice, no Sender.
fn signed_headers() -> SignedHeaders {
    SignedHeaders {
        from: Some(AddressHeader {
            raw: "Alice Example <alice@example.org>".to_owned(),
            mailboxes: Some(vec![MessageAddress { name: Some("Alice Example".to_owned()), email: "alice@example.org".to_owned() }]),
            coverage: HeaderCoverage::AddressChecked,
            inner: None,
        }),
        sender: None,
        date: Some(DateHeader {
            raw: "Sat, 01 Jun 2024 12:00:00 +0000".to_owned(),
            time: Some("2024-06-01T12:00:00Z".to_owned()),
            coverage: HeaderCoverage::NotCovered,
            inner: None,
        }),
        subject: Some(TextHeader {
            raw: "Quarterly report".to_owned(),
            value: "Quarterly report".to_owned(),
            coverage: HeaderCoverage::NotCovered,
            inner: None,
        }),
    }
}

fn verdict(status: Option<&str>, errors: Vec<Problem>, signers: Vec<SignerVerdict>, structure: Structure) -> Verdict {
    Verdict {
        status: status.map(str::to_owned),
        status_at_delivery: None,
        errors,
        structure,
        coverage: None,
        signers,
        from_matches: true,
        sender_matches: None,
        content: None,
        // The verifier reads the headers of messages with a root signature.
        headers: (structure == Structure::Signed).then(signed_headers),
        body: None,
        address_mapped: Vec::new(),
        signer_change: None,
        protected_headers: None,
    }
}

fn failed_with(codes: &[&str]) -> Verdict {
    let errors = codes.iter().map(|c| problem(c, false)).collect();
    verdict(Some("signed/failed"), errors, vec![signer(true, codes.first().copied())], Structure::Signed)
}

/// One client verdict per DESIGN row (`None` = not run).
fn client(row: ClientRow) -> Option<Verdict> {
    match row {
        ClientRow::NotRun => None,
        ClientRow::Broken => {
            Some(verdict(Some("signed/failed"), vec![problem("bad-signature", false)], vec![signer(false, None)], Structure::Signed))
        }
        ClientRow::Untrusted => Some(failed_with(&["untrusted-root"])),
        ClientRow::AddressMismatch => {
            let mut v = failed_with(&["address-mismatch"]);
            v.from_matches = false;
            Some(v)
        }
        ClientRow::Verified => Some(verdict(Some("signed/verified"), Vec::new(), vec![signer(true, None)], Structure::Signed)),
        ClientRow::NoSignature => Some(verdict(None, Vec::new(), Vec::new(), Structure::Unsigned)),
    }
}

fn server(token: Option<&str>) -> ServerReport {
    ServerReport::from_jmap(token, token, Some(vec!["certificate revoked (server text)".to_owned()]), Some(NOW - 3600))
}

/// Server inputs: None = the capability is absent.
#[derive(Clone, Copy, Debug)]
enum S {
    Absent,
    Signed,
    Verified,
    Failed,
    Unrecognized,
}

fn server_for(s: S) -> Option<ServerReport> {
    match s {
        S::Absent => None,
        S::Signed => Some(server(Some("signed"))),
        S::Verified => Some(server(Some("signed/verified"))),
        S::Failed => Some(server(Some("signed/failed"))),
        S::Unrecognized => Some(server(Some("signed/maybe"))),
    }
}

struct Row {
    client: ClientRow,
    server: S,
    level: Level,
    label: &'static str,
    alert: Option<&'static str>,
}

const fn row(client: ClientRow, server: S, level: Level, label: &'static str, alert: Option<&'static str>) -> Row {
    Row { client, server, level, label, alert }
}

use ClientRow as C;
use Level as L;

/// The DESIGN matrix. Column 1 ("absent / `signed`") appears twice per row.
const MATRIX: &[Row] = &[
    // not run (encrypted, too big, download failed)
    row(C::NotRun, S::Absent, L::Pending, "Not verified", None),
    row(C::NotRun, S::Signed, L::Pending, "Signed, not verified", None),
    row(C::NotRun, S::Verified, L::VerifiedByServer, "Verified by server", None),
    row(C::NotRun, S::Failed, L::Failed, "Signature failed (server)", None),
    row(C::NotRun, S::Unrecognized, L::Failed, "Signature failed (server)", None),
    // signature or structure broken
    row(C::Broken, S::Absent, L::Failed, "Signature invalid", None),
    row(C::Broken, S::Signed, L::Failed, "Signature invalid", None),
    row(C::Broken, S::Verified, L::Failed, "Signature invalid", Some(ALERT_SERVER_VOUCHED_BAD)),
    row(C::Broken, S::Failed, L::Failed, "Signature invalid", None),
    row(C::Broken, S::Unrecognized, L::Failed, "Signature invalid", None),
    // signature good, chain untrusted here
    row(C::Untrusted, S::Absent, L::Warning, "Untrusted signer", None),
    row(C::Untrusted, S::Signed, L::Warning, "Untrusted signer", None),
    row(C::Untrusted, S::Verified, L::VerifiedByServer, "Verified by server", None),
    row(C::Untrusted, S::Failed, L::Failed, "Signature failed", None),
    row(C::Untrusted, S::Unrecognized, L::Failed, "Signature failed", None),
    // signature good, trusted, address mismatch
    row(C::AddressMismatch, S::Absent, L::Warning, "Signer differs from sender", None),
    row(C::AddressMismatch, S::Signed, L::Warning, "Signer differs from sender", None),
    row(C::AddressMismatch, S::Verified, L::Warning, "Signer differs from sender", None),
    row(C::AddressMismatch, S::Failed, L::Failed, "Signature failed", None),
    row(C::AddressMismatch, S::Unrecognized, L::Failed, "Signature failed", None),
    // fully verified
    row(C::Verified, S::Absent, L::Verified, "Verified", None),
    row(C::Verified, S::Signed, L::Verified, "Verified", None),
    row(C::Verified, S::Verified, L::Verified, "Verified", None),
    row(C::Verified, S::Failed, L::Warning, "Server reports failure", None),
    row(C::Verified, S::Unrecognized, L::Warning, "Server status unrecognised", None),
    // no signature found
    row(C::NoSignature, S::Absent, L::Unsigned, "Not signed", None),
    row(C::NoSignature, S::Signed, L::Unsigned, "Not signed", None),
    row(C::NoSignature, S::Verified, L::Failed, "Signature missing", Some(ALERT_SIGNATURE_MISSING)),
    row(C::NoSignature, S::Failed, L::Failed, "Signature missing", Some(ALERT_SIGNATURE_MISSING)),
    row(C::NoSignature, S::Unrecognized, L::Unsigned, "Not signed", None),
];

#[test]
fn matrix_every_cell() {
    assert_eq!(MATRIX.len(), 30);
    let config = ReconcileConfig::default();
    for r in MATRIX {
        let c = client(r.client);
        assert_eq!(classify_client(c.as_ref()), r.client);
        let s = server_for(r.server);
        let d = reconcile(c.as_ref(), s.as_ref(), NOW, &config);
        let ctx = format!("{:?} × {:?}: {d:?}", r.client, r.server);
        assert_eq!(d.level, r.level, "{ctx}");
        assert_eq!(d.label, r.label, "{ctx}");
        assert_eq!(d.alert.as_deref(), r.alert, "{ctx}");
        assert!(!d.reasons.is_empty(), "{ctx}");
        assert_eq!(d.client.is_some(), r.client != C::NotRun, "{ctx}");
        assert_eq!(d.server.is_some(), !matches!(r.server, S::Absent), "{ctx}");
        // R8: the server's errors appear verbatim whenever the server answered.
        let shows_server_errors = d.reasons.iter().any(|x| x == "Server: certificate revoked (server text)");
        assert_eq!(shows_server_errors, s.is_some(), "{ctx}");
        // The missing-root hint belongs to the untrusted row.
        assert_eq!(d.hint.is_some(), r.client == C::Untrusted, "{ctx}");
    }
}

/// Issue 9 §3 / DESIGN.md: "Before any cell applies, the client checks that
/// the server's Email object describes the bytes it verified". Every cell
/// again, with the Email object honest and with a forged From (the same
/// address under the name "Bank CEO", and another address): wherever the
/// client read the message's headers (a signature at the root) the display is
/// failed with the alert and `server-header-mismatch`, whatever the cell
/// said; elsewhere (not run, no signature) the cell stands.
#[test]
fn matrix_every_cell_with_a_forged_from() {
    let config = ReconcileConfig::default();
    let alice = [EmailAddress { name: Some("Alice Example".to_owned()), email: "alice@example.org".to_owned() }];
    let forgeries = [
        [EmailAddress { name: Some("Bank CEO".to_owned()), email: "alice@example.org".to_owned() }],
        [EmailAddress { name: Some("Alice Example".to_owned()), email: "ceo@bank.example".to_owned() }],
    ];
    let honest =
        ServerHeaders { from: Some(&alice), sender: None, subject: Some("Quarterly report"), sent_at: Some("2024-06-01T12:00:00Z") };
    for r in MATRIX {
        let c = client(r.client);
        let s = server_for(r.server);
        let plain = reconcile(c.as_ref(), s.as_ref(), NOW, &config);
        let checked = reconcile_email(c.as_ref(), s.as_ref(), &honest, NOW, &config);
        let ctx = format!("{:?} × {:?}", r.client, r.server);
        assert_eq!((checked.level, checked.label.as_str(), checked.alert.as_deref()), (r.level, r.label, r.alert), "honest {ctx}");
        assert_eq!(checked.reasons, plain.reasons, "honest {ctx}");
        let reads_headers = matches!(r.client, C::Broken | C::Untrusted | C::AddressMismatch | C::Verified);
        assert_eq!(checked.header_check.is_some(), reads_headers, "{ctx}");
        assert!(checked.header_check.as_ref().is_none_or(|h| h.problem.is_none()), "{ctx}");
        for forged in &forgeries {
            let email = ServerHeaders { from: Some(forged), ..honest };
            let d = reconcile_email(c.as_ref(), s.as_ref(), &email, NOW, &config);
            let ctx = format!("{ctx} from {forged:?}: {d:?}");
            if !reads_headers {
                assert_eq!((d.level, d.label.as_str(), d.alert.as_deref()), (r.level, r.label, r.alert), "{ctx}");
                continue;
            }
            assert_eq!(d.level, L::Failed, "{ctx}");
            assert_eq!(d.label, LABEL_HEADER_MISMATCH, "{ctx}");
            let alert = d.alert.as_deref().unwrap_or("");
            assert!(alert.starts_with(ALERT_HEADER_MISMATCH), "{ctx}");
            // The cell's own alert (R38) is kept after it.
            assert_eq!(r.alert.is_some_and(|a| alert.ends_with(a)), r.alert.is_some(), "{ctx}");
            let problem = d.header_check.as_ref().and_then(|h| h.problem.as_ref()).map(|p| p.code.as_str());
            assert_eq!(problem, Some("server-header-mismatch"), "{ctx}");
            assert!(d.reasons[0].starts_with("The server shows From: \u{201c}"), "{ctx}");
            assert!(d.hint.is_none(), "{ctx}");
        }
    }
}

#[test]
fn not_run_with_server_null_is_unsigned_as_server_says() {
    let s = ServerReport::from_jmap(None, None, None, None);
    let d = reconcile(None, Some(&s), NOW, &ReconcileConfig::default());
    assert_eq!((d.level, d.label.as_str()), (L::Unsigned, "Not signed"));
    assert_eq!(d.alert, None);
    // Server `unknown` is no verdict either: pending.
    let s = ServerReport::from_jmap(Some("unknown"), None, None, None);
    let d = reconcile(None, Some(&s), NOW, &ReconcileConfig::default());
    assert_eq!(d.level, L::Pending);
}

#[test]
fn client_status_unknown_counts_as_not_run() {
    let v = verdict(Some("unknown"), vec![problem("encrypted", false)], Vec::new(), Structure::Encrypted);
    assert_eq!(classify_client(Some(&v)), C::NotRun);
    let d = reconcile(Some(&v), server_for(S::Verified).as_ref(), NOW, &ReconcileConfig::default());
    assert_eq!(d.level, L::VerifiedByServer);
}

#[test]
fn other_failures_are_broken_and_warnings_do_not_move_rows() {
    for code in ["cert-expired", "cert-revoked", "key-usage", "cert-not-yet-valid", "name-constraints", "weak-algorithm"] {
        assert_eq!(classify_client(Some(&failed_with(&[code]))), C::Broken, "{code}");
    }
    // untrusted-root together with anything else is broken.
    assert_eq!(classify_client(Some(&failed_with(&["untrusted-root", "cert-expired"]))), C::Broken);
    // untrusted-root with a bad signature is broken.
    let mut v = failed_with(&["untrusted-root"]);
    v.signers = vec![signer(false, Some("untrusted-root"))];
    assert_eq!(classify_client(Some(&v)), C::Broken);
    // A malformed structure.
    let v = verdict(Some("signed/failed"), vec![problem("malformed", false)], Vec::new(), Structure::Malformed);
    assert_eq!(classify_client(Some(&v)), C::Broken);
    // signer-without-address is the mismatch row.
    assert_eq!(classify_client(Some(&failed_with(&["signer-without-address"]))), C::AddressMismatch);
    // Warnings (revocation-unknown) leave rows where they are.
    let mut v = failed_with(&["untrusted-root"]);
    v.errors.push(problem("revocation-unknown", true));
    assert_eq!(classify_client(Some(&v)), C::Untrusted);
    let mut v = client(C::Verified).unwrap();
    v.errors.push(problem("revocation-unknown", true));
    assert_eq!(classify_client(Some(&v)), C::Verified);
    let d = reconcile(Some(&v), None, NOW, &ReconcileConfig::default());
    assert_eq!(d.level, L::Verified);
    assert!(d.reasons.iter().any(|r| r == "Message for revocation-unknown"), "problem messages become sentences: {:?}", d.reasons);
}

#[test]
fn token_parsing_is_strict() {
    let cases = [
        ("signed", ServerToken::Signed),
        ("signed/verified", ServerToken::SignedVerified),
        ("signed/failed", ServerToken::SignedFailed),
        ("encrypted+signed/verified", ServerToken::EncryptedSignedVerified),
        ("encrypted+signed/failed", ServerToken::EncryptedSignedFailed),
        ("unknown", ServerToken::Unknown),
        ("Signed/Verified", ServerToken::Other("Signed/Verified".to_owned())),
        (" signed/verified", ServerToken::Other(" signed/verified".to_owned())),
        ("encrypted/verified", ServerToken::Other("encrypted/verified".to_owned())),
    ];
    for (s, t) in cases {
        assert_eq!(ServerToken::parse(s), t, "{s}");
        assert_eq!(t.as_str(), s);
    }
    let r: ServerReport = serde_json::from_str(
        r#"{"smimeStatus":"encrypted+signed/verified","smimeStatusAtDelivery":null,"smimeErrors":null,"smimeVerifiedAt":1700000000}"#,
    )
    .unwrap();
    assert_eq!(r.status, Some(ServerToken::EncryptedSignedVerified));
    assert_eq!(r.status_at_delivery, None);
    assert_eq!(r.verified_at, Some(1_700_000_000));
}

#[test]
fn unknown_tokens_failed_by_default_configurable_to_unknown() {
    let s = server(Some("signed/probably"));
    let default = ReconcileConfig::default();
    assert_eq!(server_column(Some(&s), &default), ServerColumn::Unrecognized);
    let as_unknown = ReconcileConfig { unknown_tokens: UnknownTokens::Unknown, ..default };
    assert_eq!(server_column(Some(&s), &as_unknown), ServerColumn::AbsentOrSigned);
    // Not run: failed by default, pending when configured as unknown.
    assert_eq!(reconcile(None, Some(&s), NOW, &default).level, L::Failed);
    let d = reconcile(None, Some(&s), NOW, &as_unknown);
    assert_eq!(d.level, L::Pending);
    assert!(d.reasons.iter().any(|r| r.contains("\"signed/probably\" is not recognised; it is treated as unknown")), "{d:?}");
    assert_eq!(d.server.as_ref().unwrap().effective_status.as_deref(), Some("unknown"));
    assert_eq!(d.server.as_ref().unwrap().status.as_deref(), Some("signed/probably"));
    // Verified here: warning by default, plain verified when configured as unknown.
    let v = client(C::Verified).unwrap();
    assert_eq!(reconcile(Some(&v), Some(&s), NOW, &default).level, L::Warning);
    assert_eq!(reconcile(Some(&v), Some(&s), NOW, &as_unknown).level, L::Verified);
    // Untrusted here: failed by default, warning when configured as unknown.
    let u = client(C::Untrusted).unwrap();
    assert_eq!(reconcile(Some(&u), Some(&s), NOW, &default).level, L::Failed);
    assert_eq!(reconcile(Some(&u), Some(&s), NOW, &as_unknown).level, L::Warning);
}

#[test]
fn signed_is_never_verified() {
    let s = server(Some("signed"));
    for config in [ReconcileConfig::default(), ReconcileConfig { local_check: false, ..ReconcileConfig::default() }] {
        assert_eq!(server_column(Some(&s), &config), ServerColumn::AbsentOrSigned);
        for r in [C::NotRun, C::Untrusted, C::Broken, C::NoSignature, C::AddressMismatch] {
            let d = reconcile(client(r).as_ref(), Some(&s), NOW, &config);
            assert!(!matches!(d.level, L::Verified | L::VerifiedByServer), "{r:?}: {d:?}");
        }
    }
}

#[test]
fn encrypted_signed_tokens_count_as_signed() {
    let config = ReconcileConfig::default();
    let ev = server(Some("encrypted+signed/verified"));
    let ef = server(Some("encrypted+signed/failed"));
    assert_eq!(server_column(Some(&ev), &config), ServerColumn::Verified);
    assert_eq!(server_column(Some(&ef), &config), ServerColumn::Failed);
    let d = reconcile(None, Some(&ev), NOW, &config);
    assert_eq!((d.level, d.label.as_str()), (L::VerifiedByServer, "Verified by server"));
    assert_eq!(d.server.as_ref().unwrap().effective_status.as_deref(), Some("signed/verified"));
    assert_eq!(reconcile(None, Some(&ef), NOW, &config).level, L::Failed);
    let broken = client(C::Broken).unwrap();
    assert_eq!(reconcile(Some(&broken), Some(&ev), NOW, &config).alert.as_deref(), Some(ALERT_SERVER_VOUCHED_BAD));
}

fn expired_since_delivery() -> Verdict {
    let mut v = failed_with(&["cert-expired"]);
    v.status_at_delivery = Some(Some("signed/verified".to_owned()));
    v.errors.push(problem("revocation-unknown", true));
    v
}

#[test]
fn valid_at_delivery_expired_now_has_its_own_label() {
    let config = ReconcileConfig::default();
    let v = expired_since_delivery();
    assert_eq!(classify_client(Some(&v)), C::Broken);
    for s in [S::Absent, S::Signed, S::Failed, S::Unrecognized, S::Verified] {
        let d = reconcile(Some(&v), server_for(s).as_ref(), NOW, &config);
        assert_eq!(d.label, LABEL_EXPIRED_SINCE_DELIVERY, "{s:?}");
        assert_eq!(d.level, L::Failed, "{s:?}");
        assert!(d.reasons.iter().any(|r| r.contains("valid when the message was delivered")), "{d:?}");
    }
    // Expired both now and at delivery: the ordinary broken label.
    let mut w = v.clone();
    w.status_at_delivery = Some(Some("signed/failed".to_owned()));
    assert_eq!(reconcile(Some(&w), None, NOW, &config).label, "Signature invalid");
    // No delivery time given: the ordinary label.
    w.status_at_delivery = None;
    assert_eq!(reconcile(Some(&w), None, NOW, &config).label, "Signature invalid");
    // Expired plus another failure: the ordinary label.
    let mut x = failed_with(&["cert-expired", "key-usage"]);
    x.status_at_delivery = Some(Some("signed/verified".to_owned()));
    assert_eq!(reconcile(Some(&x), None, NOW, &config).label, "Signature invalid");
}

#[test]
fn local_check_off_shows_the_server_alone() {
    let config = ReconcileConfig { local_check: false, ..ReconcileConfig::default() };
    let cases: &[(S, Level, &str)] = &[
        (S::Absent, L::Pending, "Not verified"),
        (S::Signed, L::Pending, "Signed, not verified"),
        (S::Verified, L::VerifiedByServer, "Verified by server"),
        (S::Failed, L::Failed, "Signature failed (server)"),
        (S::Unrecognized, L::Failed, "Signature failed (server)"),
    ];
    for &(s, level, label) in cases {
        // Whatever the client found is ignored, even a broken signature.
        for r in [C::NotRun, C::Broken, C::Verified, C::NoSignature] {
            let d = reconcile(client(r).as_ref(), server_for(s).as_ref(), NOW, &config);
            assert_eq!(d.level, level, "{s:?} {r:?}");
            assert_eq!(d.label, format!("{label}{SERVER_ONLY_SUFFIX}"), "{s:?} {r:?}");
            assert!(d.client.is_none());
            assert!(d.alert.is_none());
            assert!(d.reasons.iter().any(|x| x.contains("Local verification is switched off")));
        }
    }
    let null = ServerReport::from_jmap(None, None, None, None);
    let d = reconcile(client(C::Verified).as_ref(), Some(&null), NOW, &config);
    assert_eq!((d.level, d.label.as_str()), (L::Unsigned, "Not signed (server only, local check off)"));
}

#[test]
fn verified_by_server_hints_the_missing_root() {
    let v = client(C::Untrusted).unwrap();
    let d = reconcile(Some(&v), server_for(S::Verified).as_ref(), NOW, &ReconcileConfig::default());
    assert_eq!(d.level, L::VerifiedByServer);
    assert!(d.reasons.iter().any(|r| r == "Not trusted by this browser."), "{d:?}");
    let hint = d.hint.expect("hint");
    assert!(hint.contains(ISSUER), "{hint}");
    assert!(hint.contains("Import"), "{hint}");
    assert_eq!(d.client.as_ref().unwrap().issuer.as_deref(), Some(ISSUER));
}

#[test]
fn r38_alert_exactly_when_server_verified_and_client_broken() {
    let clients: Vec<(bool, Option<Verdict>)> = vec![
        (false, None),
        (true, client(C::Broken)),
        (true, Some(failed_with(&["cert-revoked"]))),
        (true, Some(expired_since_delivery())),
        (true, Some(verdict(Some("signed/failed"), vec![problem("malformed", false)], Vec::new(), Structure::Malformed))),
        (false, client(C::Untrusted)),
        (false, client(C::AddressMismatch)),
        (false, client(C::Verified)),
        (false, client(C::NoSignature)),
    ];
    let servers = ["signed", "signed/verified", "signed/failed", "encrypted+signed/verified", "encrypted+signed/failed", "unknown", "x"];
    for config in [ReconcileConfig::default(), ReconcileConfig { unknown_tokens: UnknownTokens::Unknown, ..ReconcileConfig::default() }] {
        for (broken, c) in &clients {
            for token in servers.iter().map(|t| Some(*t)).chain([None]) {
                let s = server(token);
                for s in [None, Some(&s)] {
                    let d = reconcile(c.as_ref(), s, NOW, &config);
                    let server_verified = s.is_some() && matches!(token, Some("signed/verified" | "encrypted+signed/verified"));
                    let expected = *broken && server_verified;
                    assert_eq!(d.alert.as_deref() == Some(ALERT_SERVER_VOUCHED_BAD), expected, "{token:?} {c:?}");
                }
            }
        }
    }
}

#[test]
fn server_age_from_verified_at() {
    let config = ReconcileConfig::default();
    let mut s = server(Some("signed/verified"));
    let d = reconcile(None, Some(&s), NOW, &config);
    assert_eq!(d.server_age_secs, Some(3600));
    assert!(d.reasons.iter().any(|r| r.contains("60 minutes ago") && r.contains("up to 24 hours")), "{d:?}");
    s.verified_at = Some(NOW - 30 * 3600);
    let d = reconcile(None, Some(&s), NOW, &config);
    assert_eq!(d.server_age_secs, Some(30 * 3600));
    assert!(d.reasons.iter().any(|r| r.contains("30 hours ago, longer than the 24 hours")), "{d:?}");
    s.verified_at = None;
    assert_eq!(reconcile(None, Some(&s), NOW, &config).server_age_secs, None);
    assert_eq!(reconcile(None, None, NOW, &config).server_age_secs, None);
    // A clock behind the server: age is negative, shown as 0 seconds.
    s.verified_at = Some(NOW + 10);
    let d = reconcile(None, Some(&s), NOW, &config);
    assert_eq!(d.server_age_secs, Some(-10));
    assert!(d.reasons.iter().any(|r| r.contains("0 seconds ago")), "{d:?}");
}

#[test]
fn at_delivery_verdicts_are_compared() {
    let config = ReconcileConfig::default();
    let v = expired_since_delivery();
    // The server agrees at delivery: no extra reason.
    let agree = ServerReport::from_jmap(Some("signed/failed"), Some("encrypted+signed/verified"), None, None);
    let d = reconcile(Some(&v), Some(&agree), NOW, &config);
    assert!(!d.reasons.iter().any(|r| r.starts_with("At delivery")), "{d:?}");
    // The server disagrees at delivery: said plainly.
    let differ = ServerReport::from_jmap(Some("signed/failed"), Some("signed/failed"), None, None);
    let d = reconcile(Some(&v), Some(&differ), NOW, &config);
    assert!(
        d.reasons.iter().any(|r| r == "At delivery, this browser finds \"signed/verified\" but the server reports \"signed/failed\"."),
        "{d:?}"
    );
}

#[test]
fn at_delivery_change_is_a_reconciliation_event() {
    let f = ServerToken::SignedFailed;
    let v = ServerToken::SignedVerified;
    assert_eq!(at_delivery_changed(Some(&v), Some(&v)), None);
    assert_eq!(at_delivery_changed(None, None), None);
    let up = at_delivery_changed(Some(&f), Some(&v)).unwrap();
    assert!(up.contains("\"signed/failed\" to \"signed/verified\""), "{up}");
    assert!(up.contains("trust anchor"), "{up}");
    let down = at_delivery_changed(Some(&v), Some(&f)).unwrap();
    assert!(down.contains("suspicious") && down.contains("trust anchor"), "{down}");
    let appeared = at_delivery_changed(None, Some(&v)).unwrap();
    assert!(appeared.contains("from null"), "{appeared}");
    assert!(appeared.contains("suspicious"), "{appeared}");
}

#[test]
fn display_verdict_serialises_camel_case() {
    let v = client(C::Untrusted).unwrap();
    let d = reconcile(Some(&v), server_for(S::Verified).as_ref(), NOW, &ReconcileConfig::default());
    let j = serde_json::to_value(&d).unwrap();
    assert_eq!(j["level"], "verified-by-server");
    assert_eq!(j["serverAgeSecs"], 3600);
    assert_eq!(j["client"]["row"], "untrusted");
    assert_eq!(j["client"]["statusAtDelivery"], serde_json::Value::Null);
    assert_eq!(j["server"]["column"], "verified");
    assert_eq!(j["server"]["status"], "signed/verified");
    assert_eq!(j["server"]["verifiedAt"], NOW - 3600);
    assert!(j["hint"].as_str().unwrap().contains(ISSUER));
    assert_eq!(j["alert"], serde_json::Value::Null);
}

/// Issue 12 §4: a server that says it checks revocation online (its
/// session's vendor capability) adds an explanation to a verdict it gives,
/// and never moves a level: the same matrix with and without it.
#[test]
fn server_online_revocation_explains_and_never_raises() {
    let online = ReconcileConfig { server_online_revocation: true, ..ReconcileConfig::default() };
    let plain = ReconcileConfig::default();
    let said = "The server checked revocation online";
    for row in [C::NotRun, C::Broken, C::Untrusted, C::NoSignature, C::Verified] {
        for token in [None, Some("signed"), Some("signed/verified"), Some("signed/failed")] {
            let (c, s) = (client(row), server(token));
            let with = reconcile(c.as_ref(), Some(&s), NOW, &online);
            let without = reconcile(c.as_ref(), Some(&s), NOW, &plain);
            assert_eq!(with.level, without.level, "{row:?} {token:?}");
            assert_eq!(with.label, without.label, "{row:?} {token:?}");
            let gave_verdict = matches!(token, Some("signed/verified" | "signed/failed"));
            assert_eq!(with.reasons.iter().any(|r| r.starts_with(said)), gave_verdict, "{row:?} {token:?}: {:?}", with.reasons);
            assert!(!without.reasons.iter().any(|r| r.starts_with(said)));
        }
    }
    // It reaches JS as a note with its own code.
    let d = reconcile(client(C::Verified).as_ref(), Some(&server(Some("signed/failed"))), NOW, &online);
    assert!(d.notes.iter().any(|n| n.code == "server-online-revocation"), "{:?}", d.notes);
}
