// Names typed by users are text wherever they are drawn: a person's name, a
// user's display name and a household's address holding markup and
// right-to-left text (a Uyghur name in Arabic script) show literally on every
// page that draws them (persons, users, audit, the command view's alerts,
// case pages); no markup runs (window.__xss stays undefined, no <img>
// appears) and the right-to-left text is isolated (<bdi> or unicode-bidi:
// isolate), so it cannot reorder the rest of the line.  A right-to-left
// override (U+202E), which would make a name read differently wherever it
// is not isolated (an export opened in a spreadsheet), is refused at input,
// naming the field (tests/api/text-input.test.mjs covers every kind).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/harness.mjs';
import { launch, openPage, signIn, shot, checkClean, PHONE, WALL } from './lib/browser.mjs';

const GRID = '420106001001001';
const MARKUP = '<img src=x onerror=window.__xss=1>';
const RTL = 'ئەھمەت'; // right-to-left letters: Ehmet, in Uyghur script
const RLO = '\u202E';
const PERSON = `${MARKUP}${RTL}甲乙丙`;
const DISPLAY = `${RTL}${MARKUP}网格员乙`;
const ADDRESS = `${MARKUP}${RTL}幸福路1号`;
let srv, browser, ids;

before(async () => {
  srv = await startServer();
  browser = await launch();
  const admin = await srv.login('admin');
  const officer = await srv.login('officer');
  const doctor = await srv.login('doctor');
  const ok = (r, status = 201) => { assert.equal(r.status, status, JSON.stringify(r.body)); return r.body; };
  // a grid worker whose display name carries the markup
  ok(await srv.api('POST', '/api/v1/users', { token: admin,
    body: { username: 'xss-worker', password: 'xss-worker-pass', role: 'gridworker', region: GRID, display_name: DISPLAY } }));
  const hh = ok(await srv.api('POST', '/api/v1/households', { token: officer,
    body: { grid: GRID, building: '9栋', unit: '1单元', room: '909', address: ADDRESS } }));
  const person = ok(await srv.api('POST', '/api/v1/persons', { token: officer, body: { household_id: hh.id, name: PERSON } }));
  // an override is refused where it is typed, naming the field
  const refused = await srv.api('POST', '/api/v1/persons', { token: officer, body: { household_id: hh.id, name: `${RLO}甲乙丙` } });
  assert.equal(refused.status, 400, JSON.stringify(refused.body));
  assert.equal(refused.body.error.field, 'name');
  // the grid worker records a fever for that person: an alert
  const gw = ok(await srv.api('POST', '/api/v1/session', { body: { username: 'xss-worker', password: 'xss-worker-pass' } }), 200).token;
  ok(await srv.api('POST', '/api/v1/screenings', { token: gw, body: {
    uuid: randomUUID(), household_id: hh.id, status: 'visited', persons: [{ person_id: person.id, temperature: 38.2 }] } }));
  // and the doctor reports a case of them
  const c = ok(await srv.api('POST', '/api/v1/cases', { token: doctor, body: {
    person_id: person.id, category: 'suspected', diagnosis_time: Math.floor(Date.now() / 1000) - 60,
    reporting_unit: '社区卫生服务中心', place: 'home' } }));
  // a search by the name: the audit entry holds it
  ok(await srv.api('GET', `/api/v1/persons?name=${encodeURIComponent(PERSON)}`, { token: admin }), 200);
  ids = { person: person.id, household: hh.id, case: c.id };
});
after(async () => { await browser?.close(); await srv?.stop(); });

// Asserts what the page draws of each text: present literally, no markup
// ran, and every text node holding the override sits in an isolating
// element that holds little more than the name itself.
async function checkDrawn(page, texts, where) {
  for (const text of texts) {
    const found = await page.waitForFunction((s) => document.body.innerText.includes(s) ||
      document.body.textContent.includes(s), text, { timeout: 20000 }).catch(() => null);
    assert.ok(found, `${where}: "${text}" drawn as text`);
  }
  const r = await page.evaluate((rtl) => {
    const bad = [];
    let n = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.includes(rtl)) continue;
      n++;
      // the paragraph the text is laid out in: the nearest ancestor that is
      // not inline (Chromium reports every block as isolating: a block is a
      // paragraph of its own).  Alone there, the override has nothing else
      // to reorder; otherwise an inline isolate must hold the name.
      let block = node.parentElement;
      while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
      if (block.textContent.trim() === node.data.trim()) continue;
      let iso = null;
      for (let el = node.parentElement; el && el !== block; el = el.parentElement) {
        const ub = getComputedStyle(el).unicodeBidi;
        if (el.tagName === 'BDI' || ub === 'isolate' || ub === 'isolate-override' || ub === 'plaintext') { iso = el; break; }
      }
      if (!iso) bad.push(`not isolated in "${block.textContent.slice(0, 80)}"`);
      else if (iso.textContent.length > node.data.length + 40) bad.push(`isolates too much: ${iso.outerHTML.slice(0, 120)}`);
    }
    return { xss: window.__xss, imgs: document.querySelectorAll('img[src="x"]').length, n, bad };
  }, RTL);
  assert.equal(r.xss, undefined, `${where}: no markup ran`);
  assert.equal(r.imgs, 0, `${where}: no <img> made`);
  assert.ok(r.n > 0, `${where}: the right-to-left text is drawn`);
  assert.deepEqual(r.bad, [], where);
}

for (const [vp, name] of [[WALL, 'wall'], [PHONE, 'phone']]) {
  test(`typed names are text on every page that draws them (${name})`, async () => {
    const page = await openPage(browser, srv, { viewport: vp, isMobile: vp === PHONE });
    await signIn(page, srv, 'admin');
    await page.goto(`/#/persons?name=${encodeURIComponent(PERSON)}`);
    await checkDrawn(page, [PERSON], 'persons');
    await page.goto(`/#/persons/${ids.person}`);
    await checkDrawn(page, [PERSON, ADDRESS], 'person page');
    await page.goto('/#/users');
    await page.locator('tr[data-username="xss-worker"]').waitFor();
    await checkDrawn(page, [DISPLAY], 'users');
    await page.goto(`/#/audit?action=person.search`);
    await checkDrawn(page, [PERSON], 'audit');
    await page.goto(`/#/command/${GRID}`);
    const alert = page.locator(`[data-testid=alerts] li[data-person="${ids.person}"]`);
    await alert.waitFor();
    await checkDrawn(page, [PERSON, DISPLAY], 'command alerts');
    // the rest of the alert's line reads in order after the name
    assert.match(await alert.locator('.alert-head').innerText(), /38\.2 °C/);
    await alert.scrollIntoViewIfNeeded();
    await shot(page, `${name}-xss-command-alert`, { fullPage: false });
    await page.goto(`/#/cases/${ids.case}`);
    await checkDrawn(page, [PERSON], 'case page');
    await shot(page, `${name}-xss-case`, { fullPage: false });
    await page.goto('/#/cases');
    await checkDrawn(page, [PERSON], 'case list');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    checkClean(assert, page);
    await page.context().close();
  });
}
