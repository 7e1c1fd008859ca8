// WorkerClient: the JmapSmimeClient API, run in a module Web Worker
// (worker.js) so verification never blocks the page. Same methods and
// results; the differences are what cannot cross postMessage: connect() takes
// a trust description instead of a Verifier, and no custom fetch.
export class WorkerClient {
  #worker;
  #next = 1;
  #pending = new Map();

  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = (event) => {
      const { id, ok, value, error, progress } = event.data ?? {};
      const p = this.#pending.get(id);
      if (!p) return;
      if (progress) {
        try { p.onProgress?.(progress); } catch { /* a throwing callback must not stop the load */ }
        return;
      }
      this.#pending.delete(id);
      if (ok) p.resolve(value);
      else p.reject(Object.assign(new Error(error?.message ?? 'worker error'), { code: error?.code ?? 'internal' }));
    };
    worker.onerror = (event) => {
      for (const p of this.#pending.values()) p.reject(Object.assign(new Error(event.message || 'worker failed'), { code: 'internal' }));
      this.#pending.clear();
    };
  }

  /** Start a worker from `workerUrl` (default: worker.js next to this file) and connect it. */
  static async connect(options, { workerUrl } = {}) {
    const url = workerUrl ?? new URL('./worker.js', import.meta.url);
    const client = new WorkerClient(new Worker(url, { type: 'module' }));
    let info;
    try {
      info = await client.#call('connect', [options]);
    } catch (e) {
      // A failed connect leaves nothing running.
      client.terminate();
      throw e;
    }
    client.supportsSmime = info.supportsSmime;
    client.accountId = info.accountId;
    client.trust = info.trust;
    return client;
  }

  /** A worker that is not connected to a server: verify() and setTrust() only (a dropped .eml). */
  static offline({ workerUrl } = {}) {
    const url = workerUrl ?? new URL('./worker.js', import.meta.url);
    return new WorkerClient(new Worker(url, { type: 'module' }));
  }

  #call(op, args, callOptions) {
    const id = this.#next++;
    const { onProgress, signal, ...rest } = callOptions ?? {};
    if (callOptions) args = [...args, rest];
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(Object.assign(new Error('The operation was aborted'), { code: 'aborted' }));
        return;
      }
      this.#pending.set(id, { resolve, reject, onProgress });
      signal?.addEventListener('abort', () => this.#worker.postMessage({ op: 'abort', args: [id] }), { once: true });
      this.#worker.postMessage({ id, op, args });
    });
  }

  mailboxes() { return this.#call('mailboxes', []); }
  loadPage(query, options) { return this.#call('loadPage', [query ?? {}], options ?? {}); }
  verifyEmail(id, options) { return this.#call('verifyEmail', [id], options ?? {}); }
  query(filter, page) { return this.#call('query', [filter ?? null, page ?? {}]); }
  changes(sinceState, options) { return this.#call('changes', [sinceState], options ?? {}); }
  stats() { return this.#call('stats', []); }
  /** Replace the trust (bundled roots on/off, extra PEM roots); empties the verdict cache. */
  setTrust(trust, verifierOptions) { return this.#call('setTrust', [trust, verifierOptions]); }
  /** Verify raw message bytes in the worker (no server): a Verdict. */
  verify(bytes, times, trust, verifierOptions) { return this.#call('verify', [bytes, times, trust, verifierOptions]); }
  /** Stop the worker; calls still pending reject with code "aborted". */
  terminate() {
    this.#worker.terminate();
    for (const p of this.#pending.values()) p.reject(Object.assign(new Error('The worker was terminated'), { code: 'aborted' }));
    this.#pending.clear();
  }
}
