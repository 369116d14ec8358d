/* people.c - people who serve: volunteer and party-member profiles, the
 * public registration form and its approval, 双报到 reports and pledges
 * (see mobilise.h).  Expected load: a few thousand profiles per street,
 * single-row writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/grid/registry.h"
#include "core/mobilise/internal.h"
#include "core/mobilise/mobilise.h"
#include "core/supervise/supervise.h"
#include "util/date.h"
#include "util/pii.h"

const char *const fk_volunteer_state_names[] = { "pending", "active", "refused", NULL };

const fk_field fk_volunteer_fields[] = {
	{ "region", FK_FT_STRING, true, 2, 15 },
	{ "name", FK_FT_STRING, true, 1, 50 },
	{ "phone", FK_FT_STRING, false, 1, 30 },
	{ "skills", FK_FT_STRING, false, 0, 200 },
	{ "availability", FK_FT_STRING, false, 0, 200 },
	{ "work_unit", FK_FT_STRING, false, 0, 100 },
	{ "party_member", FK_FT_BOOL, false },
	{ "cadre", FK_FT_BOOL, false },
	{ "insured_until", FK_FT_STRING, false, 10, 10 },
	{ "team_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "person_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "username", FK_FT_STRING, false, 1, 64 },
	{ 0 },
};

const fk_field fk_volunteer_update_fields[] = {
	{ "phone", FK_FT_STRING, false, 1, 30 },
	{ "skills", FK_FT_STRING, false, 0, 200 },
	{ "availability", FK_FT_STRING, false, 0, 200 },
	{ "work_unit", FK_FT_STRING, false, 0, 100 },
	{ "party_member", FK_FT_BOOL, false },
	{ "cadre", FK_FT_BOOL, false },
	{ "insured_until", FK_FT_STRING, false, 0, 10 },
	{ "team_id", FK_FT_INT, false, 1, INT64_MAX },
	{ 0 },
};

const fk_field fk_volunteer_register_fields[] = {
	{ "community", FK_FT_STRING, true, 12, 12 },
	{ "name", FK_FT_STRING, true, 1, 50 },
	{ "phone", FK_FT_STRING, true, 1, 30 },
	{ "skills", FK_FT_STRING, false, 0, 200 },
	{ "availability", FK_FT_STRING, false, 0, 200 },
	{ "work_unit", FK_FT_STRING, false, 0, 100 },
	{ "party_member", FK_FT_BOOL, false },
	{ 0 },
};

static int flag_of(const json_t *in, const char *key)
{
	json_t *v = json_object_get(in, key);
	return v ? json_is_true(v) : -1;
}

int fk_volunteer_parse(const json_t *in, fk_volunteer_in *v, int mode, fk_err *e)
{
	memset(v, 0, sizeof(*v));
	const fk_field *f = mode == FK_VOL_CREATE ? fk_volunteer_fields
			    : mode == FK_VOL_UPDATE ? fk_volunteer_update_fields
						    : fk_volunteer_register_fields;
	if (fk_fields_check(in, f, e) < 0)
		return -1;
	v->form = mode == FK_VOL_FORM;
	v->region = fk_json_str(in, v->form ? "community" : "region");
	v->name = fk_json_str(in, "name");
	v->skills = fk_json_str(in, "skills");
	v->availability = fk_json_str(in, "availability");
	v->work_unit = fk_json_str(in, "work_unit");
	v->username = fk_json_str(in, "username");
	v->party_member = flag_of(in, "party_member");
	v->cadre = flag_of(in, "cadre");
	v->team_id = json_integer_value(json_object_get(in, "team_id"));
	v->person_id = json_integer_value(json_object_get(in, "person_id"));
	const char *phone = fk_json_str(in, "phone");
	if (phone && fk_phone_normalise(phone, v->phone, sizeof(v->phone), e) < 0)
		return -1;
	v->insured_until = -1;
	const char *ins = fk_json_str(in, "insured_until");
	if (ins && !*ins && mode == FK_VOL_UPDATE) {
		v->insured_null = true;
		v->insured_until = 0;
	} else if (ins && fk_date_parse(ins, &v->insured_until) < 0) {
		return fk_err_invalid(e, "insured_until", "insured_until: a date YYYY-MM-DD (\"\" clears it)");
	}
	if (v->form && fk_region_level_of(v->region) != FK_LEVEL_COMMUNITY)
		return fk_err_invalid(e, "community", "community: a 12-digit community code");
	return 0;
}

/* The phone's sealed columns, bound as three values (NULL when none). */
typedef struct sealed_phone {
	unsigned char enc[64], h[FK_PII_HASH_LEN], sfx[FK_PII_HASH_LEN];
	size_t len;
} sealed_phone;

