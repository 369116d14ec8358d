/* test_idcard.c - GB 11643 resident ID numbers (util/idcard.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "util/idcard.h"

static void test_valid_18(void **state)
{
	(void)state;
	fk_idcard c;
	const char *why = NULL;
	/* 11010519491231002X: the standard's own example */
	assert_int_equal(fk_idcard_parse("11010519491231002X", 2026, &c, &why), 0);
	assert_string_equal(c.number, "11010519491231002X");
	assert_int_equal(c.birth_year, 1949);
	assert_int_equal(c.birth_month, 12);
	assert_int_equal(c.birth_day, 31);
	assert_int_equal(c.sex, 'F'); /* sequence 002: even */
	/* lower-case x is accepted and normalised */
	assert_int_equal(fk_idcard_parse("11010519491231002x", 2026, &c, &why), 0);
	assert_string_equal(c.number, "11010519491231002X");
}

static void test_check_digit(void **state)
{
	(void)state;
	assert_int_equal(fk_idcard_check_char("11010519491231002"), 'X');
	assert_int_equal(fk_idcard_check_char("42010619800101001"), '5');
	fk_idcard c;
	const char *why = NULL;
	assert_int_equal(fk_idcard_parse("110105194912310021", 2026, &c, &why), -1);
	assert_non_null(strstr(why, "check digit"));
}

static void test_legacy_15(void **state)
{
	(void)state;
	fk_idcard c;
	const char *why = NULL;
	/* 15 digits: 6 region + YYMMDD + 3 sequence, born 19YY */
	assert_int_equal(fk_idcard_parse("110105491231002", 2026, &c, &why), 0);
	assert_string_equal(c.number, "11010519491231002X");
	assert_int_equal(c.birth_year, 1949);
}

static void test_rejects(void **state)
{
	(void)state;
	fk_idcard c;
	const char *why = NULL;
	assert_int_equal(fk_idcard_parse("1234", 2026, &c, &why), -1);
	assert_non_null(strstr(why, "18 characters"));
	assert_int_equal(fk_idcard_parse("1101051949123100AX", 2026, &c, &why), -1);
	assert_non_null(strstr(why, "digits"));
	assert_int_equal(fk_idcard_parse("11010519491231002Y", 2026, &c, &why), -1);
	/* 30 February, with a correct check digit for its first 17 */
	char d[19] = "42010620000230001";
	d[17] = fk_idcard_check_char(d);
	d[18] = '\0';
	assert_int_equal(fk_idcard_parse(d, 2026, &c, &why), -1);
	assert_non_null(strstr(why, "birth date"));
	/* born after "today" */
	char f[19] = "42010620300101001";
	f[17] = fk_idcard_check_char(f);
	f[18] = '\0';
	assert_int_equal(fk_idcard_parse(f, 2026, &c, &why), -1);
	/* 29 February of a leap year is a date */
	char l[19] = "42010620000229001";
	l[17] = fk_idcard_check_char(l);
	l[18] = '\0';
	assert_int_equal(fk_idcard_parse(l, 2026, &c, &why), 0);
	assert_int_equal(c.sex, 'M');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_18),
		cmocka_unit_test(test_check_digit),
		cmocka_unit_test(test_legacy_15),
		cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests_name("util/idcard", tests, NULL, NULL);
}
