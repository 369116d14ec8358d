// views/cases.js - cases (病例): the list with the filters the API offers
// (category, outcome, late report, region; newest first, keyset "more"
// pages), a new case for a known person, and one case's page: who, what,
// when, where, the moves the protocol allows now (the case answer lists
// them), its history of changes and its close contacts, with the tracing
// form that records one more.  Names come as the server sends them;
// document numbers and phones only ever masked.  Filters live in the
// address (#/cases?category=confirmed&region=420106001).
import { t, has, label, fmtTime } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, loadRecord, icon, notice, loading, errorText, pagedList, td, emptyState } from '../dom.js';
import { regionPicker } from './regionpick.js';
import { gridPicker } from './gridpick.js';
import { codes, setting } from '../vocab.js';

const PAGE = 50;

// The categories a new case may take: not excluded, and the clinically
// diagnosed one under protocol edition 5 only (as the server decides).
function newCategories() {
  return codes('case_categories').filter((c) => c !== 'excluded' && (c !== 'clinical' || setting('protocol_edition') === 5));
}

export function caseHref(id) { return `#/cases/${encodeURIComponent(id)}`; }

// A move's label: a category or an outcome.
export function moveLabel(v) {
  if (has(`case.cat.${v}`)) return t(`case.cat.${v}`);
  return label('case.out', v);
}
export function catChip(c) { return h(`span.chip.cat-${c}`, label('case.cat', c)); }
export function outChip(o) { return o ? h(`span.chip.out-${o}`, label('case.out', o)) : null; }
// Outcomes belong to confirmed, clinical and asymptomatic cases only (the
// server keeps a default on the others).
export function caseOutcome(c) { return ['confirmed', 'clinical', 'asymptomatic'].includes(c.category) ? c.outcome : null; }

