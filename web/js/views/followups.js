// views/followups.js - the medical-observation worklist (随访), made for the
// community doctor's phone: the people under observation whose current
// follow-up (morning until noon, evening after) is not recorded yet, each
// with one tap for "no symptoms, temperature not measured" or a short form
// for the temperature and symptoms (no temperature is ever filled in for the
// doctor: it is measured, or said not to be); people with symptoms are offered "convert to a
// suspected case"; observations whose 14 days are over without symptoms
// wait for the doctor to release them.  The worklist is every active
// observation in scope (GET /observations/due), read whole and split here.
//
// Each card says where the person lives and offers a call: the phone comes
// masked and "call" reveals it (POST /persons/{id}/reveal, reason
// "follow-up call", audited per person called) as a tel: link.  The last
// readings show as a small trend ("not measured" as such).  Follow-ups go
// through the outbox (outbox.js) with a uuid made here: recorded offline,
// they are sent when the network returns, and a resend is a replay.  The
// worklist last read is kept on the phone for use offline.
import { t, label } from '../i18n.js';
import * as API from '../api.js';
import * as outbox from '../outbox.js';
import { h, fill, icon, notice, loading, errorText, emptyState } from '../dom.js';
import { fever, parseTemperature } from './screening.js';
import { caseHref } from './cases.js';
import { codes, setting } from '../vocab.js';

const MAX_ITEMS = 5000; // a community's observations: a few hundred at most
const UNIT_KEY = 'fangkong.reportingUnit';

const KEPT = 'followups'; // the worklist's key in the outbox's store

// Every page of the worklist, with the day and slot the server counts by
// (its clock and zone decide what is due, not the phone's).  Offline: the
// worklist last read here ({offline: fetched}), with the follow-ups still
// waiting on the phone taken as done.
async function allDue() {
  const out = [];
  let after = null, date = null, slot = null;
  try {
    do {
      const page = await API.observations.due(null, after, 1000);
      out.push(...page.items);
      ({ date, slot } = page);
      after = page.next;
    } while (after && out.length < MAX_ITEMS);
  } catch (err) {
    const kept = err.status === 0 ? await outbox.worklist(KEPT) : null;
    if (!kept) throw err;
    const waiting = await outbox.items('followup');
    const data = kept.data;
    for (const o of data.items) {
      if (waiting.some((w) => w.obs === o.id && w.date === data.date && w.body.slot === data.slot)) o.due = false;
    }
    return { ...data, offline: kept.fetched };
  }
  const data = { items: out, date, slot };
  await outbox.saveWorklist(KEPT, data).catch(() => {});
  return data;
}

// Sends body as the follow-up of o (for the worklist's day and slot) through
// the outbox: {result}, {queued: true} offline, or throws the refusal.
async function recordFollowup(env, o, body) {
  const full = { ...body, uuid: outbox.newUuid(), date: env.today, slot: env.slot };
  await outbox.addFollowup(o.id, full);
  const r = await outbox.send(full.uuid);
  if (r.error) throw Object.assign(new Error(r.error.message || ''), r.error);
  if (r.result) return r.result;
  // kept on the phone: judged here as the server will
  const v = full.temperature;
  return { queued: true, symptomatic: (v != null && v >= fever()) || (full.symptoms || []).length > 0 };
}

// Day n of the observation (1-based) and its length.
function dayOf(o, today) {
  const d = (s) => Date.parse(`${s}T00:00:00Z`) / 86400000;
  return { n: Math.max(1, d(today) - d(o.start_date) + 1), of: d(o.end_date) - d(o.start_date) + 1 };
}

