// views/users.js - accounts in the user's scope: a keyset-paginated table
// and, for admins (user.write), creating accounts one by one (the home
// region picked by name) or many from a CSV file, resetting a password to a
// one-time one the user must change at the next sign-in, disabling and
// enabling accounts.  One-time passwords are shown once, printable.
import { t, label, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, icon, notice, pagedList, errorText, td } from '../dom.js';
import { codes } from '../vocab.js';
import { regionPicker } from './regionpick.js';

// A one-time password like the server's bulk ones: 12 characters from 31
// unambiguous letters and digits, in groups of four (about 59 random bits).
export function oneTimePassword() {
  const abc = '23456789abcdefghjkmnpqrstuvwxyz';
  const out = [];
  const buf = new Uint32Array(12);
  crypto.getRandomValues(buf);
  for (let i = 0; i < 12; i++) {
    if (i && i % 4 === 0) out.push('-');
    out.push(abc[buf[i] % abc.length]);
  }
  return out.join('');
}

// The column a bulk row was refused for, by the server's field name.
const COL = { username: 'users.username', display_name: 'users.displayName', role: 'users.role', region: 'users.region' };

// Why a bulk row was refused, in the page's language where it is known.
function rejectText(x) {
  if (x.field === 'region') return t('error.regionNotFound');
  if (x.field === 'role') return t('users.bulkBadRole', { roles: codes('roles').join(', ') });
  if (x.field === 'username' && /taken/.test(x.message)) return t('error.usernameTaken');
  if (x.field === 'username') return t('field.username');
  if (x.field === 'display_name') return t('field.display_name');
  return x.message;
}

// The sheet of new passwords, shown once: username, name, role, region and
// the password, with a print button (print shows only the sheet).
function passwordSheet(rows, titleKey) {
  return h('section.card.password-sheet', { 'data-testid': 'password-sheet' },
    h('div.section-head', h('h2', t(titleKey)),
      h('button.btn.btn-secondary.btn-small.no-print', { type: 'button', onclick: () => window.print() },
        t('users.print'))),
    notice('info', t('users.sheetNote')),
    h('div.table-wrap', h('table.data-table',
      h('thead', h('tr', ['users.username', 'users.displayName', 'users.role', 'users.region', 'users.oneTime']
        .map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', rows.map((r) => h('tr', { dataset: { username: r.username } },
        td(t('users.username'), h('strong', r.username)),
        td(t('users.displayName'), h('bdi', r.display_name || '—')),
        td(t('users.role'), label('role', r.role)),
        td(t('users.region'), h('bdi', r.region_name || r.region)),
        td(t('users.oneTime'), h('code.one-time', r.password))))))));
}

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
      td(t('users.displayName'), h('bdi', u.display_name || '—')),
      td(t('users.role'), h('span.role', label('role', u.role))),
      td(t('users.region'), h('bdi', { title: u.region }, u.region_name)),
      td(t('users.status'), h(`span.status.${u.disabled ? 'status-off' : 'status-on'}`,
        t(u.disabled ? 'users.disabled' : 'users.active')),
      u.must_change && !u.disabled ? h('span.status.status-wait', t('users.mustChange')) : null),
      td(t('users.createdAt'), h('span.nowrap', fmtTime(u.created_at))),
    ];
    if (canWrite) {
      const reset = self ? null : h('button.btn.btn-small.btn-secondary', {
        type: 'button', dataset: { action: 'reset' },
        onclick: async (e) => {
          const btn = e.currentTarget;
          if (!window.confirm(t('users.confirmReset', { username: u.username }))) return;
          btn.disabled = true;
          const password = oneTimePassword();
          try {
            await API.users.update(u.username, { password, must_change_password: true });
            flash.replaceChildren(notice('success', t('users.resetDone', { username: u.username })),
              passwordSheet([{ ...u, password }], 'users.resetSheet'));
            loadList();
          } catch (err) {
            flash.replaceChildren(notice('error', errorText(err)));
            btn.disabled = false;
          }
        },
      }, t('users.reset'));
      cells.push(td({ label: t('users.actions'), cls: 'actions' }, self ? '—' : reset, self ? null : h('button.btn.btn-small.btn-secondary', {
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
      }, t(u.disabled ? 'users.enable' : 'users.disable')), self || u.disabled ? null : h('button.btn.btn-small.btn-secondary', {
        type: 'button', dataset: { action: 'end-sessions' },
        onclick: async (e) => {
          const btn = e.currentTarget;
          btn.disabled = true;
          try {
            const r = await API.users.endSessions(u.username);
            flash.replaceChildren(notice('success', t('sessions.adminEnded', { user: u.username, n: r.sessions_ended })));
          } catch (err) {
            flash.replaceChildren(notice('error', errorText(err)));
          } finally {
            btn.disabled = false;
          }
        },
      }, t('sessions.adminEnd'))));
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

  // a button that shows and hides a form (box() is made below)
  const opener = (cls, id, box, iconName, key) => h(`button.btn.${cls}`, {
    type: 'button', 'aria-expanded': 'false', 'aria-controls': id,
    onclick: (e) => {
      const open = box().hidden;
      box().hidden = !open;
      e.currentTarget.setAttribute('aria-expanded', String(open));
      if (open) box().querySelector('input')?.focus();
    },
  }, icon(iconName), h('span', t(key)));
  const head = h('div.page-head.title-row',
    h('div', h('h1', { tabindex: '-1' }, t('users.title')), h('p.muted', t('users.intro'))),
    canWrite ? h('div.head-actions', opener('btn-primary', 'user-form', () => formBox, 'plus', 'users.new'),
      opener('btn-secondary', 'bulk-form', () => bulkBox, 'upload', 'users.bulk')) : null);

  const formBox = canWrite ? userForm(ctx, (username) => {
    flash.replaceChildren(notice('success', t('users.created', { username })));
    formBox.hidden = true;
    loadList();
  }) : null;
  if (formBox) formBox.hidden = true;
  const bulkBox = canWrite ? bulkForm(flash, () => { bulkBox.hidden = true; loadList(); }) : null;
  if (bulkBox) bulkBox.hidden = true;

  loadList();
  main.replaceChildren(...[head, flash, formBox, bulkBox, h('section.card', listBox)].filter(Boolean));
}

