// views/users.js - accounts in the user's scope: a keyset-paginated table
// and, for admins (user.write), creating, disabling and enabling accounts.
import { t, label, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import { h, icon, notice, pagedList, errorText, td } from '../dom.js';
import { codes } from '../vocab.js';

const PAGE = 20;

export function render(ctx) {
  const { main } = ctx;
  const canWrite = ctx.can('user.write');
  const flash = h('div.flash', { 'aria-live': 'polite' });
  const listBox = h('div');

  const cols = ['users.username', 'users.displayName', 'users.role', 'users.region', 'users.status', 'users.createdAt'];
  if (canWrite) cols.push('users.actions');

  const row = (u) => {
    const self = u.username === ctx.me.user.username;
    const cells = [
      td(t('users.username'), h('strong', u.username), self ? h('span.muted', t('users.you')) : null),
      td(t('users.displayName'), u.display_name || '—'),
      td(t('users.role'), h('span.role', label('role', u.role))),
      td(t('users.region'), u.region_name, ' ', h('span.code', u.region)),
      td(t('users.status'), h(`span.status.${u.disabled ? 'status-off' : 'status-on'}`,
        t(u.disabled ? 'users.disabled' : 'users.active'))),
      td(t('users.createdAt'), h('span.nowrap', fmtTime(u.created_at))),
    ];
    if (canWrite) {
      cells.push(td({ label: t('users.actions'), cls: 'actions' }, self ? '—' : h('button.btn.btn-small.btn-secondary', {
        type: 'button',
        onclick: async (e) => {
          const btn = e.currentTarget;
          const disable = !u.disabled;
          if (disable && !window.confirm(t('users.confirmDisable', { username: u.username }))) return;
          btn.disabled = true;
          try {
            await API.users.update(u.username, { disabled: disable });
            flash.replaceChildren(notice('success', t('users.updated', { username: u.username })));
            loadList();
          } catch (err) {
            flash.replaceChildren(notice('error', errorText(err)));
            btn.disabled = false;
          }
        },
      }, t(u.disabled ? 'users.enable' : 'users.disable'))));
    }
    return h('tr', { dataset: { username: u.username } }, cells);
  };

  const loadList = () => {
    const tbody = h('tbody');
    const table = h('table.data-table.users-table', { 'data-testid': 'users' },
      h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, t(c))))), tbody);
    listBox.replaceChildren(pagedList({
      listEl: tbody,
      box: h('div.table-wrap', table),
      fetchPage: (after) => API.users.list(after, PAGE),
      renderItems: (items) => items.map(row),
      emptyText: t('users.empty'),
      isCurrent: ctx.isCurrent,
    }));
  };

  const head = h('div.page-head.title-row',
    h('div', h('h1', { tabindex: '-1' }, t('users.title')), h('p.muted', t('users.intro'))),
    canWrite ? h('button.btn.btn-primary', {
      type: 'button', 'aria-expanded': 'false', 'aria-controls': 'user-form',
      onclick: (e) => {
        const open = formBox.hidden;
        formBox.hidden = !open;
        e.currentTarget.setAttribute('aria-expanded', String(open));
        if (open) formBox.querySelector('input')?.focus();
      },
    }, icon('plus'), h('span', t('users.new'))) : null);

  const formBox = canWrite ? userForm(ctx, (username) => {
    flash.replaceChildren(notice('success', t('users.created', { username })));
    formBox.hidden = true;
    loadList();
  }) : null;
  if (formBox) formBox.hidden = true;

  loadList();
  main.replaceChildren(head, flash, formBox, h('section.card', listBox));
}

function field(id, labelKey, input, hintKey) {
  return h('div.field', h('label', { for: id }, t(labelKey)), input,
    hintKey ? h('p.hint', { id: `${id}-hint` }, t(hintKey)) : null);
}

function userForm(ctx, onCreated) {
  const username = h('input', { id: 'nu-username', name: 'username', required: true, maxlength: '64', autocomplete: 'off', 'aria-describedby': 'nu-username-hint', autocapitalize: 'none', spellcheck: 'false' });
  const display = h('input', { id: 'nu-display', name: 'display_name', maxlength: '64', autocomplete: 'off' });
  const password = h('input', { id: 'nu-password', name: 'password', type: 'password', required: true, minlength: '8', maxlength: '128', autocomplete: 'new-password', 'aria-describedby': 'nu-password-hint' });
  const role = h('select', { id: 'nu-role', name: 'role', required: true },
    codes('roles').map((r) => h('option', { value: r, selected: r === 'gridworker' }, label('role', r))));
  const region = h('input', { id: 'nu-region', name: 'region', required: true, maxlength: '15', inputmode: 'numeric', value: ctx.me.scope.code, 'aria-describedby': 'nu-region-hint' });
  const inputs = { username, display_name: display, password, role, region };
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('users.create'));
  const form = h('form.card.user-form', {
    id: 'user-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      Object.values(inputs).forEach((i) => i.removeAttribute('aria-invalid'));
      const body = {
        username: username.value.trim(), password: password.value, role: role.value, region: region.value.trim(),
      };
      if (display.value.trim()) body.display_name = display.value.trim();
      submit.disabled = true;
      submit.textContent = t('users.creating');
      msg.replaceChildren();
      try {
        await API.users.create(body);
        form.reset();
        region.value = ctx.me.scope.code;
        onCreated(body.username);
      } catch (err) {
        const bad = err.code === 'not_found' ? region : inputs[err.field];
        if (bad) { bad.setAttribute('aria-invalid', 'true'); bad.focus(); }
        msg.replaceChildren(notice('error', errorText(err, {
          byCode: { conflict: 'error.usernameTaken', not_found: 'error.regionNotFound' },
        })));
      } finally {
        submit.disabled = false;
        submit.textContent = t('users.create');
      }
    },
  },
  h('h2', t('users.new')), h('p.muted', t('users.newIntro')),
  h('div.form-grid',
    field('nu-username', 'users.username', username, 'users.usernameHint'),
    field('nu-display', 'users.displayName', display),
    field('nu-password', 'users.password', password, 'users.passwordHint'),
    field('nu-role', 'users.role', role),
    field('nu-region', 'users.region', region, 'users.regionHint')),
  msg,
  h('div.form-actions', submit));
  return form;
}
