//! The one seam between the JMAP client and the network (issue 4 §2). The
//! client builds [`HttpRequest`]s and reads [`HttpResponse`]s; a
//! [`Transport`] moves them. The browser implementation (`src/wasm/fetch.rs`)
//! calls `fetch`; tests replay recorded exchanges. Nothing here does I/O.

use core::future::Future;

use crate::asn1::time::UnixTime;
use crate::crypto::{MessageChecks, PendingCheck, Route};
use crate::error::Result;
use crate::verifier::{Step, Verdict, Verifier};

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET (session, downloads).
    Get,
    /// POST (API requests).
    Post,
}

impl Method {
    /// The method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// How the client authenticates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Auth {
    /// Nothing (or whatever the transport adds itself).
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// `Authorization: Basic` (RFC 7617, UTF-8).
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// Browser cookies: `fetch` with `credentials: 'include'`.
    Cookies,
}

/// One HTTP request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Header fields (names lower-case).
    pub headers: Vec<(String, String)>,
    /// Body (POST only).
    pub body: Option<Vec<u8>>,
    /// Send cookies to a cross-origin server (`credentials: 'include'`).
    pub include_credentials: bool,
    /// Give up after this many milliseconds (`timeout`).
    pub timeout_ms: u32,
    /// Refuse a response body larger than this (`limit-exceeded`).
    pub max_response_bytes: usize,
}

impl HttpRequest {
    /// The value of header `name` (lower-case), if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// One HTTP response, body read in full.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// The final URL, after redirects (the base for a session's URLs).
    pub url: String,
    /// The Content-Type field, as sent ("" when absent).
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

/// Moves requests to a server. Errors are `network-error`, `timeout`,
/// `aborted` or `limit-exceeded` (body above `max_response_bytes`); an HTTP
/// error status is a response, not an error.
pub trait Transport {
    /// Send one request and read the whole response.
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse>>;

    /// True when [`Transport::answer_checks`] answers the public-key
    /// operations the verifier hands out (the browser's, with WebCrypto;
    /// issue 10). By default the verifier does them in Rust.
    fn defers_checks(&self) -> bool {
        false
    }

    /// Answer deferred checks (src/crypto/): for each, `Some(valid)` or
    /// None when this route cannot say (then it is done in Rust).
    fn answer_checks(&self, pending: &[PendingCheck]) -> impl Future<Output = Vec<Option<bool>>> {
        let n = pending.len();
        async move { vec![None; n] }
    }
}

/// Verify a downloaded message, through the transport's route for
/// public-key operations when it has one (the same verdict either way).
pub async fn verify_message<T: Transport>(v: &Verifier, t: &T, raw: &[u8], now: UnixTime, received_at: Option<UnixTime>) -> Verdict {
    if !t.defers_checks() {
        return v.verify(raw, now, received_at);
    }
    let mut checks = MessageChecks::new(Route::Deferred);
    loop {
        match v.verify_step(raw, now, received_at, &mut checks) {
            Step::Done(verdict, _) => return *verdict,
            Step::Pending(list) => {
                let answers = t.answer_checks(&list).await;
                checks.answer(&list, &answers);
            }
        }
    }
}

impl Auth {
    /// The Authorization header value, if any.
    pub fn header(&self) -> Option<String> {
        match self {
            Auth::None | Auth::Cookies => None,
            Auth::Bearer(t) => Some(format!("Bearer {t}")),
            Auth::Basic { username, password } => {
                Some(format!("Basic {}", crate::mime::decode::base64_encode(format!("{username}:{password}").as_bytes())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        // RFC 4648 §10.
        let cases =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")];
        for (i, o) in cases {
            assert_eq!(crate::mime::decode::base64_encode(i.as_bytes()), o);
        }
        // RFC 7617 §2 example.
        let a = Auth::Basic { username: "Aladdin".into(), password: "open sesame".into() };
        assert_eq!(a.header().unwrap(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }
}
