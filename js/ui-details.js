// jmap-smime/ui, <smime-details> and <smime-alert> (issue 11): what a
// webmail shows of one message's verdict, next to its content, never in it.
//
//   const details = document.createElement('smime-details');
//   details.verdict = item;         // a PageItem, or a DisplayVerdict alone
//   const alert = document.querySelector('smime-alert');   // above the pane
//   alert.verdict = item;           // shows item.display.alert, or nothing
//
// - <smime-details> is a region named "Signature details": the badge, the
//   label, the reasons, what the reader can do, the signer's certificate
//   (for a PageItem), the server's description against the checked message
//   when they differ, and (in a <details> the keyboard opens with Enter or
//   Space) the matrix row and column, both statuses, the codes and the
//   comparison when nothing differs.
// - <smime-alert> is role="alert", a live region: keep it in the page and
//   set its verdict, so that a screen reader announces an alert when one
//   appears. It is empty (and :empty) when the verdict has no alert. Put it
//   outside the message content: an alert inside text the sender wrote could
//   be forged by the sender.
// - Both render in the light DOM (webmail CSS and tests see their text) with
//   one constructable stylesheet adopted by the document: no inline style, so
//   they work under `style-src 'self'`. Theme them with --smime-alert-fg,
//   --smime-alert-bg, --smime-details-muted.
// - Language: the `locale` attribute, else resolveLocale(); the `catalog`
//   property adds or overrides texts (see jmap-smime/i18n).

import { localize, text, catalogFor } from './i18n.js';
import { COLOURS, icon } from './ui-badge.js';
import { el, definitions, signerSummary, headerComparison } from './ui-parts.js';

const STYLES = `
smime-alert:not(:empty) {
  display: flex; gap: .75rem; align-items: flex-start; padding: .75rem 1rem; margin: 0 0 1rem;
  border: 2px solid var(--smime-alert-fg, ${COLOURS.failed[0]}); border-radius: .5rem;
  color: var(--smime-alert-fg, ${COLOURS.failed[0]}); background: var(--smime-alert-bg, ${COLOURS.failed[1]});
}
smime-alert .smime-alert-icon { width: 1.75rem; height: 1.75rem; flex: none; }
smime-alert .smime-alert-text { margin: 0; font-weight: 600; }
smime-alert .smime-alert-about { font-weight: 400; }
smime-details { display: block; }
smime-details .smime-details-top { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
smime-details .smime-details-muted { color: var(--smime-details-muted, #4b5563); }
smime-details .reasons { margin: .25rem 0 .75rem; padding-left: 1.25rem; }
smime-details .technical > summary { cursor: pointer; }
smime-details .technical dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .75rem; margin: .5rem 0; }
smime-details .technical dt { font-weight: 600; }
smime-details .technical dd { margin: 0; overflow-wrap: anywhere; }
smime-details .smime-signers dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .75rem; margin: .25rem 0 .75rem; }
smime-details .smime-signers dt { font-weight: 600; }
smime-details .smime-signers dd { margin: 0; overflow-wrap: anywhere; }
smime-details .compare-headers { border-collapse: collapse; margin: .25rem 0 .75rem; }
smime-details .compare-headers th, smime-details .compare-headers td { text-align: left; padding: .15rem .6rem .15rem 0; vertical-align: top; overflow-wrap: anywhere; }
smime-details .smime-bad { color: var(--smime-alert-fg, ${COLOURS.failed[0]}); font-weight: 600; }
`;

let adopted = false;
function adoptStyles(doc) {
  if (adopted || !doc.adoptedStyleSheets) return;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(STYLES);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  adopted = true;
}

/** Shared: a verdict property (PageItem or DisplayVerdict), a catalog, a locale attribute. */
class VerdictElement extends HTMLElement {
  static observedAttributes = ['locale'];
  #verdict = null;
  #catalog;

