// views/persons.js - the resident registry: search (name prefix, last four
// characters of the ID number, last four digits of the phone), a person's
// page with their household, and, by permission, revealing the full ID
// number and phone with a reason, importing a CSV file (checked by a dry run
// first) and exporting a CSV file.  Values come masked from the server;
// every search, view, reveal, import and export is in the audit log, and the
// page says so where it matters.  The search lives in the address
// (#/persons?name=王) like the audit filters.
import { t, label, fmtNumber } from '../i18n.js';
import * as API from '../api.js';
import { h, fill, loadRecord, icon, notice, loading, errorText, pagedList, td, emptyState } from '../dom.js';
import { gridPicker } from './gridpick.js';

const PAGE = 50;
const FILTERS = [
  { key: 'name', param: 'name', max: 50, check: (v) => v.length >= 1 },
  { key: 'doc', param: 'doc_suffix', max: 4, check: (v) => /^[0-9]{3}[0-9Xx]$/.test(v), mode: 'text' },
  { key: 'phone', param: 'phone_suffix', max: 4, check: (v) => /^[0-9]{4}$/.test(v), mode: 'numeric' },
];

export function personHref(id) { return `#/persons/${encodeURIComponent(id)}`; }

function tagChips(tags) {
  return (tags || []).map((tg) => h('span.tag', label('tag', tg)));
}

export function renderSearch(ctx) {
  const { main, query } = ctx;
  const values = Object.fromEntries(FILTERS.map((f) => [f.key, (query.get(f.key) || '').trim()]));
  const inputs = {};
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const fields = FILTERS.map((f) => {
    inputs[f.key] = h('input', {
      id: `ps-${f.key}`, name: f.key, type: 'search', value: values[f.key], maxlength: String(f.max),
      autocomplete: 'off', inputmode: f.mode || null, placeholder: t(`persons.${f.key}Placeholder`),
      autocapitalize: f.key === 'doc' ? 'characters' : null, spellcheck: 'false',
    });
    return h('div.field', h('label', { for: `ps-${f.key}` }, t(`persons.by.${f.key}`)), inputs[f.key]);
  });
  const form = h('form.filters.person-search', {
    role: 'search', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      const p = new URLSearchParams();
      for (const f of FILTERS) {
        const v = inputs[f.key].value.trim();
        inputs[f.key].removeAttribute('aria-invalid');
        if (!v) continue;
        if (!f.check(v)) {
          inputs[f.key].setAttribute('aria-invalid', 'true');
          inputs[f.key].focus();
          fill(msg, notice('error', t(`persons.bad.${f.key}`)));
          return;
        }
        p.set(f.key, v);
      }
      if (![...p.keys()].length) {
        fill(msg, notice('error', t('persons.needFilter')));
        inputs.name.focus();
        return;
      }
      const s = `#/persons?${p}`;
      if (location.hash === s) renderSearch(ctx); else location.hash = s;
    },
  },
  fields,
  h('div.field.field-button', h('button.btn.btn-primary', { type: 'submit' }, icon('search'), h('span', t('common.search')))),
  Object.values(values).some(Boolean) ? h('div.field.field-button', h('a.btn.btn-secondary', { href: '#/persons' }, t('common.clear'))) : null);

  const filter = {};
  for (const f of FILTERS) if (values[f.key]) filter[f.param] = values[f.key];
  let results;
  if (!Object.keys(filter).length) {
    results = h('div.search-hint', emptyState(t('persons.hint')));
  } else {
    const cols = ['persons.name', 'persons.sex', 'persons.birthYear', 'persons.docNumber', 'persons.phone',
      'persons.grid', 'persons.tags'];
    const tbody = h('tbody');
    const table = h('table.data-table.persons-table', { 'data-testid': 'persons' },
      h('thead', h('tr', cols.map((c) => h('th', { scope: 'col' }, t(c))))), tbody);
    results = pagedList({
      listEl: tbody,
      box: h('div.table-wrap', table),
      fetchPage: (after) => API.persons.search(filter, after, PAGE),
      renderItems: (items) => items.map((p) => h('tr', { dataset: { id: p.id } },
        td(t('persons.name'), h('a.person-link', { href: personHref(p.id) }, h('bdi', p.name))),
        td(t('persons.sex'), label('sex', p.sex)),
        td(t('persons.birthYear'), p.birth_year || '—'),
        td(t('persons.docNumber'), h('span.code.masked', p.doc_number || '—')),
        td(t('persons.phone'), h('span.code.masked', p.phone || '—')),
        td(t('persons.grid'), h('span.code', p.region)),
        td(t('persons.tags'), tagChips(p.tags).length ? tagChips(p.tags) : '—'))),
      emptyText: t('persons.noResults'),
      isCurrent: ctx.isCurrent,
    });
  }

  const importBox = ctx.can('person.import') ? importPanel(ctx) : null;
  if (importBox) importBox.hidden = true;
  const tools = h('div.head-tools',
    importBox ? h('button.btn.btn-primary', {
      type: 'button', 'aria-expanded': 'false', 'aria-controls': 'import-panel',
      onclick: (e) => {
        importBox.hidden = !importBox.hidden;
        e.currentTarget.setAttribute('aria-expanded', String(!importBox.hidden));
        if (!importBox.hidden) importBox.querySelector('input')?.focus();
      },
    }, icon('upload'), h('span', t('persons.import'))) : null,
    ctx.can('person.export') ? h('a.btn.btn-secondary', {
      href: API.persons.exportHref({ region: ctx.me.scope.code }), download: '', 'data-testid': 'export',
    }, icon('download'), h('span', t('persons.export'))) : null);

  fill(main, 
    h('div.page-head.title-row',
      h('div', h('h1', { tabindex: '-1' }, t('persons.title')), h('p.muted', t('persons.intro'))),
      tools.childElementCount ? tools : null),
    ctx.can('person.export') ? h('p.hint.export-hint', icon('info'), t('persons.exportHint', { name: ctx.me.scope.name })) : null,
    importBox,
    h('section.card', form, msg, results));
  if (!Object.keys(filter).length) queueMicrotask(() => inputs.name.focus());
}

