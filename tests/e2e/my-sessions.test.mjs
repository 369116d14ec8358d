// The account page's list of one's own sessions: each device by name, this
// one marked, signing out another device and all the others; an
// administrator's "sign out everywhere" on the users page.  Screenshots at
// 375 px and 1920 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, PHONE, WALL } from './lib/browser.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// A session of username signed in elsewhere, with a User-Agent.
async function elsewhere(username, agent) {
  const r = await srv.raw('POST', '/api/v1/session', {
    headers: { 'Content-Type': 'application/json', 'User-Agent': agent },
    body: JSON.stringify({ username, password: srv.logins[username].password }),
  });
  assert.equal(r.status, 200);
  return r.body.token;
}
const alive = async (token) => (await srv.api('GET', '/api/v1/me', { token })).status === 200;
const items = (page) => page.locator('[data-testid=my-sessions] li.session-item');

test('a phone: the list names the devices, marks this one, signs out another and then all others', async () => {
  const other = await elsewhere('officer', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36');
  const third = await elsewhere('officer', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0');
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'officer', { hash: '#/password' });
  await items(page).nth(2).waitFor();
  assert.equal(await items(page).count(), 3);
  const texts = await items(page).allInnerTexts();
  assert.ok(texts.some((x) => x.includes('Windows · Chrome')), texts.join('|'));
  assert.ok(texts.some((x) => x.includes('iPhone · WeChat')), texts.join('|'));
  assert.equal(await page.locator('[data-testid=my-sessions] li[data-current=true]').count(), 1);
  assert.match(await page.locator('[data-testid=my-sessions] li[data-current=true]').innerText(), /本设备/);
  assert.equal(await overflowX(page), 0);
  await shot(page, 'phone-my-sessions');
  // sign out the Windows one
  await items(page).filter({ hasText: 'Windows · Chrome' }).getByRole('button', { name: /退出登录/ }).click();
  await page.getByText('该设备已退出登录。').waitFor();
  assert.equal(await items(page).count(), 2);
  assert.equal(await alive(other), false);
  assert.equal(await alive(third), true);
  // then all the others
  await page.locator('[data-testid=end-other-sessions]').click();
  await page.getByText('已退出其他 1 个会话。').waitFor();
  assert.equal(await items(page).count(), 1);
  assert.equal(await alive(third), false);
  assert.ok(await page.locator('[data-testid=end-other-sessions]').isDisabled());
  checkClean(assert, page);
  await page.context().close();
});

test('a wall screen in English, and an administrator signing a user out everywhere', async () => {
  const t = await elsewhere('volunteer', 'Mozilla/5.0 (Linux; Android 10) Chrome/120.0 Mobile Safari/537.36');
  const page = await openPage(browser, srv, { viewport: WALL });
  await page.addInitScript(() => localStorage.setItem('fangkong.lang', 'en'));
  await signIn(page, srv, 'admin', { hash: '#/password' });
  await items(page).first().waitFor();
  assert.match(await page.locator('.sessions-card h2').innerText(), /Where you are signed in/);
  await shot(page, 'wall-my-sessions');
  await page.goto('/#/users');
  const row = page.locator('[data-testid=users] tbody tr[data-username=volunteer]');
  await row.waitFor();
  await row.locator('[data-action=end-sessions]').click();
  await page.getByText(/session\(s\) of volunteer ended/).waitFor();
  assert.equal(await alive(t), false);
  checkClean(assert, page);
  await page.context().close();
});
