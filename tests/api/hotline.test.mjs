// The hotline: tickets and the closed loop, every "Bad input" line of the
// issue with its status and error code, deadlines with their derivation,
// the caller's history by keyed hash, standard answers, family doctors and
// their roster, the public form and lookup (limits, honeypot, wrong
// digits), the measures and the calendar.  Tests run in order on one
// server; the demo's month of tickets supplies old dispatches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from '../lib/harness.mjs';

const COUNTY = '420106';
const STREET1 = '420106001';
const COMM1 = '420106001001';
const GRID = '420106001001001';
const STREET2 = '420106002';
const COMM2 = '420106002001';

let srv;
const T = {};
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  srv = await startServer({ people: 300, days: 1 });
  for (const u of ['admin', 'operator', 'officer', 'officer2', 'doctor', 'supervisor', 'auditor', 'commander']) T[u] = await srv.login(u);
});
after(async () => { await srv?.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}
const post = (who, p, body) => srv.api('POST', p, { token: T[who], body });
const get = (who, p) => srv.api('GET', p, { token: T[who] });
const move = (who, id, body) => post(who, `/api/v1/tickets/${id}/moves`, body);

let seq = 0;
async function ticket(extra = {}) {
  seq++;
  const r = await post('operator', '/api/v1/tickets', {
    channel: 'phone', category: 'consultation.pass', urgency: 'general', caller_name: `来电${seq}`,
    phone: `1390000${String(1000 + seq).padStart(4, '0')}`, region: COMM1, text: `通行证咨询 ${seq}`, ...extra,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

test('a ticket: number of the day, masked phone, received, the accept deadline', async () => {
  const t = await ticket({ phone: '138 0000 5678' });
  assert.match(t.number, /^\d{8}-\d{6}$/);
  const d = new Date();
  const ymd = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
  assert.equal(t.number.slice(0, 8), ymd, 'the local day of the deployment zone');
  assert.equal(t.phone, '138****5678');
  assert.equal(t.state, 'received');
  assert.deepEqual(t.events.map((e) => e.move), ['receive']);
  const accept = t.deadlines.find((x) => x.name === 'accept');
  assert.equal(accept.due - accept.start, 2 * 3600);
  assert.equal(accept.state, 'running');
  const t2 = await ticket();
  assert.equal(Number(t2.number.slice(9)), Number(t.number.slice(9)) + 1, 'the sequence of the day');
});

test('bad input: unknown category or urgency → 400 naming the field', async () => {
  const base = { channel: 'phone', category: 'consultation.pass', urgency: 'general', region: COMM1, text: '问' };
  assertError(await post('operator', '/api/v1/tickets', { ...base, category: 'gossip' }), 400, 'invalid', 'category');
  assertError(await post('operator', '/api/v1/tickets', { ...base, urgency: 'whenever' }), 400, 'invalid', 'urgency');
  assertError(await post('operator', '/api/v1/tickets', { ...base, channel: 'pigeon' }), 400, 'invalid', 'channel');
  assertError(await post('operator', '/api/v1/tickets', { ...base, region: STREET1 }), 400, 'invalid', 'region');
  assertError(await post('operator', '/api/v1/tickets', { ...base, phone: '12a45' }), 400, 'invalid', 'phone');
  assertError(await post('operator', '/api/v1/tickets', { ...base, text: 'x'.repeat(2001) }), 400, 'invalid', 'text');
});

test('bad input: a move the protocol does not allow → 409 with the allowed moves', async () => {
  const t = await ticket();
  const r = await move('operator', t.id, { move: 'close', outcome: 'resolved' });
  assertError(r, 409, 'transition', 'move');
  assert.deepEqual(r.body.error.allowed, ['answer', 'dispatch', 'merge', 'not_responsible', 'chase', 'note', 'alert']);
  assertError(await move('operator', t.id, { move: 'fly' }), 400, 'invalid', 'move');
});

test('bad input: a callback before the reply → 409', async () => {
  const t = await ticket();
  await move('operator', t.id, { move: 'dispatch', unit: STREET1 });
  const r = await move('operator', t.id, { move: 'callback', satisfaction: 'satisfied' });
  assertError(r, 409, 'transition', 'move');
  assert.ok(!r.body.error.allowed.includes('callback'));
});

test('bad input: a reply with no text → 400', async () => {
  const t = await ticket({ dispatch_to: STREET1 });
  assert.equal(t.state, 'dispatched');
  assert.equal((await move('officer', t.id, { move: 'sign' })).status, 200);
  assertError(await move('officer', t.id, { move: 'reply' }), 400, 'invalid', 'text');
  assertError(await move('officer', t.id, { move: 'reply', text: '' }), 400, 'invalid', 'text');
});

test('bad input: a ticket of another street → 404, as missing', async () => {
  const t = await ticket({ dispatch_to: STREET1 });
  const far = await get('officer2', `/api/v1/tickets/${t.id}`);
  assertError(far, 404, 'not_found');
  const none = await get('officer2', '/api/v1/tickets/99999999');
  assertError(none, 404, 'not_found');
  assertError(await move('officer2', t.id, { move: 'sign' }), 404, 'not_found');
  const list = await get('officer2', '/api/v1/tickets?limit=1000');
  assert.ok(list.body.items.every((x) => x.region.startsWith(STREET2)));
});

test('bad input: a return after 2 working days → 409 (a demo dispatch of last month)', async () => {
  const r = await get('admin', `/api/v1/tickets?state=dispatched&region=${STREET1}&limit=200`);
  assert.equal(r.status, 200);
  const old = r.body.items.find((x) => x.unit?.startsWith(STREET1) && x.unit_kind === 'office'
    && x.deadlines.find((d) => d.name === 'return').due < now());
  assert.ok(old, 'the demo holds a dispatch older than its return window');
  const token = await srv.login('officer');
  const res = await srv.api('POST', `/api/v1/tickets/${old.id}/moves`, { token, body: { move: 'return', note: '不属本单位' } });
  assertError(res, 409, 'too_late', 'move');
  // a fresh dispatch may go back, with its reason, and is dispatched again
  const t = await ticket({ dispatch_to: STREET1 });
  assertError(await move('officer', t.id, { move: 'return' }), 400, 'invalid', 'note');
  const back = await move('officer', t.id, { move: 'return', note: '应由社区办理' });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.equal(back.body.state, 'returned');
  const again = await move('operator', t.id, { move: 'dispatch', unit: COMM1 });
  assert.equal(again.body.state, 'dispatched');
  assert.equal(again.body.unit, COMM1);
});

test('the closed loop: sign, wait (the clock pauses), reply, callback, unsatisfied reopens, close', async () => {
  const t = await ticket({ dispatch_to: STREET1 });
  assertError(await move('operator', t.id, { move: 'sign' }), 403, 'forbidden');
  let r = await move('officer', t.id, { move: 'sign' });
  assert.equal(r.body.state, 'signed');
  assert.equal(r.body.first_unit, STREET1);
  assertError(await move('officer', t.id, { move: 'wait' }), 400, 'invalid', 'note');
  r = await move('officer', t.id, { move: 'wait', note: '等待供水公司' });
  const reply = r.body.deadlines.find((d) => d.name === 'reply');
  assert.equal(reply.state, 'paused');
  assert.equal(reply.due, null);
  assert.ok(reply.left > 0 && reply.left <= 5 * 86400);
  assert.equal(reply.paused.length, 1);
  assert.equal(reply.paused[0].reason, '等待供水公司');
  r = await move('officer', t.id, { move: 'resume' });
  assert.equal(r.body.deadlines.find((d) => d.name === 'reply').state, 'running');
  r = await move('officer', t.id, { move: 'reply', text: '已协调恢复供水' });
  assert.equal(r.body.state, 'replied');
  const cb = r.body.deadlines.find((d) => d.name === 'callback');
  assert.equal(cb.state, 'running');
  assert.equal(cb.n, 1);
  r = await move('operator', t.id, { move: 'callback', satisfaction: 'unsatisfied' });
  assert.equal(r.body.state, 'reopened');
  assert.equal(r.body.reopened, 1);
  r = await move('officer', t.id, { move: 'reply', text: '再次上门处理' });
  r = await move('operator', t.id, { move: 'callback', satisfaction: 'basically_satisfied' });
  assert.equal(r.body.state, 'called_back');
  assertError(await move('operator', t.id, { move: 'close', outcome: 'unresolved' }), 400, 'invalid', 'note');
  r = await move('operator', t.id, { move: 'close', outcome: 'unresolved', note: '管网改造需时' });
  assert.equal(r.body.state, 'closed_unresolved', 'closed, not fixed, exists');
  assert.deepEqual(r.body.events.map((e) => e.move),
    ['receive', 'dispatch', 'sign', 'wait', 'resume', 'reply', 'callback', 'reply', 'callback', 'close']);
  assert.ok(r.body.events.every((e) => e.by), 'each step says who');
  r = await move('operator', t.id, { move: 'reopen', note: '居民再次来电' });
  assert.equal(r.body.state, 'reopened');
});

test('extensions: asked before the deadline, up to 10 working days, approved by the dispatcher', async () => {
  const t = await ticket({ dispatch_to: STREET1 });
  await move('officer', t.id, { move: 'sign' });
  assertError(await move('officer', t.id, { move: 'extend', days: 11, note: '复杂' }), 400, 'invalid', 'days');
  let r = await move('officer', t.id, { move: 'extend', days: 3, note: '需协调多部门' });
  assert.equal(r.body.ext_asked, 3);
  assertError(await move('officer', t.id, { move: 'extend', days: 2, note: '再延' }), 409, 'conflict');
  assertError(await move('officer', t.id, { move: 'approve_extension' }), 403, 'forbidden');
  const before5 = r.body.deadlines.find((d) => d.name === 'reply').due;
  r = await move('operator', t.id, { move: 'approve_extension' });
  const reply = r.body.deadlines.find((d) => d.name === 'reply');
  assert.equal(reply.extension, 3);
  assert.ok(reply.due >= before5 + 3 * 86400, 'three more working days');
  const life = await ticket({ urgency: 'life_safety', dispatch_to: STREET1 });
  await move('officer', life.id, { move: 'sign' });
  assertError(await move('officer', life.id, { move: 'extend', days: 1, note: '延' }), 409, 'conflict');
  assert.equal(life.deadlines.find((d) => d.name === 'reply').unit, 'hours');
});

test('merge (并单) and not responsible (saying who decided)', async () => {
  const a = await ticket();
  const b = await ticket();
  assertError(await move('operator', b.id, { move: 'merge' }), 400, 'invalid', 'into');
  assertError(await move('operator', b.id, { move: 'merge', into: b.id }), 400, 'invalid', 'into');
  assertError(await move('operator', b.id, { move: 'merge', into: 99999999 }), 404, 'not_found', 'into');
  let r = await move('operator', b.id, { move: 'merge', into: a.id, note: '同一诉求' });
  assert.equal(r.body.state, 'closed_duplicate');
  assert.equal(r.body.merged_into, a.id);
  const c = await ticket();
  r = await move('operator', c.id, { move: 'not_responsible', note: '属市场监管部门职责' });
  assert.equal(r.body.state, 'closed_not_responsible');
  assert.equal(r.body.events.at(-1).detail.decided_by, 'operator');
});

test("the caller's earlier tickets, by keyed hash of the phone (audited)", async () => {
  await ticket({ phone: '13712345678' });
  await ticket({ phone: '13712345678', category: 'help.daily_needs' });
  const r = await get('operator', `/api/v1/tickets?phone=${encodeURIComponent('+86 137-1234-5678')}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 2);
  assert.ok(r.body.items.every((x) => x.phone === '137****5678'));
  assertError(await get('operator', '/api/v1/tickets?phone=abc'), 400, 'invalid', 'phone');
  const audit = await get('admin', '/api/v1/audit?action=ticket.search&limit=5');
  assert.ok(audit.body.items.some((x) => JSON.parse(x.detail).phone === true), JSON.stringify(audit.body.items[0]));
});

test('standard answers: effective date, the answer replaced, answering from one', async () => {
  const a1 = await post('operator', '/api/v1/answers', {
    category: 'consultation.pass', question: '出入证如何办理？', answer: '向社区居委会申请，凭身份证明办理。', effective: '2020-02-10',
  });
  assert.equal(a1.status, 201, JSON.stringify(a1.body));
  const a2 = await post('operator', '/api/v1/answers', {
    category: 'consultation.pass', question: '出入证如何办理？', answer: '每户每三天可凭出入证指派一人外出采购。', effective: '2020-02-14', replaces: a1.body.id,
  });
  assert.equal(a2.status, 201);
  assert.equal(a2.body.replaced_answer, a1.body.answer);
  assert.equal(a2.body.replaced_effective, '2020-02-10');
  assertError(await post('operator', '/api/v1/answers', {
    category: 'consultation.pass', question: '出入证？', answer: '重复替换', effective: '2020-02-15', replaces: a1.body.id,
  }), 409, 'conflict', 'replaces');
  assertError(await post('operator', '/api/v1/answers', {
    category: 'gossip', question: '出入证？', answer: '回答内容', effective: '2020-02-15',
  }), 400, 'invalid', 'category');
  const found = await get('operator', `/api/v1/answers?q=${encodeURIComponent('出入证')}&current=1`);
  const ids = found.body.items.map((x) => x.id);
  assert.ok(ids.includes(a2.body.id) && !ids.includes(a1.body.id), 'the one in force, not the one it replaced');
  assert.ok(found.body.items.every((x) => x.question.includes('出入证') || x.answer.includes('出入证')));
  const t = await ticket();
  assertError(await move('operator', t.id, { move: 'answer', answer_id: a1.body.id }), 409, 'conflict', 'answer_id');
  const r = await move('operator', t.id, { move: 'answer', answer_id: a2.body.id });
  assert.equal(r.body.state, 'answered');
  assert.equal(r.body.answer_id, a2.body.id);
  assert.equal(r.body.reply, a2.body.answer);
  const direct = await ticket({ reply: '按规定办理。' });
  assert.equal(direct.state, 'answered');
});

test('family doctors: a team, its doctors, the roster; a medical call goes to the doctor on duty', async () => {
  const team = await post('officer', '/api/v1/doctor-teams', { region: COMM1, name: '尚隆苑家庭医生团队' });
  assert.equal(team.status, 201, JSON.stringify(team.body));
  assertError(await post('officer2', '/api/v1/doctor-teams', { region: COMM1, name: '越界' }), 404, 'not_found', 'region');
  const doc = await post('officer', '/api/v1/doctors', { team_id: team.body.id, name: '李医生', duty_phone: '027-88880001', username: 'doctor' });
  assert.equal(doc.status, 201, JSON.stringify(doc.body));
  const s = await post('officer', '/api/v1/duty-shifts', { doctor_id: doc.body.id, starts_at: now() - 60, ends_at: now() + 8 * 3600 });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assertError(await post('officer', '/api/v1/duty-shifts', { doctor_id: doc.body.id, starts_at: now(), ends_at: now() + 3600 }), 409, 'conflict');
  assertError(await post('officer', '/api/v1/duty-shifts', { doctor_id: doc.body.id, starts_at: now(), ends_at: now() - 1 }), 400, 'invalid', 'ends_at');
  const onDuty = await get('operator', `/api/v1/doctors?region=${COMM1}&on_duty=1`);
  assert.ok(onDuty.body.items.some((d) => d.id === doc.body.id && d.on_duty === true));
  assertError(await post('operator', '/api/v1/tickets', {
    channel: 'phone', category: 'consultation.pass', urgency: 'general', region: COMM1, text: '问', dispatch_to: COMM1, unit_kind: 'doctors',
  }), 409, 'conflict', 'unit_kind');
  const t = await ticket({ category: 'help.medical', text: '透析患者需要安排', dispatch_to: COMM1, unit_kind: 'doctors' });
  assert.equal(t.doctor_id, doc.body.id);
  assert.equal(t.doctor_name, '李医生');
  const q = await get('doctor', '/api/v1/tickets/doctor-queue?mine=1');
  assert.ok(q.body.items.some((x) => x.id === t.id));
  assertError(await move('officer', t.id, { move: 'sign' }), 403, 'forbidden');
  const r = await move('doctor', t.id, { move: 'sign' });
  assert.equal(r.body.state, 'signed');
  // the doctor calls back: the number in the clear, with a reason, audited
  assertError(await post('doctor', `/api/v1/tickets/${t.id}/reveal`, {}), 400, 'invalid', 'reason');
  const rv = await post('doctor', `/api/v1/tickets/${t.id}/reveal`, { reason: '回电了解透析安排' });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assert.match(rv.body.phone, /^1390000\d{4}$/);
  assertError(await post('officer', `/api/v1/tickets/${t.id}/reveal`, { reason: '查看' }), 403, 'forbidden');
  assertError(await post('auditor', `/api/v1/tickets/${t.id}/reveal`, { reason: '查看' }), 403, 'forbidden');
  assertError(await post('officer2', `/api/v1/tickets/${t.id}/reveal`, { reason: '查看' }), 404, 'not_found');
  const audit = await get('admin', '/api/v1/audit?action=ticket.reveal&limit=1');
  assert.equal(JSON.parse(audit.body.items[0].detail).reason, '回电了解透析安排');
});

test('a fever call raises a screening alert for the registered person in one step', async () => {
  const hh = await post('officer', '/api/v1/households', { grid: GRID, building: '热线楼', room: '101' });
  assert.equal(hh.status, 201, JSON.stringify(hh.body));
  const p = await post('officer', '/api/v1/persons', { household_id: hh.body.id, name: '发热居民', phone: '13566667777' });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const r = await post('operator', '/api/v1/tickets', {
    channel: 'phone', category: 'help.fever', urgency: 'general', phone: '135 6666 7777', text: '家中老人发热38度',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.person_id, p.body.id, 'matched by the keyed hash of the phone');
  assert.equal(r.body.region, GRID, "the person's grid");
  const a = await move('operator', r.body.id, { move: 'alert' });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  const alertId = a.body.events.at(-1).detail.alert_id;
  const alerts = await get('officer', `/api/v1/alerts?kind=hotline&region=${GRID}`);
  const al = alerts.body.items.find((x) => x.id === alertId);
  assert.ok(al, 'the alert is in the grid');
  assert.equal(al.person_id, p.body.id);
  assert.deepEqual(al.reasons, ['fever']);
  assertError(await move('operator', r.body.id, { move: 'alert' }), 409, 'conflict', 'move');
  const other = await ticket();
  assertError(await move('operator', other.id, { move: 'alert' }), 409, 'conflict', 'move');
  assertError(await move('supervisor', r.body.id, { move: 'alert' }), 403, 'forbidden');
});

test('the inbox, the chase board and the callback list', async () => {
  const t = await ticket({ dispatch_to: STREET1 });
  const inbox = await get('officer', '/api/v1/tickets/inbox?kind=office&limit=1000');
  assert.ok(inbox.body.items.some((x) => x.id === t.id));
  assert.ok(inbox.body.items.every((x) => x.unit.startsWith(STREET1)));
  assert.ok(!(await get('officer2', '/api/v1/tickets/inbox?limit=1000')).body.items.some((x) => x.id === t.id));
  const chase = await get('supervisor', '/api/v1/tickets/chase?limit=1000');
  assert.equal(chase.status, 200);
  assert.ok(chase.body.items.length > 0, 'the demo has overdue tickets');
  for (const x of chase.body.items) assert.ok(x.overdue, `${x.number} is overdue`);
  const c = await move('supervisor', chase.body.items[0].id, { move: 'chase', note: '请今日内办结' });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  assert.equal(c.body.chases, chase.body.items[0].chases + 1);
  assertError(await move('auditor', chase.body.items[0].id, { move: 'chase', note: '审计' }), 403, 'forbidden');
  const cbs = await get('operator', '/api/v1/tickets/callbacks?limit=1000');
  assert.ok(cbs.body.items.every((x) => x.state === 'replied'));
});

// ---- the public form (one address: the limits count every message of this file) ----

const msg = (extra = {}) => srv.api('POST', '/api/v1/public/messages', {
  body: { name: '王阿姨', phone: '13611112222', region: COMM1, category: 'help.daily_needs', text: '家里缺米缺菜，行动不便。', ...extra },
});

test('public message: a number and a code; lookup by the last 4 digits; wrong digits = no such ticket', async () => {
  const r = await msg();
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.number, /^\d{8}-\d{6}$/);
  assert.match(r.body.code, /^[A-Z2-9]{6}$/);
  const look = (body) => srv.api('POST', '/api/v1/public/lookup', { body });
  const ok = await look({ number: r.body.number, phone_last4: '2222' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(Object.keys(ok.body).sort(), ['category', 'number', 'received_at', 'reply', 'state', 'updated_at']);
  assert.equal(ok.body.state, 'received');
  assert.equal(ok.body.reply, null);
  const byCode = await look({ number: r.body.number, code: r.body.code });
  assert.equal(byCode.status, 200);
  const wrong = await look({ number: r.body.number, phone_last4: '2223' });
  assertError(wrong, 404, 'not_found');
  const missing = await look({ number: '19990101-000001', phone_last4: '2222' });
  assertError(missing, 404, 'not_found');
  assert.equal(wrong.body.error.message.replace(r.body.number, 'N'), missing.body.error.message.replace('19990101-000001', 'N'),
    'the same answer as no such ticket');
  assertError(await look({ number: r.body.number }), 400, 'invalid', 'phone_last4');
  // staff see it, stored as text; the resident sees the reply once given
  const staff = await get('operator', `/api/v1/tickets?number=${r.body.number}`);
  const t = staff.body.items[0];
  assert.equal(t.channel, 'message');
  assert.equal(t.phone, '136****2222');
  await move('operator', t.id, { move: 'note', note: '内部：已电话联系' });
  await move('operator', t.id, { move: 'answer', text: '已安排社区志愿者送菜上门。' });
  const after = await look({ number: r.body.number, phone_last4: '2222' });
  assert.equal(after.body.state, 'closed');
  assert.equal(after.body.reply, '已安排社区志愿者送菜上门。');
  assert.ok(!JSON.stringify(after.body).includes('内部'), 'internal notes are never shown');
});

test('public message: size limit, honeypot, then flooding → 429 with Retry-After', async () => {
  assertError(await msg({ text: '长'.repeat(1001) }), 400, 'invalid', 'text');
  assertError(await msg({ region: '420106999999' }), 404, 'not_found', 'region');
  const before = (await get('operator', '/api/v1/tickets?channel=message&limit=1000')).body.items.length;
  const bot = await msg({ website: 'http://spam.example' });
  assert.equal(bot.status, 202);
  assert.equal(bot.body.number, undefined);
  const afterBot = (await get('operator', '/api/v1/tickets?channel=message&limit=1000')).body.items.length;
  assert.equal(afterBot, before, 'the honeypot stores nothing');
  // per phone: 3 an hour (the test above left one; the refusals above stored nothing)
  let r = await msg({ text: '<script>alert(1)</script> 第二条' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal((await msg({ text: '第三条' })).status, 201);
  r = await msg({ text: '第四条' });
  assertError(r, 429, 'throttled');
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  // per address: 5 an hour, whatever the phone (the refused one counts)
  assert.equal((await msg({ phone: '13633334444' })).status, 201);
  r = await msg({ phone: '13655556666' });
  assertError(r, 429, 'throttled');
  assert.ok(Number(r.headers.get('retry-after')) > 3000);
  const stored = (await get('operator', '/api/v1/tickets?channel=message&limit=1000')).body.items;
  assert.ok(stored.some((x) => x.text === '<script>alert(1)</script> 第二条'), 'stored as text');
});

test('public regions: the streets and communities of the form, without an account', async () => {
  const r = await srv.api('GET', '/api/v1/public/regions');
  assert.equal(r.status, 200);
  assert.equal(r.body.parent, COUNTY, 'the area the accounts serve');
  assert.equal(r.body.level, 4, 'its streets');
  assert.ok(r.body.items.some((x) => x.code === STREET1));
  const c = await srv.api('GET', `/api/v1/public/regions?parent=${STREET1}`);
  assert.ok(c.body.items.some((x) => x.code === COMM1));
  assertError(await srv.api('GET', `/api/v1/public/regions?parent=${GRID}`), 400, 'invalid', 'parent');
});

test('measures (三率): kept on write, by region, unit and category; the overdue count', async () => {
  const r = await get('commander', `/api/v1/hotline/measures?region=${COUNTY}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const m = r.body.totals;
  assert.ok(m.received > 0 && m.direct > 0 && m.dispatched > 0);
  for (const k of ['response_rate', 'on_time_rate', 'resolution_rate', 'satisfaction_rate', 'direct_share']) {
    assert.ok(m[k] === null || (m[k] >= 0 && m[k] <= 1), `${k} ${m[k]}`);
  }
  assert.ok(m.overdue > 0);
  assert.ok(r.body.regions.some((x) => x.region === STREET1));
  const sum = r.body.regions.reduce((a, x) => a + x.received, 0);
  assert.equal(sum, m.received, 'the streets add up to the county');
  assert.ok(r.body.categories.consultation > 0);
  const before = (await get('commander', `/api/v1/hotline/measures?region=${COMM1}`)).body.totals.received;
  await ticket();
  const after = (await get('commander', `/api/v1/hotline/measures?region=${COMM1}`)).body.totals.received;
  assert.equal(after, before + 1);
  assertError(await get('officer2', `/api/v1/hotline/measures?region=${STREET1}`), 404, 'not_found');
  assertError(await get('commander', '/api/v1/hotline/measures?from=2020-01-01&to=2021-06-01'), 400, 'invalid', 'from');
});

test('the calendar: the 2020 Spring Festival extension and its make-up day; a region changes a day', async () => {
  const r = await get('operator', '/api/v1/hotline/calendar?from=2020-01-18&to=2020-02-03');
  assert.equal(r.status, 200);
  const day = Object.fromEntries(r.body.days.map((d) => [d.date, d]));
  assert.equal(day['2020-01-19'].work, true, 'Sunday 19 Jan: a make-up working day');
  assert.equal(day['2020-01-23'].work, true);
  assert.equal(day['2020-01-24'].work, false);
  assert.equal(day['2020-01-31'].why, 'spring_festival_extended');
  assert.equal(day['2020-02-01'].work, false, 'the make-up Saturday was cancelled');
  assert.equal(day['2020-02-03'].work, true);
  assert.ok(r.body.limits.some((l) => l.urgency === 'general' && l.reply_n === 5));
  const put = await srv.api('PUT', '/api/v1/hotline/calendar', { token: T.operator, body: { region: COUNTY, date: '2020-02-03', work: false, note: 'hubei_delay' } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const after = await get('operator', '/api/v1/hotline/calendar?from=2020-02-03&to=2020-02-03');
  assert.equal(after.body.days[0].work, false);
  assertError(await srv.api('PUT', '/api/v1/hotline/calendar', { token: T.operator, body: { region: '420111', date: '2020-02-03', work: false } }), 404, 'not_found');
  assertError(await srv.api('PUT', '/api/v1/hotline/calendar', { token: T.operator, body: { date: '2020-02-31', work: false } }), 400, 'invalid', 'date');
});

test('time limits: set at city level, deadlines follow', async () => {
  const body = { urgency: 'complex', reply_unit: 'workdays', reply_n: 20, ext_max: 10 };
  assertError(await srv.api('PUT', '/api/v1/hotline/limits', { token: T.operator, body }), 403, 'forbidden');
  const out = cli(['user', 'add', 'cityop', '--role', 'operator', '--region', '4201', '--db', srv.db], { input: 'city-operator-password\n' });
  assert.equal(out.status, 0, out.stderr);
  const s = await srv.api('POST', '/api/v1/session', { body: { username: 'cityop', password: 'city-operator-password' } });
  const city = s.body.token;
  assertError(await srv.api('PUT', '/api/v1/hotline/limits', { token: city, body: { ...body, reply_unit: 'weeks' } }), 400, 'invalid', 'reply_unit');
  assertError(await srv.api('PUT', '/api/v1/hotline/limits', { token: city, body: { ...body, urgency: 'someday' } }), 400, 'invalid', 'urgency');
  assertError(await srv.api('PUT', '/api/v1/hotline/limits', { token: city, body: { ...body, reply_unit: 'hours', ext_max: 2 } }), 400, 'invalid', 'ext_max');
  const r = await srv.api('PUT', '/api/v1/hotline/limits', { token: city, body });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const t = await ticket({ urgency: 'complex', dispatch_to: STREET1 });
  assert.equal(t.deadlines.find((d) => d.name === 'reply').n, 20);
  const cal = await get('operator', '/api/v1/hotline/calendar?from=2020-01-01&to=2020-01-02');
  assert.equal(cal.body.limits.find((l) => l.urgency === 'complex').reply_n, 20);
});

test('a ticket holds at most 500 events; the next move is refused', async () => {
  const t = await ticket(); // one event: receive
  for (let i = 0; i < 499; i += 10) {
    const batch = [];
    for (let k = i; k < Math.min(i + 10, 499); k++) batch.push(move('operator', t.id, { move: 'note', note: `备注 ${k}` }));
    for (const r of await Promise.all(batch)) assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 200));
  }
  const full = await get('operator', `/api/v1/tickets/${t.id}`);
  assert.equal(full.body.events.length, 500);
  assertError(await move('operator', t.id, { move: 'note', note: '再一条' }), 409, 'conflict', 'move');
});

test('roles: auditors read, commanders read, nobody else takes calls', async () => {
  assert.equal((await get('auditor', '/api/v1/tickets?limit=5')).status, 200);
  assert.equal((await get('commander', '/api/v1/tickets/chase?limit=5')).status, 200);
  assertError(await post('officer', '/api/v1/tickets', { channel: 'phone', category: 'help', urgency: 'general', region: COMM1, text: '求助' }), 403, 'forbidden');
  assertError(await post('auditor', '/api/v1/answers', { category: 'help', question: '问?', answer: '答。', effective: '2020-02-01' }), 403, 'forbidden');
});
