// Shared by the registry, import, screening and registry-matrix tests (not
// a test file itself: the runner's patterns do not match its name).
//
// The demo district: 420106 武昌区; street 420106001 holds community
// 420106001001 holding grids 420106001001001 (the grid worker's) and
// 420106001001002 …; street 420106002 is officer2's.
export const COUNTY = '420106';
export const STREET1 = '420106001';
export const STREET2 = '420106002';
export const COMM1 = '420106001001';
export const GRID = '420106001001001';
export const GRID_SIBLING = '420106001001002';
export const GRID_EMPTY = '420106001001003'; // no households in the demo
export const GRID_STREET2 = '420106002001001';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

// The GB 11643 check character of 17 digits.
export function checkChar(d17) {
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(d17[i]) * WEIGHTS[i];
  return '10X98765432'[s % 11];
}

// A valid 18-character resident ID number: region (6), birth date
// (YYYYMMDD), sequence (3; odd = male), check character.
export function idNumber(region, ymd, seq) {
  const d17 = `${region}${ymd}${String(seq).padStart(3, '0')}`;
  return d17 + checkChar(d17);
}

// A valid number whose check character is want ('X', '0', …), the first
// sequence from start that gives it.
export function idNumberEnding(region, ymd, want, start = 100) {
  for (let seq = start; seq < 1000; seq++) {
    const n = idNumber(region, ymd, seq);
    if (n.endsWith(want)) return n;
  }
  throw new Error(`no sequence gives ${want}`);
}

// The same 17 digits with a wrong check character.
export function wrongCheck(id) {
  const right = id[17];
  const wrong = ['0', '1', '2'].find((c) => c !== right);
  return id.slice(0, 17) + wrong;
}

// The masks the API shows.
export const maskDoc = (n) => `${n.slice(0, 6)}********${n.slice(14)}`;
export const maskPhone = (p) => `${p.slice(0, 3)}****${p.slice(7)}`;

// Walks every page of a list; returns {items, pages}.
export async function walk(srv, token, path, limit = 100) {
  const items = [];
  let after = '';
  let pages = 0;
  const sep = path.includes('?') ? '&' : '?';
  for (;;) {
    if (++pages > 10000) throw new Error('too many pages');
    const r = await srv.api('GET', `${path}${sep}limit=${limit}${after}`, { token });
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    items.push(...r.body.items);
    if (r.body.next === null) break;
    after = `&after=${r.body.next}`;
  }
  return { items, pages };
}

// The audit entries with an action, newest first (as a county admin sees them).
export async function auditEntries(srv, token, action) {
  const r = await srv.api('GET', `/api/v1/audit?action=${encodeURIComponent(action)}&limit=1000`, { token });
  if (r.status !== 200) throw new Error(`audit: ${r.status}`);
  return r.body.items;
}

// A random (version 4) UUID.
export const uuid = () => crypto.randomUUID();

// Day arithmetic on YYYY-MM-DD strings.
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// The numeric fields of a coverage row.
export const COUNTS = ['households', 'persons', 'visited', 'not_home', 'refused', 'unvisited', 'abnormal'];
