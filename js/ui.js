// jmap-smime/ui (issue 11): framework-free custom elements for what a
// webmail shows of a verdict. Importing this module defines them (once):
// <smime-badge> (ui-badge.js), <smime-details> and <smime-alert>
// (ui-details.js). Their texts come from jmap-smime/i18n.
export * from './ui-badge.js';
export * from './ui-details.js';
