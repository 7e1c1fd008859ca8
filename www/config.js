// The demo's configuration (/demo/config.json, written by scripts/demo-seed.sh):
// credentials, the browser's initial roots, the root the trust panel offers, and
// a CertificateMemory export of what this browser remembers (issue 12 §2).

/** /demo/config.json, sanitised, or null when absent or unreadable. */
export async function loadConfig() {
  try {
    const r = await fetch('/demo/config.json', { cache: 'no-store' });
    if (!r.ok) return null;
    const c = await r.json();
    return {
      username: typeof c.username === 'string' ? c.username : '',
      password: typeof c.password === 'string' ? c.password : '',
      trustPem: Array.isArray(c.trustPem) ? c.trustPem.filter((p) => typeof p === 'string') : [],
      offer: Array.isArray(c.offer) ? c.offer.filter((o) => o && typeof o.pem === 'string') : [],
      // A CertificateMemory export: what this browser remembers from earlier mail (issue 12 §2).
      memory: typeof c.memory === 'string' ? c.memory : null,
    };
  } catch {
    return null;
  }
}
