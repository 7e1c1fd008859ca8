//! A generator of hostile inputs for the work-budget tests, the `hostile`
//! benchmark and the `path_mesh` fuzz target (issue 9 §1): certificates with
//! chosen names, keys and signatures built as DER by hand, CA meshes, SignedData
//! with many SignerInfos and candidate certificates, and real fixture messages
//! with extra certificates and CRLs injected into the parts the signature does
//! not cover.
//!
//! Junk signatures cost a verifier as much as real ones (an RSA signature
//! below the modulus is exponentiated before it is found wrong), so most
//! certificates need no private key. Real signatures use Ed25519 keys made
//! from fixed seeds.
#![allow(dead_code)]

use ed25519_dalek::{Signer, SigningKey};
use jmap_smime::asn1::oid;
use jmap_smime::cms::alg::DigestAlg;

// ---- DER ----

/// A TLV with a definite length.
pub fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let n = content.len();
    if n < 0x80 {
        v.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        v.push(0x80 | (bytes.len() - skip) as u8);
        v.extend_from_slice(&bytes[skip..]);
    }
    v.extend_from_slice(content);
    v
}
pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    der(0x30, &parts.concat())
}
pub fn set(parts: &[Vec<u8>]) -> Vec<u8> {
    der(0x31, &parts.concat())
}
pub fn oid_tlv(o: &[u8]) -> Vec<u8> {
    der(0x06, o)
}
/// A non-negative INTEGER from a big-endian magnitude.
pub fn uint(mag: &[u8]) -> Vec<u8> {
    let mut m: Vec<u8> = mag.iter().copied().skip_while(|b| *b == 0).collect();
    if m.is_empty() || m[0] & 0x80 != 0 {
        m.insert(0, 0);
    }
    der(0x02, &m)
}
pub fn octets(v: &[u8]) -> Vec<u8> {
    der(0x04, v)
}
pub fn bits(v: &[u8]) -> Vec<u8> {
    der(0x03, &[&[0u8][..], v].concat())
}

/// Name `O=JMAP S-MIME Hostile, CN=<cn>`.
pub fn name(cn: &str) -> Vec<u8> {
    let atv = |o: &[u8], v: &str| set(&[seq(&[oid_tlv(o), der(0x0c, v.as_bytes())])]);
    seq(&[atv(&[0x55, 0x04, 0x0a], "JMAP S-MIME Hostile"), atv(&[0x55, 0x04, 0x03], cn)])
}

// ---- keys ----

/// Deterministic filler bytes.
pub fn filler(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A made-up RSA modulus of exactly `bits` bits (odd, top bits set).
pub fn rsa_modulus(bits: usize, seed: u64) -> Vec<u8> {
    let len = bits.div_ceil(8);
    let mut n = filler(seed, len);
    let top = bits - (len - 1) * 8; // bits in the first octet, 1..=8
    n[0] &= if top == 8 { 0xff } else { (1u8 << top) - 1 };
    n[0] |= 1 << (top - 1);
    if top >= 2 {
        n[0] |= 1 << (top - 2);
    }
    n[len - 1] |= 1;
    n
}

/// A public exponent as a big-endian magnitude.
pub fn exponent(e: u64) -> Vec<u8> {
    e.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect()
}

/// SubjectPublicKeyInfo for RSA (rsaEncryption, NULL parameters).
pub fn rsa_spki(modulus: &[u8], e: &[u8]) -> Vec<u8> {
    let key = seq(&[uint(modulus), uint(e)]);
    seq(&[seq(&[oid_tlv(oid::RSA_ENCRYPTION), der(0x05, &[])]), bits(&key)])
}

/// SubjectPublicKeyInfo for Ed25519.
pub fn ed25519_spki(key: &SigningKey) -> Vec<u8> {
    seq(&[seq(&[oid_tlv(oid::ED25519)]), bits(&key.verifying_key().to_bytes())])
}

/// An Ed25519 key from a seed number.
pub fn ed25519_key(seed: u64) -> SigningKey {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&seed.to_be_bytes());
    b[8] = 0x5a;
    SigningKey::from_bytes(&b)
}

// ---- signatures ----

