// Issue 11, the reader's language (pkg/i18n.js in Node):
// - differential: every DisplayVerdict of the recorded pages (both servers,
//   local check on and off) rendered from its notes with the English catalog
//   is, text for text, the English the Rust core wrote;
// - the German catalog has every key of the English one, with the same
//   placeholders (the two listed exceptions render the advice, not the
//   English message), and renders every recorded verdict with none left;
// - one-pass substitution, the modifiers, locale choice, custom catalogs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadPkgInNode, PKG_DIR } from './support.js';
import { startRecorded } from './recorded-jmap.js';

const { api } = await loadPkgInNode();
const i18n = await import(new URL('i18n.js', PKG_DIR));
const { en, de, localize, format, fill, resolveLocale, catalogFor, registerCatalog, setDefaultLocale } = i18n;
const root = await readFile(new URL('../fixtures/pki/root.cert.pem', import.meta.url), 'utf8');
const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

/** The display verdicts of both recorded pages, with the local check on and off. */
async function recordedVerdicts() {
  const out = [];
  for (const name of ['page-rfc9219.json', 'page-cyrus.json']) {
    for (const localCheck of [true, false]) {
      const server = await startRecorded(name);
      servers.push(server);
      const trust = api.TrustStore.empty();
      trust.addPem(root);
      const client = await api.JmapSmimeClient.connect({
        sessionUrl: server.sessionUrl, verifier: new api.Verifier(trust), auth: { type: 'bearer', token: 't' }, localCheck,
      });
      const page = await client.loadPage({ limit: 50 }, { now: '2026-01-01T00:00:00Z' });
      out.push(...page.items.map((i) => ({ at: `${name} local=${localCheck} ${i.email.id}`, d: i.display })));
      client.free();
    }
  }
  return out;
}
const verdicts = await recordedVerdicts();

