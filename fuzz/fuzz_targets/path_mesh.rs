//! Path building over generated CA meshes (issue 9 §1).
//!
//! The input describes a mesh rather than its DER, so the fuzzer explores
//! shapes (shared names, shared keys, who signed whom, anchors, depth, CRLs)
//! instead of parse errors:
//!
//! - byte 0: CA count (1..=62); byte 1: anchor count (1..=3) in bits 0-1,
//!   revocation in bits 2-3 (0 off, 1 prefer, 2/3 require), CRL count
//!   (0..=7) in bits 4-6, a second validation (as at receivedAt) in bit 7;
//! - 3 bytes per anchor: name (of 8), key (of 8), unused;
//! - 4 bytes per CA: subject name, key, issuer name, signer: the key of that
//!   index signs for real (Ed25519), index >= 8 means a junk signature
//!   (Ed25519 junk, or RSA junk under key slot 7, a made-up RSA-2048 key,
//!   which costs a real exponentiation); bit 7 of the subject byte makes the
//!   certificate an end entity (not a CA);
//! - 2 bytes for the end entity: issuer name, signer (as above);
//! - 3 bytes per CRL: issuer name, signer, revoked serial.
//!
//! Missing bytes read as zero. The target asserts that `validate_with`
//! returns, that the work stayed within the budget and the per-call search
//! bounds, and that any path it returns really chains: names match and every
//! signature verifies under its issuer's key (checked again without the memo).
#![no_main]
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use jmap_smime::budget::WorkBudget;
use jmap_smime::cms::alg;
use jmap_smime::limits;
use jmap_smime::pki::anchor::Anchor;
use jmap_smime::pki::cert::Certificate;
use jmap_smime::pki::crl::Crl;
use jmap_smime::pki::path::{self, PathInput, RevocationMode};
use jmap_smime::Policy;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/common/hostile.rs"]
mod hostile;
use hostile::*;

/// A budget small enough to keep each execution short; the bounds are what
/// is under test, not their size.
const FUZZ_BUDGET: u64 = 10_000;
const NAMES: usize = 8;
const KEYS: usize = 8;
/// Key slot 7 is a made-up RSA-2048 key (nobody can sign with it).
const RSA_SLOT: usize = 7;

struct Fixed {
    keys: Vec<SigningKey>,
    spkis: Vec<Vec<u8>>,
    names: Vec<Vec<u8>>,
}

fn fixed() -> &'static Fixed {
    static F: OnceLock<Fixed> = OnceLock::new();
    F.get_or_init(|| {
        let keys: Vec<SigningKey> = (0..KEYS as u64).map(|i| ed25519_key(100 + i)).collect();
        let mut spkis: Vec<Vec<u8>> = keys.iter().map(ed25519_spki).collect();
        spkis[RSA_SLOT] = rsa_spki(&rsa_modulus(2048, 77), &exponent(65537));
        // Names 0-3 distinct; 4-7 repeat 0 and 1, the same-name case.
        let names = (0..NAMES).map(|i| name(&format!("Mesh CA {}", [0, 1, 2, 3, 0, 1, 0, 1][i]))).collect();
        Fixed { keys, spkis, names }
    })
}

thread_local! {
    /// Certificates and CRLs already built, by what describes them (signing
    /// and parsing dominate an execution otherwise).
    static BUILT: RefCell<HashMap<[usize; 6], Vec<u8>>> = RefCell::new(HashMap::new());
}

/// `make()`'s DER, built once per description.
fn built(key: [usize; 6], make: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    BUILT.with(|b| {
        let mut b = b.borrow_mut();
        if b.len() > 200_000 {
            b.clear();
        }
        b.entry(key).or_insert_with(make).clone()
    })
}

struct Input<'d>(&'d [u8], usize);

impl Input<'_> {
    fn byte(&mut self) -> usize {
        let b = self.0.get(self.1).copied().unwrap_or(0);
        self.1 += 1;
        usize::from(b)
    }
}

fn sign(f: &Fixed, signer: usize, seed: u64) -> Sign<'_> {
    match f.keys.get(signer) {
        Some(k) if signer != RSA_SLOT => Sign::Ed25519(k),
        _ if signer % 2 == 0 => Sign::JunkRsa { octets: 256, seed },
        _ => Sign::JunkEd25519 { seed },
    }
}

