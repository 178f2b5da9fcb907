// Lists and rules: the do-not-call list, special-case filings (特殊情况备案) with their period, and each dealer's
// declared workshop volume per month. Admins change them; supervisors read them (and file special cases).
// Rows stay where they are after an action (a removed row is struck through, not taken away) until a reload.
import { addStrings, t, setText, formatDateTime, onLangChange } from './i18n.js';
import { boot, api, ApiError, describeError, el, notify, confirmDialog, formMessage } from './shell.js';
import strings from './i18n/lists.js';

addStrings(strings);

const $ = (id) => document.getElementById(id);
const PAGE = 50;
let isAdmin = false;

// ------------------------------------------------------------------ tabs

const TABS = ['dnc', 'filings', 'volumes'];
const loaded = new Set();

function showTab(name, focus = false) {
  if (!TABS.includes(name)) name = 'dnc';
  for (const tab of TABS) {
    $(`tab-${tab}`).setAttribute('aria-selected', String(tab === name));
    $(`tab-${tab}`).tabIndex = tab === name ? 0 : -1;
    $(`view-${tab}`).hidden = tab !== name;
  }
  if (focus) $(`tab-${name}`).focus();
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  if (!loaded.has(name)) {
    loaded.add(name);
    ({ dnc: loadDnc, filings: loadFilings, volumes: loadVolumes })[name]();
  }
}

function initTabs() {
  for (const b of document.querySelectorAll('.lists-tab')) {
    b.addEventListener('click', () => showTab(b.dataset.tab));
    b.addEventListener('keydown', (ev) => {
      const i = TABS.indexOf(b.dataset.tab);
      if (ev.key === 'ArrowRight') showTab(TABS[(i + 1) % TABS.length], true);
      else if (ev.key === 'ArrowLeft') showTab(TABS[(i + TABS.length - 1) % TABS.length], true);
    });
  }
  window.addEventListener('hashchange', () => showTab(location.hash.slice(1)));
  showTab(location.hash.slice(1));
}

/** A 400's message under its field (the server names it); false when the form has no such field. */
function fieldError(prefix, e) {
  if (!(e instanceof ApiError) || (e.status !== 400 && e.status !== 409) || !e.field) return false;
  const box = $(`${prefix}-${e.field}-error`);
  if (!box) return false;
  box.textContent = describeError(e);
  const input = $(`${prefix}-${e.field}`);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  return true;
}

function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

function pager(box, state, load) {
  const from = state.total ? state.offset + 1 : 0;
  const to = Math.min(state.offset + PAGE, state.total);
  box.replaceChildren(
    el('span', { class: 'muted', i18n: 'lists.range', i18nArgs: { from, to, total: state.total } }),
    el('button', { type: 'button', class: 'btn btn-small pager-prev', disabled: state.offset === 0, i18n: 'lists.prev',
      onclick: () => { state.offset = Math.max(0, state.offset - PAGE); load(); } }),
    el('button', { type: 'button', class: 'btn btn-small pager-next', disabled: state.offset + PAGE >= state.total,
      i18n: 'lists.next', onclick: () => { state.offset += PAGE; load(); } }));
}

// ------------------------------------------------------------------ do not call

const dnc = { q: '', offset: 0, total: 0, entries: [], removed: new Set(), added: new Set() };

async function loadDnc() {
  const p = new URLSearchParams({ q: dnc.q, limit: String(PAGE), offset: String(dnc.offset) });
  try {
    const page = await api(`/api/dnc?${p}`);
    dnc.entries = page.entries || [];
    dnc.total = page.total || 0;
    formMessage($('dnc-message'));
    renderDnc();
  } catch (e) {
    $('dnc-message').className = 'form-message table-message error';
    $('dnc-message').textContent = describeError(e);
  }
}

function renderDnc() {
  setText($('dnc-count'), 'dnc.count', { n: dnc.total });
  $('dnc-body').replaceChildren(...(dnc.entries.length ? dnc.entries.map(dncRow)
    : [el('tr', {}, el('td', { colspan: isAdmin ? 5 : 4, class: 'muted', i18n: dnc.q ? 'dnc.noMatch' : 'dnc.empty' }))]));
  pager($('dnc-pager'), dnc, loadDnc);
}

