// Daily screening: records (one or a batch, idempotent by uuid, all or
// nothing), replacement within a day, abnormal findings and their alerts,
// coverage at every level, gaps, zero reports, the grid worker's worklist.
// Tests run in order: each builds on the records of the ones before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import {
  COUNTY, STREET1, STREET2, COMM1, GRID, GRID_SIBLING, GRID_EMPTY, COUNTS,
  walk, auditEntries, uuid, addDays,
} from './registry-helpers.mjs';

let srv, today;
const T = {};
const H = {}; // households: s1..s4 in the grid worker's grid, x1 in the sibling grid
const P = {}; // persons

before(async () => {
  // zero reports are late after FK_REPORT_HOUR: 24 keeps today on time whatever the clock says
  srv = await startServer({ env: { FK_REPORT_HOUR: '24' } });
  for (const u of ['admin', 'commander', 'officer', 'officer2', 'doctor', 'gridworker', 'volunteer']) T[u] = await srv.login(u);
  today = (await srv.api('GET', '/api/v1/coverage', { token: T.admin })).body.date;
  const mk = async (who, key, grid, room, names) => {
    const h = await srv.api('POST', '/api/v1/households', { token: T[who], body: { grid, building: '筛查楼', unit: '1单元', room } });
    assert.equal(h.status, 201, JSON.stringify(h.body));
    H[key] = h.body;
    for (const name of names) {
      const p = await srv.api('POST', '/api/v1/persons', { token: T[who], body: { household_id: h.body.id, name } });
      assert.equal(p.status, 201);
      P[name] = p.body;
    }
  };
  await mk('gridworker', 's1', GRID, '101', ['筛一甲', '筛一乙']);
  await mk('gridworker', 's2', GRID, '102', ['筛二']);
  await mk('gridworker', 's3', GRID, '103', ['筛三']);
  await mk('gridworker', 's4', GRID, '104', []);
  await mk('officer', 'x1', GRID_SIBLING, '201', ['邻格']);
});
after(async () => { await srv.stop(); });

const record = (who, body) => srv.api('POST', '/api/v1/screenings', { token: T[who], body });
const get = (who, path) => srv.api('GET', path, { token: T[who] });
const cov = async (region, date = today) => {
  const r = await get('admin', `/api/v1/coverage?region=${region}&date=${date}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.region;
};
const worklist = async (grid = GRID, date = today, who = 'gridworker') => {
  const r = await get(who, `/api/v1/screenings/worklist?grid=${grid}&date=${date}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}
const visit = (household, persons = [], extra = {}) => ({ uuid: uuid(), household_id: household.id, status: 'visited', persons, ...extra });

const U1 = uuid();
const REC1 = { uuid: U1, household_id: 0, date: '', status: 'not_home', recorded_at: Math.floor(Date.now() / 1000) };

test('one record: 201 created; the same uuid again: 200 replayed, nothing counted twice', async () => {
  const c0 = await cov(GRID);
  Object.assign(REC1, { household_id: H.s4.id, date: today });
  const rec = REC1;
  const r = await record('gridworker', rec);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body).sort(), ['abnormal', 'alerts', 'id', 'result', 'uuid']);
  assert.equal(r.body.result, 'created');
  assert.equal(r.body.uuid, U1);
  assert.equal(r.body.abnormal, false);
  assert.equal(r.body.alerts, 0);
  const c1 = await cov(GRID);
  assert.equal(c1.not_home, c0.not_home + 1);
  assert.equal(c1.unvisited, c0.unvisited - 1);
  for (let i = 0; i < 2; i++) {
    const again = await record('gridworker', rec);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.result, 'replayed');
    assert.equal(again.body.id, r.body.id);
    assert.equal(again.body.abnormal, false);
  }
  // keys in another order are the same content
  const reordered = Object.fromEntries(Object.entries(rec).reverse());
  assert.equal((await record('gridworker', reordered)).body.result, 'replayed');
  // in a batch too
  const b = await record('gridworker', [rec]);
  assert.equal(b.status, 200);
  assert.equal(b.body.items[0].result, 'replayed');
  assert.deepEqual(await cov(GRID), c1, 'nothing doubled');
});

test('the same record sent in parallel, or twice in one batch, is stored once', async () => {
  const c0 = await cov(GRID);
  // recorded a while ago: the records the next tests send (recorded now) are later
  const rec = { uuid: uuid(), household_id: H.s4.id, status: 'not_home', recorded_at: Math.floor(Date.now() / 1000) - 120 };
  const all = await Promise.all(Array.from({ length: 6 }, () => record('gridworker', rec)));
  assert.deepEqual(all.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 201]);
  assert.equal(new Set(all.map((r) => r.body.id)).size, 1);
  const c1 = await cov(GRID);
  assert.deepEqual([c1.not_home, c1.unvisited, c1.visited], [c0.not_home, c0.unvisited, c0.visited], 'not_home replaced not_home');
  const twice = { uuid: uuid(), household_id: H.s4.id, status: 'not_home', recorded_at: rec.recorded_at + 1 };
  const b = await record('gridworker', [twice, twice]);
  assert.equal(b.status, 200);
  assert.deepEqual(b.body.items.map((x) => x.result), ['created', 'replayed']);
  assert.equal(b.body.items[0].id, b.body.items[1].id);
  assert.deepEqual(await cov(GRID), c1);
});

test('a replay answers with the first record\'s fields, alerts included', async () => {
  const body = visit(H.s3, [{ person_id: P['筛三'].id, temperature: 36.6 }]);
  const a = await record('gridworker', body);
  const b = await record('gridworker', body);
  assert.deepEqual([a.status, b.status], [201, 200]);
  assert.deepEqual(Object.keys(b.body).sort(), Object.keys(a.body).sort());
  assert.equal(b.body.alerts, a.body.alerts);
});

test('the same uuid with other content is 409 naming the uuid', async () => {
  const r = await record('gridworker', { uuid: U1, household_id: H.s4.id, date: today, status: 'refused' });
  assertError(r, 409, 'conflict', 'uuid');
  const b = await record('gridworker', [visit(H.s2), { uuid: U1, household_id: H.s4.id, status: 'visited' }]);
  assertError(b, 409, 'conflict', '[1].uuid');
  assert.match(b.body.error.message, /^\[1\]/);
});

