//! The server's Email object against the headers the verifier read from the
//! checked message (issue 9 §3): one row of tests/data/header-comparison.tsv
//! per comparison, with the expected outcome of each field and the problem
//! code; then what a difference does to a verified display.

use jmap_smime::jmap::email::EmailAddress;
use jmap_smime::reconcile::headers::{check, FieldOutcome, HeaderField, ServerHeaders, ALERT_HEADER_MISMATCH, LABEL_HEADER_MISMATCH};
use jmap_smime::reconcile::{reconcile, reconcile_email, Level, ReconcileConfig};
use jmap_smime::report::{AddressHeader, DateHeader, HeaderCoverage, MessageAddress, SignedHeaders, TextHeader};

struct Case {
    name: String,
    cols: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/header-comparison.tsv")).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).skip(1).collect();
    rows.iter()
        .map(|l| {
            let cols: Vec<String> = l.split('\t').map(str::to_owned).collect();
            assert_eq!(cols.len(), 14, "{l}");
            Case { name: cols[0].clone(), cols }
        })
        .collect()
}

/// "Name <addr> ; <addr>" → (name, addr) pairs; "[]" → empty; "-" → None.
fn pairs(s: &str) -> Option<Vec<(Option<String>, String)>> {
    match s {
        "-" => None,
        "[]" => Some(Vec::new()),
        _ => Some(
            s.split(" ; ")
                .map(|m| {
                    let (name, addr) = m.rsplit_once('<').unwrap();
                    let name = (!name.trim().is_empty()).then(|| name.to_owned());
                    (name, addr.trim_end_matches('>').to_owned())
                })
                .collect(),
        ),
    }
}

fn message_address(s: &str, coverage: HeaderCoverage) -> Option<AddressHeader> {
    if s == "!" {
        return Some(AddressHeader {
            raw: "Alice <alice@example.org>: bob@example.org;".to_owned(),
            mailboxes: None,
            coverage,
            inner: None,
        });
    }
    pairs(s).map(|list| AddressHeader {
        raw: s.to_owned(),
        mailboxes: Some(list.into_iter().map(|(name, email)| MessageAddress { name: name.map(|n| n.trim().to_owned()), email }).collect()),
        coverage,
        inner: None,
    })
}

fn message(c: &Case) -> SignedHeaders {
    let text = |s: &str| (s != "-").then(|| s.to_owned());
    SignedHeaders {
        from: message_address(&c.cols[1], HeaderCoverage::AddressChecked),
        sender: message_address(&c.cols[2], HeaderCoverage::NotCovered),
        subject: text(&c.cols[3]).map(|v| TextHeader { raw: v.clone(), value: v, coverage: HeaderCoverage::NotCovered, inner: None }),
        date: text(&c.cols[4]).map(|t| DateHeader { raw: t.clone(), time: Some(t), coverage: HeaderCoverage::NotCovered, inner: None }),
    }
}

fn server_list(s: &str) -> Option<Vec<EmailAddress>> {
    pairs(s).map(|list| list.into_iter().map(|(name, email)| EmailAddress { name, email }).collect())
}

fn outcome(s: &str) -> FieldOutcome {
    match s {
        "agrees" => FieldOutcome::Agrees,
        "differs" => FieldOutcome::Differs,
        "not-comparable" => FieldOutcome::NotComparable,
        other => panic!("unknown outcome {other}"),
    }
}

#[test]
fn every_row_of_the_comparison_table() {
    let cases = cases();
    assert!(cases.len() >= 30);
    let mut wrong = Vec::new();
    for c in &cases {
        let (from, sender) = (server_list(&c.cols[5]), server_list(&c.cols[6]));
        fn opt(s: &str) -> Option<&str> {
            (s != "-").then_some(s)
        }
        let server = ServerHeaders { from: from.as_deref(), sender: sender.as_deref(), subject: opt(&c.cols[7]), sent_at: opt(&c.cols[8]) };
        let got = check(&server, &message(c));
        let fields = [HeaderField::From, HeaderField::Sender, HeaderField::Subject, HeaderField::Date];
        for (i, f) in fields.iter().enumerate() {
            let found = got.fields.iter().find(|x| x.field == *f).map(|x| x.outcome);
            if found != Some(outcome(&c.cols[9 + i])) {
                wrong.push(format!("{}: {f:?} {found:?}, want {}", c.name, c.cols[9 + i]));
            }
        }
        let code = got.problem.as_ref().map_or("-", |p| p.code.as_str());
        if code != c.cols[13] {
            wrong.push(format!("{}: code {code}, want {}", c.cols[0], c.cols[13]));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

fn verified() -> jmap_smime::Verdict {
    let mut v = jmap_smime::Verdict::unsigned();
    v.status = Some("signed/verified".to_owned());
    v.structure = jmap_smime::report::Structure::Signed;
    v.from_matches = true;
    v.signers = Vec::new();
    v.headers = Some(message(&cases()[0]));
    v
}

#[test]
fn a_from_difference_fails_a_verified_display_and_subject_only_adds_a_reason() {
    let config = ReconcileConfig::default();
    let v = verified();
    let alice = [EmailAddress { name: Some("Alice Example".into()), email: "alice@example.org".into() }];
    let honest =
        ServerHeaders { from: Some(&alice), sender: None, subject: Some("Quarterly report"), sent_at: Some("2024-06-01T12:00:00Z") };
    // Signers are empty here, so the row is broken; the point is the override.
    let base = reconcile(Some(&v), None, 0, &config);
    let same = reconcile_email(Some(&v), None, &honest, 0, &config);
    assert_eq!((same.level, &same.label, &same.alert), (base.level, &base.label, &base.alert));
    let ceo = [EmailAddress { name: Some("Bank CEO".into()), email: "alice@example.org".into() }];
    let forged = reconcile_email(Some(&v), None, &ServerHeaders { from: Some(&ceo), ..honest }, 0, &config);
    assert_eq!(forged.level, Level::Failed);
    assert_eq!(forged.label, LABEL_HEADER_MISMATCH);
    assert_eq!(forged.alert.as_deref(), Some(ALERT_HEADER_MISMATCH));
    assert_eq!(
        forged.reasons[0],
        "The server shows From: \u{201c}Bank CEO <alice@example.org>\u{201d}, but the message checked here has From: \u{201c}Alice Example <alice@example.org>\u{201d}."
    );
    let subject = reconcile_email(Some(&v), None, &ServerHeaders { subject: Some("Wire transfer"), ..honest }, 0, &config);
    assert_eq!((subject.level, &subject.label, &subject.alert), (base.level, &base.label, &base.alert));
    assert!(
        subject.reasons.iter().any(|r| r
            == "The server shows Subject \u{201c}Wire transfer\u{201d}, but the message says \u{201c}Quarterly report\u{201d}; the subject is not covered by the signature."),
        "{:?}",
        subject.reasons
    );
    let j = serde_json::to_value(&forged).unwrap();
    assert_eq!(j["headerCheck"]["problem"]["code"], "server-header-mismatch");
    assert_eq!(j["headerCheck"]["fields"][0]["field"], "from");
    assert_eq!(j["headerCheck"]["fields"][0]["outcome"], "differs");
    assert_eq!(j["headerCheck"]["fields"][0]["coverage"], "address-checked");
    assert_eq!(j["headerCheck"]["fields"][2]["coverage"], "not-covered");
    // Local check off: no client verdict, no comparison.
    let off = ReconcileConfig { local_check: false, ..config };
    assert!(reconcile_email(Some(&v), None, &ServerHeaders { from: Some(&ceo), ..honest }, 0, &off).header_check.is_none());
}
