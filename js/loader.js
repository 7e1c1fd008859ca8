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
// and connects it. By default the crypto part is loaded with the module, in
// parallel with it, so the synchronous verify() can do every check.
// With { crypto: 'on-demand' } it is loaded only when a check first needs it:
// verifyAsync() and JmapSmimeClient hand their checks to WebCrypto, and only
// one WebCrypto cannot do or confirm (DSA, Ed25519, MD5, SHA-224, an
// "invalid", no crypto.subtle outside secure contexts) loads the part. A
// synchronous verify() before that fails closed (code "crypto-unavailable"
// in the verdict's errors); await loadCryptoPart() first to use it.
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
  if (options.crypto !== undefined && options.crypto !== 'with-module' && options.crypto !== 'on-demand') {
    throw Object.assign(new TypeError(`crypto: "with-module" or "on-demand", not ${JSON.stringify(options.crypto)}`), { code: 'invalid-argument' });
  }
  const onDemand = options.crypto === 'on-demand';
  const crypto = onDemand ? null : loadCryptoPart(options.cryptoWasm);
  const m = await load();
  await m.default(options.wasm === undefined ? undefined : { module_or_path: options.wasm });
  const connect = async () => m.setSignatureChecker((await loadCryptoPart(options.cryptoWasm)).checkSignature);
  if (onDemand) m.setCryptoLoader(connect);
  else await connect();
  return m;
}

/** True once the crypto part was asked for (by a check, or loadCryptoPart). */
export function cryptoPartRequested() {
  return cryptoPart !== null;
}

/** The verify-only module (Verifier, TrustStore, verifySignatures), connected to the crypto part. */
export function loadVerifier(options = {}) {
  return start(() => import('./jmap_smime_core.js'), options);
}

/** The module with JmapSmimeClient as well, connected to the crypto part. */
export function loadClient(options = {}) {
  return start(() => import('./jmap_smime_client.js'), options);
}