test('a later record for the same household and day replaces the earlier one', async () => {
  const c0 = await cov(GRID);
  const r = await record('gridworker', visit(H.s4, [], { date: today }));
  assert.equal(r.status, 201);
  const c1 = await cov(GRID);
  assert.equal(c1.not_home, c0.not_home - 1, 'not_home is back');
  assert.equal(c1.visited, c0.visited + 1);
  assert.equal(c1.unvisited, c0.unvisited);
  const w = (await worklist()).items.find((h) => h.id === H.s4.id);
  assert.equal(w.status, 'visited');
  assert.equal(w.uuid, r.body.uuid);
  // replaying the earlier one changes nothing: it is not made current again
  const replay = await record('gridworker', REC1);
  assert.equal(replay.body.result, 'replayed');
  assert.deepEqual(await cov(GRID), c1);
  assert.equal((await worklist()).items.find((h) => h.id === H.s4.id).status, 'visited');
});

test('a record made earlier but delivered later (an offline phone) does not replace a newer one', async () => {
  const now = Math.floor(Date.now() / 1000);
  try {
    const late = await record('officer', { ...visit(H.x1), recorded_at: now - 60 });
    assert.equal(late.status, 201);
    const early = await record('officer', { uuid: uuid(), household_id: H.x1.id, status: 'not_home', recorded_at: now - 4 * 3600 });
    assert.equal(early.status, 201);
    const w = (await worklist(GRID_SIBLING, today, 'officer')).items.find((h) => h.id === H.x1.id);
    assert.equal(w.status, 'visited', 'the record made last stays current');
    assert.equal(w.uuid, late.body.uuid);
  } finally {
    // the household visited again (before now: the tests that follow record later)
    await record('officer', { ...visit(H.x1), recorded_at: now - 30 });
  }
});

test('a batch is all or nothing: one bad record and none is stored', async () => {
  const c0 = await cov(GRID);
  const good = [visit(H.s1), visit(H.s2, [{ person_id: P['筛二'].id, temperature: 36.5 }])];
  const bad = visit(H.s3, [{ person_id: P['筛三'].id, temperature: 44 }]);
  // a bad temperature at [1], at [2]
  const r1 = await record('gridworker', [good[0], bad, good[1]]);
  assertError(r1, 400, 'invalid', '[1].persons[0].temperature');
  assert.match(r1.body.error.message, /35\.0 to 42\.0/);
  const r2 = await record('gridworker', [...good, bad]);
  assertError(r2, 400, 'invalid', '[2].persons[0].temperature');
  // found only when storing: a household outside the grid worker's grid at [2]
  const r3 = await record('gridworker', [...good, visit(H.x1)]);
  assertError(r3, 404, 'not_found', '[2].household_id');
  // a person of another household at [1]
  const r4 = await record('gridworker', [good[0], visit(H.s2, [{ person_id: P['筛三'].id }])]);
  assertError(r4, 400, 'invalid', '[1].persons[0].person_id');
  assert.deepEqual(await cov(GRID), c0, 'nothing of those batches counted');
  // nothing stored: the good records are new when sent alone
  for (const g of good) {
    const r = await record('gridworker', g);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.result, 'created');
  }
  const c1 = await cov(GRID);
  assert.equal(c1.visited, c0.visited + 2);
});

test('a good batch: 200 with one result per record, audited once', async () => {
  const records0 = (await auditEntries(srv, T.admin, 'screening.record')).length;
  const batch = [visit(H.s1), visit(H.s2, [{ person_id: P['筛二'].id, temperature: 36.4 }]), visit(H.s3, [{ person_id: P['筛三'].id, temperature: 36.8 }])];
  const r = await record('gridworker', batch);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.items.map((x) => [x.uuid, x.result, x.abnormal, x.alerts]),
    batch.map((b) => [b.uuid, 'created', false, 0]));
  const entries = await auditEntries(srv, T.admin, 'screening.record');
  assert.equal(entries.length, records0 + 1);
  assert.equal(entries[0].username, 'gridworker');
  assert.equal(entries[0].region, GRID);
  assert.deepEqual(JSON.parse(entries[0].detail), { created: 3, replayed: 0 });
  // an empty batch, one too large
  assertError(await record('gridworker', []), 400, 'invalid');
  const big = Array.from({ length: 1001 }, () => ({ uuid: uuid(), household_id: H.s1.id, status: 'visited' }));
  assertError(await record('gridworker', big), 413, 'too_large');
  assert.equal((await cov(GRID)).visited, (await worklist()).counts.visited);
});

