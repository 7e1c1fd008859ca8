// The jmap-smime demo page: a small webmail that lists a mailbox, checks each
// message's S/MIME signature in a Web Worker (WorkerClient from the npm
// package), and shows the verdict reconciled with the server's RFC 9219
// status. Also: a trust panel (anchors in use, bundled roots, PEM import) and
// a drop zone that checks a local .eml with no server at all.
import { WorkerClient } from '/pkg/worker-client.js';
import { setDefaultLocale, catalogFor, localize, text } from '/pkg/i18n.js';
import { h, $, $$, time } from './dom.js';
import { badge, LEVELS, LEVEL_NAMES, LEGEND } from './icons.js';
import { detail, dropResult } from './verdict.js';
import { fromOf, subjectOf } from './content.js';
import { setUpDrop } from './drop.js';
import { loadConfig } from './config.js';

const PAGE_SIZE = 50;

const state = {
  config: null, // /demo/config.json, or null when absent
  client: null, // the connected WorkerClient
  offline: null, // a WorkerClient with no server, for the drop zone
  trust: null, // the TrustSummary shown in the trust panel
  imports: [], // [{label, pem, offer?}] imported in this session
  mailboxes: [],
  mailboxId: null,
  items: new Map(), // email id -> PageItem of the page on screen
  order: [],
  selectedId: null,
};

// ------------------------------------------------------------ errors

/** Show a library error (`.code` and `.message`) in #error. */
function showError(e, what) {
  const box = $('#error');
  box.replaceChildren(
    h('p', {},
      h('strong', {}, `${what} failed: `),
      h('code', { class: 'code' }, e?.code ?? 'error'),
      ' ',
      h('span', { class: 'message' }, e?.message ?? String(e))),
    h('button', { type: 'button', class: 'link', onclick: clearError }, 'Dismiss'));
  box.dataset.code = e?.code ?? 'error';
}

function clearError() {
  $('#error').replaceChildren();
  delete $('#error').dataset.code;
}

const isAbort = (e) => e?.code === 'aborted';

// ------------------------------------------------------------ one operation at a time

// A JmapSmimeClient runs one operation at a time, so the page chains every
// call to the connected worker, and aborts a page load that a newer one
// (another mailbox, a trust change) replaces.
let chain = Promise.resolve();
function exclusive(fn) {
  const run = chain.then(fn, fn);
  chain = run.catch(() => {});
  return run;
}
let offlineChain = Promise.resolve();
function offlineExclusive(fn) {
  const run = offlineChain.then(fn, fn);
  offlineChain = run.catch(() => {});
  return run;
}

// ------------------------------------------------------------ trust

function trustSpec() {
  return {
    bundled: $('#bundled').checked,
    pem: [...(state.config?.trustPem ?? []), ...state.imports.map((i) => i.pem)],
  };
}

function renderTrust(summary) {
  if (!summary) return;
  state.trust = summary;
  // Anchors that came from a certificate (PEM) carry its fingerprint; the
  // bundled Mozilla roots come from the compact anchor file and do not.
  const mine = summary.anchors.filter((a) => a.fingerprintSha256);
  const bundled = summary.anchors.filter((a) => !a.fingerprintSha256);
  const anchor = (a) => h('li', { class: 'anchor', dataset: { id: a.id } },
    h('span', { class: 'anchor-label' }, a.label),
    a.label !== a.subject ? h('span', { class: 'anchor-subject dn' }, a.subject) : null);
  $('#anchor-count').textContent = `${summary.anchors.length} trust anchor${summary.anchors.length === 1 ? '' : 's'} in use`;
  $('#anchors-mine').replaceChildren(...(mine.length ? mine.map(anchor) : [h('li', { class: 'none' }, 'None.')]));
  $('#anchors-bundled-count').textContent = String(bundled.length);
  $('#anchors-bundled').replaceChildren(...bundled.map(anchor));
  $('#anchors-bundled-box').hidden = bundled.length === 0;
  $('#trust-fingerprint').textContent = summary.fingerprint;
  renderImports();
}

