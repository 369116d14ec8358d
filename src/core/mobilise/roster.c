/* roster.c - teams, posts, shifts, putting people on shifts, check-in and
 * check-out, the hours served, certification and corrections (see
 * mobilise.h).  Expected load: a street schedules a few hundred shifts a
 * day; check-ins come at shift changes, up to a few hundred a second in a
 * city, each a handful of indexed statements. */
#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/rollup.h"
#include "core/grid/screening.h"
#include "core/mobilise/internal.h"
#include "core/mobilise/mobilise.h"
#include "util/date.h"

const char *const fk_team_kind_names[] = { "volunteer", "shock", "party_branch", "vanguard", NULL };
const char *const fk_post_kind_names[] = { "gate", "delivery", "screening", "site", NULL };

/* Service per region (every level) and day: minutes and people-shifts. */
static const fk_rollup_table service_daily = { "service_daily", 1, { "minutes", "served", NULL } };

/* ---- teams ---- */

const fk_field fk_mob_team_fields[] = {
	{ "region", FK_FT_STRING, true, 9, 15 },
	{ "name", FK_FT_STRING, true, 1, 100 },
	{ "kind", FK_FT_STRING, true, 1, 20 },
	{ "secretary", FK_FT_STRING, false, 0, 50 },
	{ 0 },
};

int fk_mob_team_parse(const json_t *in, fk_mob_team_in *t, fk_err *e)
{
	memset(t, 0, sizeof(*t));
	if (fk_fields_check(in, fk_mob_team_fields, e) < 0)
		return -1;
	t->region = fk_json_str(in, "region");
	t->name = fk_json_str(in, "name");
	t->kind = fk_json_str(in, "kind");
	t->secretary = fk_json_str_or(in, "secretary");
	if (mob_index_of(fk_team_kind_names, t->kind) < 0)
		return mob_enum_err(e, "kind", fk_team_kind_names);
	return 0;
}

json_t *fk_mob_team_create(fk_db *db, const fk_actor *who, const fk_mob_team_in *t, fk_err *e)
{
	if (mob_region_in(db, who, t->region, "region", FK_LEVEL_STREET, e) < 0)
		return NULL;
	int64_t id = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO teams (region, name, kind, secretary, created_at) VALUES ($1, $2, $3, $4, $5)"
			" RETURNING id",
			"ssssi", t->region, t->name, t->kind, t->secretary, fk_now()) != FK_ROW ||
	    fk_audit_record(db, who, "team.create", "team", id, t->region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_mob_team_list, id, "team", 0, e);
}

static const fk_column team_cols[] = {
	{ "id", FK_C_INT },        { "region", FK_C_TEXT },  { "region_name", FK_C_TEXT },
	{ "name", FK_C_TEXT },     { "kind", FK_C_TEXT },    { "secretary", FK_C_TEXT },
	{ "members", FK_C_INT },   { "minutes", FK_C_INT },
	{ 0 },
};

static const fk_filter team_filters[] = {
	{ "kind", FK_F_ENUM, "t.kind = ?", .names = fk_team_kind_names },
	{ 0 },
};

const fk_list fk_mob_team_list = {
	.select = "t.id, t.region, r.name, t.name, t.kind, t.secretary,"
		  " (SELECT count(*) FROM volunteers v WHERE v.team_id = t.id), t.minutes"
		  " FROM teams t JOIN regions r ON r.code = t.region",
	FK_LIST_REGION_ID("t"),
	.filters = team_filters,
	.cols = team_cols,
};

/* ---- posts ---- */

