// views/supplies.js - the staff pages of supplies, donations and special
// funds, in the caller's home region: the warehouse clerk's stock (receive,
// issue earliest expiry first, count) and requests (approve, reject, pick,
// ship, receive by role), test kits; the donation desk (record, allocate,
// deliver, reverse); finance (allocate, disburse, reverse) and the
// auditor's five checks with the public ledger verified entry by entry.
import { t, label } from '../i18n.js';
import { api, serverToday } from '../api.js';
import { h, notice, errorText, td } from '../dom.js';
import { codes } from '../vocab.js';
import { regionPicker } from './regionpick.js';
import { verifyInclusion, leafHash, parseCheckpoint, b64 } from '../merkle.js';

const yuan = (fen) => (fen === null || fen === undefined ? '—' : (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 }));
const fen = (v) => Math.round(Number(v) * 100);
const dayText = (d) => (d === null || d === undefined ? '—' : new Date(d * 86400e3).toISOString().slice(0, 10));

// A form of labelled fields: [name, labelKey, {type, options, required}]; on
// submit calls send(values) and shows what it answered.
function form(titleKey, fields, send) {
  const out = h('div.form-result', { role: 'status' });
  const inputs = {};
  const rows = fields.map(([name, key, opt = {}]) => {
    const id = `f-${titleKey}-${name}`.replace(/\./g, '-');
    let el;
    if (opt.scope) {
      // a region inside the user's own, picked by name level by level
      el = h('input', { id, name, type: 'hidden', value: opt.scope.code });
      inputs[name] = el;
      return h('fieldset.field.region-field', h('legend', t(key)),
        regionPicker({ scope: opt.scope, idPrefix: id, firstLabel: t('supplies.pick.here'), onChange: (code) => { el.value = code; } }).el, el);
    }
    if (opt.options) {
      el = h('select', { id, name }, opt.options.map(([v, text]) => h('option', { value: v }, text)));
    } else if (opt.type === 'checkbox') {
      el = h('input', { id, name, type: 'checkbox' });
    } else {
      el = h('input', { id, name, type: opt.type || 'text', required: opt.required !== false, inputmode: opt.type === 'number' ? 'decimal' : undefined, value: opt.value });
    }
    inputs[name] = el;
    return h('div.field', h('label', { for: id }, t(key)), el);
  });
  const f = h('form.card', {
    onsubmit: async (e) => {
      e.preventDefault();
      const v = {};
      for (const [k, el] of Object.entries(inputs)) v[k] = el.type === 'checkbox' ? el.checked : el.value.trim();
      try {
        const r = await send(v);
        out.replaceChildren(notice('success', r || t('supplies.form.done')));
      } catch (err) {
        out.replaceChildren(notice('error', errorText(err)));
      }
    },
  }, h('h2', t(titleKey)), rows, h('button.btn.btn-primary', { type: 'submit' }, t('supplies.form.submit')), out);
  return f;
}

function table(cols, rows, testid) {
  return h('div.table-wrap', h('table.data-table', { 'data-testid': testid },
    h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, t(c))))), h('tbody', rows)));
}

const num = (v) => (v === '' ? undefined : Number(v));

// ---- stock and requests ----

