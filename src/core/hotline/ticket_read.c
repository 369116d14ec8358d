/* ticket_read.c - a ticket's deadlines, its page and the lists of
 * tickets, the public form and lookup, and the measures (see tickets.h).
 * Expected load: a page of 100 tickets computes their deadlines from
 * their events (a few each) on one calendar per region; the measures read
 * a few roll-up rows per day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/perm.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "core/grid/registry.h"
#include "core/hotline/calendar.h"
#include "core/hotline/ticket_int.h"
#include "util/date.h"

/* ---- deadlines ---- */

typedef struct ev {
	int64_t tid, at;
	char move[24], from[24], to[24];
	char *note;
} ev;

static int events_load(fk_db *db, int64_t id, ev **out, int *n)
{
	*out = NULL;
	*n = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT at, move, coalesce(from_state, ''), to_state, note FROM ticket_events WHERE ticket_id = $1"
			" ORDER BY id LIMIT 600",
			"i", id) < 0)
		return -1;
	int cap = 0, rc;
	ev *v = NULL;
	while ((rc = fk_stmt_step(st)) == FK_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			ev *nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv)
				abort();
			v = nv;
		}
		ev *x = &v[(*n)++];
		x->at = fk_stmt_int64(st, 0);
		snprintf(x->move, sizeof(x->move), "%s", fk_stmt_text(st, 1));
		snprintf(x->from, sizeof(x->from), "%s", fk_stmt_text(st, 2));
		snprintf(x->to, sizeof(x->to), "%s", fk_stmt_text(st, 3));
		x->note = strdup(fk_stmt_text(st, 4));
	}
	fk_stmt_done(st);
	*out = v;
	return rc < 0 ? -1 : 0;
}

/* The events of up to PRELOAD tickets in one statement (ids padded with
 * 0, no ticket's id, so the statement's text is always the same), ordered
 * by ticket and then as they happened; only the reasons of waits are kept
 * (a pause's reason is the one note a deadline shows). */
#define PRELOAD 100
static int events_preload(fk_db *db, const int64_t *ids, int nids, ev **out, int *n)
{
	static char sql[2048];
	if (!sql[0]) {
		size_t k = (size_t)snprintf(sql, sizeof(sql),
					    "SELECT ticket_id, at, move, coalesce(from_state, ''), to_state,"
					    " CASE WHEN move = 'wait' THEN note ELSE '' END FROM ticket_events"
					    " WHERE ticket_id IN (");
		for (int i = 1; i <= PRELOAD; i++)
			k += (size_t)snprintf(sql + k, sizeof(sql) - k, "%s$%d", i > 1 ? ", " : "", i);
		snprintf(sql + k, sizeof(sql) - k, ") ORDER BY ticket_id, id");
	}
	fk_val v[PRELOAD];
	for (int i = 0; i < PRELOAD; i++)
		v[i] = (fk_val){ 'i', .i = i < nids ? ids[i] : 0 };
	*out = NULL;
	*n = 0;
	fk_stmt *st;
	if (fk_db_query_vals(db, &st, sql, v, PRELOAD) < 0)
		return -1;
	int cap = 0, rc;
	ev *all = NULL;
	while ((rc = fk_stmt_step(st)) == FK_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			ev *nv = realloc(all, (size_t)cap * sizeof(*all));
			if (!nv)
				abort();
			all = nv;
		}
		ev *x = &all[(*n)++];
		x->tid = fk_stmt_int64(st, 0);
		x->at = fk_stmt_int64(st, 1);
		snprintf(x->move, sizeof(x->move), "%s", fk_stmt_text(st, 2));
		snprintf(x->from, sizeof(x->from), "%s", fk_stmt_text(st, 3));
		snprintf(x->to, sizeof(x->to), "%s", fk_stmt_text(st, 4));
		x->note = strdup(fk_stmt_text(st, 5));
	}
	fk_stmt_done(st);
	*out = all;
	return rc < 0 ? -1 : 0;
}

static void events_free(ev *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].note);
	free(v);
}

/* One deadline as the API shows it: its limit, start, due time, state and
 * the derivation fk_deadline_compute wrote into how (taken). */
static json_t *deadline_json(const char *name, const char *rule, fk_limit_unit unit, int n, int ext, int64_t start,
			     const fk_deadline *d, int64_t met, int64_t now, json_t *how)
{
	const char *state = met ? (d->due && met <= d->due ? "met" : "late")
			    : !d->due      ? "paused"
			    : now > d->due ? "overdue"
					   : "running";
	json_object_set_new(how, "name", json_string(name));
	json_object_set_new(how, "rule", json_string(rule));
	json_object_set_new(how, "unit", json_string(unit == FK_LIMIT_HOURS ? "hours" : "workdays"));
	json_object_set_new(how, "n", json_integer(n));
	json_object_set_new(how, "extension", json_integer(ext));
	json_object_set_new(how, "start", json_integer(start));
	json_object_set_new(how, "due", d->due ? json_integer(d->due) : json_null());
	json_object_set_new(how, "left", d->due ? json_null() : json_integer(d->left));
	json_object_set_new(how, "met_at", met ? json_integer(met) : json_null());
	json_object_set_new(how, "state", json_string(state));
	return how;
}