test('a lone record\'s errors name the field without an index', async () => {
  const c0 = await cov(GRID);
  const p = (x) => visit(H.s3, [{ person_id: P['筛三'].id, ...x }]);
  for (const [body, status, field] of [
    [p({ temperature: 34.9 }), 400, 'persons[0].temperature'],
    [p({ temperature: 42.1 }), 400, 'persons[0].temperature'],
    [p({ temperature: '37' }), 400, 'persons[0].temperature'],
    [p({ symptoms: ['sneeze'] }), 400, 'persons[0].symptoms'],
    [p({ history: ['abroad'] }), 400, 'persons[0].history'],
    [p({ category: 'worried' }), 400, 'persons[0].category'],
    [p({ mood: 'ok' }), 400, undefined],
    [visit(H.s3, [{ person_id: P['筛一甲'].id }]), 400, 'persons[0].person_id'],
    [visit(H.s3, [{ person_id: 99999999 }]), 400, 'persons[0].person_id'],
    [{ ...visit(H.s3), status: 'asleep' }, 400, 'status'],
    [{ ...visit(H.s3), uuid: 'not-a-uuid-not-a-uuid-not-a-uuid-xxx' }, 400, 'uuid'],
    [{ ...visit(H.s3), uuid: 'short' }, 400, 'uuid'],
    [{ ...visit(H.s3), date: addDays(today, 1) }, 400, 'date'],
    [{ ...visit(H.s3), date: addDays(today, -15) }, 400, 'date'],
    [{ ...visit(H.s3), date: '2026-02-30' }, 400, 'date'],
    [{ uuid: uuid(), household_id: H.s3.id, status: 'not_home', persons: [{ person_id: P['筛三'].id }] }, 400, 'persons'],
    [{ uuid: uuid(), status: 'visited' }, 400, 'household_id'],
    [{ ...visit(H.s3), household_id: 99999999 }, 404, 'household_id'],
    [visit(H.x1), 404, 'household_id'],
  ]) {
    const r = await record('gridworker', body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
    assert.doesNotMatch(r.body.error.message, /^\[0\]/);
  }
  const ct = await srv.api('POST', '/api/v1/screenings', { token: T.gridworker, raw: JSON.stringify(visit(H.s3)), headers: { 'Content-Type': 'text/plain' } });
  assert.equal(ct.status, 415);
  assert.deepEqual(await cov(GRID), c0);
  // 14 days back is still accepted
  const old = await record('gridworker', { ...visit(H.s3), date: addDays(today, -14) });
  assert.equal(old.status, 201, JSON.stringify(old.body));
});

test('who records where: the grid worker in their grid, officers in their street', async () => {
  assert.equal((await record('officer', visit(H.x1))).status, 201);
  assertError(await record('officer2', visit(H.x1)), 404, 'not_found', 'household_id');
  for (const who of ['admin', 'commander', 'doctor', 'volunteer']) assertError(await record(who, visit(H.s1)), 403, 'forbidden');
});

test('a batch over two grids is audited once, at the region holding both', async () => {
  const b = await record('officer', [visit(H.x1), visit(H.s1)]);
  assert.equal(b.status, 200);
  const e = (await auditEntries(srv, T.admin, 'screening.record'))[0];
  assert.deepEqual([e.username, JSON.parse(e.detail)], ['officer', { created: 2, replayed: 0 }]);
  assert.equal(e.region, COMM1);
});

const alertsOf = async (who, q = '') => {
  const r = await get(who, `/api/v1/alerts?limit=1000${q}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items;
};
const A = {}; // alerts by reason

test('abnormal findings (≥ 37.3 °C, a symptom, a history flag, a category) raise alerts', async () => {
  const c0 = await cov(GRID);
  const normal = await record('gridworker', visit(H.s2, [{ person_id: P['筛二'].id, temperature: 37.2, symptoms: [], history: [], note: '正常' }]));
  assert.equal(normal.status, 201);
  assert.equal(normal.body.abnormal, false);
  assert.equal(normal.body.alerts, 0);
  const fever = await record('gridworker', visit(H.s1, [
    { person_id: P['筛一甲'].id, temperature: 37.3 }, { person_id: P['筛一乙'].id, temperature: 37.2 }]));
  assert.deepEqual([fever.body.abnormal, fever.body.alerts], [true, 1]);
  const cough = await record('gridworker', visit(H.s2, [{ person_id: P['筛二'].id, temperature: 36.5, symptoms: ['cough'] }]));
  assert.deepEqual([cough.body.abnormal, cough.body.alerts], [true, 1]);
  const hist = await record('gridworker', visit(H.s3, [{ person_id: P['筛三'].id, history: ['contact_case'] }]));
  assert.deepEqual([hist.body.abnormal, hist.body.alerts], [true, 1]);
  const cat = await record('officer', visit(H.x1, [{ person_id: P['邻格'].id, category: 'close_contact', temperature: 38.5, symptoms: ['fever', 'fatigue'] }]));
  assert.deepEqual([cat.body.abnormal, cat.body.alerts], [true, 1]);
  const c1 = await cov(GRID);
  assert.equal(c1.abnormal, c0.abnormal + 3, 's1, s2 (replaced: normal → cough) and s3');
  assert.equal(c1.visited, c0.visited, 'all were visited already today');

  const list = await alertsOf('doctor', `&region=${COMM1}`);
  const find = (sid) => list.filter((a) => a.screening_id === sid);
  const [f] = find(fever.body.id);
  assert.deepEqual(Object.keys(f).sort(), ['closed_at', 'closed_by', 'created_at', 'date', 'grid', 'grid_name', 'household_id',
    'id', 'kind', 'observation_id', 'outcome', 'person_id', 'person_name', 'reasons', 'screening_id', 'slot', 'state', 'temperature',
    'community_name', 'building', 'unit', 'room', 'address', 'recorded_by'].sort());
  assert.deepEqual([f.building, f.unit, f.room, f.address], [H.s1.building, H.s1.unit, H.s1.room, H.s1.address]);
  assert.equal(f.recorded_by, '网格员', 'the display name of who recorded the screening');
  assert.equal(typeof f.community_name, 'string');
  assert.ok(f.community_name.length > 0);
  assert.deepEqual([f.kind, f.person_id, f.person_name, f.household_id, f.grid, f.grid_name, f.date, f.state, f.outcome, f.closed_by,
    f.observation_id, f.slot], ['screening', P['筛一甲'].id, '筛一甲', H.s1.id, GRID, '第一网格', today, 'open', null, null, null, null]);
  assert.deepEqual(f.reasons, ['temperature']);
  assert.equal(f.temperature, 37.3);
  assert.equal(find(fever.body.id).length, 1, '37.2 raised none');
  assert.deepEqual(find(cough.body.id).map((a) => a.reasons), [['cough']]);
  assert.deepEqual(find(hist.body.id).map((a) => [a.reasons, a.temperature]), [[['contact_case'], null]]);
  const [c] = find(cat.body.id);
  assert.deepEqual(c.reasons, ['temperature', 'fever', 'fatigue', 'close_contact']);
  assert.equal(c.grid, GRID_SIBLING);
  assert.equal(find(normal.body.id).length, 0);
  Object.assign(A, { fever: f, cough: find(cough.body.id)[0], hist: find(hist.body.id)[0], cat: c });
  // newest first
  const ids = list.map((a) => a.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));

  // who sees them: the community's doctor, the street's officer, the county; not officer2
  for (const who of ['doctor', 'officer', 'commander', 'admin', 'gridworker']) {
    const seen = new Set((await alertsOf(who)).map((a) => a.id));
    assert.ok(seen.has(A.fever.id), who);
    assert.equal(seen.has(A.cat.id), who !== 'gridworker', who);
  }
  assert.ok(!(await alertsOf('officer2')).some((a) => a.id === A.fever.id));
  assertError(await get('officer2', `/api/v1/alerts?region=${GRID}`), 404, 'not_found');
  assertError(await get('gridworker', `/api/v1/alerts?region=${GRID_SIBLING}`), 404, 'not_found');
  assertError(await get('doctor', '/api/v1/alerts?state=pending'), 400, 'invalid', 'state');
  assertError(await get('doctor', '/api/v1/alerts?kind=fever'), 400, 'invalid', 'kind');
  assertError(await get('doctor', '/api/v1/alerts?from=yesterday'), 400, 'invalid', 'from');
  assertError(await get('doctor', '/api/v1/alerts?to=2026-02-30'), 400, 'invalid', 'to');
  // kind and day filters
  const mine = (await alertsOf('doctor', `&region=${COMM1}`)).map((a) => a.id);
  assert.deepEqual((await alertsOf('doctor', `&region=${COMM1}&kind=screening&from=${today}&to=${today}`)).map((a) => a.id),
    list.filter((a) => a.date === today).map((a) => a.id));
  assert.ok(mine.includes(A.fever.id));
  assert.deepEqual(await alertsOf('doctor', `&region=${COMM1}&kind=followup_missed`), [], 'no observation here');
  assert.deepEqual(await alertsOf('doctor', `&region=${COMM1}&from=${addDays(today, 1)}`), []);
  assert.ok((await alertsOf('doctor', `&region=${COMM1}&to=${addDays(today, -1)}`)).every((a) => a.date < today));
  assertError(await get('doctor', '/api/v1/alerts?limit=0'), 400, 'invalid', 'limit');
  // region filter
  const sib = await alertsOf('officer', `&region=${GRID_SIBLING}`);
  assert.ok(sib.length >= 1 && sib.every((a) => a.grid === GRID_SIBLING));
  // paging walks them once
  const paged = await walk(srv, T.doctor, '/api/v1/alerts', 1);
  assert.deepEqual(paged.items.map((a) => a.id), (await alertsOf('doctor')).map((a) => a.id));
});

test('a temperature just under 37.3 °C is not abnormal', async () => {
  for (const t of [37.29, 37.25]) {
    const r = await record('gridworker', visit(H.s3, [{ person_id: P['筛三'].id, temperature: t }]));
    assert.equal(r.status, 201);
    assert.equal(r.body.abnormal, false, `${t} °C`);
  }
});

test('closing an alert: alert.close, an outcome, once', async () => {
  // the temperature test above may have re-recorded s3; its alert stays what it was
  const path = `/api/v1/alerts/${A.fever.id}/close`;
  const close = (who, body, p = path) => srv.api('POST', p, { token: T[who], body });
  assertError(await close('gridworker', { outcome: 'normal_on_recheck' }), 403, 'forbidden');
  assertError(await close('commander', { outcome: 'normal_on_recheck' }), 403, 'forbidden');
  assertError(await close('doctor', { outcome: 'healed' }), 400, 'invalid', 'outcome');
  assertError(await close('doctor', {}), 400, 'invalid', 'outcome');
  assertError(await close('doctor', { outcome: 'other', note: 'x'.repeat(501) }), 400, 'invalid', 'note');
  assertError(await close('doctor', { outcome: 'other', colour: 'red' }), 400, 'invalid');
  assertError(await close('officer2', { outcome: 'other' }), 404, 'not_found');
  assertError(await close('doctor', { outcome: 'other' }, '/api/v1/alerts/99999999/close'), 404, 'not_found');
  const r = await close('doctor', { outcome: 'normal_on_recheck', note: '复测 36.6' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.id, A.fever.id);
  assert.equal(r.body.state, 'closed');
  assert.equal(r.body.outcome, 'normal_on_recheck');
  assert.equal(r.body.closed_by, 'doctor');
  assert.ok(Math.abs(r.body.closed_at - Date.now() / 1000) < 120);
  assertError(await close('doctor', { outcome: 'other' }), 409, 'conflict');
  assertError(await close('officer', { outcome: 'home_isolation' }), 409, 'conflict');
  const o = await close('officer', { outcome: 'centralised_isolation' }, `/api/v1/alerts/${A.cat.id}/close`);
  assert.equal(o.status, 200);
  assert.equal(o.body.closed_by, 'officer');
  // the state filter
  const closed = await alertsOf('doctor', '&state=closed');
  assert.ok(closed.some((a) => a.id === A.fever.id) && closed.every((a) => a.state === 'closed'));
  const open = await alertsOf('doctor', '&state=open');
  assert.ok(!open.some((a) => a.id === A.fever.id) && open.some((a) => a.id === A.cough.id));
  assert.ok(open.every((a) => a.state === 'open'));
  const e = (await auditEntries(srv, T.admin, 'alert.close')).find((x) => x.object === `alert:${A.fever.id}`);
  assert.equal(e.username, 'doctor');
  assert.equal(e.region, GRID);
  assert.deepEqual(JSON.parse(e.detail), { outcome: 'normal_on_recheck', note: '复测 36.6' });
});

// Checks one coverage answer: every child's counts sum to the region's.
function assertSums(c, label) {
  for (const k of c.children.length ? COUNTS : []) {
    const sum = c.children.reduce((n, x) => n + x[k], 0);
    assert.equal(sum, c.region[k], `${label} ${c.region.code}: ${k} of the children`);
  }
  for (const x of [c.region, ...c.children]) {
    assert.equal(x.unvisited, x.households - x.visited - x.not_home - x.refused, `${x.code}: unvisited`);
    assert.ok(x.unvisited >= 0 && x.abnormal <= x.visited, `${x.code}: ${JSON.stringify(x)}`);
  }
}

test('coverage: counts match the records, and every level agrees with its children', async () => {
  for (const date of [today, addDays(today, -1), addDays(today, -14)]) {
    for (const region of [COUNTY, STREET1, COMM1, GRID]) {
      const r = await get('admin', `/api/v1/coverage?region=${region}&date=${date}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.date, date);
      assertSums(r.body, date);
      // the parent's row as a child equals the row one level down
      if (region !== GRID) {
        const child = r.body.children.find((x) => x.code === { [COUNTY]: STREET1, [STREET1]: COMM1, [COMM1]: GRID }[region]);
        const down = (await get('admin', `/api/v1/coverage?region=${child.code}&date=${date}`)).body.region;
        assert.deepEqual(child, down);
      }
    }
  }
  // the grid against the registry and the worklist
  const g = await cov(GRID);
  assert.deepEqual(Object.keys(g).sort(), ['abnormal', 'code', 'households', 'level', 'name', 'not_home', 'persons',
    'refused', 'unvisited', 'visited'].sort());
  assert.equal(g.level, 6);
  assert.equal(g.households, (await walk(srv, T.admin, `/api/v1/households?region=${GRID}`)).items.length);
  assert.equal(g.persons, (await walk(srv, T.admin, `/api/v1/persons?region=${GRID}`)).items.length);
  const w = await worklist();
  for (const k of ['households', 'visited', 'not_home', 'refused', 'unvisited', 'abnormal']) assert.equal(g[k], w.counts[k], k);
  const byStatus = (s) => w.items.filter((h) => h.status === s).length;
  assert.deepEqual([g.visited, g.not_home, g.refused, g.unvisited, g.abnormal],
    [byStatus('visited'), byStatus('not_home'), byStatus('refused'), byStatus(null), w.items.filter((h) => h.abnormal).length]);
  const county = await cov(COUNTY);
  assert.equal(county.households, (await walk(srv, T.admin, '/api/v1/households', 1000)).items.length);
  // a refusal, then: counted as refused
  const x = await record('gridworker', { uuid: uuid(), household_id: H.s4.id, status: 'refused' });
  assert.equal(x.status, 201);
  const g2 = await cov(GRID);
  assert.deepEqual([g2.refused, g2.visited], [g.refused + 1, g.visited - 1]);
  assertSums((await get('admin', `/api/v1/coverage?region=${COMM1}`)).body, 'after a refusal');
  // parameters and scope
  for (const d of ['2026-02-30', 'today', '2026-1-5', '20261129'])
    assertError(await get('admin', `/api/v1/coverage?date=${d}`), 400, 'invalid', 'date');
  assertError(await get('officer2', `/api/v1/coverage?region=${STREET1}`), 404, 'not_found');
  assertError(await get('gridworker', `/api/v1/coverage?region=${COMM1}`), 404, 'not_found');
  assertError(await get('admin', '/api/v1/coverage?region=root'), 404, 'not_found');
  assertError(await get('admin', '/api/v1/coverage?region=420106999'), 404, 'not_found');
  const own = await get('gridworker', '/api/v1/coverage');
  assert.equal(own.body.region.code, GRID);
  assert.deepEqual(own.body.children, []);
});

