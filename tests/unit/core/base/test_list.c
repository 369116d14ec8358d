/* test_list.c - the runner of declared lists (core/base/list.h): filters
 * checked from their declarations, scope ranges, keys single and composite,
 * and pages that follow one another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/base/list.h"

/* things: id, region, name, state, day — rows in two cities of one province
 * (4201, 4202) and one elsewhere (11). */
static int setup(void **state)
{
	tu_db *t = tu_db_new(0);
	assert_int_equal(tu_ddl(t, "CREATE TABLE things (id INTEGER PRIMARY KEY, region TEXT NOT NULL,"
					   " name TEXT NOT NULL, state TEXT NOT NULL, day INTEGER NOT NULL)"),
			 0);
	static const struct {
		const char *region, *name, *state;
		int day;
	} rows[] = {
		{ "420101", "b-one", "new", 10 },  { "420102", "a-two", "done", 11 }, { "420101", "c-three", "new", 12 },
		{ "420201", "a-four", "new", 13 }, { "420101", "b-five", "done", 14 }, { "110101", "a-six", "new", 15 },
		{ "420102", "b-seven", "new", 16 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(fk_db_run(t->db, "INSERT INTO things (region, name, state, day) VALUES ($1, $2, $3, $4)",
					   "sssi", rows[i].region, rows[i].name, rows[i].state, (int64_t)rows[i].day),
				 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tu_db_free(*state);
	return 0;
}

static const char *const states[] = { "new", "done", NULL };

static int custom_calls;

/* A custom filter: "odd" keeps odd ids; anything but "1" is refused. */
static int odd_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	custom_calls++;
	if (strcmp(value, "1") != 0)
		return fk_err_invalid(e, f->name, "%s: only 1", f->name);
	fk_val v = { 'i', .i = 2 };
	fk_list_where(q, f->where, &v);
	return 0;
}

static const fk_filter filters[] = {
	{ "state", FK_F_ENUM, "state = ?", .names = states, .opt = FK_FO_AUDIT },
	{ "from", FK_F_DATE, "day >= ?" },
	{ "late", FK_F_FLAG, "(day > 12) = (? = 1)" },
	{ "id", FK_F_ID, "id = ?", .what = "a thing id", .opt = FK_FO_AUDIT_ID },
	{ "name", FK_F_PREFIX, "name >= ? AND name < ?", .max = 8, .opt = FK_FO_BLANK | FK_FO_KEY | FK_FO_AUDIT_GIVEN,
	  .col = "name" },
	{ "odd", FK_F_CUSTOM, "id % ? = 1", .fn = odd_filter },
	{ 0 },
};

/* Newest first by id. */
static const fk_list by_id = {
	.select = "id, region, name FROM things",
	.region = "region",
	.scope = "region",
	.key = FK_KEY_ID,
	.id = "id",
	.desc = true,
	.filters = filters,
	.audit = { "thing.search", "things", .region = true },
};

/* By (region, id), or (name, id) with a name prefix. */
static const fk_column cols[] = { { "id", FK_C_INT }, { "region", FK_C_TEXT }, { 0 } };
static const fk_list by_place = {
	.select = "id, region FROM things",
	.region = "region",
	.scope = "region",
	.key = FK_KEY_TEXT_ID,
	.id = "id",
	.filters = filters,
	.cols = cols,
};

static const fk_actor national = { 1, "n", FK_ROLE_ADMIN, "", "" };
static const fk_actor wuhan = { 2, "w", FK_ROLE_ADMIN, "4201", "" };

/* The ids of one page; *next gets its decoded cursor (arena a) or NULL. */
static int ids(fk_db *db, const fk_actor *who, const fk_list *l, const char *const *in, fk_page *page, int64_t *out,
	       fk_arena *a)
{
	fk_err e = { 0 };
	json_t *p = fk_list_run(db, who, l, fk_list_arg, (void *)in, page, 0, &e);
	assert_non_null(p);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(p, "items"), i, it) {
		out[i] = json_integer_value(json_object_get(it, "id"));
		assert_null(json_object_get(it, "_k0")); /* key columns stay internal */
	}
	int n = (int)json_array_size(json_object_get(p, "items"));
	const char *next = json_string_value(json_object_get(p, "next"));
	page->after = next ? fk_cursor_decode(a, next) : NULL;
	json_decref(p);
	return n;
}

/* Every id of a list read page by page, limit at a time. */
static int all_pages(fk_db *db, const fk_actor *who, const fk_list *l, const char *const *in, int limit,
		     int64_t *out)
{
	fk_arena a = { 0 };
	fk_page page = { .limit = limit };
	int n = 0, pages = 0;
	do {
		n += ids(db, who, l, in, &page, out + n, &a);
		pages++;
		assert_true(pages < 20);
	} while (page.after);
	fk_arena_release(&a);
	return n;
}

static void assert_ids(const int64_t *got, int n, const int64_t *want, int nwant)
{
	assert_int_equal(n, nwant);
	for (int i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
}

static void test_scope_range(void **state)
{
	tu_db *t = *state;
	int64_t got[16];
	/* Wuhan sees its subtree only, newest first */
	assert_ids(got, all_pages(t->db, &wuhan, &by_id, NULL, 100, got), (int64_t[]){ 7, 5, 3, 2, 1 }, 5);
	/* a region inside the scope narrows it */
	const char *const in[] = { "region", "420102", NULL };
	assert_ids(got, all_pages(t->db, &wuhan, &by_id, in, 100, got), (int64_t[]){ 7, 2 }, 2);
	/* root is the country, for a national account */
	const char *const root[] = { "region", "root", NULL };
	assert_int_equal(all_pages(t->db, &national, &by_id, root, 100, got), 7);
	/* outside the scope, or not a code: 404, as if it did not exist */
	const char *const bad[][3] = { { "region", "4202", NULL }, { "region", "root", NULL }, { "region", "42x", NULL } };
	for (int i = 0; i < 3; i++) {
		fk_err e = { 0 };
		fk_page page = { .limit = 10 };
		assert_null(fk_list_run(t->db, &wuhan, &by_id, fk_list_arg, (void *)bad[i], &page, 0, &e));
		assert_int_equal(e.status, 404);
	}
}

static void test_filter_messages(void **state)
{
	tu_db *t = *state;
	static const struct {
		const char *name, *value, *message;
	} cases[] = {
		{ "state", "old", "state: one of new, done" },
		{ "from", "yesterday", "from: a date YYYY-MM-DD" },
		{ "late", "maybe", "late: 1 or 0" },
		{ "id", "0", "id: a thing id" },
		{ "id", "x", "id: a thing id" },
		{ "name", "longer-than-8", "name: at most 8 bytes" },
		{ "odd", "2", "odd: only 1" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const in[] = { cases[i].name, cases[i].value, NULL };
		fk_err e = { 0 };
		fk_page page = { .limit = 10 };
		assert_null(fk_list_run(t->db, &national, &by_id, fk_list_arg, (void *)in, &page, 0, &e));
		assert_int_equal(e.status, 400);
		assert_string_equal(e.code, "invalid");
		assert_string_equal(e.field, cases[i].name);
		assert_string_equal(e.message, cases[i].message);
	}
	/* a cursor that is not an id */
	fk_err e = { 0 };
	fk_page page = { .limit = 10, .after = "abc" };
	assert_null(fk_list_run(t->db, &national, &by_id, fk_list_arg, NULL, &page, 0, &e));
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "after");
}

static void test_filters_apply(void **state)
{
	tu_db *t = *state;
	int64_t got[16];
	const char *const st[] = { "state", "done", NULL };
	assert_ids(got, all_pages(t->db, &national, &by_id, st, 100, got), (int64_t[]){ 5, 2 }, 2);
	const char *const from[] = { "from", "1970-01-14", "state", "new", NULL };
	assert_ids(got, all_pages(t->db, &national, &by_id, from, 100, got), (int64_t[]){ 7, 6, 4 }, 3);
	const char *const late[] = { "late", "0", "region", "4201", NULL };
	assert_ids(got, all_pages(t->db, &national, &by_id, late, 100, got), (int64_t[]){ 3, 2, 1 }, 3);
	const char *const one[] = { "id", "4", NULL };
	assert_ids(got, all_pages(t->db, &national, &by_id, one, 100, got), (int64_t[]){ 4 }, 1);
	custom_calls = 0;
	const char *const odd[] = { "odd", "1", NULL };
	assert_ids(got, all_pages(t->db, &national, &by_id, odd, 100, got), (int64_t[]){ 7, 5, 3, 1 }, 4);
	assert_int_equal(custom_calls, 1);
	/* blank is no filter where declared so, and a value elsewhere */
	const char *const blank[] = { "name", "", NULL };
	assert_int_equal(all_pages(t->db, &national, &by_id, blank, 100, got), 7);
	const char *const blank_state[] = { "state", "", NULL };
	fk_err e = { 0 };
	fk_page page = { .limit = 10 };
	assert_null(fk_list_run(t->db, &national, &by_id, fk_list_arg, (void *)blank_state, &page, 0, &e));
	assert_string_equal(e.field, "state");
}

static void test_id_pages(void **state)
{
	tu_db *t = *state;
	int64_t got[16];
	/* one, two and three at a time: the same rows in the same order */
	for (int limit = 1; limit <= 3; limit++)
		assert_ids(got, all_pages(t->db, &national, &by_id, NULL, limit, got), (int64_t[]){ 7, 6, 5, 4, 3, 2, 1 },
			   7);
	/* the cursor of a full last page leads to an empty one, never an error */
	fk_arena a = { 0 };
	fk_page page = { .limit = 7 };
	assert_int_equal(ids(t->db, &national, &by_id, NULL, &page, got, &a), 7);
	assert_null(page.after);
	fk_arena_release(&a);
}

static void test_composite_keys(void **state)
{
	tu_db *t = *state;
	int64_t got[16];
	/* by (region, id), in pages of two across regions with several rows */
	for (int limit = 1; limit <= 3; limit++)
		assert_ids(got, all_pages(t->db, &wuhan, &by_place, NULL, limit, got), (int64_t[]){ 1, 3, 5, 2, 7 }, 5);
	/* with a name prefix, by (name, id), still within the scope */
	const char *const b[] = { "name", "b-", NULL };
	for (int limit = 1; limit <= 2; limit++)
		assert_ids(got, all_pages(t->db, &wuhan, &by_place, b, limit, got), (int64_t[]){ 5, 1, 7 }, 3);
	const char *const a_[] = { "name", "a-", NULL };
	assert_ids(got, all_pages(t->db, &national, &by_place, a_, 1, got), (int64_t[]){ 4, 6, 2 }, 3);
	/* a cursor below the range asked for starts at the range, not below it */
	fk_arena a = { 0 };
	fk_page page = { .limit = 10, .after = "11|1" };
	const char *const in[] = { "region", "420102", NULL };
	assert_ids(got, ids(t->db, &national, &by_place, in, &page, got, &a), (int64_t[]){ 2, 7 }, 2);
	/* a cursor with too few parts is refused */
	fk_err e = { 0 };
	fk_page bad = { .limit = 10, .after = "420101" };
	assert_null(fk_list_run(t->db, &national, &by_place, fk_list_arg, NULL, &bad, 0, &e));
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "after");
	fk_arena_release(&a);
}

static void test_audit_detail(void **state)
{
	const char *const in[] = { "region", "root", "state", "new", "name", "a", NULL };
	json_t *d = fk_list_detail(&by_id, fk_list_arg, (void *)in, 3);
	json_t *want = json_pack("{s:s, s:s, s:I, s:b, s:I}", "region", "", "state", "new", "id", (json_int_t)0, "name",
				 1, "rows", (json_int_t)3);
	assert_true(json_equal(d, want));
	json_decref(d);
	json_decref(want);
	d = fk_list_detail(&by_id, fk_list_arg, NULL, 0);
	assert_true(json_is_null(json_object_get(d, "region")));
	assert_true(json_is_null(json_object_get(d, "state")));
	assert_true(json_is_false(json_object_get(d, "name")));
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scope_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_composite_keys, setup, teardown),
		cmocka_unit_test(test_audit_detail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
