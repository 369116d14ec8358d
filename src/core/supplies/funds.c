/* funds.c - special funds: allocations down the hierarchy, disbursements,
 * reversals and the auditor's five checks (see funds.h).  Expected load:
 * thousands of allocations and tens of thousands of payments in a city;
 * the audit report reads a region's subtree once. */
#include "core/supplies/funds.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "core/ledger/ledger.h"
#include "util/date.h"

const char *const fk_fund_purposes[] = { "treatment", "subsidy", "equipment", "supplies", "other", NULL };
const char *const fk_payee_kinds[] = { "organisation", "person", NULL };

static const char *one_of(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (!strcmp(names[i], s))
			return names[i];
	return NULL;
}

const fk_field fk_fund_alloc_fields[] = {
	{ "region", FK_FT_STRING, true, 2, 15 },
	{ "parent_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "purpose", FK_FT_STRING, true, 1, 20 },
	{ "amount_fen", FK_FT_INT, true, 1, INT64_C(100000000000000) },
	{ "doc_no", FK_FT_STRING, true, 2, 80 },
	{ 0 },
};

int fk_fund_alloc_parse(const json_t *in, fk_fund_alloc_in *a, fk_err *e)
{
	memset(a, 0, sizeof(*a));
	if (fk_fields_check(in, fk_fund_alloc_fields, e) < 0)
		return -1;
	a->region = fk_json_str(in, "region");
	a->doc_no = fk_json_str(in, "doc_no");
	a->parent_id = json_integer_value(json_object_get(in, "parent_id"));
	a->amount_fen = json_integer_value(json_object_get(in, "amount_fen"));
	if (!(a->purpose = one_of(fk_fund_purposes, fk_json_str(in, "purpose"))))
		return fk_err_invalid(e, "purpose", "purpose: one of treatment, subsidy, equipment, supplies, other");
	return 0;
}

/* An allocation as the writes need it. */
typedef struct alloc {
	char region[16], purpose[24];
	int64_t amount, passed, spent, ledger_idx;
} alloc;

static int alloc_load(fk_db *db, const fk_actor *who, int64_t id, const char *field, alloc *a, fk_err *e)
{
	fk_stmt *st;
	memset(a, 0, sizeof(*a));
	if (fk_db_query(db, &st,
			"SELECT region, purpose, amount_fen, passed_fen, spent_fen, COALESCE(ledger_idx, -1)"
			" FROM fund_allocations WHERE id = $1",
			"i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		snprintf(a->region, sizeof(a->region), "%s", fk_stmt_text(st, 0));
		snprintf(a->purpose, sizeof(a->purpose), "%s", fk_stmt_text(st, 1));
		a->amount = fk_stmt_int64(st, 2);
		a->passed = fk_stmt_int64(st, 3);
		a->spent = fk_stmt_int64(st, 4);
		a->ledger_idx = fk_stmt_int64(st, 5);
	}
	fk_stmt_done(st);
	return fk_scope_ref_id(who, rc == FK_ROW ? a->region : NULL, field, "allocation", id, e);
}

/* Publishes entry (taken) of kind for ref and stores its index in table's
 * row id.  Returns the index, or -1. */
static int64_t publish(fk_db *db, const char *kind, const char *table, int64_t id, json_t *entry, int64_t now)
{
	char ref[64], sql[128];
	snprintf(ref, sizeof(ref), "%s:%" PRId64, table, id);
	int64_t idx = -1;
	int rc = fk_ledger_append(db, kind, ref, entry, now, &idx);
	json_decref(entry);
	snprintf(sql, sizeof(sql), "UPDATE %s SET ledger_idx = $1 WHERE id = $2", table);
	if (rc < 0 || fk_db_run(db, sql, "ii", idx, id) < 0)
		return -1;
	return idx;
}

json_t *fk_fund_allocate(fk_db *db, const fk_actor *who, const fk_fund_alloc_in *a, fk_err *e)
{
	json_t *r = fk_region_get(db, who, a->region, e);
	if (!r)
		return NULL;
	json_decref(r);
	alloc p = { 0 };
	if (a->parent_id) {
		if (alloc_load(db, who, a->parent_id, "parent_id", &p, e) < 0)
			return NULL;
		if (!strcmp(p.region, a->region) || !fk_scope_contains(p.region, a->region)) {
			fk_err_conflict(e, "region", "region: allocations go down the hierarchy, to a region under %s",
					p.region);
			return NULL;
		}
		if (strcmp(p.purpose, a->purpose) != 0) {
			fk_err_conflict(e, "purpose", "purpose: the allocation passed down is for %s; its purpose cannot change",
					p.purpose);
			return NULL;
		}
		if (a->amount_fen > p.amount - p.passed - p.spent) {
			fk_err_conflict(e, "amount_fen", "amount_fen: allocation %" PRId64 " has only %" PRId64 " fen left",
					a->parent_id, p.amount - p.passed - p.spent);
			return NULL;
		}
	}
	int64_t now = fk_now(), id = 0;
	char day[11], rname[128], pname[128];
	if (fk_db_int64(db, &id,
			"INSERT INTO fund_allocations (region, from_region, purpose, amount_fen, doc_no, day, created_by, at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			"sssisiii", a->region, a->parent_id ? p.region : NULL, a->purpose, a->amount_fen, a->doc_no,
			fk_day_of(now), who->user_id, now) != FK_ROW ||
	    (a->parent_id &&
	     (fk_db_run(db, "UPDATE fund_allocations SET parent_id = $1 WHERE id = $2", "ii", a->parent_id, id) < 0 ||
	      fk_db_run(db, "UPDATE fund_allocations SET passed_fen = passed_fen + $1 WHERE id = $2", "ii",
			a->amount_fen, a->parent_id) < 0)))
		goto internal;
	fk_date_format(fk_day_of(now), day);
	fk_region_name(db, a->region, rname, sizeof(rname));
	fk_region_name(db, a->parent_id ? p.region : NULL, pname, sizeof(pname));
	json_t *entry = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "fund_allocation", (json_int_t)id, "region",
				  a->region, "region_name", rname, "purpose", a->purpose, "amount_fen",
				  (json_int_t)a->amount_fen, "doc_no", a->doc_no, "day", day);
	if (a->parent_id) {
		json_object_set_new(entry, "from_region", json_string(p.region));
		json_object_set_new(entry, "from_region_name", json_string(pname));
		json_object_set_new(entry, "parent_index", json_integer(p.ledger_idx));
	}
	int64_t idx = publish(db, "fund.allocation", "fund_allocations", id, entry, now);
	if (idx < 0 || fk_audit_record(db, who, "fund.allocate", "fund_allocation", id, a->region,
				       json_pack("{s:s, s:I}", "purpose", a->purpose, "amount_fen",
						 (json_int_t)a->amount_fen)) < 0)
		goto internal;
	return json_pack("{s:I, s:I}", "id", (json_int_t)id, "ledger_index", (json_int_t)idx);
internal:
	fk_err_internal(e);
	return NULL;
}

const fk_field fk_disburse_fields[] = {
	{ "allocation_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "purpose", FK_FT_STRING, true, 1, 20 },
	{ "amount_fen", FK_FT_INT, true, 1, INT64_C(100000000000000) },
	{ "payee", FK_FT_STRING, true, 1, 100 },
	{ "payee_kind", FK_FT_STRING, true, 1, 20 },
	{ "voucher", FK_FT_STRING, true, 1, 60 },
	{ "approver", FK_FT_STRING, true, 1, 60 },
	{ "persons", FK_FT_INT, false, 1, 1000000 },
	{ "rate_fen", FK_FT_INT, false, 1, 1000000 },
	{ 0 },
};

int fk_disburse_parse(const json_t *in, fk_disburse_in *d, fk_err *e)
{
	memset(d, 0, sizeof(*d));
	if (fk_fields_check(in, fk_disburse_fields, e) < 0)
		return -1;
	d->allocation_id = json_integer_value(json_object_get(in, "allocation_id"));
	d->amount_fen = json_integer_value(json_object_get(in, "amount_fen"));
	d->persons = json_integer_value(json_object_get(in, "persons"));
	d->rate_fen = json_integer_value(json_object_get(in, "rate_fen"));
	d->payee = fk_json_str(in, "payee");
	d->voucher = fk_json_str(in, "voucher");
	d->approver = fk_json_str(in, "approver");
	if (!(d->purpose = one_of(fk_fund_purposes, fk_json_str(in, "purpose"))))
		return fk_err_invalid(e, "purpose", "purpose: one of treatment, subsidy, equipment, supplies, other");
	if (!(d->payee_kind = one_of(fk_payee_kinds, fk_json_str(in, "payee_kind"))))
		return fk_err_invalid(e, "payee_kind", "payee_kind: one of organisation, person");
	if (!strcmp(d->purpose, "subsidy")) {
		/* front-line subsidies: 300 or 200 yuan per person-day (财社〔2020〕2号) */
		if (!d->persons || !d->rate_fen)
			return fk_err_invalid(e, d->persons ? "rate_fen" : "persons",
					      "%s: required for a subsidy (person-days and the rate)",
					      d->persons ? "rate_fen" : "persons");
		if (d->rate_fen != 30000 && d->rate_fen != 20000)
			return fk_err_invalid(e, "rate_fen", "rate_fen: 30000 (direct contact) or 20000 fen per person-day");
		if (d->persons * d->rate_fen != d->amount_fen)
			return fk_err_invalid(e, "amount_fen", "amount_fen: persons × rate_fen = %" PRId64,
					      d->persons * d->rate_fen);
	} else if (d->persons || d->rate_fen) {
		return fk_err_invalid(e, d->persons ? "persons" : "rate_fen", "%s: only for subsidies",
				      d->persons ? "persons" : "rate_fen");
	}
	return 0;
}

json_t *fk_fund_disburse(fk_db *db, const fk_actor *who, const fk_disburse_in *d, fk_err *e)
{
	alloc a;
	if (alloc_load(db, who, d->allocation_id, "allocation_id", &a, e) < 0)
		return NULL;
	if (strcmp(a.purpose, d->purpose) != 0) {
		fk_err_conflict(e, "purpose", "purpose: allocation %" PRId64 " is for %s; spending it on %s is refused",
				d->allocation_id, a.purpose, d->purpose);
		return NULL;
	}
	if (d->amount_fen > a.amount - a.passed - a.spent) {
		fk_err_conflict(e, "amount_fen", "amount_fen: allocation %" PRId64 " has only %" PRId64 " fen left",
				d->allocation_id, a.amount - a.passed - a.spent);
		return NULL;
	}
	int64_t now = fk_now(), id = 0;
	char day[11];
	if (fk_db_int64(db, &id,
			"INSERT INTO fund_entries (region, allocation_id, kind, purpose, amount_fen, payee, voucher, approver,"
			" day, created_by, at) VALUES ($1, $2, 'disbursement', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
			"sisisssiii", a.region, d->allocation_id, d->purpose, d->amount_fen, d->payee, d->voucher, d->approver,
			fk_day_of(now), who->user_id, now) != FK_ROW ||
	    (d->persons && fk_db_run(db, "UPDATE fund_entries SET persons = $1, rate_fen = $2 WHERE id = $3", "iii",
				     d->persons, d->rate_fen, id) < 0) ||
	    fk_db_run(db, "UPDATE fund_allocations SET spent_fen = spent_fen + $1 WHERE id = $2", "ii", d->amount_fen,
		      d->allocation_id) < 0)
		goto internal;
	fk_date_format(fk_day_of(now), day);
	/* a private payee (a worker's subsidy) is published without a name */
	json_t *entry = json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "fund_entry", (json_int_t)id,
				  "allocation", (json_int_t)d->allocation_id, "allocation_index", (json_int_t)a.ledger_idx,
				  "region", a.region, "purpose", d->purpose, "amount_fen", (json_int_t)d->amount_fen,
				  "payee_kind", d->payee_kind, "voucher", d->voucher, "day", day);
	if (!strcmp(d->payee_kind, "organisation"))
		json_object_set_new(entry, "payee", json_string(d->payee));
	if (d->persons) {
		json_object_set_new(entry, "person_days", json_integer(d->persons));
		json_object_set_new(entry, "rate_fen", json_integer(d->rate_fen));
	}
	int64_t idx = publish(db, "fund.disbursement", "fund_entries", id, entry, now);
	if (idx < 0 || fk_audit_record(db, who, "fund.disburse", "fund_entry", id, a.region,
				       json_pack("{s:I, s:I}", "allocation_id", (json_int_t)d->allocation_id,
						 "amount_fen", (json_int_t)d->amount_fen)) < 0)
		goto internal;
	return json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "ledger_index", (json_int_t)idx, "left",
			 (json_int_t)(a.amount - a.passed - a.spent - d->amount_fen));
internal:
	fk_err_internal(e);
	return NULL;
}

