// The route table (`fangkong routes`) and docs/api.md agree: every route is
// documented on a line naming its method and path, with its permission, and
// every endpoint heading in the document is a real route; the route index at
// the end of the document gives every route, in the table's order, with its
// permission, where its work runs and the audit actions it records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { cli, ROOT } from '../lib/harness.mjs';

const DOC = path.join(ROOT, 'docs/api.md');

function routes() {
  const r = cli(['routes']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => {
    const [method, pattern, perm, runs, audit] = l.trim().split(/\s+/);
    return { method, pattern, perm, runs, audit };
  });
  assert.ok(rows.length > 0);
  return rows;
}

// The endpoint sections, without the route index (which names every route
// and would otherwise count as documenting it).
const INDEX = '\n## Route index\n';
function docLines() {
  assert.ok(existsSync(DOC), 'docs/api.md is missing');
  return readFileSync(DOC, 'utf8').split(INDEX)[0].split('\n');
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The method as a word and the path not followed by more path.
const mentions = (line, { method, pattern }) =>
  new RegExp(`(^|[^A-Za-z])${method}([^A-Za-z]|$)`).test(line)
  && new RegExp(`${esc(pattern)}(?![\\w/{}.-])`).test(line);

test('every route is documented in docs/api.md on a line with its method and path', () => {
  const lines = docLines();
  const missing = routes().filter((rt) => !lines.some((l) => mentions(l, rt)));
  assert.deepEqual(missing.map((rt) => `${rt.method} ${rt.pattern}`), []);
});

test('the documenting line names the route\'s permission', () => {
  const lines = docLines();
  const wrong = routes().filter((rt) => !lines.some((l) => mentions(l, rt) && l.includes(rt.perm)));
  assert.deepEqual(wrong.map((rt) => `${rt.method} ${rt.pattern} (${rt.perm})`), []);
});

test('every endpoint heading in docs/api.md is a route', () => {
  assert.ok(existsSync(DOC), 'docs/api.md is missing');
  const known = new Set(routes().map((rt) => `${rt.method} ${rt.pattern}`));
  const headings = [...docLines().join('\n').matchAll(/^#+\s+`([A-Z]+) (\/api\/\S+)`/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.ok(headings.length > 0);
  assert.deepEqual(headings.filter((h) => !known.has(h)), []);
});

test('the route index lists every route with its permission, where it runs and what it audits', () => {
  const doc = readFileSync(DOC, 'utf8');
  assert.ok(doc.includes(INDEX), 'docs/api.md has no "## Route index" section');
  const index = [...doc.split(INDEX)[1].matchAll(/^\| `([A-Z]+) (\/api\/\S+)` \| (\S+) \| (\S+) \| (.+?) \|$/gm)]
    .map(([, method, pattern, perm, runs, audit]) =>
      [method, pattern, perm, runs, audit === '—' ? '-' : audit.replace(/`/g, '').split(/,\s*/).join(',')].join(' '));
  const table = routes().map((rt) => [rt.method, rt.pattern, rt.perm, rt.runs, rt.audit].join(' '));
  assert.deepEqual(index, table);
});

test('routes that write run on the writer; reads of personal data are audited', () => {
  for (const rt of routes()) {
    assert.ok(['reader', 'writer', 'heavy'].includes(rt.runs), `${rt.method} ${rt.pattern}: ${rt.runs}`);
    if (rt.method !== 'GET') assert.notEqual(rt.runs, 'reader', `${rt.method} ${rt.pattern} changes state`);
  }
  const audited = new Map(routes().map((rt) => [`${rt.method} ${rt.pattern}`, rt.audit]));
  for (const [route, action] of [['GET /api/v1/persons', 'person.search'], ['GET /api/v1/cases', 'case.search'],
    ['GET /api/v1/contacts', 'contact.search'], ['GET /api/v1/persons/export', 'person.export']])
    assert.equal(audited.get(route), action, route);
});
