// Mobilisation, supervision and announcements: people who serve, the
// public form and its approval, teams, posts and shifts under the rules
// (insurance, overlap, hours per day, back to back), check-in and check-out
// with the hours they give, certification and corrections, tasks, the
// board, inspections with findings and their rectification, notices, and
// announcements with their receipts.  Every "Bad input" line of the issue
// is here with its status and error code.  Tests run in order on one
// server (the demo of the matrix: 1,500 residents).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { COUNTY, STREET1, STREET2, COMM1, GRID, uuid, addDays } from './registry-helpers.mjs';

const COMM2 = '420106002001';
let srv, today;
const T = {};
// The server's clock runs from noon today (FK_NOW), so that a shift "on
// now" and the check-ins around it never cross midnight.
const T0 = Date.now();
const NOON = (() => { const d = new Date(); d.setHours(12, 0, 0, 0); return Math.floor(d.getTime() / 1000); })();
const now = () => NOON + Math.floor((Date.now() - T0) / 1000);

before(async () => {
  srv = await startServer({ people: 1500, days: 1, env: { FK_TEST: '1', FK_NOW: String(NOON) } });
  for (const u of ['admin', 'commander', 'officer', 'officer2', 'coordinator', 'volunteer', 'supervisor', 'gridworker', 'doctor'])
    T[u] = await srv.login(u);
  const d = await srv.api('GET', '/api/v1/stats/daily', { token: T.admin });
  today = d.body.days.at(-1).date;
});
after(async () => { await srv?.stop(); });

const api = (who, method, path, body) => srv.api(method, path, { token: T[who], body });
function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}
async function ok(r, status = 201) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  return r.body;
}

let seq = 0;
const volunteer = (extra = {}) => api('officer', 'POST', '/api/v1/volunteers',
  { region: COMM1, name: `测试志愿者${++seq}`, phone: '138 0013 8000', ...extra });
