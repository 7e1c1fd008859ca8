// The crypto seam in headless Chromium (issue 10): every fixture under
// tests/fixtures and all 224 NIST PKITS messages through the WebCrypto route
// (Verifier.verifyAsync, crypto "auto"), the pure-Rust route (crypto "rust")
// and the synchronous verify, which must give identical verdicts, PKITS
// 224/224 against ../shared/conformance/pkits-expected.tsv. Then the same
// fixtures on an origin that is not a secure context (crypto.subtle is
// undefined there), where verifyAsync must fall back to Rust.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PKG_DIR, requirePkg } from './support.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HERE = fileURLToPath(new URL('./', import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const PKG = path.resolve(fileURLToPath(PKG_DIR));
const FIXTURES = path.join(ROOT, 'tests', 'fixtures');
const PKITS = process.env.PKITS_DIR || path.join(ROOT, '.cache', 'pkits');
const EXPECTED = path.join(ROOT, '..', 'shared', 'conformance', 'pkits-expected.tsv');
const ROUTES = [
  ['/pkg/', PKG],
  ['/fixtures/', FIXTURES],
  ['/pkits/', PKITS],
  ['/', path.join(HERE, 'browser', 'webcrypto.html')],
];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

function resolve(urlPath) {
  for (const [prefix, target] of ROUTES) {
    if (prefix !== '/' && urlPath.startsWith(prefix)) {
      const file = path.resolve(target, '.' + urlPath.slice(prefix.length - 1));
      return file.startsWith(target + path.sep) ? file : null;
    }
    if (urlPath === prefix) return target;
  }
  return null;
}

let server, port, browser;

before(async () => {
  await requirePkg();
  assert.ok(existsSync(path.join(PKITS, 'smime')), `${PKITS}/smime missing: run bash scripts/fetch-pkits.sh`);
  server = createServer(async (req, res) => {
    try {
      const file = resolve(new URL(req.url, 'http://x').pathname);
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  port = server.address().port;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    // smime.test is plain http on another name than localhost: not a secure context.
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--host-resolver-rules=MAP smime.test 127.0.0.1'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

async function emls(dir, prefix) {
  return (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort().map((f) => prefix + f);
}

async function fixtureFiles() {
  const files = [];
  for (const d of ['messages', 'names/messages', 'trust/messages']) files.push(...(await emls(path.join(FIXTURES, d), `/fixtures/${d}/`)));
  assert.ok(files.length >= 80, `only ${files.length} fixtures`);
  return files;
}

const FIXTURE_SET = async () => ({
  anchor: '/fixtures/pki/root.cert.der',
  options: {},
  files: await fixtureFiles(),
  at: { now: '2026-06-01T00:00:00Z', receivedAt: '2025-06-01T00:00:00Z' },
});

async function runPage(origin, set) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(origin + '/');
  await page.waitForFunction(() => window.diff !== undefined, null, { timeout: 15_000 });
  const result = await page.evaluate((s) => window.diff.run(s), set);
  await page.close();
  assert.deepEqual(problems, []);
  return result;
}

function assertSame(result) {
  const differ = result.out.filter((r) => r.auto !== r.rust || r.rust !== r.sync).map((r) => r.file);
  assert.deepEqual(differ, [], 'verdicts differ between the WebCrypto and the Rust routes');
}

test('fixtures: WebCrypto and Rust routes give identical verdicts', { timeout: 120_000 }, async () => {
  const r = await runPage(`http://127.0.0.1:${port}`, await FIXTURE_SET());
  assert.ok(r.secure && r.subtle, '127.0.0.1 is a secure context with crypto.subtle');
  assertSame(r);
  assert.ok(r.stats.webcrypto >= 40, `WebCrypto answered only ${r.stats.webcrypto} checks`);
  assert.equal(r.rustStats.webcrypto, 0, 'crypto "rust" must not use WebCrypto');
  assert.ok(r.out.some((x) => x.status === 'signed/verified'));
});

test('PKITS: WebCrypto and Rust routes give identical verdicts, 224/224', { timeout: 300_000 }, async () => {
  const rows = (await readFile(EXPECTED, 'utf8')).trim().split('\n').slice(1).map((l) => l.split('\t'));
  assert.equal(rows.length, 224);
  const r = await runPage(`http://127.0.0.1:${port}`, {
    anchor: '/pkits/certs/TrustAnchorRootCertificate.crt',
    options: { revocation: 'require', allowLegacy: true, skipAddressCheck: true },
    files: rows.map(([file]) => '/pkits/smime/' + file),
    at: { now: '2020-01-01T00:00:00Z' },
  });
  assertSame(r);
  const wrong = rows.filter(([, expected], i) => (r.out[i].status === 'signed/verified' ? 'valid' : 'invalid') !== expected).map(([f]) => f);
  assert.deepEqual(wrong, [], 'PKITS verdicts against the table');
  assert.ok(r.stats.webcrypto >= 200, `WebCrypto answered only ${r.stats.webcrypto} checks`);
});

test('no crypto.subtle (not a secure context): verifyAsync falls back to Rust', { timeout: 120_000 }, async () => {
  const r = await runPage(`http://smime.test:${port}`, await FIXTURE_SET());
  assert.equal(r.secure, false);
  assert.equal(r.subtle, false);
  assertSame(r);
  assert.equal(r.stats.webcrypto, 0);
});
