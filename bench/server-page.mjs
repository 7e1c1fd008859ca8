#!/usr/bin/env node
// Benchmark (a figure, not a test): a mailbox page of 50 signed fixture
// messages against the reference RFC 9219 server (jmap-smime-server) on
// loopback, JmapSmimeClient in headless Chromium, real HTTP all the way.
//
//   node bench/server-page.mjs [--runs N]      (default 5 runs)
//
// Builds a temporary mail directory with the same 50 messages as
// bench/page-browser.mjs (every `signed` row of tests/fixtures/expectations.tsv,
// then tests/fixtures/trust/messages/*.eml, in name order, first 50) and an
// index.tsv with distinct recent receivedAt values; starts
// target/release/jmap-smime-server on 127.0.0.1:0 (built if missing) with the
// test root and the other root as its anchors, serving pkg/ and a generated
// page on the same origin. The page's own Verifier trusts the test root only.
//
// Each run opens one fresh browser context (empty HTTP cache: cold module
// fetch and wasm compile) per mode, and the page measures itself with
// performance.now() (0 = navigation start):
//   local   JmapSmimeClient, client verification on: import, init, connect,
//           loadPage({limit: 50}) to the first and the last verdict, then the
//           same page again on the same client (verdict cache)
//   server  the same with localCheck: false (the server's status alone)
//   worker  WorkerClient (pkg/worker-client.js): connect starts the worker,
//           which fetches and instantiates the module itself
// Then medians, display levels, the server alone measured from Node (startup
// with its verification of the 50 messages, one Email/query + Email/get, the
// 50 downloads), and the shipped sizes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signedMessages } from './signed-page.mjs';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const PKG = path.join(ROOT, 'pkg');
const SERVER_BIN = path.join(process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target'), 'release/jmap-smime-server');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 1) : 5;
const PAGE_SIZE = 50;
const MODES = ['local', 'server', 'worker'];
const LABEL = { local: 'verify in page ', server: 'server status  ', worker: 'verify in worker' };
const PAGE_TIMEOUT_MS = 60_000;

// ---- cleanup, also on failure and on Ctrl-C ----
let serverProc = null;
let tmpDir = null;
let browser = null;
function cleanup() {
  if (serverProc && serverProc.exitCode === null && serverProc.signalCode === null) {
    try { serverProc.kill('SIGTERM'); } catch { /* already gone */ }
  }
  serverProc = null;
  if (tmpDir) {
    try { rmSync(tmpDir, { recursive: true, force: true }); } catch { /* best effort */ }
    tmpDir = null;
  }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

// The mail directory: NN-name.eml plus index.tsv (file, mailbox, receivedAt),
// receivedAt one minute apart, the newest a minute ago.
async function writeMailDir(dir, files) {
  await mkdir(dir, { recursive: true });
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const lines = [];
  for (const [i, f] of files.entries()) {
    const name = `${String(i + 1).padStart(2, '0')}-${path.basename(f)}`;
    await copyFile(path.join(ROOT, f), path.join(dir, name));
    const received = new Date(now - (i + 1) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    lines.push(`${name}\tInbox\t${received}`);
  }
  await writeFile(path.join(dir, 'index.tsv'), lines.join('\n') + '\n');
}

// The page: runs one mode (?mode=local|server|worker) as soon as it loads and
// leaves the result in window.result (a promise).
function pageHtml(rootPem) {
  return `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>server-page bench</title>
<script type="module">
const ROOT_PEM = ${JSON.stringify(rootPem)};
const LIMIT = ${PAGE_SIZE};
const mode = new URLSearchParams(location.search).get('mode');
const auth = { type: 'basic', username: 'demo', password: 'demo' };

async function loadAll(client, t) {
  let first = null;
  t.load0 = performance.now();
  const page = await client.loadPage({ limit: LIMIT }, { onProgress: () => { first ??= performance.now(); } });
  t.all = performance.now();
  t.first = first;
  const r0 = performance.now();
  await client.loadPage({ limit: LIMIT });
  t.reload = performance.now() - r0;
  const levels = {};
  const sources = {};
  for (const i of page.items) {
    levels[i.display.level] = (levels[i.display.level] || 0) + 1;
    sources[i.clientSource] = (sources[i.clientSource] || 0) + 1;
  }
  const stats = await client.stats();
  // The page once more at now + 10 min: a new verdict-cache time bucket, so
  // every message is verified again, the module warm by now (the downloads
  // come from the HTTP cache: the server marks blobs immutable).
  const w0 = performance.now();
  await client.loadPage({ limit: LIMIT }, { now: Date.now() + 600000 });
  t.warm = performance.now() - w0;
  const after = await client.stats();
  if (mode === 'local') {
    // The network alone from this page: the same 50 downloads, 4 at a time
    // (the client's concurrency), bypassing the HTTP cache, nothing verified.
    const h = { authorization: 'Basic ' + btoa('demo:demo') };
    const session = await (await fetch('/.well-known/jmap', { headers: h })).json();
    const urls = page.items.map((i) => new URL(session.downloadUrl.replace('{accountId}', encodeURIComponent(page.accountId))
      .replace('{blobId}', encodeURIComponent(i.email.blobId)).replace('{name}', 'message.eml')
      .replace('{type}', encodeURIComponent('message/rfc822')), location.origin).href);
    const f0 = performance.now();
    await Promise.all([0, 1, 2, 3].map(async () => {
      for (let u; (u = urls.shift());) await (await fetch(u, { headers: h, cache: 'no-store' })).arrayBuffer();
    }));
    t.fetchOnly = performance.now() - f0;
  }
  return { t, after, items: page.items.length, total: page.total, levels, sources, stats };
}

async function run() {
  const t = {};
  if (mode === 'worker') {
    const { WorkerClient } = await import('/pkg/worker-client.js');
    t.import = performance.now();
    t.connect0 = performance.now();
    const client = await WorkerClient.connect({ sessionUrl: location.origin, auth, trust: { bundled: false, pem: [ROOT_PEM] } });
    t.connected = performance.now();
    try {
      return await loadAll(client, t);
    } finally {
      client.terminate();
    }
  }
  const mod = await import('/pkg/jmap_smime.js');
  t.import = performance.now();
  await mod.default();
  t.init = performance.now();
  const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
  t.wasmFetch = wasm ? wasm.responseEnd - wasm.startTime : null;
  const trust = mod.TrustStore.empty();
  trust.addPem(ROOT_PEM);
  const verifier = new mod.Verifier(trust);
  t.connect0 = performance.now();
  const client = await mod.JmapSmimeClient.connect({ sessionUrl: location.origin, auth, verifier, localCheck: mode !== 'server' });
  t.connected = performance.now();
  try {
    return await loadAll(client, t);
  } finally {
    client.free();
  }
}
window.result = run().catch((e) => ({ error: String(e && e.stack || e) + (e && e.code ? ' [' + e.code + ']' : '') }));
</script>
`;
}

function ensureServer() {
  if (spawnSync('test', ['-x', SERVER_BIN]).status === 0) return;
  console.log('building the server: cargo build --release --features server --bin jmap-smime-server');
  const r = spawnSync('cargo', ['build', '--release', '--features', 'server', '--bin', 'jmap-smime-server'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('cargo build failed');
}

// Start the server; resolves to its origin and how long it took to print
// "listening" (loading and verifying every message happens before that).
function startServer(mailDir, siteDir) {
  const args = [
    '--mail', mailDir, '--listen', '127.0.0.1:0', '--user', 'demo:demo',
    '--trust', path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'),
    '--trust', path.join(ROOT, 'tests/fixtures/trust/pki/other-root.cert.pem'),
    '--static', `/pkg/=${PKG}`, '--static', `/=${siteDir}`,
  ];
  const t0 = performance.now();
  serverProc = spawn(SERVER_BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = serverProc;
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s\n${out}${err}`)), 30_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)(.*)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ origin: m[1], startupMs: performance.now() - t0, banner: m[0].trim() });
      }
    });
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? sig}) before listening\n${out}${err}`));
    });
  });
}

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const ms = (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : '-');

