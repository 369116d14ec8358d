// views/bulletins.js - the daily bulletins (疫情通报): the archive of a
// region's bulletins, drafting one for a day that is over (commanders), its
// figures to review, approval (which locks them), and the published text,
// PDF and workbook of an approved one.
import { t, fmtNumber, fmtTime, label } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, icon, notice, loading, errorText, pagedList, td } from '../dom.js';

const FIGURES = ['cum_confirmed', 'cur_confirmed', 'cum_discharged', 'cum_deceased', 'new_confirmed', 'new_suspected',
  'new_asymptomatic', 'new_discharged', 'new_deceased', 'cur_suspected', 'cur_asymptomatic', 'under_observation'];
const CHILD_COLS = ['new_confirmed', 'cur_confirmed', 'cum_confirmed', 'cur_suspected', 'under_observation', 'households', 'screened', 'unvisited'];
const DAY_COLS = ['new_confirmed', 'new_suspected', 'new_asymptomatic', 'cur_confirmed', 'cum_confirmed', 'new_discharged', 'under_observation'];

const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

export async function renderList(ctx) {
  const { main, me } = ctx;
  const home = me.scope.code;
  ctx.setTitle(t('bulletin.title'));
  const list = h('ul.record-list', { 'data-testid': 'bulletins' });
  const parts = [h('div.page-head', h('h1', { tabindex: '-1' }, t('bulletin.title')), h('p.muted', t('bulletin.intro')))];
  if (ctx.can('bulletin.approve')) parts.push(await draftForm(ctx, home));
  parts.push(h('section.card', h('h2', t('bulletin.archive')),
    pagedList({
      listEl: list,
      fetchPage: (after) => API.bulletins.list(home, after),
      renderItems: (items) => items.map((b) => h('li.record-item', { dataset: { id: b.id, state: b.state } },
        h('a', { href: `#/bulletins/${b.id}` }, h('strong', b.name), ' ', b.date),
        h(`span.chip.chip-${b.state === 'approved' ? 'ok' : 'none'}`, t(`bulletin.state.${b.state}`)),
        b.approved_by ? h('span.muted', t('bulletin.approvedBy', { name: b.approved_by, time: fmtTime(b.approved_at) })) : null)),
      emptyText: t('bulletin.none'),
      isCurrent: ctx.isCurrent,
    })));
  parts.push(exportsCard(ctx, home));
  fill(main, ...parts);
}

// Exports for the people who live in spreadsheets: the lists the user may
// read, of their area, as CSV or Excel (audited by the server).
function exportsCard(ctx, home) {
  const kinds = [['cases', 'case.read'], ['contacts', 'case.read'], ['observations', 'case.read'], ['coverage', 'screening.read'], ['reports', 'screening.read']]
    .filter(([, perm]) => ctx.can(perm));
  if (!kinds.length) return null;
  const q = (fmt) => `?region=${encodeURIComponent(home)}&format=${fmt}`;
  return h('section.card', { 'data-testid': 'exports' }, h('h2', t('export.title')), h('p.muted', t('export.intro')),
    h('ul.export-list', kinds.map(([k]) => h('li', h('strong', t(`export.${k}`)), ' ',
      h('a.btn.btn-small.btn-secondary', { href: `/api/v1/exports/${k}${q('xlsx')}`, download: '' }, icon('download'), 'Excel'), ' ',
      h('a.btn.btn-small.btn-secondary', { href: `/api/v1/exports/${k}${q('csv')}`, download: '' }, icon('download'), 'CSV')))));
}

// Drafting: the region (home or one of its children) and a day that is over.
async function draftForm(ctx, home) {
  let kids = [];
  let self = null;
  try {
    [self, kids] = await Promise.all([API.regions.get(home), API.regions.children(home, null, 1000).then((p) => p.items)]);
  } catch { /* the home region alone */ }
  const region = h('select', { id: 'bulletin-region', name: 'region' },
    h('option', { value: home }, self ? self.name : home),
    kids.map((k) => h('option', { value: k.code }, k.name)));
  const today = ctx.me.clock?.today || new Date().toISOString().slice(0, 10);
  const date = h('input', { id: 'bulletin-date', type: 'date', name: 'date', value: addDays(today, -1), max: addDays(today, -1), required: true });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('bulletin.draft'));
  return h('section.card', h('h2', t('bulletin.draftTitle')), h('p.muted', t('bulletin.draftHint')),
    h('form.form-row', {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        try {
          const b = await API.bulletins.draft(region.value, date.value);
          location.hash = `#/bulletins/${b.id}`;
        } catch (err) {
          submit.disabled = false;
          fill(msg, notice('error', err.status === 409 ? t('bulletin.conflict', { message: err.message }) : errorText(err)));
        }
      },
    },
    h('div.field', h('label', { for: region.id }, t('bulletin.region')), region),
    h('div.field', h('label', { for: date.id }, t('bulletin.date')), date),
    h('div.field.field-button', submit), msg));
}

