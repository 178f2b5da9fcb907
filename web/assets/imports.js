// DMS customer-list imports (admins): upload with progress; when the file's header is not recognised, the column
// mapping screen (the file's columns, the fields by their names, the first rows as mapped); the import's report
// (rejected rows, duplicate phones with their rows and names, rows of another dealer); the history of imports.
import { addStrings, t, setText, getLang, onLangChange, formatDateTime } from './i18n.js';
import { boot, api, ApiError, describeError, el, toLogin } from './shell.js';
import strings from './i18n/imports.js';

addStrings(strings);

let campaigns = [];
let dealers = [];
/** The import shown in the report panel, redrawn on a language switch. */
let shownImport = null;
/** The mapping screen's state: the preview from the server, the file and form it was made for, field → column. */
let mapping = null;
let history = [];

const $ = (id) => document.getElementById(id);
const zh = () => getLang() !== 'en';

function message(box, kind, text) {
  box.className = `form-message ${kind}`;
  delete box.dataset.i18n;
  box.textContent = text;
}

async function load() {
  const [c, d] = await Promise.all([api('/api/campaigns'), api('/api/dealers')]);
  // Second-callback campaigns get their customers from casework, never from a DMS file.
  campaigns = (c.campaigns || []).filter((x) => x.purpose !== 'second_callback');
  dealers = d.dealers || [];
  render();
}

function render() {
  const keepC = $('imp-campaign').value;
  $('imp-campaign').replaceChildren(...campaigns.map((c) => el('option', { value: c.id, selected: String(c.id) === keepC }, c.name)));
  fillDealersForCampaign();
  if (mapping) renderMapping();
  if (shownImport) renderReport(shownImport);
  renderHistory();
}

function fillDealersForCampaign() {
  const keep = $('imp-dealer').value;
  const c = campaigns.find((x) => String(x.id) === $('imp-campaign').value);
  const list = dealers.filter((d) => c && c.dealerIds.includes(d.id));
  $('imp-dealer').replaceChildren(...list.map((d) => el('option', { value: d.id, selected: String(d.id) === keep }, `${d.code} ${d.name}`)));
}

// ------------------------------------------------------------------ upload with progress

