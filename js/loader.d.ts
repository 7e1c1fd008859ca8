// Types of loader.js: each module namespace has the same exports as the
// one-module build's (jmap_smime.d.ts), the core module without JmapSmimeClient.
type Source = string | URL | Uint8Array | ArrayBuffer | WebAssembly.Module;

export interface LoadOptions {
  /** The module's .wasm (bytes or URL); default next to the module. */
  wasm?: Source;
  /** The crypto part's .wasm; default next to it. */
  cryptoWasm?: Source;
  /**
   * "with-module" (default): the crypto part loads with the module.
   * "on-demand": it loads when a check first needs it (one WebCrypto cannot
   * do); until then the synchronous verify() fails closed for such checks.
   */
  crypto?: 'with-module' | 'on-demand';
}

/** True once the crypto part was asked for. */
export function cryptoPartRequested(): boolean;

export function loadCryptoPart(source?: Source): Promise<typeof import('./jmap_smime_crypto.js')>;
export function loadVerifier(options?: LoadOptions): Promise<typeof import('./jmap_smime_core.js')>;
export function loadClient(options?: LoadOptions): Promise<typeof import('./jmap_smime_client.js')>;
