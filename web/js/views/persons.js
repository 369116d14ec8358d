// views/persons.js - the resident registry: search (name prefix, last four
// characters of the ID number, last four digits of the phone), a person's
// page with their household, and, by permission, revealing the full ID
// number and phone with a reason, importing a CSV file (checked by a dry run
// first) and exporting a CSV file.  Values come masked from the server;
// every search, view, reveal, import and export is in the audit log, and the
// page says so where it matters.  The search lives in the address
// (#/persons?name=王) like the audit filters.
import { t, has, label, fmtNumber } from '../i18n.js';
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

const WORKBOOK_TYPES = '.xlsx,.xls,.csv,text/csv,application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const REJECTS_SHOWN = 100; // the rest are in the download

// An id for the import's progress (GET /imports/{id}).
function progressId() {
  return globalThis.crypto?.randomUUID ? crypto.randomUUID() : `imp-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function importPanel(ctx) {
  const file = h('input', { id: 'import-file', type: 'file', name: 'file', accept: WORKBOOK_TYPES });
  const sheet = h('input', { id: 'import-sheet', type: 'text', name: 'sheet', autocomplete: 'off', placeholder: t('persons.sheetFirst') });
  let grid = '';
  const picker = gridPicker({
    scope: ctx.me.scope, idPrefix: 'import-grid', optional: true,
    onChange: (code) => { grid = code; reset(); },
  });
  const result = h('div.import-result', { 'aria-live': 'polite' });
  const check = h('button.btn.btn-primary', { type: 'button' }, t('persons.dryRun'));
  const doImport = h('button.btn.btn-secondary', { type: 'button', disabled: true }, t('persons.doImport'));
  let checked = null; // {file, grid, sheet} of the last clean dry run
  function reset() {
    checked = null;
    doImport.disabled = true;
    check.classList.replace('btn-secondary', 'btn-primary');
    doImport.classList.replace('btn-primary', 'btn-secondary');
  }
  file.addEventListener('change', () => { reset(); fill(result); });
  sheet.addEventListener('input', reset);

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
    const bar = importProgress(f.size);
    fill(result, bar.el);
    const id = progressId();
    let done = false;
    // while the server reads and stores, its counts every second
    const poll = async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, 800));
        if (done || !bar.uploaded) continue;
        try { bar.rows(await API.persons.importProgress(id)); } catch { /* not yet known: keep waiting */ }
      }
    };
    try {
      poll();
      const r = await API.persons.importFile(f, { grid, dryRun, sheet: sheet.value.trim(), progress: id }, bar.upload);
      done = true;
      fill(result, importResult(r));
      checked = dryRun && r.rows > r.rejected_count ? { f, grid, sheet: sheet.value } : null;
    } catch (err) {
      done = true;
      checked = null;
      fill(result, notice('error', err.field === 'file' || err.field === 'sheet' ? t('persons.badFile', { why: err.message })
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
    if (checked && checked.f === file.files[0] && checked.grid === grid && checked.sheet === sheet.value) run(false);
  });

  return h('section.card.import-card', { id: 'import-panel', 'data-testid': 'import' },
    h('h2', t('persons.importTitle')),
    h('p.muted', t('persons.importIntro')),
    h('p.hint', t('persons.importColumns')),
    h('p.template-links', icon('download'), h('span', t('persons.template')),
      h('a', { href: API.persons.templateHref(), download: '', 'data-testid': 'template-xlsx' }, t('persons.templateXlsx')),
      h('a', { href: API.persons.templateHref('csv'), download: '', 'data-testid': 'template-csv' }, t('persons.templateCsv'))),
    h('div.form-grid',
      h('div.field', h('label', { for: 'import-file' }, t('persons.file')), file),
      h('div.field', h('label', { for: 'import-sheet' }, t('persons.sheet')), sheet, h('p.hint', t('persons.sheetHint'))),
      h('div.field', h('span.group-label', t('persons.defaultGrid')), picker.el, h('p.hint', t('persons.defaultGridHint')))),
    h('div.form-actions', check, doImport),
    h('p.hint', t('persons.dryRunHint')),
    result);
}

// The upload's bar, then the server's row counts.
function importProgress(size) {
  const bar = h('progress', { max: 100, value: 0, 'aria-labelledby': 'import-progress-text' });
  const text = h('p', { id: 'import-progress-text' }, t('persons.uploading', { pct: '0' }));
  const el = h('div.import-progress', { 'data-testid': 'import-progress', role: 'status' }, text, bar);
  const self = {
    el, uploaded: false,
    upload(sent, total) {
      const pct = total ? Math.min(100, Math.round((100 * sent) / total)) : 0;
      bar.value = pct;
      text.textContent = t('persons.uploading', { pct: String(pct) });
      if (sent >= (total || size)) {
        self.uploaded = true;
        bar.removeAttribute('value'); // indeterminate until the server counts
        text.textContent = t('persons.processing');
      }
    },
    rows(p) {
      if (!p || p.state === 'queued') return;
      if (p.rows_total) { bar.max = p.rows_total; bar.value = Math.min(p.rows_read, p.rows_total); }
      text.textContent = t('persons.rowsProgress', { read: fmtNumber(p.rows_read), stored: fmtNumber(p.stored), rejected: fmtNumber(p.rejected) });
    },
  };
  return self;
}

// A rejected row's reason in the page's language (the server's English
// message for a code this page does not know).
const reasonText = (x) => (x.code && has(`importReason.${x.code}`) ? t(`importReason.${x.code}`) : x.message || x.reason);

// Every rejected row as CSV (BOM: Excel reads UTF-8): line, column, code,
// reason in the page's language, then the row's cells as the server sent
// them (ID and phone numbers masked).
function rejectedCsv(r) {
  const q = (v) => { const s = String(v ?? ''); return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  const head = [t('persons.line'), t('persons.column'), t('persons.reasonCode'), t('persons.rejectReason'), ...(r.columns || [])];
  const lines = [head, ...r.rejected.map((x) => [x.line, x.column, x.code, reasonText(x), ...(x.cells || [])])];
  return `\uFEFF${lines.map((l) => l.map(q).join(',')).join('\r\n')}\r\n`;
}

function importResult(r) {
  const n = (k) => fmtNumber(r[k]);
  const rejected = r.rejected || [];
  let download = null;
  if (rejected.length) {
    download = h('button.btn.btn-secondary', { type: 'button', 'data-testid': 'rejected-download' }, icon('download'),
      h('span', t('persons.rejectedDownload', { n: fmtNumber(rejected.length) })));
    download.addEventListener('click', () => {
      const a = h('a', { href: URL.createObjectURL(new Blob([rejectedCsv(r)], { type: 'text/csv;charset=utf-8' })), download: t('persons.rejectedFile') });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    });
  }
  return h('div', { 'data-testid': 'import-result', dataset: { dryRun: String(!!r.dry_run) } },
    r.dry_run ? notice('info', t('persons.dryRunDone')) : notice('success', t('persons.importDone')),
    h('dl.facts.import-facts',
      h('div', h('dt', t('persons.encoding')), h('dd', { dataset: { k: 'encoding' } }, r.sheet ? `${r.encoding} · ${r.sheet}` : r.encoding)),
      ['rows', 'imported', 'updated', 'unchanged', 'households_created', 'rejected_count'].map((k) => h('div',
        h('dt', t(`persons.count.${k}`)), h('dd', { dataset: { k } }, n(k))))),
    r.ignored_columns && r.ignored_columns.length
      ? h('p.hint', t('persons.ignored', { cols: r.ignored_columns.join(t('common.listSep')) })) : null,
    rejected.length ? h('div',
      h('div.rejected-head', h('h3', t('persons.rejected')), download),
      rejected.length > REJECTS_SHOWN || r.rejected_count > rejected.length
        ? h('p.hint', { 'data-testid': 'rejected-more' }, t('persons.rejectedMore', { shown: fmtNumber(Math.min(REJECTS_SHOWN, rejected.length)), n: n('rejected_count') })) : null,
      h('div.table-wrap', h('table.data-table.rejected-table', { 'data-testid': 'rejected' },
        h('thead', h('tr', ['persons.line', 'persons.column', 'persons.rejectReason'].map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', rejected.slice(0, REJECTS_SHOWN).map((x) => h('tr', { dataset: { line: x.line, code: x.code } },
          td(t('persons.line'), String(x.line)), td(t('persons.column'), x.column || '—'),
          td({ label: t('persons.rejectReason'), cls: 'detail' }, reasonText(x)))))))) : null);
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