fuzz_target!(|data: &[u8]| {
    let f = fixed();
    let mut input = Input(data, 0);
    let ca_count = input.byte() % 62 + 1;
    let flags = input.byte();
    let anchor_count = flags % 3 + 1;
    let revocation = match (flags >> 2) & 3 {
        0 => RevocationMode::Off,
        1 => RevocationMode::Prefer,
        _ => RevocationMode::Require,
    };
    let crl_count = (flags >> 4) & 7;
    let twice = flags & 0x80 != 0;

    let mut anchors = Vec::new();
    for i in 0..anchor_count {
        let (n, k) = (input.byte() % NAMES, input.byte() % KEYS);
        input.byte();
        let der = built([0, i, n, k, 0, 0], || {
            let spec = CertSpec { serial: 90 + i as u64, ca: true, ..CertSpec::new(f.names[n].clone(), f.names[n].clone(), f.spkis[k].clone()) };
            certificate(&spec, Sign::JunkEd25519 { seed: i as u64 })
        });
        let Ok(c) = Certificate::from_der(&der) else { return };
        anchors.push(Anchor::from_certificate(c));
    }
    let mut certs = Vec::new();
    for i in 0..ca_count {
        let subject_byte = input.byte();
        let (subject, key, issuer, signer) = (subject_byte % NAMES, input.byte() % KEYS, input.byte() % NAMES, input.byte() % 16);
        let der = built([1 + usize::from(subject_byte & 0x80 != 0), i, subject, key, issuer, signer], || {
            let spec = CertSpec {
                serial: 1000 + i as u64,
                ca: subject_byte & 0x80 == 0,
                ..CertSpec::new(f.names[issuer].clone(), f.names[subject].clone(), f.spkis[key].clone())
            };
            certificate(&spec, sign(f, signer, i as u64))
        });
        let Ok(c) = Certificate::from_der(&der) else { return };
        certs.push(c);
    }
    let (ee_issuer, ee_signer) = (input.byte() % NAMES, input.byte() % 16);
    let ee_spec = CertSpec { serial: 5, ..CertSpec::new(f.names[ee_issuer].clone(), name("Mesh Signer"), f.spkis[0].clone()) };
    let ee_der = built([3, 0, ee_issuer, ee_signer, 0, 0], || certificate(&ee_spec, sign(f, ee_signer, 5)));
    let Ok(ee) = Certificate::from_der(&ee_der) else { return };
    let mut crls = Vec::new();
    for i in 0..crl_count {
        let (issuer, signer, serial) = (input.byte() % NAMES, input.byte() % 16, input.byte());
        let der = built([4, i, issuer, signer, serial, 0], || crl(&f.names[issuer], &[1000 + serial as u64 % 64, 5], sign(f, signer, 50 + i as u64)));
        let Ok(c) = Crl::from_der(&der) else { return };
        crls.push(c);
    }

    let policy = Policy::default();
    let inter: Vec<&Certificate> = certs.iter().collect();
    let crl_refs: Vec<&Crl> = crls.iter().collect();
    let at = jmap_smime::asn1::time::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let mut work = WorkBudget::with_limit(FUZZ_BUDGET);
    let times: &[i64] = if twice { &[at, at - 86_400] } else { &[at] };
    for &time in times {
        let before = work.stats();
        let input = PathInput { time, anchors: &anchors, intermediates: &inter, crls: &crl_refs, ocsp: &[], revocation, policy: &policy, crl_signer: false };
        let result = path::validate_with(&ee, &input, &mut work);
        let s = work.stats();
        if std::env::var_os("PATH_MESH_DEBUG").is_some() {
            eprintln!("{} CAs: {:?} {s:?}", certs.len(), result.as_ref().map(|p| p.chain.len()).map_err(|e| e.code()));
        }
        assert!(s.units <= s.limit, "spent {} of {}", s.units, s.limit);
        assert!(s.path_steps - before.path_steps <= limits::MAX_PATH_SEARCH_STEPS as u64, "{} steps", s.path_steps - before.path_steps);
        assert!(s.path_candidates - before.path_candidates <= limits::MAX_PATH_CANDIDATES as u64);
        assert!(s.public_key_ops - before.public_key_ops <= limits::MAX_PATH_SIGNATURE_CHECKS as u64);
        if let Ok(p) = result {
            // The path really chains, checked without the memo.
            let anchor = &anchors[p.anchor];
            let mut issuers: Vec<(&jmap_smime::pki::name::Name, &jmap_smime::pki::cert::PublicKeyInfo)> =
                p.chain.iter().skip(1).map(|c| (&c.subject, &c.spki)).collect();
            issuers.push((&anchor.subject, &anchor.spki));
            assert_eq!(p.chain.first().map(|c| c.raw.as_slice()), Some(ee.raw.as_slice()));
            for (c, (issuer_name, issuer_spki)) in p.chain.iter().zip(issuers) {
                assert!(c.issuer.matches(issuer_name), "names do not chain");
                let key = alg::decode_key(issuer_spki, None).expect("issuer key");
                let scheme = alg::SigScheme::Ed25519;
                assert_eq!(c.signature_algorithm.0, jmap_smime::asn1::oid::ED25519, "only Ed25519 certificates can be valid here");
                alg::verify(&key, scheme, alg::DigestAlg::Sha512, &c.tbs, &c.signature, &policy).expect("a returned path's signature verifies");
            }
        }
    }
});
