// The HTTP layer: body limits, JSON errors, routing errors, security
// headers, keep-alive and static files.  The server serves a web folder made
// here, with a file beside it that traversal must never reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/harness.mjs';

const MiB = 1024 * 1024;
const SECRET = 'top-secret-outside-the-web-folder';
const APP_JS = `export const x = 1;\n${'// the app\n'.repeat(50)}`;
const INDEX = '<!doctype html><title>fangkong test</title><p>首页</p>\n';
let srv, tmp, admin;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'fk-web-'));
  const web = path.join(tmp, 'web');
  mkdirSync(path.join(web, 'sub'), { recursive: true });
  mkdirSync(path.join(web, 'vendor'));
  mkdirSync(path.join(web, '.git'));
  writeFileSync(path.join(web, 'index.html'), INDEX);
  writeFileSync(path.join(web, 'app.js'), APP_JS);
  writeFileSync(path.join(web, 'style.css'), 'body{}\n');
  // gzip copies as make writes them beside each file (web/FILE.gz); the
  // one for style.css is older than the file, as after an edit without a build
  writeFileSync(path.join(web, 'app.js.gz'), gzipSync(APP_JS));
  writeFileSync(path.join(web, 'style.css.gz'), gzipSync('body{color:red}\n'));
  utimesSync(path.join(web, 'style.css.gz'), new Date(2020, 0, 1), new Date(2020, 0, 1));
  writeFileSync(path.join(web, 'data.json'), '{"a":1}\n');
  writeFileSync(path.join(web, 'blob.bin'), 'bytes');
  writeFileSync(path.join(web, 'sub', 'page.html'), '<p>sub</p>\n');
  writeFileSync(path.join(web, 'vendor', 'lib.js'), 'var lib;\n');
  writeFileSync(path.join(web, '.env'), SECRET);
  writeFileSync(path.join(web, '.git', 'config'), SECRET);
  writeFileSync(path.join(tmp, 'outside.txt'), SECRET);
  symlinkSync(path.join(tmp, 'outside.txt'), path.join(web, 'link.txt'));
  srv = await startServer({ web, env: { FK_LOGIN_MAX_FAILURES: '1000', FK_LOGIN_MAX_USER_ADDR_FAILURES: '1000', FK_LOGIN_MAX_ADDR_FAILURES: '1000', FK_QUIET: '0' } });
  admin = await srv.login('admin');
});
after(async () => {
  await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const json = { 'Content-Type': 'application/json' };

function assertSecurityHeaders(h, what) {
  const get = (n) => (typeof h.get === 'function' ? h.get(n) : h[n]);
  const csp = get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/, what);
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.equal(get('x-content-type-options'), 'nosniff', what);
  assert.equal(get('referrer-policy'), 'no-referrer', what);
  assert.equal(get('x-frame-options'), 'DENY', what);
}

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(typeof r.body, 'object', `a JSON error body, got ${r.body}`);
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  assert.equal(typeof r.body.error.message, 'string');
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  const ct = typeof r.headers.get === 'function' ? r.headers.get('content-type') : r.headers['content-type'];
  assert.match(ct, /^application\/json/);
}

// ---- body size ----

test('a body over 1 MiB with Content-Length is refused at once with 413', async () => {
  // The server answers before reading the body and then closes; a client
  // still writing may see its write fail (EPIPE or a reset) before it reads
  // the answer.  That race is the client's; the answer must come in the
  // ordinary case, so try a few times and insist on one 413.
  let r;
  for (let i = 0; i < 5 && !r; i++) {
    r = await srv.raw('POST', '/api/v1/regions', {
      token: admin, headers: json, body: `{"parent":"${'x'.repeat(MiB)}"}`,
    }).catch((e) => {
      if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') throw e;
      return undefined;
    });
  }
  assert.ok(r, 'every attempt ended in EPIPE/ECONNRESET without the 413');
  assertError(r, 413, 'too_large');
  assert.match(r.body.error.message, /1048576/);
  assertSecurityHeaders(r.headers, '413');
});

