//! Digest and signature algorithms (RFC 8551 §2.1–2.2, RFC 5754, RFC 3370,
//! RFC 4056, RFC 5758, RFC 8419) and public keys (RFC 5480, RFC 8410).
//! Weak algorithms are refused unless the policy allows legacy (R27, R28).

#[cfg(feature = "rust-crypto")]
use signature::hazmat::PrehashVerifier;

use super::rsa::bit_len;
use crate::asn1::{self, oid, AlgorithmIdentifier, Tag};
use crate::error::{Code, Error, Result};
use crate::limits;
use crate::pki::cert::PublicKeyInfo;
use crate::policy::Policy;

/// A digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestAlg {
    /// MD5: broken, legacy only.
    Md5,
    /// SHA-1: historic (RFC 8551 §2.1), legacy only.
    Sha1,
    /// SHA-224 (RFC 5754).
    Sha224,
    /// SHA-256: MUST (RFC 8551 §2.1).
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512: MUST (RFC 8551 §2.1).
    Sha512,
}

impl DigestAlg {
    /// From an OID.
    pub fn from_oid(o: &[u8]) -> Option<DigestAlg> {
        Some(match o {
            oid::MD5 => DigestAlg::Md5,
            oid::SHA1 => DigestAlg::Sha1,
            oid::SHA224 => DigestAlg::Sha224,
            oid::SHA256 => DigestAlg::Sha256,
            oid::SHA384 => DigestAlg::Sha384,
            oid::SHA512 => DigestAlg::Sha512,
            _ => return None,
        })
    }

    /// Parse an AlgorithmIdentifier; parameters must be absent or NULL
    /// (RFC 5754 §2).
    pub fn parse(alg: &AlgorithmIdentifier<'_>) -> Result<DigestAlg> {
        let d = DigestAlg::from_oid(alg.oid).ok_or_else(|| {
            Error::new(Code::UnsupportedAlgorithm, format!("digest algorithm {} is not supported", oid::to_dotted(alg.oid)))
        })?;
        if !alg.params_absent_or_null() {
            return Err(Error::malformed("digest algorithm with unexpected parameters"));
        }
        Ok(d)
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlg::Md5 => "md5",
            DigestAlg::Sha1 => "sha-1",
            DigestAlg::Sha224 => "sha-224",
            DigestAlg::Sha256 => "sha-256",
            DigestAlg::Sha384 => "sha-384",
            DigestAlg::Sha512 => "sha-512",
        }
    }

    /// OID content bytes.
    pub fn oid(self) -> &'static [u8] {
        match self {
            DigestAlg::Md5 => oid::MD5,
            DigestAlg::Sha1 => oid::SHA1,
            DigestAlg::Sha224 => oid::SHA224,
            DigestAlg::Sha256 => oid::SHA256,
            DigestAlg::Sha384 => oid::SHA384,
            DigestAlg::Sha512 => oid::SHA512,
        }
    }

    /// MD5 and SHA-1 are not collision resistant (RFC 8551 §2.1, R27).
    pub fn is_weak(self) -> bool {
        matches!(self, DigestAlg::Md5 | DigestAlg::Sha1)
    }

    /// Digest of the concatenation of `parts`.
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut h = D::new();
            for p in parts {
                h.update(p);
            }
            h.finalize().to_vec()
        }
        match self {
            DigestAlg::Md5 => run::<md5::Md5>(parts),
            DigestAlg::Sha1 => run::<sha1::Sha1>(parts),
            DigestAlg::Sha224 => run::<sha2::Sha224>(parts),
            DigestAlg::Sha256 => run::<sha2::Sha256>(parts),
            DigestAlg::Sha384 => run::<sha2::Sha384>(parts),
            DigestAlg::Sha512 => run::<sha2::Sha512>(parts),
        }
    }
}

