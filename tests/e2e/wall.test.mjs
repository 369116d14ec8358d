// The wall screen (#/wall) at 1920 × 1080 and 3840 × 2160: no navigation,
// key numbers of at least 48 px and labels of at least 20 px, every panel
// the commander may read, a refresh that changes figures in place (the
// same elements, no blank in between) and costs a 304 when nothing
// changed, the time of the figures, drilling into pages and child regions;
// the auditor's wall (statistics only); the bulletins' archive and a
// bulletin's page with its documents (also at 375 px).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, hash, PHONE, WALL } from './lib/browser.mjs';

const GRID = '420106001001001';
let srv, browser;

before(async () => {
  srv = await startServer({ people: 3000, days: 2 });
  browser = await launch();
});
after(async () => { await browser?.close(); await srv?.stop(); });

const px = (page, sel) => page.locator(sel).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));

test('wall screen at 1920 × 1080: no navigation, large type, every panel, drilling down', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'commander');
  await page.goto('/#/wall');
  await page.locator('.wall-kpi').first().waitFor();
  assert.equal(await page.locator('header.topbar').isVisible(), false, 'no top bar');
  assert.equal(await page.locator('nav.sidenav').isVisible(), false, 'no navigation');
  assert.match(await page.locator('h1.wall-title').innerText(), /武昌区/);
  for (const p of ['coverage', 'reports', 'alerts', 'cases', 'states', 'rt']) {
    assert.equal(await page.locator(`[data-panel=${p}]`).count(), 1, p);
  }
  assert.ok(await px(page, '.wall-kpi-value') >= 48, 'key numbers ≥ 48 px');
  assert.ok(await px(page, '.wall-kpi-label') >= 20, 'labels ≥ 20 px');
  assert.ok(await px(page, '.wall-row') >= 20, 'rows ≥ 20 px');
  await page.locator('[data-testid=wall-curve] canvas').waitFor();
  await page.locator('[data-testid=wall-rt] canvas').waitFor();
  assert.match(await page.locator('[data-testid=wall-fresh]').innerText(), /数据更新于 \d\d:\d\d:\d\d/);
  // the figures as the server gives them
  const w = (await srv.api('GET', '/api/v1/wall', { token: await srv.login('commander') })).body;
  const kpi = async (k) => (await page.locator(`[data-kpi=${k}] .wall-kpi-value`).innerText()).trim();
  assert.equal(await kpi('cur_confirmed'), w.panels.cases.total.cur_confirmed.toLocaleString('zh-CN'));
  assert.equal(await kpi('alerts'), w.panels.alerts.total.open.toLocaleString('zh-CN'));
  assert.equal(await kpi('missing_reports'), w.panels.reports.total.missing.toLocaleString('zh-CN'));
  assert.ok(w.panels.cases.total.cum_confirmed > 0, 'the demo outbreak shows');
  assert.equal(await overflowX(page), 0);
  const fits = await page.evaluate(() => document.documentElement.scrollHeight);
  await shot(page, 'wall-1920', { fullPage: false });
  assert.ok(fits <= 1080 * 1.6, `the wall mostly fits the screen (${fits} px)`);
  // each panel drills into its page; each child into its own wall
  await page.locator('[data-panel=coverage] h2 a').click();
  await page.waitForFunction(() => location.hash.startsWith('#/command/'));
  await page.locator('nav.sidenav').waitFor({ state: 'visible' }); // the chrome is back
  await page.goBack();
  await page.locator('[data-panel=coverage] .wall-row-name').first().waitFor();
  const child = await page.locator('[data-panel=coverage] .wall-row-name').first().getAttribute('href');
  await page.locator('[data-panel=coverage] .wall-row-name').first().click();
  await page.waitForFunction((h) => location.hash === h, child);
  await page.locator('.wall-uplink').waitFor();
  assert.match(hash(page), /^#\/wall\/420106\d{3}$/);
  checkClean(assert, page);
  await page.context().close();
});

