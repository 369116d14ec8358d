/* doctors.c - family doctor teams, doctors and the duty roster (see
 * doctors.h).  Expected load: a few teams per community, a shift a day
 * per doctor. */
#include "core/hotline/doctors.h"

#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "core/hotline/ticket_int.h"
#include "util/date.h"

const fk_field fk_team_fields[] = {
	{ "region", FK_FT_STRING, true, 12, 12 },
	{ "name", FK_FT_STRING, true, 1, 60 },
	{ 0 },
};

int fk_team_parse(const json_t *in, fk_team_in *t, fk_err *e)
{
	if (fk_fields_check(in, fk_team_fields, e) < 0)
		return -1;
	t->region = fk_json_str(in, "region");
	t->name = fk_json_str(in, "name");
	if (fk_region_level_of(t->region) != FK_LEVEL_COMMUNITY)
		return fk_err_invalid(e, "region", "region: a community code");
	return 0;
}

json_t *fk_team_create(fk_db *db, const fk_actor *who, const fk_team_in *t, fk_err *e)
{
	if (fk_scope_ref(who, t->region, "region", "region", e) < 0)
		return NULL;
	int64_t one = 0, id = 0, now = fk_now();
	if (fk_db_int64(db, &one, "SELECT 1 FROM regions WHERE code = $1", "s", t->region) != FK_ROW) {
		fk_err_set(e, 404, "not_found", "region", "region %s not found", t->region);
		return NULL;
	}
	fk_val v[] = { { 's', .p = t->region }, { 's', .p = t->name }, { 'i', .i = now } };
	if (fk_db_insert_vals(db, &id, "INSERT INTO doctor_teams (region, name, created_at) VALUES ($1, $2, $3)", v, 3) < 0 ||
	    fk_audit_record(db, who, "doctor.team", "doctor_team", id, t->region, json_pack("{s:s}", "name", t->name)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_team_list, id, "team", 0, e);
}

const fk_field fk_doctor_fields[] = {
	{ "team_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "name", FK_FT_STRING, true, 1, 50 },
	{ "duty_phone", FK_FT_STRING, true, 3, 30 },
	{ "username", FK_FT_STRING, false, 1, 64 },
	{ 0 },
};

int fk_doctor_parse(const json_t *in, fk_doctor_in *d, fk_err *e)
{
	if (fk_fields_check(in, fk_doctor_fields, e) < 0)
		return -1;
	d->team_id = json_integer_value(json_object_get(in, "team_id"));
	d->name = fk_json_str(in, "name");
	d->duty_phone = fk_json_str(in, "duty_phone");
	d->username = fk_json_str(in, "username");
	for (const char *p = d->duty_phone; *p; p++)
		if (!(*p >= '0' && *p <= '9') && *p != '-' && *p != ' ')
			return fk_err_invalid(e, "duty_phone", "duty_phone: digits, spaces and '-' only");
	return 0;
}

json_t *fk_doctor_create(fk_db *db, const fk_actor *who, const fk_doctor_in *d, fk_err *e)
{
	char region[16];
	if (fk_scope_load(db, who, FK_SCOPE_DOCTOR_TEAM, d->team_id, "team_id", region, e) < 0)
		return NULL;
	int64_t uid = 0, id = 0, now = fk_now();
	if (d->username) {
		fk_stmt *st;
		if (fk_db_query(db, &st, "SELECT id, region, role FROM users WHERE username = $1", "s", d->username) < 0) {
			fk_err_internal(e);
			return NULL;
		}
		bool ok = fk_stmt_step(st) == FK_ROW && strcmp(fk_stmt_text(st, 2), "doctor") == 0 &&
			  fk_scope_contains(fk_stmt_text(st, 1), region);
		if (ok)
			uid = fk_stmt_int64(st, 0);
		fk_stmt_done(st);
		if (!ok) {
			fk_err_set(e, 404, "not_found", "username", "no doctor account %s serving %s", d->username, region);
			return NULL;
		}
	}
	fk_val v[] = { { 'i', .i = d->team_id }, { 's', .p = region },   { 's', .p = d->name },
		       { 's', .p = d->duty_phone }, { uid ? 'i' : 'n', .i = uid }, { 'i', .i = now } };
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO doctors (team_id, region, name, duty_phone, user_id, created_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6)",
			      v, 6) < 0 ||
	    fk_audit_record(db, who, "doctor.create", "doctor", id, region, json_pack("{s:s}", "name", d->name)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)id, "team_id", (json_int_t)d->team_id,
			 "region", region, "name", d->name, "duty_phone", d->duty_phone, "username",
			 d->username ? json_string(d->username) : json_null());
}

