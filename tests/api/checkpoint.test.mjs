// The audit log anchored outside the database: the server signs the head
// at start and at a clean stop into PATH.audit-checkpoints, GET /audit/head
// shows it, and `audit verify --checkpoint` catches what the chain alone
// cannot: the last entries deleted, an entry rewritten with the chain
// recomputed, a forged checkpoint.  Tests run in order; the second stops
// the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, cli, sqlOn } from '../lib/harness.mjs';

let srv, file;
const T = {};
const sql = sqlOn;
const NOTE = /^fangkong audit log\n(\d+)\n([A-Za-z0-9+/]{43}=)\ntime (\d+)\n\n— fangkong-audit [A-Za-z0-9+/]{91}=\n$/;
const notes = () => readFileSync(file, 'utf8').split(/\n(?=fangkong audit log\n)/).map((n) => (n.endsWith('\n\n') ? n.slice(0, -1) : n));

before(async () => {
  srv = await startServer();
  file = `${srv.stem}.audit-checkpoints`;
  for (const u of ['auditor', 'admin', 'officer']) T[u] = await srv.login(u);
  assert.equal((await srv.api('POST', '/api/v1/regions',
    { token: T.officer, body: { parent: '420106001001', name: '锚定网格' } })).status, 201);
});
after(async () => { await srv?.stop(); });

test('GET /audit/head: the head now and the checkpoint signed at start', async () => {
  for (let i = 0; i < 40 && !existsSync(file); i++) await sleep(50);
  const r = await srv.api('GET', '/api/v1/audit/head', { token: T.auditor });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const n = Number(sql(srv.db, 'SELECT count(*) FROM audit'));
  assert.equal(r.body.size, n);
  const hex = sql(srv.db, `SELECT ${srv.engine === 'postgres' ? "upper(encode(hash, 'hex'))" : 'hex(hash)'} FROM audit WHERE id = ${n}`);
  assert.equal(Buffer.from(r.body.hash, 'base64').toString('hex').toUpperCase(), hex);
  const cp = r.body.checkpoint;
  assert.ok(cp && cp.size < n, JSON.stringify(cp));
  // what it shows is what the file holds, signed
  assert.deepEqual(notes(), [cp.note]);
  const m = cp.note.match(NOTE);
  assert.ok(m, cp.note);
  assert.equal(Number(m[1]), cp.size);
  assert.equal(m[2], cp.hash);
  assert.equal(Number(m[3]), cp.time);
  assert.ok(Math.abs(cp.time - Date.now() / 1000) < 120);
  assert.equal((await srv.api('GET', '/api/v1/audit/head', { token: T.admin })).status, 200);
  assert.equal((await srv.api('GET', '/api/v1/audit/head', { token: T.officer })).status, 403);
  assert.equal((await srv.api('GET', '/api/v1/audit/head')).status, 401);
});

test('a clean stop signs the final head; verify --checkpoint: intact', async () => {
  const exited = new Promise((resolve) => srv.child.on('exit', (code) => resolve(code)));
  srv.child.kill('SIGTERM');
  assert.equal(await exited, 0);
  const n = Number(sql(srv.db, 'SELECT count(*) FROM audit'));
  const all = notes();
  assert.equal(all.length, 2);
  assert.equal(Number(all[1].match(NOTE)[1]), n);
  const r = cli(['audit', 'verify', '--db', srv.db, '--checkpoint', file]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^audit log intact: ${n} entries; 2 checkpoint\\(s\\) verified, the latest of ${n} entries at \\d{4}-\\d\\d-\\d\\dT`));
});

// A copy of the database with its key files, changed by sql.
function copyOf(name, change) {
  const copy = srv.copy(name);
  if (change) sql(copy, change);
  return copy;
}

test('the last entry deleted: the chain is intact, the checkpoint names the missing entry', () => {
  const n = Number(sql(srv.db, 'SELECT count(*) FROM audit'));
  const copy = copyOf('truncated', `DELETE FROM audit WHERE id = ${n}`);
  const plain = cli(['audit', 'verify', '--db', copy]);
  assert.equal(plain.status, 0, 'the chain alone cannot tell');
  const r = cli(['audit', 'verify', '--db', copy, '--checkpoint', file]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^audit log TRUNCATED at entry ${n}: the checkpoint of \\S+ holds ${n} entries, the log ${n - 1}\\n$`));
});

test('the last entry rewritten and the chain recomputed: the hash differs from the signed one', () => {
  const n = Number(sql(srv.db, 'SELECT count(*) FROM audit'));
  const first = Number(notes()[0].match(NOTE)[1]);
  const copy = copyOf('rewritten', `DELETE FROM audit WHERE id = ${n}`);
  // an entry appended anew in its place, through the real chain code
  const add = cli(['user', 'add', 'forger', '--role', 'volunteer', '--region', '420106001002', '--db', copy],
    { input: 'forger-password\n' });
  assert.equal(add.status, 0, add.stderr);
  assert.ok(Number(sql(copy, 'SELECT count(*) FROM audit')) >= n);
  assert.equal(cli(['audit', 'verify', '--db', copy]).status, 0, 'the chain alone cannot tell');
  const r = cli(['audit', 'verify', '--db', copy, '--checkpoint', file]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^audit log REWRITTEN at entry ${n}: .* an entry from ${first + 1} to ${n} was changed`));
  // a row changed without recomputing: the chain names the very entry
  sql(copy, 'UPDATE audit SET detail = \'{"x":1}\' WHERE id = 3');
  assert.equal(cli(['audit', 'verify', '--db', copy, '--checkpoint', file]).stdout, 'audit log BROKEN at entry 3\n');
});

test('a forged checkpoint is refused', () => {
  const copy = copyOf('forged');
  const forged = path.join(srv.dir, 'forged-checkpoints');
  copyFileSync(file, forged);
  // the first note with a smaller size, its signature kept
  appendFileSync(forged, notes()[0].replace(/^(fangkong audit log\n)(\d+)/, (_, a, s) => a + (Number(s) - 1)) + '\n');
  const r = cli(['audit', 'verify', '--db', copy, '--checkpoint', forged]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.stdout, `checkpoint 3 of ${forged} is not signed with this database's audit key\n`);
  // another database's key does not verify this one's checkpoints (on
  // PostgreSQL the copy shares the cluster's key file: not swapped there)
  if (srv.engine === 'postgres') return;
  const other = path.join(srv.dir, 'other.db');
  assert.equal(cli(['init', '--db', other]).status, 0);
  copyFileSync(`${other}.audit-key`, `${copy}.audit-key`);
  const o = cli(['audit', 'verify', '--db', copy, '--checkpoint', file]);
  assert.equal(o.status, 1);
  assert.match(o.stdout, /^checkpoint 1 of .* is not signed with this database's audit key/);
  const missing = cli(['audit', 'verify', '--db', copy, '--checkpoint', path.join(srv.dir, 'nothing')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nothing: No such file/);
});
