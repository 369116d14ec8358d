// merkle.js - checks the public ledger in the browser (WebCrypto SHA-256 and
// Ed25519 where the browser has it): an entry's bytes hash to its leaf, its
// inclusion proof (RFC 9162 2.1.3.2) leads to the root of the signed
// checkpoint, and the checkpoint note parses as a C2SP tlog-checkpoint.
// No dependencies; runs in Node (tests/api/ledger.test.mjs) as well.

const enc = new TextEncoder();

export const b64 = {
  decode(s) { const bin = atob(s); const a = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i); return a; },
  encode(a) { let s = ''; for (const x of a) s += String.fromCharCode(x); return btoa(s); },
};

async function sha256(parts) {
  const n = parts.reduce((k, p) => k + p.length, 0);
  const buf = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { buf.set(p, o); o += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

export const leafHash = (bytes) => sha256([Uint8Array.of(0), bytes]);
export const nodeHash = (l, r) => sha256([Uint8Array.of(1), l, r]);
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// RFC 9162 2.1.3.2: true when path proves leaf at index in the tree of size
// entries whose root is root (all Uint8Array).
export async function verifyInclusion(leaf, index, size, path, root) {
  if (!(index >= 0 && index < size)) return false;
  let fn = BigInt(index), sn = BigInt(size) - 1n, r = leaf;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && same(r, root);
}

// Reads a checkpoint note: {origin, size, root, text, signatures: [{name, keyId, sig}]};
// null when it is not one.
export function parseCheckpoint(note) {
  const blank = note.indexOf('\n\n');
  if (blank < 0) return null;
  const text = note.slice(0, blank + 1);
  const lines = text.split('\n');
  if (lines.length < 4 || !/^[1-9]\d*$|^0$/.test(lines[1])) return null;
  let root;
  try { root = b64.decode(lines[2]); } catch { return null; }
  if (root.length !== 32) return null;
  const signatures = [];
  for (const line of note.slice(blank + 2).split('\n').filter(Boolean)) {
    const m = line.match(/^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/);
    if (!m) return null;
    const raw = b64.decode(m[2]);
    signatures.push({ name: m[1], keyId: raw.slice(0, 4), sig: raw.slice(4) });
  }
  return { origin: lines[0], size: Number(lines[1]), root, text, signatures };
}

// Checks the checkpoint's Ed25519 signature with the verifier key
// "name+keyid+base64(0x01 ‖ key)".  Returns true, false, or null when this
// browser cannot check Ed25519 (then the proof still holds against the
// root the server shows, but the signature is unchecked).
export async function verifyCheckpoint(cp, vkey) {
  const m = vkey.trim().match(/^([^+\s]+)\+([0-9a-f]{8})\+(.+)$/);
  if (!m) return false;
  const typed = b64.decode(m[3]);
  if (typed.length !== 33 || typed[0] !== 1) return false;
  const key = typed.slice(1);
  const id = await sha256([enc.encode(m[1]), Uint8Array.of(10, 1), key]);
  if ([...id.slice(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join('') !== m[2]) return false;
  const s = cp.signatures.find((x) => x.name === m[1] && same(x.keyId, id.slice(0, 4)));
  if (!s) return false;
  let pub;
  try {
    pub = await crypto.subtle.importKey('raw', key, { name: 'Ed25519' }, false, ['verify']);
  } catch { return null; }
  return crypto.subtle.verify({ name: 'Ed25519' }, pub, s.sig, enc.encode(cp.text));
}

// The whole check of one entry: fetches the checkpoint, the key, the entry
// and its proof from the public API at base; returns {ok, signature, size,
// index, root, reason}.
export async function verifyEntry(index, base = '') {
  const get = async (p, text) => {
    const r = await fetch(base + p);
    if (!r.ok) throw new Error(`${p}: ${r.status}`);
    return text ? r.text() : r.json();
  };
  const cp = parseCheckpoint(await get('/api/v1/ledger/checkpoint', true));
  if (!cp) return { ok: false, reason: 'checkpoint' };
  if (index >= cp.size) return { ok: false, reason: 'pending', size: cp.size, index };
  const signature = await verifyCheckpoint(cp, await get('/api/v1/ledger/key', true));
  if (signature === false) return { ok: false, reason: 'signature' };
  const page = await get(`/api/v1/ledger/entries?start=${index}&limit=1`);
  const entry = page.entries[0];
  if (!entry || entry.index !== index) return { ok: false, reason: 'entry' };
  const leaf = await leafHash(b64.decode(entry.leaf));
  const proof = await get(`/api/v1/ledger/proof/inclusion?index=${index}&size=${cp.size}`);
  const ok = await verifyInclusion(leaf, index, cp.size, proof.path.map(b64.decode), cp.root);
  return { ok, signature, size: cp.size, index, root: b64.encode(cp.root), reason: ok ? null : 'proof' };
}
