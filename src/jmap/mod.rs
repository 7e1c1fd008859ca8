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
/// This project's vendor capability (RFC 8620 §2: a URL the vendor owns;
/// the project's home once it has one): the server's RFC 9219 status
/// includes revocation checked online (issue 12 §4). The reference server
/// advertises it in the session and the account when started with
/// `--online-revocation`; the client's reconciliation says so.
pub const CAP_ONLINE_REVOCATION: &str = "https://example.invalid/jmap-smime/online-revocation";
/// The RFC 9404 blob management capability (`Blob/get`).
pub const CAP_BLOB: &str = "urn:ietf:params:jmap:blob";
