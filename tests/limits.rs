//! Every bound in src/limits.rs, tripped through the public API. Each test
//! builds input one step past the bound and expects `limit-exceeded` (or, for
//! syntax bounds, `malformed`), and where cheap also checks that the input at
//! the bound is accepted.

use jmap_smime::asn1::oid;
use jmap_smime::cms::alg::{self, PublicKey, SigScheme};
use jmap_smime::limits::*;
use jmap_smime::pki::cert::PublicKeyInfo;
use jmap_smime::report::Structure;
use jmap_smime::{verify_signatures, Code, Policy, SignatureReport, Verifier};

mod common;
use common::der;

// ---- tiny DER writer for hand-built CMS ----

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    der(0x30, &parts.concat())
}
fn set(parts: &[Vec<u8>]) -> Vec<u8> {
    der(0x31, &parts.concat())
}
fn oid_tlv(o: &[u8]) -> Vec<u8> {
    der(0x06, o)
}
fn int(v: &[u8]) -> Vec<u8> {
    der(0x02, v)
}

fn alice_cert() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pki/alice.cert.der")).unwrap()
}

/// The issuerAndSerialNumber of a certificate (re-using its encoded issuer).
fn issuer_and_serial(cert: &[u8]) -> Vec<u8> {
    let c = jmap_smime::pki::cert::Certificate::from_der(cert).unwrap();
    seq(&[c.issuer.raw.clone(), int(&c.serial)])
}

/// A SignerInfo for `cert` with SHA-256 / rsaEncryption and the given signed attributes.
fn signer_info(cert: &[u8], attrs: Option<Vec<u8>>) -> Vec<u8> {
    let mut parts = vec![int(&[1]), issuer_and_serial(cert), seq(&[oid_tlv(oid::SHA256)])];
    if let Some(a) = attrs {
        parts.push(der(0xa0, &a));
    }
    parts.push(seq(&[oid_tlv(oid::RSA_ENCRYPTION), der(0x05, &[])]));
    parts.push(der(0x04, &[0u8; 256]));
    seq(&parts)
}

/// ContentInfo(SignedData) with the given certificates, CRLs and signer infos.
fn signed_data(certs: &[Vec<u8>], crls: &[Vec<u8>], signers: &[Vec<u8>]) -> Vec<u8> {
    let mut sd = vec![int(&[1]), set(&[seq(&[oid_tlv(oid::SHA256)])]), seq(&[oid_tlv(oid::DATA)])];
    if !certs.is_empty() {
        sd.push(der(0xa0, &certs.concat()));
    }
    if !crls.is_empty() {
        sd.push(der(0xa1, &crls.concat()));
    }
    sd.push(set(signers));
    seq(&[oid_tlv(oid::SIGNED_DATA), der(0xa0, &seq(&sd))])
}

fn b64(data: &[u8]) -> String {
    jmap_smime::mime::decode::base64_encode(data)
}

/// A multipart/signed message around a detached signature.
fn detached(sig: &[u8]) -> Vec<u8> {
    format!(
        "From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        b64(sig)
    )
    .into_bytes()
}

fn has_code(r: &SignatureReport, code: Code) -> bool {
    r.errors.iter().any(|e| e.code == code.code())
}

fn assert_limit(r: &SignatureReport, what: &str) {
    assert!(has_code(r, Code::LimitExceeded), "{what}: expected limit-exceeded, got {:?}", r.errors);
}

fn strict() -> Policy {
    Policy::default()
}

// ---- the tests, one per limit ----

#[test]
fn message_bytes() {
    let big = vec![b'a'; MAX_MESSAGE_BYTES + 1];
    let r = verify_signatures(&big, &strict());
    assert_eq!(r.structure, Structure::Malformed);
    assert_limit(&r, "MAX_MESSAGE_BYTES");
}

#[test]
fn mime_depth() {
    let nest = |n: usize| {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"));
        }
        s.into_bytes()
    };
    assert_limit(&verify_signatures(&nest(MAX_MIME_DEPTH + 2), &strict()), "MAX_MIME_DEPTH");
    assert_eq!(verify_signatures(&nest(MAX_MIME_DEPTH), &strict()).structure, Structure::Unsigned);
}

#[test]
fn mime_parts() {
    let wide = |n: usize| {
        let mut s = String::from("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for _ in 0..n {
            s.push_str("--b\r\n\r\nx\r\n");
        }
        s.push_str("--b--\r\n");
        s.into_bytes()
    };
    assert_limit(&verify_signatures(&wide(MAX_MIME_PARTS), &strict()), "MAX_MIME_PARTS");
    assert_eq!(verify_signatures(&wide(MAX_MIME_PARTS - 1), &strict()).structure, Structure::Unsigned);
}

#[test]
fn header_fields() {
    let mut s = String::new();
    for i in 0..=MAX_HEADER_FIELDS {
        s.push_str(&format!("X-H{i}: v\r\n"));
    }
    s.push_str("\r\nbody\r\n");
    assert_limit(&verify_signatures(s.as_bytes(), &strict()), "MAX_HEADER_FIELDS");
}

