// Shared page shell: session check, header, navigation, logout, API wrapper, WebSocket.
import { t, setText, applyI18n, getLang, languageSwitch, onLangChange } from './i18n.js';

export const ROLES = ['agent', 'qa', 'supervisor', 'admin'];

/** The server's minimum password length (PasswordHasher.MIN_LENGTH). */
export const MIN_PASSWORD = 10;

/** Landing page and nav entry per role, in nav order. */
export const PAGES = [
  { role: 'agent', href: '/agent.html', nav: 'nav.agent', icon: 'headset' },
  { role: 'qa', href: '/qa.html', nav: 'nav.qa', icon: 'check' },
  { role: 'supervisor', href: '/supervisor.html', nav: 'nav.supervisor', icon: 'pulse' },
  { role: 'admin', href: '/admin.html', nav: 'nav.admin', icon: 'gear' },
  { role: 'admin', href: '/campaigns.html', nav: 'nav.campaigns', icon: 'headset' },
  { role: 'supervisor', href: '/data-quality.html', nav: 'nav.quality', icon: 'check' },
  { role: ['supervisor', 'qa'], href: '/questionnaires.html', nav: 'nav.questionnaires', icon: 'check' }
];

export function landingFor(role) {
  const p = PAGES.find((x) => x.role === role);
  return p ? p.href : null;
}

/** Admin may open every page; everybody else only their own (pageRole: a role or a list of roles). */
export function mayOpen(user, pageRole) {
  return user.role === 'admin' || (Array.isArray(pageRole) ? pageRole.includes(user.role) : user.role === pageRole);
}

// ------------------------------------------------------------------ API

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.error)) || `HTTP ${status}`);
    this.status = status; // 0 = network failure
    this.body = body || {};
  }
  get code() { return this.body.error; }
  get field() { return this.body.field; }
}

let redirecting = false;
/** The signed-in user (from GET /api/me at boot). */
let currentUser = null;

/** Sends the browser to the login page, telling it the session is gone. */
export function toLogin(reason = 'expired') {
  if (redirecting) return;
  redirecting = true;
  location.replace(reason ? `/?${reason}=1` : '/');
}

/**
 * fetch() for our JSON API. Resolves to the parsed body (null for 204).
 * 401 -> login page, with ?expired=1 unless on401 says otherwise (the returned promise never settles); 403 -> "no permission" banner + ApiError;
 * other errors -> ApiError with status and the server's JSON body.
 */
export async function api(path, { method = 'GET', body, signal, on401 = 'expired' } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: 'network', message: t('error.network') });
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try { data = JSON.parse(text); } catch { data = { error: 'bad_response', message: text.slice(0, 200) }; }
    }
  }
  if (res.status === 401) {
    toLogin(on401);
    return new Promise(() => {});
  }
  if (res.status === 403) {
    notify(t('error.forbidden'), 'error');
    throw new ApiError(403, data || { error: 'forbidden' });
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Human text for an ApiError (or anything thrown). */
export function describeError(e) {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network');
    if (e.status === 403) return t('error.forbidden');
    if (e.body && e.body.message) return e.body.message;
    return t('error.server', { status: e.status });
  }
  return String((e && e.message) || e);
}

// ------------------------------------------------------------------ notifications

