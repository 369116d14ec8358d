/* screening.c - screening records, coverage, the list of alerts and zero
 * reports (see screening.h).  Expected load: batches of up to 1,000
 * records from grid workers' phones, ~4 M households a day at city scale;
 * every write updates the coverage rows of its grid's seven ancestor levels
 * once per batch. */
#include "core/grid/screening.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/audit.h"
#include "core/base/scope.h"
#include "core/base/fields.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/grid/alerts.h"
#include "core/grid/registry.h"
#include "util/date.h"
#include "util/text.h"

const char *const fk_category_names[] = { "confirmed", "suspected", "febrile", "close_contact", NULL };
const char *const fk_symptom_names[] = { "fever", "cough", "fatigue", "short_breath", "other", NULL };
static const char *const status_names[] = { "visited", "not_home", "refused", NULL };

const char *const *fk_screening_status_names(void)
{
	return status_names;
}

#define BACKDATE_DAYS 14 /* how late an offline phone may deliver a day's records */

const fk_field fk_screening_fields[] = {
	{ "uuid", FK_FT_STRING, true, 36, 36 },
	{ "household_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "date", FK_FT_STRING, false, 10, 10 },
	{ "status", FK_FT_STRING, true, 1, 16 },
	{ "recorded_at", FK_FT_INT, false, 0, INT64_MAX },
	{ "persons", FK_FT_ARRAY, false, 0, 50 },
	{ "withdraws", FK_FT_STRING, false, 36, 36 },
	{ 0 },
};

/* The status of an undo: a record that withdraws another (see
 * fk_screening_store); not a state coverage counts. */
#define WITHDRAWN "withdrawn"

const fk_field fk_finding_fields[] = {
	{ "person_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "temperature", FK_FT_NUMBER, false },
	{ "symptoms", FK_FT_ARRAY, false, 0, 5 },
	{ "history", FK_FT_ARRAY, false, 0, 3 },
	{ "category", FK_FT_STRING, false, 1, 16 },
	{ "note", FK_FT_STRING, false, 0, 500 },
	{ 0 },
};

static int name_index(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Prefixes e's field and message with where the error is: "[3]." */
static int at(fk_err *e, const char *where)
{
	char f[sizeof(e->field)], m[sizeof(e->message)];
	snprintf(f, sizeof(f), "%s%s%s", where, e->field[0] ? "." : "", e->field);
	snprintf(m, sizeof(m), "%s: %s", where, e->message);
	snprintf(e->field, sizeof(e->field), "%s", f);
	snprintf(e->message, sizeof(e->message), "%s", m);
	return -1;
}

/* The record's day: its date, or today. */
static int record_day(const json_t *rec, int64_t *day)
{
	const char *d = fk_json_str(rec, "date");
	if (!d) {
		*day = fk_today();
		return 0;
	}
	return fk_date_parse(d, day);
}

int fk_screening_check(const json_t *records, fk_err *e)
{
	if (!json_is_array(records))
		return fk_err_invalid(e, NULL, "send one record or an array of records");
	if (json_array_size(records) == 0)
		return fk_err_invalid(e, NULL, "the batch is empty");
	if (json_array_size(records) > FK_SCREEN_BATCH_MAX)
		return fk_err_set(e, 413, "too_large", NULL, "at most %d records in one batch", FK_SCREEN_BATCH_MAX);
	int64_t today = fk_today();
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec) {
		char where[32];
		snprintf(where, sizeof(where), "[%zu]", i);
		if (fk_fields_check(rec, fk_screening_fields, e) < 0)
			return at(e, where);
		if (!fk_uuid_ok(fk_json_str(rec, "uuid"))) {
			fk_err_invalid(e, "uuid", "uuid: not a UUID (8-4-4-4-12 hex digits)");
			return at(e, where);
		}
		int64_t day;
		if (record_day(rec, &day) < 0 || day > today || day < today - BACKDATE_DAYS) {
			fk_err_invalid(e, "date", "date: a date YYYY-MM-DD from %d days ago to today", BACKDATE_DAYS);
			return at(e, where);
		}
		const char *st = fk_json_str(rec, "status");
		int status = name_index(status_names, st);
		bool undo = strcmp(st, WITHDRAWN) == 0;
		if (status < 0 && !undo) {
			fk_err_invalid(e, "status", "status: visited, not_home, refused or withdrawn");
			return at(e, where);
		}
		const char *wd = fk_json_str(rec, "withdraws");
		if (undo != (wd != NULL) || (wd && !fk_uuid_ok(wd))) {
			fk_err_invalid(e, "withdraws",
				       "withdraws: the uuid of the record undone, with status withdrawn and only then");
			return at(e, where);
		}
		/* the phone's clock orders a day's records: not from the future */
		json_t *ra = json_object_get(rec, "recorded_at");
		time_t now = (time_t)fk_now();
		if (ra && (json_integer_value(ra) > (json_int_t)now + 600 ||
			   json_integer_value(ra) < (json_int_t)now - (BACKDATE_DAYS + 1) * 86400)) {
			fk_err_invalid(e, "recorded_at", "recorded_at: Unix seconds, not in the future");
			return at(e, where);
		}
		json_t *persons = json_object_get(rec, "persons");
		if (status != 0 && json_array_size(persons) > 0) {
			fk_err_invalid(e, "persons", "persons: only for a visited household");
			return at(e, where);
		}
		size_t j;
		json_t *f;
		json_array_foreach(persons, j, f) {
			char pw[64];
			snprintf(pw, sizeof(pw), "%s.persons[%zu]", where, j);
			if (fk_fields_check(f, fk_finding_fields, e) < 0)
				return at(e, pw);
			json_t *t = json_object_get(f, "temperature");
			if (t && !json_is_null(t) && (json_number_value(t) < 35.0 || json_number_value(t) > 42.0)) {
				fk_err_invalid(e, "temperature", "temperature: 35.0 to 42.0 °C");
				return at(e, pw);
			}
			int64_t bits;
			json_t *s = json_object_get(f, "symptoms");
			if (s && fk_bits_from_json(s, fk_symptom_names, "symptoms", &bits, e) < 0)
				return at(e, pw);
			s = json_object_get(f, "history");
			if (s && fk_bits_from_json(s, fk_history_names, "history", &bits, e) < 0)
				return at(e, pw);
			const char *cat = fk_json_str(f, "category");
			if (cat && name_index(fk_category_names, cat) < 0) {
				fk_err_invalid(e, "category", "category: confirmed, suspected, febrile or close_contact");
				return at(e, pw);
			}
		}
	}
	return 0;
}

/* ---- storing ---- */

static const fk_rollup_table coverage = { "coverage", 1, { "visited", "not_home", "refused", "abnormal" } };

void fk_cov_add(fk_rollup *a, const char *grid, int64_t day, int status, int64_t sign, bool abnormal)
{
	int64_t d[4] = { 0 };
	d[status] = sign;
	d[3] = abnormal ? sign : 0;
	fk_rollup_add(a, &coverage, grid, day, d);
}

int fk_screening_household_moved(fk_db *db, int64_t household_id, const char *from, const char *to)
{
	fk_rollup *acc = fk_rollup_new();
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT day, status, abnormal FROM screenings WHERE household_id = $1 AND current = 1"
			" AND status <> '" WITHDRAWN "'",
			"i", household_id) < 0) {
		fk_rollup_free(acc);
		return -1;
	}
	while (fk_stmt_step(st) == FK_ROW) {
		int status = name_index(status_names, fk_stmt_text(st, 1));
		bool abn = fk_stmt_int64(st, 2) != 0;
		fk_cov_add(acc, from, fk_stmt_int64(st, 0), status < 0 ? 0 : status, -1, abn);
		fk_cov_add(acc, to, fk_stmt_int64(st, 0), status < 0 ? 0 : status, +1, abn);
	}
	fk_stmt_done(st);
	if (fk_rollup_apply(db, acc) < 0 ||
	    fk_db_run(db, "UPDATE screenings SET grid = $1 WHERE household_id = $2", "si", to, household_id) < 0 ||
	    fk_alert_move_household(db, household_id, to) < 0)
		return -1;
	return 0;
}

