/* test_text.c - encoding detection for uploads (util/text.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/text.h"

static void test_utf8_valid(void **state)
{
	(void)state;
	const char *ok = "姓名,name\n张三";
	assert_int_equal(fk_utf8_valid(ok, strlen(ok)), strlen(ok));
	assert_int_equal(fk_utf8_valid("ab\xC0\xAF", 4), 2);     /* overlong '/' */
	assert_int_equal(fk_utf8_valid("a\xED\xA0\x80", 4), 1); /* a surrogate */
	assert_int_equal(fk_utf8_valid("ab\xE5\xBC", 4), 2);     /* cut short */
	assert_int_equal(fk_utf8_valid("\xF4\x90\x80\x80", 4), 0); /* past U+10FFFF */
}

static void test_utf8_scrub(void **state)
{
	(void)state;
	char a[] = "households/\xFF\xFE not found";
	fk_utf8_scrub(a);
	assert_string_equal(a, "households/?? not found");
	/* 中 cut after two of its three bytes, as vsnprintf truncates */
	char b[] = "region \xE4\xB8";
	fk_utf8_scrub(b);
	assert_string_equal(b, "region ??");
	char c[] = "é 中 ok";
	fk_utf8_scrub(c);
	assert_string_equal(c, "é 中 ok");
}

static void convert(const char *in, size_t n, int want, const char *enc, const char *text)
{
	char *out = NULL;
	size_t outn = 0;
	const char *got = NULL;
	fk_err e = { 0 };
	assert_int_equal(fk_text_utf8(in, n, &out, &outn, &got, &e), want);
	if (want == 0) {
		assert_string_equal(got, enc);
		assert_string_equal(out, text);
		assert_int_equal(outn, strlen(text));
	} else {
		assert_int_equal(e.status, 400);
		assert_string_equal(e.field, "file");
		assert_non_null(strstr(e.message, text));
	}
	free(out);
}

static void test_detect(void **state)
{
	(void)state;
	convert("姓名\n张三", strlen("姓名\n张三"), 0, "utf-8", "姓名\n张三");
	convert("\xEF\xBB\xBF姓名", 3 + strlen("姓名"), 0, "utf-8-bom", "姓名");
	/* 姓名 in GB18030 */
	convert("\xD0\xD5\xC3\xFB", 4, 0, "gb18030", "姓名");
	convert("PK\x03\x04rest", 8, -1, "", ".xlsx");
	convert("\xFF\xFEx\0", 4, -1, "", "UTF-16");
	convert("a,b\0c", 5, -1, "", "NUL byte at position 3");
	/* BOM but then not UTF-8 */
	convert("\xEF\xBB\xBF\xD0\xD5", 5, -1, "", "says UTF-8");
	/* neither UTF-8 nor GB18030: 0xFF is never a GB18030 lead byte */
	convert("ab\xFF\xFF", 4, -1, "", "neither UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_utf8_scrub),
	};
	return cmocka_run_group_tests_name("util/text", tests, NULL, NULL);
}
