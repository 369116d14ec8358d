// Scope of answers and of ids inside bodies: every GET answer, for every
// user whose role holds the route's permission, holds only rows in the
// user's scope; the ids inside bodies (a contact's site_id, a case's
// alert_id, …) are checked like path ids; and the refusal of a document
// number registered elsewhere names no one and no place.  That a record or
// region of another street, named in the path or a query parameter, is 404
// for every route and role is a cell of the generated authorisation matrix
// (matrix.test.mjs); what the route table does not say about scope (which
// routes take no region, place nothing, …) is in route-scope.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../lib/harness.mjs';
import { STREET2, COMM1, GRID, GRID_STREET2, idNumber, addDays, walk } from './registry-helpers.mjs';
import { REGION_PARAM, EXTRA_QUERY, UNPLACED, ANCESTORS, signIn, scopeKit } from './route-scope.mjs';

let srv, today;
let T = {};          // tokens by username
let HOME = {};       // home region by username
let ROLE_OF = {};    // role by username
let PERMS = {};      // permissions by role
let ROUTES = [];
let inScope;

const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  // 1,500 residents: the demo outbreak puts cases, contacts, observations
  // and alerts in every street
  srv = await startServer({ people: 1500, days: 1 });
  ({ T, HOME, ROLE_OF, PERMS } = await signIn(srv));
  ({ inScope } = scopeKit(srv, T, HOME));
  const out = cli(['routes', '--json']);
  assert.equal(out.status, 0, out.stderr);
  ROUTES = JSON.parse(out.stdout);
  today = (await srv.api('GET', '/api/v1/stats/daily', { token: T.admin })).body.days.at(-1).date;
  // an observation site in each street
  for (const [u, region] of [['doctor', COMM1], ['doctor2', STREET2]]) {
    const r = await srv.api('POST', '/api/v1/sites', { token: T[u], body: { region, name: `隔离点-${u}`, capacity: 50 } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});
after(async () => { await srv?.stop(); });

const holders = (perm) => Object.keys(T).filter((u) => perm === 'public' || PERMS[ROLE_OF[u]]?.includes(perm));

// Every code an answer places a row in: values of "region", "grid", "code"
// and "communities", at any depth (a region's "path" and "parent" name its
// ancestors, which lie outside by design).
function codesIn(value, key = '', out = []) {
  if (key === 'path' || key === 'parent') return out;
  // a region code is digits (an item's `code`, such as N95-1860, is not one)
  if (typeof value === 'string' && ['region', 'grid', 'code'].includes(key) && /^\d*$/.test(value)) out.push(value);
  else if (Array.isArray(value)) {
    for (const v of value) {
      if (key === 'communities' && typeof v === 'string') out.push(v);
      else codesIn(v, '', out);
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) codesIn(v, k, out);
  }
  return out;
}

// A CSV export's region column.
function csvRegions(text) {
  const [head, ...rows] = text.trim().split(/\r?\n/);
  const col = head.split(',').indexOf('region');
  assert.ok(col >= 0, 'the export has a region column');
  return rows.map((l) => l.split(',')[col]);
}


test('every GET answer holds only rows in the caller\'s scope', async () => {
  const wrong = [], empty = new Set();
  const seen = {};
  for (const route of ROUTES.filter((r) => r.method === 'GET' && r.params.length === 0 && !UNPLACED.has(r.path))) {
    seen[route.path] = 0;
    for (const u of holders(route.permission)) {
      const param = REGION_PARAM[route.path];
      // a grid is needed for these: the user's own (or one under their home)
      const q = [EXTRA_QUERY[route.path], param === 'grid' ? `grid=${inScope(u, GRID) ? GRID : inScope(u, GRID_STREET2) ? GRID_STREET2 : ''}` : '', 'limit=1000']
        .filter(Boolean).join('&');
      if (param === 'grid' && !inScope(u, GRID) && !inScope(u, GRID_STREET2)) continue;
      const r = await srv.api('GET', `${route.path}?${q}`, { token: T[u] });
      if (r.status !== 200) { wrong.push(`${u} GET ${route.path}?${q}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`); continue; }
      const codes = typeof r.body === 'string' ? csvRegions(r.body) : codesIn(r.body);
      seen[route.path] += codes.length;
      const above = (c) => ANCESTORS.has(route.path) && HOME[u].startsWith(c);
      for (const c of codes) if (!inScope(u, c) && !above(c)) wrong.push(`${u} GET ${route.path}: a row in ${c} (home ${HOME[u]})`);
    }
    if (seen[route.path] === 0) empty.add(route.path);
  }
  assert.deepEqual(wrong, []);
  // each route's answers were actually checked: some row placed somewhere
  assert.deepEqual([...empty], []);
});

// ---- ids inside bodies ----

function assertNotFound(r, field) {
  assert.equal(r.status, 404, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'not_found', JSON.stringify(r.body));
  assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

let seq = 0;
// A household and a person in grid, registered by token's user.
async function person(token = T.officer, grid = GRID, extra = {}) {
  seq++;
  const h = await srv.api('POST', '/api/v1/households', { token, body: { grid, building: '范围楼', room: String(3000 + seq) } });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  const p = await srv.api('POST', '/api/v1/persons', { token, body: { household_id: h.body.id, name: `范围${seq}`, ...extra } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return { ...p.body, household: h.body };
}
const caseOf = async (p, token = T.doctor) => {
  const r = await srv.api('POST', '/api/v1/cases', {
    token,
    body: { person_id: p.id, category: 'confirmed', diagnosis_time: now() - 600, reporting_unit: '武昌医院', place: 'designated_hospital' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
};
const site = async (token) => (await srv.api('GET', '/api/v1/sites?limit=1000', { token })).body.items[0];
const contactBody = (extra) => ({ setting: 'household', first_exposure: addDays(today, -1), last_exposure: today, ...extra });

test('a contact placed in another street\'s observation site: 404 site_id, nothing written, occupancy unchanged', async () => {
  const source = await caseOf(await person());
  const mine = await site(T.doctor), theirs = await site(T.doctor2);
  assert.ok(mine.region.startsWith(COMM1) && theirs.region.startsWith(STREET2));
  const contacts = async () => (await srv.api('GET', `/api/v1/contacts?case_id=${source.id}`, { token: T.doctor })).body.items.length;
  const before = await contacts();
  const far = await srv.api('POST', '/api/v1/contacts', {
    token: T.doctor,
    body: contactBody({ source_case_id: source.id, person: { name: '范围密接甲', grid: GRID, room: '1' }, mode: 'centralised', site_id: theirs.id }),
  });
  assertNotFound(far, 'site_id');
  assert.equal(far.body.error.message, `site ${theirs.id} not found`);
  // the same answer as a site that does not exist
  const none = await srv.api('POST', '/api/v1/contacts', {
    token: T.doctor,
    body: contactBody({ source_case_id: source.id, person: { name: '范围密接甲', grid: GRID, room: '1' }, mode: 'centralised', site_id: 99999999 }),
  });
  assertNotFound(none, 'site_id');
  assert.equal((await site(T.doctor2)).occupancy, theirs.occupancy);
  assert.equal(await contacts(), before);
  // the same body with the doctor's own site is taken, and fills it
  const near = await srv.api('POST', '/api/v1/contacts', {
    token: T.doctor,
    body: contactBody({ source_case_id: source.id, person: { name: '范围密接乙', grid: GRID, room: '2' }, mode: 'centralised', site_id: mine.id }),
  });
  assert.equal(near.status, 201, JSON.stringify(near.body));
  assert.equal((await site(T.doctor)).occupancy, mine.occupancy + 1);
});

test('every other id in a body is checked like a path id: 404 naming the field, and the own id works', async () => {
  const p1 = await person();
  const p2 = await person(T.officer2, GRID_STREET2);
  const c1 = await caseOf(p1), c2 = await caseOf(p2, T.doctor2);
  const k2 = await srv.api('POST', '/api/v1/contacts', { token: T.doctor2, body: contactBody({ source_case_id: c2.id, person_id: (await person(T.officer2, GRID_STREET2)).id }) });
  assert.equal(k2.status, 201, JSON.stringify(k2.body));
  const cases = [
    // [user, method, path, body with another street's id, field, the same body with the user's own id]
    ['doctor', 'POST', '/api/v1/contacts', contactBody({ source_case_id: c2.id, person_id: (await person()).id }), 'source_case_id',
      contactBody({ source_case_id: c1.id, person_id: (await person()).id })],
    ['doctor', 'POST', '/api/v1/contacts', contactBody({ source_contact_id: k2.body.id, person_id: (await person()).id }), 'source_contact_id', null],
    ['doctor', 'POST', '/api/v1/contacts', contactBody({ source_case_id: c1.id, person_id: (await person(T.officer2, GRID_STREET2)).id }), 'person_id',
      contactBody({ source_case_id: c1.id, person_id: (await person()).id })],
    ['doctor', 'POST', '/api/v1/contacts', contactBody({ source_case_id: c1.id, person: { name: '范围丙', grid: GRID_STREET2, room: '3' } }), 'person.grid',
      contactBody({ source_case_id: c1.id, person: { name: '范围丙', grid: GRID, room: '3' } })],
    ['doctor', 'POST', '/api/v1/cases', { person_id: (await person(T.officer2, GRID_STREET2)).id, category: 'suspected', diagnosis_time: now() - 60, reporting_unit: '医院', place: 'home' }, 'person_id',
      { person_id: (await person()).id, category: 'suspected', diagnosis_time: now() - 60, reporting_unit: '医院', place: 'home' }],
    ['officer', 'POST', '/api/v1/persons', { household_id: p2.household.id, name: '范围丁' }, 'household_id', { household_id: p1.household.id, name: '范围丁' }],
    ['officer', 'PATCH', `/api/v1/persons/${p1.id}`, { household_id: p2.household.id }, 'household_id', { household_id: p1.household.id }],
    ['officer', 'POST', '/api/v1/households', { grid: GRID_STREET2, address: '范围路 1号' }, 'grid', { grid: GRID, address: '范围路 1号' }],
    ['officer', 'PATCH', `/api/v1/households/${p1.household.id}`, { grid: GRID_STREET2 }, 'grid', { grid: GRID }],
    ['officer', 'POST', '/api/v1/screenings', { uuid: crypto.randomUUID(), household_id: p2.household.id, status: 'visited' }, 'household_id',
      { uuid: crypto.randomUUID(), household_id: p1.household.id, status: 'visited' }],
    ['officer', 'POST', '/api/v1/reports', { grid: GRID, unvisited: [{ household_id: p2.household.id, reason: '外出务工' }] }, 'unvisited[0].household_id', null],
  ];
  const wrong = [];
  for (const [u, method, path, far, field, near] of cases) {
    const r = await srv.api(method, path, { token: T[u], body: far });
    if (r.status !== 404 || r.body.error.code !== 'not_found' || r.body.error.field !== field)
      wrong.push(`${u} ${method} ${path} ${field}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    if (near) {
      const ok = await srv.api(method, path, { token: T[u], body: near });
      if (ok.status >= 300) wrong.push(`${u} ${method} ${path} own ${field}: ${ok.status} ${JSON.stringify(ok.body).slice(0, 200)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('a case from another street\'s alert: 404 alert_id, and the alert stays open', async () => {
  const { items } = await walk(srv, T.admin, '/api/v1/alerts?state=open', 1000);
  const alert = items.find((a) => a.grid.startsWith(STREET2));
  assert.ok(alert, 'an open alert in the second street');
  const r = await srv.api('POST', '/api/v1/cases', {
    token: T.doctor,
    body: { person_id: (await person()).id, category: 'suspected', diagnosis_time: now() - 60, reporting_unit: '医院', place: 'home', alert_id: alert.id },
  });
  assertNotFound(r, 'alert_id');
  assert.equal(r.body.error.message, `alert ${alert.id} not found`);
  const { items: after } = await walk(srv, T.admin, '/api/v1/alerts?state=open', 1000);
  assert.ok(after.some((a) => a.id === alert.id), 'the alert is still open');
});

test('a document number registered in another street: one 409 that names no one and no place, as in the holder\'s street', async () => {
  const doc = idNumber('420106', '19770707', 717);
  const holder = await person(T.officer2, GRID_STREET2, { doc_number: doc });
  // in the holder's own street, and in another: the same body, word for word
  const own = await srv.api('POST', '/api/v1/persons', { token: T.officer2, body: { household_id: holder.household.id, name: '同号甲', doc_number: doc } });
  const far = await srv.api('POST', '/api/v1/persons', { token: T.officer, body: { household_id: (await person()).household.id, name: '同号乙', doc_number: doc } });
  for (const r of [own, far]) {
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.deepEqual(r.body, own.body);
    assert.equal(r.body.error.field, 'doc_number');
    const text = JSON.stringify(r.body);
    for (const leak of [String(holder.id), GRID_STREET2, STREET2, 'area', 'another street']) assert.ok(!text.includes(leak), `${leak} in ${text}`);
  }
  // a contact with that number: the same words, under person.doc_number
  const source = await caseOf(await person());
  const k = await srv.api('POST', '/api/v1/contacts', {
    token: T.doctor,
    body: contactBody({ source_case_id: source.id, person: { name: '同号丙', grid: GRID, room: '9', doc_number: doc } }),
  });
  assert.equal(k.status, 409, JSON.stringify(k.body));
  assert.equal(k.body.error.field, 'person.doc_number');
  assert.equal(k.body.error.message, own.body.error.message);
  // changing a person's number to it: the same again
  const p = await person();
  const u = await srv.api('PATCH', `/api/v1/persons/${p.id}`, { token: T.officer, body: { doc_number: doc } });
  assert.equal(u.status, 409, JSON.stringify(u.body));
  assert.deepEqual(u.body, own.body);
});
