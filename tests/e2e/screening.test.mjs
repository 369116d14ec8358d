// The grid worker's phone app (#/screening): the households of their grid,
// "all normal" in one tap, a fever recorded through the form and shown on
// the household's card, progress that follows; records made offline wait in the outbox, are sent when the phone
// is back online and, when an answer is lost, sent again without being
// stored twice; the zero report is refused while households have neither a
// record nor a reason, and accepted once each has one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, hash, PHONE, WALL } from './lib/browser.mjs';

const GRID = '420106001001001'; // the demo grid worker's grid
let srv, browser, gw;
const added = {}; // room -> {id, members: [person ids]}

before(async () => {
  srv = await startServer({ people: 600, days: 2 });
  browser = await launch();
  gw = await srv.login('gridworker');
  // Five more households in the grid (the demo gives it only a few).
  const members = { 101: ['甲一'], 102: ['乙一', '乙二'], 103: ['丙一'], 104: ['丁一', '丁二'], 105: ['戊一'] };
  for (const [room, names] of Object.entries(members)) {
    const hh = await srv.api('POST', '/api/v1/households', { token: gw, body: { grid: GRID, building: '9栋', unit: '1单元', room } });
    assert.equal(hh.status, 201, JSON.stringify(hh.body));
    added[room] = { id: hh.body.id, members: [] };
    for (const name of names) {
      const p = await srv.api('POST', '/api/v1/persons', { token: gw, body: { household_id: hh.body.id, name: `测试${name}` } });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      added[room].members.push(p.body.id);
    }
  }
});
after(async () => { await browser?.close(); await srv?.stop(); });

const worklist = async () => (await srv.api('GET', `/api/v1/screenings/worklist?grid=${GRID}`, { token: gw })).body;
const card = (page, room) => page.locator(`li.hh[data-household="${added[room].id}"]`);
const count = async (page, k) => Number(await page.locator(`[data-count=${k}] .count-n`).innerText());
const synced = (page) => page.locator('.syncbar.sync-ok').waitFor();

async function openApp(page) {
  await signIn(page, srv, 'gridworker');
  // the grid worker's home after sign-in is the day's worklist
  await page.locator('main h1', { hasText: '第一网格' }).waitFor();
  assert.equal(hash(page), '#/screening');
  await page.locator('li.hh').first().waitFor();
}

// Heights of visible controls smaller than a thumb (44 px).
function smallTargets(page, selector) {
  return page.locator(selector).evaluateAll((els) => els.filter((e) => e.offsetParent !== null)
    .map((e) => ({ what: `${e.tagName}.${e.className} ${e.textContent.trim().slice(0, 12)}`, h: e.getBoundingClientRect().height }))
    .filter((x) => x.h < 44));
}

