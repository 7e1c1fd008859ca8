//! What a JMAP server sends the client: a Session, an API response, and the
//! Email objects in it (summaries, RFC 9219 properties, bodyStructure walk),
//! then the reconciliation of each server report with no client verdict, and
//! with a verified verdict whose headers each Email object is compared with
//! (issue 9 §3: the comparison reads the server's from/sender/subject/sentAt).
#![no_main]
use jmap_smime::jmap::email::EmailSummary;
use jmap_smime::jmap::response::parse_api_response;
use jmap_smime::jmap::session::Session;
use jmap_smime::jmap::transport::HttpResponse;
use jmap_smime::reconcile::{reconcile, reconcile_email, Level, ReconcileConfig};
use jmap_smime::report::{AddressHeader, DateHeader, HeaderCoverage, MessageAddress, SignedHeaders, Structure, TextHeader};
use jmap_smime::Verdict;
use libfuzzer_sys::fuzz_target;

/// A verified verdict for "Alice Example <alice@example.com>".
fn verified() -> Verdict {
    let mut v = Verdict::unsigned();
    v.status = Some("signed/verified".to_owned());
    v.structure = Structure::Signed;
    v.headers = Some(SignedHeaders {
        from: Some(AddressHeader {
            raw: "Alice Example <alice@example.com>".to_owned(),
            mailboxes: Some(vec![MessageAddress { name: Some("Alice Example".to_owned()), email: "alice@example.com".to_owned() }]),
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
        subject: Some(TextHeader { raw: "Hello".to_owned(), value: "Hello".to_owned(), coverage: HeaderCoverage::NotCovered, inner: None }),
    });
    v
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = Session::parse(data, "https://jmap.example.com/.well-known/jmap") {
        if let Some(a) = s.mail_account() {
            let _ = s.supports_smime(a);
            let _ = s.blob_url(a, "B/1 ?", "message/rfc822", "m.eml");
        }
    }
    let resp = HttpResponse { status: 200, url: String::new(), content_type: "application/json".into(), body: data.to_vec() };
    let Ok(api) = parse_api_response(&resp) else { return };
    for r in &api.responses {
        let Some(list) = r.args.get("list").and_then(|l| l.as_array()) else { continue };
        for e in list {
            if let Ok((summary, report)) = EmailSummary::from_jmap(e, true) {
                let d = reconcile(None, report.as_ref(), 1_800_000_000, &ReconcileConfig::default());
                assert!(!d.label.is_empty());
                let v = verified();
                let d = reconcile_email(Some(&v), report.as_ref(), &summary.server_headers(), 1_800_000_000, &ReconcileConfig::default());
                let check = d.header_check.as_ref().expect("a verdict with headers is always compared");
                // A From/Sender difference always fails the display, with the alert.
                assert_eq!(check.problem.is_some(), d.level == Level::Failed && d.alert.is_some());
                let _ = serde_json::to_string(&summary);
            }
        }
    }
});