function dncRow(d) {
  const removed = dnc.removed.has(d.phone);
  return el('tr', { 'data-phone': d.phone, class: removed ? 'removed' : (dnc.added.has(d.phone) ? 'just-added' : null) },
    el('td', { class: 'mono nowrap' }, d.phone),
    el('td', {}, d.note || t(`dnc.reason.${d.reason}`)),
    el('td', { class: 'muted' }, d.addedBy || d.source || ''),
    el('td', { class: 'nowrap muted' }, el('time', { datetime: d.createdAt }, formatDateTime(d.createdAt))),
    isAdmin ? el('td', {}, removed ? el('span', { class: 'muted', i18n: 'lists.removed' })
      : el('button', { type: 'button', class: 'btn btn-small btn-danger-text dnc-remove', 'data-phone': d.phone,
        'aria-label': t('dnc.removeLabel', { phone: d.phone }), i18n: 'lists.remove',
        onclick: () => removeDnc(d) })) : null);
}

async function removeDnc(d) {
  const sure = await confirmDialog({ id: 'dnc-confirm', titleKey: 'dnc.removeTitle', titleArgs: { phone: d.phone },
    messageKey: 'dnc.removeText', messageArgs: { phone: d.phone }, confirmKey: 'dnc.removeOk',
    confirmArgs: { phone: d.phone }, danger: true });
  if (!sure) return;
  try {
    await api(`/api/dnc/${encodeURIComponent(d.phone)}`, { method: 'DELETE' });
    dnc.removed.add(d.phone);
    renderDnc();
    notify(t('dnc.removed', { phone: d.phone }), 'success');
    $('dnc-body').querySelector(`tr[data-phone="${CSS.escape(d.phone)}"] td`)?.focus();
  } catch (e) {
    notify(describeError(e), 'error');
  }
}

async function addDnc(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  formMessage($('dnc-add-message'));
  const body = { phone: $('dnc-phone').value.trim(), reason: $('dnc-reason').value.trim() };
  if (!body.phone) return fieldError('dnc', new ApiError(400, { field: 'phone', message: t('lists.required') }));
  if (!body.reason) return fieldError('dnc', new ApiError(400, { field: 'reason', message: t('lists.required') }));
  $('dnc-submit').disabled = true;
  try {
    const { entry } = await api('/api/dnc', { method: 'POST', body });
    dnc.added.add(entry.phone);
    dnc.removed.delete(entry.phone);
    // On top of what is shown (the rows below keep their order); a reload sorts it in.
    dnc.entries = [entry, ...dnc.entries.filter((x) => x.phone !== entry.phone)];
    dnc.total += 1;
    renderDnc();
    form.reset();
    formMessage($('dnc-add-message'), 'success', 'dnc.added', { phone: entry.phone });
    $('dnc-phone').focus();
  } catch (e) {
    if (!fieldError('dnc', e)) formMessage($('dnc-add-message'), 'error', 'lists.failed', { reason: describeError(e) });
  } finally {
    $('dnc-submit').disabled = false;
  }
}

// ------------------------------------------------------------------ special-case filings

const fil = { campaignId: '', q: '', offset: 0, total: 0, filings: [], removed: new Set(), added: new Set() };

async function loadFilings() {
  const p = new URLSearchParams({ q: fil.q, limit: String(PAGE), offset: String(fil.offset) });
  if (fil.campaignId) p.set('campaignId', fil.campaignId);
  try {
    const page = await api(`/api/filings?${p}`);
    fil.filings = page.filings || [];
    fil.total = page.total || 0;
    formMessage($('fil-message'));
    renderFilings();
  } catch (e) {
    $('fil-message').className = 'form-message table-message error';
    $('fil-message').textContent = describeError(e);
  }
}

function renderFilings() {
  setText($('fil-count'), 'fil.count', { n: fil.total });
  $('fil-body').replaceChildren(...(fil.filings.length ? fil.filings.map(filingRow)
    : [el('tr', {}, el('td', { colspan: 7, class: 'muted', i18n: 'fil.empty' }))]));
  pager($('fil-pager'), fil, loadFilings);
}

function period(f) {
  return f.from ? `${f.from} – ${f.to}` : t('fil.noPeriod');
}

function filingRow(f) {
  const removed = fil.removed.has(f.id);
  return el('tr', { 'data-filing-id': f.id, class: removed ? 'removed' : (fil.added.has(f.id) ? 'just-added' : null) },
    el('td', { class: 'name-cell' }, f.customer, el('span', { class: 'muted mono cell-sub' }, f.phone)),
    el('td', {}, f.dealer, el('span', { class: 'muted cell-sub' }, f.campaign)),
    el('td', { class: 'nowrap' }, period(f)),
    el('td', {}, f.reason),
    el('td', { class: 'nowrap' }, t(`task.${f.taskStatus}`),
      el('span', { class: 'muted cell-sub', i18n: 'fil.deadline', i18nArgs: { at: formatDateTime(f.deadline) } })),
    el('td', { class: 'muted' }, f.filedBy || '', el('span', { class: 'cell-sub' }, formatDateTime(f.filedAt))),
    el('td', {}, removed ? el('span', { class: 'muted', i18n: 'lists.removed' })
      : el('button', { type: 'button', class: 'btn btn-small btn-danger-text fil-remove', 'data-filing-id': f.id,
        'aria-label': t('fil.removeLabel', { name: f.customer }), i18n: 'lists.remove', onclick: () => removeFiling(f) })));
}

