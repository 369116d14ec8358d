// The audit log: reading it in scope, filters, paging; a graceful stop;
// then the hash chain, intact and tampered with.  Tests run in order: the
// last ones stop the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { startServer, cli, sqlOn } from '../lib/harness.mjs';

let srv, T = {};
let drainProbe = 'not probed';

before(async () => {
  srv = await startServer();
  const add = cli(['user', 'add', 'nation-admin', '--role', 'admin', '--region', '', '--db', srv.db],
    { input: 'national-password\n' });
  assert.equal(add.status, 0, add.stderr);
  for (const u of ['admin', 'auditor', 'officer', 'commander']) T[u] = await srv.login(u);
  T.nation = (await srv.api('POST', '/api/v1/session',
    { body: { username: 'nation-admin', password: 'national-password' } })).body.token;
  // Something to audit: a grid, a user, a change, a failed sign-in of a
  // known and of an unknown user.
  assert.equal((await srv.api('POST', '/api/v1/regions',
    { token: T.officer, body: { parent: '420106001001', name: '审计网格' } })).status, 201);
  assert.equal((await srv.api('POST', '/api/v1/users', { token: T.admin,
    body: { username: 'audited', password: 'audited-password', role: 'volunteer', region: '420106001002' } })).status, 201);
  assert.equal((await srv.api('PATCH', '/api/v1/users/audited', { token: T.admin, body: { disabled: true } })).status, 200);
  assert.equal((await srv.api('POST', '/api/v1/session', { body: { username: 'doctor', password: 'wrong-password' } })).status, 401);
  assert.equal((await srv.api('POST', '/api/v1/session', { body: { username: 'stranger', password: 'wrong-password' } })).status, 401);
});
after(async () => { await srv.stop(); });

const audit = (who, q = '') => srv.api('GET', `/api/v1/audit${q}`, { token: T[who] });
const sql = sqlOn;

test('entries, newest first, with every field', async () => {
  const r = await audit('admin', '?limit=1000');
  assert.equal(r.status, 200);
  const ids = r.body.items.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  const e = r.body.items[0];
  assert.deepEqual(Object.keys(e).sort(),
    ['action', 'addr', 'at', 'detail', 'id', 'object', 'region', 'user_id', 'username']);
  assert.ok(Math.abs(e.at - Date.now() / 1000) < 120);
  for (const x of r.body.items) {
    assert.equal(typeof x.detail, 'string');
    JSON.parse(x.detail);
    assert.ok(x.region.startsWith('420106'), `${x.id} ${x.region} is outside the county`);
  }
  assert.ok(!JSON.stringify(r.body).includes('hash'), 'the chain hashes are not shown');
});

test('each change is audited with who, where and what', async () => {
  const items = (await audit('admin', '?limit=1000')).body.items;
  const find = (action, object) => items.find((e) => e.action === action && e.object === object);
  const grid = items.find((e) => e.action === 'region.create' && e.username === 'officer');
  assert.ok(grid);
  assert.equal(grid.addr, '127.0.0.1');
  assert.equal(typeof grid.user_id, 'number');
  assert.deepEqual(JSON.parse(grid.detail), { name: '审计网格' });
  const uc = find('user.create', 'user:audited');
  assert.equal(uc.username, 'admin');
  assert.equal(uc.region, '420106001002');
  assert.equal(find('user.disable', 'user:audited').username, 'admin');
  const failed = find('login.failed', 'user:doctor');
  assert.equal(failed.username, 'doctor');
  assert.equal(failed.user_id, null);
  assert.equal(failed.region, '420106001001');
  assert.ok(find('login', 'user:officer'));
  // the demo's own work, by the command line
  const cliGrid = (await audit('admin', '?action=region.create&username=cli&limit=1')).body.items[0];
  assert.equal(cliGrid.addr, 'local');
  assert.equal(cliGrid.user_id, null);
});

