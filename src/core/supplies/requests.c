/* requests.c - requests, approvals in order, picking and shipping through
 * the stock ledger, receipts with their differences, and kit tests (see
 * requests.h).  Expected load: a few hundred requests a day in a district,
 * each of a few lines. */
#include "core/supplies/requests.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "core/supplies/stock.h"
#include "util/date.h"

const char *const fk_request_states[] = { "created", "submitted", "approved", "rejected", "picked", "shipped",
					  "partially_received", "received", "cancelled", NULL };

const fk_field fk_request_fields[] = {
	{ "region", FK_FT_STRING, true, 2, 15 },
	{ "warehouse_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "reason", FK_FT_STRING, true, 2, 200 },
	{ "needed_by", FK_FT_STRING, true, 10, 10 },
	{ "draft", FK_FT_BOOL, false },
	{ "lines", FK_FT_ARRAY, true, 1, FK_REQUEST_LINES_MAX },
	{ 0 },
};

const fk_field fk_request_line_fields[] = {
	{ "item_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "qty", FK_FT_INT, true, 1, 100000000 },
	{ 0 },
};

const fk_field fk_request_move_fields[] = {
	{ "to", FK_FT_STRING, true, 1, 20 },
	{ "note", FK_FT_STRING, false, 1, 200 },
	{ "lines", FK_FT_ARRAY, false, 1, FK_REQUEST_LINES_MAX },
	{ 0 },
};

const fk_field fk_request_move_line_fields[] = {
	{ "item_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "qty", FK_FT_INT, true, 0, 100000000 },
	{ "damaged", FK_FT_INT, false, 0, 100000000 },
	{ 0 },
};

/* Reads the array at "lines" of in by fields into *out (arena memory);
 * each item once.  Returns 0 or -1 with a 400 naming lines[i].field. */
static int parse_lines(const json_t *in, const fk_field *fields, fk_arena *a, fk_request_line **out, int *n,
		       fk_err *e)
{
	const json_t *lines = json_object_get(in, "lines");
	*n = (int)json_array_size(lines);
	*out = fk_arena_alloc(a, sizeof(**out) * (size_t)(*n ? *n : 1));
	for (int i = 0; i < *n; i++) {
		const json_t *l = json_array_get(lines, (size_t)i);
		char f[64];
		if (!json_is_object(l) || fk_fields_check(l, fields, e) < 0) {
			snprintf(f, sizeof(f), "lines[%d]%s%s", i, json_is_object(l) ? "." : "",
				 json_is_object(l) ? e->field : "");
			return fk_err_invalid(e, f, "%s: %s", f, json_is_object(l) ? e->message : "an object");
		}
		(*out)[i].item_id = json_integer_value(json_object_get(l, "item_id"));
		(*out)[i].qty = json_integer_value(json_object_get(l, "qty"));
		(*out)[i].damaged = json_integer_value(json_object_get(l, "damaged"));
		for (int j = 0; j < i; j++)
			if ((*out)[j].item_id == (*out)[i].item_id) {
				snprintf(f, sizeof(f), "lines[%d].item_id", i);
				return fk_err_invalid(e, f, "%s: item %" PRId64 " is on two lines", f, (*out)[i].item_id);
			}
	}
	return 0;
}

int fk_request_parse(const json_t *in, fk_request_in *q, fk_arena *a, fk_err *e)
{
	memset(q, 0, sizeof(*q));
	if (fk_fields_check(in, fk_request_fields, e) < 0)
		return -1;
	q->region = fk_json_str(in, "region");
	q->reason = fk_json_str(in, "reason");
	q->warehouse_id = json_integer_value(json_object_get(in, "warehouse_id"));
	q->draft = json_is_true(json_object_get(in, "draft"));
	if (fk_date_parse(fk_json_str(in, "needed_by"), &q->needed_by) < 0)
		return fk_err_invalid(e, "needed_by", "needed_by: a date YYYY-MM-DD");
	return parse_lines(in, fk_request_line_fields, a, &q->lines, &q->n, e);
}

static int event(fk_db *db, const fk_actor *who, int64_t id, const char *from, const char *to, const char *note)
{
	return fk_db_run(db,
			 "INSERT INTO request_events (request_id, at, user_id, level, from_state, to_state, note)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			 "iiissss", id, fk_now(), who->user_id, who->region, from, to, note);
}

json_t *fk_request_create(fk_db *db, const fk_actor *who, const fk_request_in *q, fk_err *e)
{
	json_t *r = fk_region_get(db, who, q->region, e);
	if (!r)
		return NULL;
	json_decref(r);
	/* the supplying warehouse is the region's own or one above it */
	char wr[16] = "";
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT region FROM warehouses WHERE id = $1", "i", q->warehouse_id) < 0)
		goto internal;
	if (fk_stmt_step(st) == FK_ROW)
		snprintf(wr, sizeof(wr), "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);
	if (!wr[0] || !fk_scope_contains(wr, q->region)) {
		fk_err_set(e, 404, "not_found", "warehouse_id",
			   "warehouse %" PRId64 " not found above the requesting region", q->warehouse_id);
		return NULL;
	}
	for (int i = 0; i < q->n; i++) {
		char f[48];
		snprintf(f, sizeof(f), "lines[%d].item_id", i);
		if (fk_item_exists(db, q->lines[i].item_id, f, NULL, e) < 0)
			return NULL;
	}
	int64_t now = fk_now(), id = 0;
	const char *state = q->draft ? "created" : "submitted";
	if (fk_db_int64(db, &id,
			"INSERT INTO requests (region, warehouse_id, state, reason, needed_by, created_by, created_at,"
			" updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
			"sissiii", q->region, q->warehouse_id, state, q->reason, q->needed_by, who->user_id, now) != FK_ROW ||
	    event(db, who, id, NULL, state, NULL) < 0)
		goto internal;
	for (int i = 0; i < q->n; i++)
		if (fk_db_run(db, "INSERT INTO request_lines (request_id, item_id, qty_requested) VALUES ($1, $2, $3)",
			      "iii", id, q->lines[i].item_id, q->lines[i].qty) < 0)
			goto internal;
	if (fk_audit_record(db, who, "request.create", "request", id, q->region, json_pack("{s:s}", "state", state)) < 0)
		goto internal;
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "region", q->region, "state", state);
internal:
	fk_err_internal(e);
	return NULL;
}

int fk_request_move_parse(const json_t *in, fk_request_move_in *m, fk_arena *a, fk_err *e)
{
	int64_t id = m->id;
	memset(m, 0, sizeof(*m));
	m->id = id;
	if (fk_fields_check(in, fk_request_move_fields, e) < 0)
		return -1;
	m->to = fk_json_str(in, "to");
	m->note = fk_json_str(in, "note");
	int known = 0;
	for (int i = 0; fk_request_states[i]; i++)
		known |= !strcmp(fk_request_states[i], m->to);
	if (!known || !strcmp(m->to, "created") || !strcmp(m->to, "partially_received"))
		return fk_err_invalid(e, "to",
				      "to: one of submitted, approved, rejected, picked, shipped, received, cancelled");
	if (!strcmp(m->to, "rejected") && !m->note)
		return fk_err_invalid(e, "note", "note: a rejection needs its reason");
	if (!strcmp(m->to, "received") && !json_object_get(in, "lines"))
		return fk_err_invalid(e, "lines", "lines: what arrived, per item");
	return parse_lines(in, fk_request_move_line_fields, a, &m->lines, &m->n, e);
}

/* The request's state machine: from which states each target is reached,
 * and who may do it. */
static const struct {
	const char *to, *from;
	fk_perms perm;
} MOVES[] = {
	{ "submitted", ",created,", FK_PERM_SUPPLY_REQUEST },
	{ "approved", ",submitted,", FK_PERM_SUPPLY_APPROVE },
	{ "rejected", ",submitted,", FK_PERM_SUPPLY_APPROVE },
	{ "picked", ",approved,", FK_PERM_STOCK_WRITE },
	{ "shipped", ",picked,", FK_PERM_STOCK_WRITE },
	{ "received", ",shipped,partially_received,", FK_PERM_SUPPLY_REQUEST },
	{ "cancelled", ",created,submitted,approved,", FK_PERM_SUPPLY_REQUEST },
};

typedef struct req_row {
	char region[16], state[24], level[16];
	int64_t warehouse_id, created_by;
} req_row;

static int req_load(fk_db *db, const fk_actor *who, int64_t id, req_row *q, fk_err *e)
{
	fk_stmt *st;
	memset(q, 0, sizeof(*q));
	if (fk_db_query(db, &st, "SELECT region, state, warehouse_id, created_by FROM requests WHERE id = $1", "i", id) <
	    0)
		return fk_err_internal(e);
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		snprintf(q->region, sizeof(q->region), "%s", fk_stmt_text(st, 0));
		snprintf(q->state, sizeof(q->state), "%s", fk_stmt_text(st, 1));
		q->warehouse_id = fk_stmt_int64(st, 2);
		q->created_by = fk_stmt_int64(st, 3);
	}
	fk_stmt_done(st);
	char what[48];
	snprintf(what, sizeof(what), "request %" PRId64, id);
	if (rc != FK_ROW)
		return fk_err_set(e, 404, "not_found", NULL, "%s not found", what);
	return fk_scope_row(who, q->region, what, e);
}

/* The line of item in the request given by the client, or NULL. */
static const fk_request_line *given(const fk_request_move_in *m, int64_t item_id)
{
	for (int i = 0; i < m->n; i++)
		if (m->lines[i].item_id == item_id)
			return &m->lines[i];
	return NULL;
}

typedef struct line_row {
	int64_t item_id, requested, approved, shipped, received, damaged;
} line_row;

/* The request's lines into rows (at most FK_REQUEST_LINES_MAX).  Returns
 * their number or -1. */
static int lines_load(fk_db *db, int64_t id, line_row rows[FK_REQUEST_LINES_MAX])
{
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT item_id, qty_requested, COALESCE(qty_approved, 0), qty_shipped, qty_received, qty_damaged"
			" FROM request_lines WHERE request_id = $1 ORDER BY id",
			"i", id) < 0)
		return -1;
	int n = 0;
	while (n < FK_REQUEST_LINES_MAX && fk_stmt_step(st) == FK_ROW) {
		rows[n] = (line_row){ fk_stmt_int64(st, 0), fk_stmt_int64(st, 1), fk_stmt_int64(st, 2),
				      fk_stmt_int64(st, 3), fk_stmt_int64(st, 4), fk_stmt_int64(st, 5) };
		n++;
	}
	fk_stmt_done(st);
	return n;
}

/* Checks that every line the client gave is on the request.  0 or -1. */
static int lines_known(const fk_request_move_in *m, const line_row *rows, int n, fk_err *e)
{
	for (int i = 0; i < m->n; i++) {
		int found = 0;
		for (int j = 0; j < n; j++)
			found |= rows[j].item_id == m->lines[i].item_id;
		if (!found) {
			char f[48];
			snprintf(f, sizeof(f), "lines[%d].item_id", i);
			return fk_err_invalid(e, f, "%s: item %" PRId64 " is not on the request", f, m->lines[i].item_id);
		}
	}
	return 0;
}

/* approve: the quantities approved, each at most as requested. */
static int approve_lines(fk_db *db, const fk_request_move_in *m, const line_row *rows, int n, fk_err *e)
{
	int64_t total = 0;
	for (int j = 0; j < n; j++) {
		const fk_request_line *g = given(m, rows[j].item_id);
		int64_t q = g ? g->qty : rows[j].requested;
		if (q > rows[j].requested)
			return fk_err_invalid(e, "lines", "lines: item %" PRId64 " approved beyond the %" PRId64 " requested",
					      rows[j].item_id, rows[j].requested);
		total += q;
		if (fk_db_run(db, "UPDATE request_lines SET qty_approved = $1 WHERE request_id = $2 AND item_id = $3",
			      "iii", q, m->id, rows[j].item_id) < 0)
			return fk_err_internal(e);
	}
	return total > 0 ? 0 : fk_err_invalid(e, "lines", "lines: nothing approved; reject it instead, with a reason");
}

/* pick: the approved quantities leave the warehouse (FEFO). */
static int pick_lines(fk_db *db, const fk_actor *who, const req_row *q, int64_t id, const line_row *rows, int n,
		      fk_err *e)
{
	char ref[48];
	snprintf(ref, sizeof(ref), "request:%" PRId64, id);
	for (int j = 0; j < n; j++) {
		if (!rows[j].approved)
			continue;
		fk_issue_in s = { .warehouse_id = q->warehouse_id, .item_id = rows[j].item_id, .qty = rows[j].approved,
				  .to = q->region, .ref = ref };
		json_t *v = fk_stock_issue(db, who, &s, e);
		if (!v)
			return -1;
		json_decref(v);
		if (fk_db_run(db, "UPDATE request_lines SET qty_shipped = $1 WHERE request_id = $2 AND item_id = $3",
			      "iii", rows[j].approved, id, rows[j].item_id) < 0)
			return fk_err_internal(e);
	}
	return 0;
}

/* receive: what arrived and what was damaged; returns the state reached. */
static const char *receive_lines(fk_db *db, const fk_request_move_in *m, const line_row *rows, int n, fk_err *e)
{
	int complete = 1;
	for (int j = 0; j < n; j++) {
		const fk_request_line *g = given(m, rows[j].item_id);
		int64_t got = rows[j].received + (g ? g->qty : 0), bad = rows[j].damaged + (g ? g->damaged : 0);
		if (got + bad > rows[j].shipped) {
			fk_err_invalid(e, "lines", "lines: item %" PRId64 ": %" PRId64 " arrived and damaged of %" PRId64
						   " shipped",
				       rows[j].item_id, got + bad, rows[j].shipped);
			return NULL;
		}
		complete &= got + bad == rows[j].shipped;
		if (g && fk_db_run(db,
				   "UPDATE request_lines SET qty_received = $1, qty_damaged = $2 WHERE request_id = $3"
				   " AND item_id = $4",
				   "iiii", got, bad, m->id, rows[j].item_id) < 0) {
			fk_err_internal(e);
			return NULL;
		}
	}
	/* a receipt that leaves lines short stays partially received: the
	 * difference is visible on the lines */
	return complete ? "received" : "partially_received";
}

json_t *fk_request_move(fk_db *db, const fk_actor *who, const fk_request_move_in *m, fk_err *e)
{
	req_row q;
	if (req_load(db, who, m->id, &q, e) < 0)
		return NULL;
	size_t k = 0;
	while (k < sizeof(MOVES) / sizeof(MOVES[0]) && strcmp(MOVES[k].to, m->to))
		k++;
	if (!fk_role_can(who->role, MOVES[k].perm)) {
		fk_err_forbidden(e, "%s: your role (%s) cannot move a request to %s", fk_perm_name(MOVES[k].perm),
				 fk_role_name(who->role), m->to);
		return NULL;
	}
	char from[32];
	snprintf(from, sizeof(from), ",%s,", q.state);
	int deciding = !strcmp(m->to, "approved") || !strcmp(m->to, "rejected");
	if (deciding && !strcmp(q.state, "rejected")) {
		/* the rejection stands: no level above overrides it */
		fk_err_conflict(e, "to", "request %" PRId64 " was rejected; a higher level cannot override a rejection",
				m->id);
		return NULL;
	}
	if (!strstr(MOVES[k].from, from)) {
		fk_err_conflict(e, "to", "request %" PRId64 " is %s: it cannot become %s", m->id, q.state, m->to);
		return NULL;
	}
	if (deciding) {
		if (q.created_by == who->user_id) {
			fk_err_forbidden(e, "approving or rejecting one's own request is not allowed");
			return NULL;
		}
		if (!strcmp(who->region, q.region)) {
			fk_err_forbidden(e, "the level above the requesting region decides; yours (%s) is the same level",
					 who->region);
			return NULL;
		}
	}
	line_row rows[FK_REQUEST_LINES_MAX];
	int n = lines_load(db, m->id, rows);
	if (n < 0) {
		fk_err_internal(e);
		return NULL;
	}
	if (lines_known(m, rows, n, e) < 0)
		return NULL;
	const char *to = m->to;
	if ((!strcmp(to, "approved") && approve_lines(db, m, rows, n, e) < 0) ||
	    (!strcmp(to, "picked") && pick_lines(db, who, &q, m->id, rows, n, e) < 0))
		return NULL;
	if (!strcmp(to, "received") && !(to = receive_lines(db, m, rows, n, e)))
		return NULL;
	if (fk_db_run(db, "UPDATE requests SET state = $1, updated_at = $2 WHERE id = $3", "sii", to, fk_now(), m->id) <
		    0 ||
	    event(db, who, m->id, q.state, to, m->note) < 0 ||
	    fk_audit_record(db, who, "request.transition", "request", m->id, q.region,
			    json_pack("{s:s, s:s}", "from", q.state, "to", to)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_request_get(db, who, m->id, e);
}

json_t *fk_request_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	req_row q;
	if (req_load(db, who, id, &q, e) < 0)
		return NULL;
	fk_stmt *st;
	json_t *out = NULL, *lines = json_array(), *events = json_array();
	if (fk_db_query(db, &st,
			"SELECT q.id, q.region, r.name AS region_name, q.warehouse_id, w.name AS warehouse, q.state, q.reason,"
			" q.needed_by, q.created_by, q.created_at FROM requests q JOIN warehouses w ON w.id = q.warehouse_id"
			" LEFT JOIN regions r ON r.code = q.region WHERE q.id = $1",
			"i", id) < 0)
		goto internal;
	if (fk_stmt_step(st) == FK_ROW)
		out = fk_row_json(st);
	fk_stmt_done(st);
	if (!out || fk_db_query(db, &st,
				"SELECT l.item_id, i.name AS item, i.unit, l.qty_requested AS requested, l.qty_approved AS"
				" approved, l.qty_shipped AS shipped, l.qty_received AS received, l.qty_damaged AS damaged,"
				" l.qty_shipped - l.qty_received - l.qty_damaged AS short FROM request_lines l"
				" JOIN items i ON i.id = l.item_id WHERE l.request_id = $1 ORDER BY l.id",
				"i", id) < 0)
		goto internal;
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(lines, fk_row_json(st));
	if (fk_db_query(db, &st,
			"SELECT e.at, e.user_id, u.display_name AS user_name, e.level, e.from_state, e.to_state, e.note"
			" FROM request_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.request_id = $1 ORDER BY e.id",
			"i", id) < 0)
		goto internal;
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(events, fk_row_json(st));
	json_object_set_new(out, "lines", lines);
	json_object_set_new(out, "events", events);
	return out;
internal:
	json_decref(out);
	json_decref(lines);
	json_decref(events);
	fk_err_internal(e);
	return NULL;
}

static const fk_filter request_filters[] = {
	{ "state", FK_F_ENUM, "q.state = ?", .names = fk_request_states },
	{ 0 },
};

const fk_list fk_request_list = {
	.select = "q.id, q.region, r.name AS region_name, q.warehouse_id, w.name AS warehouse, q.state, q.reason,"
		  " q.needed_by, q.created_at, q.updated_at FROM requests q JOIN warehouses w ON w.id = q.warehouse_id"
		  " LEFT JOIN regions r ON r.code = q.region",
	FK_LIST_REGION_ID("q"),
	.desc = true,
	.filters = request_filters,
};

const fk_field fk_kit_tests_fields[] = {
	{ "region", FK_FT_STRING, true, 2, 15 },
	{ "item_id", FK_FT_INT, true, 1, INT64_MAX },
	{ "day", FK_FT_STRING, true, 10, 10 },
	{ "tests", FK_FT_INT, true, 1, 1000000 },
	{ 0 },
};

int fk_kit_tests_parse(const json_t *in, fk_kit_tests_in *k, fk_err *e)
{
	memset(k, 0, sizeof(*k));
	if (fk_fields_check(in, fk_kit_tests_fields, e) < 0)
		return -1;
	k->region = fk_json_str(in, "region");
	k->item_id = json_integer_value(json_object_get(in, "item_id"));
	k->tests = json_integer_value(json_object_get(in, "tests"));
	if (fk_date_parse(fk_json_str(in, "day"), &k->day) < 0 || k->day > fk_today())
		return fk_err_invalid(e, "day", "day: a date YYYY-MM-DD, not after today");
	return 0;
}

json_t *fk_kit_tests_record(fk_db *db, const fk_actor *who, const fk_kit_tests_in *k, fk_err *e)
{
	json_t *r = fk_region_get(db, who, k->region, e);
	if (!r)
		return NULL;
	json_decref(r);
	char category[32] = "";
	if (fk_item_exists(db, k->item_id, "item_id", category, e) < 0)
		return NULL;
	if (strcmp(category, "test_kit") != 0) {
		fk_err_invalid(e, "item_id", "item_id: item %" PRId64 " is not a test kit", k->item_id);
		return NULL;
	}
	int64_t id = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO kit_tests (region, item_id, day, tests, user_id, at) VALUES ($1, $2, $3, $4, $5, $6)"
			" RETURNING id",
			"siiiii", k->region, k->item_id, k->day, k->tests, who->user_id, fk_now()) != FK_ROW ||
	    fk_audit_record(db, who, "kit.tests", "kit_tests", id, k->region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "region", k->region, "tests", (json_int_t)k->tests);
}

json_t *fk_kits_json(fk_db *db, const fk_actor *who, const char *region, fk_err *e)
{
	fk_range r;
	if (fk_scope_range(who, region, &r, e) < 0)
		return NULL;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT i.id AS item_id, i.name AS item, i.tests_per_unit,"
			" (SELECT COALESCE(SUM(l.qty_received), 0) FROM request_lines l JOIN requests q ON q.id ="
			"  l.request_id WHERE l.item_id = i.id AND q.region >= $1 AND q.region < $2) AS kits_received,"
			" (SELECT COALESCE(SUM(t.tests), 0) FROM kit_tests t WHERE t.item_id = i.id AND t.region >= $1"
			"  AND t.region < $2) AS tests_recorded FROM items i WHERE i.category = 'test_kit' ORDER BY i.code",
			"ss", r.base, r.hi) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *items = json_array();
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *row = fk_row_json(st);
		int64_t possible = fk_stmt_int64(st, 3) * fk_stmt_int64(st, 2);
		json_object_set_new(row, "tests_possible", json_integer(possible));
		json_object_set_new(row, "unaccounted", json_integer(possible - fk_stmt_int64(st, 4)));
		json_array_append_new(items, row);
	}
	return json_pack("{s:s, s:o}", "region", r.base, "items", items);
}
