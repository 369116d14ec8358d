// Close contacts and medical observation: tracing (known and new persons),
// the exposure window, contacts of contacts by edition, observation periods,
// follow-ups, release, conversion to a case, and the transmission chains
// the links make.  Tests run in order on one server (600 residents: no demo
// outbreak); a second server runs under protocol edition 5.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { COUNTY, COMM1, GRID, GRID_SIBLING, GRID_STREET2, idNumber, addDays, auditEntries, uuid } from './registry-helpers.mjs';

let srv, today;
const T = {};
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  srv = await startServer({ people: 600, days: 1 });
  for (const u of ['admin', 'commander', 'officer', 'officer2', 'doctor', 'gridworker']) T[u] = await srv.login(u);
  today = (await srv.api('GET', '/api/v1/stats/daily', { token: T.doctor })).body.days.at(-1).date;
});
after(async () => { await srv?.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

let seq = 0;
async function person(s = srv, token = T.officer, extra = {}) {
  seq++;
  const h = await s.api('POST', '/api/v1/households', { token, body: { grid: GRID, building: '密接楼', room: String(2000 + seq) } });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  const p = await s.api('POST', '/api/v1/persons', { token, body: { household_id: h.body.id, name: `密接${seq}`, ...extra } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return p.body;
}
async function mkCase(extra = {}, s = srv, token = T.doctor, off = T.officer) {
  const p = await person(s, off);
  const r = await s.api('POST', '/api/v1/cases', {
    token,
    body: { person_id: p.id, category: 'confirmed', diagnosis_time: now() - 600, reporting_unit: '武昌医院', place: 'designated_hospital', onset_date: addDays(today, -3), ...extra },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
const contact = (body, s = srv, token = T.doctor) => s.api('POST', '/api/v1/contacts', { token, body });
const exposure = (first, last) => ({ setting: 'household', first_exposure: first, last_exposure: last });
const followup = (obs, body) => srv.api('POST', `/api/v1/observations/${obs}/followups`, { token: T.doctor, body });
const observation = async (id) => {
  const r = await srv.api('GET', '/api/v1/observations?limit=1000', { token: T.doctor });
  assert.equal(r.status, 200);
  return r.body.items.find((o) => o.id === id);
};

let A; // the source case (confirmed, onset 3 days ago)

test('a contact who is a known person: 201, observation until the last exposure + 14 days', async () => {
  A = await mkCase();
  const p = await person();
  const last = addDays(today, -1);
  const r = await contact({ source_case_id: A.id, person_id: p.id, ...exposure(addDays(today, -4), last) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const k = r.body;
  for (const f of ['id', 'person_id', 'region', 'source_case_id', 'setting', 'first_exposure', 'last_exposure', 'warning',
    'observation_id', 'observation_end']) assert.ok(f in k, `missing ${f}`);
  assert.equal(k.source_contact_id ?? null, null);
  assert.equal(k.person_id, p.id);
  assert.equal(k.region, GRID);
  assert.equal(k.source_case_id, A.id);
  assert.equal(k.warning ?? '', '');
  assert.equal(k.observation_end, addDays(last, 14));
  const o = await observation(k.observation_id);
  assert.equal(o.reason, 'contact');
  assert.equal(o.contact_id, k.id);
  assert.equal(o.person_id, p.id);
  assert.equal(o.state, 'active');
  assert.equal(o.mode, 'home');
  assert.equal(o.start_date, today);
  assert.equal(o.end_date, addDays(last, 14));
  const list = await srv.api('GET', `/api/v1/contacts?case_id=${A.id}`, { token: T.doctor });
  assert.equal(list.status, 200);
  const it = list.body.items.find((x) => x.id === k.id);
  assert.equal(it.observation_id, k.observation_id);
  assert.equal(it.observation_state, 'active');
  assert.equal(it.case_id, null);
  // a new exposure of someone already under observation extends it
  const later = await contact({ source_case_id: A.id, person_id: p.id, setting: 'work', first_exposure: today, last_exposure: today });
  assert.equal(later.status, 201, JSON.stringify(later.body));
  assert.equal(later.body.observation_id, k.observation_id);
  assert.equal((await observation(k.observation_id)).end_date, addDays(today, 14));
});

test('a contact who is a new person is registered in the given grid; a registered document number links to that person', async () => {
  const r = await contact({ source_case_id: A.id, person: { name: '新密接甲', grid: GRID_SIBLING, building: '9栋', room: '901', birth_year: 1956 }, ...exposure(addDays(today, -2), addDays(today, -1)) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.region, GRID_SIBLING);
  const p = await srv.api('GET', `/api/v1/persons/${r.body.person_id}`, { token: T.officer });
  assert.equal(p.status, 200);
  assert.equal(p.body.name, '新密接甲');
  assert.equal(p.body.birth_year, 1956);
  assert.equal(p.body.region, GRID_SIBLING);
  assert.equal(p.body.building, '9栋');
  // a number someone holds already: the contact is that person, no duplicate
  const doc = idNumber(COUNTY, '19800101', 123);
  const known = await person(srv, T.officer, { doc_number: doc });
  const before = (await srv.api('GET', `/api/v1/persons?region=${COMM1}&limit=1000`, { token: T.officer })).body.items.length;
  const r2 = await contact({ source_case_id: A.id, person: { name: '另一个名字', grid: GRID_SIBLING, building: '9栋', room: '902', doc_number: doc }, ...exposure(addDays(today, -2), addDays(today, -1)) });
  assert.equal(r2.status, 201, JSON.stringify(r2.body));
  assert.equal(r2.body.person_id, known.id);
  assert.equal(r2.body.region, GRID);
  const after = (await srv.api('GET', `/api/v1/persons?region=${COMM1}&limit=1000`, { token: T.officer })).body.items.length;
  assert.equal(after, before);
  // new-person fields are named person.*
  assertError(await contact({ source_case_id: A.id, person: { grid: GRID, room: '1' }, ...exposure(today, today) }), 400, 'invalid', 'person.name');
  assertError(await contact({ source_case_id: A.id, person: { name: '甲', grid: GRID } , ...exposure(today, today) }), 400, 'invalid', 'person.address');
  assertError(await contact({ source_case_id: A.id, person: { name: '甲', grid: GRID, room: '1', birth_year: 1850 }, ...exposure(today, today) }), 400, 'invalid', 'person.birth_year');
  assertError(await contact({ source_case_id: A.id, person: { name: '甲', grid: GRID, room: '1', doc_number: '420106198001011230' }, ...exposure(today, today) }), 400, 'invalid', 'person.doc_number');
  assertError(await contact({ source_case_id: A.id, person: { name: '甲', grid: GRID_STREET2, room: '1' }, ...exposure(today, today) }), 404, 'not_found', 'person.grid');
});

test('the exposure window: a last exposure before onset − 2 days is recorded with a warning', async () => {
  // A's onset is 3 days ago: the window opens 5 days ago
  const w = await contact({ source_case_id: A.id, person_id: (await person()).id, ...exposure(addDays(today, -8), addDays(today, -6)) });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  assert.match(w.body.warning, /window/);
  assert.match(w.body.warning, new RegExp(addDays(today, -5)));
  const ok = await contact({ source_case_id: A.id, person_id: (await person()).id, ...exposure(addDays(today, -8), addDays(today, -5)) });
  assert.equal(ok.status, 201);
  assert.equal(ok.body.warning ?? '', '');
  // an asymptomatic source: the window opens 2 days before sampling
  const asym = await mkCase({ category: 'asymptomatic', onset_date: undefined, sampling_date: addDays(today, -2) });
  const w2 = await contact({ source_case_id: asym.id, person_id: (await person()).id, ...exposure(addDays(today, -6), addDays(today, -5)) });
  assert.equal(w2.status, 201);
  assert.match(w2.body.warning, /window/);
  const ok2 = await contact({ source_case_id: asym.id, person_id: (await person()).id, ...exposure(addDays(today, -6), addDays(today, -4)) });
  assert.equal(ok2.body.warning ?? '', '');
});

test('validation: 400 naming the field; 404 for sources and persons out of scope; permissions', async () => {
  const p = await person();
  const base = { source_case_id: A.id, person_id: p.id, ...exposure(addDays(today, -2), addDays(today, -1)) };
  const bad = [
    [{ setting: 'party' }, 'setting'],
    [{ first_exposure: addDays(today, 1), last_exposure: addDays(today, 1) }, 'first_exposure'],
    [{ last_exposure: addDays(today, 1) }, 'last_exposure'],
    [{ last_exposure: addDays(today, -3) }, 'last_exposure'], // before the first
    [{ first_exposure: '2026-02-30' }, 'first_exposure'],
    [{ first_exposure: '1900-01-01' }, 'first_exposure'], // not plausible: more than a year ago
    [{ first_exposure: addDays(today, -367) }, 'first_exposure'],
    [{ traced_date: addDays(today, 1) }, 'traced_date'],
    [{ mode: 'hotel' }, 'mode'],
    [{ mode: 'centralised' }, 'site_id'],
    [{ site_id: 1 }, 'site_id'],
  ];
  for (const [extra, field] of bad) assertError(await contact({ ...base, ...extra }), 400, 'invalid', field);
  const none = { ...base };
  delete none.source_case_id;
  assertError(await contact(none), 400, 'invalid', 'source_case_id');
  assertError(await contact({ ...base, source_contact_id: 1 }), 400, 'invalid', 'source_case_id');
  const nop = { ...base };
  delete nop.person_id;
  assertError(await contact(nop), 400, 'invalid', 'person_id');
  assertError(await contact({ ...base, source_case_id: 99999999 }), 404, 'not_found');
  assertError(await contact({ ...base, source_contact_id: 99999999, source_case_id: undefined }), 404, 'not_found', 'source_contact_id');
  const far = (await srv.api('GET', '/api/v1/persons?region=420106002&limit=1', { token: T.officer2 })).body.items[0];
  assertError(await contact({ ...base, person_id: far.id }), 404, 'not_found');
  assertError(await contact(base, srv, T.officer), 403, 'forbidden');
  assertError(await srv.api('GET', '/api/v1/contacts', { token: T.gridworker }), 403, 'forbidden');
  assertError(await srv.api('GET', '/api/v1/observations', { token: T.gridworker }), 403, 'forbidden');
  assertError(await srv.api('GET', `/api/v1/contacts?case_id=${A.id}`, { token: T.officer2 }), 404, 'not_found');
  assertError(await srv.api('GET', '/api/v1/contacts?case_id=x', { token: T.doctor }), 400, 'invalid', 'case_id');
  assertError(await srv.api('GET', '/api/v1/observations?state=done', { token: T.doctor }), 400, 'invalid', 'state');
});

test('centralised observation: the site fills up (409 site_id)', async () => {
  const s = await srv.api('POST', '/api/v1/sites', { token: T.doctor, body: { region: COMM1, name: '隔离酒店', capacity: 1 } });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  const one = await contact({ source_case_id: A.id, person_id: (await person()).id, mode: 'centralised', site_id: s.body.id, ...exposure(today, today) });
  assert.equal(one.status, 201, JSON.stringify(one.body));
  assert.equal((await observation(one.body.observation_id)).site_id, s.body.id);
  const two = await contact({ source_case_id: A.id, person_id: (await person()).id, mode: 'centralised', site_id: s.body.id, ...exposure(today, today) });
  assertError(two, 409, 'conflict', 'site_id');
  const sites = await srv.api('GET', '/api/v1/sites', { token: T.doctor });
  assert.equal(sites.body.items.find((x) => x.id === s.body.id).occupancy, 1);
});

let B, KB; // B: a contact of A who will become a case; KB: that contact

test('follow-ups: 201; the same slot twice 409; temperature out of range 400; symptoms suggest conversion', async () => {
  B = await person();
  KB = (await contact({ source_case_id: A.id, person_id: B.id, ...exposure(addDays(today, -3), addDays(today, -2)) })).body;
  const obs = KB.observation_id;
  const r = await followup(obs, { slot: 'am', temperature: 36.5 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body, { observation_id: obs, date: today, slot: 'am', symptomatic: false, convert_suggested: false });
  assertError(await followup(obs, { slot: 'am', temperature: 36.6 }), 409, 'conflict', 'slot');
  assertError(await followup(obs, { slot: 'pm', temperature: 42.1 }), 400, 'invalid', 'temperature');
  assertError(await followup(obs, { slot: 'pm', temperature: 34.9 }), 400, 'invalid', 'temperature');
  assertError(await followup(obs, { slot: 'noon' }), 400, 'invalid', 'slot');
  assertError(await followup(obs, { slot: 'pm', symptoms: ['sneezing'] }), 400, 'invalid', 'symptoms');
  assertError(await followup(obs, { slot: 'pm', date: addDays(today, 1), temperature_measured: false }), 400, 'invalid', 'date');
  assertError(await followup(obs, { slot: 'pm', date: addDays(today, -1), temperature_measured: false }), 400, 'invalid', 'date'); // before the start
  assertError(await followup(99999999, { slot: 'pm', temperature_measured: false }), 404, 'not_found');
  const s = await followup(obs, { slot: 'pm', temperature: 37.8, symptoms: ['cough'] });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assert.equal(s.body.symptomatic, true);
  assert.equal(s.body.convert_suggested, true);
  const o = await observation(obs);
  assert.equal(o.followups, 2);
  assert.equal(o.symptomatic, 1);
  // a symptom alone, without fever, is symptomatic too
  const other = await contact({ source_case_id: A.id, person_id: (await person()).id, ...exposure(today, today) });
  const f = await followup(other.body.observation_id, { slot: 'am', temperature: 36.4, symptoms: ['fatigue'] });
  assert.equal(f.body.symptomatic, true);
  const g = await followup(other.body.observation_id, { slot: 'pm', temperature: 37.3 });
  assert.equal(g.body.symptomatic, true);
});

test('follow-ups: a temperature is entered or said not to be measured; none is made up', async () => {
  const k = await contact({ source_case_id: A.id, person_id: (await person()).id, ...exposure(today, today) });
  const obs = k.body.observation_id;
  // neither a temperature nor temperature_measured: false
  assertError(await followup(obs, { slot: 'am', symptoms: [] }), 400, 'invalid', 'temperature');
  assertError(await followup(obs, { slot: 'am', temperature_measured: true }), 400, 'invalid', 'temperature');
  // both a temperature and "not measured"
  assertError(await followup(obs, { slot: 'am', temperature: 36.5, temperature_measured: false }), 400, 'invalid', 'temperature_measured');
  assertError(await followup(obs, { slot: 'am', temperature_measured: 'no' }), 400, 'invalid', 'temperature_measured');
  assert.equal((await observation(obs)).followups, 0, 'nothing stored');
  // no symptoms, not measured: recorded, with no temperature
  const r = await followup(obs, { slot: 'am', symptoms: [], temperature_measured: false });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.symptomatic, false);
  const stored = srv.sql(`SELECT CASE WHEN temp_dc IS NULL THEN 'none' ELSE 'some' END FROM followups WHERE observation_id = ${obs} AND slot = 'am'`);
  assert.equal(stored, 'none', 'no temperature stored');
  // a measured temperature, said so
  const m = await followup(obs, { slot: 'pm', temperature: 36.8, temperature_measured: true });
  assert.equal(m.status, 201, JSON.stringify(m.body));
});

test('release: 409 while the period runs; 200 once over; 409 with symptoms in the last 14 days', async () => {
  assertError(await srv.api('POST', `/api/v1/observations/${KB.observation_id}/release`, { token: T.doctor, body: {} }), 409, 'conflict');
  // exposure 15 days ago: the period ended yesterday
  const old = await contact({ source_case_id: A.id, person_id: (await person()).id, ...exposure(addDays(today, -16), addDays(today, -15)) });
  assert.equal(old.status, 201);
  assert.equal(old.body.observation_end, addDays(today, -1));
  let due = await srv.api('GET', '/api/v1/observations/due?limit=1000', { token: T.doctor });
  assert.equal(due.status, 200);
  assert.equal(due.body.items.find((x) => x.id === old.body.observation_id).release, true);
  assert.equal(due.body.items.find((x) => x.id === KB.observation_id).release, false);
  // pending: only what needs doing now — the current slot, a release, symptoms
  const fine = await contact({ source_case_id: A.id, person_id: (await person()).id, ...exposure(addDays(today, -1), addDays(today, -1)) });
  assert.equal((await followup(fine.body.observation_id, { temperature: 36.5 })).status, 201);
  due = await srv.api('GET', '/api/v1/observations/due?limit=1000', { token: T.doctor });
  const pending = await srv.api('GET', '/api/v1/observations/due?pending=1&limit=1000', { token: T.doctor });
  assert.equal(pending.status, 200);
  const openMissed = new Set((await srv.api('GET', '/api/v1/alerts?kind=followup_missed&state=open&limit=1000', { token: T.doctor }))
    .body.items.map((a) => a.observation_id));
  const want = due.body.items.filter((x) => x.due || x.release || x.symptomatic > 0 || x.end_date < today || openMissed.has(x.id)).map((x) => x.id);
  assert.deepEqual(pending.body.items.map((x) => x.id), want);
  assert.ok(want.includes(old.body.observation_id));
  assert.ok(!want.includes(fine.body.observation_id), 'followed up in this slot: nothing to do');
  // a follow-up missed on an earlier day stays pending while its alert is open
  const sql = srv.sql;
  const fo = fine.body.observation_id;
  const [pid, grid] = sql(`SELECT o.person_id, h.grid FROM observations o JOIN persons p ON p.id = o.person_id
    JOIN households h ON h.id = p.household_id WHERE o.id = ${fo}`).split('|');
  const day = Date.parse(`${addDays(today, -1)}T00:00:00Z`) / 86400000; // day numbers count from 1970-01-01
  sql(`INSERT INTO alerts (kind, grid, person_id, observation_id, day, slot, reasons, state, created_at)
    VALUES ('followup_missed', '${grid}', ${pid}, ${fo}, ${day}, 'pm', '["followup_missed"]', 'open', ${now()})`);
  const ids = async () => (await srv.api('GET', '/api/v1/observations/due?pending=1&limit=1000', { token: T.doctor })).body.items.map((x) => x.id);
  assert.ok((await ids()).includes(fo), 'an open missed follow-up keeps it on the list');
  sql(`UPDATE alerts SET state = 'closed', outcome = 'followup_recorded' WHERE observation_id = ${fo}`);
  assert.ok(!(await ids()).includes(fo), 'closed: off the list again');
  assertError(await srv.api('GET', '/api/v1/observations/due?pending=soon', { token: T.doctor }), 400, 'invalid', 'pending');
  // the day and slot it is counted by
  assert.equal(pending.body.date, today);
  assert.equal(pending.body.slot, new Date().getHours() < 12 ? 'am' : 'pm');
  const rel = await srv.api('POST', `/api/v1/observations/${old.body.observation_id}/release`, { token: T.doctor, body: {} });
  assert.equal(rel.status, 200, JSON.stringify(rel.body));
  assert.equal(rel.body.state, 'released');
  assertError(await srv.api('POST', `/api/v1/observations/${old.body.observation_id}/release`, { token: T.doctor, body: {} }), 409, 'conflict');
  assertError(await srv.api('POST', `/api/v1/observations/${old.body.observation_id}/followups`, { token: T.doctor, body: { slot: 'am', temperature_measured: false } }), 409, 'conflict');
  // over, but symptomatic: not released
  const sick = await contact({ source_case_id: A.id, person_id: (await person()).id, ...exposure(addDays(today, -16), addDays(today, -15)) });
  assert.equal((await followup(sick.body.observation_id, { slot: 'am', symptoms: ['cough'], temperature_measured: false })).status, 201);
  assertError(await srv.api('POST', `/api/v1/observations/${sick.body.observation_id}/release`, { token: T.doctor, body: {} }), 409, 'conflict');
  const released = await srv.api('GET', '/api/v1/observations?state=released', { token: T.doctor });
  assert.deepEqual(released.body.items.map((x) => x.id), [old.body.observation_id]);
});

let caseB;

test('convert: the observed person becomes a suspected case; the observation ends converted', async () => {
  const r = await srv.api('POST', `/api/v1/observations/${KB.observation_id}/convert`, { token: T.doctor, body: { reporting_unit: '社区卫生服务中心', place: 'designated_hospital' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  caseB = r.body;
  assert.equal(caseB.person_id, B.id);
  assert.equal(caseB.category, 'suspected');
  assert.equal(caseB.onset_date, today); // the first symptomatic follow-up's day
  const o = await observation(KB.observation_id);
  assert.equal(o.state, 'converted');
  assert.equal(o.case_id, caseB.id);
  assertError(await followup(KB.observation_id, { slot: 'am', date: today, temperature_measured: false }), 409, 'conflict');
  assertError(await srv.api('POST', `/api/v1/observations/${KB.observation_id}/convert`, { token: T.doctor, body: { reporting_unit: '社区', place: 'home' } }), 409, 'conflict');
  assertError(await srv.api('POST', `/api/v1/observations/${KB.observation_id}/release`, { token: T.doctor, body: {} }), 409, 'conflict');
  const list = await srv.api('GET', `/api/v1/contacts?case_id=${A.id}&limit=1000`, { token: T.doctor });
  const k = list.body.items.find((x) => x.id === KB.id);
  assert.equal(k.case_id, caseB.id);
  assert.equal(k.observation_state, 'converted');
  // convert validates like a case
  const other = await contact({ source_case_id: A.id, person_id: (await person()).id, ...exposure(today, today) });
  assertError(await srv.api('POST', `/api/v1/observations/${other.body.observation_id}/convert`, { token: T.doctor, body: { reporting_unit: '社区', place: 'hotel' } }), 400, 'invalid', 'place');
});

test('clusters: case A, its contact B becomes a case → one cluster of 2 with both nodes and the edge', async () => {
  const r = await srv.api('GET', '/api/v1/clusters', { token: T.doctor });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.total, 1);
  const c = r.body.items[0];
  assert.equal(c.id, Math.min(A.id, caseB.id));
  assert.equal(c.size, 2);
  assert.equal(c.first_onset, A.onset_date);
  assert.equal(c.last_onset, today);
  assert.deepEqual(c.communities, [COMM1]);
  assert.equal(c.community_names.length, 1);
  assert.equal(typeof c.community_names[0], 'string');
  for (const id of [A.id, caseB.id]) {
    const g = await srv.api('GET', `/api/v1/clusters/${id}`, { token: T.doctor });
    assert.equal(g.status, 200, JSON.stringify(g.body));
    assert.equal(g.body.id, Math.min(A.id, caseB.id));
    assert.equal(g.body.size, 2);
    assert.deepEqual(g.body.nodes.map((n) => n.id).sort((x, y) => x - y), [A.id, caseB.id].sort((x, y) => x - y));
    assert.deepEqual(g.body.edges, [{ from: A.id, to: caseB.id, setting: 'household' }]);
    // each node names its person, for the graph's labels
    assert.equal(g.body.nodes.find((n) => n.id === caseB.id).person_name, B.name);
    assert.equal(g.body.nodes.find((n) => n.id === caseB.id).community_name, c.community_names[0]);
  }
  assertError(await srv.api('GET', `/api/v1/clusters/${A.id}`, { token: T.officer2 }), 404, 'not_found');
  assertError(await srv.api('GET', '/api/v1/clusters/99999999', { token: T.doctor }), 404, 'not_found');
  assertError(await srv.api('GET', '/api/v1/clusters', { token: T.gridworker }), 403, 'forbidden');
});

test('contacts of contacts (edition 7): 201, and a case among them joins the cluster', async () => {
  const C = await person();
  const r = await contact({ source_contact_id: KB.id, person_id: C.id, ...exposure(addDays(today, -1), today) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.source_contact_id, KB.id);
  assert.equal(r.body.source_case_id ?? null, null);
  const conv = await srv.api('POST', '/api/v1/cases', { token: T.doctor, body: { person_id: C.id, category: 'confirmed', diagnosis_time: now() - 60, reporting_unit: '武昌医院', place: 'designated_hospital' } });
  assert.equal(conv.status, 201);
  const g = await srv.api('GET', `/api/v1/clusters/${conv.body.id}`, { token: T.doctor });
  assert.equal(g.status, 200);
  assert.equal(g.body.size, 3);
  assert.ok(g.body.edges.some((e) => e.from === caseB.id && e.to === conv.body.id), JSON.stringify(g.body.edges));
  // an excluded case leaves the chain
  const ex = await srv.api('POST', `/api/v1/cases/${caseB.id}/transitions`, { token: T.doctor, body: { to: 'excluded', reason: '核酸阴性' } });
  assert.equal(ex.status, 200);
  // excluded, B is a close contact again: the observation runs on until its end
  const back = await observation(KB.observation_id);
  assert.deepEqual([back.state, back.case_id], ['active', caseB.id]);
  // follow-ups are taken again (both of today's slots may be recorded already: then 409 names the slot, not the observation)
  const again = await followup(KB.observation_id, { slot: 'pm', temperature: 36.4 });
  assert.ok(again.status === 201 || (again.status === 409 && again.body.error.field === 'slot'), JSON.stringify(again.body));
  const l = await srv.api('GET', '/api/v1/clusters', { token: T.doctor });
  assert.equal(l.body.total, 0);
});

test('edition 5: contacts of contacts are not traced (400 source_contact_id)', async () => {
  const s5 = await startServer({ people: 600, days: 1, env: { FK_EDITION: '5' } });
  try {
    const doc = await s5.login('doctor');
    const off = await s5.login('officer');
    const a = await mkCase({}, s5, doc, off);
    const k = await contact({ source_case_id: a.id, person_id: (await person(s5, off)).id, ...exposure(addDays(today, -2), addDays(today, -1)) }, s5, doc);
    assert.equal(k.status, 201, JSON.stringify(k.body));
    const kk = await contact({ source_contact_id: k.body.id, person_id: (await person(s5, off)).id, ...exposure(addDays(today, -1), today) }, s5, doc);
    assertError(kk, 400, 'invalid', 'source_contact_id');
    // edition 5 also uses the 2-day window before onset
    const w = await contact({ source_case_id: a.id, person_id: (await person(s5, off)).id, ...exposure(addDays(today, -7), addDays(today, -6)) }, s5, doc);
    assert.match(w.body.warning, /window/);
  } finally {
    await s5.stop();
  }
});

test('a person under observation reported directly as a case leaves observation (converted); a case traced as a contact starts none', async () => {
  const p = await person();
  const k = await contact({ source_case_id: A.id, person_id: p.id, ...exposure(addDays(today, -2), addDays(today, -1)) });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  assert.equal((await observation(k.body.observation_id)).state, 'active');
  const c = await srv.api('POST', '/api/v1/cases', {
    token: T.doctor,
    body: { person_id: p.id, category: 'confirmed', diagnosis_time: now() - 60, reporting_unit: '武昌医院', place: 'designated_hospital', onset_date: today },
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const o = await observation(k.body.observation_id);
  assert.deepEqual([o.state, o.case_id], ['converted', c.body.id]);
  assertError(await followup(k.body.observation_id, { slot: 'pm', temperature_measured: false }), 409, 'conflict');
  // traced again as someone's contact: the link is recorded, no observation starts
  const again = await contact({ source_case_id: A.id, person_id: p.id, ...exposure(addDays(today, -1), today) });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.deepEqual([again.body.observation_id, again.body.observation_end, again.body.case_id], [null, null, c.body.id]);
  const active = await srv.api('GET', '/api/v1/observations?state=active&limit=1000', { token: T.doctor });
  assert.ok(!active.body.items.some((x) => x.person_id === p.id));
});

// Missed follow-ups raise alerts when their slot ends.  The demo outbreak
// (1,500 residents) has observations entered days ago and its slots swept as
// the server sweeps them; the newest alerts are open.
test('missed follow-ups: followup_missed alerts per observation and slot; a late entry settles one; the doctor closes another', async () => {
  const s = await startServer({ people: 1500, days: 1 });
  try {
    // the district's disease-control doctor sees the whole outbreak; the
    // community doctor only theirs
    const admin = await s.login('admin');
    const made = await s.api('POST', '/api/v1/users', { token: admin,
      body: { username: 'cdc', password: 'district-cdc-password', role: 'doctor', region: '420106' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const doc = (await s.api('POST', '/api/v1/session', { body: { username: 'cdc', password: 'district-cdc-password' } })).body.token;
    const list = async (q) => {
      const r = await s.api('GET', `/api/v1/alerts?kind=followup_missed&limit=1000${q}`, { token: doc });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.items;
    };
    const all = await list('');
    assert.ok(all.length > 0, 'missed follow-ups in the district');
    const mine = await s.api('GET', '/api/v1/alerts?kind=followup_missed&limit=1000', { token: await s.login('doctor') });
    assert.ok(mine.body.items.length < all.length && mine.body.items.every((a) => a.grid.startsWith('420106001001')));
    for (const a of all) {
      assert.equal(a.kind, 'followup_missed');
      assert.deepEqual(a.reasons, ['followup_missed']);
      assert.equal(a.screening_id, null);
      assert.ok(Number.isInteger(a.observation_id) && ['am', 'pm'].includes(a.slot), JSON.stringify(a));
    }
    // one per observation, day and slot
    const keys = all.map((a) => `${a.observation_id}/${a.date}/${a.slot}`);
    assert.equal(new Set(keys).size, keys.length);
    // no slot alerted has its follow-up, unless entered late and the alert closed by it
    const open = await list('&state=open');
    assert.ok(open.length > 0 && open.every((a) => a.state === 'open'));
    const sToday = (await s.api('GET', '/api/v1/stats/daily', { token: doc })).body.days.at(-1).date;
    assert.ok(open.every((a) => a.date >= addDays(sToday, -1)), 'the demo doctors dealt with the older ones');
    // a late follow-up from paper settles its alert
    let settled = null;
    for (const a of open) {
      const f = await s.api('POST', `/api/v1/observations/${a.observation_id}/followups`, { token: doc, body: { date: a.date, slot: a.slot, temperature: 36.4 } });
      if (f.status === 201) { settled = a; break; }
      assert.equal(f.status, 409, JSON.stringify(f.body)); // an observation ended since
    }
    assert.ok(settled, 'a missed slot of an active observation can be entered late');
    const after = (await list('')).find((a) => a.id === settled.id);
    assert.deepEqual([after.state, after.outcome], ['closed', 'followup_recorded']);
    // the doctor closes another: not reached
    const other = (await list('&state=open'))[0];
    const c = await s.api('POST', `/api/v1/alerts/${other.id}/close`, { token: doc, body: { outcome: 'unreachable', note: '电话未接通，已请网格员上门' } });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.deepEqual([c.body.kind, c.body.state, c.body.outcome, c.body.closed_by], ['followup_missed', 'closed', 'unreachable', 'cdc']);
    // screening alerts are another kind
    const scr = await s.api('GET', '/api/v1/alerts?kind=screening&limit=1000', { token: doc });
    assert.ok(scr.body.items.every((a) => a.kind === 'screening' && a.observation_id === null));
  } finally {
    await s.stop();
  }
});

test('follow-ups from a phone queue: a uuid makes a resend a replay (same answer, stored once); other content 409', async () => {
  const Q = await mkCase();
  const k = await contact({ source_case_id: Q.id, person_id: (await person()).id, ...exposure(today, today) });
  const obs = k.body.observation_id;
  const u = uuid();
  const body = { uuid: u, date: today, slot: 'am', temperature: 37.6, symptoms: ['cough'], note: '咳嗽' };
  const first = await followup(obs, body);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.deepEqual(first.body, { observation_id: obs, date: today, slot: 'am', symptomatic: true, convert_suggested: true, uuid: u, result: 'created' });
  const again = await followup(obs, body);
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.deepEqual(again.body, { ...first.body, result: 'replayed' });
  // without date and slot (the server's defaults) it is the same follow-up
  const { date, slot, ...bare } = body;
  assert.equal((await followup(obs, bare)).body.result, 'replayed');
  const count = () => srv.sql(`SELECT count(*) FROM followups WHERE observation_id = ${obs}`);
  assert.equal(count(), '1', 'stored once');
  // the same uuid with other content, or for another observation: 409 uuid
  assertError(await followup(obs, { ...body, temperature: 37.7 }), 409, 'conflict', 'uuid');
  assertError(await followup(obs, { ...body, note: '' }), 409, 'conflict', 'uuid');
  assertError(await followup(obs, { ...body, slot: 'pm' }), 409, 'conflict', 'uuid');
  const other = await contact({ source_case_id: Q.id, person_id: (await person()).id, ...exposure(today, today) });
  assertError(await followup(other.body.observation_id, body), 409, 'conflict', 'uuid');
  // a new uuid for a slot recorded already: 409 slot, as without one
  assertError(await followup(obs, { ...body, uuid: uuid() }), 409, 'conflict', 'slot');
  assertError(await followup(obs, { ...body, uuid: 'not-a-uuid-at-all-but-36-characters!' }), 400, 'invalid', 'uuid');
  assert.equal(count(), '1');
  // a replay after the observation ended (converted) is still answered
  const c = await srv.api('POST', `/api/v1/observations/${obs}/convert`, { token: T.doctor, body: { reporting_unit: '社区卫生服务中心', place: 'home' } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.deepEqual((await followup(obs, body)).body, again.body);
  assertError(await followup(obs, { ...body, uuid: uuid(), slot: 'pm' }), 409, 'conflict', 'observation');
});

test('the worklist gives what a doctor phoning needs: address, phone masked, the last readings ("not measured" as null)', async () => {
  seq++;
  const h = await srv.api('POST', '/api/v1/households', { token: T.officer, body: { grid: GRID, building: '7栋', unit: '2单元', room: '301', address: '和平路12号' } });
  const p = await srv.api('POST', '/api/v1/persons', { token: T.officer, body: { household_id: h.body.id, name: `电话${seq}`, phone: '13812345678' } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const k = await contact({ source_case_id: A.id, person_id: p.body.id, ...exposure(today, today) });
  const obs = k.body.observation_id;
  assert.equal((await followup(obs, { slot: 'am', temperature: 36.6 })).status, 201);
  assert.equal((await followup(obs, { slot: 'pm', temperature_measured: false })).status, 201);
  const due = await srv.api('GET', '/api/v1/observations/due?limit=1000', { token: T.doctor });
  assert.equal(due.status, 200);
  const it = due.body.items.find((o) => o.id === obs);
  assert.ok(it, 'on the worklist');
  assert.equal(it.phone, '138****5678', 'masked: the number is a reveal');
  assert.equal(it.building, '7栋');
  assert.equal(it.unit, '2单元');
  assert.equal(it.room, '301');
  assert.equal(it.address, '和平路12号');
  assert.deepEqual(it.readings, [
    { date: today, slot: 'pm', temperature: null, symptomatic: false },
    { date: today, slot: 'am', temperature: 36.6, symptomatic: false },
  ]);
  // the call: a reveal with the reason "follow-up call", audited per person
  const before = (await auditEntries(srv, T.admin, 'person.reveal')).length;
  const r = await srv.api('POST', `/api/v1/persons/${p.body.id}/reveal`, { token: T.doctor, body: { reason: 'follow-up call' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.phone, '13812345678');
  const entries = await auditEntries(srv, T.admin, 'person.reveal');
  assert.equal(entries.length, before + 1);
  assert.equal(entries[0].object, `person:${p.body.id}`);
  assert.equal(entries[0].username, 'doctor');
  assert.deepEqual(JSON.parse(entries[0].detail), { reason: 'follow-up call' });
});

test("a case's contacts are named to whoever may read the case, also one living in another street; their record stays out of reach", async () => {
  // the district's disease-control doctor traces a contact living in another street
  const made = await srv.api('POST', '/api/v1/users', { token: T.admin,
    body: { username: 'cdc-trace', password: 'district-cdc-password', role: 'doctor', region: '420106' } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const cdc = (await srv.api('POST', '/api/v1/session', { body: { username: 'cdc-trace', password: 'district-cdc-password' } })).body.token;
  const k = await contact({ source_case_id: A.id, person: { name: '外街密接', grid: GRID_STREET2, room: '9' }, ...exposure(today, today) }, srv, cdc);
  assert.equal(k.status, 201, JSON.stringify(k.body));
  assert.equal(k.body.region, GRID_STREET2);
  const r = await srv.api('GET', `/api/v1/contacts?case_id=${A.id}&limit=1000`, { token: T.doctor });
  assert.equal(r.status, 200);
  const mine = r.body.items.find((x) => x.id === k.body.id);
  assert.equal(mine.person_name, '外街密接', 'the case\'s doctor sees the name');
  assertError(await srv.api('GET', `/api/v1/persons/${k.body.person_id}`, { token: T.doctor }), 404, 'not_found');
  // a region list stays within scope
  const reg = await srv.api('GET', '/api/v1/contacts?limit=1000', { token: T.doctor });
  assert.ok(!reg.body.items.some((x) => x.id === k.body.id));
});
