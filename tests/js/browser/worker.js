// Module Web Worker: import the package, run the shared checks, post the summary.
import init, * as api from '/pkg/jmap_smime.js';
import { runSmoke } from '/smoke.js';

self.onmessage = async () => {
  try {
    await init();
    self.postMessage({ ok: true, summary: runSmoke(api), scope: self.constructor.name });
  } catch (e) {
    self.postMessage({ ok: false, error: `${e && e.stack || e}` });
  }
};
