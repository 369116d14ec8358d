// The hotline in the browser, on the demo district with its month of
// tickets.  The operator takes a call on the desktop console with the
// keyboard (the caller's earlier ticket found by phone, the category by
// search, a standard answer beside) and dispatches another; the street's
// officer signs and replies on a phone, reading how the reply deadline was
// derived; the family doctor's queue on a phone; the supervisor's chase
// board; the commander's measures.  The resident leaves a message and
// looks it up with the last 4 digits of the phone, on 375 px and 1920 px,
// with large text and high contrast, in Chinese and English, and axe-core
// finds no accessibility violation on either public page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, waitHeading, navIds, PHONE, WALL } from './lib/browser.mjs';

const STREET1 = '420106001';
const COMM1 = '420106001001';
const AXE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
let srv, browser;
const T = {};

before(async () => {
  srv = await startServer({ people: 300, days: 1 });
  browser = await launch();
  for (const u of ['operator', 'officer', 'doctor']) T[u] = await srv.login(u);
});
after(async () => { await browser?.close(); await srv?.stop(); });

// axe-core, evaluated in the page (the CSP allows no injected script tag).
async function axe(page) {
  await page.evaluate(AXE);
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return r;
}

test('operator: a call taken on the console with the keyboard, answered from the knowledge base; another dispatched', async () => {
  // an earlier ticket of this caller
  const earlier = await srv.api('POST', '/api/v1/tickets', { token: T.operator, body: {
    channel: 'phone', category: 'consultation.pass', urgency: 'general', caller_name: '孙大爷', phone: '13912340000', region: COMM1, text: '上周问过出入证',
  } });
  assert.equal(earlier.status, 201);
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'operator');
  const ids = await navIds(page);
  for (const f of ['hotline', 'tickets', 'measures']) assert.ok(ids.includes(f), `operator's nav has ${f}`);
  assert.equal(await page.locator('[data-testid=my-work] .notice').count(), 0, 'the operator has work now');
  await page.goto('/#/hotline');
  await waitHeading(page, '热线受理台');
  await page.locator('#hl-phone').fill('139 1234 0000');
  await page.locator('#hl-phone').press('Enter');
  await page.locator('[data-testid=history] li', { hasText: earlier.body.number }).waitFor();
  assert.equal(await page.locator('#hl-name').inputValue(), '孙大爷', 'the name from the earlier ticket');
  await page.selectOption('#hl-region-4', STREET1);
  await page.locator('#hl-region-5').waitFor();
  await page.selectOption('#hl-region-5', COMM1);
  await page.locator('[data-testid=on-duty]', { hasText: '值班' }).waitFor(); // the demo's roster covers today
  await page.keyboard.press('Alt+K');
  await page.keyboard.type('通行');
  assert.equal(await page.locator('#hl-cat').inputValue(), 'consultation.pass');
  await page.locator('#hl-text').fill('出入证丢了怎么补办');
  await page.keyboard.press('Alt+F');
  await page.keyboard.type('出入证');
  const faq = page.locator('.hl-faq', { hasText: '出入证在哪里办理' });
  await faq.waitFor();
  await faq.locator('button[data-answer]').click();
  assert.match(await page.locator('#hl-reply').inputValue(), /居委会/, 'the answer is in the reply');
  await shot(page, 'hotline-console-1920');
  await page.keyboard.press('Control+Enter');
  await page.locator('.notice-success').waitFor();
  const tk = (await srv.api('GET', '/api/v1/tickets?phone=13912340000', { token: T.operator })).body.items[0];
  assert.equal(tk.state, 'answered');
  assert.ok(tk.answer_id > 0, 'the answer given is recorded');
  // a second call, dispatched to the street office
  await page.locator('#hl-phone').fill('13912340001');
  await page.selectOption('#hl-region-4', STREET1);
  await page.locator('#hl-region-5').waitFor();
  await page.selectOption('#hl-region-5', COMM1);
  await page.selectOption('#hl-cat', 'complaint');
  await page.locator('#hl-text').fill('楼道垃圾三天未清运');
  await page.selectOption('#hl-unit', `office:${STREET1}`);
  await page.getByRole('button', { name: '受理', exact: true }).click();
  await page.locator('.notice-success', { hasText: '已派单' }).waitFor();
  // a policy changed: the answer is replaced from today, and the old one is no longer offered
  await page.locator('#hl-faq').fill('出入证在哪里办理');
  const old = page.locator('.hl-faq', { hasText: '出入证在哪里办理' });
  await old.locator('button[data-replace]').click();
  await page.locator('#hl-a-a').fill('出入证改为线上申领，社区审核后电子发放。');
  await page.locator('[data-testid=answer-form] button[type=submit]').click();
  await page.locator('.hl-faq', { hasText: '线上申领' }).waitFor();
  const now = (await srv.api('GET', `/api/v1/answers?q=${encodeURIComponent('出入证在哪里办理')}&current=1`, { token: T.operator })).body.items;
  assert.equal(now.length, 1);
  assert.match(now[0].answer, /线上申领/);
  assert.ok(now[0].replaces > 0, 'it names the answer it replaced');
  assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
  checkClean(assert, page);
  await page.context().close();
});

