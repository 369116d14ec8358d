// views/hotline.js - the hotline's pages for staff: the operator's console
// (one screen to take a call: the caller's earlier tickets by phone, a
// category search, the standard answers beside, answer or dispatch in one
// go; keyboard first), the callback list, a unit's inbox (a doctor's phone
// queue for family doctors), the chase board, the ticket search, one
// ticket (its deadlines and how each was derived, its events, the moves
// the protocol allows now) and the measures (三率).  Every text through
// i18n; text from the server is set as text.
import { t, has, label, fmtTime, fmtNumber } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, loadRecord, notice, errorText, pagedList, td, emptyState, loading } from '../dom.js';
import { regionPicker } from './regionpick.js';
import { codes } from '../vocab.js';

const PAGE = 50;
const get = (path, params = {}) => API.api('GET', `${path}${API.qs(params)}`);
const post = (path, body) => API.api('POST', path, body);

export const ticketHref = (id) => `#/tickets/${encodeURIComponent(id)}`;
const catLabel = (c) => label('hotline.cat', c);
const stateChip = (s) => h(`span.chip.hl-st.hl-st-${s}`, label('hotline.st', s));

// The most pressing deadline of a ticket, as a chip: overdue, or due at.
function dueChip(tk) {
  if (tk.overdue) return h('span.chip.hl-overdue', t('hotline.overdue'));
  const running = (tk.deadlines || []).filter((d) => d.state === 'running' && d.name !== 'return');
  if (running.length) return h('span.chip.hl-due', t('hotline.dueAt', { time: fmtTime(Math.min(...running.map((d) => d.due))) }));
  if ((tk.deadlines || []).some((d) => d.state === 'paused')) return h('span.chip.hl-paused', t('hotline.paused'));
  return null;
}

function apiError(err) {
  if (err && err.code === 'transition') return t('hotline.err.transition', { allowed: (err.allowed || []).map((m) => label('hotline.mv', m)).join(t('common.listSep')) });
  if (err && err.code === 'too_late') return t('hotline.err.tooLate');
  if (err && err.field && has(`hotline.field.${err.field}`)) return `${t(`hotline.field.${err.field}`)}: ${err.message || ''}`;
  return errorText(err);
}

// A table of tickets (newest or oldest first as the list says).
function ticketTable(fetchPage, ctx, emptyKey, extra = null) {
  const cols = ['hotline.col.number', 'hotline.col.category', 'hotline.col.caller', 'hotline.col.region',
    'hotline.col.state', 'hotline.col.due', 'hotline.col.text'];
  const tbody = h('tbody');
  const table = h('table.data-table.hl-table', { 'data-testid': 'tickets' },
    h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, t(c))), extra ? h('th', { scope: 'col' }, t('hotline.col.action')) : null)), tbody);
  const row = (tk) => h('tr', { dataset: { id: tk.id, state: tk.state }, class: tk.overdue ? 'is-alert' : null },
    td(t('hotline.col.number'), h('a.link.code', { href: ticketHref(tk.id) }, tk.number)),
    td(t('hotline.col.category'), catLabel(tk.category)),
    td(t('hotline.col.caller'), h('bdi', tk.caller_name || '—'), ' ', h('span.muted.code', tk.phone || '')),
    td(t('hotline.col.region'), h('bdi', [tk.parent_name, tk.region_name].filter(Boolean).join(' · '))),
    td(t('hotline.col.state'), stateChip(tk.state), tk.unit_name ? h('div.muted', h('bdi', tk.unit_name)) : null),
    td(t('hotline.col.due'), dueChip(tk) || '—'),
    td({ label: t('hotline.col.text'), cls: 'detail' }, h('bdi', tk.text)),
    extra ? td(t('hotline.col.action'), extra(tk)) : null);
  return pagedList({ listEl: tbody, box: h('div.table-wrap', table), fetchPage, renderItems: (items) => items.map(row), emptyText: t(emptyKey), isCurrent: ctx.isCurrent });
}

// ---- the operator's console ----

