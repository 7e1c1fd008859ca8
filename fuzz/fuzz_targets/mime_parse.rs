//! MIME parsing and S/MIME classification of arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(root) = jmap_smime::mime::parse(data) {
        for e in root.walk() {
            let _ = jmap_smime::mime::smime::classify(e, data);
            // Ranges must stay inside the input and be ordered.
            assert!(e.start <= e.body_start && e.body_start <= e.end && e.end <= data.len());
            let _ = e.decoded_body(data);
        }
    }
});