static void phone_vals(const char *phone, sealed_phone *s, fk_val v[3])
{
	bool has = phone[0] != '\0';
	if (has) {
		fk_phone_hashes(phone, s->h, s->sfx);
		s->len = fk_pii_seal(&fk_pii_global, phone, s->enc);
	}
	v[0] = (fk_val){ has ? 'b' : 'n', .p = s->enc, .n = s->len };
	v[1] = (fk_val){ has ? 'b' : 'n', .p = s->h, .n = FK_PII_HASH_LEN };
	v[2] = (fk_val){ has ? 'b' : 'n', .p = s->sfx, .n = FK_PII_HASH_LEN };
}

/* A team named for a volunteer: in scope, and in the volunteer's region's
 * street (a team of another street is 404 alike).  Returns 0 or -1. */
static int team_ref(fk_db *db, const fk_actor *who, int64_t team_id, fk_err *e)
{
	char region[16];
	return team_id ? fk_scope_load(db, who, FK_SCOPE_TEAM, team_id, "team_id", region, e) : 0;
}

json_t *fk_volunteer_create(fk_db *db, const fk_actor *who, const fk_volunteer_in *v, fk_err *e)
{
	if (mob_region_in(db, who, v->region, "region", FK_LEVEL_COMMUNITY, e) < 0 || team_ref(db, who, v->team_id, e) < 0)
		return NULL;
	char pregion[16];
	if (v->person_id && fk_scope_load(db, who, FK_SCOPE_PERSON, v->person_id, "person_id", pregion, e) < 0)
		return NULL;
	int64_t user_id = 0;
	if (v->username) {
		fk_stmt *st;
		char uregion[16] = "";
		if (fk_db_query(db, &st, "SELECT id, region FROM users WHERE username = $1", "s", v->username) < 0)
			goto internal;
		if (fk_stmt_step(st) == FK_ROW) {
			user_id = fk_stmt_int64(st, 0);
			snprintf(uregion, sizeof(uregion), "%s", fk_stmt_text(st, 1));
		}
		fk_stmt_done(st);
		char what[96];
		snprintf(what, sizeof(what), "user %s", v->username);
		if (fk_scope_ref(who, user_id ? uregion : NULL, "username", what, e) < 0)
			return NULL;
		int64_t taken = 0;
		if (fk_db_int64(db, &taken, "SELECT count(*) FROM volunteers WHERE user_id = $1", "i", user_id) < 0)
			goto internal;
		if (taken) {
			fk_err_conflict(e, "username", "username: %s has a profile already", v->username);
			return NULL;
		}
	}
	sealed_phone sp;
	fk_val pv[3];
	phone_vals(v->phone, &sp, pv);
	int64_t id = 0;
	fk_val vals[] = {
		{ 's', .p = v->region },
		{ user_id ? 'i' : 'n', .i = user_id },
		{ v->person_id ? 'i' : 'n', .i = v->person_id },
		{ v->team_id ? 'i' : 'n', .i = v->team_id },
		{ 's', .p = v->name },
		pv[0], pv[1], pv[2],
		{ 's', .p = v->skills ? v->skills : "" },
		{ 's', .p = v->availability ? v->availability : "" },
		{ 's', .p = v->work_unit ? v->work_unit : "" },
		{ 'i', .i = v->party_member > 0 },
		{ 'i', .i = v->cadre > 0 },
		{ v->insured_until >= 0 ? 'i' : 'n', .i = v->insured_until },
		{ 's', .p = v->form ? "pending" : "active" },
		{ 's', .p = v->form ? "form" : "staff" },
		{ 'i', .i = fk_now() },
	};
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO volunteers (region, user_id, person_id, team_id, name, phone_enc, phone_hash,"
			      " phone_sfx, skills, availability, work_unit, party_member, cadre, insured_until, state,"
			      " source, created_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
			      vals, (int)(sizeof(vals) / sizeof(vals[0]))) < 0 ||
	    id <= 0)
		goto internal;
	if (fk_audit_record(db, who, v->form ? "volunteer.register" : "volunteer.create", "volunteer", id, v->region,
			    json_pack("{s:b}", "party_member", v->party_member > 0)) < 0)
		goto internal;
	if (v->form) /* the public: no read of the list, only the receipt */
		return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "community", v->region, "state", "pending");
	return fk_volunteer_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

