// The client API in headless Chromium against recorded JMAP servers on
// 127.0.0.1 (tests/js/recorded-jmap.js): JmapSmimeClient on the page and
// WorkerClient (the Web Worker entry) give the display levels of
// tests/recordings/page.tsv, with progress, the cache, and abort.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PKG_DIR, requirePkg } from './support.js';
import { startRecorded } from './recorded-jmap.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PKG = path.resolve(fileURLToPath(PKG_DIR));

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.der': 'application/octet-stream', '.html': 'text/html', '.pem': 'text/plain' };

function expected() {
  return readFile(path.join(ROOT, 'tests/recordings/page.tsv'), 'utf8').then((t) => t.split('\n')
    .filter((l) => l && !l.startsWith('#')).slice(1).map((l) => l.split('\t'))
    .map((c) => ({ file: c[0], rfc9219: c[5], cyrus: c[6] })));
}

let pages, origin, browser, rfc, cyrus, forged, rootPem;

before(async () => {
  await requirePkg();
  rootPem = await readFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), 'utf8');
  rfc = await startRecorded('page-rfc9219.json');
  cyrus = await startRecorded('page-cyrus.json');
  forged = await startRecorded('page-forged.json');
  pages = createServer(async (req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    if (p === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><meta charset="utf-8"><title>client test</title><link rel="icon" href="data:,">');
      return;
    }
    const file = p.startsWith('/pkg/') ? path.resolve(PKG, '.' + p.slice(4)) : null;
    if (!file || !file.startsWith(PKG + path.sep)) { res.writeHead(404); res.end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch { res.writeHead(404); res.end(); }
  });
  await new Promise((ok) => pages.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${pages.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await rfc?.close();
  await cyrus?.close();
  await forged?.close();
  await new Promise((ok) => (pages ? pages.close(ok) : ok()));
});

async function openPage() {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${origin}/`);
  return { page, problems };
}

for (const [name, server, column] of [['RFC 9219', () => rfc, 'rfc9219'], ['Cyrus-shaped', () => cyrus, 'cyrus']]) {
  test(`a ${name} page: same verdicts on the page and in the worker`, { timeout: 60_000 }, async () => {
    const want = await expected();
    const { page, problems } = await openPage();
    const out = await page.evaluate(async ({ sessionUrl, rootPem }) => {
      const api = await import('/pkg/jmap_smime.js');
      const { WorkerClient } = await import('/pkg/worker-client.js');
      await api.default();
      const trust = api.TrustStore.empty();
      trust.addPem(rootPem);
      const verifier = new api.Verifier(trust);
      const auth = { type: 'basic', username: 'demo', password: 'pw' };
      const now = '2026-01-01T00:00:00Z';
      const main = await api.JmapSmimeClient.connect({ sessionUrl, auth, verifier, acceptLanguage: 'fr' });
      const progress = [];
      const a = await main.loadPage({ limit: 50 }, { now, onProgress: (p) => progress.push(p.done) });
      const again = await main.loadPage({ limit: 50 }, { now });
      const stats = await main.stats();
      const worker = await WorkerClient.connect({ sessionUrl, auth, trust: { bundled: false, pem: [rootPem] } });
      const wprogress = [];
      const b = await worker.loadPage({ limit: 50 }, { now, onProgress: (p) => wprogress.push(p.done) });
      const controller = new AbortController();
      controller.abort();
      const aborted = await worker.loadPage({}, { now, signal: controller.signal }).then(() => 'resolved', (e) => e.code);
      const mainAborted = await main.loadPage({}, { now, signal: controller.signal }).then(() => 'resolved', (e) => e.code);
      worker.terminate();
      const levels = (p) => p.items.map((i) => i.display.level);
      return { main: levels(a), again: levels(again), worker: levels(b), progress, wprogress, stats, aborted, mainAborted,
        smime: main.supportsSmime, workerSmime: worker.supportsSmime, total: a.total, sameItems: JSON.stringify(a.items) === JSON.stringify(b.items) };
    }, { sessionUrl: server().sessionUrl, rootPem });
    assert.deepEqual(problems, []);
    const levels = want.map((r) => r[column]);
    assert.deepEqual(out.main, levels, 'page');
    assert.deepEqual(out.worker, levels, 'worker');
    assert.deepEqual(out.again, levels, 'second load');
    assert.ok(out.sameItems, 'the worker returns the same items as the page');
    assert.deepEqual(out.progress, want.map((_, i) => i + 1));
    assert.deepEqual(out.wprogress, want.map((_, i) => i + 1));
    assert.equal(out.stats.cacheHits, out.stats.verifications, 'the second load came from the cache');
    assert.equal(out.aborted, 'aborted');
    assert.equal(out.mainAborted, 'aborted');
    assert.equal(out.smime, column === 'rfc9219');
    assert.equal(out.workerSmime, column === 'rfc9219');
    assert.equal(out.total, want.length);
    // Over the wire: Basic auth and Accept-Language on every request;
    // smimeverify in `using` only for the RFC 9219 server.
    const log = server().log;
    assert.ok(log.length > want.length);
    for (const r of log) {
      assert.equal(r.headers.authorization, 'Basic ZGVtbzpwdw==', r.url);
      if (r.method === 'POST') assert.equal(JSON.parse(r.body).using.includes('urn:ietf:params:jmap:smimeverify'), column === 'rfc9219');
    }
    assert.ok(log.filter((r) => r.headers['accept-language'] === 'fr').length > 0);
    await page.close();
  });
}

// Issue 9 §3: Email objects that lie about valid blobs (tests/recordings/forged.tsv),
// and a download streamed past the size limit with no Content-Length: the
// fetch transport stops at the bound. The page and the worker agree, and the
// worker passes the checked headers, body and header check through.
test('a forged page: the levels of forged.tsv on the page and in the worker', { timeout: 120_000 }, async () => {
  const want = (await readFile(path.join(ROOT, 'tests/recordings/forged.tsv'), 'utf8')).split('\n')
    .filter((l) => l && !l.startsWith('#')).slice(1).map((l) => l.split('\t'))
    .map((c) => ({ level: c[5], headerCode: c[6], clientError: c[7] }));
  const { page, problems } = await openPage();
  const out = await page.evaluate(async ({ sessionUrl, rootPem }) => {
    const api = await import('/pkg/jmap_smime.js');
    const { WorkerClient } = await import('/pkg/worker-client.js');
    await api.default();
    const trust = api.TrustStore.empty();
    trust.addPem(rootPem);
    const now = '2026-01-01T00:00:00Z';
    const auth = { type: 'basic', username: 'demo', password: 'pw' };
    const main = await api.JmapSmimeClient.connect({ sessionUrl, auth, verifier: new api.Verifier(trust) });
    const a = await main.loadPage({ limit: 50 }, { now });
    const worker = await WorkerClient.connect({ sessionUrl, auth, trust: { bundled: false, pem: [rootPem] } });
    const b = await worker.loadPage({ limit: 50 }, { now });
    worker.terminate();
    const summary = (p) => p.items.map((i) => ({
      level: i.display.level,
      headerCode: i.display.headerCheck?.problem?.code ?? '-',
      clientError: i.clientError?.code ?? '-',
    }));
    const f1 = a.items[1];
    return {
      main: summary(a), worker: summary(b), same: JSON.stringify(a.items) === JSON.stringify(b.items),
      from: f1.client.headers.from.mailboxes, fromCoverage: f1.client.headers.from.coverage,
      subjectCoverage: f1.client.headers.subject.coverage, body: f1.client.body.parts.map((p) => [p.part, p.contentType]),
      fields: f1.display.headerCheck.fields.map((f) => [f.field, f.outcome]),
    };
  }, { sessionUrl: forged.sessionUrl, rootPem });
  assert.deepEqual(problems, []);
  assert.deepEqual(out.main, want, 'page');
  assert.deepEqual(out.worker, want, 'worker');
  assert.ok(out.same, 'the worker returns the same items as the page');
  assert.deepEqual(out.from, [{ name: 'Alice Example', email: 'alice@example.com' }]);
  assert.equal(out.fromCoverage, 'address-checked');
  assert.equal(out.subjectCoverage, 'not-covered');
  assert.deepEqual(out.body, [['1', 'text/plain']]);
  assert.deepEqual(out.fields, [['from', 'differs'], ['sender', 'agrees'], ['subject', 'differs'], ['date', 'agrees']]);
  await page.close();
});
