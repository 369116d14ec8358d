// Cases: creation and its validation, lateness, one-step cases from
// screening alerts, protocol transitions with their history, discharge
// observation, scope and permissions.  Tests run in order on one server
// (600 residents: no demo outbreak, so every case here is ours); a second
// server runs under protocol edition 5 for clinical diagnoses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { COUNTY, STREET2, GRID, uuid, addDays } from './registry-helpers.mjs';

let srv, today;
const T = {};
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  srv = await startServer({ people: 600, days: 1 });
  for (const u of ['admin', 'commander', 'officer', 'officer2', 'doctor', 'gridworker', 'auditor']) T[u] = await srv.login(u);
  const d = await srv.api('GET', '/api/v1/stats/daily', { token: T.doctor });
  assert.equal(d.status, 200);
  today = d.body.days.at(-1).date;
});
after(async () => { await srv?.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

// A fresh person (own household) in the grid worker's grid, made by the officer.
let seq = 0;
async function person(s = srv, token = T.officer) {
  seq++;
  const h = await s.api('POST', '/api/v1/households', { token, body: { grid: GRID, building: '病例楼', room: String(1000 + seq) } });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  const p = await s.api('POST', '/api/v1/persons', { token, body: { household_id: h.body.id, name: `病例${seq}` } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return p.body;
}

const caseBody = (person_id, extra = {}) => ({
  person_id, category: 'suspected', diagnosis_time: now() - 600, reporting_unit: '武昌医院', place: 'designated_hospital', ...extra,
});
const create = (body, who = 'doctor', s = srv, token = T[who]) => s.api('POST', '/api/v1/cases', { token, body });
const move = (id, to, reason = '核酸检测结果', extra = {}) =>
  srv.api('POST', `/api/v1/cases/${id}/transitions`, { token: T.doctor, body: { to, reason, ...extra } });
const getCase = async (id, who = 'doctor') => {
  const r = await srv.api('GET', `/api/v1/cases/${id}`, { token: T[who] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

test('create: 201 with the case, its first event and the allowed moves; on time when reported at once', async () => {
  const p = await person();
  const onset = addDays(today, -2);
  const r = await create(caseBody(p.id, { onset_date: onset, sampling_date: addDays(today, -1) }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const c = r.body;
  for (const k of ['id', 'person_id', 'person_name', 'region', 'region_name', 'category', 'outcome', 'onset_date',
    'sampling_date', 'diagnosis_time', 'reported_at', 'late', 'reporting_unit', 'place', 'alert_id', 'edition',
    'updated_at', 'events', 'allowed']) assert.ok(k in c, `missing ${k}`);
  assert.equal(c.person_id, p.id);
  assert.equal(c.person_name, p.name);
  assert.equal(c.region, GRID);
  assert.equal(c.category, 'suspected');
  assert.equal(c.outcome, null, 'suspected and excluded cases have no outcome');
  assert.equal(c.onset_date, onset);
  assert.equal(c.late, false);
  assert.equal(c.edition, 7);
  assert.equal(c.alert_id, null);
  assert.deepEqual([...c.allowed].sort(), ['confirmed', 'excluded']);
  assert.equal(c.events.length, 1);
  assert.equal(c.events[0].to, 'suspected');
  assert.equal(c.events[0].user, 'doctor');
  // listed (newest first) and readable by the county
  const l = await srv.api('GET', '/api/v1/cases', { token: T.commander });
  assert.equal(l.status, 200);
  assert.equal(l.body.items[0].id, c.id);
  assert.equal((await getCase(c.id, 'commander')).id, c.id);
});

test('late: reported more than 2 hours after the diagnosis; exactly 2 hours is on time', async () => {
  const t = now() - 86400;
  const a = await create(caseBody((await person()).id, { diagnosis_time: t, reported_time: t + 7201 }));
  assert.equal(a.status, 201, JSON.stringify(a.body));
  assert.equal(a.body.late, true);
  assert.equal(a.body.reported_at, t + 7201);
  const b = await create(caseBody((await person()).id, { diagnosis_time: t, reported_time: t + 7200 }));
  assert.equal(b.status, 201, JSON.stringify(b.body));
  assert.equal(b.body.late, false);
  const c = await create(caseBody((await person()).id, { diagnosis_time: now() - 3 * 3600 })); // reported now
  assert.equal(c.status, 201);
  assert.equal(c.body.late, true);
  const late = await srv.api('GET', '/api/v1/cases?late=1', { token: T.doctor });
  const ids = late.body.items.map((x) => x.id);
  assert.ok(ids.includes(a.body.id) && ids.includes(c.body.id) && !ids.includes(b.body.id));
  assert.ok(late.body.items.every((x) => x.late === true));
  const onTime = await srv.api('GET', '/api/v1/cases?late=0', { token: T.doctor });
  assert.ok(onTime.body.items.some((x) => x.id === b.body.id));
  assert.ok(onTime.body.items.every((x) => x.late === false));
  assertError(await srv.api('GET', '/api/v1/cases?late=maybe', { token: T.doctor }), 400, 'invalid', 'late');
  // reported before the diagnosis
  assertError(await create(caseBody((await person()).id, { diagnosis_time: t, reported_time: t - 1 })), 400, 'invalid', 'reported_time');
});

test('validation: 400 naming the field', async () => {
  const p = await person();
  const diag = now() - 600;
  const cases = [
    [{ onset_date: addDays(today, 1) }, 'onset_date'], // in the future (and after the diagnosis)
    [{ onset_date: addDays(today, 2), diagnosis_time: diag }, 'onset_date'],
    [{ diagnosis_time: now() - 5 * 86400, onset_date: addDays(today, -1) }, 'onset_date'], // onset after diagnosis
    [{ diagnosis_time: now() + 3600 }, 'diagnosis_time'],
    [{ sampling_date: addDays(today, 1) }, 'sampling_date'],
    [{ onset_date: '2026-13-01' }, 'onset_date'],
    [{ category: 'asymptomatic', onset_date: addDays(today, -1) }, 'onset_date'],
    [{ category: 'clinical' }, 'category'], // edition 7 has no clinical diagnosis
    [{ category: 'excluded' }, 'category'],
    [{ category: 'sick' }, 'category'],
    [{ place: 'hotel' }, 'place'],
    [{ reporting_unit: '' }, 'reporting_unit'],
    [{ reported_time: now() + 3600 }, 'reported_time'],
    [{ person_id: 'x' }, 'person_id'],
  ];
  for (const [extra, field] of cases) {
    const r = await create(caseBody(p.id, extra));
    assertError(r, 400, 'invalid', field);
  }
  const un = await create({ ...caseBody(p.id), bogus: 1 });
  assert.equal(un.status, 400);
  const miss = caseBody(p.id);
  delete miss.place;
  assertError(await create(miss), 400, 'invalid', 'place');
  // the clinical refusal under edition 7 lists what is allowed
  const sick = await create(caseBody(p.id, { category: 'sick' }));
  assert.deepEqual(sick.body.error.allowed, ['suspected', 'confirmed', 'asymptomatic']);
  // nothing was stored for this person
  assert.equal((await create(caseBody(p.id))).status, 201);
});

test('asymptomatic without onset: 201 with no onset date', async () => {
  const r = await create(caseBody((await person()).id, { category: 'asymptomatic', sampling_date: addDays(today, -1) }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.onset_date, null);
  assert.deepEqual([...r.body.allowed].sort(), ['confirmed', 'deceased', 'discharged', 'excluded']);
});

test('a second case for the same person: 409 naming person_id', async () => {
  const p = await person();
  const a = await create(caseBody(p.id));
  assert.equal(a.status, 201);
  const b = await create(caseBody(p.id, { category: 'confirmed' }));
  assertError(b, 409, 'conflict', 'person_id');
});

test('scope: a person outside the doctor\'s community (officer2\'s street) is 404', async () => {
  const ps = await srv.api('GET', `/api/v1/persons?region=${STREET2}&limit=1`, { token: T.officer2 });
  assert.equal(ps.status, 200);
  const far = ps.body.items[0];
  assertError(await create(caseBody(far.id)), 404, 'not_found');
  assertError(await create(caseBody(99999999)), 404, 'not_found');
  // and a case out there is invisible to officer2 of another street
  const mine = (await srv.api('GET', '/api/v1/cases?limit=1', { token: T.doctor })).body.items[0];
  assertError(await srv.api('GET', `/api/v1/cases/${mine.id}`, { token: T.officer2 }), 404, 'not_found');
  const l2 = await srv.api('GET', '/api/v1/cases', { token: T.officer2 });
  assert.equal(l2.status, 200);
  assert.equal(l2.body.items.length, 0);
  assertError(await srv.api('GET', `/api/v1/cases?region=${STREET2}`, { token: T.doctor }), 404, 'not_found');
});

// Records a fever for p as the grid worker; returns the open alert.
async function fever(p) {
  const r = await srv.api('POST', '/api/v1/screenings', {
    token: T.gridworker,
    body: { uuid: uuid(), household_id: p.household_id, status: 'visited', persons: [{ person_id: p.id, temperature: 38.6, symptoms: ['cough'] }] },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.alerts, 1);
  const a = await srv.api('GET', '/api/v1/alerts?state=open&limit=1000', { token: T.doctor });
  const alert = a.body.items.find((x) => x.person_id === p.id);
  assert.ok(alert, 'alert raised');
  return alert;
}

test('a case from an alert in one step: the alert is closed as reported_as_case; a closed alert is 409', async () => {
  const p = await person();
  const alert = await fever(p);
  const r = await create(caseBody(p.id, { alert_id: alert.id, onset_date: addDays(today, -1) }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.alert_id, alert.id);
  const closed = await srv.api('GET', '/api/v1/alerts?state=closed&limit=1000', { token: T.doctor });
  const a = closed.body.items.find((x) => x.id === alert.id);
  assert.ok(a, 'alert closed');
  assert.equal(a.outcome, 'reported_as_case');
  assert.equal(a.state, 'closed');
  // an alert closed by hand cannot make a case
  const q = await person();
  const alert2 = await fever(q);
  const cl = await srv.api('POST', `/api/v1/alerts/${alert2.id}/close`, { token: T.doctor, body: { outcome: 'normal_on_recheck' } });
  assert.equal(cl.status, 200, JSON.stringify(cl.body));
  assertError(await create(caseBody(q.id, { alert_id: alert2.id })), 409, 'conflict', 'alert_id');
  // the first alert, used already, is closed too (and its person has a case)
  const again = await create(caseBody(q.id, { alert_id: alert.id }));
  assert.ok([400, 409].includes(again.status), JSON.stringify(again.body));
  // and q still has no case
  assert.equal((await create(caseBody(q.id))).status, 201);
});

test('an alert about another person: 400 alert_id; an unknown alert: 404; a failed create leaves the alert open', async () => {
  const p = await person();
  const q = await person();
  const alert = await fever(p);
  assertError(await create(caseBody(q.id, { alert_id: alert.id })), 400, 'invalid', 'alert_id');
  assertError(await create(caseBody(p.id, { alert_id: 99999999 })), 404, 'not_found', 'alert_id');
  // reported_time is checked after the alert: the failure must not close it
  const t = now() - 3600;
  assertError(await create(caseBody(p.id, { alert_id: alert.id, diagnosis_time: t, reported_time: t - 60 })), 400, 'invalid', 'reported_time');
  const open = await srv.api('GET', '/api/v1/alerts?state=open&limit=1000', { token: T.doctor });
  assert.ok(open.body.items.some((x) => x.id === alert.id), 'alert still open after a refused case');
  const ok = await create(caseBody(p.id, { alert_id: alert.id }));
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
});

test('transitions: allowed moves with their history; a forbidden move is 409 transition with allowed', async () => {
  const p = await person();
  const c = (await create(caseBody(p.id, { onset_date: addDays(today, -3) }))).body;
  // suspected → discharged: not a move the protocol allows
  const bad = await move(c.id, 'discharged');
  assertError(bad, 409, 'transition', 'to');
  assert.deepEqual([...bad.body.error.allowed].sort(), ['confirmed', 'excluded']);
  assertError(await move(c.id, 'clinical'), 409, 'transition'); // edition 7
  assertError(await move(c.id, 'suspected'), 409, 'transition');
  // validation
  assertError(await move(c.id, 'healed'), 400, 'invalid', 'to');
  assertError(await move(c.id, 'confirmed', 'x'), 400, 'invalid', 'reason');
  assertError(await move(c.id, 'confirmed', '确诊', { at: now() + 3600 }), 400, 'invalid', 'at');
  assertError(await move(99999999, 'confirmed'), 404, 'not_found');
  // suspected → excluded → suspected → confirmed
  let r = await move(c.id, 'excluded', '两次核酸阴性');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.category, 'excluded');
  assert.deepEqual(r.body.allowed, ['suspected']);
  r = await move(c.id, 'suspected', '再次出现症状');
  assert.equal(r.status, 200);
  r = await move(c.id, 'confirmed', '核酸阳性');
  assert.equal(r.status, 200);
  assert.equal(r.body.category, 'confirmed');
  assert.deepEqual([...r.body.allowed].sort(), ['deceased', 'discharged']);
  const bad2 = await move(c.id, 'excluded');
  assertError(bad2, 409, 'transition');
  assert.deepEqual([...bad2.body.error.allowed].sort(), ['deceased', 'discharged']);
  const full = await getCase(c.id);
  assert.deepEqual(full.events.map((e) => [e.field, e.from, e.to]), [
    ['category', null, 'suspected'],
    ['category', 'suspected', 'excluded'],
    ['category', 'excluded', 'suspected'],
    ['category', 'suspected', 'confirmed'],
  ]);
  assert.equal(full.events[1].reason, '两次核酸阴性');
  assert.ok(full.events.every((e) => e.user === 'doctor'));
  // only the doctor writes
  const off = await srv.api('POST', `/api/v1/cases/${c.id}/transitions`, { token: T.officer, body: { to: 'discharged', reason: '出院标准' } });
  assertError(off, 403, 'forbidden');
});

test('discharge starts a post-discharge observation; readmission and death', async () => {
  const p = await person();
  const c = (await create(caseBody(p.id, { category: 'confirmed', onset_date: addDays(today, -10) }))).body;
  let r = await move(c.id, 'discharged', '符合出院标准');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.outcome, 'discharged');
  assert.deepEqual(r.body.allowed, ['under_treatment']);
  assert.deepEqual(r.body.events.at(-1), { ...r.body.events.at(-1), field: 'outcome', from: 'under_treatment', to: 'discharged' });
  const obs = await srv.api('GET', '/api/v1/observations?state=active&limit=1000', { token: T.doctor });
  assert.equal(obs.status, 200);
  const o = obs.body.items.find((x) => x.case_id === c.id);
  assert.ok(o, 'post-discharge observation');
  assert.equal(o.reason, 'post_discharge');
  assert.equal(o.person_id, p.id);
  assert.equal(o.mode, 'home');
  assert.equal(o.state, 'active');
  assert.equal(o.start_date, today);
  assert.equal(o.end_date, addDays(today, 14));
  assertError(await move(c.id, 'deceased'), 409, 'transition');
  r = await move(c.id, 'under_treatment', '复阳再次入院');
  assert.equal(r.status, 200);
  assert.deepEqual([...r.body.allowed].sort(), ['deceased', 'discharged']);
  r = await move(c.id, 'deceased', '抢救无效');
  assert.equal(r.status, 200);
  assert.equal(r.body.outcome, 'deceased');
  assert.deepEqual(r.body.allowed, []);
  const bad = await move(c.id, 'discharged');
  assertError(bad, 409, 'transition');
  assert.deepEqual(bad.body.error.allowed ?? [], []);
  // filters
  const dead = await srv.api('GET', '/api/v1/cases?outcome=deceased', { token: T.commander });
  assert.deepEqual(dead.body.items.map((x) => x.id), [c.id]);
  const conf = await srv.api('GET', `/api/v1/cases?category=confirmed&region=${COUNTY}`, { token: T.commander });
  assert.ok(conf.body.items.some((x) => x.id === c.id) && conf.body.items.every((x) => x.category === 'confirmed'));
  assertError(await srv.api('GET', '/api/v1/cases?category=sick', { token: T.doctor }), 400, 'invalid', 'category');
  assertError(await srv.api('GET', '/api/v1/cases?outcome=sick', { token: T.doctor }), 400, 'invalid', 'outcome');
  // an enum filter's message lists what fits, from the list's declaration
  const sick = await srv.api('GET', '/api/v1/cases?category=sick', { token: T.doctor });
  assert.equal(sick.body.error.message, 'category: one of suspected, confirmed, clinical, asymptomatic, excluded');
  const out = await srv.api('GET', '/api/v1/cases?outcome=sick', { token: T.doctor });
  assert.equal(out.body.error.message, 'outcome: one of under_treatment, discharged, deceased');
});

test('permissions: grid worker and auditor 403 on /cases; commander and officer read but do not write', async () => {
  const p = await person();
  for (const u of ['gridworker', 'auditor']) {
    assertError(await srv.api('GET', '/api/v1/cases', { token: T[u] }), 403, 'forbidden');
    assertError(await create(caseBody(p.id), u), 403, 'forbidden');
  }
  assertError(await srv.api('GET', '/api/v1/cases/1', { token: T.gridworker }), 403, 'forbidden');
  for (const u of ['commander', 'officer', 'admin']) {
    assert.equal((await srv.api('GET', '/api/v1/cases', { token: T[u] })).status, 200);
    assertError(await create(caseBody(p.id), u), 403, 'forbidden');
  }
  assertError(await srv.api('GET', '/api/v1/cases'), 401, 'unauthenticated');
  const s = await srv.api('GET', '/api/v1/stats/daily', { token: T.auditor });
  assert.equal(s.status, 200);
});

test('edition 5: clinical diagnosis accepted, clinical moves allowed, recorded with the edition', async () => {
  const s5 = await startServer({ people: 600, days: 1, env: { FK_EDITION: '5' } });
  try {
    const off = await s5.login('officer');
    const doc = await s5.login('doctor');
    const p = await person(s5, off);
    const r = await create(caseBody(p.id, { category: 'clinical', onset_date: addDays(today, -2) }), 'doctor', s5, doc);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.category, 'clinical');
    assert.equal(r.body.edition, 5);
    assert.deepEqual([...r.body.allowed].sort(), ['confirmed', 'deceased', 'discharged', 'excluded']);
    const q = await person(s5, off);
    const sus = await create(caseBody(q.id), 'doctor', s5, doc);
    assert.deepEqual([...sus.body.allowed].sort(), ['clinical', 'confirmed', 'excluded']);
    const mv = await s5.api('POST', `/api/v1/cases/${sus.body.id}/transitions`, { token: doc, body: { to: 'clinical', reason: '影像学特征' } });
    assert.equal(mv.status, 200, JSON.stringify(mv.body));
    assert.equal(mv.body.category, 'clinical');
    const bad = await create(caseBody((await person(s5, off)).id, { category: 'excluded' }), 'doctor', s5, doc);
    assertError(bad, 400, 'invalid', 'category');
    assert.deepEqual(bad.body.error.allowed, ['suspected', 'confirmed', 'clinical', 'asymptomatic']);
  } finally {
    await s5.stop();
  }
});
