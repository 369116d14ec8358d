// Users: listing in scope, creating, changing passwords, disabling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../lib/harness.mjs';

const DEMO = ['admin', 'auditor', 'commander', 'coordinator', 'doctor', 'gridworker', 'keeper', 'officer',
  'officer2', 'operator', 'volunteer'];
let srv, admin;

before(async () => {
  srv = await startServer({ env: { FK_LOGIN_MAX_FAILURES: '1000', FK_LOGIN_MAX_USER_ADDR_FAILURES: '1000', FK_LOGIN_MAX_ADDR_FAILURES: '1000' } });
  admin = await srv.login('admin');
  // A user above the admin's county, made with the CLI.
  const add = cli(['user', 'add', 'cityuser', '--role', 'commander', '--region', '4201', '--db', srv.db],
    { input: 'city-password\n' });
  assert.equal(add.status, 0, add.stderr);
});
after(async () => { await srv.stop(); });

const signIn = (username, password) => srv.api('POST', '/api/v1/session', { body: { username, password } });
const addUser = (body, token = admin) => srv.api('POST', '/api/v1/users', { token, body });
const patch = (u, body, token = admin) => srv.api('PATCH', `/api/v1/users/${u}`, { token, body });
const list = async (who, q = '') => {
  const r = await srv.api('GET', `/api/v1/users?limit=1000${q}`, { token: await srv.login(who) });
  assert.equal(r.status, 200);
  return r.body;
};

test('the list: users in scope, ordered by username, without secrets', async () => {
  const all = await list('commander');
  const names = all.items.map((u) => u.username);
  assert.deepEqual(names, [...names].sort());
  for (const u of DEMO) assert.ok(names.includes(u), u);
  assert.ok(!names.includes('cityuser'), 'a user above the county is out of scope');
  const off = all.items.find((u) => u.username === 'officer');
  assert.deepEqual(Object.keys(off).sort(),
    ['created_at', 'disabled', 'display_name', 'id', 'must_change', 'region', 'region_name', 'role', 'username']);
  assert.equal(off.must_change, false);
  assert.equal(off.disabled, false);
  assert.equal(off.region, '420106001');
  assert.equal(off.region_name, '积玉桥街道');
  assert.equal(off.display_name, '街道干部');
  assert.equal(off.role, 'officer');
  assert.ok(Number.isInteger(off.created_at));
  assert.doesNotMatch(JSON.stringify(all), /argon2|password|hash/i);
});

test('an officer lists only the users of their street', async () => {
  const under = (code) => srv.sql(
    `SELECT username FROM users WHERE substr(region, 1, ${code.length}) = '${code}' ORDER BY username`).split('\n');
  const one = (await list('officer')).items.map((u) => u.username);
  assert.deepEqual(one, under('420106001'));
  for (const u of ['coordinator', 'doctor', 'gridworker', 'officer', 'volunteer']) assert.ok(one.includes(u), u);
  const two = (await list('officer2')).items.map((u) => u.username);
  assert.deepEqual(two, under('420106002'));
  assert.ok(two.includes('officer2') && !two.includes('officer'));
});

test('paging the users walks each exactly once', async () => {
  const want = (await list('admin')).items.map((u) => u.username);
  for (const limit of [1, 2, 3, want.length - 1, want.length]) {
    const got = [];
    let after = '';
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 100);
      const r = await srv.api('GET', `/api/v1/users?limit=${limit}${after}`, { token: admin });
      assert.equal(r.status, 200);
      got.push(...r.body.items.map((u) => u.username));
      if (!r.body.next) break;
      after = `&after=${r.body.next}`;
    }
    assert.deepEqual(got, want, `limit ${limit}`);
  }
  for (const q of ['limit=0', 'limit=1001', 'limit=x']) {
    const r = await srv.api('GET', `/api/v1/users?${q}`, { token: admin });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, 'limit');
  }
  const bad = await srv.api('GET', '/api/v1/users?after=%3D%3D%3D', { token: admin });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'after');
});