const fk_field fk_post_fields[] = {
	{ "region", FK_FT_STRING, true, 12, 15 },
	{ "name", FK_FT_STRING, true, 1, 100 },
	{ "kind", FK_FT_STRING, true, 1, 20 },
	{ "team_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "required", FK_FT_INT, true, 1, 100 },
	{ "risky", FK_FT_BOOL, false },
	{ 0 },
};

int fk_post_parse(const json_t *in, fk_post_in *p, fk_err *e)
{
	memset(p, 0, sizeof(*p));
	if (fk_fields_check(in, fk_post_fields, e) < 0)
		return -1;
	p->region = fk_json_str(in, "region");
	p->name = fk_json_str(in, "name");
	p->kind = fk_json_str(in, "kind");
	p->team_id = json_integer_value(json_object_get(in, "team_id"));
	p->required = json_integer_value(json_object_get(in, "required"));
	p->risky = json_is_true(json_object_get(in, "risky"));
	if (mob_index_of(fk_post_kind_names, p->kind) < 0)
		return mob_enum_err(e, "kind", fk_post_kind_names);
	return 0;
}

json_t *fk_post_create(fk_db *db, const fk_actor *who, const fk_post_in *p, fk_err *e)
{
	char tregion[16];
	if (mob_region_in(db, who, p->region, "region", FK_LEVEL_COMMUNITY, e) < 0 ||
	    (p->team_id && fk_scope_load(db, who, FK_SCOPE_TEAM, p->team_id, "team_id", tregion, e) < 0))
		return NULL;
	fk_val v[] = {
		{ 's', .p = p->region }, { p->team_id ? 'i' : 'n', .i = p->team_id }, { 's', .p = p->name },
		{ 's', .p = p->kind },   { 'i', .i = p->required }, { 'i', .i = p->risky }, { 'i', .i = fk_now() },
	};
	int64_t id = 0;
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO posts (region, team_id, name, kind, required, risky, created_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			      v, 7) < 0 ||
	    id <= 0 || fk_audit_record(db, who, "post.create", "post", id, p->region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_post_list, id, "post", 0, e);
}

static const fk_column post_cols[] = {
	{ "id", FK_C_INT },      { "region", FK_C_TEXT },   { "region_name", FK_C_TEXT }, { "name", FK_C_TEXT },
	{ "kind", FK_C_TEXT },   { "team_id", FK_C_INT },   { "team_name", FK_C_TEXT },   { "required", FK_C_INT },
	{ "risky", FK_C_BOOL },
	{ 0 },
};

static const fk_filter post_filters[] = {
	{ "kind", FK_F_ENUM, "p.kind = ?", .names = fk_post_kind_names },
	{ "team_id", FK_F_ID, "p.team_id = ?", .what = "a team id" },
	{ 0 },
};

const fk_list fk_post_list = {
	.select = "p.id, p.region, r.name, p.name, p.kind, p.team_id, t.name, p.required, p.risky"
		  " FROM posts p JOIN regions r ON r.code = p.region LEFT JOIN teams t ON t.id = p.team_id",
	FK_LIST_REGION_ID("p"),
	.filters = post_filters,
	.cols = post_cols,
};

/* ---- shifts ---- */

const fk_field fk_mob_shift_fields[] = {
	{ "post_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "date", FK_FT_STRING, true, 10, 10 },
	{ "start", FK_FT_STRING, true, 5, 5 },
	{ "end", FK_FT_STRING, true, 5, 5 },
	{ 0 },
};

/* "HH:MM" as minutes after midnight, or -1. */
static int hhmm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

int fk_mob_shift_parse(const json_t *in, fk_mob_shift_in *s, fk_err *e)
{
	memset(s, 0, sizeof(*s));
	if (fk_fields_check(in, fk_mob_shift_fields, e) < 0 || mob_date(in, "date", -1, &s->day, e) < 0)
		return -1;
	s->post_id = json_integer_value(json_object_get(in, "post_id"));
	if ((s->start_min = hhmm(fk_json_str(in, "start"))) < 0)
		return fk_err_invalid(e, "start", "start: a time HH:MM");
	if ((s->end_min = hhmm(fk_json_str(in, "end"))) < 0)
		return fk_err_invalid(e, "end", "end: a time HH:MM (earlier than start: the next day)");
	if (s->end_min == s->start_min)
		return fk_err_invalid(e, "end", "end: not the same as start");
	return 0;
}

json_t *fk_mob_shift_create(fk_db *db, const fk_actor *who, const fk_mob_shift_in *s, fk_err *e)
{
	char region[16];
	if (fk_scope_load(db, who, FK_SCOPE_POST, s->post_id, "post_id", region, e) < 0)
		return NULL;
	int64_t midnight = fk_local_time(s->day, 0);
	int64_t start = midnight + (int64_t)s->start_min * 60;
	int64_t end = midnight + (int64_t)s->end_min * 60 + (s->end_min < s->start_min ? 86400 : 0);
	int64_t id = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO shifts (region, post_id, day, start_at, end_at, created_at)"
			" VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			"siiiii", region, s->post_id, s->day, start, end, fk_now()) != FK_ROW ||
	    fk_audit_record(db, who, "shift.create", "shift", id, region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_mob_shift_list, id, "shift", 0, e);
}

static const fk_column shift_cols[] = {
	{ "id", FK_C_INT },         { "region", FK_C_TEXT },   { "region_name", FK_C_TEXT },
	{ "post_id", FK_C_INT },    { "post_name", FK_C_TEXT }, { "post_kind", FK_C_TEXT },
	{ "risky", FK_C_BOOL },     { "date", FK_C_DATE },     { "start_at", FK_C_INT },
	{ "end_at", FK_C_INT },     { "required", FK_C_INT },  { "assigned", FK_C_INT },
	{ "on_duty", FK_C_INT },    { "certified_at", FK_C_INT },
	{ 0 },
};

static const fk_filter shift_filters[] = {
	{ "date", FK_F_DATE, "s.day = ?" },
	{ "post_id", FK_F_ID, "s.post_id = ?", .what = "a post id" },
	{ "short", FK_F_FLAG, "(s.assigned < p.required) = (? = 1)" },
	{ 0 },
};

const fk_list fk_mob_shift_list = {
	.select = "s.id, s.region, r.name, s.post_id, p.name, p.kind, p.risky, s.day, s.start_at, s.end_at,"
		  " p.required, s.assigned,"
		  " (SELECT count(*) FROM shift_people sp WHERE sp.shift_id = s.id AND sp.state = 'on_duty'),"
		  " s.certified_at"
		  " FROM shifts s JOIN posts p ON p.id = s.post_id JOIN regions r ON r.code = s.region",
	FK_LIST_REGION_ID("s"),
	.filters = shift_filters,
	.cols = shift_cols,
};

/* ---- putting people on shifts ---- */

const fk_field fk_assign_fields[] = {
	{ "volunteer_id", FK_FT_INT, true, 1, INT64_MAX },
	{ 0 },
};

int fk_assign_parse(const json_t *in, fk_assign_in *a, fk_err *e)
{
	if (fk_fields_check(in, fk_assign_fields, e) < 0)
		return -1;
	a->volunteer_id = json_integer_value(json_object_get(in, "volunteer_id"));
	return 0;
}

#define SPANS_MAX 64

json_t *fk_shift_assign(fk_db *db, const fk_actor *who, int64_t shift_id, const fk_assign_in *a, fk_err *e)
{
	char region[16], vregion[16];
	if (fk_scope_load(db, who, FK_SCOPE_SHIFT, shift_id, NULL, region, e) < 0 ||
	    fk_scope_load(db, who, FK_SCOPE_VOLUNTEER, a->volunteer_id, "volunteer_id", vregion, e) < 0)
		return NULL;
	fk_stmt *st;
	fk_mob_span add = { .id = shift_id };
	int64_t required = 0, assigned = 0, risky = 0;
	if (fk_db_query(db, &st,
			"SELECT s.start_at, s.end_at, s.day, p.required, s.assigned, p.risky, p.name FROM shifts s"
			" JOIN posts p ON p.id = s.post_id WHERE s.id = $1",
			"i", shift_id) < 0 ||
	    fk_stmt_step(st) != FK_ROW)
		goto internal;
	add.start = fk_stmt_int64(st, 0);
	add.end = fk_stmt_int64(st, 1);
	add.day = fk_stmt_int64(st, 2);
	required = fk_stmt_int64(st, 3);
	assigned = fk_stmt_int64(st, 4);
	risky = fk_stmt_int64(st, 5);
	fk_stmt_done(st);

	char state[16] = "", name[64] = "";
	int64_t insured = -1;
	if (fk_db_query(db, &st, "SELECT state, insured_until, name FROM volunteers WHERE id = $1", "i", a->volunteer_id) < 0 ||
	    fk_stmt_step(st) != FK_ROW)
		goto internal;
	snprintf(state, sizeof(state), "%s", fk_stmt_text(st, 0));
	if (!fk_stmt_is_null(st, 1))
		insured = fk_stmt_int64(st, 1);
	snprintf(name, sizeof(name), "%s", fk_stmt_text(st, 2));
	fk_stmt_done(st);

	if (strcmp(state, "active") != 0) {
		fk_err_conflict(e, "volunteer_id", "volunteer_id: %s is %s, not active", name, state);
		return NULL;
	}
	int64_t on = 0;
	if (fk_db_int64(db, &on, "SELECT count(*) FROM shift_people WHERE shift_id = $1 AND volunteer_id = $2", "ii",
			shift_id, a->volunteer_id) < 0)
		goto internal;
	if (on) {
		fk_err_conflict(e, "volunteer_id", "volunteer_id: %s is on this shift already", name);
		return NULL;
	}
	if (assigned >= required) {
		fk_err_conflict(e, "required", "required: the shift has its %lld people already", (long long)required);
		return NULL;
	}
	char day[11];
	fk_date_format(add.day, day);
	if (risky && insured < add.day) {
		char until[11] = "";
		if (insured >= 0) {
			fk_date_format(insured, until);
			fk_err_conflict(e, "insured_until", "insured_until: the post is risky and %s is insured only until %s, not on %s",
					name, until, day);
		} else {
			fk_err_conflict(e, "insured_until",
					"insured_until: the post is risky and %s has no accident insurance on record for %s", name, day);
		}
		return NULL;
	}
	/* the person's other shifts around that day */
	fk_mob_span have[SPANS_MAX];
	int n = 0;
	if (fk_db_query(db, &st,
			"SELECT start_at, end_at, day, shift_id FROM shift_people WHERE volunteer_id = $1 AND day >= $2"
			" AND day <= $3 ORDER BY start_at",
			"iii", a->volunteer_id, add.day - 1, add.day + 1) < 0)
		goto internal;
	while (n < SPANS_MAX && fk_stmt_step(st) == FK_ROW)
		have[n++] = (fk_mob_span){ fk_stmt_int64(st, 0), fk_stmt_int64(st, 1), fk_stmt_int64(st, 2),
					   fk_stmt_int64(st, 3) };
	fk_stmt_done(st);
	int which;
	switch (fk_mob_rule_check(have, n, add, fk_mob_hours_per_day, fk_mob_back_to_back, &which)) {
	case FK_MOB_OVERLAP:
		fk_err_conflict(e, "shift_id", "shift_id: overlaps shift %lld of %s", (long long)have[which].id, name);
		return NULL;
	case FK_MOB_HOURS:
		fk_err_conflict(e, "hours_per_day", "hours_per_day: %s would serve more than %d hours on %s", name,
				fk_mob_hours_per_day, day);
		return NULL;
	case FK_MOB_BACK_TO_BACK:
		fk_err_conflict(e, "back_to_back",
				"back_to_back: with shift %lld, %s would serve more than %d shifts in a row (less than an hour apart)",
				(long long)have[which].id, name, fk_mob_back_to_back);
		return NULL;
	case FK_MOB_OK:
		break;
	}
	int64_t id = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO shift_people (region, shift_id, volunteer_id, day, start_at, end_at, created_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			"siiiiii", region, shift_id, a->volunteer_id, add.day, add.start, add.end, fk_now()) != FK_ROW ||
	    fk_db_run(db, "UPDATE shifts SET assigned = assigned + 1 WHERE id = $1", "i", shift_id) < 0 ||
	    fk_audit_record(db, who, "shift.assign", "shift", shift_id, region,
			    json_pack("{s:I}", "volunteer_id", (json_int_t)a->volunteer_id)) < 0)
		goto internal;
	return fk_list_one(db, who, &fk_shift_person_list, id, "shift assignment", 0, e);
internal:
	fk_err_internal(e);
	return NULL;
}

/* ---- check-in, check-out, hours ---- */

const fk_field fk_clock_fields[] = {
	{ "at", FK_FT_INT, false, 1, INT64_MAX },
	{ 0 },
};

int fk_clock_parse(const json_t *in, fk_clock_in *c, fk_err *e)
{
	c->at = 0;
	if (in && fk_fields_check(in, fk_clock_fields, e) < 0)
		return -1;
	c->at = in ? json_integer_value(json_object_get(in, "at")) : 0;
	/* a phone that was offline sends its time later; never a future one */
	int64_t now = fk_now();
	if (c->at && c->at > now + FK_MOB_CLOCK_SKEW)
		return fk_err_invalid(e, "at", "at: in the future");
	if (c->at && c->at < now - 86400)
		return fk_err_invalid(e, "at", "at: more than 24 hours ago; ask the organiser for a correction");
	return 0;
}

/* One person's place on a shift, as the writes need it. */
typedef struct sp_row {
	char region[16], state[16];
	int64_t shift_id, volunteer_id, user_id, person_id, team_id, day, start, end, minutes;
} sp_row;

/* Loads shift_people id (scope checked: 404) into r; own: must be who's
 * own, or who an organiser (403 otherwise).  Returns 0 or -1. */
static int sp_load(fk_db *db, const fk_actor *who, int64_t id, bool own, sp_row *r, fk_err *e)
{
	if (fk_scope_load(db, who, FK_SCOPE_SHIFT_PERSON, id, NULL, r->region, e) < 0)
		return -1;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT sp.state, sp.shift_id, sp.volunteer_id, coalesce(v.user_id, 0), coalesce(v.person_id, 0),"
			" coalesce(p.team_id, 0), sp.day, sp.start_at, sp.end_at, sp.minutes"
			" FROM shift_people sp JOIN volunteers v ON v.id = sp.volunteer_id JOIN shifts s ON s.id = sp.shift_id"
			" JOIN posts p ON p.id = s.post_id WHERE sp.id = $1",
			"i", id) < 0 ||
	    fk_stmt_step(st) != FK_ROW)
		return fk_err_internal(e);
	snprintf(r->state, sizeof(r->state), "%s", fk_stmt_text(st, 0));
	r->shift_id = fk_stmt_int64(st, 1);
	r->volunteer_id = fk_stmt_int64(st, 2);
	r->user_id = fk_stmt_int64(st, 3);
	r->person_id = fk_stmt_int64(st, 4);
	r->team_id = fk_stmt_int64(st, 5);
	r->day = fk_stmt_int64(st, 6);
	r->start = fk_stmt_int64(st, 7);
	r->end = fk_stmt_int64(st, 8);
	r->minutes = fk_stmt_int64(st, 9);
	fk_stmt_done(st);
	/* an organiser may record for people without a phone */
	if (own && (r->user_id == 0 || r->user_id != who->user_id) && !fk_role_can(who->role, FK_PERM_MOBILISE_WRITE))
		return fk_err_forbidden(e, "these are someone else's hours: only their own person may do this");
	return 0;
}

