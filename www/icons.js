// The six display levels: the badge and the icons come from the package's
// UI kit (jmap-smime/ui: <smime-badge>), so the demo shows what a webmail
// would; the legend texts are the demo's own.
import { icon, LEVELS } from '/pkg/ui.js';

export { icon, LEVELS };

/** What each level means, for the legend (the library's labels are more specific). */
export const LEGEND = {
  verified: ['Verified', 'The signature checks out in this browser: intact, from a trusted root, and the signer is the sender.'],
  'verified-by-server': ['Verified by server', 'Only the mail server vouches for it; this browser could not confirm it (for example a root it does not trust).'],
  warning: ['Warning', 'The signature is intact but something does not add up: an untrusted signer, a different sender, or a disagreement with the server.'],
  failed: ['Failed', 'The signature is broken, revoked or expired, or the server and this browser contradict each other in a dangerous way.'],
  unsigned: ['Not signed', 'The message carries no signature that covers it.'],
  pending: ['Not verified', 'No verdict yet: not checked in this browser and the server gives none.'],
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
