// The OpenAPI document: generated from the route table, so it holds every
// route of `fangkong routes --json` and nothing else, with each path
// parameter, a body for each route that takes one, the permission of each;
// docs/openapi.json is the current copy (`make openapi` writes it), the
// server serves the same at GET /api/v1/openapi.json without a session, and
// Spectral's OpenAPI rules find no error in it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, cli, ROOT } from '../lib/harness.mjs';

const FILE = path.join(ROOT, 'docs/openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let ROUTES, DOC;
before(() => {
  const r = cli(['routes', '--json']);
  assert.equal(r.status, 0, r.stderr);
  ROUTES = JSON.parse(r.stdout);
  const d = cli(['routes', '--openapi']);
  assert.equal(d.status, 0, d.stderr);
  DOC = JSON.parse(d.stdout);
});

const operations = (doc) => Object.entries(doc.paths).flatMap(([p, item]) =>
  Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, op })));

test('every route has one operation, and every operation is a route', () => {
  const want = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
  const got = operations(DOC).map((o) => o.key).sort();
  assert.deepEqual(got.filter((k) => !want.includes(k)), [], 'operations that are no route');
  assert.deepEqual(want.filter((k) => !got.includes(k)), [], 'routes missing from the document');
  assert.equal(got.length, want.length);
});

test('each operation states its route\'s permission, path parameters, summary and errors', () => {
  const wrong = [];
  for (const r of ROUTES) {
    const op = DOC.paths[r.path][r.method.toLowerCase()];
    const name = `${r.method} ${r.path}`;
    if (op['x-permission'] !== r.permission) wrong.push(`${name}: x-permission ${op['x-permission']}, not ${r.permission}`);
    if (op['x-runs'] !== r.runs) wrong.push(`${name}: x-runs ${op['x-runs']}, not ${r.runs}`);
    if (op.summary !== r.summary) wrong.push(`${name}: summary`);
    if ((op['x-audit'] ?? null) !== (r.audit ?? null)) wrong.push(`${name}: x-audit ${op['x-audit']}`);
    const inPath = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
    if (JSON.stringify(inPath) !== JSON.stringify(r.params)) wrong.push(`${name}: path parameters ${inPath}`);
    if (r.permission === 'public' ? op.security?.length !== 0 : op.security !== undefined)
      wrong.push(`${name}: security ${JSON.stringify(op.security)}`);
    for (const code of ['400', '404', 'default', ...(r.permission === 'public' ? [] : ['401', '403'])])
      if (op.responses[code]?.$ref !== '#/components/responses/Error') wrong.push(`${name}: no error answer ${code}`);
    if (!op.responses['2XX']) wrong.push(`${name}: no success answer`);
    const names = op.parameters.map((p) => p.name);
    if (new Set(names).size !== names.length) wrong.push(`${name}: a parameter twice (path and query, or twice in one)`);
  }
  assert.deepEqual(wrong, []);
  const err = DOC.components.schemas.Error;
  assert.deepEqual(err.required, ['error']);
  assert.deepEqual(err.properties.error.required, ['code', 'message']);
});

// A route added without telling the generator its query parameters or
// body fails here by name (src/http/openapi.c: queries[], bodies[]).
test('every route that takes a body has its schema, and every route its query parameters', () => {
  const lacking = [];
  for (const r of ROUTES) {
    const op = DOC.paths[r.path][r.method.toLowerCase()];
    for (const what of op['x-undeclared'] ?? []) lacking.push(`${r.method} ${r.path}: no ${what} schema (src/http/openapi.c)`);
    if (r.body && !op['x-undeclared']?.includes('body') && !op.requestBody) lacking.push(`${r.method} ${r.path}: no requestBody`);
    if (!r.body && op.requestBody) lacking.push(`${r.method} ${r.path}: a requestBody, but the route takes none`);
  }
  assert.deepEqual(lacking, []);
});

test('a declared list\'s filters are its query parameters, and bodies are their declarations, enums included', () => {
  const cases = DOC.paths['/api/v1/cases'].get.parameters;
  const category = cases.find((p) => p.name === 'category');
  assert.ok(category, 'GET /cases has ?category=');
  assert.ok(category.schema.enum.includes('confirmed'), JSON.stringify(category));
  for (const n of ['region', 'limit', 'after']) assert.ok(cases.some((p) => p.name === n && p.in === 'query'), n);
  const body = DOC.paths['/api/v1/households'].post.requestBody.content['application/json'].schema;
  assert.deepEqual(body.required, ['grid']);
  assert.equal(body.properties.grid.maxLength, 15);
  assert.equal(body.additionalProperties, false);
  // the code lists of GET /vocab, on the body fields that take them
  const kase = DOC.paths['/api/v1/cases'].post.requestBody.content['application/json'].schema;
  assert.ok(kase.properties.category.enum.includes('asymptomatic'), JSON.stringify(kase.properties.category));
  const batch = DOC.paths['/api/v1/screenings'].post.requestBody.content['application/json'].schema;
  assert.ok(batch.oneOf[0].properties.persons.items.properties.symptoms.items.enum.includes('fever'));
});

test('docs/openapi.json is the document the binary generates (make openapi writes it)', () => {
  const file = JSON.parse(readFileSync(FILE, 'utf8'));
  assert.deepEqual(file, DOC, 'docs/openapi.json is stale: run `make openapi`');
});

test('Spectral\'s OpenAPI rules find no error or warning', () => {
  const bin = path.join(ROOT, 'node_modules/.bin/spectral');
  let out;
  try {
    out = execFileSync(bin, ['lint', '--fail-severity', 'warn', '--ruleset', path.join(ROOT, '.spectral.yaml'), FILE],
      { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  } catch (e) {
    assert.fail(`spectral lint: ${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
  }
  assert.match(out, /No results/);
});

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('GET /api/v1/openapi.json serves the same document without a session', async () => {
  const r = await srv.api('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(r.body, DOC);
});
