//! The work budget against the worst inputs we can build (issue 9 §1): a
//! benchmark, not a test. Prints, natively:
//!
//! 1. the cost model: µs per public-key operation (and per KiB hashed, per
//!    name comparison) next to the work units the budget charges for it; a
//!    ratio (units per µs) at or above 1 means the budget is conservative;
//! 2. ms per message for the hostile messages of tests/hostile.rs and the
//!    worst variants within the message limits (64 certificates, 64 CRLs, 16
//!    SignerInfos x 8 candidates, the largest keys accepted), with the work
//!    units spent, public-key operations, memo hits and the verdict. The goal
//!    is under 250 ms for every message.
//!
//! `cargo bench --bench hostile`; `BENCH_SMOKE=1` runs each case once on a
//! few inputs (seconds).

use std::hint::black_box;
use std::time::{Duration, Instant};

use jmap_smime::asn1::{oid, time::parse_rfc3339};
use jmap_smime::budget::{self, Key, WorkBudget};
use jmap_smime::cms::alg::{self, DigestAlg, PublicKey, SigScheme};
use jmap_smime::pki::anchor::Anchor;
use jmap_smime::pki::cert::{Certificate, PublicKeyInfo};
use jmap_smime::pki::crl::Crl;
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Policy, Verifier, VerifyOptions};

#[path = "../tests/common/hostile.rs"]
mod hostile;
use hostile::*;

fn smoke() -> bool {
    std::env::var_os("BENCH_SMOKE").is_some()
}

/// Seconds per run of `f`: the fastest of several batches of at least
/// `min / 5` each (the machine is shared: the fastest batch is the closest to
/// the uncontended cost). One run in smoke mode.
fn time_per_run(min: Duration, mut f: impl FnMut()) -> (f64, u32) {
    f();
    if smoke() {
        let start = Instant::now();
        f();
        return (start.elapsed().as_secs_f64(), 1);
    }
    let batch = min / 5;
    let mut best = f64::MAX;
    let mut total = 0u32;
    for _ in 0..5 {
        let mut runs = 0u32;
        let start = Instant::now();
        while start.elapsed() < batch || runs < 2 {
            f();
            runs += 1;
        }
        best = best.min(start.elapsed().as_secs_f64() / f64::from(runs));
        total += runs;
    }
    (best, total)
}

/// `cargo bench --bench hostile -- cost` (or `-- messages`) runs one part.
fn part(name: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    args.is_empty() || args.iter().any(|a| a == name)
}

fn spki(der: &[u8]) -> PublicKeyInfo {
    // A certificate around the key parses it the way the verifier does.
    let spec = CertSpec::new(name("k"), name("k"), der.to_vec());
    Certificate::from_der(&certificate(&spec, Sign::JunkEd25519 { seed: 1 })).unwrap().spki
}

fn key_of(spki_der: &[u8]) -> Key {
    WorkBudget::new().key(&spki(spki_der), None).unwrap()
}

