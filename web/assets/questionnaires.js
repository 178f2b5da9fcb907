// Questionnaires (admins edit; supervisors and QA read): list, structure preview, JSON editor with upload.
import { addStrings, t, has, getLang, onLangChange, formatDateTime } from './i18n.js';
import { boot, api, describeError, el, ApiError, notify } from './shell.js';
import strings from './i18n/questionnaires.js';

addStrings(strings);

const $ = (id) => document.getElementById(id);

let user = null;
let list = [];
/** What the preview shows: {key, definition, versions, draft} (draft: from the editor, not saved). */
let shown = null;
/** The definition text as loaded, for "revert". */
let loadedText = '';

const TEMPLATE = {
  kind: 'csi',
  title: { zh: '新问卷', en: 'New questionnaire' },
  sections: [{
    id: 'verify', title: { zh: '身份确认', en: 'Verification' },
    items: [{ id: 'owner', type: 'yesno', required: true, label: { zh: '是否车主本人', en: 'Is this the owner' },
      script: { zh: '请问您是{customer}先生/女士本人吗？', en: 'Am I speaking with Mr/Ms {customer}?' } }]
  }]
};

/** A questionnaire text: {zh, en} or a plain string (Chinese). */
function txt(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return (getLang() === 'en' && v.en) ? v.en : (v.zh || v.en || '');
}

function isAdmin() {
  return user && user.role === 'admin';
}

async function loadList() {
  try {
    const r = await api('/api/questionnaires');
    list = r.questionnaires || [];
    $('qn-list-message').className = 'form-message table-message';
    $('qn-list-message').textContent = '';
  } catch (e) {
    const box = $('qn-list-message');
    box.className = 'form-message table-message error';
    box.textContent = describeError(e);
  }
  renderList();
}

function renderList() {
  $('qn-body').replaceChildren(...(list.length ? list.map((q) => el('tr', {
    'data-key': q.key, class: shown && shown.key === q.key ? 'q-current' : undefined
  },
    el('td', {}, el('code', {}, q.key)),
    el('td', {}, txt(q.title)),
    el('td', {}, t(`qn.kind.${q.kind}`)),
    el('td', {}, `v${q.version}`),
    el('td', {}, q.updated ? `${formatDateTime(q.updated)}${q.updatedBy ? ` · ${q.updatedBy}` : ''}` : ''),
    el('td', {}, el('button', {
      type: 'button', class: 'btn btn-small qn-open', 'data-key': q.key, 'aria-controls': 'qn-detail',
      'aria-label': t('qn.openLabel', { key: q.key }), onclick: () => open(q.key)
    }, t(isAdmin() ? 'qn.openEdit' : 'qn.open')))))
    : [el('tr', {}, el('td', { colspan: 6, class: 'muted', i18n: 'qn.empty' }))]));
}

async function open(key, version) {
  try {
    const r = await api(`/api/questionnaires/${encodeURIComponent(key)}${version ? `?version=${version}` : ''}`);
    shown = { key, definition: r.questionnaire, versions: r.versions || [], draft: false };
    showCheck(null);
    $('qn-detail').hidden = false;
    renderVersions();
    renderPreview();
    renderList();
    if (isAdmin()) {
      const def = { ...r.questionnaire };
      delete def.version;
      loadedText = JSON.stringify(def, null, 2);
      $('qn-key').value = key;
      $('qn-json').value = loadedText;
      clearError();
    }
    $('qn-preview-h').focus();
  } catch (e) {
    notify(describeError(e), 'error');
  }
}

function renderVersions() {
  const sel = $('qn-version');
  $('qn-version-form').hidden = !shown || shown.draft || !shown.versions.length;
  if (!shown) return;
  const cur = shown.definition.version;
  sel.replaceChildren(...shown.versions.map((v) => el('option', { value: v.version, selected: v.version === cur },
    `v${v.version} · ${formatDateTime(v.created)}${v.createdBy ? ` · ${v.createdBy}` : ''}`)));
}

function typeName(item) {
  if (item.type === 'loyalty') return t(`qn.type.loyalty.${item.topic}`);
  if (item.type === 'text' && item.category) return t(`qn.type.text.${item.category}`);
  return has(`qn.type.${item.type}`) ? t(`qn.type.${item.type}`) : String(item.type);
}

function answerText(items, id, value) {
  const item = items.find((i) => i.id === id);
  if (value === true) return t('qn.yes');
  if (value === false) return t('qn.no');
  if (value === 'not_surveyed') return t('qn.notSurveyed');
  if (item && item.type === 'choice') {
    const o = (item.options || []).find((x) => x.id === value);
    if (o) return txt(o.label);
  }
  if (item && item.type === 'loyalty') return t(`qn.loyalty.${value}`);
  return String(value);
}

function ruleText(items, rule) {
  const target = items.find((i) => i.id === rule.item);
  const name = target ? `${txt(target.label)} (${rule.item})` : rule.item;
  const values = Array.isArray(rule.in) ? rule.in : [rule.equals];
  return t('qn.rule', { item: name, values: values.map((v) => answerText(items, rule.item, v)).join(t('qn.or')) });
}

