//! Browser smoke tests: the crate compiled to wasm32 runs in headless Chromium
//! (wasm-bindgen-test-runner + chromedriver, see .cargo/config.toml and
//! webdriver.json). Run with `cargo test --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use jmap_smime::report::Structure;
use jmap_smime::Policy;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const UNSIGNED: &[u8] = b"From: alice@example.org\r\n\
To: bob@example.org\r\n\
Subject: plain\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Not signed.\r\n";

#[wasm_bindgen_test]
fn unsigned_message_is_reported_unsigned() {
    let report = jmap_smime::verify_signatures(UNSIGNED, &Policy::default());
    assert_eq!(report.structure, Structure::Unsigned);
    assert!(!report.crypto_valid);
    assert!(report.signers.is_empty());
    assert!(report.coverage.is_none());
}

#[wasm_bindgen_test]
fn error_codes_are_exported() {
    let codes = jmap_smime::wasm::error_codes();
    assert!(codes.iter().any(|c| c == "bad-signature"), "{codes:?}");
    assert!(codes.iter().any(|c| c == "invalid-argument"), "{codes:?}");
}
