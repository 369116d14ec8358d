// views/home.js - overview: who I am, my area, where I can go.
import { t, has, label, fmtNumber } from '../i18n.js';
import * as API from '../api.js';
import { h, icon, pagedList } from '../dom.js';
import { breadcrumb, childCount, regionHref, regionItems } from './regions.js';

// How many of the area's children the overview lists at first: a screenful
// on a phone, more on larger screens.
const PREVIEW = () => (window.matchMedia('(max-width: 760px)').matches ? 6 : 24);

export function render(ctx) {
  const { me, main } = ctx;
  const s = me.scope;
  const features = ctx.features.filter((f) => f.id !== 'home');
  const stats = h('div.stats',
    h('div.stat', h('span.stat-label', t('home.scope')),
      h('span.stat-value', s.name), h('span.stat-sub', `${label('level', s.level)} · ${s.code || 'root'}`)),
    h('div.stat', h('span.stat-label', t('home.children')),
      h('span.stat-value', fmtNumber(s.children)), h('span.stat-sub', childCount(s.level, s.children))),
    h('div.stat', h('span.stat-label', t('home.role')),
      h('span.stat-value', label('role', me.user.role)), h('span.stat-sub', me.user.username)),
    h('div.stat', h('span.stat-label', t('home.permissions')),
      h('ul.perm-list', me.permissions.filter((p) => p !== 'session' && has(`perm.${p}`)).map((p) => h('li', t(`perm.${p}`))))));

  const quick = h('section.section',
    h('h2', t('home.quick')),
    h('div.tiles', features.map((f) => h('a.tile', { href: f.href, dataset: { tile: f.id } },
      icon(f.icon, 'tile-icon'),
      h('span.tile-text', h('strong', t(`nav.${f.id}`)), h('span', t(`nav.${f.id}.desc`))),
      icon('chevron', 'tile-go')))));

  let children = null;
  if (ctx.can('region.read')) {
    children = h('section.section.card',
      h('div.section-head', h('h2', t('home.childrenList')),
        h('a.link', { href: regionHref(s.code) }, t('home.viewAll'))),
      s.children > 0
        ? pagedList({
          listEl: h('ul.region-list'),
          fetchPage: (after) => API.regions.children(s.code, after, PREVIEW()),
          renderItems: regionItems,
          emptyText: t('home.noChildren'),
          isCurrent: ctx.isCurrent,
        })
        : h('p.muted', t('home.noChildren')));
  }

  main.replaceChildren(
    h('div.page-head',
      breadcrumb(s.path, s, { linkCurrent: ctx.can('region.read') }),
      h('h1', { tabindex: '-1' }, t('home.greeting', { name: me.user.username })),
      h('p.muted', t('home.intro'))),
    stats, quick, children);
}
