/* donations.c - donations, their allocation, delivery and corrections (see
 * donations.h).  Expected load: hundreds of donations a day in a city in
 * an emergency; each write is a few rows and one ledger entry. */
#include "core/supplies/donations.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "core/ledger/ledger.h"
#include "core/supplies/stock.h"
#include "util/date.h"

const char *const fk_donor_kinds[] = { "organisation", "person", NULL };
const char *const fk_donation_kinds[] = { "money", "goods", NULL };

fk_donation_config fk_donation_settings = { .receipt_days = 1, .receipt_days_normal = 7, .use_days = 30 };

static const char *one_of(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (!strcmp(names[i], s))
			return names[i];
	return NULL;
}

const fk_field fk_donation_fields[] = {
	{ "region", FK_FT_STRING, true, 2, 15 },
	{ "donor_kind", FK_FT_STRING, true, 1, 20 },
	{ "donor_name", FK_FT_STRING, true, 1, 100 },
	{ "donor_public", FK_FT_BOOL, false },
	{ "donor_related", FK_FT_ARRAY, false, 0, FK_DONATION_RELATED_MAX },
	{ "kind", FK_FT_STRING, true, 1, 10 },
	{ "amount_fen", FK_FT_INT, false, 1, INT64_C(100000000000000) },
	{ "item_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "qty", FK_FT_INT, false, 1, 100000000 },
	{ "value_fen", FK_FT_INT, false, 0, INT64_C(100000000000000) },
	{ "warehouse_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "lot_no", FK_FT_STRING, false, 1, 60 },
	{ "expiry", FK_FT_STRING, false, 10, 10 },
	{ "designated_region", FK_FT_STRING, false, 2, 15 },
	{ "designated_purpose", FK_FT_STRING, false, 1, 100 },
	{ "voucher", FK_FT_STRING, true, 1, 60 },
	{ "receipt_no", FK_FT_STRING, true, 1, 60 },
	{ "received_on", FK_FT_STRING, true, 10, 10 },
	{ "emergency", FK_FT_BOOL, false },
	{ 0 },
};

#define INT_OF(in, k) ((int64_t)json_integer_value(json_object_get(in, k)))

int fk_donation_parse(const json_t *in, fk_donation_in *d, fk_err *e)
{
	memset(d, 0, sizeof(*d));
	if (fk_fields_check(in, fk_donation_fields, e) < 0)
		return -1;
	d->region = fk_json_str(in, "region");
	d->donor_name = fk_json_str(in, "donor_name");
	d->voucher = fk_json_str(in, "voucher");
	d->receipt_no = fk_json_str(in, "receipt_no");
	d->designated_region = fk_json_str(in, "designated_region");
	d->designated_purpose = fk_json_str(in, "designated_purpose");
	d->lot_no = fk_json_str(in, "lot_no");
	d->amount_fen = INT_OF(in, "amount_fen");
	if (json_is_null(json_object_get(in, "value_fen")))
		return fk_err_invalid(e, "value_fen", "value_fen: a whole number of fen, or absent");
	d->item_id = INT_OF(in, "item_id");
	d->qty = INT_OF(in, "qty");
	d->value_fen = json_object_get(in, "value_fen") ? INT_OF(in, "value_fen") : -1;
	d->warehouse_id = INT_OF(in, "warehouse_id");
	d->emergency = json_is_true(json_object_get(in, "emergency"));
	if (!(d->donor_kind = one_of(fk_donor_kinds, fk_json_str(in, "donor_kind"))))
		return fk_err_invalid(e, "donor_kind", "donor_kind: one of organisation, person");
	if (!(d->kind = one_of(fk_donation_kinds, fk_json_str(in, "kind"))))
		return fk_err_invalid(e, "kind", "kind: one of money, goods");
	/* an organisation is published by name; a person only when they ask */
	const json_t *pub = json_object_get(in, "donor_public");
	d->donor_public = !strcmp(d->donor_kind, "organisation") ? true : json_is_true(pub);
	if (!strcmp(d->donor_kind, "person") && json_is_true(pub))
		return fk_err_invalid(e, "donor_public",
				      "donor_public: a private person's name is never published (the donor gets an index"
				      " and a salt to find the gift)");
	if (fk_date_parse(fk_json_str(in, "received_on"), &d->received_on) < 0)
		return fk_err_invalid(e, "received_on", "received_on: a date YYYY-MM-DD");
	if (d->received_on > fk_today())
		return fk_err_invalid(e, "received_on", "received_on: not after today");
	d->expiry = -1;
	const char *x = fk_json_str(in, "expiry");
	if (x && fk_date_parse(x, &d->expiry) < 0)
		return fk_err_invalid(e, "expiry", "expiry: a date YYYY-MM-DD");
	if (!strcmp(d->kind, "money")) {
		if (!d->amount_fen)
			return fk_err_invalid(e, "amount_fen", "amount_fen: required for money (fen, a whole number)");
		if (d->item_id || d->qty || d->warehouse_id || d->lot_no)
			return fk_err_invalid(e, d->item_id ? "item_id" : d->qty ? "qty" : d->warehouse_id ? "warehouse_id" : "lot_no",
					      "money takes no item, quantity, warehouse or lot");
	} else {
		const char *miss = !d->item_id ? "item_id" : !d->qty ? "qty" : !d->warehouse_id ? "warehouse_id" :
							     !d->lot_no ? "lot_no" : NULL;
		if (miss)
			return fk_err_invalid(e, miss, "%s: required for goods", miss);
		if (d->amount_fen)
			return fk_err_invalid(e, "amount_fen", "amount_fen: goods are given as item and qty (value_fen)");
	}
	const json_t *rel = json_object_get(in, "donor_related");
	for (size_t i = 0; i < json_array_size(rel); i++) {
		const char *c = json_string_value(json_array_get(rel, i));
		if (!c || strlen(c) < 2 || strlen(c) > 15) {
			char f[40];
			snprintf(f, sizeof(f), "donor_related[%zu]", i);
			return fk_err_invalid(e, f, "%s: a region code", f);
		}
		d->related[d->nrelated++] = c;
	}
	return 0;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, p, n);
}

json_t *fk_donation_receive(fk_db *db, const fk_actor *who, const fk_donation_in *d, fk_err *e)
{
	json_t *r = fk_region_get(db, who, d->region, e);
	if (!r)
		return NULL;
	json_decref(r);
	/* a designation to a party related to the donor is refused */
	for (int i = 0; d->designated_region && i < d->nrelated; i++)
		if (fk_scope_contains(d->related[i], d->designated_region)) {
			fk_err_conflict(e, "designated_region",
					"designated_region: %s is related to the donor (donor_related); such a designation is"
					" refused",
					d->designated_region);
			return NULL;
		}
	char wh_region[16] = "", item_code[64] = "", item_name[128] = "";
	if (!strcmp(d->kind, "goods")) {
		if (fk_warehouse_load(db, who, d->warehouse_id, "warehouse_id", wh_region, e) < 0 ||
		    fk_item_exists(db, d->item_id, "item_id", NULL, e) < 0)
			return NULL;
		fk_stmt *st;
		if (fk_db_query(db, &st, "SELECT code, name FROM items WHERE id = $1", "i", d->item_id) == 0) {
			if (fk_stmt_step(st) == FK_ROW) {
				snprintf(item_code, sizeof(item_code), "%s", fk_stmt_text(st, 0));
				snprintf(item_name, sizeof(item_name), "%s", fk_stmt_text(st, 1));
			}
			fk_stmt_done(st);
		}
	}
	unsigned char salt[16], commit[32];
	randombytes_buf(salt, sizeof(salt));
	crypto_hash_sha256_state hs;
	crypto_hash_sha256_init(&hs);
	crypto_hash_sha256_update(&hs, salt, sizeof(salt));
	crypto_hash_sha256_update(&hs, (const unsigned char *)d->donor_name, strlen(d->donor_name));
	crypto_hash_sha256_final(&hs, commit);
	char salt_hex[33], commit_hex[65], ref[48], day[11], rname[128];
	hex(salt, sizeof(salt), salt_hex);
	hex(commit, sizeof(commit), commit_hex);
	int64_t now = fk_now(), id = 0, idx = -1;
	int64_t limit = d->emergency ? fk_donation_settings.receipt_days : fk_donation_settings.receipt_days_normal;
	bool late = fk_day_of(now) > d->received_on + limit;
	if (fk_db_int64(db, &id,
			"INSERT INTO donations (region, donor_kind, donor_name, donor_public, kind, designated_region,"
			" designated_purpose, voucher, receipt_no, received_day, received_at, emergency, salt, created_by)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
			"sssisssssiiibi", d->region, d->donor_kind, d->donor_name, (int64_t)d->donor_public, d->kind,
			d->designated_region, d->designated_purpose, d->voucher, d->receipt_no, d->received_on, now,
			(int64_t)d->emergency, salt, sizeof(salt), who->user_id) != FK_ROW)
		goto internal;
	/* only what was given: money has no item, goods no amount */
	if (!strcmp(d->kind, "money") ? fk_db_run(db, "UPDATE donations SET amount_fen = $1 WHERE id = $2", "ii",
						  d->amount_fen, id) < 0
				      : fk_db_run(db, "UPDATE donations SET item_id = $1, qty = $2 WHERE id = $3", "iii",
						  d->item_id, d->qty, id) < 0 ||
						(d->value_fen >= 0 &&
						 fk_db_run(db, "UPDATE donations SET value_fen = $1 WHERE id = $2", "ii",
							   d->value_fen, id) < 0))
		goto internal;
	snprintf(ref, sizeof(ref), "donation:%" PRId64, id);
	if (!strcmp(d->kind, "goods")) {
		int64_t lot = 0;
		if (fk_lot_get(db, d->item_id, d->lot_no, d->expiry, &lot, e) < 0 ||
		    fk_stock_move(db, who, d->warehouse_id, wh_region, lot, "receipt", NULL, d->qty, ref, "donation", e) <
			    0)
			return NULL;
	}
	fk_date_format(d->received_on, day);
	fk_region_name(db, d->region, rname, sizeof(rname));
	json_t *entry = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "donation", (json_int_t)id,
				  "region", d->region, "region_name", rname, "donor",
				  d->donor_public ? d->donor_name : "", "donor_commit", commit_hex, "donation_kind",
				  d->kind, "received_on", day, "receipt_no", d->receipt_no, "late", late);
	json_object_set_new(entry, "donor_kind", json_string(d->donor_kind));
	if (!d->donor_public)
		json_object_del(entry, "donor");
	if (!strcmp(d->kind, "money")) {
		json_object_set_new(entry, "amount_fen", json_integer(d->amount_fen));
	} else {
		json_object_set_new(entry, "item", json_string(item_name));
		json_object_set_new(entry, "item_code", json_string(item_code));
		json_object_set_new(entry, "qty", json_integer(d->qty));
		if (d->value_fen >= 0)
			json_object_set_new(entry, "value_fen", json_integer(d->value_fen));
	}
	if (d->designated_region)
		json_object_set_new(entry, "designated_region", json_string(d->designated_region));
	if (d->designated_purpose)
		json_object_set_new(entry, "designated_purpose", json_string(d->designated_purpose));
	int rc = fk_ledger_append(db, "donation.receipt", ref, entry, now, &idx);
	json_decref(entry);
	if (rc < 0 || fk_db_run(db, "UPDATE donations SET ledger_idx = $1, published_at = $2 WHERE id = $3", "iii", idx,
				now, id) < 0 ||
	    fk_audit_record(db, who, "donation.receive", "donation", id, d->region,
			    json_pack("{s:s, s:I}", "kind", d->kind, "ledger_index", (json_int_t)idx)) < 0)
		goto internal;
	return json_pack("{s:I, s:I, s:s, s:s, s:b}", "id", (json_int_t)id, "ledger_index", (json_int_t)idx, "salt",
			 salt_hex, "donor_commit", commit_hex, "late", late);
internal:
	fk_err_internal(e);
	return NULL;
}

