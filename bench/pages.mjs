// bench/pages.mjs - page loads as a grid worker's cheap phone sees them
// (run by bench/pages.sh).  Chromium (playwright-core, /usr/bin/chromium)
// with the CPU slowed 4x and a 1.6 Mbit/s, 150 ms link, set through the
// DevTools protocol (Emulation.setCPUThrottlingRate,
// Network.emulateNetworkConditions).  A demo database gets one grid of
// PAGES_HOUSEHOLDS households (default 1,000; 1 to 3 residents each,
// registered through the API).  Measured, each in a fresh browser context:
//   gridworker, first visit: navigation -> sign-in form, sign-in -> first
//     household card, and the bytes transferred;
//   gridworker, signed in, nothing cached: navigation -> first household card;
//   gridworker, repeat visit (the service worker keeps the app shell):
//     navigation -> first household card;
//   commander, signed in, nothing cached: navigation to the command view ->
//     its coverage table (first meaningful render), and the bytes.
// Each figure is the median of PAGES_RUNS runs (default 3).  Prints a
// Markdown table; nothing asserts on time.
import { chromium } from 'playwright-core';
import { startServer } from '../tests/lib/harness.mjs';

const HOUSEHOLDS = Number(process.env.PAGES_HOUSEHOLDS || 1000);
const RUNS = Number(process.env.PAGES_RUNS || 3);
const GRID = '420106001001001'; // the demo grid worker's grid
const NET = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 };
const CPU = 4;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function registerGrid(srv) {
  const token = await srv.login('officer');
  const jobs = [];
  for (let i = 0; i < HOUSEHOLDS; i++) jobs.push(i);
  let made = 0;
  const worker = async () => {
    while (jobs.length) {
      const i = jobs.shift();
      const building = `${1 + Math.floor(i / 50)}栋`, unit = `${1 + (Math.floor(i / 10) % 5)}单元`;
      const room = String(100 * (1 + (i % 10)) + 1 + (i % 3));
      const h = await srv.api('POST', '/api/v1/households', { token, body: { grid: GRID, building: `压测${building}`, unit, room: `${room}-${i}` } });
      if (h.status !== 201) throw new Error(`household: ${h.status} ${JSON.stringify(h.body)}`);
      for (let k = 0; k < 1 + (i % 3); k++) {
        const p = await srv.api('POST', '/api/v1/persons', { token, body: { household_id: h.body.id, name: `住户${i}-${k}`, birth_year: 1950 + (i % 60) } });
        if (p.status !== 201) throw new Error(`person: ${p.status} ${JSON.stringify(p.body)}`);
      }
      made++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return made;
}

// A throttled page in a fresh context; bytes() answers the bytes received
// (encoded, as on the wire) since the last reset().
async function throttledPage(browser, srv) {
  const context = await browser.newContext({
    baseURL: srv.base, viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(120000);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', NET);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  return { context, page, cdp, bytes: () => bytes, reset: () => { bytes = 0; } };
}

async function signInCookie(page, srv, username) {
  const r = await page.request.post('/api/v1/session', { data: { username, password: srv.logins[username].password } });
  if (r.status() !== 200) throw new Error(`sign-in ${username}: ${r.status()}`);
}

async function gridworkerRun(browser, srv) {
  const out = {};
  // first visit: the sign-in form, then the worklist
  let t = await throttledPage(browser, srv);
  let t0 = Date.now();
  await t.page.goto('/');
  await t.page.locator('#login-username').waitFor();
  out.form = Date.now() - t0;
  out.formBytes = t.bytes();
  await t.page.fill('#login-username', 'gridworker');
  await t.page.fill('#login-password', srv.logins.gridworker.password);
  t0 = Date.now();
  await t.page.locator('.login-form button[type=submit]').click();
  await t.page.locator('li.hh').first().waitFor();
  out.signinCard = Date.now() - t0;
  out.firstBytes = t.bytes();
  out.cards = await t.page.locator('li.hh').count();
  // repeat visit: the service worker has the shell, the cookie the session
  await t.page.waitForFunction(async () => !!navigator.serviceWorker.controller);
  t.reset();
  t0 = Date.now();
  await t.page.goto('/#/screening');
  await t.page.reload();
  await t.page.locator('li.hh').first().waitFor();
  out.repeat = Date.now() - t0;
  out.repeatBytes = t.bytes();
  await t.context.close();
  // signed in, nothing cached
  t = await throttledPage(browser, srv);
  await signInCookie(t.page, srv, 'gridworker');
  t.reset();
  t0 = Date.now();
  await t.page.goto('/#/screening');
  await t.page.locator('li.hh').first().waitFor();
  out.cold = Date.now() - t0;
  out.coldBytes = t.bytes();
  await t.context.close();
  return out;
}

async function commanderRun(browser, srv) {
  const t = await throttledPage(browser, srv);
  await signInCookie(t.page, srv, 'commander');
  t.reset();
  const t0 = Date.now();
  await t.page.goto('/#/command');
  await t.page.locator('[data-testid=coverage] tbody tr[data-code]').first().waitFor();
  const out = { command: Date.now() - t0, commandBytes: t.bytes() };
  await t.context.close();
  return out;
}

const srv = await startServer({ people: Number(process.env.PAGES_PEOPLE || 3000), days: 2 });
const browser = await chromium.launch({
  executablePath: process.env.FK_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const made = await registerGrid(srv);
  const gw = await srv.login('gridworker');
  const w = (await srv.api('GET', `/api/v1/screenings/worklist?grid=${GRID}`, { token: gw })).body;
  console.error(`pages: grid ${GRID} holds ${w.items.length} households (${made} added)`);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push({ ...(await gridworkerRun(browser, srv)), ...(await commanderRun(browser, srv)) });
  const m = (k) => median(runs.map((r) => r[k]));
  const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`Grid of ${w.items.length} households; CPU ${CPU}x slower, ${NET.downloadThroughput * 8 / 1e6} Mbit/s down, ${NET.latency} ms; median of ${RUNS}`);
  console.log('');
  console.log('| page load | time | transferred | target |');
  console.log('|---|---|---|---|');
  console.log(`| grid worker, first visit: navigation → sign-in form | ${s(m('form'))} | ${kb(m('formBytes'))} | |`);
  console.log(`| grid worker, first visit: sign-in → first household card | ${s(m('signinCard'))} | ${kb(m('firstBytes'))} (whole first visit) | |`);
  console.log(`| grid worker, signed in, nothing cached: navigation → first household card | ${s(m('cold'))} | ${kb(m('coldBytes'))} | ≤ 2 s |`);
  console.log(`| grid worker, repeat visit (app shell kept): navigation → first household card | ${s(m('repeat'))} | ${kb(m('repeatBytes'))} | ≤ 2 s |`);
  console.log(`| commander, signed in, nothing cached: navigation → coverage table | ${s(m('command'))} | ${kb(m('commandBytes'))} | ≤ 2 s |`);
  console.log('');
  console.log(`Household cards built at the first card: ${m('cards')} of ${w.items.length}.`);
} finally {
  await browser.close();
  await srv.stop();
}
