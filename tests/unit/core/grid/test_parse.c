/* test_parse.c - the parse functions of the grid's writes: households
 * (core/grid/registry.h), daily reports (screening.h) and closing alerts
 * (alerts.h); each error names its field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../parseutil.h"
#include "core/grid/alerts.h"
#include "core/grid/registry.h"
#include "core/grid/screening.h"

static fk_household_in household;
static fk_report_in report;
static fk_alert_close_in closing;

static int household_create(const json_t *in, fk_err *e)
{
	return fk_household_parse(in, true, &household, e);
}

static int household_update(const json_t *in, fk_err *e)
{
	return fk_household_parse(in, false, &household, e);
}

static int report_parse(const json_t *in, fk_err *e)
{
	return fk_report_parse(in, &report, e);
}

static int close_parse(const json_t *in, fk_err *e)
{
	return fk_alert_close_parse(in, &closing, e);
}

static void test_household_parse(void **state)
{
	(void)state;
	json_t *in = tp_ok(household_create, "{\"grid\": \"420106001001001\", \"building\": \"3栋\", \"room\": \"301\"}");
	assert_string_equal(household.grid, "420106001001001");
	assert_string_equal(household.unit, ""); /* absent parts are empty in a new one */
	json_decref(in);
	in = tp_ok(household_update, "{\"room\": \"302\"}");
	assert_null(household.grid); /* and unchanged in an update */
	assert_null(household.building);
	assert_string_equal(household.room, "302");
	json_decref(in);
	tp_bad(household_create, "{\"grid\": \"420106001001001\", \"unit\": \"1\"}", "address");
	tp_bad(household_create, "{\"address\": \"中山路1号\"}", "grid");
	tp_bad(household_create, "{\"grid\": \"4201\", \"address\": \"中山路1号\"}", "grid");
	tp_bad(household_update, "{\"floor\": 3}", "floor");
}

static void test_report_parse(void **state)
{
	(void)state;
	json_t *in = tp_ok(report_parse, "{\"grid\": \"420106001001001\", \"unvisited\":"
					 " [{\"household_id\": 3, \"reason\": \"外出务工\"}]}");
	assert_int_equal(report.day, fk_today());
	assert_string_equal(report.note, "");
	assert_int_equal(json_array_size(report.unvisited), 1);
	json_decref(in);
	tp_bad(report_parse, "{\"grid\": \"420106001001001\", \"date\": \"{tomorrow}\"}", "date");
	tp_bad(report_parse, "{\"grid\": \"420106001001001\", \"date\": \"2020-01-01\"}", "date");
	tp_bad(report_parse,
	       "{\"grid\": \"420106001001001\", \"unvisited\": [{\"household_id\": 3, \"reason\": \"外出\"},"
	       " {\"household_id\": 4, \"reason\": \"x\"}]}",
	       "unvisited[1]");
	tp_bad(report_parse, "{\"grid\": \"420106001001001\", \"unvisited\": [{\"reason\": \"外出务工\"}]}",
	       "unvisited[0]");
}

static void test_alert_close_parse(void **state)
{
	(void)state;
	json_t *in = tp_ok(close_parse, "{\"outcome\": \"home_isolation\"}");
	assert_string_equal(closing.outcome, "home_isolation");
	assert_string_equal(closing.note, "");
	json_decref(in);
	tp_bad(close_parse, "{\"outcome\": \"forgotten\"}", "outcome");
	tp_bad(close_parse, "{\"note\": \"复测正常\"}", "outcome");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_household_parse),
		cmocka_unit_test(test_report_parse),
		cmocka_unit_test(test_alert_close_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
