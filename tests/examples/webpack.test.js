// Issue 11: examples/webpack (webpack 5, an entry and an output directory,
// nothing for jmap-smime) from the packed tarball, built and served by the
// reference server under its CSP: main-thread verdict, WorkerClient verdict,
// JmapSmimeClient page (examples/app.js).
import { test, after } from 'node:test';
import path from 'node:path';
import { assertBuiltAppWorks, prepareExample, run, stopAll } from './harness.js';

after(stopAll);

test('webpack 5 build: the built app under the reference server and its CSP', { timeout: 600_000 }, async () => {
  const d = prepareExample('webpack');
  run('npm', ['run', 'build'], d);
  await assertBuiltAppWorks(path.join(d, 'dist'));
});
