/* test_fields.c - the declared-field validator (core/base/fields.h): unknown
 * keys, required fields, types, and bounds (string length in characters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/base/fields.h"

static const fk_field user_fields[] = {
	{ "username", FK_FT_STRING, true, 2, 8 },
	{ "name", FK_FT_STRING, false, 1, 4 }, /* 4 characters, not bytes */
	{ "note", FK_FT_STRING, false, 0, 0 }, /* unbounded */
	{ "age", FK_FT_INT, false, 0, 150 },
	{ "score", FK_FT_NUMBER, false, 0, 0 },
	{ "active", FK_FT_BOOL, false, 0, 0 },
	{ 0 },
};

/* Parses text and checks it; returns fk_fields_check's result, e filled. */
static int check(const char *text, fk_err *e)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	assert_non_null(v);
	memset(e, 0, sizeof(*e));
	int rc = fk_fields_check(v, user_fields, e);
	json_decref(v);
	return rc;
}

static void expect_invalid(const char *text, const char *field)
{
	fk_err e;
	assert_int_equal(check(text, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.code, "invalid");
	assert_string_equal(e.field, field);
	assert_non_null(strstr(e.message, field)); /* the message names it too */
}

static void expect_ok(const char *text)
{
	fk_err e;
	assert_int_equal(check(text, &e), 0);
	assert_int_equal(e.status, 0);
}

static void test_valid(void **state)
{
	(void)state;
	expect_ok("{\"username\":\"li\"}");
	expect_ok("{\"username\":\"zhangsan\",\"name\":\"张三丰啊\",\"note\":\"\",\"age\":0,"
		  "\"score\":1.5,\"active\":false}");
	expect_ok("{\"username\":\"wang\",\"score\":3}"); /* an integer is a number */
	expect_ok("{\"username\":\"wang\",\"name\":null}"); /* null is absent */
	expect_ok("{\"username\":\"wang\",\"age\":150}");
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_invalid("{\"username\":\"li\",\"password2\":\"x\"}", "password2");
	expect_invalid("{\"Username\":\"li\"}", "Username");
}

static void test_missing_required(void **state)
{
	(void)state;
	expect_invalid("{}", "username");
	expect_invalid("{\"username\":null}", "username");
	expect_invalid("{\"name\":\"李\"}", "username");
}

static void test_wrong_type(void **state)
{
	(void)state;
	expect_invalid("{\"username\":42}", "username");
	expect_invalid("{\"username\":\"li\",\"age\":\"12\"}", "age");
	expect_invalid("{\"username\":\"li\",\"age\":12.0}", "age"); /* not an integer */
	expect_invalid("{\"username\":\"li\",\"score\":\"1\"}", "score");
	expect_invalid("{\"username\":\"li\",\"active\":1}", "active");
	expect_invalid("{\"username\":\"li\",\"name\":[\"x\"]}", "name");
	fk_err e;
	assert_int_equal(check("{\"username\":\"li\",\"active\":0}", &e), -1);
	assert_non_null(strstr(e.message, "true or false"));
}

static void test_not_an_object(void **state)
{
	(void)state;
	const char *bodies[] = { "[]", "\"x\"", "1", "null" };
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		json_t *v = json_loads(bodies[i], JSON_DECODE_ANY, NULL);
		assert_non_null(v);
		fk_err e = { 0 };
		assert_int_equal(fk_fields_check(v, user_fields, &e), -1);
		assert_int_equal(e.status, 400);
		assert_string_equal(e.field, "");
		json_decref(v);
	}
	fk_err e = { 0 };
	assert_int_equal(fk_fields_check(NULL, user_fields, &e), -1);
}

static void test_length_in_characters(void **state)
{
	(void)state;
	/* "name" allows 1..4 characters: 4 Chinese characters are 12 bytes. */
	expect_ok("{\"username\":\"li\",\"name\":\"防控网格\"}");
	expect_ok("{\"username\":\"li\",\"name\":\"a网\"}");
	expect_ok("{\"username\":\"li\",\"name\":\"\\u9632\"}"); /* one escaped character */
	expect_ok("{\"username\":\"li\",\"name\":\"\\ud83d\\ude00abc\"}"); /* emoji: one character */
	expect_invalid("{\"username\":\"li\",\"name\":\"防控网格员\"}", "name");
	expect_invalid("{\"username\":\"li\",\"name\":\"\"}", "name");
	/* username 2..8 */
	expect_invalid("{\"username\":\"l\"}", "username");
	expect_ok("{\"username\":\"abcdefgh\"}");
	expect_invalid("{\"username\":\"abcdefghi\"}", "username");
	fk_err e;
	assert_int_equal(check("{\"username\":\"abcdefghi\"}", &e), -1);
	assert_non_null(strstr(e.message, "2 to 8 characters"));
	/* an unbounded string may be long */
	char xs[4001], big[5000];
	memset(xs, 'x', 4000);
	xs[4000] = '\0';
	snprintf(big, sizeof(big), "{\"username\":\"li\",\"note\":\"%s\"}", xs);
	expect_ok(big);
}

static void test_int_bounds(void **state)
{
	(void)state;
	expect_invalid("{\"username\":\"li\",\"age\":151}", "age");
	expect_invalid("{\"username\":\"li\",\"age\":-1}", "age");
	expect_invalid("{\"username\":\"li\",\"age\":9223372036854775807}", "age");
	fk_err e;
	assert_int_equal(check("{\"username\":\"li\",\"age\":200}", &e), -1);
	assert_non_null(strstr(e.message, "from 0 to 150"));
}

static void test_helpers(void **state)
{
	(void)state;
	assert_int_equal(fk_utf8_len(""), 0);
	assert_int_equal(fk_utf8_len("abc"), 3);
	assert_int_equal(fk_utf8_len("武昌区"), 3);
	assert_int_equal(fk_utf8_len("a武b😀"), 4);
	json_t *o = json_pack("{s:s, s:n, s:i}", "a", "x", "b", "c", 1);
	assert_string_equal(fk_json_str(o, "a"), "x");
	assert_null(fk_json_str(o, "b"));
	assert_null(fk_json_str(o, "c"));
	assert_null(fk_json_str(o, "zz"));
	assert_string_equal(fk_json_str_or(o, "a"), "x");
	assert_string_equal(fk_json_str_or(o, "zz"), "");
	assert_string_equal(fk_json_str_or(o, "b"), "");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_length_in_characters),
		cmocka_unit_test(test_int_bounds),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
