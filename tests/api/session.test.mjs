// Signing in and out, the session token and cookie, CSRF, /me and /roles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/harness.mjs';

const TTL = 3600, IDLE = 600;
let srv;
// Failed sign-ins below must not trip the throttle for the whole address.
before(async () => { srv = await startServer({ env: { FK_SESSION_TTL: String(TTL), FK_SESSION_IDLE: String(IDLE), FK_LOGIN_MAX_FAILURES: '100', FK_LOGIN_MAX_USER_ADDR_FAILURES: '100', FK_LOGIN_MAX_ADDR_FAILURES: '100' } }); });
after(async () => { await srv.stop(); });

const signIn = (username, password, opts = {}) =>
  srv.api('POST', '/api/v1/session', { body: { username, password }, ...opts });
const pw = (u) => srv.logins[u].password;
const sql = (q) => srv.sql(q);
const nowSql = () => String(Math.floor(Date.now() / 1000));

// The fk_session value from a Set-Cookie header.
function cookieOf(r) {
  const m = /fk_session=([^;]*)/.exec(r.headers.get('set-cookie') ?? '');
  return m ? m[1] : undefined;
}

test('signing in answers a token, its expiry, the user and an HttpOnly SameSite=Strict cookie', async () => {
  const t0 = Math.floor(Date.now() / 1000);
  const r = await signIn('officer', pw('officer'));
  assert.equal(r.status, 200);
  assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(Math.abs(r.body.expires_at - (t0 + TTL)) <= 5, `expires_at ${r.body.expires_at}`);
  assert.deepEqual(Object.keys(r.body.user).sort(), ['id', 'region', 'region_name', 'role', 'username']);
  assert.equal(r.body.user.username, 'officer');
  assert.equal(r.body.user.role, 'officer');
  assert.equal(r.body.user.region, '420106001');
  assert.equal(r.body.user.region_name, '积玉桥街道');
  assert.equal(typeof r.body.user.id, 'number');
  const sc = r.headers.get('set-cookie');
  assert.equal(cookieOf(r), r.body.token);
  assert.match(sc, /;\s*HttpOnly/i);
  assert.match(sc, /;\s*SameSite=Strict/i);
  assert.match(sc, /;\s*Path=\//);
  assert.match(sc, new RegExp(`;\\s*Max-Age=${TTL}`));
  assert.doesNotMatch(sc, /Secure/, 'no Secure without FK_COOKIE_SECURE=1');
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('each sign-in makes a new, independent session', async () => {
  const a = await signIn('keeper', pw('keeper'));
  const b = await signIn('keeper', pw('keeper'));
  assert.notEqual(a.body.token, b.body.token);
  assert.equal((await srv.api('DELETE', '/api/v1/session', { token: a.body.token })).status, 204);
  assert.equal((await srv.api('GET', '/api/v1/me', { token: a.body.token })).status, 401);
  assert.equal((await srv.api('GET', '/api/v1/me', { token: b.body.token })).status, 200);
});

test('wrong password, unknown user: the same 401 bad_credentials', async () => {
  const wrong = await signIn('officer', 'not-the-password');
  const unknown = await signIn('nobody-here', 'not-the-password');
  const empty = await signIn('officer', pw('officer') + 'x');
  for (const r of [wrong, unknown, empty]) {
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'bad_credentials');
    assert.equal(r.headers.get('set-cookie'), null);
  }
  assert.deepEqual(wrong.body, unknown.body);
  // the password is case-sensitive
  const upper = await signIn('officer', pw('officer').toUpperCase());
  assert.equal(upper.status, 401);
});

test('sign-in bodies are validated field by field', async () => {
  const cases = [
    [{ username: 'officer' }, 400, 'invalid', 'password'],
    [{ password: 'x' }, 400, 'invalid', 'username'],
    [{ username: 1, password: 'x' }, 400, 'invalid', 'username'],
    [{ username: 'officer', password: true }, 400, 'invalid', 'password'],
    [{ username: '', password: 'x' }, 400, 'invalid', 'username'],
    [{ username: 'officer', password: pw('officer'), remember: true }, 400, 'invalid', 'remember'],
    [{ username: 'u'.repeat(65), password: 'x' }, 400, 'invalid', 'username'],
    [{ username: 'officer', password: 'p'.repeat(129) }, 400, 'invalid', 'password'],
  ];
  for (const [body, status, code, field] of cases) {
    const r = await srv.api('POST', '/api/v1/session', { body });
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.body.error.code, code, JSON.stringify(body));
    assert.equal(r.body.error.field, field, JSON.stringify(body));
  }
  const arr = await srv.api('POST', '/api/v1/session', { body: ['officer'] });
  assert.equal(arr.status, 400);
  assert.equal(arr.body.error.code, 'invalid');
  const none = await srv.api('POST', '/api/v1/session', { raw: '', headers: { 'Content-Type': 'application/json' } });
  assert.equal(none.status, 400);
  assert.equal(none.body.error.code, 'invalid_json');
  const form = await srv.api('POST', '/api/v1/session', {
    raw: `username=officer&password=${pw('officer')}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(form.status, 415);
  assert.equal(form.body.error.code, 'unsupported_media_type');
});

test('signing out: 204, the cookie is cleared, the token no longer works', async () => {
  const r = await signIn('commander', pw('commander'));
  const token = r.body.token;
  const before = await srv.api('GET', '/api/v1/me', { token });
  assert.equal(before.status, 200);
  // the protocol settings the forms need (edition 7 by default)
  assert.deepEqual(before.body.protocol, { edition: 7, observation_days: 14, clinical_category: false });
  const out = await srv.api('DELETE', '/api/v1/session', { token });
  assert.equal(out.status, 204);
  assert.equal(out.body, null);
  assert.match(out.headers.get('set-cookie'), /fk_session=;.*Max-Age=0/);
  const me = await srv.api('GET', '/api/v1/me', { token });
  assert.equal(me.status, 401);
  assert.equal(me.body.error.code, 'unauthenticated');
  assert.equal((await srv.api('DELETE', '/api/v1/session', { token })).status, 401);
});

test('malformed and forged tokens are 401', async () => {
  const good = await srv.login('auditor');
  const forged = (good[0] === 'A' ? 'B' : 'A') + good.slice(1);
  const headers = [
    {}, // none
    { Authorization: 'Bearer ' },
    { Authorization: 'Bearer x' },
    { Authorization: `Bearer ${forged}` },
    { Authorization: `Bearer ${good}x` },
    { Authorization: `Basic ${Buffer.from(`auditor:${pw('auditor')}`).toString('base64')}` },
    { Authorization: good },
    { Cookie: `fk_session=${forged}` },
  ];
  for (const h of headers) {
    const r = await srv.api('GET', '/api/v1/me', { headers: h });
    assert.equal(r.status, 401, JSON.stringify(h));
    assert.equal(r.body.error.code, 'unauthenticated');
    assert.equal(r.body.error.message.length > 0, true);
  }
  // the scheme name is case-insensitive
  assert.equal((await srv.api('GET', '/api/v1/me', { headers: { Authorization: `bearer ${good}` } })).status, 200);
});

test('a bearer token wins over a cookie', async () => {
  const good = await srv.login('auditor');
  const r = await srv.api('GET', '/api/v1/me', { headers: { Authorization: 'Bearer nonsense', Cookie: `fk_session=${good}` } });
  assert.equal(r.status, 401);
  const r2 = await srv.api('GET', '/api/v1/me', { headers: { Authorization: `Bearer ${good}`, Cookie: 'fk_session=nonsense' } });
  assert.equal(r2.status, 200);
});

test('the cookie signs in; cookie-signed changes need X-Requested-With (CSRF)', async () => {
  const r = await signIn('officer', pw('officer'));
  const cookie = `fk_session=${cookieOf(r)}`;
  const me = await srv.api('GET', '/api/v1/me', { headers: { Cookie: cookie } });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'officer');

  const body = { parent: '420106001002', name: 'CSRF测试网格' };
  const forged = await srv.api('POST', '/api/v1/regions', { headers: { Cookie: cookie }, body });
  assert.equal(forged.status, 403);
  assert.equal(forged.body.error.code, 'csrf');
  // nothing was created
  const kids = await srv.api('GET', '/api/v1/regions/420106001002/children', { headers: { Cookie: cookie } });
  assert.ok(!kids.body.items.some((g) => g.name === body.name));

  const ok = await srv.api('POST', '/api/v1/regions', {
    headers: { Cookie: cookie, 'X-Requested-With': 'fangkong' }, body,
  });
  assert.equal(ok.status, 201);
  assert.equal(ok.body.name, body.name);

  // signing out by cookie is a change too
  const out1 = await srv.api('DELETE', '/api/v1/session', { headers: { Cookie: cookie } });
  assert.equal(out1.status, 403);
  assert.equal(out1.body.error.code, 'csrf');
  assert.equal((await srv.api('GET', '/api/v1/me', { headers: { Cookie: cookie } })).status, 200);
  const out2 = await srv.api('DELETE', '/api/v1/session', { headers: { Cookie: cookie, 'X-Requested-With': 'x' } });
  assert.equal(out2.status, 204);
  assert.equal((await srv.api('GET', '/api/v1/me', { headers: { Cookie: cookie } })).status, 401);
});

test('a bearer-signed change needs no X-Requested-With', async () => {
  const token = await srv.login('admin');
  const r = await srv.api('POST', '/api/v1/regions', { token, body: { parent: '420106001002', name: 'Bearer网格' } });
  assert.equal(r.status, 201);
});

test('an expired session is refused', async () => {
  const r = await signIn('operator', pw('operator'));
  assert.equal((await srv.api('GET', '/api/v1/me', { token: r.body.token })).status, 200);
  sql(`UPDATE sessions SET expires_at = ${nowSql()} - 1`
    + " WHERE user_id = (SELECT id FROM users WHERE username = 'operator')");
  const me = await srv.api('GET', '/api/v1/me', { token: r.body.token });
  assert.equal(me.status, 401);
  assert.equal(me.body.error.code, 'unauthenticated');
});

test('a session unused for FK_SESSION_IDLE seconds ends; using it keeps it alive', async () => {
  // sessions are stored by the BLAKE2b-256 of their token
  const hex = (token) => execFileSync('b2sum', ['-l', '256'], { input: token }).toString().slice(0, 64);
  const row = (token) => (srv.engine === 'postgres' ? `token_hash = decode('${hex(token)}', 'hex')` : `token_hash = x'${hex(token)}'`);
  const seen = (token) => Number(sql(`SELECT seen_at FROM sessions WHERE ${row(token)}`));
  const now = () => Math.floor(Date.now() / 1000);
  const a = (await signIn('coordinator', pw('coordinator'))).body.token;
  const b = (await signIn('coordinator', pw('coordinator'))).body.token;
  assert.ok(Math.abs(seen(a) - now()) <= 5, 'a new session was just used');
  const age = (token, s) => sql(`UPDATE sessions SET seen_at = ${nowSql()} - ${s} WHERE ${row(token)}`);
  age(a, IDLE + 1);
  const idle = await srv.api('GET', '/api/v1/me', { token: a });
  assert.equal(idle.status, 401);
  assert.equal(idle.body.error.code, 'unauthenticated');
  // b, used within the idle time, works and its last use moves to now
  age(b, IDLE - 100);
  assert.equal((await srv.api('GET', '/api/v1/me', { token: b })).status, 200);
  let t = 0;
  for (let i = 0; i < 30 && now() - t > 5; i++) {
    await new Promise((res) => setTimeout(res, 100));
    t = seen(b);
  }
  assert.ok(now() - t <= 5, `seen_at ${t} was not refreshed`);
  age(b, IDLE - 100);
  assert.equal((await srv.api('GET', '/api/v1/me', { token: b })).status, 200, 'still alive');
});

// The permissions of the foundation routes, per role.  Roles may hold more
// (later modules add theirs); of these six, each holds exactly these.
const BASE = ['session', 'region.read', 'region.write', 'user.read', 'user.write', 'audit.read'];
const PERMS = {
  admin: ['session', 'region.read', 'region.write', 'user.read', 'user.write', 'audit.read'],
  commander: ['session', 'region.read', 'user.read'],
  officer: ['session', 'region.read', 'region.write', 'user.read'],
  auditor: ['session', 'region.read', 'audit.read'],
  gridworker: ['session', 'region.read'],
  doctor: ['session', 'region.read'],
  operator: ['session', 'region.read'],
  coordinator: ['session', 'region.read'],
  keeper: ['session', 'region.read'],
  volunteer: ['session', 'region.read'],
};
const base = (perms) => perms.filter((p) => BASE.includes(p));

test('/me: the user, their permissions and their scope', async () => {
  const roles = (await srv.api('GET', '/api/v1/roles', { token: await srv.login('admin') })).body.items;
  for (const u of ['admin', 'officer', 'gridworker', 'doctor']) {
    const r = await srv.api('GET', '/api/v1/me', { token: await srv.login(u) });
    assert.equal(r.status, 200);
    assert.equal(r.body.user.username, u);
    assert.equal(r.body.user.role, srv.logins[u].role);
    assert.equal(r.body.user.region, srv.logins[u].region);
    assert.equal(r.body.user.region_name, r.body.scope.name);
    assert.deepEqual(base(r.body.permissions), PERMS[srv.logins[u].role]);
    assert.deepEqual(r.body.permissions, roles.find((x) => x.role === srv.logins[u].role).permissions);
    assert.equal(r.body.scope.code, srv.logins[u].region);
    assert.equal(r.body.scope.level, { 6: 3, 9: 4, 12: 5, 15: 6 }[srv.logins[u].region.length]);
    assert.ok(Array.isArray(r.body.scope.path));
    for (const a of r.body.scope.path) assert.equal(a.in_scope, false, `${u}: ${a.code} above the home region`);
  }
});

test('/roles: every role with its permissions', async () => {
  const r = await srv.api('GET', '/api/v1/roles', { token: await srv.login('volunteer') });
  assert.equal(r.status, 200);
  assert.equal(r.body.next, null);
  const got = Object.fromEntries(r.body.items.map((x) => [x.role, base(x.permissions)]));
  for (const role of Object.keys(PERMS)) assert.deepEqual(got[role], PERMS[role], role);
  for (const x of r.body.items) {
    assert.equal(new Set(x.permissions).size, x.permissions.length);
    for (const p of x.permissions) assert.match(p, /^[a-z]+(\.[a-z]+)?$/);
  }
});

// Audit entries about sign-ins, read by the county admin.
async function auditOf(params) {
  const r = await srv.api('GET', `/api/v1/audit?${new URLSearchParams(params)}`, { token: await srv.login('admin') });
  assert.equal(r.status, 200);
  return r.body.items;
}

test('sign-ins, failed sign-ins and sign-outs are audited', async () => {
  await signIn('coordinator', 'wrong-password');
  const ok = await signIn('coordinator', pw('coordinator'));
  await srv.api('DELETE', '/api/v1/session', { token: ok.body.token });

  const failed = await auditOf({ action: 'login.failed', username: 'coordinator' });
  assert.ok(failed.length >= 1);
  assert.equal(failed[0].object, 'user:coordinator');
  assert.equal(failed[0].region, '420106001');
  assert.equal(failed[0].addr, '127.0.0.1');
  assert.equal(failed[0].user_id, null);
  assert.deepEqual(JSON.parse(failed[0].detail), { reason: 'bad credentials' });
  assert.ok(!failed[0].detail.includes('wrong-password'), 'no password in the log');

  const logins = await auditOf({ action: 'login', username: 'coordinator' });
  assert.ok(logins.length >= 1);
  assert.equal(logins[0].object, 'user:coordinator');
  assert.equal(typeof logins[0].user_id, 'number');
  assert.ok(logins[0].id > failed[0].id);

  const outs = await auditOf({ action: 'logout', username: 'coordinator' });
  assert.equal(outs.length, 1);
  assert.ok(outs[0].id > logins[0].id);

  // Tokens never reach the log.
  const all = await auditOf({ limit: 1000 });
  for (const e of all) assert.ok(!e.detail.includes(ok.body.token));
});

test('a failed sign-in for an unknown username is not visible at county scope', async () => {
  await signIn('ghost-user', 'whatever-password');
  const items = await auditOf({ username: 'ghost-user' });
  assert.deepEqual(items, []);
  assert.equal(sql("SELECT count(*) FROM audit WHERE username = 'ghost-user' AND action = 'login.failed' AND region = ''"), '1');
});

test('every answer carries its own X-Request-Id', async () => {
  const ids = new Set();
  for (let i = 0; i < 5; i++) {
    const r = await srv.api('GET', '/api/v1/health');
    ids.add(r.headers.get('x-request-id'));
  }
  assert.equal(ids.size, 5);
});

test('an unknown username costs a password check too (no user enumeration by timing)', async () => {
  const time = async (username) => {
    const t = process.hrtime.bigint();
    const r = await signIn(username, 'wrong-password-1');
    assert.equal(r.status, 401);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const known = [], unknown = [];
  for (let i = 0; i < 5; i++) {
    known.push(await time('volunteer'));
    unknown.push(await time(`nobody-${i}`));
  }
  const median = (a) => a.sort((x, y) => x - y)[2];
  assert.ok(median(unknown) > median(known) / 2, `known ${known} ms, unknown ${unknown} ms`);
});

test('a session of a user disabled behind the server\'s back no longer works', async () => {
  const r = await signIn('doctor', pw('doctor'));
  assert.equal((await srv.api('GET', '/api/v1/me', { token: r.body.token })).status, 200);
  // the sessions are left in place: the lookup itself must refuse them
  sql("UPDATE users SET disabled = 1 WHERE username = 'doctor'");
  assert.equal((await srv.api('GET', '/api/v1/me', { token: r.body.token })).status, 401);
  sql("UPDATE users SET disabled = 0 WHERE username = 'doctor'");
});

test('changing my own password: needs the current one, ends my other sessions, keeps this one', async () => {
  const old = pw('doctor');
  const here = (await signIn('doctor', old)).body.token;
  const other = (await signIn('doctor', old)).body.token;
  const neighbour = (await signIn('officer', pw('officer'))).body.token;
  const change = (token, body) => srv.api('POST', '/api/v1/me/password', { token, body });
  const short = await change(here, { current_password: old, new_password: 'short' });
  assert.equal(short.status, 400);
  assert.equal(short.body.error.field, 'new_password');
  const missing = await change(here, { new_password: 'doctor-own-password' });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.field, 'current_password');
  const wrong = await change(here, { current_password: old + 'x', new_password: 'doctor-own-password' });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.field, 'current_password');
  assert.equal((await srv.api('GET', '/api/v1/me', { token: other })).status, 200, 'a wrong try ends nothing');
  const ok = await change(here, { current_password: old, new_password: 'doctor-own-password' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body, { username: 'doctor', changed: true });
  assert.equal((await srv.api('GET', '/api/v1/me', { token: here })).status, 200);
  assert.equal((await srv.api('GET', '/api/v1/me', { token: other })).status, 401);
  assert.equal((await srv.api('GET', '/api/v1/me', { token: neighbour })).status, 200, 'other users keep theirs');
  assert.equal((await signIn('doctor', old)).status, 401);
  assert.equal((await signIn('doctor', 'doctor-own-password')).status, 200);
  assert.equal(sql("SELECT count(*) FROM audit WHERE action = 'password.change' AND object = 'user:doctor'"), '1');
  // back, for the tests after
  assert.equal((await change(here, { current_password: 'doctor-own-password', new_password: old })).status, 200);
  // without a session: 401
  assert.equal((await srv.api('POST', '/api/v1/me/password', { body: { current_password: old, new_password: 'xxxxxxxxxx' } })).status, 401);
});

test('wrong current passwords count as failed sign-ins and lock like them', async () => {
  const s = await startServer({ env: { FK_LOGIN_MAX_FAILURES: '3', FK_LOGIN_MAX_USER_ADDR_FAILURES: '3' } });
  try {
    const token = await s.login('keeper');
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const r = await s.api('POST', '/api/v1/me/password', { token,
        body: { current_password: `guess-${i}-wrong`, new_password: 'keeper-new-password' } });
      codes.push(r.status);
    }
    assert.deepEqual(codes, [400, 400, 400, 429]);
    // the right one is refused too while locked
    const right = await s.api('POST', '/api/v1/me/password', { token,
      body: { current_password: s.logins.keeper.password, new_password: 'keeper-new-password' } });
    assert.equal(right.status, 429);
  } finally { await s.stop(); }
});
