//! Certificates, names, and (next) path validation.

pub mod anchor;
pub mod cert;
pub mod name;
