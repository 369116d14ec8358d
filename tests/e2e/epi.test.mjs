// Cases, contact tracing, follow-ups, transmission chains and epidemic
// statistics in the browser, on a demo district with an outbreak (2,000
// residents: the demo adds ~300 cases with their contacts under
// observation).  The community doctor reports a case for a resident, moves
// it to confirmed and sees the move in its history, traces two close
// contacts (one outside the exposure window: the server's warning shows),
// then on a phone records follow-ups ("no symptoms, not measured" in one tap; a fever that is
// converted to a suspected case) and releases an observation that is over.
// The commander sees the clusters as a graph, the epidemic curve and Rt,
// and the community states on the command view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, waitHeading, hash, navIds, PHONE, WALL } from './lib/browser.mjs';

const GRID = '420106001001001'; // in the doctor's community
let srv, browser, today, T = {};
const P = {}; // name -> person
let caseId, warned; // the case reported here; the contact recorded with a warning

function addDays(ymd, n) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  srv = await startServer({ people: 2000, days: 1 });
  browser = await launch();
  for (const u of ['officer', 'doctor', 'commander']) T[u] = await srv.login(u);
  today = (await srv.api('GET', '/api/v1/stats/daily', { token: T.doctor })).body.days.at(-1).date;
  // residents the officer registered in the doctor's community
  const hh = await srv.api('POST', '/api/v1/households', { token: T.officer, body: { grid: GRID, building: '流调楼', room: '101' } });
  assert.equal(hh.status, 201, JSON.stringify(hh.body));
  for (const name of ['流调甲', '流调乙']) {
    const p = await srv.api('POST', '/api/v1/persons', { token: T.officer, body: { household_id: hh.body.id, name } });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    P[name] = p.body;
  }
});
after(async () => { await browser?.close(); await srv?.stop(); });

const getCase = async (id) => (await srv.api('GET', `/api/v1/cases/${id}`, { token: T.doctor })).body;

