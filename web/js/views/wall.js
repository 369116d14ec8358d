// views/wall.js - the command centre's wall screen (大屏): one region's
// figures on a 1920 × 1080 (or larger) screen, without the navigation, read
// from 3 metres (key numbers ≥ 48 px, labels ≥ 20 px: the page's type
// scales with the screen's width).  The whole screen is one request
// (GET /wall), repeated every 30 s (?every=N) with the last ETag: a 304 costs nothing
// and changes nothing on screen; new figures replace each panel's body in
// one step (charts are updated in place), so nothing flickers.  The head
// says when the figures last changed and when they were last checked.
// Panels are drawn by name from PANELS below, in the order the answer
// gives: a module that adds a panel to the server's table
// (core/command/wall.c) adds its drawing function here.  Each panel's
// title links to its page; each child region to its own wall.
import { t, fmtNumber, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, icon, notice, errorText } from '../dom.js';
import { loadECharts, drawChart } from '../charts.js';
import { RT_MIN_CASES } from './epi.js'; // thinner windows are left out (the epidemiology page fades them)

const REFRESH_S = 30; // seconds between refreshes (?every=N, 5 to 600, for a slower screen)
const LIST_MAX = 8; // rows a list panel shows; the rest counted

export function wallHref(code) { return `#/wall/${API.regionSeg(code)}`; }
const commandHref = (code) => `#/command/${API.regionSeg(code)}`;

export function renderIndex(ctx) {
  return render({ ...ctx, params: { code: API.regionSeg(ctx.me.scope.code) } });
}

export async function render(ctx) {
  const { main } = ctx;
  const code = !ctx.params.code || ctx.params.code === 'root' ? '' : ctx.params.code;
  const every = Math.min(600, Math.max(5, parseInt(ctx.query.get('every') || '', 10) || REFRESH_S));
  const state = { etag: null, changed: null, checked: null, charts: {}, echarts: null, panels: {} };
  const title = h('h1.wall-title', { tabindex: '-1' });
  const date = h('span.wall-date');
  const fresh = h('p.wall-fresh', { 'aria-live': 'polite', 'data-testid': 'wall-fresh' });
  const msg = h('div.wall-msg');
  const up = h('span.wall-up');
  const head = h('header.wall-head',
    h('div.wall-where', title, date, up),
    h('div.wall-tools', fresh,
      h('a.btn.btn-secondary.wall-exit', { href: `#/map/${API.regionSeg(code)}` }, icon('regions'), h('span', t('wall.map'))),
      h('a.btn.btn-secondary.wall-exit', { href: commandHref(code) }, icon('command'), h('span', t('wall.exit')))));
  const grid = h('div.wall-grid', { 'data-testid': 'wall' });
  fill(main, h('div.wall', head, msg, grid));

  const stamp = () => {
    fill(fresh,
      h('span', t('wall.updated', { time: state.changed ? fmtTime(state.changed).slice(11) : '—' })),
      h('span.muted', t('wall.checked', { time: state.checked ? fmtTime(state.checked).slice(11) : '—', s: every })));
  };

  const draw = (w) => {
    ctx.setTitle(`${w.region.name} · ${t('wall.title')}`);
    title.textContent = t('wall.heading', { name: w.region.name });
    date.textContent = w.date;
    const parent = (w.region.path || []).filter((p) => p.in_scope).at(-1);
    fill(up, parent ? h('a.wall-uplink', { href: wallHref(parent.code === 'root' ? '' : parent.code) }, icon('up'), parent.name) : null);
    const keep = new Set();
    const kpis = kpiStrip(w);
    if (!state.panels.kpis) { state.panels.kpis = h('section.wall-kpis', { 'data-testid': 'wall-kpis' }); grid.append(state.panels.kpis); }
    fill(state.panels.kpis, ...kpis);
    keep.add('kpis');
    for (const [name, data] of Object.entries(w.panels)) {
      const p = PANELS[name];
      if (!p || p.kpiOnly) continue;
      keep.add(name);
      let box = state.panels[name];
      if (!box) {
        box = h(`section.wall-panel.wall-${name}`, { dataset: { panel: name } });
        state.panels[name] = box;
        grid.append(box);
      }
      p.draw(box, data, w, state);
    }
    for (const [name, box] of Object.entries(state.panels)) if (!keep.has(name)) { box.remove(); delete state.panels[name]; }
  };

  const load = async () => {
    let r;
    try {
      r = await API.wall.get(code, state.etag);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      fill(msg, notice('error', err.status === 404 ? t('regions.notFound') : t('wall.failed', { error: errorText(err) })));
      return;
    }
    if (!ctx.isCurrent()) return;
    fill(msg);
    state.checked = Math.floor(Date.now() / 1000);
    if (!r.notModified) {
      state.etag = r.etag;
      state.changed = r.data.as_of;
      grid.dataset.etag = r.etag || '';
      draw(r.data);
    }
    stamp();
  };
  await load();
  // another page (whose render resets the body's class) ends the refresh
  const timer = setInterval(() => {
    if (!ctx.isCurrent() || !main.isConnected) { clearInterval(timer); return; }
    load();
  }, every * 1000);
}

