// jmap-smime Web Worker entry (module worker). Runs JmapSmimeClient and
// Verifier off the main thread; the page talks to it through WorkerClient
// (worker-client.js), which has the same methods as JmapSmimeClient.
//
// Protocol: the page posts {id, op, args}; the worker answers
// {id, ok: true, value} or {id, ok: false, error: {code, message}}, and posts
// {id, progress} while a page verifies and {id, serverPage} once per loadPage
// before its downloads. {op: 'abort', args: [id]} aborts the operation `id`.
//
// A pool (issue 10 §3) is one lead worker, which runs the client (every JMAP
// request and download), and helpers, which only verify. The lead compiles
// the module ({op: 'compile'}) and the helpers instantiate that one
// ({op: 'helper', args: [trust, verifierOptions, module]}). WorkerClient gives
// each helper a MessagePort to the lead ({op: 'attach'} to the lead,
// {op: 'serve'} to the helper). The lead takes the downloaded messages in
// turn with its helpers: its own turn it verifies itself, a helper's turn it
// hands over (port message {rid, bytes, args}, answered {rid, ok, verdict |
// error}) unless that helper already has HELPER_QUEUE in hand (then it
// verifies it itself); {cancel: rid} drops a request not yet started. (Taking
// turns, not "the least busy": the lead learns a helper is done only when it
// yields, so counting what helpers hold sent nearly all to one side.) The
// request names the lead's verifier configuration (routeConfig); a helper
// whose trust or policy differs refuses it and the lead verifies it itself,
// so a verdict never comes from other trust.
import init, { CertificateMemory, JmapSmimeClient, TrustStore, Verifier, routeConfig, verifyRouted } from './jmap_smime.js';
import { compileWasm } from './worker-client.js';

/**
 * Requests a helper may hold before the lead verifies its turn itself: the
 * client has at most 4 messages in flight (MAX_DOWNLOAD_CONCURRENCY), so a
 * helper is never the only one kept waiting on.
 */
const HELPER_QUEUE = 4;

let client = null;
let verifier = null;
let config = null;
let anchors = [];
// The lead's memory of signers (issue 12 §2), when connect() asked for one.
let memory = null;
const controllers = new Map();
let started = null;

// Compile and instantiate the module once. A pool compiles it in the lead
// only ({op: 'compile'} returns the WebAssembly.Module) and hands it to the
// helpers, which then only instantiate it: N compiles on a few cores would
// hold up the lead's connect.
function start(module) {
  started ??= (async () => {
    if (module) {
      await init({ module_or_path: module });
      return module;
    }
    const m = await compileWasm(new URL('./jmap_smime_bg.wasm', import.meta.url));
    await init({ module_or_path: m });
    return m;
  })();
  return started;
}
const counts = { routed: 0, answered: 0, refused: 0, here: 0, verified: 0, cancelled: 0 };

async function makeVerifier(trust = {}, options = undefined) {
  const store = trust.bundled === false ? TrustStore.empty() : await TrustStore.bundled();
  for (const pem of trust.pem ?? []) store.addPem(pem);
  anchors = store.anchors();
  const plain = new Verifier(store, options);
  const v = memory ? plain.withMemory(memory) : plain;
  config = routeConfig(v);
  return v;
}

function need(value, what) {
  if (!value) {
    const e = new Error(`${what}: call connect() first`);
    e.code = 'invalid-argument';
    throw e;
  }
  return value;
}

const aborted = () => Object.assign(new Error('The operation was aborted'), { code: 'aborted' });

// ---- the lead: routes downloaded messages to helpers ----
const helpers = [];
// Whose turn the next message is: 0 the lead, i the helper i - 1.
let turn = 0;
const waiting = new Map();
let nextRid = 1;
// The operation of the client that is running (client operations run one at
// a time, in order: `serial`), whose signal an abort comes through.
let running = null;
let chain = Promise.resolve();

function serial(fn) {
  const p = chain.then(fn, fn);
  chain = p.catch(() => {});
  return p;
}

async function attach(port) {
  // The first helper turns the route on (one worker alone verifies with no route).
  if (!helpers.length) await need(client, 'attach').setVerifyRoute(route);
  const helper = { port, inHand: 0 };
  port.onmessage = (event) => {
    const { rid, ok, verdict, error } = event.data ?? {};
    const w = waiting.get(rid);
    if (!w) return;
    waiting.delete(rid);
    helper.inHand--;
    if (ok) {
      counts.answered++;
      w.resolve(verdict);
    } else {
      counts.refused++;
      w.reject(Object.assign(new Error(error?.message ?? 'helper failed'), { code: error?.code ?? 'internal' }));
    }
  };
  helpers.push(helper);
}

// The route the client calls per downloaded message: a Promise of the
// helper's verdict, or null to verify here.
function route(bytes, args) {
  const signal = running?.signal;
  if (signal?.aborted) return Promise.reject(aborted());
  turn = (turn + 1) % (helpers.length + 1);
  const best = turn === 0 ? null : helpers[turn - 1];
  if (!best || best.inHand >= HELPER_QUEUE) {
    counts.here++;
    return null;
  }
  const rid = nextRid++;
  best.inHand++;
  counts.routed++;
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      if (!waiting.delete(rid)) return;
      best.inHand--;
      best.port.postMessage({ cancel: rid });
      reject(aborted());
    };
    waiting.set(rid, {
      resolve: (v) => { signal?.removeEventListener('abort', onAbort); resolve(v); },
      reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    // The lead has no further use for the bytes: move them, do not copy.
    best.port.postMessage({ rid, bytes, args }, [bytes.buffer]);
  });
}

