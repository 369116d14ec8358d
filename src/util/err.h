/* err.h - the error a module or handler reports to its caller.
 *
 * Functions return 0 or a negative value; when they fail for a reason the
 * client should hear, they fill an fk_err with the HTTP status, a stable
 * machine code ("invalid", "not_found", ...), a human message and, when known,
 * the field, row or position at fault.  The HTTP layer renders it as
 * {"error":{"code":…,"message":…,"field":…}}; the CLI prints it.
 */
#ifndef FK_ERR_H
#define FK_ERR_H

typedef struct fk_err {
	int status;         /* HTTP status; 0 = no error recorded */
	const char *code;   /* static string */
	char message[512];
	char field[128];    /* "" when not about one field */
	char allowed[256];  /* comma-separated choices the client may take instead
			     * (e.g. the transitions allowed), "" when none */
} fk_err;

/* Records an error and returns -1.  field may be NULL. */
int fk_err_set(fk_err *e, int status, const char *code, const char *field,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Shorthands for the common cases; each returns -1. */
#define fk_err_invalid(e, field, ...) fk_err_set(e, 400, "invalid", field, __VA_ARGS__)
#define fk_err_not_found(e, ...) fk_err_set(e, 404, "not_found", NULL, __VA_ARGS__)
#define fk_err_conflict(e, field, ...) fk_err_set(e, 409, "conflict", field, __VA_ARGS__)
#define fk_err_forbidden(e, ...) fk_err_set(e, 403, "forbidden", NULL, __VA_ARGS__)
/* Records the choices that would have been accepted (rendered as an
 * "allowed" array).  Returns -1. */
int fk_err_allowed(fk_err *e, const char *comma_list);

#define fk_err_internal(e) fk_err_set(e, 500, "internal", NULL, "internal error")

#endif
