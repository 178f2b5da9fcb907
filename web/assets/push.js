// The push socket (/ws): kept open with reconnects, and its state shown in the header.
import { setText } from './i18n.js';
import { el } from './dom.js';
import { api } from './api.js';

/** Who else hears every frame of this page's sockets (the header's bell), and how many sockets were opened. */
const pushListeners = new Set();
let opened = 0;

/** fn(msg) for every JSON frame of any push socket of this page; returns a function that removes it. */
export function onPush(fn) {
  pushListeners.add(fn);
  return () => pushListeners.delete(fn);
}

/** How many push sockets this page has asked for (connectWs calls). */
export function socketsOpened() {
  return opened;
}

/**
 * Keeps a WebSocket to /ws open, reconnecting with exponential backoff (1 s … 30 s, with jitter).
 * onStatus({state: 'connecting'|'connected'|'reconnecting', retryInSeconds?, since?})
 * onMessage(object) for every JSON frame (the first is {type:'hello', user}).
 * Sends {type:'ping'} every 25 s; no answer within 10 s counts as a dead connection.
 * When a connection fails, /api/me is asked first, so a lost session goes to the login page.
 */
export function connectWs({ onMessage = () => {}, onStatus = () => {} } = {}) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  let ws = null;
  let attempt = 0;
  let retryTimer = null;
  let countdownTimer = null;
  let pingTimer = null;
  let pongTimer = null;
  let stopped = false;
  let hidden = false;
  opened += 1;

  function open() {
    clearTimers();
    onStatus({ state: attempt === 0 ? 'connecting' : 'reconnecting' });
    let sock;
    try {
      sock = new WebSocket(url);
    } catch {
      scheduleRetry();
      return;
    }
    ws = sock;
    sock.addEventListener('open', () => {
      pingTimer = setInterval(ping, 25000);
    });
    sock.addEventListener('message', (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg.type === 'hello') {
        attempt = 0;
        onStatus({ state: 'connected', since: new Date() });
      }
      if (msg.type === 'pong') {
        clearTimeout(pongTimer);
        pongTimer = null;
      }
      onMessage(msg);
      for (const fn of pushListeners) fn(msg);
    });
    sock.addEventListener('close', () => {
      // a socket closed on pagehide may report it after the page came back with a new one
      if (ws !== sock) return;
      ws = null;
      if (!stopped && !hidden) scheduleRetry();
    });
  }

  function ping() {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: 'ping' }));
    if (!pongTimer) pongTimer = setTimeout(() => { if (ws) ws.close(); }, 10000);
  }

  async function scheduleRetry() {
    clearTimers();
    attempt += 1;
    const base = Math.min(30000, 1000 * 2 ** (attempt - 1));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    let remaining = Math.ceil(delay / 1000);
    onStatus({ state: 'reconnecting', retryInSeconds: remaining });
    countdownTimer = setInterval(() => {
      remaining -= 1;
      if (remaining > 0) onStatus({ state: 'reconnecting', retryInSeconds: remaining });
    }, 1000);
    retryTimer = setTimeout(open, delay);
    // A refused upgrade looks like any other close: ask whether the session still exists.
    try { await api('/api/me'); } catch { /* server down: keep retrying */ }
  }

  function clearTimers() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    retryTimer = countdownTimer = pingTimer = pongTimer = null;
  }

  // A page left for another may be kept, frozen, in the browser's back/forward cache with its socket still open
  // (headless Chromium does): the server would take the agent to be at the desk. The socket is closed when the page
  // is hidden, and opened again if the page is shown from the cache.
  window.addEventListener('pagehide', () => {
    hidden = true;
    clearTimers();
    if (ws) { const sock = ws; ws = null; sock.close(1000, 'page hidden'); }
  });
  window.addEventListener('pageshow', (ev) => {
    hidden = false;
    if (ev.persisted && !stopped && !ws) { attempt = 0; open(); }
  });

  // Reconnect at once when the machine wakes up or the network returns.
  window.addEventListener('online', () => { if (!ws && !stopped) { attempt = Math.max(attempt, 1); open(); } });

  open();
  return {
    send(obj) { if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(obj)); return true; } return false; },
    close() { stopped = true; clearTimers(); if (ws) ws.close(); }
  };
}

/** A header pill showing the WebSocket state; returns {update(status)}. */
export function connectionIndicator() {
  const dot = el('span', { class: 'dot', 'aria-hidden': 'true' });
  const label = el('span', { class: 'conn-text', i18n: 'ws.connecting' });
  const pill = el('div', { class: 'conn conn-connecting', role: 'status', 'aria-live': 'polite', id: 'ws-indicator' },
    el('span', { class: 'visually-hidden', i18n: 'ws.label' }), dot, label);
  const slot = document.getElementById('header-slot');
  if (slot) slot.append(pill);
  return {
    element: pill,
    update(s) {
      pill.className = `conn conn-${s.state}`;
      pill.dataset.state = s.state;
      if (s.state === 'connected') setText(label, 'ws.connected');
      else if (s.state === 'reconnecting' && s.retryInSeconds) setText(label, 'ws.reconnecting', { seconds: s.retryInSeconds });
      else if (s.state === 'reconnecting') setText(label, 'ws.reconnectingNow');
      else setText(label, 'ws.connecting');
    }
  };
}