static void digest_of(const json_t *rec, unsigned char out[16])
{
	char *s = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
	crypto_generichash(out, 16, (const unsigned char *)s, strlen(s), NULL, 0);
	free(s);
}

/* Stores one finding; returns 1 when abnormal, 0 when not, -1 on error. */
static int store_finding(fk_db *db, int64_t sid, const char *grid, int64_t day, const json_t *f,
			 int64_t now, int *alerts)
{
	int64_t pid = json_integer_value(json_object_get(f, "person_id"));
	json_t *t = json_object_get(f, "temperature");
	bool has_t = t && !json_is_null(t);
	/* tenths by truncation: a thermometer's 37.29 reads 37.2, below the line */
	int64_t dc = has_t ? (int64_t)floor(json_number_value(t) * 10.0 + 1e-6) : 0;
	int64_t sym = 0, hist = 0;
	fk_err ignore;
	if (json_object_get(f, "symptoms"))
		fk_bits_from_json(json_object_get(f, "symptoms"), fk_symptom_names, "symptoms", &sym, &ignore);
	if (json_object_get(f, "history"))
		fk_bits_from_json(json_object_get(f, "history"), fk_history_names, "history", &hist, &ignore);
	const char *cat = fk_json_str(f, "category");
	json_t *reasons = json_array();
	if (has_t && dc >= FK_FEVER_DC)
		json_array_append_new(reasons, json_string("temperature"));
	for (int i = 0; fk_symptom_names[i]; i++)
		if (sym & (1 << i))
			json_array_append_new(reasons, json_string(fk_symptom_names[i]));
	for (int i = 0; fk_history_names[i]; i++)
		if (hist & (1 << i))
			json_array_append_new(reasons, json_string(fk_history_names[i]));
	if (cat)
		json_array_append_new(reasons, json_string(cat));
	bool abnormal = json_array_size(reasons) > 0;
	fk_val temp = { has_t ? 'i' : 'n', .i = dc };
	fk_val fv[] = {
		{ 'i', .i = sid }, { 'i', .i = pid }, temp, { 'i', .i = sym }, { 'i', .i = hist },
		{ 's', .p = cat }, { 's', .p = fk_json_str_or(f, "note") }, { 'i', .i = abnormal },
	};
	int rc = fk_db_run_vals(db,
				"INSERT INTO findings (screening_id, person_id, temp_dc, symptoms, history, category, note,"
				" abnormal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
				fv, 8);
	if (rc < 0) {
		json_decref(reasons);
		return -1;
	}
	if (abnormal) {
		char *rs = json_dumps(reasons, JSON_COMPACT);
		rc = fk_alert_raise_screening(db, grid, pid, sid, day, rs, has_t ? &dc : NULL, now) < 0 ? -1 : 0;
		free(rs);
		(*alerts)++;
	}
	json_decref(reasons);
	return rc < 0 ? -1 : abnormal;
}

