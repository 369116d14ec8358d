/* test_tickets.c - the closed loop's declared table of moves and the
 * parse functions of tickets and moves (core/hotline/tickets.h): what
 * needs no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/base/perm.h"
#include "core/hotline/tickets.h"

static bool in(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

static void test_table(void **state)
{
	(void)state;
	int moves = 0;
	for (const fk_ticket_move *m = fk_ticket_moves; m->name; m++, moves++) {
		assert_true(in(fk_ticket_move_names, m->name));
		assert_ptr_equal(fk_ticket_move_find(m->name), m);
		for (int i = 0; m->from[i]; i++)
			assert_true(in(fk_ticket_state_names, m->from[i]));
		if (m->to)
			assert_true(in(fk_ticket_state_names, m->to));
	}
	int names = 0;
	while (fk_ticket_move_names[names])
		names++;
	assert_int_equal(moves, names);
	assert_null(fk_ticket_move_find("fly"));
	/* every state but received is reached by some move */
	for (int s = 1; fk_ticket_state_names[s]; s++) {
		bool reached = false;
		for (const fk_ticket_move *m = fk_ticket_moves; m->name; m++)
			reached |= m->to && strcmp(m->to, fk_ticket_state_names[s]) == 0;
		/* closed_unresolved and reopened are reached by close and callback's outcomes */
		if (!reached)
			assert_true(strcmp(fk_ticket_state_names[s], "closed_unresolved") == 0);
	}
}

static void test_allowed(void **state)
{
	(void)state;
	char out[256];
	fk_ticket_moves_from("received", out, sizeof(out));
	assert_string_equal(out, "answer,dispatch,merge,not_responsible,chase,note,alert");
	fk_ticket_moves_from("dispatched", out, sizeof(out));
	assert_string_equal(out, "sign,return,merge,chase,note,alert");
	fk_ticket_moves_from("replied", out, sizeof(out));
	assert_string_equal(out, "callback,chase,note,alert");
	fk_ticket_moves_from("closed_duplicate", out, sizeof(out));
	assert_string_equal(out, "note");
	fk_ticket_moves_from("closed_resolved", out, sizeof(out));
	assert_string_equal(out, "reopen,note");
	/* a callback only after the reply; a return only before the work starts */
	const fk_ticket_move *cb = fk_ticket_move_find("callback"), *ret = fk_ticket_move_find("return");
	for (int s = 0; fk_ticket_state_names[s]; s++) {
		const char *st = fk_ticket_state_names[s];
		assert_int_equal(fk_ticket_move_allowed(cb, st), strcmp(st, "replied") == 0);
		assert_int_equal(fk_ticket_move_allowed(ret, st), strcmp(st, "dispatched") == 0 || strcmp(st, "signed") == 0);
	}
	/* the unit handles, the operator decides, the supervisor chases */
	assert_int_equal(fk_ticket_move_find("reply")->perm, FK_PERM_TICKET_HANDLE);
	assert_int_equal(fk_ticket_move_find("dispatch")->perm, FK_PERM_TICKET_WRITE);
	assert_int_equal(fk_ticket_move_find("approve_extension")->perm, FK_PERM_TICKET_WRITE);
	assert_int_equal(fk_ticket_move_find("chase")->perm, FK_PERM_TICKET_CHASE);
	/* a note by anyone who works tickets; an alert by who takes or handles them */
	assert_true(fk_ticket_move_permitted(fk_ticket_move_find("note"), FK_ROLE_SUPERVISOR));
	assert_false(fk_ticket_move_permitted(fk_ticket_move_find("note"), FK_ROLE_AUDITOR));
	assert_true(fk_ticket_move_permitted(fk_ticket_move_find("alert"), FK_ROLE_DOCTOR));
	assert_true(fk_ticket_move_permitted(fk_ticket_move_find("alert"), FK_ROLE_OPERATOR));
	assert_false(fk_ticket_move_permitted(fk_ticket_move_find("alert"), FK_ROLE_SUPERVISOR));
	assert_false(fk_ticket_move_permitted(fk_ticket_move_find("reply"), FK_ROLE_OPERATOR));
	/* closed states are typed closed; the resident sees four states */
	assert_true(fk_ticket_closed("answered"));
	assert_true(fk_ticket_closed("closed_unresolved"));
	assert_false(fk_ticket_closed("replied"));
	assert_string_equal(fk_ticket_public_state("waiting"), "in_progress");
	assert_string_equal(fk_ticket_public_state("returned"), "received");
	assert_string_equal(fk_ticket_public_state("called_back"), "replied");
	assert_string_equal(fk_ticket_public_state("closed_duplicate"), "closed");
	assert_true(fk_ticket_medical("help.fever"));
	assert_false(fk_ticket_medical("consultation.pass"));
}

