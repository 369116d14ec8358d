/* registry.c - households and persons (see registry.h).
 * Expected load: up to a few million persons per database; every read is an
 * index range in scope, every write touches one row plus the region_stats
 * of its seven ancestor levels. */
#include "core/grid/registry.h"

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
#include "core/grid/screening.h"
#include "util/date.h"
#include "util/idcard.h"
#include "util/pii.h"
#include "util/strbuf.h"

const char *const fk_tag_names[] = { "elderly_alone", "chronic", "pregnant", "disabled", NULL };
const char *const fk_history_names[] = { "from_key_area", "contact_key_area", "contact_case", NULL };

/* ---- region statistics ---- */

static const fk_rollup_table region_stats = { "region_stats", 0, { "households", "persons" } };

void fk_stats_add(fk_rollup *a, const char *grid, int64_t dh, int64_t dp)
{
	int64_t d[] = { dh, dp };
	fk_rollup_add(a, &region_stats, grid, 0, d);
}

/* Applies one change at once (the API's single-row writes). */
static int stats_now(fk_db *db, const char *grid, int64_t dh, int64_t dp)
{
	fk_rollup *a = fk_rollup_new();
	fk_stats_add(a, grid, dh, dp);
	return fk_rollup_apply(db, a);
}

static bool in_scope(const fk_actor *who, const char *code)
{
	return fk_scope_has(who, code);
}

static void audit_obj(char *buf, size_t n, const char *kind, int64_t id)
{
	snprintf(buf, n, "%s:%lld", kind, (long long)id);
}

/* ---- households ---- */

static const fk_column household_cols[] = {
	{ "id", FK_C_INT },
	{ "grid", FK_C_TEXT },
	{ "grid_name", FK_C_TEXT },
	{ "building", FK_C_TEXT },
	{ "unit", FK_C_TEXT },
	{ "room", FK_C_TEXT },
	{ "address", FK_C_TEXT },
	{ "persons", FK_C_INT },
	{ 0 },
};

const fk_field fk_household_fields[] = {
	{ "grid", FK_FT_STRING, true, 15, 15 },
	{ "building", FK_FT_STRING, false, 0, 50 },
	{ "unit", FK_FT_STRING, false, 0, 50 },
	{ "room", FK_FT_STRING, false, 0, 50 },
	{ "address", FK_FT_STRING, false, 0, 200 },
	{ 0 },
};

json_t *fk_household_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	char what[48];
	snprintf(what, sizeof(what), "household %lld", (long long)id);
	return fk_list_one(db, who, &fk_household_list, id, what, 0, e);
}

int64_t fk_household_ensure(fk_db *db, const char *grid, const char *building, const char *unit,
			    const char *room, const char *address, bool *created, fk_err *e)
{
	int64_t id = 0, now = fk_now();
	*created = false;
	/* insert first: in a bulk load most households are new */
	fk_val v[] = { { 's', .p = grid }, { 's', .p = building }, { 's', .p = unit },
		       { 's', .p = room }, { 's', .p = address }, { 'i', .i = now } };
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO households (grid, building, unit, room, address, created_at, updated_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $6)"
			      " ON CONFLICT (grid, building, unit, room, address) DO NOTHING",
			      v, 6) < 0)
		return fk_err_internal(e);
	if (id) {
		*created = true;
		return id;
	}
	int rc = fk_db_int64(db, &id,
			 "SELECT id FROM households WHERE grid = $1 AND building = $2 AND unit = $3 AND room = $4"
			 " AND address = $5",
			 "sssss", grid, building, unit, room, address);
	return rc == FK_ROW ? id : fk_err_internal(e);
}

const fk_field fk_household_update_fields[] = {
	{ "grid", FK_FT_STRING, false, 15, 15 },     { "building", FK_FT_STRING, false, 0, 50 },
	{ "unit", FK_FT_STRING, false, 0, 50 },      { "room", FK_FT_STRING, false, 0, 50 },
	{ "address", FK_FT_STRING, false, 0, 200 }, { 0 },
};

int fk_household_parse(const json_t *in, bool create, fk_household_in *h, fk_err *e)
{
	memset(h, 0, sizeof(*h));
	if (fk_fields_check(in, create ? fk_household_fields : fk_household_update_fields, e) < 0)
		return -1;
	const char *(*get)(const json_t *, const char *) = create ? fk_json_str_or : fk_json_str;
	h->grid = fk_json_str(in, "grid");
	h->building = get(in, "building");
	h->unit = get(in, "unit");
	h->room = get(in, "room");
	h->address = get(in, "address");
	if (create && !*h->building && !*h->room && !*h->address)
		return fk_err_invalid(e, "address", "address: give the address, or the building and room");
	return 0;
}

