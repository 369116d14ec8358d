/* sessions.h - a user's own sessions: the list of where they are signed in,
 * and signing out one of them or all but the current one.  The sessions
 * table belongs to account.c; these functions are its companions (they use
 * fk_token_hash) and run in the same way: reads on any connection, ends in a
 * write transaction with an audit entry.
 *
 * A session is named by its id: the first 16 hexadecimal digits of its
 * token's hash.  The token itself is never shown, and the id cannot be
 * turned back into it. */
#ifndef FK_SESSIONS_H
#define FK_SESSIONS_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "store/db.h"
#include "util/err.h"

#define FK_SESSION_ID_LEN 16

/* who's live sessions (neither expired nor idle), most recently used
 * first: {"items":[{id, agent, addr, created_at, seen_at, expires_at,
 * current}]}; current marks the session of current_token.  A user has at
 * most fk_account_config.max_sessions.  Returns a new object or NULL on a
 * database error. */
json_t *fk_sessions_mine(fk_db *db, const fk_actor *who, const char *current_token);

/* Ends who's own session id (404 when who has no live session of that id),
 * audited as "session.end" with {"session": id, "current": bool}.  Must run
 * in a write transaction.  Returns 0 or -1 with e set. */
int fk_session_end_mine(fk_db *db, const fk_actor *who, const char *current_token, const char *id, fk_err *e);

/* Ends all of who's sessions but the one of current_token, audited as
 * "session.end" with {"others": true, "sessions_ended": n}; *ended gets n.
 * Returns 0 or -1 with e set. */
int fk_sessions_end_others(fk_db *db, const fk_actor *who, const char *current_token, int64_t *ended, fk_err *e);

#endif
