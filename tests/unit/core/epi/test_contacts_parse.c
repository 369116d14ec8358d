/* test_contacts_parse.c - the parse functions of contact tracing's writes
 * (core/epi/contacts.h): contacts with a known or a new person, follow-ups,
 * conversions and sites; each error names its field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../parseutil.h"
#include "core/epi/contacts.h"
#include "core/epi/sites.h"

static fk_contact_in contact;
static fk_followup_in followup;

static int contact_parse(const json_t *in, fk_err *e)
{
	return fk_contact_parse(in, &contact, e);
}

static int followup_parse(const json_t *in, fk_err *e)
{
	return fk_followup_parse(in, &followup, e);
}

static int convert_parse(const json_t *in, fk_err *e)
{
	fk_convert_in c;
	return fk_convert_parse(in, &c, e);
}

static int site_parse(const json_t *in, fk_err *e)
{
	fk_site_in s;
	return fk_site_parse(in, &s, e);
}

#define EXPOSED "\"setting\": \"household\", \"first_exposure\": \"{yesterday}\", \"last_exposure\": \"{today}\""
#define NEW_PERSON "\"person\": {\"name\": \"甲\", \"grid\": \"420106001001001\""

static void test_contact_parse(void **state)
{
	(void)state;
	json_t *in = tp_ok(contact_parse, "{\"source_case_id\": 4, \"person_id\": 9, " EXPOSED "}");
	assert_int_equal(contact.source_case, 4);
	assert_int_equal(contact.source_contact, 0);
	assert_int_equal(contact.person_id, 9);
	assert_string_equal(contact.mode, "home");
	assert_int_equal(contact.first, fk_today() - 1);
	assert_int_equal(contact.traced, fk_today());
	json_decref(in);
	/* a new person: the person's own fields parsed, the place kept */
	in = tp_ok(contact_parse, "{\"source_case_id\": 4, " EXPOSED ", " NEW_PERSON ", \"room\": \"301\", \"sex\": \"F\"}}");
	assert_int_equal(contact.person_id, 0);
	assert_string_equal(contact.person.name, "甲");
	assert_int_equal(contact.person.sex, 'F');
	assert_string_equal(contact.grid, "420106001001001");
	assert_string_equal(contact.room, "301");
	assert_string_equal(contact.address, "");
	json_decref(in);

	tp_bad(contact_parse, "{\"source_case_id\": 4, \"person_id\": 9, \"setting\": \"bus\","
			      " \"first_exposure\": \"{today}\", \"last_exposure\": \"{today}\"}",
	       "setting");
	tp_bad(contact_parse, "{\"source_case_id\": 4, \"person_id\": 9, " EXPOSED ", \"mode\": \"hotel\"}", "mode");
	tp_bad(contact_parse, "{\"source_case_id\": 4, \"person_id\": 9, " EXPOSED ", \"mode\": \"centralised\"}",
	       "site_id");
	tp_bad(contact_parse, "{\"source_case_id\": 4, \"person_id\": 9, \"setting\": \"work\","
			      " \"first_exposure\": \"{tomorrow}\", \"last_exposure\": \"{tomorrow}\"}",
	       "first_exposure");
	tp_bad(contact_parse, "{\"source_case_id\": 4, \"person_id\": 9, \"setting\": \"work\","
			      " \"first_exposure\": \"{today}\", \"last_exposure\": \"{yesterday}\"}",
	       "last_exposure");
	tp_bad(contact_parse, "{\"source_case_id\": 4, \"person_id\": 9, " EXPOSED ", \"traced_date\": \"{tomorrow}\"}",
	       "traced_date");
	tp_bad(contact_parse, "{\"person_id\": 9, " EXPOSED "}", "source_case_id");
	tp_bad(contact_parse, "{\"source_case_id\": 4, \"source_contact_id\": 5, \"person_id\": 9, " EXPOSED "}",
	       "source_case_id");
	tp_bad(contact_parse, "{\"source_case_id\": 4, " EXPOSED "}", "person_id");
	tp_bad(contact_parse, "{\"source_case_id\": 4, \"person_id\": 9, " EXPOSED ", " NEW_PERSON ", \"room\": \"1\"}}",
	       "person_id");
	tp_bad(contact_parse, "{\"source_case_id\": 4, " EXPOSED ", " NEW_PERSON "}}", "person.address");
	tp_bad(contact_parse, "{\"source_case_id\": 4, " EXPOSED ", " NEW_PERSON ", \"room\": \"1\", \"sex\": \"X\"}}",
	       "person.sex");
	tp_bad(contact_parse,
	       "{\"source_case_id\": 4, " EXPOSED ", " NEW_PERSON ", \"room\": \"1\", \"doc_number\": \"123\"}}",
	       "person.doc_number");
	tp_bad(contact_parse, "{\"source_case_id\": 4, " EXPOSED ", \"person\": {\"grid\": \"420106001001001\"}}",
	       "person.name");
}

static void test_followup_parse(void **state)
{
	(void)state;
	json_t *in = tp_ok(followup_parse, "{\"slot\": \"am\", \"temperature\": 37.5, \"symptoms\": [\"cough\"]}");
	assert_true(followup.measured);
	assert_int_equal(followup.temp_dc, 375);
	assert_int_equal(followup.day, fk_today());
	assert_int_not_equal(followup.symptoms, 0);
	assert_string_equal(followup.note, "");
	json_decref(in);
	in = tp_ok(followup_parse, "{\"date\": \"{yesterday}\", \"temperature_measured\": false}");
	assert_false(followup.measured);
	assert_int_equal(followup.day, fk_today() - 1);
	assert_non_null(followup.slot);
	json_decref(in);

	tp_bad(followup_parse, "{\"slot\": \"noon\", \"temperature\": 36.5}", "slot");
	tp_bad(followup_parse, "{\"temperature\": 45}", "temperature");
	tp_bad(followup_parse, "{}", "temperature");
	tp_bad(followup_parse, "{\"temperature\": 36.5, \"temperature_measured\": false}", "temperature_measured");
	tp_bad(followup_parse, "{\"temperature\": 36.5, \"symptoms\": [\"sneezing\"]}", "symptoms");
	tp_bad(followup_parse, "{\"temperature\": 36.5, \"date\": \"{tomorrow}\"}", "date");
}

static void test_convert_and_site_parse(void **state)
{
	(void)state;
	json_decref(tp_ok(convert_parse, "{\"reporting_unit\": \"武昌医院\", \"place\": \"designated_hospital\"}"));
	tp_bad(convert_parse, "{\"reporting_unit\": \"武昌医院\", \"place\": \"hotel\"}", "place");
	tp_bad(convert_parse, "{\"place\": \"home\"}", "reporting_unit");
	json_decref(tp_ok(site_parse, "{\"region\": \"420106001\", \"name\": \"酒店\", \"capacity\": 40}"));
	tp_bad(site_parse, "{\"region\": \"420106001\", \"name\": \"酒店\", \"capacity\": 0}", "capacity");
	tp_bad(site_parse, "{\"region\": \"420106001\", \"capacity\": 10}", "name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contact_parse),
		cmocka_unit_test(test_followup_parse),
		cmocka_unit_test(test_convert_and_site_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
