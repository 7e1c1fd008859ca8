// jmap-smime/i18n (issue 11): a DisplayVerdict in the reader's language.
//
// A DisplayVerdict says everything twice: in English (`label`, `reasons`,
// `alert`, `hint`) and as catalog notes (`labelNote`, `notes`, `alertNotes`,
// `hintNote`): a stable code and its parameters. `localize()` renders the
// notes with a catalog: English and German ship; `registerCatalog()` adds a
// language or overrides texts of one. A catalog may be partial: a text it
// lacks comes from English, and a note no catalog knows (a newer wasm than
// this file) shows the verdict's own English text.
//
// Templates: `{name}` is a parameter; `{name|q}` quotes it (or says the
// catalog's word for nothing), `{name|lower}` lower-cases it, `{secs|age}`
// writes seconds as "5 minutes", `{error|advice}` is the advice for an error
// code and `{label|label}` a label. Substitution is one pass: a parameter's
// text (a server's message, a certificate's subject) is never read as a
// template.

import en from './i18n/en.js';
import de from './i18n/de.js';

const catalogs = new Map([['en', en], ['de', de]]);
let defaultLocale;

/** The catalogs that ship, by language. */
export { en, de };

/** Add a catalog for `locale` (a BCP 47 tag such as "fr" or "de-CH"), or override texts of one; returns it. */
export function registerCatalog(locale, catalog) {
  const tag = String(locale).toLowerCase();
  const merged = merge(catalogs.get(tag) ?? { locale: tag }, catalog);
  catalogs.set(tag, merged);
  return merged;
}

/** Set the locale used when an element or call names none (`undefined` restores navigator.language). */
export function setDefaultLocale(locale) {
  defaultLocale = locale;
}

/** The locale tag to use: `locale`, else the default set, else navigator.language, else "en". */
export function resolveLocale(locale) {
  return String(locale || defaultLocale || globalThis.navigator?.language || 'en');
}

/** The catalog for `locale`: an exact tag, then its language ("de-AT" → "de"), then English. */
export function catalogFor(locale) {
  const tag = resolveLocale(locale).toLowerCase();
  return catalogs.get(tag) ?? catalogs.get(tag.split('-')[0]) ?? en;
}

function merge(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? { ...(base[k] ?? {}), ...v } : v;
  }
  return out;
}

// One catalog lookup: the chosen catalog, then English.
const pick = (cat, section, key) => cat?.[section]?.[key] ?? en[section]?.[key];

/** (number, unit) of an age in seconds, as src/reconcile/text.rs counts it. */
export function ageParts(secs) {
  const s = Number.isFinite(secs) ? Math.trunc(secs) : 0;
  if (s < 120) return [Math.max(s, 0), 'second'];
  if (s < 7200) return [Math.trunc(s / 60), 'minute'];
  if (s < 2 * 86400) return [Math.trunc(s / 3600), 'hour'];
  return [Math.trunc(s / 86400), 'day'];
}

function age(cat, secs) {
  const [n, unit] = ageParts(Number(secs));
  const forms = pick(cat, 'units', unit) ?? ['{n}', '{n}'];
  return forms[n === 1 ? 0 : 1].replace('{n}', String(n));
}

function placeholder(cat, params, name, modifier) {
  const v = Object.hasOwn(params, name) ? String(params[name]) : undefined;
  if (modifier === 'q') {
    const [open, close] = cat.quotes ?? en.quotes;
    return v === undefined ? pick(cat, 'words', 'nothing') : `${open}${v}${close}`;
  }
  if (v === undefined) return '';
  switch (modifier) {
    case 'lower': return v.toLowerCase();
    case 'age': return age(cat, v);
    case 'advice': return pick(cat, 'advice', v) ?? '';
    case 'label': return pick(cat, 'labels', v) ?? v;
    default: return v;
  }
}

/** `template` with its placeholders filled from `params`, in one pass. */
export function fill(template, params = {}, catalog = en) {
  return String(template).replace(/\{([a-z]+)(?:\|([a-z]+))?\}/g, (_, name, modifier) => placeholder(catalog, params, name, modifier));
}

function options(opts) {
  return opts?.catalog ? merge(catalogFor(opts.locale), opts.catalog) : catalogFor(opts?.locale);
}

function formatWith(cat, section, note, fallback) {
  const template = pick(cat, section, note?.code);
  if (template === undefined) return fallback ?? String(note?.code ?? '');
  return fill(template, note.params ?? {}, cat);
}

/**
 * One note of `section` ("labels", "reasons", "alerts" or "hints") as text;
 * `fallback` (the verdict's English text) when no catalog has its code.
 */
export function format(section, note, opts = {}, fallback) {
  return formatWith(options(opts), section, note, fallback);
}

function textWith(cat, section, key, params) {
  return fill(pick(cat, section, key) ?? key, params, cat);
}

/** A kit text (section "ui") or a level name (section "levels"). */
export function text(section, key, params = {}, opts = {}) {
  return textWith(options(opts), section, key, params);
}

/**
 * A DisplayVerdict's label, reasons, alert and hint in the reader's language:
 * `{ locale, level, levelName, label, reasons, alert, hint }`. Options:
 * `locale` (default: resolveLocale()), `catalog` (texts over the locale's).
 */
export function localize(display, opts = {}) {
  const cat = options(opts);
  const notes = display.notes ?? [];
  const english = display.reasons ?? [];
  const alerts = display.alertNotes ?? [];
  const known = (section, n) => pick(cat, section, n.code) !== undefined;
  return {
    locale: cat.locale ?? resolveLocale(opts.locale),
    level: display.level,
    levelName: textWith(cat, 'levels', display.level, {}),
    label: display.labelNote ? formatWith(cat, 'labels', display.labelNote, display.label) : display.label,
    // One note per English reason; a verdict without notes keeps its English.
    reasons: notes.length === english.length ? notes.map((n, i) => formatWith(cat, 'reasons', n, english[i])) : [...english],
    alert: alerts.length && alerts.every((n) => known('alerts', n))
      ? alerts.map((n) => formatWith(cat, 'alerts', n)).join(' ') : display.alert ?? null,
    hint: display.hintNote ? formatWith(cat, 'hints', display.hintNote, display.hint) : display.hint ?? null,
  };
}