/// How a certificate or CRL is signed.
#[derive(Clone, Copy)]
pub enum Sign<'k> {
    /// sha256WithRSAEncryption with junk of `octets` octets (below any
    /// modulus of that size made by [`rsa_modulus`], so it is exponentiated).
    JunkRsa { octets: usize, seed: u64 },
    /// Ed25519 with junk.
    JunkEd25519 { seed: u64 },
    /// A real Ed25519 signature.
    Ed25519(&'k SigningKey),
}

impl Sign<'_> {
    fn algorithm(&self) -> Vec<u8> {
        match self {
            Sign::JunkRsa { .. } => seq(&[oid_tlv(oid::SHA256_WITH_RSA), der(0x05, &[])]),
            Sign::JunkEd25519 { .. } | Sign::Ed25519(_) => seq(&[oid_tlv(oid::ED25519)]),
        }
    }
    fn value(&self, tbs: &[u8]) -> Vec<u8> {
        match self {
            Sign::JunkRsa { octets, seed } => {
                let mut s = filler(*seed ^ 0x51, *octets);
                s[0] = 0x01;
                s
            }
            Sign::JunkEd25519 { seed } => filler(*seed ^ 0xed, 64),
            Sign::Ed25519(k) => k.sign(tbs).to_bytes().to_vec(),
        }
    }
}

/// Wrap a TBS structure as a signed object (certificate or CRL).
fn signed(tbs: Vec<u8>, alg: Vec<u8>, sign: Sign<'_>) -> Vec<u8> {
    let sig = sign.value(&tbs);
    seq(&[tbs, alg, bits(&sig)])
}

// ---- certificates and CRLs ----

/// What goes into a certificate.
#[derive(Clone)]
pub struct CertSpec {
    pub issuer: Vec<u8>,
    pub subject: Vec<u8>,
    pub serial: u64,
    pub spki: Vec<u8>,
    pub ca: bool,
    pub ski: Option<Vec<u8>>,
    pub aki: Option<Vec<u8>>,
    /// SAN rfc822Name.
    pub email: Option<String>,
}

impl CertSpec {
    pub fn new(issuer: Vec<u8>, subject: Vec<u8>, spki: Vec<u8>) -> Self {
        CertSpec { issuer, subject, serial: 1, spki, ca: false, ski: None, aki: None, email: None }
    }
}

fn extension(id: &[u8], critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![oid_tlv(id)];
    if critical {
        parts.push(der(0x01, &[0xff]));
    }
    parts.push(octets(&value));
    seq(&parts)
}

/// A v3 certificate, valid 2020–2049.
pub fn certificate(spec: &CertSpec, sign: Sign<'_>) -> Vec<u8> {
    let alg = sign.algorithm();
    let validity = seq(&[der(0x17, b"200101000000Z"), der(0x17, b"491231235959Z")]);
    let mut exts = Vec::new();
    if spec.ca {
        exts.push(extension(oid::BASIC_CONSTRAINTS, true, seq(&[der(0x01, &[0xff])])));
        // keyCertSign | cRLSign
        exts.push(extension(oid::KEY_USAGE, true, der(0x03, &[0x01, 0x06])));
    } else {
        // digitalSignature
        exts.push(extension(oid::KEY_USAGE, true, der(0x03, &[0x07, 0x80])));
    }
    if let Some(s) = &spec.ski {
        exts.push(extension(oid::SUBJECT_KEY_ID, false, octets(s)));
    }
    if let Some(a) = &spec.aki {
        exts.push(extension(oid::AUTHORITY_KEY_ID, false, seq(&[der(0x80, a)])));
    }
    if let Some(e) = &spec.email {
        exts.push(extension(oid::SUBJECT_ALT_NAME, false, seq(&[der(0x81, e.as_bytes())])));
    }
    let tbs = seq(&[
        der(0xa0, &uint(&[2])),
        uint(&exponent(spec.serial)),
        alg.clone(),
        spec.issuer.clone(),
        validity,
        spec.subject.clone(),
        spec.spki.clone(),
        der(0xa3, &seq(&exts)),
    ]);
    signed(tbs, alg, sign)
}

/// A v2 CRL of `issuer` (2020–2049) revoking `revoked` serials.
pub fn crl(issuer: &[u8], revoked: &[u64], sign: Sign<'_>) -> Vec<u8> {
    let alg = sign.algorithm();
    let mut tbs = vec![uint(&[1]), alg.clone(), issuer.to_vec(), der(0x17, b"200101000000Z"), der(0x17, b"491231235959Z")];
    if !revoked.is_empty() {
        tbs.push(seq(&revoked.iter().map(|s| seq(&[uint(&exponent(*s)), der(0x17, b"200101000000Z")])).collect::<Vec<_>>()));
    }
    signed(seq(&tbs), alg, sign)
}

