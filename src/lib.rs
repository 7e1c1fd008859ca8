//! # jmap-smime
//!
//! Verify S/MIME signatures of raw RFC 5322 messages, with no I/O and no clock:
//! the bytes, the time, the trust anchors and the policy are all arguments.
//!
//! The pipeline is `mime` (find the signature and the exact signed bytes) →
//! `cms` (SignedData, signer selection, signed attributes, algorithms) →
//! a [`SignatureReport`]. Certificate path trust is layered on top.
//!
//! ```no_run
//! let raw = std::fs::read("message.eml").unwrap();
//! let report = jmap_smime::verify_signatures(&raw, &jmap_smime::Policy::default());
//! println!("{}", report.crypto_valid);
//! ```

// Untrusted input must never panic: deny the ways code can (tests excepted).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod address;
pub mod address_map;
pub mod asn1;
pub mod budget;
pub mod cms;
pub mod crypto;
pub mod error;
pub mod identity;
pub mod jmap;
pub mod limits;
pub mod memory;
pub mod mime;
pub mod pki;
pub mod policy;
pub mod protected;
pub mod reconcile;
pub mod report;
#[cfg(all(feature = "server", not(target_arch = "wasm32")))]
pub mod server;
pub(crate) mod signed_view;
pub mod verifier;
pub mod verify;
pub mod vocabulary;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Code, Error, Result};
pub use policy::Policy;
pub use report::SignatureReport;
pub use verifier::{Verdict, Verifier, VerifyOptions};
pub use verify::verify_signatures;
