// The public ledger from outside: no account, the checkpoint a C2SP signed
// note whose Ed25519 signature verifies with the published verifier key
// (node:crypto and the browser's verifier web/js/merkle.js), every entry's
// bytes hashing to a leaf whose inclusion proof leads to the signed root,
// consistency proofs between sizes, the audit log's head recorded, bad
// queries answered 400/404 naming the parameter, and `ledger verify`
// catching a forged checkpoint and a changed entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, cli } from '../lib/harness.mjs';
import { verifyInclusion, verifyEntry, parseCheckpoint, verifyCheckpoint, leafHash, b64 } from '../../web/js/merkle.js';

let srv;
const sql = (db, q) => srv.sql(q); // either engine (tests/lib/harness.mjs)
const onPg = () => srv.db.startsWith('postgresql://');
const sha = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();

before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

async function checkpoint(minSize = 1) {
  for (let i = 0; i < 100; i++) {
    const r = await srv.api('GET', '/api/v1/ledger/checkpoint');
    if (r.status === 200 && Number(r.body.split('\n')[1]) >= minSize) return r;
    await sleep(50);
  }
  throw new Error('no checkpoint of that size was signed');
}

test('checkpoint and key: a C2SP note whose signature verifies with the published key', async () => {
  const r = await checkpoint(1);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const m = r.body.match(/^(fangkong\/ledger)\n(\d+)\n([A-Za-z0-9+/]{43}=)\n\n\u2014 fangkong\/ledger ([A-Za-z0-9+/]{91}=)\n$/);
  assert.ok(m, r.body);
  const k = await srv.api('GET', '/api/v1/ledger/key');
  assert.equal(k.status, 200);
  const km = k.body.trim().match(/^fangkong\/ledger\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/);
  assert.ok(km, k.body);
  const typed = Buffer.from(km[2], 'base64');
  assert.equal(typed.length, 33);
  assert.equal(typed[0], 1);
  const pub = typed.subarray(1);
  // key id = SHA-256(name ‖ "\n" ‖ 0x01 ‖ key)[0:4]
  assert.equal(sha(Buffer.from('fangkong/ledger\n'), Buffer.from([1]), pub).subarray(0, 4).toString('hex'), km[1]);
  const sig = Buffer.from(m[4], 'base64');
  assert.equal(sig.subarray(0, 4).toString('hex'), km[1]);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
  const text = r.body.slice(0, r.body.indexOf('\n\n') + 1);
  assert.ok(verify(null, Buffer.from(text), key, sig.subarray(4)));
  assert.ok(!verify(null, Buffer.from(text.replace(/\n\d+\n/, '\n999\n')), key, sig.subarray(4)));
  // the browser's verifier agrees (Node has WebCrypto Ed25519)
  assert.equal(await verifyCheckpoint(parseCheckpoint(r.body), k.body), true);
  assert.equal(await verifyCheckpoint(parseCheckpoint(r.body.replace(/\n\d+\n/, '\n999\n')), k.body), false);
});

test('entries: the bytes hashed, the audit head recorded, each proof leads to the signed root', async () => {
  const cp = parseCheckpoint((await checkpoint(1)).body);
  const r = await srv.api('GET', `/api/v1/ledger/entries?limit=1000`);
  assert.equal(r.status, 200);
  assert.ok(r.body.size >= cp.size);
  const head = r.body.entries.find((e) => e.kind === 'audit.head');
  assert.ok(head, 'the audit head of today is in the ledger');
  assert.equal(typeof head.entry.audit_entries, 'number');
  assert.match(head.entry.audit_head, /^[A-Za-z0-9+/]{43}=$/);
  assert.ok(head.entry.audit_entries > 0, 'the demo wrote audit entries before the server started');
  const hex = sql(srv.db, `SELECT ${onPg() ? "upper(encode(hash, 'hex'))" : 'hex(hash)'} FROM audit WHERE id = ${head.entry.audit_entries}`);
  assert.equal(Buffer.from(head.entry.audit_head, 'base64').toString('hex').toUpperCase(), hex);
  for (const e of r.body.entries.filter((x) => x.index < cp.size)) {
    const bytes = Buffer.from(e.leaf, 'base64');
    assert.deepEqual(JSON.parse(bytes), e.entry);
    // canonical: compact, keys sorted
    assert.equal(bytes.toString(), JSON.stringify(e.entry, Object.keys(e.entry).sort()));
    const leaf = sha(Buffer.from([0]), bytes);
    const p = await srv.api('GET', `/api/v1/ledger/proof/inclusion?index=${e.index}&size=${cp.size}`);
    assert.equal(p.status, 200);
    assert.equal(p.body.leaf_hash, leaf.toString('base64'));
    assert.ok(await verifyInclusion(new Uint8Array(leaf), e.index, cp.size, p.body.path.map(b64.decode), cp.root));
    const forged = new Uint8Array(leaf);
    forged[0] ^= 1;
    assert.ok(!(await verifyInclusion(forged, e.index, cp.size, p.body.path.map(b64.decode), cp.root)));
    const v = await verifyEntry(e.index, srv.base);
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.equal(v.signature, true);
  }
  assert.deepEqual(await leafHash(new Uint8Array()), new Uint8Array(sha(Buffer.from([0]))));
});