test('doctor: a case for a resident, moved to confirmed, in its history; two close contacts traced, one with the window warning', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'doctor');
  const ids = await navIds(page);
  for (const f of ['cases', 'followups', 'clusters', 'epi']) assert.ok(ids.includes(f), `doctor's nav has ${f}`);
  await page.locator('a.nav-link[data-nav=cases]').click();
  await waitHeading(page, '病例');
  // the list: the demo's cases in the doctor's community, as the server lists them
  const listed = (await srv.api('GET', '/api/v1/cases?limit=50', { token: T.doctor })).body.items;
  await page.locator('[data-testid=cases] tbody tr, main .empty').first().waitFor();
  assert.equal(await page.locator('[data-testid=cases] tbody tr').count(), listed.length);

  // a new case: find the resident by name, report as suspected
  await page.getByRole('button', { name: '新建病例' }).click();
  const form = page.locator('[data-testid=new-case]');
  await form.locator('input[type=search]').fill('流调甲');
  await form.getByRole('button', { name: '搜索' }).click();
  await form.locator(`.pick-person[data-person="${P['流调甲'].id}"]`).click();
  await form.locator('.picked-person', { hasText: '流调甲' }).waitFor();
  await form.locator('#nc-onset').fill(addDays(today, -3));
  await form.locator('#nc-unit').fill('积玉桥社区卫生服务中心');
  await form.getByRole('button', { name: '提交报告' }).click();
  await page.waitForURL(/#\/cases\/\d+$/);
  caseId = Number(hash(page).split('/').pop());
  await waitHeading(page, `病例 #${caseId} 流调甲`);
  assert.equal((await getCase(caseId)).category, 'suspected');
  assert.match(await page.locator('[data-testid=case-facts]').innerText(), /疑似病例[\s\S]*积玉桥社区卫生服务中心[\s\S]*定点医院/);
  assert.equal(await page.locator('[data-testid=history] li').count(), 1);

  // only the moves the protocol allows are offered; confirmed, with a reason
  const moves = await page.locator('[data-testid=transition] .seg-radio').allInnerTexts();
  assert.deepEqual(moves.map((s) => s.trim()), (await getCase(caseId)).allowed.map((m) => ({ confirmed: '确诊病例', excluded: '已排除', clinical: '临床诊断病例' })[m]));
  await page.locator('[data-testid=transition] .seg-radio', { hasText: '确诊病例' }).click();
  await page.getByRole('button', { name: '确认变更' }).click();
  await page.getByRole('alert').filter({ hasText: '请填写变更依据' }).waitFor();
  await page.locator('[data-testid=transition] input[name=reason]').fill('核酸检测阳性');
  await page.getByRole('button', { name: '确认变更' }).click();
  await page.getByRole('status').filter({ hasText: '已变更为：确诊病例' }).waitFor();
  const c = await getCase(caseId);
  assert.equal(c.category, 'confirmed');
  assert.equal(c.events.length, 2);
  assert.equal(await page.locator('[data-testid=history] li').count(), 2);
  assert.match(await page.locator('[data-testid=history] li').first().innerText(), /疑似病例 → 确诊病例[\s\S]*doctor[\s\S]*核酸检测阳性/);
  assert.match(await page.locator('[data-testid=case-facts] [data-k=category]').innerText(), /确诊病例/);
  assert.match(await page.locator('[data-testid=case-facts] [data-k=outcome]').innerText(), /治疗中/);

  // a new person, exposed before the window (onset − 2 days): recorded, with the warning
  await page.getByTestId('add-contact').click();
  const cf = page.locator('[data-testid=contact-form]');
  await cf.locator('.seg-radio', { hasText: '新登记人员' }).click();
  await cf.locator('input[name=name]').fill('流调丙');
  await cf.locator('select[name=sex]').selectOption('F');
  await cf.locator(`#ct-${caseId}-grid-6`).selectOption(GRID);
  await cf.locator('input[name=building]').fill('流调楼');
  await cf.locator('input[name=room]').fill('102');
  await cf.locator('input[name=phone]').fill('13800138000');
  await cf.locator('input[name=first_exposure]').fill(addDays(today, -10));
  await cf.locator('input[name=last_exposure]').fill(addDays(today, -6));
  await cf.getByRole('button', { name: '登记密接并开始观察' }).click();
  await page.getByTestId('exposure-warning').waitFor();
  assert.match(await page.getByTestId('exposure-warning').innerText(), /追踪时间窗[\s\S]*window/);
  assert.match(await page.locator('.contact-result').innerText(), new RegExp(`医学观察至 ${addDays(today, 8)}`));
  await page.locator('[data-testid=contacts] li', { hasText: '流调丙' }).waitFor();

  // a registered resident, exposed yesterday and today
  await page.getByTestId('add-contact').click();
  await cf.locator('input[type=search]').fill('流调乙');
  await cf.getByRole('button', { name: '搜索' }).click();
  await cf.locator(`.pick-person[data-person="${P['流调乙'].id}"]`).click();
  await cf.locator('select[name=setting]').selectOption('work');
  await cf.locator('input[name=first_exposure]').fill(addDays(today, -1));
  await cf.locator('input[name=last_exposure]').fill(today);
  await cf.getByRole('button', { name: '登记密接并开始观察' }).click();
  await page.locator('[data-testid=contacts] li', { hasText: '流调乙' }).waitFor();
  assert.equal(await page.getByTestId('exposure-warning').count(), 0, 'no warning inside the window');
  const contacts = (await srv.api('GET', `/api/v1/contacts?case_id=${caseId}`, { token: T.doctor })).body.items;
  assert.equal(contacts.length, 2);
  assert.equal(await page.locator('[data-testid=contacts] li').count(), 2);
  assert.match(await page.locator('[data-testid=contacts] li', { hasText: '流调乙' }).innerText(), /工作场所[\s\S]*观察中/);
  warned = contacts.find((k) => k.person_id !== P['流调乙'].id);
  assert.equal(await overflowX(page), 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'wall-case');
  checkClean(assert, page);
  await page.context().close();
});

