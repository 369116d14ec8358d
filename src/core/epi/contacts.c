/* contacts.c - close contacts, observation, follow-ups (see contacts.h).
 * Expected load: hundreds of thousands of contacts per city, each with up
 * to 28 follow-ups; the worklist reads the active observations of a
 * community by index. */
#include "core/epi/contacts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/audit.h"
#include "core/base/scope.h"
#include "core/epi/cases.h"
#include "core/epi/chains.h"
#include "core/epi/sites.h"
#include "core/base/fields.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/rollup.h"
#include "core/grid/alerts.h"
#include "core/grid/registry.h"
#include "core/grid/screening.h"
#include "util/date.h"
#include "util/text.h"

int fk_observation_days = 14;

static const char *const settings[] = { "household", "work", "transport", "medical", "other", NULL };
static const char *const modes[] = { "home", "centralised", NULL };

const char *const *fk_contact_setting_names(void)
{
	return settings;
}

const char *const *fk_observation_mode_names(void)
{
	return modes;
}

static int index_of(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* The slot now: morning until noon, evening after. */
static const char *slot_now(void)
{
	return fk_slot_of(fk_now()) % 2 ? "pm" : "am";
}

/* Observations started and ended per region and day: a roll-up
 * (core/base/rollup.h) only this module adds to. */
static const fk_rollup_table observation_daily = { "observation_daily", 1, { "started", "ended" } };

static int obs_daily_add(fk_db *db, const char *grid, int64_t day, const char *column)
{
	return fk_rollup_apply_col(db, &observation_daily, grid, day, column, 1);
}

int64_t fk_observation_start(fk_db *db, int64_t person_id, const char *grid, const char *reason, int64_t contact_id,
			     int64_t case_id, const char *mode, int64_t site_id, int64_t start_day, int64_t end_day,
			     fk_err *e)
{
	int64_t today = start_day, now = fk_now(), id = 0, old_end = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, end_day FROM observations WHERE person_id = $1 AND state = 'active'", "i",
			person_id) < 0)
		return fk_err_internal(e);
	if (fk_stmt_step(st) == FK_ROW) {
		id = fk_stmt_int64(st, 0);
		old_end = fk_stmt_int64(st, 1);
	}
	fk_stmt_done(st);
	if (id) {
		/* a new exposure: the clock restarts from it */
		if (end_day > old_end &&
		    fk_db_run(db, "UPDATE observations SET end_day = $1 WHERE id = $2", "ii", end_day, id) < 0)
			return fk_err_internal(e);
		return id;
	}
	if (site_id && fk_site_take(db, site_id, e) < 0)
		return -1;
	fk_val v[] = {
		{ 'i', .i = person_id }, { 's', .p = grid }, { 's', .p = reason },
		{ contact_id ? 'i' : 'n', .i = contact_id }, { case_id ? 'i' : 'n', .i = case_id },
		{ 's', .p = mode }, { site_id ? 'i' : 'n', .i = site_id }, { 'i', .i = today },
		{ 'i', .i = end_day }, { 'i', .i = now },
	};
	if (fk_db_query_vals(db, &st,
			     "INSERT INTO observations (person_id, region, reason, contact_id, case_id, mode, site_id,"
			     " start_day, end_day, state, created_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10) RETURNING id",
			     v, 10) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW)
		id = fk_stmt_int64(st, 0);
	fk_stmt_done(st);
	if (rc != FK_ROW || obs_daily_add(db, grid, today, "started") < 0)
		return fk_err_internal(e);
	return id;
}