/* A fund entry's allocation, amount, region and state. */
typedef struct entry_row {
	int64_t allocation_id, amount, ledger_idx, reverses;
	char region[16], kind[16], purpose[24];
	int reversed;
} entry_row;

static int entry_load(fk_db *db, const fk_actor *who, int64_t id, entry_row *r, fk_err *e)
{
	fk_stmt *st;
	memset(r, 0, sizeof(*r));
	if (fk_db_query(db, &st,
			"SELECT f.allocation_id, f.amount_fen, COALESCE(f.ledger_idx, -1), COALESCE(f.reverses, 0),"
			" f.region, f.kind, a.purpose, EXISTS (SELECT 1 FROM fund_entries x WHERE x.reverses = f.id)"
			" FROM fund_entries f JOIN fund_allocations a ON a.id = f.allocation_id WHERE f.id = $1",
			"i", id) < 0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		r->allocation_id = fk_stmt_int64(st, 0);
		r->amount = fk_stmt_int64(st, 1);
		r->ledger_idx = fk_stmt_int64(st, 2);
		r->reverses = fk_stmt_int64(st, 3);
		snprintf(r->region, sizeof(r->region), "%s", fk_stmt_text(st, 4));
		snprintf(r->kind, sizeof(r->kind), "%s", fk_stmt_text(st, 5));
		snprintf(r->purpose, sizeof(r->purpose), "%s", fk_stmt_text(st, 6));
		r->reversed = (int)fk_stmt_int64(st, 7);
	}
	fk_stmt_done(st);
	char what[48];
	snprintf(what, sizeof(what), "fund entry %" PRId64, id);
	if (rc != FK_ROW)
		return fk_err_set(e, 404, "not_found", NULL, "%s not found", what);
	return fk_scope_row(who, r->region, what, e);
}

