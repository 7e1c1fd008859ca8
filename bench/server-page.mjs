#!/usr/bin/env node
// Benchmark (a figure, not a test): a mailbox page of 50 signed fixture
// messages against the reference RFC 9219 server (jmap-smime-server) on
// loopback, JmapSmimeClient in headless Chromium, real HTTP all the way.
//
//   node bench/server-page.mjs [--runs N] [--server PATH]      (default 5 runs)
//   node bench/server-page.mjs --smoke [--server PATH]         (or BENCH_SMOKE=1: 6 messages, one run)
//   ... --blob off                  (or BENCH_BLOB=off) the server without RFC 9404 Blob/get
//                                   (--no-blob): every raw message by downloadUrl; default on
//
// Builds a temporary mail directory with the same 50 messages as
// bench/page-browser.mjs (every `signed` row of tests/fixtures/expectations.tsv,
// then tests/fixtures/trust/messages/*.eml, in name order, first 50) and an
// index.tsv with distinct recent receivedAt values; starts the server
// (default target/release/jmap-smime-server, built if missing) on
// 127.0.0.1:0 with the test root and the other root as its anchors, serving
// pkg/, the bench page's script (bench/page/server-page.js) and a page that
// loads it, all on the same origin and under the server's own
// Content-Security-Policy (no inline script). The page's own Verifier trusts
// the test root only.
//
// Each run opens one fresh browser context (empty HTTP cache: cold module
// fetch and wasm compile) per mode, and the page measures itself with
// performance.now() (0 = navigation start):
//   local   JmapSmimeClient, client verification on: import, init, connect,
//           loadPage({limit: 50}) to the first and the last verdict, then the
//           same page again on the same client (verdict cache)
//   server  the same with localCheck: false (the server's status alone)
//   worker  WorkerClient (pkg/worker-client.js) with its default pool size
//           (cores - 1, 1..4): WorkerClient.start() and ready() (workers
//           started, module compiled in the page and instantiated in each)
//           before connect, as the local mode's init(); then connect()
//   worker2 the same with a pool of two ({workers: 2})
// Every mode also records when loadPage's onServerPage came (the list drawn
// from the server's status), and the local mode times the page's downloads
// alone and their verification alone, for the breakdown printed last.
// Then medians, display levels, the server alone measured from Node (startup
// with its verification of the 50 messages, one Email/query + Email/get, the
// 50 downloads), and the shipped sizes. A mode whose page does not start (a
// CSP refusal, a missing file), fails, or leaves a figure unmeasured ends the
// benchmark with exit status 1 and says why.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { firstLoadLine } from './first-load.mjs';
import { signedMessages } from './signed-page.mjs';
import { BenchError, PKG, ROOT, TARGET, benchOptions, launchChromium, median, requireFiles, runMain, watchPage } from './harness.mjs';

const { smoke: SMOKE, runs: RUNS, opt } = benchOptions(5);
const SERVER_BIN = path.resolve(opt('--server', path.join(TARGET, 'release/jmap-smime-server')));
const PAGE_SIZE = SMOKE ? 6 : 50;
const BLOB = opt('--blob', process.env.BENCH_BLOB || 'on');
if (!['on', 'off'].includes(BLOB)) throw new BenchError(`--blob ${BLOB}: want on or off`);
const MODES = ['local', 'server', 'worker', 'worker2'];
const LABEL = { local: 'verify in page  ', server: 'server status   ', worker: 'worker (default)', worker2: 'pool of two     ' };
const isWorker = (mode) => mode.startsWith('worker');
const START_TIMEOUT_MS = 15_000;
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

// The site: a page that loads /bench/server-page.js (nothing inline, as the
// server's CSP demands) and the anchor it fetches.
async function writeSite(dir) {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">'
    + '<title>server-page bench</title><script type="module" src="/bench/server-page.js"></script>\n');
  await copyFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), path.join(dir, 'root.pem'));
}

