// Dealer scores by month and the voice-of-the-customer report (网点得分与客户之声), docs/report-api.md.
// Staff (supervisors, admins): the months computed, compute/recompute, the workflow (编制 → 审核 → 批准, reopen) with
// who did each step, the ranking, the checks before publishing with their rows, one dealer's report, XLSX and PDF.
// A dealer user (网点): its own dealer's report of a month once approved, nothing else. Charts: Apache ECharts from
// our own server (no CDN), loaded when a report is first shown; tooltips drawn on the canvas (the page's CSP
// refuses inline styles).
import { addStrings, t, setText, getLang, onLangChange, formatDateTime } from './i18n.js';
import { boot, api, ApiError, describeError, el, notify, confirmDialog } from './shell.js';
import strings from './i18n/reports.js';

addStrings(strings);

const ECHARTS_URL = '/vendor/echarts-6.0.0.esm.min.js';
const $ = (id) => document.getElementById(id);
const LOYALTY = ['surely', 'probably', 'unsure', 'probablyNot', 'surelyNot'];
const LOYALTY_COLORS = ['#1f5fae', '#7fb0de', '#c9ced6', '#f0b27a', '#b42318'];
const RULES = { success_rate: 'rep.rule.success_rate', too_few_samples: 'rep.rule.too_few_samples',
  data_audit: 'rep.rule.data_audit', volume_check: 'rep.rule.volume_check', plan_late: 'rep.rule.plan_late' };
const STATES = { draft: 'rep.state.draft', reviewed: 'rep.state.reviewed', approved: 'rep.state.approved' };
const CHECKS = [['validVolume', 'rep.check.validVolume'], ['falsified', 'rep.check.falsified'],
  ['wrongInformation', 'rep.check.wrongInformation'], ['expiredNotCalled', 'rep.check.expiredNotCalled']];

const num = (v, d = 2) => (v === null || v === undefined ? '—' : Number(v).toFixed(d));
const pct = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
const signed = (v, d = 2) => (v === null || v === undefined ? '—' : `${v > 0 ? '+' : ''}${Number(v).toFixed(d)}`);

const me = await boot();
if (me) start(me);

