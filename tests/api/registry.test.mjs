// The resident registry: households, persons (ID numbers checked, masked in
// every answer, encrypted at rest), reveal, search filters and paging,
// scope, changes, the CSV export, and the audit entries all of these write.
// Tests run in order and build on each other's records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { startServer } from '../lib/harness.mjs';
import {
  COUNTY, STREET1, STREET2, COMM1, GRID, GRID_SIBLING, GRID_STREET2,
  idNumber, idNumberEnding, wrongCheck, maskDoc, maskPhone, walk, auditEntries,
} from './registry-helpers.mjs';

let srv;
const T = {};
const USERS = ['admin', 'commander', 'keeper', 'officer', 'officer2', 'doctor', 'volunteer', 'gridworker'];

// The people this file registers (numbers the seeded demo does not use).
const ZHANG = { doc: '42010619850104123X', phone: '13800135678', phoneIn: '+86 138-0013-5678' };
const LEGACY15 = '420106800101124'; // 1980-01-01, sequence 124 (even: female)
const LEGACY18 = idNumber('420106', '19800101', 124);
const WANG = { doc: idNumber('110101', '19720315', 457), phone: '13912340246' };
const H = {}; // households by name
const P = {}; // persons by name

before(async () => {
  srv = await startServer();
  for (const u of USERS) T[u] = await srv.login(u);
});
after(async () => { await srv.stop(); });

const post = (who, path, body) => srv.api('POST', path, { token: T[who], body });
const get = (who, path) => srv.api('GET', path, { token: T[who] });
const patch = (who, path, body) => srv.api('PATCH', path, { token: T[who], body });
const createPerson = (who, body) => post(who, '/api/v1/persons', body);

// The person fields docs/api.md lists; the household's place may come along.
const PERSON_KEYS = ['id', 'household_id', 'region', 'name', 'sex', 'birth_year', 'doc_type', 'doc_number', 'phone',
  'tags', 'origin', 'arrival_date', 'history', 'created_at', 'updated_at'];
function assertPersonKeys(p) {
  for (const k of PERSON_KEYS) assert.ok(k in p, `${k} in ${JSON.stringify(p)}`);
  for (const k of Object.keys(p)) assert.ok(PERSON_KEYS.includes(k) || ['building', 'unit', 'room', 'address'].includes(k), k);
}

// A person as the export writes them: the API's fields in the API's order.
const csvLine = (p) => Object.values(p).map((v) => (v === null ? '' : Array.isArray(v) ? v.join(';') : String(v))).join(',');

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field === undefined) return;
  assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

test('households: create in the grid worker\'s grid, validation, duplicates, scope', async () => {
  const r = await post('gridworker', '/api/v1/households', { grid: GRID, building: '88栋', unit: '2单元', room: '1201' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body).sort(), ['address', 'building', 'grid', 'grid_name', 'id', 'last_screened', 'persons', 'room', 'unit']);
  assert.equal(r.body.grid, GRID);
  assert.equal(r.body.grid_name, '第一网格');
  assert.equal(r.body.persons, 0);
  H.a = r.body;
  const b = await post('gridworker', '/api/v1/households', { grid: GRID, address: '和平大道 1号 附 2' });
  assert.equal(b.status, 201);
  H.b = b.body;
  const c = await post('officer', '/api/v1/households', { grid: GRID_SIBLING, building: '3栋', room: '302' });
  assert.equal(c.status, 201);
  H.sibling = c.body;
  const d = await post('officer2', '/api/v1/households', { grid: GRID_STREET2, address: '杨园路 5号' });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  H.street2 = d.body;

  assert.deepEqual((await get('gridworker', `/api/v1/households/${H.a.id}`)).body, H.a);
  assertError(await post('gridworker', '/api/v1/households', { grid: GRID, unit: '1单元' }), 400, 'invalid', 'address');
  assertError(await post('gridworker', '/api/v1/households', { grid: '42010600100100', address: 'x' }), 400, 'invalid', 'grid');
  assertError(await post('gridworker', '/api/v1/households', { grid: GRID, address: 'x', floor: 3 }), 400, 'invalid');
  assertError(await post('gridworker', '/api/v1/households', { grid: GRID, building: '88栋', unit: '2单元', room: '1201' }),
    409, 'conflict', 'address');
  // another grid is outside the grid worker's scope; a missing grid is the same 404
  const out = await post('gridworker', '/api/v1/households', { grid: GRID_SIBLING, address: '别处' });
  assertError(out, 404, 'not_found');
  assertError(await post('officer', '/api/v1/households', { grid: '420106001001999', address: 'x' }), 404, 'not_found');
  assertError(await get('officer2', `/api/v1/households/${H.a.id}`), 404, 'not_found');
  assertError(await post('doctor', '/api/v1/households', { grid: GRID, address: 'x' }), 403, 'forbidden');
  const list = await walk(srv, T.gridworker, '/api/v1/households');
  assert.ok(list.items.every((h) => h.grid === GRID));
  assert.ok(list.items.some((h) => h.id === H.a.id) && list.items.some((h) => h.id === H.b.id));
});

