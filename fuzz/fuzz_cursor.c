/* fuzz_cursor.c - libFuzzer target for list cursors and composite keys
 * (core/base/rows.c): fk_cursor_decode, fk_key_split, fk_key_floor and
 * fk_page_int, all of which read the "after" a client sends.
 *
 * Input: the first byte picks the number of key parts (1..4); the rest,
 * NUL-terminated, is tried as a cursor and as a decoded key.  Checks: a
 * cursor that decodes encodes back to itself (base64url has one form per
 * text here) and every key survives encode then decode; a key that splits
 * joins back with '|' to itself, each part within FK_KEY_PART; a page
 * number read from a key is positive.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

#include "core/base/rows.h"
#include "util/err.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int nparts = 1 + data[0] % 4;
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	fk_arena a = { 0 };

	char *key = fk_cursor_decode(&a, s);
	if (key) {
		CHECK(strlen(key) <= strlen(s));
		char *again = fk_cursor_decode(&a, fk_cursor_encode(&a, key));
		CHECK(again && strcmp(again, key) == 0);
	}
	/* any UTF-8 key goes and comes back (others are refused: 400) */
	if (*s && strlen(s) <= 768 && fk_utf8_valid(s, strlen(s)) == strlen(s)) {
		char *back = fk_cursor_decode(&a, fk_cursor_encode(&a, s));
		CHECK(back && strcmp(back, s) == 0);
	}

	const char *k = key ? key : s;
	char parts[4][FK_KEY_PART];
	if (fk_key_split(k, nparts, parts) == 0) {
		size_t n = 0;
		for (int i = 0; i < nparts; i++) {
			size_t len = strnlen(parts[i], FK_KEY_PART);
			CHECK(len < FK_KEY_PART);
			CHECK(memcmp(k + n, parts[i], len) == 0);
			n += len;
			if (i < nparts - 1) {
				CHECK(k[n] == '|');
				n++;
			}
			if (i > 0)
				CHECK(strchr(parts[i], '|') == NULL);
		}
		CHECK(k[n] == '\0');
		if (nparts == 2) {
			int64_t after = fk_key_floor(parts, "420106");
			CHECK(strcmp(parts[0], "420106") >= 0);
			(void)after;
		}
	}

	fk_page page = { 10, k };
	fk_err e;
	memset(&e, 0, sizeof(e));
	int64_t id = -7;
	if (fk_page_int(&page, 0, &id, &e) == 0)
		CHECK(id > 0);
	else
		CHECK(e.status == 400 && strcmp(e.field, "after") == 0);

	fk_arena_release(&a);
	free(s);
	return 0;
}