// "YYYY-MM-DD" of a Date in local time.
export function ymd(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
// "YYYY-MM-DDTHH:MM" for a datetime-local input.
function localDateTime(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${ymd(d)}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function select(id, name, values, prefix, { empty, value } = {}) {
  return h('select', { id, name },
    empty ? h('option', { value: '' }, empty) : null,
    values.map((v) => h('option', { value: v, selected: v === value ? true : null }, label(prefix, v))));
}

// ---- the list ----

export function renderList(ctx) {
  const { main, query, me } = ctx;
  const f = {
    category: query.get('category') || '', outcome: query.get('outcome') || '',
    late: query.get('late') || '', region: query.get('region') || '',
  };
  let region = f.region;
  const cat = select('cf-category', 'category', codes('case_categories'), 'case.cat', { empty: t('cases.any'), value: f.category });
  const out = select('cf-outcome', 'outcome', codes('case_outcomes'), 'case.out', { empty: t('cases.any'), value: f.outcome });
  const late = h('select', { id: 'cf-late', name: 'late' },
    h('option', { value: '' }, t('cases.any')),
    h('option', { value: '1', selected: f.late === '1' ? true : null }, t('cases.lateOnly')),
    h('option', { value: '0', selected: f.late === '0' ? true : null }, t('cases.onTime')));
  const picker = regionPicker({ scope: me.scope, idPrefix: 'cf-region', initial: f.region, onChange: (c) => { region = c; } });
  const form = h('form.filters.case-filters', {
    role: 'search', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      const p = new URLSearchParams();
      if (cat.value) p.set('category', cat.value);
      if (out.value) p.set('outcome', out.value);
      if (late.value) p.set('late', late.value);
      if (region && region !== me.scope.code) p.set('region', region);
      const s = `#/cases${[...p.keys()].length ? `?${p}` : ''}`;
      if (location.hash === s) renderList(ctx); else location.hash = s;
    },
  },
  h('div.field', h('label', { for: cat.id }, t('cases.category')), cat),
  h('div.field', h('label', { for: out.id }, t('cases.outcome')), out),
  h('div.field', h('label', { for: late.id }, t('cases.late')), late),
  picker.el,
  h('div.field.field-button', h('button.btn.btn-primary', { type: 'submit' }, icon('search'), h('span', t('cases.filter')))),
  Object.values(f).some(Boolean) ? h('div.field.field-button', h('a.btn.btn-secondary', { href: '#/cases' }, t('common.clear'))) : null);

  const cols = ['cases.col.id', 'cases.col.person', 'cases.col.region', 'cases.category', 'cases.outcome',
    'cases.col.onset', 'cases.col.diagnosis', 'cases.col.place'];
  const tbody = h('tbody');
  const table = h('table.data-table.cases-table', { 'data-testid': 'cases' },
    h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, t(c))))), tbody);
  const filter = { ...f };
  const list = pagedList({
    listEl: tbody,
    box: h('div.table-wrap', table),
    fetchPage: (after) => API.cases.list(filter, after, PAGE),
    renderItems: (items) => items.map((c) => h('tr', { dataset: { id: c.id } },
      td(t('cases.col.id'), h('a.case-link', { href: caseHref(c.id) }, `#${c.id}`)),
      td(t('cases.col.person'), h('a.case-name', { href: caseHref(c.id) }, h('bdi', c.person_name || '—'))),
      td(t('cases.col.region'), c.region_name, ' ', h('span.code', c.region)),
      td(t('cases.category'), catChip(c.category)),
      td(t('cases.outcome'), outChip(caseOutcome(c)) || '—'),
      td(t('cases.col.onset'), c.onset_date || '—'),
      td(t('cases.col.diagnosis'), h('span.nowrap', fmtTime(c.diagnosis_time)),
        c.late ? h('span.chip.chip-late', t('cases.lateChip')) : null),
      td(t('cases.col.place'), label('case.place', c.place)))),
    emptyText: t('cases.none'),
    isCurrent: ctx.isCurrent,
  });

  const panel = ctx.can('case.write') ? newCasePanel(ctx) : null;
  if (panel) panel.hidden = query.get('new') !== '1';
  const tools = panel ? h('div.head-tools', h('button.btn.btn-primary', {
    type: 'button', 'aria-expanded': String(!panel.hidden), 'aria-controls': 'new-case',
    onclick: (e) => {
      panel.hidden = !panel.hidden;
      e.currentTarget.setAttribute('aria-expanded', String(!panel.hidden));
      if (!panel.hidden) panel.querySelector('input')?.focus();
    },
  }, icon('plus'), h('span', t('cases.new')))) : null;

  fill(main,
    h('div.page-head.title-row',
      h('div', h('h1', { tabindex: '-1' }, t('cases.title')), h('p.muted', t('cases.intro'))), tools),
    panel,
    h('section.card', form, list));
}