static void parse_move(const char *js, int want, const char *field)
{
	json_error_t je;
	json_t *j = json_loads(js, 0, &je);
	assert_non_null(j);
	fk_move_in m;
	fk_err e = { 0 };
	int rc = fk_move_parse(j, &m, &e);
	assert_int_equal(rc, want);
	if (field)
		assert_string_equal(e.field, field);
	json_decref(j);
}

static void test_move_parse(void **state)
{
	(void)state;
	parse_move("{\"move\":\"sign\"}", 0, NULL);
	parse_move("{\"move\":\"fly\"}", -1, "move");
	parse_move("{\"move\":\"reply\"}", -1, "text");
	parse_move("{\"move\":\"reply\",\"text\":\"已办\"}", 0, NULL);
	parse_move("{\"move\":\"wait\"}", -1, "note");
	parse_move("{\"move\":\"return\",\"note\":\"\"}", -1, "note");
	parse_move("{\"move\":\"dispatch\"}", -1, "unit");
	parse_move("{\"move\":\"callback\"}", -1, "satisfaction");
	parse_move("{\"move\":\"callback\",\"satisfaction\":\"happy\"}", -1, "satisfaction");
	parse_move("{\"move\":\"close\",\"outcome\":\"unresolved\"}", -1, "note");
	parse_move("{\"move\":\"close\",\"outcome\":\"unresolved\",\"note\":\"需时\"}", 0, NULL);
	parse_move("{\"move\":\"merge\"}", -1, "into");
	parse_move("{\"move\":\"extend\",\"note\":\"复杂\"}", -1, "days");
	parse_move("{\"move\":\"extend\",\"note\":\"复杂\",\"days\":31}", -1, "days");
	parse_move("{\"move\":\"sign\",\"colour\":1}", -1, "colour");
}

static void parse_ticket(const char *js, int want, const char *field)
{
	json_t *j = json_loads(js, 0, NULL);
	assert_non_null(j);
	fk_ticket_in t;
	fk_err e = { 0 };
	assert_int_equal(fk_ticket_parse(j, &t, &e), want);
	if (field)
		assert_string_equal(e.field, field);
	json_decref(j);
}

static void test_ticket_parse(void **state)
{
	(void)state;
	parse_ticket("{\"channel\":\"phone\",\"category\":\"help\",\"urgency\":\"general\",\"region\":\"420106001001\","
		     "\"text\":\"求助\"}",
		     0, NULL);
	parse_ticket("{\"channel\":\"phone\",\"category\":\"gossip\",\"urgency\":\"general\",\"region\":\"420106001001\","
		     "\"text\":\"求助\"}",
		     -1, "category");
	parse_ticket("{\"channel\":\"phone\",\"category\":\"help\",\"urgency\":\"soon\",\"region\":\"420106001001\","
		     "\"text\":\"求助\"}",
		     -1, "urgency");
	parse_ticket("{\"channel\":\"phone\",\"category\":\"help\",\"urgency\":\"general\",\"text\":\"求助\"}", -1,
		     "region");
	parse_ticket("{\"channel\":\"phone\",\"category\":\"help\",\"urgency\":\"general\",\"phone\":\"+86 138-0000-1234\","
		     "\"text\":\"求助\"}",
		     0, NULL);
	parse_ticket("{\"channel\":\"phone\",\"category\":\"help\",\"urgency\":\"general\",\"region\":\"420106001001\","
		     "\"text\":\"求助\",\"dispatch_to\":\"420106001\",\"reply\":\"已答\"}",
		     -1, "dispatch_to");
	/* the public form: a filled honeypot is told apart, not refused */
	json_t *j = json_loads("{\"name\":\"王\",\"phone\":\"13611112222\",\"region\":\"420106001001\",\"category\":\"help\","
			       "\"text\":\"缺菜\",\"website\":\"x\"}",
			       0, NULL);
	fk_ticket_in t;
	fk_err e = { 0 };
	bool bot = false;
	assert_int_equal(fk_message_parse(j, &t, &bot, &e), 0);
	assert_true(bot);
	assert_string_equal(t.phone, "13611112222");
	assert_string_equal(t.urgency, "general");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_move_parse),
		cmocka_unit_test(test_ticket_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
