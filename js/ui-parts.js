// Parts of <smime-details> (ui-details.js): the signer summary and the
// comparison of the server's description with the checked message. Light
// DOM nodes; every text from jmap-smime/i18n.
import { text } from './i18n.js';

/** createElement with attributes (null/undefined skipped) and children (null, false skipped; arrays flattened). */
export function el(doc, tag, attrs, ...children) {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/** <dl> of [term, value] rows; rows without a value are left out. */
export function definitions(doc, rows) {
  return el(doc, 'dl', {}, rows.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [el(doc, 'dt', {}, k), el(doc, 'dd', {}, v)]));
}

function day(iso, locale) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return String(iso ?? '');
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(t);
  } catch {
    return new Date(t).toISOString().slice(0, 10);
  }
}

/**
 * The signers of a client Verdict (a PageItem's `client`): certificate
 * subject, addresses, issuer, validity, fingerprint, signature, anchor.
 * Null when there is no signer to show.
 */
export function signerSummary(doc, verdict, o, locale) {
  const signers = (verdict?.signers ?? []).filter((s) => s.certificate);
  if (signers.length === 0) return null;
  const t = (key, params) => text('ui', key, params, o);
  return el(doc, 'section', { class: 'smime-signers' },
    el(doc, 'h4', {}, t('signer-heading')),
    signers.map((s) => {
      const c = s.certificate;
      return definitions(doc, [
        [t('subject'), el(doc, 'span', { class: 'dn' }, c.subject)],
        [t('addresses'), c.emails?.length ? c.emails.join(', ') : t('none')],
        [t('issuer'), el(doc, 'span', { class: 'dn' }, c.issuer)],
        [t('valid'), t('valid-range', { from: day(c.notBefore, locale), to: day(c.notAfter, locale) })],
        [t('fingerprint'), el(doc, 'code', { class: 'fingerprint' }, c.fingerprintSha256)],
        [t('signature'), t(s.valid ? 'intact' : 'broken')],
        [t('anchor'), s.anchor ? el(doc, 'span', { class: 'dn' }, s.anchor) : t('no-anchor')],
      ]);
    }));
}

const FIELD_NAMES = { from: 'From', sender: 'Sender', subject: 'Subject', date: 'Date' };

/**
 * DisplayVerdict.headerCheck as a table: each field the server shows
 * against the checked message (rows carry data-field and data-outcome).
 */
export function headerComparison(doc, check, o) {
  if (!check) return null;
  const t = (key) => text('ui', key, {}, o);
  const nothing = t('nothing');
  return el(doc, 'section', { class: 'header-check', 'data-mismatch': check.problem ? 'true' : 'false' },
    el(doc, 'h4', {}, t('header-check')),
    el(doc, 'table', { class: 'compare-headers' },
      el(doc, 'thead', {}, el(doc, 'tr', {}, ['field', 'server-shows', 'message-says', 'outcome'].map((k) => el(doc, 'th', { scope: 'col' }, t(k))))),
      el(doc, 'tbody', {}, check.fields.map((f) => el(doc, 'tr', { 'data-field': f.field, 'data-outcome': f.outcome },
        el(doc, 'th', { scope: 'row' }, FIELD_NAMES[f.field] ?? f.field),
        el(doc, 'td', {}, f.server ?? nothing),
        el(doc, 'td', {}, f.message ?? nothing),
        el(doc, 'td', { class: f.outcome === 'differs' ? 'smime-bad' : 'smime-details-muted' }, t(f.outcome)))))));
}