const fk_field fk_shift_fields[] = {
	{ "doctor_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "starts_at", FK_FT_INT, true, 1, INT64_MAX },
	{ "ends_at", FK_FT_INT, true, 1, INT64_MAX },
	{ 0 },
};

int fk_shift_parse(const json_t *in, fk_shift_in *s, fk_err *e)
{
	if (fk_fields_check(in, fk_shift_fields, e) < 0)
		return -1;
	s->doctor_id = json_integer_value(json_object_get(in, "doctor_id"));
	s->starts_at = json_integer_value(json_object_get(in, "starts_at"));
	s->ends_at = json_integer_value(json_object_get(in, "ends_at"));
	if (s->ends_at <= s->starts_at)
		return fk_err_invalid(e, "ends_at", "ends_at: after starts_at");
	if (s->ends_at - s->starts_at > 7 * 86400)
		return fk_err_invalid(e, "ends_at", "ends_at: a shift lasts at most 7 days");
	return 0;
}

json_t *fk_shift_create(fk_db *db, const fk_actor *who, const fk_shift_in *s, fk_err *e)
{
	char region[16];
	if (fk_scope_load(db, who, FK_SCOPE_DOCTOR, s->doctor_id, "doctor_id", region, e) < 0)
		return NULL;
	int64_t clash = 0, id = 0, now = fk_now();
	if (fk_db_int64(db, &clash,
			"SELECT id FROM duty_shifts WHERE doctor_id = $1 AND starts_at < $2 AND ends_at > $3 LIMIT 1", "iii",
			s->doctor_id, s->ends_at, s->starts_at) == FK_ROW) {
		fk_err_conflict(e, "starts_at", "starts_at: the doctor's shift %lld overlaps it", (long long)clash);
		return NULL;
	}
	fk_val v[] = { { 's', .p = region }, { 'i', .i = s->doctor_id }, { 'i', .i = s->starts_at },
		       { 'i', .i = s->ends_at }, { 'i', .i = now } };
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO duty_shifts (region, doctor_id, starts_at, ends_at, created_at)"
			      " VALUES ($1, $2, $3, $4, $5)",
			      v, 5) < 0 ||
	    fk_audit_record(db, who, "doctor.shift", "duty_shift", id, region,
			    json_pack("{s:I, s:I, s:I}", "doctor_id", (json_int_t)s->doctor_id, "starts_at",
				      (json_int_t)s->starts_at, "ends_at", (json_int_t)s->ends_at)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_shift_list, id, "shift", 0, e);
}

static const fk_column team_cols[] = {
	{ "id", FK_C_INT }, { "region", FK_C_TEXT }, { "region_name", FK_C_TEXT }, { "name", FK_C_TEXT },
	{ "doctors", FK_C_INT }, { "created_at", FK_C_INT }, { 0 },
};

const fk_list fk_team_list = {
	.select = "t.id, t.region, r.name, t.name, (SELECT count(*) FROM doctors d WHERE d.team_id = t.id), t.created_at"
		  " FROM doctor_teams t JOIN regions r ON r.code = t.region",
	FK_LIST_REGION_ID("t"),
	.cols = team_cols,
};

static const fk_column doctor_cols[] = {
	{ "id", FK_C_INT },        { "team_id", FK_C_INT },    { "team_name", FK_C_TEXT }, { "region", FK_C_TEXT },
	{ "region_name", FK_C_TEXT }, { "name", FK_C_TEXT },   { "duty_phone", FK_C_TEXT }, { "username", FK_C_TEXT },
	{ "on_duty", FK_C_BOOL },  { "on_duty_until", FK_C_INT }, { 0 },
};

static void now_arg(fk_val v[4])
{
	int64_t now = fk_now();
	v[0] = (fk_val){ 'i', .i = now };
	v[1] = (fk_val){ 'i', .i = now };
}

static int on_duty_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	int yes = fk_hotline_flag(value, f->name, e);
	if (yes < 0)
		return -1;
	fk_list_where(q, yes ? "s.id IS NOT NULL" : "s.id IS NULL", NULL);
	return 0;
}

static const fk_filter doctor_filters[] = {
	{ "on_duty", FK_F_CUSTOM, .fn = on_duty_filter },
	{ "team_id", FK_F_ID, "d.team_id = ?", .what = "a team id" },
	{ 0 },
};

const fk_list fk_doctor_list = {
	.select = "d.id, d.team_id, t.name, d.region, r.name, d.name, d.duty_phone, u.username,"
		  " CASE WHEN s.id IS NULL THEN 0 ELSE 1 END, s.ends_at"
		  " FROM doctors d JOIN doctor_teams t ON t.id = d.team_id JOIN regions r ON r.code = d.region"
		  " LEFT JOIN users u ON u.id = d.user_id"
		  " LEFT JOIN duty_shifts s ON s.id = (SELECT x.id FROM duty_shifts x WHERE x.doctor_id = d.id"
		  "  AND x.starts_at <= ? AND x.ends_at > x.starts_at AND x.ends_at > ? ORDER BY x.starts_at DESC LIMIT 1)",
	.select_args = now_arg,
	FK_LIST_REGION_ID("d"),
	.filters = doctor_filters,
	.cols = doctor_cols,
};

static const fk_column shift_cols[] = {
	{ "id", FK_C_INT },       { "region", FK_C_TEXT },   { "region_name", FK_C_TEXT }, { "doctor_id", FK_C_INT },
	{ "doctor_name", FK_C_TEXT }, { "duty_phone", FK_C_TEXT }, { "team_name", FK_C_TEXT }, { "starts_at", FK_C_INT },
	{ "ends_at", FK_C_INT },  { 0 },
};

static int day_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	int64_t day;
	if (fk_date_parse(value, &day) < 0)
		return fk_err_invalid(e, f->name, "%s: YYYY-MM-DD", f->name);
	bool from = strcmp(f->name, "from") == 0;
	fk_list_where(q, from ? "s.ends_at > ?" : "s.starts_at < ?",
		      (fk_val[]){ { 'i', .i = fk_local_time(day, from ? 0 : 24) } });
	return 0;
}

static const fk_filter shift_filters[] = {
	{ "from", FK_F_CUSTOM, .fn = day_filter },
	{ "to", FK_F_CUSTOM, .fn = day_filter },
	{ "doctor_id", FK_F_ID, "s.doctor_id = ?", .what = "a doctor id" },
	{ 0 },
};

const fk_list fk_shift_list = {
	.select = "s.id, s.region, r.name, s.doctor_id, d.name, d.duty_phone, t.name, s.starts_at, s.ends_at"
		  " FROM duty_shifts s JOIN doctors d ON d.id = s.doctor_id JOIN doctor_teams t ON t.id = d.team_id"
		  " JOIN regions r ON r.code = s.region",
	FK_LIST_REGION_ID("s"),
	.filters = shift_filters,
	.cols = shift_cols,
};
