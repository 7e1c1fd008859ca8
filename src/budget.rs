//! The per-message work budget (issue 9 §1; DESIGN.md "Threat model").
//!
//! One [`WorkBudget`] is created for each message a [`crate::Verifier`]
//! judges and is shared by everything whose work grows with what the message
//! carries: the signer-candidate checks of the signature layer, path building
//! and validation, and the CRL signer search, at both validation times. Every
//! public-key operation, key decoding, hash, path search step and name
//! comparison is charged in work units (`limits::MAX_WORK_UNITS_PER_MESSAGE`;
//! the cost model's figures and their reasons are in `src/limits.rs`). A
//! charge that would pass the limit is refused with `work-budget-exceeded`,
//! and from then on every charge is refused: exhaustion is final, so no later
//! check can be skipped silently.
//!
//! Signature checks are remembered: an identical check (same key, scheme,
//! digest of the signed bytes and signature) is done once per message and
//! afterwards costs a lookup ([`limits::WORK_UNITS_MEMO_LOOKUP`]) plus the
//! hashing that identifies it, so repeating a check cannot escape the budget.
//!
//! A budget made [`WorkBudget::with_seam`] also consults the verifier-level
//! memo and routes unknown checks through the crypto seam (src/crypto/): a
//! check remembered from an earlier message is charged as a lookup, one first
//! done for this message as an operation, on either route.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::asn1::{self, oid};
use crate::cms::alg::{self, DigestAlg, PublicKey, SigScheme};
use crate::crypto::{Known, KnownKey, MessageChecks, SharedMemo};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::pki::cert::{Certificate, PublicKeyInfo};
use crate::pki::name::Name;
use crate::policy::Policy;
use crate::report::CertificateInfo;

/// Counters of the work spent on one message: tests assert on these instead
/// of on time, and the benchmark prints them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkStats {
    /// Work units spent (never above `limit`).
    pub units: u64,
    /// The budget.
    pub limit: u64,
    /// Public-key operations run (signature checks not answered by the memo).
    pub public_key_ops: u64,
    /// Signature checks answered by the memo.
    pub memo_hits: u64,
    /// Public keys decoded (not answered by the key cache).
    pub keys_decoded: u64,
    /// Octets hashed.
    pub bytes_hashed: u64,
    /// Path search steps (candidate issuers tried, dead ends, depth stops).
    pub path_steps: u64,
    /// Complete candidate paths validated.
    pub path_candidates: u64,
    /// Name comparisons made by path building.
    pub name_comparisons: u64,
    /// True once a charge was refused.
    pub exhausted: bool,
}

/// A decoded public key with its identity and the cost of one operation.
#[derive(Clone, Debug)]
pub struct Key {
    /// The key.
    pub public: PublicKey,
    /// SHA-256 over the encoded key (algorithm, parameters, inherited DSA
    /// parameters, key bits): the key's identity in the memo.
    pub id: [u8; 32],
    /// Work units of one operation with this key.
    pub cost: u64,
    /// The key as encoded (for routes that import it, such as WebCrypto).
    pub spki: Arc<PublicKeyInfo>,
}

/// One signature check.
#[derive(Clone, Copy, Debug)]
pub struct SignatureCheck<'a> {
    /// The signature scheme.
    pub scheme: SigScheme,
    /// The digest algorithm.
    pub digest: DigestAlg,
    /// The signed bytes.
    pub message: &'a [u8],
    /// `digest` of `message` when the caller has it already (the content
    /// digests of the signature layer); computed and charged otherwise.
    pub hashed: Option<&'a [u8]>,
    /// The signature value.
    pub signature: &'a [u8],
}

/// True for the codes that mean "a budget ran out": the work was not done,
/// so such an error must end the search rather than count as a failed check.
pub fn is_exhaustion(code: Code) -> bool {
    matches!(code, Code::WorkBudgetExceeded | Code::PathBudgetExceeded)
}

