// The QA workspace (质检): the month's sampled calls as a keyboard-first queue (claim / release), a sample opened in
// the player beside the survey exactly as the agent entered it (marks for wrong information and falsified items, a
// void toggle) and the scorecard with a live score; disputes assigned to me (re-score), calibrations, and the month's
// summary. QA users work; supervisors (and admins) look on, read-only. Routes: docs/qa-api.md.
import { addStrings, setText, t, getLang, formatDateTime, onLangChange, applyI18n } from './i18n.js';
import { boot, api, ApiError, describeError, el, notify, modalDialog } from './shell.js';
import { createPlayer, clock } from './qa-player.js';
import { scoreOf, formatScore } from './qa-score.js';
import strings from './i18n/qa.js';

addStrings(strings);

const REASONS = ['quota', 'needs_review', 'first_days', 'skill_share', 'complaint', 'suspicious', 'manual'];
const LOYALTY = ['surely', 'probably', 'unsure', 'probably_not', 'surely_not'];
const DISPOSITIONS = ['success', 'wrong_number', 'empty_number', 'not_owner', 'refused', 'duplicate', 'pdi', 'stock', 'company',
  'not_present', 'no_answer', 'busy', 'machine', 'callback'];
const SAVE_DELAY_MS = 600;
const PAGE = 200;

const $ = (id) => document.getElementById(id);
const lang = () => (getLang() === 'en' ? 'en' : 'zh');
const text = (o) => (o && typeof o === 'object' ? (o[lang()] || o.zh || o.en || '') : (o == null ? '' : String(o)));

/** This month (yyyy-MM) in China time, where the campaigns run. */
function thisMonth() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  return `${parts.find((p) => p.type === 'year').value}-${parts.find((p) => p.type === 'month').value}`;
}

function showError(box, e) {
  box.className = 'form-message error';
  setText(box, 'qa.error', { reason: describeError(e) });
}

function clearMessage(box) {
  box.className = 'form-message';
  delete box.dataset.i18n;
  delete box.dataset.i18nArgs;
  box.textContent = '';
}

function reasonChips(sample) {
  const reasons = sample.reasons && sample.reasons.length ? sample.reasons : [sample.reason].filter(Boolean);
  const box = el('span', { class: 'qa-chips' });
  for (const r of reasons) box.append(el('span', { class: `qa-chip qa-chip-${r}`, i18n: `qa.reason.${REASONS.includes(r) ? r : 'other'}` }));
  return box;
}

function suspiciousLines(sample) {
  const list = sample.suspicious || [];
  if (!list.length) return null;
  return el('ul', { class: 'qa-suspicious' }, list.map((s) => el('li', {},
    el('strong', { i18n: `qa.suspicious.${['too_fast', 'customer_silent', 'agent_quiet'].includes(s.kind) ? s.kind : 'other'}` }),
    s.detail ? el('span', { class: 'muted' }, ` ${s.detail}`) : null)));
}

function statusPill(sample, user) {
  const s = sample.status || 'open';
  const pill = el('span', { class: `pill qa-status qa-status-${s}`, i18n: `qa.status.${s}` });
  if (s === 'claimed' && sample.claimedBy) {
    const mine = user && sample.claimedBy.id === user.id;
    return el('span', { class: 'qa-status-cell' }, pill,
      mine ? el('span', { class: 'muted qa-claimer', i18n: 'qa.claimedByMe' }) : el('span', { class: 'muted qa-claimer' }, sample.claimedBy.name));
  }
  return pill;
}

const user = await boot();
if (user) start(user);

