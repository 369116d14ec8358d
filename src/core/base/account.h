/* account.h - users, passwords, sessions and login throttling.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str) and
 * rehashed on login when the parameters change.  Session tokens are 256-bit
 * random values sent to the client once; only their BLAKE2b hash is stored.
 * Login is split so the slow password check runs on a request thread and
 * only the short write (session or failure, and the audit entry) goes to the
 * writer: fk_login_check, then fk_login_record.
 */
#ifndef FK_ACCOUNT_H
#define FK_ACCOUNT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/arena.h"
#include "util/err.h"

#define FK_TOKEN_LEN 43 /* base64url of 32 bytes, without padding */
#define FK_AGENT_LEN 200 /* bytes of a User-Agent kept with a session */

typedef struct fk_account_limits {
	int64_t session_ttl;  /* seconds a session lives (default 12 h) */
	int64_t session_idle; /* seconds a session lives unused (default 2 h) */
	/* Failed sign-ins within fail_window before a lock, counted per account
	 * (from any address), per account and address, and per address over
	 * all accounts (loose: a street may share one carrier-NAT address). */
	int max_failures;      /* per account (default 10) */
	int max_pair_failures; /* per account and address (default 5) */
	int max_addr_failures; /* per address (default 200) */
	int64_t fail_window;   /* seconds the failures are counted over (default 900) */
	int64_t lock_delay;    /* seconds of the first lock, doubled by each further
				* failure up to fail_window (default 60) */
	int max_sessions;      /* sessions one user holds at once; a sign-in beyond
				* ends the least recently used (default 100) */
} fk_account_limits;

extern fk_account_limits fk_account_config;

typedef struct fk_user {
	int64_t id;
	char username[65];
	fk_role role;
	char region[32];
	bool disabled;
	bool must_change; /* the password was set by someone else */
} fk_user;

#define FK_PWHASH_LEN 128

/* Checks the password rule (8..128 bytes) and hashes it with argon2id into
 * out (FK_PWHASH_LEN bytes).  Slow by design (~0.1 s): callers run it
 * before taking the write lock.  Returns 0 or -1 with e set. */
int fk_password_hash(const char *password, char *out, fk_err *e);

/* Validates the inputs and inserts the user with an already hashed password,
 * with an audit entry.  Must run in a write transaction.  Returns 0 and the
 * new id in *id (may be NULL), or -1 with e set (400 naming the field, 409
 * when the username exists, 404 when region is unknown or outside who's
 * scope). */
int fk_user_add(fk_db *db, const fk_actor *who, const char *username, const char *pwhash,
		const char *role, const char *region, const char *display_name, int64_t *id, fk_err *e);
/* Sets a new (hashed) password, ends the user's sessions and clears their
 * failed sign-ins, which lifts a lock (audited as "login.unlocked"). */
int fk_user_passwd(fk_db *db, const fk_actor *who, const char *username, const char *pwhash, fk_err *e);
/* fk_user_passwd, and when must_change the user must choose their own
 * password at their next sign-in (audited with {"must_change": true}). */
int fk_user_reset(fk_db *db, const fk_actor *who, const char *username, const char *pwhash, bool must_change,
		  fk_err *e);
/* Marks user id (just created) as having to change their password. */
int fk_user_must_change(fk_db *db, int64_t id);
/* A one-time password: 14 characters "abcd-efgh-jkmn" from 31 unambiguous
 * letters and digits (about 59 random bits), into out[15]; its hash
 * (cheap argon2id parameters: it is random and must be changed at the first
 * sign-in, which rehashes) into hash (FK_PWHASH_LEN bytes).  Returns 0 or -1. */
int fk_password_onetime(char out[15], char *hash);
/* The signed-in user (who) sets their own password (already hashed and the
 * current one checked by the caller with fk_login_check): clears
 * must_change and ends their other sessions, all but the one of keep_token.
 * Audited as "password.change".  Returns 0 or -1 with e set. */
int fk_password_change(fk_db *db, const fk_actor *who, const char *keep_token, const char *pwhash, fk_err *e);
/* Ends every session of username (in who's scope, else 404), audited as
 * "user.sessions_end" with {"sessions_ended": n}; *ended gets n. */
int fk_user_sessions_end(fk_db *db, const fk_actor *who, const char *username, int64_t *ended, fk_err *e);
/* Deletes user_id's sessions but the one of keep_token (NULL: all of
 * them), counting them into *ended (may be NULL).  Returns 0 or -1. */
int fk_sessions_delete(fk_db *db, int64_t user_id, const char *keep_token, int64_t *ended);
/* The stored form of a session token: its BLAKE2b-256 hash. */
void fk_token_hash(const char *token, unsigned char out[32]);
/* Disables (or re-enables) a user; disabling ends their sessions. */
int fk_user_disable(fk_db *db, const fk_actor *who, const char *username, bool disabled, fk_err *e);
/* Users in who's scope, ordered by username (a declared list). */
extern const struct fk_list fk_user_list;


typedef enum fk_login_result {
	FK_LOGIN_OK,
	FK_LOGIN_BAD,        /* unknown user, wrong password or disabled: one answer for all */
	FK_LOGIN_THROTTLED,
} fk_login_result;

typedef struct fk_login {
	fk_login_result result;
	int64_t retry_after; /* seconds, when throttled */
	fk_user user;        /* when OK */
	bool rehash;         /* the stored hash uses old parameters */
	char new_hash[128];  /* when rehash */
	char agent[FK_AGENT_LEN + 1]; /* the client's User-Agent, recorded with a new
				       * session (fk_agent_clean; "" when unknown) */
} fk_login;

/* Copies a User-Agent header into out (FK_AGENT_LEN + 1 bytes): printable
 * ASCII only (anything else becomes '?'), cut at FK_AGENT_LEN bytes. */
void fk_agent_clean(const char *header, char *out);

/* Reads throttling state and verifies the password (slow, ~0.1 s).
 * Returns 0 with *out filled, or -1 on a database error. */
int fk_login_check(fk_db *db, const char *username, const char *password, const char *addr,
		   fk_login *out);

/* Records the outcome of fk_login_check in a write transaction: on success a
 * new session (token written to token, FK_TOKEN_LEN + 1 bytes) and an audit
 * entry "login"; otherwise a failure row and "login.failed", and
 * "login.locked" when that failure starts a lock.  The throttle
 * is checked again here, under the write lock (login->result may turn to
 * FK_LOGIN_THROTTLED).  Returns 0 or -1. */
int fk_login_record(fk_db *db, fk_login *login, const char *username, const char *addr,
		    char *token, int64_t *expires_at);

/* Resolves a token to the acting user; strings are copied into a.  Returns
 * 1 when the session is valid, 0 when not (unknown, expired, unused for
 * session_idle seconds, user disabled), -1 on a database error.  *stale
 * (may be NULL) says that the session's last use should be recorded with
 * fk_session_touch: lookups read only, and touch about once a minute. */
int fk_session_lookup(fk_db *db, const char *token, const char *addr, fk_arena *a, fk_actor *out,
		      int64_t *expires_at, bool *stale);
/* Records that the session of token (FK_TOKEN_LEN characters) was used at
 * now.  Must run in a write transaction.  Returns 0 or -1. */
int fk_session_touch(fk_db *db, const char *token, int64_t now);
/* Ends a session (audited as "logout").  Returns 0 or -1. */
int fk_session_end(fk_db *db, const fk_actor *who, const char *token);

#endif
