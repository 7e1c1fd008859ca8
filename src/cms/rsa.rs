//! RSA public keys and signature checks (RFC 8017), within the bounds a
//! receiving agent accepts (`limits::MAX_RSA_BITS`,
//! `limits::MAX_RSA_PUBLIC_EXPONENT_BITS`, `limits::MIN_RSA_PUBLIC_EXPONENT`).
//!
//! The arithmetic is crypto-bigint's Montgomery multiplication
//! (`BoxedMontyForm`): RSAVP1 (RFC 8017 §5.2.2) is a left-to-right
//! square-and-multiply over the public exponent, 16 squarings and one
//! multiplication for e = 65537. The exponent is public, so the variable
//! sequence leaks nothing; the crate's windowed `pow` is constant-time in the
//! exponent and about twice as slow for such short exponents (benches/rsa.rs).
//! The encodings are ours: a PKCS#1 v1.5 check exponentiates once and compares
//! the result with both DigestInfo encodings (parameters NULL and absent), as
//! RFC 8017 §8.2.2 steps 2–4 describe (encode, then compare); PSS is
//! EMSA-PSS-VERIFY (§9.1.2, in `pss`).

mod pss;

use std::sync::OnceLock;

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};

use super::alg::DigestAlg;
use crate::error::{Code, Error, Result};
use crate::limits;

/// A bounded RSA public key (RFC 8017 §3.1): an odd modulus n of `bits` bits
/// (`size` octets) and an odd public exponent 3 <= e < n.
#[derive(Clone)]
pub struct RsaKey {
    n: Odd<BoxedUint>,
    e: u64,
    bits: usize,
    size: usize,
    /// Montgomery parameters of n, computed at the first exponentiation (a
    /// key that never verifies anything does not pay for them).
    params: OnceLock<BoxedMontyParams>,
}

impl RsaKey {
    /// Bit length of the modulus.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Length of the modulus in octets (k in RFC 8017): every signature is
    /// exactly this long.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The public exponent e.
    pub fn exponent(&self) -> u64 {
        self.e
    }

    /// Bit length of the public exponent.
    pub fn exponent_bits(&self) -> usize {
        usize::try_from(u64::BITS.saturating_sub(self.e.leading_zeros())).unwrap_or(usize::MAX)
    }

    /// The modulus as `size()` big-endian octets (I2OSP(n, k)).
    pub fn modulus(&self) -> Vec<u8> {
        let be = self.n.as_ref().to_be_bytes();
        be.get(be.len().saturating_sub(self.size)..).unwrap_or(&[]).to_vec()
    }

    fn params(&self) -> &BoxedMontyParams {
        self.params.get_or_init(|| BoxedMontyParams::new_vartime(self.n.clone()))
    }
}

impl core::fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RsaKey({} bits, e = {})", self.bits, self.e)
    }
}

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

/// A big-endian magnitude without its leading zero octets.
pub(crate) fn strip_zeros(mag: &[u8]) -> &[u8] {
    let skip = mag.iter().take_while(|b| **b == 0).count();
    mag.get(skip..).unwrap_or(&[])
}

fn bad_key(detail: impl Into<String>) -> Error {
    Error::new(Code::BadKey, detail)
}

/// An RSA public key from its modulus and public exponent (big-endian
/// magnitudes), refused outside the accepted bounds.
pub fn public_key(n: &[u8], e: &[u8]) -> Result<RsaKey> {
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
    // RFC 8017 §3.1: e is odd and 3 <= e <= n - 1.
    let e_value = strip_zeros(e).iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    if e_value < limits::MIN_RSA_PUBLIC_EXPONENT || e_value & 1 == 0 {
        return Err(bad_key(format!("RSA public exponent {e_value} is not an odd number of at least 3 (RFC 8017 §3.1)")));
    }
    let n_small = (bits <= 64).then(|| strip_zeros(n).iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)));
    if n_small.is_some_and(|n| e_value >= n) {
        return Err(bad_key("bad RSA public key: the public exponent is not below the modulus (RFC 8017 §3.1)"));
    }
    // RFC 8017 §3.1: n is a product of odd primes, so it is odd (and
    // Montgomery arithmetic needs an odd modulus).
    let precision = u32::try_from(bits).map_err(|_| bad_key("bad RSA public key"))?;
    let n = BoxedUint::from_be_slice(strip_zeros(n), precision).map_err(|_| bad_key("bad RSA public key"))?;
    let n: Odd<BoxedUint> = Option::from(Odd::new(n)).ok_or_else(|| bad_key("bad RSA public key: the modulus is even (RFC 8017 §3.1)"))?;
    Ok(RsaKey { n, e: e_value, bits, size: bits.div_ceil(8), params: OnceLock::new() })
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

