// Shared by the Node test, the browser page and the module Web Worker: no
// Node or DOM APIs here. `runSmoke` calls the package's exports and returns a
// plain, structured-clone-able summary that the tests assert on.

export const UNSIGNED_MESSAGE =
  'From: alice@example.org\r\n' +
  'To: bob@example.org\r\n' +
  'Subject: plain\r\n' +
  'Content-Type: text/plain; charset=utf-8\r\n' +
  '\r\n' +
  'Not signed.\r\n';

/** @param {typeof import('../../pkg/jmap_smime.js')} api an initialised module */
export function runSmoke(api) {
  const bytes = new TextEncoder().encode(UNSIGNED_MESSAGE);
  const report = api.verifySignatures(bytes);
  const legacy = api.verifySignatures(bytes, { allowLegacy: true });
  let invalid = null;
  try {
    api.verifySignatures(bytes, { allowLegacy: 'yes' });
  } catch (e) {
    invalid = { isError: e instanceof Error, code: e.code, message: String(e.message) };
  }
  return {
    report,
    legacyStructure: legacy.structure,
    codes: api.errorCodes(),
    version: api.version(),
    invalid,
  };
}