function start(me) {
  const canWork = me.role === 'qa';
  document.body.classList.toggle('qa-readonly', !canWork);
  const month = $('qa-month');
  month.value = thisMonth();
  const filters = {
    campaign: $('f-campaign'), agent: $('f-agent'), dealer: $('f-dealer'), reason: $('f-reason'), status: $('f-status'), mine: $('f-mine')
  };
  if (!canWork) filters.mine.closest('label').hidden = true;
  for (const r of REASONS) filters.reason.append(el('option', { value: r, i18n: `qa.reason.${r}` }));

  let samples = [];
  let selected = 0;
  let optionsMonth = null;
  let ws = null; // the open sample's workspace
  let tab = 'queue';

  // ------------------------------------------------------------ tabs and routing (#sample=…&evaluation=…, #tab=…)

  function setTab(name, { focus = false } = {}) {
    tab = name;
    for (const b of document.querySelectorAll('.qa-tab')) {
      const on = b.dataset.tab === name;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    }
    for (const v of document.querySelectorAll('.qa-view')) v.hidden = v.id !== `view-${name}` || !!ws;
    if (name === 'queue') loadQueue();
    if (name === 'disputes') loadDisputes();
    if (name === 'calibrations') loadCalibrations();
    if (name === 'month') loadMonth();
  }

  for (const b of document.querySelectorAll('.qa-tab')) {
    b.addEventListener('click', () => { location.hash = b.dataset.tab === 'queue' ? '' : `tab=${b.dataset.tab}`; });
    b.addEventListener('keydown', (ev) => {
      const tabs = Array.from(document.querySelectorAll('.qa-tab'));
      const i = tabs.indexOf(b);
      if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
        ev.preventDefault();
        const next = tabs[(i + (ev.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
        location.hash = next.dataset.tab === 'queue' ? '' : `tab=${next.dataset.tab}`;
        next.focus();
      }
    });
  }

  function route() {
    const h = new URLSearchParams(location.hash.slice(1));
    const sampleId = h.get('sample');
    if (sampleId) {
      openSample(sampleId, { evaluationId: h.get('evaluation'), openedAt: pendingOpenAt ?? performance.now() });
      pendingOpenAt = null;
      return;
    }
    closeSample();
    setTab(h.get('tab') || 'queue');
  }
  let pendingOpenAt = null;
  window.addEventListener('hashchange', route);

  month.addEventListener('change', () => {
    if (!/^\d{4}-\d{2}$/.test(month.value)) return;
    optionsMonth = null;
    setTab(tab);
  });

  // ------------------------------------------------------------ the queue

  function query(extra = {}) {
    const p = new URLSearchParams({ month: month.value, limit: String(PAGE), ...extra });
    return `/api/qa/samples?${p}`;
  }

  /** The filter lists: the campaigns, agents and dealers of the month's samples. */
  async function loadOptions() {
    if (optionsMonth === month.value) return;
    optionsMonth = month.value;
    try {
      const all = await api(query({ limit: String(PAGE) }));
      const fill = (select, pairs) => {
        const keep = select.value;
        select.replaceChildren(el('option', { value: '', i18n: 'qa.f.all' }),
          ...[...pairs].sort((a, b) => String(a[1]).localeCompare(String(b[1]), 'zh')).map(([id, name]) => el('option', { value: String(id) }, name)));
        select.value = [...pairs].some(([id]) => String(id) === keep) ? keep : '';
      };
      const by = (idKey, nameKey) => new Map((all.samples || []).filter((s) => s[idKey] != null).map((s) => [s[idKey], s[nameKey] || `#${s[idKey]}`]));
      fill(filters.campaign, by('campaignId', 'campaignName'));
      fill(filters.agent, by('agentId', 'agentName'));
      fill(filters.dealer, by('dealerId', 'dealerName'));
    } catch { optionsMonth = null; }
  }

  async function loadQueue() {
    const box = $('queue-message');
    await loadOptions();
    const extra = {};
    if (filters.campaign.value) extra.campaignId = filters.campaign.value;
    if (filters.agent.value) extra.agentId = filters.agent.value;
    if (filters.dealer.value) extra.dealerId = filters.dealer.value;
    if (filters.reason.value) extra.reason = filters.reason.value;
    if (filters.status.value) extra.status = filters.status.value;
    if (filters.mine.checked) extra.mine = 'true';
    try {
      const r = await api(query(extra));
      clearMessage(box);
      const keepId = samples[selected] && samples[selected].id;
      samples = r.samples || [];
      const i = samples.findIndex((s) => s.id === keepId);
      selected = i >= 0 ? i : Math.min(selected, Math.max(0, samples.length - 1));
      renderQueue(r.total ?? samples.length);
    } catch (e) {
      showError(box, e);
    }
  }

  for (const f of Object.values(filters)) f.addEventListener('change', () => { selected = 0; loadQueue(); });
  $('qa-filters').addEventListener('submit', (ev) => ev.preventDefault());

  function renderQueue(total) {
    const body = $('queue-body');
    body.replaceChildren();
    // Counted, so that a script (the benchmark) can tell a fresh list from the one left behind.
    body.dataset.renders = String(Number(body.dataset.renders || 0) + 1);
    $('queue-empty').hidden = samples.length > 0;
    $('qa-queue').hidden = samples.length === 0;
    setText($('queue-total'), 'qa.total', { n: total });
    samples.forEach((s, i) => {
      const mine = s.claimedBy && s.claimedBy.id === me.id;
      const actions = el('div', { class: 'row-actions' });
      if (canWork && s.status === 'open') {
        actions.append(el('button', { type: 'button', class: 'btn btn-small qa-claim', i18n: 'qa.claim', onclick: (ev) => { ev.stopPropagation(); claim(s); } }));
      }
      if ((canWork && mine) || (me.role === 'supervisor' && s.status === 'claimed')) {
        actions.append(el('button', { type: 'button', class: 'btn btn-small btn-ghost qa-release', i18n: 'qa.release', onclick: (ev) => { ev.stopPropagation(); release(s); } }));
      }
      actions.append(el('a', { class: 'btn btn-small qa-open', href: `#sample=${encodeURIComponent(s.id)}`, i18n: 'qa.open', onclick: () => { pendingOpenAt = performance.now(); } }));
      const ev = s.evaluation;
      const tr = el('tr', { class: 'qa-row', 'data-id': String(s.id), tabindex: '-1', 'aria-selected': String(i === selected) },
        el('td', { class: 'nowrap mono' }, formatDateTime(s.callStartedAt)),
        el('td', { class: 'name-cell' }, s.agentName || '—'),
        el('td', {}, el('div', {}, s.campaignName || '—'), el('div', { class: 'muted qa-sub' }, s.dealerName || '')),
        el('td', { class: 'nowrap' }, s.customer || '—'),
        el('td', { class: 'mono nowrap' }, clock(s.durationMs || 0)),
        el('td', {}, reasonChips(s), suspiciousLines(s)),
        el('td', {}, statusPill(s, me)),
        el('td', { class: 'nowrap' }, ev && ev.score != null
          ? el('span', { class: `qa-score-chip ${ev.passed ? 'qa-pass' : 'qa-fail'}` }, formatScore(ev.score)) : '—'),
        el('td', {}, actions));
      tr.addEventListener('click', (e2) => {
        if (e2.target.closest('button, a')) return;
        selected = i;
        markSelected();
      });
      tr.addEventListener('dblclick', () => openSelected());
      body.append(tr);
    });
    markSelected(false);
  }

  function markSelected(focus = true) {
    const rows = $('queue-body').querySelectorAll('tr');
    rows.forEach((r, i) => r.setAttribute('aria-selected', String(i === selected)));
    const row = rows[selected];
    if (row && focus) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: 'nearest' });
    }
  }

  function openSelected() {
    const s = samples[selected];
    if (!s) return;
    pendingOpenAt = performance.now();
    location.hash = `sample=${encodeURIComponent(s.id)}`;
  }

  async function claim(s) {
    try {
      await api(`/api/qa/samples/${encodeURIComponent(s.id)}/claim`, { method: 'POST' });
      notify(t('qa.claimed'), 'success');
    } catch (e) {
      notify(claimError(e), 'error');
    }
    await refreshAfterClaim(s.id);
  }

  async function release(s) {
    try {
      await api(`/api/qa/samples/${encodeURIComponent(s.id)}/claim`, { method: 'DELETE' });
      notify(t('qa.released'), 'success');
    } catch (e) {
      notify(t('qa.error', { reason: describeError(e) }), 'error');
    }
    await refreshAfterClaim(s.id);
  }

  function claimError(e) {
    if (e instanceof ApiError && e.code === 'claim_limit') return t('qa.claimLimit', { reason: describeError(e) });
    if (e instanceof ApiError && e.code === 'claimed') return t('qa.claimedByOther', { reason: describeError(e) });
    return t('qa.error', { reason: describeError(e) });
  }

  async function refreshAfterClaim(id) {
    if (ws && String(ws.sampleId) === String(id)) await ws.reload();
    else await loadQueue();
  }

  // ------------------------------------------------------------ keys

  function typing(ev) {
    const tag = ev.target && ev.target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (ev.target && ev.target.isContentEditable);
  }

  document.addEventListener('keydown', (ev) => {
    if (document.querySelector('dialog[open]')) return;
    if (typing(ev)) {
      if (ev.key === 'Escape') ev.target.blur();
      return;
    }
    if (ev.key === '?') { ev.preventDefault(); showKeys(); return; }
    if (ws) {
      if (ev.key === 'Escape' || (ev.key === 'Backspace' && !ev.ctrlKey)) { ev.preventDefault(); location.hash = ''; return; }
      if (ev.key === 'm' || ev.key === 'M') { ev.preventDefault(); ws.focusComment(); return; }
      if (ev.key === 'c' || ev.key === 'C') { ev.preventDefault(); ws.toggleClaim(); return; }
      if (ev.target.closest && ev.target.closest('button, a, [role=radio]') && (ev.key === ' ' || ev.key === 'Enter')) return;
      if (ws.player && ws.player.handleKey(ev)) ev.preventDefault();
      return;
    }
    if (tab !== 'queue' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.target.closest && ev.target.closest('button, a, .qa-tab') && ev.key === 'Enter') return;
    switch (ev.key) {
      case 'j': case 'ArrowDown':
        ev.preventDefault();
        selected = Math.min(samples.length - 1, selected + 1);
        markSelected();
        break;
      case 'k': case 'ArrowUp':
        ev.preventDefault();
        selected = Math.max(0, selected - 1);
        markSelected();
        break;
      case 'Enter': case 'o':
        ev.preventDefault();
        openSelected();
        break;
      case 'c': {
        const s = samples[selected];
        if (!s || !canWork) break;
        ev.preventDefault();
        if (s.status === 'open') claim(s);
        else if (s.claimedBy && s.claimedBy.id === me.id) release(s);
        break;
      }
      case '/':
        ev.preventDefault();
        filters.campaign.focus();
        break;
      default:
        break;
    }
  });

  function showKeys() {
    const m = modalDialog({ id: 'qa-keys', titleKey: 'qa.keys.title' });
    const rows = [
      ['j / k', 'qa.keys.move'], ['Enter', 'qa.keys.open'], ['c', 'qa.keys.claim'], ['/', 'qa.keys.filter'],
      ['Space', 'qa.keys.play'], ['← / →', 'qa.keys.seek5'], ['Shift + ← / →', 'qa.keys.seek1'], ['[ / ]', 'qa.keys.speed'],
      ['n', 'qa.keys.next'], ['m', 'qa.keys.comment'], ['1 / 2 / 3', 'qa.keys.rate'], ['Esc', 'qa.keys.back'], ['?', 'qa.keys.help']
    ];
    m.body.append(el('table', { class: 'qa-keys' }, el('tbody', {}, rows.map(([k, key]) => el('tr', {},
      el('th', { scope: 'row' }, el('kbd', {}, k)), el('td', { i18n: key }))))));
    m.foot.append(el('button', { type: 'button', class: 'btn btn-primary', i18n: 'common.close', onclick: () => m.close() }));
    m.open(m.foot.querySelector('button'));
  }
  $('qa-keys-btn').addEventListener('click', showKeys);

  // ------------------------------------------------------------ a sample opened: player, survey, scorecard

  function closeSample() {
    if (!ws) return;
    ws.destroy();
    ws = null;
    $('qa-ws').hidden = true;
    $('qa-ws').replaceChildren();
    $('qa-tabs').hidden = false;
  }

  async function openSample(sampleId, { evaluationId, openedAt }) {
    if (ws && String(ws.sampleId) === String(sampleId) && String(ws.evaluationId || '') === String(evaluationId || '')) return;
    closeSample();
    for (const v of document.querySelectorAll('.qa-view')) v.hidden = true;
    $('qa-tabs').hidden = true;
    const box = $('qa-ws');
    box.hidden = false;
    box.replaceChildren(el('p', { class: 'muted', i18n: 'common.loading' }));
    // The queue row knows the recording: its peaks start loading with the sample's detail.
    const row = samples.find((s) => String(s.id) === String(sampleId));
    const peaks = row && row.recordingId ? fetchPeaks(row.recordingId) : null;
    ws = workspace(sampleId, evaluationId, openedAt, peaks, row && row.recordingId);
    await ws.reload();
  }

  function fetchPeaks(recordingId) {
    return fetch(`/api/recordings/${encodeURIComponent(recordingId)}/peaks`, { credentials: 'same-origin', cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))));
  }

  function workspace(sampleId, evaluationId, openedAt, earlyPeaks, earlyRecordingId) {
    const box = $('qa-ws');
    const state = {
      sampleId, evaluationId, detail: null, ev: null, player: null, saveTimer: null, saving: null, commentAt: 0, dirty: false
    };
    let destroyed = false;

    const editable = () => !!(state.ev && state.ev.status === 'draft' && state.ev.evaluatorId === me.id);
    // A calibration scores the call only: its findings change no data, so there are none to mark.
    const marksEditable = () => editable() && state.ev.kind !== 'calibration';
    const claimedByMe = () => state.detail && state.detail.claimedBy && state.detail.claimedBy.id === me.id && state.detail.status === 'claimed';

    async function reload() {
      try {
        const d = await api(`/api/qa/samples/${encodeURIComponent(sampleId)}`);
        if (destroyed) return;
        state.detail = d;
        state.ev = await loadEvaluation(d);
        if (destroyed) return;
        render();
      } catch (e) {
        if (destroyed) return;
        box.replaceChildren(backBar(), el('div', { class: 'form-message error', role: 'alert' }, t('qa.error', { reason: describeError(e) })));
      }
    }

    /** Which evaluation to show: the one asked for, my draft (claimed by me), or the standing submitted one. */
    async function loadEvaluation(d) {
      if (state.evaluationId) return api(`/api/qa/evaluations/${encodeURIComponent(state.evaluationId)}`);
      if (canWork && d.claimedBy && d.claimedBy.id === me.id && d.status === 'claimed') {
        return api(`/api/qa/samples/${encodeURIComponent(sampleId)}/evaluations`, { method: 'POST', body: {} });
      }
      const list = (d.evaluations || []).filter((e) => e.kind !== 'calibration');
      const standing = list.find((e) => e.status === 'submitted' && e.kind === 'rescore') || list.find((e) => e.status === 'submitted')
        || (d.evaluation && d.evaluation.status === 'submitted' ? d.evaluation : null);
      return standing ? api(`/api/qa/evaluations/${encodeURIComponent(standing.id)}`) : null;
    }

    function backBar() {
      return el('div', { class: 'qa-ws-back' },
        el('a', { href: '#', class: 'btn btn-small', id: 'qa-back', i18n: 'qa.back' }));
    }

    function render() {
      const d = state.detail;
      const rec = d.recording || {};
      const keepTime = state.player ? state.player.currentMs() : 0;
      if (state.player) state.player.destroy();
      state.player = null;
      const head = el('div', { class: 'qa-ws-head' },
        el('a', { href: '#', class: 'btn btn-small', id: 'qa-back', i18n: 'qa.back' }),
        el('div', { class: 'qa-ws-title' },
          el('h2', { id: 'ws-title' }, `${d.agentName || '—'} · ${d.customer || '—'}`),
          el('p', { class: 'muted' }, [d.campaignName, d.dealerName, formatDateTime(d.callStartedAt), clock(d.durationMs || rec.durationMs || 0)].filter(Boolean).join(' · '))),
        el('div', { class: 'qa-ws-tags' }, reasonChips(d), statusPill(d, me)),
        claimButtons());
      const playerPanel = el('section', { class: 'panel qa-player-panel', 'aria-labelledby': 'player-h' },
        el('div', { class: 'panel-head' }, el('h2', { id: 'player-h', i18n: 'qa.player.heading' }),
          el('span', { class: 'muted qa-kbd-hint', i18n: 'qa.player.hint' })));
      // The comment box first: the player reports its time to it from the start (a re-render seeks at once).
      const commentText = el('input', { type: 'text', id: 'qa-comment-text', maxlength: '1000', autocomplete: 'off', 'aria-labelledby': 'comments-h' });
      const commentAt = el('span', { class: 'mono qa-comment-at', id: 'qa-comment-at' }, '00:00');
      const pbody = el('div', { class: 'panel-body' });
      function setCommentAt(ms) {
        state.commentAt = Math.round(ms);
        commentAt.textContent = clock(ms);
      }
      playerPanel.append(pbody);
      if (rec.id || d.recordingId || earlyRecordingId) {
        const recordingId = rec.id || d.recordingId || earlyRecordingId;
        state.player = createPlayer({
          recordingId, durationMs: rec.durationMs || d.durationMs || 0, activity: rec.activity || null,
          peaks: recordingId === earlyRecordingId ? earlyPeaks : null, openedAt,
          onTime: (ms) => { if (document.activeElement !== commentText) setCommentAt(ms); }
        });
        openedAt = performance.now(); // a re-render is not an open
        earlyPeaks = null;
        pbody.append(state.player.root);
        if (keepTime) state.player.seek(keepTime);
      } else {
        pbody.append(el('p', { class: 'muted', i18n: 'qa.player.none' }));
      }
      pbody.append(activityFacts(rec.activity, d));

      const commentForm = el('form', { class: 'qa-comment-form', id: 'qa-comment-form', novalidate: true },
        el('label', { class: 'qa-comment-at-label', for: 'qa-comment-text' }, el('span', { i18n: 'qa.comment.at' }), ' ', commentAt),
        commentText,
        el('button', { type: 'submit', class: 'btn btn-small', id: 'qa-comment-add', i18n: 'qa.comment.add' }));
      commentForm.addEventListener('submit', (ev) => { ev.preventDefault(); addComment(commentText); });
      commentText.addEventListener('focus', () => { if (state.player) setCommentAt(state.player.currentMs()); });

      state.setCommentAt = setCommentAt;
      state.commentText = commentText;
      const commentsPanel = el('section', { class: 'panel qa-comments-panel', 'aria-labelledby': 'comments-h' },
        el('div', { class: 'panel-head' }, el('h2', { id: 'comments-h', i18n: 'qa.comment.heading' })),
        el('div', { class: 'panel-body' }, editable() ? commentForm : null, el('ol', { class: 'qa-comments', id: 'qa-comments' })));

      const surveyPanel = el('section', { class: 'panel qa-survey-panel', 'aria-labelledby': 'survey-h' },
        el('div', { class: 'panel-head' }, el('h2', { id: 'survey-h', i18n: 'qa.survey.heading' }), voidToggle()),
        el('div', { class: 'panel-body', id: 'qa-survey' }));

      const scorePanel = el('section', { class: 'panel qa-score-panel', 'aria-labelledby': 'score-h', id: 'qa-score-panel' });

      box.replaceChildren(head, el('div', { class: 'qa-ws-grid' },
        el('div', { class: 'qa-ws-main' }, playerPanel, commentsPanel, surveyPanel),
        el('div', { class: 'qa-ws-side' }, scorePanel)));
      renderComments();
      renderSurvey();
      renderScorecard();
      if (!document.activeElement || document.activeElement === document.body || !box.contains(document.activeElement)) {
        const wave = box.querySelector('.qa-wave');
        if (wave) wave.focus({ preventScroll: true });
      }
    }

    function claimButtons() {
      const d = state.detail;
      const wrap = el('div', { class: 'qa-ws-actions' });
      if (canWork && d.status === 'open') wrap.append(el('button', { type: 'button', class: 'btn btn-primary', id: 'qa-ws-claim', i18n: 'qa.claimToScore', onclick: () => claim(d) }));
      if (claimedByMe() || (me.role === 'supervisor' && d.status === 'claimed')) {
        wrap.append(el('button', { type: 'button', class: 'btn btn-ghost', id: 'qa-ws-release', i18n: 'qa.release', onclick: () => release(d) }));
      }
      if ((canWork || me.role === 'supervisor') && d.recording && d.recording.id) {
        wrap.append(el('button', { type: 'button', class: 'btn btn-ghost', id: 'qa-ws-calibrate', i18n: 'qa.cal.start', onclick: () => startCalibration(d) }));
      }
      return wrap;
    }

    function activityFacts(activity, d) {
      const facts = el('dl', { class: 'qa-facts' });
      const add = (key, value, args) => facts.append(el('div', {}, el('dt', { i18n: key }), el('dd', { i18nArgs: args }, value)));
      if (activity) {
        const pct = (leg) => (leg && leg.speechShare != null ? `${Math.round(leg.speechShare * 100)}%` : '—');
        add('qa.act.customerSpeech', pct(activity.customer));
        add('qa.act.agentSpeech', pct(activity.agent));
        const silence = Math.max((activity.customer && activity.customer.longestSilenceMs) || 0, (activity.agent && activity.agent.longestSilenceMs) || 0);
        add('qa.act.longestSilence', clock(silence));
        add('qa.act.overtalk', clock(activity.overtalkMs || 0));
      }
      if (d.call && d.call.talkMs != null) add('qa.act.talk', clock(d.call.talkMs));
      const sus = suspiciousLines(d);
      return el('div', { class: 'qa-facts-wrap' }, facts.childElementCount ? facts : null, sus);
    }

    // -------------------------------------------------------- comments

    function renderComments() {
      const list = box.querySelector('#qa-comments');
      if (!list) return;
      const comments = ((state.ev && state.ev.comments) || []).slice().sort((a, b) => a.atMs - b.atMs);
      list.replaceChildren();
      if (!comments.length) list.append(el('li', { class: 'muted qa-no-comments', i18n: editable() ? 'qa.comment.none' : 'qa.comment.noEvaluation' }));
      for (const c of comments) {
        list.append(el('li', { class: 'qa-comment' },
          el('button', { type: 'button', class: 'btn btn-small qa-comment-jump mono', 'data-at': String(c.atMs),
            onclick: () => state.player && state.player.seek(c.atMs, { play: true }) }, clock(c.atMs)),
          el('span', { class: 'qa-comment-text' }, c.text),
          c.authorName ? el('span', { class: 'muted qa-comment-by' }, c.authorName) : null));
      }
      if (state.player) state.player.setComments(comments);
    }

    async function addComment(input) {
      const value = input.value.trim();
      if (!value || !editable()) return;
      try {
        const c = await api(`/api/qa/evaluations/${encodeURIComponent(state.ev.id)}/comments`, {
          method: 'POST', body: { atMs: state.commentAt, text: value }
        });
        state.ev.comments = [...(state.ev.comments || []), c.comment || c];
        input.value = '';
        renderComments();
      } catch (e) {
        notify(t('qa.error', { reason: describeError(e) }), 'error');
      }
    }

    // -------------------------------------------------------- the survey as entered, with the findings

    function findings() {
      if (!state.ev) return { void: false, falsified: [], wrongInfo: [] };
      state.ev.findings = state.ev.findings || {};
      const f = state.ev.findings;
      f.falsified = f.falsified || [];
      f.wrongInfo = f.wrongInfo || [];
      f.void = !!f.void;
      return f;
    }

    function voidToggle() {
      const f = findings();
      const input = el('input', { type: 'checkbox', id: 'qa-void' });
      input.checked = f.void;
      input.disabled = !marksEditable();
      input.addEventListener('change', () => { findings().void = input.checked; changed(); });
      return el('label', { class: 'check qa-void', for: 'qa-void' }, input, ' ', el('span', { i18n: 'qa.finding.void' }));
    }

    function renderSurvey() {
      const host = box.querySelector('#qa-survey');
      const s = state.detail.survey;
      const qdoc = state.detail.questionnaire;
      const def = qdoc && (qdoc.definition || qdoc);
      if (!s) {
        host.replaceChildren(el('p', { class: 'muted', i18n: 'qa.survey.none' }));
        return;
      }
      const answers = s.answers || {};
      const meta = el('dl', { class: 'qa-facts qa-survey-meta' },
        el('div', {}, el('dt', { i18n: 'qa.survey.disposition' }), el('dd', {}, DISPOSITIONS.includes(s.disposition)
          ? el('span', { i18n: `qa.disp.${s.disposition}` }) : (s.disposition || '—'))),
        el('div', {}, el('dt', { i18n: 'qa.survey.rawScore' }), el('dd', {}, s.rawScore != null ? Number(s.rawScore).toFixed(2) : '—')),
        el('div', {}, el('dt', { i18n: 'qa.survey.submitted' }), el('dd', {}, formatDateTime(s.submittedAt))),
        s.needsReview ? el('div', {}, el('dt', { i18n: 'qa.survey.flags' }), el('dd', {}, el('span', { class: 'qa-chip qa-chip-needs_review', i18n: 'qa.reason.needs_review' }))) : null,
        s.void ? el('div', {}, el('dt', { i18n: 'qa.survey.flags' }), el('dd', {}, el('span', { class: 'qa-chip qa-chip-void', i18n: 'qa.survey.void' }))) : null);
      const out = [el('p', { class: 'qa-survey-title' }, def ? text(def.title) : (s.questionnaireKey || '')), meta];
      if (s.note) out.push(el('div', { class: 'qa-survey-note' }, el('strong', { i18n: 'qa.survey.note' }), ' ', s.note));
      let n = 0;
      for (const section of (def && def.sections) || []) {
        const items = [];
        for (const item of section.items || []) {
          n += 1;
          if (!visible(item, answers) && answers[item.id] === undefined) continue;
          items.push(surveyItem(item, n, answers[item.id]));
        }
        if (items.length) out.push(el('section', { class: 'qa-survey-section' }, el('h3', {}, text(section.title)), items));
      }
      host.replaceChildren(...out);
    }

    function visible(item, answers) {
      const rule = item.showIf;
      if (!rule) return true;
      const a = answers[rule.item];
      if (a === undefined || a === null) return false;
      if (Array.isArray(rule.in)) return rule.in.some((v) => v === a);
      return rule.equals === a;
    }

    function answerText(item, a) {
      if (a === undefined || a === null || a === '') return el('span', { class: 'muted', i18n: 'qa.survey.unanswered' });
      if (a === 'not_surveyed') return el('span', { class: 'qa-answer-ns', i18n: 'qa.survey.notSurveyed' });
      if (item.type === 'yesno') return el('span', { i18n: a ? 'qa.survey.yes' : 'qa.survey.no' });
      if (item.type === 'loyalty' && LOYALTY.includes(a)) return el('span', { i18n: `qa.loyalty.${a}` });
      if (item.type === 'choice') {
        const o = (item.options || []).find((x) => x.id === a);
        return el('span', {}, o ? text(o.label) : String(a));
      }
      if (item.type === 'scale10') return el('span', { class: `qa-answer-num${Number(a) < 7 ? ' qa-low' : ''}` }, String(a));
      return el('span', { class: 'qa-answer-text' }, String(a));
    }

    function surveyItem(item, n, a) {
      const f = findings();
      const mark = (kind, key) => {
        const list = kind === 'wrongInfo' ? f.wrongInfo : f.falsified;
        const on = list.includes(item.id);
        const b = el('button', {
          type: 'button', class: `qa-mark qa-mark-${kind}`, 'aria-pressed': String(on), disabled: !marksEditable(),
          'data-item': item.id, i18n: key
        });
        b.addEventListener('click', () => {
          const cur = kind === 'wrongInfo' ? findings().wrongInfo : findings().falsified;
          const i = cur.indexOf(item.id);
          if (i >= 0) cur.splice(i, 1);
          else cur.push(item.id);
          b.setAttribute('aria-pressed', String(i < 0));
          row.classList.toggle(`qa-marked-${kind}`, i < 0);
          changed();
        });
        return b;
      };
      const row = el('div', { class: 'qa-survey-item', 'data-item': item.id },
        el('div', { class: 'qa-survey-q' }, el('span', { class: 'item-no' }, `${n}.`), el('span', {}, text(item.label))),
        el('div', { class: 'qa-survey-a' }, answerText(item, a)),
        el('div', { class: 'qa-survey-marks' }, mark('wrongInfo', 'qa.finding.wrongInfo'), mark('falsified', 'qa.finding.falsified')));
      row.classList.toggle('qa-marked-wrongInfo', f.wrongInfo.includes(item.id));
      row.classList.toggle('qa-marked-falsified', f.falsified.includes(item.id));
      return row;
    }

    // -------------------------------------------------------- the scorecard

    function renderScorecard() {
      const panel = box.querySelector('#qa-score-panel');
      const ev = state.ev;
      const headRight = el('div', { class: 'qa-live', id: 'qa-live', 'aria-live': 'polite' });
      const headEl = el('div', { class: 'panel-head' }, el('h2', { id: 'score-h', i18n: 'qa.score.heading' }), headRight);
      if (!ev) {
        const d = state.detail;
        const why = !canWork ? 'qa.score.readOnlyNone' : (d.status === 'open' ? 'qa.score.claimFirst' : 'qa.score.claimedByOther');
        panel.replaceChildren(headEl, el('div', { class: 'panel-body' }, el('p', { class: 'muted', id: 'qa-score-why', i18n: why }),
          canWork && d.status === 'open' ? el('button', { type: 'button', class: 'btn btn-primary', i18n: 'qa.claimToScore', onclick: () => claim(d) }) : null));
        return;
      }
      const form = ev.scorecard || { sections: [] };
      ev.items = ev.items || {};
      const body = el('div', { class: 'panel-body qa-scorecard', id: 'qa-scorecard' });
      const kind = el('p', { class: 'muted qa-ev-meta' },
        `${text(form.name)} · `, el('span', { i18n: `qa.kind.${ev.kind || 'standard'}` }), ` · ${ev.evaluatorName || ''} · `,
        el('span', { i18n: `qa.evStatus.${ev.status}` }), ev.submittedAt ? ` · ${formatDateTime(ev.submittedAt)}` : '');
      body.append(kind);
      if (ev.dispute) body.append(el('div', { class: 'form-message info qa-dispute-note' }, t('qa.disputeNote', { reason: ev.dispute.reason || '' })));
      for (const section of form.sections || []) {
        const sec = el('fieldset', { class: 'qa-sc-section' },
          el('legend', {}, text(section.title), ' ', el('span', { class: 'muted qa-weight', i18n: 'qa.score.weight', i18nArgs: { w: section.weight } })));
        for (const item of section.items || []) sec.append(scoreItem(item));
        body.append(sec);
      }
      const summary = el('textarea', { id: 'qa-summary', rows: '3', maxlength: '4000', disabled: !editable() });
      summary.value = ev.summary || '';
      summary.addEventListener('input', () => { ev.summary = summary.value; changed(); });
      body.append(el('div', { class: 'field' }, el('label', { for: 'qa-summary', i18n: 'qa.score.summary' }), summary));
      const msg = el('div', { class: 'form-message', id: 'qa-submit-message', role: 'alert' });
      body.append(msg);
      if (editable()) {
        body.append(el('div', { class: 'form-actions' },
          el('button', { type: 'button', class: 'btn btn-primary', id: 'qa-submit', i18n: 'qa.score.submit', onclick: () => submit(msg) }),
          el('span', { class: 'save-status', id: 'qa-save-status' })));
      }
      panel.replaceChildren(headEl, body);
      renderLive();
    }

    function scoreItem(item) {
      const ev = state.ev;
      const cur = ev.items[item.id] && ev.items[item.id].result;
      const group = el('div', { class: `qa-sc-item${item.fatal ? ' qa-fatal' : ''}`, role: 'radiogroup', tabindex: editable() ? '0' : '-1',
        'data-item': item.id, 'aria-labelledby': `sc-${item.id}-l` },
      el('div', { class: 'qa-sc-label' },
        el('span', { id: `sc-${item.id}-l` }, text(item.text)),
        el('span', { class: 'muted qa-points', i18n: 'qa.score.points', i18nArgs: { n: item.points } }),
        item.fatal ? el('span', { class: 'qa-fatal-badge', i18n: 'qa.score.fatal' }) : null));
      const opts = el('div', { class: 'qa-sc-opts' });
      const results = ['pass', 'fail', 'na'];
      for (const r of results) {
        if (r === 'na' && item.na === false) continue;
        const b = el('button', { type: 'button', role: 'radio', class: `qa-sc-opt qa-sc-${r}`, 'aria-checked': String(cur === r),
          'data-result': r, disabled: !editable(), tabindex: '-1', i18n: `qa.result.${r}` });
        b.addEventListener('click', () => setResult(item, r, group));
        opts.append(b);
      }
      group.append(opts);
      group.addEventListener('keydown', (ev2) => {
        if (!editable()) return;
        const r = { 1: 'pass', 2: 'fail', 3: 'na', p: 'pass', f: 'fail' }[ev2.key];
        if (r && !(r === 'na' && item.na === false)) {
          ev2.preventDefault();
          ev2.stopPropagation();
          setResult(item, r, group);
          const next = group.nextElementSibling && group.nextElementSibling.classList.contains('qa-sc-item')
            ? group.nextElementSibling : nextSectionItem(group);
          if (next) next.focus();
        }
      });
      return group;
    }

    function nextSectionItem(group) {
      const all = Array.from(box.querySelectorAll('.qa-sc-item'));
      return all[all.indexOf(group) + 1] || null;
    }

    function setResult(item, r, group) {
      if (!editable()) return;
      const prev = state.ev.items[item.id] || {};
      state.ev.items[item.id] = { ...prev, result: r };
      for (const b of group.querySelectorAll('.qa-sc-opt')) b.setAttribute('aria-checked', String(b.dataset.result === r));
      renderLive();
      changed();
    }

    function renderLive() {
      const live = box.querySelector('#qa-live');
      if (!live || !state.ev) return;
      const form = state.ev.scorecard || {};
      const draft = state.ev.status === 'draft';
      const s = draft ? scoreOf(form, state.ev.items) : { score: state.ev.score, passed: state.ev.passed, fatalFailed: state.ev.fatalFailed };
      const calc = scoreOf(form, state.ev.items);
      live.replaceChildren(
        el('span', { class: 'qa-live-score', id: 'qa-live-score' }, formatScore(s.score)),
        el('span', { class: `pill ${s.score === null ? 'pill-neutral' : (s.passed ? 'pill-UP' : 'pill-DOWN')}`, id: 'qa-live-result',
          i18n: s.score === null ? 'qa.score.notYet' : (s.fatalFailed ? 'qa.score.fatalFailed' : (s.passed ? 'qa.score.passed' : 'qa.score.failed')) }),
        el('span', { class: 'muted qa-rated', i18n: 'qa.score.rated', i18nArgs: { n: calc.rated, total: calc.total, pass: form.passScore ?? '—' } }));
    }

    // -------------------------------------------------------- save and submit

    function changed() {
      state.dirty = true;
      clearTimeout(state.saveTimer);
      state.saveTimer = setTimeout(() => save(), SAVE_DELAY_MS);
      const st = box.querySelector('#qa-save-status');
      if (st) { st.dataset.state = 'pending'; st.textContent = ''; }
    }

    async function save() {
      clearTimeout(state.saveTimer);
      if (!state.dirty || !editable()) return state.saving;
      if (state.saving) await state.saving;
      state.dirty = false;
      const ev = state.ev;
      const st = box.querySelector('#qa-save-status');
      state.saving = api(`/api/qa/evaluations/${encodeURIComponent(ev.id)}`, {
        method: 'PUT', body: { items: ev.items, findings: findings(), summary: ev.summary || '' }
      }).then(() => {
        if (st) { st.dataset.state = 'saved'; setText(st, 'qa.saved'); }
      }).catch((e) => {
        state.dirty = true;
        if (st) { st.dataset.state = 'error'; st.textContent = t('qa.error', { reason: describeError(e) }); }
        throw e;
      }).finally(() => { state.saving = null; });
      return state.saving;
    }

    async function submit(msg) {
      const form = state.ev.scorecard || {};
      const calc = scoreOf(form, state.ev.items);
      if (calc.rated < calc.total) {
        msg.className = 'form-message error';
        setText(msg, 'qa.score.incomplete', { n: calc.total - calc.rated });
        const first = Array.from(box.querySelectorAll('.qa-sc-item')).find((g) => !state.ev.items[g.dataset.item] || !state.ev.items[g.dataset.item].result);
        if (first) { first.focus(); first.scrollIntoView({ block: 'center' }); }
        return;
      }
      const btn = box.querySelector('#qa-submit');
      btn.disabled = true;
      try {
        state.dirty = true;
        await save();
        const ev = await api(`/api/qa/evaluations/${encodeURIComponent(state.ev.id)}/submit`, { method: 'POST' });
        state.ev = ev;
        notify(t('qa.submittedScore', { score: formatScore(ev.score) }), 'success');
        await reloadKeepingEvaluation(ev.id);
      } catch (e) {
        btn.disabled = false;
        msg.className = 'form-message error';
        msg.textContent = t('qa.error', { reason: describeError(e) });
      }
    }

    async function reloadKeepingEvaluation(id) {
      state.evaluationId = id;
      await reload();
    }

    return {
      sampleId,
      get evaluationId() { return evaluationId; },
      get player() { return state.player; },
      reload,
      /** After a language switch: the survey's and the scorecard's own texts again; the player plays on. */
      relabel() {
        if (!state.detail || !box.querySelector('#qa-survey')) return;
        renderSurvey();
        renderScorecard();
        renderComments();
      },
      focusComment() { if (state.commentText && editable()) state.commentText.focus(); },
      toggleClaim() {
        const d = state.detail;
        if (!d || !canWork) return;
        if (d.status === 'open') claim(d);
        else if (claimedByMe()) release(d);
      },
      destroy() {
        destroyed = true;
        if (state.dirty && editable()) save().catch(() => {});
        clearTimeout(state.saveTimer);
        if (state.player) state.player.destroy();
      }
    };
  }

  // ------------------------------------------------------------ calibration (start one from a sample)

  async function startCalibration(d) {
    // The QA users who scored this month (the month's summary), and me.
    let users = [];
    try {
      const s = await api(`/api/qa/months/${encodeURIComponent(month.value)}/summary`);
      users = (s.qaUsers || s.evaluators || []).map((u) => ({ id: u.userId ?? u.id, name: u.name || u.userName }));
    } catch { users = []; }
    if (!users.some((u) => u.id === me.id)) users.unshift({ id: me.id, name: me.displayName || me.username });
    const m = modalDialog({ id: 'qa-cal-dialog', titleKey: 'qa.cal.start' });
    const msg = el('div', { class: 'form-message', role: 'alert' });
    const checks = el('div', { class: 'checks' }, users.map((u) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', value: String(u.id), name: 'cal-user' }), ' ', u.name || u.displayName || u.username)));
    const expert = el('select', { id: 'qa-cal-expert' }, el('option', { value: '', i18n: 'qa.cal.noExpert' }),
      users.map((u) => el('option', { value: String(u.id) }, u.name || u.displayName || u.username)));
    m.body.append(el('p', { class: 'modal-intro muted', i18n: 'qa.cal.intro' }),
      users.length ? el('fieldset', { class: 'field' }, el('legend', { i18n: 'qa.cal.members' }), checks) : el('p', { class: 'muted', i18n: 'qa.cal.noUsers' }),
      el('div', { class: 'field' }, el('label', { for: 'qa-cal-expert', i18n: 'qa.cal.expert' }), expert), msg);
    m.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => m.close() }),
      el('button', { type: 'submit', class: 'btn btn-primary', i18n: 'qa.cal.create' }));
    m.form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const userIds = Array.from(checks.querySelectorAll('input:checked')).map((i) => Number(i.value));
      try {
        await api('/api/qa/calibrations', { method: 'POST', body: { sampleId: d.id, userIds, expertId: expert.value ? Number(expert.value) : undefined } });
        m.close();
        notify(t('qa.cal.created'), 'success');
      } catch (e) {
        msg.className = 'form-message error';
        msg.textContent = t('qa.error', { reason: describeError(e) });
      }
    });
    m.open(checks.querySelector('input') || expert);
  }

  // ------------------------------------------------------------ disputes

  async function loadDisputes() {
    const box = $('disputes-message');
    try {
      const r = await api('/api/qa/disputes');
      clearMessage(box);
      renderDisputes(r.disputes || []);
    } catch (e) {
      showError(box, e);
    }
  }

  function renderDisputes(list) {
    const body = $('disputes-body');
    body.replaceChildren();
    const open = list.filter((d) => d.status === 'open' && d.assignee && d.assignee.id === me.id).length;
    $('disputes-count').hidden = !open;
    $('disputes-count').textContent = String(open);
    if (!list.length) body.append(el('tr', {}, el('td', { colspan: '7', class: 'muted', i18n: 'qa.disputes.none' })));
    for (const d of list) {
      const mine = d.assignee && d.assignee.id === me.id;
      const actions = el('div', { class: 'row-actions' });
      if (canWork && mine && d.status === 'open') {
        actions.append(el('button', { type: 'button', class: 'btn btn-small btn-primary qa-rescore', i18n: 'qa.disputes.rescore', onclick: () => rescore(d) }));
      }
      if (d.sampleId) actions.append(el('a', { class: 'btn btn-small', href: `#sample=${encodeURIComponent(d.sampleId)}${d.evaluationId ? `&evaluation=${encodeURIComponent(d.evaluationId)}` : ''}`, i18n: 'qa.open' }));
      body.append(el('tr', { class: mine ? 'qa-mine-row' : null, 'data-id': String(d.id) },
        el('td', { class: 'nowrap mono' }, formatDateTime(d.createdAt || d.raisedAt)),
        el('td', {}, d.agentName || '—'),
        el('td', { class: 'nowrap' }, d.score != null ? formatScore(d.score) : '—', d.evaluatorName ? el('div', { class: 'muted qa-sub' }, d.evaluatorName) : null),
        el('td', { class: 'qa-reason-cell' }, d.reason || ''),
        el('td', {}, (d.assignee && d.assignee.name) || d.assigneeName || '—'),
        el('td', {}, el('span', { class: `pill qa-status qa-dispute-${d.status}`, i18n: `qa.dispute.${['open', 'resolved'].includes(d.status) ? d.status : 'other'}` }),
          d.rescoreScore != null ? el('span', { class: 'muted qa-rescore-score' }, ` → ${formatScore(d.rescoreScore)}`) : null),
        el('td', {}, actions)));
    }
  }

  async function rescore(d) {
    try {
      const ev = await api(`/api/qa/disputes/${encodeURIComponent(d.id)}/rescore`, { method: 'POST' });
      pendingOpenAt = performance.now();
      location.hash = `sample=${encodeURIComponent(ev.sampleId)}&evaluation=${encodeURIComponent(ev.id)}`;
    } catch (e) {
      notify(t('qa.error', { reason: describeError(e) }), 'error');
    }
  }

  // ------------------------------------------------------------ calibrations

  async function loadCalibrations() {
    const box = $('cal-message');
    try {
      const r = await api('/api/qa/calibrations');
      clearMessage(box);
      renderCalibrations(r.calibrations || []);
    } catch (e) {
      showError(box, e);
    }
  }

  function renderCalibrations(list) {
    const body = $('cal-body');
    body.replaceChildren();
    $('cal-detail').replaceChildren();
    if (!list.length) body.append(el('tr', {}, el('td', { colspan: '6', class: 'muted', i18n: 'qa.cal.none' })));
    for (const c of list) {
      const actions = el('div', { class: 'row-actions' },
        el('button', { type: 'button', class: 'btn btn-small qa-cal-view', i18n: c.waitingForMe ? 'qa.cal.score' : 'qa.cal.view', onclick: () => showCalibration(c.id) }));
      body.append(el('tr', { class: c.waitingForMe ? 'qa-mine-row' : null, 'data-id': String(c.id) },
        el('td', { class: 'nowrap mono' }, formatDateTime(c.createdAt)),
        el('td', {}, c.agentName || `#${c.sampleId}`),
        el('td', { class: 'mono' }, `${c.submitted ?? 0} / ${c.members ?? 0}`),
        el('td', {}, c.expertName || '—'),
        el('td', {}, el('span', { class: `pill ${c.submitted >= c.members ? 'pill-UP' : 'pill-neutral'}`, i18n: c.submitted >= c.members ? 'qa.cal.complete' : 'qa.cal.open' })),
        el('td', {}, actions)));
    }
  }

  /** A calibration: the members and their state; the spread once it is not blind to me. */
  async function showCalibration(id) {
    const host = $('cal-detail');
    try {
      const r = await api(`/api/qa/calibrations/${encodeURIComponent(id)}`);
      const c = r.calibration || r;
      const spread = c.spread;
      const parts = [];
      const members = el('ul', { class: 'plain-list qa-cal-members' }, (c.members || []).map((m) => el('li', {},
        m.name || `#${m.userId}`, m.expert ? el('span', { class: 'qa-chip', i18n: 'qa.cal.expertBadge' }) : null, ' ',
        el('span', { class: 'muted', i18n: `qa.evStatus.${['draft', 'submitted', 'superseded'].includes(m.status) ? m.status : 'draft'}` }),
        m.score != null ? el('strong', {}, ` ${formatScore(m.score)}`) : null)));
      parts.push(el('h3', { class: 'sub-h', i18n: 'qa.cal.members' }), members);
      if (c.myEvaluationId && c.sampleId) {
        parts.push(el('p', {}, el('a', { class: 'btn btn-primary btn-small', id: 'qa-cal-mine', href: `#sample=${encodeURIComponent(c.sampleId)}&evaluation=${encodeURIComponent(c.myEvaluationId)}`, i18n: 'qa.cal.myScore' })));
      }
      if (!spread) {
        parts.push(el('p', { class: 'muted', i18n: 'qa.cal.hidden' }));
      } else {
        const rows = (spread.items || []).map((it) => el('tr', {},
          el('td', {}, text(it.text) || it.itemId),
          el('td', { class: 'mono' }, `${it.pass ?? 0} / ${it.fail ?? 0} / ${it.na ?? 0}`),
          el('td', { class: 'mono' }, fmt(it.min)), el('td', { class: 'mono' }, fmt(it.max)), el('td', { class: 'mono' }, fmt(it.stdev))));
        parts.push(el('h3', { class: 'sub-h', i18n: 'qa.cal.spread' }), el('div', { class: 'table-wrap' }, el('table', { class: 'qa-cal-spread' },
          el('thead', {}, el('tr', {}, el('th', { i18n: 'qa.cal.item' }), el('th', { i18n: 'qa.cal.pfn' }), el('th', {}, 'min'), el('th', {}, 'max'), el('th', { i18n: 'qa.cal.stdev' }))),
          el('tbody', {}, rows))));
        const against = spread.againstExpert || [];
        if (against.length) {
          parts.push(el('h3', { class: 'sub-h', i18n: 'qa.cal.vsExpert' }), el('div', { class: 'table-wrap' }, el('table', {},
            el('thead', {}, el('tr', {}, el('th', { i18n: 'qa.month.qaUser' }), el('th', { i18n: 'qa.col.score' }), el('th', { i18n: 'qa.cal.diff' }), el('th', { i18n: 'qa.cal.agreement' }))),
            el('tbody', {}, against.map((a) => el('tr', {}, el('td', {}, a.name || `#${a.userId}`), el('td', { class: 'mono' }, formatScore(a.score)),
              el('td', { class: 'mono' }, fmt(a.scoreDiff)), el('td', { class: 'mono' }, a.agreement != null ? `${Math.round(a.agreement * 100)}%` : '—')))))));
        }
      }
      host.replaceChildren(el('div', { class: 'panel-body qa-cal-detail' }, ...parts));
    } catch (e) {
      host.replaceChildren(el('div', { class: 'form-message error' }, t('qa.error', { reason: describeError(e) })));
    }
  }

  const fmt = (v) => (v === null || v === undefined ? '—' : (typeof v === 'number' ? (Math.round(v * 100) / 100).toString() : String(v)));

  // ------------------------------------------------------------ the month

  async function loadMonth() {
    const box = $('month-message');
    const host = $('month-body');
    try {
      const m = month.value;
      const [summary, draw] = await Promise.all([
        api(`/api/qa/months/${encodeURIComponent(m)}/summary`),
        api(`/api/qa/months/${encodeURIComponent(m)}/draw`).catch(() => null)
      ]);
      clearMessage(box);
      host.replaceChildren(...renderMonth(m, summary, draw));
    } catch (e) {
      showError(box, e);
      host.replaceChildren();
    }
  }

  function renderMonth(m, s, draw) {
    const short = new Map();
    for (const a of (draw && (draw.short || draw.shortOfQuota)) || []) short.set(a.agentId, a);
    // An agent with too few eligible calls may have no sample at all: listed all the same, with why.
    const agents = [...(s.agents || [])];
    for (const [agentId, a] of short) {
      if (!agents.some((x) => x.agentId === agentId)) agents.push({ agentId, agentName: a.agentName, drawn: 0, done: 0, passed: 0, meanScore: null });
    }
    const agentRows = agents.map((a) => {
      const why = a.shortOfQuota > 0 ? { missing: a.shortOfQuota, quota: a.quota, ...(short.get(a.agentId) || {}) } : short.get(a.agentId);
      return el('tr', { class: why ? 'qa-short-row' : null },
        el('td', { class: 'name-cell' }, a.agentName || `#${a.agentId}`),
        el('td', { class: 'mono' }, fmt(a.drawn)), el('td', { class: 'mono' }, fmt(a.done)), el('td', { class: 'mono' }, fmt(a.passed)),
        el('td', { class: 'mono' }, a.meanScore != null ? formatScore(a.meanScore) : '—'),
        el('td', {}, why ? shortText(why) : ''));
    });
    const qaRows = (s.qaUsers || s.evaluators || []).map((u) => el('tr', {},
      el('td', {}, u.name || u.userName || `#${u.userId}`), el('td', { class: 'mono' }, fmt(u.done ?? u.evaluations)),
      el('td', { class: 'mono' }, (u.meanScoreGiven ?? u.meanScore) != null ? formatScore(u.meanScoreGiven ?? u.meanScore) : '—')));
    const voids = s.voids || [];
    const xlsx = `/api/qa/months/${encodeURIComponent(m)}/summary.xlsx`;
    return [
      el('section', { class: 'panel', 'aria-labelledby': 'month-agents-h' },
        el('div', { class: 'panel-head' }, el('h2', { id: 'month-agents-h', i18n: 'qa.month.agents', i18nArgs: { month: m } }),
          el('a', { class: 'btn btn-small', id: 'qa-xlsx', href: xlsx, download: `qa-${m}.xlsx`, i18n: 'qa.month.xlsx' })),
        el('div', { class: 'table-wrap' }, el('table', { id: 'qa-month-agents' }, el('thead', {}, el('tr', {},
          el('th', { i18n: 'qa.col.agent' }), el('th', { i18n: 'qa.month.drawn' }), el('th', { i18n: 'qa.month.done' }),
          el('th', { i18n: 'qa.month.passed' }), el('th', { i18n: 'qa.month.mean' }), el('th', { i18n: 'qa.month.short' }))),
        el('tbody', {}, agentRows.length ? agentRows : el('tr', {}, el('td', { colspan: '6', class: 'muted', i18n: 'qa.month.none' })))))),
      el('div', { class: 'qa-month-grid' },
        el('section', { class: 'panel', 'aria-labelledby': 'month-qa-h' },
          el('div', { class: 'panel-head' }, el('h2', { id: 'month-qa-h', i18n: 'qa.month.qaUsers' })),
          el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {},
            el('th', { i18n: 'qa.month.qaUser' }), el('th', { i18n: 'qa.month.evaluations' }), el('th', { i18n: 'qa.month.mean' }))),
          el('tbody', {}, qaRows.length ? qaRows : el('tr', {}, el('td', { colspan: '3', class: 'muted', i18n: 'qa.month.none' })))))),
        el('section', { class: 'panel', 'aria-labelledby': 'month-voids-h' },
          el('div', { class: 'panel-head' }, el('h2', { id: 'month-voids-h', i18n: 'qa.month.voids', i18nArgs: { n: voids.length } })),
          voids.length ? el('ul', { class: 'plain-list qa-voids' }, voids.map((v) => el('li', {},
            el('span', { class: 'mono' }, formatDateTime(v.submittedAt || v.callStartedAt || v.at)), ' ',
            v.agentName || '', ' ', el('span', { class: 'muted' }, v.campaignName || v.attemptId || ''),
            v.notSurveyed != null ? el('span', { class: 'muted', i18n: 'qa.month.voidNs', i18nArgs: { n: v.notSurveyed } }) : null,
            v.source ? el('span', { class: 'muted', i18n: v.source === 'qa' ? 'qa.month.voidByQa' : 'qa.month.voidAuto' }) : null)))
            : el('p', { class: 'panel-body muted', i18n: 'qa.month.noVoids' })))
    ];
  }

  function shortText(why) {
    if (typeof why === 'string') return why;
    const parts = [];
    if (why.missing != null) parts.push(t('qa.month.missing', { n: why.missing, quota: why.quota ?? '—' }));
    if (why.eligible != null) parts.push(t('qa.month.eligible', { n: why.eligible, quota: why.quota ?? '—' }));
    // why: {code, zh, en, …} from the draw (or a plain text)
    if (why.why) parts.push(typeof why.why === 'object' ? text(why.why) : why.why);
    return parts.join(' · ') || t('qa.month.shortYes');
  }

  onLangChange(() => {
    if (ws) ws.relabel();
    else setTab(tab);
  });

  route();
  applyI18n(document);
}
