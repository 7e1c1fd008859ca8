// What the reader sees of a message: its header fields and its body. For a
// message with a signature at its root these come from the bytes this
// browser checked (Verdict.headers, Verdict.body), never from the server's
// Email object, which need not describe those bytes (issue 9 §3); fields the
// signature does not cover are marked. Unsigned or unchecked messages show
// the server's fields and preview, labelled as such.
import { h, dl, time, addresses } from './dom.js';

const COVERAGE = {
  signed: ['signed', 'covered by the signature'],
  'address-checked': ['address checked', 'the address is in the signer\'s certificate; the name is not covered by the signature'],
  'not-covered': ['not covered', 'not covered by the signature: anyone who handled the message may have changed it'],
};

/** A mark saying how far the signature covers a field. */
function mark(coverage) {
  const [short, long] = COVERAGE[coverage] ?? [coverage, coverage];
  return h('span', { class: `cover cover-${coverage}`, dataset: { coverage }, title: long, 'aria-label': long }, short);
}

function field(value, coverage, inner) {
  return h('span', { class: 'checked-field', dataset: { coverage } }, value, ' ', mark(coverage),
    inner ? h('span', { class: 'inner-field' }, ' (the signed copy says: ', h('q', {}, inner), ')') : null);
}

function mailboxes(header) {
  if (!header) return undefined;
  if (!header.mailboxes) return field(header.raw, 'not-covered');
  return field(addresses(header.mailboxes), header.coverage, header.inner);
}

/** The rows of the message's header block for a PageItem (or a Verdict alone). */
export function headerRows(item) {
  const hd = item.client?.headers;
  const email = item.email;
  if (!hd) {
    // Nothing was checked: the server's Email object, said so.
    return [
      ['From', email.from?.length ? addresses(email.from) : '(none)'],
      ['Sender', email.sender?.length ? addresses(email.sender) : undefined],
      ['Date', email.sentAt ? time(email.sentAt) : undefined],
      ['Received', email.receivedAt ? time(email.receivedAt) : undefined],
    ];
  }
  return [
    ['From', mailboxes(hd.from) ?? '(none)'],
    ['Sender', mailboxes(hd.sender)],
    ['Subject', hd.subject ? field(hd.subject.value, hd.subject.coverage, hd.subject.inner) : undefined],
    ['Date', hd.date ? field(hd.date.time ? time(hd.date.time) : hd.date.raw, hd.date.coverage, hd.date.inner) : undefined],
    ['Received', email.receivedAt ? time(email.receivedAt) : undefined],
  ];
}

/** The subject to show: the checked message's, else the server's. */
export function subjectOf(item) {
  return item.client?.headers?.subject?.value ?? item.email?.subject ?? '';
}

/** The From to show in the list: the checked message's, else the server's. */
export function fromOf(item) {
  const checked = item.client?.headers?.from?.mailboxes?.[0];
  const a = checked ?? item.email?.from?.[0];
  return a ? (a.name || a.email) : '(no sender)';
}

/** The header block of the detail pane. */
export function headerBlock(item) {
  const checked = !!item.client?.headers;
  return h('div', { class: 'headers', dataset: { source: checked ? 'verified' : 'server' } },
    dl(headerRows(item), { class: 'meta' }),
    h('p', { class: 'headers-note muted small' }, checked
      ? 'Read from the message as downloaded and checked in this browser, not from the server\'s description. Fields marked "not covered" are outside the signature.'
      : 'As the mail server describes the message; nothing here was checked by a signature.'));
}

/**
 * One HTML part: in an iframe with an empty sandbox (no scripts, no forms, no
 * navigation of this page), from srcdoc. It inherits this page's
 * Content-Security-Policy, so nothing is fetched from elsewhere either.
 */
function htmlFrame(part) {
  return h('iframe', {
    class: 'html-part', sandbox: '', srcdoc: part.text, referrerpolicy: 'no-referrer',
    title: `HTML part ${part.part || '(root)'} of the signed message`, dataset: { part: part.part },
  });
}

function textPart(part) {
  return h('pre', { class: 'content-body text-part', dataset: { part: part.part } }, part.text);
}

/** The parts in document order, one rendering per multipart/alternative. */
function renderParts(parts) {
  const out = [];
  const seen = new Set();
  for (const p of parts) {
    if (p.alternative === null || p.alternative === undefined) {
      out.push(p.contentType === 'text/html' ? htmlFrame(p) : textPart(p));
      continue;
    }
    if (seen.has(p.alternative)) continue;
    seen.add(p.alternative);
    const group = parts.filter((q) => q.alternative === p.alternative);
    const plain = group.find((q) => q.contentType === 'text/plain');
    const html = group.find((q) => q.contentType === 'text/html');
    if (plain) out.push(textPart(plain));
    if (plain && html) out.push(h('details', { class: 'html-alternative' }, h('summary', {}, 'HTML version'), htmlFrame(html)));
    else if (html) out.push(htmlFrame(html));
  }
  return out;
}

/** The message content: the checked body for a signed message, else the server's preview. */
let blocks = 0;

export function contentBlock(item) {
  const body = item.client?.body;
  const id = `content-h-${(blocks += 1)}`;
  const box = h('section', { class: 'message-content', 'aria-labelledby': id, dataset: { source: body ? 'verified' : 'server' } },
    h('h3', { id }, 'Message content'));
  const warn = 'It is written by the sender: anyone can write "verified" in a message, so trust only the badge and the alert outside this box.';
  if (body && !body.error) {
    const status = item.client.status;
    box.append(h('p', { class: 'content-note' },
      status === 'signed/verified'
        ? 'The text the signature covers, from the message as checked in this browser. '
        : 'The text inside the signature, from the message as checked in this browser (the signature does not verify, so nothing vouches for it). ',
      warn));
    const parts = renderParts(body.parts);
    box.append(...(parts.length ? parts : [h('p', { class: 'muted' }, '(the signed part has no text)')]));
    return box;
  }
  if (body?.error) {
    box.append(h('p', { class: 'content-note bad' }, `The signed text cannot be shown here: ${body.error.message}`));
  }
  const e = item.email;
  box.append(h('p', { class: 'content-note' }, 'The server\'s preview of the text; no signature covers it here. ', warn));
  box.append(h('div', { class: 'content-body' }, e?.preview ? e.preview : h('span', { class: 'muted' }, '(no preview text)')));
  return box;
}