/// Work units of one operation with `key` (see the figures in `limits`).
pub fn key_cost(key: &PublicKey) -> u64 {
    match key {
        PublicKey::Rsa(k) => rsa_cost(k.bits(), k.exponent_bits()),
        PublicKey::P256(_) => limits::WORK_UNITS_P256,
        PublicKey::P384(_) => limits::WORK_UNITS_P384,
        PublicKey::P521(_) => limits::WORK_UNITS_P521,
        PublicKey::Ed25519(_) => limits::WORK_UNITS_ED25519,
        PublicKey::Dsa(k) => dsa_cost(k.p_bits(), k.q_bits()),
    }
}

/// Work units of hashing `len` octets with `alg`.
pub fn hash_cost(alg: DigestAlg, len: usize) -> u64 {
    let per_unit = match alg {
        DigestAlg::Sha1 | DigestAlg::Sha224 | DigestAlg::Sha256 => limits::WORK_BYTES_HASHED_PER_UNIT,
        DigestAlg::Md5 | DigestAlg::Sha384 | DigestAlg::Sha512 => limits::WORK_BYTES_HASHED_PER_UNIT_SLOW,
    };
    u64::try_from(len).unwrap_or(u64::MAX).div_ceil(per_unit.max(1))
}

/// Work units of decoding `spki` (charged before it is decoded): DSA checks
/// that the key lies in the subgroup (an exponentiation modulo p), EC and
/// Ed25519 keys are validated points (a compressed one costs a square root).
pub fn decode_cost(spki: &PublicKeyInfo, inherited_dsa_params: Option<&[u8]>) -> u64 {
    match spki.algorithm.as_slice() {
        oid::DSA => {
            let sizes = spki.explicit_params().or(inherited_dsa_params).and_then(|p| {
                let t = asn1::parse_single(p).ok()?;
                let mut r = t.children().ok()?;
                let p = r.next_tlv().ok()??.unsigned_integer().ok()?;
                let q = r.next_tlv().ok()??.unsigned_integer().ok()?;
                Some((crate::cms::rsa::bit_len(p), crate::cms::rsa::bit_len(q)))
            });
            let (p, q) = sizes.unwrap_or((0, 0));
            limits::WORK_UNITS_KEY_DECODE.saturating_add(dsa_cost(p.min(limits::MAX_DSA_BITS), q.min(limits::MAX_DSA_BITS)))
        }
        oid::EC_PUBLIC_KEY => limits::WORK_UNITS_KEY_DECODE_EC,
        oid::ED25519 => limits::WORK_UNITS_KEY_DECODE.saturating_add(limits::WORK_UNITS_ED25519 / 2),
        _ => limits::WORK_UNITS_KEY_DECODE,
    }
}

/// Work units of one [`Name::matches`] (see [`WorkBudget::names_match`]):
/// one, plus for each pair of RDNs of equal size the normalised octets of
/// every attribute pair and a fixed overhead per pair, per
/// `limits::WORK_NAME_OCTETS_PER_UNIT`.
pub fn name_cost(a: &Name, b: &Name) -> u64 {
    let raw = a.raw.len().saturating_add(b.raw.len());
    let mut octets = u64::try_from(raw).unwrap_or(u64::MAX);
    if a.raw != b.raw && a.rdns.len() == b.rdns.len() {
        for (x, y) in a.rdns.iter().zip(&b.rdns) {
            if x.len() != y.len() {
                continue;
            }
            let size = |r: &[crate::pki::name::Attribute]| r.iter().map(|t| t.value.len()).fold(0usize, usize::saturating_add);
            let pairs = x.len().saturating_mul(y.len());
            let work =
                y.len().saturating_mul(size(x)).saturating_add(x.len().saturating_mul(size(y))).saturating_add(pairs.saturating_mul(64));
            octets = octets.saturating_add(u64::try_from(work).unwrap_or(u64::MAX));
        }
    }
    1u64.saturating_add(octets / limits::WORK_NAME_OCTETS_PER_UNIT)
}