function renderImports() {
  const list = $('#imports');
  list.replaceChildren(...state.imports.map((imp, i) => h('li', {},
    h('span', {}, imp.label), ' ',
    h('button', { type: 'button', class: 'small', 'aria-label': `Remove ${imp.label}`, onclick: () => removeImport(i) }, 'Remove'))));
  $('#imports-box').hidden = state.imports.length === 0;
  $$('.offer-btn').forEach((b) => {
    const taken = state.imports.some((imp) => imp.offer === Number(b.dataset.offer));
    b.disabled = taken;
    b.querySelector('.offer-state').textContent = taken ? ' (imported)' : '';
  });
}

/** Apply the trust in the panel to both workers, then check the page again. */
async function applyTrust(previousImports, what = 'Changing the trust') {
  const spec = trustSpec();
  const loading = state.client ? abortLoad() : null;
  try {
    const summaries = await Promise.all([
      state.client ? exclusive(() => state.client.setTrust(spec)) : null,
      offlineExclusive(() => state.offline.setTrust(spec)),
    ]);
    renderTrust(summaries[0] ?? summaries[1]);
  } catch (e) {
    // The worker keeps its previous trust when the new one does not build.
    if (previousImports) state.imports = previousImports;
    renderImports();
    showError(e, what);
    await loading;
    if (state.client) loadMessages();
    return false;
  }
  if (state.client) loadMessages();
  return true;
}

async function importPem(pem, label, offer) {
  clearError();
  const before = state.trust?.anchors.map((a) => a.id) ?? [];
  const previous = [...state.imports];
  state.imports = [...state.imports, { label: label ?? 'Pasted certificate', pem, offer }];
  const ok = await applyTrust(previous, 'Importing the certificate');
  if (ok && label === undefined) {
    // Name a pasted import after the anchor it added.
    const added = state.trust.anchors.filter((a) => !before.includes(a.id));
    state.imports[state.imports.length - 1].label = added.length ? added.map((a) => a.label).join(', ') : 'Pasted certificate (already trusted)';
    renderImports();
  }
  return ok;
}

function removeImport(i) {
  clearError();
  const previous = [...state.imports];
  state.imports.splice(i, 1);
  applyTrust(previous);
  $('#import-pem').focus();
}

// ------------------------------------------------------------ progress

const progress = {
  start(total) {
    const bar = $('#progress');
    bar.hidden = false;
    bar.dataset.done = 'false';
    bar.setAttribute('aria-valuemin', '0');
    if (total) bar.setAttribute('aria-valuemax', String(total));
    bar.setAttribute('aria-valuenow', '0');
    bar.setAttribute('aria-valuetext', 'Loading messages');
    $('#progress-text').textContent = 'Loading messages…';
    $('#progress-fill').style.width = '0%';
    $('#message-list').setAttribute('aria-busy', 'true');
  },
  update({ done, total }) {
    const bar = $('#progress');
    bar.setAttribute('aria-valuemax', String(total));
    bar.setAttribute('aria-valuenow', String(done));
    bar.setAttribute('aria-valuetext', `${done} of ${total} messages checked`);
    $('#progress-text').textContent = `Checking signatures: ${done} of ${total}`;
    $('#progress-fill').style.width = total ? `${Math.round((100 * done) / total)}%` : '100%';
  },
  finish(total) {
    const bar = $('#progress');
    if (total !== undefined) {
      bar.setAttribute('aria-valuemax', String(total));
      bar.setAttribute('aria-valuenow', String(total));
      bar.setAttribute('aria-valuetext', `${total} of ${total} messages checked`);
    }
    bar.dataset.done = 'true';
    bar.hidden = true;
    $('#message-list').removeAttribute('aria-busy');
  },
  reset() {
    const bar = $('#progress');
    bar.hidden = true;
    delete bar.dataset.done;
    $('#message-list').removeAttribute('aria-busy');
  },
};

