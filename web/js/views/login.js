// views/login.js - the sign-in page.  The server sets the HttpOnly session
// cookie; the page keeps nothing but the language choice.
import { t } from '../i18n.js';
import * as API from '../api.js';
import { h, icon, notice } from '../dom.js';

export function renderLogin({ langButton, note, onSignedIn }) {
  const msg = h('div.login-msg', { 'aria-live': 'assertive' });
  if (note) msg.append(notice(note.kind, t(note.key)));
  const user = h('input', {
    id: 'login-username', name: 'username', type: 'text', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: '64',
  });
  const pass = h('input', {
    id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password',
    required: true, maxlength: '128',
  });
  const reveal = h('button.btn-reveal', {
    type: 'button', 'aria-controls': 'login-password', 'aria-pressed': 'false',
    onclick: () => {
      const show = pass.type === 'password';
      pass.type = show ? 'text' : 'password';
      reveal.setAttribute('aria-pressed', String(show));
      reveal.textContent = t(show ? 'login.hidePassword' : 'login.showPassword');
    },
  }, t('login.showPassword'));
  const submit = h('button.btn.btn-primary.btn-block', { type: 'submit' }, t('login.submit'));

  const fail = (text, input) => {
    msg.replaceChildren(notice('error', text));
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
  };

  const form = h('form.login-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      user.removeAttribute('aria-invalid');
      pass.removeAttribute('aria-invalid');
      const username = user.value.trim();
      if (!username) return fail(t('login.needUsername'), user);
      if (!pass.value) return fail(t('login.needPassword'), pass);
      submit.disabled = true;
      submit.textContent = t('login.submitting');
      msg.replaceChildren();
      try {
        await API.session.create(username, pass.value);
      } catch (err) {
        submit.disabled = false;
        submit.textContent = t('login.submit');
        if (err.code === 'bad_credentials' || err.status === 401) {
          pass.value = '';
          return fail(t('login.badCredentials'), pass);
        }
        if (err.code === 'throttled' || err.status === 429) {
          return fail(err.retryAfter ? t('login.throttled', { minutes: Math.max(1, Math.ceil(err.retryAfter / 60)) })
            : t('login.throttledSoon'));
        }
        if (err.code === 'invalid') return fail(t(err.field === 'password' ? 'login.needPassword' : 'login.needUsername'));
        return fail(t(err.code === 'network' ? 'error.network' : 'error.server'));
      }
      await onSignedIn();
    },
  },
  h('div.field', h('label', { for: 'login-username' }, t('login.username')), user),
  h('div.field', h('label', { for: 'login-password' }, t('login.password')),
    h('div.input-with-button', pass, reveal)),
  submit);

  const page = h('div.login-page',
    h('div.login-top', h('span.login-top-brand', icon('shield', 'brand-mark'), t('app.name')), langButton),
    h('main.login-main', { id: 'main' },
      h('section.login-hero',
        icon('shield', 'hero-mark'),
        h('p.hero-name', t('app.name')),
        h('h1.hero-title', t('app.title')),
        h('p.hero-tagline', t('app.tagline'))),
      h('section.login-card', { 'aria-labelledby': 'login-heading' },
        h('h2', { id: 'login-heading' }, t('login.heading')),
        h('p.muted', t('login.intro')),
        msg, form,
        h('p.login-footer', t('login.footer')),
        h('p.login-public', h('a.link', { href: '#/public', 'data-testid': 'public-link' }, t('supplies.public.link'))))));
  queueMicrotask(() => user.focus());
  return page;
}