const fk_field fk_contact_fields[] = {
	{ "source_case_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "source_contact_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "person_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "person", FK_FT_OBJECT, false },
	{ "setting", FK_FT_STRING, true, 1, 16 },
	{ "first_exposure", FK_FT_STRING, true, 10, 10 },
	{ "last_exposure", FK_FT_STRING, true, 10, 10 },
	{ "traced_date", FK_FT_STRING, false, 10, 10 },
	{ "mode", FK_FT_STRING, false, 1, 16 },
	{ "site_id", FK_FT_INT, false, 1, INT64_MAX },
	{ 0 },
};

const fk_field fk_contact_person_fields[] = {
	{ "name", FK_FT_STRING, true, 1, 50 },
	{ "grid", FK_FT_STRING, true, 15, 15 },
	{ "building", FK_FT_STRING, false, 0, 50 },
	{ "unit", FK_FT_STRING, false, 0, 50 },
	{ "room", FK_FT_STRING, false, 0, 50 },
	{ "address", FK_FT_STRING, false, 0, 200 },
	{ "sex", FK_FT_STRING, false, 1, 1 },
	{ "doc_type", FK_FT_STRING, false, 1, 16 },
	{ "doc_number", FK_FT_STRING, false, 1, 40 },
	{ "phone", FK_FT_STRING, false, 1, 30 },
	{ "birth_year", FK_FT_INT, false, 1900, 2100 },
	{ 0 },
};

/* An error about the new person's fields names them "person.<field>".
 * Returns -1. */
static int person_field(fk_err *e)
{
	char f[sizeof(e->field)];
	snprintf(f, sizeof(f), "person.%s", e->field);
	snprintf(e->field, sizeof(e->field), "%s", f);
	return -1;
}

/* Parses the contact's person: person_id (a known one) or person (a new
 * one, its fields named "person.<field>"). */
static int contact_person_parse(const json_t *in, fk_contact_in *c, fk_err *e)
{
	json_t *pid = json_object_get(in, "person_id"), *pin = json_object_get(in, "person");
	if (json_is_integer(pid) == (pin != NULL))
		return fk_err_invalid(e, "person_id", "person_id: give person_id (a known person) or person (a new one)");
	if (pid) {
		c->person_id = json_integer_value(pid);
		return 0;
	}
	if (fk_fields_check(pin, fk_contact_person_fields, e) < 0)
		return person_field(e);
	/* the person's own fields, sharing pin's values: the parsed strings
	 * stay valid as long as in does */
	json_t *pj = json_object();
	const char *keys[] = { "name", "sex", "doc_type", "doc_number", "phone", "birth_year" };
	for (int i = 0; i < 6; i++)
		if (json_object_get(pin, keys[i]))
			json_object_set(pj, keys[i], json_object_get(pin, keys[i]));
	int rc = fk_person_parse(pj, false, &c->person, e);
	json_decref(pj);
	if (rc < 0)
		return person_field(e);
	c->grid = fk_json_str(pin, "grid");
	c->building = fk_json_str_or(pin, "building");
	c->unit = fk_json_str_or(pin, "unit");
	c->room = fk_json_str_or(pin, "room");
	c->address = fk_json_str_or(pin, "address");
	if (!*c->address && !*c->building && !*c->room)
		return fk_err_invalid(e, "person.address", "person.address: give the address, or the building and room");
	return 0;
}

/* Finds or creates the contact's person; their grid into grid. */
static int64_t contact_person(fk_db *db, const fk_actor *who, const fk_contact_in *c, char grid[16], fk_err *e)
{
	if (c->person_id) {
		if (fk_scope_load(db, who, FK_SCOPE_PERSON, c->person_id, "person_id", grid, e) < 0)
			return -1;
		return c->person_id;
	}
	fk_person_in p = c->person;
	const char *g = c->grid;
	int64_t id = -1;
	if (fk_scope_grid(db, who, g, "person.grid", e) < 0)
		return -1;
	bool created;
	int64_t hid = fk_household_ensure(db, g, c->building, c->unit, c->room, c->address, &created, e);
	if (hid < 0)
		return -1;
	p.household_id = hid;
	p.given |= FK_PF_HOUSEHOLD;
	char old[16];
	/* A document number registered already in scope links to that person;
	 * registered elsewhere it is refused, saying nothing of where. */
	int rc = fk_person_upsert(db, who, &p, g, &id, old, e);
	if (rc < 0) {
		if (e->field[0])
			person_field(e);
		return -1;
	}
	fk_rollup *acc = fk_rollup_new();
	if (created)
		fk_stats_add(acc, g, 1, 0);
	if (rc == FK_UPSERT_CREATED)
		fk_stats_add(acc, g, 0, 1);
	if (fk_rollup_apply(db, acc) < 0)
		return fk_err_internal(e);
	snprintf(grid, 16, "%s", rc == FK_UPSERT_CREATED ? g : old);
	return id;
}

int fk_contact_parse(const json_t *in, fk_contact_in *c, fk_err *e)
{
	memset(c, 0, sizeof(*c));
	if (fk_fields_check(in, fk_contact_fields, e) < 0)
		return -1;
	const char *setting = fk_json_str(in, "setting"), *mode = fk_json_str(in, "mode");
	if (index_of(settings, setting) < 0)
		return fk_err_invalid(e, "setting", "setting: household, work, transport, medical or other");
	if (!mode)
		mode = "home";
	if (index_of(modes, mode) < 0)
		return fk_err_invalid(e, "mode", "mode: home or centralised");
	json_t *site = json_object_get(in, "site_id");
	if ((strcmp(mode, "centralised") == 0) != (site != NULL))
		return fk_err_invalid(e, "site_id", "site_id: needed for centralised observation, and only then");
	int64_t first, last, today = fk_today();
	/* a contact is traced for an exposure of the current response: within
	 * the last year (no exposure in 1900), never in the future */
	if (fk_date_parse(fk_json_str(in, "first_exposure"), &first) < 0 || first > today ||
	    first < today - FK_EXPOSURE_MAX_DAYS)
		return fk_err_invalid(e, "first_exposure",
				      "first_exposure: a date YYYY-MM-DD within the last %d days, not in the future",
				      FK_EXPOSURE_MAX_DAYS);
	if (fk_date_parse(fk_json_str(in, "last_exposure"), &last) < 0 || last > today || last < first)
		return fk_err_invalid(e, "last_exposure", "last_exposure: a date YYYY-MM-DD from first_exposure to today");
	int64_t traced = today;
	const char *td = fk_json_str(in, "traced_date");
	if (td && (fk_date_parse(td, &traced) < 0 || traced > today || traced < first))
		return fk_err_invalid(e, "traced_date", "traced_date: a date YYYY-MM-DD from first_exposure to today");
	json_t *sc = json_object_get(in, "source_case_id"), *sk = json_object_get(in, "source_contact_id");
	if ((sc != NULL) == (sk != NULL))
		return fk_err_invalid(e, "source_case_id",
				      "source_case_id: give the case (or, from edition 7, the contact) exposed to");
	if (sk && fk_protocol_edition < 7)
		return fk_err_invalid(e, "source_contact_id",
				      "source_contact_id: contacts of contacts are traced from edition 7 (this is %d)",
				      fk_protocol_edition);
	c->setting = setting;
	c->mode = mode;
	c->site_id = site ? json_integer_value(site) : 0;
	c->first = first;
	c->last = last;
	c->traced = traced;
	c->source_case = sc ? json_integer_value(sc) : 0;
	c->source_contact = sk ? json_integer_value(sk) : 0;
	return contact_person_parse(in, c, e);
}

json_t *fk_contact_create(fk_db *db, const fk_actor *who, const fk_contact_in *c, fk_err *e)
{
	const char *setting = c->setting, *mode = c->mode;
	int64_t first = c->first, last = c->last, traced = c->traced, site = c->site_id;
	bool sc = c->source_case != 0, sk = c->source_contact != 0;
	char site_region[16];
	if (site && fk_scope_load(db, who, FK_SCOPE_SITE, site, "site_id", site_region, e) < 0)
		return NULL;
	char warning[160] = "";
	int64_t source_case = 0, source_contact = 0;
	if (sc) {
		char cr[16];
		source_case = c->source_case;
		if (fk_scope_load(db, who, FK_SCOPE_CASE, source_case, "source_case_id", cr, e) < 0)
			return NULL;
		/* The window: edition 5 counts from 2 days before the source's
		 * onset (before sampling for an asymptomatic source); edition 2
		 * only after the onset. */
		int64_t from = -1;
		if (fk_db_int64(db, &from, "SELECT coalesce(onset_day, sampling_day, -1) FROM cases WHERE id = $1", "i",
				source_case) < 0)
			goto internal;
		if (from >= 0) {
			if (fk_protocol_edition >= 5)
				from -= 2;
			if (last < from) {
				char d[11];
				fk_date_format(from, d);
				snprintf(warning, sizeof(warning),
					 "the last exposure is before the protocol's window (from %s); recorded anyway", d);
			}
		}
	} else {
		source_contact = c->source_contact;
		char cr[16];
		if (fk_scope_load(db, who, FK_SCOPE_CONTACT, source_contact, "source_contact_id", cr, e) < 0)
			return NULL;
	}
	char grid[16];
	int64_t pid = contact_person(db, who, c, grid, e);
	if (pid < 0)
		return NULL;
	int64_t now = fk_now(), id = 0;
	fk_val v[] = {
		{ 'i', .i = pid }, { 's', .p = grid }, { sc ? 'i' : 'n', .i = source_case },
		{ sk ? 'i' : 'n', .i = source_contact }, { 's', .p = setting }, { 'i', .i = first },
		{ 'i', .i = last }, { 's', .p = warning }, { 'i', .i = fk_protocol_edition },
		{ 'i', .i = who->user_id }, { 'i', .i = now },
	};
	fk_stmt *st;
	if (fk_db_query_vals(db, &st,
			     "INSERT INTO contacts (person_id, region, source_case, source_contact, setting, first_exposure,"
			     " last_exposure, warning, edition, created_by, created_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
			     v, 11) < 0)
		goto internal;
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW)
		id = fk_stmt_int64(st, 0);
	fk_stmt_done(st);
	if (rc != FK_ROW)
		goto internal;
	if (fk_chains_contact(db, id) < 0)
		goto internal;
	/* A person who is a case already is treated or isolated as one: the
	 * contact is recorded (it is a link of the chain), observation is not. */
	int64_t as_case = 0, obs = 0;
	if (fk_db_int64(db, &as_case,
			"SELECT id FROM cases WHERE person_id = $1 AND category <> 'excluded' AND outcome <> 'discharged'",
			"i", pid) < 0)
		goto internal;
	if (!as_case) {
		obs = fk_observation_start(db, pid, grid, "contact", id, 0, mode, site,
					   traced, last + fk_observation_days, e);
		if (obs < 0)
			return NULL;
	}
	char obj[48];
	snprintf(obj, sizeof(obj), "contact:%lld", (long long)id);
	json_t *d = json_pack("{s:I, s:I, s:s}", "source_case", (json_int_t)source_case, "source_contact",
			      (json_int_t)source_contact, "setting", setting);
	rc = fk_audit_append(db, who, "contact.create", obj, grid, d);
	json_decref(d);
	if (rc < 0)
		goto internal;
	char fd[11], ld[11], ed[11];
	fk_date_format(first, fd);
	fk_date_format(last, ld);
	fk_date_format(last + fk_observation_days, ed);
	return json_pack("{s:I, s:I, s:s, s:o?, s:o?, s:s, s:s, s:s, s:s, s:o?, s:o?, s:o?}", "id", (json_int_t)id,
			 "person_id", (json_int_t)pid, "region", grid, "source_case_id",
			 sc ? json_integer(source_case) : NULL, "source_contact_id", sk ? json_integer(source_contact) : NULL,
			 "setting", setting, "first_exposure", fd, "last_exposure", ld, "warning", warning,
			 "observation_id", obs ? json_integer(obs) : NULL, "observation_end", obs ? json_string(ed) : NULL,
			 "case_id", as_case ? json_integer(as_case) : NULL);
internal:
	fk_err_internal(e);
	return NULL;
}

