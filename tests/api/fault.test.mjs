// Faults with nothing lost (issue 15, item 6):
//  - kill -9 of the server while four clients post screening records, and
//    while an import runs: after a restart every acknowledged record is
//    there, an import is all or nothing, and the audit chain verifies;
//  - the disk filling up (a small tmpfs, mounted by this test as root):
//    writes answer 503 with the JSON error, reads still work, writing
//    resumes by itself once space is back, nothing acknowledged is lost;
//  - a damaged database file, and one whose schema is newer than the
//    binary, are refused at start with a message naming the file and what
//    to do, and exit status 1.
// Each server listens on a free 127.0.0.1 port and is stopped by its PID.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import {
  mkdtempSync, rmSync, copyFileSync, existsSync, openSync, writeSync, closeSync, statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ZONE, ROOT, api, cli, demoDatabase } from '../lib/harness.mjs';
import { GRID, idNumber } from './registry-helpers.mjs';

const cleanup = [];
after(() => { for (const f of cleanup.reverse()) f(); });

// A fresh demo database in a folder of its own (or in dir); returns {db, logins}.
function freshDb(dir) {
  if (!dir) {
    dir = mkdtempSync(path.join(tmpdir(), 'fk-fault-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  }
  const db = path.join(dir, 'demo.db');
  const logins = demoDatabase(db);
  return { db, dir, logins };
}

// Starts `fangkong serve` on db; resolves {base, child, log(), api, login,
// kill(signal) → exit}.  Rejects with the log when the server exits first.
function serve(db, logins, env = {}) {
  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', path.join(ROOT, 'web')], {
    env: { ...process.env, FK_SYNC: 'FULL', FK_QUIET: '1', FK_TZ: ZONE, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  cleanup.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 30000);
    child.stderr.on('data', (d) => {
      log += d.toString();
      const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (!m) return;
      clearTimeout(timer);
      const base = m[1];
      const tokens = {};
      const s = {
        base, child, exited, log: () => log,
        api: (method, p, opts) => api(base, method, p, opts),
        async login(u) {
          if (tokens[u]) return tokens[u];
          const r = await s.api('POST', '/api/v1/session', { body: { username: u, password: logins[u].password } });
          assert.equal(r.status, 200, `login ${u}: ${JSON.stringify(r.body)}`);
          return (tokens[u] = r.body.token);
        },
        async kill(signal) { child.kill(signal); return exited; },
      };
      resolve(s);
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`server exited ${code ?? signal}: ${log}`)); });
  });
}

// Runs `fangkong serve` expecting it to refuse: resolves {code, log}.
function serveRefused(db) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
      env: { ...process.env, FK_TZ: ZONE }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (d) => { log += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`the server started: ${log}`)); }, 20000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, log }); });
  });
}

const sql = (db, q) => execFileSync('sqlite3', [db, q]).toString().trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function auditVerifies(db) {
  const v = cli(['audit', 'verify', '--db', db]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /intact/);
}

// Households of the grid worker's grid with members (the screening form's
// worklist), and a batch of n records of them.
async function worklist(s, token) {
  const wl = await s.api('GET', `/api/v1/screenings/worklist?grid=${GRID}`, { token });
  assert.equal(wl.status, 200, JSON.stringify(wl.body));
  return wl.body.items.filter((h) => h.members.length > 0);
}
function records(hhs, n, salt) {
  return Array.from({ length: n }, (_, i) => {
    const h = hhs[(salt + i) % hhs.length];
    return {
      uuid: crypto.randomUUID(), household_id: h.id, status: 'visited',
      persons: h.members.map((m) => ({ person_id: m.id, temperature: 36.5 })),
    };
  });
}

// Clients posting batches until stopped; every uuid of a 200 answer is kept
// in acked.  Connection errors (the server killed) end a client.
function ingest(s, token, hhs, { clients = 4, batch = 20, acked, answers }) {
  let stop = false;
  const one = async (c) => {
    for (let n = 0; !stop; n++) {
      const recs = records(hhs, batch, c * 1000 + n);
      let r;
      try {
        r = await s.api('POST', '/api/v1/screenings', { token, body: recs });
      } catch {
        return; // the server went away mid-request: not acknowledged
      }
      answers.push(r);
      if (r.status === 200) for (const x of recs) acked.add(x.uuid);
      else await sleep(20);
    }
  };
  const all = Promise.all(Array.from({ length: clients }, (_, c) => one(c)));
  return { stop: async () => { stop = true; await all; }, done: all };
}

