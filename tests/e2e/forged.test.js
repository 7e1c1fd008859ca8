// End to end, issue 9 §3: the demo page (www/) against a server whose Email
// objects lie about valid messages' blobs. The reference server cannot forge
// its own Email objects, so this runs over the recorded server of
// tests/e2e/demo-dev.js with tests/recordings/page-forged.json (rows in
// tests/recordings/forged.tsv). Every row must show its level; a forged From
// or Sender shows the mismatch alert outside the message content, and the
// page shows the From, Subject and body of the checked message, never the
// server's; a download really past the size limit is "not checked here".
// Screenshots go to target/e2e-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startDemoDev } from './demo-dev.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ARTIFACTS = path.join(ROOT, 'target', 'e2e-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const rows = readFileSync(path.join(ROOT, 'tests/recordings/forged.tsv'), 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#')).slice(1).map((l) => l.split('\t'))
  .map(([file, , , edit, , level, headerCode, clientError, alert, note], i) => ({
    id: `F${String(i).padStart(3, '0')}`, file, edit, level, headerCode, clientError, alert: alert === 'yes', note,
  }));

let browser, dev, page;
const problems = [];

before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'pkg', 'jmap_smime.js')), 'pkg/ is missing: run bash scripts/build-wasm.sh');
  mkdirSync(ARTIFACTS, { recursive: true });
  dev = await startDemoDev({ recording: 'page-forged.json' });
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.goto(dev.origin + '/');
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#connect');
  await page.waitForSelector('#progress[data-done="true"]', { state: 'attached', timeout: 120_000 });
});

after(async () => {
  await browser?.close();
  await dev?.close();
});

async function open(id) {
  await page.click(`li.message[data-email-id="${id}"]`);
  await page.waitForSelector(`#detail[data-email-id="${id}"]`);
  return page.evaluate(() => {
    const detail = document.getElementById('detail');
    const alert = document.getElementById('alert');
    const content = detail.querySelector('.message-content');
    const headers = detail.querySelector('.headers');
    const dd = (name) => [...headers.querySelectorAll('dt')].find((dt) => dt.textContent === name)?.nextElementSibling;
    return {
      level: detail.dataset.level,
      alert: alert.textContent.trim(),
      alertOutside: !detail.contains(alert) && !content.contains(alert),
      headers: headers.dataset.source,
      from: dd('From')?.textContent ?? '',
      fromCoverage: dd('From')?.querySelector('[data-coverage]')?.dataset.coverage ?? null,
      subject: dd('Subject')?.textContent ?? '',
      subjectCoverage: dd('Subject')?.querySelector('[data-coverage]')?.dataset.coverage ?? null,
      title: detail.querySelector('h2').textContent,
      content: content.dataset.source,
      text: content.textContent,
      frames: [...content.querySelectorAll('iframe')].map((f) => ({ sandbox: f.getAttribute('sandbox'), srcdoc: f.getAttribute('srcdoc') })),
      check: Object.fromEntries([...detail.querySelectorAll('.header-check tr[data-field]')].map((r) => [r.dataset.field, r.dataset.outcome])),
      reasons: [...detail.querySelectorAll('.reasons li')].map((l) => l.textContent),
    };
  });
}

test('every forged row shows its level', async () => {
  const got = await page.$$eval('li.message', (els) => els.map((e) => ({ id: e.dataset.emailId, level: e.dataset.level, from: e.querySelector('.from').textContent })));
  assert.equal(got.length, rows.length);
  const wrong = rows.filter((r) => got.find((g) => g.id === r.id)?.level !== r.level)
    .map((r) => `${r.id} ${r.note}: ${got.find((g) => g.id === r.id)?.level}, want ${r.level}`);
  assert.deepEqual(wrong, []);
  // The list shows the From of the checked message, never the server's forgery.
  assert.equal(got.find((g) => g.id === 'F001').from, 'Alice Example');
  await page.screenshot({ path: path.join(ARTIFACTS, 'forged-list.png'), fullPage: true });
});

test('a forged From: the alert outside the content, the checked From and body shown', async () => {
  for (const r of rows) {
    if (r.level === 'unsigned' || r.clientError !== '-') continue;
    const d = await open(r.id);
    assert.equal(d.level, r.level, r.id);
    assert.equal(/^Security alert: the mail server shows this message with a From or Sender/.test(d.alert), r.alert, `${r.id}: ${d.alert}`);
    if (r.alert) assert.ok(d.alertOutside, r.id);
    assert.equal(d.headers, 'verified', r.id);
    assert.equal(d.content, 'verified', r.id);
    assert.equal(d.subjectCoverage, 'not-covered', r.id);
    assert.ok(!/Bank CEO|ceo@bank\.example/.test(d.from), `${r.id}: the page shows the server's From ${d.from}`);
    if (r.headerCode !== '-') assert.ok(Object.values(d.check).includes('differs'), `${r.id}: ${JSON.stringify(d.check)}`);
  }
  const f1 = await open('F001');
  assert.match(f1.from, /Alice Example <alice@example\.com>/);
  assert.equal(f1.fromCoverage, 'address-checked');
  assert.equal(f1.check.from, 'differs');
  assert.equal(f1.check.subject, 'differs');
  assert.equal(f1.title, 'RSA-2048 SHA-256 detached', 'the checked Subject, not "Wire transfer today"');
  assert.match(f1.text, /This message tests: RSA-2048 SHA-256 detached\./);
  await page.screenshot({ path: path.join(ARTIFACTS, 'forged-alert.png'), fullPage: true });
});

test('subject and date differences are reported, not failed; the lying preview is not shown', async () => {
  const f4 = await open('F004');
  assert.equal(f4.level, 'verified');
  assert.equal(f4.alert, '');
  assert.deepEqual([f4.check.from, f4.check.subject, f4.check.date], ['agrees', 'differs', 'differs']);
  assert.ok(f4.reasons.some((x) => /Urgent: wire transfer today/.test(x) && /not covered/.test(x)), f4.reasons.join(' | '));
  const f15 = await open('F015');
  assert.equal(f15.level, 'verified');
  assert.match(f15.text, /This message tests: RSA-2048 SHA-256 detached\./);
  assert.ok(!/Please wire EUR/.test(f15.text), 'the server\'s preview is not the body shown');
});

test('an HTML alternative renders in a sandboxed srcdoc iframe; plain text stays text', async () => {
  const d = await open('F014');
  assert.equal(d.level, 'verified');
  assert.match(d.text, /a signed multipart\/alternative body \(plain part\)/);
  assert.equal(d.frames.length, 1);
  assert.equal(d.frames[0].sandbox, '', 'an empty sandbox: no scripts');
  assert.match(d.frames[0].srcdoc, /<b>multipart\/alternative<\/b>/);
  await page.click('.html-alternative summary');
  const frame = await (await page.$('iframe.html-part')).contentFrame();
  assert.match(await frame.evaluate(() => document.body.textContent), /HTML part/);
});

test('a download really past the limit is not checked here, with that reason; a size claim changes nothing', async () => {
  const big = rows.find((r) => r.clientError === 'limit-exceeded');
  const d = await open(big.id);
  assert.equal(d.level, big.level);
  assert.equal(d.content, 'server');
  assert.ok(d.reasons.some((x) => /Not checked in this browser: The message is larger than 67108864 bytes/.test(x)), d.reasons.join(' | '));
  const claim = rows.find((r) => r.edit.includes('100000000'));
  assert.equal((await open(claim.id)).level, 'verified');
  assert.deepEqual(problems, []);
});
