//! A bounded HTTP/1.0 client for the reference server's online revocation
//! checks (issue 12 §4): `http:` URLs only (RFC 5280 §4.2.1.13 and RFC 6960
//! Appendix A publish CRLs and responders over plain HTTP; their contents
//! are signed), one connection per fetch, a connect timeout, one deadline
//! for the whole exchange and a cap on the bytes read. HTTP/1.0 keeps the
//! reply simple: no chunked encoding, the body ends where the connection
//! does (or at Content-Length).

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::limits;

/// Why a fetch gave nothing. The text is for logs and smimeErrors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError(pub String);

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(s: impl Into<String>) -> FetchError {
    FetchError(s.into())
}

/// Time limits of one fetch.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// For the TCP connection.
    pub connect: Duration,
    /// For the whole exchange, connection included.
    pub total: Duration,
    /// For all the fetches of one message.
    pub message: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_millis(limits::SERVER_ONLINE_CONNECT_TIMEOUT_MS),
            total: Duration::from_millis(limits::SERVER_ONLINE_FETCH_DEADLINE_MS),
            message: Duration::from_millis(limits::SERVER_ONLINE_MESSAGE_DEADLINE_MS),
        }
    }
}

/// host[:port] and path of an `http:` URL.
fn split_url(url: &str) -> Result<(String, u16, String), FetchError> {
    let rest =
        url.get(..7).filter(|p| p.eq_ignore_ascii_case("http://")).and_then(|_| url.get(7..)).ok_or_else(|| err("not an http: URL"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("/")),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains('@') || !path.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(err("unusable URL"));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !authority.ends_with(']') => (h, p.parse::<u16>().map_err(|_| err("bad port"))?),
        _ => (authority, 80),
    };
    Ok((host.trim_start_matches('[').trim_end_matches(']').to_owned(), port, path.to_owned()))
}

/// The first address of `host`. An IP literal needs no lookup; a name is
/// looked up on a thread of its own so the lookup (the system resolver has
/// its own, longer timeouts) counts against `within`. A lookup still running
/// then ends on its own; it holds no lock.
fn resolve(host: &str, port: u16, within: Duration) -> Result<SocketAddr, FetchError> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let name = host.to_owned();
    std::thread::spawn(move || {
        let _ = tx.send((name.as_str(), port).to_socket_addrs().map(|mut a| a.next()));
    });
    match rx.recv_timeout(within) {
        Ok(Ok(Some(addr))) => Ok(addr),
        Ok(Ok(None)) => Err(err(format!("{host}: no address"))),
        Ok(Err(e)) => Err(err(format!("{host}: {e}"))),
        Err(_) => Err(err(format!("{host}: the name lookup took longer than the connect timeout"))),
    }
}

/// GET `url`; the body, at most `max_bytes`.
pub fn get(url: &str, max_bytes: usize, t: Timeouts) -> Result<Vec<u8>, FetchError> {
    exchange(url, None, max_bytes, t)
}

/// POST `body` as `content_type` to `url` (an OCSP request, RFC 6960 A.1).
pub fn post(url: &str, content_type: &str, body: &[u8], max_bytes: usize, t: Timeouts) -> Result<Vec<u8>, FetchError> {
    exchange(url, Some((content_type, body)), max_bytes, t)
}

