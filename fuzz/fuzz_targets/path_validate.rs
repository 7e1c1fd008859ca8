//! Certification path validation and the whole client verdict.
//!
//! Input: a flags byte, an 8-byte big-endian time, then the payload.
//!
//! flags bit 0 clear: path mode. The payload is read as consecutive BER
//! elements (at most MAX_ELEMENTS); each one that parses as a certificate or
//! a CRL is kept. The first certificate is the trust anchor, the last the end
//! entity (the anchor's own certificate when there is only one), the others
//! intermediates; every CRL is offered. `pki::path::validate` must return.
//!
//! flags bit 0 set: verdict mode. The payload is a whole message, verified by
//! a `Verifier` trusting the test PKI root (tests/fixtures/pki/root.cert.der).
//!
//! Other flags: bits 1-2 revocation (0 require, 1 prefer, 2/3 off); bit 3
//! legacy algorithms allowed; bit 4 in path mode: the time is an offset from
//! the end entity's notBefore, in verdict mode: a receivedAt one day before
//! the time; bit 5 in verdict mode: offer the fixture CRLs
//! (tests/fixtures/trust/root.crl and intermediate.crl).
#![no_main]
use std::sync::OnceLock;

use jmap_smime::asn1::Reader;
use jmap_smime::pki::anchor::Anchor;
use jmap_smime::pki::cert::Certificate;
use jmap_smime::pki::crl::Crl;
use jmap_smime::pki::path::{self, PathInput, RevocationMode};
use jmap_smime::pki::trust::TrustStore;
use jmap_smime::{Policy, Verifier, VerifyOptions};
use libfuzzer_sys::fuzz_target;

const MAX_ELEMENTS: usize = 24;

const ROOT_DER: &[u8] = include_bytes!("../../tests/fixtures/pki/root.cert.der");
const ROOT_CRL_PEM: &[u8] = include_bytes!("../../tests/fixtures/trust/root.crl");
const INTERMEDIATE_CRL_PEM: &[u8] = include_bytes!("../../tests/fixtures/trust/intermediate.crl");

fn crl_from_pem(pem: &[u8]) -> Crl {
    let text = std::str::from_utf8(pem).expect("fixture CRL is ASCII");
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = jmap_smime::mime::decode::base64(body.as_bytes()).expect("fixture CRL base64");
    Crl::from_der(&der).expect("fixture CRL parses")
}

struct Fixed {
    trust: TrustStore,
    crls: Vec<Crl>,
}

fn fixed() -> &'static Fixed {
    static F: OnceLock<Fixed> = OnceLock::new();
    F.get_or_init(|| {
        let mut trust = TrustStore::empty();
        trust.add(Anchor::from_certificate(Certificate::from_der(ROOT_DER).expect("test root parses"))).expect("add root");
        Fixed { trust, crls: vec![crl_from_pem(ROOT_CRL_PEM), crl_from_pem(INTERMEDIATE_CRL_PEM)] }
    })
}

fn path_mode(time: i64, relative: bool, revocation: RevocationMode, policy: &Policy, payload: &[u8]) {
    let mut certs: Vec<Certificate> = Vec::new();
    let mut crls: Vec<Crl> = Vec::new();
    let mut r = Reader::new(payload);
    for _ in 0..MAX_ELEMENTS {
        let Ok(Some(t)) = r.next_tlv() else { break };
        if let Ok(c) = Certificate::from_der(t.raw) {
            certs.push(c);
        } else if let Ok(c) = Crl::from_der(t.raw) {
            crls.push(c);
        }
    }
    let Some(first) = certs.first() else { return };
    let anchors = [Anchor::from_certificate(first.clone())];
    let ee = certs.last().unwrap_or(first);
    let intermediates: Vec<&Certificate> =
        if certs.len() > 2 { certs[1..certs.len() - 1].iter().collect() } else { Vec::new() };
    let crl_refs: Vec<&Crl> = crls.iter().collect();
    let time = if relative { ee.not_before.saturating_add(time) } else { time };
    let input = PathInput {
        time,
        anchors: &anchors,
        intermediates: &intermediates,
        crls: &crl_refs,
        ocsp: &[],
        revocation,
        policy,
        crl_signer: false,
    };
    let _ = path::validate(ee, &input);
}

fn verdict_mode(time: i64, received: bool, with_crls: bool, revocation: RevocationMode, policy: Policy, payload: &[u8]) {
    let f = fixed();
    let crls = if with_crls { f.crls.clone() } else { Vec::new() };
    let v = Verifier {
        trust: f.trust.clone(),
        policy,
        options: VerifyOptions { revocation, skip_address_check: false, crls, ..VerifyOptions::default() },
        // A fresh memo per input: one input's checks never answer another's.
        memo: Default::default(),
        memory: None,
    };
    let received_at = received.then(|| time.saturating_sub(86_400));
    let verdict = v.verify(payload, time, received_at);
    let _ = serde_json::to_string(&verdict);
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let Some((t, payload)) = rest.split_first_chunk::<8>() else { return };
    let time = i64::from_be_bytes(*t);
    let revocation = match (flags >> 1) & 3 {
        0 => RevocationMode::Require,
        1 => RevocationMode::Prefer,
        _ => RevocationMode::Off,
    };
    let policy = Policy { allow_legacy: flags & 8 != 0 };
    if flags & 1 == 0 {
        path_mode(time, flags & 16 != 0, revocation, &policy, payload);
    } else {
        verdict_mode(time, flags & 16 != 0, flags & 32 != 0, revocation, policy, payload);
    }
});
