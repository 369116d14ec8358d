/* wall.c - the wall screen's panels (see wall.h).  Each provider calls the
 * module that owns its figures; the grouped counts of open alerts and zero
 * reports per child region are the only queries of their own. */
#include "core/command/wall.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/base/region.h"
#include "core/base/scope.h"
#include "core/epi/cases.h"
#include "core/epi/chains.h"
#include "core/grid/screening.h"
#include "util/date.h"

int fk_wall_child_len(const char *code)
{
	static const int next[] = { [FK_LEVEL_COUNTRY] = 2, [FK_LEVEL_PROVINCE] = 4, [FK_LEVEL_CITY] = 6,
				    [FK_LEVEL_COUNTY] = 9, [FK_LEVEL_STREET] = 12, [FK_LEVEL_COMMUNITY] = 15,
				    [FK_LEVEL_GRID] = 0 };
	int lvl = fk_region_level_of(code);
	return lvl < 0 ? 0 : next[lvl];
}

/* Runs inner (a grouped query whose first column is "child": the code of a
 * child region, or of the region itself when it is a grid; $1 the region,
 * $2 the range's upper bound, $3 the child code length, $4 the day) and
 * answers one row per child region in code order, {code, name, <cols>}
 * with 0 where inner has no row; the sums of cols go into total. */
static json_t *per_child(fk_db *db, const fk_wall_ctx *c, const char *inner, const char *const *cols, json_t *total,
			 fk_err *e)
{
	char hi[32], sql[2048];
	fk_scope_upper(c->region, hi, sizeof(hi));
	int n = snprintf(sql, sizeof(sql), "SELECT r.code, r.name");
	for (int i = 0; cols[i]; i++)
		n += snprintf(sql + n, sizeof(sql) - (size_t)n, ", coalesce(x.%s, 0)", cols[i]);
	snprintf(sql + n, sizeof(sql) - (size_t)n, " FROM regions r LEFT JOIN (%s) x ON x.child = r.code WHERE %s ORDER BY r.code",
		 inner, c->child_len ? "r.parent = $1" : "r.code = $1");
	fk_stmt *st;
	if (fk_db_query(db, &st, sql, "ssii", c->region, hi, (int64_t)(c->child_len ? c->child_len : 15), c->day) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *rows = json_array();
	int64_t sum[8] = { 0 };
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *row = json_pack("{s:s, s:s}", "code", fk_stmt_text(st, 0), "name", fk_stmt_text(st, 1));
		for (int i = 0; cols[i] && i < 8; i++) {
			int64_t v = fk_stmt_int64(st, i + 2);
			sum[i] += v;
			json_object_set_new(row, cols[i], json_integer(v));
		}
		json_array_append_new(rows, row);
	}
	fk_stmt_done(st);
	for (int i = 0; cols[i] && i < 8; i++)
		json_object_set_new(total, cols[i], json_integer(sum[i]));
	return rows;
}

/* ---- the panels ---- */

static json_t *p_coverage(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e)
{
	json_t *cov = fk_coverage_get(db, who, c->region, c->day, e);
	if (!cov)
		return NULL;
	json_t *out = json_pack("{s:O, s:O}", "total", json_object_get(cov, "region"), "children",
				json_object_get(cov, "children"));
	json_decref(cov);
	return out;
}

/* per_child's rows as {total, children}, or NULL with e set. */
static json_t *grouped(fk_db *db, const fk_wall_ctx *c, const char *inner, const char *const *cols, fk_err *e)
{
	json_t *total = json_object();
	json_t *rows = per_child(db, c, inner, cols, total, e);
	if (!rows) {
		json_decref(total);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "total", total, "children", rows);
}

/* Open alerts per child, by kind (counts only: no person is named). */
static json_t *p_alerts(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e)
{
	(void)who;
	static const char *const cols[] = { "open", "screening", "followup_missed", NULL };
	return grouped(db, c,
		       "SELECT substr(grid, 1, $3) AS child, count(*) AS open,"
		       " sum(CASE WHEN kind = 'screening' THEN 1 ELSE 0 END) AS screening,"
		       " sum(CASE WHEN kind = 'followup_missed' THEN 1 ELSE 0 END) AS followup_missed"
		       " FROM alerts WHERE state = 'open' AND grid >= $1 AND grid < $2 AND $4 >= 0" /* (every day) */
		       " GROUP BY substr(grid, 1, $3)",
		       cols, e);
}

