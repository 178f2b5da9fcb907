// 登记工单 on the agent's desk (docs/casework-api.md): a case for the call on screen, or the last one: its kind, the
// information-recording template of that kind (the required parts marked; the server refuses a note missing one,
// naming the part), severity and department, sent as POST /api/cases with the call's attempt id (which gives the
// dealer and the customer).
import { t, formatDateTime } from './i18n.js';
import { el, notify } from './dom.js';
import { api, ApiError, describeError } from './api.js';
import { modalDialog } from './forms.js';
import { KINDS, SEVERITIES, DEPARTMENTS, TEMPLATES, kindText, deptText, partText } from './case-view.js';

/** currentCall(): the desk's call on screen (null between calls); the button opens the form for it or the last one. */
export function setUpDeskCase(currentCall) {
  const button = document.getElementById('desk-case-open');
  if (!button) return;
  let last = null;
  const remember = () => {
    const c = currentCall();
    if (c && c.attemptId) last = { ...c, seenAt: c.seenAt || new Date().toISOString() };
    button.disabled = !last;
  };
  remember();
  setInterval(remember, 1000);
  button.addEventListener('click', () => {
    remember();
    if (!last) { notify(t('cw.desk.noCall'), 'error'); return; }
    openForm(last);
  });
}

function prefill(call) {
  const c = call.customer || {};
  return {
    brand: c.vehicleModel || '', dealer: (c.dealer && c.dealer.name) || '', date: c.eventDate || '', plate: c.plate || ''
  };
}

function openForm(call) {
  const m = modalDialog({ id: 'desk-case', titleKey: 'cw.desk.title' });
  m.dialog.classList.add('desk-case-dialog');
  const values = prefill(call);
  const kind = el('select', { id: 'dc-kind' }, ...KINDS.map((k) => el('option', { value: k }, kindText(k))));
  const severity = el('select', { id: 'dc-severity' }, ...SEVERITIES.map((s) => el('option', { value: s, selected: s === 'yellow' ? true : null }, t(`cw.sev.${s}`))));
  const sales = call.campaign && /ssi|sales/i.test(`${call.campaign.kind || ''} ${call.campaign.eventKind || ''}`);
  const department = el('select', { id: 'dc-department' }, ...DEPARTMENTS.map((d) =>
    el('option', { value: d, selected: d === (sales ? 'sales' : 'service') ? true : null }, deptText(d))));
  const parts = el('fieldset', { class: 'dc-parts' });
  const note = el('textarea', { id: 'dc-note', rows: 2, maxlength: 4000 });
  const msg = el('div', { class: 'form-message', role: 'alert', id: 'dc-message' });
  const inputs = new Map();

  function renderParts() {
    for (const [p, input] of inputs) if (input.value.trim()) values[p] = input.value.trim();
    inputs.clear();
    parts.replaceChildren(el('legend', { i18n: 'cw.template' }), ...(TEMPLATES[kind.value] || []).map(([p, required]) => {
      const id = `dc-part-${p}`;
      const input = el('input', { type: 'text', id, name: p, maxlength: 500, value: values[p] || '', required: required ? true : null,
        'aria-required': required ? 'true' : null, 'data-part': p });
      input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
      inputs.set(p, input);
      return el('div', { class: 'field dc-part' }, el('label', { for: id }, partText(p),
        required ? el('span', { class: 'req', title: t('cw.required'), 'aria-hidden': 'true' }, ' *') : null), input);
    }));
  }
  kind.addEventListener('change', renderParts);
  renderParts();

  const customer = call.customer || {};
  m.body.append(
    el('p', { class: 'modal-intro muted' }, t('cw.desk.forCall', { name: customer.name || '—', at: formatDateTime(call.seenAt) })),
    el('div', { class: 'field-row' },
      el('div', { class: 'field' }, el('label', { for: 'dc-kind', i18n: 'cw.kind' }), kind),
      el('div', { class: 'field' }, el('label', { for: 'dc-severity', i18n: 'cw.severity' }), severity),
      el('div', { class: 'field' }, el('label', { for: 'dc-department', i18n: 'cw.department' }), department)),
    parts,
    el('div', { class: 'field' }, el('label', { for: 'dc-note', i18n: 'cw.note' }), note),
    msg);
  const ok = el('button', { type: 'submit', class: 'btn btn-primary', id: 'dc-submit', i18n: 'cw.desk.submit' });
  m.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => m.close() }), ok);

  function fail(text, part) {
    msg.className = 'form-message error';
    msg.textContent = text;
    const input = part && inputs.get(part);
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
  }

  m.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const template = {};
    for (const [p, input] of inputs) if (input.value.trim()) template[p] = input.value.trim();
    const missing = (TEMPLATES[kind.value] || []).find(([p, required]) => required && !template[p]);
    if (missing) { fail(t('cw.desk.requiredMissing', { part: partText(missing[0]) }), missing[0]); return; }
    ok.disabled = true;
    try {
      const body = { kind: kind.value, severity: severity.value, department: department.value, attemptId: call.attemptId, template };
      if (note.value.trim()) body.note = note.value.trim();
      const r = await api('/api/cases', { method: 'POST', body });
      const id = r && (r.id || (r.case && r.case.id));
      notify(t('cw.desk.done', { id: id || '' }), 'success');
      m.close();
    } catch (e) {
      const field = e instanceof ApiError && e.field ? String(e.field).replace(/^template\./, '') : null;
      fail(t('cw.desk.failed', { reason: describeError(e) }), field);
    } finally {
      ok.disabled = false;
    }
  });
  m.open(kind);
}
