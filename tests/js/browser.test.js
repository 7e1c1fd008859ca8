// pkg/ in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): imported as an ES module by a page and by a module Web
// Worker, both served from a local HTTP server on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PKG_DIR, requirePkg, assertSmoke, assertTrust } from './support.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HERE = fileURLToPath(new URL('./', import.meta.url));
const PKG = path.resolve(fileURLToPath(PKG_DIR));
const FIXTURES = path.resolve(HERE, '..', 'fixtures');

// URL path -> file. Only these roots are served; nothing outside them.
const ROUTES = [
  ['/pkg/', PKG],
  ['/fixtures/', FIXTURES],
  ['/smoke.js', path.join(HERE, 'smoke.js')],
  ['/trust.js', path.join(HERE, 'trust.js')],
  ['/worker.js', path.join(HERE, 'browser', 'worker.js')],
  ['/', path.join(HERE, 'browser', 'index.html')],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};

function resolve(urlPath) {
  for (const [prefix, target] of ROUTES) {
    if (prefix.endsWith('/') && prefix !== '/' && urlPath.startsWith(prefix)) {
      const file = path.resolve(target, '.' + urlPath.slice(prefix.length - 1));
      return file.startsWith(target + path.sep) ? file : null;
    }
    if (urlPath === prefix) return target;
  }
  return null;
}

let server, origin, browser;

before(async () => {
  await requirePkg();
  server = createServer(async (req, res) => {
    const file = resolve(new URL(req.url, 'http://x').pathname);
    try {
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  // Playwright gives each launch a fresh temporary profile (user data dir).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false, // --no-sandbox: CI runs as root
    args: [
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

test('the package runs in a page and in a module Web Worker', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()} (${m.location().url})`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));

  await page.goto(`${origin}/`);
  const result = await page.evaluate(() => window.smoke);
  assert.deepEqual(problems, []);

  assertSmoke(result.main.smoke);
  assertSmoke(result.worker.smoke);
  // TrustStore.bundled() fetched email-roots.bin next to the module, on the
  // page and in the worker, and a Verifier verdict on a trust fixture.
  assertTrust(result.main.trust);
  assertTrust(result.worker.trust);
  assert.equal(result.workerScope, 'DedicatedWorkerGlobalScope');
  assert.deepEqual(result.worker, result.main, 'the worker sees what the page sees');
  await page.close();
});

test('the server refuses paths outside its roots', async () => {
  for (const p of ['/pkg/../Cargo.toml', '/pkg/%2e%2e/Cargo.toml', '/Cargo.toml', '/fixtures/../../Cargo.toml', '/fixtures/%2e%2e/%2e%2e/Cargo.toml']) {
    const res = await fetch(origin + p);
    assert.equal(res.status, 404, p);
  }
});
