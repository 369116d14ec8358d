/* cases.c - cases, protocol transitions and case statistics (see cases.h).
 * Expected load: tens of thousands of cases per city, a few thousand
 * changes a day; statistics read O(days) aggregate rows. */
#include "core/epi/cases.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/audit.h"
#include "core/base/scope.h"
#include "core/epi/chains.h"
#include "core/epi/contacts.h"
#include "core/base/fields.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/rollup.h"
#include "core/grid/alerts.h"
#include "core/grid/registry.h"
#include "util/date.h"
#include "util/strbuf.h"

int fk_protocol_edition = 7;

static const char *const categories[] = { "suspected", "confirmed", "clinical", "asymptomatic", "excluded", NULL };
static const char *const outcomes[] = { "under_treatment", "discharged", "deceased", NULL };
static const char *const places[] = { "designated_hospital", "temporary_hospital", "centralised_site", "home",
				      NULL };

const char *const *fk_case_category_names(void)
{
	return categories;
}

const char *const *fk_case_outcome_names(void)
{
	return outcomes;
}

const char *const *fk_case_place_names(void)
{
	return places;
}

/* The moves the protocol allows.  A confirmed case stays confirmed (a
 * wrong confirmation is corrected by the CDC's review, not by a move);
 * an excluded person can be suspected again. */
static const struct {
	const char *field, *from, *to;
} moves[] = {
	{ "category", "suspected", "confirmed" },
	{ "category", "suspected", "clinical" }, /* edition 5 only */
	{ "category", "suspected", "excluded" },
	{ "category", "clinical", "confirmed" },
	{ "category", "clinical", "excluded" },
	{ "category", "asymptomatic", "confirmed" },
	{ "category", "asymptomatic", "excluded" },
	{ "category", "excluded", "suspected" },
	{ "outcome", "under_treatment", "discharged" },
	{ "outcome", "under_treatment", "deceased" },
	{ "outcome", "discharged", "under_treatment" }, /* readmitted */
};