// The server alone, from Node: one Email/query + Email/get of the page, and
// the 50 downloads with the client's concurrency (4).
async function serverAlone(origin) {
  const headers = { authorization: 'Basic ' + Buffer.from('demo:demo').toString('base64') };
  const session = await (await fetch(origin + '/.well-known/jmap', { headers })).json();
  const accountId = session.primaryAccounts['urn:ietf:params:jmap:mail'];
  const api = new URL(session.apiUrl, origin).href;
  const body = JSON.stringify({
    using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:smimeverify'],
    methodCalls: [
      ['Email/query', { accountId, limit: PAGE_SIZE, sort: [{ property: 'receivedAt', isAscending: false }] }, 'q'],
      ['Email/get', { accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
        properties: ['id', 'blobId', 'threadId', 'receivedAt', 'sentAt', 'from', 'sender', 'subject', 'size', 'preview',
          'bodyStructure', 'smimeStatus', 'smimeStatusAtDelivery', 'smimeErrors', 'smimeVerifiedAt'] }, 'g'],
    ],
  });
  const apiTimes = [];
  let list = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const res = await fetch(api, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    const json = await res.json();
    apiTimes.push(performance.now() - t0);
    list = json.methodResponses.find((r) => r[0] === 'Email/get')?.[1]?.list ?? [];
  }
  const statuses = {};
  for (const e of list) statuses[e.smimeStatus ?? 'null'] = (statuses[e.smimeStatus ?? 'null'] || 0) + 1;
  const download = (blobId) => session.downloadUrl.replace('{accountId}', encodeURIComponent(accountId))
    .replace('{blobId}', encodeURIComponent(blobId)).replace('{name}', 'message.eml').replace('{type}', encodeURIComponent('message/rfc822'));
  const dlTimes = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const queue = [...list];
    bytes = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let e; (e = queue.shift());) bytes += (await (await fetch(new URL(download(e.blobId), origin), { headers })).arrayBuffer()).byteLength;
    }));
    dlTimes.push(performance.now() - t0);
  }
  return { api: median(apiTimes), downloads: median(dlTimes), count: list.length, bytes, statuses };
}