/* Adds delta minutes (and served people-shifts) to the person, the team
 * and the region's day.  Returns 0 or -1. */
static int credit(fk_db *db, const sp_row *r, int64_t delta, int64_t served)
{
	if (delta == 0 && served == 0)
		return 0;
	if (fk_db_run(db, "UPDATE volunteers SET minutes = minutes + $1 WHERE id = $2", "ii", delta, r->volunteer_id) < 0 ||
	    (r->team_id && fk_db_run(db, "UPDATE teams SET minutes = minutes + $1 WHERE id = $2", "ii", delta, r->team_id) < 0))
		return -1;
	fk_rollup *acc = fk_rollup_new();
	int64_t d[2] = { delta, served };
	fk_rollup_add(acc, &service_daily, r->region, r->day, d);
	return fk_rollup_apply(db, acc);
}

/* The minutes the events of shift_people id give, within r's shift. */
static int64_t served_minutes(fk_db *db, int64_t id, const sp_row *r)
{
	fk_mob_event ev[256];
	int n = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT kind, at FROM checkins WHERE shift_person_id = $1 ORDER BY at, id", "i", id) < 0)
		return -1;
	while (n < 256 && fk_stmt_step(st) == FK_ROW) {
		ev[n].in = strcmp(fk_stmt_text(st, 0), "in") == 0;
		ev[n].at = fk_stmt_int64(st, 1);
		n++;
	}
	fk_stmt_done(st);
	return fk_mob_served(ev, n, r->start, r->end) / 60;
}