export async function render(ctx) {
  const { main } = ctx;
  fill(main, loading());
  let b;
  try {
    b = await API.bulletins.get(ctx.params.id);
  } catch (err) {
    if (!ctx.isCurrent()) return;
    fill(main, h('h1', t('bulletin.title')), notice('error', err.status === 404 ? t('bulletin.notFound') : errorText(err)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const f = b.figures;
  ctx.setTitle(`${b.name} ${b.date} · ${t('bulletin.title')}`);
  const approved = b.state === 'approved';
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const actions = h('div.bulletin-docs', { 'data-testid': 'bulletin-actions' });
  if (approved) {
    for (const fmt of ['pdf', 'xlsx', 'txt']) {
      actions.append(h('a.btn.btn-secondary', { href: API.bulletins.href(b.id, fmt), download: '' }, icon('download'), t(`bulletin.doc.${fmt}`)));
    }
  } else if (ctx.can('bulletin.approve')) {
    const approve = h('button.btn.btn-primary', {
      type: 'button', 'data-testid': 'bulletin-approve',
      onclick: async () => {
        if (!window.confirm(t('bulletin.approveConfirm'))) return;
        approve.disabled = true;
        try {
          await API.bulletins.approve(b.id);
          render(ctx);
        } catch (err) {
          approve.disabled = false;
          fill(msg, notice('error', errorText(err)));
        }
      },
    }, icon('check'), t('bulletin.approve'));
    actions.append(approve);
  }
  const table = (cols, rows, first, firstKey) => h('div.table-wrap', h('table.data-table',
    h('thead', h('tr', h('th', { scope: 'col' }, first), cols.map((c) => h('th.num', { scope: 'col' }, t(`bulletin.f.${c}`))))),
    h('tbody', rows.map((r) => h('tr', td(first, r[firstKey]), cols.map((c) => td({ label: t(`bulletin.f.${c}`), cls: 'num' }, fmtNumber(r[c] ?? 0))))))));
  fill(main,
    h('div.page-head',
      h('p', h('a', { href: '#/bulletins' }, t('bulletin.back'))),
      h('h1', { tabindex: '-1' }, t('bulletin.heading', { name: b.name, date: b.date })),
      h('p', h(`span.chip.chip-${approved ? 'ok' : 'none'}`, t(`bulletin.state.${b.state}`)), ' ',
        approved ? t('bulletin.approvedBy', { name: b.approved_by, time: fmtTime(b.approved_at) }) : t('bulletin.draftNote'))),
    actions, msg,
    approved ? h('p.muted.hash', t('bulletin.head', { n: fmtNumber(b.audit_size), hash: b.audit_head })) : null,
    f.corrections.length ? h('section.card', { 'data-testid': 'corrections' }, h('h2', t('bulletin.corrections')),
      h('ul', f.corrections.map((c) => h('li', t('bulletin.correction', { date: c.date, figure: t(`bulletin.f.${c.figure}`), was: fmtNumber(c.was), now: fmtNumber(c.now) }))))) : null,
    h('section.card', h('h2', t('bulletin.totals')),
      h('div.stats.kpis', { 'data-testid': 'bulletin-totals' }, FIGURES.map((k) => h('div.stat', { dataset: { figure: k } },
        h('span.stat-label', t(`bulletin.f.${k}`)), h('span.stat-value', fmtNumber(f.totals[k])))))),
    f.children.length ? h('section.card', h('h2', t('bulletin.byChild', { level: label('level', f.region.level + 1) })),
      table(CHILD_COLS, f.children, t('bulletin.region'), 'name')) : null,
    h('section.card', h('h2', t('bulletin.byDay')), table(DAY_COLS, f.days, t('bulletin.date'), 'date')));
}