json_t *fk_household_create(fk_db *db, const fk_actor *who, const fk_household_in *h, fk_err *e)
{
	const char *grid = h->grid, *b = h->building, *u = h->unit, *r = h->room, *a = h->address;
	if (fk_scope_grid(db, who, grid, "grid", e) < 0)
		return NULL;
	int64_t n = 0;
	if (fk_db_int64(db, &n,
			"SELECT count(*) FROM households WHERE grid = $1 AND building = $2 AND unit = $3 AND room = $4"
			" AND address = $5",
			"sssss", grid, b, u, r, a) < 0)
		goto internal;
	if (n) {
		fk_err_conflict(e, "address", "this household is already registered in grid %s", grid);
		return NULL;
	}
	bool created;
	int64_t id = fk_household_ensure(db, grid, b, u, r, a, &created, e);
	if (id < 0 || stats_now(db, grid, 1, 0) < 0)
		goto internal;
	char obj[48];
	audit_obj(obj, sizeof(obj), "household", id);
	if (fk_audit_append(db, who, "household.create", obj, grid, NULL) < 0)
		goto internal;
	return fk_household_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

json_t *fk_household_update(fk_db *db, const fk_actor *who, int64_t id, const fk_household_in *h, fk_err *e)
{
	json_t *cur = fk_household_get(db, who, id, e);
	if (!cur)
		return NULL;
	const char *old_grid = fk_json_str(cur, "grid");
	const char *grid = h->grid ? h->grid : old_grid;
	const char *k[] = { "building", "unit", "room", "address" };
	const char *given[] = { h->building, h->unit, h->room, h->address };
	const char *v[4];
	for (int i = 0; i < 4; i++)
		v[i] = given[i] ? given[i] : fk_json_str(cur, k[i]);
	json_t *out = NULL;
	if (strcmp(grid, old_grid) != 0 && fk_scope_grid(db, who, grid, "grid", e) < 0)
		goto out;
	int64_t persons = json_integer_value(json_object_get(cur, "persons"));
	int rc = fk_db_run(db,
			   "UPDATE households SET grid = $1, building = $2, unit = $3, room = $4, address = $5,"
			   " updated_at = $6 WHERE id = $7",
			   "sssssii", grid, v[0], v[1], v[2], v[3], fk_now(), id);
	if (rc == FK_DB_CONSTRAINT) {
		fk_err_conflict(e, "address", "another household is registered at this place");
		goto out;
	}
	if (rc < 0)
		goto internal;
	if (strcmp(grid, old_grid) != 0) {
		/* the household and its members move to the new grid, with its
		 * screening records (screening moves those) */
		fk_rollup *acc = fk_rollup_new();
		fk_stats_add(acc, old_grid, -1, -persons);
		fk_stats_add(acc, grid, 1, persons);
		if (fk_rollup_apply(db, acc) < 0 ||
		    fk_db_run(db, "UPDATE persons SET region = $1 WHERE household_id = $2", "si", grid, id) < 0 ||
		    fk_screening_household_moved(db, id, old_grid, grid) < 0)
			goto internal;
	}
	if (fk_audit_record(db, who, "household.update", "household", id, grid,
			    json_pack("{s:s, s:s}", "from_grid", old_grid, "grid", grid)) < 0)
		goto internal;
	out = fk_household_get(db, who, id, e);
	goto out;
internal:
	fk_err_internal(e);
out:
	json_decref(cur);
	return out;
}

static const fk_filter household_filters[] = {
	{ "unvisited", FK_F_DATE,
	  "NOT EXISTS (SELECT 1 FROM screenings s WHERE s.household_id = h.id AND s.day = ? AND s.current = 1"
	  " AND s.status <> 'withdrawn')" },
	{ 0 },
};

const fk_list fk_household_list = {
	.select = "h.id, h.grid, r.name, h.building, h.unit, h.room, h.address,"
		  " (SELECT count(*) FROM persons p WHERE p.household_id = h.id)"
		  " FROM households h JOIN regions r ON r.code = h.grid",
	.region = "region",
	.scope = "h.grid",
	.key = FK_KEY_TEXT_ID,
	.id = "h.id",
	.filters = household_filters,
	.cols = household_cols,
};

/* ---- persons ---- */

static int update_row(fk_db *db, const fk_actor *who, int64_t id, const fk_person_in *p, const char *grid,
		      fk_err *e);

const fk_column fk_person_columns[] = {
	{ "id", FK_C_INT },
	{ "household_id", FK_C_INT },
	{ "region", FK_C_TEXT },
	{ "name", FK_C_TEXT },
	{ "sex", FK_C_TEXT },
	{ "birth_year", FK_C_INT },
	{ "doc_type", FK_C_TEXT },
	{ "doc_number", FK_C_DOC },
	{ "phone", FK_C_PHONE },
	{ "tags", FK_C_BITS, fk_tag_names },
	{ "origin", FK_C_TEXT },
	{ "arrival_date", FK_C_DATE },
	{ "history", FK_C_BITS, fk_history_names },
	{ "building", FK_C_TEXT },
	{ "unit", FK_C_TEXT },
	{ "room", FK_C_TEXT },
	{ "address", FK_C_TEXT },
	{ "created_at", FK_C_INT },
	{ "updated_at", FK_C_INT },
	{ 0 },
};

#define PERSON_COLS                                                                                          \
	"p.id, p.household_id, p.region, p.name, p.sex, p.birth_year, p.doc_type, p.doc_enc, p.phone_enc,"   \
	" p.tags, p.origin, p.arrival_day, p.history, hh.building, hh.unit, hh.room, hh.address,"             \
	" p.created_at, p.updated_at"
#define PERSON_FROM " FROM persons p LEFT JOIN households hh ON hh.id = p.household_id"

const fk_field fk_person_fields[] = {
	{ "household_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "name", FK_FT_STRING, false, 1, 50 },
	{ "sex", FK_FT_STRING, false, 1, 1 },
	{ "birth_year", FK_FT_INT, false, 1900, 2100 },
	{ "doc_type", FK_FT_STRING, false, 1, 16 },
	{ "doc_number", FK_FT_STRING, false, 1, 40 },
	{ "phone", FK_FT_STRING, false, 1, 30 },
	{ "tags", FK_FT_ARRAY, false, 0, 8 },
	{ "history", FK_FT_ARRAY, false, 0, 8 },
	{ "origin", FK_FT_STRING, false, 0, 100 },
	{ "arrival_date", FK_FT_STRING, false, 10, 10 },
	{ 0 },
};

static int current_year(void)
{
	time_t t = (time_t)fk_now();
	struct tm tm;
	localtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* Digits of a phone number: spaces, '-' and a +86 / 0086 prefix dropped.
 * Returns 0 or -1 with e set. */
int fk_phone_normalise(const char *in, char *out, size_t n, fk_err *e)
{
	size_t j = 0;
	if (strncmp(in, "+86", 3) == 0)
		in += 3;
	else if (strncmp(in, "0086", 4) == 0)
		in += 4;
	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p < '0' || *p > '9')
			return fk_err_invalid(e, "phone", "phone: digits only (position %zu)", (size_t)(p - in) + 1);
		if (j + 1 >= n)
			return fk_err_invalid(e, "phone", "phone: too long");
		out[j++] = *p;
	}
	out[j] = '\0';
	if (j < 7 || j > 15)
		return fk_err_invalid(e, "phone", "phone: 7 to 15 digits");
	if (j == 11 && out[0] != '1')
		return fk_err_invalid(e, "phone", "phone: an 11-digit mobile number starts with 1");
	return 0;
}

static const char *const sex_names[] = { "M", "F", "U", NULL };
static const char *const doc_type_names[] = { "id_card", "passport", "other", NULL };

const char *const *fk_sex_names(void)
{
	return sex_names;
}

const char *const *fk_doc_type_names(void)
{
	return doc_type_names;
}

static bool listed(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

int fk_person_parse(const json_t *in, bool create, fk_person_in *p, fk_err *e)
{
	memset(p, 0, sizeof(*p));
	p->sex = 'U';
	if (fk_fields_check(in, fk_person_fields, e) < 0)
		return -1;
	json_t *v;
	if ((v = json_object_get(in, "household_id")) && !json_is_null(v)) {
		p->given |= FK_PF_HOUSEHOLD;
		p->household_id = json_integer_value(v);
	} else if (create) {
		return fk_err_invalid(e, "household_id", "household_id: required");
	}
	if ((p->name = fk_json_str(in, "name"))) {
		p->given |= FK_PF_NAME;
		if (!*p->name)
			return fk_err_invalid(e, "name", "name: required");
	} else if (create) {
		return fk_err_invalid(e, "name", "name: required");
	}
	const char *sex = fk_json_str(in, "sex");
	if (sex) {
		if (!listed(sex_names, sex))
			return fk_err_invalid(e, "sex", "sex: M, F or U");
		p->given |= FK_PF_SEX;
		p->sex = sex[0];
	}
	if ((v = json_object_get(in, "birth_year")) && !json_is_null(v)) {
		p->given |= FK_PF_BIRTH;
		p->birth_year = json_integer_value(v);
		if (p->birth_year > current_year())
			return fk_err_invalid(e, "birth_year", "birth_year: in the future");
	}
	p->doc_type = fk_json_str(in, "doc_type");
	if (p->doc_type) {
		if (!listed(doc_type_names, p->doc_type))
			return fk_err_invalid(e, "doc_type", "doc_type: id_card, passport or other");
		p->given |= FK_PF_DOCTYPE;
	}
	const char *doc = fk_json_str(in, "doc_number");
	if (doc) {
		p->given |= FK_PF_DOC;
		if (!p->doc_type)
			p->doc_type = "id_card";
		if (strcmp(p->doc_type, "id_card") == 0) {
			fk_idcard card;
			const char *why;
			time_t now_t = (time_t)fk_now();
			struct tm tm;
			localtime_r(&now_t, &tm);
			int today = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
			if (fk_idcard_parse(doc, today, &card, &why) < 0)
				return fk_err_invalid(e, "doc_number", "doc_number: %s", why);
			snprintf(p->doc_number, sizeof(p->doc_number), "%s", card.number);
			if ((p->given & FK_PF_SEX) && p->sex != 'U' && p->sex != card.sex)
				return fk_err_invalid(e, "sex", "sex: does not match the ID number");
			if ((p->given & FK_PF_BIRTH) && p->birth_year != card.birth_year)
				return fk_err_invalid(e, "birth_year", "birth_year: does not match the ID number");
			p->sex = card.sex;
			p->birth_year = card.birth_year;
			p->given |= FK_PF_SEX | FK_PF_BIRTH;
		} else {
			size_t j = 0;
			for (const char *c = doc; *c && j + 1 < sizeof(p->doc_number); c++)
				if (*c != ' ')
					p->doc_number[j++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
			p->doc_number[j] = '\0';
			if (j < 4)
				return fk_err_invalid(e, "doc_number", "doc_number: at least 4 characters");
		}
	}
	const char *phone = fk_json_str(in, "phone");
	if (phone) {
		p->given |= FK_PF_PHONE;
		if (fk_phone_normalise(phone, p->phone, sizeof(p->phone), e) < 0)
			return -1;
	}
	if ((v = json_object_get(in, "tags")) && !json_is_null(v)) {
		p->given |= FK_PF_TAGS;
		if (fk_bits_from_json(v, fk_tag_names, "tags", &p->tags, e) < 0)
			return -1;
	}
	if ((v = json_object_get(in, "history")) && !json_is_null(v)) {
		p->given |= FK_PF_HISTORY;
		if (fk_bits_from_json(v, fk_history_names, "history", &p->history, e) < 0)
			return -1;
	}
	if ((p->origin = fk_json_str(in, "origin")))
		p->given |= FK_PF_ORIGIN;
	const char *arr = fk_json_str(in, "arrival_date");
	if (arr) {
		p->given |= FK_PF_ARRIVAL;
		if (fk_date_parse(arr, &p->arrival_day) < 0)
			return fk_err_invalid(e, "arrival_date", "arrival_date: a date YYYY-MM-DD");
		if (p->arrival_day > fk_today())
			return fk_err_invalid(e, "arrival_date", "arrival_date: in the future");
	}
	return 0;
}

/* The keyed hashes of a person's document: the whole (typed) value and its
 * last 4 characters. */
static void doc_hashes(const char *type, const char *number, unsigned char h[FK_PII_HASH_LEN],
		       unsigned char sfx[FK_PII_HASH_LEN])
{
	char typed[96];
	snprintf(typed, sizeof(typed), "%s:%s", type, number);
	fk_pii_hash(&fk_pii_global, "doc", typed, h);
	size_t n = strlen(number);
	fk_pii_hash(&fk_pii_global, "doc4", number + (n > 4 ? n - 4 : 0), sfx);
}

void fk_phone_hashes(const char *phone, unsigned char *h, unsigned char *sfx)
{
	size_t n = strlen(phone);
	fk_pii_hash(&fk_pii_global, "phone", phone, h);
	fk_pii_hash(&fk_pii_global, "phone4", phone + (n > 4 ? n - 4 : 0), sfx);
}

/* Looks up the person holding a document number: returns their id, 0 when
 * none, -1 on error. */
static int64_t doc_owner(fk_db *db, const unsigned char h[FK_PII_HASH_LEN])
{
	int64_t id = 0;
	if (fk_db_int64(db, &id, "SELECT id FROM persons WHERE doc_hash = $1", "b", h, (size_t)FK_PII_HASH_LEN) < 0)
		return -1;
	return id;
}

/* A document number held by another person.  One answer wherever that
 * person lives: it names neither them nor their area, so a refusal tells an
 * officer only what the one-person-per-document rule must (that the number
 * is taken), never where.  In their own area they find the person by the
 * number's last 4 characters (GET /persons?doc_suffix=). */
static int doc_conflict(fk_err *e)
{
	return fk_err_conflict(e, "doc_number", "doc_number: already registered to another person");
}

/* Inserts a new person (no audit, no statistics).  Returns the new id, 0
 * when the document number is already registered, or -1. */
void fk_person_seal(const fk_person_in *p, fk_person_sealed *s)
{
	s->doc = p->doc_number[0];
	s->phone = p->phone[0];
	s->dlen = s->plen = 0;
	if (s->doc) {
		doc_hashes(p->doc_type, p->doc_number, s->dh, s->ds);
		s->dlen = fk_pii_seal(&fk_pii_global, p->doc_number, s->denc);
	}
	if (s->phone) {
		fk_phone_hashes(p->phone, s->ph, s->ps);
		s->plen = fk_pii_seal(&fk_pii_global, p->phone, s->penc);
	}
}

int64_t fk_person_insert(fk_db *db, const fk_person_in *p, const char *grid)
{
	fk_person_sealed local;
	const fk_person_sealed *sl = p->sealed;
	if (!sl) {
		fk_person_seal(p, &local);
		sl = &local;
	}
	bool has_doc = sl->doc, has_phone = sl->phone;
	const unsigned char *dh = sl->dh, *ds = sl->ds, *ph = sl->ph, *ps = sl->ps, *denc = sl->denc, *penc = sl->penc;
	size_t dlen = sl->dlen, plen = sl->plen;
	int64_t now = fk_now(), id = 0;
	fk_val v[] = {
		{ 'i', .i = p->household_id },
		{ 's', .p = grid },
		{ 's', .p = p->name },
		{ 's', .p = p->sex == 'M' ? "M" : p->sex == 'F' ? "F" : "U" },
		{ (p->given & FK_PF_BIRTH) ? 'i' : 'n', .i = p->birth_year },
		{ 's', .p = p->doc_type ? p->doc_type : "id_card" },
		{ has_doc ? 'b' : 'n', .p = denc, .n = dlen },
		{ has_doc ? 'b' : 'n', .p = dh, .n = FK_PII_HASH_LEN },
		{ has_doc ? 'b' : 'n', .p = ds, .n = FK_PII_HASH_LEN },
		{ has_phone ? 'b' : 'n', .p = penc, .n = plen },
		{ has_phone ? 'b' : 'n', .p = ph, .n = FK_PII_HASH_LEN },
		{ has_phone ? 'b' : 'n', .p = ps, .n = FK_PII_HASH_LEN },
		{ 'i', .i = p->tags },
		{ 's', .p = p->origin ? p->origin : "" },
		{ (p->given & FK_PF_ARRIVAL) ? 'i' : 'n', .i = p->arrival_day },
		{ 'i', .i = p->history },
		{ 'i', .i = now },
	};
	/* ON CONFLICT keeps the one-person-per-document rule in the database
	 * itself; the caller learns of the clash from the missing id. */
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO persons (household_id, region, name, sex, birth_year, doc_type, doc_enc,"
			      " doc_hash, doc_sfx, phone_enc, phone_hash, phone_sfx, tags, origin, arrival_day, history,"
			      " created_at, updated_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)"
			      " ON CONFLICT (doc_hash) DO NOTHING",
			      v, (int)(sizeof(v) / sizeof(v[0]))) < 0)
		return -1;
	return id;
}

json_t *fk_person_create(fk_db *db, const fk_actor *who, const fk_person_in *p, fk_err *e)
{
	char grid[16];
	if (fk_scope_load(db, who, FK_SCOPE_HOUSEHOLD, p->household_id, "household_id", grid, e) < 0)
		return NULL;
	int64_t id = fk_person_insert(db, p, grid);
	if (id < 0)
		goto internal;
	if (id == 0) {
		doc_conflict(e);
		return NULL;
	}
	if (stats_now(db, grid, 0, 1) < 0)
		goto internal;
	char obj[48];
	audit_obj(obj, sizeof(obj), "person", id);
	json_t *d = json_pack("{s:I}", "household_id", (json_int_t)p->household_id);
	int rc = fk_audit_append(db, who, "person.create", obj, grid, d);
	json_decref(d);
	if (rc < 0)
		goto internal;
	return fk_person_get(db, who, id, e);
internal:
	fk_err_internal(e);
	return NULL;
}

int fk_person_upsert(fk_db *db, const fk_actor *who, const fk_person_in *p, const char *grid, int64_t *id,
		     char *old_grid, fk_err *e)
{
	old_grid[0] = '\0';
	if (p->fresh_household) {
		/* nobody lives in a household made a moment ago: only a clash
		 * of document numbers can stop the insert */
		int64_t nid = fk_person_insert(db, p, grid);
		if (nid < 0)
			return fk_err_internal(e);
		if (nid > 0) {
			*id = nid;
			return FK_UPSERT_CREATED;
		}
	} else if (!p->doc_number[0]) {
		/* Without a document number nothing in the database prevents a
		 * second row: look for the same name in the same household first. */
		int64_t found = 0;
		int rc = fk_db_int64(db, &found,
				     "SELECT id FROM persons WHERE household_id = $1 AND name = $2 AND doc_hash IS NULL",
				     "is", p->household_id, p->name);
		if (rc < 0)
			return fk_err_internal(e);
		if (rc == FK_DONE) {
			int64_t nid = fk_person_insert(db, p, grid);
			if (nid <= 0)
				return fk_err_internal(e);
			*id = nid;
			return FK_UPSERT_CREATED;
		}
	} else {
		/* Someone registered earlier without a document, same name, same
		 * household, is the same person: the number completes them. */
		int64_t found = 0;
		int rc = fk_db_int64(db, &found,
				     "SELECT id FROM persons WHERE household_id = $1 AND name = $2 AND doc_hash IS NULL",
				     "is", p->household_id, p->name);
		if (rc < 0)
			return fk_err_internal(e);
		if (rc == FK_ROW) {
			*id = found;
			snprintf(old_grid, 16, "%s", grid);
			if (update_row(db, who, found, p, grid, e) < 0)
				return -1;
			return FK_UPSERT_UPDATED;
		}
		int64_t nid = fk_person_insert(db, p, grid);
		if (nid < 0)
			return fk_err_internal(e);
		if (nid > 0) {
			*id = nid;
			return FK_UPSERT_CREATED;
		}
	}
	/* The same person: by document number, or, without one, by name in
	 * the same household. */
	fk_stmt *st;
	int rc;
	unsigned char dh[FK_PII_HASH_LEN], ds[FK_PII_HASH_LEN], ph[FK_PII_HASH_LEN], ps[FK_PII_HASH_LEN];
	static const char cols[] = "SELECT id, region, household_id, name, sex, birth_year, phone_hash, tags, origin,"
				   " arrival_day, history FROM persons";
	if (p->doc_number[0]) {
		doc_hashes(p->doc_type, p->doc_number, dh, ds);
		char sql[256];
		snprintf(sql, sizeof(sql), "%s WHERE doc_hash = $1", cols);
		rc = fk_db_query(db, &st, sql, "b", dh, (size_t)FK_PII_HASH_LEN);
	} else {
		char sql[256];
		snprintf(sql, sizeof(sql), "%s WHERE household_id = $1 AND name = $2 AND doc_hash IS NULL", cols);
		rc = fk_db_query(db, &st, sql, "is", p->household_id, p->name);
	}
	if (rc < 0)
		return fk_err_internal(e);
	if ((rc = fk_stmt_step(st)) != FK_ROW) {
		fk_stmt_done(st);
		return rc < 0 ? fk_err_internal(e) : fk_err_internal(e);
	}
	*id = fk_stmt_int64(st, 0);
	snprintf(old_grid, 16, "%s", fk_stmt_text(st, 1));
	if (!in_scope(who, old_grid)) {
		fk_stmt_done(st);
		return doc_conflict(e);
	}
	/* Only the fields given count: a column the file lacks changes nothing. */
	unsigned g = p->given;
	bool same = fk_stmt_int64(st, 2) == p->household_id && strcmp(fk_stmt_text(st, 3), p->name) == 0 &&
		    (!(g & FK_PF_SEX) || fk_stmt_text(st, 4)[0] == p->sex) &&
		    (!(g & FK_PF_BIRTH) || fk_stmt_int64(st, 5) == p->birth_year) &&
		    (!(g & FK_PF_TAGS) || fk_stmt_int64(st, 7) == p->tags) &&
		    (!(g & FK_PF_ORIGIN) || strcmp(fk_stmt_text(st, 8), p->origin) == 0) &&
		    (!(g & FK_PF_ARRIVAL) || fk_stmt_int64(st, 9) == p->arrival_day) &&
		    (!(g & FK_PF_HISTORY) || fk_stmt_int64(st, 10) == p->history);
	size_t n = 0;
	const void *oldph = fk_stmt_blob(st, 6, &n);
	if (g & FK_PF_PHONE) {
		fk_phone_hashes(p->phone, ph, ps);
		same = same && n == FK_PII_HASH_LEN && memcmp(oldph, ph, n) == 0;
	}
	fk_stmt_done(st);
	if (same)
		return FK_UPSERT_UNCHANGED;
	if (update_row(db, who, *id, p, grid, e) < 0)
		return -1;
	return FK_UPSERT_UPDATED;
}

static json_t *person_read(fk_db *db, const fk_actor *who, int64_t id, unsigned flags, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id = $1", "i", id) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	fk_render rd = { fk_person_columns, 0, flags };
	json_t *o = NULL;
	char what[48];
	snprintf(what, sizeof(what), "person %lld", (long long)id);
	int rc = fk_stmt_step(st);
	if (fk_scope_row(who, rc == FK_ROW ? fk_stmt_text(st, 2) : NULL, what, e) == 0)
		o = fk_row_render(st, &rd);
	fk_stmt_done(st);
	return o;
}

json_t *fk_person_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	return person_read(db, who, id, 0, e);
}

json_t *fk_person_reveal(fk_db *db, const fk_actor *who, int64_t id, const char *reason, fk_err *e)
{
	if (!reason || fk_utf8_len(reason) < 2 || fk_utf8_len(reason) > 200) {
		fk_err_invalid(e, "reason", "reason: say why, in 2 to 200 characters");
		return NULL;
	}
	json_t *o = person_read(db, who, id, FK_RENDER_REVEAL, e);
	if (!o)
		return NULL;
	char obj[48];
	audit_obj(obj, sizeof(obj), "person", id);
	json_t *d = json_pack("{s:s}", "reason", reason);
	int rc = fk_audit_append(db, who, "person.reveal", obj, fk_json_str(o, "region"), d);
	json_decref(d);
	if (rc < 0) {
		json_decref(o);
		fk_err_internal(e);
		return NULL;
	}
	json_t *out = json_pack("{s:I, s:O, s:O}", "id", (json_int_t)id, "doc_number",
				json_object_get(o, "doc_number"), "phone", json_object_get(o, "phone"));
	json_decref(o);
	return out;
}

/* Writes the given fields of p to person id, now in grid.  Returns 0 or
 * -1 with e set (409 when a new document number belongs to another). */
static int update_row(fk_db *db, const fk_actor *who, int64_t id, const fk_person_in *p, const char *grid, fk_err *e)
{
	int64_t now = fk_now();
	/* One statement per changed group keeps each bind list fixed. */
	if (fk_db_run(db, "UPDATE persons SET household_id = $1, region = $2, updated_at = $3 WHERE id = $4", "isii",
		      p->household_id, grid, now, id) < 0)
		return fk_err_internal(e);
	if ((p->given & FK_PF_NAME) &&
	    fk_db_run(db, "UPDATE persons SET name = $1 WHERE id = $2", "si", p->name, id) < 0)
		return fk_err_internal(e);
	if ((p->given & FK_PF_SEX) &&
	    fk_db_run(db, "UPDATE persons SET sex = $1 WHERE id = $2", "si",
		      p->sex == 'M' ? "M" : p->sex == 'F' ? "F" : "U", id) < 0)
		return fk_err_internal(e);
	if ((p->given & FK_PF_BIRTH) &&
	    fk_db_run(db, "UPDATE persons SET birth_year = $1 WHERE id = $2", "ii", p->birth_year, id) < 0)
		return fk_err_internal(e);
	if (p->given & FK_PF_DOC) {
		unsigned char dh[FK_PII_HASH_LEN], ds[FK_PII_HASH_LEN], denc[64 + FK_PII_OVERHEAD];
		doc_hashes(p->doc_type, p->doc_number, dh, ds);
		int64_t owner = doc_owner(db, dh);
		if (owner < 0)
			return fk_err_internal(e);
		if (owner > 0 && owner != id)
			return doc_conflict(e);
		size_t dlen = fk_pii_seal(&fk_pii_global, p->doc_number, denc);
		if (fk_db_run(db, "UPDATE persons SET doc_type = $1, doc_enc = $2, doc_hash = $3, doc_sfx = $4 WHERE id = $5",
			      "sbbbi", p->doc_type, denc, dlen, dh, (size_t)FK_PII_HASH_LEN, ds, (size_t)FK_PII_HASH_LEN,
			      id) < 0)
			return fk_err_internal(e);
	}
	if (p->given & FK_PF_PHONE) {
		unsigned char ph[FK_PII_HASH_LEN], ps[FK_PII_HASH_LEN], penc[32 + FK_PII_OVERHEAD];
		fk_phone_hashes(p->phone, ph, ps);
		size_t plen = fk_pii_seal(&fk_pii_global, p->phone, penc);
		if (fk_db_run(db, "UPDATE persons SET phone_enc = $1, phone_hash = $2, phone_sfx = $3 WHERE id = $4",
			      "bbbi", penc, plen, ph, (size_t)FK_PII_HASH_LEN, ps, (size_t)FK_PII_HASH_LEN, id) < 0)
			return fk_err_internal(e);
	}
	if ((p->given & FK_PF_TAGS) && fk_db_run(db, "UPDATE persons SET tags = $1 WHERE id = $2", "ii", p->tags, id) < 0)
		return fk_err_internal(e);
	if ((p->given & FK_PF_HISTORY) &&
	    fk_db_run(db, "UPDATE persons SET history = $1 WHERE id = $2", "ii", p->history, id) < 0)
		return fk_err_internal(e);
	if ((p->given & FK_PF_ORIGIN) &&
	    fk_db_run(db, "UPDATE persons SET origin = $1 WHERE id = $2", "si", p->origin, id) < 0)
		return fk_err_internal(e);
	if ((p->given & FK_PF_ARRIVAL) &&
	    fk_db_run(db, "UPDATE persons SET arrival_day = $1 WHERE id = $2", "ii", p->arrival_day, id) < 0)
		return fk_err_internal(e);
	return 0;
}

json_t *fk_person_update(fk_db *db, const fk_actor *who, int64_t id, const fk_person_in *p, fk_err *e)
{
	json_t *cur = person_read(db, who, id, 0, e);
	if (!cur)
		return NULL;
	json_t *out = NULL;
	char grid[16], old_grid[16];
	snprintf(old_grid, sizeof(old_grid), "%s", fk_json_str_or(cur, "region"));
	snprintf(grid, sizeof(grid), "%s", old_grid);
	int64_t hid = json_integer_value(json_object_get(cur, "household_id"));
	if ((p->given & FK_PF_HOUSEHOLD) && p->household_id != hid) {
		if (fk_scope_load(db, who, FK_SCOPE_HOUSEHOLD, p->household_id, "household_id", grid, e) < 0)
			goto out;
		hid = p->household_id;
	}
	fk_person_in q = *p;
	q.household_id = hid;
	if (update_row(db, who, id, &q, grid, e) < 0)
		goto out;
	if (strcmp(grid, old_grid) != 0 && (stats_now(db, old_grid, 0, -1) < 0 || stats_now(db, grid, 0, 1) < 0))
		goto internal;
	/* the names of the fields changed, never their values */
	json_t *fields = json_array();
	static const char *const names[] = { "household_id", "name", "sex", "birth_year", "doc_type", "doc_number",
					     "phone", "tags", "history", "origin", "arrival_date" };
	for (int i = 0; i < 11; i++)
		if (p->given & (1u << i))
			json_array_append_new(fields, json_string(names[i]));
	if (fk_audit_record(db, who, "person.update", "person", id, grid, json_pack("{s:o}", "fields", fields)) < 0)
		goto internal;
	out = fk_person_get(db, who, id, e);
	goto out;
internal:
	fk_err_internal(e);
out:
	json_decref(cur);
	return out;
}

/* doc_suffix, phone_suffix: the last 4 characters, found by their keyed
 * hash (the numbers themselves are stored encrypted) */
static int person_suffix(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	bool doc = f->name[0] == 'd';
	if (strlen(value) != 4 || (!doc && strspn(value, "0123456789") != 4))
		return fk_err_invalid(e, f->name, doc ? "doc_suffix: the last 4 characters of the document number"
						      : "phone_suffix: the last 4 digits of the phone");
	char sfx[5];
	for (int i = 0; i < 5; i++)
		sfx[i] = (char)(doc && value[i] == 'x' ? 'X' : value[i]);
	unsigned char *h = fk_arena_alloc(&q->arena, FK_PII_HASH_LEN);
	fk_pii_hash(&fk_pii_global, doc ? "doc4" : "phone4", sfx, h);
	fk_val v = { 'b', .p = h, .n = FK_PII_HASH_LEN };
	fk_list_where(q, f->where, &v);
	return 0;
}

static const fk_filter person_filters[] = {
	{ "name", FK_F_PREFIX, "p.name >= ? AND p.name < ?", .max = 100,
	  .opt = FK_FO_BLANK | FK_FO_KEY | FK_FO_AUDIT, .col = "p.name" },
	{ "tag", FK_F_BIT, "(p.tags & ?) <> 0", .names = fk_tag_names, .opt = FK_FO_BLANK | FK_FO_AUDIT },
	{ "doc_suffix", FK_F_CUSTOM, "p.doc_sfx = ?", .opt = FK_FO_BLANK | FK_FO_AUDIT_GIVEN, .fn = person_suffix },
	{ "phone_suffix", FK_F_CUSTOM, "p.phone_sfx = ?", .opt = FK_FO_BLANK | FK_FO_AUDIT_GIVEN,
	  .fn = person_suffix },
	{ "household_id", FK_F_ID, "p.household_id = ?", .what = "a household id" },
	{ 0 },
};

const fk_list fk_person_list = {
	.select = PERSON_COLS PERSON_FROM,
	.region = "region",
	.scope = "p.region",
	.key = FK_KEY_TEXT_ID,
	.id = "p.id",
	.filters = person_filters,
	.cols = fk_person_columns,
	.audit = { "person.search", "persons", .region = true },
};
