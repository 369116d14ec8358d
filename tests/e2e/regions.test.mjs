// The region browser: drill-down through children with counts, the
// breadcrumb (ancestors outside the user's area are text, not links), search
// by name, grid creation for users who may, and the friendly message for a
// region that is missing or outside the user's area.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, waitHeading, hash } from './lib/browser.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// The breadcrumb as [{text, link}] (link: the href, or null for plain text).
function crumbs(page) {
  return page.locator('nav.breadcrumb li').evaluateAll((lis) => lis.map((li) => {
    const a = li.querySelector('a');
    return { text: li.textContent.trim(), link: a ? a.getAttribute('href') : null };
  }));
}

async function childCount(code, username = 'admin') {
  const r = await srv.api('GET', `/api/v1/regions/${code}/children?limit=1000`, { token: await srv.login(username) });
  return r.body.items.length;
}

const children = (page) => page.locator('[data-testid=children] li');

test('drill down from the district to a grid, and back up by the breadcrumb', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'admin');
  await page.locator('a.nav-link[data-nav=regions]').click();
  assert.equal(await waitHeading(page, '武昌区'), '武昌区');
  await children(page).first().waitFor();
  assert.equal(await children(page).count(), await childCount('420106'));
  assert.deepEqual(await crumbs(page), [
    { text: '湖北省', link: null }, { text: '武汉市', link: null }, { text: '武昌区', link: null }]);
  assert.equal(await page.locator('nav.breadcrumb [aria-current=page]').innerText(), '武昌区');
  // each child shows its count
  assert.match(await page.locator('a.region-item[data-code="420106001"]').innerText(), /积玉桥街道[\s\S]*街道[\s\S]*420106001[\s\S]*\d+ 个社区/);

  await page.locator('a.region-item[data-code="420106001"]').click();
  assert.equal(await waitHeading(page, '积玉桥街道'), '积玉桥街道');
  assert.equal(hash(page), '#/regions/420106001');
  await children(page).first().waitFor();
  assert.equal(await children(page).count(), await childCount('420106001'));
  assert.deepEqual(await crumbs(page), [
    { text: '湖北省', link: null }, { text: '武汉市', link: null },
    { text: '武昌区', link: '#/regions/420106' }, { text: '积玉桥街道', link: null }]);

  await page.locator('a.region-item[data-code="420106001001"]').click();
  assert.equal(await waitHeading(page, '尚隆苑社区居委会'), '尚隆苑社区居委会');
  await children(page).first().waitFor();
  const grids = await childCount('420106001001');
  assert.equal(await children(page).count(), grids);
  assert.equal((await page.locator('.facts').innerText()).includes(`${grids} 个网格`), true);
  await shot(page, 'desktop-admin-community');

  await page.locator('a.region-item[data-code="420106001001001"]').click();
  assert.equal(await waitHeading(page, '第一网格'), '第一网格');
  assert.equal(await page.locator('text=网格是最小管理单元，没有下级区划。').count(), 1);
  assert.equal((await crumbs(page)).length, 6);

  // up one level, then the breadcrumb back to the district
  await page.getByRole('link', { name: /上一级/ }).click();
  assert.equal(await waitHeading(page, '尚隆苑社区居委会'), '尚隆苑社区居委会');
  await page.locator('nav.breadcrumb').getByRole('link', { name: '武昌区' }).click();
  assert.equal(await waitHeading(page, '武昌区'), '武昌区');
  assert.equal(hash(page), '#/regions/420106');
  // the browser's back button walks the same way
  await page.goBack();
  assert.equal(await waitHeading(page, '尚隆苑社区居委会'), '尚隆苑社区居委会');
  checkClean(assert, page);
  await page.context().close();
});