export function renderConsole(ctx) {
  const { main, me } = ctx;
  ctx.setTitle(t('nav.hotline'));
  const started = { at: 0 };
  let region = '';
  let answerId = 0;

  const phone = h('input', { id: 'hl-phone', name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'off', maxlength: '30', autofocus: true });
  const name = h('input', { id: 'hl-name', name: 'caller_name', type: 'text', maxlength: '50', autocomplete: 'off' });
  const catFilter = h('input', { id: 'hl-catq', type: 'search', autocomplete: 'off', placeholder: t('hotline.catSearchHint') });
  const cats = codes('ticket_categories');
  const category = h('select', { id: 'hl-cat', name: 'category', required: true },
    h('option', { value: '' }, t('hotline.pickCategory')), cats.map((c) => h('option', { value: c }, catLabel(c))));
  const urgency = h('select', { id: 'hl-urg', name: 'urgency' },
    codes('ticket_urgencies').map((u) => h('option', { value: u, selected: u === 'general' ? true : null }, label('hotline.urg', u))));
  const text = h('textarea', { id: 'hl-text', name: 'text', rows: '4', maxlength: '2000', required: true });
  const reply = h('textarea', { id: 'hl-reply', name: 'reply', rows: '3', maxlength: '2000' });
  const unit = h('select', { id: 'hl-unit', name: 'dispatch_to' }, h('option', { value: '' }, t('hotline.pickRegionFirst')));
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const picker = regionPicker({
    scope: me.scope, idPrefix: 'hl-region', maxLevel: 5,
    onChange: (code) => { region = code; fillUnits(); showDuty(); },
  });
  // the family doctor on duty in the caller's community now
  const duty = h('p.muted.hl-duty', { 'aria-live': 'polite', 'data-testid': 'on-duty' });
  async function showDuty() {
    fill(duty);
    if (region.length < 12) return;
    try {
      const r = await get('/doctors', { region: region.slice(0, 12), on_duty: 1, limit: 5 });
      if (!ctx.isCurrent()) return;
      fill(duty, r.items.length ? t('hotline.onDuty', { names: r.items.map((d) => `${d.name} ${d.duty_phone}`).join(t('common.listSep')) })
        : t('hotline.noneOnDuty'));
    } catch (err) { fill(duty, apiError(err)); }
  }

  // category search: the first category whose label holds the words
  catFilter.addEventListener('input', () => {
    const q = catFilter.value.trim().toLowerCase();
    if (!q) return;
    const hit = cats.find((c) => catLabel(c).toLowerCase().includes(q) || c.includes(q));
    if (hit) { category.value = hit; fillUnits(); }
  });
  catFilter.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); urgency.focus(); } });
  category.addEventListener('change', fillUnits);

  const medical = () => ['consultation.medical', 'consultation.psychological', 'help.medical', 'help.fever'].includes(category.value);
  function fillUnits() {
    const opts = [h('option', { value: '' }, t('hotline.noDispatch'))];
    if (region.length >= 12) {
      const street = region.slice(0, 9), comm = region.slice(0, 12);
      const nameOf = (lvl, code) => picker.el.querySelector(`#hl-region-${lvl}`)?.selectedOptions[0]?.textContent || code;
      opts.push(h('option', { value: `office:${street}` }, t('hotline.unitStreet', { code: nameOf(4, street) })));
      opts.push(h('option', { value: `office:${comm}` }, t('hotline.unitCommunity', { code: nameOf(5, comm) })));
      if (medical()) opts.push(h('option', { value: `doctors:${comm}` }, t('hotline.unitDoctors')));
    }
    fill(unit, opts);
  }

  // the caller's earlier tickets, by phone
  const history = h('div.hl-history', { 'aria-live': 'polite' }, h('p.muted', t('hotline.historyHint')));
  async function loadHistory() {
    const p = phone.value.trim();
    if (p.replace(/\D/g, '').length < 7) return;
    fill(history, loading());
    try {
      const r = await get('/tickets', { phone: p, limit: 20 });
      if (!ctx.isCurrent()) return;
      fill(history, r.items.length ? h('ul.hl-list', r.items.map((x) => h('li',
        h('a.link.code', { href: ticketHref(x.id) }, x.number), ' ', stateChip(x.state),
        h('div', catLabel(x.category), ' · ', fmtTime(x.created_at)),
        h('div.muted', h('bdi', x.text)))))
        : emptyState(t('hotline.historyNone')));
      if (r.items[0] && !name.value) name.value = r.items[0].caller_name || '';
    } catch (err) { fill(history, notice('error', apiError(err))); }
  }
  phone.addEventListener('focus', () => { if (!started.at) started.at = Date.now(); });
  phone.addEventListener('change', loadHistory);
  phone.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); loadHistory(); name.focus(); } });

  // the standard answers beside
  const faqQ = h('input', { id: 'hl-faq', type: 'search', autocomplete: 'off', placeholder: t('hotline.faqHint') });
  const faqList = h('div.hl-faq-list', { 'aria-live': 'polite' });
  let faqTimer = 0;
  async function searchFaq() {
    try {
      const q = faqQ.value.trim();
      const r = await get('/answers', { q, current: 1, limit: q ? 20 : 5 }); // the newest few until the operator types
      if (!ctx.isCurrent()) return;
      fill(faqList, r.items.length ? h('ul.hl-list', r.items.map((a) => h('li.hl-faq',
        h('strong', h('bdi', a.question)), h('p', h('bdi', a.answer)),
        h('p.muted', t('hotline.effective', { date: a.effective }),
          a.replaces ? [' · ', t('hotline.replaced', { date: a.replaced_effective || '' })] : null),
        h('div.hl-inline',
          h('button.btn.btn-small.btn-secondary', { type: 'button', 'data-answer': a.id, onclick: () => {
            answerId = a.id; reply.value = a.answer; unit.value = ''; msg.replaceChildren(notice('info', t('hotline.answerPicked')));
            reply.focus();
          } }, t('hotline.useAnswer')),
          h('button.btn.btn-small.btn-secondary', { type: 'button', 'data-replace': a.id, onclick: () => editAnswer(a) }, t('hotline.replaceAnswer'))))))
        : emptyState(t('hotline.faqNone')));
    } catch (err) { fill(faqList, notice('error', apiError(err))); }
  }
  faqQ.addEventListener('input', () => { clearTimeout(faqTimer); faqTimer = setTimeout(searchFaq, 250); });

  // a new standard answer, or one replacing an answer from its effective day
  const faqEdit = h('div.hl-faq-edit');
  function editAnswer(old) {
    const cat = h('select', { id: 'hl-a-cat' }, cats.map((c) => h('option', { value: c, selected: old && c === old.category ? true : null }, catLabel(c))));
    const q = h('input', { id: 'hl-a-q', maxlength: '200', value: old ? old.question : '' });
    const a = h('textarea', { id: 'hl-a-a', rows: '3', maxlength: '2000' });
    const day = h('input', { id: 'hl-a-day', type: 'date', value: API.serverToday() });
    const out = h('div.form-msg', { 'aria-live': 'polite' });
    fill(faqEdit, h('form.hl-move', { 'data-testid': 'answer-form', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await post('/answers', { category: cat.value, question: q.value.trim(), answer: a.value.trim(), effective: day.value,
          ...(old ? { replaces: old.id } : {}) });
        fill(faqEdit, notice('success', t('hotline.answerSaved')));
        searchFaq();
      } catch (err) { fill(out, notice('error', apiError(err))); }
    } },
    h('h3', old ? t('hotline.replacing', { question: old.question }) : t('hotline.newAnswer')),
    h('div.field', h('label', { for: 'hl-a-cat' }, t('hotline.category')), cat),
    h('div.field', h('label', { for: 'hl-a-q' }, t('hotline.question')), q),
    h('div.field', h('label', { for: 'hl-a-a' }, t('hotline.answerText')), a),
    h('div.field', h('label', { for: 'hl-a-day' }, t('hotline.effectiveDay')), day),
    out, h('button.btn.btn-primary', { type: 'submit' }, t('hotline.saveAnswer'))));
    a.focus();
  }
  reply.addEventListener('input', () => { if (answerId) answerId = 0; });

  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('hotline.take'));
  const form = h('form.card.hl-take', {
    'data-testid': 'take-call', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      msg.replaceChildren();
      if (!category.value) { msg.replaceChildren(notice('error', t('hotline.needCategory'))); category.focus(); return; }
      if (!text.value.trim()) { msg.replaceChildren(notice('error', t('hotline.needText'))); text.focus(); return; }
      if (region.length < 12 && !phone.value.trim()) { msg.replaceChildren(notice('error', t('hotline.needRegion'))); return; }
      const body = { channel: 'phone', category: category.value, urgency: urgency.value, text: text.value.trim() };
      if (name.value.trim()) body.caller_name = name.value.trim();
      if (phone.value.trim()) body.phone = phone.value.trim();
      if (region.length >= 12) body.region = region;
      if (unit.value) { const [kind, code] = unit.value.split(':'); body.dispatch_to = code; body.unit_kind = kind; }
      else if (answerId) body.answer_id = answerId;
      else if (reply.value.trim()) body.reply = reply.value.trim();
      submit.disabled = true;
      try {
        const tk = await post('/tickets', body);
        const secs = started.at ? Math.round((Date.now() - started.at) / 1000) : null;
        form.reset(); answerId = 0; started.at = 0; fillUnits();
        fill(history, h('p.muted', t('hotline.historyHint')));
        msg.replaceChildren(notice('success', t('hotline.taken', { number: tk.number, state: label('hotline.st', tk.state) }),
          secs !== null ? h('p.muted', t('hotline.takenIn', { n: secs })) : null,
          h('a.link', { href: ticketHref(tk.id) }, t('hotline.openTicket'))));
        phone.focus();
      } catch (err) {
        msg.replaceChildren(notice('error', apiError(err)));
      } finally { submit.disabled = false; }
    },
  },
  h('h2', t('hotline.takeTitle')),
  h('div.hl-row',
    h('div.field', h('label', { for: 'hl-phone' }, t('hotline.phone')), phone),
    h('div.field', h('label', { for: 'hl-name' }, t('hotline.callerName')), name)),
  h('fieldset.hl-region', h('legend', t('hotline.region')), picker.el, duty),
  h('div.hl-row',
    h('div.field', h('label', { for: 'hl-catq' }, t('hotline.catSearch')), catFilter),
    h('div.field', h('label', { for: 'hl-cat' }, t('hotline.category')), category),
    h('div.field', h('label', { for: 'hl-urg' }, t('hotline.urgency')), urgency)),
  h('div.field', h('label', { for: 'hl-text' }, t('hotline.text')), text),
  h('div.hl-row',
    h('div.field', h('label', { for: 'hl-reply' }, t('hotline.replyDirect')), reply),
    h('div.field', h('label', { for: 'hl-unit' }, t('hotline.dispatchTo')), unit)),
  msg,
  h('div.hl-actions', submit, h('span.muted.hl-keys', t('hotline.keys'))));

  // keyboard: Ctrl+Enter takes the call, Alt+F the answers, Alt+K the category
  const keys = (e) => {
    if (!ctx.isCurrent()) { document.removeEventListener('keydown', keys); return; }
    if (e.ctrlKey && e.key === 'Enter') { e.preventDefault(); form.requestSubmit(); }
    else if (e.altKey && (e.key === 'f' || e.key === 'F')) { e.preventDefault(); faqQ.focus(); }
    else if (e.altKey && (e.key === 'k' || e.key === 'K')) { e.preventDefault(); catFilter.focus(); }
  };
  document.addEventListener('keydown', keys);

  main.replaceChildren(
    h('div.page-head.title-row', h('div', h('h1', { tabindex: '-1' }, t('hotline.consoleTitle')), h('p', t('hotline.consoleIntro'))),
      h('a.btn.btn-secondary', { href: '#/hotline/callbacks' }, t('hotline.callbacksTitle'))),
    h('div.hl-console',
      form,
      h('section.card.hl-side', h('h2', t('hotline.faqTitle')),
        h('div.field', h('label', { for: 'hl-faq' }, t('hotline.faqSearch')), faqQ), faqList,
        h('button.btn.btn-small.btn-secondary', { type: 'button', onclick: () => editAnswer(null) }, t('hotline.newAnswer')), faqEdit),
      h('section.card.hl-side', { 'data-testid': 'history' }, h('h2', t('hotline.historyTitle')), history)));
  fillUnits();
  searchFaq();
}

