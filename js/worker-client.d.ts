// Types of WorkerClient. The data types are the ones generated from the Rust
// types into jmap_smime.d.ts; only the method list is written here.
import type {
  Changes,
  ConnectOptions,
  Mailbox,
  Page,
  PageItem,
  PageOptions,
  Progress,
  QueryResult,
  Stats,
  AnchorInfo,
  Verdict,
  VerifierOptions,
  VerifyTimes,
} from './jmap_smime.js';

/** Which anchors the worker's Verifier trusts. */
export interface TrustSpec {
  /** Include the bundled Mozilla email roots (default true). */
  bundled?: boolean;
  /** Extra PEM roots. */
  pem?: string[];
}

/** ConnectOptions without the objects that cannot cross postMessage. */
export type WorkerConnectOptions = Omit<ConnectOptions, 'verifier' | 'fetch'> & {
  trust?: TrustSpec;
  verifierOptions?: VerifierOptions;
  /**
   * A memory of signers (issue 12 §2) for the lead worker: `true` for an
   * empty one, or the bytes `memoryBytes()` gave earlier (IndexedDB).
   */
  memory?: true | Uint8Array;
};

/** Per-call options, as for JmapSmimeClient. */
export interface WorkerCallOptions {
  onProgress?: (progress: Progress) => void;
  /** loadPage only: the server's page, before any verdict (see CallOptions.onServerPage). */
  onServerPage?: (page: Page) => void;
  signal?: AbortSignal;
  now?: Date | number | string;
}

/** The worker's trust store: its fingerprint and anchors. */
export interface TrustSummary {
  fingerprint: string;
  anchors: AnchorInfo[];
}

/** One worker of a pool, as poolStats() reports it. */
export interface PoolWorkerStats {
  role: 'lead' | 'helper';
  /** Helpers attached (the lead). */
  helpers: number;
  /** routeConfig() of its verifier. */
  config: string | null;
  /** Lead: messages handed to a helper, answered, and verified itself (every helper busy). */
  routed: number;
  answered: number;
  here: number;
  /** Lead: helper answers refused (other trust, a failure); helper: requests it refused. */
  refused: number;
  /** Helper: messages verified, and requests dropped by an abort before they started. */
  verified: number;
  cancelled: number;
}

/** The most workers a pool starts. */
export declare const MAX_WORKERS: number;
/** The pool size connect() uses: `workers`, else navigator.hardwareConcurrency - 1 within 1..MAX_WORKERS. */
export declare function poolSize(workers?: number): number;
/** Fetch and compile a .wasm (throws on an HTTP error or a compile error). */
export declare function compileWasm(wasmUrl: string | URL): Promise<WebAssembly.Module>;

export declare class WorkerClient {
  private constructor(worker: Worker, helpers?: Worker[]);
  /**
   * Start the pool without connecting (workers started, module instantiated
   * in each); then connect() the result. `workers`: pool size (1..MAX_WORKERS;
   * default poolSize()).
   */
  static start(where?: { workerUrl?: string | URL; workers?: number }): WorkerClient;
  /** start(where), then connect(options); a failure terminates the pool. */
  static connect(options: WorkerConnectOptions, where?: { workerUrl?: string | URL; workers?: number }): Promise<WorkerClient>;
  /** Resolves once every worker of a started pool has the module instantiated. */
  ready(): Promise<void>;
  /** Connect a started pool (once): the lead opens the session, the helpers load the trust. */
  connect(options: WorkerConnectOptions): Promise<WorkerClient>;
  /** How many workers run (the lead and its helpers). */
  readonly workers: number;
  readonly supportsSmime: boolean;
  readonly accountId: string;
  /** The trust in use after connect(). */
  readonly trust: TrustSummary | null;
  /** A worker with no server: verify() and setTrust() only. */
  static offline(where?: { workerUrl?: string | URL }): WorkerClient;
  mailboxes(): Promise<Mailbox[]>;
  loadPage(query?: PageOptions, options?: WorkerCallOptions): Promise<Page>;
  verifyEmail(id: string, options?: WorkerCallOptions): Promise<PageItem>;
  query(filter?: Record<string, unknown> | null, page?: PageOptions): Promise<QueryResult>;
  changes(sinceState: string, options?: WorkerCallOptions): Promise<Changes>;
  stats(): Promise<Stats>;
  /** Per worker, lead first. */
  poolStats(): Promise<PoolWorkerStats[]>;
  setTrust(trust: TrustSpec, verifierOptions?: VerifierOptions): Promise<TrustSummary | null>;
  /** The memory of signers as bytes, to keep; null when connected without `memory`. */
  memoryBytes(): Promise<Uint8Array | null>;
  /** Accept a changed signer certificate (`signerChange.fingerprint`) for `address` once checked: its warning ends. False when not held. */
  acceptSigner(address: string, fingerprint: string): Promise<boolean>;
  verify(bytes: Uint8Array, times?: VerifyTimes, trust?: TrustSpec, verifierOptions?: VerifierOptions): Promise<Verdict>;
  terminate(): void;
}