test('gaps: exactly the households without a record that day', async () => {
  const w = await worklist();
  const want = w.items.filter((h) => h.status === null).map((h) => h.id).sort((a, b) => a - b);
  const r = await get('gridworker', `/api/v1/coverage/gaps?grid=${GRID}&limit=1000`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((h) => h.id).sort((a, b) => a - b), want);
  assert.equal(r.body.items.length, (await cov(GRID)).unvisited);
  for (const h of r.body.items) {
    assert.deepEqual(Object.keys(h).sort(), ['address', 'building', 'grid', 'grid_name', 'id', 'last_screened', 'persons', 'room', 'unit']);
    assert.ok(h.last_screened === null || h.last_screened < today, 'a gap of today was last screened before it, if ever');
    assert.equal(h.grid, GRID);
  }
  assert.ok(!r.body.items.some((h) => [H.s1.id, H.s2.id, H.s3.id, H.s4.id].includes(h.id)));
  // a new household is a gap until visited
  const n = await srv.api('POST', '/api/v1/households', { token: T.gridworker, body: { grid: GRID, address: '新户 1号' } });
  const gaps = async (q) => (await walk(srv, T.gridworker, `/api/v1/coverage/gaps?${q}`, 1)).items.map((h) => h.id);
  assert.ok((await gaps(`grid=${GRID}`)).includes(n.body.id));
  await record('gridworker', { uuid: uuid(), household_id: n.body.id, status: 'not_home' });
  assert.ok(!(await gaps(`grid=${GRID}`)).includes(n.body.id));
  // another day: the records of that day
  const yesterday = addDays(today, -1);
  const wy = await worklist(GRID, yesterday);
  assert.deepEqual((await gaps(`grid=${GRID}&date=${yesterday}`)).sort((a, b) => a - b),
    wy.items.filter((h) => h.status === null).map((h) => h.id).sort((a, b) => a - b));
  // by region: the community's gaps hold the grid's
  const comm = await walk(srv, T.doctor, `/api/v1/coverage/gaps?region=${COMM1}`, 3);
  assert.equal(comm.items.length, (await cov(COMM1)).unvisited);
  // the households list with unvisited= is the same list, in the same order
  assert.deepEqual((await walk(srv, T.gridworker, `/api/v1/households?region=${GRID}&unvisited=${yesterday}`, 2)).items,
    (await walk(srv, T.gridworker, `/api/v1/coverage/gaps?grid=${GRID}&date=${yesterday}`, 3)).items);
  const bad = await get('gridworker', `/api/v1/households?unvisited=yesterday`);
  assertError(bad, 400, 'invalid', 'unvisited');
  assert.equal(bad.body.error.message, 'unvisited: a date YYYY-MM-DD');
  // parameters and scope
  assertError(await get('gridworker', `/api/v1/coverage/gaps?grid=${GRID}&date=2026-13-01`), 400, 'invalid', 'date');
  assertError(await get('gridworker', `/api/v1/coverage/gaps?grid=${GRID}&limit=abc`), 400, 'invalid', 'limit');
  assertError(await get('gridworker', `/api/v1/coverage/gaps?grid=${GRID_SIBLING}`), 404, 'not_found');
  assertError(await get('officer2', `/api/v1/coverage/gaps?region=${COMM1}`), 404, 'not_found');
});