function showProgress(fraction, key, params) {
  $('imp-progress').hidden = false;
  $('imp-bar').style.width = `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
  setText($('imp-progress-text'), key, params);
}

/** POSTs a multipart form with upload progress (XMLHttpRequest: fetch reports none); resolves the JSON body. */
function upload(url, data, share) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', getLang());
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) showProgress(e.loaded / e.total * share, 'imp.uploading', { pct: Math.round(e.loaded / e.total * 100) });
    });
    xhr.addEventListener('load', () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 401) toLogin('expired');
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, { error: 'network', message: t('error.network') })));
    xhr.send(data);
  });
}

function formData(chosen, extra = {}) {
  const data = new FormData();
  data.append('campaignId', chosen.campaignId);
  data.append('dealerId', chosen.dealerId);
  for (const [k, v] of Object.entries(extra)) data.append(k, v);
  data.append('file', chosen.file, chosen.file.name);
  return data;
}

/** What the form says now: the file and where it goes. */
function chosenNow() {
  return {
    campaignId: $('imp-campaign').value, dealerId: $('imp-dealer').value, file: $('imp-file').files[0],
    dryRun: $('imp-dry').checked
  };
}

/** Step one: the header and first rows; straight on to the import when every required field has its column. */
async function runImport(ev) {
  ev.preventDefault();
  const box = $('imp-message');
  const chosen = chosenNow();
  if (!chosen.file) {
    message(box, 'error', t('imp.noFile'));
    $('imp-file').focus();
    return;
  }
  if (!chosen.campaignId || !chosen.dealerId) {
    message(box, 'error', t('imp.noTarget'));
    return;
  }
  closeMapping();
  message(box, 'info', '');
  $('imp-submit').disabled = true;
  try {
    const preview = (await upload('/api/imports/preview', formData(chosen), 0.2)).preview;
    if (preview.missing.length) {
      showProgress(0.2, 'imp.needsMapping');
      openMapping(preview, chosen);
      return;
    }
    // Every required field found (by the dealer's remembered mapping or the usual names): no question to ask.
    await startImport(chosen, null, preview);
  } catch (e) {
    message(box, 'error', describeError(e));
  } finally {
    $('imp-submit').disabled = false;
  }
}

/** Step two: the import itself (with the mapping the admin chose, or none), polled until done. */
async function startImport(chosen, map, preview) {
  const extra = {};
  if (chosen.dryRun) extra.dryRun = 'true';
  if (map) extra.mapping = JSON.stringify(map);
  const started = (await upload('/api/imports', formData(chosen, extra), 0.4)).import;
  let imp;
  for (;;) {
    imp = (await api(`/api/imports/${started.id}`)).import;
    if (imp.status !== 'running') break;
    const p = imp.progress || { phase: 'reading', done: 0, total: 0 };
    if (p.phase === 'writing' && p.total) showProgress(0.6 + 0.4 * p.done / p.total, 'imp.writing', { done: p.done, total: p.total });
    else showProgress(0.5, 'imp.reading', { done: p.done });
    await new Promise((r) => setTimeout(r, 400));
  }
  showProgress(1, `imp.status.${imp.status}`);
  // How the columns were found, for the report to say: mapped here, or the dealer's remembered mapping reused.
  imp.mappedHere = !!map;
  imp.usedSaved = !map && !!(preview && preview.savedMapping);
  showReport(imp);
  loadHistory();
}

// ------------------------------------------------------------------ the column mapping screen

function fieldName(f) {
  return zh() ? f.name : f.nameEn;
}

function columnLabel(c) {
  return c.header ? `${c.letter} · ${c.header}` : `${c.letter} · ${t('map.noHeader')}`;
}

function openMapping(preview, chosen) {
  const byHeader = new Map(preview.columns.map((c) => [c.header, c.index]));
  const chosenCols = {};
  for (const [field, header] of Object.entries(preview.mapping || {})) {
    if (byHeader.has(header)) chosenCols[field] = byHeader.get(header);
  }
  mapping = { preview, chosen, columns: chosenCols };
  $('map-panel').hidden = false;
  renderMapping();
  $('map-panel').scrollIntoView({ block: 'start' });
  const firstMissing = preview.missing[0];
  ($(`map-f-${firstMissing}`) || $('map-submit')).focus();
}

function closeMapping() {
  mapping = null;
  $('map-panel').hidden = true;
  message($('map-message'), '', '');
}

/** Required fields first (in the order the campaign needs them), then the others. */
function orderedFields(preview) {
  return [...preview.fields.filter((f) => f.required), ...preview.fields.filter((f) => !f.required)];
}

function renderMapping() {
  const { preview, chosen, columns } = mapping;
  const missingNames = preview.fields.filter((f) => preview.missing.includes(f.id)).map(fieldName);
  setText($('map-intro'), 'map.intro', { fields: missingNames.join(zh() ? '、' : ', '), row: preview.headerRow || '—' });
  $('map-file').textContent = chosen.file.name;
  const used = countUses(columns);
  $('map-fields').replaceChildren(...orderedFields(preview).map((f) => {
    const id = `map-f-${f.id}`;
    const current = columns[f.id];
    const select = el('select', { id, 'data-field': f.id,
      'aria-invalid': (f.required && current === undefined) || (current !== undefined && used.get(current) > 1) ? 'true' : null },
    el('option', { value: '', selected: current === undefined }, t(f.required ? 'map.choose' : 'map.none')),
    ...preview.columns.map((c) => el('option', { value: String(c.index), selected: c.index === current }, columnLabel(c))));
    select.addEventListener('change', () => {
      if (select.value === '') delete columns[f.id];
      else {
        // A column feeds one field: picking it here takes it from the field that had it (进厂日期 as 出厂日期, not
        // also as 开单日期).
        const i = Number(select.value);
        for (const [other, j] of Object.entries(columns)) if (j === i && other !== f.id) delete columns[other];
        columns[f.id] = i;
      }
      message($('map-message'), '', '');
      renderMapping();
      $(id).focus();
    });
    return el('div', { class: 'field' }, el('label', { for: id }, fieldName(f),
      f.required ? el('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*') : null,
      f.required ? el('span', { class: 'visually-hidden' }, t('map.required')) : null), select);
  }));
  renderMappedPreview();
}

function countUses(columns) {
  const used = new Map();
  for (const i of Object.values(columns)) used.set(i, (used.get(i) || 0) + 1);
  return used;
}

/** The first rows as the import would read them: one column per mapped field, under the field's name. */
function renderMappedPreview() {
  const { preview, columns } = mapping;
  const shown = orderedFields(preview).filter((f) => columns[f.id] !== undefined);
  const table = $('map-preview');
  if (!shown.length || !preview.rows.length) {
    table.replaceChildren(el('tbody', {}, el('tr', {}, el('td', { class: 'muted', i18n: preview.rows.length ? 'map.nothingMapped' : 'map.noRows' }))));
    return;
  }
  const head = el('tr', {}, el('th', { scope: 'col', i18n: 'imp.r.row' }), ...shown.map((f) => {
    const c = preview.columns[columns[f.id]];
    return el('th', { scope: 'col', 'data-field': f.id }, fieldName(f), el('span', { class: 'col-src' }, columnLabel(c)));
  }));
  const body = preview.rows.map((r) => el('tr', {}, el('td', { class: 'muted' }, String(r.row)), ...shown.map((f) => {
    const cell = r.cells[columns[f.id]] || { text: '' };
    // A date column stored as spreadsheet numbers shows the dates they are (1900 or 1904 date system).
    return el('td', {}, f.date && cell.date ? cell.date : cell.text);
  })));
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
}

async function submitMapping() {
  const { preview, chosen, columns } = mapping;
  const box = $('map-message');
  const unmapped = preview.fields.filter((f) => f.required && columns[f.id] === undefined);
  if (unmapped.length) {
    message(box, 'error', t('map.missing', { fields: unmapped.map(fieldName).join(zh() ? '、' : ', ') }));
    $(`map-f-${unmapped[0].id}`).focus();
    return;
  }
  const twice = [...countUses(columns)].filter(([, n]) => n > 1).map(([i]) => preview.columns[i]);
  if (twice.length) {
    message(box, 'error', t('map.twice', { column: columnLabel(twice[0]) }));
    return;
  }
  const blank = Object.values(columns).map((i) => preview.columns[i]).find((c) => !c.header);
  if (blank) {
    message(box, 'error', t('map.blankHeader', { column: blank.letter }));
    return;
  }
  const map = {};
  for (const [field, i] of Object.entries(columns)) map[field] = preview.columns[i].header;
  $('map-submit').disabled = true;
  try {
    await startImport(chosen, map, preview);
    closeMapping();
  } catch (e) {
    message(box, 'error', describeError(e));
  } finally {
    $('map-submit').disabled = false;
  }
}

// ------------------------------------------------------------------ the report

function showReport(imp) {
  shownImport = imp;
  $('report-panel').hidden = false;
  renderReport(imp);
}

function renderReport(imp) {
  $('report-what').textContent = [imp.fileName, imp.dealerCode && `${imp.dealerCode} ${imp.dealerName || ''}`.trim(),
    imp.createdAt && formatDateTime(imp.createdAt)].filter(Boolean).join(' · ');
  const out = [];
  if (imp.status === 'failed' && imp.error) {
    out.push(el('p', { class: 'form-message error', role: 'alert', id: 'report-error' }, zh() ? imp.error.messageZh : imp.error.message));
  }
  if (imp.mappedHere && imp.status === 'loaded') out.push(el('p', { class: 'form-message success report-note', id: 'report-mapping', i18n: 'imp.mappingSaved' }));
  if (imp.usedSaved) out.push(el('p', { class: 'form-message info report-note', id: 'report-mapping', i18n: 'imp.mappingReused' }));
  const r = imp.report;
  if (r) {
    const flagged = Object.entries(r.flagged || {}).map(([k, n]) => `${t(`special.${k}`)} ${n}`).join('、') || '0';
    const dups = r.duplicatePhones || [];
    out.push(el('dl', { class: 'kv report-kv', id: 'report-summary' },
      kv('imp.r.status', t(`imp.status.${imp.status}`)),
      kv('imp.r.rowsRead', r.rowsRead), kv('imp.r.accepted', r.accepted), kv('imp.r.flagged', flagged),
      kv('imp.r.rejected', r.rejectedRows), kv('imp.r.duplicates', dups.length),
      r.alreadyPresent !== undefined ? kv('imp.r.alreadyPresent', r.alreadyPresent) : null,
      r.encoding ? kv('imp.r.encoding', r.encoding) : null,
      r.date1904 ? kv('imp.r.dates', t('imp.r.date1904')) : null));
    if ((r.otherDealers || []).length) {
      out.push(el('div', { class: 'report-section', id: 'report-other-dealers' },
        el('h3', { i18n: 'imp.r.otherDealers' }),
        el('ul', { class: 'plain-list' }, ...r.otherDealers.map((o) => el('li', {},
          t('imp.r.otherDealerLine', { dealer: o.value, n: o.count, rows: o.rows }))))));
    }
    if (dups.length) {
      out.push(el('div', { class: 'report-section' }, el('h3', { i18n: 'imp.r.duplicateList' }),
        el('p', { class: 'muted', i18n: 'imp.r.duplicateHint' }),
        el('div', { class: 'table-wrap' }, el('table', { id: 'report-dups' },
          el('thead', {}, el('tr', {}, ...['imp.r.phone', 'imp.r.rows', 'imp.r.names'].map((k) => el('th', { scope: 'col', i18n: k })))),
          el('tbody', {}, ...dups.map((d) => el('tr', { 'data-phone': d.phone }, el('td', { class: 'mono' }, d.phone),
            el('td', {}, (d.rows || []).join(zh() ? '、' : ', ')),
            el('td', { class: 'dup-names' }, (d.names || []).join(zh() ? '、' : ', ')))))))));
    }
    if ((r.rejected || []).length) {
      out.push(el('div', { class: 'report-section' }, el('h3', { i18n: 'imp.r.rejectedList' }),
        el('div', { class: 'table-wrap' }, el('table', { id: 'report-rejected' },
          el('thead', {}, el('tr', {}, ...['imp.r.row', 'imp.r.column', 'imp.r.value', 'imp.r.reason'].map((k) => el('th', { scope: 'col', i18n: k })))),
          el('tbody', {}, ...r.rejected.map((x) => el('tr', {}, el('td', {}, String(x.row)),
            el('td', {}, `${x.column}${x.columnLetter ? ` (${x.columnLetter})` : ''}`), el('td', {}, x.value || ''),
            el('td', {}, zh() ? x.messageZh : x.message))))))));
      if (r.rejectedListed < r.rejectedRows) out.push(el('p', { class: 'muted', i18n: 'imp.r.rejectedCapped', i18nArgs: { n: r.rejectedListed } }));
    }
  }
  $('imp-report').replaceChildren(...out);
}

function kv(key, value) {
  return el('div', {}, el('dt', { i18n: key }), el('dd', {}, String(value)));
}

/** ?id=N: the report of an earlier import (the history's links). */
async function showLinkedReport() {
  const id = new URLSearchParams(location.search).get('id');
  if (!id) return;
  try {
    showReport((await api(`/api/imports/${encodeURIComponent(id)}`)).import);
    $('report-panel').scrollIntoView({ block: 'start' });
  } catch (e) {
    message($('imp-message'), 'error', describeError(e));
  }
}

// ------------------------------------------------------------------ history

async function loadHistory() {
  try {
    history = (await api('/api/imports?limit=100')).imports || [];
    renderHistory();
  } catch (e) {
    $('hist-body').replaceChildren(el('tr', {}, el('td', { colspan: 11 },
      el('span', { class: 'field-error', role: 'alert' }, `${t('hist.loadFailed')} ${describeError(e)}`))));
  }
}

function renderHistory() {
  setText($('hist-count'), 'hist.count', { n: history.length });
  if (!history.length) {
    $('hist-body').replaceChildren(el('tr', {}, el('td', { colspan: 11, class: 'muted', i18n: 'hist.empty' })));
    return;
  }
  $('hist-body').replaceChildren(...history.map((b) => {
    const who = b.createdBy ? (b.createdBy.displayName || b.createdBy.username) : '—';
    const status = b.dryRun && b.status === 'validated' ? 'validated' : b.status;
    const pill = { loaded: 'pill-UP', validated: 'pill-neutral', duplicate: 'pill-neutral', failed: 'pill-DOWN', running: 'pill-DEGRADED' }[status] || 'pill-neutral';
    // data-label: the column's name, shown beside each value where a phone stacks the row (imports.css).
    const td = (col, attrs, ...content) => el('td', { 'data-label': t(`hist.col.${col}`), ...attrs }, ...content);
    return el('tr', { 'data-import-id': b.id },
      td('when', {}, el('time', { datetime: b.createdAt }, formatDateTime(b.createdAt))),
      td('who', {}, who),
      td('dealer', { title: b.campaignName || '' }, `${b.dealerCode} ${b.dealerName}`),
      td('file', { class: 'file-cell' }, b.fileName),
      td('status', {}, el('span', { class: `pill ${pill}` }, t(`hist.status.${status}`))),
      td('read', { class: 'num' }, String(b.rowsRead)),
      td('accepted', { class: 'num' }, String(b.accepted)),
      td('flagged', { class: 'num' }, String(b.flagged)),
      td('rejected', { class: 'num' }, String(b.rejected)),
      td('duplicates', { class: 'num' }, String(b.duplicatePhones)),
      td('report', {}, el('a', { href: `/imports.html?id=${b.id}`, class: 'report-link', 'data-import-id': b.id,
        'aria-label': t('hist.reportFor', { file: b.fileName }) }, t('hist.report'))));
  }));
}

const me = await boot();
if (me) {
  $('imp-form').addEventListener('submit', runImport);
  $('imp-campaign').addEventListener('change', fillDealersForCampaign);
  $('map-submit').addEventListener('click', submitMapping);
  $('map-cancel').addEventListener('click', () => {
    closeMapping();
    setText($('imp-progress-text'), 'map.cancelled');
    $('imp-submit').focus();
  });
  onLangChange(render);
  try {
    await load();
  } catch (e) {
    message($('imp-message'), 'error', describeError(e));
  }
  loadHistory();
  showLinkedReport();
}
