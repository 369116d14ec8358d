/* test_rules.c - the shift rules and the hours served (core/mobilise:
 * fk_mob_rule_check, fk_mob_served), pure functions without a database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/mobilise/mobilise.h"

#define H 3600
#define DAY0 20000 /* a day number */
#define T0 ((int64_t)DAY0 * 86400) /* its midnight (UTC: the rules take times as given) */

static fk_mob_span span(int64_t id, double from_h, double to_h)
{
	return (fk_mob_span){ T0 + (int64_t)(from_h * H), T0 + (int64_t)(to_h * H), DAY0, id };
}

static void no_other_shift_is_fine(void **state)
{
	(void)state;
	int which;
	assert_int_equal(fk_mob_rule_check(NULL, 0, span(1, 8, 12), 8, 2, &which), FK_MOB_OK);
	assert_int_equal(which, -1);
}

static void overlap_names_the_other_shift(void **state)
{
	(void)state;
	fk_mob_span have[] = { span(10, 8, 12), span(11, 14, 18) };
	int which;
	assert_int_equal(fk_mob_rule_check(have, 2, span(1, 17, 19), 24, 9, &which), FK_MOB_OVERLAP);
	assert_int_equal(which, 1);
	assert_int_equal(fk_mob_rule_check(have, 2, span(1, 7, 8.5), 24, 9, &which), FK_MOB_OVERLAP);
	assert_int_equal(which, 0);
	/* touching ends do not overlap */
	assert_int_equal(fk_mob_rule_check(have, 2, span(1, 12, 13), 24, 9, &which), FK_MOB_OK);
}

static void hours_per_day_at_and_past_the_limit(void **state)
{
	(void)state;
	fk_mob_span have[] = { span(10, 6, 10), span(11, 14, 17) };
	int which;
	/* 4 + 3 + 1 = 8: at the limit */
	assert_int_equal(fk_mob_rule_check(have, 2, span(1, 20, 21), 8, 9, &which), FK_MOB_OK);
	/* 4 + 3 + 1.5 > 8 */
	assert_int_equal(fk_mob_rule_check(have, 2, span(1, 20, 21.5), 8, 9, &which), FK_MOB_HOURS);
	assert_int_equal(which, -1);
	/* another day's shifts do not count */
	fk_mob_span other[] = { { T0 - 86400 + 8 * H, T0 - 86400 + 16 * H, DAY0 - 1, 12 } };
	assert_int_equal(fk_mob_rule_check(other, 1, span(1, 8, 16), 8, 9, &which), FK_MOB_OK);
}

static void back_to_back_counts_the_chain_both_ways(void **state)
{
	(void)state;
	fk_mob_span have[] = { span(10, 6, 8), span(11, 8.5, 10), span(12, 13, 14) };
	int which;
	/* 10:30 is 30 minutes after the second: a third in a row */
	assert_int_equal(fk_mob_rule_check(have, 3, span(1, 10.5, 11.5), 24, 2, &which), FK_MOB_BACK_TO_BACK);
	assert_true(which == 0 || which == 1);
	/* an hour's rest starts a new stretch */
	assert_int_equal(fk_mob_rule_check(have, 3, span(1, 11, 12), 24, 2, &which), FK_MOB_OK);
	/* 12:00-12:30 joins 13:00-14:00 only (two in a row: allowed) */
	assert_int_equal(fk_mob_rule_check(have, 3, span(1, 12, 12.5), 24, 2, &which), FK_MOB_OK);
	/* the limit of three allows the third */
	assert_int_equal(fk_mob_rule_check(have, 3, span(1, 10.5, 11.5), 24, 3, &which), FK_MOB_OK);
	/* bridging: a shift between two chains makes one of four */
	fk_mob_span two[] = { span(10, 6, 7), span(11, 9, 10) };
	assert_int_equal(fk_mob_rule_check(two, 2, span(1, 7.5, 8.5), 24, 2, &which), FK_MOB_BACK_TO_BACK);
	assert_int_equal(fk_mob_rule_check(two, 2, span(1, 7.5, 8.5), 24, 3, &which), FK_MOB_OK);
}

static void served_is_clipped_to_the_shift(void **state)
{
	(void)state;
	int64_t s = T0 + 8 * H, e = T0 + 12 * H;
	/* early arrival and late leaving count only the shift */
	fk_mob_event a[] = { { s - 1800, true }, { e + 3600, false } };
	assert_int_equal(fk_mob_served(a, 2, s, e), 4 * H);
	/* a break: two intervals */
	fk_mob_event b[] = { { s, true }, { s + H, false }, { s + 2 * H, true }, { s + 3 * H, false } };
	assert_int_equal(fk_mob_served(b, 4, s, e), 2 * H);
	/* a second check-in while on duty counts from the first */
	fk_mob_event c[] = { { s + 600, true }, { s + 1200, true }, { s + H, false } };
	assert_int_equal(fk_mob_served(c, 3, s, e), H - 600);
	/* an open check-in counts nothing; a stray check-out too */
	fk_mob_event d[] = { { s + 100, false }, { s + 600, true } };
	assert_int_equal(fk_mob_served(d, 2, s, e), 0);
	/* the forgotten check-out closed at the end: never overtime */
	fk_mob_event f[] = { { s + 600, true }, { e, false } };
	assert_int_equal(fk_mob_served(f, 2, s, e), 4 * H - 600);
	/* entirely outside the shift */
	fk_mob_event g[] = { { e + 60, true }, { e + 600, false } };
	assert_int_equal(fk_mob_served(g, 2, s, e), 0);
	assert_int_equal(fk_mob_served(NULL, 0, s, e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_other_shift_is_fine),
		cmocka_unit_test(overlap_names_the_other_shift),
		cmocka_unit_test(hours_per_day_at_and_past_the_limit),
		cmocka_unit_test(back_to_back_counts_the_chain_both_ways),
		cmocka_unit_test(served_is_clipped_to_the_shift),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