json_t *fk_volunteer_register(fk_db *db, const fk_actor *who, const fk_volunteer_in *v, fk_err *e)
{
	int64_t n = 0;
	if (fk_db_int64(db, &n, "SELECT count(*) FROM regions WHERE code = $1 AND level = $2", "si", v->region,
			(int64_t)FK_LEVEL_COMMUNITY) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	if (!n) {
		fk_err_set(e, 404, "not_found", "community", "community %s not found", v->region);
		return NULL;
	}
	if (fk_db_int64(db, &n, "SELECT count(*) FROM volunteers WHERE region = $1 AND state = 'pending'", "s",
			v->region) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	if (n >= FK_MOB_PENDING_MAX) {
		fk_err_conflict(e, "community", "community: %d registrations are waiting for approval already; try later",
				FK_MOB_PENDING_MAX);
		return NULL;
	}
	/* the form acts in the community it names, and only there */
	fk_actor anon = *who;
	anon.region = v->region;
	return fk_volunteer_create(db, &anon, v, e);
}

json_t *fk_volunteer_update(fk_db *db, const fk_actor *who, int64_t id, const fk_volunteer_in *v, fk_err *e)
{
	char region[16];
	if (fk_scope_load(db, who, FK_SCOPE_VOLUNTEER, id, NULL, region, e) < 0 || team_ref(db, who, v->team_id, e) < 0)
		return NULL;
	sealed_phone sp;
	fk_val pv[3];
	phone_vals(v->phone, &sp, pv);
	fk_val vals[] = {
		{ 'i', .i = id },
		{ v->phone[0] ? 'i' : 'n', .i = 1 }, pv[0], pv[1], pv[2],
		{ v->skills ? 's' : 'n', .p = v->skills },
		{ v->availability ? 's' : 'n', .p = v->availability },
		{ v->work_unit ? 's' : 'n', .p = v->work_unit },
		{ v->party_member >= 0 ? 'i' : 'n', .i = v->party_member },
		{ v->cadre >= 0 ? 'i' : 'n', .i = v->cadre },
		{ v->insured_until >= 0 ? 'i' : 'n', .i = v->insured_null ? 1 : 0 },
		{ v->insured_until > 0 ? 'i' : 'n', .i = v->insured_until },
		{ v->team_id ? 'i' : 'n', .i = v->team_id },
	};
	if (fk_db_run_vals(db,
			   "UPDATE volunteers SET"
			   " phone_enc = CASE WHEN $2 IS NULL THEN phone_enc ELSE $3 END,"
			   " phone_hash = CASE WHEN $2 IS NULL THEN phone_hash ELSE $4 END,"
			   " phone_sfx = CASE WHEN $2 IS NULL THEN phone_sfx ELSE $5 END,"
			   " skills = coalesce($6, skills), availability = coalesce($7, availability),"
			   " work_unit = coalesce($8, work_unit), party_member = coalesce($9, party_member),"
			   " cadre = coalesce($10, cadre),"
			   " insured_until = CASE WHEN $11 IS NULL THEN insured_until WHEN $11 = 1 THEN NULL ELSE $12 END,"
			   " team_id = coalesce($13, team_id)"
			   " WHERE id = $1",
			   vals, (int)(sizeof(vals) / sizeof(vals[0]))) < 0 ||
	    fk_audit_record(db, who, "volunteer.update", "volunteer", id, region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_volunteer_get(db, who, id, e);
}

const fk_field fk_approve_fields[] = {
	{ "approve", FK_FT_BOOL, true },
	{ "reason", FK_FT_STRING, false, 0, 300 },
	{ 0 },
};

int fk_approve_parse(const json_t *in, fk_approve_in *a, fk_err *e)
{
	if (fk_fields_check(in, fk_approve_fields, e) < 0)
		return -1;
	a->approve = json_is_true(json_object_get(in, "approve"));
	a->reason = fk_json_str_or(in, "reason");
	if (!a->approve && !*a->reason)
		return fk_err_invalid(e, "reason", "reason: required to refuse");
	return 0;
}

json_t *fk_volunteer_approve(fk_db *db, const fk_actor *who, int64_t id, const fk_approve_in *a, fk_err *e)
{
	char region[16];
	if (fk_scope_load(db, who, FK_SCOPE_VOLUNTEER, id, NULL, region, e) < 0)
		return NULL;
	if (fk_db_run(db, "UPDATE volunteers SET state = $1, note = $2 WHERE id = $3 AND state = 'pending'", "ssi",
		      a->approve ? "active" : "refused", a->reason, id) < 0)
		goto internal;
	if (fk_db_changes(db) == 0) {
		fk_err_conflict(e, "state", "volunteer %lld is not waiting for approval", (long long)id);
		return NULL;
	}
	if (fk_audit_record(db, who, a->approve ? "volunteer.approve" : "volunteer.refuse", "volunteer", id, region,
			    json_pack("{s:s}", "reason", a->reason)) < 0)
		goto internal;
	return fk_volunteer_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

static const fk_column volunteer_cols[] = {
	{ "id", FK_C_INT },
	{ "region", FK_C_TEXT },
	{ "region_name", FK_C_TEXT },
	{ "name", FK_C_TEXT },
	{ "phone", FK_C_PHONE },
	{ "skills", FK_C_TEXT },
	{ "availability", FK_C_TEXT },
	{ "work_unit", FK_C_TEXT },
	{ "party_member", FK_C_BOOL },
	{ "cadre", FK_C_BOOL },
	{ "insured_until", FK_C_DATE },
	{ "state", FK_C_TEXT },
	{ "source", FK_C_TEXT },
	{ "note", FK_C_TEXT },
	{ "team_id", FK_C_INT },
	{ "team_name", FK_C_TEXT },
	{ "username", FK_C_TEXT },
	{ "person_id", FK_C_INT },
	{ "minutes", FK_C_INT },
	{ "created_at", FK_C_INT },
	{ 0 },
};

static const fk_filter volunteer_filters[] = {
	{ "state", FK_F_ENUM, "v.state = ?", .names = fk_volunteer_state_names },
	{ "party_member", FK_F_FLAG, "v.party_member = ?" },
	{ "cadre", FK_F_FLAG, "v.cadre = ?" },
	{ "team_id", FK_F_ID, "v.team_id = ?", .what = "a team id" },
	{ "name", FK_F_PREFIX, "v.name >= ? AND v.name < ?", .max = 50, .opt = FK_FO_BLANK | FK_FO_AUDIT },
	{ 0 },
};

const fk_list fk_volunteer_list = {
	.select = "v.id, v.region, r.name, v.name, v.phone_enc, v.skills, v.availability, v.work_unit,"
		  " v.party_member, v.cadre, v.insured_until, v.state, v.source, v.note, v.team_id, t.name,"
		  " u.username, v.person_id, v.minutes, v.created_at"
		  " FROM volunteers v JOIN regions r ON r.code = v.region LEFT JOIN teams t ON t.id = v.team_id"
		  " LEFT JOIN users u ON u.id = v.user_id",
	FK_LIST_REGION_ID("v"),
	.filters = volunteer_filters,
	.cols = volunteer_cols,
	.audit = { "volunteer.search", "volunteers", true },
};

json_t *fk_volunteer_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	char what[48];
	snprintf(what, sizeof(what), "volunteer %lld", (long long)id);
	return fk_list_one(db, who, &fk_volunteer_list, id, what, 0, e);
}

int64_t fk_volunteer_of_user(fk_db *db, int64_t user_id)
{
	int64_t id = 0;
	if (user_id <= 0 || fk_db_int64(db, &id, "SELECT id FROM volunteers WHERE user_id = $1", "i", user_id) < 0)
		return 0;
	return id;
}

int64_t fk_mob_minutes_of(fk_db *db, int64_t volunteer_id, int64_t from, int64_t to)
{
	int64_t m = 0;
	if (fk_db_int64(db, &m,
			"SELECT coalesce(sum(minutes), 0) FROM shift_people WHERE volunteer_id = $1 AND day >= $2"
			" AND day <= $3",
			"iii", volunteer_id, from, to) < 0)
		return -1;
	return m;
}

json_t *fk_volunteer_record(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	json_t *v = fk_volunteer_get(db, who, id, e);
	if (!v)
		return NULL;
	json_object_set_new(v, "posts",
			    mob_rows(db,
				 "SELECT p.id AS id, p.name AS name, p.kind AS kind, count(*) AS shifts,"
				 " sum(sp.minutes) AS minutes FROM shift_people sp JOIN shifts s ON s.id = sp.shift_id"
				 " JOIN posts p ON p.id = s.post_id WHERE sp.volunteer_id = $1"
				 " GROUP BY p.id, p.name, p.kind ORDER BY p.id LIMIT 100",
				 id));
	json_object_set_new(v, "tasks",
			    mob_rows(db,
				 "SELECT state AS state, count(*) AS count FROM service_tasks WHERE volunteer_id = $1"
				 " GROUP BY state ORDER BY state",
				 id));
	json_object_set_new(v, "pledges",
			    mob_rows(db,
				 "SELECT pl.id AS id, pl.text AS text, pl.assignment AS assignment, pl.day AS day"
				 " FROM pledge_signers ps JOIN pledges pl ON pl.id = ps.pledge_id"
				 " WHERE ps.volunteer_id = $1 ORDER BY pl.id DESC LIMIT 50",
				 id));
	int64_t certified = 0;
	fk_db_int64(db, &certified,
		    "SELECT coalesce(sum(minutes), 0) FROM shift_people WHERE volunteer_id = $1 AND certified = 1", "i",
		    id);
	json_object_set_new(v, "certified_minutes", json_integer(certified));
	json_t *sv = fk_sv_of_volunteer(db, id);
	json_object_update(v, sv);
	json_decref(sv);
	return v;
}

/* ---- 双报到 ---- */

const fk_field fk_duty_report_fields[] = {
	{ "region", FK_FT_STRING, true, 12, 15 },
	{ "unit", FK_FT_STRING, true, 1, 100 },
	{ "volunteer_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "date", FK_FT_STRING, false, 10, 10 },
	{ "tasks", FK_FT_STRING, false, 0, 500 },
	{ 0 },
};

int fk_duty_report_parse(const json_t *in, fk_duty_report_in *d, fk_err *e)
{
	memset(d, 0, sizeof(*d));
	if (fk_fields_check(in, fk_duty_report_fields, e) < 0 || mob_date(in, "date", fk_today(), &d->day, e) < 0)
		return -1;
	d->region = fk_json_str(in, "region");
	d->unit = fk_json_str(in, "unit");
	d->tasks = fk_json_str_or(in, "tasks");
	d->volunteer_id = json_integer_value(json_object_get(in, "volunteer_id"));
	return 0;
}

json_t *fk_duty_report_create(fk_db *db, const fk_actor *who, const fk_duty_report_in *d, fk_err *e)
{
	char vregion[16];
	if (mob_region_in(db, who, d->region, "region", FK_LEVEL_COMMUNITY, e) < 0 ||
	    (d->volunteer_id && fk_scope_load(db, who, FK_SCOPE_VOLUNTEER, d->volunteer_id, "volunteer_id", vregion, e) < 0))
		return NULL;
	fk_val v[] = {
		{ 's', .p = d->region }, { d->volunteer_id ? 'i' : 'n', .i = d->volunteer_id }, { 's', .p = d->unit },
		{ 'i', .i = d->day },   { 's', .p = d->tasks }, { 'i', .i = who->user_id }, { 'i', .i = fk_now() },
	};
	int64_t id = 0;
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO duty_reports (region, volunteer_id, unit, day, tasks, created_by, created_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			      v, 7) < 0 ||
	    id <= 0 || fk_audit_record(db, who, "duty_report.create", "duty_report", id, d->region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_duty_report_list, id, "duty report", 0, e);
}

static const fk_column duty_report_cols[] = {
	{ "id", FK_C_INT },         { "region", FK_C_TEXT },  { "region_name", FK_C_TEXT },
	{ "volunteer_id", FK_C_INT }, { "volunteer_name", FK_C_TEXT }, { "unit", FK_C_TEXT },
	{ "date", FK_C_DATE },      { "tasks", FK_C_TEXT },   { "tasks_taken", FK_C_INT },
	{ 0 },
};

static int no_task_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	(void)f;
	bool yes;
	if (mob_flag(value, "no_task", &yes, e) < 0)
		return -1;
	fk_list_where(q, yes ? TASKS_TAKEN " = 0" : TASKS_TAKEN " > 0", NULL);
	return 0;
}

static const fk_filter duty_report_filters_fn[] = {
	{ "no_task", FK_F_CUSTOM, NULL, .fn = no_task_filter },
	{ 0 },
};

const fk_list fk_duty_report_list = {
	.select = "d.id, d.region, r.name, d.volunteer_id, v.name, d.unit, d.day, d.tasks, " TASKS_TAKEN
		  " FROM duty_reports d JOIN regions r ON r.code = d.region"
		  " LEFT JOIN volunteers v ON v.id = d.volunteer_id",
	FK_LIST_REGION_ID("d"),
	.desc = true,
	.filters = duty_report_filters_fn,
	.cols = duty_report_cols,
};

/* ---- pledges ---- */

const fk_field fk_pledge_fields[] = {
	{ "region", FK_FT_STRING, true, 9, 15 },
	{ "text", FK_FT_STRING, true, 1, 2000 },
	{ "signatories", FK_FT_ARRAY, true, 1, FK_MOB_SIGNERS_MAX },
	{ "date", FK_FT_STRING, false, 10, 10 },
	{ "assignment", FK_FT_STRING, false, 0, 300 },
	{ 0 },
};

int fk_pledge_parse(const json_t *in, fk_pledge_in *p, fk_err *e)
{
	memset(p, 0, sizeof(*p));
	if (fk_fields_check(in, fk_pledge_fields, e) < 0 || mob_date(in, "date", fk_today(), &p->day, e) < 0)
		return -1;
	p->region = fk_json_str(in, "region");
	p->text = fk_json_str(in, "text");
	p->assignment = fk_json_str_or(in, "assignment");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(in, "signatories"), i, s) {
		if (!json_is_integer(s) || json_integer_value(s) < 1) {
			char f[32];
			snprintf(f, sizeof(f), "signatories[%zu]", i);
			return fk_err_invalid(e, f, "%s: a volunteer id", f);
		}
		p->signers[p->nsigners++] = json_integer_value(s);
	}
	return 0;
}

json_t *fk_pledge_create(fk_db *db, const fk_actor *who, const fk_pledge_in *p, fk_err *e)
{
	if (mob_region_in(db, who, p->region, "region", FK_LEVEL_STREET, e) < 0)
		return NULL;
	for (int i = 0; i < p->nsigners; i++) {
		char f[32], r[16];
		snprintf(f, sizeof(f), "signatories[%d]", i);
		if (fk_scope_load(db, who, FK_SCOPE_VOLUNTEER, p->signers[i], f, r, e) < 0)
			return NULL;
	}
	/* the signatories' names as they signed, kept with the pledge */
	json_t *names = json_array();
	for (int i = 0; i < p->nsigners; i++) {
		int64_t vid = p->signers[i];
		fk_stmt *st;
		if (fk_db_query(db, &st, "SELECT name FROM volunteers WHERE id = $1", "i", vid) < 0)
			break;
		if (fk_stmt_step(st) == FK_ROW)
			json_array_append_new(names, json_string(fk_stmt_text(st, 0)));
		fk_stmt_done(st);
	}
	char *signers = json_dumps(names, JSON_COMPACT);
	json_decref(names);
	int64_t id = 0;
	int rc = fk_db_int64(db, &id,
			     "INSERT INTO pledges (region, text, day, assignment, signers, created_by, created_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			     "ssissii", p->region, p->text, p->day, p->assignment, signers ? signers : "[]", who->user_id,
			     fk_now());
	free(signers);
	if (rc != FK_ROW)
		goto internal;
	for (int i = 0; i < p->nsigners; i++)
		if (fk_db_run(db, "INSERT INTO pledge_signers (pledge_id, volunteer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
			      "ii", id, p->signers[i]) < 0)
			goto internal;
	if (fk_audit_record(db, who, "pledge.create", "pledge", id, p->region,
			    json_pack("{s:i}", "signatories", p->nsigners)) < 0)
		goto internal;
	return fk_list_one(db, who, &fk_pledge_list, id, "pledge", 0, e);
internal:
	fk_err_internal(e);
	return NULL;
}

const fk_field fk_pledge_assign_fields[] = {
	{ "assignment", FK_FT_STRING, true, 1, 300 },
	{ 0 },
};

int fk_pledge_assign_parse(const json_t *in, fk_pledge_assign_in *a, fk_err *e)
{
	if (fk_fields_check(in, fk_pledge_assign_fields, e) < 0)
		return -1;
	a->assignment = fk_json_str(in, "assignment");
	return 0;
}

json_t *fk_pledge_assign(fk_db *db, const fk_actor *who, int64_t id, const fk_pledge_assign_in *a, fk_err *e)
{
	char region[16];
	if (fk_scope_load(db, who, FK_SCOPE_PLEDGE, id, NULL, region, e) < 0)
		return NULL;
	if (fk_db_run(db, "UPDATE pledges SET assignment = $1 WHERE id = $2", "si", a->assignment, id) < 0 ||
	    fk_audit_record(db, who, "pledge.assign", "pledge", id, region, json_pack("{s:s}", "assignment", a->assignment)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_pledge_list, id, "pledge", 0, e);
}

static const fk_column pledge_cols[] = {
	{ "id", FK_C_INT },   { "region", FK_C_TEXT },     { "region_name", FK_C_TEXT }, { "text", FK_C_TEXT },
	{ "date", FK_C_DATE }, { "assignment", FK_C_TEXT }, { "signatories", FK_C_JSON },
	{ 0 },
};

const fk_list fk_pledge_list = {
	.select = "p.id, p.region, r.name, p.text, p.day, p.assignment,"
		  " p.signers"
		  " FROM pledges p JOIN regions r ON r.code = p.region",
	FK_LIST_REGION_ID("p"),
	.desc = true,
	.cols = pledge_cols,
};
