//! `jmap-smime`: verify S/MIME messages from the command line.
//!
//! ```text
//! jmap-smime verify [--json] [--at RFC3339] [--received-at RFC3339] [--trust FILE]...
//!     [--intermediate FILE]... [--crl FILE]... [--address-map CERT=ADDR]... [--memory FILE] [--no-bundled-roots]
//!     [--revocation require|prefer|off] [--allow-legacy] [--skip-address-check] FILE...
//! ```
//! Exit status: 0 when every file is `signed/verified`, 1 when any is not,
//! 2 on usage or I/O errors.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::Write;
use std::process::ExitCode;

use jmap_smime::address_map::AddressMapping;
use jmap_smime::asn1::time::{parse_rfc3339, UnixTime};
use jmap_smime::memory::{CertificateMemory, SharedMemory};
use jmap_smime::pki::cert::Certificate;
use jmap_smime::pki::crl::Crl;
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::{certificates_from_pem_or_der, TrustStore};
use jmap_smime::report::SignerId;
use jmap_smime::{Policy, Verdict, Verifier, VerifyOptions};

const USAGE: &str = "\
usage: jmap-smime verify [options] FILE...

Verify the S/MIME signatures of raw RFC 5322 messages (.eml): the CMS
signature, the certificate path to a trust anchor (RFC 5280), revocation
(CRLs, OCSP) and the signer's address against From, as an RFC 9219 status.

options:
  --json                    one JSON object per file (JSON Lines)
  --at RFC3339              validation time (default: now)
  --received-at RFC3339     also compute statusAtDelivery at this time
  --trust FILE              add trust anchors (PEM or DER; repeatable)
  --intermediate FILE       add known certificates: intermediates, and signer
                            certificates a message omits (never anchors; repeatable)
  --address-map CERT=ADDR   the certificate address CERT may sign for the From or
                            Sender address ADDR (shown as address-mapped; repeatable)
  --memory FILE             a memory of signers: read (when the file exists), lent
                            to messages that omit the signer's certificate, checked
                            for a changed signer certificate, and written back
  --crl FILE                add CRLs (PEM or DER; repeatable)
  --ocsp FILE               add OCSP responses (RFC 6960; DER, or PEM OCSP RESPONSE
                            blocks; repeatable), checked as the message's own are
  --no-bundled-roots        do not trust the bundled Mozilla S/MIME roots
  --revocation MODE         require | prefer (default) | off
  --allow-legacy            accept SHA-1, MD5, DSA and RSA keys of 1024-2047 bits
  --skip-address-check      leave the From/Sender binding out of the status
  -h, --help                this text

exit status: 0 every file signed/verified, 1 some file not, 2 usage or I/O error";

/// Parsed command line for `verify`. New options (trust store, time, CRLs)
/// slot in here.
#[derive(Default)]
struct VerifyArgs {
    json: bool,
    policy: Policy,
    at: Option<UnixTime>,
    received_at: Option<UnixTime>,
    trust: Vec<String>,
    intermediates: Vec<String>,
    crls: Vec<String>,
    ocsp: Vec<String>,
    address_map: Vec<AddressMapping>,
    memory: Option<String>,
    no_bundled_roots: bool,
    revocation: RevocationMode,
    skip_address_check: bool,
    files: Vec<String>,
}

fn time_arg(v: Option<&String>, name: &str) -> Result<UnixTime, String> {
    let v = v.ok_or_else(|| format!("{name} needs a value"))?;
    parse_rfc3339(v).map_err(|e| format!("{name}: {}", e.detail))
}

