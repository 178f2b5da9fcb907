// Per-dealer data-quality audit (DOMAIN.md §3), for supervisors and admins.
import { addStrings, t, onLangChange } from './i18n.js';
import { boot, api, describeError, el } from './shell.js';
import strings from './i18n/data-quality.js';

addStrings(strings);

const $ = (id) => document.getElementById(id);
let rows = [];

async function show(ev) {
  if (ev) ev.preventDefault();
  const params = new URLSearchParams();
  if ($('dq-campaign').value) params.set('campaignId', $('dq-campaign').value);
  if ($('dq-month').value) params.set('month', $('dq-month').value);
  try {
    rows = (await api(`/api/data-quality?${params}`)).dealers || [];
    $('dq-message').className = 'form-message table-message';
    $('dq-message').textContent = '';
    render();
  } catch (e) {
    $('dq-message').className = 'form-message table-message error';
    $('dq-message').textContent = describeError(e);
  }
}

function render() {
  if (!rows.length) {
    $('dq-body').replaceChildren(el('tr', {}, el('td', { colspan: 9, class: 'muted', i18n: 'dq.empty' })));
    return;
  }
  $('dq-body').replaceChildren(...rows.map((d) => el('tr', {},
    el('td', { class: 'name-cell' }, `${d.code} ${d.name}`),
    el('td', {}, String(d.customers)),
    el('td', { title: (d.duplicates || []).map((x) => `${x.phone}: ${x.names.join('、')}`).join('\n') || null }, String(d.duplicatePhones)),
    el('td', {}, String(d.refusals)),
    el('td', {}, String(d.unusablePhones)),
    el('td', {}, String(d.workOrdersOpen)),
    el('td', {}, Object.entries(d.special || {}).map(([k, n]) => `${t(`special.${k}`)} ${n}`).join('、') || '—'),
    el('td', { class: 'nowrap' }, volumeCell(d)),
    el('td', {}, d.problems.length
      ? el('span', { class: 'pill pill-DEGRADED' }, d.problems.map((p) => t(`dq.problem.${p}`)).join('、'))
      : el('span', { class: 'pill pill-UP', i18n: 'dq.ok' })))));
}

/**
 * Declared / uploaded: the declaration is per month, so without a month there is nothing to compare; a month with no
 * declaration links to where it is entered (lists.html, 台次申报).
 */
function volumeCell(d) {
  const month = $('dq-month').value;
  if (!month) return el('span', { title: t('dq.volumeNeedsMonth') }, `— / ${d.uploadedVolume}`);
  if (d.declaredVolume == null) {
    return el('span', {}, `— / ${d.uploadedVolume} `, el('a', {
      href: `/lists.html?month=${encodeURIComponent(month)}#volumes`, i18n: 'dq.declare' }));
  }
  return `${d.declaredVolume} / ${d.uploadedVolume}`;
}

const me = await boot();
if (me) {
  $('dq-month').value = new URLSearchParams(location.search).get('month') || '';
  const campaigns = (await api('/api/campaigns')).campaigns || [];
  $('dq-campaign').replaceChildren(el('option', { value: '', i18n: 'dq.allCampaigns' }),
    ...campaigns.map((c) => el('option', { value: c.id }, c.name)));
  $('dq-form').addEventListener('submit', show);
  onLangChange(render);
  show();
}
