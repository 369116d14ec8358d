// views/mobilise.js - mobilisation, supervision and announcements: the
// volunteer's phone (#/serve: my shifts with check-in and check-out, my
// tasks, my hours, my announcements), the community's board (#/mobilise:
// who is on duty now at each post, the roster's gaps, who reported and took
// no task, registrations and corrections waiting), supervision (#/supervise:
// the supervisor's phone form, the leaders' findings and rectifications)
// and the announcement composer (#/announce, with read and acknowledge
// counts).  inboxCard is also every user's home page box.
import { t, has, label, fmtTime, fmtNumber } from '../i18n.js';
import { api, qs, serverToday, serverNow } from '../api.js';
import { h, fill, notice, errorText, emptyState, loading, td, pagedList } from '../dom.js';
import { codes } from '../vocab.js';
import { regionPicker } from './regionpick.js';

const hm = (sec) => fmtTime(sec).slice(11, 16);
const hours = (min) => (min / 60).toFixed(1);
const nowSec = () => Math.floor(serverNow() / 1000);

// An error in words: the rule a 409 names (insurance, overlap, hours…)
// or the field a 400 names, else the general text.
function whyText(err) {
  if (err && err.field && has(`mob.why.${err.field}`)) return t(`mob.why.${err.field}`);
  return errorText(err);
}

// A button that runs fn, shows its error next to it, then calls done.
function action(text, fn, done, cls = 'btn-primary') {
  const msg = h('span.form-msg', { 'aria-live': 'polite' });
  const b = h(`button.btn.${cls}`, {
    type: 'button',
    onclick: async () => {
      b.disabled = true;
      try { await fn(); done(); } catch (err) { b.disabled = false; fill(msg, notice('error', whyText(err))); }
    },
  }, text);
  return h('span.action', b, msg);
}

// ---- announcements: the inbox box (home page, volunteer's phone) ----

export function inboxCard(ctx, { max = 5 } = {}) {
  const box = h('section.section.card.inbox', { 'data-testid': 'inbox', 'aria-live': 'polite' }, loading());
  const load = () => api('GET', '/announcements/inbox').then((ib) => {
    if (!ctx.isCurrent()) return;
    const urgent = ib.items.filter((a) => a.must_ack);
    const rest = ib.items.filter((a) => !a.must_ack).slice(0, max);
    if (!ib.items.length) return fill(box, h('h2', t('ann.inbox')), h('p.muted', t('ann.none')));
    fill(box, h('h2', t('ann.inbox'), ' ', ib.unread ? h('span.badge', t('ann.unread', { n: ib.unread })) : null),
      urgent.map((a) => h('div.notice.notice-error.ann-urgent', { role: 'alert', dataset: { id: a.id } },
        h('div.notice-body', h('p', h('strong', a.title)), h('p.ann-body', a.body),
          h('p.muted', [a.region_name, a.sender, fmtTime(a.created_at)].filter(Boolean).join(' · ')),
          action(t('ann.ack'), () => api('POST', `/announcements/${a.id}/ack`), load)))),
      h('ul.ann-list', rest.map((a) => h('li', { dataset: { id: a.id } },
        h('details', {
          ontoggle: (e) => { if (e.target.open && !a.read_at) api('POST', `/announcements/${a.id}/read`).catch(() => {}); },
        }, h('summary', a.read_at ? '' : h('span.badge', t('ann.new')), ' ', h('strong', a.title), ' ',
          h('span.muted', fmtTime(a.created_at))), h('p.ann-body', a.body))))));
  }).catch((err) => { if (ctx.isCurrent()) fill(box, notice('error', errorText(err))); });
  load();
  return box;
}

// ---- the volunteer's phone ----