/* Grids without their zero report of the day, counted per child. */
static json_t *p_reports(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e)
{
	(void)who;
	static const char *const cols[] = { "grids", "reported", "missing", NULL };
	json_t *out = grouped(db, c,
			      "SELECT substr(g.code, 1, $3) AS child, count(*) AS grids,"
			      " sum(CASE WHEN d.grid IS NULL THEN 0 ELSE 1 END) AS reported,"
			      " sum(CASE WHEN d.grid IS NULL THEN 1 ELSE 0 END) AS missing"
			      " FROM regions g LEFT JOIN daily_reports d ON d.grid = g.code AND d.day = $4"
			      " WHERE g.level = 6 AND g.code >= $1 AND g.code < $2 GROUP BY substr(g.code, 1, $3)",
			      cols, e);
	if (!out)
		return NULL;
	int64_t today = fk_today();
	bool late = c->day < today || (c->day == today && fk_now() >= fk_local_time(today, c->report_hour));
	json_object_set_new(out, "late", json_boolean(late));
	json_object_set_new(out, "hour", json_integer(c->report_hour));
	return out;
}

/* The figures of one day of fk_case_stats: new (confirmed counting
 * clinically diagnosed ones), cumulative and current. */
static json_t *case_figures(const json_t *d)
{
	const json_t *nw = json_object_get(d, "new"), *cu = json_object_get(d, "cumulative"),
		     *cur = json_object_get(d, "current");
#define N(o, k) json_integer_value(json_object_get(o, k))
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "new_confirmed",
			 N(nw, "confirmed") + N(nw, "clinical"), "new_suspected", N(nw, "suspected"),
			 "new_asymptomatic", N(nw, "asymptomatic"), "new_discharged", N(nw, "discharged"),
			 "new_deceased", N(nw, "deceased"), "cum_confirmed", N(cu, "confirmed") + N(cu, "clinical"),
			 "cum_discharged", N(cu, "discharged"), "cum_deceased", N(cu, "deceased"), "cur_confirmed",
			 N(cur, "confirmed"), "cur_suspected", N(cur, "suspected"), "cur_asymptomatic",
			 N(cur, "asymptomatic"), "under_observation", N(cur, "observation"));
#undef N
}

json_t *fk_wall_case_day(fk_db *db, const fk_actor *who, const char *region, int64_t day, fk_err *e)
{
	json_t *s = fk_case_stats(db, who, region, day, day, e);
	if (!s)
		return NULL;
	json_t *out = case_figures(json_array_get(json_object_get(s, "days"), 0));
	json_decref(s);
	return out;
}

/* The region's case figures of the day, read once per wall. */
static const json_t *day_figures(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e)
{
	if (!c->figures)
		c->figures = fk_wall_case_day(db, who, c->region, c->day, e);
	return c->figures;
}

