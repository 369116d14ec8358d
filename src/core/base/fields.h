/* fields.h - declared input fields and the one validator for them.
 *
 * A resource declares its writable fields once (name, type, required,
 * bounds); fk_fields_check validates a request object against the
 * declaration: unknown keys, wrong types, missing required fields and
 * out-of-range values are each reported with the field's name.
 */
#ifndef FK_FIELDS_H
#define FK_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

typedef enum fk_ftype { FK_FT_STRING = 1, FK_FT_INT, FK_FT_NUMBER, FK_FT_BOOL, FK_FT_ARRAY, FK_FT_OBJECT } fk_ftype;

typedef struct fk_field {
	const char *name;
	fk_ftype type;
	bool required;
	int64_t min, max; /* string: length in characters; int: value; array: items; 0,0 = unbounded */
} fk_field;

/* Checks obj against fields (terminated by a zero entry).  Returns 0 or -1
 * with e set: 400 "invalid" naming the field. */
int fk_fields_check(const json_t *obj, const fk_field *fields, fk_err *e);

/* The string at key, or NULL when absent or null. */
const char *fk_json_str(const json_t *obj, const char *key);

/* The string at key, or "" when absent. */
const char *fk_json_str_or(const json_t *obj, const char *key);

/* Number of characters in a UTF-8 string (jansson has validated it). */
size_t fk_utf8_len(const char *s);

#endif
