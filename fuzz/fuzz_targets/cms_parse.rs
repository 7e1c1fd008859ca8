//! ContentInfo / SignedData / certificate parsing of arbitrary BER.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ci) = jmap_smime::cms::parse_content_info(data) {
        if let Some(content) = ci.content {
            if let Ok(sd) = jmap_smime::cms::parse_signed_data(&content) {
                for c in &sd.certificates {
                    let _ = c.info();
                    let _ = jmap_smime::cms::alg::decode_key(&c.spki, None);
                }
            }
        }
    }
    let _ = jmap_smime::pki::cert::Certificate::from_der(data);
});
