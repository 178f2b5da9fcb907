// Huifang UI strings: the language switch and t(). zh-CN is the default; en on the switch.
// The strings themselves live in i18n/*.js: common.js (loaded here, for every page) and one file per page, which the
// page's script hands to addStrings() before it renders anything.
// Every visible text goes through t(key) or a data-i18n attribute.
//   data-i18n="key"              -> textContent
//   data-i18n-args='{"n":3}'     -> parameters for {n} placeholders
//   data-i18n-placeholder="key"  -> placeholder attribute
//   data-i18n-title="key"        -> title attribute
//   data-i18n-aria-label="key"   -> aria-label attribute
import common from './i18n/common.js';

const STORAGE_KEY = 'hf.lang';
export const LANGS = ['zh-CN', 'en'];
export const DEFAULT_LANG = 'zh-CN';

/** Every loaded string, per language. */
const dict = Object.fromEntries(LANGS.map((lang) => [lang, {}]));

/** Adds a strings file ({ 'zh-CN': {key: text}, en: {key: text} }) to what t() knows. */
export function addStrings(strings) {
  for (const lang of LANGS) Object.assign(dict[lang], strings[lang]);
}

addStrings(common);

let current = readStoredLang();
const listeners = new Set();

function readStoredLang() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

export function getLang() {
  return current;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(dict[current], key);
}

/** Translated text for key; {name} placeholders are filled from params. Unknown keys show the key. */
export function t(key, params) {
  let s = dict[current][key];
  if (s === undefined) s = dict[DEFAULT_LANG][key];
  if (s === undefined) {
    console.warn('i18n: missing key', key);
    s = key;
  }
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m);
  }
  return s;
}

/** Sets the text of el to t(key, params) and remembers key/params so a language switch re-translates it. */
export function setText(el, key, params) {
  el.dataset.i18n = key;
  if (params) el.dataset.i18nArgs = JSON.stringify(params);
  else delete el.dataset.i18nArgs;
  el.textContent = t(key, params);
  return el;
}

function argsOf(el) {
  if (!el.dataset.i18nArgs) return undefined;
  try {
    return JSON.parse(el.dataset.i18nArgs);
  } catch {
    return undefined;
  }
}

/** Translates root and everything below it that carries data-i18n* attributes. */
export function applyI18n(root = document) {
  const scope = root.querySelectorAll ? root : document;
  const pick = (sel) => {
    const found = Array.from(scope.querySelectorAll(sel));
    if (scope !== document && scope.matches && scope.matches(sel)) found.unshift(scope);
    return found;
  };
  for (const el of pick('[data-i18n]')) el.textContent = t(el.dataset.i18n, argsOf(el));
  for (const el of pick('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of pick('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of pick('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  if (root === document) document.documentElement.lang = current;
}

/** Switches the language, stores it, re-translates the page and tells the listeners. */
export function setLang(lang) {
  if (!LANGS.includes(lang)) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: keep it for this page only */
  }
  applyI18n(document);
  for (const fn of listeners) fn(lang);
}

/** fn(lang) after every language switch (for texts that are formatted, e.g. dates). */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Formats an ISO timestamp as "2025-03-18 14:20" in local time (same in both languages: compact, unambiguous). */
export function formatDateTime(iso, withSeconds = false) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = (n) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const time = `${p(d.getHours())}:${p(d.getMinutes())}${withSeconds ? `:${p(d.getSeconds())}` : ''}`;
  return `${date} ${time}`;
}

export function formatTime(date) {
  return new Intl.DateTimeFormat(current, {
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false
  }).format(date);
}

/** Builds the 中文 / English switch; keeps aria-pressed in sync. */
export function languageSwitch() {
  const group = document.createElement('div');
  group.className = 'lang-switch';
  group.setAttribute('role', 'group');
  group.dataset.i18nAriaLabel = 'lang.switch';
  group.setAttribute('aria-label', t('lang.switch'));
  const buttons = LANGS.map((lang) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.lang = lang;
    b.textContent = lang === 'en' ? t('lang.en') : t('lang.zh');
    b.addEventListener('click', () => setLang(lang));
    group.append(b);
    return b;
  });
  const sync = () => buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.lang === current)));
  sync();
  onLangChange(sync);
  return group;
}

document.documentElement.lang = current;