async function stockPage(ctx) {
  const region = ctx.me.user.region;
  const [stock, whs, items, reqs, kits, serving] = await Promise.all([
    api('GET', `/stock?region=${region}&limit=500`), api('GET', `/warehouses?region=${region}&limit=200`), api('GET', '/items'),
    api('GET', `/requests?region=${region}&limit=50`), api('GET', `/kits?region=${region}`), api('GET', `/warehouses/serving?region=${region}`)]);
  const servingOpts = serving.items.map((w) => [w.id, `${w.name} · ${w.region_name || w.region}`]);
  const whOpts = whs.items.map((w) => [w.id, `${w.name} · ${w.region_name || w.region}`]);
  const itemOpts = items.items.map((i) => [i.id, `${i.name}${i.standard ? ` (${i.standard})` : ''}`]);
  const rows = stock.items.map((s) => h('tr', { dataset: { item: s.item_id } },
    td(t('supplies.stock.warehouse'), h('bdi', s.warehouse)),
    td(t('supplies.stock.item'), h('bdi', s.item)),
    td(t('supplies.stock.onHand'), `${s.on_hand} ${s.unit}`),
    td(t('supplies.stock.used7d'), String(s.used_7d)),
    td(t('supplies.stock.daysOfSupply'), s.days_of_supply === null ? '—' : s.days_of_supply.toFixed(1)),
    td(t('supplies.stock.lots'), h('div.stock-flags',
      s.low ? h('span.badge-warn', t('supplies.stock.low')) : null,
      s.expired_lots ? h('span.badge-warn', t('supplies.stock.expired', { n: s.expired_lots })) : null,
      s.expiring_lots ? h('span.badge-warn', t('supplies.stock.expiring', { n: s.expiring_lots })) : null,
      h('div.muted', s.lots.map((l) => (l.expiry ? t('supplies.stock.lotLine', { lot: l.lot_no, qty: l.on_hand, expiry: l.expiry }) : t('supplies.stock.lotNoExpiry', { lot: l.lot_no, qty: l.on_hand }))).join(' · '))))));
  const lotOpts = stock.items.flatMap((s) => s.lots.map((l) => [`${s.warehouse_id}:${l.lot_id}`, `${s.warehouse} · ${s.item} · ${l.lot_no}`]));
  const forms = ctx.can('stock.write') ? h('div.supplies-forms',
    form('supplies.form.receive', [['warehouse_id', 'supplies.stock.warehouse', { options: whOpts }], ['item_id', 'supplies.stock.item', { options: itemOpts }],
      ['lot_no', 'supplies.form.lotNo'], ['expiry', 'supplies.form.expiry', { type: 'date', required: false }], ['qty', 'supplies.form.qty', { type: 'number' }]],
    (v) => api('POST', '/stock/receipts', { warehouse_id: num(v.warehouse_id), item_id: num(v.item_id), lot_no: v.lot_no, expiry: v.expiry || undefined, qty: num(v.qty) })),
    form('supplies.form.issue', [['warehouse_id', 'supplies.stock.warehouse', { options: whOpts }], ['item_id', 'supplies.stock.item', { options: itemOpts }],
      ['qty', 'supplies.form.qty', { type: 'number' }], ['to', 'supplies.form.to']],
    async (v) => {
      const r = await api('POST', '/stock/issues', { warehouse_id: num(v.warehouse_id), item_id: num(v.item_id), qty: num(v.qty), to: v.to });
      return t('supplies.form.issued', { lots: r.lots.map((l) => `${l.lot_no} × ${l.qty}`).join(', ') });
    }),
    form('supplies.form.count', [['lot', 'supplies.form.lot', { options: lotOpts }], ['counted', 'supplies.form.counted', { type: 'number' }]],
      (v) => {
        const [w, l] = v.lot.split(':').map(Number);
        return api('POST', '/stock/counts', { warehouse_id: w, lines: [{ lot_id: l, counted: num(v.counted) }] });
      })) : null;
  const move = (id, to, extra = {}) => async () => {
    try {
      await api('POST', `/requests/${id}/transitions`, { to, ...extra });
      render(ctx);
    } catch (err) { window.alert(errorText(err)); }
  };
  // everything shipped and not yet accounted for arrived
  const receiveAll = (id) => async () => {
    try {
      const q = await api('GET', `/requests/${id}`);
      const lines = q.lines.map((l) => ({ item_id: l.item_id, qty: l.shipped - l.received - l.damaged }));
      await api('POST', `/requests/${id}/transitions`, { to: 'received', lines });
      render(ctx);
    } catch (err) { window.alert(errorText(err)); }
  };
  const requestForm = ctx.can('supply.request') ? h('div.supplies-forms',
    form('supplies.req.new', [['warehouse_id', 'supplies.stock.warehouse', { options: servingOpts }], ['item_id', 'supplies.stock.item', { options: itemOpts }],
      ['qty', 'supplies.form.qty', { type: 'number' }], ['reason', 'supplies.req.reason'], ['needed_by', 'supplies.req.neededBy', { type: 'date', value: serverToday() }]],
    (v) => api('POST', '/requests', { region, warehouse_id: num(v.warehouse_id), reason: v.reason, needed_by: v.needed_by,
      lines: [{ item_id: num(v.item_id), qty: num(v.qty) }] }))) : null;
  const reqRows = reqs.items.map((q) => h('tr', { dataset: { request: q.id } },
    td(t('supplies.req.region'), h('bdi', q.region_name || q.region)),
    td(t('supplies.req.reason'), h('bdi', q.reason)),
    td(t('supplies.req.state'), label('supplies.reqState', q.state)),
    td(t('supplies.actions'), h('div.row-actions',
      q.state === 'submitted' && ctx.can('supply.approve') ? h('button.btn.btn-small', { type: 'button', onclick: move(q.id, 'approved') }, t('supplies.req.approve')) : null,
      q.state === 'submitted' && ctx.can('supply.approve') ? h('button.btn.btn-small.btn-secondary', { type: 'button', onclick: () => { const n = window.prompt(t('supplies.req.rejectReason')); if (n) move(q.id, 'rejected', { note: n })(); } }, t('supplies.req.reject')) : null,
      q.state === 'approved' && ctx.can('stock.write') ? h('button.btn.btn-small', { type: 'button', onclick: move(q.id, 'picked') }, t('supplies.req.pick')) : null,
      q.state === 'picked' && ctx.can('stock.write') ? h('button.btn.btn-small', { type: 'button', onclick: move(q.id, 'shipped') }, t('supplies.req.ship')) : null,
      (q.state === 'shipped' || q.state === 'partially_received') && ctx.can('supply.request') ? h('button.btn.btn-small', { type: 'button', onclick: receiveAll(q.id) }, t('supplies.req.receiveAll')) : null,
      ['created', 'submitted', 'approved'].includes(q.state) && ctx.can('supply.request') ? h('button.btn.btn-small.btn-secondary', { type: 'button', onclick: move(q.id, 'cancelled') }, t('supplies.req.cancel')) : null))));
  const kitRows = kits.items.map((k) => h('tr',
    td(t('supplies.kits.item'), h('bdi', k.item)), td(t('supplies.kits.received'), String(k.kits_received)),
    td(t('supplies.kits.possible'), String(k.tests_possible)), td(t('supplies.kits.recorded'), String(k.tests_recorded)),
    td(t('supplies.kits.unaccounted'), String(k.unaccounted))));
  return [
    h('section.card', h('h2', t('supplies.tab.stock')), stock.items.length
      ? table(['supplies.stock.warehouse', 'supplies.stock.item', 'supplies.stock.onHand', 'supplies.stock.used7d', 'supplies.stock.daysOfSupply', 'supplies.stock.lots'], rows, 'stock')
      : h('p.muted', t('supplies.stock.none'))),
    forms,
    requestForm,
    h('section.card', h('h2', t('supplies.tab.requests')), reqs.items.length
      ? table(['supplies.req.region', 'supplies.req.reason', 'supplies.req.state', 'supplies.actions'], reqRows, 'requests') : h('p.muted', t('supplies.req.none'))),
    h('section.card', h('h2', t('supplies.tab.kits')),
      table(['supplies.kits.item', 'supplies.kits.received', 'supplies.kits.possible', 'supplies.kits.recorded', 'supplies.kits.unaccounted'], kitRows, 'kits')),
  ];
}