/* case_id: a case in scope, whose contacts may live anywhere */
static int contact_case_check(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	json_t *c = fk_case_get(q->db, q->who, strtoll(value, NULL, 10), e);
	json_decref(c);
	return c ? 0 : -1;
}

static const fk_column contact_cols[] = {
	{ "id", FK_C_INT },	       { "person_id", FK_C_INT },	   { "person_name", FK_C_TEXT },
	{ "region", FK_C_TEXT },	       { "source_case_id", FK_C_INT },      { "source_contact_id", FK_C_INT },
	{ "setting", FK_C_TEXT },	       { "first_exposure", FK_C_DATE },     { "last_exposure", FK_C_DATE },
	{ "warning", FK_C_TEXT },	       { "observation_id", FK_C_INT },      { "observation_state", FK_C_TEXT },
	{ "observation_end", FK_C_DATE },   { "case_id", FK_C_INT },	   { 0 },
};

static const fk_filter contact_filters[] = {
	{ "case_id", FK_F_ID, "k.source_case = ?", .what = "a case id", .opt = FK_FO_ANYWHERE | FK_FO_AUDIT_ID,
	  .fn = contact_case_check },
	{ 0 },
};

const fk_list fk_contact_list = {
	.select = "k.id, k.person_id, p.name, k.region, k.source_case, k.source_contact, k.setting,"
		  " k.first_exposure, k.last_exposure, k.warning, o.id, o.state, o.end_day, c.id"
		  " FROM contacts k JOIN persons p ON p.id = k.person_id"
		  " LEFT JOIN observations o ON o.contact_id = k.id LEFT JOIN cases c ON c.person_id = k.person_id",
	FK_LIST_REGION_ID("k"),
	.filters = contact_filters,
	.cols = contact_cols,
	.audit = { "contact.search", "contacts", .at_home = true },
};