/// A signature scheme named by a signatureAlgorithm identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigScheme {
    /// RSASSA-PKCS1-v1_5. `hash` is `None` for plain rsaEncryption, where the
    /// digest algorithm decides (RFC 3370 §3.2).
    RsaPkcs1 {
        /// Hash named by the OID, if any.
        hash: Option<DigestAlg>,
    },
    /// RSASSA-PSS with its parameters (RFC 4056).
    RsaPss {
        /// hashAlgorithm.
        hash: DigestAlg,
        /// MGF1's hash.
        mgf_hash: DigestAlg,
        /// saltLength.
        salt_len: usize,
    },
    /// ECDSA; `hash` is `None` when the identifier is id-ecPublicKey.
    Ecdsa {
        /// Hash named by the OID, if any.
        hash: Option<DigestAlg>,
    },
    /// PureEdDSA Ed25519 (RFC 8419).
    Ed25519,
    /// DSA; `hash` is `None` for id-dsa.
    Dsa {
        /// Hash named by the OID, if any.
        hash: Option<DigestAlg>,
    },
}

fn unsupported(what: &str, o: &[u8]) -> Error {
    Error::new(Code::UnsupportedAlgorithm, format!("{what} {} is not supported", oid::to_dotted(o)))
}

impl SigScheme {
    /// Parse a signatureAlgorithm identifier.
    pub fn parse(alg: &AlgorithmIdentifier<'_>) -> Result<SigScheme> {
        let rsa = |hash| -> Result<SigScheme> {
            // RFC 3370 §3.2 / RFC 4055 §5: parameters NULL (or absent, seen in the wild).
            if !alg.params_absent_or_null() {
                return Err(Error::malformed("RSA signature algorithm with unexpected parameters"));
            }
            Ok(SigScheme::RsaPkcs1 { hash })
        };
        let ecdsa = |hash| -> Result<SigScheme> {
            // RFC 5758 §3.2: parameters absent. NULL is tolerated.
            if !alg.params_absent_or_null() {
                return Err(Error::malformed("ECDSA signature algorithm with parameters"));
            }
            Ok(SigScheme::Ecdsa { hash })
        };
        let dsa = |hash| -> Result<SigScheme> {
            if !alg.params_absent_or_null() {
                return Err(Error::malformed("DSA signature algorithm with parameters"));
            }
            Ok(SigScheme::Dsa { hash })
        };
        match alg.oid {
            oid::RSA_ENCRYPTION => rsa(None),
            oid::MD5_WITH_RSA => rsa(Some(DigestAlg::Md5)),
            oid::SHA1_WITH_RSA => rsa(Some(DigestAlg::Sha1)),
            oid::SHA224_WITH_RSA => rsa(Some(DigestAlg::Sha224)),
            oid::SHA256_WITH_RSA => rsa(Some(DigestAlg::Sha256)),
            oid::SHA384_WITH_RSA => rsa(Some(DigestAlg::Sha384)),
            oid::SHA512_WITH_RSA => rsa(Some(DigestAlg::Sha512)),
            oid::RSASSA_PSS => parse_pss(alg),
            oid::EC_PUBLIC_KEY => ecdsa(None),
            oid::ECDSA_WITH_SHA1 => ecdsa(Some(DigestAlg::Sha1)),
            oid::ECDSA_WITH_SHA224 => ecdsa(Some(DigestAlg::Sha224)),
            oid::ECDSA_WITH_SHA256 => ecdsa(Some(DigestAlg::Sha256)),
            oid::ECDSA_WITH_SHA384 => ecdsa(Some(DigestAlg::Sha384)),
            oid::ECDSA_WITH_SHA512 => ecdsa(Some(DigestAlg::Sha512)),
            oid::ED25519 => {
                // RFC 8410 §3: parameters MUST be absent.
                if alg.params.is_some() {
                    return Err(Error::malformed("Ed25519 algorithm with parameters"));
                }
                Ok(SigScheme::Ed25519)
            }
            oid::DSA => dsa(None),
            oid::DSA_WITH_SHA1 => dsa(Some(DigestAlg::Sha1)),
            oid::DSA_WITH_SHA224 => dsa(Some(DigestAlg::Sha224)),
            oid::DSA_WITH_SHA256 => dsa(Some(DigestAlg::Sha256)),
            o => Err(unsupported("signature algorithm", o)),
        }
    }

