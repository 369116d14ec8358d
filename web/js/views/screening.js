// views/screening.js - the grid worker's day, made for a phone held in one
// hand: choose a grid (a grid worker whose home region is a grid has it
// already), see today's progress and the households by building, unit and
// room, record each household with one tap ("all normal") or a short form,
// then send the grid's daily zero report.
//
// Records go through the outbox (outbox.js): stored on the phone first,
// sent when there is a connection.  The page shows the cached worklist with
// the statuses recorded here applied, so it works offline too.  Each
// household shows what its current record found (abnormal persons first,
// highlighted): the server's findings, or those of a record made here.
import { t, label, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import * as outbox from '../outbox.js';
import { h, fill, icon, notice, loading, errorText } from '../dom.js';
import { gridPicker, pathTo, gridLabel, gridCommunity } from './gridpick.js';
import { codes, setting } from '../vocab.js';

const GRID = 6;
// The fever threshold the server judges by (GET /vocab).
export const fever = () => setting('fever_threshold');
const QUICK_REASONS = ['report.reasonAway', 'report.reasonRefused', 'report.reasonNoAnswer'];

const rememberKey = (me) => `fangkong.grid.${me.user.username}`;

// A finding is abnormal at the fever threshold (37.3 °C) or more, or with
// any symptom, history flag or category (as the server decides;
// temperatures in tenths).
export function findingAbnormal(f) {
  return (f.temperature != null && Math.round(f.temperature * 10) >= Math.round(fever() * 10))
    || !!(f.symptoms && f.symptoms.length) || !!(f.history && f.history.length) || !!f.category;
}
export function recordAbnormal(r) { return (r.persons || []).some(findingAbnormal); }

// A record's persons as the worklist gives findings: every field present.
export function asFindings(persons) {
  return (persons || []).map((f) => ({
    person_id: f.person_id, temperature: f.temperature ?? null, symptoms: f.symptoms || [], history: f.history || [],
    category: f.category || null, abnormal: findingAbnormal(f), note: f.note || '',
  }));
}

// "35.0" .. "42.0" (a comma is taken for a point); null when empty,
// NaN when not a temperature in range.
export function parseTemperature(s) {
  const v = String(s || '').trim().replace(',', '.');
  if (!v) return null;
  if (!/^\d{2}(\.\d)?$/.test(v)) return NaN;
  const n = Number(v);
  return n >= 35 && n <= 42 ? n : NaN;
}

// A worklist as fetched: each household's findings marked as those of its
// record then current (the outbox later moves uuid on to a newer record).
function fromServer(w) {
  for (const hh of w.items) hh.findings_of = hh.uuid;
  return w;
}

export function render(ctx) {
  const { me } = ctx;
  const grid = ctx.params.grid || (me.scope.level >= GRID ? me.scope.code : null);
  if (!grid) return renderPicker(ctx);
  return renderGrid(ctx, grid);
}

// ---- choosing a grid ----

function renderPicker(ctx) {
  const { me, main } = ctx;
  let last = null;
  try { last = localStorage.getItem(rememberKey(me)); } catch { /* not remembered */ }
  const go = h('button.btn.btn-primary.btn-block', { type: 'button', disabled: true }, t('screen.open'));
  let pickedCode = '';
  const picker = gridPicker({
    scope: me.scope,
    idPrefix: 'pick',
    initial: pathTo(me.scope, last),
    onChange: (code) => { pickedCode = code; go.disabled = !code; },
  });
  go.addEventListener('click', () => { if (pickedCode) location.hash = `#/screening/${pickedCode}`; });
  fill(main, 
    h('div.page-head', h('h1', { tabindex: '-1' }, t('screen.title')), h('p.muted', t('screen.pickIntro'))),
    h('section.card.pick-card', { 'data-testid': 'grid-picker' }, h('h2', t('screen.myGrids')), picker.el, go));
}

// ---- the grid's day ----

function statusText(hh) {
  if (!hh.status) return t('screen.status.none');
  return t(`screen.status.${hh.status}`);
}

function place(hh) {
  return [hh.building, hh.unit, hh.room].filter(Boolean).join(' ') || hh.address || `#${hh.id}`;
}

function age(m, year) {
  return m.birth_year ? t('screen.age', { n: year - m.birth_year }) : '';
}

// What the current record found: each abnormal person on a highlighted line
// (temperature, symptoms, history, category, note), then the normal ones
// that say something (a temperature, a note) on one quiet line; a normal
// person with nothing noted is covered by the "visited" chip.
function findingsList(hh) {
  const names = new Map(hh.members.map((m) => [m.id, m.name]));
  const name = (f) => names.get(f.person_id) || `#${f.person_id}`;
  const temp = (f) => {
    if (f.temperature == null) return null;
    const hot = Math.round(f.temperature * 10) >= Math.round(fever() * 10);
    return h(`span.finding-temp${hot ? '.is-fever' : ''}`, `${f.temperature.toFixed(1)} °C`);
  };
  const all = hh.findings || [];
  const bad = all.filter((f) => f.abnormal);
  const ok = all.filter((f) => !f.abnormal && (f.temperature != null || f.note));
  if (!bad.length && !ok.length) return null;
  return h('ul.hh-findings', { 'aria-label': t('screen.found') },
    bad.map((f) => h('li.finding.is-abnormal', { dataset: { person: f.person_id } },
      icon('alert'), h('span.finding-name', name(f)), temp(f),
      [...f.symptoms.map((x) => t(`symptom.${x}`)), ...f.history.map((x) => t(`history.${x}`)),
        ...(f.category ? [t(`category.${f.category}`)] : [])].map((w) => h('span.finding-what', w)),
      f.note ? h('span.finding-note', f.note) : null)),
    ok.length ? h('li.finding-normal', ok.map((f, i) => h('span.finding-ok', { dataset: { person: f.person_id } },
      i ? ' · ' : '', name(f), ' ', temp(f), f.note ? h('span.finding-note', f.note) : null))) : null);
}

// The grid's worklist: the copy kept on this phone, then the server's (kept
// in turn).  Returns {base, fetchedAt, offlineNote}, or null when the page
// has moved on or shows an error instead.
async function loadWorklist(ctx, grid) {
  const { main } = ctx;
  let base = null;        // the worklist: server snapshot with accepted records applied
  let fetchedAt = null;   // when it was fetched; null while showing only the cache
  let offlineNote = null; // why the cached list is shown
  const cached = await outbox.worklist(grid);
  if (cached) {
    base = cached.data;
    fetchedAt = cached.fetched;
  }
  if (!ctx.isCurrent()) return null;
  // Today's list kept on the phone is shown at once; the server's follows.
  if (cached && cached.data.date === API.serverToday()) return { base, fetchedAt, offlineNote, stale: true };
  try {
    base = fromServer(await API.screenings.worklist(grid));
    await outbox.saveWorklist(grid, base);
    fetchedAt = Date.now();
  } catch (err) {
    if (!ctx.isCurrent()) return null;
    if (err.status === 404 || err.status === 400) {
      ctx.setTitle(t('screen.gridNotFound'));
      fill(main, h('section.page-error', h('h1', t('screen.gridNotFound')),
        notice('error', t('regions.notFound')),
        h('p', h('a.btn.btn-secondary', { href: '#/screening' }, t('screen.title')))));
      return null;
    }
    if (!base) {
      fill(main, h('div.page-head', h('h1', { tabindex: '-1' }, t('screen.title'))),
        notice('error', errorText(err), h('button.btn.btn-secondary', {
          type: 'button', onclick: () => renderGrid(ctx, grid),
        }, t('common.retry'))));
      return null;
    }
    offlineNote = t('screen.cachedList', { time: fmtTime(Math.floor(fetchedAt / 1000)) });
  }
  if (!ctx.isCurrent()) return null;
  return { base, fetchedAt, offlineNote };
}

// Fetches the worklist of a page drawn from the phone's copy; redraws with
// it, or says the copy is shown when the server cannot be reached.
async function refetch(pg) {
  try {
    // records waiting are sent first: their answers update the phone's copy,
    // which must not overwrite the list fetched here
    await outbox.flush();
    const w = fromServer(await API.screenings.worklist(pg.grid));
    if (!pg.ctx.isCurrent()) return;
    await outbox.saveWorklist(pg.grid, w);
    pg.base = w;
    pg.fetchedAt = Date.now();
    pg.offlineNote = null;
  } catch {
    if (!pg.ctx.isCurrent()) return;
    pg.offlineNote = t('screen.cachedList', { time: fmtTime(Math.floor(pg.fetchedAt / 1000)) });
  }
  await refresh(pg);
}

// The grid's day: its head, the sync bar, the progress, the households
// (filtered), the zero report.  The parts share one state object (pg) and
// are redrawn together by refresh(pg) whenever the outbox changes.
async function renderGrid(ctx, grid) {
  const { main, me } = ctx;
  fill(main, loading());
  try { localStorage.setItem(rememberKey(me), grid); } catch { /* not remembered */ }
  const loaded = await loadWorklist(ctx, grid);
  if (!loaded) return;
  const g = loaded.base.grid;
  ctx.setTitle(`${gridLabel(g)} · ${t('screen.title')}`);
  const pg = {
    ctx, grid,
    base: loaded.base,               // the worklist shown (fetched again after a refused report)
    fetchedAt: loaded.fetchedAt,
    offlineNote: loaded.offlineNote, // cleared once back online
    year: Number(loaded.base.date.slice(0, 4)),
    // The findings of records made on this page, by uuid: the outbox drops a
    // record once the server has it, and the cached list then knows only its
    // status until the list is fetched again.
    found: new Map(),
    model: [],          // households with local records applied
    filter: 'all',
    cards: new Map(),   // household id -> {li, update()}: the cards built so far
    byId: new Map(),    // household id -> its entry of model
    groups: [],         // building sections: {key, ids, el, list, built}
    listKey: null,      // the household ids the sections were built for
    observer: null,
    flash: h('div.flash', { 'aria-live': 'polite' }),
    snack: h('div.snack-slot', { 'aria-live': 'polite' }),
    snackTimer: 0,
    listEl: h('div.hh-groups', { 'data-testid': 'households' }),
    empty: h('div'),
  };
  pg.progress = progressPart();
  pg.jump = jumpPart(pg);
  pg.filters = filterBar(pg);
  pg.sync = syncPart(pg);
  pg.report = reportCard(pg);
  fill(main,
    gridHead(ctx, g, pg.base.date),
    pg.sync.syncbar, pg.sync.failedBox,
    pg.jump.el,
    pg.progress.el,
    pg.flash,
    pg.filters.el, pg.empty, pg.listEl,
    pg.report, pg.snack);
  await refresh(pg);
  if (loaded.stale) refetch(pg);
  loadReportState(pg);
  watch(pg);
}

// Redraws on every change of the outbox and of the connection, while the
// page is current.
function watch(pg) {
  const { ctx } = pg;
  const unsub = outbox.subscribe(() => {
    if (!ctx.isCurrent()) { unsub(); return; }
    refresh(pg);
  });
  const onNet = () => {
    if (!ctx.isCurrent()) { window.removeEventListener('online', onNet); window.removeEventListener('offline', onNet); return; }
    if (navigator.onLine && pg.offlineNote && pg.fetchedAt) pg.offlineNote = null;
    refresh(pg);
  };
  window.addEventListener('online', onNet);
  window.addEventListener('offline', onNet);
}

// ---- header and progress ----

function gridHead(ctx, g, date) {
  const canPick = ctx.me.scope.level < GRID;
  const community = gridCommunity(g);
  const street = (g.path || []).find((a) => a.code.length === 9);
  return h('div.page-head.screen-head',
    h('p.screen-where', street ? street.name : '', canPick ? h('a.link', { href: '#/screening' }, t('screen.changeGrid')) : null),
    h('h1', { tabindex: '-1' }, community ? h('span.h1-community', community, h('span.h1-sep', ' · ')) : null, g.name),
    h('p.muted.screen-date', t('screen.dateLine', { date })));
}

function computeCounts(model) {
  const c = { households: model.length, visited: 0, not_home: 0, refused: 0, unvisited: 0, abnormal: 0, pending: 0 };
  for (const hh of model) {
    if (hh.status) c[hh.status]++; else c.unvisited++;
    if (hh.abnormal) c.abnormal++;
    if (hh.pending) c.pending++;
  }
  return c;
}

// The day's progress: the share done, a bar by status and the counts.
function progressPart() {
  const counts = h('div.progress-counts');
  const bar = h('div.progress-bar', { role: 'img' });
  const progressTitle = h('p.progress-title');
  const el = h('section.card.progress-card', { 'data-testid': 'progress' }, progressTitle, bar, counts);
  function draw(c) {
    const done = c.visited + c.not_home + c.refused;
    const pct = c.households ? Math.round((done * 100) / c.households) : 0;
    fill(progressTitle, h('strong', t('screen.progress', { done, total: c.households })),
      h('span.pct', `${pct}%`));
    bar.setAttribute('aria-label', t('screen.progressLabel', { pct }));
    fill(bar, ...codes('screening_statuses').map((s) => h(`span.seg.seg-${s}`, {
      style: { width: c.households ? `${(c[s] * 100) / c.households}%` : '0' },
    })));
    fill(counts,
      ...[...codes('screening_statuses'), 'unvisited'].map((s) => h(`div.count.count-${s}`, { dataset: { count: s } },
        h('span.count-n', String(c[s])), h('span.count-label', t(`screen.count.${s}`)))),
      h(`div.count.count-abnormal${c.abnormal ? '.is-alert' : ''}`, { dataset: { count: 'abnormal' } },
        h('span.count-n', String(c.abnormal)), h('span.count-label', t('screen.count.abnormal'))));
  }
  return { el, draw };
}

// ---- the filter ----

// All, still to visit, abnormal: buttons with their counts.
function filterBar(pg) {
  const btns = {};
  const el = h('div.seg-filter', { role: 'group', 'aria-label': t('screen.filter') },
    ...['all', 'todo', 'abnormal'].map((k) => {
      btns[k] = h('button.seg-btn', {
        type: 'button', 'aria-pressed': String(k === pg.filter), dataset: { filter: k },
        onclick: () => { pg.filter = k; applyFilter(pg); },
      }, h('span', t(`screen.filter.${k}`)), h('span.n', '0'));
      return btns[k];
    }));
  const count = (c) => {
    btns.all.querySelector('.n').textContent = c.households;
    btns.todo.querySelector('.n').textContent = c.unvisited;
    btns.abnormal.querySelector('.n').textContent = c.abnormal;
  };
  return { el, btns, count };
}

function visible(filter, hh) {
  if (filter === 'todo') return !hh.status;
  if (filter === 'abnormal') return hh.abnormal;
  return true;
}

// Shows the households of the filter: built cards are hidden or shown, and
// a building section with none to show is hidden whether built or not.
function applyFilter(pg) {
  const { filter } = pg;
  let shown = 0;
  for (const grp of pg.groups) {
    let n = 0;
    for (const id of grp.ids) {
      const hh = pg.byId.get(id);
      const on = !!hh && visible(filter, hh);
      const card = pg.cards.get(id);
      if (card) card.li.hidden = !on;
      if (on) n++;
    }
    grp.el.hidden = !n;
    shown += n;
  }
  for (const [k, b] of Object.entries(pg.filters.btns)) b.setAttribute('aria-pressed', String(k === filter));
  fill(pg.empty, shown ? '' : h('div.empty', icon('check'), h('p', t(filter === 'todo' ? 'screen.allDone' : 'screen.noneHere'))));
}

// ---- sending ----

// The sync bar (online or not, records waiting) and the records the server
// refused, each with a way to discard it.
function syncPart(pg) {
  const syncbar = h('div.syncbar', { 'aria-live': 'polite', 'data-testid': 'syncbar' });
  const failedBox = h('div.failed-box');
  function draw(st, failed) {
    const n = st.pending;
    const online = navigator.onLine;
    const cls = !online ? 'sync-offline' : n ? 'sync-pending' : 'sync-ok';
    const text = !online ? (n ? t('screen.offline', { n, count: n }) : t('screen.offlineNone')) : n ? t('screen.pending', { n, count: n }) : t('screen.synced');
    syncbar.className = `syncbar ${cls}`;
    fill(syncbar, icon(online ? (n ? 'cloud' : 'check') : 'offline'),
      h('span.sync-text', text),
      h('span.badge.outbox-count', { 'data-testid': 'outbox-count', hidden: !n }, String(n)),
      n && online ? h('button.btn.btn-small.btn-secondary', {
        type: 'button', onclick: () => outbox.flush(),
      }, t('screen.sendNow')) : null,
      pg.offlineNote ? h('span.sync-note', pg.offlineNote) : null);
    fill(failedBox, ...(failed.length ? [failedCard(pg.model, failed)] : []));
  }
  return { syncbar, failedBox, draw };
}

function failedCard(model, failed) {
  return h('section.card.failed-card', { 'data-testid': 'failed' },
    h('h2', icon('alert'), t('screen.failedTitle')), h('p.muted', t('screen.failedIntro')),
    h('ul.failed-list', failed.map((f) => {
      const hh = model.find((x) => x.id === f.household_id);
      return h('li', h('div', h('strong', hh ? place(hh) : `#${f.household_id}`), ' · ',
        t(`screen.status.${f.body.status}`), ' · ', f.date),
      h('p.failed-why', errorText(f.error || {}), f.error && f.error.message ? h('span.code', ` ${f.error.message}`) : null),
      h('button.btn.btn-small.btn-secondary', {
        type: 'button', onclick: () => outbox.discard(f.uuid),
      }, t('screen.discard')));
    })));
}

// Reloads the cached worklist and this grid's waiting records; redraws.
async function refresh(pg) {
  const { ctx, grid } = pg;
  const w = await outbox.worklist(grid);
  if (w && w.data.date === pg.base.date) pg.base = w.data;
  const all = await outbox.items();
  if (!ctx.isCurrent()) return;
  const mine = all.filter((i) => i.grid === grid);
  const pending = mine.filter((i) => i.state === 'pending' && i.date === pg.base.date);
  pg.model = pg.base.items.map((hh) => ({ ...hh, pending: false, findings: currentFindings(pg, hh) }));
  const byId = new Map(pg.model.map((hh) => [hh.id, hh]));
  for (const p of pending) { // oldest first: the last one made is the state
    const hh = byId.get(p.household_id);
    if (!hh) continue;
    const undo = p.body.status === 'withdrawn';
    hh.status = undo ? null : p.body.status;
    hh.abnormal = !undo && recordAbnormal(p.body);
    hh.findings = undo ? [] : asFindings(p.body.persons);
    hh.uuid = undo ? null : p.uuid;
    hh.mine = !undo;
    hh.pending = true;
  }
  pg.byId = byId;
  // first time, or the household list itself changed (fetched again)
  const key = pg.model.map((hh) => hh.id).join(',');
  if (key !== pg.listKey) {
    pg.listKey = key;
    buildList(pg);
  }
  for (const [id, card] of pg.cards) card.update(byId.get(id));
  const c = computeCounts(pg.model);
  pg.progress.draw(c);
  pg.jump.draw();
  pg.filters.count(c);
  applyFilter(pg);
  pg.sync.draw(outbox.status, mine.filter((i) => i.state === 'failed'));
  pg.report.update();
}

// The findings of hh's current record: the server's when they are of that
// record (findings_of, set when fetched), else those of a record made
// here; none known otherwise.
function currentFindings(pg, hh) {
  if (hh.status !== 'visited') return [];
  if (hh.findings && hh.findings_of === hh.uuid) return hh.findings;
  return pg.found.get(hh.uuid) || [];
}

// ---- the households ----

// Cards built at once (about the first screens); the other building
// sections are built when they come near the screen, so a grid of 1,000
// households costs the first screen, not 1,000 cards.
const EAGER_CARDS = 30;
const CARD_PX = 150; // a section's height before its cards are built (about a card each)

// The households by building and unit: one section each, its title always
// there, its cards built by fillGroup (at once for the first ones, the rest
// when an IntersectionObserver sees the section within a screen or so).
function buildList(pg) {
  pg.observer?.disconnect();
  pg.cards.clear();
  const groups = new Map();
  for (const hh of pg.model) {
    const key = [hh.building, hh.unit].filter(Boolean).join(' ') || t('screen.noBuilding');
    if (!groups.has(key)) groups.set(key, { key, building: hh.building || key, ids: [] });
    groups.get(key).ids.push(hh.id);
  }
  pg.groups = [...groups.values()];
  const io = 'IntersectionObserver' in window ? new IntersectionObserver((entries) => {
    for (const en of entries) if (en.isIntersecting) fillGroup(pg, pg.groups[Number(en.target.dataset.group)]);
  }, { rootMargin: '100% 0px' }) : null;
  pg.observer = io;
  let budget = EAGER_CARDS;
  pg.groups.forEach((grp, i) => {
    grp.list = h('ul.hh-list');
    grp.el = h('section.hh-group', { id: `grp-${i}`, dataset: { group: i } },
      h('h3.hh-group-title', { tabindex: '-1' }, grp.key, h('span.muted', t('screen.households', { n: grp.ids.length, count: grp.ids.length }))),
      grp.list);
    if (budget > 0 || !io) {
      budget -= grp.ids.length;
      fillGroup(pg, grp);
    } else {
      grp.list.style.minHeight = `${grp.ids.length * CARD_PX}px`;
      io.observe(grp.el);
    }
  });
  fill(pg.listEl, ...pg.groups.map((g) => g.el));
}

// Builds the cards of one building section (once).
function fillGroup(pg, grp) {
  if (grp.built) return;
  grp.built = true;
  pg.observer?.unobserve(grp.el);
  grp.list.style.minHeight = '';
  fill(grp.list, ...grp.ids.map((id) => {
    const li = householdCard(pg, pg.byId.get(id)).li;
    li.hidden = !visible(pg.filter, pg.byId.get(id));
    return li;
  }));
}

// Shows household id's card (building its section first): for the zero
// report's "visit it" and the building index.
function showGroup(pg, i) {
  const grp = pg.groups[i];
  if (!grp) return;
  fillGroup(pg, grp);
  grp.el.scrollIntoView({ block: 'start' });
  grp.el.querySelector('.hh-group-title').focus({ preventScroll: true });
}

// The sticky strip: the day's progress in one line and a jump to a
// building (with its own done / total).
function jumpPart(pg) {
  const line = h('span.sticky-progress', { 'data-testid': 'sticky-progress' });
  const select = h('select.jump-select', { id: 'jump-building', 'aria-label': t('screen.jump') });
  select.addEventListener('change', () => {
    if (select.value !== '') showGroup(pg, Number(select.value));
    select.value = '';
  });
  const el = h('div.screen-sticky', line, select);
  function draw() {
    const c = computeCounts(pg.model);
    const done = c.visited + c.not_home + c.refused;
    fill(line, h('strong', `${done} / ${c.households}`), t('screen.doneShort'),
      c.abnormal ? h('span.sticky-abn', icon('alert'), t('screen.abnormalN', { n: c.abnormal })) : null);
    const opts = [h('option', { value: '' }, t('screen.jump'))];
    pg.groups.forEach((grp, i) => {
      const left = grp.ids.filter((id) => !pg.byId.get(id)?.status).length;
      opts.push(h('option', { value: String(i) }, `${grp.key} · ${t('screen.leftN', { n: left })}`));
    });
    fill(select, ...opts);
    select.hidden = pg.groups.length < 2;
  }
  return { el, draw };
}

// Stores a record of hh made on this page in the outbox (it is sent from
// there); its findings are remembered for the card.
async function saveRecord(pg, hh, rec) {
  const record = {
    uuid: outbox.newUuid(), household_id: hh.id, date: pg.base.date, status: rec.status,
    recorded_at: Math.floor(API.serverNow() / 1000),
  };
  if (rec.status === 'visited') record.persons = rec.persons;
  pg.found.set(record.uuid, asFindings(record.persons));
  await outbox.add(pg.grid, record);
  snackbar(pg, t(rec.status === 'visited' && !recordAbnormal(record) ? 'screen.savedNormal' : 'screen.saved',
    { place: place(hh) }), { ...hh, uuid: record.uuid });
}

// Undoes the current record of hh (made by this user): a record of its own
// (status withdrawn) that goes through the outbox like any, so an undo
// made offline is sent, once, after the record it undoes.
async function undoRecord(pg, hh) {
  if (!hh.uuid) return;
  await outbox.add(pg.grid, {
    uuid: outbox.newUuid(), household_id: hh.id, date: pg.base.date, status: 'withdrawn', withdraws: hh.uuid,
    recorded_at: Math.floor(API.serverNow() / 1000),
  });
  snackbar(pg, t('screen.undone', { place: place(hh) }), null);
}

// The message after a save, fixed at the bottom of the screen, with "undo"
// for the record just made (hh.uuid) while it shows.
function snackbar(pg, text, hh) {
  clearTimeout(pg.snackTimer);
  const bar = h('div.snackbar', { role: 'status', 'data-testid': 'snackbar' }, h('span.snack-text', text),
    hh && !pg.base.reported ? h('button.btn.btn-small.snack-undo', {
      type: 'button', onclick: () => { fill(pg.snack); undoRecord(pg, hh); },
    }, icon('undo'), t('screen.undo')) : null);
  fill(pg.snack, bar);
  pg.snackTimer = setTimeout(() => fill(pg.snack), 10000);
}

// The members of a household on one line: name, sex, age, tags.
function membersLine(hh, year) {
  if (!hh.members.length) return [h('span.muted', t('screen.noMembers'))];
  return hh.members.map((m, i) => h('span.member',
    i ? ' · ' : '', m.name, h('span.muted', ` ${m.sex === 'U' ? '' : label('sex', m.sex)} ${age(m, year)}`.trimEnd()),
    (m.tags || []).map((tg) => h('span.tag', label('tag', tg)))));
}

// One household: its place, status chips, members and findings, "all
// normal" in one tap and the short form.  Registers itself in pg.cards
// with update(hh) for redraws.
function householdCard(pg, hh0) {
  let hh = hh0;
  const save = (rec) => saveRecord(pg, hh, rec);
  const chip = h('span.chip');
  const queued = h('span.chip.chip-queued', { hidden: true }, icon('cloud'), t('screen.queued'));
  const formSlot = h('div.hh-form-slot');
  const okBtn = h('button.btn.btn-ok', {
    type: 'button',
    onclick: async () => {
      okBtn.disabled = true;
      await save({ status: 'visited', persons: hh.members.map((m) => ({ person_id: m.id })) });
      okBtn.disabled = false;
    },
  }, icon('check'), h('span.btn-label', t('screen.allNormal')));
  const formBtn = h('button.btn.btn-secondary.btn-detail', {
    type: 'button', 'aria-expanded': 'false',
    onclick: () => {
      if (formSlot.firstChild) return closeForm();
      fill(formSlot, recordForm(hh, { onDone: closeForm, save }));
      formBtn.setAttribute('aria-expanded', 'true');
      formSlot.querySelector('input:checked, input')?.focus();
    },
  }, icon('edit'), h('span', t('screen.details')));
  function closeForm() {
    fill(formSlot);
    formBtn.setAttribute('aria-expanded', 'false');
  }
  const undoBtn = h('button.btn.btn-secondary.btn-undo', {
    type: 'button', hidden: true, onclick: () => undoRecord(pg, hh),
  }, icon('undo'), h('span', t('screen.undo')));
  const members = h('p.hh-members');
  const findings = h('div.hh-found');
  const li = h('li.hh', { dataset: { household: hh.id } },
    h('div.hh-head', h('span.hh-place', hh.room && hh.building ? hh.room : place(hh)), h('span.hh-chips', chip, queued)),
    members, findings,
    h('div.hh-actions', okBtn, formBtn, undoBtn),
    formSlot);
  const update = (next) => {
    hh = next;
    li.dataset.status = hh.status || 'none';
    li.classList.toggle('is-abnormal', !!hh.abnormal);
    li.classList.toggle('is-done', !!hh.status);
    chip.className = `chip chip-${hh.abnormal ? 'abnormal' : hh.status || 'none'}`;
    fill(chip, hh.abnormal ? icon('alert') : null, hh.abnormal ? t('screen.abnormal') : statusText(hh));
    if (hh.abnormal && hh.status) chip.title = statusText(hh);
    queued.hidden = !hh.pending;
    // the day's current record, made by this user, until the day is reported
    undoBtn.hidden = !(hh.status && hh.mine && hh.uuid && !pg.base.reported);
    fill(members, ...membersLine(hh, pg.year));
    fill(findings, findingsList(hh));
  };
  update(hh);
  pg.cards.set(hh.id, { li, update });
  return { li };
}

// ---- the zero report ----

// The day's report: what was found, a reason for each household still
// without a record, a note.  update() redraws it from pg.model.
function reportCard(pg) {
  const card = h('section.card.report-card', { id: 'zero-report', 'data-testid': 'zero-report' });
  const summary = h('div.report-summary');
  const parts = {
    unvisitedBox: h('div.report-unvisited'),
    note: h('input', { id: 'report-note', name: 'note', maxlength: '500', autocomplete: 'off' }),
    msg: h('div.form-msg', { 'aria-live': 'polite' }),
    todoMsg: h('div.form-msg', { 'aria-live': 'polite', 'data-testid': 'report-refused' }),
    openEach: () => {},
    last: h('p.report-last.muted'),
    submit: h('button.btn.btn-primary.btn-block', { type: 'submit' }, icon('check'), h('span', t('report.submit'))),
    reasons: new Map(), // household id -> input
    missingMarked: false,
    shownKey: null,
  };
  const form = h('form.report-form', {
    novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      return sendReport(pg, parts);
    },
  },
  parts.unvisitedBox,
  h('div.field', h('label', { for: 'report-note' }, t('report.note')), parts.note),
  parts.msg, parts.submit, parts.last);
  card.append(h('h2', t('report.title')), h('p.muted', t('report.intro')), summary, form);

  function update() {
    const c = computeCounts(pg.model);
    // a state, not an error: shown like one, but not announced as an alert
    fill(summary, c.abnormal
      ? h('div.notice.notice-error', icon('alert'), h('div.notice-body', h('p', t('report.abnormalToday', { n: c.abnormal, count: c.abnormal }))))
      : notice('success', t('report.nothingAbnormal')));
    drawUnvisited(pg, parts);
  }
  return Object.assign(card, { update });
}

