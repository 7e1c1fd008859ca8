//! CMS SignedData (RFC 5652) in BER and DER: parsing, signer selection,
//! signed attributes, and signature checks.

pub mod alg;
#[cfg(feature = "rust-crypto")]
pub mod dsa;
pub mod external;
#[cfg(not(feature = "rust-crypto"))]
pub mod raw_key;
pub mod rsa;
pub mod signed_data;
pub mod signer;

pub use signed_data::{parse_content_info, parse_signed_data, ContentInfo, ContentKind, SignedData, SignerInfo};