test('proofs: bad queries 400 naming the parameter; beyond the log 404', async () => {
  const size = parseCheckpoint((await checkpoint(1)).body).size;
  const cases = [
    ['/api/v1/ledger/proof/inclusion', 400, 'index'],
    ['/api/v1/ledger/proof/inclusion?index=-1', 400, 'index'],
    ['/api/v1/ledger/proof/inclusion?index=x', 400, 'index'],
    ['/api/v1/ledger/proof/inclusion?index=0&size=1.5', 400, 'size'],
    [`/api/v1/ledger/proof/inclusion?index=${size}&size=${size}`, 404, 'index'],
    [`/api/v1/ledger/proof/inclusion?index=0&size=${size + 1000000}`, 404, 'size'],
    ['/api/v1/ledger/proof/consistency', 400, 'first'],
    ['/api/v1/ledger/proof/consistency?first=2&second=1', 400, 'first'],
    [`/api/v1/ledger/proof/consistency?first=0&second=${size + 1000000}`, 404, 'second'],
    ['/api/v1/ledger/entries?limit=1001', 400, 'limit'],
    ['/api/v1/ledger/entries?limit=0', 400, 'limit'],
    ['/api/v1/ledger/entries?start=-3', 400, 'start'],
  ];
  for (const [p, status, field] of cases) {
    const r = await srv.api('GET', p);
    assert.equal(r.status, status, `${p}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, field, p);
  }
  const c = await srv.api('GET', `/api/v1/ledger/proof/consistency?first=${size}&second=${size}`);
  assert.deepEqual(c.body.path, []);
  // past the end of the list: an empty page, not an error
  const e = await srv.api('GET', `/api/v1/ledger/entries?start=${size + 100}`);
  assert.deepEqual(e.body.entries, []);
});

test('ledger verify: intact with the saved checkpoint; a forged one and a changed entry named', async () => {
  const cp = (await checkpoint(1)).body;
  const key = (await srv.api('GET', '/api/v1/ledger/key')).body.trim();
  const file = path.join(srv.dir, 'saved-checkpoint');
  writeFileSync(file, cp);
  let r = cli(['ledger', 'verify', '--db', srv.db, '--checkpoint', file, '--key', key]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ledger intact: \d+ entries, every inclusion proof verified; consistent with the checkpoint/);
  writeFileSync(file, cp.replace(/\n(\d+)\n/, (_, n) => `\n${Number(n) + 1}\n`));
  r = cli(['ledger', 'verify', '--db', srv.db, '--checkpoint', file, '--key', key]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /not signed by the ledger's key/);
  writeFileSync(file, cp);
  sql(srv.db, `UPDATE ledger_entries SET leaf = ${onPg() ? "convert_to('{\"forged\":1}', 'UTF8')" : "CAST('{\"forged\":1}' AS BLOB)"} WHERE idx = 0`);
  r = cli(['ledger', 'verify', '--db', srv.db, '--checkpoint', file, '--key', key]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /entry 0: its bytes no longer give the leaf hash stored for it/);
});