const pct = (n, d) => (d ? `${Math.round((n * 100) / d)}%` : '—');

// The key numbers across the top, each linking to its page.
function kpiStrip(w) {
  const p = w.panels;
  const out = [];
  const kpi = (key, value, href, warn) => out.push(h(`a.wall-kpi${warn ? '.is-warn' : ''}`, { href, dataset: { kpi: key } },
    h('span.wall-kpi-value', value), h('span.wall-kpi-label', t(`wall.kpi.${key}`))));
  const code = w.region.code;
  if (p.cases) {
    const c = p.cases.total;
    kpi('cur_confirmed', fmtNumber(c.cur_confirmed), '#/epi', c.cur_confirmed > 0);
    kpi('new_confirmed', fmtNumber(c.new_confirmed), '#/cases', c.new_confirmed > 0);
    kpi('cum_confirmed', fmtNumber(c.cum_confirmed), '#/epi');
    kpi('cur_suspected', fmtNumber(c.cur_suspected), '#/cases', c.cur_suspected > 0);
    kpi('cur_asymptomatic', fmtNumber(c.cur_asymptomatic), '#/cases');
  }
  if (p.observation) {
    kpi('under_observation', fmtNumber(p.observation.under_observation), '#/followups');
    kpi('followups_missed', fmtNumber(p.observation.followups_missed), '#/followups', p.observation.followups_missed > 0);
  }
  if (p.coverage) {
    const c = p.coverage.total;
    kpi('coverage', pct(c.visited + c.not_home + c.refused, c.households), commandHref(code));
  }
  if (p.alerts) kpi('alerts', fmtNumber(p.alerts.total.open), commandHref(code), p.alerts.total.open > 0);
  if (p.reports) kpi('missing_reports', fmtNumber(p.reports.total.missing), commandHref(code), p.reports.total.missing > 0 && p.reports.late);
  return out;
}

// A panel's head: its title linking to the page it summarises.
function panelHead(key, href, extra) {
  return h('div.wall-panel-head', h('h2', h('a', { href }, t(`wall.${key}.title`))), extra || null);
}

// Rows of children (name linking to its wall) with a value, largest first
// or in code order; at most LIST_MAX, the others counted.
function childList(rows, { value, bar, sortBy, only, max = LIST_MAX }) {
  let list = rows.filter(only || (() => true));
  if (sortBy) list = [...list].sort(sortBy);
  const shown = list.slice(0, max);
  return [
    h('ol.wall-list', shown.map((r) => h('li.wall-row', { dataset: { code: r.code } },
      h('a.wall-row-name', { href: wallHref(r.code) }, r.name),
      bar ? h('span.wall-bar', h('span.wall-bar-fill', { style: { width: `${Math.max(0, Math.min(100, bar(r)))}%` } })) : null,
      h('span.wall-row-value', value(r))))),
    list.length > max ? h('p.wall-more', t('wall.more', { n: list.length - max })) : null,
    list.length === 0 ? h('p.wall-none', icon('check'), t('wall.none')) : null,
  ];
}

const covered = (r) => r.visited + r.not_home + r.refused;
const share = (r) => (r.households ? (covered(r) * 100) / r.households : 100);

