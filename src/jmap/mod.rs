//! Sans-IO JMAP (RFC 8620, RFC 8621, RFC 9219): parsing and building, no
//! network. The transport lives at the wasm boundary.

pub mod blob;
pub mod cache;
pub mod client;
pub mod email;
pub mod page;
pub mod request;
pub mod response;
pub mod route;
pub mod session;
pub mod transport;

/// The RFC 8620 core capability.
pub const CAP_CORE: &str = "urn:ietf:params:jmap:core";
/// The RFC 8621 mail capability.
pub const CAP_MAIL: &str = "urn:ietf:params:jmap:mail";
/// The RFC 9219 S/MIME verification capability.
pub const CAP_SMIMEVERIFY: &str = "urn:ietf:params:jmap:smimeverify";
/// The RFC 9404 blob management capability (`Blob/get`).
pub const CAP_BLOB: &str = "urn:ietf:params:jmap:blob";
