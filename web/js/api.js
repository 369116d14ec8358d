// api.js - the only place that talks to the server.  Requests are signed in
// by the HttpOnly fk_session cookie (the token is never stored in the page);
// every request carries X-Requested-With, which the server demands of
// cookie-authenticated writes (CSRF defence), and writes send JSON.

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message || code);
    this.status = status;       // HTTP status, 0 when the server was unreachable
    this.code = code;           // stable machine code: bad_credentials, not_found, …
    this.field = field || null; // the input at fault, when the server says
    this.retryAfter = retryAfter; // seconds, for 429
  }
}

// The server's clock, learnt from the Date header of its answers (kept for
// offline use): records carry the time they were made by that clock, and
// the server refuses times in its future, so a phone whose clock runs fast
// must not stamp its own.
const SKEW_KEY = 'fangkong.clockSkew';
let skew = Number((() => { try { return localStorage.getItem(SKEW_KEY); } catch { return 0; } })()) || 0;
function learnClock(res) {
  const d = Date.parse(res.headers.get('Date') || '');
  if (!Number.isFinite(d)) return;
  const next = d + 500 - Date.now(); // the header is whole seconds
  if (Math.abs(next - skew) < 2000) return;
  skew = next;
  try { localStorage.setItem(SKEW_KEY, String(Math.round(skew))); } catch { /* not kept */ }
}
// Milliseconds since the epoch by the server's clock (as last seen).
export function serverNow() { return Date.now() + skew; }

// The deployment's zone offset from UTC in seconds (GET /me's clock): the
// day a page shows is the server's day, whatever zone the phone is set to.
let zoneOffset = null;
export function setClock(clock) {
  if (clock && Number.isFinite(clock.utc_offset)) zoneOffset = clock.utc_offset;
}
// The deployment's offset from UTC in seconds, or null before /me answered.
export function deploymentOffset() { return zoneOffset; }
// Today as YYYY-MM-DD in the deployment's zone (the phone's until /me answered).
export function serverToday() {
  const p = (n) => String(n).padStart(2, '0');
  if (zoneOffset === null) {
    const d = new Date(serverNow());
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  }
  return new Date(serverNow() + zoneOffset * 1000).toISOString().slice(0, 10);
}

let onUnauthorized = null;
// Called when a signed-in request answers 401 (the session expired or was ended).
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }
let onPasswordRequired = null;
// Called when a request answers 403 password_change_required (an
// administrator reset the password: the user must choose their own first).
export function setPasswordRequiredHandler(fn) { onPasswordRequired = fn; }

// Calls the API; body is sent as JSON, or as it is (a File, a Blob) with
// contentType when raw is set.  Resolves with the parsed answer; rejects
// with an ApiError (status 0 when the server could not be reached).
// With etag (a previous answer's ETag, or null for none yet) the request is
// conditional and resolves with {etag, data}, or {notModified: true} on 304.
export async function api(method, path, body, { quiet401 = false, raw = false, contentType, etag } = {}) {
  const ahead = method === 'GET' && etag === undefined && takeEarly(path);
  if (ahead) return ahead;
  const headers = { 'X-Requested-With': 'fangkong', Accept: 'application/json' };
  if (etag) headers['If-None-Match'] = etag;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined && raw) {
    headers['Content-Type'] = contentType;
    init.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(`/api/v1${path}`, init);
  } catch {
    throw new ApiError(0, 'network', '');
  }
  learnClock(res);
  if (res.status === 204) return null;
  if (res.status === 304 && etag !== undefined) return { notModified: true };
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const retry = parseInt(res.headers.get('Retry-After') || '', 10);
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message, e.field,
      Number.isFinite(retry) ? retry : null);
    if (Array.isArray(e.allowed)) err.allowed = e.allowed; // 409 transition, 400 category: the moves that are allowed
    if (res.status === 401 && !quiet401 && onUnauthorized) onUnauthorized(err);
    if (err.code === 'password_change_required' && onPasswordRequired) onPasswordRequired(err);
    throw err;
  }
  return etag !== undefined ? { etag: res.headers.get('ETag'), data } : data;
}

// GETs started before the page that needs them asked (app.js, at start-up:
// on a slow link each round trip saved is 150 ms or more).  The page's own
// api() call takes the answer if it asks within EARLY_MS; later it asks
// again.  Each early answer is taken once.
const EARLY_MS = 10000;
const early = new Map();
export function getEarly(path) {
  if (early.has(path)) return;
  const promise = api('GET', path);
  promise.catch(() => { /* the page's own call reports it */ });
  early.set(path, { promise, at: Date.now() });
}
function takeEarly(path) {
  const e = early.get(path);
  if (!e) return null;
  early.delete(path);
  return Date.now() - e.at <= EARLY_MS ? e.promise : null;
}

