/* account.c - users, argon2id passwords, hashed session tokens and login
 * throttling (see account.h).  Expected load: logins are rare and slow by
 * design; session lookups happen on every request and are one indexed read. */
#include "core/base/account.h"
#include "core/base/scope.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/base/audit.h"
#include "core/base/fields.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "util/date.h"

fk_account_limits fk_account_config = {
	.session_ttl = 12 * 3600,
	.session_idle = 2 * 3600,
	.max_failures = 10,
	.max_pair_failures = 5,
	.max_addr_failures = 200,
	.fail_window = 15 * 60,
	.lock_delay = 60,
	.max_sessions = 100,
};

/* Verified against when the username is unknown, so that the answer takes
 * as long as for a real user. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	if (crypto_pwhash_str(dummy_hash, "fangkong-dummy", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

static const char *pwhash_dummy(void)
{
	pthread_once(&dummy_once, dummy_make);
	return dummy_hash;
}

void fk_token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

void fk_agent_clean(const char *header, char *out)
{
	size_t n = 0;
	for (const char *c = header ? header : ""; *c && n < FK_AGENT_LEN; c++)
		out[n++] = *c >= 0x20 && *c < 0x7f ? *c : '?';
	out[n] = '\0';
}

int fk_sessions_delete(fk_db *db, int64_t user_id, const char *keep_token, int64_t *ended)
{
	unsigned char keep[32] = { 0 }; /* no token hashes to 32 zero bytes */
	if (keep_token)
		fk_token_hash(keep_token, keep);
	int64_t n = 0;
	if (fk_db_int64(db, &n, "SELECT count(*) FROM sessions WHERE user_id = $1 AND token_hash <> $2", "ib", user_id,
			keep, sizeof(keep)) < 0 ||
	    fk_db_run(db, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", "ib", user_id, keep,
		      sizeof(keep)) < 0)
		return -1;
	if (ended)
		*ended = n;
	return 0;
}

static int password_check(const char *password, fk_err *e)
{
	size_t n = password ? fk_utf8_len(password) : 0;
	if (n < 8)
		return fk_err_invalid(e, "password", "password: at least 8 characters");
	if (n > 128)
		return fk_err_invalid(e, "password", "password: at most 128 characters");
	return 0;
}

static int username_check(const char *u, fk_err *e)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 2 || n > 64)
		return fk_err_invalid(e, "username", "username: 2 to 64 characters");
	for (size_t i = 0; i < n; i++) {
		char c = u[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return fk_err_invalid(e, "username",
					      "username: only letters, digits, '.', '_' and '-' (position %zu)",
					      i + 1);
	}
	return 0;
}

int fk_password_hash(const char *password, char *out, fk_err *e)
{
	if (password_check(password, e) < 0)
		return -1;
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return fk_err_set(e, 503, "unavailable", NULL, "out of memory hashing the password");
	return 0;
}

int fk_user_add(fk_db *db, const fk_actor *who, const char *username, const char *hash,
		const char *role, const char *region, const char *display_name, int64_t *id, fk_err *e)
{
	if (username_check(username, e) < 0)
		return -1;
	fk_role r = fk_role_parse(role);
	if (r == FK_ROLE_NONE)
		return fk_err_invalid(e, "role", "role: one of %s", fk_role_names());
	if (!region)
		return fk_err_not_found(e, "region not found");
	json_t *home = fk_region_get(db, who, region, e); /* 404 unless it exists in scope */
	if (!home)
		return -1;
	json_decref(home);
	if (display_name && fk_utf8_len(display_name) > 64)
		return fk_err_invalid(e, "display_name", "display_name: at most 64 characters");
	int64_t now = fk_now(), newid = 0;
	int rc = fk_db_int64(db, &newid,
			     "INSERT INTO users (username, display_name, password_hash, role, region, created_at, updated_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
			     "sssssi", username, display_name ? display_name : "", hash, fk_role_name(r), region, now);
	if (rc == FK_DB_CONSTRAINT)
		return fk_err_conflict(e, "username", "username %s is taken", username);
	if (rc != FK_ROW)
		return fk_err_internal(e);
	json_t *d = json_pack("{s:s, s:s}", "role", fk_role_name(r), "region", region);
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", username);
	rc = fk_audit_append(db, who, "user.create", obj, region, d);
	json_decref(d);
	if (rc < 0)
		return fk_err_internal(e);
	if (id)
		*id = newid;
	return 0;
}

