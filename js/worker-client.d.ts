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
};

/** Per-call options, as for JmapSmimeClient. */
export interface WorkerCallOptions {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  now?: Date | number | string;
}

/** The worker's trust store: its fingerprint and anchors. */
export interface TrustSummary {
  fingerprint: string;
  anchors: AnchorInfo[];
}

export declare class WorkerClient {
  private constructor(worker: Worker);
  static connect(options: WorkerConnectOptions, where?: { workerUrl?: string | URL }): Promise<WorkerClient>;
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
  setTrust(trust: TrustSpec, verifierOptions?: VerifierOptions): Promise<TrustSummary | null>;
  verify(bytes: Uint8Array, times?: VerifyTimes, trust?: TrustSpec, verifierOptions?: VerifierOptions): Promise<Verdict>;
  terminate(): void;
}
