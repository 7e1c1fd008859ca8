// A same-origin forwarding proxy for the Cyrus end-to-end test
// (tests/e2e/cyrus.test.js). Cyrus 3.6.1 answers the browser's CORS preflight
// with 401, so the page, the npm package and JMAP must share one origin:
//
//   /                 a tiny test page (the test renders its result list into it)
//   /pkg/*            files of the built npm package (pkg/)
//   /.well-known/jmap and /jmap/*   forwarded to Cyrus as they are
//
// Forwarding keeps the request's method, headers (Authorization included) and
// Host, so Cyrus writes its redirects (/.well-known/jmap answers 301) for this
// origin; responses, redirects included, go back unchanged apart from the
// hop-by-hop headers (Cyrus offers `Upgrade: h2c`). The proxy never follows a
// redirect itself. Every forwarded exchange is logged (method, URL, request
// headers and body, status, response headers), and every download response
// (/jmap/download/...) also keeps its bytes, decoded when Cyrus compressed
// them (it uses zstd when offered). Accept-Encoding goes on as the browser
// sent it, except for codings the proxy could not decode (zstd without the
// zstd tool), which it drops, noting so in the log entry.
//
// Also runnable by hand, to look at the instance from a browser:
//   node tests/e2e/cyrus-proxy.js CYRUS_HTTP_PORT [PORT]
import { execFileSync } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const PKG = path.join(ROOT, 'pkg');

const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.der': 'application/octet-stream', '.bin': 'application/octet-stream', '.ts': 'text/plain', '.json': 'application/json',
};

