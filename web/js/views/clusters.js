// views/clusters.js - transmission chains (传播链): the clusters of two or
// more linked cases in scope, largest first, and one cluster as a graph
// (ECharts `graph` series, force layout): a node per case coloured by
// category, an arrow from each source case to the case it infected,
// labelled by the setting of the exposure; each node labelled by its case
// number and the person's name masked (张*三; the tooltip names them in
// full).  A second layout puts the cases on a time line by onset date.
// Names are user-typed: they pass through chartText before any chart draws
// them.  The cases are listed beside the graph as well, as links to their
// pages (and for screen readers).
import { t, label, fmtNumber } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, loadRecord, notice, loading, errorText, pagedList, td } from '../dom.js';
import { loadECharts, drawChart, TOOLTIP, chartText } from '../charts.js';
import { regionPicker } from './regionpick.js';
import { caseHref, catChip, outChip, caseOutcome } from './cases.js';

export const CAT_COLOURS = {
  confirmed: '#c62f2f', clinical: '#e0663a', suspected: '#e0a526', asymptomatic: '#7b5ea7', excluded: '#9aa5b1',
};

export function clusterHref(id) { return `#/clusters/${encodeURIComponent(id)}`; }

export function renderList(ctx) {
  const { main, query, me } = ctx;
  const region = query.get('region') || '';
  const picker = regionPicker({
    scope: me.scope, idPrefix: 'cl-region', initial: region,
    onChange: (c) => { location.hash = c && c !== me.scope.code ? `#/clusters?region=${encodeURIComponent(c)}` : '#/clusters'; },
  });
  const total = h('span.muted.cl-total');
  const tbody = h('tbody');
  const cols = ['clusters.col.id', 'clusters.col.size', 'clusters.col.first', 'clusters.col.last', 'clusters.col.communities'];
  const table = h('table.data-table.clusters-table', { 'data-testid': 'clusters' },
    h('thead', h('tr', cols.map((c, i) => h('th', { scope: 'col', class: i === 1 ? 'num' : null }, t(c))))), tbody);
  const list = pagedList({
    listEl: tbody,
    box: h('div.table-wrap', table),
    fetchPage: async (after) => {
      const page = await API.clusters.list(region, after);
      if (page.total != null) total.textContent = t('clusters.total', { n: fmtNumber(page.total), count: page.total });
      return page;
    },
    renderItems: (items) => items.map((c) => h('tr', { dataset: { id: c.id } },
      td(t('clusters.col.id'), h('a.cluster-link', { href: clusterHref(c.id) }, t('clusters.name', { id: c.id }))),
      td({ label: t('clusters.col.size'), cls: 'num' }, h('strong.cl-size', fmtNumber(c.size))),
      td(t('clusters.col.first'), c.first_onset || '—'),
      td(t('clusters.col.last'), c.last_onset || '—'),
      td({ label: t('clusters.col.communities'), cls: 'detail' }, t('clusters.communities', { n: c.communities.length, count: c.communities.length }),
        ' ', h('span.cl-communities', { title: c.communities.join(' ') },
          c.communities.slice(0, 3).map((code, i) => (c.community_names && c.community_names[i]) || code).join(t('common.listSep'))
          + (c.communities.length > 3 ? '…' : ''))))),
    emptyText: t('clusters.none'),
    isCurrent: ctx.isCurrent,
  });
  fill(main,
    h('div.page-head', h('h1', { tabindex: '-1' }, t('clusters.title')), h('p.muted', t('clusters.intro'))),
    h('section.card',
      h('div.filters.cl-filters', picker.el),
      h('div.section-head', h('h2', t('clusters.listTitle')), total),
      list));
}