int fk_fund_entry_in_scope(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	entry_row r;
	return entry_load(db, who, id, &r, e);
}

json_t *fk_fund_reverse(fk_db *db, const fk_actor *who, const fk_fund_reversal_in *rv, fk_err *e)
{
	entry_row r;
	if (entry_load(db, who, rv->id, &r, e) < 0)
		return NULL;
	if (r.reverses || r.reversed) {
		fk_err_conflict(e, NULL, "fund entry %" PRId64 " %s", rv->id,
				r.reverses ? "is itself a reversal" : "is reversed already");
		return NULL;
	}
	int64_t now = fk_now(), id = 0;
	char day[11];
	if (fk_db_int64(db, &id,
			"INSERT INTO fund_entries (region, allocation_id, kind, purpose, amount_fen, payee, voucher, approver,"
			" day, reverses, reason, created_by, at) SELECT region, allocation_id, 'reversal', purpose, -amount_fen, payee,"
			" voucher, approver, $1, id, $2, $3, $4 FROM fund_entries WHERE id = $5 RETURNING id",
			"isiii", fk_day_of(now), rv->reason, who->user_id, now, rv->id) != FK_ROW ||
	    fk_db_run(db, "UPDATE fund_allocations SET spent_fen = spent_fen - $1 WHERE id = $2", "ii", r.amount,
		      r.allocation_id) < 0)
		goto internal;
	fk_date_format(fk_day_of(now), day);
	json_t *entry = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s}", "fund_entry", (json_int_t)id,
				  "reverses", (json_int_t)rv->id, "reverses_index", (json_int_t)r.ledger_idx, "allocation",
				  (json_int_t)r.allocation_id, "region", r.region, "purpose", r.purpose, "amount_fen",
				  (json_int_t)-r.amount, "reason", rv->reason, "day", day);
	int64_t idx = publish(db, "fund.reversal", "fund_entries", id, entry, now);
	if (idx < 0 || fk_audit_record(db, who, "fund.reverse", "fund_entry", id, r.region,
				       json_pack("{s:I, s:s}", "reverses", (json_int_t)rv->id, "reason", rv->reason)) <
			       0)
		goto internal;
	return json_pack("{s:I, s:I, s:I, s:I}", "id", (json_int_t)id, "reverses", (json_int_t)rv->id, "ledger_index",
			 (json_int_t)idx, "reverses_index", (json_int_t)r.ledger_idx);
