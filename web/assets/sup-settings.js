// The thresholds tab: GET / PUT /api/supervisor/thresholds. Seconds in state before an agent's row turns amber, then
// red (VICIdial-style); the limit of each pause reason (edited in minutes, stored in seconds); when a list counts as
// nearly exhausted. The server validates and names the bad field (400); the board carries the saved values.
import { t, setText } from './i18n.js';
import { api, ApiError, describeError, el, notify } from './shell.js';
import { label } from './sup-format.js';

const $ = (id) => document.getElementById(id);
const STATES = ['ready', 'on_call', 'wrap_up', 'paused'];
const REASONS = ['break', 'lunch', 'training', 'meeting', 'supervisor', 'other'];

export function settingsView() {
  let loaded = null;
  const inputs = { stateSeconds: {}, pauseLimits: {} };

  function numberInput(id, value, labelText) {
    const input = el('input', { type: 'number', id, min: 0, step: 1, 'aria-label': labelText });
    input.value = value === null || value === undefined ? '' : String(value);
    return input;
  }

  function draw(th) {
    const states = $('settings-states');
    states.replaceChildren(el('div', { class: 'settings-row settings-cols', 'aria-hidden': 'true' },
      el('span', {}), el('span', { i18n: 'sup.settings.amber' }), el('span', { i18n: 'sup.settings.red' })));
    for (const s of STATES) {
      const pair = (th.stateSeconds && th.stateSeconds[s]) || ['', ''];
      const name = t(`sup.state.${s}`);
      const amber = numberInput(`set-${s}-amber`, pair[0], t('sup.settings.amberOf', { state: name }));
      const red = numberInput(`set-${s}-red`, pair[1], t('sup.settings.redOf', { state: name }));
      inputs.stateSeconds[s] = [amber, red];
      states.append(el('div', { class: 'settings-row' },
        el('span', { class: 'settings-name' }, el('span', { class: `swatch swatch-${s}-0`, 'aria-hidden': 'true' }), name),
        el('label', { class: 'settings-cell' }, el('span', { class: `swatch swatch-${s}-1`, 'aria-hidden': 'true' }), amber),
        el('label', { class: 'settings-cell' }, el('span', { class: `swatch swatch-${s}-2`, 'aria-hidden': 'true' }), red),
        el('p', { class: 'field-error', id: `set-${s}-error` })));
    }
    const pauses = $('settings-pauses');
    pauses.replaceChildren();
    const limits = th.pauseLimits || {};
    const reasons = [...new Set([...REASONS, ...Object.keys(limits)])];
    for (const r of reasons) {
      const name = label('sup.reason.', r);
      const input = numberInput(`set-pause-${r}`, limits[r] === undefined ? '' : Math.round(limits[r] / 6) / 10, name);
      input.step = '1';
      inputs.pauseLimits[r] = input;
      pauses.append(el('div', { class: 'settings-row settings-row-2' },
        el('label', { for: input.id, class: 'settings-name' }, name), input,
        el('p', { class: 'field-error', id: `set-pause-${r}-error` })));
    }
    $('set-listLowTasks').value = th.listLowTasks === undefined ? '' : String(th.listLowTasks);
  }

  function collect() {
    const out = { stateSeconds: {}, pauseLimits: {}, listLowTasks: Number($('set-listLowTasks').value) };
    for (const [s, [a, r]] of Object.entries(inputs.stateSeconds)) out.stateSeconds[s] = [Number(a.value), Number(r.value)];
    for (const [r, input] of Object.entries(inputs.pauseLimits)) if (input.value !== '') out.pauseLimits[r] = Math.round(Number(input.value) * 60);
    return out;
  }

  function clearErrors() {
    for (const e of document.querySelectorAll('#settings-form .field-error')) e.textContent = '';
    for (const i of document.querySelectorAll('#settings-form [aria-invalid]')) i.removeAttribute('aria-invalid');
    const msg = $('settings-message');
    msg.className = 'form-message';
    msg.textContent = '';
  }

  /** A 400 names the field ("stateSeconds.ready", "pauseLimits.lunch", "listLowTasks"): the message goes beside it. */
  function showFieldError(e) {
    const field = String(e.field || '');
    const [head, sub] = field.split('.');
    let input = null;
    let box = null;
    if (head === 'stateSeconds' && inputs.stateSeconds[sub]) { input = inputs.stateSeconds[sub][0]; box = $(`set-${sub}-error`); }
    if (head === 'pauseLimits' && inputs.pauseLimits[sub]) { input = inputs.pauseLimits[sub]; box = $(`set-pause-${sub}-error`); }
    if (head === 'listLowTasks') { input = $('set-listLowTasks'); box = $('set-listLowTasks-error'); }
    if (!input) return false;
    input.setAttribute('aria-invalid', 'true');
    box.textContent = describeError(e);
    input.focus();
    return true;
  }

  async function load() {
    try {
      loaded = await api('/api/supervisor/thresholds');
      draw(loaded);
    } catch (e) {
      const msg = $('settings-message');
      msg.className = 'form-message error';
      setText(msg, 'sup.error', { reason: describeError(e) });
    }
  }

  $('settings-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    const btn = $('settings-save');
    btn.disabled = true;
    try {
      loaded = await api('/api/supervisor/thresholds', { method: 'PUT', body: collect() });
      if (loaded && loaded.stateSeconds) draw(loaded);
      notify(t('sup.settings.saved'), 'success');
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 400 && showFieldError(e))) {
        const msg = $('settings-message');
        msg.className = 'form-message error';
        msg.textContent = describeError(e);
      }
    } finally {
      btn.disabled = false;
    }
  });

  return { show() { load(); } };
}
