// Issue 11: the UI kit's <smime-badge> (pkg/ui.js) in headless Chromium, on
// a page under the strict CSP a webmail would use (no inline script or
// style): one badge per level must be role="img" with its label, draw its
// icon hidden from assistive technology, keep text/background contrast at
// WCAG AA (4.5:1), follow a --smime-<level>-fg theme, and pass axe-core's
// WCAG 2 A/AA rules. Screenshot: target/e2e-artifacts/ui-badges.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PKG_DIR, requirePkg } from './support.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data:";
const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>smime-badge</title><link rel="icon" href="data:,">
<script type="module" src="/test/badges.js"></script>
<main><h1>Badges</h1><ul id="badges"></ul><p id="themed" class="theme"></p></main></html>`;
const THEME = '.theme { --smime-verified-fg: rgb(0, 0, 139); }';

let server, origin, browser;

before(async () => {
  await requirePkg();
  server = createServer(async (req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    const send = (type, body) => { res.writeHead(200, { 'content-type': type, 'content-security-policy': CSP }); res.end(body); };
    try {
      if (p === '/') return send('text/html', PAGE.replace('</title>', '</title><link rel="stylesheet" href="/theme.css">'));
      if (p === '/theme.css') return send('text/css', THEME);
      if (p === '/test/badges.js') return send('text/javascript', await readFile(new URL('ui/badges.js', import.meta.url)));
      if (p.startsWith('/pkg/') && !p.includes('..')) return send('text/javascript', await readFile(new URL(p.slice(5), PKG_DIR)));
    } catch { /* 404 below */ }
    res.writeHead(404);
    res.end();
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

/** WCAG 2.x contrast ratio of two rgb()/rgba() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('<smime-badge>: role, label, hidden icon, AA contrast per level, theming, axe, strict CSP', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15_000 });
  const badges = await page.$$eval('smime-badge', (els) => els.map((e) => {
    const s = getComputedStyle(e);
    const svg = e.shadowRoot.querySelector('svg');
    const text = e.shadowRoot.querySelector('.text');
    return {
      level: e.getAttribute('level'), role: e.getAttribute('role'), label: e.getAttribute('aria-label'),
      iconHidden: svg?.getAttribute('aria-hidden'), textHidden: text?.getAttribute('aria-hidden'), text: text?.textContent,
      color: s.color, background: s.backgroundColor, focusable: e.tabIndex >= 0,
    };
  }));
  const levels = ['verified', 'verified-by-server', 'warning', 'failed', 'unsigned', 'pending'];
  assert.deepEqual(badges.map((b) => b.level), [...levels, 'verified']);
  const names = ['Verified', 'Verified by server', 'Warning', 'Failed', 'Not signed', 'Not verified', 'Signed by alice@example.com'];
  for (const [i, b] of badges.entries()) {
    assert.equal(b.role, 'img', b.level);
    assert.equal(b.label, `Signature: ${names[i]}`);
    assert.equal(b.text, names[i]);
    assert.deepEqual([b.iconHidden, b.textHidden], ['true', 'true'], `${b.level}: read once, through aria-label`);
    assert.equal(b.focusable, false, 'a badge is not a control');
  }
  for (const b of badges.slice(0, levels.length)) {
    assert.ok(contrast(b.color, b.background) >= 4.5, `${b.level}: contrast ${contrast(b.color, b.background).toFixed(2)} of ${b.color} on ${b.background}`);
  }
  // Six levels, six different colour pairs (and six icon shapes).
  assert.equal(new Set(badges.slice(0, levels.length).map((b) => b.color + b.background)).size, levels.length);
  assert.equal(badges.at(-1).color, 'rgb(0, 0, 139)', 'the theme colour reaches the badge');
  const axeSource = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }))
    .violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  assert.deepEqual(violations, []);
  mkdirSync(path.join(ROOT, 'target', 'e2e-artifacts'), { recursive: true });
  await page.locator('main').screenshot({ path: path.join(ROOT, 'target', 'e2e-artifacts', 'ui-badges.png') });
  assert.deepEqual(problems, [], 'no CSP refusal or page error');
  await page.close();
});