// ------------------------------------------------------------ mailboxes and messages

function renderMailboxes() {
  const byParent = new Map();
  for (const m of state.mailboxes) {
    const key = m.parentId ?? null;
    if (!byParent.has(key)) byParent.set(key, []);
    byParent.get(key).push(m);
  }
  const sorted = (list) => [...list].sort((a, b) => (a.sortOrder - b.sortOrder) || a.name.localeCompare(b.name));
  const items = [];
  const walk = (parent, depth) => {
    for (const m of sorted(byParent.get(parent) ?? [])) {
      items.push(h('li', {},
        h('button', {
          type: 'button', class: 'mailbox', style: { '--depth': depth }, dataset: { mailboxId: m.id },
          'aria-current': m.id === state.mailboxId ? 'true' : null,
          onclick: () => selectMailbox(m.id),
        }, h('span', { class: 'mailbox-name' }, m.name || '(unnamed)'), ' ', h('span', { class: 'count', 'aria-label': `${m.totalEmails} messages` }, String(m.totalEmails)))));
      if (depth < 10) walk(m.id, depth + 1);
    }
  };
  walk(null, 0);
  // Mailboxes whose parent is not in the list.
  const ids = new Set(state.mailboxes.map((m) => m.id));
  for (const [parent] of byParent) if (parent !== null && !ids.has(parent)) walk(parent, 0);
  $('#mailbox-list').replaceChildren(...(items.length ? items : [h('li', { class: 'none' }, 'No mailboxes.')]));
}

function selectMailbox(id) {
  if (id === state.mailboxId) return;
  state.mailboxId = id;
  state.selectedId = null;
  renderMailboxes();
  renderDetail();
  loadMessages();
}

let loadController = null;
let loadRun = null;

function abortLoad() {
  loadController?.abort();
  return loadRun?.catch(() => {});
}

/** Load (or reload) the selected mailbox's first page, aborting a load in progress. */
function loadMessages() {
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  const client = state.client;
  const mailbox = state.mailboxes.find((m) => m.id === state.mailboxId);
  const run = exclusive(async () => {
    if (controller.signal.aborted || client !== state.client) return;
    $('#messages-h').textContent = mailbox ? mailbox.name : 'Messages';
    $('#message-list').setAttribute('aria-label', `Messages in ${mailbox?.name ?? 'the mailbox'}`);
    $('#list-status').textContent = '';
    progress.start(Math.min(mailbox?.totalEmails ?? 0, PAGE_SIZE));
    try {
      const query = { limit: PAGE_SIZE };
      if (state.mailboxId) query.mailboxId = state.mailboxId;
      const current = () => !controller.signal.aborted && client === state.client;
      // The list is drawn from the server's page as soon as it is known
      // (rows still being checked here say so), and each row's badge is
      // replaced as its verdict arrives.
      const page = await client.loadPage(query, {
        signal: controller.signal,
        onServerPage: (p) => {
          if (!current()) return;
          state.items = new Map(p.items.map((i) => [i.email.id, i]));
          state.order = p.items.map((i) => i.email.id);
          renderList(p);
        },
        onProgress: (p) => {
          if (!current()) return;
          progress.update(p);
          updateRow(p.item);
        },
      });
      if (controller.signal.aborted || client !== state.client) return;
      state.items = new Map(page.items.map((i) => [i.email.id, i]));
      state.order = page.items.map((i) => i.email.id);
      progress.finish(page.items.length);
      renderList(page);
      renderDetail();
    } catch (e) {
      if (controller.signal.aborted || isAbort(e)) return;
      progress.finish();
      $('#list-status').textContent = 'The messages could not be loaded.';
      showError(e, 'Loading the messages');
    } finally {
      if (loadController === controller) {
        loadController = null;
        if (!$('#progress').hidden && controller.signal.aborted) progress.finish();
      }
    }
  });
  loadRun = run;
  return run;
}