/// `base × (a / a0)² × (b / b0)`, rounded up, saturating.
fn scaled(base: u64, a: usize, a0: u64, b: usize, b0: u64) -> u64 {
    let (a, b) = (u128::try_from(a).unwrap_or(u128::MAX), u128::try_from(b).unwrap_or(u128::MAX));
    let num = u128::from(base).saturating_mul(a).saturating_mul(a).saturating_mul(b);
    let den = u128::from(a0).saturating_mul(u128::from(a0)).saturating_mul(u128::from(b0)).max(1);
    u64::try_from(num.div_ceil(den)).unwrap_or(u64::MAX)
}

/// RSA: the square of the modulus size times the exponent's length (at
/// least that of 65537, 17 bits).
pub fn rsa_cost(modulus_bits: usize, exponent_bits: usize) -> u64 {
    scaled(limits::WORK_UNITS_RSA_2048, modulus_bits, 2048, exponent_bits.max(17), 17)
}

/// DSA: two exponentiations modulo p with exponents of q's size.
pub fn dsa_cost(p_bits: usize, q_bits: usize) -> u64 {
    scaled(limits::WORK_UNITS_DSA_2048, p_bits, 2048, q_bits.max(160), 256)
}

/// The scheme and its parameters, as memo key material.
fn scheme_id(scheme: SigScheme) -> [u8; 12] {
    let hash = |h: Option<DigestAlg>| h.map_or(0, |d| (d as u8).saturating_add(1));
    let (kind, a, b, salt) = match scheme {
        SigScheme::RsaPkcs1 { hash: h } => (1, hash(h), 0, 0),
        SigScheme::RsaPss { hash: h, mgf_hash, salt_len } => (2, hash(Some(h)), hash(Some(mgf_hash)), salt_len),
        SigScheme::Ecdsa { hash: h } => (3, hash(h), 0, 0),
        SigScheme::Ed25519 => (4, 0, 0, 0),
        SigScheme::Dsa { hash: h } => (5, hash(h), 0, 0),
    };
    let mut id = [0u8; 12];
    id[0] = kind;
    id[1] = a;
    id[2] = b;
    id[4..].copy_from_slice(&u64::try_from(salt).unwrap_or(u64::MAX).to_be_bytes());
    id
}

/// An RSA signature that is not exactly as long as the modulus is refused
/// without an exponentiation, so it is not charged as one.
fn cheap_reject(key: &PublicKey, signature: &[u8]) -> bool {
    matches!(key, PublicKey::Rsa(k) if signature.len() != k.size())
}

