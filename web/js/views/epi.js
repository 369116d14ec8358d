// views/epi.js - epidemiological statistics (疫情统计) of a region: the
// epidemic curve (confirmed and clinical cases by onset date, bars) with
// the cases newly confirmed each day by report, the cumulative counts, and
// below them the time-varying reproduction number Rt (Cori et al. 2013, as
// the server computes it) with its 95% credible interval as a band, and the
// doubling time.  Above the cumulative counts, the figures bulletins quote:
// 现有确诊, 现有疑似, 现有无症状, 尚在医学观察, each with today's new ones.
// Rt windows with fewer than RT_MIN_CASES cases (their credible interval
// spans several units) are drawn faded and kept out of the axis range, so a
// handful of early cases cannot stretch the axis to 13.  The region and
// period live in the address (#/epi?region=420106001&days=60).
import { t, label, fmtNumber } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, notice, loading, errorText } from '../dom.js';
import { loadECharts, drawChart, TOOLTIP } from '../charts.js';
import { regionPicker } from './regionpick.js';
import { CAT_COLOURS } from './clusters.js';

const PERIODS = [30, 60, 90, 180];
const KPIS = ['confirmed', 'suspected', 'asymptomatic', 'discharged', 'deceased'];
const NOW = ['confirmed', 'suspected', 'asymptomatic', 'observation'];
// Rt from fewer cases than this in the 7-day window is shown faded: with 12
// cases the 95% interval is about ±55% of the mean, with 3 it spans ×4.
export const RT_MIN_CASES = 12;

function addDays(ymd, n) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
const fix = (v, n = 2) => (v == null ? '—' : Number(v).toFixed(n));

function epiHref(region, days) {
  const p = new URLSearchParams();
  if (region) p.set('region', region);
  if (days && days !== 60) p.set('days', String(days));
  return `#/epi${[...p.keys()].length ? `?${p}` : ''}`;
}

