// Dev harness for the demo page (www/). One HTTP server on 127.0.0.1 that
// gives the page everything the reference server will give it, same-origin:
//
//   /, /*.js, /*.css     the files of www/
//   /pkg/*               the built npm package (pkg/, from scripts/build-wasm.sh)
//   /demo/config.json    demo/demo, the test root as the trusted PEM, and the
//                        "Other Test Root" as the one-click offer
//   /.well-known/jmap, the API path and the download path
//                        JMAP, replayed from tests/recordings/page-rfc9219.json
//                        with the recording's origin rewritten to this one
//
// The recording answers Email/query + Email/get with its one page of 14
// messages; it has no Mailbox/get, so this server answers that call itself
// with a single inbox. JMAP requests need Basic demo:demo (401 otherwise, so
// the sign-in form's error path can be tried).
//
//   node tests/e2e/demo-dev.js [--port N] [--no-config] [--recording page-forged.json]
//        serve until Ctrl-C; prints the URL (--recording: another recording
//        of tests/recordings/, e.g. the forged page of issue 9 §3)
//   node tests/e2e/demo-dev.js --check [--headed]
//        drive the page in Debian's Chromium (playwright-core) and check it:
//        each row's level against tests/recordings/page.tsv, the detail pane,
//        the R38 alert on M006, importing the offered root (M008 turns
//        verified), the drop zone, the error box and a 360 px layout.
//        Screenshots go to target/e2e-artifacts/. Exit status 0 when all pass.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { streamOversize } from '../js/recorded-jmap.js';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WWW = path.join(ROOT, 'www');
const PKG = path.join(ROOT, 'pkg');
const RECORDINGS = path.join(ROOT, 'tests/recordings');
const PAGE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
  + "style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const USER = 'demo';
const PASSWORD = 'demo';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.json': 'application/json',
  '.der': 'application/octet-stream', '.bin': 'application/octet-stream', '.ts': 'text/plain; charset=utf-8', '.pem': 'text/plain; charset=utf-8',
  '.eml': 'message/rfc822', '.ico': 'image/x-icon', '.png': 'image/png',
};

// A file under `base` for the URL path `rel`, or null when it would leave it.
function inside(base, rel) {
  let decoded;
  try { decoded = decodeURIComponent(rel); } catch { return null; }
  const file = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
  return file === base || file.startsWith(base + path.sep) ? file : null;
}

async function demoConfig() {
  const trustPem = [await readFile(path.join(ROOT, 'tests/fixtures/pki/root.cert.pem'), 'utf8')];
  const other = await readFile(path.join(ROOT, 'tests/fixtures/trust/pki/other-root.cert.pem'), 'utf8');
  return {
    username: USER,
    password: PASSWORD,
    trustPem,
    offer: [{ label: 'Other Test Root (the server trusts it; this browser does not yet)', pem: other }],
  };
}


/**
 * Start the dev server. `config: false` leaves /demo/config.json out (404),
 * as a server without the demo configuration would.
 */