test('officer on a phone: the inbox, one ticket signed and replied, the reply deadline and how it was derived', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'officer');
  await page.goto('/#/inbox');
  await waitHeading(page, '待办工单');
  const row = page.locator('[data-testid=tickets] tbody tr', { hasText: '楼道垃圾三天未清运' });
  await row.waitFor();
  await shot(page, 'hotline-inbox-375');
  await row.locator('a.link').click();
  await page.locator('[data-testid=deadlines] tr[data-deadline=reply]').waitFor();
  await page.locator('[data-testid=moves] button[data-move=sign]').click();
  await page.locator('form.hl-move[data-move=sign] button[type=submit]').click();
  await page.locator('[data-testid=moves] button[data-move=reply]').waitFor();
  await page.locator('[data-testid=moves] button[data-move=reply]').click();
  await page.locator('form.hl-move[data-move=reply] button[type=submit]').click();
  await page.locator('form.hl-move .notice-error').waitFor(); // no text: refused
  await page.locator('#hl-mv-text').fill('已联系环卫所，今日清运。');
  await page.locator('form.hl-move[data-move=reply] button[type=submit]').click();
  await page.locator('h1 .hl-st-replied').waitFor();
  const reply = page.locator('[data-testid=deadlines] tr[data-deadline=reply]');
  assert.equal(await reply.getAttribute('data-state'), 'met');
  await reply.locator('summary').click();
  assert.ok(await reply.locator('.hl-how li', { hasText: '个工作日' }).count() > 0, 'the limit in working days is shown');
  assert.ok(await page.locator('.hl-events li', { hasText: '签收' }).count() > 0);
  await shot(page, 'hotline-ticket-375');
  assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
  checkClean(assert, page);
  await page.context().close();
});

test('officer: the roster of a community, a shift added for a doctor', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'officer');
  await page.goto('/#/roster');
  await waitHeading(page, '家庭医生值班');
  await page.selectOption('#hl-r-5', COMM1);
  await page.locator('[data-testid=doctors] li').first().waitFor();
  const before = await page.locator('[data-testid=shifts] tbody tr').count();
  const d = new Date(Date.now() + 10 * 86400000);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await page.locator('#hl-r-sfrom').fill(`${day}T08:00`);
  await page.locator('#hl-r-sto').fill(`${day}T20:00`);
  await page.getByRole('button', { name: '排班', exact: true }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=shifts] tbody tr').length === n + 1, before);
  assert.ok(await page.locator('[data-testid=shifts] tbody tr', { hasText: `${day} 08:00:00` }).count() === 1, 'read and shown in the same zone');
  await shot(page, 'hotline-roster-1920');
  checkClean(assert, page);
  await page.context().close();
});

test("doctor: the phone queue of the family doctors' calls", async () => {
  const t = await srv.api('POST', '/api/v1/tickets', { token: T.operator, body: {
    channel: 'phone', category: 'help.medical', urgency: 'general', caller_name: '周阿姨', phone: '13912340002', region: COMM1,
    text: '老伴需要每周三次透析，车辆怎么安排', dispatch_to: COMM1, unit_kind: 'doctors',
  } });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'doctor');
  await page.goto('/#/inbox?mine=0');
  await waitHeading(page, '家庭医生来电');
  await page.locator('[data-testid=doctor-queue] li', { hasText: '透析' }).first().waitFor();
  const api = (await srv.api('GET', '/api/v1/tickets/doctor-queue?mine=0&limit=50', { token: T.doctor })).body.items;
  assert.equal(await page.locator('[data-testid=doctor-queue] > li').count(), api.length);
  await shot(page, 'hotline-doctor-375');
  // the doctor opens the call and shows the number to call back (audited)
  await page.locator('[data-testid=doctor-queue] li', { hasText: '透析' }).first().locator('a.btn').click();
  await page.locator('#hl-reveal-reason').fill('回电安排透析车辆');
  await page.getByRole('button', { name: '显示号码回电' }).click();
  await page.locator('a[href="tel:13912340002"]').waitFor();
  await shot(page, 'hotline-doctor-call-375');
  assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
  checkClean(assert, page);
  await page.context().close();
});