// ---- the callback list ----

export function renderCallbacks(ctx) {
  ctx.setTitle(t('hotline.callbacksTitle'));
  const form = (tk) => {
    const sel = h('select', { 'aria-label': t('hotline.satisfaction') },
      codes('ticket_satisfactions').map((s) => h('option', { value: s }, label('hotline.sat', s))));
    const out = h('span.form-msg', { 'aria-live': 'polite' });
    return h('div.hl-inline', sel, h('button.btn.btn-small.btn-primary', { type: 'button', onclick: async (e) => {
      e.target.disabled = true;
      try {
        const r = await post(`/tickets/${tk.id}/moves`, { move: 'callback', satisfaction: sel.value });
        fill(out, stateChip(r.state));
      } catch (err) { fill(out, apiError(err)); e.target.disabled = false; }
    } }, t('hotline.mv.callback')), out);
  };
  ctx.main.replaceChildren(
    h('div.page-head', h('h1', { tabindex: '-1' }, t('hotline.callbacksTitle')), h('p.muted', t('hotline.callbacksIntro'))),
    h('section.card', ticketTable((after) => get('/tickets/callbacks', { after, limit: PAGE }), ctx, 'hotline.callbacksNone', form)));
}

// ---- a unit's inbox; for family doctors, the phone queue ----