test('phone: the case page, then the follow-up worklist: one tap "normal", a fever converted to a suspected case, a release', async () => {
  // a contact exposed 16 and 15 days ago: the period ended yesterday, for release
  const old = await srv.api('POST', '/api/v1/contacts', {
    token: T.doctor,
    body: {
      source_case_id: caseId, person: { name: '流调丁', grid: GRID, building: '流调楼', room: '103' }, setting: 'other',
      first_exposure: addDays(today, -16), last_exposure: addDays(today, -15),
    },
  });
  assert.equal(old.status, 201, JSON.stringify(old.body));
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'doctor', { hash: `#/cases/${caseId}` });
  await waitHeading(page, `病例 #${caseId} 流调甲`);
  await page.locator('[data-testid=contacts] li').first().waitFor();
  assert.equal(await overflowX(page), 0, 'case page fits a phone');
  await shot(page, 'phone-case');

  await page.goto('/#/followups');
  await waitHeading(page, '今日随访');
  const item = (pid) => page.locator(`li.fu-item[data-person="${pid}"]`);
  const yi = P['流调乙'].id;
  await item(yi).waitFor();
  assert.equal(await page.locator(`[data-testid=fu-due] li.fu-item[data-person="${yi}"]`).count(), 1, 'the new contact is due');
  assert.equal(await overflowX(page), 0, 'worklist fits a phone');
  await shot(page, 'phone-followups', { fullPage: false });
  const dueBefore = Number(await page.locator('[data-count=due] .count-n').innerText());

  // one tap: no symptoms, temperature not measured (none is made up)
  await item(yi).getByTestId('fu-normal').click();
  await item(yi).getByRole('status').filter({ hasText: '无症状，未测体温' }).waitFor();
  await page.locator(`[data-testid=fu-due] li.fu-item[data-person="${yi}"]`).waitFor({ state: 'detached' }); // gone from the due list
  await page.locator(`[data-testid=fu-done] li.fu-item[data-person="${yi}"]`).waitFor({ state: 'attached' });
  assert.equal(Number(await page.locator('[data-count=due] .count-n').innerText()), dueBefore - 1);
  const obs = (await srv.api('GET', `/api/v1/observations?region=${GRID}&state=active&limit=1000`, { token: T.doctor })).body.items;
  assert.equal(obs.find((o) => o.person_id === yi).followups, 1);
  const yiObs = obs.find((o) => o.person_id === yi).id;
  assert.equal(execFileSync('sqlite3', [srv.db, `SELECT coalesce(temp_dc, 'none') FROM followups WHERE observation_id = ${yiObs}`]).toString().trim(),
    'none', 'the one tap stores no temperature');

  // the form: a fever and a cough; the case is suggested and made
  const bing = warned.person_id;
  await item(bing).getByRole('button', { name: '填写体温/症状' }).click();
  // neither a temperature nor "not measured": nothing is sent
  await item(bing).getByRole('button', { name: '保存随访' }).click();
  await item(bing).locator('.form-msg').getByText('请填写体温，或勾选“未测温”。').waitFor();
  await item(bing).locator('input[name=temperature]').fill('38.2');
  await item(bing).locator('.chip-check', { hasText: '咳嗽' }).click();
  await item(bing).getByRole('button', { name: '保存随访' }).click();
  await page.locator(`[data-testid=fu-sick] li.fu-item[data-person="${bing}"]`).waitFor();
  await item(bing).locator('input[name=reporting_unit]').fill('积玉桥社区卫生服务中心');
  await item(bing).scrollIntoViewIfNeeded();
  await shot(page, 'phone-followups-convert', { fullPage: false });
  await item(bing).getByRole('button', { name: '确认转为疑似病例' }).click();
  await item(bing).getByTestId('fu-case').waitFor();
  const conv = (await srv.api('GET', `/api/v1/observations?region=${GRID}&state=converted&limit=1000`, { token: T.doctor })).body.items;
  const mine = conv.find((o) => o.person_id === bing);
  assert.ok(mine, 'the observation ended as converted');
  const newCase = Number((await item(bing).getByTestId('fu-case').getAttribute('href')).split('/').pop());
  assert.equal((await getCase(newCase)).category, 'suspected');

  // a release the doctor confirms
  const relId = old.body.observation_id;
  const rel = page.locator(`[data-testid=fu-release] li.fu-item[data-obs="${relId}"]`);
  await rel.scrollIntoViewIfNeeded();
  await rel.getByTestId('fu-release-btn').click();
  await rel.getByRole('status').filter({ hasText: '已解除医学观察' }).waitFor();
  const released = (await srv.api('GET', '/api/v1/observations?state=released&limit=1000', { token: T.doctor })).body.items;
  assert.ok(released.some((o) => o.id === relId));

  // after a reload: the normal one is done for this round, the converted one is gone
  await page.reload();
  await waitHeading(page, '今日随访');
  await page.locator('[data-testid=fu-done]').waitFor({ state: 'attached' });
  assert.equal(await page.locator(`[data-testid=fu-due] li[data-person="${yi}"]`).count(), 0);
  assert.equal(await page.locator(`[data-testid=fu-done] li[data-person="${yi}"]`).count(), 1);
  assert.equal(await page.locator(`li.fu-item[data-person="${bing}"]`).count(), 0);
  assert.equal(await page.locator(`li.fu-item[data-obs="${relId}"]`).count(), 0);
  checkClean(assert, page);
  await page.context().close();
});

