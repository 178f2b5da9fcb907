// Changing one's own password: from the header, or forced after signing in with a one-time password.
import { t, setText } from './i18n.js';
import { el, icon, notify } from './dom.js';
import { api, ApiError, describeError } from './api.js';
import { formField, formMessage, modalDialog } from './forms.js';
import { currentUser, logout } from './session.js';

/** The server's minimum password length (PasswordHasher.MIN_LENGTH). */
export const MIN_PASSWORD = 10;

/**
 * The "change password" dialog. forced: the user signed in with a one-time password (GET /api/me said
 * mustChangePassword) and may not do anything else until it is changed: the dialog cannot be dismissed,
 * only the password changed or the user logged out.
 * Resolves to true once the password is changed, false when the dialog is closed without changing it.
 */
export function openChangePassword({ forced = false } = {}) {
  const existing = document.getElementById('password-dialog');
  if (existing) {
    if (forced) existing.dispatchEvent(new Event('hf-lock'));
    return existing.hfChanged || Promise.resolve(false);
  }
  let changed = false;
  let settle;
  const done = new Promise((resolve) => { settle = resolve; });
  const m = modalDialog({ id: 'password-dialog', titleKey: 'password.title', onClosed: () => settle(changed) });
  m.dialog.hfChanged = done;
  const message = el('div', { class: 'form-message', id: 'password-message', role: 'status', 'aria-live': 'polite' });
  const intro = el('p', { class: 'form-message info modal-intro', id: 'password-forced', i18n: 'password.forced' });
  const current = formField({ id: 'pw-current', labelKey: 'password.current', autocomplete: 'current-password' });
  const next = formField({ id: 'pw-new', labelKey: 'password.new', autocomplete: 'new-password', hintKey: 'password.newHint' });
  const confirm = formField({ id: 'pw-confirm', labelKey: 'password.confirm', autocomplete: 'new-password' });
  // Lets password managers store the new password under the right account.
  const username = el('input', {
    type: 'text', name: 'username', autocomplete: 'username', value: currentUser() ? currentUser().username : '',
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
      if (currentUser()) currentUser().mustChangePassword = false;
      changed = true;
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
  return done;
}