export function renderInbox(ctx) {
  const doctor = ctx.me.user.role === 'doctor';
  ctx.setTitle(t(doctor ? 'hotline.doctorTitle' : 'nav.inbox'));
  if (!doctor) {
    ctx.main.replaceChildren(
      h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.inbox')), h('p.muted', t('hotline.inboxIntro'))),
      h('section.card', ticketTable((after) => get('/tickets/inbox', { after, kind: 'office', limit: PAGE }), ctx, 'hotline.inboxNone')));
    return;
  }
  const mine = ctx.query.get('mine') !== '0';
  const list = h('ul.hl-cards', { 'data-testid': 'doctor-queue' });
  const card = (tk) => h('li.card.hl-card', { dataset: { id: tk.id }, class: tk.overdue ? 'is-alert' : null },
    h('div.hl-card-head', h('a.link.code', { href: ticketHref(tk.id) }, tk.number), stateChip(tk.state), dueChip(tk)),
    h('p.hl-card-cat', catLabel(tk.category)),
    h('p', h('bdi', tk.text)),
    h('p.muted', h('bdi', tk.caller_name || '—'), ' · ', h('span.code', tk.phone || '—'), ' · ', h('bdi', tk.region_name || '')),
    h('a.btn.btn-primary.btn-block', { href: ticketHref(tk.id) }, t('hotline.handle')));
  ctx.main.replaceChildren(
    h('div.page-head', h('h1', { tabindex: '-1' }, t('hotline.doctorTitle')), h('p.muted', t('hotline.doctorIntro')),
      h('p', h('a.link', { href: mine ? '#/inbox?mine=0' : '#/inbox' }, t(mine ? 'hotline.showTeam' : 'hotline.showMine')))),
    pagedList({ listEl: list, fetchPage: (after) => get('/tickets/doctor-queue', { after, mine: mine ? 1 : 0, limit: PAGE }),
      renderItems: (items) => items.map(card), emptyText: t('hotline.doctorNone'), isCurrent: ctx.isCurrent }));
}

// ---- the chase board ----

export function renderChase(ctx) {
  ctx.setTitle(t('nav.chase'));
  ctx.main.replaceChildren(
    h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.chase')), h('p.muted', t('hotline.chaseIntro'))),
    h('section.card', ticketTable((after) => get('/tickets/chase', { after, limit: PAGE }), ctx, 'hotline.chaseNone', chaseCell)));
}

// The chase count and, for who may chase, a note and a button.
function chaseCell(tk) {
  const count = h('span', t('hotline.chases', { n: tk.chases }));
  const note = h('input', { 'aria-label': t('hotline.chaseNote'), maxlength: '1000', placeholder: t('hotline.chaseNote') });
  const out = h('span.form-msg', { 'aria-live': 'polite' });
  return h('div.hl-inline', count, note, h('button.btn.btn-small.btn-primary', { type: 'button', 'data-chase': tk.id, onclick: async (e) => {
    e.target.disabled = true;
    try {
      const r = await post(`/tickets/${tk.id}/moves`, { move: 'chase', note: note.value.trim() });
      fill(count, t('hotline.chases', { n: r.chases }));
      note.value = '';
      fill(out);
    } catch (err) { fill(out, apiError(err)); }
    e.target.disabled = false;
  } }, t('hotline.mv.chase')), out);
}

// ---- the ticket search ----