// ---- CA meshes (path search) ----

/// How the CAs of a same-name mesh hold their keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeshKeys {
    /// Every CA its own (made-up RSA-2048) key.
    Distinct,
    /// All CAs one key.
    Shared,
}

/// What trusts the mesh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeshAnchor {
    /// The anchor has another name: nothing in the mesh leads to it.
    Elsewhere,
    /// The anchor has the mesh's name and an RSA-2048 key that signed none of
    /// the CAs: every CA's signature is checked under it, and fails.
    SameName,
    /// As `SameName`, but the last CA really is signed by the anchor (Ed25519)
    /// and really signed the end entity: one valid path hides in the mesh.
    SameNameValid,
}

/// A mesh: the anchor's certificate, the CAs and the end entity (DER).
pub struct Mesh {
    pub anchor: Vec<u8>,
    pub cas: Vec<Vec<u8>>,
    pub ee: Vec<u8>,
}

pub const MESH_NAME: &str = "Mesh CA";

/// `n` self-issued CAs all named [`MESH_NAME`] and an end entity issued by
/// that name (issue 9 §1, x509-limbo `pathological::`).
pub fn same_name_mesh(n: usize, keys: MeshKeys, anchor: MeshAnchor) -> Mesh {
    same_name_mesh_with(n, keys, anchor, 2048)
}

/// [`same_name_mesh`] with an anchor key (for `SameName`) and junk CA
/// signatures of `bits` bits: each check under the anchor's key then costs a
/// full exponentiation.
pub fn same_name_mesh_with(n: usize, keys: MeshKeys, anchor: MeshAnchor, bits: usize) -> Mesh {
    let mesh = name(MESH_NAME);
    let anchor_key = ed25519_key(1);
    let ca_key = ed25519_key(2);
    let shared_rsa = rsa_spki(&rsa_modulus(2048, 7), &exponent(65537));
    let anchor_spki = match anchor {
        MeshAnchor::SameNameValid => ed25519_spki(&anchor_key),
        _ => rsa_spki(&rsa_modulus(bits, 3), &exponent(65537)),
    };
    let anchor_name = if anchor == MeshAnchor::Elsewhere { name("Elsewhere Root") } else { mesh.clone() };
    let anchor_cert = certificate(
        &CertSpec { ca: true, ..CertSpec::new(anchor_name.clone(), anchor_name, anchor_spki) },
        Sign::JunkRsa { octets: 256, seed: 11 },
    );
    let valid = anchor == MeshAnchor::SameNameValid;
    let mut cas = Vec::with_capacity(n);
    for i in 0..n {
        let last = i + 1 == n;
        let spki = match (keys, valid && last) {
            (_, true) => ed25519_spki(&ca_key),
            (MeshKeys::Shared, false) if valid => ed25519_spki(&ca_key),
            (MeshKeys::Shared, false) => shared_rsa.clone(),
            (MeshKeys::Distinct, false) => rsa_spki(&rsa_modulus(2048, 100 + i as u64), &exponent(65537)),
        };
        let sign = if valid && last { Sign::Ed25519(&anchor_key) } else { Sign::JunkRsa { octets: bits / 8, seed: 200 + i as u64 } };
        let spec = CertSpec { serial: 1000 + i as u64, ca: true, ..CertSpec::new(mesh.clone(), mesh.clone(), spki) };
        cas.push(certificate(&spec, sign));
    }
    let ee_key = ed25519_key(3);
    let ee_spec = CertSpec {
        serial: 5,
        email: Some("mesh@example.com".into()),
        ..CertSpec::new(mesh.clone(), name("Mesh Signer"), ed25519_spki(&ee_key))
    };
    let ee =
        if valid { certificate(&ee_spec, Sign::Ed25519(&ca_key)) } else { certificate(&ee_spec, Sign::JunkRsa { octets: 256, seed: 9 }) };
    Mesh { anchor: anchor_cert, cas, ee }
}

// ---- whole messages ----