// The households still without a record: one reason for all of them or
// for a building's (it fills the reasons not yet given), then each
// household with its own input (quick reasons in one tap), folded away
// until asked for.  The inputs are kept while the same households remain,
// so typing (and the focus) survive a redraw.  Refusals are shown at the
// top of this part (parts.todoMsg), where the worker reads and acts.
function drawUnvisited(pg, parts) {
  const { reasons, unvisitedBox } = parts;
  const todo = pg.model.filter((hh) => !hh.status);
  const key = todo.map((hh) => hh.id).join(',');
  if (key === parts.shownKey && todo.length) {
    // the same households: keep the inputs (and the focus) as they are
    if (parts.missingMarked) for (const i of reasons.values()) if (!i.value.trim()) i.setAttribute('aria-invalid', 'true');
    return;
  }
  parts.shownKey = key;
  const keep = new Map([...reasons].filter(([id]) => todo.some((hh) => hh.id === id)));
  reasons.clear();
  if (!todo.length) {
    fill(unvisitedBox, h('p.report-all', icon('check'), t('report.allVisited')));
    return;
  }
  const items = todo.map((hh) => {
    const id = `reason-${hh.id}`;
    const old = keep.get(hh.id);
    const input = h('input', {
      id, name: id, maxlength: '200', autocomplete: 'off', value: old ? old.value : '',
      placeholder: t('report.reasonPlaceholder'),
    });
    if (parts.missingMarked && !input.value.trim()) input.setAttribute('aria-invalid', 'true');
    input.addEventListener('input', () => { input.removeAttribute('aria-invalid'); countGiven(); });
    reasons.set(hh.id, input);
    return h('li.reason-item', { dataset: { household: hh.id } },
      h('label', { for: id }, place(hh)),
      h('div.quick-reasons', QUICK_REASONS.map((k) => h('button.chip-btn', {
        type: 'button',
        onclick: () => { input.value = t(k); input.removeAttribute('aria-invalid'); countGiven(); },
      }, t(k)))),
      input);
  });
  // one reason for many
  const buildings = [...new Set(todo.map((hh) => hh.building || ''))];
  const bulk = h('input', {
    id: 'reason-bulk', maxlength: '200', autocomplete: 'off', placeholder: t('report.reasonPlaceholder'),
  });
  const scope = h('select', { id: 'reason-scope', 'aria-label': t('report.bulkScope') },
    h('option', { value: '*' }, t('report.bulkAll', { n: todo.length })),
    buildings.length > 1 ? buildings.map((b) => {
      const n = todo.filter((hh) => (hh.building || '') === b).length;
      return h('option', { value: b }, t('report.bulkBuilding', { b: b || t('screen.noBuilding'), n }));
    }) : null);
  const bulkMsg = h('div.form-msg', { 'aria-live': 'polite' });
  const apply = h('button.btn.btn-secondary', {
    type: 'button',
    onclick: () => {
      fill(bulkMsg);
      const v = bulk.value.trim();
      if (v.length < 2) {
        bulk.setAttribute('aria-invalid', 'true');
        fill(bulkMsg, notice('error', t('report.reasonShort')));
        bulk.focus();
        return;
      }
      bulk.removeAttribute('aria-invalid');
      let n = 0;
      for (const hh of todo) {
        const input = reasons.get(hh.id);
        if (input.value.trim() || (scope.value !== '*' && (hh.building || '') !== scope.value)) continue;
        input.value = v;
        input.removeAttribute('aria-invalid');
        n++;
      }
      countGiven();
      fill(bulkMsg, notice('success', t('report.bulkApplied', { n, count: n })));
    },
  }, t('report.bulkApply'));
  const bulkBox = h('div.bulk-reason', { 'data-testid': 'bulk-reason' },
    h('label', { for: 'reason-bulk' }, t('report.bulkLabel')),
    h('div.quick-reasons', QUICK_REASONS.map((k) => h('button.chip-btn', {
      type: 'button', onclick: () => { bulk.value = t(k); bulk.removeAttribute('aria-invalid'); },
    }, t(k)))),
    bulk, h('div.bulk-row', scope, apply), bulkMsg);
  const summary = h('summary');
  const details = h('details.reason-each', { open: parts.missingMarked || todo.length <= 3 }, summary,
    h('ul.reason-list', { 'data-testid': 'unvisited' }, items));
  function countGiven() {
    const given = [...reasons.values()].filter((i) => i.value.trim()).length;
    summary.textContent = t('report.eachSummary', { n: todo.length, given });
  }
  countGiven();
  parts.openEach = () => { details.open = true; };
  fill(unvisitedBox,
    parts.todoMsg,
    h('p.report-todo', t('report.unvisited', { n: todo.length, count: todo.length })),
    bulkBox, details);
}

