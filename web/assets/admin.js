// Administration: users (list, create, role change, activate/deactivate) and system health.
import { t, setText, formatDateTime, onLangChange } from './i18n.js';
import { boot, api, ApiError, describeError, el, ROLES, notify } from './shell.js';
import { healthPanel } from './health.js';

const MIN_PASSWORD = 10;


// ------------------------------------------------------------------ users table

let users = [];
let self = null;
const tbody = document.getElementById('users-body');
const count = document.getElementById('users-count');
const tableMessage = document.getElementById('users-message');

function initUsers(user) {
  self = user;
  onLangChange(renderUsers);
  loadUsers();
}

async function loadUsers() {
  try {
    const data = await api('/api/users');
    users = (data && data.users) || [];
    renderUsers();
  } catch (e) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 6 },
      el('span', { class: 'field-error', role: 'alert' }, `${t('users.loadFailed')} ${describeError(e)}`))));
  }
}

function showTableMessage(kind, key, params) {
  tableMessage.className = `form-message ${kind}`;
  setText(tableMessage, key, params);
}

function renderUsers() {
  setText(count, 'users.count', { n: users.length });
  if (!users.length) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'muted', i18n: 'users.empty' })));
    return;
  }
  const sorted = [...users].sort((a, b) => String(a.username).localeCompare(String(b.username)));
  tbody.replaceChildren(...sorted.map(rowFor));
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
    roleSelect.disabled = true;
    const ok = await patchUser(u, { role: roleSelect.value });
    if (!ok) roleSelect.value = previous;
    roleSelect.disabled = false;
  });

  const toggle = el('button', {
    type: 'button',
    class: `btn btn-small toggle-active${u.active ? ' btn-danger-text' : ''}`,
    'data-user-id': u.id,
    disabled: isSelf,
    title: isSelf ? t('users.selfLocked') : null,
    i18n: u.active ? 'users.deactivate' : 'users.activate'
  });
  toggle.addEventListener('click', async () => {
    if (u.active && !confirm(t('users.confirmDeactivate', { name }))) return;
    toggle.disabled = true;
    await patchUser(u, { active: !u.active });
    toggle.disabled = false;
  });

  return el('tr', { class: u.active ? null : 'inactive', 'data-username': u.username },
    el('td', { class: 'name-cell' }, el('span', { class: 'username' }, u.username),
      isSelf ? el('span', { class: 'you', i18n: 'users.you' }) : null),
    el('td', { class: 'name-cell' }, u.displayName || ''),
    el('td', {}, roleSelect),
    el('td', {}, el('span', { class: `pill ${u.active ? 'pill-UP' : 'pill-UNKNOWN'}`, i18n: u.active ? 'users.active' : 'users.inactive' })),
    el('td', { class: 'nowrap muted' }, el('time', { datetime: u.createdAt }, formatDateTime(u.createdAt))),
    el('td', {}, toggle));
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

const me = await boot('admin');
if (me) {
  healthPanel(document.getElementById('health'));
  initUsers(me);
  initCreateForm();
}