/* The smallest region holding both codes, written into a (in place): the
 * common prefix cut back to a whole level (15, 12, 9, 6, 4, 2 or 0 digits). */
static void common_region(char *a, const char *b)
{
	static const size_t levels[] = { 15, 12, 9, 6, 4, 2, 0 };
	size_t i = 0;
	while (a[i] && a[i] == b[i])
		i++;
	for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++)
		if (levels[k] <= i) {
			a[levels[k]] = '\0';
			return;
		}
}

/* The record an undo (status withdrawn) withdraws: its uuid must name a
 * record of the same household and day, made by who and not itself an
 * undo, and the grid's day must not be reported yet (the report counted
 * the record).  Returns the record's id, or -1 with e set (404, 400, 409). */
static int64_t undo_target(fk_db *db, const fk_actor *who, const json_t *rec, int64_t hid, int64_t day,
			   const char *grid, fk_err *e)
{
	const char *target = fk_json_str(rec, "withdraws");
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, household_id, day, status, user_id FROM screenings WHERE uuid = $1", "s",
			target) < 0)
		return fk_err_internal(e);
	if (fk_stmt_step(st) != FK_ROW) {
		fk_stmt_done(st);
		return fk_err_set(e, 404, "not_found", "withdraws", "withdraws: no record %s", target);
	}
	int64_t id = fk_stmt_int64(st, 0), h = fk_stmt_int64(st, 1), d = fk_stmt_int64(st, 2), uid = fk_stmt_int64(st, 4);
	bool undo = strcmp(fk_stmt_text(st, 3), WITHDRAWN) == 0;
	fk_stmt_done(st);
	if (h != hid || d != day)
		return fk_err_invalid(e, "withdraws", "withdraws: record %s is of another household or day", target);
	if (undo)
		return fk_err_invalid(e, "withdraws", "withdraws: record %s is an undo itself", target);
	if (uid != who->user_id)
		return fk_err_conflict(e, "withdraws", "withdraws: record %s was made by someone else", target);
	int64_t reported = 0;
	if (fk_db_int64(db, &reported, "SELECT count(*) FROM daily_reports WHERE grid = $1 AND day = $2", "si", grid,
			day) < 0)
		return fk_err_internal(e);
	if (reported)
		return fk_err_conflict(e, "withdraws", "withdraws: the grid's day is reported already: no undo after the report");
	return id;
}