/* The last event of shift_people id: 1 in (at into *at), 0 out or none. */
static int last_event(fk_db *db, int64_t id, int64_t *at)
{
	fk_stmt *st;
	int in = 0;
	*at = 0;
	if (fk_db_query(db, &st, "SELECT kind, at FROM checkins WHERE shift_person_id = $1 ORDER BY at DESC, id DESC LIMIT 1",
			"i", id) < 0)
		return -1;
	if (fk_stmt_step(st) == FK_ROW) {
		in = strcmp(fk_stmt_text(st, 0), "in") == 0;
		*at = fk_stmt_int64(st, 1);
	}
	fk_stmt_done(st);
	return in;
}

/* Records an out at `at` and settles the minutes: state done, counts moved
 * by the difference.  Returns 0 or -1. */
static int close_at(fk_db *db, int64_t id, sp_row *r, int64_t at, bool automatic, int64_t user_id)
{
	if (fk_db_run(db, "INSERT INTO checkins (shift_person_id, kind, at, auto, user_id, created_at)"
			  " VALUES ($1, 'out', $2, $3, $4, $5)",
		      "iiiii", id, at, (int64_t)automatic, user_id, fk_now()) < 0)
		return -1;
	int64_t m = served_minutes(db, id, r);
	if (m < 0 ||
	    fk_db_run(db, "UPDATE shift_people SET state = 'done', minutes = $1, auto_closed = $2 WHERE id = $3", "iii", m,
		      (int64_t)automatic, id) < 0)
		return -1;
	/* a person counts once per shift, at their first check-out */
	int64_t served = strcmp(r->state, "done") != 0 && r->minutes == 0 ? 1 : 0;
	int rc = credit(db, r, m - r->minutes, served);
	r->minutes = m;
	return rc;
}

