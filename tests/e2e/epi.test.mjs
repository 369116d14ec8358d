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
  // Rt drawn with its band: mean, lower bound and the band's width
  const series = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid=rt-chart]')).getOption().series.map((s) => s.data.length));
  assert.deepEqual(series, [rt.items.length, rt.items.length, rt.items.length]);
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
