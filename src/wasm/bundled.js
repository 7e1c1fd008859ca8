// Loads the bundled trust anchors (email-roots.bin: assets/roots/email-roots.der
// under a name dev servers serve) for TrustStore.bundled().
// This is the only I/O of the package, and it lives here, in JS, so the wasm
// core never fetches: Rust only parses the bytes handed back.
//
// wasm-bindgen copies this file to pkg/snippets/<crate>-<hash>/src/wasm/, four
// directories below the package root, where build-wasm.sh puts the asset.
const BESIDE_MODULE = new URL('../../../../email-roots.bin', import.meta.url);
// Vite 5 to 7's dev server runs this file pre-bundled from
// node_modules/.vite/deps/: the package's own copy is two levels up (a
// variable, so that bundlers leave it alone).
const OWN = '../../jmap-smime/email-roots.bin';
const DEFAULT_URL = import.meta.url.includes('/node_modules/.vite/deps/') ? new URL(OWN, import.meta.url) : BESIDE_MODULE;

/**
 * Load the anchor file and resolve to `parse(bytes)` (Rust's
 * TrustStore.fromBundle, passed in by TrustStore.bundled()).
 * @param {undefined | null | string | URL | Uint8Array | ArrayBuffer} source
 * @param {(bytes: Uint8Array) => unknown} parse
 */
export async function loadBundledRoots(source, parse) {
  return parse(await loadBytes(source));
}

/**
 * The anchor file as bytes. `source` may be the bytes themselves
 * (Uint8Array or ArrayBuffer), or a URL or string to load them from; by
 * default the file next to the package's module. Pages and workers fetch it;
 * Node reads file: URLs from disk.
 * @param {undefined | null | string | URL | Uint8Array | ArrayBuffer} source
 * @returns {Promise<Uint8Array>}
 */
async function loadBytes(source) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const url = source == null ? DEFAULT_URL : new URL(String(source), DEFAULT_URL);
  if (url.protocol === 'file:') {
    // Node (and Deno): fetch() does not read file: URLs in Node 20. The
    // specifier is a variable so that bundlers for the web leave it alone.
    const fsModule = 'node:fs/promises';
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsModule);
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`TrustStore.bundled(): HTTP ${res.status} for ${url}`);
  return new Uint8Array(await res.arrayBuffer());
}
