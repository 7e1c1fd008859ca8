//! X.509 CRL parsing of arbitrary BER.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(crl) = jmap_smime::pki::crl::Crl::from_der(data) {
        for r in &crl.revoked {
            let _ = jmap_smime::pki::cert::serial_hex(&r.serial);
        }
        let _ = crl.issuer.to_display();
    }
});