test('a declared length over the limit is refused without sending the body', { timeout: 10000 }, async () => {
  const r = await new Promise((resolve, reject) => {
    const u = new URL(srv.base);
    const req = http.request({
      host: u.hostname, port: u.port, method: 'POST', path: '/api/v1/session', agent: false,
      headers: { ...json, 'Content-Length': String(50 * MiB), Expect: '100-continue' },
    }, (res) => {
      let b = '';
      res.on('data', (c) => { b += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(b) }));
    });
    req.on('continue', () => reject(new Error('the server asked for the body')));
    req.on('error', reject);
    req.flushHeaders();
  });
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, 'too_large');
});

test('a chunked body growing past 1 MiB is 413', async () => {
  const chunk = ' '.repeat(64 * 1024);
  const r = await srv.raw('POST', '/api/v1/regions', {
    token: admin, headers: json, body: ['{"parent":"420106001001",', ...Array(17).fill(chunk), '"name":"x"}'],
  });
  assertError(r, 413, 'too_large');
});

test('a body of exactly 1 MiB is accepted (and then validated)', async () => {
  const head = '{"parent":"420106001001","name":"';
  const tail = '"}';
  // whitespace pads the JSON up to the limit
  const body = `${head}n${tail}`.padEnd(MiB, ' ');
  const body2 = `${head}m${tail}`.padEnd(MiB, ' ');
  assert.equal(Buffer.byteLength(body), MiB);
  const r = await srv.api('POST', '/api/v1/regions', { token: admin, raw: body, headers: json });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const chunked = await srv.raw('POST', '/api/v1/regions', {
    token: admin, headers: json, body: [body2.slice(0, MiB / 2), body2.slice(MiB / 2)],
  });
  assert.equal(chunked.status, 201, JSON.stringify(chunked.body));
});

// ---- JSON ----

test('JSON nested deeper than 32 levels is 400 too_deep', async () => {
  const nest = (n) => `{"username":${'['.repeat(n - 1)}${']'.repeat(n - 1)},"password":"x"}`;
  const deep = await srv.api('POST', '/api/v1/session', { raw: nest(33), headers: json });
  assertError(deep, 400, 'too_deep');
  assert.match(deep.body.error.message, /32/);
  assert.match(deep.body.error.message, /position \d+/);
  // 32 levels parse; then the field has the wrong type
  const ok = await srv.api('POST', '/api/v1/session', { raw: nest(32), headers: json });
  assertError(ok, 400, 'invalid', 'username');
  // brackets inside strings are not nesting
  const str = await srv.api('POST', '/api/v1/session', {
    body: { username: '['.repeat(60), password: '{'.repeat(100) },
  });
  assert.equal(str.status, 401);
  // a very deep document is refused without trouble
  const huge = await srv.api('POST', '/api/v1/session', { raw: '['.repeat(200000), headers: json });
  assertError(huge, 400, 'too_deep');
});

test('strings and keys over 64 KiB are 400 too_long naming the field', async () => {
  const K = 64 * 1024;
  const top = await srv.api('POST', '/api/v1/session', { body: { username: 'u'.repeat(K + 1), password: 'x' } });
  assertError(top, 400, 'too_long', 'username');
  const nested = await srv.api('POST', '/api/v1/session', {
    body: { username: 'a', password: 'b', extra: { list: ['short', 'y'.repeat(K + 1)] } },
  });
  assertError(nested, 400, 'too_long', 'extra.list[1]');
  const key = await srv.api('POST', '/api/v1/session', { body: { username: 'a', password: 'b', ['k'.repeat(K + 1)]: 1 } });
  assertError(key, 400, 'too_long');
  // exactly 64 KiB is not too long (the field's own limit answers)
  const edge = await srv.api('POST', '/api/v1/session', { body: { username: 'u'.repeat(K), password: 'x' } });
  assertError(edge, 400, 'invalid', 'username');
  // 64 KiB counts bytes: 21846 three-byte characters are 65538 bytes
  const cjk = await srv.api('POST', '/api/v1/session', { body: { username: '网'.repeat(21846), password: 'x' } });
  assertError(cjk, 400, 'too_long', 'username');
});

