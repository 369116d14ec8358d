/* audit.h - the append-only, hash-chained audit log.
 *
 * Every write, every login and failed login, and every view or export of
 * personal data appends one entry inside the same transaction as the change
 * it records, so the log and the data never disagree.  Each entry carries
 * the hash of the one before; fk_audit_verify recomputes the chain.
 */
#ifndef FK_AUDIT_H
#define FK_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/actor.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/err.h"

/* Appends an entry about the record kind:id ("case:12"), with detail, which
 * it takes (NULL: {}).  The same as fk_audit_append otherwise. */
int fk_audit_record(fk_db *db, const fk_actor *who, const char *action, const char *kind, int64_t id,
		    const char *region, json_t *detail);

/* Appends an entry.  Must run inside a write transaction.  detail may be
 * NULL (stored as {}); it is not consumed.  Returns 0 or -1. */
int fk_audit_append(fk_db *db, const fk_actor *who, const char *action, const char *object,
		    const char *region, const json_t *detail);

/* Entries in who's scope, newest first; filters action and username (an
 * empty one is none).  The scope range holds entries about the caller's
 * subtree; entries with an empty region (logins, CLI actions) are visible
 * at national scope.  A declared list (core/base/list.h). */
extern const struct fk_list fk_audit_list;

/* Recomputes the chain.  Returns the number of entries checked (≥ 0) when
 * intact; -1 on a database error; otherwise sets *bad_id to the first entry
 * whose hash or link does not match and returns -2. */
int64_t fk_audit_verify(fk_db *db, int64_t *bad_id);

/* fk_audit_verify that also calls head(id, hash, arg) for every entry
 * found intact, in order, with the hash the chain gives it (what a
 * checkpoint of id entries signed).  head may be NULL. */
int64_t fk_audit_verify_each(fk_db *db, int64_t *bad_id,
			     void (*head)(int64_t id, const unsigned char hash[32], void *arg), void *arg);

/* The head: *size entries (0 for an empty log) and the last one's hash
 * (32 zero bytes when empty).  Returns 0 or -1. */
int fk_audit_head(fk_db *db, int64_t *size, unsigned char hash[32]);

#endif