// Finding a known person by name (person.read), or by id.  Returns {el,
// value()} (the chosen person's id or null); onPick(person) when chosen.
function personPicker({ idPrefix, onPick = () => {} }) {
  let chosen = null;
  const q = h('input', {
    id: `${idPrefix}-q`, type: 'search', maxlength: '50', autocomplete: 'off', spellcheck: 'false',
    placeholder: t('cases.personPlaceholder'),
  });
  const results = h('ul.pick-results', { 'aria-live': 'polite' });
  const picked = h('p.picked-person', { hidden: true });
  const choose = (p) => {
    chosen = p;
    fill(results);
    fill(picked, icon('check'), h('strong', h('bdi', p.name)), ' ',
      h('span.muted', [label('sex', p.sex), p.birth_year, p.doc_number].filter(Boolean).join(' · ')), ' ',
      h('span.code', `#${p.id}`));
    picked.hidden = false;
    onPick(p);
  };
  const search = async () => {
    const v = q.value.trim();
    chosen = null;
    picked.hidden = true;
    if (!v) { q.setAttribute('aria-invalid', 'true'); return; }
    q.removeAttribute('aria-invalid');
    fill(results, h('li', loading()));
    try {
      let items;
      if (/^#?\d+$/.test(v)) items = [await API.persons.get(v.replace('#', ''))];
      else items = (await API.persons.search({ name: v }, null, 10)).items;
      fill(results, items.length ? items.map((p) => h('li', h('button.btn.btn-secondary.btn-small.pick-person', {
        type: 'button', dataset: { person: p.id }, onclick: () => choose(p),
      }, h('strong', h('bdi', p.name)), h('span.muted', [label('sex', p.sex), p.birth_year, p.doc_number].filter(Boolean).join(' · '))))) : h('li.muted', t('cases.noPerson')));
    } catch (err) {
      fill(results, h('li', notice('error', err.status === 404 ? t('cases.noPerson') : errorText(err))));
    }
  };
  q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } });
  const el = h('div.person-picker',
    h('label', { for: q.id }, t('cases.person')),
    h('div.input-with-button', q, h('button.btn.btn-secondary', { type: 'button', onclick: search }, icon('search'), h('span', t('common.search')))),
    h('p.hint', t('cases.personHint')),
    results, picked);
  return { el, value: () => (chosen ? chosen.id : null) };
}

function newCasePanel(ctx) {
  const person = personPicker({ idPrefix: 'nc-person' });
  const cat = select('nc-category', 'category', newCategories(), 'case.cat', { value: 'suspected' });
  const onset = h('input', { id: 'nc-onset', type: 'date', name: 'onset_date', max: API.serverToday() });
  const sampling = h('input', { id: 'nc-sampling', type: 'date', name: 'sampling_date', max: API.serverToday() });
  const diag = h('input', { id: 'nc-diagnosis', type: 'datetime-local', name: 'diagnosis_time', value: localDateTime(API.serverNow() - 60000) });
  const unit = h('input', { id: 'nc-unit', name: 'reporting_unit', maxlength: '100', autocomplete: 'organization' });
  const place = select('nc-place', 'place', codes('case_places'), 'case.place', { value: 'designated_hospital' });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('cases.create'));
  const field = (el, key, hint) => h('div.field', h('label', { for: el.id }, t(key)), el, hint ? h('p.hint', t(hint)) : null);
  const form = h('form.new-case-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      fill(msg);
      const pid = person.value();
      const body = {
        person_id: pid, category: cat.value, reporting_unit: unit.value.trim(), place: place.value,
        diagnosis_time: Math.floor(new Date(diag.value).getTime() / 1000),
      };
      if (onset.value) body.onset_date = onset.value;
      if (sampling.value) body.sampling_date = sampling.value;
      const bad = !pid ? 'cases.needPerson' : !body.reporting_unit ? 'cases.needUnit'
        : !Number.isFinite(body.diagnosis_time) ? 'cases.needDiagnosis' : null;
      if (bad) { fill(msg, notice('error', t(bad))); return; }
      submit.disabled = true;
      try {
        const c = await API.cases.create(body);
        location.hash = caseHref(c.id);
      } catch (err) {
        submit.disabled = false;
        let text = errorText(err, { byCode: { conflict: 'cases.hasCase' } });
        if (err.field === 'category' && err.allowed) text = t('cases.categoryAllowed', { list: err.allowed.map(moveLabel).join(t('common.listSep')) });
        else if (err.status === 400 && err.message) text = `${text} (${err.message})`;
        fill(msg, notice('error', text));
      }
    },
  },
  person.el,
  h('div.form-grid',
    field(cat, 'cases.category'),
    field(onset, 'cases.col.onset', 'cases.onsetHint'),
    field(sampling, 'cases.sampling'),
    field(diag, 'cases.col.diagnosis', 'cases.diagnosisHint'),
    field(unit, 'cases.unit'),
    field(place, 'cases.col.place')),
  msg, h('div.form-actions', submit));
  return h('section.card.new-case-card', { id: 'new-case', 'data-testid': 'new-case' },
    h('h2', t('cases.newTitle')), h('p.muted', t('cases.newIntro')), form);
}