test('phone: the doctor calls from the worklist (reveal audited as a follow-up call), sees the trend, and records offline: sent once, a lost answer replayed', async () => {
  // a resident with an address and a phone, traced yesterday: two readings so far
  const hh = await srv.api('POST', '/api/v1/households', { token: T.officer, body: { grid: GRID, building: '7栋', unit: '2单元', room: '301', address: '和平路12号' } });
  const p = await srv.api('POST', '/api/v1/persons', { token: T.officer, body: { household_id: hh.body.id, name: '随访戊', phone: '13812345678' } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const k = await srv.api('POST', '/api/v1/contacts', {
    token: T.doctor,
    body: { source_case_id: caseId, person_id: p.body.id, setting: 'household', first_exposure: addDays(today, -2), last_exposure: addDays(today, -1), traced_date: addDays(today, -1) },
  });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const obs = k.body.observation_id;
  const fu = (body) => srv.api('POST', `/api/v1/observations/${obs}/followups`, { token: T.doctor, body: { date: addDays(today, -1), ...body } });
  assert.equal((await fu({ slot: 'am', temperature: 36.6 })).status, 201);
  assert.equal((await fu({ slot: 'pm', temperature_measured: false })).status, 201);

  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'doctor', { hash: '#/followups' });
  await waitHeading(page, '今日随访');
  const item = page.locator(`[data-testid=fu-due] li.fu-item[data-person="${p.body.id}"]`);
  await item.waitFor();
  assert.equal((await item.getByTestId('fu-address').innerText()).trim(), '7栋 2单元 301 · 和平路12号');
  assert.match(await item.getByTestId('fu-call').innerText(), /拨打[\s\S]*138\*{4}5678/);
  assert.equal(await item.getByTestId('fu-tel').count(), 0, 'the number is not on the page before the call');
  // the trend, oldest first: "not measured" in words, never a number
  assert.deepEqual((await item.locator('[data-testid=fu-readings] li').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim()),
    [`${addDays(today, -1).slice(5)} 早 36.6°`, `${addDays(today, -1).slice(5)} 晚 未测`]);
  assert.equal(await overflowX(page), 0, 'the worklist with address, phone and trend fits a phone');
  await item.scrollIntoViewIfNeeded();
  await shot(page, 'phone-followups-call', { fullPage: false });

  // "call": revealed with the reason "follow-up call", audited, offered as tel:
  const admin = await srv.login('admin');
  const reveals = async () => (await srv.api('GET', '/api/v1/audit?action=person.reveal&limit=1000', { token: admin })).body.items;
  const before = (await reveals()).length;
  await item.getByTestId('fu-call').click();
  await item.getByTestId('fu-tel').waitFor();
  assert.equal(await item.getByTestId('fu-tel').getAttribute('href'), 'tel:13812345678');
  const after = await reveals();
  assert.equal(after.length, before + 1, 'one reveal for one call');
  assert.equal(after[0].object, `person:${p.body.id}`);
  assert.deepEqual(JSON.parse(after[0].detail), { reason: 'follow-up call' });

  // offline: the follow-up is kept on the phone, nothing reaches the server
  const sent = [], answered = [];
  const isFollowup = (r) => r.method() === 'POST' && /\/observations\/\d+\/followups$/.test(r.url());
  page.on('request', (r) => { if (isFollowup(r)) sent.push(JSON.parse(r.postData())); });
  page.on('response', async (r) => { if (isFollowup(r.request())) answered.push({ status: r.status(), body: await r.json() }); });
  const stored = () => Number(execFileSync('sqlite3', [srv.db, `SELECT count(*) FROM followups WHERE observation_id = ${obs} AND day = (SELECT max(day) FROM followups)`]).toString().trim());
  const waiting = () => page.evaluate(async () => (await import('/js/outbox.js')).items('followup').then((x) => x.length));
  await page.context().setOffline(true);
  await item.getByTestId('fu-normal').click();
  await page.locator(`li.fu-item[data-person="${p.body.id}"]`).getByRole('status').filter({ hasText: '已保存在手机上' }).waitFor();
  assert.equal(await waiting(), 1, 'kept in the outbox');
  assert.equal(stored(), 0);
  await page.locator(`[data-testid=fu-done] li.fu-item[data-person="${p.body.id}"]`).waitFor({ state: 'attached' });
  await shot(page, 'phone-followups-offline', { fullPage: false });

  // back online, the answer is lost on the way: stored once, kept to send again
  let lost = 0;
  await page.route('**/api/v1/observations/*/followups', async (route) => {
    await route.fetch();
    lost++;
    await route.abort('connectionreset');
  }, { times: 1 });
  await page.context().setOffline(false);
  await page.waitForFunction(() => navigator.onLine);
  for (let i = 0; i < 100 && !lost; i++) await page.waitForTimeout(100);
  assert.equal(lost, 1, 'sent when the network returned');
  assert.equal(stored(), 1);
  assert.equal(await waiting(), 1, 'no answer: still waiting');
  // the next flush replays it: answered as the first time, stored once
  await page.evaluate(async () => (await import('/js/outbox.js')).flush());
  assert.equal(await waiting(), 0, 'the replay emptied the outbox');
  assert.equal(stored(), 1, 'exactly once on the server');
  // tries offline fail on the phone; every try carries the same uuid and content
  assert.ok(sent.length >= 2, `tries: ${sent.length}`);
  for (const b of sent) assert.deepEqual(b, sent[0]);
  // one answer reached the page: the replay's, as the first time
  await page.waitForTimeout(100);
  assert.equal(answered.length, 1, JSON.stringify(answered));
  assert.equal(answered[0].status, 201);
  assert.equal(answered[0].body.result, 'replayed');
  assert.equal(answered[0].body.uuid, sent[0].uuid);
  assert.equal(execFileSync('sqlite3', [srv.db, `SELECT count(*) FROM followups WHERE uuid = '${sent[0].uuid}'`]).toString().trim(), '1');
  checkClean(assert, page);
  await page.context().close();
});

test('statistics: current counts beside the cumulative ones; Rt windows with few cases faded and out of the axis range', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'commander', { hash: '#/epi' });
  await waitHeading(page, '疫情统计');
  await page.getByTestId('rt-chart').locator('canvas').waitFor();
  const daily = (await srv.api('GET', '/api/v1/stats/daily', { token: T.commander })).body;
  const last = daily.days.at(-1);
  for (const k of ['confirmed', 'suspected', 'asymptomatic', 'observation']) {
    assert.equal((await page.locator(`[data-now=${k}] .stat-value`).innerText()).trim(), last.current[k].toLocaleString('en'), k);
  }
  assert.match(await page.getByTestId('epi-now').innerText(), /现有确诊[\s\S]*今日新增[\s\S]*现有疑似[\s\S]*尚在医学观察/);
  const rt = (await srv.api('GET', '/api/v1/stats/rt?days=60', { token: T.commander })).body;
  const el = page.getByTestId('rt-chart');
  const sure = rt.items.filter((x) => x.mean != null && x.cases >= 12);
  assert.equal(Number(await el.getAttribute('data-faded')), rt.items.filter((x) => x.mean != null && x.cases < 12).length);
  const want = sure.length ? Math.max(2, Math.ceil(Math.max(...sure.map((x) => x.q975)))) : 4;
  assert.equal(Number(await el.getAttribute('data-ymax')), want, 'the axis is set by the windows with enough cases');
  const opt = await page.evaluate(() => {
    const o = window.echarts.getInstanceByDom(document.querySelector('[data-testid=rt-chart]')).getOption();
    return { max: o.yAxis[0].max, full: o.series[2].data.filter((v) => v !== '-').length };
  });
  assert.equal(opt.max, want);
  assert.equal(opt.full, sure.length, 'only windows with enough cases in full colour');
  await shot(page, 'wall-epi-current', { fullPage: false });
  checkClean(assert, page);
  await page.context().close();
});

