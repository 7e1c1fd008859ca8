// WorkerClient: the JmapSmimeClient API, run in module Web Workers
// (worker.js) so verification never blocks the page. Same methods and
// results; the differences are what cannot cross postMessage: connect() takes
// a trust description instead of a Verifier, and no custom fetch.
//
// A pool (issue 10 §3): connect() starts `workers` workers (default
// navigator.hardwareConcurrency - 1, at least 1, at most MAX_WORKERS). The first, the lead, runs
// the client: every JMAP request and download happens there, once. The others
// are helpers with the same trust and policy that verify the messages the
// lead downloads (see worker.js); setTrust() reaches every one of them before
// it resolves, and a helper whose trust differs from the lead's is never
// asked (the lead verifies itself), so verdicts are those of one worker.

/** The most workers a pool starts (more rarely pays: 4 downloads run at a time). */
export const MAX_WORKERS = 4;

const failure = (message, code) => Object.assign(new Error(message), { code });

// One worker and its request/answer bookkeeping.
class Channel {
  #worker;
  #next = 1;
  #pending = new Map();
  #failed = null;

  constructor(worker, url) {
    this.#worker = worker;
    worker.onmessage = (event) => {
      const { id, ok, value, error, progress, serverPage } = event.data ?? {};
      const p = this.#pending.get(id);
      if (!p) return;
      if (progress || serverPage) {
        // A throwing callback must not stop the load.
        try {
          if (progress) p.onProgress?.(progress);
          else p.onServerPage?.(serverPage);
        } catch { /* ignored */ }
        return;
      }
      this.#pending.delete(id);
      if (ok) p.resolve(value);
      else p.reject(failure(error?.message ?? 'worker error', error?.code ?? 'internal'));
    };
    worker.onerror = (event) => {
      // A worker that never started (a 404, a refused CSP, a bundler that
      // copied worker.js without its imports) reports nothing else: say so.
      const what = event.message ? `: ${event.message}` : '';
      const err = failure(`the jmap-smime Web Worker (${url}) failed${what}. Serve worker.js, jmap_smime.js and `
        + 'jmap_smime_bg.wasm next to worker-client.js (a bundler does when the worker is its new URL(\'./worker.js\', import.meta.url)), '
        + "and allow them in the page's Content-Security-Policy: worker-src 'self'; script-src 'self' 'wasm-unsafe-eval'.", 'worker-failed');
      // Calls made later fail the same way rather than wait for ever.
      this.#failed = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
      event.preventDefault?.();
    };
  }