test('grid worker: the grid\'s households, "all normal" in one tap, a fever recorded, progress follows', async () => {
  const before = await worklist();
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  // This phone's clock runs an hour fast: records are stamped by the
  // server's clock (the server refuses recorded_at in its future).
  await page.context().clock.install({ time: Date.now() + 3600 * 1000 });
  await openApp(page);
  assert.equal(await page.locator('li.hh').count(), before.items.length);
  assert.equal(before.items.length, before.counts.households);
  assert.equal(await count(page, 'visited'), before.counts.visited);
  assert.equal(await count(page, 'unvisited'), before.counts.unvisited);
  assert.match(await page.locator('.progress-title').innerText(), new RegExp(`已排查 ${before.counts.visited} / ${before.items.length} 户`));
  // members by name, households grouped by building and unit
  assert.match(await card(page, 102).innerText(), /102[\s\S]*未排查[\s\S]*测试乙一[\s\S]*测试乙二/);
  assert.equal(await page.locator('.hh-group-title', { hasText: '9栋 1单元' }).count(), 1);
  assert.equal(await overflowX(page), 0, 'nothing sticks out sideways');
  assert.deepEqual(await smallTargets(page, 'main button, main input, main select, .topbar button'), []);
  await shot(page, 'phone-screening', { fullPage: false });

  // one tap: visited, every member present with no findings
  await card(page, 101).getByRole('button', { name: '全部正常' }).click();
  await card(page, 101).locator('.chip-visited', { hasText: '已排查' }).waitFor();
  await synced(page);
  assert.equal(await count(page, 'visited'), before.counts.visited + 1);
  assert.equal(await count(page, 'unvisited'), before.counts.unvisited - 1);

  // the form: a fever for one member of another household
  await card(page, 102).getByRole('button', { name: '登记情况' }).click();
  const form = card(page, 102).locator('form.rec-form');
  await form.waitFor();
  const [p1, p2] = added[102].members;
  const member = form.locator(`fieldset[data-person="${p1}"]`);
  assert.equal(await member.locator('.abn-flag').isVisible(), false);
  await page.fill(`#rec-${added[102].id}-${p1}-temp`, '37.8');
  await member.locator('.abn-flag', { hasText: '异常' }).waitFor(); // flagged as it is typed
  assert.equal(await form.locator(`fieldset[data-person="${p2}"] .abn-flag`).isVisible(), false);
  await page.fill(`#rec-${added[102].id}-${p2}-temp`, '36.6');
  // a household of two fits one phone screen below the top bar and the sticky strip
  await form.evaluate((f) => f.scrollIntoView({ block: 'end' }));
  await shot(page, 'phone-screening-form', { fullPage: false });
  const formBox = await form.boundingBox();
  assert.ok(formBox.height <= 812 - 56 - 56, `the form of two is ${formBox.height} px high`);
  // out of range is caught before anything is stored
  await page.fill(`#rec-${added[102].id}-${p2}-temp`, '46');
  await form.getByRole('button', { name: '保存' }).click();
  assert.equal((await form.getByRole('alert').innerText()).trim(), '体温应在 35.0 到 42.0 之间，最多一位小数。');
  await page.fill(`#rec-${added[102].id}-${p2}-temp`, '36.6');
  await page.fill(`#rec-${added[102].id}-${p1}-note`, '夜里发热');
  await form.getByRole('button', { name: '保存' }).click();
  await card(page, 102).locator('.chip-abnormal', { hasText: '异常' }).waitFor();
  await synced(page);
  assert.equal(await form.count(), 0, 'the form closes');
  assert.equal(await count(page, 'visited'), before.counts.visited + 2);
  assert.equal(await count(page, 'abnormal'), before.counts.abnormal + 1);
  assert.match(await page.locator('.progress-title').innerText(), new RegExp(`已排查 ${before.counts.visited + 2} / ${before.items.length} 户`));

  // the filter "not yet visited" leaves only those
  await page.locator('.seg-btn[data-filter=todo]').click();
  const shown = await page.locator('li.hh:visible').count();
  assert.equal(shown, before.counts.unvisited - 2);
  assert.equal(await card(page, 101).isVisible(), false);
  await page.locator('.seg-btn[data-filter=all]').click();

  // the server has both, and one alert for the fever
  const now = await worklist();
  const byId = (id) => now.items.find((x) => x.id === id);
  assert.equal(byId(added[101].id).status, 'visited');
  assert.equal(byId(added[101].id).abnormal, false);
  assert.equal(byId(added[102].id).status, 'visited');
  assert.equal(byId(added[102].id).abnormal, true);
  assert.deepEqual(byId(added[102].id).findings.map((f) => [f.person_id, f.temperature, f.abnormal]), [[p1, 37.8, true], [p2, 36.6, false]]);
  // the worker sees what was found, sent or not: the fever highlighted, the normal one plain
  const found = card(page, 102).locator('.hh-findings');
  assert.match(await found.locator('.finding.is-abnormal').innerText(), /测试乙一[\s\S]*37\.8 °C[\s\S]*夜里发热/);
  assert.equal(await found.locator('.finding.is-abnormal').count(), 1);
  assert.match(await found.locator(`.finding-normal [data-person="${p2}"]`).innerText(), /测试乙二[\s\S]*36\.6 °C/);
  assert.equal(await card(page, 101).locator('.hh-findings').count(), 0, 'all normal, nothing noted: no findings line');
  // and after a reload, from the server's worklist
  await page.reload();
  await card(page, 102).locator('.finding.is-abnormal', { hasText: '37.8 °C' }).waitFor();
  assert.equal(await page.locator('main h1 .h1-community').isVisible(), true, 'the community above the grid');
  assert.equal(await page.locator('main h1').evaluate((e) => e.textContent), '尚隆苑社区居委会 · 第一网格');
  assert.match(await page.title(), /尚隆苑社区居委会 · 第一网格/);
  await card(page, 102).scrollIntoViewIfNeeded();
  await shot(page, 'phone-screening-findings', { fullPage: false });
  const alerts = (await srv.api('GET', `/api/v1/alerts?region=${GRID}&state=open`, { token: gw })).body.items
    .filter((a) => a.person_id === p1);
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0].reasons, ['temperature']);
  assert.equal(alerts[0].temperature, 37.8);
  checkClean(assert, page);
  await page.context().close();
});

