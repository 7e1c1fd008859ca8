#!/usr/bin/env node
// Benchmark (figures, not a test): the reference JMAP server (jmap-smime-server)
// under abusive API requests, issue 9 §4.
//
//   node bench/server-abuse.mjs [--smoke] [--server PATH] [--timeout S] [--mem-cap MB]
//   BENCH_SMOKE=1 node bench/server-abuse.mjs        (the amplification request alone, seconds)
//
// For each request it starts a fresh server (default target/release/jmap-smime-server,
// built if missing) on 127.0.0.1:0 over the demo mailbox (scripts/demo-seed.sh), sends the
// request once, and prints the time to the answer, the status (and the `limit` problem's
// limit), the response size, and the server's memory: VmRSS before, VmHWM (peak RSS, reset
// through /proc/PID/clear_refs just before the request, sampled every 100 ms while it runs,
// so that a server that dies still shows how far it got) after. While the big request runs,
// a small request (Core/echo plus an Email/get of one message) is sent every 20 ms: its
// count and latencies show whether the big one holds everything else up.
//
// Every server listens on 127.0.0.1 only, runs under `timeout -s KILL` (it stops by itself
// even if this script dies) and under `ulimit -v` (--mem-cap, default 4096 MB of address
// space, so an unbounded server dies instead of exhausting the machine), and is killed after
// its request. A request is given up after --timeout seconds (default 20). Exit status 1
// when a request was given up or a server died, 0 otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const SMOKE = argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const SERVER_BIN = path.resolve(opt('--server', path.join(TARGET, 'release/jmap-smime-server')));
const TIMEOUT_MS = Number(opt('--timeout', '20')) * 1000;
const MEM_CAP_MB = Number(opt('--mem-cap', '4096'));
const SERVER_LIFE_S = Math.ceil(TIMEOUT_MS / 1000) + 30;
const CORE = 'urn:ietf:params:jmap:core';
const MAIL = 'urn:ietf:params:jmap:mail';
const AUTH = 'Basic ' + Buffer.from('demo:demo').toString('base64');

// ---- the requests ----

// Chained Core/echo calls, each referencing the whole previous result four times:
// the result grows fourfold per call (the issue's 2.8 KB request).
function amplification(levels = 13) {
  const calls = [['Core/echo', { x: 'y' }, '0']];
  for (let i = 1; i <= levels; i++) {
    const args = {};
    for (const k of 'abcd') args[`#${k}`] = { resultOf: String(i - 1), name: 'Core/echo', path: '' };
    calls.push(['Core/echo', args, String(i)]);
  }
  return { using: [CORE], methodCalls: calls };
}

// One echo of 90 000 empty arrays, then 15 calls of 64 references each whose
// `/a/*/*` path visits every one of them (and collects nothing).
function starPaths() {
  const calls = [["Core/echo", { a: Array.from({ length: 90_000 }, () => []) }, "big"]];
  for (let i = 1; i < 16; i++) {
    const args = {};
    for (let k = 0; k < 64; k++) args[`#r${k}`] = { resultOf: 'big', name: 'Core/echo', path: '/a/*/*' };
    calls.push(['Core/echo', args, `s${i}`]);
  }
  return { using: [CORE], methodCalls: calls };
}

// A 1 MB string, then calls that each reference the previous result four times.
function stringAmplification() {
  const calls = [['Core/echo', { s: 'x'.repeat(1_000_000) }, '0']];
  for (let i = 1; i <= 6; i++) {
    const args = {};
    for (const k of 'abcd') args[`#${k}`] = { resultOf: String(i - 1), name: 'Core/echo', path: '' };
    calls.push(['Core/echo', args, String(i)]);
  }
  return { using: [CORE], methodCalls: calls };
}

// Core/echo near maxSizeRequest (10 000 000): one string, or many small objects.
function bigEchoString() {
  return { using: [CORE], methodCalls: [['Core/echo', { s: 'x'.repeat(9_900_000) }, 'c']] };
}
function bigEchoObjects() {
  const head = `{"using":["${CORE}"],"methodCalls":[["Core/echo",{"a":[`;
  const tail = ']},"c"]]}';
  const n = Math.floor((9_900_000 - head.length - tail.length) / 7);
  return head + Array(n).fill('{"":0}').join(',') + tail;
}

