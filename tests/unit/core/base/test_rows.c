/* test_rows.c - rows as JSON, keyset pages and their cursors (core/base/rows.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/base/rows.h"

static int setup(void **state)
{
	tu_db *t = tu_db_new(0);
	assert_int_equal(tu_ddl(t, "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, x REAL, b BLOB, s TEXT)"),
			 0);
	const char *keys[] = { "a", "b", "c", "d", "e" };
	for (int i = 0; i < 5; i++)
		assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k, n, x, b, s) VALUES ($1, $2, $3, $4, $5)", "sidbs",
					   keys[i], (int64_t)i, i + 0.5, "\x01\x02", (size_t)2,
					   i == 2 ? NULL : "文本"),
				 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tu_db_free(*state);
	return 0;
}

static const char page_sql[] = "SELECT k, n, x, b, s, k AS _key FROM t WHERE k > $1 ORDER BY k LIMIT $2";

static json_t *page_of(fk_db *db, int limit, const char *after)
{
	fk_stmt *st;
	fk_page page = { .limit = limit, .after = after };
	assert_int_equal(fk_db_query(db, &st, page_sql, "si", after ? after : "", (int64_t)limit + 1), 0);
	json_t *out = fk_rows_page(st, &page);
	assert_non_null(out);
	return out;
}

static void test_row_json(void **state)
{
	tu_db *t = *state;
	fk_stmt *st;
	assert_int_equal(fk_db_query(t->db, &st, "SELECT k, n, x, b, s, 1 AS _hidden FROM t WHERE k = 'c'", ""), 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	json_t *o = fk_row_json(st);
	fk_stmt_done(st);
	assert_int_equal(json_object_size(o), 5); /* _hidden is left out */
	assert_string_equal(json_string_value(json_object_get(o, "k")), "c");
	assert_true(json_is_integer(json_object_get(o, "n")));
	assert_int_equal(json_integer_value(json_object_get(o, "n")), 2);
	assert_true(json_is_real(json_object_get(o, "x")));
	assert_true(json_real_value(json_object_get(o, "x")) == 2.5);
	assert_true(json_is_null(json_object_get(o, "b"))); /* blobs never rendered */
	assert_true(json_is_null(json_object_get(o, "s"))); /* NULL as null */
	assert_null(json_object_get(o, "_hidden"));
	json_decref(o);
}

static void test_pages_walk_the_table(void **state)
{
	tu_db *t = *state;
	fk_arena a = { 0 };
	const char *after = NULL;
	const char *want[] = { "a", "b", "c", "d", "e" };
	int seen = 0, pages = 0;
	for (;;) {
		json_t *p = page_of(t->db, 2, after);
		json_t *items = json_object_get(p, "items");
		json_t *next = json_object_get(p, "next");
		assert_true(json_is_array(items));
		assert_non_null(next);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			assert_string_equal(json_string_value(json_object_get(it, "k")), want[seen]);
			assert_null(json_object_get(it, "_key"));
			seen++;
		}
		pages++;
		if (json_is_null(next)) {
			json_decref(p);
			break;
		}
		assert_int_equal(json_array_size(items), 2);
		/* The cursor is opaque: not the key itself, and it decodes to it. */
		const char *cur = json_string_value(next);
		assert_non_null(cur);
		assert_string_not_equal(cur, want[seen - 1]);
		after = fk_cursor_decode(&a, cur);
		assert_non_null(after);
		assert_string_equal(after, want[seen - 1]);
		json_decref(p);
	}
	assert_int_equal(seen, 5);
	assert_int_equal(pages, 3);
	fk_arena_release(&a);
}

