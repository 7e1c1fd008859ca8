//! Certificates, names, and (next) path validation.

pub mod access;
pub mod anchor;
pub mod bundled;
pub mod cert;
pub mod crl;
pub mod name;
pub mod name_constraints;
mod name_forms;
pub mod ocsp;
pub mod path;
pub mod pem;
pub mod policy;
pub mod trust;
