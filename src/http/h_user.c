/* h_user.c - user accounts (admins, in their scope). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/base/account.h"
#include "core/base/fields.h"
#include "core/base/region.h"
#include "http/handlers.h"
#include "util/csvlines.h"

const fk_field fk_user_fields[] = {
	{ "username", FK_FT_STRING, true, 2, 64 },
	{ "password", FK_FT_STRING, true, 8, 128 },
	{ "role", FK_FT_STRING, true, 1, 32 },
	{ "region", FK_FT_STRING, true, 0, 15 },
	{ "display_name", FK_FT_STRING, false, 0, 64 },
	{ 0 },
};

/* A new account, parsed, with its password hashed on the request's
 * thread (slow by design): strings borrowed from the body. */
typedef struct user_in {
	const char *username, *role, *region, *display_name;
	char hash[FK_PWHASH_LEN];
} user_in;

static int create_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const user_in *u = in;
	int64_t id;
	if (fk_user_add(db, who, u->username, u->hash, u->role, u->region, u->display_name, &id, e) < 0)
		return -1;
	*out = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "username", u->username, "role", u->role,
			 "region", u->region);
	return 0;
}

int h_user_create(fk_req *r)
{
	if (fk_fields_check(r->json, fk_user_fields, &r->err) < 0)
		return -1;
	user_in *u = fk_arena_alloc(&r->arena, sizeof(*u));
	if (fk_password_hash(fk_json_str(r->json, "password"), u->hash, &r->err) < 0)
		return -1;
	u->username = fk_json_str(r->json, "username");
	u->role = fk_json_str(r->json, "role");
	u->region = fk_json_str(r->json, "region");
	u->display_name = fk_json_str(r->json, "display_name");
	return fk_req_write(r, &(fk_job){ .run = create_job, .in = u, .status = 201 });
}

const fk_field fk_user_update_fields[] = {
	{ "password", FK_FT_STRING, false, 8, 128 },
	{ "must_change_password", FK_FT_BOOL, false, 0, 0 },
	{ "disabled", FK_FT_BOOL, false, 0, 0 },
	{ 0 },
};

/* An account's change: a new password (hashed), or disabled, or both. */
typedef struct user_change {
	const char *username;
	bool new_password, must_change; /* the user must choose their own at sign-in */
	char hash[FK_PWHASH_LEN];
	int disabled; /* 1, 0, or -1: unchanged */
} user_change;

static int update_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const user_change *c = in;
	if (c->new_password && fk_user_reset(db, who, c->username, c->hash, c->must_change, e) < 0)
		return -1;
	if (c->disabled >= 0 && fk_user_disable(db, who, c->username, c->disabled == 1, e) < 0)
		return -1;
	*out = json_pack("{s:s, s:b}", "username", c->username, "updated", 1);
	return 0;
}

int h_user_update(fk_req *r)
{
	if (fk_fields_check(r->json, fk_user_update_fields, &r->err) < 0)
		return -1;
	json_t *dis = json_object_get(r->json, "disabled");
	bool must = json_is_true(json_object_get(r->json, "must_change_password"));
	if (must && !fk_json_str(r->json, "password"))
		return fk_req_fail(r, 400, "invalid", "must_change_password",
				   "must_change_password: only with a new password");
	const char *pw = fk_json_str(r->json, "password");
	if (!pw && !json_is_boolean(dis))
		return fk_req_fail(r, 400, "invalid", NULL, "give password or disabled");
	user_change *c = fk_arena_alloc(&r->arena, sizeof(*c));
	c->username = fk_req_param(r, "username");
	c->disabled = json_is_boolean(dis) ? json_is_true(dis) : -1;
	c->new_password = pw != NULL;
	c->must_change = must;
	if (pw && fk_password_hash(pw, c->hash, &r->err) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = update_job, .in = c });
}

/* ---- bulk creation from CSV ----
 *
 * Columns username, display_name, role, region (a header line naming them,
 * in English or Chinese, is skipped; without one that order is assumed).
 * Each account gets a one-time password, answered once and never stored in
 * plain; it must be changed at the first sign-in.  Bad rows are answered
 * with their line; the others are created in one transaction. */

#define BULK_MAX 1000

enum { B_USER, B_NAME, B_ROLE, B_REGION, B_COLS };

static const char *const bulk_headers[B_COLS][3] = {
	{ "username", "用户名", "账号" },
	{ "display_name", "姓名", "显示名" },
	{ "role", "角色", NULL },
	{ "region", "区划", "网格" },
};

typedef struct bulk_row {
	int64_t line;
	char *f[B_COLS];
	char password[15];
	char hash[FK_PWHASH_LEN];
} bulk_row;

typedef struct bulk {
	fk_arena *a;
	int64_t line;
	bulk_row *rows;
	int n, cap, field;
	int map[8]; /* field index -> B_* column, -1 to ignore */
	bool header_seen, too_many;
	bulk_row cur;
} bulk;

static void bulk_field(void *data, size_t len, void *p)
{
	bulk *b = p;
	int f = b->field++;
	if (f >= 8 || b->map[f] < 0)
		return;
	char *v = fk_arena_alloc(b->a, len + 1);
	memcpy(v, data, len);
	v[len] = '\0';
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\r'))
		v[--len] = '\0';
	char *t = v;
	while (*t == ' ')
		t++;
	b->cur.f[b->map[f]] = t;
}

/* A header line: every field names a column. */
static bool bulk_header(bulk *b)
{
	int map[8], named = 0;
	for (int f = 0; f < B_COLS; f++) {
		const char *v = b->cur.f[f];
		map[f] = -1;
		for (int c = 0; v && c < B_COLS; c++)
			for (int k = 0; k < 3 && bulk_headers[c][k]; k++)
				if (strcasecmp(v, bulk_headers[c][k]) == 0)
					map[f] = c;
		named += map[f] >= 0;
	}
	if (named < 2)
		return false;
	for (int f = 0; f < 8; f++)
		b->map[f] = f < B_COLS ? map[f] : -1;
	return true;
}

