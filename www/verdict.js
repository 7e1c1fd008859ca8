// Rendering of verdicts: the detail pane of a mailbox message (display
// verdict, client and server side by side, signers and chain, message
// content) and the result of a dropped .eml (a client Verdict alone).
import { h, dl, time, duration, addresses, base64Text } from './dom.js';
import { badge } from './icons.js';
import { headerBlock, contentBlock, subjectOf } from './content.js';

const DAY = 86400;

const SOURCE = {
  verified: 'Downloaded and checked in this browser just now.',
  cache: 'From this browser\'s verdict cache (same message, same trust, checked minutes ago).',
  structure: 'Not downloaded: the message structure shows no signature, so there was nothing to check.',
  skipped: 'Not checked in this browser.',
  off: 'Checking in this browser is switched off; the server\'s status is shown alone.',
};

const REVOCATION = {
  good: 'good — a revocation list covers the chain and nothing is revoked',
  unknown: 'unknown — no usable revocation list (CRL) covers the chain',
  'not-checked': 'not checked',
};

const yesNo = (v, whenNull = 'no such field') => (v === true ? 'yes' : v === false ? 'no' : whenNull);
const token = (v) => h('code', { class: 'token' }, v === undefined || v === null ? 'null' : String(v));

/** <ul class="errors"> of {code, message, warning?}; "none" when empty. */
export function problemList(problems, { empty = 'None.' } = {}) {
  if (!problems || problems.length === 0) return h('p', { class: 'none' }, empty);
  return h('ul', { class: 'errors' }, problems.map((p) => h('li', { class: p.warning ? 'problem warning' : 'problem', dataset: { code: p.code } },
    h('code', { class: 'code' }, p.code),
    p.warning ? h('span', { class: 'tag' }, 'warning') : null,
    ' ',
    h('span', { class: 'message' }, p.message))));
}

function validity(cert, now) {
  const from = Date.parse(cert.notBefore);
  const to = Date.parse(cert.notAfter);
  const flag = now > to ? h('span', { class: 'tag tag-bad' }, 'expired')
    : now < from ? h('span', { class: 'tag tag-bad' }, 'not yet valid') : null;
  return h('span', { class: 'validity' }, time(cert.notBefore, { dayOnly: true }), ' – ', time(cert.notAfter, { dayOnly: true }), flag ? ' ' : null, flag);
}

/** One certificate: subject, issuer, validity, key, serial, fingerprint. */
export function certificate(cert, { now = Date.now(), role } = {}) {
  return h('div', { class: 'cert' },
    role ? h('p', { class: 'cert-role' }, role) : null,
    dl([
      ['Subject', h('span', { class: 'dn' }, cert.subject)],
      ['Issuer', h('span', { class: 'dn' }, cert.issuer)],
      ['Valid', validity(cert, now)],
      ['Email addresses', cert.emails?.length ? cert.emails.join(', ') : undefined],
      ['Key', cert.publicKey],
      ['Serial', h('code', {}, cert.serial)],
      ['SHA-256', h('code', { class: 'fingerprint' }, cert.fingerprintSha256)],
    ]));
}