// Nothing open is hidden: a household missed on an earlier day stays on the
// `since` list until a record of any later day closes it.
test('gaps since a day: households not reached on any day since, until a record closes them', async () => {
  const yesterday = addDays(today, -1);
  const since = async () => (await walk(srv, T.gridworker, `/api/v1/coverage/gaps?grid=${GRID}&since=${yesterday}`, 2)).items;
  const ids = (items) => items.map((h) => h.id).sort((a, b) => a - b);
  const [wy, wt] = [await worklist(GRID, yesterday), await worklist()];
  const missedBoth = wy.items.filter((h) => h.status === null && wt.items.find((x) => x.id === h.id).status === null);
  const got = await since();
  assert.deepEqual(ids(got), ids(missedBoth));
  for (const h of got) assert.ok(h.last_screened === null || h.last_screened < yesterday, `${h.id}: ${h.last_screened}`);
  // a household missed yesterday and visited today is closed: not listed
  const closedToday = wy.items.filter((h) => h.status === null && wt.items.find((x) => x.id === h.id).status !== null);
  for (const h of closedToday) assert.ok(!got.some((x) => x.id === h.id), `${h.id} was visited today`);
  // a new household, never screened, is listed until its first record
  const n = await srv.api('POST', '/api/v1/households', { token: T.gridworker, body: { grid: GRID, address: '新户 2号' } });
  assert.equal((await since()).find((h) => h.id === n.body.id).last_screened, null);
  await record('gridworker', { uuid: uuid(), household_id: n.body.id, status: 'visited', persons: [] });
  assert.ok(!(await since()).some((h) => h.id === n.body.id));
  // parameters
  assertError(await get('gridworker', `/api/v1/coverage/gaps?grid=${GRID}&since=${yesterday}&date=${today}`), 400, 'invalid', 'since');
  assertError(await get('gridworker', `/api/v1/coverage/gaps?grid=${GRID}&since=${addDays(today, 1)}`), 400, 'invalid', 'since');
  assertError(await get('gridworker', `/api/v1/coverage/gaps?grid=${GRID}&since=soon`), 400, 'invalid', 'since');
  assertError(await get('officer2', `/api/v1/coverage/gaps?region=${COMM1}&since=${yesterday}`), 404, 'not_found');
});