function renderList(page) {
  const list = $('#message-list');
  const focusedId = document.activeElement?.closest?.('li.message')?.dataset.emailId;
  const rows = page.items.map((item) => row(item));
  list.replaceChildren(...rows);
  if (rows.length === 0) list.append(h('li', { class: 'none', role: 'presentation' }, 'No messages.'));
  // Roving tabindex: one row in the tab order (the selected one, else the first).
  const current = rows.find((r) => r.dataset.emailId === state.selectedId) ?? rows[0];
  if (current) current.tabIndex = 0;
  if (focusedId) rows.find((r) => r.dataset.emailId === focusedId)?.focus();

  const counts = {};
  for (const i of page.items) counts[i.display.level] = (counts[i.display.level] ?? 0) + 1;
  const here = page.items.filter((i) => i.clientSource === 'verified').length;
  const cached = page.items.filter((i) => i.clientSource === 'cache').length;
  const total = page.total ?? page.items.length;
  $('#list-status').textContent = `${page.items.length} of ${total} message${total === 1 ? '' : 's'}: `
    + LEVELS.filter((l) => counts[l]).map((l) => `${counts[l]} ${LEVEL_NAMES[l].toLowerCase()}`).join(', ')
    + `. Checked in this browser: ${here}${cached ? `, from the cache: ${cached}` : ''}.`;
}

/** Replace one row of the list (and the detail, if it shows it) with `item`. */
function updateRow(item) {
  const id = item.email.id;
  if (!state.items.has(id)) return;
  state.items.set(id, item);
  const old = $$('li.message').find((r) => r.dataset.emailId === id);
  if (old) {
    const fresh = row(item);
    fresh.tabIndex = old.tabIndex;
    const focused = document.activeElement === old;
    old.replaceWith(fresh);
    if (focused) fresh.focus();
  }
  if (state.selectedId === id) renderDetail();
}

function row(item) {
  const { email, display } = item;
  // For a signed message, the From and Subject of the bytes checked here.
  const li = h('li', {
    class: 'message', role: 'option', tabindex: '-1',
    'aria-selected': email.id === state.selectedId ? 'true' : 'false',
    dataset: { emailId: email.id, level: display.level },
    onclick: () => select(email.id),
  },
  badge(display.level, localize(display).label),
  h('span', { class: 'from' }, fromOf(item)),
  h('span', { class: 'date' }, time(email.receivedAt)),
  h('span', { class: 'subject' }, subjectOf(item) || '(no subject)'),
  item.clientSource === 'pending' ? h('span', { class: 'row-checking' }, 'Checking in this browser…') : null,
  display.alert ? h('span', { class: 'row-alert', lang: catalogFor().locale }, text('ui', 'alert')) : null);
  return li;
}

