// The public notice of donations and funds (no sign-in; each line verified in
// the browser against the signed checkpoint; a donor finds their gift) and
// the staff pages of the keeper, the donation desk, finance and the auditor,
// in Chinese and English, at phone width and on a wall screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, ROOT } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, PHONE, WALL } from './lib/browser.mjs';

let srv, browser, gift;
before(async () => {
  srv = await startServer();
  browser = await launch();
  // a private person's gift, so that the donor's own check has something to find
  const token = await srv.login('coordinator');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const r = await srv.api('POST', '/api/v1/donations', { token, body: {
    region: '420106001', donor_kind: 'person', donor_name: '陈某某', kind: 'money', amount_fen: 20000,
    voucher: 'YH-E2E', receipt_no: 'JZ-E2E', received_on: today, emergency: true } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  gift = r.body;
  // wait until a checkpoint covers it
  for (let i = 0; i < 100; i++) {
    const cp = await srv.api('GET', '/api/v1/ledger/checkpoint');
    if (cp.status === 200 && Number(cp.body.split('\n')[1]) > gift.ledger_index) break;
    await new Promise((res) => setTimeout(res, 50));
  }
});
after(async () => { await browser?.close(); await srv?.stop(); });

// axe-core's WCAG 2 A and AA rules on the page as it stands: the serious and
// critical violations, as "rule: target" lines.
async function axeViolations(page) {
  await page.evaluate(readFileSync(`${ROOT}/node_modules/axe-core/axe.min.js`, 'utf8'));
  const res = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
  if (res.passes.length < 10) return [`axe checked only ${res.passes.length} rules`];
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id}: ${n.target.join(' ')}`));
}

test('public notice at phone width: no sign-in, lines verified in the browser, the donor finds the gift', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await page.goto('/#/');
  await page.getByTestId('public-link').click();
  await page.getByRole('heading', { name: '捐赠与专项资金公示' }).waitFor();
  await page.getByTestId('pub-donations').waitFor();
  assert.match(await page.getByTestId('pub-checkpoint').innerText(), /签名检查点：共 \d+ 条/);
  // the correction is shown next to what it corrects
  assert.ok(await page.locator('.pub-reversal').count() > 0);
  assert.ok(await page.locator('.pub-corrected').count() > 0);
  // a private name never appears
  assert.ok(!(await page.locator('body').innerText()).includes('陈某某'));
  // verify the first receipt
  const first = page.locator('.pub-receipt').first();
  await first.locator('button.verify').first().click();
  await first.locator('.verify-result.ok').first().waitFor();
  assert.match(await first.locator('.verify-result').first().innerText(), /已核验：在签名检查点（\d+ 条）中/);
  assert.equal(await overflowX(page), 0, 'no sideways scrolling at 375 px');
  await shot(page, 'supplies-public-375');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'supplies-public-375-top', { fullPage: false });
  // the donor's own check
  await page.locator('#find-index').fill(String(gift.ledger_index));
  await page.locator('#find-salt').fill(gift.salt);
  await page.locator('#find-name').fill('陈某某');
  await page.getByRole('button', { name: '查找并核验' }).click();
  await page.getByText('找到了：这笔捐赠以您的名义记入账本').waitFor();
  await page.locator('#find-name').fill('陈某');
  await page.getByRole('button', { name: '查找并核验' }).click();
  await page.getByText('不匹配：序号、凭据码或姓名有误').waitFor();
  await shot(page, 'supplies-public-find-375', { fullPage: false });
  assert.deepEqual(await axeViolations(page), [], 'the public page passes axe-core (WCAG 2 A, AA)');
  checkClean(assert, page);
});

test('public notice on a wall screen, in English, and in print', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await page.goto('/#/public');
  await page.getByTestId('pub-funds').waitFor();
  await page.getByTestId('lang-switch').click();
  await page.getByRole('heading', { name: 'Donations and special funds: public notice' }).waitFor();
  await page.getByTestId('pub-funds').waitFor();
  const row = page.locator('table.pub-funds tbody tr').first();
  await row.locator('button.verify').click();
  await row.locator('.verify-result.ok').waitFor();
  await shot(page, 'supplies-public-1920-en');
  await shot(page, 'supplies-public-1920-en-top', { fullPage: false });
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.pub-find').isVisible(), false, 'the find form is not printed');
  await shot(page, 'supplies-public-print');
  checkClean(assert, page);
});

test('staff pages: keeper\'s stock, the donation desk, finance and the auditor\'s checks', async () => {
  const page = await openPage(browser, srv, { viewport: WALL });
  await signIn(page, srv, 'keeper', { hash: '#/supplies' });
  await page.getByTestId('stock').waitFor();
  assert.ok(await page.locator('[data-testid=stock] tbody tr').count() > 0);
  await shot(page, 'supplies-keeper-1920');
  await shot(page, 'supplies-keeper-1920-top', { fullPage: false });
  const phone = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(phone, srv, 'coordinator', { hash: '#/donations' });
  await phone.getByTestId('donations').waitFor();
  assert.ok(!(await phone.locator('body').innerText()).includes('陈某某'), 'staff lists hold no private donor name');
  assert.equal(await overflowX(phone), 0);
  await shot(phone, 'supplies-desk-375');
  const audit = await openPage(browser, srv, { viewport: WALL });
  await signIn(audit, srv, 'auditor', { hash: '#/funds' });
  await audit.getByTestId('five-checks').waitFor();
  assert.equal(await audit.locator('.audit-check').count(), 5);
  await audit.getByTestId('verify-all').click();
  await audit.getByText(/已核验 \d+ 条，均在签名检查点/).waitFor();
  await shot(audit, 'supplies-auditor-1920');
  await audit.getByTestId('five-checks').scrollIntoViewIfNeeded();
  await shot(audit, 'supplies-auditor-1920-checks', { fullPage: false });
  for (const p of [page, phone, audit]) checkClean(assert, p);
});