export async function renderServe(ctx) {
  const { main } = ctx;
  fill(main, loading());
  let me;
  try { me = await api('GET', '/me/service'); } catch (err) {
    if (!ctx.isCurrent()) return;
    return fill(main, h('div.page-head', h('h1', t('nav.serve'))),
      notice(err.status === 404 ? 'info' : 'error', err.status === 404 ? t('mob.noProfile') : errorText(err)));
  }
  if (!ctx.isCurrent()) return;
  const again = () => renderServe(ctx);
  const today = serverToday();
  const shifts = [...me.shifts].sort((a, b) => a.start_at - b.start_at);
  const current = shifts.filter((s) => s.date >= today || s.state === 'on_duty');
  const past = shifts.filter((s) => !current.includes(s)).reverse().slice(0, 10);
  const shiftCard = (s) => {
    const open = s.state === 'on_duty';
    // the server decides (too early, over): offered on the shift's day or once begun
    const can = s.state === 'scheduled' && (s.date <= today || nowSec() >= s.start_at - 3600);
    return h('li.shift-card.card', { dataset: { id: s.id, state: s.state } },
      h('div.shift-head', h('strong', s.post_name), ' ', h('span.badge', label('mob.spState', s.state))),
      h('p', `${s.date} ${hm(s.start_at)}–${hm(s.end_at)}`),
      s.state === 'done' ? h('p.muted', t('mob.served', { h: hours(s.minutes) }), s.auto_closed ? ` · ${t('mob.autoClosed')}` : '',
        s.certified ? ` · ${t('mob.certified')}` : '') : null,
      open ? action(t('mob.checkout'), () => api('POST', `/shift-people/${s.id}/checkout`, {}), again)
        : can ? action(t('mob.checkin'), () => api('POST', `/shift-people/${s.id}/checkin`, {}), again) : null,
      s.state === 'done' ? correctionForm(s, again) : null);
  };
  const taskItem = (k) => h('li.card.task', { dataset: { id: k.id, state: k.state } },
    h('div', h('strong', k.title), ' ', h('span.badge', label('mob.taskState', k.state)),
      k.overdue ? h('span.badge.badge-danger', t('mob.overdue')) : null),
    h('p.muted', `${label('mob.taskKind', k.kind)} · ${t('mob.due')} ${fmtTime(k.due_at)}`),
    k.state === 'pending' ? action(t('mob.start'), () => api('POST', `/tasks/${k.id}/state`, { state: 'in_progress' }), again, 'btn-secondary') : null,
    k.state === 'pending' || k.state === 'in_progress'
      ? [action(t('mob.done'), () => api('POST', `/tasks/${k.id}/state`, { state: 'done' }), again), notDoable(k, again)] : null,
    k.state === 'not_executable' ? h('p.muted', k.reason) : null);
  fill(main,
    h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.serve')), h('p.muted', `${me.name} · ${me.region_name}${me.team_name ? ` · ${me.team_name}` : ''}`)),
    inboxCard(ctx, { max: 3 }),
    h('div.stats',
      h('div.stat', h('span.stat-label', t('mob.hoursAll')), h('span.stat-value', hours(me.minutes))),
      h('div.stat', h('span.stat-label', t('mob.hoursYear')), h('span.stat-value', hours(me.minutes_year))),
      h('div.stat', h('span.stat-label', t('mob.insured')), h('span.stat-value', me.insured_until || t('mob.noInsurance'))),
      h('div.stat', h('span.stat-label', t('mob.certificate')), h('a.link', { href: '/api/v1/me/certificate', download: '' }, t('mob.download')))),
    h('section.section', h('h2', t('mob.myShifts')), current.length ? h('ul.shift-list', current.map(shiftCard)) : emptyState(t('mob.noShifts'))),
    h('section.section', h('h2', t('mob.myTasks')), me.tasks.length ? h('ul.task-list', me.tasks.map(taskItem)) : emptyState(t('mob.noTasks'))),
    past.length ? h('section.section', h('h2', t('mob.pastShifts')), h('ul.shift-list', past.map(shiftCard))) : null);
}

function correctionForm(s, done) {
  const minutes = h('input', { type: 'number', min: '0', max: String(Math.floor((s.end_at - s.start_at) / 60)), name: 'minutes', required: true, id: `corr-m-${s.id}` });
  const reason = h('input', { type: 'text', name: 'reason', required: true, maxlength: '200', id: `corr-r-${s.id}` });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  return h('details.correction', h('summary', t('mob.askCorrection')),
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api('POST', `/shift-people/${s.id}/corrections`, { minutes: Number(minutes.value), reason: reason.value });
          done();
        } catch (err) { fill(msg, notice('error', errorText(err))); }
      },
    }, h('div.field', h('label', { for: minutes.id }, t('mob.correctMinutes')), minutes),
    h('div.field', h('label', { for: reason.id }, t('mob.reason')), reason),
    h('button.btn.btn-secondary', { type: 'submit' }, t('mob.send')), msg));
}

function notDoable(k, done) {
  const reason = h('input', { type: 'text', required: true, maxlength: '200', id: `nd-${k.id}` });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  return h('details', h('summary', t('mob.notExecutable')), h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      try { await api('POST', `/tasks/${k.id}/state`, { state: 'not_executable', reason: reason.value }); done(); } catch (err) { fill(msg, notice('error', errorText(err))); }
    },
  }, h('div.field', h('label', { for: reason.id }, t('mob.reason')), reason), h('button.btn.btn-secondary', { type: 'submit' }, t('mob.send')), msg));
}

// ---- the community's board ----

