// The example app every bundler example builds (examples/README.md): the
// three ways a webmail uses jmap-smime, each reported in window.result for
// the test that drives the page (tests/examples.test.js).
//
//   1. a verdict on the main thread: init(), a TrustStore, a Verifier;
//   2. a verdict in a Web Worker: WorkerClient (the package's worker.js,
//      which the bundler must find from new URL('./worker.js', import.meta.url));
//   3. a mailbox page from the JMAP server: JmapSmimeClient.loadPage.
//
// The page is served with root.pem (the test PKI's root) and message.eml (a
// message that root's user signed) beside it; the JMAP server is this page's
// origin unless ?jmap=<origin> names another.
import init, { JmapSmimeClient, TrustStore, Verifier } from 'jmap-smime';
import { WorkerClient } from 'jmap-smime/worker-client.js';

const NOW = '2026-06-01T00:00:00Z';

async function get(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res;
}

async function run() {
  await init();
  const rootPem = await (await get('root.pem')).text();
  const message = new Uint8Array(await (await get('message.eml')).arrayBuffer());
  const trust = TrustStore.empty();
  trust.addPem(rootPem);
  const verifier = new Verifier(trust, { revocation: 'off' });
  const mainThread = (await verifier.verifyAsync(message, { now: NOW })).status;

  const worker = WorkerClient.offline();
  const inWorker = (await worker.verify(message, { now: NOW }, { bundled: false, pem: [rootPem] }, { revocation: 'off' })).status;
  worker.terminate();

  const sessionUrl = new URLSearchParams(location.search).get('jmap') ?? location.origin;
  const client = await JmapSmimeClient.connect({
    sessionUrl, auth: { type: 'basic', username: 'demo', password: 'demo' }, verifier: new Verifier(trust, { revocation: 'off' }),
  });
  const page = await client.loadPage({ limit: 10 }, { now: NOW });
  return { mainThread, inWorker, levels: page.items.map((i) => i.display.level) };
}

window.result = run().catch((e) => ({ error: String(e?.stack ?? e), code: e?.code }));
