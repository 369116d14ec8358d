// public.js - the resident's pages, no account: leave a message
// (message.html) and check its progress (message.html#lookup).  Many callers are
// old: large text and high contrast are one press away (kept in this
// browser), every control has a visible label, errors say what to do, and
// the page is readable at phone width.  The hidden field "website" is a
// honeypot people never see; the server stores nothing when it is filled.
import { t, initI18n, setLang, otherLang } from './i18n.js';
import * as API from './api.js';
import { h, fill, notice } from './dom.js';

const PREFS = 'fangkong.public';
const CATEGORIES = ['consultation', 'help.daily_needs', 'help.medical', 'help.fever', 'suggestion', 'complaint', 'report'];

function prefs() {
  try { return JSON.parse(localStorage.getItem(PREFS)) || {}; } catch { return {}; }
}
function savePrefs(p) {
  try { localStorage.setItem(PREFS, JSON.stringify(p)); } catch { /* private mode: not kept */ }
}
function applyPrefs() {
  const p = prefs();
  document.body.classList.toggle('big-text', !!p.big);
  document.body.classList.toggle('high-contrast', !!p.contrast);
}

function toggle(key, labelKey) {
  const p = prefs();
  return h('button.btn.btn-secondary.pub-toggle', {
    type: 'button', 'aria-pressed': p[key] ? 'true' : 'false', 'data-toggle': key,
    onclick: (e) => {
      const q = prefs();
      q[key] = !q[key];
      savePrefs(q);
      applyPrefs();
      e.currentTarget.setAttribute('aria-pressed', q[key] ? 'true' : 'false');
    },
  }, t(labelKey));
}

function shell(titleKey, ...content) {
  const page = pageName();
  document.title = `${t(titleKey)} · ${t('app.name')}`;
  return [
    h('header.pub-head',
      h('div.pub-brand', h('strong', t('app.name')), h('span', t('pub.service'))),
      h('nav.pub-tools', { 'aria-label': t('pub.tools') },
        toggle('big', 'pub.bigText'), toggle('contrast', 'pub.contrast'),
        h('button.btn.btn-secondary.pub-toggle', { type: 'button', lang: otherLang() === 'zh' ? 'zh-CN' : 'en',
          onclick: async () => { await setLang(otherLang()); render(); } }, t('lang.switch')))),
    h('main.pub-main', { id: 'main' },
      h('h1', t(titleKey)),
      content,
      h('p.pub-switch', page === 'message'
        ? h('a.link', { href: '#lookup' }, t('pub.toLookup'))
        : h('a.link', { href: '#' }, t('pub.toMessage')))),
  ];
}

function errorFor(err) {
  if (err.status === 429) return t('pub.err.throttled', { min: Math.max(1, Math.ceil((err.retryAfter || 60) / 60)) });
  if (err.status === 404) return t(pageName() === 'lookup' ? 'pub.err.notFound' : 'pub.err.region');
  if (err.status === 400 && err.field) return t(`pub.err.${err.field}`) !== `pub.err.${err.field}` ? t(`pub.err.${err.field}`) : t('pub.err.invalid');
  if (err.status === 0) return t('error.network');
  return t('error.server');
}

const field = (id, labelKey, control, hintKey) => h('div.field.pub-field', h('label', { for: id }, t(labelKey)),
  hintKey ? h('p.pub-hint', { id: `${id}-hint` }, t(hintKey)) : null, control);

// One select per level from the area the service covers down to the
// community (a county's deployment starts at its streets); picked.code is
// the community chosen, '' until one is.
function regionCascade(picked) {
  const box = h('div.pub-cascade');
  async function level(parent, depth) {
    [...box.children].slice(depth).forEach((el) => el.remove());
    picked.code = '';
    let r;
    try {
      r = await API.api('GET', `/public/regions${API.qs({ parent })}`);
    } catch (err) { box.append(notice('error', errorFor(err))); return; }
    const id = `pm-level-${r.level}`;
    const sel = h('select', { id, name: `level${r.level}`, required: true },
      h('option', { value: '' }, t('pub.pick')), r.items.map((x) => h('option', { value: x.code }, x.name)));
    sel.addEventListener('change', () => {
      if (r.level === 5) picked.code = sel.value;
      else if (sel.value) level(sel.value, depth + 1);
      else [...box.children].slice(depth + 1).forEach((el) => el.remove());
    });
    box.append(field(id, `pub.level.${r.level}`, sel));
  }
  level(undefined, 0);
  return box;
}