function indicatorTree(nodes, level = 1) {
  return el('ul', { class: level === 1 ? 'q-tree' : undefined }, ...(nodes || []).map((n) => el('li', {},
    el('span', {}, txt(n.label)), ' ', el('code', {}, n.id),
    n.children && n.children.length ? indicatorTree(n.children, level + 1) : null)));
}

function indicatorPaths(nodes, prefix = [], out = {}) {
  for (const n of nodes || []) {
    const path = [...prefix, txt(n.label)];
    out[n.id] = path;
    indicatorPaths(n.children, path, out);
  }
  return out;
}

function renderPreview() {
  const box = $('qn-preview');
  if (!shown) {
    box.replaceChildren();
    return;
  }
  const q = shown.definition;
  const sections = Array.isArray(q.sections) ? q.sections : [];
  const items = sections.flatMap((s) => (Array.isArray(s.items) ? s.items : []));
  const paths = indicatorPaths(q.indicators);
  const scale = items.filter((i) => i.type === 'scale10').length;
  const kind = String(q.kind || '').toLowerCase();
  // Without indicators the two parts below are null: left out, as replaceChildren would show them as "null".
  box.replaceChildren(...[
    el('h3', {}, txt(q.title)),
    el('p', { class: 'q-meta' },
      shown.draft ? t('qn.draft') : `${q.key} · v${q.version}`, ' · ', has(`qn.kind.${kind}`) ? t(`qn.kind.${kind}`) : kind, ' · ',
      t('qn.counts', { items: items.length, scale }), ' · ',
      t('qn.thresholds', { n: kind === 'ssi' ? 4 : 5 })),
    q.indicators && q.indicators.length ? el('h4', { i18n: 'qn.indicators' }) : null,
    q.indicators && q.indicators.length ? indicatorTree(q.indicators) : null,
    ...sections.map((s, si) => el('div', { class: 'q-section', 'data-section': s.id },
      el('h4', {}, `${si + 1}. ${txt(s.title)} `, el('code', {}, s.id)),
      s.intro ? el('p', { class: 'q-script' }, txt(s.intro)) : null,
      el('ol', { class: 'q-items' }, ...(Array.isArray(s.items) ? s.items : []).map((i) => el('li', {
        class: 'q-item', 'data-item': i.id
      },
        el('div', { class: 'q-item-head' },
          el('span', { class: 'q-item-label' }, txt(i.label)),
          el('code', {}, i.id),
          el('span', { class: 'q-tag q-tag-type' }, typeName(i)),
          i.required ? el('span', { class: 'q-tag q-tag-required', i18n: 'qn.required' }) : null,
          i.type === 'text' && i.maxLength ? el('span', { class: 'q-tag' }, t('qn.maxLength', { n: i.maxLength })) : null),
        i.indicator ? el('p', { class: 'q-ind' }, t('qn.indicator', { path: (paths[i.indicator] || [i.indicator]).join(' › ') })) : null,
        i.type === 'choice' ? el('p', { class: 'q-opts' }, t('qn.options', {
          options: (i.options || []).map((o) => `${txt(o.label)} (${o.id})`).join('、')
        })) : null,
        i.type === 'scale10' ? el('p', { class: 'q-opts', i18n: 'qn.scaleAnswers' }) : null,
        i.showIf ? el('p', { class: 'q-rule' }, ruleText(items, i.showIf)) : null,
        i.script ? el('p', { class: 'q-script' }, txt(i.script)) : null)))))].filter((n) => n !== null));
}

function clearError() {
  const box = $('qn-error');
  box.className = 'form-message';
  box.replaceChildren();
  $('qn-json').removeAttribute('aria-invalid');
}

/** Shows an error next to the editor: the place in the definition (if known) and the message. */
function showError(path, message) {
  const box = $('qn-error');
  box.className = 'form-message error';
  // Only the parts there are: replaceChildren(null, …) would show the text "null".
  box.replaceChildren(...(path ? [el('span', { class: 'q-error-path' }, path), ' '] : []), message);
  box.dataset.path = path || '';
  $('qn-json').setAttribute('aria-invalid', 'true');
}

/** The editor's JSON, or null after showing why it is not JSON. */
function editorJson() {
  const text = $('qn-json').value;
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      showError('', t('qn.error.notObject'));
      return null;
    }
    return v;
  } catch (e) {
    showError('', t('qn.error.json', { reason: e.message }));
    return null;
  }
}

async function save(ev) {
  ev.preventDefault();
  clearError();
  const key = $('qn-key').value.trim();
  if (!key) {
    showError('key', t('qn.error.key'));
    $('qn-key').focus();
    return;
  }
  const def = editorJson();
  if (!def) {
    $('qn-json').focus();
    return;
  }
  const btn = $('qn-save');
  btn.disabled = true;
  try {
    const r = await api(`/api/questionnaires/${encodeURIComponent(key)}`, { method: 'PUT', body: def });
    notify(t('qn.saved', { key, version: r.questionnaire.version }), 'success');
    await loadList();
    await open(key);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      // The server's message starts with the path; show the path apart and the rest as the message.
      const path = e.field && e.field !== 'body' ? e.field : '';
      let msg = describeError(e);
      if (path && msg.startsWith(`${path}: `)) msg = msg.slice(path.length + 2);
      showError(path, msg);
      markProblem(def, path);
      $('qn-json').focus();
    } else {
      showError('', describeError(e));
    }
  } finally {
    btn.disabled = false;
  }
}