function ensureServer() {
  if (spawnSync('test', ['-x', SERVER_BIN]).status === 0) return;
  if (SERVER_BIN !== path.join(TARGET, 'release/jmap-smime-server')) throw new BenchError(`--server ${SERVER_BIN}: no such executable`);
  console.log('building the server: cargo build --release --features server --bin jmap-smime-server');
  const r = spawnSync('cargo', ['build', '--release', '--features', 'server', '--bin', 'jmap-smime-server'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new BenchError('cargo build --release --features server --bin jmap-smime-server failed');
}

// Start the server; resolves to its origin and how long it took to print
// "listening" (loading and verifying every message happens before that).
function startServer(mailDir, siteDir) {
  const args = [
    '--mail', mailDir, '--listen', '127.0.0.1:0', '--user', 'demo:demo',
    '--trust', path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'),
    '--trust', path.join(ROOT, 'tests/fixtures/trust/pki/other-root.cert.pem'),
    '--static', `/pkg/=${PKG}`, '--static', `/bench/=${path.join(ROOT, 'bench/page')}`, '--static', `/=${siteDir}`,
  ].concat(BLOB === 'off' ? ['--no-blob'] : []);
  const t0 = performance.now();
  serverProc = spawn(SERVER_BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = serverProc;
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchError(`the server did not start in 30 s\n${out}${err}`)), 30_000);
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
      reject(new BenchError(`the server exited (${code ?? sig}) before listening\n${out}${err}`));
    });
  });
}

const ms = (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : '-');

async function fetchOk(url, init, what) {
  const res = await fetch(url, init);
  if (!res.ok) throw new BenchError(`server alone: ${what}: HTTP ${res.status}`);
  return res;
}

// The server alone, from Node: one Email/query + Email/get of the page, and
// the page's downloads with the client's concurrency (4).
async function serverAlone(origin) {
  const headers = { authorization: 'Basic ' + Buffer.from('demo:demo').toString('base64') };
  const session = await (await fetchOk(origin + '/.well-known/jmap', { headers }, 'session')).json();
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
  for (let i = 0; i < (SMOKE ? 1 : 7); i++) {
    const t0 = performance.now();
    const json = await (await fetchOk(api, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body }, 'Email/query + Email/get')).json();
    apiTimes.push(performance.now() - t0);
    list = json.methodResponses?.find((r) => r[0] === 'Email/get')?.[1]?.list ?? [];
  }
  if (list.length !== PAGE_SIZE) throw new BenchError(`server alone: Email/get listed ${list.length} messages, not ${PAGE_SIZE}`);
  const statuses = {};
  for (const e of list) statuses[e.smimeStatus ?? 'null'] = (statuses[e.smimeStatus ?? 'null'] || 0) + 1;
  const download = (blobId) => session.downloadUrl.replace('{accountId}', encodeURIComponent(accountId))
    .replace('{blobId}', encodeURIComponent(blobId)).replace('{name}', 'message.eml').replace('{type}', encodeURIComponent('message/rfc822'));
  const dlTimes = [];
  let bytes = 0;
  for (let i = 0; i < (SMOKE ? 1 : 5); i++) {
    const queue = [...list];
    bytes = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let e; (e = queue.shift());) bytes += (await (await fetchOk(new URL(download(e.blobId), origin), { headers }, 'download')).arrayBuffer()).byteLength;
    }));
    dlTimes.push(performance.now() - t0);
  }
  return { api: median(apiTimes), downloads: median(dlTimes), count: list.length, bytes, statuses };
}

