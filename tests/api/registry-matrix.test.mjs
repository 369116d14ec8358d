// Role × permission × scope for the registry and screening routes: for each
// demo user (and no session), the status each request must get.  403 when
// the role lacks the route's permission (src/core/base/perm.c), 404 outside the
// user's home region, exactly like a record that does not exist.  The
// generated matrix (matrix.test.mjs) holds the cells every route has (no
// session, no permission, a GET without input, another street's record or
// region); the rows here are what it cannot know: writes that succeed with
// a real body, and regions in scope at each level.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { STREET1, COMM1, GRID, GRID_EMPTY, walk, uuid } from './registry-helpers.mjs';

const USERS = ['anon', 'admin', 'commander', 'operator', 'keeper', 'auditor', 'officer', 'coordinator',
  'officer2', 'doctor', 'volunteer', 'gridworker'];

let srv;
const T = {};
const F = {}; // fixtures: a household and person in the grid worker's grid, an alert per user, the grid's gaps

// Each row: [method, path (string or function of the user), body (function
// of the user; {csv} for a raw CSV upload) or null, statuses in USERS order].
const ROWS = [
  // persons
  ['GET', `/api/v1/persons?region=${STREET1}`, null,
    [401, 200, 200, 403, 403, 403, 200, 403, 404, 404, 403, 404]],
  ['POST', '/api/v1/persons', (u) => ({ household_id: F.household, name: `矩阵-${u}` }),
    [401, 201, 403, 403, 403, 403, 201, 403, 404, 403, 403, 201]],
  ['PATCH', () => `/api/v1/persons/${F.person}`, (u) => ({ origin: `改-${u}` }),
    [401, 200, 403, 403, 403, 403, 200, 403, 404, 403, 403, 200]],
  ['POST', () => `/api/v1/persons/${F.person}/reveal`, () => ({ reason: '权限矩阵核对' }),
    [401, 200, 403, 403, 403, 403, 200, 403, 404, 200, 403, 403]],
  ['GET', `/api/v1/persons/export?reveal=1&reason=${encodeURIComponent('权限矩阵')}`, null,
    [401, 200, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403]],
  ['GET', `/api/v1/persons/export?region=${COMM1}`, null,
    [401, 200, 403, 403, 403, 403, 200, 403, 404, 403, 403, 403]],
  ['POST', '/api/v1/persons/import', (u) => ({ csv: `姓名,网格,地址\n导入-${u},${GRID},矩阵路 1号\n` }),
    [401, 200, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403]],
  // households
  ['POST', '/api/v1/households', (u) => ({ grid: GRID, address: `矩阵路 ${u}` }),
    [401, 201, 403, 403, 403, 403, 201, 403, 404, 403, 403, 201]],
  ['PATCH', () => `/api/v1/households/${F.household}`, (u) => ({ unit: `单元-${u}` }),
    [401, 200, 403, 403, 403, 403, 200, 403, 404, 403, 403, 200]],
  // screening
  ['POST', '/api/v1/screenings', () => ({ uuid: uuid(), household_id: F.household, status: 'visited' }),
    [401, 403, 403, 403, 403, 403, 201, 403, 404, 403, 403, 201]],
  ['GET', `/api/v1/screenings/worklist?grid=${GRID}`, null,
    [401, 403, 403, 403, 403, 403, 200, 403, 404, 403, 403, 200]],
  ['GET', `/api/v1/coverage?region=${COMM1}`, null,
    [401, 200, 200, 403, 403, 403, 200, 403, 404, 200, 403, 404]],
  ['GET', `/api/v1/coverage/gaps?grid=${GRID}`, null,
    [401, 200, 200, 403, 403, 403, 200, 403, 404, 200, 403, 200]],
  ['GET', `/api/v1/alerts?region=${GRID}`, null,
    [401, 200, 200, 403, 403, 403, 200, 403, 404, 200, 403, 200]],
  ['POST', (u) => `/api/v1/alerts/${F.alerts?.[u]}/close`, () => ({ outcome: 'other' }),
    [401, 403, 403, 403, 403, 403, 200, 403, 404, 200, 403, 403]],
  // the grid's gaps when the report is sent (the rows above add households)
  ['POST', '/api/v1/reports', async () => ({ grid: GRID, unvisited: (await gaps()).map((id) => ({ household_id: id, reason: '外出务工' })) }),
    [401, 403, 403, 403, 403, 403, 201, 403, 404, 403, 403, 201]],
  ['POST', '/api/v1/reports', () => ({ grid: GRID_EMPTY }),
    [401, 403, 403, 403, 403, 403, 201, 403, 404, 403, 403, 404]],
  ['GET', `/api/v1/reports?region=${COMM1}`, null,
    [401, 200, 200, 403, 403, 403, 200, 403, 404, 200, 403, 404]],
];

