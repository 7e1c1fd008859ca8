//! Address mapping (issue 12 §6): a configured authorisation for a
//! certificate's address to sign for another From or Sender address.
//!
//! RFC 9219 §4.1.1 lets a server accept a signer whose certificate does not
//! name the From address when "a private configuration" says that address
//! may sign for it (a shared mailbox, a role address, a gateway). This is
//! that configuration, on both sides: the CLI (`--address-map`), the wasm
//! `Verifier` (`addressMap`) and the reference server take the same list.
//!
//! A mapping applies only when configured, only after the direct match
//! failed, and never silently: the verdict lists each mapping it used
//! (`Verdict::address_mapped`) and carries an `address-mapped` warning with
//! both addresses, and the display verdict says so in its label. Addresses
//! compare exactly as the signer binding does ([`identity::same_address`]):
//! one normalisation, so a mapping cannot match what the binding would not.

use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use crate::error::{Code, Error, Result};
use crate::identity;
use crate::limits;

/// One mapping: the certificate address `certificate` may sign for the
/// From or Sender address `address`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AddressMapping {
    /// The address as the signer's certificate names it.
    pub certificate: String,
    /// The From or Sender address it may sign for.
    pub address: String,
}

impl AddressMapping {
    /// `CERT=ADDRESS`, as the command-line options write a mapping.
    pub fn parse(spec: &str) -> Result<AddressMapping> {
        let Some((certificate, address)) = spec.split_once('=') else {
            return Err(Error::new(Code::InvalidArgument, format!("address mapping {spec:?} is not CERTIFICATE-ADDRESS=FROM-ADDRESS")));
        };
        let m = AddressMapping { certificate: certificate.trim().to_owned(), address: address.trim().to_owned() };
        check(std::slice::from_ref(&m))?;
        Ok(m)
    }
}

/// Refuse a list that is too long or holds an address the binding could not
/// compare (an unparseable one would never match and hide a typo).
pub fn check(map: &[AddressMapping]) -> Result<()> {
    if map.len() > limits::MAX_ADDRESS_MAPPINGS {
        return Err(Error::limit(format!("more than {} address mappings", limits::MAX_ADDRESS_MAPPINGS)));
    }
    for m in map {
        for a in [&m.certificate, &m.address] {
            if identity::address_key(a).is_none() {
                return Err(Error::new(Code::InvalidArgument, format!("address mapping: {a:?} is not an email address")));
            }
        }
    }
    Ok(())
}

/// The mapping that lets a certificate naming `cert_addresses` sign for
/// `address`, if one is configured.
pub fn find<'m>(map: &'m [AddressMapping], cert_addresses: &[String], address: &str) -> Option<&'m AddressMapping> {
    map.iter().find(|m| identity::same_address(&m.address, address) && identity::matches_any(&m.certificate, cert_addresses))
}

/// The signer binding of one address (R30) with `map`: whether the
/// certificate names `address`, and the mapping used when only a mapping
/// lets it (with the message's address as written). `None`: no address.
pub fn bind(map: &[AddressMapping], cert_addresses: &[String], address: Option<&str>) -> (bool, Option<AddressMapping>) {
    let Some(address) = address else { return (false, None) };
    if identity::matches_any(address, cert_addresses) {
        return (true, None);
    }
    match find(map, cert_addresses, address) {
        Some(m) => (true, Some(AddressMapping { certificate: m.certificate.clone(), address: address.to_owned() })),
        None => (false, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(c: &str, a: &str) -> AddressMapping {
        AddressMapping { certificate: c.to_owned(), address: a.to_owned() }
    }

    #[test]
    fn applies_with_the_binding_normalisation_only() {
        let map = [m("alice@example.com", "team@example.com")];
        let certs = vec!["Alice@EXAMPLE.com".to_owned()];
        assert_eq!(find(&map, &certs, "TEAM@example.com"), Some(&map[0]), "ASCII local parts and domains fold");
        assert_eq!(find(&map, &certs, "team@example.org"), None);
        assert_eq!(find(&map, &["bob@example.com".to_owned()], "team@example.com"), None, "only the mapped certificate address");
        assert_eq!(find(&[], &certs, "team@example.com"), None, "nothing without configuration");
        assert_eq!(bind(&map, &certs, Some("alice@example.com")), (true, None), "a direct match needs no mapping");
        assert_eq!(bind(&map, &certs, Some("Team@example.com")), (true, Some(m("alice@example.com", "Team@example.com"))));
        assert_eq!(bind(&map, &certs, None), (false, None));
    }

    #[test]
    fn parse_and_check_refuse_what_could_never_match() {
        assert_eq!(AddressMapping::parse(" a@example.com = b@example.com ").unwrap(), m("a@example.com", "b@example.com"));
        for bad in ["a@example.com", "a@example.com=not an address", "=b@example.com"] {
            assert_eq!(AddressMapping::parse(bad).unwrap_err().code, Code::InvalidArgument, "{bad}");
        }
        let many: Vec<AddressMapping> =
            (0..=limits::MAX_ADDRESS_MAPPINGS).map(|i| m(&format!("u{i}@example.com"), "x@example.com")).collect();
        assert_eq!(check(&many).unwrap_err().code, Code::LimitExceeded);
        assert!(check(&many[1..]).is_ok());
    }
}
