// Compile-time check of pkg/loader.d.ts and the split modules' types (issue 10):
// the core module has the verify API and no JmapSmimeClient, the client module
// has both, the crypto part's checkSignature answers string | null.
import { loadVerifier, loadClient, loadCryptoPart } from '../../pkg/loader.js';

export async function split(bytes: Uint8Array, wasm: Uint8Array): Promise<string | null> {
  const core = await loadVerifier({ wasm, cryptoWasm: new URL('x.wasm', 'https://example.invalid/') });
  const trust = core.TrustStore.empty();
  const verdict = new core.Verifier(trust, { allowLegacy: false }).verify(bytes, { now: Date.now() });
  const status = verdict.status;
  // @ts-expect-error: the verify-only module has no JMAP client
  core.JmapSmimeClient;
  const client = await loadClient();
  const connect: typeof client.JmapSmimeClient.connect = client.JmapSmimeClient.connect;
  void connect;
  const crypto = await loadCryptoPart();
  const answer: string | null = crypto.checkSignature(bytes, '{"kind":"ed25519"}', 'sha-512', bytes, bytes, bytes);
  // @ts-expect-error: a checker's scheme is a JSON string
  crypto.checkSignature(bytes, { kind: 'ed25519' }, 'sha-512', bytes, bytes, bytes);
  core.setSignatureChecker(crypto.checkSignature);
  return answer ?? status ?? null;
}