/* Finds a user in who's scope; 404 otherwise. */
static int user_find(fk_db *db, const fk_actor *who, const char *username, fk_user *u, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, region, role, disabled FROM users WHERE username = $1", "s",
			username) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		u->id = fk_stmt_int64(st, 0);
		snprintf(u->region, sizeof(u->region), "%s", fk_stmt_text(st, 1));
		u->role = fk_role_parse(fk_stmt_text(st, 2));
		u->disabled = fk_stmt_int64(st, 3) != 0;
		snprintf(u->username, sizeof(u->username), "%s", username);
	}
	fk_stmt_done(st);
	if (rc < 0)
		return fk_err_internal(e);
	char what[96];
	snprintf(what, sizeof(what), "user %s", username);
	return fk_scope_row(who, rc == FK_ROW ? u->region : NULL, what, e);
}

int fk_user_passwd(fk_db *db, const fk_actor *who, const char *username, const char *hash, fk_err *e)
{
	return fk_user_reset(db, who, username, hash, false, e);
}

int fk_user_reset(fk_db *db, const fk_actor *who, const char *username, const char *hash, bool must_change,
		  fk_err *e)
{
	fk_user u;
	if (user_find(db, who, username, &u, e) < 0)
		return -1;
	int64_t now = fk_now(), failures = 0;
	if (fk_db_run(db, "UPDATE users SET password_hash = $1, updated_at = $2, must_change = $3 WHERE id = $4",
		      "siii", hash, now, (int64_t)must_change, u.id) < 0 ||
	    fk_sessions_delete(db, u.id, NULL, NULL) < 0 ||
	    fk_db_int64(db, &failures, "SELECT count(*) FROM login_failures WHERE username = $1 AND at > $2", "si",
			username, now - fk_account_config.fail_window) < 0 ||
	    fk_db_run(db, "DELETE FROM login_failures WHERE username = $1", "s", username) < 0)
		return fk_err_internal(e);
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", username);
	json_t *pd = must_change ? json_pack("{s:b}", "must_change", 1) : NULL;
	int prc = fk_audit_append(db, who, "user.passwd", obj, u.region, pd);
	json_decref(pd);
	if (prc < 0)
		return fk_err_internal(e);
	/* A reset by an administrator also lifts the account's sign-in lock. */
	if (failures > 0) {
		json_t *d = json_pack("{s:I}", "failures", (json_int_t)failures);
		int rc = fk_audit_append(db, who, "login.unlocked", obj, u.region, d);
		json_decref(d);
		if (rc < 0)
			return fk_err_internal(e);
	}
	return 0;
}

int fk_user_must_change(fk_db *db, int64_t id)
{
	return fk_db_run(db, "UPDATE users SET must_change = 1 WHERE id = $1", "i", id);
}

int fk_password_onetime(char out[15], char *hash)
{
	static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
	for (int i = 0; i < 14; i++)
		out[i] = i % 5 == 4 ? '-' : alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[14] = '\0';
	return crypto_pwhash_str(hash, out, 14, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) == 0 ? 0 : -1;
}

int fk_password_change(fk_db *db, const fk_actor *who, const char *keep_token, const char *hash, fk_err *e)
{
	int64_t ended = 0;
	if (fk_db_run(db, "UPDATE users SET password_hash = $1, must_change = 0, updated_at = $2 WHERE id = $3", "sii",
		      hash, fk_now(), who->user_id) < 0 ||
	    fk_sessions_delete(db, who->user_id, keep_token, &ended) < 0)
		return fk_err_internal(e);
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", who->username);
	json_t *d = json_pack("{s:I}", "sessions_ended", (json_int_t)ended);
	int rc = fk_audit_append(db, who, "password.change", obj, who->region, d);
	json_decref(d);
	return rc < 0 ? fk_err_internal(e) : 0;
}

int fk_user_disable(fk_db *db, const fk_actor *who, const char *username, bool disabled, fk_err *e)
{
	fk_user u;
	if (user_find(db, who, username, &u, e) < 0)
		return -1;
	if (fk_db_run(db, "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3", "iii",
		      (int64_t)disabled, fk_now(), u.id) < 0 ||
	    (disabled && fk_sessions_delete(db, u.id, NULL, NULL) < 0))
		return fk_err_internal(e);
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", username);
	return fk_audit_append(db, who, disabled ? "user.disable" : "user.enable", obj, u.region, NULL) < 0
		       ? fk_err_internal(e)
		       : 0;
}

