// The command centre: the wall screen's data in one answer (panels by
// permission, ETag and 304, figures that agree with the pages they drill
// into) and the daily bulletin (a day not over → 409, approval locks the
// figures, outside scope → 404, corrections in the next bulletin, figures
// against hand-computed values, the documents, no personal data).  One
// server, 600 residents: no demo outbreak, every case here is ours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli, BIN } from '../lib/harness.mjs';
import { COUNTY, STREET1, STREET2, COMM1, GRID, addDays, walk } from './registry-helpers.mjs';

let srv, today;
const T = {};
const PANELS = ['coverage', 'reports', 'alerts', 'cases', 'observation', 'states', 'rt'];

before(async () => {
  srv = await startServer({ people: 600, days: 2, env: { FK_WALL_CACHE: '2' } }); // answers shared for 2 s
  for (const u of ['admin', 'commander', 'officer', 'officer2', 'doctor', 'gridworker', 'auditor']) T[u] = await srv.login(u);
  // a commander of the second street only
  const c = await srv.api('POST', '/api/v1/users', { token: T.admin, body: { username: 'commander2', password: 'street-commander-pw', role: 'commander', region: STREET2 } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const s = await srv.api('POST', '/api/v1/session', { body: { username: 'commander2', password: 'street-commander-pw' } });
  T.commander2 = s.body.token;
  const d = (await srv.api('GET', '/api/v1/stats/daily', { token: T.doctor })).body;
  today = d.today;
});
after(async () => { await srv?.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

// Local noon of a date, in Unix seconds (the harness runs the server in this process's zone).
const noon = (date) => Math.floor(new Date(`${date}T12:00:00`).getTime() / 1000);

let seq = 0;
const NAMES = [];
async function person() {
  seq++;
  const h = await srv.api('POST', '/api/v1/households', { token: T.officer, body: { grid: GRID, building: '通报楼', room: String(5000 + seq) } });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  const name = `通报测试人${seq}`;
  NAMES.push(name);
  const p = await srv.api('POST', '/api/v1/persons', { token: T.officer, body: { household_id: h.body.id, name, phone: `1390000${String(1000 + seq)}` } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return p.body;
}
// A case reported at local noon of date (a minute ago when that is still to come).
async function mkCase(category, date) {
  const at = Math.min(noon(date), Math.floor(Date.now() / 1000) - 60);
  const p = await person();
  const r = await srv.api('POST', '/api/v1/cases', {
    token: T.doctor,
    body: { person_id: p.id, category, diagnosis_time: at - 60, reported_time: at, reporting_unit: '武昌医院', place: 'designated_hospital' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function wall(region, who = 'commander', headers = {}) {
  return srv.api('GET', `/api/v1/wall${region ? `?region=${region}` : ''}`, { token: T[who], headers });
}

test('wall: every panel in one answer, each child agreeing with the page it drills into', async () => {
  const r = await wall(STREET1);
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
  assert.deepEqual(Object.keys(r.body.panels), PANELS);
  assert.equal(r.body.region.code, STREET1);
  assert.equal(r.body.date, today);
  assert.ok(Number.isInteger(r.body.as_of));
  const p = r.body.panels;
  // coverage per child is /coverage's
  const cov = (await srv.api('GET', `/api/v1/coverage?region=${STREET1}`, { token: T.commander })).body;
  assert.deepEqual(p.coverage.children, cov.children);
  assert.deepEqual(p.coverage.total, cov.region);
  // grids missing their zero report, counted per community, are /reports?missing's
  const missing = await walk(srv, T.commander, `/api/v1/reports?region=${STREET1}&date=${today}&missing=true`, 1000);
  assert.equal(p.reports.total.missing, missing.items.length);
  for (const c of p.reports.children) {
    assert.equal(c.missing, missing.items.filter((g) => g.grid.startsWith(c.code)).length, c.code);
    assert.equal(c.grids, c.reported + c.missing);
  }
  // open alerts per child are /alerts?state=open's
  const open = await walk(srv, T.commander, `/api/v1/alerts?region=${STREET1}&state=open`, 1000);
  assert.equal(p.alerts.total.open, open.items.length);
  for (const c of p.alerts.children) assert.equal(c.open, open.items.filter((a) => a.grid.startsWith(c.code)).length);
  // no person is named on the wall
  const text = JSON.stringify(r.body);
  for (const a of open.items) assert.ok(!text.includes(a.person_name), 'no person on the wall');
  // the epidemic curve and Rt cover the same 60 days
  assert.equal(p.cases.series.dates.length, 60);
  assert.equal(p.cases.series.dates.at(-1), today);
  assert.equal(p.states.communities, p.states.by_state[1] + p.states.by_state[2] + p.states.by_state[3]);
});

test('wall: a grid has no children but its own row; the caller home region by default', async () => {
  const g = await wall(GRID, 'officer');
  assert.equal(g.status, 200);
  assert.deepEqual(g.body.panels.reports.children.map((c) => c.code), [GRID]);
  const home = await wall('', 'officer');
  assert.equal(home.body.region.code, STREET1);
});

test('wall: screens polling the same region share one computation for FK_WALL_CACHE seconds; scope is checked each time', async () => {
  const a = await wall(STREET2, 'admin');
  const b = await wall(STREET2, 'officer2');
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(b.body.as_of, a.body.as_of, 'the same answer, computed once');
  assert.equal(b.headers.get('etag'), a.headers.get('etag'));
  assertError(await wall(STREET2, 'officer'), 404, 'not_found'); // cached, still out of officer's scope
  const aud = await wall(STREET2, 'auditor'); // other panels: its own answer
  assert.deepEqual(Object.keys(aud.body.panels), ['cases', 'observation', 'states', 'rt']);
});

test('wall: panels by permission (the auditor reads statistics only), scope and bad input', async () => {
  const a = await wall(COUNTY, 'auditor');
  assert.equal(a.status, 200);
  assert.deepEqual(Object.keys(a.body.panels), ['cases', 'observation', 'states', 'rt']);
  assertError(await wall(STREET1, 'officer2'), 404, 'not_found');
  assertError(await wall('42', 'commander'), 404, 'not_found');
  assert.equal((await wall(STREET1, 'gridworker')).status, 403);
  assertError(await srv.api('GET', `/api/v1/wall?region=${STREET1}&date=2026-13-01`, { token: T.commander }), 400, 'invalid', 'date');
});

test('wall: the same figures answer 304 to If-None-Match; a new case changes the tag', async () => {
  const first = await wall(COMM1);
  const tag = first.headers.get('etag');
  assert.match(tag, /^"[0-9a-f]{32}"$/);
  const again = await wall(COMM1, 'commander', { 'If-None-Match': tag });
  assert.equal(again.status, 304);
  assert.equal(again.body, null);
  assert.equal(again.headers.get('etag'), tag);
  await mkCase('suspected', today);
  // within the 2 s the answer is shared, the same answer (its as_of says when it was computed)
  const shared = await wall(COMM1, 'commander');
  if (shared.body.as_of === first.body.as_of) assert.equal(shared.headers.get('etag'), tag);
  await new Promise((res) => setTimeout(res, 2100));
  const changed = await wall(COMM1, 'commander', { 'If-None-Match': tag });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get('etag'), tag);
  assert.equal(changed.body.panels.cases.total.cur_suspected, first.body.panels.cases.total.cur_suspected + 1);
});

// ---- bulletins ----

const draft = (who, region, date) => srv.api('POST', '/api/v1/bulletins', { token: T[who], body: { region, date } });
const approve = (who, id) => srv.api('POST', `/api/v1/bulletins/${id}/approve`, { token: T[who] });
const doc = (who, id, format) => srv.api('GET', `/api/v1/bulletins/${id}/document${format ? `?format=${format}` : ''}`, { token: T[who] });

test('bulletin: bad input', async () => {
  assertError(await draft('commander', COMM1, today), 409, 'conflict', 'date'); // today is not over
  assertError(await draft('commander', COMM1, addDays(today, 1)), 409, 'conflict', 'date');
  assertError(await draft('commander', COMM1, '2026-02-30'), 400, 'invalid', 'date');
  assertError(await srv.api('POST', '/api/v1/bulletins', { token: T.commander, body: { date: addDays(today, -1) } }), 400, 'invalid', 'region');
  assertError(await draft('commander', 'abc', addDays(today, -1)), 400, 'invalid', 'region');
  assertError(await draft('commander2', STREET1, addDays(today, -1)), 404, 'not_found'); // outside scope
  assert.equal((await draft('officer', STREET1, addDays(today, -1))).status, 403); // only commanders draft
  assertError(await approve('commander', 999999), 404, 'not_found');
});

test('bulletin: the demo approved yesterday\'s for the district: listed, locked, published', async () => {
  const list = await srv.api('GET', `/api/v1/bulletins?region=${COUNTY}&state=approved`, { token: T.auditor });
  assert.equal(list.status, 200);
  const mine = list.body.items.find((b) => b.region === COUNTY);
  assert.ok(mine, JSON.stringify(list.body));
  assert.equal(mine.date, addDays(today, -1));
  assert.match(mine.audit_head, /^[0-9a-f]{64}$/);
  assertError(await draft('commander', COUNTY, mine.date), 409, 'conflict', 'date'); // locked
  assertError(await approve('commander', mine.id), 409, 'conflict', 'state');
  // a street's officer does not see the district's bulletin
  assertError(await srv.api('GET', `/api/v1/bulletins/${mine.id}`, { token: T.officer }), 404, 'not_found');
  assertError(await srv.api('GET', `/api/v1/bulletins?region=${COUNTY}`, { token: T.officer }), 404, 'not_found');
  assertError(await doc('auditor', mine.id, 'docx'), 400, 'invalid', 'format');
});

test('bulletin: figures against hand-computed values, approval, documents, corrections, no personal data', async () => {
  const d2 = addDays(today, -2), d1 = addDays(today, -1);
  // two days ago: A confirmed.  Yesterday: B suspected, C confirmed then discharged, D asymptomatic.
  await mkCase('confirmed', d2);
  await mkCase('suspected', d1);
  const c = await mkCase('confirmed', d1);
  const mv = await srv.api('POST', `/api/v1/cases/${c.id}/transitions`, { token: T.doctor, body: { to: 'discharged', reason: '两次核酸阴性', at: noon(d1) + 3600 } });
  assert.equal(mv.status, 200, JSON.stringify(mv.body));
  await mkCase('asymptomatic', d1);

  // the day before yesterday first: approved, then a late report changes its figures
  const b2 = await draft('commander', COMM1, d2);
  assert.equal(b2.status, 201, JSON.stringify(b2.body));
  assert.equal(b2.body.state, 'draft');
  assert.deepEqual(b2.body.figures.corrections, []);
  assertError(await doc('commander', b2.body.id, 'pdf'), 409, 'conflict', 'state'); // not approved
  assertError(await approve('commander2', b2.body.id), 404, 'not_found'); // outside scope
  const a2 = await approve('commander', b2.body.id);
  assert.equal(a2.status, 200, JSON.stringify(a2.body));
  assert.equal(a2.body.state, 'approved');
  assert.equal(a2.body.figures.totals.cum_confirmed, 1);
  // a case of two days ago reported late from paper: the approved figures do not move
  await mkCase('confirmed', d2);
  const locked = await srv.api('GET', `/api/v1/bulletins/${b2.body.id}`, { token: T.commander });
  assert.equal(locked.body.figures.totals.cum_confirmed, 1);

  const b1 = await draft('commander', COMM1, d1);
  assert.equal(b1.status, 201, JSON.stringify(b1.body));
  const t = b1.body.figures.totals;
  const want = {
    new_confirmed: 1, new_suspected: 1, new_asymptomatic: 1, new_discharged: 1, new_deceased: 0,
    cum_confirmed: 3, cum_discharged: 1, cum_deceased: 0, // A, the late one, C
    cur_confirmed: 2, cur_suspected: 1, cur_asymptomatic: 1,
    under_observation: 1, // C: 14 days of observation after discharge
  };
  for (const [k, v] of Object.entries(want)) assert.equal(t[k], v, k);
  // the correction to the day before's approved bulletin, never silent
  assert.deepEqual(b1.body.figures.corrections.map((x) => [x.date, x.figure, x.was, x.now]),
    [[d2, 'cum_confirmed', 1, 2], [d2, 'cur_confirmed', 1, 2]]);
  // the table by day ends on the day; by child: the grid's community row holds the cases
  assert.equal(b1.body.figures.days.length, 14);
  assert.equal(b1.body.figures.days.at(-1).date, d1);
  assert.equal(b1.body.figures.days.at(-2).cum_confirmed, 2);
  const row = b1.body.figures.children.find((x) => x.code === GRID);
  assert.equal(row.cur_confirmed, 2);
  // a draft may be drafted again until approved
  const again = await draft('commander', COMM1, d1);
  assert.equal(again.status, 201);
  assert.equal(again.body.id, b1.body.id);
  const a1 = await approve('commander', b1.body.id);
  assert.equal(a1.status, 200);

  // the text: official wording and order, the region, the date, the audit head
  const txt = await doc('auditor', b1.body.id, 'txt');
  assert.equal(txt.status, 200);
  assert.match(txt.headers.get('content-type'), /^text\/plain/);
  const [m, dd] = d1.slice(5).split('-').map(Number);
  assert.ok(txt.body.includes(`截至${m}月${dd}日24时，全社区累计报告确诊病例3例，现有确诊病例2例，累计治愈出院1例，累计死亡0例。`), txt.body);
  assert.ok(txt.body.includes(`${m}月${dd}日0—24时，全社区新增确诊病例1例，新增疑似病例1例，新增无症状感染者1例，新增治愈出院1例，新增死亡0例。`), txt.body);
  assert.ok(txt.body.includes('更正：经核实'), txt.body);
  assert.ok(txt.body.includes(a1.body.audit_head), 'the audit head is printed');
  assert.ok(txt.body.indexOf('截至') < txt.body.indexOf('0—24时'));
  // the PDF: a PDF with the CJK font embedded
  const pdf = await fetch(`${srv.base}/api/v1/bulletins/${b1.body.id}/document?format=pdf`, { headers: { Authorization: `Bearer ${T.auditor}` } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const pb = Buffer.from(await pdf.arrayBuffer());
  assert.equal(pb.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pb.toString('latin1').includes('NotoSansCJK'), 'the CJK font is embedded');
  // the workbook: a zip with a sheet per table; no personal data anywhere
  const xr = await fetch(`${srv.base}/api/v1/bulletins/${b1.body.id}/document?format=xlsx`, { headers: { Authorization: `Bearer ${T.auditor}` } });
  assert.equal(xr.status, 200);
  const xb = Buffer.from(await xr.arrayBuffer());
  assert.equal(xb.subarray(0, 2).toString('latin1'), 'PK');
  const file = path.join(srv.dir, 'bulletin.xlsx');
  writeFileSync(file, xb);
  const book = execFileSync('unzip', ['-p', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  for (const sheet of ['通报', '主要指标', '分网格', '逐日', '更正']) assert.ok(book.includes(sheet), sheet);
  const json = JSON.stringify((await srv.api('GET', `/api/v1/bulletins/${b1.body.id}`, { token: T.auditor })).body);
  for (const name of NAMES) {
    for (const [what, s] of [['text', txt.body], ['workbook', book], ['record', json]]) assert.ok(!s.includes(name), `${name} in the ${what}`);
  }
  for (const s of [txt.body, book, json]) assert.ok(!/1390000\d{4}/.test(s), 'no phone number');
  // the archive lists both, newest first
  const list = await srv.api('GET', `/api/v1/bulletins?region=${COMM1}`, { token: T.doctor });
  assert.deepEqual(list.body.items.filter((b) => b.region === COMM1).map((b) => b.date), [d1, d2]);
});

// ---- exports ----

const get = async (p, who) => {
  const r = await fetch(`${srv.base}${p}`, { headers: { Authorization: `Bearer ${T[who]}` } });
  return { status: r.status, type: r.headers.get('content-type'), name: r.headers.get('content-disposition'), buf: Buffer.from(await r.arrayBuffer()) };
};

test('exports: bad input', async () => {
  assertError(await srv.api('GET', `/api/v1/exports/coverage?region=${STREET1}&from=${addDays(today, -366)}&to=${today}`, { token: T.commander }), 400, 'invalid', 'from');
  assertError(await srv.api('GET', `/api/v1/exports/coverage?region=${STREET1}&from=${today}&to=${addDays(today, -1)}`, { token: T.commander }), 400, 'invalid', 'from');
  assertError(await srv.api('GET', `/api/v1/exports/coverage?region=${STREET1}&to=2026-02-30`, { token: T.commander }), 400, 'invalid', 'to');
  assertError(await srv.api('GET', '/api/v1/exports/cases?format=ods', { token: T.doctor }), 400, 'invalid', 'format');
  assertError(await srv.api('GET', '/api/v1/exports/cases?category=sick', { token: T.doctor }), 400, 'invalid', 'category');
  assertError(await srv.api('GET', `/api/v1/exports/cases?region=${STREET2}`, { token: T.doctor }), 404, 'not_found');
  assertError(await srv.api('GET', `/api/v1/exports/coverage?region=${STREET1}`, { token: T.officer2 }), 404, 'not_found');
  assert.equal((await srv.api('GET', '/api/v1/exports/cases', { token: T.gridworker })).status, 403);
  assert.equal((await srv.api('GET', '/api/v1/exports/cases', { token: T.auditor })).status, 403);
  // a range of exactly 366 days is allowed
  const ok = await get(`/api/v1/exports/coverage?region=${COMM1}&from=${addDays(today, -365)}&to=${today}`, 'commander');
  assert.equal(ok.status, 200);
});

test('exports: cases as CSV and XLSX, masked like the list, audited', async () => {
  const list = await walk(srv, T.doctor, `/api/v1/cases?region=${COMM1}`, 1000);
  assert.ok(list.items.length >= 5);
  const csv = await get(`/api/v1/exports/cases?region=${COMM1}`, 'doctor');
  assert.equal(csv.status, 200);
  assert.match(csv.type, /^text\/csv/);
  assert.match(csv.name, /cases-420106001001\.csv/);
  const lines = csv.buf.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines.length, list.items.length + 1, 'a header and a line per case');
  assert.ok(lines[0].startsWith('id,'), lines[0]);
  assert.ok(lines[1].startsWith(`${list.items[0].id},`), 'in the list\'s order');
  const x = await get(`/api/v1/exports/cases?region=${COMM1}&format=xlsx`, 'doctor');
  assert.equal(x.status, 200);
  assert.equal(x.buf.subarray(0, 2).toString('latin1'), 'PK');
  const file = path.join(srv.dir, 'cases.xlsx');
  writeFileSync(file, x.buf);
  const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  assert.equal((sheet.match(/<row /g) || []).length, list.items.length + 1);
  assert.match(sheet, /<pane [^>]*ySplit="1"/, 'the header row frozen');
  assert.match(sheet, new RegExp(`<c r="A2"[^>]*><v>${list.items[0].id}</v>`), 'ids as numbers');
  // the phones of the list stay masked
  const contacts = await get(`/api/v1/exports/contacts?region=${COMM1}`, 'doctor');
  assert.equal(contacts.status, 200);
  assert.ok(!/1390000\d{4}/.test(contacts.buf.toString('utf8')));
  const audit = await srv.api('GET', '/api/v1/audit?action=case.export&limit=10', { token: T.admin });
  assert.equal(audit.body.items.length, 3 - 1, 'each export of cases (the bad ones were not) audited'); // csv, xlsx
  assert.equal(JSON.parse(audit.body.items[0].detail).format, 'xlsx');
});

test('exports: the grids\' zero reports by day, as /reports gives them', async () => {
  const r = await get(`/api/v1/exports/reports?region=${COMM1}&from=${addDays(today, -1)}&to=${today}`, 'officer');
  assert.equal(r.status, 200);
  const lines = r.buf.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'date,region,region_name,community_name,reported_at,reported_by,abnormal,note,reported,late');
  const list = await walk(srv, T.officer, `/api/v1/reports?region=${COMM1}&date=${today}`, 1000);
  assert.equal(lines.length, 1 + 2 * list.items.length, 'a line per grid and day');
  const g = list.items[0];
  assert.ok(lines.some((l) => l.startsWith(`${today},${g.grid},${g.name},`)));
  assertError(await srv.api('GET', `/api/v1/exports/reports?region=${COMM1}&from=2025-01-01&to=${today}`, { token: T.officer }), 400, 'invalid', 'from');
});

test('exports: coverage by child and day', async () => {
  const r = await get(`/api/v1/exports/coverage?region=${STREET1}&from=${addDays(today, -1)}&to=${today}`, 'officer');
  assert.equal(r.status, 200);
  const lines = r.buf.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  const cov = (await srv.api('GET', `/api/v1/coverage?region=${STREET1}`, { token: T.officer })).body;
  assert.equal(lines[0], 'date,region,region_name,households,persons,visited,not_home,refused,unvisited,abnormal');
  assert.equal(lines.length, 1 + 2 * cov.children.length);
  const c = cov.children[0];
  assert.ok(lines.includes(`${today},${c.code},${c.name},${c.households},${c.persons},${c.visited},${c.not_home},${c.refused},${c.unvisited},${c.abnormal}`));
});

// ---- region shapes ----

// A square around (x, y) as a closed ring.
const square = (x, y, d = 0.01) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
const feature = (code, ring, key = 'code') => ({ type: 'Feature', properties: { [key]: code, name: 'x' }, geometry: { type: 'Polygon', coordinates: [ring] } });
function importShapes(doc) {
  const file = path.join(srv.dir, `shapes-${Math.random().toString(36).slice(2)}.geojson`);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return cli(['regions', 'shapes', 'import', file, '--db', srv.db]);
}

test('shapes: bad files are refused whole, each rejected feature named by index and reason', async () => {
  let r = importShapes({ type: 'Feature', properties: {}, geometry: null });
  assert.equal(r.status, 2); // bad input
  assert.match(r.stderr, /type: the file is not a GeoJSON FeatureCollection/);
  r = importShapes('{"type": "FeatureCollection", "features": [');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /file: not JSON/);
  const bowtie = [[114.30, 30.55], [114.32, 30.57], [114.32, 30.55], [114.30, 30.57], [114.30, 30.55]];
  r = importShapes({
    type: 'FeatureCollection',
    features: [
      feature(STREET1, square(114.30, 30.55)),
      feature('420106999', square(114.31, 30.55)),
      feature(STREET2, bowtie),
      feature(COMM1, square(114.30, 30.55).slice(0, 4)), // not closed
    ],
  });
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stderr, /features\[1\]: properties.code: unknown region code 420106999/);
  assert.match(r.stderr, /features\[2\]: geometry: ring 0: the ring crosses itself \(edges 0 and 2\)/);
  assert.match(r.stderr, /features\[3\]: geometry: ring 0: the ring does not end where it starts/);
  assert.match(r.stderr, /3 of 4 features rejected; nothing imported/);
  const m = await srv.api('GET', `/api/v1/regions/${COUNTY}/shapes`, { token: T.commander });
  assert.equal(m.body.features.length, 0, 'nothing imported');
});

test('shapes: imported by code (or ECharts-style adcode), served as GeoJSON for the children, the rest listed as missing', async () => {
  const r = importShapes({
    type: 'FeatureCollection',
    features: [feature(STREET1, square(114.30, 30.55)), feature(Number(STREET2), square(114.32, 30.55), 'adcode'),
      { type: 'Feature', properties: { code: COUNTY }, geometry: { type: 'MultiPolygon', coordinates: [[square(114.3, 30.5, 0.1)]] } }],
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /imported 3 region shapes/);
  const m = await srv.api('GET', `/api/v1/regions/${COUNTY}/shapes`, { token: T.commander });
  assert.equal(m.status, 200);
  assert.equal(m.body.type, 'FeatureCollection');
  assert.deepEqual(m.body.features.map((f) => f.properties.code), [STREET1, STREET2]);
  // the positions as stored (the API writes 10 significant digits: a millimetre)
  const got = m.body.features[0].geometry.coordinates[0].flat(), want = square(114.30, 30.55).flat();
  assert.equal(got.length, want.length);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-8, `${v} ${want[i]}`));
  assert.ok(m.body.missing.length > 10 && !m.body.missing.some((x) => x.code === STREET1));
  assertError(await srv.api('GET', `/api/v1/regions/${COUNTY}/shapes`, { token: T.officer }), 404, 'not_found');
  const audit = await srv.api('GET', '/api/v1/audit?action=region.shapes&limit=10', { token: T.admin });
  assert.equal(audit.status, 200);
});

test('shapes over the API: POST /api/v1/shapes, bad input 400 naming the feature index, outside the area as unknown', async () => {
  const post = (who, body) => srv.api('POST', '/api/v1/shapes', { token: T[who], raw: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/geo+json' } });
  assertError(await post('officer', ''), 400, 'invalid', 'file');
  assertError(await post('officer', '{"type": "FeatureCollection", "features": ['), 400, 'invalid', 'file');
  assertError(await post('officer', { type: 'GeometryCollection', geometries: [] }), 400, 'invalid', 'type');
  const bowtie = [[114.30, 30.55], [114.32, 30.57], [114.32, 30.55], [114.30, 30.57], [114.30, 30.55]];
  let r = await post('officer', { type: 'FeatureCollection', features: [feature(COMM1, square(114.3, 30.55)), feature(COMM1, bowtie)] });
  assertError(r, 400, 'invalid', 'features[1]');
  assert.match(r.body.error.message, /crosses itself/);
  r = await post('officer', { type: 'FeatureCollection', features: [feature(COMM1, square(114.3, 30.55)), feature('420106002001', square(114.4, 30.55))] });
  assertError(r, 400, 'invalid', 'features[1]'); // another street's community: as unknown
  assert.match(r.body.error.message, /unknown region code 420106002001/);
  assert.equal((await post('gridworker', { type: 'FeatureCollection', features: [] })).status, 403);
  r = await post('officer', { type: 'FeatureCollection', features: [feature(COMM1, square(114.3, 30.55))] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { imported: 1 });
  const m = await srv.api('GET', `/api/v1/regions/${STREET1}/shapes`, { token: T.officer });
  assert.deepEqual(m.body.features.map((f) => f.properties.code), [COMM1]);
});

// Last: restarts the server on the same database.
test('the server drafts the day before\'s bulletin for each commander\'s region that has none (at the hour, and at start)', async () => {
  const c = await srv.api('POST', '/api/v1/users', { token: T.admin, body: { username: 'commander3', password: 'community-commander-pw', role: 'commander', region: '420106002001' } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const before = await srv.api('GET', '/api/v1/bulletins?region=420106002001', { token: T.admin });
  assert.deepEqual(before.body.items, []);
  // a restart: the start-up duty drafts it
  const exited = new Promise((res) => srv.child.on('exit', res));
  srv.child.kill('SIGTERM');
  await exited;
  const child = spawn(BIN, ['serve', ...srv.dbArgs, '--listen', '127.0.0.1:0'], { env: { ...process.env, FK_SYNC: 'NORMAL' }, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let log = '';
    const base = await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no start: ${log}`)), 30000);
      child.stderr.on('data', (d) => {
        log += d;
        const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
        if (m) { clearTimeout(timer); res(m[1]); }
      });
    });
    let items = [];
    for (let i = 0; i < 50 && !items.length; i++) {
      const r = await fetch(`${base}/api/v1/bulletins?region=420106002001`, { headers: { Authorization: `Bearer ${T.admin}` } });
      items = (await r.json()).items || [];
      if (!items.length) await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(items.length, 1, log);
    assert.equal(items[0].state, 'draft');
    assert.equal(items[0].date, addDays(today, -1));
  } finally {
    const done = new Promise((res) => child.on('exit', res));
    child.kill('SIGTERM');
    await done;
  }
});