/** A short message at the top of the page (role=status, or role=alert for errors). */
export function notify(text, kind = 'info') {
  let box = document.getElementById('hf-toasts');
  if (!box) {
    box = el('div', { id: 'hf-toasts', class: 'toasts' });
    document.body.append(box);
  }
  const item = el('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// ------------------------------------------------------------------ DOM helpers

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'i18n') node.dataset.i18n = v;
    else if (k === 'i18nArgs') node.dataset.i18nArgs = JSON.stringify(v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  if (attrs.i18n) node.textContent = t(attrs.i18n, attrs.i18nArgs);
  return node;
}

const ICONS = {
  headset: '<path d="M4 13v-1a8 8 0 0 1 16 0v1"/><rect x="3" y="13" width="4" height="6" rx="1.5"/><rect x="17" y="13" width="4" height="6" rx="1.5"/><path d="M19 19c0 1.5-2 2.5-5 2.5"/>',
  check: '<rect x="4" y="3" width="16" height="18" rx="2"/><path d="M8.5 12.5l2.5 2.5 4.5-5"/>',
  pulse: '<path d="M3 12h4l2.5-6 5 12 2.5-6h4"/>',
  gear: '<circle cx="12" cy="12" r="3"/><path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"/>',
  logout: '<path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3"/><path d="M10 8l-4 4 4 4M6 12h10"/>',
  lock: '<rect x="5" y="10" width="14" height="10" rx="2"/><path d="M8 10V7a4 4 0 0 1 8 0v3"/>',
  key: '<circle cx="8" cy="15" r="4"/><path d="M10.8 12.2L20 3M16 7l3 3M14 9l2 2"/>',
  close: '<path d="M6 6l12 12M18 6L6 18"/>'
};

export function icon(name, cls = 'icon') {
  const span = document.createElement('span');
  span.className = cls;
  span.setAttribute('aria-hidden', 'true');
  span.innerHTML = `<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${ICONS[name] || ''}</svg>`;
  return span;
}

// ------------------------------------------------------------------ boot

/**
 * Starts a signed-in page: checks /api/me (401 -> login), builds header and nav, and shows either
 * the page (resolves to the user) or the "no permission" panel (resolves to null).
 * pageRole: which role the page belongs to ('agent' | 'qa' | 'supervisor' | 'admin').
 */
export async function boot(pageRole) {
  applyI18n(document);
  let user;
  try {
    // A first visit without a session is not an "expired" session: plain redirect.
    const me = await api('/api/me', { on401: null });
    user = me && me.user;
  } catch (e) {
    showBootError(e);
    return null;
  }
  if (!user) {
    toLogin('expired');
    return null;
  }
  currentUser = user;
  renderChrome(user, pageRole);
  const main = document.getElementById('main');
  const allowed = mayOpen(user, pageRole);
  if (!allowed) renderDenied(main, user);
  document.body.classList.remove('booting');
  // One-time password (first admin, or reset by an admin): nothing else until it is changed.
  if (user.mustChangePassword) openChangePassword({ forced: true });
  return allowed ? user : null;
}

function showBootError(e) {
  document.body.classList.remove('booting');
  const main = document.getElementById('main');
  main.replaceChildren(el('section', { class: 'panel empty-state', role: 'alert' },
    el('h1', {}, describeError(e)),
    el('p', {}, el('button', { type: 'button', class: 'btn', i18n: 'common.retry', onclick: () => location.reload() }))));
}

function renderDenied(main, user) {
  const home = landingFor(user.role);
  const roleName = t(`role.${user.role}`);
  main.replaceChildren(el('section', { class: 'panel empty-state denied', role: 'alert', 'aria-labelledby': 'denied-h' },
    icon('lock', 'empty-icon'),
    el('h1', { id: 'denied-h', i18n: 'denied.heading' }),
    el('p', { i18n: 'denied.body', i18nArgs: { role: roleName } }),
    home ? el('p', {}, el('a', { class: 'btn btn-primary', href: home, i18n: 'denied.link' })) : null));
  // The role name inside the sentence must follow a language switch too.
  onLangChange(() => {
    const p = main.querySelector('[data-i18n="denied.body"]');
    if (p) setText(p, 'denied.body', { role: t(`role.${user.role}`) });
  });
}

function renderChrome(user, pageRole) {
  const header = document.getElementById('app-header');
  const roleBadge = el('span', { class: 'role-badge', i18n: `role.${user.role}` });
  header.replaceChildren(
    el('a', { class: 'skip-link', href: '#main', i18n: 'common.skip' }),
    el('a', { class: 'brand', href: landingFor(user.role) || '/' },
      el('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '回'),
      el('span', { class: 'brand-name' }, '回访'),
      el('span', { class: 'brand-latin' }, 'Huifang')),
    el('div', { class: 'header-slot', id: 'header-slot' }),
    el('div', { class: 'header-right' },
      languageSwitch(),
      el('div', { class: 'user', 'aria-label': t('common.userMenu'), 'data-i18n-aria-label': 'common.userMenu', role: 'group' },
        el('span', { class: 'user-name', id: 'user-name' }, user.displayName || user.username),
        roleBadge),
      el('button', { type: 'button', class: 'btn btn-ghost header-btn', id: 'change-password', 'aria-haspopup': 'dialog',
        onclick: () => openChangePassword() },
      icon('key'), el('span', { i18n: 'account.changePassword' })),
      el('button', { type: 'button', class: 'btn btn-ghost header-btn logout', id: 'logout', onclick: logout },
        icon('logout'), el('span', { i18n: 'common.logout' }))));

  const nav = document.getElementById('app-nav');
  const list = el('ul', {});
  for (const p of PAGES) {
    if (!mayOpen(user, p.role)) continue;
    const current = location.pathname === p.href || (location.pathname === '/' && p.role === pageRole);
    list.append(el('li', {}, el('a', { href: p.href, 'aria-current': current ? 'page' : null, class: current ? 'active' : null },
      icon(p.icon), el('span', { i18n: p.nav }))));
  }
  nav.setAttribute('aria-label', t('common.mainNav'));
  nav.dataset.i18nAriaLabel = 'common.mainNav';
  nav.replaceChildren(list);
}

export async function logout() {
  const btn = document.getElementById('logout');
  if (btn) btn.disabled = true;
  try {
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
  } catch {
    /* the session cookie dies with the server's session anyway; go to the login page */
  }
  // Per-sign-in page state (the agent desk opens the line once per sign-in) goes with the session.
  try { sessionStorage.clear(); } catch { /* private mode */ }
  redirecting = true;
  location.replace('/?loggedOut=1');
}

// ------------------------------------------------------------------ dialogs and form fields

/**
 * A modal dialog on <dialog>.showModal(): the page behind is inert, Tab stays inside, Escape cancels.
 * Returns {dialog, form, body, foot, open(focusEl), close(), lock(bool)}; the dialog removes itself when closed
 * and gives the focus back to the element that had it (or, if that is gone, to refocus() or #main). A locked dialog cannot be dismissed (the close button
 * is hidden, Escape is ignored, and if the browser closes it anyway - Chrome lets a repeated Escape through -
 * it opens again).
 */
export function modalDialog({ id, titleKey, titleArgs, onClosed, refocus }) {
  const titleId = `${id}-title`;
  const closeBtn = el('button', {
    type: 'button', class: 'btn btn-ghost btn-icon modal-x', 'aria-label': t('common.close'),
    'data-i18n-aria-label': 'common.close'
  }, icon('close'));
  const body = el('div', { class: 'modal-body' });
  const foot = el('div', { class: 'modal-foot' });
  const form = el('form', { class: 'modal-form', novalidate: true }, body, foot);
  const dialog = el('dialog', { id, class: 'modal', 'aria-labelledby': titleId },
    el('div', { class: 'modal-head' }, el('h2', { id: titleId, i18n: titleKey, i18nArgs: titleArgs }), closeBtn),
    form);
  let locked = false;
  let returnFocus = null;
  let initialFocus = null;

  const focusInitial = () => { if (initialFocus) initialFocus.focus(); };
  const m = {
    dialog, form, body, foot,
    open(focusEl) {
      initialFocus = focusEl || null;
      returnFocus = document.activeElement instanceof HTMLElement && document.activeElement !== document.body
        ? document.activeElement : null;
      document.body.append(dialog);
      dialog.showModal();
      focusInitial();
    },
    close() {
      locked = false;
      if (dialog.open) dialog.close();
    },
    lock(on) {
      locked = !!on;
      closeBtn.hidden = locked;
      dialog.classList.toggle('modal-locked', locked);
    },
    get locked() { return locked; }
  };
  closeBtn.addEventListener('click', () => m.close());
  dialog.addEventListener('cancel', (ev) => { if (locked) ev.preventDefault(); });
  dialog.addEventListener('close', () => {
    if (locked && dialog.isConnected) {
      dialog.showModal();
      focusInitial();
      return;
    }
    dialog.remove();
    const target = (returnFocus && returnFocus.isConnected ? returnFocus : refocus && refocus())
      || document.getElementById('main');
    if (target) target.focus();
    if (onClosed) onClosed();
  });
  return m;
}

/**
 * A labelled input with hint and error line (aria-describedby, aria-invalid).
 * Returns {wrap, input, setError(key, params), setRawError(text), clear()}.
 */
export function formField({ id, labelKey, type = 'password', autocomplete = 'off', hintKey, extraClass }) {
  const hintId = hintKey ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = el('input', {
    type, id, name: id, autocomplete, required: true, spellcheck: 'false', autocapitalize: 'none',
    class: extraClass, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ')
  });
  const error = el('p', { class: 'field-error', id: errorId });
  const wrap = el('div', { class: 'field' },
    el('label', { for: id, i18n: labelKey }),
    input,
    hintKey ? el('span', { class: 'hint', id: hintId, i18n: hintKey }) : null,
    error);
  const f = {
    wrap, input, error,
    setError(key, params) {
      input.setAttribute('aria-invalid', 'true');
      setText(error, key, params);
    },
    /** A message we have no translation for (the server's own text). */
    setRawError(text) {
      input.setAttribute('aria-invalid', 'true');
      delete error.dataset.i18n;
      delete error.dataset.i18nArgs;
      error.textContent = text;
    },
    clear() {
      input.removeAttribute('aria-invalid');
      delete error.dataset.i18n;
      delete error.dataset.i18nArgs;
      error.textContent = '';
    }
  };
  input.addEventListener('input', () => f.clear());
  return f;
}

/** Sets a .form-message box to a translated text (kind: error | info | success) or clears it (no key). */
export function formMessage(box, kind, key, params) {
  if (!key) {
    box.className = 'form-message';
    delete box.dataset.i18n;
    delete box.dataset.i18nArgs;
    box.textContent = '';
    return;
  }
  box.className = `form-message ${kind}`;
  setText(box, key, params);
}

// ------------------------------------------------------------------ change password

/**
 * The "change password" dialog. forced: the user signed in with a one-time password (GET /api/me said
 * mustChangePassword) and may not do anything else until it is changed: the dialog cannot be dismissed,
 * only the password changed or the user logged out.
 */
export function openChangePassword({ forced = false } = {}) {
  const existing = document.getElementById('password-dialog');
  if (existing) {
    if (forced) existing.dispatchEvent(new Event('hf-lock'));
    return;
  }
  const m = modalDialog({ id: 'password-dialog', titleKey: 'password.title' });
  const message = el('div', { class: 'form-message', id: 'password-message', role: 'status', 'aria-live': 'polite' });
  const intro = el('p', { class: 'form-message info modal-intro', id: 'password-forced', i18n: 'password.forced' });
  const current = formField({ id: 'pw-current', labelKey: 'password.current', autocomplete: 'current-password' });
  const next = formField({ id: 'pw-new', labelKey: 'password.new', autocomplete: 'new-password', hintKey: 'password.newHint' });
  const confirm = formField({ id: 'pw-confirm', labelKey: 'password.confirm', autocomplete: 'new-password' });
  // Lets password managers store the new password under the right account.
  const username = el('input', {
    type: 'text', name: 'username', autocomplete: 'username', value: currentUser ? currentUser.username : '',
    readonly: true, hidden: true, tabindex: '-1'
  });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary', id: 'pw-submit', i18n: 'password.submit' });
  const cancel = el('button', { type: 'button', class: 'btn', id: 'pw-cancel', i18n: 'common.cancel', onclick: () => m.close() });
  const out = el('button', { type: 'button', class: 'btn btn-ghost modal-aside', id: 'pw-logout', onclick: logout },
    icon('logout'), el('span', { i18n: 'common.logout' }));

  m.body.append(intro, message, username, current.wrap, next.wrap, confirm.wrap);
  m.foot.append(out, cancel, submit);

  const setForced = (on) => {
    m.lock(on);
    intro.hidden = !on;
    cancel.hidden = on;
    out.hidden = !on;
    if (on) m.dialog.setAttribute('aria-describedby', 'password-forced');
    else m.dialog.removeAttribute('aria-describedby');
  };
  setForced(forced);
  m.dialog.addEventListener('hf-lock', () => setForced(true));

  const fields = { current, next, confirm };
  m.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formMessage(message);
    const cur = current.input.value;
    const pw = next.input.value;
    const again = confirm.input.value;
    const n = [...pw].length;
    const errors = {};
    if (!cur) errors.current = ['password.error.currentRequired'];
    if (!pw) errors.next = ['password.error.newRequired'];
    else if (n < MIN_PASSWORD) errors.next = ['password.error.short', { n }];
    else if (!pw.trim()) errors.next = ['password.error.blank'];
    else if (cur && pw === cur) errors.next = ['password.error.same'];
    if (!errors.next) {
      if (!again) errors.confirm = ['password.error.confirmRequired'];
      else if (again !== pw) errors.confirm = ['password.error.mismatch'];
    }
    for (const [name, f] of Object.entries(fields)) {
      if (errors[name]) f.setError(...errors[name]);
      else f.clear();
    }
    const firstBad = Object.keys(fields).find((k) => errors[k]);
    if (firstBad) {
      fields[firstBad].input.focus();
      return;
    }

    submit.disabled = true;
    setText(submit, 'password.submitting');
    try {
      await api('/api/me/password', { method: 'PUT', body: { currentPassword: cur, newPassword: pw } });
      if (currentUser) currentUser.mustChangePassword = false;
      m.close();
      notify(t('password.changed'), 'success');
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.field === 'currentPassword') {
        current.setError(cur ? 'password.error.currentWrong' : 'password.error.currentRequired');
        current.input.select();
        current.input.focus();
      } else if (e instanceof ApiError && e.status === 400 && e.field === 'newPassword') {
        if ([...pw].length < MIN_PASSWORD) next.setError('password.error.short', { n: [...pw].length });
        else next.setRawError(describeError(e));
        next.input.focus();
      } else {
        formMessage(message, 'error', 'password.error.generic', { reason: describeError(e) });
      }
    } finally {
      submit.disabled = false;
      setText(submit, 'password.submit');
    }
  });

  m.open(current.input);
}

