// Login page: already signed in -> landing page; otherwise POST /api/session.
import { addStrings, t, setText, applyI18n, getLang, languageSwitch } from './i18n.js';
import { landingFor } from './nav.js';
import strings from './i18n/login.js';

addStrings(strings);

const form = document.getElementById('login-form');
const username = document.getElementById('username');
const password = document.getElementById('password');
const submit = document.getElementById('login-submit');
const message = document.getElementById('login-message');
let lockTimer = null;

applyI18n(document);
document.getElementById('lang-slot').append(languageSwitch());

function showMessage(kind, key, params) {
  message.className = `form-message ${kind}`;
  setText(message, key, params);
}

function clearMessage() {
  message.className = 'form-message';
  delete message.dataset.i18n;
  message.textContent = '';
}

function fieldError(input, key, params) {
  const err = document.getElementById(`${input.id}-error`);
  if (key) {
    input.setAttribute('aria-invalid', 'true');
    setText(err, key, params);
  } else {
    input.removeAttribute('aria-invalid');
    delete err.dataset.i18n;
    err.textContent = '';
  }
}

function goHome(user) {
  const home = landingFor(user && user.role);
  if (home) {
    location.replace(home);
    return true;
  }
  showMessage('error', 'login.error.role', { role: String(user && user.role) });
  return false;
}

const params = new URLSearchParams(location.search);
if (params.has('expired')) showMessage('info', 'login.info.expired');
else if (params.has('loggedOut')) showMessage('info', 'login.info.loggedOut');
if (params.has('expired') || params.has('loggedOut')) history.replaceState(null, '', '/');

// Already signed in? Go straight to the landing page.
(async () => {
  try {
    const res = await fetch('/api/me', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    if (res.ok) {
      const body = await res.json();
      if (body && body.user) goHome(body.user);
    }
  } catch {
    /* not reachable: the submit will say so */
  }
})();

function setBusy(busy) {
  submit.disabled = busy || lockTimer !== null;
  setText(submit, busy ? 'login.submitting' : 'login.submit');
  form.setAttribute('aria-busy', String(busy));
}

function lockFor(seconds) {
  clearInterval(lockTimer);
  let left = Math.max(1, Math.ceil(seconds));
  showMessage('error', 'login.error.tooMany', { seconds: left });
  lockTimer = setInterval(() => {
    left -= 1;
    if (left > 0) {
      showMessage('error', 'login.error.tooMany', { seconds: left });
    } else {
      clearInterval(lockTimer);
      lockTimer = null;
      showMessage('info', 'login.error.tooManyNow');
      submit.disabled = false;
    }
  }, 1000);
  submit.disabled = true;
}

for (const input of [username, password]) {
  input.addEventListener('input', () => fieldError(input, null));
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (lockTimer !== null) return;
  clearMessage();
  let firstBad = null;
  for (const [input, label] of [[username, 'login.username'], [password, 'login.password']]) {
    const empty = input === username ? !input.value.trim() : !input.value;
    fieldError(input, empty ? 'login.error.required' : null, empty ? { field: t(label) } : undefined);
    if (empty && !firstBad) firstBad = input;
  }
  if (firstBad) {
    firstBad.focus();
    return;
  }

  setBusy(true);
  let res;
  try {
    res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': getLang() },
      body: JSON.stringify({ username: username.value.trim(), password: password.value })
    });
  } catch {
    setBusy(false);
    showMessage('error', 'login.error.network');
    return;
  }
  let body = {};
  try { body = await res.json(); } catch { /* empty or not JSON */ }
  setBusy(false);

  if (res.ok && body.user) {
    if (goHome(body.user)) submit.disabled = true;
    return;
  }
  password.value = '';
  if (res.status === 401) {
    showMessage('error', 'login.error.credentials');
    password.focus();
  } else if (res.status === 429) {
    const retry = Number(body.retryAfterSeconds || res.headers.get('Retry-After') || 30);
    lockFor(retry);
  } else if (res.status === 400 && (body.field === 'username' || body.field === 'password')) {
    const input = body.field === 'username' ? username : password;
    const err = document.getElementById(`${input.id}-error`);
    input.setAttribute('aria-invalid', 'true');
    delete err.dataset.i18n;
    err.textContent = body.message || t('login.error.required', { field: t(`login.${body.field}`) });
    input.focus();
  } else {
    showMessage('error', 'login.error.server', { status: res.status });
  }
});
