//! The page request against recorded sessions (issue 4 §1): `using` and the
//! S/MIME properties only where RFC 9219 is advertised, `sentAt` not `date`,
//! the back-reference, limits, and the S/MIME filters refused where absent.

use jmap_smime::jmap::request::{page_request, PageQuery, SMIME_PROPERTIES};
use jmap_smime::jmap::session::Session;
use jmap_smime::Code;
use serde_json::json;

fn load(name: &str, url: &str) -> Session {
    Session::parse(&std::fs::read(format!("{}/tests/recordings/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap(), url).unwrap()
}

#[test]
#[allow(clippy::type_complexity)]
fn request_table() {
    let cyrus = load("cyrus-3.6-session.json", "http://127.0.0.1:8080/jmap");
    let rfc = load("rfc9219-session.json", "https://jmap.example.com/.well-known/jmap");
    // (session, account, limit, filter, expect smime, expected limit or error)
    let smime_filter = json!({"operator": "AND", "conditions": [{"inMailbox": "m1"}, {"hasVerifiedSmime": true}]});
    let cases: Vec<(&Session, &str, u64, Option<serde_json::Value>, bool, Result<u64, Code>)> = vec![
        (&cyrus, "test", 50, None, false, Ok(50)),
        (&rfc, "A13824", 50, Some(json!({"inMailbox": "m1"})), true, Ok(50)),
        (&rfc, "A13824", 1000, None, true, Ok(100)), // clamped to maxObjectsInGet (R14)
        (&rfc, "A97813", 20, None, false, Ok(20)),   // account without smimeverify (R2)
        (&rfc, "A13824", 20, Some(smime_filter.clone()), true, Ok(20)),
        (&cyrus, "test", 20, Some(smime_filter.clone()), false, Err(Code::UnsupportedFilter)), // R10
        (&rfc, "A97813", 20, Some(json!({"hasSmime": true})), false, Err(Code::UnsupportedFilter)),
        (&rfc, "nobody", 20, None, false, Err(Code::InvalidArgument)),
        (&rfc, "A13824", 20, Some(json!(["not", "an", "object"])), true, Err(Code::InvalidArgument)),
    ];
    for (i, (session, account, limit, filter, smime, want)) in cases.into_iter().enumerate() {
        let q = PageQuery { account_id: account.into(), filter: filter.clone(), limit, calculate_total: true, ..Default::default() };
        match (page_request(session, &q), want) {
            (Ok(req), Ok(want_limit)) => {
                let using: Vec<&str> = req["using"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                assert_eq!(using.contains(&"urn:ietf:params:jmap:smimeverify"), smime, "case {i}: using {using:?}");
                let (query, get) = (&req["methodCalls"][0], &req["methodCalls"][1]);
                assert_eq!(query[0], "Email/query");
                assert_eq!(query[1]["limit"], want_limit, "case {i}");
                assert_eq!(query[1]["sort"], json!([{"property": "receivedAt", "isAscending": false}]));
                assert_eq!(get[0], "Email/get");
                assert_eq!(get[1]["#ids"], json!({"resultOf": "q", "name": "Email/query", "path": "/ids"}));
                let props: Vec<&str> = get[1]["properties"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                assert!(props.contains(&"sentAt") && !props.contains(&"date"), "R16");
                assert!(props.contains(&"blobId"), "R15 needs Email.blobId");
                assert_eq!(SMIME_PROPERTIES.iter().all(|p| props.contains(p)), smime, "case {i}: R4");
                assert!(SMIME_PROPERTIES.iter().all(|p| props.contains(p)) || SMIME_PROPERTIES.iter().all(|p| !props.contains(p)));
            }
            (Err(e), Err(code)) => assert_eq!(e.code, code, "case {i}"),
            (got, want) => panic!("case {i}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn filter_depth_is_bounded() {
    let rfc = load("rfc9219-session.json", "https://jmap.example.com/");
    let mut f = json!({"hasSmime": true});
    for _ in 0..20 {
        f = json!({"operator": "NOT", "conditions": [f]});
    }
    let q = PageQuery { account_id: "A13824".into(), filter: Some(f), limit: 10, ..Default::default() };
    assert_eq!(page_request(&rfc, &q).unwrap_err().code, Code::InvalidArgument);
}

#[test]
fn anchor_replaces_position() {
    let rfc = load("rfc9219-session.json", "https://jmap.example.com/");
    let q = PageQuery {
        account_id: "A13824".into(),
        anchor: Some("M042".into()),
        anchor_offset: -5,
        position: 7,
        limit: 10,
        ..Default::default()
    };
    let r = page_request(&rfc, &q).unwrap();
    let args = &r["methodCalls"][0][1];
    assert_eq!(args["anchor"], json!("M042"));
    assert_eq!(args["anchorOffset"], json!(-5));
    assert!(args.get("position").is_none(), "RFC 8620 §5.5: anchor or position, not both");
    // Filter operators pass through unchanged.
    let f = json!({"operator": "OR", "conditions": [{"from": "alice"}, {"operator": "NOT", "conditions": [{"hasAttachment": true}]}]});
    let q = PageQuery { account_id: "A13824".into(), filter: Some(f.clone()), limit: 10, ..Default::default() };
    assert_eq!(page_request(&rfc, &q).unwrap()["methodCalls"][0][1]["filter"], f);
}
