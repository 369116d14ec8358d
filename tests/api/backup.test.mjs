// Backups and their restore, on the engine under test: on SQLite
// `fangkong backup` copies the database while the server writes to it; on
// PostgreSQL the documented route, pg_dump and pg_restore
// (docs/OPERATIONS.md).  Either way the copy, with the key file kept apart,
// opens, its audit chain verifies, and it holds what was acknowledged before
// the backup began.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli, sqlOn } from '../lib/harness.mjs';
import { pgCluster, pgName } from '../lib/pg.mjs';

let srv, token;
before(async () => {
  srv = await startServer();
  token = await srv.login('officer');
});
after(async () => { await srv.stop(); });

const grid = (name) => srv.api('POST', '/api/v1/regions', { token, body: { parent: '420106001001', name } });

test('a backup taken while the server writes restores: it opens, verifies, and holds what was acknowledged', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await grid(`备份前网格${i}`)).status, 201);
  // writes go on during the backup
  let writing = true, during = 0;
  const writer = (async () => {
    while (writing) { if ((await grid(`备份中网格${during}`)).status === 201) during++; }
  })();
  let copy;
  if (srv.engine === 'postgres') {
    const pg = pgCluster();
    const bin = process.env.FK_PG_BIN || '/usr/lib/postgresql/15/bin';
    const dump = path.join(srv.dir, 'fk.dump');
    execFileSync(path.join(bin, 'pg_dump'), ['-h', pg.dir, '-U', 'postgres', '-Fc', '-f', dump, pgName(srv.db)]);
    const name = pg.fresh();
    execFileSync(path.join(bin, 'pg_restore'), ['-h', pg.dir, '-U', 'postgres', '-d', name, '--no-owner', dump]);
    copy = pg.url(name);
    // fangkong backup says what to use instead
    const r = cli(['backup', '--db', srv.db, path.join(srv.dir, 'x.db')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /pg_dump, pg_basebackup/);
  } else {
    copy = path.join(srv.dir, 'backup.db');
    const r = cli(['backup', '--db', srv.db, copy]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /backed up to .*backup\.db \(\d+ pages\); the key files are not in it/);
    assert.ok(!existsSync(`${copy}-wal`), 'a plain file, no log beside it');
    assert.ok(!existsSync(`${copy}.key`), 'the key is not copied');
    // an existing file is not overwritten
    const again = cli(['backup', '--db', srv.db, copy]);
    assert.equal(again.status, 1);
    // restore: the copy and the key, kept apart, brought together
    copyFileSync(`${srv.db}.key`, `${copy}.key`);
    copyFileSync(`${srv.db}.audit-key`, `${copy}.audit-key`);
  }
  writing = false;
  await writer;
  assert.ok(during > 0, 'writes went on during the backup');
  const v = cli(['audit', 'verify', '--db', copy]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /^audit log intact: \d+ entries/);
  const names = (db) => sqlOn(db, "SELECT name FROM regions WHERE name LIKE '备份%' ORDER BY name").split('\n');
  const restored = names(copy), live = names(srv.db);
  for (let i = 0; i < 5; i++) assert.ok(restored.includes(`备份前网格${i}`), `备份前网格${i} is in the backup`);
  assert.ok(restored.every((n) => live.includes(n)), 'nothing in the backup the database does not hold');
  // the restored database serves: its users sign in (the list reads them, their sealed fields open)
  const u = cli(['user', 'list', '--db', copy]);
  assert.equal(u.status, 0, u.stderr);
  assert.match(u.stdout, /^officer\s+officer/m);
});

test('backup: usage', () => {
  assert.equal(cli(['backup', '--help']).status, 0);
  assert.equal(cli(['backup', '--db', srv.db]).status, 2);
});