fn cost_model() {
    println!("== cost model: one operation, measured natively, next to the units charged");
    println!("{:<34} {:>10} {:>8} {:>12}", "operation", "µs/op", "units", "units per µs");
    let hashed = DigestAlg::Sha256.digest(&[b"message"]);
    let row = |label: &str, units: u64, mut f: Box<dyn FnMut()>| {
        let (t, _) = time_per_run(Duration::from_millis(300), &mut f);
        let us = t * 1e6;
        println!("{label:<34} {us:>10.1} {units:>8} {:>12.2}", units as f64 / us);
    };
    let rsa_cases: &[(usize, u64)] = if smoke() {
        &[(2048, 65537), (8192, 4294967295)]
    } else {
        &[(2048, 3), (2048, 65537), (2048, 4294967295), (3072, 65537), (4096, 65537), (4096, 4294967295), (8192, 65537), (8192, 4294967295)]
    };
    for &(bits, e) in rsa_cases {
        let k = key_of(&rsa_spki(&rsa_modulus(bits, 1), &exponent(e)));
        let mut sig = filler(2, bits / 8);
        sig[0] = 1;
        let label = format!("RSA-{bits} e={e} PKCS#1 v1.5");
        let units = k.cost;
        let hashed = hashed.clone();
        row(
            &label,
            units,
            Box::new(move || {
                let r = alg::verify_prehashed(&k.public, SigScheme::RsaPkcs1 { hash: None }, DigestAlg::Sha256, b"", &hashed, &sig);
                black_box(r).ok();
            }),
        );
    }
    // ECDSA with real signatures.
    {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        let sk = p256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
        let sig: p256::ecdsa::Signature = sk.sign_prehash(&hashed).unwrap();
        let der = sig.to_der().as_bytes().to_vec();
        let k = PublicKey::P256(*sk.verifying_key());
        let units = budget::key_cost(&k);
        let hashed = hashed.clone();
        row(
            "ECDSA P-256",
            units,
            Box::new(move || {
                let r = alg::verify_prehashed(&k, SigScheme::Ecdsa { hash: None }, DigestAlg::Sha256, b"", &hashed, &der);
                assert!(black_box(r).is_ok());
            }),
        );
    }
    {
        use p384::ecdsa::signature::hazmat::PrehashSigner;
        let h = DigestAlg::Sha384.digest(&[b"message"]);
        let sk = p384::ecdsa::SigningKey::from_bytes(&[7u8; 48].into()).unwrap();
        let sig: p384::ecdsa::Signature = sk.sign_prehash(&h).unwrap();
        let der = sig.to_der().as_bytes().to_vec();
        let k = PublicKey::P384(*sk.verifying_key());
        let units = budget::key_cost(&k);
        row(
            "ECDSA P-384",
            units,
            Box::new(move || {
                let r = alg::verify_prehashed(&k, SigScheme::Ecdsa { hash: None }, DigestAlg::Sha384, b"", &h, &der);
                assert!(black_box(r).is_ok());
            }),
        );
    }
    {
        // P-521 signing needs a random source here: a made-up signature in
        // range under the generator as key runs the whole verification.
        let h = DigestAlg::Sha512.digest(&[b"message"]);
        let mut rs = filler(8, 132);
        rs[0] = 0;
        rs[66] = 0;
        let sig = p521::ecdsa::Signature::from_slice(&rs).unwrap();
        let der = sig.to_der().as_bytes().to_vec();
        let k = PublicKey::P521(p521::ecdsa::VerifyingKey::from_affine(p521::AffinePoint::GENERATOR).unwrap());
        let units = budget::key_cost(&k);
        row(
            "ECDSA P-521",
            units,
            Box::new(move || {
                let r = alg::verify_prehashed(&k, SigScheme::Ecdsa { hash: None }, DigestAlg::Sha512, b"", &h, &der);
                assert!(black_box(r).is_err());
            }),
        );
    }
    {
        use ed25519_dalek::Signer;
        let sk = ed25519_key(5);
        let sig = sk.sign(b"message").to_bytes().to_vec();
        let k = PublicKey::Ed25519(sk.verifying_key());
        let units = budget::key_cost(&k);
        row(
            "Ed25519 (short message)",
            units,
            Box::new(move || {
                let r = alg::verify_prehashed(&k, SigScheme::Ed25519, DigestAlg::Sha512, b"message", &[], &sig);
                assert!(black_box(r).is_ok());
            }),
        );
    }
    {
        // DSA: the fixture's key, a made-up signature in range (both
        // exponentiations run).
        let cert = message_certificates(&fixture("messages/dsa2048-sha256-detached.eml"))
            .into_iter()
            .find(|c| c.spki.algorithm == oid::DSA)
            .unwrap();
        let k = WorkBudget::new().key(&cert.spki, None).unwrap();
        let PublicKey::Dsa(dk) = &k.public else { unreachable!() };
        let q_len = dk.q_bits().div_ceil(8);
        let mut r = filler(7, q_len - 1);
        r.insert(0, 0x01);
        let sig = seq(&[uint(&r), uint(&r)]);
        let h = DigestAlg::Sha256.digest(&[b"m"]);
        let units = k.cost;
        let label = format!("DSA-{}/{}", dk.p_bits(), dk.q_bits());
        row(
            &label,
            units,
            Box::new(move || {
                black_box(alg::verify_prehashed(&k.public, SigScheme::Dsa { hash: None }, DigestAlg::Sha256, b"", &h, &sig)).ok();
            }),
        );
    }
    // Decoding keys (the key cache decodes each distinct key once per message).
    let mut keys: Vec<(String, PublicKeyInfo)> = Vec::new();
    for (file, label) in [
        ("messages/rsa2048-sha256-detached.eml", "RSA-2048"),
        ("messages/ecdsa-p256-sha256-detached.eml", "P-256"),
        ("messages/ecdsa-p384-sha384-detached.eml", "P-384"),
        ("messages/ecdsa-p521-sha512-detached.eml", "P-521"),
        ("messages/ed25519-sha512-detached.eml", "Ed25519"),
        ("messages/dsa2048-sha256-detached.eml", "DSA-2048"),
    ] {
        let certs = message_certificates(&fixture(file));
        let want: &[u8] = match label {
            "RSA-2048" => oid::RSA_ENCRYPTION,
            "Ed25519" => oid::ED25519,
            "DSA-2048" => oid::DSA,
            _ => oid::EC_PUBLIC_KEY,
        };
        let Some(ee) = certs.iter().find(|c| c.spki.algorithm == want) else { continue };
        let mut spki = ee.spki.clone();
        if label.starts_with("P-") {
            // The compressed form costs a square root.
            let point = match alg::decode_key(&spki, None).unwrap() {
                PublicKey::P256(k) => k.to_encoded_point(true).as_bytes().to_vec(),
                PublicKey::P384(k) => k.to_encoded_point(true).as_bytes().to_vec(),
                PublicKey::P521(k) => k.to_encoded_point(true).as_bytes().to_vec(),
                _ => unreachable!(),
            };
            keys.push((format!("decode {label} (uncompressed)"), spki.clone()));
            spki.key = point;
            keys.push((format!("decode {label} (compressed)"), spki));
        } else {
            keys.push((format!("decode {label}"), spki));
        }
    }
    keys.push(("decode RSA-8192".into(), spki(&rsa_spki(&rsa_modulus(8192, 1), &exponent(65537)))));
    for (label, spki) in keys {
        let units = budget::decode_cost(&spki, None);
        row(
            &label,
            units,
            Box::new(move || {
                black_box(alg::decode_key(&spki, None)).unwrap();
            }),
        );
    }
    for (label, alg) in [
        ("SHA-256, per KiB", DigestAlg::Sha256),
        ("SHA-512, per KiB", DigestAlg::Sha512),
        ("SHA-1, per KiB", DigestAlg::Sha1),
        ("MD5, per KiB", DigestAlg::Md5),
    ] {
        let data = vec![0x61u8; 1 << 20];
        let units = budget::hash_cost(alg, 1024);
        let (t, _) = time_per_run(Duration::from_millis(300), || {
            black_box(alg.digest(&[&data]));
        });
        let us = t * 1e6 / 1024.0;
        println!("{label:<34} {us:>10.2} {units:>8} {:>12.2}", units as f64 / us);
    }
    // Name comparisons that take the slow path (not byte-identical).
    for (label, k) in [("name comparison (2 RDNs)", 0usize), ("name comparison (RDN of 100)", 100)] {
        let make = |last: &str| {
            let atv = |o: &[u8], v: &str| seq(&[oid_tlv(o), der(0x0c, v.as_bytes())]);
            let mut rdn: Vec<Vec<u8>> = (0..k).map(|i| atv(&[0x55, 0x04, 0x0b], &format!("unit {i}"))).collect();
            rdn.push(atv(&[0x55, 0x04, 0x03], last));
            let n = seq(&[set(&[atv(&[0x55, 0x04, 0x0a], "JMAP S-MIME Hostile")]), set(&rdn)]);
            Certificate::from_der(&certificate(&CertSpec::new(n, name("x"), ed25519_spki(&ed25519_key(1))), Sign::JunkEd25519 { seed: 1 }))
                .unwrap()
        };
        let (a, b) = (make("Name A"), make("Name B"));
        let units = budget::name_cost(&a.issuer, &b.issuer);
        let (t, _) = time_per_run(Duration::from_millis(300), || {
            for _ in 0..10 {
                black_box(a.issuer.matches(black_box(&b.issuer)));
            }
        });
        let us = t * 1e6 / 10.0;
        println!("{label:<34} {us:>10.2} {units:>8} {:>12.2}", units as f64 / us);
    }
}