test('invalid JSON is 400 invalid_json with its position', async () => {
  const bad = [
    '{"username":',
    '{"username":"a","password":"b"} trailing',
    "{'username':'a'}",
    '{"username":"a",}',
    'null',
    '"just a string"',
    '{"username":"a\\u0000b","password":"x"}',
  ];
  for (const raw of bad) {
    const r = await srv.api('POST', '/api/v1/session', { raw, headers: json });
    assertError(r, 400, 'invalid_json');
    assert.match(r.body.error.message, /position \d+/, raw);
  }
  const r = await srv.api('POST', '/api/v1/session', { raw: '{"username":"a",\n  "password" "b"}', headers: json });
  assert.match(r.body.error.message, /line 2/);
});

test('invalid UTF-8 is 400 invalid_json', async () => {
  const raw = Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"x"}')]);
  const r = await srv.api('POST', '/api/v1/session', { raw, headers: json });
  assertError(r, 400, 'invalid_json');
});

test('duplicate keys are 400 invalid_json', async () => {
  const r = await srv.api('POST', '/api/v1/session', {
    raw: '{"username":"admin","password":"x","username":"other"}', headers: json,
  });
  assertError(r, 400, 'invalid_json');
  assert.match(r.body.error.message, /duplicate/i);
});

test('unknown fields and wrong types are 400 naming the field', async () => {
  const cases = [
    ['/api/v1/regions', { parent: '420106001001', name: 'x', color: 'red' }, 'color'],
    ['/api/v1/regions', { parent: 420106001001, name: 'x' }, 'parent'],
    ['/api/v1/regions', { parent: '420106001001', name: ['x'] }, 'name'],
    ['/api/v1/users', { username: 'abc', password: 'long-enough', role: 'volunteer', region: '420106', admin: true }, 'admin'],
    ['/api/v1/users', { username: 'abc', password: 12345678, role: 'volunteer', region: '420106' }, 'password'],
    ['/api/v1/users', { username: 'abc', password: 'long-enough', role: 'volunteer', region: 420106 }, 'region'],
  ];
  for (const [p, body, field] of cases) {
    const r = await srv.api('POST', p, { token: admin, body });
    assertError(r, 400, 'invalid', field);
    assert.match(r.body.error.message, new RegExp(field));
  }
  const patch = await srv.api('PATCH', '/api/v1/users/volunteer', { token: admin, body: { disabled: 'yes' } });
  assertError(patch, 400, 'invalid', 'disabled');
});

test('a body route needs Content-Type: application/json (415)', async () => {
  const body = JSON.stringify({ parent: '420106001001', name: '媒体类型网格' });
  for (const ct of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'multipart/form-data']) {
    const headers = ct ? { 'Content-Type': ct } : {};
    const r = await srv.raw('POST', '/api/v1/regions', { token: admin, headers, body });
    assertError(r, 415, 'unsupported_media_type');
  }
  const r = await srv.raw('POST', '/api/v1/regions', {
    token: admin, headers: { 'Content-Type': 'Application/JSON; charset=utf-8' }, body,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
});

// ---- routing ----

test('an unknown API path is a JSON 404', async () => {
  for (const p of ['/api/v1/nope', '/api/v2/health', '/api/v1/health/', '/api/v1/regions/420106/children/x',
    '/api/v1/users/', '/api/v1/regions//children', '/api/', '/api/v1']) {
    const r = await srv.api('GET', p, { token: admin });
    assertError(r, 404, 'not_found');
    assertSecurityHeaders(r.headers, p);
  }
});

test('a wrong method is 405 with Allow', async () => {
  const cases = [
    ['PUT', '/api/v1/health', 'GET'],
    ['POST', '/api/v1/health', 'GET'],
    ['GET', '/api/v1/session', 'POST, DELETE'],
    ['PUT', '/api/v1/session', 'POST, DELETE'],
    ['DELETE', '/api/v1/regions', 'GET, POST'],
    ['GET', '/api/v1/users/admin', 'PATCH'],
    ['DELETE', '/api/v1/users/admin', 'PATCH'],
    ['POST', '/api/v1/regions/420106', 'GET'],
    ['DELETE', '/api/v1/audit', 'GET'],
  ];
  for (const [m, p, allow] of cases) {
    const r = await srv.api(m, p, { token: admin });
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), allow, `${m} ${p}`);
  }
  // without a session too: the method is wrong whoever asks
  assert.equal((await srv.api('PUT', '/api/v1/users/admin')).status, 405);
});

