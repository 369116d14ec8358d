/* sessions.c - a user's own sessions: list, end one, end the others (see
 * sessions.h).  Expected load: a page of the account, a few times a day per
 * user; a user holds at most fk_account_config.max_sessions sessions. */
#include "core/base/sessions.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/base/account.h"
#include "core/base/audit.h"
#include "util/date.h"

static void session_id(const void *hash, char out[FK_SESSION_ID_LEN + 1])
{
	sodium_bin2hex(out, FK_SESSION_ID_LEN + 1, hash, FK_SESSION_ID_LEN / 2);
}

/* Steps through who's live sessions, most recently used first; each(hash,
 * st, arg) returns 0 to go on, 1 to stop.  Returns 0, 1 when each stopped,
 * or -1 on a database error. */
static int each_live(fk_db *db, const fk_actor *who, int (*each)(const void *hash, fk_stmt *st, void *arg),
		     void *arg)
{
	int64_t now = fk_now();
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT token_hash, created_at, seen_at, expires_at, addr, agent FROM sessions"
			" WHERE user_id = $1 AND expires_at > $2 AND seen_at > $3"
			" ORDER BY seen_at DESC, created_at DESC",
			"iii", who->user_id, now, now - fk_account_config.session_idle) < 0)
		return -1;
	int rc, out = 0;
	while ((rc = fk_stmt_step(st)) == FK_ROW) {
		size_t n = 0;
		const void *hash = fk_stmt_blob(st, 0, &n);
		if (!hash || n != 32)
			continue;
		if ((out = each(hash, st, arg)) != 0)
			break;
	}
	fk_stmt_done(st);
	return rc < 0 ? -1 : out;
}

struct list_ctx {
	json_t *items;
	unsigned char current[32];
};

static int list_one(const void *hash, fk_stmt *st, void *arg)
{
	struct list_ctx *c = arg;
	char id[FK_SESSION_ID_LEN + 1];
	session_id(hash, id);
	json_array_append_new(c->items,
			      json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "id", id, "agent", fk_stmt_text(st, 5),
					"addr", fk_stmt_text(st, 4), "created_at", (json_int_t)fk_stmt_int64(st, 1),
					"seen_at", (json_int_t)fk_stmt_int64(st, 2), "expires_at",
					(json_int_t)fk_stmt_int64(st, 3), "current",
					sodium_memcmp(hash, c->current, 32) == 0));
	return 0;
}

json_t *fk_sessions_mine(fk_db *db, const fk_actor *who, const char *current_token)
{
	struct list_ctx c = { .items = json_array() };
	fk_token_hash(current_token ? current_token : "", c.current);
	if (each_live(db, who, list_one, &c) < 0) {
		json_decref(c.items);
		return NULL;
	}
	return json_pack("{s:o, s:n}", "items", c.items, "next");
}

struct find_ctx {
	const char *id;
	unsigned char hash[32];
	bool found;
};

static int find_one(const void *hash, fk_stmt *st, void *arg)
{
	(void)st;
	struct find_ctx *c = arg;
	char id[FK_SESSION_ID_LEN + 1];
	session_id(hash, id);
	if (strcmp(id, c->id) != 0)
		return 0;
	memcpy(c->hash, hash, 32);
	c->found = true;
	return 1;
}

int fk_session_end_mine(fk_db *db, const fk_actor *who, const char *current_token, const char *id, fk_err *e)
{
	struct find_ctx c = { .id = id };
	if (strlen(id) != FK_SESSION_ID_LEN)
		return fk_err_not_found(e, "no session %s of yours", id);
	if (each_live(db, who, find_one, &c) < 0)
		return fk_err_internal(e);
	if (!c.found)
		return fk_err_not_found(e, "no session %s of yours", id);
	unsigned char cur[32];
	fk_token_hash(current_token ? current_token : "", cur);
	if (fk_db_run(db, "DELETE FROM sessions WHERE token_hash = $1 AND user_id = $2", "bi", c.hash, sizeof(c.hash),
		      who->user_id) < 0)
		return fk_err_internal(e);
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", who->username);
	json_t *d = json_pack("{s:s, s:b}", "session", id, "current", sodium_memcmp(cur, c.hash, 32) == 0);
	int rc = fk_audit_append(db, who, "session.end", obj, who->region, d);
	json_decref(d);
	return rc < 0 ? fk_err_internal(e) : 0;
}

int fk_sessions_end_others(fk_db *db, const fk_actor *who, const char *current_token, int64_t *ended, fk_err *e)
{
	if (fk_sessions_delete(db, who->user_id, current_token ? current_token : "", ended) < 0)
		return fk_err_internal(e);
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", who->username);
	json_t *d = json_pack("{s:b, s:I}", "others", 1, "sessions_ended", (json_int_t)*ended);
	int rc = fk_audit_append(db, who, "session.end", obj, who->region, d);
	json_decref(d);
	return rc < 0 ? fk_err_internal(e) : 0;
}