/* Calendars for a page of tickets.  Nearly every region shares the
 * calendar of the deepest region above it that has entries of its own (the
 * country's, or a province's), so the regions that have entries are read
 * once and a calendar is loaded once per such key. */
#define CAL_KEYS 8
typedef struct cal_cache {
	bool listed;
	int nkeys;           /* regions holding calendar entries */
	char keys[64][16];
	int n;               /* calendars loaded */
	char key[CAL_KEYS][16];
	int64_t from[CAL_KEYS];
	fk_workcal cal[CAL_KEYS];
	int nlim;            /* time limits read, by urgency */
	fk_limit lim[8];
} cal_cache;

/* The limit for urgency, read once per page. */
static int limit_for(fk_db *db, cal_cache *cc, const char *urgency, fk_limit *out)
{
	for (int i = 0; i < cc->nlim; i++)
		if (strcmp(cc->lim[i].urgency, urgency) == 0)
			return *out = cc->lim[i], 0;
	if (fk_limit_get(db, urgency, out) < 0)
		return -1;
	if (cc->nlim < 8)
		cc->lim[cc->nlim++] = *out;
	return 0;
}

static cal_cache *cal_cache_new(void)
{
	cal_cache *cc = malloc(sizeof(*cc));
	if (!cc)
		abort();
	cc->listed = false;
	cc->nkeys = cc->n = cc->nlim = 0;
	return cc;
}

static const fk_workcal *cal_for(fk_db *db, cal_cache *cc, const char *region, int64_t from)
{
	if (!cc->listed) {
		fk_stmt *st;
		if (fk_db_query(db, &st, "SELECT DISTINCT region FROM work_calendar ORDER BY region LIMIT 64", "") < 0)
			return NULL;
		while (fk_stmt_step(st) == FK_ROW)
			snprintf(cc->keys[cc->nkeys++], 16, "%s", fk_stmt_text(st, 0));
		fk_stmt_done(st);
		cc->listed = true;
	}
	/* the deepest region with entries that holds region */
	const char *key = "";
	for (int i = 0; i < cc->nkeys; i++)
		if (strlen(cc->keys[i]) > strlen(key) && fk_scope_contains(cc->keys[i], region))
			key = cc->keys[i];
	for (int i = 0; i < cc->n; i++)
		if (strcmp(cc->key[i], key) == 0 && cc->from[i] <= from)
			return &cc->cal[i];
	int slot = cc->n < CAL_KEYS ? cc->n++ : CAL_KEYS - 1;
	if (fk_workcal_load(db, key, from, from + 1200, &cc->cal[slot]) < 0) {
		cc->n = slot;
		return NULL;
	}
	snprintf(cc->key[slot], 16, "%s", key);
	cc->from[slot] = from;
	return &cc->cal[slot];
}

