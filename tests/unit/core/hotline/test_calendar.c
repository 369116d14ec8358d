/* test_calendar.c - working days and deadlines computed on them
 * (core/hotline/calendar.h): the 2020 Spring Festival as first announced
 * and as extended to 2 February, make-up working days, pauses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hotline/calendar.h"
#include "util/date.h"

static int64_t D(int y, int m, int d)
{
	return fk_days_from_civil(y, m, d);
}

static int64_t at(int y, int m, int d, int hour)
{
	return fk_local_time(D(y, m, d), hour);
}

/* The 2020 notice of December 2019 (国办发明电〔2019〕16号): 24-30 Jan off,
 * Sun 19 Jan and Sat 1 Feb working days. */
static void spring_festival(fk_workcal *c)
{
	fk_workcal_init(c);
	fk_workcal_put(c, D(2020, 1, 19), true, "spring_festival");
	for (int d = 24; d <= 30; d++)
		fk_workcal_put(c, D(2020, 1, d), false, "spring_festival");
	fk_workcal_put(c, D(2020, 2, 1), true, "spring_festival");
}

/* ... extended on 26 Jan (国办发明电〔2020〕1号) to Sun 2 Feb: 31 Jan - 2 Feb
 * off, the make-up Saturday cancelled. */
static void extended(fk_workcal *c)
{
	spring_festival(c);
	for (int d = 31; d <= 33; d++)
		fk_workcal_put(c, D(2020, 1, d), false, "spring_festival_extended");
}

static int setup(void **state)
{
	(void)state;
	return fk_zone_set("Asia/Shanghai");
}

static void test_weekdays(void **state)
{
	(void)state;
	assert_int_equal(fk_weekday(0), 4); /* 1970-01-01, a Thursday */
	assert_int_equal(fk_weekday(D(2020, 1, 19)), 0);
	assert_int_equal(fk_weekday(D(2020, 2, 1)), 6);
	fk_workcal c;
	fk_workcal_init(&c);
	const char *why;
	assert_false(fk_workcal_is_work(&c, D(2020, 1, 19), &why));
	assert_string_equal(why, "weekend");
	assert_true(fk_workcal_is_work(&c, D(2020, 1, 20), &why));
	spring_festival(&c);
	assert_true(fk_workcal_is_work(&c, D(2020, 1, 19), &why));
	assert_string_equal(why, "spring_festival");
	assert_false(fk_workcal_is_work(&c, D(2020, 1, 24), NULL));
	/* replacing an entry keeps one per day */
	int n = c.n;
	assert_int_equal(fk_workcal_put(&c, D(2020, 1, 24), false, "again"), 0);
	assert_int_equal(c.n, n);
	assert_int_equal(fk_workcal_next(&c, D(2020, 1, 17), 1), D(2020, 1, 19));
	assert_int_equal(fk_workcal_next(&c, D(2020, 1, 23), 1), D(2020, 1, 31));
}

static int64_t due(const fk_workcal *c, int64_t start, int n, json_t **how)
{
	fk_deadline d;
	*how = json_object();
	assert_int_equal(fk_deadline_compute(c, start, FK_LIMIT_WORKDAYS, n, NULL, 0, &d, *how), 0);
	return d.due;
}

static bool lists(const json_t *arr, const char *date, const char *why)
{
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) if (strcmp(json_string_value(json_object_get(it, "date")), date) == 0 &&
					   (!why || strcmp(json_string_value(json_object_get(it, "why")), why) == 0)) return true;
	return false;
}

static void test_five_days_over_the_festival(void **state)
{
	(void)state;
	fk_workcal c;
	json_t *how;
	/* as first announced: counted from Thu 23 Jan (1); 24-30 off; Fri 31
	 * (2); Sat 1 Feb made up (3); Sun 2 off; Mon 3 (4); Tue 4 (5) */
	spring_festival(&c);
	assert_int_equal(due(&c, at(2020, 1, 22, 10), 5, &how), at(2020, 2, 5, 0));
	assert_string_equal(json_string_value(json_object_get(how, "counted_from")), "2020-01-23");
	assert_true(lists(json_object_get(how, "made_up"), "2020-02-01", "spring_festival"));
	assert_true(lists(json_object_get(how, "skipped"), "2020-01-24", "spring_festival"));
	assert_true(lists(json_object_get(how, "skipped"), "2020-02-02", "weekend"));
	assert_int_equal(json_array_size(json_object_get(how, "skipped")), 8);
	json_decref(how);
	/* extended to 2 Feb: 23 Jan (1), then 3, 4, 5, 6 Feb */
	extended(&c);
	assert_int_equal(due(&c, at(2020, 1, 22, 10), 5, &how), at(2020, 2, 7, 0));
	assert_int_equal(json_array_size(json_object_get(how, "made_up")), 0);
	assert_true(lists(json_object_get(how, "skipped"), "2020-02-01", "spring_festival_extended"));
	assert_int_equal(json_array_size(json_object_get(how, "skipped")), 10);
	json_decref(how);
}