export async function render(ctx) {
  const { main } = ctx;
  fill(main, h('div.page-head', h('h1', { tabindex: '-1' }, t('fu.title'))), loading());
  let items, date, slot, offline;
  try {
    ({ items, date, slot, offline } = await allDue());
  } catch (err) {
    if (!ctx.isCurrent()) return;
    fill(main, h('div.page-head', h('h1', { tabindex: '-1' }, t('fu.title'))), notice('error', errorText(err),
      h('button.btn.btn-secondary', { type: 'button', onclick: () => render(ctx) }, t('common.retry'))));
    return;
  }
  if (!ctx.isCurrent()) return;
  const today = date;
  const pm = slot === 'pm';

  const release = items.filter((o) => o.release);
  const sick = items.filter((o) => !o.release && o.symptomatic > 0);
  const due = items.filter((o) => !o.release && !o.symptomatic && o.due);
  const done = items.filter((o) => !o.release && !o.symptomatic && !o.due);

  const dueList = h('ul.fu-list', { 'data-testid': 'fu-due' });
  const sickList = h('ul.fu-list', { 'data-testid': 'fu-sick' });
  const relList = h('ul.fu-list', { 'data-testid': 'fu-release' });
  const doneList = h('ul.fu-list.fu-done-list', { 'data-testid': 'fu-done' });
  const counts = { due: due.length, sick: sick.length, release: release.length, done: done.length };
  const countEls = {};
  const countBox = h('div.fu-counts', ['due', 'sick', 'release', 'done'].map((k) => {
    countEls[k] = h('span.count-n', String(counts[k]));
    return h(`a.count.fu-count-${k}${k === 'sick' && counts.sick ? '.is-alert' : ''}`, { href: `#fu-${k}`, dataset: { count: k } },
      countEls[k], h('span.count-label', t(`fu.count.${k}`)));
  }));
  const bump = (k, d) => { counts[k] += d; countEls[k].textContent = String(counts[k]); };
  const env = { ctx, today, slot, bump, lists: { sick: sickList, done: doneList }, relList };

  for (const o of sick) sickList.append(card(env, o, 'sick'));
  for (const o of due) dueList.append(card(env, o, 'due'));
  for (const o of release) relList.append(card(env, o, 'release'));
  for (const o of done) doneList.append(card(env, o, 'done'));
  const section = (k, list, intro) => h(`section.fu-section.fu-${k}`, { id: `fu-${k}` },
    h('h2', t(`fu.section.${k}`)), intro ? h('p.muted', intro) : null, list,
    h('div.fu-empty', { hidden: list.childElementCount ? true : null }, emptyState(t(`fu.empty.${k}`))));

  fill(main,
    h('div.page-head.fu-head',
      h('h1', { tabindex: '-1' }, t('fu.title')),
      h('p.muted', t('fu.intro', { date: today, slot: t(pm ? 'fu.slot.pm' : 'fu.slot.am') }))),
    offline ? notice('warn', t('fu.offline', { time: new Date(offline).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })) : null,
    countBox,
    section('sick', sickList, t('fu.sickIntro')),
    section('due', dueList, null),
    section('release', relList, t('fu.releaseIntro', { days: setting('observation_days') })),
    h('details.fu-done-box', h('summary', t('fu.section.done'), ' ', h('span.muted', `(${done.length})`)), doneList));
  for (const list of [sickList, dueList, relList]) watchEmpty(list);
}

// Shows a list's empty state when its last card goes.
function watchEmpty(list) {
  const emptyBox = list.parentElement.querySelector('.fu-empty');
  new MutationObserver(() => { emptyBox.hidden = list.childElementCount > 0; }).observe(list, { childList: true });
}

function chips(o, today) {
  const d = dayOf(o, today);
  return h('div.fu-chips',
    h('span.chip.chip-none', label('obs.mode', o.mode)),
    h('span.chip.chip-none', label('obs.reason', o.reason)),
    h('span.chip.chip-queued', t('fu.day', { n: Math.min(d.n, d.of), of: d.of })),
    o.missed ? h('span.chip.chip-not_home', t('fu.missed', { n: o.missed, count: o.missed })) : null,
    o.symptomatic ? h('span.chip.chip-abnormal', icon('alert'), t('fu.symptomatic', { n: o.symptomatic, count: o.symptomatic })) : null);
}

