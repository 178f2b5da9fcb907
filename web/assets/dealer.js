// The dealer portal (经销商门户, docs/casework-api.md): a dealer user's landing page. Its own dealer's cases (record
// what was done: the call centre then verifies by a second callback), its judged calls with the appeal (申诉) and,
// when one cannot be filed, why; its approved voice-of-the-customer reports (PDF); its improvement plans (the
// meeting, the signed minutes, the result report). Customer phones come masked from the server.
import { addStrings, t, setText, onLangChange, formatDateTime } from './i18n.js';
import { boot, api, ApiError, describeError, el, notify, modalDialog, connectWs } from './shell.js';
import { caseDetail, severityPill, statusPill, dueCell, kindText, deptText, askText, timeline } from './case-view.js';
import strings from './i18n/dealer.js';

addStrings(strings);

const $ = (id) => document.getElementById(id);
const TABS = ['cases', 'calls', 'reports', 'plans'];

const me = await boot();
if (me) start(me);

function start(user) {
  const state = { tab: 'cases', cases: [], calls: [], reports: [], plans: [], appealDays: 3 };
  // Which list request is the latest: an earlier filter's answer arriving later is not shown.
  let casesAsked = 0;
  let callsAsked = 0;
  const q = new URLSearchParams(location.search);
  if (TABS.includes(q.get('tab'))) state.tab = q.get('tab');
  $('dealer-name').textContent = user.dealerName || user.displayName || '';

  document.querySelectorAll('.cw-tab').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab)));
  $('cw-tabs').addEventListener('keydown', (ev) => {
    const i = TABS.indexOf(state.tab);
    const next = ev.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : ev.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : null;
    if (!next) return;
    ev.preventDefault();
    showTab(next);
    $(`tab-${next}`).focus();
  });
  $('case-filters').addEventListener('change', loadCases);
  $('call-filters').addEventListener('change', loadCalls);
  onLangChange(() => { renderCases(); renderCalls(); renderReports(); renderPlans(); hint(); });

  showTab(state.tab);
  hint();
  loadCases();
  loadCalls();
  loadReports();
  loadPlans();
  if (/^\d+$/.test(q.get('case') || '')) showCase(Number(q.get('case')));

  let refresh = null;
  connectWs({
    onMessage: (msg) => {
      if (msg.type !== 'notification') return;
      clearTimeout(refresh);
      refresh = setTimeout(() => { loadCases(); loadCalls(); loadPlans(); }, 300);
    }
  });

  function showTab(tab) {
    state.tab = tab;
    for (const b of document.querySelectorAll('.cw-tab')) {
      const on = b.dataset.tab === tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    for (const name of TABS) $(`view-${name}`).hidden = name !== tab;
    history.replaceState(null, '', `?tab=${tab}`);
  }

  function hint() {
    setText($('calls-hint'), 'portal.calls.hint', { days: state.appealDays });
  }

  function failed(id, e) {
    const box = $(id);
    if (!e) { box.className = 'form-message'; box.textContent = ''; return; }
    box.className = 'form-message error';
    box.textContent = t('cw.loadFailed', { reason: describeError(e) });
  }

  function empty(key) {
    return el('p', { class: 'cw-empty', i18n: key });
  }

  // ---------------------------------------------------------------- cases

  async function loadCases() {
    const p = new URLSearchParams({ limit: 100 });
    if ($('f-status').value) p.set('status', $('f-status').value);
    const asked = ++casesAsked;
    try {
      const data = await api(`/api/cases?${p}`);
      if (asked !== casesAsked) return; // a later filter's answer is the one shown
      state.cases = (data && data.cases) || [];
      state.counts = (data && data.counts) || {};
      failed('cases-message');
    } catch (e) {
      failed('cases-message', e);
    }
    renderCases();
  }

  function renderCases() {
    const open = Number((state.counts && state.counts.open) || 0);
    $('count-cases').hidden = !open;
    $('count-cases').textContent = String(open);
    const list = $('cases-list');
    if (!state.cases.length) { list.replaceChildren(empty('portal.cases.none')); return; }
    list.replaceChildren(...state.cases.map((c) => el('article', { class: `cw-card cw-card-${c.severity}`, 'data-case-id': c.id },
      el('div', { class: 'cw-card-head' },
        el('h3', {}, t('cw.caseNo', { id: c.id }), ' · ', kindText(c.kind)),
        severityPill(c.severity)),
      el('div', { class: 'cw-detail-pills' }, statusPill(c.status), el('span', { class: 'muted' }, deptText(c.department))),
      el('p', { class: 'cw-clamp' }, c.summary || ''),
      el('p', { class: 'muted cw-small' }, c.customerName || ''),
      dueCell(c),
      el('div', { class: 'cw-card-foot' },
        el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'view', i18n: 'portal.view', onclick: () => showCase(c.id) }),
        c.status === 'open'
          ? el('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'handle', i18n: 'portal.handle', onclick: () => handle(c.id) })
          : null))));
  }

  /** The object at url, or null after telling the user why it could not be read. */
  async function fetched(url) {
    try {
      return await api(url);
    } catch (e) {
      notify(describeError(e), 'error');
      return null;
    }
  }

  async function showCase(id) {
    const c = await fetched(`/api/cases/${id}`);
    if (!c) return;
    const m = modalDialog({ id: 'case-view', titleKey: 'cw.caseNo', titleArgs: { id: c.id } });
    m.dialog.classList.add('cw-wide-dialog', 'cw-detail');
    m.body.append(caseDetail(c));
    m.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.close', onclick: () => m.close() }),
      c.status === 'open' ? el('button', { type: 'button', class: 'btn btn-primary', i18n: 'portal.handle',
        onclick: () => { m.close(); handle(c.id); } }) : null);
    m.open();
  }

  async function handle(id) {
    const c = await fetched(`/api/cases/${id}`);
    if (!c) return;
    askText({
      id: 'case-handle', titleKey: 'portal.handle.title', titleArgs: { id: c.id }, introKey: 'portal.handle.intro',
      introArgs: { summary: c.summary || '' }, labelKey: 'portal.handle.label', submitKey: 'portal.handle.submit', min: 5, max: 4000,
      submit: async (action) => {
        await api(`/api/cases/${c.id}/handle`, { method: 'POST', body: { action, version: c.version } });
        notify(t('portal.handle.done', { id: c.id }), 'success');
        await loadCases();
      }
    });
  }

  // ---------------------------------------------------------------- judged calls and appeals

  async function loadCalls() {
    const p = new URLSearchParams();
    if ($('fc-kind').value) p.set('kind', $('fc-kind').value);
    if ($('fc-month').value) p.set('month', $('fc-month').value);
    const asked = ++callsAsked;
    try {
      const data = await api(`/api/appeals/calls?${p}`);
      if (asked !== callsAsked) return;
      state.calls = (data && data.calls) || [];
      if (data && data.appealDays) { state.appealDays = data.appealDays; hint(); }
      failed('calls-message');
    } catch (e) {
      failed('calls-message', e);
    }
    renderCalls();
  }

  /** Why this call cannot be appealed (null: it can): the server's code if it gave one, else what the row says. */
  function refusal(call) {
    if (call.appealable) return null;
    const given = call.refusal && call.refusal.code;
    const expired = call.appealUntil && new Date(call.appealUntil) <= new Date();
    const code = given || (call.appeal ? 'already_appealed' : expired ? 'window_closed' : 'not_judged');
    if (code === 'window_closed') {
      return t('portal.refused.window', { closedAt: formatDateTime(call.appealUntil || call.refusal.closedAt),
        publishedAt: formatDateTime(call.publishedAt || call.submittedAt || (call.refusal && call.refusal.publishedAt)) });
    }
    if (code === 'already_appealed') return t('portal.refused.already');
    if (code === 'not_judged') return t('portal.refused.notJudged');
    return (call.refusal && call.refusal.message) || code;
  }

  function renderCalls() {
    const open = state.calls.filter((c) => c.appealable).length;
    $('count-calls').hidden = !open;
    $('count-calls').textContent = String(open);
    const list = $('calls-list');
    if (!state.calls.length) { list.replaceChildren(empty('portal.calls.none')); return; }
    list.replaceChildren(...state.calls.map((call) => {
      const why = refusal(call);
      const appeal = call.appeal;
      return el('article', { class: 'cw-card', 'data-attempt-id': call.attemptId },
        el('div', { class: 'cw-card-head' },
          el('h3', {}, call.customerName || t('cw.none')),
          el('span', { class: `pill ${call.judged === 'error_sample' ? 'cw-flag' : 'cw-status-handled'}` },
            t(`portal.judged.${call.judged === 'error_sample' ? 'error_sample' : 'low_survey'}`))),
        el('p', { class: 'muted cw-small' }, [String(call.kind || '').toUpperCase(), call.phone || call.phoneMasked,
          formatDateTime(call.publishedAt || call.submittedAt)].filter(Boolean).join(' · ')),
        call.score !== undefined && call.score !== null ? el('p', {}, t('portal.score', { score: Number(call.score).toFixed(1) })) : null,
        call.why ? el('p', { class: 'cw-small' }, call.why) : null,
        appeal ? el('div', { class: 'cw-detail-pills cw-appeal-state' }, el('span', { i18n: 'portal.appealed' }), statusPill(appeal.status, 'appeal'),
          appeal.result ? el('span', { class: `pill cw-verdict cw-verdict-${appeal.result}` }, t(`cw.verdict.${appeal.result}`)) : null) : null,
        call.appealable && call.appealUntil
          ? el('p', { class: 'cw-appeal-until' }, t('portal.appealUntil', { at: formatDateTime(call.appealUntil) })) : null,
        why && !appeal ? el('p', { class: 'cw-refusal', role: 'note' }, why) : null,
        el('div', { class: 'cw-card-foot' },
          call.appealable ? el('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'appeal', i18n: 'portal.appeal',
            onclick: () => fileAppeal(call) }) : null,
          appeal ? el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'trail', i18n: 'portal.trail',
            onclick: () => showAppeal(appeal.id) }) : null));
    }));
  }

  function fileAppeal(call) {
    askText({
      id: 'appeal-file', titleKey: 'portal.appeal.title', introKey: 'portal.appeal.intro',
      introArgs: { at: formatDateTime(call.appealUntil) }, labelKey: 'portal.appeal.reason', submitKey: 'portal.appeal.submit',
      min: 5, max: 2000,
      submit: async (reason) => {
        try {
          await api('/api/appeals', { method: 'POST', body: { attemptId: call.attemptId, reason } });
        } catch (e) {
          if (e instanceof ApiError && e.code === 'window_closed') {
            loadCalls();
            const b = e.body || {};
            throw new Error(t('portal.refused.window', { closedAt: formatDateTime(b.closedAt), publishedAt: formatDateTime(b.publishedAt) }));
          }
          if (e instanceof ApiError && e.code === 'already_appealed') { loadCalls(); throw new Error(t('portal.refused.already')); }
          throw e;
        }
        notify(t('portal.appeal.done'), 'success');
        await loadCalls();
      }
    });
  }

  async function showAppeal(id) {
    const a = await fetched(`/api/appeals/${id}`);
    if (!a) return;
    const m = modalDialog({ id: 'appeal-view', titleKey: 'portal.appealNo', titleArgs: { id: a.id } });
    m.dialog.classList.add('cw-wide-dialog', 'cw-detail');
    m.body.append(el('div', { class: 'cw-detail-body' },
      el('div', { class: 'cw-detail-pills' }, statusPill(a.status, 'appeal'),
        a.result ? el('span', { class: `pill cw-verdict cw-verdict-${a.result}` }, t(`cw.verdict.${a.result}`)) : null),
      el('h3', { class: 'sub-h', i18n: 'portal.appeal.reason' }),
      el('p', { class: 'cw-reason' }, a.reason || ''),
      el('h3', { class: 'sub-h', i18n: 'portal.trail' }),
      timeline(a.events || a.history)));
    m.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.close', onclick: () => m.close() }));
    m.open();
  }

  // ---------------------------------------------------------------- approved reports

  async function loadReports() {
    if (!user.dealerId) { renderReports(); return; }
    try {
      const data = await api(`/api/reports/dealers/${user.dealerId}/approved`);
      state.reports = (data && data.months) || [];
      failed('reports-message');
    } catch (e) {
      failed('reports-message', e);
    }
    renderReports();
  }

  function renderReports() {
    const list = $('reports-list');
    if (!state.reports.length) { list.replaceChildren(el('li', { class: 'cw-empty', i18n: 'portal.reports.none' })); return; }
    list.replaceChildren(...state.reports.map((r) => {
      const base = `/api/reports/months/${r.kind}/${r.month}/dealers/${user.dealerId}/report.pdf`;
      return el('li', { 'data-month': `${r.kind}-${r.month}` },
        el('div', {}, el('strong', {}, `${String(r.kind).toUpperCase()} ${r.month}`),
          el('div', { class: 'muted cw-small' }, [r.assessment !== undefined && r.assessment !== null ? t('portal.reports.score', { score: Number(r.assessment).toFixed(2) }) : '',
            r.rank ? t('portal.reports.rank', { rank: r.rank }) : '', r.approvedAt ? t('portal.reports.approvedAt', { at: formatDateTime(r.approvedAt) }) : '']
            .filter(Boolean).join(' · '))),
        el('div', { class: 'cw-report-links' },
          el('a', { class: 'btn btn-small', href: `/reports.html?kind=${r.kind}&month=${r.month}`, i18n: 'portal.reports.open' }),
          el('a', { class: 'btn btn-small', href: `${base}?lang=zh`, 'data-pdf': 'zh', i18n: 'portal.reports.pdfZh' }),
          el('a', { class: 'btn btn-small btn-ghost', href: `${base}?lang=en`, 'data-pdf': 'en', i18n: 'portal.reports.pdfEn' })));
    }));
  }

  // ---------------------------------------------------------------- improvement plans

  async function loadPlans() {
    try {
      const data = await api('/api/plans');
      state.plans = (data && data.plans) || [];
      failed('plans-message');
    } catch (e) {
      failed('plans-message', e);
    }
    renderPlans();
  }

  function renderPlans() {
    const late = state.plans.filter((p) => (p.late || []).length || (p.missing || []).length).length;
    $('count-plans').hidden = !late;
    $('count-plans').textContent = String(late);
    const list = $('plans-list');
    if (!state.plans.length) { list.replaceChildren(empty('portal.plans.none')); return; }
    const steps = (l) => (l || []).map((s) => t(`cw.step.${s}`)).join('、');
    list.replaceChildren(...state.plans.map((p) => {
      const step = (name, due, at) => el('div', { class: (p.late || []).includes(name) || (p.missing || []).includes(name) ? 'cw-late' : null },
        el('dt', { i18n: `cw.step.${name}` }), el('dd', {}, p[at] ? formatDateTime(p[at]) : t('cw.due', { at: formatDateTime(p[due]) || t('cw.none') })));
      const next = { open: 'meeting', meeting_held: 'minutes', minutes_returned: 'result', period: 'result' }[p.status];
      return el('article', { class: 'cw-card', 'data-plan-id': p.id },
        el('div', { class: 'cw-card-head' }, el('h3', {}, `${String(p.kind || '').toUpperCase()} ${p.month || ''}`), statusPill(p.status, 'plan')),
        (p.late || []).length ? el('p', { class: 'cw-refusal' }, t('cw.late', { steps: steps(p.late) })) : null,
        (p.missing || []).length ? el('p', { class: 'cw-refusal' }, t('cw.missing', { steps: steps(p.missing) })) : null,
        el('dl', { class: 'kv cw-kv' }, step('meeting', 'meetingDue', 'meetingAt'), step('minutes', 'minutesDue', 'minutesAt'),
          p.periodEnd ? el('div', {}, el('dt', { i18n: 'portal.plan.periodEndShort' }), el('dd', {}, p.periodEnd)) : null,
          step('result', 'resultDue', 'resultAt')),
        el('div', { class: 'cw-card-foot' },
          next === 'meeting' ? el('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'meeting', i18n: 'portal.plan.meeting', onclick: () => meetingForm(p) }) : null,
          next === 'minutes' ? el('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'minutes', i18n: 'portal.plan.minutes', onclick: () => minutesForm(p) }) : null,
          next === 'result' ? el('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'result', i18n: 'portal.plan.result', onclick: () => resultForm(p) }) : null,
          p.minutes ? el('a', { class: 'btn btn-small', href: `/api/plans/${p.id}/minutes`, i18n: 'portal.plan.minutesFile' }) : null));
    }));
  }

  /** A dialog with a form: fields (elements), send() returns a promise; errors are shown in it. */
  function formDialog({ id, titleKey, titleArgs, fields, submitKey, send }) {
    const m = modalDialog({ id, titleKey, titleArgs });
    m.dialog.classList.add('cw-wide-dialog');
    const msg = el('div', { class: 'form-message', role: 'alert' });
    m.body.append(el('div', { class: 'cw-form' }, ...fields), msg);
    const ok = el('button', { type: 'submit', class: 'btn btn-primary', id: `${id}-submit`, i18n: submitKey });
    m.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => m.close() }), ok);
    m.form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      ok.disabled = true;
      msg.className = 'form-message';
      msg.textContent = '';
      try {
        await send();
        m.close();
        await loadPlans();
      } catch (e) {
        msg.className = 'form-message error';
        msg.textContent = describeError(e);
      } finally {
        ok.disabled = false;
      }
    });
    m.open(m.body.querySelector('input, textarea'));
    return m;
  }

  const field = (labelKey, input) => el('label', {}, el('span', { i18n: labelKey }), input);

  function meetingForm(p) {
    // Today in the centre's zone (casework's days end at midnight Asia/Shanghai): the UTC date was yesterday's until
    // 08:00 Beijing time, and a meeting dated before its plan opened is refused.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const heldOn = el('input', { type: 'date', id: 'pm-held', value: today, required: true });
    const attendees = el('input', { type: 'text', id: 'pm-attendees', maxlength: 500, required: true });
    const periodEnd = el('input', { type: 'date', id: 'pm-period', required: true });
    const rows = el('div', { class: 'cw-rows', id: 'pm-items' });
    const addRow = () => {
      const row = el('div', { class: 'cw-item-row' },
        field('portal.plan.indicator', el('input', { type: 'text', class: 'pm-indicator', maxlength: 200 })),
        field('portal.plan.action', el('input', { type: 'text', class: 'pm-action', maxlength: 1000 })),
        field('portal.plan.owner', el('input', { type: 'text', class: 'pm-owner', maxlength: 100 })),
        el('button', { type: 'button', class: 'btn btn-small btn-danger-text', i18n: 'portal.plan.removeItem', onclick: () => row.remove() }));
      rows.append(row);
    };
    addRow();
    formDialog({
      id: 'plan-meeting', titleKey: 'portal.plan.meeting', submitKey: 'portal.plan.save',
      fields: [field('portal.plan.heldOn', heldOn), field('portal.plan.attendees', attendees),
        el('p', { class: 'muted', i18n: 'portal.plan.itemsHint' }), rows,
        el('button', { type: 'button', class: 'btn btn-small', i18n: 'portal.plan.addItem', onclick: addRow }),
        field('portal.plan.periodEnd', periodEnd)],
      send: () => api(`/api/plans/${p.id}/meeting`, { method: 'POST', body: {
        heldOn: heldOn.value, attendees: attendees.value.trim(), periodEnd: periodEnd.value,
        items: [...rows.children].map((r) => ({ indicator: r.querySelector('.pm-indicator').value.trim(),
          action: r.querySelector('.pm-action').value.trim(), owner: r.querySelector('.pm-owner').value.trim() }))
          .filter((i) => i.indicator || i.action)
      } }).then(() => notify(t('portal.plan.saved'), 'success'))
    });
  }

  function minutesForm(p) {
    const file = el('input', { type: 'file', id: 'pm-file', accept: 'application/pdf,image/jpeg,image/png', required: true });
    const signedBy = el('input', { type: 'text', id: 'pm-signed', maxlength: 100, required: true });
    formDialog({
      id: 'plan-minutes', titleKey: 'portal.plan.minutes', submitKey: 'portal.plan.upload',
      fields: [el('p', { class: 'muted', i18n: 'portal.plan.minutesHint' }), field('portal.plan.file', file), field('portal.plan.signedBy', signedBy)],
      send: async () => {
        const f = file.files && file.files[0];
        if (!f) throw new Error(t('portal.plan.noFile'));
        if (f.size > 10 * 1024 * 1024) throw new Error(t('portal.plan.tooBig'));
        const data = new FormData();
        data.append('signedBy', signedBy.value.trim());
        data.append('file', f, f.name);
        const res = await fetch(`/api/plans/${p.id}/minutes`, { method: 'POST', body: data, credentials: 'same-origin',
          headers: { Accept: 'application/json' } });
        if (!res.ok) {
          let body = null;
          try { body = await res.json(); } catch { /* not JSON */ }
          throw new ApiError(res.status, body);
        }
        notify(t('portal.plan.uploaded'), 'success');
      }
    });
  }

  function resultForm(p) {
    const text = el('textarea', { id: 'pm-result', rows: 6, maxlength: 8000, required: true });
    formDialog({
      id: 'plan-result', titleKey: 'portal.plan.result', submitKey: 'portal.plan.save',
      fields: [field('portal.plan.resultText', text)],
      send: () => api(`/api/plans/${p.id}/result`, { method: 'POST', body: { text: text.value.trim() } })
        .then(() => notify(t('portal.plan.saved'), 'success'))
    });
  }
}