test('offline: records wait in the outbox, are sent once back online, and a lost answer is resent without doubling', async () => {
  const admin = await srv.login('admin');
  const recorded = async () => (await srv.api('GET', '/api/v1/audit?action=screening.record&username=gridworker&limit=100', { token: admin }))
    .body.items.reduce((n, e) => n + JSON.parse(e.detail).created, 0);
  const createdBefore = await recorded();
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await openApp(page);
  await synced(page);

  await page.context().setOffline(true);
  await page.locator('.syncbar.sync-offline').waitFor();
  // 103: all normal; 104: not at home; 105: fever and cough
  await card(page, 103).getByRole('button', { name: '全部正常' }).click();
  await card(page, 103).locator('.chip-queued').waitFor();
  await card(page, 104).getByRole('button', { name: '登记情况' }).click();
  await card(page, 104).locator('.seg-radio', { hasText: '不在家' }).click();
  assert.equal(await card(page, 104).locator('.members-box').isVisible(), false, 'no members for a household not at home');
  await card(page, 104).getByRole('button', { name: '保存' }).click();
  await card(page, 104).locator('.chip-queued').waitFor();
  await card(page, 105).getByRole('button', { name: '登记情况' }).click();
  const p5 = added[105].members[0];
  await page.fill(`#rec-${added[105].id}-${p5}-temp`, '38.2');
  await card(page, 105).locator('.chip-check', { hasText: '咳嗽' }).click();
  await card(page, 105).getByRole('button', { name: '保存' }).click();
  await card(page, 105).locator('.chip-queued').waitFor();

  // shown as recorded here, waiting to be sent
  assert.equal(await page.locator('[data-testid=outbox-count]').innerText(), '3');
  assert.equal(await page.locator('[data-testid=outbox-pill] .n').innerText(), '3');
  assert.match(await page.locator('[data-testid=syncbar]').innerText(), /离线：3 条记录保存在本机/);
  assert.match(await card(page, 104).innerText(), /不在家[\s\S]*待发送/);
  assert.equal(await card(page, 105).locator('.chip-abnormal').count(), 1);
  assert.match(await card(page, 105).locator('.finding.is-abnormal').innerText(), /测试戊一[\s\S]*38\.2 °C[\s\S]*咳嗽/, 'found, while offline');
  assert.equal(await count(page, 'not_home'), 1);
  await card(page, 103).scrollIntoViewIfNeeded();
  await shot(page, 'phone-screening-offline', { fullPage: false });
  let server = await worklist();
  for (const r of [103, 104, 105]) assert.equal(server.items.find((x) => x.id === added[r].id).status, null, 'nothing sent yet');
  // leaving the page and coming back offline: the cached list, with what was recorded here
  await page.locator('.brand').click();
  await page.locator('main h1', { hasText: '您好' }).waitFor();
  await page.locator('a.tile[data-tile=screening]').click();
  await page.locator('[data-testid=syncbar]', { hasText: '离线：显示' }).waitFor();
  assert.equal(await page.locator('li.hh').count(), server.items.length);
  assert.match(await card(page, 104).innerText(), /不在家[\s\S]*待发送/);
  assert.equal(await count(page, 'not_home'), 1);

  // Back online, the first answer is lost: the server stores the batch,
  // the phone sees a broken connection and keeps the records.
  let lost;
  const hit = new Promise((resolve) => { lost = resolve; });
  await page.route('**/api/v1/screenings', async (route) => {
    const res = await route.fetch();
    lost(await res.json());
    await route.abort('connectionreset');
  }, { times: 1 });
  await page.context().setOffline(false);
  const first = await hit;
  assert.deepEqual(first.items.map((x) => x.result), ['created', 'created', 'created']);
  server = await worklist();
  assert.equal(server.items.find((x) => x.id === added[103].id).status, 'visited');
  assert.equal(server.items.find((x) => x.id === added[104].id).status, 'not_home');
  assert.equal(server.items.find((x) => x.id === added[105].id).abnormal, true);
  await page.locator('.syncbar.sync-pending').waitFor();
  assert.equal(await page.locator('[data-testid=outbox-count]').innerText(), '3', 'still waiting after the lost answer');

  // The page is loaded again with the records still in the outbox: it
  // sends them again, the server answers each as a replay.
  const replay = page.waitForResponse((r) => r.url().endsWith('/api/v1/screenings') && r.request().method() === 'POST');
  await page.reload();
  const again = await (await replay).json();
  assert.deepEqual(again.items.map((x) => x.result), ['replayed', 'replayed', 'replayed']);
  assert.deepEqual(again.items.map((x) => x.uuid), first.items.map((x) => x.uuid), 'the same UUIDs');
  await synced(page);
  assert.equal(await page.locator('[data-testid=outbox-pill]').isVisible(), false);
  assert.equal(await card(page, 104).locator('.chip-queued').isVisible(), false);
  assert.match(await card(page, 105).locator('.finding.is-abnormal').innerText(), /38\.2 °C[\s\S]*咳嗽/, 'still shown once sent');
  assert.equal(await card(page, 104).locator('.hh-findings').count(), 0, 'not at home: nothing found');
  assert.match(await card(page, 104).innerText(), /不在家/);

  // Exactly once each: three more records than before, one alert for 105.
  assert.equal(await recorded(), createdBefore + 3);
  const alerts = (await srv.api('GET', `/api/v1/alerts?region=${GRID}&state=open`, { token: gw })).body.items
    .filter((a) => a.person_id === p5);
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0].reasons, ['temperature', 'cough']);
  server = await worklist();
  const cov = (await srv.api('GET', `/api/v1/coverage?region=${GRID}`, { token: gw })).body.region;
  const n = (s) => server.items.filter((x) => x.status === s).length;
  assert.deepEqual([cov.visited, cov.not_home, cov.refused, cov.households], [n('visited'), n('not_home'), n('refused'), server.items.length]);
  assert.equal(cov.abnormal, server.items.filter((x) => x.abnormal).length);
  assert.equal(await count(page, 'visited'), n('visited'));
  checkClean(assert, page);
  await page.context().close();
});

