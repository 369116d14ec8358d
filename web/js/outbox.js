// outbox.js - the grid-worker app's offline store (IndexedDB).
//
// Every screening record is written to the outbox first, under a UUID made
// on the phone, and only then sent.  The server answers a UUID it has seen
// with the same content as a replay and stores nothing, so sending again
// after a lost answer is safe; a UUID is never reused for other content.
// flush() sends what waits, in batches: on a network error or a server
// fault the records stay; an answer that refuses a record (4xx) marks that
// record failed with the server's message, for the user to see and discard:
// it is never retried.  Flushing runs when the page loads (start()), when
// the browser comes back online, every FLUSH_EVERY ms while records wait,
// and after each new record.
//
// The doctor's follow-ups (kind 'followup') go through the same outbox, one
// request each (POST /observations/{id}/followups with the uuid): the server
// answers a resend of the same follow-up as a replay.
//
// The store also keeps the last worklist of each grid, so the app still
// shows its households (with the statuses recorded here applied) offline.
// Records and worklists carry the username: another account signing in on
// the same phone neither sends nor sees them.
import * as API from './api.js';

const DB_NAME = 'fangkong';
const DB_VERSION = 1;
const BATCH = 100;
const FLUSH_EVERY = 20000;

let dbp = null;          // Promise<IDBDatabase|null>; null: IndexedDB unusable, memory only
const mem = { outbox: new Map(), worklists: new Map() };
let user = null;         // whose records are sent
let timer = null;
let running = null;      // the flush in progress
let again = false;       // another flush was asked for while one ran
const listeners = new Set();
const results = new Map(); // uuid → the server's answer to a follow-up just sent
export const status = { pending: 0, failed: 0, lastError: null, lastSync: null, online: navigator.onLine };

function open() {
  if (dbp) return dbp;
  dbp = new Promise((resolve) => {
    let req;
    try {
      req = indexedDB.open(DB_NAME, DB_VERSION);
    } catch {
      resolve(null);
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'uuid' });
      if (!db.objectStoreNames.contains('worklists')) db.createObjectStore('worklists', { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
  return dbp;
}

// Runs fn(store) in one transaction; resolves with the value of the
// request fn returns (or undefined) once the transaction has committed.
async function tx(storeName, mode, fn) {
  const db = await open();
  if (!db) return fn(null);
  return new Promise((resolve, reject) => {
    const t = db.transaction(storeName, mode);
    const req = fn(t.objectStore(storeName));
    t.oncomplete = () => resolve(req ? req.result : undefined);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('aborted'));
  });
}

const all = (name) => tx(name, 'readonly', (s) => (s ? s.getAll() : null))
  .then((v) => v || [...mem[name].values()]);
const put = (name, v) => tx(name, 'readwrite', (s) => (s ? s.put(v) : void mem[name].set(v.uuid || v.key, v)));
const del = (name, key) => tx(name, 'readwrite', (s) => (s ? s.delete(key) : void mem[name].delete(key)));
const get = (name, key) => tx(name, 'readonly', (s) => (s ? s.get(key) : null))
  .then((v) => (v === null ? mem[name].get(key) : v));

// A time-ordered UUID (version 7, RFC 9562 §5.7): 48 bits of Unix time in
// milliseconds, the version, 12 random bits, the variant, 62 random bits.
// The server keeps its idempotency index in UUID order, so records made now
// land at that index's end; random (version 4) UUIDs landed each on a random
// page of it, and each commit rewrote thousands of pages.  The server still
// accepts any UUID.  Hand-written because it is ten lines: no package needed.
// getRandomValues, unlike crypto.randomUUID, also works on plain-HTTP LAN
// deployments (no secure context).
export function newUuid(now = Date.now()) {
  const b = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5, t = now; i >= 0; i--, t = Math.floor(t / 256)) b[i] = t % 256;
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// fn(status) after every change of the outbox; returns an unsubscribe.
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function changed() {
  const items = user ? (await all('outbox')).filter((i) => i.user === user) : [];
  status.pending = items.filter((i) => i.state === 'pending').length;
  status.failed = items.filter((i) => i.state === 'failed').length;
  status.online = navigator.onLine;
  for (const fn of listeners) {
    try { fn(status); } catch { /* a view gone: ignore */ }
  }
}

// This user's records of kind (screening, followup), oldest first (pending and failed).
export async function items(kind = 'screening') {
  return (await all('outbox')).filter((i) => i.user === user && (i.kind || 'screening') === kind)
    .sort((a, b) => a.created - b.created);
}

// Queues the follow-up body (with its uuid, date and slot) of observation
// obs.  Resolves once it is stored on the phone; send() sends it.
export async function addFollowup(obs, body) {
  await put('outbox', {
    uuid: body.uuid, user, kind: 'followup', obs, date: body.date, body, created: Date.now(), state: 'pending', error: null,
  });
  await changed();
}

// Sends what waits and says what became of record uuid: {result} (the
// server's answer), {queued: true} (kept for later: offline, or the server
// unwell) or {error} (refused; the record is forgotten: the user sees why).
export async function send(uuid) {
  await flush();
  if (results.has(uuid)) {
    const result = results.get(uuid);
    results.delete(uuid);
    return { result };
  }
  const it = await get('outbox', uuid);
  if (!it) return { queued: false };
  if (it.state === 'failed') {
    await discard(uuid);
    return { error: it.error };
  }
  return { queued: true };
}

// Queues one record ({uuid, household_id, date, status, persons?}, or an
// undo: {uuid, household_id, date, status: 'withdrawn', withdraws}) of grid
// and starts sending it.  Resolves once the record is stored on the phone.
export async function add(grid, record) {
  await put('outbox', {
    uuid: record.uuid, user, grid, date: record.date, household_id: record.household_id,
    body: record, created: Date.now(), state: 'pending', error: null,
  });
  await changed();
  flush();
}

// Forgets a failed record (the user has seen why it was refused).
export async function discard(uuid) {
  await del('outbox', uuid);
  await changed();
}

// The worklist of grid last fetched by this user, or null.
export async function worklist(grid) {
  const w = await get('worklists', `${user}|${grid}`);
  return w ? { data: w.data, fetched: w.fetched } : null;
}

export async function saveWorklist(grid, data) {
  await put('worklists', { key: `${user}|${grid}`, user, grid, data, fetched: Date.now() });
}

// Records a server-accepted record in the cached worklist, so the cache
// stays true between fetches.
async function accepted(item, result) {
  const w = await get('worklists', `${item.user}|${item.grid}`);
  if (!w || w.data.date !== item.date) return;
  const hh = w.data.items.find((x) => x.id === item.household_id);
  if (!hh) return;
  if (item.body.status === 'withdrawn') {
    // an undo: the household is pending again, unless a later record stood
    if (!result.withdrew) return;
    Object.assign(hh, { status: null, abnormal: false, uuid: null, findings: [], findings_of: null, mine: false });
  } else {
    Object.assign(hh, { status: item.body.status, abnormal: !!result.abnormal, uuid: item.uuid, mine: true });
  }
  await put('worklists', w);
}

// Sends what waits.  Concurrent calls share one run (and ask for another
// after it, so a record added meanwhile is not left behind).
export function flush() {
  if (!user) return Promise.resolve(status);
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await flushOnce();
    } while (again);
  })().finally(() => { running = null; });
  return running.then(() => status);
}

