// The supervisors' live dashboard (运行监控): the board pushed over /ws (sup.snapshot, then sup.update at most once a
// second, merged here; a gap in seq fetches GET /api/supervisor/board), drawn as the totals strip, the alerts, a
// card per campaign, the agent grid (time in state ticking here from `since`, coloured by the board's thresholds),
// dealers and PBXes. Charts, reports and thresholds are tabs (sup-charts.js, sup-reports.js, sup-settings.js);
// steering and listening in are in sup-steer.js. Contract: docs/supervisor-api.md.
import { addStrings, t, has, setText, onLangChange } from './i18n.js';
import { boot, api, describeError, el, connectWs, connectionIndicator } from './shell.js';
import { healthPanel } from './health.js';
import { pct, num, dur, dayTime, clockTime, label } from './sup-format.js';
import { Board } from './sup-board.js';
import { steering } from './sup-steer.js';
import { chartsView } from './sup-charts.js';
import { reportsView } from './sup-reports.js';
import { settingsView } from './sup-settings.js';
import strings from './i18n/supervisor.js';

addStrings(strings);

const $ = (id) => document.getElementById(id);
const STATES = ['ready', 'reserved', 'on_call', 'wrap_up', 'paused', 'logged_out'];
/** Grid order: who is working first, then who waits, then who is away. */
const STATE_ORDER = { on_call: 0, wrap_up: 1, reserved: 2, ready: 3, paused: 4, logged_out: 5 };
const CAUSES = ['answered', 'abandoned', 'machine', 'no_answer', 'busy', 'congestion', 'invalid_number', 'failed',
  'ring_cut'];

function showLiveError(e) {
  const box = $('live-message');
  box.className = 'form-message error';
  setText(box, 'sup.error', { reason: describeError(e) });
}

const user = await boot();
if (user) start(user);