/* t's deadlines from its n events v (borrowed). */
static int times_of(fk_db *db, cal_cache *cc, const fk_ticket_row *t, const ev *v, int n, int64_t now, json_t *out,
		    fk_ticket_times *tm)
{
	memset(tm, 0, sizeof(*tm));
	const fk_workcal *cal = cal_for(db, cc, t->region, fk_day_of(t->created_at) - 1);
	fk_limit lim;
	if (!cal || limit_for(db, cc, t->urgency, &lim) < 0)
		return -1;
	bool closed = fk_ticket_closed(t->state);
	int64_t acc_met = 0, cstart = 0, cmet = 0, last_dispatch = 0, cb_start = 0, cb_met = 0;
	fk_pause pauses[64];
	int np = 0;
	for (int i = 0; i < n; i++) {
		const ev *x = &v[i];
		const char *mv = x->move;
		if (!acc_met && (strcmp(mv, "answer") == 0 || strcmp(mv, "dispatch") == 0 || strcmp(mv, "merge") == 0 ||
				 strcmp(mv, "not_responsible") == 0))
			acc_met = x->at;
		if (strcmp(x->from, "waiting") == 0 && np && !pauses[np - 1].to)
			pauses[np - 1].to = x->at;
		if (strcmp(mv, "dispatch") == 0) {
			cstart = last_dispatch = x->at;
			cmet = cb_start = cb_met = 0;
			np = 0;
		} else if (strcmp(mv, "callback") == 0) {
			cb_met = x->at;
			if (strcmp(x->to, "reopened") == 0) {
				cstart = x->at;
				cmet = 0;
				np = 0;
			}
		} else if (strcmp(mv, "reopen") == 0) {
			cstart = x->at;
			cmet = cb_start = cb_met = 0;
			np = 0;
		} else if (strcmp(mv, "wait") == 0 && cstart && np < 64) {
			pauses[np++] = (fk_pause){ x->at, 0, x->note };
		} else if (strcmp(mv, "reply") == 0 && cstart && !cmet) {
			cmet = cb_start = x->at;
			cb_met = 0;
		} else if (strcmp(mv, "return") == 0 || strcmp(mv, "merge") == 0 || strcmp(mv, "not_responsible") == 0) {
			cstart = 0;
		}
	}
	int rc = 0;
	fk_deadline d;
	/* accept: answered or dispatched within 2 hours of receipt */
	if (!(closed && !acc_met)) {
		json_t *how = json_object();
		rc |= fk_deadline_compute(cal, t->created_at, FK_LIMIT_HOURS, FK_TICKET_ACCEPT_HOURS, NULL, 0, &d, how);
		tm->accept_on_time = acc_met && acc_met <= d.due;
		if (!acc_met && !closed)
			tm->next_due = d.due;
		json_t *j = deadline_json("accept", "accept", FK_LIMIT_HOURS, FK_TICKET_ACCEPT_HOURS, 0, t->created_at, &d,
					  acc_met, now, how);
		if (out)
			json_array_append_new(out, j);
		else
			json_decref(j);
	}
	/* return window: a wrong dispatch goes back within 2 working days */
	if (last_dispatch) {
		json_t *how = json_object();
		rc |= fk_deadline_compute(cal, last_dispatch, FK_LIMIT_WORKDAYS, FK_TICKET_RETURN_DAYS, NULL, 0, &d, how);
		tm->return_by = d.due;
		bool open = strcmp(t->state, "dispatched") == 0 || strcmp(t->state, "signed") == 0;
		json_t *j = deadline_json("return", "return", FK_LIMIT_WORKDAYS, FK_TICKET_RETURN_DAYS, 0, last_dispatch,
					  &d, 0, now, how);
		json_object_set_new(j, "state", json_string(open ? (now > d.due ? "closed" : "open") : "closed"));
		if (out)
			json_array_append_new(out, j);
		else
			json_decref(j);
	}
	/* reply: by urgency, from the dispatch (or the reopening), paused
	 * while waiting, extended by what was approved */
	if (cstart) {
		int ext = lim.unit == FK_LIMIT_WORKDAYS ? (int)t->ext_days : 0;
		json_t *how = json_object();
		rc |= fk_deadline_compute(cal, cstart, lim.unit, lim.n + ext, pauses, np, &d, how);
		tm->reply_on_time = cmet && d.due && cmet <= d.due;
		if (!cmet) {
			tm->reply_due = d.due;
			if (d.due && (!tm->next_due || d.due < tm->next_due))
				tm->next_due = d.due;
		}
		json_t *j = deadline_json("reply", t->urgency, lim.unit, lim.n, ext, cstart, &d, cmet, now, how);
		if (t->ext_asked)
			json_object_set_new(j, "extension_asked", json_integer(t->ext_asked));
		if (out)
			json_array_append_new(out, j);
		else
			json_decref(j);
	}
	/* callback: the working day after the reply */
	if (cb_start) {
		json_t *how = json_object();
		rc |= fk_deadline_compute(cal, cb_start, FK_LIMIT_WORKDAYS, FK_TICKET_CALLBACK_DAYS, NULL, 0, &d, how);
		if (!cb_met && strcmp(t->state, "replied") == 0 && (!tm->next_due || d.due < tm->next_due))
			tm->next_due = d.due;
		json_t *j = deadline_json("callback", "callback", FK_LIMIT_WORKDAYS, FK_TICKET_CALLBACK_DAYS, 0, cb_start,
					  &d, cb_met, now, how);
		if (out)
			json_array_append_new(out, j);
		else
			json_decref(j);
	}
	return rc ? -1 : 0;
}

static int times_on(fk_db *db, cal_cache *cc, const fk_ticket_row *t, int64_t now, json_t *out, fk_ticket_times *tm)
{
	ev *v;
	int n;
	if (events_load(db, t->id, &v, &n) < 0)
		return -1;
	int rc = times_of(db, cc, t, v, n, now, out, tm);
	events_free(v, n);
	return rc;
}

int fk_ticket_times_compute(fk_db *db, const fk_ticket_row *t, int64_t now, json_t *out, fk_ticket_times *times)
{
	cal_cache *cc = cal_cache_new();
	int rc = times_on(db, cc, t, now, out, times);
	free(cc);
	return rc;
}

/* The columns the deadlines need, from a rendered row (no second read). */
static void row_from_item(const json_t *it, fk_ticket_row *t)
{
	memset(t, 0, sizeof(*t));
	t->id = json_integer_value(json_object_get(it, "id"));
	t->created_at = json_integer_value(json_object_get(it, "created_at"));
	t->ext_days = json_integer_value(json_object_get(it, "ext_days"));
	t->ext_asked = json_integer_value(json_object_get(it, "ext_asked"));
	t->doctor_id = json_integer_value(json_object_get(it, "doctor_id"));
	snprintf(t->number, sizeof(t->number), "%s", fk_json_str_or(it, "number"));
	snprintf(t->region, sizeof(t->region), "%s", fk_json_str_or(it, "region"));
	snprintf(t->state, sizeof(t->state), "%s", fk_json_str_or(it, "state"));
	snprintf(t->unit, sizeof(t->unit), "%s", fk_json_str_or(it, "unit"));
	snprintf(t->unit_kind, sizeof(t->unit_kind), "%s", fk_json_str_or(it, "unit_kind"));
	snprintf(t->category, sizeof(t->category), "%s", fk_json_str_or(it, "category"));
	snprintf(t->urgency, sizeof(t->urgency), "%s", fk_json_str_or(it, "urgency"));
	snprintf(t->channel, sizeof(t->channel), "%s", fk_json_str_or(it, "channel"));
	snprintf(t->first_unit, sizeof(t->first_unit), "%s", fk_json_str_or(it, "first_unit"));
}

