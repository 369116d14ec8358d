/* test_body.c - reading a JSON body within limits (http/body.h): nesting
 * depth with the position, duplicate keys, long strings naming the field
 * path, and invalid JSON with its position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/body.h"

static const fk_body_limits small = { .max_depth = 3, .max_string = 8 };

static int parse(const char *text, const fk_body_limits *lim, json_t **out, fk_err *e)
{
	memset(e, 0, sizeof(*e));
	return fk_body_parse(text, strlen(text), lim, out, e);
}

static void expect_error(const char *text, const fk_body_limits *lim, const char *code, const char *field,
			 const char *in_message)
{
	json_t *v = (json_t *)1;
	fk_err e;
	assert_int_equal(parse(text, lim, &v, &e), -1);
	assert_null(v);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.code, code);
	assert_string_equal(e.field, field);
	if (in_message && !strstr(e.message, in_message))
		print_error("message \"%s\" lacks \"%s\"\n", e.message, in_message);
	if (in_message)
		assert_non_null(strstr(e.message, in_message));
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(fk_body_defaults.max_depth, 32);
	assert_int_equal(fk_body_defaults.max_string, 64 * 1024);
}

static void test_valid(void **state)
{
	(void)state;
	json_t *v;
	fk_err e;
	assert_int_equal(parse("{\"name\":\"网格\",\"n\":[1,2,{\"x\":null}]}", &fk_body_defaults, &v, &e), 0);
	assert_true(json_is_object(v));
	assert_string_equal(json_string_value(json_object_get(v, "name")), "网格");
	json_decref(v);
	/* Any array or object parses (the fields check wants an object later);
	 * a bare scalar is not a body. */
	assert_int_equal(parse("[1]", &fk_body_defaults, &v, &e), 0);
	json_decref(v);
	assert_int_equal(parse("\"text\"", &fk_body_defaults, &v, &e), -1);
	assert_string_equal(e.code, "invalid_json");
	/* Exactly at the limits. */
	assert_int_equal(parse("[[[\"12345678\"]]]", &small, &v, &e), 0);
	json_decref(v);
	assert_int_equal(parse("{\"12345678\":{\"k\":[1]}}", &small, &v, &e), 0);
	json_decref(v);
	/* Brackets inside strings are not nesting. */
	assert_int_equal(parse("{\"a\":\"[[[[{{{{{\"}", &small, &v, &e), -1); /* too long, not too deep */
	assert_string_equal(e.code, "too_long");
	assert_int_equal(parse("{\"a\":\"[[[[\"}", &small, &v, &e), 0);
	json_decref(v);
	assert_int_equal(parse("{\"a\":\"\\\"[[[[\"}", &small, &v, &e), 0); /* escaped quote */
	json_decref(v);
}

static void test_empty(void **state)
{
	(void)state;
	json_t *v = (json_t *)1;
	fk_err e = { 0 };
	assert_int_equal(fk_body_parse("", 0, &fk_body_defaults, &v, &e), -1);
	assert_null(v);
	assert_string_equal(e.code, "invalid_json");
	expect_error("   ", &fk_body_defaults, "invalid_json", "", "position");
}