json_t *fk_screening_store(fk_db *db, const fk_actor *who, const json_t *records, fk_err *e)
{
	fk_rollup *acc = fk_rollup_new();
	json_t *results = json_array();
	int64_t now = fk_now();
	int created = 0, replayed = 0;
	char scope[16] = "";
	bool first = true;
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec) {
		char where[32];
		snprintf(where, sizeof(where), "[%zu]", i);
		const char *uuid = fk_json_str(rec, "uuid");
		unsigned char dig[16];
		digest_of(rec, dig);
		fk_stmt *st;
		int rc;
		int64_t hid = json_integer_value(json_object_get(rec, "household_id")), day;
		record_day(rec, &day);
		/* The household's grid, its members (every person found must be
		 * one) and its current record of that day, in one query. */
		char grid[16] = "";
		int64_t members[256], prev = 0, prev_at = 0;
		int nm = 0, prev_status = 0;
		bool found = false, prev_abn = false;
		if (fk_db_query(db, &st,
				"SELECT h.grid, p.id, s.id, s.status, s.abnormal, s.recorded_at FROM households h"
				" LEFT JOIN persons p ON p.household_id = h.id"
				" LEFT JOIN screenings s ON s.household_id = h.id AND s.day = $2 AND s.current = 1"
				" WHERE h.id = $1",
				"ii", hid, day) < 0)
			goto internal;
		while ((rc = fk_stmt_step(st)) == FK_ROW) {
			if (!found) {
				snprintf(grid, sizeof(grid), "%s", fk_stmt_text(st, 0));
				if (!fk_stmt_is_null(st, 2)) {
					prev = fk_stmt_int64(st, 2);
					prev_status = name_index(status_names, fk_stmt_text(st, 3));
					prev_abn = fk_stmt_int64(st, 4) != 0;
					prev_at = fk_stmt_int64(st, 5);
				}
			}
			found = true;
			if (!fk_stmt_is_null(st, 1) && nm < 256)
				members[nm++] = fk_stmt_int64(st, 1);
		}
		fk_stmt_done(st);
		if (rc < 0)
			goto internal;
		char what[48];
		snprintf(what, sizeof(what), "household %lld", (long long)hid);
		if (fk_scope_ref(who, found ? grid : NULL, "household_id", what, e) < 0) {
			at(e, where);
			goto fail;
		}
		json_t *persons = json_object_get(rec, "persons");
		size_t j;
		json_t *f;
		json_array_foreach(persons, j, f) {
			int64_t pid = json_integer_value(json_object_get(f, "person_id"));
			int k = 0;
			while (k < nm && members[k] != pid)
				k++;
			if (k == nm) {
				char pw[64];
				snprintf(pw, sizeof(pw), "%s.persons[%zu]", where, j);
				fk_err_invalid(e, "person_id", "person_id: person %lld is not of household %lld",
					       (long long)pid, (long long)hid);
				at(e, pw);
				goto fail;
			}
		}
		const char *status_s = fk_json_str(rec, "status");
		int status = name_index(status_names, status_s); /* -1: an undo */
		json_t *ra = json_object_get(rec, "recorded_at");
		int64_t sid = 0;
		fk_val sv[] = {
			{ 's', .p = uuid }, { 'b', .p = dig, .n = 16 }, { 'i', .i = hid }, { 's', .p = grid },
			{ 'i', .i = day }, { 's', .p = status_s }, { 'i', .i = who->user_id },
			{ 'i', .i = ra ? (int64_t)json_integer_value(ra) : now }, { 'i', .i = now },
		};
		if (fk_db_insert_vals(db, &sid,
				      "INSERT INTO screenings (uuid, digest, household_id, grid, day, status, abnormal,"
				      " current, user_id, recorded_at, created_at)"
				      " VALUES ($1, $2, $3, $4, $5, $6, 0, 1, $7, $8, $9) ON CONFLICT (uuid) DO NOTHING",
				      sv, 9) < 0)
			goto internal;
		if (!sid) {
			/* The UUID is stored already: the same content is a replay,
			 * answered with the first record; other content a conflict. */
			if (fk_db_query(db, &st,
					"SELECT s.id, s.digest, s.abnormal,"
					" (SELECT count(*) FROM alerts a WHERE a.screening_id = s.id)"
					" FROM screenings s WHERE s.uuid = $1",
					"s", uuid) < 0)
				goto internal;
			if (fk_stmt_step(st) != FK_ROW) {
				fk_stmt_done(st);
				goto internal;
			}
			size_t n;
			const void *d = fk_stmt_blob(st, 1, &n);
			bool same = n == 16 && memcmp(d, dig, 16) == 0;
			int64_t id = fk_stmt_int64(st, 0), ab = fk_stmt_int64(st, 2), na = fk_stmt_int64(st, 3);
			fk_stmt_done(st);
			if (!same) {
				fk_err_conflict(e, "uuid", "uuid: already used for a different record");
				at(e, where);
				goto fail;
			}
			json_array_append_new(results, json_pack("{s:s, s:I, s:s, s:b, s:I}", "uuid", uuid, "id",
								 (json_int_t)id, "result", "replayed", "abnormal",
								 (int)ab, "alerts", (json_int_t)na));
			replayed++;
			continue;
		}
		/* The record made last (by the phone's clock, recorded_at) is the
		 * household's state that day: a morning "not at home" synced after
		 * the afternoon's visit stays history. */
		int64_t rec_at = ra ? (int64_t)json_integer_value(ra) : now;
		/* (prev: the current record before this one, read with the household) */
		bool superseded = prev && prev_at > rec_at;
		/* An undo is a record too: made last, it leaves the household
		 * with no counted state that day (pending again).  It withdraws
		 * only its target: when a later record already replaced that,
		 * the undo is history, as any earlier record is. */
		int64_t target = 0;
		if (status < 0) {
			target = undo_target(db, who, rec, hid, day, grid, e);
			if (target < 0) {
				at(e, where);
				goto fail;
			}
			superseded = superseded || prev != target;
		}
		if (superseded) {
			if (fk_db_run(db, "UPDATE screenings SET current = 0 WHERE id = $1", "i", sid) < 0)
				goto internal;
		} else if (prev) {
			if (fk_db_run(db, "UPDATE screenings SET current = 0 WHERE id = $1", "i", prev) < 0)
				goto internal;
			if (prev_status >= 0) /* an undo counted nothing */
				fk_cov_add(acc, grid, day, prev_status, -1, prev_abn);
		}
		int alerts = 0;
		bool abnormal = false;
		json_array_foreach(persons, j, f) {
			int a = store_finding(db, sid, grid, day, f, now, &alerts);
			if (a < 0)
				goto internal;
			abnormal |= a == 1;
		}
		if (abnormal && fk_db_run(db, "UPDATE screenings SET abnormal = 1 WHERE id = $1", "i", sid) < 0)
			goto internal;
		if (!superseded && status >= 0)
			fk_cov_add(acc, grid, day, status, +1, abnormal);
		if (first) {
			snprintf(scope, sizeof(scope), "%s", grid);
			first = false;
		} else {
			common_region(scope, grid);
		}
		json_t *res = json_pack("{s:s, s:I, s:s, s:b, s:i}", "uuid", uuid, "id", (json_int_t)sid, "result",
					"created", "abnormal", abnormal, "alerts", alerts);
		if (status < 0)
			json_object_set_new(res, "withdrew", json_boolean(!superseded));
		json_array_append_new(results, res);
		created++;
	}
	int frc = fk_rollup_apply(db, acc);
	acc = NULL;
	if (frc < 0)
		goto internal;
	if (created) {
		json_t *d = json_pack("{s:i, s:i}", "created", created, "replayed", replayed);
		int rc = fk_audit_append(db, who, "screening.record", "screenings", scope, d);
		json_decref(d);
		if (rc < 0)
			goto internal;
	}
	return results;