/* The children of the region (code, name), in code order. */
static json_t *children_of(fk_db *db, fk_wall_ctx *c, fk_err *e)
{
	fk_stmt *st;
	if (!c->child_len)
		return json_array();
	if (fk_db_query(db, &st, "SELECT code, name FROM regions WHERE parent = $1 ORDER BY code", "s", c->region) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *out = json_array();
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(out, fk_row_json(st));
	fk_stmt_done(st);
	return out;
}

/* Today's case figures, per child too, and the series of the last
 * FK_WALL_DAYS days (the epidemic curve by onset, new confirmed by report,
 * current confirmed). */
static json_t *p_cases(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e)
{
	json_t *s = fk_case_stats(db, who, c->region, c->day - FK_WALL_DAYS + 1, c->day, e);
	if (!s)
		return NULL;
	json_t *days = json_object_get(s, "days"), *onset = json_object_get(s, "onset");
	json_t *dates = json_array(), *on = json_array(), *nc = json_array(), *cc = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(days, i, d) {
		json_t *f = case_figures(d);
		json_array_append(dates, json_object_get(d, "date"));
		json_array_append(on, json_object_get(json_array_get(onset, i), "cases"));
		json_array_append(nc, json_object_get(f, "new_confirmed"));
		json_array_append(cc, json_object_get(f, "cur_confirmed"));
		json_decref(f);
	}
	json_t *today = case_figures(json_array_get(days, json_array_size(days) - 1));
	json_decref(s);
	if (!c->figures) /* the same figures the other panels quote */
		c->figures = json_incref(today);
	json_t *kids = children_of(db, c, e);
	if (!kids)
		goto fail;
	json_array_foreach(kids, i, d) {
		json_t *f = fk_wall_case_day(db, who, json_string_value(json_object_get(d, "code")), c->day, e);
		if (!f) {
			json_decref(kids);
			goto fail;
		}
		json_object_update(d, f);
		json_decref(f);
	}
	return json_pack("{s:o, s:o, s:{s:o, s:o, s:o, s:o}}", "total", today, "children", kids, "series", "dates",
			 dates, "onset", on, "new_confirmed", nc, "cur_confirmed", cc);
fail:
	json_decref(today);
	json_decref(dates);
	json_decref(on);
	json_decref(nc);
	json_decref(cc);
	return NULL;
}

/* People under observation, and the follow-ups they missed on the day
 * (alerts raised for the day's slots, open or since settled). */
static json_t *p_observation(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e)
{
	const json_t *f = day_figures(db, who, c, e);
	if (!f)
		return NULL;
	char hi[32];
	fk_scope_upper(c->region, hi, sizeof(hi));
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT count(*), coalesce(sum(CASE WHEN state = 'open' THEN 1 ELSE 0 END), 0) FROM alerts"
			" WHERE grid >= $1 AND grid < $2 AND kind = 'followup_missed' AND day = $3",
			"ssi", c->region, hi, c->day) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	if (fk_stmt_step(st) != FK_ROW) {
		fk_stmt_done(st);
		fk_err_internal(e);
		return NULL;
	}
	json_t *out = json_pack("{s:O, s:I, s:I}", "under_observation", json_object_get(f, "under_observation"),
				"followups_missed", (json_int_t)fk_stmt_int64(st, 0), "followups_missed_open",
				(json_int_t)fk_stmt_int64(st, 1));
	fk_stmt_done(st);
	return out;
}

#define WALL_STATES_MAX 20000 /* communities read for the states panel */
#define WALL_HOT 12           /* communities listed (state 3 first, then most cases) */

static int hot_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t sx = json_integer_value(json_object_get(x, "state")), sy = json_integer_value(json_object_get(y, "state"));
	if (sx != sy)
		return sx > sy ? -1 : 1;
	json_int_t nx = json_integer_value(json_object_get(x, "cases_14d")),
		   ny = json_integer_value(json_object_get(y, "cases_14d"));
	if (nx != ny)
		return nx > ny ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
}

/* The community states (chains.h): how many at each state, the outbreaks,
 * the communities not at state 1, worst first, and per child region the
 * count at each state and the worst (what the map shades). */
static json_t *p_states(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e)
{
	int64_t n[4] = { 0 }, outbreaks = 0, seen = 0;
	json_t *hot = json_array(), *kids = json_object();
	int len = c->child_len ? c->child_len : 15;
	char after[32] = "";
	for (;;) {
		fk_page page = { .limit = FK_PAGE_MAX, .after = after[0] ? after : NULL };
		json_t *p = fk_community_states(db, who, c->region, &page, e);
		if (!p) {
			json_decref(hot);
			json_decref(kids);
			return NULL;
		}
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(p, "items"), i, it) {
			json_int_t s = json_integer_value(json_object_get(it, "state"));
			const char *code = json_string_value(json_object_get(it, "code"));
			if (s >= 1 && s <= 3)
				n[s]++;
			outbreaks += json_is_true(json_object_get(it, "outbreak"));
			if (s > 1)
				json_array_append(hot, it);
			/* the child the community lies in (the community itself below a street) */
			char child[16];
			snprintf(child, sizeof(child), "%.*s", len < 12 ? len : 12, code);
			json_t *k = json_object_get(kids, child);
			if (!k) {
				k = json_pack("{s:s, s:i, s:i, s:i, s:i}", "code", child, "worst", 1, "1", 0, "2", 0, "3", 0);
				json_object_set_new(kids, child, k);
			}
			char key[2] = { (char)('0' + (s >= 1 && s <= 3 ? s : 1)), 0 };
			json_object_set_new(k, key, json_integer(json_integer_value(json_object_get(k, key)) + 1));
			if (s > json_integer_value(json_object_get(k, "worst")))
				json_object_set_new(k, "worst", json_integer(s));
			snprintf(after, sizeof(after), "%s", code);
			seen++;
		}
		bool more = json_is_string(json_object_get(p, "next")) && json_array_size(json_object_get(p, "items"));
		json_decref(p);
		if (!more || seen >= WALL_STATES_MAX)
			break;
	}
	size_t nh = json_array_size(hot);
	json_t *sorted[nh ? nh : 1];
	for (size_t i = 0; i < nh; i++)
		sorted[i] = json_array_get(hot, i);
	qsort(sorted, nh, sizeof(sorted[0]), hot_cmp);
	json_t *top = json_array();
	for (size_t i = 0; i < nh && i < WALL_HOT; i++)
		json_array_append(top, sorted[i]);
	json_decref(hot);
	json_t *children = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(kids, k, v)
		json_array_append(children, v);
	json_decref(kids);
	return json_pack("{s:I, s:{s:I, s:I, s:I}, s:I, s:o, s:o}", "communities", (json_int_t)seen, "by_state", "1",
			 (json_int_t)n[1], "2", (json_int_t)n[2], "3", (json_int_t)n[3], "outbreaks",
			 (json_int_t)outbreaks, "hot", top, "children", children);
}