async function removeFiling(f) {
  const sure = await confirmDialog({ id: 'fil-confirm', titleKey: 'fil.removeTitle', titleArgs: { name: f.customer },
    messageKey: f.taskStatus === 'filed' ? 'fil.removeTextFiled' : 'fil.removeText',
    messageArgs: { name: f.customer, phone: f.phone, period: period(f) },
    confirmKey: 'fil.removeOk', confirmArgs: { name: f.customer }, danger: true });
  if (!sure) return;
  try {
    await api(`/api/filings/${encodeURIComponent(f.id)}`, { method: 'DELETE' });
    fil.removed.add(f.id);
    renderFilings();
    notify(t('fil.removed', { name: f.customer }), 'success');
  } catch (e) {
    notify(describeError(e), 'error');
  }
}

let candidates = [];

async function findCandidates(ev) {
  ev.preventDefault();
  $('fil-find-error').textContent = '';
  $('fil-find-q').removeAttribute('aria-invalid');
  const p = new URLSearchParams({ q: $('fil-find-q').value.trim() });
  if (fil.campaignId) p.set('campaignId', fil.campaignId);
  try {
    candidates = (await api(`/api/filings/candidates?${p}`)).tasks || [];
    renderCandidates();
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      $('fil-find-error').textContent = describeError(e);
      $('fil-find-q').setAttribute('aria-invalid', 'true');
      $('fil-find-q').focus();
    } else {
      formMessage($('fil-add-message'), 'error', 'lists.failed', { reason: describeError(e) });
    }
  }
}

function renderCandidates() {
  const box = $('fil-candidates');
  if (!candidates.length) {
    box.replaceChildren(el('p', { class: 'muted', i18n: 'fil.noCandidates' }));
    return;
  }
  box.replaceChildren(...candidates.map((c, i) => el('label', { class: 'candidate' },
    el('input', { type: 'radio', name: 'taskId', value: c.taskId, id: i === 0 ? 'fil-taskId' : null,
      disabled: c.filingId != null }),
    el('span', {}, `${c.customer} · `, el('span', { class: 'mono' }, c.phone),
      el('span', { class: 'muted' }, `${c.dealer} · ${c.campaign}`),
      el('span', { class: 'muted', i18n: c.filingId != null ? 'fil.candidateFiled' : 'fil.candidate',
        i18nArgs: { status: t(`task.${c.status}`), at: formatDateTime(c.deadline) } })))));
  box.querySelector('input:not(:disabled)')?.focus();
}

async function addFiling(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  formMessage($('fil-add-message'));
  const chosen = form.querySelector('input[name=taskId]:checked');
  const body = { taskId: chosen ? Number(chosen.value) : null, from: $('fil-from').value, to: $('fil-to').value,
    reason: $('fil-reason').value.trim() };
  const missing = !chosen ? ['task', 'fil.error.task'] : !body.from ? ['from', 'lists.required']
    : !body.to ? ['to', 'lists.required'] : !body.reason ? ['reason', 'lists.required'] : null;
  if (missing) {
    $(`fil-${missing[0]}-error`).textContent = t(missing[1]);
    (missing[0] === 'task' ? ($('fil-candidates').querySelector('input') || $('fil-find-q')) : $(`fil-${missing[0]}`)).focus();
    return;
  }
  $('fil-submit').disabled = true;
  try {
    const { filing } = await api('/api/filings', { method: 'POST', body });
    fil.added.add(filing.id);
    fil.filings = [filing, ...fil.filings];
    fil.total += 1;
    renderFilings();
    candidates = candidates.map((c) => (c.taskId === filing.taskId ? { ...c, filingId: filing.id } : c));
    renderCandidates();
    $('fil-reason').value = '';
    formMessage($('fil-add-message'), 'success', 'fil.added', { name: filing.customer });
  } catch (e) {
    const field = e instanceof ApiError && e.field === 'taskId' ? 'task' : null;
    if (field) $('fil-task-error').textContent = describeError(e);
    else if (!fieldError('fil', e)) formMessage($('fil-add-message'), 'error', 'lists.failed', { reason: describeError(e) });
  } finally {
    $('fil-submit').disabled = false;
  }
}