fn parse_args(args: &[String]) -> Result<VerifyArgs, String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("verify") => {}
        Some("-h" | "--help") | None => return Err(String::new()),
        Some(other) => return Err(format!("unknown command {other:?}")),
    }
    let mut out = VerifyArgs::default();
    let mut only_files = false;
    while let Some(a) = it.next() {
        if only_files || !a.starts_with('-') || a == "-" {
            out.files.push(a.clone());
            continue;
        }
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--json" => out.json = true,
            "--allow-legacy" => out.policy.allow_legacy = true,
            "--at" => out.at = Some(time_arg(Some(&value("--at")?), "--at")?),
            "--received-at" => out.received_at = Some(time_arg(Some(&value("--received-at")?), "--received-at")?),
            "--trust" => out.trust.push(value("--trust")?),
            "--intermediate" => out.intermediates.push(value("--intermediate")?),
            "--crl" => out.crls.push(value("--crl")?),
            "--ocsp" => out.ocsp.push(value("--ocsp")?),
            "--memory" => out.memory = Some(value("--memory")?),
            "--address-map" => {
                out.address_map.push(AddressMapping::parse(&value("--address-map")?).map_err(|e| format!("--address-map: {}", e.detail))?)
            }
            "--no-bundled-roots" => out.no_bundled_roots = true,
            "--skip-address-check" => out.skip_address_check = true,
            "--revocation" => {
                out.revocation = match value("--revocation")?.as_str() {
                    "require" => RevocationMode::Require,
                    "prefer" => RevocationMode::Prefer,
                    "off" => RevocationMode::Off,
                    other => return Err(format!("--revocation must be require, prefer or off, not {other:?}")),
                }
            }
            "--" => only_files = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if out.files.is_empty() {
        return Err("no FILE given".to_owned());
    }
    Ok(out)
}

fn read_input(path: &str) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut v)?;
        Ok(v)
    } else {
        std::fs::read(path)
    }
}

fn human(file: &str, v: &Verdict, out: &mut impl Write) -> std::io::Result<()> {
    let structure = serde_json::to_value(v.structure).ok().and_then(|x| x.as_str().map(str::to_owned)).unwrap_or_default();
    let status = v.status.as_deref().unwrap_or("null (no signature)");
    writeln!(out, "{file}: {status} [{structure}]")?;
    if let Some(Some(d)) = &v.status_at_delivery {
        writeln!(out, "  at delivery: {d}")?;
    }
    if let Some(c) = &v.coverage {
        let part = if c.part.is_empty() { "message root".to_owned() } else { format!("part {}", c.part) };
        let canon = match c.canonicalization {
            Some(jmap_smime::report::Canonicalization::Crlf) => ", matched after LF→CRLF",
            _ => "",
        };
        writeln!(out, "  covers: {part} ({:?}{canon})", c.form)?;
    }
    for s in &v.signers {
        let sig = &s.signature;
        let id = match &sig.sid {
            SignerId::IssuerAndSerial { issuer, serial } => format!("issuer {issuer}, serial {serial}"),
            SignerId::SubjectKeyIdentifier { key_id } => format!("key id {key_id}"),
        };
        let state = match (&sig.error, &s.path_error) {
            (Some(e), _) | (None, Some(e)) => format!("{} ({})", e.code, e.message),
            (None, None) => format!("signature valid, chain to {}", s.anchor.as_deref().unwrap_or("?")),
        };
        writeln!(out, "  signer {}: {state}", sig.index)?;
        writeln!(out, "    id: {id}; {} / {}", sig.digest_algorithm, sig.signature_algorithm)?;
        if let Some(c) = &sig.certificate {
            writeln!(out, "    certificate: {} <{}> ({}, sha256 {})", c.subject, c.emails.join(", "), c.public_key, c.fingerprint_sha256)?;
        }
        let sender = s.sender_matches.map_or("no Sender field".to_owned(), |m| m.to_string());
        writeln!(out, "    from matches: {}, sender matches: {sender}, revocation: {}", s.from_matches, s.revocation)?;
        if let Some(t) = &sig.claimed_signing_time {
            writeln!(out, "    signing time (claimed by the signer): {t}")?;
        }
    }
    for e in &v.errors {
        let kind = if e.warning { "warning" } else { "error" };
        writeln!(out, "  {kind}: {} ({})", e.code, e.message)?;
    }
    Ok(())
}

fn read_all(paths: &[String]) -> Result<Vec<(String, Vec<u8>)>, String> {
    paths.iter().map(|p| std::fs::read(p).map(|d| (p.clone(), d)).map_err(|e| format!("{p}: {e}"))).collect()
}

/// CRLs from a PEM (`X509 CRL` blocks) or DER file.
fn crls_from(path: &str, data: &[u8]) -> Result<Vec<Crl>, String> {
    jmap_smime::pki::crl::crls_from_pem_or_der(data).map_err(|e| format!("{path}: {e}"))
}

