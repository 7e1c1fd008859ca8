// The page script of tests/js/ui.test.js (an external file: the page's CSP
// allows no inline script). One <smime-badge> per level, then one themed
// through a custom property on its parent.
import { LEVELS } from '/pkg/ui.js';

const list = document.getElementById('badges');
for (const level of LEVELS) {
  const li = document.createElement('li');
  const b = document.createElement('smime-badge');
  b.setAttribute('level', level);
  li.append(b);
  list.append(li);
}
const themed = document.getElementById('themed');
const b = document.createElement('smime-badge');
b.setAttribute('level', 'verified');
b.setAttribute('label', 'Signed by alice@example.com');
themed.append(b);
window.ready = true;
