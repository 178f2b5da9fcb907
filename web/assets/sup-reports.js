// The reports tab: GET /api/supervisor/reports (day or week, by agent or by campaign) as a table, and the same as
// XLSX (GET /api/supervisor/reports.xlsx, Chinese or English headers by the page's language).
import { t, getLang, setText, onLangChange } from './i18n.js';
import { api, describeError, el } from './shell.js';
import { pct, num, today, label } from './sup-format.js';

const $ = (id) => document.getElementById(id);

/** The report's columns: field, heading key, how to show it. */
const COLUMNS = [
  ['calls', 'sup.rep.calls', num],
  ['dialled', 'sup.rep.dialled', num],
  ['answered', 'sup.rep.answered', num],
  ['connectionRate', 'sup.rep.connectionRate', (v) => pct(v)],
  ['talkMinutes', 'sup.rep.talkMinutes', (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(1))],
  ['loggedInMinutes', 'sup.rep.loggedInMinutes', (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(0))],
  ['talkMinutesPerLoggedInHour', 'sup.rep.talkPerHour', (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(1))],
  ['successes', 'sup.rep.successes', num],
  ['successRate', 'sup.rep.successRate', (v) => pct(v)],
  ['qaScore', 'sup.rep.qaScore', (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(1))]
];

export function reportsView({ board }) {
  let started = false;
  let data = null;

  function query(extra = {}) {
    const q = new URLSearchParams({ period: $('reports-period').value, date: $('reports-date').value, by: $('reports-by').value, ...extra });
    return q.toString();
  }

  function updateLink() {
    $('reports-xlsx').href = `/api/supervisor/reports.xlsx?${query({ lang: getLang() === 'en' ? 'en' : 'zh' })}`;
  }

  async function load() {
    const msg = $('reports-message');
    msg.className = 'form-message';
    msg.textContent = '';
    updateLink();
    try {
      data = await api(`/api/supervisor/reports?${query()}`);
      draw();
    } catch (e) {
      msg.className = 'form-message error';
      setText(msg, 'sup.error', { reason: describeError(e) });
    }
  }

  function draw() {
    if (!data) return;
    const rows = data.rows || [];
    const by = data.by || $('reports-by').value;
    // Pause minutes come per reason: one column for each reason any row has.
    const reasons = data.pauseReasons || [...new Set(rows.flatMap((r) => Object.keys(r.pauseMinutes || {})))].sort();
    $('report-head').replaceChildren(el('tr', {},
      el('th', { scope: 'col', i18n: by === 'campaign' ? 'sup.rep.campaign' : 'sup.rep.agent' }),
      ...COLUMNS.map(([, key]) => el('th', { scope: 'col', class: 'num', i18n: key })),
      ...reasons.map((r) => el('th', { scope: 'col', class: 'num' }, t('sup.rep.pause', { reason: label('sup.reason.', r) })))));
    $('report-body').replaceChildren(...(rows.length ? rows.map((r) => {
      const pauses = r.pauseMinutes || {};
      return el('tr', {},
        el('td', { class: 'name-cell' }, r.name || r.username || `#${r.agentId || r.campaignId}`),
        ...COLUMNS.map(([field, , fmt]) => el('td', { class: 'num' }, fmt(r[field]))),
        ...reasons.map((reason) => el('td', { class: 'num' }, pauses[reason] === undefined ? '—' : Number(pauses[reason]).toFixed(0))));
    }) : [el('tr', {}, el('td', { colspan: COLUMNS.length + 1 + reasons.length, class: 'muted', i18n: 'sup.none' }))]));
    if (data.from && data.to) setText($('report-range'), 'sup.rep.range', { from: data.from, to: data.to });
    else $('report-range').textContent = '';
  }

  $('reports-form').addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  for (const id of ['reports-period', 'reports-date', 'reports-by']) $(id).addEventListener('change', updateLink);
  onLangChange(() => { updateLink(); draw(); });

  return {
    show() {
      if (started) return;
      started = true;
      $('reports-date').value = today(board.data && (board.data.dayZone || board.data.timeZone));
      load();
    }
  };
}
