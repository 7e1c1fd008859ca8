//! OCSP responses (RFC 6960) of arbitrary BER: parsing, and judging the
//! response in the path of a fixed message (tests/fixtures/ocsp/
//! embedded-none.eml: Alice under the test root) at the fixtures' validation
//! time, with the intermediate's own good response beside it, so the fuzzed
//! bytes decide Alice's status (CertID, freshness, responder authority,
//! delegated responders and their CRL check, signatures through the budget).
#![no_main]
use std::sync::OnceLock;

use jmap_smime::pki::ocsp::OcspResponse;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::Verifier;
use libfuzzer_sys::fuzz_target;

const MESSAGE: &[u8] = include_bytes!("../../tests/fixtures/ocsp/embedded-none.eml");
const ROOT: &[u8] = include_bytes!("../../tests/fixtures/pki/root.cert.pem");
const INTERMEDIATE_GOOD: &[u8] = include_bytes!("../../tests/fixtures/ocsp/intermediate-good.der");
const CRL: &[u8] = include_bytes!("../../tests/fixtures/ocsp/intermediate-empty.crl.pem");
const T: &str = include_str!("../../tests/fixtures/ocsp/validation-time");

fn base() -> &'static (Verifier, i64) {
    static BASE: OnceLock<(Verifier, i64)> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut trust = TrustStore::empty();
        trust.add_pem_or_der(ROOT).expect("root");
        let mut v = Verifier { trust, ..Verifier::default() };
        v.options.revocation = RevocationMode::Require;
        v.options.ocsp = vec![OcspResponse::from_der(INTERMEDIATE_GOOD).expect("intermediate-good")];
        (v, T.trim().parse().expect("validation-time"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(response) = OcspResponse::from_der(data) else { return };
    let (base, t) = base();
    let mut v = base.clone();
    v.options.ocsp.push(response);
    let _ = v.verify(MESSAGE, *t, None);
    // The same with a CRL at hand (a delegated responder's status).
    if data.first().is_some_and(|b| b & 1 == 1) {
        v.options.crls = jmap_smime::pki::crl::crls_from_pem_or_der(CRL).unwrap_or_default();
        let _ = v.verify(MESSAGE, *t, None);
    }
});
