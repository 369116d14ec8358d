// The deployment's time zone (FK_TZ) decides "today", the follow-up slot and
// the report hour, whatever TZ the process inherits.  The servers run on the
// test clock (FK_NOW with FK_TEST=1) at 2020-02-14 20:21 UTC: 04:21 on the
// 15th in Shanghai (a morning, before the report hour) and 20:21 on the
// 14th in UTC (an evening, after it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../lib/harness.mjs';

const NOW = Date.UTC(2020, 1, 14, 20, 21) / 1000;
const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function clockOf(zone) {
  const srv = await startServer({ env: { TZ: 'UTC', FK_TZ: zone, FK_TEST: '1', FK_NOW: String(NOW) } });
  servers.push(srv);
  const T = {};
  for (const u of ['doctor', 'commander']) T[u] = await srv.login(u);
  const me = await srv.api('GET', '/api/v1/me', { token: T.doctor });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  const due = await srv.api('GET', '/api/v1/observations/due', { token: T.doctor });
  assert.equal(due.status, 200, JSON.stringify(due.body));
  const reports = await srv.api('GET', '/api/v1/reports?limit=5', { token: T.commander });
  assert.equal(reports.status, 200, JSON.stringify(reports.body));
  assert.ok(reports.body.items.length > 0);
  return { srv, me: me.body, due: due.body, reports: reports.body.items };
}

test('FK_TZ=Asia/Shanghai with TZ=UTC: the 15th, the morning slot, no report late yet', async () => {
  const { srv, me, due, reports } = await clockOf('Asia/Shanghai');
  assert.match(srv.log, /time zone Asia\/Shanghai/);
  assert.equal(me.clock.zone, 'Asia/Shanghai');
  assert.equal(me.clock.today, '2020-02-15');
  assert.equal(me.clock.utc_offset, 8 * 3600);
  assert.ok(Math.abs(me.clock.now - NOW) < 60, `${me.clock.now}`);
  assert.equal(due.date, '2020-02-15');
  assert.equal(due.slot, 'am');
  for (const r of reports) {
    assert.equal(r.reported, false);
    assert.equal(r.late, false, JSON.stringify(r));
  }
  // the sign-in was audited at the test clock's time
  const audit = await srv.api('GET', '/api/v1/audit?action=login&limit=1', { token: await srv.login('auditor') });
  assert.equal(audit.status, 200, JSON.stringify(audit.body));
  assert.ok(Math.abs(audit.body.items[0].at - NOW) < 60, JSON.stringify(audit.body.items[0]));
});

test('FK_TZ=UTC at the same instant: the 14th, the evening slot, reports late', async () => {
  const { me, due, reports } = await clockOf('UTC');
  assert.equal(me.clock.today, '2020-02-14');
  assert.equal(me.clock.utc_offset, 0);
  assert.equal(due.date, '2020-02-14');
  assert.equal(due.slot, 'pm');
  for (const r of reports) assert.equal(r.late, true, JSON.stringify(r));
});

test('an unknown zone stops the server at start, naming the setting', () => {
  const bad = cli(['serve', '--db', '/nonexistent/x.db'], { env: { FK_TZ: 'Asia/Atlantis' } });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /FK_TZ=Asia\/Atlantis: not a time zone/);
  const flag = cli(['serve', '--db', '/nonexistent/x.db', '--tz', 'Moon/Base']);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /--tz Moon\/Base: not a time zone/);
});

test('FK_NOW is refused outside tests', () => {
  const r = cli(['version'], { env: { FK_NOW: String(NOW), FK_TEST: '' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /FK_NOW=\d+: a test-only setting/);
});