internal:
	fk_err_internal(e);
	return NULL;
}

static const fk_filter fund_alloc_filters[] = {
	{ "purpose", FK_F_ENUM, "a.purpose = ?", .names = fk_fund_purposes },
	{ 0 },
};

#define ALLOC_SELECT                                                                                                \
	"a.id, a.region, r.name AS region_name, a.from_region, a.parent_id, a.purpose, a.amount_fen,"               \
	" a.passed_fen, a.spent_fen, a.amount_fen - a.passed_fen - a.spent_fen AS balance_fen, a.doc_no,"          \
	" a.day, a.ledger_idx AS ledger_index FROM fund_allocations a LEFT JOIN regions r ON r.code = a.region"

json_t *fk_fund_allocation_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	alloc a;
	if (alloc_load(db, who, id, NULL, &a, e) < 0)
		return NULL;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT " ALLOC_SELECT " WHERE a.id = $1", "i", id) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *row = fk_stmt_step(st) == FK_ROW ? fk_row_json(st) : NULL;
	fk_stmt_done(st);
	if (!row)
		fk_err_internal(e);
	return row;
}

const fk_list fk_fund_alloc_list = {
	.select = ALLOC_SELECT,
	FK_LIST_REGION_ID("a"),
	.filters = fund_alloc_filters,
};

