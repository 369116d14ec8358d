// The database's write-ahead log under sustained writes (FK_WAL_LIMIT): a
// server started with a 1 MB limit records screenings until far more than
// the limit has gone through the log; the log file never exceeds the limit
// plus one batch (here one request of 100 records, as requests are sent one
// after another), and once the server is idle the file is emptied.  Nothing
// about time is asserted: the idle wait is polled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { startServer } from '../lib/harness.mjs';
import { GRID } from './registry-helpers.mjs';

globalThis.navigator ??= { onLine: true }; // outbox.js reads it when loaded
const { newUuid } = await import('../../web/js/outbox.js');

const LIMIT = 1 << 20; // the smallest FK_WAL_LIMIT allowed
let srv, token;
before(async () => {
  srv = await startServer({ env: { FK_WAL_LIMIT: String(LIMIT) } });
  token = await srv.login('gridworker');
});
after(async () => { await srv.stop(); });

const walSize = () => { try { return statSync(`${srv.db}-wal`).size; } catch { return 0; } };
// bytes the server has written to files (the log, and the copies back into
// the database file), from Linux's /proc
const written = () => Number(readFileSync(`/proc/${srv.child.pid}/io`, 'utf8').match(/^wchar: (\d+)/m)[1]);

test('the log stays within FK_WAL_LIMIT plus one batch, and is emptied once idle', {
  skip: process.env.FK_TEST_ENGINE === 'postgres'
    && 'FK_WAL_LIMIT bounds SQLite\'s log; a PostgreSQL server manages its own (max_wal_size)',
}, async () => {
  const wl = await srv.api('GET', `/api/v1/screenings/worklist?grid=${GRID}`, { token });
  assert.equal(wl.status, 200, JSON.stringify(wl.body));
  const hhs = wl.body.items.filter((h) => h.members.length > 0);
  assert.ok(hhs.length > 0);
  let peak = 0, largestStep = 0;
  const start = written();
  const sampler = setInterval(() => { peak = Math.max(peak, walSize()); }, 2);
  try {
    // 12 times the limit written: about half through the log, half copied back
    for (let n = 0; written() - start < 12 * LIMIT; n++) {
      assert.ok(n < 2000, `${written() - start} bytes written in ${n} requests`);
      const records = Array.from({ length: 100 }, (_, i) => {
        const h = hhs[(n * 100 + i) % hhs.length];
        return {
          uuid: newUuid(), household_id: h.id, status: 'visited',
          persons: h.members.map((m) => ({ person_id: m.id, temperature: 36.5 })),
        };
      });
      const was = walSize();
      const r = await srv.api('POST', '/api/v1/screenings', { token, body: records });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
      const now = walSize();
      peak = Math.max(peak, now);
      largestStep = Math.max(largestStep, now - was);
    }
  } finally {
    clearInterval(sampler);
  }
  // one batch: the most one request added (~200 KB); 512 KB is well above it
  assert.ok(largestStep < 512 * 1024, `a request added ${largestStep} bytes`);
  assert.ok(peak <= LIMIT + 512 * 1024, `the log file reached ${peak} bytes`);
  assert.ok(peak > LIMIT / 4, `the log file reached only ${peak} bytes`);
  for (let i = 0; i < 300 && walSize() > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(walSize(), 0, 'the idle server empties the log file');
});
