// The smaller first load (issue 10; docs/wasm-size.md). The package ships,
// besides the one-module build (jmap_smime.js, everything in one wasm):
//   jmap_smime_core.js    Verifier, TrustStore, verifySignatures; no JMAP
//                         client and no public-key arithmetic
//   jmap_smime_client.js  the same plus JmapSmimeClient
//   jmap_smime_crypto.js  the crypto part: checkSignature(spki, scheme,
//                         digest, message, hashed, signature) -> code | null,
//                         the pure-Rust RSA, ECDSA, Ed25519 and DSA checks
// A core or client module hands every public-key check to the function given
// to its setSignatureChecker; this loader loads the crypto part (once, shared)
// and connects it. Until a check can be answered asynchronously (WebCrypto),
// the crypto part is loaded with the module, in parallel with it.
//
// In pages and workers the modules and their .wasm are fetched next to this
// file; in Node pass the bytes: loadVerifier({ wasm, cryptoWasm }).

let cryptoPart = null;

/** The crypto part's module, loaded and instantiated once. */
export function loadCryptoPart(source) {
  cryptoPart ??= (async () => {
    const m = await import('./jmap_smime_crypto.js');
    await m.default(source === undefined ? undefined : { module_or_path: source });
    return m;
  })();
  return cryptoPart;
}

async function start(load, options) {
  const crypto = loadCryptoPart(options.cryptoWasm);
  const m = await load();
  await m.default(options.wasm === undefined ? undefined : { module_or_path: options.wasm });
  m.setSignatureChecker((await crypto).checkSignature);
  return m;
}

/** The verify-only module (Verifier, TrustStore, verifySignatures), connected to the crypto part. */
export function loadVerifier(options = {}) {
  return start(() => import('./jmap_smime_core.js'), options);
}

/** The module with JmapSmimeClient as well, connected to the crypto part. */
export function loadClient(options = {}) {
  return start(() => import('./jmap_smime_client.js'), options);
}