test('search by name within the region', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'officer', { hash: '#/regions' });
  assert.equal(await waitHeading(page, '积玉桥街道'), '积玉桥街道');
  const want = await srv.api('GET', `/api/v1/regions?q=${encodeURIComponent('社区')}&within=420106001&limit=1000`,
    { token: await srv.login('officer') });
  await page.fill('#region-q', '社区');
  await page.getByRole('button', { name: '搜索' }).click();
  const results = page.locator('[data-testid=search-results] li');
  await results.first().waitFor();
  assert.equal(await results.count(), want.body.items.length);
  for (const name of await results.locator('.region-name').allInnerTexts()) assert.match(name, /社区/);
  await shot(page, 'desktop-officer-search');
  await results.first().locator('a').click();
  assert.equal(await waitHeading(page, want.body.items[0].name), want.body.items[0].name);

  await page.fill('#region-q', '没有这个名字');
  await page.getByRole('button', { name: '搜索' }).click();
  await page.locator('text=没有找到名称包含“没有这个名字”的区划。').waitFor();
  assert.equal(await page.locator('[data-testid=search-results]').isVisible(), false);
  checkClean(assert, page);
  await page.context().close();
});

test('an officer creates a grid in a community; a duplicate name is refused', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'officer', { hash: '#/regions/420106001002' });
  await waitHeading(page, '中山社区居委会');
  await children(page).first().waitFor();
  const before = await children(page).count();
  const form = page.locator('[data-testid=grid-form]');
  assert.equal(await form.isVisible(), true);

  await form.getByRole('button', { name: '创建网格' }).click();
  assert.equal((await form.getByRole('alert').innerText()).trim(), '请输入网格名称。');

  await page.fill('#grid-name', '测试新网格');
  await form.getByRole('button', { name: '创建网格' }).click();
  await form.getByRole('status').filter({ hasText: '已创建网格' }).waitFor();
  assert.match(await form.getByRole('status').innerText(), /^已创建网格“测试新网格”（420106001002\d{3}）。$/);
  await page.locator('[data-testid=children] .region-name', { hasText: '测试新网格' }).waitFor();
  assert.equal(await children(page).count(), before + 1);

  await page.fill('#grid-name', '测试新网格');
  await form.getByRole('button', { name: '创建网格' }).click();
  await form.getByRole('alert').waitFor();
  assert.equal((await form.getByRole('alert').innerText()).trim(), '该社区下已有同名网格。');
  await shot(page, 'desktop-officer-new-grid');

  // streets and grids have no grid form
  await page.goto('/#/regions/420106001');
  await waitHeading(page, '积玉桥街道');
  await children(page).first().waitFor();
  assert.equal(await page.locator('[data-testid=grid-form]').count(), 0);
  checkClean(assert, page);
  await page.context().close();
});

test('a commander (no region.write) sees no grid form', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'commander', { hash: '#/regions/420106001002' });
  await waitHeading(page, '中山社区居委会');
  await children(page).first().waitFor();
  assert.equal(await page.locator('[data-testid=grid-form]').count(), 0);
  await page.context().close();
});

test('out of scope or missing: a clear message, not a blank page', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'gridworker', { hash: '#/regions/420106' });
  assert.equal(await waitHeading(page, '未找到该区划'), '未找到该区划');
  assert.equal((await page.getByRole('alert').innerText()).trim(), '该区划不存在，或不在您的管辖范围内。');
  await shot(page, 'desktop-gridworker-out-of-scope');
  await page.getByRole('link', { name: '返回我的辖区' }).click();
  assert.equal(await waitHeading(page, '第一网格'), '第一网格');
  assert.equal(hash(page), '#/regions/420106001001001');
  // all the gridworker's ancestors are outside their area: text, no links
  assert.equal(await page.locator('nav.breadcrumb a').count(), 0);
  assert.equal(await page.locator('nav.breadcrumb li').count(), 6);

  for (const h of ['#/regions/420106001002', '#/regions/999999', '#/regions/root']) {
    await page.goto(`/${h}`);
    assert.equal(await waitHeading(page, '未找到该区划'), '未找到该区划', h);
  }
  checkClean(assert, page);
  await page.context().close();
});