async function runMode(origin, mode) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${origin}/index.html?mode=${mode}`);
    let timer;
    const result = await Promise.race([
      page.evaluate(() => window.result),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${mode}: no result in ${PAGE_TIMEOUT_MS / 1000} s`)), PAGE_TIMEOUT_MS); }),
    ]).finally(() => clearTimeout(timer));
    if (!result || result.error) throw new Error(`${mode}: ${result?.error ?? 'no result'}${errors.length ? '\n' + errors.join('\n') : ''}`);
    return result;
  } finally {
    await context.close();
  }
}

// Figures of one result: times from navigation start, and spans.
function figures(r) {
  const t = r.t;
  return {
    import: t.import, init: t.init, wasmFetch: t.wasmFetch,
    connect: t.connected - t.connect0, first: t.first, all: t.all,
    connectToAll: t.all - t.connect0, load: t.all - t.load0, reload: t.reload, warm: t.warm, fetchOnly: t.fetchOnly,
  };
}

function runLine(run, mode, r) {
  const f = figures(r);
  const cold = mode === 'worker'
    ? `import ${ms(f.import)}, connect done ${ms(r.t.connected)} (worker start + module + instantiate + session)`
    : `import ${ms(f.import)}, init ${ms(f.init)} (wasm fetch ${ms(f.wasmFetch)})`;
  return `run ${run} ${LABEL[mode]}: from navigation: ${cold}, first verdict ${ms(f.first)}, all ${ms(f.all)} | `
    + `connect→all ${ms(f.connectToAll)} (connect ${ms(f.connect)}, loadPage ${ms(f.load)}); cached ${ms(f.reload)}; warm ${ms(f.warm)}${mode === 'local' ? `; downloads alone ${ms(f.fetchOnly)}` : ''} | `
    + `${r.items} items; first two loads: ${r.stats.downloads} downloads, ${r.stats.verifications} verified, ${r.stats.cacheHits} cache hits; `
    + `warm load: ${r.after.verifications - r.stats.verifications} verified`;
}

