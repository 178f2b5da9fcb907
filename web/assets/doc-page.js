// A documentation page: fetches the Markdown its <body data-doc> names and shows it rendered. The renderer knows
// what our docs use (headings, paragraphs, lists, tables, fenced code, `code`, **bold**, links) and builds DOM
// nodes, never HTML from the text.
import { applyI18n, languageSwitch, t } from './i18n.js';
import { el } from './dom.js';

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

function inline(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(el('code', {}, m[1]));
    else if (m[2] !== undefined) out.push(el('strong', {}, m[2]));
    else out.push(el('a', { href: /^(https?:|\/|#)/.test(m[4]) ? m[4] : `#${m[4]}` }, m[3]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function cells(line) {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/** Markdown text to a list of block elements. */
export function render(md) {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const code = [];
      for (i += 1; i < lines.length && !/^```/.test(lines[i]); i += 1) code.push(lines[i]);
      i += 1;
      blocks.push(el('pre', {}, el('code', {}, code.join('\n'))));
    } else if (/^#{1,4} /.test(line)) {
      const level = line.indexOf(' ');
      blocks.push(el(`h${Math.min(level, 4)}`, {}, ...inline(line.slice(level + 1))));
      i += 1;
    } else if (/^\s*\|/.test(line)) {
      const rows = [];
      for (; i < lines.length && /^\s*\|/.test(lines[i]); i += 1) rows.push(lines[i]);
      const body = rows.filter((r, n) => n > 0 && !/^\s*\|?\s*:?-{3,}/.test(r));
      blocks.push(el('div', { class: 'table-wrap' }, el('table', {},
        el('thead', {}, el('tr', {}, ...cells(rows[0]).map((c) => el('th', { scope: 'col' }, ...inline(c))))),
        el('tbody', {}, ...body.map((r) => el('tr', {}, ...cells(r).map((c) => el('td', {}, ...inline(c)))))))));
    } else if (/^\s*([-*]|\d+\.) /.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items = [];
      for (; i < lines.length && lines[i].trim() !== '' && !/^```/.test(lines[i]); i += 1) {
        if (/^\s*([-*]|\d+\.) /.test(lines[i])) items.push(lines[i].replace(/^\s*([-*]|\d+\.) /, ''));
        else items[items.length - 1] += ` ${lines[i].trim()}`;
      }
      blocks.push(el(ordered ? 'ol' : 'ul', {}, ...items.map((x) => el('li', {}, ...inline(x)))));
    } else if (line.trim() === '') {
      i += 1;
    } else {
      const para = [];
      for (; i < lines.length && lines[i].trim() !== '' && !/^(```|#{1,4} |\s*\||\s*([-*]|\d+\.) )/.test(lines[i]); i += 1) {
        para.push(lines[i].trim());
      }
      blocks.push(el('p', {}, ...inline(para.join(' '))));
    }
  }
  return blocks;
}

async function main() {
  document.getElementById('lang-slot').append(languageSwitch());
  applyI18n(document);
  const box = document.getElementById('doc');
  try {
    const res = await fetch(document.body.dataset.doc, { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    box.replaceChildren(...render(await res.text()));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'form-message error', role: 'alert' }, t('doc.error', { reason: e.message })));
  }
}

main();