test('filters by action and by username', async () => {
  const logins = (await audit('admin', '?action=login&limit=1000')).body.items;
  assert.ok(logins.length >= 4);
  assert.ok(logins.every((e) => e.action === 'login'));
  const byOfficer = (await audit('admin', '?username=officer&limit=1000')).body.items;
  assert.deepEqual([...new Set(byOfficer.map((e) => e.username))], ['officer']);
  // this test's sign-in and grid, besides what the demo had the officer do
  for (const a of ['login', 'region.create']) assert.ok(byOfficer.some((e) => e.action === a), a);
  const both = (await audit('admin', '?username=officer&action=login')).body.items;
  assert.equal(both.length, 1);
  assert.deepEqual((await audit('admin', '?action=no.such.action')).body, { items: [], next: null });
  assert.deepEqual((await audit('admin', '?username=nobody')).body, { items: [], next: null });
});

test('empty filters filter nothing', async () => {
  const all = (await audit('admin', '?limit=10')).body.items;
  const empty = (await audit('admin', '?limit=10&action=&username=')).body.items;
  assert.deepEqual(empty, all);
});

test('scope: the county sees its entries; entries without a region only at national scope', async () => {
  // the failed sign-ins: few, of both kinds (the demo's own work is far more)
  const county = (await audit('auditor', '?action=login.failed&limit=1000')).body.items;
  assert.ok(!county.some((e) => e.username === 'stranger'));
  const nation = (await audit('nation', '?action=login.failed&limit=1000')).body.items;
  const stranger = nation.find((e) => e.username === 'stranger');
  assert.ok(stranger, 'the failed sign-in of an unknown name is at national scope');
  assert.equal(stranger.region, '');
  assert.equal(stranger.action, 'login.failed');
  assert.ok(nation.length > county.length);
  const countyIds = new Set(county.map((e) => e.id));
  for (const e of nation) assert.equal(countyIds.has(e.id), e.region.startsWith('420106'), `entry ${e.id}`);
  // who may read it
  assert.equal((await audit('officer')).status, 403);
  assert.equal((await audit('commander')).status, 403);
});

test('paging walks every entry exactly once, newest first', async () => {
  // every entry of the demo's districts made by the command line and by sign-ins: walked
  // whole at each page size (the log of the whole demo is too long for pages of 7)
  const F = '&username=cli&action=region.create';
  const want = (await audit('auditor', `?limit=1000${F}`)).body.items.map((e) => e.id);
  assert.ok(want.length > 20 && want.length < 1000);
  for (const [limit, q] of [[7, F], [50, F], [1, '&action=user.create'], [want.length, F]]) {
    const wantHere = q === F ? want : (await audit('auditor', `?limit=1000${q}`)).body.items.map((e) => e.id);
    const got = [];
    let after = '';
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 1000);
      const r = await audit('auditor', `?limit=${limit}${q}${after}`);
      assert.equal(r.status, 200);
      got.push(...r.body.items.map((e) => e.id));
      if (r.body.next === null) break;
      after = `&after=${r.body.next}`;
    }
    assert.deepEqual(got, wantHere, `limit ${limit}${q}`);
  }
  // new entries do not disturb a walk in progress: they are newer than its cursor
  const first = await audit('auditor', '?limit=5');
  await srv.api('POST', '/api/v1/session', { body: { username: 'officer', password: srv.logins.officer.password } });
  const second = await audit('auditor', `?limit=5&after=${first.body.next}`);
  assert.equal(second.body.items[0].id, first.body.items[4].id - 1);
});

