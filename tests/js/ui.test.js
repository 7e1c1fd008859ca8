// Issue 11: the UI kit's <smime-badge> (pkg/ui.js) in headless Chromium, on
// a page under the strict CSP a webmail would use (no inline script or
// style): one badge per level must be role="img" with its label, draw its
// icon hidden from assistive technology, keep text/background contrast at
// WCAG AA (4.5:1), follow a --smime-<level>-fg theme, and pass axe-core's
// WCAG 2 A/AA rules. Screenshot: target/e2e-artifacts/ui-badges.png.
// Then <smime-details> and <smime-alert> with recorded PageItems: region and
// alert roles, names, the alert outside the message content, the technical
// details opened and closed from the keyboard, English and German texts as
// jmap-smime/i18n renders them, axe again. Screenshots: ui-details-en.png,
// ui-details-de.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PKG_DIR, requirePkg, loadPkgInNode } from './support.js';
import { startRecorded } from './recorded-jmap.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data:";
const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>smime-badge</title><link rel="icon" href="data:,">
<script type="module" src="/test/badges.js"></script>
<main><h1>Badges</h1><ul id="badges"></ul><p id="themed" class="theme"></p></main></html>`;
const THEME = '.theme { --smime-verified-fg: rgb(0, 0, 139); }';
const DETAILS = `<!doctype html><html lang="en"><meta charset="utf-8"><title>smime-details</title><link rel="icon" href="data:,">
<script type="module" src="/test/details.js"></script>
<main><h1>A message</h1><smime-alert id="alert"></smime-alert><section id="pane"></section>
<div class="message-content"><p>The text the sender wrote.</p></div></main></html>`;

let server, origin, browser;

before(async () => {
  await requirePkg();
  server = createServer(async (req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    const send = (type, body) => { res.writeHead(200, { 'content-type': type, 'content-security-policy': CSP }); res.end(body); };
    try {
      if (p === '/') return send('text/html', PAGE.replace('</title>', '</title><link rel="stylesheet" href="/theme.css">'));
      if (p === '/theme.css') return send('text/css', THEME);
      if (p === '/details') return send('text/html', DETAILS);
      if (p === '/test/details.js') return send('text/javascript', await readFile(new URL('ui/details.js', import.meta.url)));
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

/** PageItems of the recorded RFC 9219 page: one with an alert, one with a hint, one verified. */
async function recordedItems() {
  const { api } = await loadPkgInNode();
  const server = await startRecorded('page-rfc9219.json');
  try {
    const trust = api.TrustStore.empty();
    trust.addPem(await readFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), 'utf8'));
    const client = await api.JmapSmimeClient.connect({ sessionUrl: server.sessionUrl, verifier: new api.Verifier(trust), auth: { type: 'bearer', token: 't' } });
    const page = await client.loadPage({ limit: 50 }, { now: '2026-01-01T00:00:00Z' });
    client.free();
    // Structured-clone-able copies for page.evaluate.
    return JSON.parse(JSON.stringify(page.items));
  } finally {
    await server.close();
  }
}

test('<smime-details> and <smime-alert>: roles, names, keyboard, alert outside the content, English and German, axe', { timeout: 90_000 }, async () => {
  const items = await recordedItems();
  const withAlert = items.find((i) => i.display.alert);
  const verified = items.find((i) => i.display.level === 'verified');
  assert.ok(withAlert && verified, 'the recording has an alert and a verified message');
  const { localize } = await import(new URL('i18n.js', PKG_DIR));
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${origin}/details`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15_000 });
  const read = () => page.evaluate(() => {
    const d = document.querySelector('smime-details');
    const a = document.getElementById('alert');
    return {
      role: d.getAttribute('role'), name: d.getAttribute('aria-label'), lang: d.lang,
      badge: d.querySelector('smime-badge')?.getAttribute('aria-label'),
      reasons: [...d.querySelectorAll('.reasons li')].map((l) => l.textContent),
      hint: d.querySelector('.hint')?.textContent ?? null,
      onlyElements: [...d.childNodes].every((n) => n.nodeType === Node.ELEMENT_NODE),
      fingerprint: d.querySelector('.smime-signers .fingerprint')?.textContent ?? null,
      checkRows: d.querySelectorAll('.header-check tr[data-field]').length,
      alertRole: a.getAttribute('role'), alert: a.textContent, alertHeight: a.getBoundingClientRect().height,
      alertInContent: a.closest('.message-content') !== null || document.querySelector('.message-content [role="alert"]') !== null,
    };
  });

  await page.evaluate((i) => window.show(i), withAlert);
  const a = await read();
  const en = localize(withAlert.display, { locale: 'en' });
  assert.deepEqual([a.role, a.name, a.lang, a.alertRole, a.onlyElements], ['region', 'Signature details', 'en', 'alert', true]);
  assert.equal(a.hint, withAlert.display.hint ? `What you can do: ${withAlert.display.hint}` : null);
  assert.equal(a.badge, `Signature: ${en.label}`);
  assert.deepEqual(a.reasons, withAlert.display.reasons, 'the reasons are the core\'s English');
  assert.match(a.alert, /^Security alert/);
  assert.equal(a.fingerprint, withAlert.client.signers[0].certificate.fingerprintSha256, 'the signer summary');
  assert.equal(a.checkRows, withAlert.display.headerCheck?.fields.length ?? 0, 'the header comparison, field by field');
  assert.ok(a.checkRows > 0, 'the recording has a header comparison');
  assert.ok(a.alert.includes(withAlert.display.alert) && a.alertHeight > 0 && !a.alertInContent, 'the alert shows, outside the content');

  // Keyboard: Tab reaches the technical details' summary; Enter opens, Space closes.
  let reached = false;
  for (let n = 0; n < 10 && !reached; n++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.matches('smime-details .technical > summary') ?? false);
  }
  assert.ok(reached, 'Tab reaches the technical details');
  const open = () => page.evaluate(() => document.querySelector('smime-details .technical').open);
  await page.keyboard.press('Enter');
  assert.equal(await open(), true, 'Enter opens');
  const axeSource = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const axe = () => page.evaluate(async () => (await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }))
    .violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  assert.deepEqual(await axe(), [], 'axe, English, alert shown and details open');
  await page.locator('main').screenshot({ path: path.join(ROOT, 'target', 'e2e-artifacts', 'ui-details-en.png') });
  await page.keyboard.press(' ');
  assert.equal(await open(), false, 'Space closes');

  // German, and the alert goes away for a verdict without one.
  await page.evaluate((i) => window.show(i, 'de'), withAlert);
  const g = await read();
  const de = localize(withAlert.display, { locale: 'de' });
  assert.deepEqual([g.name, g.lang, g.badge], ['Details zur Signatur', 'de', `Signatur: ${de.label}`]);
  assert.deepEqual(g.reasons, de.reasons);
  assert.notDeepEqual(g.reasons, a.reasons);
  assert.ok(g.alert.startsWith(de.alert) && !g.alert.startsWith('Security alert'), g.alert);
  await page.evaluate(() => { document.querySelector('smime-details .technical').open = true; });
  assert.deepEqual(await axe(), [], 'axe, German');
  await page.locator('main').screenshot({ path: path.join(ROOT, 'target', 'e2e-artifacts', 'ui-details-de.png') });
  await page.evaluate((i) => window.show(i), verified);
  const v = await read();
  assert.deepEqual([v.alert, v.alertHeight], ['', 0], 'no alert, no box');
  assert.equal(v.badge, `Signature: ${verified.display.label}`);
  assert.deepEqual(problems, [], 'no CSP refusal or page error');
  await page.close();
});