// Many accounts from a CSV file (or pasted text): the server creates the
// good rows at once and answers the bad ones with their line.
function bulkForm(flash, onDone) {
  const file = h('input', { id: 'bulk-file', name: 'file', type: 'file', accept: '.csv,text/csv,text/plain' });
  const text = h('textarea', { id: 'bulk-csv', name: 'csv', rows: '6', spellcheck: 'false',
    placeholder: t('users.bulkSample').split('\n').slice(0, 2).join('\n') });
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (f) text.value = await f.text();
  });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('users.bulkCreate'));
  return h('form.card.bulk-form', {
    id: 'bulk-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      fill(msg);
      if (!text.value.trim()) return fill(msg, notice('error', t('users.bulkEmpty')));
      submit.disabled = true;
      try {
        const r = await API.users.bulk(text.value);
        const parts = [notice(r.rejected.length ? 'error' : 'success',
          t('users.bulkDone', { created: r.created.length, rejected: r.rejected.length }))];
        if (r.rejected.length) {
          parts.push(h('section.card.bulk-rejected', { 'data-testid': 'bulk-rejected' },
            h('h2', t('users.bulkRejected')),
            h('ul', r.rejected.map((x) => h('li', { dataset: { line: x.line } },
              h('strong', t('users.line', { n: x.line })), ' ', h('bdi', x.username || '—'), ' — ',
              x.field && COL[x.field] ? t('users.rejectField', { field: t(COL[x.field]) }) : '',
              h('span.reject-why', rejectText(x)))))));
        }
        if (r.created.length) parts.push(passwordSheet(r.created, 'users.bulkSheet'));
        flash.replaceChildren(...parts);
        text.value = '';
        file.value = '';
        onDone();
      } catch (err) {
        fill(msg, notice('error', err.field === 'csv' && err.message ? err.message : errorText(err)));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h2', t('users.bulk')), h('p.muted', t('users.bulkIntro')),
  h('pre.bulk-sample', t('users.bulkSample')),
  h('div.field', h('label', { for: 'bulk-file' }, t('users.bulkFile')), file),
  h('div.field', h('label', { for: 'bulk-csv' }, t('users.bulkText')), text),
  msg,
  h('div.form-actions', submit));
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
  // the home region, picked by name level by level ("all": the level above)
  let regionCode = ctx.me.scope.code;
  const chosen = h('p.picked', { 'data-testid': 'nu-region-chosen' });
  const showChosen = () => {
    const names = [...regionBox.querySelectorAll('select')].map((s) => (s.value ? s.selectedOptions[0].textContent : ''))
      .filter(Boolean);
    fill(chosen, t('users.regionChosen'), h('bdi', [ctx.me.scope.name, ...names].join(' · ')));
  };
  const regionBox = h('div.region-box', { id: 'nu-region', tabindex: '-1' });
  const newPicker = () => {
    regionCode = ctx.me.scope.code;
    fill(regionBox, regionPicker({ scope: ctx.me.scope, idPrefix: 'nu-region', maxLevel: 6,
      onChange: (code) => { regionCode = code; showChosen(); } }).el);
    showChosen();
  };
  newPicker();
  const region = regionBox;
  const inputs = { username, display_name: display, password, role, region };
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('users.create'));
  const form = h('form.card.user-form', {
    id: 'user-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      Object.values(inputs).forEach((i) => i.removeAttribute('aria-invalid'));
      const body = {
        username: username.value.trim(), password: password.value, role: role.value, region: regionCode,
      };
      if (display.value.trim()) body.display_name = display.value.trim();
      submit.disabled = true;
      submit.textContent = t('users.creating');
      msg.replaceChildren();
      try {
        await API.users.create(body);
        form.reset();
        newPicker();
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
    h('div.field.field-wide', h('span.label', t('users.region')), region, chosen,
      h('p.hint', t('users.regionHint')))),
  msg,
  h('div.form-actions', submit));
  return form;
}
