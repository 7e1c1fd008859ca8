//! Protected header fields (issue 12 §5, RFC 9788 "Header Protection for
//! Cryptographically Protected Email").
//!
//! In multipart/signed the outer Subject, To or Date are not signed: anyone
//! on the path may change them and the signature still verifies. RFC 9788
//! puts the header fields inside the signed entity (the Cryptographic
//! Payload) and marks it with `hp="clear"` on its Content-Type (§2.1); the
//! older form wraps a whole message as message/rfc822 with `forwarded=no`
//! (RFC 8551 §3.1, RFC 9788 §2.2). A receiver then uses the protected fields
//! and ignores the unprotected outer ones (§4.1; not merged). Here:
//! - the verdict lists the protected fields ([`FIELDS`]) and every outer
//!   field that differs from its protected value ([`ProtectedHeaders`]);
//! - the signer binding uses the protected From and Sender (src/verifier.rs);
//! - the display verdict warns when a field a UI shows differs
//!   (src/reconcile).

use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::signed_view::{self, SignedView};

/// The fields reported, in this order (RFC 9788 §2.1.1 lists them among
/// the ones a sender protects; a UI shows most of them).
pub const FIELDS: [&str; 8] = ["From", "Sender", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID"];

/// The fields a UI shows next to a message: a difference is a warning.
pub const SHOWN: [&str; 6] = ["From", "Sender", "To", "Cc", "Subject", "Date"];

/// One header field: its name as in [`FIELDS`] and its values, unfolded,
/// joined by a line feed when it occurs more than once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct Field {
    /// The field name.
    pub name: String,
    /// The value as written (not decoded).
    pub value: String,
}

/// An outer field whose value is not its protected value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(missing_as_null))]
pub struct Difference {
    /// The field name.
    pub name: String,
    /// The outer (unprotected) value; null when the outer header lacks it.
    pub outer: Option<String>,
    /// The protected value; null when the protected header lacks it.
    pub protected: Option<String>,
}

/// The protected header section of a signed message (`Verdict.protectedHeaders`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ProtectedHeaders {
    /// `"clear"` or `"cipher"` (the `hp` parameter), or `"legacy"` (a
    /// message/rfc822 wrapper with `forwarded=no`).
    pub form: String,
    /// The protected fields of [`FIELDS`] that are present.
    pub fields: Vec<Field>,
    /// The outer fields of [`FIELDS`] that differ from the protected ones.
    pub differs: Vec<Difference>,
}

impl ProtectedHeaders {
    /// The protected value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name)).map(|f| f.value.as_str())
    }
}

/// A field's values as the header comparison reads them (src/signed_view.rs),
/// joined by a line feed; `None` when absent.
fn value(headers: &[(String, String)], name: &str) -> Option<String> {
    let v: Vec<String> = signed_view::values(headers, name).into_iter().map(signed_view::squash).collect();
    (!v.is_empty()).then(|| v.join("\n"))
}

/// The protected headers of `view` against the message root's `outer`
/// fields; `None` when the signed entity does not protect headers.
pub(crate) fn read(view: &SignedView, outer: &[(String, String)]) -> Option<ProtectedHeaders> {
    let form = view.protection?;
    let mut fields = Vec::new();
    let mut differs = Vec::new();
    for name in FIELDS {
        let protected = value(&view.inner_headers, name);
        let out = value(outer, name);
        if protected != out {
            differs.push(Difference { name: name.to_owned(), outer: out, protected: protected.clone() });
        }
        if let Some(v) = protected {
            fields.push(Field { name: name.to_owned(), value: v });
        }
    }
    Some(ProtectedHeaders { form: form.to_owned(), fields, differs })
}