test('creating a user: 201, listed, can sign in, audited', async () => {
  const r = await addUser({ username: 'new.worker_1', password: 'grid-password', role: 'gridworker',
    region: '420106001001002', display_name: '新网格员' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual({ ...r.body, id: 0 }, { id: 0, username: 'new.worker_1', role: 'gridworker', region: '420106001001002' });
  assert.ok(Number.isInteger(r.body.id));
  const listed = (await list('admin')).items.find((u) => u.username === 'new.worker_1');
  assert.equal(listed.display_name, '新网格员');
  assert.equal(listed.id, r.body.id);
  const s = await signIn('new.worker_1', 'grid-password');
  assert.equal(s.status, 200);
  const me = await srv.api('GET', '/api/v1/me', { token: s.body.token });
  assert.equal(me.body.scope.code, '420106001001002');
  const sib = await srv.api('GET', '/api/v1/regions/420106001001001', { token: s.body.token });
  assert.equal(sib.status, 404, 'the new grid worker sees only their grid');
  const a = await srv.api('GET', '/api/v1/audit?action=user.create&username=admin', { token: admin });
  const e = a.body.items.find((x) => x.object === 'user:new.worker_1');
  assert.ok(e);
  assert.equal(e.region, '420106001001002');
  assert.deepEqual(JSON.parse(e.detail), { region: '420106001001002', role: 'gridworker' });
  assert.ok(!e.detail.includes('grid-password'));
});

test('creating a user: every field validated', async () => {
  const ok = { username: 'valid-name', password: 'long-enough', role: 'doctor', region: '420106001001' };
  const cases = [
    [{ ...ok, username: 'a' }, 400, 'username'],
    [{ ...ok, username: 'x'.repeat(65) }, 400, 'username'],
    [{ ...ok, username: 'has space' }, 400, 'username'],
    [{ ...ok, username: '张三丰' }, 400, 'username'],
    [{ ...ok, username: 'semi;colon' }, 400, 'username'],
    [{ ...ok, password: 'short' }, 400, 'password'],
    [{ ...ok, password: 'p'.repeat(129) }, 400, 'password'],
    [{ ...ok, role: 'king' }, 400, 'role'],
    [{ ...ok, role: 'Admin' }, 400, 'role'],
    [{ ...ok, role: '' }, 400, 'role'],
    [{ ...ok, region: '4201060010010011' }, 400, 'region'],
    [{ ...ok, display_name: 'd'.repeat(65) }, 400, 'display_name'],
    [{ username: 'x1', password: 'long-enough', role: 'doctor' }, 400, 'region'],
    [{ ...ok, region: '420106001999' }, 404],
    [{ ...ok, region: 'nowhere' }, 404],
    [{ ...ok, username: 'officer' }, 409, 'username'],
    [{ ...ok, username: 'cityuser' }, 409, 'username'],
  ];
  for (const [body, status, field] of cases) {
    const r = await addUser(body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    if (field) assert.equal(r.body.error.field, field, JSON.stringify(body));
    if (status === 409) assert.equal(r.body.error.code, 'conflict');
  }
  assert.ok(!(await list('admin')).items.some((u) => u.username === 'valid-name'));
});

test('the same username created concurrently: one 201, the rest 409', async () => {
  const body = { username: 'raced', password: 'raced-password', role: 'keeper', region: '420106' };
  const rs = await Promise.all(Array.from({ length: 4 }, () => addUser(body)));
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409, 409]);
  assert.equal((await list('admin')).items.filter((u) => u.username === 'raced').length, 1);
});

test('an admin creates users only inside their own scope', async () => {
  const base = { password: 'long-enough', role: 'admin' };
  for (const region of ['', '42', '4201', '420107']) {
    const r = await addUser({ ...base, username: `up-${region || 'root'}`, region });
    assert.equal(r.status, 404, `region "${region}"`);
    assert.equal(r.body.error.code, 'not_found');
  }
  const r = await addUser({ ...base, username: 'county-admin-2', region: '420106' });
  assert.equal(r.status, 201);
});

test('user fields are limited in characters, not bytes', async () => {
  const r = await addUser({ username: 'cjk-name', password: 'long-enough', role: 'doctor', region: '420106001001',
    display_name: '社区卫生服务中心家庭医生签约团队第一组组长' }); // 21 characters, 63 bytes: fine
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const long = await addUser({ username: 'cjk-name-2', password: 'long-enough', role: 'doctor', region: '420106001001',
    display_name: '武汉市武昌区积玉桥街道尚隆苑社区居委会第一网格志愿服务队' }); // 28 characters
  assert.equal(long.status, 201, JSON.stringify(long.body));
  const pw = await addUser({ username: 'cjk-pass', password: '我的密码是一段很长的中文句子'.repeat(4), role: 'doctor',
    region: '420106001001' }); // 56 characters
  assert.equal(pw.status, 201, JSON.stringify(pw.body));
});

test('a new password ends the user\'s sessions; the old one stops working', async () => {
  const old = srv.logins.keeper.password;
  const s1 = (await signIn('keeper', old)).body.token;
  const s2 = (await signIn('keeper', old)).body.token;
  const r = await patch('keeper', { password: 'brand-new-password' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { username: 'keeper', updated: true });
  for (const t of [s1, s2]) assert.equal((await srv.api('GET', '/api/v1/me', { token: t })).status, 401);
  assert.equal((await signIn('keeper', old)).status, 401);
  assert.equal((await signIn('keeper', 'brand-new-password')).status, 200);
  const a = await srv.api('GET', '/api/v1/audit?action=user.passwd', { token: admin });
  assert.equal(a.body.items[0].object, 'user:keeper');
  assert.equal(a.body.items[0].username, 'admin');
  assert.equal(a.body.items[0].region, '420106');
});

test('disabling ends the sessions and refuses sign-in; enabling lets the user back', async () => {
  const pw = srv.logins.volunteer.password;
  const t = (await signIn('volunteer', pw)).body.token;
  const d = await patch('volunteer', { disabled: true });
  assert.equal(d.status, 200);
  assert.equal((await srv.api('GET', '/api/v1/me', { token: t })).status, 401);
  const refused = await signIn('volunteer', pw);
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, 'bad_credentials');
  const wrong = await signIn('volunteer', 'wrong-password');
  assert.deepEqual(refused.body, wrong.body, 'a disabled account looks like a wrong password');
  assert.equal((await list('admin')).items.find((u) => u.username === 'volunteer').disabled, true);
  const e = await patch('volunteer', { disabled: false });
  assert.equal(e.status, 200);
  assert.equal((await signIn('volunteer', pw)).status, 200);
  assert.equal((await list('admin')).items.find((u) => u.username === 'volunteer').disabled, false);
  const a = await srv.api('GET', '/api/v1/audit?username=admin', { token: admin });
  const actions = a.body.items.filter((x) => x.object === 'user:volunteer').map((x) => x.action);
  assert.deepEqual(actions.slice(0, 2), ['user.enable', 'user.disable']);
});

test('password and disabled together: both apply', async () => {
  const r = await patch('operator', { password: 'operator-new-pass', disabled: true });
  assert.equal(r.status, 200);
  assert.equal((await signIn('operator', 'operator-new-pass')).status, 401);
  await patch('operator', { disabled: false });
  assert.equal((await signIn('operator', 'operator-new-pass')).status, 200);
});

test('PATCH bodies are validated', async () => {
  const cases = [
    [{}, 400],
    [{ password: 'short' }, 400, 'password'],
    [{ password: 'p'.repeat(129) }, 400, 'password'],
    [{ disabled: 'true' }, 400, 'disabled'],
    [{ disabled: 1 }, 400, 'disabled'],
    [{ role: 'admin' }, 400, 'role'],
    [{ region: '420106' }, 400, 'region'],
  ];
  for (const [body, status, field] of cases) {
    const r = await patch('doctor', body);
    assert.equal(r.status, status, JSON.stringify(body));
    if (field) assert.equal(r.body.error.field, field);
  }
  // still the doctor it was
  const d = (await list('admin')).items.find((u) => u.username === 'doctor');
  assert.equal(d.role, 'doctor');
  assert.equal(d.disabled, false);
});

test('a PATCH whose fields are all null changes nothing and is refused', async () => {
  const r = await patch('doctor', { disabled: null });
  assert.equal(r.status, 400, JSON.stringify(r.body));
});

test('out of scope users are answered exactly like missing ones', async () => {
  const out = await patch('cityuser', { disabled: true });
  const miss = await patch('no-such-user', { disabled: true });
  assert.equal(out.status, 404);
  assert.equal(miss.status, 404);
  assert.deepEqual(out.body, JSON.parse(JSON.stringify(miss.body).replaceAll('no-such-user', 'cityuser')));
  // nothing happened to cityuser
  assert.equal((await signIn('cityuser', 'city-password')).status, 200);
});

test('a reset with must_change_password: the user may only change it, then everything works again', async () => {
  const r = await patch('coordinator', { password: 'reset-by-admin-1', must_change_password: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await list('admin')).items.find((u) => u.username === 'coordinator').must_change, true);
  const s = await signIn('coordinator', 'reset-by-admin-1');
  assert.equal(s.status, 200);
  assert.equal(s.body.must_change_password, true);
  const token = s.body.token;
  const me = await srv.api('GET', '/api/v1/me', { token });
  assert.equal(me.status, 200);
  assert.equal(me.body.must_change_password, true);
  for (const [m, p] of [['GET', '/api/v1/users'], ['GET', '/api/v1/alerts'], ['GET', '/api/v1/roles'],
    ['GET', '/api/v1/coverage?region=420106001']]) {
    const x = await srv.api(m, p, { token });
    assert.equal(x.status, 403, p);
    assert.equal(x.body.error.code, 'password_change_required', p);
  }
  // the same password again is refused; a wrong current one too
  const same = await srv.api('POST', '/api/v1/me/password', { token,
    body: { current_password: 'reset-by-admin-1', new_password: 'reset-by-admin-1' } });
  assert.equal(same.status, 400);
  assert.equal(same.body.error.field, 'new_password');
  const wrong = await srv.api('POST', '/api/v1/me/password', { token,
    body: { current_password: 'not-the-current', new_password: 'my-own-password-1' } });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.field, 'current_password');
  const ok = await srv.api('POST', '/api/v1/me/password', { token,
    body: { current_password: 'reset-by-admin-1', new_password: 'my-own-password-1' } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await srv.api('GET', '/api/v1/me', { token })).body.must_change_password, false);
  assert.equal((await srv.api('GET', '/api/v1/roles', { token })).status, 200, 'the same session goes on');
  assert.equal((await signIn('coordinator', 'reset-by-admin-1')).status, 401);
  assert.equal((await signIn('coordinator', 'my-own-password-1')).body.must_change_password, false);
  assert.equal((await list('admin')).items.find((u) => u.username === 'coordinator').must_change, false);
  const a = await srv.api('GET', '/api/v1/audit?username=coordinator&limit=20', { token: admin });
  const acts = a.body.items.map((x) => x.action);
  assert.ok(acts.includes('password.change') && acts.includes('login.failed'), acts.join());
  const p = (await srv.api('GET', '/api/v1/audit?action=user.passwd', { token: admin })).body.items[0];
  assert.equal(p.object, 'user:coordinator');
  assert.deepEqual(JSON.parse(p.detail), { must_change: true });
});