// Sends the report once the records still on the phone are sent; when the
// server refuses it for households without a record, fetches the day again
// and asks a reason for each.
async function sendReport(pg, parts) {
  const { grid } = pg;
  const { msg, note, last, submit, reasons } = parts;
  fill(msg);
  fill(parts.todoMsg);
  const given = [];
  for (const [id, input] of reasons) {
    const v = input.value.trim();
    input.removeAttribute('aria-invalid');
    if (!v) continue;
    if (v.length < 2) {
      input.setAttribute('aria-invalid', 'true');
      parts.openEach();
      fill(parts.todoMsg, notice('error', t('report.reasonShort')));
      input.focus();
      return;
    }
    given.push({ household_id: id, reason: v });
  }
  submit.disabled = true;
  try {
    // Records still on the phone first: the server counts only what it has.
    if (outbox.status.pending) await outbox.flush();
    const waiting = (await outbox.items()).filter((i) => i.grid === grid && i.state === 'pending').length;
    if (waiting) {
      fill(msg, notice('error', t('report.waitOutbox', { n: waiting, count: waiting })));
      return;
    }
    const body = { grid, date: pg.base.date, unvisited: given };
    if (note.value.trim()) body.note = note.value.trim();
    const r = await API.reports.submit(body);
    parts.missingMarked = false;
    // reported: the day's records can no longer be undone
    pg.base.reported = true;
    fill(pg.snack);
    await outbox.saveWorklist(grid, pg.base);
    await refresh(pg);
    fill(msg, notice('success', r.nothing_abnormal ? t('report.doneNothing')
      : t('report.doneAbnormal', { n: r.abnormal, count: r.abnormal })));
    last.textContent = t('report.lastAt', { time: fmtTime(r.reported_at) });
  } catch (err) {
    if (err.status === 409 && err.field === 'unvisited') {
      // Someone's list may be stale: fetch the grid's day again, then
      // ask a reason for each household still without a record.
      try {
        pg.base = fromServer(await API.screenings.worklist(grid));
        await outbox.saveWorklist(grid, pg.base);
      } catch { /* keep what we have */ }
      parts.missingMarked = true;
      await refresh(pg);
      parts.openEach();
      const missing = [...reasons.values()].filter((i) => !i.value.trim());
      // said where it is read: above the reasons it asks for, in view
      fill(parts.todoMsg, notice('error', t('report.refused', { n: missing.length || '', count: missing.length })));
      parts.todoMsg.scrollIntoView({ block: 'start' });
      document.getElementById('reason-bulk')?.focus({ preventScroll: true });
    } else {
      fill(msg, notice('error', errorText(err)));
    }
  } finally {
    submit.disabled = false;
  }
}