// ---- one case ----

export async function renderCase(ctx) {
  const c = await loadRecord(ctx, () => API.cases.get(ctx.params.id), {
    notFoundTitle: t('cases.notFoundTitle'), notFound: t('cases.notFound'), back: '#/cases', backLabel: t('cases.back'),
  }, () => renderCase(ctx));
  if (!c || !ctx.isCurrent()) return;
  drawCase(ctx, c);
}

function drawCase(ctx, c, flash = null) {
  const { main } = ctx;
  ctx.setTitle(`${t('cases.caseNo', { id: c.id })} ${c.person_name || ''}`);
  const fact = (key, v, attrs = {}) => h('div', h('dt', t(key)), h('dd', attrs, v));
  const facts = h('dl.facts.case-facts', { 'data-testid': 'case-facts' },
    fact('cases.col.person', ctx.can('person.read') && c.person_id
      ? h('a', { href: `#/persons/${encodeURIComponent(c.person_id)}` }, h('bdi', c.person_name)) : h('bdi', c.person_name || '—')),
    fact('cases.col.region', [c.region_name, ' ', h('span.code', c.region)]),
    fact('cases.category', catChip(c.category), { 'data-k': 'category' }),
    fact('cases.outcome', outChip(caseOutcome(c)) || '—', { 'data-k': 'outcome' }),
    fact('cases.col.onset', c.onset_date || '—'),
    fact('cases.sampling', c.sampling_date || '—'),
    fact('cases.col.diagnosis', fmtTime(c.diagnosis_time)),
    fact('cases.reported', [fmtTime(c.reported_at), ' ',
      c.late ? h('span.chip.chip-late', { 'data-testid': 'late' }, t('cases.lateChip')) : h('span.chip.chip-visited', t('cases.onTimeChip'))]),
    fact('cases.unit', c.reporting_unit || '—'),
    fact('cases.col.place', label('case.place', c.place)),
    fact('cases.edition', t('cases.editionN', { n: c.edition })),
    c.alert_id ? fact('cases.alert', `#${c.alert_id}`) : null);

  const history = h('section.card.history-card',
    h('h2', t('cases.history')),
    c.events && c.events.length ? h('ol.timeline', { 'data-testid': 'history' }, [...c.events].reverse().map((ev) => h('li', { dataset: { to: ev.to } },
      h('span.tl-when', fmtTime(ev.at)),
      h('span.tl-what', h('span.muted', t(`cases.field.${ev.field === 'outcome' ? 'outcome' : 'category'}`)),
        ev.from ? [moveLabel(ev.from), ' → '] : null, h('strong', moveLabel(ev.to))),
      h('span.tl-who', ev.user || t('cases.system')),
      ev.reason ? h('span.tl-reason', has(`cases.reason.${ev.reason}`) ? t(`cases.reason.${ev.reason}`) : ev.reason) : null)))
      : emptyState(t('cases.noHistory')));

  const contactsCard = h('section.card.contacts-card', { 'data-testid': 'contacts-card' });
  fill(main,
    h('div.page-head',
      h('a.link.back-link', { href: '#/cases' }, t('cases.back')),
      h('div.title-row', h('h1', { tabindex: '-1' }, t('cases.caseNo', { id: c.id }), ' ', h('bdi', c.person_name || '')),
        catChip(c.category), outChip(caseOutcome(c)), c.late ? h('span.chip.chip-late', t('cases.lateChip')) : null)),
    flash,
    h('div.case-grid',
      h('div.case-main',
        h('section.card.case-card', h('h2', t('cases.basic')), facts,
          ctx.can('case.write') ? transitionForm(ctx, c) : null),
        history),
      contactsCard));
  drawContacts(ctx, c, contactsCard);
}

