// Regions: reading the tree, search, grid creation, paging and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../lib/harness.mjs';

const COUNTY = '420106', STREET1 = '420106001', STREET2 = '420106002';
const COMM1 = '420106001001', GRID = '420106001001001';
let srv, T = {};

before(async () => {
  srv = await startServer();
  // A national commander, to see the country and the province.
  const add = cli(['user', 'add', 'nation', '--role', 'commander', '--region', '', '--db', srv.db],
    { input: 'national-password\n' });
  assert.equal(add.status, 0, add.stderr);
  for (const u of ['admin', 'officer', 'officer2', 'gridworker', 'doctor', 'volunteer'])
    T[u] = await srv.login(u);
  const r = await srv.api('POST', '/api/v1/session', { body: { username: 'nation', password: 'national-password' } });
  assert.equal(r.status, 200);
  T.nation = r.body.token;
});
after(async () => { await srv.stop(); });

const get = (who, p) => srv.api('GET', p, { token: T[who] });
const create = (who, parent, name) => srv.api('POST', '/api/v1/regions', { token: T[who], body: { parent, name } });
const sql = (q) => srv.sql(q);

// Follows `next` from the first page; returns every item and the page count.
async function walk(who, p, limit) {
  const items = [];
  let after = null, pages = 0;
  for (;;) {
    const sep = p.includes('?') ? '&' : '?';
    const r = await get(who, `${p}${sep}limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.items.length <= limit);
    items.push(...r.body.items);
    pages++;
    if (r.body.next === null) break;
    assert.equal(r.body.items.length, limit, 'only the last page is short');
    assert.equal(typeof r.body.next, 'string');
    after = r.body.next;
    assert.ok(pages < 1000, 'runaway paging');
  }
  return { items, pages };
}

function assertRegion(o) {
  assert.deepEqual(Object.keys(o).filter((k) => k !== 'path').sort(), ['children', 'code', 'level', 'name', 'parent', 'parent_name']);
  assert.equal(typeof o.name, 'string');
  assert.equal(typeof o.parent_name, o.code === '' ? 'object' : 'string', `${o.code}: parent_name`);
  assert.ok(Number.isInteger(o.children) && o.children >= 0);
  assert.equal(o.level, { 0: 0, 2: 1, 4: 2, 6: 3, 9: 4, 12: 5, 15: 6 }[o.code.length]);
}

// ---- reading ----

test('one region: fields, children count and its path with in_scope', async () => {
  const r = await get('admin', `/api/v1/regions/${COUNTY}`);
  assert.equal(r.status, 200);
  assertRegion(r.body);
  assert.equal(r.body.name, '武昌区');
  assert.equal(r.body.parent, '4201');
  assert.equal(r.body.parent_name, '武汉市');
  assert.equal(r.body.children, 15);
  assert.deepEqual(r.body.path, [
    { code: '42', name: '湖北省', in_scope: false },
    { code: '4201', name: '武汉市', in_scope: false },
  ]);
  const g = await get('admin', `/api/v1/regions/${GRID}`);
  assert.equal(g.status, 200);
  assert.equal(g.body.level, 6);
  assert.equal(g.body.parent, COMM1);
  assert.equal(g.body.name, '第一网格');
  assert.equal(g.body.parent_name, '尚隆苑社区居委会', 'a grid names its community');
  assert.deepEqual(g.body.path.map((a) => [a.code, a.in_scope]),
    [['42', false], ['4201', false], [COUNTY, true], [STREET1, true], [COMM1, true]]);
  const own = await get('gridworker', `/api/v1/regions/${GRID}`);
  assert.deepEqual(own.body.path.map((a) => a.in_scope), [false, false, false, false, false]);
});

test('children: ordered by code, with their own counts', async () => {
  const r = await get('admin', `/api/v1/regions/${COUNTY}/children`);
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 15);
  assert.equal(r.body.next, null);
  const codes = r.body.items.map((x) => x.code);
  assert.deepEqual(codes, [...codes].sort());
  for (const s of r.body.items) {
    assertRegion(s);
    assert.equal(s.parent, COUNTY);
    assert.equal(s.level, 4);
  }
  assert.equal(r.body.items.reduce((n, s) => n + s.children, 0), 144);
  const grids = await get('gridworker', `/api/v1/regions/${GRID}/children`);
  assert.deepEqual(grids.body, { items: [], next: null });
});

test('the country and the province, at national scope', async () => {
  const root = await get('nation', '/api/v1/regions/root');
  assert.equal(root.status, 200);
  assert.equal(root.body.code, '');
  assert.equal(root.body.level, 0);
  assert.equal(root.body.name, '全国');
  assert.equal(root.body.children, 1);
  assert.equal(root.body.parent_name, null);
  assert.deepEqual(root.body.path, []);
  const kids = await get('nation', '/api/v1/regions/root/children');
  assert.deepEqual(kids.body.items.map((x) => [x.code, x.name, x.parent, x.parent_name]), [['42', '湖北省', '', '全国']]);
  // national users see the country head every path
  const p = await get('nation', '/api/v1/regions/42');
  assert.equal(p.status, 200);
  assert.deepEqual(p.body.path, [{ code: '', name: '全国', in_scope: true }]);
  const c = await get('nation', `/api/v1/regions/${COUNTY}`);
  assert.deepEqual(c.body.path.map((a) => [a.code, a.in_scope]), [['', true], ['42', true], ['4201', true]]);
  const me = await get('nation', '/api/v1/me');
  assert.equal(me.body.scope.code, '');
  assert.equal(me.body.user.region_name, '全国');
});

test('malformed codes are 404', async () => {
  for (const c of ['4201060', '42010600100A', 'abc', '%20420106', '4201060010010011', '420106001001001001', 'ROOT', '..']) {
    const r = await get('admin', `/api/v1/regions/${c}`);
    assert.equal(r.status, 404, c);
    assert.equal(r.body.error.code, 'not_found');
  }
});

test('out of scope is answered exactly like missing', async () => {
  const pairs = [
    ['officer', `/api/v1/regions/${STREET2}`, STREET2, `/api/v1/regions/${STREET1}999`, `${STREET1}999`],
    ['officer', `/api/v1/regions/${STREET2}/children`, STREET2, `/api/v1/regions/${STREET1}999/children`, `${STREET1}999`],
    ['officer', `/api/v1/regions?q=x&within=${STREET2}`, STREET2, '/api/v1/regions?q=x&within=420106099', '420106099'],
    ['gridworker', `/api/v1/regions/${COMM1}002`, `${COMM1}002`, `/api/v1/regions/${COMM1}999`, `${COMM1}999`],
    ['admin', '/api/v1/regions/4201', '4201', '/api/v1/regions/4299', '4299'],
  ];
  for (const [who, outPath, outCode, missPath, missCode] of pairs) {
    const out = await get(who, outPath), miss = await get(who, missPath);
    assert.equal(out.status, 404, outPath);
    assert.equal(miss.status, 404, missPath);
    assert.deepEqual(out.body, JSON.parse(JSON.stringify(miss.body).replaceAll(missCode, outCode)), `${who} ${outPath}`);
    assert.equal(out.headers.get('content-type'), miss.headers.get('content-type'));
  }
  const out = await create('officer', '420106002001', '越界网格');
  const miss = await create('officer', `${STREET1}999`.padEnd(12, '9'), '越界网格');
  assert.equal(out.status, 404);
  assert.equal(miss.status, 404);
  assert.equal(out.body.error.code, miss.body.error.code);
  assert.deepEqual(Object.keys(out.body.error), Object.keys(miss.body.error));
});

test('search within a region that does not exist is 404, like one out of scope', async () => {
  const out = await get('officer', `/api/v1/regions?q=x&within=${STREET2}`);
  const miss = await get('officer', `/api/v1/regions?q=x&within=${STREET1}999`);
  assert.equal(out.status, 404);
  assert.equal(miss.status, 404);
});

// ---- search ----

test('search finds names in scope, ordered by code', async () => {
  const all = await get('admin', '/api/v1/regions?q=%E8%A1%97%E9%81%93&limit=1000'); // 街道
  assert.equal(all.status, 200);
  assert.equal(all.body.items.length, 15);
  const codes = all.body.items.map((x) => x.code);
  assert.deepEqual(codes, [...codes].sort());
  for (const x of all.body.items) { assertRegion(x); assert.match(x.name, /街道/); }

  const comm = await get('officer', '/api/v1/regions?q=%E7%A4%BE%E5%8C%BA&limit=1000'); // 社区
  assert.ok(comm.body.items.length > 0);
  assert.ok(comm.body.items.every((x) => x.code.startsWith(STREET1) && x.level === 5));
  const kids = await get('officer', `/api/v1/regions/${STREET1}/children?limit=1000`);
  assert.equal(comm.body.items.length, kids.body.items.filter((x) => x.name.includes('社区')).length);

  const mine = await get('gridworker', '/api/v1/regions?q=%E7%BD%91%E6%A0%BC&limit=1000'); // 网格
  assert.deepEqual(mine.body.items.map((x) => x.code), [GRID]);
  assert.equal(mine.body.items[0].parent_name, '尚隆苑社区居委会');
  const none = await get('gridworker', '/api/v1/regions?q=%E7%A4%BE%E5%8C%BA'); // 社区: above the grid
  assert.deepEqual(none.body, { items: [], next: null });
});

test('grids carry their community\'s name (parent_name): alike names told apart', async () => {
  const comms = (await walk('officer', `/api/v1/regions/${STREET1}/children`, 1000)).items;
  const names = Object.fromEntries(comms.map((c) => [c.code, c.name]));
  assert.equal(names[COMM1], '尚隆苑社区居委会');
  assert.equal(names[`${STREET1}002`], '中山社区居委会');
  for (const c of comms) assert.equal(c.parent_name, '积玉桥街道');
  // children of two communities: the same grid names, each with its own community
  for (const comm of [COMM1, `${STREET1}002`]) {
    const grids = (await walk('officer', `/api/v1/regions/${comm}/children`, 1000)).items;
    assert.ok(grids.length > 0);
    for (const g of grids) { assertRegion(g); assert.equal(g.parent_name, names[comm], g.code); }
  }
  // search over the street: every 第一网格, told apart by parent_name
  const firsts = (await walk('officer', '/api/v1/regions?q=%E7%AC%AC%E4%B8%80%E7%BD%91%E6%A0%BC', 2)).items; // 第一网格
  assert.ok(firsts.length >= 2, 'more than one 第一网格 in the street');
  for (const g of firsts) {
    assert.equal(g.name, '第一网格');
    assert.equal(g.parent_name, names[g.parent], g.code);
  }
  assert.equal(new Set(firsts.map((g) => g.parent_name)).size, firsts.length, 'no two alike');
  // the grid worker's scope, as /me answers it
  const me = await get('gridworker', '/api/v1/me');
  assert.deepEqual([me.body.scope.code, me.body.scope.name, me.body.scope.parent_name], [GRID, '第一网格', '尚隆苑社区居委会']);
  // and a new grid's answer
  const n = await create('officer', `${STREET1}002`, '名字网格');
  assert.equal(n.status, 201);
  assert.equal(n.body.parent_name, '中山社区居委会');
});

test('search: within narrows to a subtree in scope', async () => {
  const r = await get('admin', `/api/v1/regions?q=%E7%BD%91%E6%A0%BC&within=${COMM1}`); // 网格
  assert.equal(r.status, 200);
  assert.ok(r.body.items.length >= 3);
  assert.ok(r.body.items.every((x) => x.parent === COMM1));
  const wide = await get('nation', '/api/v1/regions?q=%E6%AD%A6%E6%98%8C&within=42'); // 武昌
  assert.ok(wide.body.items.some((x) => x.code === COUNTY));
  for (const w of ['root', '4201', 'abc', '42010', '999999']) {
    const x = await get('admin', `/api/v1/regions?q=a&within=${w}`);
    assert.equal(x.status, 404, w);
  }
});

test('search: q is required, at most 64 bytes, and matched literally', async () => {
  for (const q of [null, '', 'x'.repeat(65), '网'.repeat(22)]) {
    const r = await get('admin', `/api/v1/regions${q === null ? '' : `?q=${encodeURIComponent(q)}`}`);
    assert.equal(r.status, 400, `q=${q}`);
    assert.equal(r.body.error.code, 'invalid');
    assert.equal(r.body.error.field, 'q');
  }
  assert.equal((await get('admin', `/api/v1/regions?q=${'x'.repeat(64)}`)).status, 200);
  for (const q of ['%', '_', '%%', '\\', "'", '"']) {
    const r = await get('admin', `/api/v1/regions?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, q);
    assert.deepEqual(r.body.items, [], `q=${q} is a wildcard`);
  }
  const made = await create('admin', '420106001004', '百分_之百%网格');
  assert.equal(made.status, 201);
  for (const q of ['%', '_', '_之百%']) {
    const r = await get('admin', `/api/v1/regions?q=${encodeURIComponent(q)}`);
    assert.deepEqual(r.body.items.map((x) => x.code), [made.body.code], q);
  }
  const ascii = await create('admin', '420106001004', 'Grid North');
  assert.equal(ascii.status, 201);
  const ci = await get('admin', '/api/v1/regions?q=grid%20north');
  assert.deepEqual(ci.body.items.map((x) => x.name), ['Grid North']);
});

