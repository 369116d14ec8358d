import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('health answers without a session, with security headers', async () => {
  const r = await srv.api('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
});

test('GET / serves web/index.html', async (t) => {
  const file = path.join(ROOT, 'web/index.html');
  if (!existsSync(file)) return t.skip('web/index.html is not there yet');
  const r = await srv.api('GET', '/');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.body, readFileSync(file, 'utf8'));
  const etag = r.headers.get('etag');
  assert.ok(etag);
  const again = await srv.api('GET', '/', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.match(again.headers.get('content-security-policy'), /default-src 'self'/);
});