fn exchange(url: &str, post: Option<(&str, &[u8])>, max_bytes: usize, t: Timeouts) -> Result<Vec<u8>, FetchError> {
    let started = Instant::now();
    let (host, port, path) = split_url(url)?;
    let remaining = || t.total.checked_sub(started.elapsed()).filter(|d| !d.is_zero());
    let addr = resolve(&host, port, t.connect.min(t.total))?;
    let connect = remaining().ok_or_else(|| err("took longer than the fetch deadline"))?.min(t.connect);
    let mut stream = TcpStream::connect_timeout(&addr, connect).map_err(|e| err(format!("connect {addr}: {e}")))?;
    let mut head = match post {
        Some((ct, body)) => format!("POST {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n", body.len()),
        None => format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n"),
    };
    head.push_str("User-Agent: jmap-smime-server\r\nConnection: close\r\n\r\n");
    // A timeout of None would block: past the deadline is an error instead.
    let left = remaining().ok_or_else(|| err("took longer than the fetch deadline"))?;
    stream.set_write_timeout(Some(left)).map_err(|e| err(e.to_string()))?;
    stream.write_all(head.as_bytes()).map_err(|e| err(format!("send: {e}")))?;
    if let Some((_, body)) = post {
        stream.write_all(body).map_err(|e| err(format!("send: {e}")))?;
    }
    // The header block and the body, within the deadline and the cap.
    let cap = max_bytes.saturating_add(limits::SERVER_ONLINE_MAX_HEADER_BYTES);
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let left = remaining().ok_or_else(|| err("took longer than the fetch deadline"))?;
        stream.set_read_timeout(Some(left)).map_err(|e| err(e.to_string()))?;
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(err("took longer than the fetch deadline"))
            }
            Err(e) => return Err(err(format!("receive: {e}"))),
        };
        if n == 0 {
            break;
        }
        got.extend_from_slice(buf.get(..n).unwrap_or(&[]));
        if got.len() > cap {
            return Err(err(format!("more than {max_bytes} bytes")));
        }
        if let Some(body) = complete(&got, max_bytes)? {
            return Ok(body);
        }
    }
    let (status, body_at, _) = parse_head(&got)?.ok_or_else(|| err("the reply ended inside its header"))?;
    if status != 200 {
        return Err(err(format!("HTTP status {status}")));
    }
    let body = got.get(body_at..).unwrap_or(&[]).to_vec();
    if body.len() > max_bytes {
        return Err(err(format!("more than {max_bytes} bytes")));
    }
    Ok(body)
}

/// The body, once the header said its length and that many bytes came.
fn complete(got: &[u8], max_bytes: usize) -> Result<Option<Vec<u8>>, FetchError> {
    let Some((status, body_at, length)) = parse_head(got)? else { return Ok(None) };
    if status != 200 {
        return Err(err(format!("HTTP status {status}")));
    }
    let Some(len) = length else { return Ok(None) };
    if len > max_bytes {
        return Err(err(format!("Content-Length {len} is more than {max_bytes} bytes")));
    }
    let body = got.get(body_at..).unwrap_or(&[]);
    Ok((body.len() >= len).then(|| body.get(..len).unwrap_or(&[]).to_vec()))
}

/// (status, where the body starts, Content-Length) once the header block is in.
fn parse_head(got: &[u8]) -> Result<Option<(u16, usize, Option<usize>)>, FetchError> {
    let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
        if got.len() > limits::SERVER_ONLINE_MAX_HEADER_BYTES {
            return Err(err("reply header too long"));
        }
        return Ok(None);
    };
    let head = std::str::from_utf8(got.get(..end).unwrap_or(&[])).map_err(|_| err("reply header is not text"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|s| s.get(2..5))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| err("not an HTTP reply"))?;
    let mut length = None;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(value.trim().parse::<usize>().map_err(|_| err("bad Content-Length"))?);
            } else if name.trim().eq_ignore_ascii_case("transfer-encoding") {
                return Err(err("a transfer-coded reply to an HTTP/1.0 request"));
            }
        }
    }
    Ok(Some((status, end.saturating_add(4), length)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(split_url("http://127.0.0.1:47392/a.crl").unwrap(), ("127.0.0.1".into(), 47392, "/a.crl".into()));
        assert_eq!(split_url("HTTP://ca.example").unwrap(), ("ca.example".into(), 80, "/".into()));
        assert_eq!(split_url("http://[::1]:8080/x").unwrap(), ("::1".into(), 8080, "/x".into()));
        for bad in ["https://ca.example/", "ldap://x", "http://", "http://u@h/", "http://h:99999/", "http://h/a b"] {
            assert!(split_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn heads() {
        assert_eq!(parse_head(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc").unwrap(), Some((200, 38, Some(3))));
        assert_eq!(parse_head(b"HTTP/1.0 200 OK\r\n").unwrap(), None);
        assert!(parse_head(b"SSH-2.0\r\n\r\n").is_err());
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").is_err());
        assert!(complete(b"HTTP/1.0 404 Not Found\r\n\r\n", 10).is_err());
        assert!(complete(b"HTTP/1.0 200 OK\r\nContent-Length: 11\r\n\r\n", 10).is_err());
        assert_eq!(complete(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 10).unwrap(), Some(b"ok".to_vec()));
    }
}