/// Length-prefixed parts into a hasher (no two part lists hash alike).
/// Length-prefixed `parts`, the input of an identity's SHA-256.
fn framed(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len().saturating_add(8)).sum());
    for p in parts {
        out.extend_from_slice(&u64::try_from(p.len()).unwrap_or(u64::MAX).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

/// What the memo remembers.
#[derive(Debug)]
enum Memo {
    Check(Result<()>),
    Key(Box<Result<Key>>),
}

/// The per-message budget, counters and memo.
#[derive(Debug)]
pub struct WorkBudget {
    stats: WorkStats,
    /// Graph edges visited, and paid for.
    edges: u64,
    edges_paid: u64,
    /// Signature checks and decoded keys, by their identities (distinct
    /// domains in the hash).
    memo: BTreeMap<[u8; 32], Memo>,
    /// The verifier-level memo and this message's checks, when verifying
    /// through the crypto seam.
    seam: Option<(SharedMemo, MessageChecks)>,
}

impl Default for WorkBudget {
    fn default() -> Self {
        WorkBudget::new()
    }
}

impl WorkBudget {
    /// A budget of `limits::MAX_WORK_UNITS_PER_MESSAGE`.
    pub fn new() -> Self {
        WorkBudget::with_limit(limits::MAX_WORK_UNITS_PER_MESSAGE)
    }

    /// A budget of `units` (tests and benchmarks).
    pub fn with_limit(units: u64) -> Self {
        WorkBudget { stats: WorkStats { limit: units, ..WorkStats::default() }, edges: 0, edges_paid: 0, memo: BTreeMap::new(), seam: None }
    }

    /// A budget of `units` that consults `memo` (shared by the messages of
    /// one verifier) and routes unknown checks as `checks` says.
    pub fn with_seam(units: u64, memo: SharedMemo, checks: MessageChecks) -> Self {
        WorkBudget { seam: Some((memo, checks)), ..WorkBudget::with_limit(units) }
    }

    /// The message's checks back, after a run made [`WorkBudget::with_seam`].
    pub fn take_checks(&mut self) -> Option<MessageChecks> {
        self.seam.take().map(|(_, c)| c)
    }

    /// The counters so far.
    pub fn stats(&self) -> WorkStats {
        self.stats
    }

    /// Spend `units` on `what`, or refuse (and stay refused) when the budget
    /// would be passed.
    pub fn charge(&mut self, units: u64, what: &str) -> Result<()> {
        let after = self.stats.units.checked_add(units).filter(|u| *u <= self.stats.limit);
        match after {
            Some(u) if !self.stats.exhausted => {
                self.stats.units = u;
                Ok(())
            }
            _ => {
                self.stats.exhausted = true;
                Err(Error::new(
                    Code::WorkBudgetExceeded,
                    format!("checking this message needs more than {} work units ({what})", self.stats.limit),
                ))
            }
        }
    }

    /// Hash `data`, charged by size and algorithm (also when the verifier's
    /// digest cache answers: the budget does not depend on what earlier
    /// messages left behind).
    pub fn hash(&mut self, alg: DigestAlg, data: &[u8]) -> Result<Vec<u8>> {
        self.charge_bytes(alg, data.len(), "hashing")?;
        Ok(self.digest(alg, data))
    }

    fn digest(&self, alg: DigestAlg, data: &[u8]) -> Vec<u8> {
        match &self.seam {
            Some((shared, _)) => shared.digest(alg, data),
            None => alg.digest(&[data]),
        }
    }

    /// A certificate's SHA-256 fingerprint (for its report), from the
    /// verifier's digest cache when an earlier message brought the same
    /// certificate. Not charged: a report's fingerprints are one pass over
    /// certificates the message already paid to parse.
    pub fn fingerprint(&self, cert: &Certificate) -> [u8; 32] {
        cert.fingerprint_with(|raw| self.sha256(raw))
    }

    /// A certificate's description for a report, formatted once per
    /// verifier (by fingerprint) when verifying through the seam.
    pub fn info(&self, cert: &Certificate) -> CertificateInfo {
        let Some((shared, _)) = &self.seam else { return cert.info() };
        let fingerprint = self.fingerprint(cert);
        if let Some(known) = shared.info(&fingerprint) {
            return (*known).clone();
        }
        let info = cert.info();
        shared.insert_info(fingerprint, Arc::new(info.clone()));
        info
    }

    /// SHA-256 over the framed `parts`: an identity in the memos.
    fn identity(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.sha256(&framed(parts))
    }

    /// SHA-256 of `data` (through the verifier's digest cache) as an array.
    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        if let Some(d) = self.digest(DigestAlg::Sha256, data).get(..32) {
            out.copy_from_slice(d);
        }
        out
    }

    /// Raise the limit by what hashing `len` octets with `alg` costs: the
    /// signature layer grants one pass over each form of the content (the
    /// message itself may be most of its 64 MiB, and must be hashed once
    /// whatever the budget); further passes are charged.
    pub fn grant_hashing(&mut self, alg: DigestAlg, len: usize) {
        self.stats.limit = self.stats.limit.saturating_add(hash_cost(alg, len));
    }

    fn charge_bytes(&mut self, alg: DigestAlg, len: usize, what: &str) -> Result<()> {
        self.charge(hash_cost(alg, len), what)?;
        self.stats.bytes_hashed = self.stats.bytes_hashed.saturating_add(u64::try_from(len).unwrap_or(u64::MAX));
        Ok(())
    }

    /// Scanning `len` octets (the entries of a CRL), charged like fast hashing.
    pub fn scan(&mut self, len: usize) -> Result<()> {
        self.charge(hash_cost(DigestAlg::Sha256, len), "reading revocation lists")
    }

    /// One path search step.
    pub fn path_step(&mut self) -> Result<()> {
        self.charge(limits::WORK_UNITS_PATH_STEP, "path search")?;
        self.stats.path_steps = self.stats.path_steps.saturating_add(1);
        Ok(())
    }

    /// One complete candidate path about to be validated.
    pub fn path_candidate(&mut self) -> Result<()> {
        self.charge(limits::WORK_UNITS_PATH_STEP, "path validation")?;
        self.stats.path_candidates = self.stats.path_candidates.saturating_add(1);
        Ok(())
    }

    /// Compare two names ([`Name::matches`]), charged beforehand by an upper
    /// bound of the comparison's work: it compares the attributes of equally
    /// long RDNs pairwise after normalising both values, so the cost grows
    /// with the product of the RDN sizes and with the values' lengths.
    pub fn names_match(&mut self, a: &Name, b: &Name) -> Result<bool> {
        self.charge(name_cost(a, b), "comparing certificate names")?;
        self.stats.name_comparisons = self.stats.name_comparisons.saturating_add(1);
        Ok(a.matches(b))
    }

    /// `n` issuer edges visited while computing which certificates can reach
    /// an anchor, paid per `WORK_GRAPH_EDGES_PER_UNIT`.
    pub fn graph_edges(&mut self, n: usize) -> Result<()> {
        let total = self.edges.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        let due = total.div_ceil(limits::WORK_GRAPH_EDGES_PER_UNIT);
        self.charge(due.saturating_sub(self.edges_paid), "searching certificate paths")?;
        self.edges_paid = due;
        self.edges = total;
        Ok(())
    }

    /// Decode a SubjectPublicKeyInfo (see [`alg::decode_key`]), once per
    /// message for each distinct key.
    pub fn key(&mut self, spki: &PublicKeyInfo, inherited_dsa_params: Option<&[u8]>) -> Result<Key> {
        let params = spki.params.as_deref();
        let id = self.identity(&[
            b"spki",
            &spki.algorithm,
            &[u8::from(params.is_some())],
            params.unwrap_or(&[]),
            &spki.key,
            &[u8::from(inherited_dsa_params.is_some())],
            inherited_dsa_params.unwrap_or(&[]),
        ]);
        self.charge_bytes(DigestAlg::Sha256, spki.key.len().saturating_add(params.map_or(0, <[u8]>::len)), "reading a public key")?;
        self.charge(limits::WORK_UNITS_MEMO_LOOKUP, "reading a public key")?;
        if let Some(Memo::Key(k)) = self.memo.get(&id) {
            return (**k).clone();
        }
        let known = match &self.seam {
            Some((shared, checks)) => checks.known_key(&id, shared),
            None => KnownKey::Unknown,
        };
        if let KnownKey::Remembered(k) = known {
            // Decoded for an earlier message: charged as the lookup above.
            let key = (*k).clone();
            self.memo.insert(id, Memo::Key(Box::new(key.clone())));
            return key;
        }
        self.charge(decode_cost(spki, inherited_dsa_params), "decoding a public key")?;
        self.stats.keys_decoded = self.stats.keys_decoded.saturating_add(1);
        let key = match known {
            // Decoded by an earlier round of this message, charged as then.
            KnownKey::Fresh(k) => k,
            _ => Arc::new(alg::decode_key(spki, inherited_dsa_params).map(|public| Key {
                cost: key_cost(&public),
                public,
                id,
                spki: Arc::new(spki.clone()),
            })),
        };
        self.memo.insert(id, Memo::Key(Box::new((*key).clone())));
        if let Some((_, checks)) = &mut self.seam {
            checks.decoded_key(id, Arc::clone(&key));
        }
        (*key).clone()
    }

    /// Check a signature: algorithm agreement and policy first (no
    /// cryptography), then the memo, then the public-key operation, charged
    /// by the key's cost before it runs.
    pub fn verify(&mut self, key: &Key, check: &SignatureCheck<'_>, policy: &Policy) -> Result<()> {
        let SignatureCheck { scheme, digest, message, hashed, signature } = *check;
        alg::check_agreement(scheme, digest)?;
        alg::check_policy(&key.public, scheme, digest, policy)?;
        let computed;
        let hashed = match hashed {
            Some(h) => h,
            None => {
                computed = self.hash(digest, message)?;
                &computed
            }
        };
        let id = self.identity(&[b"check", &key.id, &scheme_id(scheme), digest.oid(), hashed, signature]);
        self.charge(limits::WORK_UNITS_MEMO_LOOKUP, "looking up a signature check")?;
        if let Some(Memo::Check(r)) = self.memo.get(&id) {
            self.stats.memo_hits = self.stats.memo_hits.saturating_add(1);
            return r.clone();
        }
        if cheap_reject(&key.public, signature) {
            // Refused before any exponentiation (RFC 8017 §8.2.2 step 1).
            let r = Err(Error::new(Code::BadSignature, "the signature is not as long as the RSA modulus"));
            self.memo.insert(id, Memo::Check(r.clone()));
            return r;
        }
        let known = match &mut self.seam {
            Some((shared, checks)) => checks.known(&id, shared),
            None => Known::Unknown,
        };
        if let Known::Remembered(r) = known {
            // Done for an earlier message: charged as the lookup above.
            self.stats.memo_hits = self.stats.memo_hits.saturating_add(1);
            self.memo.insert(id, Memo::Check(r.clone()));
            return r;
        }
        // Unknown, or first answered for this message (in an earlier round):
        // charged as the operation it is on the Rust route.
        self.charge(key.cost, "public-key operations")?;
        if scheme == SigScheme::Ed25519 {
            // PureEdDSA hashes the whole message inside the check.
            self.charge_bytes(DigestAlg::Sha512, message.len(), "hashing")?;
        }
        self.stats.public_key_ops = self.stats.public_key_ops.saturating_add(1);
        let r = match (known, &mut self.seam) {
            (Known::Fresh(r), _) => r,
            (_, Some((_, checks))) => checks.run(id, key, check, hashed),
            (_, None) => alg::verify_prehashed(&key.public, scheme, digest, message, hashed, signature),
        };
        self.memo.insert(id, Memo::Check(r.clone()));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_model_scales() {
        assert_eq!(rsa_cost(2048, 17), limits::WORK_UNITS_RSA_2048);
        assert_eq!(rsa_cost(2048, 2), limits::WORK_UNITS_RSA_2048);
        assert_eq!(rsa_cost(4096, 17), 4 * limits::WORK_UNITS_RSA_2048);
        assert!(rsa_cost(2048, 32) > rsa_cost(2048, 17));
        assert_eq!(dsa_cost(2048, 256), limits::WORK_UNITS_DSA_2048);
    }

    #[test]
    fn exhaustion_is_final() {
        let mut b = WorkBudget::with_limit(10);
        assert!(b.charge(8, "a").is_ok());
        assert_eq!(b.charge(3, "b").unwrap_err().code, Code::WorkBudgetExceeded);
        // Even a charge that would fit is refused now.
        assert_eq!(b.charge(1, "c").unwrap_err().code, Code::WorkBudgetExceeded);
        assert_eq!(b.stats().units, 8);
        assert!(b.stats().exhausted);
    }

    #[test]
    fn name_cost_grows_with_rdn_size() {
        use crate::asn1::parse_single;
        // One RDN of k attributes (CN=a+CN=a+...), as DER.
        fn rdn_name(k: usize) -> Name {
            let atv = [0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'a'];
            let mut set = vec![0x31, 0x82];
            set.extend_from_slice(&u16::try_from(k * atv.len()).unwrap().to_be_bytes());
            for _ in 0..k {
                set.extend_from_slice(&atv);
            }
            let mut name = vec![0x30, 0x82];
            name.extend_from_slice(&u16::try_from(set.len()).unwrap().to_be_bytes());
            name.extend_from_slice(&set);
            Name::parse(&parse_single(&name).unwrap()).unwrap()
        }
        let (small, big) = (rdn_name(2), rdn_name(200));
        let mut other = rdn_name(200);
        other.raw.push(0); // not byte-identical: the slow path
        assert_eq!(name_cost(&small, &small), 1);
        // 200 x 200 pairs of 64 octets of overhead each, at least.
        assert!(name_cost(&big, &other) >= 200 * 200 * 64 / limits::WORK_NAME_OCTETS_PER_UNIT);
    }
}
