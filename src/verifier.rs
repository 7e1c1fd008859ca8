//! The full client verdict (DESIGN.md "The verdict"; R29–R37): the signature
//! layer, then certification paths at `now` and at `receivedAt`, revocation,
//! and the signer's identity against From and Sender, in RFC 9219 vocabulary.
//! Time, anchors and policy are arguments; nothing here reads a clock.

use crate::address;
use crate::address_map::{self, AddressMapping};
use crate::asn1::time::{self, UnixTime};
use crate::budget::{WorkBudget, WorkStats};
use crate::crypto::{MessageChecks, PendingCheck, Route, SharedMemo};
use crate::error::{Code, Error};
use crate::memory::{Learned, SharedMemory, SignerChange};
use crate::pki::cert::Certificate;
use crate::pki::crl::Crl;
use crate::pki::ocsp::OcspResponse;
use crate::pki::path::{self, PathInput, Revocation};
use crate::pki::trust::TrustStore;
use crate::policy::Policy;
use crate::protected;
use crate::report::{Problem, Structure};
use crate::signed_view;
use crate::verify::{self, Analysis};
use crate::vocabulary;
use std::sync::Arc;

/// RFC 9219 §4.1.1 `smimeStatus` tokens this client produces.
pub const SIGNED_VERIFIED: &str = "signed/verified";
/// RFC 9219 `signed/failed`.
pub const SIGNED_FAILED: &str = "signed/failed";
/// RFC 9219 `unknown`.
pub const UNKNOWN: &str = "unknown";

mod targets;
mod verdict;
pub use targets::RevocationTarget;
pub use verdict::{SignerVerdict, Verdict, VerifyOptions};

/// A trust store, a policy and options: verifies messages.
#[derive(Clone, Debug, Default)]
pub struct Verifier {
    /// Trust anchors.
    pub trust: TrustStore,
    /// Algorithm policy.
    pub policy: Policy,
    /// Revocation, identity and extra certificates/CRLs.
    pub options: VerifyOptions,
    /// Signature checks remembered across messages (shared by clones;
    /// bounded, `limits::MAX_MEMO_ENTRIES`). A result depends only on the
    /// key, the scheme, the signed bytes and the signature, so verifiers with
    /// other anchors or policies may share it.
    pub memo: SharedMemo,
    /// A memory of signers (issue 12 §2): lends its certificates to the
    /// signer lookup, warns when a From address's signer certificate is not
    /// one seen before, and learns from verified verdicts. `None`: none.
    pub memory: Option<SharedMemory>,
}

/// One run of a message through the crypto seam ([`Verifier::verify_step`]).
#[derive(Debug)]
pub enum Step {
    /// The verdict, and the work the final run spent.
    Done(Box<Verdict>, WorkStats),
    /// Checks to do before the next run (each one given back with
    /// [`MessageChecks::resolve`]).
    Pending(Vec<PendingCheck>),
}

fn problem(code: Code, detail: impl Into<String>) -> Problem {
    Problem::from(&Error::new(code, detail))
}

fn warning(code: Code, detail: impl Into<String>) -> Problem {
    let mut p = problem(code, detail);
    p.warning = true;
    p
}

/// Header values by name (case-insensitive).
fn header_values<'h>(headers: &'h [(String, String)], name: &str) -> Vec<&'h str> {
    headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
}

