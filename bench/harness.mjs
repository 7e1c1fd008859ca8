// What the browser benchmarks share: their options (--runs N, --smoke or
// BENCH_SMOKE=1), headless Chromium with the project's flags, a loopback file
// server, the PKITS table, medians, and failing loudly.
//
// A benchmark prints figures; it is not a test. But every one of them also
// runs once in smoke mode from scripts/bench-smoke.sh, and there it must fail
// (exit non-zero, with a message that says what is missing) when it cannot
// measure what it claims to, rather than print a dash or "no result".
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
export const PKG = path.join(ROOT, 'pkg');
export const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
export const PKITS = path.resolve(process.env.PKITS_DIR || path.join(ROOT, '.cache', 'pkits'));
export const PKITS_EXPECTED = path.resolve(ROOT, '..', 'shared', 'conformance', 'pkits-expected.tsv');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** In smoke mode, one PKITS message of every this many rows (benches/pkits.rs uses the same). */
export const SMOKE_STRIDE = 28;

/** A failure the benchmark explains itself: printed without a stack. */
export class BenchError extends Error {}

/**
 * The command line: `--smoke` (or env BENCH_SMOKE=1), `--runs N` (default 1
 * in smoke mode, else `defaultRuns`), and `opt(name, default)` for the rest.
 */
export function benchOptions(defaultRuns = 5, argv = process.argv.slice(2)) {
  const opt = (name, dflt) => {
    const i = argv.indexOf(name);
    if (i < 0) return dflt;
    if (i + 1 >= argv.length) throw new BenchError(`${name} needs a value`);
    return argv[i + 1];
  };
  const smoke = argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
  const runsText = opt('--runs', String(smoke ? 1 : defaultRuns));
  const runs = Number(runsText);
  if (!Number.isInteger(runs) || runs < 1) throw new BenchError(`--runs ${runsText}: want a whole number of at least 1`);
  return { smoke, runs, opt };
}

/** Fail unless every [path, what to run] exists. */
export async function requireFiles(list) {
  for (const [p, hint] of list) {
    try {
      await stat(p);
    } catch {
      throw new BenchError(`${p} missing: ${hint}`);
    }
  }
}

/** Headless Chromium through playwright-core, with the flags of webdriver.json. */
export async function launchChromium() {
  const flags = JSON.parse(await readFile(path.join(ROOT, 'webdriver.json'), 'utf8'))['goog:chromeOptions'].args;
  // BENCH_JS_FLAGS: V8 flags for an engine diagnostic (e.g. "--no-liftoff
  // --no-wasm-lazy-compilation": optimised code from the first call), never
  // for the figures a goal is judged by.
  const engine = process.env.BENCH_JS_FLAGS ? [`--js-flags=${process.env.BENCH_JS_FLAGS}`] : [];
  if (engine.length) console.log(`bench: engine diagnostic, Chromium ${engine[0]}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: [...flags.filter((a) => a !== '--headless' && a !== '--no-sandbox'), ...engine],
  });
}

/**
 * Collect what a page reports going wrong: uncaught errors, and console
 * errors (Chromium logs a Content-Security-Policy refusal there). `first`
 * resolves at the first one; `text()` gives them as lines for a message.
 */
export function watchPage(page) {
  const problems = [];
  let signal = () => {};
  // Resolves at the first problem (to stop waiting for a page that will not start).
  const first = new Promise((ok) => { signal = ok; });
  const add = (p) => {
    problems.push(p);
    signal();
  };
  page.on('pageerror', (e) => add(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') add(`console error: ${m.text()}`);
  });
  return { problems, first, text: () => (problems.length ? '\n  ' + problems.join('\n  ') : ' (the page reported no error)') };
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * A loopback HTTP server (127.0.0.1, a secure context for WebCrypto): `pages`
 * maps exact paths to generated HTML, `roots` maps URL prefixes to
 * directories. Resolves to { origin, close }.
 */
export async function serveFiles({ pages = {}, roots = [] }) {
  const server = createServer(async (req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (Object.hasOwn(pages, url)) {
      res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
      return res.end(pages[url]);
    }
    let file = null;
    for (const [prefix, dir] of roots) {
      if (!url.startsWith(prefix)) continue;
      const f = path.resolve(dir, '.' + url.slice(prefix.length - 1));
      if (f.startsWith(path.resolve(dir) + path.sep)) file = f;
    }
    try {
      if (!file) throw new Error('not served');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * The rows of pkits-expected.tsv ({file, expected: 'valid'|'invalid',
 * section}), in table order; in smoke mode every SMOKE_STRIDE-th (8 of 224).
 */
export async function pkitsRows(smoke) {
  let text;
  try {
    text = await readFile(PKITS_EXPECTED, 'utf8');
  } catch {
    throw new BenchError(`${PKITS_EXPECTED} missing: the expected PKITS verdicts are needed to check the results`);
  }
  const rows = text.trim().split('\n').slice(1).map((l) => {
    const [file, expected, , section] = l.split('\t');
    return { file, expected, section };
  });
  if (rows.length === 0 || rows.some((r) => !r.file || !['valid', 'invalid'].includes(r.expected))) {
    throw new BenchError(`${PKITS_EXPECTED}: not a table of file, valid|invalid, needs_crl, section`);
  }
  return smoke ? rows.filter((_, i) => i % SMOKE_STRIDE === 0) : rows;
}

/** Median of the finite numbers in xs; NaN when there are none. */
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Run main(); on failure print `name: FAILED: reason` and exit 1. */
export function runMain(name, main) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`${name}: FAILED: ${e instanceof BenchError ? e.message : (e && e.stack) || e}`);
      process.exit(1);
    },
  );
}
