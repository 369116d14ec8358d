// What the route table does not say about scope, shared by the generated
// matrix (matrix.test.mjs) and the scope test (scope.test.mjs) — not a
// test file itself.  A new GET route must either take a region (?region=,
// or the parameter named in REGION_PARAM) or be listed in NO_REGION and,
// when its answer places nothing in a region, UNPLACED; a new route with a
// path parameter that writes needs a body in BODIES.
import assert from 'node:assert/strict';
import { COUNTY, STREET1, STREET2, COMM1, GRID, GRID_STREET2, walk } from './registry-helpers.mjs';

export const COMM2 = '420106002001';

// The query parameter a GET route takes its region from ("region" unless
// named here), and the routes that take none: their scope is the caller's
// home region.  A GET route without path parameters missing from both is
// probed with ?region= and must answer 404 for a region outside scope.
export const REGION_PARAM = {
  '/api/v1/regions': 'within',
  '/api/v1/screenings/worklist': 'grid',
  '/api/v1/coverage/gaps': 'grid',
};
export const NO_REGION = new Set(['/api/v1/health', '/api/v1/openapi.json', '/api/v1/me', '/api/v1/roles', '/api/v1/vocab', '/api/v1/users', '/api/v1/audit', '/api/v1/audit/head',
  '/api/v1/persons/import/template', // (the import template is the same empty form for everyone)
  '/api/v1/me/sessions', // (one's own sessions)
  '/api/v1/public/regions', // hotline: the public form's region names, the same for everyone
  '/api/v1/me/service', '/api/v1/me/certificate', '/api/v1/announcements/inbox', // (the caller's own)
  '/api/v1/public/announcements']); // (a community's public notices: anyone's)
export const EXTRA_QUERY = { '/api/v1/regions': 'q=%E7%A4%BE%E5%8C%BA', // q=社区 (required)
  '/api/v1/public/announcements': `community=${COMM1}` };

// Routes whose answer places nothing in a region.
export const UNPLACED = new Set(['/api/v1/health', '/api/v1/openapi.json', '/api/v1/roles', '/api/v1/vocab', '/api/v1/audit/head',
  '/api/v1/persons/import/template',
  '/api/v1/me/sessions',
  '/api/v1/public/regions', // hotline: public names of the region tree
  // one's certificate (a PDF); one's announcements, sent from one's region or any above it
  '/api/v1/me/certificate', '/api/v1/announcements/inbox', '/api/v1/public/announcements']);
// Routes whose rows may also lie on the caller's own chain of regions above
// their home (the warehouses one may ask for supplies from: one's street's,
// the district's), never beside it.
export const ANCESTORS = new Set(['/api/v1/warehouses/serving']);
// Path records that lie in no region but belong to the caller alone (an
// import's progress, named by its sender): import.test.mjs checks that
// another user's is 404.
export const OWN = new Set(['GET /api/v1/imports/{id}',
  'DELETE /api/v1/me/sessions/{id}']); // my-sessions.test.mjs: another user's is 404

// A body each writing route with a path parameter accepts when the record
// is the caller's, so that only scope can explain a 404.  A new such route
// fails the matrix until it has one here.
export const BODIES = {
  'PATCH /api/v1/users/{username}': { disabled: false },
  'PATCH /api/v1/households/{id}': { unit: '核对单元' },
  'PATCH /api/v1/persons/{id}': { origin: '核对' },
  'POST /api/v1/persons/{id}/reveal': { reason: '核对范围' },
  'POST /api/v1/alerts/{id}/close': { outcome: 'other' },
  'POST /api/v1/cases/{id}/transitions': { to: 'confirmed', reason: '核对范围' },
  'POST /api/v1/observations/{id}/followups': { slot: 'am', temperature: 36.5 },
  'POST /api/v1/observations/{id}/release': {},
  'POST /api/v1/observations/{id}/convert': { reporting_unit: '社区卫生服务中心', place: 'home' },
  'DELETE /api/v1/me/sessions/{id}': {},
  'DELETE /api/v1/users/{username}/sessions': {},
  // hotline
  'POST /api/v1/tickets/{id}/moves': { move: 'note', note: '核对范围' },
  'POST /api/v1/tickets/{id}/reveal': { reason: '核对范围' },
  'PATCH /api/v1/volunteers/{id}': { skills: '核对范围' },
  'POST /api/v1/volunteers/{id}/approve': { approve: false, reason: '核对范围' },
  'POST /api/v1/shifts/{id}/people': { volunteer_id: 1 },
  'POST /api/v1/shifts/{id}/certify': {},
  'POST /api/v1/shift-people/{id}/checkin': {},
  'POST /api/v1/shift-people/{id}/checkout': {},
  'POST /api/v1/shift-people/{id}/corrections': { minutes: 60, reason: '核对范围' },
  'POST /api/v1/corrections/{id}/decide': { accept: false, answer: '核对范围' },
  'POST /api/v1/tasks/{id}/state': { state: 'in_progress' },
  'POST /api/v1/findings/{id}/rectify': { text: '核对范围' },
  'POST /api/v1/findings/{id}/verify': { fixed: false, note: '核对范围' },
  'POST /api/v1/findings/{id}/chase': {},
  'POST /api/v1/findings/{id}/photo': {},
  'POST /api/v1/announcements/{id}/read': {},
  'POST /api/v1/announcements/{id}/ack': {},
  'POST /api/v1/pledges/{id}/assignment': { assignment: '核对范围' },
  'POST /api/v1/bulletins/{id}/approve': {},
};