int fk_user_sessions_end(fk_db *db, const fk_actor *who, const char *username, int64_t *ended, fk_err *e)
{
	fk_user u;
	if (user_find(db, who, username, &u, e) < 0)
		return -1;
	if (fk_sessions_delete(db, u.id, NULL, ended) < 0)
		return fk_err_internal(e);
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", username);
	json_t *d = json_pack("{s:I}", "sessions_ended", (json_int_t)*ended);
	int rc = fk_audit_append(db, who, "user.sessions_end", obj, u.region, d);
	json_decref(d);
	return rc < 0 ? fk_err_internal(e) : 0;
}

static const fk_column user_cols[] = {
	{ "username", FK_C_TEXT }, { "id", FK_C_INT },	   { "display_name", FK_C_TEXT }, { "role", FK_C_TEXT },
	{ "region", FK_C_TEXT },   { "region_name", FK_C_TEXT }, { "disabled", FK_C_BOOL },    { "created_at", FK_C_INT },
	{ "must_change", FK_C_BOOL }, /* must choose a new password at the next sign-in */
	{ 0 },
};

const fk_list fk_user_list = {
	.select = "u.username, u.id, u.display_name, u.role, u.region, r.name, u.disabled, u.created_at, u.must_change"
		  " FROM users u JOIN regions r ON r.code = u.region",
	.scope = "u.region",
	.key = FK_KEY_TEXT,
	.text = "u.username",
	.cols = user_cols,
};

/* ---- sign-in throttling ----
 *
 * Failed sign-ins are rows of login_failures (username, addr, at), so every
 * instance on one database sees the same counts.  Three scopes are counted
 * over the window: the account from any address, the account from one
 * address, and the address over all accounts (a far looser limit: a street
 * of phones may share one carrier-NAT address).  A scope at its limit is
 * locked from its latest failure for lock_delay seconds, doubled by each
 * failure beyond the limit, at most the window: an attacker gets a few
 * guesses an hour, a person who mistyped waits a minute. */

typedef enum { SCOPE_ACCOUNT, SCOPE_PAIR, SCOPE_ADDR, SCOPE_COUNT } lock_scope;

static const char *const scope_names[SCOPE_COUNT] = { "account", "account+address", "address" };

typedef struct lock_state {
	int64_t wait;    /* seconds until a sign-in may be tried (0: now) */
	lock_scope scope; /* the scope that waits longest, when wait > 0 */
	int failures;    /* that scope's failures in the window */
} lock_state;

/* The lock of one scope: its failures since since and their latest time. */
static int scope_wait(fk_db *db, lock_scope sc, const char *username, const char *addr, int64_t now,
		      lock_state *st)
{
	const int limit[SCOPE_COUNT] = { fk_account_config.max_failures, fk_account_config.max_pair_failures,
					 fk_account_config.max_addr_failures };
	const fk_account_limits *c = &fk_account_config;
	int64_t since = now - c->fail_window;
	fk_stmt *q;
	int qrc = sc == SCOPE_ACCOUNT
			  ? fk_db_query(db, &q, "SELECT count(*), coalesce(max(at), 0) FROM login_failures"
						" WHERE username = $1 AND at > $2", "si", username, since)
		  : sc == SCOPE_PAIR
			  ? fk_db_query(db, &q, "SELECT count(*), coalesce(max(at), 0) FROM login_failures"
						" WHERE username = $1 AND addr = $2 AND at > $3", "ssi", username, addr, since)
			  : fk_db_query(db, &q, "SELECT count(*), coalesce(max(at), 0) FROM login_failures"
						" WHERE addr = $1 AND at > $2", "si", addr, since);
	if (qrc < 0)
		return -1;
	int rc = fk_stmt_step(q);
	int64_t n = rc == FK_ROW ? fk_stmt_int64(q, 0) : 0, last = rc == FK_ROW ? fk_stmt_int64(q, 1) : 0;
	fk_stmt_done(q);
	if (rc < 0)
		return -1;
	if (n < limit[sc])
		return 0;
	int64_t over = n - limit[sc], delay = c->lock_delay;
	while (over-- > 0 && delay < c->fail_window)
		delay *= 2;
	if (delay > c->fail_window)
		delay = c->fail_window;
	int64_t wait = last + delay - now;
	if (wait > st->wait) {
		st->wait = wait;
		st->scope = sc;
		st->failures = (int)n;
	}
	return 0;
}

/* The longest lock over the three scopes (st->wait 0: none).  Returns 0 or -1. */
static int lock_get(fk_db *db, const char *username, const char *addr, lock_state *st)
{
	int64_t now = fk_now();
	memset(st, 0, sizeof(*st));
	for (int sc = 0; sc < SCOPE_COUNT; sc++)
		if (scope_wait(db, (lock_scope)sc, username, addr, now, st) < 0)
			return -1;
	return 0;
}

