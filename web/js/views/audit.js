// views/audit.js - the audit log in scope, newest first, filterable by
// action and user; the filter lives in the address (#/audit?action=login)
// so a filtered view can be bookmarked and shared.
import { t, label, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import { h, pagedList, td } from '../dom.js';

const PAGE = 50;

// Actions the server records.  Features add theirs here (and action.<name>
// in web/i18n/*.json); unknown actions still show, under their raw name.
export const ACTIONS = ['login', 'login.failed', 'logout', 'user.create', 'user.passwd', 'user.disable',
  'user.enable', 'region.create', 'region.import',
  'person.search', 'person.view', 'person.reveal', 'person.export', 'person.import', 'person.create', 'person.update',
  'household.create', 'household.update', 'screening.worklist', 'screening.record', 'alert.close', 'report.submit'];

function actionLabel(a) { return label('action', a); }

function detailText(d) {
  if (!d || d === '{}') return '';
  try {
    const o = JSON.parse(d);
    return Object.entries(o).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
  } catch {
    return d;
  }
}

export function render(ctx) {
  const { main, query } = ctx;
  const action = query.get('action') || '';
  const username = query.get('username') || '';

  const actionSel = h('select', { id: 'audit-action', name: 'action' },
    h('option', { value: '' }, t('common.all')),
    [...new Set([...ACTIONS, ...(action ? [action] : [])])]
      .map((a) => h('option', { value: a, selected: a === action }, actionLabel(a))));
  const userInput = h('input', {
    id: 'audit-user', name: 'username', type: 'text', value: username, maxlength: '64',
    placeholder: t('audit.filterUserPlaceholder'), autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
  });
  const go = () => {
    const p = new URLSearchParams();
    if (actionSel.value) p.set('action', actionSel.value);
    if (userInput.value.trim()) p.set('username', userInput.value.trim());
    const s = p.toString();
    location.hash = s ? `#/audit?${s}` : '#/audit';
  };
  actionSel.addEventListener('change', go);
  const filters = h('form.filters', {
    role: 'search',
    onsubmit: (e) => { e.preventDefault(); go(); },
  },
  h('div.field', h('label', { for: 'audit-action' }, t('audit.filterAction')), actionSel),
  h('div.field', h('label', { for: 'audit-user' }, t('audit.filterUser')), userInput),
  h('div.field.field-button', h('button.btn.btn-primary', { type: 'submit' }, t('audit.apply'))),
  action || username ? h('div.field.field-button', h('a.btn.btn-secondary', { href: '#/audit' }, t('common.clear'))) : null);

  const cols = ['audit.at', 'audit.user', 'audit.action', 'audit.object', 'audit.region', 'audit.addr', 'audit.detail'];
  const tbody = h('tbody');
  const table = h('table.data-table.audit-table', { 'data-testid': 'audit' },
    h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, t(c))))), tbody);
  const row = (e) => h('tr', { dataset: { id: e.id, action: e.action } },
    td(t('audit.at'), h('span.nowrap', fmtTime(e.at))),
    td(t('audit.user'), e.user_id === null && e.username === 'cli' ? t('audit.system') : e.username || '—'),
    td(t('audit.action'), h('span.action', actionLabel(e.action))),
    td(t('audit.object'), h('span.code', e.object || '—')),
    td(t('audit.region'), h('span.code', e.region || '—')),
    td(t('audit.addr'), h('span.code', e.addr || '—')),
    td({ label: t('audit.detail'), cls: 'detail' }, detailText(e.detail) || '—'));

  main.replaceChildren(
    h('div.page-head', h('h1', { tabindex: '-1' }, t('audit.title')), h('p.muted', t('audit.intro'))),
    h('section.card', filters, pagedList({
      listEl: tbody,
      box: h('div.table-wrap', table),
      fetchPage: (after) => API.audit.list({ after, action, username, limit: PAGE }),
      renderItems: (items) => items.map(row),
      emptyText: t(action || username ? 'audit.emptyFiltered' : 'audit.empty'),
      isCurrent: ctx.isCurrent,
    })));
}