static void test_too_deep(void **state)
{
	(void)state;
	/* The fourth bracket (byte 3) is one level too deep. */
	expect_error("[[[[1]]]]", &small, "too_deep", "", "position 3");
	expect_error("{\"a\":{\"b\":{\"c\":{}}}}", &small, "too_deep", "", "position 15");
	expect_error("{\"a\":{\"b\":{\"c\":{}}}}", &small, "too_deep", "", "3 levels");
	/* The default limit: 32 levels parse, 33 do not, even when the rest of
	 * the text is not valid JSON (the scan comes first). */
	char deep[100];
	memset(deep, '[', 33);
	memset(deep + 33, ']', 33);
	deep[66] = '\0';
	expect_error(deep, &fk_body_defaults, "too_deep", "", "position 32");
	json_t *v;
	fk_err e;
	assert_int_equal(parse(deep + 1, &fk_body_defaults, &v, &e), -1); /* 32 [ and 33 ] */
	assert_string_equal(e.code, "invalid_json");
	deep[65] = '\0';
	assert_int_equal(parse(deep + 1, &fk_body_defaults, &v, &e), 0);
	json_decref(v);
	/* Far deeper than jansson's own limit, answered without recursion. */
	size_t n = 200000;
	char *huge = malloc(n + 1);
	memset(huge, '[', n);
	huge[n] = '\0';
	expect_error(huge, &fk_body_defaults, "too_deep", "", "position 32");
	free(huge);
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	expect_error("{\"a\":1,\"a\":2}", &fk_body_defaults, "invalid_json", "", "duplicate");
	expect_error("{\"x\":{\"k\":1,\"k\":1}}", &fk_body_defaults, "invalid_json", "", "duplicate");
	json_t *v;
	fk_err e;
	assert_int_equal(parse("{\"a\":{\"k\":1},\"b\":{\"k\":1}}", &fk_body_defaults, &v, &e), 0);
	json_decref(v);
}

static void test_too_long_names_the_path(void **state)
{
	(void)state;
	expect_error("{\"name\":\"123456789\"}", &small, "too_long", "name", "name: longer than 8 bytes");
	expect_error("{\"a\":{\"b\":\"123456789\"}}", &small, "too_long", "a.b", NULL);
	expect_error("{\"a\":[\"x\",\"123456789\"]}", &small, "too_long", "a[1]", NULL);
	expect_error("{\"ok\":\"1\",\"list\":[{\"v\":\"123456789\"}]}", &small, "too_long", "list[0].v", NULL);
	expect_error("[\"123456789\"]", &small, "too_long", "[0]", NULL);
	/* A long key is named too. */
	expect_error("{\"123456789\":1}", &small, "too_long", "123456789", NULL);
	/* Bytes, not characters: three Chinese characters are nine bytes. */
	expect_error("{\"n\":\"防控网\"}", &small, "too_long", "n", NULL);
	/* An escape counts once decoded: \u9632 is three bytes. */
	json_t *v;
	fk_err e;
	assert_int_equal(parse("{\"n\":\"\\u9632\\u9632\"}", &small, &v, &e), 0);
	json_decref(v);
}

static void test_invalid_json_position(void **state)
{
	(void)state;
	json_t *v;
	fk_err e;
	assert_int_equal(parse("{\"a\":1,}", &fk_body_defaults, &v, &e), -1);
	assert_string_equal(e.code, "invalid_json");
	assert_non_null(strstr(e.message, "position 8"));
	assert_non_null(strstr(e.message, "line 1"));
	assert_int_equal(parse("{\n  \"a\": tru\n}", &fk_body_defaults, &v, &e), -1);
	assert_non_null(strstr(e.message, "line 2"));
	expect_error("{\"a\":1} trailing", &fk_body_defaults, "invalid_json", "", "position");
	expect_error("{'a':1}", &fk_body_defaults, "invalid_json", "", "position 2");
	expect_error("{\"a\":\"\xff\"}", &fk_body_defaults, "invalid_json", "", "position"); /* not UTF-8 */
	expect_error("{\"a\":\"\\u0000\"}", &fk_body_defaults, "invalid_json", "", "position"); /* NUL */
}

static void test_length_is_respected(void **state)
{
	(void)state;
	/* Only buf[0..len) is read: the bytes after it do not count. */
	const char text[] = "{\"a\":1}GARBAGE[[[[[[[[";
	json_t *v;
	fk_err e = { 0 };
	assert_int_equal(fk_body_parse(text, 7, &small, &v, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
	json_decref(v);
	/* An embedded NUL byte is not the end of the body. */
	const char nul[] = { '{', '"', 'a', '"', ':', '1', '}', '\0', ' ' };
	assert_int_equal(fk_body_parse(nul, sizeof(nul), &small, &v, &e), -1);
	assert_string_equal(e.code, "invalid_json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_too_long_names_the_path),
		cmocka_unit_test(test_invalid_json_position),
		cmocka_unit_test(test_length_is_respected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