const PANELS = {
  coverage: {
    draw(box, d, w) {
      fill(box, panelHead('coverage', commandHref(w.region.code), h('span.wall-sub', t('wall.coverage.gaps', { n: fmtNumber(d.total.unvisited) }))),
        ...childList(d.children, {
          value: (r) => `${pct(covered(r), r.households)} · ${t('wall.coverage.left', { n: fmtNumber(r.unvisited) })}`,
          bar: share,
          sortBy: (a, b) => share(a) - share(b) || a.code.localeCompare(b.code),
          only: (r) => r.households > 0,
        }));
    },
  },
  reports: {
    draw(box, d, w) {
      fill(box, panelHead('reports', commandHref(w.region.code),
        h(`span.wall-sub${d.late && d.total.missing ? '.is-warn' : ''}`, t('wall.reports.sub', { n: fmtNumber(d.total.missing), of: fmtNumber(d.total.grids) }))),
      ...childList(d.children, {
        value: (r) => t('wall.reports.row', { n: fmtNumber(r.missing), of: fmtNumber(r.grids) }),
        bar: (r) => (r.grids ? (r.reported * 100) / r.grids : 100),
        sortBy: (a, b) => b.missing - a.missing || a.code.localeCompare(b.code),
        only: (r) => r.missing > 0,
      }));
    },
  },
  alerts: {
    draw(box, d, w) {
      fill(box, panelHead('alerts', commandHref(w.region.code),
        h('span.wall-sub', t('wall.alerts.sub', { s: fmtNumber(d.total.screening), f: fmtNumber(d.total.followup_missed) }))),
      ...childList(d.children, {
        value: (r) => fmtNumber(r.open),
        sortBy: (a, b) => b.open - a.open || a.code.localeCompare(b.code),
        only: (r) => r.open > 0,
      }));
    },
  },
  cases: {
    draw(box, d, w, state) {
      const chartEl = box.querySelector('.wall-chart') || h('div.wall-chart', { 'data-testid': 'wall-curve' });
      // the children with most cases now, beside the curve's title
      const top = [...d.children].filter((r) => r.cur_confirmed > 0)
        .sort((a, b) => b.cur_confirmed - a.cur_confirmed || a.code.localeCompare(b.code)).slice(0, 3);
      fill(box, panelHead('cases', '#/epi', h('span.wall-sub', t('wall.cases.sub', { n: fmtNumber(d.total.new_confirmed) }))),
        top.length ? h('p.wall-top', t('wall.cases.most'), ' ', top.map((r, i) => [i ? t('wall.cases.sep') : '',
          h('a', { href: wallHref(r.code) }, r.name), ` ${fmtNumber(r.cur_confirmed)}`])) : null,
        chartEl);
      chartWhenReady(state, 'curve', chartEl, () => curveOption(d.series));
    },
  },
  observation: { kpiOnly: true },
  states: {
    draw(box, d) {
      fill(box, panelHead('states', '#/command'),
        h('div.wall-state-sum', [3, 2, 1].map((s) => h(`div.wall-state.state-${s}`, { dataset: { state: s } },
          h('span.wall-state-n', fmtNumber(d.by_state[s] || 0)), h('span.wall-state-label', t(`cstate.${s}`))))),
        d.outbreaks ? h('p.wall-sub.is-warn', t('wall.states.outbreaks', { n: fmtNumber(d.outbreaks) })) : null,
        d.hot.length
          ? h('ol.wall-list', d.hot.slice(0, LIST_MAX - 2).map((c) => h('li.wall-row', { dataset: { code: c.code } },
            h('a.wall-row-name', { href: wallHref(c.code) }, c.name),
            h(`span.wall-row-value.state-text-${c.state}`, `${t(`cstate.${c.state}`)} · ${t('wall.states.cases', { n: c.cases_14d })}`))))
          : h('p.wall-none', icon('check'), t('wall.states.clear', { n: fmtNumber(d.communities) })),
        d.hot.length > LIST_MAX - 2 ? h('p.wall-more', t('wall.more', { n: (d.by_state[2] || 0) + (d.by_state[3] || 0) - (LIST_MAX - 2) })) : null);
    },
  },
  rt: {
    draw(box, d, w, state) {
      // the latest window the chart draws (enough cases for a readable interval)
      const x = d.series.filter((p) => p.mean != null && p.cases >= RT_MIN_CASES).at(-1);
      const chartEl = box.querySelector('.wall-chart') || h('div.wall-chart', { 'data-testid': 'wall-rt' });
      fill(box, panelHead('rt', '#/epi'),
        h('div.wall-rt-now', { 'data-testid': 'wall-rt-value' },
          h(`span.wall-rt-value${x && x.mean > 1 ? '.is-warn' : ''}`, x ? x.mean.toFixed(2) : '—'),
          h('span.wall-rt-ci', x ? t('wall.rt.ci', { lo: x.q025.toFixed(2), hi: x.q975.toFixed(2), to: x.to }) : t('wall.rt.none')),
          d.doubling_time ? h('span.wall-rt-ci', t('wall.rt.doubling', { n: d.doubling_time.toFixed(1) })) : null),
        chartEl);
      chartWhenReady(state, 'rt', chartEl, () => rtOption(d.series));
    },
  },
};

