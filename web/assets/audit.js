// The audit log: who did what and when, filtered by user, action and date range, newest first, a page at a time.
import { addStrings, t, setText, formatDateTime, onLangChange } from './i18n.js';
import { boot, api, ApiError, describeError, el, formMessage } from './shell.js';
import strings from './i18n/audit.js';

addStrings(strings);

const $ = (id) => document.getElementById(id);
const PAGE = 50;
/** The filter as applied; the cursors of the pages before this one (null: the newest page), and the next one's. */
let filter = {};
let cursors = [];
let cursor = null;
let next = null;
let entries = [];

/** The start of a local day as an instant with its offset, as the server wants it. */
function dayStart(date, plusDays = 0) {
  const [y, m, d] = date.split('-').map(Number);
  const local = new Date(y, m - 1, d + plusDays);
  const off = -local.getTimezoneOffset();
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}T00:00:00`
    + `${off >= 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

async function load() {
  const p = new URLSearchParams({ limit: String(PAGE) });
  if (filter.user) p.set('user', filter.user);
  if (filter.action) p.set('action', filter.action);
  if (filter.from) p.set('from', dayStart(filter.from));
  if (filter.to) p.set('to', dayStart(filter.to, 1));
  if (cursor != null) p.set('before', String(cursor));
  for (const f of ['user', 'action', 'from', 'to']) $(`audit-${f}-error`).textContent = '';
  try {
    const page = await api(`/api/audit?${p}`);
    entries = page.entries || [];
    next = page.next ?? null;
    formMessage($('audit-message'));
    render();
  } catch (e) {
    if (e instanceof ApiError && e.status === 400 && $(`audit-${e.field}-error`)) {
      $(`audit-${e.field}-error`).textContent = describeError(e);
      $(`audit-${e.field}`).focus();
    } else {
      $('audit-message').className = 'form-message table-message error';
      $('audit-message').textContent = describeError(e);
    }
  }
}

function detailText(d) {
  if (!d || typeof d !== 'object') return '';
  return Object.entries(d).filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('; ');
}

function render() {
  setText($('audit-count'), 'audit.count', { n: entries.length });
  setText($('audit-page'), 'audit.page', { n: cursors.length + 1 });
  $('audit-newer').disabled = cursors.length === 0;
  $('audit-older').disabled = next == null;
  $('audit-body').replaceChildren(...(entries.length ? entries.map((e) => el('tr', { 'data-id': e.id },
    el('td', { class: 'nowrap' }, el('time', { datetime: e.at }, formatDateTime(e.at))),
    el('td', { class: 'name-cell' }, e.actor || '—'),
    el('td', { class: 'mono nowrap' }, e.action),
    el('td', {}, e.subject || ''),
    el('td', {}, el('span', { class: `pill ${e.result === 'ok' ? 'pill-UP' : 'pill-DEGRADED'}` }, e.result)),
    el('td', { class: 'audit-detail' }, detailText(e.detail)),
    el('td', { class: 'muted mono nowrap' }, e.clientIp || '')))
    : [el('tr', {}, el('td', { colspan: 7, class: 'muted', i18n: 'audit.empty' }))]));
}

function apply(ev) {
  if (ev) ev.preventDefault();
  filter = { user: $('audit-user').value.trim(), action: $('audit-action').value, from: $('audit-from').value,
    to: $('audit-to').value };
  cursors = [];
  cursor = null;
  load();
}

const me = await boot();
if (me) {
  let actions = [];
  try {
    actions = (await api('/api/audit/actions')).actions || [];
  } catch { /* the filter still takes any action typed in the URL */ }
  // Each action, and each family of them ("dnc." covers dnc.add and dnc.remove).
  const families = [...new Set(actions.filter((a) => a.includes('.')).map((a) => `${a.split('.')[0]}.`))];
  $('audit-action').replaceChildren(el('option', { value: '', i18n: 'audit.allActions' }),
    ...[...families, ...actions].sort().map((a) => el('option', { value: a },
      a.endsWith('.') ? t('audit.family', { name: a }) : a)));
  if (me.role === 'admin') {
    api('/api/users').then((d) => $('audit-users').replaceChildren(...(d.users || [])
      .map((u) => el('option', { value: u.username }, u.displayName || u.username)))).catch(() => {});
  }
  const q = new URLSearchParams(location.search);
  if (q.get('action')) $('audit-action').value = q.get('action');
  if (q.get('user')) $('audit-user').value = q.get('user');
  $('audit-form').addEventListener('submit', apply);
  $('audit-clear').addEventListener('click', () => {
    $('audit-form').reset();
    apply();
  });
  $('audit-older').addEventListener('click', () => {
    cursors.push(cursor);
    cursor = next;
    load();
  });
  $('audit-newer').addEventListener('click', () => {
    cursor = cursors.pop() ?? null;
    load();
  });
  onLangChange(render);
  apply();
}