/// The raw public operation m = s^e mod n (RFC 8017 §5.2.2 RSAVP1), as `k`
/// octets (I2OSP(m, k)); `None` when the signature is not a `k`-octet integer
/// below n (§8.1.2 and §8.2.2 step 1, §5.2.2 step 1).
fn public_op(key: &RsaKey, sig: &[u8]) -> Option<Vec<u8>> {
    let k = key.size;
    if sig.len() != k {
        return None;
    }
    let s = BoxedUint::from_be_slice(sig, key.n.bits_precision()).ok()?;
    if s >= *key.n.as_ref() {
        return None;
    }
    let x = BoxedMontyForm::new(s, key.params());
    // Left-to-right binary exponentiation over the bits of e below its top
    // bit (e >= 3, so it has at least two).
    let mut z = x.clone();
    for bit in (0..key.exponent_bits().saturating_sub(1)).rev() {
        z = z.square();
        if (key.e >> bit) & 1 == 1 {
            z = z.mul(&x);
        }
    }
    let m = z.retrieve().to_be_bytes();
    // m < n < 256^k: the octets above the last k are zero.
    let (high, em) = m.split_at(m.len().checked_sub(k)?);
    high.iter().all(|b| *b == 0).then(|| em.to_vec())
}

/// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) of `hashed` under `digest`,
/// accepting the DigestInfo with NULL parameters and without (RFC 8017 §9.2
/// note 1), with one exponentiation.
pub fn verify_pkcs1(key: &RsaKey, digest: DigestAlg, hashed: &[u8], sig: &[u8]) -> bool {
    let Some(em) = public_op(key, sig) else { return false };
    let k = key.size;
    [true, false].iter().any(|with_null| emsa_pkcs1(&digest_info(digest, hashed, *with_null), k).is_some_and(|want| want == em))
}

/// RSASSA-PSS verification (RFC 8017 §8.1.2) of `hashed` with MGF1 over the
/// same hash and a salt of exactly `salt` octets (RFC 4055 §3.1), with one
/// exponentiation.
pub fn verify_pss(key: &RsaKey, hash: DigestAlg, salt: usize, hashed: &[u8], sig: &[u8]) -> bool {
    if hash == DigestAlg::Md5 {
        return false;
    }
    let Some(m) = public_op(key, sig) else { return false };
    // §8.1.2 step 2c: EM = I2OSP(m, emLen) with emLen = ceil((modBits - 1) / 8);
    // when that is k - 1 octets the first octet of m must be zero.
    let em_bits = key.bits.saturating_sub(1);
    let em_len = em_bits.div_ceil(8);
    let Some((high, em)) = m.split_at_checked(m.len().saturating_sub(em_len)) else { return false };
    high.iter().all(|b| *b == 0) && pss::emsa_pss_verify(hash, hashed, em, em_bits, salt)
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

    #[test]
    fn key_accessors() {
        // n = 0x00c5 (197 = 0xc5, 8 bits, odd), e = 3.
        let k = public_key(&[0x00, 0xc5], &[0x03]).unwrap();
        assert_eq!((k.bits(), k.size(), k.exponent(), k.exponent_bits()), (8, 1, 3, 2));
        assert_eq!(k.modulus(), vec![0xc5]);
        // RSAVP1 on a toy modulus: 2^3 mod 197 = 8; s >= n is refused.
        assert_eq!(public_op(&k, &[2]), Some(vec![8]));
        assert_eq!(public_op(&k, &[0xc5]), None);
        assert_eq!(public_op(&k, &[0, 2]), None);
        assert_eq!(public_key(&[0xc4], &[0x03]).unwrap_err().code, Code::BadKey);
        assert_eq!(public_key(&[0x03], &[0x03]).unwrap_err().code, Code::BadKey);
    }
}