static const fk_filter fund_entry_filters[] = {
	{ "allocation", FK_F_ID, "f.allocation_id = ?", .what = "an allocation id" },
	{ 0 },
};

/* Payees that are private persons are shown to staff (finance needs
 * them); the public ledger never holds them. */
const fk_list fk_fund_entry_list = {
	.select = "f.id, f.region, f.allocation_id, f.kind, f.purpose, f.amount_fen, f.payee, f.voucher, f.approver, f.persons,"
		  " f.rate_fen, f.day, f.reverses, f.reason, f.ledger_idx AS ledger_index FROM fund_entries f",
	FK_LIST_REGION_ID("f"),
	.desc = true,
	.filters = fund_entry_filters,
};

/* One check of the report: {check, ok, figures, findings}. */
static json_t *check(const char *name, json_t *figures, json_t *findings)
{
	return json_pack("{s:s, s:b, s:o, s:o}", "check", name, "ok", json_array_size(findings) == 0, "figures", figures,
			 "findings", findings);
}

/* Runs sql (binds base, hi) and appends each row as an object to out. */
static int rows_into(fk_db *db, const char *sql, const fk_range *r, json_t *out)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, sql, "ss", r->base, r->hi) < 0)
		return -1;
	int rc;
	while ((rc = fk_stmt_step(st)) == FK_ROW)
		json_array_append_new(out, fk_row_json(st));
	return rc < 0 ? -1 : 0;
}

/* The first row of sql (binds base, hi) as an object. */
static json_t *row_of(fk_db *db, const char *sql, const fk_range *r)
{
	json_t *a = json_array();
	if (rows_into(db, sql, r, a) < 0 || json_array_size(a) != 1) {
		json_decref(a);
		return NULL;
	}
	json_t *row = json_incref(json_array_get(a, 0));
	json_decref(a);
	return row;
}

/* The five checks of the audit, in their order: a row of figures (or a
 * list of rows under list_key), and the queries whose rows are findings.
 * Each binds the scope range as $1, $2. */