static void test_exact_page_has_no_next(void **state)
{
	tu_db *t = *state;
	json_t *p = page_of(t->db, 5, NULL);
	assert_int_equal(json_array_size(json_object_get(p, "items")), 5);
	assert_true(json_is_null(json_object_get(p, "next")));
	json_decref(p);
	p = page_of(t->db, 4, NULL);
	assert_int_equal(json_array_size(json_object_get(p, "items")), 4);
	assert_true(json_is_string(json_object_get(p, "next")));
	json_decref(p);
	p = page_of(t->db, 10, "e"); /* past the end */
	assert_int_equal(json_array_size(json_object_get(p, "items")), 0);
	assert_true(json_is_null(json_object_get(p, "next")));
	json_decref(p);
}

static void test_statement_reset_after_page(void **state)
{
	/* A page stops early (limit+1 rows read): the statement must be reset,
	 * so a write on the same connection is not blocked and the next query
	 * on the same text starts over. */
	tu_db *t = *state;
	json_t *p = page_of(t->db, 1, NULL);
	json_decref(p);
	assert_int_equal(fk_db_run(t->db, "DELETE FROM t WHERE k = 'e'", ""), 0);
	p = page_of(t->db, 10, NULL);
	assert_int_equal(json_array_size(json_object_get(p, "items")), 4);
	json_decref(p);
}

static void test_cursor_round_trip(void **state)
{
	(void)state;
	fk_arena a = { 0 };
	const char *keys[] = { "a", "420106001001", "zhang.san", "网格/第一 ?&=+", "x" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *c = fk_cursor_encode(&a, keys[i]);
		assert_non_null(c);
		/* URL-safe: no characters that need escaping in a query string. */
		for (const char *p = c; *p; p++)
			assert_true((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_');
		char *d = fk_cursor_decode(&a, c);
		assert_non_null(d);
		assert_string_equal(d, keys[i]);
	}
	fk_arena_release(&a);
}

static void test_garbage_cursor(void **state)
{
	(void)state;
	fk_arena a = { 0 };
	assert_null(fk_cursor_decode(&a, ""));
	assert_null(fk_cursor_decode(&a, "!!!!"));
	assert_null(fk_cursor_decode(&a, "YQ=="));  /* padding is not ours */
	assert_null(fk_cursor_decode(&a, "YQ+/"));  /* standard alphabet is not ours */
	assert_null(fk_cursor_decode(&a, "Y"));     /* impossible length */
	assert_null(fk_cursor_decode(&a, "YQBi"));  /* decodes to "a\0b" */
	assert_null(fk_cursor_decode(&a, "YWJj YWJj"));
	char huge[2000];
	memset(huge, 'A', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_null(fk_cursor_decode(&a, huge)); /* longer than any key we make */
	fk_arena_release(&a);
}

static void test_key_split_and_floor(void **state)
{
	(void)state;
	char key[2][FK_KEY_PART] = { "", "0" };
	/* no cursor: the page starts at the floor */
	assert_int_equal(fk_key_floor(key, "420106"), 0);
	assert_string_equal(key[0], "420106");
	/* a cursor inside the range is kept, with its id */
	assert_int_equal(fk_key_split("王伟|1234", 2, key), 0);
	assert_string_equal(key[0], "王伟");
	assert_string_equal(key[1], "1234");
	assert_int_equal(fk_key_floor(key, "王"), 1234);
	assert_string_equal(key[0], "王伟");
	/* a cursor below the range (made up, or from another list) cannot
	 * take the page below it */
	assert_int_equal(fk_key_split("110101001001001|99", 2, key), 0);
	assert_int_equal(fk_key_floor(key, "420106"), 0);
	assert_string_equal(key[0], "420106");
	/* the first part may hold the separator itself */
	assert_int_equal(fk_key_split("a|b|7", 2, key), 0);
	assert_string_equal(key[0], "a|b");
	assert_string_equal(key[1], "7");
	assert_int_equal(fk_key_split("nobar", 2, key), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_row_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_walk_the_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_page_has_no_next, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_reset_after_page, setup, teardown),
		cmocka_unit_test(test_cursor_round_trip),
		cmocka_unit_test(test_garbage_cursor),
		cmocka_unit_test(test_key_split_and_floor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