function storedUuids(db, uuids) {
  const list = [...uuids];
  let found = 0;
  for (let i = 0; i < list.length; i += 500) {
    const q = list.slice(i, i + 500).map((u) => `'${u}'`).join(',');
    found += Number(sql(db, `SELECT count(*) FROM screenings WHERE uuid IN (${q})`));
  }
  return found;
}

test('kill -9 while four clients post screening records: every acknowledged record is there, the audit chain verifies', { timeout: 120000 }, async () => {
  const { db, logins } = freshDb();
  let total = 0;
  for (let round = 0; round < 2; round++) {
    const s = await serve(db, logins);
    const token = await s.login('gridworker');
    const hhs = await worklist(s, token);
    const acked = new Set(), answers = [];
    const load = ingest(s, token, hhs, { acked, answers });
    while (acked.size < 2000) await sleep(50);
    const { signal } = await s.kill('SIGKILL');
    assert.equal(signal, 'SIGKILL');
    await load.done;
    // every answer before the kill was a success
    assert.deepEqual(answers.filter((r) => r.status !== 200).map((r) => r.status), []);
    // the restarted server opens the database and every acknowledged record is in it
    const again = await serve(db, logins);
    const r = await again.api('GET', '/api/v1/health');
    assert.equal(r.status, 200);
    await again.kill('SIGTERM');
    assert.equal(storedUuids(db, acked), acked.size, `round ${round}: acknowledged records missing`);
    assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
    auditVerifies(db);
    total += acked.size;
  }
  assert.ok(total >= 4000);
});

// An import of n persons whose names start with prefix, a building per
// 1,000; their ID numbers are all different (a birth date per 1,000 rows).
function importFile(prefix, n = 20000) {
  const rows = ['姓名,身份证号,网格,楼栋,房号'];
  const pad = (x) => String(x).padStart(2, '0');
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / 1000);
    rows.push(`${prefix}${i},${idNumber('420106', `${1961 + (k % 40)}${pad(1 + (k % 12))}${pad(1 + (k % 28))}`, i % 1000)},${GRID},${prefix}楼${k},${i}`);
  }
  return rows.join('\n');
}
const countLike = (db, table, column, prefix) => Number(sql(db, `SELECT count(*) FROM ${table} WHERE ${column} LIKE '${prefix}%'`));

