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
/** The note is saved once the agent stops typing for this long (and at submit). */
const NOTE_SAVE_DELAY_MS = 800;
const RETRY_MS = 2000;
/** A recording paused for sensitive information resumes by itself after this long (the server's timer). */
const REC_PAUSE_SECONDS = 60;
/** Choice and loyalty options are keyed A, B, C…: digits are scores only, so no key means two things. */
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const draftKey = (attemptId) => `hf.desk.${attemptId}`;
const noteKey = (attemptId) => `hf.desk.${attemptId}.note`;
/** Until when (ms) the recording of this call is paused, so that a reload still shows it (sessionStorage). */
const recKey = (attemptId) => `hf.desk.${attemptId}.recPausedUntil`;

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
    // Raw push traffic is for admins looking into a problem; agents see the connection in the header only.
    document.getElementById('conn-panel').hidden = false;
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
  const noteEl = $('call-note');

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
  /** The note was typed here and the server has not confirmed it yet (it is kept in localStorage meanwhile). */
  let noteDirty = false;
  /** The recording of the call on screen: paused for sensitive information until (ms), or recording. */
  const rec = { paused: false, until: 0, busy: false };

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
    if (rec.paused && rec.until) renderRec();
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
    // The note: what this page typed and the server has not confirmed yet, else the server's.
    const localNote = readNote(frame.attemptId);
    if (!same) {
      disposition = null;
      const until = Number(sessionValue(recKey(frame.attemptId)) || 0);
      Object.assign(rec, until > Date.now() ? { paused: true, until } : { paused: false, until: 0 });
      noteDirty = localNote !== null;
      noteEl.value = localNote !== null ? localNote : (frame.note || '');
      $('callback-at').value = '';
      clearMessage(submitMsg);
    } else if (!noteDirty) {
      noteEl.value = frame.note || '';
    }
    if (same && prev.submittedAs && !call.submittedAs) call.submittedAs = prev.submittedAs;
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
    if (Object.keys(pending).length || noteDirty) scheduleSave(0);
    else if (frame.saves > 0) setSaveStatus('saved', frame.savedAt);
    else setSaveStatus('idle');
    renderRec();
    renderState();
  }

  function clearCall() {
    call = null;
    answers = {};
    pending = {};
    disposition = null;
    noteDirty = false;
    noteEl.value = '';
    Object.assign(rec, { paused: false, until: 0 });
    lockForm(false);
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
    lockForm(readOnly);
    renderRec();
  }

  /**
   * After a submit the disposition, the callback's time and the note are locked, showing what was submitted: an
   * edit there would reach nobody (the survey is stored), so the page does not let one be made.
   */
  function lockForm(locked) {
    const panel = document.querySelector('.disposition-panel');
    panel.classList.toggle('locked', locked);
    for (const input of panel.querySelectorAll('input, textarea')) input.disabled = locked;
    for (const area of surveyEl.querySelectorAll('textarea')) area.readOnly = locked;
    if (!locked || !call) return;
    const s = call.submittedAs;
    if (!s) {
      setText(submitMsg, 'agent.locked');
      submitMsg.className = 'form-message info';
      return;
    }
    disposition = s.disposition;
    for (const input of panel.querySelectorAll('input[name="disposition"]')) input.checked = input.value === s.disposition;
    $('callback-fields').hidden = s.disposition !== 'callback';
    if (typeof s.note === 'string' || s.note === null) noteEl.value = s.note || '';
    if (s.disposition === 'callback' && s.callbackAt) {
      $('callback-at').value = localInputValue(new Date(s.callbackAt));
      for (const r of panel.querySelectorAll('input[name="callback-who"]')) r.checked = (r.value === 'mine') === !!s.callbackMine;
      setText(submitMsg, 'agent.lockedCallback', {
        at: formatDateTime(s.callbackAt), who: t(s.callbackMine ? 'agent.callback.mine' : 'agent.callback.anyone')
      });
    } else {
      setText(submitMsg, 'agent.lockedAs', { disposition: t(`agent.disp.${s.disposition}`) });
    }
    submitMsg.className = 'form-message info';
  }

  function localInputValue(d) {
    const p = (x) => String(x).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }

  // ------------------------------------------------------------ recording pause (sensitive information)

  function sessionValue(key, value) {
    try {
      if (value === undefined) return sessionStorage.getItem(key);
      if (value === null) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, String(value));
    } catch { /* private mode: the state lasts as long as the page */ }
    return null;
  }

  function renderRec() {
    const box = $('rec-control');
    box.hidden = !call || !call.callUp;
    if (box.hidden) return;
    if (rec.paused && rec.until && Date.now() >= rec.until) Object.assign(rec, { paused: false, until: 0 });
    box.dataset.state = rec.paused ? 'paused' : 'recording';
    if (rec.paused && rec.until) {
      setText($('rec-state'), 'agent.rec.pausedFor', { left: clock(rec.until - Date.now() + 999) });
    } else {
      setText($('rec-state'), rec.paused ? 'agent.rec.paused' : 'agent.rec.recording');
    }
    setText($('rec-toggle'), rec.paused ? 'agent.rec.resume' : 'agent.rec.pause');
    $('rec-toggle').disabled = rec.busy;
  }

  $('rec-toggle').addEventListener('click', async () => {
    if (!call || !call.callUp || rec.busy) return;
    rec.busy = true;
    renderRec();
    const path = `/api/recordings/${encodeURIComponent(call.attemptId)}`;
    try {
      if (rec.paused) {
        await api(`${path}/resume`, { method: 'POST' });
        Object.assign(rec, { paused: false, until: 0 });
      } else {
        const r = await api(`${path}/pause`, { method: 'POST', body: { seconds: REC_PAUSE_SECONDS } });
        Object.assign(rec, { paused: true, until: Date.now() + (r.resumesInSeconds || REC_PAUSE_SECONDS) * 1000 });
      }
      sessionValue(recKey(call.attemptId), rec.paused ? rec.until : null);
    } catch (e) {
      // The page may not know (a reload during a pause): the server's answer says how things stand.
      if (e instanceof ApiError && e.code === 'already_paused') Object.assign(rec, { paused: true, until: 0 });
      else if (e instanceof ApiError && e.code === 'not_paused') Object.assign(rec, { paused: false, until: 0 });
      else showError(message, e);
    } finally {
      rec.busy = false;
      renderRec();
    }
  });

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
      for (const [i, o] of optionsOf(item).entries()) {
        const b = el('button', {
          type: 'button', class: `opt${o.id === 'not_surveyed' ? ' opt-ns' : ''}`, 'data-value': JSON.stringify(o.id),
          'aria-pressed': 'false', tabindex: '-1'
        }, el('span', { class: 'opt-text' }, o.key ? t(o.key) : (o.text || text(o.label))),
        // The key on the option, unless it is the option's own label (scores 1–9).
        keyOf(item, o, i) && keyOf(item, o, i) !== o.text
          ? el('kbd', { class: 'opt-key', 'aria-hidden': 'true' }, keyOf(item, o, i)) : null);
        b.addEventListener('click', () => {
          if (call && call.submitted) return;
          setAnswer(item.id, o.id, true);
        });
        opts.append(b);
      }
      node.append(opts);
    }
    node.append(el('p', { class: 'item-error', id: `q-${item.id}-error`, 'aria-live': 'polite' }));
    node.addEventListener('keydown', (ev) => onItemKey(ev, item));
    return node;
  }

  /** The key that answers option o (the i-th) of item: digits on scores only, Y/N on yes/no, letters for choices. */
  function keyOf(item, o, i) {
    if (item.type === 'scale10') return o.id === 'not_surveyed' ? '-' : String(o.id % 10);
    if (item.type === 'yesno') return o.id ? 'Y' : 'N';
    return LETTERS[i] || null;
  }

  /** The answer a key gives on this item, or undefined when the key does not fit it. */
  function valueForKey(item, k) {
    const u = k.toUpperCase();
    if (item.type === 'scale10') {
      if (/^[0-9]$/.test(k)) return k === '0' ? 10 : Number(k);
      if (k === '-') return 'not_surveyed';
      return undefined;
    }
    if (item.type === 'yesno') {
      if (u === 'Y') return true;
      if (u === 'N') return false;
      return undefined;
    }
    const opts = optionsOf(item);
    const i = LETTERS.indexOf(u);
    return i >= 0 && i < opts.length ? opts[i].id : undefined;
  }

  /**
   * Keyboard entry, one meaning per key: on a score item 1–9, 0 for 10 and - for "not surveyed"; Y / N on a yes/no
   * item; A, B, C… on a choice. A key that does not fit the item records nothing and says which keys do.
   * Tab, Enter and ↓ go to the next item, ↑ to the previous one; in a text box Ctrl+Enter goes on.
   */
  function onItemKey(ev, item) {
    if (ev.target.tagName === 'TEXTAREA') {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); move(item.id, 1); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key;
    if (k === 'ArrowDown' || k === 'Enter') { ev.preventDefault(); move(item.id, 1); return; }
    if (k === 'ArrowUp') { ev.preventDefault(); move(item.id, -1); return; }
    if (k.length !== 1 || k === ' ' || item.type === 'text') return;
    if (call && call.submitted) return;
    ev.preventDefault();
    const value = valueForKey(item, k);
    if (value === undefined) refuseKey(item, k);
    else setAnswer(item.id, value, true);
  }

  function refuseKey(item, k) {
    const node = $(`q-${item.id}`);
    const err = $(`q-${item.id}-error`);
    if (!node || !err) return;
    let key = 'agent.key.choice';
    if (item.type === 'scale10') key = 'agent.key.scale';
    else if (item.type === 'yesno') key = 'agent.key.yesno';
    const n = optionsOf(item).length;
    setText(err, key, { key: k, last: LETTERS[Math.min(n, LETTERS.length) - 1] || 'A' });
    err.classList.add('key-hint');
    node.dataset.refusedKey = k;
    node.classList.remove('key-refused');
    void node.offsetWidth; // restart the flash
    node.classList.add('key-refused');
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
    if (err) { err.textContent = ''; delete err.dataset.i18n; err.classList.remove('key-hint'); }
    const node = $(`q-${id}`);
    if (node) { node.classList.remove('invalid', 'key-refused'); delete node.dataset.refusedKey; }
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

  function readNote(attemptId) {
    try {
      return localStorage.getItem(noteKey(attemptId));
    } catch {
      return null;
    }
  }

  function writeNote(attemptId, value) {
    try {
      if (value === null) localStorage.removeItem(noteKey(attemptId));
      else localStorage.setItem(noteKey(attemptId), value);
    } catch { /* storage full or private mode: the server copy is what counts */ }
  }

  noteEl.addEventListener('input', () => {
    if (!call || call.submitted) return;
    noteDirty = true;
    writeNote(call.attemptId, noteEl.value);
    scheduleSave(NOTE_SAVE_DELAY_MS);
  });

  /** saved: with the time of the save (an ISO string or a Date); the other states take no parameters. */
  function setSaveStatus(state, at) {
    saveStatus.dataset.state = state;
    if (state === 'idle') { saveStatus.textContent = ''; delete saveStatus.dataset.i18n; return; }
    if (state === 'saved') {
      const when = at ? new Date(at) : null;
      if (when && !Number.isNaN(when.getTime())) setText(saveStatus, 'agent.save.saved', { time: formatTime(when) });
      else setText(saveStatus, 'agent.save.savedBefore');
      return;
    }
    setText(saveStatus, `agent.save.${state}`);
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
    const sendNote = noteDirty;
    const noteSent = noteEl.value;
    if (!Object.keys(batch).length && !sendNote) return;
    saving = true;
    setSaveStatus('saving');
    const body = { answers: batch };
    if (sendNote) body.note = noteSent;
    try {
      const r = await api(`/api/agent/calls/${encodeURIComponent(attemptId)}/answers`, { method: 'PUT', body });
      if (call && call.attemptId === attemptId) {
        for (const [k, v] of Object.entries(batch)) if (pending[k] === v) delete pending[k];
        writeDraft();
        if (sendNote && noteEl.value === noteSent) {
          noteDirty = false;
          writeNote(attemptId, null);
        }
        call.saves = r.saves;
        call.savedAt = r.savedAt;
        setSaveStatus('saved', r.savedAt || new Date());
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.field && e.field.startsWith('answers.')) {
        const id = e.field.slice('answers.'.length);
        delete pending[id];
        writeDraft();
        markInvalid(id, e.body.message);
        setSaveStatus('error');
      } else if (e instanceof ApiError && e.status === 400 && e.field === 'note') {
        noteDirty = false;
        showError(submitMsg, e);
        setSaveStatus('error');
      } else if (e instanceof ApiError && (e.status === 409 || e.status === 404)) {
        pending = {};
        noteDirty = false;
        writeDraft();
        writeNote(attemptId, null);
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
    else if (call && noteDirty) scheduleSave(NOTE_SAVE_DELAY_MS);
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
      $('callback-at').value = localInputValue(later);
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
    // The note always goes with the submit (empty clears one saved before), so what is on screen is what is stored.
    const body = { disposition, answers: { ...pending }, note: noteEl.value.trim() };
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
      noteDirty = false;
      try { localStorage.removeItem(draftKey(attemptId)); } catch { /* nothing kept */ }
      writeNote(attemptId, null);
      notify(r.score && r.score.raw != null ? t('agent.submittedScore', { score: r.score.raw.toFixed(2) }) : t('agent.submittedOk'), 'success');
      if (call && call.attemptId === attemptId) {
        call.submitted = true;
        call.submittedAs = {
          disposition: body.disposition, callbackAt: body.callbackAt || null, callbackMine: !!body.callbackMine,
          note: body.note || null
        };
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
          Object.assign(rec, { paused: false, until: 0 });
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