static int index_of(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Infected categories have outcomes; suspected and excluded do not. */
static bool has_outcome(const char *category)
{
	return strcmp(category, "confirmed") == 0 || strcmp(category, "clinical") == 0 ||
	       strcmp(category, "asymptomatic") == 0;
}

/* The case roll-ups (core/base/rollup.h), only this module adds to them:
 * reports and outcomes per region and day (a column per category and
 * outcome), and the epidemic curve by onset day. */
static const fk_rollup_table case_daily = {
	"case_daily", 1, { "suspected", "confirmed", "clinical", "asymptomatic", "excluded", "discharged", "deceased" }
};
static const fk_rollup_table onset_daily = { "onset_daily", 1, { "cases" } };
/* The cases open now: +1 entering a current category, -1 leaving it. */
static const fk_rollup_table case_current = { "case_current", 1, { "suspected", "confirmed", "asymptomatic" } };

/* The case_current column a case of category counts in while under
 * treatment (clinically diagnosed cases are confirmed ones), or NULL. */
static const char *current_col(const char *category)
{
	if (strcmp(category, "clinical") == 0)
		return "confirmed";
	return strcmp(category, "excluded") == 0 ? NULL : category;
}

/* Adds n to the current count of category at grid and day. */
static int current_add(fk_db *db, const char *grid, int64_t day, const char *category, int64_t n)
{
	const char *col = current_col(category);
	return col ? fk_rollup_apply_col(db, &case_current, grid, day, col, n) : 0;
}

/* Counts on the epidemic curve: confirmed and clinically diagnosed. */
static bool on_curve(const char *category)
{
	return strcmp(category, "confirmed") == 0 || strcmp(category, "clinical") == 0;
}

static int event_add(fk_db *db, int64_t case_id, int64_t at, int64_t user, const char *field, const char *from,
		     const char *to, const char *reason)
{
	return fk_db_run(db,
			 "INSERT INTO case_events (case_id, at, user_id, field, from_value, to_value, reason)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			 "iiissss", case_id, at, user, field, from, to, reason);
}

const fk_field fk_case_fields[] = {
	{ "person_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "category", FK_FT_STRING, true, 1, 16 },
	{ "onset_date", FK_FT_STRING, false, 10, 10 },
	{ "sampling_date", FK_FT_STRING, false, 10, 10 },
	{ "diagnosis_time", FK_FT_INT, true, 0, INT64_MAX },
	{ "reported_time", FK_FT_INT, false, 0, INT64_MAX },
	{ "reporting_unit", FK_FT_STRING, true, 1, 100 },
	{ "place", FK_FT_STRING, true, 1, 32 },
	{ "alert_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "reason", FK_FT_STRING, false, 0, 200 },
	{ 0 },
};

/* Parses an optional date field; returns 1 when present, 0 when absent, -1
 * with e set when invalid or in the future. */
static int opt_day(const json_t *in, const char *field, int64_t today, int64_t *day, fk_err *e)
{
	const char *s = fk_json_str(in, field);
	if (!s)
		return 0;
	if (fk_date_parse(s, day) < 0)
		return fk_err_invalid(e, field, "%s: a date YYYY-MM-DD", field);
	if (*day > today)
		return fk_err_invalid(e, field, "%s: in the future", field);
	return 1;
}

int fk_case_parse(const json_t *in, fk_case_in *c, fk_err *e)
{
	memset(c, 0, sizeof(*c));
	if (fk_fields_check(in, fk_case_fields, e) < 0)
		return -1;
	const char *category = fk_json_str(in, "category"), *place = fk_json_str(in, "place");
	if (index_of(categories, category) < 0 || strcmp(category, "excluded") == 0) {
		fk_err_invalid(e, "category", "category: suspected, confirmed, clinical or asymptomatic");
		return fk_err_allowed(e, fk_protocol_edition == 5 ? "suspected,confirmed,clinical,asymptomatic"
								  : "suspected,confirmed,asymptomatic");
	}
	if (strcmp(category, "clinical") == 0 && fk_protocol_edition != 5)
		return fk_err_invalid(e, "category",
				      "category: clinical diagnosis exists only under edition 5 (this is %d)",
				      fk_protocol_edition);
	if (index_of(places, place) < 0)
		return fk_err_invalid(e, "place",
				      "place: designated_hospital, temporary_hospital, centralised_site or home");
	int64_t now = fk_now(), today = fk_today();
	int64_t diag = json_integer_value(json_object_get(in, "diagnosis_time"));
	if (diag > now + 300)
		return fk_err_invalid(e, "diagnosis_time", "diagnosis_time: in the future");
	int has_onset = opt_day(in, "onset_date", today, &c->onset, e);
	int has_sampling = has_onset < 0 ? -1 : opt_day(in, "sampling_date", today, &c->sampling, e);
	if (has_onset < 0 || has_sampling < 0)
		return -1;
	if (has_onset && c->onset > fk_day_of(diag))
		return fk_err_invalid(e, "onset_date", "onset_date: after the diagnosis");
	if (has_onset && strcmp(category, "asymptomatic") == 0)
		return fk_err_invalid(e, "onset_date", "onset_date: an asymptomatic infection has no onset");
	/* A report entered from paper afterwards keeps its own time. */
	json_t *rt = json_object_get(in, "reported_time");
	int64_t reported = json_is_integer(rt) ? json_integer_value(rt) : now;
	if (reported > now + 300 || reported < diag)
		return fk_err_invalid(e, "reported_time", "reported_time: from the diagnosis to now");
	json_t *alert_in = json_object_get(in, "alert_id");
	c->person_id = json_integer_value(json_object_get(in, "person_id"));
	c->category = category;
	c->place = place;
	c->reporting_unit = fk_json_str(in, "reporting_unit");
	c->reason = fk_json_str(in, "reason");
	c->has_onset = has_onset;
	c->has_sampling = has_sampling;
	c->diagnosis_time = diag;
	c->reported_time = reported;
	c->alert_id = json_is_integer(alert_in) ? json_integer_value(alert_in) : 0;
	return 0;
}

json_t *fk_case_create(fk_db *db, const fk_actor *who, const fk_case_in *c, fk_err *e)
{
	int64_t now = fk_now(), pid = c->person_id, alert = c->alert_id, reported = c->reported_time;
	const char *category = c->category;
	bool has_onset = c->has_onset, has_sampling = c->has_sampling;
	int64_t onset = c->onset, sampling = c->sampling, diag = c->diagnosis_time;

	char grid[16];
	if (fk_scope_load(db, who, FK_SCOPE_PERSON, pid, "person_id", grid, e) < 0)
		return NULL;
	int64_t existing = 0;
	int rc = fk_db_int64(db, &existing, "SELECT id FROM cases WHERE person_id = $1", "i", pid);
	if (rc < 0)
		goto internal;
	if (rc == FK_ROW) {
		fk_err_conflict(e, "person_id", "person_id: the person has a case already (case %lld)",
				(long long)existing);
		return NULL;
	}
	if (alert && fk_alert_close_for_case(db, who, alert, pid, now, e) < 0)
		return NULL;
	bool late = reported - diag > FK_REPORT_LIMIT;
	fk_val v[] = {
		{ 'i', .i = pid },
		{ 's', .p = grid },
		{ 's', .p = category },
		{ 's', .p = "under_treatment" },
		{ has_onset ? 'i' : 'n', .i = onset },
		{ has_sampling ? 'i' : 'n', .i = sampling },
		{ 'i', .i = diag },
		{ 'i', .i = reported },
		{ 'i', .i = late },
		{ 's', .p = c->reporting_unit },
		{ 's', .p = c->place },
		{ alert ? 'i' : 'n', .i = alert },
		{ 'i', .i = fk_protocol_edition },
		{ 'i', .i = who->user_id },
		{ 'i', .i = now },
	};
	fk_stmt *st;
	if (fk_db_query_vals(db, &st,
			     "INSERT INTO cases (person_id, region, category, outcome, onset_day, sampling_day,"
			     " diagnosis_at, reported_at, late, reporting_unit, place, source_alert, edition, created_by,"
			     " created_at, updated_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
			     v, (int)(sizeof(v) / sizeof(v[0]))) < 0)
		goto internal;
	int64_t id = 0;
	rc = fk_stmt_step(st);
	if (rc == FK_ROW)
		id = fk_stmt_int64(st, 0);
	fk_stmt_done(st);
	if (rc != FK_ROW)
		goto internal;
	if (event_add(db, id, reported, who->user_id, "category", NULL, category, c->reason ? c->reason : "reported") < 0 ||
	    fk_rollup_apply_col(db, &case_daily, grid, fk_day_of(reported), category, 1) < 0 ||
	    current_add(db, grid, fk_day_of(reported), category, 1) < 0 ||
	    (has_onset && on_curve(category) && fk_rollup_apply_col(db, &onset_daily, grid, onset, "cases", 1) < 0))
		goto internal;
	if (strcmp(category, "excluded") != 0 && fk_observation_close_for_case(db, who, pid, id, e) < 0)
		return NULL;
	if (fk_chains_case(db, pid, id) < 0)
		goto internal;
	if (fk_audit_record(db, who, "case.create", "case", id, grid,
			    json_pack("{s:s, s:b, s:I}", "category", category, "late", late, "alert", (json_int_t)alert)) < 0)
		goto internal;
	return fk_case_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

static const fk_column case_cols[] = {
	{ "id", FK_C_INT },
	{ "person_id", FK_C_INT },
	{ "person_name", FK_C_TEXT },
	{ "region", FK_C_TEXT },
	{ "region_name", FK_C_TEXT },
	{ "category", FK_C_TEXT },
	{ "outcome", FK_C_TEXT },
	{ "onset_date", FK_C_DATE },
	{ "sampling_date", FK_C_DATE },
	{ "diagnosis_time", FK_C_INT },
	{ "reported_at", FK_C_INT },
	{ "late", FK_C_BOOL },
	{ "reporting_unit", FK_C_TEXT },
	{ "place", FK_C_TEXT },
	{ "alert_id", FK_C_INT },
	{ "edition", FK_C_INT },
	{ "updated_at", FK_C_INT },
	{ 0 },
};

#define CASE_COLS                                                                                            \
	"c.id, c.person_id, p.name, c.region, r.name, c.category,"                                     \
	" CASE WHEN c.category IN ('suspected', 'excluded') THEN NULL ELSE c.outcome END, c.onset_day,"       \
	" c.sampling_day, c.diagnosis_at, c.reported_at, c.late, c.reporting_unit, c.place, c.source_alert,"  \
	" c.edition, c.updated_at FROM cases c JOIN persons p ON p.id = c.person_id"                          \
	" JOIN regions r ON r.code = c.region"

json_t *fk_case_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	char what[48];
	snprintf(what, sizeof(what), "case %lld", (long long)id);
	json_t *o = fk_list_one(db, who, &fk_case_list, id, what, 0, e);
	if (!o)
		return NULL;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT ev.id, ev.at, u.username AS user, ev.field, ev.from_value AS \"from\","
			" ev.to_value AS \"to\", ev.reason FROM case_events ev LEFT JOIN users u ON u.id = ev.user_id"
			" WHERE ev.case_id = $1 ORDER BY ev.id",
			"i", id) < 0) {
		json_decref(o);
		goto internal;
	}
	json_t *events = json_array();
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(events, fk_row_json(st));
	fk_stmt_done(st);
	json_object_set_new(o, "events", events);
	/* what may happen next */
	const char *cat = fk_json_str_or(o, "category"), *out = fk_json_str_or(o, "outcome");
	json_t *next = json_array();
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		bool cat_move = strcmp(moves[i].field, "category") == 0;
		if (cat_move ? strcmp(moves[i].from, cat) != 0 : (!has_outcome(cat) || strcmp(moves[i].from, out) != 0))
			continue;
		if (strcmp(moves[i].to, "clinical") == 0 && fk_protocol_edition != 5)
			continue;
		json_array_append_new(next, json_string(moves[i].to));
	}
	json_object_set_new(o, "allowed", next);
	return o;
internal:
	fk_err_internal(e);
	return NULL;
}

const fk_field fk_case_move_fields[] = {
	{ "to", FK_FT_STRING, true, 1, 32 },
	{ "reason", FK_FT_STRING, true, 2, 200 },
	{ "at", FK_FT_INT, false, 0, INT64_MAX },
	{ 0 },
};

int fk_case_move_parse(const json_t *in, fk_case_move_in *m, fk_err *e)
{
	memset(m, 0, sizeof(*m));
	if (fk_fields_check(in, fk_case_move_fields, e) < 0)
		return -1;
	m->to = fk_json_str(in, "to");
	m->is_category = index_of(categories, m->to) >= 0;
	if (!m->is_category && index_of(outcomes, m->to) < 0)
		return fk_err_invalid(e, "to", "to: a category or an outcome");
	int64_t now = fk_now();
	json_t *at_in = json_object_get(in, "at");
	m->at = json_is_integer(at_in) ? json_integer_value(at_in) : now;
	if (m->at > now + 300)
		return fk_err_invalid(e, "at", "at: in the future");
	m->reason = fk_json_str(in, "reason");
	return 0;
}

json_t *fk_case_transition(fk_db *db, const fk_actor *who, int64_t id, const fk_case_move_in *m, fk_err *e)
{
	json_t *c = fk_case_get(db, who, id, e);
	if (!c)
		return NULL;
	const char *to = m->to;
	bool is_cat = m->is_category;
	/* allowed from here? */
	json_t *allowed = json_object_get(c, "allowed");
	bool ok = false;
	char list[256] = "";
	size_t i, n = 0;
	json_t *a;
	json_array_foreach(allowed, i, a) {
		ok |= strcmp(json_string_value(a), to) == 0;
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? "," : "", json_string_value(a));
	}
	char cat[24], out[24], grid[16];
	snprintf(cat, sizeof(cat), "%s", fk_json_str_or(c, "category"));
	snprintf(out, sizeof(out), "%s", fk_json_str_or(c, "outcome"));
	snprintf(grid, sizeof(grid), "%s", fk_json_str_or(c, "region"));
	int64_t person_id = json_integer_value(json_object_get(c, "person_id"));
	const char *onset_s = fk_json_str(c, "onset_date");
	int64_t onset = 0;
	bool has_onset = onset_s && fk_date_parse(onset_s, &onset) == 0;
	json_decref(c);
	if (!ok) {
		fk_err_set(e, 409, "transition", "to", "the case is %s (%s) and cannot become %s; allowed: %s", cat,
			   has_outcome(cat) ? out : "no outcome yet", to, list[0] ? list : "none");
		fk_err_allowed(e, list);
		return NULL;
	}
	int64_t now = fk_now(), at = m->at;
	const char *reason = m->reason;
	int64_t day = fk_day_of(at);
	if (is_cat) {
		if (fk_db_run(db, "UPDATE cases SET category = $1, updated_at = $2 WHERE id = $3", "sii", to, now, id) < 0 ||
		    event_add(db, id, at, who->user_id, "category", cat, to, reason) < 0 ||
		    fk_rollup_apply_col(db, &case_daily, grid, day, to, 1) < 0)
			goto internal;
		/* a case discharged or dead is not current in any category */
		if ((!has_outcome(cat) || strcmp(out, "under_treatment") == 0) &&
		    (current_add(db, grid, day, cat, -1) < 0 || current_add(db, grid, day, to, 1) < 0))
			goto internal;
		/* the epidemic curve follows the category */
		if (has_onset && on_curve(cat) != on_curve(to) &&
		    fk_rollup_apply_col(db, &onset_daily, grid, onset, "cases", on_curve(to) ? 1 : -1) < 0)
			goto internal;
		/* excluded: a close contact goes back under observation until its
		 * period ends; suspected again: out of it */
		if (strcmp(to, "excluded") == 0 && fk_observation_resume_for_case(db, who, id, e) < 0)
			return NULL;
		if (strcmp(cat, "excluded") == 0 && fk_observation_close_for_case(db, who, person_id, id, e) < 0)
			return NULL;
	} else {
		if (fk_db_run(db, "UPDATE cases SET outcome = $1, updated_at = $2 WHERE id = $3", "sii", to, now, id) < 0 ||
		    event_add(db, id, at, who->user_id, "outcome", out, to, reason) < 0 ||
		    (strcmp(to, "under_treatment") != 0 && fk_rollup_apply_col(db, &case_daily, grid, day, to, 1) < 0) ||
		    current_add(db, grid, day, cat, strcmp(to, "under_treatment") == 0 ? 1 : -1) < 0)
			goto internal;
		/* Discharge starts 14 days of health monitoring at home. */
		if (strcmp(to, "discharged") == 0 &&
		    fk_observation_start(db, person_id, grid, "post_discharge", 0, id, "home", 0, day,
					 day + fk_observation_days, e) < 0)
			return NULL;
	}
	if (fk_audit_record(db, who, "case.transition", "case", id, grid,
			    json_pack("{s:s, s:s, s:s}", "from", is_cat ? cat : out, "to", to, "reason", reason)) < 0)
		goto internal;
	return fk_case_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

static const fk_filter case_filters[] = {
	{ "category", FK_F_ENUM, "c.category = ?", .names = categories, .opt = FK_FO_AUDIT },
	{ "outcome", FK_F_ENUM, "(c.outcome = ? AND c.category NOT IN ('suspected', 'excluded'))", .names = outcomes,
	  .opt = FK_FO_AUDIT },
	{ "late", FK_F_FLAG, "c.late = ?" },
	{ 0 },
};

const fk_list fk_case_list = {
	.select = CASE_COLS,
	FK_LIST_REGION_ID("c"),
	.desc = true,
	.filters = case_filters,
	.cols = case_cols,
	.audit = { "case.search", "cases", .region = true },
};

/* Reads nc columns of roll-up table (a fixed identifier, never input) at
 * code for the days from..to: per day the counts of that day into
 * day_n[(d - from) * nc + i] and the running sums since the beginning into
 * sum_n (the days before from in one aggregate).  Returns 0 or -1. */
static int rollup_days(fk_db *db, const char *table, const char *const *cols, int nc, const char *code, int64_t from,
		       int64_t to, int64_t *day_n, int64_t *sum_n)
{
	char before[512], range[512];
	int nb = snprintf(before, sizeof(before), "SELECT "), nr = snprintf(range, sizeof(range), "SELECT day");
	for (int i = 0; i < nc; i++) {
		nb += snprintf(before + nb, sizeof(before) - (size_t)nb, "%scoalesce(sum(%s), 0)", i ? ", " : "", cols[i]);
		nr += snprintf(range + nr, sizeof(range) - (size_t)nr, ", %s", cols[i]);
	}
	snprintf(before + nb, sizeof(before) - (size_t)nb, " FROM %s WHERE region = $1 AND day < $2", table);
	snprintf(range + nr, sizeof(range) - (size_t)nr,
		 " FROM %s WHERE region = $1 AND day >= $2 AND day <= $3 ORDER BY day", table);
	int64_t run[FK_ROLLUP_COLS] = { 0 };
	fk_stmt *st;
	if (fk_db_query(db, &st, before, "si", code, from) < 0)
		return -1;
	if (fk_stmt_step(st) == FK_ROW)
		for (int i = 0; i < nc; i++)
			run[i] = fk_stmt_int64(st, i);
	fk_stmt_done(st);
	if (fk_db_query(db, &st, range, "sii", code, from, to) < 0)
		return -1;
	int rc = fk_stmt_step(st);
	for (int64_t d = from; d <= to; d++) {
		int64_t *n = day_n + (d - from) * nc, *sum = sum_n + (d - from) * nc;
		bool here = rc == FK_ROW && fk_stmt_int64(st, 0) == d;
		for (int i = 0; i < nc; i++) {
			n[i] = here ? fk_stmt_int64(st, i + 1) : 0;
			run[i] += n[i];
			sum[i] = run[i];
		}
		if (here)
			rc = fk_stmt_step(st);
	}
	fk_stmt_done(st);
	return rc < 0 ? -1 : 0;
}

json_t *fk_case_stats(fk_db *db, const fk_actor *who, const char *region, int64_t from, int64_t to, fk_err *e)
{
	const char *code = fk_scope_region(who, region, e);
	if (!code)
		return NULL;
	if (to < from || to - from > 366) {
		fk_err_invalid(e, "to", "to: on or after from, at most 366 days later");
		return NULL;
	}
	static const char *const cols[] = { "suspected", "confirmed", "clinical", "asymptomatic",
					    "excluded",  "discharged", "deceased" };
	static const char *const obs_cols[] = { "started", "ended" };
	enum { NC = 7, NK = 3, ND = 367 };
	fk_stmt *st;
	int rc;
	/* new and cumulative counts, current ones, and those under observation */
	int64_t *buf = calloc((size_t)ND * (2 * NC + 2 * NK + 4), sizeof(int64_t));
	if (!buf)
		goto internal;
	int64_t *nw_n = buf, *cu_n = nw_n + ND * NC, *cc_d = cu_n + ND * NC, *cc_n = cc_d + ND * NK,
		*ob_d = cc_n + ND * NK, *ob_n = ob_d + ND * 2;
	if (rollup_days(db, "case_daily", cols, NC, code, from, to, nw_n, cu_n) < 0 ||
	    rollup_days(db, "case_current", case_current.cols, NK, code, from, to, cc_d, cc_n) < 0 ||
	    rollup_days(db, "observation_daily", obs_cols, 2, code, from, to, ob_d, ob_n) < 0) {
		free(buf);
		goto internal;
	}
	json_t *days = json_array();
	for (int64_t d = from; d <= to; d++) {
		size_t k = (size_t)(d - from);
		char ds[11];
		fk_date_format(d, ds);
		json_t *row = json_pack("{s:s}", "date", ds), *nw = json_object(), *cu = json_object(),
		       *cur = json_object();
		for (int i = 0; i < NC; i++) {
			json_object_set_new(nw, cols[i], json_integer(nw_n[k * NC + (size_t)i]));
			json_object_set_new(cu, cols[i], json_integer(cu_n[k * NC + (size_t)i]));
		}
		for (int i = 0; i < NK; i++)
			json_object_set_new(cur, case_current.cols[i], json_integer(cc_n[k * NK + (size_t)i]));
		json_object_set_new(cur, "observation", json_integer(ob_n[k * 2] - ob_n[k * 2 + 1]));
		json_object_set_new(row, "new", nw);
		json_object_set_new(row, "cumulative", cu);
		json_object_set_new(row, "current", cur);
		json_array_append_new(days, row);
	}
	free(buf);
	/* the epidemic curve over the same days */
	if (fk_db_query(db, &st, "SELECT day, cases FROM onset_daily WHERE region = $1 AND day >= $2 AND day <= $3 ORDER BY day",
			"sii", code, from, to) < 0) {
		json_decref(days);
		goto internal;
	}
	json_t *curve = json_array();
	rc = fk_stmt_step(st);
	for (int64_t d = from; d <= to; d++) {
		int64_t n = 0;
		if (rc == FK_ROW && fk_stmt_int64(st, 0) == d) {
			n = fk_stmt_int64(st, 1);
			rc = fk_stmt_step(st);
		}
		char ds[11];
		fk_date_format(d, ds);
		json_array_append_new(curve, json_pack("{s:s, s:I}", "date", ds, "cases", (json_int_t)n));
	}
	fk_stmt_done(st);
	char today[11];
	fk_date_format(fk_today(), today);
	return json_pack("{s:s, s:s, s:o, s:o}", "region", code, "today", today, "days", days, "onset", curve);
internal:
	fk_err_internal(e);
	return NULL;
}

/* ---- the reproduction number ---- */

fk_rt_config fk_rt_settings = FK_RT_CONFIG_DEFAULT;

static json_t *num_or_null(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *fk_case_rt(fk_db *db, const fk_actor *who, const char *region, int64_t to, int days, fk_err *e)
{
	const char *code = fk_scope_region(who, region, e);
	if (!code)
		return NULL;
	if (days < fk_rt_settings.window + 2 || days > 366) {
		fk_err_invalid(e, "days", "days: from %d to 366", fk_rt_settings.window + 2);
		return NULL;
	}
	/* incidence by onset from the epidemic curve's aggregate: O(days) */
	double inc[366] = { 0 };
	int64_t from = to - days + 1;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT day, cases FROM onset_daily WHERE region = $1 AND day >= $2 AND day <= $3",
			"sii", code, from, to) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	while (fk_stmt_step(st) == FK_ROW)
		inc[fk_stmt_int64(st, 0) - from] = (double)fk_stmt_int64(st, 1);
	fk_stmt_done(st);
	fk_rt_point pts[366];
	int n = fk_rt_estimate(inc, days, &fk_rt_settings, pts);
	if (n < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		fk_rt_point *p = &pts[i];
		/* no infection pressure yet: only the prior would speak */
		if (!(p->infectivity > 0))
			p->mean = p->sd = p->median = p->q025 = p->q975 = p->q05 = p->q95 = NAN;
		char ds[11], de[11];
		fk_date_format(from + p->t_start - 1, ds);
		fk_date_format(from + p->t_end - 1, de);
		json_array_append_new(items, json_pack("{s:s, s:s, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "from", ds,
						       "to", de, "cases", p->cases, "mean", num_or_null(p->mean), "sd",
						       num_or_null(p->sd), "median", num_or_null(p->median), "q025",
						       num_or_null(p->q025), "q975", num_or_null(p->q975), "q05",
						       num_or_null(p->q05), "q95", num_or_null(p->q95)));
	}
	double dt = fk_doubling_time(inc, days, FK_RT_DOUBLING_DAYS);
	json_t *incidence = json_array();
	for (int i = 0; i < days; i++) {
		char d[11];
		fk_date_format(from + i, d);
		json_array_append_new(incidence, json_pack("{s:s, s:f}", "date", d, "cases", inc[i]));
	}
	return json_pack("{s:s, s:{s:f, s:f, s:f, s:f, s:i}, s:o, s:o, s:o, s:b}", "region", code, "config", "si_mean",
			 fk_rt_settings.si_mean, "si_sd", fk_rt_settings.si_sd, "prior_mean", fk_rt_settings.prior_mean,
			 "prior_sd", fk_rt_settings.prior_sd, "window", fk_rt_settings.window, "incidence", incidence,
			 "items", items, "doubling_time", isfinite(dt) ? json_real(dt) : json_null(), "growing",
			 isfinite(dt) && dt > 0);
}
