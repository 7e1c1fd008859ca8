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

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.bin': 'application/octet-stream', '.html': 'text/html', '.pem': 'text/plain' };

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

// Issue 10 §3: a page at the server's speed. loadPage tells the server's page
// first (every item with the server's status; what still needs a download is
// "pending"), then each verdict through onProgress, and resolves to the page
// it resolves to without the callback. The same on the page, in one worker
// and in a pool of three.
test('loadPage: the server page first, then every verdict, then the same page', { timeout: 90_000 }, async () => {
  const want = (await expected()).map((r) => r.rfc9219);
  const { page, problems } = await openPage();
  const out = await page.evaluate(async ({ sessionUrl, rootPem }) => {
    const api = await import('/pkg/jmap_smime.js');
    const { WorkerClient } = await import('/pkg/worker-client.js');
    await api.default();
    const trust = api.TrustStore.empty();
    trust.addPem(rootPem);
    const auth = { type: 'basic', username: 'demo', password: 'pw' };
    const now = '2026-01-01T00:00:00Z';
    const plain = await (await api.JmapSmimeClient.connect({ sessionUrl, auth, verifier: new api.Verifier(trust) })).loadPage({ limit: 50 }, { now });
    const record = async (client) => {
      const events = [];
      const final = await client.loadPage({ limit: 50 }, {
        now,
        onServerPage: (p) => events.push({ kind: 'server', page: p }),
        onProgress: (p) => events.push({ kind: 'verdict', id: p.id, source: p.item.clientSource }),
      });
      return { events, final };
    };
    const runs = { page: await record(await api.JmapSmimeClient.connect({ sessionUrl, auth, verifier: new api.Verifier(trust) })) };
    for (const workers of [1, 3]) {
      const w = await WorkerClient.connect({ sessionUrl, auth, trust: { bundled: false, pem: [rootPem] } }, { workers });
      runs[`worker${workers}`] = await record(w);
      runs[`worker${workers}`].count = w.workers;
      w.terminate();
    }
    const summary = {};
    for (const [name, { events, final, count }] of Object.entries(runs)) {
      const server = events.filter((e) => e.kind === 'server');
      const sp = server[0]?.page;
      summary[name] = {
        count,
        kinds: events.map((e) => e.kind),
        verdictIds: events.filter((e) => e.kind === 'verdict').map((e) => e.id).sort(),
        ids: final.items.map((i) => i.email.id).sort(),
        sameAsPlain: JSON.stringify(final) === JSON.stringify(plain),
        levels: final.items.map((i) => i.display.level),
        serverIds: sp?.items.map((i) => i.email.id),
        finalIds: final.items.map((i) => i.email.id),
        serverMatches: sp?.items.every((i, k) => JSON.stringify(i.server) === JSON.stringify(final.items[k].server)),
        // A pending item has no client verdict yet; a known one is final already.
        earlySources: sp?.items.map((i) => i.clientSource),
        pendingClean: sp?.items.every((i, k) => (i.clientSource === 'pending'
          ? i.client === null && final.items[k].clientSource === 'verified'
          : JSON.stringify(i) === JSON.stringify(final.items[k]))),
        finalSources: final.items.map((i) => i.clientSource),
      };
    }
    return summary;
  }, { sessionUrl: rfc.sessionUrl, rootPem });
  assert.deepEqual(problems, []);
  for (const [name, s] of Object.entries(out)) {
    const n = want.length;
    assert.deepEqual(s.kinds, ['server', ...Array(n).fill('verdict')], `${name}: one server page, first, then ${n} verdicts`);
    assert.deepEqual(s.verdictIds, s.ids, `${name}: a verdict per message`);
    assert.ok(s.sameAsPlain, `${name}: the page resolved is the one without onServerPage`);
    assert.deepEqual(s.levels, want, name);
    assert.deepEqual(s.serverIds, s.finalIds, `${name}: the server page lists the page's messages in order`);
    assert.ok(s.serverMatches, `${name}: with the server's report`);
    assert.ok(s.pendingClean, name);
    // page.tsv: one message (the plain one) is known from its structure, every other is downloaded.
    assert.deepEqual(s.earlySources, s.finalSources.map((x) => (x === 'verified' ? 'pending' : x)), name);
    assert.equal(s.earlySources.filter((x) => x === 'pending').length, n - 1, name);
  }
  assert.equal(out.worker1.count, 1);
  assert.equal(out.worker3.count, 3);
  await page.close();
});