// One mode in a fresh context. The page's script must start (window.result
// appears) within START_TIMEOUT_MS and settle within PAGE_TIMEOUT_MS; what
// the page reported going wrong (a CSP refusal is a console error) goes into
// the failure.
async function runMode(origin, mode) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const watch = watchPage(page);
    const query = mode === 'worker2' ? 'mode=worker&workers=2' : `mode=${mode}`;
    const res = await page.goto(`${origin}/index.html?${query}&limit=${PAGE_SIZE}`);
    if (!res || !res.ok()) throw new BenchError(`${mode}: the bench page answered HTTP ${res && res.status()}`);
    // Started, or a problem reported before it started, or the timeout.
    const started = await Promise.race([
      page.waitForFunction(() => window.result !== undefined, null, { timeout: START_TIMEOUT_MS }).then(() => true, () => false),
      watch.first.then(() => page.evaluate(() => window.result !== undefined)),
    ]);
    if (!started) {
      throw new BenchError(`${mode}: the page's script did not start (waited up to ${START_TIMEOUT_MS / 1000} s) `
        + `(page CSP: ${res.headers()['content-security-policy'] ?? 'none'});${watch.text()}`);
    }
    let timer;
    const result = await Promise.race([
      page.evaluate(() => window.result),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new BenchError(`${mode}: no result within ${PAGE_TIMEOUT_MS / 1000} s;${watch.text()}`)), PAGE_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!result || result.error) throw new BenchError(`${mode}: the page failed: ${result ? result.error : 'it returned nothing'};${watch.text()}`);
    checkResult(mode, result);
    return result;
  } finally {
    await context.close();
  }
}

// Every figure the report prints must have been measured, and the page must
// have done the work it is timed for.
function checkResult(mode, r) {
  const f = figures(r);
  const wanted = ['import', 'connect', 'serverList', 'first', 'all', 'connectToAll', 'load', 'reload', 'warm']
    .concat(isWorker(mode) ? [] : ['init', 'wasmFetch'], mode === 'local' ? ['fetchOnly', 'verifyOnly'] : []);
  const missing = wanted.filter((k) => !(typeof f[k] === 'number' && Number.isFinite(f[k]) && f[k] >= 0));
  const problems = missing.length ? [`not measured: ${missing.join(', ')}`] : [];
  if (r.items !== PAGE_SIZE) problems.push(`${r.items} items, not ${PAGE_SIZE}`);
  const verified = r.stats?.verifications;
  const again = r.after?.verifications - verified;
  if (mode === 'server' && verified !== 0) problems.push(`${verified} verified with localCheck: false`);
  if (mode !== 'server' && !(verified > 0 && again === verified)) problems.push(`${verified} verified on the first loads, ${again} on the warm load`);
  if (mode === 'worker2' && r.pool?.length !== 2) problems.push(`two workers asked, ${r.pool?.length} ran`);
  if (problems.length) throw new BenchError(`${mode}: ${problems.join('; ')}\n  result: ${JSON.stringify(r)}`);
}

// Figures of one result: times from navigation start, and spans.
function figures(r) {
  const t = r.t;
  return {
    import: t.import, init: t.init, wasmFetch: t.wasmFetch,
    connect: t.connected - t.connect0, first: t.first, all: t.all, serverList: t.serverList - t.connect0, api: t.serverList - t.load0,
    verifyOnly: t.verifyOnly,
    connectToAll: t.all - t.connect0, load: t.all - t.load0, reload: t.reload, warm: t.warm, fetchOnly: t.fetchOnly,
  };
}

function runLine(run, mode, r) {
  const f = figures(r);
  const cold = isWorker(mode)
    ? `import ${ms(f.import)}, pool ready ${ms(f.init)} (WorkerClient.start: workers + module + instantiate)`
    : `import ${ms(f.import)}, init ${ms(f.init)} (wasm fetch ${ms(f.wasmFetch)})`;
  return `run ${run} ${LABEL[mode]}: from navigation: ${cold}, first verdict ${ms(f.first)}, all ${ms(f.all)} | `
    + `connect→server list ${ms(f.serverList)}, connect→all ${ms(f.connectToAll)} (connect ${ms(f.connect)}, loadPage ${ms(f.load)}); cached ${ms(f.reload)}; warm ${ms(f.warm)}${mode === 'local' ? `; downloads alone ${ms(f.fetchOnly)}, verification alone ${ms(f.verifyOnly)}` : ''}${r.pool ? `; ${r.pool.length} worker(s)` : ''} | `
    + `${r.items} items; first two loads: ${r.stats.apiRequests} API requests, ${r.stats.downloads} downloads, ${r.stats.blobFetched ?? 0} by Blob/get, ${r.stats.verifications} verified, ${r.stats.cacheHits} cache hits; `
    + `warm load: ${r.after.verifications - r.stats.verifications} verified`;
}