function select(id, { focus = true } = {}) {
  state.selectedId = id;
  for (const r of $$('li.message')) {
    const on = r.dataset.emailId === id;
    r.setAttribute('aria-selected', on ? 'true' : 'false');
    r.tabIndex = on ? 0 : -1;
    if (on && focus) r.focus();
  }
  renderDetail();
  if (window.matchMedia('(max-width: 759px)').matches) $('#alert').scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function onListKey(e) {
  const rows = $$('li.message');
  const i = rows.indexOf(e.target.closest('li.message'));
  if (i < 0) return;
  let next = null;
  switch (e.key) {
    case 'Enter':
    case ' ':
      e.preventDefault();
      select(rows[i].dataset.emailId);
      return;
    case 'ArrowDown': next = rows[Math.min(i + 1, rows.length - 1)]; break;
    case 'ArrowUp': next = rows[Math.max(i - 1, 0)]; break;
    case 'Home': next = rows[0]; break;
    case 'End': next = rows[rows.length - 1]; break;
    default: return;
  }
  e.preventDefault();
  for (const r of rows) r.tabIndex = r === next ? 0 : -1;
  next.focus();
}

function renderDetail() {
  const pane = $('#detail');
  const alert = $('#alert');
  const item = state.selectedId ? state.items.get(state.selectedId) : null;
  if (!item) {
    delete pane.dataset.emailId;
    delete pane.dataset.level;
    pane.replaceChildren(h('h2', { id: 'detail-h' }, 'Message'),
      h('p', { class: 'placeholder' }, state.client
        ? 'Select a message to see who signed it, the certificate chain, and what this browser and the server each found.'
        : 'Connect to a JMAP server to list messages, or check a local .eml file below.'));
    alert.verdict = null;
    return;
  }
  pane.dataset.emailId = item.email.id;
  pane.dataset.level = item.display.level;
  // The R38 alert: outside the message, above the pane (<smime-alert>).
  alert.setAttribute('about', subjectOf(item) || '(no subject)');
  alert.verdict = item;
  pane.replaceChildren(...detail(item));
}

// ------------------------------------------------------------ connect

async function connect(event) {
  event.preventDefault();
  clearError();
  const sessionUrl = $('#session-url').value.trim();
  const username = $('#username').value;
  const password = $('#password').value;
  disconnect({ quiet: true });
  const button = $('#connect');
  button.disabled = true;
  $('#connection').textContent = `Connecting to ${sessionUrl}…`;
  try {
    const client = await WorkerClient.connect({
      sessionUrl,
      auth: { type: 'basic', username, password },
      trust: trustSpec(),
      acceptLanguage: navigator.language,
      // Issue 12 §2: a memory of signers, seeded from the demo configuration.
      memory: state.config?.memory ? new TextEncoder().encode(state.config.memory) : true,
    });
    state.client = client;
    renderTrust(client.trust);
    $('#connection').replaceChildren(
      `Connected to ${sessionUrl} as ${username || '(no user name)'} (account ${client.accountId}). `,
      client.supportsSmime
        ? 'The server reports S/MIME status (RFC 9219), so each verdict is compared with the server\'s.'
        : 'The server does not report S/MIME status (no RFC 9219): verdicts come from this browser alone.');
    document.body.dataset.connected = 'true';
    $('#disconnect').hidden = false;
    button.textContent = 'Reconnect';
    state.mailboxes = await exclusive(() => client.mailboxes());
    const inbox = state.mailboxes.find((m) => m.role === 'inbox')
      ?? [...state.mailboxes].sort((a, b) => a.sortOrder - b.sortOrder)[0];
    state.mailboxId = inbox?.id ?? null;
    renderMailboxes();
    renderDetail();
    await loadMessages();
  } catch (e) {
    if (state.client) disconnect({ quiet: true });
    $('#connection').textContent = 'Not connected.';
    showError(e, 'Connecting');
  } finally {
    button.disabled = false;
  }
}

function disconnect({ quiet = false } = {}) {
  loadController?.abort();
  state.client?.terminate();
  state.client = null;
  state.mailboxes = [];
  state.mailboxId = null;
  state.items = new Map();
  state.order = [];
  state.selectedId = null;
  chain = Promise.resolve();
  delete document.body.dataset.connected;
  $('#disconnect').hidden = true;
  $('#connect').textContent = 'Connect';
  $('#mailbox-list').replaceChildren();
  $('#message-list').replaceChildren();
  $('#messages-h').textContent = 'Messages';
  $('#list-status').textContent = 'Not connected.';
  progress.reset();
  renderDetail();
  if (!quiet) $('#connection').textContent = 'Disconnected.';
}

// ------------------------------------------------------------ drop zone

async function verifyFile(file) {
  clearError();
  const out = $('#drop-result');
  out.dataset.status = '';
  out.setAttribute('aria-busy', 'true');
  out.replaceChildren(h('p', {}, `Checking ${file.name}…`));
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const now = Date.now();
    const verdict = await offlineExclusive(() => state.offline.verify(bytes, { now }));
    out.dataset.status = verdict.status ?? 'null';
    out.replaceChildren(...dropResult(file, bytes, verdict, { now }));
  } catch (e) {
    out.dataset.status = 'error';
    out.replaceChildren(h('p', {}, `${file.name} could not be checked.`));
    showError(e, 'Checking the file');
  } finally {
    out.removeAttribute('aria-busy');
  }
}

