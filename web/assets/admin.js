// Administration: users (list, create, role change, activate/deactivate, password reset) and system health.
import { addStrings, t, setText, formatDateTime, onLangChange } from './i18n.js';
import {
  boot, api, ApiError, describeError, el, ROLES, notify, MIN_PASSWORD, modalDialog, formField, formMessage,
  openChangePassword, confirmDialog
} from './shell.js';
import { healthPanel } from './health.js';
import strings from './i18n/admin.js';

addStrings(strings);


// ------------------------------------------------------------------ users table

let users = [];
/**
 * The order rows are shown in: by username at the first load, then fixed until the page is reloaded (a new user goes
 * last), so that no row moves under the pointer after an action.
 */
let order = [];
let self = null;
const tbody = document.getElementById('users-body');
const count = document.getElementById('users-count');
const tableMessage = document.getElementById('users-message');

function initUsers(user) {
  self = user;
  onLangChange(renderUsers);
  loadUsers();
}

/** The dealers a dealer user can belong to (网点 users read their own dealer's reports). */
let dealers = [];

async function loadUsers() {
  try {
    const [data, dealerList] = await Promise.all([api('/api/users'),
      api('/api/dealers').catch(() => ({ dealers: [] }))]);
    users = (data && data.users) || [];
    dealers = (dealerList && dealerList.dealers) || [];
    keepOrder();
    renderUsers();
  } catch (e) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 8 },
      el('span', { class: 'field-error', role: 'alert' }, `${t('users.loadFailed')} ${describeError(e)}`))));
  }
}

function showTableMessage(kind, key, params) {
  tableMessage.className = `form-message ${kind}`;
  setText(tableMessage, key, params);
}

/** Adds users not yet placed to the end of the order (all of them, by username, at the first load). */
function keepOrder() {
  const placed = new Set(order);
  const fresh = users.filter((u) => !placed.has(u.id));
  if (!order.length) fresh.sort((a, b) => String(a.username).localeCompare(String(b.username)));
  order = [...order.filter((id) => users.some((u) => u.id === id)), ...fresh.map((u) => u.id)];
}

function renderUsers() {
  setText(count, 'users.count', { n: users.length });
  if (!users.length) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'muted', i18n: 'users.empty' })));
    return;
  }
  keepOrder();
  const byId = new Map(users.map((u) => [u.id, u]));
  tbody.replaceChildren(...order.map((id) => rowFor(byId.get(id))));
}

