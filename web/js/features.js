// features.js - the one table of what the app offers.  Each feature has the
// permission it needs (null: every signed-in user), its navigation icon and
// its routes (hash path pattern -> view).  Navigation, the home page's quick
// links and route guards are all derived from this table: a new feature
// (screening, cases, hotline, supplies, funds…) is one entry here, its labels
// nav.<id> and nav.<id>.desc in web/i18n/*.json, and a view module.
// Views are modules loaded when first shown (the service worker keeps them
// for offline use): the sign-in form and a grid worker's first household
// card wait only for what they draw.  view(name, fn) answers a route's view.
const view = (name, fn) => (ctx) => import(`./views/${name}.js`).then((m) => m[fn](ctx));

export const FEATURES = [
  { id: 'home', perm: null, icon: 'home', href: '#/', routes: { '': view('home', 'render') } },
  {
    // the grid worker's phone app; badge: records waiting in the outbox
    id: 'screening', perm: 'screening.write', icon: 'screening', href: '#/screening', badge: 'outbox',
    routes: { screening: view('screening', 'render'), 'screening/:grid': view('screening', 'render') },
  },
  {
    id: 'command', perm: 'screening.read', icon: 'command', href: '#/command',
    routes: { command: view('command', 'renderIndex'), 'command/:code': view('command', 'render') },
  },
  {
    id: 'cases', perm: 'case.read', icon: 'cases', href: '#/cases',
    routes: { cases: view('cases', 'renderList'), 'cases/:id': view('cases', 'renderCase') },
  },
  {
    // the community doctor's phone: today's follow-ups of people under observation
    id: 'followups', perm: 'case.write', icon: 'followups', href: '#/followups',
    routes: { followups: view('followups', 'render') },
  },
  {
    id: 'clusters', perm: 'case.read', icon: 'clusters', href: '#/clusters',
    routes: { clusters: view('clusters', 'renderList'), 'clusters/:id': view('clusters', 'render') },
  },
  { id: 'epi', perm: 'stats.read', icon: 'epi', href: '#/epi', routes: { epi: view('epi', 'render') } },
  {
    id: 'persons', perm: 'person.read', icon: 'persons', href: '#/persons',
    routes: { persons: view('persons', 'renderSearch'), 'persons/:id': view('persons', 'renderPerson') },
  },
  {
    id: 'regions', perm: 'region.read', icon: 'regions', href: '#/regions',
    routes: { regions: view('regions', 'renderIndex'), 'regions/:code': view('regions', 'render') },
  },
  { id: 'users', perm: 'user.read', icon: 'users', href: '#/users', routes: { users: view('users', 'render') } },
  { id: 'audit', perm: 'audit.read', icon: 'audit', href: '#/audit', routes: { audit: view('audit', 'render') } },
  {
    // the command centre's wall screen: full screen, no navigation (bare)
    id: 'wall', perm: 'stats.read', icon: 'epi', href: '#/wall', bare: true,
    routes: { wall: view('wall', 'renderIndex'), 'wall/:code': view('wall', 'render') },
  },
  {
    // the children of a region shaded by coverage, cases or state
    id: 'map', perm: 'stats.read', icon: 'regions', href: '#/map',
    routes: { map: view('map', 'renderIndex'), 'map/:code': view('map', 'render') },
  },
  {
    id: 'bulletins', perm: 'stats.read', icon: 'audit', href: '#/bulletins',
    routes: { bulletins: view('bulletins', 'renderList'), 'bulletins/:id': view('bulletins', 'render') },
  },
  // every user's own password (linked from the account box, not a tile)
  { id: 'password', perm: null, icon: 'shield', href: '#/password', hidden: true, routes: { password: view('password', 'render') } },
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
