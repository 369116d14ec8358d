/* test_date.c - day numbers and ISO dates (util/date.h). */
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

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

static void test_local_time(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	/* 2020-01-23 10:00 in Wuhan is 02:00 UTC */
	assert_int_equal(fk_local_time(18284, 10), 18284 * 86400LL + 2 * 3600);
	assert_int_equal(fk_local_time(18284, 24), fk_local_time(18285, 0));
	assert_int_equal(fk_day_of(fk_local_time(18284, 0)), 18284);
	assert_int_equal(fk_day_of(fk_local_time(18284, 24) - 1), 18284);
	/* a day of summer time: the clock still reads noon at 12:00 */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	assert_int_equal(fk_local_time(fk_days_from_civil(2026, 7, 1), 12),
			 fk_days_from_civil(2026, 7, 1) * 86400LL + 10 * 3600);
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_local_time),
	};
	return cmocka_run_group_tests_name("util/date", tests, NULL, NULL);
}