const PLACEHOLDER = /\{([a-z]+)(?:\|[a-z]+)?\}/g;
const names = (t) => [...new Set([...String(t).matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
// German renders the advice for the error code instead of the English message.
const DIFFERENT_PLACEHOLDERS = { 'reasons.problem': ['detail', 'error'], 'reasons.not-checked': ['detail', 'error'] };
// The same in both languages by design: the server's own words, verbatim (R8).
const SAME = new Set(['reasons.server-error']);

test('English from the notes is the English the core wrote, for every recorded verdict', () => {
  assert.ok(verdicts.length >= 40, `${verdicts.length} verdicts`);
  const codes = new Set();
  for (const { at, d } of verdicts) {
    assert.equal(d.notes.length, d.reasons.length, at);
    const t = localize(d, { locale: 'en' });
    assert.deepEqual([t.label, t.reasons, t.alert, t.hint], [d.label, d.reasons, d.alert ?? null, d.hint ?? null], at);
    codes.add(d.labelNote.code);
    for (const n of d.notes) codes.add(n.code);
  }
  // The recordings exercise a good part of the catalog (not a test that cannot fail on one cell).
  assert.ok(codes.size >= 15, [...codes].join(' '));
});

test('the German catalog has every English key with the same placeholders', () => {
  for (const section of ['labels', 'reasons', 'alerts', 'hints', 'advice', 'units', 'words', 'levels', 'ui']) {
    assert.deepEqual(Object.keys(de[section]).sort(), Object.keys(en[section]).sort(), section);
    for (const [key, english] of Object.entries(en[section])) {
      const want = DIFFERENT_PLACEHOLDERS[`${section}.${key}`] ?? names(english);
      assert.deepEqual(names(de[section][key]), want, `${section}.${key}: ${de[section][key]}`);
      if (section !== 'advice' && section !== 'words' && !SAME.has(`${section}.${key}`)) assert.notEqual(de[section][key], english, `${section}.${key} is translated`);
    }
  }
  assert.equal(de.locale, 'de');
  assert.deepEqual(de.quotes, ['„', '“']);
});

test('German renders every recorded verdict, with no placeholder left', () => {
  for (const { at, d } of verdicts) {
    const t = localize(d, { locale: 'de' });
    for (const s of [t.label, ...t.reasons, t.alert ?? '', t.hint ?? '']) assert.doesNotMatch(s, /\{[a-z|]+\}/, `${at}: ${s}`);
    assert.equal(t.reasons.length, d.reasons.length, at);
    assert.notEqual(t.label, d.label, at);
  }
  const verified = verdicts.find((v) => v.d.labelNote.code === 'verified');
  assert.ok(verified, 'a verified verdict in the recordings');
  assert.equal(localize(verified.d, { locale: 'de' }).label, de.labels.verified);
});

test('substitution is one pass; modifiers q, lower, age, advice, label', () => {
  assert.equal(fill('{a} {b}', { a: '{b}', b: 'x' }), '{b} x', 'a parameter is never read as a template');
  assert.equal(fill('{v|q}', { v: 'Hi' }), '\u201cHi\u201d');
  assert.equal(fill('{v|q}', {}, de), 'nichts');
  assert.equal(fill('{v|q}', { v: 'Hi' }, de), '„Hi“');
  assert.equal(fill('{v|lower}', { v: 'Subject' }), 'subject');
  for (const [secs, english, german] of [[1, '1 second', '1 Sekunde'], [90, '90 seconds', '90 Sekunden'], [7199, '119 minutes', '119 Minuten'],
    [3600 * 5, '5 hours', '5 Stunden'], [86400 * 3, '3 days', '3 Tagen'], [-4, '0 seconds', '0 Sekunden']]) {
    assert.equal(fill('{s|age}', { s: String(secs) }), english);
    assert.equal(fill('{s|age}', { s: String(secs) }, de), german);
  }
  assert.equal(fill('{e|advice}', { e: 'bad-signature' }), en.advice['bad-signature']);
  assert.equal(fill('{l|label}', { l: 'verified' }, de), de.labels.verified);
  assert.equal(format('reasons', { code: 'problem', params: { message: 'X. Y', error: 'digest-mismatch', detail: 'Digest differs' } }, { locale: 'de' }),
    `${de.advice['digest-mismatch']} (Detail: Digest differs)`);
});

test('locale: option, then default, then navigator.language; language fallback; custom catalogs', () => {
  const d = verdicts.find((v) => v.d.labelNote.code === 'verified').d;
  assert.equal(catalogFor('de-AT'), de);
  assert.equal(catalogFor('fr-FR'), en, 'an unknown language falls back to English');
  setDefaultLocale('de');
  assert.equal(resolveLocale(), 'de');
  assert.equal(localize(d).label, de.labels.verified);
  assert.equal(resolveLocale('en-GB'), 'en-GB', 'an explicit locale wins over the default');
  setDefaultLocale(undefined);
  assert.equal(resolveLocale(), globalThis.navigator?.language ?? 'en');
  // A partial catalog: its texts where it has them, English elsewhere; the codes do not change.
  registerCatalog('fr', { labels: { verified: 'Vérifié' } });
  const fr = localize(d, { locale: 'fr' });
  assert.equal(fr.label, 'Vérifié');
  assert.deepEqual(fr.reasons, d.reasons);
  assert.equal(fr.locale, 'fr');
  assert.equal(d.labelNote.code, 'verified');
  // Per call: a catalog over the locale's.
  assert.equal(localize(d, { locale: 'de', catalog: { labels: { verified: 'Geprüft' } } }).label, 'Geprüft');
  // A note no catalog knows (a newer core) keeps the verdict's English text.
  const newer = { ...d, notes: [{ code: 'from-the-future', params: {} }], reasons: ['English from the core.'] };
  assert.deepEqual(localize(newer, { locale: 'de' }).reasons, ['English from the core.']);
});