const gaps = async () => (await walk(srv, T.admin, `/api/v1/coverage/gaps?grid=${GRID}`)).items.map((x) => x.id);

before(async () => {
  // FK_REPORT_HOUR=0: today's missing reports are already late
  srv = await startServer({ env: { FK_REPORT_HOUR: '0' } });
  const names = USERS.filter((u) => u !== 'anon');
  for (let i = 0; i < names.length; i += 3)
    await Promise.all(names.slice(i, i + 3).map(async (u) => { T[u] = await srv.login(u); }));
  const h = await srv.api('POST', '/api/v1/households', { token: T.gridworker, body: { grid: GRID, building: '矩阵楼', room: '1' } });
  assert.equal(h.status, 201);
  F.household = h.body.id;
  const persons = [];
  for (const u of USERS) {
    const p = await srv.api('POST', '/api/v1/persons', { token: T.gridworker, body: { household_id: F.household, name: `被测-${u}` } });
    assert.equal(p.status, 201);
    persons.push(p.body.id);
  }
  F.person = persons[0];
  // one open alert per user, so each may try to close their own
  const s = await srv.api('POST', '/api/v1/screenings', { token: T.gridworker, body: {
    uuid: uuid(), household_id: F.household, status: 'visited',
    persons: persons.map((id) => ({ person_id: id, temperature: 38.2 })),
  } });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assert.equal(s.body.alerts, USERS.length);
  const alerts = (await srv.api('GET', `/api/v1/alerts?region=${GRID}&state=open&limit=1000`, { token: T.doctor })).body.items
    .filter((a) => a.screening_id === s.body.id);
  F.alerts = Object.fromEntries(USERS.map((u, i) => [u, alerts[i].id]));
});
after(async () => { await srv.stop(); });

test('the demo users sit where the matrix assumes', () => {
  const want = { officer: STREET1, officer2: '420106002', doctor: COMM1, volunteer: COMM1, gridworker: GRID };
  for (const [u, region] of Object.entries(want)) assert.equal(srv.logins[u].region, region, u);
  for (const u of ['admin', 'commander', 'operator', 'keeper', 'auditor']) assert.equal(srv.logins[u].region, '420106', u);
});

for (const [method, path, body, statuses] of ROWS) {
  const label = `${method} ${typeof path === 'function' ? path('{user}').replace(/undefined/g, '{id}') : path}`;
  const shown = body && body.constructor.name !== 'AsyncFunction'
    ? ` ${JSON.stringify(body('{user}')).replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{uuid}').slice(0, 60)}` : '';
  test(`${label}${shown}`, async () => {
    const got = [];
    for (const u of USERS) {
      const p = typeof path === 'function' ? path(u) : path;
      const b = body ? await body(u) : undefined;
      const opts = { token: T[u] };
      if (b?.csv !== undefined) Object.assign(opts, { raw: b.csv, headers: { 'Content-Type': 'text/csv' } });
      else if (b !== undefined) opts.body = b;
      const r = await srv.api(method, p, opts);
      got.push(r.status);
      if (r.status >= 400) {
        const code = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' }[r.status];
        if (code) assert.equal(r.body.error.code, code, `${u}: ${JSON.stringify(r.body)}`);
      }
    }
    assert.deepEqual(Object.fromEntries(USERS.map((u, i) => [u, got[i]])),
      Object.fromEntries(USERS.map((u, i) => [u, statuses[i]])));
  });
}

test('reports are late today once FK_REPORT_HOUR has passed', async () => {
  const r = await srv.api('GET', `/api/v1/reports?region=${COMM1}`, { token: T.doctor });
  assert.equal(r.status, 200);
  for (const g of r.body.items) assert.equal(g.late, !g.reported, g.grid);
  assert.ok(r.body.items.some((g) => g.late));
  assert.ok(r.body.items.some((g) => g.grid === GRID && g.reported && !g.late));
});
