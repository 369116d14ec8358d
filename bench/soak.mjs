// bench/soak.mjs - the driver of bench/soak.sh: sustained mixed reads and
// writes by every demo role against one server for a stated time, with the
// server's resident memory, open file descriptors, open sockets and the
// database's write-ahead log sampled every SOAK_SAMPLE seconds.
//   node bench/soak.mjs URL PID DB LOGINS_FILE SECONDS CLIENTS SAMPLE WAL_LIMIT
// Prints one line per sample and a summary: growth after the warm-up (the
// first fifth of the run) to the lowest sample of the last fifth, the peaks, the peak of the log against its bound, requests,
// answers by class.  Exits 1 when a request got a 5xx or no answer.
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';

const [URL, PID, DB, LOGINS, SECONDS, CLIENTS, SAMPLE, WAL_LIMIT] = process.argv.slice(2);
const seconds = Number(SECONDS), clients = Number(CLIENTS), sampleEvery = Number(SAMPLE) * 1000;

// The logins table `fangkong demo` prints: name, password, region, role.
const logins = {};
for (const line of readFileSync(LOGINS, 'utf8').split('\n')) {
  const m = line.match(/^(\S+)\s+(demo-\S+)\s+(\d+)\s+(\S+)/);
  if (m) logins[m[1]] = { password: m[2], region: m[3], role: m[4] };
}

