//! `jmap-smime-server`: the reference JMAP server with RFC 9219 (issue 5).
//!
//! ```text
//! jmap-smime-server --mail DIR [--listen 127.0.0.1:8025] [--user NAME:PASSWORD]... [--token TOKEN]...
//!     [--cors-origin ORIGIN]... [--static PREFIX=DIR]... [--no-smime] [--no-blob]
//!     [--trust FILE]... [--bundled-roots] [--intermediate FILE]... [--crl FILE]... [--ocsp FILE]... [--address-map CERT=ADDR]...
//!     [--revocation require|prefer|off] [--online-revocation] [--allow-legacy] [--now RFC3339]
//! ```
//! Prints `listening on http://ADDR` once ready (port 0 picks a free port).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use jmap_smime::address_map::AddressMapping;
use jmap_smime::asn1::time::parse_rfc3339;
use jmap_smime::pki::crl::crls_from_pem_or_der;
use jmap_smime::pki::ocsp::{check_supplied, responses_from_pem_or_der};
use jmap_smime::pki::path::RevocationMode;
use jmap_smime::pki::trust::{certificates_from_pem_or_der, TrustStore};
use jmap_smime::server::{self, store::Store, Config, Server};
use jmap_smime::verifier::VerifyOptions;

const USAGE: &str = "usage: jmap-smime-server --mail DIR [--listen 127.0.0.1:8025] [--user NAME:PASSWORD]... [--token TOKEN]...
    [--cors-origin ORIGIN]... [--static PREFIX=DIR]... [--no-smime] [--no-blob]
    [--trust FILE]... [--bundled-roots] [--intermediate FILE]... [--crl FILE]... [--ocsp FILE]... [--address-map CERT=ADDR]...
    [--revocation require|prefer|off] [--online-revocation] [--allow-legacy] [--now RFC3339]

  --mail DIR        messages: *.eml, listed with mailbox and receivedAt in DIR/index.tsv
  --user, --token   accepted Basic credentials and Bearer tokens (default: --user demo:demo)
  --cors-origin     an origin allowed to call from another origin, exactly as browsers send it
                    (scheme://host[:port]; not \"*\": every call carries credentials)
  --static P=DIR    serve DIR under URL prefix P (default: /pkg/=pkg and /=www)
  --no-smime        run without RFC 9219 (the client verifies alone)
  --no-blob         run without RFC 9404 Blob/get (clients download each raw message)
  --trust FILE      the server's trust anchors (PEM or DER); --bundled-roots adds Mozilla's
  --address-map C=A the certificate address C may sign for the From/Sender address A (RFC 9219's
                    private configuration; smimeErrors stays null on a verified status, so a
                    client sees the mapping only with the same mapping configured)
  --ocsp FILE       OCSP responses to use (DER, or PEM OCSP RESPONSE blocks), as --crl does CRLs
  --online-revocation
                    fetch the CRLs and ask the OCSP responders (http: only) named by the
                    certificates of paths that reach an anchor; bounded and cached until
                    nextUpdate; advertised as a vendor capability so clients can say so
  --allow-legacy    accept SHA-1, MD5, DSA and short RSA keys (a lax server, to show the R38 alert)
  --now RFC3339     a fixed clock (tests)";

const BUNDLED: &[u8] = include_bytes!("../../assets/roots/email-roots.der");

fn fail(msg: &str) -> ExitCode {
    eprintln!("jmap-smime-server: {msg}");
    ExitCode::from(2)
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = Config { listen: SocketAddr::from(([127, 0, 0, 1], 8025)), ..Config::default() };
    let mut mail: Option<PathBuf> = None;
    let mut trust = TrustStore::empty();
    let mut options = VerifyOptions::default();
    let mut statics = Vec::new();
    let mut allow_legacy = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        let r: Result<(), String> = (|| {
            match a.as_str() {
                "--mail" => mail = Some(PathBuf::from(value(a)?)),
                "--listen" => config.listen = value(a)?.parse().map_err(|e| format!("--listen: {e}"))?,
                "--user" => {
                    let v = value(a)?;
                    let (u, p) = v.split_once(':').ok_or("--user takes NAME:PASSWORD")?;
                    config.users.push((u.to_owned(), p.to_owned()));
                }
                "--token" => config.tokens.push(value(a)?),
                "--cors-origin" => config.cors_origins.push(value(a)?),
                "--static" => {
                    let v = value(a)?;
                    let (p, d) = v.split_once('=').ok_or("--static takes PREFIX=DIR")?;
                    statics.push((p.to_owned(), PathBuf::from(d)));
                }
                "--no-smime" => config.smime = false,
                "--online-revocation" => config.online_revocation = Some(Default::default()),
                "--no-blob" => config.blob = false,
                "--allow-legacy" => allow_legacy = true,
                "--trust" => {
                    let f = value(a)?;
                    trust.add_pem_or_der(&read(&f)?).map_err(|e| format!("{f}: {e}"))?;
                }
                "--bundled-roots" => {
                    for anchor in jmap_smime::pki::bundled::parse(BUNDLED).map_err(|e| e.to_string())? {
                        trust.add(anchor).map_err(|e| e.to_string())?;
                    }
                }
                "--intermediate" => {
                    let f = value(a)?;
                    options.intermediates.extend(certificates_from_pem_or_der(&read(&f)?).map_err(|e| format!("{f}: {e}"))?);
                }
                "--address-map" => {
                    let m = AddressMapping::parse(&value(a)?).map_err(|e| format!("--address-map: {}", e.detail))?;
                    options.address_map.push(m);
                    jmap_smime::address_map::check(&options.address_map).map_err(|e| format!("--address-map: {}", e.detail))?;
                }
                "--crl" => {
                    let f = value(a)?;
                    options.crls.extend(crls_from_pem_or_der(&read(&f)?).map_err(|e| format!("{f}: {e}"))?);
                }
                "--ocsp" => {
                    let f = value(a)?;
                    options.ocsp.extend(responses_from_pem_or_der(&read(&f)?).map_err(|e| format!("{f}: {e}"))?);
                    check_supplied(&options.ocsp).map_err(|e| format!("--ocsp: {}", e.detail))?;
                }
                "--revocation" => {
                    options.revocation = match value(a)?.as_str() {
                        "require" => RevocationMode::Require,
                        "prefer" => RevocationMode::Prefer,
                        "off" => RevocationMode::Off,
                        other => return Err(format!("--revocation: unknown mode {other:?}")),
                    }
                }
                "--now" => config.now = Some(parse_rfc3339(&value(a)?).map_err(|e| format!("--now: {e}"))?),
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument {other:?}")),
            }
            Ok(())
        })();
        if let Err(e) = r {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            return fail(&format!("{e}\n{USAGE}"));
        }
    }
    let Some(mail) = mail else { return fail(&format!("--mail is required\n{USAGE}")) };
    if let Err(e) = config.validate() {
        return fail(&e);
    }
    if config.users.is_empty() && config.tokens.is_empty() {
        config.users.push(("demo".into(), "demo".into()));
    }
    config.static_dirs =
        if statics.is_empty() { server::default_static_dirs(&std::env::current_dir().unwrap_or_default()) } else { statics };
    let store = match Store::load_dir(&mail) {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string()),
    };
    let count = store.emails.len();
    let smime = config.smime;
    let listen = config.listen;
    let mut verifier = server::smime::verifier(trust, options);
    verifier.policy.allow_legacy = allow_legacy;
    let srv = Arc::new(Server::new(config, store, verifier));
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(l) => l,
            Err(e) => return fail(&format!("{listen}: {e}")),
        };
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        println!("jmap-smime-server: listening on http://{addr} ({count} messages, RFC 9219 {})", if smime { "on" } else { "off" });
        if let Err(e) = server::http::serve(srv, listener).await {
            return fail(&e.to_string());
        }
        ExitCode::SUCCESS
    })
}
