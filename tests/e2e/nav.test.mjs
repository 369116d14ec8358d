// Role-aware navigation: each user sees exactly the features their
// permissions allow (the server's /me is the judge), pages they may not use
// say so, and unknown addresses get a page-not-found message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, navLabels, navIds, shot, checkClean, waitHeading, heading, hash, overflowX, PHONE, WALL } from './lib/browser.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// in the order of web/js/features.js
const PERM = {
  screening: 'screening.write', command: 'screening.read', cases: 'case.read', followups: 'case.write',
  clusters: 'case.read', epi: 'stats.read', persons: 'person.read',
  regions: 'region.read', users: 'user.read', audit: 'audit.read',
  // hotline
  hotline: 'ticket.write', inbox: 'ticket.handle', chase: 'ticket.chase', tickets: 'ticket.read', measures: 'ticket.read', roster: 'ticket.read',
  supplies: 'stock.read', donations: 'stock.read', funds: 'stock.read',
  serve: 'serve', mobilise: 'mobilise.read', supervise: 'mobilise.read', announce: 'mobilise.read',
  wall: 'stats.read', map: 'stats.read', bulletins: 'stats.read',
};

test('admin sees Overview, Command, Cases, Transmission, Epidemiology, Residents, Regions, Users, Audit log, Mobilisation, Supervision and Announcements', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'admin');
  assert.deepEqual(await navLabels(page), ['概览', '指挥调度', '病例', '传播链', '疫情统计', '居民', '区划', '用户', '审计日志', '工单查询', '热线三率', '家庭医生值班', '物资', '捐赠', '专项资金', '社区动员', '督导检查', '通知公告', '指挥大屏', '疫情地图', '疫情通报']);
  assert.equal(await page.getAttribute('a.nav-link[data-nav=home]', 'aria-current'), 'page');
  // the home page's quick links follow the same table
  assert.deepEqual(await page.locator('a.tile').evaluateAll((a) => a.map((e) => e.dataset.tile)),
    ['command', 'cases', 'clusters', 'epi', 'persons', 'regions', 'users', 'audit', 'tickets', 'measures', 'roster', 'supplies', 'donations', 'funds', 'mobilise', 'supervise', 'announce', 'wall', 'map', 'bulletins']);
  assert.match(await page.locator('.stats').innerText(), /武昌区[\s\S]*15 个街道[\s\S]*系统管理员/);

  await page.locator('a.nav-link[data-nav=audit]').click();
  assert.equal(await waitHeading(page, '审计日志'), '审计日志');
  assert.equal(hash(page), '#/audit');
  assert.equal(await page.getAttribute('a.nav-link[data-nav=audit]', 'aria-current'), 'page');
  assert.equal(await page.locator('a.nav-link[aria-current=page]').count(), 1);

  await page.locator('a.nav-link[data-nav=users]').click();
  assert.equal(await waitHeading(page, '用户'), '用户');
  assert.equal(hash(page), '#/users');
  await shot(page, 'desktop-admin-users');
  checkClean(assert, page);
  await page.context().close();
});

test('gridworker sees Overview, Screening, Command, Residents and Regions, and is told when a page is not theirs', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'gridworker');
  assert.deepEqual(await navLabels(page), ['概览', '入户排查', '指挥调度', '居民', '区划']);
  // signed in, the grid worker's day opens on the worklist; the overview is one tap away
  assert.match(await waitHeading(page, '第一网格'), /第一网格/);
  assert.equal(hash(page), '#/screening');
  await page.locator('a.nav-link[data-nav=home]').click();
  assert.match(await waitHeading(page, '您好'), /gridworker/);
  assert.equal(await page.locator('a.tile').count(), 4);
  assert.match(await page.locator('.stats').innerText(), /第一网格[\s\S]*网格员/);
  assert.equal(await page.locator('text=您的辖区是最小管理单元，没有下级区划。').count(), 1);
  await shot(page, 'desktop-gridworker-home');

  for (const h of ['#/users', '#/audit']) {
    await page.goto(`/${h}`);
    assert.equal(await waitHeading(page, '出错了'), '出错了');
    assert.equal((await page.getByRole('alert').innerText()).trim(), '您的角色无权访问此页面。');
    assert.equal(await page.locator('a.nav-link[data-nav=users], a.nav-link[data-nav=audit]').count(), 0);
  }
  await page.getByRole('link', { name: '返回概览' }).click();
  assert.match(await waitHeading(page, '您好'), /gridworker/);
  checkClean(assert, page);
  await page.context().close();
});

test('every role gets the navigation its permissions allow', async () => {
  for (const username of ['officer', 'auditor', 'commander', 'doctor', 'volunteer']) {
    const me = await srv.api('GET', '/api/v1/me', { token: await srv.login(username) });
    const want = ['home', ...Object.keys(PERM).filter((k) => me.body.permissions.includes(PERM[k]))];
    const page = await openPage(browser, srv);
    await signIn(page, srv, username);
    assert.deepEqual(await navIds(page), want, username);
    checkClean(assert, page);
    await page.context().close();
  }
});

test('an unknown address shows page-not-found inside the app', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'officer', { hash: '#/no/such/page' });
  assert.equal(await heading(page), '页面不存在');
  assert.equal((await page.getByRole('alert').innerText()).trim(), '您访问的页面不存在。');
  assert.equal(await page.locator('a.nav-link[aria-current=page]').count(), 0);
  checkClean(assert, page);
  await page.context().close();
});

// A long navigation (the administrator's, the officer's) is shown by domain
// under headings, each link under its own; a short one (the grid worker's)
// stays one plain list.  On a phone the grouped drawer scrolls, on a 1920 px
// screen it is denser.
test('a long navigation is grouped by domain; a short one is not', async () => {
  const groups = async (page) => page.locator('nav.sidenav').evaluate((nav) => {
    const out = [];
    for (const el of nav.children) {
      if (el.matches('h2.nav-group')) out.push([el.textContent.trim()]);
      else if (el.matches('ul') && out.length) out[out.length - 1].push(...[...el.querySelectorAll('a.nav-link')].map((a) => a.dataset.nav));
    }
    return out;
  });
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'admin');
  assert.deepEqual(await groups(page), [
    ['排查', 'command'], ['疫情', 'cases', 'clusters', 'epi'], ['居民与系统', 'persons', 'regions', 'users', 'audit'],
    ['热线', 'tickets', 'measures', 'roster'], ['物资', 'supplies', 'donations', 'funds'],
    ['动员', 'mobilise', 'supervise', 'announce'], ['指挥', 'wall', 'map', 'bulletins']]);
  // every list is named by its heading
  assert.equal(await page.locator('nav.sidenav ul[aria-labelledby]').count(), 7);
  await page.locator('.menu-toggle').click();
  await page.locator('a.nav-link[data-nav=regions]').waitFor({ state: 'visible' });
  assert.equal(await overflowX(page), 0);
  await shot(page, 'phone-admin-nav-grouped', { fullPage: false });
  checkClean(assert, page);
  await page.context().close();

  const wide = await openPage(browser, srv, { viewport: WALL });
  await signIn(wide, srv, 'admin');
  assert.equal((await groups(wide)).length, 7);
  await shot(wide, 'wall-admin-nav-grouped', { fullPage: false });
  await wide.context().close();

  const gw = await openPage(browser, srv);
  await signIn(gw, srv, 'gridworker');
  assert.equal(await gw.locator('nav.sidenav h2.nav-group').count(), 0);
  assert.equal(await gw.locator('nav.sidenav ul').count(), 1);
  await gw.context().close();
});

