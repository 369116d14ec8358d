/* fuzz_write.c - libFuzzer target for the JSON bodies of the writes: each
 * body is read as the server reads it (http/body.c) and handed to the core
 * function that validates and stores it, in a transaction on the fixture
 * database (fuzzdb.h) that is rolled back afterwards.
 *
 * Input: the first byte picks the write (its low bits) and the caller (its
 * top bit: the CLI's full scope or a grid worker's); the rest is the body.
 * Checks: a write that fails answers a client error (400, 403, 404, 409,
 * 422; never 500) with terminated strings; one that succeeds answers a
 * value; no memory error or undefined behaviour anywhere on the way.
 *
 * A new write is one row of `writes` (name, function taking the body; W_NEW
 * and W_ONE make one from a core write).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/grid/alerts.h"
#include "core/grid/screening.h"
#include "core/supplies/donations.h"
#include "core/supplies/funds.h"
#include "core/supplies/requests.h"
#include "core/supplies/stock.h"
#include "core/hotline/answers.h"
#include "core/hotline/calendar.h"
#include "core/hotline/doctors.h"
#include "core/hotline/tickets.h"
#include "fuzzdb.h"
#include "http/body.h"

typedef json_t *(*write_fn)(const fk_actor *who, const json_t *in, fk_err *e);

/* Writes that only validate answer this on success. */
static json_t *ok_value(void)
{
	return json_true();
}

static json_t *w_person_parse_create(const fk_actor *who, const json_t *in, fk_err *e)
{
	(void)who;
	fk_person_in p;
	return fk_person_parse(in, true, &p, e) < 0 ? NULL : ok_value();
}

static json_t *w_person_parse_update(const fk_actor *who, const json_t *in, fk_err *e)
{
	(void)who;
	fk_person_in p;
	return fk_person_parse(in, false, &p, e) < 0 ? NULL : ok_value();
}

static json_t *w_person_create(const fk_actor *who, const json_t *in, fk_err *e)
{
	fk_person_in p;
	return fk_person_parse(in, true, &p, e) < 0 ? NULL : fk_person_create(fz_db, who, &p, e);
}

static json_t *w_person_update(const fk_actor *who, const json_t *in, fk_err *e)
{
	fk_person_in p;
	return fk_person_parse(in, false, &p, e) < 0 ? NULL : fk_person_update(fz_db, who, 1, &p, e);
}

static json_t *w_screening(const fk_actor *who, const json_t *in, fk_err *e)
{
	return fk_screening_check(in, e) < 0 ? NULL : fk_screening_store(fz_db, who, in, e);
}

/* Writes of a new record, and writes to record 1 of the fixture: parsed,
 * then stored, as a request does. */
#define W_NEW(fn, T, parse)                                                       \
	static json_t *w_##fn(const fk_actor *who, const json_t *in, fk_err *e) \
	{                                                                        \
		T x;                                                             \
		return parse < 0 ? NULL : fk_##fn(fz_db, who, &x, e);            \
	}
#define W_ONE(fn, T, parse)                                                       \
	static json_t *w_##fn(const fk_actor *who, const json_t *in, fk_err *e) \
	{                                                                        \
		T x;                                                             \
		return parse < 0 ? NULL : fk_##fn(fz_db, who, 1, &x, e);         \
	}
W_NEW(household_create, fk_household_in, fk_household_parse(in, true, &x, e))
W_ONE(household_update, fk_household_in, fk_household_parse(in, false, &x, e))
W_NEW(case_create, fk_case_in, fk_case_parse(in, &x, e))
W_ONE(case_transition, fk_case_move_in, fk_case_move_parse(in, &x, e))
W_NEW(contact_create, fk_contact_in, fk_contact_parse(in, &x, e))
W_ONE(followup_add, fk_followup_in, fk_followup_parse(in, &x, e))
W_ONE(observation_release, fk_release_in, fk_release_parse(in, &x, e))
W_ONE(observation_convert, fk_convert_in, fk_convert_parse(in, &x, e))
W_NEW(site_create, fk_site_in, fk_site_parse(in, &x, e))
W_ONE(alert_close, fk_alert_close_in, fk_alert_close_parse(in, &x, e))
W_NEW(report_submit, fk_report_in, fk_report_parse(in, &x, e))
/* supplies, donations and special funds */
W_NEW(item_create, fk_item_in, fk_item_parse(in, &x, e))
W_NEW(warehouse_create, fk_warehouse_in, fk_warehouse_parse(in, &x, e))
W_NEW(stock_receive, fk_receipt_in, fk_receipt_parse(in, &x, e))
W_NEW(stock_issue, fk_issue_in, fk_issue_parse(in, &x, e))
W_NEW(stock_adjust, fk_adjust_in, fk_adjust_parse(in, &x, e))
W_NEW(donation_receive, fk_donation_in, fk_donation_parse(in, &x, e))
W_NEW(donation_allocate, fk_allocation_in, fk_allocation_parse(in, &x, e))
W_NEW(fund_allocate, fk_fund_alloc_in, fk_fund_alloc_parse(in, &x, e))
W_NEW(fund_disburse, fk_disburse_in, fk_disburse_parse(in, &x, e))
W_NEW(kit_tests_record, fk_kit_tests_in, fk_kit_tests_parse(in, &x, e))
/* hotline */
W_NEW(ticket_create, fk_ticket_in, fk_ticket_parse(in, &x, e))
W_ONE(ticket_move_make, fk_move_in, fk_move_parse(in, &x, e))
W_NEW(answer_create, fk_answer_in, fk_answer_parse(in, &x, e))
W_NEW(team_create, fk_team_in, fk_team_parse(in, &x, e))
W_NEW(doctor_create, fk_doctor_in, fk_doctor_parse(in, &x, e))
W_NEW(shift_create, fk_shift_in, fk_shift_parse(in, &x, e))
W_NEW(workday_set, fk_workday_in, fk_workday_parse(in, &x, e))
W_NEW(limit_set, fk_limit_in, fk_limit_parse(in, &x, e))