/** The signers of a Verdict, with their chains. `from` and `sender` are JMAP address lists. */
export function signers(verdict, { from, sender, now = Date.now() } = {}) {
  const list = verdict?.signers ?? [];
  const section = h('section', { class: 'signers' }, h('h3', {}, list.length > 1 ? `Signers and chains (${list.length}, diagnostics)` : 'Signer and chain (diagnostics)'));
  if (list.length === 0) {
    section.append(h('p', { class: 'none' }, 'No signer: the message carries no signature at its root.'));
    return section;
  }
  const fromAddrs = new Set((from ?? []).map((a) => a.email.toLowerCase()));
  section.append(dl([
    ['From', from?.length ? addresses(from) : '(none)'],
    ['From matches the signer', h('strong', { class: verdict.fromMatches ? 'good' : 'bad' }, yesNo(verdict.fromMatches))],
    ['Sender', sender?.length ? addresses(sender) : undefined],
    ['Sender matches the signer', yesNo(verdict.senderMatches)],
  ], { class: 'identity' }));
  list.forEach((s, i) => {
    const cert = s.certificate;
    const names = (cert?.emails ?? []).some((e) => fromAddrs.has(e.toLowerCase()));
    const fromNote = s.fromMatches ? 'yes'
      : names ? 'no — the certificate names the From address, but this signature did not verify, so it does not count'
        : 'no';
    const article = h('article', { class: 'signer', dataset: { index: s.index } },
      h('h4', {}, list.length > 1 ? `Signer ${i + 1} of ${list.length}` : 'The signer'),
      dl([
        ['Certificate subject', cert ? h('span', { class: 'dn' }, cert.subject) : h('span', { class: 'bad' }, 'not found in the message')],
        ['Email addresses', cert ? (cert.emails.length ? cert.emails.join(', ') : '(none)') : undefined],
        ['Signature', h('span', {}, h('strong', { class: s.valid ? 'good' : 'bad' }, s.valid ? 'intact' : 'does not verify'),
          ` (${s.signatureAlgorithm}, digest ${s.digestAlgorithm})`)],
        ['Signer error', s.error ? problemList([s.error]) : undefined],
        ['Claimed signing time', s.claimedSigningTime ? h('span', {}, time(s.claimedSigningTime), h('span', { class: 'muted' }, ' (the signer\'s claim, not checked)')) : undefined],
        ['From matches', fromNote],
        // null when the message has no Sender field.
        ['Sender matches', s.senderMatches === null || s.senderMatches === undefined ? undefined : yesNo(s.senderMatches)],
        ['Revocation', s.revocation ? REVOCATION[s.revocation] ?? s.revocation : undefined],
        ['Trust anchor', s.anchor ? h('span', { class: 'dn' }, s.anchor) : h('span', { class: 'bad' }, 'none reached')],
        ['Path problem', s.pathError ? problemList([s.pathError]) : undefined],
      ]));
    if (s.chain?.length) {
      article.append(h('h5', {}, 'Certificate chain (signer first, up to the trust anchor)'),
        h('ol', { class: 'chain' }, s.chain.map((c, n) => h('li', {}, certificate(c, { now, role: n === 0 ? 'Signer' : 'Issued by' })))),
        h('p', { class: 'anchor-line' }, 'Ends at the trust anchor ', h('span', { class: 'dn' }, s.anchor ?? '(unknown)'), '.'));
    } else {
      article.append(h('h5', {}, 'Certificate chain'),
        h('p', { class: 'none' }, 'No chain to a trusted root could be validated in this browser.'),
        cert ? h('ul', { class: 'chain chain-unvalidated' }, h('li', {}, certificate(cert, { now, role: 'Signer (not validated)' }))) : null);
    }
    section.append(article);
  });
  return section;
}

function coverageText(c) {
  if (!c) return undefined;
  const where = c.part === '' ? 'the whole message' : `MIME part ${c.part} only`;
  return `${where}; ${c.form} signature${c.canonicalization ? `, ${c.canonicalization === 'crlf' ? 'matched after CRLF line-ending repair' : 'exact bytes'}` : ''}${c.wholeMessage ? '' : ' — does not vouch for the message'}`;
}

function clientColumn(item) {
  const v = item.client;
  const col = h('div', { class: 'side', 'data-section': 'client' }, h('h3', {}, 'This browser'));
  if (!v) {
    col.append(h('p', {}, h('strong', {}, 'No verdict from this browser.'), ' ', SOURCE[item.clientSource] ?? ''));
    if (item.clientError) col.append(h('p', {}, 'Why:'), problemList([item.clientError]));
    return col;
  }
  col.append(dl([
    ['Status now', token(v.status)],
    ['At delivery', v.statusAtDelivery === undefined ? undefined : token(v.statusAtDelivery)],
    ['Structure', v.structure],
    ['Covers', coverageText(v.coverage)],
    ['From matches', yesNo(v.fromMatches)],
    ['Sender matches', yesNo(v.senderMatches)],
    ['Source', SOURCE[item.clientSource] ?? item.clientSource],
  ]));
  col.append(h('h4', {}, 'Errors and warnings'), problemList(v.errors));
  if (item.clientError) col.append(h('p', {}, 'Also:'), problemList([item.clientError]));
  return col;
}

function serverColumn(item) {
  const s = item.server;
  const col = h('div', { class: 'side', 'data-section': 'server' }, h('h3', {}, 'Mail server (RFC 9219)'));
  if (!s) {
    col.append(h('p', {}, 'This server does not report S/MIME status (no RFC 9219 support): there is no server verdict to compare.'));
    return col;
  }
  const eff = item.display.server?.effectiveStatus;
  const age = item.display.serverAgeSecs;
  col.append(dl([
    ['smimeStatus', h('span', {}, token(s.smimeStatus),
      eff !== undefined && eff !== null && eff !== s.smimeStatus ? h('span', { class: 'muted' }, ` (not a known token; counted as ${eff})`) : null)],
    ['smimeStatusAtDelivery', token(s.smimeStatusAtDelivery)],
    ['smimeVerifiedAt', s.smimeVerifiedAt == null ? 'null' : h('span', {}, time(s.smimeVerifiedAt),
      age == null ? null : h('span', { class: age > DAY ? 'bad' : 'muted' }, ` (${duration(age)} ago${age > DAY ? ', older than 24 hours' : ''})`))],
  ]));
  col.append(h('h4', {}, 'smimeErrors (as the server wrote them)'));
  col.append(s.smimeErrors?.length
    ? h('ul', { class: 'server-errors' }, s.smimeErrors.map((e) => h('li', {}, h('q', {}, e))))
    : h('p', { class: 'none' }, s.smimeErrors ? 'None (empty list).' : 'null'));
  return col;
}