/* Seconds until the username or the address may try again (0: now), or -1. */
static int64_t throttled_for(fk_db *db, const char *username, const char *addr)
{
	lock_state st;
	return lock_get(db, username, addr, &st) < 0 ? -1 : st.wait;
}

int fk_login_check(fk_db *db, const char *username, const char *password, const char *addr, fk_login *out)
{
	memset(out, 0, sizeof(*out));
	/* The user's home region first, so that even a throttled attempt is
	 * audited where the user's own auditors look. */
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, region FROM users WHERE username = $1", "s", username) < 0)
		return -1;
	if (fk_stmt_step(st) == FK_ROW) {
		out->user.id = fk_stmt_int64(st, 0);
		snprintf(out->user.region, sizeof(out->user.region), "%s", fk_stmt_text(st, 1));
	}
	fk_stmt_done(st);
	int64_t wait = throttled_for(db, username, addr);
	if (wait < 0)
		return -1;
	if (wait > 0) {
		out->result = FK_LOGIN_THROTTLED;
		out->retry_after = wait;
		return 0;
	}

	if (fk_db_query(db, &st,
			"SELECT id, password_hash, role, region, disabled, must_change FROM users WHERE username = $1", "s",
			username) < 0)
		return -1;
	int rc = fk_stmt_step(st);
	char hash[crypto_pwhash_STRBYTES] = "";
	if (rc == FK_ROW) {
		out->user.id = fk_stmt_int64(st, 0);
		snprintf(hash, sizeof(hash), "%s", fk_stmt_text(st, 1));
		out->user.role = fk_role_parse(fk_stmt_text(st, 2));
		snprintf(out->user.region, sizeof(out->user.region), "%s", fk_stmt_text(st, 3));
		out->user.disabled = fk_stmt_int64(st, 4) != 0;
		out->user.must_change = fk_stmt_int64(st, 5) != 0;
		snprintf(out->user.username, sizeof(out->user.username), "%s", username);
	}
	fk_stmt_done(st);
	if (rc < 0)
		return -1;
	size_t plen = strlen(password);
	if (rc != FK_ROW) {
		/* Same cost as a real check; the outcome is BAD either way. */
		(void)!crypto_pwhash_str_verify(pwhash_dummy(), password, plen);
		out->result = FK_LOGIN_BAD;
		return 0;
	}
	bool ok = crypto_pwhash_str_verify(hash, password, plen) == 0;
	if (!ok || out->user.disabled || out->user.role == FK_ROLE_NONE) {
		out->result = FK_LOGIN_BAD;
		return 0;
	}
	out->result = FK_LOGIN_OK;
	if (crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fk_err e;
		out->rehash = fk_password_hash(password, out->new_hash, &e) == 0;
	}
	return 0;
}