test('supervisor: the chase board; commander: the measures', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'supervisor');
  await page.goto('/#/chase');
  await waitHeading(page, '督办');
  const first = page.locator('[data-testid=tickets] tbody tr.is-alert').first();
  await first.waitFor();
  const id = await first.getAttribute('data-id');
  const before = (await srv.api('GET', `/api/v1/tickets/${id}`, { token: await srv.login('supervisor') })).body.chases;
  await first.locator('input').fill('请今日办结并回复');
  await first.locator(`button[data-chase="${id}"]`).click();
  await first.locator('span', { hasText: `已督办 ${before + 1} 次` }).waitFor();
  await shot(page, 'hotline-chase-1920');
  checkClean(assert, page);
  await page.context().close();
  const p2 = await openPage(browser, srv, { viewport: WALL });
  await signIn(p2, srv, 'commander');
  await p2.goto('/#/measures');
  await waitHeading(p2, '热线三率');
  await p2.locator('[data-testid=measures]').waitFor();
  const text = await p2.locator('[data-testid=measures]').innerText();
  assert.match(text, /响应率[\s\S]*%/);
  await shot(p2, 'hotline-measures-1920');
  checkClean(assert, p2);
  await p2.context().close();
});

for (const [vp, name] of [[PHONE, '375'], [WALL, '1920']]) {
  test(`resident (${name} px): a message without an account, then its progress by the last 4 digits; axe-core finds nothing`, async () => {
    const page = await openPage(browser, srv, { viewport: vp, isMobile: vp === PHONE });
    await page.goto('/message.html');
    await page.locator('#pm-name').waitFor();
    await page.locator('#pm-level-4 option').nth(1).waitFor({ state: 'attached' });
    assert.deepEqual(await axe(page), [], 'the form has no accessibility violation');
    await page.locator('#pm-name').fill('钱奶奶');
    const phone = name === '375' ? '13700001111' : '13700002222';
    await page.locator('#pm-phone').fill(phone);
    await page.selectOption('#pm-level-4', STREET1);
    await page.locator(`#pm-level-5 option[value="${COMM1}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#pm-level-5', COMM1);
    await page.selectOption('#pm-cat', 'help.daily_needs');
    await page.locator('#pm-text').fill('一个人在家，米和菜快吃完了，腿脚不方便。');
    await page.locator('[data-toggle=big]').click();
    await page.locator('[data-toggle=contrast]').click();
    assert.equal(await page.locator('[data-toggle=big]').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await axe(page), [], 'large text and high contrast: no violation');
    await shot(page, `hotline-message-${name}`);
    await page.locator('.pub-submit').click();
    await page.locator('[data-testid=message-sent]').waitFor();
    const number = (await page.locator('.pub-ticket dd').first().innerText()).trim();
    assert.match(number, /^\d{8}-\d{6}$/);
    await shot(page, `hotline-message-sent-${name}`);
    await page.goto('/message.html#lookup');
    await page.locator('#pl-number').fill(number);
    await page.locator('#pl-last4').fill('0000');
    await page.locator('.pub-submit').click();
    await page.locator('.notice-error', { hasText: '没有找到' }).waitFor();
    await page.locator('#pl-last4').fill(phone.slice(-4));
    await page.locator('.pub-submit').click();
    await page.locator('[data-testid=lookup-result]').waitFor();
    assert.match(await page.locator('[data-testid=lookup-result]').innerText(), /已受理/);
    assert.deepEqual(await axe(page), [], 'the lookup has no accessibility violation');
    await shot(page, `hotline-lookup-${name}`);
    assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
    // English
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.locator('h1', { hasText: 'Check your message' }).waitFor();
    await page.locator('label[for=pl-last4]', { hasText: 'Last 4 digits' }).waitFor();
    await shot(page, `hotline-lookup-en-${name}`);
    checkClean(assert, page);
    await page.context().close();
  });
}

test('in English: the console on a phone, a ticket on the wall screen', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await page.goto('/');
  await page.evaluate(() => localStorage.setItem('fangkong.lang', 'en'));
  await signIn(page, srv, 'operator');
  await page.goto('/#/hotline');
  await waitHeading(page, 'Hotline console');
  await page.locator('label[for=hl-phone]', { hasText: 'Phone' }).waitFor();
  assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
  await shot(page, 'hotline-console-en-375');
  checkClean(assert, page);
  await page.context().close();
  const t = (await srv.api('GET', '/api/v1/tickets?state=replied&limit=1', { token: T.operator })).body.items[0]
    || (await srv.api('GET', '/api/v1/tickets?limit=1', { token: T.operator })).body.items[0];
  const p2 = await openPage(browser, srv, { viewport: WALL });
  await p2.goto('/');
  await p2.evaluate(() => localStorage.setItem('fangkong.lang', 'en'));
  await signIn(p2, srv, 'operator');
  await p2.goto(`/#/tickets/${t.id}`);
  await p2.locator('[data-testid=deadlines] tr').first().waitFor();
  await p2.locator('h2', { hasText: 'Deadlines' }).waitFor();
  await shot(p2, 'hotline-ticket-en-1920');
  checkClean(assert, p2);
  await p2.context().close();
});
