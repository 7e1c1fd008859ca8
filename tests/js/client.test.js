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

let pages, origin, browser, rfc, cyrus, rootPem;

before(async () => {
  await requirePkg();
  rootPem = await readFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), 'utf8');
  rfc = await startRecorded('page-rfc9219.json');
  cyrus = await startRecorded('page-cyrus.json');
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
