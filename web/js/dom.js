// dom.js - small helpers to build DOM safely (text is always set as text,
// never parsed as HTML) and the pieces every view shares: notices, empty
// states, a keyset-paginated list and error messages.
import { t } from './i18n.js';

// h('a.card', {href}, child, …): tag with optional .classes, attributes
// (on* keys become listeners, `dataset`, `style`), and children (strings,
// nodes, arrays; null/false are skipped).
export function h(spec, attrs, ...children) {
  if (attrs instanceof Node || typeof attrs === 'string' || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = null;
  }
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replaces el's children (null/false skipped, arrays flattened; unlike
// the DOM's replaceChildren, which would write "null").
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// Icons are fixed SVG markup from this file, never data.
const ICONS = {
  home: '<path d="M3 11.5 12 4l9 7.5"/><path d="M5.5 10v9.5h13V10"/><path d="M10 19.5v-5h4v5"/>',
  phone: '<path d="M6.5 3.5h3l1.5 4-2 1.5a11 11 0 0 0 6 6l1.5-2 4 1.5v3a2 2 0 0 1-2 2A16 16 0 0 1 4.5 5.5a2 2 0 0 1 2-2z"/>',
  regions: '<path d="M12 21s-6.5-5.6-6.5-11a6.5 6.5 0 0 1 13 0c0 5.4-6.5 11-6.5 11z"/><circle cx="12" cy="10" r="2.4"/>',
  users: '<circle cx="9" cy="8.5" r="3.3"/><path d="M3 19.5c.6-3.3 3-5.2 6-5.2s5.4 1.9 6 5.2"/><path d="M15.5 5.5a3.2 3.2 0 0 1 0 6.2M17.5 14.6c1.8.7 3 2.4 3.4 4.9"/>',
  audit: '<path d="M7 3.5h7.5L19 8v12.5H7z"/><path d="M14.5 3.5V8H19"/><path d="M10 12h6M10 15.5h6"/>',
  menu: '<path d="M4 7h16M4 12h16M4 17h16"/>',
  close: '<path d="M6 6l12 12M18 6 6 18"/>',
  logout: '<path d="M14 4.5H6.5v15H14"/><path d="M10.5 12H20M16.5 8.5 20 12l-3.5 3.5"/>',
  globe: '<circle cx="12" cy="12" r="8.5"/><path d="M3.5 12h17M12 3.5c2.4 2.4 3.5 5.2 3.5 8.5s-1.1 6.1-3.5 8.5c-2.4-2.4-3.5-5.2-3.5-8.5s1.1-6.1 3.5-8.5z"/>',
  chevron: '<path d="M9.5 6l6 6-6 6"/>',
  search: '<circle cx="11" cy="11" r="6.5"/><path d="m16 16 4.5 4.5"/>',
  up: '<path d="M12 19V6M6.5 11.5 12 6l5.5 5.5"/>',
  plus: '<path d="M12 5v14M5 12h14"/>',
  alert: '<path d="M12 3.8 21 19.5H3z"/><path d="M12 10v4.5M12 17v.3"/>',
  inbox: '<path d="M3.5 13.5 6 5.5h12l2.5 8v5h-17z"/><path d="M3.5 13.5h5l1 2h5l1-2h5"/>',
  check: '<circle cx="12" cy="12" r="8.5"/><path d="m8.2 12.3 2.6 2.6 5-5.4"/>',
  info: '<circle cx="12" cy="12" r="8.5"/><path d="M12 11v5.2M12 7.8v.2"/>',
  screening: '<path d="M8.5 4.5H6v16h12v-16h-2.5"/><path d="M9 3.5h6v3H9z"/><path d="m9 13.2 2.2 2.2 4-4.4"/>',
  command: '<path d="M4 20h16"/><path d="M6.5 20v-6M11 20V8M15.5 20v-9M20 20V5"/>',
  persons: '<rect x="3.5" y="5" width="17" height="14" rx="1.5"/><circle cx="9" cy="11" r="2.2"/><path d="M5.8 16.2c.5-1.6 1.7-2.5 3.2-2.5s2.7.9 3.2 2.5M14.5 10h3.5M14.5 13.5h3.5"/>',
  cloud: '<path d="M7 18.5h10a4 4 0 0 0 .6-7.95A5.5 5.5 0 0 0 7 9.5a4.5 4.5 0 0 0 0 9z"/><path d="M12 16v-5M9.8 13.2 12 11l2.2 2.2"/>',
  offline: '<path d="M7 18.5h10a4 4 0 0 0 2.2-.65M20.6 14.5A4 4 0 0 0 17.6 10.55 5.5 5.5 0 0 0 9.2 6.3M6.4 9.6A4.5 4.5 0 0 0 7 18.5"/><path d="m3.5 3.5 17 17"/>',
  edit: '<path d="M4.5 19.5h4l10-10-4-4-10 10z"/><path d="m13 7 4 4"/>',
  undo: '<path d="M9 14.5 4.5 10 9 5.5"/><path d="M4.5 10h10a5 5 0 0 1 0 10H11"/>',
  eye: '<path d="M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z"/><circle cx="12" cy="12" r="2.8"/>',
  upload: '<path d="M12 15.5V4.5M7.5 9 12 4.5 16.5 9"/><path d="M4.5 15v4.5h15V15"/>',
  download: '<path d="M12 4.5v11M7.5 11l4.5 4.5 4.5-4.5"/><path d="M4.5 15v4.5h15V15"/>',
  shield: '<path d="M12 2.8 4.5 5.6v5.8c0 4.8 3.2 8.4 7.5 9.9 4.3-1.5 7.5-5.1 7.5-9.9V5.6z"/><path d="M12 8v7M8.5 11.5h7"/>',
  cases: '<rect x="4.5" y="3.5" width="15" height="17" rx="1.5"/><path d="M12 7.5v6M9 10.5h6"/><path d="M8.5 17h7"/>',
  followups: '<path d="M14 4.5a2.5 2.5 0 0 0-5 0v9.2a4 4 0 1 0 5 0z"/><path d="M11.5 11v5"/><path d="M17.5 6.5h3M17.5 10h3"/>',
  clusters: '<circle cx="6" cy="6.5" r="2.2"/><circle cx="18" cy="8" r="2.2"/><circle cx="8" cy="18" r="2.2"/><circle cx="17" cy="17.5" r="2.2"/><path d="m8 7.2 7.9.6M7.2 16l-.7-7.4M10.2 18l4.6-.4M16.9 10.2l.1 5.1"/>',
  epi: '<path d="M4 20h16"/><path d="M6 20v-3M9 20v-7M12 20v-10M15 20v-6M18 20v-2"/><path d="M4.5 9.5c3-5 6-6 8-4s5 2 7-1"/>',
};

export function icon(name, cls = '') {
  const span = document.createElement('span');
  span.className = `icon ${cls}`.trim();
  span.setAttribute('aria-hidden', 'true');
  span.innerHTML = `<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${ICONS[name] || ''}</svg>`;
  return span;
}

// A translated message for an API error.  fieldKeys maps a field to a more
// specific key; byCode maps an error code to one.
export function errorText(err, { byCode = {} } = {}) {
  if (!err || err.status === undefined) return t('error.server');
  if (byCode[err.code]) return t(byCode[err.code]);
  switch (err.code) {
    case 'network': return t('error.network');
    case 'forbidden': return t('error.forbidden');
    case 'not_found': return t('error.notFound');
    case 'conflict': return t('error.conflict');
    case 'invalid':
      return err.field && t(`field.${err.field}`) !== `field.${err.field}` ? t(`field.${err.field}`) : t('error.invalid');
    default: return t('error.server');
  }
}

// A notice box: kind is info | success | error.
export function notice(kind, text, ...extra) {
  return h(`div.notice.notice-${kind}`, { role: kind === 'error' ? 'alert' : 'status' },
    icon({ error: 'alert', success: 'check' }[kind] || 'info'), h('div.notice-body', h('p', text), extra));
}

export function emptyState(text) {
  return h('div.empty', icon('inbox'), h('p', text));
}

export function loading() {
  return h('div.loading', { role: 'status' }, h('span.spinner', { 'aria-hidden': 'true' }), t('common.loading'));
}

// One record for a page: shows the spinner, then resolves the record; on a
// 404 (or 400: a malformed id) shows "not found" with a way back, on any
// other error the message with a retry (retry() renders the page again), and
// resolves null.  texts: {notFoundTitle, notFound, back, backLabel}.
export async function loadRecord(ctx, load, texts, retry) {
  fill(ctx.main, loading());
  try {
    return await load();
  } catch (err) {
    if (!ctx.isCurrent()) return null;
    if (err.status === 404 || err.status === 400) {
      ctx.setTitle(texts.notFoundTitle);
      fill(ctx.main, h('section.page-error', h('h1', texts.notFoundTitle), notice('error', texts.notFound),
        h('p', h('a.btn.btn-secondary', { href: texts.back }, texts.backLabel))));
      return null;
    }
    fill(ctx.main, notice('error', errorText(err),
      h('button.btn.btn-secondary', { type: 'button', onclick: retry }, t('common.retry'))));
    return null;
  }
}

// A keyset-paginated list.  fetchPage(after) resolves {items, next};
// renderItems(items) returns nodes to append to listEl; box (default listEl)
// is what is shown, and hidden when there is nothing.  Shows the empty
// state, a "load more" button while next is set, and errors in place.
export function pagedList({ listEl, box = listEl, fetchPage, renderItems, emptyText, isCurrent = () => true }) {
  const wrap = h('div.paged');
  const status = h('p.list-status', { 'aria-live': 'polite' });
  const more = h('button.btn.btn-secondary.load-more', { type: 'button' }, t('common.loadMore'));
  const msg = h('div.list-msg');
  let next = null;
  let count = 0;
  async function load(after) {
    more.disabled = true;
    msg.replaceChildren(after ? '' : loading());
    let page;
    try {
      page = await fetchPage(after);
    } catch (err) {
      if (!isCurrent()) return;
      more.disabled = false;
      msg.replaceChildren(notice('error', errorText(err),
        h('button.btn.btn-secondary', { type: 'button', onclick: () => load(after) }, t('common.retry'))));
      return;
    }
    if (!isCurrent()) return;
    msg.replaceChildren();
    count += page.items.length;
    append(listEl, renderItems(page.items));
    next = page.next;
    more.disabled = false;
    more.hidden = !next;
    if (count === 0) {
      box.hidden = true;
      msg.replaceChildren(emptyState(emptyText));
      status.textContent = '';
    } else {
      box.hidden = false;
      status.textContent = next ? t('common.shown', { n: count }) : t('common.allShown', { n: count });
    }
  }
  more.addEventListener('click', () => next && load(next));
  more.hidden = true;
  wrap.append(box, msg, h('div.list-foot', status, more));
  load(null);
  return wrap;
}

// A table cell that can turn into a labelled row on phones (CSS uses
// data-label); the content is wrapped so it stays in one grid cell.
export function td(labelText, ...children) {
  let cls = '';
  if (labelText && typeof labelText === 'object') ({ label: labelText, cls = '' } = labelText);
  return h(cls ? `td.${cls}` : 'td', { 'data-label': labelText }, h('div.cell', children));
}
