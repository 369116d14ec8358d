// The route table (`fangkong routes`) and docs/api.md agree: every route is
// documented on a line naming its method and path, with its permission, and
// every endpoint heading in the document is a real route.
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
    const [method, pattern, perm] = l.trim().split(/\s+/);
    return { method, pattern, perm };
  });
  assert.ok(rows.length > 0);
  return rows;
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The method as a word and the path not followed by more path.
const mentions = (line, { method, pattern }) =>
  new RegExp(`(^|[^A-Za-z])${method}([^A-Za-z]|$)`).test(line)
  && new RegExp(`${esc(pattern)}(?![\\w/{}.-])`).test(line);

test('every route is documented in docs/api.md on a line with its method and path', () => {
  assert.ok(existsSync(DOC), 'docs/api.md is missing');
  const lines = readFileSync(DOC, 'utf8').split('\n');
  const missing = routes().filter((rt) => !lines.some((l) => mentions(l, rt)));
  assert.deepEqual(missing.map((rt) => `${rt.method} ${rt.pattern}`), []);
});

test('the documenting line names the route\'s permission', () => {
  assert.ok(existsSync(DOC), 'docs/api.md is missing');
  const lines = readFileSync(DOC, 'utf8').split('\n');
  const wrong = routes().filter((rt) => !lines.some((l) => mentions(l, rt) && l.includes(rt.perm)));
  assert.deepEqual(wrong.map((rt) => `${rt.method} ${rt.pattern} (${rt.perm})`), []);
});

test('every endpoint heading in docs/api.md is a route', () => {
  assert.ok(existsSync(DOC), 'docs/api.md is missing');
  const known = new Set(routes().map((rt) => `${rt.method} ${rt.pattern}`));
  const headings = [...readFileSync(DOC, 'utf8').matchAll(/^#+\s+`([A-Z]+) (\/api\/\S+)`/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.ok(headings.length > 0);
  assert.deepEqual(headings.filter((h) => !known.has(h)), []);
});
