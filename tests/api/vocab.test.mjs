// GET /api/v1/vocab: the code lists it serves are the ones the write
// endpoints accept (each listed code is taken, an unknown one refused), and
// every code has a label in the web UI's Chinese and English strings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/harness.mjs';
import { GRID, uuid } from './registry-helpers.mjs';
import { PREFIX } from '../../web/js/vocab.js';

let srv, V, H;
const T = {};
const NONE = 99999999; // no such id: a body valid up to the lookup answers 404

before(async () => {
  srv = await startServer({ people: 200, days: 1 });
  for (const u of ['admin', 'officer', 'doctor', 'gridworker']) T[u] = await srv.login(u);
  const r = await srv.api('GET', '/api/v1/vocab', { token: T.gridworker });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  V = r.body;
  const h = await srv.api('POST', '/api/v1/households', { token: T.officer, body: { grid: GRID, building: '词表楼', room: '101' } });
  assert.equal(h.status, 201, JSON.stringify(h.body));
  H = h.body;
});
after(async () => { await srv?.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field !== undefined) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}
const post = (who, p, body) => srv.api('POST', p, { token: T[who], body });
const get = (who, p) => srv.api('GET', p, { token: T[who] });

test('vocab: a session is needed; every list is a non-empty array of distinct codes', async () => {
  assertError(await srv.api('GET', '/api/v1/vocab'), 401, 'unauthenticated');
  for (const list of Object.keys(PREFIX)) {
    for (const codes of Array.isArray(V[list]) ? [V[list]] : Object.values(V[list] || {})) {
      assert.ok(Array.isArray(codes) && codes.length > 0, `${list} is served`);
      assert.equal(new Set(codes).size, codes.length, `${list} has no repeats`);
    }
  }
  assert.deepEqual(Object.keys(V).filter((k) => k !== 'settings' && !PREFIX[k]), [], 'the UI knows every list');
  const me = (await get('doctor', '/api/v1/me')).body;
  assert.deepEqual(V.settings, {
    protocol_edition: me.protocol.edition, observation_days: me.protocol.observation_days, fever_threshold: 37.3,
    hours_per_day: 8, back_to_back: 2,
  });
});

test('vocab: screening statuses, symptoms, history and categories are what POST /screenings takes', async () => {
  const p = await post('officer', '/api/v1/persons', { household_id: H.id, name: '词表甲' });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const finding = (extra) => ({ uuid: uuid(), household_id: H.id, status: 'visited', persons: [{ person_id: p.body.id, temperature: 36.6, ...extra }] });
  for (const status of V.screening_statuses) {
    const r = await post('gridworker', '/api/v1/screenings', { uuid: uuid(), household_id: H.id, status });
    assert.equal(r.status, 201, `${status}: ${JSON.stringify(r.body)}`);
  }
  assertError(await post('gridworker', '/api/v1/screenings', { uuid: uuid(), household_id: H.id, status: 'asleep' }), 400, 'invalid', 'status');
  const all = await post('gridworker', '/api/v1/screenings', finding({ symptoms: V.symptoms, history: V.history }));
  assert.equal(all.status, 201, JSON.stringify(all.body));
  const alerts = (await get('officer', `/api/v1/alerts?region=${GRID}&kind=screening&limit=1000`)).body.items;
  assert.deepEqual(alerts.find((x) => x.screening_id === all.body.id).reasons, [...V.symptoms, ...V.history], 'each one is a reason');
  for (const category of V.finding_categories) {
    const r = await post('gridworker', '/api/v1/screenings', finding({ category }));
    assert.equal(r.status, 201, `${category}: ${JSON.stringify(r.body)}`);
  }
  assertError(await post('gridworker', '/api/v1/screenings', finding({ symptoms: ['sneezing'] })), 400, 'invalid');
  assertError(await post('gridworker', '/api/v1/screenings', finding({ history: ['abroad'] })), 400, 'invalid');
  assertError(await post('gridworker', '/api/v1/screenings', finding({ category: 'healthy' })), 400, 'invalid');
  // the fever threshold: abnormal from settings.fever_threshold up
  const at = await post('gridworker', '/api/v1/screenings', finding({ temperature: V.settings.fever_threshold }));
  const below = await post('gridworker', '/api/v1/screenings', finding({ temperature: V.settings.fever_threshold - 0.1 }));
  assert.equal(at.body.abnormal, true, JSON.stringify(at.body));
  assert.equal(below.body.abnormal, false, JSON.stringify(below.body));
});

