/* test_arena.c - the per-request bump allocator (util/arena.h): zeroed,
 * aligned memory that lives until release, then reuse after release. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/arena.h"

static void test_alloc_zeroed_and_aligned(void **state)
{
	(void)state;
	fk_arena a = { 0 };
	assert_null(a.head);
	for (size_t n = 0; n < 200; n += 7) {
		unsigned char *p = fk_arena_alloc(&a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xAB, n); /* must not disturb earlier allocations */
	}
	fk_arena_release(&a);
	assert_null(a.head);
}

static void test_allocations_do_not_overlap(void **state)
{
	(void)state;
	fk_arena a = { 0 };
	char *p[64];
	for (int i = 0; i < 64; i++) {
		p[i] = fk_arena_alloc(&a, 100);
		memset(p[i], 'a' + i % 26, 100);
	}
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 100; j++)
			assert_int_equal(p[i][j], 'a' + i % 26);
	fk_arena_release(&a);
}

static void test_large_allocation(void **state)
{
	(void)state;
	fk_arena a = { 0 };
	char *small = fk_arena_strdup(&a, "before");
	size_t big = 3u << 20; /* larger than any block the arena grows to */
	unsigned char *p = fk_arena_alloc(&a, big);
	assert_non_null(p);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[big - 1], 0);
	memset(p, 1, big);
	char *after = fk_arena_strdup(&a, "after");
	assert_string_equal(small, "before");
	assert_string_equal(after, "after");
	fk_arena_release(&a);
}

static void test_strings(void **state)
{
	(void)state;
	fk_arena a = { 0 };
	const char *src = "防控 fangkong";
	char *d = fk_arena_strdup(&a, src);
	assert_ptr_not_equal(d, src);
	assert_string_equal(d, src);
	char *nd = fk_arena_strndup(&a, "abcdef", 3);
	assert_string_equal(nd, "abc");
	char *empty = fk_arena_strndup(&a, "xyz", 0);
	assert_string_equal(empty, "");
	char *pf = fk_arena_printf(&a, "%s-%d-%05.1f", "x", 42, 3.25);
	assert_string_equal(pf, "x-42-003.2");
	/* A long printf result is not cut. */
	char *longp = fk_arena_printf(&a, "%0*d", 10000, 7);
	assert_int_equal(strlen(longp), 10000);
	assert_int_equal(longp[9999], '7');
	fk_arena_release(&a);
}

static void test_reuse_after_release(void **state)
{
	(void)state;
	fk_arena a = { 0 };
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 1000; i++)
			fk_arena_printf(&a, "round %d item %d", round, i);
		assert_non_null(a.head);
		fk_arena_release(&a);
		assert_null(a.head);
	}
	fk_arena_release(&a); /* releasing an empty arena is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_zeroed_and_aligned),
		cmocka_unit_test(test_allocations_do_not_overlap),
		cmocka_unit_test(test_large_allocation),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_reuse_after_release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
