/* stock.c - the catalogue, warehouses and the stock ledger (see stock.h).
 * Expected load: a district of a few hundred warehouses and a few hundred
 * items; each movement is one insert and two upserts of the sums. */
#include "core/supplies/stock.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "util/date.h"

const char *const fk_item_categories[] = { "mask",      "gown",         "goggles", "gloves", "thermometer",
					   "test_kit",  "disinfectant", "other",   NULL };
const char *const fk_warehouse_kinds[] = { "district", "street", "hospital", "community", NULL };
const char *const fk_move_kinds[] = { "receipt", "issue", "transfer_out", "transfer_in", "adjustment", NULL };
const char *const fk_adjust_reasons[] = { "counted", "damaged", "expired", "lost", "found", "consumed", NULL };

/* Index of s in names, or -1. */
static int name_index(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* A 400 naming field when s is not one of names. */
static int check_name(const char *const *names, const char *s, const char *field, fk_err *e)
{
	if (name_index(names, s) >= 0)
		return 0;
	char list[256] = "";
	for (int i = 0; names[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", names[i]);
	fk_err_invalid(e, field, "%s: one of %s", field, list);
	return fk_err_allowed(e, list);
}

const fk_field fk_item_fields[] = {
	{ "code", FK_FT_STRING, true, 1, 40 },
	{ "name", FK_FT_STRING, true, 1, 100 },
	{ "category", FK_FT_STRING, true, 1, 20 },
	{ "standard", FK_FT_STRING, false, 1, 60 },
	{ "grade", FK_FT_STRING, false, 1, 40 },
	{ "method", FK_FT_STRING, false, 1, 40 },
	{ "maker", FK_FT_STRING, false, 1, 100 },
	{ "unit", FK_FT_STRING, true, 1, 20 },
	{ "pack_size", FK_FT_INT, true, 1, 100000 },
	{ "tests_per_unit", FK_FT_INT, false, 1, 1000 },
	{ "low_days", FK_FT_INT, true, 1, 365 },
	{ 0 },
};

int fk_item_parse(const json_t *in, fk_item_in *it, fk_err *e)
{
	memset(it, 0, sizeof(*it));
	if (fk_fields_check(in, fk_item_fields, e) < 0)
		return -1;
	it->code = fk_json_str(in, "code");
	it->name = fk_json_str(in, "name");
	it->category = fk_json_str(in, "category");
	it->standard = fk_json_str(in, "standard");
	it->grade = fk_json_str(in, "grade");
	it->method = fk_json_str(in, "method");
	it->maker = fk_json_str(in, "maker");
	it->unit = fk_json_str(in, "unit");
	it->pack_size = json_integer_value(json_object_get(in, "pack_size"));
	it->tests_per_unit = json_integer_value(json_object_get(in, "tests_per_unit"));
	it->low_days = json_integer_value(json_object_get(in, "low_days"));
	if (check_name(fk_item_categories, it->category, "category", e) < 0)
		return -1;
	if (it->tests_per_unit && strcmp(it->category, "test_kit") != 0)
		return fk_err_invalid(e, "tests_per_unit", "tests_per_unit: only for test kits");
	if (!strcmp(it->category, "test_kit") && !it->tests_per_unit)
		return fk_err_invalid(e, "tests_per_unit", "tests_per_unit: required for a test kit");
	return 0;
}

json_t *fk_item_create(fk_db *db, const fk_actor *who, const fk_item_in *it, fk_err *e)
{
	int64_t id = 0;
	int rc = fk_db_int64(db, &id,
			     "INSERT INTO items (code, name, category, standard, grade, method, maker, unit, pack_size,"
			     " tests_per_unit, low_days, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
			     " $12) ON CONFLICT (code) DO NOTHING RETURNING id",
			     "ssssssssiiii", it->code, it->name, it->category, it->standard, it->grade, it->method,
			     it->maker, it->unit, it->pack_size, it->tests_per_unit ? it->tests_per_unit : (int64_t)0,
			     it->low_days, fk_now());
	if (rc == FK_DONE) {
		fk_err_conflict(e, "code", "code: an item with code %s exists", it->code);
		return NULL;
	}
	if (rc != FK_ROW || fk_audit_record(db, who, "item.create", "item", id, NULL, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "code", it->code, "name", it->name, "category",
			 it->category);
}

json_t *fk_items_json(fk_db *db, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT id, code, name, category, standard, grade, method, maker, unit, pack_size,"
			" NULLIF(tests_per_unit, 0) AS tests_per_unit, low_days FROM items ORDER BY code LIMIT $1",
			"i", (int64_t)FK_STOCK_ROWS_MAX) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *items = json_array();
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(items, fk_row_json(st));
	return json_pack("{s:o}", "items", items);
}

int fk_item_exists(fk_db *db, int64_t id, const char *field, char *category, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT category FROM items WHERE id = $1", "i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW && category)
		snprintf(category, 32, "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);
	if (rc != FK_ROW)
		return fk_err_set(e, 404, "not_found", field, "item %" PRId64 " not found", id);
	return 0;
}

const fk_field fk_warehouse_fields[] = {
	{ "region", FK_FT_STRING, true, 2, 15 },
	{ "name", FK_FT_STRING, true, 1, 100 },
	{ "kind", FK_FT_STRING, true, 1, 20 },
	{ 0 },
};

int fk_warehouse_parse(const json_t *in, fk_warehouse_in *w, fk_err *e)
{
	memset(w, 0, sizeof(*w));
	if (fk_fields_check(in, fk_warehouse_fields, e) < 0)
		return -1;
	w->region = fk_json_str(in, "region");
	w->name = fk_json_str(in, "name");
	w->kind = fk_json_str(in, "kind");
	return check_name(fk_warehouse_kinds, w->kind, "kind", e);
}

json_t *fk_warehouse_create(fk_db *db, const fk_actor *who, const fk_warehouse_in *w, fk_err *e)
{
	json_t *r = fk_region_get(db, who, w->region, e);
	if (!r)
		return NULL;
	json_decref(r);
	int64_t id = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO warehouses (region, name, kind, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			"sssi", w->region, w->name, w->kind, fk_now()) != FK_ROW ||
	    fk_audit_record(db, who, "warehouse.create", "warehouse", id, w->region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "region", w->region, "name", w->name, "kind",
			 w->kind);
}

const fk_list fk_warehouse_list = {
	.select = "w.id, w.region, r.name AS region_name, w.name, w.kind FROM warehouses w"
		  " LEFT JOIN regions r ON r.code = w.region",
	FK_LIST_REGION_ID("w"),
};

json_t *fk_warehouses_serving(fk_db *db, const fk_actor *who, const char *region, fk_err *e)
{
	fk_range r;
	if (fk_scope_range(who, region, &r, e) < 0)
		return NULL;
	/* the region's own and every one above it: codes that prefix the region's */
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT w.id, w.region, g.name AS region_name, w.name, w.kind FROM warehouses w"
			" LEFT JOIN regions g ON g.code = w.region WHERE substr($1, 1, length(w.region)) = w.region"
			" ORDER BY length(w.region) DESC, w.id LIMIT 100",
			"s", r.base) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *items = json_array();
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(items, fk_row_json(st));
	return json_pack("{s:s, s:o}", "region", r.base, "items", items);
}

int fk_warehouse_load(fk_db *db, const fk_actor *who, int64_t id, const char *field, char region[16], fk_err *e)
{
	return fk_scope_load(db, who, FK_SCOPE_WAREHOUSE, id, field, region, e);
}

/* A lot's item, number and expiry (-1: none).  0, or -1 with a 404 naming
 * field. */
static int lot_load(fk_db *db, int64_t lot_id, const char *field, int64_t *item_id, char lot_no[64],
		    int64_t *expiry, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT item_id, lot_no, COALESCE(expiry_day, -1) FROM lots WHERE id = $1", "i",
			lot_id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		*item_id = fk_stmt_int64(st, 0);
		snprintf(lot_no, 64, "%s", fk_stmt_text(st, 1));
		*expiry = fk_stmt_int64(st, 2);
	}
	fk_stmt_done(st);
	return rc == FK_ROW ? 0 : fk_err_set(e, 404, "not_found", field, "lot %" PRId64 " not found", lot_id);
}

int fk_lot_get(fk_db *db, int64_t item_id, const char *lot_no, int64_t expiry, int64_t *lot_id, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, COALESCE(expiry_day, -1) FROM lots WHERE item_id = $1 AND lot_no = $2",
			"is", item_id, lot_no) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	int64_t have = -1;
	if (rc == FK_ROW) {
		*lot_id = fk_stmt_int64(st, 0);
		have = fk_stmt_int64(st, 1);
	}
	fk_stmt_done(st);
	if (rc == FK_ROW) {
		if (have != expiry)
			return fk_err_conflict(e, "expiry", "expiry: lot %s of this item is recorded with another expiry",
					       lot_no);
		return 0;
	}
	if (fk_db_int64(db, lot_id, "INSERT INTO lots (item_id, lot_no, expiry_day) VALUES ($1, $2, $3) RETURNING id",
			expiry < 0 ? "isn" : "isi", item_id, lot_no, expiry) != FK_ROW)
		return fk_err_internal(e);
	return 0;
}

