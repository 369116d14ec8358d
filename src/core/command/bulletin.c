/* bulletin.c - daily bulletins: figures, drafts, approval, corrections and
 * the list (see bulletin.h; the documents are in bulletin_doc.c).  Load: one
 * bulletin per region and day; drafting one reads the roll-ups of the region
 * and of each child for a day and 14 days (a few dozen indexed reads). */
#include "core/command/bulletin.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "core/command/wall.h"
#include "core/grid/screening.h"
#include "util/date.h"

int fk_bulletin_hour = 0;

const fk_field fk_bulletin_fields[] = {
	{ "region", FK_FT_STRING, true, 0, 15 },
	{ "date", FK_FT_STRING, true, 10, 10 },
	{ 0 },
};

int fk_bulletin_parse(const json_t *in, fk_bulletin_in *b, fk_err *e)
{
	memset(b, 0, sizeof(*b));
	if (fk_fields_check(in, fk_bulletin_fields, e) < 0)
		return -1;
	b->region = fk_json_str(in, "region");
	if (fk_region_level_of(b->region) < 0)
		return fk_err_invalid(e, "region", "region: a region code (2 to 15 digits)");
	if (fk_date_parse(fk_json_str(in, "date"), &b->day) < 0)
		return fk_err_invalid(e, "date", "date: a date YYYY-MM-DD");
	return 0;
}

/* The figures the bulletin compares for corrections, in the order they
 * are printed (the case figures of wall.h). */
static const char *const corrected[] = { "cum_confirmed", "cum_discharged", "cum_deceased", "cur_confirmed",
					 "cur_suspected", "cur_asymptomatic", "under_observation", NULL };

/* Adds the day's coverage of each row of rows (matched by code) and of
 * totals from fk_coverage_get. */
static void add_coverage(json_t *totals, json_t *rows, const json_t *cov)
{
	const json_t *self = json_object_get(cov, "region");
	const char *keys[] = { "households", "unvisited", "abnormal" };
	for (int k = 0; k < 3; k++)
		json_object_set(totals, keys[k], json_object_get(self, keys[k]));
	json_object_set_new(totals, "screened", json_integer(json_integer_value(json_object_get(self, "visited")) +
							     json_integer_value(json_object_get(self, "not_home")) +
							     json_integer_value(json_object_get(self, "refused"))));
	size_t i, j;
	json_t *r, *c;
	json_array_foreach(rows, i, r) {
		json_array_foreach(json_object_get(cov, "children"), j, c) {
			if (!json_equal(json_object_get(c, "code"), json_object_get(r, "code")))
				continue;
			for (int k = 0; k < 3; k++)
				json_object_set(r, keys[k], json_object_get(c, keys[k]));
			json_object_set_new(r, "screened", json_integer(json_integer_value(json_object_get(c, "visited")) +
								   json_integer_value(json_object_get(c, "not_home")) +
								   json_integer_value(json_object_get(c, "refused"))));
		}
	}
}