let exitCode = 0;
try {
  ensureServer();
  const files = await signedMessages(ROOT, PAGE_SIZE);
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'jmap-smime-server-page-'));
  const mailDir = path.join(tmpDir, 'mail');
  const siteDir = path.join(tmpDir, 'site');
  await writeMailDir(mailDir, files);
  await mkdir(siteDir, { recursive: true });
  const rootPem = await readFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), 'utf8');
  await writeFile(path.join(siteDir, 'index.html'), pageHtml(rootPem));

  const { origin, startupMs, banner } = await startServer(mailDir, siteDir);
  console.log(`server: ${banner}; started in ${ms(startupMs)} ms (load + verify ${files.length} messages at "delivery")`);
  const alone = await serverAlone(origin);
  console.log(`server alone (Node fetch, median): Email/query + Email/get of ${alone.count} ${ms(alone.api)} ms; `
    + `${alone.count} downloads (${alone.bytes} bytes, 4 at a time) ${ms(alone.downloads)} ms; smimeStatus ${JSON.stringify(alone.statuses)}`);

  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const results = Object.fromEntries(MODES.map((m) => [m, []]));
  console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; Chromium ${browser.version()}`);
  console.log(`per run, ms; a fresh browser context per line; "from navigation" = performance.now() (0 = navigation start); `
    + `cached = the same page again on the same client; warm = the page again at now + 10 min `
    + `(a new verdict-cache bucket: all verified again, module warm, blobs from the HTTP cache); `
    + `downloads alone = the 50 blobs fetched again from the page, 4 at a time, no HTTP cache, nothing verified`);
  for (let run = 1; run <= RUNS; run++) {
    // The order of the modes turns from run to run.
    const order = MODES.map((_, i) => MODES[(i + run - 1) % MODES.length]);
    for (const mode of order) {
      const r = await runMode(origin, mode);
      results[mode].push(r);
      console.log(runLine(run, mode, r));
    }
  }

  console.log(`\nmedians over ${RUNS} runs, ms (fresh browser context each: cold module fetch; times "from navigation" are performance.now() with 0 = navigation start)`);
  const med = Object.fromEntries(MODES.map((m) => {
    const fs = results[m].map(figures);
    return [m, Object.fromEntries(Object.keys(fs[0]).map((k) => [k, median(fs.map((f) => f[k]))]))];
  }));
  for (const m of MODES) {
    const f = med[m];
    const r = results[m][0];
    console.log(`  ${LABEL[m]}: connect→all ${ms(f.connectToAll)} (connect ${ms(f.connect)}, loadPage ${ms(f.load)}); `
      + `cold start: module ${ms(f.import)}${m === 'worker' ? '' : `, instantiated ${ms(f.init)}`}, first verdict ${ms(f.first)}, all verdicts ${ms(f.all)}; `
      + `same page again: cached ${ms(f.reload)}, warm ${ms(f.warm)}`);
    console.log(`  ${' '.repeat(LABEL[m].length)}  ${r.items} items of ${r.total}; display levels ${JSON.stringify(r.levels)}; client source ${JSON.stringify(r.sources)}`);
  }
  const l = med.local;
  const s = med.server;
  const w = med.worker;
  console.log(`\nissue 5 §4: page of ${results.local[0].items} signed messages, reference server on loopback, headless Chromium (median of ${RUNS})`);
  console.log(`  connect → all verdicts, client verification on: ${ms(l.connectToAll)} ms (${ms(l.connectToAll / results.local[0].items)} ms/message)`);
  console.log(`  connect → all verdicts, server status only:      ${ms(s.connectToAll)} ms`);
  console.log(`  connect → all verdicts, verification in worker:  ${ms(w.connectToAll)} ms (connect includes worker start and instantiate; loadPage alone ${ms(w.load)} ms)`);
  console.log(`  same page again on the same client (verdict cache): ${ms(l.reload)} ms`);
  console.log(`  same page again at now + 10 min (verified again, module warm, no network): ${ms(l.warm)} ms in page, ${ms(w.warm)} ms in worker`);
  console.log(`  the 50 downloads alone from the page (4 at a time, no verification): ${ms(l.fetchOnly)} ms; from Node: ${ms(alone.downloads)} ms`);
  console.log(`  cold start (navigation → module fetched → instantiated → first verdict → all): ${ms(l.import)} → ${ms(l.init)} → ${ms(l.first)} → ${ms(l.all)} ms`);

  const wasm = await readFile(path.join(PKG, 'jmap_smime_bg.wasm'));
  const js = await readFile(path.join(PKG, 'jmap_smime.js'));
  const gz = (b) => gzipSync(b, { level: 9 }).length;
  console.log(`  wasm: ${(await stat(path.join(PKG, 'jmap_smime_bg.wasm'))).size} bytes, gzip -9 ${gz(wasm)} bytes; jmap_smime.js ${js.length} bytes, gzip -9 ${gz(js)} bytes`);
} catch (e) {
  console.error(`server-page: ${e && e.stack || e}`);
  exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  cleanup();
}
process.exit(exitCode);
