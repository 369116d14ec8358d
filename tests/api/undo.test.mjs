// Undo of a screening record: a record with status "withdrawn" naming the
// record it withdraws.  It is itself a record with its own uuid (replayed
// once, like any), ordered by the phone's clock; only its maker may undo a
// record, and only until the grid's day is reported; coverage follows in
// the same transaction.  Tests run in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { STREET1, GRID, walk, uuid, addDays } from './registry-helpers.mjs';

let srv, today;
const T = {};
const H = {};
const P = {};

before(async () => {
  srv = await startServer({ env: { FK_REPORT_HOUR: '24' } });
  for (const u of ['admin', 'officer', 'gridworker']) T[u] = await srv.login(u);
  today = (await srv.api('GET', '/api/v1/coverage', { token: T.admin })).body.date;
  for (const [key, room, names] of [['a', '301', ['撤甲', '撤乙']], ['b', '302', ['撤丙']], ['c', '303', []]]) {
    const h = await srv.api('POST', '/api/v1/households', { token: T.gridworker, body: { grid: GRID, building: '撤销楼', unit: '1单元', room } });
    assert.equal(h.status, 201, JSON.stringify(h.body));
    H[key] = h.body;
    for (const name of names) {
      const p = await srv.api('POST', '/api/v1/persons', { token: T.gridworker, body: { household_id: h.body.id, name } });
      assert.equal(p.status, 201);
      P[name] = p.body;
    }
  }
});
after(async () => { await srv.stop(); });

const now = () => Math.floor(Date.now() / 1000);
const record = (who, body) => srv.api('POST', '/api/v1/screenings', { token: T[who], body });
const visit = (h, extra = {}) => ({ uuid: uuid(), household_id: h.id, date: today, status: 'visited', recorded_at: now(), ...extra });
const undo = (rec, extra = {}) => ({
  uuid: uuid(), household_id: rec.household_id, date: rec.date, status: 'withdrawn', withdraws: rec.uuid,
  recorded_at: rec.recorded_at + 1, ...extra,
});
const cov = async (region, date = today) => {
  const r = await srv.api('GET', `/api/v1/coverage?region=${region}&date=${date}`, { token: T.admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.region;
};
const item = async (h, date = today) => {
  const r = await srv.api('GET', `/api/v1/screenings/worklist?grid=${GRID}&date=${date}`, { token: T.gridworker });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { w: r.body, h: r.body.items.find((x) => x.id === h.id) };
};
const gaps = async (date = today) => (await walk(srv, T.gridworker, `/api/v1/coverage/gaps?grid=${GRID}&date=${date}`)).items.map((x) => x.id);
function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

test('undo of "all normal": the household is pending again, coverage corrected at every level; a replay changes nothing', async () => {
  const g0 = await cov(GRID), s0 = await cov(STREET1);
  const rec = visit(H.a, { persons: [{ person_id: P['撤甲'].id, temperature: 36.5 }, { person_id: P['撤乙'].id, temperature: 36.6 }] });
  assert.equal((await record('gridworker', rec)).status, 201);
  let { w, h } = await item(H.a);
  assert.deepEqual([h.status, h.uuid, h.mine, w.reported], ['visited', rec.uuid, true, false]);
  assert.equal((await cov(GRID)).visited, g0.visited + 1);

  const u = undo(rec);
  const r = await record('gridworker', u);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual([r.body.result, r.body.uuid, r.body.withdrew, r.body.abnormal], ['created', u.uuid, true, false]);
  for (const [region, before] of [[GRID, g0], [STREET1, s0]]) {
    const c = await cov(region);
    assert.deepEqual([c.visited, c.unvisited, c.abnormal], [before.visited, before.unvisited, before.abnormal], region);
  }
  ({ h } = await item(H.a));
  assert.deepEqual([h.status, h.uuid, h.findings], [null, null, []]);
  assert.ok((await gaps()).includes(H.a.id));
  // the outbox sends the undo again after a lost answer: answered, not applied twice
  for (let i = 0; i < 2; i++) {
    const again = await record('gridworker', u);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.result, 'replayed');
  }
  assert.equal((await cov(GRID)).visited, g0.visited);
  // a new record after the undo counts once (the undo itself counted nothing)
  const rec2 = visit(H.a, { status: 'not_home', recorded_at: u.recorded_at + 1 });
  assert.equal((await record('gridworker', rec2)).status, 201);
  const c = await cov(GRID);
  assert.deepEqual([c.visited, c.not_home, c.unvisited], [g0.visited, g0.not_home + 1, g0.unvisited - 1]);
  assert.ok(!(await gaps()).includes(H.a.id));
});

test('undo of an abnormal record takes its abnormal count back', async () => {
  const g0 = await cov(GRID);
  const rec = visit(H.b, { persons: [{ person_id: P['撤丙'].id, temperature: 38.4 }] });
  const r = await record('gridworker', rec);
  assert.equal(r.body.abnormal, true);
  assert.equal((await cov(GRID)).abnormal, g0.abnormal + 1);
  assert.equal((await record('gridworker', undo(rec))).status, 201);
  const c = await cov(GRID);
  assert.deepEqual([c.visited, c.abnormal], [g0.visited, g0.abnormal]);
  assert.equal((await item(H.b)).h.abnormal, false);
});

test('offline order: the record, its undo and a stale record in one batch leave the household pending', async () => {
  const g0 = await cov(GRID);
  const t = now() - 300;
  const rec = visit(H.c, { recorded_at: t });
  const u = undo(rec, { recorded_at: t + 60 });
  const stale = visit(H.c, { status: 'not_home', recorded_at: t + 30 }); // made before the undo, delivered after it
  const r = await record('gridworker', [rec, u, stale]);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.items.map((x) => x.result), ['created', 'created', 'created']);
  assert.equal(r.body.items[1].withdrew, true);
  assert.equal((await item(H.c)).h.status, null);
  assert.deepEqual((await cov(GRID)).unvisited, g0.unvisited);
  // the whole batch again (a lost answer): all replayed, nothing changes
  const again = await record('gridworker', [rec, u, stale]);
  assert.deepEqual(again.body.items.map((x) => x.result), ['replayed', 'replayed', 'replayed']);
  // an undo of a record a later one replaced already is history
  const later = visit(H.c, { recorded_at: t + 120 });
  assert.equal((await record('gridworker', later)).status, 201);
  const late = await record('gridworker', undo(stale, { recorded_at: t + 90 }));
  assert.equal(late.status, 201);
  assert.equal(late.body.withdrew, false);
  assert.equal((await item(H.c)).h.status, 'visited');
  assert.equal((await cov(GRID)).unvisited, g0.unvisited - 1);
});

