//! A page at the server's speed (issue 10 §3), over the recorded servers of
//! tests/recordings: `load_page_progressive` tells the server's view first,
//! then every verdict, and returns the page `load_page` returns; a
//! verification route gives the verdicts the client gives itself, and a
//! route's abort stops the page. Expected levels: tests/recordings/page.tsv.

mod common;

use common::{jmap_now as now, root_verifier as verifier};

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::replay::{block_on, Replay};
use futures_util::future::LocalBoxFuture;
use jmap_smime::jmap::client::{Client, ClientConfig, ClientSource, Page, PageItem};
use jmap_smime::jmap::request::PageQuery;
use jmap_smime::jmap::route::{RouteRequest, VerifyRoute};
use jmap_smime::verifier::Verdict;
use jmap_smime::{Code, Error, Verifier};

fn connect(recording: &str) -> Client<Replay> {
    let (replay, url) = Replay::load(recording);
    block_on(Client::connect(replay, &url, ClientConfig::default(), verifier())).unwrap()
}

fn query() -> PageQuery {
    PageQuery { limit: 50, calculate_total: true, ..PageQuery::default() }
}

/// page.tsv: the display level per row for the RFC 9219 (col 5) or Cyrus (col 6) server.
fn levels(column: usize) -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/recordings/page.tsv")).unwrap();
    text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).skip(1).map(|l| l.split('\t').nth(column).unwrap().to_owned()).collect()
}

fn level_names(items: &[PageItem]) -> Vec<String> {
    items.iter().map(|i| serde_json::to_value(i.display.level).unwrap().as_str().unwrap().to_owned()).collect()
}

fn plain(page: &Page) -> serde_json::Value {
    serde_json::to_value(page).unwrap()
}

#[derive(Debug, PartialEq)]
enum Event {
    ServerPage(Vec<ClientSource>),
    Verdict(String),
}

#[test]
fn server_page_first_then_every_verdict_then_the_same_page() {
    for (recording, column) in [("page-rfc9219.json", 5), ("page-cyrus.json", 6)] {
        let reference = block_on(connect(recording).load_page(query(), now(), &mut |_| {})).unwrap();
        let mut client = connect(recording);
        let events = RefCell::new(Vec::new());
        let mut server_pages = Vec::new();
        let mut on_server_page = |p: &Page| {
            events.borrow_mut().push(Event::ServerPage(p.items.iter().map(|i| i.client_source).collect()));
            server_pages.push(p.clone());
        };
        let page = block_on(client.load_page_progressive(query(), now(), Some(&mut on_server_page), &mut |p| {
            events.borrow_mut().push(Event::Verdict(p.id.clone()))
        }))
        .unwrap();
        let events = events.into_inner();
        assert_eq!(plain(&page), plain(&reference), "{recording}: the page returned is the one load_page returns");
        assert_eq!(level_names(&page.items), levels(column), "{recording}");
        // One server page, first; then one verdict per message, each once.
        assert_eq!(server_pages.len(), 1, "{recording}");
        assert!(matches!(events.first(), Some(Event::ServerPage(_))), "{recording}: {events:?}");
        let mut verdict_ids: Vec<String> =
            events.iter().skip(1).map(|e| if let Event::Verdict(id) = e { id.clone() } else { panic!("{e:?}") }).collect();
        verdict_ids.sort();
        let mut ids = page.ids.clone();
        ids.sort();
        assert_eq!(verdict_ids, ids, "{recording}");
        // The server page: the same Emails in order with the server's report;
        // a message that needs a download is pending, with no client verdict
        // and the display of "not checked here"; the unsigned one is final.
        let sp = &server_pages[0];
        assert_eq!(sp.ids, page.ids);
        assert_eq!(sp.items.len(), page.items.len());
        for (early, last) in sp.items.iter().zip(&page.items) {
            assert_eq!(early.email, last.email);
            assert_eq!(early.server, last.server);
            match last.client_source {
                ClientSource::Structure => assert_eq!(early, last, "{recording}: known without a download"),
                _ => {
                    assert_eq!(early.client_source, ClientSource::Pending, "{recording} {}", last.email.id);
                    assert_eq!(early.client, None);
                }
            }
        }
        let pending = sp.items.iter().filter(|i| i.client_source == ClientSource::Pending).count();
        assert_eq!(pending, client.stats().downloads as usize, "{recording}: pending = downloaded");
        assert!(page.items.iter().all(|i| i.client_source != ClientSource::Pending), "never pending in the final page");

        // Loaded again: every verdict from the cache, so the server page has none pending.
        let mut again = Vec::new();
        let p2 = block_on(client.load_page_progressive(query(), now(), Some(&mut |p: &Page| again.push(p.clone())), &mut |_| {})).unwrap();
        assert!(again[0].items.iter().all(|i| i.client_source != ClientSource::Pending), "{recording}: cached");
        assert_eq!(level_names(&p2.items), levels(column));
    }
}