test('wall screen refreshes in place: 304 while nothing changes, new figures without a blank', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'commander');
  const statuses = [];
  page.on('response', (r) => { if (r.url().includes('/api/v1/wall')) statuses.push(r.status()); });
  await page.goto('/#/wall/420106001?every=5');
  await page.locator('[data-kpi=cur_suspected]').waitFor();
  const before = (await page.locator('[data-kpi=cur_suspected] .wall-kpi-value').innerText()).trim();
  // mark the panels: a refresh that rebuilt them would lose the mark
  await page.evaluate(() => { for (const el of document.querySelectorAll('[data-panel]')) el.dataset.mark = '1'; });
  await page.waitForFunction((n) => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/wall')).length >= n, 2, { timeout: 15000 });
  assert.ok(statuses.includes(304), `a refresh with nothing new is a 304 (${statuses})`);
  // a new suspected case in the street
  const officer = await srv.login('officer');
  const doctor = await srv.login('doctor');
  const hh = await srv.api('POST', '/api/v1/households', { token: officer, body: { grid: GRID, building: '大屏楼', room: '101' } });
  const p = await srv.api('POST', '/api/v1/persons', { token: officer, body: { household_id: hh.body.id, name: '大屏测试' } });
  const c = await srv.api('POST', '/api/v1/cases', { token: doctor, body: { person_id: p.body.id, category: 'suspected', diagnosis_time: Math.floor(Date.now() / 1000) - 60, reporting_unit: '武昌医院', place: 'designated_hospital' } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const want = (Number(before.replace(/,/g, '')) + 1).toLocaleString('zh-CN');
  await page.waitForFunction((v) => document.querySelector('[data-kpi=cur_suspected] .wall-kpi-value')?.textContent === v, want, { timeout: 20000 });
  assert.equal(await page.locator('[data-panel][data-mark="1"]').count(), await page.locator('[data-panel]').count(), 'the same panels, updated in place');
  assert.ok(statuses.includes(200));
  checkClean(assert, page);
  await page.context().close();
});

test('wall screen at 3840 × 2160 scales its type', async () => {
  const page = await openPage(browser, srv, { viewport: { width: 3840, height: 2160 } });
  await signIn(page, srv, 'commander');
  await page.goto('/#/wall');
  await page.locator('[data-testid=wall-curve] canvas').waitFor();
  await page.locator('[data-testid=wall-rt] canvas').waitFor();
  assert.ok(await px(page, '.wall-kpi-value') >= 96, 'key numbers grow with the screen');
  assert.ok(await px(page, '.wall-kpi-label') >= 40);
  await shot(page, 'wall-3840', { fullPage: false });
  checkClean(assert, page);
  await page.context().close();
});

test('the auditor\'s wall shows the statistics only', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'auditor');
  await page.goto('/#/wall');
  await page.locator('[data-panel=rt]').waitFor();
  for (const p of ['coverage', 'reports', 'alerts']) assert.equal(await page.locator(`[data-panel=${p}]`).count(), 0, p);
  assert.equal(await page.locator('[data-kpi=coverage]').count(), 0);
  checkClean(assert, page);
  await page.context().close();
});

