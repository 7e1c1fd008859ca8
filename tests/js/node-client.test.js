// JmapSmimeClient in Node 20 (global fetch) against recorded JMAP servers on
// 127.0.0.1 (tests/js/recorded-jmap.js): the same levels as in the browser
// (tests/recordings/page.tsv), and the error codes a Node caller sees.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadPkgInNode } from './support.js';
import { startRecorded } from './recorded-jmap.js';

const { api } = await loadPkgInNode();
const root = await readFile(new URL('../fixtures/pki/root.cert.pem', import.meta.url), 'utf8');
const rows = (await readFile(new URL('../recordings/page.tsv', import.meta.url), 'utf8')).split('\n')
  .filter((l) => l && !l.startsWith('#')).slice(1).map((l) => l.split('\t'));
const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

function verifier() {
  const trust = api.TrustStore.empty();
  trust.addPem(root);
  return new api.Verifier(trust);
}

for (const [name, column] of [['page-rfc9219.json', 5], ['page-cyrus.json', 6]]) {
  test(`a recorded page in Node: ${name}`, async () => {
    const server = await startRecorded(name);
    servers.push(server);
    const client = await api.JmapSmimeClient.connect({ sessionUrl: server.sessionUrl, verifier: verifier(), auth: { type: 'bearer', token: 't' } });
    const seen = [];
    const page = await client.loadPage({ limit: 50 }, { now: '2026-01-01T00:00:00Z', onProgress: (p) => seen.push(p.item.display.level) });
    assert.deepEqual(page.items.map((i) => i.display.level), rows.map((r) => r[column]));
    assert.deepEqual([...seen].sort(), page.items.map((i) => i.display.level).sort(), 'progress carries each item');
    assert.equal(client.supportsSmime, name === 'page-rfc9219.json');
    client.free();
  });
}

test('errors in Node carry .code', async () => {
  const refused = await api.JmapSmimeClient.connect({ sessionUrl: 'http://127.0.0.1:9', verifier: verifier(), timeoutMs: 2000 }).catch((e) => e);
  assert.ok(refused instanceof Error);
  assert.equal(refused.code, 'network-error');
  const bad = await api.JmapSmimeClient.connect({ sessionUrl: 'not a url', verifier: verifier() }).catch((e) => e);
  assert.equal(bad.code, 'invalid-argument');
});
