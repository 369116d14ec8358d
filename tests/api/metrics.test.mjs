// GET /metrics: the Prometheus text format for the addresses and the token
// configured (FK_METRICS_ALLOW, FK_METRICS_TOKEN), 404 for everyone else;
// requests by route pattern and status with their latency, the writer's
// queue and batch sizes, the database's log, connections and failures; no
// path, parameter or name in it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';

const TOKEN = 'metrics-token-0123456789';
let srv, off;
before(async () => {
  srv = await startServer({ env: { FK_METRICS_TOKEN: TOKEN, FK_METRICS_ALLOW: '127.0.0.2, 10.1.1.1' } });
  off = await startServer();
});
after(async () => { await srv.stop(); await off.stop(); });

const scrape = (opts = {}) => srv.raw('GET', '/metrics', opts);

test('nobody reads them unless configured; then only the listed addresses and the token', async () => {
  for (const h of [{}, { Authorization: `Bearer ${TOKEN}` }]) {
    const r = await off.raw('GET', '/metrics', { headers: h });
    assert.equal(r.status, 404, 'off by default');
  }
  assert.equal((await scrape()).status, 404, '127.0.0.1 is not listed');
  assert.equal((await scrape({ headers: { Authorization: `Bearer ${TOKEN}x` } })).status, 404);
  assert.equal((await scrape({ headers: { Authorization: TOKEN } })).status, 404);
  const t = await scrape({ headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(t.status, 200);
  assert.equal(t.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  const a = await scrape({ localAddress: '127.0.0.2' });
  assert.equal(a.status, 200, 'a listed address needs no token');
  assert.equal((await srv.raw('POST', '/metrics', { localAddress: '127.0.0.2' })).status, 405);
});

test('requests by route and status, latency histograms, the writer, the database', async () => {
  const token = await srv.login('officer');
  const before = await scrape({ localAddress: '127.0.0.2' });
  const count = (text, route, status) => Number(text.match(new RegExp(
    `^fangkong_http_requests_total\\{route="${route.replace(/[{}]/g, '\\$&')}",status="${status}"\\} (\\d+)$`, 'm'))?.[1] ?? 0);
  const h0 = count(before.body, 'GET /api/v1/health', 200);
  for (let i = 0; i < 3; i++) assert.equal((await srv.api('GET', '/api/v1/health')).status, 200);
  assert.equal((await srv.api('GET', '/api/v1/persons/987654321', { token })).status, 404);
  assert.equal((await srv.api('POST', '/api/v1/regions', { token, body: { parent: '420106001001', name: '度量网格' } })).status, 201);
  const r = await scrape({ localAddress: '127.0.0.2' });
  const text = r.body;
  assert.equal(count(text, 'GET /api/v1/health', 200), h0 + 3);
  assert.ok(count(text, 'GET /api/v1/persons/{id}', 404) >= 1);
  assert.ok(count(text, 'POST /api/v1/regions', 201) >= 1);
  // nothing but patterns: no id, no name, no token
  for (const secret of ['987654321', '度量网格', 'officer', token]) assert.ok(!text.includes(secret), secret);
  // every sample is NAME{LABELS} VALUE; every family announced
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
    assert.match(line, /^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+$/, line);
    const name = line.match(/^[a-z_]+/)[0].replace(/_(bucket|sum|count)$/, '');
    assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'), name);
  }
  // a histogram: cumulative buckets, +Inf equal to the count
  const b = [...text.matchAll(/^fangkong_http_request_duration_seconds_bucket\{route="GET \/api\/v1\/health",le="([^"]+)"\} (\d+)$/gm)]
    .map((m) => Number(m[2]));
  assert.ok(b.length > 5);
  for (let i = 1; i < b.length; i++) assert.ok(b[i] >= b[i - 1]);
  assert.equal(b.at(-1), Number(text.match(/^fangkong_http_request_duration_seconds_count\{route="GET \/api\/v1\/health"\} (\d+)$/m)[1]));
  // the writer committed the sign-in and the region: batches of at least one job
  const batches = Number(text.match(/^fangkong_writer_batch_size_count (\d+)$/m)[1]);
  const jobs = Number(text.match(/^fangkong_writer_batch_size_sum (\d+)$/m)[1]);
  assert.ok(batches >= 2 && jobs >= batches, `${jobs} jobs in ${batches} batches`);
  assert.match(text, /^fangkong_writer_queue_depth \d+$/m);
  assert.match(text, /^fangkong_writer_lost_batches_total 0$/m);
  assert.match(text, new RegExp(`^fangkong_info\\{version="[^"]+",engine="${srv.engine === 'postgres' ? 'postgresql' : 'sqlite'}"\\} 1$`, 'm'));
  assert.match(text, /^fangkong_database_log_bytes \d+$/m);
  assert.ok(Number(text.match(/^fangkong_database_connections (\d+)$/m)[1]) >= 2);
  assert.ok(Number(text.match(/^fangkong_http_connections (\d+)$/m)[1]) >= 1);
  assert.match(text, /^fangkong_database_failures_total\{kind="constraint"\} \d+$/m);
});