// Where the person lives: the household's building, unit, room and address.
function addressOf(o) {
  return [[o.building, o.unit, o.room].filter(Boolean).join(' '), o.address].filter(Boolean).join(' · ');
}

// The last readings, oldest first: a small trend of temperatures, "not
// measured" said in words (never drawn as a number).
function readings(o) {
  const rs = [...(o.readings || [])].reverse();
  if (!rs.length) return null;
  return h('ol.fu-readings', { 'data-testid': 'fu-readings', 'aria-label': t('fu.readings') }, rs.map((r) => {
    const when = `${r.date.slice(5)} ${t(r.slot === 'pm' ? 'fu.slot.pmShort' : 'fu.slot.amShort')}`;
    const hot = r.temperature != null && r.temperature >= fever();
    return h(`li.fu-reading${hot ? '.is-fever' : ''}${r.symptomatic ? '.is-sick' : ''}${r.temperature == null ? '.is-unmeasured' : ''}`,
      h('span.fu-reading-when', when),
      h('span.fu-reading-v', r.temperature == null ? t('fu.unmeasuredShort') : `${r.temperature.toFixed(1)}°`));
  }));
}

// The phone, masked, and "call": the number is revealed (audited as a
// follow-up call) and offered as a tel: link.
function phoneRow(o) {
  const where = addressOf(o);
  const box = h('div.fu-contact');
  if (where) box.append(h('span.fu-address', { 'data-testid': 'fu-address' }, icon('home'), h('span', where)));
  if (!o.phone) {
    box.append(h('span.fu-phone.muted', t('fu.noPhone')));
    return box;
  }
  const msg = h('span.fu-call-msg', { 'aria-live': 'polite' });
  const call = h('button.btn.btn-secondary.btn-small.fu-call', { type: 'button', 'data-testid': 'fu-call' },
    icon('phone'), h('span', t('fu.call')), h('span.fu-phone-masked', o.phone));
  call.addEventListener('click', async () => {
    call.disabled = true;
    try {
      const r = await API.persons.reveal(o.person_id, 'follow-up call');
      const tel = h('a.btn.btn-primary.btn-small.fu-tel', { href: `tel:${r.phone}`, 'data-testid': 'fu-tel' }, icon('phone'), h('span', r.phone));
      call.replaceWith(tel);
      fill(msg);
      tel.focus();
    } catch (err) {
      call.disabled = false;
      fill(msg, errorText(err));
    }
  });
  box.append(call, msg);
  return box;
}

