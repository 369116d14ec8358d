/* calendar.c - working days and deadlines computed on them (see
 * calendar.h).  Expected load: a page of tickets computes up to a few
 * hundred deadlines, each walking at most a few weeks of days. */
#include "core/hotline/calendar.h"

#include <stdio.h>
#include <string.h>

#include "core/base/perm.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "util/date.h"

void fk_workcal_init(fk_workcal *c)
{
	c->n = 0;
}

int fk_weekday(int64_t day)
{
	int64_t w = (day + 4) % 7; /* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

/* Index of day in c, or where it would go (*found false). */
static int find(const fk_workcal *c, int64_t day, bool *found)
{
	int lo = 0, hi = c->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (c->day[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < c->n && c->day[lo] == day;
	return lo;
}

int fk_workcal_put(fk_workcal *c, int64_t day, bool work, const char *note)
{
	bool found;
	int i = find(c, day, &found);
	if (!found) {
		if (c->n >= FK_WORKCAL_MAX)
			return -1;
		memmove(&c->day[i + 1], &c->day[i], (size_t)(c->n - i) * sizeof(c->day[0]));
		memmove(&c->work[i + 1], &c->work[i], (size_t)(c->n - i) * sizeof(c->work[0]));
		memmove(&c->note[i + 1], &c->note[i], (size_t)(c->n - i) * sizeof(c->note[0]));
		c->n++;
	}
	c->day[i] = day;
	c->work[i] = work ? 1 : 0;
	snprintf(c->note[i], sizeof(c->note[i]), "%s", note ? note : "");
	return 0;
}

bool fk_workcal_is_work(const fk_workcal *c, int64_t day, const char **note)
{
	bool found;
	int i = find(c, day, &found);
	if (found) {
		if (note)
			*note = c->note[i][0] ? c->note[i] : (c->work[i] ? "make_up" : "holiday");
		return c->work[i];
	}
	int w = fk_weekday(day);
	bool weekend = w == 0 || w == 6;
	if (note)
		*note = weekend ? "weekend" : "";
	return !weekend;
}

int64_t fk_workcal_next(const fk_workcal *c, int64_t day, int n)
{
	for (int k = 0; k < 2000 && n > 0; k++) {
		day++;
		if (fk_workcal_is_work(c, day, NULL))
			n--;
	}
	return day;
}

int fk_workcal_load(fk_db *db, const char *region, int64_t from, int64_t to, fk_workcal *c)
{
	fk_workcal_init(c);
	/* national first, then each ancestor down to region: the narrower
	 * entry replaces the wider one */
	char chain[FK_REGION_CHAIN][16];
	int k = fk_region_chain(region, chain);
	const char *codes[FK_REGION_CHAIN + 1];
	int nc = 0;
	codes[nc++] = "";
	for (int i = k - 1; i >= 0; i--)
		if (chain[i][0])
			codes[nc++] = chain[i];
	for (int i = 0; i < nc; i++) {
		fk_stmt *st;
		if (fk_db_query(db, &st,
				"SELECT day, work, note FROM work_calendar WHERE region = $1 AND day >= $2 AND day <= $3"
				" ORDER BY day",
				"sii", codes[i], from, to) < 0)
			return -1;
		int rc;
		while ((rc = fk_stmt_step(st)) == FK_ROW)
			if (fk_workcal_put(c, fk_stmt_int64(st, 0), fk_stmt_int64(st, 1) != 0, fk_stmt_text(st, 2)) < 0)
				break;
		fk_stmt_done(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static json_t *day_item(int64_t day, const char *why)
{
	char d[11];
	fk_date_format(day, d);
	return json_pack("{s:s, s:s}", "date", d, "why", why);
}

/* Takes the pauses out of [t, end): advances *t through the free time of
 * the span until need seconds are used or the span ends.  Returns the
 * seconds used; sets *hit to the moment need ran out (0 when it did not)
 * and *open when an open pause stopped the clock inside the span. */
static int64_t run_span(int64_t t, int64_t end, int64_t need, const fk_pause *p, int np, int64_t *hit, bool *open)
{
	int64_t used = 0;
	*hit = 0;
	for (int i = 0; i < np && t < end; i++) {
		int64_t pf = p[i].from, pt = p[i].to ? p[i].to : INT64_MAX;
		if (pt <= t || pf >= end)
			continue;
		if (pf > t) {
			int64_t free = pf - t;
			if (used + free >= need) {
				*hit = t + (need - used);
				return need;
			}
			used += free;
		}
		if (!p[i].to) {
			*open = true;
			return used;
		}
		t = pt;
	}
	if (t < end) {
		int64_t free = end - t;
		if (used + free >= need) {
			*hit = t + (need - used);
			return need;
		}
		used += free;
	}
	return used;
}

int fk_deadline_compute(const fk_workcal *c, int64_t start, fk_limit_unit unit, int n, const fk_pause *pauses,
			int npauses, fk_deadline *out, json_t *how)
{
	out->due = out->left = 0;
	json_t *skipped = json_array(), *made_up = json_array(), *paused = json_array();
	for (int i = 0; i < npauses; i++) {
		if (pauses[i].to && pauses[i].to <= start)
			continue;
		json_array_append_new(paused, json_pack("{s:I, s:o, s:s}", "from", (json_int_t)pauses[i].from, "to",
							pauses[i].to ? json_integer(pauses[i].to) : json_null(),
							"reason", pauses[i].reason ? pauses[i].reason : ""));
	}
	int rc = 0;
	bool open = false;
	int64_t hit = 0;
	if (unit == FK_LIMIT_HOURS) {
		int64_t need = (int64_t)n * 3600;
		int64_t used = run_span(start, INT64_MAX, need, pauses, npauses, &hit, &open);
		if (hit)
			out->due = hit;
		else
			out->left = need - used;
	} else {
		int64_t need = (int64_t)n * 86400, used = 0;
		int64_t day = fk_day_of(start) + 1;
		if (how) {
			char d[11];
			fk_date_format(day, d);
			json_object_set_new(how, "counted_from", json_string(d));
		}
		for (int guard = 0; guard < 1100; guard++, day++) {
			const char *why;
			bool work = fk_workcal_is_work(c, day, &why);
			if (!work) {
				json_array_append_new(skipped, day_item(day, why));
				continue;
			}
			int w = fk_weekday(day);
			if (w == 0 || w == 6)
				json_array_append_new(made_up, day_item(day, why));
			int64_t t0 = fk_local_time(day, 0), t1 = fk_local_time(day, 24);
			used += run_span(t0, t1, need - used, pauses, npauses, &hit, &open);
			if (hit) {
				out->due = hit;
				break;
			}
			if (open) {
				out->left = need - used;
				break;
			}
		}
		if (!hit && !open)
			rc = -1;
	}
	if (how) {
		if (unit == FK_LIMIT_WORKDAYS) {
			json_object_set_new(how, "skipped", skipped);
			json_object_set_new(how, "made_up", made_up);
		} else {
			json_decref(skipped);
			json_decref(made_up);
		}
		json_object_set_new(how, "paused", paused);
	} else {
		json_decref(skipped);
		json_decref(made_up);
		json_decref(paused);
	}
	return rc;
}

int fk_limit_get(fk_db *db, const char *urgency, fk_limit *out)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT reply_unit, reply_n, ext_max FROM ticket_limits WHERE urgency = $1", "s",
			urgency) < 0)
		return -1;
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		snprintf(out->urgency, sizeof(out->urgency), "%s", urgency);
		out->unit = strcmp(fk_stmt_text(st, 0), "hours") == 0 ? FK_LIMIT_HOURS : FK_LIMIT_WORKDAYS;
		out->n = (int)fk_stmt_int64(st, 1);
		out->ext_max = (int)fk_stmt_int64(st, 2);
	}
	fk_stmt_done(st);
	return rc == FK_ROW ? 0 : -1;
}

const fk_field fk_limit_fields[] = {
	{ "urgency", FK_FT_STRING, true, 1, 16 },
	{ "reply_unit", FK_FT_STRING, true, 1, 16 },
	{ "reply_n", FK_FT_INT, true, 1, 720 },
	{ "ext_max", FK_FT_INT, true, 0, 30 },
	{ 0 },
};

int fk_limit_parse(const json_t *in, fk_limit_in *l, fk_err *e)
{
	memset(l, 0, sizeof(*l));
	if (fk_fields_check(in, fk_limit_fields, e) < 0)
		return -1;
	l->urgency = fk_json_str(in, "urgency");
	l->unit = fk_json_str(in, "reply_unit");
	l->n = json_integer_value(json_object_get(in, "reply_n"));
	l->ext_max = json_integer_value(json_object_get(in, "ext_max"));
	bool hours = strcmp(l->unit, "hours") == 0;
	if (!hours && strcmp(l->unit, "workdays") != 0)
		return fk_err_invalid(e, "reply_unit", "reply_unit: hours or workdays");
	if (!hours && l->n > 60)
		return fk_err_invalid(e, "reply_n", "reply_n: at most 60 working days");
	if (hours && l->ext_max)
		return fk_err_invalid(e, "ext_max", "ext_max: a limit in hours is not extended (0)");
	return 0;
}

json_t *fk_limit_set(fk_db *db, const fk_actor *who, const fk_limit_in *l, fk_err *e)
{
	if (strlen(who->region) > 4) {
		fk_err_forbidden(e, "the time limits hold for the whole deployment and are set at city level or above (%s)",
				 fk_role_name(who->role));
		return NULL;
	}
	int rc = fk_db_run(db,
			   "UPDATE ticket_limits SET reply_unit = $1, reply_n = $2, ext_max = $3, updated_at = $4"
			   " WHERE urgency = $5",
			   "siiis", l->unit, l->n, l->ext_max, fk_now(), l->urgency);
	if (rc < 0) {
		fk_err_internal(e);
		return NULL;
	}
	if (fk_db_changes(db) == 0) {
		fk_err_invalid(e, "urgency", "urgency: life_safety, utilities, general or complex");
		return NULL;
	}
	return json_pack("{s:s, s:s, s:I, s:I}", "urgency", l->urgency, "reply_unit", l->unit, "reply_n",
			 (json_int_t)l->n, "ext_max", (json_int_t)l->ext_max);
}

const fk_field fk_workday_fields[] = {
	{ "region", FK_FT_STRING, false, 0, 15 },
	{ "date", FK_FT_STRING, true, 10, 10 },
	{ "work", FK_FT_BOOL, true },
	{ "note", FK_FT_STRING, false, 0, 31 },
	{ 0 },
};

int fk_workday_parse(const json_t *in, fk_workday_in *w, fk_err *e)
{
	memset(w, 0, sizeof(*w));
	if (fk_fields_check(in, fk_workday_fields, e) < 0)
		return -1;
	if (fk_date_parse(fk_json_str(in, "date"), &w->day) < 0)
		return fk_err_invalid(e, "date", "date: YYYY-MM-DD");
	w->region = fk_json_str(in, "region");
	w->work = json_is_true(json_object_get(in, "work"));
	w->note = fk_json_str_or(in, "note");
	return 0;
}

json_t *fk_workday_set(fk_db *db, const fk_actor *who, const fk_workday_in *w, fk_err *e)
{
	const char *region = fk_scope_region(who, w->region, e);
	if (!region)
		return NULL;
	if (fk_db_run(db,
		      "INSERT INTO work_calendar (region, day, work, note) VALUES ($1, $2, $3, $4)"
		      " ON CONFLICT (region, day) DO UPDATE SET work = excluded.work, note = excluded.note",
		      "siis", region, w->day, (int64_t)w->work, w->note) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	char d[11];
	fk_date_format(w->day, d);
	return json_pack("{s:s, s:s, s:b, s:s}", "region", region, "date", d, "work", w->work, "note", w->note);
}

json_t *fk_workcal_days(fk_db *db, const fk_actor *who, const char *region, int64_t from, int64_t to, fk_err *e)
{
	const char *r = fk_scope_region(who, region, e);
	if (!r)
		return NULL;
	if (to < from || to - from > 400) {
		fk_err_invalid(e, "to", "to: from 0 to 400 days after from");
		return NULL;
	}
	fk_workcal c;
	if (fk_workcal_load(db, r, from, to, &c) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *days = json_array();
	for (int64_t d = from; d <= to; d++) {
		const char *why;
		bool work = fk_workcal_is_work(&c, d, &why);
		char s[11];
		fk_date_format(d, s);
		json_array_append_new(days, json_pack("{s:s, s:b, s:s}", "date", s, "work", work, "why", why));
	}
	json_t *limits = json_array();
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT urgency, reply_unit, reply_n, ext_max FROM ticket_limits ORDER BY urgency", "") ==
	    0) {
		while (fk_stmt_step(st) == FK_ROW)
			json_array_append_new(limits, fk_row_json(st));
		fk_stmt_done(st);
	}
	return json_pack("{s:s, s:o, s:o}", "region", r, "days", days, "limits", limits);
}
