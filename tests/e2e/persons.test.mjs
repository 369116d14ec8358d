// Residents (#/persons): search by name and by the last four digits of the
// phone, a person's page with masked values, revealing them with a reason
// (recorded in the audit log) for users who may, none of that for a grid
// worker; importing a CSV file (Chinese headers, one bad row) where the dry
// run changes nothing; exporting, recorded too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, overflowX, waitHeading, hash, PHONE } from './lib/browser.mjs';

const GRID = '420106001001001';
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
// A resident ID number with its GB 11643 check character (seq odd: male).
function idNumber(region, ymd, seq) {
  const d = `${region}${ymd}${String(seq).padStart(3, '0')}`;
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(d[i]) * W[i];
  return d + '10X98765432'[s % 11];
}
const wrongCheck = (id) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

let srv, browser, of;
const who = { name: '欧阳测试', doc: idNumber('110105', '19491231', 7), phone: '13912345678' };

before(async () => {
  srv = await startServer({ people: 600, days: 2 });
  browser = await launch();
  of = await srv.login('officer');
  const hh = await srv.api('POST', '/api/v1/households', { token: of, body: { grid: GRID, building: '7栋', unit: '1单元', room: '501' } });
  assert.equal(hh.status, 201, JSON.stringify(hh.body));
  const p = await srv.api('POST', '/api/v1/persons', {
    token: of, body: { household_id: hh.body.id, name: who.name, doc_number: who.doc, phone: who.phone, tags: ['chronic'] },
  });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  who.id = p.body.id;
});
after(async () => { await browser?.close(); await srv?.stop(); });

const rows = (page) => page.locator('[data-testid=persons] tbody tr');
const masked = { doc: `${who.doc.slice(0, 6)}********${who.doc.slice(14)}`, phone: `${who.phone.slice(0, 3)}****${who.phone.slice(7)}` };

test('search by name and by phone, open a person (masked), reveal with a reason: the audit log has it', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'officer');
  await page.locator('a.nav-link[data-nav=persons]').click();
  await waitHeading(page, '居民');
  assert.equal(await rows(page).count(), 0, 'nothing listed before a search');
  await page.getByRole('button', { name: '搜索' }).click();
  assert.equal((await page.getByRole('alert').innerText()).trim(), '请至少填写一项查找条件。');

  await page.fill('#ps-name', '欧阳');
  await page.getByRole('button', { name: '搜索' }).click();
  await rows(page).first().waitFor();
  assert.equal(hash(page), `#/persons?name=${encodeURIComponent('欧阳')}`);
  const row = page.locator(`[data-testid=persons] tr[data-id="${who.id}"]`);
  assert.match(await row.innerText(), new RegExp(`${who.name}[\\s\\S]*男[\\s\\S]*1949[\\s\\S]*${masked.doc.replace(/\*/g, '\\*')}[\\s\\S]*${masked.phone.replace(/\*/g, '\\*')}[\\s\\S]*慢性病`));
  for (const n of await rows(page).locator('a.person-link').allInnerTexts()) assert.ok(n.startsWith('欧阳'), n);

  // the last four of the phone; a wrong suffix is caught first
  await page.getByRole('link', { name: '清除' }).click();
  await page.fill('#ps-phone', '56');
  await page.getByRole('button', { name: '搜索' }).click();
  assert.equal((await page.getByRole('alert').innerText()).trim(), '手机号后四位：4 位数字。');
  await page.fill('#ps-phone', '5678');
  await page.getByRole('button', { name: '搜索' }).click();
  await row.waitFor();
  const phones = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[4].innerText.trim()));
  assert.ok(phones.length >= 1 && phones.every((p) => p.endsWith('5678')), phones.join());
  await shot(page, 'desktop-persons-search');

  await row.locator('a.person-link').click();
  await waitHeading(page, who.name);
  assert.equal(hash(page), `#/persons/${who.id}`);
  assert.equal(await page.locator('[data-testid=doc-number]').innerText(), masked.doc);
  assert.equal(await page.locator('[data-testid=phone]').innerText(), masked.phone);
  await page.locator('[data-testid=address]').waitFor();
  assert.match(await page.locator('.household-card').innerText(), /第一网格[\s\S]*7栋 1单元 501[\s\S]*欧阳测试/);

  // reveal: a reason is required, the page says it is recorded
  await page.getByRole('button', { name: '查看完整证件号和手机号' }).click();
  assert.match(await page.locator('[data-testid=reveal]').innerText(), /将记入审计日志/);
  await page.getByRole('button', { name: '查看', exact: true }).click();
  assert.equal((await page.getByRole('alert').innerText()).trim(), '请填写查看事由（2 至 200 个字）。');
  await page.fill('#reveal-reason', '核实隔离人员身份');
  await page.getByRole('button', { name: '查看', exact: true }).click();
  await page.locator('[data-testid=doc-number].revealed').waitFor();
  assert.equal(await page.locator('[data-testid=doc-number]').innerText(), who.doc);
  assert.equal(await page.locator('[data-testid=phone]').innerText(), who.phone);
  assert.match(await page.getByRole('status').filter({ hasText: '审计日志' }).innerText(), /已记入审计日志（事由：核实隔离人员身份）/);
  await shot(page, 'desktop-person-revealed');
  const audit = await srv.api('GET', '/api/v1/audit?action=person.reveal&username=officer', { token: await srv.login('admin') });
  assert.equal(audit.body.items.length, 1);
  assert.match(audit.body.items[0].detail, /核实隔离人员身份/);
  assert.ok(!JSON.stringify(audit.body.items[0]).includes(who.doc), 'the audit log does not hold the value');
  checkClean(assert, page);
  await page.context().close();
});