int fk_ticket_deadlines_page(fk_db *db, json_t *items, int64_t now)
{
	cal_cache *cc = cal_cache_new();
	size_t total = json_array_size(items);
	int rc = 0;
	/* PRELOAD tickets at a time: their events in one statement */
	for (size_t from = 0; from < total && rc == 0; from += PRELOAD) {
		int64_t ids[PRELOAD];
		int nids = 0;
		for (size_t i = from; i < total && nids < PRELOAD; i++)
			ids[nids++] = json_integer_value(json_object_get(json_array_get(items, i), "id"));
		ev *all;
		int nall;
		if (events_preload(db, ids, nids, &all, &nall) < 0) {
			rc = -1;
			break;
		}
		for (int k = 0; k < nids && rc == 0; k++) {
			json_t *it = json_array_get(items, from + (size_t)k);
			fk_ticket_row t;
			row_from_item(it, &t);
			/* the ticket's slice of the ordered events */
			int lo = 0, hi = nall;
			while (lo < hi) {
				int mid = (lo + hi) / 2;
				if (all[mid].tid < t.id)
					lo = mid + 1;
				else
					hi = mid;
			}
			int end = lo;
			while (end < nall && all[end].tid == t.id)
				end++;
			json_t *dl = json_array();
			fk_ticket_times tm;
			if (times_of(db, cc, &t, all + lo, end - lo, now, dl, &tm) < 0) {
				json_decref(dl);
				rc = -1;
				break;
			}
			json_object_set_new(it, "deadlines", dl);
			json_object_set_new(it, "overdue", json_boolean(tm.next_due && tm.next_due < now));
		}
		events_free(all, nall);
	}
	free(cc);
	return rc;
}

static int page_hook(fk_db *db, json_t *items)
{
	return fk_ticket_deadlines_page(db, items, fk_now());
}

int64_t fk_ticket_refresh_due(fk_db *db, const char *region)
{
	char hi[32];
	fk_scope_upper(region, hi, sizeof(hi));
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT id FROM tickets WHERE region >= $1 AND region < $2 AND state NOT IN ('answered',"
			" 'closed_resolved', 'closed_unresolved', 'closed_duplicate', 'closed_not_responsible')"
			" ORDER BY id",
			"ss", region, hi) < 0)
		return -1;
	size_t n = 0, cap = 0;
	int64_t *ids = NULL;
	while (fk_stmt_step(st) == FK_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *nv = realloc(ids, cap * sizeof(*ids));
			if (!nv)
				abort();
			ids = nv;
		}
		ids[n++] = fk_stmt_int64(st, 0);
	}
	fk_stmt_done(st);
	int64_t now = fk_now(), done = 0;
	for (size_t i = 0; i < n; i++) {
		fk_ticket_row t;
		fk_ticket_times tm;
		if (fk_ticket_row_load(db, ids[i], &t) != 1 || fk_ticket_times_compute(db, &t, now, NULL, &tm) < 0 ||
		    fk_db_run(db, "UPDATE tickets SET due_at = $1 WHERE id = $2", tm.next_due ? "ii" : "ni",
			      tm.next_due ? tm.next_due : ids[i], ids[i]) < 0) {
			free(ids);
			return -1;
		}
		done++;
	}
	free(ids);
	return done;
}

/* ---- lists ---- */

static const fk_column ticket_cols[] = {
	{ "id", FK_C_INT },
	{ "number", FK_C_TEXT },
	{ "region", FK_C_TEXT },
	{ "region_name", FK_C_TEXT },
	{ "parent_name", FK_C_TEXT },
	{ "channel", FK_C_TEXT },
	{ "category", FK_C_TEXT },
	{ "urgency", FK_C_TEXT },
	{ "caller_name", FK_C_TEXT },
	{ "phone", FK_C_PHONE },
	{ "text", FK_C_TEXT },
	{ "state", FK_C_TEXT },
	{ "unit", FK_C_TEXT },
	{ "unit_name", FK_C_TEXT },
	{ "unit_kind", FK_C_TEXT },
	{ "doctor_id", FK_C_INT },
	{ "doctor_name", FK_C_TEXT },
	{ "doctor_phone", FK_C_TEXT },
	{ "reply", FK_C_TEXT },
	{ "satisfaction", FK_C_TEXT },
	{ "ext_days", FK_C_INT },
	{ "ext_asked", FK_C_INT },
	{ "reopened", FK_C_INT },
	{ "chases", FK_C_INT },
	{ "due_at", FK_C_INT },
	{ "created_at", FK_C_INT },
	{ "updated_at", FK_C_INT },
	{ "person_id", FK_C_INT },
	{ "answer_id", FK_C_INT },
	{ "merged_into", FK_C_INT },
	{ "first_unit", FK_C_TEXT },
	{ "first_unit_name", FK_C_TEXT },
	{ 0 },
};

#define TICKET_FROM                                                                                             \
	"t.id, t.number, t.region, r.name, p.name, t.channel, t.category, t.urgency, t.caller_name, t.phone_enc,"  \
	" t.text, t.state, t.unit, u.name, t.unit_kind, t.doctor_id, d.name, d.duty_phone, t.reply,"              \
	" t.satisfaction, t.ext_days, t.ext_asked, t.reopened, t.chases, t.due_at, t.created_at, t.updated_at,"   \
	" t.person_id, t.answer_id, t.merged_into, t.first_unit, f.name"                                          \
	" FROM tickets t JOIN regions r ON r.code = t.region LEFT JOIN regions p ON p.code = r.parent"            \
	" LEFT JOIN regions u ON u.code = t.unit LEFT JOIN doctors d ON d.id = t.doctor_id"                       \
	" LEFT JOIN regions f ON f.code = t.first_unit"

