// offline.js - what lets the app open again with no network, kept only for
// a signed-in user: the service worker (/sw.js) with its copy of the app
// shell, and the last answers of GET /me (who is signed in, with which
// permissions) and GET /vocab (the code lists the forms offer), so a reload
// offline shows the app instead of an error.
// The grid's worklists are kept by outbox.js.  forget() removes both at
// sign-out or when the server says the session is over.
//
// Service workers need a secure context (HTTPS, or http://127.0.0.1 and
// localhost); elsewhere (plain HTTP on a LAN) the app works as before and
// only survives losing the network while open.
const ME_KEY = 'fangkong.me';
const VOCAB_KEY = 'fangkong.vocab';
const SHELL_PREFIX = 'fangkong-shell-'; // as in sw.js

const swUsable = () => 'serviceWorker' in navigator && window.isSecureContext;

async function shellKept() {
  try {
    return (await caches.keys()).some((k) => k.startsWith(SHELL_PREFIX));
  } catch {
    return false;
  }
}

// Keeps me and vocab (the GET /me and GET /vocab answers) and the app shell
// for offline use.  fresh: just signed in (fetch the shell again even when
// a copy is kept).  Never fails: without a service worker or storage the
// app simply is not kept.
export async function keep(me, vocab, { fresh = false } = {}) {
  try {
    localStorage.setItem(ME_KEY, JSON.stringify(me));
    localStorage.setItem(VOCAB_KEY, JSON.stringify(vocab));
  } catch { /* not kept */ }
  if (!swUsable()) return;
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    if (!fresh && await shellKept()) return;
    const reg = await navigator.serviceWorker.ready;
    reg.active?.postMessage({ type: 'keep' });
  } catch { /* not kept: works online only */ }
}

// The GET /me and GET /vocab answers kept by keep(), or null (either
// missing: the forms cannot be drawn without the code lists).
export function kept() {
  try {
    const me = JSON.parse(localStorage.getItem(ME_KEY) || 'null');
    const vocab = JSON.parse(localStorage.getItem(VOCAB_KEY) || 'null');
    return me && me.user && Array.isArray(me.permissions) && vocab && vocab.settings ? { me, vocab } : null;
  } catch {
    return null;
  }
}

// Removes the kept answer and the app shell (signed out).  The worker stays
// registered but keeps nothing without its cache (see sw.js).
export async function forget() {
  try {
    localStorage.removeItem(ME_KEY);
    localStorage.removeItem(VOCAB_KEY);
  } catch { /* nothing kept */ }
  if (!('caches' in window)) return;
  try {
    for (const k of await caches.keys()) if (k.startsWith(SHELL_PREFIX)) await caches.delete(k);
  } catch { /* nothing kept */ }
}
