// Agent desk shell: live connection to /ws; the survey screen-pop comes in a later issue.
import { setText, formatTime, onLangChange } from './i18n.js';
import { boot, connectWs, connectionIndicator } from './shell.js';

const user = await boot('agent');
if (user) {
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
      // Later issues: 'call' pushes open the survey screen-pop here.
    }
  });
}
