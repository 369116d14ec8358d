// A user's own sessions (GET/DELETE /api/v1/me/sessions[/{id}]): where
// they are signed in, which one is this, signing out one of them or all the
// others; an administrator ending a user's sessions
// (DELETE /api/v1/users/{username}/sessions); the bound FK_MAX_SESSIONS on
// one user's sessions.  No answer ever holds a token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';

const MAX = 4;
let srv;
before(async () => { srv = await startServer({ env: { FK_MAX_SESSIONS: String(MAX) } }); });
after(async () => { await srv.stop(); });

const sql = (q) => srv.sql(q); // either engine (tests/lib/harness.mjs)
// Signs in as username from a loopback address with a User-Agent; returns the token.
async function signIn(username, agent, localAddress = '127.0.0.1') {
  const r = await srv.raw('POST', '/api/v1/session', {
    headers: { 'Content-Type': 'application/json', 'User-Agent': agent },
    body: JSON.stringify({ username, password: srv.logins[username].password }), localAddress,
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.token;
}
const mine = (token) => srv.api('GET', '/api/v1/me/sessions', { token });
const alive = async (token) => (await srv.api('GET', '/api/v1/me', { token })).status === 200;
// The audit entries of an action, newest first, their detail parsed.
const audit = async (action) => (await srv.api('GET', `/api/v1/audit?action=${action}&limit=100`, { token: await srv.login('admin') }))
  .body.items.map((e) => ({ ...e, detail: JSON.parse(e.detail) }));

const PHONE = 'Mozilla/5.0 (Linux; Android 10; Redmi 8A) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36';
const DESK = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36';

test('the list: each live session with its device, address and times, the current one marked, no token', async () => {
  const t0 = Math.floor(Date.now() / 1000);
  const a = await signIn('volunteer', PHONE, '127.0.3.1');
  const b = await signIn('volunteer', DESK, '127.0.3.2');
  const r = await mine(a);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.items.length, 2);
  const [cur, other] = [r.body.items.find((s) => s.current), r.body.items.find((s) => !s.current)];
  assert.deepEqual(Object.keys(cur).sort(), ['addr', 'agent', 'created_at', 'current', 'expires_at', 'id', 'seen_at']);
  assert.deepEqual([cur.agent, cur.addr, other.agent, other.addr], [PHONE, '127.0.3.1', DESK, '127.0.3.2']);
  assert.match(cur.id, /^[0-9a-f]{16}$/);
  assert.notEqual(cur.id, other.id);
  for (const s of r.body.items) {
    assert.ok(s.created_at >= t0 - 2 && s.seen_at >= s.created_at && s.expires_at > s.created_at, JSON.stringify(s));
  }
  const text = JSON.stringify(r.body);
  assert.ok(!text.includes(a) && !text.includes(b), 'a token is shown');
  // from the other session, the other one is current
  assert.equal((await mine(b)).body.items.find((s) => s.current).id, other.id);
  // another user sees only their own
  const d = await signIn('doctor', PHONE);
  assert.deepEqual((await mine(d)).body.items.map((s) => s.agent), [PHONE]);
});

test('a User-Agent is kept as printable text of at most 200 bytes; none is ""', async () => {
  const t = await signIn('commander', `X${'y'.repeat(300)}`);
  const [s] = (await mine(t)).body.items.filter((x) => x.current);
  assert.equal(s.agent, `X${'y'.repeat(199)}`);
  const r = await srv.api('POST', '/api/v1/session', { body: { username: 'commander', password: srv.logins.commander.password }, headers: { 'User-Agent': '' } });
  assert.equal(r.status, 200);
  assert.equal((await mine(r.body.token)).body.items.find((x) => x.current).agent, '');
});

test('signing out one session by its id: 204, its token ends, the others go on; audited', async () => {
  const a = await signIn('keeper', PHONE);
  const b = await signIn('keeper', DESK);
  const idB = (await mine(a)).body.items.find((s) => !s.current).id;
  const r = await srv.api('DELETE', `/api/v1/me/sessions/${idB}`, { token: a });
  assert.equal(r.status, 204, JSON.stringify(r.body));
  assert.equal(await alive(b), false);
  assert.equal(await alive(a), true);
  assert.deepEqual((await mine(a)).body.items.map((s) => s.current), [true]);
  const [e] = await audit('session.end');
  assert.deepEqual([e.username, e.object, e.detail], ['keeper', 'user:keeper', { session: idB, current: false }]);
  // again: it is gone
  const again = await srv.api('DELETE', `/api/v1/me/sessions/${idB}`, { token: a });
  assert.equal(again.status, 404);
  assert.equal(again.body.error.code, 'not_found');
});

test('another user\'s session, or an id that is not one, is 404 like a missing one, and ends nothing', async () => {
  const mineTok = await signIn('auditor', PHONE);
  const theirs = await signIn('operator', DESK);
  const theirId = (await mine(theirs)).body.items[0].id;
  for (const id of [theirId, '0000000000000000', 'not-a-session', theirId.toUpperCase(), `${theirId}00`]) {
    const r = await srv.api('DELETE', `/api/v1/me/sessions/${id}`, { token: mineTok });
    assert.equal(r.status, 404, `${id}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'not_found');
  }
  assert.equal(await alive(theirs), true);
  assert.equal(await alive(mineTok), true);
});

test('signing out all the others keeps this one: the count, the audit entry', async () => {
  const keep = await signIn('officer', PHONE);
  const others = [await signIn('officer', DESK), await signIn('officer', DESK, '127.0.3.9')];
  const r = await srv.api('DELETE', '/api/v1/me/sessions', { token: keep });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.sessions_ended >= 2, JSON.stringify(r.body));
  for (const t of others) assert.equal(await alive(t), false);
  assert.equal(await alive(keep), true);
  assert.equal((await mine(keep)).body.items.length, 1);
  const [e] = await audit('session.end');
  assert.equal(e.username, 'officer');
  assert.deepEqual(e.detail, { others: true, sessions_ended: r.body.sessions_ended });
  // nothing else to end: 0
  const again = await srv.api('DELETE', '/api/v1/me/sessions', { token: keep });
  assert.equal(again.body.sessions_ended, 0);
});

test('signing out the current session by its id ends it', async () => {
  const t = await signIn('coordinator', PHONE);
  const { id } = (await mine(t)).body.items.find((s) => s.current);
  assert.equal((await srv.api('DELETE', `/api/v1/me/sessions/${id}`, { token: t })).status, 204);
  assert.equal(await alive(t), false);
  assert.deepEqual((await audit('session.end'))[0].detail, { session: id, current: true });
});

test('an administrator ends every session of a user in scope; others may not', async () => {
  const t1 = await signIn('gridworker', PHONE), t2 = await signIn('gridworker', DESK);
  const admin = await srv.login('admin');
  const r = await srv.api('DELETE', '/api/v1/users/gridworker/sessions', { token: admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.username, 'gridworker');
  assert.ok(r.body.sessions_ended >= 2);
  assert.equal(await alive(t1), false);
  assert.equal(await alive(t2), false);
  const [e] = await audit('user.sessions_end');
  assert.deepEqual([e.username, e.object, e.detail.sessions_ended], ['admin', 'user:gridworker', r.body.sessions_ended]);
  const missing = await srv.api('DELETE', '/api/v1/users/no-such-user/sessions', { token: admin });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'not_found');
  const t3 = await signIn('gridworker', PHONE);
  const denied = await srv.api('DELETE', '/api/v1/users/gridworker/sessions', { token: await signIn('doctor', DESK) });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.code, 'forbidden');
  assert.equal(await alive(t3), true);
});

test('disabling an account ends its sessions; enabling it again does not bring them back', async () => {
  const t = await signIn('volunteer', DESK);
  const admin = await srv.login('admin');
  assert.equal((await srv.api('PATCH', '/api/v1/users/volunteer', { token: admin, body: { disabled: true } })).status, 200);
  assert.equal(Number(sql("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'volunteer'")), 0);
  assert.equal((await srv.api('PATCH', '/api/v1/users/volunteer', { token: admin, body: { disabled: false } })).status, 200);
  assert.equal(await alive(t), false);
});

test(`one user holds at most FK_MAX_SESSIONS (${MAX}) sessions: a sign-in beyond ends the least recently used`, async () => {
  const tokens = [];
  for (let i = 0; i < MAX + 2; i++) {
    tokens.push(await signIn('officer2', `agent-${i}`));
    await new Promise((r) => setTimeout(r, 1050)); // times are whole seconds
  }
  const live = await Promise.all(tokens.map(alive));
  assert.deepEqual(live, [false, false, ...Array(MAX).fill(true)]);
  const list = (await mine(tokens.at(-1))).body.items;
  assert.equal(list.length, MAX);
  assert.deepEqual(list.map((s) => s.agent).sort(), Array.from({ length: MAX }, (_, i) => `agent-${i + 2}`));
});
