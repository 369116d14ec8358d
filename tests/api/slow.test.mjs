// Slow clients: a request (head and body) must arrive within
// FK_REQUEST_DEADLINE seconds of the connection's opening or its previous
// answer, however steadily it trickles; and one address holds at most
// FK_MAX_CONN_PER_ADDR connections at once.  Bounded: a 2-second deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from '../lib/harness.mjs';

const DEADLINE = 2, PER_ADDR = 4;
let srv, port;
before(async () => {
  srv = await startServer({ env: { FK_REQUEST_DEADLINE: String(DEADLINE), FK_MAX_CONN_PER_ADDR: String(PER_ADDR) } });
  port = Number(new URL(srv.base).port);
});
after(async () => { await srv.stop(); });

// Opens a socket from localAddress; resolves once connected.
function open(localAddress = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress }, () => resolve(s));
    s.on('error', reject);
  });
}

// Writes parts with pause ms between them until the server closes the
// socket (or 4 × DEADLINE passes); resolves {ms: time to the close, data}.
function trickle(s, parts, pause) {
  const t0 = Date.now();
  let data = '';
  return new Promise((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      if (s.destroyed || i >= parts.length) return;
      s.write(parts[i++]);
    }, pause);
    const done = () => { clearInterval(timer); resolve({ ms: Date.now() - t0, data }); };
    s.on('data', (d) => { data += d; });
    s.on('close', done);
    s.on('error', () => {});
    setTimeout(() => { s.destroy(); }, 4 * DEADLINE * 1000);
  });
}

test('a client trickling its headers is cut off at the deadline', { timeout: 15000 }, async () => {
  const s = await open();
  s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n');
  const headers = Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: 1\r\n`);
  const r = await trickle(s, headers, 200);
  assert.ok(r.ms >= DEADLINE * 1000 - 200, `cut after ${r.ms} ms, before the deadline`);
  assert.ok(r.ms < (DEADLINE + 2.5) * 1000, `cut after ${r.ms} ms`);
  assert.equal(r.data, '', 'no answer to a request that never arrived');
  // the server serves others meanwhile and after
  assert.equal((await srv.api('GET', '/api/v1/health')).status, 200);
});

test('a client trickling its body is cut off at the deadline', { timeout: 15000 }, async () => {
  const s = await open();
  s.write('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n');
  const r = await trickle(s, Array(200).fill(' '), 200);
  assert.ok(r.ms >= DEADLINE * 1000 - 200 && r.ms < (DEADLINE + 2.5) * 1000, `cut after ${r.ms} ms`);
  assert.equal(r.data, '');
});

test('a request that arrives in parts within the deadline is answered; keep-alive restarts the clock', { timeout: 15000 }, async () => {
  const s = await open();
  let data = '';
  s.on('data', (d) => { data += d; });
  const wait = (ms) => new Promise((res) => setTimeout(res, ms));
  for (let i = 0; i < 2; i++) {
    s.write('GET /api/v1/health HTTP/1.1\r\n');
    await wait(DEADLINE * 300);
    s.write('Host: x\r\n\r\n');
    await wait(DEADLINE * 400);
  }
  s.destroy();
  assert.equal(data.match(/HTTP\/1\.1 200/g)?.length, 2, data);
});

test(`one address holds at most ${PER_ADDR} connections at once`, { timeout: 15000 }, async () => {
  const held = [];
  for (let i = 0; i < PER_ADDR; i++) held.push(await open('127.0.8.1'));
  const extra = await open('127.0.8.1');
  extra.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n');
  const r = await trickle(extra, [], 100);
  assert.ok(r.ms < DEADLINE * 1000, `closed after ${r.ms} ms`);
  assert.equal(r.data, '', 'the connection over the limit is closed unanswered');
  // another address is not affected
  const other = await open('127.0.8.2');
  other.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const o = await trickle(other, [], 100);
  assert.match(o.data, /^HTTP\/1\.1 200/);
  for (const s of held) s.destroy();
});