fn time() -> i64 {
    parse_rfc3339("2026-01-01T00:00:00Z").unwrap()
}

fn pem_crl(path: &str) -> Crl {
    let text = String::from_utf8(fixture(path)).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    Crl::from_der(&jmap_smime::mime::decode::base64(body.as_bytes()).unwrap()).unwrap()
}

struct Case {
    label: String,
    verifier: Verifier,
    message: Vec<u8>,
    received_at: bool,
}

fn verifier_with(anchors: Vec<Anchor>, crls: Vec<Crl>) -> Verifier {
    let mut trust = TrustStore::empty();
    for a in anchors {
        trust.add(a).unwrap();
    }
    Verifier {
        trust,
        policy: Policy::default(),
        options: VerifyOptions { crls, ..VerifyOptions::default() },
        memo: Default::default(),
        memory: None,
    }
}

fn root_anchor() -> Anchor {
    Anchor::from_certificate(Certificate::from_der(&fixture("pki/root.cert.der")).unwrap())
}

/// A message signed (for real, Ed25519) by the mesh's end entity, carrying the
/// mesh's certificates, trusted through the mesh's anchor.
fn mesh_message(n: usize, keys: MeshKeys, anchor: MeshAnchor, anchor_bits: Option<usize>) -> (Verifier, Vec<u8>) {
    // A large anchor key (a bundled RSA-4096 root, say), and junk signatures
    // as long as it, so that every check under it exponentiates.
    let mesh = same_name_mesh_with(n, keys, anchor, anchor_bits.unwrap_or(2048));
    let anchor_cert = Certificate::from_der(&mesh.anchor).unwrap();
    let mut certs = mesh.cas.clone();
    certs.push(mesh.ee.clone());
    // The end entity's signature over the signed part (Ed25519, key seed 3).
    let sig = {
        use ed25519_dalek::Signer;
        let digest = DigestAlg::Sha512.digest(&[SIGNED_PART]);
        let attrs = [
            seq(&[oid_tlv(oid::ATTR_CONTENT_TYPE), set(&[oid_tlv(oid::DATA)])]),
            seq(&[oid_tlv(oid::ATTR_MESSAGE_DIGEST), set(&[octets(&digest)])]),
        ]
        .concat();
        let signed_attrs = der(0x31, &attrs);
        let s = ed25519_key(3).sign(&signed_attrs).to_bytes().to_vec();
        seq(&[
            uint(&[1]),
            seq(&[name(MESH_NAME), uint(&exponent(5))]),
            seq(&[oid_tlv(oid::SHA512)]),
            der(0xa0, &attrs),
            seq(&[oid_tlv(oid::ED25519)]),
            octets(&s),
        ])
    };
    let msg = detached_message("mesh@example.com", &signed_data(&certs, &[], &[sig]));
    (verifier_with(vec![Anchor::from_certificate(anchor_cert)], Vec::new()), msg)
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let fixture_crls = || vec![pem_crl("trust/root.crl"), pem_crl("trust/intermediate.crl")];
    let baseline = fixture("messages/rsa2048-sha256-detached.eml");
    out.push(Case {
        label: "baseline: RSA-2048 fixture, 2 CRLs".into(),
        verifier: verifier_with(vec![root_anchor()], fixture_crls()),
        message: baseline.clone(),
        received_at: true,
    });
    // Path search.
    let meshes: &[(usize, MeshKeys, MeshAnchor, Option<usize>)] = if smoke() {
        &[(64, MeshKeys::Distinct, MeshAnchor::SameName, None)]
    } else {
        &[
            (64, MeshKeys::Distinct, MeshAnchor::Elsewhere, None),
            (64, MeshKeys::Distinct, MeshAnchor::SameName, None),
            (64, MeshKeys::Shared, MeshAnchor::SameName, None),
            (64, MeshKeys::Distinct, MeshAnchor::SameNameValid, None),
            (64, MeshKeys::Distinct, MeshAnchor::SameName, Some(4096)),
            (64, MeshKeys::Distinct, MeshAnchor::SameName, Some(8192)),
        ]
    };
    for &(n, keys, anchor, bits) in meshes {
        let (verifier, message) = mesh_message(n - 1, keys, anchor, bits);
        let key = bits.map_or(String::new(), |b| format!(", RSA-{b} anchor"));
        out.push(Case { label: format!("path: {} same-name CAs {keys:?} {anchor:?}{key}", n - 1), verifier, message, received_at: true });
    }
    // Signature work.
    let sigs: &[(usize, usize, usize, u64)] = if smoke() {
        &[(16, 8, 8192, 65537)]
    } else {
        &[(16, 8, 2048, 65537), (16, 8, 4096, 65537), (16, 8, 8192, 65537), (16, 8, 8192, 4294967295), (16, 8, 16384, 65537)]
    };
    for &(s, c, bits, e) in sigs {
        out.push(Case {
            label: format!("signers: {s} x {c} candidates, RSA-{bits} e={e}"),
            verifier: verifier_with(vec![root_anchor()], Vec::new()),
            message: many_signers(s, c, bits, e),
            received_at: true,
        });
    }
    // CRL signer search around the valid fixture.
    let inter = Certificate::from_der(&fixture("pki/intermediate.cert.der")).unwrap();
    let root = Certificate::from_der(&fixture("pki/root.cert.der")).unwrap();
    let crl_cases: &[(usize, usize, bool, usize)] = if smoke() {
        &[(60, 8192, true, 1)]
    } else {
        &[(60, 8192, false, 1), (60, 8192, true, 1), (60, 8192, false, 3), (60, 8192, true, 4)]
    };
    for &(fakes, bits, self_issued, crls) in crl_cases {
        let issuer = if self_issued { inter.subject.raw.clone() } else { root.subject.raw.clone() };
        let msg = inject(
            &baseline,
            &fake_intermediates(fakes, bits, &issuer, &inter.subject.raw),
            &junk_crls(crls, &inter.subject.raw, bits.div_ceil(8)),
        );
        out.push(Case {
            label: format!("crl: {fakes} fake intermediates RSA-{bits}{}, {crls} junk CRL", if self_issued { " self-issued" } else { "" }),
            verifier: verifier_with(vec![root_anchor()], fixture_crls()),
            message: msg,
            received_at: true,
        });
    }
    out
}