static void test_make_up_day(void **state)
{
	(void)state;
	fk_workcal c;
	json_t *how;
	spring_festival(&c);
	/* dispatched Friday 17 Jan: the next working day is Sunday 19 Jan */
	assert_int_equal(due(&c, at(2020, 1, 17, 15), 1, &how), at(2020, 1, 20, 0));
	assert_true(lists(json_object_get(how, "made_up"), "2020-01-19", NULL));
	assert_true(lists(json_object_get(how, "skipped"), "2020-01-18", "weekend"));
	json_decref(how);
	/* without the make-up day it is Monday */
	fk_workcal_init(&c);
	assert_int_equal(due(&c, at(2020, 1, 17, 15), 1, &how), at(2020, 1, 21, 0));
	json_decref(how);
}

static void test_pauses(void **state)
{
	(void)state;
	fk_workcal c;
	fk_workcal_init(&c);
	fk_deadline d;
	int64_t t = at(2020, 3, 2, 9);
	/* hours: a closed pause adds its length; an open one stops the clock */
	fk_pause p1[] = { { t + 3600, t + 3 * 3600, "waiting" } };
	assert_int_equal(fk_deadline_compute(&c, t, FK_LIMIT_HOURS, 2, p1, 1, &d, NULL), 0);
	assert_int_equal(d.due, t + 4 * 3600);
	fk_pause p2[] = { { t + 3600, 0, "waiting" } };
	assert_int_equal(fk_deadline_compute(&c, t, FK_LIMIT_HOURS, 2, p2, 1, &d, NULL), 0);
	assert_int_equal(d.due, 0);
	assert_int_equal(d.left, 3600);
	/* working days: six hours paused on Tuesday move the end six hours */
	fk_pause p3[] = { { at(2020, 3, 3, 12), at(2020, 3, 3, 18), "waiting" } };
	json_t *how = json_object();
	assert_int_equal(fk_deadline_compute(&c, t, FK_LIMIT_WORKDAYS, 1, p3, 1, &d, how), 0);
	assert_int_equal(d.due, at(2020, 3, 4, 6));
	assert_int_equal(json_array_size(json_object_get(how, "paused")), 1);
	json_decref(how);
	/* a pause over a weekend costs nothing */
	int64_t fri = at(2020, 3, 6, 9);
	fk_pause p4[] = { { at(2020, 3, 7, 0), at(2020, 3, 8, 23), "waiting" } };
	assert_int_equal(fk_deadline_compute(&c, fri, FK_LIMIT_WORKDAYS, 1, p4, 1, &d, NULL), 0);
	assert_int_equal(d.due, at(2020, 3, 10, 0));
	/* an open pause on a working day: the time left is what remained */
	fk_pause p5[] = { { at(2020, 3, 3, 6), 0, "waiting" } };
	assert_int_equal(fk_deadline_compute(&c, t, FK_LIMIT_WORKDAYS, 2, p5, 1, &d, NULL), 0);
	assert_int_equal(d.due, 0);
	assert_int_equal(d.left, 2 * 86400 - 6 * 3600);
}

static void test_full_calendar(void **state)
{
	(void)state;
	fk_workcal c;
	fk_workcal_init(&c);
	for (int i = 0; i < FK_WORKCAL_MAX; i++)
		assert_int_equal(fk_workcal_put(&c, 20000 + i, false, "x"), 0);
	assert_int_equal(fk_workcal_put(&c, 10, false, "x"), -1);
	/* every day off for longer than the walk allows: no deadline */
	fk_workcal_init(&c);
	for (int i = 0; i < FK_WORKCAL_MAX; i++)
		fk_workcal_put(&c, D(2020, 1, 1) + i, false, "x");
	fk_deadline d;
	int64_t start = at(2020, 1, 1, 9);
	assert_int_equal(fk_deadline_compute(&c, start, FK_LIMIT_WORKDAYS, 1, NULL, 0, &d, NULL), 0);
	assert_true(d.due > start + FK_WORKCAL_MAX * 86400LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekdays),
		cmocka_unit_test(test_five_days_over_the_festival),
		cmocka_unit_test(test_make_up_day),
		cmocka_unit_test(test_pauses),
		cmocka_unit_test(test_full_calendar),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
