//! RSA public keys and signature checks (RFC 8017), within the bounds a
//! receiving agent accepts (`limits::MAX_RSA_BITS`,
//! `limits::MAX_RSA_PUBLIC_EXPONENT_BITS`, `limits::MIN_RSA_PUBLIC_EXPONENT`).
//!
//! A PKCS#1 v1.5 check exponentiates once: s^e mod n is computed with the
//! crate's raw public operation and the result is compared with both DigestInfo
//! encodings (parameters NULL and absent), as RFC 8017 §8.2.2 steps 2–4
//! describe (encode, then compare). The arithmetic is the `rsa` crate's.

use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};

use super::alg::DigestAlg;
use crate::error::{Code, Error, Result};
use crate::limits;

/// Bit length of a big-endian magnitude (leading zero octets allowed).
pub(crate) fn bit_len(mag: &[u8]) -> usize {
    let mag = strip_zeros(mag);
    match mag.first() {
        None => 0,
        Some(b) => {
            let lead = usize::try_from(b.leading_zeros()).unwrap_or(0);
            mag.len().saturating_mul(8).saturating_sub(lead)
        }
    }
}

fn strip_zeros(mag: &[u8]) -> &[u8] {
    let skip = mag.iter().take_while(|b| **b == 0).count();
    mag.get(skip..).unwrap_or(&[])
}

fn bad_key(detail: impl Into<String>) -> Error {
    Error::new(Code::BadKey, detail)
}

/// An RSA public key from its modulus and public exponent (big-endian
/// magnitudes), refused outside the accepted bounds.
pub fn public_key(n: &[u8], e: &[u8]) -> Result<RsaPublicKey> {
    let bits = bit_len(n);
    if bits > limits::MAX_RSA_BITS {
        return Err(Error::limit(format!("RSA key of {bits} bits: larger than {} bits", limits::MAX_RSA_BITS)));
    }
    let e_bits = bit_len(e);
    // The cost of one exponentiation grows with the exponent's length.
    if e_bits > limits::MAX_RSA_PUBLIC_EXPONENT_BITS {
        return Err(Error::limit(format!(
            "RSA public exponent of {e_bits} bits: longer than {} bits",
            limits::MAX_RSA_PUBLIC_EXPONENT_BITS
        )));
    }
    // RFC 8017 §3.1: e is odd and 3 <= e <= n - 1 (e < n: checked by the crate).
    let e_value = strip_zeros(e).iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    if e_value < limits::MIN_RSA_PUBLIC_EXPONENT || e_value & 1 == 0 {
        return Err(bad_key(format!("RSA public exponent {e_value} is not an odd number of at least 3 (RFC 8017 §3.1)")));
    }
    RsaPublicKey::new_with_max_size(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e), limits::MAX_RSA_BITS)
        .map_err(|err| bad_key(format!("bad RSA public key: {err}")))
}

/// DER DigestInfo (RFC 8017 §9.2) with NULL or absent parameters.
pub(crate) fn digest_info(d: DigestAlg, hash: &[u8], with_null: bool) -> Vec<u8> {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        // Every content here is under 128 bytes: short-form length.
        let mut v = vec![tag, u8::try_from(content.len()).unwrap_or(0)];
        v.extend_from_slice(content);
        v
    }
    let mut alg = tlv(0x06, d.oid());
    if with_null {
        alg.extend_from_slice(&[0x05, 0x00]);
    }
    let mut body = tlv(0x30, &alg);
    body.extend(tlv(0x04, hash));
    tlv(0x30, &body)
}

/// EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2 steps 3–5) of `t` for a modulus of
/// `k` octets, or `None` when `k` is too short.
fn emsa_pkcs1(t: &[u8], k: usize) -> Option<Vec<u8>> {
    let ps = k.checked_sub(t.len())?.checked_sub(3)?;
    if ps < 8 {
        return None;
    }
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(ps.saturating_add(2), 0xff);
    em.push(0x00);
    em.extend_from_slice(t);
    Some(em)
}

/// The raw public operation s^e mod n (RFC 8017 §5.2.2 RSAVP1), as `k`
/// octets; `None` when the signature is not a `k`-octet integer below n
/// (§8.2.2 step 1, §5.2.2 step 1).
fn public_op(key: &RsaPublicKey, sig: &[u8]) -> Option<Vec<u8>> {
    let k = key.size();
    if sig.len() != k {
        return None;
    }
    let s = BigUint::from_bytes_be(sig);
    if &s >= key.n() {
        return None;
    }
    let m = rsa::hazmat::rsa_encrypt(key, &s).ok()?.to_bytes_be();
    // I2OSP(m, k): left-pad with zeros.
    let pad = k.checked_sub(m.len())?;
    let mut em = vec![0u8; pad];
    em.extend_from_slice(&m);
    Some(em)
}

/// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) of `hashed` under `digest`,
/// accepting the DigestInfo with NULL parameters and without (RFC 8017 §9.2
/// note 1), with one exponentiation.
pub fn verify_pkcs1(key: &RsaPublicKey, digest: DigestAlg, hashed: &[u8], sig: &[u8]) -> bool {
    let Some(em) = public_op(key, sig) else { return false };
    let k = key.size();
    [true, false].iter().any(|with_null| emsa_pkcs1(&digest_info(digest, hashed, *with_null), k).is_some_and(|want| want == em))
}

/// RSASSA-PSS verification (RFC 8017 §8.1.2) of `hashed` (one exponentiation,
/// in the crate).
pub fn verify_pss(key: &RsaPublicKey, hash: DigestAlg, salt: usize, hashed: &[u8], sig: &[u8]) -> bool {
    use rsa::Pss;
    let r = match hash {
        DigestAlg::Md5 => return false,
        DigestAlg::Sha1 => key.verify(Pss::new_with_salt::<sha1::Sha1>(salt), hashed, sig),
        DigestAlg::Sha224 => key.verify(Pss::new_with_salt::<sha2::Sha224>(salt), hashed, sig),
        DigestAlg::Sha256 => key.verify(Pss::new_with_salt::<sha2::Sha256>(salt), hashed, sig),
        DigestAlg::Sha384 => key.verify(Pss::new_with_salt::<sha2::Sha384>(salt), hashed, sig),
        DigestAlg::Sha512 => key.verify(Pss::new_with_salt::<sha2::Sha512>(salt), hashed, sig),
    };
    r.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_matches_rfc8017_prefix() {
        // RFC 8017 §9.2 note 1: SHA-256 DigestInfo prefix.
        let di = digest_info(DigestAlg::Sha256, &[0u8; 32], true);
        assert_eq!(
            &di[..19],
            &[0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
        );
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert_eq!(bit_len(&[0, 0x80, 0]), 16);
        assert_eq!(bit_len(&[0x01]), 1);
        assert_eq!(bit_len(&[]), 0);
    }

    #[test]
    fn emsa_layout() {
        let em = emsa_pkcs1(&[7, 7], 16).unwrap();
        assert_eq!(em, [0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 7, 7]);
        // RFC 8017 §9.2 step 3: at least 8 octets of padding.
        assert!(emsa_pkcs1(&[7; 6], 16).is_none());
        assert!(emsa_pkcs1(&[7; 5], 16).is_some());
    }
}
