//! A JMAP request body against the reference server's API over a small store
//! of fixture messages: any bytes give a Response or a problem, never a panic,
//! and the store is unchanged afterwards.
#![no_main]
use std::sync::OnceLock;

use jmap_smime::server::api::{process, Context};
use jmap_smime::server::store::Store;
use libfuzzer_sys::fuzz_target;

fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let mut s = Store::default();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/messages/");
        for (i, f) in ["rsa2048-sha256-detached.eml", "plain-unsigned.eml", "body-attachment-detached.eml", "partial-mixed-prepended-text.eml"]
            .iter()
            .enumerate()
        {
            let raw = std::fs::read(format!("{dir}{f}")).unwrap_or_default();
            let _ = s.add(if i % 2 == 0 { "Inbox" } else { "Archive" }, 1_780_000_000 + i as i64, raw, f);
        }
        let verifier = jmap_smime::server::smime::verifier(Default::default(), Default::default());
        jmap_smime::server::smime::refresh(&mut s, &verifier, 1_780_000_000);
        s
    })
}

fuzz_target!(|data: &[u8]| {
    let store = store();
    let before = (store.state, store.changes.len());
    for smime in [true, false] {
        let ctx = Context { store, smime_enabled: smime, blob_enabled: true, account_id: "A1", now: 1_780_000_000 };
        match process(&ctx, data) {
            Ok(v) => assert!(v.get("methodResponses").is_some()),
            Err(p) => assert!(!p.kind.is_empty()),
        }
    }
    assert_eq!(before, (store.state, store.changes.len()));
});
