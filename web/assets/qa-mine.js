// The agent desk's "我的质检 / My QA" panel: the agent's submitted evaluations (GET /api/qa/mine), one opened in a
// dialog with its items and timestamped comments, signed off (已阅) or disputed once within the window with a reason.
// Its strings are the desk's (i18n/agent.js, agent.qa.*).
import { t, setText, getLang, formatDateTime, onLangChange } from './i18n.js';
import { api, describeError, el, notify, modalDialog } from './shell.js';
import { formatScore } from './qa-score.js';

const lang = () => (getLang() === 'en' ? 'en' : 'zh');
const text = (o) => (o && typeof o === 'object' ? (o[lang()] || o.zh || o.en || '') : (o == null ? '' : String(o)));

function clock(ms) {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** What the agent can still do with an evaluation, and its state for the list. */
function stateOf(ev) {
  const dispute = ev.dispute;
  if (dispute) return dispute.status === 'resolved' ? 'resolved' : 'disputed';
  if (ev.status === 'superseded') return 'superseded';
  if (ev.acknowledgedAt) return 'acknowledged';
  return 'new';
}

function mayDispute(ev) {
  if (typeof ev.canDispute === 'boolean') return ev.canDispute;
  return !ev.dispute && ev.kind === 'standard' && ev.status === 'submitted'
    && (!ev.disputeDeadline || Date.parse(ev.disputeDeadline) > Date.now());
}

/** Fills the panel (an element with a .qa-mine-body inside) and keeps it current. */
export function setUpMyQa(panel) {
  const body = panel.querySelector('.qa-mine-body');
  const count = panel.querySelector('.qa-mine-count');
  let list = [];

  async function load() {
    try {
      const r = await api('/api/qa/mine');
      list = Array.isArray(r) ? r : (r.evaluations || []);
      render();
    } catch (e) {
      body.replaceChildren(el('p', { class: 'muted qa-mine-empty' }, t('agent.qa.error', { reason: describeError(e) })));
    }
  }

  function render() {
    const fresh = list.filter((ev) => stateOf(ev) === 'new').length;
    count.hidden = !fresh;
    count.textContent = String(fresh);
    if (!list.length) {
      body.replaceChildren(el('p', { class: 'muted qa-mine-empty', i18n: 'agent.qa.none' }));
      return;
    }
    const rows = list.map((ev) => {
      const st = stateOf(ev);
      return el('tr', { 'data-id': String(ev.id), class: st === 'new' ? 'qa-mine-new' : null },
        el('td', { class: 'mono nowrap' }, formatDateTime(ev.submittedAt)),
        el('td', { class: 'nowrap' }, el('strong', { class: ev.passed ? 'qa-mine-pass' : 'qa-mine-fail' }, formatScore(ev.score)), ' ',
          el('span', { class: `pill ${ev.passed ? 'pill-UP' : 'pill-DOWN'}`, i18n: ev.passed ? 'agent.qa.passed' : 'agent.qa.failed' })),
        el('td', {}, el('span', { class: `pill pill-neutral qa-mine-state qa-mine-${st}`, i18n: `agent.qa.state.${st}` })),
        el('td', { class: 'nowrap' }, el('button', { type: 'button', class: 'btn btn-small qa-mine-open', i18n: 'agent.qa.open', onclick: () => open(ev.id) })));
    });
    body.replaceChildren(el('div', { class: 'table-wrap' }, el('table', { class: 'qa-mine-table' },
      el('thead', {}, el('tr', {}, el('th', { i18n: 'agent.qa.col.date' }), el('th', { i18n: 'agent.qa.col.score' }),
        el('th', { i18n: 'agent.qa.col.state' }), el('th', {}, el('span', { class: 'visually-hidden', i18n: 'agent.qa.col.actions' })))),
      el('tbody', {}, rows))));
  }

  async function open(id) {
    let ev;
    try {
      ev = await api(`/api/qa/evaluations/${encodeURIComponent(id)}`);
    } catch (e) {
      notify(t('agent.qa.error', { reason: describeError(e) }), 'error');
      return;
    }
    const m = modalDialog({ id: 'qa-mine-dialog', titleKey: 'agent.qa.dialogTitle', titleArgs: { score: formatScore(ev.score) } });
    m.dialog.classList.add('modal-wide');
    const msg = el('div', { class: 'form-message', role: 'alert' });
    const form = ev.scorecard || { sections: [] };
    const items = ev.items || {};
    const summary = el('dl', { class: 'kv qa-mine-kv' },
      el('div', {}, el('dt', { i18n: 'agent.qa.col.score' }), el('dd', { id: 'qa-mine-score' }, formatScore(ev.score), ' ',
        el('span', { class: `pill ${ev.passed ? 'pill-UP' : 'pill-DOWN'}`, i18n: ev.passed ? 'agent.qa.passed' : 'agent.qa.failed' }))),
      el('div', {}, el('dt', { i18n: 'agent.qa.evaluator' }), el('dd', {}, ev.evaluatorName || '—')),
      el('div', {}, el('dt', { i18n: 'agent.qa.col.date' }), el('dd', {}, formatDateTime(ev.submittedAt))),
      ev.disputeDeadline ? el('div', {}, el('dt', { i18n: 'agent.qa.deadline' }), el('dd', {}, formatDateTime(ev.disputeDeadline))) : null,
      ev.summary ? el('div', {}, el('dt', { i18n: 'agent.qa.summary' }), el('dd', {}, ev.summary)) : null);
    const sections = (form.sections || []).map((s) => el('section', { class: 'qa-mine-section' },
      el('h3', {}, text(s.title)),
      el('ul', { class: 'qa-mine-items' }, (s.items || []).map((it) => {
        const r = items[it.id] && items[it.id].result;
        const note = items[it.id] && items[it.id].note;
        return el('li', { class: `qa-mine-item qa-mine-r-${r || 'none'}` },
          el('span', { class: 'qa-mine-item-text' }, text(it.text), it.fatal ? el('span', { class: 'qa-mine-fatal', i18n: 'agent.qa.fatal' }) : null,
            note ? el('span', { class: 'muted' }, ` — ${note}`) : null),
          el('span', { class: 'qa-mine-result', i18n: r ? `agent.qa.result.${r}` : 'agent.qa.result.none' }));
      }))));
    const f = ev.findings || {};
    const findings = [];
    if (f.void) findings.push(el('li', { i18n: 'agent.qa.finding.void' }));
    if ((f.wrongInfo || []).length) findings.push(el('li', { i18n: 'agent.qa.finding.wrongInfo', i18nArgs: { n: f.wrongInfo.length } }));
    if ((f.falsified || []).length) findings.push(el('li', { i18n: 'agent.qa.finding.falsified', i18nArgs: { n: f.falsified.length } }));
    const comments = (ev.comments || []).slice().sort((a, b) => a.atMs - b.atMs);
    m.body.append(summary,
      findings.length ? el('ul', { class: 'qa-mine-findings' }, findings) : null,
      ...sections,
      el('h3', { class: 'sub-h', i18n: 'agent.qa.comments' }),
      comments.length ? el('ol', { class: 'qa-mine-comments' }, comments.map((c) => el('li', {},
        el('span', { class: 'mono' }, clock(c.atMs)), ' ', c.text)))
        : el('p', { class: 'muted', i18n: 'agent.qa.noComments' }));
    if (ev.dispute) {
      m.body.append(el('div', { class: 'form-message info' }, t('agent.qa.disputed', { reason: ev.dispute.reason || '' })));
    }
    const reasonBox = el('div', { class: 'field', hidden: true },
      el('label', { for: 'qa-dispute-reason', i18n: 'agent.qa.disputeReason' }),
      el('textarea', { id: 'qa-dispute-reason', rows: '3', maxlength: '2000' }));
    m.body.append(reasonBox, msg);

    const ack = el('button', { type: 'button', class: 'btn btn-primary', id: 'qa-mine-ack', i18n: 'agent.qa.acknowledge', hidden: !!ev.acknowledgedAt });
    const dispute = el('button', { type: 'button', class: 'btn', id: 'qa-mine-dispute', i18n: 'agent.qa.dispute', hidden: !mayDispute(ev) });
    const send = el('button', { type: 'submit', class: 'btn btn-danger', id: 'qa-mine-dispute-send', i18n: 'agent.qa.disputeSend', hidden: true });
    m.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.close', onclick: () => m.close() }), dispute, send, ack);
    ack.addEventListener('click', async () => {
      try {
        await api(`/api/qa/evaluations/${encodeURIComponent(ev.id)}/acknowledge`, { method: 'POST' });
        notify(t('agent.qa.acknowledged'), 'success');
        m.close();
        load();
      } catch (e) {
        msg.className = 'form-message error';
        msg.textContent = t('agent.qa.error', { reason: describeError(e) });
      }
    });
    dispute.addEventListener('click', () => {
      reasonBox.hidden = false;
      dispute.hidden = true;
      send.hidden = false;
      reasonBox.querySelector('textarea').focus();
    });
    m.form.addEventListener('submit', async (e2) => {
      e2.preventDefault();
      if (send.hidden) return;
      const reason = reasonBox.querySelector('textarea').value.trim();
      if (!reason) {
        msg.className = 'form-message error';
        setText(msg, 'agent.qa.reasonMissing');
        return;
      }
      try {
        await api(`/api/qa/evaluations/${encodeURIComponent(ev.id)}/dispute`, { method: 'POST', body: { reason } });
        notify(t('agent.qa.disputeSent'), 'success');
        m.close();
        load();
      } catch (e) {
        msg.className = 'form-message error';
        msg.textContent = t('agent.qa.error', { reason: describeError(e) });
      }
    });
    m.open(ack.hidden ? m.foot.querySelector('button') : ack);
  }

  onLangChange(render);
  load();
  return { reload: load };
}