static const fk_column obs_cols[] = {
	{ "id", FK_C_INT },	       { "person_id", FK_C_INT },  { "person_name", FK_C_TEXT },
	{ "region", FK_C_TEXT },       { "reason", FK_C_TEXT },    { "contact_id", FK_C_INT },
	{ "case_id", FK_C_INT },       { "mode", FK_C_TEXT },      { "site_id", FK_C_INT },
	{ "start_date", FK_C_DATE },   { "end_date", FK_C_DATE },  { "state", FK_C_TEXT },
	{ "followups", FK_C_INT },     { "symptomatic", FK_C_INT }, { "due", FK_C_BOOL },
	{ "created_at", FK_C_INT },    { 0 },
};

/* The columns of obs_cols; the ? are today and the current slot. */
#define OBS_COLS                                                                                            \
	"o.id, o.person_id, p.name, o.region, o.reason, o.contact_id, o.case_id, o.mode, o.site_id,"         \
	" o.start_day, o.end_day, o.state,"                                                                   \
	" (SELECT count(*) FROM followups f WHERE f.observation_id = o.id),"                                  \
	" (SELECT count(*) FROM followups f WHERE f.observation_id = o.id AND f.symptomatic = 1),"           \
	" o.state = 'active' AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.observation_id = o.id"        \
	" AND f.day = ? AND f.slot = ?), o.created_at"                                                        \
	" FROM observations o JOIN persons p ON p.id = o.person_id"

static void obs_args(fk_val v[4])
{
	v[0] = (fk_val){ 'i', .i = fk_today() };
	v[1] = (fk_val){ 's', .p = slot_now() };
}

static const char *const obs_states[] = { "active", "released", "converted", NULL };

static const fk_filter obs_filters[] = {
	{ "state", FK_F_ENUM, "o.state = ?", .names = obs_states },
	{ 0 },
};

/* What the observation list and the worklist's share: columns, scope, key. */
#define OBS_LIST                                                                                              \
	.select = OBS_COLS, .select_args = obs_args, .region = "region", .scope = "o.region", .key = FK_KEY_ID, \
	.id = "o.id", .cols = obs_cols

const fk_list fk_observation_list = { OBS_LIST, .filters = obs_filters };

/* pending: only those with something to do now (the current slot's
 * follow-up, a release, a symptomatic follow-up to act on, a missed
 * follow-up of any earlier slot whose alert is still open). */
static int obs_pending(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	fk_val v[3] = { { 'i', .i = fk_today() }, { 'i', .i = fk_today() }, { 's', .p = slot_now() } };
	fk_list_where(q, f->where, v);
	return 0;
}

static const fk_filter due_filters[] = {
	{ "state", FK_F_ENUM, "o.state = ?", .names = obs_states },
	{ "pending", FK_F_CUSTOM,
	  "(o.end_day < ? OR NOT EXISTS (SELECT 1 FROM followups f WHERE f.observation_id = o.id"
	  " AND f.day = ? AND f.slot = ?)"
	  " OR EXISTS (SELECT 1 FROM followups f WHERE f.observation_id = o.id AND f.symptomatic = 1)"
	  " OR EXISTS (SELECT 1 FROM alerts a WHERE a.state = 'open' AND a.kind = 'followup_missed'"
	  " AND a.observation_id = o.id))",
	  .fn = obs_pending },
	{ 0 },
};

/* The worklist's columns: the observation's, and what a doctor phoning
 * the person needs - the household's address and the phone, masked (the
 * number itself is a reveal: POST /persons/{id}/reveal). */
static const fk_column due_cols[] = {
	{ "id", FK_C_INT },	       { "person_id", FK_C_INT },  { "person_name", FK_C_TEXT },
	{ "region", FK_C_TEXT },       { "reason", FK_C_TEXT },    { "contact_id", FK_C_INT },
	{ "case_id", FK_C_INT },       { "mode", FK_C_TEXT },      { "site_id", FK_C_INT },
	{ "start_date", FK_C_DATE },   { "end_date", FK_C_DATE },  { "state", FK_C_TEXT },
	{ "followups", FK_C_INT },     { "symptomatic", FK_C_INT }, { "due", FK_C_BOOL },
	{ "created_at", FK_C_INT },    { "phone", FK_C_PHONE },    { "building", FK_C_TEXT },
	{ "unit", FK_C_TEXT },	       { "room", FK_C_TEXT },      { "address", FK_C_TEXT },
	{ 0 },
};

