// PostgreSQL as the database, whatever FK_TEST_ENGINE says: the server
// started on a PostgreSQL database the harness's own cluster holds
// (tests/lib/pg.mjs): health names the engine; a server that refuses, a
// wrong password, an unknown database, a missing or wrong key stop the start
// with a message naming the cause (exit 1) and never the password; a writer
// batch that cannot get its locks is run again, then answered 503 with
// nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, cli, ROOT } from '../lib/harness.mjs';
import { pgCluster, pgName, PW_USER, PW } from '../lib/pg.mjs';

const HAVE_PG = existsSync(path.join(process.env.FK_PG_BIN || '/usr/lib/postgresql/15/bin', 'initdb'));
let pg, srv, tmp;

before(async () => {
  if (!HAVE_PG) return;
  pg = pgCluster();
  tmp = mkdtempSync(path.join(tmpdir(), 'fk-pgtest-'));
  // signed in with a password; statements wait at most 300 ms for a lock
  srv = await startServer({
    engine: 'postgres',
    pgUrl: (name) => `postgresql://${PW_USER}:${PW}@/${name}?host=${encodeURIComponent(pg.dir)}`
      + '&options=-c%20lock_timeout%3D300',
    env: { FK_QUIET: '0' },
  });
});
after(async () => {
  await srv?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const serve = (db, extra = [], env = {}) => cli(['serve', '--db', db, '--listen', '127.0.0.1:0', ...extra], { env });

test('health names the engine and says the database answers', { skip: !HAVE_PG && 'postgresql-15 is not installed' }, async () => {
  const r = await srv.api('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.engine, 'postgresql');
  assert.equal(r.body.database, 'ok');
  assert.equal(r.body.status, 'ok');
  // the password of the URL is in no line the server wrote
  assert.match(srv.log, /database postgresql:\/\/fk_pw:\*\*\*@/);
  assert.ok(!srv.log.includes(PW), 'the password is not logged');
});

test('a server that refuses, a wrong password, an unknown database: exit 1, the cause named, no password', { skip: !HAVE_PG && 'postgresql-15 is not installed' }, () => {
  const key = pg.key;
  const nowhere = serve(`postgresql://${PW_USER}:${PW}@/x?host=${path.join(tmp, 'no-such-dir')}`, ['--key', key]);
  assert.equal(nowhere.status, 1);
  assert.match(nowhere.stderr, /cannot connect to postgresql:\/\/fk_pw:\*\*\*@\/x.*No such file or directory/);
  const wrong = serve(`postgresql://${PW_USER}:not-it@/${pgName(srv.db)}?host=${encodeURIComponent(pg.dir)}`, ['--key', key]);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /password authentication failed for user "fk_pw"/);
  const unknown = serve(`host=${pg.dir} user=${PW_USER} password=${PW} dbname=no_such_db`, ['--key', key]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /database "no_such_db" does not exist/);
  assert.match(unknown.stderr, /password=\*\*\* /);
  for (const r of [nowhere, wrong, unknown]) assert.ok(!r.stderr.includes(PW), r.stderr);
});

test('a server needs --key (or FK_KEY); a key that is not the database\'s is refused at start', { skip: !HAVE_PG && 'postgresql-15 is not installed' }, () => {
  const db = pg.url(pgName(srv.db));
  const none = serve(db, [], { FK_KEY: '' });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /needs the key file.*--key PATH or FK_KEY/);
  const other = path.join(tmp, 'other.key');
  writeFileSync(other, Buffer.alloc(32, 7), { mode: 0o600 });
  const wrong = serve(db, ['--key', other]);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /other\.key is not the key of .*sealed with another key/);
  const badName = serve(db, ['--key', path.join(tmp, 'key.bin')]);
  assert.equal(badName.status, 1);
  assert.match(badName.stderr, /must end in \.key/);
  // and on SQLite: a key file swapped beside the database is refused too
  const file = path.join(tmp, 'k.db');
  assert.equal(cli(['init', '--db', file]).status, 0);
  writeFileSync(`${file}.key`, Buffer.alloc(32, 9));
  const swapped = cli(['user', 'list', '--db', file]);
  assert.equal(swapped.status, 1);
  assert.match(swapped.stderr, /k\.db\.key is not the key of/);
});

