/* test_date.c - day numbers and ISO dates (util/date.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/date.h"

static void test_round_trip(void **state)
{
	(void)state;
	int64_t d;
	assert_int_equal(fk_date_parse("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(fk_date_parse("2020-01-23", &d), 0); /* Wuhan closes its gates */
	assert_int_equal(d, 18284);
	char out[11];
	fk_date_format(18284, out);
	assert_string_equal(out, "2020-01-23");
	/* every day of four years round-trips */
	for (int64_t x = 18000; x < 18000 + 4 * 366; x++) {
		fk_date_format(x, out);
		assert_int_equal(fk_date_parse(out, &d), 0);
		assert_int_equal(d, x);
	}
	fk_date_format(-1, out);
	assert_string_equal(out, "1969-12-31");
}

static void test_rejects(void **state)
{
	(void)state;
	int64_t d = 42;
	const char *bad[] = { "2020-02-30", "2021-02-29", "2020-13-01", "2020-1-23", "20200123", "2020-01-23x",
			      "", "1899-12-31", "abcd-ef-gh" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fk_date_parse(bad[i], &d), -1);
	assert_int_equal(d, 42);
	assert_int_equal(fk_date_parse("2020-02-29", &d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests_name("util/date", tests, NULL, NULL);
}
