/* test_rollup.c - the roll-up accumulator (core/base/rollup.h): counts added
 * at every ancestor, no limit on distinct keys, flushes that add to what is
 * stored (never overwrite) and write nothing twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/base/rollup.h"

/* Tables of the real schema: one keyed by region, one by (region, day). */
static const fk_rollup_table stats = { "region_stats", 0, { "households", "persons" } };
static const fk_rollup_table cov = { "coverage", 1, { "visited", "not_home", "refused", "abnormal" } };

static int setup(void **state)
{
	*state = tu_db_new(1);
	return 0;
}

static int teardown(void **state)
{
	tu_db_free(*state);
	return 0;
}

/* The stored count, or -1 when there is no row. */
static int64_t persons_at(fk_db *db, const char *region)
{
	int64_t n = -1;
	assert_true(fk_db_int64(db, &n, "SELECT persons FROM region_stats WHERE region = $1", "s", region) >= 0);
	return n;
}

static int64_t visited_at(fk_db *db, const char *region, int64_t day)
{
	int64_t n = -1;
	assert_true(fk_db_int64(db, &n, "SELECT visited FROM coverage WHERE region = $1 AND day = $2", "si", region,
				day) >= 0);
	return n;
}

static int64_t count_rows(fk_db *db, const char *table)
{
	char sql[64];
	int64_t n = -1;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	assert_true(fk_db_int64(db, &n, sql, "") >= 0);
	return n;
}

/* Two grids of one community, one of another street: each level holds the
 * sum of what lies under it. */
static void test_ancestors_summed(void **state)
{
	fk_db *db = ((tu_db *)*state)->db;
	fk_rollup *r = fk_rollup_new();
	int64_t a[] = { 1, 3 }, b[] = { 2, 5 }, c[] = { 0, 7 };
	fk_rollup_add(r, &stats, "420106001001001", 0, a);
	fk_rollup_add(r, &stats, "420106001001002", 0, b);
	fk_rollup_add(r, &stats, "420106002001001", 0, c);
	/* grids 3 + communities 2 + streets 2 + county, city, province, country */
	assert_int_equal(fk_rollup_size(r), 11);
	assert_int_equal(fk_rollup_apply(db, r), 0);
	assert_int_equal(persons_at(db, "420106001001001"), 3);
	assert_int_equal(persons_at(db, "420106001001002"), 5);
	assert_int_equal(persons_at(db, "420106001001"), 8);
	assert_int_equal(persons_at(db, "420106001"), 8);
	assert_int_equal(persons_at(db, "420106002"), 7);
	assert_int_equal(persons_at(db, "420106"), 15);
	assert_int_equal(persons_at(db, "42"), 15);
	assert_int_equal(persons_at(db, ""), 15);
	int64_t hh = -1;
	assert_true(fk_db_int64(db, &hh, "SELECT households FROM region_stats WHERE region = ''", "") >= 0);
	assert_int_equal(hh, 3);
	/* a code above grid level counts from its own level up */
	r = fk_rollup_new();
	assert_int_equal(fk_rollup_add_col(r, &stats, "420106", 0, "persons", 1), 0);
	assert_int_equal(fk_rollup_size(r), 4);
	assert_int_equal(fk_rollup_apply(db, r), 0);
	assert_int_equal(persons_at(db, "420106"), 16);
	assert_int_equal(persons_at(db, "420106001"), 8);
}

/* More distinct keys than the fixed 4,096-slot table the registry had:
 * the accumulator grows, and every key is written. */
static void test_many_regions(void **state)
{
	fk_db *db = ((tu_db *)*state)->db;
	enum { GRIDS = 6000 };
	fk_rollup *r = fk_rollup_new();
	int64_t d[4] = { 1, 0, 0, 1 };
	for (int g = 0; g < GRIDS; g++) {
		char code[16];
		/* 6,000 grids in 2,000 communities of 200 streets of one county */
		snprintf(code, sizeof(code), "420106%03d%03d%03d", g / 30, g / 3 % 10, g % 3 + 1);
		fk_rollup_add(r, &cov, code, 20000, d);
		fk_rollup_add(r, &cov, code, 20001, d);
	}
	size_t keys = 2 * (GRIDS + GRIDS / 3 + GRIDS / 30 + 4);
	assert_int_equal(fk_rollup_size(r), keys);
	assert_true(keys > 4096);
	assert_int_equal(fk_db_begin_write(db), 0);
	assert_int_equal(fk_rollup_flush(db, r), 0);
	assert_int_equal(fk_db_commit(db), 0);
	assert_int_equal(count_rows(db, "coverage"), (int64_t)keys);
	assert_int_equal(visited_at(db, "", 20000), GRIDS);
	assert_int_equal(visited_at(db, "420106", 20001), GRIDS);
	assert_int_equal(visited_at(db, "420106007", 20000), 30);
	assert_int_equal(visited_at(db, "420106007003", 20000), 3);
	assert_int_equal(visited_at(db, "420106199009003", 20001), 1);
	/* flushed: empty, and a second flush writes nothing */
	assert_int_equal(fk_rollup_size(r), 0);
	assert_int_equal(fk_rollup_flush(db, r), 0);
	assert_int_equal(visited_at(db, "", 20000), GRIDS);
	/* the emptied accumulator is used again */
	fk_rollup_add(r, &cov, "420106000000001", 20000, d);
	assert_int_equal(fk_rollup_apply(db, r), 0);
	assert_int_equal(visited_at(db, "", 20000), GRIDS + 1);
	assert_int_equal(visited_at(db, "420106000000001", 20000), 2);
}