/* The active observations of the worklist: fk_observation_list, pending,
 * the person's phone (masked) and household. */
static const fk_list obs_due_list = {
	.select = "o.id, o.person_id, p.name, o.region, o.reason, o.contact_id, o.case_id, o.mode, o.site_id,"
		  " o.start_day, o.end_day, o.state,"
		  " (SELECT count(*) FROM followups f WHERE f.observation_id = o.id),"
		  " (SELECT count(*) FROM followups f WHERE f.observation_id = o.id AND f.symptomatic = 1),"
		  " o.state = 'active' AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.observation_id = o.id"
		  " AND f.day = ? AND f.slot = ?), o.created_at, p.phone_enc, h.building, h.unit, h.room, h.address"
		  " FROM observations o JOIN persons p ON p.id = o.person_id"
		  " LEFT JOIN households h ON h.id = p.household_id",
	.select_args = obs_args,
	FK_LIST_REGION_ID("o"),
	.cols = due_cols,
	.filters = due_filters,
};

/* The last 6 follow-ups (three days) of observation id, newest first:
 * [{date, slot, temperature (null: not measured), symptomatic}]. */
static json_t *due_readings(fk_db *db, int64_t id)
{
	fk_stmt *st;
	json_t *out = json_array();
	if (fk_db_query(db, &st,
			"SELECT day, slot, temp_dc, symptomatic FROM followups WHERE observation_id = $1"
			" ORDER BY day DESC, slot DESC LIMIT 6",
			"i", id) < 0)
		return out;
	while (fk_stmt_step(st) == FK_ROW) {
		char ds[11];
		fk_date_format(fk_stmt_int64(st, 0), ds);
		json_t *r = json_pack("{s:s, s:s, s:b}", "date", ds, "slot", fk_stmt_text(st, 1), "symptomatic",
				      fk_stmt_int64(st, 3) != 0);
		json_object_set_new(r, "temperature",
				    fk_stmt_is_null(st, 2) ? json_null() : json_real((double)fk_stmt_int64(st, 2) / 10.0));
		json_array_append_new(out, r);
	}
	fk_stmt_done(st);
	return out;
}

typedef struct due_in {
	const char *region;
	bool pending;
} due_in;

static const char *due_get(void *ctx, const char *name)
{
	const due_in *in = ctx;
	if (strcmp(name, "region") == 0)
		return in->region;
	if (strcmp(name, "state") == 0)
		return "active";
	return strcmp(name, "pending") == 0 && in->pending ? "1" : NULL;
}

json_t *fk_observation_due(fk_db *db, const fk_actor *who, const char *region, bool pending, const fk_page *page,
			   fk_err *e)
{
	due_in in = { region, pending };
	json_t *all = fk_list_run(db, who, &obs_due_list, due_get, &in, page, 0, e);
	if (!all)
		return NULL;
	/* the day and slot the worklist is counted by: the server's */
	char ds[11];
	fk_date_format(fk_today(), ds);
	json_object_set_new(all, "date", json_string(ds));
	json_object_set_new(all, "slot", json_string(slot_now()));
	/* Per row: what to do now, and the slots missed since the start. */
	int64_t today = fk_today();
	bool pm = strcmp(slot_now(), "pm") == 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(all, "items"), i, it) {
		int64_t start, end;
		fk_date_parse(fk_json_str_or(it, "start_date"), &start);
		fk_date_parse(fk_json_str_or(it, "end_date"), &end);
		/* slots from the one the observation began in, up to (not
		 * including) the current one */
		time_t created = (time_t)json_integer_value(json_object_get(it, "created_at"));
		struct tm tm;
		localtime_r(&created, &tm);
		int64_t first_slot = start * 2 + (tm.tm_hour >= 12 ? 1 : 0);
		int64_t slots_before_now = today * 2 + (pm ? 1 : 0) - first_slot;
		int64_t done = json_integer_value(json_object_get(it, "followups"));
		bool due = json_is_true(json_object_get(it, "due"));
		/* follow-ups done in the current slot do not count against the past */
		int64_t missed = slots_before_now - (done - (due ? 0 : 1));
		json_object_set_new(it, "missed", json_integer(missed > 0 ? missed : 0));
		json_object_set_new(it, "release",
				    json_boolean(today > end && json_integer_value(json_object_get(it, "symptomatic")) == 0));
		json_object_set_new(it, "readings", due_readings(db, json_integer_value(json_object_get(it, "id"))));
	}
	return all;
}

const fk_field fk_followup_fields[] = {
	{ "date", FK_FT_STRING, false, 10, 10 },
	{ "slot", FK_FT_STRING, false, 2, 2 },
	{ "temperature", FK_FT_NUMBER, false },
	{ "temperature_measured", FK_FT_BOOL, false },
	{ "symptoms", FK_FT_ARRAY, false, 0, 5 },
	{ "note", FK_FT_STRING, false, 0, 500 },
	{ "uuid", FK_FT_STRING, false, 36, 36 },
	{ 0 },
};

/* The answer to a follow-up: the same content when it is sent again; one
 * sent with a uuid also says its uuid and result (created or replayed). */
