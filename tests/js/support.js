// Node-side helpers for the tests in this folder (not a test file itself).
import { access, readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';

export const PKG_DIR = new URL('../../pkg/', import.meta.url);

/** Fail with a useful message when the package has not been built. */
export async function requirePkg() {
  try {
    await access(new URL('jmap_smime_bg.wasm', PKG_DIR));
    await access(new URL('package.json', PKG_DIR));
  } catch {
    throw new Error('pkg/ is missing: run `bash scripts/build-wasm.sh` first');
  }
}

/** Import pkg/ as an ES module and initialise it with the .wasm bytes (Node). */
export async function loadPkgInNode() {
  await requirePkg();
  const manifest = JSON.parse(await readFile(new URL('package.json', PKG_DIR), 'utf8'));
  const api = await import(new URL(manifest.module, PKG_DIR).href);
  const bytes = await readFile(new URL('jmap_smime_bg.wasm', PKG_DIR));
  await api.default({ module_or_path: bytes });
  return { api, manifest };
}

/** The assertions every environment (Node, page, worker) must satisfy. */
export function assertSmoke(summary) {
  const { report } = summary;
  assert.equal(report.structure, 'unsigned');
  assert.equal(report.cryptoValid, false);
  assert.deepEqual(report.signers, []);
  assert.deepEqual(report.errors, []);
  assert.equal(report.certificateCount, 0);
  assert.equal(report.crlCount, 0);
  assert.equal(report.coverage, undefined);
  assert.equal(report.content, undefined);
  assert.equal(summary.legacyStructure, 'unsigned');
  assert.ok(summary.codes.includes('bad-signature'), `errorCodes(): ${summary.codes}`);
  assert.ok(summary.codes.includes('invalid-argument'), `errorCodes(): ${summary.codes}`);
  assert.match(summary.version, /^\d+\.\d+\.\d+/);
  assert.ok(summary.invalid, 'options {allowLegacy: "yes"} must throw');
  assert.equal(summary.invalid.isError, true);
  assert.equal(summary.invalid.code, 'invalid-argument');
  assert.match(summary.invalid.message, /allowLegacy|options/);
}