static void bulk_row_end(int c, void *p)
{
	(void)c;
	bulk *b = p;
	int fields = b->field;
	b->field = 0;
	bool empty = true;
	for (int f = 0; f < B_COLS; f++)
		empty &= !b->cur.f[f] || !*b->cur.f[f];
	if (!b->header_seen) {
		b->header_seen = true;
		if (bulk_header(b)) {
			memset(&b->cur, 0, sizeof(b->cur));
			return;
		}
	}
	if (empty || fields == 0) {
		memset(&b->cur, 0, sizeof(b->cur));
		return;
	}
	if (b->n == BULK_MAX) {
		b->too_many = true;
		return;
	}
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 64;
		bulk_row *rows = fk_arena_alloc(b->a, sizeof(*rows) * (size_t)cap);
		if (b->n)
			memcpy(rows, b->rows, sizeof(*rows) * (size_t)b->n);
		b->rows = rows;
		b->cap = cap;
	}
	b->cur.line = b->line;
	b->rows[b->n++] = b->cur;
	memset(&b->cur, 0, sizeof(b->cur));
}

static json_t *bulk_reject(const bulk_row *row, const char *field, const char *message)
{
	return json_pack("{s:I, s:s, s:s?, s:s}", "line", (json_int_t)row->line, "username",
			 row->f[B_USER] ? row->f[B_USER] : "", "field", field, "message", message);
}

static int bulk_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	bulk *b = in;
	json_t *created = json_array(), *rejected = json_array();
	for (int i = 0; i < b->n; i++) {
		bulk_row *row = &b->rows[i];
		fk_err re = { 0 };
		int64_t id = 0, taken = 0;
		const char *user = row->f[B_USER] ? row->f[B_USER] : "";
		if (fk_db_int64(db, &taken, "SELECT count(*) FROM users WHERE username = $1", "s", user) < 0)
			goto internal;
		if (taken) {
			char msg[160];
			snprintf(msg, sizeof(msg), "username %s is taken", user);
			json_array_append_new(rejected, bulk_reject(row, "username", msg));
			continue;
		}
		if (fk_user_add(db, who, user, row->hash, row->f[B_ROLE] ? row->f[B_ROLE] : "",
				row->f[B_REGION], row->f[B_NAME], &id, &re) < 0) {
			if (re.status >= 500)
				goto internal;
			json_array_append_new(rejected,
					      bulk_reject(row, re.status == 404 ? "region" : re.field[0] ? re.field : NULL,
							  re.message));
			continue;
		}
		if (fk_user_must_change(db, id) < 0)
			goto internal;
		fk_err ge = { 0 };
		json_t *reg = fk_region_get(db, who, row->f[B_REGION], &ge);
		json_array_append_new(created, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "line",
							 (json_int_t)row->line, "id", (json_int_t)id, "username", user,
							 "display_name", row->f[B_NAME] ? row->f[B_NAME] : "", "role",
							 row->f[B_ROLE], "region", row->f[B_REGION], "region_name",
							 reg ? json_string_value(json_object_get(reg, "name")) : "",
							 "password", row->password));
		json_decref(reg);
	}
	*out = json_pack("{s:o, s:o}", "created", created, "rejected", rejected);
	return 0;
internal:
	json_decref(created);
	json_decref(rejected);
	return fk_err_internal(e);
}

const fk_field fk_user_bulk_fields[] = {
	{ "csv", FK_FT_STRING, true, 1, 64 * 1024 },
	{ 0 },
};

int h_user_bulk(fk_req *r)
{
	if (fk_fields_check(r->json, fk_user_bulk_fields, &r->err) < 0)
		return -1;
	const char *text = fk_json_str(r->json, "csv");
	if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3; /* a byte-order mark, as spreadsheets write */
	bulk *b = fk_arena_alloc(&r->arena, sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->a = &r->arena;
	for (int f = 0; f < 8; f++)
		b->map[f] = f < B_COLS ? f : -1;
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
	int rc = fk_csv_parse_text(&p, text, strlen(text), &b->line, bulk_field, bulk_row_end, b);
	const char *why = rc < 0 ? csv_strerror(csv_error(&p)) : NULL;
	csv_free(&p);
	if (why)
		return fk_req_fail(r, 400, "invalid", "csv", "line %lld: %s", (long long)b->line, why);
	if (b->too_many)
		return fk_req_fail(r, 400, "invalid", "csv", "at most %d accounts at a time", BULK_MAX);
	if (b->n == 0)
		return fk_req_fail(r, 400, "invalid", "csv", "no accounts: one line per account, "
				   "username,display_name,role,region");
	for (int i = 0; i < b->n; i++)
		if (fk_password_onetime(b->rows[i].password, b->rows[i].hash) < 0)
			return fk_req_fail(r, 503, "unavailable", NULL, "out of memory hashing a password");
	return fk_req_write(r, &(fk_job){ .run = bulk_job, .in = b });
}

static int user_sessions_end_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	int64_t ended = 0;
	if (fk_user_sessions_end(db, who, in, &ended, e) < 0)
		return -1;
	*out = json_pack("{s:s, s:I}", "username", (const char *)in, "sessions_ended", (json_int_t)ended);
	return 0;
}

int h_user_sessions_delete(fk_req *r)
{
	return fk_req_write(r, &(fk_job){ .run = user_sessions_end_job,
					  .in = (void *)fk_arena_strdup(&r->arena, fk_req_param(r, "username")) });
}
