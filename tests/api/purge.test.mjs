// `fangkong purge`: personal data past its retention (FK_RETENTION_DAYS).
// A dry run counts table by table and changes nothing; the purge erases
// exactly what the dry run counted, in one transaction, audited with the
// counts and never the data; the records still open keep everything; every
// count and roll-up stays; the erased names are gone from the database
// file and its log; a cutoff within the retention period is refused.
// The clock is moved on with FK_NOW (tests only) so that the demo's data is
// past its retention.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, demoDatabase } from '../lib/harness.mjs';

let dir, db;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fk-purge-'));
  db = path.join(dir, 'demo.db');
  demoDatabase(db, { people: 1500, days: 1 }); // cases, contacts and observations in every street
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sql = (q) => execFileSync('sqlite3', [db, q]).toString().trim();
// The hash of the whole database as SQL text.
const dumpHash = () => createHash('sha256').update(execFileSync('sqlite3', [db, '.dump'], { maxBuffer: 1 << 30 })).digest('hex');
const LATER = { FK_TEST: '1', FK_NOW: String(Math.floor(Date.now() / 1000) + 400 * 86400) };
const purge = (args, env = LATER) => cli(['purge', '--db', db, ...args], { env });
// The counts a purge printed, by table.
function counts(stdout) {
  const out = {};
  for (const m of stdout.matchAll(/^ {2}(\w+)\s+(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}
// Every roll-up and every count the response reports.
const figures = () => ['region_stats', 'coverage', 'case_daily', 'onset_daily', 'observation_daily']
  .map((t) => sql(`SELECT * FROM ${t} ORDER BY 1, 2`)).join('\n')
  + sql('SELECT count(*) FROM persons') + sql('SELECT count(*) FROM cases') + sql('SELECT count(*) FROM observations')
  + sql('SELECT count(*) FROM screenings') + sql('SELECT count(*) FROM alerts') + sql('SELECT count(*) FROM contacts');
const OPEN = `SELECT p.id FROM persons p WHERE EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id AND c.outcome = 'under_treatment' AND c.category <> 'excluded')
  OR EXISTS (SELECT 1 FROM observations o WHERE o.person_id = p.id AND o.state = 'active')
  OR EXISTS (SELECT 1 FROM alerts a WHERE a.person_id = p.id AND a.state = 'open')`;

test('within the retention period nothing is due, and a later cutoff is refused naming the setting', () => {
  const r = purge(['--dry-run'], {});
  assert.equal(r.status, 0, r.stderr);
  const c = counts(r.stdout);
  assert.deepEqual([c.persons, c.findings, c.followups, c.alerts, c.case_events], [0, 0, 0, 0, 0]);
  assert.ok(c.kept > 0);
  const late = purge(['--before', '2099-01-01', '--dry-run'], {});
  assert.equal(late.status, 1);
  assert.match(late.stderr, /FK_RETENTION_DAYS=180 days; the latest cutoff today is \d{4}-\d\d-\d\d/);
  const bad = purge(['--before', '2026-02-30']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--before 2026-02-30: expected a date/);
  const setting = purge(['--dry-run'], { ...LATER, FK_RETENTION_DAYS: '7' });
  assert.equal(setting.status, 1);
  assert.match(setting.stderr, /FK_RETENTION_DAYS=7: expected a whole number from 14 to 3650/);
});

let dry;
test('a dry run counts table by table and changes nothing, not even the audit log', () => {
  const dump = dumpHash();
  const r = purge(['--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^would purge \(dry run, nothing changed\) before \d{4}-\d\d-\d\d$/m);
  dry = counts(r.stdout);
  assert.ok(dry.persons > 0 && dry.findings > 0 && dry.followups > 0, r.stdout);
  assert.equal(dry.kept, Number(sql(`SELECT count(*) FROM (${OPEN})`)));
  assert.equal(dumpHash(), dump);
});

test('the purge erases what the dry run counted, keeps open records and every figure, and is audited without data', () => {
  const before = figures();
  const openNames = sql(`SELECT group_concat(name, '|') FROM persons WHERE id IN (${OPEN})`);
  const gone = sql(`SELECT name FROM persons WHERE name <> '' AND id NOT IN (${OPEN}) ORDER BY id LIMIT 5`).split('\n');
  const openFollowups = Number(sql("SELECT count(*) FROM followups f JOIN observations o ON o.id = f.observation_id WHERE o.state = 'active'"));
  const audits = Number(sql('SELECT count(*) FROM audit'));
  const r = purge([]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^purged before/m);
  assert.deepEqual(counts(r.stdout), dry);
  // erased
  assert.equal(Number(sql('SELECT count(*) FROM persons WHERE purged_at IS NOT NULL')), dry.persons);
  assert.equal(Number(sql("SELECT count(*) FROM persons WHERE purged_at IS NOT NULL AND (name <> '' OR doc_enc IS NOT NULL OR doc_hash IS NOT NULL OR phone_enc IS NOT NULL OR phone_hash IS NOT NULL OR birth_year IS NOT NULL OR origin <> '' OR tags <> 0)")), 0);
  // kept: open records, with their follow-ups
  assert.equal(sql(`SELECT group_concat(name, '|') FROM persons WHERE id IN (${OPEN})`), openNames);
  assert.equal(Number(sql(`SELECT count(*) FROM persons WHERE purged_at IS NOT NULL AND id IN (${OPEN})`)), 0);
  assert.equal(Number(sql("SELECT count(*) FROM followups f JOIN observations o ON o.id = f.observation_id WHERE o.state = 'active'")), openFollowups);
  // every figure stays
  assert.equal(figures(), before);
  // audited once, with the counts and nothing about anyone
  assert.equal(Number(sql('SELECT count(*) FROM audit')), audits + 1);
  const [action, user, detail] = sql("SELECT action, username, detail FROM audit ORDER BY id DESC LIMIT 1").split('|');
  assert.deepEqual([action, user], ['purge', 'cli']);
  const d = JSON.parse(detail);
  assert.deepEqual(Object.keys(d).sort(), ['alerts', 'before', 'case_events', 'findings', 'followups', 'kept_open', 'persons']);
  assert.equal(d.persons, dry.persons);
  assert.equal(cli(['audit', 'verify', '--db', db]).status, 0);
  assert.equal(sql('PRAGMA integrity_check'), 'ok');
  // the erased names are gone from the file and its log, not left in free pages
  const bytes = Buffer.concat([readFileSync(db), existsSync(`${db}-wal`) ? readFileSync(`${db}-wal`) : Buffer.alloc(0)]);
  for (const name of gone) assert.equal(bytes.indexOf(Buffer.from(name)), -1, `${name} is still in the file`);
});

test('a second purge finds nothing more to erase', () => {
  const r = purge([]);
  assert.equal(r.status, 0, r.stderr);
  const c = counts(r.stdout);
  assert.deepEqual([c.persons, c.findings, c.followups, c.alerts, c.case_events], [0, 0, 0, 0, 0]);
});
