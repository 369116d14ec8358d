// The page shell: index.html preloads exactly the modules app.js imports
// (directly or through them), so the browser fetches them at once instead
// of discovering them one round trip after another.  Reads the files only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

// Static imports of one module, as paths under web/ ("/js/api.js").
function imports(path) {
  const src = readFileSync(join(WEB, path), 'utf8');
  const out = [];
  for (const m of src.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)) out.push(normalize(join(dirname(path), m[1])));
  return out;
}

function closure(entry) {
  const seen = new Set();
  const stack = [entry];
  while (stack.length) {
    for (const dep of imports(stack.pop())) {
      if (!seen.has(dep)) { seen.add(dep); stack.push(dep); }
    }
  }
  return seen;
}

test('index.html preloads every module app.js imports, and nothing else', () => {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  for (const p of preloaded) assert.ok(existsSync(join(WEB, p)), `${p} does not exist`);
  const needed = closure('/js/app.js');
  assert.ok(needed.has('/js/api.js'), 'app.js imports api.js');
  assert.deepEqual([...preloaded].sort(), [...needed].sort());
});

test('the strings preloaded are the default language, fetched as i18n.js fetches them', () => {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  assert.match(html, /<link rel="preload" href="\/i18n\/zh\.json" as="fetch" crossorigin="anonymous">/);
  const i18n = readFileSync(join(WEB, 'js', 'i18n.js'), 'utf8');
  assert.match(i18n, /let lang = 'zh';/);
  // credentials same-origin and mode cors: what crossorigin="anonymous" preloads
  assert.match(i18n, /fetch\(`i18n\/\$\{next\}\.json`, \{ credentials: 'same-origin' \}\)/);
});
