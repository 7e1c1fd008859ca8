//! Checks handed to an asynchronous route (WebCrypto, W3C Web Cryptography
//! API §20–23): what it can do, and everything it needs in the form it takes.
//! Sans-IO: src/wasm/webcrypto.rs does the calls.
//!
//! WebCrypto takes the signed bytes (it hashes them itself), an SPKI to
//! import, and ECDSA signatures as IEEE P1363 `r || s`. It has no DSA, MD5 or
//! SHA-224, so those stay in Rust, as does Ed25519: dalek's `verify_strict`
//! (which the Rust route uses) refuses small-order keys and R values that
//! BoringSSL's Ed25519 accepts, and the two routes must agree on every
//! verdict. Every "invalid" answer from WebCrypto is checked again in Rust
//! (RSASSA-PKCS1-v1_5 there only accepts the DigestInfo with NULL parameters,
//! RFC 8017 §9.2 note 1), so only its "valid" answers are taken as they are.

use crate::asn1::oid;
use crate::budget::{Key, SignatureCheck};
use crate::cms::alg::{DigestAlg, PublicKey, SigScheme};
use crate::cms::external::tlv;
use crate::error::Result;
use crate::limits;

use super::CheckId;

/// The WebCrypto algorithm of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WebAlgorithm {
    /// RSASSA-PKCS1-v1_5 with `hash` (bound to the imported key).
    RsaPkcs1 {
        /// "SHA-1", "SHA-256", "SHA-384" or "SHA-512".
        hash: &'static str,
    },
    /// RSA-PSS with `hash` (bound to the key; MGF1 uses the same hash) and
    /// an exact salt length.
    RsaPss {
        /// The hash.
        hash: &'static str,
        /// saltLength in octets.
        salt_len: u32,
    },
    /// ECDSA on `curve` with `hash` (given at verify time).
    Ecdsa {
        /// "P-256", "P-384" or "P-521".
        curve: &'static str,
        /// The hash.
        hash: &'static str,
    },
}

impl WebAlgorithm {
    /// The algorithm name for importKey and verify.
    pub fn name(&self) -> &'static str {
        match self {
            WebAlgorithm::RsaPkcs1 { .. } => "RSASSA-PKCS1-v1_5",
            WebAlgorithm::RsaPss { .. } => "RSA-PSS",
            WebAlgorithm::Ecdsa { .. } => "ECDSA",
        }
    }

    /// What an imported key is bound to besides its bits: a cache key part.
    pub fn import_tag(&self) -> String {
        match self {
            WebAlgorithm::RsaPkcs1 { hash } | WebAlgorithm::RsaPss { hash, .. } => format!("{}/{hash}", self.name()),
            WebAlgorithm::Ecdsa { curve, .. } => format!("ECDSA/{curve}"),
        }
    }
}

/// A check for the asynchronous route, with what the Rust route needs to do
/// it instead (WebCrypto absent, an import refused, or an "invalid" answer).
#[derive(Clone, Debug)]
pub struct PendingCheck {
    /// The check's identity (give it back with the result).
    pub id: CheckId,
    /// The key's identity (for a cache of imported keys).
    pub key_id: [u8; 32],
    /// DER SubjectPublicKeyInfo for `importKey("spki", ...)`.
    pub spki: Vec<u8>,
    /// The algorithm; None for a check only the Rust route can do (handed
    /// out while the crypto part is not loaded yet).
    pub algorithm: Option<WebAlgorithm>,
    /// The signed bytes.
    pub message: Vec<u8>,
    /// The signature as WebCrypto takes it.
    pub signature: Vec<u8>,
    key: Key,
    scheme: SigScheme,
    digest: DigestAlg,
    hashed: Vec<u8>,
    raw_signature: Vec<u8>,
}

fn web_hash(d: DigestAlg) -> Option<&'static str> {
    match d {
        DigestAlg::Sha1 => Some("SHA-1"),
        DigestAlg::Sha256 => Some("SHA-256"),
        DigestAlg::Sha384 => Some("SHA-384"),
        DigestAlg::Sha512 => Some("SHA-512"),
        DigestAlg::Md5 | DigestAlg::Sha224 => None,
    }
}

/// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of `algorithm` with the raw
/// parameters element `params` and the key bits (no unused bits).
fn spki_der(algorithm: &[u8], params: &[u8], key: &[u8]) -> Vec<u8> {
    let alg = tlv(0x30, &[tlv(0x06, algorithm), params.to_vec()].concat());
    let bits = tlv(0x03, &[&[0u8][..], key].concat());
    tlv(0x30, &[alg, bits].concat())
}

/// ECDSA DER `Ecdsa-Sig-Value` to P1363 `r || s`, by the same parser the
/// Rust route uses (so both refuse the same encodings).
fn p1363(key: &PublicKey, sig: &[u8]) -> Option<(&'static str, Vec<u8>)> {
    match key {
        PublicKey::P256(_) => Some(("P-256", p256::ecdsa::Signature::from_der(sig).ok()?.to_bytes().to_vec())),
        PublicKey::P384(_) => Some(("P-384", p384::ecdsa::Signature::from_der(sig).ok()?.to_bytes().to_vec())),
        PublicKey::P521(_) => Some(("P-521", p521::ecdsa::Signature::from_der(sig).ok()?.to_bytes().to_vec())),
        _ => None,
    }
}

impl PendingCheck {
    /// The check in WebCrypto's terms, or None when WebCrypto cannot do it
    /// (then the Rust route does it at once).
    pub(crate) fn new(id: CheckId, key: &Key, check: &SignatureCheck<'_>, hashed: &[u8]) -> Option<PendingCheck> {
        if check.message.len() > limits::MAX_DEFERRED_MESSAGE_BYTES {
            return None;
        }
        let hash = web_hash(check.digest)?;
        let null = [0x05u8, 0x00];
        let (algorithm, spki, signature) = match (check.scheme, &key.public) {
            (SigScheme::RsaPkcs1 { .. }, PublicKey::Rsa(_)) => {
                // An id-RSASSA-PSS key is imported as rsaEncryption: the
                // restrictions of its parameters are checked before (RFC 4055 §3.3).
                (WebAlgorithm::RsaPkcs1 { hash }, spki_der(oid::RSA_ENCRYPTION, &null, &key.spki.key), check.signature.to_vec())
            }
            (SigScheme::RsaPss { salt_len, .. }, PublicKey::Rsa(_)) => {
                let salt_len = u32::try_from(salt_len).ok()?;
                (WebAlgorithm::RsaPss { hash, salt_len }, spki_der(oid::RSA_ENCRYPTION, &null, &key.spki.key), check.signature.to_vec())
            }
            (SigScheme::Ecdsa { .. }, k @ (PublicKey::P256(_) | PublicKey::P384(_) | PublicKey::P521(_))) => {
                let (curve, sig) = p1363(k, check.signature)?;
                let params = key.spki.params.as_deref()?;
                (WebAlgorithm::Ecdsa { curve, hash }, spki_der(oid::EC_PUBLIC_KEY, params, &key.spki.key), sig)
            }
            _ => return None,
        };
        Some(PendingCheck::with(id, key, check, hashed, Some(algorithm), spki, signature))
    }

    /// A check WebCrypto cannot do, for the Rust route once it can run.
    pub(crate) fn for_rust(id: CheckId, key: &Key, check: &SignatureCheck<'_>, hashed: &[u8]) -> PendingCheck {
        PendingCheck::with(id, key, check, hashed, None, Vec::new(), Vec::new())
    }

    fn with(
        id: CheckId,
        key: &Key,
        check: &SignatureCheck<'_>,
        hashed: &[u8],
        algorithm: Option<WebAlgorithm>,
        spki: Vec<u8>,
        signature: Vec<u8>,
    ) -> PendingCheck {
        PendingCheck {
            id,
            key_id: key.id,
            spki,
            algorithm,
            message: check.message.to_vec(),
            signature,
            key: key.clone(),
            scheme: check.scheme,
            digest: check.digest,
            hashed: hashed.to_vec(),
            raw_signature: check.signature.to_vec(),
        }
    }

