// The authorisation matrix.  Generated from the route table (`fangkong
// routes --json`), for every route × every user (the demo's, a street-level
// admin and a second street's doctor) × no session: no session → 401
// (unless public); a role without the route's permission (as GET
// /api/v1/roles states it) → 403 naming the role; a role with it gets past
// the gate (a GET that needs no input → 200); and a record or region of
// another street, named in the path or a query parameter, → 404 exactly
// like one that does not exist.  A new route is covered without adding
// anything here; what the table cannot say about scope is in
// route-scope.mjs.  The hand-written rows below add statuses the generator
// cannot know (regions by level, creations that succeed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../lib/harness.mjs';
import { REGION_PARAM, NO_REGION, EXTRA_QUERY, BODIES, OWN, signIn, scopeKit } from './route-scope.mjs';

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
let tokens = {}, HOME = {}, ROLE_OF = {}, PERMS = {}, kit;
const ROUTES = (() => {
  const out = cli(['routes', '--json']);
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
})();
before(async () => {
  // 1,500 residents: the demo outbreak puts cases, contacts, observations
  // and alerts in every street, so each route has records of another street
  srv = await startServer({ people: 1500, days: 1 });
  ({ T: tokens, HOME, ROLE_OF, PERMS } = await signIn(srv));
  kit = scopeKit(srv, tokens, HOME);
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

// ---- the generated matrix: every route of the table ----

const holds = (u, perm) => perm === 'public' || (u !== 'anon' && PERMS[ROLE_OF[u]]?.includes(perm));
// Path parameters at the gate: placeholders (a record's existence is not
// what the gate cell asks).
const FILL = { code: COMM1, username: 'no-such-user', id: '999999999' };
// GET routes that answer 200 to a holder with no input at all: those
// without path parameters that need no query parameter.
const plain = (route) => route.method === 'GET' && route.params.length === 0
  && REGION_PARAM[route.path] !== 'grid' && !EXTRA_QUERY[route.path];

// The gate: what each user gets before any record matters.
function gateWant(route, u) {
  if (route.permission !== 'public' && u === 'anon') return { status: 401, code: 'unauthenticated' };
  if (!holds(u, route.permission)) return { status: 403, code: 'forbidden' };
  return plain(route) ? { status: 200 } : { past: true };
}

async function gateCell(route, u, wrong) {
  // signing out would end the session the cells below still need
  if (route.method === 'DELETE' && route.path === '/api/v1/session' && u !== 'anon') return;
  const p = route.path.replace(/\{(\w+)\}/g, (_, n) => FILL[n] ?? 'x');
  const r = await srv.api(route.method, p, { token: tokens[u], body: route.method === 'GET' ? undefined : {} });
  const want = gateWant(route, u);
  const got = `${r.status} ${JSON.stringify(r.body).slice(0, 160)}`;
  if (want.past) {
    if ([401, 403].includes(r.status) || r.status >= 500) wrong.push(`${u}: got ${got}, want past the gate`);
  } else if (r.status !== want.status || (want.code && r.body?.error?.code !== want.code)) {
    wrong.push(`${u}: got ${got}, want ${want.status}${want.code ? ` ${want.code}` : ''}`);
  } else if (want.status === 403 && !r.body.error.message.includes(`(${ROLE_OF[u]})`)) {
    wrong.push(`${u}: the 403 does not name the role: ${got}`);
  }
}

// Another street: a record named in the path, or a region named in a query
// parameter, outside u's scope → 404 not_found; u's own record → 200.
// Returns the number of requests sent.
async function farCells(route, u, wrong) {
  let sent = 0;
  const notFound = (r, what) => {
    sent++;
    if (r.status !== 404 || r.body?.error?.code !== 'not_found')
      wrong.push(`${u} ${what}: got ${r.status} ${JSON.stringify(r.body).slice(0, 160)}, want 404 not_found`);
  };
  if (OWN.has(`${route.method} ${route.path}`)) {
    return 0; // the caller's own, in no region: its test checks another user's is 404
  } else if (route.params.length > 0) {
    const body = route.method === 'GET' ? undefined : BODIES[`${route.method} ${route.path}`];
    const all = await kit.records(route);
    const far = all.find((c) => c.places.every((pl) => !kit.inScope(u, pl)));
    if (far) notFound(await srv.api(route.method, route.path.replace(/\{\w+\}/, encodeURIComponent(far.value)), { token: tokens[u], body }), `${far.value} (in ${far.places.join(',')})`);
    // the same route reaches the user's own records (only reads: a write
    // would change a record later cells still name)
    const near = route.method === 'GET' && all.find((c) => c.places.every((pl) => kit.inScope(u, pl)));
    if (near) {
      const ok = await srv.api('GET', route.path.replace(/\{\w+\}/, encodeURIComponent(near.value)), { token: tokens[u] });
      if (ok.status !== 200) wrong.push(`${u} ${near.value} (own): got ${ok.status} ${JSON.stringify(ok.body).slice(0, 160)}, want 200`);
    }
  } else if (route.method === 'GET' && !NO_REGION.has(route.path)) {
    const param = REGION_PARAM[route.path] ?? 'region';
    for (const code of kit.outside(u, param)) {
      const q = [EXTRA_QUERY[route.path], `${param}=${code}`].filter(Boolean).join('&');
      notFound(await srv.api('GET', `${route.path}?${q}`, { token: tokens[u] }), `?${q}`);
    }
  }
  return sent;
}

test('the exceptions the matrix is told about are real routes', () => {
  const known = new Set(ROUTES.map((r) => r.path));
  assert.deepEqual([...NO_REGION, ...Object.keys(REGION_PARAM), ...Object.keys(EXTRA_QUERY)].filter((p) => !known.has(p)), []);
  const writes = new Set(ROUTES.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`));
  assert.deepEqual(Object.keys(BODIES).filter((k) => !writes.has(k)), []);
});

for (const route of ROUTES) {
  test(`matrix: ${route.method} ${route.path} (${route.permission}) × every user × no session × another street`, async () => {
    const wrong = [];
    let far = 0;
    if (route.method !== 'GET' && route.params.length > 0 && !BODIES[`${route.method} ${route.path}`])
      wrong.push(`no body for it in BODIES (route-scope.mjs)`);
    for (const u of ['anon', ...Object.keys(tokens)]) {
      await gateCell(route, u, wrong);
      if (u !== 'anon' && route.permission !== 'public' && holds(u, route.permission) && !wrong.length)
        far += await farCells(route, u, wrong);
    }
    assert.deepEqual(wrong, []);
    // a route that names records, or takes a region, met another street at least once
    if (!OWN.has(`${route.method} ${route.path}`) &&
        (route.params.length > 0 || (route.method === 'GET' && !NO_REGION.has(route.path) && route.permission !== 'public')))
      assert.ok(far > 0, 'no user that holds the permission met a record or region outside its scope');
  });
}

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