// Draws or updates a chart once ECharts is loaded (updating in place: no
// flicker on refresh).
async function chartWhenReady(state, key, el, option) {
  try {
    state.echarts = state.echarts || await loadECharts();
  } catch {
    fill(el, notice('error', t('charts.failed')));
    return;
  }
  const ch = state.charts[key];
  if (ch && ch.getDom() === el && !ch.isDisposed()) ch.setOption(option(), { notMerge: false });
  else state.charts[key] = drawChart(state.echarts, el, option());
}

// the wall's label size in px (CSS --u: 20 px at 1920 px wide, then 1.05vw)
const fontPx = () => Math.max(20, window.innerWidth * 0.0105);
const line = () => Math.round(fontPx() / 7);
const AXIS = () => ({
  axisLabel: { color: '#c9d4e3', fontSize: fontPx() * 0.8 },
  axisLine: { lineStyle: { color: '#51627a' } },
});

function curveOption(s) {
  return {
    grid: { left: fontPx() * 2.4, right: 16, top: fontPx() * 2, bottom: fontPx() * 1.8 },
    legend: { top: 0, textStyle: { color: '#e8eef6', fontSize: fontPx() * 0.8 } },
    xAxis: { type: 'category', data: s.dates, ...AXIS(), axisLabel: { ...AXIS().axisLabel, formatter: (v) => v.slice(5) } },
    yAxis: { type: 'value', minInterval: 1, ...AXIS(), splitLine: { lineStyle: { color: '#2b3a50' } } },
    series: [
      { name: t('wall.s.onset'), type: 'bar', data: s.onset, itemStyle: { color: '#e0504a' }, barMaxWidth: fontPx() },
      { name: t('wall.s.newConfirmed'), type: 'line', data: s.new_confirmed, symbol: 'none', lineStyle: { width: line() }, itemStyle: { color: '#ffd166' } },
      { name: t('wall.s.current'), type: 'line', data: s.cur_confirmed, symbol: 'none', lineStyle: { width: line() }, itemStyle: { color: '#6cb4ff' } },
    ],
  };
}

function rtOption(all) {
  const series = all.map((x) => (x.mean != null && x.cases >= RT_MIN_CASES ? x : { to: x.to, mean: null }));
  const dates = series.map((x) => x.to);
  const held = series.filter((x) => x.mean != null);
  const top = held.length ? Math.max(2, Math.ceil(Math.max(...held.map((x) => x.q975)))) : 3;
  return {
    grid: { left: fontPx() * 2.4, right: fontPx() * 3.5, top: 16, bottom: fontPx() * 1.8 },
    xAxis: { type: 'category', data: dates, boundaryGap: false, ...AXIS(), axisLabel: { ...AXIS().axisLabel, formatter: (v) => v.slice(5) } },
    yAxis: { type: 'value', min: 0, max: Math.min(top, 10), ...AXIS(), splitLine: { lineStyle: { color: '#2b3a50' } } },
    series: [
      { name: 'lo', type: 'line', data: series.map((x) => x.q025 ?? '-'), stack: 'ci', symbol: 'none', lineStyle: { opacity: 0 }, silent: true },
      { name: 'ci', type: 'line', data: series.map((x) => (x.mean == null ? '-' : x.q975 - x.q025)), stack: 'ci', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: 'rgba(108, 180, 255, .25)' }, silent: true },
      {
        name: 'Rt', type: 'line', data: series.map((x) => x.mean ?? '-'), symbol: 'none', lineStyle: { width: line() }, itemStyle: { color: '#6cb4ff' },
        markLine: { silent: true, symbol: 'none', data: [{ yAxis: 1 }], lineStyle: { color: '#e0504a', type: 'dashed', width: 2 }, label: { color: '#e8eef6', fontSize: fontPx() * 0.8, formatter: 'Rt = 1' } },
      },
    ],
  };
}
