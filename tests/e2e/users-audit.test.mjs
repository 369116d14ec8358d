// The users page (keyset "load more", creating, disabling) and the audit
// log (load more, filter by action or user, empty state).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, waitHeading, hash, overflowX, PHONE, WALL } from './lib/browser.mjs';

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

// Signs in through the form with a given password; waits for the shell.
async function signInWith(page, username, password) {
  await page.goto('/');
  await page.locator('#login-username').waitFor();
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.locator('.login-form button[type=submit]').click();
  await page.locator('main.main h1').first().waitFor();
}

test('reset: a one-time password shown once; the user must choose their own before anything else', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'admin', { hash: '#/users' });
  await rows(page).first().waitFor();
  const row = page.locator('tr[data-username=zz-worker-01]');
  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: '重置密码' }).click();
  const sheet = page.getByTestId('password-sheet');
  await sheet.waitFor();
  const onetime = (await sheet.locator('code.one-time').innerText()).trim();
  assert.match(onetime, /^[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}$/);
  assert.match(await sheet.innerText(), /只显示这一次/);
  await page.locator('tr[data-username=zz-worker-01] .status-wait', { hasText: '待改密码' }).waitFor();
  await shot(page, 'wall-admin-reset-password', { fullPage: false });
  // printing shows the sheet alone
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav.sidenav').isVisible(), false);
  assert.equal(await page.locator('[data-testid=users]').isVisible(), false);
  assert.equal(await sheet.isVisible(), true);
  await page.emulateMedia({ media: 'screen' });
  checkClean(assert, page);
  await page.context().close();

  // the user signs in with it on a phone: only the change-password page
  const phone = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signInWith(phone, 'zz-worker-01', onetime);
  await waitHeading(phone, '请先设置您自己的密码');
  assert.equal(await phone.locator('nav.sidenav a.nav-link').count(), 0, 'nowhere else to go');
  const blocked = await phone.evaluate(async () => {
    const r = await fetch('/api/v1/screenings/worklist?grid=420106001001001', { headers: { 'X-Requested-With': 'fangkong' } });
    return [r.status, (await r.json()).error.code];
  });
  assert.deepEqual(blocked, [403, 'password_change_required']);
  await phone.goto('/#/screening');
  await waitHeading(phone, '请先设置您自己的密码');
  const form = phone.getByTestId('password-form');
  await phone.fill('#pw-current', onetime);
  await phone.fill('#pw-new', 'my-own-grid-pass');
  await phone.fill('#pw-again', 'my-own-grid-pass-typo');
  await form.getByRole('button', { name: '修改密码' }).click();
  assert.equal((await form.getByRole('alert').innerText()).trim(), '两次输入的新密码不一致。');
  assert.equal(await overflowX(phone), 0);
  await shot(phone, 'phone-forced-password-change');
  await phone.fill('#pw-again', 'my-own-grid-pass');
  await form.getByRole('button', { name: '修改密码' }).click();
  await phone.getByTestId('my-work').waitFor();
  assert.ok(await phone.locator('nav.sidenav a.nav-link[data-nav=screening]').count() === 1, 'the app is open again');
  checkClean(assert, phone);
  await phone.context().close();
  const s = await srv.api('POST', '/api/v1/session', { body: { username: 'zz-worker-01', password: 'my-own-grid-pass' } });
  assert.equal(s.status, 200);
  assert.equal(s.body.must_change_password, false);
});

test('own password: any user changes it from the account box, in English too', async () => {
  const page = await openPage(browser, srv);
  await signInWith(page, 'zz-worker-02', 'grid-pass-123');
  await page.locator('.topbar').getByRole('button', { name: 'Switch to English' }).click();
  await page.locator('.who a.who-password', { hasText: 'Change password' }).click();
  await waitHeading(page, 'Change password');
  await page.fill('#pw-current', 'wrong-pass-123');
  await page.fill('#pw-new', 'worker-two-own');
  await page.fill('#pw-again', 'worker-two-own');
  const form = page.getByTestId('password-form');
  await form.getByRole('button', { name: 'Change password' }).click();
  assert.equal((await form.getByRole('alert').innerText()).trim(), 'The current password is wrong.');
  await page.fill('#pw-current', 'grid-pass-123');
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(/#\/$/);
  await page.getByTestId('my-work').waitFor();
  assert.equal((await srv.api('POST', '/api/v1/session', { body: { username: 'zz-worker-02', password: 'worker-two-own' } })).status, 200);
  checkClean(assert, page);
  await page.context().close();
});

test('bulk: a CSV with a bad grid and a bad role — those lines named, the rest created with printable passwords', async () => {
  for (const [viewport, name, n] of [[WALL, 'wall', 1], [PHONE, 'phone', 2]]) {
    const page = await openPage(browser, srv, { viewport, isMobile: viewport === PHONE });
    await signIn(page, srv, 'admin', { hash: '#/users' });
    await rows(page).first().waitFor();
    await page.getByRole('button', { name: '批量创建' }).click();
    const csv = ['用户名,姓名,角色,网格',
      `bulk-${n}-a,批量一,gridworker,420106001001001`,
      `bulk-${n}-b,批量二,gridworker,420106001001999`,
      `bulk-${n}-c,批量三,emperor,420106001001002`,
      `bulk-${n}-d,批量四,gridworker,420106001001002`].join('\n');
    await page.setInputFiles('#bulk-file', { name: 'accounts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('#bulk-csv').evaluate((el, want) => new Promise((ok) => {
      const tick = () => (el.value === want ? ok() : setTimeout(tick, 20));
      tick();
    }), csv);
    await page.locator('#bulk-form').getByRole('button', { name: '创建账号' }).click();
    const rejected = page.getByTestId('bulk-rejected');
    await rejected.waitFor();
    assert.match(await page.locator('.flash').innerText(), /已创建 2 个账号，2 行未创建/);
    const lines = await rejected.locator('li').evaluateAll((ls) => ls.map((l) => Number(l.dataset.line)));
    assert.deepEqual(lines, [3, 4]);
    assert.match(await rejected.locator('li[data-line="3"]').innerText(), /第 3 行[\s\S]*bulk-\d-b[\s\S]*所属区划/);
    assert.match(await rejected.locator('li[data-line="4"]').innerText(), /第 4 行[\s\S]*bulk-\d-c[\s\S]*角色/);
    const sheet = page.getByTestId('password-sheet');
    const made = await sheet.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.username));
    assert.deepEqual(made, [`bulk-${n}-a`, `bulk-${n}-d`]);
    assert.match(await sheet.locator('tbody tr').first().innerText(), /批量一[\s\S]*网格员[\s\S]*第一网格/);
    const pw = (await sheet.locator('code.one-time').first().innerText()).trim();
    const s = await srv.api('POST', '/api/v1/session', { body: { username: `bulk-${n}-a`, password: pw } });
    assert.equal(s.status, 200);
    assert.equal(s.body.must_change_password, true);
    assert.equal(await overflowX(page), 0);
    await page.locator('.flash').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector('.flash').scrollIntoView());
    await shot(page, `${name}-admin-bulk-accounts`, { fullPage: false });
    checkClean(assert, page);
    await page.context().close();
  }
});

