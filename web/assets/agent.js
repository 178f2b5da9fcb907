// Agent desk: the agent's phone line (open / ready / not ready / close), the live connection to /ws,
// and the "on call" card when a customer is bridged (call.connected push). The survey screen comes later.
import { setText, formatTime, onLangChange } from './i18n.js';
import { boot, api, ApiError, describeError, connectWs, connectionIndicator } from './shell.js';

/** Line states from GET /api/agent/line and their i18n keys. */
const STATE_KEYS = {
  none: 'agent.state.none',
  opening: 'agent.state.opening',
  not_ready: 'agent.state.notReady',
  ready: 'agent.state.ready',
  reserved: 'agent.state.reserved',
  on_call: 'agent.state.onCall',
  down: 'agent.state.down'
};

/** API error codes we have our own words for. */
function errorKey(e) {
  if (!(e instanceof ApiError)) return null;
  if (e.status === 400 && e.field === 'softphone') return 'agent.error.softphone';
  if (e.code === 'line_failed') return 'agent.error.lineFailed';
  if (e.code === 'pbx_unavailable') return 'agent.error.pbx';
  if (e.code === 'no_line') return 'agent.error.noLine';
  return null;
}

const FAST_POLL_MS = 2000;
const SLOW_POLL_MS = 15000;

const user = await boot('agent');
if (user) {
  setUpConnection();
  if (user.role === 'agent') setUpLine();
  else noLineForRole();
}

/** Admins may look at the desk, but only agents have a phone line (the line API answers 403). */
function noLineForRole() {
  const message = document.getElementById('line-message');
  message.className = 'form-message info';
  setText(message, 'agent.line.agentsOnly');
  document.getElementById('waiting-line-hint').hidden = true;
}

function setUpConnection() {
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
      document.dispatchEvent(new CustomEvent('hf-push', { detail: msg }));
    }
  });
}