test('bad limits and cursors are 400', async () => {
  for (const q of ['limit=0', 'limit=1001', 'limit=ten']) {
    const r = await audit('auditor', `?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.field, 'limit');
  }
  const users = await srv.api('GET', '/api/v1/users?limit=1', { token: T.admin });
  for (const a of ['!!!', Buffer.from('abc').toString('base64url'), Buffer.from('0').toString('base64url'),
    Buffer.from('-5').toString('base64url'), users.body.next]) {
    const r = await audit('auditor', `?after=${a}`);
    assert.equal(r.status, 400, a);
    assert.equal(r.body.error.field, 'after');
  }
});

test('a stop (SIGTERM) finishes the request in flight, then exits 0', { timeout: 20000 }, async () => {
  const exited = new Promise((resolve) => srv.child.on('exit', (code, signal) => resolve({ code, signal })));
  // A sign-in whose body arrives in two parts: the server has the request
  // (headers and half the body) when the signal comes, and the rest after.
  const body = JSON.stringify({ username: 'keeper', password: srv.logins.keeper.password });
  const u = new URL(srv.base);
  let req;
  const answer = new Promise((resolve, reject) => {
    req = http.request({
      host: u.hostname, port: u.port, method: 'POST', path: '/api/v1/session', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let b = '';
      res.on('data', (c) => { b += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(b) }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 20));
  await sleep(500);
  srv.child.kill('SIGTERM');
  await sleep(500);
  assert.equal(srv.child.exitCode, null, 'the server waits for the request in flight');
  // A new connection now (checked in the next test).
  const t0 = Date.now();
  const fresh = srv.raw('GET', '/api/v1/health').then((x) => `answered ${x.status}`, (e) => e.code);
  drainProbe = await Promise.race([fresh, sleep(1000).then(() => 'no answer within 1 s')]);
  drainProbe += ` after ${Date.now() - t0} ms`;
  req.end(body.slice(20));
  const r = await answer;
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(await exited, { code: 0, signal: null });
  // the sign-in was committed before the exit
  assert.equal(sql(srv.db, "SELECT count(*) FROM audit WHERE action = 'login' AND username = 'keeper'"), '1');
});

test('while stopping, new connections are refused at once', () => {
  assert.match(drainProbe, /^ECONNREFUSED/);
});

test('audit verify: intact after all that', () => {
  const r = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  const n = Number(sql(srv.db, 'SELECT count(*) FROM audit'));
  assert.equal(r.stdout.trim(), `audit log intact: ${n} entries`);
});

// Copies the database, changes the copy with sql, and verifies it.
function tampered(name, change) {
  const copy = srv.copy(name); // the database's key goes with it
  sql(copy, change);
  return cli(['audit', 'verify', '--db', copy]);
}

test('audit verify names the first broken entry and exits 1', () => {
  const n = Number(sql(srv.db, 'SELECT max(id) FROM audit'));
  const mid = Math.floor(n / 2);
  const cases = [
    ['detail', `UPDATE audit SET detail = '{"name":"forged"}' WHERE id = ${mid}`, mid],
    ['username', `UPDATE audit SET username = 'someone' WHERE id = ${mid + 1}`, mid + 1],
    ['at', `UPDATE audit SET at = at + 1 WHERE id = 3`, 3],
    ['region', `UPDATE audit SET region = '' WHERE id = ${n}`, n],
    ['deleted', `DELETE FROM audit WHERE id = ${mid}`, mid],
    ['first', 'DELETE FROM audit WHERE id = 1', 1],
    ['hash', `UPDATE audit SET hash = ${srv.engine === 'postgres' ? "decode(repeat('00', 32), 'hex')" : 'zeroblob(32)'} WHERE id = ${mid}`, mid],
    ['two', `UPDATE audit SET action = 'x' WHERE id IN (${mid}, ${mid + 5})`, mid],
  ];
  for (const [name, change, bad] of cases) {
    const r = tampered(name, change);
    assert.equal(r.status, 1, `${name}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout.trim(), `audit log BROKEN at entry ${bad}`, name);
  }
});

test('audit verify: --help, and a missing database', () => {
  const h = cli(['audit', 'verify', '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /usage: fangkong audit verify/);
  const m = cli(['audit', 'verify', '--db', path.join(srv.dir, 'missing.db')]);
  assert.equal(m.status, 1);
  assert.match(m.stderr, /no such database/);
});