export async function render(ctx) {
  const { main } = ctx;
  const c = await loadRecord(ctx, () => API.clusters.get(ctx.params.id), {
    notFoundTitle: t('clusters.notFoundTitle'), notFound: t('clusters.notFound'), back: '#/clusters', backLabel: t('clusters.back'),
  }, () => render(ctx));
  if (!c || !ctx.isCurrent()) return;
  ctx.setTitle(t('clusters.name', { id: c.id }));
  const onsets = c.nodes.map((n) => n.onset_date).filter(Boolean).sort();
  const byCat = {};
  for (const n of c.nodes) byCat[n.category] = (byCat[n.category] || 0) + 1;
  const graphEl = h('div.chart.graph-chart', { 'data-testid': 'cluster-graph', role: 'img', 'aria-label': t('clusters.graphLabel', { n: c.size }) });
  let layout = 'force';
  let redraw = null;
  const layoutBtns = ['force', 'timeline'].map((k) => h('button.seg-btn', {
    type: 'button', 'aria-pressed': k === layout ? 'true' : 'false', dataset: { layout: k },
    onclick: () => {
      layout = k;
      for (const b of layoutBtns) b.setAttribute('aria-pressed', b.dataset.layout === k ? 'true' : 'false');
      redraw?.(k);
    },
  }, t(`clusters.layout.${k}`)));
  const layoutBar = h('div.seg-filter.cl-layout', { role: 'group', 'aria-label': t('clusters.layout') }, layoutBtns);
  const graphMsg = h('div.chart-msg');
  const nodeList = h('ul.node-list', { 'data-testid': 'cluster-nodes' }, [...c.nodes]
    .sort((a, b) => (a.onset_date || '9').localeCompare(b.onset_date || '9') || a.id - b.id)
    .map((n) => h('li', { dataset: { id: n.id } },
      h('a', { href: caseHref(n.id) }, t('cases.caseNo', { id: n.id }), n.person_name ? ` ${n.person_name}` : ''), catChip(n.category), outChip(caseOutcome(n)),
      h('span.muted', n.onset_date || '—'), h('span.node-where', { title: n.region }, n.community_name || n.region))));
  fill(main,
    h('div.page-head',
      h('a.link.back-link', { href: '#/clusters' }, t('clusters.back')),
      h('h1', { tabindex: '-1' }, t('clusters.name', { id: c.id })),
      h('p.muted', t('clusters.summary', { n: c.size, edges: c.edges.length, from: onsets[0] || '—', to: onsets.at(-1) || '—' }))),
    h('div.stats.kpis.cl-kpis', Object.keys(CAT_COLOURS).filter((k) => byCat[k]).map((k) => h(`div.stat.kpi-cat-${k}`,
      h('span.stat-label', label('case.cat', k)), h('span.stat-value', fmtNumber(byCat[k]))))),
    h('div.cluster-grid',
      h('section.card.graph-card', h('div.section-head', h('h2', t('clusters.graph')), layoutBar), h('p.hint', t('clusters.graphHint')), graphMsg, graphEl),
      h('section.card.nodes-card', h('h2', t('clusters.cases')), nodeList)));
  let echarts;
  try {
    echarts = await loadECharts();
  } catch {
    fill(graphMsg, notice('error', t('charts.failed')));
    return;
  }
  // drawn once the box is laid out (a view of zero size cannot be inverted)
  await new Promise((r) => requestAnimationFrame(() => r()));
  if (!ctx.isCurrent() || !graphEl.clientWidth || !graphEl.clientHeight) return;
  redraw = drawGraph(echarts, graphEl, c, layout);
}

// 张*三, 李*: the name on a wall display, its first and last characters.
export function maskName(name) {
  const cs = [...(name || '')];
  if (cs.length <= 1) return cs.join('');
  return `${cs[0]}*${cs.length > 2 ? cs.at(-1) : ''}`;
}