export async function render(ctx) {
  const { main, query, me } = ctx;
  const region = query.get('region') || '';
  const days = PERIODS.includes(Number(query.get('days'))) ? Number(query.get('days')) : 60;
  const picker = regionPicker({
    scope: me.scope, idPrefix: 'epi-region', initial: region,
    onChange: (c) => { location.hash = epiHref(c === me.scope.code ? '' : c, days); },
  });
  const period = h('select', { id: 'epi-days', name: 'days' },
    PERIODS.map((d) => h('option', { value: d, selected: d === days ? true : null }, t('epi.lastDays', { n: d }))));
  period.addEventListener('change', () => { location.hash = epiHref(region, Number(period.value)); });
  const head = h('div.page-head',
    h('h1', { tabindex: '-1' }, t('epi.title')),
    h('p.muted', t('epi.intro')));
  const tools = h('div.filters.epi-filters', picker.el,
    h('div.field', h('label', { for: period.id }, t('epi.period')), period));
  const body = h('div.epi-body', loading());
  fill(main, head, h('section.card.epi-tools', tools), body);

  let daily;
  let rt;
  try {
    daily = await API.stats.daily(region, null, null);
    const today = daily.days.length ? daily.days.at(-1).date : null;
    const from = today ? addDays(today, -(days - 1)) : null;
    [daily, rt] = await Promise.all([API.stats.daily(region, from, today), API.stats.rt(region, today, Math.max(days, 9))]);
  } catch (err) {
    if (!ctx.isCurrent()) return;
    fill(body, notice('error', errorText(err),
      h('button.btn.btn-secondary', { type: 'button', onclick: () => render(ctx) }, t('common.retry'))));
    return;
  }
  if (!ctx.isCurrent()) return;

  const last = daily.days.at(-1) || { new: {}, cumulative: {}, current: {} };
  const cur = last.current || {};
  const newToday = { confirmed: (last.new.confirmed || 0) + (last.new.clinical || 0), suspected: last.new.suspected || 0, asymptomatic: last.new.asymptomatic || 0 };
  const nowKpis = h('div.stats.kpis.epi-now', { 'data-testid': 'epi-now' }, NOW.map((k) => h(`div.stat.kpi-cat-${k}`, { dataset: { now: k } },
    h('span.stat-label', t(`epi.now.${k}`)),
    h('span.stat-value', fmtNumber(cur[k] || 0)),
    k in newToday ? h('span.stat-sub', t('epi.now.newToday', { n: fmtNumber(newToday[k]) })) : null)));
  const kpis = h('div.stats.kpis.epi-kpis', { 'data-testid': 'epi-kpis' }, KPIS.map((k) => h(`div.stat.kpi-cat-${k}`, { dataset: { kpi: k } },
    h('span.stat-label', label('epi.cum', k)),
    h('span.stat-value', fmtNumber(last.cumulative[k] || 0)),
    h('span.stat-sub', t('epi.newToday', { n: fmtNumber(last.new[k] || 0) })))));
  const latest = [...rt.items].reverse().find((x) => x.mean != null);
  const rtFacts = h('dl.facts.rt-facts', { 'data-testid': 'rt-facts' },
    h('div', h('dt', t('epi.rtLatest')), h('dd', { dataset: { k: 'rt' } }, latest
      ? [h(`strong.rt-value${latest.mean >= 1 ? '.is-up' : '.is-down'}`, fix(latest.mean)), ' ',
        h('span.muted', t('epi.cri', { lo: fix(latest.q025), hi: fix(latest.q975) })),
        latest.cases < RT_MIN_CASES ? h('span.chip.chip-not_home.rt-few', t('epi.rtFew', { n: RT_MIN_CASES })) : null]
      : t('epi.rtNone'))),
    latest ? h('div', h('dt', t('epi.window')), h('dd', `${latest.from} – ${latest.to}`)) : null,
    h('div', h('dt', t('epi.doubling')), h('dd', { dataset: { k: 'doubling' } },
      rt.doubling_time != null ? t('epi.days', { n: fix(rt.doubling_time, 1) }) : t('epi.notGrowing'))),
    h('div', h('dt', t('epi.si')), h('dd', t('epi.siValue', { mean: rt.config.si_mean, sd: rt.config.si_sd, w: rt.config.window }))));

  const curveEl = h('div.chart.curve-chart', { 'data-testid': 'epi-curve', role: 'img', 'aria-label': t('epi.curveLabel') });
  const rtEl = h('div.chart.rt-chart', { 'data-testid': 'rt-chart', role: 'img', 'aria-label': t('epi.rtLabel') });
  const chartMsg = h('div.chart-msg');
  const totalOnset = daily.onset.reduce((s, x) => s + x.cases, 0);
  fill(body,
    nowKpis,
    kpis,
    chartMsg,
    h('section.card.chart-card',
      h('div.section-head', h('h2', t('epi.curve')), h('span.muted', t('epi.curveTotal', { n: fmtNumber(totalOnset) }))),
      h('p.hint', t('epi.curveHint')), curveEl),
    h('section.card.chart-card',
      h('h2', t('epi.rt')), h('p.hint', t('epi.rtHint'), ' ', t('epi.rtFewHint', { n: RT_MIN_CASES })), rtFacts, rtEl));

  let echarts;
  try {
    echarts = await loadECharts();
  } catch {
    fill(chartMsg, notice('error', t('charts.failed')));
    return;
  }
  if (!ctx.isCurrent()) return;
  drawCurve(echarts, curveEl, daily);
  drawRt(echarts, rtEl, rt);
}

const AXIS = { axisLabel: { color: '#5a6676' }, axisLine: { lineStyle: { color: '#c3ccd6' } } };
const SPLIT = { splitLine: { lineStyle: { color: '#eef1f5' } } };

