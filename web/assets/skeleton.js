// The skeleton every signed-in page shares, built here once: header (brand, push-connection slot, language switch,
// user, change password, sign out), side navigation, the loading line; and the panels shown instead of a page
// (no permission, server unreachable). A page's HTML holds only its own <main id="main">.
import { t, setText, languageSwitch, onLangChange } from './i18n.js';
import { el, icon } from './dom.js';
import { describeError } from './api.js';
import { landingFor, renderNav } from './nav.js';
import { logout } from './session.js';
import { openChangePassword } from './password.js';

/**
 * Wraps the page's <main id="main"> in the header and the layout with the (still empty) navigation, before anyone
 * is known to be signed in: the page keeps its place while GET /api/me is under way.
 */
export function renderSkeleton() {
  const main = document.getElementById('main');
  const header = el('header', { id: 'app-header', class: 'topbar' },
    el('a', { class: 'skip-link', href: '#main', i18n: 'common.skip' }),
    el('a', { class: 'brand', id: 'brand', href: '/' },
      el('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '回'),
      el('span', { class: 'brand-name' }, '回访'),
      el('span', { class: 'brand-latin' }, 'Huifang')),
    // Narrow screens: the navigation folds away behind this button, which names the page one is on.
    el('button', { type: 'button', class: 'btn btn-ghost nav-toggle', id: 'nav-toggle', 'aria-expanded': 'false',
      'aria-controls': 'app-nav', onclick: toggleNav },
    icon('menu'), el('span', { class: 'nav-toggle-label', id: 'nav-toggle-label', i18n: 'nav.menu' })),
    el('div', { class: 'header-slot', id: 'header-slot' }),
    el('div', { class: 'header-right', id: 'header-right' }, languageSwitch()));
  const nav = el('nav', { id: 'app-nav', class: 'sidenav' });
  const layout = el('div', { class: 'layout' }, nav);
  main.before(header, layout);
  layout.append(main);
  main.prepend(el('p', { class: 'boot-msg', i18n: 'common.loading' }));
}

/** The signed-in user's part: their name and role, change password, sign out, and the pages they may open. */
export function renderSignedIn(user, page) {
  document.getElementById('brand').href = landingFor(user.role) || '/';
  document.getElementById('header-right').append(
    el('div', { class: 'user', 'aria-label': t('common.userMenu'), 'data-i18n-aria-label': 'common.userMenu', role: 'group' },
      el('span', { class: 'user-name', id: 'user-name' }, user.displayName || user.username),
      el('span', { class: 'role-badge', i18n: `role.${user.role}` })),
    el('button', { type: 'button', class: 'btn btn-ghost header-btn', id: 'change-password', 'aria-haspopup': 'dialog',
      onclick: () => openChangePassword() },
    icon('key'), el('span', { i18n: 'account.changePassword' })),
    el('button', { type: 'button', class: 'btn btn-ghost header-btn logout', id: 'logout', onclick: logout },
      icon('logout'), el('span', { i18n: 'common.logout' })));
  const nav = document.getElementById('app-nav');
  renderNav(nav, user, page);
  if (page && page.nav) setText(document.getElementById('nav-toggle-label'), page.nav);
  // On a phone the header has room for none of this: who is signed in and the password change sit atop the menu.
  nav.prepend(el('div', { class: 'nav-user' },
    el('span', { class: 'user-name' }, user.displayName || user.username),
    el('span', { class: 'role-badge', i18n: `role.${user.role}` }),
    el('button', { type: 'button', class: 'btn btn-small', 'aria-haspopup': 'dialog', onclick: () => openChangePassword() },
      icon('key'), el('span', { i18n: 'account.changePassword' }))));
}

function toggleNav() {
  const open = !document.body.classList.contains('nav-open');
  document.body.classList.toggle('nav-open', open);
  document.getElementById('nav-toggle').setAttribute('aria-expanded', String(open));
}

/** In place of the page: this role may not open it; a link to the user's own page. */
export function renderDenied(user) {
  const main = document.getElementById('main');
  const home = landingFor(user.role);
  main.replaceChildren(el('section', { class: 'panel empty-state denied', role: 'alert', 'aria-labelledby': 'denied-h' },
    icon('lock', 'empty-icon'),
    el('h1', { id: 'denied-h', i18n: 'denied.heading' }),
    el('p', { i18n: 'denied.body', i18nArgs: { role: t(`role.${user.role}`) } }),
    home ? el('p', {}, el('a', { class: 'btn btn-primary', href: home, i18n: 'denied.link' })) : null));
  // The role name inside the sentence must follow a language switch too.
  onLangChange(() => {
    const p = main.querySelector('[data-i18n="denied.body"]');
    if (p) setText(p, 'denied.body', { role: t(`role.${user.role}`) });
  });
}

/** In place of the page: the server could not say who is signed in; a retry button. */
export function renderBootError(e) {
  document.getElementById('main').replaceChildren(el('section', { class: 'panel empty-state', role: 'alert' },
    el('h1', {}, describeError(e)),
    el('p', {}, el('button', { type: 'button', class: 'btn', i18n: 'common.retry', onclick: () => location.reload() }))));
}
