//! DSA public keys and signature checks (FIPS 186-4 §4.7; RFC 3279 §2.2.2
//! and §2.3.2), for the legacy messages a policy with `allow_legacy` still
//! reads. As for RSA (src/cms/rsa.rs) the arithmetic is crypto-bigint's
//! (Montgomery multiplication modulo p, inversion and reduction modulo q);
//! only the verification equation is written here. It replaced the `dsa`
//! crate, whose num-bigint-dig arithmetic took several milliseconds a check
//! in the browser (issue 10); `tests/dsa_differential.rs` holds the two to
//! the same answers.

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, NonZero, Odd};

use super::external::tlv;
use super::rsa::{bit_len, strip_zeros};
use crate::asn1::{self, Tag};
use crate::error::{Code, Error, Result};
use crate::limits;

/// A DSA public key: domain parameters p, q, g and the public value y, with
/// g and y kept in Montgomery form modulo p.
#[derive(Clone)]
pub struct DsaKey {
    q: Odd<BoxedUint>,
    g: BoxedMontyForm,
    y: BoxedMontyForm,
    p_bits: usize,
    q_bits: usize,
}

impl core::fmt::Debug for DsaKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "DsaKey(p {} bits, q {} bits)", self.p_bits, self.q_bits)
    }
}

impl DsaKey {
    /// Bit length of the prime p.
    pub fn p_bits(&self) -> usize {
        self.p_bits
    }

    /// Bit length of the subgroup order q.
    pub fn q_bits(&self) -> usize {
        self.q_bits
    }
}

fn bad_key(detail: &str) -> Error {
    Error::new(Code::BadKey, format!("bad DSA public key: {detail}"))
}

fn precision(bits: usize) -> Result<u32> {
    u32::try_from(bits.max(1)).map_err(|_| bad_key("too large"))
}

fn odd(mag: &[u8], what: &str) -> Result<Odd<BoxedUint>> {
    let n = BoxedUint::from_be_slice_vartime(mag);
    Option::from(Odd::new(n)).ok_or_else(|| bad_key(what))
}

/// Below `modulus` (same precision), or `None`.
fn below(mag: &[u8], modulus: &Odd<BoxedUint>) -> Option<BoxedUint> {
    let x = BoxedUint::from_be_slice(mag, modulus.as_ref().bits_precision()).ok()?;
    (x < *modulus.as_ref()).then_some(x)
}

/// A key from the big-endian magnitudes (leading zero octets allowed) of
/// p, q, g (Dss-Parms, RFC 3279 §2.3.2) and y (DSAPublicKey). Refused: p over `limits::MAX_DSA_BITS`, an
/// even p or q, q not below p, g or y outside 2..p-1, and a y outside the
/// order-q subgroup (y^q mod p = 1, SP 800-89 §5.3.1 partial validation).
pub fn public_key(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> Result<DsaKey> {
    let [p, q, g, y] = [p, q, g, y].map(strip_zeros);
    let (p_bits, q_bits) = (bit_len(p), bit_len(q));
    if p_bits > limits::MAX_DSA_BITS {
        return Err(Error::limit(format!("DSA key larger than {} bits", limits::MAX_DSA_BITS)));
    }
    if q_bits < 2 || q_bits >= p_bits {
        return Err(bad_key("the subgroup order q is not between 2 and p"));
    }
    let (p, q) = (odd(p, "p is even")?, odd(q, "q is even")?);
    let in_range = |mag: &[u8]| below(mag, &p).filter(|x| bit_len(&x.to_be_bytes()) >= 2);
    let (Some(g), Some(y)) = (in_range(g), in_range(y)) else {
        return Err(bad_key("g or y is not between 2 and p - 1"));
    };
    let params = BoxedMontyParams::new_vartime(p);
    let (g, y) = (BoxedMontyForm::new(g, &params), BoxedMontyForm::new(y, &params));
    if !is_one(&y.pow_bounded_exp(q.as_ref(), precision(q_bits)?).retrieve()) {
        return Err(bad_key("y is not in the subgroup of order q"));
    }
    Ok(DsaKey { q, g, y, p_bits, q_bits })
}

fn is_one(x: &BoxedUint) -> bool {
    *x.to_be_bytes_trimmed_vartime() == [1]
}

/// Dss-Sig-Value (RFC 3279 §2.2.2): SEQUENCE { r INTEGER, s INTEGER } in
/// DER. Read with the BER reader, then required to be the one DER encoding of
/// its two values, so no other bytes (a long-form length, a padded INTEGER, a
/// SET or [0] tag, trailing octets) carry the same signature.
fn signature_values(sig: &[u8]) -> Option<(&[u8], &[u8])> {
    let t = asn1::parse_single(sig).ok()?;
    let mut rd = t.children().ok()?;
    let r = rd.expect(Tag::INTEGER, "DSA signature r").ok()?.unsigned_integer().ok()?;
    let s = rd.expect(Tag::INTEGER, "DSA signature s").ok()?.unsigned_integer().ok()?;
    rd.finish("DSA signature").ok()?;
    (der_signature(r, s) == sig).then_some((r, s))
}

/// The DER Dss-Sig-Value of two magnitudes without leading zeros.
fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    let integer = |mag: &[u8]| {
        // X.690 §8.3: a zero is one octet; a set high bit needs a 00 before it.
        let pad = mag.first().is_none_or(|b| b & 0x80 != 0);
        let content = if pad { [&[0u8][..], mag].concat() } else { mag.to_vec() };
        tlv(0x02, &content)
    };
    tlv(0x30, &[integer(r), integer(s)].concat())
}

