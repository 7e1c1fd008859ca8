// The benchmarks' page of signed fixture messages, defined once so that
// bench/page-browser.mjs and bench/server-page.mjs measure the same 50:
// every `signed` row of tests/fixtures/expectations.tsv, then
// tests/fixtures/trust/messages/*.eml, each in name order, the first `size`.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

export async function signedMessages(root, size = 50) {
  const table = (await readFile(path.join(root, 'tests/fixtures/expectations.tsv'), 'utf8')).split('\n').slice(1)
    .map((l) => l.split('\t')).filter((c) => c[1] === 'signed').map((c) => 'tests/fixtures/messages/' + c[0]).sort();
  const trust = (await readdir(path.join(root, 'tests/fixtures/trust/messages'))).filter((n) => n.endsWith('.eml')).sort()
    .map((n) => 'tests/fixtures/trust/messages/' + n);
  return [...table, ...trust].slice(0, size);
}
