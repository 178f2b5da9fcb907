// DMS customer-list imports (admins): upload with progress, then the import's report.
import { addStrings, t, setText, getLang, onLangChange } from './i18n.js';
import { boot, api, describeError, el, toLogin } from './shell.js';
import strings from './i18n/imports.js';

addStrings(strings);

let campaigns = [];
let dealers = [];
let lastReport = null;

const $ = (id) => document.getElementById(id);

function message(box, kind, text) {
  box.className = `form-message ${kind}`;
  delete box.dataset.i18n;
  box.textContent = text;
}

async function load() {
  const [c, d] = await Promise.all([api('/api/campaigns'), api('/api/dealers')]);
  campaigns = c.campaigns || [];
  dealers = d.dealers || [];
  render();
}

function render() {
  const keepC = $('imp-campaign').value;
  $('imp-campaign').replaceChildren(...campaigns.map((c) => el('option', { value: c.id, selected: String(c.id) === keepC }, c.name)));
  fillDealersForCampaign();
  if (lastReport) renderReport(lastReport);
}

function fillDealersForCampaign() {
  const c = campaigns.find((x) => String(x.id) === $('imp-campaign').value);
  const list = dealers.filter((d) => c && c.dealerIds.includes(d.id));
  $('imp-dealer').replaceChildren(...list.map((d) => el('option', { value: d.id }, `${d.code} ${d.name}`)));
}

// ------------------------------------------------------------------ import with progress

function showProgress(fraction, key, params) {
  $('imp-progress').hidden = false;
  $('imp-bar').style.width = `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
  setText($('imp-progress-text'), key, params);
}

function upload(form) {
  // XMLHttpRequest, not fetch: only it reports upload progress.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports');
    xhr.setRequestHeader('Accept-Language', getLang());
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) showProgress(e.loaded / e.total * 0.3, 'imp.uploading', { pct: Math.round(e.loaded / e.total * 100) });
    });
    xhr.addEventListener('load', () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 401) toLogin('expired');
      if (xhr.status === 202) resolve(body.import);
      else reject(new Error(body.message || `HTTP ${xhr.status}`));
    });
    xhr.addEventListener('error', () => reject(new Error(t('error.network'))));
    xhr.send(new FormData(form));
  });
}

async function runImport(ev) {
  ev.preventDefault();
  const form = ev.target;
  const box = $('imp-message');
  if (!$('imp-file').files.length) {
    message(box, 'error', t('imp.noFile'));
    return;
  }
  $('imp-submit').disabled = true;
  $('imp-dry').value = 'true';
  message(box, 'info', '');
  $('imp-report').replaceChildren();
  lastReport = null;
  try {
    const started = await upload(form);
    let imp;
    for (;;) {
      imp = (await api(`/api/imports/${started.id}`)).import;
      if (imp.status !== 'running') break;
      const p = imp.progress || { phase: 'reading', done: 0, total: 0 };
      if (p.phase === 'writing' && p.total) showProgress(0.6 + 0.4 * p.done / p.total, 'imp.writing', { done: p.done, total: p.total });
      else showProgress(0.45, 'imp.reading', { done: p.done });
      await new Promise((r) => setTimeout(r, 500));
    }
    showProgress(1, `imp.status.${imp.status}`);
    lastReport = imp;
    renderReport(imp);
  } catch (e) {
    message(box, 'error', describeError(e));
  } finally {
    $('imp-submit').disabled = false;
  }
}

function renderReport(imp) {
  const zh = getLang() !== 'en';
  const out = [];
  if (imp.status === 'failed' && imp.error) {
    out.push(el('p', { class: 'form-message error', role: 'alert' }, zh ? imp.error.messageZh : imp.error.message));
  }
  const r = imp.report;
  if (r) {
    const flagged = Object.entries(r.flagged || {}).map(([k, n]) => `${t(`special.${k}`)} ${n}`).join('、') || '0';
    out.push(el('dl', { class: 'kv report-kv' },
      kv('imp.r.status', t(`imp.status.${imp.status}`)),
      kv('imp.r.rowsRead', r.rowsRead), kv('imp.r.accepted', r.accepted), kv('imp.r.flagged', flagged),
      kv('imp.r.rejected', r.rejectedRows), kv('imp.r.duplicates', (r.duplicatePhones || []).length),
      r.alreadyPresent !== undefined ? kv('imp.r.alreadyPresent', r.alreadyPresent) : null,
      r.encoding ? kv('imp.r.encoding', r.encoding) : null));
    if ((r.rejected || []).length) {
      out.push(el('div', { class: 'table-wrap' }, el('table', {},
        el('thead', {}, el('tr', {}, ...['imp.r.row', 'imp.r.column', 'imp.r.value', 'imp.r.reason'].map((k) => el('th', { scope: 'col', i18n: k })))),
        el('tbody', {}, ...r.rejected.map((x) => el('tr', {}, el('td', {}, String(x.row)),
          el('td', {}, `${x.column}${x.columnLetter ? ` (${x.columnLetter})` : ''}`), el('td', {}, x.value || ''),
          el('td', {}, zh ? x.messageZh : x.message)))))));
    }
  }
  $('imp-report').replaceChildren(...out);
}

function kv(key, value) {
  return el('div', {}, el('dt', { i18n: key }), el('dd', {}, String(value)));
}

const me = await boot();
if (me) {
  $('imp-form').addEventListener('submit', runImport);
  $('imp-campaign').addEventListener('change', fillDealersForCampaign);
  onLangChange(render);
  try {
    await load();
  } catch (e) {
    message($('imp-message'), 'error', describeError(e));
  }
}