/* A flush adds to the stored counts (two writers' flushes both count) and
 * deltas that cancel out write no row. */
static void test_flushes_add_up(void **state)
{
	fk_db *db = ((tu_db *)*state)->db;
	fk_rollup *x = fk_rollup_new(), *y = fk_rollup_new();
	int64_t one[4] = { 1, 0, 0, 0 }, two[4] = { 2, 1, 0, 0 };
	fk_rollup_add(x, &cov, "420106001001001", 20000, one);
	fk_rollup_add(y, &cov, "420106001001002", 20000, two);
	fk_rollup_add(y, &cov, "420106001001001", 20000, one);
	assert_int_equal(fk_rollup_apply(db, x), 0);
	assert_int_equal(fk_rollup_apply(db, y), 0);
	assert_int_equal(visited_at(db, "420106001001001", 20000), 2);
	assert_int_equal(visited_at(db, "420106001001", 20000), 4);
	int64_t nh = -1;
	assert_true(fk_db_int64(db, &nh, "SELECT not_home FROM coverage WHERE region = '42' AND day = 20000", "") >= 0);
	assert_int_equal(nh, 1);
	/* a day is its own key */
	assert_int_equal(visited_at(db, "420106001001", 20001), -1);
	/* +1 then -1 in one accumulator: nothing to write */
	x = fk_rollup_new();
	int64_t minus[4] = { -1, 0, 0, 0 };
	fk_rollup_add(x, &cov, "420106009009009", 20005, one);
	fk_rollup_add(x, &cov, "420106009009009", 20005, minus);
	int64_t before = count_rows(db, "coverage");
	assert_int_equal(fk_rollup_apply(db, x), 0);
	assert_int_equal(count_rows(db, "coverage"), before);
	/* removal goes down from what is stored */
	x = fk_rollup_new();
	fk_rollup_add(x, &cov, "420106001001001", 20000, minus);
	assert_int_equal(fk_rollup_apply(db, x), 0);
	assert_int_equal(visited_at(db, "420106001001001", 20000), 1);
	assert_int_equal(visited_at(db, "", 20000), 3);
}

/* One accumulator carries several tables; an unknown column adds nothing;
 * a failing statement is reported and leaves the accumulator empty. */
static void test_tables_and_errors(void **state)
{
	fk_db *db = ((tu_db *)*state)->db;
	fk_rollup *r = fk_rollup_new();
	assert_int_equal(fk_rollup_add_col(r, &stats, "420106001001001", 0, "households", 1), 0);
	assert_int_equal(fk_rollup_add_col(r, &cov, "420106001001001", 20000, "refused", 1), 0);
	assert_int_equal(fk_rollup_add_col(r, &cov, "420106001001001", 20000, "bogus", 1), -1);
	assert_int_equal(fk_rollup_size(r), 14);
	assert_int_equal(fk_rollup_apply(db, r), 0);
	int64_t n = -1;
	assert_true(fk_db_int64(db, &n, "SELECT refused FROM coverage WHERE region = '4201' AND day = 20000", "") >= 0);
	assert_int_equal(n, 1);
	assert_true(fk_db_int64(db, &n, "SELECT households FROM region_stats WHERE region = '4201'", "") >= 0);
	assert_int_equal(n, 1);
	assert_int_equal(fk_rollup_apply_col(db, &cov, "42", 20000, "bogus", 1), -1);
	static const fk_rollup_table missing = { "no_such_table", 1, { "n" } };
	r = fk_rollup_new();
	assert_int_equal(fk_rollup_add_col(r, &missing, "42", 1, "n", 1), 0);
	assert_int_equal(fk_rollup_flush(db, r), -1);
	assert_int_equal(fk_rollup_size(r), 0);
	fk_rollup_free(r);
	fk_rollup_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ancestors_summed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flushes_add_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tables_and_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