async function call(method, path, token, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const t0 = performance.now();
  const res = await fetch(URL + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - t0, text };
}
async function signIn(user) {
  const res = await fetch(`${URL}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': `soak-${user}` },
    body: JSON.stringify({ username: user, password: logins[user].password }),
  });
  const b = await res.json();
  if (res.status !== 200) throw new Error(`${user}: ${res.status} ${JSON.stringify(b)}`);
  return b.token;
}

// What each role does in a loop: reads of its own pages, and the writes of
// those who write (screening records; a sign-out and sign-in now and then).
function work(user) {
  const { role, region } = logins[user];
  const r = `region=${region}`;
  const reads = {
    admin: ['/api/v1/users?limit=50', '/api/v1/me/sessions', `/api/v1/regions/${region}/children?limit=50`],
    commander: [`/api/v1/stats/daily?${r}`, `/api/v1/communities/states?${r}`, `/api/v1/coverage?${r}`],
    officer: [`/api/v1/persons?${r}&limit=50`, `/api/v1/alerts?${r}&limit=50`, `/api/v1/reports?${r}`],
    gridworker: [`/api/v1/screenings/worklist?grid=${region}`, `/api/v1/coverage?${r}`],
    doctor: [`/api/v1/observations/due?${r}`, `/api/v1/cases?${r}&limit=50`, `/api/v1/contacts?${r}&limit=50`],
    auditor: ['/api/v1/audit?limit=50', '/api/v1/audit/head'],
  }[role] ?? ['/api/v1/vocab'];
  return { reads: [...reads, '/api/v1/me'], writes: role === 'gridworker' };
}

const stats = { requests: 0, byClass: {}, failed: 0, lat: [] };
const note = (res) => {
  stats.requests++;
  const k = `${Math.floor(res.status / 100)}xx`;
  stats.byClass[k] = (stats.byClass[k] ?? 0) + 1;
  stats.lat.push(res.ms);
};

let stop = false;
async function client(i, user) {
  let token = await signIn(user);
  const { reads, writes } = work(user);
  let households = [];
  if (writes) {
    const wl = JSON.parse((await call('GET', `/api/v1/screenings/worklist?grid=${logins[user].region}`, token)).text);
    households = wl.items.filter((h) => h.members.length > 0);
  }
  for (let n = 0; !stop; n++) {
    try {
      if (writes && n % 2 === 0 && households.length) {
        const batch = Array.from({ length: 20 }, (_, k) => {
          const h = households[(n * 20 + k) % households.length];
          return { uuid: crypto.randomUUID(), household_id: h.id, status: 'visited',
            persons: h.members.map((m) => ({ person_id: m.id, temperature: 36.6 })) };
        });
        note(await call('POST', '/api/v1/screenings', token, batch));
      } else {
        note(await call('GET', reads[n % reads.length], token));
      }
      if (n % 200 === 199) { // a sign-out and a new sign-in: sessions come and go
        note(await call('DELETE', '/api/v1/session', token));
        token = await signIn(user);
      }
    } catch (e) {
      stats.failed++;
      if (stats.failed <= 5) console.error(`client ${i} (${user}): ${e.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function sample() {
  const status = readFileSync(`/proc/${PID}/status`, 'utf8');
  const rss = Number(status.match(/^VmRSS:\s+(\d+)/m)[1]); // kB
  let fds = 0, sockets = 0;
  for (const fd of readdirSync(`/proc/${PID}/fd`)) {
    fds++;
    try { if (readlinkSync(`/proc/${PID}/fd/${fd}`).startsWith('socket:')) sockets++; } catch { /* closed meanwhile */ }
  }
  let wal = 0;
  try { wal = statSync(`${DB}-wal`).size; } catch { /* none */ }
  return { rss, fds, sockets, wal };
}
const p99 = (a) => { if (!a.length) return 0; const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]; };

const users = Object.keys(logins);
const t0 = Date.now();
const runs = Array.from({ length: clients }, (_, i) => client(i, users[i % users.length]));
const samples = [];
let walPeak = 0;
const walTimer = setInterval(() => { try { walPeak = Math.max(walPeak, statSync(`${DB}-wal`).size); } catch { /* none */ } }, 200);
console.log('   t(s)   RSS(MB)  fds  sockets  WAL(MB)  requests/s  p99(ms)  5xx');
let last = 0;
while (Date.now() - t0 < seconds * 1000) {
  await new Promise((r) => setTimeout(r, sampleEvery));
  const s = { t: Math.round((Date.now() - t0) / 1000), ...sample(), reqs: stats.requests - last, p99: p99(stats.lat), e5: stats.byClass['5xx'] ?? 0 };
  last = stats.requests;
  stats.lat = [];
  samples.push(s);
  console.log(`${String(s.t).padStart(7)} ${(s.rss / 1024).toFixed(1).padStart(9)} ${String(s.fds).padStart(4)} ${String(s.sockets).padStart(8)} ${(s.wal / 1048576).toFixed(1).padStart(8)} ${(s.reqs / (sampleEvery / 1000)).toFixed(0).padStart(11)} ${s.p99.toFixed(1).padStart(8)} ${String(s.e5).padStart(4)}`);
}
stop = true;
await Promise.all(runs);
clearInterval(walTimer);

const warm = Math.max(1, Math.floor(samples.length / 5));
const after = samples.slice(warm - 1);
const base = after[0];
const maxOf = (k) => Math.max(...after.map((s) => s[k]));
const minOf = (k) => Math.min(...after.map((s) => s[k]));
// the steady figure: the lowest sample of the last fifth of the run against
// the end of the warm-up.  The lowest, because each sign-in's argon2id hash
// takes 64 MiB for a moment (freed at once, back to the system), so a
// sample taken during sign-ins shows a peak that is not kept; the peak is
// printed too.
const steady = Math.min(...samples.slice(-warm).map((s) => s.rss));
const rssGrowth = (steady - base.rss) / base.rss;
const mem = Number(readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+)/m)[1]);
console.log(`\nsoak: ${seconds} s, ${clients} clients over ${users.length} demo users, ${stats.requests} requests ` +
  `(${Object.entries(stats.byClass).map(([k, v]) => `${k} ${v}`).join(', ')}), ${stats.failed} without an answer`);
console.log(`after the warm-up (first ${warm} sample(s), to ${base.t} s):`);
console.log(`  RSS ${(base.rss / 1024).toFixed(1)} MB at ${base.t} s, peak ${(maxOf('rss') / 1024).toFixed(1)} MB, ` +
  `lowest of the last ${warm} sample(s) ${(steady / 1024).toFixed(1)} MB: growth ${(rssGrowth * 100).toFixed(1)}% ` +
  `(target: within 10%); the peak is ${(maxOf('rss') / mem * 100).toFixed(2)}% of the machine's ${(mem / 1048576).toFixed(1)} GB`);
console.log(`  open file descriptors ${minOf('fds')}..${maxOf('fds')}, of them sockets ${minOf('sockets')}..${maxOf('sockets')} ` +
  `(${clients} clients with keep-alive)`);
console.log(`  write-ahead log peak ${(walPeak / 1048576).toFixed(1)} MB = ${(walPeak / Number(WAL_LIMIT) * 100).toFixed(1)}% of FK_WAL_LIMIT`);
process.exit((stats.byClass['5xx'] ?? 0) + stats.failed > 0 ? 1 : 0);