/// `signers` SignerInfos naming one issuer and serial, each with its own junk
/// signature, and `candidates` certificates with that issuer and serial and
/// made-up RSA keys of `bits` bits and exponent `e` (issue 9 §1: 16 x 8).
pub fn many_signers(signers: usize, candidates: usize, bits: usize, e: u64) -> Vec<u8> {
    let issuer = name("Hostile Issuer");
    let serial = 77;
    let certs: Vec<Vec<u8>> = (0..candidates)
        .map(|i| {
            let spki = rsa_spki(&rsa_modulus(bits, 500 + i as u64), &exponent(e));
            let spec =
                CertSpec { serial, email: Some("mallory@example.com".into()), ..CertSpec::new(issuer.clone(), name("Mallory"), spki) };
            certificate(&spec, Sign::JunkRsa { octets: 256, seed: i as u64 })
        })
        .collect();
    let octets = bits.div_ceil(8);
    let infos: Vec<Vec<u8>> = (0..signers)
        .map(|i| {
            let mut sig = filler(9000 + i as u64, octets);
            sig[0] = 0x01;
            signer_info(&issuer, serial, oid::SHA256_WITH_RSA, SIGNED_PART, &sig)
        })
        .collect();
    detached_message("mallory@example.com", &signed_data(&certs, &[], &infos))
}

/// `count` CA certificates with subject `subject` (a real intermediate's
/// name), issued by `issuer`, with made-up RSA keys of `bits` bits and junk
/// signatures (issue 9 §1: 60 fakes named like the real intermediate).
pub fn fake_intermediates(count: usize, bits: usize, issuer: &[u8], subject: &[u8]) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            let spki = rsa_spki(&rsa_modulus(bits, 700 + i as u64), &exponent(65537));
            let spec = CertSpec { serial: 3000 + i as u64, ca: true, ..CertSpec::new(issuer.to_vec(), subject.to_vec(), spki) };
            certificate(&spec, Sign::JunkRsa { octets: 256, seed: 40 + i as u64 })
        })
        .collect()
}

/// `count` CRLs of `issuer` with junk RSA signatures of `octets` octets (the
/// size of the keys that should waste an exponentiation on them).
pub fn junk_crls(count: usize, issuer: &[u8], octets: usize) -> Vec<Vec<u8>> {
    (0..count).map(|i| crl(issuer, &[1, 2, 3], Sign::JunkRsa { octets, seed: 60 + i as u64 })).collect()
}

// ---- CMS and MIME ----

/// A SignerInfo by issuerAndSerialNumber, SHA-256, with signed attributes
/// (content-type id-data, message-digest of `content`) and `signature`.
pub fn signer_info(issuer: &[u8], serial: u64, sig_alg: &[u8], content: &[u8], signature: &[u8]) -> Vec<u8> {
    let digest = DigestAlg::Sha256.digest(&[content]);
    let attrs = [
        seq(&[oid_tlv(oid::ATTR_CONTENT_TYPE), set(&[oid_tlv(oid::DATA)])]),
        seq(&[oid_tlv(oid::ATTR_MESSAGE_DIGEST), set(&[octets(&digest)])]),
    ]
    .concat();
    seq(&[
        uint(&[1]),
        seq(&[issuer.to_vec(), uint(&exponent(serial))]),
        seq(&[oid_tlv(oid::SHA256)]),
        der(0xa0, &attrs),
        seq(&[oid_tlv(sig_alg), der(0x05, &[])]),
        octets(signature),
    ])
}

/// ContentInfo(SignedData), detached, with these certificates, CRLs and
/// SignerInfos.
pub fn signed_data(certs: &[Vec<u8>], crls: &[Vec<u8>], signers: &[Vec<u8>]) -> Vec<u8> {
    let mut sd = vec![uint(&[1]), set(&[seq(&[oid_tlv(oid::SHA256)])]), seq(&[oid_tlv(oid::DATA)])];
    if !certs.is_empty() {
        sd.push(der(0xa0, &certs.concat()));
    }
    if !crls.is_empty() {
        sd.push(der(0xa1, &crls.concat()));
    }
    sd.push(set(signers));
    seq(&[oid_tlv(oid::SIGNED_DATA), der(0xa0, &seq(&sd))])
}

fn base64_lines(data: &[u8]) -> String {
    let b = jmap_smime::mime::decode::base64_encode(data);
    b.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\r\n")
}

/// The signed part [`detached_message`] signs (its exact bytes, R19).
pub const SIGNED_PART: &[u8] = b"Content-Type: text/plain; charset=us-ascii\r\n\r\nHostile message body.\r\n";

