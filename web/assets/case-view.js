// What the casework pages share (docs/casework-api.md): the kinds, severities, departments and the information-
// recording templates of each kind (DOMAIN.md "Casework"), pills, a case's detail (template, summary, customer,
// second callbacks, history), a history timeline, and a dialog asking for a text (a reason, what was done).
import { addStrings, t, has, getLang, formatDateTime } from './i18n.js';
import { el } from './dom.js';
import { modalDialog, formMessage } from './forms.js';
import { describeError } from './api.js';
import strings from './i18n/casework.js';

addStrings(strings);

export const KINDS = ['complaint', 'consultation', 'rescue'];
export const SEVERITIES = ['red', 'orange', 'yellow'];
export const DEPARTMENTS = ['sales', 'service', 'parts', 'other'];
export const STATUSES = ['open', 'handled', 'closed'];
export const VERDICTS = ['qualified', 'unqualified', 'untrue'];

/**
 * The parts of each kind's template, in the order of its sentence; required: the information-recording standard
 * refuses a note without it (the server names the part in its 400).
 */
export const TEMPLATES = {
  consultation: [['region', true], ['brand', true], ['date', true], ['mileage', true], ['part', true], ['policy', true]],
  rescue: [['region', true], ['brand', true], ['place', true], ['symptom', true], ['plate', true], ['contact', true]],
  complaint: [['region', true], ['brand', true], ['dealer', true], ['date', true], ['repair', true], ['issue', true],
    ['request', true], ['vin', false], ['plate', false]]
};

const LONG_PARTS = new Set(['policy', 'symptom', 'issue', 'request', 'repair']);

/** A language-dependent text given as {zh, en}, or a plain string. */
export function localText(o) {
  if (!o) return '';
  if (typeof o === 'string') return o;
  return (getLang() === 'en' ? (o.en || o.zh) : (o.zh || o.en)) || '';
}

/** A translated key if the strings know it, else the raw value (a state the server added later shows as itself). */
function known(prefix, v) {
  if (v === undefined || v === null || v === '') return t('cw.none');
  const key = ['cw', prefix, v].join('.');
  return has(key) ? t(key) : String(v);
}

export const kindText = (k) => known('kind', k);
export const deptText = (d) => known('dept', d);
export const partText = (p) => known('part', p);
export const actionText = (a) => known('action', a);

export function severityPill(sev) {
  return el('span', { class: `pill cw-sev cw-sev-${sev}`, 'data-severity': sev }, known('sev', sev));
}

export function statusPill(status, prefix = 'status') {
  return el('span', { class: `pill cw-status cw-status-${status}`, 'data-status': status }, known(prefix, status));
}

/** "截止 …" or "已逾期 · 截止 …" for a case row. */
export function dueCell(row) {
  const cell = el('span', { class: row.overdue ? 'cw-due cw-overdue' : 'cw-due' });
  if (row.overdue) cell.append(el('strong', {}, t('cw.overdue')), ' ');
  if (row.dueAt) cell.append(el('span', { class: 'muted' }, t('cw.due', { at: formatDateTime(row.dueAt) })));
  return cell;
}

function kvList(pairs) {
  return el('dl', { class: 'kv cw-kv' }, ...pairs.filter(Boolean).map(([label, value]) =>
    el('div', {}, el('dt', {}, label), el('dd', {}, value === undefined || value === null || value === '' ? t('cw.none') : value))));
}

/** The template's values as a definition list, in the kind's order, then any other parts the server kept. */
export function templateList(kind, template) {
  const values = template || {};
  const order = (TEMPLATES[kind] || []).map(([p]) => p);
  const parts = [...order.filter((p) => values[p] !== undefined && values[p] !== ''),
    ...Object.keys(values).filter((p) => !order.includes(p))];
  if (!parts.length) return el('p', { class: 'muted' }, t('cw.none'));
  return kvList(parts.map((p) => [partText(p), String(values[p])]));
}

/** A history: [{at, by, byName, action, detail}] oldest first. */
export function timeline(events) {
  const list = el('ol', { class: 'cw-timeline' });
  if (!events || !events.length) {
    list.append(el('li', { class: 'muted' }, t('cw.noHistory')));
    return list;
  }
  for (const e of events) {
    const detail = detailText(e.detail);
    list.append(el('li', { class: `cw-event cw-event-${e.action}`, 'data-action': e.action },
      el('span', { class: 'cw-event-at mono' }, formatDateTime(e.at)),
      el('span', { class: 'cw-event-what' }, el('strong', {}, actionText(e.action)),
        e.byName ? el('span', { class: 'muted' }, ` · ${e.byName}`) : null),
      detail ? el('span', { class: 'cw-event-detail' }, detail) : null));
  }
  return list;
}

/** Keys of a history row's detail that only the machine needs. */
const DETAIL_SKIP = new Set(['attemptId', 'callbackId', 'taskId', 'dealerId', 'source', 'by', 'reasons', 'resolved', 'satisfied']);

/** A history row's detail: a sentence, {zh,en}, or an object of what changed, in words. */
function detailText(d) {
  if (d === undefined || d === null || d === '') return '';
  if (typeof d === 'string') return d;
  if (d.zh || d.en) return localText(d);
  if (d.text) return localText(d.text);
  const sev = (v) => (SEVERITIES.includes(v) ? known('sev', v) : String(v));
  const parts = [];
  if (d.from && d.to) parts.push(`${sev(d.from)} → ${sev(d.to)}`);
  for (const [k, v] of Object.entries(d)) {
    if (v === null || v === undefined || v === '' || typeof v === 'object' || DETAIL_SKIP.has(k) || k === 'from' || k === 'to') continue;
    if (k === 'severity') parts.push(`${t('cw.severity')}: ${sev(v)}`);
    else if (k === 'department') parts.push(`${t('cw.department')}: ${deptText(v)}`);
    else if (k === 'dueAt' || k === 'deadline') parts.push(`${t('cw.dueAt')}: ${formatDateTime(v)}`);
    else if (k === 'verdict' || k === 'result') parts.push(known('verdict', v));
    else if (k === 'judged') parts.push(known('judged', v));
    else parts.push(String(v));
  }
  return parts.join(' · ');
}