/* Rt over the last FK_WALL_DAYS days: the latest estimate with its 95%
 * credible interval, its series and the doubling time. */
static json_t *p_rt(fk_db *db, const fk_actor *who, fk_wall_ctx *c, fk_err *e)
{
	json_t *rt = fk_case_rt(db, who, c->region, c->day, FK_WALL_DAYS, e);
	if (!rt)
		return NULL;
	json_t *series = json_array(), *latest = json_null();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(rt, "items"), i, it) {
		json_array_append_new(series, json_pack("{s:O, s:O, s:O, s:O, s:O}", "to", json_object_get(it, "to"),
							"cases", json_object_get(it, "cases"), "mean",
							json_object_get(it, "mean"), "q025", json_object_get(it, "q025"),
							"q975", json_object_get(it, "q975")));
		if (!json_is_null(json_object_get(it, "mean"))) {
			json_decref(latest);
			latest = json_incref(it);
		}
	}
	json_t *out = json_pack("{s:o, s:o, s:O, s:O}", "latest", latest, "series", series, "doubling_time",
				json_object_get(rt, "doubling_time"), "growing", json_object_get(rt, "growing"));
	json_decref(rt);
	return out;
}

const fk_wall_panel fk_wall_panels[] = {
	{ "coverage", FK_PERM_SCREEN_READ, p_coverage },
	{ "reports", FK_PERM_SCREEN_READ, p_reports },
	{ "alerts", FK_PERM_SCREEN_READ, p_alerts },
	{ "cases", FK_PERM_STATS_READ, p_cases },
	{ "observation", FK_PERM_STATS_READ, p_observation },
	{ "states", FK_PERM_STATS_READ, p_states },
	{ "rt", FK_PERM_STATS_READ, p_rt },
	/* the hotline, supplies and mobilisation add their rows here */
	{ NULL },
};

uint64_t fk_wall_mask(const fk_actor *who)
{
	uint64_t m = 0;
	for (int i = 0; fk_wall_panels[i].name && i < 64; i++)
		if (fk_role_can(who->role, fk_wall_panels[i].perm))
			m |= UINT64_C(1) << i;
	return m;
}

json_t *fk_wall_get(fk_db *db, const fk_actor *who, const char *region, int64_t day, int report_hour, fk_err *e)
{
	const char *code = fk_scope_region(who, region, e);
	if (!code)
		return NULL;
	json_t *self = fk_region_get(db, who, code, e);
	if (!self)
		return NULL;
	fk_wall_ctx c = { code, fk_wall_child_len(code), day, report_hour, NULL };
	json_t *panels = json_object();
	for (const fk_wall_panel *p = fk_wall_panels; p->name; p++) {
		if (!fk_role_can(who->role, p->perm))
			continue;
		json_t *v = p->get(db, who, &c, e);
		if (!v) {
			json_decref(c.figures);
			json_decref(panels);
			json_decref(self);
			return NULL;
		}
		json_object_set_new(panels, p->name, v);
	}
	json_decref(c.figures);
	char d[11];
	fk_date_format(day, d);
	json_t *out = json_pack("{s:{s:O, s:O, s:O, s:O}, s:s, s:o}", "region", "code", json_object_get(self, "code"),
				"name", json_object_get(self, "name"), "level", json_object_get(self, "level"), "path",
				json_object_get(self, "path"), "date", d, "panels", panels);
	json_decref(self);
	return out;
}