test('must_change_password only with a new password; a reset out of scope is 404', async () => {
  const r = await patch('doctor', { must_change_password: true, disabled: false });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'must_change_password');
  const out = await patch('cityuser', { password: 'reset-by-admin-2', must_change_password: true });
  assert.equal(out.status, 404);
  assert.equal((await signIn('cityuser', 'city-password')).body.must_change_password, false);
});

test('bulk creation: bad rows answered with their line, the rest created in one go with one-time passwords', async () => {
  const csv = [
    'username,display_name,role,region',
    'bulk-gw1,网格员一,gridworker,420106001001001',
    'bulk-gw2,"Grid, two",gridworker,420106001001002',
    'bulk-bad-grid,无此网格,gridworker,420106001001999',
    'bulk-bad-role,坏角色,emperor,420106001001001',
    'bulk-gw1,重复,gridworker,420106001001001',
    'bulk-out,区外,gridworker,420102',
    '',
    'bulk-doc,医生,doctor,420106001',
  ].join('\r\n');
  const r = await srv.api('POST', '/api/v1/users/bulk', { token: admin, body: { csv } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.created.map((u) => [u.line, u.username, u.role, u.region]), [
    [2, 'bulk-gw1', 'gridworker', '420106001001001'], [3, 'bulk-gw2', 'gridworker', '420106001001002'],
    [9, 'bulk-doc', 'doctor', '420106001']]);
  assert.equal(r.body.created[1].display_name, 'Grid, two');
  assert.equal(r.body.created[0].region_name, '第一网格');
  assert.deepEqual(r.body.rejected.map((x) => [x.line, x.username, x.field]), [
    [4, 'bulk-bad-grid', 'region'], [5, 'bulk-bad-role', 'role'], [6, 'bulk-gw1', 'username'],
    [7, 'bulk-out', 'region']]);
  for (const x of r.body.rejected) assert.ok(x.message.length > 0);
  const pws = r.body.created.map((u) => u.password);
  for (const p of pws) assert.match(p, /^[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}$/);
  assert.equal(new Set(pws).size, pws.length);
  // each signs in with it once, must change it, and is then free
  const s = await signIn('bulk-gw1', pws[0]);
  assert.equal(s.status, 200);
  assert.equal(s.body.must_change_password, true);
  assert.equal((await srv.api('GET', '/api/v1/screenings/worklist?grid=420106001001001', { token: s.body.token })).status, 403);
  const c = await srv.api('POST', '/api/v1/me/password', { token: s.body.token,
    body: { current_password: pws[0], new_password: 'gw1-own-password' } });
  assert.equal(c.status, 200);
  assert.equal((await srv.api('GET', '/api/v1/screenings/worklist?grid=420106001001001', { token: s.body.token })).status, 200);
  // the passwords are not stored in plain, nor listed
  const all = await list('admin');
  assert.doesNotMatch(JSON.stringify(all), new RegExp(pws[1]));
  assert.ok(!all.items.some((u) => u.username.startsWith('bulk-bad') || u.username === 'bulk-out'));
  assert.equal(all.items.filter((u) => u.username === 'bulk-gw1').length, 1);
  const a = await srv.api('GET', '/api/v1/audit?action=user.create&limit=10', { token: admin });
  for (const u of ['bulk-gw1', 'bulk-gw2', 'bulk-doc']) assert.ok(a.body.items.some((x) => x.object === `user:${u}`), u);
});

test('bulk creation: Chinese headers in any order, a broken file and an empty one', async () => {
  const csv = '\uFEFF角色,用户名,网格,姓名\ndoctor,bulk-zh,420106001001001,中文表头\n';
  const r = await srv.api('POST', '/api/v1/users/bulk', { token: admin, body: { csv } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.created.map((u) => [u.line, u.username, u.display_name, u.role]), [[2, 'bulk-zh', '中文表头', 'doctor']]);
  const broken = await srv.api('POST', '/api/v1/users/bulk', { token: admin, body: { csv: 'a,b,c,d\n"x,y,doctor,1\n' } });
  assert.equal(broken.status, 400);
  assert.equal(broken.body.error.field, 'csv');
  const empty = await srv.api('POST', '/api/v1/users/bulk', { token: admin, body: { csv: 'username,role\n' } });
  assert.equal(empty.status, 400);
  const doctor = await srv.login('doctor');
  assert.equal((await srv.api('POST', '/api/v1/users/bulk', { token: doctor, body: { csv } })).status, 403);
});
