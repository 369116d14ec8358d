// views/password.js - the signed-in user changes their own password
// (POST /me/password with the current one).  After an administrator's reset
// or a bulk creation the server answers every other call with 403
// password_change_required: the app then shows only this page (forced),
// and goes on to the home page once the password is changed.
import { t, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, notice, errorText } from '../dom.js';

function pwField(id, labelKey, autocomplete, hintKey) {
  const input = h('input', {
    id, name: id, type: 'password', required: true, maxlength: '128', autocomplete,
    'aria-describedby': hintKey ? `${id}-hint` : null,
  });
  const el = h('div.field', h('label', { for: id }, t(labelKey)), input,
    hintKey ? h('p.hint', { id: `${id}-hint` }, t(hintKey)) : null);
  return { el, input };
}

// A User-Agent as a person names their device: "Android · Chrome".
export function deviceName(agent) {
  if (!agent) return t('sessions.unknownDevice');
  const os = [['Android', /Android/], ['iPhone', /iPhone/], ['iPad', /iPad/], ['Windows', /Windows/],
    ['macOS', /Mac OS X|Macintosh/], ['Linux', /Linux/]].find(([, re]) => re.test(agent));
  const app = [['WeChat', /MicroMessenger/], ['Edge', /Edg\//], ['Firefox', /Firefox\//], ['Chrome', /Chrome\//],
    ['Safari', /Safari\//]].find(([, re]) => re.test(agent));
  const parts = [os?.[0], app?.[0]].filter(Boolean);
  return parts.length ? parts.join(' · ') : agent.slice(0, 40);
}

// The signed-in user's sessions: device, address, times, "this device";
// sign out one, or all the others.
function sessionsCard() {
  const list = h('ul.session-list', { 'data-testid': 'my-sessions' });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const act = async (fn, doneKey) => {
    fill(msg);
    try {
      const r = await fn();
      fill(msg, notice('success', t(doneKey, { n: r?.sessions_ended ?? 1 })));
      await load();
    } catch (err) {
      fill(msg, notice('error', errorText(err)));
    }
  };
  const others = h('button.btn', { type: 'button', 'data-testid': 'end-other-sessions',
    onclick: () => act(() => API.mySessions.endOthers(), 'sessions.othersEnded') }, t('sessions.endOthers'));
  async function load() {
    let items;
    try {
      ({ items } = await API.mySessions.list());
    } catch (err) {
      fill(list, h('li', notice('error', errorText(err))));
      return;
    }
    others.disabled = items.every((s) => s.current);
    fill(list, ...items.map((s) => h('li.session-item', { 'data-current': s.current ? 'true' : null },
      h('div.session-main',
        h('strong', deviceName(s.agent)),
        s.current ? h('span.badge', t('sessions.current')) : null),
      h('div.muted.session-meta',
        h('span', `${t('sessions.addr')} ${s.addr}`),
        h('span', `${t('sessions.signedIn')} ${fmtTime(s.created_at)}`),
        h('span', `${t('sessions.seen')} ${fmtTime(s.seen_at)}`)),
      s.current ? null : h('button.btn.btn-small', {
        type: 'button', 'aria-label': `${t('sessions.end')} ${deviceName(s.agent)}`,
        onclick: () => act(() => API.mySessions.end(s.id), 'sessions.ended'),
      }, t('sessions.end')))));
  }
  load();
  return h('section.card.sessions-card', { 'aria-labelledby': 'sessions-title' },
    h('h2', { id: 'sessions-title' }, t('sessions.title')),
    h('p.muted', t('sessions.intro')),
    list, msg, h('div.form-actions', others));
}

// ctx.forced: the server demands a new password before anything else;
// ctx.onChanged() runs after a change (the app reloads who is signed in).
export function render(ctx) {
  const { main } = ctx;
  const forced = !!ctx.me.must_change_password;
  const cur = pwField('pw-current', forced ? 'password.currentOneTime' : 'password.current', 'current-password');
  const next = pwField('pw-new', 'password.new', 'new-password', 'password.newHint');
  const again = pwField('pw-again', 'password.again', 'new-password');
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('password.submit'));
  const bad = (f, key) => {
    f.input.setAttribute('aria-invalid', 'true');
    f.input.focus();
    fill(msg, notice('error', t(key)));
  };
  const form = h('form.card.password-form', {
    novalidate: true, 'data-testid': 'password-form',
    onsubmit: async (e) => {
      e.preventDefault();
      for (const f of [cur, next, again]) f.input.removeAttribute('aria-invalid');
      if (!cur.input.value) return bad(cur, 'password.needCurrent');
      if ([...next.input.value].length < 8) return bad(next, 'password.tooShort');
      if (next.input.value !== again.input.value) return bad(again, 'password.mismatch');
      if (next.input.value === cur.input.value) return bad(next, 'password.same');
      submit.disabled = true;
      fill(msg);
      try {
        await API.mePassword(cur.input.value, next.input.value);
        form.reset();
        fill(msg, notice('success', t('password.changed')));
        if (ctx.onChanged) await ctx.onChanged();
      } catch (err) {
        if (err.field === 'current_password') bad(cur, 'password.wrongCurrent');
        else if (err.field === 'new_password') bad(next, 'password.tooShort');
        else if (err.code === 'throttled') fill(msg, notice('error', t('login.throttledSoon')));
        else fill(msg, notice('error', errorText(err)));
      } finally {
        submit.disabled = false;
      }
    },
  },
  forced ? notice('info', t('password.forcedNotice')) : null,
  cur.el, next.el, again.el, msg,
  h('div.form-actions', submit));
  main.replaceChildren(
    h('div.page-head', h('h1', { tabindex: '-1' }, t(forced ? 'password.forcedTitle' : 'password.title')),
      h('p.muted', t('password.intro'))),
    form,
    forced ? null : sessionsCard());
  if (forced) cur.input.focus();
}