export function renderTickets(ctx) {
  const { query } = ctx;
  ctx.setTitle(t('nav.tickets'));
  const f = { state: query.get('state') || '', number: query.get('number') || '', phone: query.get('phone') || '', category: query.get('category') || '' };
  const state = h('select', { id: 'hl-f-state', name: 'state' }, h('option', { value: '' }, t('common.all')),
    codes('ticket_states').map((s) => h('option', { value: s, selected: s === f.state ? true : null }, label('hotline.st', s))));
  const category = h('select', { id: 'hl-f-cat', name: 'category' }, h('option', { value: '' }, t('common.all')),
    codes('ticket_categories').map((c) => h('option', { value: c, selected: c === f.category ? true : null }, catLabel(c))));
  const number = h('input', { id: 'hl-f-number', name: 'number', value: f.number, maxlength: '15', autocomplete: 'off' });
  const phone = h('input', { id: 'hl-f-phone', name: 'phone', type: 'tel', value: f.phone, maxlength: '30', autocomplete: 'off' });
  const form = h('form.filters', { role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, el] of Object.entries({ state, category, number, phone })) if (el.value.trim()) p.set(k, el.value.trim());
    location.hash = p.toString() ? `#/tickets?${p}` : '#/tickets';
  } },
  h('div.field', h('label', { for: 'hl-f-state' }, t('hotline.col.state')), state),
  h('div.field', h('label', { for: 'hl-f-cat' }, t('hotline.category')), category),
  h('div.field', h('label', { for: 'hl-f-number' }, t('hotline.col.number')), number),
  h('div.field', h('label', { for: 'hl-f-phone' }, t('hotline.phone')), phone),
  h('div.field.field-button', h('button.btn.btn-primary', { type: 'submit' }, t('common.search'))));
  const params = Object.fromEntries(Object.entries(f).filter(([, v]) => v));
  ctx.main.replaceChildren(
    h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.tickets')), h('p.muted', t('hotline.ticketsIntro'))),
    h('section.card', form, ticketTable((after) => get('/tickets', { ...params, after, limit: PAGE }), ctx, 'hotline.ticketsNone')));
}

// ---- one ticket ----

// A deadline and how it was derived.
function deadlineRow(d) {
  const limit = d.unit === 'hours' ? t('hotline.limitHours', { n: d.n }) : t('hotline.limitDays', { n: d.n });
  const how = [];
  how.push(h('li', t('hotline.how.start', { time: fmtTime(d.start) })));
  how.push(h('li', t('hotline.how.rule', { rule: has(`hotline.rule.${d.rule}`) ? t(`hotline.rule.${d.rule}`) : label('hotline.urg', d.rule), limit })));
  if (d.extension) how.push(h('li', t('hotline.how.extension', { n: d.extension })));
  if (d.counted_from) how.push(h('li', t('hotline.how.counted', { date: d.counted_from })));
  for (const s of d.skipped || []) how.push(h('li', t('hotline.how.skipped', { date: s.date, why: label('hotline.why', s.why) })));
  for (const s of d.made_up || []) how.push(h('li', t('hotline.how.madeUp', { date: s.date, why: label('hotline.why', s.why) })));
  for (const p of d.paused || []) how.push(h('li', t('hotline.how.paused', { from: fmtTime(p.from), to: p.to ? fmtTime(p.to) : t('hotline.now') }), ' ', h('bdi', p.reason)));
  how.push(h('li', d.due ? t('hotline.how.due', { time: fmtTime(d.due) }) : t('hotline.how.left', { h: Math.round((d.left || 0) / 360) / 10 })));
  return h('tr', { dataset: { deadline: d.name, state: d.state } },
    td(t('hotline.dl.name'), t(`hotline.dl.${d.name}`)),
    td(t('hotline.dl.due'), d.due ? fmtTime(d.due) : '—'),
    td(t('hotline.dl.state'), h(`span.chip.hl-dl-${d.state}`, label('hotline.dls', d.state))),
    td({ label: t('hotline.dl.how'), cls: 'detail' }, h('details', h('summary', t('hotline.dl.showHow')), h('ul.hl-how', how))));
}

// The form of one move: the fields it needs.
function moveForm(tk, mv, done) {
  const fields = [];
  const el = {};
  const add = (key, node) => { el[key] = node; fields.push(h('div.field', h('label', { for: `hl-mv-${key}` }, t(`hotline.field.${key}`)), node)); };
  const needNote = ['wait', 'return', 'extend', 'not_responsible', 'reopen', 'chase', 'note', 'close'].includes(mv);
  if (mv === 'reply' || mv === 'answer') add('text', h('textarea', { id: 'hl-mv-text', rows: '3', maxlength: '2000' }));
  if (mv === 'dispatch') {
    const street = tk.region.slice(0, 9), comm = tk.region.slice(0, 12);
    const isComm = tk.region.length === 12; // a grid's parent is its community, not its street
    add('unit', h('select', { id: 'hl-mv-unit' },
      h('option', { value: `office:${street}` }, t('hotline.unitStreet', { code: isComm ? tk.parent_name : street })),
      h('option', { value: `office:${comm}` }, t('hotline.unitCommunity', { code: isComm ? tk.region_name : tk.parent_name })),
      ['consultation.medical', 'consultation.psychological', 'help.medical', 'help.fever'].includes(tk.category)
        ? h('option', { value: `doctors:${comm}` }, t('hotline.unitDoctors')) : null));
  }
  if (mv === 'callback') add('satisfaction', h('select', { id: 'hl-mv-satisfaction' }, codes('ticket_satisfactions').map((s) => h('option', { value: s }, label('hotline.sat', s)))));
  if (mv === 'close') add('outcome', h('select', { id: 'hl-mv-outcome' }, ['resolved', 'unresolved'].map((s) => h('option', { value: s }, t(`hotline.outcome.${s}`)))));
  if (mv === 'merge') add('into', h('input', { id: 'hl-mv-into', type: 'number', min: '1', inputmode: 'numeric' }));
  if (mv === 'extend') add('days', h('input', { id: 'hl-mv-days', type: 'number', min: '1', max: '10', value: '5', inputmode: 'numeric' }));
  if (needNote) add('note', h('textarea', { id: 'hl-mv-note', rows: '2', maxlength: '1000' }));
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const btn = h('button.btn.btn-primary', { type: 'submit' }, label('hotline.mv', mv));
  return h('form.hl-move', { 'data-move': mv, onsubmit: async (e) => {
    e.preventDefault();
    const body = { move: mv };
    if (el.text) body.text = el.text.value.trim();
    if (el.note) body.note = el.note.value.trim();
    if (el.unit) { const [kind, code] = el.unit.value.split(':'); body.unit = code; body.unit_kind = kind; }
    if (el.satisfaction) body.satisfaction = el.satisfaction.value;
    if (el.outcome) body.outcome = el.outcome.value;
    if (el.into) body.into = Number(el.into.value);
    if (el.days) body.days = Number(el.days.value);
    btn.disabled = true;
    try { done(await post(`/tickets/${tk.id}/moves`, body)); } catch (err) { msg.replaceChildren(notice('error', apiError(err))); btn.disabled = false; }
  } }, fields, msg, btn);
}

