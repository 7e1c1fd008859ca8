// The six display levels: the badge and the icons come from the package's
// UI kit (jmap-smime/ui: <smime-badge>), so the demo shows what a webmail
// would, and so do the levels' short names; what each means is the demo's.
import { icon, LEVELS, LEVEL_NAMES } from '/pkg/ui.js';

export { icon, LEVELS, LEVEL_NAMES };

/** What each level means, for the legend (the library's labels are more specific). */
export const LEGEND = {
  verified: 'The signature checks out in this browser: intact, from a trusted root, and the signer is the sender.',
  'verified-by-server': 'Only the mail server vouches for it; this browser could not confirm it (for example a root it does not trust).',
  warning: 'The signature is intact but something does not add up: an untrusted signer, a different sender, or a disagreement with the server.',
  failed: 'The signature is broken, revoked or expired, or the server and this browser contradict each other in a dangerous way.',
  unsigned: 'The message carries no signature that covers it.',
  pending: 'No verdict yet: not checked in this browser and the server gives none.',
};

/** <smime-badge class="badge" level label>: role="img", aria-label "Signature: label". */
export function badge(level, label, { large = false } = {}) {
  const b = document.createElement('smime-badge');
  b.className = 'badge';
  b.dataset.level = level;
  if (large) b.setAttribute('size', 'large');
  b.setAttribute('level', level);
  b.setAttribute('label', label);
  return b;
}