// What a webmail sends: a page of Emails with the properties the client asks for.
function emailPage() {
  return {
    using: [CORE, MAIL],
    methodCalls: [
      ['Email/query', { accountId: 'A1', sort: [{ property: 'receivedAt', isAscending: false }], limit: 50 }, 'q'],
      ['Email/get', { accountId: 'A1', '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
        properties: ['id', 'blobId', 'receivedAt', 'from', 'sender', 'subject', 'size', 'bodyStructure', 'preview'] }, 'g'],
      ['Thread/get', { accountId: 'A1', '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } }, 't'],
    ],
  };
}

const SMALL = JSON.stringify({
  using: [CORE, MAIL],
  methodCalls: [['Core/echo', { ping: 1 }, 'e'], ['Email/get', { accountId: 'A1', ids: ['M00001'], properties: ['subject'] }, 'g']],
});

const ALL = [
  ['amplification', amplification],
  ['star-paths', starPaths],
  ['string-amplification', stringAmplification],
  ['echo-string-9.9MB', bigEchoString],
  ['echo-objects-9.9MB', bigEchoObjects],
  ['email-page', emailPage],
];
const REQUESTS = SMOKE ? ALL.slice(0, 1) : ALL;

// ---- the server ----

let tmp = null;
let running = null;
function cleanup() {
  if (running) stop(running);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

function ensureServer() {
  if (spawnSync('test', ['-x', SERVER_BIN]).status === 0) return;
  console.log('building the server: cargo build --release --features server --bin jmap-smime-server');
  const r = spawnSync('cargo', ['build', '--release', '--features', 'server', '--bin', 'jmap-smime-server'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('cargo build failed');
}

function seed() {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'jmap-server-abuse-'));
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/demo-seed.sh'), tmp], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`demo-seed.sh failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop().split(/\s+/).filter(Boolean);
}

function status(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s) || [])[1] || NaN);
    // A zombie (the server died) has no memory lines.
    return Number.isFinite(kb('VmHWM')) ? { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 } : null;
  } catch {
    return null;
  }
}