// ---- paging ----

test('paging walks every item exactly once, in order', async () => {
  const lists = [
    ['admin', `/api/v1/regions/${COUNTY}/children`, [1, 4, 7, 14, 15, 16]],
    ['admin', `/api/v1/regions?q=%E7%A4%BE%E5%8C%BA&within=${COUNTY}`, [1, 7, 50, 143, 144]],
    ['officer', `/api/v1/regions?q=%E7%BD%91%E6%A0%BC`, [3, 10]],
    ['admin', `/api/v1/regions/${COMM1}/children`, [1, 2]],
  ];
  for (const [who, p, limits] of lists) {
    const full = await get(who, `${p}${p.includes('?') ? '&' : '?'}limit=1000`);
    assert.equal(full.body.next, null);
    const want = full.body.items.map((x) => x.code);
    assert.ok(want.length > 0, p);
    for (const limit of limits) {
      const { items, pages } = await walk(who, p, limit);
      assert.deepEqual(items.map((x) => x.code), want, `${p} limit ${limit}`);
      assert.equal(pages, Math.max(1, Math.ceil(want.length / limit)), `${p} limit ${limit}: pages`);
    }
  }
});

test('the default page is 100 items', async () => {
  const r = await get('admin', `/api/v1/regions?q=%E7%A4%BE%E5%8C%BA`);
  assert.equal(r.body.items.length, 100);
  assert.equal(typeof r.body.next, 'string');
  const rest = await get('admin', `/api/v1/regions?q=%E7%A4%BE%E5%8C%BA&after=${r.body.next}`);
  assert.equal(rest.body.items.length, 44);
  assert.equal(rest.body.next, null);
});