function messageContent(item) {
  const box = contentBlock(item);
  const c = item.client?.content;
  if (c) {
    const inner = h('details', { class: 'signed-content' }, h('summary', {}, `The signed entity inside the signature (${c.contentType}, ${c.size} bytes)`));
    if (/^text\//i.test(c.contentType) || /^multipart\//i.test(c.contentType) || c.size < 20000) {
      inner.append(h('pre', {}, base64Text(c.base64)));
    }
    box.append(inner);
  }
  return box;
}

/** The nodes of the detail pane for a PageItem. */
export function detail(item, { now = Date.now() } = {}) {
  const { email, display } = item;
  const nodes = [];
  nodes.push(h('header', { class: 'detail-head' },
    h('h2', { id: 'detail-h', tabindex: '-1' }, subjectOf(item) || '(no subject)'),
    headerBlock(item)));

  // The verdict itself: the UI kit's <smime-details> (badge, label, reasons,
  // hint, technical details), in the language chosen; the demo adds a link.
  const summary = document.createElement('smime-details');
  summary.verdict = item;
  // Issue 12 §2: a changed signer certificate warns until the reader accepts it.
  const change = item.client?.signerChange;
  const accept = change && change.kind !== 'renewed'
    ? h('p', { class: 'accept-signer' }, h('button', { type: 'button', class: 'accept-signer-btn', dataset: { address: change.address, fingerprint: change.fingerprint } },
      `I checked with ${change.address}: accept this certificate`))
    : null;
  nodes.push(h('section', { class: 'summary', 'aria-labelledby': 'summary-h' },
    h('h3', { id: 'summary-h' }, 'Signature'), summary,
    display.hint ? h('p', { class: 'trust-link' }, h('a', { href: '#trust' }, 'Open the trust panel')) : null,
    accept));

  nodes.push(h('div', { class: 'compare' }, clientColumn(item), serverColumn(item)));
  // The server's description against the checked message is in <smime-details>.
  // The signer's identity is judged against the From the verifier read.
  const checkedFrom = item.client?.headers?.from?.mailboxes ?? email.from;
  const checkedSender = item.client?.headers?.sender?.mailboxes ?? (item.client?.headers ? null : email.sender);
  if (item.client) nodes.push(signers(item.client, { from: checkedFrom, sender: checkedSender, now }));
  nodes.push(messageContent(item));
  return nodes;
}

/** A local status as a level and label (no server: no reconciliation). */
export function localLevel(verdict) {
  switch (verdict.status) {
    case 'signed/verified': return ['verified', 'Verified in this browser'];
    case 'signed/failed': return ['failed', 'Signature failed'];
    case 'unknown': return ['warning', verdict.structure === 'encrypted' ? 'Encrypted: not checked' : 'Unknown'];
    default: return ['unsigned', verdict.structure === 'partial' ? 'Only partly signed' : 'Not signed'];
  }
}

function headerField(text, name) {
  // The top-level header block of a raw message, unfolded; for display only.
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = head.match(new RegExp(`^${name}:[ \\t]*(.*)$`, 'im'));
  return m ? m[1].trim() : undefined;
}

/** The nodes of the drop result for a file's Verdict. */
export function dropResult(file, bytes, verdict, { now = Date.now() } = {}) {
  const [level, label] = localLevel(verdict);
  const hd = verdict.headers;
  // Without a root signature the verifier reads no header: a display-only
  // reading of the raw text, labelled as unchecked.
  const text = hd ? '' : new TextDecoder('latin1').decode(bytes.subarray(0, 65536));
  const fromField = hd ? undefined : headerField(text, 'From');
  const item = { client: verdict, email: { receivedAt: null, preview: hd ? null : undefined } };
  return [
    h('h3', {}, `Result for ${file.name}`),
    h('div', { class: 'summary-top' }, badge(level, label, { large: true }),
      h('p', {}, 'Status: ', token(verdict.status))),
    dl([
      ['File', `${file.name} (${bytes.length} bytes)`],
      ['From', hd ? undefined : fromField && `${fromField} (not checked)`],
      ['Subject', hd ? undefined : headerField(text, 'Subject')],
      ['Structure', verdict.structure],
      ['Covers', coverageText(verdict.coverage)],
      ['From matches', yesNo(verdict.fromMatches)],
      ['Sender matches', yesNo(verdict.senderMatches)],
      ['Checked at', time(new Date(now))],
    ]),
    hd ? headerBlock(item) : null,
    h('h4', {}, 'Errors and warnings'),
    problemList(verdict.errors),
    signers(verdict, { from: hd?.from?.mailboxes ?? [], sender: hd?.sender?.mailboxes, now }),
    verdict.body ? contentBlock(item) : null,
  ];
}