function setUpLine() {
  const badge = document.getElementById('agent-state');
  const channelEl = document.getElementById('line-channel');
  const message = document.getElementById('line-message');
  const buttons = {
    open: document.getElementById('line-open'),
    ready: document.getElementById('line-ready'),
    notReady: document.getElementById('line-not-ready'),
    close: document.getElementById('line-close')
  };
  const waiting = document.getElementById('waiting');
  const lineHint = document.getElementById('waiting-line-hint');
  const card = document.getElementById('call-card');
  const timerEl = document.getElementById('call-timer-value');
  const fields = {
    attempt: document.getElementById('call-attempt'),
    campaign: document.getElementById('call-campaign'),
    task: document.getElementById('call-task'),
    customer: document.getElementById('call-customer'),
    connectedAt: document.getElementById('call-connected-at')
  };

  let line = { state: 'none' };
  let busy = false; // a request from a button is under way
  let call = null; // {attemptId, campaignId, taskId, customerId, at: Date}
  let pollTimer = null;
  let tickTimer = null;
  let refocus = false;

  // ------------------------------------------------------------ rendering

  function render() {
    const state = STATE_KEYS[line.state] ? line.state : 'none';
    badge.dataset.state = state;
    setText(badge, STATE_KEYS[state]);
    channelEl.textContent = line.channel || '—';
    lineHint.hidden = ['ready', 'reserved', 'on_call'].includes(state);

    const open = !['none', 'down', 'opening'].includes(state);
    const enabled = {
      open: !busy && (state === 'none' || state === 'down'),
      ready: !busy && state === 'not_ready',
      notReady: !busy && ['ready', 'reserved', 'on_call'].includes(state),
      // Closing the line mid-call would cut the customer off: only between calls.
      close: !busy && open && state !== 'on_call' && state !== 'reserved'
    };
    const focused = Object.values(buttons).find((b) => b === document.activeElement);
    for (const [name, b] of Object.entries(buttons)) b.disabled = !enabled[name];
    // Keep the keyboard user in the button group when the focused button turns disabled: the next sensible
    // button gets the focus, at once or as soon as one is enabled again (if the focus has not moved elsewhere).
    if (focused && focused.disabled) refocus = true;
    if (refocus && (document.activeElement === document.body || document.activeElement === null
        || Object.values(buttons).includes(document.activeElement))) {
      const next = ['ready', 'notReady', 'open', 'close'].map((n) => buttons[n]).find((b) => !b.disabled);
      if (next) {
        next.focus();
        refocus = false;
      }
    } else {
      refocus = false;
    }
    renderCall();
  }

  function renderCall() {
    if (call && line.state !== 'on_call' && line.state !== 'reserved' && !call.fresh) call = null;
    const show = !!call;
    card.hidden = !show;
    waiting.hidden = show;
    if (show) {
      fields.attempt.textContent = call.attemptId || '—';
      fields.campaign.textContent = idText(call.campaignId);
      fields.task.textContent = idText(call.taskId);
      fields.customer.textContent = idText(call.customerId);
      fields.connectedAt.textContent = formatTime(call.at);
      renderTimer();
      if (!tickTimer) tickTimer = setInterval(renderTimer, 1000);
    } else if (tickTimer) {
      clearInterval(tickTimer);
      tickTimer = null;
    }
  }

  function renderTimer() {
    if (!call) return;
    const s = Math.max(0, Math.floor((Date.now() - call.at.getTime()) / 1000));
    const h = Math.floor(s / 3600);
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    timerEl.textContent = h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  const idText = (v) => (v === undefined || v === null || v === '' ? '—' : `#${v}`);

  function showError(e) {
    const key = errorKey(e);
    if (key) setText(message, key);
    else setText(message, 'agent.error.generic', { reason: describeError(e) });
    message.className = 'form-message error';
  }

  function clearError() {
    message.className = 'form-message';
    delete message.dataset.i18n;
    delete message.dataset.i18nArgs;
    message.textContent = '';
  }

  onLangChange(render);

  // ------------------------------------------------------------ polling

  function schedulePoll() {
    clearTimeout(pollTimer);
    const fast = ['opening', 'reserved', 'on_call'].includes(line.state) || (call && call.fresh);
    pollTimer = setTimeout(poll, fast ? FAST_POLL_MS : SLOW_POLL_MS);
  }

  async function poll() {
    clearTimeout(pollTimer);
    if (!busy) {
      try {
        update(await api('/api/agent/line'));
      } catch {
        /* the connection panel shows a lost server; try again on the next tick */
      }
    }
    schedulePoll();
  }

  function update(next) {
    if (!next || !next.state) return;
    line = next;
    // The push may come before the line says on_call; after that, the line state decides.
    if (call && call.fresh && (line.state === 'on_call' || Date.now() - call.at.getTime() > 10000)) call.fresh = false;
    render();
  }

  // ------------------------------------------------------------ actions

  async function act(fn) {
    if (busy) return;
    busy = true;
    clearError();
    render();
    try {
      await fn();
    } catch (e) {
      showError(e);
      try { line = await api('/api/agent/line'); } catch { /* keep what we had */ }
    } finally {
      busy = false;
      render();
      schedulePoll();
    }
  }

  buttons.open.addEventListener('click', () => act(async () => {
    line = { state: 'opening' };
    busy = false; // the line state itself keeps the buttons disabled while the softphone rings
    render();
    busy = true;
    line = await api('/api/agent/line', { method: 'POST' });
  }));
  buttons.ready.addEventListener('click', () => act(async () => {
    await api('/api/agent/ready', { method: 'PUT', body: { ready: true } });
    line = await api('/api/agent/line');
  }));
  buttons.notReady.addEventListener('click', () => act(async () => {
    await api('/api/agent/ready', { method: 'PUT', body: { ready: false } });
    line = await api('/api/agent/line');
  }));
  buttons.close.addEventListener('click', () => act(async () => {
    await api('/api/agent/line', { method: 'DELETE' });
    line = { state: 'none' };
  }));

  document.addEventListener('hf-push', (ev) => {
    const msg = ev.detail;
    if (msg.type === 'hello') poll(); // (re)connected: the line may have changed meanwhile
    if (msg.type !== 'call.connected') return;
    call = {
      attemptId: msg.attemptId, campaignId: msg.campaignId, taskId: msg.taskId, customerId: msg.customerId,
      at: new Date(), fresh: true
    };
    line = { ...line, state: 'on_call', attemptId: msg.attemptId };
    render();
    schedulePoll();
  });

  render();
  poll();
}

