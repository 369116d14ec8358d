// Sign-in throttling: after FK_LOGIN_MAX_FAILURES failures for one account,
// FK_LOGIN_MAX_USER_ADDR_FAILURES for one account from one address, or
// FK_LOGIN_MAX_ADDR_FAILURES from one address over all accounts, within
// FK_LOGIN_WINDOW seconds, sign-ins there are 429 for FK_LOGIN_DELAY
// seconds, doubled by each further failure.
// Every loopback address 127.x.y.z reaches the server, so each test signs in
// from addresses of its own and does not disturb the others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';

const MAX = 3, PAIR_MAX = 2, ADDR_MAX = 4, WINDOW = 600, DELAY = 30;
let srv;
before(async () => {
  srv = await startServer({
    // (and behind TLS, to see the cookie's Secure flag)
    env: {
      FK_LOGIN_MAX_FAILURES: String(MAX), FK_LOGIN_MAX_USER_ADDR_FAILURES: String(PAIR_MAX),
      FK_LOGIN_MAX_ADDR_FAILURES: String(ADDR_MAX), FK_LOGIN_WINDOW: String(WINDOW), FK_LOGIN_DELAY: String(DELAY), FK_THREADS: '4', FK_COOKIE_SECURE: '1',
    },
  });
});
after(async () => { await srv.stop(); });

const pw = (u) => srv.logins[u].password;
const signIn = (username, password, from) => srv.raw('POST', '/api/v1/session', {
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ username, password }),
  localAddress: from,
});
const sql = (q) => srv.sql(q);

function assertThrottled(r) {
  assert.equal(r.status, 429);
  assert.equal(r.body.error.code, 'throttled');
  const ra = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= WINDOW, `Retry-After ${r.headers['retry-after']}`);
  assert.match(r.body.error.message, new RegExp(`${ra} seconds`));
  assert.equal(r.headers['set-cookie'], undefined);
  return ra;
}

test('the server sees the loopback address a request comes from', async () => {
  const r = await signIn('admin', pw('admin'), '127.0.0.200');
  assert.equal(r.status, 200);
  assert.match(r.headers['set-cookie'][0], /;\s*Secure/, 'FK_COOKIE_SECURE=1 marks the cookie Secure');
  const a = await srv.api('GET', '/api/v1/audit?action=login&username=admin', { token: r.body.token });
  assert.equal(a.body.items[0].addr, '127.0.0.200');
});

