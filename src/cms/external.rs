//! Public-key checks computed outside the core module (issue 10, "a smaller
//! first load").
//!
//! A build without the `rust-crypto` feature links none of the bignum and
//! elliptic-curve crates: it keeps each key as its SubjectPublicKeyInfo DER
//! (DSA parameters inherited from the issuer filled in) and hands every
//! signature check, as a [`CheckRequest`], to the [`Checker`] registered with
//! [`set_checker`]. In the browser that is the crypto part, a second wasm
//! module built with `rust-crypto` (`src/wasm/crypto_part.rs`), whose
//! `checkSignature` answers with [`answer`]. Without a checker every check
//! fails closed with `crypto-unavailable`, so a missing part can never read as
//! verified.
//!
//! Everything that decides a verdict apart from the arithmetic stays in the
//! core: algorithm agreement, policy, key restrictions, the work budget and
//! its memo (`crate::budget`), which charges a key's cost before the check is
//! handed out. The wire form (SPKI DER, scheme JSON, digest name) is compiled
//! into every build, so the native tests check both ends of it.

use serde::{Deserialize, Serialize};

use super::alg::{DigestAlg, SigScheme};
use crate::error::{Code, Error, Result};

/// One signature check, as the core hands it to a checker.
#[derive(Clone, Copy, Debug)]
pub struct CheckRequest<'a> {
    /// The signer's SubjectPublicKeyInfo (DER), with DSA parameters filled in.
    pub spki: &'a [u8],
    /// The scheme, in the JSON form of [`scheme_json`].
    pub scheme: &'a str,
    /// The digest algorithm's name ([`DigestAlg::name`]).
    pub digest: &'a str,
    /// The signed bytes (pure Ed25519 reads these).
    pub message: &'a [u8],
    /// Their digest under `digest` (every other scheme reads this).
    pub hashed: &'a [u8],
    /// The signature value.
    pub signature: &'a [u8],
}

/// Answers a check: `None` when the signature verifies, else a stable error
/// code (`bad-signature`, `bad-key`, ...).
pub type Checker = fn(&CheckRequest<'_>) -> Option<String>;

#[cfg(not(feature = "rust-crypto"))]
static CHECKER: std::sync::OnceLock<Checker> = std::sync::OnceLock::new();

/// Register the checker (once; a second call is ignored and returns false).
#[cfg(not(feature = "rust-crypto"))]
pub fn set_checker(checker: Checker) -> bool {
    CHECKER.set(checker).is_ok()
}

/// True when public-key checks can be done in this build now: always with
/// the pure-Rust crates, else once a checker is registered. Until then the
/// deferred route hands every check out, so the crypto part can be loaded
/// on demand (src/wasm/external.rs).
pub fn checker_ready() -> bool {
    #[cfg(feature = "rust-crypto")]
    return true;
    #[cfg(not(feature = "rust-crypto"))]
    return CHECKER.get().is_some();
}

/// The scheme as the crypto part reads it (`kind`, `hash`, `saltLength`).
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SchemeWire {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    salt_length: Option<u64>,
}

/// A digest algorithm from its [`DigestAlg::name`].
pub fn digest_from_name(name: &str) -> Option<DigestAlg> {
    use DigestAlg::*;
    [Md5, Sha1, Sha224, Sha256, Sha384, Sha512].into_iter().find(|d| d.name() == name)
}

/// The JSON form of a scheme: `{"kind":"rsa-pss","hash":"sha-256","saltLength":32}`.
pub fn scheme_json(scheme: SigScheme) -> String {
    let name = |h: Option<DigestAlg>| h.map(|d| d.name().to_owned());
    let (kind, hash, salt_length) = match scheme {
        SigScheme::RsaPkcs1 { hash } => ("rsa-pkcs1", name(hash), None),
        // The MGF1 hash is always the message hash (alg::parse_pss refuses others).
        SigScheme::RsaPss { hash, salt_len, .. } => ("rsa-pss", name(Some(hash)), Some(u64::try_from(salt_len).unwrap_or(u64::MAX))),
        SigScheme::Ecdsa { hash } => ("ecdsa", name(hash), None),
        SigScheme::Ed25519 => ("ed25519", None, None),
        SigScheme::Dsa { hash } => ("dsa", name(hash), None),
    };
    serde_json::to_string(&SchemeWire { kind: kind.to_owned(), hash, salt_length }).unwrap_or_default()
}

/// Read [`scheme_json`]'s form back; anything else is `invalid-argument`.
pub fn scheme_from_json(text: &str) -> Result<SigScheme> {
    let bad = || Error::new(Code::InvalidArgument, format!("checkSignature: not a signature scheme: {text}"));
    let w: SchemeWire = serde_json::from_str(text).map_err(|_| bad())?;
    let hash = match w.hash.as_deref() {
        None => None,
        Some(h) => Some(digest_from_name(h).ok_or_else(bad)?),
    };
    Ok(match (w.kind.as_str(), hash, w.salt_length) {
        ("rsa-pkcs1", hash, None) => SigScheme::RsaPkcs1 { hash },
        ("rsa-pss", Some(hash), Some(salt)) => {
            SigScheme::RsaPss { hash, mgf_hash: hash, salt_len: usize::try_from(salt).map_err(|_| bad())? }
        }
        ("ecdsa", hash, None) => SigScheme::Ecdsa { hash },
        ("ed25519", None, None) => SigScheme::Ed25519,
        ("dsa", hash, None) => SigScheme::Dsa { hash },
        _ => return Err(bad()),
    })
}

/// DER TLV with a definite length (short or long form).
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = u64::try_from(len).unwrap_or(u64::MAX).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let body = bytes.get(skip..).unwrap_or(&[]);
        out.push(0x80 | u8::try_from(body.len()).unwrap_or(0));
        out.extend_from_slice(body);
    }
    out.extend_from_slice(content);
    out
}

