// Campaigns and dealers (admins); supervisors see them read-only. DMS list imports have their own page (imports.js).
import { addStrings, t, setText, getLang, onLangChange, formatDateTime } from './i18n.js';
import { boot, api, describeError, el, notify, ApiError, confirmDialog } from './shell.js';
import strings from './i18n/campaigns.js';

addStrings(strings);

let campaigns = [];
/** Supervisors may read campaigns but not define them or add dealers (the server refuses it too). */
/** Row order: as the server first listed them, then fixed until a reload (a paused campaign stays in its place). */
let order = [];
/** Existing questionnaires (GET /api/questionnaires), for the campaign form's picker. */
let questionnaires = [];
let readOnly = false;
let dealers = [];
/** The id of the campaign being edited, or null when the form creates one. */
let editingId = null;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const $ = (id) => document.getElementById(id);

function message(box, kind, text) {
  box.className = `form-message ${kind}`;
  delete box.dataset.i18n;
  box.textContent = text;
}

async function load() {
  const [c, d] = await Promise.all([api('/api/campaigns'), api('/api/dealers')]);
  const known = new Set(order);
  const fresh = (c.campaigns || []).filter((x) => !known.has(x.id)).map((x) => x.id);
  order = [...order, ...fresh];
  const byId = new Map((c.campaigns || []).map((x) => [x.id, x]));
  campaigns = order.filter((id) => byId.has(id)).map((id) => byId.get(id));
  dealers = d.dealers || [];
  render();
  renderProgressChoice();
}

function render() {
  const dealerName = (id) => (dealers.find((d) => d.id === id) || {}).name || id;
  $('camp-body').replaceChildren(...(campaigns.length ? campaigns.map((c) => el('tr', {
    class: [c.active ? '' : 'inactive', c.id === editingId ? 'editing' : ''].join(' ').trim() || undefined,
    'data-id': c.id
  },
    el('td', { class: 'name-cell' }, c.name,
      // 二次回访 campaigns are made by casework (FollowUps), not by an admin: say so where the list shows them.
      c.purpose === 'second_callback' ? el('span', { class: 'pill pill-UNKNOWN camp-purpose' }, t('camp.purpose.second_callback')) : null),
    el('td', {}, t(`kind.${c.kind}`)),
    el('td', {}, c.dealerIds.map(dealerName).join('、')),
    el('td', {}, t('camp.deadlineRule', { basis: t(`basis.${c.deadline.basis}`), hours: c.deadline.hours })),
    el('td', {}, String(c.maxAttempts)),
    el('td', {}, t(`mode.${c.dialMode}`), el('span', { class: 'hint camp-priority' }, ' · ' + t('camp.priority', { n: c.priority }))),
    el('td', {}, el('span', { class: `pill ${c.active ? 'pill-UP' : 'pill-UNKNOWN'}` }, t(c.active ? 'camp.active' : 'camp.inactive')),
      callingNote(c)),
    readOnly ? null : el('td', {}, el('div', { class: 'row-actions' },
      el('button', { type: 'button', class: 'btn btn-small camp-edit', 'data-id': c.id,
        'aria-label': t('camp.editLabel', { name: c.name }), 'aria-controls': 'camp-form',
        onclick: () => startEdit(c.id) }, t('camp.editBtn')),
      el('button', { type: 'button', class: 'btn btn-small camp-progress', 'data-id': c.id,
        'aria-label': t('prog.showFor', { name: c.name }), 'aria-controls': 'prog-panel',
        onclick: () => campaignProgress(c.id, true) }, t('prog.show')),
      el('button', { type: 'button', class: 'btn btn-small camp-toggle', 'data-id': c.id,
        'aria-label': t(c.active ? 'camp.pauseLabel' : 'camp.resumeLabel', { name: c.name }),
        onclick: (ev) => toggleActive(c.id, ev.currentTarget) }, t(c.active ? 'camp.pause' : 'camp.resume'))))))
    : [el('tr', {}, el('td', { colspan: readOnly ? 7 : 8, class: 'muted', i18n: 'camp.empty' }))]));
  const checked = new Set([...document.querySelectorAll('#c-dealers input:checked')].map((i) => Number(i.value)));
  $('c-dealers').replaceChildren(...dealers.map((d) => el('label', { class: 'check' },
    Object.assign(el('input', { type: 'checkbox', value: d.id, name: 'dealer' }), { checked: checked.has(d.id) }),
    ` ${d.code} ${d.name}`)));
  $('dealer-list').replaceChildren(...dealers.map((d) => el('li', {}, el('span', { class: 'username' }, d.code), ` ${d.name}`)));
}