export async function startDemoDev({ port = 0, host = '127.0.0.1', config = true, recording = 'page-rfc9219.json' } = {}) {
  const rec = JSON.parse(await readFile(path.join(RECORDINGS, path.basename(recording)), 'utf8'));
  const page = rec.exchanges.find((x) => x.request.calls?.includes('Email/query'))?.response.json;
  const totalEmails = page?.methodResponses?.[0]?.[1]?.ids?.length ?? 0;
  const INBOX = { id: 'inbox', name: 'Inbox', role: 'inbox', totalEmails, unreadEmails: 0, sortOrder: 1, parentId: null };
  const recordedOrigin = new URL(rec.sessionUrl).origin;
  const cfg = config ? await demoConfig() : null;
  const log = [];
  let origin = '';
  const routes = rec.exchanges.map((x) => {
    const u = new URL(x.request.url);
    return { method: x.request.method, path: u.pathname + u.search, calls: x.request.calls ?? null, response: x.response };
  });
  const apiPath = new URL(routes.find((r) => r.method === 'POST')?.path ?? '/api/', 'http://x').pathname;
  const session = rec.exchanges.find((x) => x.response.json?.apiUrl)?.response.json ?? {};
  const downloadPrefix = new URL(String(session.downloadUrl ?? '/download/').split('{')[0], recordedOrigin).pathname;
  const isJmap = (p) => p === '/.well-known/jmap' || p === apiPath || p.startsWith(downloadPrefix)
    || routes.some((r) => new URL(r.path, 'http://x').pathname === p);
  const expectedAuth = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

  const send = (res, status, type, body, extra = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
    res.end(body);
  };
  const json = (res, status, value) => send(res, status, 'application/json', JSON.stringify(value));

  async function jmap(req, res, url, body) {
    if (!isJmap(url.pathname)) return false;
    if (req.headers.authorization !== expectedAuth) {
      // No WWW-Authenticate: the browser must not open its own login dialog.
      json(res, 401, { type: 'about:blank', status: 401, detail: 'wrong user name or password (demo/demo)' });
      return true;
    }
    let calls = null;
    let request = null;
    if (req.method === 'POST') {
      try {
        request = JSON.parse(body);
        calls = request.methodCalls.map((c) => c[0]);
      } catch {
        json(res, 400, { type: 'urn:ietf:params:jmap:error:notJSON', status: 400, detail: 'not JSON' });
        return true;
      }
      if (url.pathname === apiPath && calls.length === 1 && calls[0] === 'Mailbox/get') {
        const [, args, callId] = request.methodCalls[0];
        json(res, 200, {
          sessionState: '75128aab4b1b',
          methodResponses: [['Mailbox/get', { accountId: args?.accountId, state: 'mb1', list: [INBOX], notFound: [] }, callId]],
        });
        return true;
      }
    }
    const r = routes.find((x) => x.method === req.method && x.path === url.pathname + url.search
      && (!x.calls || JSON.stringify(x.calls) === JSON.stringify(calls)));
    if (!r) {
      send(res, 404, 'text/plain', `not recorded: ${req.method} ${url.pathname}${url.search} ${JSON.stringify(calls)}`);
      return true;
    }
    const out = r.response;
    if (out.oversize !== undefined) {
      streamOversize(res, out.oversize, { 'content-type': out.contentType || 'application/octet-stream', 'cache-control': 'no-store' });
      return true;
    }
    let payload;
    if (out.json !== undefined) payload = JSON.stringify(out.json).replaceAll(recordedOrigin, origin);
    else if (out.file) payload = await readFile(path.join(ROOT, out.file));
    else payload = out.text ?? '';
    send(res, out.status, out.contentType || 'application/octet-stream', payload);
    return true;
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks).toString('utf8');
      log.push({ method: req.method, url: req.url, status: 0 });
      const entry = log[log.length - 1];
      res.on('finish', () => { entry.status = res.statusCode; });
      const p = url.pathname;
      if (p === '/demo/config.json') {
        if (cfg) json(res, 200, cfg);
        else send(res, 404, 'text/plain', 'no demo configuration');
        return;
      }
      if (await jmap(req, res, url, body)) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'text/plain', 'method not allowed');
        return;
      }
      let file;
      if (p.startsWith('/pkg/')) file = inside(PKG, p.slice('/pkg'.length));
      else file = inside(WWW, p === '/' ? '/index.html' : p);
      if (!file) {
        send(res, 404, 'text/plain', 'not found');
        return;
      }
      try {
        const data = await readFile(file);
        const type = TYPES[path.extname(file)] || 'application/octet-stream';
        // The reference server's page policy (src/server/http.rs PAGE_CSP).
        send(res, 200, type, data, type.startsWith('text/html') ? { 'content-security-policy': PAGE_CSP, 'x-content-type-options': 'nosniff' } : {});
      } catch {
        send(res, 404, 'text/plain', `not found: ${p}`);
      }
    } catch (e) {
      if (!res.headersSent) send(res, 500, 'text/plain', String(e?.stack ?? e));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  origin = `http://${host}:${server.address().port}`;
  return { origin, log, close: () => new Promise((ok) => server.close(ok)) };
}