/** A case's callbacks: [{status, taskId, verdict?, at?, ...}]. */
function callbackList(callbacks) {
  if (!callbacks || !callbacks.length) return el('p', { class: 'muted' }, t('cw.noCallbacks'));
  return el('ul', { class: 'plain-list cw-callbacks' }, ...callbacks.map((cb) => el('li', { 'data-status': cb.status },
    statusPill(cb.status, 'cb.status'),
    cb.verdict ? el('span', { class: `pill cw-verdict cw-verdict-${cb.verdict}` }, known('verdict', cb.verdict)) : null,
    el('span', { class: 'muted' }, [cb.taskId ? ` #${cb.taskId}` : '', cb.createdAt ? ` · ${formatDateTime(cb.createdAt)}` : '',
      cb.deadline ? ` · ${t('cw.due', { at: formatDateTime(cb.deadline) })}` : ''].join('')))));
}

/** The body of a case's detail (everything but the actions): facts, template, summary, customer, callbacks, history. */
export function caseDetail(c) {
  const dealer = c.dealer ? `${c.dealer.name || ''}${c.dealer.code ? ` (${c.dealer.code})` : ''}` : '';
  const cust = c.customer || {};
  return el('div', { class: 'cw-detail-body' },
    el('div', { class: 'cw-detail-pills' }, severityPill(c.severity), statusPill(c.status),
      el('span', { class: 'pill pill-neutral' }, kindText(c.kind)),
      c.reopened ? el('span', { class: 'pill cw-reopened' }, t('cw.reopened', { n: c.reopened })) : null,
      dueCell(c)),
    kvList([
      [t('cw.dealer'), dealer],
      [t('cw.department'), deptText(c.department)],
      [t('cw.source'), known('source', c.source)],
      [t('cw.createdAt'), formatDateTime(c.createdAt)],
      [t('cw.dueAt'), formatDateTime(c.dueAt)],
      c.handledAt ? [t('cw.handledAt'), formatDateTime(c.handledAt)] : null,
      c.closedAt ? [t('cw.closedAt'), formatDateTime(c.closedAt)] : null
    ]),
    el('h3', { class: 'sub-h' }, t('cw.summary')),
    el('p', { class: 'cw-summary', id: 'case-summary' }, c.summary || t('cw.none')),
    el('h3', { class: 'sub-h' }, t('cw.template')),
    templateList(c.kind, c.template),
    el('h3', { class: 'sub-h' }, t('cw.customer')),
    kvList([
      [t('cw.c.name'), cust.name],
      [t('cw.c.phone'), cust.phone || cust.phoneMasked ? el('span', { class: 'mono cw-phone' }, cust.phone || cust.phoneMasked) : ''],
      [t('cw.c.vehicle'), cust.vehicle || cust.vehicleModel],
      [t('cw.c.plate'), cust.plate],
      [t('cw.c.vin'), cust.vin || cust.vinMasked ? el('span', { class: 'mono' }, cust.vin || cust.vinMasked) : '']
    ]),
    el('h3', { class: 'sub-h' }, t('cw.callbacks')),
    callbackList(c.callbacks),
    el('h3', { class: 'sub-h' }, t('cw.history')),
    timeline(c.history));
}

/**
 * The product's own dialog asking for a text (a reason, what was done) and sending it: submit(text) returns a
 * promise; its failure is shown in the dialog (the server's message), success closes it. min/max: the length.
 */
export function askText({ id, titleKey, titleArgs, introKey, introArgs, labelKey, submitKey, min = 1, max = 2000, danger = false, submit }) {
  const m = modalDialog({ id, titleKey, titleArgs });
  const area = el('textarea', { id: `${id}-text`, rows: 4, maxlength: max, required: true });
  const msg = el('div', { class: 'form-message', role: 'alert' });
  if (introKey) m.body.append(el('p', { class: 'modal-intro', i18n: introKey, i18nArgs: introArgs }));
  m.body.append(el('div', { class: 'field' }, el('label', { for: area.id, i18n: labelKey }), area), msg);
  const ok = el('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary', id: `${id}-submit`, i18n: submitKey });
  m.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => m.close() }), ok);
  m.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = area.value.trim();
    if (text.length < min) {
      formMessage(msg, 'error', 'cw.tooShort', { n: min });
      area.focus();
      return;
    }
    ok.disabled = true;
    formMessage(msg);
    try {
      await submit(text);
      m.close();
    } catch (e) {
      msg.className = 'form-message error';
      delete msg.dataset.i18n;
      msg.textContent = describeError(e);
    } finally {
      ok.disabled = false;
    }
  });
  m.open(area);
  return m;
}

/** The product's own yes/no dialog: resolves true when confirmed. */
export function confirmDialog({ id, titleKey, titleArgs, bodyKey, bodyArgs, okKey, danger = false }) {
  return new Promise((resolve) => {
    let answer = false;
    const m = modalDialog({ id, titleKey, titleArgs, onClosed: () => resolve(answer) });
    m.body.append(el('p', { class: 'modal-intro', i18n: bodyKey, i18nArgs: bodyArgs }));
    const ok = el('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary', id: `${id}-ok`, i18n: okKey });
    m.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => m.close() }), ok);
    m.form.addEventListener('submit', (ev) => { ev.preventDefault(); answer = true; m.close(); });
    m.open(ok);
  });
}