/**
 * Shows the refused draft in the preview with the item or section the server named marked, so the place is easy
 * to find (paths look like sections[1].items[3].type).
 */
function markProblem(def, path) {
  const m = /^sections\[(\d+)\](?:\.items\[(\d+)\])?/.exec(path || '');
  if (!m) return;
  shown = { key: $('qn-key').value.trim(), definition: def, versions: [], draft: true };
  renderVersions();
  try {
    renderPreview();
  } catch {
    return;
  }
  const section = $('qn-preview').querySelectorAll('.q-section')[Number(m[1])];
  if (!section) return;
  const target = m[2] !== undefined ? section.querySelectorAll('.q-item')[Number(m[2])] : section;
  if (!target) return;
  target.classList.add('q-bad');
  target.setAttribute('data-problem', path);
  // Scrolled inside the preview only: the error message next to the editor stays where it is.
  $('qn-preview').scrollTop = Math.max(0, target.offsetTop - 40);
}

async function tryPreview() {
  clearError();
  showCheck(null);
  const def = editorJson();
  if (!def) return;
  shown = { key: $('qn-key').value.trim(), definition: def, versions: [], draft: true };
  $('qn-detail').hidden = false;
  renderVersions();
  try {
    renderPreview();
  } catch (e) {
    showError('', String(e.message || e));
    return;
  }
  await checkDraft(def);
}

/** Asks the server what saving would refuse (PUT ?dryRun=true stores nothing) and flags it in the preview. */
async function checkDraft(def) {
  const key = $('qn-key').value.trim();
  if (!key) {
    showCheck('error', t('qn.check.refused'), 'key', t('qn.error.key'));
    return;
  }
  try {
    await api(`/api/questionnaires/${encodeURIComponent(key)}?dryRun=true`, { method: 'PUT', body: def });
    showCheck('success', t('qn.check.ok'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      const path = e.field && e.field !== 'body' ? e.field : '';
      let msg = describeError(e);
      if (path && msg.startsWith(`${path}: `)) msg = msg.slice(path.length + 2);
      showCheck('error', t('qn.check.refused'), path, msg);
      showError(path, msg);
      markProblem(def, path);
    } else {
      showCheck('error', t('qn.check.failed', { reason: describeError(e) }));
    }
  }
}

/** The preview's verdict: null hides it; kind success or error, a headline, and the place and problem if any. */
function showCheck(kind, headline, path, message) {
  const box = $('qn-check');
  box.hidden = !kind;
  if (!kind) { box.replaceChildren(); return; }
  box.className = `form-message qn-check ${kind}`;
  box.dataset.state = kind === 'success' ? 'ok' : 'refused';
  box.replaceChildren(headline, ...(path ? [' ', el('span', { class: 'q-error-path' }, path)] : []),
    ...(message ? [' ', message] : []));
}

function startNew() {
  shown = null;
  $('qn-detail').hidden = false;
  renderVersions();
  renderPreview();
  renderList();
  $('qn-key').value = '';
  loadedText = JSON.stringify(TEMPLATE, null, 2);
  $('qn-json').value = loadedText;
  clearError();
  $('qn-key').focus();
}

function readFile() {
  const f = $('qn-file').files[0];
  if (!f) return;
  const reader = new FileReader();
  reader.onload = () => {
    $('qn-json').value = String(reader.result);
    clearError();
    const def = editorJson();
    if (def && typeof def.key === 'string' && !$('qn-key').value.trim()) $('qn-key').value = def.key;
    if (def) tryPreview();
  };
  reader.onerror = () => showError('', t('qn.error.file'));
  reader.readAsText(f, 'utf-8');
}

async function main() {
  user = await boot();
  if (!user) return;
  const admin = isAdmin();
  $('qn-new').hidden = !admin;
  $('qn-editor').hidden = !admin;
  $('qn-detail').classList.toggle('q-single', !admin);
  $('qn-preview-h').setAttribute('tabindex', '-1');
  $('qn-new').addEventListener('click', startNew);
  $('qn-form').addEventListener('submit', save);
  $('qn-try').addEventListener('click', tryPreview);
  $('qn-revert').addEventListener('click', () => { $('qn-json').value = loadedText; clearError(); });
  $('qn-file').addEventListener('change', readFile);
  $('qn-version').addEventListener('change', (ev) => { if (shown) open(shown.key, Number(ev.target.value)); });
  onLangChange(() => { renderList(); renderVersions(); renderPreview(); });
  await loadList();
  const wanted = new URLSearchParams(location.search).get('key');
  if (wanted) await open(wanted);
}

main();