async function loadReportState(pg) {
  const { ctx, grid } = pg;
  try {
    const r = await API.reports.list({ region: grid, date: pg.base.date, limit: 1 });
    const it = r.items.find((x) => x.grid === grid);
    if (it && it.reported_at && ctx.isCurrent()) {
      pg.report.querySelector('.report-last').textContent = t('report.lastAt', { time: fmtTime(it.reported_at) });
    }
  } catch { /* offline: nothing to say */ }
}

// The short form for one household: status; for a visited one, each member's
// temperature, symptoms, 14-day history, category and note, with anything
// abnormal flagged as it is entered.
function recordForm(hh, { onDone, save }) {
  const fid = `rec-${hh.id}`;
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const statusRadios = codes('screening_statuses').map((s) => h('label.seg-radio',
    h('input', { type: 'radio', name: `${fid}-status`, value: s, checked: s === (hh.status || 'visited') }),
    h('span', t(`screen.status.${s}`))));
  const membersBox = h('div.members-box');
  const members = hh.members.map((m) => memberFields(fid, m));
  membersBox.append(...members.map((x) => x.el));
  if (!hh.members.length) membersBox.append(h('p.muted', t('screen.noMembers')));
  const showMembers = () => {
    const st = statusRadios.find((r) => r.querySelector('input').checked).querySelector('input').value;
    membersBox.hidden = st !== 'visited';
  };
  statusRadios.forEach((r) => r.querySelector('input').addEventListener('change', showMembers));
  showMembers();
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('screen.save'));
  return h('form.rec-form', {
    novalidate: true, 'aria-label': t('screen.formFor', { place: place(hh) }),
    onsubmit: async (e) => {
      e.preventDefault();
      fill(msg);
      const status = statusRadios.map((r) => r.querySelector('input')).find((i) => i.checked).value;
      const persons = [];
      if (status === 'visited') {
        for (const m of members) {
          const f = m.read();
          if (f === false) {
            fill(msg, notice('error', t('screen.badTemperature')));
            return;
          }
          if (f) persons.push(f);
        }
      }
      submit.disabled = true;
      try {
        await save({ status, persons });
        onDone();
      } catch {
        fill(msg, notice('error', t('screen.storeFailed')));
        submit.disabled = false;
      }
    },
  },
  h('fieldset.status-set', h('legend', t('screen.result')), h('div.seg-radios', statusRadios)),
  membersBox, msg,
  h('div.form-actions', submit, h('button.btn.btn-secondary', { type: 'button', onclick: onDone }, t('common.cancel'))));
}