#[test]
fn header_fields_per_message() {
    // Fields spread over parts, each part under MAX_HEADER_FIELDS.
    let message = |fields: usize| {
        let mut s = String::from("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        let mut left = fields - 1;
        while left > 0 {
            let n = left.min(MAX_HEADER_FIELDS - 1);
            s.push_str("--b\r\n");
            s.push_str(&"X: v\r\n".repeat(n));
            s.push_str("\r\nx\r\n");
            left -= n;
        }
        s.push_str("--b--\r\n");
        s.into_bytes()
    };
    assert_limit(&verify_signatures(&message(MAX_HEADER_FIELDS_PER_MESSAGE + 1), &strict()), "MAX_HEADER_FIELDS_PER_MESSAGE");
    assert_eq!(verify_signatures(&message(MAX_HEADER_FIELDS_PER_MESSAGE), &strict()).structure, Structure::Unsigned);
}

#[test]
fn header_value_bytes() {
    let s = format!("Subject: {}\r\n\r\nbody", "x".repeat(MAX_HEADER_VALUE_BYTES + 1));
    assert_limit(&verify_signatures(s.as_bytes(), &strict()), "MAX_HEADER_VALUE_BYTES (one line)");
    let folded =
        format!("Subject: a\r\n{}\r\n\r\nbody", format!(" {}\r\n", "x".repeat(1000)).repeat(MAX_HEADER_VALUE_BYTES / 1000 + 1).trim_end());
    assert_limit(&verify_signatures(folded.as_bytes(), &strict()), "MAX_HEADER_VALUE_BYTES (folded)");
}

#[test]
fn mime_parameters() {
    let mut ct = String::from("Content-Type: text/plain");
    for i in 0..=MAX_MIME_PARAMETERS {
        ct.push_str(&format!("; p{i}=v"));
    }
    assert_limit(&verify_signatures(format!("{ct}\r\n\r\nx").as_bytes(), &strict()), "MAX_MIME_PARAMETERS");
}

#[test]
fn boundary_length() {
    let msg = |n: usize| {
        let b = "b".repeat(n);
        format!("Content-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\n--{b}\r\n\r\nx\r\n--{b}--\r\n").into_bytes()
    };
    let r = verify_signatures(&msg(MAX_BOUNDARY_LEN + 1), &strict());
    assert!(has_code(&r, Code::Malformed), "{:?}", r.errors);
    assert_eq!(verify_signatures(&msg(MAX_BOUNDARY_LEN), &strict()).structure, Structure::Unsigned);
}

#[test]
fn der_depth() {
    // A signature part whose BER nests one level too deep.
    let mut ber = Vec::new();
    for _ in 0..MAX_DER_DEPTH + 2 {
        ber.extend_from_slice(&[0x30, 0x80]);
    }
    for _ in 0..MAX_DER_DEPTH + 2 {
        ber.extend_from_slice(&[0, 0]);
    }
    let r = verify_signatures(&detached(&ber), &strict());
    assert_eq!(r.structure, Structure::Malformed);
    assert_limit(&r, "MAX_DER_DEPTH");
}

#[test]
fn ber_segments() {
    // An opaque SignedData whose eContent is a constructed OCTET STRING with
    // one segment too many.
    let mut segs = Vec::with_capacity((MAX_BER_SEGMENTS + 1) * 3);
    for _ in 0..=MAX_BER_SEGMENTS {
        segs.extend_from_slice(&[0x04, 0x01, b'x']);
    }
    let econtent = der(0x24, &segs);
    let sd = seq(&[int(&[1]), set(&[]), seq(&[oid_tlv(oid::DATA), der(0xa0, &econtent)]), set(&[])]);
    let ci = seq(&[oid_tlv(oid::SIGNED_DATA), der(0xa0, &sd)]);
    let msg = format!(
        "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        b64(&ci)
    );
    assert_limit(&verify_signatures(msg.as_bytes(), &strict()), "MAX_BER_SEGMENTS");
}

#[test]
fn ber_elements_per_message() {
    // 50 nested indefinite-length constructed OCTET STRINGs around 4 M empty
    // segments, as the eContent of an opaque signature: each level re-walks
    // the segments below it.
    let (depth, n) = (50, 4_000_000);
    let mut econtent = Vec::with_capacity(n * 2 + depth * 4);
    for _ in 0..depth {
        econtent.extend_from_slice(&[0x24, 0x80]);
    }
    for _ in 0..n {
        econtent.extend_from_slice(&[0x04, 0x00]);
    }
    for _ in 0..depth {
        econtent.extend_from_slice(&[0, 0]);
    }
    let sd = seq(&[int(&[1]), set(&[]), seq(&[oid_tlv(oid::DATA), der(0xa0, &econtent)]), set(&[])]);
    let ci = seq(&[oid_tlv(oid::SIGNED_DATA), der(0xa0, &sd)]);
    let msg = format!(
        "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        b64(&ci)
    );
    let r = verify_signatures(msg.as_bytes(), &strict());
    assert_limit(&r, "MAX_BER_ELEMENTS_PER_MESSAGE");
    assert!(r.errors.iter().any(|e| e.message.contains("BER elements")), "{:?}", r.errors);
    // The budget is per message: the next message starts afresh.
    let ok = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/messages/rsa2048-sha256-ber-opaque.eml")).unwrap();
    assert!(verify_signatures(&ok, &strict()).crypto_valid);
    // And the low-level parser outside a scope has no budget.
    assert!(jmap_smime::asn1::parse_single(&ci).is_ok());
}

#[test]
fn certificates() {
    let certs = vec![alice_cert(); MAX_CERTIFICATES + 1];
    let r = verify_signatures(&detached(&signed_data(&certs, &[], &[signer_info(&alice_cert(), None)])), &strict());
    assert_limit(&r, "MAX_CERTIFICATES");
}

#[test]
fn crls() {
    let crl = seq(&[seq(&[]), seq(&[]), der(0x03, &[0])]);
    let r = verify_signatures(&detached(&signed_data(&[], &vec![crl; MAX_CRLS + 1], &[signer_info(&alice_cert(), None)])), &strict());
    assert_limit(&r, "MAX_CRLS");
}

#[test]
fn signers() {
    let si = signer_info(&alice_cert(), None);
    let r = verify_signatures(&detached(&signed_data(&[alice_cert()], &[], &vec![si.clone(); MAX_SIGNERS + 1])), &strict());
    assert_limit(&r, "MAX_SIGNERS");
    let ok = verify_signatures(&detached(&signed_data(&[alice_cert()], &[], &vec![si; MAX_SIGNERS])), &strict());
    assert_eq!(ok.signers.len(), MAX_SIGNERS);
    assert!(!has_code(&ok, Code::LimitExceeded));
}

#[test]
fn candidates_per_signer() {
    let si = signer_info(&alice_cert(), None);
    let r = verify_signatures(
        &detached(&signed_data(&vec![alice_cert(); MAX_CANDIDATES_PER_SIGNER + 1], &[], std::slice::from_ref(&si))),
        &strict(),
    );
    assert_limit(&r, "MAX_CANDIDATES_PER_SIGNER");
    // At the bound the signer is judged (and fails on its zero signature).
    let ok = verify_signatures(&detached(&signed_data(&vec![alice_cert(); MAX_CANDIDATES_PER_SIGNER], &[], &[si])), &strict());
    assert!(!has_code(&ok, Code::LimitExceeded), "{:?}", ok.errors);
}

#[test]
fn signed_attributes() {
    let attr = seq(&[oid_tlv(&[0x2a, 0x03]), set(&[der(0x05, &[])])]);
    let si = signer_info(&alice_cert(), Some(vec![attr; MAX_SIGNED_ATTRIBUTES + 1].concat()));
    let r = verify_signatures(&detached(&signed_data(&[alice_cert()], &[], &[si])), &strict());
    assert_limit(&r, "MAX_SIGNED_ATTRIBUTES");
}

fn rsa_spki(modulus_bytes: usize) -> PublicKeyInfo {
    let mut n = vec![0xffu8; modulus_bytes];
    n.insert(0, 0);
    PublicKeyInfo { algorithm: oid::RSA_ENCRYPTION.to_vec(), params: None, key: seq(&[int(&n), int(&[1, 0, 1])]) }
}

#[test]
fn rsa_key_sizes() {
    // MAX_RSA_BITS
    let e = alg::decode_key(&rsa_spki(MAX_RSA_BITS / 8 + 1), None).unwrap_err();
    assert_eq!(e.code, Code::LimitExceeded);
    assert!(alg::decode_key(&rsa_spki(MAX_RSA_BITS / 8), None).is_ok());
    // MIN_RSA_BITS (default) and MIN_RSA_BITS_LEGACY (even with legacy allowed).
    let scheme = SigScheme::RsaPkcs1 { hash: None };
    let d = alg::DigestAlg::Sha256;
    let legacy = Policy { allow_legacy: true };
    let key = |bits: usize| -> PublicKey { alg::decode_key(&rsa_spki(bits / 8), None).unwrap() };
    assert_eq!(alg::check_policy(&key(MIN_RSA_BITS - 8), scheme, d, &strict()).unwrap_err().code, Code::WeakAlgorithm);
    assert!(alg::check_policy(&key(MIN_RSA_BITS), scheme, d, &strict()).is_ok());
    assert!(alg::check_policy(&key(MIN_RSA_BITS_LEGACY), scheme, d, &legacy).is_ok());
    assert_eq!(alg::check_policy(&key(MIN_RSA_BITS_LEGACY - 8), scheme, d, &legacy).unwrap_err().code, Code::WeakAlgorithm);
}

#[test]
fn dsa_key_size() {
    let mut p = vec![0xffu8; MAX_DSA_BITS / 8 + 1];
    p.insert(0, 0);
    let params = seq(&[int(&p), int(&[0x7f; 20]), int(&[2])]);
    let spki = PublicKeyInfo { algorithm: oid::DSA.to_vec(), params: Some(params), key: int(&[5]) };
    assert_eq!(alg::decode_key(&spki, None).unwrap_err().code, Code::LimitExceeded);
}

// ---- path validation bounds ----

use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::pki::anchor::Anchor;
use jmap_smime::pki::cert::Certificate;
use jmap_smime::pki::crl::Crl;
use jmap_smime::pki::path::{self as pkipath, PathInput, RevocationMode};
use jmap_smime::pki::trust::TrustStore;

fn name(cn: &str) -> Vec<u8> {
    seq(&[set(&[seq(&[oid_tlv(&[0x55, 0x04, 0x03]), der(0x0c, cn.as_bytes())])])])
}

/// A v3 certificate `issuer` → `subject` with alice's key and a junk signature.
fn fake_cert(issuer: &str, subject: &str) -> Certificate {
    let alice = Certificate::from_der(&alice_cert()).unwrap();
    let alg = seq(&[oid_tlv(oid::SHA256_WITH_RSA), der(0x05, &[])]);
    let validity = seq(&[der(0x17, b"200101000000Z"), der(0x17, b"491231235959Z")]);
    let tbs = seq(&[der(0xa0, &int(&[2])), int(&[1]), alg.clone(), name(issuer), validity, name(subject), alice.spki_raw.clone()]);
    Certificate::from_der(&seq(&[tbs, alg, der(0x03, &[&[0u8][..], &[0x55; 256]].concat())])).unwrap()
}

fn input<'a>(anchors: &'a [Anchor], inter: &'a [&'a Certificate], crls: &'a [&'a Crl], policy: &'a Policy) -> PathInput<'a> {
    PathInput {
        time: parse_rfc3339("2026-01-01T00:00:00Z").unwrap(),
        anchors,
        intermediates: inter,
        crls,
        ocsp: &[],
        revocation: RevocationMode::Require,
        policy,
        crl_signer: false,
    }
}