export async function renderBoard(ctx) {
  const { main, query } = ctx;
  const region = query.get('region') || '';
  fill(main, loading());
  let b;
  try { b = await api('GET', `/mobilise/board${qs({ region })}`); } catch (err) {
    if (ctx.isCurrent()) fill(main, notice('error', errorText(err)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const again = () => renderBoard(ctx);
  const posts = h('table.data-table.board', { 'data-testid': 'board' },
    h('thead', h('tr', ['mob.post', 'mob.where', 'mob.onDuty', 'mob.gap'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', b.posts.map((p) => h('tr', { dataset: { id: p.id, gap: p.gap } },
      td(t('mob.post'), h('strong', p.name), ' ', p.risky ? h('span.badge', t('mob.risky')) : null),
      td(t('mob.where'), p.region_name),
      td(t('mob.onDuty'), p.shifts.length ? (p.on_duty.length ? p.on_duty.map((v, i) => h('span.person', i ? t('common.listSep') : '', v.name, v.party_member ? ` (${t('mob.party')})` : '')) : h('span.muted', t('mob.nobody'))) : h('span.muted', t('mob.noShiftNow'))),
      td(t('mob.gap'), p.gap > 0 ? h('span.badge.badge-danger', t('mob.short', { n: p.gap })) : p.shifts.length ? t('mob.full') : '—')))));
  const gaps = b.gaps.length ? h('ul.gap-list', b.gaps.map((g) => h('li', { dataset: { id: g.id } },
    `${hm(g.start_at)}–${hm(g.end_at)} ${g.post_name} · ${g.region_name}`, ' ', h('span.badge.badge-danger', `${g.assigned}/${g.required}`))))
    : h('p.muted', t('mob.noGaps'));
  const pendingVol = h('div');
  api('GET', `/volunteers${qs({ region, state: 'pending', limit: 20 })}`).then((l) => {
    if (!ctx.isCurrent()) return;
    fill(pendingVol, l.items.length ? h('ul', l.items.map((v) => h('li', { dataset: { id: v.id } }, `${v.name} ${v.phone || ''} ${v.skills} · ${v.region_name}`,
      ctx.can('mobilise.write') ? [' ', action(t('mob.approve'), () => api('POST', `/volunteers/${v.id}/approve`, { approve: true }), again, 'btn-secondary')] : null)))
      : h('p.muted', t('mob.noneWaiting')));
  }).catch((err) => fill(pendingVol, notice('error', errorText(err))));
  const corrections = h('div');
  api('GET', `/corrections${qs({ region, state: 'pending', limit: 20 })}`).then((l) => {
    if (!ctx.isCurrent()) return;
    fill(corrections, l.items.length ? h('ul', l.items.map((c) => h('li', { dataset: { id: c.id } },
      t('mob.correctionLine', { name: c.volunteer_name, post: c.post_name, date: c.date, from: c.minutes_before, to: c.minutes }), ` — ${c.reason} `,
      ctx.can('mobilise.write') ? [action(t('mob.accept'), () => api('POST', `/corrections/${c.id}/decide`, { accept: true }), again, 'btn-secondary'),
        refuseForm(c, again)] : null)))
      : h('p.muted', t('mob.noneWaiting')));
  }).catch((err) => fill(corrections, notice('error', errorText(err))));
  fill(main,
    h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.mobilise')), h('p.muted', t('mob.boardIntro', { time: fmtTime(b.at) }))),
    h('div.stats',
      h('div.stat', h('span.stat-label', t('mob.hoursToday')), h('span.stat-value', hours(b.minutes_today))),
      h('div.stat', h('span.stat-label', t('mob.hours7d')), h('span.stat-value', hours(b.minutes_7d)), h('span.stat-sub', t('mob.served7d', { n: fmtNumber(b.served_7d) }))),
      h('div.stat', h('span.stat-label', t('mob.reported')), h('span.stat-value', fmtNumber(b.reported)), h('span.stat-sub', t('mob.noTaskN', { n: b.no_task.length }))),
      h('div.stat', h('span.stat-label', t('mob.overdueTasks')), h('span.stat-value', fmtNumber(b.overdue_tasks)))),
    h('section.section.card', h('h2', t('mob.postsNow')), h('div.table-wrap', posts), b.posts_truncated ? notice('info', t('mob.truncated')) : null),
    h('section.section.card', h('h2', t('mob.gaps')), gaps),
    ctx.can('mobilise.write') ? rosterSection(ctx, region || ctx.me.scope.code, again) : null,
    tasksSection(ctx, region || ctx.me.scope.code),
    h('section.section.card', h('h2', t('mob.noTask')), b.no_task.length ? h('ul', b.no_task.map((r) => h('li', `${r.volunteer_name ? `${r.volunteer_name} · ` : ''}${r.unit} · ${r.region_name}`))) : h('p.muted', t('mob.allTookTasks'))),
    h('section.section.card', h('h2', t('mob.pendingRegs')),
      b.region.length === 12 ? h('p', t('mob.regLink'), ' ', h('a.link', { href: `/register.html?c=${b.region}`, target: '_blank', rel: 'noopener' }, `${location.origin}/register.html?c=${b.region}`)) : null,
      pendingVol),
    h('section.section.card', h('h2', t('mob.pendingCorrections')), corrections),
    h('section.section.card', h('h2', t('mob.partyMembers')), peopleList(ctx, region)));
}

// ---- the organiser's roster: a day's shifts, people put on them, certification ----

function rosterSection(ctx, region, again) {
  const box = h('section.section.card', { 'data-testid': 'roster' }, h('h2', t('mob.roster')));
  const day = h('input', { type: 'date', id: 'roster-date', value: ctx.query.get('date') || serverToday() });
  const body = h('div', loading());
  const load = async () => {
    fill(body, loading());
    try {
      const [posts, shifts, places, people] = await Promise.all([
        api('GET', `/posts${qs({ region, limit: 300 })}`),
        api('GET', `/shifts${qs({ region, date: day.value, limit: 300 })}`),
        api('GET', `/shift-people${qs({ region, date: day.value, limit: 1000 })}`),
        api('GET', `/volunteers${qs({ region, state: 'active', limit: 300 })}`),
      ]);
      if (!ctx.isCurrent()) return;
      const on = {};
      for (const p of places.items) (on[p.shift_id] ||= []).push(p);
      const rows = shifts.items.sort((a, b) => a.start_at - b.start_at || a.id - b.id).map((s) => {
        const pick = h('select', { id: `assign-${s.id}`, 'aria-label': t('mob.assign') },
          h('option', { value: '' }, t('mob.pickPerson')),
          people.items.filter((v) => v.region === s.region).map((v) => h('option', { value: v.id }, `${v.name}${v.party_member ? ` (${t('mob.party')})` : ''}`)));
        const names = (on[s.id] || []).map((p) => `${p.volunteer_name} ${label('mob.spState', p.state)}`).join(t('common.listSep'));
        return h('tr', { dataset: { id: s.id } },
          td(t('mob.post'), h('strong', s.post_name), s.risky ? [' ', h('span.badge', t('mob.risky'))] : null),
          td(t('mob.time'), `${hm(s.start_at)}–${hm(s.end_at)}`),
          td(t('mob.people'), `${s.assigned}/${s.required} `, names ? h('span.muted', names) : null),
          td(t('mob.do'), s.assigned < s.required
            ? h('span.assign', pick, action(t('mob.assign'), () => {
              if (!pick.value) throw Object.assign(new Error(''), { field: 'volunteer_id', status: 400, code: 'invalid' });
              return api('POST', `/shifts/${s.id}/people`, { volunteer_id: Number(pick.value) });
            }, load, 'btn-secondary')) : null,
          s.end_at <= nowSec() && !s.certified_at && (on[s.id] || []).some((p) => p.state === 'done' && !p.certified)
            ? action(t('mob.certify'), () => api('POST', `/shifts/${s.id}/certify`), load, 'btn-secondary') : null,
          s.certified_at ? h('span.badge', t('mob.certified')) : null));
      });
      fill(body,
        rows.length ? h('div.table-wrap', h('table.data-table', h('thead', h('tr', ['mob.post', 'mob.time', 'mob.people', 'mob.do']
          .map((k) => h('th', { scope: 'col' }, t(k))))), h('tbody', rows))) : h('p.muted', t('mob.noShiftsDay')),
        newShift(posts.items, day.value, load));
    } catch (err) { if (ctx.isCurrent()) fill(body, notice('error', errorText(err))); }
  };
  day.addEventListener('change', load);
  box.append(h('div.field', h('label', { for: day.id }, t('mob.day')), day), body);
  load();
  return box;
}

function newShift(posts, date, done) {
  if (!posts.length) return h('p.muted', t('mob.noPosts'));
  const post = h('select', { id: 'shift-post' }, posts.map((p) => h('option', { value: p.id }, `${p.name} · ${p.region_name}`)));
  const start = h('input', { type: 'time', id: 'shift-start', required: true, value: '08:00' });
  const end = h('input', { type: 'time', id: 'shift-end', required: true, value: '12:00' });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  return h('details.new-shift', h('summary', t('mob.newShift')), h('form.mob-form', {
    onsubmit: async (e) => {
      e.preventDefault();
      try { await api('POST', '/shifts', { post_id: Number(post.value), date, start: start.value, end: end.value }); done(); } catch (err) { fill(msg, notice('error', whyText(err))); }
    },
  }, h('div.field', h('label', { for: post.id }, t('mob.post')), post),
  h('div.field', h('label', { for: start.id }, t('mob.shiftStart')), start),
  h('div.field', h('label', { for: end.id }, t('mob.end')), end),
  h('button.btn.btn-primary', { type: 'submit' }, t('mob.send')), msg));
}

// ---- tasks: the open ones (overdue marked) and a new one ----

function tasksSection(ctx, region) {
  const tbody = h('tbody');
  const list = pagedList({
    listEl: tbody,
    box: h('div.table-wrap', h('table.data-table', { 'data-testid': 'tasks' },
      h('thead', h('tr', ['mob.task', 'mob.to', 'mob.due', 'mob.state'].map((k) => h('th', { scope: 'col' }, t(k))))), tbody)),
    fetchPage: (after) => api('GET', `/tasks${qs({ region, after, limit: 20 })}`),
    renderItems: (items) => items.map((k) => h('tr', { dataset: { id: k.id } },
      td(t('mob.task'), h('strong', k.title), h('p.muted', label('mob.taskKind', k.kind))),
      td(t('mob.to'), k.volunteer_name || k.team_name || '—'),
      td(t('mob.due'), h('span.nowrap', fmtTime(k.due_at)), k.overdue ? [' ', h('span.badge.badge-danger', t('mob.overdue'))] : null),
      td(t('mob.state'), label('mob.taskState', k.state), k.reason ? h('p.muted', k.reason) : null))),
    emptyText: t('mob.noTasks'),
    isCurrent: ctx.isCurrent,
  });
  return h('section.section.card', h('h2', t('mob.tasks')), ctx.can('mobilise.write') ? newTask(ctx, region) : null, list);
}

function newTask(ctx, region) {
  const kind = h('select', { id: 'task-kind' }, codes('task_kinds').map((k) => h('option', { value: k }, label('mob.taskKind', k))));
  const obs = h('input', { id: 'task-obs', inputmode: 'numeric', maxlength: '12' });
  const title = h('input', { id: 'task-title', required: true, maxlength: '200' });
  const who = h('select', { id: 'task-who', required: true }, h('option', { value: '' }, t('mob.pickPerson')));
  const due = h('input', { id: 'task-due', type: 'datetime-local', required: true });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  api('GET', `/volunteers${qs({ region, state: 'active', limit: 300 })}`).then((l) => {
    for (const v of l.items) who.append(h('option', { value: v.id, dataset: { region: v.region } }, `${v.name} · ${v.region_name}`));
  }).catch(() => {});
  return h('details.new-task', h('summary', t('mob.newTask')), h('form.mob-form', {
    onsubmit: async (e) => {
      e.preventDefault();
      const opt = who.selectedOptions[0];
      try {
        await api('POST', '/tasks', { region: opt.dataset.region, kind: kind.value, title: title.value, volunteer_id: Number(who.value),
          due_at: Math.floor(new Date(due.value).getTime() / 1000), ...(obs.value.trim() ? { observation_id: Number(obs.value) } : {}) });
        renderBoard(ctx);
      } catch (err) { fill(msg, notice('error', whyText(err))); }
    },
  }, h('div.field', h('label', { for: kind.id }, t('mob.kind')), kind),
  h('div.field', h('label', { for: title.id }, t('mob.task')), title),
  h('div.field', h('label', { for: who.id }, t('mob.to')), who),
  h('div.field', h('label', { for: due.id }, t('mob.due')), due),
  h('div.field', h('label', { for: obs.id }, t('mob.observation')), obs),
  h('button.btn.btn-primary', { type: 'submit' }, t('mob.send')), msg));
}

// ---- a person's duty record (履职记录) ----

export async function renderVolunteer(ctx) {
  const { main, params } = ctx;
  fill(main, loading());
  let v;
  try { v = await api('GET', `/volunteers/${encodeURIComponent(params.id)}`); } catch (err) {
    if (ctx.isCurrent()) fill(main, notice('error', err.status === 404 ? t('error.notFound') : errorText(err)));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(v.name);
  const list = (items, line) => (items.length ? h('ul', items.map((x) => h('li', line(x)))) : h('p.muted', t('mob.none')));
  fill(main,
    h('div.page-head', h('p', h('a.link', { href: '#/mobilise' }, t('nav.mobilise'))),
      h('h1', { tabindex: '-1' }, v.name), h('p.muted', [v.region_name, v.team_name, v.party_member ? t('mob.party') : null, v.cadre ? t('mob.cadre') : null,
        v.work_unit].filter(Boolean).join(' · '))),
    h('div.stats',
      h('div.stat', h('span.stat-label', t('mob.hoursAll')), h('span.stat-value', hours(v.minutes))),
      h('div.stat', h('span.stat-label', t('mob.hoursCertified')), h('span.stat-value', hours(v.certified_minutes))),
      h('div.stat', h('span.stat-label', t('mob.insured')), h('span.stat-value', v.insured_until || t('mob.noInsurance'))),
      h('div.stat', h('span.stat-label', t('mob.certificate')), h('a.link', { href: `/api/v1/volunteers/${v.id}/certificate`, download: '' }, t('mob.download')))),
    h('section.section.card', h('h2', t('mob.postsHeld')), list(v.posts, (p) => `${p.name} · ${t('mob.shiftsN', { n: p.shifts })} · ${t('mob.served', { h: hours(p.minutes || 0) })}`)),
    h('section.section.card', h('h2', t('mob.tasks')), list(v.tasks, (k) => `${label('mob.taskState', k.state)}: ${k.count}`)),
    h('section.section.card', h('h2', t('mob.pledges')), list(v.pledges, (p) => `${p.date} ${p.text}${p.assignment ? ` — ${p.assignment}` : ''}`)),
    h('section.section.card', h('h2', t('mob.commendations')), list(v.commendations, (c) => `${c.date} ${c.subject}: ${c.text}`)),
    h('section.section.card', h('h2', t('mob.noticesAgainst')), list(v.notices, (n) => `${n.date} ${label('sv.noticeKind', n.kind)} ${n.text}${n.outcome ? ` — ${n.outcome}` : ''}`)),
    h('section.section.card', h('h2', t('mob.findingsAgainst')), list(v.findings, (f) => `${f.text} · ${label('sv.state', f.state)} · ${t('sv.deadline')} ${f.date}`)));
}

// The cadres and party members of the board's area, each linked to their record.
function peopleList(ctx, region) {
  const tbody = h('tbody');
  return pagedList({
    listEl: tbody,
    box: h('div.table-wrap', h('table.data-table', { 'data-testid': 'people' },
      h('thead', h('tr', ['mob.name', 'mob.where', 'mob.hoursAll'].map((k) => h('th', { scope: 'col' }, t(k))))), tbody)),
    fetchPage: (after) => api('GET', `/volunteers${qs({ region, party_member: 1, state: 'active', after, limit: 20 })}`),
    renderItems: (items) => items.map((v) => h('tr', { dataset: { id: v.id } },
      td(t('mob.name'), h('a.link', { href: `#/mobilise/volunteers/${v.id}` }, v.name), v.cadre ? [' ', h('span.badge', t('mob.cadre'))] : null),
      td(t('mob.where'), v.region_name),
      td(t('mob.hoursAll'), hours(v.minutes)))),
    emptyText: t('mob.none'),
    isCurrent: ctx.isCurrent,
  });
}

function refuseForm(c, done) {
  const answer = h('input', { type: 'text', required: true, maxlength: '200', id: `ref-${c.id}` });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  return h('details', h('summary', t('mob.refuse')), h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      try { await api('POST', `/corrections/${c.id}/decide`, { accept: false, answer: answer.value }); done(); } catch (err) { fill(msg, notice('error', errorText(err))); }
    },
  }, h('div.field', h('label', { for: answer.id }, t('mob.reason')), answer), h('button.btn.btn-secondary', { type: 'submit' }, t('mob.send')), msg));
}

// ---- supervision ----

export function renderSupervise(ctx) {
  const { main, me } = ctx;
  const again = () => renderSupervise(ctx);
  const summary = h('div', loading());
  api('GET', '/supervision/summary').then((s) => {
    if (!ctx.isCurrent()) return;
    fill(summary, h('div.table-wrap', h('table.data-table', { 'data-testid': 'sv-summary' },
      h('thead', h('tr', ['sv.region', 'sv.found', 'sv.fixed', 'sv.open', 'sv.overdue'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', s.items.filter((x) => x.found || x.open || x.region === s.region).map((x) => h('tr',
        td(t('sv.region'), x.name), td(t('sv.found'), fmtNumber(x.found)), td(t('sv.fixed'), fmtNumber(x.fixed)),
        td(t('sv.open'), fmtNumber(x.open)), td(t('sv.overdue'), x.overdue ? h('span.badge.badge-danger', fmtNumber(x.overdue)) : '0')))))));
  }).catch((err) => fill(summary, notice('error', errorText(err))));
  const overdueOnly = ctx.query.get('overdue') === '1';
  const list = h('ul.sv-finding-list');
  const findings = pagedList({
    listEl: list,
    fetchPage: (after) => api('GET', `/findings${qs({ after, limit: 30, overdue: overdueOnly ? 1 : '' })}`),
    renderItems: (items) => items.map((f) => h('li.card.sv-finding', { dataset: { id: f.id, state: f.state } },
      h('div', h('strong', f.text), ' ', h('span.badge', label('sv.state', f.state)), f.overdue ? h('span.badge.badge-danger', t('mob.overdue')) : null),
      h('p.muted', `${f.region_name} · ${f.target} · ${t('sv.deadline')} ${f.deadline} · ${t('sv.responsible')} ${f.responsible}${f.chased ? ` · ${t('sv.chased', { n: f.chased })}` : ''}`),
      f.evidence ? h('p', f.evidence) : null,
      f.rectification ? h('p', h('em', t('sv.rectification')), ' ', f.rectification) : null,
      f.state === 'open' && ctx.can('mobilise.write') ? rectifyForm(f, again) : null,
      f.state === 'reported' && ctx.can('supervise') ? action(t('sv.verifyFixed'), () => api('POST', `/findings/${f.id}/verify`, { fixed: true }), again) : null,
      f.overdue && ctx.can('supervise') ? action(t('sv.chase'), () => api('POST', `/findings/${f.id}/chase`), again, 'btn-secondary') : null)),
    emptyText: t('sv.noFindings'),
    isCurrent: ctx.isCurrent,
  });
  fill(main,
    h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.supervise')), h('p.muted', t('sv.intro'))),
    ctx.can('supervise') ? inspectionForm(me, again) : null,
    h('section.section.card', h('h2', t('sv.summary')), summary),
    h('section.section', h('div.section-head', h('h2', t('sv.findings')),
      h('a.link', { href: overdueOnly ? '#/supervise' : '#/supervise?overdue=1' }, t(overdueOnly ? 'sv.showAll' : 'sv.showOverdue'))), findings));
}

function rectifyForm(f, done) {
  const text = h('input', { type: 'text', required: true, maxlength: '500', id: `rect-${f.id}` });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  return h('details', h('summary', t('sv.report')), h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      try { await api('POST', `/findings/${f.id}/rectify`, { text: text.value }); done(); } catch (err) { fill(msg, notice('error', errorText(err))); }
    },
  }, h('div.field', h('label', { for: text.id }, t('sv.whatDone')), text), h('button.btn.btn-secondary', { type: 'submit' }, t('mob.send')), msg));
}