/// A multipart/signed message from `from` around `signature`, whose first
/// part is [`SIGNED_PART`].
pub fn detached_message(from: &str, signature: &[u8]) -> Vec<u8> {
    let mut m = format!(
        "From: {from}\r\nTo: trent@example.net\r\nSubject: hostile\r\nDate: Sat, 01 Jun 2024 12:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"hb\"\r\n\r\n--hb\r\n"
    )
    .into_bytes();
    m.extend_from_slice(SIGNED_PART);
    m.extend_from_slice(
        format!(
            "\r\n--hb\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--hb--\r\n",
            base64_lines(signature)
        )
        .as_bytes(),
    );
    m
}

/// Pull the SignedData out of a fixture's detached signature, add
/// certificates and CRLs (which the signature does not cover), and put it
/// back: the signature still verifies.
pub fn inject(eml: &[u8], extra_certs: &[Vec<u8>], extra_crls: &[Vec<u8>]) -> Vec<u8> {
    let text = std::str::from_utf8(eml).expect("fixture is ASCII");
    let marker = "Content-Type: application/pkcs7-signature";
    let at = text.find(marker).expect("a detached signature part");
    let body_start = at + text[at..].find("\r\n\r\n").expect("part header end") + 4;
    let body_end = body_start + text[body_start..].find("\r\n--").expect("closing boundary");
    let b64: String = text[body_start..body_end].split_whitespace().collect();
    let p7s = jmap_smime::mime::decode::base64(b64.as_bytes()).expect("base64");
    let rebuilt = add_to_signed_data(&p7s, extra_certs, extra_crls);
    let mut out = text[..body_start].to_owned();
    out.push_str(&base64_lines(&rebuilt));
    out.push_str(&text[body_end..]);
    out.into_bytes()
}

/// The DER SignedData ContentInfo of a fixture's detached signature.
pub fn p7s(eml: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(eml).expect("fixture is ASCII");
    let at = text.find("Content-Type: application/pkcs7-signature").expect("a detached signature part");
    let body_start = at + text[at..].find("\r\n\r\n").expect("part header end") + 4;
    let body_end = body_start + text[body_start..].find("\r\n--").expect("closing boundary");
    let b64: String = text[body_start..body_end].split_whitespace().collect();
    jmap_smime::mime::decode::base64(b64.as_bytes()).expect("base64")
}

/// The certificates a fixture message carries.
pub fn message_certificates(eml: &[u8]) -> Vec<jmap_smime::pki::cert::Certificate> {
    let der = p7s(eml);
    let ci = jmap_smime::cms::parse_content_info(&der).unwrap();
    let sd = jmap_smime::cms::parse_signed_data(&ci.content.unwrap()).unwrap();
    sd.certificates.clone()
}

fn add_to_signed_data(p7s: &[u8], extra_certs: &[Vec<u8>], extra_crls: &[Vec<u8>]) -> Vec<u8> {
    use jmap_smime::asn1::parse_single;
    let ci = parse_single(p7s).unwrap();
    let mut r = ci.children().unwrap();
    let ct = r.next_tlv().unwrap().unwrap();
    let explicit = r.next_tlv().unwrap().unwrap();
    let sd = explicit.children().unwrap().next_tlv().unwrap().unwrap();
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let (mut certs, mut crls): (Vec<u8>, Vec<u8>) = (Vec::new(), Vec::new());
    let mut fields = sd.children().unwrap();
    let mut rest = Vec::new();
    while let Some(f) = fields.next_tlv().unwrap() {
        if f.tag.is_context(0) {
            certs.extend_from_slice(f.content);
        } else if f.tag.is_context(1) {
            crls.extend_from_slice(f.content);
        } else if certs.is_empty() && crls.is_empty() && rest.is_empty() && parts.len() < 3 {
            parts.push(f.raw.to_vec());
        } else {
            rest.push(f.raw.to_vec());
        }
    }
    for c in extra_certs {
        certs.extend_from_slice(c);
    }
    for c in extra_crls {
        crls.extend_from_slice(c);
    }
    parts.push(der(0xa0, &certs));
    if !crls.is_empty() {
        parts.push(der(0xa1, &crls));
    }
    parts.extend(rest);
    seq(&[ct.raw.to_vec(), der(0xa0, &seq(&parts))])
}

/// A fixture file's bytes.
pub fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)).unwrap()
}
