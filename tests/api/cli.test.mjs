// The command line: help, init, regions import, users (against a running
// server, whose sessions must follow), serve's refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, cli, sqlOn, REGIONS, ROOT } from '../lib/harness.mjs';

let srv, tmp;
before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'fk-cli-'));
  srv = await startServer({ env: { FK_LOGIN_MAX_FAILURES: '1000', FK_LOGIN_MAX_USER_ADDR_FAILURES: '1000', FK_LOGIN_MAX_ADDR_FAILURES: '1000' } });
});
after(async () => {
  await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const sql = sqlOn;
const signIn = (username, password) => srv.api('POST', '/api/v1/session', { body: { username, password } });

test('--help on the binary and on every subcommand exits 0 with usage', () => {
  for (const args of [['--help'], ['help'], ['-h']]) {
    const r = cli(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /usage: fangkong COMMAND/);
  }
  const top = cli(['--help']).stdout;
  const commands = [...top.matchAll(/^ {2}(\w+)\s/gm)].map((m) => m[1]).filter((c) => c !== 'version');
  for (const c of ['serve', 'init', 'user', 'regions', 'demo', 'audit', 'routes']) assert.ok(commands.includes(c), c);
  for (const c of commands) {
    for (const h of ['--help', '-h']) {
      const r = cli([c, h]);
      assert.equal(r.status, 0, `${c} ${h}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`usage: fangkong ${c}`), c);
    }
  }
  for (const args of [['user', 'add', '--help'], ['user', 'disable', 'x', '--help'], ['regions', 'import', '--help'],
    ['audit', 'verify', '--help'], ['serve', '--db', '/nonexistent', '--help']]) {
    const r = cli(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /usage:/);
  }
  const v = cli(['version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^fangkong \d+\.\d+\.\d+/);
});

test('no command, or an unknown one, is a usage error (2)', () => {
  const none = cli([]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /usage:/);
  const bad = cli(['frobnicate']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown command 'frobnicate'/);
  const sub = cli(['user', 'frobnicate', 'x', '--db', srv.db]);
  assert.equal(sub.status, 2);
  assert.match(sub.stderr, /unknown subcommand 'frobnicate'/);
  assert.equal(cli(['routes', 'extra']).status, 2);
  assert.equal(cli(['init', '--bogus']).status, 2);
});

test('init creates the database and a private key file; again, it changes nothing', () => {
  const db = path.join(tmp, 'new', 'fk.db');
  const a = cli(['init', '--db', db]);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /schema version \d+/);
  assert.equal(statSync(`${db}.key`).mode & 0o777, 0o600);
  assert.equal(statSync(`${db}.key`).size, 32);
  assert.equal(statSync(db).mode & 0o077, 0, 'the database is private too');
  const add = cli(['user', 'add', 'first', '--role', 'admin', '--region', '', '--db', db], { input: 'first-password\n' });
  assert.equal(add.status, 0, add.stderr);
  const key = execFileSync('od', ['-An', '-tx1', `${db}.key`]).toString();
  const b = cli(['init', '--db', db]);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(b.stdout, a.stdout);
  assert.equal(execFileSync('od', ['-An', '-tx1', `${db}.key`]).toString(), key, 'the key is kept');
  assert.match(cli(['user', 'list', '--db', db]).stdout, /^first\s+admin/m);
  // every migration of schema/ applied once (numbers may skip one a branch has not merged yet)
  const files = readdirSync(path.join(ROOT, 'schema')).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort();
  assert.equal(sql(db, 'SELECT count(*) FROM schema_migrations'), String(files.length));
  assert.equal(sql(db, 'SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version)'),
    files.map((f) => String(Number(f.slice(0, 3)))).join(','));
});

test('init migrates a database made before the latest migration; serve refuses it until then', (t) => {
  const db = path.join(tmp, 'old.db');
  assert.equal(cli(['init', '--db', db]).status, 0);
  const [version, name] = sql(db, 'SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1').split('|');
  if (Number(version) < 2) return t.skip('only one migration so far');
  const file = readdirSync(path.join(ROOT, 'schema')).find((f) => f === name || f === `${name}.sql`);
  if (!file) return t.skip(`schema/${name}: not found next to this binary`);
  const text = readFileSync(path.join(ROOT, 'schema', file), 'utf8').replace(/--.*$/gm, '');
  if (/\b(ALTER|INSERT|UPDATE|DELETE|DROP)\b/i.test(text)) return t.skip(`${file} changes more than new tables`);
  const tables = [...text.matchAll(/CREATE (?:VIRTUAL )?TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1]);
  const views = [...text.matchAll(/CREATE VIEW (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1]);
  const triggers = [...text.matchAll(/CREATE TRIGGER (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1]);
  // indexes of tables older than the migration (those of its own tables go with them)
  const indexes = [...text.matchAll(/CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?(\w+) ON (\w+)/gi)]
    .filter((m) => !tables.includes(m[2])).map((m) => m[1]);
  const made = (x) => sql(db, `SELECT count(*) FROM sqlite_master WHERE name = '${x}'`) === '1';
  if (![...tables, ...views, ...triggers, ...indexes].every(made)) return t.skip(`${file} differs from the binary's`);
  assert.equal(cli(['user', 'add', 'keepme', '--role', 'admin', '--region', '', '--db', db], { input: 'keep-me-password\n' }).status, 0);
  // the one before it (numbers reserved for other branches may be missing)
  const previous = Number(sql(db, `SELECT max(version) FROM schema_migrations WHERE version < ${version}`));
  // back to the schema before the last migration
  sql(db, [...triggers.map((x) => `DROP TRIGGER ${x};`), ...views.map((x) => `DROP VIEW ${x};`), ...indexes.map((x) => `DROP INDEX ${x};`),
    ...tables.reverse().map((x) => `DROP TABLE ${x};`), `DELETE FROM schema_migrations WHERE version = ${version};`].join(' '));
  const refused = cli(['serve', '--db', db, '--listen', '127.0.0.1:0']);
  assert.equal(refused.status, 1);
  // the version before (numbers may skip one a branch has not merged yet)
  const before = sql(db, 'SELECT max(version) FROM schema_migrations');
  assert.match(refused.stderr, new RegExp(`schema version ${before}, this binary needs ${version}: run 'fangkong init`));
  const i = cli(['init', '--db', db]);
  assert.equal(i.status, 0, i.stderr);
  assert.equal(i.stdout.trim(), `${db}: schema version ${version}`);
  for (const x of tables) assert.ok(made(x), x);
  assert.match(cli(['user', 'list', '--db', db]).stdout, /^keepme\s/m);
});

test('init refuses a key file others can read', () => {
  const db = path.join(tmp, 'loose.db');
  assert.equal(cli(['init', '--db', db]).status, 0);
  execFileSync('chmod', ['644', `${db}.key`]);
  const r = cli(['init', '--db', db]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /chmod 600/);
});

test('a database from a newer binary is refused by init and serve', () => {
  const db = path.join(tmp, 'newer.db');
  assert.equal(cli(['init', '--db', db]).status, 0);
  sql(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
  const i = cli(['init', '--db', db]);
  assert.equal(i.status, 1);
  assert.match(i.stderr, /newer/);
  const s = cli(['serve', '--db', db, '--listen', '127.0.0.1:0']);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /schema version 999/);
});

test('regions import --within 420106: 1 province, 1 city, 1 county, 15 streets, 144 communities; again the same', () => {
  const db = path.join(tmp, 'regions.db');
  assert.equal(cli(['init', '--db', db]).status, 0);
  const want = 'imported 162 regions: 1 provinces, 1 cities, 1 counties, 15 streets, 144 communities';
  const a = cli(['regions', 'import', REGIONS, '--within', '420106', '--db', db]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout.trim(), want);
  assert.equal(sql(db, 'SELECT count(*) FROM regions'), '163'); // and the country
  assert.equal(sql(db, "SELECT name FROM regions WHERE code = '420106'"), '武昌区');
  assert.equal(sql(db, "SELECT count(*) FROM regions WHERE code LIKE '420106%' AND level = 5"), '144');
  const b = cli(['regions', 'import', REGIONS, '--within', '420106', '--db', db]);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(b.stdout.trim(), want);
  assert.equal(sql(db, 'SELECT count(*) FROM regions'), '163');
  const street = cli(['regions', 'import', REGIONS, '--within', '420106001', '--db', db]);
  assert.equal(street.status, 0, street.stderr);
  assert.match(street.stdout, /1 provinces, 1 cities, 1 counties, 1 streets, 12 communities/);
  assert.equal(sql(db, "SELECT count(*) FROM audit WHERE action = 'region.import'"), '3');
  assert.equal(cli(['audit', 'verify', '--db', db]).status, 0);
});

test('regions import: a bad --within or folder is a clear error, and nothing is imported', () => {
  const db = path.join(tmp, 'bad-import.db');
  assert.equal(cli(['init', '--db', db]).status, 0);
  for (const w of ['12345', 'abcdef', '4201060', '420106001001001', '4201060010010011']) {
    const r = cli(['regions', 'import', REGIONS, '--within', w, '--db', db]);
    assert.equal(r.status, 2, `--within ${w}: ${r.stderr}`);
    assert.match(r.stderr, /--within/);
    assert.match(r.stderr, /2, 4, 6, 9 or 12-digit/);
  }
  const missing = cli(['regions', 'import', REGIONS, '--within', '999999', '--db', db]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--within 999999: no such region/);
  const dir = cli(['regions', 'import', path.join(tmp, 'no-such-dir'), '--within', '420106', '--db', db]);
  assert.notEqual(dir.status, 0);
  assert.match(dir.stderr, /no-such-dir\/provinces\.csv: No such file or directory/);
  assert.equal(sql(db, 'SELECT count(*) FROM regions'), '1', 'only the country');
  assert.equal(cli(['regions', 'import', '--db', db]).status, 2);
  assert.equal(cli(['regions', 'export', REGIONS, '--db', db]).status, 2);
});

test('serve: a missing database, a bad address, bad threads', () => {
  const missing = path.join(tmp, 'missing.db');
  const r = cli(['serve', '--db', missing, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no such database/);
  assert.match(r.stderr, /fangkong init/);
  assert.ok(!existsSync(missing), 'serve does not create it');
  for (const l of ['nowhere', '127.0.0.1:99999', '127.0.0.1:x', ':8080', '[::1]8080']) {
    const b = cli(['serve', '--db', srv.db, '--listen', l]);
    assert.equal(b.status, 2, `--listen ${l}`);
  }
  for (const t of ['0', '65', 'x']) assert.equal(cli(['serve', '--db', srv.db, '--threads', t]).status, 2, t);
  const host = cli(['serve', '--db', srv.db, '--listen', 'localhost:0']);
  assert.equal(host.status, 1);
  assert.match(host.stderr, /not an IP address/);
});

// Each numeric setting with values out of its range (or not numbers).
const BAD_SETTINGS = {
  FK_SESSION_TTL: ['59', '0', '-1', 'x', '12h', '2592001', '99999999999999999999'],
  FK_SESSION_IDLE: ['59', '2592001', '1.5'],
  FK_THREADS: ['0', '65'],
  FK_MAX_BODY: ['1023', 'big'],
  FK_MAX_UPLOAD: ['1'],
  FK_COOKIE_SECURE: ['2', 'yes'],
  FK_LOGIN_MAX_FAILURES: ['0'],
  FK_LOGIN_MAX_USER_ADDR_FAILURES: ['0', '1001'],
  FK_LOGIN_MAX_ADDR_FAILURES: ['0'],
  FK_LOGIN_WINDOW: ['0', '86401'],
  FK_LOGIN_DELAY: ['0'],
  FK_REPORT_HOUR: ['25'],
  FK_EDITION: ['1', '10'],
  FK_OBSERVATION_DAYS: ['0', '61'],
  FK_SI_MEAN: ['10'],
  FK_SI_SD: ['0'],
  FK_QUIET: ['2', 'true'],
  FK_REQUEST_DEADLINE: ['0', '3601'],
  FK_UPLOAD_DEADLINE: ['0'],
  FK_MAX_CONN_PER_ADDR: ['-1'],
  FK_SYNC: ['OFF'],
};

test('serve: a setting out of range stops it at start, naming the setting (exit 1)', () => {
  // the database is missing: a server that got past its settings would say so and stop
  const missing = path.join(tmp, 'missing.db');
  for (const [name, values] of Object.entries(BAD_SETTINGS)) {
    for (const v of values) {
      const r = cli(['serve', '--db', missing, '--listen', '127.0.0.1:0'], { env: { [name]: v } });
      assert.equal(r.status, 1, `${name}=${v}`);
      assert.match(r.stderr, new RegExp(`${name}=`), `${name}=${v}: ${r.stderr}`);
      assert.match(r.stderr, /not starting/, `${name}=${v}`);
      assert.doesNotMatch(r.stderr, /no such database/, `${name}=${v} was accepted`);
    }
  }
  // in range, the same settings are accepted
  const ok = cli(['serve', '--db', missing], { env: { FK_SESSION_TTL: '60', FK_SESSION_IDLE: '60', FK_QUIET: '0', FK_SYNC: 'FULL' } });
  assert.equal(ok.status, 1);
  assert.match(ok.stderr, /no such database/);
});

test('demo refuses to overwrite a database without --force', () => {
  const r = cli(['demo', '--db', srv.db, '--regions', REGIONS]);
  assert.equal(r.status, 1);
  // a file is replaced only with --force; a server's database never
  assert.match(r.stderr, srv.engine === 'postgres' ? /holds a schema already.*empty one/ : /exists.*--force/);
});

test('user add reads the password from standard input; the server sees the user at once', async () => {
  const r = cli(['user', 'add', 'cli-made', '--role', 'doctor', '--region', '420106001002', '--name', '命令行医生', '--db', srv.db],
    { input: 'cli-made-password\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'added cli-made');
  const s = await signIn('cli-made', 'cli-made-password');
  assert.equal(s.status, 200);
  assert.equal(s.body.user.region, '420106001002');
  const listed = (await srv.api('GET', '/api/v1/users?limit=1000', { token: await srv.login('admin') })).body.items
    .find((u) => u.username === 'cli-made');
  assert.equal(listed.display_name, '命令行医生');
  assert.equal(listed.role, 'doctor');
  const line = cli(['user', 'list', '--db', srv.db]).stdout.split('\n').find((l) => l.startsWith('cli-made '));
  assert.match(line, /^cli-made\s+doctor\s+420106001002\s+active\s+中山社区居委会$/);
  const a = await srv.api('GET', '/api/v1/audit?action=user.create&username=cli', { token: await srv.login('admin') });
  assert.ok(a.body.items.some((e) => e.object === 'user:cli-made' && e.addr === 'local'));
});

test('user add: refusals', () => {
  const add = (args, input = 'a-good-password\n') => cli(['user', 'add', ...args, '--db', srv.db], { input });
  const cases = [
    [['x-short', '--role', 'doctor', '--region', '420106'], 'short\n', 2, /at least 8/],
    [['x-role', '--role', 'king', '--region', '420106'], undefined, 2, /role: one of admin, commander/],
    [['x-region', '--role', 'doctor', '--region', '999999'], undefined, 1, /region 999999 not found/],
    [['x name', '--role', 'doctor', '--region', '420106'], undefined, 2, /username/],
    [['officer', '--role', 'doctor', '--region', '420106'], undefined, 1, /officer is taken/],
    [['x-norole', '--region', '420106'], undefined, 2, /usage:/],
    [['--role', 'doctor', '--region', '420106'], undefined, 2, /usage:/],
    [['x-nopw', '--role', 'doctor', '--region', '420106'], '', 2, /no password/],
  ];
  for (const [args, input, status, re] of cases) {
    const r = add(args, input);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  assert.doesNotMatch(cli(['user', 'list', '--db', srv.db]).stdout, /^x-/m);
});

test('user passwd: the old password and sessions stop working', async () => {
  const old = srv.logins.coordinator.password;
  const t = (await signIn('coordinator', old)).body.token;
  const r = cli(['user', 'passwd', 'coordinator', '--db', srv.db], { input: 'coordinator-new-password\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'password changed for coordinator');
  assert.equal((await srv.api('GET', '/api/v1/me', { token: t })).status, 401);
  assert.equal((await signIn('coordinator', old)).status, 401);
  assert.equal((await signIn('coordinator', 'coordinator-new-password')).status, 200);
  const none = cli(['user', 'passwd', 'no-such-user', '--db', srv.db], { input: 'whatever-password\n' });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /not found/);
});

test('user disable: sign-in refused, sessions end; --enable lets the user back', async () => {
  const pw = srv.logins.volunteer.password;
  const t = (await signIn('volunteer', pw)).body.token;
  const d = cli(['user', 'disable', 'volunteer', '--db', srv.db]);
  assert.equal(d.status, 0, d.stderr);
  assert.equal(d.stdout.trim(), 'disabled volunteer');
  assert.equal((await srv.api('GET', '/api/v1/me', { token: t })).status, 401);
  const refused = await signIn('volunteer', pw);
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, 'bad_credentials');
  assert.match(cli(['user', 'list', '--db', srv.db]).stdout, /^volunteer\s+volunteer\s+420106001001\s+disabled/m);
  const e = cli(['user', 'disable', 'volunteer', '--enable', '--db', srv.db]);
  assert.equal(e.status, 0, e.stderr);
  assert.equal(e.stdout.trim(), 'enabled volunteer');
  assert.equal((await signIn('volunteer', pw)).status, 200);
  const none = cli(['user', 'disable', 'no-such-user', '--db', srv.db]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /not found/);
});

test('user list: every user, one line each', () => {
  const r = cli(['user', 'list', '--db', srv.db]);
  assert.equal(r.status, 0);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^USERNAME\s+ROLE\s+REGION\s+STATE\s+REGION NAME$/);
  assert.equal(lines.length - 1, Number(sql(srv.db, 'SELECT count(*) FROM users')));
  const names = lines.slice(1).map((l) => l.split(/\s+/)[0]);
  assert.deepEqual(names, [...names].sort());
});

test('routes lists every route with its permission', () => {
  const r = cli(['routes']);
  assert.equal(r.status, 0);
  const rows = r.stdout.trim().split('\n').map((l) => l.split(/\s+/));
  assert.ok(rows.length >= 13);
  for (const [method, p, perm] of rows) {
    assert.match(method, /^(GET|POST|PUT|PATCH|DELETE)$/);
    assert.match(p, /^\/api\/v1\//);
    assert.match(perm, /^(public|session|[a-z]+(\.[a-z]+)?)$/);
  }
  assert.ok(rows.some(([m, p, perm]) => m === 'GET' && p === '/api/v1/health' && perm === 'public'));
  assert.ok(rows.some(([m, p, perm]) => m === 'PATCH' && p === '/api/v1/users/{username}' && perm === 'user.write'));
});
