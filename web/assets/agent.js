// Agent desk: the agent's line and state (ready, paused with a reason, on call, wrap-up), and the survey screen
// pushed over /ws at the moment a customer is bridged: customer, history, questionnaire. Answers autosave as the
// agent works (kept in localStorage until the server has them), so a reload or a dropped socket loses nothing;
// the disposition ends the call's survey and the wrap-up.
import { addStrings, setText, t, getLang, formatTime, formatDateTime, onLangChange } from './i18n.js';
import { boot, api, ApiError, describeError, connectWs, connectionIndicator, el, notify } from './shell.js';
import { setUpMyQa } from './qa-mine.js';
import { setUpDeskCase } from './desk-case.js';
import strings from './i18n/agent.js';

addStrings(strings);

/** Agent states (GET /api/agent/desk, agent.state pushes) and their i18n keys. */
const STATE_KEYS = {
  logged_out: 'agent.state.none',
  none: 'agent.state.none',
  opening: 'agent.state.opening',
  paused: 'agent.state.paused',
  ready: 'agent.state.ready',
  reserved: 'agent.state.reserved',
  on_call: 'agent.state.onCall',
  wrap_up: 'agent.state.wrapUp',
  down: 'agent.state.down'
};
const LOYALTY = ['surely', 'probably', 'unsure', 'probably_not', 'surely_not'];
const SAVE_DELAY_MS = 300;
const RETRY_MS = 2000;
const draftKey = (attemptId) => `hf.desk.${attemptId}`;

function errorKey(e) {
  if (!(e instanceof ApiError)) return null;
  if (e.status === 400 && e.field === 'softphone') return 'agent.error.softphone';
  if (e.code === 'line_failed') return 'agent.error.lineFailed';
  if (e.code === 'pbx_unavailable') return 'agent.error.pbx';
  if (e.code === 'no_line' || e.status === 404) return 'agent.error.noLine';
  // The database is away (it comes back by itself): the answers stay in this browser until a submit goes through.
  if (e.status === 503 && e.code === 'unavailable') return 'agent.error.database';
  return null;
}

const user = await boot();
if (user) {
  if (user.role === 'agent') {
    setUpDesk();
    const myQa = document.getElementById('qa-mine');
    myQa.hidden = false;
    setUpMyQa(myQa);
  }
  else {
    const message = document.getElementById('line-message');
    message.className = 'form-message info';
    setText(message, 'agent.line.agentsOnly');
    document.getElementById('waiting-line-hint').hidden = true;
    setUpConnection(() => {});
  }
}

function setUpConnection(onPush) {
  const indicator = connectionIndicator();
  const statusEl = document.getElementById('conn-status');
  const sinceEl = document.getElementById('conn-since');
  const lastEl = document.getElementById('conn-last');
  let since = null;
  let last = null;
  const renderTimes = () => {
    sinceEl.textContent = since ? formatTime(since) : '—';
    lastEl.textContent = last ? `${formatTime(last.at)} · ${last.type}` : '—';
  };
  onLangChange(renderTimes);
  connectWs({
    onStatus(s) {
      indicator.update(s);
      if (s.state === 'connected') {
        setText(statusEl, 'ws.connected');
        since = s.since;
      } else {
        if (s.state === 'reconnecting' && s.retryInSeconds) setText(statusEl, 'ws.reconnecting', { seconds: s.retryInSeconds });
        else setText(statusEl, s.state === 'reconnecting' ? 'ws.reconnectingNow' : 'ws.connecting');
        since = null;
      }
      renderTimes();
    },
    onMessage(msg) {
      last = { at: new Date(), type: String(msg.type || '?') };
      renderTimes();
      onPush(msg);
    }
  });
}