#[test]
fn path_length() {
    // A chain of fake certificates c0 (issued by the anchor "top") ... cN (EE).
    let policy = Policy::default();
    let mut anchor = Anchor::from_certificate(fake_cert("top", "top"));
    anchor.label = "top".into();
    let anchors = [anchor];
    for (len, reaches_anchor) in [(MAX_PATH_LENGTH, true), (MAX_PATH_LENGTH + 1, false)] {
        let mut certs = vec![fake_cert("top", "c0")];
        for i in 1..len {
            certs.push(fake_cert(&format!("c{}", i - 1), &format!("c{i}")));
        }
        let ee = certs.pop().unwrap();
        let inter: Vec<&Certificate> = certs.iter().collect();
        let err = pkipath::validate(&ee, &input(&anchors, &inter, &[], &policy)).unwrap_err();
        // Reaching the anchor, the junk signatures fail; beyond the bound the
        // builder stops before it.
        let want = if reaches_anchor { Code::BadCertSignature } else { Code::UntrustedRoot };
        assert_eq!(err.code, want, "chain of {len}");
    }
}

#[test]
fn path_signature_checks() {
    // Alice's real chain under --revocation require, plus more junk CRLs
    // claiming the intermediate's name than the signature budget allows.
    let root =
        Certificate::from_der(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pki/root.cert.der")).unwrap()).unwrap();
    let inter =
        Certificate::from_der(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pki/intermediate.cert.der")).unwrap())
            .unwrap();
    let ee = Certificate::from_der(&alice_cert()).unwrap();
    let alg = seq(&[oid_tlv(oid::SHA256_WITH_RSA), der(0x05, &[])]);
    let crls: Vec<Crl> = (0..=MAX_PATH_SIGNATURE_CHECKS)
        .map(|i| {
            let tbs = seq(&[
                int(&[1]),
                alg.clone(),
                inter.subject.raw.clone(),
                der(0x17, b"200101000000Z"),
                der(0x17, b"491231235959Z"),
                // Distinct CRLs: the memo answers repeated checks without an operation.
                seq(&[seq(&[int(&(i as u16 + 1).to_be_bytes()), der(0x17, b"200101000000Z")])]),
            ]);
            Crl::from_der(&seq(&[tbs, alg.clone(), der(0x03, &[&[0u8][..], &[0x66; 256]].concat())])).unwrap()
        })
        .collect();
    let crl_refs: Vec<&Crl> = crls.iter().collect();
    let anchors = [Anchor::from_certificate(root)];
    let policy = Policy::default();
    let inters = [&inter];
    // Prefer: the root has no CRL, so validation goes on to the end entity,
    // whose issuer's name the junk CRLs claim.
    let prefer = |crls: &[&Crl]| -> Result<pkipath::Revocation, Code> {
        let i = PathInput { revocation: RevocationMode::Prefer, ..input(&anchors, &inters, crls, &policy) };
        pkipath::validate(&ee, &i).map(|p| p.revocation).map_err(|e| e.code)
    };
    assert_eq!(prefer(&crl_refs), Err(Code::PathBudgetExceeded));
    // With a handful of junk CRLs the budget holds: valid, status unknown.
    let few: Vec<&Crl> = crls.iter().take(3).collect();
    assert_eq!(prefer(&few), Ok(pkipath::Revocation::Unknown));
}

#[test]
fn trust_anchors() {
    let base = Anchor::from_certificate(Certificate::from_der(&alice_cert()).unwrap());
    let mut store = TrustStore::empty();
    for i in 0..MAX_TRUST_ANCHORS {
        let mut a = base.clone();
        a.spki.key = (i as u32).to_be_bytes().to_vec();
        assert!(store.add(a).unwrap());
    }
    let mut one_more = base.clone();
    one_more.spki.key = b"extra".to_vec();
    assert_eq!(store.add(one_more).unwrap_err().code, Code::LimitExceeded);
    // Adding one already present is not an error and adds nothing.
    let mut dup = base.clone();
    dup.spki.key = 0u32.to_be_bytes().to_vec();
    assert!(!store.add(dup).unwrap());
}

// ---- the work budget (issue 9 §1; src/budget.rs) ----

#[path = "common/hostile.rs"]
mod hostile;

use jmap_smime::budget::{self, WorkBudget};

fn rsa_spki_e(modulus_bytes: usize, e: &[u8]) -> PublicKeyInfo {
    PublicKeyInfo {
        algorithm: oid::RSA_ENCRYPTION.to_vec(),
        params: None,
        key: seq(&[hostile::uint(&hostile::rsa_modulus(modulus_bytes * 8, 1)), hostile::uint(e)]),
    }
}

#[test]
fn rsa_public_exponent() {
    // MAX_RSA_PUBLIC_EXPONENT_BITS: 2^32 - 1 is accepted, 2^32 + 1 (33 bits) is not.
    assert!(alg::decode_key(&rsa_spki_e(256, &[0xff; 4]), None).is_ok());
    let e33 = [0x01, 0, 0, 0, 0x01];
    assert_eq!(alg::decode_key(&rsa_spki_e(256, &e33), None).unwrap_err().code, Code::LimitExceeded);
    assert_eq!(MAX_RSA_PUBLIC_EXPONENT_BITS, 32);
    // MIN_RSA_PUBLIC_EXPONENT: 3 is accepted; 1 is not, nor any even exponent.
    assert!(alg::decode_key(&rsa_spki_e(256, &[MIN_RSA_PUBLIC_EXPONENT as u8]), None).is_ok());
    for e in [[1u8], [2], [0x10]] {
        assert_eq!(alg::decode_key(&rsa_spki_e(256, &e), None).unwrap_err().code, Code::BadKey, "e = {e:?}");
    }
}

fn at() -> i64 {
    parse_rfc3339("2026-01-01T00:00:00Z").unwrap()
}

#[test]
fn work_units_per_message() {
    // MAX_WORK_UNITS_PER_MESSAGE: 16 SignerInfos x 8 candidates with the
    // largest RSA keys accepted need more; the budget stops them, and what
    // was spent stays within it.
    let v = Verifier::new(TrustStore::empty());
    let mut work = WorkBudget::new();
    let verdict = v.verify_with_budget(&hostile::many_signers(16, 8, MAX_RSA_BITS, 65537), at(), Some(at() - 86_400), &mut work);
    assert!(verdict.errors.iter().any(|e| e.code == "work-budget-exceeded"), "{:?}", verdict.errors);
    let s = work.stats();
    assert!(s.exhausted && s.units <= MAX_WORK_UNITS_PER_MESSAGE, "{s:?}");
    // Two candidates of one signer fit: every check runs, none is refused.
    let mut work = WorkBudget::new();
    let verdict = v.verify_with_budget(&hostile::many_signers(1, 2, MAX_RSA_BITS, 65537), at(), None, &mut work);
    assert!(!verdict.errors.iter().any(|e| e.code == "work-budget-exceeded"), "{:?}", verdict.errors);
    assert_eq!(work.stats().public_key_ops, 2);
}

#[test]
fn work_cost_model() {
    // The figures of the cost model, as charged (WORK_UNITS_*,
    // WORK_BYTES_HASHED_PER_UNIT, WORK_UNITS_MEMO_LOOKUP).
    let spki = rsa_spki_e(256, &[1, 0, 1]);
    let mut work = WorkBudget::new();
    let key = work.key(&spki, None).unwrap();
    assert_eq!(key.cost, WORK_UNITS_RSA_2048);
    let decoded = budget::hash_cost(alg::DigestAlg::Sha256, spki.key.len()) + WORK_UNITS_MEMO_LOOKUP + WORK_UNITS_KEY_DECODE;
    assert_eq!(work.stats().units, decoded);
    let message = vec![0x61u8; 3 * WORK_BYTES_HASHED_PER_UNIT as usize];
    let mut sig = vec![0x01u8; 256];
    sig[255] = 7;
    let check = budget::SignatureCheck {
        scheme: SigScheme::RsaPkcs1 { hash: None },
        digest: alg::DigestAlg::Sha256,
        message: &message,
        hashed: None,
        signature: &sig,
    };
    assert_eq!(work.verify(&key, &check, &Policy::default()).unwrap_err().code, Code::BadSignature);
    let once = decoded + 3 + WORK_UNITS_MEMO_LOOKUP + WORK_UNITS_RSA_2048;
    assert_eq!(work.stats().units, once);
    // The same check again: the memo answers, for a lookup and the hashing.
    assert_eq!(work.verify(&key, &check, &Policy::default()).unwrap_err().code, Code::BadSignature);
    assert_eq!(work.stats().units, once + 3 + WORK_UNITS_MEMO_LOOKUP);
    assert_eq!((work.stats().public_key_ops, work.stats().memo_hits), (1, 1));
    // SHA-512 is charged at its own rate.
    assert_eq!(budget::hash_cost(alg::DigestAlg::Sha512, 1024), 1024 / WORK_BYTES_HASHED_PER_UNIT_SLOW);
    assert_eq!(budget::rsa_cost(4096, 17), 4 * WORK_UNITS_RSA_2048);
    assert_eq!(budget::dsa_cost(2048, 256), WORK_UNITS_DSA_2048);
    // A name comparison costs at least one unit, and more by size.
    let n = Certificate::from_der(&alice_cert()).unwrap().issuer;
    assert_eq!(budget::name_cost(&n, &n), 1 + (2 * n.raw.len() as u64) / WORK_NAME_OCTETS_PER_UNIT);
}

/// Anchors named like the signer's issuer, each with its own Ed25519 key
/// that signed nothing: each one is a complete candidate path.
#[test]
fn path_candidates() {
    use hostile::{certificate, ed25519_key, ed25519_spki, CertSpec, Sign};
    let issuer = hostile::name("Candidate Root");
    let anchors: Vec<Anchor> = (0..=MAX_PATH_CANDIDATES as u64)
        .map(|i| {
            let spec = CertSpec { ca: true, ..CertSpec::new(issuer.clone(), issuer.clone(), ed25519_spki(&ed25519_key(1000 + i))) };
            Anchor::from_certificate(Certificate::from_der(&certificate(&spec, Sign::JunkEd25519 { seed: i })).unwrap())
        })
        .collect();
    let ee_spec = CertSpec::new(issuer.clone(), hostile::name("Signer"), ed25519_spki(&ed25519_key(1)));
    let ee = Certificate::from_der(&certificate(&ee_spec, Sign::JunkEd25519 { seed: 9 })).unwrap();
    let policy = Policy::default();
    let run = |anchors: &[Anchor]| pkipath::validate(&ee, &input(anchors, &[], &[], &policy)).unwrap_err();
    assert_eq!(run(&anchors[..MAX_PATH_CANDIDATES]).code, Code::BadCertSignature);
    let e = run(&anchors);
    assert_eq!(e.code, Code::PathBudgetExceeded, "{e:?}");
    assert!(e.detail.contains("candidate paths"), "{}", e.detail);
}

/// MAX_PATH_SEARCH_STEPS: a junk CRL claims the intermediate's name, and
/// certificates with that name wait as separate CRL signers (RFC 5280
/// §6.3.3(f)) at the bottom of a valid chain of 14 CAs to the same anchor.
/// Each one's own signature is junk, found only once its whole chain has been
/// validated; the search for each takes a round per length, so the steps run
/// out while candidate paths and public-key operations stay far below their
/// bounds.
#[test]
fn path_search_steps() {
    use hostile::{certificate, crl, ed25519_key, ed25519_spki, CertSpec, Sign};
    let anchor_key = ed25519_key(2000);
    let root = hostile::name("Steps Root");
    let anchor_spec = CertSpec { ca: true, ..CertSpec::new(root.clone(), root.clone(), ed25519_spki(&anchor_key)) };
    let anchors = [Anchor::from_certificate(Certificate::from_der(&certificate(&anchor_spec, Sign::Ed25519(&anchor_key))).unwrap())];
    let int_name = hostile::name("Steps Intermediate");
    let int_key = ed25519_key(2001);
    let ca = |issuer: &[u8], subject: &[u8], key: &ed25519_dalek::SigningKey, serial: u64, by: Sign<'_>| {
        let spec = CertSpec { serial, ca: true, ..CertSpec::new(issuer.to_vec(), subject.to_vec(), ed25519_spki(key)) };
        Certificate::from_der(&certificate(&spec, by)).unwrap()
    };
    let mut certs = vec![ca(&root, &int_name, &int_key, 2, Sign::Ed25519(&anchor_key))];
    // P14 (issued by the anchor) ... P1.
    let keys: Vec<ed25519_dalek::SigningKey> = (0..14).map(|i| ed25519_key(2100 + i)).collect();
    let names: Vec<Vec<u8>> = (0..14).map(|i| hostile::name(&format!("Steps P{}", i + 1))).collect();
    for i in (0..14).rev() {
        let (issuer, by) =
            if i == 13 { (root.clone(), Sign::Ed25519(&anchor_key)) } else { (names[i + 1].clone(), Sign::Ed25519(&keys[i + 1])) };
        certs.push(ca(&issuer, &names[i], &keys[i], 10 + i as u64, by));
    }
    let ee_spec =
        CertSpec { serial: 5, ..CertSpec::new(int_name.clone(), hostile::name("Steps Signer"), ed25519_spki(&ed25519_key(2002))) };
    let ee = Certificate::from_der(&certificate(&ee_spec, Sign::Ed25519(&int_key))).unwrap();
    let junk = Crl::from_der(&crl(&int_name, &[5], Sign::JunkEd25519 { seed: 1 })).unwrap();
    let policy = Policy::default();
    let run = |signers: usize| {
        let mut all = certs.clone();
        for j in 0..signers as u64 {
            all.push(ca(&names[0], &int_name, &ed25519_key(3000 + j), 100 + j, Sign::JunkEd25519 { seed: j }));
        }
        let inter: Vec<&Certificate> = all.iter().collect();
        let crls = [&junk];
        let i = PathInput { revocation: RevocationMode::Prefer, ..input(&anchors, &inter, &crls, &policy) };
        let mut work = WorkBudget::new();
        let r = pkipath::validate_with(&ee, &i, &mut work).map(|p| p.revocation).map_err(|e| (e.code, e.detail));
        (r, work.stats())
    };
    // A few such signers: the junk CRL is refused, the path validates.
    let (r, _) = run(4);
    assert_eq!(r, Ok(pkipath::Revocation::Unknown));
    // As many as a message can carry: the steps run out first.
    let (r, stats) = run(MAX_CERTIFICATES - 16);
    let (code, detail) = r.unwrap_err();
    assert_eq!(code, Code::PathBudgetExceeded, "{detail}");
    assert!(detail.contains("search steps"), "{detail}");
    assert!(stats.path_candidates < MAX_PATH_CANDIDATES as u64 && stats.public_key_ops < MAX_PATH_SIGNATURE_CHECKS as u64, "{stats:?}");
}

// ---- issue 10: the verifier-level memo of signature checks ----

/// A distinct memo identity for each `i`.
fn id(i: usize) -> [u8; 32] {
    let mut id = [0u8; 32];
    id[..8].copy_from_slice(&(i as u64).to_be_bytes());
    id
}

#[test]
fn memo_entries() {
    use jmap_smime::crypto::CheckMemo;
    use jmap_smime::limits::MAX_MEMO_ENTRIES;
    let mut memo = CheckMemo::default();
    assert_eq!(memo.bound(), MAX_MEMO_ENTRIES);
    for i in 0..MAX_MEMO_ENTRIES + 100 {
        memo.insert(id(i), Ok(()));
        assert!(memo.len() <= MAX_MEMO_ENTRIES);
    }
    assert_eq!(memo.len(), MAX_MEMO_ENTRIES);
    assert_eq!(memo.evictions(), 100);
    // Oldest first: the first 100 are forgotten, the rest kept.
    assert!(memo.get(&id(99)).is_none());
    assert!(memo.get(&id(100)).is_some());
    assert!(memo.get(&id(MAX_MEMO_ENTRIES + 99)).is_some());
    // Replacing a remembered entry does not grow the memo.
    memo.insert(id(100), Err(jmap_smime::Error::new(Code::BadSignature, "x")));
    assert_eq!(memo.len(), MAX_MEMO_ENTRIES);
}

#[test]
fn memo_of_a_verifier_stays_bounded() {
    use jmap_smime::asn1::time::parse_rfc3339;
    use jmap_smime::crypto::SharedMemo;
    // A verifier whose memo holds 2 entries, over messages that need more.
    let mut trust = jmap_smime::pki::trust::TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pki/root.cert.der")).unwrap()).unwrap();
    let v = Verifier { trust, memo: SharedMemo::with_bound(2), ..Verifier::default() };
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/messages");
    for f in ["rsa2048-sha256-detached.eml", "ecdsa-p256-sha256-detached.eml", "rsa4096-sha256-detached.eml"] {
        let raw = std::fs::read(format!("{dir}/{f}")).unwrap();
        let first = v.verify(&raw, now, Some(now));
        assert!(v.memo.len() <= 2);
        // Forgetting changes no verdict.
        assert_eq!(v.verify(&raw, now, Some(now)), first, "{f}");
    }
    assert!(v.memo.evictions() > 0);
}

#[test]
fn key_memo_entries() {
    use jmap_smime::crypto::KeyMemo;
    use jmap_smime::limits::MAX_KEY_MEMO_ENTRIES;
    use std::sync::Arc;
    let mut memo = KeyMemo::default();
    assert_eq!(memo.bound(), MAX_KEY_MEMO_ENTRIES);
    let bad = Arc::new(Err(jmap_smime::Error::new(Code::UnsupportedAlgorithm, "x")));
    for i in 0..MAX_KEY_MEMO_ENTRIES + 10 {
        memo.insert(id(i), Arc::clone(&bad));
        assert!(memo.len() <= MAX_KEY_MEMO_ENTRIES);
    }
    assert_eq!((memo.len(), memo.evictions()), (MAX_KEY_MEMO_ENTRIES, 10));
    assert!(memo.get(&id(9)).is_none() && memo.get(&id(10)).is_some());
}

#[test]
fn keys_are_decoded_once_per_verifier() {
    use jmap_smime::asn1::time::parse_rfc3339;
    use jmap_smime::crypto::Route;
    let mut trust = jmap_smime::pki::trust::TrustStore::empty();
    trust.add_pem_or_der(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pki/root.cert.der")).unwrap()).unwrap();
    let v = Verifier { trust, ..Verifier::default() };
    let now = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let raw = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/messages/ecdsa-p256-sha256-detached.eml")).unwrap();
    let (first, cold) = v.verify_routed(&raw, now, Some(now), Route::Rust);
    let (again, warm) = v.verify_routed(&raw, now, Some(now), Route::Rust);
    assert_eq!(first, again);
    assert!(cold.keys_decoded > 0, "{cold:?}");
    // The second message finds every key (and check) in the verifier's memo,
    // and is charged lookups for them: less than the first, never nothing.
    assert_eq!((warm.keys_decoded, warm.public_key_ops), (0, 0), "{warm:?}");
    assert!(0 < warm.units && warm.units < cold.units, "{cold:?} {warm:?}");
    assert!(v.memo.keys() > 0 && v.memo.keys() <= jmap_smime::limits::MAX_KEY_MEMO_ENTRIES);
}

#[test]
fn digest_cache_octets() {
    use jmap_smime::cms::alg::DigestAlg;
    use jmap_smime::crypto::DigestCache;
    let mut cache = DigestCache::default();
    // Inputs just under the per-input limit, until the cache is over-full.
    let count = MAX_DIGEST_CACHE_BYTES / MAX_DIGEST_CACHE_INPUT + 8;
    let input = |i: usize| {
        let mut v = vec![0u8; MAX_DIGEST_CACHE_INPUT];
        v[..8].copy_from_slice(&(i as u64).to_be_bytes());
        v
    };
    for i in 0..count {
        let data = input(i);
        let d = DigestAlg::Sha256.digest(&[&data]);
        cache.insert(DigestAlg::Sha256, &data, &d);
        assert!(cache.held() <= MAX_DIGEST_CACHE_BYTES, "{}", cache.held());
    }
    // Oldest forgotten first; what is kept is the digest of exactly its input.
    assert!(cache.get(DigestAlg::Sha256, &input(0)).is_none());
    let last = input(count - 1);
    assert_eq!(cache.get(DigestAlg::Sha256, &last), Some(DigestAlg::Sha256.digest(&[&last])));
    assert!(cache.get(DigestAlg::Sha384, &last).is_none(), "another algorithm is another entry");
    // One octet over the per-input limit: hashed by the caller, never kept.
    let big = vec![1u8; MAX_DIGEST_CACHE_INPUT + 1];
    let before = cache.len();
    cache.insert(DigestAlg::Sha256, &big, &DigestAlg::Sha256.digest(&[&big]));
    assert_eq!(cache.len(), before);
    assert!(cache.get(DigestAlg::Sha256, &big).is_none());
}

// ---- OCSP (issue 12 §3) ----

/// An OCSPResponse (RFC 6960 §4.2.1) with `singles` good statuses and
/// `certs` copies of Alice's certificate; the signature is filler (the
/// parser bounds come before any check).
fn ocsp_response(singles: usize, certs: usize) -> Vec<u8> {
    let time = der(0x18, b"20260101000000Z");
    let single = seq(&[
        seq(&[seq(&[oid_tlv(oid::SHA1), der(0x05, &[])]), der(0x04, &[0; 20]), der(0x04, &[0; 20]), int(&[1])]),
        der(0x80, &[]),
        time.clone(),
    ]);
    let tbs = seq(&[der(0xa2, &der(0x04, &[0; 20])), time, seq(&vec![single; singles])]);
    let mut basic = vec![tbs, seq(&[oid_tlv(oid::SHA256_WITH_RSA), der(0x05, &[])]), der(0x03, &[0; 257])];
    if certs > 0 {
        basic.push(der(0xa0, &seq(&vec![alice_cert(); certs])));
    }
    let bytes = seq(&[oid_tlv(oid::OCSP_BASIC), der(0x04, &seq(&basic))]);
    seq(&[der(0x0a, &[0]), der(0xa0, &bytes)])
}

#[test]
fn ocsp_single_responses() {
    use jmap_smime::pki::ocsp::OcspResponse;
    assert_eq!(OcspResponse::from_der(&ocsp_response(MAX_OCSP_SINGLE_RESPONSES, 0)).unwrap().responses.len(), MAX_OCSP_SINGLE_RESPONSES);
    let e = OcspResponse::from_der(&ocsp_response(MAX_OCSP_SINGLE_RESPONSES + 1, 0)).unwrap_err();
    assert_eq!(e.code, Code::LimitExceeded, "{e}");
}

#[test]
fn ocsp_response_certs() {
    use jmap_smime::pki::ocsp::OcspResponse;
    assert_eq!(OcspResponse::from_der(&ocsp_response(1, MAX_OCSP_RESPONSE_CERTS)).unwrap().certs.len(), MAX_OCSP_RESPONSE_CERTS);
    let e = OcspResponse::from_der(&ocsp_response(1, MAX_OCSP_RESPONSE_CERTS + 1)).unwrap_err();
    assert_eq!(e.code, Code::LimitExceeded, "{e}");
}

#[test]
fn ocsp_responses_per_message_and_supplied() {
    use jmap_smime::pki::ocsp::{check_supplied, OcspResponse};
    // RFC 5940 §2.2: `other [1] { id-ri-ocsp-response, OCSPResponse }`.
    let other = der(0xa1, &[oid_tlv(oid::RI_OCSP_RESPONSE), ocsp_response(1, 0)].concat());
    let at = vec![other.clone(); MAX_OCSP_RESPONSES];
    let r = verify_signatures(&detached(&signed_data(&[alice_cert()], &at, &[signer_info(&alice_cert(), None)])), &strict());
    assert!(!has_code(&r, Code::LimitExceeded), "{:?}", r.errors);
    let over = vec![other; MAX_OCSP_RESPONSES + 1];
    assert_limit(
        &verify_signatures(&detached(&signed_data(&[alice_cert()], &over, &[signer_info(&alice_cert(), None)])), &strict()),
        "OCSP",
    );
    let one = OcspResponse::from_der(&ocsp_response(1, 0)).unwrap();
    assert!(check_supplied(&vec![one.clone(); MAX_OCSP_RESPONSES]).is_ok());
    assert_eq!(check_supplied(&vec![one; MAX_OCSP_RESPONSES + 1]).unwrap_err().code, Code::LimitExceeded);
}
