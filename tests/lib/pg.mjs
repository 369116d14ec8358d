// A PostgreSQL server of the tests' own, for FK_TEST_ENGINE=postgres: the
// Debian package's initdb and pg_ctl (FK_PG_BIN, default
// /usr/lib/postgresql/15/bin) make a cluster in a temporary folder, run as
// the postgres system user when this process is root, listening on a Unix
// socket in that folder only (no TCP port), with trust authentication for
// that socket.  It starts at the first use in a process and is stopped, and
// its folder removed, when the process exits.  Durability is off (fsync,
// synchronous_commit), as the SQLite runs use FK_SYNC=NORMAL: test
// databases are thrown away.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chownSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ENGINE = process.env.FK_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
const BIN = process.env.FK_PG_BIN || '/usr/lib/postgresql/15/bin';

let cluster = null;

// A role with a password, and the password (tests/api/postgres.test.mjs).
export const PW_USER = 'fk_pw';
export const PW = 'pw-s3cret-x9';

function asOwner(uid, gid) {
  return process.getuid() === 0 ? { uid, gid } : {};
}

export function pgCluster() {
  if (cluster) return cluster;
  const dir = mkdtempSync(path.join(tmpdir(), 'fk-pg-'));
  const data = path.join(dir, 'data');
  let owner = {};
  if (process.getuid() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
    owner = asOwner(uid, gid);
  }
  const run = (cmd, args) => execFileSync(path.join(BIN, cmd), args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'] });
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  // one role signs in with a password (the tests of a wrong one): its rule
  // comes before initdb's "trust" ones
  const hba = path.join(data, 'pg_hba.conf');
  writeFileSync(hba, `local all ${PW_USER} scram-sha-256\n${readFileSync(hba, 'utf8')}`);
  const opts = `-k ${dir} -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
    + ' -c max_connections=200';
  run('pg_ctl', ['-D', data, '-w', '-s', '-l', path.join(dir, 'server.log'), '-o', opts, 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try { run('pg_ctl', ['-D', data, '-s', '-m', 'immediate', 'stop']); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { stop(); process.exit(1); });
  let n = 0;
  execFileSync('psql', ['-X', '-q', '-h', dir, '-U', 'postgres', '-d', 'postgres', '-c',
    `CREATE ROLE ${PW_USER} LOGIN SUPERUSER PASSWORD '${PW}'`]);
  cluster = {
    dir,
    // One key for every database of this cluster (they are copies of one
    // demo), passed as FK_KEY / --key.
    key: path.join(dir, 'demo.key'),
    url: (db) => `postgresql://postgres@/${db}?host=${encodeURIComponent(dir)}`,
    // Runs SQL; returns the output as sqlite3's CLI prints it (columns
    // joined by '|', one row a line).
    psql: (db, q) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-U', 'postgres', '-d', db, '-c', q])
      .toString().trim(),
    fresh: (template) => {
      const name = `t${process.pid}_${++n}`;
      cluster.psql('postgres', `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
      return name;
    },
    // A copy of database db (a dump restored: the source may be in use).
    copy: (db) => {
      const name = cluster.fresh();
      execFileSync('sh', ['-c', `"${path.join(BIN, 'pg_dump')}" -h "${dir}" -U postgres -d ${db}`
        + ` | psql -X -q -v ON_ERROR_STOP=1 -h "${dir}" -U postgres -d ${name} >/dev/null`]);
      return name;
    },
    // The server stopped and started again (the database gone a while).
    halt: () => run('pg_ctl', ['-D', data, '-w', '-s', '-m', 'fast', 'stop']),
    resume: () => run('pg_ctl', ['-D', data, '-w', '-s', '-l', path.join(dir, 'server.log'), '-o', opts, 'start']),
    stop,
  };
  return cluster;
}

// The database name in a URL made by cluster.url.
export function pgName(url) {
  return url.match(/^postgresql:\/\/[^/]*\/([^?]+)/)[1];
}