test('limit must be a whole number from 1 to 1000; after must be a cursor', async () => {
  const bases = [`/api/v1/regions/${COUNTY}/children`, '/api/v1/regions?q=a'];
  for (const b of bases) {
    const sep = b.includes('?') ? '&' : '?';
    for (const l of ['0', '-1', '1001', 'abc', '', '1.5', '10x', '99999999999999999999']) {
      const r = await get('admin', `${b}${sep}limit=${l}`);
      assert.equal(r.status, 400, `${b} limit=${l}`);
      assert.equal(r.body.error.code, 'invalid');
      assert.equal(r.body.error.field, 'limit');
    }
    for (const l of ['1', '1000']) assert.equal((await get('admin', `${b}${sep}limit=${l}`)).status, 200);
    for (const a of ['!!!', '%25%25', 'a%20b', 'x'.repeat(2000), 'AA%3D%3D']) {
      const r = await get('admin', `${b}${sep}after=${a}`);
      assert.equal(r.status, 400, `${b} after=${a}`);
      assert.equal(r.body.error.field, 'after');
    }
  }
});

test('a cursor stays inside the scope', async () => {
  // A cursor pointing before the officer's subtree must not reveal anything outside it.
  const before = Buffer.from('420105').toString('base64url');
  const r = await get('officer', `/api/v1/regions?q=%E7%A4%BE%E5%8C%BA&after=${before}&limit=1000`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.every((x) => x.code.startsWith(STREET1)));
  const beyond = Buffer.from('420106002').toString('base64url');
  const r2 = await get('officer', `/api/v1/regions?q=%E7%A4%BE%E5%8C%BA&after=${beyond}`);
  assert.deepEqual(r2.body.items, []);
});