function start(trustArgs) {
  const args = [
    '-c', 'ulimit -v "$1" || exit 1; shift; exec timeout -s KILL "$@"', 'sh', String(MEM_CAP_MB * 1024), String(SERVER_LIFE_S),
    SERVER_BIN, '--mail', path.join(tmp, 'mail'), '--listen', '127.0.0.1:0', '--user', 'demo:demo',
    '--static', `/=${path.join(tmp, 'site')}`, ...trustArgs,
  ];
  const proc = spawn('sh', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const srv = { proc, origin: null, pid: null, err: '' };
  running = srv;
  proc.stderr.on('data', (d) => { srv.err += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s: ${out}${srv.err}`)), 30_000);
    proc.on('exit', (code, sig) => { srv.exited = `${code ?? sig}`; clearTimeout(timer); reject(new Error(`the server exited (${srv.exited}): ${srv.err}`)); });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m || srv.origin) return;
      srv.origin = m[1];
      // `timeout` runs the server as its child.
      const children = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/);
      srv.pid = Number(children[0]);
      clearTimeout(timer);
      resolve(srv);
    });
  });
}

function stop(srv) {
  if (srv.proc.exitCode === null && srv.proc.signalCode === null) {
    try { process.kill(srv.pid, 'SIGKILL'); } catch { /* gone */ }
    try { srv.proc.kill('SIGKILL'); } catch { /* gone */ }
  }
  if (running === srv) running = null;
}

async function post(origin, body, timeoutMs) {
  const t0 = performance.now();
  try {
    const r = await fetch(`${origin}/jmap/api/`, {
      method: 'POST', body, headers: { authorization: AUTH, 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await r.arrayBuffer());
    let answer = r.status === 200 ? 'ok' : `status ${r.status}`;
    if (r.status === 400) {
      try {
        const p = JSON.parse(bytes);
        answer = `${p.type.replace('urn:ietf:params:jmap:error:', '')} ${p.limit || ''}`.trim();
      } catch { /* not JSON */ }
    }
    return { ms: performance.now() - t0, status: r.status, bytes: bytes.length, answer };
  } catch (e) {
    return { ms: performance.now() - t0, status: 0, bytes: 0, answer: e.name === 'TimeoutError' ? 'given up (timeout)' : `failed: ${e.cause?.code || e.message}` };
  }
}

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-'); // Math.max() of nothing is -Infinity: '-'.

async function measure(name, make, trustArgs) {
  const srv = await start(trustArgs);
  const built = make();
  const body = typeof built === 'string' ? built : JSON.stringify(built);
  const warm = await post(srv.origin, SMALL, 5000);
  const before = status(srv.pid);
  try { writeFileSync(`/proc/${srv.pid}/clear_refs`, '5'); } catch { /* peak then covers the start-up too */ }
  let done = false;
  // VmHWM sampled while the request runs: a server that dies still shows how far it got.
  let sampled = NaN;
  const sampler = setInterval(() => {
    const s = status(srv.pid);
    if (s && Number.isFinite(s.hwm) && !(s.hwm <= sampled)) sampled = s.hwm;
  }, 100);
  const big = post(srv.origin, body, TIMEOUT_MS).then((r) => { done = true; return r; });
  // Small requests while the big one runs (each one after the other).
  const small = [];
  let smallFailed = 0;
  await new Promise((r) => setTimeout(r, 20));
  while (!done) {
    const s = await post(srv.origin, SMALL, TIMEOUT_MS + 1000);
    if (s.status === 200) small.push(s.ms);
    else smallFailed++;
    // A client's pace, not a flood: the small requests should not slow the big one much.
    if (!done) await new Promise((r) => setTimeout(r, 20));
  }
  const res = await big;
  clearInterval(sampler);
  const after = status(srv.pid);
  const died = after === null || srv.exited !== undefined;
  stop(srv);
  return {
    name, reqBytes: Buffer.byteLength(body), ...res, warm: warm.ms,
    rssBefore: before?.rss, peak: Math.max(...[after?.hwm, sampled].filter(Number.isFinite)), died,
    small: { n: small.length, failed: smallFailed, median: median(small), max: small.length ? Math.max(...small) : NaN },
  };
}

async function main() {
  ensureServer();
  const trustArgs = seed();
  console.log(`server-abuse: ${SERVER_BIN}${SMOKE ? ' (smoke)' : ''}; timeout ${TIMEOUT_MS / 1000} s, address space capped at ${MEM_CAP_MB} MB`);
  const cols = ['request', 'req bytes', 'status', 'answer', 'resp bytes', 'time ms', 'RSS MB', 'peak MB', 'small n', 'small med ms', 'small max ms'];
  const rows = [];
  let bad = 0;
  for (const [name, make] of REQUESTS) {
    const r = await measure(name, make, trustArgs);
    if (r.status === 0 || r.died) bad++;
    const answer = r.died ? `${r.answer}; server died` : r.answer;
    rows.push([r.name, String(r.reqBytes), String(r.status), answer, String(r.bytes), f(r.ms), f(r.rssBefore, 1), f(r.peak, 1),
      `${r.small.n}${r.small.failed ? ` (+${r.small.failed} failed)` : ''}`, f(r.small.median, 1), f(r.small.max, 1)]);
    console.log(`  ${name}: ${r.status} ${answer}, ${r.bytes} bytes in ${f(r.ms)} ms, peak RSS ${f(r.peak, 1)} MB`);
  }
  const width = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 || i === 3 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  console.log('\n' + line(cols));
  for (const r of rows) console.log(line(r));
  console.log('\nRSS: before the request; peak: VmHWM during it (reset just before). small: Core/echo + Email/get, one every 20 ms while the big request ran.');
  if (bad) {
    console.log(`server-abuse: ${bad} request(s) given up or a server died`);
    process.exitCode = 1;
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
