// End to end against a real third-party JMAP server without RFC 9219: Debian
// 12's Cyrus IMAP 3.6 (scripts/cyrus.sh), reached through a same-origin proxy
// (tests/e2e/cyrus-proxy.js), with JmapSmimeClient from pkg/ in headless
// Chromium. The mailbox holds the messages of tests/recordings/page.tsv,
// APPENDed byte for byte with their receivedAt as the IMAP internal date; the
// client must reach the `levelCyrus` verdicts on its own.
//
//   node --test tests/e2e/cyrus.test.js
//
// Needs root (apt-get and the Cyrus master) and a built pkg/
// (bash scripts/build-wasm.sh). Writes target/e2e-artifacts/cyrus-page.json
// and cyrus-page.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { requirePkg } from '../js/support.js';
import { startCyrusProxy } from './cyrus-proxy.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'target/e2e-artifacts');
const NOW = '2026-01-01T00:00:00Z';
const SMIME_VERIFY = 'urn:ietf:params:jmap:smimeverify';
const BASIC_TEST = 'Basic ' + Buffer.from('test:test').toString('base64');

const run = promisify(execFile);
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Run scripts/cyrus.sh; on failure, the error carries its whole output. */
async function cyrus(...args) {
  try {
    const { stdout, stderr } = await run('bash', [path.join(ROOT, 'scripts/cyrus.sh'), ...args],
      { cwd: ROOT, timeout: 300_000, maxBuffer: 16 << 20 });
    return stdout + stderr;
  } catch (e) {
    throw new Error(`scripts/cyrus.sh ${args.join(' ')} failed (exit ${e.code}):\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** page.tsv: comments start with #, the first other line is the header. */
async function pageRows() {
  const lines = (await readFile(path.join(ROOT, 'tests/recordings/page.tsv'), 'utf8'))
    .split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l && !l.startsWith('#'));
  const header = lines.shift().split('\t');
  const rows = [];
  for (const line of lines) {
    const cells = line.split('\t');
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    const fixture = path.join(ROOT, 'tests/fixtures', row.file);
    const bytes = await readFile(fixture);
    const text = bytes.toString('latin1');
    const head = text.slice(0, Math.max(0, text.search(/\r?\n\r?\n/)));
    const subject = /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/mi.exec(head)?.[1].replace(/\r?\n[ \t]+/g, ' ').trim() ?? null;
    rows.push({
      file: row.file, fixture, receivedAt: row.receivedAt, levelCyrus: row.levelCyrus, note: row.note,
      bytes, subject,
      bareLineEnds: /(?<!\r)\n|\r(?!\n)/.test(text),
      // The client downloads only what the bodyStructure shows as S/MIME.
      hasSmime: /^content-type:[ \t]*(multipart\/signed|application\/(x-)?pkcs7-(mime|signature))/mi.test(text),
    });
  }
  assert.ok(rows.length > 0, 'page.tsv has no rows');
  for (const col of ['file', 'receivedAt', 'levelCyrus']) assert.ok(header.includes(col), `page.tsv lacks the ${col} column`);
  return rows;
}

/** Match a page item to its page.tsv row: by Subject when unique, else by receivedAt. */
function rowFor(rows, email) {
  const bySubject = rows.filter((r) => r.subject !== null && r.subject === email.subject);
  if (bySubject.length === 1) return bySubject[0];
  const at = Date.parse(email.receivedAt);
  const byDate = rows.filter((r) => Date.parse(r.receivedAt) === at);
  if (byDate.length === 1) return byDate[0];
  return null;
}

let rows, proxy, browser, cyrusStarted = false;
const appendLog = [];

before(async () => {
  await requirePkg();
  rows = await pageRows();
  const installed = (await cyrus('install')).trim().split('\n').pop();
  console.log(`${elapsed()}: ${installed}`);
  // A fresh mailbox: stop an instance left by an earlier run, then start one
  // (start wipes .cache/cyrus/). `append` also skips messages already there.
  await cyrus('stop');
  const started = await cyrus('start');
  cyrusStarted = true;
  const httpPort = Number(/^HTTP_PORT=(\d+)$/m.exec(started)?.[1]);
  assert.ok(httpPort, `no HTTP_PORT in the output of scripts/cyrus.sh start:\n${started}`);
  console.log(`${elapsed()}: Cyrus up, JMAP on 127.0.0.1:${httpPort}`);
  for (const r of rows) {
    appendLog.push((await cyrus('append', r.fixture, r.receivedAt)).trim());
  }
  console.log(`${elapsed()}: appended ${rows.length} messages`);
  proxy = await startCyrusProxy({ cyrusPort: httpPort });
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  await proxy?.close();
  if (cyrusStarted) console.log(`${(await cyrus('stop')).trim()}`);
}, { timeout: 60_000 });

test('Cyrus IMAP 3.6 (no RFC 9219): JmapSmimeClient verifies the page alone', { timeout: 120_000 }, async () => {
  const rootPem = await readFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), 'utf8');
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${proxy.origin}/`);
  const out = await page.evaluate(async ({ rootPem, now }) => {
    try {
      const api = await import('/pkg/jmap_smime.js');
      await api.default();
      const trust = api.TrustStore.empty();
      trust.addPem(rootPem);
      const verifier = new api.Verifier(trust);
      const client = await api.JmapSmimeClient.connect({
        sessionUrl: location.origin,
        auth: { type: 'basic', username: 'test', password: 'test' },
        verifier,
      });
      const result = await client.loadPage({ limit: 50 }, { now });
      const stats = await client.stats();
      // Render the page as a webmail list would, for the screenshot.
      const table = document.getElementById('items');
      table.innerHTML = '<tr><th>receivedAt</th><th>subject</th><th>level</th><th>label</th><th>reasons</th></tr>';
      for (const { email, display } of result.items) {
        const tr = table.insertRow();
        tr.className = display.level;
        for (const v of [email.receivedAt, email.subject, display.level, display.label, (display.reasons || []).join(' · ')]) {
          tr.insertCell().textContent = v ?? '';
        }
      }
      document.getElementById('status').textContent =
        `${result.items.length} messages, supportsSmime=${client.supportsSmime}, judged at ${now}`;
      return { ok: true, supportsSmime: client.supportsSmime, result, stats };
    } catch (e) {
      return { ok: false, error: { message: String(e?.message ?? e), code: e?.code ?? null, stack: e?.stack ?? null } };
    }
  }, { rootPem, now: NOW });

  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'cyrus-page.png'), fullPage: true });
  const downloadSummary = proxy.downloads.map(({ bytes, ...d }) => ({ ...d, size: bytes.length }));
  await writeFile(path.join(ARTIFACTS, 'cyrus-page.json'), JSON.stringify({
    judgedAt: NOW, appended: appendLog, ...out,
    requests: proxy.log.map(({ headers, ...r }) => ({ ...r, authorization: headers.authorization ?? null })),
    downloads: downloadSummary,
  }, null, 2));
  await page.close();

  assert.ok(out.ok, `the page failed: ${JSON.stringify(out.error)}`);
  assert.deepEqual(problems, []);
  const { items } = out.result;

  // (1) Cyrus does not advertise RFC 9219.
  assert.equal(out.supportsSmime, false, 'client.supportsSmime');

  // (2) Every message, matched by Subject (or receivedAt), has the levelCyrus
  // verdict and no server verdict.
  assert.equal(items.length, rows.length, `items: ${items.map((i) => i.email.subject).join(' | ')}`);
  assert.equal(out.result.total, rows.length, 'Email/query total');
  const seen = new Map();
  const mismatches = [];
  for (const item of items) {
    const row = rowFor(rows, item.email);
    assert.ok(row, `no page.tsv row for the Email "${item.email.subject}" received ${item.email.receivedAt}`);
    assert.ok(!seen.has(row.file), `two Emails match ${row.file}`);
    seen.set(row.file, item);
    assert.equal(Date.parse(item.email.receivedAt), Date.parse(row.receivedAt), `${row.file}: receivedAt (the IMAP internal date)`);
    assert.equal(item.server, null, `${row.file}: server must be null without RFC 9219`);
    if (item.display.level !== row.levelCyrus) {
      mismatches.push(`${row.file}: got ${item.display.level} (${item.display.label}; ${(item.display.reasons || []).join('; ')}), page.tsv says ${row.levelCyrus}`);
    }
  }
  assert.deepEqual(mismatches, [], 'display levels against page.tsv levelCyrus');

  // (3) The client never asks Cyrus for the extension it lacks.
  const api = proxy.log.filter((r) => r.method === 'POST' && r.url.startsWith('/jmap/'));
  assert.ok(api.length > 0, 'no JMAP API request went through the proxy');
  for (const r of api) {
    const using = JSON.parse(r.body).using;
    assert.ok(Array.isArray(using), `a request without using: ${r.body.slice(0, 200)}`);
    assert.ok(!using.includes(SMIME_VERIFY), `${SMIME_VERIFY} in using: ${JSON.stringify(using)}`);
    assert.equal(r.status, 200, `API request answered ${r.status}: ${r.body.slice(0, 200)}`);
  }
  for (const r of proxy.log) assert.equal(r.headers.authorization, BASIC_TEST, `Authorization on ${r.method} ${r.url}`);

  // (4) Cyrus handed back each message byte for byte as APPENDed.
  const byBlob = new Map(items.map((i) => [i.email.blobId, i]));
  const altered = [];
  for (const d of proxy.downloads) {
    assert.equal(d.status, 200, `download ${d.url}`);
    assert.equal(d.decodeError, null, `download ${d.url}: ${d.decodeError}`);
    const item = byBlob.get(d.blobId);
    assert.ok(item, `a download of a blob no item has: ${d.url}`);
    const row = rowFor(rows, item.email);
    if (!d.bytes.equals(row.bytes)) {
      altered.push(`${row.file}: ${d.bytes.length} bytes downloaded, ${row.bytes.length} appended`
        + (row.bareLineEnds ? ' (the fixture has bare line ends: Cyrus converts them to CRLF)' : ''));
    }
  }
  assert.deepEqual(altered, [], 'downloaded bytes differ from the APPENDed files');

  // (5) One download per message with S/MIME in its bodyStructure; the plain
  // unsigned message is never downloaded.
  const shouldDownload = rows.filter((r) => r.hasSmime);
  const downloaded = proxy.downloads.map((d) => rowFor(rows, byBlob.get(d.blobId).email).file).sort();
  assert.deepEqual(downloaded, shouldDownload.map((r) => r.file).sort(), 'the downloaded messages');
  assert.equal(proxy.downloads.length, rows.filter((r) => !(r.levelCyrus === 'unsigned' && !r.hasSmime)).length, 'download count');
  for (const r of rows.filter((x) => !x.hasSmime)) {
    // Judged from the bodyStructure alone, without the raw message.
    const item = seen.get(r.file);
    assert.equal(item.clientSource, 'structure', `${r.file}: clientSource`);
    assert.equal(item.client?.status ?? null, null, `${r.file}: no signature`);
  }
  assert.equal(out.stats.downloads, proxy.downloads.length, 'stats().downloads');

  console.log(`${elapsed()}: ${items.length} messages, ${proxy.downloads.length} downloads, `
    + `${api.length} API requests; levels: ${items.map((i) => i.display.level).join(' ')}`);
});