  call(op, args, callOptions, transfer = []) {
    const id = this.#next++;
    const { onProgress, onServerPage, signal, ...rest } = callOptions ?? {};
    if (callOptions) args = [...args, rest];
    return new Promise((resolve, reject) => {
      if (this.#failed) {
        reject(this.#failed);
        return;
      }
      if (signal?.aborted) {
        reject(failure('The operation was aborted', 'aborted'));
        return;
      }
      this.#pending.set(id, { resolve, reject, onProgress, onServerPage });
      signal?.addEventListener('abort', () => this.#worker.postMessage({ op: 'abort', args: [id] }), { once: true });
      this.#worker.postMessage({ id, op, args }, transfer);
    });
  }

  terminate() {
    this.#worker.terminate();
    for (const p of this.#pending.values()) p.reject(failure('The worker was terminated', 'aborted'));
    this.#pending.clear();
  }
}

/**
 * How many workers: `workers` if given, else one per core but one (the page's
 * own thread needs a core too), within 1..MAX_WORKERS. On 2 cores that is a
 * single worker: there a pool of two measured slower than one worker
 * (bench/server-page.mjs), shipping a message and its verdict between
 * workers costing about what verifying it does.
 */
/** Fetch and compile a .wasm: a WebAssembly.Module (the page's and the lead worker's one way). */
export async function compileWasm(wasmUrl) {
  const res = await fetch(wasmUrl);
  if (!res.ok) throw new Error(`${wasmUrl}: HTTP ${res.status}`);
  try {
    return await WebAssembly.compileStreaming(res.clone());
  } catch {
    // A server that does not say application/wasm.
    return await WebAssembly.compile(await res.arrayBuffer());
  }
}

/**
 * Where `file` of the package is when this module runs from Vite 5 to 7's
 * dev-server cache (node_modules/.vite/deps/, where the package's other
 * files are not): its own directory, two levels up; null elsewhere. The path
 * is a variable so that bundlers leave it alone.
 */
function inViteCache(file) {
  if (!import.meta.url.includes('/node_modules/.vite/deps/')) return null;
  const own = `../../jmap-smime/${file}`;
  return new URL(own, import.meta.url);
}

/** The package's .wasm. */
function packageWasm() {
  return inViteCache('jmap_smime_bg.wasm') ?? new URL('./jmap_smime_bg.wasm', import.meta.url);
}

/**
 * The module compiled in this page, or undefined where that fails (no
 * network, a CSP without 'wasm-unsafe-eval'); then the lead worker fetches it
 * itself.
 */
async function compileHere(wasmUrl) {
  try {
    return await compileWasm(wasmUrl);
  } catch {
    return undefined;
  }
}

/**
 * The default worker, for messages: a plain string, as a second
 * `new URL('./worker.js', import.meta.url)` would make bundlers copy the file
 * once more as a raw asset.
 */
const DEFAULT_WORKER = 'worker.js next to worker-client.js';

/**
 * The package's worker. The URL is written out inside `new Worker(...)` on
 * purpose: that literal form is what Vite, webpack 5 and esbuild recognise
 * to bundle worker.js with its imports and rewrite the URL (issue 11).
 */
function defaultWorker() {
  const cached = inViteCache('worker.js');
  if (cached) return new Worker(cached, { type: 'module' });
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

export function poolSize(workers) {
  const cores = globalThis.navigator?.hardwareConcurrency || 1;
  const n = workers ?? Math.min(Math.max(cores - 1, 1), MAX_WORKERS);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw failure(`workers: ${workers}: want a whole number from 1 to ${MAX_WORKERS}`, 'invalid-argument');
  return n;
}

export class WorkerClient {
  #lead;
  #helpers;

  #ready;
  #connected = false;

  constructor(worker, helpers = [], workerUrl = undefined) {
    const url = String(workerUrl ?? DEFAULT_WORKER);
    this.#lead = new Channel(worker, url);
    this.#helpers = helpers.map((w) => new Channel(w, url));
  }

  /**
   * Start the pool from `workerUrl` (default: worker.js next to this file)
   * without connecting: the workers start and every one of them
   * instantiates the module, while the page goes on (a webmail can do this
   * at boot, before the user has logged in, as a page calls init()). Then
   * `connect(options)` on the result. `workers`: how many (default
   * poolSize()); 1 is a single worker.
   */
  static start({ workerUrl, workers } = {}) {
    const n = poolSize(workers);
    const spawn = workerUrl ? () => new Worker(workerUrl, { type: 'module' }) : defaultWorker;
    // The module is fetched and compiled here while the workers start (a
    // compiled WebAssembly.Module goes to a worker by postMessage, its code
    // shared); a page whose CSP refuses wasm leaves that to the lead.
    const compiled = workerUrl ? Promise.resolve(undefined) : compileHere(packageWasm());
    const client = new WorkerClient(spawn(), Array.from({ length: n - 1 }, spawn), workerUrl);
    client.workers = n;
    client.#ready = (async () => {
      // One compile for the pool; every worker instantiates that module.
      let module = await compiled;
      if (!module && client.#helpers.length) module = await client.#lead.call('compile', []);
      await Promise.all([client.#lead, ...client.#helpers].map((w) => w.call('instantiate', [module])));
      return module;
    })();
    // Until someone awaits ready() or connect(), a failure is held, not thrown.
    client.#ready.catch(() => {});
    return client;
  }

  /**
   * Start the pool (see start()) and connect its lead: the one call for a
   * page that has nothing to do before it connects.
   */
  static async connect(options, where = {}) {
    const client = WorkerClient.start(where);
    try {
      return await client.connect(options);
    } catch (e) {
      // A failed connect leaves nothing running.
      client.terminate();
      throw e;
    }
  }

  /** Resolves once every worker of a started pool has the module instantiated. */
  async ready() {
    await this.#ready;
  }

  /**
   * Connect a started pool: the lead opens the JMAP session, every helper
   * loads the same trust and policy. Resolves to this client. Once only.
   */
  async connect(options) {
    if (this.#connected) throw failure('connect(): this WorkerClient is already connected; start() a new one', 'invalid-argument');
    this.#connected = true;
    const module = await this.#ready;
    const { trust, verifierOptions } = options ?? {};
    const ready = this.#helpers.map((h) => h.call('helper', [trust, verifierOptions, module]));
    const info = await this.#lead.call('connect', [options, module]);
    await Promise.all(ready);
    await Promise.all(this.#helpers.map((h) => {
      const { port1, port2 } = new MessageChannel();
      return Promise.all([h.call('serve', [], undefined, [port2]), this.#lead.call('attach', [], undefined, [port1])]);
    }));
    this.supportsSmime = info.supportsSmime;
    this.accountId = info.accountId;
    this.trust = info.trust;
    return this;
  }

  /** A worker that is not connected to a server: verify() and setTrust() only (a dropped .eml). */
  static offline({ workerUrl } = {}) {
    const worker = workerUrl ? new Worker(workerUrl, { type: 'module' }) : defaultWorker();
    const client = new WorkerClient(worker, [], workerUrl);
    client.workers = 1;
    return client;
  }

  mailboxes() { return this.#lead.call('mailboxes', []); }
  /** Load a page; `onServerPage(page)` first (the server's status), then `onProgress` per verdict. */
  loadPage(query, options) { return this.#lead.call('loadPage', [query ?? {}], options ?? {}); }
  verifyEmail(id, options) { return this.#lead.call('verifyEmail', [id], options ?? {}); }
  query(filter, page) { return this.#lead.call('query', [filter ?? null, page ?? {}]); }
  changes(sinceState, options) { return this.#lead.call('changes', [sinceState], options ?? {}); }
  stats() { return this.#lead.call('stats', []); }
  /** The memory of signers as bytes, to keep (null: connected without `memory`). */
  memoryBytes() { return this.#lead.call('memoryBytes', []); }
  /** Accept a changed signer certificate (`verdict.signerChange.fingerprint`) for `address`: its warning ends. */
  acceptSigner(address, fingerprint) { return this.#lead.call('acceptSigner', [address, fingerprint]); }
  /** Per worker, lead first: how many messages it routed, verified, refused, cancelled. */
  poolStats() { return Promise.all([this.#lead, ...this.#helpers].map((w) => w.call('pool', []))); }
  /**
   * Replace the trust (bundled roots on/off, extra PEM roots) in every
   * worker of the pool; empties the verdict cache. Resolves once all have it.
   */
  async setTrust(trust, verifierOptions) {
    const [summary] = await Promise.all([this.#lead, ...this.#helpers].map((w) => w.call('setTrust', [trust, verifierOptions])));
    return summary;
  }
  /** Verify raw message bytes in the worker (no server): a Verdict. */
  verify(bytes, times, trust, verifierOptions) { return this.#lead.call('verify', [bytes, times, trust, verifierOptions]); }
  /** Stop every worker; calls still pending reject with code "aborted". */
  terminate() {
    for (const w of [this.#lead, ...this.#helpers]) w.terminate();
  }
}
