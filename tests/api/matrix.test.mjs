// The role × scope matrix: for every demo user (and no session at all) and
// every route, the status the server must answer.  Permissions come from
// src/core/base/perm.c (403 when the role lacks one), scope from the home region
// (404 outside it, exactly like a record that does not exist).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../lib/harness.mjs';

// The demo district: 420106 武昌区; street 420106001 holds community
// 420106001001 holding grids 420106001001001 (the grid worker's) and
// 420106001001002; street 420106002 is officer2's.
const COUNTY = '420106';
const STREET1 = '420106001';
const STREET2 = '420106002';
const COMM1 = '420106001001';
const COMM2 = '420106002001';
const GRID = '420106001001001';
const GRID_SIBLING = '420106001001002';

// Column order of every row below.
const USERS = ['anon', 'admin', 'commander', 'operator', 'keeper', 'auditor', 'officer', 'coordinator',
  'officer2', 'doctor', 'volunteer', 'gridworker'];

// Each row: [method, path, body (a function of the username, so each
// creation is unique), expected statuses in USERS order].
let seq = 0;
const uniq = (u) => `${u}-${++seq}`;
const ROWS = [
  ['GET', '/api/v1/health', null,
    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/v1/me', null,
    [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/v1/roles', null,
    [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/v1/regions?q=%E7%BD%91%E6%A0%BC', null, // q=网格: in scope only
    [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', `/api/v1/regions?q=%E7%BD%91%E6%A0%BC&within=${COUNTY}`, null,
    [401, 200, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404]],
  ['GET', `/api/v1/regions?q=%E7%BD%91%E6%A0%BC&within=${STREET1}`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 404, 404, 404]],
  ['GET', `/api/v1/regions?q=%E7%BD%91%E6%A0%BC&within=${GRID}`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 200]],
  ['GET', '/api/v1/regions/root', null,
    [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]],
  ['GET', '/api/v1/regions/42', null,
    [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]],
  ['GET', `/api/v1/regions/${COUNTY}`, null,
    [401, 200, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404]],
  ['GET', `/api/v1/regions/${STREET1}`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 404, 404, 404]],
  ['GET', `/api/v1/regions/${STREET2}`, null,
    [401, 200, 200, 200, 200, 200, 404, 404, 200, 404, 404, 404]],
  ['GET', `/api/v1/regions/${COMM1}`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 404]],
  ['GET', `/api/v1/regions/${COMM2}`, null,
    [401, 200, 200, 200, 200, 200, 404, 404, 200, 404, 404, 404]],
  ['GET', `/api/v1/regions/${GRID}`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 200]],
  ['GET', `/api/v1/regions/${GRID_SIBLING}`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 404]],
  ['GET', `/api/v1/regions/${COUNTY}/children`, null,
    [401, 200, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404]],
  ['GET', `/api/v1/regions/${STREET1}/children`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 404, 404, 404]],
  ['GET', `/api/v1/regions/${COMM1}/children`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 404]],
  ['GET', `/api/v1/regions/${GRID}/children`, null,
    [401, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 200]],
  ['GET', '/api/v1/users', null,
    [401, 200, 200, 403, 403, 403, 200, 403, 200, 403, 403, 403]],
  ['GET', '/api/v1/audit', null,
    [401, 200, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403]],
  ['POST', '/api/v1/regions', (u) => ({ parent: COMM1, name: `网格-${uniq(u)}` }),
    [401, 201, 403, 403, 403, 403, 201, 403, 404, 403, 403, 403]],
  ['POST', '/api/v1/regions', (u) => ({ parent: COMM2, name: `网格-${uniq(u)}` }),
    [401, 201, 403, 403, 403, 403, 404, 403, 201, 403, 403, 403]],
  ['POST', '/api/v1/users',
    (u) => ({ username: `m-${uniq(u)}`, password: 'a-long-password', role: 'volunteer', region: COMM1 }),
    [401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]],
  ['PATCH', '/api/v1/users/volunteer', () => ({ disabled: false }),
    [401, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]],
  ['PATCH', '/api/v1/users/no-such-user', () => ({ disabled: false }),
    [401, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]],
  // Last: signing out ends each session.
  ['DELETE', '/api/v1/session', null,
    [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]],
];