static const struct {
	const char *name, *figures, *list_key, *list;
	const char *findings[5];
} fund_checks[] = {
	/* 管理 management: every movement has its document, voucher and approver */
	{ "management",
	  "SELECT (SELECT COUNT(*) FROM fund_allocations WHERE region >= $1 AND region < $2) AS allocations,"
	  " (SELECT COUNT(*) FROM fund_entries WHERE region >= $1 AND region < $2) AS entries",
	  NULL,
	  NULL,
	  { "SELECT id AS entry, 'no voucher or approver' AS finding FROM fund_entries WHERE region >= $1"
	    " AND region < $2 AND (TRIM(voucher) = '' OR TRIM(approver) = '')" } },
	/* 使用 use: each payment within its allocation's purpose */
	{ "use",
	  "SELECT COUNT(*) AS disbursements, COALESCE(SUM(CASE WHEN f.reverses IS NOT NULL THEN 1 ELSE 0 END), 0)"
	  " AS reversals FROM fund_entries f WHERE f.region >= $1 AND f.region < $2",
	  NULL,
	  NULL,
	  { "SELECT f.id AS entry, 'spent outside the allocation''s purpose' AS finding FROM fund_entries f"
	    " JOIN fund_allocations a ON a.id = f.allocation_id WHERE f.region >= $1 AND f.region < $2"
	    " AND f.purpose <> a.purpose" } },
	/* 分配 allocation: balances re-sum from the entries; children within their parent and purpose */
	{ "allocation",
	  "SELECT COALESCE(SUM(CASE WHEN parent_id IS NULL THEN amount_fen ELSE 0 END), 0) AS appropriated_fen,"
	  " COALESCE(SUM(spent_fen), 0) AS spent_fen FROM fund_allocations WHERE region >= $1 AND region < $2",
	  NULL,
	  NULL,
	  { "SELECT a.id AS allocation, 'stored spent differs from its entries' AS finding FROM fund_allocations a"
	    " WHERE a.region >= $1 AND a.region < $2 AND a.spent_fen <> (SELECT COALESCE(SUM(f.amount_fen), 0)"
	    " FROM fund_entries f WHERE f.allocation_id = a.id)",
	    "SELECT a.id AS allocation, 'stored passed-down differs from its children' AS finding"
	    " FROM fund_allocations a WHERE a.region >= $1 AND a.region < $2 AND a.passed_fen <>"
	    " (SELECT COALESCE(SUM(c.amount_fen), 0) FROM fund_allocations c WHERE c.parent_id = a.id)",
	    "SELECT a.id AS allocation, 'more passed down and spent than allocated' AS finding"
	    " FROM fund_allocations a WHERE a.region >= $1 AND a.region < $2"
	    " AND a.passed_fen + a.spent_fen > a.amount_fen",
	    "SELECT c.id AS allocation, 'purpose changed from its parent' AS finding FROM fund_allocations c"
	    " JOIN fund_allocations p ON p.id = c.parent_id WHERE c.region >= $1 AND c.region < $2"
	    " AND c.purpose <> p.purpose" } },
	/* 公示 public notice: every movement is in the public ledger, with the bytes still there */
	{ "publication",
	  "SELECT (SELECT COUNT(*) FROM fund_allocations WHERE region >= $1 AND region < $2"
	  " AND ledger_idx IS NOT NULL) + (SELECT COUNT(*) FROM fund_entries WHERE region >= $1"
	  " AND region < $2 AND ledger_idx IS NOT NULL) AS published",
	  NULL,
	  NULL,
	  { "SELECT 'fund_allocation:' || a.id AS record, 'not in the public ledger' AS finding"
	    " FROM fund_allocations a WHERE a.region >= $1 AND a.region < $2 AND NOT EXISTS (SELECT 1 FROM"
	    " ledger_entries l WHERE l.idx = a.ledger_idx AND l.ref = 'fund_allocations:' || a.id)",
	    "SELECT 'fund_entry:' || f.id AS record, 'not in the public ledger' AS finding FROM fund_entries f"
	    " WHERE f.region >= $1 AND f.region < $2 AND NOT EXISTS (SELECT 1 FROM ledger_entries l"
	    " WHERE l.idx = f.ledger_idx AND l.ref = 'fund_entries:' || f.id)" } },
	/* 绩效 performance: how much of each purpose reached its use, and what sits idle */
	{ "performance",
	  NULL,
	  "by_purpose",
	  "SELECT purpose, SUM(CASE WHEN parent_id IS NULL THEN amount_fen ELSE 0 END) AS appropriated_fen,"
	  " SUM(spent_fen) AS spent_fen FROM fund_allocations WHERE region >= $1 AND region < $2"
	  " GROUP BY purpose ORDER BY purpose",
	  { "SELECT a.id AS allocation, 'nothing spent or passed down in 30 days' AS finding"
	    " FROM fund_allocations a WHERE a.region >= $1 AND a.region < $2 AND a.spent_fen = 0"
	    " AND a.passed_fen = 0 AND a.at < (SELECT MAX(at) FROM fund_allocations) - 30 * 86400" } },
};

json_t *fk_fund_audit(fk_db *db, const fk_actor *who, const char *region, fk_err *e)
{
	fk_range r;
	if (fk_scope_range(who, region, &r, e) < 0)
		return NULL;
	json_t *checks = json_array();
	for (size_t i = 0; i < sizeof(fund_checks) / sizeof(*fund_checks); i++) {
		json_t *figures = fund_checks[i].figures ? row_of(db, fund_checks[i].figures, &r) : json_object();
		json_t *findings = json_array();
		bool ok = figures != NULL;
		if (ok && fund_checks[i].list) {
			json_t *rows = json_array();
			json_object_set_new(figures, fund_checks[i].list_key, rows);
			ok = rows_into(db, fund_checks[i].list, &r, rows) == 0;
		}
		for (int k = 0; ok && k < 5 && fund_checks[i].findings[k]; k++)
			ok = rows_into(db, fund_checks[i].findings[k], &r, findings) == 0;
		if (!ok) {
			json_decref(figures);
			json_decref(findings);
			json_decref(checks);
			fk_err_internal(e);
			return NULL;
		}
		json_array_append_new(checks, check(fund_checks[i].name, figures, findings));
	}
	return json_pack("{s:s, s:o}", "region", r.base, "checks", checks);
}
