// Importing persons from CSV, by the API (POST /api/v1/persons/import with
// the file as the body) and by the command line (fangkong import persons):
// encodings (UTF-8, UTF-8 with BOM, GB18030), Chinese and English headers,
// counts, rejected rows with line, column and reason, idempotent re-imports,
// dry runs, files that are not CSV, scope, audit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli } from '../lib/harness.mjs';
import {
  STREET1, GRID, GRID_SIBLING, GRID_STREET2, COMM1, idNumber, wrongCheck, walk, auditEntries,
} from './registry-helpers.mjs';

let srv;
const T = {};

before(async () => {
  srv = await startServer({ env: { FK_MAX_UPLOAD: '65536' } });
  for (const u of ['admin', 'officer', 'officer2', 'gridworker', 'doctor', 'commander']) T[u] = await srv.login(u);
});
after(async () => { await srv.stop(); });

const upload = (who, body, q = '', type = 'text/csv') => srv.api('POST', `/api/v1/persons/import${q}`,
  { token: T[who], raw: body, headers: type ? { 'Content-Type': type } : {} });
const gb18030 = (s) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: Buffer.from(s, 'utf8') });
const byName = async (who, name) => (await srv.api('GET', `/api/v1/persons?limit=1000&name=${encodeURIComponent(name)}`,
  { token: T[who] })).body.items.filter((p) => p.name === name);
const coverage = async (region) => (await srv.api('GET', `/api/v1/coverage?region=${region}`, { token: T.admin })).body.region;

function assertFileError(r, status, pattern, field = 'file') {
  assert.equal(r.status, status, JSON.stringify(r.body));
  if (field !== null) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  if (pattern) assert.match(r.body.error.message, pattern);
}

// The main file: Chinese headers, CRLF, three good rows and ten bad ones.
const ID = {
  jia: idNumber('420106', '19700101', 111), // male
  yi: idNumber('420106', '19750505', 222), // female
  bing: idNumber('420111', '19881231', 333),
  other: idNumber('420106', '19600606', 555), // registered by officer2 in their street
};
const HEADER = '姓名,性别,身份证号,手机,网格,楼栋,单元,房号,地址,标签,14天内经历,来源地,抵达日期,备注';
const ROWS = [
  /* 2 */ `导甲,男,${ID.jia},138 0000 1111,${GRID},71栋,1单元,101,,独居老人;慢性病,,,2026/1/5,楼长`,
  /* 3 */ `导乙,,${ID.yi},,${GRID},71栋,1单元,101,,,,,,`,
  /* 4 */ `导丙,,${ID.bing},+8613800002222,${GRID},71栋,1单元,102,,孕妇,来自重点地区,北京,2026-01-23,`,
  /* 5 */ `导丁,,${wrongCheck(idNumber('420106', '19900101', 111))},,${GRID},71栋,1单元,103,,,,,,`,
  /* 6 */ `,,,13800003333,${GRID},71栋,1单元,103,,,,,,`,
  /* 7 */ `导戊,,,1380000333a,${GRID},71栋,1单元,103,,,,,,`,
  /* 8 */ `导己,,,,420106001001999,71栋,1单元,103,,,,,,`,
  /* 9 */ `导庚,,,,${GRID},,1单元,,,,,,,`,
  /* 10 */ `导辛,,,,${GRID},71栋,1单元,103,,VIP,,,,`,
  /* 11 */ `导壬,女,${idNumber('420106', '19700101', 113)},,${GRID},71栋,1单元,103,,,,,,`,
  /* 12 */ `导癸,,,,${GRID},71栋,1单元,103,,,,,2026-02-30,`,
  /* 13 */ `导子,,${ID.other},,${GRID},71栋,1单元,101,,,,,,`,
  /* 14 */ `导丑,,,,${GRID},71栋,1单元,103,,,去过火星,,,`,
  /* 15 */ ',,,,,,,,,,,,,',
];
const MAIN = `${HEADER}\r\n${ROWS.join('\r\n')}\r\n`;
const REJECTED = [
  { line: 5, column: '身份证号', reason: /check digit/ },
  { line: 6, column: '姓名', reason: /name: required/ },
  { line: 7, column: '手机', reason: /phone: digits only/ },
  { line: 8, column: '网格', reason: /grid: no such grid in your area/ },
  { line: 9, column: '地址', reason: /address: give the address, or the building and room/ },
  { line: 10, column: '标签', reason: /tags\[0\]: one of/ },
  { line: 11, column: '性别', reason: /sex: does not match the ID number/ },
  { line: 12, column: '抵达日期', reason: /arrival_date/ },
  { line: 13, column: '身份证号', reason: /^doc_number: already registered to another person$/ },
  { line: 14, column: '14天内经历', reason: /history\[0\]: one of/ },
];
function assertRejected(got, want = REJECTED) {
  assert.equal(got.length, want.length, JSON.stringify(got));
  want.forEach((w, i) => {
    assert.equal(got[i].line, w.line, JSON.stringify(got[i]));
    assert.equal(got[i].column, w.column, JSON.stringify(got[i]));
    assert.match(got[i].reason, w.reason, JSON.stringify(got[i]));
  });
}

