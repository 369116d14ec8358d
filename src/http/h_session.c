/* h_session.c - sign in, sign out, who am I. */
#include <stdio.h>
#include <string.h>

#include "core/base/account.h"
#include "core/base/audit.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/base/fields.h"
#include "core/base/region.h"
#include "core/base/sessions.h"
#include "http/handlers.h"
#include "util/date.h"

const fk_field fk_login_fields[] = {
	{ "username", FK_FT_STRING, true, 1, 64 },
	{ "password", FK_FT_STRING, true, 1, 128 },
	{ 0 },
};

/* A sign-in: checked on the request's thread (the slow password check),
 * recorded on the writer, which leaves the token for the cookie here. */
typedef struct login_ctx {
	fk_login login;
	const char *username, *addr;
	char token[FK_TOKEN_LEN + 1];
} login_ctx;

static json_t *user_json(fk_db *db, const fk_actor *a)
{
	fk_err e = { 0 };
	json_t *scope = fk_region_get(db, a, a->region[0] ? a->region : "", &e);
	json_t *u = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->user_id, "username", a->username,
			      "role", fk_role_name(a->role), "region", a->region, "region_name",
			      scope ? json_string_value(json_object_get(scope, "name")) : "");
	json_decref(scope);
	return u;
}

static int login_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	(void)who; /* nobody yet */
	login_ctx *c = in;
	int64_t expires = 0;
	if (fk_login_record(db, &c->login, c->username, c->addr, c->token, &expires) < 0)
		return fk_err_internal(e);
	if (c->login.result == FK_LOGIN_THROTTLED) {
		fk_err_set(e, 429, "throttled", NULL, "too many failed sign-ins; try again in %lld seconds",
			   (long long)c->login.retry_after);
		return 0; /* keep the audit entry */
	}
	if (c->login.result == FK_LOGIN_BAD) {
		fk_err_set(e, 401, "bad_credentials", NULL, "wrong username or password");
		return 0; /* keep the failure and its audit entry */
	}
	fk_actor a = { .user_id = c->login.user.id, .username = c->username, .role = c->login.user.role,
		       .region = c->login.user.region, .addr = c->addr };
	*out = json_pack("{s:s, s:I, s:o, s:b}", "token", c->token, "expires_at", (json_int_t)expires, "user",
			 user_json(db, &a), "must_change_password", c->login.user.must_change);
	return 0;
}

/* The sign-in's headers: the session cookie, or when to try again. */
static void login_finish(fk_req *r, void *in)
{
	login_ctx *c = in;
	if (r->err.status == 429)
		fk_req_header(r, "Retry-After", fk_arena_printf(&r->arena, "%lld", (long long)c->login.retry_after));
	if (r->err.status)
		return;
	fk_req_header(r, "Set-Cookie",
		      fk_arena_printf(&r->arena, "fk_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
				      c->token, (long long)fk_account_config.session_ttl,
				      fk_cookie_secure ? "; Secure" : ""));
}

int h_session_create(fk_req *r)
{
	if (fk_fields_check(r->json, fk_login_fields, &r->err) < 0)
		return -1;
	login_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	c->username = fk_arena_strdup(&r->arena, fk_json_str(r->json, "username"));
	c->addr = r->addr;
	c->token[0] = '\0';
	if (fk_login_check(r->db, c->username, fk_json_str(r->json, "password"), r->addr, &c->login) < 0)
		return fk_req_fail(r, 503, "unavailable", NULL, "the database is unavailable");
	fk_agent_clean(fk_req_header_in(r, "User-Agent"), c->login.agent);
	return fk_req_write(r, &(fk_job){ .run = login_job, .in = c, .finish = login_finish });
}

static int logout_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	(void)out; /* 204: no body */
	return fk_session_end(db, who, in) < 0 ? fk_err_internal(e) : 0;
}