test('failures for one username throttle that username from any address, even with the right password', async () => {
  for (let i = 0; i < MAX; i++) {
    const r = await signIn('volunteer', `wrong-${i}-password`, `127.0.1.${i + 10}`);
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  const r = await signIn('volunteer', pw('volunteer'), '127.0.1.2');
  const ra = assertThrottled(r);
  assert.ok(ra > DELAY - 5 && ra <= DELAY, `Retry-After ${ra}: the first lock lasts FK_LOGIN_DELAY`);
  // another user from that second address is not affected
  assert.equal((await signIn('doctor', pw('doctor'), '127.0.1.2')).status, 200);
  // throttled attempts are not counted as failures (they would extend the lock)
  assert.equal(sql("SELECT count(*) FROM login_failures WHERE username = 'volunteer'"), String(MAX));
});

test('failures from one address throttle every sign-in from it, and only from it', async () => {
  for (let i = 0; i < MAX; i++) {
    const r = await signIn(`nobody-${i}`, 'wrong-password', '127.0.2.1');
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  // the address has its own, higher limit
  assert.equal((await signIn('keeper', pw('keeper'), '127.0.2.1')).status, 200);
  for (let i = MAX; i < ADDR_MAX; i++)
    assert.equal((await signIn(`nobody-${i}`, 'wrong-password', '127.0.2.1')).status, 401);
  assertThrottled(await signIn('keeper', pw('keeper'), '127.0.2.1'));
  assertThrottled(await signIn('nobody-9', 'wrong-password', '127.0.2.1'));
  assert.equal((await signIn('keeper', pw('keeper'), '127.0.2.2')).status, 200);
  const lock = sql("SELECT detail FROM audit WHERE action = 'login.locked' AND object = 'addr:127.0.2.1'");
  assert.deepEqual(JSON.parse(lock).scope, 'address');
});

test('fewer failures than the limit do not throttle; a success clears the username\'s failures', async () => {
  for (let i = 0; i < MAX - 1; i++)
    assert.equal((await signIn('commander', 'wrong-password', `127.0.3.${i + 1}`)).status, 401);
  assert.equal((await signIn('commander', pw('commander'), '127.0.3.10')).status, 200);
  for (let i = 0; i < MAX - 1; i++)
    assert.equal((await signIn('commander', 'wrong-password', `127.0.3.${i + 20}`)).status, 401);
  // 2 × (MAX - 1) failures in the window, but the success in between reset the count
  assert.equal((await signIn('commander', pw('commander'), '127.0.3.30')).status, 200);
});

test('throttled attempts are audited as failed sign-ins', async () => {
  const rows = sql("SELECT detail FROM audit WHERE action = 'login.failed' AND username = 'volunteer' ORDER BY id")
    .split('\n').map((d) => JSON.parse(d).reason);
  assert.deepEqual(rows.slice(0, MAX), Array(MAX).fill('bad credentials'));
  assert.equal(rows[MAX], 'throttled');
});

test('a throttled attempt on a known user is audited in that user\'s region, where the county sees it', async () => {
  const token = (await signIn('admin', pw('admin'), '127.0.4.1')).body.token;
  const r = await srv.api('GET', '/api/v1/audit?action=login.failed&username=volunteer', { token });
  assert.equal(r.status, 200);
  const reasons = r.body.items.map((e) => JSON.parse(e.detail).reason);
  assert.equal(reasons.filter((x) => x === 'bad credentials').length, MAX);
  assert.ok(reasons.includes('throttled'), `the county admin sees: ${reasons}`);
  assert.ok(r.body.items.every((e) => e.region === '420106001001'));
});

test('the lock lifts when its delay has passed; each further failure doubles it', async () => {
  assertThrottled(await signIn('volunteer', pw('volunteer'), '127.0.1.3'));
  // Rather than wait, move the failures back in time.
  const age = (s) => sql(`UPDATE login_failures SET at = at - ${s} WHERE username = 'volunteer'`);
  sql(`UPDATE login_failures SET at = ${Math.floor(Date.now() / 1000)} - ${DELAY - 5} WHERE username = 'volunteer'`);
  const ra = assertThrottled(await signIn('volunteer', pw('volunteer'), '127.0.1.3'));
  assert.ok(ra <= 5, `Retry-After ${ra} should count down to the end of the delay`);
  age(6);
  // the lock has lapsed: one more guess is checked (and fails)...
  assert.equal((await signIn('volunteer', 'yet-another-wrong-one', '127.0.1.3')).status, 401);
  // ...and locks the account for twice as long
  const ra2 = assertThrottled(await signIn('volunteer', pw('volunteer'), '127.0.1.4'));
  assert.ok(ra2 > 2 * DELAY - 5 && ra2 <= 2 * DELAY, `Retry-After ${ra2}: twice FK_LOGIN_DELAY`);
  age(2 * DELAY + 1);
  assert.equal((await signIn('volunteer', pw('volunteer'), '127.0.1.3')).status, 200);
});

test('carrier NAT: one account locked from an address does not lock the other accounts there', async () => {
  const nat = '127.0.6.1';
  const statuses = [];
  for (let i = 0; i < 12; i++) statuses.push((await signIn('gridworker', `wrong-${i}-password`, nat)).status);
  assert.deepEqual(statuses, [...Array(PAIR_MAX).fill(401), ...Array(12 - PAIR_MAX).fill(429)]);
  // the street's other phones still sign in
  for (const u of ['officer', 'commander', 'keeper'])
    assert.equal((await signIn(u, pw(u), nat)).status, 200, u);
  // the locked account is 429 with Retry-After there, even with its password
  assertThrottled(await signIn('gridworker', pw('gridworker'), nat));
  const locks = sql("SELECT detail FROM audit WHERE action = 'login.locked' AND object = 'user:gridworker'").split('\n');
  assert.equal(locks.length, 1, 'one lock, audited once');
  assert.deepEqual({ ...JSON.parse(locks[0]), retry_after: undefined },
    { scope: 'account+address', failures: PAIR_MAX, retry_after: undefined });
});

test('an administrator\'s password reset lifts an account\'s lock, audited', async () => {
  for (let i = 0; i < MAX; i++)
    assert.equal((await signIn('operator', `wrong-${i}-password`, `127.0.7.${i + 1}`)).status, 401);
  assertThrottled(await signIn('operator', pw('operator'), '127.0.7.10'));
  const admin = (await signIn('admin', pw('admin'), '127.0.7.20')).body.token;
  const fresh = 'a-fresh-password-for-operator';
  const p = await srv.api('PATCH', '/api/v1/users/operator', { token: admin, body: { password: fresh } });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal((await signIn('operator', fresh, '127.0.7.10')).status, 200);
  const a = await srv.api('GET', '/api/v1/audit?username=admin', { token: admin });
  const unlock = a.body.items.find((e) => e.action === 'login.unlocked');
  assert.ok(unlock, a.body.items.map((e) => e.action).join(' '));
  assert.equal(unlock.object, 'user:operator');
  assert.equal(JSON.parse(unlock.detail).failures, MAX);
  const lock = sql("SELECT detail FROM audit WHERE action = 'login.locked' AND object = 'user:operator'");
  assert.equal(JSON.parse(lock).scope, 'account');
});

test('concurrent wrong passwords cannot get past the limit', async () => {
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    signIn('auditor', `wrong-password-${i}`, '127.0.5.1')));
  const statuses = rs.map((r) => r.status);
  assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join(' '));
  const guesses = statuses.filter((s) => s === 401).length;
  assert.ok(guesses <= MAX, `${guesses} password guesses were checked with a limit of ${MAX}: ${statuses.join(' ')}`);
});
