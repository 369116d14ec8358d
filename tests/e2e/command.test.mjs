// The command view (#/command) on a 1920 px wall screen and on a phone:
// today's coverage of the user's area by street, drilled down to community
// and grid; the open alerts (a fever recorded just before shows, with its
// reason translated); the grids without a zero report; an officer closes an
// alert with an outcome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, waitHeading, hash, PHONE, WALL } from './lib/browser.mjs';

const GRID = '420106001001001';
let srv, browser, fever; // fever: {person_id, name}

before(async () => {
  srv = await startServer({ people: 600, days: 2, env: { FK_REPORT_HOUR: '24' } }); // not yet late, whatever the hour
  browser = await launch();
  // The grid worker records a fever in a household not yet visited today.
  const gw = await srv.login('gridworker');
  const wl = (await srv.api('GET', `/api/v1/screenings/worklist?grid=${GRID}`, { token: gw })).body;
  const hh = wl.items.find((x) => !x.status && x.members.length);
  assert.ok(hh, 'an unvisited household in the demo grid');
  fever = { person_id: hh.members[0].id, name: hh.members[0].name,
    place: [hh.building, hh.unit, hh.room].filter(Boolean).join(' ') || hh.address };
  const r = await srv.api('POST', '/api/v1/screenings', {
    token: gw,
    body: {
      uuid: randomUUID(), household_id: hh.id, date: wl.date, status: 'visited',
      persons: hh.members.map((m, i) => (i ? { person_id: m.id } : { person_id: m.id, temperature: 37.8, symptoms: ['cough'] })),
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
});
after(async () => { await browser?.close(); await srv?.stop(); });

const rows = (page) => page.locator('[data-testid=coverage] tbody tr');
const cells = (row) => row.locator('td').allInnerTexts();

test('wall screen: coverage by street, drill down to a grid, the fever among the alerts, missing reports', async () => {
  const cm = await srv.login('commander');
  const cov = (await srv.api('GET', '/api/v1/coverage', { token: cm })).body;
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'commander');
  await page.locator('a.nav-link[data-nav=command]').click();
  await waitHeading(page, '武昌区 排查态势');
  await rows(page).first().waitFor();
  assert.equal(await rows(page).count(), cov.children.length);
  assert.equal(cov.children.length, 15, 'the district\'s streets');
  // each street's numbers as the server counts them
  for (const c of cov.children.slice(0, 3)) {
    const text = await cells(rows(page).filter({ has: page.locator(`a[href="#/command/${c.code}"]`) }));
    const pct = c.households ? `${Math.round(((c.visited + c.not_home + c.refused) * 100) / c.households)}%` : '—';
    assert.deepEqual(text.map((s) => s.trim()).slice(1),
      [pct, c.households, c.visited, c.not_home, c.refused, c.unvisited, c.abnormal].map(String), c.name);
  }
  const kpi = async (k) => (await page.locator(`[data-kpi=${k}] .stat-value`).innerText()).trim();
  assert.equal(await kpi('households'), cov.region.households.toLocaleString('en'));
  assert.equal(await kpi('abnormal'), String(cov.region.abnormal));
  // abnormal counts stand out
  const street1 = rows(page).filter({ has: page.locator('a[href="#/command/420106001"]') });
  assert.equal(await street1.locator('td.is-alert').count(), 1, 'the street with the fever is highlighted');

  // the fever recorded before, with its reasons in Chinese; a commander cannot close it
  const alert = page.locator(`[data-testid=alerts] li[data-person="${fever.person_id}"]`);
  await alert.waitFor();
  assert.match(await alert.innerText(), new RegExp(`${fever.name}[\\s\\S]*37\\.8 °C[\\s\\S]*第一网格[\\s\\S]*${GRID}[\\s\\S]*体温异常[\\s\\S]*咳嗽`));
  // above a community, a grid is named with its community (第一网格 is in every one)
  assert.equal(await alert.locator('.grid-label').innerText(), '尚隆苑社区居委会 · 第一网格');
  // where the person lives and who recorded the fever, by name
  assert.ok(fever.place, 'the household has a place');
  assert.equal((await alert.locator('.alert-home').innerText()).trim(), fever.place);
  assert.equal((await alert.locator('.alert-by').innerText()).trim(), '登记人 网格员');
  assert.equal(await page.locator('[data-testid=alerts] button', { hasText: '处置' }).count(), 0);
  // grids without today's zero report
  await page.locator(`[data-testid=missing-reports] li[data-grid="${GRID}"]`).waitFor();
  assert.match(await page.locator(`[data-testid=missing-reports] li[data-grid="${GRID}"]`).innerText(), /第一网格[\s\S]*未报/);
  const missingName = (grid) => page.locator(`[data-testid=missing-reports] li[data-grid="${grid}"] .missing-name`).innerText();
  assert.equal(await missingName(GRID), '尚隆苑社区居委会 · 第一网格');
  assert.equal(await missingName('420106001002001'), '中山社区居委会 · 第一网格', 'the same grid name, another community');
  await page.locator('[data-testid=missing-reports]').scrollIntoViewIfNeeded();
  await shot(page, 'wall-command-missing', { fullPage: false });
  await page.evaluate(() => window.scrollTo(0, 0));
  // the wall: coverage and alerts side by side, type larger, nothing sideways
  const [covBox, alertBox] = await Promise.all([page.locator('.command-cov').boundingBox(), page.locator('.alerts-card').boundingBox()]);
  assert.ok(alertBox.x > covBox.x + covBox.width - 1 && Math.abs(alertBox.y - covBox.y) < 2, 'side by side');
  assert.equal(await overflowX(page), 0);
  await shot(page, 'wall-command', { fullPage: false });

  // sorted by lowest coverage first
  await page.selectOption('#command-sort', 'low');
  const pcts = await rows(page).locator('.cov-pct').allInnerTexts();
  const nums = pcts.filter((p) => p !== '—').map((p) => parseInt(p, 10));
  assert.deepEqual(nums, [...nums].sort((a, b) => a - b));

  // street → community → grid
  await street1.locator('a.region-link').click();
  await waitHeading(page, '积玉桥街道 排查态势');
  assert.equal(hash(page), '#/command/420106001');
  const street = (await srv.api('GET', '/api/v1/coverage?region=420106001', { token: cm })).body;
  await rows(page).first().waitFor();
  assert.equal(await rows(page).count(), street.children.length);
  assert.match(await page.locator('.coverage-card h2').innerText(), /各社区覆盖率/);
  await page.locator('a.region-link[href="#/command/420106001001"]').click();
  await waitHeading(page, '尚隆苑社区居委会 排查态势');
  assert.match(await page.locator('.coverage-card h2').innerText(), /各网格覆盖率/);
  await page.locator(`a.region-link[href="#/command/${GRID}"]`).click();
  await waitHeading(page, '第一网格 排查态势');
  const gaps = (await srv.api('GET', `/api/v1/coverage/gaps?region=${GRID}`, { token: cm })).body.items;
  await page.locator('[data-testid=gaps] li, .coverage-card .empty').first().waitFor();
  assert.equal(await page.locator('[data-testid=gaps] li').count(), gaps.length);
  // households missed on an earlier day and not reached since stay listed, with their last day
  const yday = new Date(Date.parse(`${cov.date}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
  const earlier = (await srv.api('GET', `/api/v1/coverage/gaps?region=${GRID}&since=${yday}`, { token: cm })).body.items;
  await page.locator('[data-testid=gaps-earlier] li, .gaps-earlier .empty').first().waitFor();
  assert.equal(await page.locator('[data-testid=gaps-earlier] li').count(), earlier.length);
  for (const [i, g] of earlier.entries()) {
    assert.match(await page.locator('[data-testid=gaps-earlier] li').nth(i).innerText(),
      g.last_screened ? new RegExp(`上次排查：${g.last_screened}`) : /从未排查/);
  }
  // the breadcrumb leads back up
  await page.locator('.breadcrumb a', { hasText: '积玉桥街道' }).click();
  await waitHeading(page, '积玉桥街道 排查态势');

  // another day: the picker puts it in the address, the numbers follow
  const y = new Date(`${cov.date}T00:00:00Z`);
  y.setUTCDate(y.getUTCDate() - 1);
  const yesterday = y.toISOString().slice(0, 10);
  await page.fill('#command-date', yesterday);
  await page.locator('p.muted', { hasText: `${yesterday} 的入户排查` }).waitFor();
  assert.equal(hash(page), `#/command/420106001?date=${yesterday}`);
  const old = (await srv.api('GET', `/api/v1/coverage?region=420106001&date=${yesterday}`, { token: cm })).body;
  assert.equal(await kpi('visited'), old.region.visited.toLocaleString('en'));
  await page.getByRole('link', { name: '回到今天' }).click();
  await page.locator('p.muted', { hasText: `${cov.date} 的入户排查` }).waitFor();
  checkClean(assert, page);
  await page.context().close();
});

test('phone: an officer closes the alert with an outcome', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'officer', { hash: '#/command' });
  await waitHeading(page, '积玉桥街道 排查态势');
  const alert = page.locator(`[data-testid=alerts] li[data-person="${fever.person_id}"]`);
  await alert.waitFor();
  assert.equal(await overflowX(page), 0, 'nothing sticks out sideways');
  assert.equal(await page.locator('[data-testid=coverage] thead').isVisible(), false, 'rows become cards');
  await shot(page, 'phone-command-officer', { fullPage: false });
  await alert.getByRole('button', { name: '处置' }).click();
  await alert.getByRole('button', { name: '确认处置' }).click();
  assert.equal((await alert.getByRole('alert').innerText()).trim(), '请选择处置结果。');
  await alert.locator('select').selectOption('home_isolation');
  await alert.locator('input[name=note]').fill('复测 37.6，居家观察');
  await alert.scrollIntoViewIfNeeded();
  await shot(page, 'phone-command-close', { fullPage: false });
  await alert.getByRole('button', { name: '确认处置' }).click();
  await alert.getByRole('status').filter({ hasText: '已处置：居家隔离' }).waitFor();
  const of = await srv.login('officer');
  const closed = (await srv.api('GET', `/api/v1/alerts?region=${GRID}&state=closed`, { token: of })).body.items
    .filter((a) => a.person_id === fever.person_id);
  assert.equal(closed.length, 1);
  assert.equal(closed[0].outcome, 'home_isolation');
  assert.equal(closed[0].closed_by, 'officer');
  await page.reload();
  await page.locator('[data-testid=alerts]').waitFor({ state: 'attached' });
  await page.locator('.alerts-card .list-status, .alerts-card .empty').first().waitFor();
  assert.equal(await alert.count(), 0, 'no longer among the open alerts');
  checkClean(assert, page);
  await page.context().close();
});

// The alert list's filters: the day (every day at first: an open alert of
// an earlier day is never hidden) and the kind.
// The demo outbreak (1,500 residents) leaves missed follow-ups open beside
// the abnormal findings; each choice shows the rows GET /alerts answers for
// that filter, the kind labelled on each.
test('alert filters: day and kind give the rows the API answers for them, in Chinese and English, wall and phone', async () => {
  const s = await startServer({ people: 1500, days: 1 });
  try {
    const cm = await s.login('commander');
    const api = async (q) => {
      const r = await s.api('GET', `/api/v1/alerts?state=open&limit=10${q}`, { token: cm });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.items;
    };
    const today = (await s.api('GET', '/api/v1/coverage', { token: cm })).body.date;
    const missedAll = (await s.api('GET', '/api/v1/alerts?state=open&kind=followup_missed&limit=1000', { token: cm })).body.items;
    const day = missedAll.find((a) => a.date < today)?.date; // an earlier day with missed follow-ups
    assert.ok(day, 'open missed follow-ups of an earlier day in the demo outbreak');
    const want = async (kind, on) => (await api(`${kind ? `&kind=${kind}` : ''}${on ? `&from=${on}&to=${on}` : ''}`)).map((a) => a.id);

    const page = await openPage(browser, s, { viewport: WALL });
    await signIn(page, s, 'commander');
    await page.locator('a.nav-link[data-nav=command]').click();
    await waitHeading(page, '武昌区 排查态势');
    const shown = async (kind, on) => {
      const list = page.locator(`[data-testid=alerts][data-kind=${kind || 'all'}][data-date="${on}"][data-loaded]`);
      await list.waitFor({ state: 'attached' });
      return list.locator('li.alert-item').evaluateAll((els) => els.map((e) => Number(e.dataset.alert)));
    };
    // at first: every day, every kind — the open alerts of earlier days too
    assert.equal(await page.inputValue('#alerts-date'), '');
    assert.equal(await page.inputValue('#alerts-kind'), '');
    const all = await shown('', '');
    assert.deepEqual(all, await want('', ''));
    const allOpen = (await s.api('GET', '/api/v1/alerts?state=open&limit=1000', { token: cm })).body.items;
    assert.ok(allOpen.some((a) => a.date < today), 'the demo leaves open alerts of earlier days');
    assert.ok(all.length === Math.min(10, allOpen.length), 'the first page of every open alert');
    // today only, then the earlier day
    await page.fill('#alerts-date', today);
    const first = await shown('', today);
    assert.deepEqual(first, await want('', today));

    // the day with missed follow-ups, then each kind
    await page.fill('#alerts-date', day);
    const every = await shown('', day);
    assert.deepEqual(every, await want('', day));
    assert.notDeepEqual(every, first, 'another day, other rows');
    await page.selectOption('#alerts-kind', 'followup_missed');
    const missed = await shown('followup_missed', day);
    assert.ok(missed.length > 0);
    assert.deepEqual(missed, await want('followup_missed', day));
    const rows = page.locator('[data-testid=alerts] li.alert-item');
    for (const text of await rows.allInnerTexts()) assert.match(text, new RegExp(`${day} (上午|下午)[\\s\\S]*漏随访`));
    assert.equal(await rows.locator('.chip-kind', { hasText: '漏随访' }).count(), missed.length);
    assert.match(await rows.first().locator('.alert-where').innerText(), new RegExp(`${day} (上午|下午)`));
    assert.equal(await overflowX(page), 0);
    await shot(page, 'wall-command-alerts-missed', { fullPage: false });
    await page.selectOption('#alerts-kind', 'screening');
    const found = await shown('screening', day);
    assert.deepEqual(found, await want('screening', day));
    assert.ok(!found.some((id) => missed.includes(id)), 'the kinds do not mix');
    assert.equal(await rows.locator('.chip-kind', { hasText: '排查异常' }).count(), found.length);

    // in English
    await page.locator('.topbar').getByRole('button', { name: 'Switch to English' }).click();
    await waitHeading(page, 'screening today');
    await page.fill('#alerts-date', day);
    await page.selectOption('#alerts-kind', 'followup_missed');
    assert.deepEqual(await shown('followup_missed', day), missed);
    assert.deepEqual((await page.locator('#alerts-kind option').allInnerTexts()).map((x) => x.trim()),
      ['All', 'Abnormal findings', 'Missed follow-ups', 'Hotline fever']);
    assert.equal(await rows.locator('.chip-kind', { hasText: 'Missed follow-up' }).count(), missed.length);
    assert.match(await rows.first().locator('.alert-where').innerText(), new RegExp(`${day} (morning|evening)`));
    assert.equal(await overflowX(page), 0);
    const fits = (sel) => page.locator(sel).evaluate((el) => {
      // the chosen option's text against the room inside the select (less its arrow)
      const st = getComputedStyle(el);
      const span = document.createElement('span');
      span.textContent = el.selectedOptions[0].text;
      for (const k of ['fontFamily', 'fontSize', 'fontWeight', 'letterSpacing']) span.style[k] = st[k];
      span.style.whiteSpace = 'pre';
      document.body.append(span);
      const need = span.getBoundingClientRect().width;
      span.remove();
      // Chromium cuts the text a little before the padding: half an em to spare
      return need <= el.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) - parseFloat(st.fontSize) / 2;
    });
    assert.ok(await fits('#alerts-kind'), 'the kind reads whole');
    await shot(page, 'wall-command-alerts-en', { fullPage: false });
    checkClean(assert, page);
    await page.context().close();

    // a phone: the filters stack above the list, nothing sticks out
    const phone = await openPage(browser, s, { viewport: PHONE, isMobile: true });
    await signIn(phone, s, 'commander', { hash: '#/command' });
    await waitHeading(phone, '武昌区 排查态势');
    await phone.fill('#alerts-date', day);
    await phone.selectOption('#alerts-kind', 'followup_missed');
    const list = phone.locator(`[data-testid=alerts][data-kind=followup_missed][data-date="${day}"][data-loaded]`);
    await list.waitFor({ state: 'attached' });
    assert.deepEqual(await list.locator('li.alert-item').evaluateAll((els) => els.map((e) => Number(e.dataset.alert))), missed);
    assert.equal(await overflowX(phone), 0);
    await phone.locator('.alerts-card').scrollIntoViewIfNeeded();
    await shot(phone, 'phone-command-alerts', { fullPage: false });
    checkClean(assert, phone);
    await phone.context().close();
  } finally {
    await s.stop();
  }
});