// The supervisor's phone form: where, the checklist, findings with a
// deadline each, then a photo of each finding's evidence.
function inspectionForm(me, done) {
  // the street or community inspected, picked by name (a district is not one)
  const here = (code) => (code.length >= 9 ? code : '');
  const region = h('input', { id: 'sv-region', name: 'region', type: 'hidden', value: here(me.scope.code) });
  const picker = regionPicker({ scope: me.scope, idPrefix: 'sv-region', onChange: (code) => { region.value = here(code); } });
  const target = h('input', { id: 'sv-target', name: 'target', required: true, maxlength: '100' });
  const checks = codes('checklist_items').map((c) => h('label.chip-check', h('input', { type: 'checkbox', name: `check-${c}`, value: c, checked: true }), h('span', label('sv.check', c))));
  const rows = h('div.finding-rows');
  const photo = h('input', { type: 'file', accept: 'image/jpeg,image/png', capture: 'environment', id: 'sv-photo' });
  const addRow = () => {
    const n = rows.children.length;
    const deadline = h('input', { type: 'date', name: 'deadline', required: true, min: serverToday(), id: `sv-dl-${n}` });
    rows.append(h('fieldset.finding-row',
      h('legend', t('sv.finding', { n: n + 1 })),
      h('div.field', h('label', { for: `sv-ft-${n}` }, t('sv.problem')), h('input', { id: `sv-ft-${n}`, name: 'text', required: true, maxlength: '500' })),
      h('div.field', h('label', { for: `sv-ev-${n}` }, t('sv.evidence')), h('input', { id: `sv-ev-${n}`, name: 'evidence', maxlength: '500' })),
      h('div.field', h('label', { for: deadline.id }, t('sv.deadline')), deadline),
      h('div.field', h('label', { for: `sv-rp-${n}` }, t('sv.responsible')), h('input', { id: `sv-rp-${n}`, name: 'responsible', required: true, maxlength: '50' }))));
  };
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const form = h('form.card.section.inspection-form', {
    'data-testid': 'inspection-form',
    onsubmit: async (e) => {
      e.preventDefault();
      const checklist = {};
      for (const c of codes('checklist_items')) checklist[c] = form.querySelector(`[name="check-${c}"]`).checked;
      const findings = [...rows.children].map((fs) => ({
        text: fs.querySelector('[name=text]').value, evidence: fs.querySelector('[name=evidence]').value,
        deadline: fs.querySelector('[name=deadline]').value, responsible: fs.querySelector('[name=responsible]').value,
      }));
      try {
        const i = await api('POST', '/inspections', { region: region.value.trim(), target: target.value, checklist, findings });
        if (photo.files[0] && i.findings[0]) {
          await api('POST', `/findings/${i.findings[0].id}/photo`, photo.files[0], { raw: true, contentType: photo.files[0].type });
        }
        fill(msg, notice('success', t('sv.saved', { n: i.findings.length })));
        setTimeout(done, 800);
      } catch (err) { fill(msg, notice('error', `${errorText(err)}${err.field ? ` (${err.field})` : ''}`)); }
    },
  },
  h('h2', t('sv.newInspection')),
  h('fieldset.field.region-field', h('legend', t('sv.regionCode')), picker.el, region),
  h('div.field', h('label', { for: target.id }, t('sv.target')), target),
  h('fieldset', h('legend', t('sv.checklist')), h('div.chips.sv-choices', checks)),
  rows,
  h('button.btn.btn-secondary', { type: 'button', onclick: addRow }, t('sv.addFinding')),
  h('div.field', h('label', { for: photo.id }, t('sv.photo')), photo),
  h('button.btn.btn-primary', { type: 'submit' }, t('sv.submit')), msg);
  return form;
}

