//! What a JMAP server sends the client: a Session, an API response, and the
//! Email objects in it (summaries, RFC 9219 properties, bodyStructure walk),
//! then the reconciliation of each server report with no client verdict.
#![no_main]
use jmap_smime::jmap::email::EmailSummary;
use jmap_smime::jmap::response::parse_api_response;
use jmap_smime::jmap::session::Session;
use jmap_smime::jmap::transport::HttpResponse;
use jmap_smime::reconcile::{reconcile, ReconcileConfig};
use libfuzzer_sys::fuzz_target;

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
                let _ = serde_json::to_string(&summary);
            }
        }
    }
});
