// i18n.js - UI strings.  Every visible string lives in web/i18n/<lang>.json;
// code asks for it by key with t('key', {param}).  The choice of language is
// kept in localStorage; Chinese is the default.
import { deploymentOffset } from './api.js';

const LANGS = ['zh', 'en'];
const STORE_KEY = 'fangkong.lang';
const LOCALES = { zh: 'zh-CN', en: 'en-GB' };

let lang = 'zh';
let strings = {};
const cache = {};

function stored() {
  try {
    const v = localStorage.getItem(STORE_KEY);
    return LANGS.includes(v) ? v : null;
  } catch {
    return null;
  }
}

// Loads the stored (or default) language; call once before rendering.
export async function initI18n() {
  await setLang(stored() || 'zh', { persist: false });
}

// Switches language, loading its file once, and remembers the choice.
export async function setLang(next, { persist = true } = {}) {
  if (!LANGS.includes(next)) next = 'zh';
  if (!cache[next]) {
    const res = await fetch(`i18n/${next}.json`, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`i18n/${next}.json: ${res.status}`);
    cache[next] = await res.json();
  }
  lang = next;
  strings = cache[next];
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  if (persist) {
    try { localStorage.setItem(STORE_KEY, next); } catch { /* private mode: not remembered */ }
  }
}

export function getLang() { return lang; }
export function otherLang() { return lang === 'zh' ? 'en' : 'zh'; }
export function locale() { return LOCALES[lang]; }

// Looks a key up; {name} placeholders are filled from params.  A value may be
// {one, other} for English plurals, chosen by params.count (else params.n).  A missing key shows
// itself, so it is easy to spot.
export function t(key, params = {}) {
  let s = strings[key];
  if (s === undefined) return key;
  if (typeof s === 'object') {
    const c = params.count !== undefined ? params.count : params.n;
    s = Number(c) === 1 && s.one ? s.one : s.other;
  }
  return s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? String(params[k]) : m));
}

export function has(key) { return strings[key] !== undefined; }

// Formats Unix seconds as YYYY-MM-DD HH:MM:SS in the deployment's time
// zone (GET /me's clock; the phone's until it is known), the same in both
// languages: what offices write.
export function fmtTime(sec) {
  const off = deploymentOffset();
  const p = (n) => String(n).padStart(2, '0');
  if (off === null) {
    const d = new Date(sec * 1000);
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }
  return new Date((sec + off) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export function fmtNumber(n) {
  return new Intl.NumberFormat(locale()).format(n);
}

// The translated name of a code ("role", "admin" -> 系统管理员), or the code
// itself when the server sends one this page does not know yet.
export function label(prefix, code) {
  return has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : String(code);
}
