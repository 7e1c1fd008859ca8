// webpack 5: an entry and an output directory, nothing for jmap-smime. The
// package's new Worker(new URL('./worker.js', import.meta.url)) becomes a
// worker chunk, its new URL('….wasm', import.meta.url) an emitted asset.
import path from 'node:path';

export default {
  mode: 'production',
  entry: './main.js',
  output: { path: path.resolve(import.meta.dirname, 'dist'), clean: true },
  performance: { hints: false },
};
