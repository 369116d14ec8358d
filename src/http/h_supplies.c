/* h_supplies.c - the catalogue, warehouses and stock; donations; special
 * funds.  Each write parses its body here and runs one core function on
 * the writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/list.h"
#include "core/supplies/donations.h"
#include "core/supplies/funds.h"
#include "core/supplies/requests.h"
#include "core/supplies/stock.h"
#include "http/handlers.h"
#include "http/write.h"

FK_BODY_WRITE(h_item_create, fk_item_in, fk_item_parse, fk_item_create, 201)
FK_BODY_WRITE(h_warehouse_create, fk_warehouse_in, fk_warehouse_parse, fk_warehouse_create, 201)
FK_BODY_WRITE(h_stock_receive, fk_receipt_in, fk_receipt_parse, fk_stock_receive, 201)
FK_BODY_WRITE(h_stock_issue, fk_issue_in, fk_issue_parse, fk_stock_issue, 201)
FK_BODY_WRITE(h_stock_adjust, fk_adjust_in, fk_adjust_parse, fk_stock_adjust, 201)
FK_BODY_WRITE(h_donation_receive, fk_donation_in, fk_donation_parse, fk_donation_receive, 201)
FK_BODY_WRITE(h_donation_allocate, fk_allocation_in, fk_allocation_parse, fk_donation_allocate, 201)
FK_BODY_WRITE(h_fund_allocate, fk_fund_alloc_in, fk_fund_alloc_parse, fk_fund_allocate, 201)
FK_BODY_WRITE(h_fund_disburse, fk_disburse_in, fk_disburse_parse, fk_fund_disburse, 201)
FK_RECORD_WRITE(h_donation_deliver, fk_delivery_in, fk_delivery_parse, fk_donation_deliver, 200)
FK_RECORD_WRITE(h_donation_reverse, fk_reversal_in, fk_reversal_parse, fk_donation_reverse, 200)

/* A fund reversal's body is a donation reversal's: {reason}. */
static int fund_reversal_parse(const json_t *in, fk_fund_reversal_in *r, fk_err *e)
{
	fk_reversal_in x = { .id = r->id };
	if (fk_reversal_parse(in, &x, e) < 0)
		return -1;
	r->reason = x.reason;
	return 0;
}
FK_RECORD_WRITE(h_fund_reverse, fk_fund_reversal_in, fund_reversal_parse, fk_fund_reverse, 200)

FK_BODY_WRITE_A(h_stock_count, fk_count_in, fk_count_parse, fk_stock_count, 201)

int h_warehouses_serving(fk_req *r)
{
	return fk_req_reply(r, 200, fk_warehouses_serving(r->db, &r->actor, fk_req_region(r, "region"), &r->err));
}

int h_items(fk_req *r)
{
	return fk_req_reply(r, 200, fk_items_json(r->db, &r->err));
}

/* A whole number query parameter from min up (dflt when absent).  Returns
 * 0, or -1 having answered 400 naming it. */
static int query_int(fk_req *r, const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out)
{
	const char *s = fk_req_query(r, name);
	*out = dflt;
	if (!s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < min || v > max)
		return fk_req_fail(r, 400, "invalid", name, "%s: a whole number from %lld to %lld", name, (long long)min,
				   (long long)max);
	*out = v;
	return 0;
}

int h_stock(fk_req *r)
{
	int64_t wid, limit, aw = 0, ai = 0;
	if (query_int(r, "warehouse", 1, INT64_MAX, 0, &wid) < 0 ||
	    query_int(r, "limit", 1, FK_STOCK_ROWS_MAX, 100, &limit) < 0)
		return -1;
	const char *after = fk_req_query(r, "after");
	if (after && *after) {
		long long a, b;
		char tail;
		if (sscanf(after, "%lld:%lld%c", &a, &b, &tail) != 2 || a < 0 || b < 0)
			return fk_req_fail(r, 400, "invalid", "after", "after: the next cursor of the previous page");
		aw = a;
		ai = b;
	}
	return fk_req_reply(r, 200,
			    fk_stock_json(r->db, &r->actor, fk_req_region(r, "region"), wid, limit, aw, ai, &r->err));
}

/* The record {id} that get answers, with the rows of l whose filter is
 * its id as key. */
static int record_with(fk_req *r, json_t *(*get)(fk_db *, const fk_actor *, int64_t, fk_err *), const fk_list *l,
		       const char *filter, const char *key)
{
	int64_t id = fk_req_id(r, "id");
	if (id < 0)
		return -1;
	json_t *o = get(r->db, &r->actor, id, &r->err);
	if (!o || fk_list_attach(r->db, &r->actor, o, key, l, filter, id, &r->err) < 0) {
		json_decref(o);
		return -1;
	}
	return fk_req_reply(r, 200, o);
}

/* One donation with its allocations (and their reversals and deliveries):
 * a gift followed from receipt to whoever signed for it. */
int h_donation_get(fk_req *r)
{
	return record_with(r, fk_donation_get, &fk_allocation_list, "donation", "allocations");
}

/* One fund allocation with its disbursements and reversals. */
int h_fund_allocation_get(fk_req *r)
{
	return record_with(r, fk_fund_allocation_get, &fk_fund_entry_list, "allocation", "entries");
}

int h_fund_audit(fk_req *r)
{
	return fk_req_reply(r, 200, fk_fund_audit(r->db, &r->actor, fk_req_region(r, "region"), &r->err));
}

FK_BODY_WRITE_A(h_request_create, fk_request_in, fk_request_parse, fk_request_create, 201)
FK_RECORD_WRITE_A(h_request_move, fk_request_move_in, fk_request_move_parse, fk_request_move, 200)

int h_request_get(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : fk_req_reply(r, 200, fk_request_get(r->db, &r->actor, id, &r->err));
}

FK_BODY_WRITE(h_kit_tests, fk_kit_tests_in, fk_kit_tests_parse, fk_kit_tests_record, 201)

int h_kits(fk_req *r)
{
	return fk_req_reply(r, 200, fk_kits_json(r->db, &r->actor, fk_req_region(r, "region"), &r->err));
}