// ---- a helper: verifies what the lead sends, in order, cancellable ----
const queue = [];
const tick = new MessageChannel();
let draining = false;

function serve(port) {
  port.onmessage = (event) => {
    const m = event.data ?? {};
    if (m.cancel !== undefined) {
      const i = queue.findIndex((q) => q.rid === m.cancel);
      if (i >= 0) {
        queue.splice(i, 1);
        counts.cancelled++;
      }
      return;
    }
    queue.push({ ...m, port });
    // One request per task, so a cancel posted meanwhile can still land.
    if (!draining) {
      draining = true;
      tick.port2.postMessage(0);
    }
  };
}

tick.port1.onmessage = async () => {
  const m = queue.shift();
  if (m) {
    try {
      const verdict = await verifyRouted(need(verifier, 'verify'), m.bytes, m.args);
      counts.verified++;
      m.port.postMessage({ rid: m.rid, ok: true, verdict });
    } catch (e) {
      counts.refused++;
      m.port.postMessage({ rid: m.rid, ok: false, error: { code: e?.code ?? 'internal', message: String(e?.message ?? e) } });
    }
  }
  draining = queue.length > 0;
  if (draining) tick.port2.postMessage(0);
};

const ops = {
  async connect(options, module) {
    await start(module);
    const { trust, verifierOptions, memory: kept, ...rest } = options ?? {};
    memory = kept === true ? new CertificateMemory() : kept ? CertificateMemory.fromBytes(kept) : null;
    verifier = await makeVerifier(trust, verifierOptions);
    client = await JmapSmimeClient.connect({ ...rest, verifier });
    return { supportsSmime: client.supportsSmime, accountId: client.accountId, trust: trustSummary() };
  },
  /** A pool helper: a verifier only. */
  async helper(trust, verifierOptions, module) {
    await start(module);
    verifier = await makeVerifier(trust, verifierOptions);
    return trustSummary();
  },
  compile: () => start(),
  /** Instantiate `module` (or fetch and compile it): WorkerClient.start(). */
  async instantiate(module) {
    await start(module);
  },
  attach: (port) => attach(port),
  serve: (port) => serve(port),
  pool: () => ({ role: client ? 'lead' : 'helper', helpers: helpers.length, config, ...counts }),
  async setTrust(trust, verifierOptions) {
    await start();
    verifier = await makeVerifier(trust, verifierOptions);
    if (client) await client.setVerifier(verifier);
    return trustSummary();
  },
  mailboxes: () => need(client, 'mailboxes').mailboxes(),
  loadPage: (query, opts) => need(client, 'loadPage').loadPage(query, opts),
  verifyEmail: (id, opts) => need(client, 'verifyEmail').verifyEmail(id, opts),
  query: (filter, page) => need(client, 'query').query(filter, page),
  changes: (since, opts) => need(client, 'changes').changes(since, opts),
  stats: () => need(client, 'stats').stats(),
  memoryBytes: () => memory?.toBytes() ?? null,
  acceptSigner: (address, fingerprint) => memory?.accept(address, fingerprint) ?? false,
  async verify(bytes, times, trust, verifierOptions) {
    await start();
    const v = trust ? await makeVerifier(trust, verifierOptions) : (verifier ?? await makeVerifier({}, verifierOptions));
    return v.verify(bytes, times);
  },
};

// The operations that run on the client with a signal (one at a time, so the
// route knows whose signal to follow).
const CLIENT_OPS = new Set(['loadPage', 'verifyEmail', 'changes']);

function trustSummary() {
  return verifier ? { fingerprint: verifier.trustFingerprint(), anchors } : null;
}

self.onmessage = async (event) => {
  const { id, op, args = [] } = event.data ?? {};
  if (op === 'abort') {
    controllers.get(args[0])?.abort();
    return;
  }
  if (op === 'attach' || op === 'serve') args.unshift(event.ports[0]);
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    const fn = ops[op];
    if (!fn) throw Object.assign(new Error(`unknown operation ${op}`), { code: 'invalid-argument' });
    let value;
    // The call options (last argument of loadPage/verifyEmail/changes) get a
    // progress relay and the abort signal; functions cannot cross postMessage.
    if (CLIENT_OPS.has(op)) {
      const opts = { ...(args[1] ?? {}), signal: controller.signal, onProgress: (progress) => self.postMessage({ id, progress }) };
      if (op === 'loadPage') opts.onServerPage = (serverPage) => self.postMessage({ id, serverPage });
      args[1] = opts;
      value = await serial(() => {
        running = controller;
        return fn(...args);
      });
    } else {
      value = await fn(...args);
    }
    self.postMessage({ id, ok: true, value });
  } catch (e) {
    self.postMessage({ id, ok: false, error: { code: e?.code ?? 'internal', message: String(e?.message ?? e) } });
  } finally {
    controllers.delete(id);
  }
};