internal:
	fk_err_internal(e);
fail:
	fk_rollup_free(acc);
	json_decref(results);
	return NULL;
}

/* ---- coverage ---- */

static const char coverage_cols[] =
	"SELECT r.code, r.name, r.level, coalesce(s.households, 0) AS households,"
	" coalesce(s.persons, 0) AS persons, coalesce(c.visited, 0) AS visited,"
	" coalesce(c.not_home, 0) AS not_home, coalesce(c.refused, 0) AS refused,"
	" coalesce(s.households, 0) - coalesce(c.visited, 0) - coalesce(c.not_home, 0) - coalesce(c.refused, 0)"
	" AS unvisited, coalesce(c.abnormal, 0) AS abnormal"
	" FROM regions r LEFT JOIN region_stats s ON s.region = r.code"
	" LEFT JOIN coverage c ON c.region = r.code AND c.day = $2";

json_t *fk_coverage_get(fk_db *db, const fk_actor *who, const char *region, int64_t day, fk_err *e)
{
	const char *code = fk_scope_region(who, region, e);
	if (!code)
		return NULL;
	char sql[1024];
	fk_stmt *st;
	snprintf(sql, sizeof(sql), "%s WHERE r.code = $1", coverage_cols);
	if (fk_db_query(db, &st, sql, "si", code, day) < 0)
		goto internal;
	json_t *self = fk_stmt_step(st) == FK_ROW ? fk_row_json(st) : NULL;
	fk_stmt_done(st);
	if (!self) {
		fk_err_not_found(e, "region %s not found", code);
		return NULL;
	}
	snprintf(sql, sizeof(sql), "%s WHERE r.parent = $1 ORDER BY r.code", coverage_cols);
	if (fk_db_query(db, &st, sql, "si", code, day) < 0) {
		json_decref(self);
		goto internal;
	}
	json_t *children = json_array();
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(children, fk_row_json(st));
	fk_stmt_done(st);
	char d[11];
	fk_date_format(day, d);
	return json_pack("{s:s, s:o, s:o}", "date", d, "region", self, "children", children);
internal:
	fk_err_internal(e);
	return NULL;
}

typedef struct gaps_in {
	const char *region, *filter;
	char day[11];
} gaps_in;

