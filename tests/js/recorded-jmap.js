// A JMAP server that replays a recording (tests/recordings/page-*.json) over
// HTTP on 127.0.0.1, with CORS (the page is on another port). The recording's
// origin is rewritten to this server's, so absolute URLs in the session work;
// relative ones (the Cyrus shape) resolve against it too. Requests are logged.
// A response recorded as {"oversize": N} is N bytes streamed chunk by chunk
// with no Content-Length (so the client can only decide on what it reads),
// until the client stops reading.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Write `n` bytes in 1 MiB chunks, without Content-Length, until done or the peer goes away. */
export function streamOversize(res, n, headers) {
  res.writeHead(200, headers);
  const chunk = Buffer.alloc(1 << 20, 0x78);
  let left = n;
  let closed = false;
  res.on('close', () => { closed = true; });
  res.on('error', () => { closed = true; });
  const pump = () => {
    while (left > 0 && !closed) {
      const k = Math.min(left, chunk.length);
      left -= k;
      if (!res.write(k === chunk.length ? chunk : chunk.subarray(0, k))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!closed) res.end();
  };
  pump();
}

export async function startRecorded(name) {
  const rec = JSON.parse(await readFile(path.join(ROOT, 'tests/recordings', name), 'utf8'));
  const recordedOrigin = new URL(rec.sessionUrl).origin;
  const log = [];
  let origin = '';
  const routes = [];
  const server = createServer(async (req, res) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'authorization, content-type, accept-language',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    log.push({ method: req.method, url: req.url, headers: req.headers, body });
    let calls = null;
    if (req.method === 'POST') {
      try { calls = JSON.parse(body).methodCalls.map((c) => c[0]); } catch { calls = []; }
    }
    const x = routes.find((r) => r.method === req.method && r.path === req.url
      && (!r.calls || JSON.stringify(r.calls) === JSON.stringify(calls)));
    if (!x) {
      res.writeHead(404, { ...cors, 'content-type': 'text/plain' });
      res.end(`not recorded: ${req.method} ${req.url}`);
      return;
    }
    const r = x.response;
    if (r.oversize !== undefined) {
      streamOversize(res, r.oversize, { ...cors, 'content-type': r.contentType || 'application/octet-stream', 'cache-control': 'no-store' });
      return;
    }
    let out;
    if (r.json !== undefined) out = JSON.stringify(r.json).replaceAll(recordedOrigin, origin);
    else if (r.file) out = await readFile(path.join(ROOT, r.file));
    else out = r.text ?? '';
    res.writeHead(r.status, { ...cors, 'content-type': r.contentType || 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(out);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  for (const x of rec.exchanges) {
    const u = new URL(x.request.url);
    routes.push({ method: x.request.method, path: u.pathname + u.search, calls: x.request.calls, response: x.response });
  }
  return { origin, sessionUrl: origin, log, close: () => new Promise((ok) => server.close(ok)) };
}
