//! The English catalog the npm package ships (js/i18n/verdict-en.js) is
//! generated from the Rust tables (src/reconcile/text.rs, the advice of
//! src/error.rs): this test fails when the file drifts from them.
//! `UPDATE_CATALOG=1 cargo test --test catalog` rewrites it.

use jmap_smime::error::Code;
use jmap_smime::reconcile::text::{Section, NOTHING, QUOTES, UNITS};
use jmap_smime::reconcile::{cell, ClientRow, ServerColumn};
use serde_json::{json, Map, Value};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/js/i18n/verdict-en.js");

fn catalog() -> Value {
    let mut out = Map::new();
    for s in Section::ALL {
        let section: Map<String, Value> = s.table().iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
        out.insert(s.name().to_owned(), Value::Object(section));
    }
    let advice: Map<String, Value> = Code::ALL.iter().map(|c| (c.code().to_owned(), json!(c.advice()))).collect();
    out.insert("advice".into(), Value::Object(advice));
    let units: Map<String, Value> = UNITS.iter().map(|(u, one, other)| ((*u).to_owned(), json!([one, other]))).collect();
    out.insert("units".into(), Value::Object(units));
    out.insert("quotes".into(), json!([QUOTES.0, QUOTES.1]));
    out.insert("words".into(), json!({ "nothing": NOTHING }));
    Value::Object(out)
}

fn module() -> String {
    format!(
        "// Generated from src/reconcile/text.rs and src/error.rs by\n\
         // `UPDATE_CATALOG=1 cargo test --test catalog`: do not edit by hand.\n\
         // The English texts of a DisplayVerdict, keyed by the codes of its notes.\n\
         export default {};\n",
        serde_json::to_string_pretty(&catalog()).unwrap()
    )
}

#[test]
fn the_shipped_english_catalog_is_the_rust_one() {
    let want = module();
    if std::env::var_os("UPDATE_CATALOG").is_some() {
        std::fs::write(FILE, &want).unwrap();
    }
    let have = std::fs::read_to_string(FILE).unwrap_or_default();
    assert!(have == want, "js/i18n/verdict-en.js differs from the Rust catalog: run UPDATE_CATALOG=1 cargo test --test catalog");
}

#[test]
fn every_matrix_cell_names_codes_the_catalog_has() {
    use ClientRow as R;
    use ServerColumn as S;
    let cat = catalog();
    for r in [R::NotRun, R::Broken, R::Untrusted, R::AddressMismatch, R::Verified, R::NoSignature] {
        for c in [S::AbsentOrSigned, S::Verified, S::Failed, S::Unrecognized] {
            let cell = cell(r, c);
            assert!(cat["labels"].get(cell.label).is_some(), "{r:?} {c:?}: label {}", cell.label);
            assert!(cat["reasons"].get(cell.note).is_some(), "{r:?} {c:?}: reason {}", cell.note);
            if let Some(a) = cell.alert {
                assert!(cat["alerts"].get(a).is_some(), "{r:?} {c:?}: alert {a}");
            }
        }
    }
}
