// Supplies, donations and special funds through the API: FEFO issue never
// from an expired lot (409 naming the lot), stock kept on write and counts as
// adjustments, bad quantities 400; donations published without a private
// name (the donor's salt finds the gift), the designation binding (409),
// reversals naming what they reverse, published records never changed
// (405); funds down the hierarchy within purpose and balance (409), the
// auditor's five checks; scope 404 alike for another street's records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../lib/harness.mjs';

let srv;
const T = {};
const STREET1 = '420106001', STREET2 = '420106002', COMM1 = '420106001001';
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const day = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer({ env: { FK_TZ: 'Asia/Shanghai' } });
  for (const u of ['keeper', 'coordinator', 'coordinator2', 'finance', 'auditor', 'officer', 'admin']) T[u] = await srv.login(u);
});
after(async () => { await srv?.stop(); });

const api = (u, method, p, body) => srv.api(method, p, { token: T[u], body });
const expectError = (r, status, field, re) => {
  assert.equal(r.status, status, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  if (re) assert.match(r.body.error.message, re);
};

let item, wh;
test('stock: receive lots, issue earliest expiry first, never an expired lot', async () => {
  let r = await api('keeper', 'POST', '/api/v1/items', { code: 'T-N95', name: '测试N95', category: 'mask', standard: 'GB 19083-2010', grade: 'medical', unit: '只', pack_size: 20, low_days: 14 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  item = r.body.id;
  expectError(await api('keeper', 'POST', '/api/v1/items', { code: 'T-N95', name: 'x', category: 'mask', unit: '只', pack_size: 1, low_days: 1 }), 409, 'code');
  expectError(await api('keeper', 'POST', '/api/v1/items', { code: 'T-KIT', name: 'x', category: 'test_kit', unit: '盒', pack_size: 1, low_days: 1 }), 400, 'tests_per_unit');
  r = await api('keeper', 'POST', '/api/v1/warehouses', { region: STREET1, name: '测试仓库', kind: 'street' });
  assert.equal(r.status, 201);
  wh = r.body.id;
  const lots = [['OLD', day(-2), 30], ['SOON', day(20), 40], ['LATE', day(300), 100]];
  const ids = {};
  for (const [no, expiry, qty] of lots) {
    r = await api('keeper', 'POST', '/api/v1/stock/receipts', { warehouse_id: wh, item_id: item, lot_no: no, expiry, qty });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids[no] = r.body.lot_id;
  }
  // FEFO: the expired lot is skipped; SOON goes first, then LATE
  r = await api('keeper', 'POST', '/api/v1/stock/issues', { warehouse_id: wh, item_id: item, qty: 50, to: '社区卫生服务中心' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body.lots.map((l) => [l.lot_no, l.qty]), [['SOON', 40], ['LATE', 10]]);
  // the expired lot asked for by name: 409 naming it
  expectError(await api('keeper', 'POST', '/api/v1/stock/issues', { warehouse_id: wh, item_id: item, qty: 1, to: 'x', lot_id: ids.OLD }), 409, 'lot_id', /lot OLD has expired/);
  // more than the unexpired stock: 409 naming the expired lot left on the shelf
  expectError(await api('keeper', 'POST', '/api/v1/stock/issues', { warehouse_id: wh, item_id: item, qty: 91, to: 'x' }), 409, 'qty', /only 90 can be issued; lot OLD/);
  // bad quantities
  expectError(await api('keeper', 'POST', '/api/v1/stock/issues', { warehouse_id: wh, item_id: item, qty: 1.5, to: 'x' }), 400, 'qty');
  expectError(await api('keeper', 'POST', '/api/v1/stock/issues', { warehouse_id: wh, item_id: item, qty: -3, to: 'x' }), 400, 'qty');
  expectError(await api('keeper', 'POST', '/api/v1/stock/receipts', { warehouse_id: wh, item_id: item, lot_no: 'X', qty: 0 }), 400, 'qty');
  expectError(await api('keeper', 'POST', '/api/v1/stock/adjustments', { warehouse_id: wh, lot_id: ids.OLD, qty: 5, reason: 'damaged' }), 400, 'qty');
  // the stock: kept on write, with flags
  r = await api('keeper', 'GET', `/api/v1/stock?region=${STREET1}&warehouse=${wh}`);
  assert.equal(r.status, 200);
  const row = r.body.items.find((x) => x.item_id === item);
  assert.equal(row.on_hand, 30 + 90);
  assert.equal(row.used_7d, 0, 'issued today: not in the 7 days before today');
  assert.equal(row.expired_lots, 1);
  assert.equal(row.expiring_lots, 0);
  assert.deepEqual(row.lots.map((l) => [l.lot_no, l.on_hand, l.expired]), [['OLD', 30, true], ['LATE', 90, false]]);
  // a count records the difference as an adjustment, never an edit
  r = await api('keeper', 'POST', '/api/v1/stock/counts', { warehouse_id: wh, lines: [{ lot_id: ids.LATE, counted: 85 }, { lot_id: ids.OLD, counted: 30 }] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body.lines.map((l) => l.difference), [-5, 0]);
  expectError(await api('keeper', 'POST', '/api/v1/stock/counts', { warehouse_id: wh, lines: [{ lot_id: ids.LATE, counted: 1 }, { lot_id: ids.LATE, counted: 2 }] }), 400, 'lines[1].lot_id');
  expectError(await api('keeper', 'POST', '/api/v1/stock/counts', { warehouse_id: wh, lines: [{ lot_id: ids.LATE, counted: -1 }] }), 400, 'lines[0].counted');
  r = await api('keeper', 'GET', `/api/v1/stock/moves?region=${STREET1}&warehouse=${wh}&kind=adjustment`);
  assert.equal(r.body.items.length, 1);
  assert.equal(r.body.items[0].reason, 'counted');
  assert.equal(r.body.items[0].qty, -5);
  // the write off of the expired lot
  r = await api('keeper', 'POST', '/api/v1/stock/adjustments', { warehouse_id: wh, lot_id: ids.OLD, qty: -30, reason: 'expired' });
  assert.equal(r.status, 201);
  expectError(await api('keeper', 'POST', '/api/v1/stock/adjustments', { warehouse_id: wh, lot_id: ids.OLD, qty: -1, reason: 'lost' }), 409, 'lot_id');
});

test('stock: another street\'s warehouse is 404 like a missing one; bounds on counts', async () => {
  const r = await api('keeper', 'POST', '/api/v1/warehouses', { region: STREET2, name: '另一街道仓库', kind: 'street' });
  assert.equal(r.status, 201);
  // the coordinator of street 1 reads stock; another street's region is 404
  expectError(await api('coordinator', 'GET', `/api/v1/stock?region=${STREET2}`), 404);
  expectError(await api('coordinator', 'GET', `/api/v1/warehouses?region=${STREET2}`), 404);
  const lines = Array.from({ length: 501 }, (_, i) => ({ lot_id: i + 1, counted: 0 }));
  expectError(await api('keeper', 'POST', '/api/v1/stock/counts', { warehouse_id: wh, lines }), 400, 'lines');
});

let gift;
test('donations: published without a private name; the donor\'s salt finds the gift', async () => {
  const base = { region: STREET1, kind: 'money', voucher: 'YH-TEST-1', receipt_no: 'JZ-T-1', received_on: today(), emergency: true };
  let r = await api('coordinator', 'POST', '/api/v1/donations', { ...base, donor_kind: 'person', donor_name: '张某某', amount_fen: 100000 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const { ledger_index: index, salt, donor_commit } = r.body;
  assert.equal(r.body.late, false);
  // the donor recomputes the commitment from the salt and their name
  assert.equal(createHash('sha256').update(Buffer.concat([Buffer.from(salt, 'hex'), Buffer.from('张某某')])).digest('hex'), donor_commit);
  const e = await srv.api('GET', `/api/v1/ledger/entries?start=${index}&limit=1`);
  const entry = e.body.entries[0];
  assert.equal(entry.kind, 'donation.receipt');
  assert.equal(entry.entry.donor_commit, donor_commit);
  assert.ok(!Buffer.from(entry.leaf, 'base64').toString().includes('张某某'), 'the name is not in the ledger');
  assert.equal(entry.entry.donor, undefined);
  // nor in the staff list
  r = await api('coordinator', 'GET', `/api/v1/donations?region=${STREET1}`);
  assert.ok(!JSON.stringify(r.body).includes('张某某'));
  // a person cannot be published by name; received late is flagged
  expectError(await api('coordinator', 'POST', '/api/v1/donations', { ...base, donor_kind: 'person', donor_name: '李某', donor_public: true, amount_fen: 1 }), 400, 'donor_public');
  r = await api('coordinator', 'POST', '/api/v1/donations', { ...base, donor_kind: 'organisation', donor_name: '某公司', amount_fen: 5000, received_on: day(-3) });
  assert.equal(r.body.late, true);
  expectError(await api('coordinator', 'POST', '/api/v1/donations', { ...base, donor_kind: 'organisation', donor_name: '某公司', amount_fen: 1, received_on: day(1) }), 400, 'received_on');
  expectError(await api('coordinator', 'POST', '/api/v1/donations', { ...base, donor_kind: 'organisation', donor_name: '某公司', amount_fen: 10.5 }), 400, 'amount_fen');
  // designation to a related party is refused
  expectError(await api('coordinator', 'POST', '/api/v1/donations', { ...base, donor_kind: 'organisation', donor_name: '某医院', amount_fen: 100, designated_region: COMM1, donor_related: [COMM1] }), 409, 'designated_region');
  // the designated gift
  r = await api('coordinator', 'POST', '/api/v1/donations', { ...base, donor_kind: 'organisation', donor_name: '某药业', amount_fen: 900000, designated_region: COMM1, designated_purpose: '防护物资' });
  assert.equal(r.status, 201);
  gift = r.body.id;
});

test('donations: the designation binds; reversals name what they reverse; published records are never changed', async () => {
  expectError(await api('coordinator', 'POST', '/api/v1/donations/allocations', { donation_id: gift, to_region: '420106001002', recipient: '别处', amount: 100, purpose: '防护物资' }), 409, 'to_region', /designated/);
  expectError(await api('coordinator', 'POST', '/api/v1/donations/allocations', { donation_id: gift, to_region: COMM1, recipient: '社区', amount: 100, purpose: '别的用途' }), 409, 'purpose');
  expectError(await api('coordinator', 'POST', '/api/v1/donations/allocations', { donation_id: gift, to_region: COMM1, recipient: '社区', amount: 900001, purpose: '防护物资' }), 409, 'amount');
  let r = await api('coordinator', 'POST', '/api/v1/donations/allocations', { donation_id: gift, to_region: COMM1, recipient: '社区卫生服务中心', amount: 160000, purpose: '防护物资' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const wrong = r.body;
  r = await api('coordinator', 'POST', `/api/v1/donations/allocations/${wrong.id}/reverse`, { reason: '数量有误' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.reverses, wrong.id);
  assert.equal(r.body.reverses_index, wrong.ledger_index);
  const rev = (await srv.api('GET', `/api/v1/ledger/entries?start=${r.body.ledger_index}&limit=1`)).body.entries[0];
  assert.equal(rev.kind, 'donation.reversal');
  assert.equal(rev.entry.reverses_index, wrong.ledger_index);
  assert.equal(rev.entry.amount, -160000);
  expectError(await api('coordinator', 'POST', `/api/v1/donations/allocations/${wrong.id}/reverse`, { reason: '再次' }), 409);
  r = await api('coordinator', 'POST', '/api/v1/donations/allocations', { donation_id: gift, to_region: COMM1, recipient: '社区卫生服务中心', amount: 180000, purpose: '防护物资' });
  assert.equal(r.status, 201);
  r = await api('coordinator', 'POST', `/api/v1/donations/allocations/${r.body.id}/deliver`, { delivered_on: today(), signed_by: '护士长' });
  assert.equal(r.status, 200);
  r = await api('coordinator', 'GET', `/api/v1/donations/${gift}`);
  assert.equal(r.body.allocated, 180000);
  assert.equal(r.body.allocations.length, 3);
  // published records: no edits, no deletes
  for (const m of ['PATCH', 'DELETE', 'PUT']) {
    assert.equal((await api('coordinator', m, `/api/v1/donations/${gift}`, m === 'DELETE' ? undefined : { amount_fen: 1 })).status, 405);
    assert.equal((await api('finance', m, '/api/v1/funds/allocations/1', m === 'DELETE' ? undefined : { amount_fen: 1 })).status, 405);
  }
  // another street's donation is 404 to this desk, like a missing one
  const far = (await api('coordinator2', 'GET', `/api/v1/donations?region=${STREET2}`)).body.items[0];
  expectError(await api('coordinator', 'GET', `/api/v1/donations/${far.id}`), 404);
  expectError(await api('coordinator', 'POST', '/api/v1/donations/allocations', { donation_id: far.id, to_region: STREET2, recipient: 'x', amount: 1, purpose: 'x' }), 404, 'donation_id');
});

test('funds: down the hierarchy within purpose and balance; reversals; the five checks', async () => {
  let r = await api('finance', 'POST', '/api/v1/funds/allocations', { region: '420106', purpose: 'equipment', amount_fen: 1000000, doc_no: '测试〔2020〕1号' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const top = r.body.id;
  expectError(await api('finance', 'POST', '/api/v1/funds/allocations', { region: STREET1, parent_id: top, purpose: 'subsidy', amount_fen: 1, doc_no: 'x1' }), 409, 'purpose');
  expectError(await api('finance', 'POST', '/api/v1/funds/allocations', { region: STREET1, parent_id: top, purpose: 'equipment', amount_fen: 1000001, doc_no: 'x1' }), 409, 'amount_fen');
  expectError(await api('finance', 'POST', '/api/v1/funds/allocations', { region: '420106', parent_id: top, purpose: 'equipment', amount_fen: 1, doc_no: 'x1' }), 409, 'region');
  r = await api('finance', 'POST', '/api/v1/funds/allocations', { region: STREET1, parent_id: top, purpose: 'equipment', amount_fen: 600000, doc_no: '测试〔2020〕2号' });
  assert.equal(r.status, 201);
  const child = r.body.id;
  const pay = { allocation_id: child, purpose: 'equipment', amount_fen: 500000, payee: '某器械公司', payee_kind: 'organisation', voucher: 'PZ-T-1', approver: '街道财政所' };
  expectError(await api('finance', 'POST', '/api/v1/funds/disbursements', { ...pay, purpose: 'treatment' }), 409, 'purpose', /outside|refused/);
  expectError(await api('finance', 'POST', '/api/v1/funds/disbursements', { ...pay, amount_fen: 600001 }), 409, 'amount_fen');
  r = await api('finance', 'POST', '/api/v1/funds/disbursements', pay);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.left, 100000);
  const paid = r.body;
  r = await api('finance', 'POST', `/api/v1/funds/entries/${paid.id}/reverse`, { reason: '发票作废' });
  assert.equal(r.status, 200);
  assert.equal(r.body.reverses_index, paid.ledger_index);
  r = await api('finance', 'GET', `/api/v1/funds/allocations/${child}`);
  assert.equal(r.body.spent_fen, 0);
  assert.equal(r.body.balance_fen, 600000);
  assert.equal(r.body.entries.length, 2);
  // subsidies at 300 or 200 yuan per person-day; a private payee never in the ledger
  const sub = (await api('finance', 'GET', `/api/v1/funds/allocations?region=${STREET1}&purpose=subsidy`)).body.items[0];
  expectError(await api('finance', 'POST', '/api/v1/funds/disbursements', { allocation_id: sub.id, purpose: 'subsidy', amount_fen: 25000, persons: 1, rate_fen: 25000, payee: '王某', payee_kind: 'person', voucher: 'v', approver: 'a' }), 400, 'rate_fen');
  r = await api('finance', 'POST', '/api/v1/funds/disbursements', { allocation_id: sub.id, purpose: 'subsidy', amount_fen: 60000, persons: 2, rate_fen: 30000, payee: '王某某', payee_kind: 'person', voucher: 'v-1', approver: '街道' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const e = (await srv.api('GET', `/api/v1/ledger/entries?start=${r.body.ledger_index}&limit=1`)).body.entries[0];
  assert.ok(!Buffer.from(e.leaf, 'base64').toString().includes('王某某'));
  assert.equal(e.entry.payee_kind, 'person');
  // the auditor's report: five checks, all passing on consistent books
  r = await api('auditor', 'GET', '/api/v1/funds/audit?region=420106');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.checks.map((c) => c.check), ['management', 'use', 'allocation', 'publication', 'performance']);
  for (const c of r.body.checks.slice(0, 4)) assert.equal(c.ok, true, JSON.stringify(c));
  // books changed behind the API are found
  srv.sql(`UPDATE fund_allocations SET spent_fen = spent_fen + 1 WHERE id = ${child}`);
  r = await api('auditor', 'GET', '/api/v1/funds/audit?region=420106');
  const alloc = r.body.checks.find((c) => c.check === 'allocation');
  assert.equal(alloc.ok, false);
  assert.ok(alloc.findings.some((f) => f.allocation === child));
  expectError(await api('finance', 'POST', `/api/v1/funds/entries/999999/reverse`, { reason: 'x1' }), 404);
});

test('every published record is in the ledger and its proof verifies against a signed checkpoint', async () => {
  let size = 0;
  for (let i = 0; i < 100; i++) {
    const cp = await srv.api('GET', '/api/v1/ledger/checkpoint');
    size = Number(cp.body.split('\n')[1]);
    const all = await srv.api('GET', '/api/v1/ledger/entries?limit=1000');
    if (size === all.body.size) break;
    await sleep(50);
  }
  const { verifyEntry } = await import('../../web/js/merkle.js');
  const last = await verifyEntry(size - 1, srv.base);
  assert.equal(last.ok, true, JSON.stringify(last));
});

test('requests: approved by the level above in part, never one\'s own; a rejection stands; short and damaged stay visible', async () => {
  T.doctor = await srv.login('doctor');
  const items = (await api('keeper', 'GET', '/api/v1/items')).body.items;
  const mask = items.find((i) => i.code === 'SM-0469').id, kit = items.find((i) => i.code === 'KIT-PCR').id;
  const store = (await api('keeper', 'GET', `/api/v1/warehouses?region=${STREET1}`)).body.items.find((w) => w.kind === 'street').id;
  const body = { region: COMM1, warehouse_id: store, reason: '发热门诊', needed_by: day(2), lines: [{ item_id: mask, qty: 100 }, { item_id: kit, qty: 2 }] };
  expectError(await api('doctor', 'POST', '/api/v1/requests', { ...body, lines: [{ item_id: mask, qty: 1 }, { item_id: mask, qty: 2 }] }), 400, 'lines[1].item_id');
  expectError(await api('doctor', 'POST', '/api/v1/requests', { ...body, lines: [{ item_id: mask, qty: 0.5 }] }), 400, 'lines[0].qty');
  expectError(await api('doctor', 'POST', '/api/v1/requests', { ...body, warehouse_id: wh + 1 }), 404, 'warehouse_id');
  let r = await api('doctor', 'POST', '/api/v1/requests', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.id;
  const move = (u, b) => api(u, 'POST', `/api/v1/requests/${id}/transitions`, b);
  // a keeper cannot approve; a doctor cannot ship
  expectError(await move('keeper', { to: 'approved' }), 403);
  expectError(await move('doctor', { to: 'shipped' }), 403);
  expectError(await move('keeper', { to: 'picked' }), 409, 'to');
  expectError(await move('coordinator', { to: 'approved', lines: [{ item_id: mask, qty: 101 }] }), 400, 'lines');
  r = await move('coordinator', { to: 'approved', lines: [{ item_id: mask, qty: 60 }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.lines.map((l) => [l.requested, l.approved]), [[100, 60], [2, 2]]);
  r = await move('keeper', { to: 'picked' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.lines.map((l) => l.shipped), [60, 2]);
  r = await move('keeper', { to: 'shipped' });
  assert.equal(r.status, 200);
  r = await move('doctor', { to: 'received', lines: [{ item_id: mask, qty: 50, damaged: 5 }, { item_id: kit, qty: 2 }] });
  assert.equal(r.body.state, 'partially_received');
  assert.deepEqual(r.body.lines.map((l) => [l.received, l.damaged, l.short]), [[50, 5, 5], [2, 0, 0]]);
  expectError(await move('doctor', { to: 'received', lines: [{ item_id: mask, qty: 6 }] }), 400, 'lines');
  r = await move('doctor', { to: 'received', lines: [{ item_id: mask, qty: 5 }] });
  assert.equal(r.body.state, 'received');
  assert.deepEqual(r.body.events.map((e) => e.to_state), ['submitted', 'approved', 'picked', 'shipped', 'partially_received', 'received']);
  // one's own request: 403; a rejection is not overridden from above: 409
  const own = await api('coordinator', 'POST', '/api/v1/requests', { ...body, region: COMM1 });
  assert.equal(own.status, 403, 'a coordinator does not hold supply.request');
  r = await api('doctor', 'POST', '/api/v1/requests', body);
  const id2 = r.body.id;
  expectError(await api('coordinator', 'POST', `/api/v1/requests/${id2}/transitions`, { to: 'rejected' }), 400, 'note');
  assert.equal((await api('coordinator', 'POST', `/api/v1/requests/${id2}/transitions`, { to: 'rejected', note: '库存不足' })).status, 200);
  expectError(await api('coordinator', 'POST', `/api/v1/requests/${id2}/transitions`, { to: 'approved' }), 409, 'to', /cannot override/);
  // kits issued vs tests recorded
  const before = (await api('auditor', 'GET', `/api/v1/kits?region=${COMM1}`)).body.items.find((k) => k.item_id === kit);
  assert.equal((await api('doctor', 'POST', '/api/v1/kits/tests', { region: COMM1, item_id: kit, day: today(), tests: 90 })).status, 201);
  expectError(await api('doctor', 'POST', '/api/v1/kits/tests', { region: COMM1, item_id: mask, day: today(), tests: 1 }), 400, 'item_id');
  const after = (await api('auditor', 'GET', `/api/v1/kits?region=${COMM1}`)).body.items.find((k) => k.item_id === kit);
  assert.equal(after.tests_recorded, before.tests_recorded + 90);
  assert.equal(after.tests_possible, after.kits_received * 48);
  assert.equal(after.unaccounted, after.tests_possible - after.tests_recorded);
});

test('bounds: stock pages follow their cursor; requests take at most 50 lines', async () => {
  const all = (await api('keeper', 'GET', '/api/v1/stock?region=420106&limit=2000')).body;
  assert.equal(all.next, null);
  const seen = [];
  let after = '';
  for (let i = 0; i < 100; i++) {
    const r = await api('keeper', 'GET', `/api/v1/stock?region=420106&limit=5${after ? `&after=${after}` : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.items.length <= 5);
    seen.push(...r.body.items.map((x) => `${x.warehouse_id}:${x.item_id}`));
    if (r.body.next === null) break;
    after = r.body.next;
  }
  assert.deepEqual(seen, all.items.map((x) => `${x.warehouse_id}:${x.item_id}`));
  assert.ok(seen.length > 5);
  expectError(await api('keeper', 'GET', '/api/v1/stock?limit=2001'), 400, 'limit');
  expectError(await api('keeper', 'GET', '/api/v1/stock?after=x'), 400, 'after');
  const items = (await api('keeper', 'GET', '/api/v1/items')).body.items;
  const lines = Array.from({ length: 51 }, (_, i) => ({ item_id: items[0].id + i, qty: 1 }));
  expectError(await api('doctor', 'POST', '/api/v1/requests', { region: COMM1, warehouse_id: 1, reason: '上限', needed_by: day(1), lines }), 400, 'lines');
});