test('setup: a number registered in another street', async () => {
  const h = await srv.api('POST', '/api/v1/households', { token: T.officer2, body: { grid: GRID_STREET2, address: '杨园路 9号' } });
  assert.equal(h.status, 201);
  const p = await srv.api('POST', '/api/v1/persons', { token: T.officer2, body: { household_id: h.body.id, name: '他区人', doc_number: ID.other } });
  assert.equal(p.status, 201);
});

test('Chinese headers in UTF-8: counts, stored values, rejected rows with line, column and reason', async () => {
  const before = await coverage(GRID);
  const r = await upload('officer', MAIN);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const { rejected, ...counts } = r.body;
  assert.deepEqual(counts, {
    encoding: 'utf-8', rows: 13, imported: 3, updated: 0, unchanged: 0, households_created: 2,
    rejected_count: 10, ignored_columns: ['备注'], dry_run: false,
    columns: ['姓名', '性别', '身份证号', '手机', '网格', '楼栋', '单元', '房号', '地址', '标签', '14天内经历', '来源地', '抵达日期'],
  });
  assertRejected(rejected);

  const [jia] = await byName('officer', '导甲');
  assert.equal(jia.sex, 'M');
  assert.equal(jia.birth_year, 1970);
  assert.equal(jia.region, GRID);
  assert.equal(jia.doc_number, `420106********${ID.jia.slice(-4)}`);
  assert.equal(jia.phone, '138****1111');
  assert.deepEqual(jia.tags, ['elderly_alone', 'chronic']);
  assert.equal(jia.arrival_date, '2026-01-05');
  const [yi] = await byName('officer', '导乙');
  assert.equal(yi.sex, 'F');
  assert.equal(yi.household_id, jia.household_id, 'rows at the same place share a household');
  const [bing] = await byName('officer', '导丙');
  assert.notEqual(bing.household_id, jia.household_id);
  assert.deepEqual(bing.history, ['from_key_area']);
  assert.deepEqual(bing.tags, ['pregnant']);
  assert.equal(bing.origin, '北京');
  assert.equal(bing.phone, '138****2222');
  const hh = (await srv.api('GET', `/api/v1/households/${jia.household_id}`, { token: T.officer })).body;
  assert.deepEqual([hh.grid, hh.building, hh.unit, hh.room, hh.persons], [GRID, '71栋', '1单元', '101', 2]);
  for (const name of ['导丁', '导戊', '导己', '导庚', '导辛', '导壬', '导癸', '导子', '导丑'])
    assert.deepEqual(await byName('admin', name), [], `${name} was rejected`);
  const now = await coverage(GRID);
  assert.equal(now.households, before.households + 2);
  assert.equal(now.persons, before.persons + 3);
});

test('importing the same file again: nothing imported or updated, every valid row unchanged', async () => {
  const before = await coverage(GRID);
  const r = await upload('officer', MAIN);
  assert.equal(r.status, 200);
  assert.equal(r.body.imported, 0);
  assert.equal(r.body.updated, 0);
  assert.equal(r.body.unchanged, 3);
  assert.equal(r.body.households_created, 0);
  assert.equal(r.body.rejected_count, 10);
  assertRejected(r.body.rejected);
  assert.deepEqual(await coverage(GRID), before);
  assert.equal((await byName('officer', '导甲')).length, 1);
});

test('a changed row is updated, the others unchanged', async () => {
  const changed = MAIN.replace('138 0000 1111', '13800004444').replace(',北京,', ',上海,');
  const r = await upload('officer', changed);
  assert.equal(r.body.imported, 0);
  assert.equal(r.body.updated, 2);
  assert.equal(r.body.unchanged, 1);
  const [jia] = await byName('officer', '导甲');
  assert.equal(jia.phone, '138****4444');
  const v = await srv.api('POST', `/api/v1/persons/${jia.id}/reveal`, { token: T.officer, body: { reason: '核对导入' } });
  assert.equal(v.body.phone, '13800004444');
  assert.equal((await byName('officer', '导丙'))[0].origin, '上海');
  // the same file once more: unchanged
  const again = await upload('officer', changed);
  assert.deepEqual([again.body.imported, again.body.updated, again.body.unchanged], [0, 0, 3]);
});

test('rows without a document number are unchanged on a re-import too', async () => {
  const csv = `姓名,网格,地址\n无证甲,${GRID},和平路 77号\n无证乙,${GRID},和平路 77号\n`;
  const a = await upload('officer', csv);
  assert.deepEqual([a.body.imported, a.body.unchanged], [2, 0]);
  const b = await upload('officer', csv);
  assert.deepEqual([b.body.imported, b.body.updated, b.body.unchanged], [0, 0, 2]);
  assert.equal((await byName('officer', '无证甲')).length, 1);
});