// ---- donations ----

async function donationsPage(ctx) {
  const region = ctx.me.user.region;
  const [dons, allocs] = await Promise.all([api('GET', `/donations?region=${region}&limit=100`), api('GET', `/donations/allocations?region=${region}&limit=200`)]);
  const what = (d) => (d.kind === 'money' ? `¥${yuan(d.amount_fen)}` : `${d.item} × ${d.qty}`);
  const rows = dons.items.map((d) => h('tr', { dataset: { donation: d.id } },
    td(t('supplies.don.donor'), d.donor ? h('bdi', d.donor) : t('supplies.don.private')),
    td(t('supplies.don.what'), what(d)),
    td(t('supplies.don.allocated'), d.kind === 'money' ? `¥${yuan(d.allocated)}` : String(d.allocated)),
    td(t('supplies.don.purpose'), h('bdi', d.designated_purpose || '—')),
    td(t('supplies.public.verify'), t('supplies.public.index', { index: d.ledger_index }))));
  const allocRows = allocs.items.map((a) => h('tr', { dataset: { allocation: a.id } },
    td(t('supplies.don.recipient'), h('bdi', `${a.to_region_name || a.to_region} · ${a.recipient}`)),
    td(t('supplies.amount'), a.donation_kind === 'money' ? `¥${yuan(a.amount)}` : String(a.amount)),
    td(t('supplies.don.purpose'), h('bdi', a.purpose)),
    td(t('supplies.actions'), ctx.can('supply.approve') && !a.reverses ? h('div.row-actions',
      h('button.btn.btn-small.btn-secondary', { type: 'button', onclick: async () => {
        const reason = window.prompt(t('supplies.don.reason'));
        if (!reason) return;
        try { await api('POST', `/donations/allocations/${a.id}/reverse`, { reason }); render(ctx); } catch (err) { window.alert(errorText(err)); }
      } }, t('supplies.don.reverse'))) : (a.reverses ? t('supplies.reverses', { id: a.reverses, reason: a.reason || '' }) : '—'))));
  const desk = ctx.can('supply.approve') ? h('div.supplies-forms',
    form('supplies.don.receive', [['donor_kind', 'supplies.don.donorKind', { options: codes('donor_kinds').map((c) => [c, label('supplies.donorKind', c)]) }],
      ['donor_name', 'supplies.don.donorName'], ['amount', 'supplies.don.amount', { type: 'number' }], ['voucher', 'supplies.don.voucher'],
      ['receipt_no', 'supplies.don.receiptNo'], ['received_on', 'supplies.don.receivedOn', { type: 'date', value: serverToday() }],
      ['designated_region', 'supplies.don.designatedRegion', { required: false }], ['designated_purpose', 'supplies.don.designatedPurpose', { required: false }],
      ['emergency', 'supplies.don.emergency', { type: 'checkbox' }]],
    async (v) => {
      const r = await api('POST', '/donations', { region, donor_kind: v.donor_kind, donor_name: v.donor_name, kind: 'money', amount_fen: fen(v.amount), voucher: v.voucher,
        receipt_no: v.receipt_no, received_on: v.received_on, emergency: v.emergency, designated_region: v.designated_region || undefined, designated_purpose: v.designated_purpose || undefined });
      return t('supplies.don.saltNote', { index: r.ledger_index, salt: r.salt });
    }),
    form('supplies.don.allocate', [['donation_id', 'supplies.don.what', { options: dons.items.map((d) => [d.id, `${d.receipt_no} · ${what(d)}`]) }],
      ['to_region', 'supplies.don.toRegion', { scope: ctx.me.scope }], ['recipient', 'supplies.don.recipient'], ['amount', 'supplies.amount', { type: 'number' }], ['purpose', 'supplies.don.purpose']],
    (v) => {
      const d = dons.items.find((x) => String(x.id) === v.donation_id);
      return api('POST', '/donations/allocations', { donation_id: num(v.donation_id), to_region: v.to_region, recipient: v.recipient,
        amount: d && d.kind === 'money' ? fen(v.amount) : num(v.amount), purpose: v.purpose });
    })) : null;
  return [
    desk,
    h('section.card', h('h2', t('supplies.don.title')), dons.items.length
      ? table(['supplies.don.donor', 'supplies.don.what', 'supplies.don.allocated', 'supplies.don.purpose', 'supplies.public.verify'], rows, 'donations') : h('p.muted', t('supplies.don.none'))),
    h('section.card', h('h2', t('supplies.don.allocate')), table(['supplies.don.recipient', 'supplies.amount', 'supplies.don.purpose', 'supplies.actions'], allocRows, 'allocations')),
  ];
}