function rowFor(u) {
  const isSelf = self && u.id === self.id;
  const name = u.displayName || u.username;

  const roleSelect = el('select', {
    'aria-label': t('users.roleFor', { name }),
    'data-user-id': u.id,
    class: 'role-select',
    disabled: isSelf,
    title: isSelf ? t('users.selfLocked') : null
  }, ROLES.map((r) => el('option', { value: r, selected: r === u.role, i18n: `role.${r}` })));
  roleSelect.addEventListener('change', async () => {
    const previous = u.role;
    const next = roleSelect.value;
    // A role opens or closes whole pages (an admin's, a dealer's reports): asked first, naming user and roles.
    const sure = await confirmDialog({ id: 'role-confirm', titleKey: 'users.roleConfirmTitle', titleArgs: { name },
      messageKey: 'users.roleConfirm',
      messageArgs: { name, from: t(`role.${previous}`), to: t(`role.${next}`) },
      confirmKey: 'users.roleConfirmOk', confirmArgs: { role: t(`role.${next}`) }, danger: next === 'admin' });
    if (!sure) {
      roleSelect.value = previous;
      return;
    }
    roleSelect.disabled = true;
    const ok = await patchUser(u, { role: next });
    if (!ok) roleSelect.value = previous;
    roleSelect.disabled = false;
    tbody.querySelector(`.role-select[data-user-id="${CSS.escape(String(u.id))}"]`)?.focus();
  });

  // A dealer user belongs to one dealer: the only reports it may read are that dealer's.
  const dealerSelect = u.role !== 'dealer' ? null : el('select', {
    'aria-label': t('users.dealerFor', { name }), 'data-user-id': u.id, class: 'dealer-select'
  }, el('option', { value: '', selected: u.dealerId == null, i18n: 'users.noDealer' }),
  ...dealers.map((d) => el('option', { value: String(d.id), selected: d.id === u.dealerId }, `${d.code} ${d.name}`)));
  if (dealerSelect) {
    dealerSelect.addEventListener('change', async () => {
      dealerSelect.disabled = true;
      const v = dealerSelect.value;
      if (!await patchUser(u, { dealerId: v === '' ? null : Number(v) })) renderUsers();
      dealerSelect.disabled = false;
    });
  }

  const toggle = el('button', {
    type: 'button',
    class: `btn btn-small toggle-active${u.active ? ' btn-danger-text' : ''}`,
    'data-user-id': u.id,
    disabled: isSelf,
    title: isSelf ? t('users.selfLocked') : null,
    i18n: u.active ? 'users.deactivate' : 'users.activate'
  });
  toggle.addEventListener('click', async () => {
    if (u.active && !await confirmDialog({ id: 'deactivate-confirm', titleKey: 'users.deactivateTitle',
      titleArgs: { name }, messageKey: 'users.confirmDeactivate', messageArgs: { name },
      confirmKey: 'users.deactivateOk', confirmArgs: { name }, danger: true })) return;
    toggle.disabled = true;
    await patchUser(u, { active: !u.active });
    toggle.disabled = false;
  });

  // Your own password: the change-password dialog (it asks for the current one); others: a temporary one.
  const password = isSelf
    ? el('button', { type: 'button', class: 'btn btn-small own-password', 'aria-haspopup': 'dialog',
      i18n: 'account.changePassword', onclick: () => openChangePassword() })
    : el('button', { type: 'button', class: 'btn btn-small reset-password', 'data-user-id': u.id,
      'aria-haspopup': 'dialog', i18n: 'users.resetPassword', onclick: () => openReset(u) });

  return el('tr', { class: u.active ? null : 'inactive', 'data-username': u.username },
    el('td', { class: 'name-cell' }, el('span', { class: 'username' }, u.username),
      isSelf ? el('span', { class: 'you', i18n: 'users.you' }) : null),
    el('td', { class: 'name-cell' }, u.displayName || ''),
    el('td', {}, dealerSelect ? el('div', { class: 'role-cell' }, roleSelect, dealerSelect) : roleSelect),
    el('td', {}, el('div', { class: 'status-cell' },
      el('span', { class: `pill ${u.active ? 'pill-UP' : 'pill-UNKNOWN'}`, i18n: u.active ? 'users.active' : 'users.inactive' }),
      u.mustChangePassword ? el('span', { class: 'status-note must-change', title: t('users.mustChangeTitle'),
        'data-i18n-title': 'users.mustChangeTitle', i18n: 'users.mustChange' }) : null)),
    el('td', {}, softphoneCell(u, name)),
    el('td', {}, skillsCell(u, name)),
    el('td', { class: 'nowrap muted' }, el('time', { datetime: u.createdAt }, formatDateTime(u.createdAt))),
    el('td', {}, el('div', { class: 'row-actions' }, toggle, password)));
}

// ------------------------------------------------------------------ softphones

/** The PBXes by name (GET /health's pbxes, in configured order: the first takes softphones without a PBX named). */
let pbxes = [];

async function loadPbxes() {
  try {
    const res = await fetch('/health', { credentials: 'same-origin', cache: 'no-store' });
    const h = await res.json();
    pbxes = (h.pbxes || []).map((p) => p.name).filter(Boolean);
  } catch {
    pbxes = [];
  }
}

/** "pbx2:PJSIP/8001" → {pbx: 'pbx2', endpoint: 'PJSIP/8001'}; no prefix: the first PBX (telephony.Softphone). */
function parseSoftphone(s) {
  if (!s) return null;
  const m = /^([A-Za-z0-9_-]{1,32}):(.+)$/.exec(s);
  return m ? { pbx: m[1], endpoint: m[2] } : { pbx: null, endpoint: s };
}

