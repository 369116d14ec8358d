// Languages: Chinese by default, English by a switch on the login page and
// in the app header, remembered across reloads; and every UI string comes
// from web/i18n/{zh,en}.json (checked statically as well).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/harness.mjs';
import { launch, openPage, gotoLogin, signIn, navLabels, shot, checkClean, waitHeading, hash } from './lib/browser.mjs';

const WEB = path.join(ROOT, 'web');
const zh = JSON.parse(readFileSync(path.join(WEB, 'i18n/zh.json'), 'utf8'));
const en = JSON.parse(readFileSync(path.join(WEB, 'i18n/en.json'), 'utf8'));

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? jsFiles(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
}

test('both translation files have the same keys, and the code uses only keys that exist', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  for (const file of jsFiles(path.join(WEB, 'js'))) {
    const src = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const rel = path.relative(ROOT, file);
    // no Chinese (or other CJK) text hard-coded in scripts
    assert.doesNotMatch(src, /[\u3000-\u9fff\uff00-\uffef]/, `${rel} has hard-coded CJK text`);
    for (const m of src.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) {
      assert.ok(m[1] in zh, `${rel}: t('${m[1]}') missing from zh.json`);
    }
  }
  // index.html carries no visible text of its own: the app renders all of it
  const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const body = html.slice(html.indexOf('<body>'));
  assert.equal(body.replace(/<[^>]*>/g, '').trim(), '');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style|\son[a-z]+=/i, 'no inline script, style or handlers (CSP)');
});

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('Chinese by default; the login page switches to English and back', async () => {
  const page = await openPage(browser, srv);
  await gotoLogin(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal((await page.locator('#login-heading').innerText()).trim(), '登录');
  assert.equal((await page.locator('label[for=login-username]').innerText()).trim(), '用户名');

  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.locator('#login-heading', { hasText: 'Sign in' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal((await page.locator('label[for=login-username]').innerText()).trim(), 'Username');
  assert.equal((await page.locator('.login-form button[type=submit]').innerText()).trim(), 'Sign in');
  assert.equal(await page.title(), 'Sign in · Fangkong');
  assert.equal(await page.evaluate(() => localStorage.getItem('fangkong.lang')), 'en');

  // errors come in the chosen language too
  await page.fill('#login-username', 'admin');
  await page.fill('#login-password', 'wrong password');
  await page.locator('.login-form button[type=submit]').click();
  await page.getByRole('alert').waitFor();
  assert.equal((await page.getByRole('alert').innerText()).trim(), 'Wrong username or password. Please try again.');
  await shot(page, 'desktop-login-english');

  await page.getByRole('button', { name: '切换到中文' }).click();
  await page.locator('#login-heading', { hasText: '登录' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('fangkong.lang')), 'zh');
  checkClean(assert, page);
  await page.context().close();
});

test('the header switch changes the whole app, keeps the page, and is remembered', async () => {
  const page = await openPage(browser, srv);
  await signIn(page, srv, 'admin', { hash: '#/regions/420106001' });
  await waitHeading(page, '积玉桥街道');
  assert.deepEqual(await navLabels(page), ['概览', '指挥调度', '病例', '传播链', '疫情统计', '居民', '区划', '用户', '审计日志', '工单查询', '热线三率', '家庭医生值班', '物资', '捐赠', '专项资金', '社区动员', '督导检查', '通知公告', '指挥大屏', '疫情地图', '疫情通报']);
  await page.locator('.topbar').getByRole('button', { name: 'Switch to English' }).click();
  await page.locator('a.nav-link', { hasText: 'Overview' }).waitFor();
  assert.deepEqual(await navLabels(page), ['Overview', 'Command', 'Cases', 'Transmission', 'Epidemiology', 'Residents', 'Regions', 'Users', 'Audit log', 'Tickets', 'Hotline measures', 'Doctors on duty', 'Supplies', 'Donations', 'Special funds', 'Mobilisation', 'Supervision', 'Announcements', 'Wall screen', 'Map', 'Bulletins']);
  assert.equal(hash(page), '#/regions/420106001', 'same page after switching');
  await page.locator('[data-testid=children] li').first().waitFor();
  assert.match(await page.locator('.facts').innerText(), /Division code[\s\S]*Street[\s\S]*\d+ communities/);
  assert.equal((await page.locator('.children-card h2').innerText()).trim(), 'Subdivisions');
  assert.equal((await page.getByRole('button', { name: 'Sign out' }).count()), 1);
  await shot(page, 'desktop-street-english');

  await page.reload();
  await page.locator('a.nav-link', { hasText: 'Overview' }).waitFor();
  assert.deepEqual(await navLabels(page), ['Overview', 'Command', 'Cases', 'Transmission', 'Epidemiology', 'Residents', 'Regions', 'Users', 'Audit log', 'Tickets', 'Hotline measures', 'Doctors on duty', 'Supplies', 'Donations', 'Special funds', 'Mobilisation', 'Supervision', 'Announcements', 'Wall screen', 'Map', 'Bulletins'], 'remembered after reload');
  await page.locator('a.nav-link[data-nav=audit]').click();
  assert.equal(await waitHeading(page, 'Audit log'), 'Audit log');
  await page.locator('[data-testid=audit] tbody tr').first().waitFor();
  assert.equal((await page.locator('[data-testid=audit] th').first().innerText()).trim(), 'Time');

  await page.locator('.topbar').getByRole('button', { name: '切换到中文' }).click();
  assert.equal(await waitHeading(page, '审计日志'), '审计日志');
  assert.deepEqual(await navLabels(page), ['概览', '指挥调度', '病例', '传播链', '疫情统计', '居民', '区划', '用户', '审计日志', '工单查询', '热线三率', '家庭医生值班', '物资', '捐赠', '专项资金', '社区动员', '督导检查', '通知公告', '指挥大屏', '疫情地图', '疫情通报']);
  checkClean(assert, page);
  await page.context().close();
});
