// The demo's data obeys the API's rules: it is written through the same
// functions, so every alert has its screening and finding, coverage is a
// recount of the records, the reports carry the coverage they saw, the
// follow-ups taken without a reading have no temperature, and the audit
// chain holds every write.  A demo with alerts old enough to be closed
// (4 days) and an outbreak (2,000 residents).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer({ people: 2000, days: 4 }); });
after(async () => { await srv.stop(); });

const sql = (q) => srv.sql(q); // SQL both engines read alike
const is = (cond) => `CASE WHEN ${cond} THEN 1 ELSE 0 END`;
const rows = (q) => sql(q).split('\n').filter(Boolean).map((l) => l.split('|'));
const num = (q) => Number(sql(q));

test('every screening alert has its record and its abnormal finding, one alert per finding', () => {
  assert.ok(num("SELECT count(*) FROM alerts WHERE kind = 'screening'") > 0, 'the demo has screening alerts');
  assert.equal(num(`SELECT count(*) FROM alerts a LEFT JOIN screenings s ON s.id = a.screening_id
    WHERE a.kind = 'screening' AND (s.id IS NULL OR s.grid != a.grid OR s.day != a.day OR s.abnormal != 1)`), 0);
  assert.equal(num(`SELECT count(*) FROM alerts a WHERE a.kind = 'screening' AND NOT EXISTS
    (SELECT 1 FROM findings f WHERE f.screening_id = a.screening_id AND f.person_id = a.person_id AND f.abnormal = 1)`), 0);
  assert.equal(num(`SELECT count(*) FROM findings f WHERE f.abnormal = 1 AND
    (SELECT count(*) FROM alerts a WHERE a.screening_id = f.screening_id AND a.person_id = f.person_id) != 1`), 0);
  // a finding is abnormal exactly when the API's rule says so
  assert.equal(num(`SELECT count(*) FROM findings WHERE abnormal !=
    ${is('coalesce(temp_dc, 0) >= 373 OR symptoms != 0 OR history != 0 OR category IS NOT NULL')}`), 0);
  assert.equal(num(`SELECT count(*) FROM screenings s WHERE abnormal !=
    coalesce((SELECT max(abnormal) FROM findings f WHERE f.screening_id = s.id), 0)`), 0);
  // findings only for visited households, of their own members
  assert.equal(num(`SELECT count(*) FROM findings f JOIN screenings s ON s.id = f.screening_id
    JOIN persons p ON p.id = f.person_id WHERE s.status != 'visited' OR p.household_id != s.household_id`), 0);
});

test('coverage is the recount of the current records, per grid and for the county', async () => {
  const recount = rows(`SELECT grid, day, sum(${is("status = 'visited'")}), sum(${is("status = 'not_home'")}),
    sum(${is("status = 'refused'")}), sum(abnormal) FROM screenings WHERE current = 1 GROUP BY grid, day ORDER BY grid, day`);
  const stored = rows(`SELECT region, day, visited, not_home, refused, abnormal FROM coverage
    WHERE length(region) = 15 AND (visited + not_home + refused + abnormal) > 0 ORDER BY region, day`);
  assert.ok(recount.length > 100);
  assert.deepEqual(stored, recount);
  // and as the API reads it, for the county on each day
  const token = await srv.login('commander');
  for (const [day] of rows('SELECT DISTINCT day FROM screenings ORDER BY day')) {
    const date = new Date(Number(day) * 86400000).toISOString().slice(0, 10);
    const r = await srv.api('GET', `/api/v1/coverage?region=420106&date=${date}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const [v, n, f, a] = rows(`SELECT sum(${is("status = 'visited'")}), sum(${is("status = 'not_home'")}),
      sum(${is("status = 'refused'")}), sum(abnormal) FROM screenings WHERE current = 1 AND day = ${day}`)[0].map(Number);
    const c = r.body.region;
    assert.deepEqual([c.visited, c.not_home, c.refused, c.abnormal], [v, n, f, a], date);
  }
});

test('zero reports: each saw its grid fully visited and carries the grid\'s coverage of the day', () => {
  assert.ok(num('SELECT count(*) FROM daily_reports') > 0);
  assert.equal(num(`SELECT count(*) FROM daily_reports d WHERE EXISTS (SELECT 1 FROM households h
    WHERE h.grid = d.grid AND NOT EXISTS (SELECT 1 FROM screenings s WHERE s.household_id = h.id AND s.day = d.day))`), 0);
  assert.equal(num(`SELECT count(*) FROM daily_reports d WHERE abnormal !=
    coalesce((SELECT abnormal FROM coverage c WHERE c.region = d.grid AND c.day = d.day), 0)`), 0);
});

test('the work is done by the accounts whose role may do it, and audited', async () => {
  const role = (id) => sql(`SELECT role FROM users WHERE id = ${id}`);
  assert.deepEqual(rows('SELECT DISTINCT user_id FROM screenings').map(([id]) => role(id)), ['gridworker']);
  assert.deepEqual(rows('SELECT DISTINCT user_id FROM daily_reports').map(([id]) => role(id)), ['gridworker']);
  // closed alerts: closed by a doctor, through the API's close
  // the outbreak: cases, tracing and follow-ups by a doctor too
  for (const action of ['case.create', 'contact.create', 'followup.record']) {
    const by = rows(`SELECT DISTINCT username FROM audit WHERE action = '${action}'`).map(([u]) => u);
    assert.deepEqual(by, ['doctor'], action);
  }
  const closed = rows("SELECT DISTINCT closed_by FROM alerts WHERE state = 'closed'");
  assert.deepEqual(closed.map(([id]) => role(id)), ['doctor']);
  assert.equal(num("SELECT count(*) FROM audit WHERE action = 'alert.close'"),
    num("SELECT count(*) FROM alerts WHERE state = 'closed'"));
  const created = srv.engine === 'postgres' ? "CAST(CAST(detail AS json) ->> 'created' AS integer)" : "json_extract(detail, '$.created')";
  assert.equal(num(`SELECT sum(${created}) FROM audit WHERE action = 'screening.record'`),
    num('SELECT count(*) FROM screenings'));
  assert.equal(num("SELECT count(*) FROM audit WHERE action = 'report.submit'"), num('SELECT count(*) FROM daily_reports'));
  const alerts = await srv.api('GET', '/api/v1/alerts?kind=screening&state=closed&limit=1000', { token: await srv.login('commander') });
  assert.equal(alerts.status, 200);
  assert.ok(alerts.body.items.length > 0);
  assert.ok(alerts.body.items.every((a) => a.closed_by === 'doctor' && a.outcome === 'normal_on_recheck'));
  const v = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
});

test('temperatures are readings: follow-ups without one have none, none is a default', () => {
  const [all, measured, lo, hi] = rows('SELECT count(*), count(temp_dc), min(temp_dc), max(temp_dc) FROM followups')[0].map(Number);
  assert.ok(all > 100, 'the outbreak has follow-ups');
  assert.ok(measured > 0 && measured < all, 'some follow-ups were taken without a reading');
  assert.ok(lo >= 350 && hi <= 420);
  // the readings spread over the plausible range, not one value
  assert.ok(num('SELECT count(DISTINCT temp_dc) FROM followups WHERE temp_dc IS NOT NULL') >= 5);
  assert.ok(num('SELECT count(DISTINCT temp_dc) FROM findings') >= 10);
});

test('--days is at most the 14 days the API takes a record late', () => {
  const r = cli(['demo', '--db', `${srv.dir}/late.db`, '--days', '15']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage:/);
});
