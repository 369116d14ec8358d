/* alerts.c - raising, closing and settling alerts (see alerts.h): the only
 * writes to the table alerts.  Expected load: a few per screening batch
 * (abnormal findings are rare), one statement per follow-up sweep for the
 * whole city, single-row closes by hand. */
#include "core/grid/alerts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/base/audit.h"
#include "core/base/fields.h"
#include "core/base/list.h"
#include "core/base/scope.h"
#include "util/date.h"

const fk_column fk_alert_columns[] = {
	{ "id", FK_C_INT },
	{ "kind", FK_C_TEXT },
	{ "grid", FK_C_TEXT },
	{ "grid_name", FK_C_TEXT },
	{ "community_name", FK_C_TEXT },
	{ "person_id", FK_C_INT },
	{ "person_name", FK_C_TEXT },
	{ "household_id", FK_C_INT },
	{ "screening_id", FK_C_INT },
	{ "observation_id", FK_C_INT },
	{ "date", FK_C_DATE },
	{ "slot", FK_C_TEXT },
	{ "reasons", FK_C_JSON },
	{ "temperature", FK_C_TEMP },
	{ "state", FK_C_TEXT },
	{ "outcome", FK_C_TEXT },
	{ "closed_by", FK_C_TEXT },
	{ "closed_at", FK_C_INT },
	{ "created_at", FK_C_INT },
	/* where the person lives, and who recorded the screening (display name) */
	{ "building", FK_C_TEXT },
	{ "unit", FK_C_TEXT },
	{ "room", FK_C_TEXT },
	{ "address", FK_C_TEXT },
	{ "recorded_by", FK_C_TEXT },
	{ 0 },
};

/* The last two are for missed follow-ups: recorded after all (also set by
 * itself when the follow-up is entered late), or the person not reached. */
static const char *const outcome_names[] = { "normal_on_recheck", "referred_to_clinic", "home_isolation",
					     "centralised_isolation", "reported_as_case", "other",
					     "followup_recorded", "unreachable", NULL };
/* Of those, the ones offered for each kind of alert. */
static const char *const screening_outcome_names[] = { "normal_on_recheck", "referred_to_clinic", "home_isolation",
						       "centralised_isolation", "reported_as_case", "other", NULL };
static const char *const followup_outcome_names[] = { "followup_recorded", "unreachable", "other", NULL };
static const char *const kind_names[] = { "screening", "followup_missed", "hotline", NULL };

const char *const *fk_alert_kind_names(void)
{
	return kind_names;
}

const char *const *fk_alert_outcome_names(const char *kind)
{
	if (!kind)
		return outcome_names;
	return strcmp(kind, "followup_missed") == 0 ? followup_outcome_names : screening_outcome_names;
}

int64_t fk_alert_raise_screening(fk_db *db, const char *grid, int64_t person_id, int64_t screening_id, int64_t day,
				 const char *reasons, const int64_t *temp_dc, int64_t now)
{
	fk_val v[] = {
		{ 's', .p = grid },    { 'i', .i = person_id }, { 'i', .i = screening_id },
		{ 'i', .i = day },     { 's', .p = reasons },   { temp_dc ? 'i' : 'n', .i = temp_dc ? *temp_dc : 0 },
		{ 'i', .i = now },
	};
	int64_t id = 0;
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO alerts (grid, person_id, screening_id, day, reasons, temp_dc, created_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			      v, 7) < 0 ||
	    id <= 0)
		return -1;
	return id;
}

int64_t fk_alert_raise_hotline(fk_db *db, const char *grid, int64_t person_id, int64_t day, const char *reasons,
				int64_t now)
{
	fk_val v[] = { { 's', .p = grid }, { 'i', .i = person_id }, { 'i', .i = day }, { 's', .p = reasons },
		       { 'i', .i = now } };
	int64_t id = 0;
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO alerts (kind, grid, person_id, day, reasons, created_at)"
			      " VALUES ('hotline', $1, $2, $3, $4, $5)",
			      v, 5) < 0 ||
	    id <= 0)
		return -1;
	return id;
}

int fk_alert_raise_missed(fk_db *db, int64_t day, int pm, int64_t slot_end, int64_t now, int64_t *raised)
{
	int rc = fk_db_run(db,
			   "INSERT INTO alerts (kind, grid, person_id, observation_id, day, slot, reasons, created_at)"
			   " SELECT 'followup_missed', o.region, o.person_id, o.id, $1, $2, '[\"followup_missed\"]', $3"
			   " FROM observations o"
			   " WHERE (o.state = 'active' OR o.closed_at >= $4) AND o.start_day <= $1 AND o.end_day >= $1"
			   "  AND o.created_at < $4"
			   "  AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.observation_id = o.id AND f.day = $1"
			   "   AND f.slot = $2)"
			   " ON CONFLICT DO NOTHING",
			   "isii", day, pm ? "pm" : "am", now, slot_end);
	if (rc < 0)
		return -1;
	if (raised)
		*raised = fk_db_changes(db);
	return 0;
}