// Sends the waiting follow-ups one by one; false when the rest must wait
// (unreachable, a server fault, signed out, throttled).
async function flushFollowups() {
  for (const it of (await items('followup')).filter((i) => i.state === 'pending')) {
    try {
      results.set(it.uuid, await API.observations.followup(it.obs, it.body));
      if (results.size > 200) results.delete(results.keys().next().value);
      await del('outbox', it.uuid);
      status.lastError = null;
      status.lastSync = Date.now();
    } catch (err) {
      status.lastError = err;
      if (err.status === 0 || err.status >= 500 || err.status === 401 || err.status === 429) return false;
      it.state = 'failed';
      it.error = { status: err.status, code: err.code, message: err.message, field: err.field };
      await put('outbox', it);
    }
    await changed();
  }
  return true;
}

async function flushOnce() {
  if (!(await flushFollowups())) { await changed(); return; }
  let queue = (await items()).filter((i) => i.state === 'pending');
  let size = BATCH;
  while (queue.length) {
    const batch = queue.slice(0, size);
    let res;
    try {
      res = await API.screenings.record(batch.map((i) => i.body));
    } catch (err) {
      status.lastError = err;
      // Unreachable, a server fault, signed out, throttled: keep all and retry later.
      if (err.status === 0 || err.status >= 500 || err.status === 401 || err.status === 429) break;
      // Refused: the batch was one transaction, nothing was stored.  The
      // field names the record at fault ("[3].persons[0].temperature").
      const m = /^\[(\d+)\]/.exec(err.field || '');
      const bad = m ? batch[Number(m[1])] : (batch.length === 1 ? batch[0] : null);
      if (bad) {
        bad.state = 'failed';
        bad.error = { status: err.status, code: err.code, message: err.message, field: err.field };
        await put('outbox', bad);
        queue = queue.filter((i) => i !== bad);
      } else {
        size = 1; // cannot tell which: send them one by one
      }
      await changed();
      continue;
    }
    const results = (res && res.items) || [];
    for (let k = 0; k < batch.length; k++) {
      await accepted(batch[k], results[k] || {});
      await del('outbox', batch[k].uuid);
    }
    status.lastError = null;
    status.lastSync = Date.now();
    queue = queue.slice(batch.length);
    await changed();
  }
  await changed();
}

function onOnline() { status.online = true; flush(); }
function onOffline() { status.online = false; changed(); }

// Starts sending username's records: now, when back online, and
// periodically while some wait.
export function start(username) {
  if (user === username && timer) return;
  stop();
  user = username;
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  timer = setInterval(() => { if (status.pending) flush(); }, FLUSH_EVERY);
  changed().then(() => flush());
}

// Stops sending (signed out).  Waiting records stay for the next sign-in;
// the cached worklists (they name residents) are removed.
export async function stop({ forget = false } = {}) {
  if (timer) clearInterval(timer);
  timer = null;
  window.removeEventListener('online', onOnline);
  window.removeEventListener('offline', onOffline);
  if (forget && user) {
    const u = user;
    for (const w of await all('worklists')) if (w.user === u) await del('worklists', w.key);
  }
  user = null;
  status.pending = 0;
  status.failed = 0;
}

