// Small DOM and formatting helpers for the demo page. Everything that comes
// from a server or a message goes in as text (textContent), never as HTML.

/** h('p', {class: 'x', dataset: {a: 1}, onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    // Through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows.
    else if (k === 'style') for (const [sk, sv] of Object.entries(v)) el.style.setProperty(sk, String(sv));
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** A <dl> from [term, value] pairs; pairs with an undefined value are left out. */
export function dl(pairs, attrs = {}) {
  const list = h('dl', attrs);
  for (const [term, value] of pairs) {
    if (value === undefined) continue;
    list.append(h('dt', {}, term), h('dd', {}, value));
  }
  return list;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
// Certificate validity is a UTC date: shown in UTC so the day does not shift.
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A <time> for an RFC 3339 string or unix seconds; '—' when absent or unparsable. */
export function time(value, { dayOnly = false } = {}) {
  if (value === undefined || value === null || value === '') return '—';
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, (dayOnly ? dayFormat : dateFormat).format(d));
}

/** "42 seconds", "3 hours", "331 days". */
export function duration(secs) {
  const s = Math.max(0, Math.round(secs));
  const unit = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s < 90) return unit(s, 'second');
  if (s < 90 * 60) return unit(Math.round(s / 60), 'minute');
  if (s < 36 * 3600) return unit(Math.round(s / 3600), 'hour');
  return unit(Math.round(s / 86400), 'day');
}

/** "Name <address>", or the address alone. */
export function address(a) {
  if (!a) return '';
  return a.name ? `${a.name} <${a.email}>` : a.email;
}

export function addresses(list) {
  return (list ?? []).map(address).join(', ');
}

/** The text of a Uint8Array that holds base64 text of a MIME entity, decoded as UTF-8 (lossy). */
export function base64Text(b64) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}