json_t *fk_bulletin_figures(fk_db *db, const fk_actor *who, const char *region, int64_t day, fk_err *e)
{
	const char *code = fk_scope_region(who, region, e);
	if (!code)
		return NULL;
	json_t *self = fk_region_get(db, who, code, e), *totals = NULL, *cov = NULL, *kids = json_array(),
	       *days = json_array(), *out = NULL;
	if (!self || !(totals = fk_wall_case_day(db, who, code, day, e)))
		goto done;
	for (int64_t d = day - FK_BULLETIN_DAYS + 1; d <= day; d++) {
		json_t *f = fk_wall_case_day(db, who, code, d, e);
		if (!f)
			goto done;
		char ds[11];
		fk_date_format(d, ds);
		json_object_set_new(f, "date", json_string(ds));
		json_array_append_new(days, f);
	}
	if (fk_wall_child_len(code)) {
		fk_stmt *st;
		if (fk_db_query(db, &st, "SELECT code, name FROM regions WHERE parent = $1 ORDER BY code", "s", code) < 0) {
			fk_err_internal(e);
			goto done;
		}
		while (fk_stmt_step(st) == FK_ROW)
			json_array_append_new(kids, json_pack("{s:s, s:s}", "code", fk_stmt_text(st, 0), "name",
							      fk_stmt_text(st, 1)));
		fk_stmt_done(st);
	}
	size_t i;
	json_t *k;
	json_array_foreach(kids, i, k) {
		json_t *f = fk_wall_case_day(db, who, json_string_value(json_object_get(k, "code")), day, e);
		if (!f)
			goto done;
		json_object_update(k, f);
		json_decref(f);
	}
	if (!(cov = fk_coverage_get(db, who, code, day, e)))
		goto done;
	add_coverage(totals, kids, cov);
	char ds[11];
	fk_date_format(day, ds);
	out = json_pack("{s:{s:O, s:O, s:O}, s:s, s:O, s:O, s:O}", "region", "code", json_object_get(self, "code"),
			"name", json_object_get(self, "name"), "level", json_object_get(self, "level"), "date", ds,
			"totals", totals, "children", kids, "days", days);
done:
	json_decref(self);
	json_decref(totals);
	json_decref(cov);
	json_decref(kids);
	json_decref(days);
	return out;
}

/* The corrections to the region's last approved bulletin before day: each
 * figure of its day that reads differently now.  An array, or NULL with e
 * set. */
static json_t *corrections(fk_db *db, const fk_actor *who, const char *region, int64_t day, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT id, day, figures FROM bulletins WHERE region = $1 AND state = 'approved' AND day < $2"
			" ORDER BY day DESC LIMIT 1",
			"si", region, day) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *out = json_array();
	if (fk_stmt_step(st) != FK_ROW) {
		fk_stmt_done(st);
		return out;
	}
	int64_t id = fk_stmt_int64(st, 0), was_day = fk_stmt_int64(st, 1);
	json_t *was = json_loads(fk_stmt_text(st, 2), 0, NULL);
	fk_stmt_done(st);
	json_t *now = fk_wall_case_day(db, who, region, was_day, e);
	if (!was || !now) {
		json_decref(was);
		json_decref(out);
		if (now)
			fk_err_internal(e);
		json_decref(now);
		return NULL;
	}
	const json_t *old = json_object_get(was, "totals");
	char ds[11];
	fk_date_format(was_day, ds);
	for (int i = 0; corrected[i]; i++) {
		json_int_t a = json_integer_value(json_object_get(old, corrected[i])),
			   b = json_integer_value(json_object_get(now, corrected[i]));
		if (a != b)
			json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:I, s:I}", "bulletin_id", (json_int_t)id,
							     "date", ds, "figure", corrected[i], "was", a, "now", b));
	}
	json_decref(was);
	json_decref(now);
	return out;
}

static const char bulletin_select[] =
	"SELECT b.id, b.region, r.name, b.day, b.state, b.figures, b.created_at,"
	" coalesce(nullif(u.display_name, ''), u.username), b.approved_at, b.audit_size, b.audit_head"
	" FROM bulletins b LEFT JOIN regions r ON r.code = b.region LEFT JOIN users u ON u.id = b.approved_by";

static const fk_column bulletin_columns[] = {
	{ "id", FK_C_INT },
	{ "region", FK_C_TEXT },
	{ "name", FK_C_TEXT },
	{ "date", FK_C_DATE },
	{ "state", FK_C_TEXT },
	{ "figures", FK_C_JSON },
	{ "created_at", FK_C_INT },
	{ "approved_by", FK_C_TEXT },
	{ "approved_at", FK_C_INT },
	{ "audit_size", FK_C_INT },
	{ "audit_head", FK_C_TEXT },
	{ 0 },
};

