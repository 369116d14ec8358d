/* test_requests.c - the order of approvals (core/supplies/requests.h):
 * one's own request is never approved by oneself (whatever role one holds
 * by then), the same level does not decide, a rejection is not overridden
 * from above, and picking never takes an expired lot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../testutil.h"
#include "core/supplies/requests.h"
#include "core/supplies/stock.h"
#include "util/date.h"

static tu_db *t;
static int64_t wh, item, lot_ok;

static int setup(void **state)
{
	(void)state;
	t = tu_db_new(1);
	fk_db *db = t->db;
	assert_int_equal(fk_db_exec(db, "INSERT INTO regions (code, parent, level, name, created_at) VALUES"
					" ('420106', '', 3, 'county', 0), ('420106001', '420106', 4, 'street', 0),"
					" ('420106001001', '420106001', 5, 'community', 0)"),
			 0);
	assert_int_equal(fk_db_int64(db, &wh,
				     "INSERT INTO warehouses (region, name, kind, created_at) VALUES ('420106001', 's',"
				     " 'street', 0) RETURNING id",
				     ""),
			 FK_ROW);
	assert_int_equal(fk_db_int64(db, &item,
				     "INSERT INTO items (code, name, category, unit, pack_size, low_days, created_at)"
				     " VALUES ('M', 'mask', 'mask', 'piece', 1, 7, 0) RETURNING id",
				     ""),
			 FK_ROW);
	fk_err e = { 0 };
	const fk_actor keeper = { 9, "keeper", FK_ROLE_KEEPER, "420106", "" };
	int64_t expired;
	assert_int_equal(fk_lot_get(db, item, "OLD", fk_today() - 1, &expired, &e), 0);
	assert_int_equal(fk_lot_get(db, item, "NEW", fk_today() + 100, &lot_ok, &e), 0);
	assert_int_equal(fk_stock_move(db, &keeper, wh, "420106001", expired, "receipt", NULL, 100, NULL, NULL, &e), 0);
	assert_int_equal(fk_stock_move(db, &keeper, wh, "420106001", lot_ok, "receipt", NULL, 30, NULL, NULL, &e), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_db_free(t);
	return 0;
}

static int64_t request(const fk_actor *who, int64_t qty)
{
	fk_request_line line = { .item_id = item, .qty = qty };
	fk_request_in q = { .region = "420106001001", .reason = "test", .warehouse_id = wh, .needed_by = fk_today(),
			    .lines = &line, .n = 1 };
	fk_err e = { 0 };
	json_t *r = fk_request_create(t->db, who, &q, &e);
	assert_non_null(r);
	int64_t id = json_integer_value(json_object_get(r, "id"));
	json_decref(r);
	return id;
}

/* Moves id to `to` as who; returns the status (200 when it moved). */
static int move(const fk_actor *who, int64_t id, const char *to, const char *note)
{
	fk_request_move_in m = { .id = id, .to = to, .note = note };
	fk_err e = { 0 };
	json_t *r = fk_request_move(t->db, who, &m, &e);
	json_decref(r);
	return r ? 200 : e.status;
}

static void test_order_of_approvals(void **state)
{
	(void)state;
	const fk_actor doctor = { 5, "doctor", FK_ROLE_DOCTOR, "420106001001", "" };
	/* the same account, later made the street's coordinator */
	const fk_actor same = { 5, "doctor", FK_ROLE_COORDINATOR, "420106001", "" };
	const fk_actor street = { 6, "coord", FK_ROLE_COORDINATOR, "420106001", "" };
	const fk_actor peer = { 7, "coord2", FK_ROLE_COORDINATOR, "420106001001", "" };
	const fk_actor county = { 8, "coord3", FK_ROLE_COORDINATOR, "420106", "" };
	const fk_actor keeper = { 9, "keeper", FK_ROLE_KEEPER, "420106", "" };
	int64_t id = request(&doctor, 20);
	assert_int_equal(move(&same, id, "approved", NULL), 403);  /* one's own request */
	assert_int_equal(move(&peer, id, "approved", NULL), 403);  /* the same level */
	assert_int_equal(move(&doctor, id, "approved", NULL), 403); /* not the role */
	assert_int_equal(move(&street, id, "rejected", "no"), 200);
	assert_int_equal(move(&county, id, "approved", NULL), 409); /* a rejection stands */
	/* picking takes only the unexpired lot: 30 on hand, 20 approved */
	id = request(&doctor, 20);
	assert_int_equal(move(&street, id, "approved", NULL), 200);
	assert_int_equal(move(&keeper, id, "picked", NULL), 200);
	int64_t left = -1;
	assert_int_equal(fk_db_int64(t->db, &left, "SELECT on_hand FROM stock_lots WHERE lot_id = $1", "i", lot_ok),
			 FK_ROW);
	assert_int_equal(left, 10);
	/* more than the unexpired stock: 409 (the expired lot is never picked) */
	id = request(&doctor, 15);
	assert_int_equal(move(&street, id, "approved", NULL), 200);
	assert_int_equal(move(&keeper, id, "picked", NULL), 409);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_of_approvals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