/// A route that verifies "elsewhere": a second Verifier of the same
/// configuration, the verdict carried as JSON (as between workers). `mode`
/// decides what it does with each request.
struct Pool {
    helper: Verifier,
    mode: Mode,
    taken: Cell<u32>,
    configs: RefCell<Vec<String>>,
}

#[derive(Clone, Copy)]
enum Mode {
    Take,
    Decline,
    Fail,
    Abort,
}

/// The client owns its route; the test keeps a handle on the same pool.
struct Shared(Rc<Pool>);

impl VerifyRoute for Shared {
    fn verify<'a>(&'a self, r: RouteRequest<'a>) -> LocalBoxFuture<'a, jmap_smime::Result<Option<Verdict>>> {
        let pool = &self.0;
        Box::pin(async move {
            pool.configs.borrow_mut().push(r.config.to_owned());
            match pool.mode {
                Mode::Decline => Ok(None),
                Mode::Fail => Err(Error::new(Code::NetworkError, "the helper died")),
                Mode::Abort => Err(Error::new(Code::Aborted, "the caller aborted")),
                Mode::Take => {
                    pool.taken.set(pool.taken.get() + 1);
                    let v = pool.helper.verify(r.bytes, r.now, r.received_at);
                    let json = serde_json::to_string(&v).unwrap();
                    Ok(Some(serde_json::from_str::<Verdict>(&json).unwrap()))
                }
            }
        })
    }
}

fn with_pool(recording: &str, mode: Mode) -> (Client<Replay>, Rc<Pool>) {
    let pool = Rc::new(Pool { helper: verifier(), mode, taken: Cell::new(0), configs: RefCell::new(Vec::new()) });
    let mut client = connect(recording);
    client.set_verify_route(Some(Box::new(Shared(Rc::clone(&pool)))));
    (client, pool)
}

#[test]
fn a_route_gives_the_verdicts_of_the_client() {
    let config = verifier().config_fingerprint();
    for recording in ["page-rfc9219.json", "page-cyrus.json"] {
        let reference = block_on(connect(recording).load_page(query(), now(), &mut |_| {})).unwrap();
        for mode in [Mode::Take, Mode::Decline, Mode::Fail] {
            let (mut client, pool) = with_pool(recording, mode);
            let page = block_on(client.load_page(query(), now(), &mut |_| {})).unwrap();
            assert_eq!(plain(&page), plain(&reference), "{recording}: the same page through the route");
            let downloads = client.stats().downloads;
            assert!(downloads > 0);
            assert_eq!(pool.configs.borrow().len(), downloads as usize, "{recording}: every download offered to the route");
            assert!(pool.configs.borrow().iter().all(|c| *c == config), "the client's configuration goes along");
            let want_taken = if matches!(mode, Mode::Take) { downloads } else { 0 };
            assert_eq!(pool.taken.get(), want_taken);
        }
    }
}

#[test]
fn a_route_that_aborts_stops_the_page() {
    let (mut client, pool) = with_pool("page-rfc9219.json", Mode::Abort);
    let mut progress = 0;
    let err = block_on(client.load_page(query(), now(), &mut |_| progress += 1)).unwrap_err();
    assert_eq!(err.code, Code::Aborted);
    assert_eq!(client.stats().verifications, 0, "nothing verified after the abort");
    assert!(!pool.configs.borrow().is_empty());
    // Only the message known without a download got a verdict.
    assert_eq!(progress, 1);
}

/// Every verdict of both pages reads back from its JSON unchanged (what a
/// pool worker sends is what the client would have had).
#[test]
fn verdicts_read_back_from_json() {
    let mut seen_delivery = [false; 3];
    for recording in ["page-rfc9219.json", "page-cyrus.json"] {
        let page = block_on(connect(recording).load_page(query(), now(), &mut |_| {})).unwrap();
        for v in page.items.iter().filter_map(|i| i.client.as_ref()) {
            let back: Verdict = serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap();
            assert_eq!(&back, v);
            seen_delivery[match &v.status_at_delivery {
                None => 0,
                Some(None) => 1,
                Some(Some(_)) => 2,
            }] = true;
        }
    }
    let v = Verdict { status_at_delivery: Some(None), ..Verdict::unsigned() };
    assert_eq!(serde_json::from_str::<Verdict>(&serde_json::to_string(&v).unwrap()).unwrap(), v, "null at delivery stays null");
    assert!(seen_delivery[2], "the pages have verdicts at delivery");
}
