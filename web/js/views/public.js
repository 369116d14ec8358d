// views/public.js - the public notice of donations and special funds,
// for anyone, without signing in: read from the public ledger itself, each
// line with its ledger index and a "verify" button that checks the entry's
// inclusion proof in this browser (merkle.js, WebCrypto) against the signed
// checkpoint; corrections next to what they correct; a donor finds their
// own gift with the index and salt on their receipt.  Phone width first;
// prints as a plain list.
import { t } from '../i18n.js';
import { h, icon, notice } from '../dom.js';
import { verifyEntry, parseCheckpoint, b64 } from '../merkle.js';

const PAGES = 20; // at most 20,000 entries are drawn

const yuan = (fen) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

async function getJSON(p) {
  const r = await fetch(`/api/v1${p}`, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${p}: ${r.status}`);
  return r.json();
}

// Every entry of the log, oldest first (bounded).
async function allEntries() {
  const out = [];
  for (let page = 0; page < PAGES; page++) {
    const r = await getJSON(`/ledger/entries?start=${out.length}&limit=1000`);
    out.push(...r.entries);
    if (r.entries.length < 1000) break;
  }
  return out;
}

// The verify button of entry index and where its result goes.
function verifyButton(index) {
  const out = h('span.verify-result', { role: 'status' });
  const btn = h('button.btn.btn-small.btn-secondary.verify', {
    type: 'button', dataset: { index },
    onclick: async () => {
      btn.disabled = true;
      out.className = 'verify-result';
      out.textContent = '…';
      try {
        const v = await verifyEntry(index);
        out.className = `verify-result ${v.ok ? 'ok' : 'bad'}`;
        out.textContent = v.ok ? t(v.signature ? 'supplies.public.verified' : 'supplies.public.verifiedNoSig', { size: v.size })
          : t(v.reason === 'pending' ? 'supplies.public.pending' : 'supplies.public.failed');
      } catch {
        out.className = 'verify-result bad';
        out.textContent = t('supplies.public.failed');
      }
      btn.disabled = false;
    },
  }, icon('shield'), h('span', t('supplies.public.verify')));
  return h('span.verify-box', h('span.idx', t('supplies.public.index', { index })), btn, out);
}

const what = (e) => (e.donation_kind === 'money' ? t('supplies.public.money', { amount: yuan(e.amount_fen) })
  : t('supplies.public.goods', { item: e.item, qty: e.qty }));

// Donations by day received, each with where it went.
function donationsSection(entries) {
  const receipts = entries.filter((x) => x.kind === 'donation.receipt');
  const byAlloc = new Map();
  const allocs = entries.filter((x) => x.kind === 'donation.allocation' || x.kind === 'donation.reversal');
  const deliveries = entries.filter((x) => x.kind === 'donation.delivery');
  const correctedBy = new Map(allocs.filter((a) => a.entry.reverses_index !== undefined).map((a) => [a.entry.reverses_index, a]));
  for (const a of allocs) {
    const k = a.entry.donation;
    if (!byAlloc.has(k)) byAlloc.set(k, []);
    byAlloc.get(k).push(a);
  }
  const days = new Map();
  for (const r of receipts) {
    const d = r.entry.received_on;
    if (!days.has(d)) days.set(d, []);
    days.get(d).push(r);
  }
  const dayEls = [...days.entries()].sort((a, b) => (a[0] < b[0] ? 1 : -1)).map(([d, rs]) => h('section.pub-day',
    h('h3', d),
    h('ul.pub-list', rs.map((r) => {
      const e = r.entry;
      const donor = e.donor_kind === 'organisation' ? e.donor : t('supplies.public.anonymous');
      const sub = (byAlloc.get(e.donation) || []).map((a) => {
        const x = a.entry;
        const fix = correctedBy.get(a.index);
        const del = deliveries.find((dv) => dv.entry.allocation_index === a.index);
        return h(x.reverses ? 'li.pub-alloc.pub-reversal' : fix ? 'li.pub-alloc.pub-corrected' : 'li.pub-alloc',
          h('div', h('bdi', t('supplies.public.to', { region: x.to_region_name, recipient: x.recipient })), ' · ',
            e.donation_kind === 'money' ? t('supplies.public.money', { amount: yuan(x.amount) }) : `${x.amount}`, ' · ', h('bdi', x.purpose), ' · ', x.day),
          x.reverses ? h('div.pub-note', t('supplies.public.corrects', { index: x.reverses_index, reason: x.reason })) : null,
          fix ? h('div.pub-note', t('supplies.public.corrected', { index: fix.index })) : null,
          del ? h('div.pub-note', t('supplies.public.delivered', { who: del.entry.signed_by, day: del.entry.delivered_on }),
            del.entry.late ? h('span.badge.badge-warn', t('supplies.public.late')) : null) : null,
          verifyButton(a.index));
      });
      return h('li.pub-receipt', { dataset: { index: r.index } },
        h('div.pub-line', h('strong', h('bdi', donor)), ' · ', what(e), ' · ', h('bdi', e.region_name),
          e.late ? h('span.badge.badge-warn', t('supplies.public.late')) : null),
        e.designated_region || e.designated_purpose
          ? h('div.pub-note', t('supplies.public.designated', { to: [e.designated_region, e.designated_purpose].filter(Boolean).join(' · ') })) : null,
        verifyButton(r.index),
        sub.length ? h('ul.pub-sub', sub) : null);
    }))));
  return h('section.card.pub-section', { 'data-testid': 'pub-donations' }, h('h2', t('supplies.public.donations')),
    dayEls.length ? dayEls : h('p.muted', t('supplies.public.none')));
}

// Funds: allocations by purpose and level, with what was spent.
function fundsSection(entries) {
  const allocs = entries.filter((x) => x.kind === 'fund.allocation');
  const pays = entries.filter((x) => x.kind === 'fund.disbursement' || x.kind === 'fund.reversal');
  const spent = new Map();
  for (const p of pays) spent.set(p.entry.allocation, (spent.get(p.entry.allocation) || 0) + p.entry.amount_fen);
  const byPurpose = new Map();
  for (const a of allocs) {
    const k = a.entry.purpose;
    if (!byPurpose.has(k)) byPurpose.set(k, []);
    byPurpose.get(k).push(a);
  }
  const groups = [...byPurpose.entries()].map(([purpose, as]) => h('section.pub-day',
    h('h3', t(`supplies.purpose.${purpose}`)),
    h('div.table-wrap', h('table.data-table.pub-funds',
      h('thead', h('tr', [t('supplies.public.level'), t('supplies.public.allocated'), t('supplies.public.spent'), t('supplies.fund.docNo'), t('supplies.public.verify')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', as.sort((x, y) => x.entry.region.length - y.entry.region.length || x.index - y.index).map((a) => h('tr',
        h('td', h('bdi', a.entry.region_name), a.entry.from_region_name ? h('div.muted', t('supplies.public.from', { region: a.entry.from_region_name })) : null),
        h('td.num', `¥${yuan(a.entry.amount_fen)}`),
        h('td.num', `¥${yuan(spent.get(a.entry.fund_allocation) || 0)}`),
        h('td', h('bdi', a.entry.doc_no)),
        h('td', verifyButton(a.index)))))))));
  const payList = h('ul.pub-list', pays.slice(-50).reverse().map((p) => h(p.kind === 'fund.reversal' ? 'li.pub-reversal' : 'li',
    h('div.pub-line', p.entry.day, ' · ', t(`supplies.purpose.${p.entry.purpose}`), ' · ', `¥${yuan(p.entry.amount_fen)}`, ' · ',
      h('bdi', p.entry.payee || t(`supplies.payeeKind.${p.entry.payee_kind || 'person'}`))),
    p.entry.reverses ? h('div.pub-note', t('supplies.public.corrects', { index: p.entry.reverses_index, reason: p.entry.reason })) : null,
    verifyButton(p.index))));
  return h('section.card.pub-section', { 'data-testid': 'pub-funds' }, h('h2', t('supplies.public.funds')),
    groups.length ? groups : h('p.muted', t('supplies.public.none')),
    pays.length ? h('h3', t('supplies.fund.entries')) : null, pays.length ? payList : null);
}

// The donor's own check: SHA-256(salt ‖ name) against the entry's commitment.
function findSection() {
  const idx = h('input', { id: 'find-index', type: 'number', min: '0', inputmode: 'numeric', required: true });
  const salt = h('input', { id: 'find-salt', type: 'text', required: true, autocomplete: 'off', spellcheck: 'false' });
  const name = h('input', { id: 'find-name', type: 'text', required: true, autocomplete: 'off' });
  const out = h('div.find-result', { role: 'status' });
  const form = h('form.pub-find', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      const index = Number(idx.value);
      try {
        const page = await getJSON(`/ledger/entries?start=${index}&limit=1`);
        const e = page.entries[0];
        const hex = salt.value.trim();
        const bytes = new Uint8Array(hex.match(/../g).map((x) => parseInt(x, 16)));
        const nameBytes = new TextEncoder().encode(name.value.trim());
        const both = new Uint8Array(bytes.length + nameBytes.length);
        both.set(bytes);
        both.set(nameBytes, bytes.length);
        const got = [...new Uint8Array(await crypto.subtle.digest('SHA-256', both))].map((x) => x.toString(16).padStart(2, '0')).join('');
        if (!e || e.index !== index || e.entry.donor_commit !== got) {
          out.replaceChildren(notice('error', t('supplies.public.notFound')));
          return;
        }
        out.replaceChildren(notice('success', t('supplies.public.found')), h('p', what(e.entry), ' · ', h('bdi', e.entry.region_name)), verifyButton(index));
      } catch {
        out.replaceChildren(notice('error', t('supplies.public.notFound')));
      }
    },
  },
  h('p.muted', t('supplies.public.findIntro')),
  h('div.field', h('label', { for: 'find-index' }, t('supplies.public.findIndex')), idx),
  h('div.field', h('label', { for: 'find-salt' }, t('supplies.public.findSalt')), salt),
  h('div.field', h('label', { for: 'find-name' }, t('supplies.public.findName')), name),
  h('div.field.field-button', h('button.btn.btn-primary', { type: 'submit' }, t('supplies.public.findGo'))));
  return h('section.card.pub-section.no-print', h('h2', t('supplies.public.find')), form, out);
}

// Draws the page into root; langButton switches the language (redraws).
export async function render({ root, langButton }) {
  document.title = `${t('supplies.public.title')} · ${t('app.name')}`;
  document.body.className = 'page-public';
  const main = h('main.pub-main', { id: 'main', tabindex: '-1' }, h('p.muted', '…'));
  root.replaceChildren(h('header.pub-head',
    h('div.pub-titles', h('h1', t('supplies.public.title')), h('p.pub-intro', t('supplies.public.intro'))),
    h('div.pub-tools.no-print', langButton,
      h('button.btn.btn-secondary', { type: 'button', onclick: () => window.print() }, t('supplies.public.print')),
      h('a.btn.btn-secondary', { href: '#/' }, t('supplies.public.signIn')))), main);
  try {
    const cpText = await (await fetch('/api/v1/ledger/checkpoint', { cache: 'no-store' })).text();
    const cp = parseCheckpoint(cpText);
    const entries = await allEntries();
    const head = entries.filter((x) => x.kind === 'audit.head').pop();
    main.replaceChildren(
      h('section.card.pub-cp', { 'data-testid': 'pub-checkpoint' },
        h('div', t('supplies.public.checkpoint', { size: cp ? cp.size : 0 })),
        cp ? h('div.muted', t('supplies.public.root'), ' ', h('code.hash', b64.encode(cp.root))) : null,
        head ? h('div.muted', t('supplies.public.auditHead', { day: head.entry.day, n: head.entry.audit_entries })) : null),
      donationsSection(entries), fundsSection(entries), findSection());
  } catch {
    main.replaceChildren(notice('error', t('error.network')));
  }
}
