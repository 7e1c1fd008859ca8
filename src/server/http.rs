//! HTTP for the reference server (axum on tokio): `/.well-known/jmap`
//! redirect, session, API, downloads, Basic and Bearer auth, CORS with an
//! unauthenticated preflight, and static files. Handlers stay thin: JMAP
//! processing is `api::respond` on a store snapshot, verification is `smime`,
//! blob headers are `blob`, CORS is `cors`.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

use super::api::{self, Problem};
use super::{blob, cors, Server, Stage, ACCOUNT_ID};
use crate::limits;

/// The app: every request goes through [`handle`].
pub fn router(server: Arc<Server>) -> Router {
    Router::new().fallback(handle).with_state(server)
}

/// Serve until the listener fails.
pub async fn serve(server: Arc<Server>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(server)).await
}

fn json_response(status: StatusCode, content_type: &'static str, v: &Value) -> Response {
    let mut r = (status, v.to_string()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn problem(p: &Problem) -> Response {
    json_response(StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST), "application/problem+json", &p.json())
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, text.to_owned()).into_response()
}

/// Who is calling, if the credentials are good.
fn authenticate(server: &Server, headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, cred) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = crate::mime::decode::base64(cred.trim().as_bytes()).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (user, pass) = text.split_once(':')?;
        server.config.users.iter().any(|(u, p)| u == user && p == pass).then(|| user.to_owned())
    } else if scheme.eq_ignore_ascii_case("bearer") {
        server.config.tokens.iter().any(|t| t == cred.trim()).then(|| "token".to_owned())
    } else {
        None
    }
}

fn unauthorized() -> Response {
    let mut r = json_response(
        StatusCode::UNAUTHORIZED,
        "application/problem+json",
        &json!({"type": "about:blank", "status": 401, "detail": "authentication required (Basic or Bearer)"}),
    );
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"jmap-smime\", Bearer"));
    r
}

async fn handle(State(server): State<Arc<Server>>, req: Request) -> Response {
    let origin = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_owned);
    let cors_headers = cors::headers(&server.config, origin.as_deref());
    let allowed = !cors_headers.is_empty();
    let mut resp = route(&server, req, allowed).await;
    for (k, v) in cors_headers {
        resp.headers_mut().insert(k, v);
    }
    resp
}

/// Decrements the in-flight counter when a request ends.
/// It owns the server so that it can travel with the processing: a client
/// that hangs up does not free its slot before the work is done.
struct InFlight(Arc<Server>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn route(server: &Arc<Server>, req: Request, cors_allowed: bool) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    if method == Method::OPTIONS {
        // The CORS preflight carries no credentials: answer it without auth
        // (Cyrus 3.6 answers 401 here, which breaks cross-origin clients).
        let mut r = StatusCode::NO_CONTENT.into_response();
        if !cors_allowed {
            // Fetch standard, CORS protocol: an origin that is not allowed
            // gets no CORS headers at all, the preflight's included.
            return r;
        }
        let h = r.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Authorization, Content-Type, Accept, Accept-Language"));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        return r;
    }
    if path == "/.well-known/jmap" {
        let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
        r.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/jmap/session"));
        return r;
    }
    if let Some(rest) = path.strip_prefix("/jmap/") {
        let Some(user) = authenticate(server, req.headers()) else { return unauthorized() };
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1").to_owned();
        return match (method, rest) {
            (Method::GET, "session") => {
                json_response(StatusCode::OK, "application/json", &server.session(&format!("http://{host}"), &user))
            }
            (Method::POST, "api" | "api/") => api_call(server, req).await,
            (Method::GET, r) if r.starts_with("download/") => download(server, r, &query).await,
            _ => plain(StatusCode::NOT_FOUND, "not found"),
        };
    }
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    serve_static(server, &path).await
}