function drawCurve(echarts, el, daily) {
  const dates = daily.days.map((d) => d.date);
  const onset = Object.fromEntries(daily.onset.map((x) => [x.date, x.cases]));
  el.dataset.days = String(dates.length);
  drawChart(echarts, el, {
    grid: { left: 40, right: 16, top: 40, bottom: 56, containLabel: false },
    legend: { top: 0, type: 'scroll' },
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    xAxis: { type: 'category', data: dates, ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (v) => v.slice(5) } },
    yAxis: { type: 'value', minInterval: 1, ...AXIS, ...SPLIT },
    dataZoom: [{ type: 'inside' }],
    series: [
      { name: t('epi.s.onset'), type: 'bar', data: dates.map((d) => onset[d] || 0), itemStyle: { color: CAT_COLOURS.confirmed }, barMaxWidth: 24 },
      { name: t('epi.s.newConfirmed'), type: 'line', data: daily.days.map((d) => d.new.confirmed + (d.new.clinical || 0)), symbolSize: 4, itemStyle: { color: '#1a5fb4' } },
      { name: t('epi.s.newSuspected'), type: 'line', data: daily.days.map((d) => d.new.suspected), symbolSize: 4, itemStyle: { color: CAT_COLOURS.suspected }, lineStyle: { type: 'dashed' } },
    ],
  });
}

function drawRt(echarts, el, rt) {
  const items = rt.items;
  const dates = items.map((x) => x.to);
  el.dataset.windows = String(items.filter((x) => x.mean != null).length);
  // windows with enough cases are drawn in full and set the axis; the others faded
  const sure = (x) => x.mean != null && x.cases >= RT_MIN_CASES;
  const few = (x) => x.mean != null && !sure(x);
  el.dataset.faded = String(items.filter(few).length);
  const lo = items.map((x) => (sure(x) ? x.q025 : '-'));
  const band = items.map((x) => (sure(x) ? x.q975 - x.q025 : '-'));
  const held = items.filter(sure);
  const top = held.length ? Math.max(2, Math.ceil(Math.max(...held.map((x) => x.q975)))) : 4;
  el.dataset.ymax = String(top);
  // the faded line also touches its sure neighbours, so the two join up
  const fewData = items.map((x, i) => (few(x) || (sure(x) && (few(items[i - 1] || {}) || few(items[i + 1] || {}))) ? x.mean : '-'));
  drawChart(echarts, el, {
    grid: { left: 40, right: 48, top: 40, bottom: 56 },
    legend: { top: 0, data: [t('epi.s.rt'), t('epi.s.cri'), t('epi.s.rtFew', { n: RT_MIN_CASES })] },
    tooltip: {
      ...TOOLTIP, trigger: 'axis',
      formatter: (ps) => {
        const x = items[ps[0].dataIndex];
        return x.mean == null ? `${x.from} – ${x.to}\n${t('epi.rtNone')}`
          : `${x.from} – ${x.to}\nRt ${fix(x.mean)} (${fix(x.q025)} – ${fix(x.q975)})\n${t('epi.s.cases', { n: x.cases })}`;
      },
    },
    xAxis: { type: 'category', data: dates, boundaryGap: false, ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (v) => v.slice(5) } },
    yAxis: { type: 'value', min: 0, max: top, ...AXIS, ...SPLIT },
    dataZoom: [{ type: 'inside' }],
    series: [
      { name: 'lo', type: 'line', data: lo, stack: 'cri', symbol: 'none', lineStyle: { opacity: 0 }, silent: true },
      {
        name: t('epi.s.cri'), type: 'line', data: band, stack: 'cri', symbol: 'none', lineStyle: { opacity: 0 },
        areaStyle: { color: 'rgba(26, 95, 180, .18)' }, itemStyle: { color: 'rgba(26, 95, 180, .35)' }, silent: true,
      },
      {
        name: t('epi.s.rt'), type: 'line', data: items.map((x) => (sure(x) ? x.mean : '-')), symbolSize: 4,
        itemStyle: { color: '#134a8e' }, lineStyle: { width: 2 },
        markLine: { silent: true, symbol: 'none', data: [{ yAxis: 1 }], lineStyle: { color: '#c62f2f', type: 'dashed' }, label: { formatter: 'Rt = 1' } },
      },
      {
        name: t('epi.s.rtFew', { n: RT_MIN_CASES }), type: 'line', data: fewData, symbolSize: 3, clip: true,
        itemStyle: { color: '#9aa5b1', opacity: 0.6 }, lineStyle: { width: 1.5, type: 'dotted', opacity: 0.6 },
      },
    ],
  });
}
