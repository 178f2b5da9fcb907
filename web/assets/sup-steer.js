// Steering from the supervisors' page: pause / resume a campaign (a dialog naming it; the server checks the name),
// dial mode and abandonment target (PATCH /api/campaigns/:id/pacing), an agent's menu (force pause, sign out, listen,
// whisper, barge) and the listening-in bar fed by the sup.listen pushes.
import { t, setText, onLangChange } from './i18n.js';
import { api, ApiError, describeError, el, notify, modalDialog } from './shell.js';
import { label } from './sup-format.js';

const MODES = ['preview', 'progressive', 'predictive'];
const LISTEN_MODES = ['listen', 'whisper', 'barge'];

/** Why the server refused, in the user's language when we know the code. */
function refusal(e) {
  if (e instanceof ApiError && e.code && ['confirm_mismatch', 'no_softphone', 'agent_not_on_call', 'not_found', 'softphone_on_other_pbx', 'pbx_unavailable', 'spy_failed', 'agent_not_logged_in'].includes(e.code)) {
    return t(`sup.refused.${e.code}`);
  }
  return describeError(e);
}

export function steering({ board }) {
  // ------------------------------------------------------------------ campaign: pause / resume
  function pauseOrResume(c) {
    if (!c) return;
    const resume = !!c.paused;
    const d = modalDialog({ id: 'camp-confirm', titleKey: resume ? 'sup.confirm.resumeTitle' : 'sup.confirm.pauseTitle', titleArgs: { name: c.name } });
    const msg = el('div', { class: 'form-message', role: 'alert' });
    const ok = el('button', { type: 'submit', class: `btn ${resume ? 'btn-primary' : 'btn-danger'}`, id: 'camp-confirm-ok' },
      t(resume ? 'sup.confirm.resumeBtn' : 'sup.confirm.pauseBtn', { name: c.name }));
    d.body.append(msg, el('p', { class: 'confirm-text' }, t(resume ? 'sup.confirm.resumeText' : 'sup.confirm.pauseText', { name: c.name })));
    d.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => d.close() }), ok);
    d.form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      ok.disabled = true;
      try {
        await api(`/api/supervisor/campaigns/${c.campaignId}/${resume ? 'resume' : 'pause'}`, { method: 'POST', body: { confirm: c.name } });
        d.close();
        notify(t(resume ? 'sup.confirm.resumed' : 'sup.confirm.paused', { name: c.name }), 'success');
      } catch (e) {
        ok.disabled = false;
        msg.className = 'form-message error';
        msg.textContent = refusal(e);
      }
    });
    d.open(ok);
  }

  // ------------------------------------------------------------------ campaign: dial mode and abandonment target
  function pacing(c) {
    if (!c) return;
    const d = modalDialog({ id: 'pacing-dialog', titleKey: 'sup.pacing.title', titleArgs: { name: c.name } });
    const msg = el('div', { class: 'form-message', role: 'alert' });
    const mode = el('select', { id: 'pacing-mode', name: 'dialMode' },
      MODES.map((m) => el('option', { value: m, selected: m === c.mode }, label('sup.mode.', m))));
    const target = el('input', { type: 'number', id: 'pacing-target', name: 'abandonTarget', min: 0, max: 100, step: 0.1,
      'aria-describedby': 'pacing-target-hint pacing-target-error' });
    // The board gives the target as a fraction (0.03); the campaigns API takes a percentage (3).
    target.value = c.abandonTarget === null || c.abandonTarget === undefined ? '' : String(Math.round(c.abandonTarget * 1000) / 10);
    const targetError = el('p', { class: 'field-error', id: 'pacing-target-error' });
    d.body.append(msg,
      el('div', { class: 'field' }, el('label', { for: 'pacing-mode', i18n: 'sup.pacing.mode' }), mode,
        el('span', { class: 'hint', i18n: 'sup.pacing.modeHint' })),
      el('div', { class: 'field' }, el('label', { for: 'pacing-target', i18n: 'sup.pacing.target' }), target,
        el('span', { class: 'hint', id: 'pacing-target-hint', i18n: 'sup.pacing.targetHint' }), targetError));
    const ok = el('button', { type: 'submit', class: 'btn btn-primary', id: 'pacing-save', i18n: 'common.save' });
    d.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => d.close() }), ok);
    d.form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const pctValue = Number(target.value);
      if (target.value === '' || !Number.isFinite(pctValue) || pctValue < 0 || pctValue > 100) {
        target.setAttribute('aria-invalid', 'true');
        setText(targetError, 'sup.pacing.targetInvalid');
        target.focus();
        return;
      }
      ok.disabled = true;
      try {
        await api(`/api/campaigns/${c.campaignId}/pacing`, { method: 'PATCH', body: { dialMode: mode.value, abandonTarget: pctValue } });
        d.close();
        notify(t('sup.pacing.saved', { name: c.name }), 'success');
      } catch (e) {
        ok.disabled = false;
        if (e instanceof ApiError && e.field === 'abandonTarget') {
          target.setAttribute('aria-invalid', 'true');
          targetError.textContent = refusal(e);
        } else {
          msg.className = 'form-message error';
          msg.textContent = refusal(e);
        }
      }
    });
    d.open(mode);
  }

  // ------------------------------------------------------------------ an agent's menu
  function agentMenu(r) {
    if (!r) return;
    const name = r.name || r.username;
    const d = modalDialog({ id: 'agent-menu', titleKey: 'sup.agent.title', titleArgs: { name } });
    const msg = el('div', { class: 'form-message', role: 'alert' });
    const onCall = r.state === 'on_call';
    const listenRow = el('div', { class: 'agent-menu-row' }, LISTEN_MODES.map((m) => el('button', {
      type: 'button', class: 'btn', id: `agent-${m}`, disabled: !onCall,
      onclick: () => { d.close(); listen(board.data.agents.rows[r.agentId] || r, m); }
    }, t(`sup.listen.${m}`))));
    const pauseBtn = el('button', { type: 'button', class: 'btn', id: 'agent-force-pause',
      disabled: r.state === 'paused' || r.state === 'logged_out', i18n: 'sup.agent.forcePause' });
    const outBtn = el('button', { type: 'button', class: 'btn btn-danger-text', id: 'agent-sign-out',
      disabled: r.state === 'logged_out', i18n: 'sup.agent.signOut' });
    d.body.append(msg,
      el('p', { class: 'muted' }, t('sup.agent.now', { state: t(`sup.state.${r.state}`) })),
      el('h3', { class: 'agent-menu-h', i18n: 'sup.agent.listenHeading' }),
      onCall ? null : el('p', { class: 'muted', i18n: 'sup.agent.notOnCall' }),
      listenRow,
      el('h3', { class: 'agent-menu-h', i18n: 'sup.agent.steerHeading' }),
      el('p', { class: 'muted', i18n: 'sup.agent.forcePauseHint' }),
      el('div', { class: 'agent-menu-row' }, pauseBtn, outBtn));
    d.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.close', onclick: () => d.close() }));
    pauseBtn.addEventListener('click', async () => {
      pauseBtn.disabled = true;
      try {
        await api(`/api/supervisor/agents/${r.agentId}/pause`, { method: 'POST', body: { reason: 'supervisor' } });
        d.close();
        notify(t('sup.agent.pausedOk', { name }), 'success');
      } catch (e) {
        pauseBtn.disabled = false;
        msg.className = 'form-message error';
        msg.textContent = refusal(e);
      }
    });
    outBtn.addEventListener('click', () => { d.close(); confirmSignOut(r); });
    d.open();
  }

  function confirmSignOut(r) {
    const name = r.name || r.username;
    const d = modalDialog({ id: 'signout-confirm', titleKey: 'sup.signOut.title', titleArgs: { name } });
    const msg = el('div', { class: 'form-message', role: 'alert' });
    const ok = el('button', { type: 'submit', class: 'btn btn-danger', id: 'signout-ok' }, t('sup.signOut.btn', { name }));
    d.body.append(msg, el('p', {}, t('sup.signOut.text', { name })));
    d.foot.append(el('button', { type: 'button', class: 'btn', i18n: 'common.cancel', onclick: () => d.close() }), ok);
    d.form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      ok.disabled = true;
      try {
        await api(`/api/supervisor/agents/${r.agentId}/sign-out`, { method: 'POST', body: {} });
        d.close();
        notify(t('sup.signOut.done', { name }), 'success');
      } catch (e) {
        ok.disabled = false;
        msg.className = 'form-message error';
        msg.textContent = refusal(e);
      }
    });
    d.open(ok);
  }

  // ------------------------------------------------------------------ listening in
  const bar = document.getElementById('sup-listen');
  /** The supervisor's spy call: {spyId, agentId, name, mode, state}. */
  let spy = null;
  let hideTimer = null;

  function drawListen() {
    clearTimeout(hideTimer);
    if (!spy) { bar.hidden = true; bar.replaceChildren(); return; }
    bar.hidden = false;
    bar.dataset.state = spy.state;
    bar.dataset.spyId = spy.spyId;
    const ended = spy.state === 'ended' || spy.state === 'failed';
    const stop = el('button', { type: 'button', class: 'btn btn-small btn-danger', id: 'listen-stop', i18n: 'sup.listen.stop' });
    stop.addEventListener('click', stopListening);
    bar.replaceChildren(...[
      el('span', { class: 'listen-dot', 'aria-hidden': 'true' }),
      el('span', { class: 'listen-text' }, t(`sup.listen.state.${['ringing', 'listening', 'ended', 'failed'].includes(spy.state) ? spy.state : 'ringing'}`,
        { name: spy.name, mode: t(`sup.listen.${spy.mode}`) })),
      typeof spy.seconds === 'number' ? el('span', { class: 'muted' }, t('sup.listen.seconds', { seconds: spy.seconds })) : null,
      ended ? null : stop].filter(Boolean));
    if (ended) hideTimer = setTimeout(() => { spy = null; drawListen(); }, 5000); // a redraw starts the 5 s again
  }

  onLangChange(() => { if (spy) drawListen(); });

  async function listen(r, mode) {
    if (!r) return;
    if (spy && spy.state !== 'ended' && spy.state !== 'failed') await stopListening();
    const name = r.name || r.username;
    try {
      const res = await api('/api/supervisor/listen', { method: 'POST', body: { agentId: r.agentId, mode } });
      // Its first push may have come before this answer: keep the state it brought.
      if (!spy || String(spy.spyId) !== String(res.spyId)) spy = { spyId: res.spyId, agentId: r.agentId, name, mode, state: 'ringing' };
      drawListen();
    } catch (e) {
      notify(t('sup.listen.failed', { name, reason: refusal(e) }), 'error');
    }
  }

  async function stopListening() {
    if (!spy) return;
    const id = spy.spyId;
    try {
      await api(`/api/supervisor/listen/${id}`, { method: 'DELETE' });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) { notify(describeError(e), 'error'); return; }
    }
    if (spy && spy.spyId === id) { spy.state = 'ended'; drawListen(); }
  }

  /** {type: 'sup.listen', spyId, agentId, mode, state: ringing | listening | ended, seconds?} (to my pages only) */
  function listenPush(msg) {
    if (!spy || String(msg.spyId) !== String(spy.spyId)) {
      // Another page of mine started it, or a reload lost it: show it all the same, it is my phone.
      if (msg.state === 'ended' || msg.state === 'failed') return;
      const r = board.data && board.data.agents && board.data.agents.rows[msg.agentId];
      spy = { spyId: msg.spyId, agentId: msg.agentId, name: r ? (r.name || r.username) : `#${msg.agentId}`, mode: msg.mode || 'listen' };
    }
    spy.state = msg.state;
    spy.seconds = msg.seconds;
    if (msg.mode) spy.mode = msg.mode;
    drawListen();
  }

  return { pauseOrResume, pacing, agentMenu, listen, listenPush };
}
