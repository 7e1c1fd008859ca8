//! The trust fixture table (tests/fixtures/trust-expectations.tsv) through the
//! wasm `TrustStore` and `Verifier` in headless Chromium: each row's CLI
//! arguments become JS arguments (files become their bytes, embedded by
//! build.rs), and the verdict is compared exactly as tests/trust_fixtures.rs
//! compares the CLI's JSON.
#![cfg(target_arch = "wasm32")]

use jmap_smime::wasm::{TrustStore, Verifier};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/trust_files.rs"));

const TABLE: &str = include_str!("fixtures/trust-expectations.tsv");

fn file(path: &str) -> &'static [u8] {
    TRUST_FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b).unwrap_or_else(|| panic!("{path} not embedded"))
}

fn bytes(path: &str) -> JsValue {
    Uint8Array::from(file(path)).into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn set(o: &Object, key: &str, v: impl Into<JsValue>) {
    Reflect::set(o, &JsValue::from_str(key), &v.into()).unwrap();
}

/// As tests/trust_fixtures.rs renders JSON: null, strings bare, the rest as JSON.
fn text(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if let Some(s) = v.as_string() {
        s
    } else if let Some(b) = v.as_bool() {
        b.to_string()
    } else {
        js_sys::JSON::stringify(v).map(String::from).unwrap_or_default()
    }
}

/// One row's CLI arguments as a TrustStore, VerifierOptions and times.
fn translate(args: &str) -> (TrustStore, JsValue, JsValue) {
    let mut trust = TrustStore::empty();
    let options = Object::new();
    let at = Object::new();
    let (intermediates, crls) = (Array::new(), Array::new());
    let mut no_bundled = false;
    let mut it = args.split_whitespace();
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{a} needs a value in [{args}]"));
        match a {
            "--trust" => {
                trust.add_pem(bytes(value())).unwrap();
            }
            "--intermediate" => {
                intermediates.push(&bytes(value()));
            }
            "--crl" => {
                crls.push(&bytes(value()));
            }
            "--at" => set(&at, "now", value()),
            "--received-at" => set(&at, "receivedAt", value()),
            "--revocation" => set(&options, "revocation", value()),
            "--allow-legacy" => set(&options, "allowLegacy", true),
            "--skip-address-check" => set(&options, "skipAddressCheck", true),
            "--no-bundled-roots" => no_bundled = true,
            other => panic!("unknown argument {other} in [{args}]"),
        }
    }
    // The browser store starts empty; the bundled roots are an explicit load.
    assert!(no_bundled, "rows must use --no-bundled-roots: [{args}]");
    set(&options, "intermediates", intermediates);
    set(&options, "crls", crls);
    (trust, options.into(), at.into())
}

#[wasm_bindgen_test]
fn trust_table_in_the_browser() {
    let mut lines = TABLE.lines();
    assert_eq!(lines.next().unwrap(), "file\targs\tstatus\tstatusAtDelivery\terrors\tfromMatches\tsenderMatches\topenssl\tnote");
    let (mut n, mut failures) = (0, Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = line.split('\t').collect();
        let (name, args) = (c[0], c[1]);
        let want = [c[2], c[3], c[4], c[5], c[6]];
        let (trust, options, at) = translate(args);
        let verifier = Verifier::new(&trust, Some(options)).unwrap_or_else(|e| panic!("{name} [{args}]: {}", text(&get(&e, "message"))));
        let v = verifier.verify(file(&format!("tests/fixtures/trust/messages/{name}")), Some(at)).unwrap();
        let errs: Array = get(&v, "errors").into();
        let mut codes: Vec<String> = errs.iter().map(|e| text(&get(&e, "code"))).collect();
        codes.sort();
        let errors = if codes.is_empty() { "-".to_owned() } else { codes.join(",") };
        let at_delivery =
            if Reflect::has(&v, &"statusAtDelivery".into()).unwrap() { text(&get(&v, "statusAtDelivery")) } else { "-".into() };
        let got = [text(&get(&v, "status")), at_delivery, errors, text(&get(&v, "fromMatches")), text(&get(&v, "senderMatches"))];
        if got.iter().zip(want.iter()).any(|(g, w)| g != w) {
            failures.push(format!("{name} [{args}]\n   want {want:?}\n   got  {got:?}"));
        }
        n += 1;
    }
    assert!(n >= 26, "only {n} rows");
    assert!(failures.is_empty(), "{} of {n} rows differ:\n{}", failures.len(), failures.join("\n"));
}

fn alice() -> (&'static [u8], TrustStore) {
    let mut trust = TrustStore::empty();
    assert_eq!(trust.add_pem(JsValue::from_str(std::str::from_utf8(file("tests/fixtures/pki/root.cert.pem")).unwrap())).unwrap(), 1);
    (file("tests/fixtures/trust/messages/baseline-alice.eml"), trust)
}

