// The users page (keyset "load more", creating, disabling) and the audit
// log (load more, filter by action or user, empty state).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, waitHeading, hash } from './lib/browser.mjs';

const EXTRA = 15; // more users than one page (20) holds
let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launch();
  const token = await srv.login('admin');
  for (let i = 1; i <= EXTRA; i++) {
    const r = await srv.api('POST', '/api/v1/users', {
      token,
      body: { username: `zz-worker-${String(i).padStart(2, '0')}`, password: 'grid-pass-123', role: 'gridworker', region: '420106001001001' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});
after(async () => { await browser?.close(); await srv?.stop(); });

const rows = (page) => page.locator('[data-testid=users] tbody tr');

async function totalUsers() {
  const r = await srv.api('GET', '/api/v1/users?limit=1000', { token: await srv.login('admin') });
  return r.body.items.length;
}

test('users: one page, then "load more" until all are shown', async () => {
  const total = await totalUsers();
  assert.ok(total > 20);
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'admin', { hash: '#/users' });
  await rows(page).first().waitFor();
  assert.equal(await rows(page).count(), 20);
  assert.equal((await page.locator('.list-status').innerText()).trim(), '已显示 20 条');
  await page.getByRole('button', { name: '加载更多' }).click();
  await page.locator('.list-status', { hasText: '已全部显示' }).waitFor();
  assert.equal(await rows(page).count(), total);
  assert.equal((await page.locator('.list-status').innerText()).trim(), `已全部显示，共 ${total} 条`);
  assert.equal(await page.getByRole('button', { name: '加载更多' }).isVisible(), false);
  // sorted by username, no duplicates across the page boundary
  const names = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.username));
  assert.deepEqual(names, [...new Set(names)].sort());
  // your own row has no disable button
  assert.equal(await page.locator('tr[data-username=admin] button').count(), 0);
  assert.match(await page.locator('tr[data-username=admin]').innerText(), /admin[\s\S]*（本人）[\s\S]*系统管理员[\s\S]*武昌区/);
  checkClean(assert, page);
  await page.context().close();
});

test('users: an admin creates a user, sees clear errors, disables and enables an account', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'admin', { hash: '#/users' });
  await rows(page).first().waitFor();
  await page.getByRole('button', { name: '新建用户' }).click();
  const form = page.locator('#user-form');
  await form.waitFor();
  await page.locator('#nu-region-4').waitFor();
  assert.equal((await page.getByTestId('nu-region-chosen').innerText()).trim(), '所属区划：武昌区', 'region defaults to my area');
  // the picker offers the regions of my area only, by name
  const streets = await page.locator('#nu-region-4 option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(streets.length > 1 && streets.every((c) => c.startsWith('420106') && c.length === 9), streets.join());
  assert.ok((await page.locator('#nu-region-4 option').allInnerTexts()).includes('积玉桥街道'));

  await page.fill('#nu-username', 'newbie');
  await page.fill('#nu-display', '新网格员');
  await page.fill('#nu-password', 'short');
  await page.selectOption('#nu-role', 'gridworker');
  await page.selectOption('#nu-region-4', '420106001');
  await page.selectOption('#nu-region-5', '420106001002');
  await page.selectOption('#nu-region-6', '420106001002001');
  assert.equal((await page.getByTestId('nu-region-chosen').innerText()).trim(), '所属区划：武昌区 · 积玉桥街道 · 中山社区居委会 · 第一网格');
  await form.getByRole('button', { name: '创建用户' }).click();
  await form.getByRole('alert').waitFor();
  assert.equal((await form.getByRole('alert').innerText()).trim(), '密码：8 至 128 个字符。');
  assert.equal(await page.getAttribute('#nu-password', 'aria-invalid'), 'true');

  await page.fill('#nu-password', 'a-long-enough-pass');
  await form.getByRole('button', { name: '创建用户' }).click();
  await page.getByRole('status').filter({ hasText: '已创建用户 newbie。' }).waitFor();
  assert.equal(await form.isVisible(), false, 'the form closes');
  const row = page.locator('tr[data-username=newbie]');
  await row.waitFor();
  assert.match(await row.innerText(), /newbie[\s\S]*新网格员[\s\S]*网格员[\s\S]*第一网格[\s\S]*正常/);
  assert.doesNotMatch(await row.innerText(), /420106001002001/, 'the region by its name, not its code');
  const made = (await srv.api('GET', '/api/v1/users?limit=1000', { token: await srv.login('admin') })).body.items.find((u) => u.username === 'newbie');
  assert.equal(made.region, '420106001002001');
  await shot(page, 'desktop-admin-user-created');

  await page.getByRole('button', { name: '新建用户' }).click();
  await page.fill('#nu-username', 'newbie');
  await page.fill('#nu-password', 'a-long-enough-pass');
  await form.getByRole('button', { name: '创建用户' }).click();
  await form.getByRole('alert').waitFor();
  assert.equal((await form.getByRole('alert').innerText()).trim(), '该用户名已被使用。');

  // disable (confirmed), then enable again
  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: '停用' }).click();
  await page.locator('tr[data-username=newbie] .status-off').waitFor();
  assert.match(await page.locator('tr[data-username=newbie]').innerText(), /已停用/);
  await page.locator('tr[data-username=newbie]').getByRole('button', { name: '启用' }).click();
  await page.locator('tr[data-username=newbie] .status-on').waitFor();
  const check = await srv.api('GET', '/api/v1/users?limit=1000', { token: await srv.login('admin') });
  assert.equal(check.body.items.find((u) => u.username === 'newbie').disabled, false);
  checkClean(assert, page);
  await page.context().close();
});

