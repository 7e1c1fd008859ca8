//! EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with MGF1 (§B.2.1) over the message
//! hash, on an encoded message already recovered by RSAVP1.

use crate::cms::alg::DigestAlg;

/// Output length hLen of `hash` in octets.
fn hash_len(hash: DigestAlg) -> usize {
    match hash {
        DigestAlg::Md5 => 16,
        DigestAlg::Sha1 => 20,
        DigestAlg::Sha224 => 28,
        DigestAlg::Sha256 => 32,
        DigestAlg::Sha384 => 48,
        DigestAlg::Sha512 => 64,
    }
}

/// XOR `out` with MGF1(seed, out.len()) (RFC 8017 §B.2.1): the hashes of
/// seed || C for the 4-octet counters C = 0, 1, ... concatenated.
fn mgf1_xor(hash: DigestAlg, seed: &[u8], out: &mut [u8]) {
    let mut counter: u32 = 0;
    for chunk in out.chunks_mut(hash_len(hash)) {
        let block = hash.digest(&[seed, &counter.to_be_bytes()]);
        chunk.iter_mut().zip(block).for_each(|(o, m)| *o ^= m);
        counter = counter.wrapping_add(1);
    }
}

/// EMSA-PSS-VERIFY(M, EM, emBits) of RFC 8017 §9.1.2 where `m_hash` is
/// Hash(M) (step 2) and `em` the emLen = ceil(emBits / 8) octets of EM; the
/// salt is exactly `salt_len` octets.
pub(super) fn emsa_pss_verify(hash: DigestAlg, m_hash: &[u8], em: &[u8], em_bits: usize, salt_len: usize) -> bool {
    let h_len = hash_len(hash);
    let em_len = em.len();
    if m_hash.len() != h_len || em_len != em_bits.div_ceil(8) {
        return false;
    }
    // Step 3: emLen >= hLen + sLen + 2.
    let Some(db_len) = em_len.checked_sub(h_len).and_then(|l| l.checked_sub(1)) else { return false };
    let Some(zeros) = db_len.checked_sub(salt_len).and_then(|l| l.checked_sub(1)) else { return false };
    // Step 4: the rightmost octet is 0xbc.
    let Some((&0xbc, body)) = em.split_last() else { return false };
    // Step 5: maskedDB || H.
    let Some((masked_db, h)) = body.split_at_checked(db_len) else { return false };
    // Step 6: the leftmost 8emLen - emBits bits of maskedDB are zero.
    let unused = em_len.saturating_mul(8).saturating_sub(em_bits);
    let top_mask = u8::try_from(0xffu16 >> unused).unwrap_or(0);
    if masked_db.first().is_some_and(|b| b & !top_mask != 0) {
        return false;
    }
    // Steps 7–9: DB = maskedDB xor MGF1(H), its unused top bits cleared.
    let mut db = masked_db.to_vec();
    mgf1_xor(hash, h, &mut db);
    if let Some(first) = db.first_mut() {
        *first &= top_mask;
    }
    // Step 10: DB = PS (zeros) || 0x01 || salt.
    let Some((ps, rest)) = db.split_at_checked(zeros) else { return false };
    let Some((&0x01, salt)) = rest.split_first() else { return false };
    if ps.iter().any(|b| *b != 0) || salt.len() != salt_len {
        return false;
    }
    // Steps 11–14: H = Hash(0x00 * 8 || mHash || salt).
    hash.digest(&[&[0u8; 8], m_hash, salt]) == h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_lengths_match_the_digests() {
        for d in [DigestAlg::Md5, DigestAlg::Sha1, DigestAlg::Sha224, DigestAlg::Sha256, DigestAlg::Sha384, DigestAlg::Sha512] {
            assert_eq!(hash_len(d), d.digest(&[]).len(), "{d:?}");
        }
    }

    #[test]
    fn mgf1_sha1_counter_layout() {
        // MGF1 is Hash(seed || 00000000) || Hash(seed || 00000001) ...
        let mut out = vec![0u8; 30];
        mgf1_xor(DigestAlg::Sha1, b"seed", &mut out);
        let mut want = DigestAlg::Sha1.digest(&[b"seed", &[0, 0, 0, 0]]);
        want.extend(DigestAlg::Sha1.digest(&[b"seed", &[0, 0, 0, 1]]));
        want.truncate(30);
        assert_eq!(out, want);
    }
}
