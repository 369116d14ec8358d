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

static int create_job(fk_req *r)
{
	const char *username = fk_json_str(r->json, "username");
	int64_t id;
	if (fk_user_add(r->db, &r->actor, username, r->ctx, fk_json_str(r->json, "role"),
			fk_json_str(r->json, "region"), fk_json_str(r->json, "display_name"), &id, &r->err) < 0)
		return -1;
	return fk_req_reply(r, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "username", username,
					      "role", fk_json_str(r->json, "role"), "region",
					      fk_json_str(r->json, "region")));
}

int h_user_create(fk_req *r)
{
	if (fk_fields_check(r->json, fk_user_fields, &r->err) < 0)
		return -1;
	char *hash = fk_arena_alloc(&r->arena, FK_PWHASH_LEN);
	if (fk_password_hash(fk_json_str(r->json, "password"), hash, &r->err) < 0)
		return -1;
	r->ctx = hash;
	return fk_req_defer(r, create_job);
}

const fk_field fk_user_update_fields[] = {
	{ "password", FK_FT_STRING, false, 8, 128 },
	{ "disabled", FK_FT_BOOL, false, 0, 0 },
	{ 0 },
};

static int update_job(fk_req *r)
{
	const char *username = fk_req_param(r, "username");
	json_t *dis = json_object_get(r->json, "disabled");
	if (r->ctx && fk_user_passwd(r->db, &r->actor, username, r->ctx, &r->err) < 0)
		return -1;
	if (json_is_boolean(dis) && fk_user_disable(r->db, &r->actor, username, json_is_true(dis), &r->err) < 0)
		return -1;
	return fk_req_reply(r, 200, json_pack("{s:s, s:b}", "username", username, "updated", 1));
}

int h_user_update(fk_req *r)
{
	if (fk_fields_check(r->json, fk_user_update_fields, &r->err) < 0)
		return -1;
	if (!fk_json_str(r->json, "password") && !json_is_boolean(json_object_get(r->json, "disabled")))
		return fk_req_fail(r, 400, "invalid", NULL, "give password or disabled");
	const char *pw = fk_json_str(r->json, "password");
	if (pw) {
		char *hash = fk_arena_alloc(&r->arena, FK_PWHASH_LEN);
		if (fk_password_hash(pw, hash, &r->err) < 0)
			return -1;
		r->ctx = hash;
	}
	return fk_req_defer(r, update_job);
}
