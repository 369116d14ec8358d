/* fuzz_date.c - libFuzzer target for calendar dates (util/date.c).
 *
 * The input, NUL-terminated, goes to fk_date_parse.  Checks: an accepted
 * date is exactly its own canonical form (fk_date_format of the day gives
 * the input back), within 1900..2999, and fk_days_from_civil agrees with
 * it; a refused one leaves the day untouched.  The first 8 bytes read as a
 * day number also go through fk_date_format and back when in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

static const int64_t first = -25567;  /* 1900-01-01 */
static const int64_t last = 376199;   /* 2999-12-31 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t day = INT64_MIN;
	if (fk_date_parse(s, &day) == 0) {
		CHECK(day >= first && day <= last);
		char back[11];
		fk_date_format(day, back);
		CHECK(strcmp(back, s) == 0);
		int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
		CHECK(fk_days_from_civil(y, m, d) == day);
	} else {
		CHECK(day == INT64_MIN);
	}
	if (size >= 8) {
		int64_t v;
		memcpy(&v, data, 8);
		v = first + (int64_t)((uint64_t)v % (uint64_t)(last - first + 1));
		char out[11];
		fk_date_format(v, out);
		int64_t again = 0;
		CHECK(fk_date_parse(out, &again) == 0 && again == v);
	}
	free(s);
	return 0;
}