#define CLOSED_SQL "('answered', 'closed_resolved', 'closed_unresolved', 'closed_duplicate', 'closed_not_responsible')"
#define HANDLING_SQL "('dispatched', 'signed', 'in_progress', 'waiting', 'reopened')"

static const char *const kind_names[] = { "office", "doctors", NULL };

/* ?phone=: the caller's earlier tickets, by the keyed hash of the number. */
static int phone_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	(void)f;
	char phone[32];
	if (fk_phone_normalise(value, phone, sizeof(phone), e) < 0)
		return -1;
	unsigned char *h = fk_arena_alloc(&q->arena, FK_PII_HASH_LEN), sfx[FK_PII_HASH_LEN];
	fk_phone_hashes(phone, h, sfx);
	fk_list_where(q, "t.phone_hash = ?", (fk_val[]){ { 'b', .p = h, .n = FK_PII_HASH_LEN } });
	return 0;
}

static int open_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	int yes = fk_hotline_flag(value, f->name, e);
	if (yes < 0)
		return -1;
	fk_list_where(q, yes ? "t.state NOT IN " CLOSED_SQL : "t.state IN " CLOSED_SQL, NULL);
	return 0;
}

static int mine_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	int yes = fk_hotline_flag(value, f->name, e);
	if (yes < 0)
		return -1;
	if (yes)
		fk_list_where(q, "d.user_id = ?", (fk_val[]){ { 'i', .i = q->who->user_id } });
	return 0;
}

static const fk_filter ticket_filters[] = {
	{ "state", FK_F_ENUM, "t.state = ?", .names = fk_ticket_state_names },
	{ "open", FK_F_CUSTOM, .fn = open_filter },
	{ "category", FK_F_PREFIX, "t.category >= ? AND t.category < ?", .max = 40 },
	{ "channel", FK_F_ENUM, "t.channel = ?", .names = fk_ticket_channel_names },
	{ "urgency", FK_F_ENUM, "t.urgency = ?", .names = fk_ticket_urgency_names },
	{ "number", FK_F_TEXT, "t.number = ?", .max = 15 },
	{ "unit", FK_F_PREFIX, "t.unit >= ? AND t.unit < ?", .max = 12 },
	{ "phone", FK_F_CUSTOM, .fn = phone_filter, .opt = FK_FO_BLANK | FK_FO_AUDIT_GIVEN },
	{ 0 },
};

/* The scope column is written t.region || '' (an expression, on both engines) so that SQLite walks the ids
 * newest first and filters by region, instead of reading the region's
 * whole range to sort it: a district's or a street's tickets are a large
 * share of all, and the page is the newest 100. */
const fk_list fk_ticket_list = {
	.select = TICKET_FROM,
	FK_LIST_KEYED("t.region || ''", "t.id"),
	.desc = true,
	.filters = ticket_filters,
	.cols = ticket_cols,
	.page = page_hook,
	.audit = { "ticket.search", "tickets", true, false },
};

static int inbox_check(fk_list_q *q, fk_err *e)
{
	(void)e;
	fk_list_where(q, "t.state IN " HANDLING_SQL, NULL);
	return 0;
}

static const fk_filter inbox_filters[] = {
	{ "kind", FK_F_ENUM, "t.unit_kind = ?", .names = kind_names },
	{ "state", FK_F_ENUM, "t.state = ?", .names = fk_ticket_state_names },
	{ 0 },
};

const fk_list fk_inbox_list = {
	.select = TICKET_FROM,
	FK_LIST_KEYED("t.unit", "t.id"),
	.filters = inbox_filters,
	.cols = ticket_cols,
	.check = inbox_check,
	.page = page_hook,
	.audit = { "ticket.search", "tickets", true, false },
};

static int chase_check(fk_list_q *q, fk_err *e)
{
	(void)e;
	/* a closed ticket has no next deadline (due_at null) */
	fk_list_where(q, "t.due_at < ?", (fk_val[]){ { 'i', .i = fk_now() } });
	return 0;
}

const fk_list fk_chase_list = { /* read by the due index: few tickets are past a deadline */
	.select = TICKET_FROM,
	FK_LIST_KEYED("t.region || ''", "t.id"),
	.filters = inbox_filters,
	.cols = ticket_cols,
	.check = chase_check,
	.page = page_hook,
	.audit = { "ticket.search", "tickets", true, false },
};

static int callback_check(fk_list_q *q, fk_err *e)
{
	(void)e;
	fk_list_where(q, "t.state = 'replied'", NULL);
	return 0;
}

const fk_list fk_callback_list = {
	.select = TICKET_FROM,
	FK_LIST_REGION_ID("t"),
	.cols = ticket_cols,
	.check = callback_check,
	.page = page_hook,
	.audit = { "ticket.search", "tickets", true, false },
};

static int doctor_check(fk_list_q *q, fk_err *e)
{
	(void)e;
	fk_list_where(q, "t.unit_kind = 'doctors' AND t.state IN " HANDLING_SQL, NULL);
	return 0;
}

static const fk_filter doctor_filters[] = {
	{ "mine", FK_F_CUSTOM, .fn = mine_filter },
	{ 0 },
};