export async function renderTicket(ctx) {
  const id = ctx.params.id;
  const tk = await loadRecord(ctx, () => get(`/tickets/${encodeURIComponent(id)}`),
    { notFoundTitle: t('hotline.notFoundTitle'), notFound: t('hotline.notFound'), back: '#/tickets', backLabel: t('nav.tickets') },
    () => renderTicket(ctx));
  if (!tk || !ctx.isCurrent()) return;
  ctx.setTitle(tk.number);
  showTicket(ctx, tk);
}

// The caller's number in the clear, to call back: a reason, then a tel: link (audited).
function revealBox(tk) {
  const reason = h('input', { id: 'hl-reveal-reason', maxlength: '200', autocomplete: 'off' });
  const out = h('div.form-msg', { 'aria-live': 'polite' });
  return h('form.hl-reveal', { onsubmit: async (e) => {
    e.preventDefault();
    try {
      const r = await post(`/tickets/${tk.id}/reveal`, { reason: reason.value.trim() });
      fill(out, r.phone ? h('a.btn.btn-primary', { href: `tel:${r.phone}` }, t('hotline.call', { phone: r.phone })) : t('hotline.noPhone'));
    } catch (err) { fill(out, notice('error', apiError(err))); }
  } },
  h('div.field', h('label', { for: 'hl-reveal-reason' }, t('hotline.revealReason')), reason),
  h('button.btn.btn-secondary', { type: 'submit' }, t('hotline.reveal')), out);
}

function showTicket(ctx, tk) {
  const handles = ['sign', 'start', 'wait', 'resume', 'reply', 'return', 'extend'].some((m) => tk.moves.includes(m));
  const fact = (k, v) => (v === null || v === undefined || v === '' ? null : h('div', h('dt', t(k)), h('dd', v)));
  const movesBox = h('div.hl-moves');
  const formBox = h('div.hl-move-form');
  const done = (next) => { fill(formBox); showTicket(ctx, next); ctx.main.querySelector('h1')?.focus(); };
  fill(movesBox, tk.moves.length ? tk.moves.map((mv) => h('button.btn.btn-secondary', {
    type: 'button', 'data-move': mv,
    onclick: () => { fill(formBox, moveForm(tk, mv, done)); formBox.querySelector('textarea, select, input, button')?.focus(); },
  }, label('hotline.mv', mv))) : h('p.muted', t('hotline.noMoves')));
  ctx.main.replaceChildren(
    h('div.page-head', h('p', h('a.link', { href: '#/tickets' }, t('nav.tickets'))),
      h('h1', { tabindex: '-1' }, h('span.code', tk.number), ' ', stateChip(tk.state)), dueChip(tk)),
    h('div.hl-ticket',
      h('section.card', h('h2', t('hotline.facts')),
        h('dl.detail-fields',
          fact('hotline.col.category', catLabel(tk.category)),
          fact('hotline.urgency', label('hotline.urg', tk.urgency)),
          fact('hotline.channel', label('hotline.ch', tk.channel)),
          fact('hotline.callerName', h('bdi', tk.caller_name)),
          fact('hotline.phone', h('span.code', tk.phone)),
          fact('hotline.region', h('bdi', [tk.parent_name, tk.region_name].filter(Boolean).join(' · '))),
          fact('hotline.text', h('bdi', tk.text)),
          fact('hotline.unit', tk.unit_name ? h('bdi', `${tk.unit_name}${tk.unit_kind === 'doctors' ? ` · ${t('hotline.unitDoctors')}` : ''}`) : null),
          fact('hotline.doctor', tk.doctor_name ? h('bdi', `${tk.doctor_name} ${tk.doctor_phone || ''}`) : null),
          fact('hotline.firstUnit', tk.first_unit ? h('bdi', tk.first_unit_name || tk.first_unit) : null),
          fact('hotline.reply', tk.reply ? h('bdi', tk.reply) : null),
          fact('hotline.satisfaction', tk.satisfaction ? label('hotline.sat', tk.satisfaction) : null),
          fact('hotline.extAsked', tk.ext_asked ? t('hotline.days', { n: tk.ext_asked }) : null),
          fact('hotline.col.action', tk.chases ? t('hotline.chases', { n: tk.chases }) : null))),
      h('section.card', { 'data-testid': 'moves' }, h('h2', t('hotline.movesTitle')), movesBox, formBox,
        tk.phone && (ctx.can('ticket.write') || handles) ? revealBox(tk) : null),
      h('section.card', { 'data-testid': 'deadlines' }, h('h2', t('hotline.deadlinesTitle')),
        h('div.table-wrap', h('table.data-table', h('thead', h('tr', ['name', 'due', 'state', 'how'].map((c) => h('th', { scope: 'col' }, t(`hotline.dl.${c}`))))),
          h('tbody', tk.deadlines.map(deadlineRow))))),
      h('section.card', { 'data-testid': 'events' }, h('h2', t('hotline.eventsTitle')),
        h('ol.hl-events', tk.events.map((e) => h('li', { class: e.internal ? 'hl-internal' : null },
          h('span.nowrap', fmtTime(e.at)), ' ', h('strong', label('hotline.mv', e.move)), ' ',
          e.to_state !== e.from_state ? stateChip(e.to_state) : null, ' ', h('bdi.muted', e.by || t('hotline.resident')),
          e.unit_name ? h('span.muted', ' · ', h('bdi', e.unit_name)) : null,
          e.internal ? h('span.chip', t('hotline.internal')) : null,
          e.note ? h('p', h('bdi', e.note)) : null))))));
}