function messagePage(app) {
  const name = h('input', { id: 'pm-name', name: 'name', autocomplete: 'name', maxlength: '50', required: true });
  const phone = h('input', { id: 'pm-phone', name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: '30', required: true, 'aria-describedby': 'pm-phone-hint' });
  const picked = { code: '' };
  const regions = regionCascade(picked);
  const cat = h('select', { id: 'pm-cat', name: 'category', required: true }, h('option', { value: '' }, t('pub.pickCategory')),
    CATEGORIES.map((c) => h('option', { value: c }, t(`pub.cat.${c}`))));
  const text = h('textarea', { id: 'pm-text', name: 'text', rows: '6', maxlength: '1000', required: true, 'aria-describedby': 'pm-text-hint pm-count' });
  const count = h('p.pub-hint', { id: 'pm-count', 'aria-live': 'polite' }, t('pub.count', { n: 0 }));
  text.addEventListener('input', () => { count.textContent = t('pub.count', { n: [...text.value].length }); });
  const trap = h('div.pub-trap', { 'aria-hidden': 'true' }, h('label', { for: 'pm-website' }, t('pub.trap')),
    h('input', { id: 'pm-website', name: 'website', tabindex: '-1', autocomplete: 'off' }));
  const msg = h('div.pub-msg', { 'aria-live': 'assertive' });
  const submit = h('button.btn.btn-primary.btn-block.pub-submit', { type: 'submit' }, t('pub.send'));
  const form = h('form.card.pub-form', { novalidate: true, 'data-testid': 'message-form', onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    const missing = [[name, 'name'], [phone, 'phone'], [{ value: picked.code }, 'community'], [cat, 'category'], [text, 'text']]
      .find(([el]) => !el.value.trim());
    if (missing) {
      msg.replaceChildren(notice('error', t(`pub.err.${missing[1]}`)));
      (missing[1] === 'community' ? regions.querySelector('select:last-of-type') || regions : missing[0]).focus?.();
      return;
    }
    submit.disabled = true;
    try {
      const r = await API.api('POST', '/public/messages', {
        name: name.value.trim(), phone: phone.value.trim(), region: picked.code, category: cat.value, text: text.value.trim(),
        website: trap.querySelector('input').value,
      });
      fill(app, shell('pub.sentTitle', h('section.card.pub-done', { 'data-testid': 'message-sent' },
        notice('success', t('pub.sent')),
        r.number ? h('dl.pub-ticket', h('div', h('dt', t('pub.number')), h('dd.code', r.number)),
          h('div', h('dt', t('pub.code')), h('dd.code', r.code))) : null,
        h('p', t('pub.keep')),
        h('p', h('a.btn.btn-primary', { href: '#lookup' }, t('pub.toLookup'))))));
      app.querySelector('h1')?.focus();
    } catch (err) {
      msg.replaceChildren(notice('error', errorFor(err)));
      submit.disabled = false;
    }
  } },
  h('p', t('pub.messageIntro')),
  field('pm-name', 'pub.name', name),
  field('pm-phone', 'pub.phone', phone, 'pub.phoneHint'),
  h('fieldset.pub-field.pub-where', h('legend', t('pub.where')), regions),
  field('pm-cat', 'pub.category', cat),
  h('div.field.pub-field', h('label', { for: 'pm-text' }, t('pub.text')), h('p.pub-hint', { id: 'pm-text-hint' }, t('pub.textHint')), text, count),
  trap, msg, submit,
  h('p.pub-hint', t('pub.privacy')));
  fill(app, shell('pub.messageTitle', form));
}

function lookupPage(app) {
  const number = h('input', { id: 'pl-number', name: 'number', autocomplete: 'off', maxlength: '15', inputmode: 'numeric', required: true, 'aria-describedby': 'pl-number-hint' });
  const last4 = h('input', { id: 'pl-last4', name: 'phone_last4', autocomplete: 'off', maxlength: '4', inputmode: 'numeric', required: true });
  const out = h('div.pub-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary.btn-block.pub-submit', { type: 'submit' }, t('pub.check'));
  const form = h('form.card.pub-form', { novalidate: true, 'data-testid': 'lookup-form', onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const n = number.value.trim();
    if (!/^\d{8}-\d{6}$/.test(n)) { out.replaceChildren(notice('error', t('pub.err.number'))); number.focus(); return; }
    if (!/^\d{4}$/.test(last4.value.trim())) { out.replaceChildren(notice('error', t('pub.err.phone_last4'))); last4.focus(); return; }
    submit.disabled = true;
    try {
      const r = await API.api('POST', '/public/lookup', { number: n, phone_last4: last4.value.trim() });
      out.replaceChildren(h('section.pub-result', { 'data-testid': 'lookup-result' },
        h('h2', t('pub.resultTitle', { number: r.number })),
        h('p.pub-state', h('span', t('pub.state')), ' ', h(`strong.pub-state-${r.state}`, t(`hotline.pub.${r.state}`))),
        h('p', t('pub.receivedAt', { time: new Date(r.received_at * 1000).toLocaleString() })),
        r.reply ? h('div.pub-reply', h('h3', t('pub.reply')), h('p', r.reply)) : h('p', t('pub.noReply'))));
    } catch (err) {
      out.replaceChildren(notice('error', errorFor(err)));
    } finally { submit.disabled = false; }
  } },
  h('p', t('pub.lookupIntro')),
  field('pl-number', 'pub.number', number, 'pub.numberHint'),
  field('pl-last4', 'pub.last4', last4),
  submit, out);
  fill(app, shell('pub.lookupTitle', form));
}

function pageName() { return location.hash === '#lookup' ? 'lookup' : 'message'; }

function render() {
  const app = document.getElementById('app');
  if (pageName() === 'lookup') lookupPage(app);
  else messagePage(app);
  window.scrollTo(0, 0);
}

await initI18n();
applyPrefs();
render();
window.addEventListener('hashchange', render);