// The demo's users, plus a street-level admin (so that user.write meets
// users outside its scope), a doctor of the second street (who owns
// records there that the first street's doctor must not reach) and a
// supervisor of the second street (supervise meets the first street's findings).
export const EXTRA = [
  { username: 'admin1', password: 'street-admin-password', role: 'admin', region: STREET1 },
  { username: 'doctor2', password: 'street-doctor-password', role: 'doctor', region: STREET2 },
  // supervision is held by district roles only in the demo: a street's supervisor meets another street's findings
  { username: 'supervisor2', password: 'street-supervisor-password', role: 'supervisor', region: STREET2 },
  // a street's commander: meets the district's and the other street's bulletins
  { username: 'commander2', password: 'street-commander-password', role: 'commander', region: STREET2 },
];

// Signs in every demo user and the EXTRA ones (created by the admin);
// returns {T (tokens), HOME (home regions), ROLE_OF, PERMS (by role)}.
export async function signIn(srv) {
  const T = {}, HOME = {}, ROLE_OF = {};
  const names = Object.keys(srv.logins);
  for (let i = 0; i < names.length; i += 3) {
    await Promise.all(names.slice(i, i + 3).map(async (u) => {
      T[u] = await srv.login(u);
      HOME[u] = srv.logins[u].region;
      ROLE_OF[u] = srv.logins[u].role;
    }));
  }
  for (const x of EXTRA) {
    const r = await srv.api('POST', '/api/v1/users', { token: T.admin, body: x });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const s = await srv.api('POST', '/api/v1/session', { body: { username: x.username, password: x.password } });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    T[x.username] = s.body.token;
    HOME[x.username] = x.region;
    ROLE_OF[x.username] = x.role;
  }
  const roles = await srv.api('GET', '/api/v1/roles', { token: T.admin });
  const PERMS = Object.fromEntries(roles.body.items.map((r) => [r.role, r.permissions]));
  return { T, HOME, ROLE_OF, PERMS };
}

// Where a record lies: the codes of the region or grid it belongs to.
function places(item) {
  if (Array.isArray(item.communities)) return item.communities;
  const c = item.region ?? item.grid ?? item.code;
  return typeof c === 'string' ? [c] : [];
}

// Scope helpers over one server and its users' home regions.
export function scopeKit(srv, T, HOME) {
  const inScope = (user, code) => typeof code === 'string' && code.startsWith(HOME[user]);

  // The records a path parameter can name: the items of the collection the
  // path extends (/cases/{id} → /cases), as the county admin lists them;
  // region codes by walking the tree from the county.
  const candidates = {};
  async function records(route) {
    const collection = route.path.slice(0, route.path.indexOf('/{'));
    if (candidates[collection]) return candidates[collection];
    let items;
    if (collection === '/api/v1/regions') {
      items = [{ code: COUNTY }];
      for (const parent of [COUNTY, STREET1, STREET2, COMM1, COMM2]) {
        const r = await srv.api('GET', `/api/v1/regions/${parent}/children?limit=1000`, { token: T.admin });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        items.push(...r.body.items);
      }
    } else {
      ({ items } = await walk(srv, T.admin, collection, 1000));
    }
    const param = route.params[0];
    const key = param === 'code' ? 'code' : param === 'username' ? 'username' : 'id';
    candidates[collection] = items
      .map((it) => ({ value: String(it[key]), places: places(it) }))
      .filter((c) => c.places.length > 0 && c.value !== 'undefined');
    assert.ok(candidates[collection].length > 0, `no records to name in ${collection}`);
    return candidates[collection];
  }

  // Regions outside u's scope that exist: the parent of the home region and,
  // below the county, the other street's region (a grid when a grid is asked).
  function outside(u, param) {
    const home = HOME[u];
    const up = home.length === 15 ? home.slice(0, 12) : home.length === 12 ? home.slice(0, 9)
      : home.length === 9 ? home.slice(0, 6) : home.slice(0, Math.max(0, home.length - 2));
    const other = home.startsWith(STREET1) ? [STREET2, COMM2, GRID_STREET2] : home.startsWith(STREET2) ? [STREET1, COMM1, GRID] : [];
    const codes = param === 'grid' ? other.filter((c) => c.length === 15) : [up, ...other];
    if (param === 'grid' && home.length < 15 && other.length === 0) return []; // a county user: every grid of the demo is theirs
    return codes.filter((c) => c !== '' && !inScope(u, c));
  }

  return { inScope, records, outside };
}

// supplies, donations, special funds and the public ledger: the ledger is
// public and places nothing in a region.
for (const p of ['/api/v1/ledger/checkpoint', '/api/v1/ledger/key', '/api/v1/ledger/entries',
  '/api/v1/ledger/proof/inclusion', '/api/v1/ledger/proof/consistency']) {
  NO_REGION.add(p);
  UNPLACED.add(p);
}
Object.assign(EXTRA_QUERY, { '/api/v1/ledger/proof/inclusion': 'index=0', '/api/v1/ledger/proof/consistency': 'first=0' });
// the catalogue is the same for everyone
NO_REGION.add('/api/v1/items');
UNPLACED.add('/api/v1/items');
Object.assign(BODIES, {
  'POST /api/v1/donations/allocations/{id}/deliver': { delivered_on: '2020-02-01', signed_by: '核对范围' },
  'POST /api/v1/donations/allocations/{id}/reverse': { reason: '核对范围' },
  'POST /api/v1/funds/entries/{id}/reverse': { reason: '核对范围' },
});
// a street's finance officer, so that fund.write meets another street's records
EXTRA.push({ username: 'finance1', password: 'street-finance-password', role: 'finance', region: STREET1 });
BODIES['POST /api/v1/requests/{id}/transitions'] = { to: 'cancelled' };