const fk_field fk_allocation_fields[] = {
	{ "donation_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "to_region", FK_FT_STRING, true, 2, 15 },
	{ "recipient", FK_FT_STRING, true, 1, 100 },
	{ "amount", FK_FT_INT, true, 1, INT64_C(100000000000000) },
	{ "purpose", FK_FT_STRING, true, 1, 100 },
	{ 0 },
};

int fk_allocation_parse(const json_t *in, fk_allocation_in *a, fk_err *e)
{
	memset(a, 0, sizeof(*a));
	if (fk_fields_check(in, fk_allocation_fields, e) < 0)
		return -1;
	a->donation_id = INT_OF(in, "donation_id");
	a->amount = INT_OF(in, "amount");
	a->to_region = fk_json_str(in, "to_region");
	a->recipient = fk_json_str(in, "recipient");
	a->purpose = fk_json_str(in, "purpose");
	return 0;
}

/* A donation as the allocation needs it. */
typedef struct donation_row {
	char region[16], kind[8], designated_region[16], designated_purpose[128];
	int64_t amount, allocated, item_id, ledger_idx;
} donation_row;

static int donation_load(fk_db *db, const fk_actor *who, int64_t id, const char *field, donation_row *d, fk_err *e)
{
	fk_stmt *st;
	memset(d, 0, sizeof(*d));
	if (fk_db_query(db, &st,
			"SELECT region, kind, COALESCE(designated_region, ''), COALESCE(designated_purpose, ''),"
			" CASE WHEN kind = 'money' THEN amount_fen ELSE qty END, allocated, COALESCE(item_id, 0),"
			" COALESCE(ledger_idx, -1) FROM donations WHERE id = $1",
			"i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		snprintf(d->region, sizeof(d->region), "%s", fk_stmt_text(st, 0));
		snprintf(d->kind, sizeof(d->kind), "%s", fk_stmt_text(st, 1));
		snprintf(d->designated_region, sizeof(d->designated_region), "%s", fk_stmt_text(st, 2));
		snprintf(d->designated_purpose, sizeof(d->designated_purpose), "%s", fk_stmt_text(st, 3));
		d->amount = fk_stmt_int64(st, 4);
		d->allocated = fk_stmt_int64(st, 5);
		d->item_id = fk_stmt_int64(st, 6);
		d->ledger_idx = fk_stmt_int64(st, 7);
	}
	fk_stmt_done(st);
	return fk_scope_ref_id(who, rc == FK_ROW ? d->region : NULL, field, "donation", id, e);
}

/* The warehouse and lot a goods donation was received into. */
static int donation_lot(fk_db *db, int64_t id, int64_t *warehouse_id, int64_t *lot_id, char region[16])
{
	fk_stmt *st;
	char ref[48];
	snprintf(ref, sizeof(ref), "donation:%" PRId64, id);
	if (fk_db_query(db, &st,
			"SELECT warehouse_id, lot_id, region FROM stock_moves WHERE ref = $1 AND kind = 'receipt'"
			" ORDER BY id LIMIT 1",
			"s", ref) < 0)
		return -1;
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		*warehouse_id = fk_stmt_int64(st, 0);
		*lot_id = fk_stmt_int64(st, 1);
		snprintf(region, 16, "%s", fk_stmt_text(st, 2));
	}
	fk_stmt_done(st);
	return rc == FK_ROW ? 0 : -1;
}

/* Publishes an allocation row (new, or a reversal) and stores its index. */
static int publish_allocation(fk_db *db, int64_t id, int64_t donation_id, int64_t donation_idx, const char *to_region,
			      const char *recipient, int64_t amount, const char *purpose, int64_t reverses,
			      int64_t reverses_idx, const char *reason, int64_t now)
{
	char ref[48], day[11], rname[128];
	snprintf(ref, sizeof(ref), "donation_allocation:%" PRId64, id);
	fk_date_format(fk_day_of(now), day);
	fk_region_name(db, to_region, rname, sizeof(rname));
	json_t *entry = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "allocation", (json_int_t)id,
				  "donation", (json_int_t)donation_id, "donation_index", (json_int_t)donation_idx,
				  "to_region", to_region, "to_region_name", rname, "recipient", recipient, "amount",
				  (json_int_t)amount, "purpose", purpose, "day", day);
	if (reverses) {
		json_object_set_new(entry, "reverses", json_integer(reverses));
		json_object_set_new(entry, "reverses_index", json_integer(reverses_idx));
		json_object_set_new(entry, "reason", json_string(reason));
	}
	int64_t idx;
	int rc = fk_ledger_append(db, reverses ? "donation.reversal" : "donation.allocation", ref, entry, now, &idx);
	json_decref(entry);
	if (rc < 0)
		return -1;
	return fk_db_run(db, "UPDATE donation_allocations SET ledger_idx = $1 WHERE id = $2", "ii", idx, id);
}

