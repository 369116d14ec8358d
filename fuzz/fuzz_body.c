/* fuzz_body.c - libFuzzer target for the JSON body reader (http/body.c).
 *
 * Feeds the input to fk_body_parse under the default limits and under
 * small ones, and checks the contract on every answer: success gives a
 * value within the limits (no string or key longer than max_string, no
 * nesting deeper than max_depth); failure gives a 400 with one of the three
 * codes, a NUL-terminated message and field, and no value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/body.h"

#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c))                                                                 \
			__builtin_trap();                                                 \
	} while (0)

/* Depth of v (a scalar is 0, [] is 1) and the longest string or key. */
static void measure(const json_t *v, int level, int *depth, size_t *longest)
{
	if (level > *depth)
		*depth = level;
	if (json_is_string(v)) {
		if (json_string_length(v) > *longest)
			*longest = json_string_length(v);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) {
			if (strlen(k) > *longest)
				*longest = strlen(k);
			measure(x, level + 1, depth, longest);
		}
		if (level + 1 > *depth)
			*depth = level + 1;
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			measure(x, level + 1, depth, longest);
		if (level + 1 > *depth)
			*depth = level + 1;
	}
}

static void one(const uint8_t *data, size_t size, const fk_body_limits *lim)
{
	json_t *v = (json_t *)1;
	fk_err e;
	memset(&e, 0, sizeof(e));
	int rc = fk_body_parse((const char *)data, size, lim, &v, &e);
	if (rc == 0) {
		CHECK(v != NULL);
		CHECK(e.status == 0);
		int depth = 0;
		size_t longest = 0;
		measure(v, 0, &depth, &longest);
		CHECK(depth <= lim->max_depth);
		CHECK(longest <= lim->max_string);
		/* What was accepted serialises again. */
		char *s = json_dumps(v, JSON_COMPACT);
		CHECK(s != NULL);
		free(s);
		json_decref(v);
		return;
	}
	CHECK(rc == -1);
	CHECK(v == NULL);
	CHECK(e.status == 400);
	CHECK(e.code != NULL);
	CHECK(strcmp(e.code, "invalid_json") == 0 || strcmp(e.code, "too_deep") == 0 ||
	      strcmp(e.code, "too_long") == 0);
	CHECK(memchr(e.message, '\0', sizeof(e.message)) != NULL);
	CHECK(memchr(e.field, '\0', sizeof(e.field)) != NULL);
	CHECK(e.message[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy exactly size bytes long, so reading past the end is caught. */
	uint8_t *copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	one(copy, size, &fk_body_defaults);
	static const fk_body_limits small = { .max_depth = 3, .max_string = 8 };
	one(copy, size, &small);
	free(copy);
	return 0;
}