test('HEAD answers like GET without a body; a query string does not change the route', async () => {
  const h = await srv.raw('HEAD', '/api/v1/health');
  assert.equal(h.status, 200);
  assert.equal(h.body, null);
  const q = await srv.api('GET', '/api/v1/health?x=1&y');
  assert.equal(q.status, 200);
  assert.equal(q.body.status, 'ok');
});

test('health: status, version and schema', async () => {
  const r = await srv.api('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.body.version, /^\d+\.\d+\.\d+/);
  assert.ok(Number.isInteger(r.body.schema) && r.body.schema >= 1);
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

// ---- headers and connections ----

test('every kind of answer carries the security headers', async () => {
  const answers = [
    await srv.api('GET', '/api/v1/health'),
    await srv.api('GET', '/api/v1/me'),
    await srv.api('GET', '/api/v1/audit', { token: await srv.login('volunteer') }),
    await srv.api('GET', '/api/v1/regions/42', { token: admin }),
    await srv.api('PUT', '/api/v1/me'),
    await srv.api('POST', '/api/v1/users', { token: admin, raw: 'x' }),
    await srv.api('POST', '/api/v1/users', { token: admin, raw: '{', headers: json }),
    await srv.api('GET', '/'),
    await srv.api('GET', '/nope.html'),
    await srv.api('POST', '/'),
  ];
  const etag = answers[7].headers.get('etag');
  answers.push(await srv.api('GET', '/', { headers: { 'If-None-Match': etag } }));
  for (const r of answers) assertSecurityHeaders(r.headers, `status ${r.status}`);
  assert.deepEqual(answers.map((r) => r.status), [200, 401, 403, 404, 405, 415, 400, 200, 404, 405, 304]);
});

test('keep-alive: requests share one connection, errors included', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const a = await srv.raw('GET', '/api/v1/health', { agent });
    const b = await srv.raw('GET', '/api/v1/me', { agent }); // 401
    const c = await srv.raw('GET', '/api/v1/nope', { agent }); // 404
    const d = await srv.raw('POST', '/api/v1/regions', {
      agent, token: admin, headers: json, body: JSON.stringify({ parent: '420106001001', name: '长连接网格' }),
    });
    const e = await srv.raw('GET', '/', { agent });
    assert.deepEqual([a.status, b.status, c.status, d.status, e.status], [200, 401, 404, 201, 200]);
    assert.equal(a.reused, false);
    for (const r of [b, c, d, e]) assert.equal(r.reused, true, `status ${r.status} came on a new connection`);
    for (const r of [a, b, c, d]) assert.notEqual(r.headers.connection, 'close');
  } finally {
    agent.destroy();
  }
});

test('oversized request targets and headers are JSON 414/431 with the security headers', async () => {
  const url = await srv.raw('GET', `/api/v1/regions/${'x'.repeat(40000)}`, { token: admin });
  assertError(url, 414, 'uri_too_long');
  const query = await srv.raw('GET', `/api/v1/health?q=${'x'.repeat(8200)}`);
  assertError(query, 414, 'uri_too_long');
  const hdr = await srv.raw('GET', '/api/v1/health', { headers: { 'X-Big': 'y'.repeat(40000) } });
  assertError(hdr, 431, 'headers_too_large');
  const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`X-H${i}`, '1']));
  const count = await srv.raw('GET', '/api/v1/health', { headers: many });
  assertError(count, 431, 'headers_too_large');
  for (const r of [url, query, hdr, count]) assertSecurityHeaders(r.headers, String(r.status));
  // just within the limits
  assert.equal((await srv.raw('GET', `/api/v1/health?q=${'x'.repeat(8000)}`)).status, 200);
  assert.equal((await srv.raw('GET', '/api/v1/health', { headers: { 'X-Big': 'y'.repeat(15000) } })).status, 200);
});