test('zero report: refused while households lack a record; accepted with a reason for each', async () => {
  const report = (who, body) => srv.api('POST', '/api/v1/reports', { token: T[who], body });
  for (const address of ['未访 1号', '未访 2号']) {
    const h = await srv.api('POST', '/api/v1/households', { token: T.gridworker, body: { grid: GRID, address } });
    assert.equal(h.status, 201);
  }
  const gaps = (await walk(srv, T.gridworker, `/api/v1/coverage/gaps?grid=${GRID}`)).items.map((h) => h.id).sort((a, b) => a - b);
  assert.ok(gaps.length >= 2);
  const r = await report('gridworker', { grid: GRID, note: '今日无异常' });
  assertError(r, 409, 'conflict', 'unvisited');
  assert.match(r.body.error.message, new RegExp(`^${gaps.length} household\\(s\\) not yet visited`));
  assert.match(r.body.error.message, new RegExp(`first: ${gaps.slice(0, 5).join(', ')}\\)`));
  // reasons for all but one: still refused, naming the one left
  const reasons = gaps.map((id) => ({ household_id: id, reason: '长期空置' }));
  const partial = await report('gridworker', { grid: GRID, unvisited: reasons.slice(1) });
  assertError(partial, 409, 'conflict', 'unvisited');
  assert.match(partial.body.error.message, new RegExp(`^1 household\\(s\\).*first: ${gaps[0]}\\)`));
  assertError(await report('gridworker', { grid: GRID, unvisited: [{ household_id: gaps[0], reason: '空' }] }), 400, 'invalid', 'unvisited[0]');
  assertError(await report('gridworker', { grid: GRID, unvisited: [{ household_id: gaps[0] }] }), 400, 'invalid', 'unvisited[0]');
  assertError(await report('gridworker', { grid: GRID, date: addDays(today, 1) }), 400, 'invalid', 'date');
  assertError(await report('gridworker', { grid: COMM1 }), 400, 'invalid', 'grid');
  assertError(await report('gridworker', { grid: GRID_SIBLING }), 404, 'not_found');
  assertError(await report('officer', { grid: '420106001001999' }), 404, 'not_found');
  assertError(await report('officer2', { grid: GRID }), 404, 'not_found');
  assertError(await report('doctor', { grid: GRID }), 403, 'forbidden');

  const ok = await report('gridworker', { grid: GRID, note: '已说明未访户', unvisited: reasons });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const abnormal = (await cov(GRID)).abnormal;
  assert.ok(abnormal > 0);
  assert.deepEqual([ok.body.grid, ok.body.date, ok.body.abnormal, ok.body.nothing_abnormal], [GRID, today, abnormal, false]);
  assert.ok(Math.abs(ok.body.reported_at - Date.now() / 1000) < 120);
  // an empty grid reports "nothing abnormal" at once
  const empty = await report('officer', { grid: GRID_EMPTY });
  assert.equal(empty.status, 201, JSON.stringify(empty.body));
  assert.deepEqual([empty.body.abnormal, empty.body.nothing_abnormal], [0, true]);
  // a second report replaces the first
  const again = await report('officer', { grid: GRID_EMPTY, note: '更正' });
  assert.equal(again.status, 201);
  const e = (await auditEntries(srv, T.admin, 'report.submit')).filter((x) => x.object === `report:${GRID_EMPTY}:${today}`);
  assert.equal(e.length, 2);
  assert.equal(e[0].username, 'officer');
});

