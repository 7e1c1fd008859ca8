//! Driving the crate's JMAP `Client` against the reference server over
//! loopback TCP (the server tests): the server on a thread of its own, a
//! blocking transport, and a poll loop for the client's futures.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use jmap_smime::jmap::transport::{HttpRequest, HttpResponse, Transport};
use jmap_smime::server::{self, Server};
use jmap_smime::Error;

/// Serve `server` on 127.0.0.1 (a free port) from a thread with its own
/// runtime, two workers as the binary has; its address.
pub fn serve(server: Arc<Server>) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            server::http::serve(server, listener).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// A blocking HTTP/1.1 transport over `std::net` for the crate's client,
/// loopback only: enough to drive `Client` against the reference server.
/// It reads at most `max_response_bytes` of a body, as the fetch transport
/// does, and answers `limit-exceeded` past them.
pub struct Loopback;

impl Transport for Loopback {
    async fn send(&self, r: HttpRequest) -> jmap_smime::Result<HttpResponse> {
        let rest = r.url.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_at(rest.find('/').unwrap());
        let addr: SocketAddr = host.parse().unwrap();
        let mut headers: Vec<(String, String)> = r.headers.clone();
        if !headers.iter().any(|(k, _)| k == "authorization") {
            headers.push(("authorization".into(), "Basic ZGVtbzpkZW1v".into()));
        }
        let body = r.body.clone().unwrap_or_default();
        let mut s = TcpStream::connect(addr).unwrap();
        let mut head =
            format!("{} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n", r.method.as_str(), body.len());
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&body).unwrap();
        let (status, bytes) = read_response(s, r.max_response_bytes);
        let bytes = bytes.ok_or_else(|| Error::limit(format!("the response is larger than {} bytes", r.max_response_bytes)))?;
        Ok(HttpResponse { status, url: r.url.clone(), content_type: String::new(), body: bytes })
    }
}

/// Status and de-chunked body, or None once the body passes `max`.
fn read_response(s: TcpStream, max: usize) -> (u16, Option<Vec<u8>>) {
    let mut raw = Vec::new();
    // Headers and chunk framing allowed on top of the body.
    let _ = s.take(max as u64 + 64 * 1024).read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut rest = &raw[split + 4..];
    let mut out = Vec::new();
    if !head.contains("transfer-encoding: chunked") {
        out.extend_from_slice(rest);
    } else {
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let n = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16).unwrap();
            if n == 0 || rest.len() < eol + 2 + n {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + n]);
            rest = &rest[eol + 4 + n..];
        }
    }
    (status, (out.len() <= max).then_some(out))
}

/// Run a future to completion by polling (the transport blocks, so the
/// client's futures never wait on anything else).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}