// ------------------------------------------------------------------ WebSocket

/**
 * Keeps a WebSocket to /ws open, reconnecting with exponential backoff (1 s … 30 s, with jitter).
 * onStatus({state: 'connecting'|'connected'|'reconnecting', retryInSeconds?, since?})
 * onMessage(object) for every JSON frame (the first is {type:'hello', user}).
 * Sends {type:'ping'} every 25 s; no answer within 10 s counts as a dead connection.
 * When a connection fails, /api/me is asked first, so a lost session goes to the login page.
 */
export function connectWs({ onMessage = () => {}, onStatus = () => {} } = {}) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  let ws = null;
  let attempt = 0;
  let retryTimer = null;
  let countdownTimer = null;
  let pingTimer = null;
  let pongTimer = null;
  let stopped = false;
  let hidden = false;

  function open() {
    clearTimers();
    onStatus({ state: attempt === 0 ? 'connecting' : 'reconnecting' });
    let sock;
    try {
      sock = new WebSocket(url);
    } catch {
      scheduleRetry();
      return;
    }
    ws = sock;
    sock.addEventListener('open', () => {
      pingTimer = setInterval(ping, 25000);
    });
    sock.addEventListener('message', (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg.type === 'hello') {
        attempt = 0;
        onStatus({ state: 'connected', since: new Date() });
      }
      if (msg.type === 'pong') {
        clearTimeout(pongTimer);
        pongTimer = null;
      }
      onMessage(msg);
    });
    sock.addEventListener('close', () => {
      // a socket closed on pagehide may report it after the page came back with a new one
      if (ws !== sock) return;
      ws = null;
      if (!stopped && !hidden) scheduleRetry();
    });
  }

  function ping() {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: 'ping' }));
    if (!pongTimer) pongTimer = setTimeout(() => { if (ws) ws.close(); }, 10000);
  }

  async function scheduleRetry() {
    clearTimers();
    attempt += 1;
    const base = Math.min(30000, 1000 * 2 ** (attempt - 1));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    let remaining = Math.ceil(delay / 1000);
    onStatus({ state: 'reconnecting', retryInSeconds: remaining });
    countdownTimer = setInterval(() => {
      remaining -= 1;
      if (remaining > 0) onStatus({ state: 'reconnecting', retryInSeconds: remaining });
    }, 1000);
    retryTimer = setTimeout(open, delay);
    // A refused upgrade looks like any other close: ask whether the session still exists.
    try { await api('/api/me'); } catch { /* server down: keep retrying */ }
  }

  function clearTimers() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    retryTimer = countdownTimer = pingTimer = pongTimer = null;
  }

  // A page left for another may be kept, frozen, in the browser's back/forward cache with its socket still open
  // (headless Chromium does): the server would take the agent to be at the desk. The socket is closed when the page
  // is hidden, and opened again if the page is shown from the cache.
  window.addEventListener('pagehide', () => {
    hidden = true;
    clearTimers();
    if (ws) { const sock = ws; ws = null; sock.close(1000, 'page hidden'); }
  });
  window.addEventListener('pageshow', (ev) => {
    hidden = false;
    if (ev.persisted && !stopped && !ws) { attempt = 0; open(); }
  });

  // Reconnect at once when the machine wakes up or the network returns.
  window.addEventListener('online', () => { if (!ws && !stopped) { attempt = Math.max(attempt, 1); open(); } });

  open();
  return {
    send(obj) { if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(obj)); return true; } return false; },
    close() { stopped = true; clearTimers(); if (ws) ws.close(); }
  };
}

/** A header pill showing the WebSocket state; returns {update(status)}. */
export function connectionIndicator() {
  const dot = el('span', { class: 'dot', 'aria-hidden': 'true' });
  const label = el('span', { class: 'conn-text', i18n: 'ws.connecting' });
  const pill = el('div', { class: 'conn conn-connecting', role: 'status', 'aria-live': 'polite', id: 'ws-indicator' },
    el('span', { class: 'visually-hidden', i18n: 'ws.label' }), dot, label);
  const slot = document.getElementById('header-slot');
  if (slot) slot.append(pill);
  return {
    element: pill,
    update(s) {
      pill.className = `conn conn-${s.state}`;
      pill.dataset.state = s.state;
      if (s.state === 'connected') setText(label, 'ws.connected');
      else if (s.state === 'reconnecting' && s.retryInSeconds) setText(label, 'ws.reconnecting', { seconds: s.retryInSeconds });
      else if (s.state === 'reconnecting') setText(label, 'ws.reconnectingNow');
      else setText(label, 'ws.connecting');
    }
  };
}