function softphoneCell(u, name) {
  if (u.role === 'dealer') return el('span', { class: 'muted' }, '—');
  const sp = parseSoftphone(u.softphone);
  const edit = el('button', { type: 'button', class: 'btn btn-small softphone-edit', 'data-user-id': u.id,
    'aria-haspopup': 'dialog', 'aria-label': t('phone.editFor', { name }), onclick: () => openSoftphone(u) },
  t(sp ? 'phone.edit' : 'phone.set'));
  return el('div', { class: 'softphone-cell' },
    sp ? el('span', { class: 'mono softphone-endpoint' }, sp.endpoint) : el('span', { class: 'muted', i18n: 'phone.none' }),
    sp ? el('span', { class: 'muted softphone-pbx' }, sp.pbx || pbxes[0] || t('phone.defaultPbx')) : null,
    edit);
}

/** Which extension (endpoint) and which PBX: PATCH /api/users/:id {softphone}; empty clears it. */
function openSoftphone(u) {
  const name = u.displayName || u.username;
  const sp = parseSoftphone(u.softphone) || { pbx: null, endpoint: '' };
  const m = modalDialog({ id: 'softphone-dialog', titleKey: 'phone.title', titleArgs: { name },
    refocus: () => tbody.querySelector(`.softphone-edit[data-user-id="${CSS.escape(String(u.id))}"]`) });
  const message = el('div', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  // The first PBX is the one a softphone without a PBX named is on: its option stores no prefix.
  const current = sp.pbx && sp.pbx !== pbxes[0] ? sp.pbx : '';
  const names = pbxes.length ? pbxes : [null];
  const pbxSelect = el('select', { id: 'softphone-pbx', name: 'pbx' },
    ...names.map((p, i) => el('option', { value: i === 0 ? '' : p, selected: (i === 0 ? '' : p) === current },
      i > 0 ? p : (p ? t('phone.firstPbx', { name: p }) : t('phone.defaultPbx')))));
  if (current && !pbxes.includes(current)) pbxSelect.append(el('option', { value: current, selected: true }, current));
  const endpoint = formField({ id: 'softphone-endpoint', labelKey: 'phone.endpoint', type: 'text',
    hintKey: 'phone.endpointHint', extraClass: 'mono' });
  endpoint.input.required = false;
  endpoint.input.value = sp.endpoint;
  const cancel = el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => m.close() });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary', id: 'softphone-submit', i18n: 'common.save' });
  m.body.append(message, el('div', { class: 'field' }, el('label', { for: 'softphone-pbx', i18n: 'phone.pbx' }), pbxSelect),
    endpoint.wrap);
  m.foot.append(cancel, submit);
  m.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formMessage(message);
    const ep = endpoint.input.value.trim();
    const value = ep ? `${pbxSelect.value ? `${pbxSelect.value}:` : ''}${ep}` : '';
    submit.disabled = true;
    try {
      const data = await api(`/api/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body: { softphone: value } });
      users = users.map((x) => (x.id === u.id ? { ...x, ...((data && data.user) || { softphone: value }) } : x));
      renderUsers();
      m.close();
      showTableMessage('success', 'users.saved', { name });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.field === 'softphone') endpoint.setRawError(describeError(e));
      else formMessage(message, 'error', 'users.saveFailed', { name, reason: describeError(e) });
    } finally {
      submit.disabled = false;
    }
  });
  m.open(endpoint.input);
}

// ------------------------------------------------------------------ agents' skills (campaigns they take)

/** Agent id → the campaign ids they take (GET /api/agents/skills); an agent not listed takes every campaign. */
let skills = new Map();
/** The campaigns, for names and the dialog's boxes. */
let campaigns = [];

async function loadSkills() {
  try {
    const [s, c] = await Promise.all([api('/api/agents/skills'), api('/api/campaigns')]);
    skills = new Map(((s && s.skills) || []).map((x) => [x.agentId, x.campaignIds]));
    campaigns = (c && c.campaigns) || [];
  } catch {
    skills = new Map();
    campaigns = [];
  }
}

function campaignName(id) {
  const c = campaigns.find((x) => x.id === id);
  return c ? c.name : `#${id}`;
}

function skillsCell(u, name) {
  if (u.role !== 'agent') return el('span', { class: 'muted' }, '—');
  const mine = skills.get(u.id) || [];
  const edit = el('button', { type: 'button', class: 'btn btn-small skills-edit', 'data-user-id': u.id,
    'aria-haspopup': 'dialog', 'aria-label': t('skills.editFor', { name }), onclick: () => openSkills(u) },
  t('skills.edit'));
  return el('div', { class: 'softphone-cell skills-cell' },
    mine.length ? el('span', { class: 'skills-list' }, mine.map(campaignName).join('、'))
      : el('span', { class: 'muted', i18n: 'skills.all' }),
    edit);
}

/** Ticks the campaigns the agent takes: PUT /api/agents/:id/skills {campaignIds}; none ticked: every campaign. */
function openSkills(u) {
  const name = u.displayName || u.username;
  const mine = new Set(skills.get(u.id) || []);
  const m = modalDialog({ id: 'skills-dialog', titleKey: 'skills.title', titleArgs: { name },
    refocus: () => tbody.querySelector(`.skills-edit[data-user-id="${CSS.escape(String(u.id))}"]`) });
  const message = el('div', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  // Active campaigns, and any inactive one the agent still has.
  const shown = campaigns.filter((c) => c.active || mine.has(c.id));
  const boxes = el('fieldset', { class: 'checks skills-boxes', 'aria-describedby': 'skills-hint' },
    el('legend', { i18n: 'skills.legend' }),
    ...shown.map((c) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'campaign', value: String(c.id), checked: mine.has(c.id) }), ` ${c.name}`)));
  const hint = el('p', { class: 'hint', id: 'skills-hint', i18n: 'skills.hint' });
  const cancel = el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => m.close() });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary', id: 'skills-submit', i18n: 'common.save' });
  m.body.append(message, boxes, hint);
  m.foot.append(cancel, submit);
  m.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formMessage(message);
    const ids = [...boxes.querySelectorAll('input[name=campaign]:checked')].map((i) => Number(i.value));
    submit.disabled = true;
    try {
      const data = await api(`/api/agents/${encodeURIComponent(u.id)}/skills`, { method: 'PUT', body: { campaignIds: ids } });
      skills.set(u.id, (data && data.campaignIds) || ids);
      renderUsers();
      m.close();
      showTableMessage('success', 'users.saved', { name });
    } catch (e) {
      formMessage(message, 'error', 'users.saveFailed', { name, reason: describeError(e) });
    } finally {
      submit.disabled = false;
    }
  });
  m.open(boxes.querySelector('input') || cancel);
}

