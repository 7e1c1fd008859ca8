//! The reference JMAP server with RFC 9219 (issue 5; feature `server`,
//! binary `jmap-smime-server`). A read-only mail store loaded from a
//! directory, the JMAP core and mail methods a webmail page needs, and the
//! S/MIME verification extension computed with this crate's Verifier and the
//! server's own trust store. HTTP on 127.0.0.1 with Basic and Bearer auth,
//! CORS, and static files (the demo page and the npm package), so a demo is
//! same-origin.

pub mod api;
pub mod blob;
pub mod blob_get;
pub mod cors;
pub mod email;
pub mod fetch;
pub mod http;
pub mod json;
pub mod mail;
pub mod online;
pub mod query;
pub mod request;
pub mod smime;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};

use crate::asn1::time::UnixTime;
use crate::jmap::{CAP_BLOB, CAP_CORE, CAP_MAIL, CAP_ONLINE_REVOCATION, CAP_SMIMEVERIFY};
use crate::limits;
use crate::verifier::Verifier;
use store::Store;

/// The one account's id.
pub const ACCOUNT_ID: &str = "A1";

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Listen address (127.0.0.1:port; port 0 picks one).
    pub listen: SocketAddr,
    /// Basic credentials (user, password).
    pub users: Vec<(String, String)>,
    /// Accepted Bearer tokens.
    pub tokens: Vec<String>,
    /// Origins allowed by CORS ("*" for any).
    pub cors_origins: Vec<String>,
    /// Static trees: (URL prefix ending in '/', directory). "/" serves index.html.
    pub static_dirs: Vec<(String, PathBuf)>,
    /// Run with RFC 9219 (the switch for the client-only path).
    pub smime: bool,
    /// Offer RFC 9404 `Blob/get` (off: clients download every raw message).
    pub blob: bool,
    /// A fixed clock (tests); None reads the system clock.
    pub now: Option<UnixTime>,
    /// Issue 12 §4: check revocation online (CRL distribution points and
    /// OCSP responders of anchored paths), with these fetch time limits;
    /// None: only the CRLs and OCSP responses at hand.
    pub online_revocation: Option<fetch::Timeouts>,
    /// Called at each [`Stage`] of a request (tests hold a request there to
    /// show what it does not block); None in the binary.
    pub probe: Option<Probe>,
}

/// Where a request is when [`Config::probe`] is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Re-verifying stale RFC 9219 results, before they are installed.
    Refreshing,
    /// Building an API response from a store snapshot.
    Building,
}

/// A callback for [`Config::probe`].
#[derive(Clone)]
pub struct Probe(pub Arc<dyn Fn(Stage) + Send + Sync>);

impl std::fmt::Debug for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Probe")
    }
}

impl Config {
    /// Refuse a configuration the server must not run with: a CORS origin
    /// that is not one exact origin (`*`, `null`, a path, ...). Every API
    /// call carries credentials, and the server answers an allowed origin
    /// with `Access-Control-Allow-Credentials: true`: a wildcard would let
    /// any page read the mailbox with the user's credentials (Fetch
    /// standard, CORS protocol and credentials).
    pub fn validate(&self) -> Result<(), String> {
        self.cors_origins.iter().try_for_each(|o| cors::check_origin(o))
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            users: Vec::new(),
            tokens: Vec::new(),
            cors_origins: Vec::new(),
            static_dirs: Vec::new(),
            smime: true,
            blob: true,
            now: None,
            online_revocation: None,
            probe: None,
        }
    }
}

/// The mutable state: the current store. Requests take it only to copy the
/// `Arc` (a snapshot) or to install a refreshed store, never while they
/// verify, build or serialize.
pub struct State {
    /// The mail.
    pub store: Arc<Store>,
}

/// Everything a request handler needs.
pub struct Server {
    /// Configuration.
    pub config: Config,
    /// The current store.
    pub state: Mutex<State>,
    /// The server's own verifier (its trust store may differ from the browser's).
    pub verifier: Verifier,
    /// The online revocation checker, when configured.
    pub online: Option<online::Online>,
    /// Held by the one request that re-verifies stale results.
    refreshing: Mutex<()>,
    /// API requests being processed (maxConcurrentRequests).
    pub in_flight: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Server {
    /// A server over a store; every message is verified now ("delivery").
    pub fn new(config: Config, mut store: Store, verifier: Verifier) -> Server {
        let now = clock(&config);
        let online = config.online_revocation.map(online::Online::new);
        smime::refresh(&mut store, smime::Judge { verifier: &verifier, online: online.as_ref() }, now);
        Server {
            config,
            state: Mutex::new(State { store: Arc::new(store) }),
            verifier,
            online,
            refreshing: Mutex::new(()),
            in_flight: AtomicU64::new(0),
        }
    }

    /// How the server verifies: its verifier, with online revocation when configured.
    pub fn judge(&self) -> smime::Judge<'_> {
        smime::Judge { verifier: &self.verifier, online: self.online.as_ref() }
    }

    /// The current time.
    pub fn now(&self) -> UnixTime {
        clock(&self.config)
    }