int fk_stock_move(fk_db *db, const fk_actor *who, int64_t warehouse_id, const char *region, int64_t lot_id,
		  const char *kind, const char *reason, int64_t qty, const char *ref, const char *note, fk_err *e)
{
	int64_t item_id = 0, expiry = -1, on_hand = 0;
	char lot_no[64];
	if (lot_load(db, lot_id, "lot_id", &item_id, lot_no, &expiry, e) < 0)
		return -1;
	int rc = fk_db_int64(db, &on_hand, "SELECT on_hand FROM stock_lots WHERE warehouse_id = $1 AND lot_id = $2", "ii",
			     warehouse_id, lot_id);
	if (rc < 0)
		return fk_err_internal(e);
	if (on_hand + qty < 0)
		return fk_err_conflict(e, "lot_id", "lot %s holds %" PRId64 ", fewer than %" PRId64, lot_no, on_hand,
				       -qty);
	int64_t now = fk_now();
	if (fk_db_run(db,
		      "INSERT INTO stock_moves (warehouse_id, region, item_id, lot_id, kind, reason, qty, day, ref, note,"
		      " user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
		      "isiissiissii", warehouse_id, region, item_id, lot_id, kind, reason, qty, fk_today(), ref, note,
		      who->user_id, now) < 0 ||
	    fk_db_run(db,
		      "INSERT INTO stock_lots (warehouse_id, lot_id, item_id, on_hand) VALUES ($1, $2, $3, $4)"
		      " ON CONFLICT (warehouse_id, lot_id) DO UPDATE SET on_hand = stock_lots.on_hand + excluded.on_hand",
		      "iiii", warehouse_id, lot_id, item_id, qty) < 0 ||
	    fk_db_run(db,
		      "INSERT INTO stock_items (warehouse_id, item_id, region, on_hand) VALUES ($1, $2, $3, $4)"
		      " ON CONFLICT (warehouse_id, item_id) DO UPDATE SET on_hand = stock_items.on_hand + excluded.on_hand",
		      "iisi", warehouse_id, item_id, region, qty) < 0)
		return fk_err_internal(e);
	return 0;
}