function setUpDesk() {
  const $ = (id) => document.getElementById(id);
  const badge = $('agent-state');
  const detail = $('state-detail');
  const stateTimer = $('state-timer');
  const message = $('line-message');
  const buttons = {
    open: $('line-open'), ready: $('line-ready'), pause: $('line-pause'), hangup: $('call-hangup'), close: $('line-close')
  };
  const pauseReason = $('pause-reason');
  const surveyEl = $('survey');
  const saveStatus = $('save-status');
  const submitBtn = $('survey-submit');
  const submitMsg = $('submit-message');

  let agent = { state: 'logged_out' };
  let busy = false;
  /** The call on screen: the pushed frame, plus what the page learned since. */
  let call = null;
  setUpDeskCase(() => call);
  let answers = {};
  let pending = {};
  let saving = false;
  let saveTimer = null;
  let disposition = null;
  let tick = null;

  // ------------------------------------------------------------ agent state

  function renderState() {
    const state = STATE_KEYS[agent.state] && agent.state !== 'logged_out' ? agent.state : 'none';
    badge.dataset.state = state;
    setText(badge, STATE_KEYS[state]);
    $('line-channel').textContent = agent.channel || '—';
    $('waiting-line-hint').hidden = ['ready', 'reserved', 'on_call', 'wrap_up'].includes(state);
    if (state === 'paused' && agent.pauseReason) setText(detail, 'agent.pausedFor', { reason: t(`agent.pause.${agent.pauseReason}`) });
    else if (['on_call', 'reserved', 'wrap_up'].includes(state) && agent.wantsReady === false) setText(detail, 'agent.pauseAfterCall');
    else { detail.textContent = ''; delete detail.dataset.i18n; }
    const lineOpen = !['none', 'logged_out', 'down', 'opening'].includes(state);
    const submitted = call && call.submitted;
    const enabled = {
      open: !busy && ['none', 'logged_out', 'down'].includes(state),
      ready: !busy && (state === 'paused' || (state === 'wrap_up' && (!call || submitted))
        || (['on_call', 'reserved'].includes(state) && agent.wantsReady === false)),
      pause: !busy && lineOpen && !(state === 'paused') && agent.wantsReady !== false,
      hangup: !busy && !!call && call.callUp && state === 'on_call',
      close: !busy && lineOpen && !['on_call', 'reserved', 'wrap_up'].includes(state)
    };
    for (const [name, b] of Object.entries(buttons)) b.disabled = !enabled[name];
    pauseReason.disabled = !enabled.pause;
    renderTimer();
  }

  function renderTimer() {
    const since = agent.state === 'wrap_up' && call && call.wrapUpEndsAt ? null : agent.since;
    if (agent.state === 'wrap_up' && call && call.wrapUpEndsAt) {
      const left = Math.ceil((Date.parse(call.wrapUpEndsAt) - Date.now()) / 1000);
      stateTimer.hidden = false;
      stateTimer.dataset.overdue = left < 0 && !call.submitted ? 'true' : 'false';
      stateTimer.textContent = left >= 0 ? t('agent.wrapUpLeft', { seconds: left }) : t('agent.wrapUpOverdue');
    } else if (since && ['on_call', 'paused', 'ready', 'wrap_up'].includes(agent.state)) {
      stateTimer.hidden = false;
      stateTimer.dataset.overdue = 'false';
      stateTimer.textContent = clock(Date.now() - Date.parse(since));
    } else {
      stateTimer.hidden = true;
    }
    if (call && call.connectedAt) {
      const end = call.endedAt ? Date.parse(call.endedAt) : Date.now();
      $('t-talk').textContent = clock(end - call.connectedAt);
    }
  }

  function clock(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(s / 3600);
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  function showError(box, e) {
    const key = errorKey(e);
    if (key) setText(box, key);
    else setText(box, 'agent.error.generic', { reason: describeError(e) });
    box.className = 'form-message error';
  }

  function clearMessage(box) {
    box.className = 'form-message';
    delete box.dataset.i18n;
    delete box.dataset.i18nArgs;
    box.textContent = '';
  }

  async function act(fn) {
    if (busy) return;
    busy = true;
    clearMessage(message);
    renderState();
    try {
      await fn();
    } catch (e) {
      showError(message, e);
    } finally {
      busy = false;
      await refresh();
    }
  }

  buttons.open.addEventListener('click', () => act(async () => {
    agent = { state: 'opening' };
    renderState();
    await api('/api/agent/line', { method: 'POST' });
  }));
  buttons.ready.addEventListener('click', () => act(() => api('/api/agent/state', { method: 'PUT', body: { ready: true } })));
  buttons.pause.addEventListener('click', () => act(() => api('/api/agent/state', {
    method: 'PUT', body: { ready: false, reason: pauseReason.value }
  })));
  buttons.hangup.addEventListener('click', () => act(() => api('/api/agent/call/hangup', { method: 'POST' })));
  buttons.close.addEventListener('click', () => act(() => api('/api/agent/line', { method: 'DELETE' })));

  // ------------------------------------------------------------ the screen

  const lang = () => (getLang() === 'en' ? 'en' : 'zh');
  const text = (o) => (o ? (o[lang()] || o.zh || o.en || '') : '');

  function fillScript(s) {
    if (!call || !s) return s;
    const c = call.customer || {};
    const values = {
      客户姓名: c.name, customer: c.name, 经销商: c.dealer && c.dealer.name, dealer: c.dealer && c.dealer.name,
      品牌: c.dealer && c.dealer.name, brand: c.dealer && c.dealer.name, 工号: user.displayName, agent: user.displayName,
      车型: c.vehicleModel, model: c.vehicleModel
    };
    return s.replace(/\{([^{}]+)\}/g, (m, k) => (values[k] ? values[k] : m));
  }

  function showCall(frame) {
    const same = call && call.attemptId === frame.attemptId;
    const prev = call;
    const connectedAt = same ? call.connectedAt : (frame.connectedAtMillis || Date.now());
    call = { ...frame, connectedAt };
    // A desk snapshot requested before a push may answer after it: what the pushes said stands.
    if (same && prev.callUp === false) Object.assign(call, { callUp: false, endedAt: prev.endedAt, wrapUpEndsAt: prev.wrapUpEndsAt });
    if (same && prev.submitted) call.submitted = true;
    // The server's answers, then whatever this page changed that the server has not confirmed yet.
    const stored = readDraft(frame.attemptId);
    answers = { ...(frame.answers || {}) };
    pending = same ? { ...stored, ...pending } : stored;
    Object.assign(answers, pending);
    for (const [k, v] of Object.entries(answers)) if (v === null) delete answers[k];
    if (!same) disposition = null;
    $('waiting').hidden = true;
    $('call-screen').hidden = false;
    renderCustomer();
    renderSurvey();
    renderDispositions();
    renderCallStatus();
    if (!same) {
      const first = surveyEl.querySelector('.item:not([hidden])');
      if (first) first.focus({ preventScroll: true });
    }
    if (Object.keys(pending).length) scheduleSave(0);
    else setSaveStatus(frame.saves > 0 ? 'saved' : 'idle');
    renderState();
  }

  function clearCall() {
    call = null;
    answers = {};
    pending = {};
    disposition = null;
    $('call-screen').hidden = true;
    $('waiting').hidden = false;
    surveyEl.replaceChildren();
    clearMessage(submitMsg);
    renderState();
  }

  /** What a second callback (二次回访) is about: {title: {zh, en}, lines: [...]} from the server; hidden otherwise. */
  function renderContext(context) {
    const box = $('c-context');
    box.replaceChildren();
    box.hidden = !context;
    if (!context) return;
    const title = context.title || {};
    box.append(el('strong', {}, (getLang() === 'en' && title.en) || title.zh || ''),
      el('ul', {}, ...(context.lines || []).map((line) => el('li', {}, String(line)))));
  }

  function renderCustomer() {
    const c = call.customer || {};
    $('c-name').textContent = c.name || '—';
    // The dialer dials the number; an extension from the DMS list is for the agent to ask the switchboard for.
    $('c-phone').textContent = c.phoneMasked ? (c.phoneExt ? t('agent.c.phoneExt', { phone: c.phoneMasked, ext: c.phoneExt })
      : c.phoneMasked) : '—';
    $('c-dealer').textContent = c.dealer ? `${c.dealer.name || ''} (${c.dealer.code || ''})` : '—';
    $('c-model').textContent = c.vehicleModel || '—';
    $('c-plate').textContent = c.plate || '—';
    $('c-vin').textContent = c.vinMasked || '—';
    setText($('c-date-label'), `agent.c.date.${(call.campaign && call.campaign.eventKind) || 'service_date'}`);
    $('c-date').textContent = c.eventDate || '—';
    $('c-wo').textContent = c.workOrderNo || '—';
    renderContext(call.context);
    const task = call.task || {};
    $('t-campaign').textContent = (call.campaign && call.campaign.name) || '—';
    $('t-attempt').textContent = task.attempt ? t('agent.task.attemptOf', { n: task.attempt, max: (call.campaign && call.campaign.maxAttempts) || '?' }) : '—';
    $('t-deadline').textContent = task.deadline ? formatDateTime(task.deadline) : '—';
    const history = $('history');
    history.replaceChildren();
    const rows = (call.history || []).filter((h) => h.attemptId !== call.attemptId);
    if (!rows.length) history.append(el('li', { class: 'muted', i18n: 'agent.history.none' }));
    for (const h of rows) {
      const what = h.disposition ? t(`agent.disp.${h.disposition}`) : (h.outcome ? t(`agent.outcome.${h.outcome}`) : t('agent.outcome.dialling'));
      history.append(el('li', {},
        el('span', { class: 'mono' }, formatDateTime(h.at)), ' ', el('strong', {}, what),
        h.agent ? el('span', { class: 'muted' }, ` · ${h.agent}`) : null,
        h.note ? el('div', { class: 'history-note' }, h.note) : null));
    }
  }

  function renderCallStatus() {
    const status = $('call-status');
    if (call.submitted) { setText(status, 'agent.call.submitted'); status.dataset.state = 'submitted'; }
    else if (call.callUp) { setText(status, 'agent.call.heading'); status.dataset.state = 'on_call'; }
    else if (call.cut === 'pbx_lost' || call.cut === 'line_down') {
      // Cut under the agent (not a failed bridge): the screen stays to be finished and submitted.
      setText(status, `agent.call.cut.${call.cut}`); status.dataset.state = 'cut';
    }
    else { setText(status, 'agent.call.ended'); status.dataset.state = 'ended'; }
    const readOnly = !!call.submitted;
    surveyEl.classList.toggle('read-only', readOnly);
    submitBtn.disabled = readOnly;
  }

  // ------------------------------------------------------------ questionnaire

  function definition() {
    return call && call.questionnaire ? call.questionnaire.definition : null;
  }

  function items() {
    const def = definition();
    return def ? def.sections.flatMap((s) => s.items) : [];
  }

  function visible(item) {
    const rule = item.showIf;
    if (!rule) return true;
    const a = answers[rule.item];
    if (a === undefined || a === null) return false;
    if (Array.isArray(rule.in)) return rule.in.some((v) => v === a);
    return rule.equals === a;
  }

  function optionsOf(item) {
    if (item.type === 'loyalty') return LOYALTY.map((id) => ({ id, label: null, key: `agent.loyalty.${id}` }));
    if (item.type === 'yesno') return [{ id: true, key: 'agent.yes' }, { id: false, key: 'agent.no' }];
    if (item.type === 'scale10') {
      const out = [];
      for (let i = 1; i <= 10; i += 1) out.push({ id: i, text: String(i) });
      out.push({ id: 'not_surveyed', key: 'agent.notSurveyed' });
      return out;
    }
    return (item.options || []).map((o) => ({ id: o.id, label: o.label }));
  }

  function renderSurvey() {
    const def = definition();
    surveyEl.replaceChildren();
    if (!def) {
      surveyEl.append(el('p', { class: 'muted', i18n: 'agent.noQuestionnaire' }));
      $('survey-h').textContent = '—';
      return;
    }
    $('survey-h').textContent = text(def.title);
    let n = 0;
    for (const section of def.sections) {
      const box = el('section', { class: 'survey-section', 'data-section': section.id },
        el('h3', {}, text(section.title)),
        section.intro ? el('p', { class: 'script intro' }, fillScript(text(section.intro))) : null);
      for (const item of section.items) {
        n += 1;
        box.append(renderItem(item, n));
      }
      surveyEl.append(box);
    }
    refreshItems();
  }

  function renderItem(item, n) {
    const labelId = `q-${item.id}-label`;
    const node = el('div', {
      class: `item item-${item.type}`, id: `q-${item.id}`, 'data-item': item.id, tabindex: '0',
      role: item.type === 'text' ? 'group' : 'radiogroup', 'aria-labelledby': labelId
    },
    el('div', { class: 'item-head' },
      el('span', { class: 'item-no' }, `${n}.`),
      el('span', { class: 'item-label', id: labelId }, text(item.label)),
      item.required ? el('span', { class: 'req', title: t('agent.required'), 'aria-label': t('agent.required') }, '*') : null),
    item.script ? el('p', { class: 'script' }, fillScript(text(item.script))) : null);
    if (item.type === 'text') {
      const area = el('textarea', { rows: '2', maxlength: String(item.maxLength || 2000), 'aria-labelledby': labelId, class: 'item-text' });
      area.value = answers[item.id] || '';
      area.addEventListener('input', () => setAnswer(item.id, area.value === '' ? null : area.value, false));
      node.append(area);
    } else {
      const opts = el('div', { class: 'opts' });
      for (const o of optionsOf(item)) {
        const b = el('button', {
          type: 'button', class: `opt${o.id === 'not_surveyed' ? ' opt-ns' : ''}`, 'data-value': JSON.stringify(o.id),
          'aria-pressed': 'false', tabindex: '-1'
        }, o.key ? t(o.key) : (o.text || text(o.label)));
        b.addEventListener('click', () => {
          if (call && call.submitted) return;
          setAnswer(item.id, o.id, true);
        });
        opts.append(b);
      }
      node.append(opts);
    }
    node.append(el('p', { class: 'item-error', id: `q-${item.id}-error` }));
    node.addEventListener('keydown', (ev) => onItemKey(ev, item));
    return node;
  }

  /** Keyboard entry: digits score, 0 is 10, N is "not surveyed" (scale) or "no" (yes/no), Y is yes; ↑↓ move. */
  function onItemKey(ev, item) {
    if (ev.target.tagName === 'TEXTAREA') {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); move(item.id, 1); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key;
    if (k === 'ArrowDown' || k === 'Enter') { ev.preventDefault(); move(item.id, 1); return; }
    if (k === 'ArrowUp') { ev.preventDefault(); move(item.id, -1); return; }
    if (call && call.submitted) return;
    let value;
    if (item.type === 'scale10') {
      if (/^[1-9]$/.test(k)) value = Number(k);
      else if (k === '0') value = 10;
      else if (k === 'n' || k === 'N' || k === '-') value = 'not_surveyed';
    } else if (item.type === 'yesno') {
      if (k === 'y' || k === 'Y' || k === '1') value = true;
      else if (k === 'n' || k === 'N' || k === '2' || k === '0') value = false;
    } else if (item.type === 'loyalty' || item.type === 'choice') {
      const opts = optionsOf(item);
      if (/^[1-9]$/.test(k) && Number(k) <= opts.length) value = opts[Number(k) - 1].id;
    }
    if (value !== undefined) {
      ev.preventDefault();
      setAnswer(item.id, value, true);
    }
  }

  function move(fromId, dir) {
    const nodes = Array.from(surveyEl.querySelectorAll('.item:not([hidden])'));
    const i = nodes.findIndex((n) => n.dataset.item === fromId);
    const next = nodes[i + dir];
    if (next) {
      next.focus();
      next.scrollIntoView({ block: 'nearest' });
    } else if (dir > 0) {
      const first = document.querySelector('#dispositions input');
      if (first) first.focus();
    }
  }

  function setAnswer(id, value, advance) {
    if (value === null) delete answers[id];
    else answers[id] = value;
    pending[id] = value;
    writeDraft();
    const err = $(`q-${id}-error`);
    if (err) err.textContent = '';
    const node = $(`q-${id}`);
    if (node) node.classList.remove('invalid');
    refreshItems();
    scheduleSave(SAVE_DELAY_MS);
    if (advance) move(id, 1);
  }

  /** Shows the items their skip rules allow, marks the chosen options, counts progress. */
  function refreshItems() {
    let required = 0;
    let done = 0;
    for (const item of items()) {
      const node = $(`q-${item.id}`);
      if (!node) continue;
      const show = visible(item);
      node.hidden = !show;
      const a = answers[item.id];
      node.classList.toggle('answered', a !== undefined);
      for (const b of node.querySelectorAll('.opt')) b.setAttribute('aria-pressed', String(JSON.parse(b.dataset.value) === a));
      if (show && item.required) {
        required += 1;
        if (a !== undefined && a !== '') done += 1;
      }
    }
    for (const box of surveyEl.querySelectorAll('.survey-section')) {
      box.hidden = !box.querySelector('.item:not([hidden])');
    }
    setText($('survey-progress'), 'agent.progress', { done, total: required });
  }

  // ------------------------------------------------------------ autosave

  function readDraft(attemptId) {
    try {
      const raw = localStorage.getItem(draftKey(attemptId));
      return raw ? JSON.parse(raw) : {};
    } catch {
      return {};
    }
  }

  function writeDraft() {
    if (!call) return;
    try {
      if (Object.keys(pending).length) localStorage.setItem(draftKey(call.attemptId), JSON.stringify(pending));
      else localStorage.removeItem(draftKey(call.attemptId));
    } catch { /* storage full or private mode: the server copy is what counts */ }
  }

  function setSaveStatus(state, params) {
    saveStatus.dataset.state = state;
    if (state === 'idle') { saveStatus.textContent = ''; delete saveStatus.dataset.i18n; return; }
    setText(saveStatus, `agent.save.${state}`, params);
  }

  function scheduleSave(delay) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, delay);
  }

  /** One save at a time; changes made meanwhile go in the next one. */
  async function save() {
    if (saving || !call || call.submitted) return;
    const attemptId = call.attemptId;
    const batch = { ...pending };
    if (!Object.keys(batch).length) return;
    saving = true;
    setSaveStatus('saving');
    try {
      const r = await api(`/api/agent/calls/${encodeURIComponent(attemptId)}/answers`, { method: 'PUT', body: { answers: batch } });
      if (call && call.attemptId === attemptId) {
        for (const [k, v] of Object.entries(batch)) if (pending[k] === v) delete pending[k];
        writeDraft();
        call.saves = r.saves;
        setSaveStatus('saved', { time: formatTime(new Date()) });
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.field && e.field.startsWith('answers.')) {
        const id = e.field.slice('answers.'.length);
        delete pending[id];
        writeDraft();
        markInvalid(id, e.body.message);
        setSaveStatus('error');
      } else if (e instanceof ApiError && (e.status === 409 || e.status === 404)) {
        pending = {};
        writeDraft();
        setSaveStatus('idle');
      } else {
        setSaveStatus('offline');
        saving = false;
        scheduleSave(RETRY_MS);
        return;
      }
    }
    saving = false;
    if (call && Object.keys(pending).length) scheduleSave(0);
  }

  function markInvalid(id, text) {
    const node = $(`q-${id}`);
    const err = $(`q-${id}-error`);
    if (node) {
      node.classList.add('invalid');
      node.focus();
      node.scrollIntoView({ block: 'center' });
    }
    if (err) err.textContent = text || t('agent.requiredMissing');
  }

  // ------------------------------------------------------------ disposition and submit

  function renderDispositions() {
    const box = $('dispositions');
    box.replaceChildren();
    const groups = ['success', 'error_sample', 'not_reached', 'callback'];
    for (const g of groups) {
      const list = (call.dispositions || []).filter((d) => d.group === g);
      if (!list.length) continue;
      const fs = el('fieldset', { class: `disp-group disp-${g}` }, el('legend', { i18n: `agent.dispGroup.${g}` }));
      for (const d of list) {
        const input = el('input', { type: 'radio', name: 'disposition', value: d.id, id: `disp-${d.id}` });
        input.checked = disposition === d.id;
        input.addEventListener('change', () => {
          disposition = d.id;
          $('callback-fields').hidden = d.id !== 'callback';
        });
        fs.append(el('label', { class: 'check', for: `disp-${d.id}` }, input, ' ', el('span', { i18n: `agent.disp.${d.id}` })));
      }
      box.append(fs);
    }
    $('callback-fields').hidden = disposition !== 'callback';
    if (!$('callback-at').value) {
      const later = new Date(Date.now() + 2 * 3600 * 1000);
      later.setMinutes(0, 0, 0);
      const p = (x) => String(x).padStart(2, '0');
      $('callback-at').value = `${later.getFullYear()}-${p(later.getMonth() + 1)}-${p(later.getDate())}T${p(later.getHours())}:00`;
    }
  }

  function firstMissing() {
    for (const item of items()) {
      if (item.required && visible(item) && (answers[item.id] === undefined || answers[item.id] === '')) return item;
    }
    return null;
  }

  submitBtn.addEventListener('click', async () => {
    if (!call || call.submitted || busy) return;
    clearMessage(submitMsg);
    if (!disposition) {
      setText(submitMsg, 'agent.chooseDisposition');
      submitMsg.className = 'form-message error';
      const first = document.querySelector('#dispositions input');
      if (first) first.focus();
      return;
    }
    if (disposition === 'success') {
      const missing = firstMissing();
      if (missing) {
        markInvalid(missing.id, t('agent.requiredMissing'));
        setText(submitMsg, 'agent.surveyIncomplete');
        submitMsg.className = 'form-message error';
        return;
      }
    }
    const body = { disposition, answers: { ...pending } };
    const note = $('call-note').value.trim();
    if (note) body.note = note;
    if (disposition === 'callback') {
      const v = $('callback-at').value;
      const at = v ? new Date(v) : null;
      if (!at || Number.isNaN(at.getTime())) {
        setText(submitMsg, 'agent.callback.missing');
        submitMsg.className = 'form-message error';
        return;
      }
      body.callbackAt = at.toISOString();
      body.callbackMine = document.querySelector('input[name="callback-who"]:checked').value === 'mine';
    }
    busy = true;
    submitBtn.disabled = true;
    clearTimeout(saveTimer);
    const attemptId = call.attemptId;
    try {
      const r = await api(`/api/agent/calls/${encodeURIComponent(attemptId)}/submit`, { method: 'POST', body });
      pending = {};
      try { localStorage.removeItem(draftKey(attemptId)); } catch { /* nothing kept */ }
      notify(r.score && r.score.raw != null ? t('agent.submittedScore', { score: r.score.raw.toFixed(2) }) : t('agent.submittedOk'), 'success');
      if (call && call.attemptId === attemptId) {
        call.submitted = true;
        $('call-note').value = '';
        if (!call.callUp) clearCall();
        else renderCallStatus();
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.field && e.field.startsWith('answers.')) {
        markInvalid(e.field.slice('answers.'.length), e.body.message);
      }
      showError(submitMsg, e);
      submitBtn.disabled = false;
    } finally {
      busy = false;
      renderState();
    }
  });

  // ------------------------------------------------------------ pushes and refresh

  /** The line opens at sign-in: once per browser session, so an agent who closed it on purpose keeps it closed. */
  let autoOpen = (() => {
    try {
      if (sessionStorage.getItem('hf.lineOpened')) return false;
      sessionStorage.setItem('hf.lineOpened', '1');
      return true;
    } catch {
      return false;
    }
  })();

  async function refresh() {
    try {
      const d = await api('/api/agent/desk');
      const next = d.agent || { state: 'logged_out' };
      // Ignore a snapshot older than the last state push (the request crossed a change on its way).
      if (!(agent.since && next.since && Date.parse(next.since) < Date.parse(agent.since))) agent = next;
      if (autoOpen) {
        autoOpen = false;
        if (['logged_out', 'none', 'down'].includes(agent.state)) {
          act(async () => {
            agent = { state: 'opening' };
            renderState();
            await api('/api/agent/line', { method: 'POST' });
          });
          return;
        }
      }
      if (d.call) showCall(d.call);
      else if (call && !call.submitted && call.callUp) { /* the push is on its way */ } else if (call) clearCall();
    } catch { /* the connection panel shows a lost server */ }
    renderState();
  }

  function onPush(msg) {
    switch (msg.type) {
      case 'hello':
        refresh();
        break;
      case 'agent.state':
        agent = msg;
        if (call && call.submitted && !call.callUp && ['ready', 'paused'].includes(msg.state)) clearCall();
        renderState();
        break;
      case 'call.screen':
        if (msg.customer === null && !msg.questionnaire) break;
        showCall(msg);
        break;
      case 'call.ended':
        if (call && call.attemptId === msg.attemptId) {
          call.callUp = false;
          call.endedAt = msg.endedAt;
          call.wrapUpEndsAt = msg.wrapUpEndsAt;
          call.cut = msg.cut || null;
          renderCallStatus();
          renderState();
        }
        break;
      case 'wrapup.overdue':
        renderState();
        break;
      case 'call.submitted':
        if (call && call.attemptId === msg.attemptId) {
          call.submitted = true;
          renderCallStatus();
        }
        break;
      case 'call.withdrawn':
        if (call && call.attemptId === msg.attemptId) clearCall();
        break;
      default:
        break;
    }
  }

  onLangChange(() => {
    renderState();
    if (call) {
      renderCustomer();
      renderSurvey();
      renderDispositions();
      renderCallStatus();
    }
  });
  tick = setInterval(renderTimer, 1000);
  window.addEventListener('beforeunload', () => clearInterval(tick));
  setUpConnection(onPush);
  refresh();
}
