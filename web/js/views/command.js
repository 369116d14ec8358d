// views/command.js - the command view (指挥调度): a day's screening coverage
// of a region by its children, drilled down street → community → grid,
// with the open alerts (abnormal findings and missed follow-ups, of a day
// and kind the user picks) and the grids that have not sent their zero
// report, grids named with their community above a community.  Made for a 1920 px wall screen; on a phone the parts stack and
// the table becomes cards.  The region and date live in the address
// (#/command/420106001?date=2026-11-28) so a view can be bookmarked.
import { t, has, label, fmtNumber } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, append, icon, notice, loading, errorText, pagedList, td } from '../dom.js';
import { codes } from '../vocab.js';

const GRID = 6;
const COMMUNITY = 5;
let serverToday = null; // the server's today, learnt from an answer for "today"

export function commandHref(code, date) {
  const q = date ? `?date=${encodeURIComponent(date)}` : '';
  return `#/command/${API.regionSeg(code)}${q}`;
}

// The translated reason an alert was raised (temperature, a symptom, a
// history flag or a category).
export function reasonLabel(r) {
  if (has(`reason.${r}`)) return t(`reason.${r}`); // temperature, followup_missed
  for (const p of ['symptom', 'history', 'category']) if (has(`${p}.${r}`)) return t(`${p}.${r}`);
  return String(r);
}

// Grids are named alike in every community (第一网格, …) and the alerts and
// zero-report answers name a grid only, so above a community a grid is shown
// as "community · grid".  The community names come from the children of the
// grids' streets: one request per street, kept for the page, so a page of
// grids costs a request or two, not one per row.  A street that cannot be
// read leaves its grids by their own name.
function communityNames() {
  const streets = new Map(); // street code -> Promise, settled once its communities are known
  const names = new Map();   // community code -> name
  async function street(code) {
    let after = null;
    do {
      const page = await API.regions.children(code, after, 1000);
      for (const c of page.items) names.set(c.code, c.name);
      after = page.next;
    } while (after);
  }
  return {
    // Resolves once the communities of these grid codes are known (or not to be).
    load(grids) {
      const want = new Set(grids.filter((g) => g && g.length === 15).map((g) => g.slice(0, 9)));
      return Promise.all([...want].map((code) => {
        if (!streets.has(code)) streets.set(code, street(code).catch(() => { streets.delete(code); }));
        return streets.get(code);
      }));
    },
    label(grid, name) {
      const c = grid && names.get(grid.slice(0, 12));
      return c ? `${c} · ${name}` : name;
    },
  };
}

function covered(r) { return r.visited + r.not_home + r.refused; }
function share(r) { return r.households ? covered(r) / r.households : 0; }
function pctText(r) { return r.households ? `${Math.round(share(r) * 100)}%` : '—'; }
function level(r) {
  if (!r.households) return 'none';
  const s = share(r);
  return s >= 0.9 ? 'high' : s >= 0.6 ? 'mid' : 'low';
}

// A stacked bar: visited, not at home, refused, over all households.
function covBar(r) {
  return h(`div.cov-bar.cov-${level(r)}`, { role: 'img', 'aria-label': t('command.barLabel', { pct: pctText(r) }) },
    codes('screening_statuses').map((s) => h(`span.seg.seg-${s}`, { style: { width: r.households ? `${(r[s] * 100) / r.households}%` : '0' } })));
}

// Where the region is: ancestors in scope link to their own command view.
function crumbs(region, date) {
  const items = (region.path || []).map((p) => h('li', p.in_scope
    ? h('a', { href: commandHref(p.code === 'root' ? '' : p.code, date) }, p.name)
    : h('span.out-of-scope', p.name)));
  items.push(h('li', h('span', { 'aria-current': 'page' }, region.name)));
  return h('nav.breadcrumb', { 'aria-label': t('regions.breadcrumb') }, h('ol', items));
}

export function renderIndex(ctx) {
  return render({ ...ctx, params: { code: API.regionSeg(ctx.me.scope.code) } });
}