test('persons: an ID number fills sex and birth year; answers are masked', async () => {
  const r = await createPerson('gridworker', {
    household_id: H.a.id, name: '张三', doc_number: ZHANG.doc, phone: ZHANG.phoneIn, tags: ['chronic'],
    history: ['from_key_area'], origin: '武汉市江汉区', arrival_date: '2026-01-20',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assertPersonKeys(r.body);
  assert.equal(r.body.doc_number, '420106********123X');
  assert.equal(r.body.phone, '138****5678');
  assert.equal(r.body.sex, 'M');
  assert.equal(r.body.birth_year, 1985);
  assert.equal(r.body.doc_type, 'id_card');
  assert.equal(r.body.region, GRID);
  assert.deepEqual(r.body.tags, ['chronic']);
  assert.deepEqual(r.body.history, ['from_key_area']);
  assert.equal(r.body.arrival_date, '2026-01-20');
  P.zhang = r.body;

  // a female number (even sequence digit), a lower-case x accepted as X
  const f = idNumber('420106', '19920229', 246);
  const rf = await createPerson('gridworker', { household_id: H.a.id, name: '张丽', doc_number: f, sex: 'F' });
  assert.equal(rf.status, 201, JSON.stringify(rf.body));
  assert.equal(rf.body.sex, 'F');
  assert.equal(rf.body.birth_year, 1992);
  assert.equal(rf.body.doc_number, maskDoc(f));
  P.zhangli = rf.body;
  const lx = idNumberEnding('420111', '20010911', 'X');
  const rx = await createPerson('gridworker', { household_id: H.b.id, name: '小写', doc_number: lx.toLowerCase() });
  assert.equal(rx.status, 201, JSON.stringify(rx.body));
  assert.equal(rx.body.doc_number, maskDoc(lx));
  P.lower = { ...rx.body, full: lx };

  // born today: plausible
  const ymd = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const baby = await createPerson('gridworker', { household_id: H.b.id, name: '新生儿', doc_number: idNumber('420106', ymd, 201) });
  assert.equal(baby.status, 201, JSON.stringify(baby.body));
  assert.equal(baby.body.birth_year, Number(ymd.slice(0, 4)));

  // no document, no phone: both null
  const n = await createPerson('gridworker', { household_id: H.b.id, name: '无证' });
  assert.equal(n.status, 201);
  assert.equal(n.body.doc_number, null);
  assert.equal(n.body.phone, null);
  assert.equal(n.body.sex, 'U');
  P.nodoc = n.body;

  // a passport keeps its number (masked but for the last 2) and fills nothing
  const pp = await createPerson('officer', { household_id: H.b.id, name: 'John Smith', doc_type: 'passport', doc_number: 'e1234 5678', sex: 'M', birth_year: 1970 });
  assert.equal(pp.status, 201, JSON.stringify(pp.body));
  assert.equal(pp.body.doc_type, 'passport');
  assert.equal(pp.body.doc_number, '*******78');
  assert.equal(pp.body.birth_year, 1970);
  P.passport = pp.body;
});

test('persons: ID numbers are checked (GB 11643 check digit, birth date, length)', async () => {
  const base = { household_id: H.b.id, name: '校验' };
  const bad = [
    [wrongCheck(idNumber('420106', '19900101', 111)), /check digit/],
    [idNumber('420106', '19990230', 111), /birth date/], // 30 February
    [idNumber('420106', '20010229', 111), /birth date/], // not a leap year
    [idNumber('420106', '18991231', 111), /birth date/],
    [idNumber('420106', '19901301', 111), /birth date/],
    [idNumber('420106', '19900101', 111).slice(0, 17), /18 characters/],
    [`${idNumber('420106', '19900101', 111)}1`, /18 characters/],
    ['42010619900101A11X', /digits/],
    ['42010619900101111Y', /digit or X/],
    ['42010690010111A', /digits/], // 15 characters, not all digits
    ['', /./],
  ];
  for (const [doc, why] of bad) {
    const r = await createPerson('gridworker', { ...base, doc_number: doc });
    assertError(r, 400, 'invalid', doc === '' ? undefined : 'doc_number');
    assert.match(r.body.error.message, why, doc);
  }
  // sex or birth year against the number
  assertError(await createPerson('gridworker', { ...base, doc_number: idNumber('420106', '19900101', 111), sex: 'F' }),
    400, 'invalid', 'sex');
  assertError(await createPerson('gridworker', { ...base, doc_number: idNumber('420106', '19900101', 111), birth_year: 1991 }),
    400, 'invalid', 'birth_year');
  // other fields
  for (const [body, field] of [
    [{ phone: '138-0013-567a' }, 'phone'], [{ phone: '123' }, 'phone'], [{ phone: '23800135678' }, 'phone'],
    [{ tags: ['vip'] }, 'tags'], [{ history: ['abroad'] }, 'history'], [{ sex: 'X' }, 'sex'],
    [{ doc_type: 'driver' }, 'doc_type'], [{ arrival_date: '2026-02-30' }, 'arrival_date'],
    [{ birth_year: 2999 }, 'birth_year'], [{ name: '' }, 'name'], [{ name: 'x'.repeat(51) }, 'name'],
    [{ household_id: undefined }, 'household_id'], [{ shoe_size: 42 }, undefined],
  ]) assertError(await createPerson('gridworker', { ...base, ...body }), 400, 'invalid', field);
  // the household decides the scope: missing, or outside it, is 404
  assertError(await createPerson('gridworker', { ...base, household_id: 99999999 }), 404, 'not_found');
  assertError(await createPerson('gridworker', { ...base, household_id: H.sibling.id }), 404, 'not_found');
  assertError(await createPerson('officer2', { ...base, household_id: H.a.id }), 404, 'not_found');
  // nothing of the above was stored
  const r = await get('gridworker', `/api/v1/persons?household_id=${H.b.id}&limit=1000`);
  assert.deepEqual(r.body.items.map((p) => p.name).sort(), ['John Smith', '小写', '新生儿', '无证'].sort());
});

test('persons: a birth date after today is not plausible', async () => {
  // tomorrow (when that is next year, the old year check rejects it too)
  const ymd = new Date(Date.now() + 86400000).toISOString().slice(0, 10).replaceAll('-', '');
  const doc = idNumber('420106', ymd, 135);
  const r = await createPerson('gridworker', { household_id: H.b.id, name: '未生', doc_number: doc });
  assertError(r, 400, 'invalid', 'doc_number');
  assert.match(r.body.error.message, /birth date/);
});

test('persons: a 15-digit legacy number becomes the 18-character one', async () => {
  const r = await createPerson('gridworker', { household_id: H.b.id, name: '老证', doc_number: LEGACY15 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(LEGACY18.length, 18);
  assert.equal(r.body.doc_number, maskDoc(LEGACY18));
  assert.equal(r.body.doc_number.slice(-4), LEGACY18.slice(-4));
  assert.equal(r.body.sex, 'F');
  assert.equal(r.body.birth_year, 1980);
  P.legacy = r.body;
  const v = await post('doctor', `/api/v1/persons/${r.body.id}/reveal`, { reason: '核对身份证号' });
  assert.equal(v.status, 200);
  assert.equal(v.body.doc_number, LEGACY18);
  // the 18-character form of the same number is the same person
  const again = await createPerson('gridworker', { household_id: H.a.id, name: '老证二', doc_number: LEGACY18 });
  assertError(again, 409, 'conflict', 'doc_number');
});

test('persons: one person per document number, in any household; one refusal that names no one and no place', async () => {
  const same = await createPerson('gridworker', { household_id: H.a.id, name: '重复', doc_number: ZHANG.doc });
  assertError(same, 409, 'conflict', 'doc_number');
  const other = await createPerson('gridworker', { household_id: H.b.id, name: '重复', doc_number: ZHANG.doc.toLowerCase() });
  assertError(other, 409, 'conflict', 'doc_number');
  const officer = await createPerson('officer', { household_id: H.sibling.id, name: '重复', doc_number: ZHANG.doc });
  assertError(officer, 409, 'conflict', 'doc_number');
  // officer2 may not learn who holds the number, nor where: the same
  // answer, word for word, as in the holder's own area
  const o2 = await createPerson('officer2', { household_id: H.street2.id, name: '重复', doc_number: ZHANG.doc });
  assertError(o2, 409, 'conflict', 'doc_number');
  for (const r of [same, other, officer, o2]) {
    assert.deepEqual(r.body, same.body);
    assert.ok(!JSON.stringify(r.body).includes(String(P.zhang.id)), JSON.stringify(r.body));
    assert.ok(!JSON.stringify(r.body).includes(GRID), JSON.stringify(r.body));
  }
  // a passport with the same characters is another document
  const pp = await createPerson('officer', { household_id: H.sibling.id, name: '护照同号', doc_type: 'passport', doc_number: ZHANG.doc });
  assert.equal(pp.status, 201, JSON.stringify(pp.body));
  P.samechars = pp.body;
  // officer2 registers a number of their own
  const w = await createPerson('officer2', { household_id: H.street2.id, name: '王五', doc_number: WANG.doc, phone: WANG.phone });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  P.wang = w.body;
});

test('every answer masks; list and get never hold the full values', async () => {
  const fulls = [ZHANG.doc, ZHANG.phone, LEGACY18, LEGACY15, P.lower.full, WANG.doc, WANG.phone];
  const answers = [
    await get('gridworker', '/api/v1/persons?limit=1000'),
    await get('admin', '/api/v1/persons?limit=1000'),
    await get('officer', `/api/v1/persons/${P.zhang.id}`),
    await get('doctor', `/api/v1/persons/${P.legacy.id}`),
    await get('officer2', `/api/v1/persons/${P.wang.id}`),
    await get('admin', `/api/v1/persons?doc_suffix=${ZHANG.doc.slice(-4)}`),
    await get('gridworker', `/api/v1/households/${H.a.id}`),
  ];
  for (const r of answers) {
    assert.equal(r.status, 200);
    const s = JSON.stringify(r.body);
    for (const f of fulls) assert.ok(!s.includes(f), `${f} in ${s.slice(0, 200)}`);
  }
  const all = answers[1].body.items;
  assert.ok(all.length > 10);
  for (const p of all) {
    if (p.doc_number !== null && p.doc_type === 'id_card') assert.match(p.doc_number, /^\d{6}\*{8}[\dX]{4}$/, p.doc_number);
    if (p.phone !== null) assert.match(p.phone, /^(1\d\d\*{4}\d{4}|\**\d{4})$/, p.phone);
  }
  assert.equal(answers[2].body.doc_number, '420106********123X');
  assert.equal(answers[2].body.phone, '138****5678');
  assert.equal(answers[4].body.phone, maskPhone(WANG.phone));
});

test('reveal: needs person.reveal and a reason; answers in the clear; audited with the reason', async () => {
  const path = `/api/v1/persons/${P.zhang.id}/reveal`;
  assertError(await post('gridworker', path, { reason: '核对' }), 403, 'forbidden');
  assertError(await post('commander', path, { reason: '核对' }), 403, 'forbidden');
  assertError(await post('doctor', path, {}), 400, 'invalid', 'reason');
  assertError(await post('doctor', path, { reason: '' }), 400, 'invalid', 'reason');
  assertError(await post('doctor', path, { reason: '查' }), 400, 'invalid', 'reason');
  assertError(await post('doctor', path, { reason: '查'.repeat(201) }), 400, 'invalid', 'reason');
  assertError(await post('doctor', path, { reason: '核对', extra: 1 }), 400, 'invalid');
  const ct = await srv.api('POST', path, { token: T.doctor, raw: 'reason=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(ct.status, 415);
  // officer2: outside scope, like a missing person
  assertError(await post('officer2', path, { reason: '核对身份' }), 404, 'not_found');
  assertError(await post('doctor', '/api/v1/persons/99999999/reveal', { reason: '核对身份' }), 404, 'not_found');

  const before = (await auditEntries(srv, T.admin, 'person.reveal')).length;
  const d = await post('doctor', path, { reason: '流调核实联系方式' });
  assert.equal(d.status, 200);
  assert.deepEqual(d.body, { id: P.zhang.id, doc_number: ZHANG.doc, phone: ZHANG.phone });
  const o = await post('officer', path, { reason: '转运登记' });
  assert.deepEqual(o.body, d.body);
  const a = await post('admin', `/api/v1/persons/${P.passport.id}/reveal`, { reason: '核对护照' });
  assert.deepEqual(a.body, { id: P.passport.id, doc_number: 'E12345678', phone: null });

  const entries = await auditEntries(srv, T.admin, 'person.reveal');
  assert.equal(entries.length, before + 3);
  const [adm, off, doc] = entries;
  assert.equal(doc.username, 'doctor');
  assert.equal(doc.object, `person:${P.zhang.id}`);
  assert.equal(doc.region, GRID);
  assert.deepEqual(JSON.parse(doc.detail), { reason: '流调核实联系方式' });
  assert.equal(off.username, 'officer');
  assert.deepEqual(JSON.parse(off.detail), { reason: '转运登记' });
  assert.equal(adm.object, `person:${P.passport.id}`);
  for (const e of entries) assert.ok(!e.detail.includes(ZHANG.doc) && !e.detail.includes(ZHANG.phone));
});

test('reading and searching persons are audited (never the suffix values)', async () => {
  const views0 = (await auditEntries(srv, T.admin, 'person.view')).length;
  const search0 = (await auditEntries(srv, T.admin, 'person.search')).length;
  assert.equal((await get('doctor', `/api/v1/persons/${P.zhangli.id}`)).status, 200);
  const views = await auditEntries(srv, T.admin, 'person.view');
  assert.equal(views.length, views0 + 1);
  assert.equal(views[0].username, 'doctor');
  assert.equal(views[0].object, `person:${P.zhangli.id}`);
  assert.equal(views[0].region, GRID);

  const sfx = ZHANG.doc.slice(-4);
  const r = await get('officer', `/api/v1/persons?doc_suffix=${sfx}&phone_suffix=5678&name=${encodeURIComponent('张')}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((p) => p.id), [P.zhang.id]);
  const searches = await auditEntries(srv, T.admin, 'person.search');
  assert.equal(searches.length, search0 + 1);
  const e = searches[0];
  assert.equal(e.username, 'officer');
  assert.equal(e.region, STREET1);
  const detail = JSON.parse(e.detail);
  assert.equal(detail.rows, 1);
  assert.equal(detail.doc_suffix, true);
  assert.equal(detail.phone_suffix, true);
  assert.equal(detail.name, '张');
  assert.ok(!e.detail.includes(sfx) && !e.detail.includes('5678'), e.detail);
  // a person is not viewed (nor audited) when the answer is 404
  await get('officer2', `/api/v1/persons/${P.zhang.id}`);
  assert.equal((await auditEntries(srv, T.admin, 'person.view')).length, views0 + 1);
});

test('filters: name prefix, doc_suffix, phone_suffix, tag, region, household', async () => {
  for (const [name, tags] of [['测试甲一', ['elderly_alone']], ['测试甲二', ['pregnant', 'chronic']], ['测试乙', []], ['甲测试', ['elderly_alone']]]) {
    const r = await createPerson('gridworker', { household_id: H.b.id, name, tags });
    assert.equal(r.status, 201);
    P[name] = r.body;
  }
  const names = async (who, q) => {
    const r = await get(who, `/api/v1/persons?limit=1000&${q}`);
    assert.equal(r.status, 200, `${q}: ${JSON.stringify(r.body)}`);
    return r.body.items;
  };
  // name: a prefix, ordered by name then id
  assert.deepEqual((await names('gridworker', `name=${encodeURIComponent('测试甲')}`)).map((p) => p.name), ['测试甲一', '测试甲二']);
  assert.deepEqual((await names('gridworker', `name=${encodeURIComponent('测试')}`)).map((p) => p.name),
    ['测试甲一', '测试甲二', '测试乙'].sort());
  assert.deepEqual(await names('officer2', `name=${encodeURIComponent('测试')}`), []);
  // doc_suffix (x as X), phone_suffix
  assert.deepEqual((await names('admin', `doc_suffix=${P.lower.full.slice(-4).toLowerCase()}`)).map((p) => p.id), [P.lower.id]);
  assert.deepEqual((await names('admin', `doc_suffix=${LEGACY18.slice(-4)}`)).map((p) => p.id), [P.legacy.id]);
  const bySfx = await names('admin', 'phone_suffix=5678');
  assert.ok(bySfx.some((p) => p.id === P.zhang.id));
  assert.ok(bySfx.every((p) => p.phone.endsWith('5678')));
  assert.deepEqual((await names('officer2', `phone_suffix=${WANG.phone.slice(-4)}`)).map((p) => p.id), [P.wang.id]);
  assert.deepEqual(await names('gridworker', `phone_suffix=${WANG.phone.slice(-4)}`), []);
  // tag
  const elderly = await names('gridworker', 'tag=elderly_alone');
  assert.ok(elderly.length >= 2);
  assert.ok(elderly.every((p) => p.tags.includes('elderly_alone')));
  assert.ok(elderly.some((p) => p.id === P['测试甲一'].id) && elderly.some((p) => p.id === P['甲测试'].id));
  assert.ok(!elderly.some((p) => p.id === P['测试甲二'].id));
  // region: a subtree, in scope
  const street1 = await names('admin', `region=${STREET1}`);
  assert.ok(street1.length > 5 && street1.every((p) => p.region.startsWith(STREET1)));
  const grid = await names('officer', `region=${GRID}`);
  assert.ok(grid.every((p) => p.region === GRID));
  assert.ok(grid.some((p) => p.id === P.zhang.id));
  // household
  const hh = await names('gridworker', `household_id=${H.a.id}`);
  assert.deepEqual(hh.map((p) => p.id).sort((a, b) => a - b), [P.zhang.id, P.zhangli.id].sort((a, b) => a - b));
  // combined: a prefix and a tag
  assert.deepEqual((await names('gridworker', `name=${encodeURIComponent('测试')}&tag=chronic`)).map((p) => p.name), ['测试甲二']);
  // bad parameters
  for (const [q, field] of [['doc_suffix=123', 'doc_suffix'], ['doc_suffix=12345', 'doc_suffix'],
    ['phone_suffix=56a8', 'phone_suffix'], ['phone_suffix=567', 'phone_suffix'], ['tag=vip', 'tag'],
    ['household_id=x', 'household_id'], ['household_id=0', 'household_id'], ['limit=0', 'limit'],
    ['limit=1001', 'limit'], ['after=%21%21', 'after']]) {
    assertError(await get('admin', `/api/v1/persons?${q}`), 400, 'invalid', field);
  }
  // a region outside scope (or no region at all) is 404
  assertError(await get('officer2', `/api/v1/persons?region=${STREET1}`), 404, 'not_found');
  assertError(await get('gridworker', `/api/v1/persons?region=${GRID_SIBLING}`), 404, 'not_found');
  assertError(await get('admin', '/api/v1/persons?region=4201'), 404, 'not_found');
  assertError(await get('admin', '/api/v1/persons?region=abc'), 404, 'not_found');
});

test('a county user asking for the whole country gets 404, like any region outside scope', async () => {
  assert.equal((await get('admin', '/api/v1/coverage?region=root')).status, 404);
  assertError(await get('admin', '/api/v1/persons?region=root'), 404, 'not_found');
  assertError(await get('admin', '/api/v1/households?region=root'), 404, 'not_found');
});

test('keyset paging walks every person in scope exactly once, in order', async () => {
  const stats = (await get('admin', `/api/v1/coverage?region=${COUNTY}`)).body.region;
  for (const limit of [7, 100, 1000]) {
    const { items, pages } = await walk(srv, T.admin, '/api/v1/persons', limit);
    assert.equal(items.length, stats.persons, `limit ${limit}`);
    assert.equal(pages, Math.max(1, Math.ceil(items.length / limit)), `limit ${limit}: no empty last page`);
    assert.equal(new Set(items.map((p) => p.id)).size, items.length);
    const key = (p) => [p.region, p.id];
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [key(items[i - 1]), key(items[i])];
      assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]), `order at ${i}: ${a} then ${b}`);
    }
  }
  // by name, ordered by name then id, across pages
  const byName = await walk(srv, T.admin, `/api/v1/persons?name=${encodeURIComponent('张')}`, 2);
  const once = (await get('admin', `/api/v1/persons?name=${encodeURIComponent('张')}&limit=1000`)).body.items;
  assert.deepEqual(byName.items.map((p) => p.id), once.map((p) => p.id));
  assert.ok(once.length >= 2);
  for (let i = 1; i < once.length; i++)
    assert.ok(once[i - 1].name < once[i].name || (once[i - 1].name === once[i].name && once[i - 1].id < once[i].id));
  // households page the same way
  const hh = await walk(srv, T.admin, '/api/v1/households', 9);
  assert.equal(hh.items.length, stats.households);
  assert.equal(new Set(hh.items.map((h) => h.id)).size, hh.items.length);
  assert.equal(hh.items.reduce((n, h) => n + h.persons, 0), stats.persons);
});

test('scope: a person in another street is 404, exactly like a missing one', async () => {
  const hidden = await get('officer2', `/api/v1/persons/${P.zhang.id}`);
  const missing = await get('officer2', '/api/v1/persons/99999999');
  assertError(hidden, 404, 'not_found');
  assertError(missing, 404, 'not_found');
  const norm = (b) => JSON.parse(JSON.stringify(b).replace(/\d{3,}/g, 'N'));
  assert.deepEqual(norm(hidden.body), norm(missing.body));
  assert.deepEqual(Object.keys(hidden.body.error).sort(), Object.keys(missing.body.error).sort());
  assert.equal(hidden.headers.get('content-type'), missing.headers.get('content-type'));
  assertError(await patch('officer2', `/api/v1/persons/${P.zhang.id}`, { name: '改名' }), 404, 'not_found');
  assertError(await get('gridworker', `/api/v1/persons/${P.samechars.id}`), 404, 'not_found');
  assertError(await get('officer', `/api/v1/persons/${P.wang.id}`), 404, 'not_found');
  assert.equal((await get('admin', `/api/v1/persons/${P.wang.id}`)).status, 200);
  for (const bad of ['0', '-1', 'abc', '1.5']) assertError(await get('admin', `/api/v1/persons/${bad}`), 404, 'not_found');
});

test('PATCH changes fields; the audit entry names them, never their values', async () => {
  const path = `/api/v1/persons/${P.zhangli.id}`;
  const r = await patch('gridworker', path, { name: '张丽华', phone: '139 0000 4321', tags: ['pregnant'] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.name, '张丽华');
  assert.equal(r.body.phone, '139****4321');
  assert.deepEqual(r.body.tags, ['pregnant']);
  assert.equal(r.body.sex, 'F');
  assert.equal(r.body.doc_number, P.zhangli.doc_number, 'untouched fields stay');
  assert.ok(r.body.updated_at >= P.zhangli.updated_at);
  const e = (await auditEntries(srv, T.admin, 'person.update'))[0];
  assert.equal(e.object, `person:${P.zhangli.id}`);
  assert.equal(e.username, 'gridworker');
  assert.deepEqual(JSON.parse(e.detail).fields.sort(), ['name', 'phone', 'tags']);
  for (const v of ['张丽华', '13900004321', '4321', 'pregnant']) assert.ok(!e.detail.includes(v), e.detail);
  const v = await post('officer', `${path}/reveal`, { reason: '核对新号码' });
  assert.equal(v.body.phone, '13900004321');

  // a new document number: checked, and unique
  assertError(await patch('gridworker', path, { doc_number: wrongCheck(ZHANG.doc) }), 400, 'invalid', 'doc_number');
  assertError(await patch('gridworker', path, { doc_number: ZHANG.doc }), 409, 'conflict', 'doc_number');
  assertError(await patch('gridworker', path, {}), 400, 'invalid');
  assertError(await patch('gridworker', path, { colour: 'red' }), 400, 'invalid');
  assertError(await patch('gridworker', path, { household_id: H.sibling.id }), 404, 'not_found');
  assert.equal((await get('gridworker', path)).body.name, '张丽华', 'failed changes change nothing');
  // moving to a household of another grid moves the person and the counts
  const before = (await get('officer', `/api/v1/coverage?region=${COMM1}`)).body.children;
  const m = await patch('officer', path, { household_id: H.sibling.id });
  assert.equal(m.status, 200, JSON.stringify(m.body));
  assert.equal(m.body.region, GRID_SIBLING);
  const after = (await get('officer', `/api/v1/coverage?region=${COMM1}`)).body.children;
  const n = (rows, code) => rows.find((c) => c.code === code).persons;
  assert.equal(n(after, GRID), n(before, GRID) - 1);
  assert.equal(n(after, GRID_SIBLING), n(before, GRID_SIBLING) + 1);
  assertError(await get('gridworker', path), 404, 'not_found');
});

test('PATCH of doc_type alone is applied (or refused), never only claimed in the audit log', async () => {
  const path = `/api/v1/persons/${P.nodoc.id}`;
  const r = await patch('gridworker', path, { doc_type: 'passport' });
  if (r.status === 200) assert.equal(r.body.doc_type, 'passport');
  else assert.equal(r.status, 400);
});

test('encryption at rest: neither the ID number nor the phone is in the database files', () => {
  assert.ok(existsSync(`${srv.stem}.key`));
  assert.equal(statSync(`${srv.stem}.key`).mode & 0o777, 0o600);
  const bytes = [];
  if (srv.engine === 'postgres') {
    // the server's files: the database's own and the write-ahead log
    srv.sql('CHECKPOINT');
    const data = path.join(path.dirname(srv.stem), 'data');
    const oid = srv.sql('SELECT oid FROM pg_database WHERE datname = current_database()');
    for (const dir of [path.join(data, 'base', oid), path.join(data, 'pg_wal')]) {
      for (const f of readdirSync(dir)) if (statSync(path.join(dir, f)).isFile()) bytes.push(readFileSync(path.join(dir, f)));
    }
  } else {
    bytes.push(readFileSync(srv.db));
    if (existsSync(`${srv.db}-wal`)) bytes.push(readFileSync(`${srv.db}-wal`));
  }
  const all = Buffer.concat(bytes);
  assert.ok(all.includes(Buffer.from('张三')), 'the search finds what is stored in the clear (names)');
  for (const secret of [ZHANG.doc, ZHANG.phone, ZHANG.phoneIn, LEGACY18, P.lower.full, WANG.doc, WANG.phone,
    '13900004321', 'E12345678']) {
    assert.ok(!all.includes(Buffer.from(secret, 'utf8')), `${secret} is in the database files`);
    assert.ok(!all.includes(Buffer.from(secret, 'utf16le')), `${secret} (UTF-16) is in the database files`);
  }
});

test('export: CSV with BOM and header, masked, audited; unmasked only with a reason', async () => {
  // the raw bytes (fetch's text() would drop the BOM)
  const raw = (who, q) => new Promise((resolve, reject) => {
    const u = new URL(srv.base);
    const req = http.request({ host: u.hostname, port: u.port, path: `/api/v1/persons/export${q}`,
      headers: { Authorization: `Bearer ${T[who]}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  assertError(await get('gridworker', '/api/v1/persons/export'), 403, 'forbidden');
  assertError(await get('doctor', '/api/v1/persons/export'), 403, 'forbidden');
  assertError(await get('commander', '/api/v1/persons/export'), 403, 'forbidden');
  assertError(await get('officer', '/api/v1/persons/export?reveal=1'), 400, 'invalid', 'reason');
  assertError(await get('officer', '/api/v1/persons/export?reveal=1&reason=x'), 400, 'invalid', 'reason');
  assertError(await get('officer', `/api/v1/persons/export?region=${STREET2}`), 404, 'not_found');
  assertError(await get('officer', '/api/v1/persons/export?tag=vip'), 400, 'invalid', 'tag');

  // a name a spreadsheet would run as a formula
  const f = await createPerson('officer', { household_id: H.sibling.id, name: '=HYPERLINK("http://x","点我")', origin: '+1 武汉' });
  assert.equal(f.status, 201);

  const exports0 = (await auditEntries(srv, T.admin, 'person.export')).length;
  const r = await raw('officer', `?region=${COMM1}`);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/csv/);
  assert.match(r.headers['content-disposition'], /attachment; filename="persons-420106001001\.csv"/);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xEF, 0xBB, 0xBF]);
  const text = r.bytes.subarray(3).toString('utf8');
  const lines = text.split(/\r?\n/).filter(Boolean);
  const zhang = (await get('officer', `/api/v1/persons/${P.zhang.id}`)).body;
  assert.equal(lines[0], Object.keys(zhang).join(','), 'the header: the field names');
  for (const k of PERSON_KEYS) assert.ok(lines[0].split(',').includes(k), k);
  const people = await walk(srv, T.officer, `/api/v1/persons?region=${COMM1}`);
  assert.equal(lines.length - 1, people.items.length, 'one line per person');
  const zl = lines.find((l) => l.startsWith(`${P.zhang.id},`));
  assert.equal(zl, csvLine(zhang));
  assert.ok(zl.includes(`,张三,M,1985,id_card,420106********123X,138****5678,chronic,武汉市江汉区,2026-01-20,from_key_area,`));
  for (const s of [ZHANG.doc, ZHANG.phone, LEGACY18]) assert.ok(!text.includes(s));
  assert.ok(text.includes(`,"'=HYPERLINK(""http://x"",""点我"")",`), 'a formula is defused and quoted');
  assert.ok(text.includes(`,'+1 武汉,`), 'a leading + is defused');
  const e = (await auditEntries(srv, T.admin, 'person.export'));
  assert.equal(e.length, exports0 + 1);
  assert.equal(e[0].username, 'officer');
  assert.equal(e[0].region, COMM1);
  assert.deepEqual(JSON.parse(e[0].detail), { region: COMM1, name: null, tag: null, unmasked: false, reason: null });

  // unmasked, with a reason
  const u = await raw('officer', `?region=${GRID}&reveal=1&reason=${encodeURIComponent('移交疾控中心')}`);
  assert.equal(u.status, 200);
  const ut = u.bytes.toString('utf8');
  assert.ok(ut.includes(`,${ZHANG.doc},${ZHANG.phone},`));
  const ue = (await auditEntries(srv, T.admin, 'person.export'))[0];
  assert.deepEqual(JSON.parse(ue.detail), { region: GRID, name: null, tag: null, unmasked: true, reason: '移交疾控中心' });
  // filters: name and tag
  const byName = (await raw('admin', `?name=${encodeURIComponent('测试甲')}`)).bytes.toString('utf8').split(/\r?\n/).filter(Boolean);
  assert.deepEqual(byName.slice(1).map((l) => l.split(',')[3]), ['测试甲一', '测试甲二']);
  // officer2 exports only their street
  const o2 = (await raw('officer2', '')).bytes.toString('utf8').split(/\r?\n/).filter(Boolean).slice(1);
  assert.ok(o2.length >= 1);
  assert.ok(o2.every((l) => l.split(',')[2].startsWith(STREET2)), 'only officer2\'s street');
});

test('households: PATCH changes the place; moving to another grid moves the members and the counts', async () => {
  const h = await post('officer', '/api/v1/households', { grid: GRID, building: '搬家楼', room: '1' });
  assert.equal(h.status, 201);
  const p = await createPerson('officer', { household_id: h.body.id, name: '搬家人', phone: '0086-139-0000-1111' });
  assert.equal(p.body.phone, '139****1111');
  const path = `/api/v1/households/${h.body.id}`;
  const r = await patch('officer', path, { room: '2', unit: '3单元' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.building, r.body.unit, r.body.room, r.body.persons], ['搬家楼', '3单元', '2', 1]);
  // onto another registered place: 409
  assertError(await patch('officer', path, { building: '88栋', unit: '2单元', room: '1201' }), 409, 'conflict', 'address');
  // the grid worker may not move it out of their grid; officer2 may not touch it
  assertError(await patch('gridworker', path, { grid: GRID_SIBLING }), 404, 'not_found');
  assertError(await patch('officer2', path, { room: '3' }), 404, 'not_found');
  assertError(await patch('officer', path, { grid: '4201060010010' }), 400, 'invalid', 'grid');
  const before = (await get('officer', `/api/v1/coverage?region=${COMM1}`)).body.children;
  const m = await patch('officer', path, { grid: GRID_SIBLING });
  assert.equal(m.status, 200, JSON.stringify(m.body));
  assert.equal(m.body.grid, GRID_SIBLING);
  assert.equal((await get('officer', `/api/v1/persons/${p.body.id}`)).body.region, GRID_SIBLING);
  const after = (await get('officer', `/api/v1/coverage?region=${COMM1}`)).body.children;
  const row = (rows, code) => rows.find((c) => c.code === code);
  assert.equal(row(after, GRID).households, row(before, GRID).households - 1);
  assert.equal(row(after, GRID).persons, row(before, GRID).persons - 1);
  assert.equal(row(after, GRID_SIBLING).households, row(before, GRID_SIBLING).households + 1);
  assert.equal(row(after, GRID_SIBLING).persons, row(before, GRID_SIBLING).persons + 1);
  const e = (await auditEntries(srv, T.admin, 'household.update'))[0];
  assert.equal(e.object, `household:${h.body.id}`);
  assert.deepEqual(JSON.parse(e.detail), { from_grid: GRID, grid: GRID_SIBLING });
  assertError(await get('gridworker', path), 404, 'not_found');
});

test('the export streams every person in scope, past one page of 1,000', async () => {
  const rows = Array.from({ length: 1100 }, (_, i) => `批量${String(i).padStart(4, '0')},${GRID_SIBLING},批量路 ${i % 50}号`);
  const imp = await srv.api('POST', '/api/v1/persons/import', { token: T.admin, raw: `姓名,网格,地址\n${rows.join('\n')}\n`,
    headers: { 'Content-Type': 'text/csv' } });
  assert.equal(imp.status, 200, JSON.stringify(imp.body));
  assert.equal(imp.body.imported, 1100);
  const total = (await get('admin', `/api/v1/coverage?region=${COUNTY}`)).body.region.persons;
  assert.ok(total > 1000);
  const r = await get('admin', '/api/v1/persons/export');
  assert.equal(r.status, 200);
  const lines = r.body.split('\r\n').filter(Boolean);
  assert.equal(lines.length - 1, total);
  const ids = lines.slice(1).map((l) => Number(l.split(',')[0]));
  assert.equal(new Set(ids).size, total, 'every person once');
  const byName = await get('admin', `/api/v1/persons/export?name=${encodeURIComponent('批量')}`);
  assert.equal(byName.body.split('\r\n').filter(Boolean).length - 1, 1100);
});
