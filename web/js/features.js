// features.js - the one table of what the app offers.  Each feature has the
// permission it needs (null: every signed-in user), its navigation icon and
// its routes (hash path pattern -> view).  Navigation, the home page's quick
// links and route guards are all derived from this table: a new feature
// (screening, cases, hotline, supplies, funds…) is one entry here, its labels
// nav.<id> and nav.<id>.desc in web/i18n/*.json, and a view module.
// group: the domain it belongs to (nav.group.<group>); a long navigation is
// shown under these headings, so the entries of one group stay together.
// Views are modules loaded when first shown (the service worker keeps them
// for offline use): the sign-in form and a grid worker's first household
// card wait only for what they draw.  view(name, fn) answers a route's view.
// view.load() starts loading the module early (app.js does, at start-up,
// for the page being opened, while it asks who is signed in).
const view = (name, fn) => Object.assign((ctx) => import(`./views/${name}.js`).then((m) => m[fn](ctx)),
  { load: () => import(`./views/${name}.js`).catch(() => { /* shown when the page opens */ }) });

export const FEATURES = [
  { id: 'home', perm: null, icon: 'home', href: '#/', routes: { '': view('home', 'render') } },
  {
    // the grid worker's phone app; badge: records waiting in the outbox;
    // early: the API paths the page will ask for first (started at load)
    id: 'screening', group: 'screen', perm: 'screening.write', icon: 'screening', href: '#/screening', badge: 'outbox',
    early: (params, me) => {
      const grid = params.grid || (me.scope.level >= 6 ? me.scope.code : null);
      return grid ? [`/screenings/worklist?grid=${encodeURIComponent(grid)}`] : [];
    },
    routes: { screening: view('screening', 'render'), 'screening/:grid': view('screening', 'render') },
  },
  {
    id: 'command', group: 'screen', perm: 'screening.read', icon: 'command', href: '#/command',
    routes: { command: view('command', 'renderIndex'), 'command/:code': view('command', 'render') },
  },
  {
    id: 'cases', group: 'epi', perm: 'case.read', icon: 'cases', href: '#/cases',
    routes: { cases: view('cases', 'renderList'), 'cases/:id': view('cases', 'renderCase') },
  },
  {
    // the community doctor's phone: today's follow-ups of people under observation
    id: 'followups', group: 'epi', perm: 'case.write', icon: 'followups', href: '#/followups',
    routes: { followups: view('followups', 'render') },
  },
  {
    id: 'clusters', group: 'epi', perm: 'case.read', icon: 'clusters', href: '#/clusters',
    routes: { clusters: view('clusters', 'renderList'), 'clusters/:id': view('clusters', 'render') },
  },
  { id: 'epi', group: 'epi', perm: 'stats.read', icon: 'epi', href: '#/epi', routes: { epi: view('epi', 'render') } },
  {
    id: 'persons', group: 'base', perm: 'person.read', icon: 'persons', href: '#/persons',
    routes: { persons: view('persons', 'renderSearch'), 'persons/:id': view('persons', 'renderPerson') },
  },
  {
    id: 'regions', group: 'base', perm: 'region.read', icon: 'regions', href: '#/regions',
    routes: { regions: view('regions', 'renderIndex'), 'regions/:code': view('regions', 'render') },
  },
  { id: 'users', group: 'base', perm: 'user.read', icon: 'users', href: '#/users', routes: { users: view('users', 'render') } },
  { id: 'audit', group: 'base', perm: 'audit.read', icon: 'audit', href: '#/audit', routes: { audit: view('audit', 'render') } },
  // hotline: the operator's console and callbacks, a unit's inbox (a
  // doctor's phone queue), the chase board, tickets, the measures
  {
    id: 'hotline', group: 'hotline', perm: 'ticket.write', icon: 'phone', href: '#/hotline',
    routes: { hotline: view('hotline', 'renderConsole'), 'hotline/callbacks': view('hotline', 'renderCallbacks') },
  },
  { id: 'inbox', group: 'hotline', perm: 'ticket.handle', icon: 'inbox', href: '#/inbox', routes: { inbox: view('hotline', 'renderInbox') } },
  { id: 'chase', group: 'hotline', perm: 'ticket.chase', icon: 'alert', href: '#/chase', routes: { chase: view('hotline', 'renderChase') } },
  {
    id: 'tickets', group: 'hotline', perm: 'ticket.read', icon: 'audit', href: '#/tickets',
    routes: { tickets: view('hotline', 'renderTickets'), 'tickets/:id': view('hotline', 'renderTicket') },
  },
  { id: 'measures', group: 'hotline', perm: 'ticket.read', icon: 'command', href: '#/measures', routes: { measures: view('hotline', 'renderMeasures') } },
  { id: 'roster', group: 'hotline', perm: 'ticket.read', icon: 'followups', href: '#/roster', routes: { roster: view('hotline', 'renderRoster') } },
  // supplies, donations and special funds (the public notice is #/public, outside the shell)
  { id: 'supplies', group: 'supplies', perm: 'stock.read', icon: 'regions', href: '#/supplies', routes: { supplies: view('supplies', 'renderStock') } },
  { id: 'donations', group: 'supplies', perm: 'stock.read', icon: 'users', href: '#/donations', routes: { donations: view('supplies', 'renderDonations') } },
  { id: 'funds', group: 'supplies', perm: 'stock.read', icon: 'audit', href: '#/funds', routes: { funds: view('supplies', 'renderFunds') } },
  // mobilisation, supervision and announcements (views/mobilise.js)
  { id: 'serve', group: 'mobilise', perm: 'serve', icon: 'check', href: '#/serve', routes: { serve: view('mobilise', 'renderServe') } },
  { id: 'mobilise', group: 'mobilise', perm: 'mobilise.read', icon: 'users', href: '#/mobilise', routes: { mobilise: view('mobilise', 'renderBoard'), 'mobilise/volunteers/:id': view('mobilise', 'renderVolunteer') } },
  { id: 'supervise', group: 'mobilise', perm: 'mobilise.read', icon: 'shield', href: '#/supervise', routes: { supervise: view('mobilise', 'renderSupervise') } },
  { id: 'announce', group: 'mobilise', perm: 'mobilise.read', icon: 'alert', href: '#/announce', routes: { announce: view('mobilise', 'renderAnnounce') } },
  {
    // the command centre's wall screen: full screen, no navigation (bare)
    id: 'wall', group: 'command', perm: 'stats.read', icon: 'epi', href: '#/wall', bare: true,
    routes: { wall: view('wall', 'renderIndex'), 'wall/:code': view('wall', 'render') },
  },
  {
    // the children of a region shaded by coverage, cases or state
    id: 'map', group: 'command', perm: 'stats.read', icon: 'regions', href: '#/map',
    routes: { map: view('map', 'renderIndex'), 'map/:code': view('map', 'render') },
  },
  {
    id: 'bulletins', group: 'command', perm: 'stats.read', icon: 'audit', href: '#/bulletins',
    routes: { bulletins: view('bulletins', 'renderList'), 'bulletins/:id': view('bulletins', 'render') },
  },
  // every user's own password (linked from the account box, not a tile)
  { id: 'password', perm: null, icon: 'shield', href: '#/password', hidden: true, routes: { password: view('password', 'render') } },
];

// The features a user with these permissions may use, in table order.
export function allowed(permissions) {
  return FEATURES.filter((f) => !f.hidden && (!f.perm || permissions.includes(f.perm)));
}

// The features in runs of one group each ({group, items}), in table order:
// the navigation's and the home page's headings.
export function byGroup(features) {
  const runs = [];
  for (const f of features) {
    if (runs.length && runs[runs.length - 1].group === f.group) runs[runs.length - 1].items.push(f);
    else runs.push({ group: f.group, items: [f] });
  }
  return runs;
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
