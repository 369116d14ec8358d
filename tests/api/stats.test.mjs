// Epidemic statistics: daily new and cumulative counts and the onset curve
// kept with every case write, community states, the reproduction number
// Rt, scope and permissions.  Tests run in order on one server under
// protocol edition 5 (so clinical diagnoses count on the curve), with 600
// residents: no demo outbreak, every case here is ours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { STREET1, STREET2, COMM1, GRID, addDays } from './registry-helpers.mjs';

let srv, today;
const T = {};
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  srv = await startServer({ people: 600, days: 1, env: { FK_EDITION: '5' } });
  for (const u of ['admin', 'commander', 'officer', 'officer2', 'doctor', 'gridworker', 'auditor']) T[u] = await srv.login(u);
  const d = (await srv.api('GET', '/api/v1/stats/daily', { token: T.doctor })).body;
  today = d.days.at(-1).date;
  assert.equal(d.today, today, 'the server says which day is today');
});
after(async () => { await srv?.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

let seq = 0;
async function person() {
  seq++;
  const h = await srv.api('POST', '/api/v1/households', { token: T.officer, body: { grid: GRID, building: '统计楼', room: String(3000 + seq) } });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  const p = await srv.api('POST', '/api/v1/persons', { token: T.officer, body: { household_id: h.body.id, name: `统计${seq}` } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return p.body;
}
async function mkCase(extra = {}) {
  const p = await person();
  const r = await srv.api('POST', '/api/v1/cases', {
    token: T.doctor,
    body: { person_id: p.id, category: 'confirmed', diagnosis_time: now() - 60, reporting_unit: '武昌医院', place: 'designated_hospital', ...extra },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
const move = async (id, to, extra = {}) => {
  const r = await srv.api('POST', `/api/v1/cases/${id}/transitions`, { token: T.doctor, body: { to, reason: '流调结论', ...extra } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
// The daily statistics of the doctor's community: {day(date), curve(date)}.
async function daily(region = COMM1, who = 'doctor') {
  const r = await srv.api('GET', `/api/v1/stats/daily?region=${region}`, { token: T[who] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return {
    body: r.body,
    day: (d) => r.body.days.find((x) => x.date === d),
    curve: (d) => r.body.onset.find((x) => x.date === d).cases,
  };
}

test('community states: no case is state 1; two cases with no traced source in one community is state 3', async () => {
  const get = async () => {
    const r = await srv.api('GET', `/api/v1/communities/states?region=${STREET1}&limit=1000`, { token: T.commander });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items;
  };
  let items = await get();
  assert.ok(items.length > 1);
  for (const it of items) {
    assert.deepEqual(Object.keys(it).sort(), ['cases_14d', 'code', 'name', 'outbreak', 'state', 'unknown_source_14d']);
    assert.equal(it.state, 1);
  }
  const a = await mkCase({ onset_date: addDays(today, -2) });
  let mine = (await get()).find((x) => x.code === COMM1);
  assert.deepEqual([mine.state, mine.cases_14d, mine.unknown_source_14d, mine.outbreak], [2, 1, 1, false]);
  // a traced contact of a who becomes a case: a cluster of 2 (an outbreak under edition 5), still one unknown source
  const p = await person();
  const k = await srv.api('POST', '/api/v1/contacts', { token: T.doctor, body: { source_case_id: a.id, person_id: p.id, setting: 'household', first_exposure: addDays(today, -2), last_exposure: addDays(today, -1) } });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const b = await srv.api('POST', '/api/v1/cases', { token: T.doctor, body: { person_id: p.id, category: 'confirmed', diagnosis_time: now() - 60, reporting_unit: '武昌医院', place: 'designated_hospital' } });
  assert.equal(b.status, 201);
  mine = (await get()).find((x) => x.code === COMM1);
  assert.deepEqual([mine.state, mine.cases_14d, mine.unknown_source_14d, mine.outbreak], [2, 2, 1, true]);
  // a second case nobody traced: community transmission
  await mkCase();
  items = await get();
  mine = items.find((x) => x.code === COMM1);
  assert.deepEqual([mine.state, mine.cases_14d, mine.unknown_source_14d], [3, 3, 2]);
  assert.ok(items.filter((x) => x.code !== COMM1).every((x) => x.state === 1));
  // scope and permissions
  assertError(await srv.api('GET', `/api/v1/communities/states?region=${STREET2}`, { token: T.officer }), 404, 'not_found');
  assertError(await srv.api('GET', '/api/v1/communities/states', { token: T.gridworker }), 403, 'forbidden');
  const own = await srv.api('GET', '/api/v1/communities/states', { token: T.doctor });
  assert.deepEqual(own.body.items.map((x) => x.code), [COMM1]);
});

test('stats/daily: shape and defaults (the last 30 days)', async () => {
  const { body } = await daily();
  assert.equal(body.region, COMM1);
  assert.equal(body.days.length, 30);
  assert.equal(body.days[0].date, addDays(today, -29));
  assert.equal(body.onset.length, 30);
  const keys = ['asymptomatic', 'clinical', 'confirmed', 'deceased', 'discharged', 'excluded', 'suspected'];
  assert.deepEqual(Object.keys(body.days[0].new).sort(), keys);
  assert.deepEqual(Object.keys(body.days[0].cumulative).sort(), keys);
  const r = await srv.api('GET', `/api/v1/stats/daily?from=${addDays(today, -6)}&to=${today}`, { token: T.doctor });
  assert.equal(r.body.days.length, 7);
  const t = await srv.api('GET', `/api/v1/stats/daily?to=${addDays(today, -1)}`, { token: T.doctor });
  assert.equal(t.body.days.length, 30);
  assert.equal(t.body.days.at(-1).date, addDays(today, -1));
  // the county sees the same counts as the community it holds
  const county = await daily('420106', 'commander');
  assert.deepEqual(county.day(today).cumulative, (await daily()).day(today).cumulative);
});

test('stats/daily: new and cumulative counts and the onset curve follow each write', async () => {
  const d1 = addDays(today, -5), d2 = addDays(today, -4), d3 = addDays(today, -3);
  let s0 = await daily();
  // a confirmed case with an onset: +1 confirmed today, +1 on the curve at its onset
  await mkCase({ onset_date: d1 });
  let s1 = await daily();
  assert.equal(s1.day(today).new.confirmed, s0.day(today).new.confirmed + 1);
  assert.equal(s1.day(today).cumulative.confirmed, s0.day(today).cumulative.confirmed + 1);
  assert.equal(s1.curve(d1), s0.curve(d1) + 1);
  // a suspected case: counted, but not on the curve until confirmed
  const sus = await mkCase({ category: 'suspected', onset_date: d2 });
  s0 = s1;
  s1 = await daily();
  assert.equal(s1.day(today).new.suspected, s0.day(today).new.suspected + 1);
  assert.equal(s1.curve(d2), s0.curve(d2));
  await move(sus.id, 'confirmed');
  s0 = s1;
  s1 = await daily();
  assert.equal(s1.day(today).new.confirmed, s0.day(today).new.confirmed + 1);
  assert.equal(s1.curve(d2), s0.curve(d2) + 1);
  // a clinical case (edition 5) is on the curve; excluding it takes it off
  const cl = await mkCase({ category: 'clinical', onset_date: d3 });
  assert.equal(cl.edition, 5);
  s0 = s1;
  s1 = await daily();
  assert.equal(s1.day(today).new.clinical, s0.day(today).new.clinical + 1);
  assert.equal(s1.curve(d3), s0.curve(d3) + 1);
  await move(cl.id, 'excluded');
  s0 = s1;
  s1 = await daily();
  assert.equal(s1.curve(d3), s0.curve(d3) - 1);
  assert.equal(s1.day(today).new.excluded, s0.day(today).new.excluded + 1);
  assert.equal(s1.day(today).cumulative.excluded, s0.day(today).cumulative.excluded + 1);
  // an asymptomatic infection is counted but has no onset; confirming it adds nothing to the curve
  const asy = await mkCase({ category: 'asymptomatic' });
  await move(asy.id, 'confirmed');
  s0 = s1;
  s1 = await daily();
  assert.equal(s1.day(today).new.asymptomatic, s0.day(today).new.asymptomatic + 1);
  assert.equal(s1.day(today).new.confirmed, s0.day(today).new.confirmed + 1);
  assert.deepEqual(s1.body.onset, s0.body.onset);
  // outcomes by the day of the change (`at`): a discharge yesterday, a death today
  const c = await mkCase({ onset_date: d1, diagnosis_time: now() - 3 * 86400 });
  await move(c.id, 'discharged', { at: now() - 86400 });
  s0 = s1;
  s1 = await daily();
  const y = addDays(today, -1);
  assert.equal(s1.day(y).new.discharged, s0.day(y).new.discharged + 1);
  assert.equal(s1.day(today).cumulative.discharged, s0.day(today).cumulative.discharged + 1);
  assert.equal(s1.curve(d1), s0.curve(d1) + 1);
  await move(c.id, 'under_treatment');
  await move(c.id, 'deceased');
  s0 = s1;
  s1 = await daily();
  assert.equal(s1.day(today).new.deceased, s0.day(today).new.deceased + 1);
  // a case entered from paper counts on the day it was reported
  const t = now() - 2 * 86400;
  await mkCase({ category: 'suspected', diagnosis_time: t - 3600, reported_time: t });
  s0 = s1;
  s1 = await daily();
  const day2 = s1.body.days.find((x) => x.date === s1.body.days.at(-3).date);
  assert.equal(day2.new.suspected, s0.body.days.at(-3).new.suspected + 1);
  // cumulative is the running sum of new
  const sum = {};
  for (const d of (await daily()).body.days) {
    for (const [k, v] of Object.entries(d.new)) sum[k] = (sum[k] ?? 0) + v;
    assert.deepEqual(d.cumulative, sum);
  }
});

test('stats/daily: current counts (现有确诊, 现有疑似, 尚在医学观察) follow category moves, discharge, death and readmission', async () => {
  const cur = async () => (await daily()).day(today).current;
  const c0 = await cur();
  assert.deepEqual(Object.keys(c0).sort(), ['asymptomatic', 'confirmed', 'observation', 'suspected']);
  const delta = async (want, msg) => {
    const c = await cur();
    assert.deepEqual({ suspected: c.suspected - c0.suspected, confirmed: c.confirmed - c0.confirmed, asymptomatic: c.asymptomatic - c0.asymptomatic, observation: c.observation - c0.observation }, want, msg);
  };
  const sus = await mkCase({ category: 'suspected' });
  await delta({ suspected: 1, confirmed: 0, asymptomatic: 0, observation: 0 }, 'a suspected case');
  await move(sus.id, 'confirmed');
  await delta({ suspected: 0, confirmed: 1, asymptomatic: 0, observation: 0 }, 'confirmed: leaves the suspected');
  const cl = await mkCase({ category: 'clinical' });
  await delta({ suspected: 0, confirmed: 2, asymptomatic: 0, observation: 0 }, 'a clinical diagnosis is a current confirmed case');
  await move(cl.id, 'excluded');
  await delta({ suspected: 0, confirmed: 1, asymptomatic: 0, observation: 0 }, 'excluded: no longer current');
  const asy = await mkCase({ category: 'asymptomatic' });
  await delta({ suspected: 0, confirmed: 1, asymptomatic: 1, observation: 0 });
  await move(sus.id, 'discharged');
  await delta({ suspected: 0, confirmed: 0, asymptomatic: 1, observation: 1 }, 'discharged: not current, under post-discharge observation');
  await move(sus.id, 'under_treatment');
  await delta({ suspected: 0, confirmed: 1, asymptomatic: 1, observation: 1 }, 'readmitted');
  await move(asy.id, 'deceased');
  await delta({ suspected: 0, confirmed: 1, asymptomatic: 0, observation: 1 }, 'a death');
  // the current counts are the cumulative ones less those that left: on every day
  for (const d of (await daily()).body.days) assert.ok(d.current.confirmed <= d.cumulative.confirmed + d.cumulative.clinical);
  // the county sees what the community holds
  assert.deepEqual((await daily('420106', 'commander')).day(today).current, await cur());
});

test('stats/daily: 400 for bad dates and ranges; 404 out of scope; auditor reads, grid worker does not', async () => {
  const q = (qs, who = 'doctor') => srv.api('GET', `/api/v1/stats/daily${qs}`, { token: T[who] });
  assertError(await q('?from=2026-1-1'), 400, 'invalid', 'from');
  assertError(await q('?to=yesterday'), 400, 'invalid', 'to');
  assertError(await q(`?from=${today}&to=${addDays(today, -1)}`), 400, 'invalid');
  assertError(await q(`?from=${addDays(today, -367)}&to=${today}`), 400, 'invalid');
  const max = await q(`?from=${addDays(today, -366)}&to=${today}`);
  assert.equal(max.status, 200);
  assert.equal(max.body.days.length, 367);
  assertError(await q(`?region=${STREET2}`), 404, 'not_found');
  assertError(await q(`?region=${STREET1}`), 404, 'not_found'); // above the doctor's community
  assertError(await q(`?region=${STREET1}`, 'officer2'), 404, 'not_found');
  assert.equal((await q('', 'auditor')).status, 200);
  assert.equal((await q(`?region=${COMM1}`, 'auditor')).status, 200);
  assertError(await srv.api('GET', '/api/v1/cases', { token: T.auditor }), 403, 'forbidden');
  assertError(await q('', 'gridworker'), 403, 'forbidden');
  assertError(await srv.api('GET', '/api/v1/stats/daily'), 401, 'unauthenticated');
});

test('stats/rt: shape of the answer; days validated (9 to 366); 404 out of scope', async () => {
  const q = (qs, who = 'doctor') => srv.api('GET', `/api/v1/stats/rt${qs}`, { token: T[who] });
  const r = await q('');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.region, COMM1);
  assert.deepEqual(r.body.config, { si_mean: 4.7, si_sd: 2.9, prior_mean: 5, prior_sd: 5, window: 7 });
  assert.equal(r.body.incidence.length, 60);
  assert.equal(r.body.incidence.at(-1).date, today);
  assert.equal(r.body.items.length, 60 - 7);
  const it = r.body.items.at(-1);
  assert.deepEqual(Object.keys(it).sort(), ['cases', 'from', 'mean', 'median', 'q025', 'q05', 'q95', 'q975', 'sd', 'to']);
  assert.equal(it.to, today);
  assert.equal(it.from, addDays(today, -6));
  assert.ok('doubling_time' in r.body && typeof r.body.growing === 'boolean');
  assert.equal((await q('?days=9')).status, 200);
  assert.equal((await q('?days=366')).status, 200);
  assertError(await q('?days=3'), 400, 'invalid', 'days');
  assertError(await q('?days=8'), 400, 'invalid', 'days');
  assertError(await q('?days=1000'), 400, 'invalid', 'days');
  assertError(await q('?days=367'), 400, 'invalid', 'days');
  assertError(await q('?days=abc'), 400, 'invalid', 'days');
  assertError(await q('?days='), 400, 'invalid', 'days');
  assertError(await q('?to=2026-02-30'), 400, 'invalid', 'to');
  assertError(await q(`?region=${STREET2}`), 404, 'not_found');
  assertError(await q(`?region=${STREET1}`, 'officer2'), 404, 'not_found');
  assertError(await q('', 'gridworker'), 403, 'forbidden');
  assert.equal((await q(`?region=${STREET1}`, 'auditor')).status, 200);
});

test('stats/rt: a days value beyond int range is refused, not wrapped to a valid one', async () => {
  // 2^32 + 60 truncated to int is 60
  const r = await srv.api('GET', '/api/v1/stats/rt?days=4294967356', { token: T.doctor });
  assertError(r, 400, 'invalid', 'days');
});

test('stats/rt: a window with no earlier cases shows only the prior, its fields null (docs/api.md)', async () => {
  // far before any case: every window is empty
  const r = await srv.api('GET', `/api/v1/stats/rt?to=${addDays(today, -100)}&days=20`, { token: T.doctor });
  assert.equal(r.status, 200);
  for (const it of r.body.items) {
    assert.equal(it.cases, 0);
    for (const k of ['mean', 'sd', 'median', 'q025', 'q975', 'q05', 'q95']) assert.equal(it[k], null, `${k} of ${it.from}`);
  }
});

test('stats/rt: a growing synthetic outbreak gives mean Rt > 1 in its late windows, and a doubling time', async () => {
  // a separate community is not available to the doctor: the curve of COMM1
  // holds the few onsets of earlier tests (10 to 2 days ago) — a growing
  // series of 60 onsets over the last 15 days dominates it
  const counts = [1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 10];
  const first = addDays(today, -counts.length);
  for (let i = 0; i < counts.length; i++) {
    for (let j = 0; j < counts[i]; j++) await mkCase({ onset_date: addDays(first, i) });
  }
  const r = await srv.api('GET', `/api/v1/stats/rt?region=${COMM1}&days=30`, { token: T.doctor });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const inc = Object.fromEntries(r.body.incidence.map((x) => [x.date, x.cases]));
  const curve = (await daily()).body.onset;
  for (const { date, cases } of curve.slice(-30)) assert.equal(inc[date], cases, date);
  for (let i = 0; i < counts.length; i++) assert.ok(inc[addDays(first, i)] >= counts[i]);
  // the late windows (ending in the last week of growth)
  const late = r.body.items.filter((x) => x.to >= addDays(today, -6) && x.to <= addDays(today, -1));
  assert.ok(late.length >= 5);
  for (const w of late) {
    assert.ok(w.mean > 1, `Rt ${w.mean} in ${w.from}..${w.to}`);
    assert.ok(w.q025 > 0.5 && w.q025 < w.median && w.median < w.q975, JSON.stringify(w));
    assert.ok(w.cases > 0);
  }
  // the last day has no onsets yet (reporting delay): growth is judged on the fit
  assert.equal(typeof r.body.growing, 'boolean');
  const grown = await srv.api('GET', `/api/v1/stats/rt?region=${COMM1}&days=30&to=${addDays(today, -1)}`, { token: T.doctor });
  assert.equal(grown.body.growing, true);
  assert.ok(grown.body.doubling_time > 0 && grown.body.doubling_time < 20, String(grown.body.doubling_time));
  // the county's Rt reads the same curve
  const county = await srv.api('GET', '/api/v1/stats/rt?region=420106&days=30', { token: T.commander });
  assert.deepEqual(county.body.incidence, r.body.incidence);
});