/// z: the leftmost min(N, outlen) bits of the hash (FIPS 186-4 §4.6), as an
/// integer reduced modulo q.
fn leftmost(hashed: &[u8], q: &Odd<BoxedUint>, q_bits: usize) -> BoxedUint {
    let bytes = hashed.get(..q_bits.div_ceil(8)).unwrap_or(hashed);
    let z = BoxedUint::from_be_slice_vartime(bytes);
    let extra = bytes.len().saturating_mul(8).saturating_sub(q_bits);
    // Fewer than 8 bits: the shift is within the integer's precision.
    let z = z.shr_vartime(u32::try_from(extra).unwrap_or(0)).unwrap_or(z);
    z.rem_vartime(q.as_nz_ref())
}

/// DSA signature verification (FIPS 186-4 §4.7) of the digest `hashed`.
pub fn verify(key: &DsaKey, hashed: &[u8], sig: &[u8]) -> bool {
    let Some((r_mag, s_mag)) = signature_values(sig) else { return false };
    let q = &key.q;
    // §4.7 step 1: 0 < r < q and 0 < s < q (a zero magnitude is empty).
    if r_mag.is_empty() || s_mag.is_empty() {
        return false;
    }
    let (Some(r), Some(s)) = (below(r_mag, q), below(s_mag, q)) else { return false };
    // Steps 2-3: w = s^-1 mod q (q is odd; s has no inverse only when q is
    // not prime), u1 = z·w mod q, u2 = r·w mod q.
    let Some(w) = Option::<BoxedUint>::from(s.invert_odd_mod_vartime(q)) else { return false };
    let q_nz: &NonZero<BoxedUint> = q.as_nz_ref();
    let u1 = leftmost(hashed, q, key.q_bits).mul_mod(&w, q_nz);
    let u2 = r.mul_mod(&w, q_nz);
    // Step 4: v = ((g^u1 · y^u2) mod p) mod q; step 5: valid when v = r.
    let Ok(bits) = precision(key.q_bits) else { return false };
    let v = double_pow(&key.g, &key.y, &u1, &u2, bits).retrieve().rem_vartime(q_nz);
    v.to_be_bytes_trimmed_vartime() == r.to_be_bytes_trimmed_vartime()
}

/// g^a · y^b in one left-to-right pass over the `bits` bits of both
/// exponents (Shamir's trick, HAC Algorithm 14.88): one squaring per bit
/// for the two powers together. The exponents are public (they come from
/// the signature and the digest), so the data-dependent sequence leaks
/// nothing.
fn double_pow(g: &BoxedMontyForm, y: &BoxedMontyForm, a: &BoxedUint, b: &BoxedUint, bits: u32) -> BoxedMontyForm {
    let gy = g.mul(y);
    let mut z = BoxedMontyForm::one(g.params());
    for i in (0..bits).rev() {
        z = z.square();
        match (bool::from(a.bit(i)), bool::from(b.bit(i))) {
            (true, true) => z = z.mul(&gy),
            (true, false) => z = z.mul(g),
            (false, true) => z = z.mul(y),
            (false, false) => {}
        }
    }
    z
}