// ---- the announcement composer ----

export function renderAnnounce(ctx) {
  const { main, me } = ctx;
  const again = () => renderAnnounce(ctx);
  const tbody = h('tbody');
  const list = pagedList({
    listEl: tbody,
    box: h('div.table-wrap', h('table.data-table', { 'data-testid': 'announcements' },
      h('thead', h('tr', ['ann.title', 'ann.to', 'ann.recipients', 'ann.readers', 'ann.acks', 'ann.poster'].map((k) => h('th', { scope: 'col' }, t(k))))), tbody)),
    fetchPage: (after) => api('GET', `/announcements${qs({ after, limit: 30 })}`),
    renderItems: (items) => items.map((a) => h('tr', { dataset: { id: a.id } },
      td(t('ann.title'), a.urgent ? h('span.badge.badge-danger', t('ann.urgent')) : null, a.public ? h('span.badge', t('ann.publicBadge')) : null, ' ', h('strong', a.title), h('p.muted', a.script)),
      td(t('ann.to'), `${a.region_name} · ${a.roles.map((r) => label('role', r)).join(t('common.listSep'))}`),
      td(t('ann.recipients'), fmtNumber(a.recipients)),
      td(t('ann.readers'), `${fmtNumber(a.readers)} (${a.recipients ? Math.round((100 * a.readers) / a.recipients) : 0}%)`),
      td(t('ann.acks'), a.urgent ? fmtNumber(a.acks) : '—'),
      td(t('ann.poster'), h('a.link.nowrap', { href: `/api/v1/announcements/${a.id}/poster`, download: '' }, t('mob.download'))))),
    emptyText: t('ann.none'),
    isCurrent: ctx.isCurrent,
  });
  fill(main,
    h('div.page-head', h('h1', { tabindex: '-1' }, t('nav.announce')), h('p.muted', t('ann.intro'))),
    ctx.can('announce') ? composer(me, again) : null,
    h('section.section.card', h('h2', t('ann.sent')), list));
}

