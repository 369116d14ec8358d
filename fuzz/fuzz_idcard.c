/* fuzz_idcard.c - libFuzzer target for resident identity card numbers
 * (util/idcard.c).
 *
 * Input: the first byte picks "today" (a full date or only a year, as the
 * callers pass it); the rest, NUL-terminated, is the number.  Checks: an
 * accepted number is normalised to 18 characters with the right check
 * character, a birth date that exists and is not after today, and the sex
 * of its sequence digit; the input was 15 digits or 18 characters and
 * agrees with the normal form (15: region and date; 18: all but the case
 * of x).  A refusal gives a reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/idcard.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

static const int todays[] = { 20261207, 2026, 19000101, 20000229, 1900 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int today = todays[data[0] % (sizeof(todays) / sizeof(todays[0]))];
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	size_t n = strlen(s);
	fk_idcard c;
	memset(&c, 0xAA, sizeof(c));
	const char *why = NULL;
	if (fk_idcard_parse(s, today, &c, &why) == 0) {
		CHECK(n == 15 || n == 18);
		CHECK(memchr(c.number, '\0', sizeof(c.number)) == c.number + 18);
		for (int i = 0; i < 17; i++)
			CHECK(c.number[i] >= '0' && c.number[i] <= '9');
		CHECK(fk_idcard_check_char(c.number) == c.number[17]);
		if (n == 18) {
			CHECK(memcmp(c.number, s, 17) == 0);
			CHECK(c.number[17] == (s[17] == 'x' ? 'X' : s[17]));
		} else {
			CHECK(memcmp(c.number, s, 6) == 0 && memcmp(c.number + 8, s + 6, 9) == 0);
			CHECK(c.birth_year >= 1900 && c.birth_year <= 1999);
		}
		CHECK(c.birth_year >= 1900);
		char want[9];
		memcpy(want, c.number + 6, 8);
		want[8] = '\0';
		CHECK(atoi(want) == c.birth_year * 10000 + c.birth_month * 100 + c.birth_day);
		char iso[11];
		snprintf(iso, sizeof(iso), "%04d-%02d-%02d", c.birth_year, c.birth_month, c.birth_day);
		int64_t day;
		CHECK(fk_date_parse(iso, &day) == 0);
		if (today > 9999)
			CHECK(c.birth_year * 10000 + c.birth_month * 100 + c.birth_day <= today);
		else
			CHECK(c.birth_year <= today);
		CHECK(c.sex == ((c.number[16] - '0') % 2 ? 'M' : 'F'));
	} else {
		CHECK(why != NULL && why[0] != '\0');
	}
	free(s);
	return 0;
}