async fn api_call(server: &Arc<Server>, req: Request) -> Response {
    let limit = usize::try_from(limits::SERVER_MAX_SIZE_REQUEST).unwrap_or(usize::MAX);
    let json_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    let body: Body = req.into_body();
    let Ok(bytes) = to_bytes(body, limit.saturating_add(1)).await else {
        return problem(&Problem::limit("maxSizeRequest", format!("the request is larger than {limit} bytes")));
    };
    if !json_type {
        // RFC 8620 §3.6.1: notJSON also covers a content type other than application/json.
        return problem(&Problem::not_json("the request's Content-Type is not application/json"));
    }
    let n = server.in_flight.fetch_add(1, Ordering::SeqCst).saturating_add(1);
    let guard = InFlight(Arc::clone(server));
    if n > limits::SERVER_MAX_CONCURRENT_REQUESTS {
        return problem(&Problem::limit("maxConcurrentRequests", "too many concurrent requests"));
    }
    // Processing is CPU work: it runs on the blocking pool, so it never
    // holds up the async workers (with the binary's two workers, two waiting
    // requests used to stall every connection). It reads a snapshot of the
    // store and holds no lock while it builds and serializes the response.
    // RFC 8620 §2 (maxConcurrentRequests): the slot is held until the work
    // ends, even when the client has gone away meanwhile.
    let answer = tokio::task::spawn_blocking(move || {
        let worker = &guard.0;
        let now = worker.now();
        // Results older than the 24 h ceiling are recomputed before answering.
        let store = worker.snapshot(now);
        worker.probe(Stage::Building);
        let ctx = api::Context {
            store: &store,
            smime_enabled: worker.config.smime,
            blob_enabled: worker.config.blob,
            account_id: ACCOUNT_ID,
            now,
        };
        api::respond(&ctx, &bytes)
    })
    .await;
    match answer {
        Ok(Ok(body)) => {
            let mut r = (StatusCode::OK, body).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        Ok(Err(p)) => problem(&p),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "the request could not be processed"),
    }
}

async fn download(server: &Arc<Server>, rest: &str, query: &str) -> Response {
    // download/{accountId}/{blobId}/{name}
    let mut it = rest.splitn(4, '/').skip(1);
    let (Some(account), Some(blob)) = (it.next(), it.next()) else { return plain(StatusCode::NOT_FOUND, "not found") };
    if account != ACCOUNT_ID {
        return plain(StatusCode::NOT_FOUND, "no such account");
    }
    // RFC 8620 §6.2: the name is returned as the file name.
    let Some(name) = blob::file_name(it.next().unwrap_or("")) else {
        return plain(StatusCode::BAD_REQUEST, &format!("the file name is longer than {} bytes", limits::SERVER_MAX_DOWNLOAD_NAME_BYTES));
    };
    // The lock is held for a snapshot copy only; the bytes are copied from
    // the snapshot (off the async workers: a message can be large).
    let (worker, blob) = (Arc::clone(server), blob.to_owned());
    let found = tokio::task::spawn_blocking(move || worker.current().blob(&blob)).await;
    let Ok(Some((media_type, bytes))) = found else { return plain(StatusCode::NOT_FOUND, "no such blob") };
    let served = blob::served_type(blob::type_param(query).as_deref(), &media_type);
    let mut r = (StatusCode::OK, bytes).into_response();
    for (k, v) in blob::headers(served, &name) {
        r.headers_mut().insert(k, v);
    }
    r
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "pem" | "txt" | "ts" => "text/plain; charset=utf-8",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

/// Map a URL path to a file under a configured tree, refusing anything that
/// could leave it (dot segments, encoded characters, backslashes).
fn static_file(server: &Server, path: &str) -> Option<PathBuf> {
    if path.contains('%') || path.contains('\\') {
        return None;
    }
    let (prefix, dir) = server.config.static_dirs.iter().filter(|(p, _)| path.starts_with(p.as_str())).max_by_key(|(p, _)| p.len())?;
    let rel = path.get(prefix.len()..).unwrap_or("");
    let rel = Path::new(rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = dir.join(rel);
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    Some(file)
}

/// The Content-Security-Policy of served pages.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

async fn serve_static(server: &Server, path: &str) -> Response {
    let Some(file) = static_file(server, path) else { return plain(StatusCode::NOT_FOUND, "not found") };
    match tokio::fs::read(&file).await {
        Ok(bytes) => {
            let mut r = (StatusCode::OK, bytes).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&file)));
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            r.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            if content_type(&file).starts_with("text/html") {
                // The demo runs nothing inline and talks only to this origin;
                // WebAssembly needs 'wasm-unsafe-eval'. Message text stays text.
                r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
            }
            r
        }
        Err(_) => plain(StatusCode::NOT_FOUND, "not found"),
    }
}
