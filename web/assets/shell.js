// Starting a signed-in page: the shared skeleton, who is signed in, the navigation, "no permission".
// Page scripts import the shared parts from here (their strings from i18n.js); each part lives in its own module:
//   dom.js (elements, icons, toasts)      api.js (JSON API, errors)      session.js (signed-in user, sign out)
//   nav.js (pages, roles, navigation)     skeleton.js (header, layout)   password.js (change password)
//   forms.js (dialogs, fields)            push.js (push socket)          i18n.js (strings, language switch)
import { applyI18n } from './i18n.js';
import { pageOf, mayOpen } from './nav.js';
import { loadSignedInUser } from './session.js';
import { renderSkeleton, renderSignedIn, renderDenied, renderBootError } from './skeleton.js';
import { openChangePassword } from './password.js';
import { mountBell } from './bell.js';

export { el, notify } from './dom.js';
export { ApiError, api, describeError, toLogin } from './api.js';
export { ROLES } from './session.js';
export { MIN_PASSWORD, openChangePassword } from './password.js';
export { modalDialog, formField, formMessage, confirmDialog } from './forms.js';
export { connectWs, connectionIndicator, onPush } from './push.js';

/**
 * Starts the signed-in page named by <body data-page>: builds the skeleton, checks GET /api/me (401 -> login),
 * fills in the user and the navigation, and shows either the page (resolves to the user) or the "no permission"
 * panel (resolves to null). The page's own strings must have been added (addStrings) before.
 */
export async function boot() {
  const page = pageOf(document.body.dataset.page);
  if (!page) throw new Error(`<body data-page="${document.body.dataset.page}"> is not in nav.js PAGES`);
  renderSkeleton();
  applyI18n(document);
  let user;
  try {
    user = await loadSignedInUser();
  } catch (e) {
    document.body.classList.remove('booting');
    renderBootError(e);
    return null;
  }
  if (!user) return null;
  renderSignedIn(user, page);
  const allowed = mayOpen(user, page);
  if (!allowed) renderDenied(user);
  document.body.classList.remove('booting');
  // A password an admin set (a new user, a reset, the first admin's): the server answers nothing but its change
  // (403 password_change_required), so the page and the bell start their work only once it is changed; starting
  // before is what left the user list saying "no permission" until a reload.
  if (user.mustChangePassword) await openChangePassword({ forced: true });
  mountBell(user);
  return allowed ? user : null;
}