json_t *fk_donation_allocate(fk_db *db, const fk_actor *who, const fk_allocation_in *a, fk_err *e)
{
	donation_row d;
	if (donation_load(db, who, a->donation_id, "donation_id", &d, e) < 0)
		return NULL;
	json_t *r = fk_region_get(db, who, a->to_region, e);
	if (!r) {
		if (e->status == 404)
			snprintf(e->field, sizeof(e->field), "to_region");
		return NULL;
	}
	json_decref(r);
	if (d.designated_region[0] && !fk_scope_contains(d.designated_region, a->to_region)) {
		fk_err_conflict(e, "to_region",
				"to_region: the donor designated %s; allocating elsewhere is refused", d.designated_region);
		return NULL;
	}
	if (d.designated_purpose[0] && strcmp(d.designated_purpose, a->purpose) != 0) {
		fk_err_conflict(e, "purpose", "purpose: the donor designated \"%s\"; another use is refused",
				d.designated_purpose);
		return NULL;
	}
	if (a->amount > d.amount - d.allocated) {
		fk_err_conflict(e, "amount", "amount: only %" PRId64 " of the donation is left to allocate",
				d.amount - d.allocated);
		return NULL;
	}
	int64_t now = fk_now(), id = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO donation_allocations (donation_id, region, to_region, recipient, amount, purpose, day,"
			" created_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			"isssisiii", a->donation_id, d.region, a->to_region, a->recipient, a->amount, a->purpose,
			fk_day_of(now), who->user_id, now) != FK_ROW ||
	    fk_db_run(db, "UPDATE donations SET allocated = allocated + $1 WHERE id = $2", "ii", a->amount,
		      a->donation_id) < 0)
		goto internal;
	if (!strcmp(d.kind, "goods")) {
		/* the donated lot leaves its warehouse: followed in the stock ledger */
		int64_t wh = 0, lot = 0;
		char wr[16], ref[48];
		snprintf(ref, sizeof(ref), "donation_allocation:%" PRId64, id);
		if (donation_lot(db, a->donation_id, &wh, &lot, wr) < 0)
			goto internal;
		if (fk_stock_move(db, who, wh, wr, lot, "issue", NULL, -a->amount, ref, a->recipient, e) < 0)
			return NULL;
	}
	if (publish_allocation(db, id, a->donation_id, d.ledger_idx, a->to_region, a->recipient, a->amount, a->purpose,
			       0, 0, NULL, now) < 0 ||
	    fk_audit_record(db, who, "donation.allocate", "donation_allocation", id, d.region,
			    json_pack("{s:I, s:s, s:I}", "donation_id", (json_int_t)a->donation_id, "to_region",
				      a->to_region, "amount", (json_int_t)a->amount)) < 0)
		goto internal;
	int64_t idx = 0;
	fk_db_int64(db, &idx, "SELECT ledger_idx FROM donation_allocations WHERE id = $1", "i", id);
	return json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "ledger_index", (json_int_t)idx, "left",
			 (json_int_t)(d.amount - d.allocated - a->amount));