const fk_field fk_receipt_fields[] = {
	{ "warehouse_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "item_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "lot_no", FK_FT_STRING, true, 1, 60 },
	{ "expiry", FK_FT_STRING, false, 10, 10 },
	{ "qty", FK_FT_INT, true, 1, 100000000 },
	{ "ref", FK_FT_STRING, false, 1, 60 },
	{ "note", FK_FT_STRING, false, 1, 200 },
	{ 0 },
};

int fk_receipt_parse(const json_t *in, fk_receipt_in *r, fk_err *e)
{
	memset(r, 0, sizeof(*r));
	if (fk_fields_check(in, fk_receipt_fields, e) < 0)
		return -1;
	r->warehouse_id = json_integer_value(json_object_get(in, "warehouse_id"));
	r->item_id = json_integer_value(json_object_get(in, "item_id"));
	r->qty = json_integer_value(json_object_get(in, "qty"));
	r->lot_no = fk_json_str(in, "lot_no");
	r->ref = fk_json_str(in, "ref");
	r->note = fk_json_str(in, "note");
	r->expiry = -1;
	const char *x = fk_json_str(in, "expiry");
	if (x && fk_date_parse(x, &r->expiry) < 0)
		return fk_err_invalid(e, "expiry", "expiry: a date YYYY-MM-DD");
	return 0;
}