function card(env, o, kind) {
  const { ctx, today } = env;
  const li = h('li.fu-item', { dataset: { obs: o.id, person: o.person_id, kind } });
  const slot = h('div.fu-slot', { 'aria-live': 'polite' });
  const actions = h('div.fu-actions');
  const head = h('div.fu-head-row',
    ctx.can('person.read') ? h('a.fu-name', { href: `#/persons/${encodeURIComponent(o.person_id)}` }, o.person_name)
      : h('strong.fu-name', o.person_name),
    h('span.fu-until', t('fu.until', { date: o.end_date })));
  // Leaves the list it is in (after a moment, so the result can be read)
  // for the list of what it has become.
  const move = (to) => {
    li.classList.add('is-done');
    env.bump(kind, -1);
    if (to) env.bump(to, 1);
    setTimeout(() => {
      li.remove();
      li.classList.remove('is-done');
      if (to) { li.dataset.kind = to; env.lists[to].prepend(li); }
    }, to === 'sick' ? 0 : 1500);
  };
  if (kind === 'due') {
    const normal = h('button.btn.btn-ok', { type: 'button', 'data-testid': 'fu-normal' }, icon('check'), h('span', t('fu.noSymptomsUnmeasured')));
    const more = h('button.btn.btn-secondary', { type: 'button', 'aria-expanded': 'false' }, t('fu.record'));
    normal.addEventListener('click', async () => {
      normal.disabled = true;
      more.disabled = true;
      try {
        const r = await recordFollowup(env, o, { symptoms: [], temperature_measured: false });
        fill(actions);
        fill(slot, notice(r.queued ? 'info' : 'success', r.queued ? t('fu.queued') : t('fu.recordedNormal')));
        move('done');
      } catch (err) {
        normal.disabled = false;
        more.disabled = false;
        fill(slot, notice('error', errorText(err, { byCode: { conflict: 'fu.conflict' } })));
      }
    });
    more.addEventListener('click', () => {
      if (slot.querySelector('form')) { fill(slot); more.setAttribute('aria-expanded', 'false'); return; }
      more.setAttribute('aria-expanded', 'true');
      fill(slot, followupForm(env, o, (r) => {
        fill(actions);
        if (r.symptomatic) {
          fill(slot, notice('error', t(r.queued ? 'fu.queuedSick' : 'fu.recordedSick')), r.queued ? null : convertForm(ctx, o));
          move('sick');
        } else {
          fill(slot, notice(r.queued ? 'info' : 'success', t(r.queued ? 'fu.queued' : 'fu.recorded')));
          move('done');
        }
      }));
      slot.querySelector('input')?.focus();
    });
    actions.append(normal, more);
  } else if (kind === 'sick') {
    const conv = h('button.btn.btn-danger', { type: 'button', 'data-testid': 'fu-convert', 'aria-expanded': 'false' }, t('fu.convert'));
    conv.addEventListener('click', () => {
      if (slot.querySelector('form')) { fill(slot); conv.setAttribute('aria-expanded', 'false'); return; }
      conv.setAttribute('aria-expanded', 'true');
      fill(slot, convertForm(ctx, o));
      slot.querySelector('input')?.focus();
    });
    actions.append(conv);
    if (o.due) {
      const more = h('button.btn.btn-secondary', { type: 'button' }, t('fu.record'));
      more.addEventListener('click', () => fill(slot, followupForm(env, o, (r) => { more.remove(); fill(slot, notice(r.queued ? 'info' : 'success', t(r.queued ? 'fu.queued' : 'fu.recorded'))); })));
      actions.append(more);
    }
  } else if (kind === 'release') {
    const rel = h('button.btn.btn-primary', { type: 'button', 'data-testid': 'fu-release-btn' }, icon('check'), h('span', t('fu.release')));
    rel.addEventListener('click', async () => {
      rel.disabled = true;
      try {
        await API.observations.release(o.id);
        fill(actions);
        fill(slot, notice('success', t('fu.released')));
        li.classList.add('is-done');
        env.bump('release', -1);
        setTimeout(() => li.remove(), 1500);
      } catch (err) {
        rel.disabled = false;
        fill(slot, notice('error', err.status === 409 ? t('fu.cannotRelease') : errorText(err)));
      }
    });
    actions.append(rel);
  }
  li.append(head, phoneRow(o), chips(o, today), readings(o), actions, slot);
  return li;
}

