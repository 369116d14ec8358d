// app.js - boots the single-page shell: loads the language, asks the server
// who is signed in (GET /me), then shows the login page or the app.  Routing
// is by location.hash (#/regions/420106); the view for each path comes from
// the feature table in features.js.
import { initI18n, setLang, t, label, otherLang } from './i18n.js';
import * as API from './api.js';
import * as outbox from './outbox.js';
import * as offline from './offline.js';
import { h, icon, notice } from './dom.js';
import { allowed, byGroup, match } from './features.js';
import { setVocab } from './vocab.js';
import { renderLogin } from './views/login.js';

const root = document.getElementById('app');
const state = {
  me: null,         // GET /me answer, null when signed out
  loginNotice: null, // {kind, key} shown on the login page once
  renderSeq: 0,     // bumps on every route render; stale async results check it
};

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = (q >= 0 ? raw.slice(0, q) : raw).replace(/\/+$/, '');
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  return { path, query };
}

function can(perm) { return !!state.me && state.me.permissions.includes(perm); }
const isGridWorker = () => !!state.me && state.me.user.role === 'gridworker' && can('screening.write');

function langButton(extraClass = '') {
  return h(`button.btn-lang${extraClass}`, {
    type: 'button', lang: otherLang() === 'zh' ? 'zh-CN' : 'en',
    'aria-label': t('lang.switchLabel'), title: t('lang.switchLabel'), 'data-testid': 'lang-switch',
    onclick: async () => { await setLang(otherLang()); render(); },
  }, icon('globe'), h('span', t('lang.switch')));
}

// ---- signed out ----

function showLogin() {
  document.title = `${t('login.heading')} · ${t('app.name')}`;
  document.body.className = 'page-login';
  const note = state.loginNotice;
  state.loginNotice = null;
  root.replaceChildren(renderLogin({
    langButton: langButton(),
    note,
    onSignedIn: async () => {
      await loadMe({ fresh: true });
      startOutbox();
      const path = parseHash().path;
      // a grid worker's day starts on the worklist; everyone else's on the overview
      if (path === 'login' || path === '') location.hash = isGridWorker() ? '#/screening' : '#/';
      render();
    },
  }));
}

// ---- signed in ----

function closeNav() {
  document.body.classList.remove('nav-open');
  const b = document.querySelector('.menu-toggle');
  if (b) {
    b.setAttribute('aria-expanded', 'false');
    b.setAttribute('aria-label', t('header.menu'));
  }
}

function toggleNav() {
  const open = document.body.classList.toggle('nav-open');
  const b = document.querySelector('.menu-toggle');
  b.setAttribute('aria-expanded', String(open));
  b.setAttribute('aria-label', t(open ? 'header.closeMenu' : 'header.menu'));
  b.replaceChildren(icon(open ? 'close' : 'menu'));
  if (open) document.querySelector('#nav a')?.focus();
}

async function signOut() {
  try { await API.session.delete(); } catch { /* gone already: still leave */ }
  // Records not yet sent stay on the phone for the next sign-in; the cached
  // worklists (they name residents) go.
  await outbox.stop({ forget: true });
  await offline.forget();
  state.me = null;
  state.loginNotice = { kind: 'success', key: 'login.signedOut' };
  closeNav();
  if (location.hash && location.hash !== '#/') history.replaceState(null, '', '#/');
  render();
}

// A short navigation is one list; a long one (the administrator's twenty
// entries) is one list per domain under its heading (nav.group.*), in the
// order of the feature table.
const NAV_GROUPED_FROM = 8;
function navLists(features, link) {
  if (features.length < NAV_GROUPED_FROM) return [h('ul', features.map(link))];
  return byGroup(features).flatMap(({ group, items }) => {
    const id = group ? `nav-group-${group}` : null;
    return [group ? h('h2.nav-group', { id }, t(`nav.group.${group}`)) : null,
      h('ul', { 'aria-labelledby': id }, items.map(link))];
  });
}

