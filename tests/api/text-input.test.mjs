// Typed text refuses control characters (other than tab, line feed and
// carriage return) and the bidirectional embedding, override and isolate
// controls (U+202A..U+202E, U+2066..U+2069), which make a name read
// differently from what is stored: 400 invalid naming the field and the
// character's position, for every field of every body (core/base/fields.c).
// Markup is stored as typed and shown as text (tests/e2e/xss.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { GRID } from './registry-helpers.mjs';

let srv, token, household;
before(async () => {
  srv = await startServer();
  token = await srv.login('gridworker');
  const r = await srv.api('POST', '/api/v1/households', { token, body: { grid: GRID, address: '文本检查路 1号' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  household = r.body.id;
});
after(async () => { await srv.stop(); });

const person = (name) => srv.api('POST', '/api/v1/persons', { token, body: { household_id: household, name } });

test('bidirectional overrides, embeddings and isolates are refused, naming the field and position', async () => {
  for (const [name, pos] of [['张\u202e三', 2], ['\u202a李四', 1], ['王五\u202d', 3], ['赵\u2066六\u2069', 2], ['钱\u2067七', 2], ['孙\u2068八', 2]]) {
    const r = await person(name);
    assert.equal(r.status, 400, `${JSON.stringify(name)}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'invalid');
    assert.equal(r.body.error.field, 'name');
    assert.match(r.body.error.message, new RegExp(`position ${pos}$`));
  }
});

test('control characters are refused; tab, line feed and carriage return are text', async () => {
  for (const c of ['\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f']) {
    const r = await person(`周${c}九`);
    assert.equal(r.status, 400, `U+${c.charCodeAt(0).toString(16)}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, 'name');
  }
  const ok = await srv.api('PATCH', `/api/v1/households/${household}`, { token, body: { address: '文本检查路 1号\n2单元\t(东)\r' } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.address, '文本检查路 1号\n2单元\t(东)\r');
});

test('the marks that only set a direction (U+200E, U+200F), and markup, are stored as typed', async () => {
  for (const name of ['吴\u200e十', '<script>alert(1)</script>']) {
    const r = await person(name);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.name, name);
  }
});

test('nested objects are checked too: a screening record\'s note', async () => {
  const wl = await srv.api('GET', `/api/v1/screenings/worklist?grid=${GRID}`, { token });
  const h = wl.body.items.find((x) => x.members.length > 0);
  const r = await srv.api('POST', '/api/v1/screenings', { token, body: [{
    uuid: crypto.randomUUID(), household_id: h.id, status: 'visited',
    persons: [{ person_id: h.members[0].id, temperature: 36.5, note: '咳嗽\u202e' }],
  }] });
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'invalid');
  assert.match(r.body.error.field, /note/);
});

test('an imported file: a cell with such a character rejects its row with its own reason; the others are stored', async () => {
  const officer = await srv.login('officer');
  const csv = ['姓名,网格,楼栋,房号,来源地', `导入正常,${GRID},文本楼,101,`, `导入\u202e反向,${GRID},文本楼,102,`, `导入控制,${GRID},文本楼,103,北\u0007京`].join('\n');
  const r = await srv.api('POST', '/api/v1/persons/import', { token: officer, raw: csv, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.imported, 1);
  assert.deepEqual(r.body.rejected.map((x) => [x.line, x.code]), [[3, 'text.control_char'], [4, 'text.control_char']]);
  const vocab = await srv.api('GET', '/api/v1/vocab', { token });
  assert.ok(vocab.body.import_reasons.includes('text.control_char'));
});