// RFC 9110 §7.6.1 hop-by-hop fields: a proxy does not pass them on.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te',
  'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>jmap-smime against Cyrus IMAP</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5em; }
  table { border-collapse: collapse; }
  td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
  .verified { background: #d9f2d9; } .verified-by-server { background: #e0ecff; }
  .warning { background: #fff2cc; } .failed { background: #f8d0d0; } .unsigned { background: #eee; }
</style>
<h1>jmap-smime: a Cyrus IMAP page</h1>
<p id="status">waiting for the test</p>
<table id="items"></table>
`;

function stripHopByHop(headers) {
  const out = {};
  const named = new Set(String(headers.connection || '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
  for (const [k, v] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(k) && !named.has(k)) out[k] = v;
  }
  return out;
}

// Cyrus 3.6 compresses downloads with zstd when the browser offers it (Chromium
// does). Node 20's zlib has no zstd; the zstd command line tool, when present,
// decodes it instead.
function zstdDecoder() {
  if (typeof zlib.zstdDecompressSync === 'function') return (b) => zlib.zstdDecompressSync(b);
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return (b) => execFileSync('zstd', ['-d', '-c', '-q'], { input: b, maxBuffer: 256 << 20 });
  } catch {
    return null;
  }
}
const unzstd = zstdDecoder();

const DECODERS = {
  identity: (b) => b,
  gzip: (b) => zlib.gunzipSync(b),
  'x-gzip': (b) => zlib.gunzipSync(b),
  deflate: (b) => zlib.inflateSync(b),
  br: (b) => zlib.brotliDecompressSync(b),
  ...(unzstd ? { zstd: unzstd } : {}),
};

function decode(bytes, encoding) {
  // Content-Encoding lists the codings in the order they were applied.
  const codings = String(encoding || 'identity').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean).reverse();
  for (const c of codings) {
    if (!DECODERS[c]) throw new Error(`cannot decode Content-Encoding ${c}`);
    bytes = DECODERS[c](bytes);
  }
  return bytes;
}

// Offer Cyrus only the codings this proxy can decode, so that it can check
// the downloaded bytes; returns the header unchanged when nothing is dropped.
function decodableAcceptEncoding(value) {
  if (!value) return value;
  const kept = String(value).split(',').map((s) => s.trim()).filter((s) => {
    const name = s.split(';')[0].trim().toLowerCase();
    return name === '*' ? false : name in DECODERS;
  });
  return kept.length ? kept.join(', ') : 'identity';
}

/**
 * Start the proxy on 127.0.0.1 (port 0: a free one).
 * Resolves to {origin, log, downloads, close()}: `log` has one entry per
 * forwarded request; `downloads` one per /jmap/download/ response, with
 * `bytes` (a Buffer of the decoded body) and `blobId`.
 */
export async function startCyrusProxy({ cyrusPort, cyrusHost = '127.0.0.1', port = 0 } = {}) {
  if (!cyrusPort) throw new Error('startCyrusProxy: cyrusPort is required');
  const log = [];
  const downloads = [];

  async function servePkg(p, res) {
    const file = path.resolve(PKG, '.' + decodeURIComponent(p.slice('/pkg'.length)));
    if (!file.startsWith(PKG + path.sep)) { res.writeHead(404); res.end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not in pkg/: ${p}`);
    }
  }

  async function forward(req, res) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const entry = {
      method: req.method, url: req.url, headers: { ...req.headers }, body: body.toString('utf8'),
      status: null, responseHeaders: null, error: null,
    };
    log.push(entry);
    const headers = stripHopByHop(req.headers);
    const accept = decodableAcceptEncoding(headers['accept-encoding']);
    if (accept !== headers['accept-encoding']) {
      entry.acceptEncodingSent = accept;
      headers['accept-encoding'] = accept;
    }
    if (body.length) headers['content-length'] = String(body.length);
    const upstream = httpRequest({ host: cyrusHost, port: cyrusPort, method: req.method, path: req.url, headers });
    upstream.on('response', (up) => {
      entry.status = up.statusCode;
      entry.responseHeaders = { ...up.headers };
      const isDownload = req.url.startsWith('/jmap/download/');
      const got = [];
      res.writeHead(up.statusCode, up.statusMessage, stripHopByHop(up.headers));
      up.on('data', (c) => { if (isDownload) got.push(c); res.write(c); });
      up.on('end', () => {
        res.end();
        if (!isDownload) return;
        const raw = Buffer.concat(got);
        let bytes = raw;
        let decodeError = null;
        try { bytes = decode(raw, up.headers['content-encoding']); } catch (e) { decodeError = String(e); }
        // /jmap/download/{accountId}/{blobId}/{name}
        const parts = new URL(req.url, 'http://x').pathname.split('/').map(decodeURIComponent);
        downloads.push({
          url: req.url, status: up.statusCode, accountId: parts[3], blobId: parts[4],
          contentType: up.headers['content-type'] ?? null, contentEncoding: up.headers['content-encoding'] ?? null,
          bytes, decodeError,
        });
      });
      up.on('error', (e) => { entry.error = String(e); res.destroy(e); });
    });
    upstream.on('error', (e) => {
      entry.error = String(e);
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`cyrus-proxy: Cyrus on ${cyrusHost}:${cyrusPort} did not answer: ${e.message}`);
      } else {
        res.destroy(e);
      }
    });
    upstream.end(body);
  }

  const server = createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    if (p === '/' || p === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE);
    } else if (p.startsWith('/pkg/')) {
      servePkg(p, res);
    } else if (p === '/.well-known/jmap' || p === '/jmap' || p.startsWith('/jmap/')) {
      forward(req, res).catch((e) => { res.destroy(e); });
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`cyrus-proxy: nothing at ${p}`);
    }
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(port, '127.0.0.1', ok); });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    log,
    downloads,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cyrusPort, port] = process.argv.slice(2).map(Number);
  if (!cyrusPort) {
    console.error('usage: node tests/e2e/cyrus-proxy.js CYRUS_HTTP_PORT [PORT]   (HTTP_PORT in .cache/cyrus/instance.env)');
    process.exit(2);
  }
  const proxy = await startCyrusProxy({ cyrusPort, port: port || 0 });
  console.log(`cyrus-proxy: ${proxy.origin}/ -> Cyrus on 127.0.0.1:${cyrusPort} (Ctrl-C to stop)`);
}
