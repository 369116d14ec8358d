// Sign-in and sign-out through the browser: errors in the page's language,
// the session kept only in the HttpOnly cookie, the page asked for reached
// after signing in, and throttling explained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, gotoLogin, signIn, shot, checkClean } from './lib/browser.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('empty fields are caught before anything is sent', async () => {
  const page = await openPage(browser, srv);
  await gotoLogin(page);
  await page.locator('.login-form button[type=submit]').click();
  const alert = page.getByRole('alert');
  assert.equal((await alert.innerText()).trim(), '请输入用户名。');
  await page.fill('#login-username', 'admin');
  await page.locator('.login-form button[type=submit]').click();
  assert.equal((await alert.innerText()).trim(), '请输入密码。');
  assert.equal(await page.getAttribute('#login-password', 'aria-invalid'), 'true');
  checkClean(assert, page);
  await page.context().close();
});

test('a wrong password shows an error and stays on the login page', async () => {
  const page = await openPage(browser, srv);
  await gotoLogin(page);
  await page.fill('#login-username', 'admin');
  await page.fill('#login-password', 'not-the-password');
  await page.locator('.login-form button[type=submit]').click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal((await alert.innerText()).trim(), '用户名或密码错误，请重新输入。');
  assert.equal(await page.inputValue('#login-password'), '', 'the wrong password is cleared');
  assert.equal(await page.inputValue('#login-username'), 'admin', 'the username is kept');
  assert.equal(await page.locator('nav.sidenav').count(), 0);
  await shot(page, 'desktop-login-wrong-password');
  checkClean(assert, page);
  await page.context().close();
});

test('the right password enters the app at the page asked for; the token stays in the cookie', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'admin', { hash: '#/users' });
  assert.equal(new URL(page.url()).hash, '#/users');
  assert.equal((await page.locator('main h1').innerText()).trim(), '用户');
  assert.match(await page.locator('[data-testid=who]').innerText(), /admin/);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'fk_session');
  assert.ok(cookie, 'session cookie set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  const stored = await page.evaluate(() => ({ ...localStorage, ...sessionStorage }));
  assert.ok(!JSON.stringify(stored).includes(cookie.value), 'token not in web storage');
  assert.equal(await page.evaluate(() => document.cookie), '', 'cookie invisible to scripts');
  checkClean(assert, page);
  await page.context().close();
});

test('sign out returns to the login page and ends the session', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'officer');
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.locator('#login-username').waitFor();
  assert.equal((await page.getByRole('status').first().innerText()).trim(), '您已安全退出。');
  assert.ok(['', '#/'].includes(new URL(page.url()).hash), 'back at the start page');
  assert.equal((await page.context().cookies()).filter((c) => c.name === 'fk_session' && c.value).length, 0);
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401);
  await page.reload();
  await page.locator('#login-username').waitFor();
  assert.equal(await page.locator('nav.sidenav').count(), 0);
  await page.goto('/#/users');
  await page.locator('#login-username').waitFor();
  assert.equal(await page.locator('nav.sidenav').count(), 0, 'no app page without a session');
  checkClean(assert, page);
  await page.context().close();
});

test('a session ended elsewhere sends the user back to the login page', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'commander');
  await page.context().clearCookies();
  await page.locator('nav.sidenav').getByRole('link', { name: '区划' }).click();
  await page.locator('#login-username').waitFor();
  assert.equal((await page.getByRole('status').first().innerText()).trim(), '登录已过期，请重新登录。');
  checkClean(assert, page);
  await page.context().close();
});

// Last in this file: it locks keeper's sign-ins from 127.0.0.1 (the first lock
// lasts FK_LOGIN_DELAY, a minute; each further failure doubles it).
test('too many failures: the page says how long to wait', async () => {
  const page = await openPage(browser, srv);
  await gotoLogin(page);
  const alert = page.getByRole('alert');
  let text = '';
  for (let i = 0; i < 6 && !text.includes('过多'); i++) {
    await page.fill('#login-username', 'keeper');
    await page.fill('#login-password', `wrong-${i}`);
    await page.locator('.login-form button[type=submit]').click();
    await page.locator('.login-form button[type=submit]:not([disabled])').waitFor();
    text = (await alert.innerText()).trim();
  }
  assert.match(text, /^登录失败次数过多，请 1 分钟后再试。$/);
  await shot(page, 'desktop-login-throttled');
  checkClean(assert, page);
  await page.context().close();
});