static json_t *followup_answer(int64_t obs_id, int64_t day, const char *slot, bool symptomatic, const char *uuid,
			       const char *result)
{
	char ds[11];
	fk_date_format(day, ds);
	/* symptomatic: the doctor is offered the one-step conversion */
	json_t *a = json_pack("{s:I, s:s, s:s, s:b, s:b}", "observation_id", (json_int_t)obs_id, "date", ds, "slot",
			      slot, "symptomatic", symptomatic, "convert_suggested", symptomatic);
	if (uuid)
		json_object_update_new(a, json_pack("{s:s, s:s}", "uuid", uuid, "result", result));
	return a;
}

/* A follow-up whose uuid is stored already: the same content (observation,
 * temperature, symptoms, note; date and slot when given) is a replay,
 * answered as the first time; other content is a conflict.  Returns 1 with
 * *out set, 0 when the uuid is new, -1 with e set. */
static int followup_replay(fk_db *db, int64_t obs_id, const fk_followup_in *f, json_t **out, fk_err *e)
{
	const char *uuid = f->uuid;
	bool has_t = f->measured;
	int64_t dc = f->temp_dc, sym = f->symptoms;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT observation_id, day, slot, temp_dc, symptoms, note, symptomatic FROM followups"
			" WHERE uuid = $1",
			"s", uuid) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc != FK_ROW) {
		fk_stmt_done(st);
		return rc < 0 ? fk_err_internal(e) : 0;
	}
	int64_t day = fk_stmt_int64(st, 1);
	char slot[4];
	snprintf(slot, sizeof(slot), "%s", fk_stmt_text(st, 2));
	bool same = fk_stmt_int64(st, 0) == obs_id && fk_stmt_is_null(st, 3) == !has_t &&
		    (!has_t || fk_stmt_int64(st, 3) == dc) && fk_stmt_int64(st, 4) == sym &&
		    strcmp(fk_stmt_text(st, 5), f->note) == 0 && (!f->date_given || f->day == day) &&
		    (!f->slot_given || strcmp(f->slot, slot) == 0);
	bool symptomatic = fk_stmt_int64(st, 6) != 0;
	fk_stmt_done(st);
	if (!same)
		return fk_err_conflict(e, "uuid", "uuid: already used for a different follow-up");
	*out = followup_answer(obs_id, day, slot, symptomatic, uuid, "replayed");
	return 1;
}

/* A follow-up's temperature is measured or said not to be: nothing stands
 * in for a measurement nobody took.  Returns 0 or -1 with e naming the field. */
static int followup_temp_check(const json_t *in, fk_err *e)
{
	json_t *t = json_object_get(in, "temperature");
	json_t *m = json_object_get(in, "temperature_measured");
	if (t && json_is_false(m))
		return fk_err_invalid(e, "temperature_measured",
				      "temperature_measured: false, but a temperature is given");
	if (t && (json_number_value(t) < 35.0 || json_number_value(t) > 42.0))
		return fk_err_invalid(e, "temperature", "temperature: 35.0 to 42.0 °C");
	if (!t && !json_is_false(m))
		return fk_err_invalid(e, "temperature",
				      "temperature: required, or \"temperature_measured\": false when not measured");
	return 0;
}

/* An observation in scope: its person, grid, state and dates. */
typedef struct obs_row {
	int64_t person_id, start, end, case_id;
	char grid[16], state[16], mode[16];
	int64_t site_id;
} obs_row;

static int obs_find(fk_db *db, const fk_actor *who, int64_t id, obs_row *o, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT person_id, region, state, start_day, end_day, mode, coalesce(site_id, 0),"
			" coalesce(case_id, 0) FROM observations WHERE id = $1",
			"i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		o->person_id = fk_stmt_int64(st, 0);
		snprintf(o->grid, sizeof(o->grid), "%s", fk_stmt_text(st, 1));
		snprintf(o->state, sizeof(o->state), "%s", fk_stmt_text(st, 2));
		o->start = fk_stmt_int64(st, 3);
		o->end = fk_stmt_int64(st, 4);
		snprintf(o->mode, sizeof(o->mode), "%s", fk_stmt_text(st, 5));
		o->site_id = fk_stmt_int64(st, 6);
		o->case_id = fk_stmt_int64(st, 7);
	}
	fk_stmt_done(st);
	char what[48];
	snprintf(what, sizeof(what), "observation %lld", (long long)id);
	return fk_scope_row(who, rc == FK_ROW ? o->grid : NULL, what, e);
}

int fk_followup_parse(const json_t *in, fk_followup_in *f, fk_err *e)
{
	memset(f, 0, sizeof(*f));
	if (fk_fields_check(in, fk_followup_fields, e) < 0)
		return -1;
	const char *slot = fk_json_str(in, "slot");
	f->slot_given = slot != NULL;
	if (!slot)
		slot = slot_now();
	if (strcmp(slot, "am") && strcmp(slot, "pm"))
		return fk_err_invalid(e, "slot", "slot: am or pm");
	if (json_object_get(in, "symptoms") &&
	    fk_bits_from_json(json_object_get(in, "symptoms"), fk_symptom_names, "symptoms", &f->symptoms, e) < 0)
		return -1;
	if (followup_temp_check(in, e) < 0)
		return -1;
	int64_t today = fk_today();
	f->day = today;
	const char *ds_in = fk_json_str(in, "date");
	f->date_given = ds_in != NULL;
	if (ds_in && (fk_date_parse(ds_in, &f->day) < 0 || f->day > today))
		return fk_err_invalid(e, "date", "date: a day of the observation, not in the future");
	json_t *t = json_object_get(in, "temperature");
	f->measured = t != NULL;
	f->temp_dc = t ? (int64_t)lround(json_number_value(t) * 10.0) : 0;
	f->slot = slot;
	f->note = fk_json_str_or(in, "note");
	f->uuid = fk_json_str(in, "uuid");
	if (f->uuid && !fk_uuid_ok(f->uuid))
		return fk_err_invalid(e, "uuid", "uuid: not a UUID (8-4-4-4-12 hex digits)");
	return 0;
}

