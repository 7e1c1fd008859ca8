// Issue 11: examples/vite with no Vite configuration, from the packed
// tarball, under Vite 8 (the example's own) and the last 7, 6 and 5:
// `vite build` served by the reference server (its strict CSP: script-src
// 'self' 'wasm-unsafe-eval'), and the Vite dev server (dependency
// pre-bundling on, as by default) calling the reference server across
// origins. Each must give a main-thread verdict, a WorkerClient verdict and a
// JmapSmimeClient page (examples/app.js).
import { test, after } from 'node:test';
import { createServer } from 'node:net';
import path from 'node:path';
import { assertAppWorks, assertBuiltAppWorks, exampleVersions, prepareExample, run, startChild, startJmap, stopAll, writeSiteFiles } from './harness.js';

after(stopAll);

const VERSIONS = [exampleVersions('vite').vite, '7.3.8', '6.4.6', '5.4.9'];

async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((ok) => srv.on('listening', ok));
  const { port } = srv.address();
  await new Promise((ok) => srv.close(ok));
  return port;
}

for (const version of VERSIONS) {
  let dir;
  const example = () => {
    if (!dir) {
      dir = prepareExample('vite');
      if (version !== VERSIONS[0]) run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `vite@${version}`], dir);
    }
    return dir;
  };

  test(`vite ${version} build: the built app under the reference server and its CSP`, { timeout: 600_000 }, async () => {
    const d = example();
    run('npx', ['vite', 'build'], d);
    await assertBuiltAppWorks(path.join(d, 'dist'));
  });

  test(`vite ${version} dev server: the app from source, the JMAP server on another origin`, { timeout: 600_000 }, async () => {
    const d = example();
    writeSiteFiles(path.join(d, 'public'));
    const port = await freePort();
    const devOrigin = `http://127.0.0.1:${port}`;
    await startChild('npx', ['vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], d, /ready in|Local:/);
    const jmap = await startJmap({ cors: devOrigin });
    await assertAppWorks(`${devOrigin}/?jmap=${encodeURIComponent(jmap)}`);
    stopAll();
  });
}
