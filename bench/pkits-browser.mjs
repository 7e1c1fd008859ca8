#!/usr/bin/env node
// Benchmark (a figure, not a test): the 224 NIST PKITS messages through the
// wasm Verifier inside headless Chromium, as tests/pkits_conformance.rs runs
// them natively: the PKITS trust anchor only, at 2020-01-01T00:00:00Z,
// revocation "require", legacy algorithms allowed, no address check.
//
//   bash scripts/build-wasm.sh && node bench/pkits-browser.mjs [--runs N]
//
// Serves pkg/ and .cache/pkits (scripts/fetch-pkits.sh) on 127.0.0.1, drives
// Debian's /usr/bin/chromium with playwright-core (the flags of
// webdriver.json), and prints: total ms and ms per message for each run (the
// messages are fetched before the clock starts), how many came out
// signed/verified, how many verdicts match ../shared/conformance/
// pkits-expected.tsv when it is there, and the sizes of the shipped .wasm and
// of the bundled roots asset.
import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const PKG = path.join(ROOT, 'pkg');
const PKITS = path.resolve(process.env.PKITS_DIR || path.join(ROOT, '.cache', 'pkits'));
const EXPECTED = path.resolve(ROOT, '..', 'shared', 'conformance', 'pkits-expected.tsv');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 1) : 5;

const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">
  import init, { TrustStore, Verifier } from '/pkg/jmap_smime.js';
  window.bench = async (names, runs) => {
    const get = async (p) => new Uint8Array(await (await fetch(p)).arrayBuffer());
    const t0 = performance.now();
    await init();
    const initMs = performance.now() - t0;
    const trust = TrustStore.empty();
    trust.addPem(await get('/pkits/certs/TrustAnchorRootCertificate.crt'));
    const verifier = new Verifier(trust, { revocation: 'require', allowLegacy: true, skipAddressCheck: true });
    const messages = await Promise.all(names.map((n) => get('/pkits/smime/' + n)));
    const now = '2020-01-01T00:00:00Z';
    const times = [];
    let statuses = [];
    for (let r = 0; r < runs; r++) {
      const out = [];
      const start = performance.now();
      for (const m of messages) out.push(verifier.verify(m, { now }).status);
      times.push(performance.now() - start);
      statuses = out;
    }
    return { initMs, times, statuses };
  };
</script>`;

/** `gzip -9` as scripts/build-wasm.sh measures it; zlib level 9 without gzip. */
function gzipSize(bytes) {
  const r = spawnSync('gzip', ['-9', '-c'], { input: bytes, maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout.length : gzipSync(bytes, { level: 9 }).length;
}

async function main() {
  for (const [what, p] of [['pkg/ (run scripts/build-wasm.sh)', path.join(PKG, 'jmap_smime_bg.wasm')], ['PKITS (run scripts/fetch-pkits.sh)', path.join(PKITS, 'smime')]]) {
    try {
      await stat(p);
    } catch {
      throw new Error(`${p} missing: ${what}`);
    }
  }
  const names = (await readdir(path.join(PKITS, 'smime'))).filter((n) => n.endsWith('.eml')).sort();

  const roots = [['/pkg/', PKG], ['/pkits/', PKITS]];
  const server = createServer(async (req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = null;
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(PAGE);
    }
    for (const [prefix, dir] of roots) {
      if (url.startsWith(prefix)) {
        const f = path.resolve(dir, '.' + url.slice(prefix.length - 1));
        if (f.startsWith(dir + path.sep)) file = f;
      }
    }
    try {
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const flags = JSON.parse(await readFile(path.join(ROOT, 'webdriver.json'), 'utf8'))['goog:chromeOptions'].args;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: flags.filter((a) => a !== '--headless' && a !== '--no-sandbox'),
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
    await page.goto(origin + '/');
    await page.waitForFunction(() => typeof window.bench === 'function');
    const { initMs, times, statuses } = await page.evaluate(([n, r]) => window.bench(n, r), [names, RUNS]);
    const version = await browser.version();

    const verified = statuses.filter((s) => s === 'signed/verified').length;
    const signed = statuses.filter((s) => s === 'signed/verified' || s === 'signed/failed').length;
    console.log(`PKITS in headless Chromium ${version} (wasm Verifier, 2020-01-01T00:00:00Z, revocation require, allowLegacy, skipAddressCheck)`);
    console.log(`init(): ${initMs.toFixed(1)} ms (fetch + compile + instantiate)`);
    times.forEach((t, i) => console.log(`run ${i + 1}: ${t.toFixed(1)} ms total, ${(t / names.length).toFixed(3)} ms per message`));
    const best = Math.min(...times);
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`messages: ${names.length}; best ${best.toFixed(1)} ms (${(best / names.length).toFixed(3)} ms/message), median ${median.toFixed(1)} ms (${(median / names.length).toFixed(3)} ms/message)`);
    console.log(`signed (signed/verified or signed/failed): ${signed}/${names.length}; signed/verified: ${verified}`);
    try {
      const rows = (await readFile(EXPECTED, 'utf8')).trim().split('\n').slice(1).map((l) => l.split('\t'));
      const got = new Map(names.map((n, i) => [n, statuses[i] === 'signed/verified' ? 'valid' : 'invalid']));
      const agree = rows.filter(([file, expected]) => got.get(file) === expected).length;
      const expectValid = rows.filter(([, e]) => e === 'valid').length;
      console.log(`verdicts as in pkits-expected.tsv: ${agree}/${rows.length} (the table expects ${expectValid} valid)`);
    } catch {
      console.log(`(no ${EXPECTED}: conformance not compared)`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  const wasm = await readFile(path.join(PKG, 'jmap_smime_bg.wasm'));
  const der = await readFile(path.join(PKG, 'email-roots.der'));
  console.log(`wasm: ${wasm.length} bytes, gzip ${gzipSize(wasm)} bytes`);
  console.log(`bundled roots (email-roots.der, loaded on demand): ${der.length} bytes, gzip ${gzipSize(der)} bytes`);
}

main().catch((e) => {
  console.error(`pkits-browser: ${e.stack || e}`);
  process.exit(1);
});