json_t *fk_bulletin_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	char sql[sizeof(bulletin_select) + 32];
	snprintf(sql, sizeof(sql), "%s WHERE b.id = $1", bulletin_select);
	fk_stmt *st;
	if (fk_db_query(db, &st, sql, "i", id) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	fk_render rd = { bulletin_columns, 0, 0 };
	json_t *b = fk_stmt_step(st) == FK_ROW ? fk_row_render(st, &rd) : NULL;
	fk_stmt_done(st);
	char what[40];
	snprintf(what, sizeof(what), "bulletin %lld", (long long)id);
	if (!b) {
		fk_err_not_found(e, "%s not found", what);
		return NULL;
	}
	if (fk_scope_row(who, json_string_value(json_object_get(b, "region")), what, e) < 0) {
		json_decref(b);
		return NULL;
	}
	return b;
}

json_t *fk_bulletin_draft(fk_db *db, const fk_actor *who, const fk_bulletin_in *b, fk_err *e)
{
	const char *code = fk_scope_region(who, b->region, e);
	if (!code)
		return NULL;
	if (fk_now() < fk_local_time(b->day + 1, fk_bulletin_hour)) {
		char ds[11];
		fk_date_format(b->day, ds);
		fk_err_conflict(e, "date", "date: the day %s is not over yet (bulletins from %02d:00 the next day)", ds,
				fk_bulletin_hour);
		return NULL;
	}
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, state FROM bulletins WHERE region = $1 AND day = $2", "si", code, b->day) < 0)
		goto internal;
	bool approved = fk_stmt_step(st) == FK_ROW && strcmp(fk_stmt_text(st, 1), "approved") == 0;
	fk_stmt_done(st);
	if (approved) {
		fk_err_conflict(e, "date", "date: the bulletin of this day is approved: its figures are locked");
		return NULL;
	}
	json_t *fig = fk_bulletin_figures(db, who, code, b->day, e);
	if (!fig)
		return NULL;
	json_t *corr = corrections(db, who, code, b->day, e);
	if (!corr) {
		json_decref(fig);
		return NULL;
	}
	json_object_set_new(fig, "corrections", corr);
	char *text = json_dumps(fig, JSON_COMPACT);
	json_decref(fig);
	int64_t id = 0, now = fk_now();
	int rc = fk_db_int64(db, &id,
			     "INSERT INTO bulletins (region, day, state, figures, created_by, created_at)"
			     " VALUES ($1, $2, 'draft', $3, $4, $5) ON CONFLICT (region, day) DO UPDATE SET"
			     " figures = excluded.figures, created_by = excluded.created_by, created_at = excluded.created_at"
			     " RETURNING id",
			     "sisii", code, b->day, text, who->user_id, now);
	free(text);
	if (rc != FK_ROW || fk_audit_record(db, who, "bulletin.draft", "bulletin", id, code, NULL) < 0)
		goto internal;
	return fk_bulletin_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

json_t *fk_bulletin_approve(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	json_t *b = fk_bulletin_get(db, who, id, e);
	if (!b)
		return NULL;
	bool approved = strcmp(json_string_value(json_object_get(b, "state")), "approved") == 0;
	char region[16];
	snprintf(region, sizeof(region), "%s", json_string_value(json_object_get(b, "region")));
	json_decref(b);
	if (approved) {
		fk_err_conflict(e, "state", "bulletin %lld is approved already", (long long)id);
		return NULL;
	}
	/* the approval is the log's next entry: the head printed is the one
	 * the bulletin's figures were approved on */
	if (fk_audit_record(db, who, "bulletin.approve", "bulletin", id, region, NULL) < 0)
		goto internal;
	int64_t size = 0;
	unsigned char hash[32];
	char hex[65];
	if (fk_audit_head(db, &size, hash) < 0)
		goto internal;
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	if (fk_db_run(db,
		      "UPDATE bulletins SET state = 'approved', approved_by = $1, approved_at = $2, audit_size = $3,"
		      " audit_head = $4 WHERE id = $5",
		      "iiisi", who->user_id, fk_now(), size, hex, id) < 0)
		goto internal;
	return fk_bulletin_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

static const char *const bulletin_states[] = { "draft", "approved", NULL };
static const fk_filter bulletin_filters[] = {
	{ "state", FK_F_ENUM, "b.state = ?", .names = bulletin_states },
	{ "from", FK_F_DATE, "b.day >= ?" },
	{ "to", FK_F_DATE, "b.day <= ?" },
	{ 0 },
};

/* The list leaves the figures out (they are the record page's). */
static const fk_column bulletin_list_columns[] = {
	{ "id", FK_C_INT },
	{ "region", FK_C_TEXT },
	{ "name", FK_C_TEXT },
	{ "date", FK_C_DATE },
	{ "state", FK_C_TEXT },
	{ "created_at", FK_C_INT },
	{ "approved_by", FK_C_TEXT },
	{ "approved_at", FK_C_INT },
	{ "audit_head", FK_C_TEXT },
	{ 0 },
};

const fk_list fk_bulletin_list = {
	.select = "b.id, b.region, r.name, b.day, b.state, b.created_at,"
		  " coalesce(nullif(u.display_name, ''), u.username), b.approved_at, b.audit_head"
		  " FROM bulletins b LEFT JOIN regions r ON r.code = b.region LEFT JOIN users u ON u.id = b.approved_by",
	FK_LIST_REGION_ID("b"),
	.desc = true,
	.filters = bulletin_filters,
	.cols = bulletin_list_columns,
};

int fk_bulletin_publish(fk_db *db, const fk_actor *who, int64_t id, const char *format, fk_strbuf *out, json_t **b,
			fk_err *e)
{
	int (*make)(const json_t *, fk_strbuf *) = !format || strcmp(format, "txt") == 0 ? fk_bulletin_text
						   : strcmp(format, "pdf") == 0			 ? fk_bulletin_pdf
						   : strcmp(format, "xlsx") == 0		 ? fk_bulletin_xlsx
												 : NULL;
	if (!make)
		return fk_err_invalid(e, "format", "format: txt, pdf or xlsx");
	*b = fk_bulletin_get(db, who, id, e);
	if (!*b)
		return -1;
	if (strcmp(json_string_value(json_object_get(*b, "state")), "approved") != 0) {
		json_decref(*b);
		*b = NULL;
		return fk_err_conflict(e, "state", "bulletin %lld is not approved yet: only approved figures are published",
				       (long long)id);
	}
	if (make(*b, out) < 0) {
		json_decref(*b);
		*b = NULL;
		return fk_err_internal(e);
	}
	return 0;
}

int fk_bulletin_draft_due(fk_db *db, int64_t day, int64_t *drafted)
{
	*drafted = 0;
	fk_stmt *st;
	/* each enabled commander's home region without a bulletin of the day,
	 * drafted once per region (by the first such commander) */
	if (fk_db_query(db, &st,
			"SELECT min(u.id), u.region FROM users u WHERE u.role = 'commander' AND u.disabled = 0"
			" AND NOT EXISTS (SELECT 1 FROM bulletins b WHERE b.region = u.region AND b.day = $1)"
			" GROUP BY u.region ORDER BY u.region",
			"i", day) < 0)
		return -1;
	json_t *todo = json_array();
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(todo, json_pack("[I, s]", (json_int_t)fk_stmt_int64(st, 0), fk_stmt_text(st, 1)));
	fk_stmt_done(st);
	size_t i;
	json_t *t;
	int rc = 0;
	json_array_foreach(todo, i, t) {
		const char *region = json_string_value(json_array_get(t, 1));
		const fk_actor who = { .user_id = json_integer_value(json_array_get(t, 0)), .username = "schedule",
				       .role = FK_ROLE_COMMANDER, .region = region, .addr = "" };
		fk_bulletin_in in = { region, day };
		fk_err e = { 0 };
		json_t *b = fk_bulletin_draft(db, &who, &in, &e);
		if (!b) {
			rc = -1;
			break;
		}
		json_decref(b);
		(*drafted)++;
	}
	json_decref(todo);
	return rc;
}