int fk_login_record(fk_db *db, fk_login *login, const char *username, const char *addr, char *token,
		    int64_t *expires_at)
{
	int64_t now = fk_now();
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", username);
	/* Checked again under the write lock: attempts racing in parallel were
	 * all checked before any of their failures was recorded. */
	if (login->result != FK_LOGIN_THROTTLED) {
		int64_t wait = throttled_for(db, username, addr);
		if (wait < 0)
			return -1;
		if (wait > 0) {
			login->result = FK_LOGIN_THROTTLED;
			login->retry_after = wait;
		}
	}
	if (login->result != FK_LOGIN_OK) {
		fk_actor anon = { .username = username, .addr = addr };
		const char *region = login->user.id ? login->user.region : "";
		if (login->result == FK_LOGIN_BAD &&
		    fk_db_run(db, "INSERT INTO login_failures (username, addr, at) VALUES ($1, $2, $3)", "ssi",
			      username, addr, now) < 0)
			return -1;
		json_t *d = json_pack("{s:s}", "reason", login->result == FK_LOGIN_BAD ? "bad credentials" : "throttled");
		int rc = fk_audit_append(db, &anon, "login.failed", obj, region, d);
		json_decref(d);
		if (rc < 0 || login->result != FK_LOGIN_BAD)
			return rc;
		/* This failure may have started a lock: say so, once per lock. */
		lock_state st;
		if (lock_get(db, username, addr, &st) < 0)
			return -1;
		if (st.wait <= 0)
			return 0;
		char aobj[96];
		snprintf(aobj, sizeof(aobj), "addr:%s", addr);
		d = json_pack("{s:s, s:i, s:I}", "scope", scope_names[st.scope], "failures", st.failures, "retry_after",
			      (json_int_t)st.wait);
		rc = fk_audit_append(db, &anon, "login.locked", st.scope == SCOPE_ADDR ? aobj : obj,
				     st.scope == SCOPE_ADDR ? "" : region, d);
		json_decref(d);
		return rc;
	}
	unsigned char raw[32], th[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, FK_TOKEN_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	fk_token_hash(token, th);
	*expires_at = now + fk_account_config.session_ttl;
	int64_t held = 0;
	if (fk_db_run(db, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, addr, seen_at, agent)"
		      " VALUES ($1, $2, $3, $4, $5, $3, $6)",
		      "biiiss", th, sizeof(th), login->user.id, now, *expires_at, addr, login->agent) < 0 ||
	    fk_db_run(db, "DELETE FROM login_failures WHERE username = $1", "s", username) < 0 ||
	    fk_db_run(db, "DELETE FROM sessions WHERE expires_at < $1", "i", now) < 0 ||
	    fk_db_int64(db, &held, "SELECT count(*) FROM sessions WHERE user_id = $1", "i", login->user.id) < 0)
		return -1;
	/* the bound on one user's sessions: the least recently used go */
	for (; held > fk_account_config.max_sessions; held--)
		if (fk_db_run(db, "DELETE FROM sessions WHERE token_hash = (SELECT token_hash FROM sessions"
			      " WHERE user_id = $1 ORDER BY seen_at, created_at LIMIT 1)", "i", login->user.id) < 0)
			return -1;
	if (login->rehash &&
	    fk_db_run(db, "UPDATE users SET password_hash = $1 WHERE id = $2", "si", login->new_hash,
		      login->user.id) < 0)
		return -1;
	fk_actor who = { .user_id = login->user.id, .username = username, .role = login->user.role,
			 .region = login->user.region, .addr = addr };
	return fk_audit_append(db, &who, "login", obj, login->user.region, NULL);
}

/* Seconds between two records of a session's use: the idle expiry is
 * exact to within this. */
static int64_t touch_every(void)
{
	int64_t t = fk_account_config.session_idle / 4;
	return t < 1 ? 1 : t > 60 ? 60 : t;
}

int fk_session_lookup(fk_db *db, const char *token, const char *addr, fk_arena *a, fk_actor *out,
		      int64_t *expires_at, bool *stale)
{
	if (stale)
		*stale = false;
	if (strlen(token) != FK_TOKEN_LEN)
		return 0;
	unsigned char th[32];
	fk_token_hash(token, th);
	fk_stmt *st;
	int64_t now = fk_now();
	if (fk_db_query(db, &st,
			"SELECT u.id, u.username, u.role, u.region, s.expires_at, s.seen_at, u.must_change FROM sessions s"
			" JOIN users u ON u.id = s.user_id"
			" WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.seen_at > $3 AND u.disabled = 0",
			"bii", th, sizeof(th), now, now - fk_account_config.session_idle) < 0)
		return -1;
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		out->user_id = fk_stmt_int64(st, 0);
		out->username = fk_arena_strdup(a, fk_stmt_text(st, 1));
		out->role = fk_role_parse(fk_stmt_text(st, 2));
		out->region = fk_arena_strdup(a, fk_stmt_text(st, 3));
		out->addr = addr;
		out->must_change = fk_stmt_int64(st, 6) != 0;
		if (expires_at)
			*expires_at = fk_stmt_int64(st, 4);
		if (stale)
			*stale = now - fk_stmt_int64(st, 5) >= touch_every();
	}
	fk_stmt_done(st);
	return rc < 0 ? -1 : rc == FK_ROW;
}

int fk_session_touch(fk_db *db, const char *token, int64_t now)
{
	unsigned char th[32];
	fk_token_hash(token, th);
	return fk_db_run(db, "UPDATE sessions SET seen_at = $1 WHERE token_hash = $2 AND seen_at < $1", "ib", now, th,
			 sizeof(th));
}

int fk_session_end(fk_db *db, const fk_actor *who, const char *token)
{
	unsigned char th[32];
	fk_token_hash(token, th);
	if (fk_db_run(db, "DELETE FROM sessions WHERE token_hash = $1", "b", th, sizeof(th)) < 0)
		return -1;
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%s", who->username);
	return fk_audit_append(db, who, "logout", obj, who->region, NULL);
}
