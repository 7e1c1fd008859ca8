//! The whole report from raw message bytes, under both policies.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = jmap_smime::verify_signatures(data, &jmap_smime::Policy::default());
    let legacy = jmap_smime::verify_signatures(data, &jmap_smime::Policy { allow_legacy: true });
    // A valid verdict requires a root signature with at least one signer.
    for r in [&strict, &legacy] {
        if r.crypto_valid {
            assert!(!r.signers.is_empty() && r.signers.iter().all(|s| s.valid));
        }
    }
    let _ = serde_json::to_string(&strict);
});
