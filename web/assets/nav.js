// The signed-in pages, who may open each, and the navigation built from that one list.
import { t } from './i18n.js';
import { el, icon } from './dom.js';

/**
 * Every signed-in page in navigation order. id: the page's <body data-page>; roles: who may open it besides admins
 * (an admin may open every page). A role's landing page is the first page listed for it. The server checks the
 * roles of every API call anyway: this only keeps people from being shown pages they cannot use.
 * Every entry has its own icon (dom.js ICONS; WebShellIT checks they differ).
 * A new page: an entry here; in its HTML <body class="booting" data-page="…"> and only its <main id="main">; its
 * strings in i18n/<page>.js, handed to addStrings() by its script before boot() (I18nKeysTest checks the keys).
 */
export const PAGES = [
  // The dealer user's landing page (经销商门户); its reports stay reachable below.
  { id: 'dealer', href: '/dealer.html', nav: 'nav.dealer', icon: 'store', roles: ['dealer'], dealerOnly: true },
  { id: 'agent', href: '/agent.html', nav: 'nav.agent', icon: 'headset', roles: ['agent'] },
  { id: 'supervisor', href: '/supervisor.html', nav: 'nav.supervisor', icon: 'monitor', roles: ['supervisor'] },
  // After the supervisor's page, so that it stays the supervisor's landing page (QA's month view is second).
  { id: 'qa', href: '/qa.html', nav: 'nav.qa', icon: 'qa', roles: ['qa', 'supervisor'] },
  { id: 'admin', href: '/admin.html', nav: 'nav.admin', icon: 'gear', roles: ['admin'] },
  // Supervisors read it (admins maintain campaigns); they steer pacing on the monitoring page.
  { id: 'campaigns', href: '/campaigns.html', nav: 'nav.campaigns', icon: 'megaphone', roles: ['supervisor'] },
  // DMS list imports, the mapping of a dealer's columns and the history of imports (admins only).
  { id: 'imports', href: '/imports.html', nav: 'nav.imports', icon: 'upload', roles: [] },
  { id: 'data-quality', href: '/data-quality.html', nav: 'nav.quality', icon: 'shield', roles: ['supervisor'] },
  { id: 'questionnaires', href: '/questionnaires.html', nav: 'nav.questionnaires', icon: 'form', roles: ['supervisor', 'qa'] },
  // Dealer scores and the voice-of-the-customer reports; a dealer user's only page (its own approved reports).
  { id: 'reports', href: '/reports.html', nav: 'nav.reports', icon: 'chart', roles: ['supervisor', 'dealer'] },
  // Casework (工单, 申诉, 整改): staff act, QA reads.
  { id: 'cases', href: '/cases.html', nav: 'nav.cases', icon: 'folder', roles: ['supervisor', 'qa'] },
  // Do-not-call list, special-case filings, declared volumes: admins keep them, supervisors read (and file).
  { id: 'lists', href: '/lists.html', nav: 'nav.lists', icon: 'check', roles: ['supervisor'] },
  { id: 'audit', href: '/audit.html', nav: 'nav.audit', icon: 'key', roles: ['supervisor'] }
];

/** The page with this id (<body data-page>), or undefined. */
export function pageOf(id) {
  return PAGES.find((p) => p.id === id);
}

/** Where a user of this role starts: their first page, null for a role without pages. */
export function landingFor(role) {
  const p = PAGES.find((x) => x.roles.includes(role));
  return p ? p.href : null;
}

/** Admin may open every page (but a dealer's own portal); everybody else only the pages listed for their role. */
export function mayOpen(user, page) {
  return (user.role === 'admin' && !(page && page.dealerOnly)) || (!!page && page.roles.includes(user.role));
}

/** Fills the side navigation with the pages the user may open, the current one marked. */
export function renderNav(nav, user, currentPage) {
  const list = el('ul', {});
  for (const p of PAGES) {
    if (!mayOpen(user, p)) continue;
    const current = p === currentPage;
    list.append(el('li', {}, el('a', { href: p.href, 'aria-current': current ? 'page' : null, class: current ? 'active' : null },
      icon(p.icon), el('span', { i18n: p.nav }))));
  }
  nav.setAttribute('aria-label', t('common.mainNav'));
  nav.dataset.i18nAriaLabel = 'common.mainNav';
  nav.replaceChildren(list);
}