export async function render(ctx) {
  const { main, query } = ctx;
  const code = !ctx.params.code || ctx.params.code === 'root' ? '' : ctx.params.code;
  const date = query.get('date') || '';
  fill(main, loading());
  let cov;
  let region;
  try {
    [cov, region] = await Promise.all([API.coverage.get(code, date), API.regions.get(code)]);
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.status === 404) {
      ctx.setTitle(t('regions.notFoundTitle'));
      fill(main, h('section.page-error', h('h1', t('regions.notFoundTitle')), notice('error', t('regions.notFound')),
        h('p', h('a.btn.btn-secondary', { href: '#/command' }, t('common.myArea')))));
      return;
    }
    fill(main, h('div.page-head', h('h1', { tabindex: '-1' }, t('command.title'))),
      notice('error', err.status === 400 && err.field === 'date' ? t('command.badDate') : errorText(err),
        h('button.btn.btn-secondary', { type: 'button', onclick: () => render(ctx) }, t('common.retry'))));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (!date) serverToday = cov.date;
  const day = cov.date;
  const self = cov.region;
  ctx.setTitle(`${self.name} · ${t('command.title')}`);

  // ---- head: where, which day ----
  const dateInput = h('input', {
    id: 'command-date', type: 'date', name: 'date', value: day, max: serverToday || null,
  });
  dateInput.addEventListener('change', () => {
    if (dateInput.value) location.hash = commandHref(code, dateInput.value === serverToday ? '' : dateInput.value);
  });
  const parent = region.path && region.path.length ? region.path[region.path.length - 1] : null;
  const head = h('div.page-head.command-head',
    h('div.command-title',
      crumbs(region, date),
      h('h1', { tabindex: '-1' }, t('command.heading', { name: self.name })),
      h('p.muted', t('command.intro', { date: day }))),
    h('div.command-tools',
      parent && parent.in_scope ? h('a.btn.btn-secondary', {
        href: commandHref(parent.code === 'root' ? '' : parent.code, date),
      }, icon('up'), h('span', t('regions.upTo', { name: parent.name }))) : null,
      h('div.field.date-field', h('label', { for: 'command-date' }, t('command.date')), dateInput),
      date && date !== serverToday ? h('a.btn.btn-secondary', { href: commandHref(code) }, t('command.today')) : null));

  // ---- summary ----
  const stat = (key, value, extra = '') => h(`div.stat.kpi-${key}${extra}`, { dataset: { kpi: key } },
    h('span.stat-label', t(`command.kpi.${key}`)), h('span.stat-value', value));
  const summary = h('div.stats.kpis', { 'data-testid': 'kpis' },
    stat('coverage', pctText(self)),
    stat('households', fmtNumber(self.households)),
    stat('visited', fmtNumber(self.visited)),
    stat('not_home', fmtNumber(self.not_home + self.refused)),
    stat('unvisited', fmtNumber(self.unvisited), self.unvisited ? '.is-warn' : ''),
    stat('abnormal', fmtNumber(self.abnormal), self.abnormal ? '.is-alert' : ''));

  const covCard = self.level >= GRID ? gridCard(ctx, self, day) : coverageCard(ctx, cov, date);
  // at a community or below, every grid listed is of that community
  const names = self.level < COMMUNITY ? communityNames() : null;

  fill(main, head, summary,
    h('div.command-grid',
      h('div.command-cov', covCard, h('p.legend',
        codes('screening_statuses').concat('unvisited').map((s) => h('span.legend-item', h(`span.swatch.seg-${s}`), t(`screen.count.${s}`))))),
      alertsCard(ctx, code, day, names),
      reportsCard(ctx, code, day, names),
      ctx.can('stats.read') && self.level < GRID ? statesCard(ctx, code, main) : null));
}

