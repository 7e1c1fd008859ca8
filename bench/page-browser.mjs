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
//   node bench/page-browser.mjs --smoke      (or BENCH_SMOKE=1: 6 messages, one run)
//
// Prints, per run: connect → all 50 verdicts (fresh client, empty cache), and
// the same page loaded again (from the verdict cache); then medians and the
// shipped wasm size. Fails (exit 1) unless every message was verified once
// and then served from the cache.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { signedMessages } from './signed-page.mjs';
import { BenchError, PKG, ROOT, benchOptions, launchChromium, median, requireFiles, runMain, serveFiles, watchPage } from './harness.mjs';

const { smoke: SMOKE, runs: RUNS } = benchOptions(5);
const PAGE_SIZE = SMOKE ? 6 : 50;

const HTML = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">
  import init, { JmapSmimeClient, TrustStore, Verifier } from '/pkg/jmap_smime.js';
  window.bench = async (files, rootPem, session, runs) => {
    await init();
    const messages = await Promise.all(files.map(async (f) => {
      const res = await fetch('/' + f);
      if (!res.ok) throw new Error(f + ': HTTP ' + res.status);
      return new Uint8Array(await res.arrayBuffer());
    }));
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
      const page = await client.loadPage({ limit: files.length }, { now });
      const cold = performance.now() - t0;
      const t1 = performance.now();
      await client.loadPage({ limit: files.length }, { now });
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

async function main() {
  await requireFiles([[path.join(PKG, 'jmap_smime_bg.wasm'), 'run bash scripts/build-wasm.sh']]);
  const files = await signedMessages(ROOT, PAGE_SIZE);
  const server = await serveFiles({ pages: { '/': HTML }, roots: [['/pkg/', PKG], ['/tests/fixtures/', path.join(ROOT, 'tests/fixtures')]] });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const watch = watchPage(page);
    await page.goto(server.origin + '/');
    await page.waitForFunction(() => typeof window.bench === 'function', null, { timeout: 15_000 }).catch(() => {
      throw new BenchError(`the page's script did not start;${watch.text()}`);
    });
    const rootPem = await readFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), 'utf8');
    const session = JSON.parse(await readFile(path.join(ROOT, 'tests/recordings/rfc9219-session.json'), 'utf8'));
    const runs = await page.evaluate(({ files, rootPem, session, runs }) => window.bench(files, rootPem, session, runs), { files, rootPem, session, runs: RUNS });
    runs.forEach((r, i) => console.log(`run ${i + 1}: ${r.items} messages, ${r.verifications} verified: connect to all verdicts ${r.cold.toFixed(1)} ms; cached reload ${r.warm.toFixed(1)} ms (${r.cacheHits} cache hits)`));
    const bad = runs.filter((r) => r.items !== files.length || r.verifications !== files.length || r.cacheHits !== files.length);
    if (bad.length) throw new BenchError(`want ${files.length} items, each verified once and then a cache hit: ${JSON.stringify(bad)}`);
    console.log('display levels:', JSON.stringify(runs[0].levels));
    const cold = median(runs.map((r) => r.cold));
    console.log(`page of ${runs[0].items} signed messages via fetch stub in Chromium${SMOKE ? ' [smoke]' : ''}: median ${cold.toFixed(1)} ms (${(cold / runs[0].items).toFixed(2)} ms/message), cached reload median ${median(runs.map((r) => r.warm)).toFixed(1)} ms`);
    const wasm = await readFile(path.join(PKG, 'jmap_smime_bg.wasm'));
    console.log(`wasm: ${wasm.length} bytes, gzip ${gzipSync(wasm, { level: 9 }).length} bytes`);
  } finally {
    await browser.close();
    await server.close();
  }
}

runMain('page-browser', main);
