// The page of bench/server-page.mjs, served by the reference server as a file
// (its Content-Security-Policy allows no inline script). It runs one mode as
// soon as it loads and leaves the outcome in window.result (a promise that
// resolves to the figures, or to { error }):
//   ?mode=local   JmapSmimeClient, client verification on
//   ?mode=server  the same with localCheck: false (the server's status alone)
//   ?mode=worker  WorkerClient (pkg/worker-client.js), &workers=N the pool
//                 size (default: the library's, min(cores, 4))
// &limit=N is the page size. The page's own Verifier trusts /root.pem only.
// Times are performance.now() (0 = navigation start).
const params = new URLSearchParams(location.search);
const mode = params.get('mode');
const LIMIT = Number(params.get('limit'));
const auth = { type: 'basic', username: 'demo', password: 'demo' };

const count = (list, key) => {
  const out = {};
  for (const i of list) out[key(i)] = (out[key(i)] || 0) + 1;
  return out;
};

// The same downloads alone from this page: 4 at a time (the client's
// concurrency), bypassing the HTTP cache, nothing verified.
async function downloadsAlone(page) {
  const h = { authorization: 'Basic ' + btoa('demo:demo') };
  const session = await (await fetch('/.well-known/jmap', { headers: h })).json();
  const urls = page.items.map((i) => new URL(session.downloadUrl.replace('{accountId}', encodeURIComponent(page.accountId))
    .replace('{blobId}', encodeURIComponent(i.email.blobId)).replace('{name}', 'message.eml')
    .replace('{type}', encodeURIComponent('message/rfc822')), location.origin).href);
  const bodies = new Array(urls.length);
  const queue = urls.map((u, i) => [u, i]);
  const f0 = performance.now();
  await Promise.all([0, 1, 2, 3].map(async () => {
    for (let next; (next = queue.shift());) {
      const [u, i] = next;
      const res = await fetch(u, { headers: h, cache: 'no-store' });
      if (!res.ok) throw new Error(`download ${u}: HTTP ${res.status}`);
      bodies[i] = new Uint8Array(await res.arrayBuffer());
    }
  }));
  return { ms: performance.now() - f0, bodies };
}

// The same messages verified one after another with a Verifier of the same
// trust, nothing else (no network, no JMAP, no reconciliation).
function verifyAlone(mod, rootPem, page, bodies) {
  const trust = mod.TrustStore.empty();
  trust.addPem(rootPem);
  const v = new mod.Verifier(trust);
  const now = Date.now() + 1_200_000;
  const v0 = performance.now();
  page.items.forEach((item, i) => v.verify(bodies[i], { now, receivedAt: item.email.receivedAt }));
  return performance.now() - v0;
}

async function loadAll(client, t, local) {
  let first = null;
  let serverList = null;
  // One `now` for the first load and the cached one: the verdict cache is
  // bucketed by time (5 min), and a boundary between them would verify again.
  const now = Date.now();
  t.load0 = performance.now();
  const page = await client.loadPage({ limit: LIMIT }, {
    now,
    onServerPage: () => { serverList ??= performance.now(); },
    onProgress: () => { first ??= performance.now(); },
  });
  t.all = performance.now();
  t.first = first;
  t.serverList = serverList;
  const r0 = performance.now();
  await client.loadPage({ limit: LIMIT }, { now });
  t.reload = performance.now() - r0;
  const stats = await client.stats();
  // The page once more at now + 10 min: a new verdict-cache time bucket, so
  // every message is verified again, the module warm by now (the downloads
  // come from the HTTP cache: the server marks blobs immutable).
  const w0 = performance.now();
  await client.loadPage({ limit: LIMIT }, { now: now + 600000 });
  t.warm = performance.now() - w0;
  const after = await client.stats();
  let pool = null;
  if (local) {
    const alone = await downloadsAlone(page);
    t.fetchOnly = alone.ms;
    t.verifyOnly = verifyAlone(local.mod, local.rootPem, page, alone.bodies);
  }
  if (client.poolStats) pool = await client.poolStats();
  return {
    t, after, stats, pool, cores: navigator.hardwareConcurrency, items: page.items.length, total: page.total,
    levels: count(page.items, (i) => i.display.level), sources: count(page.items, (i) => i.clientSource),
  };
}

async function run() {
  if (!['local', 'server', 'worker'].includes(mode) || !(LIMIT > 0)) throw new Error(`bad query ${location.search}`);
  const t = {};
  // The anchor is fetched after the module, before connect: outside the
  // connect→all spans (times from navigation include this small fetch).
  const anchor = async () => (await fetch('/root.pem')).text();
  if (mode === 'worker') {
    const { WorkerClient } = await import('/pkg/worker-client.js');
    t.import = performance.now();
    // As the page mode's init() comes before connect: the pool starts and
    // instantiates the module (WorkerClient.start), then connect() opens
    // the session and loads the trust in every worker.
    const workers = params.has('workers') ? Number(params.get('workers')) : undefined;
    const client = WorkerClient.start({ workers });
    await client.ready();
    t.init = performance.now();
    const rootPem = await anchor();
    t.connect0 = performance.now();
    await client.connect({ sessionUrl: location.origin, auth, trust: { bundled: false, pem: [rootPem] } });
    t.connected = performance.now();
    try {
      return await loadAll(client, t, null);
    } finally {
      client.terminate();
    }
  }
  const mod = await import('/pkg/jmap_smime.js');
  t.import = performance.now();
  await mod.default();
  t.init = performance.now();
  const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
  t.wasmFetch = wasm ? wasm.responseEnd - wasm.startTime : null;
  const rootPem = await anchor();
  const trust = mod.TrustStore.empty();
  trust.addPem(rootPem);
  const verifier = new mod.Verifier(trust);
  t.connect0 = performance.now();
  const client = await mod.JmapSmimeClient.connect({ sessionUrl: location.origin, auth, verifier, localCheck: mode !== 'server' });
  t.connected = performance.now();
  try {
    return await loadAll(client, t, mode === 'local' ? { mod, rootPem } : null);
  } finally {
    client.free();
  }
}

window.result = run().catch((e) => ({ error: String((e && e.stack) || e) + (e && e.code ? ' [' + e.code + ']' : '') }));
