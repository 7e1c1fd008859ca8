// The German catalog: the verdict texts (verdict-de.js, written by hand with
// the keys of verdict-en.js) and the texts of the UI kit's elements.
import verdict from './verdict-de.js';

export default {
  locale: 'de',
  ...verdict,
  levels: {
    verified: 'Verifiziert',
    'verified-by-server': 'Vom Server verifiziert',
    warning: 'Warnung',
    failed: 'Fehlgeschlagen',
    unsigned: 'Nicht signiert',
    pending: 'Nicht geprüft',
  },
  ui: {
    badge: 'Signatur: {label}',
    region: 'Details zur Signatur',
    alert: 'Sicherheitswarnung',
    'alert-about': '(Nachricht: {subject|q}.)',
    heading: 'Signatur',
    'shown-as': 'Angezeigt als {label} (Stufe {level})',
    why: 'Warum',
    hint: 'Was Sie tun können:',
    'server-age': 'Der Server hat dies vor {secs|age} geprüft.',
    'server-age-stale': 'Der Server hat dies vor {secs|age} geprüft, länger als die 24 Stunden, die RFC 9219 erlaubt.',
    technical: 'Technische Details',
    'client-row': 'Ergebnis in diesem Browser',
    'server-column': 'Angabe des Mailservers',
    'client-status': 'Status in diesem Browser',
    'server-status': 'Status auf dem Server (smimeStatus)',
    signer: 'Signiert von',
    issuer: 'Ausgestellt von',
    codes: 'Fehlercodes',
    'not-run': 'hier nicht geprüft',
    absent: 'kein RFC-9219-Status',
    none: 'keine',
  },
};