    /// The same check by the pure-Rust route.
    pub fn check_rust(&self) -> Result<()> {
        let check = SignatureCheck {
            scheme: self.scheme,
            digest: self.digest,
            message: &self.message,
            hashed: Some(&self.hashed),
            signature: &self.raw_signature,
        };
        super::rust_check(&self.key, &check, &self.hashed)
    }

    /// The result of an asynchronous answer: "valid" stands; "invalid", an
    /// import or call that failed, or no answer are settled in Rust.
    pub fn settle(&self, web_valid: Option<bool>) -> Result<()> {
        match web_valid {
            Some(true) => Ok(()),
            _ => self.check_rust(),
        }
    }
}

/// Insert into a cache that holds at most `bound` entries: a full cache is
/// emptied first (the WebCrypto key cache, `limits::MAX_WEBCRYPTO_KEYS`;
/// re-importing a key costs one `importKey`, never a wrong answer).
#[cfg_attr(not(all(target_arch = "wasm32", feature = "verifier-api")), allow(dead_code))] // used by src/wasm/webcrypto.rs
pub(crate) fn insert_bounded<K: Ord, V>(map: &mut std::collections::BTreeMap<K, V>, bound: usize, key: K, value: V) {
    if map.len() >= bound && !map.contains_key(&key) {
        map.clear();
    }
    map.insert(key, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::WorkBudget;
    use crate::pki::cert::Certificate;

    fn rsa_key() -> Key {
        let der = include_bytes!("../../tests/fixtures/pki/alice.cert.der");
        let cert = Certificate::parse(&crate::asn1::parse_single(der).unwrap()).unwrap();
        WorkBudget::new().key(&cert.spki, None).unwrap()
    }

    #[test]
    fn deferred_message_bound_trips() {
        // Signed content past MAX_DEFERRED_MESSAGE_BYTES is not copied out to
        // WebCrypto: the Rust route checks it (over the digest) at once.
        let key = rsa_key();
        let sig = vec![1u8; 256];
        let hashed = [0u8; 32];
        let at = vec![0u8; limits::MAX_DEFERRED_MESSAGE_BYTES];
        let over = vec![0u8; limits::MAX_DEFERRED_MESSAGE_BYTES + 1];
        let check = |message: &[u8]| {
            let c = SignatureCheck {
                scheme: SigScheme::RsaPkcs1 { hash: Some(DigestAlg::Sha256) },
                digest: DigestAlg::Sha256,
                message,
                hashed: None,
                signature: &sig,
            };
            PendingCheck::new([7u8; 32], &key, &c, &hashed).is_some()
        };
        assert!(check(&at), "at the bound the check goes to WebCrypto");
        assert!(!check(&over), "past the bound it stays in Rust");
    }

    #[test]
    fn key_cache_bound_trips() {
        let mut cache = std::collections::BTreeMap::new();
        for i in 0..limits::MAX_WEBCRYPTO_KEYS {
            insert_bounded(&mut cache, limits::MAX_WEBCRYPTO_KEYS, i, ());
        }
        assert_eq!(cache.len(), limits::MAX_WEBCRYPTO_KEYS);
        // A key already held does not empty a full cache.
        insert_bounded(&mut cache, limits::MAX_WEBCRYPTO_KEYS, 0, ());
        assert_eq!(cache.len(), limits::MAX_WEBCRYPTO_KEYS);
        // One more empties it first: it never holds more than the bound.
        insert_bounded(&mut cache, limits::MAX_WEBCRYPTO_KEYS, limits::MAX_WEBCRYPTO_KEYS, ());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn der_lengths() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 2, 1, 2]);
        let long = vec![0u8; 300];
        let t = tlv(0x04, &long);
        assert_eq!(&t[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(t.len(), 304);
        let t = tlv(0x04, &[0u8; 128]);
        assert_eq!(&t[..3], &[0x04, 0x81, 0x80]);
    }
}
