//! The reference JMAP server with RFC 9219 (issue 5; feature `server`,
//! binary `jmap-smime-server`). A read-only mail store loaded from a
//! directory, the JMAP core and mail methods a webmail page needs, and the
//! S/MIME verification extension computed with this crate's Verifier and the
//! server's own trust store. HTTP on 127.0.0.1 with Basic and Bearer auth,
//! CORS, and static files (the demo page and the npm package), so a demo is
//! same-origin.

pub mod api;
pub mod http;
pub mod mail;
pub mod smime;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::asn1::time::UnixTime;
use crate::jmap::{CAP_CORE, CAP_MAIL, CAP_SMIMEVERIFY};
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
    /// A fixed clock (tests); None reads the system clock.
    pub now: Option<UnixTime>,
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
            now: None,
        }
    }
}

/// The mutable state: the store and the server's verifier.
pub struct State {
    /// The mail.
    pub store: Store,
    /// The server's own verifier (its trust store may differ from the browser's).
    pub verifier: Verifier,
}

/// Everything a request handler needs.
pub struct Server {
    /// Configuration.
    pub config: Config,
    /// Store and verifier.
    pub state: Mutex<State>,
    /// API requests being processed (maxConcurrentRequests).
    pub in_flight: AtomicU64,
}

impl Server {
    /// A server over a store; every message is verified now ("delivery").
    pub fn new(config: Config, mut store: Store, verifier: Verifier) -> Server {
        let now = clock(&config);
        smime::refresh(&mut store, &verifier, now);
        Server { config, state: Mutex::new(State { store, verifier }), in_flight: AtomicU64::new(0) }
    }

    /// The current time.
    pub fn now(&self) -> UnixTime {
        clock(&self.config)
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