    /// The hash the identifier itself names.
    pub fn named_hash(self) -> Option<DigestAlg> {
        match self {
            SigScheme::RsaPkcs1 { hash } | SigScheme::Ecdsa { hash } | SigScheme::Dsa { hash } => hash,
            SigScheme::RsaPss { hash, .. } => Some(hash),
            SigScheme::Ed25519 => Some(DigestAlg::Sha512),
        }
    }

    /// Display name, given the digest actually used and the key.
    pub fn display(self, digest: DigestAlg, key: Option<&PublicKey>) -> String {
        let h = self.named_hash().unwrap_or(digest).name().replace('-', "");
        match self {
            SigScheme::RsaPkcs1 { .. } => format!("rsa-pkcs1-{h}"),
            SigScheme::RsaPss { .. } => format!("rsa-pss-{h}"),
            SigScheme::Ecdsa { .. } => {
                let curve = match key {
                    Some(PublicKey::P256(_)) => "p256-",
                    Some(PublicKey::P384(_)) => "p384-",
                    Some(PublicKey::P521(_)) => "p521-",
                    _ => "",
                };
                format!("ecdsa-{curve}{h}")
            }
            SigScheme::Ed25519 => "ed25519".to_owned(),
            SigScheme::Dsa { .. } => format!("dsa-{h}"),
        }
    }
}

/// RSASSA-PSS-params (RFC 4055 §3.1), each field EXPLICIT-tagged with a default.
fn parse_pss(alg: &AlgorithmIdentifier<'_>) -> Result<SigScheme> {
    let mut hash = DigestAlg::Sha1;
    let mut mgf_hash = DigestAlg::Sha1;
    let mut salt_len: u32 = 20;
    if let Some(p) = &alg.params {
        p.check(Tag::SEQUENCE, "RSASSA-PSS-params")?;
        let mut r = p.children()?;
        if let Some(h) = r.read_if(|t| *t == Tag::context(0, true))? {
            let mut hr = h.children()?;
            hash = DigestAlg::parse(&AlgorithmIdentifier::parse(&hr.read("hashAlgorithm")?)?)?;
            hr.finish("hashAlgorithm")?;
        }
        if let Some(m) = r.read_if(|t| *t == Tag::context(1, true))? {
            let mut mr = m.children()?;
            let mgf = AlgorithmIdentifier::parse(&mr.read("maskGenAlgorithm")?)?;
            mr.finish("maskGenAlgorithm")?;
            if mgf.oid != oid::MGF1 {
                return Err(unsupported("PSS mask generation function", mgf.oid));
            }
            let inner = mgf.params.ok_or_else(|| Error::malformed("MGF1 without a hash"))?;
            mgf_hash = DigestAlg::parse(&AlgorithmIdentifier::parse(&inner)?)?;
        }
        if let Some(s) = r.read_if(|t| *t == Tag::context(2, true))? {
            let mut sr = s.children()?;
            salt_len = sr.expect(Tag::INTEGER, "saltLength")?.small_uint()?;
            sr.finish("saltLength")?;
        }
        if let Some(t) = r.read_if(|t| *t == Tag::context(3, true))? {
            let mut tr = t.children()?;
            // RFC 4055 §3.1: trailerField MUST be 1.
            if tr.expect(Tag::INTEGER, "trailerField")?.small_uint()? != 1 {
                return Err(Error::malformed("PSS trailerField other than 1"));
            }
            tr.finish("trailerField")?;
        }
        r.finish("RSASSA-PSS-params")?;
    }
    // RFC 8551 §2.2 / RFC 4056 §3: the MGF1 hash is the same as the message
    // hash in every profile we accept.
    if mgf_hash != hash {
        return Err(Error::new(
            Code::UnsupportedAlgorithm,
            "RSASSA-PSS with an MGF1 hash different from the message hash is not supported",
        ));
    }
    Ok(SigScheme::RsaPss { hash, mgf_hash, salt_len: usize::try_from(salt_len).unwrap_or(usize::MAX) })
}

