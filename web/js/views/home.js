// views/home.js - overview: who I am, my area, what my role does and where
// I can go.  Every role has a "my work" card: what the role is for, what
// this system offers it now (links to the pages its permissions open) and,
// for roles whose own tools are not built yet (hotline, supplies), a plain
// statement of that — no role lands on an empty page.  Above it, the
// user's announcements: urgent ones shown until acknowledged.
import { t, has, label, fmtNumber, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, icon, pagedList, notice, errorText } from '../dom.js';
import { breadcrumb, childCount, regionHref, regionItems } from './regions.js';
import { inboxCard } from './mobilise.js';
import { byGroup } from '../features.js';

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

  const tile = (f) => h('a.tile', { href: f.href, dataset: { tile: f.id } },
    icon(f.icon, 'tile-icon'),
    h('span.tile-text', h('strong', t(`nav.${f.id}`)), h('span', t(`nav.${f.id}.desc`))),
    icon('chevron', 'tile-go'));
  // many tiles: by domain under small headings, as the navigation is
  const runs = byGroup(features);
  const quick = h('section.section',
    h('h2', t('home.quick')),
    features.length < 8 || runs.length < 2 ? h('div.tiles', features.map(tile))
      : runs.map(({ group, items }) => [group ? h('h3.tiles-group', t(`nav.group.${group}`)) : null, h('div.tiles', items.map(tile))]));

  const work = workCard(ctx);

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
    inboxCard(ctx), work, stats, quick, children);
}

// What each role does here: its work, the pages for it, and what is not
// built yet.  The links are the features the user's permissions allow.
const WORK = {
  admin: ['users', 'regions', 'audit'],
  commander: ['wall', 'map', 'bulletins', 'command', 'epi', 'cases', 'clusters', 'measures', 'chase', 'supervise', 'announce'],
  officer: ['command', 'persons', 'regions', 'users', 'inbox', 'supplies', 'mobilise', 'announce'],
  gridworker: ['screening', 'persons'],
  doctor: ['followups', 'command', 'cases', 'inbox', 'roster', 'supplies'],
  operator: ['hotline', 'tickets', 'measures', 'roster'],
  coordinator: ['mobilise', 'announce', 'supplies', 'donations', 'regions'],
  keeper: ['supplies', 'donations'],
  auditor: ['audit', 'funds', 'epi', 'bulletins', 'tickets', 'measures'],
  volunteer: ['serve', 'regions'],
  finance: ['funds', 'donations'],
  supervisor: ['supervise', 'mobilise', 'command', 'regions', 'chase', 'measures'],
};
const NOT_YET = [];

function workCard(ctx) {
  const role = ctx.me.user.role;
  const ids = (WORK[role] || []).filter((id) => ctx.features.some((f) => f.id === id));
  const links = ids.map((id) => ctx.features.find((f) => f.id === id)).map((f) => h('li', h('a.work-link', {
    href: f.href, dataset: { work: f.id },
  }, icon(f.icon), h('span', t(`home.work.link.${f.id}`)))));
  const card = h('section.section.card.work-card', { 'data-testid': 'my-work', dataset: { role } },
    h('h2', t('home.work.title', { role: label('role', role) })),
    h('p.work-text', has(`home.work.${role}`) ? t(`home.work.${role}`) : t('home.work.other')),
    links.length ? h('ul.work-links', links) : null,
    NOT_YET.includes(role) ? notice('info', t(`home.work.notYet.${role}`)) : null,
    h('p.muted.work-password', t('home.work.password'), ' ', h('a.link', { href: '#/password' }, t('password.title'))));
  if (ctx.can('audit.read')) card.append(auditHead(ctx));
  return card;
}

// The audit log's head and its latest signed checkpoint (auditors check
// the log against it with `fangkong audit verify`).
function auditHead(ctx) {
  const box = h('div.audit-head', { 'data-testid': 'audit-head', 'aria-live': 'polite' }, t('common.loading'));
  API.audit.head().then((hd) => {
    if (!ctx.isCurrent()) return;
    const cp = hd.checkpoint;
    fill(box, h('dl.detail-fields',
      h('div', h('dt', t('home.audit.size')), h('dd', fmtNumber(hd.size))),
      h('div', h('dt', t('home.audit.hash')), h('dd', h('code.hash', hd.hash))),
      h('div', h('dt', t('home.audit.checkpoint')),
        h('dd', cp ? t('home.audit.checkpointAt', { size: fmtNumber(cp.size), time: fmtTime(cp.time) })
          : t('home.audit.noCheckpoint')))));
  }).catch((err) => { if (ctx.isCurrent()) fill(box, notice('error', errorText(err))); });
  return h('div.audit-head-box', h('h3', t('home.audit.title')), box);
}