test('users: an officer reads the list of their street but cannot change it', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'officer', { hash: '#/users' });
  await rows(page).first().waitFor();
  assert.equal(await page.getByRole('button', { name: '新建用户' }).count(), 0);
  assert.equal(await page.locator('[data-testid=users] button').count(), 0);
  assert.equal(await page.locator('[data-testid=users] th', { hasText: '操作' }).count(), 0);
  const names = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.username));
  assert.ok(!names.includes('admin') && !names.includes('officer2'), 'only users in scope');
  assert.ok(names.includes('officer') && names.includes('gridworker'));
  checkClean(assert, page);
  await page.context().close();
});

test('audit: newest first, load more, filter by action and by user, empty result', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'auditor', { hash: '#/audit' });
  const entries = page.locator('[data-testid=audit] tbody tr');
  await entries.first().waitFor();
  assert.equal(await entries.count(), 50);
  // the newest entry is this sign-in
  assert.match(await entries.first().innerText(), /auditor[\s\S]*登录/);
  const ids = () => entries.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.id)));
  await page.getByRole('button', { name: '加载更多' }).click();
  await page.locator('.list-status', { hasText: '已显示 100 条' }).waitFor();
  const got = await ids();
  assert.equal(got.length, 100);
  assert.deepEqual(got, [...got].sort((a, b) => b - a), 'newest first, no repeats');
  assert.equal(new Set(got).size, 100);
  await shot(page, 'desktop-auditor-audit', { fullPage: false });

  await page.selectOption('#audit-action', 'login');
  await page.waitForURL(/#\/audit\?action=login$/);
  await page.locator('[data-testid=audit] tbody tr').first().waitFor();
  const actions = await entries.evaluateAll((trs) => trs.map((tr) => tr.dataset.action));
  assert.ok(actions.length >= 1);
  assert.deepEqual([...new Set(actions)], ['login']);
  assert.equal(await page.inputValue('#audit-action'), 'login', 'the filter shows what is applied');

  await page.fill('#audit-user', 'nobody-here');
  await page.getByRole('button', { name: '筛选' }).click();
  await page.waitForURL(/#\/audit\?action=login&username=nobody-here$/);
  await page.locator('text=没有符合条件的日志记录。').waitFor();
  assert.equal(await page.locator('[data-testid=audit]').isVisible(), false);
  await shot(page, 'desktop-auditor-audit-empty');

  await page.getByRole('link', { name: '清除' }).click();
  await page.waitForURL(/#\/audit$/);
  await entries.first().waitFor();
  assert.equal(await entries.count(), 50);
  assert.equal(hash(page), '#/audit');
  checkClean(assert, page);
  await page.context().close();
});

test('audit: a filtered address opens filtered; users created here are recorded', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'admin', { hash: '#/audit?username=admin&action=user.create' });
  await waitHeading(page, '审计日志');
  const entries = page.locator('[data-testid=audit] tbody tr');
  await entries.first().waitFor();
  // the users created through the UI and the API in this file, by admin
  const texts = await entries.allInnerTexts();
  assert.ok(texts.some((t) => t.includes('用户 newbie')), 'newbie creation recorded');
  // details as labelled fields, not JSON
  assert.ok(texts.some((t) => /角色\s*网格员/.test(t)), texts[0]);
  for (const t of texts) assert.doesNotMatch(t, /[{}"]/);
  assert.ok(texts.every((t) => t.includes('新建用户')));
  checkClean(assert, page);
  await page.context().close();
});