test('a rejected row leaves no household behind', async () => {
  const csv = `姓名,身份证号,网格,地址\n借号,${ID.other},${GRID},空户路 1号\n`;
  const r = await upload('officer', csv);
  assert.equal(r.body.rejected_count, 1);
  const h = await walk(srv, T.admin, `/api/v1/households?region=${GRID}`);
  assert.ok(!h.items.some((x) => x.address === '空户路 1号'), 'no household for the rejected row');
  assert.equal(r.body.households_created, 0);
});

test('a person found by document number in another grid of the file is moved, with the counts', async () => {
  const id = idNumber('420106', '19830303', 833);
  const a = await upload('officer', `姓名,身份证号,网格,地址\n搬迁者,${id},${GRID},旧址 1号\n`);
  assert.equal(a.body.imported, 1);
  const [before] = await byName('officer', '搬迁者');
  const g0 = await coverage(GRID);
  const s0 = await coverage(GRID_SIBLING);
  const b = await upload('officer', `姓名,身份证号,网格,地址\n搬迁者,${id},${GRID_SIBLING},新址 1号\n`);
  assert.deepEqual([b.body.imported, b.body.updated, b.body.households_created], [0, 1, 1]);
  const [after] = await byName('officer', '搬迁者');
  assert.equal(after.id, before.id);
  assert.equal(after.region, GRID_SIBLING);
  assert.notEqual(after.household_id, before.household_id);
  assert.equal((await coverage(GRID)).persons, g0.persons - 1);
  assert.equal((await coverage(GRID_SIBLING)).persons, s0.persons + 1);
  assert.equal((await coverage(GRID_SIBLING)).households, s0.households + 1);
});

test('a document type without a number (a template\'s default) is not a reason to reject the row', async () => {
  const csv = `姓名,证件类型,身份证号,网格,地址\n空号甲,身份证,,${GRID},模板路 1号\n空号乙,护照,,${GRID},模板路 1号\n`;
  const r = await upload('officer', csv);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.rejected, []);
  assert.equal(r.body.imported, 2);
  const again = await upload('officer', csv);
  assert.deepEqual(again.body.rejected, []);
});

test('UTF-8 with a BOM, and GB18030 as Excel saves it on a Chinese Windows', async () => {
  const bom = Buffer.concat([Buffer.from([0xEF, 0xBB, 0xBF]),
    Buffer.from(`姓名,身份证号,网格,地址\n带签名,${idNumber('420106', '19800808', 808)},${GRID},中山路 1号\n`)]);
  const r = await upload('officer', bom);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.encoding, 'utf-8-bom');
  assert.equal(r.body.imported, 1);
  assert.deepEqual(r.body.ignored_columns, [], 'the BOM is not part of the first header');
  assert.equal((await byName('officer', '带签名')).length, 1);

  const text = `姓名,性别,出生年份,身份证号,手机,网格,楼栋,房号,关爱对象\r\n`
    + `国标甲,女,1950,${idNumber('420106', '19500315', 502)},13900001234,${GRID},72栋,201,独居老人、残疾人\r\n`
    + `国标乙,男,1948,${idNumber('420106', '19480315', 503)},13900,${GRID},72栋,201,\r\n`;
  const gb = gb18030(text);
  assert.ok(!gb.equals(Buffer.from(text)), 'the bytes differ from UTF-8');
  const g = await upload('officer', gb);
  assert.equal(g.status, 200, JSON.stringify(g.body));
  assert.equal(g.body.encoding, 'gb18030');
  assert.equal(g.body.imported, 1);
  assertRejected(g.body.rejected, [{ line: 3, column: '手机', reason: /phone/ }]);
  const [p] = await byName('officer', '国标甲');
  assert.equal(p.sex, 'F');
  assert.equal(p.birth_year, 1950);
  assert.deepEqual(p.tags, ['elderly_alone', 'disabled']);
  const hh = (await srv.api('GET', `/api/v1/households/${p.household_id}`, { token: T.officer })).body;
  assert.deepEqual([hh.building, hh.room], ['72栋', '201']);
  // GB18030 again: unchanged
  const again = await upload('officer', gb);
  assert.deepEqual([again.body.imported, again.body.unchanged, again.body.rejected_count], [0, 1, 1]);
});

