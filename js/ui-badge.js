// jmap-smime/ui, <smime-badge> (issue 11): one verdict's level and label.
//
//   <smime-badge level="verified" label="Verified by alice@example.com" locale="de"></smime-badge>
//
// - Accessible: the element is role="img" with aria-label "Signature: <label>"
//   (in the catalog's language: `locale` attribute, else resolveLocale());
//   the icon and the text inside are hidden from assistive technology, so
//   the label is read once. The level never rests on colour alone: each level
//   has its own icon shape.
// - Themable with CSS custom properties on the element or any ancestor:
//   --smime-<level>-fg and --smime-<level>-bg (levels below),
//   --smime-badge-font-size, --smime-badge-radius.
// - Strict-CSP safe: no inline script or style attribute; the styles are a
//   constructable stylesheet adopted by the element's shadow root.
//
// Importing the module defines the element (once); `SmimeBadge` is exported
// for subclassing, `icon()` for drawing a level's icon elsewhere.

import { en, catalogFor, text as kitText } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';

/** The display levels of `DisplayVerdict.level`, in the order of a legend. */
export const LEVELS = ['verified', 'verified-by-server', 'warning', 'failed', 'unsigned', 'pending'];

/** A short English name per level, for a badge without a label (other languages: `levels` of a catalog). */
export const LEVEL_NAMES = en.levels;

// Default colours (text on background, each pair at least 4.5:1, WCAG 2.x AA).
export const COLOURS = {
  verified: ['#0f5f2a', '#e6f4ea'],
  'verified-by-server': ['#114a8a', '#e3eefb'],
  warning: ['#6b4500', '#fff4d6'],
  failed: ['#a1121d', '#fde8e8'],
  unsigned: ['#444c56', '#eef0f2'],
  pending: ['#553a99', '#efeafa'],
};

// Each icon: 16x16, drawn in currentColor (the level's text colour); the
// marks cut into filled shapes are white.
const SHAPES = {
  // A filled shield with a check: checked in this browser.
  verified: [
    ['path', { d: 'M8 1.2 2.4 3.4v4.1c0 3.3 2.3 5.9 5.6 7.3 3.3-1.4 5.6-4 5.6-7.3V3.4z', fill: 'currentColor' }],
    ['path', { d: 'M5.1 8.1 7.1 10.1 11 6', fill: 'none', stroke: '#fff', 'stroke-width': '1.8', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }],
  ],
  // A hollow circle with a check: vouched for by the server only.
  'verified-by-server': [
    ['circle', { cx: '8', cy: '8', r: '6.2', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.6' }],
    ['path', { d: 'M5.2 8.2 7.2 10.1 10.9 6.1', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.8', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }],
  ],
  // A triangle with an exclamation mark.
  warning: [
    ['path', { d: 'M8 1.4 15.2 14H.8z', fill: 'currentColor', 'stroke-linejoin': 'round' }],
    ['path', { d: 'M8 5.6v4.2', stroke: '#fff', 'stroke-width': '1.8', 'stroke-linecap': 'round' }],
    ['circle', { cx: '8', cy: '11.9', r: '1', fill: '#fff' }],
  ],
  // An octagon with a cross.
  failed: [
    ['path', { d: 'M5.2 1h5.6L15 5.2v5.6L10.8 15H5.2L1 10.8V5.2z', fill: 'currentColor' }],
    ['path', { d: 'M5.4 5.4l5.2 5.2M10.6 5.4l-5.2 5.2', stroke: '#fff', 'stroke-width': '1.8', 'stroke-linecap': 'round' }],
  ],
  // A dashed circle with a dash: no signature.
  unsigned: [
    ['circle', { cx: '8', cy: '8', r: '6.2', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.5', 'stroke-dasharray': '2.4 1.6' }],
    ['path', { d: 'M5 8h6', stroke: 'currentColor', 'stroke-width': '1.8', 'stroke-linecap': 'round' }],
  ],
  // A clock: no verdict yet.
  pending: [
    ['circle', { cx: '8', cy: '8', r: '6.2', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.6' }],
    ['path', { d: 'M8 4.4V8l2.6 1.6', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.6', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }],
  ],
};


/** The icon of `level` (an unknown level draws as pending): an <svg>, hidden from assistive technology. */
export function icon(level, doc = document) {
  const svg = doc.createElementNS(NS, 'svg');
  for (const [k, v] of [['viewBox', '0 0 16 16'], ['width', '16'], ['height', '16'], ['aria-hidden', 'true'], ['focusable', 'false'], ['class', 'icon']]) {
    svg.setAttribute(k, v);
  }
  for (const [tag, attrs] of SHAPES[level] ?? SHAPES.pending) {
    const el = doc.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.append(el);
  }
  return svg;
}

function badgeStyles() {
  const levels = LEVELS.map((l) => `:host([level="${l}"]) { --c: var(--smime-${l}-fg, ${COLOURS[l][0]}); --b: var(--smime-${l}-bg, ${COLOURS[l][1]}); }`);
  return `
:host {
  --c: var(--smime-pending-fg, ${COLOURS.pending[0]}); --b: var(--smime-pending-bg, ${COLOURS.pending[1]});
  display: inline-flex; align-items: center; gap: .35em; max-width: 100%;
  padding: .08em .55em .08em .4em; border: 1px solid var(--c); border-radius: var(--smime-badge-radius, 1rem);
  color: var(--c); background: var(--b);
  font-size: var(--smime-badge-font-size, .82rem); font-weight: 650; line-height: 1.5;
}
:host([size="large"]) { font-size: var(--smime-badge-font-size, 1rem); padding: .2em .75em .2em .55em; }
${levels.join('\n')}
.icon { width: 1.1em; height: 1.1em; flex: none; }
.text { overflow-wrap: anywhere; }
`;
}

let sheet;
function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(badgeStyles());
  }
  return sheet;
}

/** <smime-badge level label size="large"?>: one verdict's level and label. */
export class SmimeBadge extends HTMLElement {
  static observedAttributes = ['level', 'label', 'locale'];
  #root;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [styleSheet()];
  }

  /** The display level (an unknown one shows as pending). */
  get level() {
    const l = this.getAttribute('level');
    return LEVELS.includes(l) ? l : 'pending';
  }

  set level(value) {
    this.setAttribute('level', value);
  }

  /** The label (default: the level's name in the badge's language). */
  get label() {
    return this.getAttribute('label') ?? kitText('levels', this.level, {}, { locale: this.getAttribute('locale') ?? undefined });
  }

  set label(value) {
    this.setAttribute('label', value);
  }

  connectedCallback() {
    this.#render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#render();
  }

  #render() {
    const { level, label } = this;
    this.setAttribute('role', 'img');
    const locale = this.getAttribute('locale') ?? undefined;
    this.setAttribute('aria-label', kitText('ui', 'badge', { label }, { locale }));
    this.lang = catalogFor(locale).locale ?? '';
    const text = this.ownerDocument.createElement('span');
    text.className = 'text';
    text.setAttribute('aria-hidden', 'true');
    text.textContent = label;
    this.#root.replaceChildren(icon(level, this.ownerDocument), text);
  }
}

if (globalThis.customElements && !customElements.get('smime-badge')) customElements.define('smime-badge', SmimeBadge);
