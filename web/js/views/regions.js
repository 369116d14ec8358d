// views/regions.js - the region browser: breadcrumb, a region's facts, its
// children with counts (drill down), search by name within it, and, for
// users who may, creating a grid in a community.
import { t, label, fmtNumber } from '../i18n.js';
import * as API from '../api.js';
import { h, icon, notice, pagedList, loading, errorText } from '../dom.js';

const COMMUNITY = 5;
const GRID = 6;

export function regionHref(code) { return `#/regions/${API.regionSeg(code)}`; }

// "12 个社区" / "12 communities": children of a region at this level.
export function childCount(level, n) {
  if (!n) return t('count.none');
  return t(`count.children.${level}`, { n: fmtNumber(n), count: n });
}

// Breadcrumb from a path (ancestors, {code,name,in_scope}) and the current
// region.  Ancestors outside the user's scope are plain text, not links.
export function breadcrumb(path, current, { linkCurrent = false } = {}) {
  const items = (path || []).map((p) => h('li', p.in_scope
    ? h('a', { href: regionHref(p.code === 'root' ? '' : p.code) }, p.name)
    : h('span.out-of-scope', p.name)));
  items.push(h('li', linkCurrent
    ? h('a', { href: regionHref(current.code) }, current.name)
    : h('span', { 'aria-current': 'page' }, current.name)));
  return h('nav.breadcrumb', { 'aria-label': t('regions.breadcrumb') }, h('ol', items));
}

// List items for regions: a link to each with its level, code and child count.
export function regionItems(items) {
  return items.map((r) => h('li', h('a.region-item', { href: regionHref(r.code), dataset: { code: r.code } },
    h('span.region-name', r.name),
    h('span.region-meta', h('span.badge', label('level', r.level)), h('span.code', r.code)),
    h('span.region-count', r.level >= GRID ? '' : childCount(r.level, r.children)),
    icon('chevron', 'region-go'))));
}

export function renderIndex(ctx) {
  render({ ...ctx, params: { code: ctx.me.scope.code } });
}

export async function render(ctx) {
  const { main } = ctx;
  const code = ctx.params.code === 'root' ? '' : ctx.params.code;
  main.replaceChildren(loading());
  let r;
  try {
    r = await API.regions.get(code);
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.status === 404) {
      ctx.setTitle(t('regions.notFoundTitle'));
      main.replaceChildren(h('section.page-error', { 'data-testid': 'region-not-found' },
        h('h1', t('regions.notFoundTitle')),
        notice('error', t('regions.notFound')),
        h('p', h('a.btn.btn-secondary', { href: regionHref(ctx.me.scope.code) }, t('common.myArea')))));
      return;
    }
    main.replaceChildren(notice('error', errorText(err),
      h('button.btn.btn-secondary', { type: 'button', onclick: () => render(ctx) }, t('common.retry'))));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(r.name);

  const parent = r.path && r.path.length ? r.path[r.path.length - 1] : null;
  const head = h('div.page-head',
    breadcrumb(r.path, r),
    h('div.title-row',
      h('h1', { tabindex: '-1' }, r.name),
      h('span.badge.badge-lg', label('level', r.level))),
    h('dl.facts',
      h('div', h('dt', t('regions.code')), h('dd.code', r.code || 'root')),
      h('div', h('dt', t('regions.level')), h('dd', label('level', r.level))),
      h('div', h('dt', t('regions.childCount')), h('dd', r.level >= GRID ? t('count.none') : childCount(r.level, r.children)))),
    parent && parent.in_scope
      ? h('a.btn.btn-secondary.btn-up', { href: regionHref(parent.code === 'root' ? '' : parent.code) },
        icon('up'), t('regions.upTo', { name: parent.name }))
      : null);

  const childrenBox = h('div');
  const loadChildren = () => {
    childrenBox.replaceChildren(r.level >= GRID
      ? h('p.muted', t('regions.gridLeaf'))
      : pagedList({
        listEl: h('ul.region-list', { 'data-testid': 'children' }),
        fetchPage: (after) => API.regions.children(code, after),
        renderItems: regionItems,
        emptyText: t('regions.noChildren'),
        isCurrent: ctx.isCurrent,
      }));
  };
  loadChildren();

  main.replaceChildren(head,
    h('div.region-grid',
      h('section.card.children-card', h('h2', t('regions.children')), childrenBox),
      h('div.side-col',
        r.level < GRID ? searchCard(ctx, r) : null,
        r.level === COMMUNITY && ctx.can('region.write') ? gridForm(r, loadChildren) : null)));
}

function searchCard(ctx, r) {
  const input = h('input', {
    id: 'region-q', type: 'search', name: 'q', maxlength: '50', placeholder: t('regions.searchPlaceholder'),
    autocomplete: 'off',
  });
  const results = h('div.search-results', { 'aria-live': 'polite' });
  const form = h('form.search-form', {
    role: 'search',
    onsubmit: (e) => {
      e.preventDefault();
      const q = input.value.trim();
      if (!q) {
        results.replaceChildren(notice('error', t('regions.needQuery')));
        return;
      }
      results.replaceChildren(h('h3', t('regions.searchResults')), pagedList({
        listEl: h('ul.region-list.region-list-compact', { 'data-testid': 'search-results' }),
        fetchPage: (after) => API.regions.search(q, r.code, after),
        renderItems: regionItems,
        emptyText: t('regions.noResults', { q }),
        isCurrent: ctx.isCurrent,
      }));
    },
  },
  h('label', { for: 'region-q' }, t('regions.search')),
  h('div.input-with-button', input,
    h('button.btn.btn-primary', { type: 'submit' }, icon('search'), h('span', t('common.search')))),
  h('p.hint', t('regions.searchIn', { name: r.name })));
  return h('section.card.search-card', form, results);
}

function gridForm(r, onCreated) {
  const input = h('input', {
    id: 'grid-name', name: 'name', type: 'text', maxlength: '50', placeholder: t('regions.gridNamePlaceholder'),
    autocomplete: 'off',
  });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, icon('plus'), h('span', t('regions.createGrid')));
  const form = h('form.grid-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const name = input.value.trim();
      if (!name) {
        input.setAttribute('aria-invalid', 'true');
        msg.replaceChildren(notice('error', t('regions.needGridName')));
        input.focus();
        return;
      }
      input.removeAttribute('aria-invalid');
      submit.disabled = true;
      msg.replaceChildren();
      try {
        const g = await API.regions.create(r.code, name);
        input.value = '';
        msg.replaceChildren(notice('success', t('regions.gridCreated', { name: g.name, code: g.code })));
        onCreated();
      } catch (err) {
        input.setAttribute('aria-invalid', 'true');
        msg.replaceChildren(notice('error', errorText(err, {
          byCode: { conflict: 'error.gridExists', not_found: 'error.regionNotFound' },
        })));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('label', { for: 'grid-name' }, t('regions.gridName')),
  h('div.input-with-button', input, submit));
  return h('section.card.grid-card', { 'data-testid': 'grid-form' },
    h('h2', t('regions.newGrid')), h('p.muted', t('regions.newGridIntro', { name: r.name })), form, msg);
}
