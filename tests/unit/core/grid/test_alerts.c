/* test_alerts.c - the alerts module (core/grid/alerts.h), the one writer of
 * alerts: raising a screening alert, closing one for a case (scope, person,
 * state), closing with a given time, and open alerts following a household
 * to another grid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/grid/alerts.h"

#define GRID "420106001001001"
#define OTHER "420106001001002"

static void households(fk_db *db);

static int setup(void **state)
{
	tu_db *t = tu_db_new(1);
	households(t->db);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tu_db_free(*state);
	return 0;
}

static int64_t person(fk_db *db, const char *name)
{
	return tu_person(db, GRID, name);
}

/* Households 1 and 2 of GRID. */
static void households(fk_db *db)
{
	assert_int_equal(fk_db_run(db,
				   "INSERT INTO regions (code, parent, level, name, created_at)"
				   " VALUES ($1, '420106001001', 6, '第一网格', 0)",
				   "s", GRID),
			 0);
	for (int i = 1; i <= 2; i++)
		assert_int_equal(fk_db_run(db,
					   "INSERT INTO households (id, grid, building, unit, room, address, created_at,"
					   " updated_at) VALUES ($1, $2, '1', '1', $1, '', 0, 0)",
					   "is", (int64_t)i, GRID),
				 0);
}

/* A screening record of household hid in GRID on day 20000. */
static int64_t screening(fk_db *db, int64_t hid, const char *uuid)
{
	int64_t id = 0;
	assert_int_equal(fk_db_int64(db, &id,
				     "INSERT INTO screenings (uuid, digest, household_id, grid, day, status, abnormal,"
				     " user_id, recorded_at, created_at)"
				     " VALUES ($1, $2, $3, $4, 20000, 'visited', 1, 0, 0, 0) RETURNING id",
				     "sbis", uuid, "", (size_t)1, hid, GRID),
			 FK_ROW);
	return id;
}

static void text_of(fk_db *db, const char *sql, int64_t id, char *out, size_t n)
{
	fk_stmt *st;
	assert_int_equal(fk_db_query(db, &st, sql, "i", id), 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	snprintf(out, n, "%s", fk_stmt_is_null(st, 0) ? "(null)" : fk_stmt_text(st, 0));
	fk_stmt_done(st);
}

static void test_raise_and_close_for_case(void **state)
{
	fk_db *db = ((tu_db *)*state)->db;
	int64_t p = person(db, "甲"), q = person(db, "乙"), s = screening(db, 1, "u1"), dc = 385;
	int64_t a = fk_alert_raise_screening(db, GRID, p, s, 20000, "[\"temperature\"]", &dc, 100);
	int64_t b = fk_alert_raise_screening(db, GRID, p, s, 20000, "[\"cough\"]", NULL, 100);
	assert_true(a > 0 && b > a);
	char t[64];
	text_of(db, "SELECT temp_dc || ' ' || state || ' ' || kind FROM alerts WHERE id = $1", a, t, sizeof(t));
	assert_string_equal(t, "385 open screening");
	text_of(db, "SELECT temp_dc FROM alerts WHERE id = $1", b, t, sizeof(t));
	assert_string_equal(t, "(null)");

	fk_actor far = { 7, "far", FK_ROLE_DOCTOR, "4202", "" }, near = { 8, "near", FK_ROLE_DOCTOR, "420106", "" };
	fk_err e;
	memset(&e, 0, sizeof(e));
	assert_int_equal(fk_alert_close_for_case(db, &far, a, p, 200, &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.field, "alert_id");
	memset(&e, 0, sizeof(e));
	assert_int_equal(fk_alert_close_for_case(db, &near, 999999, p, 200, &e), -1);
	assert_int_equal(e.status, 404);
	memset(&e, 0, sizeof(e));
	assert_int_equal(fk_alert_close_for_case(db, &near, a, q, 200, &e), -1);
	assert_int_equal(e.status, 400);
	text_of(db, "SELECT state FROM alerts WHERE id = $1", a, t, sizeof(t));
	assert_string_equal(t, "open");
	assert_int_equal(fk_alert_close_for_case(db, &near, a, p, 200, &e), 0);
	text_of(db, "SELECT state || ' ' || outcome || ' ' || closed_by || ' ' || closed_at FROM alerts WHERE id = $1",
		a, t, sizeof(t));
	assert_string_equal(t, "closed reported_as_case 8 200");
	memset(&e, 0, sizeof(e));
	assert_int_equal(fk_alert_close_for_case(db, &near, a, p, 300, &e), -1);
	assert_int_equal(e.status, 409);
	/* the other alert is untouched */
	text_of(db, "SELECT state FROM alerts WHERE id = $1", b, t, sizeof(t));
	assert_string_equal(t, "open");
}

/* Closing with a given time and no user (loaders replaying history); a
 * closed alert keeps its first outcome. */
static void test_close_as(void **state)
{
	fk_db *db = ((tu_db *)*state)->db;
	int64_t p = person(db, "甲"), s = screening(db, 1, "u1");
	int64_t a = fk_alert_raise_screening(db, GRID, p, s, 20000, "[\"fever\"]", NULL, 100);
	assert_int_equal(fk_alert_close_as(db, a, "normal_on_recheck", 0, 7300), 0);
	assert_int_equal(fk_alert_close_as(db, a, "other", 5, 9000), 0);
	char t[96];
	text_of(db,
		"SELECT state || ' ' || outcome || ' ' || coalesce(CAST(closed_by AS TEXT), 'nobody') || ' ' || closed_at"
		" FROM alerts WHERE id = $1",
		a, t, sizeof(t));
	assert_string_equal(t, "closed normal_on_recheck nobody 7300");
}

/* A household moving grid takes its open alerts along; closed ones keep
 * the grid they were dealt with in, and other households' stay. */
static void test_move_household(void **state)
{
	fk_db *db = ((tu_db *)*state)->db;
	int64_t p = person(db, "甲"), s1 = screening(db, 1, "u1"), s2 = screening(db, 1, "u2"),
		s3 = screening(db, 2, "u3");
	int64_t open1 = fk_alert_raise_screening(db, GRID, p, s1, 20000, "[\"fever\"]", NULL, 100);
	int64_t closed = fk_alert_raise_screening(db, GRID, p, s2, 20000, "[\"fever\"]", NULL, 100);
	int64_t other = fk_alert_raise_screening(db, GRID, p, s3, 20000, "[\"fever\"]", NULL, 100);
	assert_int_equal(fk_alert_close_as(db, closed, "other", 0, 200), 0);
	assert_int_equal(fk_alert_move_household(db, 1, OTHER), 0);
	char t[32];
	text_of(db, "SELECT grid FROM alerts WHERE id = $1", open1, t, sizeof(t));
	assert_string_equal(t, OTHER);
	text_of(db, "SELECT grid FROM alerts WHERE id = $1", closed, t, sizeof(t));
	assert_string_equal(t, GRID);
	text_of(db, "SELECT grid FROM alerts WHERE id = $1", other, t, sizeof(t));
	assert_string_equal(t, GRID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raise_and_close_for_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_as, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_household, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
