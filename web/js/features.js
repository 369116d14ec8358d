// features.js - the one table of what the app offers.  Each feature has the
// permission it needs (null: every signed-in user), its navigation icon and
// its routes (hash path pattern -> view).  Navigation, the home page's quick
// links and route guards are all derived from this table: a new feature
// (screening, cases, hotline, supplies, funds…) is one entry here, its labels
// nav.<id> and nav.<id>.desc in web/i18n/*.json, and a view module.
import * as home from './views/home.js';
import * as regions from './views/regions.js';
import * as users from './views/users.js';
import * as audit from './views/audit.js';
import * as screening from './views/screening.js';
import * as command from './views/command.js';
import * as persons from './views/persons.js';
import * as cases from './views/cases.js';
import * as followups from './views/followups.js';
import * as clusters from './views/clusters.js';
import * as epi from './views/epi.js';
import * as password from './views/password.js';

export const FEATURES = [
  { id: 'home', perm: null, icon: 'home', href: '#/', routes: { '': home.render } },
  {
    // the grid worker's phone app; badge: records waiting in the outbox
    id: 'screening', perm: 'screening.write', icon: 'screening', href: '#/screening', badge: 'outbox',
    routes: { screening: screening.render, 'screening/:grid': screening.render },
  },
  {
    id: 'command', perm: 'screening.read', icon: 'command', href: '#/command',
    routes: { command: command.renderIndex, 'command/:code': command.render },
  },
  {
    id: 'cases', perm: 'case.read', icon: 'cases', href: '#/cases',
    routes: { cases: cases.renderList, 'cases/:id': cases.renderCase },
  },
  {
    // the community doctor's phone: today's follow-ups of people under observation
    id: 'followups', perm: 'case.write', icon: 'followups', href: '#/followups',
    routes: { followups: followups.render },
  },
  {
    id: 'clusters', perm: 'case.read', icon: 'clusters', href: '#/clusters',
    routes: { clusters: clusters.renderList, 'clusters/:id': clusters.render },
  },
  { id: 'epi', perm: 'stats.read', icon: 'epi', href: '#/epi', routes: { epi: epi.render } },
  {
    id: 'persons', perm: 'person.read', icon: 'persons', href: '#/persons',
    routes: { persons: persons.renderSearch, 'persons/:id': persons.renderPerson },
  },
  {
    id: 'regions', perm: 'region.read', icon: 'regions', href: '#/regions',
    routes: { regions: regions.renderIndex, 'regions/:code': regions.render },
  },
  { id: 'users', perm: 'user.read', icon: 'users', href: '#/users', routes: { users: users.render } },
  { id: 'audit', perm: 'audit.read', icon: 'audit', href: '#/audit', routes: { audit: audit.render } },
  // every user's own password (linked from the account box, not a tile)
  { id: 'password', perm: null, icon: 'shield', href: '#/password', hidden: true, routes: { password: password.render } },
];

// The features a user with these permissions may use, in table order.
export function allowed(permissions) {
  return FEATURES.filter((f) => !f.hidden && (!f.perm || permissions.includes(f.perm)));
}

// Finds the feature and view for a hash path ("regions/420106").
export function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const f of FEATURES) {
    for (const [pattern, view] of Object.entries(f.routes)) {
      const pp = pattern.split('/').filter(Boolean);
      if (pp.length !== parts.length) continue;
      const params = {};
      let ok = true;
      pp.forEach((p, i) => {
        if (p.startsWith(':')) params[p.slice(1)] = safeDecode(parts[i]);
        else if (p !== parts[i]) ok = false;
      });
      if (ok) return { feature: f, view, params };
    }
  }
  return null;
}

function safeDecode(s) {
  try { return decodeURIComponent(s); } catch { return s; }
}
