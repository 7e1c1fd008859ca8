// The page script of the <smime-details>/<smime-alert> test in
// tests/js/ui.test.js (an external file: the page's CSP allows no inline
// script). window.show(item, locale?) puts one PageItem in both elements.
import '/pkg/ui.js';

const alert = document.getElementById('alert');
const pane = document.getElementById('pane');
window.show = (item, locale) => {
  const details = document.createElement('smime-details');
  for (const e of [alert, details]) {
    if (locale) e.setAttribute('locale', locale);
    else e.removeAttribute('locale');
  }
  alert.setAttribute('about', item.email?.subject ?? '(no subject)');
  alert.verdict = item;
  details.verdict = item;
  pane.replaceChildren(details);
};
window.ready = true;
