// The app's record UUIDs (web/js/outbox.js newUuid): version 7 (RFC 9562),
// time-ordered, so the server's uuid index takes new records at its end;
// and the server takes them as it takes random (version 4) ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { GRID } from './registry-helpers.mjs';

globalThis.navigator ??= { onLine: true }; // outbox.js reads it when loaded
const { newUuid } = await import('../../web/js/outbox.js');

test('newUuid makes version-7 UUIDs holding the time, in time order', () => {
  const t = Date.UTC(2026, 11, 7, 12, 0, 0, 123);
  const u = newUuid(t);
  assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(u.slice(0, 8) + u.slice(9, 13), 16), t);
  const ids = [];
  for (let i = 0; i < 50; i++) ids.push(newUuid(t + i * 7));
  assert.deepEqual([...ids].sort(), ids); // later milliseconds sort after
  assert.equal(new Set(Array.from({ length: 1000 }, () => newUuid(t))).size, 1000); // 74 random bits
  assert.match(newUuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
});

test('the server stores version-7 and version-4 records alike, and answers a replay', async () => {
  const srv = await startServer();
  try {
    const token = await srv.login('gridworker');
    const h = await srv.api('POST', '/api/v1/households', { token, body: { grid: GRID, building: 'uuid楼', room: '1' } });
    assert.equal(h.status, 201, JSON.stringify(h.body));
    const v4 = '3b241101-e2bb-4255-8caf-4136c566a962';
    const recs = [newUuid(), v4].map((uuid) => ({ uuid, household_id: h.body.id, status: 'not_home' }));
    const r = await srv.api('POST', '/api/v1/screenings', { token, body: recs });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.items.map((x) => [x.uuid, x.result]), recs.map((x) => [x.uuid, 'created']));
    const again = await srv.api('POST', '/api/v1/screenings', { token, body: recs });
    assert.deepEqual(again.body.items.map((x) => x.result), ['replayed', 'replayed']);
  } finally {
    await srv.stop();
  }
});
