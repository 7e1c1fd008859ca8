//! Verification policy: explicit choices, passed as an argument.

use serde::Deserialize;

/// What the verifier accepts. The default is strict. In JS every field is
/// optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct Policy {
    /// Accept SHA-1, MD5, DSA and RSA keys of 1024–2047 bits (old archives,
    /// NIST PKITS). Off by default: RFC 8551 §2.1–2.2 and R27/R28.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub allow_legacy: bool,
}
