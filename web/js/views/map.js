// views/map.js - a region's children shaded by today's screening coverage,
// current confirmed cases or the worst community state (#/map/CODE?by=…).
// Boundaries are the deployment's own (fangkong regions shapes import),
// drawn with ECharts' map series; children without a boundary — or every
// child when none was imported — are drawn as tiles in code order, so the
// page works everywhere.  The figures are the wall screen's (one request);
// each region drills into its own map.
import { t, fmtNumber } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, loading, notice, errorText } from '../dom.js';
import { loadECharts, drawChart, TOOLTIP, chartText } from '../charts.js';

const METRICS = ['coverage', 'cases', 'state'];
const STATE_COLOURS = { 1: '#3f9f6b', 2: '#e8b130', 3: '#c62f2f' };

export function mapHref(code, by) {
  return `#/map/${API.regionSeg(code)}${by && by !== 'coverage' ? `?by=${by}` : ''}`;
}

export function renderIndex(ctx) {
  return render({ ...ctx, params: { code: API.regionSeg(ctx.me.scope.code) } });
}

// Each child's value and its colour under metric, from the wall's panels.
function values(w, by) {
  const p = w.panels;
  const out = new Map();
  if (by === 'coverage' && p.coverage) {
    for (const c of p.coverage.children) {
      const v = c.households ? Math.round(((c.visited + c.not_home + c.refused) * 100) / c.households) : null;
      out.set(c.code, { name: c.name, value: v, text: v == null ? '—' : `${v}%` });
    }
  } else if (by === 'cases' && p.cases) {
    for (const c of p.cases.children) out.set(c.code, { name: c.name, value: c.cur_confirmed, text: fmtNumber(c.cur_confirmed) });
  } else if (by === 'state' && p.states) {
    const names = new Map((p.coverage || p.cases || { children: [] }).children.map((c) => [c.code, c.name]));
    for (const c of p.states.children) out.set(c.code, { name: names.get(c.code) || c.code, value: c.worst, text: t(`cstate.${c.worst}`) });
  }
  return out;
}

function colour(by, v, max) {
  if (v == null) return '#d5dbe3';
  if (by === 'state') return STATE_COLOURS[v] || '#d5dbe3';
  if (by === 'coverage') return v >= 90 ? '#3f9f6b' : v >= 60 ? '#e8b130' : '#c62f2f';
  const k = max ? v / max : 0; // cases: white to red
  const mix = (a, b) => Math.round(a + (b - a) * k);
  return v === 0 ? '#eef1f5' : `rgb(${mix(250, 176)}, ${mix(214, 30)}, ${mix(210, 36)})`;
}

// Text on a colour: dark on the light ones (yellow, pale red, grey), white on the rest.
function ink(by, v, max) {
  const c = colour(by, v, max);
  return c === '#e8b130' || c === '#d5dbe3' || c === '#eef1f5' || (by === 'cases' && v / max < 0.5) ? '#1b2633' : '#fff';
}

export async function render(ctx) {
  const { main } = ctx;
  const code = !ctx.params.code || ctx.params.code === 'root' ? '' : ctx.params.code;
  const by = METRICS.includes(ctx.query.get('by')) ? ctx.query.get('by') : 'coverage';
  fill(main, loading());
  let w, shapes;
  try {
    [w, shapes] = await Promise.all([API.wall.get(code).then((r) => r.data), API.regions.shapes(code || 'root')]);
  } catch (err) {
    if (!ctx.isCurrent()) return;
    fill(main, h('h1', t('map.title')), notice('error', err.status === 404 ? t('regions.notFound') : errorText(err)));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${w.region.name} · ${t('map.title')}`);
  const vals = values(w, by);
  const max = Math.max(1, ...[...vals.values()].map((x) => x.value || 0));
  const parent = (w.region.path || []).filter((p) => p.in_scope).at(-1);
  const tabs = h('div.map-tabs', { role: 'group', 'aria-label': t('map.by') },
    METRICS.filter((m) => (m === 'coverage' ? w.panels.coverage : m === 'cases' ? w.panels.cases : w.panels.states))
      .map((m) => h(`a.btn.btn-small${m === by ? '.btn-primary' : '.btn-secondary'}`, { href: mapHref(code, m), 'aria-current': m === by ? 'true' : null }, t(`map.by.${m}`))));
  const chartEl = h('div.map-chart', { 'data-testid': 'map-chart' });
  const shaped = new Set(shapes.features.map((f) => f.properties.code));
  const tiles = h('ul.map-tiles', { 'data-testid': 'map-tiles' },
    [...vals.entries()].filter(([c]) => !shaped.has(c)).map(([c, x]) => h('li.map-tile', {
      dataset: { code: c }, style: { background: colour(by, x.value, max), color: ink(by, x.value, max) },
    }, h('a', { href: mapHref(c, by) }, h('span.map-tile-name', x.name), h('span.map-tile-value', x.text)))));
  fill(main,
    h('div.page-head',
      parent ? h('p', h('a', { href: mapHref(parent.code === 'root' ? '' : parent.code, by) }, t('regions.upTo', { name: parent.name }))) : null,
      h('h1', { tabindex: '-1' }, t('map.heading', { name: w.region.name })),
      h('p.muted', t('map.intro', { date: w.date }))),
    tabs,
    shapes.features.length ? h('section.card', chartEl) : null,
    shapes.features.length && shapes.missing.length ? h('h2', t('map.noShape')) : null,
    shapes.features.length === 0 ? h('p.muted', t('map.tilesOnly')) : null,
    tiles,
    h('p.legend', by === 'state' ? [1, 2, 3].map((s) => h('span.legend-item', h('span.swatch', { style: { background: STATE_COLOURS[s] } }), t(`cstate.${s}`)))
      : by === 'coverage' ? [['#c62f2f', '< 60%'], ['#e8b130', '60–89%'], ['#3f9f6b', '≥ 90%']].map(([c, l]) => h('span.legend-item', h('span.swatch', { style: { background: c } }), l))
        : [h('span.legend-item', h('span.swatch', { style: { background: colour('cases', 0, max) } }), '0'),
          h('span.legend-item', h('span.swatch', { style: { background: colour('cases', max, max) } }), fmtNumber(max))]));
  if (!shapes.features.length) return;
  let echarts;
  try {
    echarts = await loadECharts();
  } catch {
    fill(chartEl, notice('error', t('charts.failed')));
    return;
  }
  if (!ctx.isCurrent()) return;
  const name = `fk-${code || 'root'}`;
  echarts.registerMap(name, { type: 'FeatureCollection', features: shapes.features });
  const chart = drawChart(echarts, chartEl, {
    tooltip: { ...TOOLTIP, formatter: (p) => `${chartText(p.data?.label ?? p.name)}\n${p.data?.text ?? '—'}` },
    series: [{
      type: 'map', map: name, nameProperty: 'code', roam: false, selectedMode: false,
      label: { show: true, formatter: (p) => chartText(p.data?.label ?? ''), fontSize: 14, color: '#1b2633' },
      data: shapes.features.map((f) => {
        const x = vals.get(f.properties.code) || { name: f.properties.name, value: null, text: '—' };
        return { name: f.properties.code, label: x.name, text: x.text, value: x.value, itemStyle: { areaColor: colour(by, x.value, max) } };
      }),
    }],
  });
  chartEl.dataset.regions = String(shapes.features.length);
  chart.on('click', (p) => { if (p.name) location.hash = mapHref(p.name, by); });
}