// ---- import ----

function importPanel(ctx) {
  const file = h('input', { id: 'import-file', type: 'file', name: 'file', accept: '.csv,text/csv' });
  let grid = '';
  const picker = gridPicker({
    scope: ctx.me.scope, idPrefix: 'import-grid', optional: true,
    onChange: (code) => { grid = code; reset(); },
  });
  const result = h('div.import-result', { 'aria-live': 'polite' });
  const check = h('button.btn.btn-primary', { type: 'button' }, t('persons.dryRun'));
  const doImport = h('button.btn.btn-secondary', { type: 'button', disabled: true }, t('persons.doImport'));
  let checked = null; // {file, grid} of the last clean dry run
  function reset() {
    checked = null;
    doImport.disabled = true;
    check.classList.replace('btn-secondary', 'btn-primary');
    doImport.classList.replace('btn-primary', 'btn-secondary');
  }
  file.addEventListener('change', () => { reset(); fill(result); });

  async function run(dryRun) {
    const f = file.files[0];
    if (!f) {
      file.setAttribute('aria-invalid', 'true');
      fill(result, notice('error', t('persons.needFile')));
      return;
    }
    file.removeAttribute('aria-invalid');
    check.disabled = true;
    doImport.disabled = true;
    fill(result, loading());
    try {
      const r = await API.persons.importCsv(f, { grid, dryRun });
      fill(result, importResult(r));
      checked = dryRun && r.rows > r.rejected_count ? { f, grid } : null;
    } catch (err) {
      checked = null;
      fill(result, notice('error', err.field === 'file' ? t('persons.badFile', { why: err.message })
        : errorText(err, { byCode: { too_large: 'persons.tooLarge' } })));
    } finally {
      check.disabled = false;
      doImport.disabled = !checked;
      // after a clean check, importing is the next step
      check.classList.toggle('btn-primary', !checked);
      check.classList.toggle('btn-secondary', !!checked);
      doImport.classList.toggle('btn-primary', !!checked);
      doImport.classList.toggle('btn-secondary', !checked);
    }
  }
  check.addEventListener('click', () => run(true));
  doImport.addEventListener('click', () => {
    if (checked && checked.f === file.files[0] && checked.grid === grid) run(false);
  });

  return h('section.card.import-card', { id: 'import-panel', 'data-testid': 'import' },
    h('h2', t('persons.importTitle')),
    h('p.muted', t('persons.importIntro')),
    h('p.hint', t('persons.importColumns')),
    h('div.form-grid',
      h('div.field', h('label', { for: 'import-file' }, t('persons.file')), file),
      h('div.field', h('span.group-label', t('persons.defaultGrid')), picker.el, h('p.hint', t('persons.defaultGridHint')))),
    h('div.form-actions', check, doImport),
    h('p.hint', t('persons.dryRunHint')),
    result);
}