test('English headers, and ?grid= for a file without a grid column', async () => {
  const csv = `name,Sex,ID_Number,mobile,building,unit,room,tags,history\n`
    + `Li Lei,female,,13700001111,5,2,301,elderly_alone|chronic,contact_case\n`
    + `"Han, Meimei",f,,,5,2,301,,\n`;
  const r = await upload('officer', csv, `?grid=${GRID_SIBLING}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.imported, 2);
  assert.equal(r.body.rejected_count, 0);
  const [li] = await byName('officer', 'Li Lei');
  assert.equal(li.region, GRID_SIBLING);
  assert.equal(li.sex, 'F');
  assert.deepEqual(li.tags, ['elderly_alone', 'chronic']);
  assert.deepEqual(li.history, ['contact_case']);
  assert.equal((await byName('officer', 'Han, Meimei'))[0].household_id, li.household_id);
  // no grid column and no ?grid=: each row is rejected for its grid
  const none = await upload('officer', csv);
  assert.equal(none.body.imported, 0);
  assert.deepEqual(none.body.rejected.map((x) => [x.line, x.column]), [[2, ''], [3, '']]);
  assert.match(none.body.rejected[0].reason, /grid/);
  // ?grid= must be a grid code; one outside scope rejects the rows
  assertFileError(await upload('officer', csv, `?grid=${COMM1}`), 400, /grid/, 'grid');
  const o2 = await upload('officer2', csv, `?grid=${GRID}`);
  assert.equal(o2.status, 200);
  assert.equal(o2.body.imported, 0);
  assert.equal(o2.body.rejected_count, 2);
});

test('dry_run=1 counts and stores nothing', async () => {
  const csv = `姓名,网格,地址,身份证号\n试运行甲,${GRID},试运行路 1号,${idNumber('420106', '19910101', 191)}\n试运行乙,${GRID},试运行路 2号,\n`;
  const before = await coverage(GRID);
  const audits = (await auditEntries(srv, T.admin, 'person.import')).length;
  const r = await upload('officer', csv, '?dry_run=1');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.dry_run, true);
  assert.equal(r.body.imported, 2);
  assert.equal(r.body.households_created, 2);
  assert.deepEqual(await byName('officer', '试运行甲'), []);
  assert.deepEqual(await byName('officer', '试运行乙'), []);
  assert.deepEqual(await coverage(GRID), before);
  assert.equal((await auditEntries(srv, T.admin, 'person.import')).length, audits);
  // and for real afterwards: the same counts
  const real = await upload('officer', csv);
  assert.equal(real.body.dry_run, false);
  assert.equal(real.body.imported, 2);
  assert.equal((await coverage(GRID)).households, before.households + 2);
});

test('files that are not a file this server can read: 400 naming the file', async () => {
  // a zip that is cut short, an OLE file that is no .xls, an encrypted .xlsx, other types
  const xlsx = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 7)]);
  assertFileError(await upload('officer', xlsx), 400, /zip archive \(\.xlsx\) but cannot be opened/);
  assertFileError(await upload('officer', xlsx, '', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), 400, /cannot be opened/);
  const xls = Buffer.concat([Buffer.from([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), Buffer.alloc(100, 1)]);
  assertFileError(await upload('officer', xls), 400, /\.xls\) that cannot be read/);
  const encrypted = Buffer.concat([xls, Buffer.from('EncryptionInfo', 'utf16le'), Buffer.alloc(64), Buffer.from('EncryptedPackage', 'utf16le')]);
  assertFileError(await upload('officer', encrypted), 400, /encrypted \(protected with a password\)/);
  assertFileError(await upload('officer', Buffer.from('%PDF-1.7\n%\xE2\xE3\n', 'latin1')), 400, /not recognised: this is a PDF document/);
  assertFileError(await upload('officer', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x41])), 400, /not recognised: .*starts with the bytes 00 01 02 03/);
  const docx = Buffer.from('UEsDBBQAAAAAALeqh10AAAAAAAAAAAAAAAARAAAAd29yZC9kb2N1bWVudC54bWxQSwECFAMUAAAAAAC3qoddAAAAAAAAAAAAAAAAEQAAAAAAAAAAAAAAgAEAAAAAd29yZC9kb2N1bWVudC54bWxQSwUGAAAAAAEAAQA/AAAALwAAAAAA', 'base64');
  assertFileError(await upload('officer', docx), 400, /not an Excel workbook: it has no xl\/workbook\.xml \(its first entry is word\/document\.xml\)/);
  const utf16 = Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from(`姓名,网格\n甲,${GRID}\n`, 'utf16le')]);
  assertFileError(await upload('officer', utf16), 400, /UTF-16/);
  const garbage = Buffer.from([0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x20, 0xFE, 0xFF, 0x0A]);
  assertFileError(await upload('officer', garbage), 400, /cannot tell the file's encoding/);
  assertFileError(await upload('officer', Buffer.from('姓名,网格\n甲\x00乙,1\n')), 400, /NUL/);
  const badBom = Buffer.concat([Buffer.from([0xEF, 0xBB, 0xBF]), Buffer.from('姓名,网格\n'), Buffer.from([0xC3, 0x28, 0x0A])]);
  assertFileError(await upload('officer', badBom), 400, /UTF-8/);
  assertFileError(await upload('officer', `性别,网格,地址\n男,${GRID},x\n`), 400, /no name column/);
  assertFileError(await upload('officer', ''), 400, /empty/);
  // not the file itself
  const mp = await upload('officer', `--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n姓名\r\n甲\r\n--x--\r\n`,
    '', 'multipart/form-data; boundary=x');
  assert.equal(mp.status, 415);
  assert.equal(mp.body.error.code, 'unsupported_media_type');
  assert.equal((await upload('officer', '{"name":"x"}', '', 'application/json')).status, 415);
  // larger than FK_MAX_UPLOAD (64 KiB here)
  const big = `姓名,网格,地址\n${`大文件,${GRID},x\n`.repeat(5000)}`;
  assert.ok(Buffer.byteLength(big) > 65536);
  assert.equal((await upload('officer', big)).status, 413);
  assert.deepEqual(await byName('admin', '大文件'), []);
});

test('who may import: person.import; officer2 cannot import into another street', async () => {
  const csv = `姓名,网格,地址\n越界甲,${GRID},越界路 1号\n本区乙,${GRID_STREET2},本区路 1号\n`;
  for (const who of ['gridworker', 'doctor', 'commander'])
    assert.equal((await upload(who, csv)).status, 403, who);
  const r = await upload('officer2', csv);
  assert.equal(r.status, 200);
  assert.equal(r.body.imported, 1);
  assertRejected(r.body.rejected, [{ line: 2, column: '网格', reason: /grid/ }]);
  assert.deepEqual(await byName('admin', '越界甲'), []);
  assert.equal((await byName('admin', '本区乙'))[0].region, GRID_STREET2);
  const h = await walk(srv, T.admin, `/api/v1/households?region=${GRID}`);
  assert.ok(!h.items.some((x) => x.address === '越界路 1号'), 'no household was made there either');
});

test('each import is audited as person.import with its counts', async () => {
  const entries = await auditEntries(srv, T.admin, 'person.import');
  const o2 = entries.find((e) => e.username === 'officer2' && JSON.parse(e.detail).imported === 1);
  assert.ok(o2);
  assert.deepEqual(JSON.parse(o2.detail), { rows: 2, imported: 1, updated: 0, rejected: 1 });
  const first = entries.filter((e) => e.username === 'officer').at(-1);
  assert.deepEqual(JSON.parse(first.detail), { rows: 13, imported: 3, updated: 0, rejected: 10 });
  assert.equal(first.region, STREET1);
  assert.equal(first.object, 'persons');
  const withGrid = entries.find((e) => e.region === GRID_SIBLING);
  assert.ok(withGrid, 'an import with ?grid= is audited at that grid');
  for (const e of entries) assert.ok(!e.detail.includes(ID.jia));
});

test('an unmasked export imports back with every row unchanged', async () => {
  const e = await srv.api('GET', `/api/v1/persons/export?region=${GRID}&reveal=1&reason=${encodeURIComponent('导回核对')}`,
    { token: T.officer });
  assert.equal(e.status, 200);
  const rows = e.body.trim().split(/\r?\n/).length - 1;
  const r = await upload('officer', e.body);
  assert.equal(r.status, 200);
  assert.equal(r.body.rejected_count, 0, JSON.stringify(r.body.rejected.slice(0, 2)));
  assert.equal(r.body.unchanged, rows);
});

test('the command line: fangkong import persons FILE --db DB', async () => {
  const file = path.join(srv.dir, 'persons.csv');
  writeFileSync(file, `姓名,身份证号,手机,网格,地址\n命令甲,${idNumber('420106', '19660606', 661)},13600006666,${GRID},命令路 1号\n`
    + `命令乙,,1360,${GRID},命令路 1号\n命令丙,${idNumber('420106', '19670707', 672)},,${GRID},命令路 2号\n`);
  const before = await coverage(GRID);
  const dry = cli(['import', 'persons', file, '--dry-run', '--db', srv.db]);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^dry run: .*persons\.csv \(utf-8\): 3 rows: 2 imported, 0 updated, 0 unchanged, 1 rejected; 2 households created$/m);
  assert.deepEqual(await byName('admin', '命令甲'), []);
  const r = cli(['import', 'persons', file, '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /persons\.csv \(utf-8\): 3 rows: 2 imported, 0 updated, 0 unchanged, 1 rejected; 2 households created/);
  assert.match(r.stdout, /^ {2}line 3, column 手机: phone: 7 to 15 digits$/m);
  // the running server sees them, and the counts
  const [p] = await byName('officer', '命令甲');
  assert.equal(p.phone, '136****6666');
  const now = await coverage(GRID);
  assert.equal(now.persons, before.persons + 2);
  assert.equal(now.households, before.households + 2);
  // the same file again
  const again = cli(['import', 'persons', file, '--db', srv.db]);
  assert.match(again.stdout, /3 rows: 0 imported, 0 updated, 2 unchanged, 1 rejected; 0 households created/);
  // GB18030 with --grid
  const gbFile = path.join(srv.dir, 'gb.csv');
  writeFileSync(gbFile, gb18030('姓名,地址,备注\n命令国标,命令路 3号,无\n'));
  const g = cli(['import', 'persons', gbFile, '--grid', GRID_SIBLING, '--db', srv.db]);
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /\(gb18030\): 1 rows: 1 imported/);
  assert.match(g.stdout, /ignored column: 备注/);
  assert.equal((await byName('officer', '命令国标'))[0].region, GRID_SIBLING);
  // a broken workbook: a usage-level error (2) saying what is wrong
  const xlsx = path.join(srv.dir, 'book.xlsx');
  writeFileSync(xlsx, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64)]));
  const x = cli(['import', 'persons', xlsx, '--db', srv.db]);
  assert.equal(x.status, 2);
  assert.match(x.stderr, /cannot be opened/);
  assert.equal(cli(['import', 'persons', path.join(srv.dir, 'missing.csv'), '--db', srv.db]).status, 1);
  assert.equal(cli(['import', 'people', file, '--db', srv.db]).status, 2);
});

// A file of several thousand rows is prepared a chunk (4,096 rows) at a time
// on a second thread while the previous chunk is stored: the rejected rows
// keep their lines and their order across the chunks, and the counts add up.
test('the command line: a large file, rejected rows at chunk edges keep their lines and order', async () => {
  const rows = ['姓名,身份证号,网格,楼栋,房号'];
  const bad = new Map([[4097, 'doc'], [4098, 'name'], [8193, 'grid'], [9001, 'room']]);
  for (let line = 2; line <= 9001; line++) {
    const seq = line % 1000, day = String(1 + Math.floor(line / 1000)).padStart(2, '0');
    // born in Beijing (110105), where the demo's residents never are: no row meets one of them
    let doc = idNumber('110105', `199001${day}`, seq), name = `分块${line}`, grid = GRID, room = String(line);
    if (bad.get(line) === 'doc') doc = wrongCheck(doc);
    if (bad.get(line) === 'name') name = '';
    if (bad.get(line) === 'grid') grid = '420106999999999';
    rows.push(bad.get(line) === 'room' ? `${name},${doc},${grid},,` : `${name},${doc},${grid},分块楼,${room}`);
  }
  const file = path.join(srv.dir, 'chunks.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  const r = cli(['import', 'persons', file, '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /9000 rows: 8996 imported, 0 updated, 0 unchanged, 4 rejected; 8996 households created/);
  const lines = [...r.stdout.matchAll(/^ {2}line (\d+), column ([^:]*): (.*)$/gm)].map((m) => [Number(m[1]), m[2], m[3]]);
  assert.deepEqual(lines.map((l) => l[0]), [4097, 4098, 8193, 9001]);
  assert.deepEqual(lines.map((l) => l[1]), ['身份证号', '姓名', '网格', '']);
  assert.match(lines[0][2], /check digit/);
  assert.match(lines[2][2], /no such grid/);
  assert.match(lines[3][2], /address/);
  // every stored row is the row of its line
  const [p] = await byName('admin', '分块8192');
  assert.equal(p.room, '8192');
  const again = cli(['import', 'persons', file, '--db', srv.db]);
  assert.match(again.stdout, /9000 rows: 0 imported, 0 updated, 8996 unchanged, 4 rejected; 0 households created/);
});

// Workbooks (tests/fixtures/import, written by make-fixtures.pl): the rows
// go the CSV rows' way; the rejects carry codes and their masked cells.
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'import');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const fixture = (name) => readFileSync(path.join(FIXTURES, name));

test('an .xlsx workbook: shared strings, numbers, dates, an ID number Excel turned into a number', async () => {
  const r = await upload('officer', fixture('persons.xlsx'), '', XLSX_TYPE);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.encoding, 'xlsx');
  assert.equal(r.body.sheet, '居民');
  assert.deepEqual([r.body.rows, r.body.imported, r.body.rejected_count], [4, 1, 3]);
  assert.deepEqual(r.body.rejected.map((x) => [x.line, x.column, x.code]), [
    [3, '身份证号', 'doc_number.excel_number'], [4, '姓名', 'name.missing'], [5, '身份证号', 'doc_number.invalid_checksum']]);
  assert.match(r.body.rejected[0].message, /Excel stored this number as a number/);
  assert.equal(r.body.rejected[0].reason, r.body.rejected[0].message);
  assert.deepEqual(r.body.columns, ['姓名', '性别', '身份证号', '手机', '网格', '地址', '抵达日期']);
  // the cells, with the document and phone numbers masked
  assert.deepEqual(r.body.rejected[1].cells, ['', '', '', '139****2222', GRID, '表格路 3号', '']);
  assert.equal(r.body.rejected[2].cells[2], '420106********8910');
  const [p] = await byName('officer', '表格甲');
  assert.equal(p.phone, '139****1111'); // a phone stored as a number keeps its digits
  assert.equal(p.region, GRID); // and so does a grid code
  assert.equal(p.arrival_date, '2026-01-05'); // a date cell is a serial day
  assert.equal(p.sex, 'M');
});

test('an .xlsx workbook: a sheet by name, an empty sheet, a sheet without headers', async () => {
  const x = fixture('persons.xlsx');
  const two = await upload('officer', x, `?sheet=${encodeURIComponent('第二批')}`, XLSX_TYPE);
  assert.equal(two.status, 200, JSON.stringify(two.body));
  assert.equal(two.body.sheet, '第二批');
  assert.equal(two.body.imported, 1);
  assert.equal((await byName('officer', '表格戊')).length, 1);
  assertFileError(await upload('officer', x, `?sheet=${encodeURIComponent('空表')}`), 400, /sheet 空表 is empty: it has no header row/);
  assertFileError(await upload('officer', x, `?sheet=${encodeURIComponent('无表头')}`), 400, /no name column: the first row of the sheet must be the headers/);
  assertFileError(await upload('officer', x, '?sheet=Sheet9'), 400, /no sheet named Sheet9 \(its sheets: 居民, 第二批, 空表, 无表头\)/, 'sheet');
});

test('an .xls workbook (BIFF, read with FreeXL)', async () => {
  const r = await upload('officer', fixture('persons.xls'), '', 'application/vnd.ms-excel');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.encoding, 'xls');
  assert.deepEqual([r.body.rows, r.body.imported, r.body.rejected_count], [4, 1, 3]);
  assert.deepEqual(r.body.rejected.map((x) => [x.line, x.code]), [[3, 'doc_number.excel_number'], [4, 'name.missing'], [5, 'grid.unknown']]);
  const [p] = await byName('officer', '老表甲');
  assert.equal(p.arrival_date, '2026-01-05');
  assert.equal(p.phone, '139****1111');
});

test('the command line reads workbooks too, a sheet by name', () => {
  const r = cli(['import', 'persons', path.join(FIXTURES, 'persons.xlsx'), '--sheet', '第二批', '--dry-run', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /persons\.xlsx \(xlsx\): 1 rows: 0 imported, 0 updated, 1 unchanged, 0 rejected/);
  const x = cli(['import', 'persons', path.join(FIXTURES, 'persons.xls'), '--dry-run', '--db', srv.db]);
  assert.equal(x.status, 0, x.stderr);
  assert.match(x.stdout, /persons\.xls \(xls\): 4 rows: 0 imported, 0 updated, 1 unchanged, 3 rejected/);
  assert.match(x.stdout, /^ {2}line 3, column 身份证号: doc_number: Excel stored this number/m);
});

test('every rejected row has a reason code the server declares', async () => {
  const codes = (await srv.api('GET', '/api/v1/vocab', { token: T.officer })).body.import_reasons;
  assert.ok(codes.includes('grid.unknown') && codes.includes('doc_number.invalid_checksum'));
  const r = await upload('officer', `${HEADER}\r\n${ROWS.join('\r\n')}\r\n`, '?dry_run=1');
  assert.equal(r.status, 200);
  for (const x of r.body.rejected) assert.ok(codes.includes(x.code), `${x.code} (${x.message}) is declared`);
  assert.deepEqual(r.body.rejected.map((x) => x.code), ['doc_number.invalid_checksum', 'name.missing', 'phone.invalid', 'grid.unknown',
    'address.missing', 'tags.invalid', 'sex.mismatch', 'arrival_date.invalid', 'doc_number.duplicate', 'history.invalid']);
});

test('the template: an .xlsx with the headers the importer takes (ID column as text), or a CSV; it imports back', async () => {
  const get = async (q, who = 'officer') => {
    const res = await fetch(`${srv.base}/api/v1/persons/import/template${q}`, { headers: { Authorization: `Bearer ${T[who]}` } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const x = await get('');
  assert.equal(x.status, 200);
  assert.equal(x.headers.get('content-type'), XLSX_TYPE);
  assert.match(x.headers.get('content-disposition'), /persons-template\.xlsx/);
  assert.equal(x.body.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  // the importer reads it: every header is a known column, no rows
  const back = await upload('officer', x.body, '?dry_run=1', XLSX_TYPE);
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.deepEqual([back.body.sheet, back.body.rows, back.body.ignored_columns], ['居民', 0, []]);
  assert.deepEqual(back.body.columns, ['姓名', '性别', '出生年份', '证件类型', '身份证号', '手机', '网格', '楼栋', '单元', '房号', '地址',
    '标签', '来源地', '抵达日期', '14天内经历']);
  // the notes sheet names each English header
  const notes = await upload('officer', x.body, `?dry_run=1&sheet=${encodeURIComponent('说明 Notes')}`, XLSX_TYPE);
  assert.equal(notes.status, 400); // it has no name column: it is for reading
  const c = await get('?format=csv');
  assert.equal(c.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(c.body.toString('utf8'), '\uFEFF姓名,性别,出生年份,证件类型,身份证号,手机,网格,楼栋,单元,房号,地址,标签,来源地,抵达日期,14天内经历\r\n');
  const cb = await upload('officer', c.body, '?dry_run=1');
  assert.deepEqual([cb.status, cb.body.rows, cb.body.ignored_columns], [200, 0, []]);
  assert.equal((await get('?format=pdf')).status, 400);
  assert.equal((await get('', 'gridworker')).status, 403);
});

test('progress: an upload named ?progress=ID is reported by GET /imports/{id} to its sender', async () => {
  const id = `prog-${Date.now()}`;
  const csv = `姓名,网格,地址,手机\n进度甲,${GRID},进度路 1号,\n进度乙,${GRID},进度路 2号,12\n进度丙,${GRID},进度路 3号,\n`;
  const r = await upload('officer', csv, `?progress=${id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const p = await srv.api('GET', `/api/v1/imports/${id}`, { token: T.officer });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.deepEqual(p.body, { id, state: 'done', rows_total: 3, rows_read: 3, stored: 2, rejected: 1 });
  // another user's import is not found; a finished id may be used again
  assert.equal((await srv.api('GET', `/api/v1/imports/${id}`, { token: T.admin })).status, 404);
  assert.equal((await srv.api('GET', '/api/v1/imports/no-such-import', { token: T.officer })).status, 404);
  const again = await upload('officer', fixture('persons.xlsx'), `?progress=${id}&dry_run=1`, XLSX_TYPE);
  assert.equal(again.status, 200);
  const q = (await srv.api('GET', `/api/v1/imports/${id}`, { token: T.officer })).body;
  assert.deepEqual(q, { id, state: 'done', rows_total: null, rows_read: 4, stored: 1, rejected: 3 });
  // a file refused as a whole: failed
  assert.equal((await upload('officer', Buffer.from('%PDF-1.4'), `?progress=${id}`)).status, 400);
  assert.equal((await srv.api('GET', `/api/v1/imports/${id}`, { token: T.officer })).body.state, 'failed');
  assertFileError(await upload('officer', csv, '?progress=a/b'), 400, /progress: 8 to 64/, 'progress');
  assert.equal((await srv.api('GET', `/api/v1/imports/${id}`, { token: T.gridworker })).status, 403);
});

test('progress while an import runs: the counts grow a chunk (4,096 rows) at a time', async () => {
  const big = await startServer({ env: { FK_MAX_UPLOAD: '8000000' } });
  try {
    const token = await big.login('officer');
    const rows = ['姓名,身份证号,网格,楼栋,房号'];
    for (let i = 0; i < 20000; i++) rows.push(`进度${i},${idNumber('420106', `1990${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`, i % 1000)},${GRID},进度楼${Math.floor(i / 1000)},${i}`);
    const id = `running-${Date.now()}`;
    const seen = [];
    let finished = false;
    const upload = big.api('POST', `/api/v1/persons/import?progress=${id}&dry_run=1`, { token, raw: rows.join('\n'), headers: { 'Content-Type': 'text/csv' } })
      .finally(() => { finished = true; });
    while (!finished) {
      const p = await big.api('GET', `/api/v1/imports/${id}`, { token });
      if (p.status === 200 && p.body.state === 'running') seen.push(p.body);
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await upload;
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    assert.ok(seen.length > 0, 'the import was seen running');
    for (const [i, p] of seen.entries()) {
      assert.equal(p.rows_total, 20000);
      assert.ok(p.rows_read <= 20000 && p.rows_read % 4096 === 0 || p.rows_read === 20000, JSON.stringify(p));
      assert.ok(p.stored + p.rejected <= p.rows_read, JSON.stringify(p));
      if (i) assert.ok(p.rows_read >= seen[i - 1].rows_read);
    }
    const end = (await big.api('GET', `/api/v1/imports/${id}`, { token })).body;
    assert.deepEqual([end.state, end.rows_read, end.stored + end.rejected], ['done', 20000, 20000]);
    assert.equal(end.stored, r.body.imported + r.body.updated + r.body.unchanged);
  } finally {
    await big.stop();
  }
});

test('a title row above the headers (a roster\'s name, in one cell) is passed over', async () => {
  const csv = `东湖社区居民花名册,,,\r\n,,,\r\n姓名,网格,地址,手机\r\n标题甲,${GRID},标题路 1号,13900009999\r\n`;
  const r = await upload('officer', csv, '?dry_run=1');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.rows, r.body.imported, r.body.ignored_columns, r.body.columns], [1, 1, [], ['姓名', '网格', '地址', '手机']]);
  // but a header row of unknown names is still no header
  assertFileError(await upload('officer', `甲,乙\r\n丙,丁\r\n戊,己\r\n庚,辛\r\n`), 400, /no name column/);
});
