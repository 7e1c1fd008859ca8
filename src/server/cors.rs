//! CORS for the reference server. Every API call and download carries
//! credentials (Basic or Bearer), and an allowed origin is answered with
//! `Access-Control-Allow-Credentials: true`, so only exact origins may be
//! configured: the Fetch standard forbids `*` with credentials, and
//! reflecting any origin instead (what `*` did here) would let every web page
//! read the mailbox with the user's credentials.

use axum::http::{header, HeaderName, HeaderValue};

use super::Config;

/// Why `origin` may not be configured, if it may not.
pub fn check_origin(origin: &str) -> Result<(), String> {
    if origin == "*" {
        return Err("--cors-origin '*' cannot be combined with credentials: every API call and download carries the user's \
             Basic or Bearer credentials, so allowing any origin would let any web page read the mailbox. \
             Name each origin instead, e.g. --cors-origin https://mail.example.com"
            .into());
    }
    let bad = |why: &str| Err(format!("--cors-origin {origin:?}: {why}"));
    if origin.contains('*') {
        return bad("wildcards are not supported; name each origin");
    }
    if origin == "null" {
        return bad("sandboxed frames, data: and file: pages all send the origin \"null\": allowing it allows any page");
    }
    let Some((scheme, rest)) = origin.split_once("://") else { return bad("an origin is scheme://host[:port]") };
    let default_port = match scheme {
        "http" => "80",
        "https" => "443",
        _ => return bad("the scheme must be http or https (in lower case)"),
    };
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '\\']) || rest.contains(char::is_whitespace) {
        return bad("an origin has a host and an optional port, no path, query, user or trailing slash");
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && (!h.starts_with('[') || h.ends_with(']')) => (h, Some(p)),
        _ => (rest, None),
    };
    let ipv6 = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    let host_ok = match ipv6 {
        Some(a) => !a.is_empty() && a.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase() || b == b':' || b == b'.'),
        None => !host.is_empty() && host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'),
    };
    if !host_ok {
        return bad("the host must be a lower-case name or an IP address, as browsers send it");
    }
    if let Some(p) = port {
        if p == default_port {
            return bad("browsers leave out the default port: write the origin without it");
        }
        let digits = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !p.starts_with('0');
        if !digits || p.parse::<u16>().is_err() {
            return bad("the port must be a number from 1 to 65535");
        }
    }
    Ok(())
}

/// The CORS headers for `origin`, when it is one of the configured origins
/// (compared exactly; a `*` in a configuration that skipped
/// [`Config::validate`] matches nothing).
pub fn headers(config: &Config, origin: Option<&str>) -> Vec<(HeaderName, HeaderValue)> {
    let Some(origin) = origin else { return Vec::new() };
    if !config.cors_origins.iter().any(|o| o == origin) {
        return Vec::new();
    }
    let mut h = vec![(header::VARY, HeaderValue::from_static("Origin"))];
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.push((header::ACCESS_CONTROL_ALLOW_ORIGIN, v));
    }
    h.push((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true")));
    h.push((header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("Content-Type, Content-Length, WWW-Authenticate")));
    h
}
