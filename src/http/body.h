/* body.h - reading a request's JSON body within limits.
 *
 * jansson parses with JSON_REJECT_DUPLICATES; before that a linear scan
 * bounds nesting depth (jansson's own limit is far deeper than any request
 * needs), and after it every string is bounded in length.  Each limit has
 * its own error naming the position or the field.
 */
#ifndef FK_BODY_H
#define FK_BODY_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

typedef struct fk_body_limits {
	int max_depth;     /* nesting of arrays/objects (default 32) */
	size_t max_string; /* bytes in any one string or key (default 64 KiB) */
} fk_body_limits;

extern const fk_body_limits fk_body_defaults;

/* Parses buf[0..len) as one JSON value.  Returns 0 with *out (caller owns),
 * or -1 with e set: 400 "invalid_json" with the position, "too_deep", or
 * "too_long" with the field path. */
int fk_body_parse(const char *buf, size_t len, const fk_body_limits *lim, json_t **out, fk_err *e);

#endif
