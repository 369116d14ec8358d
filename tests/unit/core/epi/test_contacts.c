/* test_contacts.c - missed follow-ups (core/epi/contacts.h): which observations
 * owe a slot's follow-up, the alert raised once per slot, and a late entry
 * settling it. */
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/epi/contacts.h"
#include "util/date.h"

#define GRID "420106001001001"

/* The day under test: yesterday, so follow-ups for it may be entered. */
static int64_t D;

static int64_t person(fk_db *db, const char *name)
{
	return tu_person(db, GRID, name);
}

/* An observation from start to end, entered at `entered`; state and the
 * time it was closed (0: still active). */
static int64_t observation(fk_db *db, const char *name, int64_t start, int64_t end, int64_t entered,
			   const char *state, int64_t closed_at)
{
	int64_t id = 0;
	fk_val v[] = {
		{ 'i', .i = person(db, name) }, { 's', .p = GRID }, { 'i', .i = start }, { 'i', .i = end },
		{ 's', .p = state }, { closed_at ? 'i' : 'n', .i = closed_at }, { 'i', .i = entered },
	};
	fk_stmt *st;
	assert_int_equal(fk_db_query_vals(db, &st,
					  "INSERT INTO observations (person_id, region, reason, mode, start_day, end_day,"
					  " state, closed_at, created_at)"
					  " VALUES ($1, $2, 'contact', 'home', $3, $4, $5, $6, $7) RETURNING id",
					  v, 7),
			 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	id = fk_stmt_int64(st, 0);
	fk_stmt_done(st);
	return id;
}

static void followup(fk_db *db, int64_t obs, int64_t day, const char *slot)
{
	assert_int_equal(fk_db_run(db,
				   "INSERT INTO followups (observation_id, day, slot, symptomatic, user_id, at)"
				   " VALUES ($1, $2, $3, 0, 0, 0)",
				   "iis", obs, day, slot),
			 0);
}

static int64_t alerts_of(fk_db *db, int64_t obs, const char *state)
{
	int64_t n = -1;
	fk_db_int64(db, &n,
		    "SELECT count(*) FROM alerts WHERE observation_id = $1 AND kind = 'followup_missed'"
		    " AND state = $2",
		    "is", obs, state);
	return n;
}

static void test_sweep(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	tu_db *t = tu_db_new(1);
	fk_db *db = t->db;
	D = fk_today() - 1;
	int64_t noon = fk_local_time(D, 12), midnight = fk_local_time(D, 24);
	assert_int_equal(fk_db_begin_write(db), 0);
	assert_int_equal(fk_db_run(db,
				   "INSERT INTO regions (code, parent, level, name, created_at)"
				   " VALUES ($1, '', 6, '第一网格', 0)",
				   "s", GRID),
			 0);
	/* followed in the morning only: owes the evening */
	int64_t a = observation(db, "甲", D - 2, D + 10, fk_local_time(D - 2, 9), "active", 0);
	followup(db, a, D, "am");
	/* followed both times: owes nothing */
	int64_t b = observation(db, "乙", D - 2, D + 10, fk_local_time(D - 2, 9), "active", 0);
	followup(db, b, D, "am");
	followup(db, b, D, "pm");
	/* entered that afternoon with a backdated start: owes the evening, not the morning */
	int64_t c = observation(db, "丙", D - 2, D + 10, fk_local_time(D, 15), "active", 0);
	/* released before the day: owes nothing; released after it (the
	 * server was down when the slot ended): owes both */
	int64_t r1 = observation(db, "丁", D - 14, D - 1, fk_local_time(D - 14, 9), "released", noon - 3600 * 30);
	int64_t r2 = observation(db, "戊", D - 12, D + 2, fk_local_time(D - 12, 9), "released", midnight + 60);
	/* begins the next day, or ended the day before: owes nothing */
	int64_t later = observation(db, "己", D + 1, D + 15, fk_local_time(D - 1, 9), "active", 0);
	int64_t over = observation(db, "庚", D - 15, D - 1, fk_local_time(D - 15, 9), "active", 0);

	int64_t raised = -1;
	assert_int_equal(fk_followup_sweep(db, D, 0, &raised), 0);
	assert_int_equal(raised, 1); /* r2's morning */
	assert_int_equal(alerts_of(db, r2, "open"), 1);
	assert_int_equal(fk_followup_sweep(db, D, 1, &raised), 0);
	assert_int_equal(raised, 3); /* a, c and r2 in the evening */
	assert_int_equal(alerts_of(db, a, "open"), 1);
	assert_int_equal(alerts_of(db, c, "open"), 1);
	assert_int_equal(alerts_of(db, r2, "open"), 2);
	int64_t none[] = { b, r1, later, over };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(alerts_of(db, none[i], "open"), 0);

	/* running it again raises nothing new */
	assert_int_equal(fk_followup_sweep(db, D, 1, &raised), 0);
	assert_int_equal(raised, 0);
	assert_int_equal(fk_followup_sweep(db, D, 0, &raised), 0);
	assert_int_equal(raised, 0);

	/* the alert names the day and slot and the observed person */
	fk_stmt *st;
	assert_int_equal(fk_db_query(db, &st,
				     "SELECT a.grid, a.day, a.slot, a.reasons, a.screening_id IS NULL, p.name FROM alerts a"
				     " JOIN persons p ON p.id = a.person_id WHERE a.observation_id = $1",
				     "i", a),
			 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	assert_string_equal(fk_stmt_text(st, 0), GRID);
	assert_int_equal(fk_stmt_int64(st, 1), D);
	assert_string_equal(fk_stmt_text(st, 2), "pm");
	assert_string_equal(fk_stmt_text(st, 3), "[\"followup_missed\"]");
	assert_int_equal(fk_stmt_int64(st, 4), 1);
	assert_string_equal(fk_stmt_text(st, 5), "甲");
	fk_stmt_done(st);

	/* the evening's follow-up entered late (from paper) settles a's alert */
	char ds[11];
	fk_date_format(D, ds);
	json_t *in = json_pack("{s:s, s:s, s:f}", "date", ds, "slot", "pm", "temperature", 36.5);
	fk_err e = { 0 };
	fk_followup_in f;
	assert_int_equal(fk_followup_parse(in, &f, &e), 0);
	json_t *out = fk_followup_add(db, &fk_actor_cli, a, &f, &e);
	json_decref(in);
	assert_non_null(out);
	json_decref(out);
	assert_int_equal(alerts_of(db, a, "open"), 0);
	assert_int_equal(alerts_of(db, a, "closed"), 1);
	int64_t n = 0;
	assert_int_equal(fk_db_int64(db, &n,
				     "SELECT count(*) FROM alerts WHERE observation_id = $1 AND outcome = 'followup_recorded'",
				     "i", a),
			 FK_ROW);
	assert_int_equal(n, 1);
	/* c's alert stays open */
	assert_int_equal(alerts_of(db, c, "open"), 1);
	assert_int_equal(fk_db_commit(db), 0);
	tu_db_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep),
	};
	return cmocka_run_group_tests_name("core/contacts", tests, NULL, NULL);
}