function chipBox(name, values, prefix) {
  return h('div.chips', values.map((v) => h('label.chip-check',
    h('input', { type: 'checkbox', name, value: v }), h('span', t(`${prefix}.${v}`)))));
}

// The fields for one member; read() answers the finding, null when the
// member was not present, false when the temperature is wrong.
function memberFields(fid, m) {
  const id = `${fid}-${m.id}`;
  const present = h('input', { type: 'checkbox', id: `${id}-present`, checked: true });
  const temp = h('input.temp', {
    id: `${id}-temp`, name: 'temperature', type: 'text', inputmode: 'decimal', autocomplete: 'off',
    placeholder: t('screen.tempPlaceholder'), maxlength: '4', 'aria-describedby': `${id}-temp-hint`,
  });
  const symptoms = chipBox(`${id}-sym`, codes('symptoms'), 'symptom');
  const history = chipBox(`${id}-hist`, codes('history'), 'history');
  const category = h('select', { id: `${id}-cat`, name: 'category' },
    h('option', { value: '' }, `${t('screen.category')}: ${t('category.none')}`),
    codes('finding_categories').map((c) => h('option', { value: c }, t(`category.${c}`))));
  const note = h('input', { id: `${id}-note`, name: 'note', maxlength: '500', autocomplete: 'off' });
  const flag = h('span.abn-flag', { hidden: true }, icon('alert'), t('screen.abnormal'));
  // compact: a household of two fits one phone screen (375 x 812)
  // labels read by screen readers; on screen the placeholders and the chips say it
  const tempField = h('div.temp-field', h('label.sr-only', { for: temp.id }, t('screen.temperature')), temp,
    h('span.temp-unit', { 'aria-hidden': 'true' }, '°C'),
    h('span.sr-only', { id: `${id}-temp-hint` }, t('screen.temperatureHint')));
  const body = h('div.member-body',
    h('div.chip-row', { role: 'group', 'aria-label': t('screen.symptoms') }, symptoms),
    h('div.chip-row', { role: 'group', 'aria-label': t('screen.history') }, history),
    h('div.member-row',
      h('div.field', h('label.sr-only', { for: category.id }, t('screen.category')), category),
      h('div.field', h('label.sr-only', { for: note.id }, t('screen.note')), note)));
  note.placeholder = t('screen.note');
  const el = h('fieldset.member-set', { dataset: { person: m.id } },
    h('legend', h('span.member-name', m.name), flag),
    h('div.member-top', h('label.present', present, h('span', t('screen.present'))), tempField),
    body);
  const checked = (box) => [...box.querySelectorAll('input:checked')].map((i) => i.value);
  function read() {
    if (!present.checked) return null;
    const f = { person_id: m.id };
    const tv = parseTemperature(temp.value);
    if (Number.isNaN(tv)) return false;
    if (tv !== null) f.temperature = tv;
    const s = checked(symptoms);
    if (s.length) f.symptoms = s;
    const hi = checked(history);
    if (hi.length) f.history = hi;
    if (category.value) f.category = category.value;
    if (note.value.trim()) f.note = note.value.trim();
    return f;
  }
  function check() {
    const tv = parseTemperature(temp.value);
    temp.toggleAttribute('aria-invalid', Number.isNaN(tv) && temp.value.trim().length >= 2);
    if (temp.hasAttribute('aria-invalid')) temp.setAttribute('aria-invalid', 'true');
    temp.classList.toggle('is-fever', tv !== null && !Number.isNaN(tv) && tv >= fever());
    const f = read();
    const abn = !!f && findingAbnormal(f);
    flag.hidden = !abn;
    el.classList.toggle('is-abnormal', abn);
    body.hidden = !present.checked;
    tempField.hidden = !present.checked;
    el.classList.toggle('is-absent', !present.checked);
  }
  el.addEventListener('input', check);
  el.addEventListener('change', check);
  return { el, read: () => (read()), check };
}