// ---------------------------------------------------------------- --check

async function expectedLevels() {
  const text = await readFile(path.join(ROOT, 'tests/recordings/page.tsv'), 'utf8');
  return text.split('\n').filter((l) => l && !l.startsWith('#')).slice(1)
    .map((l) => l.split('\t')).map((c, i) => ({ id: `M${String(i).padStart(3, '0')}`, file: c[0], level: c[5], note: c[7] }));
}

async function check({ headed = false } = {}) {
  const { chromium } = await import('playwright-core');
  const artifacts = path.join(ROOT, 'target/e2e-artifacts');
  await mkdir(artifacts, { recursive: true });
  const dev = await startDemoDev();
  const bare = await startDemoDev({ config: false });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: !headed,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const results = [];
  const ok = (name, pass, detail = '') => {
    results.push({ name, pass });
    console.log(`${pass ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  };
  const problems = [];
  const watch = (page, tag, { expect404 = false } = {}) => {
    page.on('pageerror', (e) => problems.push(`${tag} pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // Without the demo config, the 404 of /demo/config.json is expected.
      if (expect404 && /status of 404/.test(m.text()) && /\/demo\/config\.json$/.test(m.location()?.url ?? '')) return;
      problems.push(`${tag} console: ${m.text()} ${m.location()?.url ?? ''}`);
    });
    page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`${tag} worker console: ${m.text()}`); }));
  };
  try {
    const want = await expectedLevels();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(page, 'main');
    await page.goto(`${dev.origin}/`);
    await page.waitForSelector('#trust .anchor');
    ok('the trust panel lists anchors before connecting', (await page.locator('#trust .anchor').count()) > 0,
      `${await page.locator('#trust .anchor').count()} anchors`);
    ok('the sign-in form is prefilled from the config',
      (await page.inputValue('#username')) === USER && (await page.inputValue('#password')) === PASSWORD);

    // Connect, wait for the page of messages to verify.
    const t0 = Date.now();
    await page.click('#connect');
    await page.waitForSelector('#progress[data-done="true"]', { state: 'attached', timeout: 60_000 });
    await page.waitForSelector('li.message');
    const progress = await page.locator('#progress').evaluate((e) => ({
      max: e.getAttribute('aria-valuemax'), now: e.getAttribute('aria-valuenow'), hidden: e.hidden,
    }));
    ok('progress bar finished', progress.max === String(want.length) && progress.now === String(want.length) && progress.hidden,
      `aria-valuenow ${progress.now}/${progress.max}, hidden ${progress.hidden}, ${Date.now() - t0} ms`);
    const mailbox = await page.locator('#mailboxes [aria-current="true"]').innerText();
    ok('the inbox is selected', /Inbox/.test(mailbox), mailbox.replace(/\s+/g, ' '));

    const rows = await page.$$eval('li.message', (els) => els.map((e) => ({
      id: e.dataset.emailId, level: e.dataset.level,
      badge: e.querySelector('.badge')?.getAttribute('aria-label'),
      badgeLevel: e.querySelector('.badge')?.dataset.level,
      icon: !!e.querySelector('.badge')?.shadowRoot?.querySelector('svg'),
    })));
    console.log('\nrow   level (page)         expected             badge');
    let allMatch = rows.length === want.length;
    for (const w of want) {
      const r = rows.find((x) => x.id === w.id);
      const match = r && r.level === w.level && r.badgeLevel === w.level && r.icon;
      if (!match) allMatch = false;
      console.log(`${w.id}  ${(r?.level ?? '-').padEnd(20)} ${w.level.padEnd(20)} ${r?.badge ?? '-'}${match ? '' : '   <-- differs'}`);
    }
    console.log('');
    ok('every row shows the expected level (page.tsv level9219)', allMatch, `${rows.length} rows`);

    // Keyboard: focus the first row, Enter selects it.
    await page.focus('li.message[data-email-id="M000"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[data-email-id="M000"]');
    const d0 = await page.evaluate(() => ({
      reasons: [...document.querySelectorAll('#detail ul.reasons li')].map((l) => l.textContent),
      client: !!document.querySelector('#detail [data-section="client"]'),
      server: !!document.querySelector('#detail [data-section="server"]'),
      chain: document.querySelectorAll('#detail .chain > li').length,
      content: document.querySelector('#detail .message-content')?.textContent ?? '',
      alertEmpty: document.getElementById('alert').textContent.trim() === '',
    }));
    ok('Enter on a row opens the detail pane with reasons, both verdicts and the chain',
      d0.reasons.length > 0 && d0.client && d0.server && d0.chain >= 2 && /Hello Trent/.test(d0.content) && d0.alertEmpty,
      `${d0.reasons.length} reasons, chain of ${d0.chain}: ${JSON.stringify(d0.reasons[0])}`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await page.waitForSelector('#detail[data-email-id="M001"]');
    ok('ArrowDown then Space selects the next row', true);

    // R38: the server vouches for M006, the browser finds it broken.
    await page.click('li.message[data-email-id="M006"]');
    await page.waitForSelector('#detail[data-email-id="M006"]');
    const a = await page.evaluate(() => {
      const alert = document.getElementById('alert');
      const detail = document.getElementById('detail');
      const content = detail.querySelector('.message-content');
      return {
        shown: alert.textContent.trim() !== '' && alert.getBoundingClientRect().height > 0,
        role: alert.getAttribute('role'), text: alert.textContent,
        outside: !detail.contains(alert) && !content.contains(alert),
        above: !!(alert.compareDocumentPosition(detail) & Node.DOCUMENT_POSITION_FOLLOWING),
      };
    });
    ok('the R38 alert shows for M006, outside and above the detail pane', a.shown && a.role === 'alert' && a.outside && a.above && a.text.length > 10,
      JSON.stringify(a.text.trim().slice(0, 120)));
    await page.screenshot({ path: path.join(artifacts, 'demo-dev.png'), fullPage: true });

    // M008: untrusted root, server says verified → verified-by-server with a hint.
    await page.click('li.message[data-email-id="M008"]');
    await page.waitForSelector('#detail[data-email-id="M008"]');
    const hint = await page.locator('#detail .hint').innerText().catch(() => '');
    ok('M008 shows the hint', hint.length > 0, JSON.stringify(hint.slice(0, 140)));
    const alertGone = await page.locator('#alert').evaluate((e) => e.textContent.trim() === '' && e.getBoundingClientRect().height === 0);
    ok('the alert goes away for a message without one', alertGone);
    const before = await page.getAttribute('li.message[data-email-id="M008"]', 'data-level');
    const anchorsBefore = await page.locator('#trust .anchor').count();
    await page.click('.offer-btn');
    await page.waitForFunction(() => document.querySelector('li.message[data-email-id="M008"]')?.dataset.level === 'verified', null, { timeout: 60_000 });
    await page.waitForSelector('#progress[data-done="true"]', { state: 'attached' });
    const after = await page.getAttribute('li.message[data-email-id="M008"]', 'data-level');
    const anchorsAfter = await page.locator('#trust .anchor').count();
    const detailLevel = await page.getAttribute('#detail', 'data-level');
    ok('importing the offered root turns M008 verified', before === 'verified-by-server' && after === 'verified' && detailLevel === 'verified',
      `${before} -> ${after}; anchors ${anchorsBefore} -> ${anchorsAfter}; detail pane ${detailLevel}`);
    const rows2 = await page.$$eval('li.message', (els) => els.map((e) => [e.dataset.emailId, e.dataset.level]));
    const others = rows2.filter(([id]) => id !== 'M008').every(([id, level]) => want.find((w) => w.id === id)?.level === level);
    ok('the other rows keep their levels after the import', others);

    // Bundled roots off: the anchor list shrinks to the test roots.
    await page.uncheck('#bundled');
    await page.waitForFunction((n) => document.querySelectorAll('#trust .anchor').length < n, anchorsAfter);
    await page.waitForSelector('#progress[data-done="true"]', { state: 'attached' });
    const anchorsNoBundled = await page.locator('#trust .anchor').count();
    ok('unticking #bundled leaves only the PEM anchors', anchorsNoBundled === 2, `${anchorsNoBundled} anchors`);

    // A PEM that is not a certificate: the error box shows code and message.
    await page.fill('#import-pem', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    await page.click('#import-btn');
    await page.waitForSelector('#error .code');
    const err = await page.locator('#error').innerText();
    ok('a bad PEM shows its error code in #error', /invalid-argument|malformed/.test(err), JSON.stringify(err.replace(/\s+/g, ' ').slice(0, 140)));

    // Drop zone, on the connected page.
    await page.setInputFiles('#drop-input', path.join(ROOT, 'tests/fixtures/messages/rsa2048-sha256-detached.eml'));
    await page.waitForSelector('#drop-result[data-status]:not([data-status=""])');
    const drop = await page.getAttribute('#drop-result', 'data-status');
    ok('the drop zone verifies rsa2048-sha256-detached.eml', drop === 'signed/verified', drop);
    await page.close();

    // A fresh page that never connects: the drop zone alone, also by a drag-and-drop.
    const p2 = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(p2, 'offline');
    await p2.goto(`${dev.origin}/`);
    await p2.waitForSelector('#trust .anchor');
    const eml = await readFile(path.join(ROOT, 'tests/fixtures/messages/tampered-body-detached.eml'));
    const dt = await p2.evaluateHandle(({ b64 }) => {
      const d = new DataTransfer();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      d.items.add(new File([bytes], 'tampered-body-detached.eml', { type: 'message/rfc822' }));
      return d;
    }, { b64: eml.toString('base64') });
    await p2.dispatchEvent('#drop', 'dragenter', { dataTransfer: dt });
    await p2.dispatchEvent('#drop', 'dragover', { dataTransfer: dt });
    await p2.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
    await p2.waitForSelector('#drop-result[data-status]:not([data-status=""])');
    const dropped = await p2.evaluate(() => ({
      status: document.getElementById('drop-result').dataset.status,
      codes: [...document.querySelectorAll('#drop-result .errors .code')].map((e) => e.textContent),
    }));
    ok('drag-and-drop without connecting: the tampered message fails', dropped.status === 'signed/failed' && dropped.codes.length > 0,
      `${dropped.status} ${dropped.codes.join(', ')}`);
    await p2.setInputFiles('#drop-input', path.join(ROOT, 'tests/fixtures/messages/rsa2048-sha256-detached.eml'));
    await p2.waitForSelector('#drop-result[data-status="signed/verified"]');
    const signer = await p2.locator('#drop-result .signer').first().innerText();
    ok('file input without connecting: signed/verified with the signer', /Alice/i.test(signer), JSON.stringify(signer.replace(/\s+/g, ' ').slice(0, 100)));
    await p2.setInputFiles('#drop-input', path.join(ROOT, 'tests/fixtures/messages/plain-unsigned.eml'));
    await p2.waitForSelector('#drop-result[data-status="null"]');
    ok('an unsigned file gives data-status="null"', true);
    await p2.close();

    // Wrong password: #error shows the code.
    const p3 = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(p3, 'auth');
    await p3.goto(`${dev.origin}/`);
    await p3.fill('#password', 'wrong');
    await p3.click('#connect');
    await p3.waitForSelector('#error .code');
    const authErr = await p3.locator('#error').innerText();
    ok('a wrong password shows "unauthorized" in #error', /unauthorized/.test(authErr), JSON.stringify(authErr.replace(/\s+/g, ' ').slice(0, 120)));
    await p3.fill('#password', PASSWORD);
    await p3.click('#connect');
    await p3.waitForSelector('#progress[data-done="true"]', { state: 'attached', timeout: 60_000 });
    ok('connecting again after the error works', (await p3.locator('li.message').count()) === want.length);
    await p3.close();

    // No /demo/config.json: the page still loads, the fields are empty and editable.
    const p4 = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(p4, 'no-config', { expect404: true });
    await p4.goto(`${bare.origin}/`);
    await p4.waitForSelector('#trust .anchor', { state: 'attached' });
    const sess = await p4.inputValue('#session-url');
    const user = await p4.inputValue('#username');
    ok('without /demo/config.json the form is empty but usable', sess === bare.origin && user === '', `session ${sess}`);
    await p4.fill('#username', USER);
    await p4.fill('#password', PASSWORD);
    await p4.click('#connect');
    await p4.waitForSelector('#progress[data-done="true"]', { state: 'attached', timeout: 60_000 });
    const m008 = await p4.getAttribute('li.message[data-email-id="M000"]', 'data-level');
    ok('without the config (no test root) M000 is not verified here', m008 !== 'verified', `M000 ${m008}`);
    await p4.close();

    // ?session= overrides the session URL.
    const p5 = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(p5, 'session');
    await p5.goto(`${dev.origin}/?session=${encodeURIComponent(dev.origin + '/.well-known/jmap')}`);
    ok('?session= fills the session URL', (await p5.inputValue('#session-url')) === `${dev.origin}/.well-known/jmap`);
    await p5.close();

    // 360 px: one column, nothing wider than the viewport.
    const p6 = await browser.newPage({ viewport: { width: 360, height: 780 } });
    watch(p6, 'narrow');
    await p6.goto(`${dev.origin}/`);
    await p6.click('#connect');
    await p6.waitForSelector('#progress[data-done="true"]', { state: 'attached', timeout: 60_000 });
    await p6.click('li.message[data-email-id="M006"]');
    await p6.waitForSelector('#detail[data-email-id="M006"]');
    const width = await p6.evaluate(() => document.documentElement.scrollWidth);
    ok('at 360 px nothing scrolls sideways', width <= 360, `scrollWidth ${width}`);
    await p6.screenshot({ path: path.join(artifacts, 'demo-dev-360.png'), fullPage: true });
    await p6.close();

    ok('no page errors', problems.length === 0, problems.join(' | '));
  } catch (e) {
    ok('check ran to the end', false, String(e?.stack ?? e));
  } finally {
    await browser.close();
    await dev.close();
    await bare.close();
  }
  const failed = results.filter((r) => !r.pass).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed; screenshots in ${path.relative(process.cwd(), artifacts)}/demo-dev.png and demo-dev-360.png`);
  return failed === 0;
}

// ---------------------------------------------------------------- main

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const arg = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (args.includes('--check')) {
    process.exitCode = (await check({ headed: args.includes('--headed') })) ? 0 : 1;
  } else {
    const config = !args.includes('--no-config');
    const recording = arg('--recording');
    let dev;
    try {
      dev = await startDemoDev({ port: Number(arg('--port') ?? 8080), config, recording });
    } catch (e) {
      if (e?.code !== 'EADDRINUSE' || arg('--port')) throw e;
      dev = await startDemoDev({ port: 0, config, recording }); // 8080 is taken: any free port
    }
    console.log(`demo page: ${dev.origin}/   (sign in as ${USER}/${PASSWORD}; Ctrl-C stops)`);
    const stop = () => dev.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
}
