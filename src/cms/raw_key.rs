//! Keys in a build without `rust-crypto` (the browser's first-load core): the
//! key checks that need no elliptic-curve or bignum arithmetic are done here,
//! as `alg::decode_key` does them, and the key is kept as SPKI DER for the
//! checker that computes the signature (see `external`).
//!
//! RSA keys stay `cms::rsa::RsaKey` (parsing a modulus is small code; the
//! exponentiation is what the linker leaves out), so the budget's cost model
//! reads the same sizes in both builds.

use super::alg::{two_integers, DigestAlg, PublicKey, SigScheme};
use super::external::{check, spki_der, tlv, CheckRequest};
use crate::asn1::{self, oid, Tag};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::pki::cert::PublicKeyInfo;

/// An EC or Ed25519 key, not yet validated as a point: the checker does that
/// (a bad point is then `bad-key` at check time rather than at decoding).
#[derive(Clone, Debug)]
pub struct RawKey {
    spki: Vec<u8>,
}

/// A DSA key with its parameters (inherited ones filled in), and the sizes
/// of p and q (all the work budget reads of it).
#[derive(Clone, Debug)]
pub struct RawDsa {
    spki: Vec<u8>,
    p_bits: usize,
    q_bits: usize,
}

impl RawDsa {
    /// Bit length of the prime p.
    pub fn p_bits(&self) -> usize {
        self.p_bits
    }

    /// Bit length of the subgroup order q.
    pub fn q_bits(&self) -> usize {
        self.q_bits
    }
}

fn bad_key(detail: impl Into<String>) -> Error {
    Error::new(Code::BadKey, detail)
}

fn raw(spki: &PublicKeyInfo) -> RawKey {
    RawKey { spki: spki_der(&spki.algorithm, spki.params.as_deref(), &spki.key) }
}

/// `alg::decode_key` without the curve crates: the same refusals, except that
/// an EC or Ed25519 point is validated by the checker.
pub fn decode_key(spki: &PublicKeyInfo, inherited_dsa_params: Option<&[u8]>) -> Result<PublicKey> {
    match spki.algorithm.as_slice() {
        oid::RSA_ENCRYPTION | oid::RSASSA_PSS => {
            let (n, e) = two_integers(&spki.key).map_err(|_| bad_key("bad RSA public key"))?;
            super::rsa::public_key(&n, &e).map(PublicKey::Rsa)
        }
        oid::EC_PUBLIC_KEY => match super::alg::ec_curve(spki)? {
            "p256" => Ok(PublicKey::P256(raw(spki))),
            "p384" => Ok(PublicKey::P384(raw(spki))),
            _ => Ok(PublicKey::P521(raw(spki))),
        },
        oid::ED25519 if spki.key.len() == 32 => Ok(PublicKey::Ed25519(raw(spki))),
        oid::ED25519 => Err(bad_key("Ed25519 key is not 32 bytes")),
        oid::DSA => decode_dsa(spki, inherited_dsa_params),
        o => Err(Error::new(Code::UnsupportedAlgorithm, format!("public key algorithm {} is not supported", oid::to_dotted(o)))),
    }
}

fn decode_dsa(spki: &PublicKeyInfo, inherited: Option<&[u8]>) -> Result<PublicKey> {
    let params = super::alg::dsa_params(spki, inherited)?;
    let t = asn1::parse_single(params).map_err(|_| bad_key("bad DSA parameters"))?;
    let mut r = t.children().map_err(|_| bad_key("bad DSA parameters"))?;
    let mut next = || -> Result<usize> { Ok(super::rsa::bit_len(r.expect(Tag::INTEGER, "DSA parameter")?.unsigned_integer()?)) };
    let (p_bits, q_bits) = (next()?, next()?);
    if p_bits > limits::MAX_DSA_BITS {
        return Err(Error::limit(format!("DSA key larger than {} bits", limits::MAX_DSA_BITS)));
    }
    Ok(PublicKey::Dsa(RawDsa { spki: spki_der(&spki.algorithm, Some(params), &spki.key), p_bits, q_bits }))
}

/// RSAPublicKey (RFC 8017 A.1.1) under rsaEncryption: the checker reads an
/// RSASSA-PSS key the same way, and the key's PSS restrictions are the core's.
fn rsa_spki(k: &super::rsa::RsaKey) -> Vec<u8> {
    let int = |mut b: Vec<u8>| {
        let skip = b.iter().take_while(|x| **x == 0).count().min(b.len().saturating_sub(1));
        b.drain(..skip);
        if b.first().is_some_and(|x| x & 0x80 != 0) {
            b.insert(0, 0);
        }
        tlv(0x02, &b)
    };
    let mut body = int(k.modulus());
    body.extend(int(k.exponent().to_be_bytes().to_vec()));
    spki_der(oid::RSA_ENCRYPTION, Some(&[0x05, 0x00]), &tlv(0x30, &body))
}

/// `alg::verify_prehashed` without the crates: the key must fit the scheme,
/// then the registered checker answers.
pub fn verify_prehashed(key: &PublicKey, scheme: SigScheme, digest: DigestAlg, message: &[u8], hashed: &[u8], sig: &[u8]) -> Result<()> {
    let rsa;
    let spki: &[u8] = match (scheme, key) {
        (SigScheme::RsaPkcs1 { .. } | SigScheme::RsaPss { .. }, PublicKey::Rsa(k)) => {
            rsa = rsa_spki(k);
            &rsa
        }
        (SigScheme::Ecdsa { .. }, PublicKey::P256(k) | PublicKey::P384(k) | PublicKey::P521(k)) => &k.spki,
        (SigScheme::Ed25519, PublicKey::Ed25519(k)) => &k.spki,
        (SigScheme::Dsa { .. }, PublicKey::Dsa(k)) => &k.spki,
        _ => return Err(Error::new(Code::AlgorithmMismatch, "the signature algorithm does not fit the signer's key type")),
    };
    let scheme = super::external::scheme_json(scheme);
    check(&CheckRequest { spki, scheme: &scheme, digest: digest.name(), message, hashed, signature: sig })
}