function followupForm(env, o, onDone) {
  const id = `fu-${o.id}`;
  const temp = h('input.temp', {
    id: `${id}-temp`, name: 'temperature', inputmode: 'decimal', autocomplete: 'off', maxlength: '4', placeholder: t('fu.tempPlaceholder'),
  });
  // "not measured" and a temperature exclude each other
  const unmeasured = h('input', { type: 'checkbox', id: `${id}-unmeasured`, name: 'temperature_measured', value: 'false' });
  temp.addEventListener('input', () => {
    const v = parseTemperature(temp.value);
    temp.classList.toggle('is-fever', v != null && v >= fever());
    if (temp.value.trim()) unmeasured.checked = false;
  });
  unmeasured.addEventListener('change', () => {
    if (!unmeasured.checked) return;
    temp.value = '';
    temp.classList.remove('is-fever');
    temp.removeAttribute('aria-invalid');
  });
  const syms = h('div.chips', codes('symptoms').map((s) => h('label.chip-check', h('input', { type: 'checkbox', name: 'symptoms', value: s }), h('span', label('symptom', s)))));
  const note = h('input', { id: `${id}-note`, name: 'note', maxlength: '200', autocomplete: 'off' });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, t('fu.save'));
  return h('form.fu-form.rec-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const v = parseTemperature(temp.value);
      if (Number.isNaN(v)) { temp.setAttribute('aria-invalid', 'true'); fill(msg, notice('error', t('fu.badTemp'))); temp.focus(); return; }
      temp.removeAttribute('aria-invalid');
      const symptoms = [...syms.querySelectorAll('input:checked')].map((x) => x.value);
      if (v == null && !unmeasured.checked) { fill(msg, notice('error', t('fu.needTemp'))); temp.focus(); return; }
      const body = { symptoms };
      if (v != null) body.temperature = v;
      else body.temperature_measured = false;
      if (note.value.trim()) body.note = note.value.trim();
      submit.disabled = true;
      try {
        onDone(await recordFollowup(env, o, body));
      } catch (err) {
        submit.disabled = false;
        fill(msg, notice('error', errorText(err, { byCode: { conflict: 'fu.conflict' } })));
      }
    },
  },
  h('div.field.temp-field', h('label', { for: temp.id }, t('fu.temp')), temp,
    h('label.chip-check', { for: unmeasured.id }, unmeasured, h('span', t('fu.unmeasured')))),
  h('fieldset', h('legend', t('fu.symptoms')), syms),
  h('div.field', h('label', { for: note.id }, t('fu.note')), note),
  msg, h('div.form-actions', submit));
}

function convertForm(ctx, o) {
  const id = `cv-${o.id}`;
  let last = '';
  try { last = localStorage.getItem(UNIT_KEY) || ''; } catch { /* not remembered */ }
  const unit = h('input', { id: `${id}-unit`, name: 'reporting_unit', maxlength: '100', value: last, autocomplete: 'organization' });
  const place = h('select', { id: `${id}-place`, name: 'place' }, codes('case_places').map((p) => h('option', { value: p }, label('case.place', p))));
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const submit = h('button.btn.btn-danger', { type: 'submit' }, t('fu.convertConfirm'));
  const form = h('form.convert-form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const u = unit.value.trim();
      if (!u) { unit.setAttribute('aria-invalid', 'true'); fill(msg, notice('error', t('cases.needUnit'))); unit.focus(); return; }
      unit.removeAttribute('aria-invalid');
      submit.disabled = true;
      try {
        const c = await API.observations.convert(o.id, { reporting_unit: u, place: place.value });
        try { localStorage.setItem(UNIT_KEY, u); } catch { /* not remembered */ }
        const li = form.closest('li');
        li?.querySelector('.fu-actions')?.replaceChildren();
        li?.classList.add('is-done');
        fill(form.parentElement, notice('success', t('fu.converted'),
          h('a.btn.btn-secondary.btn-small', { href: caseHref(c.id), 'data-testid': 'fu-case' }, t('fu.openCase', { id: c.id }))));
      } catch (err) {
        submit.disabled = false;
        fill(msg, notice('error', `${errorText(err, { byCode: { conflict: 'fu.notActive' } })}${err.status === 400 && err.message ? ` (${err.message})` : ''}`));
      }
    },
  },
  h('p.hint', t('fu.convertHint')),
  h('div.field', h('label', { for: unit.id }, t('cases.unit')), unit),
  h('div.field', h('label', { for: place.id }, t('cases.col.place')), place),
  msg, h('div.form-actions', submit));
  return form;
}
