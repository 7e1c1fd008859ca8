// What a page loads before its first verdict (issue 10, docs/wasm-size.md):
// the entry modules, every module they import statically (relative imports,
// followed), and the .wasm files named; each file gzip -9 on its own, as a
// server sends it. One implementation for scripts/build-wasm.sh and
// bench/server-page.mjs, so their figures agree.
//
//   node bench/first-load.mjs <pkg dir> <label> <file>...
//   prints: first-load: <bytes> gzip (<files>) [<label>]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';

const IMPORT = /^import [^;]*? from '(\.\/[^']+)';/gm;

/** The files a page fetches for `entries` (relative to `dir`) and their gzip -9 total. */
export function firstLoad(dir, entries) {
  const files = [];
  const visit = (rel) => {
    const file = path.normalize(rel);
    if (files.includes(file)) return;
    files.push(file);
    if (!file.endsWith('.js')) return;
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) visit(path.join(path.dirname(file), m[1]));
  };
  entries.forEach(visit);
  const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0);
  return { files, gzip };
}

/** The line both the build and the benchmark print. */
export function firstLoadLine(dir, label, entries) {
  const { files, gzip } = firstLoad(dir, entries);
  return `first-load: ${gzip} gzip (${files.join(', ')}) [${label}]`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, label, ...entries] = process.argv.slice(2);
  if (!dir || !label || entries.length === 0) {
    console.error('usage: node bench/first-load.mjs <pkg dir> <label> <file>...');
    process.exit(2);
  }
  console.log(firstLoadLine(dir, label, entries));
}