test('too many query parameters are 431 at once, never a silent connection', { timeout: 10000 }, async () => {
  for (const n of [101, 260, 1000]) {
    const r = await srv.raw('GET', `/api/v1/health?${'a=1&'.repeat(n)}`);
    assertError(r, 431, 'too_many_parameters');
    assertSecurityHeaders(r.headers, `${n} parameters`);
  }
  assert.equal((await srv.raw('GET', `/api/v1/health?${'a=1&'.repeat(100)}`)).status, 200);
});

test('a NUL byte anywhere in the path or query is 400', async () => {
  for (const p of ['/api/v1/audit?limit=1%00', '/api/v1/audit?action=login%00x', '/index.html%00.js',
    '/api/v1/regions/420106%00', '/api/v1/health?a%00=1']) {
    const r = await srv.raw('GET', p, { token: admin });
    assertError(r, 400, 'invalid');
    assert.match(r.body.error.message, /NUL/);
  }
  assert.equal((await srv.raw('GET', '/api/v1/audit?limit=1', { token: admin })).status, 200);
});

test('the request log names each request by its X-Request-Id and never holds secrets', async () => {
  const r = await srv.api('GET', '/api/v1/health?probe=1');
  const id = r.headers.get('x-request-id');
  const pw = srv.logins.keeper.password;
  const s = await srv.api('POST', '/api/v1/session', { body: { username: 'keeper', password: pw } });
  await srv.api('GET', '/api/v1/me', { token: s.body.token });
  await srv.api('GET', '/api/v1/me', { headers: { Cookie: `fk_session=${s.body.token}` } });
  // the request log is written in batches, at the latest about a second later
  let line;
  for (let i = 0; i < 30 && !line; i++) {
    await new Promise((res) => setTimeout(res, 100));
    line = srv.log.split('\n').find((l) => l.includes(id));
  }
  assert.ok(line, `no log line with ${id}`);
  assert.match(line, /GET \/api\/v1\/health 200 /);
  assert.ok(!srv.log.includes(pw), 'a password in the log');
  assert.ok(!srv.log.includes(s.body.token), 'a token in the log');
});

// ---- static files ----

test('GET / serves index.html as text/html with an ETag; If-None-Match gives 304', async () => {
  const r = await srv.api('GET', '/');
  assert.equal(r.status, 200);
  assert.equal(r.body, INDEX);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const etag = r.headers.get('etag');
  assert.match(etag, /^"[^"]+"$/);
  const same = await srv.api('GET', '/index.html');
  assert.equal(same.body, INDEX);
  assert.equal(same.headers.get('etag'), etag);
  const nm = await srv.api('GET', '/', { headers: { 'If-None-Match': etag } });
  assert.equal(nm.status, 304);
  assert.equal(nm.body, null);
  assert.equal(nm.headers.get('etag'), etag);
  const changed = await srv.api('GET', '/', { headers: { 'If-None-Match': '"something-else"' } });
  assert.equal(changed.status, 200);
  const head = await srv.raw('HEAD', '/');
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
  assert.equal(head.headers['content-type'], 'text/html; charset=utf-8');
});

test('static files carry their content types; /vendor/ is cached for a day', async () => {
  const types = {
    '/app.js': 'text/javascript; charset=utf-8',
    '/style.css': 'text/css; charset=utf-8',
    '/data.json': 'application/json; charset=utf-8',
    '/blob.bin': 'application/octet-stream',
    '/sub/page.html': 'text/html; charset=utf-8',
  };
  for (const [p, ct] of Object.entries(types)) {
    const r = await srv.api('GET', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers.get('content-type'), ct, p);
    assert.equal(r.headers.get('cache-control'), 'no-cache', p);
  }
  const v = await srv.api('GET', '/vendor/lib.js');
  assert.equal(v.status, 200);
  assert.equal(v.headers.get('cache-control'), 'public, max-age=86400');
});