    /// Tell the probe where a request is.
    pub fn probe(&self, stage: Stage) {
        if let Some(Probe(f)) = &self.config.probe {
            f(stage);
        }
    }

    /// The store as it is now (the lock is held for an `Arc` copy).
    pub fn current(&self) -> Arc<Store> {
        Arc::clone(&lock(&self.state).store)
    }

    /// A snapshot whose RFC 9219 data is fresh at `now` (RFC 9219 §4.1: a
    /// result is served for at most 24 hours). When something is stale, one
    /// request re-verifies it from a snapshot, outside the store lock, and
    /// installs the result; requests that need it meanwhile wait for that
    /// refresh (they may not serve older results), everything else goes on
    /// with the current store.
    pub fn snapshot(&self, now: UnixTime) -> Arc<Store> {
        let snap = self.current();
        if !smime::stale(&snap, now) {
            return snap;
        }
        let _one = lock(&self.refreshing);
        // Another request may have refreshed while this one waited.
        let snap = self.current();
        if !smime::stale(&snap, now) {
            return snap;
        }
        self.probe(Stage::Refreshing);
        let updates = smime::reverify(&snap, self.judge(), now);
        // Emails share their bytes and parse (Arc): the copy is small.
        let mut next = Store::clone(&snap);
        smime::apply(&mut next, updates, now);
        let next = Arc::new(next);
        lock(&self.state).store = Arc::clone(&next);
        next
    }

    /// The Session object (RFC 8620 §2), URLs absolute on `base`
    /// ("http://host:port").
    pub fn session(&self, base: &str, username: &str) -> Value {
        let mut caps = serde_json::Map::new();
        caps.insert(
            CAP_CORE.into(),
            json!({
                "maxSizeUpload": 0, "maxConcurrentUpload": 1, "maxSizeRequest": limits::SERVER_MAX_SIZE_REQUEST,
                "maxConcurrentRequests": limits::SERVER_MAX_CONCURRENT_REQUESTS, "maxCallsInRequest": limits::SERVER_MAX_CALLS_IN_REQUEST,
                "maxObjectsInGet": limits::SERVER_MAX_OBJECTS_IN_GET, "maxObjectsInSet": 0, "collationAlgorithms": ["i;ascii-casemap"],
            }),
        );
        caps.insert(CAP_MAIL.into(), json!({}));
        let mut account_caps = serde_json::Map::new();
        account_caps.insert(
            CAP_MAIL.into(),
            json!({"maxMailboxesPerEmail": 1, "maxMailboxDepth": 1, "maxSizeMailboxName": 255, "maxSizeAttachmentsPerEmail": 0,
                   "emailQuerySortOptions": ["receivedAt", "sentAt", "size", "subject", "from"], "mayCreateTopLevelMailbox": false}),
        );
        let mut primary = serde_json::Map::new();
        primary.insert(CAP_MAIL.into(), json!(ACCOUNT_ID));
        if self.config.smime {
            // RFC 9219 §2: the capability in the session and in the account.
            caps.insert(CAP_SMIMEVERIFY.into(), json!({}));
            account_caps.insert(CAP_SMIMEVERIFY.into(), json!({}));
            // RFC 8620 §2: primaryAccounts names only capabilities the server has.
            primary.insert(CAP_SMIMEVERIFY.into(), json!(ACCOUNT_ID));
            if self.online.is_some() {
                // A vendor capability (RFC 8620 §2): RFC 9219 has no word for
                // "this status includes an online revocation check".
                caps.insert(CAP_ONLINE_REVOCATION.into(), json!({}));
                account_caps.insert(CAP_ONLINE_REVOCATION.into(), json!({}));
            }
        }
        if self.config.blob {
            // RFC 9404 §3: an empty object in the session, the limits in the account.
            caps.insert(CAP_BLOB.into(), json!({}));
            account_caps.insert(CAP_BLOB.into(), blob_get::account_capability());
        }
        json!({
            "capabilities": caps,
            "accounts": { ACCOUNT_ID: {"name": username, "isPersonal": true, "isReadOnly": true, "accountCapabilities": account_caps} },
            "primaryAccounts": primary,
            "username": username,
            "apiUrl": format!("{base}/jmap/api/"),
            "downloadUrl": format!("{base}/jmap/download/{{accountId}}/{{blobId}}/{{name}}?type={{type}}"),
            "uploadUrl": format!("{base}/jmap/upload/{{accountId}}/"),
            "eventSourceUrl": format!("{base}/jmap/eventsource/?types={{types}}&closeafter={{closeafter}}&ping={{ping}}"),
            "state": api::session_state(self.config.smime),
        })
    }
}

fn clock(config: &Config) -> UnixTime {
    config.now.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_secs()).ok()).unwrap_or(0)
    })
}

/// Where the demo's files are, relative to the repository.
pub fn default_static_dirs(root: &std::path::Path) -> Vec<(String, PathBuf)> {
    vec![("/pkg/".into(), root.join("pkg")), ("/".into(), root.join("www"))]
}