int fk_alert_settle_followup(fk_db *db, int64_t user_id, int64_t observation_id, int64_t day, const char *slot,
			     int64_t now)
{
	return fk_db_run(db,
			 "UPDATE alerts SET state = 'closed', outcome = 'followup_recorded', closed_by = $1, closed_at = $2"
			 " WHERE observation_id = $3 AND day = $4 AND slot = $5 AND state = 'open'",
			 "iiiis", user_id, now, observation_id, day, slot) < 0
		       ? -1
		       : 0;
}

int fk_alert_close_as(fk_db *db, int64_t id, const char *outcome, int64_t user_id, int64_t at)
{
	return fk_db_run(db,
			 "UPDATE alerts SET state = 'closed', outcome = $1, closed_by = NULLIF($2, 0), closed_at = $3"
			 " WHERE id = $4 AND state = 'open'",
			 "siii", outcome, user_id, at, id) < 0
		       ? -1
		       : 0;
}

int fk_alert_close_for_case(fk_db *db, const fk_actor *who, int64_t id, int64_t person_id, int64_t now,
			    fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT grid, state, person_id FROM alerts WHERE id = $1", "i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	bool ok = rc == FK_ROW && fk_scope_has(who, fk_stmt_text(st, 0));
	bool open = ok && strcmp(fk_stmt_text(st, 1), "open") == 0;
	bool same = ok && fk_stmt_int64(st, 2) == person_id;
	fk_stmt_done(st);
	if (!ok)
		return fk_err_set(e, 404, "not_found", "alert_id", "alert %lld not found", (long long)id);
	if (!same)
		return fk_err_invalid(e, "alert_id", "alert_id: the alert is about another person");
	if (!open)
		return fk_err_conflict(e, "alert_id", "alert_id: the alert is closed already");
	return fk_alert_close_as(db, id, "reported_as_case", who->user_id, now) < 0 ? fk_err_internal(e) : 0;
}

int fk_alert_move_household(fk_db *db, int64_t household_id, const char *grid)
{
	return fk_db_run(db,
			 "UPDATE alerts SET grid = $1 WHERE state = 'open' AND screening_id IN"
			 " (SELECT id FROM screenings WHERE household_id = $2)",
			 "si", grid, household_id) < 0
		       ? -1
		       : 0;
}

json_t *fk_alert_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	char what[48];
	snprintf(what, sizeof(what), "alert %lld", (long long)id);
	return fk_list_one(db, who, &fk_alert_list, id, what, 0, e);
}

const fk_field fk_alert_close_fields[] = {
	{ "outcome", FK_FT_STRING, true, 1, 32 },
	{ "note", FK_FT_STRING, false, 0, 500 },
	{ 0 },
};

int fk_alert_close_parse(const json_t *in, fk_alert_close_in *c, fk_err *e)
{
	memset(c, 0, sizeof(*c));
	if (fk_fields_check(in, fk_alert_close_fields, e) < 0)
		return -1;
	const char *outcome = fk_json_str(in, "outcome");
	int k = 0;
	while (outcome_names[k] && strcmp(outcome_names[k], outcome) != 0)
		k++;
	if (!outcome_names[k])
		return fk_err_invalid(e, "outcome",
				      "outcome: normal_on_recheck, referred_to_clinic, home_isolation, "
				      "centralised_isolation, reported_as_case, other, followup_recorded or unreachable");
	c->outcome = outcome;
	c->note = fk_json_str_or(in, "note");
	return 0;
}

json_t *fk_alert_close(fk_db *db, const fk_actor *who, int64_t id, const fk_alert_close_in *c, fk_err *e)
{
	const char *outcome = c->outcome;
	json_t *a = fk_alert_get(db, who, id, e);
	if (!a)
		return NULL;
	bool open = strcmp(fk_json_str_or(a, "state"), "open") == 0;
	char grid[16];
	snprintf(grid, sizeof(grid), "%s", fk_json_str_or(a, "grid"));
	json_decref(a);
	if (!open) {
		fk_err_conflict(e, "state", "alert %lld is already closed", (long long)id);
		return NULL;
	}
	if (fk_alert_close_as(db, id, outcome, who->user_id, fk_now()) < 0)
		goto internal;
	char obj[48];
	snprintf(obj, sizeof(obj), "alert:%lld", (long long)id);
	json_t *d = json_pack("{s:s, s:s}", "outcome", outcome, "note", c->note);
	int rc = fk_audit_append(db, who, "alert.close", obj, grid, d);
	json_decref(d);
	if (rc < 0)
		goto internal;
	return fk_alert_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

static const char *const state_names[] = { "open", "closed", NULL };

static const fk_filter list_filters[] = {
	{ "state", FK_F_ENUM, "a.state = ?", .names = state_names },
	{ "kind", FK_F_ENUM, "a.kind = ?", .names = kind_names },
	{ "from", FK_F_DATE, "a.day >= ?" },
	{ "to", FK_F_DATE, "a.day <= ?" },
	{ 0 },
};

const fk_list fk_alert_list = {
	.select = FK_ALERT_FROM,
	FK_LIST_KEYED("a.grid", "a.id"),
	.desc = true,
	.filters = list_filters,
	.cols = fk_alert_columns,
};
