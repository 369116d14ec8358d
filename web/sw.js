// sw.js - the service worker: keeps the app shell (the page, its scripts,
// styles, strings and icon) on the phone so the app opens with no network,
// for a grid worker who reloads or reopens the tab in a stairwell.
//
// What it keeps: the files in SHELL, in one cache named by VERSION (bump it
// when SHELL or this file's logic changes; activation deletes every other
// fangkong cache).  Static files are answered from the cache first and
// fetched again behind the answer, so a deployment shows at the next load;
// a file not in the cache comes from the network (and is kept, e.g. the
// chart library, once a page has needed it).
//
// What it never keeps: anything under /api/.  Those requests are not
// answered here at all: the browser sends them as if there were no worker,
// and API answers (they hold personal data) never enter a cache.
//
// Whose: the shell is kept only while someone is signed in on this browser.
// The page asks for it after sign-in ({type: 'keep'}) and deletes the cache
// at sign-out; with no cache this worker keeps nothing, and an update
// carries the shell over only when the previous version had one.
const VERSION = 'v9';
const PREFIX = 'fangkong-shell-';
const CACHE = PREFIX + VERSION;
const SHELL = [
  '/',
  '/css/app.css',
  '/favicon.svg',
  '/i18n/en.json',
  '/i18n/zh.json',
  '/js/api.js',
  '/js/app.js',
  '/js/charts.js',
  '/js/dom.js',
  '/js/features.js',
  '/js/i18n.js',
  '/js/offline.js',
  '/js/outbox.js',
  '/js/register.js',
  '/js/vocab.js',
  '/message.html',
  '/js/public.js',
  '/js/views/audit.js',
  '/js/views/cases.js',
  '/js/views/clusters.js',
  '/js/views/command.js',
  '/js/views/epi.js',
  '/js/views/followups.js',
  '/js/views/gridpick.js',
  '/js/views/hotline.js',
  '/js/views/home.js',
  '/js/views/login.js',
  '/js/views/password.js',
  '/js/views/persons.js',
  '/js/views/regionpick.js',
  '/js/views/regions.js',
  '/js/views/screening.js',
  '/js/views/users.js',
  '/js/merkle.js',
  '/js/views/public.js',
  '/js/views/supplies.js',
  '/js/views/mobilise.js',
  '/register.html',
  '/js/views/wall.js',
  '/js/views/bulletins.js',
  '/js/views/map.js',
];

// Fetches the whole shell into CACHE (all or nothing: addAll stores none
// when one file fails).  Fresh copies: the HTTP cache may hold older ones.
async function keepShell() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL.map((u) => new Request(u, { cache: 'no-cache' })));
}

async function ours() {
  return (await caches.keys()).filter((k) => k.startsWith(PREFIX));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // an update: carry the shell over only when it was being kept
    if ((await ours()).length) await keepShell();
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const k of await ours()) if (k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const d = event.data || {};
  if (d.type !== 'keep') return;
  const reply = (ok) => { if (event.ports[0]) event.ports[0].postMessage({ ok }); };
  event.waitUntil(keepShell().then(() => reply(true), () => reply(false)));
});

// The page ("/" or "/index.html", whatever the hash route) is one entry.
function keyOf(url) {
  return url.pathname === '/index.html' ? '/' : url.pathname;
}

// Stores a fresh copy, only while the shell is being kept (the user may
// have signed out since: the cache is gone then and stays gone).
async function store(key, response) {
  if (!response || !response.ok || response.type !== 'basic') return;
  if (!(await caches.has(CACHE))) return;
  await (await caches.open(CACHE)).put(key, response);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return; // the network, untouched
  const key = keyOf(url);
  event.respondWith((async () => {
    const hit = (await caches.has(CACHE)) ? await caches.match(key, { cacheName: CACHE }) : undefined;
    const fresh = fetch(request)
      .then(async (res) => { await store(key, res.clone()); return res; });
    if (hit) {
      event.waitUntil(fresh.catch(() => {})); // refreshed behind the answer; offline: kept as is
      return hit;
    }
    return fresh;
  })());
});
