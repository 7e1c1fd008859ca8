#![cfg(feature = "server")]
//! Issue 12 §2 through the JMAP client: a verdict cached while the memory of
//! signers lacked the signer's certificate (`signer-cert-not-found`) is
//! checked again once the memory holds more certificates, so the memory
//! lends what it learnt on the next page, not after the cache's time bucket.
//! The client runs against the reference server over loopback.

mod common;

use std::sync::Arc;

use common::fixtures_dir;
use common::loopback::{self, block_on, Loopback};
use jmap_smime::jmap::client::{Client, ClientConfig, ClientSource, Page};
use jmap_smime::jmap::request::PageQuery;
use jmap_smime::memory::SharedMemory;
use jmap_smime::pki::trust::certificates_from_pem_or_der;
use jmap_smime::server::{self, store::Store, Config, Server};
use jmap_smime::verifier::VerifyOptions;

const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(name)).unwrap()
}

/// (client status, its first failure code, where the verdict came from) of the no-certificate message.
fn no_certs(page: &Page) -> (String, String, ClientSource) {
    let item = page.items.iter().find(|i| i.email.subject.as_deref() == Some("signed without any certificate")).expect("the message");
    let v = item.client.as_ref().expect("a client verdict");
    let code = v.errors.iter().find(|p| !p.warning).map_or("-".to_owned(), |p| p.code.clone());
    (v.status.clone().unwrap_or_default(), code, item.client_source)
}

#[test]
fn a_verdict_that_lacked_the_signer_is_checked_again_when_the_memory_grows() {
    // Newest first: Alice's message without any certificate, then one of hers with it.
    let mut store = Store::default();
    store.add("Inbox", NOW - 7200, read("messages/rsa2048-sha256-detached.eml"), "with-cert").unwrap();
    store.add("Inbox", NOW - 3600, read("outside/alice-opaque-nocerts.eml"), "no-certs").unwrap();
    let config = Config { users: vec![("demo".into(), "demo".into())], now: Some(NOW), ..Config::default() };
    let server = Arc::new(Server::new(config, store, server::smime::verifier(common::root_verifier().trust, VerifyOptions::default())));
    let addr = loopback::serve(server);
    // The browser: the test root, the intermediate as a known certificate, a memory.
    let mut v = common::root_verifier();
    v.options.intermediates = certificates_from_pem_or_der(&read("pki/intermediate.cert.pem")).unwrap();
    let memory = SharedMemory::default();
    v.memory = Some(memory.clone());
    let url = format!("http://{addr}/jmap/session");
    let mut client = block_on(Client::connect(Loopback, &url, ClientConfig::default(), v)).unwrap();
    let page = |client: &mut Client<Loopback>, limit: u64| {
        block_on(client.load_page(PageQuery { limit, ..PageQuery::default() }, NOW, &mut |_| {})).unwrap()
    };
    // 1. The message alone: no certificate anywhere.
    let first = page(&mut client, 1);
    assert_eq!(no_certs(&first), ("signed/failed".into(), "signer-cert-not-found".into(), ClientSource::Verified));
    assert!(memory.with(|m| m.is_empty()));
    // 2. Both: the memory learns Alice's certificate from the other one; the
    //    first verdict was made before that, so the cache may still answer.
    let second = page(&mut client, 2);
    assert_eq!(no_certs(&second).2, ClientSource::Cache);
    assert_eq!(memory.with(|m| m.len()), 1, "learnt from the verified message");
    // 3. Again: the memory grew since that verdict, so it is checked again and
    //    the memory lends the certificate.
    let third = page(&mut client, 2);
    assert_eq!(no_certs(&third), ("signed/verified".into(), "-".into(), ClientSource::Verified));
    // 4. And that verdict is cached as any other.
    let fourth = page(&mut client, 2);
    assert_eq!(no_certs(&fourth).2, ClientSource::Cache);
}