test('vocab: tags, sexes and document types are what POST /persons takes', async () => {
  const person = (extra) => post('officer', '/api/v1/persons', { household_id: H.id, name: '词表乙', ...extra });
  const r = await person({ tags: V.tags });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual([...r.body.tags].sort(), [...V.tags].sort());
  assertError(await person({ tags: ['vip'] }), 400, 'invalid', 'tags');
  for (const sex of V.sexes) assert.equal((await person({ sex })).status, 201, sex);
  assertError(await person({ sex: 'X' }), 400, 'invalid', 'sex');
  for (const doc_type of V.doc_types) assert.equal((await person({ doc_type })).status, 201, doc_type);
  assertError(await person({ doc_type: 'driving_licence' }), 400, 'invalid', 'doc_type');
});

test('vocab: case categories, outcomes and places are what the case endpoints take', async () => {
  for (const c of V.case_categories) assert.equal((await get('doctor', `/api/v1/cases?category=${c}`)).status, 200, c);
  assertError(await get('doctor', '/api/v1/cases?category=probable'), 400, 'invalid', 'category');
  for (const o of V.case_outcomes) assert.equal((await get('doctor', `/api/v1/cases?outcome=${o}`)).status, 200, o);
  assertError(await get('doctor', '/api/v1/cases?outcome=recovered'), 400, 'invalid', 'outcome');
  const newCase = (place) => post('doctor', '/api/v1/cases', {
    person_id: NONE, category: 'suspected', diagnosis_time: Math.floor(Date.now() / 1000) - 60, reporting_unit: '词表医院', place,
  });
  for (const place of V.case_places) assertError(await newCase(place), 404, 'not_found'); // past the place check
  assertError(await newCase('hotel'), 400, 'invalid', 'place');
});

test('vocab: contact settings and observation modes are what POST /contacts takes', async () => {
  const today = (await get('doctor', '/api/v1/observations/due')).body.date;
  const contact = (extra) => post('doctor', '/api/v1/contacts', {
    source_case_id: NONE, person_id: NONE, setting: 'household', first_exposure: today, last_exposure: today, ...extra,
  });
  for (const setting of V.contact_settings) assertError(await contact({ setting }), 404, 'not_found');
  assertError(await contact({ setting: 'party' }), 400, 'invalid', 'setting');
  for (const mode of V.observation_modes) {
    assertError(await contact({ mode, ...(mode === 'centralised' ? { site_id: NONE } : {}) }), 404, 'not_found');
  }
  assertError(await contact({ mode: 'hospital' }), 400, 'invalid', 'mode');
});

test('vocab: alert kinds and outcomes are what the alert endpoints take', async () => {
  for (const k of V.alert_kinds) assert.equal((await get('officer', `/api/v1/alerts?kind=${k}`)).status, 200, k);
  assertError(await get('officer', '/api/v1/alerts?kind=rumour'), 400, 'invalid', 'kind');
  assert.deepEqual(Object.keys(V.alert_outcomes).sort(), [...V.alert_kinds].sort(), 'outcomes for each kind');
  for (const outcome of Object.values(V.alert_outcomes).flat()) {
    assertError(await post('officer', `/api/v1/alerts/${NONE}/close`, { outcome }), 404, 'not_found'); // past the outcome check
  }
  assertError(await post('officer', `/api/v1/alerts/${NONE}/close`, { outcome: 'ignored' }), 400, 'invalid', 'outcome');
});

test('vocab: roles are the roles users are made with', async () => {
  const roles = (await get('admin', '/api/v1/roles')).body.items.map((x) => x.role);
  assert.deepEqual(V.roles, roles);
  const add = (role) => post('admin', '/api/v1/users', { username: `vocab-${role}`, password: 'vocab-password-1', role, region: GRID });
  assert.equal((await add(V.roles.at(-1))).status, 201);
  assertError(await add('mayor'), 400, 'invalid', 'role');
});

test('web: every served code has a Chinese and an English label', () => {
  const strings = Object.fromEntries(['zh', 'en'].map((l) => [l, JSON.parse(readFileSync(path.join(ROOT, 'web/i18n', `${l}.json`), 'utf8'))]));
  const missing = [];
  for (const [list, prefix] of Object.entries(PREFIX)) {
    for (const code of Array.isArray(V[list]) ? V[list] : Object.values(V[list]).flat()) {
      for (const l of ['zh', 'en']) if (typeof strings[l][`${prefix}.${code}`] !== 'string') missing.push(`${l}: ${prefix}.${code}`);
    }
  }
  assert.deepEqual(missing, []);
});
