//! The fixture table through the wasm export, in headless Chromium: the same
//! verdicts as natively (tests/fixtures.rs), read from the plain JS object the
//! export returns, so the JS boundary is tested too.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

const TABLE: &str = include_str!("fixtures/expectations.tsv");

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn signers(r: &JsValue) -> String {
    let list: Array = get(r, "signers").into();
    if list.length() == 0 {
        return "-".into();
    }
    list.iter()
        .map(|s| if get(&s, "valid").as_bool().unwrap() { "valid".to_owned() } else { text(&get(&s, "error"), "code") })
        .collect::<Vec<_>>()
        .join(",")
}

fn summary(r: &JsValue) -> [String; 5] {
    let cov = get(r, "coverage");
    let (part, canon) = if cov.is_undefined() {
        ("-".to_owned(), "-".to_owned())
    } else {
        let p = text(&cov, "part");
        let c = text(&cov, "canonicalization");
        (if p.is_empty() { "root".into() } else { p }, if c.is_empty() { "-".into() } else { c })
    };
    let errs: Array = get(r, "errors").into();
    let mut codes: Vec<String> = errs.iter().map(|e| text(&e, "code")).collect();
    codes.sort();
    codes.dedup();
    let errors = if codes.is_empty() { "-".into() } else { codes.join(",") };
    [text(r, "structure"), part, canon, signers(r), errors]
}

#[wasm_bindgen_test]
fn fixture_table_in_the_browser() {
    let legacy = Object::new();
    Reflect::set(&legacy, &"allowLegacy".into(), &JsValue::TRUE).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in TABLE.lines().skip(1).filter(|l| !l.is_empty()) {
        let c: Vec<&str> = line.split('\t').collect();
        let (file, structure, part, canon, default, legacy_want, errors) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        let bytes = FIXTURES.iter().find(|(n, _)| *n == file).map(|(_, b)| *b).unwrap_or_else(|| panic!("{file} not embedded"));
        let d = jmap_smime::wasm::verify_signatures(bytes, None).unwrap();
        let l = jmap_smime::wasm::verify_signatures(bytes, Some(legacy.clone().into())).unwrap();
        let got = summary(&d);
        let want = [structure, part, canon, default, errors];
        if got.iter().zip(want.iter()).any(|(g, w)| g != w) || signers(&l) != legacy_want {
            failures.push(format!("{file}: want {want:?} legacy {legacy_want}, got {got:?} legacy {}", signers(&l)));
        }
        checked += 1;
    }
    assert_eq!(checked, FIXTURES.len(), "every embedded fixture has a row");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn invalid_options_throw_with_a_code() {
    let bad = Object::new();
    Reflect::set(&bad, &"allowLegacy".into(), &"yes".into()).unwrap();
    let err = jmap_smime::wasm::verify_signatures(b"Subject: x\r\n\r\nhi", Some(bad.into())).unwrap_err();
    assert_eq!(text(&err, "code"), "invalid-argument");
    assert!(err.is_instance_of::<js_sys::Error>());
}