// ------------------------------------------------------------ start

function renderLegend() {
  $('#legend-list').replaceChildren(...LEVELS.map((l) => h('li', {}, badge(l, LEVEL_NAMES[l]), ' ', h('span', {}, LEGEND[l]))));
}


/** Issue 12 §2: accept a changed signer certificate, then check the page again with the new configuration. */
async function acceptSigner(address, fingerprint) {
  if (!state.client) return;
  try {
    await exclusive(() => state.client.acceptSigner(address, fingerprint));
    await applyTrust(state.imports, 'Accepting the certificate');
  } catch (e) {
    showError(e, 'Accepting the certificate');
  }
}

/** The language of the verdicts (the kit's catalogs; the demo's own text stays English). */
function setLanguage(tag) {
  setDefaultLocale(tag);
  $('#language').value = catalogFor(tag).locale;
  for (const item of state.items?.values?.() ?? []) updateRow(item);
  renderDetail();
}

async function start() {
  const params = new URLSearchParams(location.search);
  setLanguage(params.get('lang') ?? undefined);
  $('#language').addEventListener('change', (e) => setLanguage(e.target.value));
  $('#detail').addEventListener('click', (e) => {
    const b = e.target.closest?.('.accept-signer-btn');
    if (b) acceptSigner(b.dataset.address, b.dataset.fingerprint);
  });
  $('#session-url').value = params.get('session') ?? location.origin;
  $('#signin-form').addEventListener('submit', connect);
  $('#disconnect').addEventListener('click', () => disconnect());
  $('#message-list').addEventListener('keydown', onListKey);
  $('#bundled').addEventListener('change', () => { clearError(); applyTrust(); });
  $('#import-btn').addEventListener('click', async () => {
    const pem = $('#import-pem').value.trim();
    if (!pem) {
      showError({ code: 'invalid-argument', message: 'Paste a PEM certificate (-----BEGIN CERTIFICATE----- …) first.' }, 'Importing');
      $('#import-pem').focus();
      return;
    }
    if (await importPem(pem)) $('#import-pem').value = '';
  });
  renderLegend();
  setUpDrop(verifyFile);
  renderDetail();

  state.config = await loadConfig();
  if (state.config) {
    $('#username').value = state.config.username;
    $('#password').value = state.config.password;
    $('#config-note').textContent = 'Filled in from this server\'s demo configuration.';
    $('#offers').replaceChildren(...state.config.offer.map((o, i) => h('li', {},
      h('button', { type: 'button', class: 'offer-btn', dataset: { offer: i } },
        'Import ', h('span', { class: 'offer-label' }, o.label || `certificate ${i + 1}`), h('span', { class: 'offer-state' })))));
    $$('.offer-btn').forEach((b) => b.addEventListener('click', () => {
      const o = state.config.offer[Number(b.dataset.offer)];
      importPem(o.pem, o.label || 'Offered certificate', Number(b.dataset.offer));
    }));
    $('#offers-box').hidden = state.config.offer.length === 0;
  } else {
    $('#config-note').textContent = 'No demo configuration on this server: enter the JMAP session URL and your credentials.';
    $('#offers-box').hidden = true;
  }
  const pkg = await fetch('/pkg/package.json').then((r) => (r.ok ? r.json() : null)).catch(() => null);
  if (pkg?.version) $('#version').textContent = `jmap-smime ${pkg.version}`;

  state.offline = WorkerClient.offline();
  try {
    renderTrust(await offlineExclusive(() => state.offline.setTrust(trustSpec())));
  } catch (e) {
    showError(e, 'Loading the trust anchors');
  }
  document.body.dataset.ready = 'true';
}

start();
