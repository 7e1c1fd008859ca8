//! `jmap-smime`: verify S/MIME messages from the command line.
//!
//! ```text
//! jmap-smime verify [--json] [--allow-legacy] FILE...
//! ```
//! Exit status: 0 when every file has a valid root signature, 1 when any does
//! not, 2 on usage or I/O errors.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::Write;
use std::process::ExitCode;

use jmap_smime::report::{SignatureReport, SignerId};
use jmap_smime::{verify_signatures, Policy};

const USAGE: &str = "\
usage: jmap-smime verify [--json] [--allow-legacy] FILE...

Verify the S/MIME signatures of raw RFC 5322 messages (.eml).

options:
  --json           one JSON object per file (JSON Lines)
  --allow-legacy   accept SHA-1, MD5, DSA and RSA keys of 1024-2047 bits
  -h, --help       this text

exit status: 0 all signatures valid, 1 some message not validly signed, 2 usage or I/O error";

/// Parsed command line for `verify`. New options (trust store, time, CRLs)
/// slot in here.
#[derive(Default)]
struct VerifyArgs {
    json: bool,
    policy: Policy,
    files: Vec<String>,
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
    for a in it {
        if only_files || !a.starts_with('-') || a == "-" {
            out.files.push(a.clone());
            continue;
        }
        match a.as_str() {
            "--json" => out.json = true,
            "--allow-legacy" => out.policy.allow_legacy = true,
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

fn human(file: &str, r: &SignatureReport, out: &mut impl Write) -> std::io::Result<()> {
    let verdict = if r.crypto_valid { "signature valid" } else { "NOT validly signed" };
    writeln!(
        out,
        "{file}: {} — {verdict}",
        serde_json::to_value(r.structure).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    )?;
    if let Some(c) = &r.coverage {
        let part = if c.part.is_empty() { "message root".to_owned() } else { format!("part {}", c.part) };
        let canon = match c.canonicalization {
            Some(jmap_smime::report::Canonicalization::Crlf) => ", matched after LF→CRLF",
            _ => "",
        };
        writeln!(out, "  covers: {part} ({:?}{canon})", c.form)?;
    }
    for s in &r.signers {
        let id = match &s.sid {
            SignerId::IssuerAndSerial { issuer, serial } => format!("issuer {issuer}, serial {serial}"),
            SignerId::SubjectKeyIdentifier { key_id } => format!("key id {key_id}"),
        };
        let state = match &s.error {
            None => "valid".to_owned(),
            Some(e) => format!("{} ({})", e.code, e.message),
        };
        writeln!(out, "  signer {}: {state}", s.index)?;
        writeln!(out, "    id: {id}; {} / {}", s.digest_algorithm, s.signature_algorithm)?;
        if let Some(c) = &s.certificate {
            writeln!(out, "    certificate: {} <{}> ({}, sha256 {})", c.subject, c.emails.join(", "), c.public_key, c.fingerprint_sha256)?;
        }
        if let Some(t) = &s.claimed_signing_time {
            writeln!(out, "    signing time (claimed by the signer): {t}")?;
        }
    }
    for e in &r.errors {
        if !r.signers.iter().any(|s| s.error.as_ref().is_some_and(|x| x.code == e.code)) {
            writeln!(out, "  error: {} ({})", e.code, e.message)?;
        }
    }
    Ok(())
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
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_valid = true;
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
        let report = verify_signatures(&raw, &opts.policy);
        all_valid &= report.crypto_valid;
        let written = if opts.json {
            let mut v = serde_json::to_value(&report).unwrap_or_default();
            if let Some(obj) = v.as_object_mut() {
                obj.insert("file".to_owned(), serde_json::Value::String(file.clone()));
            }
            writeln!(out, "{v}")
        } else {
            human(file, &report, &mut out)
        };
        if written.is_err() {
            return ExitCode::from(2);
        }
    }
    if io_error {
        ExitCode::from(2)
    } else if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