function printSummary(results, alone) {
  console.log(`\nmedians over ${RUNS} runs, ms (fresh browser context each: cold module fetch; times "from navigation" are performance.now() with 0 = navigation start)`);
  const med = Object.fromEntries(MODES.map((m) => {
    const fs = results[m].map(figures);
    return [m, Object.fromEntries(Object.keys(fs[0]).map((k) => [k, median(fs.map((f) => f[k]))]))];
  }));
  for (const m of MODES) {
    const f = med[m];
    const r = results[m][0];
    console.log(`  ${LABEL[m]}: connect→server list ${ms(f.serverList)}, connect→all ${ms(f.connectToAll)} (connect ${ms(f.connect)}, loadPage ${ms(f.load)}); `
      + `cold start: module ${ms(f.import)}, ${isWorker(m) ? 'pool ready' : 'instantiated'} ${ms(f.init)}, first verdict ${ms(f.first)}, all verdicts ${ms(f.all)}; `
      + `same page again: cached ${ms(f.reload)}, warm ${ms(f.warm)}`);
    console.log(`  ${' '.repeat(LABEL[m].length)}  ${r.items} items of ${r.total}; display levels ${JSON.stringify(r.levels)}; client source ${JSON.stringify(r.sources)}`);
  }
  const { local: l, server: s, worker: w, worker2: w2 } = med;
  const n = results.local[0].items;
  const workers = results.worker[0].pool?.length;
  console.log(`\nissue 5 §4, issue 10 §3: page of ${n} signed messages, reference server on loopback, headless Chromium (median of ${RUNS})${SMOKE ? ' [smoke]' : ''}`);
  console.log(`  connect → server list (onServerPage), client verification on: ${ms(l.serverList)} ms; server status only: ${ms(s.serverList)} ms; worker: ${ms(w.serverList)} ms`);
  console.log(`  connect → all verdicts, client verification on: ${ms(l.connectToAll)} ms (${ms(l.connectToAll / n)} ms/message)`);
  console.log(`  connect → all verdicts, server status only:      ${ms(s.connectToAll)} ms (client check costs ${(l.connectToAll / s.connectToAll).toFixed(2)}x; goal <= 1.5x)`);
  console.log(`  connect → all verdicts, worker (default, ${workers} of ${results.worker[0].cores} cores): ${ms(w.connectToAll)} ms (${(w.connectToAll / l.connectToAll).toFixed(2)}x the page; goal <= 1x; `
    + `the pool was started before connect, as the page's init(); loadPage alone ${ms(w.load)} ms vs ${ms(l.load)} ms in the page)`);
  console.log(`  connect → all verdicts, pool of two:             ${ms(w2.connectToAll)} ms (loadPage alone ${ms(w2.load)} ms; helpers verified ${results.worker2[0].pool?.slice(1).reduce((n, h) => n + h.verified, 0)} of the run's ${results.worker2[0].after.verifications} verifications)`);
  console.log(`  where the page's time goes (verify in page): connect ${ms(l.connect)}; Email/query + Email/get to the server list ${ms(l.api)}; `
    + `server list → all verdicts ${ms(l.connectToAll - l.serverList)} (downloads and verification overlapped); `
    + `for comparison, the ${n} downloads alone ${ms(l.fetchOnly)} and their verification alone ${ms(l.verifyOnly)} (${ms(l.verifyOnly / n)} ms/message)`);
  console.log(`  same page again on the same client (verdict cache): ${ms(l.reload)} ms`);
  console.log(`  same page again at now + 10 min (verified again, module warm, no network): ${ms(l.warm)} ms in page, ${ms(w.warm)} ms in worker`);
  console.log(`  the ${n} downloads alone from the page (4 at a time, no verification): ${ms(l.fetchOnly)} ms; from Node: ${ms(alone.downloads)} ms`);
  console.log(`  cold start (navigation → module fetched → instantiated → first verdict → all): ${ms(l.import)} → ${ms(l.init)} → ${ms(l.first)} → ${ms(l.all)} ms`);
  const st = results.local[0].stats;
  console.log(`  raw messages, RFC 9404 Blob/get ${BLOB} (--blob ${BLOB}): the first two loads (the second from the verdict cache) `
    + `took ${st.sessionFetches + st.apiRequests + st.downloads} HTTP requests (${st.sessionFetches} session, ${st.apiRequests} API of which ${st.apiRequests - 2} Blob/get, `
    + `${st.downloads} downloads; ${st.blobFetched ?? 0} messages by Blob/get)`);
}