// The moves the case may take now, as one choice each; a reason is required.
function transitionForm(ctx, c) {
  const allowed = c.allowed || [];
  const box = h('div.transition-box', { 'data-testid': 'transition' }, h('h3', t('cases.move')));
  if (!allowed.length) {
    box.append(h('p.muted', t('cases.noMoves')));
    return box;
  }
  const name = `move-${c.id}`;
  const radios = h('div.seg-radios.move-radios', { role: 'radiogroup', 'aria-label': t('cases.move') },
    allowed.map((m) => h('label.seg-radio', h('input', { type: 'radio', name, value: m }), h('span', moveLabel(m)))));
  const reason = h('input', { id: `reason-${c.id}`, name: 'reason', maxlength: '200', autocomplete: 'off', placeholder: t('cases.reasonPlaceholder') });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('cases.doMove'));
  const form = h('form.move-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const to = form.querySelector(`input[name="${name}"]:checked`)?.value;
      const why = reason.value.trim();
      if (!to) { fill(msg, notice('error', t('cases.needMove'))); return; }
      if (why.length < 2) { reason.setAttribute('aria-invalid', 'true'); fill(msg, notice('error', t('cases.needReason'))); reason.focus(); return; }
      reason.removeAttribute('aria-invalid');
      submit.disabled = true;
      try {
        await API.cases.transition(c.id, { to, reason: why });
        const fresh = await API.cases.get(c.id);
        if (!ctx.isCurrent()) return;
        drawCase(ctx, fresh, notice('success', t('cases.moved', { to: moveLabel(to) })));
      } catch (err) {
        submit.disabled = false;
        if (err.code === 'transition' && err.allowed) {
          fill(msg, notice('error', t('cases.notAllowed', { list: err.allowed.map(moveLabel).join(t('common.listSep')) || '—' })));
        } else {
          fill(msg, notice('error', errorText(err)));
        }
      }
    },
  },
  radios,
  h('div.field', h('label', { for: reason.id }, t('cases.reason')), reason),
  msg, submit);
  box.append(form);
  return box;
}

// ---- close contacts of a case ----

async function drawContacts(ctx, c, card) {
  const list = h('ul.contact-list', { 'data-testid': 'contacts' });
  const add = ctx.can('case.write') ? h('button.btn.btn-primary.btn-small', {
    type: 'button', 'aria-expanded': 'false', 'data-testid': 'add-contact',
    onclick: () => {
      const open = !formSlot.childElementCount;
      add.setAttribute('aria-expanded', String(open));
      if (!open) { fill(formSlot); return; }
      fill(formSlot, contactForm(ctx, c, (r) => {
        fill(formSlot);
        add.setAttribute('aria-expanded', 'false');
        fill(result, notice('success', t('contacts.added', { end: r.observation_end || '—' })),
          r.warning ? h('div.notice.notice-warn', { role: 'alert', 'data-testid': 'exposure-warning' }, icon('alert'),
            h('div.notice-body', h('p', h('strong', t('contacts.warningTitle')), ' ', t('contacts.warningText')), h('p.code', r.warning))) : null);
        drawContacts(ctx, c, card);
      }));
      formSlot.querySelector('input')?.focus();
    },
  }, icon('plus'), h('span', t('contacts.add'))) : null;
  const formSlot = card.querySelector('.contact-form-slot') || h('div.contact-form-slot');
  const result = card.querySelector('.contact-result') || h('div.contact-result', { 'aria-live': 'polite' });
  fill(card,
    h('div.section-head', h('h2', t('contacts.title')), add),
    result, formSlot,
    pagedList({
      listEl: list,
      fetchPage: (after) => API.contacts.ofCase(c.id, after),
      renderItems: (items) => items.map((k) => h('li.contact-item', { dataset: { contact: k.id, person: k.person_id } },
        h('div.contact-head',
          h('strong.contact-name', h('bdi', k.person_name || t('contacts.outOfScope'))),
          // named (the doctor traced them), but their record is another area's
          k.region && !k.region.startsWith(ctx.me.scope.code || '') ? h('span.chip.chip-queued.contact-elsewhere', t('contacts.elsewhere')) : null,
          h('span.chip.chip-none', label('contact.setting', k.setting)),
          k.observation_state ? h(`span.chip.obs-${k.observation_state}`, label('obs.state', k.observation_state)) : null),
        h('div.contact-meta',
          h('span', t('contacts.exposure', { from: k.first_exposure, to: k.last_exposure })),
          k.observation_end ? h('span', t('contacts.obsEnd', { date: k.observation_end })) : null,
          k.case_id ? h('a', { href: caseHref(k.case_id) }, t('contacts.becameCase', { id: k.case_id })) : null))),
      emptyText: t('contacts.none'),
      isCurrent: ctx.isCurrent,
    }));
}