fn main() {
    if part("cost") {
        cost_model();
        println!();
    }
    if !part("messages") {
        return;
    }
    println!("== hostile messages (now and receivedAt, one budget of {} units)", jmap_smime::limits::MAX_WORK_UNITS_PER_MESSAGE);
    println!("{:<62} {:>8} {:>9} {:>8} {:>6} {:>6}  verdict", "message", "KiB", "ms/msg", "units", "pk-ops", "memo");
    let now = time();
    let mut worst = 0.0f64;
    for case in cases() {
        let received = case.received_at.then(|| now - 86_400);
        let mut work = WorkBudget::new();
        let verdict = case.verifier.verify_with_budget(&case.message, now, received, &mut work);
        let stats = work.stats();
        let (t, _) = time_per_run(Duration::from_secs(1), || {
            black_box(case.verifier.verify(black_box(&case.message), now, received));
        });
        let ms = t * 1e3;
        worst = worst.max(ms);
        let mut codes: Vec<&str> = verdict.errors.iter().map(|p| p.code.as_str()).collect();
        codes.dedup();
        println!(
            "{:<62} {:>8.1} {ms:>9.2} {:>8} {:>6} {:>6}  {} {}",
            case.label,
            case.message.len() as f64 / 1024.0,
            stats.units,
            stats.public_key_ops,
            stats.memo_hits,
            verdict.status.unwrap_or_default(),
            codes.join(",")
        );
    }
    println!("worst: {worst:.2} ms per message (goal: under 250 ms)");
}