function shell(me, current) {
  const u = me.user;
  // until a reset password is changed, there is nowhere else to go
  const features = me.must_change_password ? [] : allowed(me.permissions);
  const link = (f) => h('li', h('a.nav-link', {
    href: f.href, dataset: { nav: f.id }, 'aria-current': f.id === current ? 'page' : null,
    onclick: closeNav,
  }, icon(f.icon), h('span', t(`nav.${f.id}`)),
  f.badge ? h('span.nav-badge', { dataset: { badge: f.badge }, hidden: true }) : null));
  const nav = h('nav.sidenav', { id: 'nav', 'aria-label': t('nav.label') },
    ...navLists(features, link),
    h('div.nav-account', h('span.label', t('header.account')),
      h('strong', u.username), h('span', label('role', u.role)), h('span', u.region_name),
      h('a.link.nav-password', { href: '#/password', onclick: closeNav, 'aria-current': current === 'password' ? 'page' : null },
        t('password.title'))));
  const header = h('header.topbar',
    h('button.menu-toggle', {
      type: 'button', 'aria-controls': 'nav', 'aria-expanded': 'false', 'aria-label': t('header.menu'),
      onclick: toggleNav,
    }, icon('menu')),
    h('a.brand', { href: '#/' }, icon('shield', 'brand-mark'),
      h('span.brand-name', t('app.name')), h('span.brand-title', t('app.title'))),
    h('div.topbar-right',
      can('screening.write') ? h('a.outbox-pill', {
        href: '#/screening', dataset: { badge: 'outbox' }, hidden: true, 'data-testid': 'outbox-pill',
      }, icon('cloud'), h('span.n')) : null,
      h('div.who', { 'data-testid': 'who' }, h('strong', u.username),
        h('span', `${label('role', u.role)} · ${u.region_name}`),
        h('a.who-password', { href: '#/password' }, t('password.title'))),
      langButton(),
      h('button.btn-logout', {
        type: 'button', 'aria-label': t('header.logout'), title: t('header.logout'), onclick: signOut,
      }, icon('logout'), h('span.btn-logout-text', t('header.logout')))));
  const main = h('main.main', { id: 'main', tabindex: '-1' });
  const scrim = h('div.scrim', { onclick: closeNav, 'aria-hidden': 'true' });
  const skip = h('a.skip', { href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('app.skip'));
  return { el: [skip, header, h('div.layout', nav, scrim, main)], main };
}

// Shows how many screening records wait on this phone (nav badge, topbar).
function drawOutboxBadges(st) {
  for (const el of document.querySelectorAll('[data-badge=outbox]')) {
    const n = st.pending + st.failed;
    el.hidden = !n;
    el.classList.toggle('has-failed', st.failed > 0);
    const text = st.failed ? t('outbox.badgeFailed', { n: st.pending, failed: st.failed, count: st.pending })
      : t('outbox.badge', { n: st.pending, count: st.pending });
    el.title = text;
    el.setAttribute('aria-label', text);
    const target = el.querySelector('.n') || el;
    target.textContent = String(n);
  }
}

// Starts the outbox for users who record screenings or follow-ups (sends what waits).
function startOutbox() {
  const p = state.me ? state.me.permissions : [];
  if (p.includes('screening.write') || p.includes('case.write')) outbox.start(state.me.user.username);
}

function pageError(main, titleKey, textKey) {
  main.replaceChildren(h('section.page-error',
    h('h1', t(titleKey)), notice('error', t(textKey)),
    h('p', h('a.btn.btn-secondary', { href: '#/' }, t('common.backHome')))));
}

function showApp(focus) {
  const { path, query } = parseHash();
  if (path === 'login') { history.replaceState(null, '', '#/'); return showApp(focus); }
  // a password set by an administrator: the user chooses their own first
  const m = match(state.me.must_change_password ? 'password' : path);
  const seq = ++state.renderSeq;
  // a bare feature (the wall screen) is shown without the navigation
  document.body.className = m && m.feature.bare ? 'page-app page-bare' : 'page-app';
  const { el, main } = shell(state.me, m ? m.feature.id : null);
  root.replaceChildren(...el);
  drawOutboxBadges(outbox.status);
  const ctx = {
    main, params: m ? m.params : {}, query, me: state.me, can, features: allowed(state.me.permissions),
    isCurrent: () => seq === state.renderSeq,
    setTitle: (s) => { document.title = `${s} · ${t('app.name')}`; },
    onChanged: async () => {
      await loadMe({ fresh: true });
      // to the home page (what there is to do), unless already there
      if (parseHash().path !== '') location.hash = '#/';
      else render(true);
    },
  };
  if (!m) {
    ctx.setTitle(t('error.pageNotFound'));
    pageError(main, 'error.pageNotFound', 'error.pageNotFoundText');
  } else if (m.feature.perm && !can(m.feature.perm)) {
    ctx.setTitle(t('error.title'));
    pageError(main, 'error.title', 'error.forbiddenPage');
  } else {
    ctx.setTitle(t(`nav.${m.feature.id}`));
    m.view(ctx);
  }
  if (focus) main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// The public notice of donations and funds: the same for everyone, signed in or not.
function showPublic() {
  import('./views/public.js').then((m) => m.render({ root, langButton: langButton() }));
}

function render(focus = false) {
  if (parseHash().path === 'public') showPublic();
  else if (state.me) showApp(focus);
  else showLogin();
}

// Asks the server who is signed in, then for the code lists the pages
// offer (GET /vocab, once per sign-in or load).  Without a network (or with
// the server down) the user and lists kept on this phone at the last
// sign-in stand in, so the app opens offline; the next request the server
// refuses (401) signs out.
async function loadMe(keep = {}) {
  try {
    const [me, vocab] = await Promise.all([API.me(), API.vocab()]);
    setVocab(vocab);
    state.me = me;
    offline.keep(me, vocab, keep);
  } catch (err) {
    if (err.status === 401) {
      state.me = null;
      await offline.forget();
      return;
    }
    const kept = err.status === 0 || err.status >= 500 ? offline.kept() : null;
    if (!kept) throw err;
    setVocab(kept.vocab);
    state.me = kept.me;
    API.setClock(kept.me.clock);
  }
}

// At start-up, while the strings and /me load: the module of the page being
// opened, and once the user is known, the first data that page asks for.
function startEarly(m) {
  m?.view.load?.();
}
function startEarlyData(m) {
  if (!m || !state.me || (m.feature.perm && !can(m.feature.perm)) || !m.feature.early) return;
  for (const path of m.feature.early(m.params, state.me)) API.getEarly(path);
}

async function boot() {
  const opening = match(parseHash().path);
  startEarly(opening);
  const strings = initI18n();
  const who = loadMe().then(() => startEarlyData(opening));
  who.catch(() => { /* answered below, once the strings are there */ });
  await strings;
  API.setPasswordRequiredHandler(() => {
    if (!state.me || state.me.must_change_password) return;
    state.me.must_change_password = true;
    render(true);
  });
  API.setUnauthorizedHandler(() => {
    if (!state.me) return;
    state.me = null;
    offline.forget();
    state.loginNotice = { kind: 'info', key: 'login.expired' };
    render();
  });
  try {
    await who;
  } catch (err) {
    root.replaceChildren(h('div.boot-error', notice('error', t(err.code === 'network' ? 'error.network' : 'error.server'),
      h('button.btn.btn-secondary', { type: 'button', onclick: () => location.reload() }, t('common.retry')))));
    return;
  }
  outbox.subscribe(drawOutboxBadges);
  startOutbox();
  window.addEventListener('hashchange', () => render(true));
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeNav(); });
  render();
}

boot();