/// Restrictions a certificate key places on the signature scheme.
///
/// An id-RSASSA-PSS key may be used only with RSASSA-PSS (RFC 4055 §1.2), and
/// when its parameters are present the signature must use the same hash and
/// MGF and a salt at least as long (RFC 4055 §3.3, RFC 4056 §3).
pub fn check_key_restrictions(spki: &PublicKeyInfo, scheme: SigScheme) -> Result<()> {
    if spki.algorithm != oid::RSASSA_PSS {
        return Ok(());
    }
    let SigScheme::RsaPss { hash, mgf_hash, salt_len } = scheme else {
        return Err(mismatch("an RSASSA-PSS key signed with another scheme"));
    };
    let Some(raw) = spki.params.as_deref() else { return Ok(()) };
    let params = asn1::parse_single(raw)?;
    let key_alg = AlgorithmIdentifier { oid: oid::RSASSA_PSS, params: Some(params) };
    if let SigScheme::RsaPss { hash: kh, mgf_hash: km, salt_len: ks } = parse_pss(&key_alg)? {
        if kh != hash || km != mgf_hash {
            return Err(mismatch("the RSASSA-PSS signature uses another hash than its key allows"));
        }
        if salt_len < ks {
            return Err(mismatch("the RSASSA-PSS salt is shorter than its key requires"));
        }
    }
    Ok(())
}

// The key types: the pure-Rust crates' with `rust-crypto`, else SPKI DER for
// an external checker (cms::raw_key, issue 10).
#[cfg(feature = "rust-crypto")]
type P256Key = p256::ecdsa::VerifyingKey;
#[cfg(feature = "rust-crypto")]
type P384Key = p384::ecdsa::VerifyingKey;
#[cfg(feature = "rust-crypto")]
type P521Key = p521::ecdsa::VerifyingKey;
#[cfg(feature = "rust-crypto")]
type Ed25519Key = ed25519_dalek::VerifyingKey;
#[cfg(feature = "rust-crypto")]
type DsaKey = super::dsa::DsaKey;
#[cfg(not(feature = "rust-crypto"))]
pub use super::raw_key::{decode_key, verify_prehashed};
#[cfg(not(feature = "rust-crypto"))]
use super::raw_key::{RawDsa as DsaKey, RawKey as P256Key, RawKey as P384Key, RawKey as P521Key, RawKey as Ed25519Key};

/// A decoded public key.
#[derive(Clone)]
pub enum PublicKey {
    /// RSA (rsaEncryption or id-RSASSA-PSS SPKI).
    Rsa(super::rsa::RsaKey),
    /// ECDSA P-256.
    P256(P256Key),
    /// ECDSA P-384.
    P384(P384Key),
    /// ECDSA P-521.
    P521(P521Key),
    /// Ed25519.
    Ed25519(Ed25519Key),
    /// DSA (legacy).
    Dsa(DsaKey),
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let kind = match self {
            PublicKey::Rsa(k) => return write!(f, "PublicKey::Rsa({} bits)", k.bits()),
            PublicKey::P256(_) => "P256",
            PublicKey::P384(_) => "P384",
            PublicKey::P521(_) => "P521",
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::Dsa(_) => "Dsa",
        };
        write!(f, "PublicKey::{kind}")
    }
}

fn bad_key(detail: impl Into<String>) -> Error {
    Error::new(Code::BadKey, detail)
}

pub(super) fn ec_curve(spki: &PublicKeyInfo) -> Result<&'static str> {
    let p = spki.params.as_deref().ok_or_else(|| bad_key("EC key without curve parameters"))?;
    let t = asn1::parse_single(p).map_err(|_| bad_key("bad EC parameters"))?;
    if t.tag != Tag::OID {
        // RFC 5480 §2.1.1: only namedCurve is allowed.
        return Err(Error::new(Code::UnsupportedAlgorithm, "EC key with explicit curve parameters"));
    }
    match t.content {
        oid::CURVE_P256 => Ok("p256"),
        oid::CURVE_P384 => Ok("p384"),
        oid::CURVE_P521 => Ok("p521"),
        o => Err(unsupported("elliptic curve", o)),
    }
}