// A time of today in the server's zone (the harness gives it ours).
const at = (hh, mm = 0) => {
  const [y, m, d] = today.split('-').map(Number);
  return Math.floor(new Date(y, m - 1, d, hh, mm).getTime() / 1000);
};
const hhmm = (t) => { const d = new Date(t * 1000); return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`; };

let post, riskyPost, team;

test('people: a profile with the phone sealed and masked; the list is audited', async () => {
  const v = await ok(await volunteer({ party_member: true, skills: '驾驶', work_unit: '武昌区税务局' }));
  assert.equal(v.phone, '138****8000');
  assert.equal(v.state, 'active');
  assert.equal(v.party_member, true);
  assert.equal(v.region_name.length > 0, true);
  const l = await ok(await api('officer', 'GET', `/api/v1/volunteers?region=${COMM1}&name=${encodeURIComponent('测试志愿者')}`), 200);
  assert.ok(l.items.some((x) => x.id === v.id && x.phone === '138****8000'));
  assertError(await volunteer({ phone: '12345' }), 400, 'invalid', 'phone');
  assertError(await api('officer', 'POST', '/api/v1/volunteers', { region: COMM2, name: '他街道' }), 404, 'not_found', 'region');
});

test('the public form: pending until the community approves; refusal needs a reason', async () => {
  const f = await ok(await srv.api('POST', '/api/v1/volunteers/register',
    { body: { community: COMM1, name: '报名群众', phone: '13900000001', skills: '外语' } }));
  assert.equal(f.state, 'pending');
  assert.equal(f.phone, undefined, 'the public answer holds no personal data back');
  assertError(await srv.api('POST', '/api/v1/volunteers/register', { body: { community: '420106999999', name: 'x', phone: '13900000002' } }),
    404, 'not_found', 'community');
  assertError(await srv.api('POST', '/api/v1/volunteers/register', { body: { community: COMM1, name: 'x' } }), 400, 'invalid', 'phone');
  assertError(await api('officer', 'POST', `/api/v1/volunteers/${f.id}/approve`, { approve: false }), 400, 'invalid', 'reason');
  const a = await ok(await api('officer', 'POST', `/api/v1/volunteers/${f.id}/approve`, { approve: true }), 200);
  assert.equal(a.state, 'active');
  assertError(await api('officer', 'POST', `/api/v1/volunteers/${f.id}/approve`, { approve: true }), 409, 'conflict', 'state');
  assertError(await api('officer2', 'POST', `/api/v1/volunteers/${f.id}/approve`, { approve: true }), 404, 'not_found');
});

test('pledges: signatories as they signed; the assignment that followed', async () => {
  const a = await ok(await volunteer({ party_member: true }));
  const b = await ok(await volunteer({ party_member: true }));
  assertError(await api('officer', 'POST', '/api/v1/pledges', { region: COMM1, text: '请战', signatories: [a.id, 'x'] }), 400, 'invalid', 'signatories[1]');
  const p = await ok(await api('officer', 'POST', '/api/v1/pledges', { region: COMM1, text: '疫情就是命令', signatories: [a.id, b.id] }));
  assert.deepEqual(p.signatories, [a.name, b.name]);
  assert.equal(p.assignment, '');
  const q = await ok(await api('officer', 'POST', `/api/v1/pledges/${p.id}/assignment`, { assignment: '编入突击队，负责北门' }), 200);
  assert.equal(q.assignment, '编入突击队，负责北门');
  assertError(await api('officer2', 'POST', `/api/v1/pledges/${p.id}/assignment`, { assignment: 'x' }), 404, 'not_found');
  const rec = await ok(await api('officer', 'GET', `/api/v1/volunteers/${a.id}`), 200);
  assert.ok(rec.pledges.some((x) => x.id === p.id && x.assignment === '编入突击队，负责北门'));
});

test('teams and posts', async () => {
  team = await ok(await api('coordinator', 'POST', '/api/v1/teams', { region: COMM1, name: '测试突击队', kind: 'shock', secretary: '王书记' }));
  assertError(await api('coordinator', 'POST', '/api/v1/teams', { region: COMM1, name: 'x', kind: 'army' }), 400, 'invalid', 'kind');
  post = await ok(await api('coordinator', 'POST', '/api/v1/posts', { region: COMM1, name: '测试门岗', kind: 'gate', required: 3, team_id: team.id }));
  riskyPost = await ok(await api('coordinator', 'POST', '/api/v1/posts', { region: COMM1, name: '测试配送', kind: 'delivery', required: 2, risky: true }));
  assert.equal(riskyPost.risky, true);
});

const shift = (p, date, start, end) => api('coordinator', 'POST', '/api/v1/shifts', { post_id: p.id, date, start, end });
const assign = (s, v) => api('coordinator', 'POST', `/api/v1/shifts/${s.id}/people`, { volunteer_id: v.id });

test('a risky post without insurance valid that day → 409 insured_until', async () => {
  const d = addDays(today, 5);
  const s = await ok(await shift(riskyPost, d, '09:00', '12:00'));
  const none = await ok(await volunteer());
  let r = await assign(s, none);
  assertError(r, 409, 'conflict', 'insured_until');
  assert.match(r.body.error.message, /insurance/);
  const lapsed = await ok(await volunteer({ insured_until: addDays(today, 2) }));
  r = await assign(s, lapsed);
  assertError(r, 409, 'conflict', 'insured_until');
  assert.match(r.body.error.message, new RegExp(addDays(today, 2)));
  const insured = await ok(await volunteer({ insured_until: addDays(today, 30) }));
  await ok(await assign(s, insured));
  // insurance bought later: the same person may be put on it then
  await ok(await api('officer', 'PATCH', `/api/v1/volunteers/${none.id}`, { insured_until: d }), 200);
  await ok(await assign(s, none));
  // the shift is full now
  const third = await ok(await volunteer({ insured_until: d }));
  assertError(await assign(s, third), 409, 'conflict', 'required');
});

test('overlapping shifts, the hours of a day and shifts back to back → 409 naming each', async () => {
  const d = addDays(today, 6);
  const v = await ok(await volunteer());
  const a = await ok(await shift(post, d, '08:00', '12:00'));
  await ok(await assign(a, v));
  assertError(await assign(a, v), 409, 'conflict', 'volunteer_id');
  const b = await ok(await shift(post, d, '11:00', '13:00'));
  const r = await assign(b, v);
  assertError(r, 409, 'conflict', 'shift_id');
  assert.match(r.body.error.message, new RegExp(`shift ${a.id}`));
  // 08-12 and 14-18 are 8 hours: another hour passes the default limit
  const c = await ok(await shift(post, d, '14:00', '18:00'));
  await ok(await assign(c, v));
  const e = await ok(await shift(post, d, '20:00', '21:00'));
  const h = await assign(e, v);
  assertError(h, 409, 'conflict', 'hours_per_day');
  assert.match(h.body.error.message, /8 hours/);
  // three shifts less than an hour apart (the limit is two in a row)
  const w = await ok(await volunteer());
  const d2 = addDays(today, 7);
  const s1 = await ok(await shift(post, d2, '06:00', '08:00'));
  const s2 = await ok(await shift(post, d2, '08:30', '10:00'));
  const s3 = await ok(await shift(post, d2, '10:30', '11:30'));
  await ok(await assign(s1, w));
  await ok(await assign(s2, w));
  assertError(await assign(s3, w), 409, 'conflict', 'back_to_back');
  // an hour's rest, and it is a new stretch
  const s4 = await ok(await shift(post, d2, '11:00', '12:00'));
  await ok(await assign(s4, w));
});

// A volunteer account of our own with its profile, and a shift on now.
let mine, mineShift;
test('check-in and check-out on the phone: every check-in kept, hours clipped to the shift', async () => {
  await ok(await api('admin', 'POST', '/api/v1/users', { username: 'vol-test', password: 'a-long-password-2', role: 'volunteer', region: COMM1 }));
  const s = await srv.api('POST', '/api/v1/session', { body: { username: 'vol-test', password: 'a-long-password-2' } });
  T.voltest = s.body.token;
  assertError(await api('voltest', 'GET', '/api/v1/me/service'), 404, 'not_found');
  await ok(await volunteer({ username: 'vol-test' }));
  const me = await ok(await api('voltest', 'GET', '/api/v1/me/service'), 200);
  assert.ok(me.id > 0 && Array.isArray(me.shifts));
  const start = now() - 3600, end = now() + 3600;
  mineShift = await ok(await shift(post, today, hhmm(start), hhmm(end)));
  mine = await ok(await assign(mineShift, me));
  const id = mine.id;
  // a check-out before any check-in → 400
  assertError(await api('voltest', 'POST', `/api/v1/shift-people/${id}/checkout`, {}), 400, 'invalid', 'at');
  const t0 = mineShift.start_at;
  const ci = await ok(await api('voltest', 'POST', `/api/v1/shift-people/${id}/checkin`, { at: t0 + 60 }), 200);
  assert.equal(ci.state, 'on_duty');
  // a check-out before the check-in → 400
  assertError(await api('voltest', 'POST', `/api/v1/shift-people/${id}/checkout`, { at: t0 }), 400, 'invalid', 'at');
  assertError(await api('voltest', 'POST', `/api/v1/shift-people/${id}/checkin`, { at: now() + 3600 }), 400, 'invalid', 'at');
  await ok(await api('voltest', 'POST', `/api/v1/shift-people/${id}/checkout`, { at: t0 + 60 + 1800 }), 200);
  // back from a break: a second check-in, kept too
  const again = await ok(await api('voltest', 'POST', `/api/v1/shift-people/${id}/checkin`, { at: t0 + 60 + 2400 }), 200);
  assert.equal(again.checkins, 2);
  const out = await ok(await api('voltest', 'POST', `/api/v1/shift-people/${id}/checkout`, {}), 200);
  assert.equal(out.state, 'done');
  // 30 minutes, then from t0+41min to now (about 61 minutes in all, never past the shift's end)
  const expect = 30 + Math.floor((Math.min(now(), mineShift.end_at) - (t0 + 60 + 2400)) / 60);
  assert.ok(Math.abs(out.minutes - expect) <= 1, `${out.minutes} vs ${expect}`);
  const me2 = await ok(await api('voltest', 'GET', '/api/v1/me/service'), 200);
  assert.equal(me2.minutes - me.minutes, out.minutes, 'the person\'s minutes are kept on write');
  // another's place: 403 for a volunteer; another street's: 404
  const other = (await ok(await api('officer', 'GET', `/api/v1/shift-people?region=${COMM1}&state=done`), 200)).items
    .find((x) => x.volunteer_id !== me.id);
  assertError(await api('voltest', 'POST', `/api/v1/shift-people/${other.id}/checkin`, {}), 403, 'forbidden');
});

test('a volunteer correcting someone else\'s hours → 403; their own: accepted or refused with a reason', async () => {
  const other = (await ok(await api('officer', 'GET', `/api/v1/shift-people?region=${COMM1}&state=done`), 200)).items
    .find((x) => x.id !== mine.id);
  assertError(await api('voltest', 'POST', `/api/v1/shift-people/${other.id}/corrections`, { minutes: 240, reason: '多算一点' }),
    403, 'forbidden');
  assertError(await api('voltest', 'POST', `/api/v1/shift-people/${mine.id}/corrections`, { minutes: 90 }), 400, 'invalid', 'reason');
  const c = await ok(await api('voltest', 'POST', `/api/v1/shift-people/${mine.id}/corrections`, { minutes: 100, reason: '忘记签到，实际一直在岗' }));
  assert.equal(c.state, 'pending');
  assertError(await api('voltest', 'POST', `/api/v1/shift-people/${mine.id}/corrections`, { minutes: 100, reason: '再次申请' }),
    409, 'conflict', 'state');
  assertError(await api('coordinator', 'POST', `/api/v1/corrections/${c.id}/decide`, { accept: false }), 400, 'invalid', 'answer');
  const before = (await ok(await api('voltest', 'GET', '/api/v1/me/service'), 200)).minutes;
  const d = await ok(await api('coordinator', 'POST', `/api/v1/corrections/${c.id}/decide`, { accept: true, answer: '核实无误' }), 200);
  assert.equal(d.state, 'accepted');
  assert.equal(d.minutes_before + (d.minutes - d.minutes_before), 100);
  const afterMe = await ok(await api('voltest', 'GET', '/api/v1/me/service'), 200);
  assert.equal(afterMe.minutes - before, 100 - d.minutes_before);
  assertError(await api('coordinator', 'POST', `/api/v1/corrections/${c.id}/decide`, { accept: false, answer: 'x' }), 409, 'conflict', 'state');
  const c2 = await ok(await api('voltest', 'POST', `/api/v1/shift-people/${mine.id}/corrections`, { minutes: 110, reason: '再补' }));
  const r = await ok(await api('coordinator', 'POST', `/api/v1/corrections/${c2.id}/decide`, { accept: false, answer: '与登记簿不符' }), 200);
  assert.equal(r.state, 'refused');
  assert.equal(r.answer, '与登记簿不符');
  const kept = await ok(await api('officer', 'GET', `/api/v1/corrections?region=${COMM1}`), 200);
  assert.ok(kept.items.some((x) => x.id === c.id && x.state === 'accepted') && kept.items.some((x) => x.id === c2.id && x.state === 'refused'));
});

test('certification by the organiser; the certificate PDF', async () => {
  const cert = await ok(await api('coordinator', 'POST', `/api/v1/shifts/${mineShift.id}/certify`), 200);
  assert.equal(cert.certified, 1);
  assertError(await api('coordinator', 'POST', `/api/v1/shifts/${mineShift.id}/certify`), 409, 'conflict', 'state');
  const me = await ok(await api('voltest', 'GET', '/api/v1/me/service'), 200);
  const rec = await ok(await api('officer', 'GET', `/api/v1/volunteers/${me.id}`), 200);
  assert.ok(rec.certified_minutes >= 100);
  assert.ok(rec.posts.some((p) => p.id === post.id));
  const pdf = await srv.raw('GET', '/api/v1/me/certificate', { token: T.voltest });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pdf.bytes.length > 5000, `a PDF of ${pdf.bytes.length} bytes`);
  const a = await ok(await api('admin', 'GET', '/api/v1/audit?action=volunteer.certificate&limit=5'), 200);
  assert.ok(a.items.some((e) => e.object === `volunteer:${me.id}` && e.username === 'vol-test'), 'the export is audited');
  const far = await srv.raw('GET', `/api/v1/volunteers/${me.id}/certificate`, { token: T.officer2 });
  assert.equal(far.status, 404);
});

test('a check-in by someone found abnormal in screening that day → 409 screening', async () => {
  const h = await ok(await api('officer', 'POST', '/api/v1/households', { grid: GRID, building: '志愿楼', room: '101' }));
  const p = await ok(await api('officer', 'POST', '/api/v1/persons', { household_id: h.id, name: '发热志愿者' }));
  const acct = await ok(await api('admin', 'POST', '/api/v1/users', { username: 'vol-fever', password: 'a-long-password-1', role: 'volunteer', region: COMM1 }));
  assert.ok(acct);
  const v = await ok(await volunteer({ person_id: p.id, username: 'vol-fever' }));
  const s = await ok(await shift(post, today, hhmm(now() - 1800), hhmm(now() + 3600)));
  const sp = await ok(await assign(s, v));
  const sr = await api('gridworker', 'POST', '/api/v1/screenings',
    { uuid: uuid(), household_id: h.id, status: 'visited', persons: [{ person_id: p.id, temperature: 38.4 }] });
  assert.equal(sr.status, 201, JSON.stringify(sr.body));
  const s2 = await srv.api('POST', '/api/v1/session', { body: { username: 'vol-fever', password: 'a-long-password-1' } });
  const r = await srv.api('POST', `/api/v1/shift-people/${sp.id}/checkin`, { token: s2.body.token, body: {} });
  assertError(r, 409, 'conflict', 'screening');
  assert.match(r.body.error.message, new RegExp(today));
});

test('tasks: a delivery names the observation; not executable needs a reason; overdue shown', async () => {
  const me = await ok(await api('volunteer', 'GET', '/api/v1/me/service'), 200);
  assertError(await api('coordinator', 'POST', '/api/v1/tasks', { region: COMM1, kind: 'delivery', title: '送菜', volunteer_id: me.id, due_at: now() + 3600 }),
    400, 'invalid', 'observation_id');
  const t = await ok(await api('coordinator', 'POST', '/api/v1/tasks', { region: COMM1, kind: 'gate', title: '北门加岗', volunteer_id: me.id, due_at: now() - 60 }));
  assert.equal(t.overdue, true);
  const o = await ok(await api('coordinator', 'GET', `/api/v1/tasks?region=${COMM1}&overdue=1`), 200);
  assert.ok(o.items.some((x) => x.id === t.id) && o.items.every((x) => x.overdue));
  assertError(await api('volunteer', 'POST', `/api/v1/tasks/${t.id}/state`, { state: 'not_executable' }), 400, 'invalid', 'reason');
  const p = await ok(await api('volunteer', 'POST', `/api/v1/tasks/${t.id}/state`, { state: 'in_progress' }), 200);
  assert.equal(p.state, 'in_progress');
  const d = await ok(await api('volunteer', 'POST', `/api/v1/tasks/${t.id}/state`, { state: 'done' }), 200);
  assert.equal(d.overdue, false);
  assertError(await api('volunteer', 'POST', `/api/v1/tasks/${t.id}/state`, { state: 'in_progress' }), 409, 'conflict', 'state');
  const theirs = await ok(await api('coordinator', 'POST', '/api/v1/tasks', { region: COMM1, kind: 'sweep', title: '扫楼', team_id: team.id, due_at: now() + 60 }));
  assertError(await api('volunteer', 'POST', `/api/v1/tasks/${theirs.id}/state`, { state: 'done' }), 403, 'forbidden');
  const obs = (await ok(await api('officer', 'GET', `/api/v1/observations?region=${STREET1}&state=active`), 200)).items[0];
  if (obs) {
    const dl = await ok(await api('coordinator', 'POST', '/api/v1/tasks', { region: obs.region.slice(0, 12), kind: 'delivery', title: '配送药品', volunteer_id: me.id, observation_id: obs.id, due_at: now() + 3600 }));
    assert.equal(dl.observation_id, obs.id);
  }
});

test('the board: on duty now per post, gaps, reports without a task, hours', async () => {
  const s = await ok(await shift(post, today, hhmm(now() - 600), hhmm(now() + 1800)));
  const v = await ok(await volunteer());
  await ok(await assign(s, v));
  const b = await ok(await api('officer', 'GET', `/api/v1/mobilise/board?region=${COMM1}`), 200);
  const p = b.posts.find((x) => x.id === post.id);
  assert.ok(p.shifts.includes(s.id));
  assert.equal(p.gap, 3 * p.shifts.length - p.on_duty.length);
  assert.ok(b.gaps.some((g) => g.id === s.id));
  assert.ok(b.reported > 0 && Array.isArray(b.no_task));
  assert.ok(b.minutes_7d >= 0);
  assertError(await api('officer', 'GET', `/api/v1/mobilise/board?region=${COMM2}`), 404, 'not_found');
  const reports = await ok(await api('officer', 'GET', `/api/v1/duty-reports?region=${COMM1}&no_task=1`), 200);
  assert.ok(reports.items.every((x) => x.tasks_taken === 0));
});

test('supervision: a finding without a deadline → 400; rectified, verified; found vs fixed', async () => {
  const base = { region: COMM1, target: '测试门岗', post_id: post.id, checklist: { gate_duty: true, registration: false } };
  assertError(await api('supervisor', 'POST', '/api/v1/inspections', { ...base, findings: [{ text: '登记不全', responsible: '书记' }] }),
    400, 'invalid', 'findings[0].deadline');
  assertError(await api('supervisor', 'POST', '/api/v1/inspections', { ...base, checklist: { flying: true } }), 400, 'invalid', 'checklist');
  const s0 = (await ok(await api('commander', 'GET', `/api/v1/supervision/summary?region=${COMM1}`), 200)).items[0];
  const i = await ok(await api('supervisor', 'POST', '/api/v1/inspections', { ...base,
    findings: [{ text: '登记不全', evidence: '登记簿缺出入时间', deadline: addDays(today, 2), responsible: '社区书记' }] }));
  const f = i.findings[0];
  assert.equal(f.state, 'open');
  assertError(await api('supervisor', 'POST', `/api/v1/findings/${f.id}/verify`, { fixed: true }), 409, 'conflict', 'state');
  await ok(await api('officer', 'POST', `/api/v1/findings/${f.id}/rectify`, { text: '已补齐登记' }), 200);
  assertError(await api('supervisor', 'POST', `/api/v1/findings/${f.id}/verify`, { fixed: false }), 400, 'invalid', 'note');
  const v = await ok(await api('supervisor', 'POST', `/api/v1/findings/${f.id}/verify`, { fixed: true }), 200);
  assert.equal(v.state, 'fixed');
  const s1 = (await ok(await api('commander', 'GET', `/api/v1/supervision/summary?region=${COMM1}`), 200)).items[0];
  assert.equal(s1.found - s0.found, 1);
  assert.equal(s1.fixed - s0.fixed, 1);
  // not overdue: no chase
  assertError(await api('supervisor', 'POST', `/api/v1/findings/${f.id}/chase`), 409, 'conflict', 'state');
  // an overdue one (from the demo) is chased, with an urgent announcement to the officers
  const od = (await ok(await api('supervisor', 'GET', `/api/v1/findings?region=${STREET1}&overdue=1`), 200)).items[0];
  if (od) {
    const c = await ok(await api('supervisor', 'POST', `/api/v1/findings/${od.id}/chase`), 200);
    assert.equal(c.chased, od.chased + 1);
    const inbox = await ok(await api('officer', 'GET', '/api/v1/announcements/inbox'), 200);
    assert.ok(inbox.items.some((a) => a.urgent && a.must_ack));
  }
  // a photo: JPEG or PNG only
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const ph = await srv.raw('POST', `/api/v1/findings/${f.id}/photo`, { token: T.supervisor, body: png });
  assert.equal(ph.status, 200, JSON.stringify(ph.body));
  assert.equal(ph.body.has_photo, true);
  const bad = await srv.raw('POST', `/api/v1/findings/${f.id}/photo`, { token: T.supervisor, body: 'not an image' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'photo');
  const big = Buffer.concat([png, Buffer.alloc(2 << 20)]);
  const tooBig = await srv.raw('POST', `/api/v1/findings/${f.id}/photo`, { token: T.supervisor, body: big });
  assert.equal(tooBig.status, 413);
});

test('notices, interviews (with their outcome) and commendations', async () => {
  assertError(await api('supervisor', 'POST', '/api/v1/supervision/notices', { region: STREET1, kind: 'interview', subject: '书记', text: '约谈' }),
    400, 'invalid', 'outcome');
  const me = await ok(await api('volunteer', 'GET', '/api/v1/me/service'), 200);
  const n = await ok(await api('supervisor', 'POST', '/api/v1/supervision/notices', { region: STREET1, kind: 'notice', subject: '某社区', text: '通报：零报告迟报' }));
  assert.ok(n.announcement_id > 0, 'a notice is published to the region\'s staff');
  await ok(await api('supervisor', 'POST', '/api/v1/supervision/notices', { region: COMM1, kind: 'commendation', subject: '先锋岗', volunteer_id: me.id, text: '表彰' }));
  const rec = await ok(await api('officer', 'GET', `/api/v1/volunteers/${me.id}`), 200);
  assert.ok(rec.commendations.length >= 1);
});

test('announcements: out of scope → 404; receipts at send time; read and acknowledged once; urgent re-shown until acknowledged', async () => {
  const body = { region: STREET2, roles: ['officer'], title: '测试', body: '内容' };
  assertError(await api('officer', 'POST', '/api/v1/announcements', body), 404, 'not_found', 'region');
  assertError(await api('officer', 'POST', '/api/v1/announcements', { ...body, region: COMM1, roles: ['mayor'] }), 400, 'invalid', 'roles[0]');
  const a = await ok(await api('officer', 'POST', '/api/v1/announcements',
    { region: COMM1, roles: ['volunteer', 'doctor'], urgent: true, title: '紧急：今晚停水', body: '今晚22时起停水\n请提前储水' }));
  assert.ok(a.recipients >= 2, `recipients ${a.recipients}`);
  assert.equal(a.readers, 0);
  assert.equal(a.script, '紧急：今晚停水。今晚22时起停水 请提前储水');
  assert.deepEqual(a.roles, ['doctor', 'volunteer']);
  let inbox = await ok(await api('volunteer', 'GET', '/api/v1/announcements/inbox'), 200);
  const item = inbox.items.find((x) => x.id === a.id);
  assert.equal(item.must_ack, true);
  const must0 = inbox.must_ack;
  await ok(await api('volunteer', 'POST', `/api/v1/announcements/${a.id}/read`), 200);
  await ok(await api('volunteer', 'POST', `/api/v1/announcements/${a.id}/read`), 200);
  inbox = await ok(await api('volunteer', 'GET', '/api/v1/announcements/inbox'), 200);
  assert.equal(inbox.items.find((x) => x.id === a.id).must_ack, true, 'read is not acknowledged');
  await ok(await api('volunteer', 'POST', `/api/v1/announcements/${a.id}/ack`), 200);
  inbox = await ok(await api('volunteer', 'GET', '/api/v1/announcements/inbox'), 200);
  assert.equal(inbox.items.find((x) => x.id === a.id).must_ack, false);
  assert.equal(inbox.must_ack, must0 - 1);
  const l = (await ok(await api('officer', 'GET', `/api/v1/announcements?region=${COMM1}`), 200)).items.find((x) => x.id === a.id);
  assert.equal(l.readers, 1);
  assert.equal(l.acks, 1);
  // not a recipient: 404 alike
  assertError(await api('gridworker', 'POST', `/api/v1/announcements/${a.id}/read`), 404, 'not_found');
  const poster = await srv.raw('GET', `/api/v1/announcements/${a.id}/poster`, { token: T.officer });
  assert.equal(poster.status, 200);
  assert.equal(poster.bytes.subarray(0, 5).toString(), '%PDF-');
  assertError(await api('officer2', 'GET', `/api/v1/announcements/${a.id}/poster`), 404, 'not_found');
});

test('residents\' notices: the public announcements of a community and the regions above it, without a session', async () => {
  const pub = await ok(await api('officer', 'POST', '/api/v1/announcements',
    { region: STREET1, roles: ['officer'], public: true, title: '居民须知：错峰取快递', body: '请按楼栋错峰到小区门口取快递。' }));
  assert.equal(pub.public, true);
  const staff = await ok(await api('officer', 'POST', '/api/v1/announcements', { region: COMM1, roles: ['officer'], title: '内部通知', body: '仅工作人员' }));
  const r = await ok(await srv.api('GET', `/api/v1/public/announcements?community=${COMM1}`), 200);
  assert.ok(r.items.some((a) => a.id === pub.id && a.title === '居民须知：错峰取快递'));
  assert.ok(!r.items.some((a) => a.id === staff.id), 'staff notices stay inside');
  const other = await ok(await srv.api('GET', `/api/v1/public/announcements?community=${COMM2}`), 200);
  assert.ok(!other.items.some((a) => a.id === pub.id), 'another street does not see it');
  assertError(await srv.api('GET', '/api/v1/public/announcements?community=420106999999'), 404, 'not_found', 'community');
  assertError(await srv.api('GET', '/api/v1/public/announcements'), 404, 'not_found', 'community');
});

test('a forgotten check-out is closed by the server at the shift\'s end, marked, never overtime', async () => {
  await ok(await api('admin', 'POST', '/api/v1/users', { username: 'vol-test2', password: 'a-long-password-4', role: 'volunteer', region: COMM1 }));
  const v = await ok(await volunteer({ username: 'vol-test2' }));
  const s = await ok(await shift(post, today, hhmm(now() - 7200), hhmm(now() - 3600)));
  const sp = await ok(await assign(s, v));
  const s2 = await srv.api('POST', '/api/v1/session', { body: { username: 'vol-test2', password: 'a-long-password-4' } });
  const ci = await srv.api('POST', `/api/v1/shift-people/${sp.id}/checkin`, { token: s2.body.token, body: { at: s.start_at + 300 } });
  assert.equal(ci.status, 200, JSON.stringify(ci.body));
  // the sweep runs once a minute
  let place;
  for (let i = 0; i < 75; i++) {
    place = (await ok(await api('officer', 'GET', `/api/v1/shift-people?region=${COMM1}&shift_id=${s.id}`), 200)).items[0];
    if (place.state === 'done') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(place.state, 'done');
  assert.equal(place.auto_closed, true);
  assert.equal(place.minutes, Math.floor((s.end_at - s.start_at - 300) / 60), 'counted to the shift\'s end, not to now');
});

test('the demo: forgotten check-outs closed at the shift\'s end and marked, never overtime', async () => {
  const all = await ok(await api('commander', 'GET', `/api/v1/shift-people?region=${COUNTY}&state=done&limit=1000`), 200);
  const auto = all.items.filter((x) => x.auto_closed);
  assert.ok(all.items.length > 0);
  for (const x of all.items) assert.ok(x.minutes <= (x.end_at - x.start_at) / 60, `minutes ${x.minutes} past the shift ${x.id}`);
  assert.ok(auto.length > 0, 'the demo forgot some check-outs');
  for (const x of auto) assert.ok(x.minutes > 0 && x.minutes <= (x.end_at - x.start_at) / 60);
  const v = await ok(await api('commander', 'GET', `/api/v1/volunteers?region=${STREET2}&limit=5`), 200);
  assert.ok(v.items.length > 0 && v.items.every((x) => x.region.startsWith(STREET2)));
});

test('bounds: the public form keeps at most 500 registrations waiting in a community', async () => {
  const pending = (await ok(await api('officer', 'GET', `/api/v1/volunteers?region=${COMM1}&state=pending&limit=1000`), 200)).items.length;
  for (let i = pending; i < 500; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, 500 - i) }, (_, k) =>
      srv.api('POST', '/api/v1/volunteers/register', { body: { community: COMM1, name: `排队${i + k}`, phone: '13900000003' } })
        .then((r) => assert.equal(r.status, 201))));
  }
  assertError(await srv.api('POST', '/api/v1/volunteers/register', { body: { community: COMM1, name: '第501', phone: '13900000004' } }),
    409, 'conflict', 'community');
});