// ------------------------------------------------------------------ password reset

/** Asks for a temporary password and PATCHes it; the server ends the user's sessions and sets mustChangePassword. */
function openReset(u) {
  const name = u.displayName || u.username;
  const m = modalDialog({ id: 'reset-dialog', titleKey: 'reset.title', titleArgs: { name },
    // The table is drawn anew after the reset: go back to the same row's button.
    refocus: () => tbody.querySelector(`.reset-password[data-user-id="${CSS.escape(String(u.id))}"]`) });
  const message = el('div', { class: 'form-message', id: 'reset-message', role: 'status', 'aria-live': 'polite' });
  const intro = el('p', { class: 'modal-intro muted', id: 'reset-intro', i18n: 'reset.intro', i18nArgs: { name } });
  // Plain text: the admin has to read it out or write it down for the user; it is valid for one sign-in.
  const field = formField({ id: 'reset-password', labelKey: 'reset.password', type: 'text', autocomplete: 'off',
    hintKey: 'reset.passwordHint', extraClass: 'mono' });
  const cancel = el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => m.close() });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary', id: 'reset-submit', i18n: 'reset.submit' });
  m.dialog.setAttribute('aria-describedby', 'reset-intro');
  m.body.append(intro, message, field.wrap);
  m.foot.append(cancel, submit);

  m.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formMessage(message);
    const pw = field.input.value;
    const n = [...pw].length;
    if (n < MIN_PASSWORD) field.setError('create.error.passwordShort', { n });
    else if (!pw.trim()) field.setError('password.error.blank');
    else field.clear();
    if (field.input.getAttribute('aria-invalid')) {
      field.input.focus();
      return;
    }
    submit.disabled = true;
    setText(submit, 'reset.submitting');
    try {
      const data = await api(`/api/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body: { password: pw } });
      const updated = data && data.user ? data.user : { ...u, mustChangePassword: true };
      users = users.map((x) => (x.id === u.id ? { ...x, ...updated } : x));
      renderUsers();
      m.close();
      showTableMessage('success', 'reset.done', { name });
      notify(t('reset.done', { name }), 'success');
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.field === 'password') {
        if (e.body.message) field.setRawError(e.body.message);
        else field.setError('create.error.invalid');
        field.input.focus();
      } else {
        formMessage(message, 'error', 'reset.error.generic', { reason: describeError(e) });
      }
    } finally {
      submit.disabled = false;
      setText(submit, 'reset.submit');
    }
  });

  m.open(field.input);
}

async function patchUser(u, change) {
  const name = u.displayName || u.username;
  try {
    const data = await api(`/api/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body: change });
    const updated = data && data.user ? data.user : { ...u, ...change };
    users = users.map((x) => (x.id === u.id ? { ...x, ...updated } : x));
    renderUsers();
    showTableMessage('success', 'users.saved', { name });
    return true;
  } catch (e) {
    showTableMessage('error', 'users.saveFailed', { name, reason: describeError(e) });
    return false;
  }
}