// POSTs a file with XMLHttpRequest (fetch reports no upload progress);
// answers and fails as api() does.
function upload(path, file, onUpload) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', `/api/v1${path}`);
    x.withCredentials = true;
    x.setRequestHeader('X-Requested-With', 'fangkong');
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    if (onUpload) x.upload.onprogress = (e) => onUpload(e.loaded, e.lengthComputable ? e.total : file.size);
    x.onerror = () => reject(new ApiError(0, 'network', ''));
    x.onload = () => {
      let data = null;
      try { data = x.responseText ? JSON.parse(x.responseText) : null; } catch { data = null; }
      if (x.status >= 200 && x.status < 300) return resolve(data);
      const e = (data && data.error) || {};
      const err = new ApiError(x.status, e.code || `http_${x.status}`, e.message, e.field, null);
      if (x.status === 401 && onUnauthorized) onUnauthorized(err);
      reject(err);
    };
    x.send(file);
  });
}

// Builds a query string from an object, skipping empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, v);
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

// URL path segment for a region code: the country ("") is written root.
export function regionSeg(code) {
  return code === '' || code == null ? 'root' : encodeURIComponent(code);
}

export const session = {
  create: (username, password) => api('POST', '/session', { username, password }, { quiet401: true }),
  delete: () => api('DELETE', '/session', undefined, { quiet401: true }),
};
// The signed-in user's own password; ends their other sessions.
export const mePassword = (current, next) => api('POST', '/me/password', { current_password: current, new_password: next });
// one's own sessions: the list (no tokens), signing out one or all others
export const mySessions = {
  list: () => api('GET', '/me/sessions'),
  end: (id) => api('DELETE', `/me/sessions/${encodeURIComponent(id)}`),
  endOthers: () => api('DELETE', '/me/sessions'),
};
export const me = () => api('GET', '/me', undefined, { quiet401: true }).then((m) => { setClock(m.clock); return m; });
export const vocab = () => api('GET', '/vocab', undefined, { quiet401: true });
export const regions = {
  get: (code) => api('GET', `/regions/${regionSeg(code)}`),
  children: (code, after, limit = 100) => api('GET', `/regions/${regionSeg(code)}/children${qs({ limit, after })}`),
  shapes: (code) => api('GET', `/regions/${regionSeg(code)}/shapes`),
  // every child, page after page
  async allChildren(code) {
    const out = [];
    let after = null;
    do {
      const page = await regions.children(code, after, 1000);
      out.push(...page.items);
      after = page.next;
    } while (after);
    return out;
  },
  search: (q, within, after, limit = 50) => api('GET', `/regions${qs({ q, within, limit, after })}`),
  create: (parent, name) => api('POST', '/regions', { parent, name }),
};
export const users = {
  list: (after, limit = 50) => api('GET', `/users${qs({ limit, after })}`),
  create: (u) => api('POST', '/users', u),
  update: (username, patch) => api('PATCH', `/users/${encodeURIComponent(username)}`, patch),
  // accounts from CSV text: {created: [… with one-time passwords], rejected: [{line, …}]}
  bulk: (csv) => api('POST', '/users/bulk', { csv }),
  endSessions: (username) => api('DELETE', `/users/${encodeURIComponent(username)}/sessions`),
};
export const audit = {
  list: ({ after, action, username, limit = 50 } = {}) => api('GET', `/audit${qs({ limit, after, action, username })}`),
  head: () => api('GET', '/audit/head'),
};

// A region as a query parameter: the country ("") is left out (the scope).
const rp = (code) => code || undefined;

