//! The server side of the reconciliation: RFC 9219 status tokens as the
//! server sends them, parsed strictly (R5–R7), and the four properties of
//! one Email (R8, R9).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::verifier::{SIGNED_FAILED, SIGNED_VERIFIED, UNKNOWN};

/// An RFC 9219 `smimeStatus` / `smimeStatusAtDelivery` token, parsed strictly
/// (exact, case-sensitive match).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerToken {
    /// `signed`: signed, not verified (never verified, R7).
    Signed,
    /// `signed/verified`.
    SignedVerified,
    /// `signed/failed`.
    SignedFailed,
    /// `encrypted+signed/verified` (treated as `signed/verified`, R6).
    EncryptedSignedVerified,
    /// `encrypted+signed/failed` (treated as `signed/failed`, R6).
    EncryptedSignedFailed,
    /// `unknown`.
    Unknown,
    /// Anything else, kept verbatim (R5).
    Other(String),
}

impl ServerToken {
    /// Parse a token; unrecognised text becomes [`ServerToken::Other`].
    pub fn parse(s: &str) -> ServerToken {
        match s {
            "signed" => ServerToken::Signed,
            "signed/verified" => ServerToken::SignedVerified,
            "signed/failed" => ServerToken::SignedFailed,
            "encrypted+signed/verified" => ServerToken::EncryptedSignedVerified,
            "encrypted+signed/failed" => ServerToken::EncryptedSignedFailed,
            "unknown" => ServerToken::Unknown,
            other => ServerToken::Other(other.to_owned()),
        }
    }

    /// The token as the server wrote it.
    pub fn as_str(&self) -> &str {
        match self {
            ServerToken::Signed => "signed",
            ServerToken::SignedVerified => "signed/verified",
            ServerToken::SignedFailed => "signed/failed",
            ServerToken::EncryptedSignedVerified => "encrypted+signed/verified",
            ServerToken::EncryptedSignedFailed => "encrypted+signed/failed",
            ServerToken::Unknown => "unknown",
            ServerToken::Other(s) => s,
        }
    }

    /// The token in the client's vocabulary: `signed`, `signed/verified`,
    /// `signed/failed` or `unknown` (R5, R6).
    pub fn effective(&self, unknown_tokens: UnknownTokens) -> &'static str {
        match self {
            ServerToken::Signed => "signed",
            ServerToken::SignedVerified | ServerToken::EncryptedSignedVerified => SIGNED_VERIFIED,
            ServerToken::SignedFailed | ServerToken::EncryptedSignedFailed => SIGNED_FAILED,
            ServerToken::Unknown => UNKNOWN,
            ServerToken::Other(_) => match unknown_tokens {
                UnknownTokens::Failed => SIGNED_FAILED,
                UnknownTokens::Unknown => UNKNOWN,
            },
        }
    }
}

impl Serialize for ServerToken {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ServerToken {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ServerToken::parse(&String::deserialize(d)?))
    }
}

/// The server's four RFC 9219 properties for one Email, as fetched (the
/// capability being present). A missing report means the server lacks it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct ServerReport {
    /// `smimeStatus`; `None` = JSON null (no S/MIME found by the server).
    #[serde(rename = "smimeStatus")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub status: Option<ServerToken>,
    /// `smimeStatusAtDelivery`; `None` = JSON null.
    #[serde(rename = "smimeStatusAtDelivery")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub status_at_delivery: Option<ServerToken>,
    /// `smimeErrors`: opaque, human-readable text, never parsed (R8).
    #[serde(rename = "smimeErrors")]
    pub errors: Option<Vec<String>>,
    /// `smimeVerifiedAt`, unix seconds.
    #[serde(rename = "smimeVerifiedAt")]
    pub verified_at: Option<i64>,
}

impl ServerReport {
    /// A report from the JMAP values (tokens as strings).
    pub fn from_jmap(
        status: Option<&str>,
        status_at_delivery: Option<&str>,
        errors: Option<Vec<String>>,
        verified_at: Option<i64>,
    ) -> Self {
        ServerReport {
            status: status.map(ServerToken::parse),
            status_at_delivery: status_at_delivery.map(ServerToken::parse),
            errors,
            verified_at,
        }
    }
}

/// How unrecognised server tokens count (R5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum UnknownTokens {
    /// As `signed/failed` (the default).
    #[default]
    Failed,
    /// As `unknown`.
    Unknown,
}
