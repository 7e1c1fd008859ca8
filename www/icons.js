// The six display levels: an icon shape per level (so the level never rests
// on colour alone), a legend text, and the badge element.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

// Each icon: 16×16, drawn in currentColor (the level's dark text colour);
// the marks cut into filled shapes are white.
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

export const LEVELS = ['verified', 'verified-by-server', 'warning', 'failed', 'unsigned', 'pending'];

/** What each level means, for the legend (the library's labels are more specific). */
export const LEGEND = {
  verified: ['Verified', 'The signature checks out in this browser: intact, from a trusted root, and the signer is the sender.'],
  'verified-by-server': ['Verified by server', 'Only the mail server vouches for it; this browser could not confirm it (for example a root it does not trust).'],
  warning: ['Warning', 'The signature is intact but something does not add up: an untrusted signer, a different sender, or a disagreement with the server.'],
  failed: ['Failed', 'The signature is broken, revoked or expired, or the server and this browser contradict each other in a dangerous way.'],
  unsigned: ['Not signed', 'The message carries no signature that covers it.'],
  pending: ['Not verified', 'No verdict yet: not checked in this browser and the server gives none.'],
};

export function icon(level) {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  for (const [tag, attrs] of SHAPES[level] ?? SHAPES.pending) {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.append(el);
  }
  return svg;
}

/** <span class="badge" data-level aria-label="Signature: label">icon label</span> */
export function badge(level, label, { large = false } = {}) {
  return h('span', { class: large ? 'badge badge-large' : 'badge', role: 'img', 'aria-label': `Signature: ${label}`, dataset: { level } },
    icon(level), h('span', { class: 'badge-text', 'aria-hidden': 'true' }, label));
}