async function initFilings() {
  let campaigns = [];
  try {
    campaigns = (await api('/api/campaigns')).campaigns || [];
  } catch { /* the list still works for every campaign */ }
  $('fil-campaign').replaceChildren(el('option', { value: '', i18n: 'fil.allCampaigns' }),
    ...campaigns.map((c) => el('option', { value: c.id }, c.name)));
  $('fil-search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    fil.campaignId = $('fil-campaign').value;
    fil.q = $('fil-q').value.trim();
    fil.offset = 0;
    loadFilings();
  });
  $('fil-find').addEventListener('submit', findCandidates);
  $('fil-form').addEventListener('submit', addFiling);
  const today = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  $('fil-from').value = iso(today);
  $('fil-to').value = iso(new Date(today.getFullYear(), today.getMonth(), today.getDate() + 7));
}

// ------------------------------------------------------------------ declared workshop volume

let volumes = [];
const savedVolume = new Set();

function thisMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

async function loadVolumes(ev) {
  if (ev) ev.preventDefault();
  const month = $('vol-month').value || thisMonth();
  $('vol-month').value = month;
  $('vol-quality').href = `/data-quality.html?month=${encodeURIComponent(month)}`;
  savedVolume.clear();
  try {
    volumes = (await api(`/api/dealers/volumes?month=${encodeURIComponent(month)}`)).dealers || [];
    formMessage($('vol-message'));
    renderVolumes();
  } catch (e) {
    $('vol-message').className = 'form-message table-message error';
    $('vol-message').textContent = describeError(e);
  }
}

function renderVolumes() {
  $('vol-body').replaceChildren(...(volumes.length ? volumes.map(volumeRow)
    : [el('tr', {}, el('td', { colspan: 3, class: 'muted', i18n: 'vol.empty' }))]));
}

function volumeRow(d) {
  const label = `${d.code} ${d.name}`;
  if (!isAdmin) {
    return el('tr', { 'data-dealer-id': d.dealerId }, el('td', { class: 'name-cell' }, label),
      el('td', { class: 'num' }, d.volume == null ? t('vol.notDeclared') : String(d.volume)));
  }
  const input = el('input', { type: 'number', min: '0', max: '1000000', step: '1', class: 'vol-input',
    id: `vol-${d.dealerId}`, value: d.volume == null ? '' : String(d.volume), inputmode: 'numeric',
    'aria-label': t('vol.volumeFor', { name: label }), 'aria-describedby': `vol-${d.dealerId}-error` });
  const error = el('p', { class: 'field-error', id: `vol-${d.dealerId}-error` });
  const save = el('button', { type: 'button', class: 'btn btn-small vol-save', 'data-dealer-id': d.dealerId,
    'aria-label': t('vol.saveFor', { name: label }), i18n: 'common.save' });
  const note = savedVolume.has(d.dealerId) ? el('span', { class: 'saved-note', i18n: 'vol.saved' }) : null;
  const run = async () => {
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const v = input.value.trim();
    if (!/^\d+$/.test(v)) {
      input.setAttribute('aria-invalid', 'true');
      error.textContent = t('vol.error.number');
      input.focus();
      return;
    }
    save.disabled = true;
    try {
      const r = await api(`/api/dealers/${encodeURIComponent(d.dealerId)}/volume`, { method: 'PUT',
        body: { month: $('vol-month').value, volume: Number(v) } });
      volumes = volumes.map((x) => (x.dealerId === d.dealerId ? { ...x, volume: r.volume } : x));
      savedVolume.add(d.dealerId);
      renderVolumes();
      $(`vol-${d.dealerId}`)?.focus();
    } catch (e) {
      input.setAttribute('aria-invalid', 'true');
      error.textContent = describeError(e);
      save.disabled = false;
    }
  };
  save.addEventListener('click', run);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      run();
    }
  });
  return el('tr', { 'data-dealer-id': d.dealerId }, el('td', { class: 'name-cell' }, label),
    el('td', {}, input, error), el('td', {}, save, note));
}

// ------------------------------------------------------------------ start

const me = await boot();
if (me) {
  isAdmin = me.role === 'admin';
  for (const n of document.querySelectorAll('.admin-only')) n.hidden = !isAdmin;
  $('dnc-search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    dnc.q = $('dnc-q').value.replace(/[\s\-+()]/g, '');
    dnc.offset = 0;
    loadDnc();
  });
  $('dnc-form').addEventListener('submit', addDnc);
  $('vol-form').addEventListener('submit', loadVolumes);
  $('vol-month').value = new URLSearchParams(location.search).get('month') || thisMonth();
  await initFilings();
  onLangChange(() => { renderDnc(); renderFilings(); renderVolumes(); if (candidates.length) renderCandidates(); });
  initTabs();
}