test('a grid worker sees masked values and no reveal, import or export', async () => {
  const page = await openPage(browser, srv, { viewport: PHONE, isMobile: true });
  await signIn(page, srv, 'gridworker', { hash: `#/persons/${who.id}` });
  await waitHeading(page, who.name);
  assert.equal(await page.locator('[data-testid=doc-number]').innerText(), masked.doc);
  assert.equal(await page.getByRole('button', { name: '查看完整证件号和手机号' }).count(), 0);
  assert.equal(await page.locator('[data-testid=reveal]').count(), 0);
  assert.match(await page.locator('.person-card').innerText(), /证件号和手机号已脱敏显示/);
  assert.equal(await overflowX(page), 0);
  await shot(page, 'phone-person-gridworker');
  await page.goto('/#/persons');
  await waitHeading(page, '居民');
  assert.equal(await page.getByRole('button', { name: '导入' }).count(), 0);
  assert.equal(await page.locator('[data-testid=export]').count(), 0);
  const r = await srv.api('POST', `/api/v1/persons/${who.id}/reveal`, { token: await srv.login('gridworker'), body: { reason: '试试' } });
  assert.equal(r.status, 403, 'and the server agrees');
  checkClean(assert, page);
  await page.context().close();
});

// The residents page as the officer, its import panel open.
async function openImport() {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'officer', { hash: '#/persons' });
  await waitHeading(page, '居民');
  await page.getByRole('button', { name: '导入' }).click();
  const panel = page.locator('[data-testid=import]');
  await panel.waitFor();
  return { page, panel };
}

