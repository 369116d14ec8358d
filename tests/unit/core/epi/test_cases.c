/* test_cases.c - the parse functions of case writes (core/epi/cases.h):
 * every check that needs no database, each error naming its field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../parseutil.h"
#include "core/epi/cases.h"

static fk_case_in last_case;
static fk_case_move_in last_move;

static int case_parse(const json_t *in, fk_err *e)
{
	return fk_case_parse(in, &last_case, e);
}

static int move_parse(const json_t *in, fk_err *e)
{
	return fk_case_move_parse(in, &last_move, e);
}

#define BASE "\"person_id\": 7, \"reporting_unit\": \"武昌医院\", \"place\": \"home\""

static void test_case_parse_fills_the_struct(void **state)
{
	(void)state;
	json_t *in = tp_ok(case_parse, "{" BASE ", \"category\": \"confirmed\", \"diagnosis_time\": {now},"
			  " \"onset_date\": \"{yesterday}\", \"alert_id\": 3}");
	assert_int_equal(last_case.person_id, 7);
	assert_string_equal(last_case.category, "confirmed");
	assert_string_equal(last_case.place, "home");
	assert_true(last_case.has_onset);
	assert_false(last_case.has_sampling);
	assert_int_equal(last_case.onset, fk_today() - 1);
	assert_int_equal(last_case.alert_id, 3);
	assert_null(last_case.reason);
	/* no reported_time: reported when parsed */
	assert_true(last_case.reported_time >= last_case.diagnosis_time);
	assert_true(last_case.reported_time <= fk_now());
	json_decref(in);
}

static void test_case_parse_names_the_field(void **state)
{
	(void)state;
	tp_bad(case_parse, "{" BASE ", \"diagnosis_time\": {now}}", "category");
	tp_bad(case_parse, "{" BASE ", \"category\": \"excluded\", \"diagnosis_time\": {now}}", "category");
	/* clinical diagnosis exists under edition 5 only */
	tp_bad(case_parse, "{" BASE ", \"category\": \"clinical\", \"diagnosis_time\": {now}}", "category");
	tp_bad(case_parse,
	       "{\"person_id\": 7, \"reporting_unit\": \"x\", \"place\": \"ward\", \"category\": \"suspected\","
	       " \"diagnosis_time\": {now}}",
	       "place");
	tp_bad(case_parse, "{" BASE ", \"category\": \"suspected\", \"diagnosis_time\": {later}}", "diagnosis_time");
	tp_bad(case_parse, "{" BASE ", \"category\": \"suspected\", \"diagnosis_time\": {now}, \"onset_date\": \"7.1.\"}",
	       "onset_date");
	tp_bad(case_parse,
	       "{" BASE ", \"category\": \"suspected\", \"diagnosis_time\": {now}, \"sampling_date\": \"{tomorrow}\"}",
	       "sampling_date");
	tp_bad(case_parse,
	       "{" BASE ", \"category\": \"asymptomatic\", \"diagnosis_time\": {now}, \"onset_date\": \"{today}\"}",
	       "onset_date");
	tp_bad(case_parse, "{" BASE ", \"category\": \"suspected\", \"diagnosis_time\": {now}, \"reported_time\": 10}",
	       "reported_time");
	tp_bad(case_parse, "{" BASE ", \"category\": \"suspected\", \"diagnosis_time\": \"now\"}", "diagnosis_time");
	tp_bad(case_parse, "{\"reporting_unit\": \"x\", \"place\": \"home\", \"category\": \"suspected\","
			   " \"diagnosis_time\": {now}}",
	       "person_id");
}

static void test_case_parse_lists_the_categories_allowed(void **state)
{
	(void)state;
	json_t *in = tp_json("{" BASE ", \"category\": \"sick\", \"diagnosis_time\": {now}}");
	fk_err e = { 0 };
	assert_int_equal(fk_case_parse(in, &last_case, &e), -1);
	assert_string_equal(e.allowed, "suspected,confirmed,asymptomatic");
	json_decref(in);
}

static void test_move_parse(void **state)
{
	(void)state;
	json_t *in = tp_ok(move_parse, "{\"to\": \"discharged\", \"reason\": \"两次核酸阴性\"}");
	assert_false(last_move.is_category);
	assert_string_equal(last_move.reason, "两次核酸阴性");
	assert_true(last_move.at <= fk_now());
	json_decref(in);
	in = tp_ok(move_parse, "{\"to\": \"excluded\", \"reason\": \"阴性\", \"at\": {now}}");
	assert_true(last_move.is_category);
	json_decref(in);
	tp_bad(move_parse, "{\"to\": \"cured\", \"reason\": \"两次\"}", "to");
	tp_bad(move_parse, "{\"to\": \"discharged\"}", "reason");
	tp_bad(move_parse, "{\"to\": \"discharged\", \"reason\": \"两次\", \"at\": {later}}", "at");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_parse_fills_the_struct),
		cmocka_unit_test(test_case_parse_names_the_field),
		cmocka_unit_test(test_case_parse_lists_the_categories_allowed),
		cmocka_unit_test(test_move_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