// Holds an exclusive lock on the audit table (every audited write appends
// to it) for ms, from another session.
function holdAudit(ms) {
  const child = spawn('psql', ['-X', '-q', '-h', pg.dir, '-U', 'postgres', '-d', pgName(srv.db), '-c',
    `BEGIN; LOCK TABLE audit IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(${ms / 1000}); COMMIT;`], { stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', resolve));
}

// Waits until that lock is granted.
async function lockHeld() {
  const q = "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
    + " WHERE c.relname = 'audit' AND l.mode = 'AccessExclusiveLock' AND l.granted";
  for (let i = 0; i < 100; i++) {
    if (pg.psql(pgName(srv.db), q) === '1') return;
    await sleep(20);
  }
  throw new Error('the lock was not taken');
}

test('a batch that cannot get its locks runs again, then answers 503 with nothing written', { skip: !HAVE_PG && 'postgresql-15 is not installed' }, async () => {
  const token = await srv.login('officer');
  const grid = (name) => srv.api('POST', '/api/v1/regions', { token, body: { parent: '420106001001', name } });
  const count = (name) => Number(pg.psql(pgName(srv.db), `SELECT count(*) FROM regions WHERE name = '${name}'`));
  // held 800 ms: the first try waits 300 ms and fails, a later one succeeds
  let released = holdAudit(800);
  await lockHeld();
  const r = await grid('重试网格');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await released;
  assert.equal(count('重试网格'), 1);
  // (the log is written out once a second)
  for (let i = 0; i < 30 && !/running the batch again/.test(srv.log); i++) await sleep(100);
  assert.match(srv.log, /conflict with another writer; running the batch again/);
  // held 5 s: every try fails; 503, and the region is not there
  released = holdAudit(5000);
  await lockHeld();
  const lost = await grid('失败网格');
  assert.equal(lost.status, 503, JSON.stringify(lost.body));
  assert.equal(lost.body.error.code, 'unavailable');
  await released;
  assert.equal(count('失败网格'), 0);
  // and the service goes on
  assert.equal((await grid('之后网格')).status, 201);
});

test('the database gone while serving: 503 and health says so; back, service resumes by itself, nothing acknowledged lost', { skip: !HAVE_PG && 'postgresql-15 is not installed' }, async () => {
  const token = await srv.login('officer');
  const grid = (name) => srv.api('POST', '/api/v1/regions', { token, body: { parent: '420106001001', name } });
  const made = [];
  for (let i = 0; i < 3; i++) {
    const r = await grid(`断前网格${i}`);
    assert.equal(r.status, 201);
    made.push(r.body.code);
  }
  pg.halt();
  try {
    const h = await srv.api('GET', '/api/v1/health');
    assert.equal(h.status, 503);
    assert.equal(h.body.database, 'unavailable');
    assert.equal(h.body.engine, 'postgresql');
    const w = await grid('断时网格');
    assert.equal(w.status, 503, JSON.stringify(w.body));
    assert.equal(w.body.error.code, 'unavailable');
    assert.equal((await srv.api('GET', '/api/v1/regions/420106001001', { token })).status, 503);
  } finally {
    pg.resume();
  }
  // back: the first requests reconnect by themselves
  const h = await srv.api('GET', '/api/v1/health');
  assert.equal(h.status, 200, JSON.stringify(h.body));
  assert.equal(h.body.database, 'ok');
  const after = await grid('断后网格');
  assert.equal(after.status, 201, JSON.stringify(after.body));
  made.push(after.body.code);
  for (const code of made) assert.equal((await srv.api('GET', `/api/v1/regions/${code}`, { token })).status, 200, code);
  assert.equal(pg.psql(pgName(srv.db), "SELECT count(*) FROM regions WHERE name = '断时网格'"), '0');
});

// Another `fangkong serve` on the same database; returns {base, child, stop}.
async function secondInstance() {
  const child = spawn(process.env.FK_BIN || path.join(ROOT, 'build/release/fangkong'),
    ['serve', '--db', srv.db, '--key', pg.key, '--listen', '127.0.0.1:0'],
    { env: { ...process.env, FK_QUIET: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${log}`)));
  });
  child.removeAllListeners('exit');
  return {
    base,
    stop: () => new Promise((resolve) => { child.on('exit', (code) => resolve(code)); child.kill('SIGTERM'); }),
  };
}

test('two instances on one database: a session from one works on the other; writes through both keep one audit chain', { skip: !HAVE_PG && 'postgresql-15 is not installed' }, async () => {
  const b = await secondInstance();
  try {
    const token = await srv.login('officer');
    const me = await fetch(`${b.base}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200, 'the session is in the database both read');
    const post = (base, parent, name) => fetch(`${base}/api/v1/regions`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ parent, name }),
    }).then((r) => r.status);
    // at once through both: grids under two communities (each instance its own)
    const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2
      ? post(srv.base, '420106001001', `甲实例网格${i}`) : post(b.base, '420106001002', `乙实例网格${i}`))));
    assert.deepEqual(statuses, Array(16).fill(201));
    assert.equal(pg.psql(pgName(srv.db), "SELECT count(*) FROM regions WHERE name LIKE '%实例网格%'"), '16');
    const v = cli(['audit', 'verify', '--db', srv.db, '--key', pg.key]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  } finally {
    assert.equal(await b.stop(), 0);
  }
});

test('the same migrations build the same tables and columns on both engines', { skip: !HAVE_PG && 'postgresql-15 is not installed' }, () => {
  const file = path.join(tmp, 'same.db');
  assert.equal(cli(['init', '--db', file]).status, 0);
  const sqliteCols = execFileSync('sqlite3', [file,
    "SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p"
    + " WHERE m.type = 'table' ORDER BY 1"]).toString().trim().split('\n');
  const pgCols = pg.psql(pgName(srv.db), "SELECT table_name || '.' || column_name FROM information_schema.columns"
    + " WHERE table_schema = 'public' ORDER BY 1").split('\n');
  assert.deepEqual(pgCols, sqliteCols);
  assert.ok(sqliteCols.length > 100, String(sqliteCols.length));
  assert.ok(ROOT);
});