function composer(me, done) {
  // the area it goes to, picked by name ("all": the whole of one's own)
  const region = h('input', { id: 'ann-region', type: 'hidden', value: me.scope.code });
  const picker = regionPicker({ scope: me.scope, idPrefix: 'ann-region', onChange: (code) => { region.value = code; } });
  const roles = codes('roles').filter((r) => r !== 'admin').map((r) => h('label.chip-check', h('input', { type: 'checkbox', name: 'role', value: r, checked: ['officer', 'gridworker', 'volunteer'].includes(r) }), h('span', label('role', r))));
  const urgent = h('input', { type: 'checkbox', id: 'ann-urgent' });
  const pub = h('input', { type: 'checkbox', id: 'ann-public' });
  const title = h('input', { id: 'ann-title', required: true, maxlength: '100' });
  const body = h('textarea', { id: 'ann-body', required: true, maxlength: '4000', rows: '4' });
  const script = h('textarea', { id: 'ann-script', maxlength: '300', rows: '2', placeholder: t('ann.scriptHint') });
  const msg = h('div.form-msg', { 'aria-live': 'polite' });
  const form = h('form.card.section.mob-form', {
    'data-testid': 'composer',
    onsubmit: async (e) => {
      e.preventDefault();
      const picked = [...form.querySelectorAll('[name=role]:checked')].map((x) => x.value);
      try {
        const a = await api('POST', '/announcements', { region: region.value.trim(), roles: picked, urgent: urgent.checked, title: title.value, body: body.value, public: pub.checked, ...(script.value.trim() ? { script: script.value.trim() } : {}) });
        fill(msg, notice('success', t('ann.sentTo', { n: a.recipients })));
        setTimeout(done, 800);
      } catch (err) { fill(msg, notice('error', `${errorText(err)}${err.field ? ` (${err.field})` : ''}`)); }
    },
  },
  h('h2', t('ann.compose')),
  h('fieldset.field.region-field', h('legend', t('ann.region')), picker.el, region),
  h('fieldset', h('legend', t('ann.roles')), h('div.chips.sv-choices', roles)),
  h('div.field', h('label.check', urgent, ' ', t('ann.urgentAck'))),
  h('div.field', h('label.check', pub, ' ', t('ann.public'))),
  h('div.field', h('label', { for: title.id }, t('ann.title')), title),
  h('div.field', h('label', { for: body.id }, t('ann.body')), body),
  h('div.field', h('label', { for: script.id }, t('ann.script')), script),
  h('button.btn.btn-primary', { type: 'submit' }, t('ann.send')), msg);
  return form;
}