// The roles without tools of their own yet land on a home that says what
// their work is, what exists for them now, and links to it.
test('every role has a home: its work, its links, no empty page', async () => {
  const want = {
    operator: ['热线', ['hotline', 'tickets', 'measures', 'roster']], coordinator: ['志愿者', ['mobilise', 'announce', 'supplies', 'donations', 'regions']],
    keeper: ['物资', ['supplies', 'donations']], volunteer: ['社区', ['serve', 'regions']],
    auditor: ['审计日志', ['audit', 'funds', 'epi', 'bulletins', 'tickets', 'measures']],
    commander: ['指挥', ['wall', 'map', 'bulletins', 'command', 'epi', 'cases', 'clusters', 'measures', 'chase', 'supervise', 'announce']],
  };
  for (const [role, [word, links]] of Object.entries(want)) {
    const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
    await signIn(page, srv, role);
    const work = page.getByTestId('my-work');
    await work.waitFor();
    assert.equal(await work.getAttribute('data-role'), role);
    const text = await work.innerText();
    assert.match(text, new RegExp(word), role);
    assert.deepEqual(await work.locator('a.work-link').evaluateAll((as) => as.map((a) => a.dataset.work)), links, role);
    assert.doesNotMatch(text, /尚未上线/, role); // every role's own tools exist
    assert.doesNotMatch(text, /home\.work\./, role); // every link has its words
    if (role === 'auditor') {
      await work.getByTestId('audit-head').locator('dl').waitFor();
      assert.match(await work.getByTestId('audit-head').innerText(), /日志条数\s*[\d,]+[\s\S]*最新哈希/);
    }
    assert.equal(await overflowX(page), 0);
    await shot(page, `phone-home-${role}`);
    // each link opens a page of the role's own
    await work.locator('a.work-link').first().click();
    await page.locator('main.main h1').first().waitFor();
    assert.equal(await page.locator('.page-error').count(), 0, role);
    checkClean(assert, page);
    await page.context().close();
  }
  const wall = await openPage(browser, srv, { viewport: WALL });
  await signIn(wall, srv, 'auditor');
  await wall.locator('.topbar').getByRole('button', { name: 'Switch to English' }).click();
  await wall.getByTestId('my-work').filter({ hasText: 'My work: Auditor' }).waitFor();
  await wall.getByTestId('audit-head').locator('dl').waitFor();
  await shot(wall, 'wall-home-auditor-en', { fullPage: false });
  checkClean(assert, wall);
  await wall.context().close();
});

test('audit: every action the server records has a label in both languages', async () => {
  // the filter's list, as web/js/views/audit.js declares it
  const src = readFileSync(new URL('../../web/js/views/audit.js', import.meta.url), 'utf8');
  const ACTIONS = [.../export const ACTIONS = \[([^\]]*)\]/.exec(src)[1].matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]);
  const zh = JSON.parse(readFileSync(new URL('../../web/i18n/zh.json', import.meta.url)));
  const en = JSON.parse(readFileSync(new URL('../../web/i18n/en.json', import.meta.url)));
  const routes = JSON.parse(execFileSync(process.env.FK_BIN, ['routes', '--json']).toString());
  const recorded = new Set((Array.isArray(routes) ? routes : routes.routes).flatMap((r) => (r.audit ? [].concat(r.audit).join(',').split(',') : [])));
  recorded.add('region.import'); // written by `fangkong regions import`
  for (const a of recorded) {
    assert.ok(zh[`action.${a}`] && en[`action.${a}`], a);
    assert.ok(ACTIONS.includes(a), `${a} offered in the filter`);
  }
});
