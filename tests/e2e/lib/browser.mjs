// Browser helpers for the e2e tests: Debian's chromium driven by
// playwright-core (nothing downloads a browser), a fresh context per test,
// sign-in, screenshots, and a watch for page errors and CSP violations.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../lib/harness.mjs';

export const SHOTS = path.join(ROOT, 'tests/e2e/screenshots');
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 800 };
export const WALL = { width: 1920, height: 1080 };

export function launch() {
  return chromium.launch({
    executablePath: process.env.FK_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A fresh context (no cookies, no localStorage) and page on the server.
// page.problems collects uncaught errors and CSP violations; checkClean()
// asserts there were none.
export async function openPage(browser, srv, { viewport = DESKTOP, isMobile = false } = {}) {
  const context = await browser.newContext({
    baseURL: srv.base, viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(20000); // a loaded 2-core machine is slow; nothing asserts on time
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(`csp: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(srv.base) && !r.url().startsWith('data:')) page.problems.push(`external request: ${r.url()}`);
  });
  return page;
}

export function checkClean(assert, page) {
  assert.deepEqual(page.problems, [], 'no page errors, CSP violations or external requests');
}

// Opens the login page (whatever hash) and waits for the form.
export async function gotoLogin(page, hash = '') {
  await page.goto(`/${hash}`);
  await page.locator('#login-username').waitFor();
}

// Signs in through the form and waits for the app shell.
export async function signIn(page, srv, username, { hash = '' } = {}) {
  await gotoLogin(page, hash);
  await page.fill('#login-username', username);
  await page.fill('#login-password', srv.logins[username].password);
  await page.locator('.login-form button[type=submit]').click();
  await page.locator('nav.sidenav').waitFor({ state: 'attached' });
  await page.locator('main.main h1').first().waitFor();
}

export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

// Visible texts of the navigation links, in order.
export async function navLabels(page) {
  return (await page.locator('nav.sidenav a.nav-link').allInnerTexts()).map((s) => s.trim());
}

// Nav ids (data-nav) present in the shell.
export async function navIds(page) {
  return page.locator('nav.sidenav a.nav-link').evaluateAll((els) => els.map((e) => e.dataset.nav));
}

// The page's horizontal overflow in CSS pixels (0 when nothing sticks out).
export function overflowX(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// The main heading's text, once the view has rendered one.
export async function heading(page) {
  const h1 = page.locator('main h1').first();
  await h1.waitFor();
  return (await h1.innerText()).trim();
}

// Waits until the main heading reads text (views render asynchronously).
export async function waitHeading(page, text) {
  await page.locator('main h1', { hasText: text }).first().waitFor();
  return heading(page);
}

export function hash(page) { return new URL(page.url()).hash; }