// Draws the cluster as a network (force layout) or on a time line by onset
// date; returns a function that redraws it in the other layout.
function drawGraph(echarts, el, c, layout) {
  const cats = Object.keys(CAT_COLOURS);
  const degree = {};
  for (const e of c.edges) {
    degree[e.from] = (degree[e.from] || 0) + 1;
    degree[e.to] = (degree[e.to] || 0) + 1;
  }
  const small = el.clientWidth < 600;
  // the time line: a column per onset day (and one for cases without), the
  // cases of a day stacked in it
  const days = [...new Set(c.nodes.map((n) => n.onset_date).filter(Boolean))].sort();
  const axis = [];
  if (days.length) {
    for (let d = new Date(`${days[0]}T00:00:00Z`); d.toISOString().slice(0, 10) <= days.at(-1); d.setUTCDate(d.getUTCDate() + 1)) axis.push(d.toISOString().slice(0, 10));
  }
  const noOnset = c.nodes.some((n) => !n.onset_date);
  if (noOnset) axis.push(t('clusters.noOnset'));
  const row = {};
  const place = (n) => {
    const x = n.onset_date ? axis.indexOf(n.onset_date) : axis.length - 1;
    row[x] = (row[x] || 0) + 1;
    return [x, row[x]];
  };
  const nodes = c.nodes.map((n) => {
    const name = chartText(n.person_name);
    return {
      id: String(n.id), name: `#${n.id} ${chartText(maskName(n.person_name))}`.trim(), category: Math.max(0, cats.indexOf(n.category)),
      symbolSize: Math.min(34, (small ? 10 : 14) + 3 * (degree[n.id] || 0)),
      pos: place(n),
      // a big cluster names only its spreaders (three links or more); the others on hover
      ...(c.nodes.length > 80 ? { label: { show: (degree[n.id] || 0) >= 3 } } : {}),
      tip: `${t('cases.caseNo', { id: n.id })} ${name}\n${label('case.cat', n.category)}${caseOutcome(n) ? ` · ${label('case.out', n.outcome)}` : ''}\n${t('cases.col.onset')} ${n.onset_date || '—'}\n${chartText(n.community_name || n.region)}`,
    };
  });
  const maxRow = Math.max(1, ...Object.values(row));
  const links = c.edges.map((e) => ({ source: String(e.from), target: String(e.to), value: label('contact.setting', e.setting) }));
  el.dataset.nodes = String(nodes.length);
  el.dataset.edges = String(links.length);
  const base = {
    type: 'graph', roam: true, top: 40,
    categories: cats.map((k) => ({ name: label('case.cat', k) })),
    links,
    edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 7,
    label: { show: true, position: 'right', fontSize: small ? 10 : 12, color: '#1b2633', formatter: (p) => p.data.name },
    lineStyle: { color: '#8795a6', width: 1.2, curveness: 0.1, opacity: 0.8 },
    emphasis: { focus: 'adjacency', lineStyle: { width: 3 }, label: { show: true } },
  };
  const option = (k) => ({
    color: cats.map((x) => CAT_COLOURS[x]),
    legend: { data: cats.map((x) => label('case.cat', x)), top: 0, type: 'scroll' },
    tooltip: {
      ...TOOLTIP,
      formatter: (p) => (p.dataType === 'edge' ? `#${p.data.source} → #${p.data.target}\n${p.data.value}` : p.data.tip),
    },
    ...(k === 'timeline' ? {
      grid: { left: 24, right: 56, top: 48, bottom: 48 },
      xAxis: { type: 'category', data: axis, axisLabel: { color: '#5a6676', formatter: (v) => (/^\d{4}-/.test(v) ? v.slice(5) : v) }, axisLine: { lineStyle: { color: '#c3ccd6' } } },
      yAxis: { type: 'value', min: 0, max: maxRow + 1, show: false },
      series: [{ ...base, coordinateSystem: 'cartesian2d', layout: 'none', roam: false, draggable: false, top: undefined,
        data: nodes.map(({ pos, ...n }) => ({ ...n, value: pos })), lineStyle: { ...base.lineStyle, curveness: 0.3 } }],
    } : {
      series: [{ ...base, layout: 'force', draggable: true, data: nodes.map(({ pos, ...n }) => n),
        force: { initLayout: 'circular', repulsion: small ? 50 : 110, edgeLength: small ? [12, 35] : [25, 60], gravity: 0.2, layoutAnimation: false } }],
    }),
  });
  el.dataset.layout = layout;
  const chart = drawChart(echarts, el, option(layout));
  chart.on('click', (p) => {
    if (p.dataType === 'node') location.hash = caseHref(p.data.id);
  });
  return (k) => {
    el.dataset.layout = k;
    chart.setOption(option(k), true);
  };
}