// The community states (DOMAIN.md: 1 no case, 2 cases or an outbreak, 3
// community transmission over the last 14 days): a count of each, the
// communities not at state 1, and a badge on each community row of the
// coverage table.
function statesCard(ctx, code, main) {
  const card = h('section.card.states-card', { 'data-testid': 'community-states' }, h('h2', t('cstate.title')), loading());
  const badge = (c) => h(`span.state-badge.state-${c.state}`, { title: t(`cstate.${c.state}.desc`) },
    t(`cstate.${c.state}`), c.outbreak ? h('span.state-outbreak', t('cstate.outbreak')) : null);
  (async () => {
    const items = [];
    try {
      let after = null;
      do {
        const page = await API.communities.states(code, after, 1000);
        items.push(...page.items);
        after = page.next;
      } while (after && items.length < 20000);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      fill(card, h('h2', t('cstate.title')), notice('error', errorText(err)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const n = { 1: 0, 2: 0, 3: 0 };
    for (const c of items) n[c.state] = (n[c.state] || 0) + 1;
    const outbreaks = items.filter((c) => c.outbreak).length;
    const hot = items.filter((c) => c.state > 1)
      .sort((a, b) => b.state - a.state || b.cases_14d - a.cases_14d || a.code.localeCompare(b.code));
    fill(card, h('h2', t('cstate.title')), h('p.muted', t('cstate.intro')),
      h('div.state-summary', [3, 2, 1].map((s) => h(`div.state-sum.state-${s}`, { dataset: { state: s } },
        h('span.state-n', fmtNumber(n[s] || 0)), h('span.state-label', t(`cstate.${s}`)))),
      outbreaks ? h('div.state-sum.state-ob', { dataset: { state: 'outbreak' } },
        h('span.state-n', fmtNumber(outbreaks)), h('span.state-label', t('cstate.outbreaks'))) : null),
      hot.length ? h('ul.state-list', hot.map((c) => h('li.state-item', { dataset: { code: c.code, state: c.state } },
        h('span.state-name', c.name), badge(c),
        h('span.muted.state-counts', t('cstate.counts', { n: c.cases_14d, u: c.unknown_source_14d })))))
        : h('p.state-none', icon('check'), t('cstate.allClear', { n: items.length })));
    // a badge on each community row of the coverage table
    const byCode = Object.fromEntries(items.map((c) => [c.code, c]));
    for (const tr of main.querySelectorAll('[data-testid=coverage] tbody tr[data-code]')) {
      const c = byCode[tr.dataset.code];
      const cell = tr.querySelector('td .cell');
      if (c && cell && !cell.querySelector('.state-badge')) cell.append(badge(c));
    }
  })();
  return card;
}

function coverageCard(ctx, cov, date) {
  const childLevel = cov.children.length ? cov.children[0].level : cov.region.level + 1;
  let sort = 'code';
  const tbody = h('tbody');
  const cols = ['command.col.region', 'command.col.coverage', 'command.col.households', 'screen.count.visited',
    'screen.count.not_home', 'screen.count.refused', 'screen.count.unvisited', 'screen.count.abnormal'];
  const draw = () => {
    const rows = [...cov.children];
    if (sort === 'low') rows.sort((a, b) => share(a) - share(b) || a.code.localeCompare(b.code));
    if (sort === 'abnormal') rows.sort((a, b) => b.abnormal - a.abnormal || a.code.localeCompare(b.code));
    fill(tbody, ...rows.map((r) => h('tr', { dataset: { code: r.code } },
      td(t('command.col.region'), h('a.region-link', { href: commandHref(r.code, date) }, r.name),
        h('span.code', r.code)),
      td({ label: t('command.col.coverage'), cls: 'cov-cell' }, covBar(r), h(`span.cov-pct.cov-${level(r)}`, pctText(r))),
      td({ label: t('command.col.households'), cls: 'num' }, fmtNumber(r.households)),
      td({ label: t('screen.count.visited'), cls: 'num opt' }, fmtNumber(r.visited)),
      td({ label: t('screen.count.not_home'), cls: 'num opt' }, fmtNumber(r.not_home)),
      td({ label: t('screen.count.refused'), cls: 'num opt' }, fmtNumber(r.refused)),
      td({ label: t('screen.count.unvisited'), cls: 'num' }, fmtNumber(r.unvisited)),
      td({ label: t('screen.count.abnormal'), cls: `num${r.abnormal ? ' is-alert' : ''}` },
        r.abnormal ? h('strong.abn-count', icon('alert'), fmtNumber(r.abnormal)) : '0'))));
  };
  const sortSel = h('select', { id: 'command-sort' },
    ['code', 'low', 'abnormal'].map((k) => h('option', { value: k }, t(`command.sort.${k}`))));
  sortSel.addEventListener('change', () => { sort = sortSel.value; draw(); });
  draw();
  return h('section.card.coverage-card',
    h('div.section-head', h('h2', t('command.byChild', { level: label('level', childLevel) })),
      h('div.sort-field', h('label', { for: 'command-sort' }, t('command.sort')), sortSel)),
    cov.children.length
      ? h('div.table-wrap', h('table.data-table.coverage-table', { 'data-testid': 'coverage' },
        h('thead', h('tr', cols.map((c, i) => h('th', { scope: 'col', class: i >= 2 ? 'num' : null }, t(c))))), tbody))
      : h('p.muted', t('regions.noChildren')));
}

// At grid level: the households without a record that day, and (looking
// at today) those missed on an earlier day and not reached since: they stay
// listed until a record closes them.
function gridCard(ctx, self, day) {
  const place = (g) => [g.building, g.unit, g.room].filter(Boolean).join(' ') || g.address;
  const gaps = (testid, fetchPage, emptyText, extra) => pagedList({
    listEl: h('ul.gap-list', { 'data-testid': testid }),
    fetchPage,
    renderItems: (items) => items.map((g) => h('li.gap-item',
      h('strong', place(g)),
      h('span.muted', t('command.persons', { n: g.persons, count: g.persons })),
      extra ? extra(g) : null)),
    emptyText,
    isCurrent: ctx.isCurrent,
  });
  const isToday = !serverToday || day === serverToday;
  const yesterday = new Date(Date.parse(`${day}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
  return h('section.card.coverage-card',
    h('div.section-head', h('h2', t('command.gaps')),
      ctx.can('screening.write') ? h('a.btn.btn-primary', { href: `#/screening/${self.code}` }, t('command.openScreening')) : null),
    gaps('gaps', (after) => API.coverage.gaps(self.code, day, after), t('command.noGaps')),
    isToday ? h('div.gaps-earlier',
      h('h3', t('command.gapsEarlier')),
      h('p.muted', t('command.gapsEarlierIntro', { date: yesterday })),
      gaps('gaps-earlier', (after) => API.coverage.gapsSince(self.code, yesterday, after), t('command.noGapsEarlier'),
        (g) => h('span.gap-last', g.last_screened ? t('command.lastScreened', { date: g.last_screened }) : t('command.neverScreened')))) : null);
}

// The open alerts of every day at first (nothing open is hidden: an alert
// of an earlier day stays until it is closed), or of one chosen day, and of
// one kind (all, abnormal findings, missed follow-ups), as GET /alerts
// answers for that filter; choosing another fetches the list again without
// leaving the page.  Each names where the person lives and who recorded it.
function alertsCard(ctx, code, day, names) {
  const canClose = ctx.can('alert.close');
  const item = (a) => {
    const li = h('li.alert-item', { dataset: { alert: a.id, person: a.person_id, kind: a.kind } });
    const closeSlot = h('div.alert-close');
    const fever = a.temperature != null && a.temperature >= 37.3;
    const missed = a.kind === 'followup_missed';
    append(li, [
      h('div.alert-head',
        ctx.can('person.read') ? h('a.alert-name', { href: `#/persons/${a.person_id}` }, h('bdi', a.person_name))
          : h('strong.alert-name', h('bdi', a.person_name)),
        a.temperature != null ? h(`span.temp${fever ? '.is-fever' : ''}`, `${a.temperature.toFixed(1)} °C`) : null),
      h('div.alert-where', h('span.grid-label', names ? names.label(a.grid, a.grid_name) : a.grid_name), h('span.code', a.grid),
        h('span.muted', a.slot ? `${a.date} ${t(`fu.slot.${a.slot}`)}` : a.date)),
      placeLine(a),
      h('div.reasons',
        h(`span.chip.chip-kind.kind-${a.kind}`, label('alertKind', a.kind)),
        (missed ? [] : a.reasons).map((r) => h('span.chip.chip-abnormal', reasonLabel(r)))),
      canClose ? closeSlot : null]);
    if (canClose) {
      const open = h('button.btn.btn-small.btn-secondary', {
        type: 'button', 'aria-expanded': 'false',
        onclick: () => {
          if (closeSlot.querySelector('form')) { closeSlot.querySelector('form').remove(); open.setAttribute('aria-expanded', 'false'); return; }
          open.setAttribute('aria-expanded', 'true');
          closeSlot.append(closeForm(a, (done) => {
            li.classList.add('is-closed');
            fill(closeSlot, notice('success', t('command.closed', { outcome: t(`outcome.${done.outcome}`) })));
          }));
          closeSlot.querySelector('select').focus();
        },
      }, t('command.close'));
      closeSlot.append(open);
    }
    return li;
  };
  const dateInput = h('input', { id: 'alerts-date', type: 'date', name: 'alerts-date', value: '', max: serverToday || null });
  const kindSel = h('select', { id: 'alerts-kind', name: 'alerts-kind' },
    ['', ...codes('alert_kinds')].map((k) => h('option', { value: k }, t(`command.kind.${k || 'all'}`)))); // '': every kind
  const body = h('div.alerts-body');
  // The list for the chosen day and kind; data-kind, data-date and (once
  // the first page is in) data-loaded say which answer it shows.
  const load = () => {
    const kind = kindSel.value;
    const on = dateInput.value; // '': every day
    const list = h('ul.alert-list', { 'data-testid': 'alerts', dataset: { kind: kind || 'all', date: on } });
    fill(body, pagedList({
      listEl: list,
      fetchPage: async (after) => {
        const page = await API.alerts.list({ region: code, state: 'open', kind, from: on, to: on, after, limit: 10 });
        if (names) await names.load(page.items.map((a) => a.grid));
        return page;
      },
      renderItems: (items) => { list.dataset.loaded = '1'; return items.map(item); },
      emptyText: t('command.noAlerts'),
      isCurrent: () => ctx.isCurrent() && body.contains(list),
    }));
  };
  dateInput.addEventListener('change', load);
  kindSel.addEventListener('change', load);
  load();
  return h('section.card.alerts-card',
    h('h2', icon('alert'), t('command.alerts')),
    h('p.muted', t('command.alertsIntro')),
    h('div.alert-filters', { role: 'group', 'aria-label': t('command.alertFilter') },
      h('div.field.date-field', h('label', { for: 'alerts-date' }, t('command.date')), dateInput),
      h('div.field.kind-field', h('label', { for: 'alerts-kind' }, t('command.alertKind')), kindSel),
      h('div.field.field-button', h('button.btn.btn-secondary.btn-small', {
        type: 'button', 'data-testid': 'alerts-every-day',
        onclick: () => { if (dateInput.value) { dateInput.value = ''; load(); } },
      }, t('command.everyDay')))),
    body);
}

// Where the person of an alert lives (building, unit, room or the address)
// and who recorded the screening, each name isolated from the text around.
function placeLine(a) {
  const place = [a.building, a.unit, a.room].filter(Boolean).join(' ') || a.address || '';
  if (!place && !a.recorded_by) return null;
  return h('div.alert-place',
    place ? h('span.alert-home', icon('home'), h('bdi', place)) : null,
    a.recorded_by ? h('span.alert-by', t('command.recordedBy'), ' ', h('bdi', a.recorded_by)) : null);
}

function closeForm(a, onClosed) {
  const id = `close-${a.id}`;
  const outcome = h('select', { id: `${id}-outcome`, name: 'outcome', required: true },
    h('option', { value: '' }, t('command.chooseOutcome')),
    (codes('alert_outcomes')[a.kind] || []).map((o) => h('option', { value: o }, t(`outcome.${o}`))));
  const note = h('input', { id: `${id}-note`, name: 'note', maxlength: '500', autocomplete: 'off' });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  outcome.addEventListener('change', () => { outcome.removeAttribute('aria-invalid'); fill(msg); });
  const submit = h('button.btn.btn-primary.btn-small', { type: 'submit' }, t('command.confirmClose'));
  return h('form.close-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      if (!outcome.value) {
        outcome.setAttribute('aria-invalid', 'true');
        fill(msg, notice('error', t('command.needOutcome')));
        return;
      }
      submit.disabled = true;
      try {
        const r = await API.alerts.close(a.id, outcome.value, note.value.trim());
        onClosed(r);
      } catch (err) {
        submit.disabled = false;
        fill(msg, notice('error', errorText(err, { byCode: { conflict: 'command.alreadyClosed' } })));
      }
    },
  },
  h('div.field', h('label', { for: outcome.id }, t('command.outcome')), outcome),
  h('div.field', h('label', { for: note.id }, t('command.closeNote')), note),
  msg, submit);
}

function reportsCard(ctx, code, day, names) {
  const list = h('ul.missing-list', { 'data-testid': 'missing-reports' });
  return h('section.card.reports-card',
    h('h2', t('command.missing')),
    h('p.muted', t('command.missingIntro', { date: day })),
    pagedList({
      listEl: list,
      fetchPage: async (after) => {
        const page = await API.reports.list({ region: code, date: day, missing: true, after });
        if (names) await names.load(page.items.map((r) => r.grid));
        return page;
      },
      renderItems: (items) => items.map((r) => h('li.missing-item', { dataset: { grid: r.grid } },
        h('span.missing-name', names ? names.label(r.grid, r.name) : r.name), h('span.code', r.grid),
        r.late ? h('span.chip.chip-late', t('command.late')) : h('span.chip.chip-none', t('command.notYet')))),
      emptyText: t('command.noMissing'),
      isCurrent: ctx.isCurrent,
    }));
}

