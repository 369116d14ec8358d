/* test_strbuf.c - the growable string (util/strbuf.h): buf is never NULL
 * and always NUL-terminated, detach hands over a malloc'd buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strbuf.h"

static void test_empty_invariants(void **state)
{
	(void)state;
	fk_strbuf a = FK_STRBUF_INIT, b;
	fk_strbuf_init(&b);
	assert_non_null(a.buf);
	assert_non_null(b.buf);
	assert_string_equal(a.buf, "");
	assert_int_equal(a.len, 0);
	assert_int_equal(b.alloc, 0);
	fk_strbuf_reset(&a); /* reset of the static "" must not write to it */
	assert_string_equal(a.buf, "");
	fk_strbuf_release(&a);
	assert_non_null(a.buf);
	assert_string_equal(a.buf, "");
}

static void test_add_and_grow(void **state)
{
	(void)state;
	fk_strbuf sb = FK_STRBUF_INIT;
	fk_strbuf_adds(&sb, "网格");
	fk_strbuf_addch(&sb, '-');
	fk_strbuf_addf(&sb, "%03d", 7);
	assert_string_equal(sb.buf, "网格-007");
	assert_int_equal(sb.len, strlen("网格-007"));
	/* Grow well past the first allocation; the invariant holds after each add. */
	for (int i = 0; i < 5000; i++) {
		fk_strbuf_addch(&sb, (char)('a' + i % 26));
		assert_int_equal(sb.buf[sb.len], '\0');
		assert_true(sb.alloc > sb.len);
	}
	assert_int_equal(sb.len, strlen("网格-007") + 5000);
	assert_int_equal(strlen(sb.buf), sb.len);
	fk_strbuf_release(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
}

static void test_binary_and_empty_adds(void **state)
{
	(void)state;
	fk_strbuf sb = FK_STRBUF_INIT;
	fk_strbuf_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4); /* with the terminating NUL */
	fk_strbuf_add(&sb, "", 0);
	assert_int_equal(sb.len, 3);
	fk_strbuf_addf(&sb, "%s", ""); /* empty printf adds nothing */
	assert_int_equal(sb.len, 3);
	fk_strbuf_release(&sb);
}

static void test_addf_long(void **state)
{
	(void)state;
	fk_strbuf sb = FK_STRBUF_INIT;
	fk_strbuf_adds(&sb, "x");
	fk_strbuf_addf(&sb, "%0*d|", 3000, 1);
	assert_int_equal(sb.len, 3002);
	assert_int_equal(sb.buf[3000], '1');
	assert_int_equal(sb.buf[3001], '|');
	assert_int_equal(sb.buf[3002], '\0');
	fk_strbuf_release(&sb);
}

static void test_reset_keeps_memory(void **state)
{
	(void)state;
	fk_strbuf sb = FK_STRBUF_INIT;
	fk_strbuf_adds(&sb, "hello world");
	size_t alloc = sb.alloc;
	fk_strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.alloc, alloc);
	fk_strbuf_adds(&sb, "again");
	assert_string_equal(sb.buf, "again");
	fk_strbuf_release(&sb);
}

static void test_detach(void **state)
{
	(void)state;
	fk_strbuf sb = FK_STRBUF_INIT;
	fk_strbuf_adds(&sb, "owned");
	size_t len = 0;
	char *p = fk_strbuf_detach(&sb, &len);
	assert_string_equal(p, "owned");
	assert_int_equal(len, 5);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	assert_string_equal(sb.buf, "");
	free(p);

	/* Detaching an empty strbuf still gives a malloc'd string. */
	char *q = fk_strbuf_detach(&sb, NULL);
	assert_non_null(q);
	assert_string_equal(q, "");
	free(q);
	fk_strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_invariants),
		cmocka_unit_test(test_add_and_grow),
		cmocka_unit_test(test_binary_and_empty_adds),
		cmocka_unit_test(test_addf_long),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_detach),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