json_t *fk_shift_checkin(fk_db *db, const fk_actor *who, int64_t id, const fk_clock_in *c, fk_err *e)
{
	sp_row r;
	if (sp_load(db, who, id, true, &r, e) < 0)
		return NULL;
	int64_t at = c->at ? c->at : fk_now();
	if (at >= r.end) {
		fk_err_conflict(e, "at", "at: the shift is over");
		return NULL;
	}
	if (at < r.start - FK_MOB_EARLY_SECONDS) {
		fk_err_conflict(e, "at", "at: too early; check-in opens an hour before the shift");
		return NULL;
	}
	if (r.person_id) {
		int ab = fk_screening_abnormal_on(db, r.person_id, fk_day_of(at));
		if (ab < 0)
			goto internal;
		if (ab) {
			char d[11];
			fk_date_format(fk_day_of(at), d);
			fk_err_conflict(e, "screening",
					"screening: an abnormal finding was recorded for this person on %s; no duty while unwell", d);
			return NULL;
		}
	}
	if (fk_db_run(db, "INSERT INTO checkins (shift_person_id, kind, at, user_id, created_at) VALUES ($1, 'in', $2, $3, $4)",
		      "iiii", id, at, who->user_id, fk_now()) < 0 ||
	    fk_db_run(db, "UPDATE shift_people SET state = 'on_duty' WHERE id = $1", "i", id) < 0 ||
	    fk_audit_record(db, who, "shift.checkin", "shift_person", id, r.region, json_pack("{s:I}", "at", (json_int_t)at)) < 0)
		goto internal;
	return fk_list_one(db, who, &fk_shift_person_list, id, "shift assignment", 0, e);
internal:
	fk_err_internal(e);
	return NULL;
}

