// The charts tab: GET /api/supervisor/charts for a day (and a campaign), drawn with Apache ECharts, which our own
// server hands out (web.VendorFiles; no CDN) and which is loaded only when the tab is first opened.
// Tooltips are drawn on the canvas (renderMode 'richText'): the page's Content-Security-Policy refuses the inline
// styles of ECharts' HTML tooltips.
import { t, getLang, onLangChange, setText } from './i18n.js';
import { api, describeError } from './shell.js';
import { today } from './sup-format.js';

export const ECHARTS_URL = '/vendor/echarts-6.0.0.esm.min.js';

const $ = (id) => document.getElementById(id);
const COLORS = { conn: '#1f5fae', abandon: '#b42318', limit: '#8a5a00', ready: '#4aa3df', reserved: '#7cc47c', onCall: '#7b4fb8', wrapUp: '#9aa5b1', paused: '#d4a017', busy: '#17733a' };

export function chartsView({ board }) {
  let echarts = null;
  let charts = {};
  let data = null;
  let started = false;

  async function load() {
    const msg = $('charts-message');
    msg.className = 'form-message';
    msg.textContent = '';
    try {
      if (!echarts) echarts = await import(ECHARTS_URL);
      const q = new URLSearchParams({ day: $('charts-day').value });
      if ($('charts-campaign').value) q.set('campaignId', $('charts-campaign').value);
      data = await api(`/api/supervisor/charts?${q}`);
      draw();
    } catch (e) {
      msg.className = 'form-message error';
      setText(msg, 'sup.error', { reason: describeError(e) });
    }
  }

  function chart(id) {
    if (charts[id]) return charts[id];
    const node = $(id);
    charts[id] = echarts.init(node, null, { renderer: 'canvas', locale: getLang() === 'en' ? 'EN' : 'ZH' });
    return charts[id];
  }

  function base() {
    return {
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: 56, right: 24, top: 40, bottom: 56 },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      legend: { top: 4 },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      xAxis: { type: 'category', data: data.minutes || [], boundaryGap: false }
    };
  }

  const percentAxis = (max) => ({ type: 'value', min: 0, max, axisLabel: { formatter: (v) => `${Math.round(v * 1000) / 10}%` } });
  const pctValue = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

  function draw() {
    if (!data || !echarts) return;
    const limit = data.abandonLimit;
    // Abandonment lives near the limit (a few per cent), connection rate near 40 %: each gets its own axis, the
    // abandonment axis reaching twice the limit so the limit line sits mid-height.
    const abandonMax = Math.max(limit ? 2 * limit : 0.05, ...(data.abandonRate || []).filter((v) => typeof v === 'number'));
    chart('chart-rates').setOption(Object.assign(base(), {
      grid: { left: 56, right: 56, top: 40, bottom: 56 },
      yAxis: [Object.assign(percentAxis(null), { name: t('sup.chart.conn'), nameTextStyle: { color: COLORS.conn } }),
        Object.assign(percentAxis(abandonMax), { name: t('sup.chart.abandon'), nameTextStyle: { color: COLORS.abandon }, splitLine: { show: false } })],
      tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: pctValue },
      series: [
        { name: t('sup.chart.conn'), type: 'line', showSymbol: false, data: data.connectionRate || [], color: COLORS.conn, connectNulls: false },
        { name: t('sup.chart.abandon'), type: 'line', yAxisIndex: 1, showSymbol: false, data: data.abandonRate || [], color: COLORS.abandon,
          markLine: limit === null || limit === undefined ? undefined : {
            symbol: 'none', silent: true, lineStyle: { color: COLORS.limit, type: 'dashed', width: 2 },
            label: { formatter: t('sup.chart.limit', { limit: pctValue(limit) }), position: 'insideEndTop' },
            data: [{ yAxis: limit }]
          } }
      ]
    }), true);
    const a = data.agents || {};
    const stack = (key, name, color) => ({ name, type: 'line', stack: 'agents', areaStyle: {}, showSymbol: false, data: a[key] || [], color });
    chart('chart-agents').setOption(Object.assign(base(), {
      yAxis: { type: 'value', minInterval: 1 },
      series: [stack('onCall', t('sup.agents.onCall'), COLORS.onCall), stack('wrapUp', t('sup.agents.wrapUp'), COLORS.wrapUp),
        stack('reserved', t('sup.agents.reserved'), COLORS.reserved), stack('ready', t('sup.agents.ready'), COLORS.ready),
        stack('paused', t('sup.agents.paused'), COLORS.paused)]
    }), true);
    chart('chart-busy').setOption(Object.assign(base(), {
      yAxis: percentAxis(1),
      tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: pctValue },
      series: [{ name: t('sup.chart.busyShare'), type: 'line', showSymbol: false, areaStyle: { opacity: 0.15 }, data: data.busyShare || [], color: COLORS.busy }]
    }), true);
  }

  function dispose() {
    for (const c of Object.values(charts)) c.dispose();
    charts = {};
  }

  $('charts-form').addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  window.addEventListener('resize', () => { for (const c of Object.values(charts)) c.resize(); });
  // ECharts takes its locale at init: a language switch builds the charts again.
  onLangChange(() => { if (echarts) { dispose(); draw(); } });

  return {
    show() {
      if (!started) {
        started = true;
        $('charts-day').value = today(board.data && (board.data.dayZone || board.data.timeZone));
        load();
      } else {
        for (const c of Object.values(charts)) c.resize();
      }
    },
    /** For tests: the drawn charts. */
    get charts() { return charts; }
  };
}