// The pool: helpers verify what the lead downloads, with the lead's trust. A
// root imported later (setTrust) reaches every helper before setTrust
// resolves: the helpers answer (none refuses for other trust) and the
// verdicts are those of one worker. An abort mid-page stops the pool.
test('a worker pool: the verdicts of one worker, trust set later reaches every helper, abort stops it', { timeout: 120_000 }, async () => {
  const want = (await expected()).map((r) => r.rfc9219);
  const { page, problems } = await openPage();
  const out = await page.evaluate(async ({ sessionUrl, rootPem }) => {
    const { WorkerClient, poolSize, MAX_WORKERS } = await import('/pkg/worker-client.js');
    const auth = { type: 'basic', username: 'demo', password: 'pw' };
    const now = '2026-01-01T00:00:00Z';
    const one = await WorkerClient.connect({ sessionUrl, auth, trust: { bundled: false, pem: [rootPem] } }, { workers: 1 });
    const single = await one.loadPage({ limit: 50 }, { now });
    const oneStats = await one.poolStats();
    one.terminate();
    // No root at first: nothing can verify. Started before it connects, as
    // a webmail may at boot: ready() once the module runs in all three.
    const pool = WorkerClient.start({ workers: 3 });
    await pool.ready();
    const startedOnly = pool.accountId === undefined && pool.workers === 3;
    await pool.connect({ sessionUrl, auth, trust: { bundled: false, pem: [] } });
    const twice = await pool.connect({ sessionUrl, auth }).then(() => 'connected twice', (e) => e.code);
    const untrusted = await pool.loadPage({ limit: 50 }, { now });
    const before = await pool.poolStats();
    await pool.setTrust({ bundled: false, pem: [rootPem] });
    const trusted = await pool.loadPage({ limit: 50 }, { now });
    const after = await pool.poolStats();
    // Abort at the first verified message (a later `now`: nothing cached).
    const controller = new AbortController();
    const aborted = await pool.loadPage({ limit: 50 }, {
      now: '2026-01-01T01:00:00Z', signal: controller.signal,
      onProgress: (p) => { if (p.item.clientSource === 'verified') controller.abort(); },
    }).then(() => 'resolved', (e) => e.code);
    // What was in hand when the abort came finishes; then nothing more runs.
    await new Promise((ok) => setTimeout(ok, 500));
    const atAbort = await pool.poolStats();
    await new Promise((ok) => setTimeout(ok, 500));
    const later = await pool.poolStats();
    const again = await pool.loadPage({ limit: 50 }, { now: '2026-01-01T02:00:00Z' });
    pool.terminate();
    let badSize = null;
    try { poolSize(MAX_WORKERS + 1); } catch (e) { badSize = e.code; }
    return {
      single: JSON.stringify(single.items), trusted: JSON.stringify(trusted.items),
      untrustedLevels: untrusted.items.map((i) => i.display.level), trustedLevels: trusted.items.map((i) => i.display.level),
      againLevels: again.items.map((i) => i.display.level),
      oneStats, before, after, atAbort, later, aborted, badSize, startedOnly, twice, defaultSize: poolSize(), cores: navigator.hardwareConcurrency, MAX_WORKERS,
    };
  }, { sessionUrl: rfc.sessionUrl, rootPem });
  assert.deepEqual(problems, []);
  const downloads = want.length - 1;
  assert.equal(out.startedOnly, true, 'start() runs three workers and connects none');
  assert.equal(out.twice, 'invalid-argument', 'a second connect() is refused');
  assert.equal(out.single, out.trusted, 'a pool of three gives the items of one worker');
  assert.deepEqual(out.trustedLevels, want);
  assert.deepEqual(out.againLevels, want, 'the pool still works after an abort');
  assert.notDeepEqual(out.untrustedLevels, want, 'without the root the page differs');
  assert.equal(out.oneStats.length, 1);
  assert.deepEqual([out.oneStats[0].routed, out.oneStats[0].here], [0, 0], 'one worker verifies with no route');
  const [lead, ...helpers] = out.after;
  assert.equal(lead.role, 'lead');
  assert.equal(lead.helpers, 2);
  assert.deepEqual(helpers.map((h) => h.role), ['helper', 'helper']);
  // Every helper has the lead's configuration after setTrust, and none before it differed.
  for (const h of [...helpers, ...out.before.slice(1)]) assert.equal(h.refused, 0);
  for (const h of helpers) assert.equal(h.config, lead.config, 'setTrust reached the helper');
  assert.notEqual(out.before[0].config, lead.config, 'the trust did change');
  // Two loads of `downloads` messages: each verified once, by a helper or the lead.
  const verifiedBy = (stats) => stats.slice(1).reduce((n, h) => n + h.verified, 0);
  assert.equal(lead.answered, verifiedBy(out.after));
  assert.equal(lead.answered + lead.here, 2 * downloads);
  assert.ok(verifiedBy(out.after) > 0, 'the helpers did verify');
  // The abort: rejected, less than a page of work done, and nothing runs on afterwards.
  assert.equal(out.aborted, 'aborted');
  const work = (stats) => stats[0].here + verifiedBy(stats);
  assert.ok(work(out.later) - work(out.after) < downloads, `work after the abort: ${work(out.later) - work(out.after)} of ${downloads}`);
  assert.equal(work(out.later), work(out.atAbort), 'the pool is idle after the abort');
  assert.equal(out.badSize, 'invalid-argument');
  assert.equal(out.defaultSize, Math.min(Math.max(out.cores - 1, 1), out.MAX_WORKERS));
  await page.close();
});

// Issue 11: a worker that does not start (here a 404) rejects with a code of
// its own and a message that names the URL and the fix, for a call made
// before the failure and for one made after it.
test('a worker that cannot start: worker-failed, naming its URL and the fix', { timeout: 30_000 }, async () => {
  const { page } = await openPage();
  const out = await page.evaluate(async () => {
    const { WorkerClient } = await import('/pkg/worker-client.js');
    const w = WorkerClient.offline({ workerUrl: '/pkg/no-such-worker.js' });
    const outcome = (p) => p.then(() => ({ code: 'resolved' }), (e) => ({ code: e.code, message: e.message }));
    const first = await outcome(w.verify(new Uint8Array([1])));
    const later = await outcome(w.verify(new Uint8Array([1])));
    w.terminate();
    return { first, later };
  });
  for (const r of [out.first, out.later]) {
    assert.equal(r.code, 'worker-failed', JSON.stringify(r));
    assert.match(r.message, /no-such-worker\.js/);
    assert.match(r.message, /worker-src 'self'/);
  }
  await page.close();
});