/// RFC 5322 §3.3 date-time, as far as the skew check needs it:
/// `[Day, ]DD Mon YYYY HH:MM[:SS] ±HHMM`.
pub(crate) fn parse_rfc5322_date(v: &str) -> Option<UnixTime> {
    let v = v.split('(').next()?.trim();
    let v = v.split_once(',').map_or(v, |(_, r)| r).trim();
    let parts: Vec<&str> = v.split_whitespace().collect();
    let [d, mon, y, hms, zone, ..] = parts.as_slice() else { return None };
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let m = MONTHS.iter().position(|x| mon.eq_ignore_ascii_case(x))?;
    let mut hms_it = hms.split(':');
    let h: i64 = hms_it.next()?.parse().ok()?;
    let mi: i64 = hms_it.next()?.parse().ok()?;
    let s: i64 = hms_it.next().map_or(Some(0), |x| x.parse().ok())?;
    let t = time::from_fields(y.parse().ok()?, i64::try_from(m).ok()?.checked_add(1)?, d.parse().ok()?, h, mi, s).ok()?;
    let off = match zone.as_bytes() {
        [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 4 => {
            let n: i64 = std::str::from_utf8(rest).ok()?.parse().ok()?;
            let secs = (n / 100).checked_mul(3600)?.checked_add((n % 100).checked_mul(60)?)?;
            if *sign == b'-' {
                secs.checked_neg()?
            } else {
                secs
            }
        }
        _ => 0,
    };
    t.checked_sub(off)
}

/// The header fields the signer binding reads: the protected ones of a
/// signed entity with RFC 9788 header protection, else the message root's.
fn binding_headers(a: &Analysis) -> &[(String, String)] {
    match &a.extras.signed_view {
        Some(v) if v.protection.is_some() && a.report.structure == Structure::Signed => &v.inner_headers,
        _ => &a.extras.headers,
    }
}

/// Outcome of the trust checks at one time.
struct AtTime {
    status: Option<String>,
    errors: Vec<Problem>,
    signers: Vec<SignerVerdict>,
    from_matches: bool,
    sender_matches: bool,
    has_sender: bool,
    mapped: Vec<AddressMapping>,
    change: Option<SignerChange>,
    learned: Learned,
}

impl Verifier {
    /// A fingerprint of everything besides the message and the times that
    /// decides a verdict: the trust store, the policy and the options
    /// (intermediates and CRLs by content). Two verifiers with equal
    /// fingerprints give equal verdicts; the verdict cache keys on it.
    pub fn config_fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.trust.fingerprint().as_bytes());
        h.update([u8::from(self.policy.allow_legacy), u8::from(self.options.skip_address_check)]);
        h.update(format!("{:?}", self.options.revocation).as_bytes());
        for c in &self.options.intermediates {
            h.update(b"c");
            h.update(Sha256::digest(&c.raw));
        }
        for c in &self.options.crls {
            h.update(b"l");
            h.update(Sha256::digest(&c.raw));
        }
        for r in &self.options.ocsp {
            h.update(b"o");
            h.update(Sha256::digest(&r.raw));
        }
        // Issue 12 §6: a mapping changes verdicts, so it is configuration.
        for m in &self.options.address_map {
            h.update(b"m");
            h.update(Sha256::digest(m.certificate.as_bytes()));
            h.update(Sha256::digest(m.address.as_bytes()));
        }
        // Issue 12 §2: a memory changes verdicts as it learns; no other
        // verifier (a pool worker) may answer for one that has it.
        if let Some(m) = &self.memory {
            h.update(b"memory");
            h.update(m.with(|m| m.accepted_epoch()).to_be_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A verifier with this store and the strict defaults.
    pub fn new(trust: TrustStore) -> Verifier {
        Verifier { trust, ..Verifier::default() }
    }

    /// Verify `raw` at `now` (and at `received_at` when given), within one
    /// per-message work budget (`limits::MAX_WORK_UNITS_PER_MESSAGE`).
    /// Signature checks already done for earlier messages are answered by
    /// [`Verifier::memo`] (and charged as lookups).
    pub fn verify(&self, raw: &[u8], now: UnixTime, received_at: Option<UnixTime>) -> Verdict {
        self.verify_routed(raw, now, received_at, Route::Rust).0
    }

    /// [`Verifier::verify`] with the unknown checks done by `route`, the
    /// deferred ones answered at once by the Rust route (the browser answers
    /// them with WebCrypto instead; tests use this to compare the routes).
    /// Returns the verdict and the work of the final run.
    pub fn verify_routed(&self, raw: &[u8], now: UnixTime, received_at: Option<UnixTime>, route: Route) -> (Verdict, WorkStats) {
        let mut checks = MessageChecks::new(route);
        loop {
            match self.verify_step(raw, now, received_at, &mut checks) {
                Step::Done(v, stats) => return (*v, stats),
                Step::Pending(list) => {
                    for p in list {
                        checks.resolve(p.id, p.check_rust());
                    }
                }
            }
        }
    }

    /// One run of `raw` through the crypto seam (src/crypto/mod.rs): checks
    /// known to this message or the memo are answered, unknown ones done or
    /// deferred by `checks`' route. A run that deferred any yields them
    /// ([`Step::Pending`]); resolve each and call again with the same
    /// `checks`. After `limits::MAX_CRYPTO_ROUNDS` rounds the Rust route
    /// does the rest, so the calls end. The final run's results go to the memo.
    pub fn verify_step(&self, raw: &[u8], now: UnixTime, received_at: Option<UnixTime>, checks: &mut MessageChecks) -> Step {
        // Every check the last run assumed valid is: that run was exact.
        if let Some((verdict, stats)) = checks.confirmed() {
            checks.flush(&self.memo);
            self.learn(checks, now);
            return Step::Done(verdict, stats);
        }
        checks.begin_round();
        let mut work = WorkBudget::with_seam(crate::limits::MAX_WORK_UNITS_PER_MESSAGE, self.memo.clone(), std::mem::take(checks));
        let (verdict, learned) = self.run(raw, now, received_at, &mut work);
        if let Some(c) = work.take_checks() {
            *checks = c;
        }
        checks.learned = learned;
        let pending = checks.take_pending();
        if pending.is_empty() {
            checks.flush(&self.memo);
            self.learn(checks, now);
            Step::Done(Box::new(verdict), work.stats())
        } else {
            checks.keep_provisional(Box::new(verdict), work.stats(), &pending);
            Step::Pending(pending)
        }
    }

    /// [`Verifier::verify`] charging `work`, which is shared by the signature
    /// layer and both validation times; its counters tell what the message
    /// cost.
    pub fn verify_with_budget(&self, raw: &[u8], now: UnixTime, received_at: Option<UnixTime>, work: &mut WorkBudget) -> Verdict {
        self.run(raw, now, received_at, work).0
    }

    /// A final run's lessons to the memory (issue 12 §2).
    fn learn(&self, checks: &mut MessageChecks, now: UnixTime) {
        let learned = std::mem::take(&mut checks.learned);
        if let (Some(m), false) = (&self.memory, learned.is_empty()) {
            m.with(|m| learned.iter().for_each(|(a, c, ok)| m.learn(a, c, now, *ok)));
        }
    }

    /// One run: the verdict and what it would teach the memory.
    fn run(&self, raw: &[u8], now: UnixTime, received_at: Option<UnixTime>, work: &mut WorkBudget) -> (Verdict, Learned) {
        // Issue 12 §1, §2: the caller's certificates and the memory's also
        // identify a signer the message carries no certificate for (as
        // OpenSSL's -certfile), never as anchors.
        let lent = self.memory.as_ref().map(|m| m.with(|m| m.certificates())).unwrap_or_default();
        let known: Vec<&Certificate> = self.options.intermediates.iter().chain(lent.iter().map(Arc::as_ref)).collect();
        let with = crate::cms::signer::Judging { policy: &self.policy, known: &known };
        let analysis = verify::analyse(raw, with, work);
        let at_now = self.judge(&analysis, &known, now, work, true);
        // At delivery only the status is kept: no chain to describe.
        let status_at_delivery = received_at.map(|t| self.judge(&analysis, &known, t, work, false).status);
        let sender_matches = at_now.has_sender.then_some(at_now.sender_matches);
        // Issue 9 §3: what a UI shows comes from the checked bytes.
        let signed = analysis.report.structure == Structure::Signed;
        let view = analysis.extras.signed_view.as_ref().filter(|_| signed);
        let protected_headers = view.and_then(|v| protected::read(v, &analysis.extras.headers));
        // Issue 12 §5, RFC 9788 §4.1: the fields the signer was bound to are
        // the ones shown; unprotected outer fields are not merged in.
        let shown = binding_headers(&analysis);
        let headers = view.map(|v| signed_view::headers(shown, v, at_now.from_matches, sender_matches == Some(true)));
        // The body moves out of the analysis (up to 1 MiB of text: no copy).
        let body = analysis.extras.signed_view.filter(|_| signed).map(|v| v.body);
        let r = analysis.report;
        let verdict = Verdict {
            status: at_now.status,
            status_at_delivery,
            errors: at_now.errors,
            structure: r.structure,
            coverage: r.coverage,
            signers: at_now.signers,
            from_matches: at_now.from_matches,
            sender_matches,
            content: r.content,
            headers,
            body,
            address_mapped: at_now.mapped,
            signer_change: at_now.change,
            protected_headers,
        };
        let learned = if verdict.status.as_deref() == Some(SIGNED_VERIFIED) { at_now.learned } else { Vec::new() };
        (verdict, learned)
    }

    /// Issue 12 §2: compare with the memory and note what to learn.
    fn continuity(&self, out: &mut AtTime, warnings: &mut Vec<Problem>, from: &str, cert: &Certificate) {
        let Some(memory) = &self.memory else { return };
        let change = memory.with(|m| m.change(from, cert));
        // A renewal is accepted on sight; another authority or key waits for
        // CertificateMemory::accept, so its warning stays until the reader checks.
        let accepted = change.as_ref().is_none_or(|c| c.kind == "renewed");
        if let (Some(ch), None) = (change, &out.change) {
            let (code, what) = match (ch.same_issuer, ch.same_key) {
                (true, true) => (Code::SignerRenewed, "a new certificate from the same authority for the same key"),
                (false, _) => (Code::SignerChanged, "a certificate from a different authority"),
                (true, false) => (Code::SignerChanged, "a certificate for a different key"),
            };
            warnings.push(warning(
                code,
                format!(
                    "the signer for {from} used {what} (SHA-256 {}) instead of the one seen before (SHA-256 {}, valid {} to {})",
                    ch.fingerprint, ch.previous_fingerprint, ch.previous_not_before, ch.previous_not_after
                ),
            ));
            out.change = Some(ch);
        }
        out.learned.push((from.to_owned(), Arc::new(cert.clone()), accepted));
    }

    /// The verdict at `t`; `describe`: with each signer's chain described
    /// (what a report shows), or the status alone.
    fn judge(&self, a: &Analysis, known: &[&Certificate], t: UnixTime, work: &mut WorkBudget, describe: bool) -> AtTime {
        let r = &a.report;
        // RFC 9788 §4.1: the signer is bound to the protected From and
        // Sender when the signed entity protects headers (issue 12 §5).
        let bound = binding_headers(a);
        let has_sender = !header_values(bound, "Sender").is_empty();
        let mut out = AtTime {
            status: None,
            errors: Vec::new(),
            signers: Vec::new(),
            from_matches: false,
            sender_matches: false,
            has_sender,
            mapped: Vec::new(),
            change: None,
            learned: Vec::new(),
        };
        match r.structure {
            Structure::Unsigned | Structure::Partial => {
                out.errors = r.errors.clone();
                return out;
            }
            Structure::Encrypted | Structure::CertsOnly | Structure::Unknown => {
                out.status = Some(UNKNOWN.to_owned());
                out.errors = r.errors.clone();
                return out;
            }
            Structure::Malformed | Structure::Signed => {}
        }
        let mut failures: Vec<Problem> = r.errors.clone();
        let mut warnings: Vec<Problem> = Vec::new();
        let headers = bound;
        // One strict reading of From and Sender (src/address.rs); a field it
        // refuses is compared with nothing and fails the message.
        let from = address::from_field(&header_values(headers, "From"));
        let sender = address::sender_field(&header_values(headers, "Sender"));
        let from_count = from.as_ref().map_or(0, Vec::len);
        // RFC 9219 compares with "the From header field value": one field, one mailbox.
        let single_from = match from.as_deref() {
            Ok([one]) => Some(one.addr_spec.clone()),
            _ => None,
        };
        let sender_addr = sender.as_ref().ok().and_then(|s| s.as_ref().map(|m| m.addr_spec.clone()));
        for e in [from.as_ref().err(), sender.as_ref().err()].into_iter().flatten() {
            failures.push(Problem::from(e));
        }
        let headers_ok = from.is_ok() && sender.is_ok();

        let mut intermediates: Vec<&Certificate> = a.extras.certificates.iter().collect();
        intermediates.extend(self.options.intermediates.iter());
        let mut crls: Vec<&Crl> = a.extras.crls.iter().collect();
        crls.extend(self.options.crls.iter());
        let mut ocsp: Vec<&OcspResponse> = a.extras.ocsp.iter().collect();
        ocsp.extend(self.options.ocsp.iter());
        let input = PathInput {
            time: t,
            anchors: self.trust.anchors(),
            intermediates: &intermediates,
            crls: &crls,
            ocsp: &ocsp,
            revocation: self.options.revocation,
            policy: &self.policy,
            crl_signer: false,
        };
        let mut all_paths_ok = r.structure == Structure::Signed && !r.signers.is_empty();
        let mut any_address = false;
        // Signers sharing a certificate share its path (validated once).
        let mut paths: Vec<(&Certificate, Result<path::ValidPath<'_>, Error>)> = Vec::new();
        for s in &r.signers {
            let mut v = SignerVerdict {
                signature: s.clone(),
                chain: Vec::new(),
                anchor: None,
                revocation: vocabulary::REVOCATION_NOT_CHECKED.to_owned(),
                path_error: None,
                from_matches: false,
                sender_matches: has_sender.then_some(false),
            };
            let cert = s.certificate.as_ref().and_then(|info| {
                // The message's certificates, then the known ones (issue 12 §1).
                let mut all = a.extras.certificates.iter().chain(known.iter().copied());
                all.find(|c| crate::asn1::hex(&work.fingerprint(c)) == info.fingerprint_sha256)
            });
            if let (true, Some(cert)) = (s.valid, cert) {
                let known = paths.iter().find(|(c, _)| c.raw == cert.raw).map(|(_, p)| p.clone());
                let result = known.unwrap_or_else(|| {
                    let p = path::validate_with(cert, &input, work);
                    paths.push((cert, p.clone()));
                    p
                });
                match result {
                    Ok(p) => {
                        if describe {
                            v.chain = p.chain.iter().map(|c| work.info(c)).collect();
                        }
                        v.anchor = self.trust.anchors().get(p.anchor).map(|an| an.label.clone());
                        v.revocation = match p.revocation {
                            Revocation::Good => vocabulary::REVOCATION_GOOD,
                            Revocation::Unknown => vocabulary::REVOCATION_UNKNOWN,
                            Revocation::NotChecked => vocabulary::REVOCATION_NOT_CHECKED,
                        }
                        .to_owned();
                        if p.revocation == Revocation::Unknown {
                            warnings.push(warning(Code::RevocationUnknown, "no usable CRL covers every certificate of the signer's chain"));
                        }
                    }
                    Err(e) => {
                        all_paths_ok = false;
                        let pr = Problem::from(&e);
                        failures.push(pr.clone());
                        v.path_error = Some(pr);
                    }
                }
                let emails = cert.email_addresses();
                any_address |= !emails.is_empty();
                // R30, and a configured mapping only where the direct match fails (issue 12 §6).
                let map = &self.options.address_map;
                let (from_ok, from_map) = address_map::bind(map, &emails, single_from.as_deref());
                let sender = has_sender.then(|| address_map::bind(map, &emails, sender_addr.as_deref()));
                v.from_matches = from_ok;
                v.sender_matches = sender.as_ref().map(|(ok, _)| *ok);
                if let (true, true, Some(from)) = (describe, v.path_error.is_none() && v.from_matches, single_from.as_deref()) {
                    self.continuity(&mut out, &mut warnings, from, cert);
                }
                for m in from_map.into_iter().chain(sender.and_then(|(_, m)| m)) {
                    if !out.mapped.contains(&m) {
                        let why =
                            format!("the certificate address {} signs for {} by the configured address mapping", m.certificate, m.address);
                        warnings.push(warning(Code::AddressMapped, why));
                        out.mapped.push(m);
                    }
                }
            } else {
                all_paths_ok = false;
            }
            out.from_matches |= v.from_matches;
            out.sender_matches |= v.sender_matches == Some(true);
            // signingTime is a claim (R34): flag a skew over an hour against Date.
            if let (Some(st), Some(date)) = (
                s.claimed_signing_time.as_deref().and_then(|x| time::parse_rfc3339(x).ok()),
                header_values(headers, "Date").first().and_then(|d| parse_rfc5322_date(d)),
            ) {
                if st.abs_diff(date) > 3600 {
                    warnings.push(warning(
                        Code::SigningTimeSkew,
                        format!("signingTime {} is more than an hour from the Date header", time::to_rfc3339(st)),
                    ));
                }
            }
            out.signers.push(v);
        }
        // R30 / RFC 9219 §4.1.1: signed/verified needs the From address.
        let mut identity_ok = true;
        if !self.options.skip_address_check && all_paths_ok && headers_ok {
            if !any_address {
                identity_ok = false;
                failures.push(problem(Code::SignerWithoutAddress, "the signer certificate carries no email address"));
            } else if !out.from_matches {
                identity_ok = false;
                let why = if from_count != 1 {
                    format!("From holds {from_count} mailboxes")
                } else if out.sender_matches {
                    "only the Sender address is in the signer's certificate, not From".to_owned()
                } else {
                    "the From address is not in the signer's certificate".to_owned()
                };
                failures.push(problem(Code::AddressMismatch, why));
            }
        }
        let verified = r.crypto_valid && all_paths_ok && identity_ok && headers_ok;
        out.status = Some(if verified { SIGNED_VERIFIED } else { SIGNED_FAILED }.to_owned());
        let mut seen: Vec<String> = Vec::new();
        for p in failures.into_iter().chain(warnings) {
            if !seen.contains(&p.code) {
                seen.push(p.code.clone());
                out.errors.push(p);
            }
        }
        out
    }
}