// ---- creating grids ----

test('creating a grid: the next code under the community, 201, audited', async () => {
  const before = await get('officer', `/api/v1/regions/${COMM1}/children?limit=1000`);
  const last = before.body.items.map((x) => x.code).sort().at(-1);
  const r = await create('officer', COMM1, '新建网格');
  assert.equal(r.status, 201);
  assertRegion(r.body);
  const want = COMM1 + String(Number(last.slice(12)) + 1).padStart(3, '0');
  assert.equal(r.body.code, want);
  assert.equal(r.body.name, '新建网格');
  assert.equal(r.body.parent, COMM1);
  assert.equal(r.body.children, 0);
  assert.equal(r.body.path.at(-1).code, COMM1);
  const again = await create('officer', COMM1, '又一网格');
  assert.equal(again.body.code, COMM1 + String(Number(last.slice(12)) + 2).padStart(3, '0'));
  const read = await get('doctor', `/api/v1/regions/${r.body.code}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.name, '新建网格');
  const parent = await get('doctor', `/api/v1/regions/${COMM1}`);
  assert.equal(parent.body.children, before.body.items.length + 2);
  const a = await get('admin', `/api/v1/audit?action=region.create&username=officer`);
  const e = a.body.items.find((x) => x.object === `region:${r.body.code}`);
  assert.ok(e, 'audited');
  assert.equal(e.region, r.body.code);
  assert.deepEqual(JSON.parse(e.detail), { name: '新建网格' });
  // the grid worker of another grid does not see it
  assert.equal((await get('gridworker', `/api/v1/regions/${r.body.code}`)).status, 404);
});

test('a name is unique within its community only (409 conflict)', async () => {
  const a = await create('admin', '420106001002', '重名网格');
  assert.equal(a.status, 201);
  const b = await create('admin', '420106001002', '重名网格');
  assert.equal(b.status, 409);
  assert.equal(b.body.error.code, 'conflict');
  assert.equal(b.body.error.field, 'name');
  const c = await create('admin', '420106001004', '重名网格');
  assert.equal(c.status, 201);
  // the demo's own names collide too
  const d = await create('admin', COMM1, '第一网格');
  assert.equal(d.status, 409);
});

test('concurrent creations get distinct codes; one name wins once', async () => {
  const names = Array.from({ length: 10 }, (_, i) => `并发网格${i}`);
  const rs = await Promise.all(names.map((n) => create('admin', '420106001005', n)));
  assert.deepEqual(rs.map((r) => r.status), Array(10).fill(201));
  assert.equal(new Set(rs.map((r) => r.body.code)).size, 10);
  const same = await Promise.all(Array.from({ length: 6 }, () => create('admin', '420106001007', '同名并发网格')));
  const statuses = same.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409]);
});

test('grids are created under a community only', async () => {
  const cases = [
    [STREET1, 400, 'parent'], // 9 digits
    [COUNTY, 400, 'parent'],
    [GRID, 400, 'parent'], // a grid is not a community
    ['', 400, 'parent'],
    ['4201060010011', 400, 'parent'],
    [`${STREET1}999`, 404], // no such community
    ['abcdefghijkl', 404],
  ];
  for (const [parent, status, field] of cases) {
    const r = await create('admin', parent, '某网格');
    assert.equal(r.status, status, `parent ${parent}: ${JSON.stringify(r.body)}`);
    if (field) assert.equal(r.body.error.field, field, parent);
  }
  const none = await srv.api('POST', '/api/v1/regions', { token: T.admin, body: { name: 'x' } });
  assert.equal(none.status, 400);
  assert.equal(none.body.error.field, 'parent');
});

test('grid names: 1 to 50 characters', async () => {
  for (const name of ['', 'x'.repeat(51), '网'.repeat(51)]) {
    const r = await create('admin', '420106001008', name);
    assert.equal(r.status, 400, `${name.length} characters`);
    assert.equal(r.body.error.field, 'name');
  }
  const noName = await srv.api('POST', '/api/v1/regions', { token: T.admin, body: { parent: '420106001008' } });
  assert.equal(noName.body.error.field, 'name');
  assert.equal((await create('admin', '420106001008', 'x'.repeat(50))).status, 201);
  assert.equal((await create('admin', '420106001008', 'y')).status, 201);
  assert.equal((await create('admin', '420106001008', '网'.repeat(33))).status, 201);
});

test('a Chinese grid name of 34 to 50 characters is accepted', async () => {
  const r = await create('admin', '420106001011', '网'.repeat(50));
  assert.equal(r.status, 201, JSON.stringify(r.body));
});

test('a community with 999 grids takes no more (409 on parent)', async () => {
  const comm = '420106001012';
  sql(`INSERT INTO regions (code, parent, level, name, created_at) VALUES ('${comm}999', '${comm}', 6, '最后网格', 0)`);
  const r = await create('admin', comm, '第一千个网格');
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'conflict');
  assert.equal(r.body.error.field, 'parent');
});
