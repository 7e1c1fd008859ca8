// Shared set-up of tests/examples/*.test.js (issue 11): the package as a
// webmail installs it (the `npm pack` tarball of pkg/), an example app
// (examples/<name>/ with the shared examples/app.js) in a fresh temporary
// directory, the reference JMAP server serving a small mailbox, and
// headless Chromium. Every server listens on 127.0.0.1 and is stopped by
// `stopAll()`; every command has a time limit.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PKG = path.join(ROOT, 'pkg');
const SERVER = process.env.JMAP_SMIME_SERVER || path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'debug', 'jmap-smime-server');
export const NOW = '2026-06-01T00:00:00Z';

/** The mailbox: fixture messages with the display level each must get (client trusts the test root, server too). */
export const MAILBOX = [
  ['tests/fixtures/trust/messages/baseline-alice.eml', 'verified'],
  ['tests/fixtures/messages/rsa2048-sha256-detached.eml', 'verified'],
  ['tests/fixtures/messages/plain-unsigned.eml', 'unsigned'],
];
/** What the app verifies by itself, and the root it trusts. */
const MESSAGE = 'tests/fixtures/trust/messages/baseline-alice.eml';
const ROOT_PEM = 'tests/fixtures/pki/root.cert.pem';

const children = [];
let tarball;

/** Run a command to completion (at most `timeout` ms); throws with its output when it fails. */
export function run(cmd, args, cwd, timeout = 300_000, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false', ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The package tarball, packed once per process from pkg/. */
export function packTarball() {
  if (tarball) return tarball;
  if (!existsSync(path.join(PKG, 'package.json'))) throw new Error('pkg/ is missing: run bash scripts/build-wasm.sh');
  const dir = mkdtempSync(path.join(tmpdir(), 'jmap-smime-tgz-'));
  const name = run('npm', ['pack', '--silent', '--pack-destination', dir, PKG], ROOT).trim().split('\n').pop();
  tarball = path.join(dir, name);
  return tarball;
}

/**
 * examples/<name> and the shared app copied to a fresh directory, with the
 * tarball and the example's own devDependencies installed.
 */
export function prepareExample(name) {
  const dir = mkdtempSync(path.join(tmpdir(), `jmap-smime-example-${name}-`));
  cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true });
  cpSync(path.join(ROOT, 'examples', 'app.js'), path.join(dir, 'app.js'));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', packTarball()], dir);
  return dir;
}

/** The files the app fetches next to its page, into `dir`. */
export function writeSiteFiles(dir) {
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(ROOT, ROOT_PEM), path.join(dir, 'root.pem'));
  cpSync(path.join(ROOT, MESSAGE), path.join(dir, 'message.eml'));
}

function mailDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmap-smime-example-mail-'));
  const lines = MAILBOX.map(([f], i) => {
    const name = `${i + 1}-${path.basename(f)}`;
    cpSync(path.join(ROOT, f), path.join(dir, name));
    return `${name}\tInbox\t2026-05-${String(20 - i).padStart(2, '0')}T10:00:00Z`;
  });
  writeFileSync(path.join(dir, 'index.tsv'), lines.join('\n') + '\n');
  return dir;
}

function ensureServer() {
  if (existsSync(SERVER)) return;
  run('cargo', ['build', '--features', 'server', '--bin', 'jmap-smime-server'], ROOT, 900_000);
}

/** Start a child process and resolve when its output matches `ready` (a regexp); rejects after `timeout` ms. */
export function startChild(cmd, args, cwd, ready, timeout = 60_000) {
  // Its own process group, so that stopAll() also stops what it starts (npx starts vite).
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start in ${timeout} ms:\n${out}`)), timeout);
    const look = (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code}) before it was ready:\n${out}`));
    });
  });
}

/**
 * The reference server with the mailbox, trusting the test root, serving
 * `site` at / (or nothing, with `cors` allowed to call it); its origin.
 */
export async function startJmap({ site, cors } = {}) {
  ensureServer();
  const args = ['--mail', mailDir(), '--listen', '127.0.0.1:0', '--user', 'demo:demo', '--trust', path.join(ROOT, ROOT_PEM), '--now', NOW];
  if (site) args.push('--static', `/=${site}`);
  if (cors) args.push('--cors-origin', cors);
  const m = await startChild(SERVER, args, ROOT, /listening on (http:\/\/[0-9.:]+)/);
  return m[1];
}

/** Open `url` in headless Chromium and return what the app put in window.result. */
export async function appResult(url) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30_000 }).catch(() => {
      throw new Error(`the app did not start at ${url}: ${problems.join('; ')}`);
    });
    const result = await page.evaluate(() => window.result);
    return { ...result, problems };
  } finally {
    await browser.close();
  }
}

/** What every example must show at `url`: both verdicts, the page's levels, no page error. */
export async function assertAppWorks(url) {
  const r = await appResult(url);
  const want = { mainThread: 'signed/verified', inWorker: 'signed/verified', levels: MAILBOX.map(([, level]) => level) };
  assert.deepEqual({ mainThread: r.mainThread, inWorker: r.inWorker, levels: r.levels }, want, JSON.stringify(r));
  assert.deepEqual(r.problems, []);
}

/** A built app (`dist`) with its site files, served by the reference server: it must work. */
export async function assertBuiltAppWorks(dist) {
  writeSiteFiles(dist);
  const origin = await startJmap({ site: dist });
  await assertAppWorks(`${origin}/`);
}

export function stopAll() {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  children.length = 0;
}

/** The example's package.json, for its versions. */
export function exampleVersions(name) {
  return JSON.parse(readFileSync(path.join(ROOT, 'examples', name, 'package.json'), 'utf8')).devDependencies ?? {};
}