test('a record the server refuses is shown and not sent again', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await openApp(page);
  await synced(page);
  // the household is moved away before the phone sends its record
  await page.context().setOffline(true);
  await card(page, 101).getByRole('button', { name: '全部正常' }).click();
  await card(page, 101).locator('.chip-queued').waitFor();
  let posts = 0; // POSTs of records
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/screenings') && r.method() === 'POST') posts++; });
  await page.route('**/api/v1/screenings', (route) => route.fulfill({
    status: 400, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'invalid', message: '[0].persons[0].person_id: person is not of household', field: '[0].persons[0].person_id' } }),
  }));
  await page.context().setOffline(false);
  const failed = page.locator('[data-testid=failed]');
  await failed.waitFor();
  assert.match(await failed.innerText(), /未被接受的记录[\s\S]*101[\s\S]*输入有误/);
  await page.locator('.syncbar.sync-ok').waitFor();
  assert.equal(await card(page, 101).locator('.chip-queued').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: '立即发送' }).count(), 0, 'nothing waits');
  await failed.getByRole('button', { name: '知道了，删除' }).click();
  await failed.waitFor({ state: 'detached' });
  // the next record goes alone: the refused one is never sent again
  await page.unroute('**/api/v1/screenings');
  const next = page.waitForRequest((r) => r.url().endsWith('/api/v1/screenings') && r.method() === 'POST');
  await card(page, 101).getByRole('button', { name: '全部正常' }).click();
  const body = (await next).postDataJSON();
  await synced(page);
  assert.equal(body.length, 1);
  assert.equal(body[0].household_id, added[101].id);
  assert.equal(posts, 2);
  checkClean(assert, page);
  await page.context().close();
});