  /** A PageItem (`{display, client, …}`) or a DisplayVerdict. */
  get verdict() { return this.#verdict; }
  set verdict(v) { this.#verdict = v ?? null; this.refresh(); }

  /** Texts over the locale's catalog (partial is fine). */
  get catalog() { return this.#catalog; }
  set catalog(c) { this.#catalog = c; this.refresh(); }

  /** The DisplayVerdict of `verdict`. */
  get display() { return this.#verdict?.display ?? this.#verdict; }

  get options() { return { locale: this.getAttribute('locale') ?? undefined, catalog: this.#catalog }; }

  connectedCallback() { adoptStyles(this.ownerDocument); this.refresh(); }
  attributeChangedCallback() { this.refresh(); }

  refresh() {
    if (!this.isConnected) return;
    this.lang = catalogFor(this.options.locale).locale ?? '';
    this.render(this.ownerDocument);
  }
}

/** <smime-alert locale?>: the security alert of a verdict, or nothing. */
export class SmimeAlert extends VerdictElement {
  static observedAttributes = ['locale', 'about'];

  connectedCallback() {
    this.setAttribute('role', 'alert');
    super.connectedCallback();
  }

  render(doc) {
    const d = this.display;
    const alert = d ? localize(d, this.options).alert : null;
    if (!alert) {
      this.replaceChildren();
      return;
    }
    const about = this.getAttribute('about');
    const svg = icon('failed', doc);
    svg.setAttribute('class', 'smime-alert-icon');
    this.replaceChildren(svg, el(doc, 'p', { class: 'smime-alert-text' }, alert,
      about ? [' ', el(doc, 'span', { class: 'smime-alert-about' }, text('ui', 'alert-about', { subject: about }, this.options))] : []));
  }
}

function protectedList(doc, p) {
  if (!p?.fields?.length) return null;
  return el(doc, 'ul', { class: 'smime-protected' }, p.fields.map((f) => el(doc, 'li', { 'data-field': f.name }, `${f.name}: ${f.value}`)));
}

/** <smime-details locale?>: the verdict of one message, for its detail pane. */
export class SmimeDetails extends VerdictElement {
  connectedCallback() {
    this.setAttribute('role', 'region');
    super.connectedCallback();
  }

  render(doc) {
    const o = this.options;
    this.setAttribute('aria-label', text('ui', 'region', {}, o));
    const d = this.display;
    if (!d) {
      this.replaceChildren();
      return;
    }
    const t = localize(d, o);
    const comparison = headerComparison(doc, d.headerCheck, o);
    const differs = (d.headerCheck?.fields ?? []).some((f) => f.outcome !== 'agrees');
    const signers = signerSummary(doc, this.verdict?.client, o, t.locale);
    const badge = el(doc, 'smime-badge', { level: d.level, label: t.label, size: 'large', locale: o.locale });
    const hint = t.hint ? el(doc, 'p', { class: 'hint' }, el(doc, 'strong', {}, text('ui', 'hint', {}, o)), ' ', t.hint) : null;
    const parts = [
      el(doc, 'div', { class: 'smime-details-top' }, badge,
        el(doc, 'p', { class: 'display-label' }, text('ui', 'shown-as', { label: t.label, level: t.levelName }, o))),
      el(doc, 'h4', {}, text('ui', 'why', {}, o)),
      el(doc, 'ul', { class: 'reasons' }, t.reasons.map((r, i) => el(doc, 'li', { 'data-code': d.notes?.[i]?.code }, r))),
      hint,
      signers,
      differs ? comparison : null,
      this.#technical(doc, d, o, { comparison: differs ? null : comparison, signers: !signers })];
    this.replaceChildren(...parts.filter(Boolean));
  }

  #technical(doc, d, o, { comparison, signers }) {
    const c = d.client;
    const s = d.server;
    const codes = [...(c?.errors ?? [])];
    return el(doc, 'details', { class: 'technical' },
      el(doc, 'summary', {}, text('ui', 'technical', {}, o)),
      definitions(doc, [
        [text('ui', 'client-row', {}, o), el(doc, 'code', {}, c?.row ?? text('ui', 'not-run', {}, o))],
        [text('ui', 'server-column', {}, o), el(doc, 'code', {}, s?.column ?? text('ui', 'absent', {}, o))],
        [text('ui', 'client-status', {}, o), c ? el(doc, 'code', {}, String(c.status ?? 'null')) : null],
        [text('ui', 'server-status', {}, o), s ? el(doc, 'code', {}, String(s.status ?? 'null')) : null],
        // The signer, when no signer summary above shows it.
        [text('ui', 'signer', {}, o), signers ? c?.signer : null],
        [text('ui', 'issuer', {}, o), signers ? c?.issuer : null],
        [text('ui', 'codes', {}, o), codes.length ? el(doc, 'code', {}, codes.join(', ')) : text('ui', 'none', {}, o)],
        // Issue 12 §5: the header fields the signer protected (RFC 9788).
        [text('ui', 'protected', {}, o), protectedList(doc, this.verdict?.client?.protectedHeaders)],
      ]),
      comparison);
  }
}

if (globalThis.customElements) {
  if (!customElements.get('smime-alert')) customElements.define('smime-alert', SmimeAlert);
  if (!customElements.get('smime-details')) customElements.define('smime-details', SmimeDetails);
}