static const char *gaps_get(void *ctx, const char *name)
{
	gaps_in *in = ctx;
	return strcmp(name, "region") == 0 ? in->region : strcmp(name, in->filter) == 0 ? in->day : NULL;
}

json_t *fk_coverage_gaps(fk_db *db, const fk_actor *who, const char *region, int64_t day, bool since,
			 const fk_page *page, fk_err *e)
{
	gaps_in in = { region, since ? "unvisited_since" : "unvisited" };
	fk_date_format(day, in.day);
	return fk_list_run(db, who, &fk_household_list, gaps_get, &in, page, 0, e);
}

/* ---- alerts ---- */


/* ---- zero reports ---- */

const fk_field fk_report_fields[] = {
	{ "grid", FK_FT_STRING, true, 15, 15 },
	{ "date", FK_FT_STRING, false, 10, 10 },
	{ "note", FK_FT_STRING, false, 0, 500 },
	{ "unvisited", FK_FT_ARRAY, false, 0, 5000 },
	{ 0 },
};

int fk_report_parse(const json_t *in, fk_report_in *r, fk_err *e)
{
	memset(r, 0, sizeof(*r));
	if (fk_fields_check(in, fk_report_fields, e) < 0)
		return -1;
	int64_t today = fk_today();
	if (record_day(in, &r->day) < 0 || r->day > today || r->day < today - BACKDATE_DAYS)
		return fk_err_invalid(e, "date", "date: a date YYYY-MM-DD from %d days ago to today", BACKDATE_DAYS);
	/* The reasons given, by household. */
	const json_t *given = json_object_get(in, "unvisited");
	size_t i;
	json_t *u;
	json_array_foreach(given, i, u) {
		char w[32];
		snprintf(w, sizeof(w), "unvisited[%zu]", i);
		json_t *h = json_object_get(u, "household_id");
		const char *reason = fk_json_str(u, "reason");
		if (!json_is_integer(h) || !reason || fk_utf8_len(reason) < 2 || fk_utf8_len(reason) > 200 ||
		    json_object_size(u) != 2)
			return fk_err_invalid(e, w, "%s: {\"household_id\": N, \"reason\": \"2 to 200 characters\"}", w);
	}
	r->grid = fk_json_str(in, "grid");
	r->note = fk_json_str_or(in, "note");
	r->unvisited = given;
	return 0;
}

json_t *fk_report_submit(fk_db *db, const fk_actor *who, const fk_report_in *r, fk_err *e)
{
	const char *grid = r->grid;
	const json_t *given = r->unvisited;
	int64_t day = r->day;
	size_t i;
	json_t *u;
	if (fk_scope_grid(db, who, grid, "grid", e) < 0)
		return NULL;
	json_array_foreach(given, i, u) {
		/* each household named is checked as a path id would be */
		json_t *h = json_object_get(u, "household_id");
		char hg[16], hf[48];
		snprintf(hf, sizeof(hf), "unvisited[%zu].household_id", i);
		if (fk_scope_load(db, who, FK_SCOPE_HOUSEHOLD, json_integer_value(h), hf, hg, e) < 0)
			return NULL;
		if (strcmp(hg, grid) != 0) {
			fk_err_invalid(e, hf, "%s: household %lld is not of grid %s", hf, (long long)json_integer_value(h),
				       grid);
			return NULL;
		}
	}
	/* Households with no record that day, each needing a reason. */
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT h.id FROM households h WHERE h.grid = $1"
			" AND NOT EXISTS (SELECT 1 FROM screenings s WHERE s.household_id = h.id AND s.day = $2"
			" AND s.current = 1 AND s.status <> '" WITHDRAWN "')"
			" ORDER BY h.id",
			"si", grid, day) < 0)
		goto internal;
	int missing = 0;
	char first[128] = "";
	size_t flen = 0;
	json_t *unvisited = json_array();
	while (fk_stmt_step(st) == FK_ROW) {
		int64_t hid = fk_stmt_int64(st, 0);
		const char *reason = NULL;
		json_array_foreach(given, i, u)
			if (json_integer_value(json_object_get(u, "household_id")) == hid)
				reason = fk_json_str(u, "reason");
		if (reason) {
			json_array_append_new(unvisited, json_pack("{s:I, s:s}", "household_id", (json_int_t)hid,
								   "reason", reason));
		} else {
			if (missing < 5 && flen < sizeof(first) - 24)
				flen += (size_t)snprintf(first + flen, sizeof(first) - flen, "%s%lld", missing ? ", " : "",
							 (long long)hid);
			missing++;
		}
	}
	fk_stmt_done(st);
	if (missing) {
		json_decref(unvisited);
		fk_err_conflict(e, "unvisited",
				"%d household(s) not yet visited: visit them or give a reason for each (first: %s)",
				missing, first);
		return NULL;
	}
	int64_t abnormal = 0;
	if (fk_db_int64(db, &abnormal, "SELECT abnormal FROM coverage WHERE region = $1 AND day = $2", "si", grid,
			day) < 0) {
		json_decref(unvisited);
		goto internal;
	}
	char *uj = json_dumps(unvisited, JSON_COMPACT);
	json_decref(unvisited);
	int64_t now = fk_now();
	int rc = fk_db_run(db,
			   "INSERT INTO daily_reports (grid, day, user_id, abnormal, note, unvisited, created_at)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (grid, day) DO UPDATE SET"
			   " user_id = excluded.user_id, abnormal = excluded.abnormal, note = excluded.note,"
			   " unvisited = excluded.unvisited, created_at = excluded.created_at",
			   "siiissi", grid, day, who->user_id, abnormal, r->note, uj, now);
	free(uj);
	if (rc < 0)
		goto internal;
	char d[11], obj[48];
	fk_date_format(day, d);
	snprintf(obj, sizeof(obj), "report:%s:%s", grid, d);
	json_t *det = json_pack("{s:I}", "abnormal", (json_int_t)abnormal);
	rc = fk_audit_append(db, who, "report.submit", obj, grid, det);
	json_decref(det);
	if (rc < 0)
		goto internal;
	return json_pack("{s:s, s:s, s:I, s:b, s:I}", "grid", grid, "date", d, "abnormal", (json_int_t)abnormal,
			 "nothing_abnormal", abnormal == 0, "reported_at", (json_int_t)now);
