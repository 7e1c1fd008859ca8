// jmap-smime's Web Worker entry (worker.js): it exports nothing. A page uses
// it through WorkerClient (worker-client.js); a worker of your own may
// `import 'jmap-smime/worker.js'` to become one.
export {};
