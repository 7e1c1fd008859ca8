//! Certificates, names, and (next) path validation.

pub mod cert;
pub mod name;
