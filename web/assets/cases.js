// Casework for the call centre's staff (docs/casework-api.md): cases (工单) with filters, a case's detail, history
// and second callbacks, and the staff's actions on it (severity, department, dealer, due time; close or reopen
// with a reason); appeals (申诉) with their trail and the decision; improvement plans (整改) with late steps and
// the acceptance; the settings. Supervisors and admins act; QA reads.
import { addStrings, t, setText, onLangChange, formatDateTime } from './i18n.js';
import { boot, api, describeError, el, notify, connectWs } from './shell.js';
import {
  SEVERITIES, DEPARTMENTS, VERDICTS, caseDetail, severityPill, statusPill, dueCell, kindText, deptText, timeline,
  localText, askText, confirmDialog
} from './case-view.js';
import strings from './i18n/cases.js';

addStrings(strings);

const $ = (id) => document.getElementById(id);
const PAGE = 50;
const TABS = ['cases', 'appeals', 'plans', 'settings'];

const me = await boot();
if (me) start(me);

function start(user) {
  const staff = user.role === 'supervisor' || user.role === 'admin';
  const state = { tab: 'cases', cases: [], casesDone: false, appeals: [], plans: [], dealers: [], settings: null,
    open: null };
  // Which list request is the latest: an earlier filter's answer arriving later is not shown.
  let casesAsked = 0;
  let askedAppeals = 0;
  let askedPlans = 0;
  $('cases-readonly').hidden = staff;
  // Appeals and improvement plans are the staff's (and each dealer's own); QA reads cases and the settings.
  if (!staff) for (const tab of ['appeals', 'plans']) $(`tab-${tab}`).hidden = true;
  const tabs = staff ? TABS : ['cases', 'settings'];

  const q = new URLSearchParams(location.search);
  if (tabs.includes(q.get('tab'))) state.tab = q.get('tab');
  for (const [param, kind] of [['case', 'case'], ['appeal', 'appeal'], ['plan', 'plan']]) {
    if (/^\d+$/.test(q.get(param) || '')) state.open = { kind, id: Number(q.get(param)) };
  }
  if (state.open && !staff && state.open.kind !== 'case') state.open = null;
  if (state.open) state.tab = { case: 'cases', appeal: 'appeals', plan: 'plans' }[state.open.kind];
  if (q.get('overdue') === 'true') $('f-overdue').checked = true;
  if (q.get('status')) $('f-status').value = q.get('status');

  document.querySelectorAll('.cw-tab').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab, true)));
  $('cw-tabs').addEventListener('keydown', tabKeys);
  $('case-filters').addEventListener('change', () => loadCases());
  $('case-filters').addEventListener('submit', (ev) => { ev.preventDefault(); loadCases(); });
  let searchTimer = null;
  $('f-q').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(loadCases, 350); });
  $('cases-more').addEventListener('click', () => loadCases(true));
  $('appeal-filters').addEventListener('change', () => loadAppeals());
  $('plan-filters').addEventListener('change', () => loadPlans());
  $('detail-close').addEventListener('click', () => closeDetail());
  $('settings-form').addEventListener('submit', (ev) => { ev.preventDefault(); saveSettings(); });
  $('s-add-item').addEventListener('click', () => $('s-items').append(itemRow({})));
  $('s-add-dept').addEventListener('click', () => $('s-depts').append(deptRow('csi-default', '', 'service')));
  onLangChange(() => { renderCases(); renderAppeals(); renderPlans(); if (state.open) openDetail(state.open, false); });

  loadDealers();
  showTab(state.tab, false);
  loadCases();
  if (staff) { loadAppeals(); loadPlans(); }
  if (state.open) openDetail(state.open, false);

  // New notifications mean something changed in casework: the lists follow.
  let refresh = null;
  connectWs({
    onMessage: (msg) => {
      if (msg.type !== 'notification') return;
      clearTimeout(refresh);
      refresh = setTimeout(() => {
        loadCases();
        if (staff) { loadAppeals(); loadPlans(); }
        if (state.open) openDetail(state.open, false);
      }, 300);
    }
  });

  // ---------------------------------------------------------------- tabs and the address

  function showTab(tab, remember) {
    state.tab = tab;
    for (const b of document.querySelectorAll('.cw-tab')) {
      const on = b.dataset.tab === tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    for (const name of TABS) $(`view-${name}`).hidden = name !== tab;
    if (tab === 'settings' && !state.settings) loadSettings();
    if (state.open && { case: 'cases', appeal: 'appeals', plan: 'plans' }[state.open.kind] !== tab) closeDetail(false);
    if (remember) address();
  }

  function tabKeys(ev) {
    const i = tabs.indexOf(state.tab);
    let next = null;
    if (ev.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    if (ev.key === 'ArrowLeft') next = tabs[(i + tabs.length - 1) % tabs.length];
    if (!next) return;
    ev.preventDefault();
    showTab(next, true);
    $(`tab-${next}`).focus();
  }

  function address() {
    const p = new URLSearchParams({ tab: state.tab });
    if (state.open) p.set(state.open.kind, state.open.id);
    history.replaceState(null, '', `?${p}`);
  }

  function message(id, e) {
    const box = $(id);
    if (!e) { box.className = 'form-message'; box.textContent = ''; delete box.dataset.i18n; return; }
    box.className = 'form-message error';
    setText(box, 'cw.loadFailed', { reason: describeError(e) });
  }

  // ---------------------------------------------------------------- dealers (filters and the assignment)

  async function loadDealers() {
    if (!staff) return; // QA does not list dealers: the filters offer the ones in the lists
    try {
      const data = await api('/api/dealers');
      state.dealers = (data && data.dealers) || [];
    } catch { state.dealers = []; }
    fillDealerFilters();
  }

  function fillDealerFilters() {
    const known = new Map(state.dealers.map((d) => [d.id, d]));
    for (const row of [...state.cases, ...state.appeals, ...state.plans]) {
      if (row.dealer && row.dealer.id && !known.has(row.dealer.id)) known.set(row.dealer.id, row.dealer);
    }
    const dealers = [...known.values()].sort((a, b) => String(a.code || '').localeCompare(String(b.code || '')));
    for (const id of ['f-dealer', 'fa-dealer', 'fp-dealer']) {
      const sel = $(id);
      const value = sel.value;
      sel.replaceChildren(el('option', { value: '', i18n: 'cases.all' }),
        ...dealers.map((d) => el('option', { value: d.id }, dealerName(d))));
      sel.value = value;
    }
  }

  const dealerName = (d) => (d ? `${d.name || ''}${d.code ? ` (${d.code})` : ''}` : t('cw.none'));

  // ---------------------------------------------------------------- cases

  function caseQuery(more) {
    const p = new URLSearchParams();
    if ($('f-status').value) p.set('status', $('f-status').value);
    if ($('f-severity').value) p.set('severity', $('f-severity').value);
    if ($('f-dealer').value) p.set('dealerId', $('f-dealer').value);
    if ($('f-overdue').checked) p.set('overdue', 'true');
    if ($('f-q').value.trim()) p.set('q', $('f-q').value.trim());
    p.set('limit', PAGE);
    if (more && state.cases.length) p.set('before', state.cases[state.cases.length - 1].id);
    return p;
  }

  async function loadCases(more = false) {
    const asked = ++casesAsked;
    try {
      const data = await api(`/api/cases?${caseQuery(more)}`);
      if (asked !== casesAsked) return; // a later filter's answer is the one shown
      const rows = (data && data.cases) || [];
      state.cases = more ? [...state.cases, ...rows] : rows;
      state.casesDone = rows.length < PAGE;
      state.counts = (data && data.counts) || null;
      message('cases-message');
    } catch (e) {
      message('cases-message', e);
    }
    renderCases();
    fillDealerFilters();
  }

  function renderCases() {
    const counts = state.counts || {};
    $('case-counts').replaceChildren(...['open', 'handled', 'closed', 'overdue'].map((k) =>
      el('span', { class: `cw-chip cw-chip-${k}`, 'data-count': k },
        el('strong', {}, String(counts[k] ?? 0)), ' ', k === 'overdue' ? t('cw.overdue') : t(`cw.status.${k}`))));
    const open = Number(counts.open || 0) + Number(counts.handled || 0);
    $('count-open').hidden = !open;
    $('count-open').textContent = String(open);
    $('cases-more').hidden = state.casesDone;
    const body = $('cases-body');
    if (!state.cases.length) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'muted table-message', i18n: 'cases.none' })));
      return;
    }
    body.replaceChildren(...state.cases.map((c) => {
      const current = state.open && state.open.kind === 'case' && state.open.id === c.id;
      const link = el('a', { href: `?tab=cases&case=${c.id}`, class: 'cw-row-link',
        onclick: (ev) => { ev.preventDefault(); openDetail({ kind: 'case', id: c.id }, true); } },
      `#${c.id}`);
      return el('tr', { 'data-case-id': c.id, class: `cw-row cw-row-${c.severity}${c.overdue ? ' cw-row-overdue' : ''}${current ? ' current' : ''}`,
        'aria-current': current ? 'true' : null },
      el('td', { class: 'nowrap' }, link, el('div', { class: 'muted cw-small' }, kindText(c.kind), ' · ', deptText(c.department))),
      el('td', {}, severityPill(c.severity)),
      el('td', { class: 'cw-dealer-cell' }, dealerName(c.dealer)),
      el('td', { class: 'cw-summary-cell' }, el('strong', {}, c.customerName || ''),
        el('div', { class: 'cw-clamp muted' }, c.summary || '')),
      el('td', {}, statusPill(c.status), c.callback && c.callback.status
        ? el('div', { class: 'muted cw-small' }, t('cw.callbacks'), ': ', t(`cw.cb.status.${c.callback.status}`)) : null),
      el('td', { class: 'nowrap' }, dueCell(c)));
    }));
  }

  // ---------------------------------------------------------------- the detail panel (case, appeal, plan)

  function closeDetail(remember = true) {
    state.open = null;
    $('detail').hidden = true;
    document.querySelector('.cw-page').classList.remove('with-detail');
    document.querySelectorAll('.cw-row.current').forEach((r) => { r.classList.remove('current'); r.removeAttribute('aria-current'); });
    if (remember) address();
  }

  async function openDetail(target, focus) {
    state.open = target;
    address();
    document.querySelectorAll('.cw-row').forEach((r) => {
      const on = String(r.dataset[`${target.kind}Id`]) === String(target.id);
      r.classList.toggle('current', on);
      if (on) r.setAttribute('aria-current', 'true'); else r.removeAttribute('aria-current');
    });
    const body = $('detail-body');
    try {
      if (target.kind === 'case') {
        const c = await api(`/api/cases/${target.id}`);
        setText($('detail-h'), 'cw.caseNo', { id: c.id });
        body.replaceChildren(caseDetail(c), staff ? caseActions(c) : null);
      } else if (target.kind === 'appeal') {
        const a = await api(`/api/appeals/${target.id}`);
        setText($('detail-h'), 'cases.appealNo', { id: a.id });
        body.replaceChildren(appealDetail(a));
      } else {
        const p = await api(`/api/plans/${target.id}`);
        setText($('detail-h'), 'cases.planNo', { id: p.id });
        body.replaceChildren(planDetail(p));
      }
    } catch (e) {
      body.replaceChildren(el('p', { class: 'form-message error', role: 'alert' }, t('cw.loadFailed', { reason: describeError(e) })));
    }
    if (state.open !== target) return;
    $('detail').hidden = false;
    document.querySelector('.cw-page').classList.add('with-detail');
    if (focus) {
      $('detail').focus({ preventScroll: true });
      if (window.matchMedia('(max-width: 1100px)').matches) $('detail').scrollIntoView({ block: 'start' });
    }
  }

  function select(id, values, value, label) {
    return el('select', { id }, ...values.map((v) => el('option', { value: v, selected: v === value ? true : null }, label(v))));
  }

  function caseActions(c) {
    const sev = select('ca-severity', SEVERITIES, c.severity, (v) => t(`cw.sev.${v}`));
    const dept = select('ca-department', DEPARTMENTS, c.department, deptText);
    const dealers = state.dealers.length ? state.dealers : (c.dealer ? [c.dealer] : []);
    const dealer = el('select', { id: 'ca-dealer' }, ...dealers.map((d) =>
      el('option', { value: d.id, selected: c.dealer && d.id === c.dealer.id ? true : null }, dealerName(d))));
    const due = el('input', { type: 'datetime-local', id: 'ca-due', value: localInput(c.dueAt) });
    const msg = el('div', { class: 'form-message', role: 'alert', id: 'ca-message' });
    const save = el('button', { type: 'submit', class: 'btn btn-primary btn-small', id: 'ca-save', i18n: 'common.save' });
    const form = el('form', { class: 'cw-actions', id: 'case-actions', novalidate: true },
      el('h3', { class: 'sub-h', i18n: 'cases.actions' }),
      el('div', { class: 'cw-action-grid' },
        el('label', {}, el('span', { i18n: 'cw.severity' }), sev),
        el('label', {}, el('span', { i18n: 'cw.department' }), dept),
        el('label', {}, el('span', { i18n: 'cw.dealer' }), dealer),
        el('label', {}, el('span', { i18n: 'cw.dueAt' }), due)),
      msg,
      el('div', { class: 'cw-action-buttons' }, save,
        c.status !== 'closed'
          ? el('button', { type: 'button', class: 'btn btn-small btn-danger-text', id: 'ca-close', i18n: 'cases.close',
            onclick: () => reasonFor(c, 'close') }) : null,
        c.status !== 'open'
          ? el('button', { type: 'button', class: 'btn btn-small', id: 'ca-reopen', i18n: 'cases.reopen',
            onclick: () => reasonFor(c, 'reopen') }) : null));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      if (sev.value !== c.severity) body.severity = sev.value;
      if (dept.value !== c.department) body.department = dept.value;
      if (dealer.value && (!c.dealer || Number(dealer.value) !== c.dealer.id)) body.dealerId = Number(dealer.value);
      if (due.value && due.value !== localInput(c.dueAt)) body.dueAt = new Date(due.value).toISOString();
      if (!Object.keys(body).length) { setText(msg, 'cases.nothingChanged'); msg.className = 'form-message info'; return; }
      save.disabled = true;
      try {
        await api(`/api/cases/${c.id}`, { method: 'PUT', body });
        notify(t('cases.saved', { id: c.id }), 'success');
        await Promise.all([openDetail({ kind: 'case', id: c.id }, false), loadCases()]);
      } catch (e) {
        msg.className = 'form-message error';
        msg.textContent = describeError(e);
      } finally {
        save.disabled = false;
      }
    });
    return form;
  }

  function reasonFor(c, action) {
    askText({
      id: `case-${action}`, titleKey: `cases.${action}.title`, titleArgs: { id: c.id }, introKey: `cases.${action}.intro`,
      labelKey: 'cases.reason', submitKey: `cases.${action}`, min: 2, max: 2000, danger: action === 'close',
      submit: async (reason) => {
        await api(`/api/cases/${c.id}/${action}`, { method: 'POST', body: { reason } });
        notify(t(`cases.${action}.done`, { id: c.id }), 'success');
        await Promise.all([openDetail({ kind: 'case', id: c.id }, false), loadCases()]);
      }
    });
  }

  // ---------------------------------------------------------------- appeals

  async function loadAppeals() {
    const p = new URLSearchParams();
    if ($('fa-status').value) p.set('status', $('fa-status').value);
    if ($('fa-dealer').value) p.set('dealerId', $('fa-dealer').value);
    const asked = ++askedAppeals;
    try {
      const data = await api(`/api/appeals?${p}`);
      if (asked !== askedAppeals) return;
      state.appeals = (data && data.appeals) || [];
      message('appeals-message');
    } catch (e) {
      message('appeals-message', e);
    }
    renderAppeals();
    fillDealerFilters();
  }

  function renderAppeals() {
    const waiting = state.appeals.filter((a) => a.status !== 'decided').length;
    $('count-appeals').hidden = !waiting;
    $('count-appeals').textContent = String(waiting);
    const body = $('appeals-body');
    if (!state.appeals.length) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted table-message', i18n: 'cases.noAppeals' })));
      return;
    }
    body.replaceChildren(...state.appeals.map((a) => el('tr', { class: 'cw-row', 'data-appeal-id': a.id },
      el('td', { class: 'nowrap' }, el('a', { href: `?tab=appeals&appeal=${a.id}`, class: 'cw-row-link',
        onclick: (ev) => { ev.preventDefault(); openDetail({ kind: 'appeal', id: a.id }, true); } }, `#${a.id}`),
      el('div', { class: 'muted cw-small' }, formatDateTime(a.filedAt || a.createdAt))),
      el('td', {}, dealerName(a.dealer)),
      el('td', {}, callText(a)),
      el('td', {}, el('div', { class: 'cw-clamp' }, a.reason || '')),
      el('td', {}, statusPill(a.status, 'appeal'), a.result
        ? el('span', { class: `pill cw-verdict cw-verdict-${a.result}` }, t(`cw.verdict.${a.result}`)) : null))));
  }

  function callText(a) {
    const call = a.call || {};
    return el('span', {}, el('strong', {}, call.customerName || a.customerName || (a.customer && a.customer.name) || ''),
      el('div', { class: 'muted cw-small' }, [call.kind || a.kind ? String(call.kind || a.kind).toUpperCase() : '',
        formatDateTime(call.submittedAt || a.publishedAt), a.judged ? t(`cases.judged.${a.judged}`) : ''].filter(Boolean).join(' · ')));
  }

  function appealDetail(a) {
    const wrap = el('div', { class: 'cw-detail-body' },
      el('div', { class: 'cw-detail-pills' }, statusPill(a.status, 'appeal'), a.result
        ? el('span', { class: `pill cw-verdict cw-verdict-${a.result}` }, t(`cw.verdict.${a.result}`)) : null),
      el('dl', { class: 'kv cw-kv' },
        el('div', {}, el('dt', { i18n: 'cw.dealer' }), el('dd', {}, dealerName(a.dealer))),
        el('div', {}, el('dt', { i18n: 'cases.col.call' }), el('dd', {}, callText(a))),
        el('div', {}, el('dt', { i18n: 'cases.filedAt' }), el('dd', {}, formatDateTime(a.filedAt || a.createdAt))),
        a.decidedAt ? el('div', {}, el('dt', { i18n: 'cases.decidedAt' }), el('dd', {}, formatDateTime(a.decidedAt))) : null),
      el('h3', { class: 'sub-h', i18n: 'cases.col.reason' }),
      el('p', { class: 'cw-reason' }, a.reason || ''),
      a.callbacks && a.callbacks.length ? el('h3', { class: 'sub-h', i18n: 'cw.callbacks' }) : null,
      el('h3', { class: 'sub-h', i18n: 'cases.trail' }),
      timeline(a.events || a.history));
    if (staff && a.status !== 'decided') wrap.append(decideForm(a));
    return wrap;
  }

  function decideForm(a) {
    const result = el('select', { id: 'ad-result' }, ...VERDICTS.map((v) => el('option', { value: v }, t(`cw.verdict.${v}`))));
    const note = el('textarea', { id: 'ad-note', rows: 3, maxlength: 2000 });
    const msg = el('div', { class: 'form-message', role: 'alert' });
    const form = el('form', { class: 'cw-actions', id: 'appeal-decide', novalidate: true },
      el('h3', { class: 'sub-h', i18n: 'cases.decide' }),
      el('p', { class: 'muted', i18n: 'cases.decideHint' }),
      el('div', { class: 'cw-action-grid' },
        el('label', {}, el('span', { i18n: 'cases.result' }), result),
        el('label', { class: 'cw-wide' }, el('span', { i18n: 'cases.decideNote' }), note)),
      msg,
      el('div', { class: 'cw-action-buttons' }, el('button', { type: 'submit', class: 'btn btn-primary btn-small', i18n: 'cases.decide' })));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (note.value.trim().length < 2) {
        msg.className = 'form-message error';
        setText(msg, 'cases.noteNeeded');
        note.focus();
        return;
      }
      const ok = await confirmDialog({ id: 'confirm-decide', titleKey: 'cases.decide', bodyKey: 'cases.decideConfirm',
        bodyArgs: { id: a.id, result: t(`cw.verdict.${result.value}`) }, okKey: 'cases.decide' });
      if (!ok) return;
      try {
        await api(`/api/appeals/${a.id}/decide`, { method: 'POST', body: { result: result.value, note: note.value.trim() } });
        notify(t('cases.decided', { id: a.id }), 'success');
        await Promise.all([openDetail({ kind: 'appeal', id: a.id }, false), loadAppeals()]);
      } catch (e) {
        msg.className = 'form-message error';
        msg.textContent = describeError(e);
      }
    });
    return form;
  }

  // ---------------------------------------------------------------- improvement plans

  async function loadPlans() {
    const p = new URLSearchParams();
    if ($('fp-kind').value) p.set('kind', $('fp-kind').value);
    if ($('fp-month').value) p.set('month', $('fp-month').value);
    if ($('fp-dealer').value) p.set('dealerId', $('fp-dealer').value);
    if ($('fp-late').checked) p.set('late', 'true');
    const asked = ++askedPlans;
    try {
      const data = await api(`/api/plans?${p}`);
      if (asked !== askedPlans) return;
      state.plans = (data && data.plans) || [];
      message('plans-message');
    } catch (e) {
      message('plans-message', e);
    }
    renderPlans();
    fillDealerFilters();
  }

  function stepCell(p, step, due, done) {
    const late = (p.late || []).includes(step);
    const missing = (p.missing || []).includes(step);
    return el('td', { class: `nowrap cw-step${late ? ' cw-late' : ''}${missing ? ' cw-missing' : ''}`, 'data-step': step },
      p[done] ? el('span', {}, formatDateTime(p[done])) : el('span', { class: 'muted' }, p[due] ? t('cw.due', { at: formatDateTime(p[due]) }) : t('cw.none')),
      late || missing ? el('span', { class: 'pill cw-flag' }, t(missing ? 'cases.missingFlag' : 'cases.lateFlag')) : null);
  }

  function renderPlans() {
    const late = state.plans.filter((p) => (p.late || []).length || (p.missing || []).length).length;
    $('count-plans').hidden = !late;
    $('count-plans').textContent = String(late);
    const body = $('plans-body');
    if (!state.plans.length) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'muted table-message', i18n: 'cases.noPlans' })));
      return;
    }
    body.replaceChildren(...state.plans.map((p) => el('tr', { class: 'cw-row', 'data-plan-id': p.id },
      el('td', {}, el('a', { href: `?tab=plans&plan=${p.id}`, class: 'cw-row-link',
        onclick: (ev) => { ev.preventDefault(); openDetail({ kind: 'plan', id: p.id }, true); } }, dealerName(p.dealer))),
      el('td', { class: 'nowrap' }, `${String(p.kind || '').toUpperCase()} ${p.month || ''}`),
      el('td', {}, statusPill(p.status, 'plan')),
      stepCell(p, 'meeting', 'meetingDue', 'meetingAt'),
      stepCell(p, 'minutes', 'minutesDue', 'minutesAt'),
      stepCell(p, 'result', 'resultDue', 'resultAt'))));
  }

  function planDetail(p) {
    const steps = (list) => (list || []).map((s) => t(`cw.step.${s}`)).join('、');
    const items = p.items || [];
    const wrap = el('div', { class: 'cw-detail-body' },
      el('div', { class: 'cw-detail-pills' }, statusPill(p.status, 'plan'),
        (p.late || []).length ? el('span', { class: 'pill cw-flag' }, t('cw.late', { steps: steps(p.late) })) : null,
        (p.missing || []).length ? el('span', { class: 'pill cw-flag' }, t('cw.missing', { steps: steps(p.missing) })) : null),
      el('dl', { class: 'kv cw-kv' },
        el('div', {}, el('dt', { i18n: 'cw.dealer' }), el('dd', {}, dealerName(p.dealer))),
        el('div', {}, el('dt', { i18n: 'cases.col.month' }), el('dd', {}, `${String(p.kind || '').toUpperCase()} ${p.month || ''}`)),
        ...[['meeting', 'meetingDue', 'meetingAt'], ['minutes', 'minutesDue', 'minutesAt'], ['result', 'resultDue', 'resultAt']]
          .map(([s, due, at]) => el('div', {}, el('dt', { i18n: `cw.step.${s}` }),
            el('dd', {}, p[at] ? formatDateTime(p[at]) : t('cw.due', { at: formatDateTime(p[due]) || t('cw.none') })))),
        p.heldOn ? el('div', {}, el('dt', { i18n: 'cases.heldOn' }), el('dd', {}, p.heldOn)) : null,
        p.attendees ? el('div', {}, el('dt', { i18n: 'cases.attendees' }), el('dd', {}, p.attendees)) : null,
        p.periodEnd ? el('div', {}, el('dt', { i18n: 'cases.periodEnd' }), el('dd', {}, p.periodEnd)) : null),
      items.length ? el('h3', { class: 'sub-h', i18n: 'cases.planItems' }) : null,
      items.length ? el('ul', { class: 'plain-list' }, ...items.map((i) =>
        el('li', {}, el('strong', {}, i.indicator || ''), ' — ', i.action || '', i.owner ? el('span', { class: 'muted' }, ` (${i.owner})`) : null))) : null,
      p.minutes ? el('p', {}, el('a', { href: `/api/plans/${p.id}/minutes`, class: 'btn btn-small', i18n: 'cases.minutesFile' }),
        el('span', { class: 'muted' }, ` ${p.minutes.signedBy ? p.minutes.signedBy : ''}`)) : null,
      p.resultText ? el('h3', { class: 'sub-h', i18n: 'cw.step.result' }) : null,
      p.resultText ? el('p', { class: 'cw-reason' }, p.resultText) : null,
      el('h3', { class: 'sub-h', i18n: 'cw.history' }),
      timeline(p.history || p.events));
    if (staff && p.status === 'result_returned') {
      wrap.append(el('div', { class: 'cw-action-buttons' }, el('button', { type: 'button', class: 'btn btn-primary btn-small', id: 'plan-accept',
        i18n: 'cases.accept', onclick: () => acceptPlan(p) })));
    }
    return wrap;
  }

  async function acceptPlan(p) {
    const ok = await confirmDialog({ id: 'confirm-accept', titleKey: 'cases.accept', bodyKey: 'cases.acceptConfirm',
      bodyArgs: { dealer: dealerName(p.dealer), month: p.month || '' }, okKey: 'cases.accept' });
    if (!ok) return;
    try {
      await api(`/api/plans/${p.id}/accept`, { method: 'POST', body: {} });
      notify(t('cases.accepted'), 'success');
      await Promise.all([openDetail({ kind: 'plan', id: p.id }, false), loadPlans()]);
    } catch (e) {
      notify(describeError(e), 'error');
    }
  }

  // ---------------------------------------------------------------- settings

  async function loadSettings() {
    try {
      state.settings = await api('/api/casework/settings');
      message('settings-message');
    } catch (e) {
      message('settings-message', e);
      return;
    }
    renderSettings();
  }

  function itemRow(item) {
    const row = el('div', { class: 'cw-set-row' },
      el('label', {}, el('span', { i18n: 'cases.set.questionnaire' }), el('input', { type: 'text', class: 's-q', value: item.questionnaire || 'csi-default', maxlength: 64 })),
      el('label', {}, el('span', { i18n: 'cases.set.item' }), el('input', { type: 'text', class: 's-i', value: item.item || '', maxlength: 64 })),
      el('label', {}, el('span', { i18n: 'cases.set.below' }), el('input', { type: 'number', class: 's-b', min: 0, max: 10, step: 1, value: item.below ?? 6 })),
      el('button', { type: 'button', class: 'btn btn-small btn-danger-text', i18n: 'cases.set.remove', onclick: () => row.remove() }));
    return row;
  }

  function deptRow(questionnaire, section, department) {
    const row = el('div', { class: 'cw-set-row' },
      el('label', {}, el('span', { i18n: 'cases.set.questionnaire' }), el('input', { type: 'text', class: 's-q', value: questionnaire, maxlength: 64 })),
      el('label', {}, el('span', { i18n: 'cases.set.section' }), el('input', { type: 'text', class: 's-s', value: section, maxlength: 64 })),
      el('label', {}, el('span', { i18n: 'cw.department' }), select('', DEPARTMENTS, department, deptText)),
      el('button', { type: 'button', class: 'btn btn-small btn-danger-text', i18n: 'cases.set.remove', onclick: () => row.remove() }));
    row.querySelector('select').className = 's-d';
    row.querySelector('select').removeAttribute('id');
    return row;
  }

  function renderSettings() {
    const s = state.settings || {};
    $('s-due').value = s.dueDays ?? 3;
    $('s-appeal').value = s.appealDays ?? 3;
    $('s-low').value = s.lowSurveyBelow ?? 8;
    const auto = s.autoOpen || {};
    $('s-complaint').checked = auto.complaintText !== false;
    $('s-items').replaceChildren(...(auto.items || []).map(itemRow));
    const rows = [];
    for (const [questionnaire, sections] of Object.entries(s.departments || {})) {
      for (const [section, dept] of Object.entries(sections || {})) rows.push(deptRow(questionnaire, section, dept));
    }
    $('s-depts').replaceChildren(...rows);
    const sev = s.severity || {};
    $('s-sev').replaceChildren(...SEVERITIES.map((k) => el('div', { class: 'cw-sev-text' },
      severityPill(k),
      el('label', {}, el('span', {}, '中文'), el('textarea', { id: `s-sev-${k}-zh`, rows: 2, maxlength: 500 }, (sev[k] && sev[k].zh) || '')),
      el('label', {}, el('span', {}, 'English'), el('textarea', { id: `s-sev-${k}-en`, rows: 2, maxlength: 500 }, (sev[k] && sev[k].en) || '')))));
    for (const f of $('settings-form').querySelectorAll('input, select, textarea, button')) f.disabled = !staff;
  }

  async function saveSettings() {
    if (!staff) return;
    const departments = {};
    for (const row of $('s-depts').children) {
      const q = row.querySelector('.s-q').value.trim();
      const sec = row.querySelector('.s-s').value.trim();
      if (!q || !sec) continue;
      (departments[q] = departments[q] || {})[sec] = row.querySelector('.s-d').value;
    }
    const body = {
      dueDays: Number($('s-due').value),
      appealDays: Number($('s-appeal').value),
      lowSurveyBelow: Number($('s-low').value),
      autoOpen: {
        complaintText: $('s-complaint').checked,
        items: [...$('s-items').children].map((row) => ({
          questionnaire: row.querySelector('.s-q').value.trim(), item: row.querySelector('.s-i').value.trim(),
          below: Number(row.querySelector('.s-b').value)
        })).filter((i) => i.questionnaire && i.item)
      },
      departments,
      severity: Object.fromEntries(SEVERITIES.map((k) => [k, { zh: $(`s-sev-${k}-zh`).value.trim(), en: $(`s-sev-${k}-en`).value.trim() }]))
    };
    const box = $('settings-message');
    $('s-save').disabled = true;
    try {
      state.settings = await api('/api/casework/settings', { method: 'PUT', body });
      if (!state.settings || typeof state.settings !== 'object' || state.settings.dueDays === undefined) state.settings = body;
      renderSettings();
      box.className = 'form-message success';
      setText(box, 'cases.set.saved');
    } catch (e) {
      box.className = 'form-message error';
      delete box.dataset.i18n;
      box.textContent = describeError(e);
    } finally {
      $('s-save').disabled = !staff;
    }
  }
}

/** An ISO time as the value of a datetime-local input (local time). */
function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