test('bulletins: the archive, an approved one with its documents, a draft to approve; at 375 px too', async () => {
  for (const [viewport, name] of [[WALL, 'wall'], [PHONE, 'phone']]) {
    const page = await openPage(browser, srv, { viewport, isMobile: viewport === PHONE });
    await signIn(page, srv, 'commander');
    await page.goto('/#/bulletins');
    await page.locator('[data-testid=bulletins] li').first().waitFor();
    assert.equal(await page.locator('[data-testid=bulletins] li[data-state=approved]').count(), 3, 'the demo\'s three');
    // the exports of the area, as links the browser downloads
    assert.equal(await page.locator('[data-testid=exports] a').count(), 10);
    await shot(page, `${name}-bulletins`);
    await page.locator('[data-testid=bulletins] li a').first().click();
    await page.locator('[data-testid=bulletin-actions] a[href$="format=pdf"]').waitFor();
    assert.equal(await page.locator('[data-testid=bulletin-actions] a').count(), 3);
    assert.equal(await page.locator('[data-testid=bulletin-totals] [data-figure]').count(), 12);
    assert.equal(await overflowX(page), 0);
    await shot(page, `${name}-bulletin`, { fullPage: false });
    checkClean(assert, page);
    await page.context().close();
  }
  // drafting a community's bulletin for yesterday, then approving it
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'commander');
  await page.goto('/#/bulletins');
  await page.locator('#bulletin-region').waitFor();
  await page.selectOption('#bulletin-region', '420106001');
  await page.locator('form button[type=submit]').click();
  // the street's bulletin of yesterday is the demo's, approved: a conflict, said so
  await page.locator('.form-msg .notice').waitFor();
  await page.selectOption('#bulletin-region', '420106002');
  const day = await page.inputValue('#bulletin-date');
  await page.fill('#bulletin-date', new Date(Date.parse(`${day}T00:00:00Z`) - 86400000).toISOString().slice(0, 10));
  await page.locator('form button[type=submit]').click();
  await page.locator('[data-testid=bulletin-approve]').waitFor();
  page.once('dialog', (d) => d.accept());
  await page.locator('[data-testid=bulletin-approve]').click();
  await page.locator('[data-testid=bulletin-actions] a[href$="format=xlsx"]').waitFor();
  // an export downloads
  await page.goto('/#/bulletins');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=exports] a[href*="exports/cases"][href$="xlsx"]').click()]);
  assert.match(dl.suggestedFilename(), /^cases-420106\.xlsx$/);
  checkClean(assert, page);
  await page.context().close();
});

test('map: tiles where no boundary exists, the imported shapes drawn by ECharts, shaded by the metric chosen; at 375 px too', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'commander');
  await page.goto('/#/map');
  await page.locator('[data-testid=map-tiles] li').first().waitFor();
  assert.equal(await page.locator('[data-testid=map-tiles] li').count(), 15, 'a tile per street');
  assert.equal(await page.locator('[data-testid=map-chart]').count(), 0);
  await shot(page, 'wall-map-tiles', { fullPage: false });
  await page.locator('.map-tabs a', { hasText: '现有确诊' }).click();
  await page.waitForFunction(() => location.hash.includes('by=cases'));
  const w = (await srv.api('GET', '/api/v1/wall', { token: await srv.login('commander') })).body;
  const top = [...w.panels.cases.children].sort((a, b) => b.cur_confirmed - a.cur_confirmed)[0];
  await page.locator(`[data-code="${top.code}"] .map-tile-value`).waitFor();
  assert.equal((await page.locator(`[data-code="${top.code}"] .map-tile-value`).innerText()).trim(), String(top.cur_confirmed));
  // two streets get boundaries
  const sq = (x, y) => [[x, y], [x + 0.02, y], [x + 0.02, y + 0.02], [x, y + 0.02], [x, y]];
  const file = path.join(srv.dir, 'streets.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { code: '420106001' }, geometry: { type: 'Polygon', coordinates: [sq(114.30, 30.55)] } },
    { type: 'Feature', properties: { code: '420106002' }, geometry: { type: 'Polygon', coordinates: [sq(114.32, 30.55)] } },
  ] }));
  const r = cli(['regions', 'shapes', 'import', file, '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  await page.goto('/#/map?by=state');
  await page.locator('[data-testid=map-chart] canvas').waitFor();
  assert.equal(await page.locator('[data-testid=map-chart]').getAttribute('data-regions'), '2');
  assert.equal(await page.locator('[data-testid=map-tiles] li').count(), 13);
  await shot(page, 'wall-map-shapes', { fullPage: false });
  await page.locator('[data-testid=map-tiles] li a').first().click();
  await page.waitForFunction(() => /^#\/map\/420106\d{3}/.test(location.hash));
  await page.locator('[data-testid=map-tiles] li').first().waitFor();
  checkClean(assert, page);
  await page.context().close();
  const phone = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(phone, srv, 'commander');
  await phone.goto('/#/map/420106001');
  await phone.locator('[data-testid=map-tiles] li').first().waitFor();
  assert.equal(await overflowX(phone), 0);
  await shot(phone, 'phone-map', { fullPage: false });
  checkClean(assert, phone);
  await phone.context().close();
});
