/* h_user.c - user accounts (admins, in their scope). */
#include <string.h>

#include "core/base/account.h"
#include "core/base/fields.h"
#include "http/handlers.h"

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
	{ "disabled", FK_FT_BOOL, false, 0, 0 },
	{ 0 },
};

/* An account's change: a new password (hashed), or disabled, or both. */
typedef struct user_change {
	const char *username;
	bool new_password;
	char hash[FK_PWHASH_LEN];
	int disabled; /* 1, 0, or -1: unchanged */
} user_change;

static int update_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const user_change *c = in;
	if (c->new_password && fk_user_passwd(db, who, c->username, c->hash, e) < 0)
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
	const char *pw = fk_json_str(r->json, "password");
	if (!pw && !json_is_boolean(dis))
		return fk_req_fail(r, 400, "invalid", NULL, "give password or disabled");
	user_change *c = fk_arena_alloc(&r->arena, sizeof(*c));
	c->username = fk_req_param(r, "username");
	c->disabled = json_is_boolean(dis) ? json_is_true(dis) : -1;
	c->new_password = pw != NULL;
	if (pw && fk_password_hash(pw, c->hash, &r->err) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = update_job, .in = c });
}