internal:
	fk_err_internal(e);
	return NULL;
}

json_t *fk_report_list(fk_db *db, const fk_actor *who, const char *region, int64_t day, bool missing_only,
		       int hour, const fk_page *page, fk_err *e)
{
	fk_range rg;
	if (fk_scope_range(who, region, &rg, e) < 0)
		return NULL;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT r.code AS grid, r.name, c.name AS community_name, d.created_at AS reported_at,"
			" u.username AS reported_by, d.abnormal, d.note FROM regions r"
			" LEFT JOIN regions c ON c.code = r.parent"
			" LEFT JOIN daily_reports d ON d.grid = r.code AND d.day = $3"
			" LEFT JOIN users u ON u.id = d.user_id"
			" WHERE r.level = 6 AND r.code >= $1 AND r.code < $2 AND r.code > $4"
			" AND ($5 = 0 OR d.grid IS NULL) ORDER BY r.code LIMIT $6",
			"ssisii", rg.base, rg.hi, day, page->after ? page->after : "", (int64_t)missing_only,
			(int64_t)page->limit + 1) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *out = fk_rows_page(st, page);
	if (!out) {
		fk_err_internal(e);
		return NULL;
	}
	/* late: no report, and the day is past, or today past the deadline */
	time_t t = (time_t)fk_now();
	struct tm tm;
	localtime_r(&t, &tm);
	int64_t today = fk_today();
	bool overdue = day < today || (day == today && tm.tm_hour >= hour);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(out, "items"), i, it) {
		bool reported = !json_is_null(json_object_get(it, "reported_at"));
		json_object_set_new(it, "reported", json_boolean(reported));
		json_object_set_new(it, "late", json_boolean(!reported && overdue));
	}
	return out;
}

/* ---- the grid worker's day ---- */

/* Appends each row of st (its first column a household id; the rest
 * rendered by rd) to the array field of that household in by_id, then
 * finishes st. */
static void attach_rows(fk_stmt *st, json_t *by_id, const char *field, fk_render *rd)
{
	while (fk_stmt_step(st) == FK_ROW) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)fk_stmt_int64(st, 0));
		json_t *h = json_object_get(by_id, key);
		if (h)
			json_array_append_new(json_object_get(h, field), fk_row_render(st, rd));
	}
	fk_stmt_done(st);
}

