//! asn1 (in progress)