json_t *fk_shift_checkout(fk_db *db, const fk_actor *who, int64_t id, const fk_clock_in *c, fk_err *e)
{
	sp_row r;
	if (sp_load(db, who, id, true, &r, e) < 0)
		return NULL;
	int64_t at = c->at ? c->at : fk_now(), in_at;
	int open = last_event(db, id, &in_at);
	if (open < 0)
		goto internal;
	if (!open) {
		fk_err_invalid(e, "at", "at: a check-out needs a check-in before it (there is none open)");
		return NULL;
	}
	if (at < in_at) {
		fk_err_invalid(e, "at", "at: the check-out is before the check-in");
		return NULL;
	}
	if (close_at(db, id, &r, at, false, who->user_id) < 0 ||
	    fk_audit_record(db, who, "shift.checkout", "shift_person", id, r.region,
			    json_pack("{s:I, s:I}", "at", (json_int_t)at, "minutes", (json_int_t)r.minutes)) < 0)
		goto internal;
	return fk_list_one(db, who, &fk_shift_person_list, id, "shift assignment", 0, e);
internal:
	fk_err_internal(e);
	return NULL;
}

int fk_mob_close_forgotten(fk_db *db, int64_t now, int64_t *closed)
{
	int64_t ids[500];
	int n = 0;
	fk_stmt *st;
	if (closed)
		*closed = 0;
	if (fk_db_query(db, &st, "SELECT id FROM shift_people WHERE state = 'on_duty' AND end_at <= $1 LIMIT 500", "i",
			now) < 0)
		return -1;
	while (n < 500 && fk_stmt_step(st) == FK_ROW)
		ids[n++] = fk_stmt_int64(st, 0);
	fk_stmt_done(st);
	for (int i = 0; i < n; i++) {
		sp_row r;
		fk_err e = { 0 };
		if (sp_load(db, &fk_actor_cli, ids[i], false, &r, &e) < 0 || close_at(db, ids[i], &r, r.end, true, 0) < 0)
			return -1;
	}
	if (closed)
		*closed = n;
	return 0;
}

json_t *fk_shift_certify(fk_db *db, const fk_actor *who, int64_t shift_id, fk_err *e)
{
	char region[16];
	if (fk_scope_load(db, who, FK_SCOPE_SHIFT, shift_id, NULL, region, e) < 0)
		return NULL;
	int64_t on = 0;
	if (fk_db_int64(db, &on, "SELECT count(*) FROM shift_people WHERE shift_id = $1 AND state = 'on_duty'", "i",
			shift_id) < 0)
		goto internal;
	if (on) {
		fk_err_conflict(e, "state", "state: %lld still on duty; certify once they have checked out", (long long)on);
		return NULL;
	}
	if (fk_db_run(db, "UPDATE shift_people SET certified = 1 WHERE shift_id = $1 AND state = 'done' AND certified = 0",
		      "i", shift_id) < 0)
		goto internal;
	int64_t n = fk_db_changes(db);
	if (n == 0) {
		fk_err_conflict(e, "state", "state: no finished service on this shift is waiting to be certified");
		return NULL;
	}
	if (fk_db_run(db, "UPDATE shifts SET certified_by = $1, certified_at = $2 WHERE id = $3", "iii", who->user_id,
		      fk_now(), shift_id) < 0 ||
	    fk_audit_record(db, who, "shift.certify", "shift", shift_id, region, json_pack("{s:I}", "people", (json_int_t)n)) < 0)
		goto internal;
	json_t *s = fk_list_one(db, who, &fk_mob_shift_list, shift_id, "shift", 0, e);
	if (s)
		json_object_set_new(s, "certified", json_integer(n));
	return s;
internal:
	fk_err_internal(e);
	return NULL;
}