const fk_list fk_doctor_queue = {
	.select = TICKET_FROM,
	FK_LIST_KEYED("t.unit", "t.id"),
	.filters = doctor_filters,
	.cols = ticket_cols,
	.check = doctor_check,
	.page = page_hook,
	.audit = { "ticket.search", "tickets", true, false },
};

/* ---- one ticket ---- */

static json_t *events_json(fk_db *db, int64_t id)
{
	fk_stmt *st;
	json_t *a = json_array();
	if (fk_db_query(db, &st,
			"SELECT e.id, e.at, e.move, e.from_state, e.to_state, e.unit, ur.name AS unit_name, e.note,"
			" e.internal, e.detail, coalesce(nullif(u.display_name, ''), u.username) AS by"
			" FROM ticket_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN regions ur ON ur.code = e.unit"
			" WHERE e.ticket_id = $1 ORDER BY e.id",
			"i", id) < 0)
		return a;
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *o = fk_row_json(st);
		json_object_set_new(o, "internal", json_boolean(json_integer_value(json_object_get(o, "internal"))));
		const char *d = json_string_value(json_object_get(o, "detail"));
		json_object_set_new(o, "detail", d ? json_loads(d, 0, NULL) : json_object());
		json_array_append_new(a, o);
	}
	fk_stmt_done(st);
	return a;
}

json_t *fk_ticket_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	char what[48];
	snprintf(what, sizeof(what), "ticket %lld", (long long)id);
	json_t *t = fk_list_one(db, who, &fk_ticket_list, id, what, 0, e);
	if (!t)
		return NULL;
	json_object_set_new(t, "events", events_json(db, id));
	json_t *moves = json_array();
	const char *state = fk_json_str_or(t, "state");
	for (const fk_ticket_move *m = fk_ticket_moves; m->name; m++)
		if (fk_ticket_move_allowed(m, state) && fk_ticket_move_permitted(m, who->role))
			json_array_append_new(moves, json_string(m->name));
	json_object_set_new(t, "moves", moves);
	json_t *one = json_array();
	json_array_append(one, t);
	int rc = fk_ticket_deadlines_page(db, one, fk_now());
	json_decref(one);
	if (rc < 0) {
		json_decref(t);
		fk_err_internal(e);
		return NULL;
	}
	return t;
}

/* ---- the public form and lookup ---- */

#define MSG_WINDOW 3600
#define MSG_PER_ADDR 5   /* messages an address leaves an hour (a carrier NAT shares one) */
#define MSG_PER_PHONE 3  /* messages one phone leaves an hour */
#define LOOKUP_WINDOW 600
#define LOOKUP_PER_ADDR 30

/* Counts kind's hits of key within window; when at limit, 1 with
 * *retry_after the seconds until the oldest leaves the window; else
 * records one and returns 0.  -1 on a database error. */
static int hit(fk_db *db, const char *kind, const unsigned char *key, int64_t now, int window, int limit,
	       int64_t *retry_after)
{
	int64_t n = 0, oldest = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT count(*), min(at) FROM hotline_hits WHERE kind = $1 AND key = $2 AND at > $3",
			"sbi", kind, key, (size_t)FK_PII_HASH_LEN, now - window) < 0)
		return -1;
	if (fk_stmt_step(st) == FK_ROW) {
		n = fk_stmt_int64(st, 0);
		oldest = fk_stmt_int64(st, 1);
	}
	fk_stmt_done(st);
	if (n >= limit) {
		*retry_after = oldest + window - now;
		if (*retry_after < 1)
			*retry_after = 1;
		return 1;
	}
	return fk_db_run(db, "INSERT INTO hotline_hits (kind, key, at) VALUES ($1, $2, $3)", "sbi", kind, key,
			 (size_t)FK_PII_HASH_LEN, now) < 0
		       ? -1
		       : 0;
}

static const fk_actor public_actor = { .user_id = 0, .username = "", .role = FK_ROLE_NONE, .region = "", .addr = "" };

json_t *fk_message_create(fk_db *db, const fk_ticket_in *t, int64_t *retry_after, fk_err *e)
{
	int64_t now = fk_now();
	unsigned char ah[FK_PII_HASH_LEN], ph[FK_PII_HASH_LEN], ps[FK_PII_HASH_LEN];
	fk_pii_hash(&fk_pii_global, "addr", t->addr ? t->addr : "", ah);
	fk_phone_hashes(t->phone, ph, ps);
	if (fk_db_run(db, "DELETE FROM hotline_hits WHERE at < $1", "i", now - 86400) < 0)
		goto internal;
	int rc = hit(db, "msg_addr", ah, now, MSG_WINDOW, MSG_PER_ADDR, retry_after);
	if (rc == 0)
		rc = hit(db, "msg_phone", ph, now, MSG_WINDOW, MSG_PER_PHONE, retry_after);
	if (rc < 0)
		goto internal;
	if (rc > 0) {
		fk_err_set(e, 429, "throttled", NULL, "too many messages; try again in %lld seconds",
			   (long long)*retry_after);
		return NULL;
	}
	char region[16], number[20], code[8];
	int64_t person_id;
	fk_actor who = public_actor;
	who.addr = t->addr ? t->addr : "";
	if (fk_ticket_place(db, &who, t, region, &person_id, e) < 0)
		return NULL;
	int64_t id = fk_ticket_insert(db, &who, t, region, person_id, ah, number, code, e);
	if (id < 0)
		return NULL;
	if (fk_audit_record(db, &who, "ticket.message", "ticket", id, region,
			    json_pack("{s:s, s:s}", "number", number, "category", t->category)) < 0)
		goto internal;
	return json_pack("{s:s, s:s}", "number", number, "code", code);
internal:
	fk_err_internal(e);
	return NULL;
}

