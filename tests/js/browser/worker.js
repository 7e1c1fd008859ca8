// Module Web Worker: import the package, run the shared checks, post the summary.
import init, * as api from '/pkg/jmap_smime.js';
import { runSmoke } from '/smoke.js';
import { runTrust } from '/trust.js';

const load = async (p) => new Uint8Array(await (await fetch('/fixtures/' + p)).arrayBuffer());

self.onmessage = async () => {
  try {
    await init();
    const summary = { smoke: runSmoke(api), trust: await runTrust(api, load) };
    self.postMessage({ ok: true, summary, scope: self.constructor.name });
  } catch (e) {
    self.postMessage({ ok: false, error: `${e && e.stack || e}` });
  }
};
