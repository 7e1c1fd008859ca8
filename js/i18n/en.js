// The English catalog: the verdict texts generated from the Rust tables
// (verdict-en.js) and the texts of the UI kit's elements.
import verdict from './verdict-en.js';

export default {
  locale: 'en',
  ...verdict,
  levels: {
    verified: 'Verified',
    'verified-by-server': 'Verified by server',
    warning: 'Warning',
    failed: 'Failed',
    unsigned: 'Not signed',
    pending: 'Not verified',
  },
  ui: {
    badge: 'Signature: {label}',
    region: 'Signature details',
    alert: 'Security alert',
    'alert-about': '(Message: {subject|q}.)',
    heading: 'Signature',
    'shown-as': 'Shown as {label} (level {level})',
    why: 'Why',
    hint: 'What you can do:',
    'server-age': 'The server checked this {secs|age} ago.',
    'server-age-stale': 'The server checked this {secs|age} ago, longer than the 24 hours RFC 9219 allows.',
    technical: 'Technical details',
    'client-row': 'This browser found',
    'server-column': 'The mail server says',
    'client-status': 'Status in this browser',
    'server-status': 'Status on the server (smimeStatus)',
    signer: 'Signer',
    issuer: 'Issued by',
    codes: 'Codes',
    'not-run': 'not checked here',
    absent: 'no RFC 9219 status',
    none: 'none',
  },
};