/// SubjectPublicKeyInfo DER (RFC 5280 §4.1) from its parts; `params` is the
/// raw parameters element, if any.
pub fn spki_der(algorithm: &[u8], params: Option<&[u8]>, key: &[u8]) -> Vec<u8> {
    let mut alg = tlv(0x06, algorithm);
    alg.extend_from_slice(params.unwrap_or(&[]));
    let mut bits = vec![0u8];
    bits.extend_from_slice(key);
    let mut body = tlv(0x30, &alg);
    body.extend(tlv(0x03, &bits));
    tlv(0x30, &body)
}

/// What a checker's answer means for the core: `None` verifies; a known code
/// is that failure; anything else fails closed.
pub fn outcome(answer: Option<String>) -> Result<()> {
    let Some(code) = answer else { return Ok(()) };
    let code = Code::ALL.iter().copied().find(|c| c.code() == code).unwrap_or(Code::CryptoUnavailable);
    Err(match code {
        Code::BadSignature => Error::new(code, "the signature value does not verify under the signer's public key"),
        Code::CryptoUnavailable => Error::new(code, "no public-key implementation answered this check"),
        _ => Error::new(code, "the crypto part refused this signature check"),
    })
}

/// Hand a check to the registered checker (see the module comment).
#[cfg(not(feature = "rust-crypto"))]
pub fn check(request: &CheckRequest<'_>) -> Result<()> {
    match CHECKER.get() {
        Some(checker) => outcome(checker(request)),
        None => outcome(Some(Code::CryptoUnavailable.code().to_owned())),
    }
}

/// The crypto part's side: decode the key, run the check with the pure-Rust
/// crates, answer `None` or the error code. Keys are bounded as in the core
/// (`alg::decode_key`: `limits::MAX_RSA_BITS`, `limits::MAX_DSA_BITS`).
#[cfg(feature = "rust-crypto")]
pub fn answer(request: &CheckRequest<'_>) -> Option<&'static str> {
    let run = || -> Result<()> {
        let scheme = scheme_from_json(request.scheme)?;
        let digest = digest_from_name(request.digest)
            .ok_or_else(|| Error::new(Code::InvalidArgument, format!("checkSignature: unknown digest {}", request.digest)))?;
        let spki = crate::pki::bundled::parse_spki(&crate::asn1::parse_single(request.spki)?)?;
        let key = super::alg::decode_key(&spki, None)?;
        super::alg::verify_prehashed(&key, scheme, digest, request.message, request.hashed, request.signature)
    };
    run().err().map(|e| e.code.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_wire_round_trips_and_refuses_the_rest() {
        use DigestAlg::*;
        let schemes = [
            SigScheme::RsaPkcs1 { hash: None },
            SigScheme::RsaPkcs1 { hash: Some(Sha1) },
            SigScheme::RsaPss { hash: Sha384, mgf_hash: Sha384, salt_len: 48 },
            SigScheme::Ecdsa { hash: Some(Sha512) },
            SigScheme::Ecdsa { hash: None },
            SigScheme::Ed25519,
            SigScheme::Dsa { hash: Some(Sha224) },
        ];
        for s in schemes {
            assert_eq!(scheme_from_json(&scheme_json(s)).ok(), Some(s), "{}", scheme_json(s));
        }
        assert_eq!(scheme_json(schemes[2]), r#"{"kind":"rsa-pss","hash":"sha-384","saltLength":48}"#);
        for bad in [
            r#"{"kind":"rsa-pss","hash":"sha-256"}"#,
            r#"{"kind":"ed25519","hash":"sha-512"}"#,
            r#"{"kind":"ecdsa","hash":"sha-3"}"#,
            r#"{"kind":"rsa-pkcs1","saltLength":1}"#,
            r#"{"kind":"rsa-pkcs1","extra":1}"#,
            r#"{"kind":"ed448"}"#,
            "null",
        ] {
            assert_eq!(scheme_from_json(bad).err().map(|e| e.code), Some(Code::InvalidArgument), "{bad}");
        }
    }

    #[test]
    fn answers_map_to_codes_and_fail_closed() {
        let cases: &[(Option<&str>, Option<Code>)] = &[
            (None, None),
            (Some("bad-signature"), Some(Code::BadSignature)),
            (Some("bad-key"), Some(Code::BadKey)),
            (Some(""), Some(Code::CryptoUnavailable)),
            (Some("verified"), Some(Code::CryptoUnavailable)),
        ];
        for (answer, want) in cases {
            assert_eq!(outcome(answer.map(str::to_owned)).err().map(|e| e.code), *want, "{answer:?}");
        }
    }

    #[test]
    fn spki_der_reads_back_with_long_lengths() {
        let key = vec![0xab; 300];
        let der = spki_der(crate::asn1::oid::RSA_ENCRYPTION, Some(&[0x05, 0x00]), &key);
        let spki = crate::pki::bundled::parse_spki(&crate::asn1::parse_single(&der).unwrap()).unwrap();
        assert_eq!(spki.algorithm, crate::asn1::oid::RSA_ENCRYPTION);
        assert_eq!(spki.params.as_deref(), Some(&[0x05, 0x00][..]));
        assert_eq!(spki.key, key);
    }
}
