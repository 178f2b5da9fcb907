// Live system-health panel: polls GET /health every 5 s and shows database and PBX, colour-coded.
import { t, setText, formatTime, onLangChange } from './i18n.js';
import { el } from './dom.js';

const KNOWN = ['UP', 'DEGRADED', 'DOWN'];
const POLL_MS = 5000;
const TIMEOUT_MS = 4000;

function norm(status) {
  const s = String(status || '').toUpperCase();
  return KNOWN.includes(s) ? s : 'UNKNOWN';
}

/** Renders the panel into container and starts polling. Returns {stop()}. */
export function healthPanel(container) {
  const overall = el('span', { class: 'pill pill-UNKNOWN', id: 'health-overall', i18n: 'health.status.UNKNOWN' });
  const rows = {};
  const list = el('dl', { class: 'health-list' });
  for (const [key, label] of [['db', 'health.db'], ['pbx', 'health.pbx']]) {
    const pill = el('span', { class: 'pill pill-UNKNOWN', i18n: 'health.status.UNKNOWN' });
    const detail = el('span', { class: 'health-detail' });
    rows[key] = { pill, detail };
    list.append(el('div', { class: 'health-row', id: `health-${key}` },
      el('dt', { i18n: label }),
      el('dd', {}, pill, detail)));
  }
  const version = el('span', { class: 'health-version' });
  const updated = el('span', { class: 'health-updated', i18n: 'health.polling' });
  const problem = el('p', { class: 'health-problem', role: 'alert', hidden: true });

  container.replaceChildren(el('section', { class: 'panel health', 'aria-labelledby': 'health-h' },
    el('div', { class: 'panel-head' },
      el('h2', { id: 'health-h', i18n: 'health.heading' }),
      el('span', { class: 'health-overall' }, el('span', { class: 'visually-hidden', i18n: 'health.overall' }), overall)),
    problem,
    list,
    el('div', { class: 'panel-foot' }, updated, version)));

  let last = null;
  let lastAt = null;
  let timer = null;
  let stopped = false;

  function setPill(pill, status) {
    const s = norm(status);
    pill.className = `pill pill-${s}`;
    pill.dataset.status = s;
    setText(pill, `health.status.${s}`);
  }

  function render(data) {
    setPill(overall, data.status);
    for (const key of ['db', 'pbx']) {
      const part = data[key] || {};
      setPill(rows[key].pill, part.status);
      if (part.detail) {
        delete rows[key].detail.dataset.i18n;
        rows[key].detail.textContent = part.detail;
      } else {
        setText(rows[key].detail, 'health.noDetail');
      }
    }
    version.replaceChildren();
    if (data.version) {
      version.append(el('span', { i18n: 'health.version' }), ' ', el('code', {}, data.version));
    }
  }

  function renderUpdated() {
    if (lastAt) setText(updated, 'health.updated', { time: formatTime(lastAt) });
  }

  async function poll() {
    const ctrl = new AbortController();
    const abort = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
    try {
      const res = await fetch('/health', { cache: 'no-store', headers: { Accept: 'application/json' }, signal: ctrl.signal });
      // A DOWN server may answer 503 with the same body: read it whatever the status.
      const data = await res.json();
      last = data;
      lastAt = new Date();
      problem.hidden = true;
      container.classList.remove('stale');
      render(data);
      renderUpdated();
    } catch (e) {
      const reason = t(e && e.name === 'AbortError' ? 'health.reason.timeout'
        : (e instanceof SyntaxError ? 'health.reason.badResponse' : 'health.reason.network'));
      problem.hidden = false;
      setText(problem, last ? 'health.unreachable' : 'health.unreachableNoData', { reason });
      container.classList.toggle('stale', !!last);
      if (!last) setPill(overall, 'DOWN');
    } finally {
      clearTimeout(abort);
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    }
  }

  onLangChange(renderUpdated);
  poll();
  return { stop() { stopped = true; clearTimeout(timer); } };
}
