//! The in-memory mail store of the reference server: mailboxes and messages
//! loaded from a directory, JMAP state strings and the Email change log
//! (RFC 8620 §5.2). Read-only for clients; only the server's own S/MIME
//! re-verification changes it (src/server/smime.rs).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::mail::{self, Parsed};
use super::smime::SmimeRecord;
use crate::asn1::time::{parse_rfc3339, UnixTime};
use crate::error::{Code, Error, Result};
use crate::limits;

/// A mailbox.
#[derive(Clone, Debug)]
pub struct Mailbox {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role (RFC 8621 §2), from well-known names.
    pub role: Option<String>,
    /// Sort order.
    pub sort_order: u32,
}

/// A stored message.
#[derive(Clone, Debug)]
pub struct Email {
    /// Email id.
    pub id: String,
    /// Blob id of the raw message.
    pub blob_id: String,
    /// Thread id (one thread per message).
    pub thread_id: String,
    /// The mailbox it is in.
    pub mailbox_id: String,
    /// receivedAt.
    pub received_at: UnixTime,
    /// The exact bytes (shared: a store snapshot copies no message).
    pub raw: Arc<[u8]>,
    /// RFC 8621 properties (shared like `raw`).
    pub parsed: Arc<Parsed>,
    /// RFC 9219 data, once verified.
    pub smime: Option<SmimeRecord>,
    /// Where it came from.
    pub file: String,
}

/// What happened to an Email at a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Created.
    Created,
    /// Updated (for this server: its S/MIME status or errors changed).
    Updated,
}

/// The store.
#[derive(Clone, Debug, Default)]
pub struct Store {
    /// Mailboxes in order.
    pub mailboxes: Vec<Mailbox>,
    /// Emails by id.
    pub emails: BTreeMap<String, Email>,
    /// Current state (Email/Mailbox/Thread share it).
    pub state: u64,
    /// Change log: (state reached, Email id, kind), in order.
    pub changes: Vec<(u64, String, ChangeKind)>,
}

fn role_of(name: &str) -> Option<String> {
    let n = name.to_ascii_lowercase();
    ["inbox", "sent", "drafts", "trash", "junk", "archive"].iter().find(|r| **r == n).map(|r| (*r).to_owned())
}

impl Store {
    /// The state as a JMAP string.
    pub fn state_string(&self) -> String {
        format!("s{}", self.state)
    }

    /// Parse a state string.
    pub fn parse_state(s: &str) -> Option<u64> {
        s.strip_prefix('s')?.parse().ok()
    }

    /// Record a change: a new state.
    pub fn touch(&mut self, id: &str, kind: ChangeKind) {
        self.state = self.state.saturating_add(1);
        self.changes.push((self.state, id.to_owned(), kind));
    }

    /// Add a message (a new state, logged as created).
    pub fn add(&mut self, mailbox: &str, received_at: UnixTime, raw: Vec<u8>, file: &str) -> Result<String> {
        if self.emails.len() >= limits::SERVER_MAX_MESSAGES {
            return Err(Error::limit(format!("more than {} messages", limits::SERVER_MAX_MESSAGES)));
        }
        let mailbox_id = match self.mailboxes.iter().find(|m| m.name == mailbox) {
            Some(m) => m.id.clone(),
            None => {
                let id = format!("mb{}", self.mailboxes.len().saturating_add(1));
                let sort_order = if role_of(mailbox).as_deref() == Some("inbox") { 1 } else { 10 };
                self.mailboxes.push(Mailbox { id: id.clone(), name: mailbox.to_owned(), role: role_of(mailbox), sort_order });
                id
            }
        };
        let n = self.emails.len().saturating_add(1);
        let id = format!("M{n:05}");
        let digest = Sha256::digest(&raw);
        let blob_id = format!("B{}", digest.iter().take(12).map(|b| format!("{b:02x}")).collect::<String>());
        let parsed = Arc::new(mail::parse(&raw, &blob_id));
        let email = Email {
            id: id.clone(),
            blob_id,
            thread_id: format!("T{n:05}"),
            mailbox_id,
            received_at,
            raw: Arc::from(raw),
            parsed,
            smime: None,
            file: file.to_owned(),
        };
        self.emails.insert(id.clone(), email);
        self.touch(&id, ChangeKind::Created);
        Ok(id)
    }

    /// Load a mail directory: `index.tsv` lists `file<TAB>mailbox<TAB>receivedAt`
    /// (RFC 3339); without it every `*.eml` goes to Inbox with its file time.
    pub fn load_dir(dir: &Path) -> Result<Store> {
        let io = |e: std::io::Error, what: &Path| Error::new(Code::InvalidArgument, format!("{}: {e}", what.display()));
        let mut store = Store::default();
        let index = dir.join("index.tsv");
        let mut entries: Vec<(String, String, UnixTime)> = Vec::new();
        if index.exists() {
            let text = std::fs::read_to_string(&index).map_err(|e| io(e, &index))?;
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let cols: Vec<&str> = line.split('\t').collect();
                let [file, mailbox, received, ..] = cols.as_slice() else {
                    return Err(Error::new(
                        Code::InvalidArgument,
                        format!("{}:{}: expected file, mailbox, receivedAt", index.display(), n.saturating_add(1)),
                    ));
                };
                let t = parse_rfc3339(received)
                    .map_err(|e| Error::new(Code::InvalidArgument, format!("{}:{}: {}", index.display(), n.saturating_add(1), e.detail)))?;
                entries.push(((*file).to_owned(), (*mailbox).to_owned(), t));
            }
        } else {
            let mut names: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| io(e, dir))?
                .filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .collect();
            names.sort_by_key(|e| e.file_name());
            for e in names {
                let t = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                    .and_then(|d| i64::try_from(d.as_secs()).ok())
                    .unwrap_or(0);
                entries.push((e.file_name().to_string_lossy().into_owned(), "Inbox".to_owned(), t));
            }
        }
        if store.mailboxes.is_empty() {
            store.mailboxes.push(Mailbox { id: "mb1".into(), name: "Inbox".into(), role: Some("inbox".into()), sort_order: 1 });
        }
        for (file, mailbox, t) in entries {
            let path = dir.join(&file);
            let raw = std::fs::read(&path).map_err(|e| io(e, &path))?;
            store.add(&mailbox, t, raw, &file)?;
        }
        Ok(store)
    }

    /// The Email with this blob, or the part blob `<blobId>.<partId>`:
    /// (media type, bytes).
    pub fn blob(&self, blob_id: &str) -> Option<(String, Vec<u8>)> {
        if let Some(e) = self.emails.values().find(|e| e.blob_id == blob_id) {
            return Some(("message/rfc822".into(), e.raw.to_vec()));
        }
        let (base, part) = blob_id.split_once('.')?;
        let e = self.emails.values().find(|e| e.blob_id == base)?;
        e.parsed.parts.iter().find(|p| p.part_id == part).map(|p| (p.media_type.clone(), p.content.clone()))
    }
}