// ---- the measures (三率) ----

const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

export function renderMeasures(ctx) {
  ctx.setTitle(t('nav.measures'));
  const body = h('div', loading());
  let region = ctx.query.get('region') || ctx.me.scope.code;
  const picker = regionPicker({ scope: ctx.me.scope, idPrefix: 'hl-m', initial: region, maxLevel: 4, onChange: (c) => { region = c; load(); } });
  async function load() {
    fill(body, loading());
    try {
      const m = await get('/hotline/measures', { region });
      if (!ctx.isCurrent()) return;
      const tot = m.totals;
      const stat = (k, v, sub) => h('div.stat', h('span.stat-label', t(k)), h('span.stat-value', v), sub ? h('span.stat-sub', sub) : null);
      fill(body,
        h('div.stats', { 'data-testid': 'measures' },
          stat('hotline.m.received', fmtNumber(tot.received), t('hotline.m.range', { from: m.from, to: m.to })),
          stat('hotline.m.response', pct(tot.response_rate)),
          stat('hotline.m.onTime', pct(tot.on_time_rate)),
          stat('hotline.m.resolution', pct(tot.resolution_rate)),
          stat('hotline.m.satisfaction', pct(tot.satisfaction_rate)),
          stat('hotline.m.direct', pct(tot.direct_share)),
          stat('hotline.m.overdue', fmtNumber(tot.overdue))),
        h('section.card', h('h2', t('hotline.m.byCategory')),
          h('dl.detail-fields', ['consultation', 'help', 'suggestion', 'complaint', 'report'].map((c) => h('div', h('dt', catLabel(c)), h('dd', fmtNumber(m.categories[c] || 0)))))),
        h('section.card', h('h2', t('hotline.m.byRegion')), h('div.table-wrap', h('table.data-table',
          h('thead', h('tr', ['region', 'received', 'direct', 'response', 'onTime'].map((c) => h('th', { scope: 'col' }, t(`hotline.m.col.${c}`))))),
          h('tbody', m.regions.map((r) => h('tr', td(t('hotline.m.col.region'), h('bdi', r.name)), td(t('hotline.m.col.received'), fmtNumber(r.received)),
            td(t('hotline.m.col.direct'), pct(r.direct_share)), td(t('hotline.m.col.response'), pct(r.response_rate)), td(t('hotline.m.col.onTime'), pct(r.on_time_rate)))))))),
        m.units.length ? h('section.card', h('h2', t('hotline.m.byUnit')), h('div.table-wrap', h('table.data-table',
          h('thead', h('tr', ['unit', 'dispatched', 'onTime', 'resolution', 'satisfaction'].map((c) => h('th', { scope: 'col' }, t(`hotline.m.col.${c}`))))),
          h('tbody', m.units.map((u) => h('tr', td(t('hotline.m.col.unit'), h('bdi', u.name)), td(t('hotline.m.col.dispatched'), fmtNumber(u.dispatched)),
            td(t('hotline.m.col.onTime'), pct(u.on_time_rate)), td(t('hotline.m.col.resolution'), pct(u.resolution_rate)), td(t('hotline.m.col.satisfaction'), pct(u.satisfaction_rate))))))))
          : null);
    } catch (err) { fill(body, notice('error', apiError(err))); }
  }
  ctx.main.replaceChildren(
    h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.measures')), h('p.muted', t('hotline.m.intro'))),
    h('section.card.picker-card', picker.el), body);
  load();
}

// ---- family doctors: teams, doctors and the duty roster of a community ----

// "YYYY-MM-DDTHH:MM" (a datetime-local value) read in the deployment's
// zone, as every time on these pages is shown → Unix s (NaN when empty).
function unixOf(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v || '');
  if (!m) return NaN;
  const off = API.deploymentOffset() ?? -new Date().getTimezoneOffset() * 60;
  return Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]) / 1000 - off;
}

