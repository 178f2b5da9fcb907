// The notifications bell in the signed-in header (docs/casework-api.md "Notifications"): the unread count, a
// dropdown of the latest notifications, mark one or all read. Live through the push socket ({"type":"notification"});
// a page that opens no socket of its own gets one from here (agents' desk always opens its own).
import { t, addStrings, getLang, onLangChange, formatDateTime } from './i18n.js';
import { el, icon } from './dom.js';
import { api } from './api.js';
import { connectWs, onPush, socketsOpened } from './push.js';
import strings from './i18n/bell.js';

addStrings(strings);

const LIMIT = 30;

/** Puts the bell before the user's name in the header; user: the signed-in user (GET /api/me). */
export function mountBell(user) {
  const right = document.getElementById('header-right');
  if (!right || document.getElementById('bell')) return;
  const count = el('span', { class: 'bell-count', id: 'bell-count', hidden: true });
  const button = el('button', {
    type: 'button', class: 'btn btn-ghost header-btn bell-btn', id: 'bell-btn', 'aria-haspopup': 'true',
    'aria-expanded': 'false', 'aria-controls': 'bell-panel'
  }, icon('bell'), el('span', { class: 'visually-hidden', i18n: 'bell.label' }), count);
  const list = el('ul', { class: 'bell-list', id: 'bell-list' });
  const markAll = el('button', { type: 'button', class: 'btn btn-small btn-ghost', id: 'bell-read-all', i18n: 'bell.readAll' });
  const panel = el('div', { class: 'bell-panel', id: 'bell-panel', role: 'region', 'aria-labelledby': 'bell-h', hidden: true },
    el('div', { class: 'bell-head' }, el('h2', { id: 'bell-h', i18n: 'bell.heading' }), markAll),
    list);
  const wrap = el('div', { class: 'bell', id: 'bell' }, button, panel);
  const userBox = right.querySelector('.user');
  right.insertBefore(wrap, userBox || null);

  let items = [];
  let unread = 0;

  function renderCount() {
    count.hidden = unread <= 0;
    count.textContent = unread > 99 ? '99+' : String(unread);
    const label = unread > 0 ? t('bell.labelUnread', { n: unread }) : t('bell.label');
    button.setAttribute('aria-label', label);
    button.title = label;
  }

  const text = (o) => (o ? (getLang() === 'en' ? (o.en || o.zh) : (o.zh || o.en)) || '' : '');

  function renderList() {
    if (!items.length) {
      list.replaceChildren(el('li', { class: 'bell-empty muted', i18n: 'bell.empty' }));
      markAll.disabled = true;
      return;
    }
    markAll.disabled = unread <= 0;
    list.replaceChildren(...items.map((n) => {
      const body = [el('span', { class: 'bell-text' }, text(n.text)),
        el('span', { class: 'bell-time muted' }, formatDateTime(n.createdAt))];
      const inner = n.link
        ? el('a', { href: n.link, class: 'bell-item-link', onclick: () => markRead([n.id]) }, ...body)
        : el('div', { class: 'bell-item-link' }, ...body);
      const li = el('li', { class: n.readAt ? 'bell-item' : 'bell-item unread', 'data-id': n.id }, inner);
      if (!n.readAt) {
        li.append(el('button', { type: 'button', class: 'btn btn-ghost btn-small bell-mark', i18n: 'bell.markRead',
          onclick: (ev) => { ev.stopPropagation(); markRead([n.id]); } }));
      }
      return li;
    }));
  }

  async function load() {
    try {
      const data = await api(`/api/notifications?limit=${LIMIT}`);
      items = (data && data.items) || [];
      unread = Number((data && data.unread) || 0);
    } catch {
      // A server without notifications (or a failed read): the bell stays quiet rather than breaking the page.
      return;
    }
    renderCount();
    if (!panel.hidden) renderList();
  }

  async function markRead(ids) {
    const body = ids ? { ids } : { all: true };
    try {
      const r = await api('/api/notifications/read', { method: 'POST', body });
      const now = new Date().toISOString();
      for (const n of items) if (!ids || ids.includes(n.id)) n.readAt = n.readAt || now;
      unread = r && typeof r.unread === 'number' ? r.unread : items.filter((n) => !n.readAt).length;
      renderCount();
      renderList();
    } catch { /* shown as unread still; the next load says */ }
  }

  function open(show) {
    panel.hidden = !show;
    button.setAttribute('aria-expanded', String(show));
    if (show) { renderList(); load(); }
  }

  button.addEventListener('click', (ev) => { ev.stopPropagation(); open(panel.hidden); });
  markAll.addEventListener('click', () => markRead(null));
  document.addEventListener('click', (ev) => { if (!panel.hidden && !wrap.contains(ev.target)) open(false); });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !panel.hidden) { open(false); button.focus(); }
  });
  onLangChange(() => { renderCount(); if (!panel.hidden) renderList(); });

  onPush((msg) => {
    if (msg.type === 'notification') {
      if (typeof msg.unread === 'number') unread = msg.unread;
      if (msg.item && !items.some((n) => n.id === msg.item.id)) items = [msg.item, ...items].slice(0, LIMIT);
      renderCount();
      if (!panel.hidden) renderList();
      wrap.classList.remove('bell-new');
      void wrap.offsetWidth;
      wrap.classList.add('bell-new');
    } else if (msg.type === 'hello') {
      load(); // after a reconnect: what came while the socket was down
    }
  });

  renderCount();
  load();
  // The agent's desk opens its socket itself; any other page that has not opened one shortly after starting gets
  // one for the bell.
  if (user.role !== 'agent') {
    setTimeout(() => { if (socketsOpened() === 0) connectWs({}); }, 1500);
  }
}
