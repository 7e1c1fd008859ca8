// A small S/MIME extraction for the PKI.js side of bench/pkits-vs-pkijs.mjs
// (browser or Node, no dependencies): from a raw message to the CMS bytes
// and, for a detached signature, the signed content.
//
// It handles the two forms S/MIME signing uses (RFC 8551 §3.5): a root
// multipart/signed (RFC 1847) whose first part is the content and whose
// second is application/pkcs7-signature, and a root application/pkcs7-mime
// carrying SignedData (the content inside). Anything else is refused with a
// reason. It is deliberately small: enough to be correct for NIST PKITS and
// ordinary signed mail, not a MIME library.
//
// Line ends: signed content is canonical CRLF (RFC 8551 §3.1.1), and mail
// stores often mix in bare LF (the PKITS files do: LF headers, CRLF parts),
// so the message is first put in CRLF form. That would corrupt a binary
// (Content-Transfer-Encoding: binary) part, which this does not support.

/** Bytes to a string of one char per byte, and back: binary-safe (TextDecoder's latin1 is windows-1252). */
function toBinary(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return s;
}
function fromBinary(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Split an entity at its first empty line into unfolded header fields and body. */
function splitEntity(text) {
  const end = text.startsWith('\r\n') ? 0 : text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('no empty line after the header');
  const head = end === 0 ? '' : text.slice(0, end);
  const body = text.slice(end === 0 ? 2 : end + 4);
  const fields = new Map();
  // RFC 5322 §2.2.3: a line starting with white space continues the field.
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a header field: ${JSON.stringify(line.slice(0, 40))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (fields.has(name) && (name === 'content-type' || name === 'content-transfer-encoding')) throw new Error(`two ${name} fields`);
    fields.set(name, line.slice(colon + 1).trim());
  }
  return { fields, body };
}

/** Content-Type (RFC 2045 §5.1): the lowercase type/subtype and its parameters (names lowercase). */
function contentType(fields) {
  const value = fields.get('content-type') ?? 'text/plain';
  const type = value.split(';')[0].trim().toLowerCase();
  const params = new Map();
  const re = /;\s*([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g;
  for (let m; (m = re.exec(value));) {
    const v = m[2].startsWith('"') ? m[2].slice(1, -1).replace(/\\(.)/g, '$1') : m[2];
    params.set(m[1].toLowerCase(), v);
  }
  return { type, params };
}

function decodeBody(fields, body) {
  const cte = (fields.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64') {
    const clean = body.replace(/[\r\n\t ]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new Error('base64 body with characters outside the alphabet');
    return fromBinary(atob(clean));
  }
  if (cte === '7bit' || cte === '8bit' || cte === 'binary') return fromBinary(body);
  throw new Error(`Content-Transfer-Encoding ${cte} not supported here`);
}

/**
 * The parts of a multipart body (RFC 2046 §5.1.1): each part's text between
 * a delimiter line and the CRLF that precedes the next delimiter. The close
 * delimiter must be there.
 */
function multipartParts(body, boundary) {
  const text = '\r\n' + body;
  const dash = '\r\n--' + boundary;
  const parts = [];
  let partStart = -1;
  for (let at = text.indexOf(dash); at >= 0; at = text.indexOf(dash, at + 1)) {
    const after = at + dash.length;
    const close = text.startsWith('--', after);
    const lineEnd = text.indexOf('\r\n', after);
    // Only transport padding may follow the boundary on its line.
    const rest = text.slice(close ? after + 2 : after, lineEnd < 0 ? text.length : lineEnd);
    if (/[^ \t]/.test(rest)) continue;
    if (partStart >= 0) parts.push(text.slice(partStart, at));
    if (close) return parts;
    if (lineEnd < 0) break;
    partStart = lineEnd + 2;
  }
  throw new Error('multipart without its close delimiter');
}

/**
 * From a raw message (Uint8Array) to { form: 'detached' | 'opaque', cms,
 * content }: `cms` the DER/BER of the ContentInfo, `content` the signed bytes
 * of a detached signature (null for opaque).
 */
export function extractSmime(bytes) {
  const root = splitEntity(toBinary(bytes).replace(/\r?\n/g, '\r\n'));
  const ct = contentType(root.fields);
  if (ct.type === 'multipart/signed') {
    const boundary = ct.params.get('boundary');
    if (!boundary) throw new Error('multipart/signed without a boundary');
    const parts = multipartParts(root.body, boundary);
    if (parts.length !== 2) throw new Error(`multipart/signed with ${parts.length} parts, not 2`);
    const sig = splitEntity(parts[1]);
    const sigType = contentType(sig.fields).type;
    if (sigType !== 'application/pkcs7-signature' && sigType !== 'application/x-pkcs7-signature') throw new Error(`second part is ${sigType}`);
    return { form: 'detached', cms: decodeBody(sig.fields, sig.body), content: fromBinary(parts[0]) };
  }
  if (ct.type === 'application/pkcs7-mime' || ct.type === 'application/x-pkcs7-mime') {
    const smimeType = (ct.params.get('smime-type') ?? 'signed-data').toLowerCase();
    if (smimeType !== 'signed-data') throw new Error(`smime-type ${smimeType} is not signed-data`);
    return { form: 'opaque', cms: decodeBody(root.fields, root.body), content: null };
  }
  throw new Error(`root is ${ct.type}, not an S/MIME signature`);
}
