// The demo's drop zone: a local .eml chosen or dropped is handed to the page
// (app.js verifies it in the offline worker).
import { $ } from './dom.js';

/** Wire the drop zone (#drop, #drop-input): `onFile(file)` for a chosen or dropped file. */
export function setUpDrop(onFile) {
  const zone = $('#drop');
  const input = $('#drop-input');
  input.addEventListener('change', () => {
    if (input.files?.[0]) onFile(input.files[0]);
    input.value = '';
  });
  const over = (e) => {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    zone.dataset.over = 'true';
  };
  zone.addEventListener('dragenter', over);
  zone.addEventListener('dragover', over);
  zone.addEventListener('dragleave', (e) => { if (!zone.contains(e.relatedTarget)) delete zone.dataset.over; });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    delete zone.dataset.over;
    const file = e.dataTransfer?.files?.[0];
    if (file) onFile(file);
  });
  // A file dropped next to the zone must not navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
}

