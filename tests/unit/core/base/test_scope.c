/* test_scope.c - records named by id and grid codes named in a body, checked
 * against the caller's scope (core/base/scope.h): a record outside the scope
 * is answered exactly as one that does not exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/base/scope.h"

/* Two streets of one county, a grid in each, a household and a site in the
 * first street's grid. */
static int setup(void **state)
{
	tu_db *t = tu_db_new(1);
	static const char *const sql[] = {
		"INSERT INTO regions (code, parent, level, name, created_at) VALUES"
		" ('420106', NULL, 3, '武昌区', 0), ('420106001', '420106', 4, '一街', 0),"
		" ('420106002', '420106', 4, '二街', 0), ('420106001001', '420106001', 5, '一社区', 0),"
		" ('420106002001', '420106002', 5, '二社区', 0),"
		" ('420106001001001', '420106001001', 6, '一网格', 0),"
		" ('420106002001001', '420106002001', 6, '二网格', 0)",
		"INSERT INTO households (id, grid, address, created_at, updated_at)"
		" VALUES (7, '420106001001001', '一号', 0, 0)",
		"INSERT INTO sites (id, region, name, capacity, created_at) VALUES (3, '420106001', '隔离点', 10, 0)",
	};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		assert_int_equal(fk_db_exec(t->db, sql[i]), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tu_db_free(*state);
	return 0;
}

static fk_actor actor(const char *region)
{
	return (fk_actor){ .user_id = 1, .username = "t", .role = FK_ROLE_OFFICER, .region = region, .addr = "" };
}

static void test_load_in_scope(void **state)
{
	tu_db *t = *state;
	fk_actor county = actor("420106"), street1 = actor("420106001");
	fk_err e = { 0 };
	char region[16];
	assert_int_equal(fk_scope_load(t->db, &county, FK_SCOPE_SITE, 3, "site_id", region, &e), 0);
	assert_string_equal(region, "420106001");
	assert_int_equal(fk_scope_load(t->db, &street1, FK_SCOPE_HOUSEHOLD, 7, NULL, region, &e), 0);
	assert_string_equal(region, "420106001001001");
	assert_int_equal(e.status, 0);
}

/* Out of scope and missing: the same status, code, field and message form. */
static void test_load_out_of_scope_like_missing(void **state)
{
	tu_db *t = *state;
	fk_actor street2 = actor("420106002");
	fk_err far = { 0 }, none = { 0 };
	char region[16];
	assert_int_equal(fk_scope_load(t->db, &street2, FK_SCOPE_SITE, 3, "site_id", region, &far), -1);
	assert_int_equal(fk_scope_load(t->db, &street2, FK_SCOPE_SITE, 4, "site_id", region, &none), -1);
	assert_int_equal(far.status, 404);
	assert_int_equal(none.status, 404);
	assert_string_equal(far.code, "not_found");
	assert_string_equal(none.code, "not_found");
	assert_string_equal(far.field, "site_id");
	assert_string_equal(none.field, "site_id");
	assert_string_equal(far.message, "site 3 not found");
	assert_string_equal(none.message, "site 4 not found");
	/* a path id names no field */
	fk_err path = { 0 };
	assert_int_equal(fk_scope_load(t->db, &street2, FK_SCOPE_HOUSEHOLD, 7, NULL, region, &path), -1);
	assert_string_equal(path.field, "");
	assert_string_equal(path.message, "household 7 not found");
}

static void test_grid(void **state)
{
	tu_db *t = *state;
	fk_actor street1 = actor("420106001"), grid = actor("420106001001001");
	fk_err e = { 0 };
	assert_int_equal(fk_scope_grid(t->db, &street1, "420106001001001", "grid", &e), 0);
	assert_int_equal(fk_scope_grid(t->db, &grid, "420106001001001", "grid", &e), 0);
	assert_int_equal(e.status, 0);
	/* not a grid code: 400 naming the field */
	assert_int_equal(fk_scope_grid(t->db, &street1, "420106001001", "person.grid", &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "person.grid");
	/* another street's grid and a grid that does not exist: one answer */
	fk_err far = { 0 }, none = { 0 };
	assert_int_equal(fk_scope_grid(t->db, &street1, "420106002001001", "grid", &far), -1);
	assert_int_equal(fk_scope_grid(t->db, &street1, "420106001001009", "grid", &none), -1);
	assert_int_equal(far.status, 404);
	assert_int_equal(none.status, 404);
	assert_string_equal(far.field, "grid");
	assert_string_equal(none.field, "grid");
	assert_string_equal(far.message, "grid 420106002001001 not found");
}

static void test_row_and_has(void **state)
{
	(void)state;
	fk_actor street1 = actor("420106001"), root = actor("");
	fk_err e = { 0 };
	assert_true(fk_scope_has(&street1, "420106001001"));
	assert_false(fk_scope_has(&street1, "420106002"));
	assert_false(fk_scope_has(&street1, NULL));
	assert_true(fk_scope_has(&root, "420106002"));
	assert_int_equal(fk_scope_row(&street1, "420106001001001", "case 1", &e), 0);
	assert_int_equal(fk_scope_row(&street1, "420106002001001", "case 1", &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.message, "case 1 not found");
	assert_string_equal(e.field, "");
	fk_err r = { 0 };
	assert_int_equal(fk_scope_ref(&street1, NULL, "alert_id", "alert 9", &r), -1);
	assert_string_equal(r.field, "alert_id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_in_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_out_of_scope_like_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grid, setup, teardown),
		cmocka_unit_test(test_row_and_has),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
