#!/usr/bin/env node
// Benchmark (a figure, not a test): NIST PKITS side by side in one headless
// Chromium page, PKI.js (npm `pkijs`, SignedData.verify with checkChain) and
// our wasm Verifier, over the same 224 messages with the same settings (the
// PKITS trust anchor only, 2020-01-01T00:00:00Z, revocation required, legacy
// algorithms allowed, no address check; see bench/page/pkits-vs-pkijs.js).
//
//   bash scripts/build-wasm.sh && node bench/pkits-vs-pkijs.mjs [--runs N]     (default 5)
//   node bench/pkits-vs-pkijs.mjs --smoke      (or BENCH_SMOKE=1: 8 messages, one run)
//
// Serves pkg/, .cache/pkits, bench/page/ and the PKI.js modules from
// node_modules (through an import map) on http://127.0.0.1 (a secure
// context: PKI.js needs WebCrypto). The runs alternate, ours (verifyAsync, WebCrypto) then PKI.js then ours (verify, pure Rust, for reference),
// each verifying every message once with the messages already in memory;
// it prints each run, how many verdicts each side gets right against
// ../shared/conformance/pkits-expected.tsv (PKI.js's misses by PKITS
// section, with its reasons), the medians in ms per message, and last the
// speed-up (PKI.js ms / ours ms).
//
// Exit status 1 when the page does not start, when a side gives different
// verdicts in different runs, when ours differs from the table (the
// conformance test holds it to 224/224), or when PKI.js verifies none of the
// messages the table calls valid (then its side of this harness is broken).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BenchError, PKG, PKITS, ROOT, benchOptions, launchChromium, median, pkitsRows, requireFiles, runMain, serveFiles, watchPage } from './harness.mjs';

const NODE_MODULES = path.join(ROOT, 'node_modules');
// Bare specifiers of pkijs 4 and its dependencies, to files under /npm/.
const IMPORTS = {
  pkijs: '/npm/pkijs/build/index.js',
  asn1js: '/npm/asn1js/build/index.js',
  bytestreamjs: '/npm/bytestreamjs/build/index.js',
  '@peculiar/utils': '/npm/@peculiar/utils/build/index.js',
  '@noble/hashes/': '/npm/@noble/hashes/',
};
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>PKITS: PKI.js vs jmap-smime</title>
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script>
<script type="module" src="/bench/pkits-vs-pkijs.js"></script>
`;

// PKITS (NIST, 2011) section titles, for the summary of misses.
const SECTIONS = {
  '4.1': 'Signature Verification', '4.2': 'Validity Periods', '4.3': 'Verifying Name Chaining',
  '4.4': 'Basic Certificate Revocation', '4.5': 'Verifying Paths with Self-Issued Certificates',
  '4.6': 'Verifying Basic Constraints', '4.7': 'Key Usage', '4.8': 'Certificate Policies',
  '4.9': 'Require Explicit Policy', '4.10': 'Policy Mappings', '4.11': 'Inhibit Policy Mapping',
  '4.12': 'Inhibit Any Policy', '4.13': 'Name Constraints', '4.14': 'Distribution Points',
  '4.15': 'Delta-CRLs', '4.16': 'Private Certificate Extensions',
};

const pkgVersion = async (name) => JSON.parse(await readFile(path.join(NODE_MODULES, name, 'package.json'), 'utf8')).version;
const short = (file) => file.replace(/^Signed/, '').replace(/\.eml$/, '');

/** Each run's verdicts must be the same; returns them. */
function stableVerdicts(side, results) {
  const first = JSON.stringify(results[0].verdicts);
  const moved = results.findIndex((r) => JSON.stringify(r.verdicts) !== first);
  if (moved > 0) throw new BenchError(`${side}: run ${moved + 1} gave other verdicts than run 1`);
  return results[0];
}

/** The misses of one side against the table, grouped by PKITS section. */
function misses(rows, result) {
  const bySection = new Map();
  rows.forEach((row, i) => {
    const got = result.verdicts[i] ? 'valid' : 'invalid';
    if (got === row.expected) return;
    const key = row.section.split('.').slice(0, 2).join('.');
    if (!bySection.has(key)) bySection.set(key, []);
    bySection.get(key).push({ row, reason: result.reasons[i] });
  });
  return bySection;
}

function printMisses(side, bySection) {
  if (!bySection.size) return;
  console.log(`${side} misses by PKITS section ("accepts": valid where the table says invalid; "rejects": the reverse, with its reason):`);
  for (const [key, list] of [...bySection].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const accepts = list.filter((m) => m.row.expected === 'invalid');
    const rejects = list.filter((m) => m.row.expected === 'valid');
    console.log(`  ${key} ${SECTIONS[key] ?? ''}: ${list.length}`);
    if (accepts.length) console.log(`      accepts ${accepts.length}: ${accepts.map((m) => short(m.row.file)).join(', ')}`);
    const reasons = new Map();
    for (const m of rejects) reasons.set(m.reason, [...(reasons.get(m.reason) ?? []), short(m.row.file)]);
    for (const [reason, files] of reasons) console.log(`      rejects ${files.length}: ${files.join(', ')}: "${reason}"`);
  }
}

async function main() {
  const { smoke, runs } = benchOptions(5);
  await requireFiles([
    [path.join(PKG, 'jmap_smime_bg.wasm'), 'run bash scripts/build-wasm.sh'],
    [path.join(PKITS, 'smime'), 'run bash scripts/fetch-pkits.sh'],
    [path.join(NODE_MODULES, 'pkijs', 'build', 'index.js'), 'run npm ci (pkijs is a devDependency)'],
  ]);
  const rows = await pkitsRows(smoke);
  const server = await serveFiles({
    pages: { '/': PAGE },
    roots: [['/pkg/', PKG], ['/pkits/', PKITS], ['/bench/', path.join(ROOT, 'bench/page')], ['/npm/', NODE_MODULES]],
  });
  const browser = await launchChromium();
  const ours = [];
  const theirs = [];
  const oursRust = [];
  let setup;
  try {
    const page = await browser.newPage();
    const watch = watchPage(page);
    await page.goto(server.origin + '/');
    await page.waitForFunction(() => window.bench !== undefined, null, { timeout: 15_000 }).catch(() => {
      throw new BenchError(`the page's script did not start;${watch.text()}`);
    });
    setup = await page.evaluate((names) => window.bench.load(names), rows.map((r) => r.file));
    if (setup.count !== rows.length || !setup.secure) throw new BenchError(`page set-up: ${JSON.stringify(setup)} (want ${rows.length} messages and a secure context)`);
    console.log(`PKITS side by side in headless Chromium ${browser.version()}: jmap-smime wasm Verifier vs PKI.js ${await pkgVersion('pkijs')} `
      + `(asn1js ${await pkgVersion('asn1js')}); ${rows.length} messages, 2020-01-01T00:00:00Z, revocation required, legacy allowed, no address check${smoke ? ' [smoke]' : ''}`);
    console.log(`init(): ${setup.initMs.toFixed(1)} ms; runs alternate (ours verifyAsync, PKI.js, ours pure-Rust verify, ...), a new Verifier per run, messages in memory, ms per run`);
    for (let run = 1; run <= runs; run++) {
      const o = await page.evaluate(() => window.bench.runOurs('auto'));
      const t = await page.evaluate(() => window.bench.runPkijs());
      const r = await page.evaluate(() => window.bench.runOurs('rust'));
      ours.push(o);
      theirs.push(t);
      oursRust.push(r);
      console.log(`run ${run}: ours ${o.ms.toFixed(1)} ms (${(o.ms / rows.length).toFixed(2)} ms/msg), PKI.js ${t.ms.toFixed(1)} ms (${(t.ms / rows.length).toFixed(2)} ms/msg), ours pure Rust ${r.ms.toFixed(1)} ms (${(r.ms / rows.length).toFixed(2)} ms/msg)`);
    }
    if (watch.problems.length) console.log(`(the page reported:${watch.text()})`);
  } finally {
    await browser.close();
    await server.close();
  }
  report(rows, runs, ours, theirs, oursRust);
}