export const households = {
  get: (id) => api('GET', `/households/${encodeURIComponent(id)}`),
};
export const persons = {
  // filters: name, doc_suffix, phone_suffix, household_id, region
  search: (filters, after, limit = 50) => api('GET', `/persons${qs({ ...filters, limit, after })}`),
  get: (id) => api('GET', `/persons/${encodeURIComponent(id)}`),
  reveal: (id, reason) => api('POST', `/persons/${encodeURIComponent(id)}/reveal`, { reason }),
  // The CSV file itself is the body (the server detects UTF-8 or GB18030).
  importCsv: (file, { grid, dryRun }) => api('POST', `/persons/import${qs({ dry_run: dryRun ? 1 : '', grid })}`,
    file, { raw: true, contentType: 'text/csv' }),
  // The file (CSV, .xlsx, .xls) through XMLHttpRequest, whose upload
  // reports its progress: onUpload(sentBytes, totalBytes).  progress names
  // the import for importProgress while the server works on it.
  importFile: (file, { grid, dryRun, sheet, progress }, onUpload) => upload(
    `/persons/import${qs({ dry_run: dryRun ? 1 : '', grid, sheet, progress })}`, file, onUpload),
  importProgress: (id) => api('GET', `/imports/${encodeURIComponent(id)}`),
  templateHref: (format) => `/api/v1/persons/import/template${qs({ format })}`,
  // A plain link (the browser downloads it with the session cookie).
  exportHref: ({ region, name } = {}) => `/api/v1/persons/export${qs({ region: rp(region), name })}`,
};
export const screenings = {
  worklist: (grid, date) => api('GET', `/screenings/worklist${qs({ grid, date })}`),
  // One request for a batch of records (an array answers {items: [...]}).
  record: (records) => api('POST', '/screenings', records),
};
export const coverage = {
  get: (region, date) => api('GET', `/coverage${qs({ region: rp(region), date })}`),
  gaps: (region, date, after, limit = 50) => api('GET', `/coverage/gaps${qs({ region: rp(region), date, limit, after })}`),
  // households with no record on any day since `since` (to today)
  gapsSince: (region, since, after, limit = 50) => api('GET', `/coverage/gaps${qs({ region: rp(region), since, limit, after })}`),
};
export const alerts = {
  // kind: screening | followup_missed; from, to: days of the finding or slot
  list: ({ region, state, kind, from, to, after, limit = 20 } = {}) => api('GET', `/alerts${qs({ region: rp(region), state, kind, from, to, limit, after })}`),
  close: (id, outcome, note) => api('POST', `/alerts/${encodeURIComponent(id)}/close`, note ? { outcome, note } : { outcome }),
};
export const reports = {
  submit: (report) => api('POST', '/reports', report),
  list: ({ region, date, missing, after, limit = 50 } = {}) => api('GET', `/reports${qs({ region: rp(region), date, missing: missing ? 1 : '', limit, after })}`),
};

// ---- cases, close contacts, observation, statistics ----
export const cases = {
  // filters: region, category, outcome, late (1/0)
  list: (filters, after, limit = 50) => api('GET', `/cases${qs({ ...filters, region: rp(filters.region), limit, after })}`),
  get: (id) => api('GET', `/cases/${encodeURIComponent(id)}`),
  create: (body) => api('POST', '/cases', body),
  transition: (id, body) => api('POST', `/cases/${encodeURIComponent(id)}/transitions`, body),
};
export const contacts = {
  create: (body) => api('POST', '/contacts', body),
  ofCase: (caseId, after, limit = 100) => api('GET', `/contacts${qs({ case_id: caseId, limit, after })}`),
};
export const observations = {
  due: (region, after, limit = 100) => api('GET', `/observations/due${qs({ region: rp(region), limit, after })}`),
  followup: (id, body) => api('POST', `/observations/${encodeURIComponent(id)}/followups`, body),
  release: (id) => api('POST', `/observations/${encodeURIComponent(id)}/release`, {}),
  convert: (id, body) => api('POST', `/observations/${encodeURIComponent(id)}/convert`, body),
};
export const sites = {
  list: (region) => api('GET', `/sites${qs({ region: rp(region), limit: 1000 })}`),
};
export const clusters = {
  list: (region, after, limit = 50) => api('GET', `/clusters${qs({ region: rp(region), limit, after })}`),
  get: (id) => api('GET', `/clusters/${encodeURIComponent(id)}`),
};
export const communities = {
  states: (region, after, limit = 1000) => api('GET', `/communities/states${qs({ region: rp(region), limit, after })}`),
};
export const stats = {
  daily: (region, from, to) => api('GET', `/stats/daily${qs({ region: rp(region), from, to })}`),
  rt: (region, to, days) => api('GET', `/stats/rt${qs({ region: rp(region), to, days })}`),
};

// The command centre: the wall screen (conditional on the last ETag) and
// the daily bulletins.
export const wall = {
  get: (region, etag) => api('GET', `/wall${qs({ region: rp(region) })}`, undefined, { etag: etag || null }),
};
export const bulletins = {
  list: (region, after, limit = 50) => api('GET', `/bulletins${qs({ region: rp(region), limit, after })}`),
  get: (id) => api('GET', `/bulletins/${id}`),
  draft: (region, date) => api('POST', '/bulletins', { region, date }),
  approve: (id) => api('POST', `/bulletins/${id}/approve`),
  href: (id, format) => `/api/v1/bulletins/${id}/document?format=${format}`,
};