fn options(pairs: &[(&str, JsValue)]) -> Option<JsValue> {
    let o = Object::new();
    for (k, v) in pairs {
        set(&o, k, v.clone());
    }
    Some(o.into())
}

#[wasm_bindgen_test]
fn times_are_dates_milliseconds_or_rfc3339() {
    let (msg, trust) = alice();
    let v = Verifier::new(&trust, options(&[("revocation", "off".into())])).unwrap();
    let ms = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z
    for now in [JsValue::from_str("2026-01-01T00:00:00Z"), JsValue::from_f64(ms), js_sys::Date::new(&JsValue::from_f64(ms)).into()] {
        let verdict = v.verify(msg, options(&[("now", now.clone())])).unwrap();
        assert_eq!(text(&get(&verdict, "status")), "signed/verified", "now = {now:?}");
        assert!(!Reflect::has(&verdict, &"statusAtDelivery".into()).unwrap());
    }
    // receivedAt adds statusAtDelivery; 1990 is before the test PKI existed.
    let verdict = v.verify(msg, options(&[("now", ms.into()), ("receivedAt", "1990-01-01T00:00:00Z".into())])).unwrap();
    assert_eq!(text(&get(&verdict, "statusAtDelivery")), "signed/failed");
    // No `now`: Date.now(), read at the boundary; the test PKI is valid today
    // or expired, either way a status comes back.
    let verdict = v.verify(msg, None).unwrap();
    assert!(text(&get(&verdict, "status")).starts_with("signed/"));
}

#[wasm_bindgen_test]
fn bad_arguments_throw_invalid_argument() {
    let (msg, trust) = alice();
    let code = |e: JsValue| {
        assert!(e.is_instance_of::<js_sys::Error>());
        text(&get(&e, "code"))
    };
    for bad in [
        options(&[("revocation", "sometimes".into())]),
        options(&[("allowLegacy", "yes".into())]),
        options(&[("intermediates", JsValue::from_f64(1.0))]),
        options(&[("crls", Array::of1(&JsValue::from_str("not a CRL")).into())]),
        Some(JsValue::from_f64(3.0)),
    ] {
        assert_eq!(code(Verifier::new(&trust, bad).err().unwrap()), "invalid-argument");
    }
    let v = Verifier::new(&trust, None).unwrap();
    for bad in [
        options(&[("now", "yesterday".into())]),
        options(&[("now", JsValue::from_f64(f64::NAN))]),
        options(&[("receivedAt", JsValue::TRUE)]),
        options(&[("now", js_sys::Date::new(&JsValue::from_str("garbage")).into())]),
    ] {
        assert_eq!(code(v.verify(msg, bad).unwrap_err()), "invalid-argument");
    }
    let mut t = TrustStore::empty();
    assert_eq!(code(t.add_pem(JsValue::from_f64(1.0)).unwrap_err()), "invalid-argument");
    assert_eq!(code(t.add_pem(JsValue::from_str("hello")).unwrap_err()), "invalid-argument");
}

#[wasm_bindgen_test]
fn trust_store_add_remove_fingerprint() {
    let (_, mut trust) = alice();
    let empty = TrustStore::empty().fingerprint();
    assert_eq!(trust.size(), 1);
    // The same root again, as bytes this time: not new.
    assert_eq!(trust.add_pem(bytes("tests/fixtures/pki/root.cert.pem")).unwrap(), 0);
    assert_eq!(trust.add_pem(bytes("tests/fixtures/trust/pki/other-root.cert.pem")).unwrap(), 1);
    assert!(trust.add_pem(Uint8Array::new_with_length(0).into()).is_err());
    let list: Array = trust.anchors().unwrap().dyn_into().unwrap();
    assert_eq!(list.length(), 2);
    let first = list.get(0);
    let id = text(&get(&first, "id"));
    assert_eq!(id.len(), 64);
    assert!(text(&get(&first, "subject")).contains('='), "{:?}", get(&first, "subject"));
    assert!(!text(&get(&first, "label")).is_empty());
    let fp = trust.fingerprint();
    assert_ne!(fp, empty);
    assert!(trust.remove(&id));
    assert!(!trust.remove(&id));
    assert_eq!(trust.size(), 1);
    assert_ne!(trust.fingerprint(), fp);
}

#[wasm_bindgen_test]
fn from_bundle_reads_the_anchor_file() {
    let store = TrustStore::from_bundle(include_bytes!("../assets/roots/email-roots.der")).unwrap();
    assert!(store.size() > 90, "{} anchors", store.size());
    let err = TrustStore::from_bundle(b"\x30\x03\x02\x01").err().unwrap();
    assert_eq!(text(&get(&err, "code")), "malformed");
}