function report(rows, runs, ours, theirs, oursRust) {
  const o = stableVerdicts('ours', ours);
  const r = stableVerdicts('ours (pure Rust)', oursRust);
  if (JSON.stringify(r.verdicts) !== JSON.stringify(o.verdicts)) throw new BenchError('the WebCrypto and the pure-Rust routes gave different verdicts');
  const t = stableVerdicts('PKI.js', theirs);
  const oursMisses = misses(rows, o);
  const theirMisses = misses(rows, t);
  const right = (m) => rows.length - [...m.values()].reduce((n, l) => n + l.length, 0);
  console.log(`\nverdicts as in pkits-expected.tsv: ours ${right(oursMisses)}/${rows.length}, PKI.js ${right(theirMisses)}/${rows.length}`);
  printMisses('ours', oursMisses);
  printMisses('PKI.js', theirMisses);
  const validCount = rows.filter((r) => r.expected === 'valid').length;
  const pkijsValid = rows.filter((r, i) => r.expected === 'valid' && t.verdicts[i]).length;
  const oursMs = median(ours.map((r) => r.ms)) / rows.length;
  const theirMs = median(theirs.map((r) => r.ms)) / rows.length;
  const rustMs = median(oursRust.map((x) => x.ms)) / rows.length;
  console.log(`\nmedian of ${runs} run${runs > 1 ? 's' : ''}, ms per message: ours ${oursMs.toFixed(2)} (verifyAsync, WebCrypto), PKI.js ${theirMs.toFixed(2)}; ours pure Rust (verify) ${rustMs.toFixed(2)}`);
  if (oursMisses.size) throw new BenchError('our verdicts differ from pkits-expected.tsv (see above)');
  if (validCount && !pkijsValid) throw new BenchError(`PKI.js verified none of the ${validCount} messages the table calls valid: the PKI.js side of this harness is broken`);
  console.log(`speed-up (PKI.js ms / ours ms): ${(theirMs / oursMs).toFixed(1)}x`);
}

runMain('pkits-vs-pkijs', main);