fn build_verifier(opts: &VerifyArgs) -> Result<Verifier, String> {
    let mut trust = TrustStore::empty();
    if !opts.no_bundled_roots {
        add_bundled_roots(&mut trust)?;
    }
    for (p, d) in read_all(&opts.trust)? {
        trust.add_pem_or_der(&d).map_err(|e| format!("{p}: {e}"))?;
    }
    let mut intermediates: Vec<Certificate> = Vec::new();
    for (p, d) in read_all(&opts.intermediates)? {
        intermediates.extend(certificates_from_pem_or_der(&d).map_err(|e| format!("{p}: {e}"))?);
    }
    let mut crls = Vec::new();
    for (p, d) in read_all(&opts.crls)? {
        crls.extend(crls_from(&p, &d)?);
    }
    let mut ocsp = Vec::new();
    for (p, d) in read_all(&opts.ocsp)? {
        ocsp.extend(jmap_smime::pki::ocsp::responses_from_pem_or_der(&d).map_err(|e| format!("{p}: {e}"))?);
    }
    jmap_smime::pki::ocsp::check_supplied(&ocsp).map_err(|e| format!("--ocsp: {}", e.detail))?;
    jmap_smime::address_map::check(&opts.address_map).map_err(|e| format!("--address-map: {}", e.detail))?;
    Ok(Verifier {
        trust,
        policy: opts.policy.clone(),
        options: VerifyOptions {
            revocation: opts.revocation,
            skip_address_check: opts.skip_address_check,
            intermediates,
            crls,
            ocsp,
            address_map: opts.address_map.clone(),
        },
        memo: Default::default(),
        memory: opts.memory.as_deref().map(load_memory).transpose()?,
    })
}

/// Issue 12 §2: the memory in FILE, or an empty one when FILE does not exist.
fn load_memory(path: &str) -> Result<SharedMemory, String> {
    match std::fs::read(path) {
        Ok(b) => CertificateMemory::from_bytes(&b).map(SharedMemory::new).map_err(|e| format!("{path}: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SharedMemory::default()),
        Err(e) => Err(format!("{path}: {e}")),
    }
}

/// Mozilla's roots with the S/MIME trust bit (assets/roots, generated by
/// scripts/gen-bundled-roots.sh from Debian's NSS). The native binary embeds
/// them; the wasm core does not (the npm package ships them as an asset).
const BUNDLED_ROOTS: &[u8] = include_bytes!("../../assets/roots/email-roots.der");

fn add_bundled_roots(trust: &mut TrustStore) -> Result<(), String> {
    for anchor in jmap_smime::pki::bundled::parse(BUNDLED_ROOTS).map_err(|e| format!("bundled roots: {e}"))? {
        trust.add(anchor).map_err(|e| format!("bundled roots: {e}"))?;
    }
    Ok(())
}

fn now() -> UnixTime {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)).unwrap_or(0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(o) => o,
        Err(msg) => {
            if msg.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("jmap-smime: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let verifier = match build_verifier(&opts) {
        Ok(v) => v,
        Err(msg) => {
            eprintln!("jmap-smime: {msg}");
            return ExitCode::from(2);
        }
    };
    let at = opts.at.unwrap_or_else(now);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_verified = true;
    let mut io_error = false;
    for file in &opts.files {
        let raw = match read_input(file) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("jmap-smime: {file}: {e}");
                io_error = true;
                continue;
            }
        };
        let verdict = verifier.verify(&raw, at, opts.received_at);
        all_verified &= verdict.status.as_deref() == Some("signed/verified");
        let written = if opts.json {
            let mut v = serde_json::to_value(&verdict).unwrap_or_default();
            if let Some(obj) = v.as_object_mut() {
                obj.insert("file".to_owned(), serde_json::Value::String(file.clone()));
            }
            writeln!(out, "{v}")
        } else {
            human(file, &verdict, &mut out)
        };
        if written.is_err() {
            return ExitCode::from(2);
        }
    }
    if let (Some(path), Some(m)) = (&opts.memory, &verifier.memory) {
        if let Err(e) = std::fs::write(path, m.with(|m| m.to_bytes())) {
            eprintln!("jmap-smime: {path}: {e}");
            io_error = true;
        }
    }
    if io_error {
        ExitCode::from(2)
    } else if all_verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