pub(super) fn two_integers(der: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let t = asn1::parse_single(der)?;
    t.check(Tag::SEQUENCE, "key")?;
    let mut r = t.children()?;
    let a = r.expect(Tag::INTEGER, "integer")?.unsigned_integer()?.to_vec();
    let b = r.expect(Tag::INTEGER, "integer")?.unsigned_integer()?.to_vec();
    r.finish("key")?;
    Ok((a, b))
}

/// A DSA key's domain parameters: its own, or those inherited from the
/// issuing CA (RFC 3279 §2.3.2).
pub(super) fn dsa_params<'a>(spki: &'a PublicKeyInfo, inherited: Option<&'a [u8]>) -> Result<&'a [u8]> {
    match spki.explicit_params() {
        Some(p) => Ok(p),
        None => inherited.ok_or_else(|| {
            Error::new(
                Code::UnsupportedAlgorithm,
                "DSA key without parameters: they are inherited from the issuing CA, which this check does not have",
            )
        }),
    }
}

/// Decode a SubjectPublicKeyInfo. `inherited_dsa_params` supplies DSA
/// parameters from the issuer when the certificate omits them (RFC 3279
/// §2.3.2); without them such a key cannot be used.
#[cfg(feature = "rust-crypto")]
pub fn decode_key(spki: &PublicKeyInfo, inherited_dsa_params: Option<&[u8]>) -> Result<PublicKey> {
    match spki.algorithm.as_slice() {
        oid::RSA_ENCRYPTION | oid::RSASSA_PSS => {
            let (n, e) = two_integers(&spki.key).map_err(|_| bad_key("bad RSA public key"))?;
            super::rsa::public_key(&n, &e).map(PublicKey::Rsa)
        }
        oid::EC_PUBLIC_KEY => match ec_curve(spki)? {
            "p256" => p256::ecdsa::VerifyingKey::from_sec1_bytes(&spki.key).map(PublicKey::P256).map_err(|_| bad_key("bad P-256 point")),
            "p384" => p384::ecdsa::VerifyingKey::from_sec1_bytes(&spki.key).map(PublicKey::P384).map_err(|_| bad_key("bad P-384 point")),
            _ => p521::ecdsa::VerifyingKey::from_sec1_bytes(&spki.key).map(PublicKey::P521).map_err(|_| bad_key("bad P-521 point")),
        },
        oid::ED25519 => {
            let bytes: [u8; 32] = spki.key.as_slice().try_into().map_err(|_| bad_key("Ed25519 key is not 32 bytes"))?;
            ed25519_dalek::VerifyingKey::from_bytes(&bytes).map(PublicKey::Ed25519).map_err(|_| bad_key("bad Ed25519 key"))
        }
        oid::DSA => {
            let params = dsa_params(spki, inherited_dsa_params)?;
            let t = asn1::parse_single(params).map_err(|_| bad_key("bad DSA parameters"))?;
            let mut r = t.children().map_err(|_| bad_key("bad DSA parameters"))?;
            let mut next = || -> Result<&[u8]> { r.expect(Tag::INTEGER, "DSA parameter")?.unsigned_integer() };
            let (p, q, g) = (next()?, next()?, next()?);
            let y_t = asn1::parse_single(&spki.key).map_err(|_| bad_key("bad DSA public key"))?;
            let y = y_t.unsigned_integer().map_err(|_| bad_key("bad DSA public key"))?;
            super::dsa::public_key(p, q, g, y).map(PublicKey::Dsa)
        }
        o => Err(unsupported("public key algorithm", o)),
    }
}

