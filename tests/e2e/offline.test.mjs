// The grid worker's app opened again with no network: once signed in, the
// service worker keeps the app shell (and nothing from /api/); after a
// reload offline the screening page shows today's households from the kept
// worklist, a record made then waits in the outbox and reaches the server
// exactly once when the phone is back online.  A signed-out browser keeps
// nothing, and signing out removes what was kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, PHONE } from './lib/browser.mjs';

const GRID = '420106001001001'; // the demo grid worker's grid
let srv, browser, gw, admin;

before(async () => {
  srv = await startServer({ people: 600, days: 2 });
  browser = await launch();
  gw = await srv.login('gridworker');
  admin = await srv.login('admin');
});
after(async () => { await browser?.close(); await srv?.stop(); });

const worklist = async () => (await srv.api('GET', `/api/v1/screenings/worklist?grid=${GRID}`, { token: gw })).body;
// screening records the server has stored for the grid worker (from the audit log)
const recorded = async () => (await srv.api('GET', '/api/v1/audit?action=screening.record&username=gridworker&limit=100', { token: admin }))
  .body.items.reduce((n, e) => n + JSON.parse(e.detail).created, 0);
const card = (page, id) => page.locator(`li.hh[data-household="${id}"]`);

// The files of the app shell: everything under web/ but the vendor
// libraries, the worker itself and the gzip copies made at build time;
// the page is kept as "/".
function shellFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`/${path.relative(path.join(ROOT, 'web'), p).split(path.sep).join('/')}`);
    }
  };
  walk(path.join(ROOT, 'web'));
  return out.filter((f) => !f.startsWith('/vendor/') && f !== '/sw.js' && !f.endsWith('.gz'))
    .map((f) => (f === '/index.html' ? '/' : f)).sort();
}

// What this browser keeps: the paths in fangkong's caches, the kept /me.
const kept = (page) => page.evaluate(async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith('fangkong-')) continue;
    for (const r of await (await caches.open(name)).keys()) paths.push(new URL(r.url).pathname);
  }
  return { paths: paths.sort(), me: localStorage.getItem('fangkong.me') };
});

// Resolves once the service worker controls the page and the shell is kept.
async function shellReady(page) {
  await page.waitForFunction(async () => !!navigator.serviceWorker.controller
    && !!(await caches.match('/js/views/screening.js')) && !!(await caches.match('/')));
}

test('a reload offline shows today\'s households; a record made then reaches the server once', async () => {
  const createdBefore = await recorded();
  const server = await worklist();
  const hh = server.items.find((x) => !x.status && x.members.length);
  assert.ok(hh, 'an unvisited household in the demo grid');

  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'gridworker'); // opens on the worklist
  await page.locator('main h1', { hasText: '第一网格' }).waitFor();
  await page.locator('li.hh').first().waitFor();
  await shellReady(page);
  // the whole shell, and nothing from the API
  const k = await kept(page);
  assert.deepEqual(k.paths, shellFiles());
  assert.equal(JSON.parse(k.me).user.username, 'gridworker');

  // no network, and the page is loaded again
  await page.context().setOffline(true);
  await page.reload();
  await page.locator('main h1', { hasText: '第一网格' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  await page.locator('[data-testid=syncbar].sync-offline', { hasText: '离线：显示' }).waitFor();
  assert.match(await page.locator('[data-testid=syncbar]').innerText(), /离线：可以继续登记/);
  assert.equal(await page.locator('li.hh').count(), server.items.length, 'today\'s households, from the kept list');
  assert.match(await page.locator('.screen-date').innerText(), new RegExp(server.date));
  assert.match(await page.locator('[data-testid=who]').innerText(), /gridworker/);
  assert.equal(await overflowX(page), 0);
  await shot(page, 'phone-offline-reload', { fullPage: false });

  // a record made offline waits on the phone
  await card(page, hh.id).getByRole('button', { name: '全部正常' }).click();
  await card(page, hh.id).locator('.chip-queued').waitFor();
  assert.equal(await page.locator('[data-testid=outbox-count]').innerText(), '1');
  assert.equal(await page.locator('[data-testid=outbox-pill] .n').innerText(), '1');
  assert.match(await page.locator('[data-testid=syncbar]').innerText(), /离线：1 条记录保存在本机/);
  await card(page, hh.id).scrollIntoViewIfNeeded();
  await shot(page, 'phone-offline-reload-recorded', { fullPage: false });
  assert.equal((await worklist()).items.find((x) => x.id === hh.id).status, null, 'nothing sent yet');

  // back online: sent, once
  await page.context().setOffline(false);
  await page.locator('.syncbar.sync-ok').waitFor();
  await page.locator('[data-testid=outbox-pill]').waitFor({ state: 'hidden' });
  assert.equal(await card(page, hh.id).locator('.chip-queued').isVisible(), false);
  assert.equal((await worklist()).items.find((x) => x.id === hh.id).status, 'visited');
  assert.equal(await recorded(), createdBefore + 1);
  // loaded again online: nothing is left to send, nothing is stored twice
  await page.reload();
  await page.locator('li.hh').first().waitFor();
  await page.locator('.syncbar.sync-ok').waitFor();
  assert.equal(await page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('fangkong');
    req.onsuccess = () => {
      const r = req.result.transaction('outbox').objectStore('outbox').count();
      r.onsuccess = () => resolve(r.result);
    };
  })), 0, 'the outbox is empty');
  assert.equal(await recorded(), createdBefore + 1);
  assert.match(await card(page, hh.id).innerText(), /已排查/);
  checkClean(assert, page);
  await page.context().close();
});

test('nothing is kept for a signed-out user; signing out removes what was kept', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await page.goto('/');
  await page.locator('#login-username').waitFor();
  assert.deepEqual(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length)), 0,
    'no service worker before sign-in');
  assert.deepEqual(await kept(page), { paths: [], me: null });

  await signIn(page, srv, 'gridworker'); // opens on the worklist
  await page.locator('li.hh').first().waitFor();
  await shellReady(page);
  // the shell's cache as kept() reads it (by name), not only by match: wait
  // for it to be listed too rather than read it the instant after
  await page.waitForFunction(async () => {
    for (const n of await caches.keys())
      if (n.startsWith('fangkong-') && (await (await caches.open(n)).keys()).length) return true;
    return false;
  }, null, { timeout: 10000 });
  assert.ok((await kept(page)).paths.length > 0);

  await page.getByRole('button', { name: '退出登录' }).click();
  await page.locator('#login-username').waitFor();
  assert.deepEqual(await kept(page), { paths: [], me: null });
  // the login page in English loads its strings, which are not kept either
  await page.locator('[data-testid=lang-switch]').click();
  await page.locator('#login-username').waitFor();
  await page.locator('html[lang=en]').waitFor();
  assert.deepEqual(await kept(page), { paths: [], me: null });
  // offline, the page cannot be opened again from the phone
  await page.context().setOffline(true);
  await assert.rejects(page.reload(), /ERR_INTERNET_DISCONNECTED|ERR_FAILED/);
  await page.context().setOffline(false);
  await page.goto('/');
  await page.locator('#login-username').waitFor();
  checkClean(assert, page);
  await page.context().close();
});