internal:
	fk_err_internal(e);
	return NULL;
}

/* An allocation's donation, region, amount, state.  0 or -1 (404 alike). */
typedef struct alloc_row {
	int64_t donation_id, amount, reverses, ledger_idx, delivered_day;
	char region[16], to_region[16], recipient[128], purpose[128];
	bool reversed;
} alloc_row;

static int alloc_load(fk_db *db, const fk_actor *who, int64_t id, alloc_row *a, fk_err *e)
{
	fk_stmt *st;
	memset(a, 0, sizeof(*a));
	if (fk_db_query(db, &st,
			"SELECT donation_id, amount, COALESCE(reverses, 0), COALESCE(ledger_idx, -1),"
			" COALESCE(delivered_day, -1), region, to_region, recipient, purpose,"
			" EXISTS (SELECT 1 FROM donation_allocations x WHERE x.reverses = a.id)"
			" FROM donation_allocations a WHERE id = $1",
			"i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		a->donation_id = fk_stmt_int64(st, 0);
		a->amount = fk_stmt_int64(st, 1);
		a->reverses = fk_stmt_int64(st, 2);
		a->ledger_idx = fk_stmt_int64(st, 3);
		a->delivered_day = fk_stmt_int64(st, 4);
		snprintf(a->region, sizeof(a->region), "%s", fk_stmt_text(st, 5));
		snprintf(a->to_region, sizeof(a->to_region), "%s", fk_stmt_text(st, 6));
		snprintf(a->recipient, sizeof(a->recipient), "%s", fk_stmt_text(st, 7));
		snprintf(a->purpose, sizeof(a->purpose), "%s", fk_stmt_text(st, 8));
		a->reversed = fk_stmt_int64(st, 9) != 0;
	}
	fk_stmt_done(st);
	char what[48];
	snprintf(what, sizeof(what), "allocation %" PRId64, id);
	if (rc != FK_ROW)
		return fk_err_set(e, 404, "not_found", NULL, "%s not found", what);
	return fk_scope_row(who, a->region, what, e);
}

int fk_donation_in_scope(fk_db *db, const fk_actor *who, int64_t id, bool allocation, fk_err *e)
{
	if (allocation) {
		alloc_row a;
		return alloc_load(db, who, id, &a, e);
	}
	donation_row d;
	return donation_load(db, who, id, NULL, &d, e);
}

const fk_field fk_delivery_fields[] = {
	{ "delivered_on", FK_FT_STRING, true, 10, 10 },
	{ "signed_by", FK_FT_STRING, true, 1, 100 },
	{ 0 },
};

int fk_delivery_parse(const json_t *in, fk_delivery_in *d, fk_err *e)
{
	int64_t id = d->id;
	memset(d, 0, sizeof(*d));
	d->id = id;
	if (fk_fields_check(in, fk_delivery_fields, e) < 0)
		return -1;
	d->signed_by = fk_json_str(in, "signed_by");
	if (fk_date_parse(fk_json_str(in, "delivered_on"), &d->delivered_on) < 0)
		return fk_err_invalid(e, "delivered_on", "delivered_on: a date YYYY-MM-DD");
	if (d->delivered_on > fk_today())
		return fk_err_invalid(e, "delivered_on", "delivered_on: not after today");
	return 0;
}

json_t *fk_donation_deliver(fk_db *db, const fk_actor *who, const fk_delivery_in *d, fk_err *e)
{
	alloc_row a;
	if (alloc_load(db, who, d->id, &a, e) < 0)
		return NULL;
	if (a.reverses || a.reversed || a.delivered_day >= 0) {
		fk_err_conflict(e, NULL, "allocation %" PRId64 " %s", d->id,
				a.reverses ? "is a reversal" : a.reversed ? "was reversed" : "is delivered already");
		return NULL;
	}
	int64_t now = fk_now(), idx;
	bool late = fk_day_of(now) > d->delivered_on + fk_donation_settings.use_days;
	char ref[48], day[11];
	snprintf(ref, sizeof(ref), "donation_allocation:%" PRId64, d->id);
	fk_date_format(d->delivered_on, day);
	json_t *entry = json_pack("{s:I, s:I, s:s, s:s, s:s, s:b}", "allocation", (json_int_t)d->id, "allocation_index",
				  (json_int_t)a.ledger_idx, "delivered_on", day, "signed_by", d->signed_by, "to_region",
				  a.to_region, "late", late);
	int rc = fk_ledger_append(db, "donation.delivery", ref, entry, now, &idx);
	json_decref(entry);
	if (rc < 0 ||
	    fk_db_run(db, "UPDATE donation_allocations SET delivered_day = $1 WHERE id = $2", "ii", d->delivered_on,
		      d->id) < 0 ||
	    fk_audit_record(db, who, "donation.deliver", "donation_allocation", d->id, a.region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return json_pack("{s:I, s:I, s:b}", "id", (json_int_t)d->id, "ledger_index", (json_int_t)idx, "late", late);
}

const fk_field fk_reversal_fields[] = {
	{ "reason", FK_FT_STRING, true, 2, 200 },
	{ 0 },
};

int fk_reversal_parse(const json_t *in, fk_reversal_in *r, fk_err *e)
{
	int64_t id = r->id;
	memset(r, 0, sizeof(*r));
	r->id = id;
	if (fk_fields_check(in, fk_reversal_fields, e) < 0)
		return -1;
	r->reason = fk_json_str(in, "reason");
	return 0;
}

json_t *fk_donation_reverse(fk_db *db, const fk_actor *who, const fk_reversal_in *rv, fk_err *e)
{
	alloc_row a;
	if (alloc_load(db, who, rv->id, &a, e) < 0)
		return NULL;
	if (a.reverses || a.reversed) {
		fk_err_conflict(e, NULL, "allocation %" PRId64 " %s", rv->id,
				a.reverses ? "is itself a reversal" : "is reversed already");
		return NULL;
	}
	donation_row d;
	if (donation_load(db, who, a.donation_id, NULL, &d, e) < 0)
		return NULL;
	int64_t now = fk_now(), id = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO donation_allocations (donation_id, region, to_region, recipient, amount, purpose, day,"
			" reverses, reason, created_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
			" RETURNING id",
			"isssisiisii", a.donation_id, a.region, a.to_region, a.recipient, -a.amount, a.purpose,
			fk_day_of(now), rv->id, rv->reason, who->user_id, now) != FK_ROW ||
	    fk_db_run(db, "UPDATE donations SET allocated = allocated - $1 WHERE id = $2", "ii", a.amount,
		      a.donation_id) < 0)
		goto internal;
	if (!strcmp(d.kind, "goods") && a.delivered_day < 0) {
		/* not delivered: the goods go back on the shelf they left */
		int64_t wh = 0, lot = 0;
		char wr[16], ref[48];
		snprintf(ref, sizeof(ref), "donation_allocation:%" PRId64, id);
		if (donation_lot(db, a.donation_id, &wh, &lot, wr) < 0 ||
		    fk_stock_move(db, who, wh, wr, lot, "receipt", NULL, a.amount, ref, "reversal", e) < 0)
			goto internal;
	}
	if (publish_allocation(db, id, a.donation_id, d.ledger_idx, a.to_region, a.recipient, -a.amount, a.purpose,
			       rv->id, a.ledger_idx, rv->reason, now) < 0 ||
	    fk_audit_record(db, who, "donation.reverse", "donation_allocation", id, a.region,
			    json_pack("{s:I, s:s}", "reverses", (json_int_t)rv->id, "reason", rv->reason)) < 0)
		goto internal;
	int64_t idx = 0;
	fk_db_int64(db, &idx, "SELECT ledger_idx FROM donation_allocations WHERE id = $1", "i", id);
	return json_pack("{s:I, s:I, s:I, s:I}", "id", (json_int_t)id, "reverses", (json_int_t)rv->id, "ledger_index",
			 (json_int_t)idx, "reverses_index", (json_int_t)a.ledger_idx);
internal:
	if (!e->status)
		fk_err_internal(e);
	return NULL;
}

#define DONATION_SELECT                                                                                             \
	"d.id, d.region, r.name AS region_name, d.donor_kind,"                                                      \
	" CASE WHEN d.donor_public = 1 THEN d.donor_name ELSE NULL END AS donor, d.kind, d.amount_fen,"             \
	" d.item_id, i.name AS item, d.qty, d.value_fen, d.designated_region, d.designated_purpose, d.voucher,"      \
	" d.receipt_no, d.received_day, d.emergency, d.allocated, d.ledger_idx AS ledger_index,"                    \
	" d.published_at FROM donations d LEFT JOIN regions r ON r.code = d.region"                                 \
	" LEFT JOIN items i ON i.id = d.item_id"

json_t *fk_donation_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT " DONATION_SELECT " WHERE d.id = $1", "i", id) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *d = fk_stmt_step(st) == FK_ROW ? fk_row_json(st) : NULL;
	fk_stmt_done(st);
	char what[48];
	snprintf(what, sizeof(what), "donation %" PRId64, id);
	if (!d) {
		fk_err_set(e, 404, "not_found", NULL, "%s not found", what);
		return NULL;
	}
	if (fk_scope_row(who, fk_json_str(d, "region"), what, e) < 0) {
		json_decref(d);
		return NULL;
	}
	return d;
}

static const fk_filter donation_filters[] = {
	{ "kind", FK_F_ENUM, "d.kind = ?", .names = fk_donation_kinds },
	{ 0 },
};

/* The donor's name is shown to staff only for organisations and donors
 * who asked to be named; a private person's name stays on the desk. */
const fk_list fk_donation_list = {
	.select = DONATION_SELECT,
	FK_LIST_REGION_ID("d"),
	.desc = true,
	.filters = donation_filters,
};

static const fk_filter allocation_filters[] = {
	{ "donation", FK_F_ID, "a.donation_id = ?", .what = "a donation id" },
	{ 0 },
};

const fk_list fk_allocation_list = {
	.select = "a.id, a.donation_id, d.kind AS donation_kind, a.region, a.to_region, r.name AS to_region_name,"
		  " a.recipient, a.amount, a.purpose, a.day, a.delivered_day, a.reverses, a.reason, a.ledger_idx AS"
		  " ledger_index FROM donation_allocations a JOIN donations d ON d.id = a.donation_id"
		  " LEFT JOIN regions r ON r.code = a.to_region",
	FK_LIST_REGION_ID("a"),
	.desc = true,
	.filters = allocation_filters,
};
