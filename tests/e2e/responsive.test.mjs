// Phone (375x812: grid workers) and wall screen (1920x1080: command
// centres).  On a phone the navigation is a drawer behind a menu button,
// nothing scrolls sideways and controls are finger-sized; on the wall the
// type is larger and lists use the width.  Screenshots of each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import {
  launch, openPage, gotoLogin, signIn, shot, checkClean, waitHeading, hash, overflowX, navLabels, PHONE, WALL,
} from './lib/browser.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// Heights (CSS px) of the visible elements matching selector that are
// smaller than min: touch targets that are too small.
function smallTargets(page, selector, min = 44) {
  return page.locator(selector).evaluateAll((els, m) => els
    .filter((e) => e.offsetParent !== null)
    .map((e) => ({ what: `${e.tagName} ${e.className} ${e.textContent.trim().slice(0, 20)}`, h: e.getBoundingClientRect().height }))
    .filter((x) => x.h < m), min);
}

async function noOverflow(page, where) {
  assert.equal(await overflowX(page), 0, `${where}: nothing sticks out sideways`);
}

test('phone: login, drawer navigation, region pages, out of scope, sign out', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await gotoLogin(page);
  await noOverflow(page, 'login');
  assert.deepEqual(await smallTargets(page, '.login-page button, .login-page input'), []);
  await shot(page, 'phone-login');

  await signIn(page, srv, 'gridworker');
  await page.locator('main h1', { hasText: '第一网格' }).waitFor(); // the worklist first
  await noOverflow(page, 'worklist');
  await page.locator('.brand').click();
  await page.locator('main h1', { hasText: '您好' }).waitFor();
  await noOverflow(page, 'home');
  const toggle = page.getByRole('button', { name: '菜单' });
  assert.equal(await toggle.isVisible(), true, 'menu button on phones');
  assert.equal(await page.locator('a.nav-link[data-nav=regions]').isVisible(), false, 'nav hidden until opened');
  assert.equal(await page.locator('[data-testid=who]').isVisible(), false);
  await shot(page, 'phone-gridworker-home');

  await toggle.click();
  await page.locator('a.nav-link[data-nav=regions]').waitFor({ state: 'visible' });
  assert.equal(await page.getAttribute('.menu-toggle', 'aria-expanded'), 'true');
  assert.deepEqual(await navLabels(page), ['概览', '入户排查', '指挥调度', '居民', '区划']);
  assert.deepEqual(await smallTargets(page, 'a.nav-link, .topbar button'), []);
  assert.match(await page.locator('.nav-account').innerText(), /gridworker[\s\S]*网格员[\s\S]*第一网格/);
  await shot(page, 'phone-gridworker-menu', { fullPage: false });

  await page.locator('a.nav-link[data-nav=regions]').click();
  assert.equal(await waitHeading(page, '第一网格'), '第一网格');
  assert.equal(hash(page), '#/regions');
  await page.locator('a.nav-link[data-nav=regions]').waitFor({ state: 'hidden' });
  assert.equal(await page.getAttribute('.menu-toggle', 'aria-expanded'), 'false', 'drawer closes after choosing');
  await noOverflow(page, 'grid page');
  await shot(page, 'phone-gridworker-grid');

  await page.goto('/#/regions/420106');
  assert.equal(await waitHeading(page, '未找到该区划'), '未找到该区划');
  assert.equal((await page.getByRole('alert').innerText()).trim(), '该区划不存在，或不在您的管辖范围内。');
  await noOverflow(page, 'not found');
  await shot(page, 'phone-gridworker-out-of-scope');

  await page.getByRole('button', { name: '退出登录' }).click();
  await page.locator('#login-username').waitFor();
  assert.equal(await page.locator('nav.sidenav').count(), 0);
  checkClean(assert, page);
  await page.context().close();
});

