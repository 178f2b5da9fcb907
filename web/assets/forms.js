// Dialogs and form fields: a modal on <dialog>, a labelled input with its hint and error, a form's message box.
import { t, setText } from './i18n.js';
import { el, icon } from './dom.js';

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

/**
 * Asks before an action that is not undone by itself (pausing a campaign, changing someone's role): the product's
 * own dialog, never the browser's confirm(). The title and the message name the thing (keys with their args); the
 * confirm button says what happens (confirmKey). Cancel has the focus, so Enter alone changes nothing. Resolves to
 * true only when the confirm button was pressed; Escape, the close button and Cancel resolve to false.
 */
export function confirmDialog({ id = 'confirm-dialog', titleKey, titleArgs, messageKey, messageArgs, confirmKey,
  confirmArgs, danger = false }) {
  return new Promise((resolve) => {
    let confirmed = false;
    const m = modalDialog({ id, titleKey, titleArgs, onClosed: () => resolve(confirmed) });
    const text = el('p', { class: 'modal-intro confirm-text', id: `${id}-text`, i18n: messageKey, i18nArgs: messageArgs });
    const cancel = el('button', { type: 'button', class: 'btn confirm-cancel', i18n: 'common.cancel',
      onclick: () => m.close() });
    const ok = el('button', { type: 'submit', class: `btn ${danger ? 'btn-danger' : 'btn-primary'} confirm-ok`,
      i18n: confirmKey, i18nArgs: confirmArgs });
    m.dialog.classList.add('modal-confirm');
    m.dialog.setAttribute('role', 'alertdialog');
    m.dialog.setAttribute('aria-describedby', text.id);
    m.body.append(text);
    m.foot.append(cancel, ok);
    m.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      confirmed = true;
      m.close();
    });
    m.open(cancel);
  });
}