let srv;
const tokens = {};
before(async () => {
  srv = await startServer();
  // Two request threads at least: sign everyone in, a few at a time.
  const names = USERS.filter((u) => u !== 'anon');
  for (let i = 0; i < names.length; i += 3)
    await Promise.all(names.slice(i, i + 3).map(async (u) => { tokens[u] = await srv.login(u); }));
});
after(async () => { await srv.stop(); });

test('the demo users sit where the matrix assumes', () => {
  const want = {
    admin: COUNTY, commander: COUNTY, operator: COUNTY, keeper: COUNTY, auditor: COUNTY,
    officer: STREET1, coordinator: STREET1, officer2: STREET2, doctor: COMM1, volunteer: COMM1,
    gridworker: GRID,
  };
  for (const [u, region] of Object.entries(want)) assert.equal(srv.logins[u].region, region, u);
});

// Every route of `fangkong routes`, including those without a row above:
// no session → 401 (unless public); a role without the route's permission
// (as /api/v1/roles states it) → 403; a role with it gets past the gate
// (whatever the handler then says of placeholder input, never 401, 403 or
// a server error).
test('every route enforces its permission for every role', async () => {
  const routes = cli(['routes']).stdout.trim().split('\n').map((l) => {
    const [method, pattern, perm] = l.trim().split(/\s+/);
    return { method, pattern, perm };
  });
  const roles = (await srv.api('GET', '/api/v1/roles', { token: tokens.admin })).body.items;
  const perms = Object.fromEntries(roles.map((r) => [r.role, r.permissions]));
  const fill = { code: COMM1, username: 'no-such-user', id: '999999999' };
  const wrong = [];
  for (const { method, pattern, perm } of routes) {
    const p = pattern.replace(/\{(\w+)\}/g, (_, n) => fill[n] ?? 'x');
    for (const u of USERS) {
      // signing out would end the session the rows below still need
      if (method === 'DELETE' && pattern === '/api/v1/session' && u !== 'anon') continue;
      const r = await srv.api(method, p, { token: tokens[u], body: method === 'GET' ? undefined : {} });
      let ok;
      if (perm === 'public') ok = r.status < 500 && r.status !== 403;
      else if (u === 'anon') ok = r.status === 401;
      else if (!perms[srv.logins[u].role].includes(perm)) ok = r.status === 403 && r.body.error.code === 'forbidden';
      else ok = ![401, 403].includes(r.status) && r.status < 500;
      if (!ok) wrong.push(`${u} ${method} ${p} (${perm}): ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

for (const [method, path, body, expected] of ROWS) {
  test(`${method} ${path}${body ? ` ${JSON.stringify(body('…'))}` : ''}`, async () => {
    const want = {}, got = {};
    const bodies = {};
    await Promise.all(USERS.map(async (u, i) => {
      want[u] = expected[i];
      const r = await srv.api(method, path, { token: tokens[u], body: body ? body(u) : undefined });
      got[u] = r.status;
      bodies[u] = r.body;
    }));
    assert.deepEqual(got, want);
    for (const u of USERS) {
      const b = bodies[u];
      if (got[u] === 401) assert.equal(b.error.code, 'unauthenticated', u);
      if (got[u] === 403) {
        assert.equal(b.error.code, 'forbidden', u);
        assert.match(b.error.message, new RegExp(`\\(${srv.logins[u].role}\\)`), u);
      }
      if (got[u] === 404) assert.equal(b.error.code, 'not_found', u);
      if (got[u] === 204) assert.equal(b, null, u);
    }
  });
}

test('after signing out no token works any more', async () => {
  for (const u of USERS.filter((x) => x !== 'anon')) {
    const r = await srv.api('GET', '/api/v1/me', { token: tokens[u] });
    assert.equal(r.status, 401, u);
  }
});