// ------------------------------------------------------------------ create form

function initCreateForm() {
  const form = document.getElementById('create-form');
  const submit = document.getElementById('create-submit');
  const message = document.getElementById('create-message');
  const fields = {
    username: document.getElementById('new-username'),
    displayName: document.getElementById('new-displayName'),
    role: document.getElementById('new-role'),
    password: document.getElementById('new-password')
  };

  const setError = (field, key, params, rawText) => {
    const input = fields[field];
    const err = document.getElementById(`${input.id}-error`);
    if (key || rawText) {
      input.setAttribute('aria-invalid', 'true');
      if (rawText) {
        delete err.dataset.i18n;
        err.textContent = rawText;
      } else {
        setText(err, key, params);
      }
    } else {
      input.removeAttribute('aria-invalid');
      delete err.dataset.i18n;
      err.textContent = '';
    }
  };
  const clearMessage = () => {
    message.className = 'form-message';
    delete message.dataset.i18n;
    message.textContent = '';
  };

  for (const [name, input] of Object.entries(fields)) {
    input.addEventListener('input', () => {
      setError(name, null);
      clearMessage();
    });
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessage();
    const value = {
      username: fields.username.value.trim(),
      displayName: fields.displayName.value.trim(),
      role: fields.role.value,
      password: fields.password.value
    };
    const errors = {};
    if (!value.username) errors.username = ['create.error.required'];
    if (!value.displayName) errors.displayName = ['create.error.required'];
    if (!value.password) errors.password = ['create.error.required'];
    else if ([...value.password].length < MIN_PASSWORD) {
      errors.password = ['create.error.passwordShort', { n: [...value.password].length }];
    }
    for (const name of Object.keys(fields)) setError(name, ...(errors[name] || [null]));
    const firstBad = Object.keys(fields).find((n) => errors[n]);
    if (firstBad) {
      fields[firstBad].focus();
      return;
    }

    submit.disabled = true;
    setText(submit, 'create.submitting');
    try {
      const data = await api('/api/users', { method: 'POST', body: value });
      const created = data && data.user;
      if (created) users = [...users.filter((u) => u.id !== created.id), created];
      renderUsers();
      form.reset();
      message.className = 'form-message success';
      setText(message, 'create.created', { name: value.username });
      notify(t('create.created', { name: value.username }), 'success');
      fields.username.focus();
      loadUsers();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 400 || e.status === 409) && fields[e.field]) {
        const fallback = e.status === 409 ? 'create.error.conflict' : 'create.error.invalid';
        // The server's message is specific (and sent for our Accept-Language); our own text is the fallback.
        if (e.status === 409) setError(e.field, fallback);
        else if (e.body.message) setError(e.field, null, null, e.body.message);
        else setError(e.field, fallback);
        fields[e.field].focus();
      } else {
        message.className = 'form-message error';
        setText(message, 'create.error.generic', { reason: describeError(e) });
      }
    } finally {
      submit.disabled = false;
      setText(submit, 'create.submit');
    }
  });
}

// ------------------------------------------------------------------ start (after the declarations above)

const me = await boot();
if (me) {
  healthPanel(document.getElementById('health'));
  await Promise.all([loadPbxes(), loadSkills()]);
  initUsers(me);
  initCreateForm();
}