static const fk_column shift_person_cols[] = {
	{ "id", FK_C_INT },          { "region", FK_C_TEXT },       { "shift_id", FK_C_INT },
	{ "volunteer_id", FK_C_INT }, { "volunteer_name", FK_C_TEXT }, { "post_id", FK_C_INT },
	{ "post_name", FK_C_TEXT },  { "date", FK_C_DATE },         { "start_at", FK_C_INT },
	{ "end_at", FK_C_INT },      { "state", FK_C_TEXT },        { "minutes", FK_C_INT },
	{ "auto_closed", FK_C_BOOL }, { "certified", FK_C_BOOL },    { "checkins", FK_C_INT },
	{ 0 },
};

static const char *const sp_state_names[] = { "scheduled", "on_duty", "done", NULL };

static const fk_filter shift_person_filters[] = {
	{ "shift_id", FK_F_ID, "sp.shift_id = ?", .what = "a shift id" },
	{ "volunteer_id", FK_F_ID, "sp.volunteer_id = ?", .what = "a volunteer id" },
	{ "state", FK_F_ENUM, "sp.state = ?", .names = sp_state_names },
	{ "date", FK_F_DATE, "sp.day = ?" },
	{ 0 },
};

const fk_list fk_shift_person_list = {
	.select = "sp.id, sp.region, sp.shift_id, sp.volunteer_id, v.name, s.post_id, p.name, sp.day, sp.start_at,"
		  " sp.end_at, sp.state, sp.minutes, sp.auto_closed, sp.certified,"
		  " (SELECT count(*) FROM checkins c WHERE c.shift_person_id = sp.id AND c.kind = 'in')"
		  " FROM shift_people sp JOIN volunteers v ON v.id = sp.volunteer_id JOIN shifts s ON s.id = sp.shift_id"
		  " JOIN posts p ON p.id = s.post_id",
	FK_LIST_REGION_ID("sp"),
	.desc = true,
	.filters = shift_person_filters,
	.cols = shift_person_cols,
};

/* ---- corrections ---- */

const fk_field fk_correction_fields[] = {
	{ "minutes", FK_FT_INT, true, 0, 1440 },
	{ "reason", FK_FT_STRING, true, 2, 500 },
	{ 0 },
};

int fk_correction_parse(const json_t *in, fk_correction_in *c, fk_err *e)
{
	if (fk_fields_check(in, fk_correction_fields, e) < 0)
		return -1;
	c->minutes = json_integer_value(json_object_get(in, "minutes"));
	c->reason = fk_json_str(in, "reason");
	return 0;
}