// ---- funds and audit ----

async function verifyAll(out) {
  out.replaceChildren('…');
  const cp = parseCheckpoint(await (await fetch('/api/v1/ledger/checkpoint', { cache: 'no-store' })).text());
  let n = 0;
  for (let start = 0; start < cp.size; start += 1000) {
    const page = await (await fetch(`/api/v1/ledger/entries?start=${start}&limit=1000`)).json();
    for (const e of page.entries.filter((x) => x.index < cp.size)) {
      const proof = await (await fetch(`/api/v1/ledger/proof/inclusion?index=${e.index}&size=${cp.size}`)).json();
      if (!(await verifyInclusion(await leafHash(b64.decode(e.leaf)), e.index, cp.size, proof.path.map(b64.decode), cp.root))) {
        out.replaceChildren(notice('error', t('supplies.audit.verifyFailed', { index: e.index })));
        return;
      }
      n++;
    }
  }
  out.replaceChildren(notice('success', t('supplies.audit.verifyResult', { n, size: cp.size })));
}

async function fundsPage(ctx) {
  const region = ctx.me.user.region;
  const [allocs, entries, audit] = await Promise.all([api('GET', `/funds/allocations?region=${region}&limit=200`),
    api('GET', `/funds/entries?region=${region}&limit=100`), api('GET', `/funds/audit?region=${region}`)]);
  const purposeOpts = codes('fund_purposes').map((c) => [c, label('supplies.purpose', c)]);
  const allocOpts = allocs.items.map((a) => [a.id, `${a.region_name} · ${label('supplies.purpose', a.purpose)} · ${a.doc_no}`]);
  const rows = allocs.items.map((a) => h('tr', { dataset: { allocation: a.id } },
    td(t('supplies.region'), h('bdi', a.region_name || a.region), a.parent_id ? null : h('span.muted', t('supplies.fund.appropriation'))),
    td(t('supplies.fund.purpose'), label('supplies.purpose', a.purpose)),
    td(t('supplies.fund.amount'), `¥${yuan(a.amount_fen)}`), td(t('supplies.fund.passed'), `¥${yuan(a.passed_fen)}`),
    td(t('supplies.fund.spent'), `¥${yuan(a.spent_fen)}`), td(t('supplies.fund.balance'), `¥${yuan(a.balance_fen)}`),
    td(t('supplies.fund.docNo'), h('bdi', a.doc_no))));
  const entryRows = entries.items.map((e) => h('tr', { dataset: { entry: e.id } },
    td(t('supplies.day'), dayText(e.day)), td(t('supplies.fund.purpose'), label('supplies.purpose', e.purpose)),
    td(t('supplies.fund.amount'), `¥${yuan(e.amount_fen)}`), td(t('supplies.fund.payee'), h('bdi', e.payee)),
    td(t('supplies.actions'), ctx.can('fund.write') && !e.reverses ? h('button.btn.btn-small.btn-secondary', { type: 'button', onclick: async () => {
      const reason = window.prompt(t('supplies.don.reason'));
      if (!reason) return;
      try { await api('POST', `/funds/entries/${e.id}/reverse`, { reason }); render(ctx); } catch (err) { window.alert(errorText(err)); }
    } }, t('supplies.fund.reverse')) : (e.reverses ? t('supplies.reverses', { id: e.reverses, reason: e.reason || '' }) : '—'))));
  const forms = ctx.can('fund.write') ? h('div.supplies-forms',
    form('supplies.fund.allocate', [['region', 'supplies.fund.region', { scope: ctx.me.scope }], ['parent_id', 'supplies.fund.parent', { options: [['', '—'], ...allocOpts] }],
      ['purpose', 'supplies.fund.purpose', { options: purposeOpts }], ['amount', 'supplies.fund.amount', { type: 'number' }], ['doc_no', 'supplies.fund.docNo']],
    (v) => api('POST', '/funds/allocations', { region: v.region, parent_id: num(v.parent_id), purpose: v.purpose, amount_fen: fen(v.amount), doc_no: v.doc_no })),
    form('supplies.fund.disburse', [['allocation_id', 'supplies.fund.parent', { options: allocOpts }], ['purpose', 'supplies.fund.purpose', { options: purposeOpts }],
      ['amount', 'supplies.fund.amount', { type: 'number' }], ['payee', 'supplies.fund.payee'],
      ['payee_kind', 'supplies.fund.payeeKind', { options: codes('payee_kinds').map((c) => [c, label('supplies.payeeKind', c)]) }],
      ['voucher', 'supplies.fund.voucher'], ['approver', 'supplies.fund.approver'],
      ['persons', 'supplies.fund.persons', { type: 'number', required: false }], ['rate', 'supplies.fund.rate', { type: 'number', required: false }]],
    (v) => api('POST', '/funds/disbursements', { allocation_id: num(v.allocation_id), purpose: v.purpose, amount_fen: fen(v.amount), payee: v.payee,
      payee_kind: v.payee_kind, voucher: v.voucher, approver: v.approver, persons: num(v.persons), rate_fen: v.rate ? fen(v.rate) : undefined }))) : null;
  const verifyOut = h('div', { role: 'status' });
  const checks = h('section.card', { 'data-testid': 'five-checks' }, h('h2', t('supplies.audit.title')),
    audit.checks.map((c) => h(`div.card.audit-check.${c.ok ? 'ok' : 'bad'}`, { dataset: { check: c.check } },
      h('strong', t(`supplies.audit.check.${c.check}`)), ' · ', c.ok ? t('supplies.audit.ok') : t('supplies.audit.findings', { n: c.findings.length }),
      c.findings.length ? h('ul', c.findings.slice(0, 20).map((f) => h('li', h('bdi', Object.values(f).join(' · '))))) : null)),
    h('h2', t('supplies.audit.ledger')),
    h('button.btn.btn-secondary', { type: 'button', 'data-testid': 'verify-all', onclick: () => verifyAll(verifyOut).catch(() => verifyOut.replaceChildren(notice('error', t('supplies.public.failed')))) }, t('supplies.audit.verifyAll')),
    verifyOut, h('p', h('a.link', { href: '#/public' }, t('supplies.public.link'))));
  return [
    forms,
    h('section.card', h('h2', t('supplies.fund.title')), allocs.items.length
      ? table(['supplies.region', 'supplies.fund.purpose', 'supplies.fund.amount', 'supplies.fund.passed', 'supplies.fund.spent', 'supplies.fund.balance', 'supplies.fund.docNo'], rows, 'fund-allocations')
      : h('p.muted', t('supplies.fund.none'))),
    h('section.card', h('h2', t('supplies.fund.entries')), table(['supplies.day', 'supplies.fund.purpose', 'supplies.fund.amount', 'supplies.fund.payee', 'supplies.actions'], entryRows, 'fund-entries')),
    checks,
  ];
}

const PAGES = { supplies: [stockPage, 'supplies.title', 'supplies.intro'], donations: [donationsPage, 'supplies.don.title', 'supplies.don.intro'], funds: [fundsPage, 'supplies.fund.title', 'supplies.fund.intro'] };

async function render(ctx) {
  const [page, titleKey, introKey] = PAGES[ctx.page];
  const head = h('div.page-head', h('h1', { tabindex: '-1' }, t(titleKey)), h('p.muted', t(introKey)));
  ctx.main.replaceChildren(head, h('p.muted', '…'));
  try {
    const parts = await page(ctx);
    if (ctx.isCurrent()) ctx.main.replaceChildren(head, ...parts.filter(Boolean));
  } catch (err) {
    if (ctx.isCurrent()) ctx.main.replaceChildren(head, notice('error', errorText(err)));
  }
}

export const renderStock = (ctx) => render({ ...ctx, page: 'supplies' });
export const renderDonations = (ctx) => render({ ...ctx, page: 'donations' });
export const renderFunds = (ctx) => render({ ...ctx, page: 'funds' });