function start(user) {
  const dealerUser = user.role === 'dealer';
  const state = { kind: 'csi', month: null, ranking: null, dealerId: null, voc: null, tab: 'ranking', checks: null };
  let echarts = null;
  const charts = {};

  document.querySelectorAll('.staff-only').forEach((n) => { if (dealerUser) n.hidden = true; });
  const q = new URLSearchParams(location.search);
  state.kind = q.get('kind') === 'ssi' ? 'ssi' : 'csi';
  state.month = /^\d{4}-\d{2}$/.test(q.get('month') || '') ? q.get('month') : lastMonth();
  state.dealerId = dealerUser ? user.dealerId : (q.get('dealer') ? Number(q.get('dealer')) : null);
  $('rep-kind').value = state.kind;
  $('rep-month').value = state.month;

  $('rep-kind').addEventListener('change', () => pick());
  $('rep-month').addEventListener('change', () => pick());
  $('rep-pick').addEventListener('submit', (ev) => { ev.preventDefault(); compute(); });
  $('rep-review').addEventListener('click', () => step('review'));
  $('rep-approve').addEventListener('click', () => step('approve'));
  $('rep-reopen').addEventListener('click', () => {
    // The product's own dialog, not the browser's confirm(): it names the month and what reopening undoes.
    confirmDialog({ id: 'reopen-confirm', titleKey: 'rep.reopenTitle', titleArgs: { month: state.month },
      messageKey: 'rep.confirmReopen', messageArgs: { month: state.month }, confirmKey: 'rep.reopenOk',
      confirmArgs: { month: state.month }, danger: true }).then((ok) => { if (ok) step('reopen'); });
  });
  document.querySelectorAll('.rep-tab').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab)));
  onLangChange(() => { renderAll(); });
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

  if (dealerUser) {
    showTab('report');
    loadVoc();
  } else {
    loadMonths();
    loadRanking().then(() => {
      if (state.dealerId) openDealer(state.dealerId, q.get('tab') !== 'ranking');
      else if (q.get('tab') === 'checks') showTab('checks');
    });
  }

  function lastMonth() {
    const d = new Date();
    d.setDate(1);
    d.setMonth(d.getMonth() - 1);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
  }

  function base() {
    return `/api/reports/months/${state.kind}/${state.month}`;
  }

  function remember() {
    const p = new URLSearchParams({ kind: state.kind, month: state.month });
    if (state.dealerId && !dealerUser) p.set('dealer', state.dealerId);
    if (state.tab !== 'ranking') p.set('tab', state.tab);
    history.replaceState(null, '', `?${p}`);
  }

  function message(kind, key, params) {
    const box = $('rep-message');
    box.className = kind ? `form-message ${kind}` : 'form-message';
    if (key) setText(box, key, params);
    else { delete box.dataset.i18n; box.textContent = ''; }
  }

  function pick() {
    state.kind = $('rep-kind').value;
    state.month = $('rep-month').value || state.month;
    state.voc = null;
    state.checks = null;
    remember();
    if (dealerUser) loadVoc();
    else loadRanking().then(() => { if (state.dealerId && state.tab === 'report') openDealer(state.dealerId, true); });
  }

  // ---------------------------------------------------------------- months and workflow (staff)

  async function loadMonths() {
    try {
      const data = await api('/api/reports/months');
      const months = (data && data.months) || [];
      const body = $('rep-months-body');
      if (!months.length) {
        body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted', i18n: 'rep.noMonths' })));
        return;
      }
      body.replaceChildren(...months.map((m) => {
        const current = m.kind === state.kind && m.month === state.month;
        const link = el('a', { href: `?kind=${m.kind}&month=${m.month}`, 'aria-current': current ? 'true' : null,
          onclick: (ev) => { ev.preventDefault(); $('rep-kind').value = m.kind; $('rep-month').value = m.month; pick(); } },
        m.month);
        return el('tr', { class: current ? 'current' : null },
          el('td', {}, link, ' ', el('span', { class: `pill rep-state-${m.state}`, i18n: STATES[m.state] })),
          el('td', {}, m.kind.toUpperCase()),
          ...['drafted', 'reviewed', 'approved'].map((s) => el('td', { class: 'muted' }, stepText(m.steps && m.steps[s]))));
      }));
    } catch (e) {
      message('error', 'rep.error', { reason: describeError(e) });
    }
  }

  function stepText(s) {
    return s ? t('rep.step.by', { name: s.byName || '—', at: formatDateTime(s.at) }) : t('rep.step.none');
  }

  async function compute() {
    state.kind = $('rep-kind').value;
    state.month = $('rep-month').value;
    const button = $('rep-compute');
    button.disabled = true;
    try {
      await api('/api/reports/months', { method: 'POST', body: { kind: state.kind, month: state.month } });
      message('success', 'rep.computed', { month: state.month });
      await Promise.all([loadMonths(), loadRanking()]);
    } catch (e) {
      message('error', 'rep.error', { reason: describeError(e) });
    } finally {
      button.disabled = false;
    }
  }

  async function step(action) {
    try {
      await api(`${base()}/${action}`, { method: 'POST', body: {} });
      notify(t('rep.done', { action: t(`rep.${action}`) }), 'success');
      await Promise.all([loadMonths(), loadRanking()]);
      if (state.dealerId && state.tab === 'report') openDealer(state.dealerId, true);
    } catch (e) {
      message('error', 'rep.error', { reason: describeError(e) });
    }
  }

  function renderFlow() {
    const r = state.ranking;
    $('rep-flow').hidden = !r;
    $('rep-tabs').hidden = !r;
    if (!r) return;
    const steps = r.steps || {};
    $('rep-flow-steps').replaceChildren(
      el('span', { class: `pill rep-state-${r.state}`, i18n: STATES[r.state] }),
      ...['drafted', 'reviewed', 'approved'].map((s) => el('span', { class: `rep-step${steps[s] ? ' done' : ''}` },
        el('strong', { i18n: `rep.step.${s}` }), ' ', stepText(steps[s]))));
    $('rep-review').hidden = r.state !== 'draft';
    $('rep-approve').hidden = r.state !== 'reviewed';
    $('rep-reopen').hidden = r.state === 'draft';
    $('rep-compute').textContent = t(r.state === 'draft' ? 'rep.recompute' : 'rep.compute');
    $('rep-compute').disabled = r.state !== 'draft';
    $('dl-ranking').href = `${base()}/ranking.xlsx`;
    $('dl-samples').href = `${base()}/samples.xlsx`;
  }

  // ---------------------------------------------------------------- ranking (staff)

  async function loadRanking() {
    message(null);
    try {
      state.ranking = await api(base());
    } catch (e) {
      state.ranking = null;
      if (e instanceof ApiError && e.status === 404) message('', 'rep.notComputed', { month: state.month });
      else message('error', 'rep.error', { reason: describeError(e) });
    }
    $('rep-compute').disabled = false;
    if (!state.ranking) $('rep-compute').textContent = t('rep.compute');
    renderFlow();
    renderRanking();
    showTab(state.ranking ? state.tab : null);
  }

  function renderRanking() {
    const r = state.ranking;
    const body = $('rep-ranking-body');
    if (!r) { body.replaceChildren(); return; }
    const avg = r.averages || {};
    $('rep-averages').replaceChildren(el('span', {}, `${t('rep.avg.all')}: ${num(avg.all)}`),
      ...Object.entries(avg.regions || {}).map(([k, v]) => el('span', {}, `${k}: ${num(v)}`)));
    body.replaceChildren(...(r.dealers || []).map((d) => {
      const total = (d.deductions || []).reduce((s, x) => s + Number(x.points || 0), 0);
      const deds = (d.deductions || []).length
        ? el('details', { class: 'rep-deds' }, el('summary', {}, `−${num(total)}`),
          el('ul', {}, ...(d.deductions || []).map((x) => el('li', {},
            el('span', { i18n: RULES[x.rule] || null }, RULES[x.rule] ? null : x.rule), ` −${num(x.points)} `,
            el('span', { class: 'muted' }, dedText(x))))))
        : el('span', { class: 'muted', i18n: 'rep.noDeduction' });
      const open = el('a', { href: `?kind=${state.kind}&month=${state.month}&dealer=${d.dealerId}`,
        onclick: (ev) => { ev.preventDefault(); openDealer(d.dealerId, true); } }, `${d.code} ${d.name}`);
      return el('tr', { 'data-dealer-id': d.dealerId },
        el('td', { class: 'num' }, d.rank == null ? '—' : String(d.rank)),
        el('td', {}, open),
        el('td', {}, d.region || '—'),
        el('td', { class: 'num' }, num(d.raw)),
        el('td', { class: 'num strong' }, num(d.assessment)),
        el('td', { class: `num${d.successRate != null && d.successRate < 0.9 ? ' warn' : ''}` }, pct(d.successRate)),
        el('td', { class: 'num' }, `${d.successful ?? 0} / ${d.errorSamples ?? 0}`),
        el('td', { title: (d.deductions || []).map((x) => `${RULES[x.rule] ? t(RULES[x.rule]) : x.rule}: ${dedText(x)} (−${num(x.points)})`).join('\n') }, deds),
        el('td', { class: 'num' }, d.regionRank == null ? '—' : String(d.regionRank)),
        el('td', { class: `num ${d.monthOnMonth > 0 ? 'up' : d.monthOnMonth < 0 ? 'down' : ''}` }, signed(d.monthOnMonth)));
    }));
  }

  // A deduction as a sentence from its inputs; the wording is rep.ded.* of i18n/reports.js, the same strings the
  // PDF uses (report.DeductionText, DeductionTextTest keeps the two equal).
  function dedText(x) {
    const i = (x && x.inputs) || {};
    const plain = (v) => (v === null || v === undefined ? '—' : String(Number(v)));
    const join = (list) => list.join(t('rep.ded.join'));
    switch (x.rule) {
      case 'success_rate':
        return t('rep.ded.success_rate', { rate: num(i.successRatePercent, 1), successful: i.successful,
          errorSamples: i.errorSamples, target: plain(i.targetPercent), per: plain(i.pointsPerPercent) });
      case 'too_few_samples':
        return t('rep.ded.too_few_samples', { successful: i.successful, minimum: i.minimum, per: plain(i.pointsPerSample) });
      case 'data_audit':
        return t('rep.ded.data_audit', { findings: join((i.findings || []).map((f) => {
          const name = t(`rep.audit.${f}`);
          const pts = (i.points || {})[f];
          return pts === undefined ? name : t('rep.ded.finding', { finding: name, points: plain(pts) });
        })) });
      case 'volume_check':
        return t('rep.ded.volume_check', { result: t(`rep.volume.${i.result}`), points: plain(x.points) });
      case 'plan_late':
        return t('rep.ded.plan_late', { count: (i.plans || []).length, plans: join(i.plans || []), per: plain(i.pointsEach) });
      default:
        return Object.entries(i).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('; ');
    }
  }

  // ---------------------------------------------------------------- checks (staff)

  async function loadChecks() {
    try {
      state.checks = await api(`${base()}/checks`);
      renderChecks();
    } catch (e) {
      message('error', 'rep.error', { reason: describeError(e) });
    }
  }

  function renderChecks() {
    const c = state.checks;
    if (!c) return;
    $('rep-checks').replaceChildren(...CHECKS.map(([key, label]) => {
      const part = c[key] || { rows: [], count: 0 };
      const rows = part.rows || [];
      const cols = rows.length ? Object.keys(rows[0]) : [];
      return el('details', { class: 'rep-check', open: key === 'validVolume' ? true : null, 'data-check': key },
        el('summary', {}, el('strong', { i18n: label }), ' ', el('span', { class: 'pill', i18n: 'rep.check.count', i18nArgs: { n: part.count } })),
        rows.length
          ? el('div', { class: 'table-wrap' }, el('table', { class: 'rep-check-table' },
            el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { scope: 'col' }, k)))),
            el('tbody', {}, ...rows.map((r) => el('tr', {}, ...cols.map((k) => el('td', {}, cell(r[k]))))))))
          : el('p', { class: 'muted', i18n: 'rep.check.empty' }));
    }));
  }

  function cell(v) {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  // ---------------------------------------------------------------- tabs

  function showTab(tab) {
    if (dealerUser) tab = 'report';
    if (tab) state.tab = tab;
    for (const b of document.querySelectorAll('.rep-tab')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    for (const name of ['ranking', 'checks', 'report']) $(`view-${name}`).hidden = name !== tab;
    if (tab === 'checks' && !state.checks && state.ranking) loadChecks();
    if (tab === 'report') Object.values(charts).forEach((c) => c.resize());
    remember();
  }

  // ---------------------------------------------------------------- the voice of the customer

  function openDealer(id, show) {
    state.dealerId = id;
    if (show) showTab('report');
    loadVoc();
  }

  async function loadVoc() {
    $('rep-voc').hidden = true;
    $('rep-pick-dealer').hidden = false;
    if (!state.dealerId) {
      if (dealerUser) setText($('rep-pick-dealer'), 'rep.dealer.noDealer');
      return;
    }
    try {
      state.voc = await api(`${base()}/dealers/${state.dealerId}`);
    } catch (e) {
      state.voc = null;
      if (dealerUser && e instanceof ApiError && e.status === 403) setText($('rep-pick-dealer'), 'rep.dealer.notApproved');
      else if (e instanceof ApiError && e.status === 404) setText($('rep-pick-dealer'), 'rep.dealer.none');
      else message('error', 'rep.error', { reason: describeError(e) });
      return;
    }
    $('rep-pick-dealer').hidden = true;
    $('rep-voc').hidden = false;
    remember();
    try {
      if (!echarts) echarts = await import(ECHARTS_URL);
    } catch (e) {
      message('error', 'rep.error', { reason: describeError(e) });
    }
    renderVoc();
  }

  function renderAll() {
    renderFlow();
    renderRanking();
    renderChecks();
    loadMonths();
    if (state.voc) renderVoc();
  }

  function renderVoc() {
    const v = state.voc;
    if (!v) return;
    const d = v.dealer || {};
    const s = v.score || {};
    const loy = v.loyalty || {};
    $('voc-name').textContent = `${d.name || ''} (${d.code || ''})`;
    $('voc-meta').replaceChildren(`${v.month} · ${String(v.kind).toUpperCase()} · `,
      el('span', { class: `pill rep-state-${v.state}`, i18n: STATES[v.state] }),
      d.region ? ` · ${d.region}` : '', d.group ? ` · ${d.group}` : '');
    const pdf = (lang) => `${base()}/dealers/${state.dealerId}/report.pdf?lang=${lang}`;
    $('dl-pdf-zh').href = pdf('zh');
    $('dl-pdf-en').href = pdf('en');
    const kpi = (key, value) => el('div', { class: 'rep-kpi' }, el('span', { class: 'muted', i18n: key }), el('strong', {}, value));
    $('voc-kpis').replaceChildren(
      kpi('rep.kpi.raw', num(s.raw)),
      kpi('rep.kpi.assessment', num(s.assessment)),
      kpi('rep.kpi.successRate', pct(s.successRate)),
      kpi('rep.kpi.rank', s.rank == null ? '—' : `${s.rank} / ${s.of ?? '—'}`),
      kpi('rep.kpi.regionRank', s.regionRank == null ? '—' : String(s.regionRank)),
      kpi('rep.kpi.leading', loy.leadingIndex == null ? '—' : `${loy.leadingIndex > 0 ? '+' : ''}${(loy.leadingIndex * 100).toFixed(1)}%`),
      kpi('rep.kpi.loyal', pct(loy.loyalShare)),
      kpi('rep.kpi.detractor', pct(loy.detractorShare)));
    const c = s.counts || {};
    setText($('voc-counts'), 'rep.counts', { samples: c.samples ?? 0, successful: c.successful ?? 0,
      errorSamples: c.errorSamples ?? 0, voided: c.voided ?? 0, falsified: c.falsified ?? 0, appealedAway: c.appealedAway ?? 0 });
    renderDeductions(s.deductions || []);
    renderWeak(v);
    renderVerbatims(v.verbatims || []);
    const e = v.execution || {};
    setText($('voc-exec-text'), 'rep.exec.text', { called: e.called ?? 0, due: e.due ?? 0 });
    $('voc-competitors-card').hidden = !(v.kind === 'ssi' || (v.competitors || []).length);
    drawCharts(v);
  }

  function renderDeductions(list) {
    $('voc-deductions').replaceChildren(list.length
      ? el('table', { class: 'rep-small-table' },
        el('thead', {}, el('tr', {}, el('th', { i18n: 'rep.col.rule' }), el('th', { i18n: 'rep.col.inputs' }), el('th', { class: 'num', i18n: 'rep.col.points' }))),
        el('tbody', {}, ...list.map((x) => el('tr', {},
          el('td', { i18n: RULES[x.rule] || null }, RULES[x.rule] ? null : x.rule),
          el('td', { class: 'muted' }, dedText(x)), el('td', { class: 'num' }, `−${num(x.points)}`)))))
      : el('p', { class: 'muted', i18n: 'rep.noDeduction' }));
  }

  function renderWeak(v) {
    const items = v.weakItems || [];
    const names = Object.fromEntries((v.indicators || []).map((i) => [i.id, i.name]));
    const editable = !dealerUser && (v.state === 'draft' || v.state === 'reviewed');
    if (!items.length) { $('voc-weak').replaceChildren(el('p', { class: 'muted', i18n: 'rep.weak.none' })); return; }
    $('voc-weak').replaceChildren(el('div', { class: 'table-wrap' }, el('table', { class: 'rep-weak' },
      el('thead', {}, el('tr', {}, el('th', { i18n: 'rep.weak.item' }), el('th', { i18n: 'rep.weak.indicator' }),
        el('th', { class: 'num', i18n: 'rep.weak.score' }), el('th', { i18n: 'rep.weak.suggestion' }))),
      el('tbody', {}, ...items.map((w) => {
        let cellNode;
        if (editable) {
          const area = el('textarea', { rows: 2, maxlength: 2000, 'aria-label': `${t('rep.weak.suggestion')}: ${w.label}` });
          area.value = w.suggestion || '';
          const save = el('button', { type: 'button', class: 'btn btn-small', i18n: 'rep.weak.save' });
          save.addEventListener('click', async () => {
            save.disabled = true;
            try {
              await api(`${base()}/dealers/${state.dealerId}/suggestions/${encodeURIComponent(w.itemId)}`,
                { method: 'PUT', body: { text: area.value } });
              w.suggestion = area.value;
              notify(t('rep.weak.saved'), 'success');
            } catch (e) {
              message('error', 'rep.error', { reason: describeError(e) });
            } finally {
              save.disabled = false;
            }
          });
          cellNode = el('div', { class: 'rep-suggest' }, area, save,
            w.suggestionBy ? el('span', { class: 'muted', i18n: 'rep.weak.by', i18nArgs: { name: w.suggestionBy } }) : null);
        } else {
          cellNode = el('span', {}, w.suggestion || '—',
            w.suggestionBy ? el('span', { class: 'muted' }, ` — ${w.suggestionBy}`) : null);
        }
        return el('tr', {}, el('td', {}, w.label || w.itemId), el('td', {}, names[w.indicator] || w.indicator || ''),
          el('td', { class: `num${w.score != null && w.score < 8 ? ' warn' : ''}` }, num(w.score)), el('td', {}, cellNode));
      })))));
  }

  function renderVerbatims(list) {
    if (!list.length) { $('voc-verbatims').replaceChildren(el('p', { class: 'muted', i18n: 'rep.verb.none' })); return; }
    const groups = new Map();
    for (const v of list) {
      const key = v.indicator || '';
      if (!groups.has(key)) groups.set(key, { name: v.indicatorName || key, items: [] });
      groups.get(key).items.push(v);
    }
    $('voc-verbatims').replaceChildren(...[...groups.values()].map((g) => el('div', { class: 'rep-verb-group' },
      el('h4', {}, g.name || '—'),
      el('ul', { class: 'rep-verbs' }, ...g.items.map((v) => el('li', {},
        el('span', { class: `rep-tag ${v.kind === 'complaint' ? 'c' : 's'}`, i18n: v.kind === 'complaint' ? 'rep.verb.complaint' : 'rep.verb.suggestion' }),
        ' ', v.text, ' ', el('span', { class: 'muted' }, v.date || '')))))));
  }

  // ---------------------------------------------------------------- charts

  function chart(id) {
    const node = $(id);
    if (charts[id] && charts[id].getDom() === node && charts[id].__lang === getLang()) return charts[id];
    if (charts[id]) charts[id].dispose();
    charts[id] = echarts.init(node, null, { renderer: 'canvas', locale: getLang() === 'en' ? 'EN' : 'ZH' });
    charts[id].__lang = getLang();
    return charts[id];
  }

  function drawCharts(v) {
    if (!echarts) return;
    const font = getComputedStyle(document.body).fontFamily;
    const common = { animation: false, textStyle: { fontFamily: font }, tooltip: { renderMode: 'richText' } };
    const deepest = Math.min(3, Math.max(0, ...(v.indicators || []).map((i) => i.level || 0)));
    const level3 = (v.indicators || []).filter((i) => i.level === deepest && i.score != null);
    const barsNode = $('chart-indicators');
    barsNode.style.height = `${Math.max(160, 28 * level3.length + 50)}px`;
    chart('chart-indicators').setOption({
      ...common,
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      tooltip: { ...common.tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', min: 0, max: 10 },
      yAxis: { type: 'category', inverse: true, data: level3.map((i) => i.name), axisLabel: { width: 150, overflow: 'truncate' } },
      series: [{ type: 'bar', data: level3.map((i) => ({ value: i.score, itemStyle: { color: i.score < 8 ? '#d9822b' : '#1f5fae' } })),
        label: { show: true, position: 'right', formatter: (p) => Number(p.value).toFixed(2) },
        markLine: { silent: true, symbol: 'none', data: [{ xAxis: 8, label: { formatter: t('rep.line8') } }], lineStyle: { color: '#555' } } }]
    }, true);
    const e = v.execution || {};
    chart('chart-execution').setOption({
      ...common,
      series: [{ type: 'gauge', min: 0, max: 100, radius: '95%', center: ['50%', '60%'], startAngle: 200, endAngle: -20,
        progress: { show: true, width: 14 }, axisLine: { lineStyle: { width: 14 } }, pointer: { show: false },
        axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
        itemStyle: { color: e.rate != null && e.rate < 0.95 ? '#d9822b' : '#17733a' },
        detail: { valueAnimation: false, formatter: (x) => (e.rate == null ? '—' : `${x.toFixed(1)}%`), fontSize: 22, offsetCenter: [0, '-5%'] },
        title: { offsetCenter: [0, '30%'], fontSize: 12 },
        data: [{ value: e.rate == null ? 0 : e.rate * 100, name: t('rep.exec.target') }] }]
    }, true);
    const loy = v.loyalty || {};
    pie('chart-recommend', t('rep.loy.recommend'), loy.recommend || {}, common);
    pie('chart-comeback', t('rep.loy.comeBack'), loy.comeBack || {}, common);
    const comps = v.competitors || [];
    if (!$('voc-competitors-card').hidden) {
      chart('chart-competitors').setOption({
        ...common,
        grid: { left: 8, right: 32, top: 8, bottom: 24, containLabel: true },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: comps.map((c) => c.model) },
        series: [{ type: 'bar', data: comps.map((c) => c.count), itemStyle: { color: '#6b7fa8' }, label: { show: true, position: 'right' } }]
      }, true);
    }
    const tr = v.trend || { months: [], assessment: [] };
    chart('chart-trend').setOption({
      ...common,
      grid: { left: 8, right: 24, top: 16, bottom: 24, containLabel: true },
      tooltip: { ...common.tooltip, trigger: 'axis' },
      xAxis: { type: 'category', data: tr.months || [] },
      yAxis: { type: 'value', scale: true },
      series: [{ type: 'line', data: tr.assessment || [], connectNulls: false, symbolSize: 7, itemStyle: { color: '#1f5fae' },
        label: { show: true, formatter: (p) => (p.value == null ? '' : Number(p.value).toFixed(1)) } }]
    }, true);
  }

  function pie(id, title, answers, common) {
    chart(id).setOption({
      ...common,
      title: { text: title, left: 'center', top: 0, textStyle: { fontSize: 13, fontFamily: common.textStyle.fontFamily } },
      tooltip: { ...common.tooltip, trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
      series: [{ type: 'pie', radius: ['0%', '62%'], center: ['50%', '50%'],
        label: { formatter: (p) => (p.value ? `${p.value} (${p.percent}%)` : '') }, labelLine: { show: true },
        // An answer nobody gave keeps its legend entry but draws no label (nor its line).
        data: LOYALTY.map((k, i) => ({ name: t(`rep.loy.${k}`), value: answers[k] || 0, itemStyle: { color: LOYALTY_COLORS[i] },
          labelLine: { show: !!answers[k] } })) }]
    }, true);
  }
}
