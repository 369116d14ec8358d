/* fuzz_fields.c - libFuzzer target for the field validator
 * (core/base/fields.c) on bodies read as the server reads them (http/body.c).
 *
 * Checks: when fk_fields_check accepts, every key is declared, every
 * required field is present and not null, each value has its declared type
 * and lies within its bounds (strings counted in UTF-8 characters); when it
 * refuses, the error is a 400 "invalid" naming a key of the body or a
 * declared field (or none, for a body that is not an object).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/fields.h"
#include "http/body.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

static const fk_field fields[] = {
	{ "username", FK_FT_STRING, true, 2, 64 },
	{ "name", FK_FT_STRING, false, 1, 4 },
	{ "note", FK_FT_STRING, false, 0, 0 },
	{ "age", FK_FT_INT, false, 0, 150 },
	{ "count", FK_FT_INT, false, 0, 0 },
	{ "score", FK_FT_NUMBER, false, 0, 0 },
	{ "active", FK_FT_BOOL, true, 0, 0 },
	{ 0 },
};

static const fk_field *declared(const char *key)
{
	for (const fk_field *f = fields; f->name; f++)
		if (strcmp(f->name, key) == 0)
			return f;
	return NULL;
}

/* An independent restatement of the rules, for accepted bodies. */
static void check_accepted(const json_t *obj)
{
	CHECK(json_is_object(obj));
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
		CHECK(declared(key) != NULL);
	for (const fk_field *f = fields; f->name; f++) {
		v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			CHECK(!f->required);
			continue;
		}
		switch (f->type) {
		case FK_FT_STRING: {
			CHECK(json_is_string(v));
			size_t chars = 0;
			for (const unsigned char *p = (const unsigned char *)json_string_value(v); *p; p++)
				chars += (*p & 0xC0) != 0x80;
			CHECK(chars == fk_utf8_len(json_string_value(v)));
			if (f->min || f->max)
				CHECK((int64_t)chars >= f->min && (int64_t)chars <= f->max);
			break;
		}
		case FK_FT_INT:
			CHECK(json_is_integer(v));
			if (f->min || f->max)
				CHECK(json_integer_value(v) >= f->min && json_integer_value(v) <= f->max);
			break;
		case FK_FT_NUMBER:
			CHECK(json_is_number(v));
			break;
		case FK_FT_BOOL:
			CHECK(json_is_boolean(v));
			break;
		default:
			CHECK(0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL;
	fk_err e;
	memset(&e, 0, sizeof(e));
	if (fk_body_parse((const char *)data, size, &fk_body_defaults, &v, &e) < 0)
		return 0;
	memset(&e, 0, sizeof(e));
	int rc = fk_fields_check(v, fields, &e);
	if (rc == 0) {
		CHECK(e.status == 0);
		check_accepted(v);
	} else {
		CHECK(rc == -1);
		CHECK(e.status == 400);
		CHECK(e.code && strcmp(e.code, "invalid") == 0);
		CHECK(memchr(e.field, '\0', sizeof(e.field)) != NULL);
		if (!json_is_object(v))
			CHECK(e.field[0] == '\0');
		else if (strlen(e.field) < sizeof(e.field) - 1) /* not cut short */
			CHECK(declared(e.field) != NULL || json_object_get(v, e.field) != NULL);
	}
	json_decref(v);
	return 0;
}