function contactForm(ctx, c, onDone) {
  const id = `ct-${c.id}`;
  let mode = 'known';
  const person = personPicker({ idPrefix: `${id}-person` });
  // a new person
  const name = h('input', { id: `${id}-name`, name: 'name', maxlength: '50', autocomplete: 'off' });
  const sex = h('select', { id: `${id}-sex`, name: 'sex' }, h('option', { value: '' }, t('contacts.unknown')),
    codes('sexes').filter((s) => s !== 'U').map((s) => h('option', { value: s }, label('sex', s)))); // '': not known (U)
  const docType = h('select', { id: `${id}-doctype`, name: 'doc_type' },
    codes('doc_types').map((d) => h('option', { value: d }, label('doc', d))));
  const doc = h('input', { id: `${id}-doc`, name: 'doc_number', maxlength: '40', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' });
  const phone = h('input', { id: `${id}-phone`, name: 'phone', type: 'tel', maxlength: '30', autocomplete: 'off', inputmode: 'tel' });
  let grid = '';
  const gp = gridPicker({ scope: ctx.me.scope, idPrefix: `${id}-grid`, onChange: (g) => { grid = g; } });
  const building = h('input', { id: `${id}-building`, name: 'building', maxlength: '50', autocomplete: 'off' });
  const unit = h('input', { id: `${id}-unit`, name: 'unit', maxlength: '50', autocomplete: 'off' });
  const room = h('input', { id: `${id}-room`, name: 'room', maxlength: '50', autocomplete: 'off' });
  const address = h('input', { id: `${id}-address`, name: 'address', maxlength: '200', autocomplete: 'off' });
  const field = (el, key, hint) => h('div.field', h('label', { for: el.id }, t(key)), el, hint ? h('p.hint', t(hint)) : null);
  const newBox = h('div.new-person', { hidden: true },
    h('div.form-grid',
      field(name, 'contacts.name'), field(sex, 'persons.sex'), field(docType, 'persons.docType'),
      field(doc, 'persons.docNumber', 'contacts.docHint'), field(phone, 'persons.phone')),
    h('div.field', h('span.group-label', t('contacts.grid')), gp.el),
    h('div.form-grid', field(building, 'contacts.building'), field(unit, 'contacts.unit'), field(room, 'contacts.room'),
      field(address, 'contacts.address')),
    h('p.hint', t('contacts.addressHint')));
  const knownBox = h('div.known-person', person.el);
  const whoRadios = h('div.seg-radios.two', { role: 'radiogroup', 'aria-label': t('contacts.who') },
    ['known', 'new'].map((m) => h('label.seg-radio', h('input', {
      type: 'radio', name: `${id}-who`, value: m, checked: m === 'known' ? true : null,
      onchange: () => { mode = m; knownBox.hidden = m !== 'known'; newBox.hidden = m !== 'new'; },
    }), h('span', t(`contacts.who.${m}`)))));

  const today = API.serverToday();
  const setting = select(`${id}-setting`, 'setting', codes('contact_settings'), 'contact.setting', { value: 'household' });
  const first = h('input', { id: `${id}-first`, type: 'date', name: 'first_exposure', max: today });
  const last = h('input', { id: `${id}-last`, type: 'date', name: 'last_exposure', max: today });
  let obsMode = 'home';
  const site = h('select', { id: `${id}-site`, name: 'site_id' }, h('option', { value: '' }, t('common.loading')));
  const siteField = h('div.field', { hidden: true }, h('label', { for: site.id }, t('contacts.site')), site);
  let sitesLoaded = false;
  const loadSites = async () => {
    if (sitesLoaded) return;
    sitesLoaded = true;
    try {
      const s = await API.sites.list();
      fill(site, h('option', { value: '' }, s.items.length ? t('contacts.chooseSite') : t('contacts.noSites')),
        s.items.map((x) => h('option', { value: x.id, disabled: x.occupancy >= x.capacity ? true : null },
          t('contacts.siteOption', { name: x.name, occupancy: x.occupancy, capacity: x.capacity }))));
    } catch (err) {
      sitesLoaded = false;
      fill(site, h('option', { value: '' }, errorText(err)));
    }
  };
  const modeRadios = h('div.seg-radios.two', { role: 'radiogroup', 'aria-label': t('contacts.mode') },
    codes('observation_modes').map((m) => h('label.seg-radio', h('input', {
      type: 'radio', name: `${id}-mode`, value: m, checked: m === 'home' ? true : null,
      onchange: () => { obsMode = m; siteField.hidden = m !== 'centralised'; if (m === 'centralised') loadSites(); },
    }), h('span', label('obs.mode', m)))));

  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('contacts.save'));
  const err = (key) => { fill(msg, notice('error', t(key))); return false; };
  const form = h('form.contact-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      fill(msg);
      const body = { source_case_id: c.id, setting: setting.value, first_exposure: first.value, last_exposure: last.value, mode: obsMode };
      if (mode === 'known') {
        if (!person.value()) return err('cases.needPerson');
        body.person_id = person.value();
      } else {
        const p = { name: name.value.trim(), grid };
        if (!p.name) { name.setAttribute('aria-invalid', 'true'); return err('contacts.needName'); }
        name.removeAttribute('aria-invalid');
        if (!grid) return err('contacts.needGrid');
        for (const [k, el] of Object.entries({ sex, doc_number: doc, phone, building, unit, room, address })) {
          if (el.value.trim()) p[k] = el.value.trim();
        }
        if (p.doc_number) p.doc_type = docType.value;
        if (!p.address && !(p.building && p.room)) return err('contacts.addressHint');
        body.person = p;
      }
      if (!first.value || !last.value) return err('contacts.needDates');
      if (first.value > last.value) return err('contacts.badDates');
      if (obsMode === 'centralised') {
        if (!site.value) return err('contacts.needSite');
        body.site_id = Number(site.value);
      }
      submit.disabled = true;
      try {
        onDone(await API.contacts.create(body));
      } catch (ex) {
        submit.disabled = false;
        const byField = { site_id: ex.status === 409 ? 'contacts.siteFull' : 'contacts.needSite', first_exposure: 'contacts.badDates', last_exposure: 'contacts.badDates' };
        fill(msg, notice('error', byField[ex.field] ? t(byField[ex.field])
          : `${errorText(ex)}${ex.status === 400 && ex.message ? ` (${ex.message})` : ''}`));
      }
    },
  },
  h('fieldset', h('legend', t('contacts.who')), whoRadios), knownBox, newBox,
  h('div.form-grid', field(setting, 'contacts.setting'), field(first, 'contacts.first'), field(last, 'contacts.last')),
  h('p.hint', t('contacts.windowHint')),
  h('fieldset', h('legend', t('contacts.mode')), modeRadios), siteField,
  msg, h('div.form-actions', submit));
  return h('div.contact-form-box', { 'data-testid': 'contact-form' }, form);
}