function importResult(r) {
  const n = (k) => fmtNumber(r[k]);
  return h('div', { 'data-testid': 'import-result', dataset: { dryRun: String(!!r.dry_run) } },
    r.dry_run ? notice('info', t('persons.dryRunDone')) : notice('success', t('persons.importDone')),
    h('dl.facts.import-facts',
      h('div', h('dt', t('persons.encoding')), h('dd', { dataset: { k: 'encoding' } }, r.encoding)),
      ['rows', 'imported', 'updated', 'unchanged', 'households_created', 'rejected_count'].map((k) => h('div',
        h('dt', t(`persons.count.${k}`)), h('dd', { dataset: { k } }, n(k))))),
    r.ignored_columns && r.ignored_columns.length
      ? h('p.hint', t('persons.ignored', { cols: r.ignored_columns.join(t('common.listSep')) })) : null,
    r.rejected && r.rejected.length ? h('div',
      h('h3', t('persons.rejected')),
      h('div.table-wrap', h('table.data-table.rejected-table', { 'data-testid': 'rejected' },
        h('thead', h('tr', ['persons.line', 'persons.column', 'persons.rejectReason'].map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', r.rejected.map((x) => h('tr', { dataset: { line: x.line } },
          td(t('persons.line'), String(x.line)), td(t('persons.column'), x.column || '—'),
          td({ label: t('persons.rejectReason'), cls: 'detail' }, x.reason))))))) : null);
}

// ---- one person ----

export async function renderPerson(ctx) {
  const { main } = ctx;
  const p = await loadRecord(ctx, () => API.persons.get(ctx.params.id), {
    notFoundTitle: t('persons.notFoundTitle'), notFound: t('persons.notFound'), back: '#/persons', backLabel: t('persons.backToSearch'),
  }, () => renderPerson(ctx));
  if (!p || !ctx.isCurrent()) return;
  ctx.setTitle(p.name);

  const docDd = h('dd.code.masked', { 'data-testid': 'doc-number' }, p.doc_number || '—');
  const phoneDd = h('dd.code.masked', { 'data-testid': 'phone' }, p.phone || '—');
  const fact = (key, dd) => h('div', h('dt', t(key)), dd instanceof Node ? dd : h('dd', dd));
  const facts = h('dl.facts.person-facts',
    fact('persons.sex', label('sex', p.sex)),
    fact('persons.birthYear', p.birth_year ? String(p.birth_year) : '—'),
    fact('persons.docType', label('doc', p.doc_type)),
    fact('persons.docNumber', docDd),
    fact('persons.phone', phoneDd),
    fact('persons.origin', p.origin || '—'),
    fact('persons.arrival', p.arrival_date || '—'),
    fact('persons.history', p.history && p.history.length ? p.history.map((x) => label('history', x)).join(t('common.listSep')) : t('persons.noHistory')));

  const household = h('section.card.household-card', h('h2', t('persons.household')), loading());
  fill(main, 
    h('div.page-head',
      h('a.link.back-link', { href: '#/persons' }, t('persons.backToSearch')),
      h('div.title-row', h('h1', { tabindex: '-1' }, h('bdi', p.name)), tagChips(p.tags))),
    h('div.person-grid',
      h('section.card.person-card', h('h2', t('persons.basic')), facts,
        ctx.can('person.reveal') ? revealPanel(p, docDd, phoneDd) : h('p.hint', icon('info'), t('persons.maskedNote'))),
      household));
  loadHousehold(ctx, p, household);
}