test('zero report: refused while households are unvisited, accepted with a reason for each', async () => {
  const wl = await worklist();
  const todo = wl.items.filter((x) => !x.status);
  assert.ok(todo.length >= 2, 'the demo leaves households unvisited');
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await openApp(page);
  const report = page.locator('[data-testid=zero-report]');
  assert.equal(await report.locator('[data-testid=unvisited] li').count(), todo.length);
  await report.getByRole('button', { name: '提交零报告' }).click();
  const refused = report.getByRole('alert');
  await refused.waitFor();
  assert.match(await refused.innerText(), new RegExp(`未能上报：还有 ${todo.length} 户既未排查也未说明原因`));
  const items = report.locator('[data-testid=unvisited] li');
  assert.deepEqual(await items.evaluateAll((els) => els.map((e) => Number(e.dataset.household))), todo.map((x) => x.id));
  assert.equal(await report.locator('[data-testid=unvisited] input[aria-invalid=true]').count(), todo.length);
  const missing = await srv.api('GET', `/api/v1/reports?region=${GRID}&missing=1`, { token: gw });
  assert.equal(missing.body.items[0].reported, false, 'nothing stored');
  await report.locator('[data-testid=unvisited]').scrollIntoViewIfNeeded();
  await shot(page, 'phone-zero-report-refused', { fullPage: false });

  // a quick choice for the first, free text for the others
  await items.nth(0).getByRole('button', { name: '全家外出' }).click();
  assert.equal(await items.nth(0).locator('input').inputValue(), '全家外出');
  for (let i = 1; i < todo.length; i++) await items.nth(i).locator('input').fill('老人住院，家属陪护');
  await report.getByRole('button', { name: '提交零报告' }).click();
  const abnormal = wl.items.filter((x) => x.abnormal).length;
  await report.getByRole('status').filter({ hasText: '零报告已提交' }).waitFor();
  assert.match(await report.innerText(), new RegExp(`零报告已提交：今日 ${abnormal} 户异常`));
  const done = await srv.api('GET', `/api/v1/reports?region=${GRID}`, { token: gw });
  assert.equal(done.body.items[0].reported, true);
  assert.equal(done.body.items[0].abnormal, abnormal);
  await shot(page, 'phone-zero-report-sent', { fullPage: false });

  // signing out removes the cached worklist (it names residents) from the phone
  const cached = () => page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('fangkong');
    req.onsuccess = () => {
      const r = req.result.transaction('worklists').objectStore('worklists').count();
      r.onsuccess = () => resolve(r.result);
    };
  }));
  assert.equal(await cached(), 1);
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.locator('#login-username').waitFor();
  assert.equal(await cached(), 0);
  checkClean(assert, page);
  await page.context().close();
});

test('an officer picks community then grid; the page works in English', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'officer');
  await page.locator('.topbar').getByRole('button', { name: 'Switch to English' }).click();
  await page.locator('a.nav-link', { hasText: 'Overview' }).waitFor({ state: 'attached' });
  await page.goto('/#/screening');
  await page.locator('main h1', { hasText: 'Screening' }).waitFor();
  const open = page.getByRole('button', { name: 'Start screening' });
  assert.equal(await open.isDisabled(), true);
  await page.selectOption('#pick-5', '420106001001');
  await page.locator(`#pick-6 option[value="${GRID}"]`).waitFor({ state: 'attached' });
  // every grid offered with its community: 第一网格 is in every community
  const grids = await page.locator('#pick-6 option[value]:not([value=""])').allInnerTexts();
  assert.ok(grids.length >= 3);
  for (const g of grids) assert.match(g, /^尚隆苑社区居委会 · 第.网格$/);
  assert.equal(await page.locator(`#pick-6 option[value="${GRID}"]`).innerText(), '尚隆苑社区居委会 · 第一网格');
  await page.selectOption('#pick-6', GRID);
  await open.click();
  await page.locator('main h1', { hasText: '第一网格' }).waitFor();
  assert.equal(hash(page), `#/screening/${GRID}`);
  await page.locator('li.hh').first().waitFor();
  assert.match(await page.locator('.progress-title').innerText(), /of 8 households done/);
  assert.match(await page.locator('[data-testid=zero-report]').innerText(), /Today's zero report/);
  // the findings in English
  assert.match(await card(page, 105).locator('.finding.is-abnormal').innerText(), /测试戊一[\s\S]*38\.2 °C[\s\S]*Cough/);
  assert.equal(await page.locator('main h1').evaluate((e) => e.textContent), '尚隆苑社区居委会 · 第一网格');
  assert.equal(await overflowX(page), 0);
  await shot(page, 'phone-screening-english', { fullPage: false });
  // on a wall-sized screen: the cards in columns, the findings in them
  await page.setViewportSize(WALL);
  await card(page, 105).scrollIntoViewIfNeeded();
  assert.equal(await overflowX(page), 0);
  await shot(page, 'wall-screening-findings-en', { fullPage: false });
  await page.setViewportSize(PHONE);
  // the choice is remembered: the picker comes back with it
  await page.getByRole('link', { name: 'Change grid' }).click();
  await page.locator(`#pick-6`).waitFor();
  assert.equal(await page.inputValue('#pick-6'), GRID);
  assert.equal(await open.isDisabled(), false);
  checkClean(assert, page);
  await page.context().close();
});