async function printSizes() {
  const gz = (b) => gzipSync(b, { level: 9 }).length;
  const wasm = await readFile(path.join(PKG, 'jmap_smime_bg.wasm'));
  const js = await readFile(path.join(PKG, 'jmap_smime.js'));
  console.log(`  wasm: ${wasm.length} bytes, gzip -9 ${gz(wasm)} bytes; jmap_smime.js ${js.length} bytes, gzip -9 ${gz(js)} bytes`);
  // The page this benchmark loads (bench/page) imports the one-module build.
  console.log(`  ${firstLoadLine(PKG, 'one module: this benchmark\'s page', ['jmap_smime.js', 'jmap_smime_bg.wasm'])}`);
}

async function main() {
  await requireFiles([[path.join(PKG, 'jmap_smime_bg.wasm'), 'run bash scripts/build-wasm.sh']]);
  ensureServer();
  const files = await signedMessages(ROOT, PAGE_SIZE);
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'jmap-smime-server-page-'));
  const mailDir = path.join(tmpDir, 'mail');
  const siteDir = path.join(tmpDir, 'site');
  await writeMailDir(mailDir, files);
  await writeSite(siteDir);

  const { origin, startupMs, banner } = await startServer(mailDir, siteDir);
  console.log(`server: ${SERVER_BIN}${SMOKE ? ' (smoke)' : ''}${BLOB === 'off' ? ' --no-blob' : ''}: ${banner}; started in ${ms(startupMs)} ms (load + verify ${files.length} messages at "delivery")`);
  const alone = await serverAlone(origin);
  console.log(`server alone (Node fetch, median): Email/query + Email/get of ${alone.count} ${ms(alone.api)} ms; `
    + `${alone.count} downloads (${alone.bytes} bytes, 4 at a time) ${ms(alone.downloads)} ms; smimeStatus ${JSON.stringify(alone.statuses)}`);

  browser = await launchChromium();
  const results = Object.fromEntries(MODES.map((m) => [m, []]));
  console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; Chromium ${browser.version()}`);
  console.log(`per run, ms; a fresh browser context per line; "from navigation" = performance.now() (0 = navigation start); `
    + `cached = the same page again on the same client; warm = the page again at now + 10 min `
    + `(a new verdict-cache bucket: all verified again, module warm, blobs from the HTTP cache); `
    + `downloads alone = the ${PAGE_SIZE} blobs fetched again from the page, 4 at a time, no HTTP cache, nothing verified`);
  for (let run = 1; run <= RUNS; run++) {
    // The order of the modes turns from run to run.
    const order = MODES.map((_, i) => MODES[(i + run - 1) % MODES.length]);
    for (const mode of order) {
      const r = await runMode(origin, mode);
      results[mode].push(r);
      console.log(runLine(run, mode, r));
    }
  }
  printSummary(results, alone);
  await printSizes();
}

runMain('server-page', async () => {
  try {
    await main();
  } finally {
    if (browser) await browser.close().catch(() => {});
    cleanup();
  }
});
