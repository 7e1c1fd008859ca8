// esbuild bundles JavaScript but leaves new URL('…', import.meta.url) alone:
// it neither follows the package's worker nor emits its assets. So this build
// names the worker as a second entry point (dist/worker.js, where the bundled
// new URL('./worker.js', import.meta.url) looks for it) and copies the two
// assets next to the bundles: the .wasm, and the bundled roots for
// TrustStore.bundled(). That is the whole copy step (README, "Bundlers").
import * as esbuild from 'esbuild';
import { cpSync } from 'node:fs';

const pkg = 'node_modules/jmap-smime';
await esbuild.build({
  entryPoints: ['main.js', { in: `${pkg}/worker.js`, out: 'worker' }],
  bundle: true,
  format: 'esm',
  outdir: 'dist',
  logLevel: 'warning',
});
for (const asset of ['jmap_smime_bg.wasm', 'email-roots.bin']) cpSync(`${pkg}/${asset}`, `dist/${asset}`);
cpSync('index.html', 'dist/index.html');