json_t *fk_stock_receive(fk_db *db, const fk_actor *who, const fk_receipt_in *r, fk_err *e)
{
	char region[16];
	int64_t lot_id = 0;
	if (fk_warehouse_load(db, who, r->warehouse_id, "warehouse_id", region, e) < 0 ||
	    fk_item_exists(db, r->item_id, "item_id", NULL, e) < 0 ||
	    fk_lot_get(db, r->item_id, r->lot_no, r->expiry, &lot_id, e) < 0 ||
	    fk_stock_move(db, who, r->warehouse_id, region, lot_id, "receipt", NULL, r->qty, r->ref, r->note, e) < 0)
		return NULL;
	json_t *d = json_pack("{s:I, s:I, s:s, s:I}", "warehouse_id", (json_int_t)r->warehouse_id, "item_id",
			      (json_int_t)r->item_id, "lot_no", r->lot_no, "qty", (json_int_t)r->qty);
	if (fk_audit_record(db, who, "stock.receive", "warehouse", r->warehouse_id, region, json_incref(d)) < 0) {
		json_decref(d);
		fk_err_internal(e);
		return NULL;
	}
	json_object_set_new(d, "lot_id", json_integer(lot_id));
	return d;
}

const fk_field fk_issue_fields[] = {
	{ "warehouse_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "item_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "qty", FK_FT_INT, true, 1, 100000000 },
	{ "to", FK_FT_STRING, true, 1, 100 },
	{ "lot_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "ref", FK_FT_STRING, false, 1, 60 },
	{ 0 },
};

int fk_issue_parse(const json_t *in, fk_issue_in *s, fk_err *e)
{
	memset(s, 0, sizeof(*s));
	if (fk_fields_check(in, fk_issue_fields, e) < 0)
		return -1;
	s->warehouse_id = json_integer_value(json_object_get(in, "warehouse_id"));
	s->item_id = json_integer_value(json_object_get(in, "item_id"));
	s->qty = json_integer_value(json_object_get(in, "qty"));
	s->lot_id = json_integer_value(json_object_get(in, "lot_id"));
	s->to = fk_json_str(in, "to");
	s->ref = fk_json_str(in, "ref");
	return 0;
}

/* The lots of item on hand in a warehouse, earliest expiry first (no
 * expiry last), then by lot id. */
#define FEFO_SQL                                                                                                  \
	"SELECT s.lot_id, l.lot_no, COALESCE(l.expiry_day, -1), s.on_hand FROM stock_lots s JOIN lots l ON l.id ="  \
	" s.lot_id WHERE s.warehouse_id = $1 AND s.item_id = $2 AND s.on_hand > 0"                                 \
	" ORDER BY CASE WHEN l.expiry_day IS NULL THEN 1 ELSE 0 END, l.expiry_day, s.lot_id"

typedef struct pick {
	int64_t lot_id, qty;
	char lot_no[64];
} pick;

json_t *fk_stock_issue(fk_db *db, const fk_actor *who, const fk_issue_in *s, fk_err *e)
{
	char region[16];
	if (fk_warehouse_load(db, who, s->warehouse_id, "warehouse_id", region, e) < 0 ||
	    fk_item_exists(db, s->item_id, "item_id", NULL, e) < 0)
		return NULL;
	int64_t today = fk_today(), left = s->qty, usable = 0;
	pick picks[64];
	int n = 0;
	char expired[64] = "";
	fk_stmt *st;
	if (fk_db_query(db, &st, FEFO_SQL, "ii", s->warehouse_id, s->item_id) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	while (left > 0 && n < 64 && fk_stmt_step(st) == FK_ROW) {
		int64_t lot = fk_stmt_int64(st, 0), exp = fk_stmt_int64(st, 2), have = fk_stmt_int64(st, 3);
		const char *no = fk_stmt_text(st, 1);
		if (s->lot_id && lot != s->lot_id)
			continue;
		if (exp >= 0 && exp < today) {
			if (!expired[0])
				snprintf(expired, sizeof(expired), "%s", no);
			continue; /* never an expired lot */
		}
		int64_t take = have < left ? have : left;
		picks[n].lot_id = lot;
		picks[n].qty = take;
		snprintf(picks[n].lot_no, sizeof(picks[n].lot_no), "%s", no);
		n++;
		left -= take;
		usable += take;
	}
	fk_stmt_done(st);
	if (s->lot_id && expired[0]) {
		fk_err_conflict(e, "lot_id", "lot %s has expired: it cannot be issued", expired);
		return NULL;
	}
	if (left > 0) {
		if (expired[0])
			fk_err_conflict(e, "qty",
					"qty: only %" PRId64 " can be issued; lot %s on hand has expired and is never issued",
					usable, expired);
		else
			fk_err_conflict(e, "qty", "qty: only %" PRId64 " on hand%s", usable,
					s->lot_id ? " in that lot" : "");
		return NULL;
	}
	json_t *out = json_array();
	for (int i = 0; i < n; i++) {
		if (fk_stock_move(db, who, s->warehouse_id, region, picks[i].lot_id, "issue", NULL, -picks[i].qty,
				  s->ref, s->to, e) < 0) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, json_pack("{s:I, s:s, s:I}", "lot_id", (json_int_t)picks[i].lot_id, "lot_no",
						     picks[i].lot_no, "qty", (json_int_t)picks[i].qty));
	}
	json_t *d = json_pack("{s:I, s:I, s:I, s:s, s:O}", "warehouse_id", (json_int_t)s->warehouse_id, "item_id",
			      (json_int_t)s->item_id, "qty", (json_int_t)s->qty, "to", s->to, "lots", out);
	if (fk_audit_record(db, who, "stock.issue", "warehouse", s->warehouse_id, region, json_incref(d)) < 0) {
		json_decref(d);
		json_decref(out);
		fk_err_internal(e);
		return NULL;
	}
	json_decref(out);
	return d;
}

const fk_field fk_adjust_fields[] = {
	{ "warehouse_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "lot_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "qty", FK_FT_INT, true, -100000000, 100000000 },
	{ "reason", FK_FT_STRING, true, 1, 20 },
	{ "note", FK_FT_STRING, false, 1, 200 },
	{ 0 },
};

int fk_adjust_parse(const json_t *in, fk_adjust_in *a, fk_err *e)
{
	memset(a, 0, sizeof(*a));
	if (fk_fields_check(in, fk_adjust_fields, e) < 0)
		return -1;
	a->warehouse_id = json_integer_value(json_object_get(in, "warehouse_id"));
	a->lot_id = json_integer_value(json_object_get(in, "lot_id"));
	a->qty = json_integer_value(json_object_get(in, "qty"));
	a->reason = fk_json_str(in, "reason");
	a->note = fk_json_str(in, "note");
	if (a->qty == 0)
		return fk_err_invalid(e, "qty", "qty: not 0 (+ found, - lost, damaged, expired, consumed)");
	if (check_name(fk_adjust_reasons, a->reason, "reason", e) < 0)
		return -1;
	if (!strcmp(a->reason, "counted"))
		return fk_err_invalid(e, "reason", "reason: counted differences come from a stock count (POST /stock/counts)");
	int in_reason = !strcmp(a->reason, "found");
	if (in_reason != (a->qty > 0))
		return fk_err_invalid(e, "qty", "qty: %s for %s", in_reason ? "positive" : "negative", a->reason);
	return 0;
}

json_t *fk_stock_adjust(fk_db *db, const fk_actor *who, const fk_adjust_in *a, fk_err *e)
{
	char region[16];
	if (fk_warehouse_load(db, who, a->warehouse_id, "warehouse_id", region, e) < 0 ||
	    fk_stock_move(db, who, a->warehouse_id, region, a->lot_id, "adjustment", a->reason, a->qty, NULL, a->note,
			  e) < 0)
		return NULL;
	json_t *d = json_pack("{s:I, s:I, s:I, s:s}", "warehouse_id", (json_int_t)a->warehouse_id, "lot_id",
			      (json_int_t)a->lot_id, "qty", (json_int_t)a->qty, "reason", a->reason);
	if (fk_audit_record(db, who, "stock.adjust", "warehouse", a->warehouse_id, region, json_incref(d)) < 0) {
		json_decref(d);
		fk_err_internal(e);
		return NULL;
	}
	return d;
}

const fk_field fk_count_fields[] = {
	{ "warehouse_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "lines", FK_FT_ARRAY, true, 1, FK_COUNT_LINES_MAX },
	{ 0 },
};

const fk_field fk_count_line_fields[] = {
	{ "lot_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "counted", FK_FT_INT, true, 0, 100000000 },
	{ 0 },
};

int fk_count_parse(const json_t *in, fk_count_in *c, fk_arena *a, fk_err *e)
{
	memset(c, 0, sizeof(*c));
	if (fk_fields_check(in, fk_count_fields, e) < 0)
		return -1;
	c->warehouse_id = json_integer_value(json_object_get(in, "warehouse_id"));
	const json_t *lines = json_object_get(in, "lines");
	c->n = (int)json_array_size(lines);
	c->lines = fk_arena_alloc(a, sizeof(*c->lines) * (size_t)c->n);
	for (int i = 0; i < c->n; i++) {
		const json_t *l = json_array_get(lines, (size_t)i);
		if (!json_is_object(l) || fk_fields_check(l, fk_count_line_fields, e) < 0) {
			char f[64];
			snprintf(f, sizeof(f), "lines[%d]%s%s", i, e->field[0] ? "." : "", e->field);
			return fk_err_invalid(e, f, "%s: %s", f,
					      json_is_object(l) ? e->message : "an object {lot_id, counted}");
		}
		c->lines[i].lot_id = json_integer_value(json_object_get(l, "lot_id"));
		c->lines[i].counted = json_integer_value(json_object_get(l, "counted"));
		for (int j = 0; j < i; j++)
			if (c->lines[j].lot_id == c->lines[i].lot_id) {
				char f[64];
				snprintf(f, sizeof(f), "lines[%d].lot_id", i);
				return fk_err_invalid(e, f, "%s: lot %" PRId64 " is counted twice", f, c->lines[i].lot_id);
			}
	}
	return 0;
}

json_t *fk_stock_count(fk_db *db, const fk_actor *who, const fk_count_in *c, fk_err *e)
{
	char region[16];
	if (fk_warehouse_load(db, who, c->warehouse_id, "warehouse_id", region, e) < 0)
		return NULL;
	json_t *diffs = json_array();
	for (int i = 0; i < c->n; i++) {
		int64_t on_hand = 0;
		if (fk_db_int64(db, &on_hand, "SELECT on_hand FROM stock_lots WHERE warehouse_id = $1 AND lot_id = $2",
				"ii", c->warehouse_id, c->lines[i].lot_id) < 0)
			goto internal;
		int64_t diff = c->lines[i].counted - on_hand;
		char field[48];
		snprintf(field, sizeof(field), "lines[%d].lot_id", i);
		if (diff != 0 && fk_stock_move(db, who, c->warehouse_id, region, c->lines[i].lot_id, "adjustment",
					       "counted", diff, "count", NULL, e) < 0) {
			if (e->status == 404)
				snprintf(e->field, sizeof(e->field), "%s", field);
			json_decref(diffs);
			return NULL;
		}
		json_array_append_new(diffs, json_pack("{s:I, s:I, s:I, s:I}", "lot_id", (json_int_t)c->lines[i].lot_id,
						       "book", (json_int_t)on_hand, "counted",
						       (json_int_t)c->lines[i].counted, "difference", (json_int_t)diff));
	}
	json_t *d = json_pack("{s:I, s:O}", "warehouse_id", (json_int_t)c->warehouse_id, "lines", diffs);
	json_decref(diffs);
	if (fk_audit_record(db, who, "stock.count", "warehouse", c->warehouse_id, region, json_incref(d)) < 0) {
		json_decref(d);
		goto internal;
	}
	return d;
internal:
	fk_err_internal(e);
	return NULL;
}

json_t *fk_stock_json(fk_db *db, const fk_actor *who, const char *region, int64_t warehouse_id, int64_t limit,
		      int64_t after_wh, int64_t after_item, fk_err *e)
{
	fk_range range;
	if (fk_scope_range(who, region, &range, e) < 0)
		return NULL;
	int64_t today = fk_today();
	fk_stmt *st;
	/* consumption: what left by issue or consumed adjustment in the 7 days before today */
	if (fk_db_query(db, &st,
			"SELECT s.warehouse_id, w.name AS warehouse, s.region, s.item_id, i.code, i.name AS item, i.unit,"
			" i.low_days, s.on_hand,"
			" (SELECT COALESCE(-SUM(m.qty), 0) FROM stock_moves m WHERE m.warehouse_id = s.warehouse_id"
			"  AND m.item_id = s.item_id AND m.day >= $3 AND m.day < $4"
			"  AND (m.kind = 'issue' OR (m.kind = 'adjustment' AND m.reason = 'consumed'))) AS used_7d"
			" FROM stock_items s JOIN warehouses w ON w.id = s.warehouse_id JOIN items i ON i.id = s.item_id"
			" WHERE s.region >= $1 AND s.region < $2 AND ($5 = 0 OR s.warehouse_id = $5)"
			" AND (s.warehouse_id > $7 OR (s.warehouse_id = $7 AND s.item_id > $8))"
			" ORDER BY s.warehouse_id, s.item_id LIMIT $6",
			"ssiiiiii", range.base, range.hi, today - 7, today, warehouse_id, limit + 1, after_wh, after_item) < 0)
		goto internal;
	json_t *rows = json_array();
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *row = fk_row_json(st);
		int64_t on_hand = fk_stmt_int64(st, 8), used = fk_stmt_int64(st, 9), low_days = fk_stmt_int64(st, 7);
		double per_day = (double)used / 7.0;
		json_object_set_new(row, "days_of_supply", used > 0 ? json_real((double)on_hand / per_day) : json_null());
		json_object_set_new(row, "low",
				    json_boolean(on_hand <= 0 || (used > 0 && (double)on_hand / per_day < (double)low_days)));
		json_array_append_new(rows, row);
	}
	/* one more than asked says whether another page follows */
	json_t *next = json_null();
	if ((int64_t)json_array_size(rows) > limit) {
		json_array_remove(rows, (size_t)limit);
		json_t *last = json_array_get(rows, (size_t)limit - 1);
		char cur[48];
		snprintf(cur, sizeof(cur), "%lld:%lld", (long long)json_integer_value(json_object_get(last, "warehouse_id")),
			 (long long)json_integer_value(json_object_get(last, "item_id")));
		next = json_string(cur);
	}
	/* the lots on hand of each row */
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		fk_stmt *ls;
		if (fk_db_query(db, &ls,
				"SELECT s.lot_id, l.lot_no, l.expiry_day, s.on_hand FROM stock_lots s JOIN lots l ON l.id ="
				" s.lot_id WHERE s.warehouse_id = $1 AND s.item_id = $2 AND s.on_hand > 0"
				" ORDER BY CASE WHEN l.expiry_day IS NULL THEN 1 ELSE 0 END, l.expiry_day, s.lot_id",
				"ii", (int64_t)json_integer_value(json_object_get(row, "warehouse_id")),
				(int64_t)json_integer_value(json_object_get(row, "item_id"))) < 0) {
			json_decref(rows);
			goto internal;
		}
		json_t *lots = json_array();
		int expiring = 0, expired = 0;
		while (fk_stmt_step(ls) == FK_ROW) {
			int has = !fk_stmt_is_null(ls, 2);
			int64_t exp = fk_stmt_int64(ls, 2);
			char d[11] = "";
			if (has)
				fk_date_format(exp, d);
			int is_expired = has && exp < today, is_expiring = has && !is_expired &&
									   exp < today + FK_STOCK_EXPIRING_DAYS;
			expired += is_expired;
			expiring += is_expiring;
			json_array_append_new(lots, json_pack("{s:I, s:s, s:s?, s:I, s:b, s:b}", "lot_id",
							      (json_int_t)fk_stmt_int64(ls, 0), "lot_no",
							      fk_stmt_text(ls, 1), "expiry", has ? d : NULL, "on_hand",
							      (json_int_t)fk_stmt_int64(ls, 3), "expired", is_expired,
							      "expiring", is_expiring));
		}
		json_object_set_new(row, "lots", lots);
		json_object_set_new(row, "expired_lots", json_integer(expired));
		json_object_set_new(row, "expiring_lots", json_integer(expiring));
	}
	return json_pack("{s:o, s:o}", "items", rows, "next", next);
internal:
	fk_err_internal(e);
	return NULL;
}

static const fk_filter move_filters[] = {
	{ "warehouse", FK_F_ID, "m.warehouse_id = ?", .what = "a warehouse id" },
	{ "kind", FK_F_ENUM, "m.kind = ?", .names = fk_move_kinds },
	{ 0 },
};

const fk_list fk_move_list = {
	.select = "m.id, m.warehouse_id, w.name AS warehouse, m.region, m.item_id, i.name AS item, l.lot_no, m.kind,"
		  " m.reason, m.qty, m.day, m.ref, m.note, m.at FROM stock_moves m JOIN warehouses w ON w.id ="
		  " m.warehouse_id JOIN items i ON i.id = m.item_id JOIN lots l ON l.id = m.lot_id",
	FK_LIST_REGION_ID("m"),
	.desc = true,
	.filters = move_filters,
};
