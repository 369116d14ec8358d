/* scope.h - region scope, decided in one place.
 *
 * Every account has a home region; it sees and changes only that region's
 * subtree.  Region codes nest by prefix (see region.h), so a scope is a code
 * range [base, hi) — one index range scan.  This module is the only code
 * that compares region codes for scope: a list resolves its region
 * parameter with fk_scope_region (or fk_scope_range for the SQL bounds), and
 * a record loaded by id — from the path or from inside a body — is checked
 * with fk_scope_row.  Anything outside the scope is answered exactly as
 * something that does not exist (404), so no caller learns it exists.
 * Any domain may call this module.
 */
#ifndef FK_SCOPE_H
#define FK_SCOPE_H

#include <stdbool.h>

#include "core/base/actor.h"
#include "store/db.h"
#include "util/err.h"

/* The code range of a scope: codes c with base <= c < hi. */
typedef struct fk_range {
	const char *base; /* the region asked for (or the caller's home) */
	char hi[32];      /* exclusive upper bound (see fk_scope_upper) */
} fk_range;

/* The region a read is about: region when given (a well-formed code in
 * who's scope), else who's home region.  NULL with a 404 in e otherwise. */
const char *fk_scope_region(const fk_actor *who, const char *region, fk_err *e);

/* The same, as a code range for SQL (`col >= base AND col < hi`).
 * Returns 0, or -1 with a 404 in e. */
int fk_scope_range(const fk_actor *who, const char *region, fk_range *out, fk_err *e);

/* A loaded record whose region (or grid) is code: 0 when in who's scope,
 * else -1 with a 404 "<what> not found" in e — the same answer as a record
 * that does not exist.  what names the record for the message ("site 12"). */
int fk_scope_row(const fk_actor *who, const char *code, const char *what, fk_err *e);

/* fk_scope_row for a record named inside a request body (or a query
 * argument): the 404 names field ("site_id", "[2].household_id"). */
int fk_scope_ref(const fk_actor *who, const char *code, const char *field, const char *what, fk_err *e);

/* fk_scope_ref for the record "<noun> <id>" a caller loaded itself:
 * region NULL when no such record exists (the same 404). */
int fk_scope_ref_id(const fk_actor *who, const char *region, const char *field, const char *noun, int64_t id,
		    fk_err *e);

/* The records a path or a body names by id. */
typedef enum fk_scope_kind {
	FK_SCOPE_CASE,
	FK_SCOPE_CONTACT,
	FK_SCOPE_OBSERVATION,
	FK_SCOPE_SITE,
	FK_SCOPE_PERSON,
	FK_SCOPE_HOUSEHOLD,
	FK_SCOPE_ALERT,
	/* mobilisation, supervision and announcements */
	FK_SCOPE_VOLUNTEER,
	FK_SCOPE_TEAM,
	FK_SCOPE_POST,
	FK_SCOPE_SHIFT,
	FK_SCOPE_SHIFT_PERSON,
	FK_SCOPE_CORRECTION,
	FK_SCOPE_TASK,
	FK_SCOPE_INSPECTION,
	FK_SCOPE_FINDING,
	FK_SCOPE_ANNOUNCEMENT,
	FK_SCOPE_PLEDGE,
	/* hotline and supplies */
	FK_SCOPE_DOCTOR_TEAM,
	FK_SCOPE_DOCTOR,
	FK_SCOPE_WAREHOUSE,
} fk_scope_kind;

/* Loads the region (or grid) of record id of kind and checks it as
 * fk_scope_ref does: 0 with the code in region, or -1 with a 404 "<kind>
 * <id> not found" naming field (NULL for a path id) when the record is
 * missing or out of who's scope, alike; 500 on a database error.  One call
 * for each id a write function takes. */
int fk_scope_load(fk_db *db, const fk_actor *who, fk_scope_kind kind, int64_t id, const char *field,
		  char region[16], fk_err *e);

/* A grid code named in a body or a query (field names it): 0 when it is a
 * grid that exists in who's scope; -1 with a 400 when the code is not a
 * 15-digit grid code, with a 404 "grid <code> not found" when it is missing
 * or out of scope, alike. */
int fk_scope_grid(fk_db *db, const fk_actor *who, const char *grid, const char *field, fk_err *e);

/* True when code lies in who's scope (for filtering computed results). */
bool fk_scope_has(const fk_actor *who, const char *code);

/* True when code lies in the subtree of scope (prefix test; "" holds all). */
bool fk_scope_contains(const char *scope, const char *code);
/* The exclusive upper bound of the code range under scope, written to hi
 * (at least strlen(scope) + 1 bytes): scope with its last character
 * incremented, or "~" for the empty scope; "" (an empty range) when hi is
 * too small. */
void fk_scope_upper(const char *scope, char *hi, int hilen);

#endif