json_t *fk_correction_request(fk_db *db, const fk_actor *who, int64_t shift_person_id, const fk_correction_in *c,
			      fk_err *e)
{
	sp_row r;
	if (sp_load(db, who, shift_person_id, true, &r, e) < 0)
		return NULL;
	if (strcmp(r.state, "done") != 0) {
		fk_err_conflict(e, "state", "state: hours can be corrected once the shift is checked out");
		return NULL;
	}
	if (c->minutes > (r.end - r.start) / 60) {
		fk_err_invalid(e, "minutes", "minutes: at most the shift's %lld minutes", (long long)((r.end - r.start) / 60));
		return NULL;
	}
	int64_t pending = 0, id = 0;
	if (fk_db_int64(db, &pending,
			"SELECT count(*) FROM hour_corrections WHERE shift_person_id = $1 AND state = 'pending'", "i",
			shift_person_id) < 0)
		goto internal;
	if (pending) {
		fk_err_conflict(e, "state", "state: a correction of these hours is waiting for an answer already");
		return NULL;
	}
	if (fk_db_int64(db, &id,
			"INSERT INTO hour_corrections (region, shift_person_id, minutes_before, minutes, reason,"
			" requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			"siiisii", r.region, shift_person_id, r.minutes, c->minutes, c->reason, who->user_id, fk_now()) != FK_ROW ||
	    fk_audit_record(db, who, "hours.correction", "correction", id, r.region,
			    json_pack("{s:I, s:I}", "from", (json_int_t)r.minutes, "to", (json_int_t)c->minutes)) < 0)
		goto internal;
	return fk_list_one(db, who, &fk_correction_list, id, "correction", 0, e);
internal:
	fk_err_internal(e);
	return NULL;
}

const fk_field fk_decide_fields[] = {
	{ "accept", FK_FT_BOOL, true },
	{ "answer", FK_FT_STRING, false, 0, 500 },
	{ 0 },
};

int fk_decide_parse(const json_t *in, fk_decide_in *d, fk_err *e)
{
	if (fk_fields_check(in, fk_decide_fields, e) < 0)
		return -1;
	d->accept = json_is_true(json_object_get(in, "accept"));
	d->answer = fk_json_str_or(in, "answer");
	if (!d->accept && !*d->answer)
		return fk_err_invalid(e, "answer", "answer: the reason is required to refuse");
	return 0;
}

json_t *fk_correction_decide(fk_db *db, const fk_actor *who, int64_t id, const fk_decide_in *d, fk_err *e)
{
	char region[16], state[16] = "";
	if (fk_scope_load(db, who, FK_SCOPE_CORRECTION, id, NULL, region, e) < 0)
		return NULL;
	fk_stmt *st;
	int64_t spid = 0, minutes = 0;
	if (fk_db_query(db, &st, "SELECT state, shift_person_id, minutes FROM hour_corrections WHERE id = $1", "i", id) < 0 ||
	    fk_stmt_step(st) != FK_ROW)
		goto internal;
	snprintf(state, sizeof(state), "%s", fk_stmt_text(st, 0));
	spid = fk_stmt_int64(st, 1);
	minutes = fk_stmt_int64(st, 2);
	fk_stmt_done(st);
	if (strcmp(state, "pending") != 0) {
		fk_err_conflict(e, "state", "correction %lld is %s already", (long long)id, state);
		return NULL;
	}
	if (d->accept) {
		sp_row r;
		if (sp_load(db, &fk_actor_cli, spid, false, &r, e) < 0 ||
		    fk_db_run(db, "UPDATE shift_people SET minutes = $1 WHERE id = $2", "ii", minutes, spid) < 0 ||
		    credit(db, &r, minutes - r.minutes, 0) < 0)
			goto internal;
	}
	if (fk_db_run(db, "UPDATE hour_corrections SET state = $1, answer = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
		      "ssiii", d->accept ? "accepted" : "refused", d->answer, who->user_id, fk_now(), id) < 0 ||
	    fk_audit_record(db, who, d->accept ? "hours.accept" : "hours.refuse", "correction", id, region,
			    json_pack("{s:s}", "answer", d->answer)) < 0)
		goto internal;
	return fk_list_one(db, who, &fk_correction_list, id, "correction", 0, e);
internal:
	fk_err_internal(e);
	return NULL;
}

static const fk_column correction_cols[] = {
	{ "id", FK_C_INT },            { "region", FK_C_TEXT },      { "shift_person_id", FK_C_INT },
	{ "volunteer_id", FK_C_INT },  { "volunteer_name", FK_C_TEXT }, { "post_name", FK_C_TEXT },
	{ "date", FK_C_DATE },         { "minutes_before", FK_C_INT }, { "minutes", FK_C_INT },
	{ "reason", FK_C_TEXT },       { "state", FK_C_TEXT },       { "answer", FK_C_TEXT },
	{ "decided_at", FK_C_INT },    { "created_at", FK_C_INT },
	{ 0 },
};

static const char *const correction_state_names[] = { "pending", "accepted", "refused", NULL };

static const fk_filter correction_filters[] = {
	{ "state", FK_F_ENUM, "c.state = ?", .names = correction_state_names },
	{ 0 },
};

const fk_list fk_correction_list = {
	.select = "c.id, c.region, c.shift_person_id, sp.volunteer_id, v.name, p.name, sp.day, c.minutes_before,"
		  " c.minutes, c.reason, c.state, c.answer, c.decided_at, c.created_at"
		  " FROM hour_corrections c JOIN shift_people sp ON sp.id = c.shift_person_id"
		  " JOIN volunteers v ON v.id = sp.volunteer_id JOIN shifts s ON s.id = sp.shift_id"
		  " JOIN posts p ON p.id = s.post_id",
	FK_LIST_REGION_ID("c"),
	.desc = true,
	.filters = correction_filters,
	.cols = correction_cols,
};