test('reports: who reported, who is missing, and who is late', async () => {
  const list = async (q) => {
    const r = await get('doctor', `/api/v1/reports?region=${COMM1}&limit=1000${q}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items;
  };
  const all = await list('');
  const grids = (await walk(srv, T.doctor, `/api/v1/regions/${COMM1}/children`)).items.map((g) => g.code);
  assert.deepEqual(all.map((x) => x.grid), grids, 'every grid of the community, ordered by code');
  const g = all.find((x) => x.grid === GRID);
  assert.deepEqual([g.reported, g.reported_by, g.note, g.late], [true, 'gridworker', '已说明未访户', false]);
  // the grid's community, to tell 第一网格 of one community from another's
  const comm = (await get('doctor', `/api/v1/regions/${COMM1}`)).body;
  assert.ok(all.every((x) => x.community_name === comm.name), JSON.stringify(all[0]));
  assert.equal(g.abnormal, (await cov(GRID)).abnormal);
  const e = all.find((x) => x.grid === GRID_EMPTY);
  assert.deepEqual([e.reported, e.reported_by, e.note, e.abnormal], [true, 'officer', '更正', 0]);
  const s = all.find((x) => x.grid === GRID_SIBLING);
  assert.deepEqual([s.reported, s.reported_at, s.reported_by, s.late], [false, null, null, false]);
  // missing=1: only the grids without a report (today, before the deadline: not late)
  const missing = await list('&missing=1');
  assert.deepEqual(missing.map((x) => x.grid), grids.filter((c) => c !== GRID && c !== GRID_EMPTY));
  assert.ok(missing.every((x) => x.reported === false && x.late === false));
  // a past day without a report is late (the demo reported yesterday; five days ago, nobody)
  const yesterday = addDays(today, -5);
  const past = await list(`&date=${yesterday}&missing=1`);
  assert.deepEqual(past.map((x) => x.grid), grids);
  assert.ok(past.every((x) => x.late === true && x.reported === false));
  const y = await srv.api('POST', '/api/v1/reports', { token: T.officer, body: { grid: GRID_EMPTY, date: yesterday } });
  assert.equal(y.status, 201, JSON.stringify(y.body));
  const past2 = await list(`&date=${yesterday}`);
  assert.deepEqual(past2.find((x) => x.grid === GRID_EMPTY).late, false, 'reported late, but reported');
  assert.ok(!(await list(`&date=${yesterday}&missing=1`)).some((x) => x.grid === GRID_EMPTY));
  // paging, parameters, scope
  const paged = await walk(srv, T.doctor, `/api/v1/reports?region=${COMM1}`, 2);
  assert.deepEqual(paged.items.map((x) => x.grid), grids);
  assertError(await get('doctor', `/api/v1/reports?date=${today.replaceAll('-', '/')}`), 400, 'invalid', 'date');
  assertError(await get('officer2', `/api/v1/reports?region=${COMM1}`), 404, 'not_found');
  const o2 = await get('officer2', '/api/v1/reports?limit=1000');
  assert.ok(o2.body.items.length > 0 && o2.body.items.every((x) => x.grid.startsWith(STREET2)));
});

test('worklist: every household of the grid with its members and today\'s status; audited', async () => {
  const before = (await auditEntries(srv, T.admin, 'screening.worklist')).length;
  const w = await worklist();
  assert.deepEqual(Object.keys(w).sort(), ['counts', 'date', 'grid', 'items', 'next', 'reported']);
  assert.equal(w.reported, true); // the zero report above
  assert.equal(w.date, today);
  assert.equal(w.next, null);
  assert.equal(w.grid.code, GRID);
  assert.equal(w.grid.name, '第一网格');
  const hh = (await walk(srv, T.gridworker, `/api/v1/households?region=${GRID}`)).items;
  assert.deepEqual(w.items.map((h) => h.id).sort((a, b) => a - b), hh.map((h) => h.id).sort((a, b) => a - b));
  assert.equal(w.counts.households, hh.length);
  const key = (h) => [h.building, h.unit, h.room];
  for (let i = 1; i < w.items.length; i++) {
    const [a, b] = [key(w.items[i - 1]), key(w.items[i])];
    assert.ok(a.join('\u0000') <= b.join('\u0000'), `order: ${a} then ${b}`);
  }
  const s1 = w.items.find((h) => h.id === H.s1.id);
  assert.deepEqual(Object.keys(s1).sort(), ['abnormal', 'address', 'building', 'findings', 'id', 'members', 'mine', 'room', 'status', 'unit', 'uuid']);
  assert.equal(s1.mine, true);
  assert.deepEqual([s1.building, s1.unit, s1.room, s1.status, s1.abnormal], ['筛查楼', '1单元', '101', 'visited', true]);
  assert.deepEqual(s1.members.map((m) => [m.id, m.name]), [[P['筛一甲'].id, '筛一甲'], [P['筛一乙'].id, '筛一乙']]);
  assert.deepEqual(Object.keys(s1.members[0]).sort(), ['birth_year', 'id', 'name', 'sex', 'tags']);
  assert.equal(w.items.find((h) => h.id === H.s4.id).status, 'refused');
  assert.deepEqual(w.items.find((h) => h.id === H.s4.id).members, []);
  for (const h of w.items) {
    const persons = (await get('gridworker', `/api/v1/persons?household_id=${h.id}&limit=1000`)).body.items;
    assert.deepEqual(h.members.map((m) => m.id).sort((a, b) => a - b), persons.map((p) => p.id).sort((a, b) => a - b));
    if (h.status === null) assert.equal(h.uuid, null);
  }
  assert.ok(!JSON.stringify(w).includes('doc_number') && !JSON.stringify(w).includes('phone'), 'no personal numbers');
  const entries = await auditEntries(srv, T.admin, 'screening.worklist');
  assert.equal(entries.length, before + 1);
  assert.equal(entries[0].username, 'gridworker');
  assert.equal(entries[0].region, GRID);
  assert.deepEqual(JSON.parse(entries[0].detail), { grid: GRID, households: hh.length });
  // officers too; others not; scope; parameters
  assert.equal((await get('officer', `/api/v1/screenings/worklist?grid=${GRID}`)).status, 200);
  for (const who of ['commander', 'doctor', 'admin', 'volunteer'])
    assertError(await get(who, `/api/v1/screenings/worklist?grid=${GRID}`), 403, 'forbidden');
  assertError(await get('officer2', `/api/v1/screenings/worklist?grid=${GRID}`), 404, 'not_found');
  assertError(await get('gridworker', `/api/v1/screenings/worklist?grid=${GRID_SIBLING}`), 404, 'not_found');
  assertError(await get('gridworker', '/api/v1/screenings/worklist'), 400, 'invalid', 'grid');
  assertError(await get('gridworker', `/api/v1/screenings/worklist?grid=${COMM1}`), 400, 'invalid', 'grid');
  assertError(await get('gridworker', `/api/v1/screenings/worklist?grid=${GRID}&date=x`), 400, 'invalid', 'date');
  assert.equal((await auditEntries(srv, T.admin, 'screening.worklist')).length, before + 2, 'refusals are not audited');
});

test('worklist: each household carries what its current record found, per person', async () => {
  const now = Math.floor(Date.now() / 1000);
  const [a, b] = [P['筛一甲'].id, P['筛一乙'].id];
  // recorded now (later than every record before), one after the other:
  // of two made in the same second, the one stored last is current
  // s1: a fever with a cough and one person normal
  const r1 = await record('gridworker', visit(H.s1, [
    { person_id: a, temperature: 38.2, symptoms: ['cough', 'fever'], note: '夜里咳嗽' },
    { person_id: b, temperature: 36.6 },
  ]));
  assert.equal(r1.status, 201, JSON.stringify(r1.body));
  // s2: abnormal first, then visited again and found normal: the second is current
  const r2a = await record('gridworker', visit(H.s2, [
    { person_id: P['筛二'].id, history: ['contact_case'], category: 'close_contact' }]));
  const r2b = await record('gridworker', visit(H.s2, [{ person_id: P['筛二'].id, temperature: 36.4, note: '复查正常' }]));
  assert.deepEqual([r2a.body.abnormal, r2b.body.abnormal], [true, false]);
  // …and an earlier-made abnormal record delivered late does not replace it
  const late = await record('gridworker', visit(H.s2, [{ person_id: P['筛二'].id, temperature: 39.0 }], { recorded_at: now - 60 }));
  assert.equal(late.status, 201);
  // s3: not at home, after a visit with findings: no findings now
  await record('gridworker', visit(H.s3, [{ person_id: P['筛三'].id, temperature: 37.8 }]));
  await record('gridworker', { uuid: uuid(), household_id: H.s3.id, status: 'not_home' });

  const w = await worklist();
  const item = (hh, list = w) => list.items.find((x) => x.id === hh.id);
  const s1 = item(H.s1);
  assert.equal(s1.uuid, r1.body.uuid);
  assert.equal(s1.abnormal, true);
  assert.deepEqual(s1.findings, [
    { person_id: a, temperature: 38.2, symptoms: ['fever', 'cough'], history: [], category: null, abnormal: true, note: '夜里咳嗽' },
    { person_id: b, temperature: 36.6, symptoms: [], history: [], category: null, abnormal: false, note: '' },
  ]);
  const s2 = item(H.s2);
  assert.equal(s2.uuid, r2b.body.uuid, 'the current record');
  assert.equal(s2.abnormal, false);
  assert.deepEqual(s2.findings, [
    { person_id: P['筛二'].id, temperature: 36.4, symptoms: [], history: [], category: null, abnormal: false, note: '复查正常' },
  ]);
  const s3 = item(H.s3);
  assert.deepEqual([s3.status, s3.abnormal, s3.findings], ['not_home', false, []]);
  // a category alone, no temperature: null temperature, the category kept
  const r4 = await record('gridworker', visit(H.s2, [{ person_id: P['筛二'].id, category: 'febrile' }]));
  assert.equal(r4.status, 201);
  assert.deepEqual(item(H.s2, await worklist()).findings,
    [{ person_id: P['筛二'].id, temperature: null, symptoms: [], history: [], category: 'febrile', abnormal: true, note: '' }]);
  // every household: findings only of its own members, only when visited,
  // and abnormal exactly when one of them is
  for (const hh of (await worklist()).items) {
    const members = new Set(hh.members.map((m) => m.id));
    assert.ok(hh.findings.every((f) => members.has(f.person_id)), `household ${hh.id}: findings of its members`);
    if (hh.status !== 'visited') assert.deepEqual(hh.findings, [], `household ${hh.id}: ${hh.status}`);
    assert.equal(hh.abnormal, hh.findings.some((f) => f.abnormal), `household ${hh.id}: abnormal`);
    const ids = hh.findings.map((f) => f.person_id);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'by person');
  }
  // another day: that day's records, none of today's
  const y = await worklist(GRID, addDays(today, -1));
  assert.deepEqual(item(H.s1, y).findings, [], 'no record for s1 yesterday');
  // the sibling grid's findings are in the sibling grid's list only
  assert.equal((await record('officer', visit(H.x1, [{ person_id: P['邻格'].id, temperature: 37.5 }]))).status, 201);
  assert.deepEqual(item(H.x1, await worklist(GRID_SIBLING, today, 'officer')).findings.map((f) => [f.person_id, f.temperature, f.abnormal]),
    [[P['邻格'].id, 37.5, true]]);
  assert.ok(!(await worklist()).items.some((x) => x.findings.some((f) => f.person_id === P['邻格'].id)));
});

test('coverage stays consistent when a visited household moves to another grid', async () => {
  const h = await srv.api('POST', '/api/v1/households', { token: T.officer, body: { grid: GRID, address: '搬迁前 1号' } });
  assert.equal((await record('officer', visit(h.body)).then((r) => r.status)), 201);
  const m = await srv.api('PATCH', `/api/v1/households/${h.body.id}`, { token: T.officer, body: { grid: GRID_SIBLING } });
  assert.equal(m.status, 200);
  for (const grid of [GRID, GRID_SIBLING]) {
    const c = await cov(grid);
    const w = await worklist(grid, today, 'officer');
    for (const k of ['households', 'visited', 'unvisited']) assert.equal(c[k], w.counts[k], `${grid} ${k}`);
  }
});