test('zero report: the refusal is shown above the reasons, in view; one reason for a building, then for all the rest', async () => {
  // households of two more buildings, not visited
  for (const [building, room] of [['7栋', '701'], ['7栋', '702'], ['8栋', '801']]) {
    const r = await srv.api('POST', '/api/v1/households', { token: gw, body: { grid: GRID, building, unit: '1单元', room } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const todo = (await worklist()).items.filter((x) => !x.status);
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await openApp(page);
  const report = page.locator('[data-testid=zero-report]');
  await report.getByRole('button', { name: '提交零报告' }).click();
  const refused = page.locator('[data-testid=report-refused]').getByRole('alert');
  await refused.waitFor();
  assert.match(await refused.innerText(), new RegExp(`还有 ${todo.length} 户既未排查也未说明原因。请在下方`));
  const box = await refused.boundingBox();
  const strip = await page.locator('.screen-sticky').boundingBox();
  assert.ok(box.y >= strip.y + strip.height && box.y + box.height <= 812, `the refusal is on screen, below the sticky strip (y ${box.y})`);
  const listTop = (await report.locator('[data-testid=unvisited]').boundingBox()).y;
  assert.ok(box.y < listTop, 'the refusal is above the households it speaks of');
  await shot(page, 'phone-zero-report-refused-bulk', { fullPage: false });

  // one reason for building 7 only
  const bulk = report.locator('[data-testid=bulk-reason]');
  await bulk.getByRole('button', { name: '全家外出' }).click();
  await page.selectOption('#reason-scope', '7栋');
  await bulk.getByRole('button', { name: '填入尚无原因的住户' }).click();
  await bulk.getByText('已为 2 户填写原因。').waitFor();
  const values = () => report.locator('[data-testid=unvisited] li').evaluateAll((els) => els.map((e) => [e.querySelector('label').textContent, e.querySelector('input').value]));
  for (const [where, v] of await values()) assert.equal(v, where.startsWith('7栋') ? '全家外出' : '', where);
  // then another for all the rest; building 7 keeps its own
  await page.fill('#reason-bulk', '楼栋封闭，无法入户');
  await page.selectOption('#reason-scope', '*');
  await bulk.getByRole('button', { name: '填入尚无原因的住户' }).click();
  await bulk.getByText(`已为 ${todo.length - 2} 户填写原因。`).waitFor();
  for (const [where, v] of await values()) assert.equal(v, where.startsWith('7栋') ? '全家外出' : '楼栋封闭，无法入户', where);
  await report.getByRole('button', { name: '提交零报告' }).click();
  await report.getByRole('status').filter({ hasText: '零报告已提交' }).waitFor();
  assert.equal(await refused.count(), 0, 'the refusal is gone');
  await shot(page, 'phone-zero-report-bulk-sent', { fullPage: false });
  checkClean(assert, page);
  await page.context().close();
});

test('the sticky strip: progress stays in view while scrolling, and a building is one choice away', async () => {
  const w = await worklist();
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await openApp(page);
  const strip = page.locator('.screen-sticky');
  const done = w.items.filter((x) => x.status).length;
  assert.match(await strip.innerText(), new RegExp(`${done} / ${w.items.length}`));
  const options = await page.locator('#jump-building option').allInnerTexts();
  const last = options.length - 1;
  assert.ok(last >= 2, 'buildings to jump to');
  const name = options[last].split(' · ')[0];
  await page.selectOption('#jump-building', String(last - 1));
  const title = page.locator('.hh-group-title', { hasText: name });
  await page.waitForFunction((n) => {
    const t = [...document.querySelectorAll('.hh-group-title')].find((e) => e.textContent.startsWith(n));
    const s = document.querySelector('.screen-sticky').getBoundingClientRect();
    const r = t && t.getBoundingClientRect();
    return r && r.top >= s.bottom - 1 && r.top < 300;
  }, name);
  assert.equal(await title.isVisible(), true);
  const box = await strip.boundingBox();
  assert.ok(box.y >= 0 && box.y < 120, `the strip stays under the top bar (y ${box.y})`);
  await shot(page, 'phone-screening-jump', { fullPage: false });
  checkClean(assert, page);
  await page.context().close();
});