const fk_field fk_lookup_fields[] = {
	{ "number", FK_FT_STRING, true, 15, 15 },
	{ "phone_last4", FK_FT_STRING, false, 4, 4 },
	{ "code", FK_FT_STRING, false, 6, 6 },
	{ 0 },
};

int fk_lookup_parse(const json_t *in, fk_lookup_in *l, fk_err *e)
{
	memset(l, 0, sizeof(*l));
	if (fk_fields_check(in, fk_lookup_fields, e) < 0)
		return -1;
	l->number = fk_json_str(in, "number");
	l->last4 = fk_json_str(in, "phone_last4");
	l->code = fk_json_str(in, "code");
	if (!l->last4 && !l->code)
		return fk_err_invalid(e, "phone_last4", "phone_last4: the last 4 digits of the phone (or code) are required");
	for (const char *p = l->last4; p && *p; p++)
		if (*p < '0' || *p > '9')
			return fk_err_invalid(e, "phone_last4", "phone_last4: 4 digits");
	return 0;
}

json_t *fk_lookup(fk_db *db, const fk_lookup_in *l, int64_t *retry_after, fk_err *e)
{
	int64_t now = fk_now();
	unsigned char ah[FK_PII_HASH_LEN];
	fk_pii_hash(&fk_pii_global, "addr", l->addr ? l->addr : "", ah);
	int rc = hit(db, "lookup", ah, now, LOOKUP_WINDOW, LOOKUP_PER_ADDR, retry_after);
	if (rc < 0)
		goto internal;
	if (rc > 0) {
		fk_err_set(e, 429, "throttled", NULL, "too many lookups; try again in %lld seconds", (long long)*retry_after);
		return NULL;
	}
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT phone_sfx, coalesce(query_code, ''), state, reply, category, created_at, updated_at, number"
			" FROM tickets WHERE number = $1",
			"s", l->number) < 0)
		goto internal;
	json_t *out = NULL;
	if (fk_stmt_step(st) == FK_ROW) {
		bool ok = false;
		if (l->last4) {
			unsigned char h[FK_PII_HASH_LEN];
			size_t n = 0;
			const void *sfx = fk_stmt_blob(st, 0, &n);
			fk_pii_hash(&fk_pii_global, "phone4", l->last4, h);
			ok = sfx && n == FK_PII_HASH_LEN && sodium_memcmp(sfx, h, FK_PII_HASH_LEN) == 0;
		}
		const char *code = fk_stmt_text(st, 1);
		if (!ok && l->code && strlen(code) == 6)
			ok = sodium_memcmp(code, l->code, 6) == 0;
		if (ok) {
			const char *ps = fk_ticket_public_state(fk_stmt_text(st, 2));
			bool replied = strcmp(ps, "replied") == 0 || strcmp(ps, "closed") == 0;
			const char *reply = fk_stmt_text(st, 3);
			out = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "number", fk_stmt_text(st, 7), "state", ps,
					"category", fk_stmt_text(st, 4), "received_at", (json_int_t)fk_stmt_int64(st, 5),
					"updated_at", (json_int_t)fk_stmt_int64(st, 6), "reply",
					replied && reply[0] ? json_string(reply) : json_null());
		}
	}
	fk_stmt_done(st);
	if (!out)
		fk_err_not_found(e, "no ticket %s with these digits", l->number);
	return out;
internal:
	fk_err_internal(e);
	return NULL;
}

/* ---- measures (三率) ---- */

static json_t *rate(int64_t num, int64_t den)
{
	return den ? json_real((double)num / (double)den) : json_null();
}

/* Sums of table's columns for region over from..to, into an object. */
static json_t *sums(fk_db *db, const fk_rollup_table *t, const char *region, int64_t from, int64_t to)
{
	char sql[512];
	int k = snprintf(sql, sizeof(sql), "SELECT");
	for (int i = 0; t->cols[i]; i++)
		k += snprintf(sql + k, sizeof(sql) - (size_t)k, "%s coalesce(sum(%s), 0) AS %s", i ? "," : "", t->cols[i],
			      t->cols[i]);
	snprintf(sql + k, sizeof(sql) - (size_t)k, " FROM %s WHERE region = $1 AND day >= $2 AND day <= $3", t->name);
	fk_stmt *st;
	json_t *o = NULL;
	if (fk_db_query(db, &st, sql, "sii", region, from, to) < 0)
		return json_object();
	if (fk_stmt_step(st) == FK_ROW)
		o = fk_row_json(st);
	fk_stmt_done(st);
	return o ? o : json_object();
}