async function loadHousehold(ctx, p, card) {
  try {
    const [hh, members] = await Promise.all([
      API.households.get(p.household_id),
      API.persons.search({ household_id: p.household_id }, null, 50),
    ]);
    if (!ctx.isCurrent()) return;
    const where = [hh.building, hh.unit, hh.room].filter(Boolean).join(' ');
    fill(card, h('h2', t('persons.household')),
      h('dl.facts',
        h('div', h('dt', t('persons.grid')), h('dd', hh.grid_name, ' ', h('span.code', hh.grid))),
        h('div', h('dt', t('persons.address')), h('dd', { 'data-testid': 'address' }, h('bdi', [where, hh.address].filter(Boolean).join(' · ') || '—')))),
      h('h3', t('persons.members', { n: members.items.length, count: members.items.length })),
      h('ul.member-list', members.items.map((m) => h('li', m.id === p.id
        ? h('strong', h('bdi', m.name), h('span.muted', ` ${t('persons.thisPerson')}`))
        : h('a', { href: personHref(m.id) }, h('bdi', m.name)),
      h('span.muted', ` ${label('sex', m.sex)} ${m.birth_year || ''}`), tagChips(m.tags)))));
  } catch (err) {
    if (!ctx.isCurrent()) return;
    fill(card, h('h2', t('persons.household')), notice('error', errorText(err)));
  }
}

function revealPanel(p, docDd, phoneDd) {
  const box = h('div.reveal-box', { 'data-testid': 'reveal' });
  const start = h('button.btn.btn-secondary', {
    type: 'button',
    onclick: () => {
      start.hidden = true;
      box.append(form);
      reason.focus();
    },
  }, icon('eye'), h('span', t('persons.reveal')));
  const reason = h('input', {
    id: 'reveal-reason', name: 'reason', maxlength: '200', autocomplete: 'off', placeholder: t('persons.reasonPlaceholder'),
    'aria-describedby': 'reveal-hint',
  });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('persons.revealSubmit'));
  const form = h('form.reveal-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const why = reason.value.trim();
      if (why.length < 2) {
        reason.setAttribute('aria-invalid', 'true');
        fill(msg, notice('error', t('persons.needReason')));
        reason.focus();
        return;
      }
      reason.removeAttribute('aria-invalid');
      submit.disabled = true;
      try {
        const r = await API.persons.reveal(p.id, why);
        docDd.textContent = r.doc_number || '—';
        phoneDd.textContent = r.phone || '—';
        docDd.classList.replace('masked', 'revealed');
        phoneDd.classList.replace('masked', 'revealed');
        fill(box, notice('success', t('persons.revealed', { reason: why })));
      } catch (err) {
        submit.disabled = false;
        fill(msg, notice('error', errorText(err, { byCode: {} })));
      }
    },
  },
  h('label', { for: 'reveal-reason' }, t('persons.reason')),
  h('div.input-with-button', reason, submit),
  h('p.hint', { id: 'reveal-hint' }, t('persons.revealHint')),
  msg);
  box.append(h('p.hint', icon('info'), t('persons.maskedNote')), start);
  return box;
}