test('wall: the clusters, one drawn as a graph; the epidemic curve and Rt; community states on the command view', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'commander');
  await page.locator('a.nav-link[data-nav=clusters]').click();
  await waitHeading(page, '传播链');
  const cl = (await srv.api('GET', '/api/v1/clusters', { token: T.commander })).body;
  assert.ok(cl.items.length > 0, 'the demo outbreak has clusters');
  await page.locator('[data-testid=clusters] tbody tr').first().waitFor();
  assert.equal(await page.locator('[data-testid=clusters] tbody tr').count(), cl.items.length);
  assert.match(await page.locator('.cl-total').innerText(), new RegExp(`共 ${cl.total} 起`));
  const first = cl.items[0];
  assert.match(await page.locator('[data-testid=clusters] tbody tr').first().innerText(), new RegExp(`聚集 #${first.id}[\\s\\S]*${first.size}[\\s\\S]*${first.first_onset}`));
  await page.locator(`a.cluster-link[href="#/clusters/${first.id}"]`).click();
  await waitHeading(page, `聚集 #${first.id}`);
  const g = (await srv.api('GET', `/api/v1/clusters/${first.id}`, { token: T.commander })).body;
  const graph = page.getByTestId('cluster-graph');
  await graph.locator('canvas').waitFor();
  assert.equal(Number(await graph.getAttribute('data-nodes')), g.nodes.length);
  assert.equal(Number(await graph.getAttribute('data-edges')), g.edges.length);
  const box = await graph.locator('canvas').boundingBox();
  assert.ok(box.width > 600 && box.height > 400, `graph canvas ${box.width}x${box.height}`);
  // the drawn nodes, as ECharts holds them
  const drawn = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid=cluster-graph]')).getOption().series[0].data.length);
  assert.equal(drawn, g.nodes.length);
  // labels: all of a small cluster; of a big one, the spreaders (three links or more)
  const degree = {};
  for (const e of g.edges) for (const id of [e.from, e.to]) degree[id] = (degree[id] || 0) + 1;
  const labelled = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid=cluster-graph]')).getOption()
    .series[0].data.filter((d) => d.label?.show !== false).map((d) => Number(d.id)).sort((a, b) => a - b));
  assert.deepEqual(labelled, g.nodes.filter((n) => g.nodes.length <= 80 || degree[n.id] >= 3).map((n) => n.id).sort((a, b) => a - b));
  assert.equal(await page.locator('[data-testid=cluster-nodes] li').count(), g.nodes.length);
  assert.equal(await overflowX(page), 0);
  await shot(page, 'wall-cluster', { fullPage: false });

  // statistics of the district
  await page.locator('a.nav-link[data-nav=epi]').click();
  await waitHeading(page, '疫情统计');
  const daily = (await srv.api('GET', '/api/v1/stats/daily', { token: T.commander })).body;
  const rt = (await srv.api('GET', '/api/v1/stats/rt', { token: T.commander })).body;
  await page.getByTestId('epi-curve').locator('canvas').waitFor();
  await page.getByTestId('rt-chart').locator('canvas').waitFor();
  assert.equal((await page.locator('[data-kpi=confirmed] .stat-value').innerText()).trim(), daily.days.at(-1).cumulative.confirmed.toLocaleString('en'));
  const latest = [...rt.items].reverse().find((x) => x.mean != null);
  assert.ok(latest, 'Rt has an estimate');
  assert.match(await page.getByTestId('rt-facts').innerText(), new RegExp(`${latest.mean.toFixed(2)}[\\s\\S]*${latest.q025.toFixed(2)} – ${latest.q975.toFixed(2)}`));
  assert.equal(Number(await page.getByTestId('rt-chart').getAttribute('data-windows')), rt.items.filter((x) => x.mean != null).length);
  // Rt drawn with its band: lower bound, the band's width, mean, and the windows with few cases
  const series = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid=rt-chart]')).getOption().series.map((s) => s.data.length));
  assert.deepEqual(series, [rt.items.length, rt.items.length, rt.items.length, rt.items.length]); // + the faded windows
  assert.equal(await overflowX(page), 0);
  await shot(page, 'wall-epi');

  // a street: the picker puts it in the address
  await page.locator('#epi-region-4').selectOption('420106001');
  await page.waitForURL(/#\/epi\?region=420106001$/);
  await page.getByTestId('rt-chart').locator('canvas').waitFor();

  // community states on the command view
  const states = (await srv.api('GET', '/api/v1/communities/states?limit=1000', { token: T.commander })).body.items;
  await page.locator('a.nav-link[data-nav=command]').click();
  await waitHeading(page, '武昌区 排查态势');
  const card = page.getByTestId('community-states');
  await card.locator('.state-summary').waitFor();
  for (const s of [1, 2, 3]) {
    assert.equal((await card.locator(`[data-state="${s}"] .state-n`).innerText()).trim(), String(states.filter((x) => x.state === s).length));
  }
  assert.equal(await card.locator('li.state-item').count(), states.filter((x) => x.state > 1).length);
  await shot(page, 'wall-command-states');
  // a street's view badges each community row
  await page.goto('/#/command/420106001');
  await waitHeading(page, '积玉桥街道 排查态势');
  await page.getByTestId('community-states').locator('.state-summary').waitFor();
  assert.equal(await page.locator('[data-testid=coverage] tbody tr .state-badge').count(), await page.locator('[data-testid=coverage] tbody tr').count());
  checkClean(assert, page);
  await page.context().close();
});

