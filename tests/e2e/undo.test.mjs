// Undo on the grid worker's phone: a mistaken "全部正常" is undone from the
// message that follows the save, or from the household's card; the
// household is pending again, on the page and on the server.  Offline, the
// record and its undo wait in the outbox and reach the server once each,
// in order, when the phone is back online.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, PHONE } from './lib/browser.mjs';

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
const coverage = async () => (await srv.api('GET', `/api/v1/coverage?region=${GRID}`, { token: admin })).body.region;
// screening records the server has stored for the grid worker (from the audit log)
const recorded = async () => (await srv.api('GET', '/api/v1/audit?action=screening.record&username=gridworker&limit=100', { token: admin }))
  .body.items.reduce((n, e) => n + JSON.parse(e.detail).created, 0);
const card = (page, id) => page.locator(`li.hh[data-household="${id}"]`);
const count = async (page, k) => Number(await page.locator(`[data-count=${k}] .count-n`).innerText());

async function openApp(page) {
  await signIn(page, srv, 'gridworker', { hash: `#/screening/${GRID}` });
  await page.locator('main h1', { hasText: '第一网格' }).waitFor();
  await page.locator('li.hh').first().waitFor();
}

test('undo of "全部正常" from the message and from the card: pending again, counts back', async () => {
  const server = await worklist();
  const [a, b] = server.items.filter((x) => !x.status && x.members.length);
  const cov0 = await coverage();
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await openApp(page);
  const unvisited = await count(page, 'unvisited');

  await card(page, a.id).scrollIntoViewIfNeeded();
  await card(page, a.id).getByRole('button', { name: '全部正常' }).click();
  await card(page, a.id).locator('.chip-visited').waitFor();
  const snack = page.locator('[data-testid=snackbar]');
  await snack.waitFor();
  assert.match(await snack.innerText(), /已记录.*全部正常/);
  await page.locator('.syncbar.sync-ok').waitFor();
  assert.equal((await worklist()).items.find((x) => x.id === a.id).status, 'visited');
  await shot(page, 'phone-undo-snackbar', { fullPage: false });
  await snack.getByRole('button', { name: '撤销' }).click();
  await card(page, a.id).locator('.chip-none', { hasText: '未排查' }).waitFor();
  await page.locator('.syncbar.sync-ok').waitFor();
  assert.equal(await count(page, 'unvisited'), unvisited);
  let w = await worklist();
  assert.deepEqual([w.items.find((x) => x.id === a.id).status, w.counts.unvisited], [null, cov0.unvisited]);
  assert.equal((await coverage()).visited, cov0.visited);

  // from the card: the day's current record made by this user
  await card(page, b.id).getByRole('button', { name: '全部正常' }).click();
  await card(page, b.id).locator('.chip-visited').waitFor();
  await page.locator('.syncbar.sync-ok').waitFor();
  const undoOnCard = card(page, b.id).getByRole('button', { name: '撤销' });
  await undoOnCard.waitFor();
  await card(page, b.id).scrollIntoViewIfNeeded();
  await shot(page, 'phone-undo-card', { fullPage: false });
  await undoOnCard.click();
  await card(page, b.id).locator('.chip-none').waitFor();
  await undoOnCard.waitFor({ state: 'hidden' });
  await page.locator('.syncbar.sync-ok').waitFor();
  w = await worklist();
  assert.equal(w.items.find((x) => x.id === b.id).status, null);
  assert.equal((await coverage()).visited, cov0.visited);
  // a household recorded by someone else has no undo
  const other = server.items.find((x) => x.status && !x.mine);
  if (other) assert.equal(await card(page, other.id).getByRole('button', { name: '撤销' }).isVisible(), false);
  checkClean(assert, page);
  await page.context().close();
});

test('offline: "全部正常" and its undo wait on the phone, then reach the server once, in order', async () => {
  const server = await worklist();
  const hh = server.items.find((x) => !x.status && x.members.length);
  const cov0 = await coverage();
  const created0 = await recorded();
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await openApp(page);
  await page.context().setOffline(true);
  await card(page, hh.id).scrollIntoViewIfNeeded();
  await card(page, hh.id).getByRole('button', { name: '全部正常' }).click();
  await card(page, hh.id).locator('.chip-queued').waitFor();
  await page.locator('[data-testid=snackbar]').getByRole('button', { name: '撤销' }).click();
  await card(page, hh.id).locator('.chip-none', { hasText: '未排查' }).waitFor();
  assert.equal(await page.locator('[data-testid=outbox-count]').innerText(), '2', 'the record and its undo wait');
  await shot(page, 'phone-undo-offline', { fullPage: false });
  assert.equal((await worklist()).items.find((x) => x.id === hh.id).status, null, 'nothing sent yet');

  // an answer lost once: the batch is sent again and stored once
  let lost = 0;
  await page.route('**/api/v1/screenings', async (route) => {
    const res = await route.fetch();
    if (lost++ === 0) await route.abort('connectionreset');
    else await route.fulfill({ response: res });
  });
  await page.context().setOffline(false);
  await page.locator('.syncbar.sync-ok').waitFor();
  assert.ok(lost >= 2, 'sent again after the lost answer');
  const w = await worklist();
  assert.equal(w.items.find((x) => x.id === hh.id).status, null, 'pending again on the server');
  const cov = await coverage();
  assert.deepEqual([cov.visited, cov.unvisited], [cov0.visited, cov0.unvisited]);
  assert.equal(await recorded(), created0 + 2, 'the record and its undo, each stored once');
  await page.reload();
  await card(page, hh.id).locator('.chip-none').waitFor();
  checkClean(assert, page);
  await page.context().close();
});

test('once the zero report is sent from the page, the day\'s records show no undo', async () => {
  const hh = (await worklist()).items.find((x) => !x.status && x.members.length);
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await openApp(page);
  await card(page, hh.id).scrollIntoViewIfNeeded();
  await card(page, hh.id).getByRole('button', { name: '全部正常' }).click();
  await page.locator('.syncbar.sync-ok').waitFor();
  const undoOnCard = card(page, hh.id).getByRole('button', { name: '撤销' });
  await undoOnCard.waitFor();
  const report = page.locator('[data-testid=zero-report]');
  await page.fill('#reason-bulk', '全家外出');
  await report.getByRole('button', { name: '填入尚无原因的住户' }).click();
  await report.getByRole('button', { name: '提交零报告' }).click();
  await report.getByRole('status').filter({ hasText: '零报告已提交' }).waitFor();
  await undoOnCard.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('li.hh .btn-undo:visible').count(), 0);
  assert.equal(await page.locator('[data-testid=snackbar] .snack-undo').count(), 0);
  checkClean(assert, page);
  await page.context().close();
});