test('import: a dry run changes nothing and lists the bad row; the import stores the good rows; export is recorded', async () => {
  const csv = ['姓名,性别,身份证号,手机,网格,楼栋,单元,房号',
    `导入甲,男,${idNumber('420106', '19800101', 101)},13700000001,,8栋,2单元,301`,
    `导入乙,女,${idNumber('420106', '19850505', 102)},13700000002,,8栋,2单元,301`,
    `导入丙,男,${wrongCheck(idNumber('420106', '19900303', 103))},13700000003,,8栋,2单元,302`].join('\r\n');
  const imported = async () => (await srv.api('GET', `/api/v1/persons?name=${encodeURIComponent('导入')}`, { token: of })).body.items.length;
  const { page, panel } = await openImport();
  await page.getByRole('button', { name: '检查（不保存）' }).click();
  assert.equal((await panel.getByRole('alert').innerText()).trim(), '请先选择要导入的文件。');
  await page.setInputFiles('#import-file', { name: '居民.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  // the default grid, chosen community then grid
  await page.selectOption('#import-grid-5', '420106001001');
  await page.locator(`#import-grid-6 option[value="${GRID}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#import-grid-6', GRID);
  assert.equal(await page.getByRole('button', { name: '导入', exact: true }).last().isDisabled(), true, 'import only after a check');

  await page.getByRole('button', { name: '检查（不保存）' }).click();
  const result = panel.locator('[data-testid=import-result]');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-dry-run'), 'true');
  const num = async (k) => (await result.locator(`dd[data-k=${k}]`).innerText()).trim();
  assert.match(await result.innerText(), /检查结果：尚未保存任何数据/);
  assert.equal(await num('encoding'), 'utf-8');
  assert.deepEqual([await num('rows'), await num('imported'), await num('rejected_count')], ['3', '2', '1']);
  const bad = result.locator('[data-testid=rejected] tbody tr');
  assert.equal(await bad.count(), 1);
  // the reason in the page's language, from its code
  assert.match(await bad.innerText(), /4[\s\S]*身份证号[\s\S]*身份证号校验位不正确/);
  assert.equal(await bad.getAttribute('data-code'), 'doc_number.invalid_checksum');
  assert.doesNotMatch(await bad.innerText(), /check digit/);
  assert.equal(await imported(), 0, 'the dry run stored nothing');
  await shot(page, 'desktop-persons-import-check');

  const doImport = panel.getByRole('button', { name: '导入', exact: true });
  await doImport.click();
  await result.locator('text=导入完成。').waitFor();
  assert.equal(await result.getAttribute('data-dry-run'), 'false');
  assert.deepEqual([await num('imported'), await num('households_created'), await num('rejected_count')], ['2', '1', '1']);
  assert.equal(await imported(), 2);
  const audit = await srv.api('GET', '/api/v1/audit?action=person.import&username=officer', { token: await srv.login('admin') });
  assert.equal(audit.body.items.length, 1, 'the dry run is not an import');

  // export: a download of the officer's street, recorded
  const link = page.locator('[data-testid=export]');
  assert.match(await page.locator('.export-hint').innerText(), /记入审计日志/);
  assert.equal(await link.getAttribute('href'), '/api/v1/persons/export?region=420106001');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const text = readFileSync(await download.path(), 'utf8');
  assert.match(text, /导入甲/);
  assert.ok(!text.includes(idNumber('420106', '19800101', 101)), 'masked in the file');
  const exp = await srv.api('GET', '/api/v1/audit?action=person.export&username=officer', { token: await srv.login('admin') });
  assert.equal(exp.body.items.length, 1);
  checkClean(assert, page);
  await page.context().close();
});

test('import: an Excel workbook, the template links, upload progress, the first 100 rejected rows listed and all downloadable', async () => {
  const { page, panel } = await openImport();
  assert.match(await panel.locator('h2').innerText(), /Excel 或 CSV/);
  assert.equal(await panel.locator('[data-testid=template-xlsx]').getAttribute('href'), '/api/v1/persons/import/template');
  assert.equal(await panel.locator('[data-testid=template-csv]').getAttribute('href'), '/api/v1/persons/import/template?format=csv');
  const [tpl] = await Promise.all([page.waitForEvent('download'), panel.locator('[data-testid=template-xlsx]').click()]);
  assert.equal(tpl.suggestedFilename(), 'persons-template.xlsx');
  assert.equal(readFileSync(await tpl.path()).subarray(0, 2).toString('latin1'), 'PK');

  // the workbook of tests/fixtures/import: four rows, three rejected
  const xlsx = readFileSync(new URL('../fixtures/import/persons.xlsx', import.meta.url));
  await page.setInputFiles('#import-file', { name: '居民.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx });
  await page.getByRole('button', { name: '检查（不保存）' }).click();
  const result = panel.locator('[data-testid=import-result]');
  await result.waitFor();
  const num = async (k) => (await result.locator(`dd[data-k=${k}]`).innerText()).trim();
  assert.equal(await num('encoding'), 'xlsx · 居民');
  assert.deepEqual([await num('rows'), await num('rejected_count')], ['4', '3']);
  const bad = result.locator('[data-testid=rejected] tbody tr');
  assert.deepEqual(await bad.evaluateAll((rows) => rows.map((r) => r.dataset.code)), ['doc_number.excel_number', 'name.missing', 'doc_number.invalid_checksum']);
  assert.match(await bad.first().innerText(), /身份证号被 Excel 存成了数字/);
  await shot(page, 'desktop-persons-import-xlsx');

  // many rejected rows: 100 listed, every one in the download, in Chinese, masked
  const rows = ['姓名,身份证号,手机,网格,地址'];
  for (let i = 0; i < 130; i++) rows.push(`,${idNumber('420106', '19900101', 100 + i)},1390000${String(1000 + i)},${GRID},表外路 ${i}号`);
  await page.setInputFiles('#import-file', { name: '很多错.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n'), 'utf8') });
  // the progress bar may come and go between two looks: an observer notes it
  await page.evaluate(() => {
    window.progressSeen = false;
    new MutationObserver(() => { if (document.querySelector('[data-testid=import-progress] progress')) window.progressSeen = true; })
      .observe(document.body, { childList: true, subtree: true });
  });
  await page.getByRole('button', { name: '检查（不保存）' }).click();
  await result.waitFor();
  assert.equal(await page.evaluate(() => window.progressSeen), true, 'the upload shows its progress');
  assert.equal(await num('rejected_count'), '130');
  assert.equal(await bad.count(), 100);
  assert.match(await result.locator('[data-testid=rejected-more]').innerText(), /前 100 行，共 130 行有误/);
  const [dl] = await Promise.all([page.waitForEvent('download'), result.locator('[data-testid=rejected-download]').click()]);
  assert.equal(dl.suggestedFilename(), '有误的行.csv');
  const text = readFileSync(await dl.path(), 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
  assert.equal(lines.length, 131);
  assert.equal(lines[0], '行号,列,原因代码,原因,姓名,身份证号,手机,网格,地址');
  const id0 = idNumber('420106', '19900101', 100);
  assert.equal(lines[1], `2,姓名,name.missing,缺少姓名,,${id0.slice(0, 6)}********${id0.slice(14)},139****1000,${GRID},表外路 0号`);
  assert.match(lines[130], /^131,姓名,name\.missing,/);
  assert.ok(!text.includes(id0), 'ID numbers are masked in the file');
  await page.locator('[data-testid=rejected-more]').scrollIntoViewIfNeeded();
  await shot(page, 'desktop-persons-import-rejected', { fullPage: false });
  checkClean(assert, page);
  await page.context().close();
});