test('clusters: community names, labelled nodes, a time line by onset; a name typed as HTML is drawn as text', async () => {
  // a contact of the doctor's case named like markup, who becomes a case
  const XSS = '<img src=x onerror="window.__xss=1">';
  const hh = await srv.api('POST', '/api/v1/households', { token: T.officer, body: { grid: GRID, building: '流调楼', room: '109' } });
  const p = await srv.api('POST', '/api/v1/persons', { token: T.officer, body: { household_id: hh.body.id, name: XSS } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const k = await srv.api('POST', '/api/v1/contacts', { token: T.doctor, body: { source_case_id: caseId, person_id: p.body.id, setting: 'household', first_exposure: addDays(today, -2), last_exposure: addDays(today, -1) } });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const c = await srv.api('POST', '/api/v1/cases', { token: T.doctor, body: { person_id: p.body.id, category: 'confirmed', diagnosis_time: Math.floor(Date.now() / 1000) - 60, reporting_unit: '武昌医院', place: 'designated_hospital', onset_date: today } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const g = (await srv.api('GET', `/api/v1/clusters/${caseId}`, { token: T.commander })).body;
  assert.ok(g.nodes.some((n) => n.id === c.body.id), 'the new case joined the cluster');

  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'commander', { hash: '#/clusters' });
  await waitHeading(page, '传播链');
  const cl = (await srv.api('GET', '/api/v1/clusters', { token: T.commander })).body.items[0];
  const first = page.locator('[data-testid=clusters] tbody tr').first();
  await first.waitFor();
  assert.ok((await first.innerText()).includes(cl.community_names[0]), 'communities by name');
  assert.ok(!(await first.innerText()).includes(cl.communities[0]), 'not by code');

  await page.goto(`/#/clusters/${caseId}`);
  const graph = page.getByTestId('cluster-graph');
  await graph.locator('canvas').waitFor();
  const opt = () => page.evaluate(() => {
    const o = window.echarts.getInstanceByDom(document.querySelector('[data-testid=cluster-graph]')).getOption();
    return { data: o.series[0].data.map((d) => ({ id: d.id, name: d.name, tip: d.tip, value: d.value })), label: o.series[0].label.show, x: o.xAxis?.[0]?.data };
  });
  let o = await opt();
  assert.equal(o.label, true, 'nodes are labelled');
  const mine = o.data.find((d) => d.id === String(c.body.id));
  assert.equal(mine.name, `#${c.body.id} <*>`, 'the label: case number and the name masked');
  assert.ok(mine.tip.includes(XSS), 'the tooltip names the person as typed');
  const yiNode = o.data.find((d) => d.id === String(caseId));
  assert.match(yiNode.name, new RegExp(`^#${caseId} 流\\*甲$`));
  // every node's tooltip shown: nothing runs, no element is made of the name
  const n = o.data.length;
  await page.evaluate((count) => {
    const ch = window.echarts.getInstanceByDom(document.querySelector('[data-testid=cluster-graph]'));
    for (let i = 0; i < count; i++) ch.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: i });
  }, n);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'the name ran no script');
  assert.equal(await page.locator('img[src=x]').count(), 0, 'no element made of the name');
  assert.ok((await page.getByTestId('cluster-nodes').innerText()).includes(XSS), 'listed beside the graph as text');
  await shot(page, 'wall-cluster-labels', { fullPage: false });

  // the time line: a column per onset day
  await page.locator('.cl-layout button[data-layout=timeline]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-graph]').dataset.layout === 'timeline');
  o = await opt();
  assert.ok(o.x && o.x.includes(today), 'the x axis runs by onset date');
  assert.equal(o.data.find((d) => d.id === String(c.body.id)).value[0], o.x.indexOf(today), 'placed at its onset day');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.getByTestId('cluster-graph').scrollIntoViewIfNeeded();
  await shot(page, 'wall-cluster-timeline', { fullPage: false });
  checkClean(assert, page);
  await page.context().close();
});