/// Short description of a key for display: "rsa-2048", "ec-p256", "ed25519"...
pub fn describe_key(spki: &PublicKeyInfo) -> String {
    match spki.algorithm.as_slice() {
        oid::RSA_ENCRYPTION | oid::RSASSA_PSS => match two_integers(&spki.key) {
            Ok((n, _)) => format!("rsa-{}", bit_len(&n)),
            Err(_) => "rsa".to_owned(),
        },
        oid::EC_PUBLIC_KEY => format!("ec-{}", ec_curve(spki).unwrap_or("unknown")),
        oid::ED25519 => "ed25519".to_owned(),
        oid::ED448 => "ed448".to_owned(),
        oid::DSA => {
            // The size of p, when the parameters are in the certificate.
            let p_bits = spki.params.as_deref().and_then(|p| {
                let t = asn1::parse_single(p).ok()?;
                let mut r = t.children().ok()?;
                let p = r.expect(Tag::INTEGER, "p").ok()?.unsigned_integer().ok()?;
                Some(bit_len(p))
            });
            p_bits.map_or_else(|| "dsa".to_owned(), |b| format!("dsa-{b}"))
        }
        o => oid::to_dotted(o),
    }
}

fn weak(detail: impl Into<String>) -> Error {
    Error::new(Code::WeakAlgorithm, detail)
}

fn mismatch(detail: impl Into<String>) -> Error {
    Error::new(Code::AlgorithmMismatch, detail)
}

/// Policy checks that need no cryptography: run before any signature math so
/// a refused algorithm is reported as such (R27, R28).
pub fn check_policy(key: &PublicKey, scheme: SigScheme, digest: DigestAlg, policy: &Policy) -> Result<()> {
    if digest.is_weak() && !policy.allow_legacy {
        return Err(weak(format!("digest algorithm {} is refused", digest.name())));
    }
    if let Some(h) = scheme.named_hash() {
        if h.is_weak() && !policy.allow_legacy {
            return Err(weak(format!("signature hash {} is refused", h.name())));
        }
    }
    match key {
        PublicKey::Rsa(k) => {
            let bits = k.bits();
            // RFC 8551 §6 / R28: under 1024 bits never; under 2048 only as legacy.
            if bits < limits::MIN_RSA_BITS_LEGACY {
                return Err(weak(format!("RSA key of {bits} bits is too small to trust")));
            }
            if bits < limits::MIN_RSA_BITS && !policy.allow_legacy {
                return Err(weak(format!("RSA key of {bits} bits is refused (minimum {})", limits::MIN_RSA_BITS)));
            }
        }
        PublicKey::Dsa(_) if !policy.allow_legacy => return Err(weak("DSA signatures are refused")),
        _ => {}
    }
    Ok(())
}

/// The hash the signature algorithm names must be the digest used (RFC 4056
/// §3 for PSS; RFC 8419 §3 requires SHA-512 for Ed25519).
pub fn check_agreement(scheme: SigScheme, digest: DigestAlg) -> Result<()> {
    match scheme.named_hash() {
        Some(h) if h != digest => {
            Err(mismatch(format!("signature algorithm uses {} but the digest algorithm is {}", h.name(), digest.name())))
        }
        _ => Ok(()),
    }
}

/// Verify `sig` over `message` with `key` under `scheme`, hashing with
/// `digest` (the SignerInfo digestAlgorithm, or the certificate signature's
/// own hash). Algorithm agreement and policy are checked first.
pub fn verify(key: &PublicKey, scheme: SigScheme, digest: DigestAlg, message: &[u8], sig: &[u8], policy: &Policy) -> Result<()> {
    check_agreement(scheme, digest)?;
    check_policy(key, scheme, digest, policy)?;
    let hashed = if scheme == SigScheme::Ed25519 { Vec::new() } else { digest.digest(&[message]) };
    verify_prehashed(key, scheme, digest, message, &hashed, sig)
}

