// views/audit.js - the audit log in scope, newest first, filterable by
// action and user; the filter lives in the address (#/audit?action=login)
// so a filtered view can be bookmarked and shared.
import { t, has, label, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import { h, pagedList, td } from '../dom.js';

const PAGE = 50;

// Actions the server records: the audit column of `fangkong routes --json`
// and those the CLI writes (region.import).  Features add theirs here (and
// action.<name> in web/i18n/*.json); unknown actions still show, raw.
export const ACTIONS = ['login', 'login.failed', 'login.locked', 'login.unlocked', 'logout', 'password.change',
  'user.create', 'user.passwd', 'user.disable', 'user.enable', 'region.create', 'region.import',
  'person.search', 'person.view', 'person.reveal', 'person.export', 'person.import', 'person.create', 'person.update',
  'household.create', 'household.update', 'screening.worklist', 'screening.record', 'alert.close', 'report.submit',
  'case.search', 'case.view', 'case.create', 'case.transition', 'contact.search', 'contact.create',
  'followup.record', 'observation.release', 'observation.resume', 'site.create',
  'session.end', 'user.sessions_end', 'purge',
  // hotline
  'ticket.create', 'ticket.message', 'ticket.view', 'ticket.search', 'ticket.answer', 'ticket.dispatch', 'ticket.sign',
  'ticket.start', 'ticket.wait', 'ticket.resume', 'ticket.reply', 'ticket.return', 'ticket.extend',
  'ticket.approve_extension', 'ticket.refuse_extension', 'ticket.callback', 'ticket.close', 'ticket.merge',
  'ticket.not_responsible', 'ticket.reopen', 'ticket.chase', 'ticket.note', 'ticket.alert', 'ticket.reveal', 'answer.create', 'doctor.team',
  'doctor.create', 'doctor.shift', 'calendar.set', 'limits.set',
  // supplies, donations and special funds
  'item.create', 'warehouse.create', 'stock.receive', 'stock.issue', 'stock.adjust', 'stock.count', 'request.create',
  'request.transition', 'kit.tests', 'donation.receive', 'donation.allocate', 'donation.deliver', 'donation.reverse',
  'fund.allocate', 'fund.disburse', 'fund.reverse',
  // mobilisation, supervision and announcements
  'volunteer.search', 'volunteer.view', 'volunteer.certificate', 'volunteer.create', 'volunteer.register', 'volunteer.update',
  'volunteer.approve', 'volunteer.refuse', 'duty_report.create', 'pledge.create', 'pledge.assign', 'team.create',
  'post.create', 'shift.create', 'shift.assign', 'shift.certify', 'shift.checkin', 'shift.checkout',
  'hours.correction', 'hours.accept', 'hours.refuse', 'task.create', 'task.state', 'inspection.create',
  'finding.rectify', 'finding.verify', 'finding.reopen', 'finding.chase', 'finding.photo', 'notice.create',
  'announcement.send',
  // exports, the command centre's bulletins and maps
  'case.export', 'contact.export', 'observation.export', 'coverage.export', 'report.export',
  'bulletin.draft', 'bulletin.approve', 'region.shapes'];

function actionLabel(a) { return label('action', a); }

// A region's name where people read (its code beside it): asked once per
// code while the page lives; a code the server does not answer stays a code.
const regionNames = new Map();
function regionCell(code) {
  const el = h('bdi', { title: code }, h('span.code', code));
  if (!regionNames.has(code)) regionNames.set(code, API.regions.get(code).then((r) => r.name).catch(() => null));
  regionNames.get(code).then((name) => { if (name) el.replaceChildren(name, ' ', h('span.code.muted', code)); });
  return el;
}

// "user:keeper" → "用户 keeper", "cases" → "病例列表"; kinds without a label stay as they are.
function objectText(o) {
  if (!o) return '—';
  const i = o.indexOf(':');
  if (i < 0) return has(`object.${o}`) ? t(`object.${o}`) : o; // a search: the list searched
  if (!has(`object.${o.slice(0, i)}`)) return o;
  return `${t(`object.${o.slice(0, i)}`)} ${o.slice(i + 1)}`;
}

// A detail's value as words: yes/no, lists joined, codes labelled where a
// label exists (a role, an outcome), nested objects as their own fields.
function valueText(k, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no');
  if (Array.isArray(v)) return v.map((x) => valueText(k, x)).join(t('common.listSep'));
  if (typeof v === 'object') return Object.entries(v).map(([kk, vv]) => `${keyText(kk)} ${valueText(kk, vv)}`).join(t('common.listSep'));
  if (k === 'role' && has(`role.${v}`)) return t(`role.${v}`);
  if (k === 'outcome' && has(`outcome.${v}`)) return t(`outcome.${v}`);
  return String(v);
}

function keyText(k) { return has(`detail.${k}`) ? t(`detail.${k}`) : k; }

// The detail JSON as labelled fields, never raw JSON.
function detailEl(d) {
  if (!d || d === '{}') return '—';
  let o;
  try { o = JSON.parse(d); } catch { return h('bdi', d); }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return h('bdi', valueText('', o));
  return h('dl.detail-fields', Object.entries(o).map(([k, v]) => h('div',
    h('dt', keyText(k)), h('dd', h('bdi', valueText(k, v))))));
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
    td(t('audit.user'), e.user_id === null && e.username === 'cli' ? t('audit.system') : h('bdi', e.username || '—')),
    td(t('audit.action'), h('span.action', { title: e.action }, actionLabel(e.action))),
    td(t('audit.object'), h('bdi.object', { title: e.object || '' }, objectText(e.object))),
    td(t('audit.region'), e.region ? regionCell(e.region) : '—'),
    td(t('audit.addr'), h('span.code', e.addr || '—')),
    td({ label: t('audit.detail'), cls: 'detail' }, detailEl(e.detail)));

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