json_t *fk_screening_worklist(fk_db *db, const fk_actor *who, const char *grid, int64_t day, fk_err *e)
{
	int64_t n = 0;
	if (fk_scope_grid(db, who, grid, "grid", e) < 0)
		return NULL;
	if (fk_db_int64(db, &n, "SELECT count(*) FROM households WHERE grid = $1", "s", grid) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	if (n > FK_WORKLIST_MAX) {
		fk_err_invalid(e, "grid", "grid: %lld households, more than one worklist holds (%d): split the grid",
			       (long long)n, FK_WORKLIST_MAX);
		return NULL;
	}
	json_t *g = fk_region_get(db, who, grid, e);
	if (!g)
		return NULL;
	fk_stmt *st;
	json_t *items = json_array(), *by_id = json_object();
	if (fk_db_query(db, &st,
			"SELECT h.id, h.building, h.unit, h.room, h.address, s.status, s.abnormal, s.uuid,"
			" s.user_id = $3 AS mine"
			" FROM households h LEFT JOIN screenings s ON s.household_id = h.id AND s.day = $2 AND s.current = 1"
			" AND s.status <> '" WITHDRAWN "'"
			" WHERE h.grid = $1 ORDER BY h.building, h.unit, h.room, h.id",
			"sii", grid, day, who->user_id) < 0)
		goto internal;
	int64_t counts[4] = { 0 }; /* visited, not_home, refused, abnormal */
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *h = fk_row_json(st);
		json_object_set_new(h, "abnormal", json_boolean(fk_stmt_int64(st, 6) != 0));
		json_object_set_new(h, "mine", json_boolean(fk_stmt_int64(st, 8) != 0));
		json_object_set_new(h, "members", json_array());
		json_object_set_new(h, "findings", json_array());
		int k = name_index(status_names, fk_stmt_text(st, 5));
		if (k >= 0)
			counts[k]++;
		if (fk_stmt_int64(st, 6))
			counts[3]++;
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)fk_stmt_int64(st, 0));
		json_object_set(by_id, key, h);
		json_array_append_new(items, h);
	}
	fk_stmt_done(st);
	if (fk_db_query(db, &st,
			"SELECT household_id, id, name, sex, birth_year, tags FROM persons WHERE region = $1"
			" ORDER BY household_id, id",
			"s", grid) < 0)
		goto internal;
	static const fk_column member_cols[] = {
		{ "id", FK_C_INT }, { "name", FK_C_TEXT }, { "sex", FK_C_TEXT },
		{ "birth_year", FK_C_INT }, { "tags", FK_C_BITS, fk_tag_names }, { 0 },
	};
	fk_render rd = { member_cols, 1, 0 };
	attach_rows(st, by_id, "members", &rd);
	/* What the current records found, for the whole grid in one query: by
	 * the household's grid, as the list above (a household moved since
	 * keeps its record), through households_grid and screenings_household. */
	if (fk_db_query(db, &st,
			"SELECT h.id, f.person_id, f.temp_dc, f.symptoms, f.history, f.category, f.abnormal, f.note"
			" FROM households h"
			" JOIN screenings s ON s.household_id = h.id AND s.day = $2 AND s.current = 1"
			" JOIN findings f ON f.screening_id = s.id"
			" WHERE h.grid = $1 ORDER BY h.id, f.person_id",
			"si", grid, day) < 0)
		goto internal;
	static const fk_column finding_cols[] = {
		{ "person_id", FK_C_INT }, { "temperature", FK_C_TEMP },
		{ "symptoms", FK_C_BITS, fk_symptom_names }, { "history", FK_C_BITS, fk_history_names },
		{ "category", FK_C_TEXT }, { "abnormal", FK_C_BOOL }, { "note", FK_C_TEXT }, { 0 },
	};
	fk_render fr = { finding_cols, 1, 0 };
	attach_rows(st, by_id, "findings", &fr);
	json_decref(by_id);
	int64_t reported = 0; /* the day reported: no more undo */
	if (fk_db_int64(db, &reported, "SELECT count(*) FROM daily_reports WHERE grid = $1 AND day = $2", "si", grid,
			day) < 0) {
		json_decref(items);
		json_decref(g);
		fk_err_internal(e);
		return NULL;
	}
	char d[11];
	fk_date_format(day, d);
	int64_t total = (int64_t)json_array_size(items);
	return json_pack("{s:s, s:o, s:b, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:n}", "date", d, "grid", g,
			 "reported", reported != 0, "counts",
			 "households", (json_int_t)total, "visited", (json_int_t)counts[0], "not_home",
			 (json_int_t)counts[1], "refused", (json_int_t)counts[2], "unvisited",
			 (json_int_t)(total - counts[0] - counts[1] - counts[2]), "abnormal", (json_int_t)counts[3], "items",
			 items, "next");
internal:
	json_decref(items);
	json_decref(by_id);
	json_decref(g);
	fk_err_internal(e);
	return NULL;
}

int fk_screening_abnormal_on(fk_db *db, int64_t person_id, int64_t day)
{
	int64_t n = 0;
	int rc = fk_db_int64(db, &n,
			     "SELECT count(*) FROM persons p JOIN screenings s ON s.household_id = p.household_id"
			     " AND s.day = $2 AND s.current = 1 AND s.status <> '" WITHDRAWN "'"
			     " JOIN findings f ON f.screening_id = s.id AND f.person_id = p.id"
			     " WHERE p.id = $1 AND f.abnormal = 1",
			     "ii", person_id, day);
	return rc < 0 ? -1 : n > 0;
}