export function renderRoster(ctx) {
  const { me } = ctx;
  ctx.setTitle(t('nav.roster'));
  const body = h('div');
  let comm = me.scope.code.length >= 12 ? me.scope.code.slice(0, 12) : '';
  const picker = regionPicker({ scope: me.scope, idPrefix: 'hl-r', maxLevel: 5, initial: comm,
    onChange: (c) => { comm = c.length >= 12 ? c.slice(0, 12) : ''; load(); } });
  const canEdit = ctx.can('ticket.handle');
  async function load() {
    if (!comm) { fill(body, h('p.muted', t('hotline.pickCommunity'))); return; }
    fill(body, loading());
    try {
      const [teams, docs, shifts] = await Promise.all([
        get('/doctor-teams', { region: comm, limit: 50 }), get('/doctors', { region: comm, limit: 200 }),
        get('/duty-shifts', { region: comm, from: API.serverToday(), limit: 200 })]);
      if (!ctx.isCurrent()) return;
      const msg = h('div.form-msg', { 'aria-live': 'polite' });
      const act = async (path, payload) => {
        try { await post(path, payload); load(); } catch (err) { fill(msg, notice('error', apiError(err))); }
      };
      const teamName = h('input', { id: 'hl-r-team', maxlength: '60' });
      const docTeam = h('select', { id: 'hl-r-dteam' }, teams.items.map((x) => h('option', { value: x.id }, x.name)));
      const docName = h('input', { id: 'hl-r-dname', maxlength: '50' });
      const docPhone = h('input', { id: 'hl-r-dphone', type: 'tel', maxlength: '30' });
      const shDoc = h('select', { id: 'hl-r-sdoc' }, docs.items.map((d) => h('option', { value: d.id }, `${d.name} (${d.team_name})`)));
      const shFrom = h('input', { id: 'hl-r-sfrom', type: 'datetime-local' });
      const shTo = h('input', { id: 'hl-r-sto', type: 'datetime-local' });
      fill(body,
        h('section.card', { 'data-testid': 'doctors' }, h('h2', t('hotline.doctorsTitle')),
          docs.items.length ? h('ul.hl-list', docs.items.map((d) => h('li',
            h('strong', h('bdi', d.name)), ' ', h('span.code', d.duty_phone), ' · ', h('bdi', d.team_name), ' ',
            d.on_duty ? h('span.chip.hl-dl-met', t('hotline.onDutyUntil', { time: fmtTime(d.on_duty_until) })) : null)))
            : emptyState(t('hotline.noDoctors'))),
        h('section.card', { 'data-testid': 'shifts' }, h('h2', t('hotline.shiftsTitle')),
          shifts.items.length ? h('div.table-wrap', h('table.data-table',
            h('thead', h('tr', ['doctor', 'from', 'to'].map((c) => h('th', { scope: 'col' }, t(`hotline.shift.${c}`))))),
            h('tbody', shifts.items.map((x) => h('tr', td(t('hotline.shift.doctor'), h('bdi', x.doctor_name)),
              td(t('hotline.shift.from'), fmtTime(x.starts_at)), td(t('hotline.shift.to'), fmtTime(x.ends_at)))))))
            : emptyState(t('hotline.noShifts'))),
        canEdit ? h('section.card', h('h2', t('hotline.rosterEdit')), msg,
          h('form.hl-row', { onsubmit: (e) => { e.preventDefault(); act('/doctor-teams', { region: comm, name: teamName.value.trim() }); } },
            h('div.field', h('label', { for: 'hl-r-team' }, t('hotline.teamName')), teamName),
            h('div.field.field-button', h('button.btn.btn-secondary', { type: 'submit' }, t('hotline.addTeam')))),
          teams.items.length ? h('form.hl-row', { onsubmit: (e) => { e.preventDefault(); act('/doctors', { team_id: Number(docTeam.value), name: docName.value.trim(), duty_phone: docPhone.value.trim() }); } },
            h('div.field', h('label', { for: 'hl-r-dteam' }, t('hotline.team')), docTeam),
            h('div.field', h('label', { for: 'hl-r-dname' }, t('hotline.doctorName')), docName),
            h('div.field', h('label', { for: 'hl-r-dphone' }, t('hotline.dutyPhone')), docPhone),
            h('div.field.field-button', h('button.btn.btn-secondary', { type: 'submit' }, t('hotline.addDoctor')))) : null,
          docs.items.length ? h('form.hl-row', { onsubmit: (e) => { e.preventDefault(); act('/duty-shifts', { doctor_id: Number(shDoc.value), starts_at: unixOf(shFrom.value), ends_at: unixOf(shTo.value) }); } },
            h('div.field', h('label', { for: 'hl-r-sdoc' }, t('hotline.shift.doctor')), shDoc),
            h('div.field', h('label', { for: 'hl-r-sfrom' }, t('hotline.shift.from')), shFrom),
            h('div.field', h('label', { for: 'hl-r-sto' }, t('hotline.shift.to')), shTo),
            h('div.field.field-button', h('button.btn.btn-primary', { type: 'submit' }, t('hotline.addShift')))) : null) : null);
    } catch (err) { fill(body, notice('error', apiError(err))); }
  }
  ctx.main.replaceChildren(
    h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.roster')), h('p.muted', t('hotline.rosterIntro'))),
    h('section.card', picker.el), body);
  load();
}