function ranges(text) {
  return text.split(/[,，;；]/).map((s) => s.trim()).filter(Boolean);
}

// ------------------------------------------------------------------ campaign form (create / edit)

/** Server field name → the control that shows it and the element that holds its error. */
const FIELDS = {
  name: ['c-name', 'c-name-error'],
  kind: ['c-kind', 'c-kind-error'],
  questionnaire: ['c-q', 'c-q-error'],
  dealerIds: ['c-dealers', 'c-dealers-error'],
  callingHours: ['c-h-mon', 'c-hours-error'],
  dayParts: ['c-parts', 'c-parts-error'],
  holidays: ['c-holidays', 'c-holidays-error'],
  maxAttempts: ['c-max', 'c-max-error'],
  wrapUpSeconds: ['c-wrap', 'c-wrap-error'],
  abandonTarget: ['c-abandon', 'c-abandon-error'],
  priority: ['c-priority', 'c-priority-error'],
  amd: ['c-amd', 'c-amd-error'],
  ringCut: ['c-ringcut', 'c-ringcut-error'],
  dialMode: ['c-mode', 'c-mode-error'],
  recordingPolicy: ['c-rec', 'c-rec-error'],
  callerId: ['c-caller', 'c-caller-error']
};

function clearErrors() {
  for (const [, errId] of Object.values(FIELDS)) $(errId).textContent = '';
  for (const i of $('camp-form').querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

/** Shows a 400 answer under its field; false if the field has no place in the form. */
function showFieldError(field, text) {
  const f = FIELDS[field];
  if (!f) return false;
  $(f[1]).textContent = text;
  const inputs = field === 'callingHours' ? DAYS.map((d) => $(`c-h-${d}`)) : [$(f[0])];
  for (const i of inputs) if (i.matches('input, select')) i.setAttribute('aria-invalid', 'true');
  $(f[0]).querySelector?.('input')?.focus();
  if ($(f[0]).matches('input, select')) $(f[0]).focus();
  return true;
}

/** Which day inputs hold a bad value, so the error can point at them (the server names only the field). */
function markBadDays() {
  const ok = /^\s*\d{1,2}:\d{2}\s*[-–~]\s*\d{1,2}:\d{2}\s*$/;
  const valid = (r) => {
    if (!ok.test(r)) return false;
    const [a, b] = r.split(/[-–~]/).map((x) => x.trim().split(':').map(Number));
    const inDay = (h, m, end) => m < 60 && (h < 24 || (end && h === 24 && m === 0));
    return inDay(a[0], a[1], false) && inDay(b[0], b[1], true) && a[0] * 60 + a[1] < b[0] * 60 + b[1];
  };
  const bad = DAYS.filter((d) => !ranges($(`c-h-${d}`).value).every(valid));
  if (!bad.length) return;
  for (const d of DAYS) {
    if (bad.includes(d)) $(`c-h-${d}`).setAttribute('aria-invalid', 'true');
    else $(`c-h-${d}`).removeAttribute('aria-invalid');
  }
  $(`c-h-${bad[0]}`).focus();
}

/** Brings the field's error into view too (focus alone may leave it below the fold). */
function revealError(field) {
  const f = FIELDS[field];
  if (f) $(f[1]).scrollIntoView({ block: 'nearest' });
}

function fillEveryDay() {
  for (const d of DAYS) $(`c-h-${d}`).value = $('c-hours-all').value;
}

function setMode(editing) {
  setText($('new-camp-h'), editing ? 'camp.edit' : 'camp.new');
  setText($('c-submit'), editing ? 'camp.f.save' : 'camp.f.submit');
  $('c-cancel').hidden = !editing;
}

function startEdit(id) {
  const c = campaigns.find((x) => x.id === id);
  if (!c) return;
  const f = $('camp-form');
  f.reset();
  clearErrors();
  editingId = id;
  $('c-id').value = String(id);
  f.name.value = c.name;
  f.kind.value = c.kind;
  fillQuestionnaires(c.questionnaire || '');
  f.questionnaire.value = c.questionnaire || '';
  for (const i of f.querySelectorAll('input[name=dealer]')) i.checked = c.dealerIds.includes(Number(i.value));
  for (const d of DAYS) $(`c-h-${d}`).value = ((c.callingHours || {})[d] || []).join(', ');
  const firstDay = $('c-h-mon').value;
  $('c-hours-all').value = DAYS.every((d) => $(`c-h-${d}`).value === firstDay) ? firstDay : '';
  f.parts.value = (c.dayParts || []).join(', ');
  f.holidays.value = (c.holidays || []).join(', ');
  f.maxAttempts.value = String(c.maxAttempts);
  f.wrapUpSeconds.value = String(c.wrapUpSeconds);
  f.abandonTarget.value = String(c.abandonTarget);
  f.priority.value = String(c.priority);
  f.amd.checked = c.amd === true;
  f.ringCut.checked = c.ringCut === true;
  f.dialMode.value = c.dialMode;
  f.recordingPolicy.value = c.recordingPolicy;
  f.callerId.value = c.callerId || '';
  setMode(true);
  message($('camp-message'), 'info', '');
  render();
  $('new-camp-h').scrollIntoView({ block: 'start' });
  f.name.focus();
}

/** Back to "new campaign"; focus returns to the row's edit button it came from. */
function stopEdit(focusRow = true) {
  const id = editingId;
  editingId = null;
  $('c-id').value = '';
  $('camp-form').reset();
  clearErrors();
  message($('camp-message'), 'info', '');
  setMode(false);
  render();
  if (focusRow && id !== null) document.querySelector(`.camp-edit[data-id="${id}"]`)?.focus();
}

function formBody(f) {
  const callingHours = {};
  for (const d of DAYS) callingHours[d] = ranges($(`c-h-${d}`).value);
  return {
    name: f.name.value.trim(), kind: f.kind.value, questionnaire: f.questionnaire.value.trim() || null,
    dealerIds: [...f.querySelectorAll('input[name=dealer]:checked')].map((i) => Number(i.value)),
    callingHours, dayParts: ranges(f.parts.value), holidays: ranges(f.holidays.value),
    maxAttempts: Number(f.maxAttempts.value), wrapUpSeconds: Number(f.wrapUpSeconds.value), abandonTarget: Number(f.abandonTarget.value), dialMode: f.dialMode.value,
    amd: f.amd.checked, ringCut: f.ringCut.checked, priority: Number(f.priority.value),
    recordingPolicy: f.recordingPolicy.value, callerId: f.callerId.value.trim() || null
  };
}

async function saveCampaign(ev) {
  ev.preventDefault();
  const f = ev.target;
  const body = formBody(f);
  const id = editingId;
  clearErrors();
  message($('camp-message'), 'info', '');
  $('c-submit').disabled = true;
  try {
    if (id === null) {
      await api('/api/campaigns', { method: 'POST', body });
      message($('camp-message'), 'success', t('camp.created', { name: body.name }));
      f.reset();
      await load();
    } else {
      await api(`/api/campaigns/${id}`, { method: 'PUT', body });
      await load();
      stopEdit();
      message($('camp-message'), 'success', t('camp.saved', { name: body.name }));
    }
  } catch (e) {
    // The server prefixes some messages with the field's API name ("callingHours: …"); the form shows it in place.
    if (e instanceof ApiError && e.status === 400
        && showFieldError(e.field, describeError(e).replace(new RegExp(`^${e.field}\\s*[:：]\\s*`), ''))) {
      message($('camp-message'), 'error', t('camp.f.fixErrors'));
      if (e.field === 'callingHours') markBadDays();
      revealError(e.field);
    } else {
      message($('camp-message'), 'error', describeError(e));
    }
  } finally {
    $('c-submit').disabled = false;
  }
}

async function toggleActive(id, button) {
  const c = campaigns.find((x) => x.id === id);
  if (!c) return;
  // Pausing stops the dialling of a whole campaign: asked first, in our own dialog, naming it.
  if (c.active && !await confirmDialog({ id: 'pause-confirm', titleKey: 'camp.pauseTitle', titleArgs: { name: c.name },
    messageKey: 'camp.pauseText', messageArgs: { name: c.name }, confirmKey: 'camp.pauseOk', confirmArgs: { name: c.name },
    danger: true })) {
    return;
  }
  button.disabled = true;
  try {
    const saved = (await api(`/api/campaigns/${id}`, { method: 'PUT', body: { active: !c.active } })).campaign;
    await load();
    notify(t(saved.active ? 'camp.resumed' : 'camp.paused', { name: saved.name }), 'success');
    if ($('prog-campaign').value === String(id)) campaignProgress(id);
    document.querySelector(`.camp-toggle[data-id="${id}"]`)?.focus();
  } catch (e) {
    button.disabled = false;
    notify(describeError(e), 'error');
  }
}

async function createDealer(ev) {
  ev.preventDefault();
  const f = ev.target;
  try {
    await api('/api/dealers', { method: 'POST', body: { code: f.code.value.trim(), name: f.name.value.trim() } });
    message($('dealer-message'), 'success', t('dealer.created'));
    f.reset();
    await load();
  } catch (e) {
    message($('dealer-message'), 'error', describeError(e));
  }
}

// ------------------------------------------------------------------ calling hours, progress, questionnaires

/** "Outside calling hours, next dial at …" under the state of an active campaign that cannot dial now. */
function callingNote(c) {
  if (!c.active || !c.calling || c.calling.now) return null;
  return el('span', { class: 'muted calling-note' }, c.calling.nextAt
    ? t('camp.outsideHoursNext', { at: formatDateTime(c.calling.nextAt) }) : t('camp.outsideHours'));
}

function renderProgressChoice() {
  const keep = $('prog-campaign').value;
  $('prog-campaign').replaceChildren(...campaigns.map((c) => el('option', { value: c.id, selected: String(c.id) === keep }, c.name)));
  if (!keep && campaigns.length) campaignProgress(campaigns[0].id);
}

let progress = null;
/** The latest progress request: an earlier answer arriving late must not replace the campaign chosen since. */
let progressAsked = 0;

async function campaignProgress(id, reveal = false) {
  $('prog-campaign').value = String(id);
  if (reveal) $('prog-panel').scrollIntoView({ block: 'start' });
  const asked = ++progressAsked;
  try {
    const answer = await api(`/api/campaigns/${encodeURIComponent(id)}/progress`);
    if (asked !== progressAsked) return;
    progress = answer;
    renderProgress();
  } catch (e) {
    if (asked !== progressAsked) return;
    progress = null;
    message($('prog-calling'), 'error', describeError(e));
    $('prog-body').replaceChildren();
  }
}

const PROGRESS = ['due', 'done', 'callbacks', 'expired', 'remaining', 'filed', 'closedOther'];

function renderProgress() {
  if (!progress) return;
  const c = progress.calling || {};
  const box = $('prog-calling');
  box.className = `form-message table-message ${c.now && progress.active ? 'success' : 'info'}`;
  box.textContent = !progress.active ? t('prog.paused') : c.now ? t('prog.callingNow')
    : (c.nextAt ? t('camp.outsideHoursNext', { at: formatDateTime(c.nextAt) }) : t('camp.outsideHours'));
  const row = (label, n, cls) => el('tr', { class: cls },
    el('td', { class: 'name-cell' }, label), ...PROGRESS.map((k) => el('td', { class: 'num', 'data-col': k }, String(n[k] ?? 0))));
  $('prog-body').replaceChildren(...(progress.dealers || []).map((d) => row(`${d.code} ${d.name}`, d)),
    row(t('prog.total'), progress.total || {}, 'total-row'));
}

/** The questionnaire picker: the campaign's own first if the list does not hold it (renamed, removed). */
function fillQuestionnaires(current) {
  const sel = $('c-q');
  const keys = new Set(questionnaires.map((q) => q.key));
  sel.replaceChildren(el('option', { value: '', i18n: 'camp.f.qDefault' }),
    ...questionnaires.map((q) => el('option', { value: q.key },
      `${(getLang() === 'en' && q.title.en) || q.title.zh} · ${q.key} v${q.version}`)),
    ...(current && !keys.has(current) ? [el('option', { value: current }, t('camp.f.qMissing', { key: current }))] : []));
  sel.value = current;
}

const me = await boot();
if (me && me.role !== 'admin') {
  readOnly = true;
  for (const id of ['camp-form', 'dealer-form']) $(id).closest(id === 'dealer-form' ? 'form' : 'section').hidden = true;
  $('camp-actions-h').hidden = true;
  $('camp-readonly').hidden = false;
}
if (me) {
  $('camp-form').addEventListener('submit', saveCampaign);
  $('c-cancel').addEventListener('click', () => stopEdit());
  $('camp-form').addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && editingId !== null) stopEdit();
  });
  $('c-hours-fill').addEventListener('click', fillEveryDay);
  // Enter in the "same for every day" box fills the days (it is not a field of its own); Enter elsewhere submits.
  $('c-hours-all').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      fillEveryDay();
    }
  });
  $('dealer-form').addEventListener('submit', createDealer);
  onLangChange(() => { render(); renderProgress(); fillQuestionnaires($('c-q').value); });
  $('prog-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    if ($('prog-campaign').value) campaignProgress($('prog-campaign').value);
  });
  $('prog-campaign').addEventListener('change', () => campaignProgress($('prog-campaign').value));
  try {
    questionnaires = (await api('/api/questionnaires')).questionnaires || [];
  } catch { /* the picker then offers the default only */ }
  fillQuestionnaires('');
  try {
    await load();
  } catch (e) {
    message($('camp-message'), 'error', describeError(e));
  }
}
