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

/* 2020-02-14 hh:mm UTC as Unix seconds */
static int64_t utc(int hh, int mm)
{
	return fk_days_from_civil(2020, 2, 14) * 86400LL + hh * 3600 + mm * 60;
}

static void test_zone_boundaries(void **state)
{
	(void)state;
	/* the process was started in UTC; the deployment is in Shanghai */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(fk_zone_set("Asia/Shanghai"), 0);
	assert_string_equal(fk_zone_name(), "Asia/Shanghai");
	assert_int_equal(fk_zone_offset(utc(0, 0)), 8 * 3600);
	int64_t d14 = fk_days_from_civil(2020, 2, 14), d15 = d14 + 1;
	/* 15:59 UTC is 23:59 in Shanghai: still the 14th, its evening slot */
	fk_clock_set(utc(15, 59));
	assert_int_equal(fk_today(), d14);
	assert_int_equal(fk_slot_of(fk_now()), d14 * 2 + 1);
	/* 16:01 UTC is 00:01 on the 15th: a new day, its morning slot */
	fk_clock_set(utc(16, 1));
	assert_int_equal(fk_today(), d15);
	assert_int_equal(fk_slot_of(fk_now()), d15 * 2);
	/* 03:59 UTC on the 15th is 11:59: morning; 04:01 is 12:01: afternoon */
	fk_clock_set(utc(24 + 3, 59));
	assert_int_equal(fk_slot_of(fk_now()), d15 * 2);
	fk_clock_set(utc(24 + 4, 1));
	assert_int_equal(fk_slot_of(fk_now()), d15 * 2 + 1);
	assert_int_equal(fk_today(), d15);
	/* the slot ends where fk_local_time says: noon and midnight */
	assert_int_equal(fk_slot_of(fk_local_time(d15, 12) - 1), d15 * 2);
	assert_int_equal(fk_slot_of(fk_local_time(d15, 12)), d15 * 2 + 1);
	assert_int_equal(fk_slot_of(fk_local_time(d15, 24)), (d15 + 1) * 2);
	/* the same instants in UTC: the 14th until midnight UTC */
	assert_int_equal(fk_zone_set("UTC"), 0);
	fk_clock_set(utc(16, 1));
	assert_int_equal(fk_today(), d14);
	assert_int_equal(fk_slot_of(fk_now()), d14 * 2 + 1);
	assert_int_equal(fk_zone_offset(utc(0, 0)), 0);
	fk_clock_set((int64_t)time(NULL));
}

static void test_zone_rejects(void **state)
{
	(void)state;
	assert_int_equal(fk_zone_set("Asia/Shanghai"), 0);
	const char *bad[] = { "", "Mars/Olympus", "Asia", "../../../etc/passwd", "/usr/share/zoneinfo/UTC",
			      "Asia/Shanghai;x", "Asia/Shanghai ", NULL };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fk_zone_set(bad[i]), -1);
	/* nothing changed */
	assert_string_equal(fk_zone_name(), "Asia/Shanghai");
	assert_string_equal(getenv("TZ"), "Asia/Shanghai");
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_zone_boundaries),
		cmocka_unit_test(test_zone_rejects),
	};
	return cmocka_run_group_tests_name("util/date", tests, NULL, NULL);
}