/* The public form and lookup take no caller. */
static json_t *w_message(const fk_actor *who, const json_t *in, fk_err *e)
{
	(void)who;
	fk_ticket_in t;
	bool bot;
	int64_t retry = 0;
	if (fk_message_parse(in, &t, &bot, e) < 0)
		return NULL;
	t.addr = "127.0.0.1";
	return bot ? ok_value() : fk_message_create(fz_db, &t, &retry, e);
}

static json_t *w_lookup(const fk_actor *who, const json_t *in, fk_err *e)
{
	(void)who;
	fk_lookup_in l;
	int64_t retry = 0;
	if (fk_lookup_parse(in, &l, e) < 0)
		return NULL;
	l.addr = "127.0.0.1";
	return fk_lookup(fz_db, &l, &retry, e);
}

static const struct {
	const char *name;
	write_fn fn;
} writes[] = {
	{ "person_parse_create", w_person_parse_create },
	{ "person_parse_update", w_person_parse_update },
	{ "person_create", w_person_create },
	{ "person_update", w_person_update },
	{ "screening", w_screening },
	{ "household_create", w_household_create },
	{ "household_update", w_household_update },
	{ "case_create", w_case_create },
	{ "case_transition", w_case_transition },
	{ "contact_create", w_contact_create },
	{ "followup_add", w_followup_add },
	{ "observation_release", w_observation_release },
	{ "observation_convert", w_observation_convert },
	{ "site_create", w_site_create },
	{ "alert_close", w_alert_close },
	{ "report_submit", w_report_submit },
	{ "item_create", w_item_create },
	{ "warehouse_create", w_warehouse_create },
	{ "stock_receive", w_stock_receive },
	{ "stock_issue", w_stock_issue },
	{ "stock_adjust", w_stock_adjust },
	{ "donation_receive", w_donation_receive },
	{ "donation_allocate", w_donation_allocate },
	{ "fund_allocate", w_fund_allocate },
	{ "fund_disburse", w_fund_disburse },
	{ "kit_tests_record", w_kit_tests_record },
	{ "ticket_create", w_ticket_create },
	{ "ticket_move", w_ticket_move_make },
	{ "answer_create", w_answer_create },
	{ "team_create", w_team_create },
	{ "doctor_create", w_doctor_create },
	{ "shift_create", w_shift_create },
	{ "workday_set", w_workday_set },
	{ "limit_set", w_limit_set },
	{ "message", w_message },
	{ "lookup", w_lookup },
};
#define NWRITES (sizeof(writes) / sizeof(writes[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t w = (data[0] & 0x7f) % NWRITES;
	const fk_actor *who = fz_who(data[0]);
	json_t *in = NULL;
	fk_err e;
	memset(&e, 0, sizeof(e));
	if (fk_body_parse((const char *)data + 1, size - 1, &fk_body_defaults, &in, &e) < 0)
		return 0;
	memset(&e, 0, sizeof(e));
	fz_begin();
	json_t *out = writes[w].fn(who, in, &e);
	if (out) {
		CHECK(e.status == 0);
		json_decref(out);
	} else {
		if (e.status == 500)
			fprintf(stderr, "fuzz_write: %s answered 500: %s\n", writes[w].name, e.message);
		fz_check_err(&e);
	}
	fz_end();
	json_decref(in);
	return 0;
}
