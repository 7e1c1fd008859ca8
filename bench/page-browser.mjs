#!/usr/bin/env node
// Benchmark (a figure, not a test): time to verdicts for a mailbox page of 50
// signed fixture messages, JmapSmimeClient in headless Chromium over an
// in-page fetch stub (no network: the bytes are in memory before the clock
// starts). The stub serves the recorded RFC 9219 session
// (tests/recordings/rfc9219-session.json), one Email/query + Email/get answer
// and the 50 raw messages (every signed message of tests/fixtures/messages,
// then tests/fixtures/trust/messages, in name order, up to 50).
//
//   bash scripts/build-wasm.sh && node bench/page-browser.mjs [--runs N]
//
// Prints, per run: connect → all 50 verdicts (fresh client, empty cache), and
// the same page loaded again (from the verdict cache); then medians and the
// shipped wasm size.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signedMessages } from './signed-page.mjs';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const PKG = path.join(ROOT, 'pkg');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 1) : 5;
const PAGE_SIZE = 50;

const HTML = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">
  import init, { JmapSmimeClient, TrustStore, Verifier } from '/pkg/jmap_smime.js';
  window.bench = async (files, rootPem, session, runs) => {
    await init();
    const messages = await Promise.all(files.map(async (f) => new Uint8Array(await (await fetch('/' + f)).arrayBuffer())));
    const base = 'https://jmap.example.com';
    // An honest server: each Email object describes its message as the
    // verifier reads it (issue 9 §3 compares the two). Set-up, not timed.
    const reader = new Verifier(TrustStore.empty());
    const emails = messages.map((m, i) => {
      const head = new TextDecoder().decode(m.subarray(0, 4096));
      const type = (/^content-type:\\s*([^;\\s]+)/im.exec(head) || [, 'text/plain'])[1].toLowerCase();
      const h = reader.verify(m).headers;
      return { id: 'M' + i, blobId: 'B' + i, threadId: 'T' + i, receivedAt: '2025-12-30T09:00:00Z', sentAt: h?.date?.time ?? null,
        from: h?.from?.mailboxes ?? null, sender: h?.sender?.mailboxes ?? null, subject: h?.subject?.value ?? null, size: m.length, preview: '',
        bodyStructure: { type }, smimeStatus: 'signed', smimeStatusAtDelivery: 'signed', smimeErrors: null, smimeVerifiedAt: null };
    });
    const pageBody = JSON.stringify({ sessionState: session.state, methodResponses: [
      ['Email/query', { accountId: 'A13824', queryState: 'q', canCalculateChanges: false, position: 0, ids: emails.map((e) => e.id), total: emails.length }, 'q'],
      ['Email/get', { accountId: 'A13824', state: 's', list: emails, notFound: [] }, 'g'],
    ] });
    const sessionBody = JSON.stringify(session);
    const byBlob = new Map(emails.map((e, i) => [e.blobId, messages[i]]));
    const fetchStub = async (url, init) => {
      if (url.endsWith('/.well-known/jmap')) return new Response(sessionBody, { headers: { 'content-type': 'application/json' } });
      if (init.method === 'POST') return new Response(pageBody, { headers: { 'content-type': 'application/json' } });
      const blob = decodeURIComponent(url.split('/download/A13824/')[1].split('/')[0]);
      return new Response(byBlob.get(blob), { headers: { 'content-type': 'message/rfc822' } });
    };
    const trust = TrustStore.empty();
    trust.addPem(rootPem);
    const verifier = new Verifier(trust);
    const now = '2026-01-01T00:00:00Z';
    const out = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const client = await JmapSmimeClient.connect({ sessionUrl: base, verifier, fetch: fetchStub });
      const page = await client.loadPage({ limit: 50 }, { now });
      const cold = performance.now() - t0;
      const t1 = performance.now();
      await client.loadPage({ limit: 50 }, { now });
      const warm = performance.now() - t1;
      const stats = await client.stats();
      const levels = {};
      for (const i of page.items) levels[i.display.level] = (levels[i.display.level] || 0) + 1;
      out.push({ cold, warm, items: page.items.length, verifications: stats.verifications, cacheHits: stats.cacheHits, levels });
      client.free();
    }
    return out;
  };
</script>`;

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.der': 'application/octet-stream' };

const files = await signedMessages(ROOT, PAGE_SIZE);
const server = createServer(async (req, res) => {
  const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p === '/') { res.writeHead(200, { 'content-type': 'text/html' }); res.end(HTML); return; }
  const file = p.startsWith('/pkg/') ? path.resolve(PKG, '.' + p.slice(4)) : (files.includes(p.slice(1)) ? path.join(ROOT, p.slice(1)) : null);
  try {
    if (!file) throw new Error('not served');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(await readFile(file));
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true, chromiumSandbox: false,
  args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(origin + '/');
  const rootPem = await readFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), 'utf8');
  const session = JSON.parse(await readFile(path.join(ROOT, 'tests/recordings/rfc9219-session.json'), 'utf8'));
  const runs = await page.evaluate(({ files, rootPem, session, runs }) => window.bench(files, rootPem, session, runs), { files, rootPem, session, runs: RUNS });
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  runs.forEach((r, i) => console.log(`run ${i + 1}: ${r.items} messages, ${r.verifications} verified: connect to all verdicts ${r.cold.toFixed(1)} ms; cached reload ${r.warm.toFixed(1)} ms (${r.cacheHits} cache hits)`));
  console.log('display levels:', JSON.stringify(runs[0].levels));
  const cold = median(runs.map((r) => r.cold));
  console.log(`page of ${runs[0].items} signed messages via fetch stub in Chromium: median ${cold.toFixed(1)} ms (${(cold / runs[0].items).toFixed(2)} ms/message), cached reload median ${median(runs.map((r) => r.warm)).toFixed(1)} ms`);
  const wasm = await readFile(path.join(PKG, 'jmap_smime_bg.wasm'));
  console.log(`wasm: ${(await stat(path.join(PKG, 'jmap_smime_bg.wasm'))).size} bytes, gzip ${gzipSync(wasm, { level: 9 }).length} bytes`);
} finally {
  await browser.close();
  server.close();
}
