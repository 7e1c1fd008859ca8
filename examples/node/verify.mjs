// jmap-smime in Node 20 or later, from the packed tarball, no configuration:
// init() with no argument reads the .wasm from disk. Verifies one message
// against one root, then loads a mailbox page from a JMAP server, and prints
// both as JSON. Node has no Web Workers, so there is no WorkerClient here.
//
//   node verify.mjs ROOT.pem MESSAGE.eml [JMAP_ORIGIN]
import init, { JmapSmimeClient, TrustStore, Verifier } from 'jmap-smime';
import { readFile } from 'node:fs/promises';

const [rootPath, messagePath, jmap] = process.argv.slice(2);
if (!rootPath || !messagePath) {
  console.error('usage: node verify.mjs ROOT.pem MESSAGE.eml [JMAP_ORIGIN]');
  process.exit(2);
}
const now = process.env.NOW ?? new Date().toISOString();

await init();
const trust = TrustStore.empty();
trust.addPem(await readFile(rootPath, 'utf8'));
const bundled = await TrustStore.bundled();
const verdict = new Verifier(trust, { revocation: 'off' }).verify(new Uint8Array(await readFile(messagePath)), { now });
const out = { mainThread: verdict.status, bundledRoots: bundled.size };
if (jmap) {
  const client = await JmapSmimeClient.connect({
    sessionUrl: jmap, auth: { type: 'basic', username: 'demo', password: 'demo' }, verifier: new Verifier(trust, { revocation: 'off' }),
  });
  out.levels = (await client.loadPage({ limit: 10 }, { now })).items.map((i) => i.display.level);
}
console.log(JSON.stringify(out));