json_t *fk_followup_add(fk_db *db, const fk_actor *who, int64_t obs_id, const fk_followup_in *f, fk_err *e)
{
	const char *slot = f->slot;
	int64_t sym = f->symptoms, today = f->day;
	const char *uuid = f->uuid;
	obs_row o;
	if (obs_find(db, who, obs_id, &o, e) < 0)
		return NULL;
	/* sent again from a phone's queue: answered before the observation's
	 * state is looked at (it may have ended since the first time) */
	json_t *replayed = NULL;
	int rp = uuid ? followup_replay(db, obs_id, f, &replayed, e) : 0;
	if (rp != 0)
		return rp > 0 ? replayed : NULL;
	if (strcmp(o.state, "active") != 0) {
		fk_err_conflict(e, "observation", "the observation is %s: no more follow-ups", o.state);
		return NULL;
	}
	if (today < o.start) {
		fk_err_invalid(e, "date", "date: a day of the observation, not in the future");
		return NULL;
	}
	int64_t dc = f->temp_dc, now = fk_now();
	bool symptomatic = (f->measured && dc >= FK_FEVER_DC) || sym;
	fk_val v[] = {
		{ 'i', .i = obs_id }, { 'i', .i = today },	  { 's', .p = slot }, { f->measured ? 'i' : 'n', .i = dc },
		{ 'i', .i = sym },    { 's', .p = f->note }, { 'i', .i = symptomatic },
		{ 'i', .i = who->user_id }, { 'i', .i = now }, { uuid ? 's' : 'n', .p = uuid },
	};
	int rc = fk_db_run_vals(db,
				"INSERT INTO followups (observation_id, day, slot, temp_dc, symptoms, note, symptomatic,"
				" user_id, at, uuid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
				v, 10);
	if (rc == FK_DB_CONSTRAINT) {
		fk_err_conflict(e, "slot", "slot: the %s follow-up of today is recorded already", slot);
		return NULL;
	}
	if (rc < 0) {
		fk_err_internal(e);
		return NULL;
	}
	/* a follow-up entered late (from paper) settles the slot's missed alert */
	if (fk_alert_settle_followup(db, who->user_id, obs_id, today, slot, now) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	char obj[48];
	snprintf(obj, sizeof(obj), "observation:%lld", (long long)obs_id);
	json_t *d = json_pack("{s:s, s:b}", "slot", slot, "symptomatic", symptomatic);
	rc = fk_audit_append(db, who, "followup.record", obj, o.grid, d);
	json_decref(d);
	if (rc < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return followup_answer(obs_id, today, slot, symptomatic, uuid, "created");
}

int fk_followup_sweep(fk_db *db, int64_t day, int pm, int64_t *raised)
{
	/* Owed: observations still active when the slot ended (an observation
	 * released since, while the server was down, owed it too), begun by
	 * that day and entered before the slot ended (a backdated entry owes
	 * nothing for slots that had passed when it was made), still running
	 * that day.  Instances sharing a database sweep one at a time; the
	 * alerts' unique key makes a second sweep of a slot raise nothing. */
	*raised = 0;
	int mine = fk_db_duty_lock(db, 7236314);
	if (mine <= 0)
		return mine < 0 ? -1 : 0;
	return fk_alert_raise_missed(db, day, pm, fk_local_time(day, pm ? 24 : 12), fk_now(), raised);
}

/* Ends an active observation as released or converted. */
static int obs_end(fk_db *db, const fk_actor *who, int64_t id, const obs_row *o, const char *state, fk_err *e)
{
	int64_t now = fk_now();
	if (fk_db_run(db, "UPDATE observations SET state = $1, closed_by = $2, closed_at = $3 WHERE id = $4", "siii",
		      state, who->user_id, now, id) < 0 ||
	    (o->site_id && fk_site_move(db, o->site_id, -1) < 0) ||
	    obs_daily_add(db, o->grid, fk_today(), "ended") < 0)
		return fk_err_internal(e);
	return 0;
}

int fk_observation_close_for_case(fk_db *db, const fk_actor *who, int64_t person_id, int64_t case_id, fk_err *e)
{
	int64_t id = 0;
	if (fk_db_int64(db, &id, "SELECT id FROM observations WHERE person_id = $1 AND state = 'active'", "i",
			person_id) < 0)
		return fk_err_internal(e);
	if (!id)
		return 0;
	obs_row o;
	if (obs_find(db, &fk_actor_cli, id, &o, e) < 0 || obs_end(db, who, id, &o, "converted", e) < 0)
		return -1;
	if (fk_db_run(db, "UPDATE observations SET case_id = $1 WHERE id = $2", "ii", case_id, id) < 0)
		return fk_err_internal(e);
	return 0;
}

int fk_observation_resume_for_case(fk_db *db, const fk_actor *who, int64_t case_id, fk_err *e)
{
	int64_t id = 0;
	if (fk_db_int64(db, &id,
			"SELECT id FROM observations WHERE case_id = $1 AND state = 'converted' AND end_day >= $2"
			" AND reason = 'contact' ORDER BY id DESC LIMIT 1",
			"ii", case_id, fk_today()) < 0)
		return fk_err_internal(e);
	if (!id)
		return 0;
	obs_row o;
	/* not while another observation of the person runs (a later exposure) */
	int64_t other = 0;
	if (obs_find(db, &fk_actor_cli, id, &o, e) < 0 ||
	    fk_db_int64(db, &other, "SELECT count(*) FROM observations WHERE person_id = $1 AND state = 'active'", "i",
			o.person_id) < 0)
		return -1;
	if (other)
		return 0;
	if (fk_db_run(db, "UPDATE observations SET state = 'active', closed_by = NULL, closed_at = NULL WHERE id = $1",
		      "i", id) < 0 ||
	    (o.site_id && fk_site_move(db, o.site_id, 1) < 0) ||
	    obs_daily_add(db, o.grid, fk_today(), "started") < 0)
		return fk_err_internal(e);
	char obj[48];
	snprintf(obj, sizeof(obj), "observation:%lld", (long long)id);
	return fk_audit_append(db, who, "observation.resume", obj, o.grid, NULL) < 0 ? fk_err_internal(e) : 0;
}

const fk_field fk_release_fields[] = { { "note", FK_FT_STRING, false, 0, 500 }, { 0 } };

int fk_release_parse(const json_t *in, fk_release_in *r, fk_err *e)
{
	memset(r, 0, sizeof(*r));
	if (fk_fields_check(in, fk_release_fields, e) < 0)
		return -1;
	r->note = fk_json_str(in, "note");
	return 0;
}

json_t *fk_observation_release(fk_db *db, const fk_actor *who, int64_t obs_id, const fk_release_in *r, fk_err *e)
{
	(void)r; /* the note is not kept */
	obs_row o;
	if (obs_find(db, who, obs_id, &o, e) < 0)
		return NULL;
	int64_t today = fk_today(), n = 0;
	if (strcmp(o.state, "active") != 0) {
		fk_err_conflict(e, "observation", "the observation is %s already", o.state);
		return NULL;
	}
	if (today <= o.end) {
		char d[11];
		fk_date_format(o.end, d);
		fk_err_conflict(e, "observation", "the observation runs until %s", d);
		return NULL;
	}
	if (fk_db_int64(db, &n, "SELECT count(*) FROM followups WHERE observation_id = $1 AND symptomatic = 1"
				" AND day > $2",
			"ii", obs_id, today - 14) < 0)
		goto internal;
	if (n) {
		fk_err_conflict(e, "observation", "symptoms in the last 14 days: see a doctor, do not release");
		return NULL;
	}
	if (obs_end(db, who, obs_id, &o, "released", e) < 0)
		return NULL;
	char obj[48];
	snprintf(obj, sizeof(obj), "observation:%lld", (long long)obs_id);
	if (fk_audit_append(db, who, "observation.release", obj, o.grid, NULL) < 0)
		goto internal;
	return json_pack("{s:I, s:s}", "id", (json_int_t)obs_id, "state", "released");
internal:
	fk_err_internal(e);
	return NULL;
}

const fk_field fk_convert_fields[] = {
	{ "reporting_unit", FK_FT_STRING, true, 1, 100 },
	{ "place", FK_FT_STRING, true, 1, 32 },
	{ "reason", FK_FT_STRING, false, 0, 200 },
	{ 0 },
};

int fk_convert_parse(const json_t *in, fk_convert_in *c, fk_err *e)
{
	memset(c, 0, sizeof(*c));
	if (fk_fields_check(in, fk_convert_fields, e) < 0)
		return -1;
	c->reporting_unit = fk_json_str(in, "reporting_unit");
	c->place = fk_json_str(in, "place");
	c->reason = fk_json_str(in, "reason");
	if (index_of(fk_case_place_names(), c->place) < 0)
		return fk_err_invalid(e, "place",
				      "place: designated_hospital, temporary_hospital, centralised_site or home");
	return 0;
}

json_t *fk_observation_convert(fk_db *db, const fk_actor *who, int64_t obs_id, const fk_convert_in *in, fk_err *e)
{
	obs_row o;
	if (obs_find(db, who, obs_id, &o, e) < 0)
		return NULL;
	if (strcmp(o.state, "active") != 0) {
		fk_err_conflict(e, "observation", "the observation is %s already", o.state);
		return NULL;
	}
	int64_t onset = 0;
	int rc = fk_db_int64(db, &onset, "SELECT min(day) FROM followups WHERE observation_id = $1 AND symptomatic = 1",
			     "i", obs_id);
	if (rc < 0)
		goto internal;
	/* the new case ends the observation as converted (fk_case_create) */
	fk_case_in c = {
		.person_id = o.person_id,
		.category = "suspected",
		.reporting_unit = in->reporting_unit,
		.place = in->place,
		.reason = in->reason ? in->reason : "symptoms during medical observation",
		.has_onset = onset > 0,
		.onset = onset,
		.diagnosis_time = fk_now(),
	};
	c.reported_time = c.diagnosis_time;
	json_t *cs = fk_case_create(db, who, &c, e);
	return cs;
internal:
	fk_err_internal(e);
	return NULL;
}