test('kill -9 while an import runs: nothing of it is stored; an acknowledged import is whole after a kill', { timeout: 180000 }, async () => {
  const { db, logins } = freshDb();
  const env = { FK_MAX_UPLOAD: '8000000' };
  const before = { persons: Number(sql(db, 'SELECT count(*) FROM persons')), households: Number(sql(db, 'SELECT count(*) FROM households')) };
  const audits = Number(sql(db, 'SELECT count(*) FROM audit'));

  // killed while the import is part-way through its rows
  let s = await serve(db, logins, env);
  let token = await s.login('officer');
  const id = `killed-${Date.now()}`;
  // 60,000 rows: long enough to be seen part-way on a loaded machine
  const upload = s.api('POST', `/api/v1/persons/import?progress=${id}`, { token, raw: importFile('断电', 60000), headers: { 'Content-Type': 'text/csv' } })
    .then((r) => r, (e) => e);
  let seen = null;
  for (let i = 0; i < 2000 && !seen; i++) {
    const p = await s.api('GET', `/api/v1/imports/${id}`, { token });
    if (p.status === 200 && p.body.state === 'running' && p.body.rows_read >= 8192) seen = p.body;
    else await sleep(10);
  }
  assert.ok(seen, 'the import was seen part-way');
  await s.kill('SIGKILL');
  const answer = await upload;
  assert.ok(answer instanceof Error, `the killed import was answered: ${JSON.stringify(answer.body ?? answer).slice(0, 200)}`);
  s = await serve(db, logins, env);
  await s.kill('SIGTERM');
  assert.equal(countLike(db, 'persons', 'name', '断电') + Number(sql(db, "SELECT count(*) FROM households WHERE building LIKE '断电%'")), 0,
    'no row of the killed import is stored');
  assert.equal(Number(sql(db, 'SELECT count(*) FROM persons')), before.persons);
  assert.equal(Number(sql(db, 'SELECT count(*) FROM households')), before.households);
  assert.equal(Number(sql(db, "SELECT count(*) FROM audit WHERE action = 'person.import'")), 0);
  auditVerifies(db);

  // acknowledged, then killed at once: all 20,000 rows are there
  s = await serve(db, logins, env);
  token = await s.login('officer');
  const r = await s.api('POST', '/api/v1/persons/import', { token, raw: importFile('整批'), headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
  assert.equal(r.body.imported, 20000);
  await s.kill('SIGKILL');
  s = await serve(db, logins, env);
  await s.kill('SIGTERM');
  assert.equal(Number(sql(db, 'SELECT count(*) FROM persons')), before.persons + 20000);
  assert.equal(Number(sql(db, "SELECT count(*) FROM households WHERE building LIKE '整批%'")) > 0, true);
  assert.equal(Number(sql(db, "SELECT count(*) FROM audit WHERE action = 'person.import'")), 1);
  assert.ok(Number(sql(db, 'SELECT count(*) FROM audit')) > audits);
  assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
  auditVerifies(db);
});

// A tmpfs of size bytes mounted on a new folder (this needs root, as the
// project's machines and CI are); null when mounting is not possible.
function smallDisk(size) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fk-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `cannot mount a tmpfs: ${e.stderr?.toString().trim() || e.message}` };
  }
  cleanup.push(() => {
    try { execFileSync('umount', ['-l', dir]); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir };
}
// Fills the file system holding dir: writes filler until the disk refuses.
function fill(file) {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if (e.code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  // the last partial block
  const fd2 = openSync(file, 'a');
  try { for (;;) writeSync(fd2, Buffer.alloc(512, 1)); } catch (e) { if (e.code !== 'ENOSPC') throw e; } finally { closeSync(fd2); }
}

test('the disk filling up: writes answer 503 as JSON, reads work, writing resumes once space is back, nothing acknowledged lost', { timeout: 120000 }, async (t) => {
  const disk = smallDisk('24m');
  if (disk.skip) { t.skip(disk.skip); return; }
  const { db, logins } = freshDb(disk.dir);
  const s = await serve(db, logins);
  const token = await s.login('gridworker');
  const admin = await s.login('admin');
  const hhs = await worklist(s, token);
  const acked = new Set(), answers = [];
  // some records before the disk is full
  const first = records(hhs, 50, 0);
  let r = await s.api('POST', '/api/v1/screenings', { token, body: first });
  assert.equal(r.status, 200);
  for (const x of first) acked.add(x.uuid);
  const persons = Number(sql(db, 'SELECT count(*) FROM persons'));
  // once idle, the server empties the log file: then no commit fits in
  // space the log already holds, and every write needs the full disk
  const walSize = () => { try { return statSync(`${db}-wal`).size; } catch { return 0; } };
  for (let i = 0; i < 200 && walSize() > 0; i++) await sleep(50);
  assert.equal(walSize(), 0, 'the idle server empties the log file');
  const filler = path.join(disk.dir, 'filler');
  fill(filler);
  // ingest with the disk full: answers are 200 (the log's free pages) or 503
  const load = ingest(s, token, hhs, { clients: 2, batch: 50, acked, answers });
  for (let i = 0; i < 600 && !answers.some((a) => a.status === 503); i++) await sleep(50);
  await load.stop();
  const refused = answers.filter((a) => a.status !== 200);
  assert.ok(refused.length > 0, `no write was refused (${answers.length} answers)`);
  for (const a of refused) {
    assert.equal(a.status, 503, JSON.stringify(a.body));
    assert.equal(a.body.error.code, 'unavailable', JSON.stringify(a.body));
    assert.match(a.headers.get('content-type'), /application\/json/);
  }
  // a sign-in and an import (a heavy job) are refused alike, the import whole
  const officer = logins.officer;
  r = await s.api('POST', '/api/v1/session', { body: { username: 'officer', password: officer.password } });
  assert.equal(r.status, 503, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'unavailable');
  r = await s.api('POST', '/api/v1/persons/import', { token: admin, raw: importFile('满盘'), headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 503, JSON.stringify(r.body).slice(0, 300));
  assert.equal(r.body.error.code, 'unavailable');
  // reads still work, for a session made before — the audit log too, which
  // is read on the writer, after the worklist read's own audit entry that
  // cannot be written (a job that changed nothing runs again on its own)
  for (let i = 0; i < 5; i++) {
    r = await s.api('GET', `/api/v1/screenings/worklist?grid=${GRID}`, { token });
    assert.equal(r.status, 200);
    r = await s.api('GET', '/api/v1/audit?limit=5', { token: admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  r = await s.api('GET', '/api/v1/health');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  // space comes back: writing resumes by itself
  rmSync(filler);
  let ok = null;
  for (let i = 0; i < 100 && !ok; i++) {
    const recs = records(hhs, 50, 777 + i);
    r = await s.api('POST', '/api/v1/screenings', { token, body: recs });
    if (r.status === 200) { ok = recs; for (const x of recs) acked.add(x.uuid); } else await sleep(100);
  }
  assert.ok(ok, `writing did not resume: ${JSON.stringify(r.body)}`);
  assert.equal((await s.login('doctor')).length > 0, true, 'a sign-in (a write) works again');
  const { code } = await s.kill('SIGTERM');
  assert.equal(code, 0, s.log().slice(-2000));
  // the log says why, and only that
  assert.match(s.log(), /database or disk is full/);
  assert.doesNotMatch(s.log(), /cannot rollback/);
  assert.equal(storedUuids(db, acked), acked.size, 'acknowledged records missing');
  assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
  assert.equal(Number(sql(db, 'SELECT count(*) FROM persons')), persons, 'nothing of the refused import');
  auditVerifies(db);
});

// A copy of a fresh demo database with its key files, in a folder of its own.
function copyDb(name) {
  const { db } = freshDb();
  const to = path.join(path.dirname(db), `${name}.db`);
  for (const ext of ['', '.key', '.audit-key']) if (existsSync(db + ext)) copyFileSync(db + ext, to + ext);
  return to;
}
// Overwrites count pages of 4,096 bytes from page (0-based) with bytes.
function scribble(db, page, count, byte = 0x5a) {
  const fd = openSync(db, 'r+');
  writeSync(fd, Buffer.alloc(4096 * count, byte), 0, 4096 * count, 4096 * page);
  closeSync(fd);
}

test('a file that is not a database is refused at start, naming it, exit status 1', async () => {
  const db = copyDb('header');
  scribble(db, 0, 1);
  const r = await serveRefused(db);
  assert.equal(r.code, 1, r.log);
  assert.match(r.log, new RegExp(`${db.replace(/[.]/g, '\\.')}: .*not a database`));
  assert.match(r.log, /backup/);
});

test('a database damaged inside its tables is refused at start, naming what is damaged, exit status 1', async () => {
  const db = copyDb('pages');
  const pages = Number(sql(db, 'PRAGMA page_count'));
  // two pages near the end of the file, far from the schema (page 1): the
  // file opens, and only reading it all finds the damage
  assert.ok(pages > 20);
  scribble(db, pages - 3, 2);
  assert.equal(sql(db, 'SELECT count(*) FROM schema_migrations') > 0, true);
  const r = await serveRefused(db);
  assert.equal(r.code, 1, r.log);
  assert.match(r.log, /damaged/);
  assert.match(r.log, /backup/);
  assert.doesNotMatch(r.log, /serving/);
});

test('a database from a newer fangkong is refused at start and left unchanged', async () => {
  const db = copyDb('newer');
  const latest = Number(sql(db, 'SELECT max(version) FROM schema_migrations'));
  sql(db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${latest + 1}, '${latest + 1}_future.sql', 0)`);
  const r = await serveRefused(db);
  assert.equal(r.code, 1, r.log);
  assert.match(r.log, new RegExp(`schema version ${latest + 1} .*newer .*${latest}`));
  assert.doesNotMatch(r.log, /run 'fangkong init/);
  // init does not "upgrade" it either
  const init = cli(['init', '--db', db]);
  assert.equal(init.status, 1, init.stdout + init.stderr);
  assert.match(init.stderr, /newer/);
  assert.equal(Number(sql(db, 'SELECT max(version) FROM schema_migrations')), latest + 1);
});
