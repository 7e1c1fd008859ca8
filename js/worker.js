// jmap-smime Web Worker entry (module worker). Runs JmapSmimeClient and
// Verifier off the main thread; the page talks to it through WorkerClient
// (worker-client.js), which has the same methods as JmapSmimeClient.
//
// Protocol: the page posts {id, op, args}; the worker answers
// {id, ok: true, value} or {id, ok: false, error: {code, message}}, and posts
// {id, progress} while a page verifies. {op: 'abort', args: [id]} aborts the
// operation `id`.
import init, { JmapSmimeClient, TrustStore, Verifier } from './jmap_smime.js';

let client = null;
let verifier = null;
let anchors = [];
const controllers = new Map();

async function makeVerifier(trust = {}, options = undefined) {
  const store = trust.bundled === false ? TrustStore.empty() : await TrustStore.bundled();
  for (const pem of trust.pem ?? []) store.addPem(pem);
  anchors = store.anchors();
  return new Verifier(store, options);
}

function need(value, what) {
  if (!value) {
    const e = new Error(`${what}: call connect() first`);
    e.code = 'invalid-argument';
    throw e;
  }
  return value;
}

const ops = {
  async connect(options) {
    await init();
    const { trust, verifierOptions, ...rest } = options ?? {};
    verifier = await makeVerifier(trust, verifierOptions);
    client = await JmapSmimeClient.connect({ ...rest, verifier });
    return { supportsSmime: client.supportsSmime, accountId: client.accountId, trust: trustSummary() };
  },
  async setTrust(trust, verifierOptions) {
    await init();
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
  async verify(bytes, times, trust, verifierOptions) {
    await init();
    const v = trust ? await makeVerifier(trust, verifierOptions) : (verifier ?? await makeVerifier({}, verifierOptions));
    return v.verify(bytes, times);
  },
};

function trustSummary() {
  return verifier ? { fingerprint: verifier.trustFingerprint(), anchors } : null;
}

self.onmessage = async (event) => {
  const { id, op, args = [] } = event.data ?? {};
  if (op === 'abort') {
    controllers.get(args[0])?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    const fn = ops[op];
    if (!fn) throw Object.assign(new Error(`unknown operation ${op}`), { code: 'invalid-argument' });
    // The call options (last argument of loadPage/verifyEmail/changes) get a
    // progress relay and the abort signal; functions cannot cross postMessage.
    if (op === 'loadPage' || op === 'verifyEmail' || op === 'changes') {
      const opts = { ...(args[1] ?? {}), signal: controller.signal, onProgress: (progress) => self.postMessage({ id, progress }) };
      args[1] = opts;
    }
    const value = await fn(...args);
    self.postMessage({ id, ok: true, value });
  } catch (e) {
    self.postMessage({ id, ok: false, error: { code: e?.code ?? 'internal', message: String(e?.message ?? e) } });
  } finally {
    controllers.delete(id);
  }
};
