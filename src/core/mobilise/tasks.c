/* tasks.c - work handed to a team or a person with a due time: deliveries
 * to households under home observation, gate duty, screening sweeps (see
 * mobilise.h).  Expected load: a few per household under observation a
 * day; single-row writes. */
#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/mobilise/internal.h"
#include "core/mobilise/mobilise.h"
#include "util/date.h"

const char *const fk_task_kind_names[] = { "delivery", "gate", "sweep", "other", NULL };
const char *const fk_task_state_names[] = { "pending", "in_progress", "done", "not_executable", NULL };

const fk_field fk_task_fields[] = {
	{ "region", FK_FT_STRING, true, 12, 15 },
	{ "kind", FK_FT_STRING, true, 1, 20 },
	{ "title", FK_FT_STRING, true, 1, 200 },
	{ "team_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "volunteer_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "observation_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "ticket_ref", FK_FT_STRING, false, 0, 40 },
	{ "due_at", FK_FT_INT, true, 1, INT64_MAX },
	{ 0 },
};

int fk_task_parse(const json_t *in, fk_task_in *t, fk_err *e)
{
	memset(t, 0, sizeof(*t));
	if (fk_fields_check(in, fk_task_fields, e) < 0)
		return -1;
	t->region = fk_json_str(in, "region");
	t->kind = fk_json_str(in, "kind");
	t->title = fk_json_str(in, "title");
	t->ticket_ref = fk_json_str_or(in, "ticket_ref");
	t->team_id = json_integer_value(json_object_get(in, "team_id"));
	t->volunteer_id = json_integer_value(json_object_get(in, "volunteer_id"));
	t->observation_id = json_integer_value(json_object_get(in, "observation_id"));
	t->due_at = json_integer_value(json_object_get(in, "due_at"));
	if (mob_index_of(fk_task_kind_names, t->kind) < 0)
		return mob_enum_err(e, "kind", fk_task_kind_names);
	if (!t->team_id && !t->volunteer_id)
		return fk_err_invalid(e, "volunteer_id", "volunteer_id: a task goes to a person or a team (team_id)");
	if (strcmp(t->kind, "delivery") == 0 && !t->observation_id && !*t->ticket_ref)
		return fk_err_invalid(e, "observation_id",
				      "observation_id: a delivery names the observation (or the hotline ticket, ticket_ref)");
	return 0;
}

json_t *fk_task_create(fk_db *db, const fk_actor *who, const fk_task_in *t, fk_err *e)
{
	char r[16];
	if (mob_region_in(db, who, t->region, "region", FK_LEVEL_COMMUNITY, e) < 0 ||
	    (t->team_id && fk_scope_load(db, who, FK_SCOPE_TEAM, t->team_id, "team_id", r, e) < 0) ||
	    (t->volunteer_id && fk_scope_load(db, who, FK_SCOPE_VOLUNTEER, t->volunteer_id, "volunteer_id", r, e) < 0) ||
	    (t->observation_id && fk_scope_load(db, who, FK_SCOPE_OBSERVATION, t->observation_id, "observation_id", r, e) < 0))
		return NULL;
	fk_val v[] = {
		{ 's', .p = t->region },
		{ 's', .p = t->kind },
		{ 's', .p = t->title },
		{ t->team_id ? 'i' : 'n', .i = t->team_id },
		{ t->volunteer_id ? 'i' : 'n', .i = t->volunteer_id },
		{ t->observation_id ? 'i' : 'n', .i = t->observation_id },
		{ 's', .p = t->ticket_ref },
		{ 'i', .i = t->due_at },
		{ 'i', .i = who->user_id },
		{ 'i', .i = fk_now() },
	};
	int64_t id = 0;
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO service_tasks (region, kind, title, team_id, volunteer_id, observation_id,"
			      " ticket_ref, due_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			      v, 10) < 0 ||
	    id <= 0 || fk_audit_record(db, who, "task.create", "task", id, t->region, json_pack("{s:s}", "kind", t->kind)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_task_list, id, "task", 0, e);
}

const fk_field fk_task_state_fields[] = {
	{ "state", FK_FT_STRING, true, 1, 20 },
	{ "reason", FK_FT_STRING, false, 0, 300 },
	{ 0 },
};

int fk_task_state_parse(const json_t *in, fk_task_state_in *s, fk_err *e)
{
	if (fk_fields_check(in, fk_task_state_fields, e) < 0)
		return -1;
	s->state = fk_json_str(in, "state");
	s->reason = fk_json_str_or(in, "reason");
	if (mob_index_of(fk_task_state_names, s->state) < 1)
		return fk_err_invalid(e, "state", "state: in_progress, done or not_executable");
	if (strcmp(s->state, "not_executable") == 0 && !*s->reason)
		return fk_err_invalid(e, "reason", "reason: required when the task cannot be done");
	return 0;
}

json_t *fk_task_move(fk_db *db, const fk_actor *who, int64_t id, const fk_task_state_in *s, fk_err *e)
{
	char region[16], state[20] = "";
	if (fk_scope_load(db, who, FK_SCOPE_TASK, id, NULL, region, e) < 0)
		return NULL;
	fk_stmt *st;
	int64_t mine = 0;
	if (fk_db_query(db, &st,
			"SELECT t.state, (SELECT count(*) FROM volunteers v WHERE v.user_id = $2"
			" AND (v.id = t.volunteer_id OR (t.team_id IS NOT NULL AND v.team_id = t.team_id)))"
			" FROM service_tasks t WHERE t.id = $1",
			"ii", id, who->user_id) < 0 ||
	    fk_stmt_step(st) != FK_ROW) {
		fk_err_internal(e);
		return NULL;
	}
	snprintf(state, sizeof(state), "%s", fk_stmt_text(st, 0));
	mine = fk_stmt_int64(st, 1);
	fk_stmt_done(st);
	if (!mine) {
		fk_err_forbidden(e, "task %lld is given to someone else", (long long)id);
		return NULL;
	}
	if (strcmp(state, "done") == 0 || strcmp(state, "not_executable") == 0) {
		fk_err_conflict(e, "state", "state: the task is %s already", state);
		return NULL;
	}
	bool done = strcmp(s->state, "done") == 0;
	fk_val v[] = { { 's', .p = s->state }, { 's', .p = s->reason }, { done ? 'i' : 'n', .i = fk_now() }, { 'i', .i = id } };
	if (fk_db_run_vals(db, "UPDATE service_tasks SET state = $1, reason = $2, done_at = $3 WHERE id = $4", v, 4) < 0 ||
	    fk_audit_record(db, who, "task.state", "task", id, region,
			    json_pack("{s:s, s:s, s:s}", "from", state, "to", s->state, "reason", s->reason)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_task_list, id, "task", 0, e);
}

static const fk_column task_cols[] = {
	{ "id", FK_C_INT },            { "region", FK_C_TEXT },       { "region_name", FK_C_TEXT },
	{ "kind", FK_C_TEXT },         { "title", FK_C_TEXT },        { "team_id", FK_C_INT },
	{ "team_name", FK_C_TEXT },    { "volunteer_id", FK_C_INT },  { "volunteer_name", FK_C_TEXT },
	{ "observation_id", FK_C_INT }, { "ticket_ref", FK_C_TEXT },  { "due_at", FK_C_INT },
	{ "state", FK_C_TEXT },        { "reason", FK_C_TEXT },       { "done_at", FK_C_INT },
	{ "overdue", FK_C_BOOL },      { "created_at", FK_C_INT },
	{ 0 },
};

/* Overdue: still open past its due time, now. */
static void task_row(json_t *item, const fk_actor *who)
{
	(void)who;
	const char *st = json_string_value(json_object_get(item, "state"));
	bool open = st && (strcmp(st, "pending") == 0 || strcmp(st, "in_progress") == 0);
	json_object_set_new(item, "overdue",
			    json_boolean(open && json_integer_value(json_object_get(item, "due_at")) < fk_now()));
}

static int overdue_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	(void)f;
	bool yes;
	if (mob_flag(value, "overdue", &yes, e) < 0)
		return -1;
	fk_val now = { 'i', .i = fk_now() };
	fk_list_where(q,
		      yes ? "t.state IN ('pending', 'in_progress') AND t.due_at < ?"
			  : "NOT (t.state IN ('pending', 'in_progress') AND t.due_at < ?)",
		      &now);
	return 0;
}

static const fk_filter task_filters[] = {
	{ "state", FK_F_ENUM, "t.state = ?", .names = fk_task_state_names },
	{ "kind", FK_F_ENUM, "t.kind = ?", .names = fk_task_kind_names },
	{ "volunteer_id", FK_F_ID, "t.volunteer_id = ?", .what = "a volunteer id" },
	{ "team_id", FK_F_ID, "t.team_id = ?", .what = "a team id" },
	{ "overdue", FK_F_CUSTOM, NULL, .fn = overdue_filter },
	{ 0 },
};

const fk_list fk_task_list = {
	.select = "t.id, t.region, r.name, t.kind, t.title, t.team_id, tm.name, t.volunteer_id, v.name,"
		  " t.observation_id, t.ticket_ref, t.due_at, t.state, t.reason, t.done_at,"
		  " 0, t.created_at"
		  " FROM service_tasks t JOIN regions r ON r.code = t.region"
		  " LEFT JOIN teams tm ON tm.id = t.team_id LEFT JOIN volunteers v ON v.id = t.volunteer_id",
	FK_LIST_REGION_ID("t"),
	.desc = true,
	.filters = task_filters,
	.cols = task_cols,
	.row = task_row,
};