static void logout_finish(fk_req *r, void *in)
{
	(void)in;
	if (!r->err.status)
		fk_req_header(r, "Set-Cookie", "fk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

int h_session_delete(fk_req *r)
{
	return fk_req_write(r, &(fk_job){ .run = logout_job, .in = (void *)r->token, .status = 204,
					  .finish = logout_finish });
}

int h_me(fk_req *r)
{
	const char *perms[64];
	int n = fk_role_perm_names(r->actor.role, perms, 64);
	json_t *pa = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(pa, json_string(perms[i]));
	fk_err e = { 0 };
	json_t *scope = fk_region_get(r->db, &r->actor, r->actor.region, &e);
	if (!scope)
		return fk_req_fail(r, 500, "internal", NULL, "your home region %s is missing", r->actor.region);
	/* the deployment's protocol settings the forms need */
	json_t *protocol = json_pack("{s:i, s:i, s:b}", "edition", fk_protocol_edition, "observation_days",
				     fk_observation_days, "clinical_category", fk_protocol_edition == 5);
	/* the deployment's day and zone: pages show these, not the phone's */
	char today[11];
	int64_t now = fk_now();
	fk_date_format(fk_day_of(now), today);
	json_t *clock = json_pack("{s:s, s:s, s:i, s:I}", "zone", fk_zone_name(), "today", today, "utc_offset",
				  fk_zone_offset(now), "now", (json_int_t)now);
	return fk_req_reply(r, 200, json_pack("{s:o, s:o, s:o, s:o, s:o, s:b}", "user", user_json(r->db, &r->actor),
					      "permissions", pa, "scope", scope, "protocol", protocol, "clock", clock,
					      "must_change_password", r->actor.must_change));
}

const fk_field fk_me_password_fields[] = {
	{ "current_password", FK_FT_STRING, true, 1, 128 },
	{ "new_password", FK_FT_STRING, true, 8, 128 },
	{ 0 },
};

/* A change of one's own password: the current one checked on the request's
 * thread (the slow password check), the change recorded on the writer. */
typedef struct passwd_ctx {
	fk_login login; /* the check of the current password */
	char hash[FK_PWHASH_LEN];
	const char *token, *addr;
} passwd_ctx;

static int passwd_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	passwd_ctx *c = in;
	if (c->login.result == FK_LOGIN_OK) {
		if (fk_password_change(db, who, c->token, c->hash, e) < 0)
			return -1;
		*out = json_pack("{s:s, s:b}", "username", who->username, "changed", 1);
		return 0;
	}
	/* a wrong current password counts as a failed sign-in (and may lock) */
	char token[FK_TOKEN_LEN + 1];
	int64_t expires = 0;
	if (fk_login_record(db, &c->login, who->username, c->addr, token, &expires) < 0)
		return fk_err_internal(e);
	if (c->login.result == FK_LOGIN_THROTTLED)
		fk_err_set(e, 429, "throttled", NULL, "too many failed attempts; try again in %lld seconds",
			   (long long)c->login.retry_after);
	else
		fk_err_invalid(e, "current_password", "current_password: not your current password");
	return 0; /* keep the failure and its audit entry */
}

static void passwd_finish(fk_req *r, void *in)
{
	passwd_ctx *c = in;
	if (r->err.status == 429)
		fk_req_header(r, "Retry-After", fk_arena_printf(&r->arena, "%lld", (long long)c->login.retry_after));
}

int h_me_password(fk_req *r)
{
	if (fk_fields_check(r->json, fk_me_password_fields, &r->err) < 0)
		return -1;
	const char *cur = fk_json_str(r->json, "current_password"), *pw = fk_json_str(r->json, "new_password");
	if (strcmp(cur, pw) == 0)
		return fk_req_fail(r, 400, "invalid", "new_password", "new_password: must differ from the current one");
	passwd_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	if (fk_login_check(r->db, r->actor.username, cur, r->addr, &c->login) < 0)
		return fk_req_fail(r, 503, "unavailable", NULL, "the database is unavailable");
	c->login.rehash = false; /* the password changes anyway */
	if (c->login.result == FK_LOGIN_OK && fk_password_hash(pw, c->hash, &r->err) < 0)
		return -1;
	c->token = r->token;
	c->addr = r->addr;
	return fk_req_write(r, &(fk_job){ .run = passwd_job, .in = c, .finish = passwd_finish });
}

/* ---- one's own sessions ---- */

int h_me_sessions(fk_req *r)
{
	json_t *out = fk_sessions_mine(r->db, &r->actor, r->token);
	if (!out)
		return fk_req_fail(r, 503, "unavailable", NULL, "the database is unavailable");
	return fk_req_reply(r, 200, out);
}

/* The session a job ends: the caller's token (to mark the current one) and
 * the id named in the path, or NULL for all the others. */
typedef struct end_ctx {
	const char *token, *id;
	int64_t ended;
} end_ctx;

static int session_end_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	(void)out; /* 204 */
	end_ctx *c = in;
	return fk_session_end_mine(db, who, c->token, c->id, e);
}

int h_me_session_delete(fk_req *r)
{
	end_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	*c = (end_ctx){ .token = r->token, .id = fk_req_param(r, "id") };
	return fk_req_write(r, &(fk_job){ .run = session_end_job, .in = c, .status = 204 });
}

static int sessions_end_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	end_ctx *c = in;
	if (fk_sessions_end_others(db, who, c->token, &c->ended, e) < 0)
		return -1;
	*out = json_pack("{s:I}", "sessions_ended", (json_int_t)c->ended);
	return 0;
}

int h_me_sessions_delete(fk_req *r)
{
	end_ctx *c = fk_arena_alloc(&r->arena, sizeof(*c));
	*c = (end_ctx){ .token = r->token };
	return fk_req_write(r, &(fk_job){ .run = sessions_end_job, .in = c });
}

int h_roles(fk_req *r)
{
	json_t *items = json_array();
	for (int role = 1; role < FK_ROLE_COUNT; role++) {
		const char *perms[64];
		int n = fk_role_perm_names((fk_role)role, perms, 64);
		json_t *pa = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(pa, json_string(perms[i]));
		json_array_append_new(items, json_pack("{s:s, s:o}", "role", fk_role_name((fk_role)role),
						       "permissions", pa));
	}
	return fk_req_reply(r, 200, json_pack("{s:o, s:n}", "items", items, "next"));
}
