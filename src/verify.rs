//! The pipeline: raw message → [`SignatureReport`].

use crate::policy::Policy;
use crate::report::{SignatureReport, Structure};

/// Check every S/MIME signature at the root of `raw` (an RFC 5322 message).
/// Never panics; every failure is a code in the report.
pub fn verify_signatures(_raw: &[u8], _policy: &Policy) -> SignatureReport {
    SignatureReport {
        structure: Structure::Unsigned,
        coverage: None,
        crypto_valid: false,
        signers: Vec::new(),
        errors: Vec::new(),
        certificate_count: 0,
        crl_count: 0,
        content: None,
    }
}