test('phone in English: cases, the cluster graph and the statistics fit', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await page.goto('/');
  await page.evaluate(() => localStorage.setItem('fangkong.lang', 'en'));
  await page.reload();
  await signIn(page, srv, 'commander', { hash: '#/cases' });
  await waitHeading(page, 'Cases');
  await page.locator('[data-testid=cases] tbody tr').first().waitFor();
  assert.equal(await page.locator('[data-testid=cases] thead').isVisible(), false, 'rows become cards');
  assert.equal(await overflowX(page), 0);
  await shot(page, 'phone-cases-english', { fullPage: false });
  const cl = (await srv.api('GET', '/api/v1/clusters', { token: T.commander })).body.items[0];
  await page.goto(`/#/clusters/${cl.id}`);
  await waitHeading(page, `Cluster #${cl.id}`);
  await page.getByTestId('cluster-graph').locator('canvas').waitFor();
  assert.equal(await overflowX(page), 0);
  await shot(page, 'phone-cluster-english');
  await page.goto('/#/epi');
  await waitHeading(page, 'Epidemic statistics');
  await page.getByTestId('rt-chart').locator('canvas').waitFor();
  assert.match(await page.getByTestId('rt-facts').innerText(), /Latest Rt[\s\S]*95% CrI/);
  assert.equal(await overflowX(page), 0);
  await shot(page, 'phone-epi-english');
  checkClean(assert, page);
  await page.context().close();
});