static int64_t geti(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void add_rates(json_t *o, const json_t *flow, const json_t *out)
{
	json_object_set_new(o, "response_rate", rate(geti(flow, "accepted_on_time"), geti(flow, "accepted")));
	json_object_set_new(o, "on_time_rate", rate(geti(flow, "replied_on_time"), geti(flow, "replied")));
	json_object_set_new(o, "resolution_rate", rate(geti(out, "resolved"), geti(flow, "closed")));
	json_object_set_new(o, "satisfaction_rate",
			    rate(geti(out, "satisfied") + geti(out, "basically"), geti(out, "callbacks")));
	json_object_set_new(o, "direct_share", rate(geti(flow, "direct"), geti(flow, "received")));
}

/* Rows of a per-region breakdown: the children of region (or the units
 * under it) with their sums. */
static json_t *breakdown(fk_db *db, const fk_rollup_table *flow_t, const char *region, int64_t from, int64_t to,
			 const char *cols)
{
	char sql[768];
	snprintf(sql, sizeof(sql),
		 "SELECT d.region, g.name, %s FROM %s d JOIN regions g ON g.code = d.region"
		 " WHERE g.parent = $1 AND d.day >= $2 AND d.day <= $3 GROUP BY d.region, g.name ORDER BY d.region",
		 cols, flow_t->name);
	json_t *a = json_array();
	fk_stmt *st;
	if (fk_db_query(db, &st, sql, "sii", region, from, to) < 0)
		return a;
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(a, fk_row_json(st));
	fk_stmt_done(st);
	return a;
}

json_t *fk_ticket_measures(fk_db *db, const fk_actor *who, const char *region, int64_t from, int64_t to,
			   fk_err *e)
{
	const char *r = fk_scope_region(who, region, e);
	if (!r)
		return NULL;
	if (to < from || to - from > 366) {
		fk_err_invalid(e, "from", "from: up to 366 days before to");
		return NULL;
	}
	json_t *flow = sums(db, fk_ticket_rollups[0], r, from, to);
	json_t *outc = sums(db, fk_ticket_rollups[1], r, from, to);
	json_t *cat = sums(db, fk_ticket_rollups[3], r, from, to);
	json_t *tot = json_object();
	json_object_update(tot, flow);
	json_object_update(tot, outc);
	add_rates(tot, flow, outc);
	char hi[32];
	fk_scope_upper(r, hi, sizeof(hi));
	int64_t overdue = 0;
	fk_db_int64(db, &overdue,
		    "SELECT count(*) FROM tickets WHERE region || '' >= $1 AND region || '' < $2 AND due_at < $3",
		    "ssi", r, hi, fk_now());
	json_object_set_new(tot, "overdue", json_integer(overdue));
	json_decref(flow);
	json_decref(outc);

	json_t *days = json_array();
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT d.day, d.received, d.accepted, d.accepted_on_time, d.direct, d.dispatched, d.replied,"
			" d.replied_on_time, d.closed, coalesce(o.resolved, 0) AS resolved,"
			" coalesce(o.callbacks, 0) AS callbacks, coalesce(o.satisfied, 0) AS satisfied,"
			" coalesce(o.basically, 0) AS basically"
			" FROM ticket_daily d LEFT JOIN ticket_outcome_daily o ON o.region = d.region AND o.day = d.day"
			" WHERE d.region = $1 AND d.day >= $2 AND d.day <= $3 ORDER BY d.day",
			"sii", r, from, to) == 0) {
		while (fk_stmt_step(st) == FK_ROW) {
			json_t *o = fk_row_json(st);
			char d[11];
			fk_date_format(geti(o, "day"), d);
			json_object_set_new(o, "date", json_string(d));
			json_object_del(o, "day");
			add_rates(o, o, o);
			json_array_append_new(days, o);
		}
		fk_stmt_done(st);
	}
	json_t *regions = breakdown(db, fk_ticket_rollups[0], r, from, to,
				    "sum(d.received) AS received, sum(d.accepted) AS accepted,"
				    " sum(d.accepted_on_time) AS accepted_on_time, sum(d.direct) AS direct,"
				    " sum(d.replied) AS replied, sum(d.replied_on_time) AS replied_on_time,"
				    " sum(d.closed) AS closed");
	json_t *units = breakdown(db, fk_ticket_rollups[2], r, from, to,
				  "sum(d.dispatched) AS dispatched, sum(d.replied) AS replied,"
				  " sum(d.replied_on_time) AS replied_on_time, sum(d.returned) AS returned,"
				  " sum(d.resolved) AS resolved, sum(d.closed) AS closed, sum(d.callbacks) AS callbacks,"
				  " sum(d.satisfied) AS satisfied");
	size_t i;
	json_t *it;
	json_array_foreach(regions, i, it) {
		json_t *rate_out = json_object();
		add_rates(it, it, rate_out);
		json_object_del(it, "resolution_rate");
		json_object_del(it, "satisfaction_rate");
		json_decref(rate_out);
	}
	json_array_foreach(units, i, it) {
		json_object_set_new(it, "on_time_rate", rate(geti(it, "replied_on_time"), geti(it, "replied")));
		json_object_set_new(it, "resolution_rate", rate(geti(it, "resolved"), geti(it, "closed")));
		json_object_set_new(it, "satisfaction_rate", rate(geti(it, "satisfied"), geti(it, "callbacks")));
	}
	char f[11], t2[11];
	fk_date_format(from, f);
	fk_date_format(to, t2);
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "region", r, "from", f, "to", t2, "totals", tot,
			 "categories", cat, "days", days, "regions", regions, "units", units);
}