test('a file with a gzip copy is sent compressed to clients that take gzip, plain to others, varying by Accept-Encoding', async () => {
  const gz = await srv.raw('GET', '/app.js', { headers: { 'Accept-Encoding': 'br, gzip;q=0.8' } });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.equal(gz.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(gunzipSync(gz.bytes).toString(), APP_JS);
  assert.ok(gz.bytes.length < APP_JS.length / 4, `${gz.bytes.length} bytes compressed`);
  for (const ae of [undefined, 'identity', 'gzip;q=0', 'deflate']) {
    const plain = await srv.raw('GET', '/app.js', { headers: ae ? { 'Accept-Encoding': ae } : {} });
    assert.equal(plain.status, 200, ae);
    assert.equal(plain.headers['content-encoding'], undefined, ae);
    assert.equal(plain.headers.vary, 'Accept-Encoding', ae);
    assert.equal(plain.body, APP_JS, ae);
    assert.notEqual(plain.headers.etag, gz.headers.etag, 'each variant has its own ETag');
  }
  const again = await srv.raw('GET', '/app.js', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag } });
  assert.equal(again.status, 304);
  // a copy older than its file is stale: the file itself is sent
  const css = await srv.raw('GET', '/style.css', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(css.headers['content-encoding'], undefined);
  assert.equal(css.body, 'body{}\n');
  // files without a copy carry no Vary
  const json = await srv.raw('GET', '/data.json', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(json.headers['content-encoding'], undefined);
  assert.equal(json.headers.vary, undefined);
});

test('large JSON answers go gzip-compressed to clients that take gzip; small ones and other clients get plain JSON', async () => {
  const plain = await srv.raw('GET', '/api/v1/openapi.json');
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.bytes.length >= 8192, `${plain.bytes.length} bytes: the test needs an answer past the threshold`);
  assert.equal(plain.headers.vary, 'Accept-Encoding');
  const gz = await srv.raw('GET', '/api/v1/openapi.json', { headers: { 'Accept-Encoding': 'gzip, deflate' } });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers['content-type'], 'application/json; charset=utf-8');
  assert.deepEqual(JSON.parse(gunzipSync(gz.bytes).toString()), plain.body);
  assert.ok(gz.bytes.length < plain.bytes.length / 3, `${gz.bytes.length} of ${plain.bytes.length} bytes`);
  const refused = await srv.raw('GET', '/api/v1/openapi.json', { headers: { 'Accept-Encoding': 'gzip;q=0' } });
  assert.equal(refused.headers['content-encoding'], undefined);
  const small = await srv.raw('GET', '/api/v1/health', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(small.headers['content-encoding'], undefined);
  assert.equal(small.body.status, 'ok');
});

test('missing files, folders, hidden files and symlinks are 404', async () => {
  for (const p of ['/missing.html', '/sub', '/sub/', '/vendor', '/.env', '/.git/config', '/sub/.hidden', '/link.txt']) {
    const r = await srv.raw('GET', p);
    assertError(r, 404, 'not_found');
    assert.ok(!JSON.stringify(r.body).includes(SECRET));
  }
});

test('path traversal never leaves the web folder', async () => {
  const paths = [
    '/../outside.txt', '/%2e%2e/outside.txt', '/%2E%2E/outside.txt', '/sub/../../outside.txt',
    '/sub/%2e%2e/%2e%2e/outside.txt', '/..%2foutside.txt', '/%2e%2e%2foutside.txt', '/sub/..%2f..%2foutside.txt',
    '/.%2e/outside.txt', '//outside.txt', '/../../../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/..', '/sub/..', '/./index.html', '/sub/./page.html', '/..\\outside.txt', '/%2e%2e%5coutside.txt',
  ];
  for (const p of paths) {
    const r = await srv.raw('GET', p);
    assert.equal(r.status, 404, `${p}: ${r.status}`);
    const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    assert.ok(!text.includes(SECRET) && !text.includes('root:'), p);
  }
});

test('only GET and HEAD reach static files (405 with Allow)', async () => {
  for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    for (const p of ['/', '/index.html', '/missing.html']) {
      const r = await srv.api(m, p);
      assertError(r, 405, 'method_not_allowed');
      assert.equal(r.headers.get('allow'), 'GET, HEAD');
    }
  }
});