function start(me) {
  const indicator = connectionIndicator();
  const board = new Board({ onChange: render, fetchBoard: () => api('/api/supervisor/board'), onError: showLiveError });
  const steer = steering({ board, me, onError: showLiveError });
  const views = {
    live: null,
    charts: chartsView({ board }),
    reports: reportsView({ board }),
    settings: settingsView({ board })
  };
  window.hfSupervisor = { board }; // tests and the console read the live board here

  // ------------------------------------------------------------------ tabs (#tab=charts …)
  function setTab(name) {
    if (!(name in views)) name = 'live';
    for (const b of document.querySelectorAll('.sup-tab')) {
      const on = b.dataset.tab === name;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    for (const v of document.querySelectorAll('.sup-view')) v.hidden = v.id !== `view-${name}`;
    if (views[name]) views[name].show();
  }
  for (const b of document.querySelectorAll('.sup-tab')) {
    b.addEventListener('click', () => { location.hash = b.dataset.tab === 'live' ? '' : `tab=${b.dataset.tab}`; });
    b.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
      ev.preventDefault();
      const tabs = Array.from(document.querySelectorAll('.sup-tab'));
      const next = tabs[(tabs.indexOf(b) + (ev.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      next.click();
      next.focus();
    });
  }
  const route = () => setTab(new URLSearchParams(location.hash.slice(1)).get('tab') || 'live');
  window.addEventListener('hashchange', route);
  route();

  healthPanel($('health'));

  // ------------------------------------------------------------------ the push socket
  connectWs({
    onStatus: (s) => indicator.update(s),
    onMessage: (msg) => {
      // The board's pushes are sup.snapshot, sup.update and sup.listen.
      const m = /^sup\.(\w+)$/.exec(String(msg.type));
      const kind = m ? m[1] : null;
      if (kind === 'snapshot' && msg.board) {
        board.fetching = null;
        board.replace(msg.board);
      } else if (kind === 'update') {
        board.update(msg);
      } else if (kind === 'listen') {
        steer.listenPush(msg);
      }
    }
  });

  $('agents-campaign').addEventListener('change', () => renderAgents(false));
  $('agents-hide-out').addEventListener('change', () => renderAgents(false));

  // ------------------------------------------------------------------ rendering
  let first = true;
  function render(changed) {
    const b = board.data;
    if (!b) return;
    const all = changed === null;
    const touched = (k) => all || changed.has(k);
    if (first) {
      first = false;
      const box = $('live-message');
      box.className = 'form-message';
      box.textContent = '';
      delete box.dataset.i18n;
    }
    if (touched('totals') || touched('campaigns')) renderStrip(b);
    if (touched('alerts') || touched('campaigns') || touched('agents')) renderAlerts(b);
    if (touched('campaigns') || touched('thresholds')) renderCampaigns(b);
    if (touched('agents') || touched('campaigns') || touched('thresholds')) renderAgents(all || touched('campaigns'));
    if (touched('dealers') || touched('campaigns')) renderDealers(b);
    if (touched('pbxes')) renderPbxes(b);
    if (touched('casework')) renderCasework(b);
    renderUpdated();
    for (const v of Object.values(views)) if (v && v.boardChanged) v.boardChanged(changed);
  }

  function renderUpdated() {
    const b = board.data;
    if (!b) return;
    setText($('sup-updated'), 'sup.updated', { time: clockTime(b.at, b.timeZone) });
  }

  onLangChange(() => { if (board.data) render(null); });

  // ---- the totals strip: big figures, one row on a wall screen
  function fig(labelKey, value, { sub, level, id } = {}) {
    return el('div', { class: `fig${level ? ` fig-${level}` : ''}`, id },
      el('span', { class: 'fig-value' }, value),
      el('span', { class: 'fig-label', i18n: labelKey }),
      sub ? el('span', { class: 'fig-sub' }, sub) : null);
  }

  function abandonLevel(rate, limit) {
    if (rate === null || rate === undefined || !limit) return null;
    if (rate >= limit) return 'bad';
    if (rate > 0.8 * limit) return 'warn';
    return 'ok';
  }

  /** Totals carry no abandonment (it is per campaign): summed here from the campaigns' counts. */
  function totalAbandon(b) {
    if (b.totals && b.totals.abandon) return b.totals.abandon;
    const out = {};
    let limit = null;
    for (const w of ['hour', 'day24h', 'days30']) {
      let ab = 0;
      let live = 0;
      for (const c of b.campaigns || []) {
        const a = c.abandon && c.abandon[w];
        if (a) { ab += a.abandoned || 0; live += a.liveAnswered || 0; }
      }
      out[w] = { abandoned: ab, liveAnswered: live, rate: live ? ab / live : null };
    }
    for (const c of b.campaigns || []) {
      const l = c.abandon && c.abandon.limit;
      if (typeof l === 'number' && (limit === null || l < limit)) limit = l;
    }
    out.limit = limit;
    return out;
  }

  function renderStrip(b) {
    const tot = b.totals || {};
    const conn = tot.connection || {};
    const connFig = (w, key, id) => {
      const c = conn[w] || {};
      return fig(key, pct(c.rate), { sub: `${num(c.answered)} / ${num(c.dialled)}`, id });
    };
    $('strip-conn').replaceChildren(connFig('min15', 'sup.w.min15', 'tot-conn-min15'), connFig('hour', 'sup.w.hour', 'tot-conn-hour'),
      connFig('today', 'sup.w.today', 'tot-conn-today'));
    const ab = totalAbandon(b);
    const abFig = (w, key) => {
      const a = ab[w] || {};
      return fig(key, pct(a.rate), { sub: `${num(a.abandoned)} / ${num(a.liveAnswered)}`, level: abandonLevel(a.rate, ab.limit), id: `tot-abandon-${w}` });
    };
    $('strip-abandon').replaceChildren(abFig('hour', 'sup.w.hour'), abFig('day24h', 'sup.w.day24h'), abFig('days30', 'sup.w.days30'));
    if (ab.limit !== null && ab.limit !== undefined) setText($('strip-abandon-limit'), 'sup.limit', { limit: pct(ab.limit) });
    else $('strip-abandon-limit').textContent = '';
    const ag = tot.agents || {};
    $('strip-agents').replaceChildren(
      fig('sup.agents.ready', num(ag.ready), { id: 'tot-agents-ready' }),
      fig('sup.agents.onCall', num(ag.onCall), { id: 'tot-agents-onCall' }),
      fig('sup.agents.wrapUp', num(ag.wrapUp), { id: 'tot-agents-wrapUp' }),
      fig('sup.agents.paused', num(ag.paused), { id: 'tot-agents-paused' }));
    setText($('strip-agents-total'), 'sup.agents.loggedInOf', { n: num(ag.loggedIn), reserved: num(ag.reserved) });
    const calls = tot.calls || {};
    $('strip-calls').replaceChildren(
      fig('sup.calls.placing', num(calls.placing), { id: 'tot-calls-placing' }),
      fig('sup.calls.ringing', num(calls.ringing), { id: 'tot-calls-ringing' }),
      fig('sup.calls.waiting', num(calls.answeredWaiting), { level: calls.answeredWaiting ? 'warn' : null, id: 'tot-calls-waiting' }),
      fig('sup.calls.talking', num(calls.talking), { id: 'tot-calls-talking' }));
  }

  // ---- alerts: prominent, newest first
  function campaignName(id) {
    const c = (board.data.campaigns || []).find((x) => x.campaignId === id);
    return c ? c.name : (id === null || id === undefined ? '' : `#${id}`);
  }

  function agentName(id) {
    const r = board.data.agents && board.data.agents.rows && board.data.agents.rows[id];
    return r ? (r.name || r.username) : (id === null || id === undefined ? '' : `#${id}`);
  }

  function alertText(a) {
    const d = a.detail || {};
    const args = {
      campaign: campaignName(a.campaignId), agent: agentName(a.agentId), pbx: a.pbx || '',
      rate: pct(d.rate), limit: pct(d.limit), remaining: num(d.remaining), due: num(d.due),
      reason: label('sup.reason.', d.reason), minutes: typeof d.limitSeconds === 'number' ? Math.round(d.limitSeconds / 60) : '—'
    };
    return has(`sup.alert.${a.kind}`) ? t(`sup.alert.${a.kind}`, args) : a.kind;
  }

  function renderAlerts(b) {
    const list = $('sup-alerts');
    const alerts = (b.alerts || []).slice().sort((x, y) => (y.severity === 'critical') - (x.severity === 'critical') || (y.since || 0) - (x.since || 0));
    list.hidden = !alerts.length;
    list.replaceChildren(...alerts.map((a) => el('li', {
      class: `sup-alert sup-alert-${a.severity === 'critical' ? 'critical' : 'warn'}`, 'data-kind': a.kind, 'data-id': a.id
    },
    el('span', { class: 'sup-alert-sev', i18n: a.severity === 'critical' ? 'sup.sev.critical' : 'sup.sev.warn' }),
    el('span', { class: 'sup-alert-text' }, alertText(a)),
    a.since ? el('span', { class: 'sup-alert-since muted' }, t('sup.since', { time: clockTime(a.since, b.timeZone) })) : null)));
  }

  // ---- campaign cards (keyed; the actions stay put so focus survives an update)
  const cards = new Map();

  function renderCampaigns(b) {
    const box = $('sup-campaigns');
    const seen = new Set();
    for (const c of b.campaigns || []) {
      seen.add(c.campaignId);
      let card = cards.get(c.campaignId);
      if (!card) {
        card = makeCard(c);
        cards.set(c.campaignId, card);
      }
      fillCard(card, c, b);
      box.append(card.root); // keeps the board's order
    }
    for (const [id, card] of cards) if (!seen.has(id)) { card.root.remove(); cards.delete(id); }
    if (!(b.campaigns || []).length) {
      box.replaceChildren(el('p', { class: 'panel empty-state sup-none', i18n: 'sup.noCampaigns' }));
    } else {
      const none = box.querySelector('.sup-none');
      if (none) none.remove();
    }
    for (const sel of [$('agents-campaign'), $('charts-campaign')]) {
      const keep = sel.value;
      sel.replaceChildren(el('option', { value: '', i18n: 'sup.filter.all' }),
        ...(b.campaigns || []).map((c) => el('option', { value: c.campaignId, selected: String(c.campaignId) === keep }, c.name)));
    }
  }

  function makeCard(c) {
    const title = el('h2', { class: 'camp-name', id: `camp-${c.campaignId}-h` });
    const badges = el('span', { class: 'camp-badges' });
    const pauseBtn = el('button', { type: 'button', class: 'btn btn-small camp-pause', 'data-id': c.campaignId });
    const pacingBtn = el('button', { type: 'button', class: 'btn btn-small camp-pacing', 'data-id': c.campaignId, 'aria-haspopup': 'dialog', i18n: 'sup.camp.pacing' });
    const body = el('div', { class: 'camp-body' });
    const root = el('section', { class: 'panel camp-card', 'data-id': c.campaignId, 'aria-labelledby': `camp-${c.campaignId}-h` },
      el('div', { class: 'camp-head' }, el('div', { class: 'camp-title' }, title, badges), el('div', { class: 'camp-actions' }, pauseBtn, pacingBtn)),
      body);
    const card = { root, title, badges, pauseBtn, pacingBtn, body, id: c.campaignId };
    pauseBtn.addEventListener('click', () => steer.pauseOrResume(current(card.id)));
    pacingBtn.addEventListener('click', () => steer.pacing(current(card.id)));
    return card;
  }

  function current(id) {
    return (board.data.campaigns || []).find((x) => x.campaignId === id);
  }

  function kv(labelKey, value, { level, cls } = {}) {
    return el('div', { class: `kv-fig${level ? ` fig-${level}` : ''}${cls ? ` ${cls}` : ''}` },
      el('span', { class: 'kv-label', i18n: labelKey }), el('span', { class: 'kv-value' }, value));
  }

  function fillCard(card, c, b) {
    card.title.textContent = c.name;
    card.root.classList.toggle('camp-paused', !!c.paused);
    card.badges.replaceChildren(...[
      el('span', { class: 'pill pill-neutral camp-mode', 'data-mode': c.mode }, label('sup.mode.', c.mode)),
      c.paused ? el('span', { class: 'pill pill-DOWN camp-paused-pill', i18n: 'sup.camp.paused' }) : null,
      c.list && c.list.idleReason ? el('span', { class: 'pill pill-DEGRADED', i18n: 'sup.camp.idle' }) : null].filter(Boolean));
    setText(card.pauseBtn, c.paused ? 'sup.camp.resume' : 'sup.camp.pause');
    card.pauseBtn.classList.toggle('btn-danger-text', !c.paused);
    card.pauseBtn.setAttribute('aria-label', t(c.paused ? 'sup.camp.resumeLabel' : 'sup.camp.pauseLabel', { name: c.name }));
    card.pacingBtn.setAttribute('aria-label', t('sup.camp.pacingLabel', { name: c.name }));

    const parts = [];
    if (c.paused) {
      parts.push(el('p', { class: 'camp-note camp-note-bad' }, t('sup.camp.pausedBy', {
        who: c.pausedBy || '—', time: c.pausedAt ? dayTime(c.pausedAt, b.timeZone) : '—'
      })));
    }
    parts.push(el('p', { class: 'camp-plan' },
      el('strong', { class: 'camp-lines' }, t('sup.camp.lines', { n: c.linesPerAgent === null || c.linesPerAgent === undefined ? '—' : Number(c.linesPerAgent).toFixed(1) })),
      c.why ? el('span', { class: 'muted camp-why' }, ` · ${c.why}`) : null));

    const calls = c.calls || {};
    const ag = c.agents || {};
    parts.push(el('div', { class: 'camp-row' },
      el('div', { class: 'camp-group' }, el('h3', { i18n: 'sup.callsNow' }), el('div', { class: 'kv-row' },
        kv('sup.calls.placing', num(calls.placing)), kv('sup.calls.ringing', num(calls.ringing)),
        kv('sup.calls.waiting', num(calls.answeredWaiting), { level: calls.answeredWaiting ? 'warn' : null }), kv('sup.calls.talking', num(calls.talking)))),
      el('div', { class: 'camp-group' }, el('h3', {}, t('sup.agents.loggedIn', { n: num(ag.loggedIn) })), el('div', { class: 'kv-row' },
        kv('sup.agents.ready', num(ag.ready)), kv('sup.agents.reserved', num(ag.reserved)),
        kv('sup.agents.onCall', num(ag.onCall)), kv('sup.agents.wrapUp', num(ag.wrapUp)), kv('sup.agents.paused', num(ag.paused))))));

    const conn = c.connection || {};
    const ab = c.abandon || {};
    const abKv = (w, key) => kv(key, pct(ab[w] && ab[w].rate), { level: abandonLevel(ab[w] && ab[w].rate, ab.limit), cls: `camp-abandon-${w}` });
    parts.push(el('div', { class: 'camp-row' },
      el('div', { class: 'camp-group' }, el('h3', { i18n: 'sup.conn' }), el('div', { class: 'kv-row' },
        kv('sup.w.min15', pct(conn.min15 && conn.min15.rate)), kv('sup.w.hour', pct(conn.hour && conn.hour.rate)), kv('sup.w.today', pct(conn.today && conn.today.rate)))),
      el('div', { class: 'camp-group' }, el('h3', {}, t('sup.abandonVs', { limit: pct(ab.limit) })), el('div', { class: 'kv-row' },
        abKv('hour', 'sup.w.hour'), abKv('day24h', 'sup.w.day24h'), abKv('days30', 'sup.w.days30')))));

    parts.push(listProgress(c, b));
    parts.push(callbackRate(c));
    parts.push(causes(c.hangupCauses, 'sup.causes'));

    const m = c.machines || {};
    const foot = [el('span', {}, t('sup.machines', { min15: num(m.min15), today: num(m.today) }))];
    for (const p of c.pbxes || []) {
      foot.push(el('span', { class: 'camp-pbx' }, el('span', { class: `dot ${p.up ? 'dot-up' : 'dot-down'}`, 'aria-hidden': 'true' }),
        t('sup.camp.pbx', { pbx: p.pbx, ringing: num(p.ringing), dialled: num(p.dialled), agents: num(p.agentsWorking) }),
        p.up ? null : el('span', { class: 'visually-hidden', i18n: 'sup.pbxDown' })));
    }
    parts.push(el('div', { class: 'camp-foot muted' }, foot));
    card.body.replaceChildren(...parts);
  }

  function listProgress(c, b) {
    const l = c.list || {};
    const due = l.due || 0;
    const done = l.done || 0;
    const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': due, 'aria-valuenow': done,
      'aria-label': t('sup.list.progress') }, el('div', { class: 'bar-fill' }));
    bar.firstChild.style.width = `${due ? Math.min(100, (100 * done) / due) : 0}%`;
    return el('div', { class: 'camp-list' },
      el('div', { class: 'camp-list-head' }, el('h3', { i18n: 'sup.list' }),
        el('span', { class: 'camp-list-done' }, t('sup.list.done', { done: num(done), due: num(due) }))),
      bar,
      el('div', { class: 'kv-row kv-small' },
        kv('sup.list.callbacksDue', num(l.callbacksDue)), kv('sup.list.remaining', num(l.remaining)),
        kv('sup.list.expired', num(l.expired), { level: l.expired ? 'bad' : null, cls: 'camp-expired' })),
      l.idleReason ? el('p', { class: 'camp-note camp-idle' }, l.idleReason === 'outside_hours'
        ? t('sup.list.outsideHours', { time: l.nextDialAt ? dayTime(l.nextDialAt, b.timeZone) : '—' })
        : t('sup.list.idle', { reason: label('sup.idle.', l.idleReason), time: l.nextDialAt ? dayTime(l.nextDialAt, b.timeZone) : '—' })) : null);
  }

  function callbackRate(c) {
    const r = c.callbackRate || {};
    const target = r.target ?? 0.95;
    const good = r.good ?? 0.97;
    const level = r.rate === null || r.rate === undefined ? null : r.rate >= good ? 'ok' : r.rate >= target ? 'warn' : 'bad';
    const bar = el('div', { class: 'bar bar-marks', 'aria-hidden': 'true' }, el('div', { class: `bar-fill bar-${level || 'none'}` }),
      el('span', { class: 'bar-mark' }), el('span', { class: 'bar-mark' }));
    // The bar shows 80–100 %: below 80 % nobody needs the detail, above it every point matters.
    const pos = (x) => `${Math.max(0, Math.min(100, ((x - 0.8) / 0.2) * 100))}%`;
    bar.children[0].style.width = pos(r.rate || 0);
    bar.children[1].style.left = pos(target);
    bar.children[2].style.left = pos(good);
    return el('div', { class: 'camp-callback' },
      el('div', { class: 'camp-list-head' }, el('h3', { i18n: 'sup.callback' }),
        el('span', { class: `camp-callback-rate fig-${level || 'none'}` }, pct(r.rate)),
        el('span', { class: 'muted' }, t('sup.callback.detail', { called: num(r.called), due: num(r.due), target: pct(target, 0), good: pct(good, 0) }))),
      bar);
  }

  function causes(list, headingKey) {
    const items = (list || []).filter((x) => x.count > 0);
    const total = items.reduce((s, x) => s + x.count, 0);
    const bar = el('div', { class: 'stack-bar', 'aria-hidden': 'true' });
    for (const x of items) {
      const seg = el('span', { class: `seg cause-${CAUSES.includes(x.class) ? x.class : 'failed'}` });
      seg.style.width = `${(100 * x.count) / total}%`;
      bar.append(seg);
    }
    return el('div', { class: 'camp-causes' },
      el('h3', { i18n: headingKey }),
      total ? bar : null,
      el('ul', { class: 'legend' }, total ? items.map((x) => el('li', {},
        el('span', { class: `swatch cause-${CAUSES.includes(x.class) ? x.class : 'failed'}`, 'aria-hidden': 'true' }),
        `${label('sup.cause.', x.class)} ${num(x.count)}`)) : el('li', { class: 'muted', i18n: 'sup.none' })));
  }

  // ---- the agent grid: a row per agent, kept by id; the clock cells tick every second
  const rows = new Map();

  function level(state, seconds, th) {
    const pair = th && th.stateSeconds && th.stateSeconds[state];
    if (!pair) return 0;
    if (seconds >= pair[1]) return 2;
    if (seconds >= pair[0]) return 1;
    return 0;
  }

  /** redraw: every row again (campaign names, language), not only the rows whose data changed. */
  function renderAgents(redraw) {
    const b = board.data;
    if (!b) return;
    const data = (b.agents && b.agents.rows) || {};
    const filterCampaign = $('agents-campaign').value;
    const hideOut = $('agents-hide-out').checked;
    const body = $('agent-body');
    const list = Object.values(data).filter((r) => r
      && (!filterCampaign || String(r.campaignId) === filterCampaign)
      && (!hideOut || r.state !== 'logged_out'));
    list.sort((x, y) => (STATE_ORDER[x.state] ?? 9) - (STATE_ORDER[y.state] ?? 9)
      || String(x.name || x.username).localeCompare(String(y.name || y.username), 'zh-CN'));
    const keep = new Set(list.map((r) => String(r.agentId)));
    for (const [id, row] of rows) if (!keep.has(id)) { row.tr.remove(); rows.delete(id); }
    let prev = null;
    for (const r of list) {
      const id = String(r.agentId);
      let row = rows.get(id);
      if (!row) { row = makeRow(r); rows.set(id, row); }
      if (redraw || row.data !== r) fillRow(row, r, b);
      row.data = r;
      // Only move rows that are out of place, so a focused button keeps its focus.
      const want = prev ? prev.nextSibling : body.firstChild;
      if (want !== row.tr) body.insertBefore(row.tr, want);
      prev = row.tr;
    }
    if (!list.length) {
      body.replaceChildren(el('tr', { class: 'sup-empty' }, el('td', { colspan: 11, class: 'muted', i18n: 'sup.noAgents' })));
      rows.clear();
    } else {
      const empty = body.querySelector('.sup-empty');
      if (empty) empty.remove();
    }
    setText($('agents-count'), 'sup.agentsShown', { shown: num(list.length), all: num(Object.values(data).filter(Boolean).length) });
    renderLegend(b.thresholds);
    tick();
  }

  function makeRow(r) {
    const cells = {
      name: el('td', { class: 'name-cell' }),
      state: el('td', { class: 'state-cell' }),
      pause: el('td', { class: 'pause-cell' }),
      campaign: el('td', { class: 'campaign-cell' }),
      customer: el('td', { class: 'mono customer-cell' }),
      talk: el('td', { class: 'num talk-cell mono' }),
      calls: el('td', { class: 'num' }),
      successes: el('td', { class: 'num' }),
      handle: el('td', { class: 'num mono' }),
      qa: el('td', { class: 'num' }),
      actions: el('td', { class: 'actions-cell' })
    };
    const stateLabel = el('span', { class: 'state-label' });
    const clock = el('span', { class: 'state-clock mono' });
    cells.state.append(stateLabel, clock);
    const listenBtn = el('button', { type: 'button', class: 'btn btn-small agent-listen', 'data-id': r.agentId, i18n: 'sup.listen.listen' });
    const moreBtn = el('button', { type: 'button', class: 'btn btn-small agent-more', 'data-id': r.agentId, 'aria-haspopup': 'dialog', i18n: 'sup.agent.more' });
    cells.actions.append(el('div', { class: 'row-actions' }, listenBtn, moreBtn));
    const tr = el('tr', { class: 'agent-row', 'data-id': r.agentId }, ...Object.values(cells));
    const row = { tr, cells, stateLabel, clock, listenBtn, moreBtn, id: r.agentId };
    listenBtn.addEventListener('click', () => steer.listen(board.data.agents.rows[row.id], 'listen'));
    moreBtn.addEventListener('click', () => steer.agentMenu(board.data.agents.rows[row.id]));
    return row;
  }

  function fillRow(row, r, b) {
    const name = r.name || r.username;
    row.cells.name.replaceChildren(...[el('span', { class: 'agent-name' }, name),
      r.username && r.name && r.name !== r.username ? el('span', { class: 'muted username' }, ` ${r.username}`) : null].filter(Boolean));
    row.tr.dataset.state = r.state;
    setText(row.stateLabel, `sup.state.${STATES.includes(r.state) ? r.state : 'logged_out'}`);
    const over = r.state === 'paused' && r.pauseLimitSeconds && (board.now() - r.since) / 1000 >= r.pauseLimitSeconds;
    row.cells.pause.replaceChildren(r.state === 'paused' && r.pauseReason
      ? el('span', { class: `pause-reason${over ? ' over' : ''}` }, label('sup.reason.', r.pauseReason),
        r.pauseLimitSeconds ? el('span', { class: 'muted' }, ` / ${dur(r.pauseLimitSeconds)}`) : null)
      : '');
    row.cells.campaign.textContent = r.campaignId ? campaignName(r.campaignId) : '';
    row.cells.customer.textContent = r.customer || '';
    row.cells.calls.textContent = num(r.today && r.today.calls);
    row.cells.successes.textContent = num(r.today && r.today.successes);
    row.cells.handle.textContent = dur(r.today && r.today.meanHandleSeconds);
    row.cells.qa.textContent = r.qaMonth && r.qaMonth.score !== null && r.qaMonth.score !== undefined ? Number(r.qaMonth.score).toFixed(1) : '—';
    row.cells.qa.title = r.qaMonth ? t('sup.qaEvaluations', { n: r.qaMonth.evaluations }) : '';
    row.listenBtn.disabled = r.state !== 'on_call';
    row.listenBtn.setAttribute('aria-label', t('sup.listen.listenTo', { name }));
    row.moreBtn.setAttribute('aria-label', t('sup.agent.moreFor', { name }));
  }

  /** Every second: times in state and talk times from the server's clock, and the colours that follow from them. */
  function tick() {
    const b = board.data;
    if (!b) return;
    const now = board.now();
    for (const row of rows.values()) {
      const r = b.agents.rows[row.id];
      if (!r) continue;
      const secs = r.since ? Math.max(0, (now - r.since) / 1000) : 0;
      row.clock.textContent = r.state === 'logged_out' ? '' : dur(secs);
      const lv = r.state === 'logged_out' ? 0 : level(r.state, secs, b.thresholds);
      if (row.tr.dataset.level !== String(lv)) row.tr.dataset.level = String(lv);
      if (r.state === 'on_call') {
        row.cells.talk.textContent = dur(secs); // on_call's since is the bridge: the talk so far
      } else {
        row.cells.talk.textContent = '';
      }
      const reason = row.cells.pause.firstChild;
      if (reason && r.pauseLimitSeconds) reason.classList.toggle('over', secs >= r.pauseLimitSeconds);
    }
  }
  setInterval(tick, 1000);

  function renderLegend(th) {
    const box = $('agents-legend');
    const s = (th && th.stateSeconds) || {};
    box.replaceChildren(...['ready', 'on_call', 'wrap_up', 'paused'].map((st) => el('span', { class: 'legend-item' },
      el('span', { class: 'legend-state' }, t(`sup.state.${st}`)),
      ...[0, 1, 2].map((lv) => el('span', { class: `swatch swatch-${st}-${lv}`, title: lv ? `≥ ${dur((s[st] || [])[lv - 1])}` : '' })))));
  }

  // ---- dealers and PBXes
  function renderDealers(b) {
    const list = b.dealers || [];
    $('dealer-body').replaceChildren(...(list.length ? list.map((d) => {
      const m = d.month || {};
      const need = m.need || 10;
      const bar = el('div', { class: 'bar bar-small', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': need, 'aria-valuenow': m.success || 0 },
        el('div', { class: `bar-fill ${(m.success || 0) >= need ? 'bar-ok' : ''}` }));
      bar.firstChild.style.width = `${Math.min(100, (100 * (m.success || 0)) / need)}%`;
      const errors = Object.entries(m.errorsByKind || {}).filter(([, n]) => n > 0);
      return el('tr', { class: m.belowRate ? 'below-rate' : null, 'data-id': d.dealerId },
        el('td', { class: 'name-cell' }, d.name, el('span', { class: 'muted dealer-camp' }, ` ${campaignName(d.campaignId)}`)),
        el('td', { class: 'num' }, `${num(d.today && d.today.success)} / ${num(d.today && d.today.error)}`),
        el('td', { class: 'month-cell' }, el('span', { class: 'month-n' }, `${num(m.success)} / ${num(need)}`), bar),
        el('td', { class: `num rate-cell${m.belowRate ? ' fig-bad' : ''}` }, pct(m.successRate), m.belowRate ? el('span', { class: 'visually-hidden', i18n: 'sup.belowRate' }) : null),
        el('td', {}, errors.length ? errors.map(([k, n]) => el('span', { class: 'chip' }, `${label('sup.errorKind.', k)} ${num(n)}`)) : el('span', { class: 'muted' }, '—')));
    }) : [el('tr', {}, el('td', { colspan: 5, class: 'muted', i18n: 'sup.none' }))]));
  }

  // ---- casework (issue 20): each count links to the cases page's list it counts
  const CASEWORK = [
    ['overdueCases', '/cases.html?tab=cases&overdue=true', true],
    ['openCases', '/cases.html?tab=cases', false],
    ['secondCallbacksDue', '/cases.html?tab=cases&status=handled', false],
    ['secondCallbacksOverdue', '/cases.html?tab=cases&status=handled', true],
    ['appealsOpen', '/cases.html?tab=appeals', false],
    ['plansLate', '/cases.html?tab=plans&late=true', true],
  ];
  function renderCasework(b) {
    const c = b.casework;
    $('casework-body').replaceChildren(...CASEWORK.map(([key, href, bad]) => el('div', { class: 'sup-cw-item', 'data-key': key },
      el('dt', { i18n: `sup.cw.${key}` }),
      el('dd', { class: `num${bad && c && c[key] > 0 ? ' fig-bad' : ''}` },
        el('a', { href }, c ? num(c[key]) : '—')))));
  }

  function renderPbxes(b) {
    const list = b.pbxes || [];
    $('pbx-body').replaceChildren(...(list.length ? list.map((p) => el('tr', { 'data-pbx': p.pbx },
      el('td', { class: 'mono' }, p.pbx),
      el('td', {}, el('span', { class: `pill ${p.up ? 'pill-UP' : 'pill-DOWN'}`, i18n: p.up ? 'sup.pbxUp' : 'sup.pbxDown' })),
      el('td', { class: 'num' }, num(p.ringing)), el('td', { class: 'num' }, num(p.talking)),
      el('td', { class: 'num' }, num(p.dialled)), el('td', { class: 'num' }, num(p.agentsWorking))))
      : [el('tr', {}, el('td', { colspan: 6, class: 'muted', i18n: 'sup.none' }))]));
  }
}
