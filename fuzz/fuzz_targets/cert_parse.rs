//! X.509 certificate parsing of arbitrary BER, and everything path validation
//! derives from one certificate on its own: the report view, email addresses,
//! the key, policies, name constraints and the signer-usage rules.
#![no_main]
use jmap_smime::asn1::oid;
use jmap_smime::pki::cert::Certificate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(c) = Certificate::from_der(data) else { return };
    let _ = c.info();
    let _ = c.email_addresses();
    let _ = c.subject_key_id();
    let _ = c.fingerprint_sha256();
    let _ = jmap_smime::cms::alg::decode_key(&c.spki, None);
    let _ = jmap_smime::cms::alg::describe_key(&c.spki);
    let _ = jmap_smime::pki::policy::CertPolicies::from_certificate(&c, false);
    let _ = jmap_smime::pki::policy::CertPolicies::from_certificate(&c, true);
    if let Some(ext) = c.extension(oid::NAME_CONSTRAINTS) {
        if let Ok(mut nc) = jmap_smime::pki::name_constraints::NameConstraintsState::new(Some(&ext.value)) {
            // The certificate's own names against its own constraints.
            let _ = nc.check(&c);
            let _ = nc.update(&c);
        }
    }
    let _ = jmap_smime::pki::path::check_signer_usage(&c);
    let _ = jmap_smime::pki::path::self_issued(&c);
});