test('undo of someone else\'s record is 409; nothing changes', async () => {
  const rec = visit(H.c, { recorded_at: now() });
  assert.equal((await record('officer', rec)).status, 201);
  const c0 = await cov(GRID);
  const r = await record('gridworker', undo(rec));
  assertError(r, 409, 'conflict', 'withdraws');
  assert.match(r.body.error.message, /someone else/);
  assert.deepEqual(await cov(GRID), c0);
  const { h } = await item(H.c);
  assert.deepEqual([h.uuid, h.mine], [rec.uuid, false]);
});

test('malformed undos are 400 or 404 naming withdraws', async () => {
  const rec = visit(H.b, { recorded_at: now() });
  assert.equal((await record('gridworker', rec)).status, 201);
  assertError(await record('gridworker', { ...visit(H.b), withdraws: rec.uuid }), 400, 'invalid', 'withdraws');
  assertError(await record('gridworker', { ...undo(rec), withdraws: undefined }), 400, 'invalid', 'withdraws');
  assertError(await record('gridworker', undo(rec, { withdraws: uuid() })), 404, 'not_found', 'withdraws');
  assertError(await record('gridworker', undo(rec, { date: addDays(today, -1) })), 400, 'invalid', 'withdraws');
  assertError(await record('gridworker', undo(rec, { household_id: H.a.id })), 400, 'invalid', 'withdraws');
  assertError(await record('gridworker', undo(rec, { persons: [{ person_id: P['撤丙'].id }] })), 400, 'invalid', 'persons');
  const u = undo(rec);
  assert.equal((await record('gridworker', u)).status, 201);
  assertError(await record('gridworker', undo(u)), 400, 'invalid', 'withdraws');
  // in a batch the index is named, and nothing of the batch is stored
  const good = visit(H.a);
  const b = await record('gridworker', [good, undo(rec, { withdraws: uuid() })]);
  assertError(b, 404, 'not_found', '[1].withdraws');
  assert.notEqual((await item(H.a)).h.uuid, good.uuid);
});

test('undo after the grid\'s day is reported is 409; an undo sent before is still answered as a replay', async () => {
  const day = addDays(today, -2);
  const rec = visit(H.a, { date: day, recorded_at: now() - 2 * 86400 });
  assert.equal((await record('gridworker', rec)).status, 201);
  const early = visit(H.b, { date: day, recorded_at: now() - 2 * 86400 });
  assert.equal((await record('gridworker', early)).status, 201);
  const u1 = undo(early);
  assert.equal((await record('gridworker', u1)).status, 201);
  const unvisited = (await gaps(day)).map((id) => ({ household_id: id, reason: '全楼外出' }));
  const rep = await srv.api('POST', '/api/v1/reports', { token: T.gridworker, body: { grid: GRID, date: day, unvisited } });
  assert.equal(rep.status, 201, JSON.stringify(rep.body));
  assert.equal((await item(H.a, day)).w.reported, true);
  const c0 = await cov(GRID, day);
  const r = await record('gridworker', undo(rec));
  assertError(r, 409, 'conflict', 'withdraws');
  assert.match(r.body.error.message, /reported/);
  assert.deepEqual(await cov(GRID, day), c0);
  assert.equal((await item(H.a, day)).h.uuid, rec.uuid);
  const again = await record('gridworker', u1);
  assert.equal(again.status, 200);
  assert.equal(again.body.result, 'replayed');
});
