// views/password.js - the signed-in user changes their own password
// (POST /me/password with the current one).  After an administrator's reset
// or a bulk creation the server answers every other call with 403
// password_change_required: the app then shows only this page (forced),
// and goes on to the home page once the password is changed.
import { t } from '../i18n.js';
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
    form);
  if (forced) cur.input.focus();
}