test('phone: an admin browses regions, users and the audit log without sideways scrolling', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'admin');
  await page.locator('.region-list li').first().waitFor();
  await noOverflow(page, 'home');
  await shot(page, 'phone-admin-home');

  await page.goto('/#/regions/420106001001');
  await waitHeading(page, '尚隆苑社区居委会');
  await page.locator('[data-testid=children] li').first().waitFor();
  await noOverflow(page, 'community');
  assert.deepEqual(await smallTargets(page, 'a.region-item, main button, main input, .breadcrumb a', 24), []);
  assert.deepEqual(await smallTargets(page, 'a.region-item, main .btn, main input'), []);
  // one column of children
  const xs = await page.locator('a.region-item').evaluateAll((els) => new Set(els.map((e) => e.getBoundingClientRect().left)).size);
  assert.equal(xs, 1);
  await shot(page, 'phone-admin-community');

  await page.goto('/#/users');
  await page.locator('[data-testid=users] tbody tr').first().waitFor();
  await noOverflow(page, 'users');
  assert.equal(await page.locator('[data-testid=users] thead').isVisible(), false, 'rows become cards');
  await shot(page, 'phone-admin-users', { fullPage: false });

  await page.goto('/#/audit');
  await page.locator('[data-testid=audit] tbody tr').first().waitFor();
  await noOverflow(page, 'audit');
  await shot(page, 'phone-admin-audit', { fullPage: false });
  checkClean(assert, page);
  await page.context().close();
});

test('phone in English: longer words still fit', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await gotoLogin(page);
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.locator('#login-heading', { hasText: 'Sign in' }).waitFor();
  await noOverflow(page, 'login');
  await signIn(page, srv, 'officer');
  await page.locator('.region-list li').first().waitFor();
  assert.match(await page.locator('main h1').innerText(), /^Welcome, officer$/);
  await noOverflow(page, 'home');
  await shot(page, 'phone-officer-home-english');
  await page.goto('/#/regions/420106001001');
  await waitHeading(page, '尚隆苑社区居委会');
  await page.locator('[data-testid=children] li').first().waitFor();
  await noOverflow(page, 'community');
  await shot(page, 'phone-officer-community-english');
  await page.goto('/#/users');
  await page.locator('[data-testid=users] tbody tr').first().waitFor();
  await noOverflow(page, 'users');
  checkClean(assert, page);
  await page.context().close();
});

test('wall screen: larger type, navigation always shown, lists use the width', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await gotoLogin(page);
  await shot(page, 'wall-login');
  await signIn(page, srv, 'commander');
  await page.locator('.region-list li').first().waitFor();
  const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  assert.ok(fontSize >= 18, `base font ${fontSize}px on a wall screen`);
  assert.equal(await page.locator('.menu-toggle').isVisible(), false);
  assert.equal(await page.locator('a.nav-link[data-nav=regions]').isVisible(), true);
  assert.equal(await page.locator('[data-testid=who]').isVisible(), true);
  // the four summary cards side by side
  const statTops = await page.locator('.stat').evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().top))).size);
  assert.equal(statTops, 1);
  await noOverflow(page, 'home');
  await shot(page, 'wall-commander-home');

  await page.locator('a.nav-link[data-nav=regions]').click();
  await waitHeading(page, '武昌区');
  await page.locator('[data-testid=children] li').first().waitFor();
  const cols = await page.locator('[data-testid=children] a.region-item')
    .evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().left))).size);
  assert.ok(cols >= 3, `${cols} columns of regions on the wall`);
  await noOverflow(page, 'regions');
  await shot(page, 'wall-commander-regions');

  await page.locator('a.nav-link[data-nav=users]').click();
  await waitHeading(page, '用户');
  await page.locator('[data-testid=users] tbody tr').first().waitFor();
  assert.equal(await page.locator('[data-testid=users] thead').isVisible(), true);
  await shot(page, 'wall-commander-users');
  checkClean(assert, page);
  await page.context().close();

  const audit = await openPage(browser, srv, { viewport: WALL });
  await signIn(audit, srv, 'auditor', { hash: '#/audit' });
  await audit.locator('[data-testid=audit] tbody tr').first().waitFor();
  await noOverflow(audit, 'audit');
  await shot(audit, 'wall-auditor-audit', { fullPage: false });
  checkClean(assert, audit);
  await audit.context().close();
});