/// The public-key operation alone: `sig` over `message`, whose `digest` hash is
/// `hashed` (pure Ed25519 reads `message`, every other scheme `hashed`).
/// Agreement and policy are the caller's (see [`verify`]). This is the one
/// place a signature is checked; callers charge it to the message's
/// [`crate::budget::WorkBudget`].
#[cfg(feature = "rust-crypto")]
pub fn verify_prehashed(key: &PublicKey, scheme: SigScheme, digest: DigestAlg, message: &[u8], hashed: &[u8], sig: &[u8]) -> Result<()> {
    let bad = || Error::new(Code::BadSignature, "the signature value does not verify under the signer's public key");
    match (scheme, key) {
        (SigScheme::RsaPkcs1 { .. }, PublicKey::Rsa(k)) => super::rsa::verify_pkcs1(k, digest, hashed, sig).then_some(()).ok_or_else(bad),
        (SigScheme::RsaPss { hash, salt_len, .. }, PublicKey::Rsa(k)) => {
            super::rsa::verify_pss(k, hash, salt_len, hashed, sig).then_some(()).ok_or_else(bad)
        }
        (SigScheme::Ecdsa { .. }, PublicKey::P256(k)) => {
            let s = p256::ecdsa::Signature::from_der(sig).map_err(|_| bad())?;
            k.verify_prehash(hashed, &s).map_err(|_| bad())
        }
        (SigScheme::Ecdsa { .. }, PublicKey::P384(k)) => {
            let s = p384::ecdsa::Signature::from_der(sig).map_err(|_| bad())?;
            k.verify_prehash(hashed, &s).map_err(|_| bad())
        }
        (SigScheme::Ecdsa { .. }, PublicKey::P521(k)) => {
            let s = p521::ecdsa::Signature::from_der(sig).map_err(|_| bad())?;
            k.verify_prehash(hashed, &s).map_err(|_| bad())
        }
        (SigScheme::Ed25519, PublicKey::Ed25519(k)) => {
            let s = ed25519_dalek::Signature::from_slice(sig).map_err(|_| bad())?;
            k.verify_strict(message, &s).map_err(|_| bad())
        }
        (SigScheme::Dsa { .. }, PublicKey::Dsa(k)) => {
            if super::dsa::verify(k, hashed, sig) {
                Ok(())
            } else {
                Err(bad())
            }
        }
        _ => Err(mismatch("the signature algorithm does not fit the signer's key type")),
    }
}

#[cfg(test)]
mod pss_key_tests {
    use super::*;

    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, content.len() as u8];
        v.extend_from_slice(content);
        v
    }

    /// RSASSA-PSS-params { SHA-256, MGF1(SHA-256), salt }.
    fn pss_params(salt: u8) -> Vec<u8> {
        let sha256 = der(0x30, &der(0x06, oid::SHA256));
        let mgf = der(0x30, &[der(0x06, oid::MGF1), sha256.clone()].concat());
        der(0x30, &[der(0xa0, &sha256), der(0xa1, &mgf), der(0xa2, &der(0x02, &[salt]))].concat())
    }

    #[test]
    fn pss_key_restrictions_table() {
        let key = |params: Option<Vec<u8>>| PublicKeyInfo { algorithm: oid::RSASSA_PSS.to_vec(), params, key: Vec::new() };
        let pss = |hash, salt| SigScheme::RsaPss { hash, mgf_hash: hash, salt_len: salt };
        let cases: &[(PublicKeyInfo, SigScheme, Option<Code>)] = &[
            (key(Some(pss_params(32))), pss(DigestAlg::Sha256, 32), None),
            (key(Some(pss_params(32))), pss(DigestAlg::Sha256, 64), None),
            (key(Some(pss_params(32))), pss(DigestAlg::Sha256, 20), Some(Code::AlgorithmMismatch)),
            (key(Some(pss_params(32))), pss(DigestAlg::Sha512, 64), Some(Code::AlgorithmMismatch)),
            (key(None), pss(DigestAlg::Sha384, 48), None),
            (key(None), SigScheme::RsaPkcs1 { hash: Some(DigestAlg::Sha256) }, Some(Code::AlgorithmMismatch)),
            (PublicKeyInfo { algorithm: oid::RSA_ENCRYPTION.to_vec(), params: None, key: Vec::new() }, pss(DigestAlg::Sha256, 32), None),
        ];
        for (i, (spki, scheme, want)) in cases.iter().enumerate() {
            assert_eq!(check_key_restrictions(spki, *scheme).err().map(|e| e.code), *want, "case {i}");
        }
    }
}
