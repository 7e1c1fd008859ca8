#!/usr/bin/env node
// Benchmark (a figure, not a test): the 224 NIST PKITS messages through the
// wasm Verifier inside headless Chromium, as tests/pkits_conformance.rs runs
// them natively: the PKITS trust anchor only, at 2020-01-01T00:00:00Z,
// revocation "require", legacy algorithms allowed, no address check.
//
//   bash scripts/build-wasm.sh && node bench/pkits-browser.mjs [--runs N]
//   node bench/pkits-browser.mjs --smoke      (or BENCH_SMOKE=1: 8 messages, one run)
//
// Serves pkg/ and .cache/pkits (scripts/fetch-pkits.sh) on 127.0.0.1, drives
// Debian's /usr/bin/chromium with playwright-core (the flags of
// webdriver.json), and prints: total ms and ms per message for each run (the
// messages are fetched before the clock starts), how many came out
// signed/verified, how many verdicts match ../shared/conformance/
// pkits-expected.tsv (any that does not fails the benchmark), and the sizes
// of the shipped .wasm and of the bundled roots asset.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BenchError, PKG, PKITS, benchOptions, launchChromium, median, pkitsRows, requireFiles, runMain, serveFiles, watchPage } from './harness.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">
  import init, { TrustStore, Verifier } from '/pkg/jmap_smime.js';
  window.bench = async (names, runs) => {
    const get = async (p) => {
      const res = await fetch(p);
      if (!res.ok) throw new Error(p + ': HTTP ' + res.status);
      return new Uint8Array(await res.arrayBuffer());
    };
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
  const { smoke, runs } = benchOptions(5);
  await requireFiles([
    [path.join(PKG, 'jmap_smime_bg.wasm'), 'run bash scripts/build-wasm.sh'],
    [path.join(PKITS, 'smime'), 'run bash scripts/fetch-pkits.sh'],
  ]);
  const rows = await pkitsRows(smoke);
  const names = rows.map((r) => r.file);
  const server = await serveFiles({ pages: { '/': PAGE }, roots: [['/pkg/', PKG], ['/pkits/', PKITS]] });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const watch = watchPage(page);
    await page.goto(server.origin + '/');
    await page.waitForFunction(() => typeof window.bench === 'function', null, { timeout: 15_000 }).catch(() => {
      throw new BenchError(`the page's script did not start;${watch.text()}`);
    });
    const { initMs, times, statuses } = await page.evaluate(([n, r]) => window.bench(n, r), [names, runs]);
    const version = await browser.version();

    const verified = statuses.filter((s) => s === 'signed/verified').length;
    const signed = statuses.filter((s) => s === 'signed/verified' || s === 'signed/failed').length;
    console.log(`PKITS in headless Chromium ${version} (wasm Verifier, 2020-01-01T00:00:00Z, revocation require, allowLegacy, skipAddressCheck)${smoke ? ' [smoke]' : ''}`);
    console.log(`init(): ${initMs.toFixed(1)} ms (fetch + compile + instantiate)`);
    times.forEach((t, i) => console.log(`run ${i + 1}: ${t.toFixed(1)} ms total, ${(t / names.length).toFixed(3)} ms per message`));
    const best = Math.min(...times);
    const med = median(times);
    console.log(`messages: ${names.length}; best ${best.toFixed(1)} ms (${(best / names.length).toFixed(3)} ms/message), median ${med.toFixed(1)} ms (${(med / names.length).toFixed(3)} ms/message)`);
    console.log(`signed (signed/verified or signed/failed): ${signed}/${names.length}; signed/verified: ${verified}`);
    const wrong = rows.filter((r, i) => (statuses[i] === 'signed/verified' ? 'valid' : 'invalid') !== r.expected);
    console.log(`verdicts as in pkits-expected.tsv: ${rows.length - wrong.length}/${rows.length} (the table expects ${rows.filter((r) => r.expected === 'valid').length} valid)`);
    if (wrong.length) throw new BenchError(`verdicts differ from pkits-expected.tsv: ${wrong.map((r) => `${r.section} ${r.file} (expected ${r.expected})`).join(', ')}`);
  } finally {
    await browser.close();
    await server.close();
  }
  const wasm = await readFile(path.join(PKG, 'jmap_smime_bg.wasm'));
  const der = await readFile(path.join(PKG, 'email-roots.bin'));
  console.log(`wasm: ${wasm.length} bytes, gzip ${gzipSize(wasm)} bytes`);
  console.log(`bundled roots (email-roots.bin, loaded on demand): ${der.length} bytes, gzip ${gzipSize(der)} bytes`);
}

runMain('pkits-browser', main);
