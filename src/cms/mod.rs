//! CMS SignedData (RFC 5652) in BER and DER: parsing, signer selection,
//! signed attributes, and signature checks.

pub mod alg;
